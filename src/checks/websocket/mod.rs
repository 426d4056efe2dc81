//! Section 8, WebSocket (RFC 6455): the upgrade the app makes succeeds with the frontend's
//! `Origin`, it uses wss:// from an HTTPS page (W3C Mixed Content), and the server refuses an
//! upgrade from a foreign origin (cross-site WebSocket hijacking).
//!
//! The URL comes from `--websocket` or is discovered in the frontend bundle, which the
//! run fetches once for both modules ([`crate::observe::pages`]). The token the app sends comes
//! from the run's one login ([`Context::login`]). This file does the I/O: the handshakes
//! go through [`crate::net::ws`]; [`judge`] decides and [`words`] words.

pub mod judge;
pub mod words;

use crate::browser::frontend::mixed_ws_message;
use crate::browser::websocket::handshake_failed;
use crate::engine::context::Context;
use crate::engine::fault::{owning_row, Missing, NetFault, Unchecked};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Finding, Module, Row, Status, Subject};
use crate::net::http::NetError;
use crate::net::ws::{Connector, Outcome};
use crate::observe::login::Login;
use crate::stack::Backend;
use crate::target::WsAuth;
use futures::FutureExt;
use judge::{TokenTrouble, TokenUse, Verdict};
use std::sync::Arc;
use std::time::Instant;
use url::Url;
use words::Source;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Websocket,
    about: "the WebSocket upgrade succeeds from the frontend's origin over wss:// and is refused from a foreign origin",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The origin a hostile page would send.
pub const FOREIGN_ORIGIN: &str = "https://evil.example";

/// The socket to check, as the app opens it.
struct Socket {
    url: Url,
    source: Source,
    /// The frontend's origin the app's page has.
    origin: String,
    /// The page is served over https (or unknown).
    page_https: bool,
    page: Option<Url>,
    /// The query parameter the bundle opens this socket with its token in (`?token=${…}`).
    bundle_param: Option<String>,
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let Some(s) = find_socket(&ctx, &sink).await else {
        return;
    };
    let subject = Subject::websocket(&s.url);
    let src = words::source(&s.source);
    let v = judge::scheme(&s.url, s.page_https);
    let (detail, hint) = words::scheme(&s.url, &src, v.fault.as_ref());
    let mut f = Finding::of(
        Row::WebsocketScheme,
        subject.clone(),
        words::scheme_title(&s.url, &s.origin),
    );
    if v.status == Status::Fail {
        let page = s
            .page
            .clone()
            .or_else(|| Url::parse(&format!("{}/", s.origin)).ok())
            .unwrap_or_else(|| s.url.clone());
        f = f.browser_error(mixed_ws_message(&page, s.url.as_str()));
    }
    sink.push(with_verdict(f, v).detail(detail).maybe_hint(hint));

    // The browser never sends ws:// from an HTTPS page; test the endpoint it should use.
    let probe = if v_blocked(&s) {
        words::as_wss(&s.url)
    } else {
        s.url.clone()
    };
    // How the app sends its token: as configured, else where the bundle shows it.
    let bundle = s.bundle_param.clone().map(WsAuth::Query);
    let auth = match ctx.target.websocket.as_ref().map(|w| &w.auth) {
        Some(WsAuth::None) | None => bundle.as_ref(),
        given => given,
    };
    let token = token_use(&ctx, auth).await;
    // The URL shown in the report never carries the token.
    let mut connect = probe.clone();
    if let TokenUse::Sent { param, .. } = &token {
        if let Some(t) = ctx.login().await.access_token() {
            connect.query_pairs_mut().append_pair(param, t);
        }
    }
    let c = Connector {
        dns: &ctx.dns,
        trust: &ctx.trust,
        timeout: ctx.opts.timeout,
    };
    let shake = Instant::now();
    let (own, foreign) = tokio::join!(
        c.handshake(&connect, &s.origin),
        c.handshake(&connect, FOREIGN_ORIGIN)
    );
    let f = Finding::of(
        Row::WebsocketUpgrade,
        subject.clone(),
        words::upgrade_title(&s.url, &s.origin),
    )
    .duration(shake.elapsed());
    let note = words::probe_note(&s.url, &probe, &token);
    let evidence = format!(
        "GET {probe} Upgrade: websocket, Origin: {} → {}{note}; URL {src}",
        s.origin,
        words::outcome(&own)
    );
    let backend = backend_of(&ctx, &probe).await;
    sink.push(match judge::upgrade(&own, &token) {
        Some(v) => answered(f, v, (&own, &token), (&probe, &s.origin), backend).detail(evidence),
        None => unreachable(&ctx, f, &own, &probe, evidence),
    });
    let shook = (&own, &foreign);
    sink.push(origin_check(&ctx, &s, subject, (&probe, shook), backend));
}

/// Whether the browser blocks the URL itself (ws:// from an HTTPS page).
fn v_blocked(s: &Socket) -> bool {
    s.url.scheme() == "ws" && s.page_https
}

fn with_verdict(f: Finding, v: Verdict) -> Finding {
    let f = f.status(v.status);
    match v.fault {
        Some(fault) => f.fault(fault),
        None => f,
    }
}

/// The socket from `--websocket` or the bundle; without one, the three rows are skipped.
async fn find_socket(ctx: &Context, sink: &Sink) -> Option<Socket> {
    let scans = ctx.observed.pages(&ctx.http, &ctx.target.frontend).await;
    let page: Option<Url> = scans
        .iter()
        .find(|s| s.page.is_ok())
        .map(|s| s.final_url().clone())
        .or_else(|| ctx.target.frontend.first().cloned());
    let origin = page
        .as_ref()
        .map(|p| p.origin().ascii_serialization())
        .or_else(|| ctx.target.origins.first().map(|o| o.to_string()))
        .unwrap_or_else(|| ctx.target.api_origin().to_string());
    let found = match &ctx.target.websocket {
        Some(w) => Some((w.url.clone(), Source::Given)),
        None => scans.iter().find_map(|s| {
            s.websockets().first().map(|l| {
                let at = l.at();
                (l.found.url.clone(), Source::Bundle { at })
            })
        }),
    };
    let Some((url, source)) = found else {
        let pages: Vec<String> = scans.iter().map(|s| s.requested.to_string()).collect();
        let why = words::no_url(&pages);
        let rows = [
            Row::WebsocketUpgrade,
            Row::WebsocketScheme,
            Row::WebsocketOriginCheck,
        ];
        // With no page to read (no origin given or inferable) the socket is unchecked, not
        // absent: the rows say what to pass and the run is incomplete.
        let unchecked = scans.is_empty();
        let why = if unchecked {
            words::NO_ORIGIN.into()
        } else {
            why
        };
        for (row, title) in rows.into_iter().zip(words::UNNAMED_TITLES) {
            let f = Finding::of(row, Subject::Deployment, title)
                .skip()
                .detail(why.clone());
            sink.push(if unchecked {
                f.fault(Unchecked(Missing::Origin))
            } else {
                f
            });
        }
        return None;
    };
    // The page's URL scanner keeps the query the template left (`/live?token=`); the
    // discovery names the socket without it and says which parameter carries the token.
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    let bundle_param = crate::observe::pages::discover_pages(&scans)
        .websockets
        .into_iter()
        .find(|w| w.url.as_deref() == Some(bare.as_str()) || w.url.as_deref() == Some(url.as_str()))
        .and_then(|w| w.token_param);
    let url = match (&bundle_param, &source) {
        (Some(p), Source::Bundle { .. }) => without_param(&url, p),
        _ => url,
    };
    Some(Socket {
        bundle_param,
        page_https: page.as_ref().is_none_or(|p| p.scheme() == "https"),
        url,
        source,
        origin,
        page,
    })
}

/// `url` without the query parameter `param` (the bundle fills it from an expression).
fn without_param(url: &Url, param: &str) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != param)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out
}

/// How the app's token goes with the handshake (`auth`: how the app sends it): from the run's
/// one login when the app sends it as a query parameter.
async fn token_use(ctx: &Context, auth: Option<&WsAuth>) -> TokenUse {
    let param = match auth {
        Some(WsAuth::Query(param)) => param.clone(),
        Some(WsAuth::Protocol | WsAuth::Cookie) => return TokenUse::NotReproduced,
        Some(WsAuth::None) | None => return TokenUse::None,
    };
    let login = ctx.login().await;
    let why = match &*login {
        Login::NoCredentials => TokenTrouble::NoCredentials,
        Login::PlainHttp { url } => TokenTrouble::PlainHttp { url: url.clone() },
        Login::Failed { url, error, .. } => TokenTrouble::LoginFailed {
            url: url.clone(),
            error: error.to_string(),
        },
        Login::Answered(a) if !a.exchange.status.is_success() => TokenTrouble::LoginStatus {
            url: a.url.clone(),
            status: a.exchange.status.as_u16(),
        },
        Login::Answered(a) if a.access.is_none() => TokenTrouble::NoToken {
            path: ctx.target.auth.access_path.clone(),
        },
        Login::Answered(a) => {
            return TokenUse::Sent {
                param,
                from: a.url.clone(),
            }
        }
    };
    TokenUse::Missing { param, why }
}

/// The framework the socket's fixes are worded for: the API's, when the socket is served on
/// the API's host (another host's server is not known).
async fn backend_of(ctx: &Context, probe: &Url) -> Option<Backend> {
    let api = &ctx.target.api_base;
    if probe.host_str() != api.host_str() {
        return None;
    }
    ctx.observed.stack(&ctx.http, api, &[]).await.backend()
}

/// The upgrade row when the server answered the handshake.
fn answered(
    f: Finding,
    v: Verdict,
    (own, token): (&Outcome, &TokenUse),
    (probe, origin): (&Url, &str),
    backend: Option<Backend>,
) -> Finding {
    let refused = match own {
        Outcome::Refused { status, .. } => Some(*status),
        _ => None,
    };
    let f = with_verdict(f, v);
    match refused {
        Some(status) => f
            .hint(words::upgrade_hint(
                status,
                token,
                (probe.path(), origin),
                judge::LiveServer::of(probe),
                backend,
            ))
            .maybe_browser_error(handshake_failed(probe, own)),
        None => f,
    }
}

/// The upgrade row when the socket's server could not be reached. A host the DNS/TLS modules
/// check hands its root cause to them; a discovered host's failure is this row's.
fn unreachable(ctx: &Context, f: Finding, own: &Outcome, probe: &Url, evidence: String) -> Finding {
    let Outcome::Net(e) = own else {
        return f;
    };
    let host = probe.host_str().unwrap_or("");
    let checked = ctx.target.hosts().iter().any(|h| h == host);
    let f = if checked {
        ctx.net_failure(f, e)
    } else {
        own_net_failure(f, host, e)
    };
    if f.status == Status::Skip {
        let detail = format!("{}; {evidence}", f.detail);
        return f.detail(detail);
    }
    let f = f
        .detail(evidence)
        .maybe_browser_error(handshake_failed(probe, own));
    if checked && owning_row(e).is_some() {
        return f;
    }
    let port = probe.port_or_known_default().unwrap_or(443);
    f.hint(words::unreachable_hint(host, port))
}

/// A network failure on a host no other module checks.
fn own_net_failure(f: Finding, host: &str, e: &NetError) -> Finding {
    let status = if e.is_timeout() {
        Status::Error
    } else {
        Status::Fail
    };
    f.status(status).fault(NetFault::new(host, e.clone()))
}

fn origin_check(
    ctx: &Context,
    s: &Socket,
    subject: Subject,
    (probe, (own, foreign)): (&Url, (&Outcome, &Outcome)),
    backend: Option<Backend>,
) -> Finding {
    let f = Finding::of(
        Row::WebsocketOriginCheck,
        subject,
        words::origin_check_title(&s.url),
    );
    let evidence = format!(
        "GET {probe} Upgrade: websocket, Origin: {FOREIGN_ORIGIN} → {}",
        words::outcome(foreign)
    );
    let allowed = if ctx.target.origins.is_empty() {
        s.origin.clone()
    } else {
        let o: Vec<String> = ctx.target.origins.iter().map(|o| o.to_string()).collect();
        o.join(", ")
    };
    let v = judge::origin_check(foreign, own);
    let (detail, hint) = words::origin_check(
        evidence,
        v.fault.as_ref(),
        (own, foreign),
        &allowed,
        backend,
    );
    with_verdict(f, v).detail(detail).maybe_hint(hint)
}
