//! Where people work: profiles, CI formats, `explain`, completions, against the lab.
mod common;
use common::*;
use conncheck::engine::model::Status;
use conncheck::lab::{Lab, LabOptions};
use std::path::PathBuf;

async fn lab(name: &str) -> Lab {
    let s = conncheck::lab::scenarios::find(name).expect("scenario exists");
    Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts")
}

/// Run the binary with exactly these arguments (no lab defaults added), the lab user's
/// credentials in the environment.
async fn raw(lab: &Lab, args: &[String]) -> std::process::Output {
    let c = lab.credentials();
    tokio::process::Command::new(bin())
        .args(args)
        .env("NO_COLOR", "1")
        .env("CONNCHECK_USERNAME", c.username)
        .env("CONNCHECK_PASSWORD", c.password)
        .output()
        .await
        .expect("conncheck runs")
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|a| a.to_string()).collect()
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conncheck-wf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn assert_all_pass(r: &Run) {
    assert!(!r.report.checks.is_empty());
    for c in &r.report.checks {
        assert!(
            matches!(c.status, Status::Pass | Status::Skip),
            "{} {}: {} | {}",
            c.id,
            c.status,
            c.title,
            c.detail
        );
    }
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[tokio::test]
async fn shipped_tiktrue_profile_runs_against_the_tiktrue_shaped_lab() {
    let r = run_scenario("healthy", &["--profile", "tiktrue"]).await;
    assert_all_pass(&r);
    // The command line (the lab's TARGET and origins) overrides the profile's real hosts.
    assert!(
        r.report.target.contains("api.tiktrue.test"),
        "{}",
        r.report.target
    );
    assert!(r.report.origins.iter().all(|o| o.contains(".test")));
}

#[tokio::test]
async fn shipped_generic_profile_runs_against_a_simplejwt_shaped_lab() {
    let r = run_scenario("simplejwt", &["--profile", "django-simplejwt"]).await;
    assert_all_pass(&r);
    assert!(r.report.target.contains("api.tiktrue.test"));
}

#[tokio::test]
async fn shipped_plane_profile_runs_against_the_plane_shaped_lab() {
    let r = run_scenario("plane", &["--profile", "plane"]).await;
    assert_all_pass(&r);
    assert!(r.report.target.contains("plane-api.mohdop.test"));
    assert_eq!(r.report.origins.len(), 1);
    // The API host, the frontend and the WebSocket host (same as the frontend) all resolve.
    let titles: Vec<&str> = r
        .rows("dns.resolve")
        .iter()
        .map(|f| f.title.as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("plane-api.mohdop.test")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("plane.mohdop.test")),
        "{titles:?}"
    );
}

#[tokio::test]
async fn a_profile_names_the_api_so_target_is_optional() {
    let lab = lab("healthy").await;
    let mut args = lab.args();
    let target = args.remove(0);
    let profile = temp_file(
        "own.toml",
        &format!("[api]\nbase = \"{target}\"\n[frontend]\norigins = [\"https://nowhere.test\"]\n"),
    );
    // Origins from the command line replace the profile's.
    args.extend(s(&[
        "--profile",
        profile.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let r = parse(raw(&lab, &args).await);
    assert_eq!(r.report.target, format!("{target}/"));
    assert!(!r.report.origins.iter().any(|o| o.contains("nowhere")));
    assert_all_pass(&r);
}

#[tokio::test]
async fn profile_overrides_change_severity_and_skip_rows() {
    let lab = lab("dns-nxdomain").await;
    let warn = temp_file(
        "warn.toml",
        "[checks.\"dns.resolve\"]\nseverity = \"warn\"\n[checks.\"dns.reach\"]\nskip = \"checked by the platform\"\n",
    );
    let r = run_against(&lab, &["--profile", warn.to_str().unwrap()], true).await;
    let f = r.find("dns.resolve", Status::Warn);
    assert!(
        f.detail.contains("severity set to warn by profile"),
        "{}",
        f.detail
    );
    assert!(r
        .rows("dns.reach")
        .iter()
        .all(|f| f.status == Status::Skip && f.detail.contains("checked by the platform")));
    assert_eq!(r.code, 0, "a warning does not fail the run by default");
    // --fail-on warn makes the same report fail.
    let r = run_against(
        &lab,
        &["--profile", warn.to_str().unwrap(), "--fail-on", "warn"],
        true,
    )
    .await;
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn profile_dns_expectation_applies_and_the_command_line_overrides_it() {
    let lab = lab("dns-cname").await;
    let p = temp_file(
        "cname.toml",
        "[dns]\nexpect_cname = \"other-app.liara.test\"\n",
    );
    // The scenario's own --expect-cname (from lab.args) would win, so drop it.
    let mut args: Vec<String> = lab.args();
    let i = args.iter().position(|a| a == "--expect-cname").unwrap();
    args.drain(i..i + 2);
    args.extend(s(&[
        "--only",
        "dns",
        "--format",
        "json",
        "--profile",
        p.to_str().unwrap(),
    ]));
    let r = parse(raw(&lab, &args).await);
    let f = r.find("dns.resolve", Status::Fail);
    assert!(
        f.detail.contains("tiktrue-backend.liara.test"),
        "{}",
        f.detail
    );
    args.extend(s(&["--expect-cname", "tiktrue-backend.liara.test"]));
    let r = parse(raw(&lab, &args).await);
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn bad_profiles_exit_2_naming_file_line_and_key() {
    let cases = [
        (
            "typo.toml",
            "[api]\nbase = \"https://api.x.test\"\norigin = \"x\"\n",
            ":3:1: key `api.origin`: unknown field `origin`",
        ),
        (
            "type.toml",
            "[frontend]\norigins = \"https://x.test\"\n",
            ":2:11: key `frontend.origins`: invalid type",
        ),
        (
            "url.toml",
            "[api]\nbase = \"https://\"\n",
            ":2:8: key `api.base`: not a valid URL",
        ),
    ];
    for (name, text, want) in cases {
        let p = temp_file(name, text);
        let out = tokio::process::Command::new(bin())
            .args(["api.x.test", "--profile", p.to_str().unwrap()])
            .output()
            .await
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(name) && err.contains(want),
            "{err}\nwant: {want}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[tokio::test]
async fn junit_has_the_required_structure_one_testcase_per_row() {
    let lab = lab("dns-nxdomain").await;
    let json = run_against(&lab, &[], true).await;
    let mut args = lab.args();
    args.extend(s(&["--format", "junit"]));
    let out = raw(&lab, &args).await;
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();

    // Parse it back with a JUnit reader.
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(parsed.tests, json.report.checks.len());
    assert_eq!(parsed.failures, json.report.summary.fail);
    assert_eq!(parsed.errors, json.report.summary.error);

    // And check the schema's required elements and attributes with a plain XML reader.
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    let mut root = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attrs: Vec<String> = e
                    .attributes()
                    .map(|a| String::from_utf8(a.unwrap().key.as_ref().to_vec()).unwrap())
                    .collect();
                let has = |k: &str| attrs.iter().any(|a| a == k);
                root.get_or_insert(name.clone());
                match name.as_str() {
                    "testsuite" => {
                        suites += 1;
                        for k in ["name", "tests", "failures", "errors"] {
                            assert!(has(k), "testsuite lacks {k}");
                        }
                    }
                    "testcase" => {
                        cases += 1;
                        assert!(has("name") && has("classname"), "{attrs:?}");
                    }
                    "failure" => {
                        failures += 1;
                        assert!(has("message") && has("type"));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(root.as_deref(), Some("testsuites"));
    assert!(suites >= 1);
    assert_eq!(cases, json.report.checks.len());
    assert_eq!(failures, json.report.summary.fail);
    // The failure carries the evidence, the fix and the browser's error.
    assert!(xml.contains("NXDOMAIN"));
    assert!(xml.contains("fix: "));
    assert!(xml.contains("browser: net::ERR_NAME_NOT_RESOLVED"));
}

#[tokio::test]
async fn markdown_shows_the_same_rows_as_the_json_and_the_verdict_first() {
    let lab = lab("dns-nxdomain").await;
    let json = run_against(&lab, &[], true).await;
    let mut args = lab.args();
    args.extend(s(&["--format", "markdown"]));
    let out = raw(&lab, &args).await;
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("### ❌ BLOCKED"), "verdict first:\n{md}");
    let matrix = md.find("| Checklist |").expect("matrix");
    assert!(matrix < md.find("#### What to fix").unwrap());
    assert!(
        md.contains("browser: net::ERR\\_NAME\\_NOT\\_RESOLVED"),
        "{md}"
    );
    assert!(md.contains("<details>"));
    // Every row's evidence is there, under its checklist item.
    for c in &json.report.checks {
        let cell = format!(
            "| {} {} | {} |",
            c.status.symbol(),
            c.status.as_str(),
            conncheck::report::markdown::cell(&c.title)
        );
        assert!(md.contains(&cell), "missing {cell}\n{md}");
    }
}

#[tokio::test]
async fn explain_with_a_target_names_the_confirmed_cause() {
    let lab = lab("dns-nxdomain").await;
    let mut args = s(&[
        "explain",
        "GET https://api.tiktrue.test/api/v1/health/ net::ERR_NAME_NOT_RESOLVED",
    ]);
    args.extend(lab.args());
    args.extend(s(&["--format", "json"]));
    let out = raw(&lab, &args).await;
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["causes"][0]["id"], "dns-not-resolved");
    assert_eq!(v["verdict"]["kind"], "confirmed");
    assert_eq!(v["verdict"]["cause"], "dns-not-resolved");
    assert!(v["verdict"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "dns.resolve"));

    // Markdown for the ticket: the verdict first, then the evidence.
    let mut args = s(&["explain", "Network Error"]);
    args.extend(lab.args());
    args.extend(s(&["--format", "markdown"]));
    let md = String::from_utf8(raw(&lab, &args).await.stdout).unwrap();
    let verdict = md.find("**Verdict:** It is cause").expect(&md);
    let evidence = md.find("**Evidence:**").unwrap();
    let causes = md.find("**Likely causes").unwrap();
    assert!(verdict < evidence && evidence < causes, "{md}");
    assert!(md.contains("`dns.resolve`"));
}

#[tokio::test]
async fn explain_against_a_healthy_deployment_says_not_reproduced() {
    let lab = lab("healthy").await;
    let mut args = s(&["explain", "Network Error"]);
    args.extend(lab.args());
    let out = raw(&lab, &args).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("Verdict: Not reproduced"), "{text}");
}

#[tokio::test]
async fn explain_without_a_target_lists_ranked_causes() {
    let out = tokio::process::Command::new(bin())
        .args(["explain", "Request failed with status code 403"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(" 1. The request reaches the API without a valid token"),
        "{text}"
    );
    assert!(text.contains("CSRF_TRUSTED_ORIGINS"));
}

#[tokio::test]
async fn init_writes_a_profile_that_runs_and_refuses_to_overwrite() {
    let lab = lab("healthy").await;
    let mut args = lab.args();
    let target = args.remove(0);
    let dir = std::env::temp_dir().join(format!("conncheck-wf-{}-init", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.toml");
    let origin = lab.origins()[0].clone();
    let out = tokio::process::Command::new(bin())
        .args([
            "init",
            &target,
            "--origin",
            &origin,
            "-o",
            file.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("# ") && text.contains("[[endpoints]]"));
    args.extend(s(&[
        "--profile",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let r = parse(raw(&lab, &args).await);
    assert_all_pass(&r);
    let again = tokio::process::Command::new(bin())
        .args(["init", &target, "-o", file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[tokio::test]
async fn completions_man_and_help() {
    for (shell, marker) in [
        ("bash", "_conncheck()"),
        ("zsh", "#compdef conncheck"),
        ("fish", "complete -c conncheck"),
    ] {
        let out = tokio::process::Command::new(bin())
            .args(["completions", shell])
            .output()
            .await
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("profile"), "{shell} completes --profile");
    }
    let man = tokio::process::Command::new(bin())
        .arg("man")
        .output()
        .await
        .unwrap();
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(man.contains(".TH conncheck 1"));
    let help = tokio::process::Command::new(bin())
        .arg("--help")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for want in [
        "Engineer at a terminal",
        "CI right after a deploy",
        "Support, holding",
        "--report-junit",
        "explain",
        "Exit status",
        "3  conncheck itself could not run",
    ] {
        assert!(help.contains(want), "--help lacks {want}");
    }
    // Every example is one line that can be copied as it is.
    for line in help
        .lines()
        .filter(|l| l.trim_start().starts_with("conncheck "))
    {
        assert!(line.len() <= 80, "example wraps: {line}");
    }
}

#[tokio::test]
async fn no_progress_line_when_stderr_is_not_a_terminal() {
    let lab = lab("healthy").await;
    let out = raw(&lab, &lab.args()).await;
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("conncheck ["), "{err}");
    assert!(!err.contains('\r'));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("✔ OK"));
}
