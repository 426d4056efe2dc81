//! The command line (clap derive). Raw flags are validated and turned into a [`Config`] in one
//! function, [`RunArgs::to_config`]; nothing downstream re-reads flags.

use crate::context::RunOptions;
use crate::model::Module;
use crate::target::{Credentials, Origin, Target};
use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

const AFTER_HELP: &str = "\
Examples:
  See it work on the built-in lab deployment (offline):
    conncheck demo
    conncheck demo cors-duplicate-header

  Engineer at a terminal:
    conncheck api.tiktrue.com --origin https://tiktrue.com
    conncheck --profile tiktrue                  # shipped profile: tiktrue, plane, django-simplejwt
    conncheck init api.example.com -o my-app.toml && conncheck --profile my-app.toml
    CONNCHECK_USERNAME=me@example.com CONNCHECK_PASSWORD=... conncheck https://api.tiktrue.com/api/v1 -v

  CI right after a deploy:
    conncheck --profile checks/my-app.toml --format junit > conncheck.xml
    conncheck api.tiktrue.com --origin https://tiktrue.com --format json --fail-on warn

  Support, holding a customer's screenshot:
    conncheck explain \"Network Error\"
    conncheck explain \"net::ERR_NAME_NOT_RESOLVED\" api.tiktrue.com --origin https://tiktrue.com
    conncheck explain \"Request failed with status code 403\" --profile tiktrue --format markdown

  Internal DNS / staging with a private CA:
    conncheck api.staging.test --resolver 10.0.0.2 --ca-cert ./staging-ca.pem

  Shell completion and manual: conncheck completions bash|zsh|fish · conncheck man > conncheck.1

Exit codes: 0 nothing failed · 1 a check failed or could not be decided (or warned, with --fail-on warn;
for explain: a cause or another failure was found) · 2 usage, profile or configuration error.
Credentials come only from CONNCHECK_USERNAME and CONNCHECK_PASSWORD, never from the command line.";

#[derive(Debug, Parser)]
#[command(
    name = "conncheck",
    version,
    about = "Why can't this web frontend talk to its backend? DNS, TLS, HTTPS, CORS, endpoints, JWT, mixed content and WebSocket, checked the way a browser would.",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    args_override_self = true
)]
pub struct Cli {
    /// The API to diagnose: a host (api.tiktrue.com, meaning https://HOST/api/v1) or a URL
    /// (https://api.tiktrue.com/api/v1).
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Diagnose many deployments: one per line, each a TARGET with its own options
    /// (`api.a.com --origin https://a.com`); the options given here apply to every line.
    #[arg(long = "targets", value_name = "FILE", conflicts_with = "targets")]
    pub targets_file: Option<PathBuf>,

    /// How many deployments to diagnose at once with several targets.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub parallel: u16,

    #[command(flatten)]
    pub run: RunArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the built-in lab deployment in-process, diagnose it and print the report (offline).
    Demo {
        /// Scenario to run (default: healthy). `--list` shows them all.
        scenario: Option<String>,
        /// List the scenarios, one line each.
        #[arg(long)]
        list: bool,
        /// Add this delay (ms) to every response of every lab server.
        #[arg(long, value_name = "MS", default_value_t = 0)]
        delay: u64,
        #[command(flatten)]
        run: Box<RunArgs>,
    },
    /// Serve probes for Prometheus: GET /probe?target=URL answers one diagnosis as metrics.
    Serve {
        /// Address to listen on (9793: conncheck's own port, not the blackbox exporter's 9115).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9793")]
        listen: std::net::SocketAddr,
        /// Directory of profile files `profile=NAME` may name (NAME.toml); without it only the
        /// shipped profiles are accepted.
        #[arg(long, value_name = "DIR")]
        profiles_dir: Option<PathBuf>,
        /// Open connections at most; more are closed at once.
        #[arg(long, value_name = "N", default_value_t = 256)]
        max_connections: usize,
        /// Probes that may run at once; more get 503 at once.
        #[arg(long, value_name = "N", default_value_t = 4)]
        max_concurrent_probes: usize,
        /// Only probe targets whose host matches one of these patterns (comma list, `*` wildcard).
        #[arg(long, value_name = "PATTERNS", value_delimiter = ',')]
        allow_targets: Vec<String>,
        /// TOML file of credentials per target: ["https://api.x/api/v1"] username = … password = …
        #[arg(long, value_name = "FILE")]
        credentials_file: Option<PathBuf>,
        /// Options every probe uses (resolver, CA, timeouts…).
        #[command(flatten)]
        run: Box<RunArgs>,
    },
    /// Serve a lab scenario until Ctrl-C and print the conncheck command that diagnoses it.
    Lab {
        /// Scenario to serve (default: healthy).
        scenario: Option<String>,
        /// Add this delay (ms) to every response of every lab server.
        #[arg(long, value_name = "MS", default_value_t = 0)]
        delay: u64,
    },
    /// Paste what the user saw (an axios message, a Chrome console line, a Django log line): get
    /// the likely causes, ranked, and the checks that confirm each. With a TARGET, run those
    /// checks and say which cause it is.
    Explain {
        /// The text the user saw, e.g. "Network Error" or a line of the browser console.
        text: String,
        /// The API to test the causes against (as for a normal run); optional.
        #[arg(value_name = "TARGET")]
        target: Option<String>,
        #[command(flatten)]
        run: Box<RunArgs>,
    },
    /// Write a commented starter profile for TARGET (stdout, or -o FILE).
    Init {
        /// The API: a host (api.example.com) or a URL.
        target: String,
        /// Frontend origin(s) (default: inferred from the API host).
        #[arg(long = "origin", value_name = "URL")]
        origins: Vec<String>,
        /// API base path when TARGET is a bare host.
        #[arg(long, value_name = "PATH")]
        api_base: Option<String>,
        /// Write to this file instead of stdout (refuses to overwrite).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script: conncheck completions bash > /etc/bash_completion.d/conncheck
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): conncheck man > conncheck.1
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The checklist for a terminal.
    Table,
    /// The documented JSON contract (see `report::json`).
    Json,
    /// JUnit XML: one testcase per row, for CI test reports.
    Junit,
    /// Markdown for a PR comment or a support ticket: the verdict first, then the evidence.
    Markdown,
}

/// Which status makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A warning fails the run too.
    Warn,
    /// Only a failure or an undecided check (error) fails the run.
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options of a diagnosis (shared by a normal run and `demo`).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Deployment profile: a shipped name (tiktrue, plane, django-simplejwt) or a TOML file.
    /// Command-line options override it; TARGET is then optional.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,

    /// Frontend origin the browser calls from (repeatable). Default: inferred from the API host
    /// (api.X → https://X and https://www.X).
    #[arg(long = "origin", value_name = "URL")]
    pub origins: Vec<String>,

    /// API base path when TARGET is a bare host.
    #[arg(long, value_name = "PATH")]
    pub api_base: Option<String>,

    /// Frontend page URL when the app lives at a path (repeatable; default: each origin's /).
    #[arg(long = "frontend", value_name = "URL")]
    pub frontend: Vec<String>,

    /// WebSocket URL the frontend opens (e.g. wss://plane.example.com/live).
    #[arg(long, value_name = "URL")]
    pub websocket: Option<String>,

    /// The WebSocket takes the access token in this query parameter (`?token=…`, as Plane's
    /// live server does); conncheck logs in with CONNCHECK_USERNAME/CONNCHECK_PASSWORD to get one.
    #[arg(long, value_name = "PARAM", requires = "websocket")]
    pub websocket_token: Option<String>,

    /// DNS server(s) to use instead of the system's (repeatable): internal DNS, split horizon, the lab.
    #[arg(long = "resolver", value_name = "IP[:PORT]")]
    pub resolvers: Vec<String>,

    /// Extra trusted root certificate(s), PEM (added to the public web roots).
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_certs: Vec<PathBuf>,

    /// Run only these modules (comma list).
    #[arg(long, value_name = "MODULES")]
    pub only: Option<String>,

    /// Skip these modules (comma list).
    #[arg(long, value_name = "MODULES")]
    pub skip: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit 1 when any row is at least this bad.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,

    /// Colour: auto follows the terminal and NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Show full evidence (and hints on passing rows).
    #[arg(short, long)]
    pub verbose: bool,

    /// Timeout of each network step, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,

    /// Deadline for the whole run, in seconds; unfinished checks then report "timed out".
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub deadline: f64,

    /// Fail dns.resolve unless the API host resolves to exactly these addresses (repeatable).
    #[arg(long = "expect-ip", value_name = "IP")]
    pub expect_ip: Vec<IpAddr>,

    /// Fail dns.resolve unless the API host is a CNAME to this name (your platform's app host).
    #[arg(long, value_name = "NAME")]
    pub expect_cname: Option<String>,

    /// Also compare well-known public resolvers in dns.propagation.
    #[arg(long)]
    pub propagation: bool,

    /// Warn when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub cert_warn_days: u32,

    /// Port where plain HTTP is expected (for the https.redirect check).
    #[arg(long, value_name = "PORT", default_value_t = 80)]
    pub http_port: u16,

    /// Port for querying authoritative nameservers directly (dns.propagation).
    #[arg(long, value_name = "PORT", default_value_t = 53)]
    pub ns_port: u16,

    /// The frontend does not send cookies cross-origin (fetch credentials 'same-origin', axios
    /// without withCredentials): CORS is judged without credentials.
    #[arg(long)]
    pub no_credentials: bool,

    /// Send credentials to a plain-http API anyway (they would cross the network in clear text).
    #[arg(long)]
    pub allow_insecure_auth: bool,

    /// Extra JWT secrets to try (one per line) in jwt.weak-secret.
    #[arg(long, value_name = "FILE")]
    pub jwt_wordlist: Option<PathBuf>,
}

/// How to show the result.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub fail_on: FailOn,
    pub color: bool,
    pub verbose: bool,
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
        }
    }
}

/// The clap command with the module list (from the registry) written into the help of
/// `--only`/`--skip`, wherever they appear.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let modules: Vec<String> = crate::runner::registry()
        .iter()
        .map(|s| format!("{} ({})", s.module.name(), s.about))
        .collect();
    let names: Vec<&str> = crate::runner::registry()
        .iter()
        .map(|s| s.module.name())
        .collect();
    let list = names.join(", ");
    let long = modules.join("\n  ");
    let patch = move |c: clap::Command| -> clap::Command {
        let has_only = c.get_arguments().any(|a| a.get_id() == "only");
        if !has_only {
            return c;
        }
        c.mut_arg("only", |a| {
            a.help(format!("Run only these modules (comma list: {list})"))
                .long_help(format!("Run only these modules (comma list):\n  {long}"))
        })
        .mut_arg("skip", |a| {
            a.help(format!("Skip these modules (comma list: {list})"))
        })
    };
    let mut cmd = patch(Cli::command());
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let p = patch.clone();
        cmd = cmd.mut_subcommand(name, p);
    }
    cmd
}

/// Parse the process arguments with [`command`].
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let m = command().try_get_matches()?;
    Cli::from_arg_matches(&m)
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
        }
        if let Some(auth) = profile.auth.clone() {
            t.auth = auth;
        }
        t.overrides = profile.overrides.clone();
        t.http_port = self.http_port;
        t.credentials_mode_include = !self.no_credentials && profile.credentials.unwrap_or(true);
        t.credentials = env.credentials.clone();
        t.finish();

        let mut modules: Vec<Module> = match &self.only {
            Some(list) => crate::runner::parse_modules(list).map_err(|e| anyhow!("--only: {e}"))?,
            None => crate::runner::registry().iter().map(|s| s.module).collect(),
        };
        if let Some(list) = &self.skip {
            let skip = crate::runner::parse_modules(list).map_err(|e| anyhow!("--skip: {e}"))?;
            modules.retain(|m| !skip.contains(m));
        }
        if modules.is_empty() {
            bail!("--only/--skip leave no module to run");
        }
        // Keep registry order whatever order the user listed.
        let order: Vec<Module> = crate::runner::registry().iter().map(|s| s.module).collect();
        modules.sort_by_key(|m| order.iter().position(|o| o == m));

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
        let opts = RunOptions {
            timeout: secs("timeout", self.timeout)?,
            deadline: secs("deadline", self.deadline)?,
            modules,
            cert_warn_days: self.cert_warn_days,
            propagation_public: self.propagation,
            allow_insecure_auth: self.allow_insecure_auth,
            jwt_wordlist: self.jwt_wordlist.clone(),
            ns_port: self.ns_port,
            verbose: self.verbose,
            allow_hosts: Vec::new(),
        };
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_tty && !env.no_color,
        };
        Ok(Config {
            target: t,
            opts,
            resolvers,
            ca_files: self.ca_certs.clone(),
            output: Output {
                format: self.format,
                fail_on: self.fail_on,
                color,
                verbose: self.verbose,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("conncheck").chain(args.iter().copied()))
    }

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("10.0.0.2").unwrap().to_string(),
            "10.0.0.2:53"
        );
        assert_eq!(parse_resolver("127.0.0.1:5353").unwrap().port(), 5353);
        assert_eq!(parse_resolver("::1").unwrap().to_string(), "[::1]:53");
        assert_eq!(parse_resolver("[::1]:5300").unwrap().port(), 5300);
        assert!(parse_resolver("dns.google").is_err());
        assert!(parse_resolver("127.0.0.1:99999").is_err());
    }

    #[test]
    fn demo_and_target_parse() {
        let c = parse(&["demo", "--list"]).unwrap();
        assert!(matches!(c.command, Some(Command::Demo { list: true, .. })));
        let c = parse(&[
            "api.x.test",
            "--origin",
            "https://x.test",
            "--only",
            "dns,cors",
        ])
        .unwrap();
        assert_eq!(c.targets, vec!["api.x.test"]);
        assert_eq!(c.run.origins, vec!["https://x.test"]);
    }

    #[test]
    fn config_validates_modules_and_secs() {
        let env = Env::default();
        let c = parse(&["api.x.test", "--only", "nope"]).unwrap();
        assert!(c
            .run
            .to_config("api.x.test", &env)
            .unwrap_err()
            .to_string()
            .contains("unknown module 'nope'"));
        let c = parse(&["api.x.test", "--timeout", "0"]).unwrap();
        assert!(c.run.to_config("api.x.test", &env).is_err());
        let c = parse(&["api.x.test"]).unwrap();
        let cfg = c.run.to_config("api.x.test", &env).unwrap();
        assert!(cfg.target.origins_inferred);
        assert_eq!(cfg.target.origins[0].as_str(), "https://x.test");
    }
}
