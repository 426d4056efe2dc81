//! `conncheck explain TEXT [TARGET]`: the likely causes of what the user saw; with a target,
//! run the checks that confirm them and say which cause it is.

use super::output::{write_files, write_stdout};
use crate::cli::{config, Env, Format, OutputArgs, RunArgs};
use crate::diagnose::{diagnose_timed, show_progress, usage, usage_error, EXIT_FAILED, EXIT_OK};
use crate::redact::Secrets;
use crate::report;
use crate::report::run::Run;
use anyhow::Result;

/// What `explain` was given.
pub struct Explain<'a> {
    pub text: &'a str,
    pub target: Option<&'a str>,
    pub run: &'a RunArgs,
    pub output: &'a OutputArgs,
}

pub async fn explain(args: Explain<'_>, env: &Env) -> Result<u8> {
    let Explain {
        text,
        target,
        run,
        output,
    } = args;
    if text.trim().is_empty() {
        return Err(usage_error(
            "explain needs the text the user saw: conncheck explain \"Network Error\"",
        ));
    }
    let ex = crate::explain::explain(text);
    let names: Vec<String> = ex.modules().iter().map(|m| m.name().to_string()).collect();
    if target.is_none() && run.profile.is_none() {
        if output.output(env).reports != Default::default() {
            return Err(usage_error(
                "--report-* needs a TARGET to run checks against",
            ));
        }
        return explain_only(&ex, output.format, &names);
    }
    let mut config = usage(config(run, output, target, env))?;
    // Only the modules that test these causes (and that --only/--skip leave).
    let modules = ex.modules();
    config.opts.modules.retain(|m| modules.contains(m));
    if config.opts.modules.is_empty() {
        return Err(usage_error(format!(
            "none of the checks for these causes is available here (they need: {})",
            ex.needs()
        )));
    }
    let timed = diagnose_timed(&config, Secrets::default(), show_progress(&config, env)).await?;
    let run = Run::finished(timed.started_at, vec![timed]);
    write_files(&run, &config.output)?;
    let report = &run.deployments[0].report;
    let verdict = crate::explain::judge(&ex, report);
    let out = match config.output.format {
        Format::Json => report::explain::json(&ex, Some((report, &verdict))),
        Format::Markdown => report::explain::markdown(&ex, Some((report, &verdict))),
        Format::Junit => report::junit::render_run(&run),
        Format::Html => report::html::render(report),
        Format::Table => report::explain::text(&ex, Some((report, &verdict)), &names),
    };
    write_stdout(out.as_bytes());
    Ok(match verdict {
        crate::explain::Verdict::NotReproduced => EXIT_OK,
        _ => EXIT_FAILED,
    })
}

/// The causes alone, without a target to test them against.
fn explain_only(ex: &crate::explain::Explanation, format: Format, names: &[String]) -> Result<u8> {
    let out = match format {
        Format::Junit | Format::Html => {
            return Err(usage_error(
                "--format junit and html need a TARGET to run checks against",
            ))
        }
        Format::Json => report::explain::json(ex, None),
        Format::Markdown => report::explain::markdown(ex, None),
        Format::Table => report::explain::text(ex, None, names),
    };
    write_stdout(out.as_bytes());
    Ok(EXIT_OK)
}
