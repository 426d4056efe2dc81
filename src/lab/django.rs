//! The lab's API: behaves as Django 4.2 + Django REST framework + simplejwt + django-cors-headers
//! behind a platform proxy, as TikTrue deploys it. Middleware order is TikTrue's: CorsMiddleware
//! first, then SecurityMiddleware, CommonMiddleware (APPEND_SLASH, ALLOWED_HOSTS), auth, views.
//! Tokens are real HS256 JWTs, issued and verified here, so the JWT faults are real.
//! A scenario may have the same routes answer like another framework instead ([`super::shape`]):
//! its 404 and 405 pages, its CORS package, its 401s; Django's admin, static files and
//! APPEND_SLASH redirects are then absent.

use super::auth::{issue, jti, verify};
use super::http::{respond, Body, LabRequest};
pub use super::shape::Headers;
use super::shape::{self, Framework};
use super::LabState;
use http::{Method, Response};
use serde_json::{json, Value};

const NOT_FOUND_HTML: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n";
const BAD_REQUEST_HTML: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n";
const SERVER_ERROR_HTML: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n";

/// The URL patterns, as the technical 404 page lists them.
const URL_PATTERNS: &[&str] = &[
    "admin/",
    "api/v1/auth/",
    "api/v1/license/",
    "api/v1/models/",
    "setup/database/",
    "health/",
];

fn debug_404(path: &str) -> String {
    let list: String = URL_PATTERNS
        .iter()
        .map(|p| format!("        <li>\n          {p}\n        </li>\n"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <title>Page not found at {path}</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <style type=\"text/css\">\n    html * {{ padding:0; margin:0; }}\n    body {{ font:small sans-serif; background:#eee; color:#000; }}\n    #summary {{ background: #ffc; }}\n  </style>\n</head>\n<body>\n  <div id=\"summary\">\n    <h1>Page not found <span>(404)</span></h1>\n    <table class=\"meta\">\n      <tr><th>Request Method:</th><td>GET</td></tr>\n      <tr><th>Request URL:</th><td>{path}</td></tr>\n    </table>\n  </div>\n  <div id=\"info\">\n    <p>\n      Using the URLconf defined in <code>tiktrue_backend.urls</code>,\n      Django tried these URL patterns, in this order:\n    </p>\n    <ol>\n{list}    </ol>\n    <p>\n      The current path, <code>{}</code>, didn’t match any of these.\n    </p>\n  </div>\n  <div id=\"explanation\">\n    <p>\n      You’re seeing this error because you have <code>DEBUG = True</code> in\n      your Django settings file. Change that to <code>False</code>, and Django\n      will display a standard 404 page.\n    </p>\n  </div>\n</body>\n</html>\n",
        path.trim_start_matches('/')
    )
}

fn json_resp(status: u16, v: Value) -> (u16, Headers, Vec<u8>) {
    (
        status,
        vec![
            ("content-type", "application/json".into()),
            ("allow", "GET, POST, HEAD, OPTIONS".into()),
        ],
        serde_json::to_vec(&v).unwrap_or_default(),
    )
}

fn html(status: u16, body: &str) -> (u16, Headers, Vec<u8>) {
    (
        status,
        vec![("content-type", "text/html; charset=utf-8".into())],
        body.as_bytes().to_vec(),
    )
}

fn unauthenticated() -> (u16, Headers, Vec<u8>) {
    let (s, mut h, b) = json_resp(
        401,
        json!({"detail": "Authentication credentials were not provided."}),
    );
    h.push(("www-authenticate", "Bearer realm=\"api\"".into()));
    (s, h, b)
}

fn token_invalid() -> (u16, Headers, Vec<u8>) {
    let (s, mut h, b) = json_resp(
        401,
        json!({"detail": "Given token not valid for any token type", "code": "token_not_valid",
               "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is invalid or expired"}]}),
    );
    h.push(("www-authenticate", "Bearer realm=\"api\"".into()));
    (s, h, b)
}

/// DRF's NotAuthenticated when the first authentication class has no authenticate_header.
fn forbidden() -> (u16, Headers, Vec<u8>) {
    json_resp(
        403,
        json!({"detail": "Authentication credentials were not provided."}),
    )
}

fn bearer(req: &LabRequest) -> Option<&str> {
    let h = req.header("authorization")?;
    let (scheme, tok) = h.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(tok.trim())
}

/// SecurityMiddleware + XFrameOptionsMiddleware headers on every response (another framework's
/// own: [`shape::security`]); HSTS as the scenario says.
fn security_headers(state: &LabState, h: &mut Headers) {
    let api = &state.scenario.api;
    if let Some(hsts) = &api.hsts {
        h.push(("strict-transport-security", hsts.clone()));
    }
    if let Some(own) = shape::security(&api.framework) {
        h.extend(own);
        return;
    }
    h.push(("x-content-type-options", "nosniff".into()));
    h.push(("referrer-policy", "same-origin".into()));
    h.push(("cross-origin-opener-policy", "same-origin".into()));
    h.push(("x-frame-options", "DENY".into()));
}

/// The admin's static files as WhiteNoise serves them after `collectstatic`: path, type, body.
const STATIC_FILES: &[(&str, &str, &str)] = &[
    (
        "/static/admin/css/base.css",
        "text/css",
        "body { margin: 0; }",
    ),
    (
        "/static/admin/css/login.css",
        "text/css",
        ".login #container { width: 28em; }",
    ),
    (
        "/static/admin/js/nav_sidebar.js",
        "text/javascript",
        "'use strict';",
    ),
];

const MAINTENANCE_HTML: &str = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body><h1>We'll be back soon</h1><p>The service is down for scheduled maintenance.</p></body></html>";

/// Handle one request to the API host.
pub async fn handle(state: &LabState, req: &LabRequest) -> Response<Body> {
    let api = &state.scenario.api;
    let rel = req.path.strip_prefix("/api/v1/").unwrap_or("");
    if api.seed.hang_routes.iter().any(|r| r == rel) {
        // A stuck worker: the proxy keeps the connection open and nothing comes back.
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
    let is_preflight = shape::is_preflight(req);
    // The platform proxy in front of Django.
    if is_preflight && api.options_redirect {
        let loc = format!(
            "{}{}",
            state.https_url(&format!("www.{}", state.scenario.names.api)),
            req.path
        );
        return respond(
            301,
            &[("location", loc), ("content-type", "text/html".into())],
            "",
        );
    }
    // CommonMiddleware before CorsMiddleware: APPEND_SLASH redirects the preflight itself.
    if is_preflight && api.cors_after_common && !req.path.ends_with('/') {
        let loc = format!(
            "{}{}/",
            state.https_url(&state.scenario.names.api),
            req.path
        );
        return respond(
            301,
            &[("location", loc), ("content-type", "text/html".into())],
            "",
        );
    }
    if let (Some(code), false) = (api.proxy_error, req.method == Method::OPTIONS) {
        return respond(
            code,
            &[("content-type", "text/html".into()), ("server", "nginx".into())],
            format!("<html>\r\n<head><title>{code} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{code} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
        );
    }
    if let (Some(retry), false) = (api.maintenance, req.method == Method::OPTIONS) {
        // nginx `return 503` with a maintenance page while the flag file exists.
        return respond(
            503,
            &[
                ("content-type", "text/html".into()),
                ("server", "nginx".into()),
                ("retry-after", retry.to_string()),
            ],
            MAINTENANCE_HTML,
        );
    }
    // The CORS layer answers preflights itself, before any route runs (CorsMiddleware first in
    // MIDDLEWARE, `app.use(cors())` first, CORSMiddleware outermost, Flask's automatic OPTIONS).
    let (status, mut headers, body) = match shape::preflight(state, req) {
        Some(answer) => answer,
        None => {
            let (s, mut h, b) = view(state, req);
            h.extend(shape::actual(state, req));
            security_headers(state, &mut h);
            (s, h, b)
        }
    };
    headers.extend(shape::identity(&api.framework));
    if let (Some(extra), true) = (&api.proxy_adds_acao, req.header("origin").is_some()) {
        headers.push(("access-control-allow-origin", state.expand(extra)));
    }
    respond(status, &headers, body)
}

/// CommonMiddleware, auth and the views.
fn view(state: &LabState, req: &LabRequest) -> (u16, Headers, Vec<u8>) {
    let api = &state.scenario.api;
    if !api.host_allowed {
        // DisallowedHost: Invalid HTTP_HOST header. You may need to add '…' to ALLOWED_HOSTS.
        return html(400, BAD_REQUEST_HTML);
    }
    if let Some((status, ct, body)) = super::auth::csrf_refusal(state, req) {
        return (status, vec![("content-type", ct)], body);
    }
    if api.seed.ssl_redirect_loop {
        // SecurityMiddleware with SECURE_SSL_REDIRECT: the proxy speaks http to Django and no
        // SECURE_PROXY_SSL_HEADER says the client used https.
        let loc = format!("{}{}", state.https_url(&state.scenario.names.api), req.path);
        return (
            301,
            vec![
                ("location", loc),
                ("content-type", "text/html; charset=utf-8".into()),
            ],
            Vec::new(),
        );
    }
    let path = req.path.as_str();
    let rel = path.strip_prefix("/api/v1/").unwrap_or("");
    let rel = api
        .aliases
        .iter()
        .find(|(alias, _)| alias == rel)
        .map(|(_, route)| route.as_str())
        .unwrap_or(rel);
    if let Some(answer) = super::drf::answer(state, req, rel) {
        return answer;
    }
    let missing = api.missing.iter().any(|m| {
        let m = m.trim_start_matches('/');
        path.trim_start_matches('/') == m || rel == m
    });
    let fw = &api.framework;
    let not_found = || {
        if let Some(page) = shape::not_found(fw, &req.method, path) {
            page
        } else if api.debug {
            html(404, &debug_404(path))
        } else {
            html(404, NOT_FOUND_HTML)
        }
    };
    if missing {
        return not_found();
    }
    let post = req.method == Method::POST;
    let get = req.method == Method::GET || req.method == Method::HEAD;
    let django_asset = STATIC_FILES.iter().find(|(p, _, _)| *p == path);
    if let Some(asset) = django_asset.filter(|_| fw.is_django()) {
        return if api.seed.static_missing {
            not_found()
        } else {
            (
                200,
                vec![("content-type", asset.1.into())],
                asset.2.as_bytes().to_vec(),
            )
        };
    }
    // The admin and the setup page are Django's own; every stack has the health route.
    let routes: &[&str] = match fw {
        Framework::Django => &["/health/", "/admin/", "/admin/login/", "/setup/database/"],
        _ => &["/health/"],
    };
    let extra = api.extra_routes.iter().any(|r| r == rel);
    let known = routes.contains(&path)
        || extra
        || matches!(
            rel,
            "auth/login/"
                | "auth/register/"
                | "auth/refresh/"
                | "auth/profile/"
                | "auth/forgot-password/"
                | "auth/reset-password/"
                | "license/info/"
                | "models/available/"
        );
    if !known {
        // APPEND_SLASH: a path that matches once a slash is added is redirected (body lost on POST).
        let with_slash = format!("{path}/");
        let rel_slash = with_slash.strip_prefix("/api/v1/").unwrap_or("");
        if fw.is_django()
            && !path.ends_with('/')
            && (routes.contains(&with_slash.as_str())
                || matches!(
                    rel_slash,
                    "auth/login/"
                        | "auth/register/"
                        | "auth/refresh/"
                        | "auth/profile/"
                        | "license/info/"
                        | "models/available/"
                ))
        {
            return (
                301,
                vec![
                    ("location", with_slash),
                    ("content-type", "text/html; charset=utf-8".into()),
                ],
                Vec::new(),
            );
        }
        return not_found();
    }
    let db = |ok: (u16, Headers, Vec<u8>)| {
        if api.db_down {
            if api.debug {
                html(500, "<h1>OperationalError at /</h1><p>connection to server failed</p><p>You’re seeing this error because you have <code>DEBUG = True</code></p>")
            } else {
                html(500, SERVER_ERROR_HTML)
            }
        } else {
            ok
        }
    };
    let method_not_allowed = || {
        if let Some(answer) = shape::method_not_allowed(fw, &req.method, path) {
            return answer;
        }
        json_resp(
            405,
            json!({"detail": format!("Method \"{}\" not allowed.", req.method)}),
        )
    };
    let j = &api.jwt;
    match (path, rel) {
        ("/health/", _) if get => {
            if api.db_down {
                json_resp(
                    503,
                    json!({"status": "unhealthy", "database": "unavailable"}),
                )
            } else {
                json_resp(200, json!({"status": "healthy", "database": "connected"}))
            }
        }
        ("/admin/", _) if get => (
            302,
            vec![
                ("location", "/admin/login/?next=/admin/".into()),
                ("content-type", "text/html; charset=utf-8".into()),
            ],
            Vec::new(),
        ),
        ("/admin/login/", _) if get => {
            let secure = if api.secure_cookies { "; Secure" } else { "" };
            let (s, mut h, b) = html(200, "<!DOCTYPE html><html><head><title>Log in | Django site admin</title><link rel=\"stylesheet\" href=\"/static/admin/css/base.css\"><link rel=\"stylesheet\" href=\"/static/admin/css/login.css\"><script src=\"/static/admin/js/nav_sidebar.js\" defer></script></head><body><form method=\"post\"><input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"x\"></form></body></html>");
            h.push(("set-cookie", format!("csrftoken=lab{}; expires=Sat, 20 Nov 2027 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax{secure}", &jti()[..24])));
            if api.session_cookie {
                h.push(("set-cookie", format!("sessionid=lab{}; expires=Sat, 06 Dec 2026 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax{secure}", &jti()[..24])));
            }
            (s, h, b)
        }
        ("/setup/database/", _) if api.setup_exposed => json_resp(
            200,
            json!({"status": "ok", "message": "Database setup page: run migrations, create superuser"}),
        ),
        ("/setup/database/", _) => not_found(),
        (_, "auth/login/") if post => db(login(state, req)),
        (_, "auth/register/") if post => db(json_resp(
            400,
            json!({"email": ["This field is required."], "username": ["This field is required."], "password": ["This field is required."]}),
        )),
        (_, "auth/forgot-password/") if post => db(json_resp(
            400,
            json!({"email": ["This field is required."]}),
        )),
        (_, "auth/reset-password/") if post => db(json_resp(
            400,
            json!({"token": ["This field is required."], "password": ["This field is required."]}),
        )),
        (_, "auth/refresh/") if post && j.refresh_route => refresh(state, req),
        (_, "auth/refresh/") if post => not_found(),
        (_, r) if get && api.extra_routes.iter().any(|e| e == r) => {
            let Some(tok) = bearer(req) else {
                return shape::unauthorized(fw, false).unwrap_or_else(unauthenticated);
            };
            if verify(state, tok, "access").is_none() {
                return shape::unauthorized(fw, true).unwrap_or_else(token_invalid);
            }
            db(json_resp(
                200,
                json!({"results": [{"id": 1, "slug": "lab", "name": "Lab"}]}),
            ))
        }
        (_, "auth/profile/" | "license/info/" | "models/available/") if get => {
            let Some(tok) = bearer(req) else {
                return if api.session_auth_first {
                    forbidden()
                } else {
                    shape::unauthorized(fw, false).unwrap_or_else(unauthenticated)
                };
            };
            let other_key = api.seed.other_key_routes.iter().any(|r| r == rel);
            let valid = if other_key {
                super::auth::signed_with(tok, super::scenarios::seed::OTHER_SIGNING_KEY)
            } else {
                verify(state, tok, "access").is_some()
            };
            if !valid {
                return if api.session_auth_first {
                    forbidden()
                } else {
                    shape::unauthorized(fw, true).unwrap_or_else(token_invalid)
                };
            }
            db(match rel {
                "auth/profile/" => json_resp(
                    200,
                    json!({"id": 1, "email": j.username, "username": "demo", "subscription_plan": "pro"}),
                ),
                "license/info/" => json_resp(
                    200,
                    json!({"license_key": "LAB-XXXX", "plan": "pro", "is_valid": true}),
                ),
                _ => json_resp(
                    200,
                    json!({"models": [{"id": "llama-3.1-8b", "name": "Llama 3.1 8B"}]}),
                ),
            })
        }
        _ => method_not_allowed(),
    }
}

fn login(state: &LabState, req: &LabRequest) -> (u16, Headers, Vec<u8>) {
    let j = &state.scenario.api.jwt;
    let seed = &state.scenario.api.seed;
    if let Some(retry) = seed.login_locked {
        // django-axes' lockout answer (AXES_HTTP_RESPONSE_CODE = 429).
        let (s, mut h, b) = json_resp(
            429,
            json!({"detail": "Account locked: too many login attempts. Contact an admin to unlock your account."}),
        );
        h.push(("retry-after", retry.to_string()));
        return (s, h, b);
    }
    if let Some(retry) = seed.login_throttled {
        // rest_framework.throttling: Throttled, with the wait as Retry-After.
        let (s, mut h, b) = json_resp(
            429,
            json!({"detail": format!("Request was throttled. Expected available in {retry} seconds.")}),
        );
        h.push(("retry-after", retry.to_string()));
        h.push(("ratelimit-policy", "5;w=60".into()));
        return (s, h, b);
    }
    let body = req.json().unwrap_or(Value::Null);
    let user = match &j.login_field {
        Some(field) => {
            let Some(user) = body.get(field.as_str()).and_then(Value::as_str) else {
                // An Express handler's own check, naming what it reads.
                return json_resp(
                    400,
                    json!({"error": format!("{field} and password are required")}),
                );
            };
            Some(user)
        }
        None => body
            .get("username")
            .or_else(|| body.get("email"))
            .and_then(Value::as_str),
    };
    let pass = body.get("password").and_then(Value::as_str);
    let (Some(user), Some(pass)) = (user, pass) else {
        return json_resp(
            400,
            json!({"email": ["This field is required."], "password": ["This field is required."]}),
        );
    };
    if user != j.username || pass != j.password {
        return json_resp(
            401,
            json!({"detail": "No active account found with the given credentials"}),
        );
    }
    let access = issue(&j.secret, "access", j.access_lifetime_s, 1);
    let refresh = issue(&j.secret, "refresh", j.refresh_lifetime_s, 1);
    state
        .issued
        .lock()
        .unwrap()
        .extend([access.clone(), refresh.clone()]);
    let (status, mut headers, body) = login_answer(j, access, refresh);
    if let Some(secure) = seed.login_session_cookie {
        let secure = if secure { "; Secure" } else { "" };
        if state.scenario.api.csrf.enforce {
            // django.contrib.auth.login rotates the CSRF token.
            headers.push((
                "set-cookie",
                format!(
                    "csrftoken=lab{}; Max-Age=31449600; Path=/; SameSite=Lax{secure}",
                    &jti()[..24]
                ),
            ));
        }
        headers.push((
            "set-cookie",
            format!(
                "sessionid=lab{}; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax{secure}",
                &jti()[..24]
            ),
        ));
    }
    (status, headers, body)
}

fn login_answer(
    j: &super::scenarios::JwtSpec,
    access: String,
    refresh: String,
) -> (u16, Headers, Vec<u8>) {
    if j.refresh_cookie {
        let (status, mut h, body) = json_resp(200, json!({"access": access}));
        h.push((
            "set-cookie",
            format!("refresh={refresh}; Path=/; HttpOnly; Secure; SameSite=None"),
        ));
        return (status, h, body);
    }
    if j.nested_tokens {
        json_resp(
            200,
            json!({"message": "Login successful", "user": {"id": 1, "email": j.username, "username": "demo"}, "tokens": {"refresh": refresh, "access": access}}),
        )
    } else {
        json_resp(200, json!({"refresh": refresh, "access": access}))
    }
}

fn refresh(state: &LabState, req: &LabRequest) -> (u16, Headers, Vec<u8>) {
    let j = &state.scenario.api.jwt;
    let from_cookie = || {
        req.header("cookie")?
            .split(';')
            .find_map(|c| c.trim().strip_prefix("refresh=").map(str::to_string))
    };
    let from_body = req
        .json()
        .and_then(|b| b.get("refresh").and_then(Value::as_str).map(str::to_string));
    let tok = match j.refresh_cookie {
        true => from_cookie(),
        false => from_body,
    };
    let Some(tok) = tok else {
        return json_resp(400, json!({"refresh": ["This field is required."]}));
    };
    let Some(claims) = verify(state, &tok, "refresh") else {
        return json_resp(
            401,
            json!({"detail": "Token is invalid or expired", "code": "token_not_valid"}),
        );
    };
    let id = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if state.blacklist.lock().unwrap().contains(&id) {
        return json_resp(
            401,
            json!({"detail": "Token is blacklisted", "code": "token_not_valid"}),
        );
    }
    let access = issue(&j.secret, "access", j.access_lifetime_s, 1);
    state.issued.lock().unwrap().push(access.clone());
    if j.rotate_refresh {
        if j.blacklist_after_rotation {
            state.blacklist.lock().unwrap().insert(id);
        }
        let new_refresh = issue(&j.secret, "refresh", j.refresh_lifetime_s, 1);
        state.issued.lock().unwrap().push(new_refresh.clone());
        json_resp(200, json!({"access": access, "refresh": new_refresh}))
    } else {
        json_resp(200, json!({"access": access}))
    }
}
