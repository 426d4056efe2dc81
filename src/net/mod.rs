//! Network plumbing shared by every module: DNS, TLS trust, the HTTP client.
pub mod aia;
pub mod coalesce;
pub mod dns;
pub mod http;
pub mod tls;
