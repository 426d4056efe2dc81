//! `conncheck serve`: probes answer in the exposition format (parsed back with a real parser),
//! honour the scrape timeout, refuse extra probes and foreign targets, and a real Prometheus
//! scraping it finds probe_success 1 for a healthy deployment and 0 for a broken one.
mod common;
use conncheck::lab::{Lab, LabOptions};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

struct Serve {
    child: tokio::process::Child,
    addr: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// Start `conncheck serve` on an ephemeral port with these extra options.
async fn serve(args: &[String]) -> Serve {
    let mut child = tokio::process::Command::new(common::bin())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    Serve { child, addr }
}

/// The lab's resolver/CA/ports as serve options (everything but the target and origins).
fn lab_opts(lab: &Lab) -> Vec<String> {
    let a = lab.args();
    a[1..]
        .iter()
        .cloned()
        .take_while(|x| x != "--origin")
        .collect()
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let client = client();
    let mut rb = client.get(url);
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn q(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn parse(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap()
}

fn value(s: &prometheus_parse::Scrape, metric: &str) -> Option<f64> {
    s.samples
        .iter()
        .find(|x| x.metric == metric)
        .map(|x| match x.value {
            prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v)
            | prometheus_parse::Value::Counter(v) => v,
            _ => f64::NAN,
        })
}

#[tokio::test]
async fn probe_exposes_the_report_as_metrics() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("dns-propagating").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let s = serve(&lab_opts(&lab)).await;
    let url = format!(
        "http://{}/probe?target={}&module=dns",
        s.addr,
        q(&lab.target())
    );
    let (code, body) = get(&url, &[]).await;
    assert_eq!(code, 200, "{body}");
    assert!(
        body.trim_end().ends_with("# EOF"),
        "OpenMetrics ends with # EOF"
    );
    let scrape = parse(&body);
    assert_eq!(
        value(&scrape, "conncheck_probe_success"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(value(&scrape, "conncheck_failed_checks"), Some(0.0));
    let rows: Vec<_> = scrape
        .samples
        .iter()
        .filter(|x| x.metric == "conncheck_check_status")
        .collect();
    assert!(
        rows.iter()
            .any(|x| x.labels.get("id") == Some("dns.propagation")
                && x.labels.get("status") == Some("warn")),
        "{body}"
    );
    assert!(rows.iter().all(|x| x.labels.get("module") == Some("dns")));
    assert!(scrape
        .samples
        .iter()
        .any(|x| x.metric == "conncheck_check_duration_seconds"));
    let agree = scrape.samples.iter().find(|x| {
        x.metric == "conncheck_dns_propagation_agreeing_servers"
            && x.labels.get("host") == Some("api.tiktrue.test")
    });
    let total = scrape.samples.iter().find(|x| {
        x.metric == "conncheck_dns_propagation_servers"
            && x.labels.get("host") == Some("api.tiktrue.test")
    });
    let (Some(a), Some(t)) = (agree, total) else {
        panic!("propagation gauges missing:\n{body}")
    };
    assert!(
        matches!((&a.value, &t.value), (prometheus_parse::Value::Gauge(a), prometheus_parse::Value::Gauge(t)) if a < t),
        "{body}"
    );
    // promtool, where installed, lints the exposition with Prometheus' own parser.
    if let Ok(mut p) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        p.stdin
            .take()
            .unwrap()
            .write_all(body.replace("# EOF\n", "").as_bytes())
            .unwrap();
        let out = p.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("error while linting"), "{err}");
    }
    // The human page lists the probe; /metrics counts it.
    let (_, page) = get(&format!("http://{}/", s.addr), &[]).await;
    assert!(page.contains("dns.propagation"), "{page}");
    let (_, own) = get(&format!("http://{}/metrics", s.addr), &[]).await;
    assert!(
        own.contains("conncheck_probes_total{result=\"success\"} 1"),
        "{own}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn broken_target_gives_probe_success_0() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("dns-nxdomain").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let s = serve(&lab_opts(&lab)).await;
    let (code, body) = get(
        &format!(
            "http://{}/probe?target={}&module=dns",
            s.addr,
            q(&lab.target())
        ),
        &[],
    )
    .await;
    assert_eq!(code, 200);
    let scrape = parse(&body);
    assert_eq!(
        value(&scrape, "conncheck_probe_success"),
        Some(0.0),
        "{body}"
    );
    assert!(value(&scrape, "conncheck_failed_checks").unwrap() >= 1.0);
    lab.shutdown().await;
}

/// A resolver that never answers: probes last until their deadline.
async fn silent_resolver() -> (String, tokio::task::JoinHandle<()>) {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    let h = tokio::spawn(async move {
        let mut b = [0u8; 512];
        loop {
            let _ = sock.recv_from(&mut b).await;
        }
    });
    (addr, h)
}

#[tokio::test]
async fn scrape_timeout_bounds_the_probe_and_extra_probes_get_503() {
    let (resolver, h) = silent_resolver().await;
    let s = serve(&[
        "--resolver".into(),
        resolver,
        "--max-concurrent-probes".into(),
        "1".into(),
        "--timeout".into(),
        "30".into(),
    ])
    .await;
    let url = format!("http://{}/probe?target=api.slow.test&module=dns", s.addr);
    let first = {
        let url = url.clone();
        tokio::spawn(
            async move { get(&url, &[("X-Prometheus-Scrape-Timeout-Seconds", "3")]).await },
        )
    };
    // Wait until the first probe is running, then a second must be refused at once.
    let metrics = format!("http://{}/metrics", s.addr);
    for _ in 0..200 {
        if get(&metrics, &[])
            .await
            .1
            .contains("conncheck_probes_in_flight 1")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (code, _) = get(&url, &[]).await;
    assert_eq!(code, 503);
    let (code, body) = tokio::time::timeout(Duration::from_secs(60), first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code, 200, "{body}");
    let scrape = parse(&body);
    assert_eq!(value(&scrape, "conncheck_probe_success"), Some(0.0));
    assert!(
        body.contains("status=\"error\""),
        "unfinished rows report error: {body}"
    );
    assert!(get(&metrics, &[])
        .await
        .1
        .contains("conncheck_probes_rejected_total 1"));
    h.abort();
}

#[tokio::test]
async fn foreign_targets_and_query_credentials_are_refused() {
    let s = serve(&["--allow-targets".into(), "*.tiktrue.test".into()]).await;
    let (code, _) = get(
        &format!("http://{}/probe?target=api.evil.test", s.addr),
        &[],
    )
    .await;
    assert_eq!(code, 403);
    let (code, _) = get(
        &format!("http://{}/probe?target=api.tiktrue.test&password=x", s.addr),
        &[],
    )
    .await;
    assert_eq!(code, 400);
    let (code, _) = get(&format!("http://{}/probe", s.addr), &[]).await;
    assert_eq!(code, 400);
}

/// A real Prometheus scrapes conncheck serve for a healthy and a broken deployment.
#[tokio::test]
async fn real_prometheus_scrapes_probe_success() {
    let have = std::process::Command::new("prometheus")
        .arg("--version")
        .output()
        .is_ok();
    if !have {
        assert!(
            std::env::var_os("CONNCHECK_REQUIRE_PROMETHEUS").is_none(),
            "prometheus is required here but not installed"
        );
        eprintln!(
            "skipping: prometheus not installed (Debian package `prometheus`; .ci/run installs it)"
        );
        return;
    }
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let s = serve(&lab_opts(&lab)).await;
    let healthy = lab.target();
    let broken = healthy.replace("api.tiktrue.test", "gone.tiktrue.test");
    let dir = std::env::temp_dir().join(format!("conncheck-prom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let prom_addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: conncheck\n    metrics_path: /probe\n    params:\n      module: [dns]\n    static_configs:\n      - targets: ['{healthy}', '{broken}']\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: '{}'\n",
        s.addr
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let mut prom = tokio::process::Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={prom_addr}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let query = format!("http://{prom_addr}/api/v1/query?query=conncheck_probe_success");
    let mut found = None;
    for _ in 0..120 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Ok(r) = client().get(&query).send().await else {
            continue;
        };
        let Ok(v) = r.json::<serde_json::Value>().await else {
            continue;
        };
        let results = v["data"]["result"].as_array().cloned().unwrap_or_default();
        if results.len() == 2 {
            found = Some(results);
            break;
        }
    }
    let _ = prom.start_kill();
    let results = found.expect("Prometheus scraped both targets");
    let by_instance = |i: &str| {
        results
            .iter()
            .find(|r| r["metric"]["instance"] == i)
            .map(|r| r["value"][1].as_str().unwrap().to_string())
    };
    assert_eq!(by_instance(&healthy).as_deref(), Some("1"), "{results:?}");
    assert_eq!(by_instance(&broken).as_deref(), Some("0"), "{results:?}");
    let _ = std::fs::remove_dir_all(dir);
    lab.shutdown().await;
}

#[test]
fn example_prometheus_config_and_rules_check() {
    let Ok(out) = std::process::Command::new("promtool")
        .args(["check", "config", "examples/prometheus/prometheus.yml"])
        .output()
    else {
        assert!(
            std::env::var_os("CONNCHECK_REQUIRE_PROMETHEUS").is_none(),
            "promtool is required here but not installed"
        );
        eprintln!("skipping: promtool not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = std::process::Command::new("promtool")
        .args(["check", "rules", "examples/prometheus/alerts.yml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn credentials_file_supplies_the_login_for_its_target_only() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let c = lab.credentials();
    let path = std::env::temp_dir().join(format!("conncheck-creds-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        format!(
            "[\"{}\"]\nusername = \"{}\"\npassword = \"{}\"\n",
            lab.target(),
            c.username,
            c.password
        ),
    )
    .unwrap();
    let mut opts = lab_opts(&lab);
    opts.extend(["--credentials-file".to_string(), path.display().to_string()]);
    let s = serve(&opts).await;
    let (code, body) = get(
        &format!(
            "http://{}/probe?target={}&module=jwt",
            s.addr,
            q(&lab.target())
        ),
        &[],
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert!(
        !body.contains(&c.password),
        "the password never appears in metrics"
    );
    let scrape = parse(&body);
    let login = scrape
        .samples
        .iter()
        .find(|x| x.metric == "conncheck_check_status" && x.labels.get("id") == Some("jwt.login"));
    assert_eq!(
        login.and_then(|x| x.labels.get("status")),
        Some("pass"),
        "{body}"
    );
    assert!(
        scrape
            .samples
            .iter()
            .any(|x| x.metric == "conncheck_jwt_access_lifetime_seconds"),
        "{body}"
    );
    // Another target gets no credentials: its jwt rows skip instead of logging in.
    let other = lab.target().replace("/api/v1", "/api/v2");
    let (_, body) = get(
        &format!("http://{}/probe?target={}&module=jwt", s.addr, q(&other)),
        &[],
    )
    .await;
    let scrape = parse(&body);
    let login = scrape
        .samples
        .iter()
        .find(|x| x.metric == "conncheck_check_status" && x.labels.get("id") == Some("jwt.login"));
    assert_ne!(
        login.and_then(|x| x.labels.get("status")),
        Some("pass"),
        "{body}"
    );
    let _ = std::fs::remove_file(path);
    lab.shutdown().await;
}
