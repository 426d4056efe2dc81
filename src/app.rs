//! The commands: a diagnosis, `demo`, `lab`. Reads nothing from the environment itself: main
//! passes [`Env`] down.

use crate::cli::{Cli, Command, Config, Env, Format, RunArgs};
use crate::context::Context;
use crate::model::{Report, Status};
use crate::net::dns::DnsClient;
use crate::net::tls::TrustStore;
use crate::redact::Secrets;
use crate::report;
use anyhow::Result;
use std::sync::Arc;

/// Exit codes, documented in the README and `--help`.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// A usage or configuration problem: exit 2 with one line.
#[derive(Debug)]
pub struct UsageError(pub String);
impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for UsageError {}

pub fn usage<T>(r: Result<T>) -> Result<T> {
    r.map_err(|e| anyhow::Error::new(UsageError(format!("{e:#}"))))
}

/// Run one diagnosis.
pub async fn diagnose(config: &Config, secrets: Secrets) -> Result<Report> {
    if let Some(c) = &config.target.credentials {
        secrets.add(&c.password);
    }
    let dns = if config.resolvers.is_empty() {
        DnsClient::system(config.opts.timeout)
    } else {
        DnsClient::with_servers(config.resolvers.clone(), config.opts.timeout)
    };
    let trust = usage(TrustStore::new(&config.ca_files))?;
    let ctx = Arc::new(Context::new(
        config.target.clone(),
        config.opts.clone(),
        dns,
        trust,
        secrets,
    )?);
    Ok(crate::runner::run(ctx).await)
}

/// Render a report in the configured format.
pub fn render(report: &Report, config: &Config, stdout_tty: bool) -> String {
    match config.output.format {
        Format::Json => report::json::render(report) + "\n",
        Format::Table => report::table::render(
            report,
            &report::table::TableOptions {
                color: config.output.color,
                verbose: config.output.verbose,
                width: if stdout_tty { None } else { Some(120) },
            },
        ),
    }
}

/// 0 when nothing failed or errored, 1 otherwise.
pub fn exit_code(report: &Report) -> u8 {
    let s = report.summary();
    if s.fail > 0 || s.error > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// Entry point after argument parsing. Returns the exit code; `Err` is conncheck itself failing.
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
            demo(scenario.as_deref().unwrap_or("healthy"), delay, *run, &env).await
        }
        Some(Command::Serve {
            listen,
            max_concurrent_probes,
            allow_targets,
            credentials_file,
            run,
        }) => {
            let credentials = match &credentials_file {
                Some(f) => usage(crate::serve::read_credentials(f))?,
                None => Default::default(),
            };
            // Validate the shared options once, up front.
            usage(run.to_config("conncheck.invalid", &env))?;
            let opts = crate::serve::ServeOptions {
                listen,
                max_concurrent: max_concurrent_probes,
                allow_targets,
                credentials,
            };
            crate::serve::serve(*run, env, opts).await?;
            Ok(EXIT_OK)
        }
        Some(Command::Lab { scenario, delay }) => {
            lab(scenario.as_deref().unwrap_or("healthy"), delay).await
        }
        None => {
            if cli.targets_file.is_some() || cli.targets.len() > 1 {
                return crate::multi::run(&cli, &env).await;
            }
            let Some(target) = cli.targets.first() else {
                return Err(anyhow::Error::new(UsageError(
                    "no TARGET given: conncheck api.example.com (or `conncheck demo` to see it work on the built-in lab)".into(),
                )));
            };
            let config = usage(cli.run.to_config(target, &env))?;
            let report = diagnose(&config, Secrets::default()).await?;
            print_report(&report, &config, &env);
            Ok(exit_code(&report))
        }
    }
}

fn print_report(report: &Report, config: &Config, env: &Env) {
    use std::io::Write;
    let text = render(report, config, env.stdout_tty);
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

async fn demo(name: &str, delay: u64, mut run: RunArgs, env: &Env) -> Result<u8> {
    let scenario = usage(crate::lab::scenarios::find(name))?;
    let lab = crate::lab::Lab::start(scenario, crate::lab::LabOptions { delay_ms: delay }).await?;
    let target = lab.apply(&mut run);
    let mut env = env.clone();
    env.credentials = Some(lab.credentials());
    let config = usage(run.to_config(&target, &env))?;
    let report = diagnose(&config, Secrets::default()).await?;
    print_report(&report, &config, &env);
    if config.output.format == Format::Table {
        eprintln!(
            "(demo: scenario '{}' served by the built-in lab on loopback)",
            lab.scenario.name
        );
    }
    lab.shutdown().await;
    Ok(exit_code(&report))
}

async fn lab(name: &str, delay: u64) -> Result<u8> {
    let scenario = usage(crate::lab::scenarios::find(name))?;
    let lab = crate::lab::Lab::start(scenario, crate::lab::LabOptions { delay_ms: delay }).await?;
    println!(
        "conncheck lab: serving scenario '{}' — {}",
        lab.scenario.name, lab.scenario.about
    );
    for line in lab.describe() {
        println!("  {line}");
    }
    println!("\nDiagnose it with:\n\n  {}\n", lab.command_line());
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    lab.shutdown().await;
    Ok(EXIT_OK)
}

/// Whether a status counts against the exit code.
pub fn is_bad(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Error)
}
