use super::catalog::{named_keys, UNEXPLAINED};
use super::judge::{shows, Strength};
use super::phrases::{FALLBACKS, GENERIC, PATTERNS};
use super::*;
use crate::engine::fault::{NetFault, RunFault};
use crate::engine::model::{Finding, Report};
use crate::engine::{FaultKind, Row, Subject};
use crate::net::http::{CertProblem, NetError};

/// Pasted text → the first cause. Every phrase the seed documents quote, in the forms
/// customers paste them, the proxies' error pages, and issue 20's "How it will be checked".
const FIRST_CAUSE: &[(&str, &str)] = &[
    // Issue 20, "How it will be checked".
    ("Database connection failed", "database-down"),
    ("Invalid token", "jwt-invalid"),
    ("WebSocket connection failed", "websocket-failed"),
    ("WebSocket authentication failed", "websocket-token-refused"),
    ("504 Gateway Time-out", "proxy-timeout"),
    ("CORS policy", "cors-origin-not-allowed"),
    // Seed 000, frontend errors (axios).
    ("Network Error", "cors-origin-not-allowed"),
    ("AxiosError: Network Error", "cors-origin-not-allowed"),
    ("Uncaught (in promise) AxiosError: Network Error", "cors-origin-not-allowed"),
    ("timeout of 10000ms exceeded", "server-slow"),
    ("Uncaught (in promise) AxiosError: timeout of 10000ms exceeded", "server-slow"),
    ("Request failed with status code 404", "route-not-found"),
    ("Request failed with status code 403", "auth-token-missing"),
    ("Request failed with status code 500", "server-error"),
    ("Request failed with status code 401", "jwt-invalid"),
    ("Request failed with status code 502", "app-down-behind-proxy"),
    ("Request failed with status code 504", "proxy-timeout"),
    ("Request failed with status code 429", "rate-limited"),
    // Seed 000, backend errors, bare, quoted and in log lines.
    ("DisallowedHost", "disallowed-host"),
    ("\"DisallowedHost\" - Domain not in ALLOWED_HOSTS", "disallowed-host"),
    ("\"CORS policy\" - CORS configuration issue", "cors-origin-not-allowed"),
    ("“CORS policy”", "cors-origin-not-allowed"),
    ("«Database connection failed»", "database-down"),
    ("ERROR 2026-12-06 django: Database connection failed", "database-down"),
    ("„Invalid token“", "jwt-invalid"),
    ("{\"detail\": \"Invalid token.\"}", "jwt-invalid"),
    (
        "django.db.utils.OperationalError: could not connect to server: Connection refused",
        "database-down",
    ),
    // Seed 000, failure patterns.
    ("Connection Timeout", "server-slow"),
    ("404 Not Found", "route-not-found"),
    ("403 Forbidden", "auth-token-missing"),
    ("500 Internal Server Error", "server-error"),
    // Seed 000, browser console.
    (
        "Access to XMLHttpRequest at 'https://api.tiktrue.com/api/v1/auth/login/' from origin 'https://tiktrue.com' has been blocked by CORS policy",
        "cors-origin-not-allowed",
    ),
    (
        "index.js:12 Access to XMLHttpRequest at ‘https://api.tiktrue.com/api/v1/auth/login/’ from origin ‘https://tiktrue.com’ has been blocked by CORS policy: No ‘Access-Control-Allow-Origin’ header is present on the requested resource.",
        "cors-origin-not-allowed",
    ),
    (
        "Mixed Content: The page at 'https://tiktrue.com' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint",
        "mixed-content-api-url",
    ),
    ("requested an insecure XMLHttpRequest endpoint", "mixed-content-api-url"),
    ("Failed to load resource: net::ERR_NAME_NOT_RESOLVED", "dns-not-resolved"),
    ("Failed to load resource: net::ERR_SSL_PROTOCOL_ERROR", "tls-not-tls"),
    ("xhr.js:247 GET https://api.tiktrue.com/api/v1/health/ net::ERR_NAME_NOT_RESOLVED", "dns-not-resolved"),
    // Seed 003, troubleshooting.
    ("Access to fetch at ... has been blocked by CORS policy", "cors-origin-not-allowed"),
    ("The 'Access-Control-Allow-Origin' header contains multiple values", "cors-duplicate-origin"),
    (
        "Credentials flag is 'true', but the 'Access-Control-Allow-Credentials' header is ''",
        "cors-credentials-not-allowed",
    ),
    ("Error: WebSocket connection failed", "websocket-failed"),
    ("Error: WebSocket authentication failed", "websocket-token-refused"),
    (
        "WebSocket connection to 'wss://plane.mohdop.com/live?token=x' failed:",
        "websocket-failed",
    ),
    (
        "WebSocket connection to 'wss://plane.mohdop.com/live/' failed: Error during WebSocket handshake: Unexpected response code: 403",
        "websocket-origin-refused",
    ),
    (
        "Error during WebSocket handshake: Unexpected response code: 502",
        "app-down-behind-proxy",
    ),
    // Proxy pages: nginx, Traefik, Cloudflare.
    ("<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center>", "proxy-timeout"),
    ("502 Bad Gateway nginx/1.25.3", "app-down-behind-proxy"),
    ("503 Service Temporarily Unavailable", "app-down-behind-proxy"),
    ("Bad Gateway", "app-down-behind-proxy"),
    ("Gateway Timeout", "proxy-timeout"),
    ("Service Unavailable", "app-down-behind-proxy"),
    ("no available server", "app-down-behind-proxy"),
    ("Error 502 Bad gateway cloudflare", "app-down-behind-proxy"),
    ("Error 504 Gateway time-out", "proxy-timeout"),
    ("Error 524 A timeout occurred", "proxy-timeout"),
    ("Error 521 Web server is down", "server-down"),
    ("Error 522 Connection timed out", "server-down"),
    ("Error 526 Invalid SSL certificate", "tls-not-tls"),
    // Chrome's CORS templates.
    (
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
        "cors-preflight-redirect",
    ),
    (
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
        "cors-wildcard-credentials",
    ),
    (
        "has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
        "cors-header-not-allowed",
    ),
    (
        "has been blocked by CORS policy: Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response.",
        "cors-method-not-allowed",
    ),
    (
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
        "cors-preflight-not-ok",
    ),
    (
        "The 'Access-Control-Allow-Origin' header has a value 'https://www.tiktrue.com' that is not equal to the supplied origin.",
        "cors-origin-mismatch",
    ),
    // Firefox and Safari wordings.
    (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.tiktrue.com/api/v1/auth/login/. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 400.",
        "cors-origin-not-allowed",
    ),
    (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.tiktrue.com/api/v1/. (Reason: CORS request did not succeed). Status code: (null).",
        "dns-not-resolved",
    ),
    (
        "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)",
        "cors-wildcard-credentials",
    ),
    (
        "(Reason: missing token ‘authorization’ in CORS header ‘Access-Control-Allow-Headers’ from CORS preflight channel)",
        "cors-header-not-allowed",
    ),
    (
        "(Reason: multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)",
        "cors-duplicate-origin",
    ),
    (
        "Origin https://tiktrue.com is not allowed by Access-Control-Allow-Origin. Status code: 403",
        "cors-origin-not-allowed",
    ),
    ("Preflight response is not successful. Status code: 405", "cors-preflight-not-ok"),
    (
        "Firefox can’t establish a connection to the server at wss://plane.mohdop.com/live/.",
        "websocket-failed",
    ),
    // Chrome's net errors.
    ("net::ERR_CERT_AUTHORITY_INVALID", "tls-untrusted"),
    ("net::ERR_CERT_COMMON_NAME_INVALID", "tls-name-mismatch"),
    ("net::ERR_CERT_DATE_INVALID", "tls-expired"),
    ("net::ERR_CONNECTION_REFUSED", "server-down"),
    ("net::ERR_CONNECTION_TIMED_OUT", "dns-stale-or-dead"),
    ("net::ERR_TOO_MANY_REDIRECTS", "redirect-loop"),
    ("net::ERR_BLOCKED_BY_CLIENT", "client-side"),
    ("GET http://localhost:8000/api/v1/auth/me/ net::ERR_CONNECTION_REFUSED", "frontend-wrong-api"),
    ("Uncaught SyntaxError: Unexpected token '<'", "frontend-stale-build"),
    ("ChunkLoadError: Loading chunk 3 failed.", "frontend-stale-build"),
    // Django / DRF / simplejwt.
    (
        "django.core.exceptions.DisallowedHost: Invalid HTTP_HOST header: 'api.tiktrue.com'. You may need to add 'api.tiktrue.com' to ALLOWED_HOSTS.",
        "disallowed-host",
    ),
    ("Forbidden (Origin checking failed - https://tiktrue.com does not match any trusted origins.)", "csrf-failed"),
    ("{\"detail\":\"CSRF Failed: CSRF token missing.\"}", "csrf-failed"),
    ("{\"detail\":\"Given token not valid for any token type\",\"code\":\"token_not_valid\"}", "jwt-invalid"),
    ("{\"detail\":\"No active account found with the given credentials\"}", "login-failed"),
    // Per-category fallbacks: no known phrase, but the text speaks of one area.
    ("our postgres db keeps dropping", "database-down"),
    ("the live socket keeps disconnecting", "websocket-failed"),
    ("users get logged out and the jwt is rejected", "jwt-invalid"),
    ("the dashboard hangs forever", "server-slow"),
    ("traefik shows an error page", "app-down-behind-proxy"),
    // Nothing recognisable: the usual causes of a frontend that cannot reach its API.
    ("something nobody has seen", "cors-origin-not-allowed"),
];

#[test]
fn each_pasted_phrase_maps_to_the_right_first_cause() {
    let mut wrong = Vec::new();
    for (input, want) in FIRST_CAUSE {
        let ex = explain(input);
        assert!(!ex.means.is_empty(), "{input}");
        if ex.causes[0].id != *want {
            wrong.push(format!("{input:?}: {} (want {want})", ex.causes[0].id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_seed_phrases_are_recognised_not_answered_with_the_generic_list() {
    for phrase in [
        "CORS policy",
        "Database connection failed",
        "Invalid token",
        "WebSocket connection failed",
        "WebSocket authentication failed",
        "504 Gateway Time-out",
        "DisallowedHost",
    ] {
        let ex = explain(phrase);
        assert!(ex.recognised, "{phrase}");
    }
    assert!(!explain("something nobody has seen").recognised);
}

#[test]
fn network_error_lists_the_browser_level_causes() {
    let ids: Vec<&str> = explain("Network Error")
        .causes
        .iter()
        .map(|c| c.id)
        .collect();
    for want in [
        "dns-not-resolved",
        "tls-untrusted",
        "mixed-content-api-url",
        "server-down",
    ] {
        assert!(ids.contains(&want), "{ids:?}");
    }
}

#[test]
fn every_named_cause_exists_and_every_sign_names_rows() {
    let named = PATTERNS
        .iter()
        .flat_map(|p| p.causes.iter())
        .chain(FALLBACKS.iter().flat_map(|f| f.causes.iter()))
        .chain(GENERIC.iter());
    for id in named {
        cause(id);
    }
    let mut ids: Vec<&str> = CAUSES.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), CAUSES.len(), "cause ids are unique");
    for c in CAUSES {
        for s in c.signs {
            assert!(!s.rows.is_empty(), "{}: a sign names its rows", c.id);
        }
        // Every cause is the first of some phrase or fallback, so explain can reach it.
        assert!(
            PATTERNS.iter().any(|p| p.causes.contains(&c.id))
                || FALLBACKS.iter().any(|f| f.causes.contains(&c.id)),
            "{} is never suggested",
            c.id
        );
    }
}

/// Every `"<module>.<kebab>"` literal in the engine's `fault.rs` and the modules' `judge.rs`
/// files (outside their tests) that is not a row id: the keys `FaultKind::key` returns.
fn defined_keys() -> Vec<String> {
    fn is_key(lit: &str) -> bool {
        let kebab = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let row_id = Row::ALL.iter().any(|r| !r.is_family() && r.id(None) == lit);
        !row_id
            && lit.split_once('.').is_some_and(|(m, k)| {
                (crate::engine::model::Module::from_name(m).is_some()
                    || ["net", "run", "input"].contains(&m))
                    && kebab(k)
            })
    }
    fn keys_in(path: &std::path::Path, out: &mut Vec<String>) {
        let text = std::fs::read_to_string(path).expect("source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for lit in code.split('"').skip(1).step_by(2) {
            if is_key(lit) && !out.iter().any(|k| k == lit) {
                out.push(lit.to_string());
            }
        }
    }
    fn scan(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("source dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                scan(&p, out);
            } else if p.file_name().is_some_and(|n| n == "judge.rs") {
                keys_in(&p, out);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut keys = Vec::new();
    keys_in(&root.join("engine/fault.rs"), &mut keys);
    scan(&root.join("checks"), &mut keys);
    keys
}

fn module_of(key: &str) -> &str {
    key.split('.').next().unwrap_or("")
}

/// The catalog names only keys modules define, and every key a module defines is mapped: to a
/// cause, or to `UNEXPLAINED`. A module that defines no keys yet (not on typed faults) is
/// covered by row signs until it does; once it does, all its keys must be mapped.
#[test]
fn the_catalog_and_the_modules_agree_on_fault_keys() {
    let defined = defined_keys();
    assert!(defined.iter().any(|k| k == "net.dns"), "{defined:?}");
    let typed = |m: &str| defined.iter().any(|k| module_of(k) == m);
    let mapped: Vec<&str> = named_keys()
        .iter()
        .chain(UNEXPLAINED.iter())
        .copied()
        .collect();
    let mut problems = Vec::new();
    for k in &mapped {
        if typed(module_of(k)) && !defined.iter().any(|d| d == k) {
            problems.push(format!(
                "{k}: named in explain's catalog, defined by no module"
            ));
        }
    }
    for k in &defined {
        if !mapped.contains(&k.as_str()) {
            problems.push(format!(
                "{k}: defined by a module, not mapped in explain's catalog"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pasted_credentials_are_masked() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlc2lnbmF0dXJl";
    for (input, gone, kept) in [
        (
            format!(
                "WebSocket connection to 'wss://plane.mohdop.com/live?token={jwt}&doc=7' failed:"
            ),
            jwt.to_string(),
            "&doc=7' failed:",
        ),
        (
            format!("Authorization: Bearer {jwt}"),
            jwt.to_string(),
            "Authorization: Bearer ",
        ),
        (
            format!("token {jwt} rejected"),
            jwt.to_string(),
            " rejected",
        ),
        (
            "POST /login?password=hunter2secret&x=1".to_string(),
            "hunter2secret".to_string(),
            "&x=1",
        ),
    ] {
        let out = redact_pasted(&input);
        assert!(!out.contains(&gone), "{out}");
        assert!(out.contains(kept) && out.contains("redacted"), "{out}");
        assert_eq!(explain(&input).input, out);
    }
    let plain = "Network Error — timeout of 10000ms exceeded";
    assert_eq!(redact_pasted(plain), plain);
}

// ---- judging a run: by row and typed fault ----

/// A module's fault, as a converted module declares it (the key is one the catalog names).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ModuleFault(&'static str);

impl FaultKind for ModuleFault {
    fn key(&self) -> &'static str {
        self.0
    }
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        metrics: Vec::new(),
        stack: None,
        target: "https://api.x.test/api/v1".into(),
        origins: vec![],
        origins_inferred: false,
        findings,
        duration_ms: 0,
    }
}

fn host() -> Subject {
    Subject::host("api.x.test", None)
}

fn net(row: Row, e: NetError) -> Finding {
    Finding::of(
        row,
        Subject::endpoint("login", "POST", "/auth/login/"),
        "login",
    )
    .fail()
    .fault(NetFault::new("api.x.test", e))
}

fn confirmed(v: &Verdict) -> (&'static str, Vec<String>, bool) {
    match v {
        Verdict::Confirmed {
            cause,
            rows,
            certain,
            ..
        } => (
            cause.id,
            rows.iter().map(|f| f.id.clone()).collect(),
            *certain,
        ),
        v => panic!("not confirmed: {v:?}"),
    }
}

#[test]
fn a_network_fault_confirms_its_cause_on_any_row() {
    let ex = explain("Network Error");
    let nx = net(
        Row::Endpoint,
        NetError::Dns(crate::net::dns::DnsError::NoResolver),
    );
    let (id, rows, certain) = confirmed(&judge(&ex, &report(vec![nx])));
    assert_eq!((id, certain), ("dns-not-resolved", true));
    assert_eq!(rows, ["endpoints.login"]);
    // The certificate problem's type decides between the TLS causes.
    let ex = explain("net::ERR_CERT_AUTHORITY_INVALID");
    let wrong = net(
        Row::CorsPreflight,
        NetError::TlsCert {
            kind: CertProblem::WrongHost,
            reason: "x".into(),
        },
    );
    let (id, _, _) = confirmed(&judge(&ex, &report(vec![wrong])));
    assert_eq!(
        id, "tls-name-mismatch",
        "found though the text suggested another"
    );
    // A timeout is an error row; it still confirms.
    let slow = net(Row::Endpoint, NetError::Timeout(Default::default())).error();
    let (id, _, _) = confirmed(&judge(
        &explain("timeout of 10000ms exceeded"),
        &report(vec![slow]),
    ));
    assert_eq!(id, "server-slow");
}

#[test]
fn a_fault_beats_a_row_and_the_key_must_match() {
    let ex = explain("Network Error");
    // cors.preflight failing without a typed fault: every CORS cause has a keyed sign now, so
    // the row alone is no evidence.
    let untyped = Finding::of(
        Row::CorsPreflight,
        Subject::call("https://x.test", "GET", "a/"),
        "preflight",
    )
    .fail();
    assert!(CAUSES.iter().all(|c| shows(c, &untyped).is_none()));
    // With the origin missing from the allow-list.
    let cors = untyped
        .clone()
        .fault(ModuleFault("cors.origin-not-allowed"));
    let expired = Finding::of(Row::TlsExpiry, host(), "expiry")
        .fail()
        .fault(ModuleFault("tls.certificate-expired"));
    let (id, rows, certain) = confirmed(&judge(&ex, &report(vec![untyped, expired.clone()])));
    assert_eq!(
        (id, certain),
        ("tls-expired", true),
        "an unlisted cause shown by its fault"
    );
    assert_eq!(rows, ["tls.expiry"]);
    // With only the CORS row: its fault names the cause, certainly.
    let (id, _, certain) = confirmed(&judge(&ex, &report(vec![cors])));
    assert_eq!((id, certain), ("cors-origin-not-allowed", true));
    // A fault the catalog knows but on a row of another cause does not confirm that cause.
    assert_eq!(shows(cause("tls-expired"), &expired), Some(Strength::Fault));
    assert_eq!(shows(cause("tls-untrusted"), &expired), None);
    // A known key that explains nothing (conncheck's own crash) confirms nothing.
    let crash = Finding::of(Row::Endpoint, Subject::endpoint("a", "GET", "/"), "a")
        .error()
        .fault(RunFault::Internal);
    assert!(CAUSES.iter().all(|c| shows(c, &crash).is_none()));
    assert!(matches!(
        judge(&ex, &report(vec![crash])),
        Verdict::Other(_)
    ));
}

#[test]
fn warnings_are_likely_not_certain_and_passes_are_not_reproduced() {
    let ex = explain("net::ERR_CONNECTION_TIMED_OUT");
    let dead = Finding::of(Row::DnsReach, host(), "reach")
        .warn()
        .fault(NetFault::new(
            "api.x.test",
            NetError::ConnectTimeout("127.0.0.4:443".into()),
        ));
    let (id, _, certain) = confirmed(&judge(&ex, &report(vec![dead])));
    assert_eq!((id, certain), ("dns-stale-or-dead", false));
    let ok = Finding::of(Row::DnsResolve, host(), "resolves");
    assert!(matches!(
        judge(&ex, &report(vec![ok])),
        Verdict::NotReproduced
    ));
}

#[test]
fn seen_says_shown_not_seen_not_checked_or_not_checkable() {
    let r = report(vec![
        Finding::of(Row::DnsResolve, host(), "resolves")
            .fail()
            .fault(NetFault::new(
                "api.x.test",
                NetError::Dns(crate::net::dns::DnsError::NoResolver),
            )),
        Finding::of(Row::DnsReach, host(), "reachable").skip(),
        Finding::of(Row::DnsPropagation, host(), "propagated"),
    ]);
    assert_eq!(
        seen(cause("dns-not-resolved"), &r),
        Seen::Shown(vec!["dns.resolve".into()])
    );
    // dns.resolve and dns.propagation ran (dns.reach was skipped) and show no stale record.
    assert_eq!(
        seen(cause("dns-stale-or-dead"), &r),
        Seen::NotSeen(vec![Row::DnsResolve, Row::DnsPropagation])
    );
    assert_eq!(seen(cause("tls-untrusted"), &r), Seen::NotChecked);
    // The CSRF check is jwt.csrf, which did not run here.
    assert_eq!(seen(cause("csrf-failed"), &r), Seen::NotChecked);
    // No check of conncheck sees the client's own code: never "not seen".
    assert_eq!(seen(cause("client-side"), &r), Seen::NotCheckable);
}

#[test]
fn the_answer_lists_the_confirmed_cause_and_takes_the_rows_fix() {
    let ex = explain("Request failed with status code 403");
    let expired = Finding::of(Row::TlsExpiry, host(), "expiry")
        .fail()
        .hint("renew with certbot renew --cert-name api.x.test")
        .fault(ModuleFault("tls.certificate-expired"));
    let r = report(vec![expired]);
    let v = judge(&ex, &r);
    let a = answer(&ex, Some((&r, &v)));
    let model::Outcome::Confirmed { rank, .. } = a.outcome else {
        panic!("{:?}", a.outcome)
    };
    let l = a.listed(rank);
    assert_eq!(l.cause.id, "tls-expired");
    assert!(!l.suggested);
    assert_eq!(l.fix, "renew with certbot renew --cert-name api.x.test");
    assert_eq!(l.fix_from.as_deref(), Some("tls.expiry"));
    // JSON and text show the same: the confirmed cause is in the list, with the row's fix.
    let json: serde_json::Value =
        serde_json::from_str(&crate::report::explain::json(&ex, Some((&r, &v)))).unwrap();
    assert_eq!(json["verdict"]["cause"], "tls-expired");
    let listed = json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "tls-expired")
        .expect("the confirmed cause is listed");
    assert_eq!(listed["rank"], rank);
    assert_eq!(
        listed["fix"],
        "renew with certbot renew --cert-name api.x.test"
    );
    let text = crate::report::explain::text(&ex, Some((&r, &v)), &[]);
    assert!(
        text.contains(&format!("{rank:>2}. The certificate has expired")),
        "{text}"
    );
    assert!(text.contains(&format!("It is cause {rank}")), "{text}");
    let md = crate::report::explain::markdown(&ex, Some((&r, &v)));
    assert!(md.contains(&format!("It is cause {rank}")), "{md}");
    assert!(
        md.contains(&format!("{rank}. The certificate has expired")),
        "{md}"
    );
}

#[test]
fn a_run_checks_the_modules_that_test_the_causes() {
    use crate::engine::model::Module;
    assert_eq!(
        explain("net::ERR_NAME_NOT_RESOLVED").modules(),
        [Module::Dns]
    );
    assert_eq!(
        explain("WebSocket authentication failed").modules(),
        [Module::Endpoints, Module::Jwt, Module::Websocket]
    );
    // Nothing conncheck can see (an extension): the usual checks, so a pass clears the API.
    let blocked = explain("net::ERR_BLOCKED_BY_CLIENT");
    assert!(blocked.causes.iter().all(|c| !c.checkable()));
    assert!(
        blocked.modules().contains(&Module::Cors),
        "{:?}",
        blocked.modules()
    );
}
