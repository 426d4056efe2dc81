//! Section 7 and 8 faults: what the SPA's HTML and bundle ask the browser to do, and the live
//! WebSocket server behind the same proxy.
use super::{Scenario, WsSpec};

const CDN_SCRIPT: &str = r#"<script src="http://cdn.tiktrue.test/js/analytics.js"></script>"#;

/// The live server as Plane runs it: `/live/` on the app's own host, origin-checked.
fn live(s: &Scenario) -> WsSpec {
    WsSpec {
        host: s.names.apex.clone(),
        path: "/live/".into(),
        allowed_origins: vec![
            format!("https://{}{{port}}", s.names.apex),
            format!(
                "https://{}{{port}}",
                s.names.www.clone().unwrap_or_default()
            ),
        ],
        any_origin: false,
        down: false,
        require_token: false,
        token_secret: None,
    }
}

fn with_live(s: &mut Scenario) {
    s.websocket = Some(live(s));
    s.frontend.ws_url = Some(format!("wss://{}{{port}}/live/", s.names.apex));
}

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "frontend-http-api",
            "the bundle was built with REACT_APP_API_BASE_URL=http://… : every API call is blocked as mixed content",
            |s| {
                s.frontend.api_url = format!("http://{}/api/v1", s.names.api);
            },
        ),
        Scenario::fault(
            "frontend-localhost-api",
            "a development build was deployed: the bundle calls http://localhost:8000/api/v1",
            |s| {
                s.frontend.api_url = "http://localhost:8000/api/v1".into();
            },
        ),
        Scenario::fault(
            "frontend-wrong-api-host",
            "the bundle was built for the staging API host, not the one being diagnosed",
            |s| {
                s.frontend.api_url = "https://api.tiktrue-staging.test{port}/api/v1".into();
            },
        ),
        Scenario::fault(
            "frontend-http-script",
            "index.html loads an analytics script over http:// : blocked on the HTTPS page",
            |s| {
                s.frontend.extra_head = CDN_SCRIPT.into();
            },
        ),
        Scenario::fault(
            "frontend-http-image",
            "the page shows an http:// image: auto-upgraded by the browser (a warning)",
            |s| {
                s.frontend.extra_body =
                    r#"<img src="http://cdn.tiktrue.test/img/hero.png" alt="">"#.into();
            },
        ),
        Scenario::fault(
            "frontend-upgrade-insecure",
            "an http:// script, but the page sends CSP upgrade-insecure-requests: upgraded, not blocked",
            |s| {
                s.frontend.extra_head = CDN_SCRIPT.into();
                s.frontend.csp = Some("upgrade-insecure-requests".into());
            },
        ),
        Scenario::fault(
            "frontend-runtime-config",
            "index.html injects a runtime config (window.__ENV__) that still points at http://localhost:8000",
            |s| {
                s.frontend.extra_head =
                    r#"<script>window.__ENV__={API_URL:"http://localhost:8000/api/v1",SENTRY_ENV:"production"}</script>"#
                        .into();
            },
        ),
        Scenario::fault(
            "frontend-stale-index",
            "index.html references a bundle that is not deployed: the SPA fallback answers it with index.html",
            |s| {
                s.frontend.bundle_missing = true;
            },
        ),
        Scenario::fault(
            "frontend-huge-bundle",
            "the main bundle is larger than conncheck's 20 MB scan cap",
            |s| {
                s.frontend.bundle_padding = 21 * 1024 * 1024;
            },
        ),
        Scenario::fault(
            "websocket-ok",
            "a live WebSocket server at wss://tiktrue.test/live/, found in the bundle, origin-checked (a pass)",
            with_live,
        ),
        Scenario::fault(
            "websocket-down",
            "the live server is down: the proxy answers the upgrade with 502",
            |s| {
                with_live(s);
                if let Some(w) = s.websocket.as_mut() {
                    w.down = true;
                }
            },
        ),
        Scenario::fault(
            "websocket-any-origin",
            "the live server accepts an upgrade from any Origin (cross-site WebSocket hijacking)",
            |s| {
                with_live(s);
                if let Some(w) = s.websocket.as_mut() {
                    w.any_origin = true;
                }
            },
        ),
        Scenario::fault(
            "websocket-insecure-scheme",
            "the bundle opens ws://… from the HTTPS page: blocked as mixed content",
            |s| {
                with_live(s);
                s.frontend.ws_url = Some(format!("ws://{}{{port}}/live/", s.names.apex));
            },
        ),
        Scenario::fault(
            "websocket-token",
            "the live server wants the access token in ?token= (Plane): conncheck logs in and sends it",
            |s| {
                with_live(s);
                if let Some(w) = s.websocket.as_mut() {
                    w.require_token = true;
                }
                s.args = vec![
                    "--websocket".into(),
                    format!("wss://{}{{port}}/live/", s.names.apex),
                    "--websocket-token".into(),
                    "token".into(),
                ];
            },
        ),
        Scenario::fault(
            "websocket-token-secret",
            "the live server verifies tokens with another key than the API (LIVE_SERVER_SECRET_KEY ≠ SECRET_KEY): every token is refused",
            |s| {
                with_live(s);
                if let Some(w) = s.websocket.as_mut() {
                    w.require_token = true;
                    w.token_secret = Some("live-stale-key-0000000000000000000000000000".into());
                }
                s.args = vec![
                    "--websocket".into(),
                    format!("wss://{}{{port}}/live/", s.names.apex),
                    "--websocket-token".into(),
                    "token".into(),
                ];
            },
        ),
    ]
}
