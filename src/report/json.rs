//! The JSON report: a versioned contract CI parses, described by `schema/report.schema.json`
//! (generated from these types: `cargo run --example schema`).
//!
//! Every run gives one object of the same type, one deployment or many:
//!
//! ```text
//! {"schema_version": 2, "conncheck_version": str, "started_at": RFC 3339, "duration_ms": n,
//!  "summary": {"pass", "warn", "fail", "skip", "error"},          (every deployment together)
//!  "deployments": [{"target": str, "origins": [str], "started_at", "duration_ms", "summary",
//!                   "checks": [{"id", "module", "section", "status", "title", "detail",
//!                               "hint" (str|null), "browser_error" (str|null), "duration_ms",
//!                               "subject": {"host", "origin", "method", "url", "status_code"}}]}]}
//! ```
//!
//! Compatibility: within a `schema_version`, keys are only added, never renamed, retyped or
//! removed; row ids stay the same for the same deployment. Schema version 1 was the unversioned
//! output before it (one object per target, an array for several).

use super::run::{rfc3339, Run, Timed};
use crate::model::{Finding, Module, Report, Section, Status, Summary};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the document's shape; see the module docs for the compatibility rule.
pub const SCHEMA_VERSION: u32 = 2;

/// One run of conncheck.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(title = "conncheck report")]
pub struct JsonDocument {
    /// The version of this document's shape (2).
    #[schemars(extend("const" = 2))]
    pub schema_version: u32,
    /// The conncheck that wrote it.
    pub conncheck_version: String,
    /// When the run started (RFC 3339, UTC).
    #[schemars(extend("format" = "date-time"))]
    pub started_at: String,
    /// How long the whole run took.
    pub duration_ms: u64,
    /// Rows of every deployment counted together.
    #[schemars(with = "SummarySchema")]
    pub summary: Summary,
    /// One entry per deployment, in input order.
    pub deployments: Vec<JsonDeployment>,
}

/// One deployment's diagnosis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Deployment")]
pub struct JsonDeployment {
    /// The API base URL diagnosed.
    pub target: String,
    /// The frontend origins the browser calls from.
    pub origins: Vec<String>,
    /// When this deployment's diagnosis started (RFC 3339, UTC).
    #[schemars(extend("format" = "date-time"))]
    pub started_at: String,
    pub duration_ms: u64,
    #[schemars(with = "SummarySchema")]
    pub summary: Summary,
    /// The checklist rows, in checklist order.
    pub checks: Vec<JsonRow>,
}

/// One checklist row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Row")]
pub struct JsonRow {
    /// Stable dotted id (`cors.preflight`): the same for the same deployment.
    pub id: String,
    #[schemars(schema_with = "module_schema")]
    pub module: Module,
    /// The checklist section as text ("4 CORS").
    #[schemars(schema_with = "section_schema")]
    pub section: Section,
    #[schemars(schema_with = "status_schema")]
    pub status: Status,
    pub title: String,
    /// Evidence: what was sent, what came back.
    pub detail: String,
    /// One concrete fix.
    pub hint: Option<String>,
    /// What the browser console shows for this fault.
    pub browser_error: Option<String>,
    pub duration_ms: u64,
    /// What the row is about, as data.
    pub subject: JsonSubject,
}

/// What a row is about. Every field is null when not known for this row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[schemars(rename = "Subject")]
pub struct JsonSubject {
    /// The host name the row is about (`api.example.com`).
    pub host: Option<String>,
    /// The frontend origin the row is about (`https://example.com`).
    pub origin: Option<String>,
    /// The HTTP method of the request the row is about.
    pub method: Option<String>,
    /// The URL the row is about.
    pub url: Option<String>,
    /// The HTTP status code that came back.
    pub status_code: Option<u16>,
}

/// The schema of [`Summary`] (which lives in the model, without a schema of its own).
#[derive(JsonSchema)]
#[schemars(rename = "Summary")]
#[allow(dead_code)]
struct SummarySchema {
    pass: usize,
    warn: usize,
    fail: usize,
    skip: usize,
    error: usize,
}

fn names_schema(names: Vec<String>) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": names })
}

fn module_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    names_schema(Module::ALL.iter().map(|m| m.name().to_string()).collect())
}

fn section_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    names_schema(Module::ALL.iter().map(|m| m.section().label()).collect())
}

fn status_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    names_schema(Status::ALL.iter().map(|s| s.as_str().to_string()).collect())
}

/// What a row is about, from what a report carries today: the configured origins and the hosts
/// of the API and the origins, when the row's title names one of them. The one place to derive
/// it; rows will carry a typed subject of their own (issue 14), which then replaces this.
pub fn subject(report: &Report, f: &Finding) -> JsonSubject {
    let origin = named(&f.title, report.origins.iter().cloned());
    // A host inside the origin is the origin's, not the row's own host.
    let rest = match &origin {
        Some(o) => f.title.replace(o.as_str(), " "),
        None => f.title.clone(),
    };
    let hosts = report.origins.iter().chain([&report.target]);
    JsonSubject {
        host: named(&rest, hosts.filter_map(|u| host_of(u))),
        origin,
        ..JsonSubject::default()
    }
}

/// The longest of `candidates` that `text` names as a whole word.
fn named(text: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
    let whole = |s: &str| {
        text.match_indices(s).any(|(i, _)| {
            let edge = |c: Option<char>| {
                !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            };
            edge(text[..i].chars().next_back()) && edge(text[i + s.len()..].chars().next())
        })
    };
    candidates
        .filter(|c| !c.is_empty() && whole(c))
        .max_by_key(String::len)
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}

fn row(report: &Report, f: &Finding) -> JsonRow {
    JsonRow {
        id: f.id.clone(),
        module: f.module,
        section: f.section,
        status: f.status,
        title: f.title.clone(),
        detail: f.detail.clone(),
        hint: f.hint.clone(),
        browser_error: f.browser_error.clone(),
        duration_ms: f.duration_ms,
        subject: subject(report, f),
    }
}

fn deployment(t: &Timed) -> JsonDeployment {
    let r = &t.report;
    JsonDeployment {
        target: r.target.clone(),
        origins: r.origins.clone(),
        started_at: rfc3339(t.started_at),
        duration_ms: r.duration_ms,
        summary: r.summary(),
        checks: r.findings.iter().map(|f| row(r, f)).collect(),
    }
}

impl From<&Run> for JsonDocument {
    fn from(run: &Run) -> Self {
        JsonDocument {
            schema_version: SCHEMA_VERSION,
            conncheck_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: rfc3339(run.started_at),
            duration_ms: run.duration.as_millis() as u64,
            summary: run.summary(),
            deployments: run.deployments.iter().map(deployment).collect(),
        }
    }
}

/// The document of a run, pretty-printed.
pub fn render(run: &Run) -> String {
    serde_json::to_string_pretty(&JsonDocument::from(run)).expect("a report always serialises")
}

/// The JSON Schema of [`JsonDocument`] (published as `schema/report.schema.json`).
pub fn schema() -> String {
    let schema = schemars::schema_for!(JsonDocument);
    serde_json::to_string_pretty(&schema).expect("a schema always serialises") + "\n"
}

/// One deployment in the shape `explain --format json` embeds (its `report` key): the target,
/// origins, summary and rows, without the run's envelope.
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

impl From<&JsonDeployment> for JsonReport {
    /// The rows as model findings (for programs, tests among them, that work with those).
    fn from(d: &JsonDeployment) -> Self {
        JsonReport {
            target: d.target.clone(),
            origins: d.origins.clone(),
            summary: d.summary,
            checks: d
                .checks
                .iter()
                .map(|c| {
                    Finding::new(c.module, &c.id, c.title.clone())
                        .status(c.status)
                        .detail(c.detail.clone())
                        .maybe_hint(c.hint.clone())
                        .maybe_browser_error(c.browser_error.clone())
                        .duration_ms(c.duration_ms)
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            metrics: Vec::new(),
            target: "https://api.x.test:8443/api/v1/".into(),
            origins: vec![
                "https://x.test:8443".into(),
                "https://www.x.test:8443".into(),
            ],
            origins_inferred: true,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "api.x.test resolves"),
                Finding::new(Module::Dns, "resolve", "www.x.test resolves"),
                Finding::new(
                    Module::Cors,
                    "preflight",
                    "CORS preflight from https://www.x.test:8443 to POST auth/login/",
                )
                .fail(),
                Finding::new(Module::Jwt, "claims", "access token claims are sane"),
            ],
            duration_ms: 5,
        }
    }

    #[test]
    fn subject_names_the_configured_host_and_origin_a_row_is_about() {
        let r = report();
        let s = |i: usize| subject(&r, &r.findings[i]);
        assert_eq!(s(0).host.as_deref(), Some("api.x.test"));
        assert_eq!(s(0).origin, None);
        assert_eq!(s(1).host.as_deref(), Some("www.x.test"));
        assert_eq!(s(2).origin.as_deref(), Some("https://www.x.test:8443"));
        assert_eq!(s(2).host, None, "the origin's host is not the row's");
        assert_eq!(s(3), JsonSubject::default());
    }

    #[test]
    fn document_round_trips_and_rows_convert_back_to_findings() {
        let run = Run::single(report());
        let text = render(&run);
        let doc: JsonDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.schema_version, SCHEMA_VERSION);
        assert_eq!(doc.summary.fail, 1);
        assert_eq!(doc.deployments.len(), 1);
        let back = JsonReport::from(&doc.deployments[0]);
        assert_eq!(back.checks, report().findings);
    }
}
