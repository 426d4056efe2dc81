//! The browser's proxy: conncheck goes through `--proxy URL` or HTTPS_PROXY (with NO_PROXY)
//! like a browser on that machine, says so in the evidence, and `--no-proxy` connects directly.
//! The proxy is a tiny CONNECT proxy on loopback that tunnels every host to the lab.
mod common;
use common::*;
use conncheck::engine::model::Status;
use conncheck::lab::{Lab, LabOptions};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT proxy on 127.0.0.1 that records each tunnel's target and connects it to the
/// same port on 127.0.0.1 (where the lab serves every HTTPS host).
async fn connect_proxy() -> (u16, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut c, _)) = l.accept().await else {
                continue;
            };
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if c.read_exact(&mut b).await.is_err() {
                        return;
                    }
                    head.push(b[0]);
                }
                let text = String::from_utf8_lossy(&head).to_string();
                let mut first = text.split_whitespace();
                let (Some("CONNECT"), Some(target)) = (first.next(), first.next()) else {
                    let _ = c
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                log.lock().unwrap().push(target.to_string());
                let port: u16 = target
                    .rsplit_once(':')
                    .and_then(|(_, p)| p.parse().ok())
                    .unwrap_or(443);
                let Ok(mut up) = TcpStream::connect(("127.0.0.1", port)).await else {
                    let _ = c.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                if c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut c, &mut up).await;
            });
        }
    });
    (port, seen, task)
}

async fn run_with(lab: &Lab, extra: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(lab.args())
        .args(["--format", "json", "--deadline", "60", "--only", "cors"])
        .args(extra);
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(v);
    }
    cmd.env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    parse(cmd.output().await.expect("conncheck runs"))
}

async fn healthy() -> Lab {
    let s = conncheck::lab::scenarios::find("healthy").expect("scenario exists");
    Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts")
}

fn api_host(lab: &Lab) -> String {
    lab.scenario.names.api.clone()
}

#[tokio::test]
async fn proxy_flag_and_https_proxy_are_used_and_reported() {
    let lab = healthy().await;
    let (port, seen, task) = connect_proxy().await;
    let proxy = format!("http://127.0.0.1:{port}");

    let r = run_with(&lab, &["--proxy", &proxy], &[]).await;
    assert_eq!(r.status("cors.actual"), Status::Pass, "{}", r.stdout);
    let api = api_host(&lab);
    assert!(
        seen.lock().unwrap().iter().any(|t| t.starts_with(&api)),
        "no CONNECT to {api}: {:?}",
        seen.lock().unwrap()
    );
    let row = r.find("cors.actual", Status::Pass);
    assert!(
        row.detail
            .contains(&format!("through the proxy {proxy} (--proxy)")),
        "{}",
        row.detail
    );

    seen.lock().unwrap().clear();
    let r = run_with(&lab, &[], &[("HTTPS_PROXY", proxy.clone())]).await;
    assert_eq!(r.status("cors.actual"), Status::Pass, "{}", r.stdout);
    assert!(!seen.lock().unwrap().is_empty(), "HTTPS_PROXY was not used");
    assert!(
        r.find("cors.preflight", Status::Pass)
            .detail
            .contains("(HTTPS_PROXY)"),
        "{}",
        r.stdout
    );

    // NO_PROXY names the API: direct, and nothing says "proxy".
    seen.lock().unwrap().clear();
    let r = run_with(
        &lab,
        &[],
        &[("HTTPS_PROXY", proxy.clone()), ("NO_PROXY", api.clone())],
    )
    .await;
    assert_eq!(r.status("cors.actual"), Status::Pass, "{}", r.stdout);
    assert!(
        !seen.lock().unwrap().iter().any(|t| t.starts_with(&api)),
        "NO_PROXY ignored: {:?}",
        seen.lock().unwrap()
    );

    // --no-proxy: direct.
    seen.lock().unwrap().clear();
    let r = run_with(&lab, &["--no-proxy"], &[("HTTPS_PROXY", proxy.clone())]).await;
    assert_eq!(r.status("cors.actual"), Status::Pass, "{}", r.stdout);
    assert!(seen.lock().unwrap().is_empty(), "--no-proxy ignored");
    assert!(!r.stdout.contains("through the proxy"), "{}", r.stdout);
    task.abort();
    lab.shutdown().await;
}

#[tokio::test]
async fn a_dead_proxy_is_a_connection_failure_not_a_cors_verdict() {
    let lab = healthy().await;
    // A port nothing listens on.
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let r = run_with(&lab, &["--proxy", &format!("http://127.0.0.1:{port}")], &[]).await;
    for f in r.rows("cors.preflight") {
        assert_ne!(f.status, Status::Pass, "{}", f.detail);
        assert!(
            f.browser_error
                .as_deref()
                .is_none_or(|e| !e.starts_with("Access to")),
            "{f:?}"
        );
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn a_proxy_that_is_not_an_http_url_is_a_usage_error_without_its_password() {
    let out = tokio::process::Command::new(bin())
        .args([
            "api.example.test",
            "--proxy",
            "socks5://user:s3cret@127.0.0.1:1080",
            "--format",
            "json",
        ])
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--proxy"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}
