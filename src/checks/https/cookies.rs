//! Pure decisions on cookies (RFC 6265bis: Secure, HttpOnly, SameSite): parse a Set-Cookie
//! header, tell a login cookie from another, and find the worst problem of each.

use super::judge::CookieProblem;
use crate::engine::model::Status;

/// A Set-Cookie header's name and attributes (its value is never kept: it may be a session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<String>,
}

impl Cookie {
    /// Whether it carries a login: Django's session, or an app's auth/JWT cookie.
    pub fn is_session(&self) -> bool {
        is_session_cookie(&self.name)
    }

    pub fn same_site_none(&self) -> bool {
        self.same_site
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("none"))
    }

    /// Which Django setting (if any) controls this cookie.
    pub fn django(&self) -> Option<DjangoCookie> {
        match self.name.as_str() {
            "sessionid" => Some(DjangoCookie::Session),
            "csrftoken" => Some(DjangoCookie::Csrf),
            _ => None,
        }
    }
}

/// The cookies Django names itself, whose flags are settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DjangoCookie {
    /// `sessionid`: SESSION_COOKIE_*.
    Session,
    /// `csrftoken`: CSRF_COOKIE_*.
    Csrf,
}

pub fn parse_set_cookie(raw: &str) -> Option<Cookie> {
    let mut parts = raw.split(';');
    let (name, _) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut c = Cookie {
        name: name.to_string(),
        secure: false,
        http_only: false,
        same_site: None,
    };
    for a in parts {
        let (k, v) = match a.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (a.trim(), None),
        };
        match k.to_ascii_lowercase().as_str() {
            "secure" => c.secure = true,
            "httponly" => c.http_only = true,
            "samesite" => c.same_site = v.map(str::to_string),
            _ => {}
        }
    }
    Some(c)
}

/// Whether a cookie name is a login: Django's session, or an app's auth/JWT cookie.
pub fn is_session_cookie(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n.contains("csrf") || n.contains("xsrf") {
        return false;
    }
    n.contains("session")
        || n.contains("sess")
        || n.contains("auth")
        || n.contains("jwt")
        || n.contains("token")
        || n == "access"
        || n == "refresh"
}

/// Where the cookie is used from: decides whether `SameSite=None` is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CookieUse {
    /// HSTS with includeSubDomains covers the host (softens a missing Secure).
    pub hsts_subdomains: bool,
    /// The SPA is on another site than the API and sends credentials to it.
    pub cross_site_credentials: bool,
}

/// The worst problem of one cookie, or `None` when its flags are right.
pub fn judge_cookie(c: &Cookie, usage: CookieUse) -> Option<CookieProblem> {
    let session = c.is_session();
    if c.same_site_none() && !c.secure {
        return Some(CookieProblem::SameSiteNoneInsecure);
    }
    if session && !c.secure {
        return Some(CookieProblem::SessionInsecure);
    }
    // The API relies on its login and CSRF cookies: a cross-site SPA only sends them with
    // SameSite=None (and Secure, checked above for login cookies).
    let relied_on = session || c.django() == Some(DjangoCookie::Csrf);
    if usage.cross_site_credentials && relied_on && !c.same_site_none() {
        return Some(CookieProblem::CrossSiteNotNone);
    }
    if !c.secure {
        return Some(CookieProblem::Insecure {
            hsts_subdomains: usage.hsts_subdomains,
        });
    }
    if session && !c.http_only {
        return Some(CookieProblem::SessionScriptReadable);
    }
    None
}

impl CookieProblem {
    pub fn status(self) -> Status {
        match self {
            CookieProblem::SameSiteNoneInsecure
            | CookieProblem::SessionInsecure
            | CookieProblem::CrossSiteNotNone => Status::Fail,
            CookieProblem::Insecure { .. } | CookieProblem::SessionScriptReadable => Status::Warn,
        }
    }
}

/// The distinct cookies set by the pages visited, first sighting wins: `(path, cookie)`.
pub fn distinct(seen: &[(String, String)]) -> Vec<(String, Cookie)> {
    let mut out: Vec<(String, Cookie)> = Vec::new();
    for (path, raw) in seen {
        let Some(c) = parse_set_cookie(raw) else {
            continue;
        };
        if out.iter().all(|(_, o)| o.name != c.name) {
            out.push((path.clone(), c));
        }
    }
    out
}
