//! Section 8, WebSocket (RFC 6455): the upgrade the app makes succeeds with the frontend's
//! `Origin`, it uses wss:// from an HTTPS page (W3C Mixed Content), and the server refuses an
//! upgrade from a foreign origin (cross-site WebSocket hijacking).
//!
//! The URL comes from `--websocket` or is discovered in the frontend bundle, which the run
//! fetches once for both modules ([`crate::observe::pages`]).

use crate::browser::frontend::mixed_ws_message;
use crate::context::Context;
use crate::model::{Finding, Module};
use crate::net::http::{classify_rustls, HttpRequest, NetError, USER_AGENT};
use crate::runner::{ModuleSpec, Sink};
use crate::target::WsAuth;
use futures::FutureExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite;
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Websocket,
    about: "the WebSocket upgrade succeeds from the frontend's origin over wss:// and is refused from a foreign origin",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The origin a hostile page would send.
pub const FOREIGN_ORIGIN: &str = "https://evil.example";

/// How one upgrade attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 101 Switching Protocols and a valid handshake.
    Open,
    /// The server answered HTTP instead of switching.
    Refused {
        status: u16,
        body: String,
    },
    Net(NetError),
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Open => "101 Switching Protocols".into(),
            Outcome::Refused { status, body } if body.is_empty() => format!("HTTP {status}"),
            Outcome::Refused { status, body } => format!("HTTP {status} ({body})"),
            Outcome::Net(e) => e.to_string(),
        }
    }
}

/// What a non-101 answer to an upgrade means, as a fix in the stack's words.
pub fn refusal_hint(status: u16, path: &str, origin: &str) -> String {
    match status {
        404 => format!(
            "the proxy has no route for {path} (or the live server is not mounted there): route {path} to the WebSocket service and pass the upgrade through (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\")"
        ),
        400 | 403 => format!(
            "the server refused the origin or the credentials: allow {origin} in its origin check (Django Channels: AllowedHostsOriginValidator follows ALLOWED_HOSTS; Socket.IO: cors.origin) and send the token the way the app does"
        ),
        401 => "the server wants authentication: the app must send its access token (e.g. ?token=…) when it opens the socket".into(),
        502..=504 => format!(
            "the proxy reached no WebSocket server behind {path}: start the live/WebSocket service and check the proxy's upstream address and port"
        ),
        200..=299 => "the request was answered as plain HTTP: the proxy dropped the Upgrade/Connection headers (nginx needs proxy_set_header Upgrade and Connection) or the SPA catch-all served index.html for this path".into(),
        301 | 302 | 307 | 308 => "the upgrade was redirected, and browsers do not follow redirects on a WebSocket handshake: use the final URL (scheme, host, trailing slash) in the app".into(),
        _ => format!("the server answered HTTP {status} instead of 101: check the WebSocket route and server logs"),
    }
}

/// Chrome's console text for a failed handshake. Templates: net/websockets/
/// websocket_basic_handshake_stream.cc ("Error during WebSocket handshake: Unexpected
/// response code: %d") and websocket_stream.cc ("Error in connection establishment: …").
pub fn chrome_ws_error(url: &Url, outcome: &Outcome) -> Option<String> {
    let why = match outcome {
        Outcome::Open => return None,
        Outcome::Refused { status, .. } => {
            format!("Error during WebSocket handshake: Unexpected response code: {status}")
        }
        Outcome::Net(e) => format!("Error in connection establishment: {}", e.chrome_error()),
    };
    Some(format!("WebSocket connection to '{url}' failed: {why}"))
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
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
        Some(w) => Some((w.url.clone(), "given with --websocket".to_string())),
        None => scans.iter().find_map(|s| {
            s.websockets().first().map(|l| {
                (
                    l.found.url.clone(),
                    format!("found in the bundle at {}", l.at()),
                )
            })
        }),
    };
    let Some((url, source)) = found else {
        let why = if scans.is_empty() {
            "no WebSocket URL: none given with --websocket and no frontend page to discover one in"
                .to_string()
        } else {
            let pages: Vec<String> = scans.iter().map(|s| s.requested.to_string()).collect();
            format!(
                "no WebSocket URL: none given with --websocket and none found in the bundle of {}",
                pages.join(", ")
            )
        };
        for (id, title) in [
            ("upgrade", "WebSocket upgrade"),
            ("scheme", "WebSocket scheme"),
            ("origin-check", "WebSocket origin check"),
        ] {
            sink.push(
                Finding::new(Module::Websocket, id, title)
                    .skip()
                    .detail(why.clone()),
            );
        }
        return;
    };
    let page_https = page.as_ref().is_none_or(|p| p.scheme() == "https");
    let page_text = page
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_else(|| format!("{origin}/"));

    // websocket.scheme
    let f = Finding::new(
        Module::Websocket,
        "scheme",
        format!("{url} is wss:// from {origin}"),
    );
    let insecure = url.scheme() == "ws";
    sink.push(match (insecure, page_https) {
        (false, _) => f.pass().detail(format!("{url} ({source}) is encrypted (wss://)")),
        (true, true) => {
            let page_url = Url::parse(&page_text).unwrap_or_else(|_| url.clone());
            f.fail()
                .detail(format!("{url} ({source}) is plain ws:// and the page is HTTPS"))
                .hint(format!(
                    "browsers refuse ws:// from an HTTPS page: use {} (the same proxy on 443 forwards the upgrade), or build it from location: (location.protocol === 'https:' ? 'wss:' : 'ws:')",
                    as_wss(&url)
                ))
                .browser_error(mixed_ws_message(&page_url, url.as_str()))
        }
        (true, false) => f
            .warn()
            .detail(format!("{url} ({source}) is plain ws://, from an http:// page"))
            .hint("the socket (and any token in it) travels in clear text: serve the page over HTTPS and the socket over wss://"),
    });

    // The browser never sends ws:// from an HTTPS page; test the endpoint it should use.
    let mut probe = url.clone();
    let mut note = String::new();
    if insecure && page_https {
        probe = as_wss(&url);
        note =
            format!(" (tested as {probe}: the browser blocks {url} itself, see websocket.scheme)");
    }
    let path = probe.path().to_string();
    // The token the app would send; the URL shown in the report never carries it.
    let mut connect = probe.clone();
    let mut token_problem = None;
    let mut token_sent = false;
    match ctx.target.websocket.as_ref().map(|w| &w.auth) {
        Some(WsAuth::Query(param)) => match login_token(&ctx, &origin).await {
            Ok((token, from)) => {
                token_sent = true;
                connect.query_pairs_mut().append_pair(param, &token);
                note.push_str(&format!(" with ?{param}=<access token from {from}>"));
            }
            Err(why) => {
                note.push_str(&format!(" without ?{param}= ({why})"));
                token_problem = Some(why);
            }
        },
        Some(WsAuth::Protocol | WsAuth::Cookie) => note
            .push_str(" without credentials (conncheck sends a token only as a query parameter)"),
        Some(WsAuth::None) | None => {}
    }
    let shake = Instant::now();
    let (own, foreign) = tokio::join!(
        handshake(&ctx, &connect, &origin),
        handshake(&ctx, &connect, FOREIGN_ORIGIN)
    );

    // websocket.upgrade
    let f = Finding::new(
        Module::Websocket,
        "upgrade",
        format!("upgrade to {url} from {origin}"),
    )
    .duration(shake.elapsed());
    let evidence = format!(
        "GET {probe} Upgrade: websocket, Origin: {origin} → {}{note}; URL {source}",
        own.describe()
    );
    sink.push(match &own {
        Outcome::Open => f.pass().detail(evidence),
        Outcome::Refused { status, .. } => f
            .fail()
            .detail(evidence)
            .hint(match (&token_problem, status) {
                (Some(why), 401 | 403) => {
                    format!("{why}; {}", refusal_hint(*status, &path, &origin))
                }
                (None, 401) if token_sent => "the server refused an access token the API issued seconds ago: it verifies tokens with another key. Give the WebSocket server the API's signing key (Plane: LIVE_SERVER_SECRET_KEY must equal the API's SECRET_KEY; simplejwt: SIMPLE_JWT['SIGNING_KEY'])".to_string(),
                _ => refusal_hint(*status, &path, &origin),
            })
            .maybe_browser_error(chrome_ws_error(&probe, &own)),
        Outcome::Net(e) => {
            // A discovered host is not one the DNS/TLS modules check: its failure is ours.
            let host = probe.host_str().unwrap_or("");
            let f = if ctx.target.hosts().iter().any(|h| h == host) {
                ctx.net_failure(f, e)
            } else {
                let f = f.detail(e.to_string());
                if e.is_timeout() {
                    f.error()
                } else {
                    f.fail()
                }
            };
            let failed =
                f.status == crate::model::Status::Fail || f.status == crate::model::Status::Error;
            let detail = if failed {
                evidence
            } else {
                format!("{}; {evidence}", f.detail)
            };
            let f = f.detail(detail);
            if !failed {
                f
            } else if f.hint.is_some() {
                f.maybe_browser_error(chrome_ws_error(&probe, &own))
            } else {
                let port = probe.port_or_known_default().unwrap_or(443);
                f.hint(format!(
                    "the browser cannot reach the WebSocket server: check that {host} resolves publicly, that its proxy listens on port {port} with a certificate for {host}, and that the live service is running"
                ))
                .maybe_browser_error(chrome_ws_error(&probe, &own))
            }
        }
    });

    // websocket.origin-check
    let f = Finding::new(
        Module::Websocket,
        "origin-check",
        format!("{url} refuses a foreign Origin"),
    );
    let evidence = format!(
        "GET {probe} Upgrade: websocket, Origin: {FOREIGN_ORIGIN} → {}",
        foreign.describe()
    );
    sink.push(match (&foreign, &own) {
        (Outcome::Open, _) => f
            .warn()
            .detail(evidence)
            .hint(format!(
                "the server accepts a handshake from any site, so a page a logged-in user visits can open this socket with their cookies (cross-site WebSocket hijacking): check Origin and allow only {} (Django Channels: AllowedHostsOriginValidator/OriginValidator; Socket.IO: cors.origin; ws: verifyClient)",
                if ctx.target.origins.is_empty() {
                    origin.clone()
                } else {
                    ctx.target.origins.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ")
                }
            )),
        (Outcome::Refused { status, .. }, Outcome::Open) => f
            .pass()
            .detail(format!("{evidence}; the frontend's own origin got 101 ({status} means refused)")),
        (Outcome::Refused { status: 400 | 401 | 403, .. }, _) => f.pass().detail(evidence),
        _ => f.skip().detail(format!(
            "{evidence}: the upgrade fails for the frontend's own origin too, so this tells nothing (see websocket.upgrade)"
        )),
    });
}

/// Log in the way the app does (the target's auth flow) and return the access token, already
/// registered as a secret, and the login URL it came from.
async fn login_token(ctx: &Context, origin: &str) -> Result<(String, String), String> {
    let Some(c) = &ctx.target.credentials else {
        return Err(
            "no credentials to log in with: set CONNCHECK_USERNAME and CONNCHECK_PASSWORD so conncheck can send the token the app sends"
                .into(),
        );
    };
    let a = &ctx.target.auth;
    let url = ctx.target.url_for(&a.login_path);
    if url.scheme() != "https" && !ctx.opts.allow_insecure_auth {
        return Err(format!("not sending credentials to {url} over plain http"));
    }
    let mut body = serde_json::Map::new();
    body.insert(a.username_field.clone(), c.username.clone().into());
    body.insert(a.password_field.clone(), c.password.clone().into());
    let req = HttpRequest::new(http::Method::POST, url.clone())
        .json_body(&serde_json::Value::Object(body))
        .header("origin", origin);
    let ex = ctx
        .http
        .send(req)
        .await
        .map_err(|e| format!("login at {url} failed: {e}"))?;
    if !ex.status.is_success() {
        return Err(format!(
            "login at {url} answered HTTP {}",
            ex.status.as_u16()
        ));
    }
    let json = ex.json().unwrap_or_default();
    let token = access_token(&json, &a.access_path)
        .ok_or_else(|| format!("no access token at '{}' in the login answer", a.access_path))?;
    ctx.secrets.add_token(&token);
    Ok((token, url.to_string()))
}

/// The access token in a login answer: at the configured dotted path, else where simplejwt
/// and common wrappers put it.
pub fn access_token(json: &serde_json::Value, path: &str) -> Option<String> {
    let at = |p: &str| {
        p.split('.')
            .try_fold(json, |v, k| v.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    std::iter::once(path)
        .chain([
            "access",
            "tokens.access",
            "data.access",
            "access_token",
            "token",
        ])
        .find_map(at)
}

/// The wss:// form of a WebSocket URL (same host, path and query; an explicit port kept).
fn as_wss(url: &Url) -> Url {
    let mut u = url.clone();
    let _ = u.set_scheme("wss");
    u
}

/// One WebSocket handshake over our resolver and trust store, bounded by the step timeout.
pub async fn handshake(ctx: &Context, url: &Url, origin: &str) -> Outcome {
    match tokio::time::timeout(ctx.opts.timeout, handshake_inner(ctx, url, origin)).await {
        Ok(o) => o,
        Err(_) => Outcome::Net(NetError::Timeout(ctx.opts.timeout)),
    }
}

async fn handshake_inner(ctx: &Context, url: &Url, origin: &str) -> Outcome {
    use tungstenite::client::IntoClientRequest;
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs = match ctx.dns.lookup_host(&host).await {
        Ok(h) => h.addrs,
        Err(e) => return Outcome::Net(NetError::Dns(e)),
    };
    let mut last = None;
    let mut tcp = None;
    for ip in addrs {
        match tokio::net::TcpStream::connect((ip, port)).await {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(tcp) = tcp else {
        let where_ = format!("{host}:{port}");
        return Outcome::Net(match last.map(|e| e.kind()) {
            Some(std::io::ErrorKind::ConnectionRefused) => NetError::ConnectRefused(where_),
            Some(std::io::ErrorKind::TimedOut) => NetError::ConnectTimeout(where_),
            other => NetError::Other(format!("cannot connect to {where_}: {other:?}")),
        });
    };
    let _ = tcp.set_nodelay(true);
    let mut req = match url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => return Outcome::Net(NetError::Other(format!("invalid WebSocket URL: {e}"))),
    };
    for (n, v) in [("origin", origin), ("user-agent", USER_AGENT)] {
        if let Ok(v) = http::HeaderValue::from_str(v) {
            req.headers_mut().insert(n, v);
        }
    }
    if url.scheme() == "wss" {
        let cfg = Arc::new(ctx.trust.client_config(&[b"http/1.1"]));
        let Ok(name) = rustls::pki_types::ServerName::try_from(host.clone()) else {
            return Outcome::Net(NetError::Other(format!("invalid server name {host}")));
        };
        match tokio_rustls::TlsConnector::from(cfg)
            .connect(name, tcp)
            .await
        {
            Ok(tls) => finish(tokio_tungstenite::client_async(req, tls).await).await,
            Err(e) => Outcome::Net(tls_io_error(&e)),
        }
    } else {
        finish(tokio_tungstenite::client_async(req, tcp).await).await
    }
}

fn tls_io_error(e: &std::io::Error) -> NetError {
    if let Some(t) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return classify_rustls(t);
    }
    match e.kind() {
        std::io::ErrorKind::ConnectionReset => NetError::Reset(e.to_string()),
        _ => NetError::TlsProtocol(e.to_string()),
    }
}

type Handshake<S> = Result<
    (
        tokio_tungstenite::WebSocketStream<S>,
        tungstenite::handshake::client::Response,
    ),
    tungstenite::Error,
>;

async fn finish<S: AsyncRead + AsyncWrite + Unpin>(r: Handshake<S>) -> Outcome {
    match r {
        Ok((mut ws, _resp)) => {
            // Leave politely; the verdict is already in.
            let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
            Outcome::Open
        }
        Err(tungstenite::Error::Http(resp)) => {
            let body = resp
                .body()
                .as_deref()
                .map(|b| {
                    String::from_utf8_lossy(b)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .chars()
                        .take(120)
                        .collect()
                })
                .unwrap_or_default();
            Outcome::Refused {
                status: resp.status().as_u16(),
                body,
            }
        }
        Err(tungstenite::Error::Io(e)) => Outcome::Net(match e.kind() {
            std::io::ErrorKind::UnexpectedEof => NetError::EmptyResponse(e.to_string()),
            _ => NetError::Reset(e.to_string()),
        }),
        Err(e) => Outcome::Net(NetError::Protocol(format!("WebSocket handshake: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_token_is_found_where_login_answers_put_it() {
        use serde_json::json;
        for (body, path, want) in [
            (
                json!({"access": "a1", "refresh": "r"}),
                "access",
                Some("a1"),
            ),
            (json!({"tokens": {"access": "a2"}}), "access", Some("a2")),
            (json!({"data": {"jwt": "a3"}}), "data.jwt", Some("a3")),
            (json!({"detail": "No active account"}), "access", None),
        ] {
            assert_eq!(access_token(&body, path).as_deref(), want, "{body}");
        }
    }

    #[test]
    fn refusals_name_their_likely_cause() {
        for (status, phrase) in [
            (404, "no route for /live/"),
            (403, "allow https://app.test"),
            (400, "origin"),
            (401, "token"),
            (502, "no WebSocket server"),
            (200, "Upgrade/Connection"),
            (301, "do not follow redirects"),
            (418, "HTTP 418"),
        ] {
            let h = refusal_hint(status, "/live/", "https://app.test");
            assert!(h.contains(phrase), "{status}: {h}");
        }
    }

    #[test]
    fn chrome_errors_name_the_url_and_the_code() {
        let u = Url::parse("wss://app.test/live").unwrap();
        assert_eq!(
            chrome_ws_error(&u, &Outcome::Refused { status: 502, body: String::new() }).unwrap(),
            "WebSocket connection to 'wss://app.test/live' failed: Error during WebSocket handshake: Unexpected response code: 502"
        );
        assert_eq!(
            chrome_ws_error(&u, &Outcome::Net(NetError::ConnectRefused("x".into()))).unwrap(),
            "WebSocket connection to 'wss://app.test/live' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED"
        );
        assert_eq!(chrome_ws_error(&u, &Outcome::Open), None);
    }
}
