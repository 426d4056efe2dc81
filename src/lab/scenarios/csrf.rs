//! A cookie-session SPA behind the API's CSRF check: the login POST, carrying the frontend's
//! Origin as Chrome sends it, is refused when the origin is not trusted (DRF's JSON
//! `CSRF Failed: Origin checking failed …`) or when the SPA does not send the CSRF cookie and
//! token (Django's HTML 403 "CSRF cookie not set.").
//!
//! The lab checks only requests that carry an Origin (real Django falls back to the Referer
//! without one): conncheck's endpoint probes send none, so the refusal shows on jwt.csrf.
use super::Scenario;

/// The CSRF check in front of the lab's login view.
#[derive(Debug, Clone, Default)]
pub struct CsrfSpec {
    /// Unsafe requests with an Origin are checked.
    pub enforce: bool,
    /// CSRF_TRUSTED_ORIGINS (`{port}` expanded).
    pub trusted_origins: Vec<String>,
    /// Refuse as DRF's SessionAuthentication does (JSON `{"detail": "CSRF Failed: …"}`), else
    /// as Django's CsrfViewMiddleware (its HTML 403 page).
    pub drf: bool,
    /// A trusted origin still needs the csrftoken cookie and the X-CSRFToken header.
    pub require_token: bool,
    /// Only a logged-in session's requests are checked (DRF's SessionAuthentication): the
    /// anonymous login passes, the next unsafe call with the session cookie is refused.
    pub session_only: bool,
}

/// The SPA sends cookies: a session-cookie app, which posts to forgot-password/ after logging
/// in (its first unsafe call after the login).
const COOKIE_SPA: &str = "var n=\"{api}\";var f=e=>fetch(`${n}/auth/forgot-password/`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({email:e})});async function l(e,a){return(await fetch(`${n}/auth/login/`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({username:e,password:a})})).json()}var m=()=>fetch(`${n}/auth/profile/`,{credentials:\"include\"}).then(e=>e.json());export{l as login,m as me,f as forgot};";

/// A session-cookie app that fetches its CSRF cookie first and echoes it in X-CSRFToken.
const TOKEN_SPA: &str = "var n=\"{api}\",g=e=>(document.cookie.match(RegExp(e+\"=([^;]+)\"))||[])[1];async function l(e,a){await fetch(`${n}/auth/csrf/`,{credentials:\"include\"});return(await fetch(`${n}/auth/login/`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\",\"X-CSRFToken\":g(\"csrftoken\")},body:JSON.stringify({username:e,password:a})})).json()}export{l as login};";

fn cookie_spa(s: &mut Scenario) {
    s.frontend.script = Some(COOKIE_SPA.into());
    s.api.seed.login_session_cookie = Some(true);
}

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "csrf-origin-untrusted",
            "a cookie-session SPA whose login POST is refused 403 by DRF's CSRF check: the frontend's origin is not in CSRF_TRUSTED_ORIGINS (\"CSRF Failed: Origin checking failed\")",
            |s| {
                cookie_spa(s);
                s.api.csrf = CsrfSpec {
                    enforce: true,
                    trusted_origins: vec!["https://admin.tiktrue.test{port}".into()],
                    drf: true,
                    require_token: false,
                    session_only: false,
                };
            },
        ),
        Scenario::fault(
            "csrf-session-origin-untrusted",
            "a cookie-session SPA behind DRF's SessionAuthentication: the login passes (anonymous), but its next POST with the session cookie is refused 403 \"CSRF Failed: Origin checking failed\" (the frontend's origin is not in CSRF_TRUSTED_ORIGINS)",
            |s| {
                cookie_spa(s);
                s.api.csrf = CsrfSpec {
                    enforce: true,
                    trusted_origins: vec![],
                    drf: true,
                    require_token: false,
                    session_only: true,
                };
            },
        ),
        Scenario::fault(
            "csrf-cookie-missing",
            "a cookie-session SPA whose login POST is refused by Django's CSRF check: the origin is trusted but the SPA sends no csrftoken cookie (\"CSRF cookie not set.\")",
            |s| {
                cookie_spa(s);
                s.api.csrf = CsrfSpec {
                    enforce: true,
                    trusted_origins: vec!["https://tiktrue.test{port}".into()],
                    drf: false,
                    require_token: true,
                    session_only: false,
                };
            },
        ),
        Scenario::fault(
            "csrf-token-from-app",
            "a cookie-session SPA that fetches its csrftoken cookie first and echoes it in X-CSRFToken: the login POST conncheck makes without that cookie is refused \"CSRF cookie not set.\", which the app's own request is not (not checked, never a failure)",
            |s| {
                s.frontend.script = Some(TOKEN_SPA.into());
                s.api.seed.login_session_cookie = Some(true);
                s.api.csrf = CsrfSpec {
                    enforce: true,
                    trusted_origins: vec!["https://tiktrue.test{port}".into()],
                    drf: false,
                    require_token: true,
                    session_only: false,
                };
            },
        ),
        Scenario::fault(
            "csrf-trusted",
            "a healthy cookie-session SPA: the login POST with the frontend's Origin passes the CSRF check (CSRF_TRUSTED_ORIGINS lists it)",
            |s| {
                cookie_spa(s);
                s.api.csrf = CsrfSpec {
                    enforce: true,
                    trusted_origins: vec!["https://tiktrue.test{port}".into()],
                    drf: true,
                    require_token: false,
                    session_only: true,
                };
            },
        ),
    ]
}
