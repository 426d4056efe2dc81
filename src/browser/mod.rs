//! Chrome's console lines, one file per module, each worded from a typed cause.

pub mod endpoints;
pub mod https;
