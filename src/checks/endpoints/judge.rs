//! Pure decisions of section 5: one recorded answer → a verdict with a typed fault. No I/O, no
//! prose (the words live in `words.rs`).

use crate::engine::model::Status;
use crate::engine::{FaultKind, Row};
use crate::stack::{Backend, Proxy, Stack};
use crate::target::Endpoint;
use url::Url;

/// What went wrong on an `endpoints.*` row, carrying what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointFault {
    /// Django's plain 400 page: the API host is not in ALLOWED_HOSTS.
    DisallowedHost,
    /// A POST was redirected: browsers resend it as GET without the body.
    PostRedirected {
        path: String,
        status: u16,
        location: String,
        cause: PostRedirect,
    },
    /// The expected status, but an HTML page where the SPA expects JSON.
    HtmlNotJson {
        path: String,
        status: u16,
        page: HtmlPage,
    },
    /// A 401 without `WWW-Authenticate: Bearer`.
    NoBearerChallenge { got: Option<String> },
    /// The route redirects to its own URL (SECURE_SSL_REDIRECT behind a proxy that does not say
    /// the client used https): the browser loops until it gives up.
    RedirectsToItself { path: String, status: u16 },
    /// 404; `near_miss` is a variant of the URL that answered, with its status.
    NotFound {
        method: String,
        path: String,
        near_miss: Option<(String, u16)>,
    },
    /// 403 where 401 was expected (SessionAuthentication first).
    ForbiddenNot401,
    /// 500: the view crashed.
    ServerError,
    /// 503 in the app's own words (a failing health check); `body` is an excerpt.
    AppUnavailable { body: String },
    /// 503 maintenance page (a `<title>` such as "Down for maintenance" and/or `Retry-After`):
    /// switched off on purpose, not crashed.
    Maintenance {
        title: Option<String>,
        retry_after: Option<String>,
    },
    /// 502–504 from the proxy: the app is not answering.
    ProxyError { status: u16, page: Option<HtmlPage> },
    /// 405: the route refuses the method.
    MethodNotAllowed { path: String, method: String },
    /// Another redirect (GET): fetch follows it silently.
    Redirected {
        path: String,
        status: u16,
        location: Option<String>,
    },
    /// Any other unexpected status.
    UnexpectedStatus {
        path: String,
        status: u16,
        expected: Vec<u16>,
        page: Option<HtmlPage>,
    },
    /// A debug page (DEBUG = True) served on a route or a path that does not exist.
    DebugPage(DebugPage),
    /// The answer is larger than conncheck reads (`mb` megabytes read).
    Oversized { path: String, mb: usize },
    /// Nothing to judge: the app does not answer as it should (502–504 behind the proxy, or an
    /// error status); the endpoint rows own the cause. `maintenance`: the answer was a
    /// maintenance page.
    AppNotAnswering { status: u16, maintenance: bool },
    /// Setup or maintenance routes answer anonymous requests.
    SetupExposed { paths: Vec<String> },
    /// A path that cannot exist answers 2xx: every path does.
    CatchAll,
    /// 429: a rate limit or a lockout answered, not the route (never the route's own failure).
    RateLimited { path: String, limit: RateLimit },
    /// A fresh access token is refused by a protected route.
    TokenRefused {
        path: String,
        status: u16,
        causes: Vec<TokenCause>,
    },
    /// With a valid token, a protected route answers another status than expected.
    WrongStatusWithToken {
        path: String,
        status: u16,
        expected: Vec<u16>,
    },
    /// Stylesheets or scripts of the backend's HTML pages are missing or answered with HTML.
    StaticMissing { broken: Vec<Asset> },
}

/// Where a redirected POST goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRedirect {
    /// To the same path with a trailing slash (Django's APPEND_SLASH).
    AppendSlash,
    /// To https:// (SECURE_SSL_REDIRECT or the proxy).
    ToHttps,
    Elsewhere,
}

/// What kind of HTML page came back where JSON was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HtmlPage {
    ProxyError {
        title: Option<String>,
    },
    Login {
        title: Option<String>,
    },
    /// The SPA's index.html (a catch-all route).
    SpaIndex,
    Titled(String),
    Untitled,
}

/// A framework's debug page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugPage {
    /// Django's technical 404/500 page (DEBUG = True).
    Django,
}

/// What a 429 told: the limit's name or size, when to come back, and whether it is a lockout.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Seconds from Retry-After (a number, or an HTTP date against the server's Date).
    pub retry_after: Option<u64>,
    /// The limit as the server states it (`RateLimit-Limit`, `X-RateLimit-Limit`,
    /// `RateLimit-Policy`).
    pub limit: Option<String>,
    /// The answer is a login lockout (django-axes and the like), not a request rate.
    pub lockout: bool,
    /// conncheck waited `retry_after` and asked again, and was still limited.
    pub retried: bool,
}

/// Why a fresh token may be refused, most likely first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCause {
    /// Other protected routes accept the same token: this view (or the instance behind it)
    /// verifies with another SIGNING_KEY / SECRET_KEY.
    OtherRoutesAccept,
    /// The token's `iat`/`nbf` is ahead of the server's Date by this many seconds.
    ClockSkew { secs: i64 },
    /// The route challenges with another scheme than the one sent (AUTH_HEADER_TYPES).
    HeaderType { sent: String, challenge: String },
    /// No stronger clue: a signing key that differs between instances is the usual cause.
    SigningKey,
}

/// One stylesheet or script an HTML page of the backend references, and what it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub url: String,
    pub kind: AssetKind,
    /// `None` when the request failed on the network.
    pub status: Option<u16>,
    pub html: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Stylesheet,
    Script,
}

impl Asset {
    pub fn broken(&self) -> bool {
        match self.status {
            // A 429 is the limit's answer, not the file's.
            Some(429) => false,
            Some(s) => !(200..300).contains(&s) || self.html,
            None => true,
        }
    }
}

impl FaultKind for EndpointFault {
    fn key(&self) -> &'static str {
        use EndpointFault::*;
        match self {
            DisallowedHost => "endpoints.disallowed-host",
            PostRedirected { .. } => "endpoints.post-redirected",
            RedirectsToItself { .. } => "endpoints.redirects-to-itself",
            HtmlNotJson { .. } => "endpoints.html-not-json",
            NoBearerChallenge { .. } => "endpoints.no-bearer-challenge",
            NotFound { .. } => "endpoints.not-found",
            ForbiddenNot401 => "endpoints.403-not-401",
            ServerError => "endpoints.server-error",
            AppUnavailable { .. } => "endpoints.app-unavailable",
            Maintenance { .. } => "endpoints.maintenance",
            AppNotAnswering {
                maintenance: true, ..
            } => "endpoints.maintenance",
            ProxyError { .. } => "endpoints.proxy-error",
            AppNotAnswering { status, .. } if (502..=504).contains(status) => {
                "endpoints.proxy-error"
            }
            AppNotAnswering { .. } => "endpoints.not-answering",
            MethodNotAllowed { .. } => "endpoints.method-not-allowed",
            Redirected { .. } => "endpoints.redirected",
            UnexpectedStatus { .. } => "endpoints.unexpected-status",
            DebugPage(_) => "endpoints.debug-page",
            Oversized { .. } => "endpoints.oversized",
            SetupExposed { .. } => "endpoints.setup-exposed",
            CatchAll => "endpoints.catch-all",
            RateLimited { limit, .. } if limit.lockout => "endpoints.login-locked-out",
            RateLimited { .. } => "endpoints.rate-limited",
            TokenRefused { .. } => "endpoints.token-refused",
            WrongStatusWithToken { .. } => "endpoints.wrong-status-with-token",
            StaticMissing { .. } => "endpoints.static-missing",
        }
    }

    fn scope(&self) -> String {
        use EndpointFault::*;
        match self {
            PostRedirected { path, .. }
            | RedirectsToItself { path, .. }
            | HtmlNotJson { path, .. }
            | NotFound { path, .. }
            | MethodNotAllowed { path, .. }
            | Redirected { path, .. }
            | UnexpectedStatus { path, .. }
            | Oversized { path, .. }
            | WrongStatusWithToken { path, .. } => path.clone(),
            _ => String::new(),
        }
    }

    fn depends_on(&self) -> Option<Row> {
        match self {
            EndpointFault::AppNotAnswering { .. } => Some(Row::Endpoint),
            _ => None,
        }
    }
}

/// What one request saw, reduced to what the verdict needs (unit-testable without sockets).
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub method: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub www_authenticate: Option<String>,
    pub location: Option<String>,
    /// The path requested (for the APPEND_SLASH diagnosis).
    pub path: String,
    /// The URL requested.
    pub url: String,
    /// What a 429 said.
    pub rate_limit: Option<RateLimit>,
    /// The `Retry-After` header as sent (bounded).
    pub retry_after: Option<String>,
    /// Django's default security headers together (`X-Frame-Options: DENY` and
    /// `Cross-Origin-Opener-Policy: same-origin`; helmet sends SAMEORIGIN).
    pub django_headers: bool,
}

impl Seen {
    pub fn is_html(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        ct.contains("text/html") || (ct.is_empty() && self.body.trim_start().starts_with('<'))
    }
}

/// Django's technical 404/500 page (DEBUG = True) names the setting on the page itself
/// (django/views/templates/technical_404.html, technical_500.html).
pub fn debug_page(s: &Seen) -> Option<DebugPage> {
    (s.is_html()
        && s.body.contains("DEBUG = True")
        && (s.body.contains("seeing this error") || s.body.contains("URL patterns")))
    .then_some(DebugPage::Django)
}

/// Django's plain 400 page, as answered for a DisallowedHost (django/views/defaults.py
/// `bad_request`): DRF would answer a validation error in JSON instead.
pub fn is_disallowed_host_page(s: &Seen) -> bool {
    s.status == 400 && s.is_html() && s.body.contains("<title>Bad Request (400)</title>")
}

/// A 503 that is a maintenance page rather than a crashed or unreachable app: it says when to
/// come back (`Retry-After`), or it is an HTML page that names maintenance or carries its own
/// title (not a proxy's stock error page). `(title, retry_after)` when it is one.
pub fn maintenance(s: &Seen) -> Option<(Option<String>, Option<String>)> {
    if s.status != 503 {
        return None;
    }
    let title = s.is_html().then(|| title_of(&s.body)).flatten();
    let lower = s.body.to_ascii_lowercase();
    let says = s.is_html()
        && [
            "maintenance",
            "be right back",
            "be back soon",
            "scheduled upgrade",
        ]
        .iter()
        .any(|w| lower.contains(w));
    let own_page = s.is_html() && matches!(html_page(s), HtmlPage::Titled(_));
    (s.retry_after.is_some() || says || own_page).then(|| (title, s.retry_after.clone()))
}

/// The fault for a 502–504 that leaves nothing to judge on a row the endpoint rows own.
pub fn not_answering(s: &Seen) -> EndpointFault {
    EndpointFault::AppNotAnswering {
        status: s.status,
        maintenance: maintenance(s).is_some(),
    }
}

/// Which HTML page came back where JSON was expected.
pub fn html_page(s: &Seen) -> HtmlPage {
    let b = s.body.to_ascii_lowercase();
    let title = title_of(&s.body);
    if (b.contains("bad gateway")
        || b.contains("gateway time")
        || b.contains("service unavailable"))
        || (b.contains("<center>") && (b.contains("nginx") || b.contains("openresty")))
        || b.contains("cloudflare")
    {
        HtmlPage::ProxyError { title }
    } else if b.contains("type=\"password\"")
        || b.contains("csrfmiddlewaretoken")
        || b.contains("log in")
        || b.contains("login")
    {
        HtmlPage::Login { title }
    } else if b.contains("id=\"root\"")
        || b.contains("id=\"app\"")
        || b.contains("<script type=\"module\"")
    {
        HtmlPage::SpaIndex
    } else {
        match title {
            Some(t) => HtmlPage::Titled(t),
            None => HtmlPage::Untitled,
        }
    }
}

fn title_of(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let t = body.get(start..end)?.trim();
    (!t.is_empty()).then(|| t.chars().take(80).collect())
}

/// The verdict on one endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub fault: Option<EndpointFault>,
    /// The failure shows in the console as a failed request.
    pub console: bool,
    /// The answer was a debug page (named on the row, fixed under endpoints.debug).
    pub debug: Option<DebugPage>,
}

impl Verdict {
    fn new(status: Status, fault: Option<EndpointFault>) -> Verdict {
        Verdict {
            status,
            fault,
            console: status == Status::Fail,
            debug: None,
        }
    }
    fn fail(fault: EndpointFault) -> Verdict {
        Verdict::new(Status::Fail, Some(fault))
    }
    fn warn(fault: EndpointFault) -> Verdict {
        Verdict::new(Status::Warn, Some(fault))
    }
    /// A 429: a warning (never the route's own failure) that the console shows as a failed
    /// request.
    pub fn rate_limited(fault: EndpointFault) -> Verdict {
        Verdict {
            console: true,
            ..Verdict::warn(fault)
        }
    }
}

/// Classify one answer against the endpoint map's expectation. `near_miss` is a variant of the
/// URL that answered (only consulted on 404).
pub fn classify(ep: &Endpoint, s: &Seen, near_miss: Option<&(String, u16)>) -> Verdict {
    let base = classify_answer(ep, s, near_miss);
    let Some(page) = debug_page(s) else {
        return base;
    };
    // The route's own problem keeps its fault; the debug page is named and fixed under
    // endpoints.debug.
    if base.status == Status::Fail {
        return Verdict {
            debug: Some(page),
            ..base
        };
    }
    Verdict {
        debug: Some(page),
        ..Verdict::fail(EndpointFault::DebugPage(page))
    }
}

fn classify_answer(ep: &Endpoint, s: &Seen, near_miss: Option<&(String, u16)>) -> Verdict {
    let path = ep.path.clone();
    if is_disallowed_host_page(s) {
        return Verdict::fail(EndpointFault::DisallowedHost);
    }
    if redirects_to_itself(s) {
        return Verdict::fail(EndpointFault::RedirectsToItself {
            path,
            status: s.status,
        });
    }
    if matches!(s.status, 301 | 302 | 303 | 307 | 308) && s.method == "POST" {
        let location = s.location.clone().unwrap_or_default();
        let cause = if location.trim_end_matches('/') == s.path.trim_end_matches('/')
            || location.ends_with(&format!("{}/", s.path))
        {
            PostRedirect::AppendSlash
        } else if location.starts_with("https://") {
            PostRedirect::ToHttps
        } else {
            PostRedirect::Elsewhere
        };
        return Verdict::fail(EndpointFault::PostRedirected {
            path,
            status: s.status,
            location,
            cause,
        });
    }
    if ep.expect.contains(&s.status) {
        return classify_expected(ep, s);
    }
    if let (429, Some(limit)) = (s.status, &s.rate_limit) {
        return Verdict::rate_limited(EndpointFault::RateLimited {
            path,
            limit: limit.clone(),
        });
    }
    classify_unexpected(ep, s, near_miss)
}

/// A redirect whose Location is the requested URL again.
fn redirects_to_itself(s: &Seen) -> bool {
    if !matches!(s.status, 301 | 302 | 303 | 307 | 308) {
        return false;
    }
    let (Ok(here), Some(loc)) = (Url::parse(&s.url), s.location.as_deref()) else {
        return false;
    };
    here.join(loc.trim()).is_ok_and(|there| there == here)
}

fn classify_expected(ep: &Endpoint, s: &Seen) -> Verdict {
    if ep.json && s.is_html() {
        return Verdict::warn(EndpointFault::HtmlNotJson {
            path: ep.path.clone(),
            status: s.status,
            page: html_page(s),
        });
    }
    if ep.auth && s.status == 401 {
        let bearer = s
            .www_authenticate
            .as_deref()
            .is_some_and(|w| w.trim_start().to_ascii_lowercase().starts_with("bearer"));
        if !bearer {
            return Verdict::warn(EndpointFault::NoBearerChallenge {
                got: s.www_authenticate.clone(),
            });
        }
    }
    Verdict::new(Status::Pass, None)
}

fn classify_unexpected(ep: &Endpoint, s: &Seen, near_miss: Option<&(String, u16)>) -> Verdict {
    let path = ep.path.clone();
    match s.status {
        404 => Verdict::fail(EndpointFault::NotFound {
            method: ep.method.clone(),
            path,
            near_miss: near_miss.cloned(),
        }),
        // DRF picks 401 or 403 from the first authentication class on the view: one without an
        // authenticate_header (SessionAuthentication) yields 403 (DRF docs,
        // api-guide/authentication.md, "Unauthorized and Forbidden responses").
        403 if ep.auth && ep.expect.contains(&401) => Verdict::warn(EndpointFault::ForbiddenNot401),
        500 => Verdict::fail(EndpointFault::ServerError),
        503 if maintenance(s).is_some() => {
            let (title, retry_after) = maintenance(s).unwrap_or_default();
            Verdict::fail(EndpointFault::Maintenance { title, retry_after })
        }
        503 if !s.is_html() => Verdict::fail(EndpointFault::AppUnavailable {
            body: s.body.chars().take(120).collect(),
        }),
        502..=504 => Verdict::fail(EndpointFault::ProxyError {
            status: s.status,
            page: s.is_html().then(|| html_page(s)),
        }),
        405 => Verdict::fail(EndpointFault::MethodNotAllowed {
            path,
            method: s.method.clone(),
        }),
        300..=399 => Verdict::warn(EndpointFault::Redirected {
            path,
            status: s.status,
            location: s.location.clone(),
        }),
        st => Verdict::fail(EndpointFault::UnexpectedStatus {
            path,
            status: st,
            expected: ep.expect.clone(),
            page: (ep.json && s.is_html()).then(|| html_page(s)),
        }),
    }
}

/// Whose words a fix is said in: the framework that answered (Django when the answer itself is
/// one of Django's pages, else the recognised backend, else none) and the proxy in front.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Vocab {
    pub backend: Option<Backend>,
    pub proxy: Option<Proxy>,
}

impl Vocab {
    pub fn is_django(&self) -> bool {
        self.backend == Some(Backend::Django)
    }
}

/// Django's own answers: its default security headers, its debug page, its plain 400
/// (DisallowedHost) and its plain 404.
pub fn looks_like_django(s: &Seen) -> bool {
    s.django_headers
        || debug_page(s).is_some()
        || is_disallowed_host_page(s)
        || (s.is_html()
            && s.body.contains("<h1>Not Found</h1>")
            && s.body
                .contains("The requested resource was not found on this server."))
}

/// The vocabulary for an answer `s` from an API whose stack is `stack`.
pub fn vocab(stack: &Stack, s: Option<&Seen>) -> Vocab {
    let backend = if s.is_some_and(looks_like_django) {
        Some(Backend::Django)
    } else {
        stack.backend()
    };
    Vocab {
        backend,
        proxy: stack.config_proxy().or(stack.platform()),
    }
}

/// A 401 without `WWW-Authenticate: Bearer` is how Express, FastAPI, Flask… answer by default
/// and the SPA does not read the header: only Django REST framework's (or an unrecognised
/// API's) is worth a warning, where it means SessionAuthentication answers first.
pub fn for_stack(v: Verdict, vocab: Vocab) -> Verdict {
    let framework_default = vocab.backend.is_some_and(|b| b != Backend::Django);
    match v.fault {
        Some(EndpointFault::NoBearerChallenge { .. }) if framework_default => {
            Verdict::new(Status::Pass, None)
        }
        _ => v,
    }
}

/// The statuses a protected route should answer with a valid token.
pub fn expected_with_token(ep: &Endpoint) -> Vec<u16> {
    ep.expect_with_token.clone().unwrap_or_else(|| vec![200])
}

/// What is known about the token and the route's refusal, to name the likely cause.
#[derive(Debug, Clone, Default)]
pub struct TokenClues {
    /// Another protected route accepted the same token.
    pub accepted_elsewhere: bool,
    /// The token's `iat` (or `nbf` when later) minus the server's Date, in seconds.
    pub ahead_of_server: Option<i64>,
    /// The scheme conncheck sent (`Bearer`).
    pub sent_scheme: String,
}

/// Clock difference beyond which a token may be refused as not yet valid.
pub const SKEW_TOLERANCE_SECS: i64 = 30;

/// The verdict on a protected route called with a fresh, valid token.
pub fn classify_with_token(ep: &Endpoint, s: &Seen, clues: &TokenClues) -> Verdict {
    let path = ep.path.clone();
    let expected = expected_with_token(ep);
    if expected.contains(&s.status) {
        return Verdict::new(Status::Pass, None);
    }
    if let (429, Some(limit)) = (s.status, &s.rate_limit) {
        return Verdict::rate_limited(EndpointFault::RateLimited {
            path,
            limit: limit.clone(),
        });
    }
    if matches!(s.status, 401 | 403) {
        return Verdict::fail(EndpointFault::TokenRefused {
            path,
            status: s.status,
            causes: token_causes(s, clues),
        });
    }
    Verdict::fail(EndpointFault::WrongStatusWithToken {
        path,
        status: s.status,
        expected,
    })
}

fn token_causes(s: &Seen, clues: &TokenClues) -> Vec<TokenCause> {
    let mut causes = Vec::new();
    if let Some(secs) = clues.ahead_of_server.filter(|s| *s > SKEW_TOLERANCE_SECS) {
        causes.push(TokenCause::ClockSkew { secs });
    }
    let challenge = s
        .www_authenticate
        .as_deref()
        .and_then(|w| w.split_whitespace().next())
        .map(str::to_string);
    if let Some(ch) = challenge.filter(|c| !c.eq_ignore_ascii_case(&clues.sent_scheme)) {
        causes.push(TokenCause::HeaderType {
            sent: clues.sent_scheme.clone(),
            challenge: ch,
        });
    }
    if clues.accepted_elsewhere {
        causes.insert(0, TokenCause::OtherRoutesAccept);
    } else {
        causes.push(TokenCause::SigningKey);
    }
    causes
}

/// The row's verdict from the anonymous call and the call with a token: the worse of the two,
/// keeping the anonymous one's on a tie. `true` when the token call's verdict won.
pub fn combine(anon: Verdict, with_token: Verdict) -> (Verdict, bool) {
    if with_token.status.severity() > anon.status.severity() {
        let debug = anon.debug;
        (
            Verdict {
                debug,
                ..with_token
            },
            true,
        )
    } else {
        (anon, false)
    }
}

/// The verdict on the path that cannot exist, for `endpoints.debug`.
pub fn judge_debug(s: &Seen) -> (Status, Option<EndpointFault>) {
    if let (429, Some(limit)) = (s.status, &s.rate_limit) {
        let fault = EndpointFault::RateLimited {
            path: s.path.clone(),
            limit: limit.clone(),
        };
        return (Status::Warn, Some(fault));
    }
    if let Some(page) = debug_page(s) {
        return (Status::Fail, Some(EndpointFault::DebugPage(page)));
    }
    if (502..=504).contains(&s.status) {
        return (Status::Skip, Some(not_answering(s)));
    }
    (Status::Pass, None)
}

/// What the setup-route probes saw.
#[derive(Debug, Clone, Default)]
pub struct ExposureSeen {
    /// `(path, status)` of every probe that answered.
    pub answered: Vec<(String, u16)>,
    /// Every probe answered 502–504.
    pub all_gateway: bool,
    /// One of them was a maintenance page.
    pub maintenance: bool,
    /// A path that cannot exist answered 2xx.
    pub catch_all: bool,
    /// What a 429 among the probes said (the probes it answered are not judged).
    pub rate_limit: Option<RateLimit>,
}

pub fn judge_exposure(e: &ExposureSeen) -> (Status, Option<EndpointFault>) {
    if e.all_gateway {
        let status = e.answered.first().map(|a| a.1).unwrap_or(502);
        let fault = EndpointFault::AppNotAnswering {
            status,
            maintenance: e.maintenance,
        };
        return (Status::Skip, Some(fault));
    }
    let open: Vec<String> = e
        .answered
        .iter()
        .filter(|(_, st)| (200..300).contains(st))
        .map(|(p, _)| p.clone())
        .collect();
    if let (true, Some(limit)) = (open.is_empty(), &e.rate_limit) {
        let fault = EndpointFault::RateLimited {
            path: "setup routes".into(),
            limit: limit.clone(),
        };
        return (Status::Warn, Some(fault));
    }
    if open.is_empty() {
        return (Status::Pass, None);
    }
    if e.catch_all {
        return (Status::Warn, Some(EndpointFault::CatchAll));
    }
    (
        Status::Fail,
        Some(EndpointFault::SetupExposed { paths: open }),
    )
}

/// The verdict on the static files of the backend's HTML pages.
pub fn judge_static(assets: &[Asset]) -> (Status, Option<EndpointFault>) {
    let broken: Vec<Asset> = assets.iter().filter(|a| a.broken()).cloned().collect();
    if let (true, Some(a)) = (
        broken.is_empty(),
        assets.iter().find(|a| a.status == Some(429)),
    ) {
        let fault = EndpointFault::RateLimited {
            path: a.url.clone(),
            limit: RateLimit::default(),
        };
        return (Status::Warn, Some(fault));
    }
    if broken.is_empty() {
        (Status::Pass, None)
    } else {
        (Status::Fail, Some(EndpointFault::StaticMissing { broken }))
    }
}

/// URL variants a 404 may be a near miss of: trailing slash toggled, the API base prefix
/// dropped, v1↔v2.
pub fn variants(api_base: &Url, url: &Url) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    let path = url.path();
    let mut push = |p: String| {
        let mut u = url.clone();
        u.set_path(&p);
        if u != *url && !out.contains(&u) {
            out.push(u);
        }
    };
    if let Some(p) = path.strip_suffix('/') {
        push(p.to_string());
    } else {
        push(format!("{path}/"));
    }
    let base = api_base.path();
    if base != "/" {
        if let Some(rest) = path.strip_prefix(base) {
            push(format!("/{rest}"));
        }
    }
    for (a, b) in [("/v1/", "/v2/"), ("/v2/", "/v1/")] {
        if path.contains(a) {
            push(path.replacen(a, b, 1));
        }
    }
    out
}
