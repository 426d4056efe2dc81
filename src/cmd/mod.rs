//! The commands, one file each, and the dispatch from parsed arguments to them. Reads nothing
//! from the environment itself: main passes [`Env`] down. Every command calls down into
//! [`crate::diagnose`] (run, render, exit code); none calls another.

mod demo;
mod explain;
mod init;
mod lab;
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
        }) => {
            if list {
                print!("{}", crate::lab::scenarios::list_text());
                return Ok(EXIT_OK);
            }
            demo::demo(scenario.as_deref().unwrap_or("healthy"), delay, *run, &env).await
        }
        Some(Command::Serve {
            listen,
            max_concurrent_probes,
            allow_targets,
            credentials_file,
            run,
        }) => {
            let flags = serve::ServeFlags {
                listen,
                max_concurrent_probes,
                allow_targets,
                credentials_file,
            };
            serve::serve(flags, *run, env).await
        }
        Some(Command::Lab { scenario, delay }) => {
            lab::lab(scenario.as_deref().unwrap_or("healthy"), delay).await
        }
        Some(Command::Explain { text, target, run }) => {
            explain::explain(&text, target.as_deref(), &run, &env).await
        }
        Some(Command::Init {
            target,
            origins,
            api_base,
            output,
        }) => init::init(&target, &origins, api_base.as_deref(), output.as_deref()),
        Some(Command::Completions { shell }) => {
            let mut cmd = crate::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "conncheck", &mut out);
            output::write_stdout(&out);
            Ok(EXIT_OK)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(crate::cli::command()).render(&mut out)?;
            output::write_stdout(&out);
            Ok(EXIT_OK)
        }
        None => {
            if cli.targets_file.is_some() || cli.targets.len() > 1 {
                targets::run(&cli, &env).await
            } else {
                run::run(&cli, &env).await
            }
        }
    }
}
