//! One diagnosis and what every command does with it: run it (with the progress line when
//! wanted), render it in the chosen format, turn it into an exit code. The commands in
//! [`crate::cmd`] and `serve` call down into this module; it calls no command.

use crate::cli::{Config, Env, FailOn, Format, Output};
use crate::engine::context::Context;
use crate::engine::model::{Module, Report};
use crate::net::dns::DnsClient;
use crate::net::tls::TrustStore;
use crate::redact::Secrets;
use crate::report;
use crate::report::run::{Run, Timed};
use anyhow::Result;
use std::sync::Arc;
use std::time::SystemTime;

/// Exit codes, documented in the README, `--help` and the man page.
/// Nothing failed.
pub const EXIT_OK: u8 = 0;
/// A check failed or could not be decided (or warned, with `--fail-on warn`).
pub const EXIT_FAILED: u8 = 1;
/// A usage, profile or configuration error.
pub const EXIT_USAGE: u8 = 2;
/// conncheck itself could not run: cannot listen, cannot write a report file, internal error.
pub const EXIT_CANNOT_RUN: u8 = 3;

/// A usage or configuration problem: exit 2 with one line.
#[derive(Debug)]
pub struct UsageError(pub String);
impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for UsageError {}

/// Mark any error of `r` as the user's (exit 2).
pub fn usage<T>(r: Result<T>) -> Result<T> {
    r.map_err(|e| anyhow::Error::new(UsageError(format!("{e:#}"))))
}

/// A usage error with this text.
pub fn usage_error(text: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(text.into()))
}

/// The exit code of an error that ended a command: 2 for the user's, 3 for conncheck's own.
pub fn exit_code_of_error(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some() {
        EXIT_USAGE
    } else {
        EXIT_CANNOT_RUN
    }
}

/// Run one diagnosis.
pub async fn diagnose(config: &Config, secrets: Secrets) -> Result<Report> {
    diagnose_with_progress(config, secrets, None).await
}

/// Run one diagnosis, drawing the progress line on stderr when `show_progress`.
pub async fn diagnose_observed(
    config: &Config,
    secrets: Secrets,
    show_progress: bool,
) -> Result<Report> {
    if !show_progress {
        return diagnose(config, secrets).await;
    }
    let line = crate::progress::Line::new(config.opts.modules.len());
    let report = diagnose_with_progress(config, secrets, Some(line.callback())).await;
    line.finish();
    report
}

async fn diagnose_with_progress(
    config: &Config,
    secrets: Secrets,
    progress: Option<crate::engine::runner::Progress>,
) -> Result<Report> {
    if let Some(c) = &config.target.credentials {
        secrets.add(&c.password);
    }
    let dns = if config.resolvers.is_empty() {
        DnsClient::system(config.opts.timeout)
    } else {
        DnsClient::with_servers(config.resolvers.clone(), config.opts.timeout)
    };
    let trust = usage(TrustStore::new(&config.ca_files))?;
    let ctx = Arc::new(Context::new(
        config.target.clone(),
        config.opts.clone(),
        dns,
        trust,
        secrets,
    )?);
    Ok(crate::engine::runner::run_with_progress(ctx, crate::checks::REGISTRY, progress).await)
}

/// The deployment and, after it, each of its fallback API hosts as a deployment of its own:
/// the same origins, endpoints and auth against the fallback's base URL. The frontend and the
/// WebSocket are the main deployment's (its bundle names the main API), and the main host's DNS
/// expectations do not apply to the fallback's name.
pub fn with_fallbacks(config: &Config) -> Vec<Config> {
    let mut out = vec![config.clone()];
    for fb in &config.target.fallbacks {
        let mut c = config.clone();
        c.target.api_base = fb.clone();
        c.target.fallbacks.clear();
        c.target.expect_ips.clear();
        c.target.expect_cname = None;
        c.opts
            .modules
            .retain(|m| !matches!(m, Module::Frontend | Module::Websocket));
        if !c.opts.modules.is_empty() {
            out.push(c);
        }
    }
    out
}

/// Diagnose a deployment and its fallbacks at once, each within the run's `--deadline`; the
/// progress line only when there is one.
pub async fn diagnose_with_fallbacks(config: &Config, show_progress: bool) -> Result<Vec<Timed>> {
    let configs = with_fallbacks(config);
    let progress = show_progress && configs.len() == 1;
    let runs = configs
        .iter()
        .map(|c| diagnose_timed(c, Secrets::default(), progress));
    futures::future::join_all(runs).await.into_iter().collect()
}

/// The progress line: only on a terminal, only under the table.
pub fn show_progress(config: &Config, env: &Env) -> bool {
    env.stderr_tty && config.output.format == Format::Table
}

/// Run one diagnosis and note when it started.
pub async fn diagnose_timed(
    config: &Config,
    secrets: Secrets,
    show_progress: bool,
) -> Result<Timed> {
    let started_at = SystemTime::now();
    let report = diagnose_observed(config, secrets, show_progress).await?;
    Ok(Timed {
        started_at,
        report,
        checklist: config.target.checklist.clone(),
    })
}

/// Render a run for stdout in the configured format: JSON and JUnit as one document whatever
/// the number of deployments; the table and Markdown one report after another.
pub fn render(run: &Run, output: &Output, stdout_tty: bool) -> String {
    match output.format {
        Format::Json => report::json::render(run) + "\n",
        Format::Junit => report::junit::render_run(run),
        Format::Markdown | Format::Table | Format::Html => render_people(run, output, stdout_tty),
    }
}

/// The formats for people: each report laid out on its profile's checklist, one after
/// another; with several deployments, the table and Markdown start with their roll-up.
fn render_people(run: &Run, output: &Output, stdout_tty: bool) -> String {
    let checklists: Vec<_> = run.deployments.iter().map(Timed::checklist).collect();
    let views: Vec<_> = run
        .deployments
        .iter()
        .zip(&checklists)
        .map(|(t, c)| report::view::View::new(&t.report, c))
        .collect();
    let width = report::text::terminal_width(stdout_tty);
    let mut parts: Vec<String> = Vec::new();
    if views.len() > 1 {
        let rollup = report::rollup::rollup(&views);
        match output.format {
            Format::Markdown => parts.push(report::rollup::render_markdown(&rollup)),
            Format::Table => parts.push(report::rollup::render_table(
                &rollup,
                usize::from(width),
                output.color,
            )),
            _ => {}
        }
    }
    parts.extend(views.iter().map(|v| render_text(v, output, width)));
    parts.join("\n")
}

/// One report for a person: the table, Markdown or HTML.
fn render_text(view: &report::view::View, output: &Output, width: u16) -> String {
    match output.format {
        Format::Markdown => report::markdown::render_view(view),
        Format::Html => report::html::render_view(view, report::html::MAX_BYTES),
        _ => report::table::render_view(
            view,
            &report::table::TableOptions {
                color: output.color,
                verbose: output.verbose,
                width: Some(width),
            },
        ),
    }
}

/// The exit code of a run: the worst of its reports'.
pub fn exit_code_of_run(run: &Run, fail_on: FailOn) -> u8 {
    run.reports()
        .map(|r| exit_code_on(r, fail_on))
        .max()
        .unwrap_or(EXIT_OK)
}

/// The exit code under `--fail-on`: 1 when a row failed or errored, or (with `warn`) warned or
/// the run is incomplete (something could not be checked for lack of input: a CI step must not
/// go green having checked less than it thinks); never 1 with `never`.
pub fn exit_code_on(report: &Report, fail_on: FailOn) -> u8 {
    let s = report.summary();
    let incomplete = || {
        crate::report::view::View::of(report).verdict.outcome
            == crate::report::view::Outcome::Incomplete
    };
    let bad = match fail_on {
        FailOn::Never => false,
        FailOn::Fail => s.fail > 0 || s.error > 0,
        FailOn::Warn => s.fail > 0 || s.error > 0 || s.warn > 0 || incomplete(),
    };
    if bad {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, Row, Subject};

    fn report(origins: &[&str]) -> Report {
        let pass = Finding::of(Row::DnsResolve, Subject::host("api.x.test", None), "r");
        Report {
            target: "https://gateway.x.test/".into(),
            origins: origins.iter().map(|s| s.to_string()).collect(),
            origins_inferred: false,
            findings: vec![pass],
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn an_incomplete_run_fails_under_fail_on_warn_only() {
        let no_origin = report(&[]);
        assert_eq!(exit_code_on(&no_origin, FailOn::Warn), EXIT_FAILED);
        assert_eq!(exit_code_on(&no_origin, FailOn::Fail), EXIT_OK);
        assert_eq!(exit_code_on(&no_origin, FailOn::Never), EXIT_OK);
        let complete = report(&["https://x.test"]);
        assert_eq!(exit_code_on(&complete, FailOn::Warn), EXIT_OK);
    }
}
