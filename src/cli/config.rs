//! Validated configuration: [`RunArgs`] and [`OutputArgs`] become one [`Config`] in one place,
//! and [`Env`] is everything read from the process environment, read once. Nothing downstream
//! re-reads flags.

use super::args::{ColorChoice, FailOn, Format, OutputArgs, RunArgs};
use crate::engine::context::RunOptions;
use crate::engine::model::Module;
use crate::target::{Credentials, Origin, Target};
use anyhow::{anyhow, bail, Context as _, Result};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// How to show the result.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub fail_on: FailOn,
    pub color: bool,
    pub verbose: bool,
    /// Report files written beside the terminal output.
    pub reports: ReportFiles,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            format: Format::Table,
            fail_on: FailOn::Fail,
            color: false,
            verbose: false,
            reports: ReportFiles::default(),
        }
    }
}

/// `--report-junit/--report-json/--report-markdown FILE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFiles {
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

/// Everything a diagnosis needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub target: Target,
    pub opts: RunOptions,
    pub resolvers: Vec<SocketAddr>,
    pub ca_files: Vec<PathBuf>,
    pub output: Output,
}

/// What main reads from the environment, once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub no_color: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub credentials: Option<Credentials>,
    /// The command line as given (for `--targets` lines, which inherit its options).
    pub argv: Vec<String>,
    /// Running as a GitHub Actions step (`GITHUB_ACTIONS=true`).
    pub github_actions: bool,
    /// `$GITHUB_STEP_SUMMARY`: the file a step appends its Markdown summary to.
    pub step_summary: Option<PathBuf>,
}

impl Env {
    pub fn read() -> Env {
        use std::io::IsTerminal;
        let user = std::env::var("CONNCHECK_USERNAME")
            .ok()
            .filter(|s| !s.is_empty());
        let pass = std::env::var("CONNCHECK_PASSWORD")
            .ok()
            .filter(|s| !s.is_empty());
        Env {
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            credentials: match (user, pass) {
                (Some(username), Some(password)) => Some(Credentials { username, password }),
                _ => None,
            },
            argv: std::env::args().skip(1).collect(),
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// Parse `IP[:PORT]` (port 53 when absent); IPv6 as `::1` or `[::1]:53`.
pub fn parse_resolver(s: &str) -> Result<SocketAddr> {
    let s = s.trim();
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = s
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return Ok(SocketAddr::new(ip, 53));
    }
    bail!("--resolver {s}: not an IP address with optional port (e.g. 10.0.0.2, 127.0.0.1:5353, [::1]:53)")
}

fn secs(name: &str, v: f64) -> Result<Duration> {
    if !v.is_finite() || v <= 0.0 || v > 86_400.0 {
        bail!("--{name} {v}: must be a positive number of seconds");
    }
    Ok(Duration::from_secs_f64(v))
}

impl RunArgs {
    /// Validate the flags into a [`Config`] for `target`.
    pub fn to_config(&self, target: &str, env: &Env) -> Result<Config> {
        self.to_config_opt(Some(target), env)
    }

    /// Validate the flags, on top of `--profile` when given, into a [`Config`]. TARGET may be
    /// absent when the profile names the API.
    pub fn to_config_opt(&self, target: Option<&str>, env: &Env) -> Result<Config> {
        let profile = match &self.profile {
            Some(p) => crate::profile::Profile::load(p)?.resolve()?,
            None => crate::profile::ProfileTarget::default(),
        };
        let target = match (target, profile.api_base.as_deref()) {
            (Some(t), _) => t,
            (None, Some(base)) => base,
            (None, None) => bail!(
                "no TARGET given: conncheck api.example.com, or --profile NAME|FILE with api.base (or `conncheck demo` to see it work on the built-in lab)"
            ),
        };
        let t = self.target(target, &profile, env)?;
        let modules = self.modules()?;
        let resolvers = self
            .resolvers
            .iter()
            .map(|r| parse_resolver(r))
            .collect::<Result<Vec<_>>>()?;
        for f in &self.ca_certs {
            crate::net::tls::load_pem_certs(f)?;
        }
        if let Some(w) = &self.jwt_wordlist {
            std::fs::metadata(w)
                .with_context(|| format!("--jwt-wordlist {}: cannot read file", w.display()))?;
        }
        if let Some(p) = &self.proxy {
            crate::net::http::check_proxy_url(p)?;
        }
        let opts = RunOptions {
            allow_hosts: Vec::new(),
            proxy: match (&self.proxy, self.no_proxy) {
                (Some(u), _) => crate::net::http::ProxyChoice::Url(u.clone()),
                (None, true) => crate::net::http::ProxyChoice::Off,
                (None, false) => crate::net::http::ProxyChoice::Env,
            },
            timeout: secs("timeout", self.timeout)?,
            deadline: secs("deadline", self.deadline)?,
            modules,
            cert_warn_days: self.cert_warn_days,
            propagation_public: self.propagation,
            allow_insecure_auth: self.allow_insecure_auth,
            jwt_wordlist: self.jwt_wordlist.clone(),
            ns_port: self.ns_port,
            verbose: false,
        };
        Ok(Config {
            target: t,
            opts,
            resolvers,
            ca_files: self.ca_certs.clone(),
            output: Output::default(),
        })
    }

    /// The deployment: TARGET and the flags, on top of the profile.
    fn target(
        &self,
        target: &str,
        profile: &crate::profile::ProfileTarget,
        env: &Env,
    ) -> Result<Target> {
        let mut t = Target::new(target, self.api_base.as_deref())?;
        // Command-line origins replace the profile's; otherwise the profile's apply.
        if self.origins.is_empty() {
            t.origins = profile.origins.clone();
        }
        for o in &self.origins {
            let o = Origin::parse(o)?;
            if !t.origins.contains(&o) {
                t.origins.push(o);
            }
        }
        for f in &self.frontend {
            let u = crate::target::parse_url(f).map_err(|e| anyhow!("--frontend {f}: {e}"))?;
            t.frontend.push(u);
        }
        if self.frontend.is_empty() {
            // A profile's pages belong to its origins: keep those still diagnosed.
            t.frontend = profile
                .pages
                .iter()
                .filter(|p| t.origins.contains(&Origin::of(p)))
                .cloned()
                .collect();
        }
        let profile_ws_auth = profile.websocket.as_ref().map(|(_, a)| a.clone());
        if let Some(ws) = &self.websocket {
            let u = crate::target::parse_url(ws).map_err(|e| anyhow!("--websocket {ws}: {e}"))?;
            if !matches!(u.scheme(), "ws" | "wss") {
                bail!("--websocket {ws}: a WebSocket URL starts with wss:// (or ws://)");
            }
            t.websocket = Some(crate::target::WebSocketSpec {
                url: u,
                auth: match &self.websocket_token {
                    Some(p) => crate::target::WsAuth::Query(p.clone()),
                    None => profile_ws_auth.unwrap_or(crate::target::WsAuth::None),
                },
            });
        } else if let Some((url, auth)) = profile.websocket.clone() {
            t.websocket = Some(crate::target::WebSocketSpec { url, auth });
        }
        t.expect_ips = if self.expect_ip.is_empty() {
            profile.expect_ips.clone()
        } else {
            self.expect_ip.clone()
        };
        t.expect_cname = self.expect_cname.clone().or(profile.expect_cname.clone());
        if let Some(eps) = profile.endpoints.clone() {
            t.endpoints = eps;
            t.endpoints_pinned = true;
        }
        if let Some(auth) = profile.auth.clone() {
            t.auth = auth;
            t.auth_pinned = true;
        }
        t.overrides = profile.overrides.clone();
        t.checklist = profile.checklist.clone();
        // The fallbacks serve the profile's API: they apply when the API diagnosed is that one.
        let profile_api = profile
            .api_base
            .as_deref()
            .and_then(|b| crate::target::parse_api_base(b, None).ok());
        if profile_api.as_ref() == Some(&t.api_base) {
            t.fallbacks = profile.fallbacks.clone();
        }
        t.http_port = self.http_port;
        t.credentials_mode_include = !self.no_credentials && profile.credentials.unwrap_or(true);
        t.credentials_mode_explicit = self.no_credentials || profile.credentials.is_some();
        t.credentials = env.credentials.clone();
        t.finish();
        Ok(t)
    }

    /// The modules `--only`/`--skip` leave, in registry order.
    fn modules(&self) -> Result<Vec<Module>> {
        let mut modules: Vec<Module> = match &self.only {
            Some(list) => {
                crate::engine::runner::parse_modules(list).map_err(|e| anyhow!("--only: {e}"))?
            }
            None => Module::ALL.to_vec(),
        };
        if let Some(list) = &self.skip {
            let skip =
                crate::engine::runner::parse_modules(list).map_err(|e| anyhow!("--skip: {e}"))?;
            modules.retain(|m| !skip.contains(m));
        }
        if modules.is_empty() {
            bail!("--only/--skip leave no module to run");
        }
        // Keep checklist order whatever order the user listed.
        modules.sort();
        Ok(modules)
    }
}

impl OutputArgs {
    /// How to show the result, given the terminal and NO_COLOR.
    pub fn output(&self, env: &Env) -> Output {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_tty && !env.no_color,
        };
        Output {
            format: self.format,
            fail_on: self.fail_on,
            color,
            verbose: self.verbose,
            reports: ReportFiles {
                junit: self.report_junit.clone(),
                json: self.report_json.clone(),
                markdown: self.report_markdown.clone(),
                html: self.report_html.clone(),
            },
        }
    }
}

/// A diagnosis' [`Config`] from its flags and its output flags.
pub fn config(
    run: &RunArgs,
    output: &OutputArgs,
    target: Option<&str>,
    env: &Env,
) -> Result<Config> {
    let mut config = run.to_config_opt(target, env)?;
    config.output = output.output(env);
    config.opts.verbose = output.verbose;
    Ok(config)
}
