//! The Chromium differential suite: generated server CORS behaviours (src/lab/corsgen.rs),
//! served over HTTPS on loopback from a fresh CA, are loaded by Debian's headless Chromium and
//! diagnosed by conncheck; for every call the verdict (the page could read the answer, or the
//! browser blocked it) and the console line must agree, word for word.
//!
//! Needs `chromium` and `certutil` (Debian: `apt-get install -y chromium libnss3-tools`), so it
//! is ignored by default; `.ci/run` installs them and runs it with `--include-ignored`.
//! By hand: `CONNCHECK_CHROMIUM_SEED=123 CONNCHECK_CHROMIUM_CASES=80 cargo test --test chromium
//! -- --include-ignored --nocapture` (seed 17 and 200 cases by default).
//!
//! Traffic stays on loopback: Chromium maps `*.test` to 127.0.0.1 and every other name to
//! "not found" (`--host-resolver-rules`), uses no proxy, and runs with background networking,
//! component updates, sync and QUIC off; conncheck is pointed at the generator's DNS server and
//! CA.

use conncheck::engine::model::{Finding, Status};
use conncheck::lab::corsgen::{self, Case, CorsGen};
use conncheck::report::json::JsonReport;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

const CALLS: [(&str, &str); 2] = [
    ("login", "POST auth/login/"),
    ("profile", "GET auth/profile/"),
];

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn on_path(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}

/// One call's outcome, as one side saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    blocked: bool,
    /// The CORS or Mixed Content console line (none for plain network errors).
    line: Option<String>,
}

/// The console lines a call's outcome is compared on: Chrome's CORS and Mixed Content lines
/// (a network error such as net::ERR_TOO_MANY_REDIRECTS is not printed to the console log).
fn is_console_line(s: &str) -> bool {
    s.starts_with("Access to ") || s.starts_with("Mixed Content: ")
}

/// The case and call a console line is about, from the URLs it names.
fn attribute(msg: &str) -> Option<(usize, String)> {
    msg.split('\'').find_map(|piece| {
        let at = piece.find("/c")?;
        let path = &piece[at..];
        let case = corsgen::case_of(path)?;
        let (call, _) = corsgen::call_path(path)?;
        Some((case, call.to_string()))
    })
}

/// Chrome's console lines from `--enable-logging=stderr`:
/// `[pid:tid:time:INFO:CONSOLE:0] "message", source: URL (0)`.
fn console_lines(stderr: &str) -> BTreeMap<(usize, String), Vec<String>> {
    let mut out: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for line in stderr.lines().filter(|l| l.contains(":CONSOLE")) {
        let Some(start) = line.find("] \"") else {
            continue;
        };
        let rest = &line[start + 3..];
        let end = rest.rfind("\", source:").unwrap_or(rest.len());
        let msg = &rest[..end];
        if !is_console_line(msg) {
            continue;
        }
        if let Some(key) = attribute(msg) {
            out.entry(key).or_default().push(msg.to_string());
        }
    }
    out
}

async fn run(cmd: &mut tokio::process::Command) -> std::process::Output {
    cmd.stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// A temporary HOME whose NSS database trusts the generator's CA (Chromium on Linux reads
/// `$HOME/.pki/nssdb`).
async fn nss_home(dir: &Path, certutil: &Path, ca_file: &Path) -> PathBuf {
    let home = dir.join("home");
    let db = home.join(".pki/nssdb");
    std::fs::create_dir_all(&db).unwrap();
    let db_arg = format!("sql:{}", db.display());
    let out =
        run(tokio::process::Command::new(certutil).args(["-d", &db_arg, "-N", "--empty-password"]))
            .await;
    assert!(out.status.success(), "certutil -N: {out:?}");
    let ca = ca_file.display().to_string();
    let out = run(tokio::process::Command::new(certutil)
        .args(["-d", &db_arg, "-A", "-t", "C,,", "-n", "corsgen", "-i", &ca]))
    .await;
    assert!(out.status.success(), "certutil -A: {out:?}");
    home
}

/// Load the page in headless Chromium until it reports every call; its console log.
async fn chromium(gen: &CorsGen, chromium: &Path, home: &Path, dir: &Path) -> String {
    let log = dir.join("chromium.log");
    let profile = dir.join("profile");
    let mut child = tokio::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--enable-logging=stderr",
            "--v=0",
            // Only the generator's names resolve (to loopback); every other name fails, so
            // nothing Chromium might try on its own leaves the machine.
            "--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND",
            "--no-proxy-server",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(gen.page_url())
        .env("HOME", home)
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");
    let waited = tokio::time::timeout(Duration::from_secs(240), gen.done.notified()).await;
    let _ = child.start_kill();
    let _ = child.wait().await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        waited.is_ok(),
        "the page did not finish within 240 s; Chromium's log:\n{}",
        text.lines().rev().take(40).collect::<Vec<_>>().join("\n")
    );
    text
}

/// conncheck's diagnosis of one case.
async fn conncheck(gen: &CorsGen, case: &Case) -> JsonReport {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_conncheck"));
    cmd.arg(gen.target(case))
        .args(["--only", "cors", "--format", "json", "--deadline", "60"])
        .args(["--origin", &gen.ports.origin(corsgen::APP)])
        .args(["--resolver", &gen.dns_addr.to_string()])
        .arg("--ca-cert")
        .arg(&gen.ca_file)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env("NO_COLOR", "1");
    if !case.credentials {
        cmd.arg("--no-credentials");
    }
    let out = run(&mut cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: conncheck::report::json::JsonDocument =
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "case {}: JSON report ({e}):\n{stdout}\n{}",
                case.id,
                String::from_utf8_lossy(&out.stderr)
            )
        });
    JsonReport::from(&doc.deployments[0])
}

/// conncheck's verdict for one call: blocked when its preflight or actual row fails.
fn conncheck_verdict(r: &JsonReport, label: &str) -> Result<Verdict, String> {
    let row = |id: &str| -> Option<&Finding> {
        r.checks
            .iter()
            .find(|f| f.id == id && f.title.contains(label))
    };
    let pre = row("cors.preflight");
    let act = row("cors.actual").ok_or_else(|| format!("no cors.actual row for {label}"))?;
    let failed = [pre, Some(act)]
        .into_iter()
        .flatten()
        .find(|f| f.status == Status::Fail);
    if let Some(f) = [pre, Some(act)]
        .into_iter()
        .flatten()
        .find(|f| f.status == Status::Error)
    {
        return Err(format!("{} is an error: {}", f.id, f.detail));
    }
    Ok(Verdict {
        blocked: failed.is_some(),
        line: failed
            .and_then(|f| f.browser_error.clone())
            .filter(|l| is_console_line(l)),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and certutil (apt-get install -y chromium libnss3-tools); .ci/run runs it with --include-ignored when they are installed"]
async fn conncheck_agrees_with_headless_chromium() {
    let chromium_bin = on_path("chromium")
        .or_else(|| on_path("chromium-browser"))
        .expect("chromium is not installed: apt-get install -y chromium libnss3-tools");
    let certutil =
        on_path("certutil").expect("certutil is not installed: apt-get install -y libnss3-tools");
    let seed = env_num("CONNCHECK_CHROMIUM_SEED", 17);
    let count = env_num("CONNCHECK_CHROMIUM_CASES", 200) as usize;
    let dir = std::env::temp_dir().join(format!("conncheck-chromium-{}", std::process::id()));
    let cases = corsgen::generate(seed, count);
    let gen = CorsGen::start(cases.clone(), dir.clone())
        .await
        .expect("corsgen starts");
    let home = nss_home(&dir, &certutil, &gen.ca_file).await;
    let log = chromium(&gen, &chromium_bin, &home, &dir).await;
    let lines = console_lines(&log);
    let reports = gen.reports.lock().unwrap().clone();
    let diagnoses: Vec<(usize, JsonReport)> = futures::stream::iter(cases.iter())
        .map(|c| {
            let gen = &gen;
            async move { (c.id, conncheck(gen, c).await) }
        })
        .buffer_unordered(3)
        .collect()
        .await;
    let diagnoses: BTreeMap<usize, JsonReport> = diagnoses.into_iter().collect();
    let mut disagreements = Vec::new();
    let (mut compared, mut blocked) = (0, 0);
    for c in &cases {
        for (call, label) in CALLS {
            let Some(rep) = reports.iter().find(|r| r.case == c.id && r.call == call) else {
                disagreements.push(format!("case {} {call}: the page never reported", c.id));
                continue;
            };
            let chrome_lines = lines
                .get(&(c.id, call.to_string()))
                .cloned()
                .unwrap_or_default();
            let chrome = Verdict {
                blocked: rep.status == 0,
                line: chrome_lines.first().cloned(),
            };
            let ours = conncheck_verdict(&diagnoses[&c.id], label);
            compared += 1;
            blocked += usize::from(chrome.blocked);
            let agree = matches!(&ours, Ok(v) if *v == chrome) && chrome_lines.len() <= 1;
            if !agree {
                disagreements.push(format!(
                    "case {} {call} ({c:?}):\n  chromium: {chrome:?} (all lines: {chrome_lines:?})\n  conncheck: {ours:?}",
                    c.id
                ));
            }
        }
    }
    let all: Vec<&String> = lines.values().flatten().collect();
    let count_of = |needle: &str| all.iter().filter(|l| l.contains(needle)).count();
    eprintln!(
        "chromium differential: seed {seed}, {} cases, {compared} calls compared ({blocked} blocked by Chromium; console lines: {} after a redirect, {} Mixed Content, {} preflight), {} disagreements",
        cases.len(),
        count_of("(redirected from"),
        count_of("Mixed Content"),
        count_of("Response to preflight"),
        disagreements.len()
    );
    gen.shutdown();
    assert!(
        disagreements.is_empty(),
        "conncheck and Chromium disagree on {} call(s) (seed {seed}; rerun with CONNCHECK_CHROMIUM_SEED={seed}):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn console_lines_are_parsed_and_attributed() {
    let log = "[1:1:1206/221309.676090:INFO:CONSOLE:0] \"Access to XMLHttpRequest at 'https://other.corsgen.test:1/c7/auth/profile/next' (redirected from 'https://api.corsgen.test:1/c7/auth/profile/') from origin 'https://app.corsgen.test:1' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\", source: https://app.corsgen.test:1/ (0)\n[1:1:x:INFO:CONSOLE:0] \"hello\", source: x (1)\nother";
    let l = console_lines(log);
    assert_eq!(l.len(), 1);
    let got = &l[&(7, "profile".to_string())];
    assert!(got[0].starts_with("Access to XMLHttpRequest at 'https://other"));
    assert!(got[0].ends_with("requested resource."));
}
