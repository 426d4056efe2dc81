//! JUnit XML for CI test reports (GitHub Actions test reporters, GitLab `artifacts:reports:junit`).
//!
//! One `<testsuite>` per checklist section, one `<testcase>` per row: `name` is the row's title,
//! `classname` its stable id. fail → `<failure>`, error → `<error>`, skip → `<skipped>`; the
//! message is the title and the text holds the evidence, the fix and the browser's error. A
//! warning is a passing testcase whose `<system-out>` carries the warning (JUnit has no warning
//! state); `--fail-on warn` still makes the exit code 1.

use crate::model::{Finding, Report, Section, Status};
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

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
            s.set_message(f.title.clone())
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

pub fn render(report: &Report) -> String {
    let mut r = JReport::new(format!("conncheck {}", report.target));
    r.set_time(Duration::from_millis(report.duration_ms));
    let mut sections: Vec<Section> = report.findings.iter().map(|f| f.section).collect();
    sections.dedup();
    for section in sections {
        let mut suite = TestSuite::new(section.label());
        suite.add_property(("target", report.target.as_str()));
        suite.add_property(("origins", report.origins.join(", ").as_str()));
        for f in report.findings.iter().filter(|f| f.section == section) {
            suite.add_test_case(testcase(f));
        }
        r.add_test_suite(suite);
    }
    r.to_string().expect("a JUnit report always serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Module;

    fn report() -> Report {
        Report {
            metrics: Vec::new(),
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
    }
}
