//! Network plumbing shared by every module: DNS, TLS trust, the HTTP client, the WebSocket
//! handshake.
pub mod aia;
pub mod coalesce;
pub mod dns;
pub mod http;
pub mod tls;
pub mod ws;
