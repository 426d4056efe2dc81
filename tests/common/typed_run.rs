//! Run a lab scenario in this process through `diagnose::diagnose` (the same path the binary takes,
//! with the lab's resolver and CA), so tests can read the typed rows: `row`, `subject`, `fault`.
//! Use from a test file with `#[path = "common/typed.rs"] mod typed;`.
#![allow(dead_code)]

use clap::Parser;
use conncheck::cli::{Cli, Env};
use conncheck::engine::model::{Finding, Report, Status};
use conncheck::engine::{Row, Subject};
use conncheck::lab::{Lab, LabOptions};
use conncheck::redact::Secrets;

pub struct Typed {
    pub report: Report,
    /// Every request the lab served, in order.
    pub log: Vec<conncheck::lab::server::LogEntry>,
}

impl Typed {
    pub fn rows(&self, row: Row) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.row == Some(row))
            .collect()
    }
    pub fn id(&self, id: &str) -> Vec<&Finding> {
        self.report.findings.iter().filter(|f| f.id == id).collect()
    }
    pub fn one(&self, id: &str) -> &Finding {
        let v = self.id(id);
        assert_eq!(v.len(), 1, "one row {id}: {v:#?}");
        v[0]
    }
    pub fn on(&self, row: Row, subject: &Subject) -> Vec<&Finding> {
        self.rows(row)
            .into_iter()
            .filter(|f| f.subject == *subject)
            .collect()
    }
    /// The rows of one module that are not a pass.
    pub fn not_passing(&self, module: &str) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.module.name() == module && f.status != Status::Pass)
            .collect()
    }
}

/// The fault key of a row (panics on a row without a fault, naming it).
pub fn key(f: &Finding) -> &'static str {
    f.fault_key()
        .unwrap_or_else(|| panic!("no fault on {} ({}): {}", f.id, f.status, f.detail))
}

/// Start `scenario`, diagnose it in-process with `extra` flags and the lab user's credentials
/// (unless `creds` is false).
pub async fn diagnose(scenario: &str, extra: &[&str], creds: bool) -> Typed {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions { delay_ms: 0 })
        .await
        .expect("lab starts");
    let mut argv: Vec<String> = vec!["conncheck".into()];
    argv.extend(lab.args());
    if !extra.contains(&"--deadline") {
        argv.extend(["--deadline".to_string(), "60".to_string()]);
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    let cli = Cli::parse_from(&argv);
    let env = Env {
        no_color: true,
        stdout_tty: false,
        stderr_tty: false,
        credentials: creds.then(|| lab.credentials()),
        argv: argv.clone(),
        ..Env::default()
    };
    let target = cli.targets.first().cloned();
    let config = cli
        .run
        .to_config_opt(target.as_deref(), &env)
        .expect("valid flags");
    let report = conncheck::diagnose::diagnose(&config, Secrets::default())
        .await
        .expect("diagnosis runs");
    let log = lab.log();
    lab.shutdown().await;
    Typed { report, log }
}

/// Diagnose a running lab in this process without the `--origin` its arguments carry (a
/// deployment whose frontend origin cannot be inferred), with the test account.
pub async fn without_origin(lab: &Lab, extra: &[&str]) -> Report {
    let mut argv: Vec<String> = vec!["conncheck".into()];
    argv.extend(lab.args());
    while let Some(i) = argv.iter().position(|a| a == "--origin") {
        argv.drain(i..i + 2);
    }
    argv.extend(
        ["--deadline", "60"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string()),
    );
    let cli = Cli::parse_from(&argv);
    let env = Env {
        no_color: true,
        credentials: Some(lab.credentials()),
        argv: argv.clone(),
        ..Env::default()
    };
    let target = cli.targets.first().cloned();
    let config = cli.run.to_config_opt(target.as_deref(), &env).unwrap();
    conncheck::diagnose::diagnose(&config, Secrets::default())
        .await
        .unwrap()
}
