//! The words of section 3: titles, evidence and fixes, from the typed verdicts of `judge.rs`
//! and `cookies.rs`. Nothing here decides a status.

use super::cookies::{Cookie, DjangoCookie};
use super::fixes::{self, Attr, Baseline};
use super::judge::{
    CookieProblem, Ending, HeadersVerdict, Hsts, HstsProblem, HstsVerdict, MissingHeader,
    PreloadNeed, PresentHeader, Redirect, RedirectIssue, Step,
};
use crate::engine::model::Finding;
use crate::stack::Backend;
use url::Url;

pub fn redirect_title(host: &str) -> String {
    format!("{host}: http:// redirects to https://")
}
pub fn hsts_title(hp: &str) -> String {
    format!("{hp}: Strict-Transport-Security")
}
pub fn headers_title(hp: &str) -> String {
    format!("{hp}: security headers")
}
pub fn cookie_flags_title(hp: &str) -> String {
    format!("{hp}: cookie flags")
}
pub fn cookie_title(hp: &str, c: &Cookie) -> String {
    format!("{hp}: cookie {}", c.name)
}

/// `host` alone on 443, `host:port` otherwise.
pub fn host_port(host: &str, port: u16) -> String {
    if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

// ---------------------------------------------------------------------------------------------
// https.redirect

pub fn no_plain_http(f: Finding, host: &str, port: u16, err: &str) -> Finding {
    f.detail(format!(
        "nothing answers plain HTTP on {host}:{port} ({err}): a user who types {host} without https:// gets a connection error instead of the site"
    ))
    .hint(format!(
        "listen on port {port} and redirect: nginx `server {{ listen 80; return 301 https://$host$request_uri; }}`, a Traefik web entrypoint with redirections.entryPoint.to=websecure, or the platform's \"force HTTPS\" option"
    ))
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

const RATE_LIMIT_HINT: &str = "a rate limit (nginx limit_req, the platform's, the app's own throttling) answered instead of the page: if ordinary visits trip it, raise the rate or burst (nginx `limit_req zone=... burst=20 nodelay;`); run conncheck again after Retry-After";

/// A page answered 429, so its headers are not the page's: the row is not judged.
pub fn rate_limited(f: Finding, url: &Url, retry_after: Option<u64>) -> Finding {
    let retry = retry_after
        .map(|s| format!(", Retry-After {s} s"))
        .unwrap_or_default();
    f.detail(format!("{url} answered 429 Too Many Requests{retry}: a rate limit answered, not the page, so its headers were not judged"))
        .hint(RATE_LIMIT_HINT)
}

/// Word the redirect verdict (the status is already set on `f`); fixes in `b`'s words.
pub fn redirect(
    f: Finding,
    host: &str,
    (steps, ending): (&[Step], &Ending),
    v: &Redirect,
    b: Option<Backend>,
) -> Finding {
    let hops = show_steps(steps);
    match v {
        Redirect::Loop => f
            .detail(format!("redirect loop: {hops}"))
            .hint(fixes::redirect_loop(b))
            .browser_error(crate::browser::https::TOO_MANY_REDIRECTS),
        Redirect::NoAnswer => f.detail("no answer recorded"),
        Redirect::RateLimited => f
            .detail(format!("{hops} — 429 Too Many Requests: a rate limit answered, not the redirect (not judged)"))
            .hint(RATE_LIMIT_HINT),
        Redirect::Served { content_type } => f
            .detail(format!(
                "plain HTTP is served, not redirected: {hops}{} — anyone who types {host} or follows an http:// link stays on an unencrypted connection",
                if content_type.is_empty() { String::new() } else { format!(" ({content_type})") }
            ))
            .hint(fixes::redirect(b)),
        Redirect::Reached { issues } => {
            let mut notes: Vec<String> = issues.iter().map(|i| redirect_issue(host, i)).collect();
            if let Ending::Failed(e) = ending {
                notes.push(format!("(the https:// side then failed: {e})"));
            }
            let detail = if notes.is_empty() {
                hops
            } else {
                format!("{hops}. {}", notes.join("; "))
            };
            let f = f.detail(detail);
            if issues.is_empty() {
                f
            } else {
                f.hint(fixes::redirect(b))
            }
        }
    }
}

fn redirect_issue(host: &str, i: &RedirectIssue) -> String {
    match i {
        RedirectIssue::OtherHost(target) => format!(
            "it ends on another host ({target}): redirect http://{host}/ to https://{host}/ first (the HSTS preload list requires it), then move hosts over https"
        ),
        RedirectIssue::Indirect => format!(
            "the first hop does not go straight to https://{host}/: each extra plain-HTTP hop can be intercepted"
        ),
        RedirectIssue::Temporary(statuses) => format!(
            "the redirect is temporary ({}): use 301 or 308 so browsers and search engines remember it",
            statuses.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// https.hsts

fn hsts_problem(p: &HstsProblem) -> String {
    match p {
        HstsProblem::Duplicate(name) => format!("directive {name} appears twice"),
        HstsProblem::NotANumber(v) => format!("max-age={v} is not a number"),
        HstsProblem::NoValue => "max-age has no value".into(),
        HstsProblem::MaxAgeMissing => "max-age is missing".into(),
    }
}

fn hsts_notes(h: &Hsts) -> Vec<String> {
    let mut notes = vec![
        if h.include_subdomains {
            "includeSubDomains"
        } else {
            "no includeSubDomains"
        }
        .to_string(),
        if h.preload { "preload" } else { "no preload" }.to_string(),
    ];
    if h.preload {
        let missing: Vec<&str> = h
            .preload_missing()
            .iter()
            .map(|n| match n {
                PreloadNeed::YearMaxAge => "max-age of at least 31536000",
                PreloadNeed::IncludeSubDomains => "includeSubDomains",
            })
            .collect();
        if missing.is_empty() {
            notes.push("meets the preload list's header requirements (hstspreload.org reads it from the apex domain)".into());
        } else {
            notes.push(format!(
                "asks for preload but the preload list also needs {}",
                missing.join(" and ")
            ));
        }
    }
    notes
}

/// Word the HSTS verdict; `raw` and `parsed` are the header as sent and as parsed; fixes in
/// `b`'s words.
pub fn hsts(
    f: Finding,
    (host, url): (&str, &Url),
    (raw, parsed): (Option<&str>, Option<&Hsts>),
    v: &HstsVerdict,
    b: Option<Backend>,
) -> Finding {
    let (Some(raw), Some(h)) = (raw, parsed) else {
        return f
            .detail(format!(
                "no Strict-Transport-Security header on {url}: browsers keep trying http://{host} first, so the first request of a visit can be downgraded (SSL stripping)"
            ))
            .hint(fixes::hsts(b));
    };
    let detail = format!(
        "Strict-Transport-Security: {raw} ({})",
        hsts_notes(h).join(", ")
    );
    match v {
        HstsVerdict::Missing | HstsVerdict::Ignored(_) => f
            .detail(format!(
                "Strict-Transport-Security: {raw} — browsers ignore it: {}",
                h.problems
                    .iter()
                    .map(hsts_problem)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
            .hint(fixes::hsts(b)),
        HstsVerdict::Zero => f
            .detail(format!(
                "{detail} — max-age=0 tells browsers to forget HSTS for {host}"
            ))
            .hint(fixes::hsts(b)),
        HstsVerdict::Short(age) => f
            .detail(format!(
                "{detail} — max-age is {} day(s), under one year",
                age / 86_400
            ))
            .hint(fixes::hsts(b)),
        HstsVerdict::Good => f.detail(detail),
    }
}

// ---------------------------------------------------------------------------------------------
// https.headers

fn present(p: &PresentHeader) -> String {
    match p {
        PresentHeader::Nosniff => "X-Content-Type-Options: nosniff".into(),
        PresentHeader::FrameAncestors(d) => format!("CSP {d}"),
        PresentHeader::FrameOptions(v) => format!("X-Frame-Options: {v}"),
        PresentHeader::ReferrerPolicy(v) => format!("Referrer-Policy: {v}"),
    }
}

fn missing(m: &MissingHeader, b: Option<Backend>) -> (String, String) {
    match m {
        MissingHeader::Nosniff(other) => (
            match other {
                Some(v) => format!("X-Content-Type-Options is '{v}', not nosniff"),
                None => "X-Content-Type-Options: nosniff".to_string(),
            },
            fixes::baseline(Baseline::Nosniff, b),
        ),
        MissingHeader::FrameProtection => (
            "frame protection (X-Frame-Options or CSP frame-ancestors)".into(),
            fixes::baseline(Baseline::FrameProtection, b),
        ),
        MissingHeader::ReferrerPolicy => (
            "Referrer-Policy".into(),
            fixes::baseline(Baseline::ReferrerPolicy, b),
        ),
    }
}

/// Word the headers verdict; fixes in `b`'s words.
pub fn headers(f: Finding, url: &Url, v: &HeadersVerdict, b: Option<Backend>) -> Finding {
    let seen = if v.present.is_empty() {
        "none of the baseline headers".to_string()
    } else {
        v.present.iter().map(present).collect::<Vec<_>>().join(", ")
    };
    if v.missing.is_empty() {
        return f.detail(format!("{url}: {seen}"));
    }
    let (names, fixes): (Vec<String>, Vec<String>) =
        v.missing.iter().map(|m| missing(m, b)).unzip();
    let f = f.hint(format!("add {}", fixes.join("; ")));
    if v.frontend {
        f.detail(format!(
            "{url}: missing {}; present: {seen}",
            names.join(", ")
        ))
    } else {
        // A JSON API is not rendered or framed: informational only.
        f.detail(format!(
            "{url}: missing {} (informational on a JSON API); present: {seen}",
            names.join(", ")
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// https.cookies

fn secure_setting(c: &Cookie, b: Option<Backend>) -> String {
    match c.django() {
        Some(DjangoCookie::Session) => "SESSION_COOKIE_SECURE = True".to_string(),
        Some(DjangoCookie::Csrf) => "CSRF_COOKIE_SECURE = True".to_string(),
        None => fixes::cookie_attr(b, &c.name, Attr::Secure),
    }
}

fn cookie_seen(c: &Cookie, path: &str) -> String {
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
    format!("{} set by {path}: {attrs}", c.name)
}

/// Word one cookie's verdict; `path` is the page (or login route) that set it; fixes in `b`'s
/// words (Django's settings for Django's own cookies).
pub fn cookie(
    f: Finding,
    (c, path): (&Cookie, &str),
    problem: Option<CookieProblem>,
    b: Option<Backend>,
) -> Finding {
    let seen = cookie_seen(c, path);
    let Some(problem) = problem else {
        return f.detail(seen);
    };
    let setting = secure_setting(c, b);
    match problem {
        CookieProblem::SameSiteNoneInsecure => f
            .detail(format!(
                "{seen} — SameSite=None without Secure: browsers reject the cookie outright, so it is never stored or sent"
            ))
            .hint(match c.django() {
                Some(_) => format!(
                    "add Secure ({setting}) or use SameSite=Lax (SESSION_COOKIE_SAMESITE / CSRF_COOKIE_SAMESITE)"
                ),
                None => format!("add Secure ({setting}) or use SameSite=Lax"),
            }),
        CookieProblem::SessionInsecure => f
            .detail(format!(
                "{seen} — a login cookie without Secure is sent over plain http:// too, where anyone on the network can take over the session"
            ))
            .hint(setting),
        CookieProblem::Insecure { hsts_subdomains } => {
            let mitigated = if hsts_subdomains {
                " HSTS with includeSubDomains already keeps browsers that have seen it off plain HTTP, so the exposure is the first visit only."
            } else {
                ""
            };
            f.detail(format!(
                "{seen} — without Secure the cookie also travels over plain http://.{mitigated}"
            ))
            .hint(setting)
        }
        CookieProblem::SessionScriptReadable => f
            .detail(format!(
                "{seen} — a login cookie readable from JavaScript: any XSS can steal the session"
            ))
            .hint(match c.django() {
                Some(DjangoCookie::Session) => {
                    "SESSION_COOKIE_HTTPONLY = True (Django's default; something turned it off)"
                        .to_string()
                }
                _ => fixes::cookie_attr(b, &c.name, Attr::HttpOnly),
            }),
        CookieProblem::CrossSiteNotNone => f
            .detail(format!(
                "{seen} — the frontend is on another site and sends credentials, so the browser only sends this cookie on the SPA's calls when it is SameSite=None; Secure"
            ))
            .hint(match c.django() {
                Some(DjangoCookie::Session) => "SESSION_COOKIE_SAMESITE = 'None' with SESSION_COOKIE_SECURE = True".to_string(),
                Some(DjangoCookie::Csrf) => "CSRF_COOKIE_SAMESITE = 'None' with CSRF_COOKIE_SECURE = True (and the frontend's origin in CSRF_TRUSTED_ORIGINS)".to_string(),
                None => format!("{} — or serve the API from a subdomain of the frontend's site so the cookie is same-site", fixes::cookie_attr(b, &c.name, Attr::CrossSite)),
            }),
    }
}

/// A page visited for cookies and how it answered.
pub fn visited(path: &str, answer: &str) -> String {
    format!("{path} ({answer})")
}

pub fn visited_login(path: &str, status: u16) -> String {
    format!("{path} (login, {status})")
}

pub fn no_cookies(f: Finding, visited: &[String]) -> Finding {
    f.detail(format!(
        "no cookies set by the pages visited: {}",
        visited.join(", ")
    ))
}
