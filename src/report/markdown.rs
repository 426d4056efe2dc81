//! Markdown for a PR comment or a support ticket: the verdict and the checklist matrix first,
//! then one entry per root cause (browser line, fix, reproduction), then every row's evidence
//! folded in `<details>`. Server text is neutralised as in the terminal, and the whole document
//! stays under GitHub's 65,536-character comment limit: evidence is truncated, never the causes.

use super::text::{clean, shorten};
use super::view::{Outcome, View};
use crate::engine::{Report, Status};

/// GitHub's limit on a comment body, in characters.
pub const MAX_CHARS: usize = 65_536;
/// Room kept for the truncation notice and the closing lines.
const RESERVE: usize = 600;

/// Make text safe inside a Markdown table cell or a line: no pipes, no line breaks, no HTML, no
/// emphasis or code markers that could unbalance the document, no control characters.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a fenced block: a fence inside cannot close ours.
fn fenced(s: &str) -> String {
    clean(s).replace("```", "ʼʼʼ").replace(['\t', '\r'], " ")
}

fn icon(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "✅",
        Outcome::Warnings | Outcome::Incomplete => "⚠️",
        Outcome::Undecided | Outcome::Blocked => "❌",
    }
}

fn head(v: &View, out: &mut String) {
    let r = v.report;
    out.push_str(&format!(
        "### {} {}: {}\n\n",
        icon(v.verdict.outcome),
        v.verdict.outcome.word(),
        cell(&v.verdict.sentence)
    ));
    for c in v.verdict.causes.iter().take(5) {
        out.push_str(&format!("- {}\n", cell(c)));
    }
    if !v.verdict.causes.is_empty() {
        out.push('\n');
    }
    let origins = if r.origins.is_empty() {
        "no frontend origin".to_string()
    } else {
        r.origins
            .iter()
            .map(|o| cell(o))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("{origins} → API {}\n\n", cell(&r.target)));
    if let Some(stack) = &r.stack {
        out.push_str(&format!("API stack: {}\n\n", cell(&stack.to_string())));
    }
}

fn matrix(v: &View, out: &mut String) {
    let m = &v.matrix;
    out.push_str("| Checklist |");
    for p in &m.parts {
        out.push_str(&format!(" {} |", cell(&p.header())));
    }
    out.push_str("\n|---|");
    out.push_str(&":---:|".repeat(m.parts.len()));
    out.push('\n');
    for s in &m.sections {
        out.push_str(&format!("| **{} {}** |", s.number, cell(&s.name)));
        out.push_str(&" |".repeat(m.parts.len()));
        out.push('\n');
        for it in &s.items {
            out.push_str(&format!("| {} {} |", it.number, cell(&it.label)));
            for c in &it.cells {
                out.push_str(&format!(" {} |", c.map(Status::symbol).unwrap_or("·")));
            }
            out.push('\n');
        }
    }
    out.push('\n');
}

fn causes(v: &View, out: &mut String) {
    if v.causes.is_empty() {
        out.push_str("Nothing to fix.\n\n");
        return;
    }
    out.push_str("#### What to fix\n\n");
    for (n, c) in v.causes.iter().enumerate() {
        out.push_str(&format!(
            "{}. {} **{}** — {} row{}{}\n",
            n + 1,
            c.status.symbol(),
            cell(&shorten(&c.headline, 300)),
            c.rows.len(),
            if c.rows.len() == 1 { "" } else { "s" },
            if c.items.is_empty() {
                String::new()
            } else {
                format!(" in {}", c.items.join(", "))
            }
        ));
        if let Some(b) = &c.browser {
            out.push_str(&format!("   - browser: {}\n", cell(&shorten(b, 600))));
        }
        if let Some(f) = &c.fix {
            out.push_str(&format!("   - fix: {}\n", cell(&shorten(f, 600))));
        }
        if let Some(cmd) = &c.repro {
            out.push_str(&format!(
                "   - reproduce:\n\n     ```sh\n     {}\n     ```\n",
                fenced(cmd)
            ));
        }
    }
    out.push('\n');
}

/// The evidence of every row, section by section, as long as the budget allows.
fn evidence(v: &View, out: &mut String, budget: usize) {
    let r = v.report;
    let mut truncated = 0usize;
    let groups = v.matrix.sections.iter().flat_map(|s| {
        s.items
            .iter()
            .map(|it| (format!("{} {}", it.number, it.label), &it.rows))
    });
    let other = (!v.matrix.other.is_empty()).then(|| ("other".to_string(), &v.matrix.other));
    let mut body = String::new();
    for (title, rows) in groups.chain(other) {
        let mut block = format!(
            "\n**{}**\n\n| Status | Check | Evidence |\n|---|---|---|\n",
            cell(&title)
        );
        for &i in rows.iter() {
            let f = &r.findings[i];
            block.push_str(&format!(
                "| {} {} | {} | {} |\n",
                f.status.symbol(),
                f.status.as_str(),
                cell(&shorten(&f.title, 200)),
                cell(&shorten(&f.detail, 500))
            ));
        }
        if out.len() + body.len() + block.len() + RESERVE > budget {
            truncated += rows.len();
            continue;
        }
        body.push_str(&block);
    }
    out.push_str("<details><summary>Evidence, row by row</summary>\n");
    out.push_str(&body);
    if truncated > 0 {
        out.push_str(&format!(
            "\n_{truncated} rows of evidence left out to stay within the comment size limit; \
             run with `--format json` for all of them._\n"
        ));
    }
    out.push_str("\n</details>\n");
}

pub fn render(report: &Report) -> String {
    render_view(&View::of(report))
}

pub fn render_view(v: &View) -> String {
    let mut out = String::new();
    head(v, &mut out);
    matrix(v, &mut out);
    causes(v, &mut out);
    let s = v.report.summary();
    let summary = format!(
        "{} passed, {} warnings, {} failed, {} errors, {} skipped in {} ms\n",
        s.pass, s.warn, s.fail, s.error, s.skip, v.report.duration_ms
    );
    evidence(v, &mut out, MAX_CHARS - summary.len());
    out.push('\n');
    out.push_str(&summary);
    if out.chars().count() > MAX_CHARS {
        // Causes alone past the limit (thousands of causes): cut at a line, say so.
        let keep: String = out.chars().take(MAX_CHARS - 200).collect();
        let cut = keep.rfind('\n').unwrap_or(keep.len());
        out = format!(
            "{}\n\n_(truncated to the comment size limit)_\n",
            &keep[..cut]
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, Row, Subject};

    fn report(n: usize, detail: &str) -> Report {
        let fs = (0..n)
            .map(|i| {
                Finding::of(
                    Row::CorsPreflight,
                    Subject::call("https://x.test", "GET", &format!("r{i}/")),
                    "pre",
                )
                .fail()
                .detail(detail)
                .hint("fix it")
            })
            .collect();
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: fs,
            duration_ms: 1,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn verdict_and_matrix_come_first_and_server_text_is_inert() {
        let md = render(&report(
            2,
            "evil \u{1b}]0;title\u{7} \u{202e}x | *bold* <script>\tTAB\r",
        ));
        assert!(md.starts_with("### ❌ BLOCKED"), "{md}");
        assert!(md.find("| Checklist |").unwrap() < md.find("What to fix").unwrap());
        assert!(
            !md.chars().any(|c| c.is_control() && c != '\n'),
            "control bytes"
        );
        assert!(!md.contains('\u{202e}'));
        assert!(!md.contains("<script>"));
    }

    #[test]
    fn stays_under_the_comment_limit() {
        let md = render(&report(400, &"x".repeat(5000)));
        assert!(md.chars().count() <= MAX_CHARS, "{}", md.len());
        assert!(md.contains("What to fix"));
        assert!(md.contains("left out"));
    }
}
