//! The I/O of the `jwt.csrf` row: the login POST (with the frontend's Origin) was made by the
//! run's login; when it was not refused and it started a session (cookies), the first other
//! unsafe call the app makes is sent the way the browser would send it — the login's cookies,
//! the Origin, the CSRF header when the app's code shows it echoes the cookie — because a
//! session's CSRF check (DRF's SessionAuthentication) judges that call, not the anonymous login.
//! [`super::csrf`] decides, [`super::csrf_words`] words.

use super::csrf::{self, CsrfDecision, CsrfSeen, CsrfSkip};
use super::judge::{JwtFault, Verdict};
use super::{answer_text, csrf_words, with_verdict};
use crate::browser::jwt::failed_call;
use crate::engine::context::Context;
use crate::engine::fault::{Missing, Unchecked};
use crate::engine::Finding;
use crate::net::http::{Exchange, HttpRequest};
use crate::observe::bundle::discover::Csrf;
use crate::observe::login::register_tokens;
use crate::observe::plan::Plan;
use http::Method;
use serde_json::Value;
use url::Url;

/// The unsafe POST the CSRF row judges (the login, with the frontend's Origin).
pub(super) struct CsrfPost<'a> {
    pub url: &'a Url,
    pub origin: Option<String>,
    pub exchange: &'a Exchange,
    pub body: Option<&'a Value>,
    /// Made with the test account (not a made-up user).
    pub credentials: bool,
    /// It carried the CSRF cookie and header, fetched first as the app's code does.
    pub csrf_echoed: bool,
}

/// What came back from a made-up user's login, kept for the CSRF row.
pub(super) struct ProbePost {
    pub url: Url,
    pub origin: Option<String>,
    pub exchange: Exchange,
    pub body: Option<Value>,
}

impl<'a> From<&'a ProbePost> for CsrfPost<'a> {
    fn from(p: &'a ProbePost) -> CsrfPost<'a> {
        CsrfPost {
            url: &p.url,
            origin: p.origin.clone(),
            exchange: &p.exchange,
            body: p.body.as_ref(),
            credentials: false,
            csrf_echoed: false,
        }
    }
}

/// The `jwt.csrf` row from the login POST that was made, and the call after it.
pub(super) async fn row(ctx: &Context, f: Finding, post: CsrfPost<'_>, plan: &Plan) -> Finding {
    let ex = post.exchange;
    let app_csrf = app_csrf(ctx).await;
    let status = ex.status.as_u16();
    let set_cookies = ex.header_all("set-cookie");
    let seen = CsrfSeen {
        origin: post.origin.clone(),
        credentials: post.credentials,
        cookies: plan.credentials_include || !set_cookies.is_empty(),
        status,
        refusal: csrf::refusal(status, &ex.body_text(), post.body),
        // The app fetches its token first, if it sends one: a login without it (the fetch
        // set no cookie) is not the app's fault.
        token_not_replayed: csrf::sends_token(app_csrf.as_ref()) && !post.csrf_echoed,
    };
    let said = answer_text(ex, post.body);
    let request = csrf_words::request("POST", post.url, seen.origin.as_deref(), &said);
    let verdict = match csrf::judge(&seen) {
        CsrfDecision::Skipped(k) => return skipped(f, &request, k, status),
        CsrfDecision::Judged(v) if v.fault.is_some() => {
            return refused(ctx, f, v, &request, ("POST", post.url, status)).await
        }
        CsrfDecision::Judged(v) => v,
    };
    let origin = seen.origin.as_deref().unwrap_or_default();
    let first = csrf_words::passed(&request, seen.cookies);
    let Some((method, url, next, echoed)) =
        follow_up(ctx, plan, &set_cookies, origin, app_csrf.as_ref()).await
    else {
        let note = csrf_words::no_follow_up(set_cookies.is_empty());
        return with_verdict(f, verdict).detail(format!("{first}{note}"));
    };
    let body = register_tokens(&ctx.secrets, &next);
    let st = next.status.as_u16();
    let then = csrf_words::then(&method, &url, origin, &answer_text(&next, body.as_ref()));
    let seen = CsrfSeen {
        origin: Some(origin.to_string()),
        credentials: true,
        cookies: true,
        status: st,
        refusal: csrf::refusal(st, &next.body_text(), body.as_ref()),
        token_not_replayed: csrf::sends_token(app_csrf.as_ref()) && !echoed,
    };
    match csrf::judge(&seen) {
        CsrfDecision::Judged(v) if v.fault.is_some() => {
            let request = format!("{first}; then {then}");
            refused(ctx, f, v, &request, (&method, &url, st)).await
        }
        CsrfDecision::Skipped(k @ CsrfSkip::TokenNotReplayed) => {
            skipped(f, &format!("{first}; then {then}"), k, st)
        }
        _ => with_verdict(f, Verdict::pass()).detail(csrf_words::passed_both(&first, &then)),
    }
}

/// A row not checked, with the exact reason and what to pass.
fn skipped(f: Finding, request: &str, k: CsrfSkip, status: u16) -> Finding {
    let f = f.skip().detail(csrf_words::skipped(Some(request), k));
    match k {
        CsrfSkip::NoCookies => f,
        CsrfSkip::NoOrigin => f.fault(Unchecked(Missing::Origin)),
        CsrfSkip::NoCredentials => f.fault(Unchecked(Missing::Credentials)),
        CsrfSkip::LoginDidNotAnswer => f.fault(JwtFault::CsrfNotReached { status }),
        CsrfSkip::TokenNotReplayed => f.fault(JwtFault::CsrfTokenNotReplayed),
    }
}

/// How the app's code passes a CSRF token, when its bundle shows it (read only when the
/// frontend is known).
pub(super) async fn app_csrf(ctx: &Context) -> Option<Csrf> {
    if ctx.target.frontend.is_empty() {
        return None;
    }
    let d = ctx
        .observed
        .discovery(&ctx.http, &ctx.target.frontend)
        .await;
    d.csrf.clone()
}

/// A row failed by a CSRF refusal, with the fix worded for the framework that refused.
async fn refused(
    ctx: &Context,
    f: Finding,
    verdict: Verdict,
    request: &str,
    (method, url, status): (&str, &Url, u16),
) -> Finding {
    let Some(JwtFault::Csrf { origin, refusal }) = &verdict.fault else {
        return with_verdict(f, verdict);
    };
    let stack = ctx.stack(&[]).await;
    let hint = csrf_words::hint(refusal, origin.as_deref(), &stack);
    let detail = csrf_words::refused(request, refusal, origin.as_deref());
    with_verdict(f, verdict.clone())
        .detail(detail)
        .hint(hint)
        .browser_error(failed_call(method, url, status))
}

/// The first other unsafe call the app makes, sent with the login's cookies and the Origin
/// (and the CSRF header the app's code echoes the cookie in, when it shows one): the call, and
/// whether the token was echoed.
async fn follow_up(
    ctx: &Context,
    plan: &Plan,
    set_cookies: &[String],
    origin: &str,
    app_csrf: Option<&Csrf>,
) -> Option<(String, Url, Exchange, bool)> {
    let ep = csrf::follow_up(plan, &ctx.target)?;
    let cookies = csrf::cookies_of(set_cookies);
    for (_, value) in &cookies {
        ctx.secrets.add(value);
    }
    let header = csrf::cookie_header(&cookies)?;
    let method = Method::from_bytes(ep.method.as_bytes()).ok()?;
    let url = ctx.target.url_for(&ep.path);
    let body = ep.body.clone().unwrap_or_else(|| "{}".into());
    let mut req = HttpRequest::new(method, url.clone())
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("origin", origin)
        .header("referer", &format!("{origin}/"))
        .header("cookie", &header)
        .body(body.into_bytes())
        .max_body(64 * 1024);
    let echo = csrf::token_echo(app_csrf, &cookies);
    if let Some((name, value)) = &echo {
        req = req.header(name, value);
    }
    let ex = ctx.http.send(req).await.ok()?;
    Some((ep.method.clone(), url, ex, echo.is_some()))
}
