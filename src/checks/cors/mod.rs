//! Section 4, CORS (the Fetch standard's CORS protocol): for each frontend origin and each
//! cross-origin call the SPA makes, the preflight a browser would send and the actual request,
//! judged as Chrome judges them and reported in Chrome's own console words; then whether the
//! API refuses origins it must not trust, and whether its answers are safe to cache.

pub mod chrome;
pub mod decide;

use crate::context::Context;
use crate::model::{Finding, Module};
use crate::net::http::{Exchange, HttpRequest, NetError};
use crate::runner::{ModuleSpec, Sink};
use crate::target::{Origin, Target};
use chrome::Initiator;
use decide::{Call, CorsError, ProbeVerdict, Recorded};
use futures::future::join_all;
use futures::FutureExt;
use http::Method;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::OnceCell;
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Cors,
    about: "each origin's preflights and requests pass the browser's CORS check; untrusted origins are refused; answers vary by Origin",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The SPA's HTTP client is axios, which runs on XMLHttpRequest.
const INITIATOR: Initiator = Initiator::Xhr;
/// A stand-in bearer token: the API must answer 401 to it, with CORS headers.
const PROBE_TOKEN: &str = "conncheck.cors.probe";
/// django-cors-headers' origins when CORS_ALLOWED_ORIGINS comes from an unset variable in
/// TikTrue-style settings (`os.environ.get('CORS_ALLOWED_ORIGINS', 'http://localhost:3000,…')`).
const LOCALHOST_DEFAULT: &str = "http://localhost:3000";

/// One cross-origin call the SPA makes.
#[derive(Debug, Clone)]
struct ApiCall {
    /// "POST auth/login/"
    label: String,
    /// The endpoints row that reports this route's own status.
    endpoint_row: Option<String>,
    url: Url,
    call: Call,
    body: Option<String>,
    auth: bool,
}

/// The calls the SPA makes: every CORS endpoint of the map plus the token refresh, with the
/// headers axios adds (`Content-Type: application/json` on bodies, `Authorization` when
/// logged in).
fn api_calls(t: &Target) -> Vec<ApiCall> {
    let mut v: Vec<ApiCall> = Vec::new();
    let mut add =
        |path: &str, method: &str, auth: bool, body: Option<String>, row: Option<String>| {
            let method = method.to_ascii_uppercase();
            let url = t.url_for(path);
            if v.iter().any(|c| c.url == url && c.call.method == method) {
                return;
            }
            let mut headers = vec![(
                "Accept".to_string(),
                "application/json, text/plain, */*".to_string(),
            )];
            let sends_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");
            if sends_body {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            if auth {
                headers.push((
                    "Authorization".into(),
                    format!("{} {PROBE_TOKEN}", t.auth.scheme),
                ));
            }
            v.push(ApiCall {
                label: format!("{method} {path}"),
                endpoint_row: row,
                url,
                call: Call {
                    method,
                    headers,
                    include_credentials: t.credentials_mode_include,
                },
                body: sends_body.then(|| body.unwrap_or_else(|| "{}".into())),
                auth,
            });
        };
    for e in t.endpoints.iter().filter(|e| e.cors) {
        add(
            &e.path,
            &e.method,
            e.auth,
            e.body.clone(),
            Some(format!("endpoints.{}", e.name)),
        );
    }
    add(&t.auth.refresh_path, "POST", false, None, None);
    v
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let calls = Arc::new(api_calls(&ctx.target));
    if ctx.target.origins.is_empty() || calls.is_empty() {
        let why = if ctx.target.origins.is_empty() {
            "no frontend origin to check from: pass --origin https://your-frontend (it could not be inferred from the API host)"
        } else {
            "no endpoint of the map is called cross-origin (cors = false everywhere)"
        };
        for row in ["preflight", "actual", "security", "cache"] {
            sink.push(
                Finding::new(Module::Cors, row, format!("CORS {row}"))
                    .skip()
                    .detail(why),
            );
        }
        return;
    }
    let localhost = Arc::new(OnceCell::new());
    let tasks = ctx.target.origins.iter().enumerate().map(|(oi, origin)| {
        let (ctx, sink, calls, localhost) = (
            Arc::clone(&ctx),
            sink.clone(),
            Arc::clone(&calls),
            Arc::clone(&localhost),
        );
        let origin = origin.clone();
        async move { check_origin(ctx, sink, oi, origin, calls, localhost).await }
    });
    join_all(tasks).await;
}

/// What one call taught us, beyond its rows.
struct CallOutcome {
    rows: Vec<Finding>,
    /// Responses received (label, response), for the cache row.
    seen: Vec<(String, Recorded)>,
    /// `Some(max_age)` when a preflight passed.
    max_age: Option<Option<u64>>,
}

async fn check_origin(
    ctx: Arc<Context>,
    sink: Sink,
    oi: usize,
    origin: Origin,
    calls: Arc<Vec<ApiCall>>,
    localhost: Arc<OnceCell<bool>>,
) {
    let start = Instant::now();
    // Rows go to the sink as each call is decided, so a run cut short keeps them.
    let (ctx, origin, sink) = (&ctx, &origin, &sink);
    let (calls_ref, localhost) = (&calls[..], &*localhost);
    let per_call = join_all(calls.iter().enumerate().map(|(ci, c)| async move {
        let o = check_call(ctx, oi * 1000 + ci, origin, c, calls_ref, localhost).await;
        sink.extend(o.rows);
        (o.seen, o.max_age)
    }));
    let probes = async { sink.push(security(ctx, oi, origin, calls_ref).await) };
    let (outcomes, ()) = tokio::join!(per_call, probes);
    let mut seen = Vec::new();
    let mut max_ages = Vec::new();
    for (s, m) in outcomes {
        seen.extend(s);
        max_ages.extend(m);
    }
    sink.push(
        cache_row(origin, &seen, &max_ages)
            .seq(oi)
            .duration(start.elapsed()),
    );
}

fn preflight_request(url: &Url, origin: &str, call: &Call) -> HttpRequest {
    let mut req = HttpRequest::new(Method::OPTIONS, url.clone())
        .header("origin", origin)
        .header("access-control-request-method", &call.method)
        .header("accept", "*/*");
    if let Some(h) = call.request_headers_value() {
        req = req.header("access-control-request-headers", &h);
    }
    req
}

fn describe_preflight(url: &Url, origin: &str, call: &Call) -> String {
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
fn describe_response(rec: &Recorded, names: &[&str]) -> String {
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

const PREFLIGHT_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "vary",
];
const ACTUAL_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "vary",
    "server",
];

async fn check_call(
    ctx: &Context,
    seq: usize,
    origin: &Origin,
    c: &ApiCall,
    calls: &[ApiCall],
    localhost: &OnceCell<bool>,
) -> CallOutcome {
    let o = origin.as_str();
    let mut out = CallOutcome {
        rows: Vec::new(),
        seen: Vec::new(),
        max_age: None,
    };
    let actual_title = format!("CORS on the {} response, from {o}", c.label);
    if Origin::of(&c.url) == *origin {
        out.rows.push(
            Finding::new(Module::Cors, "actual", actual_title)
                .seq(seq)
                .skip()
                .detail(format!(
                    "same-origin call: {} is on {o} itself, so the browser applies no CORS",
                    c.url
                )),
        );
        return out;
    }
    if c.call.needs_preflight() {
        let start = Instant::now();
        let f = Finding::new(
            Module::Cors,
            "preflight",
            format!("CORS preflight from {o} to {}", c.label),
        )
        .seq(seq);
        let sent = describe_preflight(&c.url, o, &c.call);
        let verdict = match ctx.http.send(preflight_request(&c.url, o, &c.call)).await {
            Err(e) => Err(ctx.net_failure(f, &e)),
            Ok(ex) => {
                let rec = Recorded::from_exchange(&ex);
                out.seen.push((format!("OPTIONS {}", c.label), rec.clone()));
                let detail = format!("{} — {sent}", describe_response(&rec, PREFLIGHT_HEADERS));
                match decide::preflight_check(&c.call, o, &rec) {
                    Ok(ok) => {
                        out.max_age = Some(ok.max_age);
                        Ok(f.pass().detail(format!("allowed: {detail}")))
                    }
                    Err(err) => {
                        let lh = localhost_default(ctx, localhost, origin, &err, &rec, calls).await;
                        let h = HintCtx {
                            origin: o,
                            url: &c.url,
                            rec: &rec,
                            preflight: true,
                            endpoint_row: c.endpoint_row.as_deref(),
                            localhost_default: lh,
                            include: c.call.include_credentials,
                        };
                        Err(f
                            .fail()
                            .detail(format!(
                                "{}: {detail}; the browser stops here and never sends the {} itself",
                                verdict_line(&err, &rec, o),
                                c.label
                            ))
                            .hint(hint(&err, &h))
                            .browser_error(chrome::message(INITIATOR, c.url.as_str(), o, &err)))
                    }
                }
            }
        };
        match verdict {
            Ok(row) => out.rows.push(row.duration(start.elapsed())),
            Err(row) => {
                out.rows.push(row.duration(start.elapsed()));
                out.rows.push(
                    Finding::new(Module::Cors, "actual", actual_title)
                        .seq(seq)
                        .skip()
                        .detail(format!(
                            "not sent: a browser sends the {} only after its preflight passes (see cors.preflight)",
                            c.label
                        )),
                );
                return out;
            }
        }
    }
    let start = Instant::now();
    let f = Finding::new(Module::Cors, "actual", actual_title).seq(seq);
    let mut req = HttpRequest::new(
        Method::from_bytes(c.call.method.as_bytes()).unwrap_or(Method::GET),
        c.url.clone(),
    )
    .header("origin", o);
    for (n, v) in &c.call.headers {
        req = req.header(n, v);
    }
    if let Some(b) = &c.body {
        req = req.body(b.clone());
    }
    let mut sent = format!("for {} {} with Origin: {o}", c.call.method, c.url);
    if c.auth {
        sent.push_str(" and a stand-in bearer token");
    }
    let row = match ctx.http.send(req).await {
        Err(e) => ctx.net_failure(f, &e),
        Ok(ex) => {
            let rec = Recorded::from_exchange(&ex);
            out.seen.push((c.label.clone(), rec.clone()));
            judge_actual(ctx, f, &sent, c, origin, &ex, &rec, calls, localhost).await
        }
    };
    out.rows.push(row.duration(start.elapsed()));
    out
}

#[allow(clippy::too_many_arguments)]
async fn judge_actual(
    ctx: &Context,
    f: Finding,
    sent: &str,
    c: &ApiCall,
    origin: &Origin,
    ex: &Exchange,
    rec: &Recorded,
    calls: &[ApiCall],
    localhost: &OnceCell<bool>,
) -> Finding {
    let o = origin.as_str();
    let resp = describe_response(rec, ACTUAL_HEADERS);
    match decide::cors_check(rec, o, c.call.include_credentials, false) {
        Ok(()) => {
            let note = if rec.is_redirect() {
                "the redirect itself passes CORS (where it leads is reported in the endpoints rows)"
                    .to_string()
            } else {
                format!("the page can read this {}", ex.summary())
            };
            f.pass().detail(format!("allowed: {resp}; {note} — {sent}"))
        }
        Err(err) => {
            let lh = localhost_default(ctx, localhost, origin, &err, rec, calls).await;
            let h = HintCtx {
                origin: o,
                url: &c.url,
                rec,
                preflight: false,
                endpoint_row: c.endpoint_row.as_deref(),
                localhost_default: lh,
                include: c.call.include_credentials,
            };
            let hidden = if matches!(err, CorsError::MissingAllowOrigin { .. }) {
                format!(
                    "; the real status, HTTP {}, is hidden from the page: it sees only a CORS error (axios: \"Network Error\")",
                    rec.status
                )
            } else {
                String::new()
            };
            f.fail()
                .detail(format!(
                    "{}: {resp}{hidden} — {sent}",
                    verdict_line(&err, rec, o)
                ))
                .hint(hint(&err, &h))
                .browser_error(chrome::message(INITIATOR, c.url.as_str(), o, &err))
        }
    }
}

/// Whether `http://localhost:3000` is allowed where `origin` is not: the sign of
/// django-cors-headers running on its development default. Asked at most once per run.
async fn localhost_default(
    ctx: &Context,
    cell: &OnceCell<bool>,
    origin: &Origin,
    err: &CorsError,
    rec: &Recorded,
    calls: &[ApiCall],
) -> bool {
    if !matches!(err, CorsError::MissingAllowOrigin { .. })
        || !cors_middleware_active(rec)
        || origin.as_str() == LOCALHOST_DEFAULT
    {
        return false;
    }
    let Some(c) = probe_call(calls) else {
        return false;
    };
    *cell
        .get_or_init(|| async {
            match ctx
                .http
                .send(preflight_request(&c.url, LOCALHOST_DEFAULT, &c.call))
                .await
            {
                Ok(ex) => decide::preflight_check(
                    &c.call,
                    LOCALHOST_DEFAULT,
                    &Recorded::from_exchange(&ex),
                )
                .is_ok(),
                Err(_) => false,
            }
        })
        .await
}

/// The call the security probes imitate: an authenticated one that needs a preflight.
fn probe_call(calls: &[ApiCall]) -> Option<&ApiCall> {
    calls
        .iter()
        .find(|c| c.auth && c.call.needs_preflight())
        .or_else(|| calls.iter().find(|c| c.call.needs_preflight()))
        .or_else(|| calls.first())
}

/// A CORS middleware answered (it adds `Vary: Origin` or `Access-Control-Allow-Credentials`
/// even for an origin it does not allow, as django-cors-headers does).
fn cors_middleware_active(rec: &Recorded) -> bool {
    rec.varies_on_origin()
        || rec.combined("access-control-allow-credentials").is_some()
        || rec.combined("access-control-allow-origin").is_some()
}

/// Django's SecurityMiddleware defaults or django-cors-headers' default header list.
fn looks_like_django(rec: &Recorded) -> bool {
    let is = |n: &str, v: &str| rec.combined(n).is_some_and(|x| x.eq_ignore_ascii_case(v));
    (is("x-frame-options", "DENY") && is("cross-origin-opener-policy", "same-origin"))
        || rec
            .combined("access-control-allow-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("x-csrftoken"))
}

/// The fault in a few words, leading the evidence so a narrow table still shows it.
fn verdict_line(err: &CorsError, rec: &Recorded, origin: &str) -> String {
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

struct HintCtx<'a> {
    origin: &'a str,
    url: &'a Url,
    rec: &'a Recorded,
    preflight: bool,
    endpoint_row: Option<&'a str>,
    localhost_default: bool,
    include: bool,
}

/// One concrete fix, in django-cors-headers' / the proxy's words where the answer shows them.
fn hint(err: &CorsError, h: &HintCtx) -> String {
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

fn redirect_hint(status: u16, location: &str, h: &HintCtx) -> String {
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

/// Origins a browser must not be let in from, built from the real origin the way CORS
/// scanners build them (nuclei's cors-misconfig template tries these classes): a foreign
/// site, `null`, the origin as a prefix and as a suffix of another name, a subdomain, the
/// http:// downgrade, an unescaped-dot look-alike, and the parser tricks with a backtick
/// (raw and %60) and an underscore before a foreign domain.
pub fn probe_origins(origin: &Origin, trusted: &[Origin]) -> Vec<(&'static str, String)> {
    let u = origin.url();
    let scheme = u.scheme();
    let host = origin.host();
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut v: Vec<(&'static str, String)> = vec![
        ("a foreign site", "https://evil.example".into()),
        (
            "the opaque origin of sandboxed iframes and file: pages",
            "null".into(),
        ),
        (
            "the origin as a prefix",
            format!("{scheme}://{host}.evil.example{port}"),
        ),
        (
            "the origin as a suffix",
            format!("{scheme}://evil{host}{port}"),
        ),
        ("a subdomain", format!("{scheme}://evil.{host}{port}")),
    ];
    if scheme == "https" {
        v.push(("the http:// downgrade", format!("http://{host}{port}")));
    }
    if let Some((a, b)) = host.rsplit_once('.') {
        v.push((
            "an unescaped-dot look-alike",
            format!("{scheme}://{a}x{b}{port}"),
        ));
    }
    v.push((
        "a backtick (%60) trick",
        format!("{scheme}://{host}%60.evil.example{port}"),
    ));
    v.push((
        "a backtick trick",
        format!("{scheme}://{host}`.evil.example{port}"),
    ));
    v.push((
        "an underscore trick",
        format!("{scheme}://{host}_.evil.example{port}"),
    ));
    v.retain(|(_, p)| !trusted.iter().any(|t| t.as_str() == p));
    v
}

async fn security(ctx: &Context, oi: usize, origin: &Origin, calls: &[ApiCall]) -> Finding {
    let start = Instant::now();
    let f = Finding::new(
        Module::Cors,
        "security",
        format!("CORS refuses untrusted origins posing as {origin}"),
    )
    .seq(oi);
    let Some(c) = probe_call(calls) else {
        return f.skip().detail("no cross-origin call to probe");
    };
    let probes = probe_origins(origin, &ctx.target.origins);
    let answers = join_all(probes.iter().map(|(_, p)| {
        let req = preflight_request(&c.url, p, &c.call);
        async move {
            ctx.http
                .send(req)
                .await
                .map(|ex| Recorded::from_exchange(&ex))
        }
    }))
    .await;
    let mut first_err: Option<NetError> = None;
    let mut verdicts = Vec::new();
    let mut not_ok = Vec::new();
    for ((what, p), a) in probes.iter().zip(answers) {
        match a {
            Ok(rec) => {
                if rec.is_redirect() || !(200..300).contains(&rec.status) {
                    not_ok.push(rec.status);
                }
                verdicts.push((*what, p.clone(), decide::classify_probe(&rec, p)))
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    let f = f.duration(start.elapsed());
    if verdicts.is_empty() {
        return match first_err {
            Some(e) => ctx.net_failure(f, &e),
            None => f.skip().detail("no probe origin to try"),
        };
    }
    let unanswered = probes.len() - verdicts.len();
    let authenticated = calls.iter().any(|c| c.auth);
    judge_probes(
        f,
        &origin.host(),
        &c.label,
        &verdicts,
        &not_ok,
        unanswered,
        authenticated,
    )
}

/// The security verdict over the probes' answers: reflection with credentials fails, any
/// other way in (`*`, an echo without credentials) warns on an authenticated API.
fn judge_probes(
    f: Finding,
    host: &str,
    label: &str,
    verdicts: &[(&str, String, ProbeVerdict)],
    not_ok: &[u16],
    unanswered: usize,
    authenticated: bool,
) -> Finding {
    if not_ok.len() == verdicts.len() {
        return f.skip().detail(format!(
            "inconclusive: every probe preflight was answered HTTP {}, so no origin gets in, but only because preflights fail for everyone (see cors.preflight)",
            not_ok[0]
        ));
    }
    let list = |want: ProbeVerdict| -> Vec<String> {
        verdicts
            .iter()
            .filter(|(_, _, v)| *v == want)
            .map(|(what, p, _)| format!("{p} ({what})"))
            .collect()
    };
    let with_creds = list(ProbeVerdict::AllowedWithCredentials);
    let without = list(ProbeVerdict::Allowed);
    let wildcard = !list(ProbeVerdict::Wildcard).is_empty();
    let sent = format!(
        "sent {} preflights for {} from untrusted origins",
        verdicts.len(),
        label
    );
    let unanswered = if unanswered > 0 {
        format!("; {unanswered} probe(s) got no answer")
    } else {
        String::new()
    };
    if !with_creds.is_empty() {
        let foreign = verdicts
            .iter()
            .any(|(w, _, v)| *w == "a foreign site" && *v == ProbeVerdict::AllowedWithCredentials);
        let fix = if foreign {
            "the API echoes any Origin with credentials: remove CORS_ALLOW_ALL_ORIGINS (or the hand-written middleware / nginx `add_header Access-Control-Allow-Origin $http_origin` that reflects the Origin) and list exact origins in CORS_ALLOWED_ORIGINS".to_string()
        } else {
            format!(
                "the origin matching is loose: list exact origins in CORS_ALLOWED_ORIGINS, and anchor and escape every CORS_ALLOWED_ORIGIN_REGEXES pattern (r\"^https://(www\\.)?{}$\"); never allow null or http://",
                regex_escape(host)
            )
        };
        return f
            .fail()
            .detail(format!(
                "{sent}; allowed with credentials: {}{unanswered} — any page on those origins can read users' data with their cookies",
                with_creds.join(", ")
            ))
            .hint(fix);
    }
    if !without.is_empty() || (wildcard && authenticated) {
        let what = if !without.is_empty() {
            format!("allowed without credentials: {}", without.join(", "))
        } else {
            "answered Access-Control-Allow-Origin: * to every probe".to_string()
        };
        return f
            .warn()
            .detail(format!("{sent}; {what}{unanswered}; other sites can read every response that needs no cookie"))
            .hint("an authenticated API should answer only its own frontends: set CORS_ALLOWED_ORIGINS to them instead of CORS_ALLOW_ALL_ORIGINS / a reflected or '*' origin");
    }
    f.pass().detail(format!(
        "{sent}: every one refused ({}){unanswered}",
        verdicts
            .iter()
            .map(|(_, p, _)| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn regex_escape(host: &str) -> String {
    host.replace('.', "\\.")
}

fn cache_row(origin: &Origin, seen: &[(String, Recorded)], max_ages: &[Option<u64>]) -> Finding {
    let f = Finding::new(
        Module::Cors,
        "cache",
        format!("CORS answers to {origin} are safe to cache (Vary: Origin)"),
    );
    let relevant: Vec<(&String, bool)> = seen
        .iter()
        .filter_map(|(l, r)| decide::vary_ok(r).map(|ok| (l, ok)))
        .collect();
    if relevant.is_empty() {
        return f.skip().detail(if seen.is_empty() {
            "not checked: no CORS response was received (see cors.preflight and cors.actual)".to_string()
        } else {
            format!("not checked: no response named {origin} in Access-Control-Allow-Origin (see cors.preflight)")
        });
    }
    let age = match max_ages.iter().flatten().max() {
        Some(a) if *a > decide::CHROME_MAX_AGE_CAP => format!(
            "preflights may be cached for {a} s (Access-Control-Max-Age; Chrome caps it at {} s)",
            decide::CHROME_MAX_AGE_CAP
        ),
        Some(a) => format!("preflights may be cached for {a} s (Access-Control-Max-Age)"),
        None if max_ages.is_empty() => "no preflight passed, so no preflight cache".to_string(),
        None => format!(
            "no Access-Control-Max-Age: Chrome repeats each preflight after {} s (CORS_PREFLIGHT_MAX_AGE sets it)",
            decide::CHROME_DEFAULT_MAX_AGE
        ),
    };
    let missing: Vec<&str> = relevant
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(l, _)| l.as_str())
        .collect();
    if missing.is_empty() {
        return f.pass().detail(format!(
            "all {} responses naming {origin} carry Vary: Origin; {age}",
            relevant.len()
        ));
    }
    f.warn()
        .detail(format!(
            "{} of {} responses name {origin} in Access-Control-Allow-Origin without Vary: Origin ({}); {age}",
            missing.len(),
            relevant.len(),
            missing.join(", ")
        ))
        .hint("send Vary: Origin on every response whose Access-Control-Allow-Origin depends on the request's Origin, or a shared cache (CDN, proxy_cache) can serve one origin's answer to another and break CORS for it. django-cors-headers adds it itself, so look for a proxy or cache layer that drops or overwrites Vary (nginx: add_header Vary Origin always;)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn probe_answers_decide_the_security_row() {
        use ProbeVerdict::*;
        let f = || Finding::new(Module::Cors, "security", "t");
        let v = |list: &[(&'static str, &str, ProbeVerdict)]| -> Vec<(&'static str, String, ProbeVerdict)> {
            list.iter().map(|(w, p, x)| (*w, p.to_string(), *x)).collect()
        };
        let refused = v(&[
            ("a foreign site", "https://evil.example", Refused),
            ("a subdomain", "https://evil.x.test", Refused),
        ]);
        let reflect = v(&[
            (
                "a foreign site",
                "https://evil.example",
                AllowedWithCredentials,
            ),
            ("a subdomain", "https://evil.x.test", AllowedWithCredentials),
        ]);
        let loose = v(&[
            ("a foreign site", "https://evil.example", Refused),
            (
                "the origin as a suffix",
                "https://evilx.test",
                AllowedWithCredentials,
            ),
        ]);
        let echo = v(&[("a foreign site", "https://evil.example", Allowed)]);
        let star = v(&[("a foreign site", "https://evil.example", Wildcard)]);
        type Case<'a> = (
            &'a str,
            &'a [(&'static str, String, ProbeVerdict)],
            &'a [u16],
            bool,
            Status,
            &'a str,
        );
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
            let got = judge_probes(
                f(),
                "x.test",
                "GET auth/profile/",
                verdicts,
                not_ok,
                0,
                auth,
            );
            assert_eq!(got.status, want, "{name}: {}", got.detail);
            let text = format!("{} {}", got.detail, got.hint.unwrap_or_default());
            assert!(text.contains(phrase), "{name}: '{phrase}' not in {text}");
        }
        let partial = judge_probes(f(), "x.test", "GET auth/profile/", &refused, &[], 3, true);
        assert!(
            partial.detail.contains("3 probe(s) got no answer"),
            "{}",
            partial.detail
        );
    }

    #[test]
    fn cache_row_wants_vary_where_the_origin_is_named() {
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
        let r = cache_row(&o, &[named(true), star.clone()], &[Some(600)]);
        assert_eq!(r.status, Status::Pass, "{}", r.detail);
        assert!(r.detail.contains("600 s"), "{}", r.detail);
        let r = cache_row(&o, &[named(false)], &[Some(86400)]);
        assert_eq!(r.status, Status::Warn, "{}", r.detail);
        assert!(
            r.detail.contains("Chrome caps it at 7200 s"),
            "{}",
            r.detail
        );
        let r = cache_row(&o, &[named(true)], &[None]);
        assert!(r.detail.contains("after 5 s"), "{}", r.detail);
        assert_eq!(cache_row(&o, &[star], &[]).status, Status::Skip);
        assert_eq!(cache_row(&o, &[], &[]).status, Status::Skip);
    }

    #[test]
    fn probe_origins_cover_the_scanner_classes_and_skip_trusted_ones() {
        let o = Origin::parse("https://tiktrue.com").unwrap();
        let trusted = vec![o.clone(), Origin::parse("https://www.tiktrue.com").unwrap()];
        let p: Vec<String> = probe_origins(&o, &trusted)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        for want in [
            "https://evil.example",
            "null",
            "https://tiktrue.com.evil.example",
            "https://eviltiktrue.com",
            "https://evil.tiktrue.com",
            "http://tiktrue.com",
            "https://tiktruexcom",
            "https://tiktrue.com%60.evil.example",
            "https://tiktrue.com`.evil.example",
            "https://tiktrue.com_.evil.example",
        ] {
            assert!(p.contains(&want.to_string()), "{want} missing from {p:?}");
        }
        let with_http = vec![o.clone(), Origin::parse("http://tiktrue.com").unwrap()];
        assert!(!probe_origins(&o, &with_http)
            .iter()
            .any(|(_, p)| p == "http://tiktrue.com"));
        let ported = Origin::parse("https://x.test:8443").unwrap();
        assert!(probe_origins(&ported, &[])
            .iter()
            .any(|(_, p)| p == "https://x.test.evil.example:8443"));
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

    #[test]
    fn calls_follow_axios() {
        let t = Target::new("api.tiktrue.com", None).unwrap();
        let calls = api_calls(&t);
        let login = calls
            .iter()
            .find(|c| c.label == "POST auth/login/")
            .unwrap();
        assert_eq!(
            login.call.request_headers_value().as_deref(),
            Some("content-type")
        );
        let profile = calls
            .iter()
            .find(|c| c.label == "GET auth/profile/")
            .unwrap();
        assert_eq!(
            profile.call.request_headers_value().as_deref(),
            Some("authorization")
        );
        assert!(calls.iter().any(|c| c.label == "POST auth/refresh/"));
        assert!(!calls
            .iter()
            .any(|c| c.label.contains("health") || c.label.contains("admin")));
        assert!(calls.iter().all(|c| c.call.include_credentials));
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
