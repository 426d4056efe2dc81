//! JUnit XML for CI test reports (GitHub Actions test reporters, GitLab `artifacts:reports:junit`).
//!
//! Always one `<testsuites>` document. One deployment: one `<testsuite>` per checklist section;
//! several: one `<testsuite>` per deployment. Suites carry their start timestamp and time.
//! One `<testcase>` per row: `name` is the row's title, `classname` its stable id. fail →
//! `<failure>`, error → `<error>`, skip → `<skipped>`; the `message` is the reason (what was
//! seen: the first line of the evidence, else the browser's error), the text holds the
//! evidence, the fix and the browser's error. A warning is a passing testcase whose
//! `<system-out>` carries the warning (JUnit has no warning state); `--fail-on warn` still makes
//! the exit code 1.

use super::run::{Run, Timed};
use crate::engine::model::{Finding, Report, Section, Status};
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
use std::time::{Duration, SystemTime};

/// How long a reason may be: CI pages show it on one line; the body has the rest.
const REASON_CHARS: usize = 300;

/// The one-line reason a row failed: what was seen, else what the browser says, else the title.
pub fn reason(f: &Finding) -> String {
    let line = [f.detail.as_str(), f.browser_error.as_deref().unwrap_or("")]
        .into_iter()
        .filter_map(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
        .next()
        .unwrap_or(f.title.as_str());
    if line.chars().count() > REASON_CHARS {
        line.chars().take(REASON_CHARS - 1).collect::<String>() + "…"
    } else {
        line.to_string()
    }
}

/// The text under a failure: evidence, fix, browser error.
pub fn body(f: &Finding) -> String {
    let mut s = f.detail.clone();
    if let Some(h) = &f.hint {
        s.push_str("\nfix: ");
        s.push_str(h);
    }
    if let Some(b) = &f.browser_error {
        s.push_str("\nbrowser: ");
        s.push_str(b);
    }
    s
}

fn testcase(f: &Finding) -> TestCase {
    let status = match f.status {
        Status::Pass | Status::Warn => TestCaseStatus::success(),
        Status::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(f.detail.clone());
            s
        }
        Status::Fail | Status::Error => {
            let kind = if f.status == Status::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(reason(f))
                .set_type(f.id.clone())
                .set_description(body(f));
            s
        }
    };
    let mut tc = TestCase::new(f.title.clone(), status);
    tc.set_classname(f.id.clone())
        .set_time(Duration::from_millis(f.duration_ms));
    if f.status == Status::Warn {
        tc.set_system_out(format!("warning: {}", body(f)));
    } else if f.status == Status::Pass && !f.detail.is_empty() {
        tc.set_system_out(f.detail.clone());
    }
    tc
}

fn timestamp(t: SystemTime) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::<chrono::Utc>::from(t).fixed_offset()
}

/// One suite per checklist section of one deployment.
fn section_suites(t: &Timed) -> Vec<TestSuite> {
    let report = &t.report;
    let mut sections: Vec<Section> = report.findings.iter().map(|f| f.section).collect();
    sections.dedup();
    sections
        .into_iter()
        .map(|section| {
            let rows = report.findings.iter().filter(|f| f.section == section);
            suite(section.label(), t, rows)
        })
        .collect()
}

fn suite<'a>(name: String, t: &Timed, rows: impl Iterator<Item = &'a Finding>) -> TestSuite {
    let report = &t.report;
    let mut suite = TestSuite::new(name);
    suite.add_property(("target", report.target.as_str()));
    suite.add_property(("origins", report.origins.join(", ").as_str()));
    suite.set_timestamp(timestamp(t.started_at));
    let mut time = Duration::ZERO;
    for f in rows {
        time += Duration::from_millis(f.duration_ms);
        suite.add_test_case(testcase(f));
    }
    // The rows of a suite ran concurrently: the deployment's time bounds theirs.
    suite.set_time(time.min(Duration::from_millis(report.duration_ms)));
    suite
}

/// The JUnit document of a run: one deployment by section, several one suite each.
pub fn render_run(run: &Run) -> String {
    let name = match run.deployments.as_slice() {
        [one] => format!("conncheck {}", one.report.target),
        many => format!("conncheck ({} deployments)", many.len()),
    };
    let mut r = JReport::new(name);
    r.set_timestamp(timestamp(run.started_at));
    r.set_time(run.duration);
    match run.deployments.as_slice() {
        [one] => {
            r.add_test_suites(section_suites(one));
        }
        many => {
            for t in many {
                let name = format!("conncheck {}", t.report.target);
                r.add_test_suite(suite(name, t, t.report.findings.iter()));
            }
        }
    }
    r.to_string().expect("a JUnit report always serialises") + "\n"
}

/// The JUnit document of one report.
pub fn render(report: &Report) -> String {
    render_run(&Run::single(report.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Module;

    fn report() -> Report {
        Report {
            metrics: Vec::new(),
            stack: None,
            target: "https://api.x.test/api/v1/".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "api.x.test resolves").detail("A 127.0.0.1"),
                Finding::new(Module::Dns, "reach", "api.x.test reachable <&>")
                    .warn()
                    .detail("one dead address")
                    .hint("remove the A record"),
                Finding::new(Module::Cors, "preflight", "preflight from https://x.test")
                    .fail()
                    .detail("no Access-Control-Allow-Origin")
                    .hint("add https://x.test to CORS_ALLOWED_ORIGINS")
                    .browser_error("blocked by CORS policy"),
                Finding::new(Module::Jwt, "login", "login")
                    .skip()
                    .detail("no credentials"),
                Finding::new(Module::Jwt, "refresh", "refresh")
                    .error()
                    .detail("timed out"),
            ],
            duration_ms: 12,
        }
    }

    #[test]
    fn statuses_map_to_junit_elements_and_parse_back() {
        let xml = render(&report());
        let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        assert_eq!(parsed.tests, 5);
        assert_eq!(parsed.failures, 1);
        assert_eq!(parsed.errors, 1);
        assert_eq!(parsed.test_suites.len(), 3);
        let all: Vec<&TestCase> = parsed
            .test_suites
            .iter()
            .flat_map(|s| &s.test_cases)
            .collect();
        let by_id = |id: &str| {
            *all.iter()
                .find(|t| t.classname.as_ref().map(|c| c.as_str()) == Some(id))
                .unwrap()
        };
        match &by_id("cors.preflight").status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                description,
                ..
            } => {
                let d = description.as_ref().unwrap().as_str();
                assert!(d.contains("fix: add https://x.test to CORS_ALLOWED_ORIGINS"));
                assert!(d.contains("browser: blocked by CORS policy"));
            }
            other => panic!("{other:?}"),
        }
        match &by_id("cors.preflight").status {
            TestCaseStatus::NonSuccess { message, .. } => {
                assert_eq!(
                    message.as_ref().unwrap().as_str(),
                    "no Access-Control-Allow-Origin"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            by_id("jwt.refresh").status,
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Error,
                ..
            }
        ));
        assert!(matches!(
            by_id("jwt.login").status,
            TestCaseStatus::Skipped { .. }
        ));
        assert!(matches!(
            by_id("dns.reach").status,
            TestCaseStatus::Success { .. }
        ));
        assert_eq!(by_id("dns.reach").name.as_str(), "api.x.test reachable <&>");
        assert!(parsed.test_suites.iter().all(|s| s.timestamp.is_some()));
    }

    #[test]
    fn several_deployments_are_one_document_with_a_suite_each() {
        let mut second = report();
        second.target = "https://api.y.test/api/v1/".into();
        let mut run = Run::single(report());
        run.deployments.push(Timed {
            started_at: SystemTime::now(),
            report: second,
            checklist: None,
        });
        let xml = render_run(&run);
        let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        assert_eq!(parsed.test_suites.len(), 2);
        assert_eq!(parsed.tests, 10);
        assert_eq!(parsed.failures, 2);
        assert!(parsed.test_suites[1].name.as_str().contains("api.y.test"));
    }

    #[test]
    fn reason_is_what_was_seen_else_the_browser_error_else_the_title() {
        let f = Finding::new(Module::Cors, "actual", "t").fail();
        assert_eq!(reason(&f), "t");
        let f = f.browser_error("blocked by CORS policy");
        assert_eq!(reason(&f), "blocked by CORS policy");
        let f = f.detail("\nAccess-Control-Allow-Origin is sent twice\nmore");
        assert_eq!(reason(&f), "Access-Control-Allow-Origin is sent twice");
        let f = f.detail("é".repeat(1000));
        assert_eq!(reason(&f).chars().count(), REASON_CHARS);
    }
}
