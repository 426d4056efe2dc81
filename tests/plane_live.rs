//! Plane's live server refusing the frontend's own origin (seed 003: `ALLOWED_ORIGINS` in
//! `.env.live` left at its development value): the upgrade row fails with the origin refusal and
//! its fix names Plane's setting, while the API (whose CORS is right) passes.
mod common;
use common::{row, scenario_report};
use conncheck::checks::websocket::judge::{TokenState, WsFault};
use conncheck::engine::{Row, Status};

#[tokio::test]
async fn plane_live_server_refusing_the_apps_origin_names_allowed_origins() {
    let r = scenario_report("plane-live-origin-refused", &["--profile", "plane"], true).await;
    let up = row(&r, Row::WebsocketUpgrade);
    assert_eq!(up.status, Status::Fail);
    assert_eq!(
        up.fault_as::<WsFault>(),
        Some(&WsFault::Refused {
            status: 403,
            token: TokenState::Sent
        })
    );
    assert_eq!(up.fault_key(), Some("websocket.origin-refused"));
    let hint = up.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("ALLOWED_ORIGINS") && hint.contains(".env.live"),
        "{hint}"
    );
    assert!(
        !hint.contains("Channels") && !hint.contains("Socket.IO"),
        "{hint}"
    );
    // Only the live server is wrong: CORS, the endpoints and the login pass.
    for f in &r.findings {
        if f.row != Some(Row::WebsocketUpgrade) {
            assert!(
                matches!(f.status, Status::Pass | Status::Skip),
                "{} {:?}: {}",
                f.id,
                f.status,
                f.title
            );
        }
    }
}

#[tokio::test]
async fn the_healthy_plane_lab_still_opens_its_socket() {
    let r = scenario_report("plane", &["--profile", "plane"], true).await;
    assert_eq!(row(&r, Row::WebsocketUpgrade).status, Status::Pass);
}
