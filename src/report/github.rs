//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per problem, shown on
//! the run's summary page. Takes a list of annotations so the caller decides what one is (today
//! one per failing or warning row; one per cause once rows are grouped by cause).

use crate::engine::model::{Report, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One annotation: its level, a title and the message (the fix goes in the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub title: String,
    pub message: String,
}

/// One annotation per failing, undecided or warning row: the title names the row, the message
/// says what was seen and the fix.
pub fn annotations(report: &Report) -> Vec<Annotation> {
    let view = super::view::View::of(report);
    view.causes
        .iter()
        .filter_map(|c| {
            let level = match c.status {
                Status::Fail | Status::Error => Level::Error,
                Status::Warn => Level::Warning,
                Status::Pass | Status::Skip => return None,
            };
            let mut message = format!(
                "{} row{}",
                c.rows.len(),
                if c.rows.len() == 1 { "" } else { "s" }
            );
            if !c.items.is_empty() {
                message.push_str(&format!(" in {}", c.items.join(", ")));
            }
            if let Some(b) = &c.browser {
                message.push_str(&format!("\nbrowser: {b}"));
            }
            if let Some(h) = &c.fix {
                message.push_str(&format!("\nfix: {h}"));
            }
            if let Some(r) = &c.repro {
                message.push_str(&format!("\nreproduce: {r}"));
            }
            Some(Annotation {
                level,
                title: super::text::shorten(&c.headline, 200),
                message,
            })
        })
        .collect()
}

/// The workflow command lines, one per annotation.
pub fn render(annotations: &[Annotation]) -> String {
    annotations
        .iter()
        .map(|a| {
            let level = match a.level {
                Level::Error => "error",
                Level::Warning => "warning",
            };
            format!(
                "::{level} title={}::{}\n",
                escape_property(&a.title),
                escape_data(&a.message)
            )
        })
        .collect()
}

/// A message: `%`, CR and LF escaped, so one annotation stays one line.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end a property.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Finding, Module};

    #[test]
    fn one_line_per_annotation_with_escapes() {
        let a = [
            Annotation {
                level: Level::Error,
                title: "cors.actual CORS from https://x.test, POST".into(),
                message: "sent twice: 100%\nfix: send it once".into(),
            },
            Annotation {
                level: Level::Warning,
                title: "tls.expiry".into(),
                message: "expires in 3 days".into(),
            },
        ];
        assert_eq!(
            render(&a),
            "::error title=cors.actual CORS from https%3A//x.test%2C POST::sent twice: 100%25%0Afix: send it once\n\
             ::warning title=tls.expiry::expires in 3 days\n"
        );
    }

    #[test]
    fn each_root_cause_becomes_one_annotation_worst_first() {
        let report = Report {
            metrics: Vec::new(),
            stack: None,
            target: "https://api.x.test/api/v1/".into(),
            origins: Vec::new(),
            origins_inferred: false,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "ok"),
                Finding::new(Module::Dns, "reach", "reach")
                    .warn()
                    .detail("one dead"),
                Finding::new(Module::Cors, "preflight", "pf")
                    .fail()
                    .detail("no ACAO")
                    .hint("allow it"),
                Finding::new(Module::Jwt, "login", "login").skip(),
            ],
            duration_ms: 1,
        };
        let a = annotations(&report);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].level, Level::Error);
        assert_eq!(a[1].level, Level::Warning);
        assert!(a[0].title.starts_with("pf"), "{}", a[0].title);
        assert!(a[0].message.contains("fix: allow it"), "{}", a[0].message);
    }
}
