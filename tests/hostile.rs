//! Hostile and broken servers: whatever the far end does, conncheck ends within its deadline,
//! every module reports, memory stays bounded, nothing dangerous reaches the terminal, no
//! credential follows a redirect, and the exit code is 1 — never a crash.
mod common;
use common::*;
use conncheck::lab::{Lab, LabOptions};
use conncheck::model::Status;
use std::time::Duration;

/// Run conncheck against the lab and wait for it with wait4, to read that child's own peak RSS
/// (KiB) along with its output.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which std cannot see
fn run_measured(lab: &Lab, extra: &[&str]) -> (Run, i64) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let c = lab.credentials();
    let mut child = Command::new(bin())
        .args(lab.args())
        .args(["--format", "json"])
        .args(extra)
        .env("CONNCHECK_USERNAME", &c.username)
        .env("CONNCHECK_PASSWORD", &c.password)
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
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; the structs are ours.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let stdout = reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout,
        stderr,
    };
    (parse(out), usage.ru_maxrss)
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
        .find(|f| f.title.starts_with("api."))
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
