//! The human page at `/`: the recent probes, kept as bounded summaries (never whole reports),
//! within a byte budget whatever the targets sent.

use crate::engine::model::Report;
use std::collections::VecDeque;
use std::time::SystemTime;

/// Probes kept for the page at most.
pub const RECENT: usize = 20;
/// Bytes of summaries kept for the page at most.
pub const BUDGET: usize = 512 * 1024;
/// Bytes of one probe's report page (the verdict, matrix and causes are kept; the evidence is
/// cut to fit, and the page says so).
pub const PAGE: usize = 24 * 1024;
/// Bytes per kept text.
const TEXT: usize = 300;

/// One probe as the page shows it: a line on the index, and its own report page.
pub struct Summary {
    /// Numbered in order of arrival (1, 2, …): the report page is `/report?id=N`.
    pub id: u64,
    pub when: SystemTime,
    pub target: String,
    pub counts: String,
    pub verdict: String,
    /// The self-contained HTML report, bounded to about [`PAGE`] bytes of evidence.
    pub page: String,
}

impl Summary {
    pub fn of(report: &Report, when: SystemTime) -> Summary {
        // Cut first (whatever the row holds), then neutralise, then cut what the escapes added.
        let cut = |s: &str| {
            let short = crate::text::cap(s, TEXT);
            crate::text::cap(&crate::text::neutralize(&short), TEXT).into_owned()
        };
        let s = report.summary();
        let view = crate::report::view::View::of(report);
        let verdict = format!(
            "{}: {}{}",
            view.verdict.outcome.word(),
            view.verdict.sentence,
            view.verdict
                .causes
                .first()
                .map(|c| format!(" — {c}"))
                .unwrap_or_default()
        );
        Summary {
            id: 0,
            when,
            target: cut(&report.target),
            counts: format!(
                "{} pass, {} warn, {} fail, {} error, {} skip",
                s.pass, s.warn, s.fail, s.error, s.skip
            ),
            verdict: cut(&verdict),
            page: crate::report::html::render_view(&view, PAGE),
        }
    }

    /// Bytes this summary holds (its texts).
    pub fn size(&self) -> usize {
        self.target.len() + self.counts.len() + self.verdict.len() + self.page.len()
    }
}

/// Keep `s` first, numbered after the newest; drop the oldest until at most [`RECENT`] fit in
/// [`BUDGET`].
pub fn remember(recent: &mut VecDeque<Summary>, mut s: Summary) {
    s.id = recent.front().map_or(1, |x| x.id + 1);
    recent.push_front(s);
    recent.truncate(RECENT);
    while recent.len() > 1 && recent.iter().map(Summary::size).sum::<usize>() > BUDGET {
        recent.pop_back();
    }
}

/// The report page of probe `id`, while it is kept.
pub fn report_page(recent: &VecDeque<Summary>, id: u64) -> Option<String> {
    recent.iter().find(|s| s.id == id).map(|s| s.page.clone())
}

fn esc(s: &str) -> String {
    crate::report::html::esc(s)
}

/// The index page: one line per recent probe, each linking to its report.
pub fn html(recent: &VecDeque<Summary>) -> String {
    let mut h = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>conncheck serve</title><style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}</style></head><body><h1>conncheck serve</h1><p>Probe: <code>/probe?target=URL</code> · own metrics: <a href=\"/metrics\">/metrics</a></p>",
    );
    if recent.is_empty() {
        h.push_str("<p>No probes yet.</p>");
    } else {
        h.push_str("<table><tr><th>when</th><th>target</th><th>verdict</th><th>rows</th></tr>");
    }
    for s in recent {
        let age = s.when.elapsed().map(|d| d.as_secs()).unwrap_or(0);
        h.push_str(&format!(
            "<tr><td>{age} s ago</td><td><a href=\"/report?id={}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            s.id,
            esc(&s.target),
            esc(&s.verdict),
            s.counts,
        ));
    }
    if !recent.is_empty() {
        h.push_str("</table>");
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Finding, Module};

    fn report(detail_len: usize, rows: usize) -> Report {
        Report {
            target: "https://api.x.test/api/v1/".into(),
            origins: vec![],
            origins_inferred: false,
            findings: (0..rows)
                .map(|_| {
                    Finding::new(Module::Cors, "preflight", "t")
                        .fail()
                        .detail("\x1b".repeat(detail_len))
                })
                .collect(),
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn summaries_are_bounded_and_kept_within_the_budget() {
        let big = report(20_000, 300);
        let s = Summary::of(&big, SystemTime::now());
        assert!(s.page.len() < PAGE + 64 * 1024, "{}", s.page.len());
        assert!(!s.page.contains('\x1b'));
        assert!(s.page.contains("id=\"matrix\"") && s.page.contains("id=\"causes\""));
        assert!(s.page.contains("left out"), "the evidence cut is stated");
        let mut recent = VecDeque::new();
        for _ in 0..50 {
            remember(&mut recent, Summary::of(&big, SystemTime::now()));
        }
        assert!(recent.len() <= RECENT);
        assert!(recent.iter().map(Summary::size).sum::<usize>() <= BUDGET);
        assert!(html(&recent).len() < 2 * BUDGET);
        let newest = recent.front().unwrap().id;
        assert_eq!(newest, 50);
        assert!(html(&recent).contains(&format!("/report?id={newest}")));
        assert!(report_page(&recent, newest).is_some());
        assert!(report_page(&recent, 1).is_none(), "dropped from the budget");
    }
}
