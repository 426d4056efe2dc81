//! Every Chrome console line conncheck quotes, worded in one place per module from a typed
//! cause: what a user pastes from DevTools must match what the report shows.

pub mod endpoints;
pub mod frontend;
pub mod https;
pub mod jwt;
pub mod net;
pub mod tls;
pub mod websocket;
