//! Renderers: each turns a [`Report`] into text. They never decide anything; every one shows the
//! same findings (already redacted by the runner).

pub mod causes;
pub mod checklist;
pub mod explain;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod repro;
pub mod rollup;
pub mod run;
pub mod table;
pub mod text;
pub mod view;

pub use text::{clean, shorten};

use crate::engine::model::{Report, Section, Status};

/// The checklist number of each row ("4.1"): section, then position within it.
pub fn numbered(report: &Report) -> Vec<(String, &crate::engine::model::Finding)> {
    let mut out = Vec::new();
    let mut last: Option<Section> = None;
    let mut n = 0;
    for f in &report.findings {
        if last != Some(f.section) {
            last = Some(f.section);
            n = 0;
        }
        n += 1;
        out.push((format!("{}.{}", f.section.number(), n), f));
    }
    out
}

/// The one-line verdict: "3 failed, 1 warning: CORS blocks https://tiktrue.com — see 4.1".
pub fn verdict(report: &Report) -> String {
    let s = report.summary();
    let mut parts = Vec::new();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if s.fail > 0 {
        parts.push(plural(s.fail, "failed", "failed"));
    }
    if s.error > 0 {
        parts.push(plural(s.error, "error", "errors"));
    }
    if s.warn > 0 {
        parts.push(plural(s.warn, "warning", "warnings"));
    }
    let numbered = numbered(report);
    let first = numbered
        .iter()
        .find(|(_, f)| f.status == Status::Fail)
        .or_else(|| numbered.iter().find(|(_, f)| f.status == Status::Error))
        .or_else(|| numbered.iter().find(|(_, f)| f.status == Status::Warn));
    match first {
        None => format!(
            "All {} checks passed{}.",
            s.pass,
            if s.skip > 0 {
                format!(" ({} skipped)", s.skip)
            } else {
                String::new()
            }
        ),
        Some((num, f)) => format!("{}. First: {num} {}", parts.join(", "), headline(f)),
    }
}

/// A failing row in one line: its item, then what was seen.
pub fn headline(f: &crate::engine::model::Finding) -> String {
    let title = f.title.lines().next().unwrap_or("");
    let seen: String = f
        .detail
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(140)
        .collect();
    if seen.is_empty() {
        format!("{title} ({})", f.id)
    } else {
        format!("{title} — {seen}")
    }
}
