//! The CI contract: report files written beside the terminal output from the same run, one
//! JUnit document for several deployments with the reason in `message`, GitHub Actions
//! annotations and step summary, the published JSON Schema, and exit codes 0/1/2/3.
mod common;
use conncheck::lab::{Lab, LabOptions};
use conncheck::report::json::JsonDocument;
use quick_junit::{NonSuccessKind, TestCaseStatus};
use std::path::PathBuf;
use std::process::Output;

/// A fresh directory for this test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("conncheck-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// Run the binary with no credentials and no GitHub environment but what `env` adds.
async fn conncheck(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = tokio::process::Command::new(common::bin());
    cmd.args(args)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().await.unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JUnit failures of a document: (testcase name, message).
fn failures(xml: &str) -> Vec<(String, String)> {
    let parsed = quick_junit::Report::deserialize_from_str(xml).expect("one valid JUnit document");
    parsed
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter_map(|t| match &t.status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                message,
                ..
            } => Some((
                t.name.to_string(),
                message.as_ref().map(|m| m.to_string()).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn one_run_writes_every_report_file_beside_the_table() {
    let d = dir("files");
    let (xml, json, md) = (d.join("a.xml"), d.join("a.json"), d.join("a.md"));
    let out = conncheck(
        &[
            "demo",
            "cors-duplicate-header",
            "--report-junit",
            path(&xml),
            "--report-json",
            path(&json),
            "--report-markdown",
            path(&md),
        ],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("✖ BLOCKED") && table.contains("3 CORS") && table.contains("What to fix"),
        "{table}"
    );

    let doc: JsonDocument = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc.schema_version, 2);
    assert_eq!(doc.deployments.len(), 1);
    let failed: Vec<_> = doc.deployments[0]
        .checks
        .iter()
        .filter(|c| c.status == conncheck::engine::model::Status::Fail)
        .collect();
    assert!(
        failed.iter().any(|c| c.id.starts_with("cors.")),
        "{failed:?}"
    );

    // The same run: the JUnit has the JSON's failures, each with its reason as the message.
    let xml = std::fs::read_to_string(&xml).unwrap();
    let junit = failures(&xml);
    assert_eq!(junit.len(), failed.len());
    for ((name, message), row) in junit.iter().zip(&failed) {
        assert_eq!(name, &row.title);
        assert_ne!(
            message, name,
            "the message is the reason, not the test name"
        );
        let seen = row.detail.lines().find(|l| !l.trim().is_empty()).unwrap();
        let shown = message.trim_end_matches('…');
        assert!(seen.trim().starts_with(shown), "{message} vs {seen}");
    }

    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("failed") && md.contains("cors."), "{md}");
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test]
async fn two_targets_give_one_junit_document_with_the_reason_in_message() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("dns-nxdomain").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let mut args = lab.args();
    let second = lab.target().replace("api.tiktrue.test", "www.tiktrue.test");
    args.insert(1, second);
    args.extend(["--format", "junit", "--only", "dns"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = conncheck(&args, &[]).await;
    lab.shutdown().await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml.matches("<testsuites").count(), 1, "{xml}");
    let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(parsed.test_suites.len(), 2, "one suite per deployment");
    assert!(parsed.test_suites.iter().all(|s| s.timestamp.is_some()));
    let failed = failures(&xml);
    assert!(!failed.is_empty());
    for (name, message) in &failed {
        assert!(!message.is_empty() && message != name, "{name}: {message}");
    }
    assert!(
        failed.iter().any(|(_, m)| m.contains("NXDOMAIN")),
        "{failed:?}"
    );
}

#[tokio::test]
async fn github_actions_gets_annotations_and_the_step_summary() {
    let d = dir("github");
    let summary = d.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = conncheck(
        &["demo", "cors-duplicate-header", "--format", "json"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", path(&summary)),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("::error ")).collect();
    assert!(!errors.is_empty(), "{err}");
    assert!(
        errors
            .iter()
            .any(|l| l.contains("Access-Control-Allow-Origin")),
        "{err}"
    );
    // stdout stays the JSON document; one annotation per root cause, not per row.
    let doc: JsonDocument = serde_json::from_slice(&out.stdout).unwrap();
    assert!(errors.len() < doc.summary.fail + doc.summary.error, "{err}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n"), "appended, not replaced");
    assert!(
        text.contains("BLOCKED") && text.contains("What to fix"),
        "{text}"
    );

    // Outside GitHub Actions: no workflow commands.
    let out = conncheck(&["demo", "cors-duplicate-header", "--format", "json"], &[]).await;
    assert!(!stderr(&out).contains("::error"));
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test]
async fn every_json_output_validates_against_the_published_schema() {
    let published = include_str!("../schema/report.schema.json");
    assert_eq!(
        published,
        conncheck::report::json::schema(),
        "schema/report.schema.json is stale: cargo run --example schema > schema/report.schema.json"
    );
    let schema: serde_json::Value = serde_json::from_str(published).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema");

    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let one: Vec<String> = lab.args();
    let mut two = lab.args();
    two.insert(
        1,
        lab.target().replace("api.tiktrue.test", "www.tiktrue.test"),
    );
    let d = dir("schema");
    let file = d.join("r.json");
    let mut outputs = Vec::new();
    for (args, extra) in [(&one, vec![]), (&two, vec!["--only", "dns,tls"])] {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--format", "json", "--report-json", path(&file)]);
        a.extend(extra);
        let out = conncheck(&a, &[]).await;
        assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
        outputs.push(String::from_utf8(out.stdout).unwrap());
        outputs.push(std::fs::read_to_string(&file).unwrap());
    }
    lab.shutdown().await;
    for text in &outputs {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let deployments: Vec<usize> = outputs
        .iter()
        .map(|t| {
            serde_json::from_str::<JsonDocument>(t)
                .unwrap()
                .deployments
                .len()
        })
        .collect();
    assert_eq!(deployments, [1, 1, 2, 2]);
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test]
async fn a_report_file_that_cannot_be_written_exits_3_after_the_report() {
    let d = dir("unwritable");
    let bad = d.join("no-such-dir").join("r.xml");
    let out = conncheck(
        &[
            "demo",
            "--only",
            "dns",
            "--format",
            "json",
            "--report-junit",
            path(&bad),
        ],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write the report file"));
    // The report itself still reached stdout.
    let doc: JsonDocument = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.summary.fail, 0);
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test]
async fn serve_on_a_taken_port_exits_3() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = conncheck(&["serve", "--listen", &addr], &[]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot listen"), "{}", stderr(&out));
}

#[tokio::test]
async fn fail_on_chooses_which_status_exits_1() {
    let run = |fail_on: &'static str| async move {
        conncheck(
            &[
                "demo",
                "dns-nxdomain",
                "--only",
                "dns",
                "--fail-on",
                fail_on,
            ],
            &[],
        )
        .await
        .status
        .code()
    };
    assert_eq!(run("fail").await, Some(1));
    assert_eq!(run("never").await, Some(0));
}

#[tokio::test]
async fn man_writes_a_page_per_command() {
    let d = dir("man");
    let out = conncheck(&["man", "--dir", path(&d)], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in [
        "conncheck.1",
        "conncheck-demo.1",
        "conncheck-explain.1",
        "conncheck-serve.1",
    ] {
        let text = std::fs::read_to_string(d.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            text.contains(".SH EXAMPLES") && text.contains(".SH \"EXIT STATUS\""),
            "{page}"
        );
    }
    // The main page names the pages it refers to, and they exist.
    let main = std::fs::read_to_string(d.join("conncheck.1")).unwrap();
    assert!(main.contains("conncheck\\-explain(1)"), "{main}");
    let serve = std::fs::read_to_string(d.join("conncheck-serve.1")).unwrap();
    assert!(!serve.contains("\\-\\-format"), "serve takes no --format");
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test]
async fn explain_with_a_target_writes_the_report_files_too() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("dns-nxdomain").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let d = dir("explain");
    let xml = d.join("e.xml");
    let mut args = vec!["explain".to_string(), "net::ERR_NAME_NOT_RESOLVED".into()];
    args.extend(lab.args());
    args.extend(["--report-junit".into(), path(&xml).to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = conncheck(&args, &[]).await;
    lab.shutdown().await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let failed = failures(&std::fs::read_to_string(&xml).unwrap());
    assert!(
        failed.iter().any(|(_, m)| m.contains("NXDOMAIN")),
        "{failed:?}"
    );
    // Without a target there is no run to report on.
    let out = conncheck(
        &["explain", "Network Error", "--report-junit", path(&xml)],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(d);
}
