//! Rendering of `conncheck explain`: text for the terminal, Markdown for a support ticket (the
//! verdict first, then the evidence), JSON for tools. The decisions are made in
//! [`crate::explain`]; this only shows them.

use crate::explain::{Explanation, Verdict};
use crate::model::{Finding, Report};
use crate::redact::neutralize;
use serde_json::json;

fn md_row(f: &Finding) -> String {
    use super::markdown::cell;
    let mut s = format!(
        "{} {} `{}` {}: {}",
        f.status.symbol(),
        f.status.as_str(),
        f.id,
        cell(&f.title),
        cell(f.detail.lines().next().unwrap_or(""))
    );
    if let Some(h) = &f.hint {
        s.push_str(&format!("<br>Fix: {}", cell(h)));
    }
    if let Some(b) = &f.browser_error {
        s.push_str(&format!("<br>Browser console: `{}`", b.replace('`', "'")));
    }
    s
}

fn row_line(f: &Finding) -> String {
    let mut s = format!(
        "{} {} {}: {}",
        f.status.symbol(),
        f.id,
        f.title,
        f.detail.lines().next().unwrap_or("")
    );
    if let Some(b) = &f.browser_error {
        s.push_str(&format!(" [browser: {b}]"));
    }
    s
}

/// The one-line verdict, or None without a run.
pub fn verdict_line(ex: &Explanation, run: Option<(&Report, &Verdict)>) -> Option<String> {
    let (report, v) = run?;
    Some(match v {
        Verdict::Confirmed { cause, certain, .. } => {
            let which = match ex.causes.iter().position(|c| c.id == cause.id) {
                Some(i) => format!("cause {}", i + 1),
                None => "a cause not listed below".to_string(),
            };
            if *certain {
                format!(
                    "It is {which}: {} (confirmed against {})",
                    cause.title, report.target
                )
            } else {
                format!(
                    "Probably {which}: {} (only a warning shows it against {})",
                    cause.title, report.target
                )
            }
        }
        Verdict::Other(rows) => format!(
            "None of the listed causes is confirmed, but {} check(s) fail against {}: start with {}",
            rows.len(),
            report.target,
            rows.first().map(|f| f.id.as_str()).unwrap_or("")
        ),
        Verdict::NotReproduced => format!(
            "Not reproduced: every check for these causes passes against {} now. The fault is likely on the user's side (network, extension, an old cached frontend build) or was temporary.",
            report.target
        ),
    })
}

pub fn text(ex: &Explanation, run: Option<(&Report, &Verdict)>, modules: &[String]) -> String {
    let mut out = String::new();
    if let Some(v) = verdict_line(ex, run) {
        out.push_str(&format!("Verdict: {}\n", neutralize(&v)));
        if let Some((
            _,
            Verdict::Confirmed {
                cause, rows, also, ..
            },
        )) = run
        {
            if !ex.causes.iter().any(|c| c.id == cause.id) {
                out.push_str(&format!("Cause: {} [{}]\n", cause.title, cause.id));
            }
            out.push_str(&format!("Fix: {}\n", cause.fix));
            for f in rows {
                out.push_str(&format!("  {}\n", neutralize(&row_line(f))));
                if let Some(h) = &f.hint {
                    out.push_str(&format!("    → fix: {}\n", neutralize(h)));
                }
            }
            if !also.is_empty() {
                let ids: Vec<&str> = also.iter().map(|c| c.id).collect();
                out.push_str(&format!("Also confirmed: {}\n", ids.join(", ")));
            }
        }
        if let Some((_, Verdict::Other(rows))) = run {
            for f in rows {
                out.push_str(&format!("  {}\n", neutralize(&row_line(f))));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("You saw: {}\n", neutralize(ex.input.trim())));
    for m in &ex.means {
        out.push_str(&format!("Meaning: {m}\n"));
    }
    out.push_str("\nLikely causes, most likely first:\n");
    for (i, c) in ex.causes.iter().enumerate() {
        out.push_str(&format!("{:>2}. {} [{}]\n", i + 1, c.title, c.id));
        if let Some((report, _)) = run {
            out.push_str(&format!("    {}\n", seen_text(c, report)));
        } else if !c.confirm.is_empty() {
            out.push_str(&format!("    checked by: {}\n", c.confirm.join(", ")));
        }
        out.push_str(&format!("    fix: {}\n", c.fix));
    }
    if run.is_none() {
        out.push_str(
            "\nRun it against the API to find which one it is:\n  conncheck explain \"<text>\" api.example.com --origin https://example.com\n",
        );
        if !modules.is_empty() {
            out.push_str(&format!("  (runs: {})\n", modules.join(", ")));
        }
    }
    out
}

/// "✖ shown by dns.resolve" / "✔ not seen (checked by cors)" / "– not checked here (needs tls)".
pub fn seen_text(c: &crate::explain::Cause, report: &Report) -> String {
    use crate::explain::{seen, Seen};
    match seen(c, report) {
        Seen::Shown(ids) => format!("✖ shown by {}", ids.join(", ")),
        Seen::NotSeen => format!("✔ not seen (checked by {})", c.confirm.join(", ")),
        Seen::NotChecked if c.confirm.is_empty() => "– cannot be checked from here".to_string(),
        Seen::NotChecked => format!("– not checked here (needs {})", c.confirm.join(", ")),
    }
}

pub fn markdown(ex: &Explanation, run: Option<(&Report, &Verdict)>) -> String {
    use super::markdown::cell;
    let mut out = String::from("### conncheck explain\n\n");
    if let Some(v) = verdict_line(ex, run) {
        out.push_str(&format!("**Verdict:** {}\n\n", cell(&v)));
        match run {
            Some((_, Verdict::Confirmed { cause, rows, .. })) => {
                if !ex.causes.iter().any(|c| c.id == cause.id) {
                    out.push_str(&format!(
                        "**Cause:** {} (`{}`)\n\n",
                        cell(cause.title),
                        cause.id
                    ));
                }
                out.push_str(&format!(
                    "**Fix:** {}\n\n**Evidence:**\n\n",
                    cell(cause.fix)
                ));
                for f in rows {
                    out.push_str(&format!("- {}\n", md_row(f)));
                }
                out.push('\n');
            }
            Some((_, Verdict::Other(rows))) => {
                out.push_str("**Evidence:**\n\n");
                for f in rows {
                    out.push_str(&format!("- {}\n", md_row(f)));
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out.push_str(&format!(
        "**The user saw:** `{}`\n\n",
        ex.input.trim().replace('`', "'").replace('\n', " ")
    ));
    for m in &ex.means {
        out.push_str(&format!("- {}\n", cell(m)));
    }
    out.push_str("\n**Likely causes, most likely first:**\n\n");
    for (i, c) in ex.causes.iter().enumerate() {
        if let Some((report, _)) = run {
            out.push_str(&format!(
                "{}. {} (`{}`): {} — fix: {}\n",
                i + 1,
                cell(c.title),
                c.id,
                seen_text(c, report),
                cell(c.fix)
            ));
            continue;
        }
        out.push_str(&format!(
            "{}. {} (`{}`; checks: {}) — fix: {}\n",
            i + 1,
            cell(c.title),
            c.id,
            if c.confirm.is_empty() {
                "none".to_string()
            } else {
                c.confirm
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            cell(c.fix)
        ));
    }
    if let Some((report, _)) = run {
        out.push_str("\n<details><summary>All checks run</summary>\n\n");
        out.push_str(&super::markdown::render(report));
        out.push_str("\n</details>\n");
    }
    out
}

pub fn json(ex: &Explanation, run: Option<(&Report, &Verdict)>) -> String {
    let causes: Vec<_> = ex
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({"rank": i + 1, "id": c.id, "title": c.title, "fix": c.fix, "confirm": c.confirm})
        })
        .collect();
    let verdict = match run {
        None => json!({"kind": "not-run", "cause": null, "rows": []}),
        Some((_, Verdict::Confirmed { cause, rows, .. })) => json!({
            "kind": "confirmed", "cause": cause.id,
            "rows": rows.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
        }),
        Some((_, Verdict::Other(rows))) => json!({
            "kind": "other", "cause": null,
            "rows": rows.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
        }),
        Some((_, Verdict::NotReproduced)) => {
            json!({"kind": "not-reproduced", "cause": null, "rows": []})
        }
    };
    let report = run.map(|(r, _)| crate::report::json::JsonReport::from(r));
    serde_json::to_string_pretty(&json!({
        "input": ex.input,
        "means": ex.means,
        "causes": causes,
        "verdict": verdict,
        "report": report,
    }))
    .expect("serialises")
        + "\n"
}
