//! The one answer of `explain` that every renderer shows, so text, JSON and Markdown cannot
//! disagree: the ranked causes (a confirmed cause the text did not suggest is added to the
//! list, never shown outside it), what the run says of each, and the fix — the confirming row's
//! own hint when a row shows the cause, so the fix explain gives is the fix the row gives.

use super::catalog::Cause;
use super::judge::{seen, Seen, Verdict};
use super::Explanation;
use crate::engine::model::{Finding, Report};

/// One cause as shown.
#[derive(Debug, Clone)]
pub struct Listed {
    /// 1-based place in the list.
    pub rank: usize,
    pub cause: &'static Cause,
    /// Suggested by the pasted text (false: added because the run confirmed it).
    pub suggested: bool,
    /// What the run says of it; `None` without a run.
    pub seen: Option<Seen>,
    /// The fix: the first showing row's hint, else the cause's usual fix.
    pub fix: String,
    /// The row whose hint `fix` is, when it is one.
    pub fix_from: Option<String>,
}

/// The verdict as shown.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// No run: the text alone.
    NotRun,
    /// `rank` is the confirmed cause's place in [`Answer::causes`].
    Confirmed {
        rank: usize,
        rows: Vec<Finding>,
        /// Ranks of the other confirmed causes.
        also: Vec<usize>,
        certain: bool,
    },
    Other(Vec<Finding>),
    NotReproduced,
}

/// Everything `explain` shows.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub input: &'a str,
    pub means: &'a [&'static str],
    pub causes: Vec<Listed>,
    pub outcome: Outcome,
    /// The API diagnosed, with a run.
    pub target: Option<&'a str>,
}

impl Answer<'_> {
    pub fn listed(&self, rank: usize) -> &Listed {
        &self.causes[rank - 1]
    }
}

/// The fix for a cause: the hint of the first row that shows it, else the cause's own.
fn fix_for(c: &Cause, report: Option<&Report>) -> (String, Option<String>) {
    let row = report.and_then(|r| {
        r.findings
            .iter()
            .filter(|f| super::judge::shows(c, f).is_some())
            .find(|f| f.hint.is_some())
    });
    match row {
        Some(f) => (f.hint.clone().unwrap_or_default(), Some(f.id.clone())),
        None => (c.fix.to_string(), None),
    }
}

fn listed(rank: usize, c: &'static Cause, suggested: bool, report: Option<&Report>) -> Listed {
    let (fix, fix_from) = fix_for(c, report);
    Listed {
        rank,
        cause: c,
        suggested,
        seen: report.map(|r| seen(c, r)),
        fix,
        fix_from,
    }
}

/// Build the answer for the text alone (`run` None) or for a run and its verdict.
pub fn answer<'a>(ex: &'a Explanation, run: Option<(&'a Report, &'a Verdict)>) -> Answer<'a> {
    let report = run.map(|(r, _)| r);
    let mut causes: Vec<Listed> = ex
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| listed(i + 1, c, true, report))
        .collect();
    let rank_of = |c: &'static Cause, causes: &mut Vec<Listed>| -> usize {
        if let Some(l) = causes.iter().find(|l| l.cause == c) {
            return l.rank;
        }
        let rank = causes.len() + 1;
        causes.push(listed(rank, c, false, report));
        rank
    };
    let outcome = match run {
        None => Outcome::NotRun,
        Some((
            _,
            Verdict::Confirmed {
                cause,
                rows,
                also,
                certain,
            },
        )) => Outcome::Confirmed {
            rank: rank_of(cause, &mut causes),
            rows: rows.clone(),
            also: also.iter().map(|c| rank_of(c, &mut causes)).collect(),
            certain: *certain,
        },
        Some((_, Verdict::Other(rows))) => Outcome::Other(rows.clone()),
        Some((_, Verdict::NotReproduced)) => Outcome::NotReproduced,
    };
    if let Outcome::Confirmed { rank, rows, .. } = &outcome {
        if let Some(f) = rows.iter().find(|f| f.hint.is_some()) {
            let l = &mut causes[rank - 1];
            l.fix = f.hint.clone().unwrap_or_default();
            l.fix_from = Some(f.id.clone());
        }
    }
    Answer {
        input: &ex.input,
        means: &ex.means,
        causes,
        outcome,
        target: report.map(|r| r.target.as_str()),
    }
}
