//! The performance benchmark (issue: a full diagnosis costs little more than its longest chain of
//! dependent requests). Run with `cargo bench --bench diagnosis`.
//!
//! For each per-response delay L it starts the lab's healthy scenario, runs the release binary's
//! full diagnosis several times and prints: the median wall time; the critical path computed from
//! the lab's own request log (the longest chain of requests each needing the previous answer);
//! their ratio; the TCP connections and TLS handshakes the lab accepted; the peak RSS of the
//! process (getrusage of the child, as /usr/bin/time -v reports it). Then 50 deployments in one
//! run against one. Loopback only.

use conncheck::lab::{Lab, LabOptions};

// The labs run in this process on the same two cores as conncheck, standing in for servers that
// would be elsewhere: give them the allocator conncheck itself uses so they take less of the CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

struct Sample {
    wall: Duration,
    rss_kib: i64,
    /// User + system CPU time of the child.
    cpu: Duration,
    code: i32,
}

/// Run the binary, wait with wait4 to read the child's own peak RSS.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which std cannot see
fn run(args: &[String], creds: &conncheck::target::Credentials) -> Sample {
    use std::process::{Command, Stdio};
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_conncheck"))
        .args(args)
        .env("CONNCHECK_USERNAME", &creds.username)
        .env("CONNCHECK_PASSWORD", &creds.password)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("conncheck starts");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; the structs are ours.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    Sample {
        wall: start.elapsed(),
        rss_kib: usage.ru_maxrss,
        cpu: cpu_of(&usage),
        code: libc::WEXITSTATUS(status),
    }
}

/// User + system CPU time of this process so far (the labs run in it).
fn self_cpu() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_of(&usage)
}

/// User + system time of a `getrusage`/`wait4` report.
fn cpu_of(usage: &libc::rusage) -> Duration {
    let tv =
        |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

async fn single(delay_ms: u64) {
    let scenario = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = Lab::start(scenario, LabOptions { delay_ms }).await.unwrap();
    let args = lab.args();
    let creds = lab.credentials();
    println!("L = {delay_ms} ms");
    let mut walls = Vec::new();
    let mut rss = 0;
    let mut cp = Duration::ZERO;
    let mut chain = Vec::new();
    let (mut conns, mut handshakes) = (0, std::collections::HashMap::new());
    for i in 0..RUNS {
        lab.reset_stats();
        let args = args.clone();
        let c = creds.clone();
        let s = tokio::task::spawn_blocking(move || run(&args, &c))
            .await
            .unwrap();
        assert!(
            s.code == 0,
            "the healthy scenario must pass (exit {})",
            s.code
        );
        walls.push(s.wall);
        rss = rss.max(s.rss_kib);
        if i == RUNS - 1 {
            let mut log = lab.log();
            log.sort_by_key(|e| e.end);
            if delay_ms > 0 {
                println!("  last requests to finish (start → end, offsets in the lab's clock):");
                for e in log.iter().rev().take(4).rev() {
                    println!(
                        "      {:>6} → {:>6}  {} {}{}",
                        ms(e.start),
                        ms(e.end),
                        e.method,
                        e.host,
                        e.path
                    );
                }
            }
            (cp, chain) = lab.critical_path();
            conns = lab.connections();
            handshakes = lab.handshakes();
        }
    }
    let wall = median(walls);
    println!(
        "  median wall time     {} (of {RUNS} runs, including process start)",
        ms(wall)
    );
    if delay_ms > 0 {
        println!(
            "  critical path        {} ({} requests)",
            ms(cp),
            chain.len()
        );
        for e in &chain {
            println!(
                "      {:>7}  {} {}{}",
                ms(e.end - e.start),
                e.method,
                e.host,
                e.path
            );
        }
        println!(
            "  ratio wall/critical  {:.2}",
            wall.as_secs_f64() / cp.as_secs_f64()
        );
    }
    let mut hs: Vec<_> = handshakes.into_iter().collect();
    hs.sort();
    println!("  TCP connections      {conns}");
    println!(
        "  TLS handshakes       {}",
        hs.iter()
            .map(|(h, n)| format!("{h}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("  peak RSS             {:.1} MB", rss as f64 / 1024.0);
    lab.shutdown().await;
}

async fn many(n: usize, delay_ms: u64) {
    let mut labs = Vec::new();
    for _ in 0..n {
        labs.push(
            Lab::start(
                conncheck::lab::scenarios::find("healthy").unwrap(),
                LabOptions { delay_ms },
            )
            .await
            .unwrap(),
        );
    }
    let creds = labs[0].credentials();
    let path = std::env::temp_dir().join(format!(
        "conncheck-bench-targets-{}.txt",
        std::process::id()
    ));
    let lines: Vec<String> = labs
        .iter()
        .map(|l| {
            l.args()
                .iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let args: Vec<String> = vec![
        "--targets".into(),
        path.display().to_string(),
        "--parallel".into(),
        n.to_string(),
        "--format".into(),
        "json".into(),
    ];
    // Alternate one deployment and all of them, RUNS times each; medians.
    let (mut ones, mut alls, mut all_cpu, mut lab_cpu) = (vec![], vec![], vec![], vec![]);
    let (mut one_cpu, mut rss, mut code) = (vec![], 0, 0);
    for _ in 0..RUNS {
        let a = labs[0].args();
        let c = creds.clone();
        let one = tokio::task::spawn_blocking(move || run(&a, &c))
            .await
            .unwrap();
        ones.push(one.wall);
        one_cpu.push(one.cpu);
        let (a, c) = (args.clone(), creds.clone());
        let before = self_cpu();
        let all = tokio::task::spawn_blocking(move || run(&a, &c))
            .await
            .unwrap();
        lab_cpu.push(self_cpu().saturating_sub(before));
        alls.push(all.wall);
        all_cpu.push(all.cpu);
        rss = rss.max(all.rss_kib);
        code = code.max(all.code);
    }
    let (one, all) = (median(ones), median(alls));
    println!("{n} deployments at L = {delay_ms} ms, --parallel {n} (medians of {RUNS} runs)");
    println!(
        "  one deployment       {} (conncheck CPU {})",
        ms(one),
        ms(median(one_cpu))
    );
    println!(
        "  all {n}               {} ({:.2}x one; conncheck CPU {}, the {n} labs' CPU {}; exit {code}; peak RSS {:.1} MB)",
        ms(all),
        all.as_secs_f64() / one.as_secs_f64(),
        ms(median(all_cpu)),
        ms(median(lab_cpu)),
        rss as f64 / 1024.0
    );
    let _ = std::fs::remove_file(path);
    for l in labs {
        l.shutdown().await;
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would run us too: only run under bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "conncheck benchmark on {} ({} cores)\n",
            std::env::consts::ARCH,
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        );
        // CONNCHECK_BENCH_DELAYS=200 measures one delay and skips the 50-deployment run.
        let only: Option<Vec<u64>> = std::env::var("CONNCHECK_BENCH_DELAYS")
            .ok()
            .map(|v| v.split(',').filter_map(|d| d.trim().parse().ok()).collect());
        for l in only.clone().unwrap_or_else(|| vec![0, 50, 200]) {
            single(l).await;
            println!();
        }
        if only.is_none() {
            many(50, 100).await;
        }
    });
}
