//! Markdown for a PR comment or a support ticket: the verdict first, then what to fix (each
//! failing row with its evidence, fix and browser error), then the whole checklist as a table
//! with the same rows, numbers and statuses as the terminal table.

use super::{numbered, verdict};
use crate::model::{Report, Status};

/// Make text safe inside a Markdown table cell or a line: no pipes, no line breaks, no HTML.
pub fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Text for a fenced block: a fence inside cannot close ours.
fn fenced(s: &str) -> String {
    s.replace("```", "ʼʼʼ")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let worst = report.worst();
    let icon = match worst {
        Status::Pass | Status::Skip => "✅",
        Status::Warn => "⚠️",
        Status::Fail | Status::Error => "❌",
    };
    out.push_str(&format!(
        "### {icon} conncheck `{}`\n\n",
        report.target.replace('`', "")
    ));
    out.push_str(&format!("**{}**\n\n", cell(&verdict(report))));
    if report.origins.is_empty() {
        out.push_str("Origins: none given or inferred (CORS and frontend rows are skipped).\n\n");
    } else {
        out.push_str(&format!(
            "Origins: {}{}\n\n",
            report
                .origins
                .iter()
                .map(|o| format!("`{}`", o.replace('`', "")))
                .collect::<Vec<_>>()
                .join(", "),
            if report.origins_inferred {
                " (inferred from the API host)"
            } else {
                ""
            }
        ));
    }
    let rows = numbered(report);
    let problems: Vec<_> = rows
        .iter()
        .filter(|(_, f)| matches!(f.status, Status::Fail | Status::Error | Status::Warn))
        .collect();
    if !problems.is_empty() {
        out.push_str("#### What to fix\n\n");
        // Failures first, then undecided rows, then warnings; checklist order within each.
        let mut ordered = problems.clone();
        ordered.sort_by_key(|(_, f)| match f.status {
            Status::Fail => 0,
            Status::Error => 1,
            _ => 2,
        });
        for (num, f) in ordered {
            out.push_str(&format!(
                "- **{num} {} `{}`** — {}\n",
                f.status.as_str().to_uppercase(),
                f.id,
                cell(&f.title)
            ));
            if !f.detail.is_empty() {
                out.push_str(&format!(
                    "  - Evidence:\n    ```text\n{}\n    ```\n",
                    fenced(&f.detail)
                        .lines()
                        .map(|l| format!("    {l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
            if let Some(h) = &f.hint {
                out.push_str(&format!("  - Fix: {}\n", cell(h)));
            }
            if let Some(b) = &f.browser_error {
                out.push_str(&format!(
                    "  - Browser console: `{}`\n",
                    b.replace('`', "'").replace('\n', " ")
                ));
            }
        }
        out.push('\n');
    }
    out.push_str("#### Checklist\n\n| # | Status | Check | Evidence |\n|---|---|---|---|\n");
    for (num, f) in &rows {
        let first = f.detail.lines().next().unwrap_or("");
        out.push_str(&format!(
            "| {num} | {} {} | {} | {} |\n",
            f.status.symbol(),
            f.status.as_str(),
            cell(&f.title),
            cell(first)
        ));
    }
    let s = report.summary();
    out.push_str(&format!(
        "\n{} passed, {} warnings, {} failed, {} errors, {} skipped in {} ms\n",
        s.pass, s.warn, s.fail, s.error, s.skip, report.duration_ms
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Module};

    #[test]
    fn cells_cannot_break_the_table() {
        for (input, want) in [
            ("a|b", "a\\|b"),
            ("line1\nline2", "line1<br>line2"),
            ("<script>", "&lt;script&gt;"),
            ("plain", "plain"),
        ] {
            assert_eq!(cell(input), want);
        }
    }

    #[test]
    fn verdict_first_then_fixes_then_every_row() {
        let r = Report {
            metrics: Vec::new(),
            target: "https://api.x.test/api/v1/".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "api.x.test resolves").detail("A 127.0.0.1"),
                Finding::new(Module::Dns, "reach", "api.x.test reachable")
                    .fail()
                    .detail("connect refused\nsecond line")
                    .hint("start the app")
                    .browser_error("net::ERR_CONNECTION_REFUSED"),
            ],
            duration_ms: 3,
        };
        let md = render(&r);
        let v = md.find("1 failed").unwrap();
        let fix = md.find("#### What to fix").unwrap();
        let table = md.find("#### Checklist").unwrap();
        assert!(v < fix && fix < table, "{md}");
        assert!(md.contains("Fix: start the app"));
        assert!(md.contains("`net::ERR_CONNECTION_REFUSED`"));
        assert!(md.contains("| 1.1 | ✔ pass | api.x.test resolves | A 127.0.0.1 |"));
        assert!(md.contains("| 1.2 | ✖ fail | api.x.test reachable | connect refused |"));
    }
}

#[cfg(test)]
mod same_as_table {
    use super::*;
    use crate::model::{Finding, Module};

    /// Markdown and the terminal table show the same rows, numbers and statuses.
    #[test]
    fn markdown_and_table_show_the_same_findings() {
        let r = Report {
            metrics: Vec::new(),
            target: "https://api.x.test/api/v1/".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "api.x.test resolves").detail("A 127.0.0.1"),
                Finding::new(Module::Dns, "reach", "api.x.test reachable")
                    .warn()
                    .detail("one dead address"),
                Finding::new(Module::Cors, "preflight", "preflight from https://x.test")
                    .fail()
                    .detail("no Access-Control-Allow-Origin")
                    .hint("add the origin to CORS_ALLOWED_ORIGINS"),
                Finding::new(Module::Jwt, "login", "login")
                    .skip()
                    .detail("no credentials"),
            ],
            duration_ms: 1,
        };
        let md = render(&r);
        let table = crate::report::table::render(
            &r,
            &crate::report::table::TableOptions {
                color: false,
                verbose: false,
                width: Some(400),
            },
        );
        for (num, f) in crate::report::numbered(&r) {
            let status = format!("{} {}", f.status.symbol(), f.status.as_str());
            assert!(
                md.contains(&format!("| {num} | {status} | {} |", f.title)),
                "{md}"
            );
            let line = table
                .lines()
                .find(|l| l.contains(&format!(" {num} ")))
                .unwrap_or_else(|| panic!("{num} not in table:\n{table}"));
            assert!(line.contains(&status) && line.contains(&f.title), "{line}");
        }
        // Both end with the same summary and verdict.
        assert!(table.contains(&crate::report::verdict(&r)));
        assert!(md.contains(&cell(&crate::report::verdict(&r))));
    }
}
