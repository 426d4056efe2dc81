//! The check modules, one file each, and the registry that lists them in checklist order.
//!
//! Every module has the same shape: `run(Arc<Context>, Sink)` pushes one [`Finding`] per
//! checklist row. Problems are findings, not errors.
//!
//! [`Finding`]: crate::model::Finding

pub mod cors;
pub mod dns;
pub mod endpoints;
pub mod frontend;
pub mod https;
pub mod jwt;
pub mod tls;
pub mod websocket;

use crate::runner::ModuleSpec;

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
