//! Diagnose a lab scenario in this process and keep the typed report: rows, subjects and
//! faults (the JSON the binary prints carries only the words). Always with the lab's resolver
//! and CA, like the binary runs.

use clap::Parser;
use conncheck::cli::{Cli, Env};
use conncheck::engine::{Finding, Report, Row, Status};
use conncheck::lab::{Lab, LabOptions};
use conncheck::redact::Secrets;

pub struct Typed {
    pub report: Report,
}

/// Start `scenario`, diagnose it with `extra` flags and the lab user's credentials.
pub async fn diagnose_scenario(scenario: &str, extra: &[&str]) -> Typed {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts");
    let mut argv = vec!["conncheck".to_string()];
    argv.extend(lab.args());
    argv.extend(["--deadline", "60"].map(String::from));
    argv.extend(extra.iter().map(|s| s.to_string()));
    let cli = Cli::try_parse_from(&argv).expect("valid flags");
    let env = Env {
        credentials: Some(lab.credentials()),
        ..Env::default()
    };
    let config = cli
        .run
        .to_config_opt(cli.targets.first().map(|s| s.as_str()), &env)
        .expect("valid config");
    let report = conncheck::diagnose::diagnose(&config, Secrets::default())
        .await
        .expect("diagnosis runs");
    lab.shutdown().await;
    Typed { report }
}

impl Typed {
    /// The rows of `row` about `host` (any port).
    pub fn rows_of(&self, row: Row, host: &str) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.row == Some(row) && f.subject.host_name().as_deref() == Some(host))
            .collect()
    }

    /// The one row of `row` about `host`.
    pub fn one(&self, row: Row, host: &str) -> &Finding {
        let v = self.rows_of(row, host);
        assert_eq!(v.len(), 1, "{row:?} for {host}: {v:#?}");
        v[0]
    }

    /// Every row of `row`.
    pub fn rows(&self, row: Row) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| f.row == Some(row))
            .collect()
    }

    /// Every row of `module` passes; at least one exists.
    pub fn assert_module_passes(&self, module: &str) {
        let rows: Vec<&Finding> = self
            .report
            .findings
            .iter()
            .filter(|f| f.module.name() == module)
            .collect();
        assert!(!rows.is_empty(), "no {module} rows");
        for f in rows {
            assert_eq!(f.status, Status::Pass, "{}: {f:#?}", f.id);
            assert!(f.fault.is_none(), "a pass carries no fault: {f:#?}");
        }
    }

    /// Whether the run fails (exit code 1 under the default `--fail-on`).
    pub fn fails(&self) -> bool {
        let s = self.report.summary();
        s.fail > 0 || s.error > 0
    }
}
