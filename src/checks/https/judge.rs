//! Pure decisions of section 3: recorded answers → verdicts and typed faults. No I/O, no prose
//! (the words live in `words.rs`).

use crate::engine::model::Status;
use crate::engine::FaultKind;
use std::collections::BTreeSet;
use url::Url;

/// HSTS max-age the preload list and common guidance ask for: one year.
pub const HSTS_YEAR: u64 = 31_536_000;

/// What went wrong on an `https.*` row, carrying what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpsFault {
    /// Nothing answers plain HTTP on the host's port 80 (a typed `host` gets a connection error).
    NoPlainHttp { host: String, port: u16 },
    /// http:// redirects back to a URL already visited (or past the hop limit).
    RedirectLoop { host: String },
    /// http:// answers without redirecting to https://.
    PlainHttpServed { host: String },
    /// A 429 answered instead of the page: a rate limit, so the row could not be judged.
    RateLimited {
        host: String,
        retry_after: Option<u64>,
    },
    /// http:// reaches https://, but not the right way.
    RedirectWeak {
        host: String,
        issues: Vec<RedirectIssue>,
    },
    /// No Strict-Transport-Security on the host's first page.
    HstsMissing { host: String },
    /// Strict-Transport-Security is sent with syntax browsers ignore.
    HstsIgnored {
        host: String,
        problems: Vec<HstsProblem>,
    },
    /// `max-age=0`: browsers forget HSTS.
    HstsZero { host: String },
    /// `max-age` under one year.
    HstsShort { host: String, max_age: u64 },
    /// A frontend page lacks baseline security headers.
    HeadersMissing {
        host: String,
        missing: Vec<MissingHeader>,
    },
    /// A cookie's flags are wrong. `cookie` is the server's name for it (words may show it; it is
    /// never a subject).
    Cookie {
        host: String,
        cookie: String,
        problem: CookieProblem,
    },
}

/// One way a working http → https redirect falls short, in the order the row names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectIssue {
    /// The chain ends on another host.
    OtherHost(String),
    /// The first hop does not go straight to https:// on the same host.
    Indirect,
    /// Plain-HTTP hops with temporary statuses (302, 307…).
    Temporary(Vec<u16>),
}

/// A syntax problem that makes browsers ignore a Strict-Transport-Security header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HstsProblem {
    /// A directive appears twice (its lower-cased name).
    Duplicate(String),
    /// `max-age=<value>` is not a number.
    NotANumber(String),
    /// `max-age` without `=value`.
    NoValue,
    /// No `max-age` at all.
    MaxAgeMissing,
}

/// A baseline security header a frontend page lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingHeader {
    /// X-Content-Type-Options absent (`None`) or with another value.
    Nosniff(Option<String>),
    /// Neither X-Frame-Options DENY/SAMEORIGIN nor CSP frame-ancestors.
    FrameProtection,
    ReferrerPolicy,
}

/// What is wrong with one cookie, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieProblem {
    /// SameSite=None without Secure: browsers drop the cookie.
    SameSiteNoneInsecure,
    /// A login cookie without Secure.
    SessionInsecure,
    /// Another cookie without Secure; `hsts_subdomains` softens it to the first visit.
    Insecure { hsts_subdomains: bool },
    /// A login cookie readable from JavaScript.
    SessionScriptReadable,
    /// The frontend is another site and sends credentials, but a cookie the API relies on is not
    /// `SameSite=None; Secure`: the browser never sends it on the SPA's calls.
    CrossSiteNotNone,
}

impl FaultKind for HttpsFault {
    fn key(&self) -> &'static str {
        match self {
            HttpsFault::NoPlainHttp { .. } => "https.no-plain-http",
            HttpsFault::RedirectLoop { .. } => "https.redirect-loop",
            HttpsFault::PlainHttpServed { .. } => "https.plain-http-served",
            HttpsFault::RateLimited { .. } => "https.rate-limited",
            HttpsFault::RedirectWeak { issues, .. } => match issues.first() {
                Some(RedirectIssue::OtherHost(_)) => "https.redirect-other-host",
                Some(RedirectIssue::Indirect) => "https.redirect-indirect",
                _ => "https.redirect-temporary",
            },
            HttpsFault::HstsMissing { .. } => "https.hsts-missing",
            HttpsFault::HstsIgnored { .. } => "https.hsts-ignored",
            HttpsFault::HstsZero { .. } => "https.hsts-zero",
            HttpsFault::HstsShort { .. } => "https.hsts-short",
            HttpsFault::HeadersMissing { .. } => "https.headers-missing",
            HttpsFault::Cookie { problem, .. } => match problem {
                CookieProblem::SameSiteNoneInsecure => "https.cookie-samesite-none-insecure",
                CookieProblem::SessionInsecure => "https.session-cookie-insecure",
                CookieProblem::Insecure { .. } => "https.cookie-insecure",
                CookieProblem::SessionScriptReadable => "https.session-cookie-script-readable",
                CookieProblem::CrossSiteNotNone => "https.cookie-cross-site-not-none",
            },
        }
    }

    fn scope(&self) -> String {
        match self {
            HttpsFault::Cookie { host, cookie, .. } => format!("{host} {cookie}"),
            HttpsFault::NoPlainHttp { host, .. }
            | HttpsFault::RedirectLoop { host }
            | HttpsFault::PlainHttpServed { host }
            | HttpsFault::RateLimited { host, .. }
            | HttpsFault::RedirectWeak { host, .. }
            | HttpsFault::HstsMissing { host }
            | HttpsFault::HstsIgnored { host, .. }
            | HttpsFault::HstsZero { host }
            | HttpsFault::HstsShort { host, .. }
            | HttpsFault::HeadersMissing { host, .. } => host.clone(),
        }
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
    /// More than the hop limit of redirects.
    TooMany,
    /// A later hop failed on the network (the first one failing is handled before judging).
    Failed(String),
}

/// The verdict on the http:// chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// The chain loops (or never ends).
    Loop,
    /// Nothing recorded (conncheck's own failure).
    NoAnswer,
    /// Plain HTTP answered; `content_type` is the last answer's media type.
    Served { content_type: String },
    /// A hop answered 429: a rate limit, not the redirect; not judged.
    RateLimited,
    /// An https:// URL was reached (or was where the last hop pointed before the network
    /// failed); `issues` empty is a pass.
    Reached { issues: Vec<RedirectIssue> },
}

impl Redirect {
    pub fn status(&self) -> Status {
        match self {
            Redirect::Loop | Redirect::Served { .. } => Status::Fail,
            Redirect::NoAnswer => Status::Error,
            Redirect::RateLimited => Status::Warn,
            Redirect::Reached { issues } if issues.is_empty() => Status::Pass,
            Redirect::Reached { .. } => Status::Warn,
        }
    }

    pub fn fault(&self, host: &str) -> Option<HttpsFault> {
        let host = host.to_string();
        match self {
            Redirect::Loop => Some(HttpsFault::RedirectLoop { host }),
            Redirect::RateLimited => Some(HttpsFault::RateLimited {
                host,
                retry_after: None,
            }),
            Redirect::Served { .. } => Some(HttpsFault::PlainHttpServed { host }),
            Redirect::Reached { issues } if !issues.is_empty() => Some(HttpsFault::RedirectWeak {
                host,
                issues: issues.clone(),
            }),
            Redirect::NoAnswer | Redirect::Reached { .. } => None,
        }
    }
}

pub fn judge_redirect(host: &str, steps: &[Step], ending: &Ending) -> Redirect {
    if matches!(ending, Ending::Loop | Ending::TooMany) {
        return Redirect::Loop;
    }
    let Some(first) = steps.first() else {
        return Redirect::NoAnswer;
    };
    if steps.iter().any(|s| s.status == 429) {
        return Redirect::RateLimited;
    }
    // The first https URL reached, or where the last hop pointed when the network then failed.
    let target = match steps.iter().position(|s| s.url.starts_with("https://")) {
        Some(i) => Some(steps[i].url.clone()),
        None => steps
            .last()
            .and_then(|s| s.location.clone())
            .filter(|l| l.starts_with("https://") && matches!(ending, Ending::Failed(_))),
    };
    let Some(target) = target else {
        let last = steps.last().unwrap_or(first);
        let ct = last.content_type.split(';').next().unwrap_or("").trim();
        return Redirect::Served {
            content_type: ct.to_string(),
        };
    };
    let target_host = Url::parse(&target)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let first_hop = first
        .location
        .as_deref()
        .and_then(|l| Url::parse(&first.url).ok()?.join(l).ok());
    let mut issues = Vec::new();
    if target_host != host {
        issues.push(RedirectIssue::OtherHost(target_host));
    } else if first_hop.is_some_and(|u| {
        u.scheme() == "http" || u.host_str().unwrap_or("").to_ascii_lowercase() != host
    }) {
        issues.push(RedirectIssue::Indirect);
    }
    let temporary: Vec<u16> = steps
        .iter()
        .take_while(|s| s.url.starts_with("http://"))
        .map(|s| s.status)
        .filter(|s| !matches!(s, 301 | 308))
        .collect();
    if !temporary.is_empty() {
        issues.push(RedirectIssue::Temporary(temporary));
    }
    Redirect::Reached { issues }
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
    pub problems: Vec<HstsProblem>,
}

impl Hsts {
    /// Whether the header validly covers subdomains (softens a cookie without Secure).
    pub fn covers_subdomains(&self) -> bool {
        self.include_subdomains && self.max_age.is_some_and(|m| m > 0) && self.problems.is_empty()
    }

    /// What the preload list still needs from this header (empty when it asks for nothing or
    /// meets the requirements).
    pub fn preload_missing(&self) -> Vec<PreloadNeed> {
        let mut missing = Vec::new();
        if self.max_age.unwrap_or(0) < HSTS_YEAR {
            missing.push(PreloadNeed::YearMaxAge);
        }
        if !self.include_subdomains {
            missing.push(PreloadNeed::IncludeSubDomains);
        }
        missing
    }
}

/// A requirement of the HSTS preload list a header asking for preload does not meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreloadNeed {
    YearMaxAge,
    IncludeSubDomains,
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
            h.problems.push(HstsProblem::Duplicate(name));
            continue;
        }
        match (name.as_str(), val) {
            ("max-age", Some(v)) => match v.parse::<u64>() {
                Ok(n) => h.max_age = Some(n),
                Err(_) => h.problems.push(HstsProblem::NotANumber(v.to_string())),
            },
            ("max-age", None) => h.problems.push(HstsProblem::NoValue),
            ("includesubdomains", _) => h.include_subdomains = true,
            ("preload", _) => h.preload = true,
            _ => {}
        }
    }
    if h.max_age.is_none() && h.problems.is_empty() {
        h.problems.push(HstsProblem::MaxAgeMissing);
    }
    h
}

/// The verdict on one host's Strict-Transport-Security.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HstsVerdict {
    Missing,
    Ignored(Vec<HstsProblem>),
    Zero,
    Short(u64),
    Good,
}

pub fn judge_hsts(h: Option<&Hsts>) -> HstsVerdict {
    let Some(h) = h else {
        return HstsVerdict::Missing;
    };
    if !h.problems.is_empty() {
        return HstsVerdict::Ignored(h.problems.clone());
    }
    match h.max_age.unwrap_or(0) {
        0 => HstsVerdict::Zero,
        age if age < HSTS_YEAR => HstsVerdict::Short(age),
        _ => HstsVerdict::Good,
    }
}

impl HstsVerdict {
    pub fn status(&self) -> Status {
        match self {
            HstsVerdict::Good => Status::Pass,
            _ => Status::Warn,
        }
    }

    pub fn fault(&self, host: &str) -> Option<HttpsFault> {
        let host = host.to_string();
        Some(match self {
            HstsVerdict::Missing => HttpsFault::HstsMissing { host },
            HstsVerdict::Ignored(p) => HttpsFault::HstsIgnored {
                host,
                problems: p.clone(),
            },
            HstsVerdict::Zero => HttpsFault::HstsZero { host },
            HstsVerdict::Short(age) => HttpsFault::HstsShort {
                host,
                max_age: *age,
            },
            HstsVerdict::Good => return None,
        })
    }
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

/// A baseline header that is present, with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresentHeader {
    Nosniff,
    /// The CSP frame-ancestors directive as sent.
    FrameAncestors(String),
    FrameOptions(String),
    ReferrerPolicy(String),
}

/// What the baseline headers of one page come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersVerdict {
    pub present: Vec<PresentHeader>,
    pub missing: Vec<MissingHeader>,
    /// Frontend pages are rendered and framed; a JSON API's missing headers are informational.
    pub frontend: bool,
}

impl HeadersVerdict {
    pub fn status(&self) -> Status {
        if self.frontend && !self.missing.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        }
    }

    pub fn fault(&self, host: &str) -> Option<HttpsFault> {
        (self.status() != Status::Pass).then(|| HttpsFault::HeadersMissing {
            host: host.to_string(),
            missing: self.missing.clone(),
        })
    }
}

pub fn judge_headers(h: &SecurityHeaders, frontend: bool) -> HeadersVerdict {
    let mut present = Vec::new();
    let mut missing = Vec::new();
    match &h.nosniff {
        Some(v) if v.trim().eq_ignore_ascii_case("nosniff") => present.push(PresentHeader::Nosniff),
        other => missing.push(MissingHeader::Nosniff(other.clone())),
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
        (Some(d), _) => present.push(PresentHeader::FrameAncestors(d.to_string())),
        (None, Some(v)) => present.push(PresentHeader::FrameOptions(v.to_string())),
        (None, None) => missing.push(MissingHeader::FrameProtection),
    }
    match &h.referrer_policy {
        Some(v) => present.push(PresentHeader::ReferrerPolicy(v.clone())),
        None => missing.push(MissingHeader::ReferrerPolicy),
    }
    HeadersVerdict {
        present,
        missing,
        frontend,
    }
}
