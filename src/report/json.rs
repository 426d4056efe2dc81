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
use crate::engine::model::{Finding, Module, Report, Section, Status, Summary};
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
    /// The verdict: whether the frontend can talk to its backend.
    #[serde(default)]
    pub verdict: Option<JsonVerdict>,
    /// The checklist matrix: items down, the deployment's parts across.
    #[serde(default)]
    pub checklist: Option<JsonChecklist>,
    /// One entry per root cause: the rows it explains, the fix, the browser's words, a command
    /// that reproduces it. Worst first.
    #[serde(default)]
    pub causes: Vec<JsonCause>,
    /// The API's stack as its answers show it; fixes are worded for it. Absent when nothing
    /// was recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<JsonStack>,
}

/// The API's stack: the backend framework and the proxies or platforms in front of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Stack")]
pub struct JsonStack {
    /// The framework ("Django", "Express", "FastAPI/Starlette", "Flask"…), when recognised.
    pub backend: Option<String>,
    /// Proxies and platforms, outermost first ("Cloudflare", "nginx"…).
    pub proxies: Vec<String>,
    /// What gave each away ("X-Powered-By: Express", "Server: nginx/1.26").
    pub evidence: Vec<String>,
}

fn stack_of(s: &crate::stack::Stack) -> JsonStack {
    JsonStack {
        backend: s.backend.as_ref().map(|b| b.what.name().to_string()),
        proxies: s
            .proxies
            .iter()
            .map(|p| p.what.name().to_string())
            .collect(),
        evidence: s
            .backend
            .iter()
            .map(|b| b.by.clone())
            .chain(s.proxies.iter().map(|p| p.by.clone()))
            .collect(),
    }
}

/// The verdict of one deployment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Verdict")]
pub struct JsonVerdict {
    /// ok, warnings, incomplete, undecided or blocked.
    #[schemars(schema_with = "outcome_schema")]
    pub outcome: String,
    /// One sentence.
    pub sentence: String,
    /// The deciding causes in a few words, worst first.
    pub causes: Vec<String>,
}

/// The checklist matrix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Checklist")]
pub struct JsonChecklist {
    /// The columns: the API host, each frontend origin, the WebSocket host.
    pub parts: Vec<JsonPart>,
    pub sections: Vec<JsonSection>,
}

/// A column of the matrix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Part")]
pub struct JsonPart {
    /// api, origin or websocket.
    pub kind: String,
    pub name: String,
}

/// A section of the checklist ("3 CORS").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "ChecklistSection")]
pub struct JsonSection {
    pub number: String,
    pub name: String,
    pub items: Vec<JsonItem>,
}

/// A checklist item and the rows it rolls up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "ChecklistItem")]
pub struct JsonItem {
    /// "3.1"
    pub number: String,
    pub label: String,
    /// One per part: the worst status of its rows for that part, null when none.
    pub cells: Vec<Option<String>>,
    /// Indexes into `checks`.
    pub rows: Vec<usize>,
}

/// One root cause.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[schemars(rename = "Cause")]
pub struct JsonCause {
    /// The typed fault's stable key (`cors.allow-origin-duplicated`), or `row` for a row that
    /// carries no typed fault.
    pub fault: String,
    /// What sets this cause apart from others with the same key (a host, a value).
    pub scope: String,
    #[schemars(schema_with = "status_schema")]
    pub status: Status,
    /// The cause in a few words.
    pub headline: String,
    /// The ids of the rows it explains (with repeats: one per row), and their indexes.
    pub row_ids: Vec<String>,
    pub rows: Vec<usize>,
    /// Rows skipped because of it.
    pub dependents: usize,
    /// The checklist items it touches.
    pub items: Vec<String>,
    pub fix: Option<String>,
    pub browser_error: Option<String>,
    /// A command that reproduces it.
    pub reproduce: Option<String>,
}

fn outcome_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    names_schema(
        ["ok", "warnings", "incomplete", "undecided", "blocked"]
            .map(String::from)
            .to_vec(),
    )
}

fn view_parts(v: &super::view::View) -> (JsonVerdict, JsonChecklist, Vec<JsonCause>) {
    use super::checklist::Part;
    let verdict = JsonVerdict {
        outcome: serde_json::to_value(v.verdict.outcome)
            .ok()
            .and_then(|x| x.as_str().map(str::to_string))
            .unwrap_or_default(),
        sentence: v.verdict.sentence.clone(),
        causes: v.verdict.causes.clone(),
    };
    let parts = v
        .matrix
        .parts
        .iter()
        .map(|p| JsonPart {
            kind: match p {
                Part::Api { .. } => "api",
                Part::Origin { .. } => "origin",
                Part::WebSocket { .. } => "websocket",
            }
            .to_string(),
            name: p.name(),
        })
        .collect();
    let sections = v
        .matrix
        .sections
        .iter()
        .map(|s| JsonSection {
            number: s.number.clone(),
            name: s.name.clone(),
            items: s
                .items
                .iter()
                .map(|it| JsonItem {
                    number: it.number.clone(),
                    label: it.label.clone(),
                    cells: it
                        .cells
                        .iter()
                        .map(|c| c.map(|st| st.as_str().to_string()))
                        .collect(),
                    rows: it.rows.clone(),
                })
                .collect(),
        })
        .collect();
    let causes = v
        .causes
        .iter()
        .map(|c| JsonCause {
            fault: c.key.clone(),
            scope: c.scope.clone(),
            status: c.status,
            headline: c.headline.clone(),
            row_ids: c
                .rows
                .iter()
                .map(|&i| v.report.findings[i].id.clone())
                .collect(),
            rows: c.rows.clone(),
            dependents: c.dependents,
            items: c.items.clone(),
            fix: c.fix.clone(),
            browser_error: c.browser.clone(),
            reproduce: c.repro.clone(),
        })
        .collect();
    (verdict, JsonChecklist { parts, sections }, causes)
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

/// What a row is about, from its typed subject (never from its words).
pub fn subject(report: &Report, f: &Finding) -> JsonSubject {
    use crate::engine::Subject;
    let api = url::Url::parse(&report.target).ok();
    let api_host = api.as_ref().and_then(|u| u.host_str().map(str::to_string));
    let join = |path: &str| {
        api.as_ref()
            .and_then(|b| b.join(path).ok())
            .map(String::from)
    };
    let method = |m: &str| (!m.is_empty()).then(|| m.to_string());
    match &f.subject {
        Subject::Deployment => JsonSubject::default(),
        Subject::Host { host, .. } => JsonSubject {
            host: Some(host.clone()),
            ..JsonSubject::default()
        },
        Subject::Origin { origin } => JsonSubject {
            host: host_of(origin),
            origin: Some(origin.clone()),
            ..JsonSubject::default()
        },
        Subject::Call {
            origin,
            method: m,
            path,
        } => JsonSubject {
            host: api_host,
            origin: Some(origin.clone()),
            method: method(m),
            url: join(path),
            status_code: None,
        },
        Subject::Endpoint {
            method: m, path, ..
        } => JsonSubject {
            host: api_host,
            method: method(m),
            url: (!path.is_empty()).then(|| join(path)).flatten(),
            ..JsonSubject::default()
        },
        Subject::Page { url } | Subject::WebSocket { url } => JsonSubject {
            host: host_of(url),
            url: Some(url.clone()),
            ..JsonSubject::default()
        },
    }
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
    let (verdict, checklist, causes) = view_parts(&super::view::View::new(r, &t.checklist()));
    JsonDeployment {
        stack: r.stack.as_ref().map(stack_of),
        verdict: Some(verdict),
        checklist: Some(checklist),
        causes,
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
                    let mut f = Finding::new(c.module, &c.id, c.title.clone())
                        .status(c.status)
                        .detail(c.detail.clone())
                        .maybe_hint(c.hint.clone())
                        .maybe_browser_error(c.browser_error.clone())
                        .duration_ms(c.duration_ms);
                    if let Some(s) = subject_back(&c.subject) {
                        f.subject = s;
                    }
                    f
                })
                .collect(),
        }
    }
}

/// The typed subject a JSON row's subject fields describe, as far as they tell it.
fn subject_back(j: &JsonSubject) -> Option<crate::engine::Subject> {
    use crate::engine::Subject;
    Some(match (&j.origin, &j.method, &j.url, &j.host) {
        (Some(o), Some(m), Some(u), _) => Subject::Call {
            origin: o.clone(),
            method: m.clone(),
            path: u.clone(),
        },
        (Some(o), None, None, _) => Subject::origin(o),
        (None, _, Some(u), _) => Subject::Page { url: u.clone() },
        (None, None, None, Some(h)) => Subject::host(h, None),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Row, Subject};

    fn report() -> Report {
        Report {
            metrics: Vec::new(),
            stack: None,
            target: "https://api.x.test:8443/api/v1/".into(),
            origins: vec![
                "https://x.test:8443".into(),
                "https://www.x.test:8443".into(),
            ],
            origins_inferred: true,
            findings: vec![
                Finding::of(
                    Row::DnsResolve,
                    Subject::host("api.x.test", None),
                    "api.x.test resolves",
                ),
                Finding::of(
                    Row::DnsResolve,
                    Subject::host("www.x.test", None),
                    "www.x.test resolves",
                ),
                Finding::of(
                    Row::CorsPreflight,
                    Subject::call("https://www.x.test:8443", "POST", "auth/login/"),
                    "CORS preflight from https://www.x.test:8443 to POST auth/login/",
                )
                .fail(),
                Finding::of(
                    Row::JwtClaims,
                    Subject::Deployment,
                    "access token claims are sane",
                ),
            ],
            duration_ms: 5,
        }
    }

    #[test]
    fn subject_comes_from_the_typed_subject() {
        let r = report();
        let s = |i: usize| subject(&r, &r.findings[i]);
        assert_eq!(s(0).host.as_deref(), Some("api.x.test"));
        assert_eq!(s(0).origin, None);
        assert_eq!(s(1).host.as_deref(), Some("www.x.test"));
        assert_eq!(s(2).origin.as_deref(), Some("https://www.x.test:8443"));
        assert_eq!(
            s(2).host.as_deref(),
            Some("api.x.test"),
            "a call is to the API"
        );
        assert_eq!(s(2).method.as_deref(), Some("POST"));
        assert_eq!(
            s(2).url.as_deref(),
            Some("https://api.x.test:8443/api/v1/auth/login/")
        );
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
        let words = |fs: &[Finding]| -> Vec<(String, Status, String)> {
            fs.iter()
                .map(|f| (f.id.clone(), f.status, f.title.clone()))
                .collect()
        };
        assert_eq!(words(&back.checks), words(&report().findings));
        let d = &doc.deployments[0];
        assert_eq!(d.causes.len(), 1, "one failing row, one cause");
        assert_eq!(d.causes[0].row_ids, vec!["cors.preflight"]);
        assert_eq!(d.verdict.as_ref().unwrap().outcome, "blocked");
        assert!(d.checklist.as_ref().unwrap().sections.len() >= 2);
    }
}
