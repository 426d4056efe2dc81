//! Section 1 against the lab: each DNS fault fails the right row with the right browser error.
mod common;
use common::*;
use conncheck::model::Status;

#[tokio::test]
async fn healthy_passes_every_dns_row() {
    let r = run_scenario("healthy", &["--only", "dns"]).await;
    r.assert_module_passes("dns");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.rows("dns.resolve").len(), 3);
}

#[tokio::test]
async fn nxdomain_fails_resolve_with_name_not_resolved() {
    let r = run_scenario("dns-nxdomain", &["--only", "dns"]).await;
    let f = r.find("dns.resolve", Status::Fail);
    assert!(f.title.contains("api.tiktrue.test"));
    assert!(f.detail.contains("NXDOMAIN"), "{}", f.detail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    assert_eq!(r.code, 1);
    // The reach row for the API depends on resolution: skipped, not a second failure.
    assert!(r
        .rows("dns.reach")
        .iter()
        .any(|f| f.status == Status::Skip && f.title.contains("api.tiktrue.test")));
}

#[tokio::test]
async fn cname_to_platform_passes_with_expectation() {
    let r = run_scenario("dns-cname", &["--only", "dns"]).await;
    r.assert_module_passes("dns");
    let f = &r.rows("dns.resolve")[0];
    assert!(
        f.detail.contains("CNAME tiktrue-backend.liara.test"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn cname_mismatch_fails_showing_what_it_points_to() {
    let r = run_scenario(
        "dns-cname",
        &["--only", "dns", "--expect-cname", "other-app.liara.test"],
    )
    .await;
    let f = r.find("dns.resolve", Status::Fail);
    assert!(
        f.detail.contains("tiktrue-backend.liara.test"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn dead_address_warns_listing_it() {
    let r = run_scenario("dns-dead-address", &["--only", "dns"]).await;
    let f = r.find("dns.reach", Status::Warn);
    assert!(f.detail.contains("127.0.0.4"), "{}", f.detail);
    assert!(f.detail.contains("refused"), "{}", f.detail);
}

#[tokio::test]
async fn propagating_warns_with_each_servers_answer_ttl_and_serial() {
    let r = run_scenario("dns-propagating", &["--only", "dns"]).await;
    let f = r
        .rows("dns.propagation")
        .into_iter()
        .find(|f| f.title.starts_with("api."))
        .unwrap()
        .clone();
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    assert!(
        f.detail.contains("127.0.0.5") && f.detail.contains("127.0.0.1"),
        "{}",
        f.detail
    );
    assert!(
        f.detail.contains("serial 2026112200") && f.detail.contains("serial 2026112201"),
        "{}",
        f.detail
    );
    assert!(f.hint.as_deref().unwrap().contains("3600 s"));
}

#[tokio::test]
async fn servfail_fails_naming_it() {
    let r = run_scenario("dns-servfail", &["--only", "dns"]).await;
    let f = r.find("dns.resolve", Status::Fail);
    assert!(f.detail.contains("SERVFAIL"), "{}", f.detail);
}
