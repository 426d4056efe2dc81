//! The bundle scanner: finds the absolute `http(s)://` and `ws(s)://` URLs a JavaScript bundle
//! (or an inline `<script>`) embeds, with byte offsets and the script they came from. Pure
//! functions over bytes, unit-tested on fixture bundles without a network. Checks judge what is
//! found (the frontend module against the API being diagnosed; the WebSocket module takes the
//! socket URLs).

pub mod discover;
pub mod js;
pub mod reader;

pub use discover::{chunk_refs, discover, Discovery};

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
/// Distinct URLs kept from one script.
pub const MAX_URLS: usize = 4096;

pub fn find_urls(bytes: &[u8]) -> Vec<FoundUrl> {
    let mut out = Vec::new();
    // Each URL once (its first place), and at most MAX_URLS of them: a hostile bundle of a
    // million repeats costs one entry, a real bundle holds a few hundred.
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < MAX_URLS {
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
        if seen.contains(&text) {
            i += j.max(1);
            continue;
        }
        if let Ok(url) = Url::parse(&text) {
            if url.host_str().is_some_and(|h| !h.is_empty()) {
                seen.insert(text.clone());
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

/// Which script a URL was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptSource {
    /// An inline `<script>` of the page at `page` (a runtime config the server injects).
    Inline { page: Url },
    /// A script file the page loads.
    External { url: Url },
}

impl ScriptSource {
    pub fn is_inline(&self) -> bool {
        matches!(self, ScriptSource::Inline { .. })
    }

    /// The file's name as a reader finds it: `main.8f2c1a7e.js`, or `index.html (inline script)`.
    pub fn label(&self) -> String {
        match self {
            ScriptSource::Inline { page } => {
                let name = match file_name(page).as_str() {
                    "/" | "" => "index.html".to_string(),
                    n => n.to_string(),
                };
                format!("{name} (inline script)")
            }
            ScriptSource::External { url } => file_name(url),
        }
    }
}

/// The last path segment of a URL (`main.js`), or the path when it has none.
pub fn file_name(u: &Url) -> String {
    u.path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .unwrap_or(u.path())
        .to_string()
}

/// A URL with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub source: ScriptSource,
    pub found: FoundUrl,
}

impl Located {
    /// `main.js @ byte 1234`.
    pub fn at(&self) -> String {
        format!("{} @ byte {}", self.source.label(), self.found.offset)
    }
}

/// The WebSocket endpoints among found URLs (ws/wss, neither documentation noise nor a local
/// address), first occurrence of each, in order.
pub fn websockets(found: &[Located]) -> Vec<&Located> {
    let mut seen = std::collections::BTreeSet::new();
    found
        .iter()
        .filter(|l| matches!(l.found.url.scheme(), "ws" | "wss"))
        .filter(|l| !is_noise(&l.found.url) && !is_local(&l.found.url))
        .filter(|l| seen.insert(l.found.text.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn websocket_urls_are_listed_once_without_noise_or_local_ones() {
        let src = br#"a="wss://live.x.test/ws",b="ws://localhost:3000/ws",c="wss://live.x.test/ws",d="https://api.x.test/""#;
        let page = Url::parse("https://x.test/").unwrap();
        let found: Vec<Located> = find_urls(src)
            .into_iter()
            .map(|found| Located {
                source: ScriptSource::Inline { page: page.clone() },
                found,
            })
            .collect();
        let ws: Vec<&str> = websockets(&found)
            .iter()
            .map(|l| l.found.text.as_str())
            .collect();
        assert_eq!(ws, ["wss://live.x.test/ws"]);
        assert_eq!(found[0].at(), "index.html (inline script) @ byte 3");
        let ext = ScriptSource::External {
            url: Url::parse("https://x.test/static/js/main.1.js?v=2").unwrap(),
        };
        assert_eq!(ext.label(), "main.1.js");
    }
}
