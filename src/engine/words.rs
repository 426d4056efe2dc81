//! The words for the engine's own faults (a failed network step, the deadline, a crash, missing
//! input). Each module words its own faults in its `words.rs`.

use super::input::Missing;
use crate::net::http::NetError;

/// A network failure on host `h` as a cause, in a few words.
pub fn net_headline(h: &str, error: &NetError) -> String {
    match error {
        NetError::Dns(_) => format!("{h} does not resolve"),
        NetError::ConnectRefused(_) => format!("{h} refuses connections"),
        NetError::ConnectTimeout(_) => format!("connections to {h} time out"),
        NetError::TlsCert { .. } => format!("{h}'s certificate is rejected"),
        NetError::TlsProtocol(_) => format!("the TLS handshake with {h} fails"),
        NetError::Reset(_) => format!("{h} resets the connection"),
        NetError::EmptyResponse(_) => format!("{h} closes the connection without answering"),
        NetError::Protocol(_) => format!("{h} does not answer in HTTP"),
        NetError::Timeout(d) => format!(
            "{h} accepts connections but sends no complete answer within {} s",
            d.as_secs_f64().round()
        ),
        NetError::TooManyRedirects(_) => format!("{h} redirects in a loop"),
        NetError::Other(_) => format!("requests to {h} fail"),
    }
}

pub fn deadline_headline(secs: u64) -> String {
    format!("the run's deadline of {secs} s passed before every check finished")
}

pub fn internal_headline() -> String {
    "a conncheck module crashed (a bug: please report it)".to_string()
}

pub fn missing_headline(m: Missing) -> String {
    match m {
        Missing::Origin => "not checked: no frontend origin (pass --origin)".to_string(),
        Missing::Credentials => {
            "not checked: no test account (set CONNCHECK_USERNAME and CONNCHECK_PASSWORD)"
                .to_string()
        }
        Missing::Token => "not checked: no access token (the login did not succeed)".to_string(),
    }
}
