//! Pitfalls from the seed documents that need a lab of their own (issue 20): a proxy-header
//! redirect loop, a refused method, missing static files, a throttled login, a valid token
//! refused by one instance, and cookies a login sets.
use super::Scenario;

/// The lab API's knobs for these pitfalls (all off in a healthy deployment).
#[derive(Debug, Clone, Default)]
pub struct SeedFaults {
    /// SECURE_SSL_REDIRECT = True without SECURE_PROXY_SSL_HEADER behind a TLS-terminating
    /// proxy: Django sees http and redirects every request to the same https URL, forever.
    pub ssl_redirect_loop: bool,
    /// `collectstatic` never ran (or nothing serves STATIC_ROOT): /static/ answers 404.
    pub static_missing: bool,
    /// A lockout plugin (django-axes) answers every login POST 429 with this Retry-After.
    pub login_locked: Option<u64>,
    /// DRF's throttling (ScopedRateThrottle on the login) answers every login POST 429 with
    /// this Retry-After.
    pub login_throttled: Option<u64>,
    /// Routes (relative to /api/v1/) answered by an instance that verifies tokens with another
    /// SIGNING_KEY: every token the login issues is refused there.
    pub other_key_routes: Vec<String>,
    /// The login response sets a `sessionid` cookie; `true` with Secure.
    pub login_session_cookie: Option<bool>,
    /// Routes (relative to /api/v1/) whose view never answers (a stuck worker).
    pub hang_routes: Vec<String>,
}

/// The SIGNING_KEY of the other instance in `other_key_routes`.
pub const OTHER_SIGNING_KEY: &str = "lab-other-instance-Zk3Wq9Lm2Xv7Pn4Rt8Yb1Hc6Jd5Gf0Se";

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "https-proxy-ssl-loop",
            "SECURE_SSL_REDIRECT behind the platform's TLS proxy without SECURE_PROXY_SSL_HEADER: the https URL redirects to itself, forever",
            |s| {
                s.api.seed.ssl_redirect_loop = true;
            },
        ),
        Scenario::fault(
            "cors-method-refused",
            "CORS_ALLOW_METHODS lists only GET, POST and OPTIONS: preflights for PUT and DELETE calls are refused (for the CORS module, once its calls include PUT/DELETE: the default endpoint map has none)",
            |s| {
                s.api.allow_methods = ["GET", "OPTIONS", "POST"].map(String::from).to_vec();
            },
        ),
        Scenario::fault(
            "endpoints-static-missing",
            "collectstatic never ran on the platform: the Django admin's stylesheets and scripts answer 404",
            |s| {
                s.api.seed.static_missing = true;
            },
        ),
        Scenario::fault(
            "endpoints-login-throttled",
            "django-axes locked the login out after failed attempts: every login POST answers 429",
            |s| {
                s.api.seed.login_locked = Some(1800);
            },
        ),
        Scenario::fault(
            "endpoints-login-rate-limited",
            "DRF throttles the login (DEFAULT_THROTTLE_RATES 'login': '5/min'): every login POST answers 429 with Retry-After: 1",
            |s| {
                s.api.seed.login_throttled = Some(1);
            },
        ),
        Scenario::fault(
            "endpoints-token-refused",
            "the instance serving license/info/ verifies tokens with another SIGNING_KEY: a fresh token is refused there",
            |s| {
                s.api.seed.other_key_routes = vec!["license/info/".into()];
            },
        ),
        Scenario::fault(
            "https-login-cookie-insecure",
            "the login view sets a sessionid cookie without Secure (SESSION_COOKIE_SECURE left False)",
            |s| {
                s.api.seed.login_session_cookie = Some(false);
            },
        ),
        Scenario::fault(
            "endpoints-route-hangs",
            "the view behind models/available/ never answers (a stuck query): the other routes still get their verdicts before the deadline",
            |s| {
                s.api.seed.hang_routes = vec!["models/available/".into()];
            },
        ),
        Scenario::fault(
            "https-cross-site-cookie",
            "the SPA is served from tiktrue-frontend.liara.test (another site than api.tiktrue.test) and sends credentials, but the login's sessionid is SameSite=Lax",
            |s| {
                s.names.apex = "tiktrue-frontend.liara.test".into();
                s.names.www = None;
                s.api.seed.login_session_cookie = Some(true);
            },
        ),
    ]
}
