//! Network plumbing shared by every module: DNS, TCP connects, TLS trust and the TLS module's
//! own handshakes, certificate parsing, the HTTP client, the WebSocket handshake.
pub mod aia;
pub mod backoff;
pub mod coalesce;
pub mod connect;
pub mod dns;
pub mod http;
pub mod tls;
pub mod tlsprobe;
pub mod ws;
pub mod x509;
