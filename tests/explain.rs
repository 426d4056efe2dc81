//! `conncheck explain "<text>" TARGET` against the lab: which cause each broken deployment
//! confirms, by id, and that text, JSON and Markdown tell one story.
mod common;
use common::bin;
use conncheck::lab::{Lab, LabOptions};
use serde_json::Value;

struct Explained {
    json: Value,
    code: Option<i32>,
    text: String,
}

/// Run `conncheck explain TEXT <lab> --format FORMAT` with the lab user's credentials.
async fn run(lab: &Lab, text: &str, format: &str) -> (Option<i32>, String) {
    let c = lab.credentials();
    let out = tokio::process::Command::new(bin())
        .arg("explain")
        .arg(text)
        .args(lab.args())
        .args(["--format", format, "--deadline", "60"])
        .env("NO_COLOR", "1")
        .env("CONNCHECK_USERNAME", c.username)
        .env("CONNCHECK_PASSWORD", c.password)
        .output()
        .await
        .expect("conncheck runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Explain `text` against `scenario` in JSON and as text; checks the two agree.
async fn explain(scenario: &str, text: &str) -> Explained {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts");
    let (code, out) = run(&lab, text, "json").await;
    let (_, plain) = run(&lab, text, "table").await;
    lab.shutdown().await;
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_one_story(&json, &plain);
    Explained {
        json,
        code,
        text: plain,
    }
}

/// The confirmed cause is in the list, at the rank the text names, with the same fix.
fn assert_one_story(json: &Value, text: &str) {
    let v = &json["verdict"];
    if v["kind"] != "confirmed" {
        return;
    }
    let rank = v["rank"].as_u64().expect("a rank") as usize;
    let listed = &json["causes"][rank - 1];
    assert_eq!(listed["id"], v["cause"], "{json:#}");
    assert!(
        text.contains(&format!("cause {rank}"))
            && text.contains(&format!("[{}]", v["cause"].as_str().unwrap())),
        "text and JSON differ:\n{text}\n{json:#}"
    );
    let fix = listed["fix"].as_str().unwrap();
    assert!(text.contains(fix), "the fix differs:\n{text}");
    assert_eq!(listed["seen"]["kind"], "shown", "{json:#}");
}

fn confirmed(e: &Explained) -> &str {
    assert_eq!(e.json["verdict"]["kind"], "confirmed", "{}", e.text);
    assert_eq!(e.code, Some(1));
    e.json["verdict"]["cause"].as_str().unwrap()
}

fn rows(e: &Explained) -> Vec<&str> {
    e.json["verdict"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_unresolved_name_is_confirmed_by_dns_resolve() {
    let e = explain(
        "dns-nxdomain",
        "Failed to load resource: net::ERR_NAME_NOT_RESOLVED",
    )
    .await;
    assert_eq!(confirmed(&e), "dns-not-resolved");
    assert_eq!(e.json["verdict"]["certain"], true);
    assert!(rows(&e).contains(&"dns.resolve"), "{}", e.text);
    // The fix is the dns.resolve row's own.
    let fix_from =
        &e.json["causes"][e.json["verdict"]["rank"].as_u64().unwrap() as usize - 1]["fix_from"];
    assert_eq!(fix_from, "dns.resolve");
}

#[tokio::test]
async fn certificate_faults_are_told_apart() {
    let e = explain("tls-expired", "net::ERR_CERT_DATE_INVALID").await;
    assert_eq!(confirmed(&e), "tls-expired");
    let e = explain("tls-self-signed", "Network Error").await;
    assert_eq!(confirmed(&e), "tls-untrusted");
}

#[tokio::test]
async fn cors_phrases_confirm_cors_causes() {
    let e = explain("cors-origin-not-allowed", "CORS policy").await;
    assert_eq!(confirmed(&e), "cors-origin-not-allowed");
    assert!(
        rows(&e).iter().all(|r| r.starts_with("cors.")),
        "{}",
        e.text
    );
    let e = explain(
        "cors-duplicate-header",
        "The 'Access-Control-Allow-Origin' header contains multiple values",
    )
    .await;
    assert_eq!(confirmed(&e), "cors-duplicate-origin");
}

#[tokio::test]
async fn database_and_proxy_phrases_confirm_backend_causes() {
    let e = explain("endpoints-backend-500", "Database connection failed").await;
    assert_eq!(confirmed(&e), "database-down");
    assert!(
        rows(&e).iter().all(|r| r.starts_with("endpoints.")),
        "{}",
        e.text
    );
    let e = explain("endpoints-backend-down", "504 Gateway Time-out").await;
    assert!(
        ["proxy-timeout", "app-down-behind-proxy"].contains(&confirmed(&e)),
        "{}",
        e.text
    );
}

#[tokio::test]
async fn websocket_phrases_confirm_websocket_causes() {
    let e = explain("websocket-token-secret", "WebSocket authentication failed").await;
    assert_eq!(confirmed(&e), "websocket-token-refused");
    assert_eq!(rows(&e), ["websocket.upgrade"]);
    let e = explain("websocket-down", "WebSocket connection failed").await;
    assert_eq!(confirmed(&e), "websocket-failed");
}

#[tokio::test]
async fn a_refused_login_is_the_login_cause() {
    let e = explain(
        "jwt-wrong-password",
        "{\"detail\":\"No active account found with the given credentials\"}",
    )
    .await;
    assert_eq!(confirmed(&e), "login-failed");
    assert_eq!(rows(&e), ["jwt.login"]);
}

#[tokio::test]
async fn a_healthy_deployment_does_not_reproduce_and_csrf_is_not_seen() {
    let e = explain(
        "healthy",
        "{\"detail\":\"CSRF Failed: CSRF token missing.\"}",
    )
    .await;
    assert_eq!(e.json["verdict"]["kind"], "not-reproduced", "{}", e.text);
    assert_eq!(e.code, Some(0));
    let csrf = e.json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "csrf-failed")
        .expect("csrf listed");
    // jwt.csrf made the login POST with the frontend's Origin, and it was not refused.
    assert_eq!(csrf["seen"]["kind"], "not-seen", "{}", e.text);
    let cookies = e.json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "cookie-blocked")
        .expect("cookie cause listed");
    assert_eq!(cookies["seen"]["kind"], "not-seen", "{}", e.text);
    // Nothing conncheck can see: the usual checks run, and pass.
    let e = explain(
        "healthy",
        "GET https://api.tiktrue.test/api/v1/ net::ERR_BLOCKED_BY_CLIENT",
    )
    .await;
    assert_eq!(e.json["verdict"]["kind"], "not-reproduced", "{}", e.text);
    assert_eq!(e.json["causes"][0]["id"], "client-side");
    assert_eq!(e.json["causes"][0]["seen"]["kind"], "not-checkable");
    assert!(e.json["report"]["checks"].as_array().unwrap().len() > 5);
}

/// More scenarios, each with what a customer would paste for it and the cause it confirms.
#[tokio::test]
async fn each_broken_lab_confirms_the_cause_of_its_symptom() {
    let cases = [
        ("hostile-redirect-loop", "net::ERR_TOO_MANY_REDIRECTS", "redirect-loop"),
        (
            "frontend-http-api",
            "Mixed Content: The page at 'https://tiktrue.test' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint",
            "mixed-content-api-url",
        ),
        (
            "frontend-localhost-api",
            "GET http://localhost:8000/api/v1/health/ net::ERR_CONNECTION_REFUSED",
            "frontend-wrong-api",
        ),
        ("tls-wrong-host", "net::ERR_CERT_COMMON_NAME_INVALID", "tls-name-mismatch"),
        ("endpoints-missing-routes", "Request failed with status code 404", "route-not-found"),
        ("endpoints-disallowed-host", "DisallowedHost", "disallowed-host"),
    ];
    let mut wrong = Vec::new();
    for (scenario, text, want) in cases {
        let e = explain(scenario, text).await;
        let got = e.json["verdict"]["cause"]
            .as_str()
            .unwrap_or("(none)")
            .to_string();
        if got != want || e.code != Some(1) {
            wrong.push(format!(
                "{scenario} / {text:?}: {got} (want {want})\n{}",
                e.text
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
