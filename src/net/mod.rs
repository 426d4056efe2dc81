//! Network plumbing shared by every module: DNS, TLS trust, the HTTP client.
pub mod coalesce;
pub mod aia;
pub mod dns;
pub mod http;
pub mod tls;
