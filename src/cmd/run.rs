//! `conncheck TARGET`: one diagnosis, printed and written to the report files.

use super::output::deliver;
use crate::cli::{config, Cli, Env};
use crate::diagnose::{diagnose_timed, exit_code_of_run, show_progress, usage};
use crate::redact::Secrets;
use crate::report::run::Run;
use anyhow::Result;

pub async fn run(cli: &Cli, env: &Env) -> Result<u8> {
    let target = cli.targets.first().map(|s| s.as_str());
    let config = usage(config(&cli.run, &cli.output, target, env))?;
    let timed = diagnose_timed(&config, Secrets::default(), show_progress(&config, env)).await?;
    let run = Run::finished(timed.started_at, vec![timed]);
    deliver(&run, &config.output, env)?;
    Ok(exit_code_of_run(&run, config.output.fail_on))
}
