//! The JSON report: a contract CI parses. Exactly these keys, no others:
//!
//! ```text
//! {"target": str, "origins": [str],
//!  "summary": {"pass": n, "warn": n, "fail": n, "skip": n, "error": n},
//!  "checks": [{"id", "module", "section", "status", "title", "detail",
//!              "hint" (str|null), "browser_error" (str|null), "duration_ms"}]}
//! ```
//!
//! `section` is the checklist section as text ("4 CORS"); `status` is one of pass, warn, fail,
//! skip, error. Several targets give an array of such objects.

use crate::model::{Finding, Report, Summary};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JsonReport {
    pub target: String,
    pub origins: Vec<String>,
    pub summary: Summary,
    pub checks: Vec<Finding>,
}

impl From<&Report> for JsonReport {
    fn from(r: &Report) -> Self {
        JsonReport {
            target: r.target.clone(),
            origins: r.origins.clone(),
            summary: r.summary(),
            checks: r.findings.clone(),
        }
    }
}

pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(&JsonReport::from(report)).expect("a report always serialises")
}

pub fn render_many(reports: &[Report]) -> String {
    let v: Vec<JsonReport> = reports.iter().map(JsonReport::from).collect();
    serde_json::to_string_pretty(&v).expect("a report always serialises")
}
