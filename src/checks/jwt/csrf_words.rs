//! The words of the `jwt.csrf` row: what the CSRF check refused and its one fix, worded for the
//! framework whose check refused (trusted origins when the Origin was refused, sending the
//! token otherwise). Nothing here decides.

use super::csrf::{CsrfGuard, CsrfReason, CsrfRefusal, CsrfSkip};
use crate::stack::fix::{word, Fix};
use crate::stack::{Backend, Seen, Stack};

pub const TITLE: &str =
    "the app's unsafe requests (the login, the session's next POST) with the frontend's Origin pass the API's CSRF check";

fn guard(g: CsrfGuard) -> &'static str {
    match g {
        CsrfGuard::Django => "Django's CSRF check (CsrfViewMiddleware)",
        CsrfGuard::Drf => "DRF's CSRF check (SessionAuthentication)",
        CsrfGuard::Laravel => "Laravel's CSRF check (VerifyCsrfToken)",
        CsrfGuard::Rails => "Rails' forgery protection (InvalidAuthenticityToken)",
        CsrfGuard::Express => "the CSRF middleware (csurf / csrf-csrf: invalid csrf token)",
    }
}

fn reason(r: &CsrfReason, sent: Option<&str>) -> String {
    match r {
        CsrfReason::OriginUntrusted { named } => {
            let o = named.as_deref().or(sent).unwrap_or("the Origin");
            format!("Origin checking failed: {o} is not a trusted origin")
        }
        CsrfReason::RefererMissing => "no Origin and no Referer on an https request".into(),
        CsrfReason::RefererUntrusted => "the Referer is not a trusted origin".into(),
        CsrfReason::CookieMissing => "the CSRF cookie was not sent".into(),
        CsrfReason::TokenMissing => "no CSRF token was sent".into(),
        CsrfReason::TokenMismatch => "the CSRF token is missing or does not match".into(),
    }
}

/// `POST <url> with Origin: <o> → <said>` and what the refusal means.
pub fn refused(request: &str, r: &CsrfRefusal, sent: Option<&str>) -> String {
    format!(
        "{request}: refused by {} ({})",
        guard(r.guard),
        reason(&r.reason, sent)
    )
}

/// The request as the row shows it.
pub fn request(method: &str, url: &url::Url, origin: Option<&str>, said: &str) -> String {
    match origin {
        Some(o) => format!("{method} {url} with Origin: {o} → {said}"),
        None => format!("{method} {url} (no Origin: no cross-origin frontend known) → {said}"),
    }
}

/// The call after the login, sent with its cookies (never shown) and the Origin.
pub fn then(method: &str, url: &url::Url, origin: &str, said: &str) -> String {
    format!("{method} {url} with the login's cookies and Origin: {origin} → {said}")
}

/// Both calls passed.
pub fn passed_both(first: &str, then: &str) -> String {
    format!("{first}; then {then}: not refused by a CSRF check either")
}

/// Why no call followed the login.
pub fn no_follow_up(no_cookies: bool) -> &'static str {
    if no_cookies {
        ""
    } else {
        " (no other unsafe call of the app is known to send with the session)"
    }
}

pub fn passed(request: &str, cookies: bool) -> String {
    if cookies {
        format!("{request}: not refused by a CSRF check")
    } else {
        format!("{request}: not refused by a CSRF check (the app sends no cookies, so a session's CSRF check does not apply to its other calls)")
    }
}

/// Why the row was not checked, exactly, and what to pass.
pub fn skipped(request: Option<&str>, k: CsrfSkip) -> String {
    let why = match k {
        CsrfSkip::NoCookies => "no frontend origin is known and the app sends no cookies (no credentials mode in its calls, no cookie set by the login): a CSRF check does not apply to a Bearer-only SPA",
        CsrfSkip::NoOrigin => "not checked: no frontend origin that differs from the API's is known, so the POST cannot carry the Origin Chrome sends: pass --origin https://<the SPA's origin>",
        CsrfSkip::NoCredentials => "not checked: a session's CSRF check judges a logged-in user's POST: set CONNCHECK_USERNAME and CONNCHECK_PASSWORD (a test account)",
        CsrfSkip::LoginDidNotAnswer => "not checked: the login did not answer as a login (see jwt.login)",
        CsrfSkip::TokenNotReplayed => "not checked: refused for a missing CSRF token, which the app's code does send (it echoes a cookie in a header) from a call conncheck does not replay; the Origin itself was not refused",
    };
    match request {
        Some(r) => format!("{r}; {why}"),
        None => why.to_string(),
    }
}

/// The stack the fix is worded for: the framework whose check refused (its refusal is its
/// signature), with the proxies the run recognised.
fn fix_stack(stack: &Stack, g: CsrfGuard) -> Stack {
    Stack {
        backend: Some(Seen {
            what: g.backend(),
            by: "its CSRF refusal".into(),
        }),
        proxies: stack.proxies.clone(),
    }
}

/// The one fix: trust the frontend's origin when the Origin was refused, else send the token.
pub fn hint(r: &CsrfRefusal, sent: Option<&str>, stack: &Stack) -> String {
    if r.reason.origin_untrusted() {
        let named = match &r.reason {
            CsrfReason::OriginUntrusted { named } => named.as_deref(),
            _ => None,
        };
        let origin = sent.or(named).unwrap_or("https://<the SPA's origin>");
        let fix = Fix::CsrfTrustedOrigins {
            origins: vec![origin.to_string()],
        };
        return format!(
            "the API's CSRF check does not trust the frontend's origin: {}",
            word(&fix, &fix_stack(stack, r.guard))
        );
    }
    format!(
        "the SPA must send the CSRF token: {}",
        token_fix(r.guard.backend())
    )
}

fn token_fix(b: Backend) -> &'static str {
    match b {
        Backend::Django => "read the csrftoken cookie (set by a GET to a view with @ensure_csrf_cookie) and send it as X-CSRFToken on every unsafe request with credentials (axios: xsrfCookieName: 'csrftoken', xsrfHeaderName: 'X-CSRFToken', withCredentials: true); cross-site the cookie needs CSRF_COOKIE_SAMESITE = 'None' and CSRF_COOKIE_SECURE = True",
        Backend::Laravel => "GET /sanctum/csrf-cookie before the login and send the XSRF-TOKEN cookie back as X-XSRF-TOKEN (axios with withCredentials: true and withXSRFToken: true); the frontend's host must be in SANCTUM_STATEFUL_DOMAINS",
        Backend::Rails => "send the authenticity token in X-CSRF-Token (from a cookie or endpoint the API provides), or use protect_from_forgery with: :null_session for the JSON API",
        Backend::Express => "GET the route that hands out req.csrfToken() (csurf) / generateToken (csrf-csrf) with credentials: 'include' and send it in the x-csrf-token header of every unsafe request",
        _ => "read the token from the cookie or route the API provides and send it in the header the API checks on every unsafe request, with credentials included",
    }
}

/// The login row's note when the CSRF check refused it.
pub const LOGIN_REFUSED_HINT: &str =
    "the login never reached the credentials check: the API's CSRF check refused it (see jwt.csrf for the fix)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_follows_the_reason_and_the_framework() {
        let drf = CsrfRefusal {
            guard: CsrfGuard::Drf,
            reason: CsrfReason::OriginUntrusted { named: None },
            status: 403,
        };
        let h = hint(&drf, Some("https://app.x.test"), &Stack::default());
        assert!(
            h.contains("CSRF_TRUSTED_ORIGINS = [\"https://app.x.test\"]"),
            "{h}"
        );
        let laravel = CsrfRefusal {
            guard: CsrfGuard::Laravel,
            reason: CsrfReason::TokenMismatch,
            status: 419,
        };
        let h = hint(&laravel, Some("https://app.x.test"), &Stack::default());
        assert!(h.starts_with("the SPA must send the CSRF token"), "{h}");
        assert!(h.contains("/sanctum/csrf-cookie"), "{h}");
        let cookie = CsrfRefusal {
            guard: CsrfGuard::Django,
            reason: CsrfReason::CookieMissing,
            status: 403,
        };
        let h = hint(&cookie, None, &Stack::default());
        assert!(h.contains("X-CSRFToken") && !h.contains("TRUSTED"), "{h}");
    }
}
