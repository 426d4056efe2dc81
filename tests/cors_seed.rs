//! Issue 20's CORS pitfalls, each against its own lab: the right row fails with the right
//! typed fault, and one configuration mistake is one cause.
mod common;
use common::typed::*;
use conncheck::checks::cors::judge::CorsFault;
use conncheck::engine::{Row, Status, Subject};
use conncheck::report::view::View;

fn failing_keys(t: &Typed, row: Row) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = t
        .rows(row)
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| f.fault_key())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[tokio::test]
async fn an_allowed_origin_with_a_trailing_slash_is_one_cause_for_both_origins() {
    let t = diagnose_scenario("cors-origin-trailing-slash", &[]).await;
    assert_eq!(
        failing_keys(&t, Row::CorsPreflight),
        ["cors.origin-not-allowed"]
    );
    let origins: std::collections::BTreeSet<&str> = t
        .rows(Row::CorsPreflight)
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| f.subject.from_origin())
        .collect();
    assert_eq!(origins.len(), 2, "{origins:?}");
    let view = View::of(&t.report);
    let c: Vec<_> = view
        .causes
        .iter()
        .filter(|c| c.key == "cors.origin-not-allowed")
        .collect();
    assert_eq!(c.len(), 1, "{:#?}", view.causes);
}

#[tokio::test]
async fn a_method_the_bundle_uses_is_preflighted_and_its_refusal_fails() {
    let t = diagnose_scenario("cors-method-refused-by-api", &[]).await;
    assert_eq!(
        failing_keys(&t, Row::CorsPreflight),
        ["cors.allow-methods-missing"]
    );
    let methods: std::collections::BTreeSet<String> = t
        .rows(Row::CorsPreflight)
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| match &f.subject {
            Subject::Call { method, .. } => Some(method.clone()),
            _ => None,
        })
        .collect();
    assert!(
        methods.contains("PUT") && methods.contains("DELETE"),
        "{methods:?}"
    );
    for f in t.rows(Row::CorsPreflight) {
        if f.status == Status::Fail {
            let fault = f.fault_as::<CorsFault>().expect("a CORS fault");
            assert!(fault.host().starts_with("api.tiktrue.test"), "{fault:?}");
        }
    }
    // Only preflights: conncheck never sends the PUT or DELETE itself.
    for f in t.rows(Row::CorsActual) {
        if let Subject::Call { method, .. } = &f.subject {
            if method == "PUT" || method == "DELETE" {
                assert_eq!(f.status, Status::Skip, "{f:#?}");
            }
        }
    }
    let view = View::of(&t.report);
    assert_eq!(
        view.causes
            .iter()
            .filter(|c| c.key == "cors.allow-methods-missing")
            .count(),
        1,
        "{:#?}",
        view.causes
    );
}

#[tokio::test]
async fn the_healthy_lab_preflights_the_bundles_methods_and_passes() {
    // The healthy API allows every method: the bundle's PUT/DELETE preflights pass, the calls
    // are not sent.
    let t = diagnose_scenario("healthy", &[]).await;
    t.assert_module_passes("cors");
}

/// Issue 20: CorsMiddleware after CommonMiddleware — APPEND_SLASH redirects the preflight of a
/// call written without its trailing slash; one cause, whose fix moves CorsMiddleware first.
#[tokio::test]
async fn corsmiddleware_after_commonmiddleware_redirects_the_preflight() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_conncheck"))
        .args([
            "demo",
            "cors-middleware-after-common",
            "--only",
            "cors",
            "--format",
            "json",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let causes = doc["deployments"][0]["causes"].as_array().unwrap();
    assert_eq!(causes.len(), 1, "{causes:#?}");
    assert_eq!(causes[0]["fault"], "cors.preflight-redirected");
    let fix = causes[0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("APPEND_SLASH") && fix.contains("CorsMiddleware"),
        "{fix}"
    );
    assert!(causes[0]["row_ids"]
        .as_array()
        .unwrap()
        .iter()
        .all(|id| id == "cors.preflight"));
}
