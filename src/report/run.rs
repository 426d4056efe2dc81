//! One invocation's reports: every deployment diagnosed, each with when it started, and the run's
//! own start and duration. The machine-readable renderers (JSON, JUnit) take this, so one
//! deployment and many give the same kind of document.

use super::checklist::Checklist;
use crate::engine::model::{Report, Summary};
use crate::target::ChecklistSpec;
use std::time::{Duration, SystemTime};

/// One deployment's report and when its diagnosis started.
#[derive(Debug, Clone)]
pub struct Timed {
    pub started_at: SystemTime,
    pub report: Report,
    /// The checklist the deployment's profile declares (`None`: the default steps).
    pub checklist: Option<ChecklistSpec>,
}

impl Timed {
    /// The checklist every renderer lays this report out on.
    pub fn checklist(&self) -> Checklist {
        Checklist::for_spec(self.checklist.as_ref())
    }
}

/// Every report of one invocation, in input order.
#[derive(Debug, Clone)]
pub struct Run {
    pub started_at: SystemTime,
    pub duration: Duration,
    pub deployments: Vec<Timed>,
}

impl Run {
    /// A run that started at `started_at` and just finished.
    pub fn finished(started_at: SystemTime, deployments: Vec<Timed>) -> Run {
        Run {
            started_at,
            duration: started_at.elapsed().unwrap_or_default(),
            deployments,
        }
    }

    /// A run of one report that just finished (its start derived from its duration).
    pub fn single(report: Report) -> Run {
        let duration = Duration::from_millis(report.duration_ms);
        let started_at = SystemTime::now()
            .checked_sub(duration)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        Run {
            started_at,
            duration,
            deployments: vec![Timed {
                started_at,
                report,
                checklist: None,
            }],
        }
    }

    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.deployments.iter().map(|t| &t.report)
    }

    /// The rows of every deployment counted together.
    pub fn summary(&self) -> Summary {
        let mut total = Summary::default();
        for r in self.reports() {
            let s = r.summary();
            total.pass += s.pass;
            total.warn += s.warn;
            total.fail += s.fail;
            total.skip += s.skip;
            total.error += s.error;
        }
        total
    }
}

/// RFC 3339 in UTC with milliseconds (`2026-12-06T22:04:05.123Z`).
pub fn rfc3339(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123Z");
    }
}
