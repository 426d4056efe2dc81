//! Section 6 faults: the login round trip breaks, or the API trusts tokens it should not.
use super::Scenario;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "jwt-refresh-missing",
            "login works but there is no token refresh route (TokenRefreshView not in urls.py)",
            |s| {
                s.api.jwt.refresh_route = false;
            },
        ),
        Scenario::fault(
            "jwt-wrong-password",
            "the test account's password is wrong: login answers 401",
            |s| {
                s.wrong_password = true;
            },
        ),
        Scenario::fault(
            "jwt-default-secret",
            "tokens are signed with Django's insecure default key (SECRET_KEY never set in the environment)",
            |s| {
                s.api.jwt.secret = "django-insecure-change-this-in-production".into();
            },
        ),
        Scenario::fault(
            "jwt-accepts-forged",
            "the API decodes tokens without verifying their signature",
            |s| {
                s.api.jwt.verify_signature = false;
            },
        ),
        Scenario::fault(
            "jwt-accepts-alg-none",
            "the API accepts unsigned alg: none tokens",
            |s| {
                s.api.jwt.accept_alg_none = true;
            },
        ),
        Scenario::fault(
            "jwt-long-lived-access",
            "access tokens live a week (ACCESS_TOKEN_LIFETIME = timedelta(days=7)): a stolen one works for days",
            |s| {
                s.api.jwt.access_lifetime_s = 7 * 24 * 3600;
            },
        ),
    ]
}
