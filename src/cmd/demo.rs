//! `conncheck demo [SCENARIO]`: start the built-in lab in-process, diagnose it, print the report.

use super::output::deliver;
use crate::cli::{config, Env, Format, OutputArgs, RunArgs};
use crate::diagnose::{diagnose_with_fallbacks, exit_code_of_run, show_progress, usage};
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
    let mut config = usage(config(&run, d.output, Some(&target), &env))?;
    config.target.fallbacks = lab_fallbacks(&lab, &run)?;
    let started_at = std::time::SystemTime::now();
    let timed = diagnose_with_fallbacks(&config, show_progress(&config, &env)).await?;
    let result = Run::finished(started_at, timed);
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

/// The lab stands in for the profile's hosts: as its TARGET and origins replace the profile's,
/// its platform host (the backend app's own name, `tiktrue-backend.liara.test`) replaces the
/// profile's fallback API hosts when the profile declares any.
fn lab_fallbacks(lab: &crate::lab::Lab, run: &RunArgs) -> Result<Vec<url::Url>> {
    let declared = match &run.profile {
        Some(p) => !usage(crate::profile::Profile::load(p)?.resolve())?
            .fallbacks
            .is_empty(),
        None => false,
    };
    if !declared {
        return Ok(Vec::new());
    }
    let base = format!(
        "{}/api/v1",
        lab.state.https_url(&lab.scenario.names.platform)
    );
    Ok(vec![crate::target::parse_api_base(&base, None)?])
}
