//! One self-contained HTML page for support: the verdict, the checklist matrix, one entry per
//! root cause and the evidence row by row. No external assets, no script; every server-supplied
//! string is escaped, so hostile text is inert. `max_bytes` bounds the page (serve's index keeps
//! verdict, matrix and causes and truncates the evidence).

use super::text::{clean, shorten};
use super::view::View;
use crate::engine::{Report, Status};

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}\
h1{font-size:1.3em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}\
th{background:#f4f4f4}.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e;font-weight:bold}.skip{color:#777}.error{color:#8250df;font-weight:bold}\
td.c{text-align:center}pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\
.sec td{background:#fafafa;font-weight:bold}li{margin-bottom:.8em}";

fn status_span(s: Status) -> String {
    format!(
        "<span class=\"{}\" title=\"{}\">{}</span>",
        s.as_str(),
        s.as_str(),
        s.symbol()
    )
}

fn matrix(v: &View, out: &mut String) {
    let m = &v.matrix;
    out.push_str("<table id=\"matrix\"><thead><tr><th>Checklist</th>");
    for p in &m.parts {
        out.push_str(&format!(
            "<th title=\"{}\">{}</th>",
            esc(&p.name()),
            esc(&p.header())
        ));
    }
    out.push_str("</tr></thead><tbody>");
    for s in &m.sections {
        out.push_str(&format!(
            "<tr class=\"sec\"><td colspan=\"{}\">{} {}</td></tr>",
            m.parts.len() + 1,
            esc(&s.number),
            esc(&s.name)
        ));
        for it in &s.items {
            out.push_str(&format!(
                "<tr><td>{} {}</td>",
                esc(&it.number),
                esc(&it.label)
            ));
            for c in &it.cells {
                let cell = c.map(status_span).unwrap_or_else(|| "·".to_string());
                out.push_str(&format!("<td class=\"c\">{cell}</td>"));
            }
            out.push_str("</tr>");
        }
    }
    out.push_str("</tbody></table>");
}

fn causes(v: &View, out: &mut String) {
    if v.causes.is_empty() {
        out.push_str("<p>Nothing to fix.</p>");
        return;
    }
    out.push_str("<h2>What to fix</h2><ol id=\"causes\">");
    for c in &v.causes {
        out.push_str(&format!(
            "<li>{} <strong>{}</strong> — {} row(s){}",
            status_span(c.status),
            esc(&shorten(&c.headline, 400)),
            c.rows.len(),
            if c.items.is_empty() {
                String::new()
            } else {
                format!(" in {}", esc(&c.items.join(", ")))
            }
        ));
        if let Some(b) = &c.browser {
            out.push_str(&format!(
                "<br>browser: <code>{}</code>",
                esc(&shorten(b, 800))
            ));
        }
        if let Some(f) = &c.fix {
            out.push_str(&format!("<br>fix: {}", esc(&shorten(f, 800))));
        }
        if let Some(cmd) = &c.repro {
            out.push_str(&format!("<pre>{}</pre>", esc(cmd)));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
}

fn evidence(v: &View, out: &mut String, budget: usize) {
    let r = v.report;
    out.push_str("<details><summary>Evidence, row by row</summary><table><thead><tr><th>Status</th><th>Check</th><th>Evidence</th></tr></thead><tbody>");
    let mut left_out = 0;
    for (i, f) in r.findings.iter().enumerate() {
        let row = format!(
            "<tr><td>{} {}</td><td>{}</td><td><pre>{}</pre>{}</td></tr>",
            status_span(f.status),
            f.status.as_str(),
            esc(&shorten(&f.title, 300)),
            esc(&shorten(&f.detail, 2000)),
            f.hint
                .as_deref()
                .filter(|_| f.status != Status::Pass)
                .map(|h| format!("fix: {}", esc(&shorten(h, 800))))
                .unwrap_or_default()
        );
        if out.len() + row.len() + 400 > budget {
            left_out = r.findings.len() - i;
            break;
        }
        out.push_str(&row);
    }
    out.push_str("</tbody></table>");
    if left_out > 0 {
        out.push_str(&format!(
            "<p><em>{left_out} rows of evidence left out to keep this page within its size.</em></p>"
        ));
    }
    out.push_str("</details>");
}

/// The page, at most about `max_bytes` long (evidence is cut first).
pub fn render_view(v: &View, max_bytes: usize) -> String {
    let r = v.report;
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>conncheck: {}</title><style>{STYLE}</style></head><body>",
        esc(&r.target)
    );
    out.push_str(&format!(
        "<h1 id=\"verdict\">{} {}: {}</h1>",
        status_span(v.verdict.outcome.status()),
        esc(v.verdict.outcome.word()),
        esc(&v.verdict.sentence)
    ));
    if !v.verdict.causes.is_empty() {
        out.push_str("<ul>");
        for c in &v.verdict.causes {
            out.push_str(&format!("<li>{}</li>", esc(c)));
        }
        out.push_str("</ul>");
    }
    let origins = if r.origins.is_empty() {
        "no frontend origin".to_string()
    } else {
        r.origins.join(", ")
    };
    out.push_str(&format!(
        "<p>{} → API {}</p>",
        esc(&origins),
        esc(&r.target)
    ));
    if let Some(stack) = &r.stack {
        out.push_str(&format!("<p>API stack: {}</p>", esc(&stack.to_string())));
    }
    matrix(v, &mut out);
    causes(v, &mut out);
    evidence(v, &mut out, max_bytes);
    let s = r.summary();
    out.push_str(&format!(
        "<p>{} passed, {} warnings, {} failed, {} errors, {} skipped in {} ms</p></body></html>\n",
        s.pass, s.warn, s.fail, s.error, s.skip, r.duration_ms
    ));
    out
}

/// The byte budget of one report's page.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The page for a report on the default checklist, with a 2 MB budget.
pub fn render(report: &Report) -> String {
    render_view(&View::of(report), MAX_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, Row, Subject};

    #[test]
    fn hostile_text_is_escaped_and_the_page_is_self_contained() {
        let f = Finding::of(
            Row::CorsPreflight,
            Subject::call("https://x.test", "GET", "a/"),
            "t",
        )
        .fail()
        .detail("<script>alert(1)</script> \u{1b}[2J")
        .hint("\"><img src=x onerror=alert(1)>");
        let r = Report {
            target: "https://api.x.test/<b>".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: vec![f],
            duration_ms: 1,
            metrics: vec![],
            stack: None,
        };
        let html = render(&r);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains('\u{1b}'));
        assert!(!html.contains("src=\"http"), "no external assets");
        assert!(html.contains("id=\"matrix\""));
        assert!(html.contains("id=\"causes\""));
    }
}
