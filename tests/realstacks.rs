//! Zero-config against real frameworks: Django + DRF + simplejwt + django-cors-headers, Express +
//! cors + jsonwebtoken (+ a `ws` live server), FastAPI + CORSMiddleware + PyJWT, Flask +
//! flask-cors + flask-jwt-extended, each installed from PyPI/npm, behind Debian's nginx
//! terminating TLS with the lab's CA, with a frontend bundle built and minified by esbuild. The
//! lab's DNS server names them; conncheck is given only the API URL, the origin, the resolver,
//! the CA and credentials.
//!
//! Each healthy configuration must pass; each broken one (a realistic mistake, chosen from the
//! framework's own behaviour) must fail the right row, for the right cause (its typed fault
//! key), with a fix worded for its stack.
//!
//! Needs the stacks: `tests/realstacks/setup.sh` installs them (cached outside the clone) and
//! prints the directory to export as `CONNCHECK_STACKS`; `.ci/run` does both and runs the ignored
//! tests. Every process listens on loopback only.

mod common;
#[path = "realstacks/harness.rs"]
mod harness;
#[path = "realstacks/rows.rs"]
mod rows;

use conncheck::engine::model::Status;
use harness::{deploy, diagnose, diagnose_with, Proxy, StackSpec};
use rows::{dump, rows};

const DJANGO: StackSpec = StackSpec {
    name: "django",
    backend: "django",
    frontend: "django",
    base: "/api/v1",
    user: "alice",
};
const DJANGO_EMAIL: StackSpec = StackSpec {
    name: "django-email",
    backend: "django",
    frontend: "django-email",
    base: "/api/v1",
    user: "alice@example.test",
};
const DJANGO_SESSION: StackSpec = StackSpec {
    name: "django-session",
    backend: "django",
    frontend: "django-session",
    base: "/api/v1",
    user: "alice",
};
const EXPRESS: StackSpec = StackSpec {
    name: "express",
    backend: "express",
    frontend: "express",
    base: "/api",
    user: "alice@example.test",
};
const EXPRESS_COOKIES: StackSpec = StackSpec {
    name: "express-cookies",
    backend: "express",
    frontend: "express-cookies",
    base: "/api",
    user: "alice@example.test",
};
const LIVE: StackSpec = StackSpec {
    name: "live",
    backend: "express",
    frontend: "live",
    base: "/api",
    user: "alice@example.test",
};
const FASTAPI: StackSpec = StackSpec {
    name: "fastapi",
    backend: "fastapi",
    frontend: "fastapi",
    base: "",
    user: "alice@example.test",
};
const FASTAPI_COOKIES: StackSpec = StackSpec {
    name: "fastapi-cookies",
    backend: "fastapi",
    frontend: "fastapi-cookies",
    base: "",
    user: "alice@example.test",
};
const FLASK_COOKIES: StackSpec = StackSpec {
    name: "flask-cookies",
    backend: "flask",
    frontend: "flask-cookies",
    base: "/api",
    user: "alice@example.test",
};
const FLASK: StackSpec = StackSpec {
    name: "flask",
    backend: "flask",
    frontend: "flask",
    base: "/api",
    user: "alice@example.test",
};

/// Django's vocabulary: wrong in any fix for an app of another stack.
const DJANGO_WORDS: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "settings.py",
    "urls.py",
    "MIDDLEWARE",
    "corsheaders",
    "rest_framework",
    "simplejwt",
    "gunicorn",
];

/// Django's session SPA: its origin must be trusted by the CSRF check too.
const SESSION_ENV: [(&str, &str); 3] = [
    ("SESSIONS", "True"),
    ("CORS_ALLOWED_ORIGINS", "$ORIGIN"),
    ("CSRF_COOKIE_DOMAIN", ".django-session.test"),
];

/// Deploy, diagnose zero-config, return the run and its rows with their faults.
async fn run(s: &StackSpec, env: &[(&str, &str)], proxy: Proxy) -> (common::Run, Vec<rows::Row>) {
    let d = deploy(s, env, proxy).await;
    // The lab's DNS server answers on another worker while this one waits for conncheck.
    let run = tokio::task::block_in_place(|| diagnose(&d, s));
    let rows = rows(&run);
    (run, rows)
}

async fn healthy(s: &StackSpec, env: &[(&str, &str)]) -> Vec<rows::Row> {
    let (run, rows) = run(s, env, Proxy::App).await;
    let failing: Vec<&rows::Row> = rows.iter().filter(|r| r.failing()).collect();
    assert!(
        failing.is_empty() && run.code == 0,
        "{}: a healthy deployment must pass (exit {}); failing and warning rows:\n{}",
        s.name,
        run.code,
        dump(&rows)
    );
    // What was not checked (visible with --nocapture): a pass must not be a pass by omission.
    for r in rows.iter().filter(|r| r.status == Status::Skip) {
        eprintln!("{}: skipped {r}", s.name);
    }
    // The healthy apps' only warnings may be the API's own (a missing security header…), never
    // a route conncheck guessed (FastAPI's redirect_slashes answers /health/ with a 307).
    let guessed: Vec<String> = rows
        .iter()
        .filter(|r| r.status == Status::Warn && r.detail.contains("conncheck guessed"))
        .map(|r| r.to_string())
        .collect();
    assert!(
        guessed.is_empty(),
        "{}: a guessed route warns on a healthy app:\n{}",
        s.name,
        guessed.join("\n")
    );
    if s.backend != "django" {
        let django: Vec<String> = rows
            .iter()
            .filter(|r| DJANGO_WORDS.iter().any(|w| r.hint.contains(w)))
            .map(|r| r.to_string())
            .collect();
        assert!(
            django.is_empty(),
            "{}: passes, but hints on this {} app use Django's words:\n{}",
            s.name,
            s.backend,
            django.join("\n")
        );
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_healthy_passes_zero_config() {
    healthy(&DJANGO, &[("CORS_ALLOWED_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_email_login_bearer_spa_passes_zero_config() {
    let rows = healthy(
        &DJANGO_EMAIL,
        &[
            ("CORS_ALLOWED_ORIGINS", "$ORIGIN"),
            ("AUTH_USER_MODEL", "accounts.User"),
        ],
    )
    .await;
    let login: Vec<&rows::Row> = rows.iter().filter(|r| r.id == "jwt.login").collect();
    assert!(
        !login.is_empty() && login.iter().all(|r| r.status == Status::Pass),
        "the email login must be checked and pass:\n{login:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_session_spa_with_trusted_origin_passes_zero_config() {
    let mut env = SESSION_ENV.to_vec();
    env.push(("CSRF_TRUSTED_ORIGINS", "$ORIGIN"));
    healthy(&DJANGO_SESSION, &env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn express_healthy_passes_zero_config() {
    healthy(&EXPRESS, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn express_cookie_spa_with_credentials_true_passes_zero_config() {
    // The SPA sends cookies through a fetch wrapper (`send(path, init)`); the server has
    // cors({ origin, credentials: true }).
    healthy(
        &EXPRESS_COOKIES,
        &[("CORS_ORIGINS", "$ORIGIN"), ("CORS_CREDENTIALS", "true")],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn plane_like_live_server_passes_zero_config() {
    let rows = healthy(&LIVE, &[("CORS_ORIGINS", "$ORIGIN")]).await;
    for id in [
        "websocket.upgrade",
        "websocket.scheme",
        "websocket.origin-check",
    ] {
        let r: Vec<&rows::Row> = rows.iter().filter(|r| r.id == id).collect();
        assert!(
            !r.is_empty() && r.iter().all(|r| r.status == Status::Pass),
            "{id} must be checked and pass:\n{r:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_healthy_passes_zero_config() {
    healthy(&FASTAPI, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn flask_healthy_passes_zero_config() {
    healthy(&FLASK, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_without_its_frontend_learns_the_login_from_openapi() {
    let d = deploy(&FASTAPI, &[("CORS_ORIGINS", "$ORIGIN")], Proxy::App).await;
    // No origin: no bundle to read; FastAPI's /openapi.json names the form login at /auth/token.
    let run =
        tokio::task::block_in_place(|| diagnose_with(&d, &FASTAPI, &["--only", "endpoints,jwt"]));
    let rows = rows(&run);
    assert!(
        rows.iter().all(|r| !r.failing()) && run.status("jwt.login") == Status::Pass,
        "failing rows:\n{}",
        dump(&rows)
    );
    let login = &run.rows("endpoints.login")[0];
    assert!(login.detail.contains("/auth/token"), "{}", login.detail);
}

#[path = "realstacks/broken.rs"]
mod broken;
