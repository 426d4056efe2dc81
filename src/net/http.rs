//! The one HTTP client of a run: reqwest over rustls with our resolver and trust store, one
//! connection pool (so every module reuses the same connection per host), no automatic
//! redirects (a browser follows some and refuses others; each module decides), bounded bodies,
//! and every failure turned into a [`NetError`] that names the phase and Chrome's `net::ERR_*`.

use super::aia::AiaFetcher;
use super::dns::{DnsClient, DnsError, ReqwestResolver};
use super::tls::TrustStore;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

pub const USER_AGENT: &str = concat!("conncheck/", env!("CARGO_PKG_VERSION"));
/// Default cap on a response body conncheck reads (JSON, HTML).
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;
/// Cap on the body of a CORS request (a preflight, or a request carrying `Origin`): CORS is
/// judged on headers, so only a short prefix is kept, whatever the server streams.
pub const CORS_MAX_BODY: usize = 16 * 1024;
/// Redirects a browser follows before giving up (Chrome's limit is 20).
pub const MAX_REDIRECTS: usize = 20;

/// What went wrong on the network, by phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Dns(DnsError),
    ConnectRefused(String),
    ConnectTimeout(String),
    /// The certificate was rejected; the string is rustls' reason.
    TlsCert {
        kind: CertProblem,
        reason: String,
    },
    /// The TLS handshake failed for a protocol reason (not TLS at all, an alert, a reset).
    TlsProtocol(String),
    Reset(String),
    /// The server closed the connection without answering.
    EmptyResponse(String),
    /// The answer was not HTTP.
    Protocol(String),
    /// No complete answer within the step timeout.
    Timeout(Duration),
    TooManyRedirects(Vec<String>),
    Other(String),
}

/// Why a certificate was rejected, in the categories browsers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProblem {
    UntrustedIssuer,
    WrongHost,
    Expired,
    NotYetValid,
    Other,
}

impl NetError {
    /// The error Chrome shows for this failure (net_error_list.h).
    pub fn chrome_error(&self) -> &'static str {
        match self {
            NetError::Dns(_) => "net::ERR_NAME_NOT_RESOLVED",
            NetError::ConnectRefused(_) => "net::ERR_CONNECTION_REFUSED",
            NetError::ConnectTimeout(_) => "net::ERR_CONNECTION_TIMED_OUT",
            NetError::TlsCert { kind, .. } => match kind {
                CertProblem::UntrustedIssuer => "net::ERR_CERT_AUTHORITY_INVALID",
                CertProblem::WrongHost => "net::ERR_CERT_COMMON_NAME_INVALID",
                CertProblem::Expired | CertProblem::NotYetValid => "net::ERR_CERT_DATE_INVALID",
                CertProblem::Other => "net::ERR_CERT_INVALID",
            },
            NetError::TlsProtocol(_) => "net::ERR_SSL_PROTOCOL_ERROR",
            NetError::Reset(_) => "net::ERR_CONNECTION_RESET",
            NetError::EmptyResponse(_) => "net::ERR_EMPTY_RESPONSE",
            NetError::Protocol(_) => "net::ERR_INVALID_HTTP_RESPONSE",
            NetError::Timeout(_) => "net::ERR_TIMED_OUT",
            NetError::TooManyRedirects(_) => "net::ERR_TOO_MANY_REDIRECTS",
            NetError::Other(_) => "net::ERR_FAILED",
        }
    }

    /// The checklist row that owns this root cause, when it is another module's.
    pub fn owning_row(&self) -> Option<&'static str> {
        match self {
            NetError::Dns(_) => Some("dns.resolve"),
            NetError::ConnectRefused(_) | NetError::ConnectTimeout(_) => Some("dns.reach"),
            NetError::TlsCert { kind, .. } => Some(match kind {
                CertProblem::UntrustedIssuer => "tls.chain",
                CertProblem::WrongHost => "tls.hostname",
                CertProblem::Expired | CertProblem::NotYetValid => "tls.expiry",
                CertProblem::Other => "tls.chain",
            }),
            NetError::TlsProtocol(_) => Some("tls.handshake"),
            _ => None,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, NetError::Timeout(_) | NetError::ConnectTimeout(_))
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Dns(e) => write!(f, "DNS: {e}"),
            NetError::ConnectRefused(a) => write!(f, "connection refused by {a}"),
            NetError::ConnectTimeout(a) => write!(f, "connection to {a} timed out"),
            NetError::TlsCert { reason, .. } => write!(f, "TLS: certificate rejected: {reason}"),
            NetError::TlsProtocol(r) => write!(f, "TLS handshake failed: {r}"),
            NetError::Reset(r) => write!(f, "connection reset: {r}"),
            NetError::EmptyResponse(r) => write!(f, "connection closed without a response: {r}"),
            NetError::Protocol(r) => write!(f, "not a valid HTTP response: {r}"),
            NetError::Timeout(d) => write!(
                f,
                "no complete response within {:.1} s (timed out)",
                d.as_secs_f64()
            ),
            NetError::TooManyRedirects(hops) => {
                write!(f, "too many redirects ({} hops)", hops.len())
            }
            NetError::Other(r) => write!(f, "{r}"),
        }
    }
}

impl std::error::Error for NetError {}

/// How a request treats redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Return the 3xx as it is (preflights, API calls whose redirect is itself the finding).
    Manual,
    /// Follow like a browser navigation, up to [`MAX_REDIRECTS`]; credentials and bodies never
    /// cross to another origin or down to plain HTTP.
    Follow,
}

/// A request as a module describes it.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
    pub max_body: usize,
    pub redirects: Redirects,
    /// Override the run's per-step timeout.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    pub fn new(method: Method, url: Url) -> HttpRequest {
        // A preflight's body means nothing; HEAD has none.
        let max_body = if method == Method::OPTIONS || method == Method::HEAD {
            CORS_MAX_BODY
        } else {
            DEFAULT_MAX_BODY
        };
        HttpRequest {
            method,
            url,
            headers: Vec::new(),
            body: None,
            max_body,
            redirects: Redirects::Manual,
            timeout: None,
        }
    }
    pub fn get(url: Url) -> HttpRequest {
        HttpRequest::new(Method::GET, url)
    }
    pub fn header(mut self, name: &str, value: &str) -> HttpRequest {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            // A CORS request reads a capped prefix unless its module asked for more.
            if n == http::header::ORIGIN && self.max_body == DEFAULT_MAX_BODY {
                self.max_body = CORS_MAX_BODY;
            }
            self.headers.push((n, v));
        }
        self
    }
    pub fn json_body(mut self, body: &serde_json::Value) -> HttpRequest {
        self.body = Some(Bytes::from(serde_json::to_vec(body).unwrap_or_default()));
        self.header("content-type", "application/json")
    }
    pub fn body(mut self, body: impl Into<Bytes>) -> HttpRequest {
        self.body = Some(body.into());
        self
    }
    pub fn follow(mut self) -> HttpRequest {
        self.redirects = Redirects::Follow;
        self
    }
    pub fn max_body(mut self, n: usize) -> HttpRequest {
        self.max_body = n;
        self
    }
    pub fn timeout(mut self, t: Duration) -> HttpRequest {
        self.timeout = Some(t);
        self
    }
}

/// One redirect hop seen while following.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: String,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: Method,
    /// The URL of the final response (after followed redirects).
    pub url: Url,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub version: http::Version,
    pub body: Bytes,
    /// True when the body was longer than the cap and reading stopped there.
    pub truncated: bool,
    pub elapsed: Duration,
    pub hops: Vec<Hop>,
}

impl Exchange {
    /// All values of a header, as text (lossy), in the order received.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }
    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }
    pub fn is_json(&self) -> bool {
        let ct = self.content_type().to_ascii_lowercase();
        ct.contains("json")
    }
    pub fn is_html(&self) -> bool {
        let ct = self.content_type().to_ascii_lowercase();
        ct.contains("text/html")
            || (ct.is_empty() && self.body_text().trim_start().starts_with('<'))
    }
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
    /// "HTTP 200 application/json, 312 bytes in 41 ms"
    pub fn summary(&self) -> String {
        let ct = self.content_type();
        let ct = ct.split(';').next().unwrap_or("").trim();
        format!(
            "HTTP {}{}, {}{} bytes in {} ms",
            self.status.as_u16(),
            if ct.is_empty() {
                String::new()
            } else {
                format!(" {ct}")
            },
            if self.truncated { "over " } else { "" },
            self.body.len(),
            self.elapsed.as_millis()
        )
    }
}

/// The shared client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    pub timeout: Duration,
    trust: TrustStore,
    /// Issuer downloads for incomplete chains, shared with the TLS module.
    pub aia: Arc<AiaFetcher>,
    /// The run's resolver, asked whether a host may be contacted at all (IP literals too).
    dns: Arc<DnsClient>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpClient(timeout {:?})", self.timeout)
    }
}

impl HttpClient {
    pub fn new(
        dns: Arc<DnsClient>,
        trust: &TrustStore,
        timeout: Duration,
    ) -> anyhow::Result<HttpClient> {
        let tls = trust.client_config(&[b"h2", b"http/1.1"]);
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .dns_resolver(Arc::new(ReqwestResolver(Arc::clone(&dns))))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .no_proxy()
            .connector_layer(super::coalesce::CoalesceLayer::default())
            .build()?;
        Ok(HttpClient {
            client,
            timeout,
            trust: trust.clone(),
            aia: Arc::default(),
            dns,
        })
    }

    /// The underlying client, for plain downloads (AIA issuers) that share the pool.
    pub fn raw(&self) -> &reqwest::Client {
        &self.client
    }

    /// Like Chrome, complete a chain the server sent without its intermediate by fetching the
    /// issuer named in the leaf's AIA extension; true when the intermediate was learnt and a
    /// retry can succeed.
    async fn learn_missing_intermediate(&self, url: &Url) -> bool {
        let Some(host) = url
            .host_str()
            .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
        else {
            return false;
        };
        let Some(leaf) = self.trust.unknown_issuer_leaf(&host) else {
            return false;
        };
        match super::aia::complete_chain(
            &self.aia,
            &self.client,
            &self.trust,
            std::slice::from_ref(&leaf),
            &host,
            rustls::pki_types::UnixTime::now(),
            self.timeout,
        )
        .await
        {
            Ok(issuer) => {
                self.trust.learn_intermediate(issuer);
                true
            }
            Err(_) => false,
        }
    }

    /// Send a request; follow redirects when asked, like a browser.
    pub async fn send(&self, req: HttpRequest) -> Result<Exchange, NetError> {
        let step = req.timeout.unwrap_or(self.timeout);
        let start = Instant::now();
        let mut hops = Vec::new();
        let mut current = req;
        loop {
            // IP literals never reach the resolver: the allow-list is asked here too.
            let host = current.url.host_str().unwrap_or("");
            if !self.dns.allows(host) {
                return Err(NetError::Dns(DnsError::NotAllowed(host.to_string())));
            }
            let mut ex = match tokio::time::timeout(step, self.send_completing(&current)).await {
                // reqwest's own (connect) timeout does not say how long it waited: we know.
                Ok(Err(NetError::Timeout(d))) if d.is_zero() => {
                    return Err(NetError::Timeout(step))
                }
                Ok(r) => r?,
                Err(_) => return Err(NetError::Timeout(step)),
            };
            if current.redirects == Redirects::Manual || !ex.status.is_redirection() {
                ex.hops = hops;
                ex.elapsed = start.elapsed();
                return Ok(ex);
            }
            let Some(location) = ex.header("location") else {
                ex.hops = hops;
                return Ok(ex);
            };
            let Ok(next) = current.url.join(location.trim()) else {
                ex.hops = hops;
                return Ok(ex);
            };
            hops.push(Hop {
                url: current.url.to_string(),
                status: ex.status.as_u16(),
                location: next.to_string(),
            });
            if hops.len() > MAX_REDIRECTS {
                return Err(NetError::TooManyRedirects(
                    hops.into_iter().map(|h| h.url).collect(),
                ));
            }
            current = redirected(&current, ex.status, next);
        }
    }

    /// One request; after an unknown-issuer failure, one retry once AIA supplied the issuer.
    async fn send_completing(&self, req: &HttpRequest) -> Result<Exchange, NetError> {
        match self.send_once(req).await {
            Err(NetError::TlsCert {
                kind: CertProblem::UntrustedIssuer,
                reason,
            }) if req.url.scheme() == "https" => {
                if self.learn_missing_intermediate(&req.url).await {
                    self.send_once(req).await
                } else {
                    Err(NetError::TlsCert {
                        kind: CertProblem::UntrustedIssuer,
                        reason,
                    })
                }
            }
            other => other,
        }
    }

    async fn send_once(&self, req: &HttpRequest) -> Result<Exchange, NetError> {
        let start = Instant::now();
        let mut rb = self.client.request(req.method.clone(), req.url.clone());
        for (n, v) in &req.headers {
            rb = rb.header(n, v);
        }
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let mut resp = rb.send().await.map_err(|e| classify(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let version = resp.version();
        let mut body = BytesMut::new();
        let mut truncated = false;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = req.max_body.saturating_sub(body.len());
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(&e)),
            }
        }
        Ok(Exchange {
            method: req.method.clone(),
            url: req.url.clone(),
            status,
            headers,
            version,
            body: body.freeze(),
            truncated,
            elapsed: start.elapsed(),
            hops: Vec::new(),
        })
    }
}

/// The request a browser makes after a redirect (Fetch standard, HTTP-redirect fetch):
/// 301/302 turn POST into GET, 303 turns everything but HEAD into GET and drops the body;
/// `Authorization` is removed when the origin changes; the body never goes to another origin
/// or to plain HTTP.
fn redirected(prev: &HttpRequest, status: StatusCode, next: Url) -> HttpRequest {
    let mut req = prev.clone();
    let same_origin = prev.url.origin() == next.origin();
    let downgrade = prev.url.scheme() == "https" && next.scheme() == "http";
    let s = status.as_u16();
    if ((s == 301 || s == 302) && req.method == Method::POST)
        || (s == 303 && req.method != Method::HEAD)
    {
        req.method = Method::GET;
        req.body = None;
        req.headers.retain(|(n, _)| n != http::header::CONTENT_TYPE);
    }
    if !same_origin || downgrade {
        req.body = None;
        req.headers
            .retain(|(n, _)| n != http::header::AUTHORIZATION && n != http::header::COOKIE);
    }
    req.url = next;
    req
}

/// Turn reqwest's error chain into a [`NetError`]: the one place that digs the io, rustls and
/// DNS errors out of library wrappers.
pub fn classify(e: &reqwest::Error) -> NetError {
    let url = e
        .url()
        .map(|u| u.host_str().unwrap_or("").to_string())
        .unwrap_or_default();
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut text = Vec::new();
    while let Some(s) = src {
        if let Some(d) = s.downcast_ref::<DnsError>() {
            return NetError::Dns(d.clone());
        }
        if let Some(t) = s.downcast_ref::<rustls::Error>() {
            return classify_rustls(t);
        }
        if let Some(mut io) = s.downcast_ref::<std::io::Error>() {
            // reqwest's connector wraps tokio-rustls' io::Error in another io::Error, and
            // io::Error::source skips the wrapped error: unwrap by hand.
            while let Some(inner) = io.get_ref() {
                if let Some(t) = inner.downcast_ref::<rustls::Error>() {
                    return classify_rustls(t);
                }
                match inner.downcast_ref::<std::io::Error>() {
                    Some(i) => io = i,
                    None => break,
                }
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return NetError::ConnectRefused(url),
                std::io::ErrorKind::TimedOut => return NetError::ConnectTimeout(url),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe => {
                    return NetError::Reset(io.to_string())
                }
                std::io::ErrorKind::UnexpectedEof => {
                    return NetError::EmptyResponse(io.to_string());
                }
                _ => {}
            }
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_parse() || h.is_parse_status() {
                return NetError::Protocol(h.to_string());
            }
            if h.is_incomplete_message() {
                return NetError::EmptyResponse(h.to_string());
            }
        }
        text.push(s.to_string());
        src = s.source();
    }
    let joined = text.join(": ");
    if e.is_timeout() {
        return NetError::Timeout(Duration::ZERO);
    }
    if joined.contains("connection closed before message completed") {
        return NetError::EmptyResponse(joined);
    }
    if joined.contains("tls handshake eof")
        || joined.contains("InvalidContentType")
        || joined.contains("received corrupt message")
    {
        return NetError::TlsProtocol(joined);
    }
    if e.is_connect() {
        return NetError::Other(format!("cannot connect to {url}: {joined}"));
    }
    NetError::Other(joined)
}

/// Map a rustls error to what a browser would report.
pub fn classify_rustls(e: &rustls::Error) -> NetError {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => {
            let kind = match c {
                C::UnknownIssuer | C::BadSignature => CertProblem::UntrustedIssuer,
                C::NotValidForName | C::NotValidForNameContext { .. } => CertProblem::WrongHost,
                C::Expired | C::ExpiredContext { .. } => CertProblem::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => CertProblem::NotYetValid,
                _ => CertProblem::Other,
            };
            NetError::TlsCert {
                kind,
                reason: describe_cert_error(c),
            }
        }
        other => NetError::TlsProtocol(other.to_string()),
    }
}

fn describe_cert_error(c: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match c {
        C::UnknownIssuer => {
            "issuer not trusted (unknown CA, self-signed, or a missing intermediate)".into()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "certificate is not valid for this host name".into()
        }
        C::Expired | C::ExpiredContext { .. } => "certificate has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "certificate is not valid yet".into(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(url: &str) -> HttpRequest {
        HttpRequest::new(Method::POST, Url::parse(url).unwrap())
            .header("authorization", "Bearer x")
            .json_body(&serde_json::json!({"a": 1}))
    }

    #[test]
    fn redirect_to_other_host_drops_credentials_and_body() {
        let next = Url::parse("https://evil.test/x").unwrap();
        let r = redirected(
            &post("https://api.test/login/"),
            StatusCode::TEMPORARY_REDIRECT,
            next,
        );
        assert_eq!(r.method, Method::POST);
        assert!(r.body.is_none());
        assert!(!r
            .headers
            .iter()
            .any(|(n, _)| n == http::header::AUTHORIZATION));
    }

    #[test]
    fn redirect_to_http_drops_credentials() {
        let next = Url::parse("http://api.test/login/").unwrap();
        let r = redirected(
            &post("https://api.test/login/"),
            StatusCode::PERMANENT_REDIRECT,
            next,
        );
        assert!(r.body.is_none());
        assert!(!r
            .headers
            .iter()
            .any(|(n, _)| n == http::header::AUTHORIZATION));
    }

    #[test]
    fn same_origin_307_keeps_method_and_body_but_301_turns_post_into_get() {
        let next = Url::parse("https://api.test/login/").unwrap();
        let r = redirected(
            &post("https://api.test/login"),
            StatusCode::TEMPORARY_REDIRECT,
            next.clone(),
        );
        assert_eq!(r.method, Method::POST);
        assert!(r.body.is_some());
        let r = redirected(
            &post("https://api.test/login"),
            StatusCode::MOVED_PERMANENTLY,
            next,
        );
        assert_eq!(r.method, Method::GET);
        assert!(r.body.is_none());
    }
}
