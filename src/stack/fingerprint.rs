//! Recognising the stack from its answers. Each rule names what gave it away, so the report can
//! show the evidence. Facts checked against each framework's own behaviour:
//! - Django: `csrftoken`/`sessionid` cookies; its plain 404/400/500 pages; DRF's JSON
//!   `{"detail": "Not found."}`; django-cors-headers answers a preflight 200 with an empty body.
//! - Express: `X-Powered-By: Express`; `Cannot GET /path` 404 pages; the `cors` package answers a
//!   preflight 204 with `Vary: Origin, Access-Control-Request-Headers`; `connect.sid` cookies.
//! - Starlette/FastAPI: `server: uvicorn`/`hypercorn`; `{"detail":"Not Found"}`; CORSMiddleware
//!   answers a preflight 200 `OK` (text/plain), and 400 `Disallowed CORS origin` when refused.
//! - Flask: `Server: Werkzeug`; its "The requested URL was not found on the server." page.
//! - Rails: `X-Runtime`, `_<app>_session` cookies, "The page you were looking for doesn't exist."
//! - Laravel: `laravel_session`/`XSRF-TOKEN` cookies. Spring Boot: `JSESSIONID`, the JSON error
//!   body with `timestamp`/`status`/`error`/`path`, "Whitelabel Error Page", 403 "Invalid CORS
//!   request". ASP.NET Core: `Server: Kestrel`, `.AspNetCore.` cookies. Next.js:
//!   `X-Powered-By: Next.js`, `x-nextjs-*` headers.
//! - Proxies: `Server: nginx` / `<center>nginx</center>`, Traefik's `404 page not found`,
//!   `Server: Caddy`, `Server: Apache`, `cf-ray`, `x-vercel-id`, `x-nf-request-id`,
//!   `Via: … vegur`/`heroku-router`, `rndr-id`/`x-render-origin-server`, `fly-request-id`; and
//!   platform host names (`*.liara.run`, `*.herokuapp.com`, `*.onrender.com`, `*.fly.dev`,
//!   `*.vercel.app`, `*.netlify.app`).

use super::{Backend, Proxy, Sample, Seen, Stack};

fn seen<T>(what: T, by: impl Into<String>) -> Seen<T> {
    Seen {
        what,
        by: by.into(),
    }
}

fn has_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

/// The backend one response shows, with the evidence.
pub fn backend_of(s: &Sample) -> Option<Seen<Backend>> {
    if let Some(p) = s.header("x-powered-by") {
        if has_ci(p, "next.js") {
            return Some(seen(Backend::NextJs, "X-Powered-By: Next.js"));
        }
        if has_ci(p, "express") {
            return Some(seen(Backend::Express, "X-Powered-By: Express"));
        }
        if has_ci(p, "asp.net") {
            return Some(seen(Backend::AspNetCore, format!("X-Powered-By: {p}")));
        }
    }
    if s.headers.iter().any(|(n, _)| n.starts_with("x-nextjs-")) {
        return Some(seen(Backend::NextJs, "x-nextjs-* headers"));
    }
    for name in s.cookie_names() {
        let by = format!("cookie {name}");
        let b = match name.as_str() {
            "csrftoken" | "sessionid" => Backend::Django,
            "connect.sid" => Backend::Express,
            "laravel_session" | "XSRF-TOKEN" => Backend::Laravel,
            "JSESSIONID" => Backend::SpringBoot,
            n if n.starts_with(".AspNetCore.") => Backend::AspNetCore,
            n if n.starts_with('_') && n.ends_with("_session") => Backend::Rails,
            _ => continue,
        };
        return Some(seen(b, by));
    }
    if let Some(server) = s.header("server") {
        let b = if has_ci(server, "uvicorn") || has_ci(server, "hypercorn") {
            Backend::Starlette
        } else if has_ci(server, "werkzeug") {
            Backend::Flask
        } else if has_ci(server, "kestrel") {
            Backend::AspNetCore
        } else if has_ci(server, "wsgiserver") && has_ci(server, "cpython") {
            Backend::Django
        } else {
            // A proxy's Server header (nginx replaces the app's): read the rest of the answer.
            return rest_of(s);
        };
        return Some(seen(b, format!("Server: {server}")));
    }
    rest_of(s)
}

/// The signs past the headers that name a backend outright.
fn rest_of(s: &Sample) -> Option<Seen<Backend>> {
    if s.header("x-runtime").is_some() {
        return Some(seen(Backend::Rails, "X-Runtime header"));
    }
    preflight_shape(s).or_else(|| body_shape(s))
}

/// How a framework's CORS layer answers a preflight.
fn preflight_shape(s: &Sample) -> Option<Seen<Backend>> {
    if !s.preflight {
        return None;
    }
    let vary = s.headers_named("vary").collect::<Vec<_>>().join(", ");
    if s.status == 204 && has_ci(&vary, "access-control-request-headers") {
        return Some(seen(
            Backend::Express,
            "preflight 204 with Vary: Access-Control-Request-Headers (cors package)",
        ));
    }
    if s.status == 200 && s.body.trim() == "OK" && s.header("access-control-allow-origin").is_some()
    {
        return Some(seen(
            Backend::Starlette,
            "preflight answered 200 OK (CORSMiddleware)",
        ));
    }
    if s.status == 400 && s.body.contains("Disallowed CORS") {
        return Some(seen(
            Backend::Starlette,
            "preflight refused with \"Disallowed CORS origin\" (CORSMiddleware)",
        ));
    }
    if s.status == 403 && s.body.contains("Invalid CORS request") {
        return Some(seen(
            Backend::SpringBoot,
            "preflight refused with \"Invalid CORS request\"",
        ));
    }
    None
}

/// Error pages and JSON error bodies.
fn body_shape(s: &Sample) -> Option<Seen<Backend>> {
    let b = &s.body;
    let rules: [(&str, Backend, &str); 14] = [
        (
            "Using the URLconf defined in",
            Backend::Django,
            "Django's debug 404 page",
        ),
        (
            "Authentication credentials were not provided.",
            Backend::Django,
            "DRF's 401 body",
        ),
        (
            "{\"msg\":\"Missing Authorization Header\"}",
            Backend::Flask,
            "flask-jwt-extended's 401 body",
        ),
        (
            "{\"detail\":\"Not authenticated\"}",
            Backend::Starlette,
            "FastAPI's 401 body",
        ),
        (
            "{\"detail\":\"Method Not Allowed\"}",
            Backend::Starlette,
            "FastAPI's JSON 405",
        ),
        (
            "The requested resource was not found on this server.",
            Backend::Django,
            "Django's 404 page",
        ),
        (
            "{\"detail\":\"Not found.\"}",
            Backend::Django,
            "DRF's JSON 404",
        ),
        (
            "{\"detail\": \"Not found.\"}",
            Backend::Django,
            "DRF's JSON 404",
        ),
        (
            "{\"detail\":\"Not Found\"}",
            Backend::Starlette,
            "FastAPI's JSON 404",
        ),
        (
            "<pre>Cannot ",
            Backend::Express,
            "Express's \"Cannot GET\" page",
        ),
        (
            "The requested URL was not found on the server.",
            Backend::Flask,
            "Flask's 404 page",
        ),
        (
            "The page you were looking for doesn't exist",
            Backend::Rails,
            "Rails's 404 page",
        ),
        (
            "Whitelabel Error Page",
            Backend::SpringBoot,
            "Spring Boot's Whitelabel page",
        ),
        (
            "\"Invalid CORS request\"",
            Backend::SpringBoot,
            "Spring's CORS refusal",
        ),
    ];
    for (needle, backend, by) in rules {
        if b.contains(needle) {
            return Some(seen(backend, by));
        }
    }
    let spring_json = ["\"timestamp\"", "\"status\"", "\"error\"", "\"path\""];
    if spring_json.iter().all(|k| b.contains(k)) {
        return Some(seen(Backend::SpringBoot, "Spring Boot's JSON error body"));
    }
    None
}

/// The proxies and platforms one response shows, outermost first.
pub fn proxies_of(s: &Sample) -> Vec<Seen<Proxy>> {
    let mut out = Vec::new();
    let h = |n: &str| s.header(n).is_some();
    if h("cf-ray") || s.header("server").is_some_and(|v| has_ci(v, "cloudflare")) {
        out.push(seen(Proxy::Cloudflare, "cf-ray header"));
    }
    if h("x-vercel-id") {
        out.push(seen(Proxy::Vercel, "x-vercel-id header"));
    }
    if h("x-nf-request-id") {
        out.push(seen(Proxy::Netlify, "x-nf-request-id header"));
    }
    if h("fly-request-id") {
        out.push(seen(Proxy::Fly, "fly-request-id header"));
    }
    if h("rndr-id") || h("x-render-origin-server") {
        out.push(seen(Proxy::Render, "Render's request headers"));
    }
    if s.headers_named("via")
        .any(|v| has_ci(v, "vegur") || has_ci(v, "heroku"))
    {
        out.push(seen(Proxy::Heroku, "Via: Heroku's router"));
    }
    if let Some(server) = s.header("server") {
        let p = if has_ci(server, "nginx") || has_ci(server, "openresty") {
            Some(Proxy::Nginx)
        } else if has_ci(server, "caddy") {
            Some(Proxy::Caddy)
        } else if has_ci(server, "apache") {
            Some(Proxy::Apache)
        } else {
            None
        };
        if let Some(p) = p {
            out.push(seen(p, format!("Server: {server}")));
        }
    } else if s.body.contains("<center>nginx") {
        out.push(seen(Proxy::Nginx, "nginx's error page"));
    }
    if s.status == 404 && s.body.trim() == "404 page not found" {
        out.push(seen(Proxy::Traefik, "Traefik's \"404 page not found\""));
    }
    out
}

/// The platform a host name belongs to.
pub fn platform_of_host(host: &str) -> Option<Seen<Proxy>> {
    let host = host.to_ascii_lowercase();
    let table: [(&str, Proxy); 6] = [
        (".liara.run", Proxy::Liara),
        (".herokuapp.com", Proxy::Heroku),
        (".onrender.com", Proxy::Render),
        (".fly.dev", Proxy::Fly),
        (".vercel.app", Proxy::Vercel),
        (".netlify.app", Proxy::Netlify),
    ];
    table
        .into_iter()
        .find(|(suffix, _)| host.ends_with(suffix))
        .map(|(suffix, p)| seen(p, format!("host name *{suffix}")))
}

/// Everything the samples show. The first backend seen wins (samples come in order of
/// trust: the API base, then error pages, then the preflight); proxies are collected once each.
pub fn recognise(api_host: &str, samples: &[Sample]) -> Stack {
    let mut stack = Stack::default();
    for s in samples {
        if stack.backend.is_none() {
            stack.backend = backend_of(s);
        }
        for p in proxies_of(s) {
            if !stack.has_proxy(p.what) {
                stack.proxies.push(p);
            }
        }
    }
    if let Some(p) = platform_of_host(api_host) {
        if !stack.has_proxy(p.what) {
            stack.proxies.push(p);
        }
    }
    stack
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(status: u16, headers: &[(&str, &str)], body: &str) -> Sample {
        Sample {
            preflight: false,
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }

    #[test]
    fn backends_from_their_own_answers() {
        let cases: Vec<(Sample, Backend)> = vec![
            (
                sample(200, &[("set-cookie", "csrftoken=abc; Path=/")], ""),
                Backend::Django,
            ),
            (
                sample(
                    404,
                    &[("x-powered-by", "Express")],
                    "<pre>Cannot GET /x</pre>",
                ),
                Backend::Express,
            ),
            (
                sample(404, &[("server", "uvicorn")], "{\"detail\":\"Not Found\"}"),
                Backend::Starlette,
            ),
            (
                sample(404, &[], "{\"detail\":\"Not Found\"}"),
                Backend::Starlette,
            ),
            (
                sample(404, &[("server", "Werkzeug/3.0.1 Python/3.11.7")], ""),
                Backend::Flask,
            ),
            (
                sample(
                    404,
                    &[("server", "gunicorn")],
                    "<p>The requested URL was not found on the server. If you entered",
                ),
                Backend::Flask,
            ),
            (
                sample(
                    404,
                    &[("server", "gunicorn")],
                    "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>",
                ),
                Backend::Django,
            ),
            (
                sample(200, &[("set-cookie", "JSESSIONID=1; Path=/")], ""),
                Backend::SpringBoot,
            ),
            (
                sample(
                    404,
                    &[],
                    "{\"timestamp\":\"x\",\"status\":404,\"error\":\"Not Found\",\"path\":\"/x\"}",
                ),
                Backend::SpringBoot,
            ),
            (
                sample(200, &[("server", "Kestrel")], ""),
                Backend::AspNetCore,
            ),
            (
                sample(200, &[("x-powered-by", "Next.js")], ""),
                Backend::NextJs,
            ),
            (
                sample(200, &[("set-cookie", "_shop_session=x")], ""),
                Backend::Rails,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(backend_of(&s).map(|x| x.what), Some(want), "{s:?}");
        }
    }

    #[test]
    fn preflight_shapes() {
        let mut s = sample(
            204,
            &[("vary", "Origin, Access-Control-Request-Headers")],
            "",
        );
        s.preflight = true;
        assert_eq!(backend_of(&s).unwrap().what, Backend::Express);
        let mut s = sample(
            200,
            &[("access-control-allow-origin", "https://x.test")],
            "OK",
        );
        s.preflight = true;
        assert_eq!(backend_of(&s).unwrap().what, Backend::Starlette);
    }

    #[test]
    fn proxies_and_platforms() {
        let s = sample(502, &[("server", "nginx/1.24.0")], "");
        assert_eq!(proxies_of(&s)[0].what, Proxy::Nginx);
        let s = sample(404, &[], "404 page not found\n");
        assert_eq!(proxies_of(&s)[0].what, Proxy::Traefik);
        let s = sample(200, &[("cf-ray", "1"), ("server", "cloudflare")], "");
        assert_eq!(proxies_of(&s).len(), 1);
        let st = recognise(
            "tiktrue-backend.liara.run",
            &[sample(200, &[("server", "nginx")], "")],
        );
        assert_eq!(st.config_proxy(), Some(Proxy::Nginx));
        assert_eq!(st.platform(), Some(Proxy::Liara));
        assert!(st.to_string().contains("behind nginx → Liara"), "{st}");
    }

    #[test]
    fn nothing_recognised_is_unknown() {
        let st = recognise("api.x.test", &[sample(200, &[], "{}")]);
        assert!(!st.is_known());
        assert_eq!(st.to_string(), "unknown backend");
    }
}
