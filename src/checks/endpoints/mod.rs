//! Section 5, API endpoints (RFC 9110 status semantics, as Django REST framework applies them):
//! every route of the endpoint map answers as designed — not 404, not 500, not a debug page, not
//! an HTML page where the SPA expects JSON — protected routes accept a fresh token, a 429 is
//! named as the limit it is, the backend's HTML pages load their static files, and nothing meant
//! for setup is left open.
//!
//! This file does the I/O and pushes each row as soon as it is decided; `judge.rs` decides,
//! `words.rs` words, `session.rs` gets the token, `assets.rs` reads the static references.

pub mod assets;
pub mod fixes;
pub mod judge;
pub mod session;
pub mod words;

use crate::engine::context::Context;
use crate::engine::model::{Finding, Module, Status};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Fault, Row, Subject};
use crate::net::http::{Exchange, HttpRequest, NetError};
use crate::target::Endpoint;
use futures::future::join_all;
use futures::FutureExt;
use http::Method;
use judge::{Seen, TokenClues, Verdict, Vocab};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

pub use crate::browser::endpoints::console_line;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Endpoints,
    about: "each route of the endpoint map answers as designed (no 404/500, no debug page, no HTML where JSON is due, no open setup routes; protected routes accept a token; static files are served)",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// Setup and maintenance routes that must never answer an anonymous request.
pub const EXPOSURE_PATHS: &[&str] = &[
    "/setup/database/",
    "/setup/",
    "/install/",
    "/migrate/",
    "setup/",
    "/__debug__/",
    "/debug/",
    "/.env",
];

/// A path no deployment serves: its 404 shows whether DEBUG is on, and a 200 means a catch-all.
const CONTROL_PATH: &str = "conncheck-probe-no-such-route/";

/// The longest Retry-After conncheck waits before asking once more.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(5);

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    // The map: the routes the frontend calls (awaiting the shared discovery), or a profile's.
    let plan = ctx.observed.plan(&ctx.http, &ctx.target).await;
    let n = plan.endpoints.len();
    let debug_seen = AtomicBool::new(false);
    let tokens = session::TokenCalls::new(&ctx, &plan);
    let rows = plan.endpoints.iter().enumerate().map(|(i, ep)| {
        let (ctx, sink, debug_seen, tokens, plan) = (&ctx, &sink, &debug_seen, &tokens, &plan);
        async move {
            let (mut f, debug) = check_endpoint(ctx, ep, tokens).await;
            debug_seen.fetch_or(debug, Ordering::Relaxed);
            if let Some(base) = plan
                .base_corrected
                .as_deref()
                .filter(|b| ep.path.starts_with(b))
            {
                let detail = words::base_corrected(&f.detail, base, ctx.target.api_base.path());
                f = f.detail(detail);
            }
            sink.push(f.seq(i));
        }
    });
    let exposure = async {
        let f = check_exposure(&ctx).await;
        sink.push(f.seq(n + 1));
    };
    let statics = async {
        let f = check_static(&ctx).await;
        sink.push(f.seq(n + 2));
    };
    // The debug row is pushed at once unless its own probe passed: then a debug page on an
    // endpoint row may still turn it, so it waits for them.
    let debug = async {
        let f = check_debug(&ctx).await.seq(n);
        if f.status == Status::Pass {
            return Some(f);
        }
        sink.push(f);
        None
    };
    let (_, debug, _, _) = tokio::join!(join_all(rows), debug, exposure, statics);
    if let Some(f) = debug {
        let f = if debug_seen.load(Ordering::Relaxed) {
            f.fail()
                .detail(words::DEBUG_ON_A_ROW)
                .hint(words::DEBUG_HINT)
                .fault(judge::EndpointFault::DebugPage(judge::DebugPage::Django))
        } else {
            f
        };
        sink.push(f);
    }
}

/// What one answer shows, reduced for the verdict.
pub fn seen_of(ex: &Exchange) -> Seen {
    Seen {
        method: ex.method.to_string(),
        status: ex.status.as_u16(),
        content_type: ex.content_type(),
        body: ex.body_text(),
        www_authenticate: ex.header("www-authenticate"),
        location: ex.header("location"),
        path: ex.url.path().to_string(),
        url: ex.url.to_string(),
        rate_limit: (ex.status.as_u16() == 429).then(|| rate_limit_of(ex)),
        retry_after: ex
            .header("retry-after")
            .map(|v| v.trim().chars().take(64).collect()),
        django_headers: {
            let is = |n: &str, v: &str| ex.header(n).is_some_and(|x| x.eq_ignore_ascii_case(v));
            is("x-frame-options", "DENY") && is("cross-origin-opener-policy", "same-origin")
        },
    }
}

/// What a 429 says about its limit.
pub fn rate_limit_of(ex: &Exchange) -> judge::RateLimit {
    let date = ex
        .header("date")
        .as_deref()
        .and_then(crate::checks::jwt::parse_http_date);
    let retry_after = ex.header("retry-after").and_then(|v| {
        let v = v.trim();
        v.parse::<u64>().ok().or_else(|| {
            let at = crate::checks::jwt::parse_http_date(v)?;
            Some(at.saturating_sub(date?).max(0) as u64)
        })
    });
    let limit = ["ratelimit-policy", "ratelimit-limit", "x-ratelimit-limit"]
        .iter()
        .find_map(|h| ex.header(h))
        .map(|v| v.chars().take(80).collect());
    let body = ex.body_text().to_ascii_lowercase();
    judge::RateLimit {
        retry_after,
        limit,
        lockout: body.contains("locked") || body.contains("lockout"),
        retried: false,
    }
}

/// Send once; on a 429 whose Retry-After is short and fits the deadline, wait that long and ask
/// once more (never sooner). Returns the answer and the seconds waited.
pub async fn send_minding_429(
    ctx: &Context,
    req: HttpRequest,
) -> Result<(Exchange, Option<u64>), NetError> {
    let ex = ctx.http.send(req.clone()).await?;
    if ex.status.as_u16() != 429 {
        return Ok((ex, None));
    }
    let Some(secs) = rate_limit_of(&ex).retry_after else {
        return Ok((ex, None));
    };
    let wait = Duration::from_secs(secs);
    let fits = Instant::now() + wait + ctx.opts.timeout < ctx.deadline;
    if wait > MAX_RETRY_WAIT || !fits {
        return Ok((ex, None));
    }
    tokio::time::sleep(wait).await;
    Ok((ctx.http.send(req).await?, Some(secs)))
}

pub fn request_for(ep: &Endpoint, url: Url) -> HttpRequest {
    let method = Method::from_bytes(ep.method.as_bytes()).unwrap_or(Method::GET);
    let post_like = matches!(method, Method::POST | Method::PUT | Method::PATCH);
    let mut req = HttpRequest::new(method, url)
        .header("accept", "application/json")
        .max_body(256 * 1024);
    if post_like {
        let body = ep.body.clone().unwrap_or_else(|| "{}".into());
        req = req
            .body(body.into_bytes())
            .header("content-type", "application/json");
    }
    req
}

/// One endpoint's row, and whether its answer was a debug page.
async fn check_endpoint(
    ctx: &Context,
    ep: &Endpoint,
    tokens: &session::TokenCalls<'_>,
) -> (Finding, bool) {
    let start = Instant::now();
    let url = ctx.target.url_for(&ep.path);
    let subject = Subject::endpoint(&ep.name, &ep.method, &ep.path);
    let title = words::endpoint_title(ep, &display_path(ctx, &url));
    let f = Finding::of(Row::Endpoint, subject, title);
    let (ex, waited) = match send_minding_429(ctx, request_for(ep, url.clone())).await {
        Ok(r) => r,
        Err(e) => return (ctx.net_failure(f, &e).duration(start.elapsed()), false),
    };
    let seen = seen_of(&ex);
    let seen = mark_retried(seen, waited);
    ctx.metric(
        "http_status",
        &[("endpoint", &ep.name)],
        f64::from(seen.status),
    );
    if ep.guessed && seen.status == 404 {
        // A route conncheck guessed and the app does not have: information, not a fault.
        let detail = words::guessed_absent(&ep.method, url.as_str(), &ex.summary());
        return (f.skip().detail(detail).duration(start.elapsed()), false);
    }
    if seen.status == 403 && ep.method != "GET" {
        let json = ex.json();
        if crate::checks::jwt::csrf::refusal(403, &ex.body_text(), json.as_ref()).is_some() {
            // An unsafe request without the app's CSRF token: refused as it must be.
            let detail = words::csrf_refused(&ep.method, url.as_str(), &ex.summary());
            return (f.pass().detail(detail).duration(start.elapsed()), false);
        }
    }
    let near = if seen.status == 404 {
        near_miss(ctx, ep, &url).await
    } else {
        None
    };
    let vocab = vocab(ctx, Some(&seen)).await;
    let anon = judge::for_stack(judge::classify(ep, &seen, near.as_ref()), vocab);
    let mut detail = words::answered(
        &ep.method,
        url.as_str(),
        &ex.summary(),
        &words::what(&anon, &seen),
    );
    if let Some(secs) = waited {
        detail = words::retried(&detail, secs);
    }
    let (mut v, mut status) = (anon, seen.status);
    let with_token = if ep.auth { tokens.call(ep).await } else { None };
    match with_token {
        Some(session::WithToken::Answered(tv, suffix, st)) => {
            detail.push_str(&suffix);
            let (combined, from_token) = judge::combine(v, tv);
            v = combined;
            if from_token {
                status = st;
            }
        }
        Some(session::WithToken::NoToken(note)) => detail.push_str(&note),
        None => {}
    }
    let debug = v.debug.is_some();
    if ep.guessed && matches!(v.status, Status::Fail | Status::Warn) {
        // conncheck's guess, not the app's route: never a failure. A plain redirect or a 405
        // there (a framework's trailing-slash rule, a route served for other methods) is
        // information; a fault that hits every route (DisallowedHost, a loop, a 5xx) warns.
        let elsewhere =
            status == 405 || matches!(v.fault, Some(judge::EndpointFault::Redirected { .. }));
        v.status = if elsewhere {
            Status::Skip
        } else {
            Status::Warn
        };
        detail = words::guessed(&detail, v.status == Status::Warn);
    }
    let mut f = verdict_row(f, &v, detail, (&ep.method, &url, status), vocab);
    if ex.truncated && f.status != Status::Fail {
        // An API answer this large is a fault in itself: the SPA would wait for all of it.
        let fault = judge::EndpointFault::Oversized {
            path: ep.path.clone(),
            mb: ex.body.len() / (1024 * 1024),
        };
        let detail = words::oversized(&f.detail, ex.body.len() / (1024 * 1024));
        f = f
            .fail()
            .detail(detail)
            .maybe_hint(words::hint(&fault, vocab))
            .fault(fault);
    }
    (f.duration(start.elapsed()), debug)
}

fn mark_retried(mut seen: Seen, waited: Option<u64>) -> Seen {
    if let (Some(l), Some(_)) = (seen.rate_limit.as_mut(), waited) {
        l.retried = true;
    }
    seen
}

/// The words a fix is said in, for an answer from the API (its stack, and the answer itself).
async fn vocab(ctx: &Context, seen: Option<&Seen>) -> Vocab {
    let stack = ctx.stack(&[]).await;
    judge::vocab(&stack, seen)
}

/// A row from a verdict: status, fault, hint, and Chrome's console line on a failed request
/// (`(method, url, status)` of the request the console shows).
fn verdict_row(
    f: Finding,
    v: &Verdict,
    detail: String,
    (method, url, status): (&str, &Url, u16),
    vocab: Vocab,
) -> Finding {
    f.status(v.status)
        .detail(detail)
        .maybe_hint(v.fault.as_ref().and_then(|x| words::hint(x, vocab)))
        .maybe_browser_error(words::browser_error(v, method, url.as_str(), status))
        .maybe_fault(v.fault.clone().map(Fault::new))
}

fn display_path(ctx: &Context, url: &Url) -> String {
    if url.host_str() == ctx.target.api_base.host_str() {
        url.path().to_string()
    } else {
        url.to_string()
    }
}

async fn near_miss(ctx: &Context, ep: &Endpoint, url: &Url) -> Option<(String, u16)> {
    let probes = judge::variants(&ctx.target.api_base, url)
        .into_iter()
        .map(|u| {
            let req = request_for(ep, u.clone());
            async move {
                let ex = ctx.http.send(req).await.ok()?;
                let st = ex.status.as_u16();
                // A redirect back to where we came from (APPEND_SLASH) is not an answer.
                (st != 404 && !ex.status.is_redirection() && !ex.status.is_server_error())
                    .then(|| (u.to_string(), st))
            }
        });
    join_all(probes).await.into_iter().flatten().next()
}

async fn check_debug(ctx: &Context) -> Finding {
    let start = Instant::now();
    let url = ctx.target.url_for(CONTROL_PATH);
    let f = Finding::of(
        Row::EndpointsDebug,
        Subject::host_of(&ctx.target.api_base),
        words::DEBUG_TITLE,
    );
    let req = HttpRequest::get(url.clone()).max_body(256 * 1024);
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let seen = seen_of(&ex);
    let (status, fault) = judge::judge_debug(&seen);
    let vocab = vocab(ctx, Some(&seen)).await;
    let detail = words::control_probe(url.as_str(), &ex.summary());
    f.status(status)
        .detail(words::debug_row(&detail, fault.as_ref()))
        .maybe_hint(fault.as_ref().and_then(|x| words::hint(x, vocab)))
        .maybe_fault(fault.map(Fault::new))
        .duration(start.elapsed())
}

async fn check_exposure(ctx: &Context) -> Finding {
    let start = Instant::now();
    let f = Finding::of(
        Row::EndpointsExposure,
        Subject::host_of(&ctx.target.api_base),
        words::EXPOSURE_TITLE,
    );
    let get = |url: Url| ctx.http.send(HttpRequest::get(url).max_body(64 * 1024));
    let control = get(ctx.target.url_for(&format!("/{CONTROL_PATH}"))).await;
    let probes = EXPOSURE_PATHS.iter().map(|p| {
        let url = ctx.target.url_for(p);
        async move { (url.clone(), get(url).await) }
    });
    let results = join_all(probes).await;
    let f = f.duration(start.elapsed());
    let mut e = judge::ExposureSeen {
        catch_all: matches!(&control, Ok(ex) if ex.status.is_success()),
        all_gateway: results
            .iter()
            .all(|(_, r)| matches!(r, Ok(ex) if (502..=504).contains(&ex.status.as_u16()))),
        ..Default::default()
    };
    let mut shown = Vec::new();
    let mut first_error = None;
    for (url, r) in &results {
        match r {
            Ok(ex) => {
                e.maintenance |= judge::maintenance(&seen_of(ex)).is_some();
                if ex.status.as_u16() == 429 {
                    e.rate_limit = Some(rate_limit_of(ex));
                }
                shown.push(words::probe(url.path(), ex.status.as_u16()));
                e.answered
                    .push((url.path().to_string(), ex.status.as_u16()));
            }
            Err(err) => first_error = first_error.or(Some(err)),
        }
    }
    if let (true, Some(err)) = (e.answered.is_empty(), first_error) {
        return ctx.net_failure(f, err);
    }
    let (status, fault) = judge::judge_exposure(&e);
    let vocab = vocab(ctx, None).await;
    words::exposure_row(f.status(status), &shown, fault.as_ref(), vocab)
        .maybe_fault(fault.map(Fault::new))
}

/// `endpoints.static`: the stylesheets and scripts the backend's own HTML pages (the Django
/// admin login) reference are served.
async fn check_static(ctx: &Context) -> Finding {
    let start = Instant::now();
    let page = ctx.target.url_for("/admin/login/");
    let f = Finding::of(
        Row::EndpointsStatic,
        Subject::host_of(&ctx.target.api_base),
        words::STATIC_TITLE,
    );
    let ex = match ctx
        .http
        .send(HttpRequest::get(page.clone()).max_body(512 * 1024))
        .await
    {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let seen = seen_of(&ex);
    let vocab = vocab(ctx, Some(&seen)).await;
    if let (429, Some(limit)) = (seen.status, seen.rate_limit.clone()) {
        let fault = judge::EndpointFault::RateLimited {
            path: page.path().to_string(),
            limit,
        };
        let what = words::what(&judge::Verdict::rate_limited(fault.clone()), &seen);
        let detail = words::answered("GET", page.as_str(), &ex.summary(), &what);
        return f
            .warn()
            .detail(detail)
            .maybe_hint(words::hint(&fault, vocab))
            .fault(fault)
            .duration(start.elapsed());
    }
    if !ex.status.is_success() && seen.status != 404 {
        // The endpoint rows own why the backend does not answer its page (a 404 is a backend
        // without the admin: not applicable, below).
        let fault = judge::not_answering(&seen);
        return f
            .skip()
            .detail(words::no_html_page(page.as_str(), &ex.summary()))
            .fault(fault)
            .duration(start.elapsed());
    }
    if !ex.status.is_success() || !seen.is_html() {
        // Not applicable: the backend serves no HTML page there.
        return f
            .skip()
            .detail(words::no_html_page(page.as_str(), &ex.summary()))
            .duration(start.elapsed());
    }
    let refs = assets::references(&page, &seen.body);
    let fetched = join_all(refs.into_iter().map(|(url, kind)| async move {
        let r = ctx
            .http
            .send(HttpRequest::get(url.clone()).max_body(64 * 1024))
            .await;
        judge::Asset {
            url: url.to_string(),
            kind,
            status: r.as_ref().ok().map(|ex| ex.status.as_u16()),
            html: r.as_ref().is_ok_and(|ex| seen_of(ex).is_html()),
        }
    }))
    .await;
    let (status, fault) = judge::judge_static(&fetched);
    f.status(status)
        .detail(words::static_detail(page.as_str(), &fetched))
        .maybe_hint(fault.as_ref().and_then(|x| words::hint(x, vocab)))
        .maybe_fault(fault.map(Fault::new))
        .duration(start.elapsed())
}

/// The clues a refused token leaves, for naming the cause.
fn token_clues(
    token: &str,
    refusal: &Exchange,
    accepted_elsewhere: bool,
    scheme: &str,
) -> TokenClues {
    let server = refusal
        .header("date")
        .as_deref()
        .and_then(crate::checks::jwt::parse_http_date);
    let issued = crate::checks::jwt::decode(token).and_then(|d| {
        let n = |k: &str| d.claims.get(k).and_then(serde_json::Value::as_i64);
        n("nbf").max(n("iat"))
    });
    TokenClues {
        accepted_elsewhere,
        ahead_of_server: issued.zip(server).map(|(i, s)| i - s),
        sent_scheme: scheme.to_string(),
    }
}

#[cfg(test)]
mod tests;
