//! Broken configurations: one realistic mistake each, chosen from the framework's own
//! behaviour. Each must fail the right row, for the right cause, with a fix in its stack's words.

use super::harness::Proxy;
use super::rows::{dump, Expect, Row};
use super::*;

/// Express and FastAPI fixes name neither Django's settings nor another framework's API.
const NOT_EXPRESS: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "settings.py",
    "urls.py",
    "CORSMiddleware",
    "CORS(app",
];
const NOT_FASTAPI: &[&str] = &["CORS_ALLOWED_ORIGINS", "settings.py", "urls.py", "cors({"];
const NOT_FLASK: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "settings.py",
    "urls.py",
    "cors({",
    "CORSMiddleware",
];
const NOT_DJANGO: &[&str] = &["cors({", "CORSMiddleware", "CORS(app"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn express_origin_list_without_the_spa_fails_the_preflight() {
    // cors({ origin: [...] }) answers a preflight from an origin not in its list with no
    // Access-Control-Allow-Origin at all (cors 2.8.5, configureOrigin).
    let (run, rows) = run(
        &EXPRESS,
        &[("CORS_ORIGINS", "https://www.express.test")],
        Proxy::App,
    )
    .await;
    Expect {
        id: "cors.preflight",
        paths: &["/api/auth/login", "/api/me", "/api/orders"],
        faults: &["cors.allow-origin-missing", "cors.origin-not-allowed"],
        hint_has: &["cors("],
        hint_not: NOT_EXPRESS,
        names: &["app.express.test"],
    }
    .check("express", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn express_cookie_spa_without_credentials_true_fails_the_preflight() {
    // The SPA fetches with credentials: "include"; cors({ origin }) without `credentials: true`
    // sends no Access-Control-Allow-Credentials, so Chrome refuses every call.
    let (run, rows) = run(&EXPRESS_COOKIES, &[("CORS_ORIGINS", "$ORIGIN")], Proxy::App).await;
    Expect {
        id: "cors.preflight",
        paths: &["/api/auth/login", "/api/me", "/api/orders"],
        faults: &["cors.allow-credentials-missing"],
        hint_has: &["cors(", "credentials: true"],
        hint_not: NOT_EXPRESS,
        names: &[],
    }
    .check("express-cookies", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_allow_headers_without_authorization_names_authorization() {
    // Starlette's CORSMiddleware answers a preflight asking for a header outside allow_headers
    // with 400 "Disallowed CORS headers"; the SPA sends Authorization: Bearer on /users/me.
    let (run, rows) = run(
        &FASTAPI,
        &[
            ("CORS_ORIGINS", "$ORIGIN"),
            ("CORS_HEADERS", "content-type"),
        ],
        Proxy::App,
    )
    .await;
    Expect {
        id: "cors.preflight",
        paths: &["/users/me"],
        faults: &["cors.allow-headers-missing", "cors.preflight-status"],
        hint_has: &["allow_headers"],
        hint_not: NOT_FASTAPI,
        names: &["authorization"],
    }
    .check("fastapi", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_missing_authorization_is_named_when_credentials_are_wrong_too() {
    // Two mistakes on one preflight: the SPA sends cookies but allow_credentials is off, and
    // allow_headers lacks authorization. The missing authorization must still be named, and the
    // fix must cover both settings.
    let (run, rows) = run(
        &FASTAPI_COOKIES,
        &[
            ("CORS_ORIGINS", "$ORIGIN"),
            ("CORS_HEADERS", "content-type"),
        ],
        Proxy::App,
    )
    .await;
    Expect {
        id: "cors.preflight",
        paths: &["/users/me"],
        faults: &[
            "cors.allow-headers-missing",
            "cors.preflight-status",
            "cors.allow-credentials-missing",
        ],
        hint_has: &["allow_headers", "allow_credentials"],
        hint_not: NOT_FASTAPI,
        names: &["authorization", "/users/me"],
    }
    .check("fastapi-cookies", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn flask_cors_resources_missing_the_login_fail_its_preflight() {
    // flask-cors answers OPTIONS outside its `resources` without any CORS header: the login's
    // preflight fails while the profile route (inside them) passes.
    let (run, rows) = run(
        &FLASK,
        &[
            ("CORS_ORIGINS", "$ORIGIN"),
            ("CORS_RESOURCES", r"/api/profile"),
        ],
        Proxy::App,
    )
    .await;
    Expect {
        id: "cors.preflight",
        paths: &["/api/auth/login"],
        faults: &["cors.allow-origin-missing"],
        hint_has: &["resources"],
        hint_not: NOT_FLASK,
        names: &["/api/auth/login"],
    }
    .check("flask", &rows, &run);
    let inside: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failing() && r.path.as_deref() == Some("/api/profile"))
        .collect();
    assert!(
        inside.is_empty(),
        "only the login is outside the resources:\n{}",
        dump(&rows)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn flask_cookie_spa_without_supports_credentials_fails_the_preflight() {
    // The SPA sends cookies; CORS(app, resources=…) without supports_credentials=True sends no
    // Access-Control-Allow-Credentials.
    let (run, rows) = run(&FLASK_COOKIES, &[("CORS_ORIGINS", "$ORIGIN")], Proxy::App).await;
    Expect {
        id: "cors.preflight",
        paths: &["/api/auth/login", "/api/profile"],
        faults: &["cors.allow-credentials-missing"],
        hint_has: &["supports_credentials"],
        hint_not: NOT_FLASK,
        names: &[],
    }
    .check("flask-cookies", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn live_server_behind_nginx_without_upgrade_headers_names_the_proxy() {
    // nginx proxies /live without `proxy_set_header Upgrade $http_upgrade` and `Connection`:
    // Express sees a plain GET /live and answers 404. The app is fine; the proxy is not.
    let (run, rows) = run(&LIVE, &[("CORS_ORIGINS", "$ORIGIN")], Proxy::NoUpgrade).await;
    Expect {
        id: "websocket.upgrade",
        paths: &["/live"],
        faults: &[],
        hint_has: &["proxy_set_header"],
        hint_not: &[
            "CORS_ALLOWED_ORIGINS",
            "settings.py",
            "gunicorn",
            "Channels",
        ],
        names: &[],
    }
    .check("live-no-upgrade", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_without_cors_allowed_origins_fails_the_preflight() {
    // django-cors-headers answers a preflight from an origin it does not allow 200 with no
    // Access-Control-Allow-Origin.
    let (run, rows) = run(&DJANGO, &[], Proxy::App).await;
    Expect {
        id: "cors.preflight",
        paths: &[
            "/api/v1/auth/login/",
            "/api/v1/auth/refresh/",
            "/api/v1/auth/profile/",
        ],
        faults: &["cors.allow-origin-missing", "cors.origin-not-allowed"],
        hint_has: &["CORS_ALLOWED_ORIGINS"],
        hint_not: NOT_DJANGO,
        names: &["app.django.test"],
    }
    .check("django", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_session_spa_untrusted_by_csrf_gets_a_csrf_row() {
    // CORS lets the SPA in, but Django 4+'s CSRF check refuses its POSTs 403 "CSRF Failed:
    // Origin checking failed - <origin> does not match any trusted origins."
    let (run, rows) = run(&DJANGO_SESSION, &SESSION_ENV, Proxy::App).await;
    Expect {
        id: "csrf",
        paths: &[],
        faults: &[],
        hint_has: &["CSRF_TRUSTED_ORIGINS"],
        hint_not: NOT_DJANGO,
        names: &["app.django-session.test"],
    }
    .check("django-session", &rows, &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn nginx_maintenance_page_is_named_maintenance() {
    // nginx answers the API with its 503 "Down for maintenance" page and Retry-After: 3600.
    let (run, rows) = run(&EXPRESS, &[("CORS_ORIGINS", "$ORIGIN")], Proxy::Maintenance).await;
    let named: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failing() && r.fault().contains("maintenance"))
        .collect();
    assert!(
        !named.is_empty() && run.code != 0,
        "a failing row must carry a maintenance fault (exit {}):\n{}",
        run.code,
        dump(&rows)
    );
    let blamed: Vec<&Row> = rows
        .iter()
        .filter(|r| r.fault() == "endpoints.proxy-error" || r.hint.contains("not running"))
        .collect();
    assert!(
        blamed.is_empty(),
        "maintenance is not a stopped app:\n{}",
        dump(&rows)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn stopped_backend_behind_nginx_is_a_proxy_error_not_cors() {
    // uvicorn is stopped: nginx answers 502 Bad Gateway (its own HTML page, no CORS headers).
    let (run, rows) = run(
        &FASTAPI,
        &[("CORS_ORIGINS", "$ORIGIN")],
        Proxy::BackendStopped,
    )
    .await;
    Expect {
        id: "endpoints.",
        paths: &["/auth/token", "/users/me"],
        faults: &["endpoints.proxy-error"],
        hint_has: &[],
        hint_not: &["gunicorn", "CORS_ALLOWED_ORIGINS", "settings.py"],
        names: &["502"],
    }
    .check("fastapi-stopped", &rows, &run);
    let false_cause: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failing() && r.fault().starts_with("cors.allow-"))
        .collect();
    assert!(
        false_cause.is_empty(),
        "the 502 has no CORS headers because the app is down, not because CORS is wrong:\n{}",
        dump(&rows)
    );
}
