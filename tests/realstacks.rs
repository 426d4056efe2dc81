//! Zero-config against real frameworks: Django + DRF + simplejwt + django-cors-headers, Express +
//! cors + jsonwebtoken, FastAPI + CORSMiddleware + PyJWT, Flask + flask-cors + flask-jwt-extended,
//! each installed from PyPI/npm, behind Debian's nginx terminating TLS with the lab's CA, with a
//! frontend bundle built and minified by esbuild. The lab's DNS server names them; conncheck is
//! given only the API URL, the origin, the resolver, the CA and credentials.
//!
//! Needs the stacks: `tests/realstacks/setup.sh` installs them (cached outside the clone) and
//! prints the directory to export as `CONNCHECK_STACKS`; `.ci/run` does both and runs the ignored
//! tests. Every process listens on loopback only.

mod common;

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

/// What a stack is: how to start it, where its API lives, which frontend calls it.
struct StackSpec {
    name: &'static str,
    /// The API base path the frontend is built with ("" for a root-mounted API).
    base: &'static str,
    /// The test account: conncheck's CONNCHECK_USERNAME (an email where the app logs in by email).
    user: &'static str,
}

const PASSWORD: &str = "correct horse battery staple";

const DJANGO: StackSpec = StackSpec {
    name: "django",
    base: "/api/v1",
    user: "alice",
};
const EXPRESS: StackSpec = StackSpec {
    name: "express",
    base: "/api",
    user: "alice@example.test",
};
const FASTAPI: StackSpec = StackSpec {
    name: "fastapi",
    base: "",
    user: "alice@example.test",
};
const FLASK: StackSpec = StackSpec {
    name: "flask",
    base: "/api",
    user: "alice@example.test",
};

/// A running deployment: DNS, nginx (TLS), the backend, the built frontend.
struct Deployment {
    dir: PathBuf,
    dns: std::net::SocketAddr,
    http_port: u16,
    children: Vec<Child>,
    api: String,
    origin: String,
}

impl Drop for Deployment {
    fn drop(&mut self) {
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

/// Start the backend on `port` with `env` (the deployment's configuration).
fn backend(s: &StackSpec, port: u16, dir: &Path, env: &[(String, String)]) -> Child {
    let cache = stacks_dir();
    let src = here().join(s.name);
    let py = python(&cache);
    let log = dir.join("backend.log");
    let mut cmd = match s.name {
        "django" => {
            let db = dir.join("db.sqlite3");
            let base = |c: &mut Command| {
                c.current_dir(&src)
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
                    "from django.contrib.auth.models import User; \
                     User.objects.create_user('{}', 'alice@example.test', '{PASSWORD}')",
                    s.user
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
        other => panic!("unknown stack {other}"),
    };
    cmd.env("PORT", port.to_string())
        .env("TEST_EMAIL", s.user)
        .env("TEST_PASSWORD", PASSWORD)
        .envs(env.iter().cloned());
    let mut child = spawn(&mut cmd, &log);
    wait_port(port, &format!("{} backend", s.name), &mut child);
    child
}

/// Build the frontend with esbuild, minified, calling `api`.
fn frontend(s: &StackSpec, api: &str, dist: &Path) {
    let esbuild = stacks_dir().join("node/node_modules/.bin/esbuild");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    run_ok(
        Command::new(esbuild)
            .arg(here().join("frontend").join(format!("{}.js", s.name)))
            .args(["--bundle", "--minify", "--format=esm", "--target=es2020"])
            .arg(format!("--define:API_BASE=\"{api}\""))
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

fn nginx_conf(dir: &Path, s: &StackSpec, d: (u16, u16, u16)) -> String {
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
         server {{ listen 127.0.0.1:{http}; server_name _; return 301 https://$host:{https}$request_uri; }}\n\
         server {{ listen 127.0.0.1:{https} ssl http2; server_name api.{n}.test;\n\
           ssl_certificate {p}/api.pem; ssl_certificate_key {p}/api.key;\n {security}\n\
           location / {{ proxy_pass http://127.0.0.1:{backend}; proxy_set_header Host $host;\n\
             proxy_set_header X-Forwarded-Proto https; proxy_set_header X-Forwarded-For $remote_addr; }} }}\n\
         server {{ listen 127.0.0.1:{https} ssl http2; server_name app.{n}.test;\n\
           ssl_certificate {p}/app.pem; ssl_certificate_key {p}/app.key;\n {security}\n\
           root {p}/dist; location / {{ try_files $uri /index.html; }} }}\n}}\n",
        n = s.name
    )
}

/// Stand the stack up with the backend's environment `env`.
async fn deploy(s: &StackSpec, env: &[(&str, &str)]) -> (Deployment, tokio::task::JoinHandle<()>) {
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
    let api = format!("https://{api_host}:{https}{}", s.base);
    let origin = format!("https://{app_host}:{https}");
    // DNS
    let mut data = DnsData::default();
    for h in [&api_host, &app_host] {
        data.add(h, 60, Rr::A(Ipv4Addr::LOCALHOST));
    }
    let (udp, tcp, dns) = conncheck::lab::dns::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dns_task = tokio::spawn(conncheck::lab::dns::serve(udp, tcp, Arc::new(data)));
    // TLS
    let ca = Ca::new(None).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.root_pem()).unwrap();
    for (name, host) in [("api", &api_host), ("app", &app_host)] {
        let issued = ca.issue(host, &CertKind::Good).unwrap();
        let chain: String = issued.chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
        std::fs::write(dir.join(format!("{name}.pem")), chain).unwrap();
        std::fs::write(
            dir.join(format!("{name}.key")),
            pem("PRIVATE KEY", issued.key.secret_der()),
        )
        .unwrap();
    }
    frontend(s, &api, &dir.join("dist"));
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.replace("$ORIGIN", &origin)))
        .collect();
    let mut children = vec![backend(s, back, &dir, &env)];
    std::fs::write(
        dir.join("nginx.conf"),
        nginx_conf(&dir, s, (https, http, back)),
    )
    .unwrap();
    let mut ng = spawn(
        Command::new(nginx_bin())
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-e")
            .arg(dir.join("nginx-error.log")),
        &dir.join("nginx.log"),
    );
    wait_port(https, "nginx", &mut ng);
    children.push(ng);
    let d = Deployment {
        dir,
        dns,
        http_port: http,
        children,
        api,
        origin,
    };
    (d, dns_task)
}

/// conncheck, zero-config: the URL, the origin, the resolver, the CA, credentials.
fn diagnose(d: &Deployment, s: &StackSpec) -> common::Run {
    diagnose_with(d, s, &["--origin", &d.origin])
}

fn diagnose_with(d: &Deployment, s: &StackSpec, extra: &[&str]) -> common::Run {
    let out = Command::new(common::bin())
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
        .output()
        .unwrap();
    common::parse(out)
}

fn failing(run: &common::Run) -> Vec<String> {
    run.report
        .checks
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                conncheck::engine::model::Status::Fail | conncheck::engine::model::Status::Error
            )
        })
        .map(|c| format!("{} [{}] {}: {}", c.id, c.status, c.title, c.detail))
        .collect()
}

async fn healthy(s: &StackSpec, env: &[(&str, &str)]) {
    let (d, dns) = deploy(s, env).await;
    // The lab's DNS server answers on another worker while this one waits for conncheck.
    let run = tokio::task::block_in_place(|| diagnose(&d, s));
    dns.abort();
    assert!(
        failing(&run).is_empty() && run.code == 0,
        "{}: a healthy deployment must pass; failing rows:\n{}",
        s.name,
        failing(&run).join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn django_healthy_passes_zero_config() {
    healthy(&DJANGO, &[("CORS_ALLOWED_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn express_healthy_passes_zero_config() {
    healthy(&EXPRESS, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_healthy_passes_zero_config() {
    healthy(&FASTAPI, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn flask_healthy_passes_zero_config() {
    healthy(&FLASK, &[("CORS_ORIGINS", "$ORIGIN")]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the real stacks (tests/realstacks/setup.sh)"]
async fn fastapi_without_its_frontend_learns_the_login_from_openapi() {
    let (d, dns) = deploy(&FASTAPI, &[("CORS_ORIGINS", "$ORIGIN")]).await;
    // No origin: no bundle to read; FastAPI's /openapi.json names the form login at /auth/token.
    let run =
        tokio::task::block_in_place(|| diagnose_with(&d, &FASTAPI, &["--only", "endpoints,jwt"]));
    dns.abort();
    assert!(
        failing(&run).is_empty()
            && run.status("jwt.login") == conncheck::engine::model::Status::Pass,
        "failing rows:\n{}",
        failing(&run).join("\n")
    );
    let login = &run.rows("endpoints.login")[0];
    assert!(login.detail.contains("/auth/token"), "{}", login.detail);
}
