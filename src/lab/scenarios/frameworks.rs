//! Deployments whose API answers like Express (`cors`), FastAPI (Starlette's CORSMiddleware) or
//! Flask (flask-cors) rather than Django: a healthy one of each, which zero-config must pass, and
//! each stack's classic CORS mistake, whose fix must be worded in that stack's own terms.
use super::stacks::{express, BEARER_SPA};
use super::Scenario;
use crate::lab::shape::Framework;

/// The Bearer-only SPA, sending credentials too (`credentials: "include"` on every fetch), as an
/// app that also keeps a session cookie does.
const CREDENTIALS_SPA: &str = "var n=\"{api}\",t=null,o=()=>t?{Authorization:`Bearer ${t}`}:{};async function r(e,a){({access:t}=await(await fetch(`${n}/auth/login`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({email:e,password:a})})).json())}var s=()=>fetch(`${n}/me`,{credentials:\"include\",headers:o()}).then(e=>e.json());document.querySelector(\"form\")?.addEventListener(\"submit\",e=>{e.preventDefault(),r(e.target.email.value,e.target.password.value).then(s)});export{r as login,s as me};";

/// The SPA's origins, as each stack's configuration lists them.
fn spa_origins() -> Vec<String> {
    vec![
        "https://tiktrue.test{port}".into(),
        "https://www.tiktrue.test{port}".into(),
    ]
}

/// `app.use(cors({ origin: [...] }))`: no credentials, `allowedHeaders` unset (reflected), the
/// package's default methods, no maxAge.
fn express_cors(s: &mut Scenario) {
    express(s);
    s.frontend.script = Some(BEARER_SPA.into());
    s.api.allowed_origins = spa_origins();
    s.api.allow_credentials = false;
    s.api.allow_headers = vec!["*".into()];
    s.api.allow_methods = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]
        .map(String::from)
        .to_vec();
    s.api.max_age = None;
}

/// FastAPI: the same routes, `CORSMiddleware(allow_origins=[...], allow_methods=["*"],
/// allow_headers=["*"])`, max age left at 600.
fn fastapi(s: &mut Scenario) {
    express_cors(s);
    s.api.framework = Framework::Starlette;
    s.api.allow_methods = vec!["*".into()];
    s.api.max_age = Some(600);
}

/// Flask with flask-cors: the TikTrue SPA (axios `withCredentials`, trailing-slash routes),
/// `CORS(app, resources=…, origins=[...], supports_credentials=True)`.
fn flask(s: &mut Scenario, resources: Option<Vec<String>>) {
    s.api.framework = Framework::Flask { resources };
    s.api.allowed_origins = spa_origins();
    s.api.allow_credentials = true;
    s.api.allow_headers = vec!["*".into()];
    s.api.allow_methods = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
        .map(String::from)
        .to_vec();
    s.api.max_age = None;
}

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "stack-express",
            "a healthy Express API (cors({ origin: [...] }), jsonwebtoken, Express's own 404 pages) with a Bearer-only SPA; zero-config passes",
            express_cors,
        ),
        Scenario::fault(
            "stack-express-origin",
            "Express: the SPA's origin is not in cors({ origin }) — the package sends no Access-Control-Allow-Origin",
            |s| {
                express_cors(s);
                s.api.allowed_origins = vec!["http://localhost:3000".into()];
            },
        ),
        Scenario::fault(
            "stack-express-credentials",
            "Express: the SPA fetches with credentials: 'include' but cors() lacks credentials: true",
            |s| {
                express_cors(s);
                s.frontend.script = Some(CREDENTIALS_SPA.into());
            },
        ),
        Scenario::fault(
            "stack-fastapi",
            "a healthy FastAPI API (Starlette's CORSMiddleware, {\"detail\":\"Not Found\"} 404s) with a Bearer-only SPA; zero-config passes",
            fastapi,
        ),
        Scenario::fault(
            "stack-fastapi-headers",
            "FastAPI: CORSMiddleware(allow_headers=[\"content-type\"]) lacks authorization — the Bearer call's preflight gets 400 \"Disallowed CORS headers\"",
            |s| {
                fastapi(s);
                s.api.allow_headers = vec!["content-type".into()];
            },
        ),
        Scenario::fault(
            "stack-fastapi-star-credentials",
            "FastAPI: CORSMiddleware(allow_origins=[\"*\"], allow_credentials=True) with an SPA that fetches with credentials: the preflight echoes the Origin, but a response to a request without a cookie says `*` with credentials, which the browser refuses",
            |s| {
                fastapi(s);
                s.frontend.script = Some(CREDENTIALS_SPA.into());
                s.api.allow_all_origins = true;
                s.api.allowed_origins = vec!["*".into()];
                s.api.allow_credentials = true;
            },
        ),
        Scenario::fault(
            "stack-flask",
            "a healthy Flask API (flask-cors over every route, supports_credentials=True, Werkzeug's 404 page) with the TikTrue SPA; zero-config passes",
            |s| flask(s, None),
        ),
        Scenario::fault(
            "stack-flask-resources",
            "Flask: flask-cors' resources cover /api/v1/license/ and /api/v1/models/ only — the auth routes' preflights get Flask's own OPTIONS answer, without CORS headers",
            |s| {
                flask(
                    s,
                    Some(vec!["/api/v1/license/".into(), "/api/v1/models/".into()]),
                )
            },
        ),
    ]
}
