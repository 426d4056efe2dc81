//! Which cause a run confirms. A cause is confirmed by a non-pass finding whose typed row and
//! fault match one of the cause's [`Sign`]s — never by the finding's words.

use super::catalog::{named_keys, Cause, Sign, CAUSES, UNEXPLAINED};
use super::Explanation;
use crate::engine::model::{Finding, Report, Status};
use crate::engine::Row;

/// How strongly a finding shows a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Its fault's key (and type) is one the cause names.
    Fault,
    /// Transitional: its module gives it no fault the catalog knows; only its row matches.
    Row,
}

/// Whether a fault key is in the catalog at all (named by a cause, or known to explain none).
fn known(key: &str) -> bool {
    UNEXPLAINED.contains(&key) || named_keys().binary_search(&key).is_ok()
}

fn sign_shows(s: &Sign, f: &Finding) -> Option<Strength> {
    let on_row = f.row.is_some_and(|r| s.rows.contains(&r));
    match f.fault_key() {
        Some(k) if known(k) => {
            (!s.keys.is_empty() && s.keys.contains(&k) && on_row && s.when.is_none_or(|w| w(f)))
                .then_some(Strength::Fault)
        }
        _ => (s.keys.is_empty() && on_row).then_some(Strength::Row),
    }
}

/// Whether finding `f` shows cause `c`, and how strongly. Passes and skips show nothing.
pub fn shows(c: &Cause, f: &Finding) -> Option<Strength> {
    if !matches!(f.status, Status::Fail | Status::Error | Status::Warn) {
        return None;
    }
    c.signs.iter().filter_map(|s| sign_shows(s, f)).min()
}

/// Whether a row alone (no typed fault) singles out one cause — only one cause has a row sign
/// on it: only then is row-only evidence certain.
fn row_is_unambiguous(r: Row) -> bool {
    let by_row = |c: &&Cause| {
        c.signs
            .iter()
            .any(|s| s.keys.is_empty() && s.rows.contains(&r))
    };
    CAUSES.iter().filter(by_row).count() == 1
}

/// Which cause a run confirms.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// The most likely confirmed cause, the rows that show it, and the other confirmed ones.
    Confirmed {
        cause: &'static Cause,
        rows: Vec<Finding>,
        also: Vec<&'static Cause>,
        /// Shown by a failing row with a matching fault (false: only a warning shows it, or
        /// only a row that several causes share).
        certain: bool,
    },
    /// Rows failed, but none fits a cause.
    Other(Vec<Finding>),
    /// Everything ran passes: not reproducible from here.
    NotReproduced,
}

/// What a run says about one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// These rows show it.
    Shown(Vec<String>),
    /// Checks that can see it ran (these rows, in checklist order) and show nothing of it.
    NotSeen(Vec<Row>),
    /// It can be checked, but none of its checks ran (not selected, or skipped).
    NotChecked,
    /// No check of conncheck can see it.
    NotCheckable,
}

/// What `report` says about cause `c` (the same evidence rules as [`judge`]).
pub fn seen(c: &Cause, report: &Report) -> Seen {
    let mut rows: Vec<String> = Vec::new();
    for f in report.findings.iter().filter(|f| shows(c, f).is_some()) {
        if !rows.contains(&f.id) {
            rows.push(f.id.clone());
        }
    }
    if !rows.is_empty() {
        return Seen::Shown(rows);
    }
    if !c.checkable() {
        return Seen::NotCheckable;
    }
    let ran: Vec<Row> = c
        .rows()
        .into_iter()
        .filter(|r| {
            report
                .findings
                .iter()
                .any(|f| f.status != Status::Skip && f.row == Some(*r))
        })
        .collect();
    if ran.is_empty() {
        Seen::NotChecked
    } else {
        Seen::NotSeen(ran)
    }
}

/// One confirmed cause with its evidence, while judging.
struct Found {
    cause: &'static Cause,
    rows: Vec<Finding>,
    /// 0: a listed cause by fault, 1: an unlisted cause by fault, 2: a listed cause by row.
    tier: u8,
}

fn evidence(c: &'static Cause, rows: &[&Finding], listed: bool) -> Option<Found> {
    let mut best: Option<Strength> = None;
    let mut shown = Vec::new();
    for f in rows {
        if let Some(s) = shows(c, f) {
            best = Some(best.map_or(s, |b| b.min(s)));
            shown.push((s, (*f).clone()));
        }
    }
    let best = best?;
    let tier = match (best, listed) {
        (Strength::Fault, true) => 0,
        (Strength::Fault, false) => 1,
        (Strength::Row, true) => 2,
        (Strength::Row, false) => return None,
    };
    // The strongest evidence first.
    shown.sort_by_key(|(s, _)| *s);
    Some(Found {
        cause: c,
        rows: shown.into_iter().map(|(_, f)| f).collect(),
        tier,
    })
}

fn certain(found: &Found, failing: bool) -> bool {
    failing
        && found.rows.iter().any(|f| {
            shows(found.cause, f) == Some(Strength::Fault) || f.row.is_some_and(row_is_unambiguous)
        })
}

/// Which cause the report shows: failures and errors before warnings; within them a listed
/// cause shown by its fault (most likely first), then an unlisted cause shown by its fault (the
/// exact CORS fault behind a "Network Error"), then a listed cause shown by its row alone.
pub fn judge(ex: &Explanation, report: &Report) -> Verdict {
    for failing in [true, false] {
        let rows: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| match f.status {
                Status::Fail | Status::Error => failing,
                Status::Warn => !failing,
                _ => false,
            })
            .collect();
        let unlisted = CAUSES.iter().filter(|c| !ex.causes.contains(c));
        let mut found: Vec<Found> = ex
            .causes
            .iter()
            .filter_map(|c| evidence(c, &rows, true))
            .chain(unlisted.filter_map(|c| evidence(c, &rows, false)))
            .collect();
        // Stable: within a tier the text's ranking holds.
        found.sort_by_key(|f| f.tier);
        if found.is_empty() {
            continue;
        }
        let first = found.remove(0);
        return Verdict::Confirmed {
            certain: certain(&first, failing),
            cause: first.cause,
            rows: first.rows,
            also: found.into_iter().map(|f| f.cause).collect(),
        };
    }
    let bad: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
        .cloned()
        .collect();
    if bad.is_empty() {
        Verdict::NotReproduced
    } else {
        Verdict::Other(bad)
    }
}
