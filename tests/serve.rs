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

/// The states whose series is 1, one per row with this id.
fn states_of(s: &prometheus_parse::Scrape, id: &str) -> Vec<String> {
    s.samples
        .iter()
        .filter(|x| {
            x.metric == "conncheck_check_status"
                && x.labels.get("id") == Some(id)
                && matches!(x.value, prometheus_parse::Value::Gauge(v) if v == 1.0)
        })
        .filter_map(|x| x.labels.get("state").map(str::to_string))
        .collect()
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
                && x.labels.get("state") == Some("warn")
                && matches!(x.value, prometheus_parse::Value::Gauge(v) if v == 1.0)),
        "{body}"
    );
    // Each row has one series per state, exactly one of them 1.
    let propagation: Vec<_> = rows
        .iter()
        .filter(|x| {
            x.labels.get("id") == Some("dns.propagation")
                && x.labels.get("subject") == Some("api.tiktrue.test")
        })
        .collect();
    assert_eq!(propagation.len(), 5, "{body}");
    assert!(rows.iter().all(|x| x.labels.get("subject").is_some()));
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
    // The human page lists the probe and links its report page; /metrics counts it.
    let (_, page) = get(&format!("http://{}/", s.addr), &[]).await;
    assert!(page.contains("/report?id=1"), "{page}");
    let (code, report) = get(&format!("http://{}/report?id=1", s.addr), &[]).await;
    assert_eq!(code, 200);
    assert!(report.contains("id=\"matrix\""), "{report}");
    assert!(
        report.contains("every server gives the same answer"),
        "{report}"
    );
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
    // Cut off by the scrape's deadline (error), or by the resolver's own timeout when that
    // fires first (fail): either way bounded by the scrape, never a pass.
    let states = states_of(&scrape, "dns.resolve");
    assert!(
        states.iter().any(|s| s == "error" || s == "fail"),
        "unfinished rows report error or fail: {body}"
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
#[ignore = "needs prometheus"]
async fn real_prometheus_scrapes_probe_success() {
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
#[ignore = "needs prometheus"]
fn example_prometheus_config_and_rules_check() {
    let out = std::process::Command::new("promtool")
        .args(["check", "config", "examples/prometheus/prometheus.yml"])
        .output()
        .expect("promtool runs");
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
    assert_eq!(states_of(&scrape, "jwt.login"), ["pass"], "{body}");
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
    assert!(
        !states_of(&scrape, "jwt.login").contains(&"pass".to_string()),
        "{body}"
    );
    let _ = std::fs::remove_file(path);
    lab.shutdown().await;
}

/// `promtool check metrics` on a probe answer and on /metrics, both in the 0.0.4 text format
/// asked for with `Accept`.
#[tokio::test]
#[ignore = "needs prometheus"]
async fn promtool_accepts_the_text_format() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let s = serve(&lab_opts(&lab)).await;
    let accept = [("Accept", "text/plain; version=0.0.4")];
    let probe = format!(
        "http://{}/probe?target={}&module=dns,tls",
        s.addr,
        q(&lab.target())
    );
    for url in [probe, format!("http://{}/metrics", s.addr)] {
        let r = client()
            .get(&url)
            .header(accept[0].0, accept[0].1)
            .send()
            .await
            .unwrap();
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("# EOF"));
        let mut p = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("promtool runs");
        use std::io::Write;
        p.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
        let out = p.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{url}: {}{}\n{body}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn a_probe_answer_has_its_own_duration_build_info_and_chain_expiry() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let s = serve(&lab_opts(&lab)).await;
    let (code, body) = get(
        &format!(
            "http://{}/probe?target={}&module=tls",
            s.addr,
            q(&lab.target())
        ),
        &[],
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let scrape = parse(&body);
    assert!(
        value(&scrape, "probe_duration_seconds").unwrap() > 0.0,
        "{body}"
    );
    assert_eq!(value(&scrape, "probe_success"), Some(1.0));
    assert_eq!(value(&scrape, "conncheck_build_info"), Some(1.0));
    let leaf = value(&scrape, "conncheck_tls_cert_not_after_seconds").unwrap();
    let chain = value(&scrape, "conncheck_tls_cert_expiry_timestamp_seconds").unwrap();
    assert!(chain > 0.0 && chain <= leaf, "{body}");
    let (_, own) = get(&format!("http://{}/metrics", s.addr), &[]).await;
    assert!(
        own.contains("conncheck_serve_probe_duration_seconds_bucket"),
        "{own}"
    );
    assert!(!own.contains("\nconncheck_probe_duration_seconds"), "{own}");
    lab.shutdown().await;
}

#[tokio::test]
async fn a_probe_whose_origin_names_another_host_is_refused() {
    let s = serve(&["--allow-targets".into(), "*.tiktrue.test".into()]).await;
    let base = format!(
        "http://{}/probe?target={}",
        s.addr,
        q("https://api.tiktrue.test/api/v1")
    );
    let (code, body) = get(&format!("{base}&origin={}", q("https://evil.test")), &[]).await;
    assert_eq!(code, 403, "{body}");
    assert!(body.contains("not in --allow-targets"), "{body}");
    let many: String = (0..9)
        .map(|i| format!("&origin={}", q(&format!("https://o{i}.tiktrue.test"))))
        .collect();
    let (code, body) = get(&format!("{base}{many}"), &[]).await;
    assert_eq!(code, 400, "{body}");
}

/// Serve started with the lab user's password in its environment and no allow-list: the probed
/// server never sees a login, and the probe says the credentials were withheld.
#[tokio::test]
async fn without_an_allow_list_the_password_reaches_no_server() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let c = lab.credentials();
    let mut child = tokio::process::Command::new(common::bin())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(lab_opts(&lab))
        .env("CONNCHECK_USERNAME", &c.username)
        .env("CONNCHECK_PASSWORD", &c.password)
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let (code, body) = get(
        &format!(
            "http://{addr}/probe?target={}&module=jwt,websocket",
            q(&lab.target())
        ),
        &[],
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let scrape = parse(&body);
    assert_eq!(
        value(&scrape, "conncheck_probe_credentials_withheld"),
        Some(1.0),
        "{body}"
    );
    // The lab issues a token for every login with the right password: none was issued.
    let issued = lab.state.issued.lock().unwrap().len();
    assert_eq!(issued, 0, "the password reached the lab's login");
    let _ = child.start_kill();
    lab.shutdown().await;
}

/// `profile=` naming a file in serve's working directory gets a refusal that shows nothing of
/// the file; a file in --profiles-dir is accepted by name.
#[tokio::test]
async fn a_profile_name_reads_no_local_file() {
    let dir = std::env::temp_dir().join(format!("conncheck-serve-cwd-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    std::fs::write(
        dir.join("secretnotes"),
        "database_password = \"hunter2-db\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("secretnotes.toml"),
        "database_password = \"hunter2-db\"\n",
    )
    .unwrap();
    let mut child = tokio::process::Command::new(common::bin())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--resolver", "127.0.0.1:9"])
        .current_dir(&dir)
        .env_remove("CONNCHECK_PASSWORD")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    for name in [
        "secretnotes",
        "secretnotes.toml",
        "./secretnotes",
        "../secretnotes",
    ] {
        let (code, body) = get(
            &format!(
                "http://{addr}/probe?target=api.x.test&module=dns&profile={}",
                q(name)
            ),
            &[],
        )
        .await;
        assert_eq!(code, 400, "{name}: {body}");
        assert!(
            !body.contains("database_password") && !body.contains("hunter2"),
            "{name}: {body}"
        );
    }
    let _ = child.start_kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// 300 idle or half-sent connections under `ulimit -n 256`: serve keeps running, closes a
/// half-sent request by itself, and answers /metrics afterwards.
#[tokio::test]
async fn idle_and_half_sent_connections_do_not_stop_serve() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut cmd = tokio::process::Command::new(common::bin());
    cmd.arg("serve")
        .args(["--listen", "127.0.0.1:0", "--resolver", "127.0.0.1:9"])
        .env_remove("CONNCHECK_PASSWORD")
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // SAFETY: setrlimit is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 256,
                rlim_max: 256,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    // Keep reading serve's stderr so its accept-error lines never block it.
    let log = tokio::spawn(async move {
        let mut n = 0usize;
        while let Ok(Some(_)) = lines.next_line().await {
            n += 1;
        }
        n
    });
    let mut held = Vec::new();
    for i in 0..300 {
        let Ok(mut c) = tokio::net::TcpStream::connect(&addr).await else {
            continue;
        };
        if i % 2 == 1 {
            let _ = c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n").await;
        }
        held.push(c);
    }
    assert!(held.len() > 256, "only {} connections opened", held.len());
    // The first half-sent request is closed by serve (header timeout 10 s), well within 35 s.
    let mut first = held.remove(1);
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(35), async {
        loop {
            match first.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "a half-sent request was still open after 35 s"
    );
    // An idle connection that never sent a byte is closed by the same timeout.
    let mut idle = held.remove(0);
    let closed = tokio::time::timeout(Duration::from_secs(35), async {
        loop {
            match idle.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "an idle connection was still open after 35 s"
    );
    assert!(child.try_wait().unwrap().is_none(), "serve exited");
    drop(held);
    let metrics = format!("http://{addr}/metrics");
    let mut answered = false;
    for _ in 0..120 {
        if let Ok(Ok(r)) =
            tokio::time::timeout(Duration::from_secs(5), client().get(&metrics).send()).await
        {
            answered = r.status() == 200;
            if answered {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(answered, "/metrics did not answer after the flood");
    assert!(child.try_wait().unwrap().is_none(), "serve exited");
    let _ = child.start_kill();
    log.abort();
}

/// The Grafana dashboard in examples/ matches its JSON schema (the part of Grafana's dashboard
/// model it relies on), and every series it queries is one conncheck serve exports.
#[test]
fn grafana_dashboard_matches_its_schema_and_our_metrics() {
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let schema = read("examples/grafana/dashboard.schema.json");
    let dash = read("examples/grafana/conncheck.json");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&dash)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A broken dashboard is caught: the schema is not vacuous.
    let mut broken = dash.clone();
    broken["panels"][0]["gridPos"]["w"] = serde_json::json!(30);
    assert!(!validator.is_valid(&broken));
    let known = [
        "up",
        "probe_success",
        "probe_duration_seconds",
        "conncheck_check_status",
        "conncheck_tls_cert_expiry_timestamp_seconds",
        "conncheck_probes_total",
        "conncheck_probes_rejected_total",
        "conncheck_connections_refused_total",
    ];
    for panel in dash["panels"].as_array().unwrap() {
        for t in panel["targets"].as_array().unwrap() {
            let expr = t["expr"].as_str().unwrap();
            // Label values ("conncheck_self") are not series names.
            let bare: String = expr.split('"').step_by(2).collect();
            let names = bare
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("probe_") || w.starts_with("conncheck_") || *w == "up");
            for n in names {
                assert!(known.contains(&n), "{expr}: {n} is not exported");
            }
        }
    }
}

/// With `--allow-targets api.tiktrue.test`, a probe of the API contacts no other host: the
/// origins conncheck would infer (tiktrue.test, www) are dropped and their pages never fetched.
#[tokio::test]
async fn the_allow_list_confines_every_host_a_probe_contacts() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let mut opts = lab_opts(&lab);
    opts.extend([
        "--allow-targets".to_string(),
        "api.tiktrue.test".to_string(),
    ]);
    let s = serve(&opts).await;
    let (code, body) = get(
        &format!(
            "http://{}/probe?target={}&module=dns,tls,cors,endpoints,frontend,websocket",
            s.addr,
            q(&lab.target())
        ),
        &[],
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let hosts: Vec<String> = lab
        .state
        .log
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.host.clone())
        .collect();
    assert!(!hosts.is_empty(), "the probe reached the API: {body}");
    assert!(
        hosts.iter().all(|h| h == "api.tiktrue.test"),
        "hosts contacted: {hosts:?}"
    );
    lab.shutdown().await;
}
