//! The framework the lab's API imitates, and the one CORS layer of the lab worded in each
//! framework's own behaviour. A scenario names the framework ([`Framework`]); the CORS policy
//! (allowed origins, credentials, headers, methods, max age) stays the scenario's `ApiSpec`, and
//! this module answers it the way that framework's CORS package does. Facts read from each
//! package's own source:
//! - django-cors-headers (`CorsMiddleware`): answers a preflight (OPTIONS with
//!   Access-Control-Request-Method) 200 with an empty body; `Vary: Origin` on every response;
//!   `Access-Control-Allow-Credentials: true` whenever an Origin came and credentials are on,
//!   even for an origin it refuses; the allow lists only for an allowed origin.
//! - Express's `cors` package: answers every OPTIONS 204 with `Content-Length: 0`; the origin
//!   echoed only when it is in the list (no Access-Control-Allow-Origin at all otherwise, `*`
//!   when no list is given); the methods, credentials and allowed headers sent whatever the
//!   origin; `allowedHeaders` unset reflects Access-Control-Request-Headers and adds
//!   `Access-Control-Request-Headers` to `Vary`; `X-Powered-By: Express` on everything.
//! - Starlette's `CORSMiddleware`: only requests with an Origin; a preflight answers 200 `OK`
//!   (text/plain), or 400 `Disallowed CORS origin` / `method` / `headers` naming every failure
//!   while still sending the other CORS headers (the origin only when allowed); the safelisted
//!   headers always allowed; `allow_headers=["*"]` mirrors the request's headers; with
//!   `allow_origins=["*"]` and credentials the preflight echoes the Origin; max age 600 by
//!   default.
//! - flask-cors: only paths its `resources` patterns match; a refused origin gets no CORS header
//!   at all; the origin echoed (also for the default `*`); on a preflight whose method is allowed,
//!   the requested headers it allows, the methods and the max age. Flask itself answers OPTIONS
//!   200 with an `Allow` header and an empty body, outside the resources without any CORS header.

use super::http::LabRequest;
use super::LabState;
use http::Method;

pub type Headers = Vec<(&'static str, String)>;
/// Status, headers, body.
pub type Reply = (u16, Headers, Vec<u8>);

/// The backend framework the lab's API answers like.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Framework {
    /// Django + DRF + django-cors-headers (TikTrue).
    #[default]
    Django,
    /// Express with the `cors` package. `allow_headers == ["*"]` stands for `allowedHeaders`
    /// unset (the request's headers reflected).
    Express,
    /// FastAPI on uvicorn with Starlette's CORSMiddleware.
    Starlette,
    /// Flask on gunicorn with flask-cors. `resources`: the path prefixes its `resources`
    /// patterns cover (`None`: `r"/*"`, every path).
    Flask { resources: Option<Vec<String>> },
}

impl Framework {
    pub fn is_django(&self) -> bool {
        *self == Framework::Django
    }
}

/// The headers the framework's server adds to every answer.
pub fn identity(fw: &Framework) -> Headers {
    match fw {
        Framework::Django => vec![],
        Framework::Express => vec![("x-powered-by", "Express".into())],
        Framework::Starlette => vec![("server", "uvicorn".into())],
        Framework::Flask { .. } => vec![("server", "gunicorn".into())],
    }
}

/// The security headers the framework's usual setup sends on every response (Django's
/// SecurityMiddleware and XFrameOptionsMiddleware are the caller's): helmet's defaults for
/// Express (X-Frame-Options SAMEORIGIN, Referrer-Policy no-referrer, the cross-origin
/// policies), Flask-Talisman's for Flask; nothing for FastAPI, which sends none by itself.
pub fn security(fw: &Framework) -> Option<Headers> {
    let h = |pairs: &[(&'static str, &str)]| -> Headers {
        pairs.iter().map(|(n, v)| (*n, v.to_string())).collect()
    };
    match fw {
        Framework::Django => None,
        Framework::Express => Some(h(&[
            (
                "content-security-policy",
                "default-src 'self';base-uri 'self';frame-ancestors 'self';object-src 'none'",
            ),
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
            ("referrer-policy", "no-referrer"),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "SAMEORIGIN"),
            ("x-xss-protection", "0"),
        ])),
        Framework::Starlette => Some(vec![]),
        Framework::Flask { .. } => Some(h(&[
            ("x-frame-options", "SAMEORIGIN"),
            ("x-content-type-options", "nosniff"),
            ("content-security-policy", "default-src 'self'"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
        ])),
    }
}

fn html(status: u16, body: String) -> Reply {
    (
        status,
        vec![("content-type", "text/html; charset=utf-8".into())],
        body.into_bytes(),
    )
}

fn json(status: u16, body: &str) -> Reply {
    (
        status,
        vec![("content-type", "application/json".into())],
        body.as_bytes().to_vec(),
    )
}

/// The framework's answer to a path no route serves (Django's is the caller's: it depends on
/// DEBUG).
pub fn not_found(fw: &Framework, method: &Method, path: &str) -> Option<Reply> {
    match fw {
        Framework::Django => None,
        Framework::Express => {
            let (s, mut h, b) = html(
                404,
                format!(
                    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {method} {path}</pre>\n</body>\n</html>\n"
                ),
            );
            h.push(("content-security-policy", "default-src 'none'".into()));
            h.push(("x-content-type-options", "nosniff".into()));
            Some((s, h, b))
        }
        Framework::Starlette => Some(json(404, "{\"detail\":\"Not Found\"}")),
        Framework::Flask { .. } => Some(html(
            404,
            "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n".into(),
        )),
    }
}

/// The framework's answer to a method the route does not take (Express has no such answer: the
/// request falls through to its 404).
pub fn method_not_allowed(fw: &Framework, method: &Method, path: &str) -> Option<Reply> {
    match fw {
        Framework::Django => None,
        Framework::Express => not_found(fw, method, path),
        Framework::Starlette => Some(json(405, "{\"detail\":\"Method Not Allowed\"}")),
        Framework::Flask { .. } => Some(html(
            405,
            "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n".into(),
        )),
    }
}

/// The framework's (or its usual auth package's) answer to a protected route called without a
/// token (`invalid`: with a token it cannot verify); Django's (DRF's) is the caller's.
/// Express with passport-http-bearer answers 401 `Unauthorized` with a
/// `WWW-Authenticate: Bearer realm="Users"` challenge (`error="invalid_token"` for a bad token);
/// FastAPI's documented pattern answers `{"detail": …}` with `WWW-Authenticate: Bearer`;
/// flask-jwt-extended answers 401 "Missing Authorization Header" without a challenge, and 422
/// for a token whose signature fails (its default `invalid_token_loader`).
pub fn unauthorized(fw: &Framework, invalid: bool) -> Option<Reply> {
    let challenged = |status: u16, ct: &str, body: &str, challenge: &str| {
        let h: Headers = vec![
            ("content-type", ct.to_string()),
            ("www-authenticate", challenge.to_string()),
        ];
        Some((status, h, body.as_bytes().to_vec()))
    };
    match (fw, invalid) {
        (Framework::Django, _) => None,
        (Framework::Express, false) => challenged(
            401,
            "text/plain; charset=utf-8",
            "Unauthorized",
            "Bearer realm=\"Users\"",
        ),
        (Framework::Express, true) => challenged(
            401,
            "text/plain; charset=utf-8",
            "Unauthorized",
            "Bearer realm=\"Users\", error=\"invalid_token\"",
        ),
        (Framework::Starlette, false) => challenged(
            401,
            "application/json",
            "{\"detail\":\"Not authenticated\"}",
            "Bearer",
        ),
        (Framework::Starlette, true) => challenged(
            401,
            "application/json",
            "{\"detail\":\"Could not validate credentials\"}",
            "Bearer",
        ),
        (Framework::Flask { .. }, false) => {
            Some(json(401, "{\"msg\":\"Missing Authorization Header\"}"))
        }
        (Framework::Flask { .. }, true) => {
            Some(json(422, "{\"msg\":\"Signature verification failed\"}"))
        }
    }
}

/// Whether the request is a CORS preflight (OPTIONS with Access-Control-Request-Method).
pub fn is_preflight(req: &LabRequest) -> bool {
    req.method == Method::OPTIONS && req.header("access-control-request-method").is_some()
}

/// The API's CORS policy as the scenario states it, origins expanded.
struct Policy<'a> {
    origins: Vec<String>,
    all: bool,
    reflect_any: bool,
    credentials: bool,
    headers: &'a [String],
    methods: &'a [String],
    max_age: Option<u32>,
}

impl<'a> Policy<'a> {
    fn of(state: &'a LabState) -> Policy<'a> {
        let api = &state.scenario.api;
        Policy {
            origins: api
                .allowed_origins
                .iter()
                .map(|o| state.expand(o))
                .collect(),
            all: api.allow_all_origins,
            reflect_any: api.reflect_any_origin,
            credentials: api.allow_credentials,
            headers: &api.allow_headers,
            methods: &api.allow_methods,
            max_age: api.max_age,
        }
    }
    fn allows(&self, origin: &str) -> bool {
        self.all || self.reflect_any || self.origins.iter().any(|o| o == origin)
    }
    fn any_header(&self) -> bool {
        self.headers.iter().any(|h| h == "*")
    }
}

/// The CORS layer's own answer to a request it answers itself (a preflight), before any route.
pub fn preflight(state: &LabState, req: &LabRequest) -> Option<Reply> {
    let p = Policy::of(state);
    match &state.scenario.api.framework {
        Framework::Django => is_preflight(req).then(|| {
            let mut h: Headers = vec![
                ("content-type", "text/html; charset=utf-8".into()),
                ("content-length", "0".into()),
            ];
            h.extend(django(state, req));
            (200, h, Vec::new())
        }),
        Framework::Express => (req.method == Method::OPTIONS).then(|| express_preflight(&p, req)),
        Framework::Starlette => (is_preflight(req) && req.header("origin").is_some())
            .then(|| starlette_preflight(&p, req)),
        Framework::Flask { resources } => (req.method == Method::OPTIONS).then(|| {
            let mut h: Headers = vec![
                ("content-type", "text/html; charset=utf-8".into()),
                ("content-length", "0".into()),
                ("allow", "GET, HEAD, OPTIONS, POST".into()),
            ];
            if covered(resources, &req.path) {
                h.extend(flask(&p, req));
            }
            (200, h, Vec::new())
        }),
    }
}

/// The CORS headers the layer adds to a response a route gave.
pub fn actual(state: &LabState, req: &LabRequest) -> Headers {
    let p = Policy::of(state);
    let origin = req.header("origin");
    match &state.scenario.api.framework {
        Framework::Django => django(state, req),
        Framework::Express => express_actual(&p, req),
        Framework::Starlette => origin.map_or_else(Vec::new, |o| starlette_actual(&p, req, o)),
        Framework::Flask { resources } if covered(resources, &req.path) => flask(&p, req),
        Framework::Flask { .. } => vec![],
    }
}

/// django-cors-headers' `process_response` (the wildcard and reflect-anything behaviours are the
/// proxy's and hand-written middleware's, layered on it as TikTrue's scenarios need).
fn django(state: &LabState, req: &LabRequest) -> Headers {
    let api = &state.scenario.api;
    let mut h: Headers = Vec::new();
    if api.vary_origin {
        h.push(("vary", "Origin".into()));
    }
    let Some(origin) = req.header("origin") else {
        return h;
    };
    if api.allow_credentials {
        h.push(("access-control-allow-credentials", "true".into()));
    }
    let p = Policy::of(state);
    if !(p.allows(origin) || api.wildcard_origin) {
        return h;
    }
    let acao = if api.wildcard_origin
        || (api.allow_all_origins && !api.allow_credentials && !api.reflect_any_origin)
    {
        "*".to_string()
    } else {
        origin.to_string()
    };
    h.push(("access-control-allow-origin", acao));
    if req.method == Method::OPTIONS {
        h.push(("access-control-allow-headers", api.allow_headers.join(", ")));
        h.push(("access-control-allow-methods", api.allow_methods.join(", ")));
        if let Some(age) = api.max_age {
            h.push(("access-control-max-age", age.to_string()));
        }
    }
    h
}

/// The `cors` package's origin: `*` with no list, the echo when listed (or `origin: true`),
/// nothing otherwise; and whether the answer varies on the Origin.
fn express_origin(p: &Policy, origin: Option<&str>) -> (Option<String>, bool) {
    if p.all && !p.reflect_any {
        return (Some("*".into()), false);
    }
    (origin.filter(|o| p.allows(o)).map(str::to_string), true)
}

fn express_credentials(p: &Policy) -> Option<(&'static str, String)> {
    p.credentials
        .then(|| ("access-control-allow-credentials", "true".into()))
}

fn express_actual(p: &Policy, req: &LabRequest) -> Headers {
    let (acao, vary) = express_origin(p, req.header("origin"));
    let mut h: Headers = vec![];
    h.extend(acao.map(|o| ("access-control-allow-origin", o)));
    h.extend(express_credentials(p));
    if vary {
        h.push(("vary", "Origin".into()));
    }
    h
}

fn express_preflight(p: &Policy, req: &LabRequest) -> Reply {
    let (acao, vary_origin) = express_origin(p, req.header("origin"));
    let mut vary: Vec<&str> = if vary_origin { vec!["Origin"] } else { vec![] };
    let mut h: Headers = vec![];
    h.extend(acao.map(|o| ("access-control-allow-origin", o)));
    h.extend(express_credentials(p));
    h.push(("access-control-allow-methods", p.methods.join(",")));
    let allowed = if p.any_header() {
        vary.push("Access-Control-Request-Headers");
        req.header("access-control-request-headers")
            .unwrap_or("")
            .to_string()
    } else {
        p.headers.join(",")
    };
    if !allowed.is_empty() {
        h.push(("access-control-allow-headers", allowed));
    }
    if let Some(age) = p.max_age {
        h.push(("access-control-max-age", age.to_string()));
    }
    if !vary.is_empty() {
        h.push(("vary", vary.join(", ")));
    }
    h.push(("content-length", "0".into()));
    (204, h, Vec::new())
}

/// Starlette's methods: `*` is every method.
fn starlette_methods(p: &Policy) -> Vec<String> {
    if p.methods.iter().any(|m| m == "*") {
        ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
            .map(String::from)
            .to_vec()
    } else {
        p.methods.to_vec()
    }
}

/// The allowed headers with the safelisted ones merged in, sorted as Python sorts strings.
fn starlette_headers(p: &Policy) -> Vec<String> {
    let mut all: Vec<String> = [
        "Accept",
        "Accept-Language",
        "Content-Language",
        "Content-Type",
    ]
    .map(String::from)
    .to_vec();
    for h in p.headers {
        if !all.contains(h) {
            all.push(h.clone());
        }
    }
    all.sort();
    all
}

fn starlette_preflight(p: &Policy, req: &LabRequest) -> Reply {
    let origin = req.header("origin").unwrap_or("");
    let explicit = !p.all || p.credentials;
    let methods = starlette_methods(p);
    let mut h: Headers = vec![];
    let mut failures: Vec<&str> = vec![];
    if p.allows(origin) {
        h.push((
            "access-control-allow-origin",
            if explicit { origin.into() } else { "*".into() },
        ));
    } else {
        failures.push("origin");
        if !explicit {
            h.push(("access-control-allow-origin", "*".into()));
        }
    }
    if explicit {
        h.push(("vary", "Origin".into()));
    }
    h.push(("access-control-allow-methods", methods.join(", ")));
    h.push((
        "access-control-max-age",
        p.max_age.unwrap_or(600).to_string(),
    ));
    let method = req.header("access-control-request-method").unwrap_or("");
    if !methods.iter().any(|m| m == method) {
        failures.push("method");
    }
    let allowed = starlette_headers(p);
    match req.header("access-control-request-headers") {
        Some(asked) if p.any_header() => h.push(("access-control-allow-headers", asked.into())),
        asked => {
            if !p.any_header() {
                h.push(("access-control-allow-headers", allowed.join(", ")));
            }
            let lower: Vec<String> = allowed.iter().map(|a| a.to_ascii_lowercase()).collect();
            let refused = asked.is_some_and(|a| {
                a.split(',')
                    .any(|x| !lower.contains(&x.trim().to_ascii_lowercase()))
            });
            if refused {
                failures.push("headers");
            }
        }
    }
    if p.credentials {
        h.push(("access-control-allow-credentials", "true".into()));
    }
    h.push(("content-type", "text/plain; charset=utf-8".into()));
    let body = if failures.is_empty() {
        "OK".to_string()
    } else {
        format!("Disallowed CORS {}", failures.join(", "))
    };
    let status = if failures.is_empty() { 200 } else { 400 };
    (status, h, body.into_bytes())
}

fn starlette_actual(p: &Policy, req: &LabRequest, origin: &str) -> Headers {
    let mut h: Headers = vec![];
    let cookie = req.header("cookie").is_some();
    if p.all && !cookie {
        h.push(("access-control-allow-origin", "*".into()));
    } else if p.allows(origin) {
        h.push(("access-control-allow-origin", origin.into()));
        h.push(("vary", "Origin".into()));
    }
    if p.credentials {
        h.push(("access-control-allow-credentials", "true".into()));
    }
    h
}

/// Whether flask-cors' `resources` patterns match this path (a pattern matches at the start).
fn covered(resources: &Option<Vec<String>>, path: &str) -> bool {
    resources
        .as_ref()
        .is_none_or(|r| r.iter().any(|prefix| path.starts_with(prefix.as_str())))
}

fn flask(p: &Policy, req: &LabRequest) -> Headers {
    let Some(origin) = req.header("origin").filter(|o| p.allows(o)) else {
        return vec![];
    };
    let mut h: Headers = vec![("access-control-allow-origin", origin.into())];
    if p.credentials {
        h.push(("access-control-allow-credentials", "true".into()));
    }
    let method = req
        .header("access-control-request-method")
        .unwrap_or("")
        .to_ascii_uppercase();
    let mut methods: Vec<String> = p.methods.to_vec();
    methods.sort();
    if req.method == Method::OPTIONS && methods.contains(&method) {
        let mut asked: Vec<String> = req
            .header("access-control-request-headers")
            .unwrap_or("")
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| {
                !x.is_empty()
                    && (p.any_header() || p.headers.iter().any(|a| a.eq_ignore_ascii_case(x)))
            })
            .collect();
        asked.sort();
        if !asked.is_empty() {
            h.push(("access-control-allow-headers", asked.join(", ")));
        }
        if let Some(age) = p.max_age {
            h.push(("access-control-max-age", age.to_string()));
        }
        h.push(("access-control-allow-methods", methods.join(", ")));
    }
    h.push(("vary", "Origin".into()));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://app.test";

    fn req(method: Method, path: &str, headers: &[(&str, &str)]) -> LabRequest {
        let mut map = http::HeaderMap::new();
        for (n, v) in headers {
            map.append(
                http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        LabRequest {
            method,
            path: path.into(),
            query: None,
            headers: map,
            body: bytes::Bytes::new(),
            host: "api.test".into(),
            https: true,
            conn: 1,
        }
    }

    fn preflight_req(origin: &str, asked: &str) -> LabRequest {
        req(
            Method::OPTIONS,
            "/me",
            &[
                ("origin", origin),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", asked),
            ],
        )
    }

    fn policy<'a>(headers: &'a [String], methods: &'a [String]) -> Policy<'a> {
        Policy {
            origins: vec![PAGE.into()],
            all: false,
            reflect_any: false,
            credentials: false,
            headers,
            methods,
            max_age: None,
        }
    }

    fn get<'a>(h: &'a Headers, name: &str) -> Option<&'a str> {
        h.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn express_answers_204_reflects_headers_and_omits_a_refused_origin() {
        let (star, methods) = (vec!["*".to_string()], vec!["GET".to_string()]);
        let p = policy(&star, &methods);
        let (status, h, body) = express_preflight(&p, &preflight_req(PAGE, "authorization"));
        assert_eq!(status, 204);
        assert!(body.is_empty());
        assert_eq!(get(&h, "access-control-allow-origin"), Some(PAGE));
        assert_eq!(
            get(&h, "access-control-allow-headers"),
            Some("authorization")
        );
        assert_eq!(
            get(&h, "vary"),
            Some("Origin, Access-Control-Request-Headers")
        );
        let (status, h, _) = express_preflight(&p, &preflight_req("https://evil.test", "x"));
        assert_eq!(status, 204);
        assert_eq!(get(&h, "access-control-allow-origin"), None);
        assert_eq!(get(&h, "access-control-allow-methods"), Some("GET"));
    }

    #[test]
    fn starlette_refuses_with_400_naming_the_failure_and_keeps_the_other_headers() {
        let (ct, star) = (vec!["content-type".to_string()], vec!["*".to_string()]);
        let p = policy(&ct, &star);
        let (status, h, body) = starlette_preflight(&p, &preflight_req(PAGE, "authorization"));
        assert_eq!(
            (status, body.as_slice()),
            (400, &b"Disallowed CORS headers"[..])
        );
        assert_eq!(get(&h, "access-control-allow-origin"), Some(PAGE));
        assert!(get(&h, "access-control-allow-headers")
            .unwrap()
            .starts_with("Accept, Accept-Language"));
        let (status, _, body) = starlette_preflight(&p, &preflight_req(PAGE, "content-type"));
        assert_eq!((status, body.as_slice()), (200, &b"OK"[..]));
        let (status, h, body) =
            starlette_preflight(&p, &preflight_req("https://evil.test", "content-type"));
        assert_eq!(
            (status, body.as_slice()),
            (400, &b"Disallowed CORS origin"[..])
        );
        assert_eq!(get(&h, "access-control-allow-origin"), None);
        assert_eq!(get(&h, "access-control-max-age"), Some("600"));
    }

    #[test]
    fn starlette_echoes_the_origin_for_a_star_with_credentials() {
        let (star, methods) = (vec!["*".to_string()], vec!["*".to_string()]);
        let mut p = policy(&star, &methods);
        p.all = true;
        p.credentials = true;
        let (status, h, _) = starlette_preflight(&p, &preflight_req("https://any.test", "x-a"));
        assert_eq!(status, 200);
        assert_eq!(
            get(&h, "access-control-allow-origin"),
            Some("https://any.test")
        );
        assert_eq!(get(&h, "access-control-allow-headers"), Some("x-a"));
        p.credentials = false;
        let (_, h, _) = starlette_preflight(&p, &preflight_req("https://any.test", "x-a"));
        assert_eq!(get(&h, "access-control-allow-origin"), Some("*"));
    }

    #[test]
    fn flask_cors_covers_only_its_resources_and_sends_nothing_to_a_refused_origin() {
        let resources = Some(vec!["/api/v1/models/".to_string()]);
        assert!(covered(&resources, "/api/v1/models/available/"));
        assert!(!covered(&resources, "/api/v1/auth/login/"));
        assert!(covered(&None, "/anything"));
        let (star, methods) = (vec!["*".to_string()], vec!["GET".to_string()]);
        let p = policy(&star, &methods);
        assert!(flask(&p, &preflight_req("https://evil.test", "authorization")).is_empty());
        let h = flask(&p, &preflight_req(PAGE, "content-type, authorization"));
        assert_eq!(
            get(&h, "access-control-allow-headers"),
            Some("authorization, content-type")
        );
    }

    #[test]
    fn each_framework_has_its_own_404() {
        let page = |fw: Framework| {
            let (s, _, b) = not_found(&fw, &Method::GET, "/x").unwrap();
            (s, String::from_utf8(b).unwrap())
        };
        assert!(not_found(&Framework::Django, &Method::GET, "/x").is_none());
        let flask = Framework::Flask { resources: None };
        assert_eq!(unauthorized(&flask, true).unwrap().0, 422);
        let (status, h, _) = unauthorized(&Framework::Express, false).unwrap();
        assert_eq!(status, 401);
        assert_eq!(get(&h, "www-authenticate"), Some("Bearer realm=\"Users\""));
        assert!(page(Framework::Express)
            .1
            .contains("<pre>Cannot GET /x</pre>"));
        assert_eq!(page(Framework::Starlette).1, "{\"detail\":\"Not Found\"}");
        assert!(page(Framework::Flask { resources: None })
            .1
            .contains("The requested URL was not found on the server."));
    }
}
