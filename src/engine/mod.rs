//! The typed spine every check runs on.
//!
//! - [`row`]: every checklist row as a type, and the one list that declares them;
//! - [`subject`]: what a row is about (host, origin, call, endpoint, page, socket);
//! - [`fault`]: what went wrong, typed per module, carrying what was seen;
//! - [`model`]: the [`Finding`](model::Finding) that joins them with the words, and the report;
//! - [`context`]: the shared state of one diagnosis; [`runner`]: runs a registry of modules.
//!
//! The engine knows the shape of a module, never the modules: the caller hands the runner its
//! registry.

pub mod context;
pub mod fault;
pub mod input;
pub mod model;
pub mod module;
pub mod row;
pub mod runner;
pub mod subject;
pub mod words;

pub use fault::{Fault, FaultKind};
pub use model::{Finding, Module, Report, Section, Status};
pub use row::Row;
pub use subject::Subject;
