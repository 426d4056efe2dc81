//! The command line's edges: bad input exits 2 (one line of ours, or clap's whole text with its
//! tips); the JSON contract; the deadline.
mod common;
use std::process::Command;
use std::time::Duration;

fn conncheck(args: &[&str]) -> std::process::Output {
    Command::new(common::bin())
        .args(args)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .output()
        .expect("binary runs")
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_problem() {
    let dir = std::env::temp_dir().join(format!("conncheck-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let notpem = dir.join("notpem.pem");
    std::fs::write(&notpem, "hello, I am not a certificate\n").unwrap();
    let key = dir.join("key.pem");
    std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDk6j3bX0yNQ0aX8T9ZbqL3xkC5wU1nE4tKpcU2xXbJc\n-----END PRIVATE KEY-----\n").unwrap();
    let missing = dir.join("missing.pem");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["https://".into()], "host"),
        (vec!["ftp://api.x.test".into()], "unsupported scheme"),
        (vec!["api.x.test:99999".into()], "not a valid URL"),
        (vec!["http://[::1".into()], "not a valid URL"),
        (
            vec!["api.x.test".into(), "--only".into(), "dns,nope".into()],
            "unknown module 'nope'",
        ),
        (
            vec!["api.x.test".into(), "--skip".into(), "bogus".into()],
            "unknown module 'bogus'",
        ),
        (
            vec![
                "api.x.test".into(),
                "--resolver".into(),
                "dns.google".into(),
            ],
            "--resolver dns.google",
        ),
        (
            vec![
                "api.x.test".into(),
                "--resolver".into(),
                "127.0.0.1:70000".into(),
            ],
            "--resolver",
        ),
        (
            vec![
                "api.x.test".into(),
                "--origin".into(),
                "https://x.test/".into(),
            ],
            "did you mean https://x.test",
        ),
        (
            vec!["api.x.test".into(), "--origin".into(), "not a url".into()],
            "--origin",
        ),
        (
            vec![
                "api.x.test".into(),
                "--ca-cert".into(),
                missing.display().to_string(),
            ],
            "cannot read file",
        ),
        (
            vec![
                "api.x.test".into(),
                "--ca-cert".into(),
                empty.display().to_string(),
            ],
            "file is empty",
        ),
        (
            vec![
                "api.x.test".into(),
                "--ca-cert".into(),
                notpem.display().to_string(),
            ],
            "no PEM certificate",
        ),
        (
            vec![
                "api.x.test".into(),
                "--ca-cert".into(),
                key.display().to_string(),
            ],
            "private key",
        ),
        (
            vec!["demo".into(), "no-such-scenario".into()],
            "unknown scenario",
        ),
        (vec![], "no TARGET"),
    ];
    for (args, needle) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = conncheck(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} → {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?} printed more than one line:\n{err}"
        );
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed a report");
    }
}

/// clap's own errors keep their whole text: what is wrong, its tips, the possible values.
#[test]
fn argument_errors_keep_clap_text_and_tips() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["explain"], &["<TEXT>"]),
        (
            &["api.x.test", "--orign", "https://x.test"],
            &["--orign", "a similar argument exists: '--origin'"],
        ),
        (
            &["api.x.test", "--format", "yaml"],
            &["yaml", "possible values: table, json, junit, markdown"],
        ),
        (
            &["api.x.test", "--fail-on", "sometimes"],
            &["warn, fail, never"],
        ),
        (
            &["api.x.test", "--password", "hunter2"],
            &["--password", "CONNCHECK_PASSWORD"],
        ),
        (&["api.x.test", "--timeout", "-1"], &["-1"]),
        (&["--bogus-flag"], &["--bogus-flag"]),
        (&["serve", "--format", "json"], &["--format"]),
    ];
    for (args, needles) in cases {
        let out = conncheck(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} → {err}");
        for n in *needles {
            assert!(err.contains(n), "{args:?} lacks {n:?}:\n{err}");
        }
        assert!(
            !err.contains("hunter2"),
            "the password is never echoed: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?} printed a report");
    }
}

#[test]
fn unusual_but_valid_targets_are_accepted() {
    for t in [
        "[::1]:8443",
        "https://api.bücher.test/api",
        "api.x.test:8443",
        "https://api.x.test/custom/base/",
    ] {
        let out = conncheck(&[
            t,
            "--only",
            "dns",
            "--resolver",
            "127.0.0.1:9",
            "--format",
            "json",
            "--deadline",
            "5",
        ]);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{t}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if t.contains("bücher") {
            assert!(
                v["deployments"][0]["target"]
                    .as_str()
                    .unwrap()
                    .contains("xn--bcher-kva"),
                "punycode shown: {v}"
            );
        }
    }
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(conncheck(&["--help"]).status.code(), Some(0));
    assert_eq!(conncheck(&["--version"]).status.code(), Some(0));
    let out = conncheck(&["demo", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dns-nxdomain"));
}

#[tokio::test]
async fn json_has_exactly_the_contract_keys() {
    let run = common::run_scenario("dns-nxdomain", &["--only", "dns"]).await;
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys = |o: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "conncheck_version",
            "deployments",
            "duration_ms",
            "schema_version",
            "started_at",
            "summary"
        ]
    );
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["conncheck_version"], env!("CARGO_PKG_VERSION"));
    let d = &v["deployments"][0];
    assert_eq!(
        keys(d),
        [
            "causes",
            "checklist",
            "checks",
            "duration_ms",
            "origins",
            "started_at",
            "summary",
            "target",
            "verdict"
        ]
    );
    // Keys added within schema version 2: the verdict, the matrix and the root causes.
    assert_eq!(d["verdict"]["outcome"], "blocked");
    assert!(!d["causes"].as_array().unwrap().is_empty());
    assert!(d["causes"][0]["row_ids"][0]
        .as_str()
        .unwrap()
        .starts_with("dns."));
    assert_eq!(
        keys(&d["summary"]),
        ["error", "fail", "pass", "skip", "warn"]
    );
    assert_eq!(d["summary"], v["summary"]);
    for c in d["checks"].as_array().unwrap() {
        assert_eq!(
            keys(c),
            [
                "browser_error",
                "detail",
                "duration_ms",
                "hint",
                "id",
                "module",
                "section",
                "status",
                "subject",
                "title"
            ]
        );
        assert_eq!(
            keys(&c["subject"]),
            ["host", "method", "origin", "status_code", "url"]
        );
        assert!(["pass", "warn", "fail", "skip", "error"].contains(&c["status"].as_str().unwrap()));
        assert!(c["hint"].is_null() || c["hint"].is_string());
    }
    // The API host's rows name it as their subject.
    let resolve = d["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dns.resolve" && c["status"] == "fail")
        .expect("a failing dns.resolve row");
    assert_eq!(resolve["subject"]["host"], "api.tiktrue.test");
    assert_eq!(
        run.report.summary.fail,
        run.report
            .checks
            .iter()
            .filter(|c| c.status == conncheck::engine::model::Status::Fail)
            .count()
    );
}

/// A resolver that swallows every query: the run must still end by its deadline, with a report
/// whose unfinished rows say "timed out", and exit 1.
#[tokio::test]
async fn silent_resolver_ends_at_the_deadline_with_a_report() {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    let keep = tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            let _ = sock.recv_from(&mut buf).await;
        }
    });
    let child = tokio::process::Command::new(common::bin())
        .args([
            "x.test",
            "--resolver",
            &addr,
            "--deadline",
            "2",
            "--timeout",
            "30",
            "--format",
            "json",
        ])
        .output();
    // A hang guard, not a timing assertion.
    let out = tokio::time::timeout(Duration::from_secs(60), child)
        .await
        .expect("conncheck ended")
        .unwrap();
    keep.abort();
    let run = common::parse(out);
    assert_eq!(run.code, 1);
    assert!(
        run.report
            .checks
            .iter()
            .any(|c| c.status == conncheck::engine::model::Status::Error
                && c.detail.contains("timed out")),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn unreachable_resolver_fails_naming_it() {
    let out = tokio::process::Command::new(common::bin())
        .args([
            "x.test",
            "--resolver",
            "127.0.0.1:9",
            "--deadline",
            "5",
            "--format",
            "json",
            "--only",
            "dns",
        ])
        .output()
        .await
        .unwrap();
    let run = common::parse(out);
    assert_eq!(run.code, 1);
    let f = run.find("dns.resolve", conncheck::engine::model::Status::Fail);
    assert!(f.detail.contains("127.0.0.1:9"), "{}", f.detail);
}

#[test]
fn table_output_is_a_checklist_with_a_verdict() {
    let out = Command::new(common::bin())
        .args(["demo", "dns-nxdomain", "--only", "dns", "--color", "never"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.starts_with("✖ BLOCKED"), "verdict first:\n{text}");
    assert!(text.contains("1 Domain & DNS"), "{text}");
    assert!(text.contains("What to fix"), "{text}");
    assert!(text.contains("net::ERR_NAME_NOT_RESOLVED"), "{text}");
    assert!(!text.contains('\x1b'), "no colour with --color never");
    let ok = Command::new(common::bin())
        .args(["demo", "--only", "dns", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}

/// Issue 16's bar: `COLUMNS=80 conncheck demo` piped fits one screen, verdict first.
#[test]
fn a_healthy_run_fits_one_screen_at_80_columns() {
    let out = Command::new(common::bin())
        .args(["demo"])
        .env("COLUMNS", "80")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 45, "{} lines:\n{text}", lines.len());
    for l in &lines {
        assert!(l.chars().count() <= 80, "too wide: {l:?}");
    }
    assert!(lines[0].starts_with("✔ OK"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when piped by default");
}

#[test]
fn color_always_colours_a_pipe_and_wins_over_no_color() {
    let out = Command::new(common::bin())
        .args(["demo", "--only", "dns", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\x1b[32m"), "{text}");
}

/// Issue 15 item 9: a healthy Plane-shaped deployment passes with no profile — the WebSocket
/// token goes where the bundle shows it (`?token=${…}`).
#[test]
fn demo_plane_passes_with_no_profile() {
    let out = Command::new(common::bin())
        .args(["demo", "plane", "--format", "json"])
        .output()
        .unwrap();
    let run = common::parse(out);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.report
            .checks
            .iter()
            .any(|c| c.id == "websocket.upgrade"
                && c.status == conncheck::engine::model::Status::Pass)
    );
}
