//! Hostile transport behaviours for the API host: servers that hang, stall mid-handshake,
//! trickle, speak garbage or reset. Served on their own loopback address, below HTTP, because a
//! well-behaved HTTP stack cannot misbehave this way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Accepts TCP and never sends a byte.
    Hang,
    /// Reads the ClientHello and never answers.
    TlsHang,
    /// Completes TLS, then answers one byte per second forever.
    Trickle,
    /// Completes TLS, then sends bytes that are not HTTP.
    GarbageHttp,
    /// Sends random bytes instead of a TLS ServerHello.
    GarbageTls,
    /// Completes TLS, reads the request, then resets the connection (RST).
    Reset,
}

/// How long a hostile server holds a connection before giving up on it itself.
const HOLD: Duration = Duration::from_secs(300);

pub async fn serve(listener: TcpListener, kind: Hostile, tls: Arc<rustls::ServerConfig>) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(HOLD, misbehave(tcp, kind, acceptor)).await;
        });
    }
}

fn noise(n: usize) -> Vec<u8> {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    (0..n)
        .map(|i| {
            h.write_usize(i);
            h.finish() as u8
        })
        .collect()
}

async fn misbehave(mut tcp: TcpStream, kind: Hostile, acceptor: tokio_rustls::TlsAcceptor) {
    let mut buf = vec![0u8; 16 * 1024];
    match kind {
        Hostile::Hang => {
            tokio::time::sleep(HOLD).await;
        }
        Hostile::TlsHang => {
            // Swallow the ClientHello, say nothing.
            while let Ok(n) = tcp.read(&mut buf).await {
                if n == 0 {
                    return;
                }
            }
        }
        Hostile::GarbageTls => {
            let _ = tcp.read(&mut buf).await;
            let _ = tcp.write_all(&noise(512)).await;
            let _ = tcp.shutdown().await;
        }
        Hostile::Trickle | Hostile::GarbageHttp | Hostile::Reset => {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let mut head = Vec::new();
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                match tls.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            match kind {
                Hostile::Trickle => {
                    let msg = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ";
                    for b in msg.iter().chain(std::iter::repeat(&b'a')) {
                        if tls.write_all(&[*b]).await.is_err() || tls.flush().await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                Hostile::GarbageHttp => {
                    let _ = tls
                        .write_all(b"\x00\x01SSH-2.0-OpenSSH_9.6\r\n\xff\xfe\xfd garbage \x1b[2J")
                        .await;
                    let _ = tls.write_all(&noise(256)).await;
                    let _ = tls.shutdown().await;
                }
                _ => {
                    let (tcp, _) = tls.into_inner();
                    // Zero linger: close sends RST at once (no blocking on drop).
                    #[allow(deprecated)]
                    let _ = tcp.set_linger(Some(Duration::ZERO));
                    drop(tcp);
                }
            }
        }
    }
}

pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// HTTP-level hostility added for the hardening work: one flag each, in front of the apps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hostile2 {
    /// Every API answer to a request with an `Origin` carries a 200 KB
    /// `Access-Control-Allow-Origin` value without a space.
    pub long_header: bool,
    /// The bundle is 2 MB of WebSocket-looking URLs.
    pub ws_flood: bool,
    /// Every API route echoes the request (method, path, headers, body) as JSON, and hands out
    /// a JWT whose header does not encode to `eyJ…`.
    pub echo: bool,
    /// Every route of the API and the frontend (page, bundle, API, preflights, errors) streams
    /// without end.
    pub stream_all: bool,
}

impl Hostile2 {
    /// HTTP/2 clients refuse a 200 KB header block (too many CONTINUATION frames) before any
    /// judging: the long header is served over HTTP/1.1, as a server without h2 would.
    pub fn http1_only(&self) -> bool {
        self.long_header
    }
}

/// The same TLS configuration, offering only HTTP/1.1.
pub fn http1_only(cfg: &Arc<rustls::ServerConfig>) -> Arc<rustls::ServerConfig> {
    let mut c = (**cfg).clone();
    c.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(c)
}

/// Size of the long header value (`hostile-long-header`).
pub const LONG_HEADER: usize = 200 * 1024;
/// Size of the flood bundle (`hostile-ws-flood-bundle`).
pub const FLOOD_BUNDLE: usize = 2 * 1024 * 1024;

use super::http::LabRequest;
use super::LabState;

/// The answer of a [`Hostile2`] behaviour, when one applies to this request.
pub fn http(state: &LabState, req: &LabRequest) -> Option<http::Response<super::http::Body>> {
    let h = state.scenario.hostile_http.more;
    let s = &state.scenario;
    let is_api = req.host == s.names.api;
    let is_front = req.host == s.names.apex || s.names.www.as_deref() == Some(req.host.as_str());
    if h.stream_all && req.https && (is_api || is_front) {
        let ct = if is_api {
            "application/json"
        } else {
            "text/html"
        };
        return Some(super::http::respond_stream(200, ct, u64::MAX / 2));
    }
    if h.long_header && is_api && req.header("origin").is_some() {
        let value = format!("https://{}.test", "x".repeat(LONG_HEADER));
        let status = if req.method == http::Method::OPTIONS {
            204
        } else {
            200
        };
        return Some(super::http::respond(
            status,
            &[
                ("access-control-allow-origin", value),
                (
                    "access-control-allow-headers",
                    "content-type, authorization".into(),
                ),
                ("access-control-allow-methods", "GET, POST, OPTIONS".into()),
                ("content-type", "application/json".into()),
            ],
            if status == 204 { "" } else { "{}" },
        ));
    }
    if h.ws_flood && is_front && req.path == super::frontend::BUNDLE_PATH {
        return Some(super::http::respond(
            200,
            &[("content-type", "application/javascript".into())],
            flood_bundle(),
        ));
    }
    if h.echo && is_api && req.method != http::Method::OPTIONS {
        return Some(echo(req));
    }
    None
}

/// 2 MB of URLs a bundle scanner takes for WebSocket endpoints: distinct hosts, then `ws://a`
/// over and over.
fn flood_bundle() -> Vec<u8> {
    let mut out = String::from("var sockets=[");
    let mut i = 0;
    while out.len() < FLOOD_BUNDLE / 2 {
        out.push_str(&format!("\"ws://h{i}.flood.test/ws/{i}\","));
        i += 1;
    }
    out.push_str("];var s=\"");
    while out.len() < FLOOD_BUNDLE {
        out.push_str("ws://a");
    }
    out.push_str("\";");
    out.into_bytes()
}

/// A JWT whose header is `{ "alg": …` (with a space): it encodes to `eyAi…`, not `eyJ…`.
pub fn odd_jwt() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    format!(
        "{}.{}.{}",
        B64.encode("{ \"alg\": \"HS256\", \"typ\": \"JWT\" }"),
        B64.encode("{ \"user_id\": 1, \"exp\": 4102444800 }"),
        B64.encode("echo-lab-signature-that-must-not-show")
    )
}

/// The request, reflected: what a debugging proxy or a misconfigured echo endpoint returns.
fn echo(req: &LabRequest) -> http::Response<super::http::Body> {
    let headers: serde_json::Map<String, serde_json::Value> = req
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned().into(),
            )
        })
        .collect();
    let body = serde_json::json!({
        "method": req.method.as_str(),
        "path": req.path,
        "headers": headers,
        "body": String::from_utf8_lossy(&req.body),
        "access": odd_jwt(),
    });
    // A POST is refused with the request quoted in the message, as a debugging API might: the
    // login body (with the password, JSON-escaped) comes back in text conncheck shows.
    let (status, body) = if req.method == http::Method::POST {
        let detail = format!("rejected request: {}", String::from_utf8_lossy(&req.body));
        (400, serde_json::json!({ "detail": detail, "echo": body }))
    } else {
        (200, body)
    };
    super::http::respond(
        status,
        &[("content-type", "application/json".into())],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}
