//! A copy-paste `curl` that shows a row's fault, made from its typed row and subject (never from
//! its words). Credentials never appear: a token is `$TOKEN`, a password `$CONNCHECK_PASSWORD`.

use crate::engine::{Finding, Module, Report, Row, Subject};
use url::Url;

/// Quote for a POSIX shell: single quotes, with `'` as `'\''`; control characters neutralised.
pub fn sh(s: &str) -> String {
    format!("'{}'", super::clean(s).replace('\'', "'\\''"))
}

/// Resolve an API path as the checks do: absolute from the host root when it starts with `/`,
/// otherwise relative to the API base.
fn api_url(report: &Report, path: &str) -> Option<Url> {
    let mut base = Url::parse(&report.target).ok()?;
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.join(path).ok()
}

fn host_url(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{scheme}://{host}:{p}/"),
        None => format!("{scheme}://{host}/"),
    }
}

fn preflight(url: &Url, origin: &str, method: &str) -> String {
    let headers = if matches!(method, "GET" | "HEAD") {
        "authorization"
    } else {
        "authorization,content-type"
    };
    format!(
        "curl -si -X OPTIONS {} -H {} -H {} -H {}",
        sh(url.as_str()),
        sh(&format!("Origin: {origin}")),
        sh(&format!("Access-Control-Request-Method: {method}")),
        sh(&format!("Access-Control-Request-Headers: {headers}")),
    )
}

fn request(url: &Url, method: &str, origin: Option<&str>) -> String {
    let mut cmd = format!("curl -si -X {method} {}", sh(url.as_str()));
    if let Some(o) = origin {
        cmd.push_str(&format!(" -H {}", sh(&format!("Origin: {o}"))));
    }
    if !matches!(method, "GET" | "HEAD" | "OPTIONS" | "DELETE") {
        cmd.push_str(" -H 'Content-Type: application/json' -d '{}'");
    }
    cmd
}

fn websocket(url: &str, origin: Option<&str>) -> Option<String> {
    let mut u = Url::parse(url).ok()?;
    let scheme = if u.scheme() == "ws" { "http" } else { "https" };
    u.set_scheme(scheme).ok()?;
    let mut cmd = format!(
        "curl -si --http1.1 {} -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
         -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='",
        sh(u.as_str())
    );
    if let Some(o) = origin {
        cmd.push_str(&format!(" -H {}", sh(&format!("Origin: {o}"))));
    }
    Some(cmd)
}

/// The command that reproduces this row's observation, when one can be made.
pub fn curl(report: &Report, f: &Finding) -> Option<String> {
    let first_origin = report.origins.first().map(String::as_str);
    match (&f.subject, f.row) {
        (
            Subject::Call {
                origin,
                method,
                path,
            },
            Some(Row::CorsPreflight),
        ) => Some(preflight(&api_url(report, path)?, origin, method)),
        (
            Subject::Call {
                origin,
                method,
                path,
            },
            _,
        ) => Some(request(&api_url(report, path)?, method, Some(origin))),
        (Subject::Endpoint { method, path, .. }, _) if !path.is_empty() => {
            let method = if method.is_empty() { "GET" } else { method };
            let origin = (f.module == Module::Cors).then_some(first_origin).flatten();
            Some(request(&api_url(report, path)?, method, origin))
        }
        (Subject::Host { host, .. }, Some(Row::HttpsRedirect)) => {
            Some(format!("curl -sI {}", sh(&host_url("http", host, None))))
        }
        (Subject::Host { host, port }, _) => {
            Some(format!("curl -svI {}", sh(&host_url("https", host, *port))))
        }
        (Subject::Origin { origin }, _) => Some(format!("curl -si {}", sh(origin))),
        (Subject::Page { url }, _) => Some(format!("curl -si {}", sh(url))),
        (Subject::WebSocket { url }, _) => websocket(url, first_origin),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Finding;

    fn report() -> Report {
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: vec!["https://x.test".into()],
            origins_inferred: false,
            findings: vec![],
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn a_preflight_is_reproduced_with_its_origin_and_method() {
        let f = Finding::of(
            Row::CorsPreflight,
            Subject::call("https://x.test", "POST", "auth/login/"),
            "t",
        );
        let c = curl(&report(), &f).unwrap();
        assert_eq!(
            c,
            "curl -si -X OPTIONS 'https://api.x.test/api/v1/auth/login/' -H 'Origin: https://x.test' \
             -H 'Access-Control-Request-Method: POST' \
             -H 'Access-Control-Request-Headers: authorization,content-type'"
        );
    }

    #[test]
    fn root_paths_and_quotes() {
        let f = Finding::of(
            Row::Endpoint,
            Subject::endpoint("h", "GET", "/health/"),
            "t",
        );
        assert_eq!(
            curl(&report(), &f).unwrap(),
            "curl -si -X GET 'https://api.x.test/health/'"
        );
        assert_eq!(sh("it's"), "'it'\\''s'");
        assert_eq!(sh("a\u{1b}[2J"), "'a\\x1b[2J'");
    }
}
