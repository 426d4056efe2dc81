//! The frontend rows' words: titles, the evidence each row shows, the fix for each
//! [`FrontendFault`]. The only prose of the module; Chrome's own lines are in
//! [`crate::browser::frontend`].

use super::judge::{insecure_resources, BuildTool, FrontendFault, Judgement, Problem, Verdict};
use crate::browser::frontend as chrome;
use crate::net::http::Exchange;
use crate::observe::bundle::{file_name, Located};
use crate::observe::pages::{PageScan, UpgradeSource, BUNDLE_CAP};
use url::Url;

/// Why every row is skipped when there is no page to read.
pub const NO_PAGE: &str = "no frontend page to check: the origin cannot be inferred from the API host name (it does not start with api.); give --origin https://your-frontend or --frontend URL";

/// The rows' titles when there is no page.
pub const NO_PAGE_TITLES: [&str; 3] =
    ["frontend page", "frontend mixed content", "frontend bundle"];

const INFERRED: &str =
    "origin inferred from the API host name (give --origin or --frontend to choose); ";

const NOT_LOADED: &str = "the page did not load (see frontend.page)";

/// What the words of one page's rows are made from.
pub struct Wording<'a> {
    pub scan: &'a PageScan,
    /// The API base being diagnosed, without its trailing slash.
    pub api: String,
    pub build: BuildTool,
    /// The origins were inferred from the API host rather than given.
    pub inferred: bool,
    /// The target, to name the request the browser blocks (the login call on an insecure API
    /// base, not the base itself).
    pub target: &'a crate::target::Target,
}

pub fn page_title(s: &PageScan) -> String {
    format!("{} loads", s.requested)
}

pub fn mixed_title(s: &PageScan) -> String {
    format!("{} loads no insecure subresource", s.final_url())
}

pub fn bundle_title(w: &Wording) -> String {
    format!("the bundle of {} calls {}", w.scan.final_url(), w.api)
}

/// The build variable that sets the API base.
pub fn build_var(b: BuildTool) -> &'static str {
    match b {
        BuildTool::Next => "NEXT_PUBLIC_API_BASE_URL",
        BuildTool::Vite => "VITE_API_BASE_URL",
        BuildTool::CreateReactApp => "REACT_APP_API_BASE_URL",
    }
}

/// The note that the origin was inferred, to put before a page row's evidence.
pub fn inferred_note(inferred: bool) -> &'static str {
    if inferred {
        INFERRED
    } else {
        ""
    }
}

/// `frontend.page`'s evidence: the request, its redirects and the answer.
pub fn page_detail(w: &Wording, ex: &Exchange, fault: Option<&FrontendFault>) -> String {
    let s = w.scan;
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
    let inferred = inferred_note(w.inferred);
    let detail = format!("{inferred}GET {}{via}: {}", s.requested, ex.summary());
    match fault {
        Some(FrontendFault::PageTooLarge { .. }) => format!(
            "{detail}; the page is larger than the {} MB conncheck reads",
            ex.body.len() / (1024 * 1024)
        ),
        _ => detail,
    }
}

/// `frontend.mixed-content`'s evidence.
pub fn mixed_detail(s: &PageScan, verdict: &Verdict) -> String {
    let insecure = insecure_resources(s);
    let listed = insecure
        .iter()
        .map(|r| format!("<{}> {}", r.tag, r.url))
        .collect::<Vec<_>>()
        .join("; ");
    let n = insecure.len();
    match verdict {
        Verdict::NotApplicable => format!(
            "{} is plain http://: mixed-content rules apply to HTTPS pages (the https module reports the missing redirect)",
            s.final_url()
        ),
        Verdict::Pass => format!(
            "{} subresource(s) (scripts, styles, frames, images, media, forms), all over HTTPS",
            s.parsed.resources.len()
        ),
        Verdict::Fault(FrontendFault::MixedContentUpgradedByPolicy { source, .. }) => format!(
            "{n} insecure subresource(s), upgraded by upgrade-insecure-requests in {}: {listed}",
            upgrade_source(*source)
        ),
        Verdict::Fault(FrontendFault::MixedContentAutoUpgraded { .. }) => format!(
            "{n} insecure image/media subresource(s), auto-upgraded by the browser: {listed}"
        ),
        Verdict::Fault(FrontendFault::PageNotLoaded { .. }) => NOT_LOADED.to_string(),
        _ => format!("{n} insecure subresource(s) on an HTTPS page: {listed}"),
    }
}

fn upgrade_source(s: UpgradeSource) -> &'static str {
    match s {
        UpgradeSource::Header => "the Content-Security-Policy header",
        UpgradeSource::Meta => "a <meta http-equiv=\"Content-Security-Policy\"> tag",
    }
}

/// `frontend.bundle`'s evidence when its scripts did not all load (or there were none).
pub fn scripts_detail(s: &PageScan, fault: &FrontendFault) -> String {
    let exchange = |url: &Url| {
        s.scripts
            .iter()
            .find(|(u, _)| u == url)
            .and_then(|(_, r)| r.as_ref().ok())
            .map(Exchange::summary)
            .unwrap_or_default()
    };
    match fault {
        FrontendFault::PageNotLoaded { .. } => NOT_LOADED.to_string(),
        FrontendFault::NoOwnScript { resources } => format!(
            "the page loads no same-origin script (of {resources} subresources): nothing to scan; give the SPA's page with --frontend"
        ),
        FrontendFault::ScriptMissing { url, .. } => format!("GET {url}: {}", exchange(url)),
        FrontendFault::ScriptIsHtml { url } => {
            format!("GET {url}: {} (an HTML page, not JavaScript)", exchange(url))
        }
        _ => String::new(),
    }
}

fn listed(l: &[&Located]) -> String {
    l.iter()
        .map(|l| format!("{} ({})", l.found.text, l.at()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `frontend.bundle`'s evidence once its scripts loaded: what was scanned and what was found.
pub fn bundle_detail(s: &PageScan, j: &Judgement) -> String {
    let sizes: Vec<String> = s
        .scripts
        .iter()
        .filter_map(|(u, r)| r.as_ref().ok().map(|e| (u, e)))
        .map(|(u, e)| {
            let first = if e.truncated { "first " } else { "" };
            format!("{} ({first}{} bytes)", file_name(u), e.body.len())
        })
        .collect();
    let mut detail = vec![format!("scanned {}", sizes.join(", "))];
    if let Some(a) = j.api.first() {
        detail.push(format!("API: {} ({})", a.found.text, a.at()));
    }
    if !j.websockets.is_empty() {
        let w: Vec<&Located> = j.websockets.iter().collect();
        detail.push(format!("WebSocket: {}", listed(&w)));
    }
    let others: Vec<&Located> = j
        .others
        .iter()
        .filter(|o| !j.problems.iter().any(|(_, p)| p.found.text == o.found.text))
        .take(8)
        .collect();
    if !others.is_empty() {
        detail.push(format!("other URLs: {}", listed(&others)));
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
    detail.join("; ")
}

/// The fix for a fault.
pub fn hint(w: &Wording, fault: &FrontendFault) -> Option<String> {
    use FrontendFault::*;
    match fault {
        PageRedirectsToHttp { .. }
        | PageNotFound { .. }
        | PageServerError { .. }
        | PageStatus { .. }
        | PageNotHtml { .. }
        | PageTooLarge { .. } => Some(page_hint(fault)),
        MixedContentBlocked { .. }
        | MixedFormAction { .. }
        | MixedContentAutoUpgraded { .. }
        | MixedContentUpgradedByPolicy { .. } => Some(mixed_hint(fault)),
        InsecureApi { at } | LocalAddress { at } | OtherApiHost { at } => {
            Some(api_url_hint(w, fault, at))
        }
        InsecureWebSocket { at } => Some(format!(
            "the bundle opens {} (ws://) from an HTTPS page, which the browser refuses: build it with wss:// (e.g. the WS/LIVE base URL variable), and have the proxy pass Upgrade on 443",
            at.found.text
        )),
        PageNotLoaded { .. } | NoOwnScript { .. } => None,
        ScriptMissing { .. } | ScriptIsHtml { .. } | BundleTruncated { .. } | ApiNotInBundle { .. } => {
            Some(scripts_hint(w, fault))
        }
    }
}

fn page_hint(fault: &FrontendFault) -> String {
    match fault {
        FrontendFault::PageRedirectsToHttp { to, .. } => format!(
            "the HTTPS page redirects to plain http ({to}): the app then runs without TLS (tokens in clear text, Secure cookies dropped); remove that redirect at the proxy or host, and make plain http redirect to https instead"
        ),
        FrontendFault::PageNotFound { .. } => "the frontend host has no page here: deploy the build's index.html at this path, or give the page's real URL with --frontend".into(),
        FrontendFault::PageServerError { .. } => "the frontend server or the platform in front of it failed: check that the static app is deployed and running".into(),
        FrontendFault::PageStatus { page, status } => format!(
            "a browser opening {page} gets HTTP {status}, not the app: make the frontend serve index.html there"
        ),
        FrontendFault::PageNotHtml { .. } => "the page is not HTML: point --frontend at the URL that serves the app's index.html".into(),
        _ => "an SPA's index.html is a few kilobytes: this URL streams far more (a misrouted download or an endless response); the browser would keep loading and never start the app".into(),
    }
}

fn mixed_hint(fault: &FrontendFault) -> String {
    match fault {
        FrontendFault::MixedContentUpgradedByPolicy { resource, .. } => format!(
            "upgrade-insecure-requests makes the browser fetch these as https:// instead of blocking them; they load only if each host serves the same path over HTTPS (check https://{}). Write https:// in the HTML so it does not depend on the policy",
            resource.url.host_str().unwrap_or("")
        ),
        FrontendFault::MixedContentBlocked { resource } | FrontendFault::MixedFormAction { resource } => {
            let what = if matches!(fault, FrontendFault::MixedFormAction { .. }) {
                "the form posts to http://: Chrome warns and the data travels in clear text"
            } else {
                "the browser blocks it and the app breaks"
            };
            format!(
                "{what}: change <{}> {} to https:// (or a same-origin path) in the HTML template/public/index.html; adding `Content-Security-Policy: upgrade-insecure-requests` is a stopgap",
                resource.tag, resource.url
            )
        }
        FrontendFault::MixedContentAutoUpgraded { resource } => format!(
            "Chrome rewrites {} to https:// and shows nothing if that fails: reference it as https:// (its host must serve HTTPS)",
            resource.url
        ),
        _ => String::new(),
    }
}

fn api_url_hint(w: &Wording, fault: &FrontendFault, at: &Located) -> String {
    let (api, url) = (&w.api, &at.found.text);
    // A runtime config in index.html is fixed where it is written, not by a rebuild.
    let inline = at.source.is_inline();
    let fix = if inline {
        format!("set it to {api} in the runtime config index.html injects (the value the server or the container's entrypoint writes into the page)")
    } else {
        format!(
            "set {}={api} in the production build environment (.env.production or the platform's build variables) and rebuild; the variable is read at build time, so changing it on the server is not enough",
            build_var(w.build)
        )
    };
    let origin_of = if inline { "index.html" } else { "the bundle" };
    match fault {
        FrontendFault::InsecureApi { .. } => format!(
            "{origin_of} calls the API at {url} (http://): the browser blocks every API call from the HTTPS page. {}",
            capitalise(&fix)
        ),
        FrontendFault::LocalAddress { .. } => format!(
            "a development setting was deployed: {origin_of} calls {url}, which is the visitor's own machine (or a private network). {}",
            capitalise(&fix)
        ),
        _ => format!(
            "{origin_of} calls {url}, not the API being diagnosed ({api}): {fix}; or diagnose the API it really uses ({})",
            at.found.url.host_str().unwrap_or("")
        ),
    }
}

fn scripts_hint(w: &Wording, fault: &FrontendFault) -> String {
    let var = build_var(w.build);
    let api = &w.api;
    match fault {
        FrontendFault::ScriptMissing { url, status } => format!(
            "index.html references {} but the server answers HTTP {status}: an index.html from another build is cached (CDN, service worker) or the static files were not deployed; purge the cache and deploy index.html with its assets",
            file_name(url)
        ),
        FrontendFault::ScriptIsHtml { url } => format!(
            "{} is not deployed, and the SPA fallback (nginx try_files … /index.html, a platform's rewrite to index.html) answers for it with HTML: deploy the whole build folder together with its index.html, and purge any CDN/service-worker cache holding an index.html from an older build",
            file_name(url)
        ),
        FrontendFault::BundleTruncated { files } => format!(
            "{} is larger than {} MB, so only its start was scanned: a bundle this size slows every first visit; split it (dynamic import()) and check the rest by hand",
            files.iter().map(file_name).collect::<Vec<_>>().join(", "),
            BUNDLE_CAP / (1024 * 1024)
        ),
        _ => format!(
            "{api} does not occur in the scripts: the app may use a relative path behind a proxy rewrite or load its config at runtime; if not, it was built without {var} (set it to {api} and rebuild)"
        ),
    }
}

/// What Chrome's console shows for a fault, when it shows something.
pub fn browser_error(w: &Wording, fault: &FrontendFault) -> Option<String> {
    let s = w.scan;
    let page = s.final_url();
    let blocked = |text: &str| crate::checks::cors::calls::blocked_request(text, w.target);
    match fault {
        FrontendFault::MixedContentBlocked { resource }
        | FrontendFault::MixedFormAction { resource }
        | FrontendFault::MixedContentAutoUpgraded { resource } => {
            Some(chrome::mixed_content_message(page, resource))
        }
        FrontendFault::ScriptMissing { url, status } => Some(chrome::script_aborted(url, *status)),
        FrontendFault::ScriptIsHtml { .. } => Some(chrome::HTML_AS_SCRIPT.to_string()),
        FrontendFault::InsecureApi { at } => {
            Some(chrome::mixed_xhr_message(page, &blocked(&at.found.text)))
        }
        FrontendFault::InsecureWebSocket { at } => {
            Some(chrome::mixed_ws_message(page, &at.found.text))
        }
        FrontendFault::LocalAddress { at } => Some(local_address_error(s, at, &blocked)),
        _ => None,
    }
}

/// A development address fails as the visitor's browser meets it: nothing listens on their own
/// machine; a private http:// address from an HTTPS page is mixed content; otherwise the private
/// network is not routed.
fn local_address_error(s: &PageScan, at: &Located, blocked: &dyn Fn(&str) -> String) -> String {
    let u = &at.found.url;
    let loopback = matches!(
        u.host_str(),
        Some("localhost") | Some("127.0.0.1") | Some("[::1]")
    );
    if loopback {
        chrome::CONNECTION_REFUSED.to_string()
    } else if u.scheme() == "http" && s.is_https() {
        chrome::mixed_xhr_message(s.final_url(), &blocked(&at.found.text))
    } else {
        chrome::CONNECTION_TIMED_OUT.to_string()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
