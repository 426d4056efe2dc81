//! Many deployments in one run: `conncheck T1 T2 …` or `--targets FILE`, at most `--parallel`
//! at once, one report per target, in input order: JSON and JUnit as one document, the table
//! and Markdown one after another. The output flags (format, exit rule, report files) belong to
//! the whole run, so a line of a targets file may not set them.

use super::output::deliver;
use crate::cli::{config, Cli, Config, Env};
use crate::diagnose::{diagnose_timed, exit_code_of_run, usage, with_fallbacks, UsageError};
use crate::redact::Secrets;
use crate::report::run::Run;
use anyhow::{anyhow, Context as _, Result};
use futures::stream::{self, StreamExt};
use std::time::SystemTime;

/// Split one line into words: whitespace-separated, with '…' and "…" quoting.
pub fn split_words(line: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(anyhow!("unbalanced quote"));
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// The command line minus `--targets FILE` and `--parallel N`: the options every line inherits.
fn inherited(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        if a == "--targets" || a == "--parallel" {
            it.next();
        } else if !(a.starts_with("--targets=") || a.starts_with("--parallel=")) {
            out.push(a.clone());
        }
    }
    out
}

/// Build one config per target.
pub fn configs(cli: &Cli, env: &Env) -> Result<Vec<Config>> {
    if let Some(file) = &cli.targets_file {
        let text = usage(
            std::fs::read_to_string(file)
                .with_context(|| format!("--targets {}: cannot read file", file.display())),
        )?;
        let base = inherited(&env.argv);
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |e: String| {
                anyhow::Error::new(UsageError(format!(
                    "--targets {}:{}: {e}",
                    file.display(),
                    n + 1
                )))
            };
            let words = split_words(line).map_err(|e| at(e.to_string()))?;
            let argv = std::iter::once("conncheck".to_string())
                .chain(base.iter().cloned())
                .chain(words);
            let c = crate::cli::parse_from(argv).map_err(|e| {
                at(e.to_string()
                    .lines()
                    .next()
                    .unwrap_or("invalid line")
                    .trim_start_matches("error: ")
                    .to_string())
            })?;
            if c.targets.len() > 1 {
                return Err(at("one TARGET per line".into()));
            }
            if c.output != cli.output {
                return Err(at("--format, --fail-on, --color, -v and --report-* apply to the whole run: give them on the command line, not on a line".into()));
            }
            let target = c.targets.first().map(String::as_str);
            out.push(config(&c.run, &cli.output, target, env).map_err(|e| at(format!("{e:#}")))?);
        }
        if out.is_empty() {
            return Err(anyhow::Error::new(UsageError(format!(
                "--targets {}: no targets in the file",
                file.display()
            ))));
        }
        Ok(out)
    } else {
        cli.targets
            .iter()
            .map(|t| usage(config(&cli.run, &cli.output, Some(t), env)))
            .collect()
    }
}

/// Diagnose every target, `--parallel` at a time; deliver the reports in input order.
pub async fn run(cli: &Cli, env: &Env) -> Result<u8> {
    let configs: Vec<Config> = configs(cli, env)?.iter().flat_map(with_fallbacks).collect();
    let output = cli.output.output(env);
    let started_at = SystemTime::now();
    // One deadline for the whole run (README: "Many deployments"); each target gets what is
    // left when it starts.
    let run_deadline = crate::deadline::RunDeadline::starting_now(
        std::time::Duration::from_secs_f64(cli.run.deadline.max(0.0)),
    );
    let run_deadline = &run_deadline;
    let timed: Vec<_> = stream::iter(configs.iter().map(|c| async move {
        diagnose_timed(&run_deadline.bound(c), Secrets::default(), false).await
    }))
    .buffered(usize::from(cli.parallel))
    .collect()
    .await;
    let timed = timed.into_iter().collect::<Result<Vec<_>>>()?;
    let run = Run::finished(started_at, timed);
    deliver(&run, &output, env)?;
    Ok(exit_code_of_run(&run, output.fail_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_with_quotes() {
        assert_eq!(
            split_words("api.a.test --origin 'https://a.test'  -v").unwrap(),
            vec!["api.a.test", "--origin", "https://a.test", "-v"]
        );
        assert_eq!(
            split_words(r#"x --expect-cname "a b""#).unwrap(),
            vec!["x", "--expect-cname", "a b"]
        );
        assert!(split_words("x 'open").is_err());
    }

    #[test]
    fn inherited_options_drop_targets_and_parallel() {
        let argv: Vec<String> = [
            "--targets",
            "f.txt",
            "--format",
            "json",
            "--parallel=4",
            "--parallel",
            "3",
            "-v",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(inherited(&argv), vec!["--format", "json", "-v"]);
    }
}
