//! The report's rows with the typed fault each carries. The JSON row has no fault of its own:
//! the deployment's `causes` name the fault key and the indices of the rows it covers.

use super::common::Run;
use conncheck::engine::model::Status;
use conncheck::report::json::JsonDocument;
use std::fmt;

/// One row as the lead needs it to fix conncheck: id, status, fault key, detail, hint.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub status: Status,
    pub fault: Option<String>,
    /// The path of the URL the row is about (its typed subject), when it has one.
    pub path: Option<String>,
    pub detail: String,
    pub hint: String,
}

impl Row {
    pub fn failing(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Error)
    }

    pub fn fault(&self) -> &str {
        self.fault.as_deref().unwrap_or("")
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] fault={} path={} | detail: {} | hint: {}",
            self.id,
            self.status,
            self.fault(),
            self.path.as_deref().unwrap_or("-"),
            self.detail,
            self.hint
        )
    }
}

/// Every row of the run's one deployment, with its fault key when a cause names it.
pub fn rows(run: &Run) -> Vec<Row> {
    let doc: JsonDocument = serde_json::from_str(&run.stdout).expect("JSON report");
    let d = &doc.deployments[0];
    let mut out: Vec<Row> = d
        .checks
        .iter()
        .map(|c| Row {
            id: c.id.clone(),
            status: c.status,
            fault: None,
            path: c
                .subject
                .url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .map(|u| u.path().to_string()),
            detail: c.detail.clone(),
            hint: c.hint.clone().unwrap_or_default(),
        })
        .collect();
    for cause in &d.causes {
        for &i in &cause.rows {
            if let Some(r) = out.get_mut(i).filter(|_| cause.fault != "row") {
                r.fault = Some(cause.fault.clone());
            }
        }
    }
    out
}

/// The failing rows, one a line (for assertion messages and the report to the lead).
pub fn dump(rows: &[Row]) -> String {
    let lines: Vec<String> = rows
        .iter()
        .filter(|r| r.failing() || r.status == Status::Warn)
        .map(|r| r.to_string())
        .collect();
    if lines.is_empty() {
        "(no failing or warning row)".into()
    } else {
        lines.join("\n")
    }
}

/// What a broken deployment must show: a failing row whose id contains `id`, about one of the
/// app's own `paths` (any when empty: the subject URL's path, exactly as the app writes it),
/// carrying a fault key among `faults` (any when empty), whose hint has every word of `hint_has` and none of
/// `hint_not`, and whose detail or hint names each of `names` (in any case).
pub struct Expect<'a> {
    pub id: &'a str,
    pub paths: &'a [&'a str],
    pub faults: &'a [&'a str],
    pub hint_has: &'a [&'a str],
    pub hint_not: &'a [&'a str],
    pub names: &'a [&'a str],
}

impl Expect<'_> {
    fn matches(&self, r: &Row) -> bool {
        let evidence = format!("{} {}", r.detail, r.hint).to_lowercase();
        r.failing()
            && r.id.contains(self.id)
            && (self.paths.is_empty() || self.paths.contains(&r.path.as_deref().unwrap_or("")))
            && (self.faults.is_empty() || self.faults.contains(&r.fault()))
            && self.hint_has.iter().all(|w| r.hint.contains(w))
            && self
                .names
                .iter()
                .all(|w| evidence.contains(&w.to_lowercase()))
    }

    /// The rows that match; panics with every failing row when none does, or when a matching
    /// row's hint uses another stack's words.
    pub fn check<'r>(&self, stack: &str, rows: &'r [Row], run: &Run) -> Vec<&'r Row> {
        let hits: Vec<&Row> = rows.iter().filter(|r| self.matches(r)).collect();
        assert!(
            !hits.is_empty(),
            "{stack}: expected a failing *{}* row about {:?} with fault {:?}, hint with {:?}, \
             naming {:?}; exit code {}; failing and warning rows:\n{}",
            self.id,
            self.paths,
            self.faults,
            self.hint_has,
            self.names,
            run.code,
            dump(rows)
        );
        for r in &hits {
            for w in self.hint_not {
                assert!(
                    !r.hint.contains(w),
                    "{stack}: the hint of {} uses another stack's words ({w}):\n{r}",
                    r.id
                );
            }
        }
        assert_ne!(run.code, 0, "{stack}: a broken deployment must not exit 0");
        for r in &hits {
            eprintln!("{stack}: {r}");
        }
        hits
    }
}
