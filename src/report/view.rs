//! What every renderer shows, built once from a report: the verdict, the checklist matrix and the
//! root causes. Renderers only lay it out, so the terminal, Markdown, HTML and JSON tell one
//! story.

use super::causes::{self, Cause};
use super::checklist::{self, Checklist, Matrix};
use crate::engine::{Report, Status};
use serde::Serialize;

/// Whether the frontend can talk to its backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Everything checked passed.
    Ok,
    /// It works, with warnings.
    Warnings,
    /// Nothing failed, but something could not be checked for lack of input.
    Incomplete,
    /// conncheck could not decide (timeouts, its own failure) and nothing failed outright.
    Undecided,
    /// A check failed: the browser will refuse some calls.
    Blocked,
}

impl Outcome {
    pub fn status(self) -> Status {
        match self {
            Outcome::Ok => Status::Pass,
            Outcome::Warnings | Outcome::Incomplete => Status::Warn,
            Outcome::Undecided => Status::Error,
            Outcome::Blocked => Status::Fail,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Outcome::Ok => "OK",
            Outcome::Warnings => "OK, with warnings",
            Outcome::Incomplete => "INCOMPLETE",
            Outcome::Undecided => "UNDECIDED",
            Outcome::Blocked => "BLOCKED",
        }
    }
}

/// The verdict: the outcome and, when it is not OK, the causes in a few words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// One sentence: "the frontend cannot talk to its backend".
    pub sentence: String,
    /// The headlines of the causes that decide the outcome, worst first.
    pub causes: Vec<String>,
}

/// The whole view of one report.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub report: &'a Report,
    pub verdict: Verdict,
    pub matrix: Matrix,
    pub causes: Vec<Cause>,
}

fn incomplete_reasons(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if report.origins.is_empty() {
        out.push(crate::engine::words::missing_headline(
            crate::engine::fault::Missing::Origin,
        ));
    }
    for f in &report.findings {
        if let Some(u) = f.fault_as::<crate::engine::fault::Unchecked>() {
            let h = crate::engine::words::missing_headline(u.0);
            if !out.contains(&h) {
                out.push(h);
            }
        }
    }
    out
}

fn verdict(report: &Report, causes: &[Cause]) -> Verdict {
    let s = report.summary();
    let incomplete = incomplete_reasons(report);
    let outcome = if s.fail > 0 {
        Outcome::Blocked
    } else if s.error > 0 {
        Outcome::Undecided
    } else if !incomplete.is_empty() {
        Outcome::Incomplete
    } else if s.warn > 0 {
        Outcome::Warnings
    } else {
        Outcome::Ok
    };
    let deciding = |st: Status| -> Vec<String> {
        causes
            .iter()
            .filter(|c| c.status == st)
            .map(|c| c.headline.clone())
            .collect()
    };
    let (sentence, named) = match outcome {
        Outcome::Ok => (
            format!(
                "the frontend can talk to its backend: {} checks passed",
                s.pass
            ),
            vec![],
        ),
        Outcome::Warnings => (
            "the frontend can talk to its backend".to_string(),
            deciding(Status::Warn),
        ),
        Outcome::Incomplete => (
            "nothing failed, but not everything could be checked".to_string(),
            incomplete,
        ),
        Outcome::Undecided => (
            "conncheck could not decide whether the frontend can talk to its backend".to_string(),
            deciding(Status::Error),
        ),
        Outcome::Blocked => (
            "the frontend cannot talk to its backend".to_string(),
            deciding(Status::Fail),
        ),
    };
    Verdict {
        outcome,
        sentence,
        causes: named,
    }
}

impl<'a> View<'a> {
    pub fn new(report: &'a Report, checklist: &Checklist) -> View<'a> {
        let matrix = checklist::matrix(report, checklist);
        let causes = causes::causes(report, checklist, &matrix);
        let verdict = verdict(report, &causes);
        View {
            report,
            verdict,
            matrix,
            causes,
        }
    }

    /// With the default checklist.
    pub fn of(report: &'a Report) -> View<'a> {
        View::new(report, &Checklist::default_steps())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, Row, Subject};

    fn report(findings: Vec<Finding>, origins: &[&str]) -> Report {
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: origins.iter().map(|s| s.to_string()).collect(),
            origins_inferred: false,
            findings,
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn outcomes() {
        let pass = Finding::of(Row::DnsResolve, Subject::host("api.x.test", None), "r");
        let r = report(vec![pass.clone()], &["https://x.test"]);
        assert_eq!(View::of(&r).verdict.outcome, Outcome::Ok);
        let r = report(vec![pass.clone()], &[]);
        let v = View::of(&r).verdict;
        assert_eq!(v.outcome, Outcome::Incomplete, "no origin: CORS unchecked");
        assert!(v.causes[0].contains("--origin"));
        let r = report(vec![pass.clone().fail()], &["https://x.test"]);
        assert_eq!(View::of(&r).verdict.outcome, Outcome::Blocked);
        let r = report(vec![pass.warn()], &["https://x.test"]);
        assert_eq!(View::of(&r).verdict.outcome, Outcome::Warnings);
    }
}
