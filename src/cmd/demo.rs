//! `conncheck demo [SCENARIO]`: start the built-in lab in-process, diagnose it, print the report.

use super::output::deliver;
use crate::cli::{config, Env, Format, OutputArgs, RunArgs};
use crate::diagnose::{diagnose_timed, exit_code_of_run, show_progress, usage};
use crate::redact::Secrets;
use crate::report::run::Run;
use anyhow::Result;

/// What `demo` runs: a scenario, with a delay, diagnosed with these flags.
pub struct Demo<'a> {
    pub scenario: &'a str,
    pub delay_ms: u64,
    pub run: RunArgs,
    pub output: &'a OutputArgs,
}

pub async fn demo(d: Demo<'_>, env: &Env) -> Result<u8> {
    let scenario = usage(crate::lab::scenarios::find(d.scenario))?;
    let lab = crate::lab::Lab::start(
        scenario,
        crate::lab::LabOptions {
            delay_ms: d.delay_ms,
        },
    )
    .await?;
    let mut run = d.run;
    let target = lab.apply(&mut run);
    let mut env = env.clone();
    env.credentials = Some(lab.credentials());
    let config = usage(config(&run, d.output, Some(&target), &env))?;
    let timed = diagnose_timed(&config, Secrets::default(), show_progress(&config, &env)).await?;
    let result = Run::finished(timed.started_at, vec![timed]);
    let delivered = deliver(&result, &config.output, &env);
    if config.output.format == Format::Table {
        eprintln!(
            "(demo: scenario '{}' served by the built-in lab on loopback)",
            lab.scenario.name
        );
    }
    lab.shutdown().await;
    delivered?;
    Ok(exit_code_of_run(&result, config.output.fail_on))
}
