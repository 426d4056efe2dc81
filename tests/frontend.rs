//! Section 7 against the lab: each frontend fault fails (or warns) the right row with the
//! right typed fault, about the right page, and the rows it does not concern still pass. The
//! diagnosis runs in-process so the rows' types (row, subject, fault) are visible; a few
//! Chrome console lines are checked word for word.
mod common;
use clap::Parser;
use common::*;
use conncheck::browser::frontend as chrome;
use conncheck::checks::frontend::judge::FrontendFault;
use conncheck::engine::fault::{Missing, Unchecked};
use conncheck::engine::{FaultKind, Finding, Report, Row, Status, Subject};
use conncheck::lab::{Lab, LabOptions};
use conncheck::observe::bundle::ScriptSource;
use conncheck::observe::pages::{RequestContext, UpgradeSource};

const ONLY: &[&str] = &["--only", "dns,frontend"];

/// Diagnose a running lab in-process with its arguments (minus `drop`'s options) and `extra`.
async fn diagnose_lab(lab: &Lab, drop: &[&str], extra: &[&str]) -> Report {
    let mut argv = vec!["conncheck".to_string()];
    let mut it = lab.args().into_iter();
    while let Some(a) = it.next() {
        if drop.contains(&a.as_str()) {
            it.next();
        } else {
            argv.push(a);
        }
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    let cli = conncheck::cli::Cli::try_parse_from(&argv).expect("arguments parse");
    let env = conncheck::cli::Env {
        no_color: true,
        stdout_tty: false,
        stderr_tty: false,
        credentials: None,
        argv: argv.clone(),
        ..Default::default()
    };
    let config = cli.run.to_config(&cli.targets[0], &env).expect("config");
    conncheck::diagnose::diagnose(&config, Default::default())
        .await
        .expect("diagnosis runs")
}

async fn diagnose(scenario: &str, extra: &[&str]) -> Report {
    let s = conncheck::lab::scenarios::find(scenario).expect("scenario exists");
    let lab = Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts");
    let report = diagnose_lab(&lab, &[], extra).await;
    lab.shutdown().await;
    report
}

fn rows(r: &Report, row: Row) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.row == Some(row)).collect()
}

/// The first row of `row` with `status`, and its frontend fault.
fn faulted(r: &Report, row: Row, status: Status) -> (&Finding, &FrontendFault) {
    let f = rows(r, row)
        .into_iter()
        .find(|f| f.status == status)
        .unwrap_or_else(|| panic!("no {row:?} row with {status}: {:#?}", r.findings));
    let fault = f
        .fault_as::<FrontendFault>()
        .unwrap_or_else(|| panic!("{row:?} carries no frontend fault: {f:#?}"));
    (f, fault)
}

fn status(r: &Report, row: Row) -> Status {
    rows(r, row)
        .iter()
        .map(|f| f.status)
        .fold(Status::Pass, Status::worst)
}

fn assert_passes(r: &Report, module: &str) {
    let mine: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.module.name() == module)
        .collect();
    assert!(!mine.is_empty(), "no {module} rows");
    for f in mine {
        assert_eq!(f.status, Status::Pass, "{f:#?}");
        assert!(f.fault.is_none(), "a passing row carries no fault: {f:#?}");
    }
}

fn page_host(f: &Finding) -> String {
    match &f.subject {
        Subject::Page { url } => url::Url::parse(url).unwrap().host_str().unwrap().into(),
        s => panic!("not a page subject: {s:?}"),
    }
}

#[tokio::test]
async fn healthy_frontend_passes_every_row() {
    let r = diagnose("healthy", ONLY).await;
    assert_passes(&r, "frontend");
    assert_passes(&r, "dns");
    // One row per origin (apex and www), each about its page.
    let hosts: Vec<String> = rows(&r, Row::FrontendBundle)
        .into_iter()
        .map(page_host)
        .collect();
    assert_eq!(hosts, ["tiktrue.test", "www.tiktrue.test"]);
}

#[tokio::test]
async fn http_api_in_the_bundle_fails_as_blocked_mixed_content() {
    let r = diagnose("frontend-http-api", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendBundle, Status::Fail);
    let FrontendFault::InsecureApi { at } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(at.found.url.scheme(), "http");
    assert_eq!(at.found.url.host_str(), Some("api.tiktrue.test"));
    assert!(matches!(at.source, ScriptSource::External { .. }));
    assert_eq!(fault.key(), "frontend.insecure-api-url");
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.starts_with("Mixed Content: The page at 'https://tiktrue.test")
            && be.contains(
                // Chrome names the blocked request (the SPA's login call), not the API base.
                "requested an insecure XMLHttpRequest endpoint 'http://api.tiktrue.test/api/v1/auth/login/'"
            )
            && be
                .ends_with("This request has been blocked; the content must be served over HTTPS."),
        "{be}"
    );
    // The HTML itself is clean.
    assert_eq!(status(&r, Row::FrontendMixedContent), Status::Pass);
    assert_eq!(status(&r, Row::FrontendPage), Status::Pass);
    assert_passes(&r, "dns");
}

#[tokio::test]
async fn localhost_api_fails_as_a_development_build() {
    let r = diagnose("frontend-localhost-api", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendBundle, Status::Fail);
    let FrontendFault::LocalAddress { at } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(at.found.text, "http://localhost:8000/api/v1");
    assert_eq!(f.browser_error.as_deref(), Some(chrome::CONNECTION_REFUSED));
    assert_passes(&r, "dns");
}

#[tokio::test]
async fn wrong_api_host_fails_naming_the_other_host() {
    let r = diagnose("frontend-wrong-api-host", ONLY).await;
    let (_, fault) = faulted(&r, Row::FrontendBundle, Status::Fail);
    let FrontendFault::OtherApiHost { at } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(at.found.url.host_str(), Some("api.tiktrue-staging.test"));
    assert_eq!(status(&r, Row::FrontendMixedContent), Status::Pass);
}

#[tokio::test]
async fn http_script_tag_fails_with_chromes_blocked_message() {
    let r = diagnose("frontend-http-script", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendMixedContent, Status::Fail);
    let FrontendFault::MixedContentBlocked { resource } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(
        resource.url.as_str(),
        "http://cdn.tiktrue.test/js/analytics.js"
    );
    assert_eq!(resource.context, RequestContext::Script);
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.contains("requested an insecure script 'http://cdn.tiktrue.test/js/analytics.js'. This request has been blocked"),
        "{be}"
    );
    // The bundle is fine: only the tag is wrong.
    assert_eq!(status(&r, Row::FrontendBundle), Status::Pass);
}

#[tokio::test]
async fn http_image_only_warns_as_auto_upgraded() {
    let r = diagnose("frontend-http-image", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendMixedContent, Status::Warn);
    let FrontendFault::MixedContentAutoUpgraded { resource } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(
        resource.url.as_str(),
        "http://cdn.tiktrue.test/img/hero.png"
    );
    let be = f.browser_error.as_deref().unwrap();
    assert!(be.contains("automatically upgraded to HTTPS"), "{be}");
    assert_eq!(status(&r, Row::FrontendBundle), Status::Pass);
}

#[tokio::test]
async fn upgrade_insecure_requests_turns_the_block_into_a_warning() {
    let r = diagnose("frontend-upgrade-insecure", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendMixedContent, Status::Warn);
    assert!(
        matches!(
            fault,
            FrontendFault::MixedContentUpgradedByPolicy {
                source: UpgradeSource::Header,
                ..
            }
        ),
        "{fault:?}"
    );
    assert_eq!(f.browser_error, None);
}

#[tokio::test]
async fn huge_bundle_is_read_up_to_the_cap_and_warns() {
    // 21 MB through TLS in debug builds: a generous step timeout for a busy machine.
    let r = diagnose(
        "frontend-huge-bundle",
        &["--only", "dns,frontend", "--timeout", "45"],
    )
    .await;
    let (f, fault) = faulted(&r, Row::FrontendBundle, Status::Warn);
    let FrontendFault::BundleTruncated { files } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(files.len(), 1, "{files:?}");
    // The API URL near the start was still found (the evidence names it).
    assert!(
        f.detail.contains("API: https://api.tiktrue.test"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn a_missing_page_fails_the_page_and_skips_the_rest() {
    // --frontend pointing at a path nothing serves: the API host answers Django's 404.
    let scenario = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = Lab::start(scenario, LabOptions::default()).await.unwrap();
    let page = format!("{}/nowhere/", lab.state.https_url("api.tiktrue.test"));
    let page = url::Url::parse(&page).unwrap();
    let r = diagnose_lab(
        &lab,
        &[],
        &["--only", "frontend", "--frontend", page.as_str()],
    )
    .await;
    lab.shutdown().await;
    let nowhere = rows(&r, Row::FrontendPage)
        .into_iter()
        .find(|f| f.subject == Subject::page(&page))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(nowhere.status, Status::Fail);
    assert_eq!(
        nowhere.fault_as::<FrontendFault>(),
        Some(&FrontendFault::PageNotFound { page: page.clone() })
    );
    let skipped = rows(&r, Row::FrontendBundle)
        .into_iter()
        .find(|f| f.subject == Subject::page(&page))
        .unwrap();
    assert_eq!(skipped.status, Status::Skip);
    let fault = skipped.fault.as_ref().unwrap();
    assert_eq!(fault.key(), "frontend.page-not-loaded");
    assert_eq!(fault.depends_on(), Some(Row::FrontendPage));
}

#[tokio::test]
async fn without_origin_or_frontend_the_inferred_origin_is_used_and_said() {
    let scenario = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = Lab::start(scenario, LabOptions::default()).await.unwrap();
    // The lab's arguments minus every --origin: api.tiktrue.test → https://tiktrue.test, www.
    let r = diagnose_lab(&lab, &["--origin"], &["--only", "frontend"]).await;
    lab.shutdown().await;
    assert!(r.origins_inferred);
    assert_passes(&r, "frontend");
    let hosts: Vec<String> = rows(&r, Row::FrontendPage)
        .into_iter()
        .map(page_host)
        .collect();
    assert_eq!(hosts, ["tiktrue.test", "www.tiktrue.test"]);
    // The words say so (the user must know the origin was guessed).
    for p in rows(&r, Row::FrontendPage) {
        assert!(
            p.detail.contains("origin inferred from the API host name"),
            "{}",
            p.detail
        );
    }
}

#[tokio::test]
async fn without_any_frontend_page_every_row_is_unchecked_for_lack_of_an_origin() {
    let scenario = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = Lab::start(scenario, LabOptions::default()).await.unwrap();
    // The API by its address: no api.* name to infer the frontend from, and no --origin.
    let mut argv = vec!["conncheck".to_string()];
    let mut it = lab.args().into_iter();
    let target = it.next().unwrap();
    let port = url::Url::parse(&target)
        .unwrap()
        .port_or_known_default()
        .unwrap();
    argv.push(format!("https://127.0.0.1:{port}/api/v1/"));
    while let Some(a) = it.next() {
        if a == "--origin" {
            it.next();
        } else {
            argv.push(a);
        }
    }
    argv.extend(["--only".into(), "frontend".into()]);
    let cli = conncheck::cli::Cli::try_parse_from(&argv).unwrap();
    let env = conncheck::cli::Env {
        no_color: true,
        stdout_tty: false,
        stderr_tty: false,
        credentials: None,
        argv: argv.clone(),
        ..Default::default()
    };
    let config = cli.run.to_config(&cli.targets[0], &env).unwrap();
    let r = conncheck::diagnose::diagnose(&config, Default::default())
        .await
        .unwrap();
    lab.shutdown().await;
    let got: Vec<(Option<Row>, Status)> = r.findings.iter().map(|f| (f.row, f.status)).collect();
    assert_eq!(
        got,
        [
            (Some(Row::FrontendPage), Status::Skip),
            (Some(Row::FrontendMixedContent), Status::Skip),
            (Some(Row::FrontendBundle), Status::Skip),
        ]
    );
    for f in &r.findings {
        assert_eq!(f.fault_as::<Unchecked>(), Some(&Unchecked(Missing::Origin)));
    }
}

#[tokio::test]
async fn runtime_config_in_an_inline_script_is_scanned_too() {
    let r = diagnose("frontend-runtime-config", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendBundle, Status::Fail);
    let FrontendFault::LocalAddress { at } = fault else {
        panic!("{fault:?}")
    };
    assert_eq!(at.found.text, "http://localhost:8000/api/v1");
    assert!(at.source.is_inline(), "{:?}", at.source);
    assert!(
        f.detail.contains("(index.html (inline script) @ byte"),
        "{}",
        f.detail
    );
    // Fixed in the runtime config, not by a rebuild.
    let hint = f.hint.as_deref().unwrap();
    assert!(!hint.contains("rebuild"), "{hint}");
    assert_eq!(status(&r, Row::FrontendMixedContent), Status::Pass);
}

#[tokio::test]
async fn a_bundle_answered_with_index_html_fails_with_the_syntax_error() {
    let r = diagnose("frontend-stale-index", ONLY).await;
    let (f, fault) = faulted(&r, Row::FrontendBundle, Status::Fail);
    let FrontendFault::ScriptIsHtml { url } = fault else {
        panic!("{fault:?}")
    };
    assert!(url.path().ends_with("/main.8f2c1a7e.js"), "{url}");
    assert_eq!(
        f.browser_error.as_deref(),
        Some("Uncaught SyntaxError: Unexpected token '<'")
    );
    assert_eq!(status(&r, Row::FrontendPage), Status::Pass);
}

#[tokio::test]
async fn the_binary_reports_the_same_ids_and_exit_code() {
    // The wire format: JSON ids and statuses, and exit 1 on a failing row.
    let run = run_scenario("frontend-http-api", ONLY).await;
    assert_eq!(run.status("frontend.bundle"), Status::Fail);
    assert_eq!(run.status("frontend.page"), Status::Pass);
    assert_eq!(run.code, 1);
    let ok = run_scenario("healthy", ONLY).await;
    assert_eq!(ok.rows("frontend.bundle").len(), 2);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
}

#[tokio::test]
async fn discovery_reads_the_labs_bundle_over_real_dns_and_tls() {
    use conncheck::observe::bundle::discover::{CredentialsMode, Encoding};
    use conncheck::observe::Observations;
    let scenario = conncheck::lab::scenarios::find("websocket-ok").unwrap();
    let lab = Lab::start(scenario, LabOptions::default()).await.unwrap();
    let timeout = std::time::Duration::from_secs(20);
    let dns = conncheck::net::dns::DnsClient::with_servers(vec![lab.dns_addr], timeout);
    let trust = conncheck::net::tls::TrustStore::new(std::slice::from_ref(&lab.ca_file)).unwrap();
    let http =
        conncheck::net::http::HttpClient::new(std::sync::Arc::new(dns), &trust, timeout).unwrap();
    let page = url::Url::parse(&format!("{}/", lab.origins()[0])).unwrap();
    let observed = Observations::default();
    let d = observed.discovery(&http, std::slice::from_ref(&page)).await;
    let api = lab.target();
    lab.shutdown().await;
    assert_eq!(d.api_bases, [api.trim_end_matches('/')], "{d:#?}");
    let login = d.login.as_ref().expect("the login call");
    assert_eq!(
        (login.call.method.as_deref(), login.call.path.as_str()),
        (Some("POST"), "/auth/login/")
    );
    // The bundle posts its function's parameter: the shape is not visible.
    assert_eq!(login.body.as_ref().unwrap().encoding, Encoding::Unknown);
    let refresh = d.refresh.as_ref().expect("the refresh call");
    assert_eq!(refresh.call.path, "/auth/refresh/");
    assert_eq!(refresh.body.as_ref().unwrap().fields, ["refresh"]);
    assert_eq!(d.credentials, CredentialsMode::Include);
    let ws: Vec<Option<&str>> = d.websockets.iter().map(|w| w.url.as_deref()).collect();
    let live =
        format!("{}/live/", page.as_str().trim_end_matches('/')).replace("https://", "wss://");
    assert_eq!(ws, [Some(live.as_str())]);
    // The same scan serves the frontend check: the pages were fetched once.
    assert_eq!(observed.pages.get().map(|p| p.len()), Some(1));
}
