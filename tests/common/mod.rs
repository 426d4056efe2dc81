//! Shared test harness: start a lab scenario on loopback in this process, run the real
//! conncheck binary against it (always with the lab's resolver and CA), parse its JSON.
#![allow(dead_code)]

use conncheck::engine::model::{Finding, Status};
use conncheck::lab::{Lab, LabOptions};
use conncheck::report::json::{JsonDocument, JsonReport};
use std::process::Output;

/// In-process diagnoses that keep the typed report.
pub mod typed;

pub struct Run {
    pub report: JsonReport,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Rows with this id (several when one per host/origin/endpoint).
    pub fn rows(&self, id: &str) -> Vec<&Finding> {
        self.report.checks.iter().filter(|c| c.id == id).collect()
    }

    /// The single worst status among rows with this id; panics when there is none.
    pub fn status(&self, id: &str) -> Status {
        let rows = self.rows(id);
        assert!(!rows.is_empty(), "no row {id} in report:\n{}", self.stdout);
        rows.iter()
            .map(|f| f.status)
            .fold(Status::Pass, Status::worst)
    }

    /// Assert every row of the given module passed (or was skipped for a stated reason).
    pub fn assert_module_passes(&self, module: &str) {
        assert!(
            self.report.checks.iter().any(|c| c.module.name() == module),
            "no {module} rows at all: a module that reports nothing does not pass"
        );
        for c in &self.report.checks {
            if c.module.name() == module {
                assert!(
                    matches!(c.status, Status::Pass),
                    "{} expected pass, got {}: {} | {}\n",
                    c.id,
                    c.status,
                    c.title,
                    c.detail
                );
            }
        }
    }

    /// First row with this id and the given status.
    pub fn find(&self, id: &str, status: Status) -> &Finding {
        self.rows(id)
            .into_iter()
            .find(|f| f.status == status)
            .unwrap_or_else(|| panic!("no {status} row {id}; rows: {:#?}", self.rows(id)))
    }
}

/// The environment variables conncheck reads a proxy from, like a browser.
pub const PROXY_VARS: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_conncheck")
}

/// Start `scenario` and run conncheck against it with `extra` arguments, JSON output, the lab
/// user's credentials in the environment (unless `creds` is false).
pub async fn run_scenario(scenario: &str, extra: &[&str]) -> Run {
    run_scenario_opts(scenario, extra, true, 0).await
}

pub async fn run_scenario_opts(scenario: &str, extra: &[&str], creds: bool, delay_ms: u64) -> Run {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions { delay_ms })
        .await
        .expect("lab starts");
    let run = run_against(&lab, extra, creds).await;
    lab.shutdown().await;
    run
}

/// Run the binary against a running lab.
pub async fn run_against(lab: &Lab, extra: &[&str], creds: bool) -> Run {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(lab.args())
        .args(["--format", "json", "--deadline", "60"])
        .args(extra);
    cmd.env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env("NO_COLOR", "1");
    // The lab is on loopback: a proxy from the environment must not see its traffic.
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    if creds {
        let c = lab.credentials();
        cmd.env("CONNCHECK_USERNAME", c.username)
            .env("CONNCHECK_PASSWORD", c.password);
    }
    let out = cmd.output().await.expect("conncheck runs");
    parse(out)
}

pub fn parse(out: Output) -> Run {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc: JsonDocument = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}):\n{stdout}\nstderr:\n{stderr}"));
    assert_eq!(doc.deployments.len(), 1, "one deployment:\n{stdout}");
    let report = JsonReport::from(&doc.deployments[0]);
    Run {
        report,
        code: out.status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// Diagnose a running lab in this process and return the typed report (rows keep their
/// `row`, `subject` and `fault`, which the JSON does not carry).
pub async fn diagnose_in_process(
    lab: &Lab,
    extra: &[&str],
    creds: bool,
) -> conncheck::engine::model::Report {
    use clap::Parser;
    let mut args = vec!["conncheck".to_string()];
    args.extend(lab.args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let cli = conncheck::cli::Cli::try_parse_from(&args).expect("arguments parse");
    let env = conncheck::cli::Env {
        credentials: creds.then(|| lab.credentials()),
        ..Default::default()
    };
    let target = cli.targets.first().cloned();
    let config = cli
        .run
        .to_config_opt(target.as_deref(), &env)
        .expect("config");
    conncheck::diagnose::diagnose(&config, conncheck::redact::Secrets::default())
        .await
        .expect("diagnosis runs")
}

/// Start `scenario`, diagnose it in this process, stop it.
pub async fn scenario_report(
    scenario: &str,
    extra: &[&str],
    creds: bool,
) -> conncheck::engine::model::Report {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts");
    let report = diagnose_in_process(&lab, extra, creds).await;
    lab.shutdown().await;
    report
}

/// The one row with this typed row (panics when there is not exactly one).
pub fn row(report: &conncheck::engine::model::Report, row: conncheck::engine::Row) -> &Finding {
    let rows: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.row == Some(row))
        .collect();
    assert_eq!(rows.len(), 1, "{row:?}: {rows:#?}");
    rows[0]
}
