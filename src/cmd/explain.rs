//! `conncheck explain TEXT [TARGET]`: the likely causes of what the user saw; with a target,
//! run the checks that confirm them and say which cause it is.

use super::output::write_stdout;
use crate::cli::{Env, Format, RunArgs};
use crate::diagnose::{diagnose_observed, show_progress, usage, usage_error, EXIT_FAILED, EXIT_OK};
use crate::redact::Secrets;
use crate::report;
use anyhow::Result;

pub async fn explain(text: &str, target: Option<&str>, run: &RunArgs, env: &Env) -> Result<u8> {
    if text.trim().is_empty() {
        return Err(usage_error(
            "explain needs the text the user saw: conncheck explain \"Network Error\"",
        ));
    }
    let ex = crate::explain::explain(text);
    let names: Vec<String> = ex.modules().iter().map(|m| m.name().to_string()).collect();
    if target.is_none() && run.profile.is_none() {
        return explain_only(&ex, run.format, &names);
    }
    let mut config = usage(run.to_config_opt(target, env))?;
    // Only the modules that test these causes (and that --only/--skip leave).
    let modules = ex.modules();
    config.opts.modules.retain(|m| modules.contains(m));
    if config.opts.modules.is_empty() {
        return Err(usage_error(format!(
            "none of the checks for these causes is available here (they need: {})",
            ex.causes
                .iter()
                .flat_map(|c| c.confirm.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let report =
        diagnose_observed(&config, Secrets::default(), show_progress(&config, env)).await?;
    let verdict = crate::explain::judge(&ex, &report);
    let out = match config.output.format {
        Format::Json => report::explain::json(&ex, Some((&report, &verdict))),
        Format::Markdown => report::explain::markdown(&ex, Some((&report, &verdict))),
        Format::Junit => report::junit::render(&report),
        Format::Table => report::explain::text(&ex, Some((&report, &verdict)), &names),
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
        Format::Junit => {
            return Err(usage_error(
                "--format junit needs a TARGET to run checks against",
            ))
        }
        Format::Json => report::explain::json(ex, None),
        Format::Markdown => report::explain::markdown(ex, None),
        Format::Table => report::explain::text(ex, None, names),
    };
    write_stdout(out.as_bytes());
    Ok(EXIT_OK)
}
