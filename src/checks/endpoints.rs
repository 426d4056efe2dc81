//! Section 5, API endpoints (RFC 9110 status semantics, as Django REST framework applies them):
//! every route of the endpoint map answers as designed — not 404, not 500, not a debug page, not
//! an HTML page where the SPA expects JSON — and nothing meant for setup is left open.

use crate::context::Context;
use crate::model::{Finding, Module, Status};
use crate::net::http::{Exchange, HttpRequest};
use crate::target::Endpoint;
use futures::future::join_all;
use futures::FutureExt;
use http::Method;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Endpoints,
    about: "each route of the endpoint map answers as designed (no 404/500, no debug page, no HTML where JSON is due, no open setup routes)",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

use crate::runner::{ModuleSpec, Sink};

/// Setup and maintenance routes that must never answer an anonymous request.
pub const EXPOSURE_PATHS: &[&str] = &[
    "/setup/database/",
    "/setup/",
    "/install/",
    "/migrate/",
    "setup/",
    "/__debug__/",
    "/debug/",
    "/.env",
];

/// A path no deployment serves: its 404 shows whether DEBUG is on, and a 200 means a catch-all.
const CONTROL_PATH: &str = "conncheck-probe-no-such-route/";

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let n = ctx.target.endpoints.len();
    let rows = ctx.target.endpoints.iter().enumerate().map(|(i, ep)| {
        let ctx = Arc::clone(&ctx);
        async move { check_endpoint(&ctx, ep).await.seq(i) }
    });
    let (rows, debug, exposure) =
        tokio::join!(join_all(rows), check_debug(&ctx), check_exposure(&ctx));
    let debug_anywhere = rows
        .iter()
        .any(|f| f.status == Status::Fail && f.detail.contains("the Django debug page"));
    sink.extend(rows);
    let debug = if debug.status == Status::Pass && debug_anywhere {
        debug
            .fail()
            .detail("a Django debug page was served by an endpoint row above")
            .hint(DEBUG_HINT)
    } else {
        debug
    };
    sink.push(debug.seq(n));
    sink.push(exposure.seq(n + 1));
}

const DEBUG_HINT: &str = "DEBUG is on in production: set DEBUG = False (read it from the environment, e.g. DEBUG = os.environ.get('DEBUG') == '1') and redeploy; the debug page leaks settings, URL patterns and tracebacks";

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
}

impl Seen {
    pub fn of(ex: &Exchange) -> Seen {
        Seen {
            method: ex.method.to_string(),
            status: ex.status.as_u16(),
            content_type: ex.content_type(),
            body: ex.body_text(),
            www_authenticate: ex.header("www-authenticate"),
            location: ex.header("location"),
            path: ex.url.path().to_string(),
        }
    }

    fn is_html(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        ct.contains("text/html") || (ct.is_empty() && self.body.trim_start().starts_with('<'))
    }
}

/// Django's technical 404/500 page (DEBUG = True) names the setting on the page itself
/// (django/views/templates/technical_404.html, technical_500.html).
pub fn is_debug_page(s: &Seen) -> bool {
    s.is_html()
        && s.body.contains("DEBUG = True")
        && (s.body.contains("seeing this error") || s.body.contains("URL patterns"))
}

/// Django's plain 400 page, as answered for a DisallowedHost (django/views/defaults.py
/// `bad_request`): DRF would answer a validation error in JSON instead.
pub fn is_disallowed_host_page(s: &Seen) -> bool {
    s.status == 400 && s.is_html() && s.body.contains("<title>Bad Request (400)</title>")
}

/// Name an HTML page that came back where JSON was expected.
pub fn describe_html(s: &Seen) -> String {
    let b = s.body.to_ascii_lowercase();
    let title = title_of(&s.body);
    if (b.contains("bad gateway")
        || b.contains("gateway time")
        || b.contains("service unavailable"))
        || (b.contains("<center>") && (b.contains("nginx") || b.contains("openresty")))
        || b.contains("cloudflare")
    {
        format!(
            "a proxy error page{}",
            title.map(|t| format!(" (\"{t}\")")).unwrap_or_default()
        )
    } else if b.contains("type=\"password\"")
        || b.contains("csrfmiddlewaretoken")
        || b.contains("log in")
        || b.contains("login")
    {
        format!(
            "a login page{}",
            title.map(|t| format!(" (\"{t}\")")).unwrap_or_default()
        )
    } else if b.contains("id=\"root\"")
        || b.contains("id=\"app\"")
        || b.contains("<script type=\"module\"")
    {
        "the SPA's index.html (a catch-all route serves the frontend for every path)".to_string()
    } else {
        match title {
            Some(t) => format!("an HTML page titled \"{t}\""),
            None => "an HTML page".to_string(),
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

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// What Chrome's console prints for a fetch/XHR that got an error status:
/// `GET <url> 404 (Not Found)` (method, URL, status code, reason phrase).
pub fn console_line(method: &str, url: &str, status: u16) -> String {
    format!("{method} {url} {status} ({})", reason(status))
}

/// The verdict on one endpoint's answer: status, what it means, one fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub what: String,
    pub hint: Option<String>,
    /// The failure shows in the console as a failed request.
    pub console: bool,
}

impl Verdict {
    fn new(status: Status, what: impl Into<String>, hint: Option<String>) -> Verdict {
        Verdict {
            status,
            what: what.into(),
            hint,
            console: status == Status::Fail,
        }
    }
}

/// Classify one answer against the endpoint map's expectation. `near_miss` is a variant of the
/// URL that answered (only consulted on 404).
pub fn classify(ep: &Endpoint, s: &Seen, near_miss: Option<&(String, u16)>) -> Verdict {
    let base = classify_answer(ep, s, near_miss);
    if !is_debug_page(s) {
        return base;
    }
    // The route's own problem keeps its fix; the debug page is named here and fixed under
    // endpoints.debug.
    if base.status == Status::Fail {
        return Verdict {
            what: format!(
                "{}; served as the Django debug page (DEBUG = True, see endpoints.debug)",
                base.what
            ),
            ..base
        };
    }
    Verdict::new(
        Status::Fail,
        format!("HTTP {}: the Django debug page (DEBUG = True)", s.status),
        Some(DEBUG_HINT.into()),
    )
}

fn classify_answer(ep: &Endpoint, s: &Seen, near_miss: Option<&(String, u16)>) -> Verdict {
    let expected = ep.expect.contains(&s.status);
    if is_disallowed_host_page(s) {
        return Verdict::new(
            Status::Fail,
            "HTTP 400 with Django's plain \"Bad Request (400)\" page: the request never reached a view (DisallowedHost)",
            Some("the API host is not in ALLOWED_HOSTS: add it (e.g. ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS'].split(',') with api.<your-domain>) and redeploy; Django logs 'Invalid HTTP_HOST header'".into()),
        );
    }
    if matches!(s.status, 301 | 302 | 303 | 307 | 308) && s.method == "POST" {
        let loc = s.location.clone().unwrap_or_default();
        let hint = if loc.trim_end_matches('/') == s.path.trim_end_matches('/')
            || loc.ends_with(&format!("{}/", s.path))
        {
            format!("the URL lacks its trailing slash and Django's APPEND_SLASH redirects it to {loc}, dropping the POST body: call the URL with the trailing slash in the frontend (or the endpoint map)")
        } else if loc.starts_with("https://") {
            format!("a redirect to {loc} (SECURE_SSL_REDIRECT or the proxy's http→https redirect) drops the POST body: call the https:// URL directly, and with SECURE_SSL_REDIRECT behind a proxy set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')")
        } else {
            format!("the POST is redirected to {loc}; browsers re-send it as GET without the body: point the frontend at the final URL")
        };
        return Verdict::new(
            Status::Fail,
            format!(
                "HTTP {} redirect on a POST (to {loc}): the body is lost",
                s.status
            ),
            Some(hint),
        );
    }
    if expected {
        if ep.json && s.is_html() {
            return Verdict::new(
                Status::Warn,
                format!("HTTP {} but {} instead of JSON", s.status, describe_html(s)),
                Some("a JSON API route answered HTML: check that the proxy routes this path to Django and that DRF's JSONRenderer is used".into()),
            );
        }
        if ep.auth && s.status == 401 {
            let bearer = s
                .www_authenticate
                .as_deref()
                .is_some_and(|w| w.trim_start().to_ascii_lowercase().starts_with("bearer"));
            if !bearer {
                return Verdict::new(
                    Status::Warn,
                    format!(
                        "HTTP 401 without WWW-Authenticate: Bearer (got {})",
                        s.www_authenticate.as_deref().unwrap_or("none")
                    ),
                    Some("put rest_framework_simplejwt.authentication.JWTAuthentication first in REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'] so 401s carry WWW-Authenticate: Bearer".into()),
                );
            }
        }
        return Verdict::new(Status::Pass, format!("HTTP {} as expected", s.status), None);
    }
    match s.status {
        404 => {
            let hint = match near_miss {
                Some((url, st)) => format!("the route answers at {url} (HTTP {st}): fix the path in the frontend (or the endpoint map), or add the URL pattern Django is missing"),
                None => "the route is missing: check urls.py includes it under this prefix (and that the deployed commit has it), or correct the path".into(),
            };
            Verdict::new(
                Status::Fail,
                "HTTP 404: no such route".to_string(),
                Some(hint),
            )
        }
        // DRF picks 401 or 403 from the first authentication class on the view: one without an
        // authenticate_header (SessionAuthentication) yields 403 (DRF docs, api-guide/authentication.md,
        // "Unauthorized and Forbidden responses").
        403 if ep.auth && ep.expect.contains(&401) => Verdict::new(
            Status::Warn,
            "HTTP 403 where 401 was expected: the client cannot tell 'log in again' from 'forbidden'",
            Some("put rest_framework_simplejwt.authentication.JWTAuthentication first in REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']: DRF answers 403 when the first class sends no WWW-Authenticate header".into()),
        ),
        500 => Verdict::new(
            Status::Fail,
            "HTTP 500: the backend crashed handling this request",
            Some("a server error in Django: read the app logs; common after a deploy are a database that is down or unreachable (DATABASE_URL), migrations not run (python manage.py migrate), or a missing environment variable".into()),
        ),
        503 if !s.is_html() => Verdict::new(
            Status::Fail,
            format!("HTTP 503 from the app itself: {}", s.body.chars().take(120).collect::<String>()),
            Some("the app reports itself unavailable: its health check fails, most often the database (DATABASE_URL, the database service is down or out of connections); read the app logs".into()),
        ),
        502..=504 => Verdict::new(
            Status::Fail,
            format!(
                "HTTP {} ({}){}",
                s.status,
                reason(s.status),
                if s.is_html() { format!(": {}", describe_html(s)) } else { String::new() }
            ),
            Some("the proxy cannot reach the app: check the app is running (platform logs), listens on the port the proxy forwards to (gunicorn --bind 0.0.0.0:$PORT), and starts without crashing".into()),
        ),
        405 => Verdict::new(
            Status::Fail,
            format!("HTTP 405: the route exists but refuses {}", s.method),
            Some(format!("allow {} on this view (http_method_names / @api_view([...])) or fix the method in the endpoint map", s.method)),
        ),
        300..=399 => Verdict::new(
            Status::Warn,
            format!(
                "HTTP {} redirect to {}",
                s.status,
                s.location.as_deref().unwrap_or("(no Location)")
            ),
            Some("XHR/fetch calls follow this redirect silently (and CORS applies to every hop): point the frontend at the final URL".into()),
        ),
        st => {
            let page = if ep.json && s.is_html() {
                format!(" ({})", describe_html(s))
            } else {
                String::new()
            };
            Verdict::new(
                Status::Fail,
                format!("HTTP {st}{page}, expected {}", expect_list(ep)),
                Some(format!("the route answers {st} ({}) instead of {}: check the view and the proxy in front of it", reason(st), expect_list(ep))),
            )
        }
    }
}

fn expect_list(ep: &Endpoint) -> String {
    ep.expect
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" or ")
}

fn request_for(ep: &Endpoint, url: Url) -> HttpRequest {
    let method = Method::from_bytes(ep.method.as_bytes()).unwrap_or(Method::GET);
    let post_like = matches!(method, Method::POST | Method::PUT | Method::PATCH);
    let mut req = HttpRequest::new(method, url)
        .header("accept", "application/json")
        .max_body(256 * 1024);
    if post_like {
        let body = ep.body.clone().unwrap_or_else(|| "{}".into());
        req = req
            .body(body.into_bytes())
            .header("content-type", "application/json");
    }
    req
}

async fn check_endpoint(ctx: &Context, ep: &Endpoint) -> Finding {
    let start = Instant::now();
    let url = ctx.target.url_for(&ep.path);
    let f = Finding::new(
        Module::Endpoints,
        &ep.name,
        format!(
            "{} {} answers {}",
            ep.method,
            display_path(ctx, &url),
            expect_list(ep)
        ),
    );
    let ex = match ctx.http.send(request_for(ep, url.clone())).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let seen = Seen::of(&ex);
    ctx.metric(
        "http_status",
        &[("endpoint", &ep.name)],
        f64::from(seen.status),
    );
    let near = if seen.status == 404 {
        near_miss(ctx, ep, &url).await
    } else {
        None
    };
    let v = classify(ep, &seen, near.as_ref());
    let detail = format!("{} {} → {}; {}", ep.method, url, ex.summary(), v.what);
    let mut f = f
        .status(v.status)
        .detail(detail)
        .maybe_hint(v.hint)
        .duration(start.elapsed());
    if v.console {
        f = f.browser_error(console_line(&ep.method, url.as_str(), seen.status));
    }
    if ex.truncated && f.status != crate::model::Status::Fail {
        // An API answer this large is a fault in itself: the SPA would wait for all of it.
        let detail = format!(
            "{}; the body is larger than the {} MB conncheck reads (an endless or runaway response)",
            f.detail,
            ex.body.len() / (1024 * 1024)
        );
        f = f
            .fail()
            .detail(detail)
            .hint("this route streams far more than an API answer should: check the view (an unpaginated queryset, a file served through the API) or the proxy in front of it");
    }
    f
}

fn display_path(ctx: &Context, url: &Url) -> String {
    if url.host_str() == ctx.target.api_base.host_str() {
        url.path().to_string()
    } else {
        url.to_string()
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

async fn near_miss(ctx: &Context, ep: &Endpoint, url: &Url) -> Option<(String, u16)> {
    let probes = variants(&ctx.target.api_base, url).into_iter().map(|u| {
        let req = request_for(ep, u.clone());
        async move {
            let ex = ctx.http.send(req).await.ok()?;
            let st = ex.status.as_u16();
            // A redirect back to where we came from (APPEND_SLASH) is not an answer.
            (st != 404 && !ex.status.is_redirection() && !ex.status.is_server_error())
                .then(|| (u.to_string(), st))
        }
    });
    join_all(probes).await.into_iter().flatten().next()
}

async fn check_debug(ctx: &Context) -> Finding {
    let start = Instant::now();
    let url = ctx.target.url_for(CONTROL_PATH);
    let f = Finding::new(
        Module::Endpoints,
        "debug",
        "DEBUG is off (no Django debug page)",
    );
    let ex = match ctx
        .http
        .send(HttpRequest::get(url.clone()).max_body(256 * 1024))
        .await
    {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let seen = Seen::of(&ex);
    let detail = format!("GET {url} (a route that does not exist) → {}", ex.summary());
    let f = f.duration(start.elapsed());
    if (502..=504).contains(&seen.status) && !is_debug_page(&seen) {
        return f.skip().detail(format!(
            "{detail}: the app is not answering behind the proxy (see the endpoint rows)"
        ));
    }
    if is_debug_page(&seen) {
        f.fail()
            .detail(format!(
                "{detail}: the Django debug page, listing the URL patterns"
            ))
            .hint(DEBUG_HINT)
    } else {
        f.pass().detail(format!("{detail}: no debug page"))
    }
}

async fn check_exposure(ctx: &Context) -> Finding {
    let start = Instant::now();
    let f = Finding::new(
        Module::Endpoints,
        "exposure",
        "setup and maintenance routes are not open to anonymous requests",
    );
    let control = ctx
        .http
        .send(HttpRequest::get(ctx.target.url_for(&format!("/{CONTROL_PATH}"))).max_body(64 * 1024))
        .await;
    let probes = EXPOSURE_PATHS.iter().map(|p| {
        let url = ctx.target.url_for(p);
        async move {
            let r = ctx
                .http
                .send(HttpRequest::get(url.clone()).max_body(64 * 1024))
                .await;
            (url, r)
        }
    });
    let results = join_all(probes).await;
    let f = f.duration(start.elapsed());
    let catch_all = matches!(&control, Ok(ex) if ex.status.is_success());
    let mut open = Vec::new();
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    for (url, r) in &results {
        match r {
            Ok(ex) => {
                seen.push(format!("{} {}", url.path(), ex.status.as_u16()));
                if ex.status.is_success() {
                    open.push(url.path().to_string());
                }
            }
            Err(e) => errors.push((url, e.clone())),
        }
    }
    if seen.is_empty() {
        if let Some((_, e)) = errors.first() {
            return ctx.net_failure(f, e);
        }
    }
    let detail = format!("probed without credentials: {}", seen.join(", "));
    let all_gateway = results
        .iter()
        .all(|(_, r)| matches!(r, Ok(ex) if (502..=504).contains(&ex.status.as_u16())));
    if all_gateway {
        return f.skip().detail(format!(
            "{detail}: the app is not answering behind the proxy, nothing to judge (see the endpoint rows)"
        ));
    }
    if open.is_empty() {
        return f.pass().detail(detail);
    }
    if catch_all {
        return f
            .warn()
            .detail(format!("{detail}; but a path that cannot exist answers 2xx too, so every path does"))
            .hint("the API host answers 200 for any path (a catch-all route or the SPA's fallback): route unknown paths to 404 so mistakes surface");
    }
    f.fail()
        .detail(format!(
            "{detail}; open to anyone: {}",
            open.join(", ")
        ))
        .hint(format!(
            "remove {} from urls.py in production (run setup with manage.py commands instead), or protect it with IsAdminUser",
            open.join(", ")
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::default_endpoints;

    fn ep(name: &str) -> Endpoint {
        default_endpoints()
            .into_iter()
            .find(|e| e.name == name)
            .unwrap()
    }

    fn json(method: &str, status: u16, body: &str) -> Seen {
        Seen {
            method: method.into(),
            status,
            content_type: "application/json".into(),
            body: body.into(),
            www_authenticate: None,
            location: None,
            path: "/api/v1/auth/login/".into(),
        }
    }

    fn html(method: &str, status: u16, body: &str) -> Seen {
        Seen {
            content_type: "text/html; charset=utf-8".into(),
            ..json(method, status, body)
        }
    }

    #[test]
    fn verdicts_by_answer() {
        let bearer = Seen {
            www_authenticate: Some("Bearer realm=\"api\"".into()),
            ..json("GET", 401, "{}")
        };
        let redirect = Seen {
            location: Some("/api/v1/auth/login/".into()),
            path: "/api/v1/auth/login".into(),
            ..html("POST", 301, "")
        };
        let ssl = Seen {
            location: Some("https://api.x.test/api/v1/auth/login/".into()),
            path: "/api/v1/auth/login/".into(),
            ..html("POST", 301, "")
        };
        let cases: Vec<(&str, Seen, Status, &str)> = vec![
            ("login", json("POST", 400, "{}"), Status::Pass, "as expected"),
            ("login", json("POST", 401, "{}"), Status::Pass, "as expected"),
            ("profile", bearer, Status::Pass, "as expected"),
            ("profile", json("GET", 401, "{}"), Status::Warn, "WWW-Authenticate"),
            ("profile", json("GET", 403, "{}"), Status::Warn, "403 where 401"),
            ("login", json("POST", 404, "{}"), Status::Fail, "no such route"),
            ("login", json("POST", 500, "{}"), Status::Fail, "crashed"),
            ("login", html("POST", 502, "<title>502 Bad Gateway</title><center>nginx</center>"), Status::Fail, "proxy error page"),
            ("login", html("POST", 400, "<title>Bad Request (400)</title>"), Status::Fail, "DisallowedHost"),
            ("login", redirect, Status::Fail, "body is lost"),
            ("login", ssl, Status::Fail, "body is lost"),
            ("login", html("POST", 400, "<html><div id=\"root\"></div></html>"), Status::Warn, "SPA's index.html"),
            ("health", html("GET", 404, "You’re seeing this error because you have <code>DEBUG = True</code> Django tried these URL patterns"), Status::Fail, "Django debug page"),
            ("admin", html("GET", 302, ""), Status::Pass, "as expected"),
            ("login", json("POST", 405, "{}"), Status::Fail, "refuses POST"),
        ];
        for (name, seen, want, phrase) in cases {
            let v = classify(&ep(name), &seen, None);
            assert_eq!(v.status, want, "{name} {seen:?}: {v:?}");
            assert!(
                v.what.contains(phrase),
                "{name}: {:?} lacks {phrase}",
                v.what
            );
        }
    }

    #[test]
    fn redirect_hints_name_the_cause() {
        let s = Seen {
            location: Some("/api/v1/auth/login/".into()),
            path: "/api/v1/auth/login".into(),
            ..html("POST", 301, "")
        };
        assert!(classify(&ep("login"), &s, None)
            .hint
            .unwrap()
            .contains("APPEND_SLASH"));
        let s = Seen {
            location: Some("https://api.x.test/api/v1/auth/login/".into()),
            ..html("POST", 301, "")
        };
        assert!(classify(&ep("login"), &s, None)
            .hint
            .unwrap()
            .contains("SECURE_SSL_REDIRECT"));
    }

    #[test]
    fn near_miss_is_suggested_on_404() {
        let v = classify(
            &ep("login"),
            &json("POST", 404, ""),
            Some(&("https://api.x.test/api/v2/auth/login/".into(), 400)),
        );
        assert!(v.hint.unwrap().contains("/api/v2/auth/login/"));
        assert!(v.console);
    }

    #[test]
    fn variants_toggle_slash_drop_base_and_swap_versions() {
        let base = Url::parse("https://api.x.test/api/v1/").unwrap();
        let url = Url::parse("https://api.x.test/api/v1/auth/login/").unwrap();
        let v: Vec<String> = variants(&base, &url)
            .iter()
            .map(|u| u.path().to_string())
            .collect();
        assert_eq!(
            v,
            vec!["/api/v1/auth/login", "/auth/login/", "/api/v2/auth/login/"]
        );
        let url = Url::parse("https://api.x.test/health").unwrap();
        let v: Vec<String> = variants(&base, &url)
            .iter()
            .map(|u| u.path().to_string())
            .collect();
        assert_eq!(v, vec!["/health/"]);
    }

    #[test]
    fn html_pages_are_named() {
        let cases = [
            ("<html><head><title>Log in | Django site admin</title></head><form><input type=\"password\"></form>", "a login page"),
            ("<!doctype html><html><body><div id=\"root\"></div><script src=\"/static/js/main.js\"></script></body></html>", "SPA's index.html"),
            ("<html><head><title>502 Bad Gateway</title></head><center>nginx</center></html>", "proxy error page"),
            ("<html><head><title>Hello</title></head></html>", "titled \"Hello\""),
        ];
        for (body, want) in cases {
            let d = describe_html(&html("GET", 200, body));
            assert!(d.contains(want), "{d} lacks {want}");
        }
    }

    #[test]
    fn console_line_is_chromes_format() {
        assert_eq!(
            console_line("POST", "https://api.x.test/api/v1/auth/login/", 404),
            "POST https://api.x.test/api/v1/auth/login/ 404 (Not Found)"
        );
    }
}
