//! `conncheck serve`: a probe endpoint for Prometheus, in the multi-target pattern of the
//! blackbox exporter. Prometheus schedules, stores and alerts; conncheck answers
//! `GET /probe?target=…` with one diagnosis as metrics.
//!
//! - `/probe?target=URL[&origin=URL…][&module=dns,cors…][&profile=NAME]`: one diagnosis. Its
//!   deadline follows `X-Prometheus-Scrape-Timeout-Seconds` minus a margin. Probes beyond
//!   `--max-concurrent-probes` get 503 at once. With `--allow-targets`, every host a probe may
//!   contact (target, origins, pages, scripts, WebSockets) must match it; others get 403 or are
//!   never contacted ([`policy`]). Credentials never come from the query string, and without an
//!   allow-list the environment's are sent nowhere.
//! - `/metrics`: conncheck's own health.
//! - `/`: the recent probes, as bounded summaries ([`page`]).
//!
//! No client can stop it: connections are bounded, slow or idle ones closed, accept errors
//! retried ([`conn`]).

pub mod conn;
pub mod expo;
pub mod page;
pub mod policy;

use crate::cli::{Env, RunArgs};
use crate::diagnose::diagnose;
pub use crate::net::dns::host_matches;
use crate::redact::Secrets;
use crate::target::Credentials;
use anyhow::{bail, Context as _, Result};
use bytes::Bytes;
pub use expo::{exposition, OPENMETRICS, TEXT_004};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;

/// Taken off Prometheus' scrape timeout so the answer arrives before the scrape gives up.
const SCRAPE_MARGIN: Duration = Duration::from_millis(500);

/// Options of `conncheck serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub max_concurrent: usize,
    /// Host patterns (`*.example.com`) every contacted host must match; empty allows any, and
    /// then the environment's credentials are never sent.
    pub allow_targets: Vec<String>,
    /// Target → credentials.
    pub credentials: HashMap<String, Credentials>,
    /// Where `profile=NAME` may read `NAME.toml`, besides the shipped profiles.
    pub profiles_dir: Option<PathBuf>,
    /// Open connections at most.
    pub max_connections: usize,
    /// A request head must arrive within this; idle keep-alive connections close after it.
    pub header_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 9793)),
            max_concurrent: 4,
            allow_targets: Vec::new(),
            credentials: HashMap::new(),
            profiles_dir: None,
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
        }
    }
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

struct Own {
    registry: Registry,
    probes: Family<Vec<(String, String)>, Counter>,
    in_flight: Gauge,
    rejected: Counter,
    refused_connections: Counter,
    duration: Histogram,
}

impl Own {
    fn new() -> Own {
        let mut registry = Registry::with_prefix("conncheck");
        let own = Own {
            registry: Registry::default(),
            probes: Family::default(),
            in_flight: Gauge::default(),
            rejected: Counter::default(),
            refused_connections: Counter::default(),
            duration: Histogram::new(exponential_buckets(0.05, 2.0, 12)),
        };
        registry.register("probes", "Probes run, by result", own.probes.clone());
        registry.register(
            "probes_in_flight",
            "Probes running now",
            own.in_flight.clone(),
        );
        registry.register(
            "probes_rejected",
            "Probes refused because too many were running",
            own.rejected.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections closed at once because --max-connections were open",
            own.refused_connections.clone(),
        );
        // Not `probe_duration_seconds`: that is each /probe answer's own gauge.
        registry.register(
            "serve_probe_duration_seconds",
            "Time the probes took",
            own.duration.clone(),
        );
        let build = Family::<Vec<(String, String)>, Gauge>::default();
        build
            .get_or_create(&vec![("version".into(), env!("CARGO_PKG_VERSION").into())])
            .set(1);
        registry.register("build_info", "conncheck's version; always 1", build);
        Own { registry, ..own }
    }
}

pub struct State {
    base: RunArgs,
    env: Env,
    opts: ServeOptions,
    sem: Arc<Semaphore>,
    own: Own,
    recent: Mutex<VecDeque<page::Summary>>,
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

/// Metrics in the format the request asked for.
fn metrics(req: &Request<Incoming>, om: String) -> Response<Body> {
    let accept = req
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    if expo::wants_text_004(accept) {
        text(StatusCode::OK, TEXT_004, expo::to_text_004(&om))
    } else {
        text(StatusCode::OK, OPENMETRICS, om)
    }
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
    if opts.allow_targets.is_empty() {
        conn::log("no --allow-targets: any target may be probed, and the environment's credentials are sent to none");
    }
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
    let limits = conn::ConnLimits {
        max_connections: opts.max_connections,
        header_timeout: opts.header_timeout,
        // A probe lasts at most its deadline; a minute more to write the answer.
        lifetime: Duration::from_secs_f64(base.deadline.max(1.0) + 60.0),
    };
    let state = Arc::new(State {
        base,
        env,
        sem: Arc::new(Semaphore::new(opts.max_concurrent)),
        opts,
        own: Own::new(),
        recent: Mutex::default(),
    });
    let refused = Arc::clone(&state);
    conn::accept_loop(
        listener,
        limits,
        move |tcp| {
            let state = Arc::clone(&state);
            async move {
                let svc = hyper::service::service_fn(move |req| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(route(&state, req).await) }
                });
                let _ = conn::http1(limits.header_timeout)
                    .serve_connection(TokioIo::new(tcp), svc)
                    .await;
            }
        },
        move || {
            refused.own.refused_connections.inc();
        },
    )
    .await;
    Ok(())
}

async fn route(state: &State, req: Request<Incoming>) -> Response<Body> {
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/probe") => probe(state, &req).await,
        ("GET", "/metrics") => {
            let mut out = String::new();
            let _ = encode(&mut out, &state.own.registry);
            metrics(&req, out)
        }
        ("GET", "/") => text(
            StatusCode::OK,
            "text/html; charset=utf-8",
            page::html(&state.recent.lock().unwrap()),
        ),
        ("GET", "/report") => {
            let id = params(&req)
                .into_iter()
                .find(|(k, _)| k == "id")
                .and_then(|(_, v)| v.parse::<u64>().ok());
            let found = id.and_then(|id| page::report_page(&state.recent.lock().unwrap(), id));
            match found {
                Some(p) => text(StatusCode::OK, "text/html; charset=utf-8", p),
                None => text(
                    StatusCode::NOT_FOUND,
                    "text/plain",
                    "no such probe kept: see / for the recent ones\n",
                ),
            }
        }
        _ => text(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found: try /, /probe?target=…, /report?id=N, /metrics\n",
        ),
    }
}

fn params(req: &Request<Incoming>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn count(state: &State, result: &str) {
    state
        .own
        .probes
        .get_or_create(&vec![("result".into(), result.into())])
        .inc();
}

async fn probe(state: &State, req: &Request<Incoming>) -> Response<Body> {
    let scrape = req
        .headers()
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0);
    let probe = match policy::probe(state, &params(req), scrape) {
        Ok(p) => p,
        Err(policy::Refusal(status, why)) => return text(status, "text/plain", why + "\n"),
    };
    let Ok(permit) = Arc::clone(&state.sem).try_acquire_owned() else {
        state.own.rejected.inc();
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "too many probes running (--max-concurrent-probes); try later\n",
        );
    };
    state.own.in_flight.inc();
    let start = Instant::now();
    let report = diagnose(&probe.config, Secrets::default()).await;
    state.own.in_flight.dec();
    drop(permit);
    let took = start.elapsed().as_secs_f64();
    state.own.duration.observe(took);
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            count(state, "error");
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                crate::text::server(&format!("{e:#}")) + "\n",
            );
        }
    };
    let s = report.summary();
    count(
        state,
        if s.fail == 0 && s.error == 0 {
            "success"
        } else {
            "failure"
        },
    );
    let facts = expo::ProbeFacts {
        duration_seconds: took,
        credentials_withheld: probe.credentials_withheld,
    };
    let body = exposition(&report, facts);
    page::remember(
        &mut state.recent.lock().unwrap(),
        page::Summary::of(&report, SystemTime::now()),
    );
    metrics(req, body)
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
