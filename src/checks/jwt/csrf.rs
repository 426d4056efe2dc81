//! Pure decisions of the `jwt.csrf` row: is an answer a CSRF check's refusal (whose, and why),
//! and what the row says given the POST that was made. No I/O, no prose.
//!
//! The refusals are recognised as the frameworks write them: Django's CsrfViewMiddleware
//! (an HTML 403 "CSRF verification failed. Request aborted." with the reason on the page),
//! DRF's SessionAuthentication (`{"detail": "CSRF Failed: <reason>"}`), Laravel's
//! VerifyCsrfToken (419 "CSRF token mismatch."), Rails' forgery protection (422
//! ActionController::InvalidAuthenticityToken) and Express' csurf / csrf-csrf
//! ("invalid csrf token", 403).

pub use super::csrf_types::{CsrfGuard, CsrfReason, CsrfRefusal};
use super::judge::{JwtFault, Verdict};
use crate::engine::Status;
pub use crate::net::http::{cookie_header, cookies_of};
use crate::observe::bundle::discover::Csrf;
use crate::observe::plan::Plan;
use crate::target::{Endpoint, Target};
use serde_json::Value;

/// Django's and DRF's reason strings (django/middleware/csrf.py: REASON_*), in one sentence.
fn django_reason(text: &str) -> CsrfReason {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = lower.find("origin checking failed - ") {
        let rest = &text[i + "origin checking failed - ".len()..];
        let named = rest
            .split_whitespace()
            .next()
            .map(|o| crate::text::server(o.trim_end_matches(['.', ','])))
            .filter(|o| !o.is_empty());
        return CsrfReason::OriginUntrusted { named };
    }
    if lower.contains("referer checking failed - no referer") {
        return CsrfReason::RefererMissing;
    }
    if lower.contains("referer checking failed") {
        return CsrfReason::RefererUntrusted;
    }
    if lower.contains("csrf cookie not set") {
        return CsrfReason::CookieMissing;
    }
    if lower.contains("csrf token missing") {
        return CsrfReason::TokenMissing;
    }
    CsrfReason::TokenMismatch
}

/// Whether an answer is a CSRF check's refusal: whose, and why. `json` is the body when JSON.
pub fn refusal(status: u16, body: &str, json: Option<&Value>) -> Option<CsrfRefusal> {
    let detail = json
        .and_then(|v| v.get("detail").or_else(|| v.get("message")))
        .and_then(Value::as_str);
    let lower = body.to_ascii_lowercase();
    let (guard, reason) = match status {
        403 if detail.is_some_and(|d| d.starts_with("CSRF Failed")) => {
            (CsrfGuard::Drf, django_reason(detail.unwrap_or_default()))
        }
        403 if lower.contains("csrf verification failed") => {
            (CsrfGuard::Django, django_reason(body))
        }
        403 if lower.contains("invalid csrf token") => {
            (CsrfGuard::Express, CsrfReason::TokenMismatch)
        }
        419 => (CsrfGuard::Laravel, CsrfReason::TokenMismatch),
        422 if lower.contains("invalidauthenticitytoken")
            || lower.contains("can't verify csrf token authenticity") =>
        {
            (CsrfGuard::Rails, rails_reason(body))
        }
        _ if lower.contains("csrf token mismatch") => {
            (CsrfGuard::Laravel, CsrfReason::TokenMismatch)
        }
        _ => return None,
    };
    Some(CsrfRefusal {
        guard,
        reason,
        status,
    })
}

/// Rails names an Origin it refuses: "HTTP Origin header (https://x) didn't match
/// request.base_url (https://api)".
fn rails_reason(body: &str) -> CsrfReason {
    let Some(i) = body.find("HTTP Origin header (") else {
        return CsrfReason::TokenMismatch;
    };
    let rest = &body[i + "HTTP Origin header (".len()..];
    let named = rest
        .split(')')
        .next()
        .map(crate::text::server)
        .filter(|o| !o.is_empty());
    CsrfReason::OriginUntrusted { named }
}

/// What the row has to go on: the unsafe POST that was made (the login) and what came back.
#[derive(Debug, Clone, Default)]
pub struct CsrfSeen {
    /// The `Origin` the POST carried.
    pub origin: Option<String>,
    /// The POST used the test account (not a made-up user).
    pub credentials: bool,
    /// The app sends cookies: its calls carry credentials, or the login set a cookie.
    pub cookies: bool,
    /// The answer's status.
    pub status: u16,
    /// The answer, when a CSRF check refused it.
    pub refusal: Option<CsrfRefusal>,
    /// The app's code sends a CSRF token (it echoes a cookie in a header) that this request
    /// could not carry: the cookie comes from a call conncheck does not replay.
    pub token_not_replayed: bool,
}

/// Why the row could not say: the reason is exact, the fault tells what to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfSkip {
    /// No Origin could be sent, and the app sends no cookies (a Bearer-only SPA): no CSRF check
    /// applies (not applicable).
    NoCookies,
    /// No cross-origin frontend origin is known: the POST could not carry the browser's Origin.
    NoOrigin,
    /// No test account: an anonymous POST is not what a session's CSRF check judges.
    NoCredentials,
    /// The login did not answer as a login (404, 5xx…): jwt.login owns it.
    LoginDidNotAnswer,
    /// Refused for a missing token the app's code does send (from a cookie conncheck could not
    /// get the way the app does): the browser's request would carry it.
    TokenNotReplayed,
}

/// The row's decision: a verdict, or the exact reason it was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsrfDecision {
    Judged(Verdict),
    Skipped(CsrfSkip),
}

/// Judge the POST. A refusal of a POST that carried the frontend's Origin fails (with or
/// without the test account: the check runs before the credentials are read); a token/cookie
/// refusal fails even without an Origin; an Origin or Referer refusal of a POST that carried
/// no Origin says nothing about the browser's request, so it is not checked; nor does a
/// missing-token refusal when the app's code sends the token and this request could not. It
/// passes only
/// when the test account's POST carried the Origin and was answered by the login view, not
/// by a CSRF check (a Bearer-only SPA too: its POST could have been refused the same way).
pub fn judge(s: &CsrfSeen) -> CsrfDecision {
    if let Some(r) = &s.refusal {
        let about_origin = r.reason.origin_untrusted() || r.reason == CsrfReason::RefererMissing;
        if !about_origin && s.token_not_replayed {
            return CsrfDecision::Skipped(CsrfSkip::TokenNotReplayed);
        }
        if s.origin.is_some() || !about_origin {
            return CsrfDecision::Judged(Verdict {
                status: Status::Fail,
                fault: Some(JwtFault::Csrf {
                    origin: s.origin.clone(),
                    refusal: r.clone(),
                }),
            });
        }
        return CsrfDecision::Skipped(CsrfSkip::NoOrigin);
    }
    let skip = if s.origin.is_none() && !s.cookies {
        Some(CsrfSkip::NoCookies)
    } else if s.origin.is_none() {
        Some(CsrfSkip::NoOrigin)
    } else if !s.credentials {
        Some(CsrfSkip::NoCredentials)
    } else if !answered_as_login(s.status) {
        Some(CsrfSkip::LoginDidNotAnswer)
    } else {
        None
    };
    match skip {
        Some(k) => CsrfDecision::Skipped(k),
        None => CsrfDecision::Judged(Verdict::pass()),
    }
}

/// A login view answered (a session or token, or a refusal of the credentials).
fn answered_as_login(status: u16) -> bool {
    (200..300).contains(&status) || matches!(status, 400 | 401 | 403)
}

/// The first unsafe call the app makes other than its login and refresh: after a login that
/// started a session, the call a session's CSRF check judges. Only calls the app makes (never a
/// guess), and only POST (the plan never sends a method that could act on a guess).
pub fn follow_up<'a>(plan: &'a Plan, target: &Target) -> Option<&'a Endpoint> {
    let login = target.url_for(&plan.auth.login_path);
    let refresh = target.url_for(&plan.auth.refresh_path);
    plan.endpoints.iter().find(|e| {
        let url = target.url_for(&e.path);
        !e.guessed && e.method.eq_ignore_ascii_case("POST") && url != login && url != refresh
    })
}

/// Whether the app's code sends a CSRF token (a header it echoes a cookie in).
pub fn sends_token(csrf: Option<&Csrf>) -> bool {
    csrf.is_some_and(|c| c.header.is_some())
}

/// The CSRF header the app's code echoes its cookie in (axios' xsrfCookieName/xsrfHeaderName,
/// or a header it sets), with the cookie's value: `(header, value)`, when the code shows one and
/// the login set that cookie.
pub fn token_echo(csrf: Option<&Csrf>, cookies: &[(String, String)]) -> Option<(String, String)> {
    let c = csrf?;
    let header = c.header.clone()?;
    let cookie = c.cookie_name()?;
    let value = cookies.iter().find(|(n, _)| *n == cookie)?.1.clone();
    Some((header, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reason(status: u16, body: &str) -> Option<(CsrfGuard, CsrfReason)> {
        let json: Option<Value> = serde_json::from_str(body).ok();
        refusal(status, body, json.as_ref()).map(|r| (r.guard, r.reason))
    }

    #[test]
    fn the_frameworks_refusals_are_recognised() {
        let django = "<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p><p>Reason given for failure:</p><pre>\n    Origin checking failed - https://app.x.test does not match any trusted origins.\n  </pre>";
        assert_eq!(
            reason(403, django),
            Some((
                CsrfGuard::Django,
                CsrfReason::OriginUntrusted {
                    named: Some("https://app.x.test".into())
                }
            ))
        );
        let page = |why: &str| {
            format!("<p>CSRF verification failed. Request aborted.</p><pre>\n    {why}\n  </pre>")
        };
        for (why, want) in [
            ("CSRF cookie not set.", CsrfReason::CookieMissing),
            (
                "Referer checking failed - no Referer.",
                CsrfReason::RefererMissing,
            ),
            ("CSRF token missing.", CsrfReason::TokenMissing),
            ("CSRF token from POST incorrect.", CsrfReason::TokenMismatch),
        ] {
            assert_eq!(
                reason(403, &page(why)),
                Some((CsrfGuard::Django, want)),
                "{why}"
            );
        }
        let drf = json!({"detail": "CSRF Failed: Origin checking failed - https://x.test does not match any trusted origins."}).to_string();
        assert_eq!(
            reason(403, &drf),
            Some((
                CsrfGuard::Drf,
                CsrfReason::OriginUntrusted {
                    named: Some("https://x.test".into())
                }
            ))
        );
        let drf_token = json!({"detail": "CSRF Failed: CSRF token missing."}).to_string();
        assert_eq!(
            reason(403, &drf_token),
            Some((CsrfGuard::Drf, CsrfReason::TokenMissing))
        );
        let laravel = json!({"message": "CSRF token mismatch."}).to_string();
        assert_eq!(
            reason(419, &laravel),
            Some((CsrfGuard::Laravel, CsrfReason::TokenMismatch))
        );
        let rails =
            "ActionController::InvalidAuthenticityToken: Can't verify CSRF token authenticity.";
        assert_eq!(
            reason(422, rails),
            Some((CsrfGuard::Rails, CsrfReason::TokenMismatch))
        );
        let rails_origin = "ActionController::InvalidAuthenticityToken: HTTP Origin header (https://x.test) didn't match request.base_url (https://api.x.test)";
        assert!(matches!(
            reason(422, rails_origin),
            Some((CsrfGuard::Rails, CsrfReason::OriginUntrusted { named: Some(o) })) if o == "https://x.test"
        ));
        assert_eq!(
            reason(403, "ForbiddenError: invalid csrf token"),
            Some((CsrfGuard::Express, CsrfReason::TokenMismatch))
        );
        // Refusals that are not a CSRF check's.
        let creds = json!({"detail": "You do not have permission to perform this action."});
        assert_eq!(reason(403, &creds.to_string()), None);
        assert_eq!(reason(422, "{\"email\": [\"invalid\"]}"), None);
        assert_eq!(reason(401, "{\"detail\":\"No active account\"}"), None);
    }

    #[test]
    fn the_session_cookies_go_back_and_the_token_is_echoed_as_the_code_says() {
        let set = vec![
            "sessionid=abc123; HttpOnly; Path=/; SameSite=None; Secure".to_string(),
            "csrftoken=tok456; Path=/; SameSite=None; Secure".to_string(),
            "old=; Max-Age=0".to_string(),
        ];
        let cookies = cookies_of(&set);
        assert_eq!(cookies.len(), 2);
        assert_eq!(
            cookie_header(&cookies).as_deref(),
            Some("sessionid=abc123; csrftoken=tok456")
        );
        let django = Csrf {
            cookie: None,
            header: Some("X-CSRFToken".into()),
        };
        assert_eq!(
            token_echo(Some(&django), &cookies),
            Some(("X-CSRFToken".into(), "tok456".into()))
        );
        // The code shows no CSRF header: none is sent.
        assert_eq!(token_echo(None, &cookies), None);
        assert_eq!(cookie_header(&[]), None);
    }

    fn seen(origin: bool, refusal: Option<CsrfRefusal>) -> CsrfSeen {
        CsrfSeen {
            origin: origin.then(|| "https://x.test".to_string()),
            credentials: true,
            cookies: true,
            status: refusal.as_ref().map_or(200, |r| r.status),
            refusal,
            token_not_replayed: false,
        }
    }

    #[test]
    fn the_row_fails_only_on_a_refusal_and_passes_only_with_an_origin() {
        let origin = CsrfRefusal {
            guard: CsrfGuard::Drf,
            reason: CsrfReason::OriginUntrusted { named: None },
            status: 403,
        };
        let CsrfDecision::Judged(v) = judge(&seen(true, Some(origin.clone()))) else {
            panic!("judged")
        };
        assert_eq!(v.status, Status::Fail);
        use crate::engine::FaultKind;
        assert_eq!(v.fault.unwrap().key(), "jwt.csrf-origin-untrusted");
        // Without an Origin, an origin refusal says nothing about the browser's request.
        assert_eq!(
            judge(&seen(false, Some(origin))),
            CsrfDecision::Skipped(CsrfSkip::NoOrigin)
        );
        let token = CsrfRefusal {
            guard: CsrfGuard::Django,
            reason: CsrfReason::CookieMissing,
            status: 403,
        };
        let CsrfDecision::Judged(v) = judge(&seen(false, Some(token.clone()))) else {
            panic!("judged")
        };
        assert_eq!(v.fault.unwrap().key(), "jwt.csrf-token-missing");
        // The app's code sends the token conncheck could not get: not the app's fault.
        let replay = CsrfSeen {
            token_not_replayed: true,
            ..seen(true, Some(token.clone()))
        };
        assert_eq!(
            judge(&replay),
            CsrfDecision::Skipped(CsrfSkip::TokenNotReplayed)
        );
        assert_eq!(
            judge(&seen(true, None)),
            CsrfDecision::Judged(Verdict::pass())
        );
        assert_eq!(
            judge(&seen(false, None)),
            CsrfDecision::Skipped(CsrfSkip::NoOrigin)
        );
        let bearer_only = CsrfSeen {
            cookies: false,
            ..seen(false, None)
        };
        assert_eq!(
            judge(&bearer_only),
            CsrfDecision::Skipped(CsrfSkip::NoCookies)
        );
        // With the Origin, its POST was not refused: a pass it could have failed.
        let bearer_with_origin = CsrfSeen {
            cookies: false,
            ..seen(true, None)
        };
        assert_eq!(
            judge(&bearer_with_origin),
            CsrfDecision::Judged(Verdict::pass())
        );
        let anonymous = CsrfSeen {
            credentials: false,
            ..seen(true, None)
        };
        assert_eq!(
            judge(&anonymous),
            CsrfDecision::Skipped(CsrfSkip::NoCredentials)
        );
        let missing = CsrfSeen {
            status: 404,
            ..seen(true, None)
        };
        assert_eq!(
            judge(&missing),
            CsrfDecision::Skipped(CsrfSkip::LoginDidNotAnswer)
        );
    }
}
