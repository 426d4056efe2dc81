//! `conncheck TARGET`: one diagnosis, printed.

use super::output::print_report;
use crate::cli::{Cli, Env};
use crate::diagnose::{diagnose_observed, exit_code_on, show_progress, usage};
use crate::redact::Secrets;
use anyhow::Result;

pub async fn run(cli: &Cli, env: &Env) -> Result<u8> {
    let config = usage(
        cli.run
            .to_config_opt(cli.targets.first().map(|s| s.as_str()), env),
    )?;
    let report =
        diagnose_observed(&config, Secrets::default(), show_progress(&config, env)).await?;
    print_report(&report, &config, env);
    Ok(exit_code_on(&report, config.output.fail_on))
}
