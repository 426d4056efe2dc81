//! Section 2 against the lab: each certificate fault fails the right row of the right host with
//! Chrome's error, the other hosts and the DNS rows still pass, and HTTPS rows of the broken
//! host point at the TLS row instead of failing again.
mod common;
use common::*;
use conncheck::model::{Finding, Status};

const ONLY: &[&str] = &["--only", "dns,tls,https"];

/// Rows of `id` whose title starts with `host` (exactly that host, not a subdomain of it).
fn host_rows<'a>(r: &'a Run, id: &str, host: &str) -> Vec<&'a Finding> {
    r.rows(id)
        .into_iter()
        .filter(|f| f.title.starts_with(&format!("{host}:")))
        .collect()
}

fn one<'a>(r: &'a Run, id: &str, host: &str) -> &'a Finding {
    let v = host_rows(r, id, host);
    assert_eq!(v.len(), 1, "{id} for {host}: {v:#?}");
    v[0]
}

/// Every tls row of `host` passes.
fn tls_passes_for(r: &Run, host: &str) {
    for id in [
        "tls.handshake",
        "tls.chain",
        "tls.hostname",
        "tls.expiry",
        "tls.strength",
    ] {
        let f = one(r, id, host);
        assert_eq!(f.status, Status::Pass, "{id} {host}: {}", f.detail);
    }
}

#[tokio::test]
async fn healthy_passes_every_tls_and_https_row() {
    let r = run_scenario("healthy", ONLY).await;
    r.assert_module_passes("dns");
    r.assert_module_passes("tls");
    r.assert_module_passes("https");
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Three hosts, five rows each.
    assert_eq!(r.rows("tls.handshake").len(), 3);
    let hs = one(&r, "tls.handshake", "api.tiktrue.test");
    assert!(
        hs.detail.contains("TLS 1.3") && hs.detail.contains("ALPN h2"),
        "{}",
        hs.detail
    );
    let chain = one(&r, "tls.chain", "api.tiktrue.test");
    assert!(
        chain.detail.contains("conncheck lab intermediate R1"),
        "{}",
        chain.detail
    );
    assert!(chain.detail.contains("--ca-cert"), "{}", chain.detail);
}

#[tokio::test]
async fn expired_fails_expiry_with_date_invalid() {
    let r = run_scenario("tls-expired", ONLY).await;
    let f = one(&r, "tls.expiry", "api.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.detail.contains("expired on") && f.detail.contains("30 day(s) ago"),
        "{}",
        f.detail
    );
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_DATE_INVALID")
    );
    assert!(f.hint.as_deref().unwrap().contains("renew"));
    // The chain itself is fine: the date is the one fault.
    assert_eq!(
        one(&r, "tls.chain", "api.tiktrue.test").status,
        Status::Pass
    );
    // HTTPS rows of the API point at tls.expiry rather than failing again.
    let h = one(&r, "https.hsts", "api.tiktrue.test");
    assert_eq!(h.status, Status::Skip);
    assert!(h.detail.contains("tls.expiry"), "{}", h.detail);
    tls_passes_for(&r, "tiktrue.test");
    tls_passes_for(&r, "www.tiktrue.test");
    r.assert_module_passes("dns");
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn not_yet_valid_fails_expiry() {
    let r = run_scenario("tls-not-yet-valid", ONLY).await;
    let f = one(&r, "tls.expiry", "api.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(f.detail.contains("not valid yet"), "{}", f.detail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_DATE_INVALID")
    );
    assert!(f.hint.as_deref().unwrap().contains("clock"));
    tls_passes_for(&r, "tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn wrong_host_fails_hostname_and_names_the_apex_www_pair() {
    let r = run_scenario("tls-wrong-host", ONLY).await;
    let f = one(&r, "tls.hostname", "www.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(f.detail.contains("names only tiktrue.test"), "{}", f.detail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_COMMON_NAME_INVALID")
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains("both are origins") && hint.contains("-d www.tiktrue.test"),
        "{hint}"
    );
    tls_passes_for(&r, "api.tiktrue.test");
    tls_passes_for(&r, "tiktrue.test");
    assert_eq!(
        one(&r, "https.headers", "www.tiktrue.test").status,
        Status::Skip
    );
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn self_signed_fails_chain_with_authority_invalid() {
    let r = run_scenario("tls-self-signed", ONLY).await;
    let f = one(&r, "tls.chain", "api.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(f.detail.contains("self-signed"), "{}", f.detail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_AUTHORITY_INVALID")
    );
    assert!(f.hint.as_deref().unwrap().contains("Let's Encrypt"));
    tls_passes_for(&r, "tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn missing_intermediate_fails_chain_but_browser_like_rows_still_work() {
    let r = run_scenario("tls-missing-intermediate", ONLY).await;
    let f = one(&r, "tls.chain", "api.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.detail.contains("works in my browser, fails in the app"),
        "{}",
        f.detail
    );
    assert!(
        f.detail.contains("Chrome works anyway") && f.detail.contains("curl"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("/r1.der"), "{}", f.detail);
    // Chrome shows no error: it fetched the intermediate.
    assert_eq!(f.browser_error, None);
    assert!(f.hint.as_deref().unwrap().contains("fullchain.pem"));
    // Like Chrome, the HTTP client completed the chain via AIA: the API's HTTPS rows pass.
    for id in ["https.hsts", "https.headers"] {
        let h = one(&r, id, "api.tiktrue.test");
        assert_eq!(h.status, Status::Pass, "{id}: {}", h.detail);
    }
    for id in ["tls.hostname", "tls.expiry", "tls.strength"] {
        assert_eq!(one(&r, id, "api.tiktrue.test").status, Status::Pass, "{id}");
    }
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn missing_intermediate_is_completed_even_without_the_tls_module() {
    // Without tls running first, the HTTP client's own AIA retry must still succeed.
    let r = run_scenario("tls-missing-intermediate", &["--only", "https"]).await;
    r.assert_module_passes("https");
}

#[tokio::test]
async fn expiring_soon_warns_with_days_left_and_respects_cert_warn_days() {
    let r = run_scenario("tls-expiring-soon", ONLY).await;
    let f = one(&r, "tls.expiry", "api.tiktrue.test");
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    assert!(f.detail.contains("5 day(s) left"), "{}", f.detail);
    assert_eq!(f.browser_error, None);
    assert_eq!(r.code, 0, "a warning does not fail the run");
    let r = run_scenario(
        "tls-expiring-soon",
        &["--only", "tls", "--cert-warn-days", "3"],
    )
    .await;
    assert_eq!(
        one(&r, "tls.expiry", "api.tiktrue.test").status,
        Status::Pass
    );
}

#[tokio::test]
async fn plain_http_on_the_tls_port_fails_handshake_showing_what_came_back() {
    let r = run_scenario("tls-not-tls", ONLY).await;
    let f = one(&r, "tls.handshake", "api.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert!(f.detail.contains("got 'HTTP/1.1 400"), "{}", f.detail);
    assert!(f.detail.contains("speaks plain HTTP"), "{}", f.detail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_SSL_PROTOCOL_ERROR")
    );
    assert!(f.hint.as_deref().unwrap().contains("ssl"));
    for id in ["tls.chain", "tls.hostname", "tls.expiry", "tls.strength"] {
        let s = one(&r, id, "api.tiktrue.test");
        assert_eq!(s.status, Status::Skip);
        assert!(s.detail.contains("tls.handshake"), "{}", s.detail);
    }
    tls_passes_for(&r, "tiktrue.test");
    tls_passes_for(&r, "www.tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn wrong_order_and_extra_root_warn_on_chain() {
    let r = run_scenario("tls-wrong-order", &["--only", "dns,tls"]).await;
    let f = one(&r, "tls.chain", "api.tiktrue.test");
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    assert!(f.detail.contains("out of order"), "{}", f.detail);
    assert!(f.detail.contains("sends the root"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("leaf first"));
    assert_eq!(f.browser_error, None);
    assert_eq!(r.code, 0);
}

#[tokio::test]
async fn plain_http_api_has_no_tls_rows_to_fail() {
    // An http:// API: the TLS section says why it has nothing to check for that host.
    let s = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = conncheck::lab::Lab::start(s, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let mut cmd = tokio::process::Command::new(bin());
    let http_api = format!("http://api.tiktrue.test:{}/api/v1", lab.state.http_port);
    let mut args = lab.args();
    args[0] = http_api;
    cmd.args(args).args(["--format", "json", "--only", "tls"]);
    let r = parse(cmd.output().await.unwrap());
    let skipped: Vec<_> = r
        .rows("tls.handshake")
        .into_iter()
        .filter(|f| f.status == Status::Skip)
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", r.rows("tls.handshake"));
    assert!(
        skipped[0].detail.contains("plain http://"),
        "{}",
        skipped[0].detail
    );
    tls_passes_for(&r, "tiktrue.test");
}

#[tokio::test]
async fn unresolvable_host_skips_tls_and_https_rows_pointing_at_dns() {
    let r = run_scenario("dns-nxdomain", ONLY).await;
    for id in [
        "tls.handshake",
        "tls.chain",
        "tls.hostname",
        "tls.expiry",
        "tls.strength",
        "https.hsts",
        "https.headers",
        "https.cookies",
    ] {
        let f = one(&r, id, "api.tiktrue.test");
        assert_eq!(f.status, Status::Skip, "{id}: {}", f.detail);
        assert!(f.detail.contains("dns.resolve"), "{id}: {}", f.detail);
    }
    let redirect = r
        .rows("https.redirect")
        .into_iter()
        .find(|f| f.title.starts_with("api.tiktrue.test:"))
        .unwrap();
    assert_eq!(redirect.status, Status::Skip, "{}", redirect.detail);
    tls_passes_for(&r, "tiktrue.test");
}
