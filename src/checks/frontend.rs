//! Section 7, the frontend as the browser receives it: the page loads, it pulls no insecure
//! subresource (W3C Mixed Content, blockable vs optionally-blockable), and the JavaScript
//! bundle calls the API it should (the base URL baked in at build time by
//! REACT_APP_/VITE_/NEXT_PUBLIC_ variables).
//!
//! The page and bundle are fetched once per run and shared with the WebSocket module through
//! [`Context::frontend_scan`], which discovers the WebSocket URL in the same bundle.

pub mod scan;

use crate::context::Context;
use crate::model::{Finding, Module};
use crate::net::http::{Exchange, HttpRequest, NetError};
use crate::runner::{ModuleSpec, Sink};
use futures::future::join_all;
use futures::FutureExt;
use scan::{Judgement, Located, Problem};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Frontend,
    about: "the SPA page loads, pulls no insecure subresource, and its bundle calls the right API over HTTPS",
    rows: &["frontend.page", "frontend.mixed-content", "frontend.bundle"],
    run: |ctx, sink| run(ctx, sink).boxed(),
};

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

/// One subresource the page loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The element and attribute, e.g. `script src`.
    pub tag: String,
    /// The request context name Chrome prints in its console message ("script", "image").
    pub context: &'static str,
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

/// One frontend page as fetched and scanned.
#[derive(Debug, Clone)]
pub struct PageScan {
    pub requested: Url,
    pub page: Result<Exchange, NetError>,
    pub parsed: Parsed,
    /// Where `upgrade-insecure-requests` came from, when present.
    pub upgrade: Option<&'static str>,
    /// Same-origin scripts and what fetching each gave.
    pub scripts: Vec<(Url, Result<Exchange, NetError>)>,
    pub judgement: Judgement,
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
}

/// Parse an HTML document and list its subresources, resolved against the page URL (or its
/// `<base href>`).
pub fn parse_html(html: &str, page: &Url) -> Parsed {
    use scraper::{Html, Selector};
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).expect("constant selector");
    let base = doc
        .select(&sel("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h).ok())
        .unwrap_or_else(|| page.clone());
    let mut out = Parsed::default();
    let mut add = |tag: &str, context: &'static str, blocking: Blocking, raw: Option<&str>| {
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return;
        };
        if raw.starts_with("data:") || raw.starts_with("blob:") || raw.starts_with("javascript:") {
            return;
        }
        if let Ok(url) = base.join(raw) {
            out.resources.push(Resource {
                tag: tag.to_string(),
                context,
                blocking,
                url,
            });
        }
    };
    for e in doc.select(&sel("script[src]")) {
        add(
            "script src",
            "script",
            Blocking::Blockable,
            e.value().attr("src"),
        );
    }
    for e in doc.select(&sel("link[href][rel]")) {
        let rel = e.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
        let href = e.value().attr("href");
        if rels.contains(&"stylesheet") {
            add(
                "link rel=stylesheet",
                "stylesheet",
                Blocking::Blockable,
                href,
            );
        } else if rels.contains(&"modulepreload") {
            add(
                "link rel=modulepreload",
                "script",
                Blocking::Blockable,
                href,
            );
        } else if rels.contains(&"preload") {
            let context = match e.value().attr("as").unwrap_or("") {
                "script" => "script",
                "style" => "stylesheet",
                "font" => "font",
                "image" => "image",
                _ => "resource",
            };
            let blocking = if context == "image" {
                Blocking::Upgraded
            } else {
                Blocking::Blockable
            };
            add("link rel=preload", context, blocking, href);
        }
    }
    for e in doc.select(&sel("iframe[src]")) {
        add(
            "iframe src",
            "frame",
            Blocking::Blockable,
            e.value().attr("src"),
        );
    }
    for e in doc.select(&sel("object[data]")) {
        add(
            "object data",
            "plugin resource",
            Blocking::Blockable,
            e.value().attr("data"),
        );
    }
    for e in doc.select(&sel("embed[src]")) {
        add(
            "embed src",
            "plugin resource",
            Blocking::Blockable,
            e.value().attr("src"),
        );
    }
    for e in doc.select(&sel("form[action]")) {
        add(
            "form action",
            "form action",
            Blocking::Form,
            e.value().attr("action"),
        );
    }
    for e in doc.select(&sel("img[src]")) {
        add(
            "img src",
            "image",
            Blocking::Upgraded,
            e.value().attr("src"),
        );
    }
    for (s, ctx) in [("video", "video"), ("audio", "audio")] {
        for e in doc.select(&sel(&format!("{s}[src]"))) {
            add(
                &format!("{s} src"),
                ctx,
                Blocking::Upgraded,
                e.value().attr("src"),
            );
        }
        for e in doc.select(&sel(&format!("{s} source[src]"))) {
            add(
                &format!("{s} source src"),
                ctx,
                Blocking::Upgraded,
                e.value().attr("src"),
            );
        }
    }
    let mut from = 0;
    for e in doc.select(&sel("script:not([src])")) {
        let text: String = e.text().collect();
        if text.trim().is_empty() {
            continue;
        }
        let at = html[from..].find(&text).map(|i| from + i);
        if let Some(i) = at {
            from = i + text.len();
        }
        out.inline_scripts.push((at.unwrap_or(0), text));
    }
    for e in doc.select(&sel("meta[http-equiv][content]")) {
        let eq = e.value().attr("http-equiv").unwrap_or("");
        if eq.eq_ignore_ascii_case("content-security-policy")
            && csp_upgrades(e.value().attr("content").unwrap_or(""))
        {
            out.meta_upgrade = true;
        }
    }
    out
}

/// Whether a CSP value carries the `upgrade-insecure-requests` directive.
pub fn csp_upgrades(csp: &str) -> bool {
    csp.split([';', ','])
        .any(|d| d.trim().eq_ignore_ascii_case("upgrade-insecure-requests"))
}

/// Chrome's console message for a blocked or upgraded insecure subresource.
/// Templates: Blink's third_party/blink/renderer/core/loader/mixed_content_checker.cc
/// (`logToConsole`, the form-action and auto-upgrade messages).
pub fn mixed_content_message(page: &Url, r: &Resource) -> String {
    match r.blocking {
        Blocking::Blockable => format!(
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure {} '{}'. This request has been blocked; the content must be served over HTTPS.",
            r.context, r.url
        ),
        Blocking::Upgraded => format!(
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure element '{}'. This request was automatically upgraded to HTTPS, For more information see https://blog.chromium.org/2019/10/no-more-mixed-messages-about-https.html",
            r.url
        ),
        Blocking::Form => format!(
            "Mixed Content: The page at '{page}' was loaded over a secure connection, but contains a form that targets an insecure endpoint '{}'. This endpoint should be made available over a secure connection.",
            r.url
        ),
    }
}

/// Chrome's message for an XHR/fetch to http:// from an HTTPS page (same source file).
pub fn mixed_xhr_message(page: &Url, url: &str) -> String {
    format!(
        "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint '{url}'. This request has been blocked; the content must be served over HTTPS."
    )
}

/// Chrome's message for `new WebSocket("ws://…")` on an HTTPS page (mixed_content_checker.cc).
pub fn mixed_ws_message(page: &Url, url: &str) -> String {
    format!(
        "Mixed Content: The page at '{page}' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '{url}'. This request has been blocked; this endpoint must be available over WSS."
    )
}

/// Fetch and scan every frontend page once per run; both this module and the WebSocket
/// module read the result.
pub async fn scans(ctx: &Context) -> Arc<Vec<PageScan>> {
    ctx.frontend_scan
        .get_or_init(|| async {
            let pages = ctx
                .target
                .frontend
                .iter()
                .map(|u| scan_page(ctx, u.clone()));
            Arc::new(join_all(pages).await)
        })
        .await
        .clone()
}

async fn scan_page(ctx: &Context, url: Url) -> PageScan {
    let start = Instant::now();
    let req = HttpRequest::get(url.clone())
        .follow()
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    let page = ctx.http.send(req).await;
    let mut parsed = Parsed::default();
    let mut upgrade = None;
    let mut scripts = Vec::new();
    if let Ok(ex) = &page {
        if ex.status.is_success() {
            parsed = parse_html(&ex.body_text(), &ex.url);
            if ex
                .header_all("content-security-policy")
                .iter()
                .any(|c| csp_upgrades(c))
            {
                upgrade = Some("the Content-Security-Policy header");
            } else if parsed.meta_upgrade {
                upgrade = Some("a <meta http-equiv=\"Content-Security-Policy\"> tag");
            }
            let mut urls: Vec<Url> = Vec::new();
            for r in &parsed.resources {
                if r.context == "script" && own_script(&ex.url, &r.url) && !urls.contains(&r.url) {
                    urls.push(r.url.clone());
                }
            }
            urls.truncate(MAX_SCRIPTS);
            let fetches = urls.into_iter().map(|u| async move {
                let req = HttpRequest::get(u.clone()).follow().max_body(BUNDLE_CAP);
                (u, ctx.http.send(req).await)
            });
            scripts = join_all(fetches).await;
        }
    }
    let final_url = page.as_ref().map(|e| e.url.clone()).unwrap_or(url.clone());
    let judgement = judge_scripts(ctx, &final_url, &parsed.inline_scripts, &scripts);
    PageScan {
        requested: url,
        page,
        parsed,
        upgrade,
        scripts,
        judgement,
        duration: start.elapsed(),
    }
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

fn file_name(u: &Url) -> String {
    u.path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .unwrap_or(u.path())
        .to_string()
}

fn judge_scripts(
    ctx: &Context,
    page: &Url,
    inline: &[(usize, String)],
    scripts: &[(Url, Result<Exchange, NetError>)],
) -> Judgement {
    let api = &ctx.target.api_base;
    let host = ctx.target.api_host();
    let page_name = match file_name(page).as_str() {
        "/" | "" => "index.html".to_string(),
        n => n.to_string(),
    };
    let mut sources: Vec<(String, usize, &[u8])> = inline
        .iter()
        .map(|(at, text)| (format!("{page_name} (inline script)"), *at, text.as_bytes()))
        .collect();
    for (u, r) in scripts {
        if let Ok(ex) = r {
            if ex.status.is_success() {
                sources.push((file_name(u), 0, &ex.body[..]));
            }
        }
    }
    let mut found = Vec::new();
    for (file, base, bytes) in &sources {
        found.extend(scan::find_urls(bytes).into_iter().map(|mut f| {
            f.offset += base;
            Located {
                file: file.clone(),
                found: f,
            }
        }));
    }
    // Only when no URL names the API host: does the host occur bare (`//api.x`, a host
    // setting)? Skipped otherwise, since it means a second pass over megabytes.
    let api_url_found = found
        .iter()
        .any(|l| l.found.url.host_str() == api.host_str());
    let mentioned = api_url_found
        || (!host.is_empty()
            && sources.iter().any(|(_, _, b)| {
                b.windows(host.len())
                    .any(|w| w.eq_ignore_ascii_case(host.as_bytes()))
            }));
    scan::judge(&found, api, page.scheme() == "https", mentioned)
}

/// A script URL answered with an HTML page (the SPA's catch-all serving index.html).
fn looks_like_html(ex: &Exchange) -> bool {
    let ct = ex.content_type().to_ascii_lowercase();
    let head = String::from_utf8_lossy(&ex.body[..ex.body.len().min(256)]).to_ascii_lowercase();
    let head = head.trim_start();
    ct.contains("text/html") || head.starts_with("<!doctype html") || head.starts_with("<html")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The build variable that sets the API base, guessed from the page's shape.
fn env_var(scan: &PageScan) -> &'static str {
    let scripts: Vec<&str> = scan.scripts.iter().map(|(u, _)| u.path()).collect();
    if scripts.iter().any(|p| p.starts_with("/_next/")) {
        "NEXT_PUBLIC_API_BASE_URL"
    } else if scripts.iter().any(|p| p.starts_with("/assets/")) {
        "VITE_API_BASE_URL"
    } else {
        "REACT_APP_API_BASE_URL"
    }
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let scans = scans(&ctx).await;
    if scans.is_empty() {
        let why = "no frontend page to check: the origin cannot be inferred from the API host name (it does not start with api.); give --origin https://your-frontend or --frontend URL";
        for (id, title) in [
            ("page", "frontend page"),
            ("mixed-content", "frontend mixed content"),
            ("bundle", "frontend bundle"),
        ] {
            sink.push(Finding::new(Module::Frontend, id, title).skip().detail(why));
        }
        return;
    }
    for (i, s) in scans.iter().enumerate() {
        sink.push(page_row(&ctx, s).seq(i));
        sink.push(mixed_row(s).seq(i));
        sink.push(bundle_row(&ctx, s).seq(i));
    }
}

fn page_row(ctx: &Context, s: &PageScan) -> Finding {
    let f = Finding::new(Module::Frontend, "page", format!("{} loads", s.requested))
        .duration(s.duration);
    let inferred = if ctx.target.origins_inferred {
        "origin inferred from the API host name (give --origin or --frontend to choose); "
    } else {
        ""
    };
    let ex = match &s.page {
        Ok(ex) => ex,
        Err(e) => {
            let f = ctx.net_failure(f, e);
            let detail = format!("{inferred}{}", f.detail);
            return f.detail(detail);
        }
    };
    let hops: Vec<String> = ex
        .hops
        .iter()
        .map(|h| format!("{} → {} {}", h.url, h.status, h.location))
        .collect();
    let via = if hops.is_empty() {
        String::new()
    } else {
        format!(" after redirects ({})", hops.join("; "))
    };
    let detail = format!("{inferred}GET {}{via}: {}", s.requested, ex.summary());
    let code = ex.status.as_u16();
    if s.requested.scheme() == "https" && ex.url.scheme() == "http" {
        return f.fail().detail(detail).hint(format!(
            "the HTTPS page redirects to plain http ({}): the app then runs without TLS (tokens in clear text, Secure cookies dropped); remove that redirect at the proxy or host, and make plain http redirect to https instead",
            ex.url
        ));
    }
    if code == 404 {
        return f.fail().detail(detail).hint(
            "the frontend host has no page here: deploy the build's index.html at this path, or give the page's real URL with --frontend",
        );
    }
    if code >= 500 {
        return f.fail().detail(detail).hint(
            "the frontend server or the platform in front of it failed: check that the static app is deployed and running",
        );
    }
    if !ex.status.is_success() {
        return f.fail().detail(detail).hint(format!(
            "a browser opening {} gets HTTP {code}, not the app: make the frontend serve index.html there",
            s.requested
        ));
    }
    if !ex.is_html() {
        return f.warn().detail(detail).hint(
            "the page is not HTML: point --frontend at the URL that serves the app's index.html",
        );
    }
    if ex.truncated {
        return f
            .fail()
            .detail(format!(
                "{detail}; the page is larger than the {} MB conncheck reads",
                ex.body.len() / (1024 * 1024)
            ))
            .hint("an SPA's index.html is a few kilobytes: this URL streams far more (a misrouted download or an endless response); the browser would keep loading and never start the app");
    }
    f.pass().detail(detail)
}

fn mixed_row(s: &PageScan) -> Finding {
    let page = s.final_url();
    let f = Finding::new(
        Module::Frontend,
        "mixed-content",
        format!("{page} loads no insecure subresource"),
    );
    match &s.page {
        Ok(ex) if ex.status.is_success() => {}
        _ => return f.skip().detail("the page did not load (see frontend.page)"),
    }
    if !s.is_https() {
        return f.skip().detail(format!(
            "{page} is plain http://: mixed-content rules apply to HTTPS pages (the https module reports the missing redirect)"
        ));
    }
    let total = s.parsed.resources.len();
    let insecure: Vec<&Resource> = s
        .parsed
        .resources
        .iter()
        .filter(|r| r.url.scheme() == "http")
        .collect();
    if insecure.is_empty() {
        return f.pass().detail(format!(
            "{total} subresource(s) (scripts, styles, frames, images, media, forms), all over HTTPS"
        ));
    }
    let list: Vec<String> = insecure
        .iter()
        .map(|r| format!("<{}> {}", r.tag, r.url))
        .collect();
    let listed = list.join("; ");
    if let Some(src) = s.upgrade {
        return f
            .warn()
            .detail(format!(
                "{} insecure subresource(s), upgraded by upgrade-insecure-requests in {src}: {listed}",
                insecure.len()
            ))
            .hint(format!(
                "upgrade-insecure-requests makes the browser fetch these as https:// instead of blocking them; they load only if each host serves the same path over HTTPS (check https://{}). Write https:// in the HTML so it does not depend on the policy",
                insecure[0].url.host_str().unwrap_or("")
            ));
    }
    let first_hard = insecure
        .iter()
        .find(|r| r.blocking == Blocking::Blockable)
        .or_else(|| insecure.iter().find(|r| r.blocking == Blocking::Form));
    if let Some(r) = first_hard {
        let what = if r.blocking == Blocking::Form {
            "the form posts to http://: Chrome warns and the data travels in clear text"
        } else {
            "the browser blocks it and the app breaks"
        };
        return f
            .fail()
            .detail(format!("{} insecure subresource(s) on an HTTPS page: {listed}", insecure.len()))
            .hint(format!(
                "{what}: change <{}> {} to https:// (or a same-origin path) in the HTML template/public/index.html; adding `Content-Security-Policy: upgrade-insecure-requests` is a stopgap",
                r.tag, r.url
            ))
            .browser_error(mixed_content_message(page, r));
    }
    let r = insecure[0];
    f.warn()
        .detail(format!(
            "{} insecure image/media subresource(s), auto-upgraded by the browser: {listed}",
            insecure.len()
        ))
        .hint(format!(
            "Chrome rewrites {} to https:// and shows nothing if that fails: reference it as https:// (its host must serve HTTPS)",
            r.url
        ))
        .browser_error(mixed_content_message(page, r))
}

fn bundle_row(ctx: &Context, s: &PageScan) -> Finding {
    let page = s.final_url();
    let api = ctx
        .target
        .api_base
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let f = Finding::new(
        Module::Frontend,
        "bundle",
        format!("the bundle of {page} calls {api}"),
    );
    match &s.page {
        Ok(ex) if ex.status.is_success() => {}
        _ => return f.skip().detail("the page did not load (see frontend.page)"),
    }
    if s.scripts.is_empty() {
        return f.skip().detail(format!(
            "the page loads no same-origin script (of {} subresources): nothing to scan; give the SPA's page with --frontend",
            s.parsed.resources.len()
        ));
    }
    let var = env_var(s);
    // A script the page references but cannot load breaks the app before any API call.
    for (u, r) in &s.scripts {
        match r {
            Err(e) => return ctx.net_failure(f, e),
            Ok(ex) if !ex.status.is_success() => {
                return f
                    .fail()
                    .detail(format!("GET {u}: {}", ex.summary()))
                    .hint(format!(
                        "index.html references {} but the server answers HTTP {}: an index.html from another build is cached (CDN, service worker) or the static files were not deployed; purge the cache and deploy index.html with its assets",
                        file_name(u),
                        ex.status.as_u16()
                    ))
                    .browser_error(format!(
                        "GET {u} net::ERR_ABORTED {}",
                        ex.status.as_u16()
                    ));
            }
            Ok(ex) if looks_like_html(ex) => {
                return f
                    .fail()
                    .detail(format!("GET {u}: {} (an HTML page, not JavaScript)", ex.summary()))
                    .hint(format!(
                        "{} is not deployed, and the SPA fallback (nginx try_files … /index.html, a platform's rewrite to index.html) answers for it with HTML: deploy the whole build folder together with its index.html, and purge any CDN/service-worker cache holding an index.html from an older build",
                        file_name(u)
                    ))
                    .browser_error("Uncaught SyntaxError: Unexpected token '<'");
            }
            Ok(_) => {}
        }
    }
    let j = &s.judgement;
    let sizes: Vec<String> = s
        .scripts
        .iter()
        .filter_map(|(u, r)| r.as_ref().ok().map(|e| (u, e)))
        .map(|(u, e)| {
            format!(
                "{} ({}{} bytes)",
                file_name(u),
                if e.truncated { "first " } else { "" },
                e.body.len()
            )
        })
        .collect();
    let mut detail = vec![format!("scanned {}", sizes.join(", "))];
    if let Some(a) = j.api.first() {
        detail.push(format!("API: {} ({})", a.found.text, a.at()));
    }
    if !j.websockets.is_empty() {
        let w: Vec<String> = j
            .websockets
            .iter()
            .map(|l| format!("{} ({})", l.found.text, l.at()))
            .collect();
        detail.push(format!("WebSocket: {}", w.join(", ")));
    }
    let others: Vec<&Located> = j
        .others
        .iter()
        .filter(|o| !j.problems.iter().any(|(_, p)| p.found.text == o.found.text))
        .collect();
    if !others.is_empty() {
        let o: Vec<String> = others
            .iter()
            .take(8)
            .map(|l| format!("{} ({})", l.found.text, l.at()))
            .collect();
        detail.push(format!("other URLs: {}", o.join(", ")));
    }
    for (p, l) in &j.problems {
        let what = match p {
            Problem::InsecureApi => "insecure API URL",
            Problem::InsecureWebSocket => "insecure WebSocket URL",
            Problem::LocalAddress => "development address",
            Problem::OtherHost => "API on another host",
        };
        detail.push(format!("{what}: {} ({})", l.found.text, l.at()));
    }
    let detail = detail.join("; ");
    let f = f.duration(s.duration);
    if let Some((p, l)) = j.problems.first() {
        let url = &l.found.text;
        let f = f.fail().detail(detail);
        // A runtime config in index.html is fixed where it is written, not by a rebuild.
        let inline = l.file.ends_with("(inline script)");
        let fix = if inline {
            format!("set it to {api} in the runtime config index.html injects (the value the server or the container's entrypoint writes into the page)")
        } else {
            format!("set {var}={api} in the production build environment (.env.production or the platform's build variables) and rebuild; the variable is read at build time, so changing it on the server is not enough")
        };
        let origin_of = if inline { "index.html" } else { "the bundle" };
        return match p {
            Problem::InsecureApi => f
                .hint(format!(
                    "{origin_of} calls the API at {url} (http://): the browser blocks every API call from the HTTPS page. {}",
                    capitalise(&fix)
                ))
                .browser_error(mixed_xhr_message(page, &crate::checks::cors::calls::blocked_request(url, &ctx.target))),
            Problem::LocalAddress => {
                let loopback = matches!(l.found.url.host_str(), Some("localhost") | Some("127.0.0.1") | Some("[::1]"));
                let f = f.hint(format!(
                    "a development setting was deployed: {origin_of} calls {url}, which is the visitor's own machine (or a private network). {}",
                    capitalise(&fix)
                ));
                if loopback {
                    f.browser_error("net::ERR_CONNECTION_REFUSED")
                } else if l.found.url.scheme() == "http" && s.is_https() {
                    f.browser_error(mixed_xhr_message(page, &crate::checks::cors::calls::blocked_request(url, &ctx.target)))
                } else {
                    f.browser_error("net::ERR_CONNECTION_TIMED_OUT")
                }
            }
            Problem::OtherHost => f.hint(format!(
                "{origin_of} calls {url}, not the API being diagnosed ({api}): {fix}; or diagnose the API it really uses ({})",
                l.found.url.host_str().unwrap_or("")
            )),
            Problem::InsecureWebSocket => f
                .hint(format!(
                    "the bundle opens {url} (ws://) from an HTTPS page, which the browser refuses: build it with wss:// (e.g. the WS/LIVE base URL variable), and have the proxy pass Upgrade on 443"
                ))
                .browser_error(mixed_ws_message(page, url)),
        };
    }
    let truncated: Vec<String> = s
        .scripts
        .iter()
        .filter(|(_, r)| r.as_ref().is_ok_and(|e| e.truncated))
        .map(|(u, _)| file_name(u))
        .collect();
    if !truncated.is_empty() {
        return f
            .warn()
            .detail(detail)
            .hint(format!(
                "{} is larger than {} MB, so only its start was scanned: a bundle this size slows every first visit; split it (dynamic import()) and check the rest by hand",
                truncated.join(", "),
                BUNDLE_CAP / (1024 * 1024)
            ));
    }
    if j.api.is_empty() && !j.api_host_mentioned {
        return f.warn().detail(detail).hint(format!(
            "{api} does not occur in the scripts: the app may use a relative path behind a proxy rewrite or load its config at runtime; if not, it was built without {var} (set it to {api} and rebuild)"
        ));
    }
    f.pass().detail(detail)
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
    fn chrome_messages_follow_blinks_templates() {
        let r = Resource {
            tag: "script src".into(),
            context: "script",
            blocking: Blocking::Blockable,
            url: Url::parse("http://cdn.test/a.js").unwrap(),
        };
        assert_eq!(
            mixed_content_message(&page(), &r),
            "Mixed Content: The page at 'https://tiktrue.test/' was loaded over HTTPS, but requested an insecure script 'http://cdn.test/a.js'. This request has been blocked; the content must be served over HTTPS."
        );
        let img = Resource {
            blocking: Blocking::Upgraded,
            context: "image",
            ..r
        };
        assert!(mixed_content_message(&page(), &img)
            .contains("requested an insecure element 'http://cdn.test/a.js'. This request was automatically upgraded to HTTPS"));
        assert!(mixed_ws_message(&page(), "ws://x.test/live")
            .ends_with("'ws://x.test/live'. This request has been blocked; this endpoint must be available over WSS."));
    }
}
