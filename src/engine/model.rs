//! The result model: one [`Finding`] per checklist row, collected into a [`Report`].
//!
//! Checks produce findings; renderers show them. Nothing here prints or decides. A finding's
//! typed parts — its [`Row`], [`Subject`] and [`Fault`] — are what code reads; its words (title,
//! detail, hint, browser error) are for people only.

use super::fault::Fault;
pub use super::module::{Module, Section};
use super::row::{Row, RunnerRow};
use super::subject::Subject;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The verdict of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
    /// conncheck could not decide (a timeout upstream, its own failure).
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Warn,
        Status::Fail,
        Status::Skip,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }

    /// A symbol readable without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Warn => "⚠",
            Status::Fail => "✖",
            Status::Skip => "–",
            Status::Error => "‼",
        }
    }

    /// How bad this is, for picking the worst of several.
    pub fn severity(self) -> u8 {
        match self {
            Status::Pass => 0,
            Status::Skip => 1,
            Status::Warn => 2,
            Status::Error => 3,
            Status::Fail => 4,
        }
    }

    pub fn worst(a: Status, b: Status) -> Status {
        if b.severity() > a.severity() {
            b
        } else {
            a
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One checklist row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Stable dotted id (`dns.resolve`); CI greps and suppresses by it. Always `row`'s id.
    pub id: String,
    pub module: Module,
    pub section: Section,
    pub status: Status,
    /// The checklist item, short.
    pub title: String,
    /// Evidence: what was sent, what came back.
    pub detail: String,
    /// One concrete fix.
    pub hint: Option<String>,
    /// What the browser console shows for this fault.
    pub browser_error: Option<String>,
    pub duration_ms: u64,
    /// The typed row; `None` only for the runner's own rows (`<module>.internal`,
    /// `<module>.deadline`) and findings read back from JSON.
    #[serde(skip)]
    pub row: Option<Row>,
    /// What the row is about.
    #[serde(skip)]
    pub subject: Subject,
    /// What went wrong, typed; `None` on a pass.
    #[serde(skip)]
    pub fault: Option<Fault>,
    /// Orders rows that share an id (one per origin, per endpoint) in the module's own order.
    /// Not part of the wire format.
    #[serde(skip)]
    pub seq: u32,
}

impl Finding {
    /// A row about `subject`. A family row (`Row::Endpoint`) takes its id from the subject's
    /// endpoint name.
    pub fn of(row: Row, subject: Subject, title: impl Into<String>) -> Finding {
        Finding::base(
            row.id(subject.member()),
            row.module(),
            Some(row),
            subject,
            title,
        )
    }

    /// One of the runner's own rows for `module`.
    pub fn runner(module: Module, row: RunnerRow, title: impl Into<String>) -> Finding {
        Finding::base(row.id(module), module, None, Subject::Deployment, title)
    }

    /// A row for `module` with the given id suffix (`resolve` → `dns.resolve`). Transitional:
    /// modules not yet on typed rows; prefer [`Finding::of`].
    pub fn new(module: Module, id: &str, title: impl Into<String>) -> Finding {
        let id = if id.starts_with(module.name()) && id[module.name().len()..].starts_with('.') {
            id.to_string()
        } else {
            format!("{}.{}", module.name(), id)
        };
        let row = Row::from_id(&id).filter(|r| r.module() == module);
        let subject = match row {
            Some(r) if r.is_family() => Subject::Endpoint {
                name: id[module.name().len() + 1..].to_string(),
                method: String::new(),
                path: String::new(),
            },
            _ => Subject::Deployment,
        };
        Finding::base(id, module, row, subject, title)
    }

    /// A passing row with no words yet: what every constructor starts from.
    fn base(
        id: String,
        module: Module,
        row: Option<Row>,
        subject: Subject,
        title: impl Into<String>,
    ) -> Finding {
        Finding {
            id,
            module,
            section: module.section(),
            status: Status::Pass,
            title: title.into(),
            detail: String::new(),
            hint: None,
            browser_error: None,
            duration_ms: 0,
            row,
            subject,
            fault: None,
            seq: 0,
        }
    }

    pub fn seq(mut self, seq: usize) -> Self {
        self.seq = seq as u32;
        self
    }

    pub fn status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }
    pub fn pass(self) -> Self {
        self.status(Status::Pass)
    }
    pub fn warn(self) -> Self {
        self.status(Status::Warn)
    }
    pub fn fail(self) -> Self {
        self.status(Status::Fail)
    }
    pub fn skip(self) -> Self {
        self.status(Status::Skip)
    }
    pub fn error(self) -> Self {
        self.status(Status::Error)
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
    pub fn browser_error(mut self, e: impl Into<String>) -> Self {
        self.browser_error = Some(e.into());
        self
    }
    pub fn maybe_browser_error(mut self, e: Option<String>) -> Self {
        self.browser_error = e;
        self
    }
    pub fn duration(mut self, d: std::time::Duration) -> Self {
        self.duration_ms = d.as_millis() as u64;
        self
    }
    pub fn duration_ms(mut self, ms: u64) -> Self {
        self.duration_ms = ms;
        self
    }
    /// What the row is about.
    pub fn subject(mut self, subject: Subject) -> Self {
        if let (Some(r), Some(name)) = (self.row, subject.member()) {
            if r.is_family() {
                self.id = r.id(Some(name));
            }
        }
        self.subject = subject;
        self
    }
    /// What went wrong.
    pub fn fault(mut self, fault: impl super::fault::FaultKind) -> Self {
        self.fault = Some(Fault::new(fault));
        self
    }
    pub fn maybe_fault(mut self, fault: Option<Fault>) -> Self {
        self.fault = fault;
        self
    }
    /// Whether this row's fault is of the module type `T` (tests, explain).
    pub fn has_fault<T: super::fault::FaultKind>(&self) -> bool {
        self.fault.as_ref().is_some_and(|f| f.is::<T>())
    }
    /// This row's fault as the module type `T`.
    pub fn fault_as<T: super::fault::FaultKind>(&self) -> Option<&T> {
        self.fault.as_ref().and_then(|f| f.get::<T>())
    }
    /// The fault's key, when there is one.
    pub fn fault_key(&self) -> Option<&'static str> {
        self.fault.as_ref().map(Fault::key)
    }
}

/// Counts of rows by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.status {
                Status::Pass => s.pass += 1,
                Status::Warn => s.warn += 1,
                Status::Fail => s.fail += 1,
                Status::Skip => s.skip += 1,
                Status::Error => s.error += 1,
            }
        }
        s
    }
}

/// Everything one diagnosis found, ready for a renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The API base URL diagnosed.
    pub target: String,
    pub origins: Vec<String>,
    /// True when the origins were inferred from the API host rather than given.
    pub origins_inferred: bool,
    pub findings: Vec<Finding>,
    pub duration_ms: u64,
    /// Numbers worth alerting on (certificate expiry, agreeing DNS servers…), for `serve`.
    pub metrics: Vec<Metric>,
    /// The API's stack as its answers show it (`None` when no check asked the API anything).
    pub stack: Option<crate::stack::Stack>,
}

/// One measured number with labels, e.g. `tls_cert_not_after_seconds{host="api.x"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Name without the `conncheck_` prefix.
    pub name: &'static str,
    pub labels: Vec<(&'static str, String)>,
    pub value: f64,
}

impl Eq for Metric {}

impl Report {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    /// Sort rows into the fixed checklist order: section, module, the module's declared order
    /// of row ids, then the module's own sequence, then title. Deterministic whatever order the
    /// concurrent checks finished in.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                a.section,
                a.module,
                (a.row.is_none(), a.row),
                a.seq,
                &a.title,
                &a.id,
            )
                .cmp(&(
                    b.section,
                    b.module,
                    (b.row.is_none(), b.row),
                    b.seq,
                    &b.title,
                    &b.id,
                ))
        });
    }

    pub fn worst(&self) -> Status {
        self.findings
            .iter()
            .map(|f| f.status)
            .fold(Status::Pass, Status::worst)
    }
}
