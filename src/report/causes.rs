//! Root causes: the report's failing and warning rows grouped by their typed fault, so one fault
//! seen on sixteen calls is one entry with one fix, and rows skipped because another row owns
//! their cause fold into that cause.

use super::checklist::{Checklist, Matrix};
use super::repro;
use crate::engine::fault::CauseKey;
use crate::engine::{Finding, Report, Status};
use std::collections::BTreeMap;

/// One root cause and the rows it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The fault's key (`cors.allow-origin-duplicated`), or the row id for a row without a fault.
    pub key: String,
    pub scope: String,
    /// The worst status among its rows.
    pub status: Status,
    /// The cause in a few words.
    pub headline: String,
    /// The rows it explains, by index into the report's findings, in report order.
    pub rows: Vec<usize>,
    /// Rows skipped because of this cause (a name that does not resolve skips what needs it).
    pub dependents: usize,
    /// The checklist items it touches ("3.1").
    pub items: Vec<String>,
    /// What the browser console shows.
    pub browser: Option<String>,
    /// One concrete fix.
    pub fix: Option<String>,
    /// A command that reproduces it.
    pub repro: Option<String>,
}

fn grouping_key(f: &Finding) -> CauseKey {
    match &f.fault {
        Some(fault) => fault.cause(),
        // A row without a typed fault is its own cause, one per id and fix.
        None => CauseKey {
            key: "row",
            scope: format!("{}\u{0}{}", f.id, f.hint.as_deref().unwrap_or("")),
        },
    }
}

fn headline(f: &Finding) -> String {
    if let Some(h) = f.fault.as_ref().and_then(|x| x.headline()) {
        return h;
    }
    let title = f.title.lines().next().unwrap_or("");
    let seen: String = f.detail.lines().next().unwrap_or("").to_string();
    if seen.is_empty() {
        title.to_string()
    } else {
        format!("{title}: {}", super::shorten(&seen, 100))
    }
}

/// Group the report's non-passing rows into causes, worst first, then in report order.
pub fn causes(report: &Report, checklist: &Checklist, matrix: &Matrix) -> Vec<Cause> {
    let mut groups: BTreeMap<CauseKey, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<CauseKey> = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        if !matches!(f.status, Status::Fail | Status::Error | Status::Warn) {
            continue;
        }
        let k = grouping_key(f);
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        groups.entry(k).or_default().push(i);
    }
    let item_of = |i: usize| -> Option<String> {
        let f = &report.findings[i];
        checklist.place(f)?;
        matrix
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|it| it.rows.contains(&i))
            .map(|it| it.number.clone())
    };
    let mut out: Vec<Cause> = order
        .into_iter()
        .map(|k| {
            let rows = groups.remove(&k).unwrap_or_default();
            let first = &report.findings[rows[0]];
            let status = rows
                .iter()
                .map(|&i| report.findings[i].status)
                .fold(Status::Pass, Status::worst);
            let mut items: Vec<String> = rows.iter().filter_map(|&i| item_of(i)).collect();
            items.dedup();
            items.sort_by_key(|n| number_key(n));
            items.dedup();
            Cause {
                key: k.key.to_string(),
                scope: if k.key == "row" {
                    first.id.clone()
                } else {
                    k.scope.clone()
                },
                status,
                headline: headline(first),
                browser: rows
                    .iter()
                    .find_map(|&i| report.findings[i].browser_error.clone()),
                fix: rows.iter().find_map(|&i| report.findings[i].hint.clone()),
                repro: repro::curl(report, first),
                rows,
                dependents: 0,
                items,
            }
        })
        .collect();
    attach_dependents(report, &mut out);
    out.sort_by_key(|c| std::cmp::Reverse(c.status.severity()));
    out
}

/// Count rows skipped because another row owns their root cause into that row's cause.
fn attach_dependents(report: &Report, causes: &mut [Cause]) {
    for f in &report.findings {
        let Some(owner) = f.fault.as_ref().and_then(|x| x.depends_on()) else {
            continue;
        };
        let host = f.subject.host_name();
        let target = causes.iter_mut().find(|c| {
            c.rows.iter().any(|&i| {
                let o = &report.findings[i];
                o.row == Some(owner) && (host.is_none() || o.subject.host_name() == host)
            })
        });
        if let Some(c) = target {
            c.dependents += 1;
        }
    }
}

fn number_key(n: &str) -> Vec<u32> {
    n.split('.').filter_map(|p| p.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fault::NetFault;
    use crate::engine::{Row, Subject};
    use crate::net::http::NetError;
    use std::time::Duration;

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings,
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn one_fault_on_many_rows_is_one_cause() {
        let hang = || NetFault::new("api.x.test", NetError::Timeout(Duration::from_secs(10)));
        let mut fs = Vec::new();
        for (i, path) in ["a/", "b/", "c/"].iter().enumerate() {
            fs.push(
                Finding::of(
                    Row::CorsPreflight,
                    Subject::call("https://x.test", "GET", path),
                    "p",
                )
                .error()
                .fault(hang())
                .seq(i),
            );
        }
        fs.push(
            Finding::of(
                Row::Endpoint,
                Subject::endpoint("login", "POST", "auth/login/"),
                "e",
            )
            .error()
            .fault(hang()),
        );
        let r = report(fs);
        let cl = Checklist::default_steps();
        let m = super::super::checklist::matrix(&r, &cl);
        let cs = causes(&r, &cl, &m);
        assert_eq!(cs.len(), 1, "{cs:#?}");
        assert_eq!(cs[0].rows.len(), 4);
        assert_eq!(cs[0].key, "net.timeout");
        assert!(cs[0].headline.contains("within 10 s"), "{}", cs[0].headline);
        assert_eq!(cs[0].items, vec!["3.1", "4.1"]);
    }

    #[test]
    fn rows_without_a_fault_group_by_id_and_fix() {
        let fs = vec![
            Finding::new(crate::engine::Module::Https, "hsts", "h1")
                .warn()
                .hint("add HSTS"),
            Finding::new(crate::engine::Module::Https, "hsts", "h2")
                .warn()
                .hint("add HSTS"),
            Finding::new(crate::engine::Module::Https, "headers", "h3")
                .fail()
                .hint("x"),
        ];
        let r = report(fs);
        let cl = Checklist::default_steps();
        let m = super::super::checklist::matrix(&r, &cl);
        let cs = causes(&r, &cl, &m);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].status, Status::Fail, "worst first");
        assert_eq!(cs[1].rows.len(), 2);
    }
}
