//! Many deployments at a glance: before each deployment's own report, one table of deployments
//! down and checklist sections across, each cell the worst status of the section's items for
//! that deployment. Sections are matched by number and name, so deployments laid out on the
//! same checklist share columns; a section a deployment has no row in is "·".

use super::markdown::cell;
use super::text::{clean, shorten, width};
use super::view::{Outcome, View};
use crate::engine::Status;

/// The roll-up of a run's views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollup {
    /// (number, name) of every section, in first-seen order.
    pub sections: Vec<(String, String)>,
    pub deployments: Vec<RollupRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupRow {
    /// The API base URL diagnosed.
    pub target: String,
    pub outcome: Outcome,
    /// One per section: the worst status of its items; `None` when the deployment has no row in it.
    pub cells: Vec<Option<Status>>,
}

/// Build the roll-up from each deployment's view.
pub fn rollup(views: &[View]) -> Rollup {
    let mut sections: Vec<(String, String)> = Vec::new();
    for v in views {
        for s in &v.matrix.sections {
            let key = (s.number.clone(), s.name.clone());
            if !sections.contains(&key) {
                sections.push(key);
            }
        }
    }
    let deployments = views
        .iter()
        .map(|v| RollupRow {
            target: v.report.target.clone(),
            outcome: v.verdict.outcome,
            cells: sections
                .iter()
                .map(|(number, name)| {
                    v.matrix
                        .sections
                        .iter()
                        .find(|s| &s.number == number && &s.name == name)
                        .and_then(|s| {
                            s.items
                                .iter()
                                .filter_map(|it| it.worst())
                                .reduce(Status::worst)
                        })
                })
                .collect(),
        })
        .collect();
    Rollup {
        sections,
        deployments,
    }
}

fn symbol(c: Option<Status>) -> &'static str {
    c.map(Status::symbol).unwrap_or("·")
}

/// The roll-up for a terminal `cols` wide: deployments down, section numbers across, the
/// sections' names in a legend under it.
pub fn render_table(r: &Rollup, cols: usize, color: bool) -> String {
    let paint = |s: &str, st: Status| super::table::paint(s, st, color);
    let mut out = format!("{} deployments\n\n", r.deployments.len());
    let cell_w = r
        .sections
        .iter()
        .map(|(n, _)| width(n) + 2)
        .max()
        .unwrap_or(3)
        .max(3);
    let max_label = cols
        .saturating_sub(cell_w * r.sections.len() + 2)
        .clamp(12, 60);
    let labels: Vec<String> = r
        .deployments
        .iter()
        .map(|d| {
            let st = d.outcome.status();
            shorten(&format!("{} {}", st.symbol(), clean(&d.target)), max_label)
        })
        .collect();
    let label_w = labels.iter().map(|l| width(l)).max().unwrap_or(10) + 1;
    let mut head = " ".repeat(label_w);
    for (n, _) in &r.sections {
        head.push_str(&format!("{n:^cell_w$}"));
    }
    out.push_str(head.trim_end());
    out.push('\n');
    for (d, l) in r.deployments.iter().zip(&labels) {
        let mut line = paint(l, d.outcome.status());
        line.push_str(&" ".repeat(label_w.saturating_sub(width(l))));
        for c in &d.cells {
            let sym = symbol(*c);
            let padded = format!("{sym:^cell_w$}");
            let painted = match c {
                Some(st) => padded.replacen(sym, &paint(sym, *st), 1),
                None => padded,
            };
            line.push_str(&painted);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let legend: Vec<String> = r
        .sections
        .iter()
        .map(|(n, name)| format!("{n} {}", clean(name)))
        .collect();
    let mut line = String::new();
    for e in legend {
        if !line.is_empty() && width(&line) + 3 + width(&e) > cols {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(&shorten(&e, cols));
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The roll-up as a Markdown table, section names as the headers.
pub fn render_markdown(r: &Rollup) -> String {
    let mut out = format!("## {} deployments\n\n| Deployment |", r.deployments.len());
    for (n, name) in &r.sections {
        out.push_str(&format!(" {} {} |", cell(n), cell(name)));
    }
    out.push_str("\n|---|");
    out.push_str(&":---:|".repeat(r.sections.len()));
    out.push('\n');
    for d in &r.deployments {
        out.push_str(&format!(
            "| {} {} |",
            d.outcome.status().symbol(),
            cell(&d.target)
        ));
        for c in &d.cells {
            out.push_str(&format!(" {} |", symbol(*c)));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, Report, Row, Subject};
    use crate::report::checklist::Checklist;

    fn report(target: &str, findings: Vec<Finding>) -> Report {
        Report {
            target: target.into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings,
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn each_cell_is_the_worst_of_its_section() {
        let dns = |host: &str| Finding::of(Row::DnsResolve, Subject::host(host, None), "r");
        let a = report(
            "https://api.x.test/api/v1/",
            vec![
                dns("api.x.test"),
                Finding::of(Row::TlsChain, Subject::host("api.x.test", None), "c").warn(),
            ],
        );
        let b = report(
            "https://backend.x.test/api/v1/",
            vec![dns("backend.x.test").fail()],
        );
        let steps = Checklist::default_steps();
        let views = [View::new(&a, &steps), View::new(&b, &steps)];
        let r = rollup(&views);
        let names: Vec<&str> = r.sections.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["Domain & DNS", "SSL/HTTPS"]);
        assert_eq!(
            r.deployments[0].cells,
            vec![Some(Status::Pass), Some(Status::Warn)]
        );
        assert_eq!(r.deployments[1].cells, vec![Some(Status::Fail), None]);
        assert_eq!(r.deployments[1].outcome, Outcome::Blocked);

        let text = render_table(&r, 80, false);
        assert!(text.lines().all(|l| width(l) <= 80), "{text}");
        assert!(text.contains("1 Domain & DNS · 5 SSL/HTTPS"), "{text}");
        let md = render_markdown(&r);
        assert!(
            md.contains("| Deployment | 1 Domain &amp; DNS | 5 SSL/HTTPS |"),
            "{md}"
        );
        assert!(
            md.contains("| ✖ https://backend.x.test/api/v1/ | ✖ | · |"),
            "{md}"
        );
    }
}
