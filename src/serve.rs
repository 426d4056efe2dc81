//! `conncheck serve`: a probe endpoint for Prometheus, in the multi-target pattern of the
//! blackbox exporter. Prometheus schedules, stores and alerts; conncheck answers
//! `GET /probe?target=…` with one diagnosis in the OpenMetrics text format.
//!
//! - `/probe?target=URL[&origin=URL…][&module=dns,cors…][&profile=NAME]`: one diagnosis. Its
//!   deadline follows `X-Prometheus-Scrape-Timeout-Seconds` minus a margin, so a slow target never
//!   fails the scrape. Probes beyond `--max-concurrent-probes` get 503 at once. Targets outside
//!   `--allow-targets` get 403, so the endpoint is not an open proxy. Credentials never come from
//!   the query string: the environment or `--credentials-file`, keyed by target.
//! - `/metrics`: conncheck's own health.
//! - `/`: the recent probes and their reports, for a human.

use crate::cli::{Env, RunArgs};
use crate::diagnose::diagnose;
use crate::model::Report;
use crate::redact::{neutralize, Secrets};
use crate::target::Credentials;
use anyhow::{bail, Context as _, Result};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;

/// The Content-Type of OpenMetrics text, which Prometheus negotiates.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Taken off Prometheus' scrape timeout so the answer arrives before the scrape gives up.
const SCRAPE_MARGIN: Duration = Duration::from_millis(500);
const RECENT: usize = 20;

/// Options of `conncheck serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub max_concurrent: usize,
    /// Host patterns (`*.example.com`) a target must match; empty allows any.
    pub allow_targets: Vec<String>,
    /// Target → credentials.
    pub credentials: HashMap<String, Credentials>,
}

/// Read `--credentials-file`: TOML, one table per target:
/// `["https://api.example.com/api/v1"]` with `username` and `password`.
pub fn read_credentials(path: &std::path::Path) -> Result<HashMap<String, Credentials>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        username: String,
        password: String,
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--credentials-file {}: cannot read file", path.display()))?;
    let map: HashMap<String, Entry> = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("--credentials-file {}: {}", path.display(), e.message()))?;
    Ok(map
        .into_iter()
        .map(|(k, e)| {
            (
                k,
                Credentials {
                    username: e.username,
                    password: e.password,
                },
            )
        })
        .collect())
}

/// Does `host` match a `*`-wildcard pattern (case-insensitive)?
pub fn host_matches(pattern: &str, host: &str) -> bool {
    fn m(p: &[u8], h: &[u8]) -> bool {
        match (p.first(), h.first()) {
            (None, None) => true,
            (Some(b'*'), _) => m(&p[1..], h) || (!h.is_empty() && m(p, &h[1..])),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => m(&p[1..], &h[1..]),
            _ => false,
        }
    }
    m(pattern.trim().as_bytes(), host.as_bytes())
}

struct Own {
    registry: Registry,
    probes: Family<Vec<(String, String)>, Counter>,
    in_flight: Gauge,
    rejected: Counter,
    duration: Histogram,
}

struct State {
    base: RunArgs,
    env: Env,
    opts: ServeOptions,
    sem: Arc<Semaphore>,
    own: Own,
    recent: Mutex<VecDeque<(SystemTime, Report)>>,
}

type Body = Full<Bytes>;

fn text(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_str(content_type).unwrap(),
    );
    r
}

/// Serve until the process ends.
pub async fn serve(base: RunArgs, env: Env, opts: ServeOptions) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("cannot listen on {}", opts.listen))?;
    eprintln!(
        "conncheck serve: listening on http://{}/ (probe: /probe?target=…)",
        listener.local_addr()?
    );
    serve_on(listener, base, env, opts).await
}

pub async fn serve_on(
    listener: tokio::net::TcpListener,
    base: RunArgs,
    env: Env,
    opts: ServeOptions,
) -> Result<()> {
    if opts.max_concurrent == 0 {
        bail!("--max-concurrent-probes must be at least 1");
    }
    let mut registry = Registry::with_prefix("conncheck");
    let probes = Family::<Vec<(String, String)>, Counter>::default();
    let in_flight = Gauge::default();
    let rejected = Counter::default();
    let duration = Histogram::new(exponential_buckets(0.05, 2.0, 12));
    registry.register("probes", "Probes run, by result", probes.clone());
    registry.register("probes_in_flight", "Probes running now", in_flight.clone());
    registry.register(
        "probes_rejected",
        "Probes refused because too many were running",
        rejected.clone(),
    );
    registry.register(
        "probe_duration_seconds",
        "Time a probe took",
        duration.clone(),
    );
    let state = Arc::new(State {
        base,
        env,
        sem: Arc::new(Semaphore::new(opts.max_concurrent)),
        opts,
        own: Own {
            registry,
            probes,
            in_flight,
            rejected,
            duration,
        },
        recent: Mutex::default(),
    });
    loop {
        let (tcp, _) = listener.accept().await?;
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(route(&state, req).await) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tcp), svc)
                .await;
        });
    }
}

async fn route(state: &State, req: Request<Incoming>) -> Response<Body> {
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/probe") => probe(state, &req).await,
        ("GET", "/metrics") => {
            let mut out = String::new();
            let _ = encode(&mut out, &state.own.registry);
            text(StatusCode::OK, OPENMETRICS, out)
        }
        ("GET", "/") => text(
            StatusCode::OK,
            "text/html; charset=utf-8",
            index_html(state),
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found: try /, /probe?target=…, /metrics\n",
        ),
    }
}

fn params(req: &Request<Incoming>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

async fn probe(state: &State, req: &Request<Incoming>) -> Response<Body> {
    let params = params(req);
    let get_all = |k: &str| {
        params
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let Some(target) = get_all("target").into_iter().next() else {
        return text(StatusCode::BAD_REQUEST, "text/plain", "missing ?target=\n");
    };
    if params
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "password" | "username" | "token"))
    {
        return text(StatusCode::BAD_REQUEST, "text/plain", "credentials are never taken from the query string; use the environment or --credentials-file\n");
    }
    let host = crate::target::parse_url(&target)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if !state.opts.allow_targets.is_empty()
        && !state
            .opts
            .allow_targets
            .iter()
            .any(|p| host_matches(p, &host))
    {
        return text(
            StatusCode::FORBIDDEN,
            "text/plain",
            format!("target host {host:?} is not in --allow-targets\n"),
        );
    }
    let Ok(permit) = Arc::clone(&state.sem).try_acquire_owned() else {
        state.own.rejected.inc();
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "too many probes running (--max-concurrent-probes); try later\n",
        );
    };
    let mut run = state.base.clone();
    run.origins.extend(get_all("origin"));
    if let Some(profile) = get_all("profile").into_iter().next() {
        // Only the shipped profiles: a path would let a scrape read the server's files.
        if profile.contains('/') || profile.contains('.') {
            return text(
                StatusCode::BAD_REQUEST,
                "text/plain",
                "profile must be the name of a shipped profile\n",
            );
        }
        run.profile = Some(profile);
    }
    let modules = get_all("module").join(",");
    if !modules.is_empty() {
        run.only = Some(modules);
    }
    let scrape = req
        .headers()
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0);
    if let Some(t) = scrape {
        let budget = (t - SCRAPE_MARGIN.as_secs_f64()).max(0.5);
        run.deadline = run.deadline.min(budget);
        run.timeout = run.timeout.min(budget);
    }
    let mut env = state.env.clone();
    if let Some(c) = state.opts.credentials.get(&target) {
        env.credentials = Some(c.clone());
    }
    let config = match run.to_config(&target, &env) {
        Ok(c) => c,
        Err(e) => return text(StatusCode::BAD_REQUEST, "text/plain", format!("{e:#}\n")),
    };
    state.own.in_flight.inc();
    let start = Instant::now();
    let report = diagnose(&config, Secrets::default()).await;
    state.own.in_flight.dec();
    drop(permit);
    state.own.duration.observe(start.elapsed().as_secs_f64());
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            state
                .own
                .probes
                .get_or_create(&vec![("result".into(), "error".into())])
                .inc();
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                format!("{e:#}\n"),
            );
        }
    };
    let ok = report.summary().fail == 0 && report.summary().error == 0;
    state
        .own
        .probes
        .get_or_create(&vec![(
            "result".into(),
            if ok { "success" } else { "failure" }.into(),
        )])
        .inc();
    let body = exposition(&report);
    {
        let mut recent = state.recent.lock().unwrap();
        recent.push_front((SystemTime::now(), report));
        recent.truncate(RECENT);
    }
    text(StatusCode::OK, OPENMETRICS, body)
}

/// The probe's metrics, in OpenMetrics text.
pub fn exposition(report: &Report) -> String {
    type Labels = Vec<(String, String)>;
    let mut reg = Registry::with_prefix("conncheck");
    let success: Gauge = Gauge::default();
    let failed: Gauge = Gauge::default();
    let status = Family::<Labels, Gauge>::default();
    let duration = Family::<Labels, Gauge<f64, AtomicU64>>::default();
    reg.register(
        "probe_success",
        "1 when no check failed or errored",
        success.clone(),
    );
    reg.register(
        "failed_checks",
        "Rows that failed or errored",
        failed.clone(),
    );
    reg.register(
        "check_status",
        "One series per checklist row; the status is a label",
        status.clone(),
    );
    reg.register(
        "check_duration_seconds",
        "Time each checklist row took",
        duration.clone(),
    );
    let s = report.summary();
    success.set(i64::from(s.fail == 0 && s.error == 0));
    failed.set((s.fail + s.error) as i64);
    for f in &report.findings {
        // The title tells rows that share an id apart (one per host, origin, endpoint).
        let item = f.title.clone();
        status
            .get_or_create(&vec![
                ("id".into(), f.id.clone()),
                ("item".into(), item.clone()),
                ("module".into(), f.module.name().into()),
                ("section".into(), f.section.label()),
                ("status".into(), f.status.as_str().into()),
            ])
            .set(1);
        duration
            .get_or_create(&vec![("id".into(), f.id.clone()), ("item".into(), item)])
            .set(f.duration_ms as f64 / 1000.0);
    }
    // Numbers modules measured, each its own family.
    let mut families: HashMap<&'static str, Family<Labels, Gauge<f64, AtomicU64>>> = HashMap::new();
    let mut plain: HashMap<&'static str, Gauge<f64, AtomicU64>> = HashMap::new();
    for m in &report.metrics {
        if m.labels.is_empty() {
            // A label-less series is a plain gauge (an empty `{}` trips some parsers).
            plain
                .entry(m.name)
                .or_insert_with(|| {
                    let g = Gauge::<f64, AtomicU64>::default();
                    reg.register(m.name, metric_help(m.name), g.clone());
                    g
                })
                .set(m.value);
            continue;
        }
        let fam = families.entry(m.name).or_insert_with(|| {
            let fam = Family::<Labels, Gauge<f64, AtomicU64>>::default();
            reg.register(m.name, metric_help(m.name), fam.clone());
            fam
        });
        fam.get_or_create(
            &m.labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
        .set(m.value);
    }
    let mut out = String::new();
    let _ = encode(&mut out, &reg);
    out
}

fn metric_help(name: &str) -> &'static str {
    match name {
        "tls_cert_not_after_seconds" => "Unix time when the leaf certificate expires",
        "dns_propagation_agreeing_servers" => "DNS servers giving the most common answer",
        "dns_propagation_servers" => "DNS servers asked",
        "http_status" => "HTTP status of each endpoint",
        "jwt_access_lifetime_seconds" => "Lifetime of the access token (exp - iat)",
        _ => "measured by conncheck",
    }
}

fn esc(s: &str) -> String {
    neutralize(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn index_html(state: &State) -> String {
    let recent = state.recent.lock().unwrap();
    let mut h = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>conncheck serve</title><style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}.fail,.error{color:#b00}.warn{color:#a60}.pass{color:#070}.skip{color:#777}</style></head><body><h1>conncheck serve</h1><p>Probe: <code>/probe?target=URL</code> · own metrics: <a href=\"/metrics\">/metrics</a></p>",
    );
    if recent.is_empty() {
        h.push_str("<p>No probes yet.</p>");
    }
    for (when, r) in recent.iter() {
        let age = when.elapsed().map(|d| d.as_secs()).unwrap_or(0);
        let s = r.summary();
        h.push_str(&format!(
            "<h2>{}</h2><p>{age} s ago · {} pass, {} warn, {} fail, {} error, {} skip · {}</p><table><tr><th>status</th><th>id</th><th>check</th><th>evidence</th><th>fix</th></tr>",
            esc(&r.target),
            s.pass,
            s.warn,
            s.fail,
            s.error,
            s.skip,
            esc(&crate::report::verdict(r))
        ));
        for f in &r.findings {
            h.push_str(&format!(
                "<tr class=\"{st}\"><td class=\"{st}\">{st}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.id),
                esc(&f.title),
                esc(&f.detail),
                esc(f.hint.as_deref().unwrap_or("")),
                st = f.status.as_str()
            ));
        }
        h.push_str("</table>");
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns() {
        assert!(host_matches("*.tiktrue.com", "api.tiktrue.com"));
        assert!(!host_matches("*.tiktrue.com", "tiktrue.com.evil.test"));
        assert!(host_matches("API.x.test", "api.x.test"));
        assert!(!host_matches("api.x.test", "api.x.test.evil"));
        assert!(host_matches("*", "anything"));
    }
}
