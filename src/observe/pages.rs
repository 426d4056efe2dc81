//! The frontend as the browser receives it: each page fetched once, its subresources listed
//! (with the W3C Mixed Content class of each), its own scripts fetched, and the URLs they embed
//! found. Several checks read it (mixed content, the API the bundle calls, the WebSocket URL,
//! discovery). I/O takes the HTTP client and the pages as arguments; nothing here judges.

use super::bundle::{self, Discovery, Located, ScriptSource};
use crate::net::http::{Exchange, HttpClient, HttpRequest, NetError};
use futures::future::join_all;
use std::time::{Duration, Instant};
use url::Url;

/// Cap on one script conncheck reads; a production bundle is far smaller.
pub const BUNDLE_CAP: usize = 20 * 1024 * 1024;
/// Scripts read per page (a Next.js page loads a dozen chunks; the API URL is in one of them).
const MAX_SCRIPTS: usize = 24;

/// How a browser treats an insecure subresource (W3C Mixed Content §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocking {
    /// Scripts, styles, frames, plugins: blocked outright.
    Blockable,
    /// Images, audio, video: Chrome upgrades them to https:// (and they fail if that fails).
    Upgraded,
    /// A form that submits to http://: Chrome warns before sending.
    Form,
}

/// The request context of a subresource (Fetch's destination, as Chrome names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestContext {
    Script,
    Stylesheet,
    Font,
    Image,
    /// A `<link rel=preload>` of another kind.
    Resource,
    Frame,
    Plugin,
    FormAction,
    Video,
    Audio,
}

/// One subresource the page loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The element and attribute, e.g. `script src`.
    pub tag: String,
    pub context: RequestContext,
    pub blocking: Blocking,
    pub url: Url,
}

/// What the HTML says about its subresources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub resources: Vec<Resource>,
    /// `upgrade-insecure-requests` found in a `<meta http-equiv>` CSP.
    pub meta_upgrade: bool,
    /// Inline `<script>` bodies (runtime config such as `window.env = {API_URL: …}`), with
    /// their byte offset in the HTML.
    pub inline_scripts: Vec<(usize, String)>,
}

/// Where a page's `upgrade-insecure-requests` directive came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeSource {
    /// The `Content-Security-Policy` response header.
    Header,
    /// A `<meta http-equiv="Content-Security-Policy">` tag.
    Meta,
}

/// One frontend page as fetched and scanned.
#[derive(Debug, Clone)]
pub struct PageScan {
    pub requested: Url,
    pub page: Result<Exchange, NetError>,
    pub parsed: Parsed,
    /// Where `upgrade-insecure-requests` came from, when present.
    pub upgrade: Option<UpgradeSource>,
    /// The app's own scripts and what fetching each gave.
    pub scripts: Vec<(Url, Result<Exchange, NetError>)>,
    /// Every absolute URL in the inline scripts and the fetched scripts, in order.
    pub found: Vec<Located>,
    pub duration: Duration,
}

impl PageScan {
    /// The URL the page ended up at (after redirects).
    pub fn final_url(&self) -> &Url {
        self.page
            .as_ref()
            .map(|e| &e.url)
            .unwrap_or(&self.requested)
    }

    pub fn is_https(&self) -> bool {
        self.final_url().scheme() == "https"
    }

    /// Whether the page itself loaded (a 2xx answer).
    pub fn loaded(&self) -> bool {
        self.page.as_ref().is_ok_and(|e| e.status.is_success())
    }

    /// The script texts that were read: the inline scripts, then each script that loaded.
    pub fn script_bytes(&self) -> impl Iterator<Item = &[u8]> {
        let inline = self.parsed.inline_scripts.iter().map(|(_, t)| t.as_bytes());
        let files = self
            .scripts
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .filter(|e| e.status.is_success())
            .map(|e| &e.body[..]);
        inline.chain(files)
    }

    /// Whether `needle` occurs in any script, ignoring ASCII case (a bare host name).
    pub fn mentions(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        !n.is_empty()
            && self
                .script_bytes()
                .any(|b| b.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n)))
    }

    /// The WebSocket endpoints the scripts name (see [`bundle::websockets`]).
    pub fn websockets(&self) -> Vec<&Located> {
        bundle::websockets(&self.found)
    }

    /// What the page's scripts say about the API (the inline config first, then each script
    /// in the order the page loads them). Reads every script once: call it once per page.
    pub fn discovery(&self) -> Discovery {
        bundle::discover::discover_scripts(&self.script_bytes().collect::<Vec<_>>())
    }
}

impl PageScan {
    /// The app's own chunks its scripts reference but the page does not load (lazy routes,
    /// often the login page), resolved: `./x.js` against the script, `/x.js` and `assets/x.js`
    /// (build-base relative) against the page's origin. Not fetched here: the caller decides.
    pub fn chunk_urls(&self) -> Vec<Url> {
        let page = self.final_url();
        let mut out: Vec<Url> = Vec::new();
        for (script, r) in &self.scripts {
            let Some(ex) = r.as_ref().ok().filter(|e| e.status.is_success()) else {
                continue;
            };
            for c in bundle::chunk_refs(&ex.body) {
                let url = if c.starts_with("./") || c.starts_with("../") {
                    script.join(&c)
                } else {
                    page.join(&format!("/{}", c.trim_start_matches('/')))
                };
                let Ok(url) = url else { continue };
                let loaded = self.scripts.iter().any(|(u, _)| *u == url);
                if !loaded && !out.contains(&url) && own_script(page, &url) {
                    out.push(url);
                }
            }
        }
        out
    }
}

/// Chunks fetched per page for discovery (the login page is usually one of the first).
const MAX_CHUNKS: usize = 16;

/// What the pages' scripts and the lazy chunks they reference say, merged (each page's own
/// scripts first, then its chunks). Fetches the chunks (concurrently, at most [`MAX_CHUNKS`]
/// per page, each capped at [`BUNDLE_CAP`]); a chunk that does not load is left out.
pub async fn discover_with_chunks(http: &HttpClient, scans: &[PageScan]) -> Discovery {
    let per_page = scans.iter().map(|s| async move {
        let mut urls = s.chunk_urls();
        urls.truncate(MAX_CHUNKS);
        let fetches = urls.into_iter().map(|u| async move {
            let req = HttpRequest::get(u).follow().max_body(BUNDLE_CAP);
            http.send(req)
                .await
                .ok()
                .filter(|e| e.status.is_success() && !e.is_html())
        });
        let chunks: Vec<_> = join_all(fetches).await.into_iter().flatten().collect();
        // One reading of the page's scripts and its chunks: a helper one defines, another calls.
        let mut scripts: Vec<&[u8]> = s.script_bytes().collect();
        scripts.extend(chunks.iter().map(|e| &e.body[..]));
        bundle::discover::discover_scripts(&scripts)
    });
    bundle::discover::merge(join_all(per_page).await)
}

/// What all the pages' scripts say, merged (the first page's findings first).
pub fn discover_pages(scans: &[PageScan]) -> Discovery {
    bundle::discover::merge(scans.iter().map(PageScan::discovery))
}

/// Fetch and scan each page (concurrently).
pub async fn scan_pages(http: &HttpClient, pages: &[Url]) -> Vec<PageScan> {
    join_all(pages.iter().map(|u| scan_page(http, u.clone()))).await
}

async fn scan_page(http: &HttpClient, url: Url) -> PageScan {
    let start = Instant::now();
    let req = HttpRequest::get(url.clone())
        .follow()
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    let page = http.send(req).await;
    let mut parsed = Parsed::default();
    let mut upgrade = None;
    let mut scripts = Vec::new();
    if let Ok(ex) = &page {
        if ex.status.is_success() {
            parsed = parse_html(&ex.body_text(), &ex.url);
            upgrade = upgrade_source(ex, &parsed);
            let fetches = own_scripts(&ex.url, &parsed)
                .into_iter()
                .map(|u| async move {
                    let req = HttpRequest::get(u.clone()).follow().max_body(BUNDLE_CAP);
                    (u, http.send(req).await)
                });
            scripts = join_all(fetches).await;
        }
    }
    let final_url = page.as_ref().map(|e| e.url.clone()).unwrap_or(url.clone());
    let found = find_in_scripts(&final_url, &parsed.inline_scripts, &scripts);
    PageScan {
        requested: url,
        page,
        parsed,
        upgrade,
        scripts,
        found,
        duration: start.elapsed(),
    }
}

fn upgrade_source(ex: &Exchange, parsed: &Parsed) -> Option<UpgradeSource> {
    if ex
        .header_all("content-security-policy")
        .iter()
        .any(|c| csp_upgrades(c))
    {
        Some(UpgradeSource::Header)
    } else if parsed.meta_upgrade {
        Some(UpgradeSource::Meta)
    } else {
        None
    }
}

/// The app's own scripts a page loads, first occurrence of each, at most [`MAX_SCRIPTS`].
fn own_scripts(page: &Url, parsed: &Parsed) -> Vec<Url> {
    let mut urls: Vec<Url> = Vec::new();
    for r in &parsed.resources {
        if r.context == RequestContext::Script && own_script(page, &r.url) && !urls.contains(&r.url)
        {
            urls.push(r.url.clone());
        }
    }
    urls.truncate(MAX_SCRIPTS);
    urls
}

/// Every URL in a page's inline scripts (offsets in the HTML) and in each script that loaded.
fn find_in_scripts(
    page: &Url,
    inline: &[(usize, String)],
    scripts: &[(Url, Result<Exchange, NetError>)],
) -> Vec<Located> {
    let mut sources: Vec<(ScriptSource, usize, &[u8])> = inline
        .iter()
        .map(|(at, text)| {
            let source = ScriptSource::Inline { page: page.clone() };
            (source, *at, text.as_bytes())
        })
        .collect();
    for (u, r) in scripts {
        if let Ok(ex) = r {
            if ex.status.is_success() {
                sources.push((ScriptSource::External { url: u.clone() }, 0, &ex.body[..]));
            }
        }
    }
    let mut found = Vec::new();
    for (source, base, bytes) in sources {
        found.extend(bundle::find_urls(bytes).into_iter().map(|mut f| {
            f.offset += base;
            Located {
                source: source.clone(),
                found: f,
            }
        }));
    }
    found
}

/// Whether a script is the app's own: same origin, or an https:// host under the page's
/// domain (a `cdn.` or `static.` subdomain). Third-party scripts are not the app's bundle.
pub fn own_script(page: &Url, script: &Url) -> bool {
    if page.origin() == script.origin() {
        return true;
    }
    let (Some(p), Some(s)) = (page.host_str(), script.host_str()) else {
        return false;
    };
    let site = p.strip_prefix("www.").unwrap_or(p);
    script.scheme() == "https" && site.contains('.') && s.ends_with(&format!(".{site}"))
}

/// Whether a CSP value carries the `upgrade-insecure-requests` directive.
pub fn csp_upgrades(csp: &str) -> bool {
    csp.split([';', ','])
        .any(|d| d.trim().eq_ignore_ascii_case("upgrade-insecure-requests"))
}

/// Elements whose one attribute names a subresource: selector, attribute, tag as shown,
/// request context, blocking class. In document-independent order (the report lists them so).
const ELEMENTS: [(&str, &str, &str, RequestContext, Blocking); 5] = [
    (
        "iframe[src]",
        "src",
        "iframe src",
        RequestContext::Frame,
        Blocking::Blockable,
    ),
    (
        "object[data]",
        "data",
        "object data",
        RequestContext::Plugin,
        Blocking::Blockable,
    ),
    (
        "embed[src]",
        "src",
        "embed src",
        RequestContext::Plugin,
        Blocking::Blockable,
    ),
    (
        "form[action]",
        "action",
        "form action",
        RequestContext::FormAction,
        Blocking::Form,
    ),
    (
        "img[src]",
        "src",
        "img src",
        RequestContext::Image,
        Blocking::Upgraded,
    ),
];

fn selector(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).expect("constant selector")
}

/// Parse an HTML document and list its subresources, resolved against the page URL (or its
/// `<base href>`).
pub fn parse_html(html: &str, page: &Url) -> Parsed {
    let doc = scraper::Html::parse_document(html);
    let base = doc
        .select(&selector("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h).ok())
        .unwrap_or_else(|| page.clone());
    Parsed {
        resources: resources(&doc, &base),
        meta_upgrade: meta_upgrade(&doc),
        inline_scripts: inline_scripts(&doc, html),
    }
}

fn resources(doc: &scraper::Html, base: &Url) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut add = |tag: &str, context, blocking, raw: Option<&str>| {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return;
        };
        if raw.starts_with("data:") || raw.starts_with("blob:") || raw.starts_with("javascript:") {
            return;
        }
        if let Ok(url) = base.join(raw) {
            let tag = tag.to_string();
            out.push(Resource {
                tag,
                context,
                blocking,
                url,
            });
        }
    };
    for e in doc.select(&selector("script[src]")) {
        let src = e.value().attr("src");
        add(
            "script src",
            RequestContext::Script,
            Blocking::Blockable,
            src,
        );
    }
    for e in doc.select(&selector("link[href][rel]")) {
        if let Some((tag, context, blocking)) = link_kind(e.value()) {
            add(tag, context, blocking, e.value().attr("href"));
        }
    }
    for (sel, attr, tag, context, blocking) in ELEMENTS {
        for e in doc.select(&selector(sel)) {
            add(tag, context, blocking, e.value().attr(attr));
        }
    }
    for (media, context) in [
        ("video", RequestContext::Video),
        ("audio", RequestContext::Audio),
    ] {
        for (sel, tag) in [
            (format!("{media}[src]"), format!("{media} src")),
            (
                format!("{media} source[src]"),
                format!("{media} source src"),
            ),
        ] {
            for e in doc.select(&selector(&sel)) {
                add(&tag, context, Blocking::Upgraded, e.value().attr("src"));
            }
        }
    }
    out
}

/// What a `<link>` loads, by its `rel` (and `as` for a preload); `None` for icons and the like.
fn link_kind(e: &scraper::node::Element) -> Option<(&'static str, RequestContext, Blocking)> {
    let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
    let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
    if rels.contains(&"stylesheet") {
        return Some((
            "link rel=stylesheet",
            RequestContext::Stylesheet,
            Blocking::Blockable,
        ));
    }
    if rels.contains(&"modulepreload") {
        return Some((
            "link rel=modulepreload",
            RequestContext::Script,
            Blocking::Blockable,
        ));
    }
    if !rels.contains(&"preload") {
        return None;
    }
    let context = match e.attr("as").unwrap_or("") {
        "script" => RequestContext::Script,
        "style" => RequestContext::Stylesheet,
        "font" => RequestContext::Font,
        "image" => RequestContext::Image,
        _ => RequestContext::Resource,
    };
    let blocking = if context == RequestContext::Image {
        Blocking::Upgraded
    } else {
        Blocking::Blockable
    };
    Some(("link rel=preload", context, blocking))
}

/// Inline `<script>` bodies with their byte offset in the HTML.
fn inline_scripts(doc: &scraper::Html, html: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    for e in doc.select(&selector("script:not([src])")) {
        let text: String = e.text().collect();
        if text.trim().is_empty() {
            continue;
        }
        let at = html[from..].find(&text).map(|i| from + i);
        if let Some(i) = at {
            from = i + text.len();
        }
        out.push((at.unwrap_or(0), text));
    }
    out
}

fn meta_upgrade(doc: &scraper::Html) -> bool {
    doc.select(&selector("meta[http-equiv][content]")).any(|e| {
        let eq = e.value().attr("http-equiv").unwrap_or("");
        eq.eq_ignore_ascii_case("content-security-policy")
            && csp_upgrades(e.value().attr("content").unwrap_or(""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://tiktrue.test/").unwrap()
    }

    #[test]
    fn parses_each_kind_of_subresource_with_its_blocking_class() {
        let html = r#"<!doctype html><html><head>
            <script src="/static/js/main.js"></script>
            <script src="http://cdn.test/a.js"></script>
            <link rel="stylesheet" href="http://cdn.test/a.css">
            <link rel="modulepreload" href="/assets/vendor.js">
            <link rel="preload" as="image" href="http://img.test/hero.png">
            <link rel="icon" href="/favicon.ico">
            <meta http-equiv="Content-Security-Policy" content="default-src 'self'; upgrade-insecure-requests">
            </head><body>
            <img src="http://img.test/x.png"><img src="data:image/png;base64,AAAA">
            <video><source src="http://media.test/v.mp4"></video>
            <iframe src="http://frame.test/"></iframe>
            <form action="http://forms.test/submit"></form>
            <object data="http://plugin.test/x.swf"></object>
            </body></html>"#;
        let p = parse_html(html, &page());
        let got: Vec<(&str, &str, Blocking)> = p
            .resources
            .iter()
            .map(|r| (r.tag.as_str(), r.url.as_str(), r.blocking))
            .collect();
        use Blocking::*;
        assert_eq!(
            got,
            [
                (
                    "script src",
                    "https://tiktrue.test/static/js/main.js",
                    Blockable
                ),
                ("script src", "http://cdn.test/a.js", Blockable),
                ("link rel=stylesheet", "http://cdn.test/a.css", Blockable),
                (
                    "link rel=modulepreload",
                    "https://tiktrue.test/assets/vendor.js",
                    Blockable
                ),
                ("link rel=preload", "http://img.test/hero.png", Upgraded),
                ("iframe src", "http://frame.test/", Blockable),
                ("object data", "http://plugin.test/x.swf", Blockable),
                ("form action", "http://forms.test/submit", Form),
                ("img src", "http://img.test/x.png", Upgraded),
                ("video source src", "http://media.test/v.mp4", Upgraded),
            ]
        );
        assert!(p.meta_upgrade);
    }

    #[test]
    fn own_scripts_are_same_origin_or_https_on_the_sites_subdomains() {
        let p = Url::parse("https://www.tiktrue.test/").unwrap();
        for (script, own) in [
            ("https://www.tiktrue.test/static/js/main.js", true),
            ("https://cdn.tiktrue.test/static/js/main.js", true),
            ("http://cdn.tiktrue.test/static/js/main.js", false),
            ("https://www.googletagmanager.test/gtag/js", false),
            ("https://eviltiktrue.test/x.js", false),
        ] {
            assert_eq!(
                own_script(&p, &Url::parse(script).unwrap()),
                own,
                "{script}"
            );
        }
    }

    #[test]
    fn inline_scripts_are_kept_with_their_offset_in_the_html() {
        let html = r#"<html><head><script>window.env={API_URL:"http://localhost:8000/api"}</script><script src="/a.js"></script></head></html>"#;
        let p = parse_html(html, &page());
        assert_eq!(p.inline_scripts.len(), 1);
        let (at, text) = &p.inline_scripts[0];
        assert_eq!(&html[*at..*at + text.len()], text.as_str());
        assert!(text.contains("localhost:8000"));
    }

    #[test]
    fn base_href_resolves_relative_urls() {
        let p = parse_html(
            r#"<html><head><base href="http://old.test/app/"><script src="main.js"></script></head></html>"#,
            &page(),
        );
        assert_eq!(p.resources[0].url.as_str(), "http://old.test/app/main.js");
    }

    #[test]
    fn csp_upgrade_directive_is_recognised_only_as_a_directive() {
        for (csp, want) in [
            ("upgrade-insecure-requests", true),
            ("default-src 'self'; Upgrade-Insecure-Requests ", true),
            ("default-src 'self', upgrade-insecure-requests", true),
            ("default-src 'self'", false),
            ("report-uri /upgrade-insecure-requests-report", false),
        ] {
            assert_eq!(csp_upgrades(csp), want, "{csp}");
        }
    }

    #[test]
    fn lazy_chunks_resolve_against_the_script_or_the_origin_and_skip_loaded_ones() {
        let page = Url::parse("https://shop.test/").unwrap();
        let entry = Url::parse("https://shop.test/assets/index-1a.js").unwrap();
        let body = r#"m.f=["assets/Login-5b.js","assets/index-1a.js"];import("./Cart-9c.js");x("https://cdn.other.test/assets/x.js")"#;
        let ex = Exchange {
            method: http::Method::GET,
            url: entry.clone(),
            status: http::StatusCode::OK,
            headers: Default::default(),
            version: http::Version::HTTP_11,
            body: body.as_bytes().to_vec().into(),
            truncated: false,
            elapsed: Default::default(),
            hops: Vec::new(),
        };
        let scan = PageScan {
            requested: page.clone(),
            page: Err(NetError::Other("not fetched".into())),
            parsed: Parsed::default(),
            upgrade: None,
            scripts: vec![(entry, Ok(ex))],
            found: Vec::new(),
            duration: Default::default(),
        };
        let got: Vec<String> = scan.chunk_urls().iter().map(Url::to_string).collect();
        assert_eq!(
            got,
            [
                "https://shop.test/assets/Login-5b.js",
                "https://shop.test/assets/Cart-9c.js"
            ]
        );
    }

    /// A plain-HTTP server on loopback answering each path with the given body.
    async fn serve(files: Vec<(&'static str, &'static str, &'static str)>) -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let files = files.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let n = sock.read(&mut buf).await.unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let (status, ct, body) = match files.iter().find(|(p, _, _)| *p == path) {
                        Some((_, ct, body)) => ("200 OK", *ct, *body),
                        None => ("404 Not Found", "text/plain", "not found"),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: {ct}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(body.as_bytes()).await;
                });
            }
        });
        addr
    }

    #[tokio::test]
    async fn discovery_reads_the_lazy_login_chunk_the_entry_references() {
        let js = "application/javascript";
        let addr = serve(vec![
            ("/", "text/html", r#"<html><head><script type="module" src="/assets/index-1a.js"></script></head></html>"#),
            ("/assets/index-1a.js", js, r#"const u=x.create({baseURL:"/api"});const r=[{path:"/login",component:()=>import("./Login-5b.js")},{path:"/gone",component:()=>import("./Gone-0c.js")}];u.get("/me/");"#),
            ("/assets/Login-5b.js", js, r#"export const l=(e,t)=>u.post("/token/",{email:e,password:t}).then(n=>n.data.access);"#),
        ])
        .await;
        let dns = crate::net::dns::DnsClient::with_servers(vec![addr], Duration::from_secs(5));
        let trust = crate::net::tls::TrustStore::new(&[]).unwrap();
        let http =
            HttpClient::new(std::sync::Arc::new(dns), &trust, Duration::from_secs(10)).unwrap();
        let page = Url::parse(&format!("http://{addr}/")).unwrap();
        let scans = scan_pages(&http, &[page]).await;
        // The page alone knows the entry's calls, not the login in the lazy chunk.
        let own = discover_pages(&scans);
        assert_eq!(own.api_bases, ["/api"]);
        assert!(own.login.is_none());
        let d = discover_with_chunks(&http, &scans).await;
        let login = d.login.expect("the login from the chunk");
        assert_eq!(login.call.path, "/token/");
        assert_eq!(login.body.unwrap().fields, ["email", "password"]);
        assert_eq!(login.token_path, Some(vec!["access".to_string()]));
        let paths: Vec<&str> = d.calls.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/me/", "/token/"]);
    }
}
