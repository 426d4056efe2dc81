//! conncheck: diagnose why a web frontend cannot talk to its backend, the way a browser would.
//!
//! Data flows one way: a [`target::Target`] → [`observe`]d once → independent [`checks`] run
//! concurrently by the [`engine`]'s runner, each judging into typed rows and faults → one
//! [`engine::Report`] → a [`report`] renderer. `ARCHITECTURE.md` says where each change goes.

pub mod browser;
pub mod checks;
pub mod cli;
pub mod cmd;
pub mod deadline;
pub mod diagnose;
pub mod engine;
pub mod explain;
pub mod lab;
pub mod net;
pub mod observe;
pub mod profile;
pub mod progress;
pub mod redact;
pub mod report;
pub mod serve;
pub mod stack;
pub mod target;
pub mod text;
