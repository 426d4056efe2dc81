//! Where a command's results go: stdout in the chosen format, the report files, and in GitHub
//! Actions the annotations and the step summary. stdout is written whole; a closed pipe
//! (`| head`) is not an error worth a message. A report file that cannot be written is
//! conncheck failing (exit 3).

use crate::cli::{Env, Output};
use crate::diagnose::render;
use crate::report::{self, run::Run};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::Path;

pub fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// Print the run, write its report files, annotate it for GitHub Actions.
pub fn deliver(run: &Run, output: &Output, env: &Env) -> Result<()> {
    write_stdout(render(run, output, env.stdout_tty).as_bytes());
    let written = write_files(run, output);
    if env.github_actions {
        github(run, env)?;
    }
    written
}

/// Write the report files asked for; every one is tried, the first failure is returned.
pub fn write_files(run: &Run, output: &Output) -> Result<()> {
    let files = &output.reports;
    let wanted = [
        ReportFile::new(&files.json, json),
        ReportFile::new(&files.junit, report::junit::render_run),
        ReportFile::new(&files.markdown, markdown),
        ReportFile::new(&files.html, html),
    ];
    let mut result = Ok(());
    for file in wanted {
        if let Some(path) = file.path {
            let written = std::fs::write(path, (file.render)(run))
                .with_context(|| format!("cannot write the report file {}", path.display()));
            result = result.and(written);
        }
    }
    result
}

/// A report file asked for (or not) and the renderer of its format.
struct ReportFile<'a> {
    path: Option<&'a Path>,
    render: fn(&Run) -> String,
}

impl<'a> ReportFile<'a> {
    fn new(path: &'a Option<std::path::PathBuf>, render: fn(&Run) -> String) -> Self {
        ReportFile {
            path: path.as_deref(),
            render,
        }
    }
}

fn json(run: &Run) -> String {
    report::json::render(run) + "\n"
}

/// Every report in Markdown, one after another.
fn markdown(run: &Run) -> String {
    run.deployments
        .iter()
        .map(|t| report::markdown::render_view(&report::view::View::new(&t.report, &t.checklist())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every report as one HTML page each, one after another.
fn html(run: &Run) -> String {
    run.deployments
        .iter()
        .map(|t| {
            let view = report::view::View::new(&t.report, &t.checklist());
            report::html::render_view(&view, report::html::MAX_BYTES)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// GitHub Actions: annotations on stderr (stdout stays the report), the Markdown report
/// appended to `$GITHUB_STEP_SUMMARY`.
fn github(run: &Run, env: &Env) -> Result<()> {
    let annotations: Vec<_> = run
        .reports()
        .flat_map(report::github::annotations)
        .collect();
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(report::github::render(&annotations).as_bytes());
    let _ = err.flush();
    if let Some(path) = &env.step_summary {
        append(path, &markdown(run))
            .with_context(|| format!("cannot append to $GITHUB_STEP_SUMMARY {}", path.display()))?;
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")
}
