//! The fixes of section 5 for an API that is not Django: worded for the recognised framework
//! (Express, FastAPI/Starlette, Flask, and the others where one sentence does), or, when none is
//! recognised, what to change without naming a framework. Django's words are in `words.rs`.
//! Nothing here decides.

use super::judge::{Asset, EndpointFault, PostRedirect, RateLimit, TokenCause, Vocab};
use crate::checks::jwt::fixes::secret_name;
use crate::stack::{Backend, Proxy};

/// Where a route is declared, for `method path`.
fn add_route(b: Option<Backend>, method: &str, path: &str) -> String {
    let m = method.to_ascii_lowercase();
    let title = {
        let mut c = m.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match b {
        Some(Backend::Express) => format!("add it to the Express router (router.{m}('{path}', …), mounted under the API prefix with app.use)"),
        Some(Backend::Starlette) => format!("add it to the FastAPI app's APIRouter (@router.{m}(\"{path}\"), included with app.include_router(router, prefix=…))"),
        Some(Backend::Flask) => format!("add a Flask @app.route(\"{path}\", methods=[\"{method}\"]) (or on the Blueprint registered under the API prefix)"),
        Some(Backend::Rails) => format!("add it to config/routes.rb ({m} '{path}', to: …)"),
        Some(Backend::Laravel) => format!("add it to routes/api.php (Route::{m}('{path}', …))"),
        Some(Backend::SpringBoot) => format!("map it on a @RestController (@{title}Mapping(\"{path}\"))"),
        Some(Backend::AspNetCore) => format!("map it (app.Map{title}(\"{path}\", …) or a controller action with [Http{title}(\"{path}\")])"),
        Some(Backend::NextJs) => format!("add a route handler for it (…/route.ts exporting {method})"),
        Some(Backend::Django) | None => "add the route to the API".into(),
    }
}

/// How the app process is started, listening on the port the proxy forwards to.
fn run_command(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "node app.js (or npm start) listening on process.env.PORT",
        Some(Backend::Starlette) => "uvicorn main:app --host 0.0.0.0 --port $PORT",
        Some(Backend::Flask) => "gunicorn -b 0.0.0.0:$PORT app:app",
        Some(Backend::Rails) => "bin/rails server -b 0.0.0.0 -p $PORT",
        Some(Backend::Laravel) => "php-fpm (or php artisan serve --host 0.0.0.0 --port $PORT)",
        Some(Backend::SpringBoot) => "java -jar app.jar with server.port=$PORT",
        Some(Backend::AspNetCore) => "dotnet App.dll with ASPNETCORE_URLS=http://0.0.0.0:$PORT",
        Some(Backend::NextJs) => "next start -p $PORT",
        Some(Backend::Django) | None => "the app's start command, bound to 0.0.0.0 and that port",
    }
}

fn proxy_name(p: Option<Proxy>) -> &'static str {
    p.map_or("the proxy", Proxy::name)
}

/// Where the app's error shows.
fn logs(b: Option<Backend>) -> String {
    match b {
        Some(Backend::Express) => {
            "read the Node process's output for the stack trace (the platform's logs, pm2 logs)"
                .into()
        }
        Some(Backend::Starlette) => "read uvicorn's log for the traceback".into(),
        Some(Backend::Flask) => "read gunicorn's (or Flask's) log for the traceback".into(),
        Some(b) => format!("read the {} app's logs for the error", b.name()),
        None => "read the app's logs for the error".into(),
    }
}

fn leeway(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "jwt.verify(token, secret, { clockTolerance: 30 })",
        Some(Backend::Starlette) => "jwt.decode(…, leeway=30)",
        Some(Backend::Flask) => "JWT_DECODE_LEEWAY = 30",
        _ => "a few seconds of leeway when verifying",
    }
}

fn forbidden_not_401(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "answer a missing or invalid token with 401 in the auth middleware (res.status(401)) and keep 403 for a user who is not allowed, so the SPA knows to log in again",
        Some(Backend::Starlette) => "FastAPI's HTTPBearer answers 403 for a missing header in many versions: use HTTPBearer(auto_error=False) and raise HTTPException(status_code=401, headers={\"WWW-Authenticate\": \"Bearer\"}) when there is no valid token",
        Some(Backend::Flask) => "answer a missing or invalid token with 401 (flask-jwt-extended does by default: check an unauthorized_loader or a before_request that aborts with 403)",
        _ => "answer a missing or invalid token with 401 and keep 403 for an authenticated user without permission, so the SPA knows to log in again",
    }
}

fn redirects_to_itself(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "behind a TLS-terminating proxy the app sees http and redirects forever: app.set('trust proxy', 1) so req.secure reads X-Forwarded-Proto, and make the proxy send X-Forwarded-Proto",
        Some(Backend::Starlette) => "behind a TLS-terminating proxy the app sees http and redirects forever (HTTPSRedirectMiddleware): run uvicorn with --proxy-headers --forwarded-allow-ips=<the proxy's address> and make the proxy send X-Forwarded-Proto",
        Some(Backend::Flask) => "behind a TLS-terminating proxy the app sees http and redirects forever: wrap it in werkzeug's ProxyFix (app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)) and make the proxy send X-Forwarded-Proto",
        Some(Backend::Rails) => "behind a TLS-terminating proxy config.force_ssl redirects forever: set config.assume_ssl = true or make the proxy send X-Forwarded-Proto",
        Some(Backend::Laravel) => "behind a TLS-terminating proxy the app sees http and redirects forever: trust the proxy (TrustProxies, $proxies = '*') and make it send X-Forwarded-Proto",
        _ => "the app sees plain http behind the TLS-terminating proxy and redirects to https forever: make the proxy send X-Forwarded-Proto: https and the app trust it, or redirect in one layer only",
    }
}

fn rate_limit(b: Option<Backend>, l: &RateLimit) -> String {
    if l.lockout {
        return "the test account is locked out after failed attempts: unlock it and check the password conncheck uses; real users who mistype get the same 429".into();
    }
    let layer = match b {
        Some(Backend::Express) => "express-rate-limit's limit/windowMs",
        Some(Backend::Starlette) => "slowapi's @limiter.limit",
        Some(Backend::Flask) => "Flask-Limiter's limits",
        Some(Backend::Rails) => "Rack::Attack's throttle",
        Some(Backend::Laravel) => "the throttle middleware (RateLimiter::for)",
        _ => "the app's rate limit",
    };
    format!("a rate limit answered ({layer}, nginx limit_req, the platform's limit): if the SPA's own traffic trips it, raise the rate or the burst and make the frontend honour Retry-After; the SPA sees these calls fail")
}

fn token_cause(b: Option<Backend>, c: &TokenCause) -> String {
    let key = secret_name(b);
    match c {
        TokenCause::OtherRoutesAccept => format!("other protected routes accept the same token, so this route (or the instance that answers it) verifies with another key: give every instance and service the same {key} from one environment variable"),
        TokenCause::ClockSkew { secs } => format!("the token was issued {secs} s ahead of the server's Date: the servers' clocks disagree and a token not yet valid (nbf/iat) is refused: run NTP on every instance, or allow {}", leeway(b)),
        TokenCause::HeaderType { sent, challenge } => format!("the route asks for '{challenge}' credentials, conncheck sent '{sent} <token>' as the frontend does: make the API accept the '{sent}' scheme (or send the scheme the API wants)"),
        TokenCause::SigningKey => format!("a {key} that differs between the instance that issued the token and the one that verified it is the usual cause; also check the servers' clocks (nbf/iat) and the Authorization scheme the API accepts"),
    }
}

fn post_redirected(b: Option<Backend>, cause: PostRedirect, location: &str) -> String {
    match (cause, b) {
        (PostRedirect::AppendSlash, Some(Backend::Starlette)) => format!("FastAPI redirects the path to {location} (redirect_slashes): call the URL exactly as the route is declared, in the frontend (or the endpoint map)"),
        (PostRedirect::AppendSlash, _) => format!("the API redirects the POST to {location} (a trailing-slash rule): call the URL exactly as the route is declared, in the frontend (or the endpoint map)"),
        (PostRedirect::ToHttps, _) => format!("a redirect to {location} (the proxy's or the app's http→https redirect) drops the POST body: call the https:// URL directly"),
        (PostRedirect::Elsewhere, _) => format!("the POST is redirected to {location}; browsers re-send it as GET without the body: point the frontend at the final URL"),
    }
}

fn static_missing(broken: &[Asset]) -> String {
    let html = broken
        .iter()
        .any(|a| a.html && a.status.is_some_and(|s| (200..300).contains(&s)));
    let mut s = String::from("the stylesheets and scripts the backend's pages reference are not served: build or copy them where the server serves static files (or serve them from the app)");
    if html {
        s.push_str("; an HTML page where CSS/JS should be means a catch-all route (the SPA's fallback or the proxy) answers them instead");
    }
    s
}

/// The one fix for a fault on an API that is not (recognisably) Django; `None` where the fault
/// has no fix of its own, and the Django words (`django`) where the fault is Django's alone
/// (its debug page, DisallowedHost) or says nothing framework-specific.
pub fn hint(f: &EndpointFault, v: Vocab, django: impl Fn() -> Option<String>) -> Option<String> {
    use EndpointFault::*;
    let b = v.backend;
    Some(match f {
        NotFound { near_miss: Some((url, st)), .. } => format!("the route answers at {url} (HTTP {st}): fix the path in the frontend (or the endpoint map)"),
        NotFound { method, path, near_miss: None } => format!("no route answers {method} {path}: {}, and check the deployed version has it; or correct the path", add_route(b, method, path)),
        MethodNotAllowed { method, path } => format!("the route exists but not for {method}: {}, or fix the method in the frontend (or the endpoint map)", add_route(b, method, path)),
        ProxyError { .. } => format!("the proxy cannot reach the app: check it runs and listens on the port {} proxies to ({}), and that it starts without crashing (its logs)", proxy_name(v.proxy), run_command(b)),
        ServerError => format!("the app crashed handling this request: {}; common after a deploy are an unreachable database (DATABASE_URL), schema migrations not run, or a missing environment variable", logs(b)),
        ForbiddenNot401 => forbidden_not_401(b).into(),
        NoBearerChallenge { .. } => "answer 401s with WWW-Authenticate: Bearer (RFC 9110) so clients know a token is wanted; the 401 itself is right".into(),
        RedirectsToItself { .. } => redirects_to_itself(b).into(),
        PostRedirected { location, cause, .. } => post_redirected(b, *cause, location),
        HtmlNotJson { .. } => "a JSON API route answered HTML: check that the proxy routes this path to the app (not the SPA's fallback or a static site) and that the route answers JSON".into(),
        SetupExposed { paths } => format!("remove {} from the production routes (run setup from the command line instead), or protect them with authentication", paths.join(", ")),
        RateLimited { limit, .. } => rate_limit(b, limit),
        TokenRefused { causes, .. } => causes.iter().map(|c| token_cause(b, c)).collect::<Vec<_>>().join("; "),
        WrongStatusWithToken { .. } => "with a valid token the route itself answers otherwise: check its authorization rules and the app's logs; set expect_with_token for this endpoint if this status is by design".into(),
        StaticMissing { broken } => static_missing(broken),
        Oversized { .. } => "this route streams far more than an API answer should: check the handler (an unpaginated list, a file served through the API) or the proxy in front of it".into(),
        AppUnavailable { .. } => "the app reports itself unavailable: its health check fails, most often the database (DATABASE_URL, the database service is down or out of connections); read the app's logs".into(),
        _ => return django(),
    })
}
