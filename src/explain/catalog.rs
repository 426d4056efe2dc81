//! Every cause `explain` knows, and the evidence that confirms each: the rows ([`Row`]) and the
//! fault keys ([`FaultKind::key`](crate::engine::FaultKind::key)) a run shows it by.
//!
//! This is the ONE table mapping conncheck's typed faults to causes. When a module adds or
//! renames a fault key, add it to a cause's [`Sign`] here or to [`UNEXPLAINED`]; the tests
//! check every key named here is defined by a module and every key a module defines is named.

use crate::engine::{Finding, Row};

pub use super::causes::CAUSES;

/// What area of the deployment a cause lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Cors,
    Dns,
    Tls,
    Network,
    Proxy,
    Timeout,
    Redirect,
    Frontend,
    Django,
    Token,
    Route,
    Server,
    Database,
    WebSocket,
    Client,
    Cookie,
    RateLimit,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Cors => "cors",
            Category::Dns => "dns",
            Category::Tls => "tls",
            Category::Network => "network",
            Category::Proxy => "proxy",
            Category::Timeout => "timeout",
            Category::Redirect => "redirect",
            Category::Frontend => "frontend",
            Category::Django => "django",
            Category::Token => "token",
            Category::Route => "route",
            Category::Server => "server",
            Category::Database => "database",
            Category::WebSocket => "websocket",
            Category::Client => "client",
            Category::Cookie => "cookie",
            Category::RateLimit => "rate-limit",
        }
    }
}

/// One way a run shows a cause: a non-pass row among `rows` whose fault's key is among `keys`
/// (and passes `when`, a finer typed test, when there is one). Keys are a module's own, so a
/// key sign usually names all of that module's rows.
///
/// A sign with no keys is a ROW sign, transitional until every module carries typed faults: a
/// non-pass row among `rows` that carries no fault the catalog knows (its module is not
/// converted yet) shows the cause. That is weaker evidence and ranks below a key match; delete
/// a module's row signs once its faults are mapped here.
#[derive(Debug, Clone, Copy)]
pub struct Sign {
    pub rows: &'static [Row],
    pub keys: &'static [&'static str],
    pub when: Option<fn(&Finding) -> bool>,
    /// Whether `rows` are the checks that test for the cause (false: a network fault that can
    /// surface on any row that makes a request). Only home rows decide which modules explain
    /// runs and whether a cause was "not seen".
    pub home: bool,
}

pub(super) const fn sign(rows: &'static [Row], keys: &'static [&'static str]) -> Sign {
    Sign {
        rows,
        keys,
        when: None,
        home: true,
    }
}

/// A network fault that can surface on any of `rows` (see [`Sign::home`]), with a finer test.
pub(super) const fn anywhere(
    rows: &'static [Row],
    keys: &'static [&'static str],
    when: Option<fn(&Finding) -> bool>,
) -> Sign {
    Sign {
        rows,
        keys,
        when,
        home: false,
    }
}

/// A row sign (see [`Sign`]).
pub(super) const fn rows(rows: &'static [Row]) -> Sign {
    sign(rows, &[])
}

/// One likely cause.
#[derive(Debug, Clone, Copy)]
pub struct Cause {
    pub id: &'static str,
    pub category: Category,
    /// What is wrong, in one line.
    pub title: &'static str,
    /// The usual fix, in the stack's words; a confirming row's own hint replaces it.
    pub fix: &'static str,
    /// How a run shows it; empty: no check of conncheck can see it.
    pub signs: &'static [Sign],
}

impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        self.id == other.id
    }
}

impl Eq for Cause {}

impl Cause {
    /// The rows whose checks test for this cause, in checklist order.
    pub fn rows(&self) -> Vec<Row> {
        Row::ALL
            .into_iter()
            .filter(|r| self.signs.iter().any(|s| s.home && s.rows.contains(r)))
            .collect()
    }

    /// Whether any check of conncheck can see this cause.
    pub fn checkable(&self) -> bool {
        !self.rows().is_empty()
    }
}

/// Keys modules define that no cause of a failing frontend explains (hygiene and hardening
/// findings, conncheck's own state). Named here so a new key cannot slip by unmapped.
pub static UNEXPLAINED: &[&str] = &[
    // The resolver conncheck asked failed, not the deployment's DNS.
    "dns.refused",
    "dns.resolver-timeout",
    "dns.resolver-unreachable",
    "dns.malformed-answer",
    "dns.no-resolver",
    // Hygiene and hardening: they do not stop a frontend talking to its API.
    "https.no-plain-http",
    "https.plain-http-served",
    "https.redirect-other-host",
    "https.redirect-indirect",
    "https.redirect-temporary",
    "https.hsts-missing",
    "https.hsts-ignored",
    "https.hsts-zero",
    "https.hsts-short",
    "https.headers-missing",
    "https.session-cookie-insecure",
    "https.cookie-insecure",
    "https.session-cookie-script-readable",
    "endpoints.unexpected-status",
    "endpoints.debug-page",
    "endpoints.oversized",
    "endpoints.setup-exposed",
    "endpoints.catch-all",
    // CORS findings that no cause of the catalog names yet: redirect chains, Mixed Content on
    // the call (the frontend's mixed-content cause owns the API URL), rows skipped after a
    // failed preflight, and the hardening rows (security, cache).
    "cors.redirect-mixed-content",
    "cors.too-many-redirects",
    "cors.redirect-location-invalid",
    "cors.redirect-location-credentials",
    "cors.mixed-content",
    "cors.preflight-failed",
    "cors.authorization-by-wildcard",
    "cors.reflects-any-origin",
    "cors.origin-match-loose",
    "cors.wildcard-on-authenticated-api",
    "cors.allows-untrusted-origins",
    "cors.probes-inconclusive",
    "cors.vary-missing",
    // On Row::EndpointsStatic (the httpsep branch): map to a static-files cause once that row
    // is merged.
    "endpoints.static-missing",
    "websocket.unencrypted",
    "websocket.any-origin",
    "websocket.origin-check-undecided",
    "net.not-http",
    "net.other",
    "run.internal",
    "input.origin",
    "input.credentials",
    "input.token",
    "tls.certificate-expiring-soon",
    "tls.chain-order",
    "tls.legacy-version-accepted",
    "tls.weak-certificate",
    "jwt.access-long-lived",
    "jwt.access-outlives-refresh",
    "jwt.alg-none-accepted",
    "jwt.forged-crashes",
    "jwt.insecure-login",
    // The CSRF row could not judge: jwt.login owns why, or the token is the app's to fetch.
    "jwt.csrf-not-reached",
    "jwt.csrf-token-not-replayed",
    "jwt.known-secret",
    "jwt.login-accepts-anyone",
    "jwt.login-probe-unclean",
    "jwt.no-exp",
    "jwt.refresh-not-rotated",
    "jwt.route-unprotected",
    "jwt.signature-not-verified",
    "jwt.unsigned-tokens",
    "jwt.wordlist-secret",
    "jwt.wordlist-unreadable",
    "frontend.bundle-truncated",
    "frontend.mixed-content-auto-upgraded",
    "frontend.mixed-content-upgraded-by-policy",
    "frontend.page-too-large",
];

/// The cause with this id. Panics on an unknown id: ids are written in this crate's tables,
/// and a test reads every one.
pub fn cause(id: &str) -> &'static Cause {
    CAUSES
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("unknown cause {id}"))
}

/// Every fault key a cause names, sorted.
pub fn named_keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut v: Vec<&str> = CAUSES
            .iter()
            .flat_map(|c| c.signs.iter().flat_map(|s| s.keys.iter().copied()))
            .collect();
        v.sort();
        v.dedup();
        v
    })
}
