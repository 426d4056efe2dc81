//! The lab's WebSocket endpoint (the `/live` server of a Plane-shaped deployment): the proxy
//! routes the upgrade by host and path, the live server checks `Origin`, then switches
//! protocols and greets the client over tokio-tungstenite.

use super::http::{respond, Body};
use super::LabState;
use futures::{SinkExt, StreamExt};
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Message, Role};
use tokio_tungstenite::WebSocketStream;

/// Answer an upgrade request. Without a WebSocket in the scenario, the proxy has no route.
pub async fn handle_upgrade(
    state: &LabState,
    req: Request<Incoming>,
    host: &str,
) -> Response<Body> {
    let text =
        |status: u16, body: String| respond(status, &[("content-type", "text/plain".into())], body);
    let Some(ws) = &state.scenario.websocket else {
        return text(404, format!("no WebSocket route on {host}"));
    };
    if host != ws.host || req.uri().path() != ws.path {
        return text(404, format!("no WebSocket route for {}", req.uri().path()));
    }
    if ws.down {
        // The platform proxy's answer when the live server's upstream refuses connections.
        return respond(
            502,
            &[("content-type", "text/html".into())],
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        );
    }
    let origin = req
        .headers()
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let allowed = ws.any_origin
        || ws
            .allowed_origins
            .iter()
            .any(|o| state.expand(o).eq_ignore_ascii_case(origin));
    if !allowed {
        return text(403, format!("origin {origin} not allowed"));
    }
    if ws.require_token {
        // Plane's live server: the access token in `?token=`, checked like the API checks it.
        let token = req.uri().query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned())
        });
        match token {
            None => return text(401, "authentication required: ?token=<access token>".into()),
            Some(t) if !token_ok(state, ws.token_secret.as_deref(), &t) => {
                return text(401, "token invalid or expired".into())
            }
            Some(_) => {}
        }
    }
    let Some(key) = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| derive_accept_key(k.as_bytes()))
    else {
        return text(400, "missing Sec-WebSocket-Key".into());
    };
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(req).await else {
            return;
        };
        let mut socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        let _ = socket
            .send(Message::Text(r#"{"type":"hello"}"#.into()))
            .await;
        // Echo until the client closes.
        while let Some(Ok(m)) = socket.next().await {
            if m.is_close() {
                break;
            }
            if (m.is_text() || m.is_binary()) && socket.send(m).await.is_err() {
                break;
            }
        }
    });
    respond(
        101,
        &[
            ("upgrade", "websocket".into()),
            ("connection", "Upgrade".into()),
            ("sec-websocket-accept", key),
        ],
        "",
    )
}

/// The live server's token check: the API's own verification, or HS256 with its own key.
fn token_ok(state: &LabState, own_key: Option<&str>, token: &str) -> bool {
    match own_key {
        None => super::auth::access_token_valid(state, token),
        Some(key) => {
            let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
            v.required_spec_claims.clear();
            jsonwebtoken::decode::<serde_json::Value>(
                token,
                &jsonwebtoken::DecodingKey::from_secret(key.as_bytes()),
                &v,
            )
            .is_ok()
        }
    }
}
