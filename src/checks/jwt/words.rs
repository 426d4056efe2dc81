//! The words of section 6: every title, detail and hint, from what was seen and the typed
//! verdict. Nothing here decides a status.

use super::fixes;
use super::judge::{ClaimFacts, ClaimProblem, Forgery, JwtFault, Lifetime};
use crate::stack::Backend;
use crate::target::AuthFlow;

/// Whether the fixes are said in Django's (simplejwt's) words; otherwise `fixes.rs` words them
/// for the recognised framework, or without naming one.
fn django(b: Option<Backend>) -> bool {
    b == Some(Backend::Django)
}

pub const SET_CREDENTIALS: &str =
    "set CONNCHECK_USERNAME and CONNCHECK_PASSWORD (a test account) to run the login round trip";

/// The rows' titles.
pub struct Titles {
    pub login: String,
    pub claims: String,
    pub authenticated: String,
    pub refresh: String,
    pub forged: String,
    pub weak: String,
}

impl Titles {
    pub fn new(a: &AuthFlow) -> Titles {
        Titles {
            login: format!("POST {} logs in and returns tokens", a.login_path),
            claims: "access token claims are sane (alg, lifetime, clock)".into(),
            authenticated: format!("GET {} with the token answers 200", a.profile_path),
            refresh: format!("POST {} returns a working access token", a.refresh_path),
            forged: "missing, tampered and alg:none tokens are refused (401)".into(),
            weak: "the token is not signed with a publicly known secret".into(),
        }
    }
}

/// A duration in the largest units that keep it exact enough to read.
pub fn human(secs: i64) -> String {
    let (d, h, m) = (secs / 86400, (secs % 86400) / 3600, (secs % 3600) / 60);
    match (d, h, m) {
        (0, 0, _) => format!("{secs} s"),
        (0, _, 0) => format!("{h} h"),
        (0, _, _) => format!("{h} h {m} min"),
        (_, 0, _) => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

/// Why the rows after the login were not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotChecked {
    PlainHttp,
    NoToken,
}

pub fn not_checked(why: NotChecked) -> String {
    let why = match why {
        NotChecked::PlainHttp => "login not attempted over plain http",
        NotChecked::NoToken => "no token (login did not succeed)",
    };
    format!("not checked: {why} (see jwt.login)")
}

pub fn plain_http_detail(url: &url::Url) -> String {
    format!("refused to send the password to {url}: plain http would carry it in clear text")
}

pub const PLAIN_HTTP_HINT: &str =
    "serve the API over https:// (or pass --allow-insecure-auth for a local test server)";

/// What a login fault's detail adds after `POST {url} as {user} → …`, and its hint.
pub fn login_hint(f: &JwtFault, a: &AuthFlow, b: Option<Backend>) -> String {
    use JwtFault::*;
    if let Some(h) = fixes::login_hint(f, b).filter(|_| !django(b)) {
        return h;
    }
    match f {
        LoginNotJson { .. } => "the login route answered but not with JSON: check the proxy routes it to Django".into(),
        NoAccessToken { .. } => "return simplejwt's tokens from the login view (RefreshToken.for_user(user): 'access' and 'refresh'), or set the token path in the profile".into(),
        LoginAnsweredHtml { .. } => "the login route answered HTML, not DRF's JSON, so the request never reached the login view: see endpoints.login (ALLOWED_HOSTS, the proxy)".into(),
        LoginFieldNames { .. } => format!("the login view wants other field names than `{}`/`{}`: set auth.username_field (e.g. `email`) in the profile", a.username_field, a.password_field),
        CredentialsRefused { .. } => "the server refused these credentials: check CONNCHECK_USERNAME / CONNCHECK_PASSWORD, that the account exists in this database and is active (is_active), and that email/username matches what the login view expects".into(),
        LoginRedirected { location, .. } => format!("the login POST is redirected to {location} and conncheck does not resend the password: call the final URL (trailing slash, https) — see endpoints.login"),
        LoginRouteMissing { .. } => format!("the login route {} is not there: see endpoints.login for the path that answers", a.login_path),
        LoginServerError { status: 503 } => "the API answers 503 at login: see endpoints.login (a maintenance page is named there) and the app's logs".into(),
        LoginServerError { .. } => "the backend fails at login: see endpoints.login and the app's logs (database, migrations)".into(),
        LoginCsrfRefused { .. } => super::csrf_words::LOGIN_REFUSED_HINT.into(),
        CsrfTokenNotReplayed => "the login was refused for a CSRF token the app fetches before it logs in, which conncheck does not replay: the login round trip was not checked (see jwt.csrf)".into(),
        _ => "the login did not succeed; see endpoints.login".into(),
    }
}

/// The login row's detail: `head` is `POST {url} as {user} → {answer}`.
pub fn login_detail(head: &str, fault: Option<&JwtFault>, notes: &[String]) -> String {
    match fault {
        Some(JwtFault::LoginNotJson { .. }) => format!("{head}; not JSON"),
        Some(JwtFault::NoAccessToken { configured }) => format!(
            "{head}; no access token in the response (looked at {configured}, tokens.access, access_token, token)"
        ),
        Some(_) => head.to_string(),
        None => format!("{head} ({})", notes.join(", ")),
    }
}

/// Where the login's tokens were found, for the passing login row.
pub fn token_notes(access_path: &str, configured: &str, refresh_path: Option<&str>) -> Vec<String> {
    let mut notes = vec![format!("access token at `{access_path}`")];
    if access_path != configured {
        notes.push(format!("not at the configured `{configured}`"));
    }
    notes.push(match refresh_path {
        Some(rp) => format!("refresh token at `{rp}`"),
        None => "no refresh token".into(),
    });
    notes
}

/// The probe without credentials: detail and hint.
pub fn login_probe(
    said: &str,
    url: &url::Url,
    fault: Option<&JwtFault>,
    b: Option<Backend>,
) -> (String, String) {
    let detail = format!("no credentials: POST {url} with a made-up user → {said}");
    match fault {
        None => (
            format!("{detail}: the route exists and rejects bad credentials cleanly"),
            SET_CREDENTIALS.into(),
        ),
        Some(JwtFault::LoginAcceptsAnyone { .. }) if !django(b) => (
            format!("{detail}: a made-up user was let in"),
            fixes::accepts_anyone(b),
        ),
        Some(JwtFault::LoginAcceptsAnyone { .. }) => (
            format!("{detail}: a made-up user was let in"),
            "the login view accepts unknown credentials: authenticate with django.contrib.auth.authenticate / simplejwt's TokenObtainPairView".into(),
        ),
        Some(JwtFault::CsrfTokenNotReplayed) => (
            format!("{detail}: refused for the CSRF token the app fetches before it logs in, which conncheck does not replay"),
            "not checked: the app's login carries a CSRF token from a cookie it fetches first (see jwt.csrf)".into(),
        ),
        Some(JwtFault::LoginCsrfRefused { .. }) => (
            format!("{detail}: refused by the API's CSRF check before the credentials were read"),
            super::csrf_words::LOGIN_REFUSED_HINT.into(),
        ),
        Some(_) => (
            detail,
            "the login route does not reject bad credentials with a JSON 400/401: see endpoints.login".into(),
        ),
    }
}

fn claim_what_and_fix(p: ClaimProblem) -> (String, &'static str) {
    match p {
        ClaimProblem::NoExp => (
            "the access token has no exp claim: it never expires".into(),
            "set SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'] (e.g. timedelta(minutes=15)); a stolen token without exp works forever",
        ),
        ClaimProblem::Unsigned => (
            "the server issues unsigned (alg: none) tokens".into(),
            "sign tokens: set SIMPLE_JWT['ALGORITHM'] = 'HS256' (or RS256 with a key pair) and a SIGNING_KEY from the environment",
        ),
        ClaimProblem::AccessOutlivesRefresh { access, refresh } => (
            format!("the access token outlives the refresh token ({} > {})", human(access), human(refresh)),
            "make ACCESS_TOKEN_LIFETIME short (minutes) and REFRESH_TOKEN_LIFETIME longer in SIMPLE_JWT; a long-lived access token cannot be revoked",
        ),
        ClaimProblem::LongLived { lifetime } => (
            format!("the access token lives {} (more than a day)", human(lifetime)),
            "make SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'] short (e.g. timedelta(minutes=15)) and let the refresh token renew it; a stolen access token works until it expires",
        ),
        ClaimProblem::ClockSkew { skew } => (
            format!("the token's iat is {skew:+} s off the server's own Date header"),
            "sync the server clocks (NTP) of the app and the proxy; a token issued 'in the future' is refused by other verifiers with leeway 0",
        ),
        ClaimProblem::ExpiredOnArrival => (
            "the token issued just now is already expired by this machine's clock".into(),
            "check the clocks of this machine and the server (NTP)",
        ),
    }
}

/// The claims row: the facts, then every problem; the hints of every problem.
pub fn claims(
    facts: &ClaimFacts,
    problems: &[ClaimProblem],
    b: Option<Backend>,
) -> (String, Option<String>) {
    let mut parts = vec![format!("alg {}", facts.alg)];
    if let Some(t) = &facts.token_type {
        parts.push(format!("token_type {t}"));
    }
    match facts.lifetime {
        Lifetime::Known(l) => parts.push(format!("access lifetime {}", human(l))),
        Lifetime::NoIat => parts.push("no iat claim".into()),
        Lifetime::NoExp => {}
    }
    if let Some(r) = facts.refresh_lifetime {
        parts.push(format!("refresh lifetime {}", human(r)));
    }
    if let Some(skew) = facts.skew {
        parts.push(format!("iat − server Date {skew:+} s"));
    }
    if let Some(local) = facts.server_offset {
        parts.push(format!("server Date − local clock {local:+} s"));
    }
    let detail = parts.join(", ");
    if problems.is_empty() {
        return (detail, None);
    }
    let (what, fix): (Vec<_>, Vec<_>) = problems
        .iter()
        .map(|p| match claim_what_and_fix(*p) {
            (what, _) if !django(b) => (what, fixes::claim_fix(*p, b)),
            both => both,
        })
        .unzip();
    (
        format!("{detail}; {}", what.join("; ")),
        Some(fix.join("; ")),
    )
}

pub const OPAQUE_TOKEN: &str =
    "the access token is not a JWS (three base64url parts): opaque token, nothing to decode";

/// The authenticated call: detail additions and hint.
pub fn authenticated(
    detail: String,
    fault: Option<&JwtFault>,
    b: Option<Backend>,
) -> (String, Option<String>) {
    let (detail, hint) = authenticated_django(detail, fault);
    match fault {
        Some(f) if !django(b) => (detail, Some(fixes::authenticated(f, b))),
        _ => (detail, hint.map(String::from)),
    }
}

fn authenticated_django(
    detail: String,
    fault: Option<&JwtFault>,
) -> (String, Option<&'static str>) {
    match fault {
        None => (detail, None),
        Some(JwtFault::ProfileNotJson) => (format!("{detail}; not JSON"), Some("the profile route answered 200 but not JSON: check the proxy routes it to Django")),
        Some(JwtFault::FreshTokenRefused) => (detail, Some("the API refuses the token it just issued: every instance must share the same SIGNING_KEY/SECRET_KEY, AUTH_HEADER_TYPES must include the scheme sent ('Bearer'), and a proxy must pass the Authorization header through")),
        Some(JwtFault::TokenForbidden) => (detail, Some("the token is accepted but the user lacks permission for this route: check permission_classes and the account's flags")),
        Some(_) => (detail, Some("the authenticated call failed: see endpoints.profile for the route's status")),
    }
}

/// The login gave no refresh token: detail and hint.
pub fn no_refresh_token(b: Option<Backend>) -> (&'static str, String) {
    if django(b) {
        return (NO_REFRESH_TOKEN.0, NO_REFRESH_TOKEN.1.into());
    }
    (NO_REFRESH_TOKEN.0, fixes::no_refresh_token(b))
}

const NO_REFRESH_TOKEN: (&str, &str) = (
    "the login response carried no refresh token: users must log in again when the access token expires",
    "return the refresh token from the login view (simplejwt: str(RefreshToken.for_user(user))), or set its path in the profile",
);

/// A refresh fault's hint.
pub fn refresh_hint(f: &JwtFault, a: &AuthFlow, b: Option<Backend>) -> String {
    use JwtFault::*;
    if !django(b) {
        return fixes::refresh_hint(f, a, b);
    }
    match f {
        RefreshRouteMissing { .. } => format!("there is no refresh route at {}: add path('{}', TokenRefreshView.as_view()) to urls.py, or the frontend cannot renew sessions", a.refresh_path, a.refresh_path.trim_start_matches('/')),
        RefreshTokenRefused => "the server refuses the refresh token it just issued: check SIGNING_KEY is the same on every instance and the token_blacklist app's migrations ran".into(),
        RefreshFieldName { field } => format!("the refresh view wants another field than `{field}`: set auth.refresh_field in the profile"),
        RefreshNoAccessToken => "TokenRefreshView returns {\"access\": …}: return the new access token".into(),
        RefreshedTokenRefused { .. } => "the refreshed access token is refused: check that refresh and verification use the same SIGNING_KEY and ALGORITHM".into(),
        RefreshNotRotated => "the profile expects rotation: set SIMPLE_JWT['ROTATE_REFRESH_TOKENS'] = True (and BLACKLIST_AFTER_ROTATION with the token_blacklist app)".into(),
        _ => "the refresh call failed: check the app's logs".into(),
    }
}

/// The refresh row's detail after a 2xx answer. `old`: what replaying the old refresh token
/// got, when tokens rotate (`Some(None)`: the replay did not complete).
pub fn refresh_detail(
    head: &str,
    fault: Option<&JwtFault>,
    profile_path: &str,
    rotated: Option<Option<u16>>,
) -> String {
    match fault {
        Some(JwtFault::RefreshNoAccessToken) => {
            return format!("{head}; no access token in the answer")
        }
        Some(JwtFault::RefreshedTokenRefused { status }) => {
            return format!("{head}; the new access token → {status} on {profile_path}")
        }
        _ => {}
    }
    let rotation = match rotated {
        Some(Some(200)) => "refresh tokens rotate; the old refresh token is still accepted (no blacklist after rotation)".into(),
        Some(Some(s)) => format!("refresh tokens rotate; the old refresh token is refused ({s})"),
        Some(None) => "refresh tokens rotate; replaying the old one did not complete".into(),
        None => "refresh tokens do not rotate".into(),
    };
    format!("{head}; new access token works ({profile_path} → 200); {rotation}")
}

pub fn forgery(f: Forgery) -> &'static str {
    match f {
        Forgery::NoToken => "no token",
        Forgery::SignatureAltered => "signature altered",
        Forgery::AlgNone => "alg none",
    }
}

fn forgery_fix(f: Forgery, b: Option<Backend>) -> &'static str {
    if !django(b) {
        return fixes::forgery_fix(f, b);
    }
    match f {
        Forgery::NoToken => "the route is not protected: set permission_classes = [IsAuthenticated] (or DEFAULT_PERMISSION_CLASSES)",
        Forgery::AlgNone => "the API accepts unsigned alg: none tokens: pin SIMPLE_JWT['ALGORITHM'] = 'HS256' and never allow 'none' in the algorithms passed to jwt.decode",
        Forgery::SignatureAltered => "the API does not verify signatures: use simplejwt's JWTAuthentication unmodified (no verify_signature=False or hand-rolled decode), then rotate SIGNING_KEY",
    }
}

/// The forged-token row: detail and hint.
pub fn forged(
    results: &[(Forgery, u16)],
    fault: Option<&JwtFault>,
    b: Option<Backend>,
) -> (String, Option<String>) {
    let seen = results
        .iter()
        .map(|(f, s)| format!("{} → {s}", forgery(*f)))
        .collect::<Vec<_>>()
        .join("; ");
    let forbidden = results.iter().any(|(_, s)| *s == 403);
    match fault {
        Some(JwtFault::ForgedAccepted { accepted }) => {
            let names: Vec<&str> = accepted.iter().map(|f| forgery(*f)).collect();
            let fixes: Vec<&str> = accepted.iter().map(|f| forgery_fix(*f, b)).collect();
            (
                format!("{seen} — CRITICAL: the API accepts forged tokens ({}): anyone can act as any user", names.join(", ")),
                Some(fixes.join("; ")),
            )
        }
        Some(JwtFault::ForgedCrashes) if !django(b) => (
            format!("{seen}: a forged token crashes the server (should be 401)"),
            Some(fixes::forged_crashes(b)),
        ),
        Some(JwtFault::ForgedCrashes) => (
            format!("{seen}: a forged token crashes the server (should be 401)"),
            Some("the authentication code raises on a bad token instead of refusing it: let simplejwt's JWTAuthentication handle tokens (it answers 401 token_not_valid) and read the traceback in the logs".into()),
        ),
        Some(_) => (
            format!("{seen}: refused, but not with 401"),
            Some("answer bad or missing tokens with 401 so the frontend knows to log in again".into()),
        ),
        None if forbidden => (
            format!("{seen}: all refused (403 rather than 401 is reported under endpoints)"),
            None,
        ),
        None => (format!("{seen}: all refused"), None),
    }
}

/// Without credentials, the no-token call was refused: the rest needs a real token.
pub fn forged_needs_token(status: u16) -> String {
    format!(
        "no token → {status} (refused); tampered and alg:none tokens need a real token to forge"
    )
}

/// The weak-secret row: detail and hint of a fault.
pub fn weak_secret(f: &JwtFault, tried: &str, b: Option<Backend>) -> (String, Option<String>) {
    let (detail, hint) = weak_secret_django(f, tried);
    match hint {
        Some(_) if !django(b) => (detail, Some(fixes::weak_secret(b))),
        h => (detail, h.map(String::from)),
    }
}

fn weak_secret_django(f: &JwtFault, tried: &str) -> (String, Option<&'static str>) {
    match f {
        JwtFault::KnownSecret { alg, secret } => {
            let shown = if secret.is_empty() {
                "the empty string".to_string()
            } else {
                format!("\"{secret}\"")
            };
            (
                format!("CRITICAL: the {alg} signature verifies with the publicly known secret {shown}: anyone can forge tokens for any user"),
                Some("set SECRET_KEY (and SIMPLE_JWT['SIGNING_KEY']) from the environment to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), then rotate: every token signed with the old key must die"),
            )
        }
        JwtFault::WordlistSecret { alg, entry, list } => (
            format!("CRITICAL: the {alg} signature verifies with entry {entry} of {} (not shown)", list.display()),
            Some("set SECRET_KEY / SIMPLE_JWT['SIGNING_KEY'] from the environment to a long random value not on any list, and rotate it"),
        ),
        JwtFault::WordlistUnreadable { list, error } => (
            format!("{tried} did not match, but --jwt-wordlist {} could not be read: {error}", list.display()),
            None,
        ),
        _ => (String::new(), None),
    }
}

/// The login was tried once more with the field its first answer named.
pub fn retried_with(sent: &str, asked: &str) -> String {
    format!("the first login sent `{sent}` and its 400 asked for `{asked}`: conncheck tried once more with `{asked}` (never more than once)")
}

/// The refresh row of an app without a refresh flow.
pub const NO_REFRESH_FLOW: &str = "not applicable: the app's code calls no refresh route and its login returns no refresh token, so it logs in again when the access token expires (see jwt.claims for its lifetime)";

/// The cookie refresh row when the login set no cookie.
pub const NO_REFRESH_COOKIE: &str = "the app's code refreshes with a cookie (no token in the refresh body, credentials included), but the login's answer set no cookie: users must log in again when the access token expires";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(45), "45 s");
        assert_eq!(human(3600), "1 h");
        assert_eq!(human(5400), "1 h 30 min");
        assert_eq!(human(86400), "1 d");
        assert_eq!(human(90000), "1 d 1 h");
    }

    #[test]
    fn forged_wording_names_what_was_accepted() {
        let results = [
            (Forgery::NoToken, 401),
            (Forgery::SignatureAltered, 200),
            (Forgery::AlgNone, 401),
        ];
        let fault = JwtFault::ForgedAccepted {
            accepted: vec![Forgery::SignatureAltered],
        };
        let (detail, hint) = forged(&results, Some(&fault), Some(Backend::Django));
        assert_eq!(
            detail,
            "no token → 401; signature altered → 200; alg none → 401 — CRITICAL: the API accepts forged tokens (signature altered): anyone can act as any user"
        );
        assert!(hint.unwrap().contains("does not verify signatures"));
    }
}
