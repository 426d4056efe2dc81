//! Hostile and broken servers: whatever the far end does, conncheck ends within its deadline,
//! every module reports, memory stays bounded, nothing dangerous reaches the terminal, no
//! credential follows a redirect, and the exit code is 1 — never a crash.
mod common;
use common::*;
use conncheck::engine::model::Status;
use conncheck::lab::{Lab, LabOptions};
use std::time::Duration;

/// Run conncheck against the lab; its report and its own peak RSS (KiB).
fn run_measured(lab: &Lab, extra: &[&str]) -> (Run, i64) {
    let password = lab.credentials().password;
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (out, rss) = spawn_measured(lab, &args, &password);
    (parse(out), rss)
}

/// Run conncheck with these arguments (after the lab's) and this password; its output and its
/// own peak RSS (KiB, VmHWM), reaped with wait4.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which std cannot see
fn spawn_measured(lab: &Lab, args: &[&str], password: &str) -> (std::process::Output, i64) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let c = lab.credentials();
    let mut child = Command::new(bin())
        .args(lab.args())
        .args(args)
        .env("CONNCHECK_USERNAME", &c.username)
        .env("CONNCHECK_PASSWORD", password)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("conncheck runs");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    // The child's own high-water mark, read from /proc while it runs: wait4's ru_maxrss also
    // counts the test process's memory (exec records the spawner's peak into the child's).
    let pid = child.id();
    let hwm = std::thread::spawn(move || {
        let mut peak = 0i64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            else {
                break; // exited (a zombie has no memory left to report)
            };
            peak = peak.max(kb);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        peak
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; the structs are ours.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let peak = hwm.join().unwrap();
    let stdout = reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout,
        stderr,
    };
    (out, peak)
}

async fn hostile(name: &str, expect_code: i32) -> Run {
    let s = conncheck::lab::scenarios::find(name).unwrap();
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    // The run's own deadline is 20 s; the lab keeps serving on this runtime meanwhile.
    let lab = std::sync::Arc::new(lab);
    let l2 = std::sync::Arc::clone(&lab);
    let (run, rss) = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::task::spawn_blocking(move || {
            run_measured(&l2, &["--deadline", "20", "--timeout", "4"])
        }),
    )
    .await
    .unwrap_or_else(|_| panic!("{name}: conncheck did not end"))
    .unwrap();
    assert_eq!(
        run.code, expect_code,
        "{name}:\n{}\n{}",
        run.stdout, run.stderr
    );
    for spec in conncheck::checks::REGISTRY {
        assert!(
            run.report.checks.iter().any(|c| c.module == spec.module),
            "{name}: module {} reported nothing",
            spec.module
        );
    }
    assert!(
        !run.report
            .checks
            .iter()
            .any(|c| c.id.ends_with(".internal")),
        "{name}: a module crashed:\n{}",
        run.stdout
    );
    assert!(rss < 100 * 1024, "{name}: peak RSS {rss} KiB");
    run
}

#[tokio::test]
async fn hang() {
    let run = hostile("hostile-hang", 1).await;
    let f = run
        .rows("tls.handshake")
        .into_iter()
        .find(|f| f.subject.host_name().as_deref() == Some("api.tiktrue.test"))
        .unwrap()
        .clone();
    assert_eq!(f.status, Status::Error, "{}", f.detail);
    assert!(
        f.detail.contains("timed out") && f.detail.contains("4.0 s"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn tls_hang() {
    hostile("hostile-tls-hang", 1).await;
}

#[tokio::test]
async fn trickle() {
    let run = hostile("hostile-trickle", 1).await;
    let f = run.find("endpoints.health", Status::Error);
    assert!(f.detail.contains("timed out"), "{}", f.detail);
}

#[tokio::test]
async fn garbage_http() {
    let run = hostile("hostile-garbage-http", 1).await;
    let f = run.find("endpoints.health", Status::Fail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_INVALID_HTTP_RESPONSE"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn garbage_tls() {
    let run = hostile("hostile-garbage-tls", 1).await;
    let f = run.find("tls.handshake", Status::Fail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_SSL_PROTOCOL_ERROR")
    );
    assert!(f.detail.contains("not a TLS record"), "{}", f.detail);
}

#[tokio::test]
async fn reset() {
    let run = hostile("hostile-reset", 1).await;
    let f = run.find("endpoints.health", Status::Fail);
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CONNECTION_RESET"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn huge_bodies_are_capped_not_allocated() {
    let run = hostile("hostile-huge", 1).await;
    assert!(run
        .find("frontend.page", Status::Fail)
        .detail
        .contains("larger than"));
    assert!(run
        .find("endpoints.health", Status::Fail)
        .detail
        .contains("larger than"));
}

#[tokio::test]
async fn redirect_loop() {
    hostile("hostile-redirect-loop", 1).await;
}

#[tokio::test]
async fn redirect_offsite() {
    let run = hostile("hostile-redirect-offsite", 1).await;
    assert!(run
        .rows("jwt.login")
        .iter()
        .all(|f| f.status != Status::Pass));
}

#[tokio::test]
async fn json_invalid_huge_and_wrong_type() {
    for s in ["hostile-json", "hostile-json-huge", "hostile-json-type"] {
        let run = hostile(s, 1).await;
        let text = run.stdout.to_lowercase();
        assert!(
            !text.contains("lab-demo-passw0rd"),
            "{s} leaked the password"
        );
    }
}

#[tokio::test]
async fn dns_wrong_name_and_long_cname_chain_fail_cleanly() {
    let run = hostile("hostile-dns", 1).await;
    let rows = run.rows("dns.resolve");
    assert!(
        rows.iter()
            .any(|f| f.status == Status::Fail && f.detail.contains("another name")),
        "{}",
        run.stdout
    );
    assert!(
        rows.iter()
            .any(|f| f.status == Status::Fail && f.detail.contains("CNAME chain")),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn dns_late_and_garbage_fail_cleanly() {
    let run = hostile("hostile-dns-late", 1).await;
    assert!(
        run.find("dns.resolve", Status::Fail)
            .detail
            .contains("no answer"),
        "{}",
        run.stdout
    );
    let run = hostile("hostile-dns-garbage", 1).await;
    assert!(
        run.find("dns.resolve", Status::Fail)
            .detail
            .contains("not DNS messages"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn dns_truncated_answers_fall_back_to_tcp() {
    let run = run_scenario("hostile-dns-truncated", &["--only", "dns"]).await;
    run.assert_module_passes("dns");
}

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_http_on_another_host() {
    let s = conncheck::lab::scenarios::find("hostile-redirect-to-http").unwrap();
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    let run = run_against(&lab, &["--deadline", "20"], true).await;
    let password = lab.credentials().password;
    for seen in lab.state.captured.lock().unwrap().iter() {
        assert!(
            !seen.contains(&password),
            "the password reached the off-site capture: {seen}"
        );
        assert!(
            !seen.to_ascii_lowercase().contains("authorization=bearer"),
            "a token reached the off-site capture: {seen}"
        );
    }
    assert!(!run.stdout.contains(&password));
    lab.shutdown().await;
}

#[tokio::test]
async fn escapes_never_reach_the_terminal() {
    let s = conncheck::lab::scenarios::find("hostile-escape").unwrap();
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    let c = lab.credentials();
    for extra in [&["--color", "never"][..], &["--color", "never", "-v"][..]] {
        let out = tokio::process::Command::new(bin())
            .args(lab.args())
            .args(extra)
            .args(["--deadline", "20"])
            .env("CONNCHECK_USERNAME", &c.username)
            .env("CONNCHECK_PASSWORD", &c.password)
            .output()
            .await
            .unwrap();
        for (i, b) in out.stdout.iter().enumerate() {
            assert!(
                *b != 0x1b && *b != 0x07 && *b != 0x08 && *b != b'\r',
                "control byte {b:#x} at {i} reached the terminal"
            );
        }
        assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{9b}'));
    }
    lab.shutdown().await;
}

/// The diagnosis of the TLS and DNS hostile scenarios, by type: which row, which fault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_tls_and_dns_diagnoses_are_typed() {
    use common::typed::*;
    use conncheck::checks::dns::judge::DnsFault;
    use conncheck::checks::tls::judge::TlsFault;
    use conncheck::engine::fault::NetFault;
    use conncheck::engine::Row;
    use conncheck::net::tlsprobe::ServerAnswer;
    let fast = ["--only", "dns,tls", "--deadline", "20", "--timeout", "4"];
    let api = "api.tiktrue.test";
    // A server that stalls mid-handshake: conncheck could not decide (error), by timeout.
    let r = diagnose_scenario("hostile-tls-hang", &fast).await;
    let f = r.one(Row::TlsHandshake, api);
    assert_eq!(f.status, Status::Error, "{f:#?}");
    assert_eq!(f.fault_key(), Some("net.timeout"));
    assert!(f.has_fault::<NetFault>());
    // Random bytes on the TLS port: the handshake fails, showing them.
    let r = diagnose_scenario("hostile-garbage-tls", &fast).await;
    let f = r.one(Row::TlsHandshake, api);
    assert_eq!(f.fault_key(), Some("tls.handshake-failed"));
    let Some(TlsFault::HandshakeFailed { failure, .. }) = f.fault_as::<TlsFault>() else {
        panic!("{f:#?}");
    };
    assert!(
        matches!(failure.answer, ServerAnswer::Binary { .. }),
        "{failure:?}"
    );
    // Resolvers that answer for another name, loop CNAMEs, answer late or send garbage.
    let keys = |r: &Typed| -> Vec<&'static str> {
        r.rows(Row::DnsResolve)
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| {
                assert!(f.has_fault::<DnsFault>(), "{f:#?}");
                f.fault_key().unwrap()
            })
            .collect()
    };
    let r = diagnose_scenario("hostile-dns", &fast).await;
    let k = keys(&r);
    assert!(k.contains(&"dns.malformed-answer"), "{k:?}");
    assert!(k.contains(&"dns.cname-chain"), "{k:?}");
    let r = diagnose_scenario("hostile-dns-late", &fast).await;
    assert!(keys(&r).contains(&"dns.resolver-timeout"), "{:?}", keys(&r));
    let r = diagnose_scenario("hostile-dns-garbage", &fast).await;
    assert!(keys(&r).contains(&"dns.malformed-answer"), "{:?}", keys(&r));
}

/// Run `args` against a fresh lab of `scenario` on a blocking thread, with a hang guard (not a
/// timing assertion: the guard is far above the deadline).
async fn measured(
    scenario: &str,
    args: Vec<String>,
    password: Option<String>,
) -> (std::process::Output, i64, std::sync::Arc<Lab>) {
    let s = conncheck::lab::scenarios::find(scenario).unwrap();
    let lab = std::sync::Arc::new(Lab::start(s, LabOptions::default()).await.unwrap());
    let l2 = std::sync::Arc::clone(&lab);
    let (out, rss) = tokio::time::timeout(
        Duration::from_secs(180),
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let pw = password.unwrap_or_else(|| l2.credentials().password);
            spawn_measured(&l2, &args, &pw)
        }),
    )
    .await
    .unwrap_or_else(|_| panic!("{scenario}: conncheck did not end"))
    .unwrap();
    (out, rss, lab)
}

/// The longest run of non-whitespace in a text.
fn longest_word(text: &str) -> usize {
    text.split(char::is_whitespace)
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_200_kb_cors_header_is_bounded_in_every_format() {
    for format in ["json", "junit", "markdown", "table"] {
        let args = [
            "--deadline",
            "10",
            "--timeout",
            "4",
            "--format",
            format,
            "--color",
            "never",
        ];
        let (out, rss, lab) = measured(
            "hostile-long-header",
            args.iter().map(|s| s.to_string()).collect(),
            None,
        )
        .await;
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}:\n{text}");
        // The value reached the verdicts (cut), not the whole 200 KB.
        assert!(
            text.contains(" bytes)"),
            "{format}: no cut value shown:\n{text}"
        );
        assert!(
            longest_word(&text) < 2 * conncheck::text::WORD_MAX,
            "{format}: a word of {} bytes reached the output",
            longest_word(&text)
        );
        assert!(
            text.len() < 1024 * 1024,
            "{format}: {} bytes of output",
            text.len()
        );
        eprintln!("hostile-long-header {format}: peak RSS {rss} KiB");
        assert!(rss < 100 * 1024, "{format}: peak RSS {rss} KiB");
        drop(lab);
    }
}

#[tokio::test]
async fn every_route_streaming_with_eight_origins_stays_under_100_mb() {
    let mut args: Vec<String> = ["--format", "json", "--deadline", "20", "--timeout", "4"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for i in 0..8 {
        args.push("--origin".into());
        args.push(format!("https://o{i}.tiktrue.test"));
    }
    let (out, rss, _lab) = measured("hostile-stream-all", args, None).await;
    let run = parse(out);
    assert_eq!(run.code, 1, "{}", run.stdout);
    eprintln!("hostile-stream-all, eight origins: peak RSS {rss} KiB");
    assert!(rss < 100 * 1024, "peak RSS {rss} KiB");
    assert!(run.report.origins.len() >= 8, "{:?}", run.report.origins);
    // The diagnosis, not only survival: endless API answers are cut and judged.
    let f = run.find("endpoints.health", Status::Fail);
    assert!(f.detail.contains("larger than"), "{}", f.detail);
    assert!(run
        .rows("cors.preflight")
        .iter()
        .all(|f| f.status != Status::Pass));
}

#[tokio::test]
async fn a_flood_of_websocket_urls_in_the_bundle_is_bounded() {
    let args = [
        "--format",
        "table",
        "--color",
        "never",
        "--deadline",
        "20",
        "--timeout",
        "4",
    ];
    let (out, rss, _lab) = measured(
        "hostile-ws-flood-bundle",
        args.iter().map(|s| s.to_string()).collect(),
        None,
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{text}");
    assert!(text.contains("WebSocket"), "{text}");
    assert!(text.len() < 1024 * 1024, "{} bytes of output", text.len());
    assert!(longest_word(&text) < 2 * conncheck::text::WORD_MAX);
    eprintln!("hostile-ws-flood-bundle: peak RSS {rss} KiB");
    // The scanner keeps each URL once and at most observe::bundle::MAX_URLS of them (~56 MB
    // measured in a debug build; it was ~125 MB when every repeat was kept).
    assert!(rss < 100 * 1024, "peak RSS {rss} KiB");
}

/// A password with quotes, a backslash, HTML and URL specials, echoed back by the server in
/// JSON: no form of it, and no part of the unrecognised (`eyAi…`) JWT's signature, is shown.
#[tokio::test]
async fn an_echoing_server_shows_no_form_of_the_password_or_an_odd_jwt() {
    let password = "q\"uo<te>&\\sl'ash é+%";
    for format in ["json", "table", "markdown", "junit"] {
        let args = [
            "--format",
            format,
            "-v",
            "--deadline",
            "20",
            "--color",
            "never",
        ];
        let (out, _rss, _lab) = measured(
            "hostile-echo",
            args.iter().map(|s| s.to_string()).collect(),
            Some(password.to_string()),
        )
        .await;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let json = serde_json::to_string(password).unwrap();
        let url: String = url::form_urlencoded::byte_serialize(password.as_bytes()).collect();
        for form in [
            password,
            &json[1..json.len() - 1],
            url.as_str(),
            "uo<te>",
            "uo%3Cte",
            "uo&lt;te",
        ] {
            assert!(
                !text.contains(form),
                "{format}: the password leaked as {form}:\n{text}"
            );
        }
        let jwt = conncheck::lab::hostile::odd_jwt();
        let sig = jwt.rsplit('.').next().unwrap();
        assert!(
            !text.contains(sig),
            "{format}: the odd JWT's signature leaked"
        );
        assert!(!text.contains(jwt.split('.').nth(1).unwrap()));
    }
}

/// `--deadline` bounds a multi-target run as a whole: targets diagnosed after it has mostly
/// passed get what is left of it (their unfinished rows say so), not a deadline of their own.
#[tokio::test]
async fn one_deadline_for_a_multi_target_run() {
    let s = conncheck::lab::scenarios::find("hostile-hang").unwrap();
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    let target = lab.target();
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(bin())
            .args(lab.args())
            .args([&target, &target, &target])
            .args(["--parallel", "1", "--deadline", "3", "--timeout", "2"])
            .args(["--format", "json", "--only", "tls"])
            .env_remove("CONNCHECK_PASSWORD")
            .output(),
    )
    .await
    .expect("the run ends")
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reports = doc["deployments"]
        .as_array()
        .expect("one report per target");
    assert_eq!(reports.len(), 4, "{text}");
    let last = reports[3]["checks"].as_array().unwrap();
    // The last target starts when the run's 3 s are (nearly) spent: its timeouts are what was
    // left, not its own --timeout 2 / --deadline 3.
    let timed_out: Vec<&str> = last
        .iter()
        .filter_map(|c| c["detail"].as_str())
        .filter(|d| d.contains("timed out"))
        .collect();
    assert!(!timed_out.is_empty(), "{text}");
    assert!(
        timed_out
            .iter()
            .all(|d| !d.contains("within 2.0 s") && !d.contains("deadline of 3 s")),
        "the last target had a whole deadline of its own: {timed_out:?}"
    );
    lab.shutdown().await;
}

/// A two-byte password echoed back in the login answer is masked where it stands as the value,
/// while the same letters in ordinary words ("HTTP 400 as expected") stay readable.
#[tokio::test]
async fn a_very_short_password_is_masked_without_mangling_words() {
    let args = [
        "--format",
        "json",
        "--deadline",
        "20",
        "--only",
        "jwt,endpoints",
    ];
    let (out, _rss, _lab) = measured(
        "hostile-echo",
        args.iter().map(|s| s.to_string()).collect(),
        Some("as".into()),
    )
    .await;
    let run = parse(out);
    let login = run.find("jwt.login", Status::Fail);
    assert!(
        login
            .detail
            .contains("\"password\":\"…(redacted, 2 bytes)\""),
        "{}",
        login.detail
    );
    assert!(!login.detail.contains("\"password\":\"as\""));
    assert!(
        run.report
            .checks
            .iter()
            .any(|c| c.detail.contains(" as expected")),
        "the word 'as' was masked in prose:\n{}",
        run.stdout
    );
}
