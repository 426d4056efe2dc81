//! Deployment profiles: one TOML file describes one deployment (API, frontend, expected DNS,
//! endpoint map, auth flow, WebSocket, per-check overrides). `checks/README.md` is the reference.
//!
//! Parsing is strict (`deny_unknown_fields`): a typo in a key is an error naming the file, the
//! line and the key, never a silently ignored setting. The shipped profiles in `checks/` are
//! embedded in the binary so `--profile tiktrue` works from anywhere.

mod checklist;

use crate::engine::model::Status;
use crate::target::{AuthFlow, Endpoint, Origin, Override, WsAuth};
use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use toml::Spanned;
use url::Url;

/// The profiles shipped in `checks/`, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("tiktrue", include_str!("../checks/tiktrue.toml")),
    ("plane", include_str!("../checks/plane.toml")),
    (
        "django-simplejwt",
        include_str!("../checks/django-simplejwt.toml"),
    ),
];

/// A parsed profile file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// Short name shown in reports.
    pub name: Option<String>,
    pub description: Option<String>,
    pub api: Option<ApiSection>,
    pub frontend: Option<FrontendSection>,
    #[serde(default)]
    pub dns: DnsSection,
    /// The endpoint map; when present it replaces the default (Django REST + simplejwt) map.
    pub endpoints: Option<Vec<Endpoint>>,
    pub auth: Option<AuthFlow>,
    pub websocket: Option<WebSocketSection>,
    /// Per-check overrides, keyed by row id (`cors.preflight`), id prefix or module (`jwt`).
    #[serde(default)]
    pub checks: BTreeMap<String, CheckOverride>,
    /// The profile's own checklist, replacing the default diagnostic steps in every report.
    pub checklist: Option<Vec<checklist::ChecklistSectionFile>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSection {
    /// The API base URL (`https://api.tiktrue.com/api/v1`).
    pub base: Spanned<String>,
    /// Other base URLs serving the same API (the platform's own host, e.g.
    /// `https://tiktrue-backend.liara.run/api/v1`): each is diagnosed too.
    #[serde(default)]
    pub fallbacks: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontendSection {
    /// Origins the SPA is served from.
    #[serde(default)]
    pub origins: Vec<Spanned<String>>,
    /// Page URLs when the app lives at a path (default: each origin's `/`).
    #[serde(default)]
    pub pages: Vec<Spanned<String>>,
    /// Whether the frontend sends cookies cross-origin (axios `withCredentials`,
    /// fetch `credentials: 'include'`).
    pub credentials: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsSection {
    /// The API host must resolve to exactly these addresses.
    #[serde(default)]
    pub expect_ip: Vec<Spanned<String>>,
    /// The API host must be a CNAME to this name.
    pub expect_cname: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsAuthKind {
    None,
    Query,
    Protocol,
    Cookie,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketSection {
    pub url: Spanned<String>,
    /// How the app authenticates the socket: none, query, protocol, cookie.
    pub auth: Option<WsAuthKind>,
    /// Query parameter carrying the access token when `auth = "query"` (default `token`).
    pub token_param: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOverride {
    /// `warn` turns failures of this row into warnings (or `fail` makes warnings fail).
    pub severity: Option<Spanned<String>>,
    /// Skip the row with this reason.
    pub skip: Option<String>,
}

/// A profile ready to apply: where it came from and its parsed content.
#[derive(Debug, Clone)]
pub struct Profile {
    /// File path or `builtin:NAME`, for messages.
    pub origin: String,
    pub text: String,
    pub file: ProfileFile,
}

/// The values a profile contributes to a [`crate::target::Target`], validated.
#[derive(Debug, Clone, Default)]
pub struct ProfileTarget {
    pub api_base: Option<String>,
    pub origins: Vec<Origin>,
    pub pages: Vec<Url>,
    pub credentials: Option<bool>,
    pub expect_ips: Vec<IpAddr>,
    pub expect_cname: Option<String>,
    pub endpoints: Option<Vec<Endpoint>>,
    pub auth: Option<AuthFlow>,
    pub websocket: Option<(Url, WsAuth)>,
    pub overrides: BTreeMap<String, Override>,
    pub checklist: Option<crate::target::ChecklistSpec>,
    pub fallbacks: Vec<Url>,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map(|i| before[i + 1..].chars().count())
        .unwrap_or_else(|| before.chars().count())
        + 1;
    (line, col)
}

/// The dotted key written at a byte offset: the nearest `[table]` header above it joined with the
/// key on that line (`api.base`, `endpoints.expect`). Best effort, for error messages.
pub fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[start..].lines().next().unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let header = text[..start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[')
            .then(|| l.trim_matches(['[', ']']).trim().to_string())
    });
    let line_header = line.trim().starts_with('[').then(|| {
        line.trim()
            .trim_matches(['[', ']'])
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    });
    match (header, key, line_header) {
        (_, None, Some(h)) => Some(h),
        (Some(h), Some(k), _) => Some(format!("{h}.{k}")),
        (None, Some(k), _) => Some(k),
        (_, None, None) => None,
    }
}

fn located(origin: &str, text: &str, span: std::ops::Range<usize>, msg: &str) -> anyhow::Error {
    let (line, col) = line_col(text, span.start);
    let key = key_at(text, span.start)
        .map(|k| format!(" key `{k}`:"))
        .unwrap_or_default();
    anyhow!("profile {origin}:{line}:{col}:{key} {msg}")
}

/// Byte offset of `key` in the `[[endpoints]]` entry named `name` (its `name` line when `key`
/// is absent from the entry), for error positions. None for other layouts (inline tables).
pub fn endpoint_key_offset(text: &str, name: &str, key: &str) -> Option<usize> {
    let mut starts: Vec<usize> = text
        .match_indices("[[endpoints]]")
        .map(|(i, _)| i)
        .collect();
    starts.push(text.len());
    for w in starts.windows(2) {
        let block_start = w[0];
        let header_end = text[block_start..]
            .find('\n')
            .map(|i| block_start + i + 1)?;
        // The entry ends at the next table header.
        let mut end = header_end;
        let mut lines = Vec::new();
        // `get`: a second `[[endpoints]]` on the header's own line (`[[endpoints]] # [[endpoints]]`)
        // starts before this header's line ends.
        for line in text
            .get(header_end..w[1])
            .unwrap_or_default()
            .split_inclusive('\n')
        {
            if line.trim_start().starts_with('[') {
                break;
            }
            lines.push((end, line));
            end += line.len();
        }
        let value_of = |k: &str| {
            lines.iter().find_map(|(off, l)| {
                let (lk, v) = l.split_once('=')?;
                (lk.trim() == k).then(|| (*off, v.trim().trim_matches('"').to_string()))
            })
        };
        if value_of("name").is_some_and(|(_, v)| v == name) {
            let (off, _) = value_of(key).or_else(|| value_of("name"))?;
            let indent = text[off..].len() - text[off..].trim_start().len();
            return Some(off + indent);
        }
    }
    None
}

/// Byte offset of the `[checks."id"]` header (or the `"id" =` line under `[checks]`).
pub fn check_key_offset(text: &str, id: &str) -> Option<usize> {
    [
        format!("[checks.\"{id}\"]"),
        format!("[checks.{id}]"),
        format!("\"{id}\""),
    ]
    .iter()
    .find_map(|n| text.find(n.as_str()))
}

impl Profile {
    /// Parse profile text. `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Profile> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            match e.span() {
                Some(span) => located(origin, text, span, &msg),
                None => anyhow!("profile {origin}: {msg}"),
            }
        })?;
        let p = Profile {
            origin: origin.to_string(),
            text: text.to_string(),
            file,
        };
        p.resolve()?;
        Ok(p)
    }

    /// A shipped profile by name, or a file by path.
    pub fn load(name_or_path: &str) -> Result<Profile> {
        if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == name_or_path) {
            return Profile::parse(&format!("builtin:{name}"), text);
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
            bail!(
                "--profile {name_or_path}: no such file, and not a shipped profile ({})",
                names.join(", ")
            );
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow!("--profile {name_or_path}: cannot read ({e})"))?;
        Profile::parse(&path.display().to_string(), &text)
    }

    fn err_at<T>(&self, span: std::ops::Range<usize>, msg: impl AsRef<str>) -> Result<T> {
        Err(located(&self.origin, &self.text, span, msg.as_ref()))
    }

    /// An error at a found offset, or naming the key when the layout hides the position.
    fn err_near<T>(&self, offset: Option<usize>, key: &str, msg: String) -> Result<T> {
        match offset {
            Some(o) => self.err_at(o..o, msg),
            None => bail!("profile {}: key `{key}`: {msg}", self.origin),
        }
    }

    fn endpoint_err<T>(&self, name: &str, key: &str, msg: String) -> Result<T> {
        let at = endpoint_key_offset(&self.text, name, key);
        self.err_near(
            at,
            &format!("endpoints.{key}"),
            format!("endpoint {name:?}: {msg}"),
        )
    }

    fn url(&self, s: &Spanned<String>) -> Result<Url> {
        crate::target::parse_url(s.get_ref()).or_else(|e| self.err_at(s.span(), format!("{e}")))
    }

    /// Validate every value and produce what the profile sets.
    pub fn resolve(&self) -> Result<ProfileTarget> {
        let f = &self.file;
        let mut out = ProfileTarget::default();
        if let Some(api) = &f.api {
            let u = self.url(&api.base)?;
            if !matches!(u.scheme(), "http" | "https") {
                return self.err_at(api.base.span(), "the API base URL starts with https://");
            }
            out.api_base = Some(api.base.get_ref().trim().to_string());
            for fb in &api.fallbacks {
                match crate::target::parse_api_base(fb.get_ref().trim(), None) {
                    Ok(u) => out.fallbacks.push(u),
                    Err(e) => return self.err_at(fb.span(), format!("{e}")),
                }
            }
        }
        if let Some(fe) = &f.frontend {
            for o in &fe.origins {
                match Origin::parse(o.get_ref()) {
                    Ok(origin) => out.origins.push(origin),
                    Err(e) => {
                        let msg = format!("{e}").replace("--origin ", "");
                        return self.err_at(o.span(), msg);
                    }
                }
            }
            for p in &fe.pages {
                let u = self.url(p)?;
                if !matches!(u.scheme(), "http" | "https") {
                    return self.err_at(p.span(), "a page URL starts with https://");
                }
                out.pages.push(u);
            }
            out.credentials = fe.credentials;
        }
        for ip in &f.dns.expect_ip {
            match ip.get_ref().trim().parse::<IpAddr>() {
                Ok(a) => out.expect_ips.push(a),
                Err(_) => {
                    return self.err_at(
                        ip.span(),
                        format!("{:?} is not an IP address", ip.get_ref()),
                    )
                }
            }
        }
        out.expect_cname = f.dns.expect_cname.clone();
        if let Some(eps) = &f.endpoints {
            let mut seen = std::collections::BTreeSet::new();
            for e in eps {
                if e.name.is_empty() || !seen.insert(e.name.clone()) {
                    return self.endpoint_err(
                        &e.name,
                        "name",
                        "a name must be non-empty and unique".into(),
                    );
                }
                if e.expect.is_empty() || e.expect.iter().any(|s| !(100..=599).contains(s)) {
                    return self.endpoint_err(
                        &e.name,
                        "expect",
                        "expect must list HTTP statuses (100-599)".into(),
                    );
                }
                if http::Method::from_bytes(e.method.as_bytes()).is_err() {
                    return self.endpoint_err(
                        &e.name,
                        "method",
                        format!("{:?} is not an HTTP method", e.method),
                    );
                }
                if let Some(b) = &e.body {
                    if serde_json::from_str::<serde_json::Value>(b).is_err() {
                        return self.endpoint_err(
                            &e.name,
                            "body",
                            format!("body is not JSON: {b}"),
                        );
                    }
                }
            }
            out.endpoints = Some(eps.clone());
        }
        out.auth = f.auth.clone();
        if let Some(sections) = &f.checklist {
            let endpoints = out
                .endpoints
                .clone()
                .unwrap_or_else(crate::target::default_endpoints);
            out.checklist = Some(self.checklist(sections, &endpoints)?);
        }
        if let Some(ws) = &f.websocket {
            let u = self.url(&ws.url)?;
            if !matches!(u.scheme(), "ws" | "wss") {
                return self.err_at(
                    ws.url.span(),
                    "a WebSocket URL starts with wss:// (or ws://)",
                );
            }
            let auth = match ws.auth.unwrap_or(WsAuthKind::None) {
                WsAuthKind::None => WsAuth::None,
                WsAuthKind::Query => {
                    WsAuth::Query(ws.token_param.clone().unwrap_or_else(|| "token".into()))
                }
                WsAuthKind::Protocol => WsAuth::Protocol,
                WsAuthKind::Cookie => WsAuth::Cookie,
            };
            out.websocket = Some((u, auth));
        }
        for (id, o) in &f.checks {
            let severity = match &o.severity {
                None => None,
                Some(s) => match s.get_ref().as_str() {
                    "pass" => Some(Status::Pass),
                    "warn" => Some(Status::Warn),
                    "fail" => Some(Status::Fail),
                    other => {
                        return self.err_at(
                            s.span(),
                            format!("severity {other:?}: use \"warn\", \"fail\" or \"pass\""),
                        )
                    }
                },
            };
            let at = check_key_offset(&self.text, id);
            let key = format!("checks.\"{id}\"");
            if severity.is_none() && o.skip.is_none() {
                return self.err_near(at, &key, "set `severity` or `skip = \"reason\"`".into());
            }
            if !known_check(id) {
                return self.err_near(
                    at,
                    &key,
                    format!("{id:?} is not a module or a row of one (modules: dns, tls, https, cors, endpoints, jwt, frontend, websocket)"),
                );
            }
            out.overrides.insert(
                id.clone(),
                Override {
                    severity,
                    skip: o.skip.clone(),
                },
            );
        }
        Ok(out)
    }
}

/// Whether an override key names a module, or a row of it (see
/// [`RowSelector`](crate::engine::row::RowSelector)).
fn known_check(id: &str) -> bool {
    crate::engine::row::RowSelector::parse(id).is_some()
}

/// `conncheck init TARGET`: a commented starter profile for this API.
pub fn starter(target: &crate::target::Target) -> String {
    let origins: Vec<String> = target
        .origins
        .iter()
        .map(|o| format!("\"{}\"", o.as_str()))
        .collect();
    let base = target.api_base.as_str().trim_end_matches('/');
    let mut s = String::new();
    s.push_str(&format!(
        "# conncheck profile for {host}. Reference: checks/README.md\n\
         # Run it: conncheck --profile {host}.toml\n\
         # Every key is optional except api.base; a command-line flag overrides the same setting here.\n\n\
         name = \"{host}\"\n\
         description = \"SPA + Django REST API at {host}\"\n\n\
         [api]\n\
         # The URL the frontend's axios/fetch baseURL points at.\n\
         base = \"{base}\"\n\n\
         [frontend]\n\
         # Origins the SPA is served from, exactly as the browser sends them (no path, no slash).\n\
         origins = [{origins}]\n\
         # Page URLs when the app lives at a path (default: each origin's /).\n\
         # pages = [\"https://example.com/app/\"]\n\
         # false when the frontend sends no cookies cross-origin (no withCredentials).\n\
         credentials = true\n\n\
         [dns]\n\
         # What the API host must resolve to: your server's IP, or your platform's app host.\n\
         # expect_ip = [\"203.0.113.10\"]\n\
         # expect_cname = \"my-backend.platform.example\"\n\n",
        host = target.api_host(),
        origins = origins.join(", "),
    ));
    s.push_str(
        "# The endpoints the frontend calls. `path` is relative to api.base, or from the host root\n\
         # when it starts with /. `expect` lists acceptable statuses for an anonymous request;\n\
         # `auth = true` means 401 without a token and 200 with one.\n",
    );
    for e in &target.endpoints {
        s.push_str("[[endpoints]]\n");
        s.push_str(&format!("name = \"{}\"\n", e.name));
        s.push_str(&format!("method = \"{}\"\n", e.method));
        s.push_str(&format!("path = \"{}\"\n", e.path));
        let expect: Vec<String> = e.expect.iter().map(|c| c.to_string()).collect();
        s.push_str(&format!("expect = [{}]\n", expect.join(", ")));
        if e.auth {
            s.push_str("auth = true\n");
        }
        if !e.json {
            s.push_str("json = false\n");
        }
        if !e.cors {
            s.push_str("cors = false\n");
        }
        s.push('\n');
    }
    let a = &target.auth;
    s.push_str(&format!(
        "# How the frontend logs in (simplejwt defaults). Credentials come only from\n\
         # CONNCHECK_USERNAME / CONNCHECK_PASSWORD.\n\
         [auth]\n\
         login_path = \"{}\"\n\
         refresh_path = \"{}\"\n\
         profile_path = \"{}\"\n\
         username_field = \"{}\"\n\
         password_field = \"{}\"\n\
         # Dotted path of the tokens in the login response (\"tokens.access\" when nested).\n\
         access_path = \"{}\"\n\
         refresh_token_path = \"{}\"\n\
         refresh_field = \"{}\"\n\
         # rotation = true  # ROTATE_REFRESH_TOKENS is on\n\n\
         # The WebSocket the frontend opens, and how it authenticates (none|query|protocol|cookie).\n\
         # [websocket]\n\
         # url = \"wss://example.com/ws/\"\n\
         # auth = \"query\"\n\
         # token_param = \"token\"\n\n\
         # Per-check overrides, by row id, id prefix or module.\n\
         # [checks.\"https.hsts\"]\n\
         # severity = \"warn\"\n\
         # [checks.websocket]\n\
         # skip = \"no real-time features yet\"\n",
        a.login_path,
        a.refresh_path,
        a.profile_path,
        a.username_field,
        a.password_field,
        a.access_path,
        a.refresh_token_path,
        a.refresh_field,
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `cargo fuzz run target_profile`: two `[[endpoints]]` headers on one line made
    /// `endpoint_key_offset` slice backwards (begin > end).
    #[test]
    fn fuzz_endpoints_headers_on_one_line() {
        let input: &[u8] = b"' TikTrue:.csh# TikTrue: a Reacon Liara (https://tiktrue.com, www and the Liara fallbackngo REST framework +ct SPA on Liara (https://tiktrue.cjsonom, www and the Liara fallbackngo REST framework + simplejwt t SPA on Liara (https://tiktrue.com, www and the Liara fallback# A starting poin\x01# simplejto/.\x0a[[endpoints]][[endpoints]]#\x0a\x0a\x0a\x0a\x0a# A starting point f\x0a\x0a\x0a\x0a\x0a\x0a\x0a\x0ango REST framework +ct SPA on\x0a\x0a\x0a\x0a\x0a\x0a \x0a\x0a#\x0a\x0a\x0ao Liarar  (";
        let text = std::str::from_utf8(input).unwrap();
        assert_eq!(endpoint_key_offset(text, "login", "expect"), None);
        let toml = "[[endpoints]] # [[endpoints]]\nname = \"\"\npath = \"/x\"\nexpect = [200]\n";
        let e = Profile::parse("p.toml", toml).unwrap_err().to_string();
        assert!(e.contains("non-empty and unique"), "{e}");
    }

    #[test]
    fn every_shipped_profile_parses() {
        for (name, text) in SHIPPED {
            let p = Profile::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let t = p.resolve().unwrap();
            assert!(t.api_base.is_some(), "{name} names its API");
            assert!(!t.origins.is_empty(), "{name} names its origins");
            assert!(
                t.endpoints.as_ref().is_some_and(|e| !e.is_empty()),
                "{name}"
            );
        }
    }

    #[test]
    fn shipped_profiles_describe_their_deployments() {
        let t = Profile::load("tiktrue").unwrap().resolve().unwrap();
        assert_eq!(
            t.api_base.as_deref(),
            Some("https://api.tiktrue.com/api/v1")
        );
        let names: Vec<&str> = t
            .endpoints
            .as_ref()
            .unwrap()
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        for want in [
            "login",
            "register",
            "profile",
            "forgot-password",
            "reset-password",
            "models-available",
            "license-info",
            "health",
            "admin",
        ] {
            assert!(names.contains(&want), "tiktrue lacks {want}");
        }
        assert_eq!(t.auth.unwrap().access_path, "tokens.access");
        let fallbacks: Vec<&str> = t.fallbacks.iter().map(|u| u.as_str()).collect();
        assert_eq!(fallbacks, ["https://tiktrue-backend.liara.run/api/v1/"]);

        let p = Profile::load("plane").unwrap().resolve().unwrap();
        let (ws, auth) = p.websocket.unwrap();
        assert_eq!(ws.path(), "/live");
        assert_eq!(auth, WsAuth::Query("token".into()));
        assert!(p
            .endpoints
            .unwrap()
            .iter()
            .any(|e| e.name == "workspaces" && e.auth));
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let cases: &[(&str, &str)] = &[
            // unknown key
            (
                "[api]\nbase = \"https://api.x.test/api/v1\"\nbsae = 1\n",
                "x.toml:3:1: key `api.bsae`: unknown field `bsae`",
            ),
            // wrong type
            (
                "[api]\nbase = \"https://api.x.test\"\n\n[[endpoints]]\nname = \"h\"\npath = \"/h/\"\nexpect = 200\n",
                "x.toml:7:10: key `endpoints.expect`: invalid type",
            ),
            // bad URL
            (
                "[api]\nbase = \"https://api.x.test\"\n[frontend]\norigins = [\"https://x.test/\"]\n",
                "x.toml:4:12: key `frontend.origins`: https://x.test/: an origin has no path",
            ),
            (
                "[api]\nbase = \"ftp://api.x.test\"\n",
                "x.toml:2:8: key `api.base`: unsupported scheme ftp://",
            ),
            (
                "[api]\nbase = \"https://a.test\"\n[websocket]\nurl = \"https://a.test/ws\"\n",
                "x.toml:4:7: key `websocket.url`: a WebSocket URL starts with wss://",
            ),
            (
                "[dns]\nexpect_ip = [\"10.0.0.300\"]\n",
                "x.toml:2:14: key `dns.expect_ip`: \"10.0.0.300\" is not an IP address",
            ),
            (
                "[checks.\"cors.preflight\"]\nseverity = \"low\"\n",
                "x.toml:2:12: key `checks.\"cors.preflight\".severity`: severity \"low\"",
            ),
            (
                "[websocket]\nurl = \"wss://a.test/live\"\nauth = \"header\"\n",
                "x.toml:3:8: key `websocket.auth`: unknown variant `header`",
            ),
            // values checked after parsing still point at their line
            (
                "[[endpoints]]\nname = \"a\"\npath = \"a/\"\nexpect = [200]\n\n[[endpoints]]\nname = \"b\"\npath = \"b/\"\n  expect = [999]\n",
                "x.toml:9:3: key `endpoints.expect`: endpoint \"b\": expect must list HTTP statuses",
            ),
            (
                "[[endpoints]]\nname = \"a\"\nmethod = \"GE T\"\npath = \"a/\"\nexpect = [200]\n",
                "x.toml:3:1: key `endpoints.method`: endpoint \"a\": \"GE T\" is not an HTTP method",
            ),
            (
                "[[endpoints]]\nname = \"a\"\npath = \"a/\"\nexpect = [200]\nbody = \"{nope\"\n",
                "x.toml:5:1: key `endpoints.body`: endpoint \"a\": body is not JSON",
            ),
            (
                "\n[checks.\"dns.resolv\"]\nskip = \"x\"\n",
                "x.toml:2:1: key `checks.\"dns.resolv\"`: \"dns.resolv\" is not a module or a row",
            ),
            (
                "[checks.dns]\n",
                "x.toml:1:1: key `checks.dns`: set `severity` or `skip",
            ),
        ];
        for (text, want) in cases {
            let e = format!("{:#}", Profile::parse("x.toml", text).unwrap_err());
            assert!(e.contains(want), "got: {e}\nwant: {want}");
        }
    }

    #[test]
    fn overrides_and_websocket_map_onto_target_types() {
        let p = Profile::parse(
            "x",
            "[checks.\"https.hsts\"]\nseverity = \"warn\"\n[checks.websocket]\nskip = \"later\"\n\
             [websocket]\nurl = \"wss://a.test/live\"\nauth = \"query\"\ntoken_param = \"t\"\n",
        )
        .unwrap()
        .resolve()
        .unwrap();
        assert_eq!(p.overrides["https.hsts"].severity, Some(Status::Warn));
        assert_eq!(p.overrides["websocket"].skip.as_deref(), Some("later"));
        assert_eq!(p.websocket.unwrap().1, WsAuth::Query("t".into()));
        let e = Profile::parse("x", "[checks.nope]\nskip = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("is not a module"), "{e}");
        // Rows of the built-in dns module are checked; families and prefixes are accepted.
        for ok in [
            "dns",
            "dns.resolve",
            "dns.reach",
            "cors.preflight",
            "endpoints.health",
        ] {
            assert!(known_check(ok), "{ok}");
        }
        assert!(!known_check("dns.resolv"));
        assert!(!known_check("cors.anything"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\n", 0), (1, 1));
        assert_eq!(line_col("a\nbc\n", 3), (2, 2));
    }

    #[test]
    fn starter_profile_parses_back() {
        let mut t = crate::target::Target::new("api.x.test", None).unwrap();
        t.finish();
        let text = starter(&t);
        let p = Profile::parse("init", &text).unwrap().resolve().unwrap();
        assert_eq!(p.api_base.as_deref(), Some("https://api.x.test/api/v1"));
        assert_eq!(p.origins.len(), 2);
        // Written down in a profile, the guessed defaults become the user's own map.
        let written: Vec<_> = t
            .endpoints
            .iter()
            .map(|e| crate::target::Endpoint {
                guessed: false,
                ..e.clone()
            })
            .collect();
        assert_eq!(p.endpoints.unwrap(), written);
    }
}
