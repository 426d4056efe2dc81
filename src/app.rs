//! The commands: a diagnosis, `demo`, `lab`. Reads nothing from the environment itself: main
//! passes [`Env`] down.

use crate::cli::{Cli, Command, Config, Env, FailOn, Format, RunArgs};
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
    diagnose_with_progress(config, secrets, None).await
}

/// Run one diagnosis, drawing the progress line on stderr when `show_progress`.
pub async fn diagnose_observed(
    config: &Config,
    secrets: Secrets,
    show_progress: bool,
) -> Result<Report> {
    if !show_progress {
        return diagnose(config, secrets).await;
    }
    let line = crate::progress::Line::new(config.opts.modules.len());
    let report = diagnose_with_progress(config, secrets, Some(line.callback())).await;
    line.finish();
    report
}

async fn diagnose_with_progress(
    config: &Config,
    secrets: Secrets,
    progress: Option<crate::runner::Progress>,
) -> Result<Report> {
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
    Ok(crate::runner::run_with_progress(ctx, progress).await)
}

/// Render a report in the configured format.
pub fn render(report: &Report, config: &Config, stdout_tty: bool) -> String {
    match config.output.format {
        Format::Json => report::json::render(report) + "\n",
        Format::Junit => report::junit::render(report),
        Format::Markdown => report::markdown::render(report),
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
    exit_code_on(report, FailOn::Fail)
}

/// The exit code under `--fail-on`: 1 when a row failed or errored, or (with `warn`) warned.
pub fn exit_code_on(report: &Report, fail_on: FailOn) -> u8 {
    let s = report.summary();
    let bad = s.fail > 0 || s.error > 0 || (fail_on == FailOn::Warn && s.warn > 0);
    if bad {
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
            profiles_dir,
            max_connections,
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
                profiles_dir,
                max_connections,
                ..Default::default()
            };
            crate::serve::serve(*run, env, opts).await?;
            Ok(EXIT_OK)
        }
        Some(Command::Lab { scenario, delay }) => {
            lab(scenario.as_deref().unwrap_or("healthy"), delay).await
        }
        Some(Command::Explain { text, target, run }) => {
            explain(&text, target.as_deref(), &run, &env).await
        }
        Some(Command::Init {
            target,
            origins,
            api_base,
            output,
        }) => init(&target, &origins, api_base.as_deref(), output.as_deref()),
        Some(Command::Completions { shell }) => {
            let mut cmd = crate::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "conncheck", &mut out);
            write_stdout(&out);
            Ok(EXIT_OK)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(crate::cli::command()).render(&mut out)?;
            write_stdout(&out);
            Ok(EXIT_OK)
        }
        None => {
            if cli.targets_file.is_some() || cli.targets.len() > 1 {
                return crate::multi::run(&cli, &env).await;
            }
            let config = usage(
                cli.run
                    .to_config_opt(cli.targets.first().map(|s| s.as_str()), &env),
            )?;
            let report =
                diagnose_observed(&config, Secrets::default(), show_progress(&config, &env))
                    .await?;
            print_report(&report, &config, &env);
            Ok(exit_code_on(&report, config.output.fail_on))
        }
    }
}

/// The progress line: only on a terminal, only under the table.
fn show_progress(config: &Config, env: &Env) -> bool {
    env.stderr_tty && config.output.format == Format::Table
}

fn write_stdout(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// `conncheck explain TEXT [TARGET]`.
async fn explain(text: &str, target: Option<&str>, run: &RunArgs, env: &Env) -> Result<u8> {
    if text.trim().is_empty() {
        return Err(anyhow::Error::new(UsageError(
            "explain needs the text the user saw: conncheck explain \"Network Error\"".into(),
        )));
    }
    let ex = crate::explain::explain(text);
    let modules = ex.modules();
    let names: Vec<String> = modules.iter().map(|m| m.name().to_string()).collect();
    let wants_run = target.is_some() || run.profile.is_some();
    if !wants_run {
        if run.format == Format::Junit {
            return Err(anyhow::Error::new(UsageError(
                "--format junit needs a TARGET to run checks against".into(),
            )));
        }
        let out = match run.format {
            Format::Json => report::explain::json(&ex, None),
            Format::Markdown => report::explain::markdown(&ex, None),
            _ => report::explain::text(&ex, None, &names),
        };
        write_stdout(out.as_bytes());
        return Ok(EXIT_OK);
    }
    let mut config = usage(run.to_config_opt(target, env))?;
    // Only the modules that test these causes (and that --only/--skip leave).
    config.opts.modules.retain(|m| modules.contains(m));
    if config.opts.modules.is_empty() {
        return Err(anyhow::Error::new(UsageError(format!(
            "none of the checks for these causes is available here (they need: {})",
            ex.causes
                .iter()
                .flat_map(|c| c.confirm.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        ))));
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

/// `conncheck init TARGET`: a starter profile.
fn init(
    target: &str,
    origins: &[String],
    api_base: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<u8> {
    let mut t = usage(crate::target::Target::new(target, api_base))?;
    for o in origins {
        t.origins.push(usage(crate::target::Origin::parse(o))?);
    }
    t.finish();
    let text = crate::profile::starter(&t);
    match output {
        None => write_stdout(text.as_bytes()),
        Some(path) => {
            if path.exists() {
                return Err(anyhow::Error::new(UsageError(format!(
                    "{} exists; not overwriting it",
                    path.display()
                ))));
            }
            std::fs::write(path, &text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "wrote {}; run it with: conncheck --profile {}",
                path.display(),
                path.display()
            );
        }
    }
    Ok(EXIT_OK)
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
