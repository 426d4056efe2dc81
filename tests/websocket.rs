//! Section 8 against the lab: the live server found in the bundle (or given with
//! --websocket) upgrades from the frontend's origin, over wss://, and refuses other origins.
//! Verdicts are asserted on rows, statuses, subjects and typed faults; Chrome's console lines
//! are kept word for word.
mod common;
use common::*;
use conncheck::checks::websocket::judge::{TokenState, WsFault};
use conncheck::engine::fault::NetFault;
use conncheck::engine::model::{Report, Status};
use conncheck::engine::{Row, Subject};
use conncheck::net::http::NetError;

const ONLY: &[&str] = &["--only", "dns,websocket"];

fn ws_fault(r: &Report, which: Row) -> Option<&WsFault> {
    row(r, which).fault_as::<WsFault>()
}

fn passes(r: &Report, module: &str) {
    for f in r.findings.iter().filter(|f| f.module.name() == module) {
        assert_eq!(f.status, Status::Pass, "{}: {}", f.id, f.detail);
        assert!(f.fault.is_none(), "{}", f.id);
    }
}

async fn with_flag(ws: impl Fn(&conncheck::lab::Lab) -> String) -> (Report, String) {
    let scenario = conncheck::lab::scenarios::find("websocket-ok").unwrap();
    let lab = conncheck::lab::Lab::start(scenario, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let url = ws(&lab);
    let r = diagnose_in_process(&lab, &["--only", "websocket", "--websocket", &url], true).await;
    lab.shutdown().await;
    (r, url)
}

#[tokio::test]
async fn healthy_without_a_websocket_skips_saying_why() {
    let r = scenario_report("healthy", ONLY, true).await;
    for which in [
        Row::WebsocketUpgrade,
        Row::WebsocketScheme,
        Row::WebsocketOriginCheck,
    ] {
        let f = row(&r, which);
        assert_eq!(f.status, Status::Skip);
        assert_eq!(f.subject, Subject::Deployment);
        // What to pass, in the row's words.
        assert!(f.detail.contains("--websocket"), "{}", f.detail);
    }
    passes(&r, "dns");
}

#[tokio::test]
async fn live_server_found_in_the_bundle_passes_every_row() {
    let out = run_scenario("websocket-ok", ONLY).await;
    assert_eq!(out.code, 0, "{}", out.stdout);
    let r = scenario_report("websocket-ok", ONLY, true).await;
    passes(&r, "websocket");
    passes(&r, "dns");
    let f = row(&r, Row::WebsocketUpgrade);
    let Subject::WebSocket { url } = &f.subject else {
        panic!("{:?}", f.subject);
    };
    assert!(
        url.starts_with("wss://tiktrue.test:") && url.ends_with("/live/"),
        "{url}"
    );
    // Where the URL was found, in the evidence.
    assert!(
        f.detail
            .contains("found in the bundle at main.8f2c1a7e.js @ byte"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn down_live_server_fails_the_upgrade_with_502() {
    let r = scenario_report("websocket-down", ONLY, true).await;
    let f = row(&r, Row::WebsocketUpgrade);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<WsFault>(),
        Some(&WsFault::Refused {
            status: 502,
            token: TokenState::NotSent
        })
    );
    assert_eq!(f.fault_key(), Some("websocket.no-upstream"));
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.starts_with("WebSocket connection to 'wss://tiktrue.test:")
            && be.ends_with(
                "/live/' failed: Error during WebSocket handshake: Unexpected response code: 502"
            ),
        "{be}"
    );
    // A refused foreign origin proves nothing when the own origin fails too.
    let o = row(&r, Row::WebsocketOriginCheck);
    assert_eq!(o.status, Status::Skip);
    assert_eq!(
        o.fault.as_ref().and_then(|f| f.depends_on()),
        Some(Row::WebsocketUpgrade)
    );
    assert_eq!(row(&r, Row::WebsocketScheme).status, Status::Pass);
    passes(&r, "dns");
}

#[tokio::test]
async fn any_origin_accepted_warns_of_hijacking() {
    let r = scenario_report("websocket-any-origin", ONLY, true).await;
    let f = row(&r, Row::WebsocketOriginCheck);
    assert_eq!(f.status, Status::Warn);
    assert_eq!(f.fault_as::<WsFault>(), Some(&WsFault::AnyOriginAccepted));
    assert_eq!(row(&r, Row::WebsocketUpgrade).status, Status::Pass);
}

#[tokio::test]
async fn ws_scheme_from_https_page_fails_as_mixed_content() {
    let r = scenario_report(
        "websocket-insecure-scheme",
        &["--only", "frontend,websocket"],
        true,
    )
    .await;
    let f = row(&r, Row::WebsocketScheme);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        ws_fault(&r, Row::WebsocketScheme),
        Some(&WsFault::InsecureScheme)
    );
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.contains("attempted to connect to the insecure WebSocket endpoint 'ws://tiktrue.test")
            && be.ends_with("this endpoint must be available over WSS."),
        "{be}"
    );
    // The same endpoint over wss:// works, and the report says that is what was tested.
    let u = row(&r, Row::WebsocketUpgrade);
    assert_eq!(u.status, Status::Pass);
    assert!(u.detail.contains("tested as wss://"), "{}", u.detail);
    // The bundle row names the same fault at its source.
    assert!(r
        .findings
        .iter()
        .any(|f| f.row == Some(Row::FrontendBundle) && f.status == Status::Fail));
}

#[tokio::test]
async fn websocket_flag_overrides_discovery_and_a_missing_route_is_404() {
    let (r, url) = with_flag(|lab| {
        format!(
            "{}/socket/",
            lab.state
                .https_url("tiktrue.test")
                .replace("https://", "wss://")
        )
    })
    .await;
    let f = row(&r, Row::WebsocketUpgrade);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.subject, Subject::WebSocket { url });
    assert_eq!(f.fault_key(), Some("websocket.no-route"));
    assert!(f.detail.contains("given with --websocket"), "{}", f.detail);
}

#[tokio::test]
async fn token_is_fetched_by_logging_in_and_never_printed() {
    let out = run_scenario("websocket-token", ONLY).await;
    assert!(!out.stdout.contains("eyJ"), "a JWT leaked:\n{}", out.stdout);
    let f = out.find("websocket.upgrade", Status::Pass);
    assert!(
        f.detail.contains("with ?token=<access token from"),
        "{}",
        f.detail
    );
    assert_eq!(out.status("websocket.origin-check"), Status::Pass);
}

#[tokio::test]
async fn token_required_without_credentials_fails_with_401_saying_how_to_fix() {
    let r = scenario_report("websocket-token", ONLY, false).await;
    let f = row(&r, Row::WebsocketUpgrade);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<WsFault>(),
        Some(&WsFault::Refused {
            status: 401,
            token: TokenState::Missing
        })
    );
    assert!(f.hint.as_deref().unwrap().contains("CONNCHECK_USERNAME"));
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
    let (r, ws) =
        with_flag(|lab| format!("wss://live-nowhere.tiktrue.test:{}/live/", lab.https_port()))
            .await;
    let f = row(&r, Row::WebsocketUpgrade);
    assert_eq!(f.status, Status::Fail);
    let net = f.fault_as::<NetFault>().expect("a network fault");
    assert!(matches!(net.error, NetError::Dns(_)), "{net:?}");
    assert_eq!(net.host, "live-nowhere.tiktrue.test");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(
            format!("WebSocket connection to '{ws}' failed: Error in connection establishment: net::ERR_NAME_NOT_RESOLVED")
                .as_str()
        )
    );
    assert_eq!(row(&r, Row::WebsocketOriginCheck).status, Status::Skip);
}

#[tokio::test]
async fn live_server_with_another_signing_key_refuses_a_fresh_token() {
    let r = scenario_report("websocket-token-secret", ONLY, true).await;
    let f = row(&r, Row::WebsocketUpgrade);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<WsFault>(),
        Some(&WsFault::Refused {
            status: 401,
            token: TokenState::Sent
        })
    );
    assert_eq!(f.fault_key(), Some("websocket.token-refused"));
    let text = format!("{:?}", r.findings);
    assert!(!text.contains("eyJ"), "a JWT leaked:\n{text}");
}
