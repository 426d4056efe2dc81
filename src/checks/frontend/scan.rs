//! The bundle scanner: finds the absolute `http(s)://` and `ws(s)://` URLs a JavaScript bundle
//! embeds (with byte offsets) and judges them against the API being diagnosed. Pure functions
//! over bytes, so the verdicts are unit-tested on fixture bundles without a network.

use std::net::IpAddr;
use url::Url;

/// One URL literal found in a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    /// Byte offset of the first character of the scheme.
    pub offset: usize,
    /// The URL as written (JSON-escaped `\/` undone).
    pub text: String,
    pub url: Url,
}

/// Characters that may appear in a URL literal inside JavaScript. Quotes, backticks, brackets
/// of code, whitespace and backslashes end it.
fn url_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&*+,;=%".contains(&b)
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Every absolute http/https/ws/wss URL in `bytes`, in order.
pub fn find_urls(bytes: &[u8]) -> Vec<FoundUrl> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b == b'h' || b == b'H' || b == b'w' || b == b'W') {
            i += 1;
            continue;
        }
        // A scheme starts a token: `xhttp://` is not a URL start.
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        let scheme_len = [&b"https"[..], b"http", b"wss", b"ws"]
            .iter()
            .find(|s| starts_with_ci(rest, s) && rest.get(s.len()) == Some(&b':'))
            .map(|s| s.len());
        let Some(slen) = scheme_len else {
            i += 1;
            continue;
        };
        let after = &rest[slen + 1..];
        let sep_len = if after.starts_with(b"//") {
            2
        } else if after.starts_with(br"\/\/") {
            4
        } else {
            i += 1;
            continue;
        };
        let mut text = String::new();
        text.push_str(&String::from_utf8_lossy(&rest[..slen]).to_ascii_lowercase());
        text.push_str("://");
        let mut j = slen + 1 + sep_len;
        while j < rest.len() {
            let c = rest[j];
            if c == b'\\' && rest.get(j + 1) == Some(&b'/') {
                text.push('/');
                j += 2;
                continue;
            }
            // `${` starts a template-literal substitution: the URL literal ends there.
            if c == b'$' && rest.get(j + 1) == Some(&b'{') {
                break;
            }
            if !url_char(c) {
                break;
            }
            text.push(c as char);
            j += 1;
        }
        while text.ends_with(['.', ',', ';', ':', '!', '?', ']']) {
            text.pop();
        }
        if let Ok(url) = Url::parse(&text) {
            if url.host_str().is_some_and(|h| !h.is_empty()) {
                out.push(FoundUrl {
                    offset: i,
                    text,
                    url,
                });
            }
        }
        i += j.max(1);
    }
    out
}

/// Hosts whose URLs appear in nearly every bundle as documentation links or XML namespaces,
/// never as endpoints the app calls.
const NOISE_HOSTS: &[&str] = &[
    "www.w3.org",
    "w3.org",
    "reactjs.org",
    "react.dev",
    "legacy.reactjs.org",
    "fb.me",
    "github.com",
    "developer.mozilla.org",
    "nextjs.org",
    "vitejs.dev",
    "vuejs.org",
    "schema.org",
    "ogp.me",
    "purl.org",
    "json-schema.org",
    "feross.org",
    "mths.be",
    "tc39.es",
    "npms.io",
    "www.npmjs.com",
    "github.io",
    "opensource.org",
    "example.com",
    "goo.gl",
    "bit.ly",
];

pub fn is_noise(u: &Url) -> bool {
    let host = u.host_str().unwrap_or("");
    NOISE_HOSTS
        .iter()
        .any(|n| host == *n || host.ends_with(&format!(".{n}")))
}

/// `localhost`, loopback, private, link-local and unspecified addresses: reachable only from
/// the developer's machine or the server's own network, never from a visitor's browser.
pub fn is_local(u: &Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost") || d.ends_with(".local")
        }
        Some(url::Host::Ipv4(v4)) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
        }
        Some(url::Host::Ipv6(v6)) => {
            let ip = IpAddr::V6(v6);
            ip.is_loopback()
                || ip.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
        None => false,
    }
}

/// Whether a URL looks like an API base (so a different host is the wrong API, not a CDN).
fn api_like(u: &Url, api_path: &str) -> bool {
    let host = u.host_str().unwrap_or("");
    let path = u.path();
    let first = host.split('.').next().unwrap_or("");
    first == "api"
        || first.starts_with("api-")
        || first.ends_with("-api")
        || path == "/api"
        || path.starts_with("/api/")
        || (api_path.len() > 1 && path.starts_with(api_path.trim_end_matches('/')))
}

/// A URL with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    pub found: FoundUrl,
}

impl Located {
    pub fn at(&self) -> String {
        format!("{} @ byte {}", self.file, self.found.offset)
    }
}

/// What is wrong with one embedded URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The API over plain http:// (or ws://) from an HTTPS page: blocked as mixed content.
    InsecureApi,
    /// A ws:// endpoint from an HTTPS page: blocked as mixed content.
    InsecureWebSocket,
    /// localhost / a private address: a development build.
    LocalAddress,
    /// An API-looking URL on another host, while the diagnosed API is not mentioned.
    OtherHost,
}

/// The scanner's verdict on every URL found in a page's scripts.
#[derive(Debug, Clone, Default)]
pub struct Judgement {
    /// URLs on the diagnosed API host.
    pub api: Vec<Located>,
    pub problems: Vec<(Problem, Located)>,
    /// WebSocket endpoints (ws/wss), noise and local ones excluded.
    pub websockets: Vec<Located>,
    /// Other endpoints worth listing (not noise), deduplicated by text.
    pub others: Vec<Located>,
    /// The API host name occurs in the bytes without a scheme (`//api.x`, a host config).
    pub api_host_mentioned: bool,
}

impl Judgement {
    pub fn has(&self, p: Problem) -> bool {
        self.problems.iter().any(|(q, _)| *q == p)
    }
}

fn same_host(u: &Url, api: &Url) -> bool {
    u.host_str()
        .zip(api.host_str())
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Judge the URLs found in a page's scripts against the API base being diagnosed.
/// `host_mentioned` says whether the API host appears anywhere in the scripts' bytes.
pub fn judge(
    urls: &[Located],
    api_base: &Url,
    page_https: bool,
    host_mentioned: bool,
) -> Judgement {
    let mut j = Judgement {
        api_host_mentioned: host_mentioned,
        ..Default::default()
    };
    let mut other_hosts = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for l in urls {
        let u = &l.found.url;
        if is_noise(u) {
            continue;
        }
        let fresh = seen.insert(l.found.text.clone());
        let insecure = matches!(u.scheme(), "http" | "ws");
        if is_local(u) {
            if fresh {
                j.problems.push((Problem::LocalAddress, l.clone()));
            }
            continue;
        }
        if same_host(u, api_base) {
            if insecure && page_https && fresh {
                j.problems.push((Problem::InsecureApi, l.clone()));
            }
            if matches!(u.scheme(), "ws" | "wss") && fresh {
                j.websockets.push(l.clone());
            }
            j.api.push(l.clone());
            continue;
        }
        if matches!(u.scheme(), "ws" | "wss") {
            if fresh {
                if u.scheme() == "ws" && page_https {
                    j.problems.push((Problem::InsecureWebSocket, l.clone()));
                }
                j.websockets.push(l.clone());
            }
            continue;
        }
        if fresh {
            if api_like(u, api_base.path()) {
                other_hosts.push(l.clone());
            }
            j.others.push(l.clone());
        }
    }
    if j.api.is_empty() && !host_mentioned {
        for l in other_hosts {
            j.problems.push((Problem::OtherHost, l));
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Url {
        Url::parse("https://api.tiktrue.com/api/v1/").unwrap()
    }

    fn located(file: &str, bytes: &[u8]) -> Vec<Located> {
        find_urls(bytes)
            .into_iter()
            .map(|found| Located {
                file: file.into(),
                found,
            })
            .collect()
    }

    fn judge_fixture(name: &str, api: &Url) -> Judgement {
        let path = format!("{}/fixtures/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let host = api.host_str().unwrap().as_bytes();
        let mentioned = bytes.windows(host.len()).any(|w| w == host);
        judge(&located(name, &bytes), api, true, mentioned)
    }

    #[test]
    fn finds_urls_with_offsets_and_ends_at_js_delimiters() {
        let src = br#"const a="https://api.x.test/api/v1",b='ws://h.test:8080/live?x=1';f(`https://cdn.test/${e}.js`);g("http:\/\/esc.test\/p"),h("https://end.test/a.")"#;
        let found = find_urls(src);
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "https://api.x.test/api/v1",
                "ws://h.test:8080/live?x=1",
                "https://cdn.test/",
                "http://esc.test/p",
                "https://end.test/a",
            ]
        );
        assert_eq!(found[0].offset, 9);
        assert_eq!(&src[found[1].offset..found[1].offset + 5], b"ws://");
    }

    #[test]
    fn ignores_non_urls_and_scheme_only_strings() {
        for src in [
            &b"xhttp://a.test"[..],
            b"\"https://\"+location.host",
            b"http:relative",
            b"shows wss:// text",
            b"",
        ] {
            assert!(
                find_urls(src).is_empty(),
                "{}",
                String::from_utf8_lossy(src)
            );
        }
    }

    #[test]
    fn local_addresses_are_recognised() {
        for (u, local) in [
            ("http://localhost:8000/api", true),
            ("http://127.0.0.1:8000", true),
            ("http://192.168.1.20/api", true),
            ("http://10.0.0.5", true),
            ("http://172.20.0.2", true),
            ("http://[::1]:8000", true),
            ("http://0.0.0.0:8000", true),
            ("http://web.localhost", true),
            ("https://api.tiktrue.com", false),
            ("https://172.32.0.1", false),
            ("https://8.8.8.8", false),
        ] {
            assert_eq!(is_local(&Url::parse(u).unwrap()), local, "{u}");
        }
    }

    #[test]
    fn cra_bundle_with_the_right_api_passes_and_skips_noise() {
        let j = judge_fixture("cra-main.js", &api());
        assert!(j.problems.is_empty(), "{:?}", j.problems);
        assert_eq!(j.api[0].found.text, "https://api.tiktrue.com/api/v1");
        let bytes = std::fs::read(format!(
            "{}/fixtures/bundles/cra-main.js",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let at = j.api[0].found.offset;
        assert_eq!(&bytes[at..at + 30], b"https://api.tiktrue.com/api/v1");
        assert!(j.api[0].at().starts_with("cra-main.js @ byte "));
        assert!(j.others.iter().all(|o| !is_noise(&o.found.url)));
        assert!(!j.others.iter().any(|o| o.found.text.contains("w3.org")));
    }

    #[test]
    fn cra_bundle_built_for_http_fails_as_insecure_api() {
        let j = judge_fixture("cra-http-api.js", &api());
        assert!(j.has(Problem::InsecureApi), "{:?}", j.problems);
        assert!(!j.has(Problem::OtherHost));
    }

    #[test]
    fn vite_dev_build_fails_as_local_address() {
        let j = judge_fixture("vite-index.js", &api());
        let local: Vec<_> = j
            .problems
            .iter()
            .filter(|(p, _)| *p == Problem::LocalAddress)
            .map(|(_, l)| l.found.text.as_str())
            .collect();
        assert_eq!(local, ["http://localhost:8000/api/v1"]);
    }

    #[test]
    fn next_bundle_for_another_host_fails_and_finds_the_websocket() {
        // The Plane-shaped build: API on plane-api.mohdop.test, live server on wss://…/live.
        let diagnosed = Url::parse("https://plane-api.other.test/").unwrap();
        let j = judge_fixture("next-app.js", &diagnosed);
        assert!(j.has(Problem::OtherHost), "{:?}", j.problems);
        assert_eq!(
            j.websockets
                .iter()
                .map(|w| w.found.text.as_str())
                .collect::<Vec<_>>(),
            ["wss://plane.mohdop.test/live"]
        );
        let right = Url::parse("https://plane-api.mohdop.test/").unwrap();
        let j = judge_fixture("next-app.js", &right);
        assert!(j.problems.is_empty(), "{:?}", j.problems);
    }

    #[test]
    fn ws_scheme_from_https_page_is_insecure_but_not_from_http_page() {
        let urls = located("a.js", br#"new WebSocket("ws://live.x.test/ws")"#);
        assert!(judge(&urls, &api(), true, true).has(Problem::InsecureWebSocket));
        assert!(!judge(&urls, &api(), false, true).has(Problem::InsecureWebSocket));
    }

    #[test]
    fn another_api_host_is_not_blamed_when_the_diagnosed_api_is_also_called() {
        let urls = located(
            "a.js",
            br#"a="https://api.tiktrue.com/api/v1",b="https://api.stripe.test/v1""#,
        );
        let j = judge(&urls, &api(), true, true);
        assert!(j.problems.is_empty(), "{:?}", j.problems);
        assert_eq!(j.others.len(), 1);
    }
}
