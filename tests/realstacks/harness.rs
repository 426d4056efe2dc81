//! Standing a real stack up on loopback: the lab's DNS names `api.<name>.test` and
//! `app.<name>.test`, the lab's CA issues their certificates, Debian's nginx terminates TLS in
//! front of the backend and serves the esbuild-built frontend. Then conncheck, zero-config.

use super::common;
use base64::Engine;
use conncheck::lab::dns::DnsData;
use conncheck::lab::pki::{Ca, CertKind};
use conncheck::net::dns::Rr;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn stacks_dir() -> PathBuf {
    PathBuf::from(std::env::var("CONNCHECK_STACKS").expect(
        "CONNCHECK_STACKS: run tests/realstacks/setup.sh and export the directory it prints",
    ))
}

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realstacks")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn nginx_bin() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

/// What a deployment is: which backend serves it, where its API lives, which frontend calls it.
pub struct StackSpec {
    /// The deployment's name: its hosts are `api.<name>.test` and `app.<name>.test`.
    pub name: &'static str,
    /// The backend's directory under tests/realstacks/ (`django`, `express`, `fastapi`, `flask`).
    pub backend: &'static str,
    /// The frontend's source under tests/realstacks/frontend/, without `.js`.
    pub frontend: &'static str,
    /// The API base path the frontend is built with ("" for a root-mounted API).
    pub base: &'static str,
    /// The test account: conncheck's CONNCHECK_USERNAME (an email where the app logs in by email).
    pub user: &'static str,
}

pub const PASSWORD: &str = "correct horse battery staple";

/// What answers on the API host.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Proxy {
    /// nginx passes every request to the backend (WebSocket upgrades included).
    App,
    /// nginx answers every request with its 503 maintenance page and a Retry-After.
    Maintenance,
    /// The backend was stopped after it started: nginx answers 502.
    BackendStopped,
    /// nginx proxies without passing `Upgrade`/`Connection` on (no WebSocket location): the
    /// backend sees a plain GET where the browser asked for a WebSocket.
    NoUpgrade,
}

/// A running deployment: DNS, nginx (TLS), the backend, the built frontend.
pub struct Deployment {
    dir: PathBuf,
    pub dns: std::net::SocketAddr,
    http_port: u16,
    children: Vec<Child>,
    pub api: String,
    pub origin: String,
    dns_task: tokio::task::JoinHandle<()>,
}

impl Drop for Deployment {
    fn drop(&mut self) {
        self.dns_task.abort();
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_port(port: u16, what: &str, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{what} did not listen on {port} within 60 s");
}

fn spawn(cmd: &mut Command, log: &Path) -> Child {
    let f = std::fs::File::create(log).unwrap();
    cmd.stdout(Stdio::from(f.try_clone().unwrap()))
        .stderr(Stdio::from(f))
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"))
}

fn python(cache: &Path) -> PathBuf {
    cache.join("venv/bin/python")
}

fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Django: migrate a fresh database, create the test user (by username or, with a custom user
/// model, by email), then `runserver`.
fn django(s: &StackSpec, port: u16, dir: &Path, env: &[(String, String)]) -> Command {
    let py = python(&stacks_dir());
    let src = here().join(s.backend);
    let db = dir.join("db.sqlite3");
    let base = |c: &mut Command| {
        c.current_dir(&src)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("DB_PATH", &db)
            .envs(env.iter().cloned());
    };
    let mut m = Command::new(&py);
    m.args(["manage.py", "migrate", "-v", "0"]);
    base(&mut m);
    run_ok(&mut m, "django migrate");
    let mut u = Command::new(&py);
    u.args([
        "manage.py",
        "shell",
        "-c",
        &format!(
            "from django.contrib.auth import get_user_model; \
             get_user_model().objects.create_user(username='alice', \
             email='alice@example.test', password='{PASSWORD}')"
        ),
    ]);
    base(&mut u);
    run_ok(&mut u, "django create user");
    let mut c = Command::new(&py);
    c.args([
        "manage.py",
        "runserver",
        &format!("127.0.0.1:{port}"),
        "--noreload",
    ]);
    base(&mut c);
    c
}

/// Start the backend on `port` with `env` (the deployment's configuration).
fn backend(s: &StackSpec, port: u16, dir: &Path, env: &[(String, String)]) -> Child {
    let cache = stacks_dir();
    let src = here().join(s.backend);
    let py = python(&cache);
    let mut cmd = match s.backend {
        "django" => django(s, port, dir, env),
        "express" => {
            let mut c = Command::new("node");
            c.arg(src.join("app.js"))
                .env("NODE_PATH", cache.join("node/node_modules"));
            c
        }
        "fastapi" => {
            let mut c = Command::new(&py);
            c.current_dir(&src).args([
                "-m",
                "uvicorn",
                "app:app",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ]);
            c
        }
        "flask" => {
            let mut c = Command::new(&py);
            c.current_dir(&src).arg("app.py");
            c
        }
        other => panic!("unknown backend {other}"),
    };
    cmd.env("PORT", port.to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("TEST_EMAIL", s.user)
        .env("TEST_PASSWORD", PASSWORD)
        .envs(env.iter().cloned());
    let mut child = spawn(&mut cmd, &dir.join("backend.log"));
    wait_port(port, &format!("{} backend", s.name), &mut child);
    child
}

/// Build the frontend with esbuild, minified, calling `api` (and `ws` for sockets).
fn frontend(s: &StackSpec, api: &str, ws: &str, dist: &Path) {
    let esbuild = stacks_dir().join("node/node_modules/.bin/esbuild");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    run_ok(
        Command::new(esbuild)
            .arg(here().join("frontend").join(format!("{}.js", s.frontend)))
            .args(["--bundle", "--minify", "--format=esm", "--target=es2020"])
            .arg(format!("--define:API_BASE=\"{api}\""))
            .arg(format!("--define:WS_BASE=\"{ws}\""))
            .arg(format!(
                "--outfile={}",
                dist.join("assets/index-3f9a2c1b.js").display()
            )),
        "esbuild",
    );
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>App</title>\
         <script type=\"module\" crossorigin src=\"/assets/index-3f9a2c1b.js\"></script></head>\
         <body><div id=\"root\"></div></body></html>\n",
    )
    .unwrap();
}

/// The API server's locations: the backend (with WebSocket upgrades), or a maintenance page.
fn api_locations(dir: &Path, proxy: Proxy, backend: u16) -> String {
    let p = dir.display();
    match proxy {
        Proxy::Maintenance => format!(
            "add_header Retry-After 3600 always;\n\
             error_page 503 /maintenance.html;\n\
             location = /maintenance.html {{ root {p}/maintenance; internal; }}\n\
             location / {{ return 503; }}"
        ),
        Proxy::NoUpgrade => format!(
            "location / {{ proxy_pass http://127.0.0.1:{backend}; proxy_set_header Host $host;\n\
               proxy_set_header X-Forwarded-Proto https; proxy_set_header X-Forwarded-For $remote_addr; }}"
        ),
        Proxy::App | Proxy::BackendStopped => format!(
            "location / {{ proxy_pass http://127.0.0.1:{backend}; proxy_http_version 1.1;\n\
               proxy_set_header Host $host; proxy_set_header Upgrade $http_upgrade;\n\
               proxy_set_header Connection $connection_upgrade;\n\
               proxy_set_header X-Forwarded-Proto https; proxy_set_header X-Forwarded-For $remote_addr; }}"
        ),
    }
}

const MAINTENANCE_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<title>Down for maintenance</title></head><body><h1>Down for maintenance</h1>\
<p>We are upgrading the service and will be back shortly.</p></body></html>\n";

fn nginx_conf(dir: &Path, s: &StackSpec, proxy: Proxy, d: (u16, u16, u16)) -> String {
    let (https, http, backend) = d;
    let p = dir.display();
    let security =
        "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;\n\
                    add_header X-Content-Type-Options nosniff always;\n\
                    add_header X-Frame-Options DENY always;\n\
                    add_header Referrer-Policy strict-origin-when-cross-origin always;";
    format!(
        "daemon off;\nmaster_process off;\nuser root;\nerror_log {p}/nginx-error.log;\npid {p}/nginx.pid;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n access_log off;\n client_body_temp_path {p}/t-body; proxy_temp_path {p}/t-proxy;\n\
         fastcgi_temp_path {p}/t-fcgi; uwsgi_temp_path {p}/t-uwsgi; scgi_temp_path {p}/t-scgi;\n\
         types {{ text/html html; application/javascript js; text/css css; }}\n\
         map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n\
         server {{ listen 127.0.0.1:{http}; server_name _; return 301 https://$host:{https}$request_uri; }}\n\
         server {{ listen 127.0.0.1:{https} ssl http2; server_name api.{n}.test;\n\
           ssl_certificate {p}/api.pem; ssl_certificate_key {p}/api.key;\n {security}\n {api}\n }}\n\
         server {{ listen 127.0.0.1:{https} ssl http2; server_name app.{n}.test;\n\
           ssl_certificate {p}/app.pem; ssl_certificate_key {p}/app.key;\n {security}\n\
           root {p}/dist; location / {{ try_files $uri /index.html; }} }}\n}}\n",
        n = s.name,
        api = api_locations(dir, proxy, backend),
    )
}

/// The lab's DNS for the two hosts, and their certificates from a fresh lab CA (in `dir`).
async fn names(
    dir: &Path,
    hosts: [&str; 2],
) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let mut data = DnsData::default();
    for h in hosts {
        data.add(h, 60, Rr::A(Ipv4Addr::LOCALHOST));
    }
    let (udp, tcp, dns) = conncheck::lab::dns::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dns_task = tokio::spawn(conncheck::lab::dns::serve(udp, tcp, Arc::new(data)));
    let ca = Ca::new(None).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.root_pem()).unwrap();
    for (name, host) in [("api", hosts[0]), ("app", hosts[1])] {
        let issued = ca.issue(host, &CertKind::Good).unwrap();
        let chain: String = issued.chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
        std::fs::write(dir.join(format!("{name}.pem")), chain).unwrap();
        std::fs::write(
            dir.join(format!("{name}.key")),
            pem("PRIVATE KEY", issued.key.secret_der()),
        )
        .unwrap();
    }
    (dns, dns_task)
}

/// Stand the stack up with the backend's environment `env` (`$ORIGIN` is replaced by the
/// frontend's origin) behind nginx answering as `proxy` says.
pub async fn deploy(s: &StackSpec, env: &[(&str, &str)], proxy: Proxy) -> Deployment {
    // Fail before creating anything when the stacks are not installed.
    stacks_dir();
    let dir = std::env::temp_dir().join(format!(
        "conncheck-realstack-{}-{}-{}",
        s.name,
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (https, http, back) = (free_port(), free_port(), free_port());
    let api_host = format!("api.{}.test", s.name);
    let app_host = format!("app.{}.test", s.name);
    let (dns, dns_task) = names(&dir, [&api_host, &app_host]).await;
    // From here on a panic drops the deployment: its processes stop and its directory goes.
    let mut d = Deployment {
        dir,
        dns,
        http_port: http,
        children: Vec::new(),
        api: format!("https://{api_host}:{https}{}", s.base),
        origin: format!("https://{app_host}:{https}"),
        dns_task,
    };
    frontend(
        s,
        &d.api,
        &format!("wss://{api_host}:{https}"),
        &d.dir.join("dist"),
    );
    std::fs::create_dir_all(d.dir.join("maintenance")).unwrap();
    std::fs::write(d.dir.join("maintenance/maintenance.html"), MAINTENANCE_PAGE).unwrap();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.replace("$ORIGIN", &d.origin)))
        .collect();
    if proxy != Proxy::Maintenance {
        let b = backend(s, back, &d.dir, &env);
        d.children.push(b);
        if proxy == Proxy::BackendStopped {
            let b = d.children.last_mut().unwrap();
            b.kill().unwrap();
            b.wait().unwrap();
        }
    }
    let conf = nginx_conf(&d.dir, s, proxy, (https, http, back));
    std::fs::write(d.dir.join("nginx.conf"), conf).unwrap();
    let ng = spawn(
        Command::new(nginx_bin())
            .arg("-p")
            .arg(&d.dir)
            .arg("-c")
            .arg(d.dir.join("nginx.conf"))
            .arg("-e")
            .arg(d.dir.join("nginx-error.log")),
        &d.dir.join("nginx.log"),
    );
    d.children.push(ng);
    wait_port(https, "nginx", d.children.last_mut().unwrap());
    d
}

/// conncheck, zero-config: the URL, the origin, the resolver, the CA, credentials.
pub fn diagnose(d: &Deployment, s: &StackSpec) -> common::Run {
    diagnose_with(d, s, &["--origin", &d.origin])
}

pub fn diagnose_with(d: &Deployment, s: &StackSpec, extra: &[&str]) -> common::Run {
    let mut cmd = Command::new(common::bin());
    // Loopback only: a proxy from the environment must not see the lab's traffic.
    for v in common::PROXY_VARS {
        cmd.env_remove(v);
    }
    let out = cmd
        .arg(&d.api)
        .args(extra)
        .args(["--resolver", &d.dns.to_string()])
        .args(["--ns-port", &d.dns.port().to_string()])
        .arg("--ca-cert")
        .arg(d.dir.join("ca.pem"))
        .args(["--http-port", &d.http_port.to_string()])
        .args(["--format", "json", "--deadline", "60"])
        .env("CONNCHECK_USERNAME", s.user)
        .env("CONNCHECK_PASSWORD", PASSWORD)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    common::parse(out)
}
