//! The commands, one file each, and the dispatch from parsed arguments to them. Reads nothing
//! from the environment itself: main passes [`Env`] down. Every command calls down into
//! [`crate::diagnose`] (run, render, exit code); none calls another.

mod demo;
mod explain;
mod init;
mod lab;
mod manual;
mod output;
mod run;
mod serve;
pub mod targets;

use crate::cli::{Cli, Command, Env};
use crate::diagnose::EXIT_OK;
use anyhow::Result;

/// Entry point after argument parsing. Returns the exit code; `Err` is conncheck itself failing
/// (or, as a [`crate::diagnose::UsageError`], the user's input).
pub async fn main(cli: Cli, env: Env) -> Result<u8> {
    match cli.command {
        Some(Command::Demo {
            scenario,
            list,
            delay,
            run,
            output,
        }) => {
            if list {
                print!("{}", crate::lab::scenarios::list_text());
                return Ok(EXIT_OK);
            }
            let d = demo::Demo {
                scenario: scenario.as_deref().unwrap_or("healthy"),
                delay_ms: delay,
                run: *run,
                output: &output,
            };
            demo::demo(d, &env).await
        }
        Some(Command::Serve(args)) => serve::serve(*args, env).await,
        Some(Command::Lab { scenario, delay }) => {
            lab::lab(scenario.as_deref().unwrap_or("healthy"), delay).await
        }
        Some(Command::Explain {
            text,
            target,
            run,
            output,
        }) => {
            let e = explain::Explain {
                text: &text,
                target: target.as_deref(),
                run: &run,
                output: &output,
            };
            explain::explain(e, &env).await
        }
        Some(Command::Init {
            target,
            origins,
            api_base,
            output,
        }) => init::init(&target, &origins, api_base.as_deref(), output.as_deref()),
        Some(Command::Completions { shell }) => manual::completions(shell),
        Some(Command::Man { command, dir }) => manual::man(command.as_deref(), dir.as_deref()),
        None => {
            if cli.targets_file.is_some() || cli.targets.len() > 1 {
                targets::run(&cli, &env).await
            } else {
                run::run(&cli, &env).await
            }
        }
    }
}
