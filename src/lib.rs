//! conncheck: diagnose why a web frontend cannot talk to its backend, the way a browser would.
//!
//! Data flows one way: a [`target::Target`] → independent [`checks`] run concurrently by the
//! [`runner`] over one shared [`context::Context`] → one [`model::Report`] → a [`report`] renderer.

pub mod app;
pub mod checks;
pub mod cli;
pub mod context;
pub mod deadline;
pub mod explain;
pub mod lab;
pub mod model;
pub mod multi;
pub mod net;
pub mod profile;
pub mod progress;
pub mod redact;
pub mod report;
pub mod runner;
pub mod serve;
pub mod target;
pub mod text;
