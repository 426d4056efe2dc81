//! Shared test harness: start a lab scenario on loopback in this process, run the real
//! conncheck binary against it (always with the lab's resolver and CA), parse its JSON.
#![allow(dead_code)]

use conncheck::lab::{Lab, LabOptions};
use conncheck::model::{Finding, Status};
use conncheck::report::json::JsonReport;
use std::process::Output;

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
    let report: JsonReport = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}):\n{stdout}\nstderr:\n{stderr}"));
    Run {
        report,
        code: out.status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}
