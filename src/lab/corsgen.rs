//! Generated server CORS behaviours, for comparing conncheck with a real browser.
//!
//! From a seed, [`generate`] draws cases: how the preflight is answered (status, every
//! `Access-Control-Allow-*` header in its good and broken variants: duplicates, case, `null`,
//! lists, wildcards), how the actual response and each redirect hop are answered, whether the
//! actual request is redirected (301/302/303/307/308, and 300 which is no redirect; same
//! origin, another origin, down to http://, a chain, a loop past Chrome's 20), and whether the
//! page sends credentials. [`CorsGen`] serves them over HTTPS on loopback from a fresh CA, with
//! a page that makes, for each case, the SPA's two calls with XMLHttpRequest (axios' transport):
//! a JSON POST to `/cN/auth/login/` and an authenticated GET to `/cN/auth/profile/`, and reports
//! what the page could read to `/report`. The Chromium differential test (tests/chromium.rs)
//! loads that page in headless Chromium and diagnoses the same cases with conncheck.

use super::dns;
use super::http::Body;
use super::pki::{Ca, CertKind};
use super::server;
use crate::net::dns::Rr;
use anyhow::{Context as _, Result};
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The page's host, the API's, and a foreign host redirects may lead to.
pub const APP: &str = "app.corsgen.test";
pub const API: &str = "api.corsgen.test";
pub const OTHER: &str = "other.corsgen.test";
const LOOPBACK: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);

/// A small deterministic generator (SplitMix64): the same seed gives the same cases anywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Pick by weight.
    pub fn pick<T: Clone>(&mut self, choices: &[(u32, T)]) -> T {
        let total: u32 = choices.iter().map(|(w, _)| w).sum();
        let mut r = (self.next_u64() % u64::from(total.max(1))) as u32;
        for (w, c) in choices {
            if r < *w {
                return c.clone();
            }
            r -= w;
        }
        choices[0].1.clone()
    }
}

/// `Access-Control-Allow-Origin` as a server might send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acao {
    /// The request's Origin (which is `null` after a cross-origin redirect).
    Echo,
    Missing,
    Star,
    /// The page's origin, whatever the request says.
    Page,
    NullLiteral,
    TrailingSlash,
    /// Echo, sent twice.
    Duplicate,
    /// "echo, https://other" in one value.
    List,
    UpperCase,
    Invalid,
    /// `*` and the echo as two header lines.
    StarAndEcho,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acac {
    True,
    Missing,
    Upper,
    False,
    Duplicate,
}

/// `Access-Control-Allow-Methods` / `-Headers` variants, as the header lines they send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List(pub Vec<&'static str>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    SameOrigin,
    CrossOrigin,
    /// The page's own origin (still a cross-origin hop for the request: it taints).
    PageOrigin,
    Http,
    /// Same origin, then another origin.
    Chain,
    /// Same origin, forever.
    Loop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    pub to: Target,
}

/// How one response is answered: status and CORS headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub acao: Acao,
    pub acac: Acac,
}

/// One generated server behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: usize,
    /// The page sends credentials (axios withCredentials) — conncheck's default;
    /// `--no-credentials` otherwise.
    pub credentials: bool,
    pub preflight: Answer,
    pub methods: List,
    pub headers: List,
    pub actual: Answer,
    /// How each redirect response is answered.
    pub hop: Answer,
    /// How a redirect's target on another host answers its preflight and the request (the
    /// API host answers with `preflight` and `actual`).
    pub elsewhere: Answer,
    pub redirect: Option<Redirect>,
}

fn acao(r: &mut Rng, good: u32) -> Acao {
    r.pick(&[
        (good, Acao::Echo),
        (8, Acao::Missing),
        (10, Acao::Star),
        (8, Acao::Page),
        (4, Acao::NullLiteral),
        (4, Acao::TrailingSlash),
        (4, Acao::Duplicate),
        (3, Acao::List),
        (3, Acao::UpperCase),
        (3, Acao::Invalid),
        (3, Acao::StarAndEcho),
    ])
}

fn acac(r: &mut Rng) -> Acac {
    r.pick(&[
        (400, Acac::True),
        (12, Acac::Missing),
        (6, Acac::Upper),
        (6, Acac::False),
        (6, Acac::Duplicate),
    ])
}

fn answer(r: &mut Rng, statuses: &[(u32, u16)], good: u32) -> Answer {
    Answer {
        status: r.pick(statuses),
        acao: acao(r, good),
        acac: acac(r),
    }
}

/// The cases for `seed`.
pub fn generate(seed: u64, count: usize) -> Vec<Case> {
    let mut r = Rng::new(seed);
    (0..count).map(|id| case(&mut r, id)).collect()
}

fn case(r: &mut Rng, id: usize) -> Case {
    let preflight = answer(
        r,
        &[
            (240, 200),
            (120, 204),
            (3, 300),
            (3, 301),
            (2, 307),
            (3, 404),
            (3, 401),
            (3, 500),
        ],
        500,
    );
    let methods = r.pick(&[
        (300, List(vec!["GET, POST, OPTIONS"])),
        (12, List(vec![])),
        (8, List(vec!["*"])),
        (6, List(vec!["get, post"])),
        (5, List(vec!["GET POST"])),
        (5, List(vec!["GET", "POST"])),
    ]);
    let headers = r.pick(&[
        (300, List(vec!["content-type, authorization"])),
        (8, List(vec![])),
        (12, List(vec!["*"])),
        (5, List(vec!["*, authorization"])),
        (5, List(vec!["Content-Type, Authorization"])),
        (7, List(vec!["content-type"])),
        (5, List(vec!["authorization"])),
        (4, List(vec!["content-type; authorization"])),
        (4, List(vec!["content-type", "authorization"])),
    ]);
    let actual = answer(
        r,
        &[(60, 200), (10, 201), (15, 401), (5, 404), (10, 500)],
        300,
    );
    let hop = answer(r, &[(1, 302)], 400);
    let elsewhere = answer(r, &[(60, 200), (10, 204), (10, 401), (10, 500)], 300);
    let redirect = r.pick(&[(50, None), (50, Some(()))]);
    let redirect = redirect.map(|()| Redirect {
        status: r.pick(&[
            (18, 301),
            (18, 302),
            (14, 303),
            (18, 307),
            (18, 308),
            (6, 300),
        ]),
        to: r.pick(&[
            (30, Target::SameOrigin),
            (30, Target::CrossOrigin),
            (10, Target::PageOrigin),
            (15, Target::Http),
            (15, Target::Chain),
            (10, Target::Loop),
        ]),
    });
    Case {
        id,
        credentials: r.pick(&[(75, true), (25, false)]),
        preflight,
        methods,
        headers,
        actual,
        hop,
        elsewhere,
        redirect,
    }
}

/// The `Access-Control-Allow-Origin` lines for `spec` to a request carrying `origin`.
fn acao_lines(spec: Acao, origin: Option<&str>, page: &str) -> Vec<String> {
    let echo = origin.unwrap_or("").to_string();
    match spec {
        Acao::Echo if origin.is_some() => vec![echo],
        Acao::Echo | Acao::Missing => vec![],
        Acao::Star => vec!["*".into()],
        Acao::Page => vec![page.into()],
        Acao::NullLiteral => vec!["null".into()],
        Acao::TrailingSlash => vec![format!("{page}/")],
        Acao::Duplicate => vec![echo.clone(), echo],
        Acao::List => vec![format!("{echo}, https://{OTHER}")],
        Acao::UpperCase => vec![page.to_ascii_uppercase()],
        Acao::Invalid => vec![APP.into()],
        Acao::StarAndEcho => vec!["*".into(), echo],
    }
}

fn acac_lines(spec: Acac) -> Vec<&'static str> {
    match spec {
        Acac::True => vec!["true"],
        Acac::Missing => vec![],
        Acac::Upper => vec!["TRUE"],
        Acac::False => vec!["false"],
        Acac::Duplicate => vec!["true", "true"],
    }
}

/// Where the generated server stands.
#[derive(Debug, Clone)]
pub struct Ports {
    pub https: u16,
    pub http: u16,
}

impl Ports {
    pub fn origin(&self, host: &str) -> String {
        format!("https://{host}:{}", self.https)
    }
}

/// A request as the generated server sees it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub host: String,
    pub path: String,
    pub origin: Option<String>,
    pub https: bool,
}

/// What to answer: status and headers (the body is a small JSON document).
pub fn respond_to(case: &Case, req: &Seen, ports: &Ports) -> (u16, Vec<(String, String)>) {
    let page = ports.origin(APP);
    let origin = req.origin.as_deref();
    let mut h: Vec<(String, String)> = vec![("cache-control".into(), "no-store".into())];
    let cors = |h: &mut Vec<(String, String)>, a: &Answer| {
        for v in acao_lines(a.acao, origin, &page) {
            h.push(("access-control-allow-origin".into(), v));
        }
        for v in acac_lines(a.acac) {
            h.push(("access-control-allow-credentials".into(), v.into()));
        }
    };
    let away = req.host != API;
    if req.method == "OPTIONS" {
        let a = if away {
            &case.elsewhere
        } else {
            &case.preflight
        };
        cors(&mut h, a);
        for v in &case.methods.0 {
            h.push(("access-control-allow-methods".into(), v.to_string()));
        }
        for v in &case.headers.0 {
            h.push(("access-control-allow-headers".into(), v.to_string()));
        }
        let status = if away { 204 } else { a.status };
        if (300..400).contains(&status) {
            h.push(("location".into(), format!("{}x", req.path)));
        }
        return (status, h);
    }
    if let Some(next) = next_hop(case, req, ports) {
        cors(&mut h, &case.hop);
        h.push(("location".into(), next));
        let status = case.redirect.map_or(302, |r| r.status);
        return (status, h);
    }
    let a = if away { &case.elsewhere } else { &case.actual };
    cors(&mut h, a);
    h.push(("content-type".into(), "application/json".into()));
    (a.status, h)
}

/// Where a redirected path leads, when this request is one of the redirecting hops.
fn next_hop(case: &Case, req: &Seen, ports: &Ports) -> Option<String> {
    let r = case.redirect?;
    let (call, rest) = call_path(&req.path)?;
    let base = format!("/c{}/auth/{call}/", case.id);
    let same = |p: &str| format!("{}{base}{p}", ports.origin(API));
    let on_api = req.host == API && req.https;
    match (r.to, rest) {
        (_, "") if on_api => Some(match r.to {
            Target::SameOrigin => same("next"),
            Target::CrossOrigin => format!("{}{base}next", ports.origin(OTHER)),
            Target::PageOrigin => format!("{}{base}next", ports.origin(APP)),
            Target::Http => format!("http://{API}:{}{base}next", ports.http),
            Target::Chain => same("hop2"),
            Target::Loop => same("loop/1"),
        }),
        (Target::Chain, "hop2") if on_api => Some(format!("{}{base}next", ports.origin(OTHER))),
        (Target::Loop, l) if on_api && l.starts_with("loop/") => {
            let n: u32 = l["loop/".len()..].parse().ok()?;
            Some(same(&format!("loop/{}", n + 1)))
        }
        _ => None,
    }
}

/// `/cN/auth/<call>/<rest>` → (call, rest).
pub fn call_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/c")?;
    let (_, rest) = rest.split_once("/auth/")?;
    rest.split_once('/')
}

/// The case a path belongs to.
pub fn case_of(path: &str) -> Option<usize> {
    path.strip_prefix("/c")?.split('/').next()?.parse().ok()
}

/// One call's outcome as the page saw it: the XHR status (0 when the browser blocked it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReport {
    pub case: usize,
    pub call: String,
    pub status: u16,
}

/// The page: for each case, the JSON POST then the authenticated GET, as axios sends them,
/// each reported to `/report`; `/done` at the end.
pub fn page_html(cases: &[Case], ports: &Ports) -> String {
    let list: String = cases
        .iter()
        .map(|c| format!("[{},{}]", c.id, c.credentials))
        .collect::<Vec<_>>()
        .join(",");
    let api = ports.origin(API);
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>corsgen</title></head><body><script>
var cases = [{list}];
var calls = [["login", "POST"], ["profile", "GET"]];
function report(q, then) {{
  var r = new XMLHttpRequest(); r.open("GET", "/report?" + q);
  r.onloadend = then; r.send();
}}
function one(i, j) {{
  if (i >= cases.length) {{ report("done=1", function () {{}}); return; }}
  if (j >= calls.length) {{ one(i + 1, 0); return; }}
  var c = cases[i], call = calls[j], x = new XMLHttpRequest();
  x.open(call[1], "{api}/c" + c[0] + "/auth/" + call[0] + "/");
  x.withCredentials = c[1];
  x.timeout = 15000;
  x.setRequestHeader("Accept", "application/json, text/plain, */*");
  if (call[1] === "POST") x.setRequestHeader("Content-Type", "application/json");
  else x.setRequestHeader("Authorization", "Bearer corsgen");
  x.onloadend = function () {{
    report("case=" + c[0] + "&call=" + call[0] + "&status=" + x.status, function () {{ one(i, j + 1); }});
  }};
  x.send(call[1] === "POST" ? '{{"username":"u","password":"p"}}' : null);
}}
one(0, 0);
</script></body></html>"#
    )
}

/// The generated server, running.
pub struct CorsGen {
    pub cases: Arc<Vec<Case>>,
    pub ports: Ports,
    pub dns_addr: SocketAddr,
    pub ca_pem: String,
    pub ca_file: PathBuf,
    pub reports: Arc<Mutex<Vec<PageReport>>>,
    pub done: Arc<tokio::sync::Notify>,
    dir: PathBuf,
    tasks: Vec<JoinHandle<()>>,
}

struct State {
    cases: Arc<Vec<Case>>,
    ports: Ports,
    page: String,
    reports: Arc<Mutex<Vec<PageReport>>>,
    done: Arc<tokio::sync::Notify>,
}

impl CorsGen {
    /// Serve `cases` on loopback: HTTPS for the three hosts, plain HTTP for http:// targets,
    /// a DNS server for conncheck, and the CA in a file under `dir`.
    pub async fn start(cases: Vec<Case>, dir: PathBuf) -> Result<CorsGen> {
        let any = SocketAddr::new(IpAddr::V4(LOOPBACK), 0);
        let tls_l = TcpListener::bind(any)
            .await
            .context("corsgen: bind HTTPS")?;
        let http_l = TcpListener::bind(any).await.context("corsgen: bind HTTP")?;
        let ports = Ports {
            https: server::bound_addr(&tls_l).port(),
            http: server::bound_addr(&http_l).port(),
        };
        let ca = Ca::new(None)?;
        let mut by_host = HashMap::new();
        for h in [APP, API, OTHER] {
            by_host.insert(h.to_string(), ca.issue(h, &CertKind::Good)?.certified_key());
        }
        let tls = server::tls_config(server::SniCerts {
            by_host,
            default: None,
        });
        let cases = Arc::new(cases);
        let state = Arc::new(State {
            page: page_html(&cases, &ports),
            cases: Arc::clone(&cases),
            ports: ports.clone(),
            reports: Arc::default(),
            done: Arc::default(),
        });
        let mut zone = dns::DnsData::default();
        zone.zones.push(dns::ZoneSoa {
            apex: dns::fqdn("corsgen.test"),
            serial: 1,
            ns: vec![dns::fqdn("ns.corsgen.test")],
        });
        for h in [APP, API, OTHER, "ns.corsgen.test"] {
            zone.add(h, 60, Rr::A(LOOPBACK));
        }
        let (udp, tcp, dns_addr) = dns::bind(any).await.context("corsgen: bind DNS")?;
        std::fs::create_dir_all(&dir)?;
        let ca_file = dir.join("corsgen-ca.pem");
        std::fs::write(&ca_file, ca.root_pem())?;
        let tasks = vec![
            tokio::spawn(serve_tls(Arc::clone(&state), tls_l, tls)),
            tokio::spawn(serve_plain(Arc::clone(&state), http_l)),
            tokio::spawn(dns::serve(udp, tcp, Arc::new(zone))),
        ];
        Ok(CorsGen {
            reports: Arc::clone(&state.reports),
            done: Arc::clone(&state.done),
            cases,
            ports,
            dns_addr,
            ca_pem: ca.root_pem(),
            ca_file,
            dir,
            tasks,
        })
    }

    pub fn page_url(&self) -> String {
        format!("{}/", self.ports.origin(APP))
    }

    /// conncheck's target for one case: the API base whose `auth/login/` is the case's.
    pub fn target(&self, case: &Case) -> String {
        format!("{}/c{}", self.ports.origin(API), case.id)
    }

    pub fn shutdown(self) {
        for t in &self.tasks {
            t.abort();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn serve_tls(state: Arc<State>, l: TcpListener, tls: Arc<rustls::ServerConfig>) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = l.accept().await else {
            continue;
        };
        let (state, acceptor) = (Arc::clone(&state), acceptor.clone());
        tokio::spawn(async move {
            let Ok(Ok(tls)) =
                tokio::time::timeout(std::time::Duration::from_secs(30), acceptor.accept(tcp))
                    .await
            else {
                return;
            };
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(&state, req, true)) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), svc)
                .await;
        });
    }
}

async fn serve_plain(state: Arc<State>, l: TcpListener) {
    loop {
        let Ok((tcp, _)) = l.accept().await else {
            continue;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(&state, req, false)) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tcp), svc)
                .await;
        });
    }
}

fn handle(state: &State, req: Request<Incoming>, https: bool) -> Response<Body> {
    let host = req
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(req.uri().host())
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = req.uri().path().to_string();
    if host == APP && case_of(&path).is_none() {
        return page_side(state, &path, req.uri().query().unwrap_or(""));
    }
    let seen = Seen {
        method: req.method().as_str().to_string(),
        host,
        path,
        origin: req
            .headers()
            .get(http::header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        https,
    };
    let Some(case) = case_of(&seen.path).and_then(|i| state.cases.get(i)) else {
        return super::http::respond(404, &[], "{}");
    };
    let (status, headers) = respond_to(case, &seen, &state.ports);
    let headers: Vec<(&str, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect();
    super::http::respond(status, &headers, "{\"ok\":true}")
}

fn page_side(state: &State, path: &str, query: &str) -> Response<Body> {
    let html = || vec![("content-type", "text/html; charset=utf-8".to_string())];
    match path {
        "/" => super::http::respond(200, &html(), state.page.clone()),
        "/report" => {
            let q: HashMap<&str, &str> = query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            if q.contains_key("done") {
                state.done.notify_one();
            } else if let (Some(case), Some(call), Some(status)) = (
                q.get("case").and_then(|c| c.parse().ok()),
                q.get("call"),
                q.get("status").and_then(|s| s.parse().ok()),
            ) {
                state.reports.lock().unwrap().push(PageReport {
                    case,
                    call: call.to_string(),
                    status,
                });
            }
            super::http::respond(204, &[], "")
        }
        _ => super::http::respond(404, &html(), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports() -> Ports {
        Ports {
            https: 8443,
            http: 8080,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_cases_and_covers_the_space() {
        let a = generate(17, 200);
        assert_eq!(a, generate(17, 200));
        assert_ne!(a, generate(18, 200));
        let redirects: Vec<Redirect> = a.iter().filter_map(|c| c.redirect).collect();
        for t in [
            Target::SameOrigin,
            Target::CrossOrigin,
            Target::PageOrigin,
            Target::Http,
            Target::Chain,
            Target::Loop,
        ] {
            assert!(redirects.iter().any(|r| r.to == t), "{t:?}");
        }
        for s in [300, 301, 302, 303, 307, 308] {
            assert!(redirects.iter().any(|r| r.status == s), "{s}");
        }
        assert!(a.iter().any(|c| !c.credentials) && a.iter().any(|c| c.credentials));
        assert!(a.iter().any(|c| c.preflight.acao == Acao::Duplicate));
    }

    #[test]
    fn hops_lead_where_the_case_says() {
        let mut c = generate(1, 1).remove(0);
        let seen = |host: &str, path: &str| Seen {
            method: "GET".into(),
            host: host.into(),
            path: path.into(),
            origin: Some("https://app.corsgen.test:8443".into()),
            https: true,
        };
        c.redirect = Some(Redirect {
            status: 307,
            to: Target::Chain,
        });
        let p = ports();
        assert_eq!(
            next_hop(&c, &seen(API, "/c0/auth/login/"), &p).as_deref(),
            Some("https://api.corsgen.test:8443/c0/auth/login/hop2")
        );
        assert_eq!(
            next_hop(&c, &seen(API, "/c0/auth/login/hop2"), &p).as_deref(),
            Some("https://other.corsgen.test:8443/c0/auth/login/next")
        );
        assert_eq!(next_hop(&c, &seen(OTHER, "/c0/auth/login/next"), &p), None);
        c.redirect = Some(Redirect {
            status: 302,
            to: Target::Loop,
        });
        assert_eq!(
            next_hop(&c, &seen(API, "/c0/auth/profile/loop/7"), &p).as_deref(),
            Some("https://api.corsgen.test:8443/c0/auth/profile/loop/8")
        );
        let (status, h) = respond_to(&c, &seen(API, "/c0/auth/profile/"), &p);
        assert_eq!(status, 302);
        assert!(h.iter().any(|(n, _)| n == "location"));
        assert_eq!(case_of("/c12/auth/login/next"), Some(12));
        assert_eq!(call_path("/c12/auth/login/next"), Some(("login", "next")));
    }
}
