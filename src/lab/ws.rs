//! The lab's WebSocket endpoint (the `/live` server of a Plane-shaped deployment).

use super::server::{respond, Body};
use super::LabState;
use http::{Request, Response};
use hyper::body::Incoming;

/// Answer an upgrade request. Without a WebSocket in the scenario, the proxy has no route.
pub async fn handle_upgrade(
    state: &LabState,
    _req: Request<Incoming>,
    host: &str,
) -> Response<Body> {
    let _ = state;
    respond(
        404,
        &[("content-type", "text/plain".into())],
        format!("no WebSocket route on {host}"),
    )
}
