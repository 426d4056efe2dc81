//! The lab: a real deployment on loopback. A DNS server for the `.test` zones, a CA made at
//! start-up, an HTTPS proxy routing by SNI/Host to a REST API (Django REST framework by default,
//! or answering like Express, FastAPI or Flask: [`shape`]) and a React-style frontend, and a
//! plain-HTTP side. Used by `conncheck demo`, `conncheck lab` and the tests.

pub mod auth;
pub mod corsgen;
pub mod django;
pub mod dns;
pub mod drf;
pub mod frontend;
pub mod hostile;
pub mod http;
pub mod pki;
pub mod scenarios;
pub mod server;
pub mod shape;
pub mod ws;

use crate::cli::RunArgs;
use crate::net::dns::Rr;
use crate::target::Credentials;
use anyhow::{Context as _, Result};
use http::LabRequest;
use scenarios::Scenario;
use server::LogEntry;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use scenarios::all as scenarios_all;

/// The proxy's address; every HTTPS host of the lab resolves here unless a scenario says not.
pub const PROXY_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
/// The second nameserver's address.
pub const NS2_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
/// Where "not TLS" hosts are served (plain HTTP on the HTTPS port).
pub const PLAIN_ON_TLS_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);
/// Where a hostile API host is served.
pub const HOSTILE_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 6);
/// Another site, for off-site redirects.
pub const EVIL_HOST: &str = "evil.lab.test";

#[derive(Debug, Clone, Default)]
pub struct LabOptions {
    pub delay_ms: u64,
}

/// State shared by the lab's servers.
pub struct LabState {
    pub scenario: Scenario,
    pub https_port: u16,
    pub http_port: u16,
    pub started: Instant,
    pub delay: Duration,
    pub log: Mutex<Vec<LogEntry>>,
    /// Facts served so far (token, referenced path, cleared preflight) → (log id, when).
    pub facts: Mutex<HashMap<String, (usize, Duration)>>,
    pub conns: AtomicU64,
    pub handshakes: Mutex<HashMap<String, u64>>,
    /// Refresh-token ids blacklisted after rotation (simplejwt's token_blacklist app).
    pub blacklist: Mutex<std::collections::HashSet<String>>,
    /// Every token the API issued, so tests can prove none leaks into conncheck's output.
    pub issued: Mutex<Vec<String>>,
    pub intermediate_der: Vec<u8>,
    /// What reached the off-site capture endpoint (method, headers, body), for leak tests.
    pub captured: Mutex<Vec<String>>,
}

impl LabState {
    /// Expand `{port}` to `:PORT` (nothing for 443).
    pub fn expand(&self, s: &str) -> String {
        expand_port(s, self.https_port)
    }

    /// "https://host{port}" for a lab host.
    pub fn https_url(&self, host: &str) -> String {
        self.expand(&format!("https://{host}{{port}}"))
    }
}

pub fn expand_port(s: &str, port: u16) -> String {
    let p = if port == 443 {
        String::new()
    } else {
        format!(":{port}")
    };
    s.replace("{port}", &p)
}

/// Dispatch a request to the app that owns its host.
pub async fn route(state: &LabState, req: LabRequest) -> ::http::Response<http::Body> {
    let s = &state.scenario;
    if req.path == "/r1.der" && req.host == "ca.lab.test" {
        return http::respond(
            200,
            &[("content-type", "application/pkix-cert".into())],
            state.intermediate_der.clone(),
        );
    }
    if let Some(resp) = hostile_http(state, &req) {
        return resp;
    }
    if !req.https && state.scenario.http_redirect && !state.scenario.not_tls.contains(&req.host) {
        // SECURE_SSL_REDIRECT / the proxy's HTTP→HTTPS redirect.
        let mut loc = format!("{}{}", state.https_url(&req.host), req.path);
        if let Some(q) = &req.query {
            loc.push('?');
            loc.push_str(q);
        }
        return http::respond(
            301,
            &[("location", loc), ("content-type", "text/html".into())],
            "",
        );
    }
    if req.host == s.names.api || req.host == s.names.platform {
        django::handle(state, &req).await
    } else if req.host == s.names.apex || s.names.www.as_deref() == Some(req.host.as_str()) {
        frontend::handle(state, &req)
    } else {
        http::respond(
            404,
            &[("content-type", "text/html".into())],
            format!(
                "<html><body><h1>404</h1><p>No app is connected to {}.</p></body></html>",
                req.host
            ),
        )
    }
}

/// The hostile HTTP layer in front of the apps (scenarios `hostile-*`).
fn hostile_http(state: &LabState, req: &LabRequest) -> Option<::http::Response<http::Body>> {
    if let Some(resp) = hostile::http(state, req) {
        return Some(resp);
    }
    let h = &state.scenario.hostile_http;
    let s = &state.scenario;
    let is_api = req.host == s.names.api;
    let is_front = req.host == s.names.apex || s.names.www.as_deref() == Some(req.host.as_str());
    if req.host == EVIL_HOST {
        let mut seen = format!("{} {}", req.method, req.path);
        for (n, v) in &req.headers {
            seen.push_str(&format!(" {}={}", n, String::from_utf8_lossy(v.as_bytes())));
        }
        seen.push_str(&format!(" body={}", String::from_utf8_lossy(&req.body)));
        state.captured.lock().unwrap().push(seen);
        return Some(http::respond(
            200,
            &[("content-type", "text/plain".into())],
            "captured",
        ));
    }
    if h.huge
        && req.https
        && ((is_api && req.path == "/health/")
            || (is_front && (req.path == "/" || req.path == frontend::BUNDLE_PATH)))
    {
        let ct = if is_api {
            "application/json"
        } else if req.path == "/" {
            "text/html"
        } else {
            "application/javascript"
        };
        return Some(http::respond_stream(200, ct, 1 << 30));
    }
    if h.redirect_loop
        && req.https
        && req.method != ::http::Method::OPTIONS
        && (is_api || (is_front && req.path == "/"))
    {
        let next = if req.path.ends_with("/loop/") {
            req.path.trim_end_matches("loop/").to_string()
        } else {
            format!("{}loop/", req.path)
        };
        return Some(http::respond(302, &[("location", next)], ""));
    }
    if h.offsite && req.https && is_api && req.method != ::http::Method::OPTIONS {
        let loc = format!("{}{}", state.https_url(EVIL_HOST), req.path);
        return Some(http::respond(307, &[("location", loc)], ""));
    }
    if h.login_to_http
        && is_api
        && req.method == ::http::Method::POST
        && req.path.ends_with("/auth/login/")
    {
        let loc = format!("http://{EVIL_HOST}:{}/capture", state.http_port);
        return Some(http::respond(307, &[("location", loc)], ""));
    }
    if let (Some(bad), true) = (
        h.bad_json,
        is_api && req.method == ::http::Method::POST && req.path.ends_with("/auth/login/"),
    ) {
        let body: Vec<u8> = match bad {
            scenarios::BadJson::Invalid => {
                b"{\"access\": \"eyJ0eXAi, \"refresh\": }<html>".to_vec()
            }
            scenarios::BadJson::Huge => {
                let mut v = b"{\"padding\": \"".to_vec();
                v.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
                v.extend_from_slice(b"\", \"access\": \"x\"}");
                v
            }
            scenarios::BadJson::WrongType => {
                b"{\"access\": 12345, \"refresh\": [\"not\", \"a\", \"token\"]}".to_vec()
            }
        };
        return Some(http::respond(
            200,
            &[("content-type", "application/json".into())],
            body,
        ));
    }
    if h.escape && req.https && is_api && req.method != ::http::Method::OPTIONS {
        let body = serde_json::json!({"detail": "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mYOU HAVE BEEN HACKED\u{1b}[0m\r\u{8}\u{8}ok<img src=x onerror=alert(1)><script>alert(2)</script>", "code": "\u{1b}]8;;http://evil.example/\u{7}click\u{1b}]8;;\u{7}"});
        return Some(http::respond(
            418,
            &[
                ("content-type", "application/json".into()),
                ("server", "nginx\u{9b}31m".into()),
            ],
            serde_json::to_vec(&body).unwrap_or_default(),
        ));
    }
    None
}

/// A running lab.
pub struct Lab {
    pub scenario: Scenario,
    pub state: Arc<LabState>,
    pub dns_addr: SocketAddr,
    pub dns2_addr: Option<SocketAddr>,
    pub ca_pem: String,
    pub ca_file: PathBuf,
    tasks: Vec<JoinHandle<()>>,
    _tmp: TempDir,
}

/// A temp directory removed on drop.
struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> Result<TempDir> {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id() as u64);
    let dir = std::env::temp_dir().join(format!("conncheck-lab-{:016x}", h.finish()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(TempDir(dir))
}

impl Lab {
    /// Start every server of the scenario on loopback.
    pub async fn start(scenario: Scenario, opts: LabOptions) -> Result<Lab> {
        let s = &scenario;
        let https = TcpListener::bind(SocketAddr::new(IpAddr::V4(PROXY_IP), 0))
            .await
            .context("lab: cannot bind the HTTPS proxy")?;
        let https_port = server::bound_addr(&https).port();
        let http = TcpListener::bind(SocketAddr::new(IpAddr::V4(PROXY_IP), 0))
            .await
            .context("lab: cannot bind the HTTP side")?;
        let http_port = server::bound_addr(&http).port();

        let ca = pki::Ca::new(Some(format!("http://ca.lab.test:{http_port}/r1.der")))?;
        let mut by_host = HashMap::new();
        for host in s.https_hosts() {
            let kind = s.certs.get(&host).cloned().unwrap_or_default();
            by_host.insert(host.clone(), ca.issue(&host, &kind)?.certified_key());
        }
        by_host.insert(
            EVIL_HOST.to_string(),
            ca.issue(EVIL_HOST, &pki::CertKind::Good)?.certified_key(),
        );
        let hostile_tls = match s.hostile {
            Some(_) => {
                let key = ca
                    .issue(&s.names.api, &pki::CertKind::Good)?
                    .certified_key();
                let mut m = HashMap::new();
                m.insert(s.names.api.clone(), Arc::clone(&key));
                let mut cfg = (*server::tls_config(server::SniCerts {
                    by_host: m,
                    default: Some(key),
                }))
                .clone();
                cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
                Some(Arc::new(cfg))
            }
            None => None,
        };
        let mut tls = server::tls_config(server::SniCerts {
            by_host,
            default: None,
        });
        if s.hostile_http.more.http1_only() {
            tls = hostile::http1_only(&tls);
        }

        let state = Arc::new(LabState {
            scenario: scenario.clone(),
            https_port,
            http_port,
            started: Instant::now(),
            delay: Duration::from_millis(opts.delay_ms),
            log: Mutex::default(),
            facts: Mutex::default(),
            conns: AtomicU64::new(0),
            handshakes: Mutex::default(),
            blacklist: Mutex::default(),
            issued: Mutex::default(),
            intermediate_der: ca.intermediate_der().to_vec(),
            captured: Mutex::default(),
        });

        let mut tasks = Vec::new();
        tasks.push(tokio::spawn(server::serve_https(
            Arc::clone(&state),
            https,
            tls,
        )));
        tasks.push(tokio::spawn(server::serve_http(Arc::clone(&state), http)));
        if !s.not_tls.is_empty() {
            let plain = TcpListener::bind(SocketAddr::new(IpAddr::V4(PLAIN_ON_TLS_IP), https_port))
                .await
                .context(
                    "lab: cannot bind 127.0.0.3 (the lab needs the 127.0.0.0/8 loopback range)",
                )?;
            tasks.push(tokio::spawn(server::serve_http(Arc::clone(&state), plain)));
        }

        if let (Some(kind), Some(cfg)) = (s.hostile, hostile_tls) {
            let l = hostile::bind(SocketAddr::new(IpAddr::V4(HOSTILE_IP), https_port))
                .await
                .context(
                    "lab: cannot bind 127.0.0.6 (the lab needs the 127.0.0.0/8 loopback range)",
                )?;
            tasks.push(tokio::spawn(hostile::serve(l, kind, cfg)));
        }

        // DNS: the primary (resolver and ns1) and a secondary (ns2) on the same port.
        let (udp, tcp, dns_addr) = dns::bind(SocketAddr::new(IpAddr::V4(PROXY_IP), 0))
            .await
            .context("lab: cannot bind DNS")?;
        let (primary, secondary) = zone_data(s);
        tasks.push(tokio::spawn(dns::serve(udp, tcp, Arc::new(primary))));
        let dns2_addr = match dns::bind(SocketAddr::new(IpAddr::V4(NS2_IP), dns_addr.port())).await
        {
            Ok((udp2, tcp2, a)) => {
                tasks.push(tokio::spawn(dns::serve(udp2, tcp2, Arc::new(secondary))));
                Some(a)
            }
            Err(_) => None,
        };

        let tmp = temp_dir()?;
        let ca_file = tmp.0.join("lab-ca.pem");
        std::fs::write(&ca_file, ca.root_pem()).context("lab: cannot write the CA file")?;
        Ok(Lab {
            scenario,
            state,
            dns_addr,
            dns2_addr,
            ca_pem: ca.root_pem(),
            ca_file,
            tasks,
            _tmp: tmp,
        })
    }

    pub fn https_port(&self) -> u16 {
        self.state.https_port
    }

    /// The TARGET for this lab.
    pub fn target(&self) -> String {
        format!("{}/api/v1", self.state.https_url(&self.scenario.names.api))
    }

    /// The origins the SPA is served from.
    pub fn origins(&self) -> Vec<String> {
        let mut v = vec![self.state.https_url(&self.scenario.names.apex)];
        if let Some(w) = &self.scenario.names.www {
            v.push(self.state.https_url(w));
        }
        v
    }

    /// The demo user's credentials (wrong on purpose in `jwt-wrong-password`).
    pub fn credentials(&self) -> Credentials {
        let j = &self.scenario.api.jwt;
        let password = if self.scenario.wrong_password {
            format!("{}-wrong", j.password)
        } else {
            j.password.clone()
        };
        Credentials {
            username: j.username.clone(),
            password,
        }
    }

    /// Every conncheck argument that points it at this lab (target first).
    pub fn args(&self) -> Vec<String> {
        let mut v = vec![
            self.target(),
            "--resolver".into(),
            self.dns_addr.to_string(),
            "--ca-cert".into(),
            self.ca_file.display().to_string(),
            "--http-port".into(),
            self.state.http_port.to_string(),
            "--ns-port".into(),
            self.dns_addr.port().to_string(),
        ];
        for o in self.origins() {
            v.push("--origin".into());
            v.push(o);
        }
        v.extend(self.scenario.args.iter().map(|a| self.state.expand(a)));
        v
    }

    /// Fill a diagnosis' flags with what points at this lab; flags the user gave win.
    pub fn apply(&self, run: &mut RunArgs) -> String {
        if run.resolvers.is_empty() {
            run.resolvers.push(self.dns_addr.to_string());
        }
        run.ca_certs.push(self.ca_file.clone());
        if run.http_port == 80 {
            run.http_port = self.state.http_port;
        }
        if run.ns_port == 53 {
            run.ns_port = self.dns_addr.port();
        }
        if run.origins.is_empty() {
            run.origins = self.origins();
        }
        // The lab lives on loopback: a proxy from the environment cannot reach it.
        if run.proxy.is_none() {
            run.no_proxy = true;
        }
        let extra: Vec<String> = self
            .scenario
            .args
            .iter()
            .map(|a| self.state.expand(a))
            .collect();
        let mut it = extra.iter();
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--expect-cname" => {
                    run.expect_cname = run.expect_cname.take().or(it.next().cloned())
                }
                "--websocket" => run.websocket = run.websocket.take().or(it.next().cloned()),
                "--websocket-token" => {
                    run.websocket_token = run.websocket_token.take().or(it.next().cloned())
                }
                "--frontend" => run.frontend.extend(it.next().cloned()),
                "--no-credentials" => run.no_credentials = true,
                "--timeout" => {
                    if let Some(t) = it.next().and_then(|t| t.parse().ok()) {
                        if run.timeout == 10.0 {
                            run.timeout = t;
                        }
                    }
                }
                _ => {}
            }
        }
        self.target()
    }

    /// A shell command line that diagnoses this lab.
    pub fn command_line(&self) -> String {
        let c = self.credentials();
        let quote = |s: &str| {
            if s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:@=".contains(c))
            {
                s.to_string()
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        };
        let args: Vec<String> = self.args().iter().map(|a| quote(a)).collect();
        format!(
            "CONNCHECK_USERNAME={} CONNCHECK_PASSWORD={} conncheck {}",
            quote(&c.username),
            quote(&c.password),
            args.join(" ")
        )
    }

    /// Lines describing where things are.
    pub fn describe(&self) -> Vec<String> {
        let mut v = vec![
            format!(
                "DNS     {} (ns1){}",
                self.dns_addr,
                self.dns2_addr
                    .map(|a| format!(", {a} (ns2)"))
                    .unwrap_or_default()
            ),
            format!(
                "HTTPS   {}:{} (API {} · frontend {})",
                PROXY_IP, self.state.https_port, self.scenario.names.api, self.scenario.names.apex
            ),
            format!(
                "HTTP    {}:{} (the port-80 side)",
                PROXY_IP, self.state.http_port
            ),
            format!("CA      {}", self.ca_file.display()),
        ];
        if let Some(ws) = &self.scenario.websocket {
            v.push(format!(
                "WS      wss://{}{}",
                ws.host,
                self.state.expand(&format!("{{port}}{}", ws.path))
            ));
        }
        v
    }

    /// The request log so far.
    pub fn log(&self) -> Vec<LogEntry> {
        self.state.log.lock().unwrap().clone()
    }

    /// Forget the request log and counters (between benchmark runs).
    pub fn reset_stats(&self) {
        self.state.log.lock().unwrap().clear();
        self.state.facts.lock().unwrap().clear();
        self.state.handshakes.lock().unwrap().clear();
        self.state
            .conns
            .store(0, std::sync::atomic::Ordering::SeqCst);
    }

    /// The longest chain of requests each of which needed the previous one's answer, as the
    /// lab observed it: (its duration, the chain).
    pub fn critical_path(&self) -> (Duration, Vec<LogEntry>) {
        critical_path(&self.log())
    }

    pub fn connections(&self) -> u64 {
        self.state.conns.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn handshakes(&self) -> HashMap<String, u64> {
        self.state.handshakes.lock().unwrap().clone()
    }

    pub async fn shutdown(self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Longest dependency chain in a request log: each request's duration plus its dependency's
/// chain. The time a perfectly parallel client would need, whatever it did.
pub fn critical_path(log: &[LogEntry]) -> (Duration, Vec<LogEntry>) {
    let mut best: Vec<(Duration, Option<usize>)> = Vec::with_capacity(log.len());
    for e in log {
        let own = e.end.saturating_sub(e.start);
        let before = e
            .depends_on
            .and_then(|d| best.get(d))
            .map(|b| b.0)
            .unwrap_or_default();
        best.push((own + before, e.depends_on));
    }
    let Some((mut i, (total, _))) = best
        .iter()
        .enumerate()
        .max_by_key(|(_, b)| b.0)
        .map(|(i, b)| (i, *b))
    else {
        return (Duration::ZERO, Vec::new());
    };
    let mut chain = vec![log[i].clone()];
    while let Some(d) = best[i].1 {
        chain.push(log[d].clone());
        i = d;
    }
    chain.reverse();
    (total, chain)
}

/// The zone data of the primary and the secondary nameserver.
fn zone_data(s: &Scenario) -> (dns::DnsData, dns::DnsData) {
    let mut d = dns::DnsData {
        behavior: s.dns.behavior.clone(),
        ..Default::default()
    };
    let ttl = s.dns.ttl;
    let serial = 2026112201;
    let apex = s.names.apex.clone();
    let ns = [format!("ns1.{apex}"), format!("ns2.{apex}")];
    d.zones.push(dns::ZoneSoa {
        apex: dns::fqdn(&apex),
        serial,
        ns: ns.iter().map(|n| dns::fqdn(n)).collect(),
    });
    let platform_zone = s
        .names
        .platform
        .split_once('.')
        .map(|(_, z)| z.to_string())
        .unwrap_or_default();
    d.zones.push(dns::ZoneSoa {
        apex: dns::fqdn(&platform_zone),
        serial,
        ns: ns.iter().map(|n| dns::fqdn(n)).collect(),
    });
    // An API on its own domain branch (plane-api.mohdop vs plane.mohdop) lives in the parent zone.
    let api_zone = s
        .names
        .api
        .split_once('.')
        .map(|(_, z)| z.to_string())
        .unwrap_or_default();
    if !s.names.api.ends_with(&format!(".{apex}")) && api_zone != platform_zone {
        d.zones.push(dns::ZoneSoa {
            apex: dns::fqdn(&api_zone),
            serial,
            ns: ns.iter().map(|n| dns::fqdn(n)).collect(),
        });
    }
    d.zones.push(dns::ZoneSoa {
        apex: dns::fqdn("lab.test"),
        serial,
        ns: ns.iter().map(|n| dns::fqdn(n)).collect(),
    });
    d.add(&ns[0], 3600, Rr::A(PROXY_IP));
    d.add(&ns[1], 3600, Rr::A(NS2_IP));
    d.add("ca.lab.test", ttl, Rr::A(PROXY_IP));
    for host in s.https_hosts() {
        let ip = if s.not_tls.contains(&host) {
            PLAIN_ON_TLS_IP
        } else if s.hostile.is_some() && host == s.names.api {
            HOSTILE_IP
        } else {
            PROXY_IP
        };
        d.add(&host, ttl, Rr::A(ip));
    }
    d.add(EVIL_HOST, ttl, Rr::A(PROXY_IP));
    if let Some((head, n)) = &s.dns.long_chain {
        let link = |i: usize| format!("c{i}.chain.{apex}");
        d.set(head, ttl, vec![Rr::Cname(dns::fqdn(&link(1)))]);
        for i in 1..*n {
            d.set(&link(i), ttl, vec![Rr::Cname(dns::fqdn(&link(i + 1)))]);
        }
        d.set(&link(*n), ttl, vec![Rr::A(PROXY_IP)]);
    }
    if let Some(target) = &s.dns.api_cname {
        d.set(&s.names.api, ttl, vec![Rr::Cname(dns::fqdn(target))]);
    }
    for ip in &s.dns.extra_api_addrs {
        if let IpAddr::V4(v4) = ip {
            d.add(&s.names.api, ttl, Rr::A(*v4));
        }
    }
    for n in &s.dns.nxdomain {
        d.remove(n);
    }
    let mut secondary = d.clone();
    if let Some((old, old_ttl)) = s.dns.stale_secondary {
        if let IpAddr::V4(v4) = old {
            secondary.set(&s.names.api, old_ttl, vec![Rr::A(v4)]);
        }
        for z in &mut secondary.zones {
            z.serial -= 1;
        }
    }
    (d, secondary)
}
