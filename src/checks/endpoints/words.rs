//! The words of section 5: what each verdict means and its one fix. Nothing here decides.

use super::judge::{
    Asset, AssetKind, DebugPage, EndpointFault, HtmlPage, PostRedirect, RateLimit, Seen,
    TokenCause, Verdict, Vocab,
};
use crate::engine::model::Finding;
use crate::target::Endpoint;

pub const DEBUG_HINT: &str = "DEBUG is on in production: set DEBUG = False (read it from the environment, e.g. DEBUG = os.environ.get('DEBUG') == '1') and redeploy; the debug page leaks settings, URL patterns and tracebacks";

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

pub fn expect_list(codes: &[u16]) -> String {
    codes
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" or ")
}

pub fn endpoint_title(ep: &Endpoint, shown_path: &str) -> String {
    format!(
        "{} {} answers {}",
        ep.method,
        shown_path,
        expect_list(&ep.expect)
    )
}
pub const DEBUG_TITLE: &str =
    "debug mode is off (no debug page listing settings, routes or tracebacks)";
pub const EXPOSURE_TITLE: &str = "setup and maintenance routes are not open to anonymous requests";
pub const STATIC_TITLE: &str = "the backend's pages load their stylesheets and scripts";

/// Name an HTML page that came back where JSON was expected.
pub fn html_page(p: &HtmlPage) -> String {
    let titled = |t: &Option<String>| {
        t.as_ref()
            .map(|t| format!(" (\"{t}\")"))
            .unwrap_or_default()
    };
    match p {
        HtmlPage::ProxyError { title } => format!("a proxy error page{}", titled(title)),
        HtmlPage::Login { title } => format!("a login page{}", titled(title)),
        HtmlPage::SpaIndex => {
            "the SPA's index.html (a catch-all route serves the frontend for every path)".into()
        }
        HtmlPage::Titled(t) => format!("an HTML page titled \"{t}\""),
        HtmlPage::Untitled => "an HTML page".into(),
    }
}

fn debug_page(p: DebugPage) -> &'static str {
    match p {
        DebugPage::Django => "the Django debug page (DEBUG = True)",
    }
}

/// What the answer means (after the request and the answer's summary on the row).
pub fn what(v: &Verdict, s: &Seen) -> String {
    let base = match &v.fault {
        None => format!("HTTP {} as expected", s.status),
        Some(EndpointFault::DebugPage(p)) => format!("HTTP {}: {}", s.status, debug_page(*p)),
        Some(f) => fault_what(f, s),
    };
    match v.debug {
        Some(DebugPage::Django) if !matches!(v.fault, Some(EndpointFault::DebugPage(_))) => {
            format!("{base}; served as the Django debug page (DEBUG = True, see endpoints.debug)")
        }
        _ => base,
    }
}

fn fault_what(f: &EndpointFault, s: &Seen) -> String {
    use EndpointFault::*;
    match f {
        DisallowedHost => "HTTP 400 with Django's plain \"Bad Request (400)\" page: the request never reached a view (DisallowedHost)".into(),
        PostRedirected { status, location, .. } => {
            format!("HTTP {status} redirect on a POST (to {location}): the body is lost")
        }
        HtmlNotJson { status, page, .. } => {
            format!("HTTP {status} but {} instead of JSON", html_page(page))
        }
        NoBearerChallenge { got } => format!(
            "HTTP 401 without WWW-Authenticate: Bearer (got {})",
            got.as_deref().unwrap_or("none")
        ),
        RedirectsToItself { status, .. } => format!(
            "HTTP {status} redirect to this same https:// URL: the browser follows it until it gives up"
        ),
        NotFound { .. } => "HTTP 404: no such route".into(),
        ForbiddenNot401 => "HTTP 403 where 401 was expected: the client cannot tell 'log in again' from 'forbidden'".into(),
        ServerError => "HTTP 500: the backend crashed handling this request".into(),
        AppUnavailable { body } => format!("HTTP 503 from the app itself: {body}"),
        Maintenance { title, retry_after } => format!(
            "HTTP 503: a maintenance page{}{}, not a crash",
            title.as_ref().map(|t| format!(" (\"{t}\")")).unwrap_or_default(),
            retry_after
                .as_ref()
                .map(|r| format!(", Retry-After: {r}"))
                .unwrap_or_default()
        ),
        ProxyError { status, page } => format!(
            "HTTP {status} ({}){}",
            reason(*status),
            page.as_ref().map(|p| format!(": {}", html_page(p))).unwrap_or_default()
        ),
        MethodNotAllowed { method, .. } => format!("HTTP 405: the route exists but refuses {method}"),
        Redirected { status, location, .. } => format!(
            "HTTP {status} redirect to {}",
            location.as_deref().unwrap_or("(no Location)")
        ),
        UnexpectedStatus { status, expected, page, .. } => format!(
            "HTTP {status}{}, expected {}",
            page.as_ref().map(|p| format!(" ({})", html_page(p))).unwrap_or_default(),
            expect_list(expected)
        ),
        RateLimited { limit, .. } => rate_limited(limit),
        TokenRefused { status, .. } => format!(
            "HTTP {status}: a fresh access token from the login is refused by this protected route"
        ),
        WrongStatusWithToken { status, expected, .. } => format!(
            "HTTP {status} with a valid access token, expected {}",
            expect_list(expected)
        ),
        DebugPage(p) => format!("HTTP {}: {}", s.status, debug_page(*p)),
        Oversized { .. } | AppNotAnswering { .. } | SetupExposed { .. } | CatchAll
        | StaticMissing { .. } => format!("HTTP {}", s.status),
    }
}

fn rate_limited(l: &RateLimit) -> String {
    let who = if l.lockout {
        "HTTP 429: the login is locked out after repeated attempts (a lockout plugin), not refused by the view"
    } else {
        "HTTP 429 Too Many Requests: a rate limit answered, not the route (not counted as the route's failure)"
    };
    let limit = l
        .limit
        .as_deref()
        .map(|x| format!("; limit {x}"))
        .unwrap_or_default();
    let retry = match l.retry_after {
        Some(s) => format!("; Retry-After {s} s"),
        None => "; no Retry-After".into(),
    };
    let again = if l.retried {
        "; still limited after waiting that long"
    } else {
        ""
    };
    format!("{who}{limit}{retry}{again}")
}

/// The one fix for a verdict's fault, in the words of the framework that answered: Django's
/// below, the others' in `fixes.rs`, and what to change without naming a framework when none
/// was recognised.
pub fn hint(f: &EndpointFault, v: Vocab) -> Option<String> {
    if v.is_django() {
        return django_hint(f);
    }
    super::fixes::hint(f, v, || django_hint(f))
}

/// The one fix for a verdict's fault on a Django API.
fn django_hint(f: &EndpointFault) -> Option<String> {
    use EndpointFault::*;
    Some(match f {
        DisallowedHost => "the API host is not in ALLOWED_HOSTS: add it (e.g. ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS'].split(',') with api.<your-domain>) and redeploy; Django logs 'Invalid HTTP_HOST header'".into(),
        PostRedirected { location, cause, .. } => match cause {
            PostRedirect::AppendSlash => format!("the URL lacks its trailing slash and Django's APPEND_SLASH redirects it to {location}, dropping the POST body: call the URL with the trailing slash in the frontend (or the endpoint map)"),
            PostRedirect::ToHttps => format!("a redirect to {location} (SECURE_SSL_REDIRECT or the proxy's http→https redirect) drops the POST body: call the https:// URL directly, and with SECURE_SSL_REDIRECT behind a proxy set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')"),
            PostRedirect::Elsewhere => format!("the POST is redirected to {location}; browsers re-send it as GET without the body: point the frontend at the final URL"),
        },
        RedirectsToItself { .. } => "behind a TLS-terminating proxy Django sees every request as http and redirects forever: set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') and make the proxy send X-Forwarded-Proto (or redirect in the proxy only with SECURE_SSL_REDIRECT = False)".into(),
        HtmlNotJson { .. } => "a JSON API route answered HTML: check that the proxy routes this path to Django and that DRF's JSONRenderer is used".into(),
        NoBearerChallenge { .. } => "put rest_framework_simplejwt.authentication.JWTAuthentication first in REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'] so 401s carry WWW-Authenticate: Bearer".into(),
        NotFound { near_miss: Some((url, st)), .. } => format!("the route answers at {url} (HTTP {st}): fix the path in the frontend (or the endpoint map), or add the URL pattern Django is missing"),
        NotFound { near_miss: None, .. } => "the route is missing: check urls.py includes it under this prefix (and that the deployed commit has it), or correct the path".into(),
        ForbiddenNot401 => "put rest_framework_simplejwt.authentication.JWTAuthentication first in REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']: DRF answers 403 when the first class sends no WWW-Authenticate header".into(),
        ServerError => "a server error in Django: read the app logs; common after a deploy are a database that is down or unreachable (DATABASE_URL), migrations not run (python manage.py migrate), or a missing environment variable".into(),
        AppUnavailable { .. } => "the app reports itself unavailable: its health check fails, most often the database (DATABASE_URL, the database service is down or out of connections); read the app logs".into(),
        ProxyError { .. } => "the proxy cannot reach the app: check the app is running (platform logs), listens on the port the proxy forwards to (gunicorn --bind 0.0.0.0:$PORT), and starts without crashing".into(),
        MethodNotAllowed { method, .. } => format!("allow {method} on this view (http_method_names / @api_view([...])) or fix the method in the endpoint map"),
        Redirected { .. } => "XHR/fetch calls follow this redirect silently (and CORS applies to every hop): point the frontend at the final URL".into(),
        UnexpectedStatus { status, expected, .. } => format!("the route answers {status} ({}) instead of {}: check the view and the proxy in front of it", reason(*status), expect_list(expected)),
        DebugPage(_) => DEBUG_HINT.into(),
        Oversized { .. } => "this route streams far more than an API answer should: check the view (an unpaginated queryset, a file served through the API) or the proxy in front of it".into(),
        Maintenance { title, retry_after } => maintenance_hint(title.as_deref(), retry_after.as_deref()),
        AppNotAnswering { .. } => return None,
        SetupExposed { paths } => format!("remove {} from urls.py in production (run setup with manage.py commands instead), or protect it with IsAdminUser", paths.join(", ")),
        CatchAll => "the API host answers 200 for any path (a catch-all route or the SPA's fallback): route unknown paths to 404 so mistakes surface".into(),
        RateLimited { limit, .. } => rate_limit_hint(limit),
        TokenRefused { causes, .. } => causes.iter().map(token_cause).collect::<Vec<_>>().join("; "),
        WrongStatusWithToken { .. } => "with a valid token the view itself answers otherwise: check its permission classes (IsAuthenticated, object permissions) and the app logs; set expect_with_token for this endpoint if this status is by design".into(),
        StaticMissing { broken } => static_hint(broken),
    })
}

fn maintenance_hint(title: Option<&str>, retry_after: Option<&str>) -> String {
    let said = title.map(|t| format!(" (\"{t}\")")).unwrap_or_default();
    let wait = match retry_after {
        Some(r) => format!("wait until it is over (Retry-After: {r})"),
        None => "wait until it is over".to_string(),
    };
    format!("the API is in maintenance mode{said}: {wait} or turn maintenance off (remove the maintenance flag or file, or the proxy's `return 503` for the maintenance page); the SPA's calls fail until then")
}

fn rate_limit_hint(l: &RateLimit) -> String {
    if l.lockout {
        return "the test account is locked out by a lockout plugin (django-axes: AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME): unlock it (python manage.py axes_reset_username <user>) and check the password conncheck uses; real users who mistype get the same 429".into();
    }
    "a rate limit answered (DRF DEFAULT_THROTTLE_RATES, nginx limit_req, the platform's limit): if the SPA's own traffic trips it, raise the rate or burst (nginx `limit_req zone=... burst=20 nodelay;`) and make the frontend honour Retry-After; the SPA sees these calls fail".into()
}

fn token_cause(c: &TokenCause) -> String {
    match c {
        TokenCause::OtherRoutesAccept => "other protected routes accept the same token, so this view (or the instance that answers it) verifies with another key: give every instance and service the same SIMPLE_JWT['SIGNING_KEY'] (SECRET_KEY by default) from one environment variable".into(),
        TokenCause::ClockSkew { secs } => format!("the token was issued {secs} s ahead of the server's Date: the servers' clocks disagree and simplejwt refuses a token not yet valid (nbf/iat): run NTP on every instance, or set SIMPLE_JWT['LEEWAY']"),
        TokenCause::HeaderType { sent, challenge } => format!("the route asks for '{challenge}' credentials, conncheck sent '{sent} <token>' as the frontend does: make SIMPLE_JWT['AUTH_HEADER_TYPES'] include '{sent}' (or send the header type the API wants)"),
        TokenCause::SigningKey => "a SIMPLE_JWT['SIGNING_KEY'] (SECRET_KEY by default) that differs between the instance that issued the token and the one that verified it is the usual cause; also check the servers' clocks (nbf/iat) and SIMPLE_JWT['AUTH_HEADER_TYPES']".into(),
    }
}

fn static_hint(broken: &[Asset]) -> String {
    // A 2xx HTML answer (not an HTML error page) is a catch-all serving /static/.
    let html = broken
        .iter()
        .any(|a| a.html && a.status.is_some_and(|s| (200..300).contains(&s)));
    let mut s = String::from("the static files are not collected or not served: run `python manage.py collectstatic --noinput` at build time with STATIC_ROOT set (STATIC_ROOT = BASE_DIR / 'staticfiles') and serve them with WhiteNoise ('whitenoise.middleware.WhiteNoiseMiddleware' right after SecurityMiddleware); on Liara set \"collectStatic\": true in liara.json, on Heroku unset DISABLE_COLLECTSTATIC");
    if html {
        s.push_str("; an HTML page where CSS/JS should be means a catch-all route (the SPA's fallback or the proxy) answers /static/ instead");
    }
    s
}

/// One asset as the row shows it.
pub fn asset(a: &Asset) -> String {
    let kind = match a.kind {
        AssetKind::Stylesheet => "stylesheet",
        AssetKind::Script => "script",
    };
    match a.status {
        Some(st) if a.html => format!("{kind} {} → {st} text/html", a.url),
        Some(st) => format!("{kind} {} → {st}", a.url),
        None => format!("{kind} {} → no answer", a.url),
    }
}

pub fn static_detail(page: &str, assets: &[Asset]) -> String {
    if assets.is_empty() {
        return format!("{page} references no stylesheet or script");
    }
    let shown: Vec<String> = assets.iter().map(asset).collect();
    format!("{page} references {}: {}", assets.len(), shown.join("; "))
}

pub fn no_html_page(url: &str, said: &str) -> String {
    format!("GET {url} → {said}: the backend serves no HTML page here, so there are no static files to check")
}

/// A request and what it meant: `POST <url> → <summary>; <what>`.
pub fn answered(method: &str, url: &str, summary: &str, what: &str) -> String {
    format!("{method} {url} → {summary}; {what}")
}

pub fn control_probe(url: &str, summary: &str) -> String {
    format!("GET {url} (a route that does not exist) → {summary}")
}

pub fn probe(path: &str, status: u16) -> String {
    format!("{path} {status}")
}

/// What the call with a token adds to a protected route's detail.
pub fn with_token(method: &str, url: &str, summary: &str, what: &str) -> String {
    format!("; with the access token: {method} {url} → {summary}; {what}")
}

pub const NO_TOKEN: &str =
    "; with the access token: not checked (the login gave no token, see jwt.login)";

pub fn token_call_failed(e: &crate::net::http::NetError) -> String {
    format!("; with the access token: not checked ({e})")
}

pub fn retried(detail: &str, secs: u64) -> String {
    format!("{detail} (answered after a 429 and a {secs} s wait, as Retry-After asked)")
}

pub fn oversized(detail: &str, mb: usize) -> String {
    format!("{detail}; the body is larger than the {mb} MB conncheck reads (an endless or runaway response)")
}

pub fn debug_row(detail: &str, v: Option<&EndpointFault>) -> String {
    match v {
        Some(EndpointFault::DebugPage(_)) => {
            format!("{detail}: the Django debug page, listing the URL patterns")
        }
        Some(EndpointFault::AppNotAnswering {
            maintenance: true, ..
        }) => format!("{detail}: the API is in maintenance (see the endpoint rows)"),
        Some(_) => {
            format!("{detail}: the app is not answering behind the proxy (see the endpoint rows)")
        }
        None => format!("{detail}: no debug page"),
    }
}

pub const DEBUG_ON_A_ROW: &str = "a Django debug page was served by an endpoint row above";

pub fn exposure_row(
    f: Finding,
    seen: &[String],
    fault: Option<&EndpointFault>,
    v: Vocab,
) -> Finding {
    let detail = format!("probed without credentials: {}", seen.join(", "));
    match fault {
        None => f.detail(detail),
        Some(EndpointFault::AppNotAnswering {
            maintenance: true, ..
        }) => f.detail(format!(
            "{detail}: the API is in maintenance, nothing to judge (see the endpoint rows)"
        )),
        Some(EndpointFault::AppNotAnswering { .. }) => f.detail(format!(
            "{detail}: the app is not answering behind the proxy, nothing to judge (see the endpoint rows)"
        )),
        Some(EndpointFault::CatchAll) => f.detail(format!(
            "{detail}; but a path that cannot exist answers 2xx too, so every path does"
        )),
        Some(EndpointFault::SetupExposed { paths }) => {
            f.detail(format!("{detail}; open to anyone: {}", paths.join(", ")))
        }
        Some(_) => f.detail(detail),
    }
    .maybe_hint(fault.and_then(|x| hint(x, v)))
}

/// What Chrome shows for a verdict, when the request fails in the browser.
pub fn browser_error(v: &Verdict, method: &str, url: &str, status: u16) -> Option<String> {
    match &v.fault {
        Some(EndpointFault::RedirectsToItself { .. }) => {
            Some(crate::browser::https::TOO_MANY_REDIRECTS.to_string())
        }
        _ if v.console => Some(crate::browser::endpoints::console_line(method, url, status)),
        _ => None,
    }
}

/// A route moved under the API base the frontend's code uses, from the default a bare host
/// implies.
pub fn base_corrected(detail: &str, base: &str, default: &str) -> String {
    format!("{detail} (API base {base} as the frontend's code uses it, not the default {default} a bare host implies: pass the API URL to pin it)")
}

/// A guessed route (not one the frontend calls) the API does not have.
pub fn guessed_absent(method: &str, url: &str, summary: &str) -> String {
    format!(
        "{method} {url} → {summary}; not a route the frontend calls (conncheck guessed it): a 404 here is information, not a fault"
    )
}

/// A guessed route's unexpected answer, noted as a guess.
pub fn guessed(detail: &str, warn: bool) -> String {
    let what = if warn {
        "a warning, not a failure"
    } else {
        "information, not a fault"
    };
    format!("{detail} (a route conncheck guessed, not one the frontend calls: {what})")
}

/// A route refused by the CSRF check for want of the app's token: the route exists and is
/// protected (the `jwt.csrf` row judges the check itself).
pub fn csrf_refused(method: &str, url: &str, summary: &str) -> String {
    format!(
        "{method} {url} → {summary}; refused by the CSRF check, as it must be without the app's CSRF token: the route is there and protected (see jwt.csrf)"
    )
}
