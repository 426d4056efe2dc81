//! The lab's front door: an HTTPS listener that routes by SNI and Host like a hosting
//! platform's proxy (Liara, Traefik), a plain-HTTP listener (the port-80 side), per-response
//! delay, and the request log and counters the benchmark reads.

use super::http::{full, Body, LabRequest};
use super::LabState;
use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Largest request body the lab reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// One served request, for the benchmark's critical-path computation.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Position in the log.
    pub id: usize,
    /// The earlier request whose response this one needed (a token it issued, a URL its page
    /// referenced, the preflight that cleared it): the edges of the critical path.
    pub depends_on: Option<usize>,
    pub conn: u64,
    pub host: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Offsets from lab start.
    pub start: std::time::Duration,
    pub end: std::time::Duration,
}

fn host_of(req: &Request<Incoming>) -> String {
    let raw = req
        .uri()
        .host()
        .map(str::to_string)
        .or_else(|| {
            req.headers()
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let h = if raw.starts_with('[') {
        raw.split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
            .to_string()
    } else {
        raw.split(':').next().unwrap_or("").to_string()
    };
    h.to_ascii_lowercase()
}

async fn handle(
    state: Arc<LabState>,
    req: Request<Incoming>,
    https: bool,
    conn: u64,
) -> Response<Body> {
    let start = state.started.elapsed();
    let host = host_of(&req);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    if !state.delay.is_zero() {
        tokio::time::sleep(state.delay).await;
    }
    let origin = req
        .headers()
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut uses: Vec<String> = vec![format!("path:{host}{path}")];
    // A route the client learnt from a script (`${base}/auth/login/`): any path suffix.
    uses.extend(route_suffixes(&path).map(|r| format!("route:{r}")));
    if let Some(auth) = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        uses.extend(jwt_like(auth.as_bytes()));
    }
    if let Some(q) = req.uri().query() {
        uses.extend(jwt_like(q.as_bytes()));
    }
    if let (Some(o), false) = (&origin, method == Method::OPTIONS) {
        uses.push(format!("preflight:{o}:{host}{path}"));
    }
    let resp = if req
        .headers()
        .get(http::header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"))
    {
        super::ws::handle_upgrade(&state, req, &host).await
    } else {
        let query = req.uri().query().map(str::to_string);
        let headers = req.headers().clone();
        let body = match Limited::new(req.into_body(), MAX_REQUEST_BODY)
            .collect()
            .await
        {
            Ok(b) => b.to_bytes(),
            Err(_) => Bytes::new(),
        };
        uses.extend(jwt_like(&body));
        let lr = LabRequest {
            method: method.clone(),
            path: path.clone(),
            query,
            headers,
            body,
            host: host.clone(),
            https,
            conn,
        };
        super::route(&state, lr).await
    };
    // What this response gives the client that a later request may need.
    let (resp, mut provides) = facts_of(resp, &host).await;
    if let (Some(o), true) = (&origin, method == Method::OPTIONS) {
        provides.push(format!("preflight:{o}:{host}{path}"));
    }
    let end = state.started.elapsed();
    let mut log = state.log.lock().unwrap();
    let mut facts = state.facts.lock().unwrap();
    let id = log.len();
    let depends_on = uses
        .iter()
        .filter_map(|u| facts.get(u))
        .filter(|(_, provided_at)| *provided_at <= start)
        .map(|(i, _)| *i)
        .max_by_key(|i| log.get(*i).map(|e: &LogEntry| e.end));
    for p in provides {
        // The first answer that gave it is the earliest a client could know it.
        facts.entry(p).or_insert((id, end));
    }
    log.push(LogEntry {
        id,
        depends_on,
        conn,
        host,
        method: method.to_string(),
        path,
        status: resp.status().as_u16(),
        start,
        end,
    });
    drop(facts);
    drop(log);
    resp
}

/// The suffixes of a path that start a segment (`/api/v1/auth/login/` → itself, `/v1/auth/login/`,
/// `/auth/login/`, `/login/`): the routes a script may have named relative to its API base.
fn route_suffixes(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(move |(i, _)| &path[i..])
        .filter(|s| s.len() > 1)
}

/// JWT-shaped strings (three base64url parts, starting `eyJ`) in some bytes.
fn jwt_like(b: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(b);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(i) = rest.find("eyJ") {
        let tail = &rest[i..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        let tok = &tail[..len];
        if tok.split('.').count() == 3 {
            out.push(format!("token:{tok}"));
        }
        rest = &tail[len.max(3)..];
    }
    out
}

/// Read a small response's body to learn what it provides (tokens, referenced same-site
/// paths), and give the response back intact. Streams and large bodies are left alone.
async fn facts_of(resp: Response<Body>, host: &str) -> (Response<Body>, Vec<String>) {
    use hyper::body::Body as _;
    let small = resp
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= 4 * 1024 * 1024);
    if !small {
        return (resp, Vec::new());
    }
    let (parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut provides = jwt_like(&bytes);
    let text = String::from_utf8_lossy(&bytes);
    for quote in ['"', '\'', '`'] {
        for piece in text.split(quote).skip(1).step_by(2) {
            // A template's path after its base expression: `${n}/auth/login/`.
            let piece = match piece.rsplit_once('}') {
                Some((_, rest)) if quote == '`' => rest,
                _ => piece,
            };
            if piece.starts_with('/') && !piece.starts_with("//") && piece.len() < 512 {
                let p = piece.split(['?', '#']).next().unwrap_or(piece);
                provides.push(format!("path:{host}{p}"));
                provides.push(format!("route:{p}"));
            }
        }
    }
    (Response::from_parts(parts, full(bytes)), provides)
}

/// Serve HTTPS on `listener`: TLS by SNI, then HTTP/1.1 or HTTP/2 by ALPN.
pub async fn serve_https(
    state: Arc<LabState>,
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _peer)) = listener.accept().await else {
            continue;
        };
        let conn = state.conns.fetch_add(1, Ordering::SeqCst) + 1;
        let (state, acceptor) = (Arc::clone(&state), acceptor.clone());
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let Ok(Ok(tls)) =
                tokio::time::timeout(std::time::Duration::from_secs(30), acceptor.accept(tcp))
                    .await
            else {
                return;
            };
            let sni = tls
                .get_ref()
                .1
                .server_name()
                .unwrap_or("")
                .to_ascii_lowercase();
            *state.handshakes.lock().unwrap().entry(sni).or_default() += 1;
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(state, req, true, conn).await) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection_with_upgrades(TokioIo::new(tls), svc)
                .await;
        });
    }
}

/// Serve plain HTTP on `listener` (the port-80 side, and "not TLS" faults).
pub async fn serve_http(state: Arc<LabState>, listener: TcpListener) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let conn = state.conns.fetch_add(1, Ordering::SeqCst) + 1;
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(state, req, false, conn).await) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection_with_upgrades(TokioIo::new(tcp), svc)
                .await;
        });
    }
}

/// Picks the certificate by SNI, as a platform proxy does.
#[derive(Debug)]
pub struct SniCerts {
    pub by_host: std::collections::HashMap<String, Arc<rustls::sign::CertifiedKey>>,
    pub default: Option<Arc<rustls::sign::CertifiedKey>>,
}

impl rustls::server::ResolvesServerCert for SniCerts {
    fn resolve(
        &self,
        hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        hello
            .server_name()
            .and_then(|n| self.by_host.get(&n.to_ascii_lowercase()).cloned())
            .or_else(|| self.default.clone())
    }
}

pub fn tls_config(certs: SniCerts) -> Arc<rustls::ServerConfig> {
    let mut cfg = rustls::ServerConfig::builder_with_provider(crate::net::tls::provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(certs));
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(cfg)
}

pub fn bound_addr(l: &TcpListener) -> SocketAddr {
    l.local_addr().expect("a bound listener has an address")
}
