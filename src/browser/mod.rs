//! Every line Chrome prints in the console, worded in one place from a typed cause.

pub mod frontend;
