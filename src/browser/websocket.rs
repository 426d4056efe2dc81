//! Chrome's console lines for a WebSocket that does not open. Templates:
//! net/websockets/websocket_basic_handshake_stream.cc ("Error during WebSocket handshake:
//! Unexpected response code: %d") and websocket_stream.cc ("Error in connection
//! establishment: …").

use crate::net::ws::Outcome;
use url::Url;

/// What the console shows for this handshake; `None` when it opened.
pub fn handshake_failed(url: &Url, outcome: &Outcome) -> Option<String> {
    let why = match outcome {
        Outcome::Open => return None,
        Outcome::Refused { status, .. } => {
            format!("Error during WebSocket handshake: Unexpected response code: {status}")
        }
        Outcome::Net(e) => format!("Error in connection establishment: {}", e.chrome_error()),
    };
    Some(format!("WebSocket connection to '{url}' failed: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::http::NetError;

    #[test]
    fn chrome_errors_name_the_url_and_the_code() {
        let u = Url::parse("wss://app.test/live").unwrap();
        let refused = Outcome::Refused {
            status: 502,
            body: String::new(),
        };
        assert_eq!(
            handshake_failed(&u, &refused).unwrap(),
            "WebSocket connection to 'wss://app.test/live' failed: Error during WebSocket handshake: Unexpected response code: 502"
        );
        assert_eq!(
            handshake_failed(&u, &Outcome::Net(NetError::ConnectRefused("x".into()))).unwrap(),
            "WebSocket connection to 'wss://app.test/live' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED"
        );
        assert_eq!(handshake_failed(&u, &Outcome::Open), None);
    }
}
