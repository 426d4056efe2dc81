//! `conncheck TARGET`: one diagnosis (and one per fallback API host of its profile), printed
//! and written to the report files.

use super::output::deliver;
use crate::cli::{config, Cli, Env};
use crate::diagnose::{diagnose_with_fallbacks, exit_code_of_run, show_progress, usage};
use crate::report::run::Run;
use anyhow::Result;

pub async fn run(cli: &Cli, env: &Env) -> Result<u8> {
    let target = cli.targets.first().map(|s| s.as_str());
    let config = usage(config(&cli.run, &cli.output, target, env))?;
    let started_at = std::time::SystemTime::now();
    let timed = diagnose_with_fallbacks(&config, show_progress(&config, env)).await?;
    let run = Run::finished(started_at, timed);
    deliver(&run, &config.output, env)?;
    Ok(exit_code_of_run(&run, config.output.fail_on))
}
