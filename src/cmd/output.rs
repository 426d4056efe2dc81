//! Where a command's results go: stdout, written whole; a closed pipe (`| head`) is not an
//! error worth a message.

use crate::cli::{Config, Env};
use crate::model::Report;
use std::io::Write;

pub fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// Print one report in the configured format.
pub fn print_report(report: &Report, config: &Config, env: &Env) {
    let text = crate::diagnose::render(report, config, env.stdout_tty);
    write_stdout(text.as_bytes());
}
