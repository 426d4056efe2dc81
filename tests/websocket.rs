//! Section 8 against the lab: the live server found in the bundle (or given with
//! --websocket) upgrades from the frontend's origin, over wss://, and refuses other origins.
mod common;
use common::*;
use conncheck::model::Status;

const ONLY: &[&str] = &["--only", "dns,websocket"];

#[tokio::test]
async fn healthy_without_a_websocket_skips_saying_why() {
    let r = run_scenario("healthy", ONLY).await;
    for id in [
        "websocket.upgrade",
        "websocket.scheme",
        "websocket.origin-check",
    ] {
        let f = r.find(id, Status::Skip);
        assert!(f.detail.contains("--websocket"), "{}", f.detail);
    }
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn live_server_found_in_the_bundle_passes_every_row() {
    let r = run_scenario("websocket-ok", ONLY).await;
    r.assert_module_passes("websocket");
    r.assert_module_passes("dns");
    let f = &r.rows("websocket.upgrade")[0];
    assert!(f.detail.contains("101 Switching Protocols"), "{}", f.detail);
    assert!(
        f.detail
            .contains("found in the bundle at main.8f2c1a7e.js @ byte"),
        "{}",
        f.detail
    );
    let o = &r.rows("websocket.origin-check")[0];
    assert!(o.detail.contains("HTTP 403"), "{}", o.detail);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[tokio::test]
async fn down_live_server_fails_the_upgrade_with_502() {
    let r = run_scenario("websocket-down", ONLY).await;
    let f = r.find("websocket.upgrade", Status::Fail);
    assert!(f.detail.contains("HTTP 502"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("no WebSocket server"));
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.starts_with("WebSocket connection to 'wss://tiktrue.test:")
            && be.ends_with(
                "/live/' failed: Error during WebSocket handshake: Unexpected response code: 502"
            ),
        "{be}"
    );
    // A refused foreign origin proves nothing when the own origin fails too.
    assert_eq!(r.status("websocket.origin-check"), Status::Skip);
    assert_eq!(r.status("websocket.scheme"), Status::Pass);
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn any_origin_accepted_warns_of_hijacking() {
    let r = run_scenario("websocket-any-origin", ONLY).await;
    let f = r.find("websocket.origin-check", Status::Warn);
    assert!(f.detail.contains("https://evil.example"), "{}", f.detail);
    assert!(f.detail.contains("101"), "{}", f.detail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("cross-site WebSocket hijacking"), "{hint}");
    assert!(hint.contains("AllowedHostsOriginValidator"), "{hint}");
    assert_eq!(r.status("websocket.upgrade"), Status::Pass);
}

#[tokio::test]
async fn ws_scheme_from_https_page_fails_as_mixed_content() {
    let r = run_scenario(
        "websocket-insecure-scheme",
        &["--only", "frontend,websocket"],
    )
    .await;
    let f = r.find("websocket.scheme", Status::Fail);
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.contains("attempted to connect to the insecure WebSocket endpoint 'ws://tiktrue.test")
            && be.ends_with("this endpoint must be available over WSS."),
        "{be}"
    );
    assert!(f.hint.as_deref().unwrap().contains("wss://tiktrue.test"));
    // The same endpoint over wss:// works, and the report says that is what was tested.
    let u = r.find("websocket.upgrade", Status::Pass);
    assert!(u.detail.contains("tested as wss://"), "{}", u.detail);
    // The bundle row names the same fault at its source.
    let b = r.find("frontend.bundle", Status::Fail);
    assert!(b.detail.contains("insecure WebSocket URL"), "{}", b.detail);
}

#[tokio::test]
async fn websocket_flag_overrides_discovery_and_a_missing_route_is_404() {
    let scenario = conncheck::lab::scenarios::find("websocket-ok").unwrap();
    let lab = conncheck::lab::Lab::start(scenario, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let ws = format!(
        "{}/socket/",
        lab.state
            .https_url("tiktrue.test")
            .replace("https://", "wss://")
    );
    let r = run_against(&lab, &["--only", "websocket", "--websocket", &ws], true).await;
    lab.shutdown().await;
    let f = r.find("websocket.upgrade", Status::Fail);
    assert!(f.detail.contains("given with --websocket"), "{}", f.detail);
    assert!(f.detail.contains("HTTP 404"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("no route for /socket/"));
}

#[tokio::test]
async fn token_is_fetched_by_logging_in_and_never_printed() {
    let r = run_scenario("websocket-token", ONLY).await;
    let f = r.find("websocket.upgrade", Status::Pass);
    assert!(
        f.detail.contains("with ?token=<access token from"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("given with --websocket"), "{}", f.detail);
    assert!(!r.stdout.contains("eyJ"), "a JWT leaked:\n{}", r.stdout);
    assert_eq!(r.status("websocket.origin-check"), Status::Pass);
}

#[tokio::test]
async fn token_required_without_credentials_fails_with_401_saying_how_to_fix() {
    let r = run_scenario_opts("websocket-token", ONLY, false, 0).await;
    let f = r.find("websocket.upgrade", Status::Fail);
    assert!(f.detail.contains("HTTP 401"), "{}", f.detail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("CONNCHECK_USERNAME"), "{hint}");
    assert!(
        f.browser_error
            .as_deref()
            .unwrap()
            .ends_with("Unexpected response code: 401"),
        "{:?}",
        f.browser_error
    );
}

#[tokio::test]
async fn unresolvable_websocket_host_fails_with_chromes_connection_error() {
    let scenario = conncheck::lab::scenarios::find("websocket-ok").unwrap();
    let lab = conncheck::lab::Lab::start(scenario, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let ws = format!("wss://live-nowhere.tiktrue.test:{}/live/", lab.https_port());
    let r = run_against(&lab, &["--only", "websocket", "--websocket", &ws], true).await;
    lab.shutdown().await;
    let f = r.find("websocket.upgrade", Status::Fail);
    assert!(f.detail.contains("DNS"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("dns.resolve"));
    assert_eq!(
        f.browser_error.as_deref(),
        Some(
            format!("WebSocket connection to '{ws}' failed: Error in connection establishment: net::ERR_NAME_NOT_RESOLVED")
                .as_str()
        )
    );
    assert_eq!(r.status("websocket.origin-check"), Status::Skip);
}

#[tokio::test]
async fn live_server_with_another_signing_key_refuses_a_fresh_token() {
    let r = run_scenario("websocket-token-secret", ONLY).await;
    let f = r.find("websocket.upgrade", Status::Fail);
    assert!(f.detail.contains("HTTP 401"), "{}", f.detail);
    assert!(
        f.detail.contains("with ?token=<access token"),
        "{}",
        f.detail
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("LIVE_SERVER_SECRET_KEY"), "{hint}");
    assert!(!r.stdout.contains("eyJ"), "a JWT leaked:\n{}", r.stdout);
}
