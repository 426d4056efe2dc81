//! The shared state of one diagnosis: the target, the options, and the network plumbing every
//! module uses (one resolver cache, one HTTP connection pool, one trust store).

use super::fault::{owning_row, Dependent, NetFault};
use super::model::{Finding, Module, Status};
use crate::net::dns::DnsClient;
use crate::net::http::{HttpClient, NetError};
use crate::net::tls::TrustStore;
use crate::redact::Secrets;
use crate::target::Target;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Options that shape how checks run (not what they check).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Timeout of one network step (a DNS query, a connect, one request).
    pub timeout: Duration,
    /// The whole run's deadline.
    pub deadline: Duration,
    /// Modules to run, in registry order.
    pub modules: Vec<Module>,
    pub cert_warn_days: u32,
    /// Add public resolvers to the propagation comparison.
    pub propagation_public: bool,
    /// Allow sending credentials to a plain-http API.
    pub allow_insecure_auth: bool,
    pub jwt_wordlist: Option<PathBuf>,
    /// Port for querying authoritative nameservers directly (53; test setups differ).
    pub ns_port: u16,
    /// `-v`: renderers show full evidence.
    pub verbose: bool,
    /// The proxy HTTP requests go through (the environment's, like a browser, by default).
    pub proxy: crate::net::http::ProxyChoice,
    /// Host patterns every connection must match (`serve --allow-targets`); empty: any.
    pub allow_hosts: Vec<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(60),
            modules: Module::ALL.to_vec(),
            cert_warn_days: 14,
            propagation_public: false,
            allow_insecure_auth: false,
            jwt_wordlist: None,
            ns_port: 53,
            verbose: false,
            proxy: crate::net::http::ProxyChoice::default(),
            allow_hosts: Vec::new(),
        }
    }
}

/// Everything a check can read.
pub struct Context {
    pub target: Target,
    pub opts: RunOptions,
    pub dns: Arc<DnsClient>,
    pub http: HttpClient,
    pub trust: TrustStore,
    pub secrets: Secrets,
    pub started: Instant,
    pub deadline: Instant,
    /// Numbers for `serve` to expose (see [`crate::engine::model::Metric`]).
    pub metrics: Mutex<Vec<crate::engine::model::Metric>>,
    /// Observations several modules share (the frontend's pages and what they reveal, the
    /// run's one login), made once per run.
    pub observed: crate::observe::Observations,
}

impl Context {
    pub fn new(
        target: Target,
        opts: RunOptions,
        dns: DnsClient,
        trust: TrustStore,
        secrets: Secrets,
    ) -> anyhow::Result<Context> {
        let dns = Arc::new(dns.restrict(opts.allow_hosts.clone()));
        let http = HttpClient::with_proxy(Arc::clone(&dns), &trust, opts.timeout, &opts.proxy)?;
        let started = Instant::now();
        let deadline = started + opts.deadline;
        Ok(Context {
            target,
            opts,
            dns,
            http,
            trust,
            secrets,
            started,
            deadline,
            metrics: Mutex::default(),
            observed: Default::default(),
        })
    }

    /// Record a number worth alerting on (exposed by `conncheck serve`).
    pub fn metric(&self, name: &'static str, labels: &[(&'static str, &str)], value: f64) {
        let labels = labels.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.metrics
            .lock()
            .unwrap()
            .push(crate::engine::model::Metric {
                name,
                labels,
                value,
            });
    }

    /// The run's one login with the user's credentials: the first module to ask logs in, the
    /// others read the same answer.
    pub async fn login(&self) -> Arc<crate::observe::login::Login> {
        let inputs = crate::observe::login::Inputs {
            http: &self.http,
            target: &self.target,
            secrets: &self.secrets,
            allow_insecure: self.opts.allow_insecure_auth,
        };
        self.observed.login(inputs).await
    }

    /// The API's stack as the run's probe shows it, with a check's own answers (`extra`)
    /// added: the first to ask makes the probe, the others read the same answers.
    pub async fn stack(&self, extra: &[crate::stack::Sample]) -> crate::stack::Stack {
        self.observed
            .stack(&self.http, &self.target.api_base, extra)
            .await
    }

    /// Whether a module is part of this run.
    pub fn runs(&self, m: Module) -> bool {
        self.opts.modules.contains(&m)
    }

    /// Turn a network failure into this row's verdict. When another running module owns the
    /// root cause (the name does not resolve, the certificate is bad), the row is skipped and
    /// points there, so the report shows one cause rather than forty symptoms. Otherwise the
    /// row fails as the browser would, or errors when conncheck could not decide (a timeout).
    pub fn net_failure(&self, f: Finding, err: &NetError) -> Finding {
        let host = f
            .subject
            .host_name()
            .unwrap_or_else(|| self.target.api_base.host_str().unwrap_or("").to_string());
        let net = NetFault::new(host, err.clone());
        let owner = owning_row(err).filter(|row| self.opts.modules.contains(&row.module()));
        if let Some(owner) = owner {
            return f
                .skip()
                .detail(format!(
                    "not checked: {err} (root cause reported in {})",
                    owner.pattern()
                ))
                .fault(Dependent { owner, net });
        }
        let status = if err.is_timeout() {
            Status::Error
        } else {
            Status::Fail
        };
        let mut f = f
            .status(status)
            .detail(err.to_string())
            .browser_error(err.chrome_error())
            .fault(net);
        if f.hint.is_none() {
            if let Some(row) = owning_row(err) {
                f = f.hint(format!(
                    "fix the {} problem first; run without --only/--skip to see it",
                    row.pattern()
                ));
            }
        }
        f
    }
}
