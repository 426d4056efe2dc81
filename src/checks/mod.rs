//! The check modules, one folder each, and the registry that lists them in checklist order.
//!
//! Every module has the same shape: `mod.rs` does the I/O and pushes one [`Finding`] per
//! checklist row as soon as it is decided (`run(Arc<Context>, Sink)`), `judge.rs` decides on
//! typed observations and declares the module's fault type, `words.rs` words it. Problems are
//! findings with a typed fault, not errors. The runner gets this registry handed in.
//!
//! [`Finding`]: crate::engine::Finding

pub mod cors;
pub mod dns;
pub mod endpoints;
pub mod frontend;
pub mod https;
pub mod jwt;
pub mod tls;
pub mod websocket;

use crate::engine::runner::ModuleSpec;

/// Every module, in checklist order. The runner, `--only`/`--skip` and the docs read this.
pub static REGISTRY: &[ModuleSpec] = &[
    dns::SPEC,
    tls::SPEC,
    https::SPEC,
    cors::SPEC,
    endpoints::SPEC,
    jwt::SPEC,
    frontend::SPEC,
    websocket::SPEC,
];
