//! What is being diagnosed: the API base URL, the frontend origins, the endpoint map, the auth
//! flow and the WebSocket. Built from the command line (and profiles), validated once, then
//! read by every module.

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use url::Url;

/// The API base path a bare host implies.
pub const DEFAULT_API_BASE: &str = "/api/v1";

/// A web origin: scheme, host and port, serialised as the browser sends it in `Origin`
/// (`https://tiktrue.com`, no trailing slash, default port omitted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Origin(String);

impl Origin {
    /// Parse `https://host[:port]` (a trailing slash or path is not part of an origin and is
    /// rejected, since that exact mistake breaks `CORS_ALLOWED_ORIGINS`).
    pub fn parse(s: &str) -> Result<Origin> {
        if s.trim().eq_ignore_ascii_case("null") {
            // Not `https://null`: the opaque origin is its own CORS case, not judged yet.
            bail!("--origin null: the opaque origin (sandboxed iframes, file:// pages) is not supported; give the page's real origin, e.g. --origin https://app.example.com");
        }
        let url = parse_url(s).map_err(|e| anyhow!("--origin {s}: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!("--origin {s}: an origin is http:// or https://");
        }
        let o = Origin::of(&url);
        let given = s.trim();
        if given.trim_end_matches('/') != given || (url.path() != "/" && !url.path().is_empty()) {
            bail!(
                "--origin {s}: an origin has no path or trailing slash; did you mean {}?",
                o.as_str()
            );
        }
        Ok(o)
    }

    /// The origin of a URL.
    pub fn of(url: &Url) -> Origin {
        Origin(url.origin().ascii_serialization())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn url(&self) -> Url {
        Url::parse(&self.0).expect("an origin is a URL")
    }

    pub fn host(&self) -> String {
        self.url().host_str().unwrap_or_default().to_string()
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One route of the endpoint map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Row id suffix: `endpoints.<name>`.
    pub name: String,
    #[serde(default = "default_method")]
    pub method: String,
    /// Relative to the API base, or absolute from the host root when it starts with `/`.
    pub path: String,
    /// Acceptable statuses.
    pub expect: Vec<u16>,
    /// Body to send (JSON text); POSTs send `{}` when absent.
    #[serde(default)]
    pub body: Option<String>,
    /// Needs authentication: 401 expected without a token, 200 with one.
    #[serde(default)]
    pub auth: bool,
    /// Acceptable statuses with a valid access token (protected routes; default 200).
    #[serde(default)]
    pub expect_with_token: Option<Vec<u16>>,
    /// Answers JSON (a DRF view), so HTML here is a fault.
    #[serde(default = "yes")]
    pub json: bool,
    /// The frontend calls it cross-origin, so CORS applies.
    #[serde(default = "yes")]
    pub cors: bool,
    /// conncheck's guess, not a route the app is known to have: a 404 there is information.
    #[serde(default, skip_serializing)]
    pub guessed: bool,
}

fn default_method() -> String {
    "GET".into()
}
fn yes() -> bool {
    true
}

impl Endpoint {
    pub fn new(name: &str, method: &str, path: &str, expect: &[u16]) -> Endpoint {
        Endpoint {
            name: name.into(),
            method: method.into(),
            path: path.into(),
            expect: expect.to_vec(),
            body: None,
            auth: false,
            expect_with_token: None,
            json: true,
            cors: true,
            guessed: false,
        }
    }
    fn auth(mut self) -> Endpoint {
        self.auth = true;
        self
    }
    fn html(mut self) -> Endpoint {
        self.json = false;
        self.cors = false;
        self
    }
    fn no_cors(mut self) -> Endpoint {
        self.cors = false;
        self
    }
    fn guess(mut self) -> Endpoint {
        self.guessed = true;
        self
    }
}

/// The default endpoint map: a Django REST framework + simplejwt API as TikTrue deploys it.
/// Every route of it is a guess until the frontend's calls or a profile confirm it.
pub fn default_endpoints() -> Vec<Endpoint> {
    guessed_endpoints()
        .into_iter()
        .map(Endpoint::guess)
        .collect()
}

fn guessed_endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("health", "GET", "/health/", &[200]).no_cors(),
        Endpoint::new("login", "POST", "auth/login/", &[400, 401]),
        Endpoint::new("register", "POST", "auth/register/", &[400]),
        Endpoint::new("profile", "GET", "auth/profile/", &[401]).auth(),
        Endpoint::new("forgot-password", "POST", "auth/forgot-password/", &[400]),
        Endpoint::new("reset-password", "POST", "auth/reset-password/", &[400]),
        Endpoint::new("license-info", "GET", "license/info/", &[401]).auth(),
        Endpoint::new("models-available", "GET", "models/available/", &[401]).auth(),
        Endpoint::new("admin", "GET", "/admin/", &[200, 302]).html(),
    ]
}

/// How the frontend logs in and uses tokens (simplejwt defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthFlow {
    pub login_path: String,
    pub refresh_path: String,
    /// An authenticated GET used to prove the token works.
    pub profile_path: String,
    pub username_field: String,
    pub password_field: String,
    /// Dotted path of the access token in the login response (`access`, `tokens.access`).
    pub access_path: String,
    pub refresh_token_path: String,
    /// Field name of the refresh token in the refresh request body.
    pub refresh_field: String,
    /// Whether the server is expected to rotate refresh tokens (None: just report).
    pub rotation: Option<bool>,
    /// `Authorization` scheme.
    pub scheme: String,
    /// The login body is form-encoded (`URLSearchParams`, an OAuth2 password grant), not JSON.
    pub form: bool,
    /// The app's code fetches a CSRF cookie and echoes it in a header on its POSTs: the login
    /// does the same (learnt from the bundle, never from a profile).
    #[serde(skip)]
    pub csrf: Option<CsrfReplay>,
    /// The refresh token lives in an httpOnly cookie: the refresh POST sends the login's
    /// cookies and no token in its body (learnt from the bundle).
    #[serde(skip)]
    pub refresh_via_cookie: bool,
}

/// How the app gets and sends its CSRF token: a GET that sets the cookie, then the cookie's
/// value in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfReplay {
    /// The GET the app makes first (`/auth/csrf/`), or the login URL itself.
    pub prefetch_path: String,
    /// The cookie holding the token (`csrftoken`, `XSRF-TOKEN`).
    pub cookie: String,
    /// The header the app echoes it in (`X-CSRFToken`, `X-XSRF-TOKEN`).
    pub header: String,
}

impl Default for AuthFlow {
    fn default() -> Self {
        AuthFlow {
            login_path: "auth/login/".into(),
            refresh_path: "auth/refresh/".into(),
            profile_path: "auth/profile/".into(),
            username_field: "username".into(),
            password_field: "password".into(),
            access_path: "access".into(),
            refresh_token_path: "refresh".into(),
            refresh_field: "refresh".into(),
            rotation: None,
            scheme: "Bearer".into(),
            form: false,
            csrf: None,
            refresh_via_cookie: false,
        }
    }
}

/// How the app authenticates its WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsAuth {
    None,
    /// `?<param>=<token>` in the URL, as Plane's live server takes it.
    Query(String),
    /// The `Sec-WebSocket-Protocol` header carries the token.
    Protocol,
    /// The session cookie set by login.
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketSpec {
    pub url: Url,
    pub auth: WsAuth,
}

/// Login credentials, read from the environment only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, password redacted)", self.username)
    }
}

/// Per-check override from a profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Override {
    /// Cap or raise the status (`warn` turns a fail into a warning).
    pub severity: Option<crate::engine::model::Status>,
    /// Skip the row with this reason.
    pub skip: Option<String>,
}

/// A checklist a profile declares: its own numbered sections of items, each item naming the
/// rows it rolls up. The report lays the matrix out on it instead of the default steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistSpec {
    pub sections: Vec<ChecklistSpecSection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistSpecSection {
    /// As printed ("1", "2a").
    pub number: String,
    pub name: String,
    pub items: Vec<ChecklistSpecItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistSpecItem {
    pub label: String,
    /// Validated selectors: a module, a row, or an `endpoints.<name>` member.
    pub rows: Vec<crate::engine::row::RowSelector>,
}

/// One deployment to diagnose.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API base URL; its path always ends with `/` so relative paths join under it.
    pub api_base: Url,
    pub origins: Vec<Origin>,
    pub origins_inferred: bool,
    /// Frontend page URLs (default: each origin's `/`).
    pub frontend: Vec<Url>,
    /// TARGET was a bare host: the API base is the default, which the frontend's code may
    /// correct.
    pub api_base_defaulted: bool,
    pub endpoints: Vec<Endpoint>,
    /// A profile set the endpoint map: the frontend's calls do not replace it.
    pub endpoints_pinned: bool,
    pub auth: AuthFlow,
    /// A profile set the auth flow: the frontend's login call does not replace it.
    pub auth_pinned: bool,
    pub websocket: Option<WebSocketSpec>,
    pub expect_ips: Vec<IpAddr>,
    pub expect_cname: Option<String>,
    /// Port plain HTTP is expected on for the redirect check (80 in the real world).
    pub http_port: u16,
    /// Whether the frontend sends credentials (cookies) cross-origin (axios withCredentials).
    pub credentials_mode_include: bool,
    /// Whether a flag (`--no-credentials`) or the profile set the credentials mode; otherwise
    /// the frontend's bundle may tell it.
    pub credentials_mode_explicit: bool,
    pub credentials: Option<Credentials>,
    pub overrides: std::collections::BTreeMap<String, Override>,
    /// The profile's own checklist, when it declares one.
    pub checklist: Option<ChecklistSpec>,
    /// Fallback API base URLs (the platform's own host): each is diagnosed as a deployment too.
    pub fallbacks: Vec<Url>,
}

impl Target {
    /// A target from the TARGET argument with the defaults for everything else.
    pub fn new(target: &str, api_base: Option<&str>) -> Result<Target> {
        let api_base_defaulted = api_base.is_none() && !is_url_not_host(target);
        let api_base = parse_api_base(target, api_base)?;
        Ok(Target {
            api_base,
            api_base_defaulted,
            origins: Vec::new(),
            origins_inferred: false,
            frontend: Vec::new(),
            endpoints: default_endpoints(),
            endpoints_pinned: false,
            auth: AuthFlow::default(),
            auth_pinned: false,
            websocket: None,
            expect_ips: Vec::new(),
            expect_cname: None,
            http_port: 80,
            credentials_mode_include: true,
            credentials_mode_explicit: false,
            credentials: None,
            overrides: Default::default(),
            checklist: None,
            fallbacks: Vec::new(),
        })
    }

    /// Fill origins by inference when none were given, and frontend pages from origins.
    pub fn finish(&mut self) {
        if self.origins.is_empty() {
            self.origins = infer_origins(&self.api_base);
            self.origins_inferred = !self.origins.is_empty();
        }
        if self.frontend.is_empty() {
            self.frontend = self.origins.iter().map(|o| o.url()).collect();
        }
    }

    pub fn api_host(&self) -> String {
        self.api_base
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string()
    }

    pub fn api_port(&self) -> u16 {
        self.api_base.port_or_known_default().unwrap_or(443)
    }

    pub fn api_origin(&self) -> Origin {
        Origin::of(&self.api_base)
    }

    /// Resolve an endpoint path: relative to the API base, or from the host root.
    pub fn url_for(&self, path: &str) -> Url {
        if path.starts_with("http://") || path.starts_with("https://") {
            if let Ok(u) = Url::parse(path) {
                return u;
            }
        }
        if let Some(abs) = path.strip_prefix('/') {
            let mut u = self.api_base.clone();
            u.set_path(&format!("/{abs}"));
            u.set_query(None);
            return u;
        }
        self.api_base
            .join(path)
            .unwrap_or_else(|_| self.api_base.clone())
    }

    /// Every distinct (host, port) conncheck talks HTTPS to: the API, then each frontend.
    pub fn https_hosts(&self) -> Vec<(String, u16)> {
        let mut v = vec![(self.api_host(), self.api_port())];
        for u in &self.frontend {
            let h = (
                u.host_str()
                    .unwrap_or_default()
                    .trim_matches(['[', ']'])
                    .to_string(),
                u.port_or_known_default().unwrap_or(443),
            );
            if !v.contains(&h) {
                v.push(h);
            }
        }
        v
    }

    /// Every distinct host name the run depends on (API first).
    pub fn hosts(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for (h, _) in self.https_hosts() {
            if !v.contains(&h) {
                v.push(h);
            }
        }
        if let Some(ws) = &self.websocket {
            if let Some(h) = ws.url.host_str() {
                let h = h.to_string();
                if !v.contains(&h) {
                    v.push(h);
                }
            }
        }
        v
    }
}

/// Parse a URL leniently: a bare host (or host:port) means https.
pub fn parse_url(s: &str) -> Result<Url> {
    let s = s.trim();
    if s.is_empty() {
        bail!("empty URL");
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| anyhow!("not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
        bail!("unsupported scheme {}:// (use https://)", url.scheme());
    }
    match url.host() {
        None => bail!("no host name"),
        Some(url::Host::Domain("")) => bail!("no host name"),
        _ => {}
    }
    if url.username() != "" || url.password().is_some() {
        bail!(
            "credentials in the URL are not accepted; use CONNCHECK_USERNAME / CONNCHECK_PASSWORD"
        );
    }
    Ok(url)
}

/// The API base URL from TARGET and `--api-base`. A URL (with a scheme, or with a path — even
/// `/`) is the API base as given; only a bare host (`api.example.com`) gets the default path.
pub fn parse_api_base(target: &str, api_base: Option<&str>) -> Result<Url> {
    let mut url = parse_url(target).map_err(|e| anyhow!("target {target}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("target {target}: the API is reached over https:// (or http://)");
    }
    let explicit_path = is_url_not_host(target);
    let path = match api_base {
        Some(p) => p.to_string(),
        None if explicit_path => url.path().to_string(),
        None => DEFAULT_API_BASE.to_string(),
    };
    if !path.starts_with('/') {
        bail!("--api-base {path}: must start with /");
    }
    let path = if path.ends_with('/') {
        path
    } else {
        format!("{path}/")
    };
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// Whether TARGET was written as a URL (a scheme, or a path after the host) rather than a bare
/// host name (`api.example.com`, `api.example.com:8443`).
pub fn is_url_not_host(target: &str) -> bool {
    let t = target.trim();
    t.contains("://") || t.contains('/')
}

/// `api.X` → `https://X` and `https://www.X` (keeping a non-default port); otherwise none.
pub fn infer_origins(api: &Url) -> Vec<Origin> {
    let Some(host) = api.host_str() else {
        return vec![];
    };
    let Some(apex) = host.strip_prefix("api.") else {
        return vec![];
    };
    if !apex.contains('.') {
        return vec![];
    }
    let port = api.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut v = vec![Origin(format!("https://{apex}{port}"))];
    if !apex.starts_with("www.") {
        v.push(Origin(format!("https://www.{apex}{port}")));
    }
    v
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_null_origin_is_refused_not_read_as_a_host() {
        for s in ["null", " NULL "] {
            let e = Origin::parse(s).unwrap_err().to_string();
            assert!(e.contains("opaque origin"), "{e}");
        }
        assert!(Origin::parse("https://null.example").is_ok());
    }

    use super::*;

    #[test]
    fn bare_host_means_https_with_default_api_base() {
        let u = parse_api_base("api.tiktrue.com", None).unwrap();
        assert_eq!(u.as_str(), "https://api.tiktrue.com/api/v1/");
    }

    #[test]
    fn url_path_is_kept_and_api_base_overrides() {
        assert_eq!(
            parse_api_base("https://gateway.x.test", None)
                .unwrap()
                .as_str(),
            "https://gateway.x.test/",
            "a URL is the API base as given, even at the root"
        );
        assert_eq!(
            parse_api_base("https://gateway.x.test/", None)
                .unwrap()
                .as_str(),
            "https://gateway.x.test/"
        );
        assert_eq!(
            parse_api_base("https://api.x.test/api/v2", None)
                .unwrap()
                .as_str(),
            "https://api.x.test/api/v2/"
        );
        assert_eq!(
            parse_api_base("https://api.x.test:8443/", Some("/v1"))
                .unwrap()
                .as_str(),
            "https://api.x.test:8443/v1/"
        );
    }

    #[test]
    fn ipv6_and_idn_hosts_parse() {
        assert_eq!(
            parse_api_base("[::1]:8443", None).unwrap().as_str(),
            "https://[::1]:8443/api/v1/"
        );
        assert_eq!(
            parse_api_base("api.bücher.test", None).unwrap().host_str(),
            Some("api.xn--bcher-kva.test")
        );
    }

    #[test]
    fn bad_targets_are_rejected() {
        for bad in [
            "",
            "https://",
            "ftp://x.test",
            "https://x.test:99999",
            "https://u:p@x.test",
            "http://[::1",
        ] {
            assert!(parse_api_base(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_are_inferred_from_api_host() {
        let u = parse_api_base("api.tiktrue.com", None).unwrap();
        let o: Vec<_> = infer_origins(&u).into_iter().map(|o| o.0).collect();
        assert_eq!(o, vec!["https://tiktrue.com", "https://www.tiktrue.com"]);
        let u = parse_api_base("backend.liara.run", None).unwrap();
        assert!(infer_origins(&u).is_empty());
        let u = parse_api_base("api.x.test:8443", None).unwrap();
        assert_eq!(infer_origins(&u)[0].0, "https://x.test:8443");
    }

    #[test]
    fn origin_with_trailing_slash_is_rejected_with_suggestion() {
        let e = Origin::parse("https://tiktrue.com/")
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean https://tiktrue.com"), "{e}");
        assert_eq!(
            Origin::parse("https://tiktrue.com:443").unwrap().as_str(),
            "https://tiktrue.com"
        );
    }

    #[test]
    fn endpoint_urls_join_under_base_or_root() {
        let t = Target::new("api.x.test", None).unwrap();
        assert_eq!(
            t.url_for("auth/login/").as_str(),
            "https://api.x.test/api/v1/auth/login/"
        );
        assert_eq!(t.url_for("/health/").as_str(), "https://api.x.test/health/");
    }
}
