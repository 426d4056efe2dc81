//! Section 3, HTTPS & security headers: plain HTTP redirects to HTTPS on the same host
//! (RFC 9110 §15.4), HSTS (RFC 6797), the baseline response headers, and the cookie flags
//! (RFC 6265bis: Secure, HttpOnly, SameSite) of the pages conncheck visits, for the API host and
//! every frontend host. Decisions are pure functions over recorded responses.

use crate::context::Context;
use crate::model::{Finding, Module, Status};
use crate::net::http::{HttpRequest, NetError};
use crate::runner::{ModuleSpec, Sink};
use futures::future::join_all;
use futures::FutureExt;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Https,
    about: "plain HTTP redirects to HTTPS, HSTS, security headers and cookie flags on every host",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// HSTS max-age the preload list and common guidance ask for: one year.
pub const HSTS_YEAR: u64 = 31_536_000;
/// Hops followed from http:// before giving up.
const MAX_HOPS: usize = 10;

/// One host and the pages of it conncheck reads.
#[derive(Debug, Clone)]
struct HostPlan {
    host: String,
    port: u16,
    is_api: bool,
    is_frontend: bool,
    pages: Vec<Url>,
}

fn plan(ctx: &Context) -> Vec<HostPlan> {
    let t = &ctx.target;
    let mut v: Vec<HostPlan> = Vec::new();
    let mut add = |u: &Url, api: bool| {
        if u.scheme() != "https" {
            return;
        }
        let host = u
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let port = u.port_or_known_default().unwrap_or(443);
        let i = match v.iter().position(|p| p.host == host && p.port == port) {
            Some(i) => i,
            None => {
                v.push(HostPlan {
                    host,
                    port,
                    is_api: false,
                    is_frontend: false,
                    pages: Vec::new(),
                });
                v.len() - 1
            }
        };
        let p = &mut v[i];
        if api {
            p.is_api = true;
        } else {
            p.is_frontend = true;
        }
        if !p.pages.contains(u) {
            p.pages.push(u.clone());
        }
    };
    add(&t.api_base, true);
    // Where Django sets cookies without a login: the health view and the admin login page.
    if let Some(h) = t.endpoints.iter().find(|e| e.name == "health") {
        add(&t.url_for(&h.path), true);
    }
    add(&t.url_for("/admin/login/"), true);
    for u in &t.frontend {
        add(u, false);
    }
    v
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let plans = plan(&ctx);
    let tasks = plans.into_iter().enumerate().map(|(i, p)| {
        let (ctx, sink) = (Arc::clone(&ctx), sink.clone());
        async move { check_host(&ctx, &sink, i, &p).await }
    });
    join_all(tasks).await;
}

async fn check_host(ctx: &Context, sink: &Sink, seq: usize, p: &HostPlan) {
    let start = Instant::now();
    let (redirect, pages) = tokio::join!(
        redirect_row(ctx, seq, p),
        join_all(
            p.pages
                .iter()
                .map(|u| ctx.http.send(HttpRequest::get(u.clone())))
        )
    );
    sink.push(redirect.duration(start.elapsed()));
    let hp = host_port(&p.host, p.port);
    let hsts_f = Finding::new(
        Module::Https,
        "hsts",
        format!("{hp}: Strict-Transport-Security"),
    )
    .seq(seq);
    let headers_f =
        Finding::new(Module::Https, "headers", format!("{hp}: security headers")).seq(seq);
    let first = match &pages[0] {
        Ok(ex) => ex,
        Err(e) => {
            sink.push(ctx.net_failure(hsts_f, e).duration(start.elapsed()));
            sink.push(ctx.net_failure(headers_f, e).duration(start.elapsed()));
            sink.push(
                ctx.net_failure(
                    Finding::new(Module::Https, "cookies", format!("{hp}: cookie flags")).seq(seq),
                    e,
                )
                .duration(start.elapsed()),
            );
            return;
        }
    };
    let hsts_raw = first.header("strict-transport-security");
    let hsts = hsts_raw.as_deref().map(parse_hsts);
    sink.push(
        judge_hsts(hsts_f, &p.host, hsts_raw.as_deref(), &first.url).duration(start.elapsed()),
    );
    let got = SecurityHeaders {
        nosniff: first.header("x-content-type-options"),
        frame_options: first.header("x-frame-options"),
        csp: first.header_all("content-security-policy").join(", "),
        referrer_policy: first.header("referrer-policy"),
    };
    sink.push(judge_headers(headers_f, &got, p.is_frontend, &first.url).duration(start.elapsed()));
    // Cookies of every page of this host that answered.
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut visited = Vec::new();
    for (u, r) in p.pages.iter().zip(&pages) {
        match r {
            Ok(ex) => {
                visited.push(format!("{} ({})", u.path(), ex.status.as_u16()));
                for c in ex.header_all("set-cookie") {
                    seen.push((u.path().to_string(), c));
                }
            }
            Err(e) => visited.push(format!("{} ({e})", u.path())),
        }
    }
    let subdomains = hsts.as_ref().is_some_and(|h| {
        h.include_subdomains && h.max_age.is_some_and(|m| m > 0) && h.problems.is_empty()
    });
    let rows = judge_cookies(&hp, seq, &seen, &visited, subdomains);
    let ms = start.elapsed();
    sink.extend(rows.into_iter().map(|r| r.duration(ms)));
}

fn host_port(host: &str, port: u16) -> String {
    if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

// ---------------------------------------------------------------------------------------------
// https.redirect

/// One answer on the way from http:// to wherever it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
}

/// How following the redirects ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A non-redirect answer (the last step).
    Answered,
    /// A URL came back a second time.
    Loop,
    /// More than [`MAX_HOPS`] redirects.
    TooMany,
    /// A later hop failed on the network (the first one failing is handled before judging).
    Failed(String),
}

async fn redirect_row(ctx: &Context, seq: usize, p: &HostPlan) -> Finding {
    let port = ctx.target.http_port;
    let host = if p.host.contains(':') {
        format!("[{}]", p.host)
    } else {
        p.host.clone()
    };
    let start_url = if port == 80 {
        format!("http://{host}/")
    } else {
        format!("http://{host}:{port}/")
    };
    let f = Finding::new(
        Module::Https,
        "redirect",
        format!("{}: http:// redirects to https://", p.host),
    )
    .seq(seq);
    let Ok(mut url) = Url::parse(&start_url) else {
        return f.error().detail(format!("cannot build {start_url}"));
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let ending = loop {
        visited.insert(url.to_string());
        match ctx.http.send(HttpRequest::get(url.clone())).await {
            Err(e) if steps.is_empty() => return first_hop_failed(ctx, f, &p.host, port, &e),
            Err(e) => break Ending::Failed(e.to_string()),
            Ok(ex) => {
                let location = ex.header("location");
                steps.push(Step {
                    url: url.to_string(),
                    status: ex.status.as_u16(),
                    location: location.clone(),
                    content_type: ex.content_type(),
                });
                let next = match (ex.status.is_redirection(), location) {
                    (true, Some(l)) => url.join(l.trim()).ok(),
                    _ => None,
                };
                let Some(next) = next else {
                    break Ending::Answered;
                };
                if visited.contains(next.as_str()) {
                    break Ending::Loop;
                }
                if steps.len() >= MAX_HOPS {
                    break Ending::TooMany;
                }
                url = next;
            }
        }
    };
    judge_redirect(f, &p.host, &steps, &ending)
}

fn first_hop_failed(ctx: &Context, f: Finding, host: &str, port: u16, e: &NetError) -> Finding {
    match e {
        NetError::ConnectRefused(_) | NetError::ConnectTimeout(_) => f
            .warn()
            .detail(format!(
                "nothing answers plain HTTP on {host}:{port} ({e}): a user who types {host} without https:// gets a connection error instead of the site"
            ))
            .hint(format!(
                "listen on port {port} and redirect: nginx `server {{ listen 80; return 301 https://$host$request_uri; }}`, a Traefik web entrypoint with redirections.entryPoint.to=websecure, or the platform's \"force HTTPS\" option"
            )),
        _ => ctx.net_failure(f, e),
    }
}

fn show_steps(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match &s.location {
            Some(l) if (300..400).contains(&s.status) => {
                format!("{} → {} {l}", s.url, s.status)
            }
            _ => format!("{} → {}", s.url, s.status),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

const REDIRECT_HINT: &str = "redirect every plain-HTTP request permanently to the same host over https: Django SECURE_SSL_REDIRECT = True with SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') behind the proxy; nginx `server { listen 80; return 301 https://$host$request_uri; }`; Traefik redirections.entryPoint.to=websecure; or the platform's \"force HTTPS\" switch";

pub fn judge_redirect(f: Finding, host: &str, steps: &[Step], ending: &Ending) -> Finding {
    let hops = show_steps(steps);
    match ending {
        Ending::Loop | Ending::TooMany => {
            return f
                .fail()
                .detail(format!("redirect loop: {hops}"))
                .hint("behind a TLS-terminating proxy Django sees every request as http and redirects forever: set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') and make the proxy send X-Forwarded-Proto, or redirect in the proxy only (SECURE_SSL_REDIRECT = False)")
                .browser_error("net::ERR_TOO_MANY_REDIRECTS");
        }
        Ending::Answered | Ending::Failed(_) => {}
    }
    let Some(first) = steps.first() else {
        return f.error().detail("no answer recorded");
    };
    // The first https URL reached, and the plain-HTTP steps before it.
    let https_at = steps.iter().position(|s| s.url.starts_with("https://"));
    let target = match https_at {
        Some(i) => Some(steps[i].url.clone()),
        None => steps
            .last()
            .and_then(|s| s.location.clone())
            .filter(|l| l.starts_with("https://") && matches!(ending, Ending::Failed(_))),
    };
    let Some(target) = target else {
        let last = steps.last().unwrap_or(first);
        let ct = last
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        return f
            .fail()
            .detail(format!(
                "plain HTTP is served, not redirected: {hops}{} — anyone who types {host} or follows an http:// link stays on an unencrypted connection",
                if ct.is_empty() { String::new() } else { format!(" ({ct})") }
            ))
            .hint(REDIRECT_HINT);
    };
    let plain_steps: Vec<&Step> = steps
        .iter()
        .take_while(|s| s.url.starts_with("http://"))
        .collect();
    let target_host = Url::parse(&target)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let first_target_host = first
        .location
        .as_deref()
        .and_then(|l| Url::parse(&first.url).ok()?.join(l).ok())
        .map(|u| {
            (
                u.scheme().to_string(),
                u.host_str().unwrap_or("").to_ascii_lowercase(),
            )
        });
    let mut notes = Vec::new();
    let mut status = Status::Pass;
    if target_host != host {
        status = Status::Warn;
        notes.push(format!(
            "it ends on another host ({target_host}): redirect http://{host}/ to https://{host}/ first (the HSTS preload list requires it), then move hosts over https"
        ));
    } else if first_target_host
        .as_ref()
        .is_some_and(|(s, h)| s == "http" || h != host)
    {
        status = Status::Warn;
        notes.push(format!(
            "the first hop does not go straight to https://{host}/: each extra plain-HTTP hop can be intercepted"
        ));
    }
    let temporary: Vec<u16> = plain_steps
        .iter()
        .map(|s| s.status)
        .filter(|s| !matches!(s, 301 | 308))
        .collect();
    if !temporary.is_empty() {
        status = Status::worst(status, Status::Warn);
        notes.push(format!(
            "the redirect is temporary ({}): use 301 or 308 so browsers and search engines remember it",
            temporary.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Ending::Failed(e) = ending {
        notes.push(format!("(the https:// side then failed: {e})"));
    }
    let detail = if notes.is_empty() {
        hops
    } else {
        format!("{hops}. {}", notes.join("; "))
    };
    let f = f.status(status).detail(detail);
    if status == Status::Pass {
        f
    } else {
        f.hint(REDIRECT_HINT)
    }
}

// ---------------------------------------------------------------------------------------------
// https.hsts

/// A parsed Strict-Transport-Security value (RFC 6797 §6.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hsts {
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    /// Syntax problems that make browsers ignore the header.
    pub problems: Vec<String>,
}

pub fn parse_hsts(value: &str) -> Hsts {
    let mut h = Hsts::default();
    let mut names = BTreeSet::new();
    for part in value.split(';') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, val) = match part.split_once('=') {
            Some((n, v)) => (
                n.trim().to_ascii_lowercase(),
                Some(v.trim().trim_matches('"')),
            ),
            None => (part.to_ascii_lowercase(), None),
        };
        if !names.insert(name.clone()) {
            h.problems.push(format!("directive {name} appears twice"));
            continue;
        }
        match (name.as_str(), val) {
            ("max-age", Some(v)) => match v.parse::<u64>() {
                Ok(n) => h.max_age = Some(n),
                Err(_) => h.problems.push(format!("max-age={v} is not a number")),
            },
            ("max-age", None) => h.problems.push("max-age has no value".into()),
            ("includesubdomains", _) => h.include_subdomains = true,
            ("preload", _) => h.preload = true,
            _ => {}
        }
    }
    if h.max_age.is_none() && h.problems.is_empty() {
        h.problems.push("max-age is missing".into());
    }
    h
}

const HSTS_HINT: &str = "send Strict-Transport-Security on every HTTPS response: Django SECURE_HSTS_SECONDS = 31536000 (with SECURE_HSTS_INCLUDE_SUBDOMAINS = True once every subdomain serves HTTPS); nginx `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;`";

pub fn judge_hsts(f: Finding, host: &str, raw: Option<&str>, url: &Url) -> Finding {
    let Some(raw) = raw else {
        return f
            .warn()
            .detail(format!(
                "no Strict-Transport-Security header on {url}: browsers keep trying http://{host} first, so the first request of a visit can be downgraded (SSL stripping)"
            ))
            .hint(HSTS_HINT);
    };
    let h = parse_hsts(raw);
    if !h.problems.is_empty() {
        return f
            .warn()
            .detail(format!(
                "Strict-Transport-Security: {raw} — browsers ignore it: {}",
                h.problems.join("; ")
            ))
            .hint(HSTS_HINT);
    }
    let age = h.max_age.unwrap_or(0);
    let mut notes = vec![
        if h.include_subdomains {
            "includeSubDomains".to_string()
        } else {
            "no includeSubDomains".to_string()
        },
        if h.preload {
            "preload".to_string()
        } else {
            "no preload".to_string()
        },
    ];
    if h.preload {
        let mut missing = Vec::new();
        if age < HSTS_YEAR {
            missing.push("max-age of at least 31536000");
        }
        if !h.include_subdomains {
            missing.push("includeSubDomains");
        }
        if missing.is_empty() {
            notes.push("meets the preload list's header requirements (hstspreload.org reads it from the apex domain)".into());
        } else {
            notes.push(format!(
                "asks for preload but the preload list also needs {}",
                missing.join(" and ")
            ));
        }
    }
    let detail = format!("Strict-Transport-Security: {raw} ({})", notes.join(", "));
    if age == 0 {
        return f
            .warn()
            .detail(format!(
                "{detail} — max-age=0 tells browsers to forget HSTS for {host}"
            ))
            .hint(HSTS_HINT);
    }
    if age < HSTS_YEAR {
        return f
            .warn()
            .detail(format!(
                "{detail} — max-age is {} day(s), under one year",
                age / 86_400
            ))
            .hint(HSTS_HINT);
    }
    f.pass().detail(detail)
}

// ---------------------------------------------------------------------------------------------
// https.headers

/// The baseline response headers as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityHeaders {
    pub nosniff: Option<String>,
    pub frame_options: Option<String>,
    pub csp: String,
    pub referrer_policy: Option<String>,
}

pub fn judge_headers(f: Finding, h: &SecurityHeaders, frontend: bool, url: &Url) -> Finding {
    let mut have = Vec::new();
    let mut missing = Vec::new();
    let mut fixes = Vec::new();
    match &h.nosniff {
        Some(v) if v.trim().eq_ignore_ascii_case("nosniff") => {
            have.push("X-Content-Type-Options: nosniff".to_string())
        }
        other => {
            missing.push(match other {
                Some(v) => format!("X-Content-Type-Options is '{v}', not nosniff"),
                None => "X-Content-Type-Options: nosniff".to_string(),
            });
            fixes.push("SECURE_CONTENT_TYPE_NOSNIFF = True (nginx: add_header X-Content-Type-Options nosniff always;)");
        }
    }
    let fa = h
        .csp
        .split([';', ','])
        .map(str::trim)
        .find(|d| d.to_ascii_lowercase().starts_with("frame-ancestors"));
    let xfo = h
        .frame_options
        .as_deref()
        .map(str::trim)
        .filter(|v| v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin"));
    match (fa, xfo) {
        (Some(d), _) => have.push(format!("CSP {d}")),
        (None, Some(v)) => have.push(format!("X-Frame-Options: {v}")),
        (None, None) => {
            missing.push("frame protection (X-Frame-Options or CSP frame-ancestors)".into());
            fixes.push("django.middleware.clickjacking.XFrameOptionsMiddleware with X_FRAME_OPTIONS = 'DENY' (nginx: add_header X-Frame-Options DENY always;)");
        }
    }
    match &h.referrer_policy {
        Some(v) => have.push(format!("Referrer-Policy: {v}")),
        None => {
            missing.push("Referrer-Policy".into());
            fixes.push("SECURE_REFERRER_POLICY = 'strict-origin-when-cross-origin' (nginx: add_header Referrer-Policy strict-origin-when-cross-origin always;)");
        }
    }
    let seen = if have.is_empty() {
        "none of the baseline headers".to_string()
    } else {
        have.join(", ")
    };
    if missing.is_empty() {
        return f.pass().detail(format!("{url}: {seen}"));
    }
    let f = f.hint(format!("add {}", fixes.join("; ")));
    if frontend {
        f.warn().detail(format!(
            "{url}: missing {}; present: {seen}",
            missing.join(", ")
        ))
    } else {
        // A JSON API is not rendered or framed: informational only.
        f.pass().detail(format!(
            "{url}: missing {} (informational on a JSON API); present: {seen}",
            missing.join(", ")
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// https.cookies

/// A Set-Cookie header's name and attributes (its value is never kept: it may be a session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<String>,
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

/// Whether a cookie carries a login: Django's session, or an app's auth/JWT cookie.
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

pub fn judge_cookie(f: Finding, c: &Cookie, path: &str, hsts_subdomains: bool) -> Finding {
    let session = is_session_cookie(&c.name);
    let attrs = format!(
        "{}{}{}",
        if c.secure { "Secure" } else { "no Secure" },
        if c.http_only {
            ", HttpOnly"
        } else {
            ", no HttpOnly"
        },
        c.same_site
            .as_ref()
            .map(|s| format!(", SameSite={s}"))
            .unwrap_or_else(|| ", no SameSite (Lax by default)".into())
    );
    let seen = format!("{} set by {path}: {attrs}", c.name);
    let is_django_csrf = c.name == "csrftoken";
    let secure_setting = if c.name == "sessionid" {
        "SESSION_COOKIE_SECURE = True".to_string()
    } else if is_django_csrf {
        "CSRF_COOKIE_SECURE = True".to_string()
    } else {
        format!(
            "secure=True where the app sets {} (response.set_cookie(..., secure=True))",
            c.name
        )
    };
    if c.same_site
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("none"))
        && !c.secure
    {
        return f
            .fail()
            .detail(format!(
                "{seen} — SameSite=None without Secure: browsers reject the cookie outright, so it is never stored or sent"
            ))
            .hint(format!(
                "add Secure ({secure_setting}) or use SameSite=Lax (SESSION_COOKIE_SAMESITE / CSRF_COOKIE_SAMESITE)"
            ));
    }
    if session && !c.secure {
        return f
            .fail()
            .detail(format!(
                "{seen} — a login cookie without Secure is sent over plain http:// too, where anyone on the network can take over the session"
            ))
            .hint(secure_setting);
    }
    if !c.secure {
        let mitigated = if hsts_subdomains {
            " HSTS with includeSubDomains already keeps browsers that have seen it off plain HTTP, so the exposure is the first visit only."
        } else {
            ""
        };
        return f
            .warn()
            .detail(format!(
                "{seen} — without Secure the cookie also travels over plain http://.{mitigated}"
            ))
            .hint(secure_setting);
    }
    if session && !c.http_only {
        return f
            .warn()
            .detail(format!(
                "{seen} — a login cookie readable from JavaScript: any XSS can steal the session"
            ))
            .hint(if c.name == "sessionid" {
                "SESSION_COOKIE_HTTPONLY = True (Django's default; something turned it off)"
                    .to_string()
            } else {
                format!("httponly=True where the app sets {}", c.name)
            });
    }
    f.pass().detail(seen)
}

fn judge_cookies(
    hp: &str,
    seq: usize,
    seen: &[(String, String)],
    visited: &[String],
    hsts_subdomains: bool,
) -> Vec<Finding> {
    let mut rows = Vec::new();
    let mut names = BTreeSet::new();
    for (path, raw) in seen {
        let Some(c) = parse_set_cookie(raw) else {
            continue;
        };
        if !names.insert(c.name.clone()) {
            continue;
        }
        let f = Finding::new(Module::Https, "cookies", format!("{hp}: cookie {}", c.name)).seq(seq);
        rows.push(judge_cookie(f, &c, path, hsts_subdomains));
    }
    if rows.is_empty() {
        rows.push(
            Finding::new(Module::Https, "cookies", format!("{hp}: cookie flags"))
                .seq(seq)
                .pass()
                .detail(format!(
                    "no cookies set by the pages visited: {}",
                    visited.join(", ")
                )),
        );
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str) -> Finding {
        Finding::new(Module::Https, id, "t")
    }

    fn step(url: &str, status: u16, loc: Option<&str>) -> Step {
        Step {
            url: url.into(),
            status,
            location: loc.map(str::to_string),
            content_type: "text/html".into(),
        }
    }

    #[test]
    fn redirect_table() {
        let ok = vec![
            step("http://a.test/", 301, Some("https://a.test/")),
            step("https://a.test/", 200, None),
        ];
        let temp = vec![
            step("http://a.test/", 302, Some("https://a.test/")),
            step("https://a.test/", 200, None),
        ];
        let other = vec![
            step("http://a.test/", 301, Some("https://www.a.test/")),
            step("https://www.a.test/", 200, None),
        ];
        let served = vec![step("http://a.test/", 200, None)];
        for (steps, ending, want, phrase) in [
            (ok, Ending::Answered, Status::Pass, "301 https://a.test/"),
            (temp, Ending::Answered, Status::Warn, "temporary"),
            (other, Ending::Answered, Status::Warn, "another host"),
            (
                served,
                Ending::Answered,
                Status::Fail,
                "plain HTTP is served",
            ),
            (
                vec![step("http://a.test/", 301, Some("http://a.test/"))],
                Ending::Loop,
                Status::Fail,
                "redirect loop",
            ),
        ] {
            let r = judge_redirect(f("redirect"), "a.test", &steps, &ending);
            assert_eq!(r.status, want, "{}", r.detail);
            assert!(r.detail.contains(phrase), "{}", r.detail);
        }
        let after_fail = judge_redirect(
            f("redirect"),
            "a.test",
            &[step("http://a.test/", 301, Some("https://a.test/"))],
            &Ending::Failed("TLS".into()),
        );
        assert_eq!(after_fail.status, Status::Pass, "{}", after_fail.detail);
    }

    #[test]
    fn hsts_parsing_and_verdicts() {
        let h = parse_hsts("max-age=31536000; includeSubDomains; preload");
        assert_eq!(h.max_age, Some(31_536_000));
        assert!(h.include_subdomains && h.preload && h.problems.is_empty());
        assert_eq!(parse_hsts("max-age=\"600\"").max_age, Some(600));
        assert!(!parse_hsts("max-age=1; max-age=2").problems.is_empty());
        assert!(!parse_hsts("includeSubDomains").problems.is_empty());
        let u = Url::parse("https://a.test/").unwrap();
        for (raw, want, phrase) in [
            (None, Status::Warn, "no Strict-Transport-Security"),
            (Some("max-age=300"), Status::Warn, "under one year"),
            (Some("max-age=0"), Status::Warn, "forget HSTS"),
            (Some("max-age=abc"), Status::Warn, "ignore"),
            (
                Some("max-age=31536000; includeSubDomains; preload"),
                Status::Pass,
                "meets the preload list",
            ),
            (
                Some("max-age=31536000; preload"),
                Status::Pass,
                "also needs includeSubDomains",
            ),
        ] {
            let r = judge_hsts(f("hsts"), "a.test", raw, &u);
            assert_eq!(r.status, want, "{raw:?}: {}", r.detail);
            assert!(r.detail.contains(phrase), "{raw:?}: {}", r.detail);
        }
    }

    #[test]
    fn headers_warn_on_frontend_and_inform_on_api() {
        let u = Url::parse("https://a.test/").unwrap();
        let full = SecurityHeaders {
            nosniff: Some("nosniff".into()),
            frame_options: None,
            csp: "default-src 'self'; frame-ancestors 'none'".into(),
            referrer_policy: Some("same-origin".into()),
        };
        let r = judge_headers(f("headers"), &full, true, &u);
        assert_eq!(r.status, Status::Pass);
        assert!(r.detail.contains("frame-ancestors"));
        let none = SecurityHeaders::default();
        let r = judge_headers(f("headers"), &none, true, &u);
        assert_eq!(r.status, Status::Warn);
        assert!(r
            .hint
            .as_deref()
            .unwrap()
            .contains("SECURE_CONTENT_TYPE_NOSNIFF"));
        let r = judge_headers(f("headers"), &none, false, &u);
        assert_eq!(r.status, Status::Pass);
        assert!(r.detail.contains("informational"));
    }

    #[test]
    fn cookie_table() {
        for (raw, hsts, want, phrase) in [
            (
                "sessionid=x; HttpOnly; Path=/; SameSite=Lax; Secure",
                false,
                Status::Pass,
                "Secure",
            ),
            (
                "sessionid=x; HttpOnly; Path=/; SameSite=Lax",
                false,
                Status::Fail,
                "SESSION_COOKIE_SECURE",
            ),
            (
                "csrftoken=x; Path=/; SameSite=Lax",
                false,
                Status::Warn,
                "CSRF_COOKIE_SECURE",
            ),
            (
                "csrftoken=x; Path=/; SameSite=Lax",
                true,
                Status::Warn,
                "includeSubDomains",
            ),
            ("csrftoken=x; Path=/; Secure", false, Status::Pass, "Secure"),
            (
                "sessionid=x; Path=/; Secure",
                false,
                Status::Warn,
                "SESSION_COOKIE_HTTPONLY",
            ),
            ("prefs=x; SameSite=None", false, Status::Fail, "reject"),
            (
                "auth_token=x; SameSite=Lax",
                false,
                Status::Fail,
                "auth_token",
            ),
        ] {
            let c = parse_set_cookie(raw).unwrap();
            let r = judge_cookie(f("cookies"), &c, "/admin/login/", hsts);
            assert_eq!(r.status, want, "{raw}: {}", r.detail);
            let text = format!("{} {}", r.detail, r.hint.clone().unwrap_or_default());
            assert!(text.contains(phrase), "{raw}: {text}");
            assert!(!r.detail.contains("=x"), "cookie values are never shown");
        }
        assert!(parse_set_cookie("novalue").is_none());
    }
}
