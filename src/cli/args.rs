//! The flags (clap derive): which flags each command takes, under which heading.

use super::help;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

const DEPLOYMENT: &str = "Deployment";
const CHECKS: &str = "Checks";
const NETWORK: &str = "Network";
const OUTPUT: &str = "Output";
const REPORTS: &str = "Report files (written beside the terminal output)";
const MANY: &str = "Several deployments";
const SERVE: &str = "Serving";

#[derive(Debug, Parser)]
#[command(
    name = "conncheck",
    version,
    about = "Why can't this web frontend talk to its backend? DNS, TLS, HTTPS, CORS, endpoints, JWT, mixed content and WebSocket, checked the way a browser would.",
    after_help = help::after_help(""),
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
    #[arg(long = "targets", value_name = "FILE", conflicts_with = "targets", help_heading = MANY)]
    pub targets_file: Option<PathBuf>,

    /// How many deployments to diagnose at once with several targets.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024), help_heading = MANY)]
    pub parallel: u16,

    #[command(flatten)]
    pub run: RunArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the built-in lab deployment in-process, diagnose it and print the report (offline).
    #[command(after_help = help::after_help("demo"))]
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
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Serve probes for Prometheus: GET /probe?target=URL answers one diagnosis as metrics.
    #[command(after_help = help::after_help("serve"))]
    Serve(Box<ServeArgs>),
    /// Serve a lab scenario until Ctrl-C and print the conncheck command that diagnoses it.
    #[command(after_help = help::after_help("lab"))]
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
    #[command(after_help = help::after_help("explain"))]
    Explain {
        /// The text the user saw, e.g. "Network Error" or a line of the browser console.
        text: String,
        /// The API to test the causes against (as for a normal run); optional.
        #[arg(value_name = "TARGET")]
        target: Option<String>,
        #[command(flatten)]
        run: Box<RunArgs>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Write a commented starter profile for TARGET (stdout, or -o FILE).
    #[command(after_help = help::after_help("init"))]
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
    /// Print a shell completion script (modules, scenarios and shipped profiles included).
    #[command(after_help = help::after_help("completions"))]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff), or write every page to a directory.
    #[command(after_help = help::after_help("man"))]
    Man {
        /// The command whose page to print (default: conncheck's own).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
        /// Write conncheck.1 and one page per command (conncheck-demo.1, …) into this directory.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The checklist for a terminal.
    Table,
    /// The versioned JSON document (schema/report.schema.json).
    Json,
    /// JUnit XML: one testcase per row, for CI test reports.
    Junit,
    /// Markdown for a PR comment or a support ticket: the verdict first, then the evidence.
    Markdown,
    /// One self-contained HTML page for support: verdict, matrix, causes, evidence.
    Html,
}

/// Which status makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A warning fails the run too.
    Warn,
    /// Only a failure or an undecided check (error) fails the run.
    Fail,
    /// Exit 0 whatever the checks found (1 is then never returned; 2 and 3 still are).
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options of a diagnosis: what to check and how to reach it (a normal run, `demo`, `explain`,
/// and every probe of `serve`). How to show the result is [`OutputArgs`].
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Deployment profile: a shipped name (tiktrue, plane, django-simplejwt) or a TOML file.
    /// Command-line options override it; TARGET is then optional.
    #[arg(long, value_name = "NAME|FILE", help_heading = DEPLOYMENT)]
    pub profile: Option<String>,

    /// Frontend origin the browser calls from (repeatable). Default: inferred from the API host
    /// (api.X → https://X and https://www.X).
    #[arg(long = "origin", value_name = "URL", help_heading = DEPLOYMENT)]
    pub origins: Vec<String>,

    /// API base path when TARGET is a bare host.
    #[arg(long, value_name = "PATH", help_heading = DEPLOYMENT)]
    pub api_base: Option<String>,

    /// Frontend page URL when the app lives at a path (repeatable; default: each origin's /).
    #[arg(long = "frontend", value_name = "URL", help_heading = DEPLOYMENT)]
    pub frontend: Vec<String>,

    /// WebSocket URL the frontend opens (e.g. wss://plane.example.com/live).
    #[arg(long, value_name = "URL", help_heading = DEPLOYMENT)]
    pub websocket: Option<String>,

    /// The WebSocket takes the access token in this query parameter (`?token=…`, as Plane's
    /// live server does); conncheck logs in with CONNCHECK_USERNAME/CONNCHECK_PASSWORD to get one.
    #[arg(long, value_name = "PARAM", requires = "websocket", help_heading = DEPLOYMENT)]
    pub websocket_token: Option<String>,

    /// Run only these modules (comma list).
    #[arg(long, value_name = "MODULES", help_heading = CHECKS)]
    pub only: Option<String>,

    /// Skip these modules (comma list).
    #[arg(long, value_name = "MODULES", help_heading = CHECKS)]
    pub skip: Option<String>,

    /// Fail dns.resolve unless the API host resolves to exactly these addresses (repeatable).
    #[arg(long = "expect-ip", value_name = "IP", help_heading = CHECKS)]
    pub expect_ip: Vec<IpAddr>,

    /// Fail dns.resolve unless the API host is a CNAME to this name (your platform's app host).
    #[arg(long, value_name = "NAME", help_heading = CHECKS)]
    pub expect_cname: Option<String>,

    /// Warn when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 14, help_heading = CHECKS)]
    pub cert_warn_days: u32,

    /// The frontend does not send cookies cross-origin (fetch credentials 'same-origin', axios
    /// without withCredentials): CORS is judged without credentials.
    #[arg(long, help_heading = CHECKS)]
    pub no_credentials: bool,

    /// Send credentials to a plain-http API anyway (they would cross the network in clear text).
    #[arg(long, help_heading = CHECKS)]
    pub allow_insecure_auth: bool,

    /// Extra JWT secrets to try (one per line) in jwt.weak-secret.
    #[arg(long, value_name = "FILE", help_heading = CHECKS)]
    pub jwt_wordlist: Option<PathBuf>,

    /// DNS server(s) to use instead of the system's (repeatable): internal DNS, split horizon, the lab.
    #[arg(long = "resolver", value_name = "IP[:PORT]", help_heading = NETWORK)]
    pub resolvers: Vec<String>,

    /// Extra trusted root certificate(s), PEM (added to the public web roots).
    #[arg(long = "ca-cert", value_name = "FILE", help_heading = NETWORK)]
    pub ca_certs: Vec<PathBuf>,

    /// Timeout of each network step, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, help_heading = NETWORK)]
    pub timeout: f64,

    /// Deadline for the whole run, in seconds; unfinished checks then report "timed out".
    #[arg(long, value_name = "SECS", default_value_t = 60.0, help_heading = NETWORK)]
    pub deadline: f64,

    /// Also compare well-known public resolvers in dns.propagation.
    #[arg(long, help_heading = NETWORK)]
    pub propagation: bool,

    /// Port where plain HTTP is expected (for the https.redirect check).
    #[arg(long, value_name = "PORT", default_value_t = 80, help_heading = NETWORK)]
    pub http_port: u16,

    /// Port for querying authoritative nameservers directly (dns.propagation).
    #[arg(long, value_name = "PORT", default_value_t = 53, help_heading = NETWORK)]
    pub ns_port: u16,

    /// Send HTTP requests through this proxy (http://HOST:PORT), as a browser configured with
    /// it would. Default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment.
    #[arg(long, value_name = "URL", conflicts_with = "no_proxy", help_heading = NETWORK)]
    pub proxy: Option<String>,

    /// Connect directly, ignoring HTTPS_PROXY / HTTP_PROXY.
    #[arg(long, help_heading = NETWORK)]
    pub no_proxy: bool,
}

/// `conncheck serve`'s flags: its own, then the diagnosis options every probe starts from. No
/// output flags: a probe answers in the exposition format.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (9793: conncheck's own port, not the blackbox exporter's 9115).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9793", help_heading = SERVE)]
    pub listen: std::net::SocketAddr,
    /// Probes that may run at once; more get 503 at once.
    #[arg(long, value_name = "N", default_value_t = 4, help_heading = SERVE)]
    pub max_concurrent_probes: usize,
    /// Only probe targets whose host matches one of these patterns (comma list, `*` wildcard).
    #[arg(long, value_name = "PATTERNS", value_delimiter = ',', help_heading = SERVE)]
    pub allow_targets: Vec<String>,
    /// TOML file of credentials per target: ["https://api.x/api/v1"] username = … password = …
    #[arg(long, value_name = "FILE", help_heading = SERVE)]
    pub credentials_file: Option<PathBuf>,
    /// Directory of profile files `profile=NAME` may name (NAME.toml); without it only the
    /// shipped profiles are accepted.
    #[arg(long, value_name = "DIR", help_heading = SERVE)]
    pub profiles_dir: Option<PathBuf>,
    /// Open connections at most; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = 256, help_heading = SERVE)]
    pub max_connections: usize,
    /// Options every probe uses (resolver, CA, timeouts…).
    #[command(flatten)]
    pub run: RunArgs,
}

/// How to show a diagnosis: the terminal format, the exit-code rule, and report files.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct OutputArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table, help_heading = OUTPUT)]
    pub format: Format,

    /// Exit 1 when any row is at least this bad (never: exit 0 whatever was found).
    #[arg(long, value_enum, default_value_t = FailOn::Fail, help_heading = OUTPUT)]
    pub fail_on: FailOn,

    /// Colour: auto follows the terminal and NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = OUTPUT)]
    pub color: ColorChoice,

    /// Show full evidence (and hints on passing rows).
    #[arg(short, long, help_heading = OUTPUT)]
    pub verbose: bool,

    /// Also write the JUnit XML report to FILE (one document, one suite per deployment).
    #[arg(long, value_name = "FILE", help_heading = REPORTS)]
    pub report_junit: Option<PathBuf>,

    /// Also write the JSON report to FILE (schema/report.schema.json).
    #[arg(long, value_name = "FILE", help_heading = REPORTS)]
    pub report_json: Option<PathBuf>,

    /// Also write the Markdown report to FILE.
    #[arg(long, value_name = "FILE", help_heading = REPORTS)]
    pub report_markdown: Option<PathBuf>,

    /// Also write the self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE", help_heading = REPORTS)]
    pub report_html: Option<PathBuf>,
}
