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

/// The (name, value) pairs of `Set-Cookie` header values (attributes dropped, empty ones
/// skipped).
pub fn cookies_of(set_cookies: &[String]) -> Vec<(String, String)> {
    set_cookies
        .iter()
        .filter_map(|c| {
            let pair = c.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            let (name, value) = (name.trim(), value.trim().trim_matches('"'));
            (!name.is_empty() && !value.is_empty()).then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

/// The `Cookie` header a browser sends back with these cookies.
pub fn cookie_header(cookies: &[(String, String)]) -> Option<String> {
    let pairs: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
    (!pairs.is_empty()).then(|| pairs.join("; "))
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
    /// Every header as (lower-case name, value as text, trimmed), in the order received.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| {
                let v = String::from_utf8_lossy(v.as_bytes()).trim().to_string();
                (n.as_str().to_ascii_lowercase(), v)
            })
            .collect()
    }
    /// The first `n` bytes of the body, as text (lossy).
    pub fn body_start(&self, n: usize) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(n)]).into_owned()
    }
    /// The cookies the answer sets, as (name, value).
    pub fn cookies(&self) -> Vec<(String, String)> {
        cookies_of(&self.header_all("set-cookie"))
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

/// Which proxy the client goes through, as a browser on this machine would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyChoice {
    /// `HTTPS_PROXY`/`HTTP_PROXY` (or lower case) with `NO_PROXY`, as Chrome on Linux reads them
    /// when no desktop setting overrides.
    #[default]
    Env,
    /// `--no-proxy`: connect directly.
    Off,
    /// `--proxy URL`: every request through it (`NO_PROXY` still honoured).
    Url(String),
}

/// A proxy in use, for the report: where it came from and its URL without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUse {
    pub url: String,
    pub source: &'static str,
}

impl fmt::Display for ProxyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "through the proxy {} ({})", self.url, self.source)
    }
}

/// Chrome never sends loopback through a proxy (net/proxy_resolution/proxy_bypass_rules.cc,
/// the implicit `<-loopback>` rule).
const LOOPBACK_BYPASS: &str = "localhost,127.0.0.0/8,::1";

fn first_env(names: &[&'static str]) -> Option<(String, &'static str)> {
    names.iter().find_map(|n| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (v.trim().to_string(), *n))
    })
}

/// The URL shown in the report: no user name or password.
pub fn shown(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => "(an unparsable proxy URL)".to_string(),
    }
}

/// Check a `--proxy` value: an http:// or https:// URL (the error never shows credentials).
pub fn check_proxy_url(url: &str) -> anyhow::Result<()> {
    match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(_) => anyhow::bail!(
            "--proxy {}: give an http://HOST:PORT or https://HOST:PORT proxy",
            shown(url)
        ),
        Err(e) => anyhow::bail!("--proxy: not a URL ({e})"),
    }
}

/// The proxies for `choice`, and what to say about them.
pub fn proxies(choice: &ProxyChoice) -> anyhow::Result<(Vec<reqwest::Proxy>, Option<ProxyUse>)> {
    let no_proxy = || {
        let env = first_env(&["NO_PROXY", "no_proxy"]).map(|(v, _)| v);
        let list = match env {
            Some(v) => format!("{v},{LOOPBACK_BYPASS}"),
            None => LOOPBACK_BYPASS.to_string(),
        };
        reqwest::NoProxy::from_string(&list)
    };
    let https = first_env(&["HTTPS_PROXY", "https_proxy"]);
    let http = first_env(&["HTTP_PROXY", "http_proxy"]);
    match choice {
        ProxyChoice::Off => Ok((Vec::new(), None)),
        ProxyChoice::Url(u) => {
            let p = reqwest::Proxy::all(u.as_str())
                .map_err(|e| anyhow::anyhow!("--proxy {}: {e}", shown(u)))?
                .no_proxy(no_proxy());
            Ok((
                vec![p],
                Some(ProxyUse {
                    url: shown(u),
                    source: "--proxy",
                }),
            ))
        }
        ProxyChoice::Env => {
            let mut v = Vec::new();
            let mut used = None;
            if let Some((u, name)) = &http {
                v.push(
                    reqwest::Proxy::http(u.as_str())
                        .map_err(|e| anyhow::anyhow!("{name} {}: {e}", shown(u)))?
                        .no_proxy(no_proxy()),
                );
                used = Some(ProxyUse {
                    url: shown(u),
                    source: name,
                });
            }
            if let Some((u, name)) = &https {
                v.push(
                    reqwest::Proxy::https(u.as_str())
                        .map_err(|e| anyhow::anyhow!("{name} {}: {e}", shown(u)))?
                        .no_proxy(no_proxy()),
                );
                used = Some(ProxyUse {
                    url: shown(u),
                    source: name,
                });
            }
            Ok((v, used))
        }
    }
}

/// The shared client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    /// The proxy requests go through (`None`: direct).
    pub proxy: Option<ProxyUse>,
    pub timeout: Duration,
    trust: TrustStore,
    /// Issuer downloads for incomplete chains, shared with the TLS module.
    pub aia: Arc<AiaFetcher>,
    /// The run's resolver, asked whether a host may be contacted at all (IP literals too).
    dns: Arc<DnsClient>,
    /// Hosts that answered 429: their next requests wait for a short Retry-After.
    backoff: Arc<super::backoff::HostBackoff>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpClient(timeout {:?})", self.timeout)
    }
}

impl HttpClient {
    /// A client that connects directly.
    pub fn new(
        dns: Arc<DnsClient>,
        trust: &TrustStore,
        timeout: Duration,
    ) -> anyhow::Result<HttpClient> {
        HttpClient::with_proxy(dns, trust, timeout, &ProxyChoice::Off)
    }

    /// A client that goes through the proxy a browser on this machine would use.
    pub fn with_proxy(
        dns: Arc<DnsClient>,
        trust: &TrustStore,
        timeout: Duration,
        proxy: &ProxyChoice,
    ) -> anyhow::Result<HttpClient> {
        let tls = trust.client_config(&[b"h2", b"http/1.1"]);
        let (list, used) = proxies(proxy)?;
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .dns_resolver(Arc::new(ReqwestResolver(Arc::clone(&dns))))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .no_proxy()
            .connector_layer(super::coalesce::CoalesceLayer::default());
        for p in list {
            builder = builder.proxy(p);
        }
        let client = builder.build()?;
        Ok(HttpClient {
            backoff: Arc::default(),
            client,
            proxy: used,
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
            let host = host.to_string();
            self.backoff.wait(&host).await;
            let mut ex = match tokio::time::timeout(step, self.send_completing(&current)).await {
                // reqwest's own (connect) timeout does not say how long it waited: we know.
                Ok(Err(NetError::Timeout(d))) if d.is_zero() => {
                    return Err(NetError::Timeout(step))
                }
                Ok(r) => r?,
                Err(_) => return Err(NetError::Timeout(step)),
            };
            if ex.status.as_u16() == 429 {
                let after = ex
                    .header("retry-after")
                    .and_then(|v| super::backoff::retry_after_secs(&v));
                self.backoff.note_429(&host, after);
            }
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
