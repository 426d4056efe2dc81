//! The CORS module's prose: evidence lines, verdict lines, fixes, and the rows worded from the
//! judgements of `judge.rs`. Chrome's own console text is in `chrome.rs`.

use super::calls::ApiCall;
use super::decide::{Call, CorsError, Recorded};
use super::judge::{
    cors_middleware_active, looks_like_django, CacheJudgement, MaxAge, ProbeAnswer, ProbeKind,
    Security, CHROME_DEFAULT_MAX_AGE, CHROME_MAX_AGE_CAP,
};
use super::redirect::{Block, Chain, Leg, Page, MAX_REDIRECTS};
use crate::model::Finding;
use crate::target::Origin;
use url::Url;

pub fn describe_preflight(url: &Url, origin: &str, call: &Call) -> String {
    let mut s = format!(
        "for OPTIONS {url} (Origin: {origin}; Access-Control-Request-Method: {}",
        call.method
    );
    if let Some(h) = call.request_headers_value() {
        s.push_str(&format!("; Access-Control-Request-Headers: {h}"));
    }
    s.push(')');
    s
}

/// The CORS-relevant part of a response, every value shown (duplicates too).
pub fn describe_response(rec: &Recorded, names: &[&str]) -> String {
    let mut parts = vec![format!("HTTP {}", rec.status)];
    for name in names {
        let vals = rec.values(name);
        if vals.is_empty() {
            if name.starts_with("access-control-allow-") || *name == "vary" {
                parts.push(format!("no {name}"));
            }
        } else {
            for v in vals {
                parts.push(format!("{name}: {v}"));
            }
        }
    }
    parts.join("; ")
}

pub const PREFLIGHT_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "vary",
];
pub const ACTUAL_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "vary",
    "server",
];

/// The fault in a few words, leading the evidence so a narrow table still shows it.
pub fn verdict_line(err: &CorsError, rec: &Recorded, origin: &str) -> String {
    match err {
        CorsError::MissingAllowOrigin { .. } => "no Access-Control-Allow-Origin".into(),
        CorsError::MultipleAllowOriginValues { value, .. } => {
            let n = rec.values("access-control-allow-origin").len();
            if n > 1 {
                format!("Access-Control-Allow-Origin sent {n} times")
            } else {
                format!("Access-Control-Allow-Origin lists several origins ('{value}')")
            }
        }
        CorsError::InvalidAllowOriginValue { value, .. }
        | CorsError::AllowOriginMismatch { value, .. } => {
            format!("Access-Control-Allow-Origin is '{value}', not '{origin}'")
        }
        CorsError::WildcardOriginNotAllowed { .. } => {
            "Access-Control-Allow-Origin is * on a request with credentials".into()
        }
        CorsError::InvalidAllowCredentials { value, .. } if value.is_empty() => {
            "no Access-Control-Allow-Credentials on a request with credentials".into()
        }
        CorsError::InvalidAllowCredentials { value, .. } => {
            format!("Access-Control-Allow-Credentials is '{value}', not 'true'")
        }
        CorsError::PreflightInvalidStatus { status } => {
            format!("preflight answered HTTP {status}, not 2xx")
        }
        CorsError::PreflightDisallowedRedirect { status, location } => {
            format!("preflight redirected (HTTP {status} to {location})")
        }
        CorsError::InvalidAllowMethods => "Access-Control-Allow-Methods cannot be parsed".into(),
        CorsError::InvalidAllowHeaders => "Access-Control-Allow-Headers cannot be parsed".into(),
        CorsError::MethodDisallowed { method } => {
            format!("Access-Control-Allow-Methods lacks {method}")
        }
        CorsError::HeaderDisallowed { header } => {
            format!("Access-Control-Allow-Headers lacks {header}")
        }
    }
}

pub struct HintCtx<'a> {
    pub origin: &'a str,
    pub url: &'a Url,
    pub rec: &'a Recorded,
    pub preflight: bool,
    pub endpoint_row: Option<&'a str>,
    pub localhost_default: bool,
    pub include: bool,
}

/// One concrete fix, in django-cors-headers' / the proxy's words where the answer shows them.
pub fn hint(err: &CorsError, h: &HintCtx) -> String {
    let o = h.origin;
    let django = looks_like_django(h.rec);
    let status = h.rec.status;
    match err {
        CorsError::MissingAllowOrigin { .. } if status >= 500 || (!h.preflight && status >= 400 && !cors_middleware_active(h.rec)) => {
            let source = match h.rec.combined("server") {
                Some(s) => format!("an error page from {s}, the proxy"),
                None => "an error answered before the CORS middleware ran".to_string(),
            };
            let row = h
                .endpoint_row
                .map(|r| format!(" (see the {r} row)"))
                .unwrap_or_default();
            format!(
                "not a CORS setting: the API answered HTTP {status} without CORS headers ({source}), and the browser reports that as a CORS error hiding the real status. Fix the HTTP {status} first{row}; to see real errors in the page, make error responses carry the CORS headers too (nginx: add_header Access-Control-Allow-Origin $http_origin always; for allowed origins)"
            )
        }
        CorsError::MissingAllowOrigin { .. } if h.localhost_default => format!(
            "only the localhost defaults are allowed: http://localhost:3000 passes but {o} does not, so CORS_ALLOWED_ORIGINS came from its default ('http://localhost:3000,http://127.0.0.1:3000') because the environment variable is unset. Set CORS_ALLOWED_ORIGINS={o} (comma-separated, no trailing slash) in the platform's environment and redeploy"
        ),
        CorsError::MissingAllowOrigin { .. } if cors_middleware_active(h.rec) => format!(
            "the CORS middleware runs but does not allow {o}: add exactly '{o}' to CORS_ALLOWED_ORIGINS (django-cors-headers; scheme, host and port must match byte for byte, no trailing slash or path). When settings read it from the environment (os.environ.get('CORS_ALLOWED_ORIGINS', '')), set the variable where the app runs and redeploy"
        ),
        CorsError::MissingAllowOrigin { .. } if django => format!(
            "no CORS headers at all: django-cors-headers is not active. Add 'corsheaders' to INSTALLED_APPS and 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE (before CommonMiddleware), with CORS_ALLOWED_ORIGINS = ['{o}']"
        ),
        CorsError::MissingAllowOrigin { .. } => format!(
            "the API sends no Access-Control-Allow-Origin: allow {o} in its CORS configuration (django-cors-headers: CORS_ALLOWED_ORIGINS = ['{o}'], CorsMiddleware first in MIDDLEWARE)"
        ),
        CorsError::MultipleAllowOriginValues { value, .. } => {
            let n = h.rec.values("access-control-allow-origin").len();
            if n > 1 {
                format!(
                    "Access-Control-Allow-Origin is sent {n} times ({value}): the proxy adds it and the app adds it again. Keep one: remove `add_header Access-Control-Allow-Origin` from the nginx config (or the Traefik headers middleware's accessControlAllowOriginList), or drop the app's copy with `proxy_hide_header Access-Control-Allow-Origin`; django-cors-headers alone already answers correctly"
                )
            } else {
                format!(
                    "the header lists several origins in one value ('{value}'): a server must echo the one requesting origin. django-cors-headers does that from CORS_ALLOWED_ORIGINS; a fixed nginx add_header cannot"
                )
            }
        }
        CorsError::WildcardOriginNotAllowed { .. } => format!(
            "'*' is refused when the request carries credentials: answer with the origin itself. Remove `add_header Access-Control-Allow-Origin *` from the proxy and let django-cors-headers echo the origin (CORS_ALLOWED_ORIGINS = ['{o}'], CORS_ALLOW_CREDENTIALS = True); or, if the SPA needs no cookies, drop axios withCredentials (then check with --no-credentials)"
        ),
        CorsError::InvalidAllowCredentials { value, .. } => format!(
            "the request carries credentials (axios withCredentials) but the answer has {}: set CORS_ALLOW_CREDENTIALS = True (django-cors-headers then sends Access-Control-Allow-Credentials: true); or, if the SPA authenticates with a bearer token only, drop withCredentials (then check with --no-credentials)",
            if value.is_empty() { "no Access-Control-Allow-Credentials".to_string() } else { format!("Access-Control-Allow-Credentials: {value}") }
        ),
        CorsError::AllowOriginMismatch { value, .. } | CorsError::InvalidAllowOriginValue { value, .. } => {
            let trimmed = value.trim_end_matches('/');
            if trimmed == o || (value.starts_with(o) && value.len() > o.len()) {
                format!(
                    "the configured origin has a trailing slash or path ('{value}'): an origin is scheme://host[:port] only; write '{o}' in CORS_ALLOWED_ORIGINS (django-cors-headers rejects paths) or in the proxy's header"
                )
            } else {
                format!(
                    "the API answers for another origin ('{value}'): it must echo '{o}' exactly. A fixed `add_header Access-Control-Allow-Origin {value}` serves one origin only; let django-cors-headers choose from CORS_ALLOWED_ORIGINS = ['{o}', …]"
                )
            }
        }
        CorsError::PreflightInvalidStatus { status } => format!(
            "the OPTIONS preflight is answered HTTP {status}: preflights must get a 2xx. Put 'corsheaders.middleware.CorsMiddleware' first in MIDDLEWARE so it answers OPTIONS before authentication and routing, and let the proxy pass OPTIONS through (no auth or method filter on it)"
        ),
        CorsError::PreflightDisallowedRedirect { status, location } => redirect_hint(*status, location, h),
        CorsError::MethodDisallowed { method } => format!(
            "add {method} to the allowed methods: CORS_ALLOW_METHODS = (*default_methods, …) with `from corsheaders.defaults import default_methods` (the default already lists DELETE, GET, OPTIONS, PATCH, POST, PUT)"
        ),
        CorsError::HeaderDisallowed { header } => {
            let star = h
                .rec
                .combined("access-control-allow-headers")
                .is_some_and(|v| v.split(',').any(|x| x.trim() == "*"));
            let why = if star && header == "authorization" {
                "'*' never covers Authorization, so list it by name. "
            } else if star && h.include {
                "'*' is only a wildcard for requests without credentials. "
            } else {
                ""
            };
            format!(
                "{why}Allow the request header '{header}': CORS_ALLOW_HEADERS = (*default_headers, …) with `from corsheaders.defaults import default_headers` (the default includes authorization and content-type; a custom list that drops them breaks login and authenticated calls)"
            )
        }
        CorsError::InvalidAllowMethods | CorsError::InvalidAllowHeaders => {
            "the allow list must be comma-separated tokens (e.g. `accept, authorization, content-type`); fix the proxy or middleware that writes it".to_string()
        }
    }
}

pub fn redirect_hint(status: u16, location: &str, h: &HintCtx) -> String {
    let from = h.url;
    let Ok(to) = from.join(location) else {
        return format!("the preflight is redirected (HTTP {status}) to an invalid location '{location}': answer OPTIONS at this URL with 2xx");
    };
    let head = format!(
        "the preflight is redirected (HTTP {status} to {to}) and browsers never follow a preflight redirect: "
    );
    let fix = if from.scheme() == "http" && to.scheme() == "https" {
        "call the API over https:// in the frontend's API base URL (REACT_APP_API_BASE_URL); SECURE_SSL_REDIRECT or the proxy's HTTP→HTTPS redirect sends it there".to_string()
    } else if from.host_str() != to.host_str()
        || from.port_or_known_default() != to.port_or_known_default()
    {
        format!(
            "the proxy moves {} to {}; point the frontend's API base URL (REACT_APP_API_BASE_URL) at the final host, or drop that host redirect for the API",
            from.host_str().unwrap_or_default(),
            to.host_str().unwrap_or_default()
        )
    } else if to.path() == format!("{}/", from.path()) {
        format!(
            "Django's APPEND_SLASH answered it, so CommonMiddleware runs before CorsMiddleware: move 'corsheaders.middleware.CorsMiddleware' to the top of MIDDLEWARE, and call {} with its trailing slash as the routes are written",
            to.path()
        )
    } else {
        "call the final URL directly from the frontend (REACT_APP_API_BASE_URL)".to_string()
    };
    format!("{head}{fix}")
}

pub fn regex_escape(host: &str) -> String {
    host.replace('.', "\\.")
}

/// How each probe class is named in the security row.
pub fn probe_kind(k: ProbeKind) -> &'static str {
    match k {
        ProbeKind::Foreign => "a foreign site",
        ProbeKind::Null => "the opaque origin of sandboxed iframes and file: pages",
        ProbeKind::Prefix => "the origin as a prefix",
        ProbeKind::Suffix => "the origin as a suffix",
        ProbeKind::Subdomain => "a subdomain",
        ProbeKind::HttpDowngrade => "the http:// downgrade",
        ProbeKind::UnescapedDot => "an unescaped-dot look-alike",
        ProbeKind::EncodedBacktick => "a backtick (%60) trick",
        ProbeKind::Backtick => "a backtick trick",
        ProbeKind::Underscore => "an underscore trick",
    }
}

/// What the security row reports besides the verdict.
pub struct ProbeReport<'a> {
    pub host: &'a str,
    pub label: &'a str,
    pub answers: &'a [ProbeAnswer],
    pub unanswered: usize,
}

/// The security row, worded from the judgement.
pub fn security_row(f: Finding, r: &ProbeReport, verdict: &Security) -> Finding {
    let name = |i: &usize| {
        let (k, p, _) = &r.answers[*i];
        format!("{p} ({})", probe_kind(*k))
    };
    let sent = format!(
        "sent {} preflights for {} from untrusted origins",
        r.answers.len(),
        r.label
    );
    let unanswered = if r.unanswered > 0 {
        format!("; {} probe(s) got no answer", r.unanswered)
    } else {
        String::new()
    };
    match verdict {
        Security::Inconclusive { status } => f.skip().detail(format!(
            "inconclusive: every probe preflight was answered HTTP {status}, so no origin gets in, but only because preflights fail for everyone (see cors.preflight)"
        )),
        Security::Reflected { with_credentials, any_origin } => {
            let fix = if *any_origin {
                "the API echoes any Origin with credentials: remove CORS_ALLOW_ALL_ORIGINS (or the hand-written middleware / nginx `add_header Access-Control-Allow-Origin $http_origin` that reflects the Origin) and list exact origins in CORS_ALLOWED_ORIGINS".to_string()
            } else {
                format!(
                    "the origin matching is loose: list exact origins in CORS_ALLOWED_ORIGINS, and anchor and escape every CORS_ALLOWED_ORIGIN_REGEXES pattern (r\"^https://(www\\.)?{}$\"); never allow null or http://",
                    regex_escape(r.host)
                )
            };
            let list: Vec<String> = with_credentials.iter().map(name).collect();
            f.fail()
                .detail(format!(
                    "{sent}; allowed with credentials: {}{unanswered} — any page on those origins can read users' data with their cookies",
                    list.join(", ")
                ))
                .hint(fix)
        }
        Security::Open { without, wildcard } => {
            let what = if *wildcard {
                "answered Access-Control-Allow-Origin: * to every probe".to_string()
            } else {
                let list: Vec<String> = without.iter().map(name).collect();
                format!("allowed without credentials: {}", list.join(", "))
            };
            f.warn()
                .detail(format!("{sent}; {what}{unanswered}; other sites can read every response that needs no cookie"))
                .hint("an authenticated API should answer only its own frontends: set CORS_ALLOWED_ORIGINS to them instead of CORS_ALLOW_ALL_ORIGINS / a reflected or '*' origin")
        }
        Security::Refused => f.pass().detail(format!(
            "{sent}: every one refused ({}){unanswered}",
            r.answers
                .iter()
                .map(|(_, p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The cache row, worded from the judgement over the actual responses.
pub fn cache_row(f: Finding, origin: &Origin, seen_any: bool, j: &CacheJudgement) -> Finding {
    if j.naming_origin == 0 {
        return f.skip().detail(if seen_any {
            format!("not checked: no actual response named {origin} in Access-Control-Allow-Origin (see cors.actual)")
        } else {
            "not checked: no actual CORS response was received (see cors.preflight and cors.actual)".to_string()
        });
    }
    let age = match j.max_age {
        MaxAge::Capped(a) => format!(
            "preflights may be cached for {a} s (Access-Control-Max-Age; Chrome caps it at {CHROME_MAX_AGE_CAP} s)"
        ),
        MaxAge::Seconds(a) => format!("preflights may be cached for {a} s (Access-Control-Max-Age)"),
        MaxAge::NoPreflightPassed => "no preflight passed, so no preflight cache".to_string(),
        MaxAge::Missing => format!(
            "no Access-Control-Max-Age: Chrome repeats each preflight after {CHROME_DEFAULT_MAX_AGE} s (CORS_PREFLIGHT_MAX_AGE sets it)"
        ),
    };
    if j.missing_vary.is_empty() {
        return f.pass().detail(format!(
            "all {} actual responses naming {origin} carry Vary: Origin; {age}",
            j.naming_origin
        ));
    }
    f.warn()
        .detail(format!(
            "{} of {} actual responses name {origin} in Access-Control-Allow-Origin without Vary: Origin ({}); {age}",
            j.missing_vary.len(),
            j.naming_origin,
            j.missing_vary.join(", ")
        ))
        .hint("send Vary: Origin on every response whose Access-Control-Allow-Origin depends on the request's Origin, or a shared cache (CDN, proxy_cache) can serve one origin's answer to another and break CORS for it. django-cors-headers adds it itself, so look for a proxy or cache layer that drops or overwrites Vary (nginx: add_header Vary Origin always;)")
}

/// A preflight that passes only because `*` covered `Authorization`.
pub fn wildcard_authorization_warning(f: Finding, detail: &str) -> Finding {
    f.warn()
        .detail(format!(
            "allowed by Chrome, which lets Access-Control-Allow-Headers: * stand for Authorization on a request without credentials: {detail}"
        ))
        .hint("list authorization by name (CORS_ALLOW_HEADERS = (*default_headers, …) with `from corsheaders.defaults import default_headers`, or `Access-Control-Allow-Headers: authorization, content-type`): the Fetch standard says '*' never covers Authorization, Firefox follows it and refuses this preflight, and Chrome only warns today (Safari, per WebKit's source, lets it through like Chrome)")
}

/// One hop as it left: "POST https://api/x (Origin: https://app; Authorization sent)".
pub fn describe_leg(leg: &Leg, page_origin: &str, first: bool) -> String {
    let auth = match (leg.has_authorization(), first) {
        (true, _) => "; Authorization sent",
        (false, false) => "; no Authorization",
        (false, true) => "",
    };
    format!(
        "{} {} (Origin: {}{auth})",
        leg.method,
        leg.url,
        leg.origin_value(page_origin)
    )
}

/// The chain: each request as it left and the answer it got, and where it stopped.
pub fn describe_chain(chain: &Chain, page_origin: &str) -> String {
    let mut parts = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let mut s = format!(
            "hop {}: {}",
            i + 1,
            describe_leg(&hop.leg, page_origin, i == 0)
        );
        if let Some(p) = &hop.preflight {
            s.push_str(&format!(" after a preflight answered HTTP {}", p.status));
        }
        if let Some(r) = &hop.response {
            s.push_str(&format!(" → {}", describe_response(r, ACTUAL_HEADERS)));
        }
        parts.push(s);
    }
    parts.join("; ")
}

/// The fault of a blocked hop in a few words.
pub fn block_line(block: &Block, chain: &Chain, page_origin: &str) -> String {
    let hop = chain.hops.len();
    let last = chain.hops.last();
    let rec = last.and_then(|h| h.response.as_ref().or(h.preflight.as_ref()));
    let empty = Recorded::default();
    match block {
        Block::Cors(e) | Block::Preflight(e) => {
            let origin = last.map_or(page_origin, |h| h.leg.origin_value(page_origin));
            let which = if matches!(block, Block::Preflight(_)) {
                "the preflight of "
            } else {
                ""
            };
            format!(
                "blocked at {which}hop {hop}: {}",
                verdict_line(e, rec.unwrap_or(&empty), origin)
            )
        }
        Block::MixedContent(u) => format!(
            "blocked after hop {hop}: it redirects to {u}, plain http:// from an HTTPS page (Mixed Content), so the browser sends nothing there"
        ),
        Block::TooManyRedirects => format!(
            "blocked after hop {hop}: Chrome follows at most {MAX_REDIRECTS} redirects"
        ),
        Block::InvalidLocation(l) => format!("blocked after hop {hop}: the Location '{l}' is not a URL"),
        Block::LocationWithCredentials(u) => format!(
            "blocked after hop {hop}: the Location {u} carries a username and password"
        ),
    }
}

/// The fix for a call blocked on a redirect.
pub fn chain_hint(block: &Block, chain: &Chain) -> String {
    let first = chain
        .hops
        .first()
        .map(|h| h.leg.url.to_string())
        .unwrap_or_default();
    let last = chain
        .hops
        .last()
        .map(|h| h.leg.url.to_string())
        .unwrap_or_default();
    let direct = format!(
        "the API redirects {first}: call the final URL directly from the frontend (REACT_APP_API_BASE_URL, and the route's trailing slash as Django writes it) so the call needs no redirect"
    );
    match block {
        Block::MixedContent(u) => format!(
            "the redirect sends the call to {u} over plain HTTP: make the API redirect to https:// (SECURE_PROXY_SSL_HEADER behind a TLS-terminating proxy, so Django builds https:// URLs), or {direct}"
        ),
        Block::TooManyRedirects => format!(
            "the redirects loop: {last} is never answered. Look for an HTTP↔HTTPS or slash/no-slash redirect pair between the proxy and the app (SECURE_SSL_REDIRECT without SECURE_PROXY_SSL_HEADER loops behind a TLS proxy)"
        ),
        Block::Cors(_) | Block::Preflight(_) if chain.hops.iter().any(|h| h.leg.tainted) => format!(
            "after the hop to another origin the browser sends Origin: null and drops Authorization, so {last} must allow the origin 'null' — which it must not do for an authenticated API: {direct}"
        ),
        _ => format!(
            "every hop must pass CORS, the redirects too ({last} failed): {direct}"
        ),
    }
}

/// A call to http:// from an HTTPS page: Mixed Content blocks it before any CORS.
pub fn insecure_call_rows(
    preflight: Finding,
    actual: Finding,
    c: &ApiCall,
    page: &Page,
    needs_preflight: bool,
) -> Vec<Finding> {
    let mut rows = Vec::new();
    if needs_preflight {
        rows.push(preflight.skip().detail(format!(
            "not sent: {} is plain http:// and the page is HTTPS, so Mixed Content blocks the call before any preflight (see cors.actual)",
            c.url
        )));
    }
    rows.push(
        actual
            .fail()
            .detail(format!(
                "{} {} is plain http:// from the HTTPS page {}: Mixed Content, the browser sends nothing",
                c.call.method, c.url, page.origin
            ))
            .hint("call the API over https:// (the frontend's API base URL, REACT_APP_API_BASE_URL, at build time)")
            .browser_error(crate::checks::frontend::mixed_xhr_message(
                &page.parsed_url(),
                c.url.as_str(),
            )),
    );
    rows
}

/// The page reads the answer (after `redirected` hops or none).
pub fn actual_read(
    f: Finding,
    chain: &Chain,
    origin: &str,
    summary: &str,
    redirected: bool,
    sent: &str,
) -> Finding {
    let last = chain
        .hops
        .last()
        .and_then(|h| h.response.clone())
        .unwrap_or_default();
    let resp = describe_response(&last, ACTUAL_HEADERS);
    if !redirected {
        return f.pass().detail(format!(
            "allowed: {resp}; the page can read this {summary} — {sent}"
        ));
    }
    f.pass().detail(format!(
        "allowed after {} redirect(s), each hop passing CORS: {}; the page reads the last answer, {summary} — {sent}",
        chain.hops.len() - 1,
        describe_chain(chain, origin)
    ))
}

/// The call's only response fails the CORS check.
pub fn actual_blocked(f: Finding, err: &CorsError, h: &HintCtx, sent: &str) -> Finding {
    let resp = describe_response(h.rec, ACTUAL_HEADERS);
    let hidden = if matches!(err, CorsError::MissingAllowOrigin { .. }) {
        format!(
            "; the real status, HTTP {}, is hidden from the page: it sees only a CORS error (axios: \"Network Error\")",
            h.rec.status
        )
    } else {
        String::new()
    };
    f.fail()
        .detail(format!(
            "{}: {resp}{hidden} — {sent}",
            verdict_line(err, h.rec, h.origin)
        ))
        .hint(hint(err, h))
}

/// A call stopped on its redirect chain: the chain, which hop blocked, the fix.
pub fn chain_blocked(f: Finding, chain: &Chain, block: &Block, page: &Page, sent: &str) -> Finding {
    f.fail()
        .detail(format!(
            "{}: {} — {sent}",
            block_line(block, chain, &page.origin),
            describe_chain(chain, &page.origin)
        ))
        .hint(chain_hint(block, chain))
}

#[cfg(test)]
mod tests {
    use super::super::judge::{judge_cache, judge_probes, ProbeVerdict};
    use super::*;
    use crate::model::{Module, Status};

    #[test]
    fn probe_answers_decide_the_security_row() {
        use ProbeVerdict::*;
        let probes_row = |a: &[ProbeAnswer], not_ok: &[u16], unanswered: usize, auth: bool| {
            let r = ProbeReport {
                host: "x.test",
                label: "GET auth/profile/",
                answers: a,
                unanswered,
            };
            security_row(
                Finding::new(Module::Cors, "security", "t"),
                &r,
                &judge_probes(a, not_ok, auth),
            )
        };
        let v = |list: &[(ProbeKind, &str, ProbeVerdict)]| -> Vec<ProbeAnswer> {
            list.iter()
                .map(|(w, p, x)| (*w, p.to_string(), *x))
                .collect()
        };
        let refused = v(&[
            (ProbeKind::Foreign, "https://evil.example", Refused),
            (ProbeKind::Subdomain, "https://evil.x.test", Refused),
        ]);
        let reflect = v(&[
            (
                ProbeKind::Foreign,
                "https://evil.example",
                AllowedWithCredentials,
            ),
            (
                ProbeKind::Subdomain,
                "https://evil.x.test",
                AllowedWithCredentials,
            ),
        ]);
        let loose = v(&[
            (ProbeKind::Foreign, "https://evil.example", Refused),
            (
                ProbeKind::Suffix,
                "https://evilx.test",
                AllowedWithCredentials,
            ),
        ]);
        let echo = v(&[(ProbeKind::Foreign, "https://evil.example", Allowed)]);
        let star = v(&[(ProbeKind::Foreign, "https://evil.example", Wildcard)]);
        type Case<'a> = (&'a str, &'a [ProbeAnswer], &'a [u16], bool, Status, &'a str);
        let table: Vec<Case> = vec![
            (
                "all refused",
                &refused,
                &[],
                true,
                Status::Pass,
                "every one refused",
            ),
            (
                "all refused by failing preflights",
                &refused,
                &[301, 301],
                true,
                Status::Skip,
                "inconclusive",
            ),
            (
                "reflection",
                &reflect,
                &[],
                true,
                Status::Fail,
                "CORS_ALLOW_ALL_ORIGINS",
            ),
            (
                "loose match",
                &loose,
                &[],
                true,
                Status::Fail,
                "CORS_ALLOWED_ORIGIN_REGEXES",
            ),
            (
                "echo without credentials",
                &echo,
                &[],
                false,
                Status::Warn,
                "CORS_ALLOWED_ORIGINS",
            ),
            (
                "star on authenticated API",
                &star,
                &[],
                true,
                Status::Warn,
                "CORS_ALLOWED_ORIGINS",
            ),
            (
                "star on a public API",
                &star,
                &[],
                false,
                Status::Pass,
                "every one refused",
            ),
        ];
        for (name, verdicts, not_ok, auth, want, phrase) in table {
            let got = probes_row(verdicts, not_ok, 0, auth);
            assert_eq!(got.status, want, "{name}: {}", got.detail);
            let text = format!("{} {}", got.detail, got.hint.unwrap_or_default());
            assert!(text.contains(phrase), "{name}: '{phrase}' not in {text}");
        }
        let partial = probes_row(&refused, &[], 3, true);
        assert!(
            partial.detail.contains("3 probe(s) got no answer"),
            "{}",
            partial.detail
        );
    }

    #[test]
    fn cache_row_wants_vary_where_the_origin_is_named() {
        let cache_at = |o: &Origin, seen: &[(String, Recorded)], ages: &[Option<u64>]| {
            let f = Finding::new(Module::Cors, "cache", "t");
            cache_row(f, o, !seen.is_empty(), &judge_cache(seen, ages))
        };
        let o = Origin::parse("https://x.test").unwrap();
        let named = |vary: bool| {
            let mut h = vec![("access-control-allow-origin", "https://x.test")];
            if vary {
                h.push(("vary", "Origin"));
            }
            ("GET a/".to_string(), Recorded::new(200, &h))
        };
        let star = (
            "GET b/".to_string(),
            Recorded::new(200, &[("access-control-allow-origin", "*")]),
        );
        let r = cache_at(&o, &[named(true), star.clone()], &[Some(600)]);
        assert_eq!(r.status, Status::Pass, "{}", r.detail);
        assert!(r.detail.contains("600 s"), "{}", r.detail);
        let r = cache_at(&o, &[named(false)], &[Some(86400)]);
        assert_eq!(r.status, Status::Warn, "{}", r.detail);
        assert!(
            r.detail.contains("Chrome caps it at 7200 s"),
            "{}",
            r.detail
        );
        let r = cache_at(&o, &[named(true)], &[None]);
        assert!(r.detail.contains("after 5 s"), "{}", r.detail);
        assert_eq!(cache_at(&o, &[star], &[]).status, Status::Skip);
        assert_eq!(cache_at(&o, &[], &[]).status, Status::Skip);
    }

    #[test]
    fn verdict_lines_name_the_fault() {
        let o = "https://tiktrue.com";
        let dup = Recorded::new(
            200,
            &[
                ("access-control-allow-origin", o),
                ("access-control-allow-origin", o),
            ],
        );
        let one = Recorded::new(
            200,
            &[(
                "access-control-allow-origin",
                "https://a.test, https://b.test",
            )],
        );
        let none = Recorded::default();
        let table: Vec<(CorsError, &Recorded, &str)> = vec![
            (
                CorsError::MissingAllowOrigin { preflight: true },
                &none,
                "no Access-Control-Allow-Origin",
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: format!("{o}, {o}"),
                },
                &dup,
                "sent 2 times",
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: "https://a.test, https://b.test".into(),
                },
                &one,
                "lists several origins",
            ),
            (
                CorsError::AllowOriginMismatch {
                    preflight: false,
                    value: "https://tiktrue.com/".into(),
                },
                &none,
                "is 'https://tiktrue.com/', not 'https://tiktrue.com'",
            ),
            (
                CorsError::WildcardOriginNotAllowed { preflight: true },
                &none,
                "is * on a request with credentials",
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new(),
                },
                &none,
                "no Access-Control-Allow-Credentials",
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: "TRUE".into(),
                },
                &none,
                "is 'TRUE', not 'true'",
            ),
            (
                CorsError::PreflightInvalidStatus { status: 405 },
                &none,
                "HTTP 405",
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 308,
                    location: "https://x/".into(),
                },
                &none,
                "redirected (HTTP 308 to https://x/)",
            ),
            (
                CorsError::MethodDisallowed {
                    method: "PUT".into(),
                },
                &none,
                "Methods lacks PUT",
            ),
            (
                CorsError::HeaderDisallowed {
                    header: "x-api-key".into(),
                },
                &none,
                "Headers lacks x-api-key",
            ),
            (CorsError::InvalidAllowHeaders, &none, "cannot be parsed"),
        ];
        for (err, rec, want) in table {
            let got = verdict_line(&err, rec, o);
            assert!(got.contains(want), "{err:?}: {got}");
        }
    }

    fn hctx<'a>(rec: &'a Recorded, url: &'a Url, preflight: bool, lh: bool) -> HintCtx<'a> {
        HintCtx {
            origin: "https://tiktrue.com",
            url,
            rec,
            preflight,
            endpoint_row: Some("endpoints.login"),
            localhost_default: lh,
            include: true,
        }
    }

    #[test]
    fn hints_name_the_stack_and_the_cause() {
        let url = Url::parse("https://api.tiktrue.com/api/v1/auth/login/").unwrap();
        let missing = CorsError::MissingAllowOrigin { preflight: true };
        let django_refused = Recorded::new(
            200,
            &[
                ("vary", "origin"),
                ("access-control-allow-credentials", "true"),
                ("x-frame-options", "DENY"),
                ("cross-origin-opener-policy", "same-origin"),
            ],
        );
        let bare_django = Recorded::new(
            200,
            &[
                ("x-frame-options", "DENY"),
                ("cross-origin-opener-policy", "same-origin"),
            ],
        );
        let bad_gateway = Recorded::new(502, &[("server", "nginx")]);
        let table: Vec<(CorsError, Recorded, bool, bool, &[&str])> = vec![
            (
                missing.clone(),
                django_refused.clone(),
                true,
                true,
                &[
                    "CORS_ALLOWED_ORIGINS=https://tiktrue.com",
                    "environment variable is unset",
                    "localhost:3000",
                ],
            ),
            (
                missing.clone(),
                django_refused.clone(),
                true,
                false,
                &[
                    "add exactly 'https://tiktrue.com' to CORS_ALLOWED_ORIGINS",
                    "no trailing slash",
                ],
            ),
            (
                missing.clone(),
                bare_django,
                true,
                false,
                &[
                    "INSTALLED_APPS",
                    "corsheaders.middleware.CorsMiddleware",
                    "MIDDLEWARE",
                ],
            ),
            (
                CorsError::MissingAllowOrigin { preflight: false },
                bad_gateway,
                false,
                false,
                &[
                    "HTTP 502",
                    "nginx",
                    "endpoints.login",
                    "hiding the real status",
                ],
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: "a, a".into(),
                },
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-origin", "a"),
                        ("access-control-allow-origin", "a"),
                    ],
                ),
                true,
                false,
                &["2 times", "add_header", "Traefik"],
            ),
            (
                CorsError::WildcardOriginNotAllowed { preflight: true },
                Recorded::default(),
                true,
                false,
                &["CORS_ALLOW_CREDENTIALS = True", "withCredentials"],
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new(),
                },
                Recorded::default(),
                true,
                false,
                &[
                    "CORS_ALLOW_CREDENTIALS = True",
                    "no Access-Control-Allow-Credentials",
                ],
            ),
            (
                CorsError::AllowOriginMismatch {
                    preflight: true,
                    value: "https://tiktrue.com/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["trailing slash"],
            ),
            (
                CorsError::HeaderDisallowed {
                    header: "authorization".into(),
                },
                Recorded::new(200, &[("access-control-allow-headers", "*")]),
                true,
                false,
                &[
                    "never covers Authorization",
                    "CORS_ALLOW_HEADERS",
                    "default_headers",
                ],
            ),
            (
                CorsError::MethodDisallowed {
                    method: "PATCH".into(),
                },
                Recorded::default(),
                true,
                false,
                &["CORS_ALLOW_METHODS"],
            ),
            (
                CorsError::PreflightInvalidStatus { status: 401 },
                Recorded::default(),
                true,
                false,
                &["HTTP 401", "first in MIDDLEWARE"],
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 301,
                    location: "https://www.api.tiktrue.com/api/v1/auth/login/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["www.api.tiktrue.com", "REACT_APP_API_BASE_URL"],
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 301,
                    location: "/api/v1/auth/login/x/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["final URL"],
            ),
        ];
        for (err, rec, pre, lh, want) in table {
            let got = hint(&err, &hctx(&rec, &url, pre, lh));
            for w in want {
                assert!(got.contains(w), "{err:?}: '{w}' not in: {got}");
            }
        }
        let no_slash = Url::parse("https://api.tiktrue.com/api/v1/auth/login").unwrap();
        let rec = Recorded::default();
        let got = hint(
            &CorsError::PreflightDisallowedRedirect {
                status: 301,
                location: "/api/v1/auth/login/".into(),
            },
            &hctx(&rec, &no_slash, true, false),
        );
        assert!(got.contains("APPEND_SLASH"), "{got}");
        assert!(got.contains("top of MIDDLEWARE"), "{got}");
        let http = Url::parse("http://api.tiktrue.com/api/v1/auth/login/").unwrap();
        let got = hint(
            &CorsError::PreflightDisallowedRedirect {
                status: 301,
                location: "https://api.tiktrue.com/api/v1/auth/login/".into(),
            },
            &hctx(&rec, &http, true, false),
        );
        assert!(got.contains("SECURE_SSL_REDIRECT"), "{got}");
    }
}
