//! The words around the flags: each command's examples, the exit status and the environment.
//! One source for `--help` and the man pages, so both show the examples verbatim.

/// One example: what it is for, then the command line (kept under 80 columns so neither
/// `--help` nor a terminal wraps it).
pub struct Example {
    pub what: &'static str,
    pub line: &'static str,
}

const fn ex(what: &'static str, line: &'static str) -> Example {
    Example { what, line }
}

const EX_TOP: &[Example] = &[
    ex(
        "See it work on the built-in lab deployment (offline)",
        "conncheck demo",
    ),
    ex(
        "Engineer at a terminal",
        "conncheck api.tiktrue.com --origin https://tiktrue.com",
    ),
    ex(
        "A shipped profile (tiktrue, plane, django-simplejwt)",
        "conncheck --profile tiktrue",
    ),
    ex(
        "Log in too (credentials only from the environment)",
        "CONNCHECK_USERNAME=me@x.com CONNCHECK_PASSWORD=... conncheck api.x.com -v",
    ),
    ex(
        "CI right after a deploy: the table in the log, reports as files",
        "conncheck --profile my-app.toml --report-junit cc.xml --report-json cc.json",
    ),
    ex(
        "Fail on warnings too",
        "conncheck api.tiktrue.com --fail-on warn",
    ),
    ex(
        "Support, holding a customer's screenshot",
        "conncheck explain \"Network Error\"",
    ),
    ex(
        "Many deployments, four at a time",
        "conncheck --targets deployments.txt --parallel 4",
    ),
    ex(
        "Internal DNS / staging with a private CA",
        "conncheck api.staging.test --resolver 10.0.0.2 --ca-cert ./staging-ca.pem",
    ),
    ex(
        "Shell completion",
        "conncheck completions bash > /etc/bash_completion.d/conncheck",
    ),
    ex(
        "Manual pages for every command",
        "conncheck man --dir ./man",
    ),
];

const EX_DEMO: &[Example] = &[
    ex("The healthy lab deployment", "conncheck demo"),
    ex("A broken one", "conncheck demo cors-duplicate-header"),
    ex("Every scenario", "conncheck demo --list"),
];

const EX_SERVE: &[Example] = &[
    ex(
        "Probe endpoint for Prometheus",
        "conncheck serve --listen 127.0.0.1:9115",
    ),
    ex(
        "Only some hosts, with credentials per target",
        "conncheck serve --allow-targets '*.example.com' --credentials-file c.toml",
    ),
];

const EX_LAB: &[Example] = &[ex(
    "Serve a scenario and print the command that diagnoses it",
    "conncheck lab cors-wildcard-credentials",
)];

const EX_EXPLAIN: &[Example] = &[
    ex(
        "What a user saw, without a deployment",
        "conncheck explain \"Network Error\"",
    ),
    ex(
        "Test the causes against the deployment",
        "conncheck explain \"net::ERR_NAME_NOT_RESOLVED\" api.tiktrue.com",
    ),
    ex(
        "For a support ticket",
        "conncheck explain \"Request failed with status code 403\" --format markdown",
    ),
];

const EX_INIT: &[Example] = &[
    ex(
        "A starter profile",
        "conncheck init api.example.com -o my-app.toml",
    ),
    ex("Then run it", "conncheck --profile my-app.toml"),
];

const EX_COMPLETIONS: &[Example] = &[
    ex(
        "bash",
        "conncheck completions bash > /etc/bash_completion.d/conncheck",
    ),
    ex("zsh", "conncheck completions zsh > ~/.zfunc/_conncheck"),
];

const EX_MAN: &[Example] = &[
    ex("The main page", "conncheck man > conncheck.1"),
    ex(
        "One command's page",
        "conncheck man explain > conncheck-explain.1",
    ),
    ex(
        "Every page",
        "conncheck man --dir /usr/local/share/man/man1",
    ),
];

/// The examples of a command (`""` for the top level).
pub fn examples(command: &str) -> &'static [Example] {
    match command {
        "" => EX_TOP,
        "demo" => EX_DEMO,
        "serve" => EX_SERVE,
        "lab" => EX_LAB,
        "explain" => EX_EXPLAIN,
        "init" => EX_INIT,
        "completions" => EX_COMPLETIONS,
        "man" => EX_MAN,
        _ => &[],
    }
}

/// The exit status, one code a line.
pub const EXIT_STATUS: &[(u8, &str)] = &[
    (0, "nothing failed (or --fail-on never)"),
    (
        1,
        "a check failed or was undecided (or warned, with --fail-on warn); explain: a cause was found",
    ),
    (2, "usage, profile or configuration error"),
    (
        3,
        "conncheck itself could not run: cannot listen, cannot write a report file, internal error",
    ),
];

/// The environment variables conncheck reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CONNCHECK_USERNAME, CONNCHECK_PASSWORD",
        "credentials for the login checks (never taken from the command line)",
    ),
    ("NO_COLOR", "no colour in the table (--color auto)"),
    (
        "GITHUB_ACTIONS=true",
        "print ::error/::warning annotations for failing rows",
    ),
    (
        "GITHUB_STEP_SUMMARY",
        "append the Markdown report to this file (in GitHub Actions)",
    ),
];

/// The `--help` epilog of a command: its examples, then (for commands that diagnose) the exit
/// status and the environment.
pub fn after_help(command: &str) -> String {
    let mut s = String::from("Examples:\n");
    for e in examples(command) {
        s.push_str(&format!("  # {}\n  {}\n\n", e.what, e.line));
    }
    if matches!(command, "" | "demo" | "explain" | "serve") {
        s.push_str("Exit status:\n");
        for (code, what) in EXIT_STATUS {
            s.push_str(&format!("  {code}  {what}\n"));
        }
        s.push_str("\nEnvironment:\n");
        for (name, what) in ENVIRONMENT {
            s.push_str(&format!("  {name}\n      {what}\n"));
        }
    }
    s.trim_end().to_string()
}
