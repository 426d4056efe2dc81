//! The CORS module on the typed spine, against the lab in this process: every non-pass CORS row
//! carries a `CorsFault` with a stable key, every row a typed subject, and one configuration
//! mistake seen on many calls from several origins is one root cause.
mod common;
use common::typed::*;
use conncheck::checks::cors::judge::CorsFault;
use conncheck::engine::{Finding, Module, Row, Status, Subject};
use conncheck::report::view::View;

fn cors_rows(t: &Typed) -> Vec<&Finding> {
    t.report
        .findings
        .iter()
        .filter(|f| f.module == Module::Cors && f.row.is_some())
        .collect()
}

/// Every CORS row has a typed subject of its kind; every failing or warning one a CORS fault.
fn assert_typed(t: &Typed) {
    let rows = cors_rows(t);
    assert!(!rows.is_empty(), "no CORS rows");
    for f in rows {
        match f.row {
            Some(Row::CorsPreflight) | Some(Row::CorsActual) => {
                assert!(matches!(f.subject, Subject::Call { .. }), "{f:#?}")
            }
            _ => assert!(matches!(f.subject, Subject::Origin { .. }), "{f:#?}"),
        }
        if matches!(f.status, Status::Fail | Status::Warn) {
            assert!(f.fault.is_some(), "a non-pass row without a fault: {f:#?}");
        }
        if f.status == Status::Pass {
            assert!(f.fault.is_none(), "a pass with a fault: {f:#?}");
        }
    }
}

fn keys(t: &Typed, row: Row) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = t
        .rows(row)
        .iter()
        .filter(|f| f.status != Status::Pass)
        .filter_map(|f| f.fault_key())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[tokio::test]
async fn a_duplicated_allow_origin_is_one_cause_over_every_call_and_origin() {
    let t = diagnose_scenario("cors-duplicate-header", &[]).await;
    assert_typed(&t);
    assert_eq!(
        keys(&t, Row::CorsPreflight),
        ["cors.allow-origin-duplicated"]
    );
    let failing = t
        .rows(Row::CorsPreflight)
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    assert!(failing >= 2, "{failing}");
    for f in t.rows(Row::CorsPreflight) {
        if f.status == Status::Fail {
            assert!(f.has_fault::<CorsFault>());
        }
    }
    let view = View::of(&t.report);
    assert!(view.causes.len() <= 2, "{:#?}", view.causes);
    let dup = view
        .causes
        .iter()
        .find(|c| c.key == "cors.allow-origin-duplicated")
        .expect("the duplicated header is a cause");
    assert_eq!(dup.rows.len(), failing, "{dup:#?}");
    assert!(dup.scope.starts_with("api.tiktrue.test"), "{}", dup.scope);
}

#[tokio::test]
async fn a_missing_credentials_header_is_one_cause() {
    let t = diagnose_scenario("cors-no-credentials-header", &[]).await;
    assert_typed(&t);
    assert_eq!(
        keys(&t, Row::CorsPreflight),
        ["cors.allow-credentials-missing"]
    );
    let view = View::of(&t.report);
    assert!(view.causes.len() <= 2, "{:#?}", view.causes);
    assert!(view
        .causes
        .iter()
        .any(|c| c.key == "cors.allow-credentials-missing"));
}

#[tokio::test]
async fn a_hanging_api_is_at_most_two_causes() {
    let t = diagnose_scenario("hostile-hang", &[]).await;
    assert_typed(&t);
    let view = View::of(&t.report);
    assert!(view.causes.len() <= 2, "{:#?}", view.causes);
}

#[tokio::test]
async fn a_healthy_lab_has_no_cors_fault() {
    let t = diagnose_scenario("healthy", &["--profile", "tiktrue"]).await;
    assert_typed(&t);
    t.assert_module_passes("cors");
}
