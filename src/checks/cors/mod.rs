//! Section 4, CORS (the Fetch standard's CORS protocol): for each frontend origin and each
//! cross-origin call the SPA makes, the preflight a browser would send and the actual request,
//! followed through its redirects, judged as Chrome judges them and reported in Chrome's own
//! console words; then whether the API refuses origins it must not trust, and whether its
//! answers are safe to cache.
//!
//! This file does the I/O; `decide.rs` and `redirect.rs` decide the Fetch rules, `judge.rs`
//! judges probes and caching and types every fault (`CorsFault`, keys `cors.<kebab>`, scoped
//! by the API host so one configuration mistake is one cause; `fault.rs` puts it on the
//! engine's spine), `words.rs` words the rows and causes, `hints.rs` the fixes (through
//! `stack::fix` when the preflight's answer shows a non-Django backend) and `chrome.rs` Chrome's
//! console lines. The calls come from the endpoint map, plus a preflight for each method the
//! bundle uses that the map does not; the credentials mode from a flag, the profile, or the
//! bundle.

pub mod calls;
pub mod chrome;
pub mod decide;
pub mod fault;
pub mod hints;
pub mod judge;
pub mod redirect;
pub mod vocab;
pub mod words;

use crate::engine::context::Context;
use crate::engine::fault::{Missing, Unchecked};
use crate::engine::model::{Finding, Module};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Row, Subject};
use crate::net::http::{HttpRequest, NetError};
use crate::stack::Stack;
use crate::target::Origin;
use calls::{api_calls, probe_call, ApiCall, LOCALHOST_DEFAULT};
use chrome::Initiator;
use decide::{Call, CorsError, Recorded};
use futures::future::join_all;
use futures::FutureExt;
use hints::HintCtx;
use http::Method;
use judge::{CorsFault, ProbeAnswer};
use redirect::{Block, Chain, End, HopSeen, Leg, Page, Step};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::OnceCell;
use url::Url;
use words::PREFLIGHT_HEADERS;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Cors,
    about: "each origin's preflights and requests pass the browser's CORS check; untrusted origins are refused; answers vary by Origin",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The SPA's HTTP client is axios, which runs on XMLHttpRequest.
const INITIATOR: Initiator = Initiator::Xhr;

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let calls = Arc::new(calls_of(&ctx).await);
    if ctx.target.origins.is_empty() || calls.is_empty() {
        let no_origin = ctx.target.origins.is_empty();
        let why = if no_origin {
            "no frontend origin to check from: pass --origin https://your-frontend (it could not be inferred from the API host)"
        } else {
            "no endpoint of the map is called cross-origin (cors = false everywhere)"
        };
        for row in Row::of(Module::Cors) {
            let f = Finding::of(row, Subject::Deployment, words::skipped_title(row))
                .skip()
                .detail(why);
            sink.push(if no_origin {
                f.fault(Unchecked(Missing::Origin))
            } else {
                f
            });
        }
        return;
    }
    let localhost = Arc::new(OnceCell::new());
    let tasks = ctx.target.origins.iter().enumerate().map(|(oi, origin)| {
        let (ctx, sink, calls, localhost) = (
            Arc::clone(&ctx),
            sink.clone(),
            Arc::clone(&calls),
            Arc::clone(&localhost),
        );
        let origin = origin.clone();
        async move { check_origin(ctx, sink, oi, origin, calls, localhost).await }
    });
    join_all(tasks).await;
}

/// The calls to check, with the SPA's credentials mode: a flag or the profile decides it;
/// otherwise the bundle, when it was read and shows none (no `withCredentials`, no
/// `credentials: 'include'`), says the calls carry none; otherwise conncheck assumes they do.
/// Methods the bundle uses that no call of the map covers (PUT, DELETE…) get a preflight.
async fn calls_of(ctx: &Context) -> Vec<ApiCall> {
    let plan = ctx.observed.plan(&ctx.http, &ctx.target).await;
    let planned = planned_target(&ctx.target, &plan);
    let t = &planned;
    let mut calls = planned_calls(ctx, t).await;
    // A refresh call the app's code does not make is not checked.
    if plan.discovered && !plan.refresh_called {
        calls.retain(|c| c.endpoint_row.is_some() || c.path != t.auth.refresh_path);
    }
    calls
}

/// The target as the run's plan sees it: the routes the app calls (guessed ones left out when
/// the plan was discovered) and the app's own login flow.
fn planned_target(
    target: &crate::target::Target,
    plan: &crate::observe::plan::Plan,
) -> crate::target::Target {
    let mut t = target.clone();
    t.endpoints = plan
        .endpoints
        .iter()
        .filter(|e| !(plan.discovered && e.guessed))
        .cloned()
        .collect();
    t.auth = plan.auth.clone();
    t
}

async fn planned_calls(ctx: &Context, t: &crate::target::Target) -> Vec<ApiCall> {
    if t.frontend.is_empty() {
        return api_calls(t, t.credentials_mode_include);
    }
    let d = ctx.observed.discovery(&ctx.http, &t.frontend).await;
    let include = if t.credentials_mode_explicit {
        t.credentials_mode_include
    } else {
        judge::include_credentials(&d, t.credentials_mode_include)
    };
    let mut calls = api_calls(t, include);
    let api_host = t.api_base.host_str();
    let found: Vec<(String, String)> = d
        .calls
        .iter()
        .filter(|c| {
            c.url
                .as_deref()
                .is_none_or(|u| Url::parse(u).ok().as_ref().and_then(Url::host_str) == api_host)
        })
        .filter_map(|c| Some((c.method.clone()?, c.path.clone())))
        .collect();
    let more = calls::method_calls(t, include, &found, &calls);
    calls.extend(more);
    calls
}

/// What one call taught us, beyond its rows.
struct CallOutcome {
    rows: Vec<Finding>,
    /// Actual responses received (label, response), for the cache row.
    seen: Vec<(String, Recorded)>,
    /// `Some(max_age)` when a preflight passed.
    max_age: Option<Option<u64>>,
}

/// What every call from one origin shares.
struct OriginRun<'a> {
    ctx: &'a Context,
    origin: &'a Origin,
    page: Page,
    calls: &'a [ApiCall],
    localhost: &'a OnceCell<bool>,
}

async fn check_origin(
    ctx: Arc<Context>,
    sink: Sink,
    oi: usize,
    origin: Origin,
    calls: Arc<Vec<ApiCall>>,
    localhost: Arc<OnceCell<bool>>,
) {
    let start = Instant::now();
    let run = OriginRun {
        ctx: &ctx,
        origin: &origin,
        page: Page {
            origin: origin.as_str().to_string(),
            parsed: origin.url().origin(),
            include_credentials: calls.first().is_some_and(|c| c.call.include_credentials),
        },
        calls: &calls[..],
        localhost: &localhost,
    };
    // Rows go to the sink as each call is decided, so a run cut short keeps them.
    let (run, sink) = (&run, &sink);
    let per_call = join_all(calls.iter().enumerate().map(|(ci, c)| async move {
        let o = check_call(run, oi * 1000 + ci, c).await;
        sink.extend(o.rows);
        (o.seen, o.max_age)
    }));
    let probes = async { sink.push(security(&ctx, oi, &origin, &calls).await) };
    let (outcomes, ()) = tokio::join!(per_call, probes);
    let mut seen = Vec::new();
    let mut max_ages = Vec::new();
    for (s, m) in outcomes {
        seen.extend(s);
        max_ages.extend(m);
    }
    let f = Finding::of(
        Row::CorsCache,
        Subject::origin(&origin),
        format!("CORS answers to {origin} are safe to cache (Vary: Origin)"),
    );
    let judged = judge::judge_cache(&seen, &max_ages);
    let host = api_host(&ctx.target.api_base);
    let stack = ctx.stack(&[]).await;
    let v = vocab::vocab(&stack, &Recorded::default());
    sink.push(
        words::cache_row(f, &origin, (!seen.is_empty(), &v), &judged)
            .maybe_fault(judge::cache_fault(&host, &judged).map(crate::engine::Fault::new))
            .seq(oi)
            .duration(start.elapsed()),
    );
}

fn preflight_request(url: &Url, origin: &str, call: &Call) -> HttpRequest {
    let mut req = HttpRequest::new(Method::OPTIONS, url.clone())
        .header("origin", origin)
        .header("access-control-request-method", &call.method)
        .header("accept", "*/*");
    if let Some(h) = call.request_headers_value() {
        req = req.header("access-control-request-headers", &h);
    }
    req
}

fn actual_request(leg: &Leg, origin: &str) -> HttpRequest {
    let mut req = HttpRequest::new(
        Method::from_bytes(leg.method.as_bytes()).unwrap_or(Method::GET),
        leg.url.clone(),
    )
    .header("origin", origin);
    for (n, v) in &leg.headers {
        req = req.header(n, v);
    }
    if let Some(b) = &leg.body {
        req = req.body(b.clone());
    }
    req
}

async fn check_call(run: &OriginRun<'_>, seq: usize, c: &ApiCall) -> CallOutcome {
    let o = run.origin.as_str();
    let mut out = CallOutcome {
        rows: Vec::new(),
        seen: Vec::new(),
        max_age: None,
    };
    let actual = Finding::of(
        Row::CorsActual,
        Subject::call(o, &c.call.method, &c.path),
        format!("CORS on the {} response, from {o}", c.label),
    )
    .seq(seq);
    if Origin::of(&c.url) == *run.origin {
        out.rows.push(actual.skip().detail(format!(
            "same-origin call: {} is on {o} itself, so the browser applies no CORS",
            c.url
        )));
        return out;
    }
    let preflight = Finding::of(
        Row::CorsPreflight,
        Subject::call(o, &c.call.method, &c.path),
        format!("CORS preflight from {o} to {}", c.label),
    )
    .seq(seq);
    if run.page.blocks_insecure(&c.url) {
        let fault = CorsFault::MixedContent {
            host: api_host(&c.url),
        };
        let rows =
            words::insecure_call_rows(preflight, actual, c, &run.page, c.call.needs_preflight());
        out.rows
            .extend(rows.into_iter().map(|r| r.fault(fault.clone())));
        return out;
    }
    if c.call.needs_preflight() {
        let start = Instant::now();
        let (row, passed) = first_preflight(run, preflight, c, &mut out).await;
        out.rows.push(row.duration(start.elapsed()));
        if !passed {
            out.rows.push(
                actual
                    .skip()
                    .detail(format!(
                        "not sent: a browser sends the {} only after its preflight passes (see cors.preflight)",
                        c.label
                    ))
                    .fault(CorsFault::AfterPreflight {
                        host: api_host(&c.url),
                    }),
            );
            return out;
        }
        if c.preflight_only {
            out.rows.push(actual.skip().detail(format!(
                "not sent: the {} changes data, so conncheck sends only its preflight (which passed)",
                c.label
            )));
            return out;
        }
    }
    let start = Instant::now();
    let chain = follow_chain(run, c.first_leg()).await;
    for hop in &chain.hops {
        if let Some(r) = &hop.response {
            out.seen.push((c.label.clone(), r.clone()));
        }
    }
    let row = judge_actual(run, actual, c, &chain).await;
    out.rows.push(row.duration(start.elapsed()));
    out
}

/// The preflight of the call as it leaves the page; true when it passed.
async fn first_preflight(
    run: &OriginRun<'_>,
    f: Finding,
    c: &ApiCall,
    out: &mut CallOutcome,
) -> (Finding, bool) {
    let o = run.origin.as_str();
    let ex = match run
        .ctx
        .http
        .send(preflight_request(&c.url, o, &c.call))
        .await
    {
        Err(e) => return (net_failure(run.ctx, f, &c.url, &e), false),
        Ok(ex) => ex,
    };
    let rec = Recorded::from_exchange(&ex);
    let stack = stack_for(run.ctx, &c.url, judge::sample_of(&rec, &ex.body, true)).await;
    let detail = format!(
        "{} — {}{}{}",
        words::describe_response(&rec, PREFLIGHT_HEADERS),
        words::describe_preflight(&c.url, o, &c.call),
        via(run.ctx),
        words::stack_evidence(&stack)
    );
    match decide::preflight_check(&c.call, o, &rec) {
        Ok(ok) => {
            out.max_age = Some(ok.max_age);
            let row = if ok.authorization_by_wildcard {
                words::wildcard_authorization_warning(f, &detail, &vocab::vocab(&stack, &rec))
                    .fault(CorsFault::AuthorizationByWildcard {
                        host: api_host(&c.url),
                    })
            } else {
                f.pass().detail(format!("allowed: {detail}"))
            };
            (row, true)
        }
        Err(err) => {
            let lh = localhost_default(run, &err, &rec).await;
            let others: Vec<CorsError> = decide::preflight_problems(&c.call, o, &rec)
                .into_iter()
                .filter(|e| *e != err)
                .collect();
            let h = HintCtx {
                others: &others,
                ..hint_ctx(run, c, (&rec, &stack), true, lh)
            };
            let fix = hints::hint(&err, &h);
            let row = f
                .fail()
                .detail(format!(
                    "{}{}: {detail}; the browser stops here and never sends the {} itself",
                    words::verdict_line(&err, &rec, o),
                    words::also_line(&others, &rec, o),
                    c.label
                ))
                .hint(fix)
                .browser_error(chrome::message(INITIATOR, c.url.as_str(), o, &err))
                .fault(CorsFault::blocked(&api_host(&c.url), &err, &rec, true).with_others(others));
            (row, false)
        }
    }
}

/// The API host of a URL as subjects name it (with a non-default port): the scope of a CORS
/// configuration mistake.
fn api_host(url: &Url) -> String {
    Subject::host_of(url).to_string()
}

/// A network failure on a request to `url`, owned by `url`'s host (not the origin's), on a row
/// that keeps its own subject.
fn net_failure(ctx: &Context, f: Finding, url: &Url, e: &NetError) -> Finding {
    let subject = f.subject.clone();
    ctx.net_failure(f.subject(Subject::host_of(url)), e)
        .subject(subject)
}

/// Evidence that the requests went through a proxy (the browser's, from the environment, or
/// `--proxy`), so a result that differs from a direct connection says why.
fn via(ctx: &Context) -> String {
    ctx.http
        .proxy
        .as_ref()
        .map(|p| format!(", {p}"))
        .unwrap_or_default()
}

/// The stack of the API that answered `url`: the run's probe of the API host (when `url` is on
/// it) and this answer.
async fn stack_for(ctx: &Context, url: &Url, answer: crate::stack::Sample) -> Stack {
    let api = &ctx.target.api_base;
    if url.host_str() == api.host_str()
        && url.port_or_known_default() == api.port_or_known_default()
    {
        ctx.stack(&[answer]).await
    } else {
        crate::stack::fingerprint::recognise(url.host_str().unwrap_or(""), &[answer])
    }
}

fn hint_ctx<'a>(
    run: &'a OriginRun<'_>,
    c: &'a ApiCall,
    answer: (&'a Recorded, &'a Stack),
    preflight: bool,
    localhost_default: bool,
) -> HintCtx<'a> {
    let (rec, stack) = answer;
    HintCtx {
        stack,
        others: &[],
        origin: run.origin.as_str(),
        url: &c.url,
        rec,
        preflight,
        endpoint_row: c.endpoint_row.as_deref(),
        localhost_default,
        include: run.page.include_credentials,
    }
}

/// Send the actual request and follow it hop by hop as Chrome does: each redirected hop that
/// still needs a preflight gets one (with the Origin it now carries), every response is
/// CORS-checked, and the chain stops where Chrome would stop it.
async fn follow_chain(run: &OriginRun<'_>, first: Leg) -> Chain {
    let (http, page) = (&run.ctx.http, &run.page);
    let include = page.include_credentials;
    let mut hops: Vec<HopSeen> = Vec::new();
    let mut leg = first;
    loop {
        let origin = leg.origin_value(&page.origin).to_string();
        let mut hop = HopSeen {
            leg: leg.clone(),
            preflight: None,
            response: None,
        };
        let call = leg.call(include);
        if !hops.is_empty() && call.needs_preflight() {
            match http.send(preflight_request(&leg.url, &origin, &call)).await {
                Err(e) => return chain_end(hops, hop, End::Net(e)),
                Ok(ex) => {
                    let rec = Recorded::from_exchange(&ex);
                    let verdict = decide::preflight_check(&call, &origin, &rec);
                    hop.preflight = Some(rec);
                    if let Err(e) = verdict {
                        return chain_end(hops, hop, End::Blocked(Block::Preflight(e)));
                    }
                }
            }
        }
        let ex = match http.send(actual_request(&leg, &origin)).await {
            Err(e) => return chain_end(hops, hop, End::Net(e)),
            Ok(ex) => ex,
        };
        let rec = Recorded::from_exchange(&ex);
        let step = redirect::after_response(page, &leg, &rec, hops.len());
        hop.response = Some(rec);
        match step {
            Step::Done => return chain_end(hops, hop, End::Read(ex.summary())),
            Step::Blocked(b) => return chain_end(hops, hop, End::Blocked(b)),
            Step::Next(next) => {
                hops.push(hop);
                leg = next;
            }
        }
    }
}

fn chain_end(mut hops: Vec<HopSeen>, last: HopSeen, end: End) -> Chain {
    hops.push(last);
    Chain { hops, end }
}

/// The actual row: a call read without redirects keeps the one-response wording (and the
/// django-cors-headers hints); a redirected one shows its chain.
async fn judge_actual(run: &OriginRun<'_>, f: Finding, c: &ApiCall, chain: &Chain) -> Finding {
    let o = run.origin.as_str();
    let mut sent = format!("for {} {} with Origin: {o}", c.call.method, c.url);
    if c.auth {
        sent.push_str(" and a stand-in bearer token");
    }
    sent.push_str(&via(run.ctx));
    let last_url = chain.hops.last().map_or(&c.url, |h| &h.leg.url);
    match (&chain.end, chain.redirected()) {
        (End::Net(e), false) => net_failure(run.ctx, f, last_url, e),
        (End::Net(e), true) => net_failure(
            run.ctx,
            f.detail(words::describe_chain(chain, o)),
            last_url,
            e,
        ),
        (End::Read(summary), redirected) => {
            words::actual_read(f, chain, o, summary, redirected, &sent)
        }
        (End::Blocked(Block::Cors(err)), false) => {
            let rec = chain.hops[0].response.clone().unwrap_or_default();
            let lh = localhost_default(run, err, &rec).await;
            let sample = judge::sample_of(&rec, rec.body.as_bytes(), false);
            let stack = stack_for(run.ctx, &c.url, sample).await;
            let h = hint_ctx(run, c, (&rec, &stack), false, lh);
            words::actual_blocked(f, err, &h, &sent)
                .browser_error(chrome::message(INITIATOR, c.url.as_str(), o, err))
                .fault(CorsFault::blocked(&api_host(&c.url), err, &rec, false))
        }
        (End::Blocked(block), _) => words::chain_blocked(f, chain, block, &run.page, &sent)
            .browser_error(chrome::chain_message(INITIATOR, chain, block, &run.page))
            .fault(judge::chain_fault(chain, block, &api_host(last_url))),
    }
}

/// Whether `http://localhost:3000` is allowed where `origin` is not: the sign of
/// django-cors-headers running on its development default. Asked at most once per run.
async fn localhost_default(run: &OriginRun<'_>, err: &CorsError, rec: &Recorded) -> bool {
    if !matches!(err, CorsError::MissingAllowOrigin { .. })
        || !judge::cors_middleware_active(rec)
        || run.origin.as_str() == LOCALHOST_DEFAULT
    {
        return false;
    }
    let Some(c) = probe_call(run.calls) else {
        return false;
    };
    *run.localhost
        .get_or_init(|| async {
            match run
                .ctx
                .http
                .send(preflight_request(&c.url, LOCALHOST_DEFAULT, &c.call))
                .await
            {
                Ok(ex) => decide::preflight_check(
                    &c.call,
                    LOCALHOST_DEFAULT,
                    &Recorded::from_exchange(&ex),
                )
                .is_ok(),
                Err(_) => false,
            }
        })
        .await
}

async fn security(ctx: &Context, oi: usize, origin: &Origin, calls: &[ApiCall]) -> Finding {
    let start = Instant::now();
    let f = Finding::of(
        Row::CorsSecurity,
        Subject::origin(origin),
        format!("CORS refuses untrusted origins posing as {origin}"),
    )
    .seq(oi);
    let Some(c) = probe_call(calls) else {
        return f.skip().detail("no cross-origin call to probe");
    };
    let probes = judge::probe_origins(origin, &ctx.target.origins);
    let answers = join_all(probes.iter().map(|(_, p)| {
        let req = preflight_request(&c.url, p, &c.call);
        async move {
            ctx.http
                .send(req)
                .await
                .map(|ex| Recorded::from_exchange(&ex))
        }
    }))
    .await;
    let mut first_err: Option<NetError> = None;
    let mut verdicts: Vec<ProbeAnswer> = Vec::new();
    let mut not_ok = Vec::new();
    for ((kind, p), a) in probes.iter().zip(answers) {
        match a {
            Ok(rec) => {
                if rec.is_redirect() || !(200..300).contains(&rec.status) {
                    not_ok.push(rec.status);
                }
                verdicts.push((*kind, p.clone(), judge::classify_probe(&rec, p)))
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    let f = f.duration(start.elapsed());
    if verdicts.is_empty() {
        return match first_err {
            Some(e) => net_failure(ctx, f, &c.url, &e),
            None => f.skip().detail("no probe origin to try"),
        };
    }
    let authenticated = calls.iter().any(|c| c.auth);
    let verdict = judge::judge_probes(&verdicts, &not_ok, authenticated);
    let stack = ctx.stack(&[]).await;
    let report = words::ProbeReport {
        vocab: vocab::vocab(&stack, &Recorded::default()),
        origin: origin.as_str(),
        host: &origin.host(),
        label: &c.label,
        answers: &verdicts,
        unanswered: probes.len() - verdicts.len(),
    };
    let fault = judge::security_fault(&api_host(&c.url), &verdict);
    words::security_row(f, &report, &verdict).maybe_fault(fault.map(crate::engine::Fault::new))
}
