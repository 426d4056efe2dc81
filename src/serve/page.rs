//! The human page at `/`: the recent probes, kept as bounded summaries (never whole reports),
//! within a byte budget whatever the targets sent.

use crate::model::Report;
use std::collections::VecDeque;
use std::time::SystemTime;

/// Probes kept for the page at most.
pub const RECENT: usize = 20;
/// Bytes of summaries kept for the page at most.
pub const BUDGET: usize = 512 * 1024;
/// Rows kept per probe.
const ROWS: usize = 200;
/// Bytes per kept text.
const TEXT: usize = 300;

/// One row as the page shows it.
pub struct RowSummary {
    pub status: &'static str,
    pub id: String,
    pub title: String,
    pub detail: String,
}

/// One probe as the page shows it.
pub struct Summary {
    pub when: SystemTime,
    pub target: String,
    pub counts: String,
    pub verdict: String,
    pub rows: Vec<RowSummary>,
    pub more_rows: usize,
}

impl Summary {
    pub fn of(report: &Report, when: SystemTime) -> Summary {
        // Cut first (whatever the row holds), then neutralise, then cut what the escapes added.
        let cut = |s: &str| {
            let short = crate::text::cap(s, TEXT);
            crate::text::cap(&crate::text::neutralize(&short), TEXT).into_owned()
        };
        let s = report.summary();
        Summary {
            when,
            target: cut(&report.target),
            counts: format!(
                "{} pass, {} warn, {} fail, {} error, {} skip",
                s.pass, s.warn, s.fail, s.error, s.skip
            ),
            verdict: cut(&crate::report::verdict(report)),
            rows: report
                .findings
                .iter()
                .take(ROWS)
                .map(|f| RowSummary {
                    status: f.status.as_str(),
                    id: cut(&f.id),
                    title: cut(&f.title),
                    detail: cut(&f.detail),
                })
                .collect(),
            more_rows: report.findings.len().saturating_sub(ROWS),
        }
    }

    /// Bytes this summary holds (its texts).
    pub fn size(&self) -> usize {
        self.target.len()
            + self.counts.len()
            + self.verdict.len()
            + self
                .rows
                .iter()
                .map(|r| r.id.len() + r.title.len() + r.detail.len() + 16)
                .sum::<usize>()
    }
}

/// Keep `s` first; drop the oldest until at most [`RECENT`] fit in [`BUDGET`].
pub fn remember(recent: &mut VecDeque<Summary>, s: Summary) {
    recent.push_front(s);
    recent.truncate(RECENT);
    while recent.len() > 1 && recent.iter().map(Summary::size).sum::<usize>() > BUDGET {
        recent.pop_back();
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page.
pub fn html(recent: &VecDeque<Summary>) -> String {
    let mut h = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>conncheck serve</title><style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}.fail,.error{color:#b00}.warn{color:#a60}.pass{color:#070}.skip{color:#777}</style></head><body><h1>conncheck serve</h1><p>Probe: <code>/probe?target=URL</code> · own metrics: <a href=\"/metrics\">/metrics</a></p>",
    );
    if recent.is_empty() {
        h.push_str("<p>No probes yet.</p>");
    }
    for s in recent {
        let age = s.when.elapsed().map(|d| d.as_secs()).unwrap_or(0);
        h.push_str(&format!(
            "<h2>{}</h2><p>{age} s ago · {} · {}</p><table><tr><th>status</th><th>id</th><th>check</th><th>evidence (cut at {TEXT} bytes)</th></tr>",
            esc(&s.target),
            s.counts,
            esc(&s.verdict)
        ));
        for r in &s.rows {
            h.push_str(&format!(
                "<tr class=\"{st}\"><td>{st}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.id),
                esc(&r.title),
                esc(&r.detail),
                st = r.status
            ));
        }
        h.push_str("</table>");
        if s.more_rows > 0 {
            h.push_str(&format!("<p>… {} more rows not kept</p>", s.more_rows));
        }
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Module};

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
        }
    }

    #[test]
    fn summaries_are_bounded_and_kept_within_the_budget() {
        let big = report(20_000, 300);
        let s = Summary::of(&big, SystemTime::now());
        assert_eq!(s.rows.len(), ROWS);
        assert_eq!(s.more_rows, 100);
        assert!(s.rows[0].detail.len() < TEXT + 32);
        assert!(!s.rows[0].detail.contains('\x1b'));
        let mut recent = VecDeque::new();
        for _ in 0..50 {
            remember(&mut recent, Summary::of(&big, SystemTime::now()));
        }
        assert!(recent.len() < RECENT);
        assert!(recent.iter().map(Summary::size).sum::<usize>() <= BUDGET);
        assert!(html(&recent).len() < 2 * BUDGET);
    }
}
