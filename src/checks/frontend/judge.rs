//! Pure decisions of the frontend check: a fetched page, its subresources and the URLs its
//! scripts embed → a verdict with a typed [`FrontendFault`]. No I/O, no words.

use crate::engine::{FaultKind, Row, Status};
use crate::net::http::{Exchange, NetError};
use crate::observe::bundle::{is_local, is_noise, Located};
use crate::observe::pages::{Blocking, PageScan, Resource, UpgradeSource};
use url::Url;

/// What is wrong on a frontend row, carrying what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontendFault {
    /// The HTTPS page redirects to plain http://.
    PageRedirectsToHttp { page: Url, to: Url },
    /// HTTP 404 for the page.
    PageNotFound { page: Url },
    /// HTTP 5xx for the page.
    PageServerError { page: Url, status: u16 },
    /// Another non-2xx answer for the page.
    PageStatus { page: Url, status: u16 },
    /// The page is not HTML.
    PageNotHtml { page: Url },
    /// The page is larger than conncheck reads (an endless or misrouted response).
    PageTooLarge { page: Url },
    /// A row about the page's contents, not checked: the page did not load (`frontend.page`
    /// owns the cause).
    PageNotLoaded { page: Url },
    /// An insecure script, style, frame or plugin on an HTTPS page: blocked.
    MixedContentBlocked { resource: Resource },
    /// A form on an HTTPS page posts to http://.
    MixedFormAction { resource: Resource },
    /// Insecure images or media only: the browser upgrades them.
    MixedContentAutoUpgraded { resource: Resource },
    /// Insecure subresources the page's `upgrade-insecure-requests` upgrades.
    MixedContentUpgradedByPolicy {
        resource: Resource,
        source: UpgradeSource,
    },
    /// The page loads no script of its own: no bundle to scan.
    NoOwnScript { resources: usize },
    /// A script the page references answers an HTTP error.
    ScriptMissing { url: Url, status: u16 },
    /// A script URL answered with an HTML page (the SPA fallback serving index.html).
    ScriptIsHtml { url: Url },
    /// The scripts call the API over http:// from an HTTPS page.
    InsecureApi { at: Located },
    /// The scripts open a ws:// socket from an HTTPS page.
    InsecureWebSocket { at: Located },
    /// The scripts call localhost or a private address (a development build).
    LocalAddress { at: Located },
    /// The scripts call an API on another host, never the one diagnosed.
    OtherApiHost { at: Located },
    /// Scripts larger than the scan cap: only their start was read.
    BundleTruncated { files: Vec<Url> },
    /// The diagnosed API occurs nowhere in the scripts.
    ApiNotInBundle { build: BuildTool },
}

impl FaultKind for FrontendFault {
    fn key(&self) -> &'static str {
        use FrontendFault::*;
        match self {
            PageRedirectsToHttp { .. } => "frontend.page-redirects-to-http",
            PageNotFound { .. } => "frontend.page-not-found",
            PageServerError { .. } => "frontend.page-server-error",
            PageStatus { .. } => "frontend.page-status",
            PageNotHtml { .. } => "frontend.page-not-html",
            PageTooLarge { .. } => "frontend.page-too-large",
            PageNotLoaded { .. } => "frontend.page-not-loaded",
            MixedContentBlocked { .. } => "frontend.mixed-content-blocked",
            MixedFormAction { .. } => "frontend.mixed-form-action",
            MixedContentAutoUpgraded { .. } => "frontend.mixed-content-auto-upgraded",
            MixedContentUpgradedByPolicy { .. } => "frontend.mixed-content-upgraded-by-policy",
            NoOwnScript { .. } => "frontend.no-own-script",
            ScriptMissing { .. } => "frontend.script-missing",
            ScriptIsHtml { .. } => "frontend.script-is-html",
            InsecureApi { .. } => "frontend.insecure-api-url",
            InsecureWebSocket { .. } => "frontend.insecure-websocket-url",
            LocalAddress { .. } => "frontend.local-address",
            OtherApiHost { .. } => "frontend.other-api-host",
            BundleTruncated { .. } => "frontend.bundle-truncated",
            ApiNotInBundle { .. } => "frontend.api-not-in-bundle",
        }
    }

    /// The page, resource or URL at fault: the same wrong URL built into the bundle both
    /// origins serve is one cause.
    fn scope(&self) -> String {
        use FrontendFault::*;
        match self {
            PageRedirectsToHttp { page, .. }
            | PageNotFound { page }
            | PageServerError { page, .. }
            | PageStatus { page, .. }
            | PageNotHtml { page }
            | PageTooLarge { page }
            | PageNotLoaded { page } => page.to_string(),
            MixedContentBlocked { resource }
            | MixedFormAction { resource }
            | MixedContentAutoUpgraded { resource }
            | MixedContentUpgradedByPolicy { resource, .. } => resource.url.to_string(),
            ScriptMissing { url, .. } | ScriptIsHtml { url } => url.to_string(),
            InsecureApi { at }
            | InsecureWebSocket { at }
            | LocalAddress { at }
            | OtherApiHost { at } => at.found.text.clone(),
            NoOwnScript { .. } | BundleTruncated { .. } | ApiNotInBundle { .. } => String::new(),
        }
    }

    fn depends_on(&self) -> Option<Row> {
        matches!(self, FrontendFault::PageNotLoaded { .. }).then_some(Row::FrontendPage)
    }
}

impl FrontendFault {
    /// The row's status when it carries this fault.
    pub fn status(&self) -> Status {
        use FrontendFault::*;
        match self {
            PageNotLoaded { .. } | NoOwnScript { .. } => Status::Skip,
            PageNotHtml { .. }
            | MixedContentAutoUpgraded { .. }
            | MixedContentUpgradedByPolicy { .. }
            | BundleTruncated { .. }
            | ApiNotInBundle { .. } => Status::Warn,
            _ => Status::Fail,
        }
    }
}

/// The build tool a page's scripts come from, which names the variable that sets the API base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildTool {
    /// `/_next/` chunks: `NEXT_PUBLIC_…`.
    Next,
    /// `/assets/` chunks: `VITE_…`.
    Vite,
    /// Anything else (`/static/js/`): Create React App's `REACT_APP_…`.
    CreateReactApp,
}

/// Guess the build tool from the page's script paths.
pub fn build_tool(scan: &PageScan) -> BuildTool {
    let paths = || scan.scripts.iter().map(|(u, _)| u.path());
    if paths().any(|p| p.starts_with("/_next/")) {
        BuildTool::Next
    } else if paths().any(|p| p.starts_with("/assets/")) {
        BuildTool::Vite
    } else {
        BuildTool::CreateReactApp
    }
}

/// A row's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The row does not apply here (no fault: nothing is wrong).
    NotApplicable,
    Fault(FrontendFault),
    /// A network step failed; the engine words it and finds the row that owns it.
    Net(NetError),
}

/// `frontend.page`: the page answered, as the app.
pub fn judge_page(requested: &Url, page: &Result<Exchange, NetError>) -> Verdict {
    let ex = match page {
        Ok(ex) => ex,
        Err(e) => return Verdict::Net(e.clone()),
    };
    let p = requested.clone();
    let code = ex.status.as_u16();
    let fault = if requested.scheme() == "https" && ex.url.scheme() == "http" {
        FrontendFault::PageRedirectsToHttp {
            page: p,
            to: ex.url.clone(),
        }
    } else if code == 404 {
        FrontendFault::PageNotFound { page: p }
    } else if code >= 500 {
        FrontendFault::PageServerError {
            page: p,
            status: code,
        }
    } else if !ex.status.is_success() {
        FrontendFault::PageStatus {
            page: p,
            status: code,
        }
    } else if !ex.is_html() {
        FrontendFault::PageNotHtml { page: p }
    } else if ex.truncated {
        FrontendFault::PageTooLarge { page: p }
    } else {
        return Verdict::Pass;
    };
    Verdict::Fault(fault)
}

/// The insecure (http://) subresources of a page.
pub fn insecure_resources(s: &PageScan) -> Vec<&Resource> {
    s.parsed
        .resources
        .iter()
        .filter(|r| r.url.scheme() == "http")
        .collect()
}

/// `frontend.mixed-content`: what the browser does with the page's insecure subresources.
pub fn judge_mixed(s: &PageScan) -> Verdict {
    if !s.loaded() {
        let page = s.final_url().clone();
        return Verdict::Fault(FrontendFault::PageNotLoaded { page });
    }
    if !s.is_https() {
        return Verdict::NotApplicable;
    }
    let insecure = insecure_resources(s);
    let Some(first) = insecure.first() else {
        return Verdict::Pass;
    };
    if let Some(source) = s.upgrade {
        let resource = (*first).clone();
        return Verdict::Fault(FrontendFault::MixedContentUpgradedByPolicy { resource, source });
    }
    let blocked = insecure.iter().find(|r| r.blocking == Blocking::Blockable);
    let form = insecure.iter().find(|r| r.blocking == Blocking::Form);
    Verdict::Fault(match (blocked, form) {
        (Some(r), _) => FrontendFault::MixedContentBlocked {
            resource: (*r).clone(),
        },
        (None, Some(r)) => FrontendFault::MixedFormAction {
            resource: (*r).clone(),
        },
        (None, None) => FrontendFault::MixedContentAutoUpgraded {
            resource: (*first).clone(),
        },
    })
}

/// `frontend.bundle`, before the URLs: the page and its scripts loaded as JavaScript.
pub fn judge_scripts_loaded(s: &PageScan) -> Option<Verdict> {
    if !s.loaded() {
        let page = s.final_url().clone();
        return Some(Verdict::Fault(FrontendFault::PageNotLoaded { page }));
    }
    if s.scripts.is_empty() {
        let resources = s.parsed.resources.len();
        return Some(Verdict::Fault(FrontendFault::NoOwnScript { resources }));
    }
    // A script the page references but cannot load breaks the app before any API call.
    for (u, r) in &s.scripts {
        let url = u.clone();
        match r {
            Err(e) => return Some(Verdict::Net(e.clone())),
            Ok(ex) if !ex.status.is_success() => {
                let status = ex.status.as_u16();
                return Some(Verdict::Fault(FrontendFault::ScriptMissing { url, status }));
            }
            Ok(ex) if looks_like_html(ex) => {
                return Some(Verdict::Fault(FrontendFault::ScriptIsHtml { url }));
            }
            Ok(_) => {}
        }
    }
    None
}

/// A script URL answered with an HTML page (the SPA's catch-all serving index.html).
pub fn looks_like_html(ex: &Exchange) -> bool {
    let ct = ex.content_type().to_ascii_lowercase();
    let head = String::from_utf8_lossy(&ex.body[..ex.body.len().min(256)]).to_ascii_lowercase();
    let head = head.trim_start();
    ct.contains("text/html") || head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// `frontend.bundle`: the URLs the scripts embed, against the API being diagnosed. `None` when
/// the scripts did not all load (see [`judge_scripts_loaded`]).
pub fn judge_bundle(s: &PageScan, api: &Url) -> (Verdict, Judgement) {
    let found_api = s.found.iter().any(|l| same_host(&l.found.url, api));
    // Only when no URL names the API host: does the host occur bare (`//api.x`, a host
    // setting)? Skipped otherwise, since it means a second pass over megabytes.
    let mentioned = found_api || s.mentions(api.host_str().unwrap_or(""));
    let j = judge_urls(&s.found, api, s.is_https(), mentioned);
    let verdict = if let Some((p, at)) = j.problems.first() {
        Verdict::Fault(p.fault(at.clone()))
    } else if s
        .scripts
        .iter()
        .any(|(_, r)| r.as_ref().is_ok_and(|e| e.truncated))
    {
        let files = s
            .scripts
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|e| e.truncated))
            .map(|(u, _)| u.clone())
            .collect();
        Verdict::Fault(FrontendFault::BundleTruncated { files })
    } else if j.api.is_empty() && !j.api_host_mentioned {
        Verdict::Fault(FrontendFault::ApiNotInBundle {
            build: build_tool(s),
        })
    } else {
        Verdict::Pass
    };
    (verdict, j)
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

impl Problem {
    fn fault(self, at: Located) -> FrontendFault {
        match self {
            Problem::InsecureApi => FrontendFault::InsecureApi { at },
            Problem::InsecureWebSocket => FrontendFault::InsecureWebSocket { at },
            Problem::LocalAddress => FrontendFault::LocalAddress { at },
            Problem::OtherHost => FrontendFault::OtherApiHost { at },
        }
    }
}

fn same_host(u: &Url, api: &Url) -> bool {
    u.host_str()
        .zip(api.host_str())
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Judge the URLs found in a page's scripts against the API base being diagnosed.
/// `host_mentioned` says whether the API host appears anywhere in the scripts' bytes.
pub fn judge_urls(
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
    use crate::observe::bundle::{find_urls, ScriptSource};

    fn api() -> Url {
        Url::parse("https://api.tiktrue.com/api/v1/").unwrap()
    }

    fn located(file: &str, bytes: &[u8]) -> Vec<Located> {
        find_urls(bytes)
            .into_iter()
            .map(|found| Located {
                source: ScriptSource::External {
                    url: Url::parse(&format!("https://x.test/{file}")).unwrap(),
                },
                found,
            })
            .collect()
    }

    fn judge_fixture(name: &str, api: &Url) -> Judgement {
        let path = format!("{}/fixtures/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let host = api.host_str().unwrap().as_bytes();
        let mentioned = bytes.windows(host.len()).any(|w| w == host);
        judge_urls(&located(name, &bytes), api, true, mentioned)
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
        assert!(judge_urls(&urls, &api(), true, true).has(Problem::InsecureWebSocket));
        assert!(!judge_urls(&urls, &api(), false, true).has(Problem::InsecureWebSocket));
    }

    #[test]
    fn another_api_host_is_not_blamed_when_the_diagnosed_api_is_also_called() {
        let urls = located(
            "a.js",
            br#"a="https://api.tiktrue.com/api/v1",b="https://api.stripe.test/v1""#,
        );
        let j = judge_urls(&urls, &api(), true, true);
        assert!(j.problems.is_empty(), "{:?}", j.problems);
        assert_eq!(j.others.len(), 1);
    }

    fn exchange(url: &str, status: u16, ct: &str, body: &str) -> Exchange {
        let mut headers = http::HeaderMap::new();
        if !ct.is_empty() {
            headers.insert("content-type", ct.parse().unwrap());
        }
        Exchange {
            method: http::Method::GET,
            url: Url::parse(url).unwrap(),
            status: http::StatusCode::from_u16(status).unwrap(),
            headers,
            version: http::Version::HTTP_11,
            body: body.to_string().into(),
            truncated: false,
            elapsed: Default::default(),
            hops: Vec::new(),
        }
    }

    const PAGE: &str = "https://tiktrue.test/";

    /// A page that loaded with `html`, and its scripts as fetched.
    fn scan(html: &str, scripts: Vec<(Url, Result<Exchange, NetError>)>) -> PageScan {
        let page = Url::parse(PAGE).unwrap();
        let parsed = crate::observe::pages::parse_html(html, &page);
        let mut found = Vec::new();
        for (u, r) in &scripts {
            if let Ok(ex) = r {
                found.extend(find_urls(&ex.body).into_iter().map(|f| Located {
                    source: ScriptSource::External { url: u.clone() },
                    found: f,
                }));
            }
        }
        PageScan {
            requested: page.clone(),
            page: Ok(exchange(PAGE, 200, "text/html", html)),
            parsed,
            upgrade: None,
            scripts,
            found,
            duration: Default::default(),
        }
    }

    fn fault(v: Verdict) -> FrontendFault {
        match v {
            Verdict::Fault(f) => f,
            v => panic!("no fault: {v:?}"),
        }
    }

    #[test]
    fn page_answers_map_to_their_faults() {
        let p = Url::parse(PAGE).unwrap();
        let judge = |ex: Exchange| judge_page(&p, &Ok(ex));
        assert_eq!(
            judge(exchange(PAGE, 200, "text/html", "<html>")),
            Verdict::Pass
        );
        let cases = [
            (
                exchange(PAGE, 404, "text/html", ""),
                "frontend.page-not-found",
            ),
            (
                exchange(PAGE, 503, "text/html", ""),
                "frontend.page-server-error",
            ),
            (exchange(PAGE, 403, "text/html", ""), "frontend.page-status"),
            (
                exchange(PAGE, 200, "application/json", "{}"),
                "frontend.page-not-html",
            ),
            (
                exchange("http://tiktrue.test/", 200, "text/html", ""),
                "frontend.page-redirects-to-http",
            ),
        ];
        for (ex, key) in cases {
            let f = fault(judge(ex));
            assert_eq!(f.key(), key, "{f:?}");
            let want = if key == "frontend.page-not-html" {
                Status::Warn
            } else {
                Status::Fail
            };
            assert_eq!(f.status(), want, "{key}");
            assert_eq!(f.scope(), PAGE);
        }
        let mut big = exchange(PAGE, 200, "text/html", "<html>");
        big.truncated = true;
        assert_eq!(
            fault(judge(big)),
            FrontendFault::PageTooLarge { page: p.clone() }
        );
    }

    #[test]
    fn mixed_content_blocks_before_forms_before_media_and_policy_upgrades_all() {
        let img = r#"<img src="http://cdn.test/a.png">"#;
        let form = r#"<form action="http://forms.test/x"></form>"#;
        let script = r#"<script src="http://cdn.test/a.js"></script>"#;
        let f = fault(judge_mixed(&scan(&format!("{img}{form}{script}"), vec![])));
        let FrontendFault::MixedContentBlocked { resource } = &f else {
            panic!("{f:?}")
        };
        assert_eq!(resource.url.as_str(), "http://cdn.test/a.js");
        assert_eq!(f.status(), Status::Fail);
        let f = fault(judge_mixed(&scan(&format!("{img}{form}"), vec![])));
        assert_eq!(f.key(), "frontend.mixed-form-action");
        let f = fault(judge_mixed(&scan(img, vec![])));
        assert_eq!(
            (f.key(), f.status()),
            ("frontend.mixed-content-auto-upgraded", Status::Warn)
        );
        let mut s = scan(script, vec![]);
        s.upgrade = Some(UpgradeSource::Meta);
        let f = fault(judge_mixed(&s));
        assert!(
            matches!(
                f,
                FrontendFault::MixedContentUpgradedByPolicy {
                    source: UpgradeSource::Meta,
                    ..
                }
            ),
            "{f:?}"
        );
        assert_eq!(f.status(), Status::Warn);
        assert_eq!(judge_mixed(&scan("<html></html>", vec![])), Verdict::Pass);
    }

    #[test]
    fn rows_about_a_page_that_did_not_load_depend_on_the_page_row() {
        let mut s = scan("", vec![]);
        s.page = Ok(exchange(PAGE, 404, "text/html", ""));
        for v in [judge_mixed(&s), judge_scripts_loaded(&s).unwrap()] {
            let f = fault(v);
            assert_eq!(f.status(), Status::Skip);
            assert_eq!(f.depends_on(), Some(Row::FrontendPage));
        }
        let mut plain = scan("", vec![]);
        plain.page = Ok(exchange("http://tiktrue.test/", 200, "text/html", ""));
        assert_eq!(judge_mixed(&plain), Verdict::NotApplicable);
    }

    #[test]
    fn scripts_that_do_not_load_as_javascript_fail_the_bundle() {
        let js = Url::parse("https://tiktrue.test/static/js/main.1.js").unwrap();
        let s = scan(
            "",
            vec![(js.clone(), Ok(exchange(js.as_str(), 404, "text/html", "")))],
        );
        let f = fault(judge_scripts_loaded(&s).unwrap());
        assert_eq!(
            f,
            FrontendFault::ScriptMissing {
                url: js.clone(),
                status: 404
            }
        );
        let html = exchange(
            js.as_str(),
            200,
            "application/javascript",
            "<!DOCTYPE html><html>",
        );
        let s = scan("", vec![(js.clone(), Ok(html))]);
        assert_eq!(
            fault(judge_scripts_loaded(&s).unwrap()),
            FrontendFault::ScriptIsHtml { url: js }
        );
        let none = scan("", vec![]);
        assert_eq!(
            fault(judge_scripts_loaded(&none).unwrap()).key(),
            "frontend.no-own-script"
        );
    }

    #[test]
    fn bundle_verdicts_carry_the_url_and_its_source() {
        let js = Url::parse("https://tiktrue.test/assets/index-1a2b.js").unwrap();
        let body = r#"const a="http://localhost:8000/api/v1";"#;
        let ok = exchange(js.as_str(), 200, "application/javascript", body);
        let s = scan("", vec![(js.clone(), Ok(ok))]);
        assert_eq!(judge_scripts_loaded(&s), None);
        let (v, j) = judge_bundle(&s, &api());
        let f = fault(v);
        let FrontendFault::LocalAddress { at } = &f else {
            panic!("{f:?}")
        };
        assert_eq!(at.source, ScriptSource::External { url: js.clone() });
        assert_eq!(f.scope(), "http://localhost:8000/api/v1");
        assert!(j.has(Problem::LocalAddress));
        // Nothing names the API: a warning naming the build tool (Vite, from /assets/).
        let quiet = exchange(js.as_str(), 200, "application/javascript", "let a=1;");
        let s = scan("", vec![(js, Ok(quiet))]);
        let f = fault(judge_bundle(&s, &api()).0);
        assert_eq!(
            f,
            FrontendFault::ApiNotInBundle {
                build: BuildTool::Vite
            }
        );
        assert_eq!(f.status(), Status::Warn);
    }
}
