//! The terminal report, in the order a person reads it: the verdict first; the checklist matrix
//! (items down, the deployment's parts across); then what to fix, one entry per root cause with
//! the browser's words, the fix and a `curl` that reproduces it. `--details` adds the per-row
//! evidence grouped under the checklist items. Every line fits the width; colour never shifts a
//! column, because padding is computed before it is painted.

use super::causes::Cause;
use super::checklist::{Matrix, Part};
use super::text::{clean, shorten, width, wrap};
use super::view::{Outcome, View};
use crate::engine::{Finding, Report, Status};
use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

pub struct TableOptions {
    pub color: bool,
    /// Print the per-row evidence (`--details`, `-v`).
    pub verbose: bool,
    /// Columns available.
    pub width: Option<u16>,
}

impl TableOptions {
    fn cols(&self) -> usize {
        usize::from(self.width.unwrap_or(100)).max(40)
    }
}

/// Paint `s` for `status` with ANSI SGR codes (only when colour is on).
pub(super) fn paint(s: &str, status: Status, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Warn => "33",
        Status::Fail => "1;31",
        Status::Skip => "2",
        Status::Error => "1;35",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn push_wrapped(out: &mut String, prefix: &str, text: &str, cols: usize, indent: usize) {
    let lines = wrap(text, cols, width(prefix), indent);
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push_str(prefix);
        }
        out.push_str(l);
        out.push('\n');
    }
}

fn verdict(out: &mut String, v: &View, o: &TableOptions) {
    let cols = o.cols();
    let st = v.verdict.outcome.status();
    let head = format!("{} {}", st.symbol(), v.verdict.outcome.word());
    let mut text = format!(": {}", v.verdict.sentence);
    if !v.verdict.causes.is_empty() {
        let named: Vec<String> = v
            .verdict
            .causes
            .iter()
            .take(3)
            .map(|c| clean(&shorten(c, 90)))
            .collect();
        text.push_str(&format!(" — {}", named.join("; ")));
        if v.verdict.causes.len() > 3 {
            text.push_str(&format!(" (+{} more)", v.verdict.causes.len() - 3));
        }
    }
    let lines = wrap(&text, cols, width(&head), 2);
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push_str(&paint(&head, st, o.color));
        }
        out.push_str(l);
        out.push('\n');
    }
    let r = v.report;
    let origins = if r.origins.is_empty() {
        "no frontend origin".to_string()
    } else {
        let inferred = if r.origins_inferred {
            " (inferred)"
        } else {
            ""
        };
        format!("{}{inferred}", r.origins.join(", "))
    };
    push_wrapped(
        out,
        "  ",
        &clean(&format!("{origins} → API {}", r.target)),
        cols,
        4,
    );
    if let Some(stack) = &r.stack {
        push_wrapped(out, "  ", &clean(&format!("API stack: {stack}")), cols, 4);
    }
}

/// Column headers: the parts' own names when they fit, letters with a legend when they don't.
fn headers(parts: &[Part], label_w: usize, cols: usize) -> (Vec<String>, bool) {
    let full: Vec<String> = parts.iter().map(|p| clean(&p.header())).collect();
    let need: usize = label_w + full.iter().map(|h| width(h) + 2).sum::<usize>();
    if need <= cols {
        return (full, false);
    }
    let letters = (0..parts.len())
        .map(|i| char::from(b'A' + (i % 26) as u8).to_string())
        .collect();
    (letters, true)
}

fn matrix(out: &mut String, m: &Matrix, o: &TableOptions) {
    let cols = o.cols();
    let max_label = cols.saturating_sub(4 + 3 * m.parts.len()).clamp(12, 40);
    let label = |n: &str, l: &str| shorten(&format!("  {n} {l}"), max_label);
    let label_w = m
        .sections
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .map(|it| width(&label(&it.number, &it.label)))
        })
        .chain(
            m.sections
                .iter()
                .map(|s| width(&format!("{} {}", s.number, s.name)).min(max_label)),
        )
        .max()
        .unwrap_or(10)
        + 1;
    let (heads, legend) = headers(&m.parts, label_w, cols);
    let widths: Vec<usize> = heads.iter().map(|h| width(h).max(1) + 2).collect();
    let mut line = format!("{:label_w$}", "");
    for (h, w) in heads.iter().zip(&widths) {
        line.push_str(&center(h, *w));
    }
    out.push('\n');
    out.push_str(line.trim_end());
    out.push('\n');
    for s in &m.sections {
        let unchecked = s.items.iter().all(|it| it.worst() == Some(Status::Skip));
        if unchecked {
            let l = shorten(
                &format!("{} {} (not checked)", s.number, s.name),
                label_w.saturating_sub(2),
            );
            let mut line = format!("{l}{}", " ".repeat(label_w.saturating_sub(width(&l))));
            for w in &widths {
                line.push_str(&paint(
                    &center(Status::Skip.symbol(), *w),
                    Status::Skip,
                    o.color,
                ));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            continue;
        }
        out.push_str(&bold(
            &shorten(&format!("{} {}", s.number, s.name), cols - 1),
            o.color,
        ));
        out.push('\n');
        for it in &s.items {
            let l = label(&it.number, &it.label);
            let mut line = format!("{l}{}", " ".repeat(label_w.saturating_sub(width(&l))));
            for (cell, w) in it.cells.iter().zip(&widths) {
                let sym = cell.map(Status::symbol).unwrap_or("·");
                let painted = match cell {
                    Some(st) => paint(sym, *st, o.color),
                    None => sym.to_string(),
                };
                line.push_str(&center(sym, *w).replacen(sym, &painted, 1));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if legend {
        let entries: Vec<String> = heads
            .iter()
            .zip(&m.parts)
            .map(|(h, p)| format!("{h} {}", clean(&p.name())))
            .collect();
        legend_lines(out, &entries, cols);
    }
}

/// Legend entries packed on lines, never breaking inside an entry (unless one alone is too wide).
fn legend_lines(out: &mut String, entries: &[String], cols: usize) {
    let mut line = String::new();
    for e in entries {
        if !line.is_empty() && width(&line) + 3 + width(e) > cols {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(e);
    }
    if !line.is_empty() {
        push_wrapped(out, "", &line, cols, 2);
    }
}

fn center(s: &str, w: usize) -> String {
    let sw = width(s);
    let left = w.saturating_sub(sw) / 2;
    let right = w.saturating_sub(sw + left);
    format!("{}{s}{}", " ".repeat(left), " ".repeat(right))
}

/// Where the next argument worth its own line starts: a quoted argument, or a `-H`/`-d` option
/// with its quoted value (the option stays with its value).
fn next_argument(rest: &str) -> Option<usize> {
    rest.match_indices(" '")
        .map(|(i, _)| i)
        .find(|&i| i > 0 && !matches!(&rest[..i], "-H" | "-d"))
        .map(|i| {
            let before = &rest[..i];
            if before.ends_with(" -H") || before.ends_with(" -d") {
                i - 3
            } else {
                i
            }
        })
        .filter(|&i| i > 0)
}

/// A command broken at its ` -H`/` -d` arguments with shell continuations, so a long one still
/// copies and pastes.
fn command_lines(cmd: &str, cols: usize, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    if indent + width(cmd) <= cols {
        return vec![format!("{pad}{cmd}")];
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = cmd;
    while let Some(i) = next_argument(rest) {
        parts.push(rest[..i].to_string());
        rest = &rest[i + 1..];
    }
    parts.push(rest.to_string());
    let n = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let cont = if i + 1 < n { " \\" } else { "" };
            let lead = if i == 0 {
                pad.clone()
            } else {
                format!("{pad}  ")
            };
            format!("{lead}{p}{cont}")
        })
        .collect()
}

fn cause(out: &mut String, n: usize, c: &Cause, r: &Report, o: &TableOptions) {
    let cols = o.cols();
    let head = format!("{} {n}. ", c.status.symbol());
    let lines = wrap(&clean(&c.headline), cols, width(&head), 5);
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push_str(&paint(&head, c.status, o.color));
        }
        out.push_str(l);
        out.push('\n');
    }
    let mut seen = format!(
        "{} row{}",
        c.rows.len(),
        if c.rows.len() == 1 { "" } else { "s" }
    );
    if !c.items.is_empty() {
        seen.push_str(&format!(" in {}", c.items.join(", ")));
    }
    let subjects: Vec<String> = c
        .rows
        .iter()
        .map(|&i| r.findings[i].subject.label())
        .filter(|s| s != "deployment")
        .collect();
    if let Some(first) = subjects.first() {
        seen.push_str(&format!(": {}", clean(first)));
        if subjects.len() > 1 {
            seen.push_str(&format!(" and {} more", subjects.len() - 1));
        }
    }
    if c.dependents > 0 {
        seen.push_str(&format!("; {} dependent rows skipped", c.dependents));
    }
    push_wrapped(out, "     seen: ", &seen, cols, 7);
    if let Some(b) = &c.browser {
        push_wrapped(out, "     browser: ", &clean(&shorten(b, 600)), cols, 7);
    }
    if let Some(f) = &c.fix {
        push_wrapped(out, "     fix: ", &clean(&shorten(f, 600)), cols, 7);
    }
    if let Some(cmd) = &c.repro {
        out.push_str("     reproduce:\n");
        for l in command_lines(cmd, cols, 5) {
            out.push_str(&l);
            out.push('\n');
        }
    }
}

fn causes(out: &mut String, v: &View, o: &TableOptions) {
    out.push('\n');
    if v.causes.is_empty() {
        out.push_str("Nothing to fix.\n");
        return;
    }
    let n = v.causes.len();
    out.push_str(&bold(
        &format!("What to fix ({n} cause{})", if n == 1 { "" } else { "s" }),
        o.color,
    ));
    out.push('\n');
    for (i, c) in v.causes.iter().enumerate() {
        cause(out, i + 1, c, v.report, o);
    }
}

fn status_cell(f: &Finding, color: bool) -> Cell {
    let c = Cell::new(format!("{} {}", f.status.symbol(), f.status.as_str()));
    if !color {
        return c;
    }
    c.fg(match f.status {
        Status::Pass => Color::Green,
        Status::Warn => Color::Yellow,
        Status::Fail => Color::Red,
        Status::Skip => Color::DarkGrey,
        Status::Error => Color::Magenta,
    })
}

fn evidence(f: &Finding) -> String {
    let mut ev = clean(&shorten(&f.detail, 2000));
    if f.status != Status::Pass {
        if let Some(h) = &f.hint {
            ev.push_str(&format!("\n→ fix: {}", clean(&shorten(h, 1000))));
        }
        if let Some(b) = &f.browser_error {
            ev.push_str(&format!("\n→ browser: {}", clean(&shorten(b, 1000))));
        }
    }
    ev
}

/// The per-row evidence, grouped under the checklist's items.
fn details(out: &mut String, v: &View, o: &TableOptions) {
    let r = v.report;
    let groups = v
        .matrix
        .sections
        .iter()
        .flat_map(|s| {
            s.items
                .iter()
                .map(|it| (format!("{} {}", it.number, it.label), &it.rows))
        })
        .chain((!v.matrix.other.is_empty()).then(|| ("other".to_string(), &v.matrix.other)));
    for (title, rows) in groups {
        out.push('\n');
        out.push_str(&bold(&title, o.color));
        out.push('\n');
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(o.cols() as u16)
            .set_header(vec!["Status", "Check", "Evidence"]);
        if o.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        for &i in rows {
            let f = &r.findings[i];
            t.add_row(vec![
                status_cell(f, o.color),
                Cell::new(clean(&shorten(&f.title, 300))),
                Cell::new(evidence(f)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
}

pub fn render(report: &Report, o: &TableOptions) -> String {
    render_view(&View::of(report), o)
}

pub fn render_view(v: &View, o: &TableOptions) -> String {
    let mut out = String::new();
    verdict(&mut out, v, o);
    matrix(&mut out, &v.matrix, o);
    causes(&mut out, v, o);
    if o.verbose {
        details(&mut out, v, o);
    }
    let s = v.report.summary();
    let more = if o.verbose || v.verdict.outcome == Outcome::Ok {
        ""
    } else {
        " (--details for the evidence)"
    };
    push_wrapped(
        &mut out,
        "\n",
        &format!(
            "{} passed, {} warnings, {} failed, {} errors, {} skipped in {} ms{more}",
            s.pass, s.warn, s.fail, s.error, s.skip, v.report.duration_ms
        ),
        o.cols(),
        0,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fault::NetFault;
    use crate::engine::{Row, Subject};
    use crate::net::http::NetError;

    fn report() -> Report {
        let hang = || {
            NetFault::new(
                "api.x.test",
                NetError::Timeout(std::time::Duration::from_secs(10)),
            )
        };
        let mut fs = vec![Finding::of(
            Row::DnsResolve,
            Subject::host("api.x.test", None),
            "resolves",
        )];
        for p in ["a/", "b/"] {
            fs.push(
                Finding::of(
                    Row::CorsPreflight,
                    Subject::call("https://www.x.test", "POST", p),
                    "p",
                )
                .error()
                .fault(hang())
                .hint("make the API answer")
                .browser_error("net::ERR_TIMED_OUT"),
            );
        }
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: vec!["https://x.test".into(), "https://www.x.test".into()],
            origins_inferred: false,
            findings: fs,
            duration_ms: 5,
            metrics: vec![],
            stack: None,
        }
    }

    fn opts(w: u16, color: bool, verbose: bool) -> TableOptions {
        TableOptions {
            color,
            verbose,
            width: Some(w),
        }
    }

    #[test]
    fn verdict_first_then_matrix_then_one_cause() {
        let out = render(&report(), &opts(80, false, false));
        let first = out.lines().next().unwrap();
        assert!(first.starts_with("‼ UNDECIDED"), "{out}");
        assert_eq!(out.matches("‼ 1. ").count(), 1, "{out}");
        assert!(!out.contains("‼ 2. "), "two rows, one cause:\n{out}");
        assert!(out.contains("curl -si -X OPTIONS"), "{out}");
    }

    #[test]
    fn no_line_is_wider_than_the_width_with_or_without_colour() {
        for w in [80u16, 120] {
            for color in [false, true] {
                let out = render(&report(), &opts(w, color, true));
                for l in out.lines() {
                    let plain = strip_ansi(l);
                    assert!(width(&plain) <= w as usize, "{w}: {plain:?}");
                }
            }
        }
    }

    /// Found by fuzzing (target_report): an unchecked section's "(not checked)" line at 41
    /// columns was wider than the terminal.
    #[test]
    fn an_unchecked_section_fits_a_narrow_terminal() {
        let mut r = report();
        r.findings
            .push(Finding::of(Row::EndpointsDebug, Subject::host("api.x.test", None), "d").skip());
        for w in 40u16..60 {
            let out = render(&r, &opts(w, false, false));
            for l in out.lines().filter(|l| !is_command_argument(l)) {
                assert!(width(l) <= w as usize, "{w}: {l:?}");
            }
        }
    }

    #[test]
    fn colour_does_not_move_matrix_columns() {
        let plain = render(&report(), &opts(120, false, false));
        let color = render(&report(), &opts(120, true, false));
        assert_eq!(strip_ansi(&color), plain);
    }

    /// A continuation line of a reproduction command holding one quoted argument, which is
    /// never cut (it must paste whole), even when it alone is wider than a narrow terminal.
    fn is_command_argument(l: &str) -> bool {
        let t = l.trim_start();
        l.starts_with("     ")
            && (t.starts_with('\'') || t.starts_with("-H '") || t.starts_with("curl "))
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
                continue;
            }
            out.push(c);
        }
        out
    }
}
