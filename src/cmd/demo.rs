//! `conncheck demo [SCENARIO]`: start the built-in lab in-process, diagnose it, print the report.

use super::output::print_report;
use crate::cli::{Env, Format, RunArgs};
use crate::diagnose::{diagnose_observed, exit_code_on, show_progress, usage};
use crate::redact::Secrets;
use anyhow::Result;

pub async fn demo(name: &str, delay: u64, mut run: RunArgs, env: &Env) -> Result<u8> {
    let scenario = usage(crate::lab::scenarios::find(name))?;
    let lab = crate::lab::Lab::start(scenario, crate::lab::LabOptions { delay_ms: delay }).await?;
    let target = lab.apply(&mut run);
    let mut env = env.clone();
    env.credentials = Some(lab.credentials());
    let config = usage(run.to_config(&target, &env))?;
    let report =
        diagnose_observed(&config, Secrets::default(), show_progress(&config, &env)).await?;
    print_report(&report, &config, &env);
    if config.output.format == Format::Table {
        eprintln!(
            "(demo: scenario '{}' served by the built-in lab on loopback)",
            lab.scenario.name
        );
    }
    lab.shutdown().await;
    Ok(exit_code_on(&report, config.output.fail_on))
}
