//! conncheck: diagnose why a web frontend cannot talk to its backend, the way a browser would.
//!
//! Data flows one way: a [`target::Target`] → independent [`checks`] run concurrently by the
//! [`runner`] over one shared [`context::Context`] → one [`model::Report`] → a [`report`] renderer.

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

// Transitional paths while every module moves onto the engine's: `crate::model` and friends.
pub use engine::{context, model, runner};
pub mod text;
