//! Every Chrome console line conncheck shows, worded in one place from a typed cause.
pub mod net;
pub mod tls;
