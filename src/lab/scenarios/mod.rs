//! Scenarios are data: a healthy TikTrue-shaped deployment, and each fault as a small change to
//! it. Host names are `.test`; `{port}` in any string becomes `:PORT` of the lab's HTTPS proxy
//! (empty when it is 443), so the same scenario reads like the real deployment.

mod cors;
mod cors_seed;
pub mod csrf;
mod discovery;
mod dns;
mod endpoints;
mod frameworks;
mod frontend;
mod hostile;
mod https;
mod jwt;
mod plane_seed;
mod profiles;
pub mod seed;
mod stacks;
mod tls;

use super::dns::DnsBehavior;
use super::pki::CertKind;
use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The lab's host names.
#[derive(Debug, Clone)]
pub struct Names {
    pub api: String,
    pub apex: String,
    pub www: Option<String>,
    /// The platform's name for the backend app (a CNAME target).
    pub platform: String,
}

#[derive(Debug, Clone)]
pub struct DnsSpec {
    pub ttl: u32,
    /// api → CNAME this name → the proxy address.
    pub api_cname: Option<String>,
    /// Names that do not exist.
    pub nxdomain: Vec<String>,
    /// More A records for the API host (e.g. a dead old server).
    pub extra_api_addrs: Vec<IpAddr>,
    /// The second nameserver still serves this old address for the API host, with this TTL and
    /// an older zone serial.
    pub stale_secondary: Option<(IpAddr, u32)>,
    pub behavior: DnsBehavior,
    /// This name is the head of a CNAME chain this long.
    pub long_chain: Option<(String, usize)>,
}

impl Default for DnsSpec {
    fn default() -> Self {
        DnsSpec {
            ttl: 300,
            api_cname: None,
            nxdomain: vec![],
            extra_api_addrs: vec![],
            stale_secondary: None,
            behavior: DnsBehavior::Normal,
            long_chain: None,
        }
    }
}

/// simplejwt as the lab's API runs it.
#[derive(Debug, Clone)]
pub struct JwtSpec {
    pub secret: String,
    pub verify_signature: bool,
    pub accept_alg_none: bool,
    pub refresh_route: bool,
    pub rotate_refresh: bool,
    pub blacklist_after_rotation: bool,
    pub access_lifetime_s: i64,
    pub refresh_lifetime_s: i64,
    pub username: String,
    pub password: String,
    /// Login answers `{"user":…, "tokens": {"access","refresh"}}` (TikTrue) rather than
    /// simplejwt's top-level `{"access","refresh"}`.
    pub nested_tokens: bool,
    /// The login reads exactly this field for the user (`email`, as an Express app's
    /// `req.body.email`) and answers 400 "email and password are required" without it; `None`:
    /// simplejwt's `username` (or `email`).
    pub login_field: Option<String>,
    /// The refresh token is an httpOnly cookie (`Set-Cookie: refresh=…; HttpOnly`), not in the
    /// login's JSON, and the refresh route reads it from the cookie.
    pub refresh_cookie: bool,
}

impl Default for JwtSpec {
    fn default() -> Self {
        JwtSpec {
            secret: "lab-3x9QeVr7wYtL2mKcP8sZ1uHdNfGbJ4aE6oXiRy0TqW5vBn".into(),
            verify_signature: true,
            accept_alg_none: false,
            refresh_route: true,
            rotate_refresh: true,
            blacklist_after_rotation: true,
            access_lifetime_s: 24 * 3600,
            refresh_lifetime_s: 30 * 24 * 3600,
            username: "demo@tiktrue.test".into(),
            password: "lab-demo-Passw0rd!".into(),
            nested_tokens: true,
            login_field: None,
            refresh_cookie: false,
        }
    }
}

/// The Django REST API behind the platform proxy.
#[derive(Debug, Clone)]
pub struct ApiSpec {
    /// django-cors-headers CORS_ALLOWED_ORIGINS.
    pub allowed_origins: Vec<String>,
    pub allow_all_origins: bool,
    pub allow_credentials: bool,
    /// A hand-written middleware that echoes any Origin (the classic misconfiguration).
    pub reflect_any_origin: bool,
    /// The proxy (nginx `add_header Access-Control-Allow-Origin *`) answers `*` to every
    /// origin, whatever CORS_ALLOW_CREDENTIALS says.
    pub wildcard_origin: bool,
    pub allow_headers: Vec<String>,
    pub allow_methods: Vec<String>,
    pub max_age: Option<u32>,
    pub vary_origin: bool,
    /// The proxy adds its own Access-Control-Allow-Origin too (nginx add_header).
    pub proxy_adds_acao: Option<String>,
    /// Preflights are redirected (an SSL or APPEND_SLASH redirect in front of CORS).
    pub options_redirect: bool,
    /// CorsMiddleware is listed after CommonMiddleware: APPEND_SLASH answers a preflight to a
    /// path missing its trailing slash with a redirect before CORS headers are added.
    pub cors_after_common: bool,
    /// The proxy answers every non-OPTIONS request with this status, without CORS headers.
    pub proxy_error: Option<u16>,
    /// Maintenance mode: the proxy answers every non-OPTIONS request with an HTML 503
    /// "Down for maintenance" page and `Retry-After` this many seconds.
    pub maintenance: Option<u64>,
    /// The API host is in ALLOWED_HOSTS.
    pub host_allowed: bool,
    pub debug: bool,
    /// The database is down: views that touch it answer 500.
    pub db_down: bool,
    /// Paths (under the API base, as in the endpoint map) that answer 404.
    pub missing: Vec<String>,
    /// More authenticated JSON GET routes under the API base (`workspaces/` for Plane): 401
    /// without a token, 200 with one.
    pub extra_routes: Vec<String>,
    /// Other URLs for the same views, `(alias, route)` under the API base: simplejwt's own
    /// `token/` for `auth/login/`, say.
    pub aliases: Vec<(String, String)>,
    pub setup_exposed: bool,
    /// SessionAuthentication comes first in DEFAULT_AUTHENTICATION_CLASSES: DRF answers 403
    /// without WWW-Authenticate where 401 belongs.
    pub session_auth_first: bool,
    pub hsts: Option<String>,
    pub secure_cookies: bool,
    /// The admin login page also starts a session (`sessionid`), as an app that stores
    /// something for every visitor does.
    pub session_cookie: bool,
    pub jwt: JwtSpec,
    /// The framework the API answers like: its 404 pages, its CORS package's behaviour.
    pub framework: super::shape::Framework,
    /// The seed documents' pitfalls (issue 20).
    pub seed: seed::SeedFaults,
    /// What the API says about itself (drf-spectacular's schema, DRF's OPTIONS metadata).
    pub drf: crate::lab::drf::DrfExtras,
    /// A CSRF check in front of the login (a cookie-session SPA).
    pub csrf: csrf::CsrfSpec,
}

impl Default for ApiSpec {
    fn default() -> Self {
        ApiSpec {
            allowed_origins: vec![
                "http://localhost:3000".into(),
                "http://127.0.0.1:3000".into(),
                "https://tiktrue.test{port}".into(),
                "https://www.tiktrue.test{port}".into(),
                "https://tiktrue-frontend.liara.test{port}".into(),
            ],
            allow_all_origins: false,
            allow_credentials: true,
            reflect_any_origin: false,
            wildcard_origin: false,
            allow_headers: [
                "accept",
                "authorization",
                "content-type",
                "user-agent",
                "x-csrftoken",
                "x-requested-with",
            ]
            .map(String::from)
            .to_vec(),
            allow_methods: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]
                .map(String::from)
                .to_vec(),
            max_age: Some(86400),
            vary_origin: true,
            proxy_adds_acao: None,
            options_redirect: false,
            cors_after_common: false,
            proxy_error: None,
            maintenance: None,
            host_allowed: true,
            debug: false,
            db_down: false,
            missing: vec![],
            extra_routes: vec![],
            aliases: vec![],
            setup_exposed: false,
            session_auth_first: false,
            hsts: Some("max-age=31536000; includeSubDomains; preload".into()),
            secure_cookies: true,
            session_cookie: false,
            jwt: JwtSpec::default(),
            framework: super::shape::Framework::Django,
            seed: seed::SeedFaults::default(),
            drf: Default::default(),
            csrf: csrf::CsrfSpec::default(),
        }
    }
}

/// The single-page app on the frontend origin.
#[derive(Debug, Clone)]
pub struct FrontendSpec {
    /// REACT_APP_API_BASE_URL as baked into the bundle.
    pub api_url: String,
    /// Extra markup in <head> (e.g. an http:// script).
    pub extra_head: String,
    /// Extra markup at the end of <body> (e.g. an http:// image).
    pub extra_body: String,
    pub csp: Option<String>,
    /// Bytes of padding in the bundle (for size caps).
    pub bundle_padding: usize,
    /// A WebSocket URL the bundle embeds.
    pub ws_url: Option<String>,
    /// The query parameter the app opens that socket with its access token in
    /// (`new WebSocket(`${url}?token=${t}`)`, as Plane's live client does).
    pub ws_token_param: Option<String>,
    /// The hashed bundle index.html references is not deployed (the SPA catch-all answers
    /// for it with index.html, as `try_files $uri /index.html` does).
    pub bundle_missing: bool,
    pub hsts: Option<String>,
    /// The app's own minified code instead of the TikTrue bundle (`{api}` becomes `api_url`).
    pub script: Option<String>,
    /// More script files the frontend serves (lazy chunks the bundle loads), by path; `{api}`
    /// becomes `api_url`.
    pub chunks: Vec<(String, String)>,
}

impl Default for FrontendSpec {
    fn default() -> Self {
        FrontendSpec {
            api_url: "https://api.tiktrue.test{port}/api/v1".into(),
            extra_head: String::new(),
            extra_body: String::new(),
            csp: None,
            bundle_padding: 0,
            ws_url: None,
            ws_token_param: None,
            bundle_missing: false,
            hsts: Some("max-age=31536000; includeSubDomains".into()),
            script: None,
            chunks: Vec::new(),
        }
    }
}

/// The live WebSocket server.
#[derive(Debug, Clone)]
pub struct WsSpec {
    pub host: String,
    pub path: String,
    pub allowed_origins: Vec<String>,
    /// Any origin is accepted.
    pub any_origin: bool,
    /// The server is down (the proxy answers 502).
    pub down: bool,
    /// A valid access token is required in `?token=`.
    pub require_token: bool,
    /// The live server verifies tokens with this key instead of the API's (a
    /// LIVE_SERVER_SECRET_KEY that does not match SECRET_KEY).
    pub token_secret: Option<String>,
}

/// One lab deployment.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    pub names: Names,
    pub dns: DnsSpec,
    /// Certificate per host (absent: a good one).
    pub certs: BTreeMap<String, CertKind>,
    /// Hosts whose TLS port answers in plain HTTP.
    pub not_tls: Vec<String>,
    pub api: ApiSpec,
    pub frontend: FrontendSpec,
    /// Port 80 redirects to HTTPS (SECURE_SSL_REDIRECT / the proxy's redirect).
    pub http_redirect: bool,
    pub websocket: Option<WsSpec>,
    /// Extra conncheck arguments for diagnosing this scenario (`{port}` expanded).
    pub args: Vec<String>,
    /// The demo uses a wrong password (the lab user's real one otherwise).
    pub wrong_password: bool,
    /// The API host's transport misbehaves (served below HTTP on its own address).
    pub hostile: Option<super::hostile::Hostile>,
    /// HTTP-level hostility layered in front of the apps.
    pub hostile_http: HostileHttp,
}

/// Hostile HTTP behaviours, in front of the API and frontend apps.
#[derive(Debug, Clone, Default)]
pub struct HostileHttp {
    /// The page, the bundle and a JSON endpoint stream 1 GiB.
    pub huge: bool,
    /// Every API and page URL redirects in a loop.
    pub redirect_loop: bool,
    /// The login POST is redirected (307) to plain HTTP on another host.
    pub login_to_http: bool,
    /// Every API URL redirects (307) to another site.
    pub offsite: bool,
    /// Server text carries terminal escapes and control characters.
    pub escape: bool,
    /// The login endpoint answers broken JSON.
    pub bad_json: Option<BadJson>,
    /// Long headers, flood bundles, echoes, endless streams (see [`crate::lab::hostile::Hostile2`]).
    pub more: crate::lab::hostile::Hostile2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadJson {
    Invalid,
    Huge,
    WrongType,
}

impl Scenario {
    /// The healthy TikTrue-shaped deployment.
    pub fn healthy() -> Scenario {
        Scenario {
            name: "healthy",
            about: "a correctly deployed React SPA + Django REST/simplejwt API (TikTrue-shaped): everything passes",
            names: Names {
                api: "api.tiktrue.test".into(),
                apex: "tiktrue.test".into(),
                www: Some("www.tiktrue.test".into()),
                platform: "tiktrue-backend.liara.test".into(),
            },
            dns: DnsSpec::default(),
            certs: BTreeMap::new(),
            not_tls: vec![],
            api: ApiSpec::default(),
            frontend: FrontendSpec::default(),
            http_redirect: true,
            websocket: None,
            args: vec![],
            wrong_password: false,
            hostile: None,
            hostile_http: HostileHttp::default(),
        }
    }

    /// A fault: the healthy deployment changed by `f`.
    pub fn fault(
        name: &'static str,
        about: &'static str,
        f: impl FnOnce(&mut Scenario),
    ) -> Scenario {
        let mut s = Scenario::healthy();
        s.name = name;
        s.about = about;
        f(&mut s);
        s
    }

    /// Every host that serves HTTPS in this scenario.
    pub fn https_hosts(&self) -> Vec<String> {
        let mut v = vec![self.names.api.clone(), self.names.apex.clone()];
        v.extend(self.names.www.clone());
        v.push(self.names.platform.clone());
        if let Some(ws) = &self.websocket {
            if !v.contains(&ws.host) {
                v.push(ws.host.clone());
            }
        }
        v
    }
}

/// Every scenario, healthy first.
pub fn all() -> Vec<Scenario> {
    let mut v = vec![Scenario::healthy()];
    v.extend(dns::list());
    v.extend(tls::list());
    v.extend(https::list());
    v.extend(cors::list());
    v.extend(endpoints::list());
    v.extend(jwt::list());
    v.extend(frontend::list());
    v.extend(profiles::list());
    v.extend(seed::list());
    v.extend(plane_seed::list());
    v.extend(cors_seed::list());
    v.extend(hostile::list());
    v.extend(stacks::list());
    v.extend(frameworks::list());
    v.extend(discovery::list());
    v.extend(csrf::list());
    v
}

pub fn find(name: &str) -> Result<Scenario> {
    match all().into_iter().find(|s| s.name == name) {
        Some(s) => Ok(s),
        None => bail!("unknown scenario '{name}' (see `conncheck demo --list`)"),
    }
}

/// `conncheck demo --list`.
pub fn list_text() -> String {
    let all = all();
    let w = all.iter().map(|s| s.name.len()).max().unwrap_or(0);
    all.iter()
        .map(|s| format!("{:w$}  {}\n", s.name, s.about, w = w))
        .collect()
}
