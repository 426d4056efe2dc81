//! The terminal report: a checklist grouped by section, a status column readable without colour,
//! the evidence, and beneath each failing row its fix and the browser's error.

use super::{numbered, verdict};
use crate::model::{Report, Section, Status};
use crate::redact::neutralize;
use colored::Colorize;
use comfy_table::{presets, Cell, ContentArrangement, Table};

pub struct TableOptions {
    pub color: bool,
    pub verbose: bool,
    /// Terminal width, when known.
    pub width: Option<u16>,
}

fn paint(s: &str, status: Status, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match status {
        Status::Pass => s.green().to_string(),
        Status::Warn => s.yellow().to_string(),
        Status::Fail => s.red().bold().to_string(),
        Status::Skip => s.dimmed().to_string(),
        Status::Error => s.magenta().bold().to_string(),
    }
}

/// First line of the evidence, shortened, unless verbose.
fn evidence(detail: &str, verbose: bool) -> String {
    if verbose {
        return detail.to_string();
    }
    let mut s: String = detail.lines().next().unwrap_or("").to_string();
    const MAX: usize = 160;
    if s.chars().count() > MAX {
        s = s.chars().take(MAX).collect::<String>() + "…";
    }
    s
}

pub fn render(report: &Report, o: &TableOptions) -> String {
    let mut out = String::new();
    let head = format!("conncheck {}", neutralize(&report.target));
    out.push_str(&if o.color {
        head.bold().to_string()
    } else {
        head
    });
    out.push('\n');
    if !report.origins.is_empty() {
        out.push_str(&format!(
            "origins: {}{}\n",
            neutralize(&report.origins.join(", ")),
            if report.origins_inferred {
                " (inferred from the API host; pass --origin to set)"
            } else {
                ""
            }
        ));
    } else {
        out.push_str("origins: none (no --origin given and none could be inferred: CORS and frontend rows are skipped)\n");
    }
    let rows = numbered(report);
    let mut section: Option<Section> = None;
    let mut table: Option<Table> = None;
    let new_table = || {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(o.width.unwrap_or(120));
        t.set_header(vec!["#", "Status", "Check", "Evidence"]);
        t
    };
    for (num, f) in rows {
        if section != Some(f.section) {
            if let Some(t) = table.take() {
                out.push_str(&t.to_string());
                out.push('\n');
            }
            section = Some(f.section);
            let title = format!("\n{}", f.section.label());
            out.push_str(&if o.color {
                title.bold().underline().to_string()
            } else {
                title
            });
            out.push('\n');
            table = Some(new_table());
        }
        let mut ev = neutralize(&evidence(&f.detail, o.verbose));
        if matches!(f.status, Status::Fail | Status::Warn | Status::Error) || o.verbose {
            if let Some(h) = &f.hint {
                ev.push_str(&format!("\n→ fix: {}", neutralize(h)));
            }
            if let Some(b) = &f.browser_error {
                ev.push_str(&format!("\n→ browser: {}", neutralize(b)));
            }
        }
        let status = format!("{} {}", f.status.symbol(), f.status.as_str());
        if let Some(t) = table.as_mut() {
            t.add_row(vec![
                Cell::new(&num),
                Cell::new(paint(&status, f.status, o.color)),
                Cell::new(neutralize(&f.title)),
                Cell::new(ev),
            ]);
        }
    }
    if let Some(t) = table.take() {
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let s = report.summary();
    out.push_str(&format!(
        "\n{} passed, {} warnings, {} failed, {} errors, {} skipped in {} ms\n",
        s.pass, s.warn, s.fail, s.error, s.skip, report.duration_ms
    ));
    let v = neutralize(&verdict(report));
    let worst = report.worst();
    out.push_str(&paint(
        &v,
        if worst == Status::Skip {
            Status::Pass
        } else {
            worst
        },
        o.color,
    ));
    out.push('\n');
    out
}
