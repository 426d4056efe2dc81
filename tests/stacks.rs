//! Lab deployments shaped like Express (`cors`), FastAPI (Starlette's CORSMiddleware) and Flask
//! (flask-cors), over real sockets with the lab's DNS and CA: the run recognises each stack, a
//! healthy one passes with zero config, and each stack's classic CORS mistake fails the preflight
//! row with the right typed fault and a fix in that stack's own words.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use common::*;
use conncheck::engine::model::{Finding, Status};
use conncheck::engine::Row;
use conncheck::stack::Backend;
use typed::{diagnose, key, Typed};

/// The JSON report's `deployments[0].stack.backend`.
fn json_backend(r: &Run) -> Option<String> {
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    doc["deployments"][0]["stack"]["backend"]
        .as_str()
        .map(str::to_string)
}

async fn healthy(scenario: &str, backend: &str) {
    let r = run_scenario(scenario, &[]).await;
    let failing: Vec<_> = r
        .report
        .checks
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
        .map(|f| (&f.id, &f.title, &f.detail))
        .collect();
    assert!(failing.is_empty(), "{scenario}: {failing:#?}");
    assert_eq!(r.code, 0, "{scenario}:\n{}", r.stdout);
    assert_eq!(json_backend(&r).as_deref(), Some(backend), "{scenario}");
}

#[tokio::test]
async fn a_healthy_express_api_passes_and_is_recognised() {
    healthy("stack-express", "Express").await;
}

#[tokio::test]
async fn a_healthy_fastapi_api_passes_and_is_recognised() {
    healthy("stack-fastapi", "FastAPI/Starlette").await;
}

#[tokio::test]
async fn a_healthy_flask_api_passes_and_is_recognised() {
    healthy("stack-flask", "Flask").await;
}

/// The failing preflight rows of a run: each must carry `want` as its fault key.
fn failing_preflights<'a>(t: &'a Typed, want: &str) -> Vec<&'a Finding> {
    let rows: Vec<&Finding> = t
        .rows(Row::CorsPreflight)
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert!(
        !rows.is_empty(),
        "no failing preflight: {:#?}",
        t.report.findings
    );
    for f in &rows {
        assert_eq!(key(f), want, "{}: {}", f.title, f.detail);
    }
    rows
}

fn hint(f: &Finding) -> &str {
    f.hint.as_deref().unwrap_or("")
}

fn backend(t: &Typed) -> Option<Backend> {
    t.report.stack.as_ref().and_then(|s| s.backend())
}

/// No Django words in a fix for another stack.
fn not_django(f: &Finding) {
    for w in [
        "CORS_ALLOWED_ORIGINS",
        "settings.py",
        "CORS_ALLOW_",
        "django",
    ] {
        assert!(!hint(f).contains(w), "{w} in {}: {}", f.title, hint(f));
    }
}

#[tokio::test]
async fn express_without_the_origin_in_its_list_fails_with_a_cors_fix() {
    let t = diagnose("stack-express-origin", &["--only", "cors"], true).await;
    assert_eq!(backend(&t), Some(Backend::Express));
    for f in failing_preflights(&t, "cors.origin-not-allowed") {
        assert!(hint(f).contains("cors("), "{}", hint(f));
        assert!(hint(f).contains("origin"), "{}", hint(f));
        not_django(f);
    }
}

#[tokio::test]
async fn express_without_credentials_true_fails_for_a_credentialed_spa() {
    let t = diagnose("stack-express-credentials", &["--only", "cors"], true).await;
    assert_eq!(backend(&t), Some(Backend::Express));
    for f in failing_preflights(&t, "cors.allow-credentials-missing") {
        assert!(hint(f).contains("cors("), "{}", hint(f));
        assert!(hint(f).contains("credentials: true"), "{}", hint(f));
        not_django(f);
    }
}

#[tokio::test]
async fn fastapi_allow_headers_without_authorization_fails_the_bearer_call_only() {
    let t = diagnose("stack-fastapi-headers", &["--only", "cors"], true).await;
    assert_eq!(backend(&t), Some(Backend::Starlette));
    let rows = failing_preflights(&t, "cors.preflight-status");
    for f in &rows {
        // Only the call that sends Authorization: the login's preflight asks for content-type.
        assert!(f.title.contains("/me"), "{}", f.title);
        assert!(hint(f).contains("CORSMiddleware"), "{}", hint(f));
        assert!(hint(f).contains("allow_headers"), "{}", hint(f));
        assert!(hint(f).contains("authorization"), "{}", hint(f));
        not_django(f);
    }
    assert!(t
        .rows(Row::CorsPreflight)
        .iter()
        .any(|f| f.title.contains("auth/login") && f.status == Status::Pass));
}

#[tokio::test]
async fn flask_auth_routes_outside_the_cors_resources_fail_naming_resources() {
    let t = diagnose("stack-flask-resources", &["--only", "cors"], true).await;
    assert_eq!(backend(&t), Some(Backend::Flask));
    let rows = failing_preflights(&t, "cors.allow-origin-missing");
    assert!(rows.iter().any(|f| f.title.contains("auth/login/")));
    for f in &rows {
        assert!(
            f.title.contains("auth/"),
            "only auth routes fail: {}",
            f.title
        );
        assert!(hint(f).contains("resources"), "{}", hint(f));
        not_django(f);
    }
    // The routes flask-cors covers pass.
    assert!(t
        .rows(Row::CorsPreflight)
        .iter()
        .any(|f| f.title.contains("models/available/") && f.status == Status::Pass));
}

/// The API host's row of `row` in a report.
fn api_row(r: &conncheck::engine::model::Report, row: Row) -> &Finding {
    r.findings
        .iter()
        .find(|f| {
            f.row == Some(row) && f.subject.host_name().as_deref() == Some("api.tiktrue.test")
        })
        .unwrap_or_else(|| panic!("no {row:?} row for the API host"))
}

#[tokio::test]
async fn https_fixes_are_worded_for_the_recognised_stack() {
    use conncheck::lab::{Lab, LabOptions};
    for (name, hsts, redirect) in [
        ("stack-express", "helmet()", "trust proxy"),
        (
            "stack-fastapi",
            "response.headers",
            "HTTPSRedirectMiddleware",
        ),
        ("stack-flask", "Talisman", "ProxyFix"),
    ] {
        let mut s = conncheck::lab::scenarios::find(name).unwrap();
        s.api.hsts = None;
        s.http_redirect = false;
        let lab = Lab::start(s, LabOptions::default()).await.unwrap();
        let r = diagnose_in_process(&lab, &["--only", "https", "--deadline", "60"], true).await;
        lab.shutdown().await;
        for (row, words) in [(Row::HttpsHsts, hsts), (Row::HttpsRedirect, redirect)] {
            let f = api_row(&r, row);
            assert_ne!(f.status, Status::Pass, "{name} {row:?}: {}", f.detail);
            assert!(hint(f).contains(words), "{name} {row:?}: {}", hint(f));
            assert!(!hint(f).contains("SECURE_"), "{name} {row:?}: {}", hint(f));
            assert!(!hint(f).contains("Django"), "{name} {row:?}: {}", hint(f));
        }
    }
}

#[tokio::test]
async fn a_refused_websocket_on_an_express_api_gets_a_socket_io_fix() {
    use conncheck::lab::scenarios::WsSpec;
    use conncheck::lab::{Lab, LabOptions};
    let mut s = conncheck::lab::scenarios::find("stack-express").unwrap();
    s.websocket = Some(WsSpec {
        host: "api.tiktrue.test".into(),
        path: "/socket".into(),
        allowed_origins: vec!["http://localhost:3000".into()],
        any_origin: false,
        down: false,
        require_token: false,
        token_secret: None,
    });
    s.args = vec![
        "--websocket".into(),
        "wss://api.tiktrue.test{port}/socket".into(),
    ];
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    let r = diagnose_in_process(&lab, &["--only", "websocket", "--deadline", "60"], true).await;
    lab.shutdown().await;
    let ups: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.row == Some(Row::WebsocketUpgrade))
        .collect();
    assert!(!ups.is_empty(), "{:#?}", r.findings);
    for f in ups {
        assert_eq!(f.status, Status::Fail, "{}", f.detail);
        assert!(hint(f).contains("Socket.IO"), "{}", hint(f));
        for w in ["Channels", "ALLOWED_HOSTS"] {
            assert!(!hint(f).contains(w), "{w}: {}", hint(f));
        }
    }
}

/// Starlette (0.47 still) echoes the Origin for `allow_origins=["*"]` with credentials on a
/// preflight, but on a response only when the request carried a cookie: a credentialed request
/// without one gets `*` with credentials, which the browser refuses.
#[tokio::test]
async fn fastapi_star_with_credentials_fails_the_actual_response_in_starlette_words() {
    let t = diagnose("stack-fastapi-star-credentials", &["--only", "cors"], true).await;
    assert_eq!(backend(&t), Some(Backend::Starlette));
    let actual: Vec<&Finding> = t
        .rows(Row::CorsActual)
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert!(!actual.is_empty(), "{:#?}", t.report.findings);
    for f in actual {
        assert_eq!(key(f), "cors.wildcard-with-credentials", "{}", f.detail);
        assert!(hint(f).contains("CORSMiddleware"), "{}", hint(f));
        not_django(f);
    }
    assert!(t
        .rows(Row::CorsPreflight)
        .iter()
        .all(|f| f.status == Status::Pass));
}
