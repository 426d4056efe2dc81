//! Rendering of `conncheck explain`: text for the terminal, Markdown for a support ticket (the
//! verdict first, then the evidence), JSON for tools. All three show one
//! [`Answer`](crate::explain::Answer); the decisions are made in [`crate::explain`].

use crate::engine::model::{Finding, Report};
use crate::engine::Row;
use crate::explain::model::Outcome;
use crate::explain::{answer, Answer, Explanation, Listed, Seen, Verdict};
use crate::redact::neutralize;
use serde_json::json;

type Run<'a> = Option<(&'a Report, &'a Verdict)>;

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
pub fn verdict_line(a: &Answer) -> Option<String> {
    let target = a.target?;
    Some(match &a.outcome {
        Outcome::NotRun => return None,
        Outcome::Confirmed { rank, certain, .. } => {
            let l = a.listed(*rank);
            let which = if l.suggested {
                format!("cause {rank}")
            } else {
                format!("cause {rank}, which the text did not suggest")
            };
            if *certain {
                format!(
                    "It is {which}: {} (confirmed against {target})",
                    l.cause.title
                )
            } else {
                format!(
                    "Probably {which}: {} (the evidence against {target} fits it but does not single it out)",
                    l.cause.title
                )
            }
        }
        Outcome::Other(rows) => format!(
            "None of the listed causes is confirmed, but {} check(s) fail against {target}: start with {}",
            rows.len(),
            rows.first().map(|f| f.id.as_str()).unwrap_or("")
        ),
        Outcome::NotReproduced => format!(
            "Not reproduced: every check for these causes passes against {target} now. The fault is likely on the user's side (network, extension, an old cached frontend build) or was temporary."
        ),
    })
}

/// Rows as people read them: the rows, or their modules when there are many (a network
/// fault can show on any row that makes a request).
fn rows_text(rows: &[Row]) -> String {
    if rows.len() <= 4 {
        return rows
            .iter()
            .map(|r| r.pattern())
            .collect::<Vec<_>>()
            .join(", ");
    }
    let mut modules: Vec<&str> = Vec::new();
    for r in rows {
        if !modules.contains(&r.module().name()) {
            modules.push(r.module().name());
        }
    }
    modules.join(", ")
}

fn rows_of(l: &Listed) -> String {
    rows_text(&l.cause.rows())
}

/// "✖ shown by dns.resolve" / "✔ not seen (checked by cors.preflight)" / "– not checked here
/// (needs tls.chain)" / "– not checked by conncheck"; without a run "checked by …".
pub fn seen_text(l: &Listed) -> String {
    match &l.seen {
        Some(Seen::Shown(ids)) => format!("✖ shown by {}", ids.join(", ")),
        Some(Seen::NotSeen(ran)) => format!("✔ not seen (checked by {})", rows_text(ran)),
        Some(Seen::NotChecked) => format!("– not checked here (needs {})", rows_of(l)),
        Some(Seen::NotCheckable) => "– not checked by conncheck".to_string(),
        None if l.cause.checkable() => format!("checked by {}", rows_of(l)),
        None => "– not checked by conncheck".to_string(),
    }
}

fn fix_text(l: &Listed) -> String {
    match &l.fix_from {
        Some(id) => format!("{} (from {id})", l.fix),
        None => l.fix.clone(),
    }
}

fn text_verdict(a: &Answer, out: &mut String) {
    let Some(v) = verdict_line(a) else { return };
    out.push_str(&format!("Verdict: {}\n", neutralize(&v)));
    match &a.outcome {
        Outcome::Confirmed {
            rank, rows, also, ..
        } => {
            out.push_str(&format!(
                "Fix: {}\n",
                neutralize(&fix_text(a.listed(*rank)))
            ));
            for f in rows {
                out.push_str(&format!("  {}\n", neutralize(&row_line(f))));
            }
            if !also.is_empty() {
                let ids: Vec<String> = also
                    .iter()
                    .map(|r| format!("{} [{}]", r, a.listed(*r).cause.id))
                    .collect();
                out.push_str(&format!("Also confirmed: causes {}\n", ids.join(", ")));
            }
        }
        Outcome::Other(rows) => {
            for f in rows {
                out.push_str(&format!("  {}\n", neutralize(&row_line(f))));
                if let Some(h) = &f.hint {
                    out.push_str(&format!("    → fix: {}\n", neutralize(h)));
                }
            }
        }
        _ => {}
    }
    out.push('\n');
}

pub fn text(ex: &Explanation, run: Run, modules: &[String]) -> String {
    let a = answer(ex, run);
    let mut out = String::new();
    text_verdict(&a, &mut out);
    out.push_str(&format!("You saw: {}\n", neutralize(a.input.trim())));
    for m in a.means {
        out.push_str(&format!("Meaning: {m}\n"));
    }
    out.push_str("\nLikely causes, most likely first:\n");
    for l in &a.causes {
        let added = if l.suggested {
            ""
        } else {
            " (found by the run)"
        };
        out.push_str(&format!(
            "{:>2}. {} [{}]{added}\n",
            l.rank, l.cause.title, l.cause.id
        ));
        out.push_str(&format!("    {}\n", seen_text(l)));
        out.push_str(&format!("    fix: {}\n", neutralize(&fix_text(l))));
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

fn md_verdict(a: &Answer, out: &mut String) {
    use super::markdown::cell;
    let Some(v) = verdict_line(a) else { return };
    out.push_str(&format!("**Verdict:** {}\n\n", cell(&v)));
    let rows = match &a.outcome {
        Outcome::Confirmed { rank, rows, .. } => {
            out.push_str(&format!(
                "**Fix:** {}\n\n",
                cell(&fix_text(a.listed(*rank)))
            ));
            rows
        }
        Outcome::Other(rows) => rows,
        _ => return,
    };
    out.push_str("**Evidence:**\n\n");
    for f in rows {
        out.push_str(&format!("- {}\n", md_row(f)));
    }
    out.push('\n');
}

pub fn markdown(ex: &Explanation, run: Run) -> String {
    use super::markdown::cell;
    let a = answer(ex, run);
    let mut out = String::from("### conncheck explain\n\n");
    md_verdict(&a, &mut out);
    out.push_str(&format!(
        "**The user saw:** `{}`\n\n",
        a.input.trim().replace('`', "'").replace('\n', " ")
    ));
    for m in a.means {
        out.push_str(&format!("- {}\n", cell(m)));
    }
    out.push_str("\n**Likely causes, most likely first:**\n\n");
    for l in &a.causes {
        let added = if l.suggested {
            ""
        } else {
            " (found by the run)"
        };
        out.push_str(&format!(
            "{}. {} (`{}`){added}: {} — fix: {}\n",
            l.rank,
            cell(l.cause.title),
            l.cause.id,
            cell(&seen_text(l)),
            cell(&fix_text(l))
        ));
    }
    if let Some((report, _)) = run {
        out.push_str("\n<details><summary>All checks run</summary>\n\n");
        out.push_str(&super::markdown::render(report));
        out.push_str("\n</details>\n");
    }
    out
}

fn seen_json(s: &Option<Seen>) -> serde_json::Value {
    match s {
        None => json!(null),
        Some(Seen::Shown(ids)) => json!({"kind": "shown", "rows": ids}),
        Some(Seen::NotSeen(ran)) => json!({
            "kind": "not-seen",
            "rows": ran.iter().map(|r| r.pattern()).collect::<Vec<_>>(),
        }),
        Some(Seen::NotChecked) => json!({"kind": "not-checked", "rows": []}),
        Some(Seen::NotCheckable) => json!({"kind": "not-checkable", "rows": []}),
    }
}

fn cause_json(l: &Listed) -> serde_json::Value {
    let rows: Vec<String> = l.cause.rows().iter().map(|r| r.pattern()).collect();
    json!({
        "rank": l.rank,
        "id": l.cause.id,
        "category": l.cause.category.name(),
        "title": l.cause.title,
        "fix": l.fix,
        "fix_from": l.fix_from,
        "suggested": l.suggested,
        "confirm": rows,
        "seen": seen_json(&l.seen),
    })
}

fn verdict_json(a: &Answer) -> serde_json::Value {
    let ids = |rows: &[Finding]| rows.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    match &a.outcome {
        Outcome::NotRun => json!({"kind": "not-run", "cause": null, "rows": []}),
        Outcome::Confirmed {
            rank,
            rows,
            also,
            certain,
        } => json!({
            "kind": "confirmed", "cause": a.listed(*rank).cause.id, "rank": rank,
            "certain": certain, "rows": ids(rows),
            "also": also.iter().map(|r| a.listed(*r).cause.id).collect::<Vec<_>>(),
        }),
        Outcome::Other(rows) => json!({"kind": "other", "cause": null, "rows": ids(rows)}),
        Outcome::NotReproduced => json!({"kind": "not-reproduced", "cause": null, "rows": []}),
    }
}

pub fn json(ex: &Explanation, run: Run) -> String {
    let a = answer(ex, run);
    let causes: Vec<_> = a.causes.iter().map(cause_json).collect();
    let report = run.map(|(r, _)| crate::report::json::JsonReport::from(r));
    serde_json::to_string_pretty(&json!({
        "input": a.input,
        "means": a.means,
        "causes": causes,
        "verdict": verdict_json(&a),
        "report": report,
    }))
    .expect("serialises")
        + "\n"
}
