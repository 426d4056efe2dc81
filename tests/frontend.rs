//! Section 7 against the lab: each frontend fault fails (or warns) the right row with the
//! browser's own words, and the rows it does not concern still pass.
mod common;
use common::*;
use conncheck::model::Status;

const ONLY: &[&str] = &["--only", "dns,frontend"];

#[tokio::test]
async fn healthy_frontend_passes_every_row() {
    let r = run_scenario("healthy", ONLY).await;
    r.assert_module_passes("frontend");
    r.assert_module_passes("dns");
    // One row per origin (apex and www).
    assert_eq!(r.rows("frontend.bundle").len(), 2);
    let b = r.rows("frontend.bundle")[0];
    assert!(
        b.detail.contains("main.8f2c1a7e.js @ byte"),
        "the API URL's file and offset: {}",
        b.detail
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[tokio::test]
async fn http_api_in_the_bundle_fails_as_blocked_mixed_content() {
    let r = run_scenario("frontend-http-api", ONLY).await;
    let f = r.find("frontend.bundle", Status::Fail);
    assert!(
        f.detail.contains("http://api.tiktrue.test/api/v1"),
        "{}",
        f.detail
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains("REACT_APP_API_BASE_URL=https://api.tiktrue.test"),
        "{hint}"
    );
    assert!(hint.contains("rebuild"), "{hint}");
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
    assert_eq!(r.status("frontend.mixed-content"), Status::Pass);
    assert_eq!(r.status("frontend.page"), Status::Pass);
    r.assert_module_passes("dns");
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn localhost_api_fails_as_a_development_build() {
    let r = run_scenario("frontend-localhost-api", ONLY).await;
    let f = r.find("frontend.bundle", Status::Fail);
    assert!(
        f.detail.contains("http://localhost:8000/api/v1"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("development address"), "{}", f.detail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("development setting was deployed"), "{hint}");
    assert!(hint.contains(".env.production"), "{hint}");
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CONNECTION_REFUSED")
    );
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn wrong_api_host_fails_showing_both_hosts() {
    let r = run_scenario("frontend-wrong-api-host", ONLY).await;
    let f = r.find("frontend.bundle", Status::Fail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("api.tiktrue-staging.test"), "{hint}");
    assert!(hint.contains("https://api.tiktrue.test"), "{hint}");
    assert!(f.detail.contains("API on another host"), "{}", f.detail);
    assert_eq!(r.status("frontend.mixed-content"), Status::Pass);
}

#[tokio::test]
async fn http_script_tag_fails_with_chromes_blocked_message() {
    let r = run_scenario("frontend-http-script", ONLY).await;
    let f = r.find("frontend.mixed-content", Status::Fail);
    assert!(
        f.detail
            .contains("<script src> http://cdn.tiktrue.test/js/analytics.js"),
        "{}",
        f.detail
    );
    let be = f.browser_error.as_deref().unwrap();
    assert!(
        be.contains("requested an insecure script 'http://cdn.tiktrue.test/js/analytics.js'. This request has been blocked"),
        "{be}"
    );
    assert!(f.hint.as_deref().unwrap().contains("https://"));
    // The bundle is fine: only the tag is wrong.
    assert_eq!(r.status("frontend.bundle"), Status::Pass);
}

#[tokio::test]
async fn http_image_only_warns_as_auto_upgraded() {
    let r = run_scenario("frontend-http-image", ONLY).await;
    assert_eq!(r.status("frontend.mixed-content"), Status::Warn);
    let f = r.find("frontend.mixed-content", Status::Warn);
    assert!(
        f.detail.contains("http://cdn.tiktrue.test/img/hero.png"),
        "{}",
        f.detail
    );
    let be = f.browser_error.as_deref().unwrap();
    assert!(be.contains("requested an insecure element"), "{be}");
    assert!(be.contains("automatically upgraded to HTTPS"), "{be}");
    assert_eq!(r.status("frontend.bundle"), Status::Pass);
}

#[tokio::test]
async fn upgrade_insecure_requests_turns_the_block_into_a_warning() {
    let r = run_scenario("frontend-upgrade-insecure", ONLY).await;
    assert_eq!(r.status("frontend.mixed-content"), Status::Warn);
    let f = r.find("frontend.mixed-content", Status::Warn);
    assert!(
        f.detail.contains("upgrade-insecure-requests"),
        "{}",
        f.detail
    );
    assert!(
        f.detail.contains("Content-Security-Policy header"),
        "{}",
        f.detail
    );
    assert!(f
        .hint
        .as_deref()
        .unwrap()
        .contains("https://cdn.tiktrue.test"));
    assert_eq!(f.browser_error, None);
}

#[tokio::test]
async fn huge_bundle_is_read_up_to_the_cap_and_warns() {
    // 21 MB through TLS in debug builds: a generous step timeout for a busy machine.
    let r = run_scenario(
        "frontend-huge-bundle",
        &["--only", "dns,frontend", "--timeout", "45"],
    )
    .await;
    assert_eq!(r.status("frontend.bundle"), Status::Warn);
    let f = r.find("frontend.bundle", Status::Warn);
    assert!(f.detail.contains("(first 20971520 bytes)"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("20 MB"));
    // The API URL near the start was still found.
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
    let lab = conncheck::lab::Lab::start(scenario, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let page = format!("{}/nowhere/", lab.state.https_url("api.tiktrue.test"));
    let r = run_against(&lab, &["--only", "frontend", "--frontend", &page], true).await;
    lab.shutdown().await;
    let rows = r.rows("frontend.page");
    let nowhere = rows
        .iter()
        .find(|f| f.title.contains("/nowhere/"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(nowhere.status, Status::Fail, "{}", nowhere.detail);
    assert!(nowhere.detail.contains("HTTP 404"), "{}", nowhere.detail);
    assert!(nowhere.hint.as_deref().unwrap().contains("--frontend"));
    assert!(r
        .rows("frontend.bundle")
        .iter()
        .any(|f| f.status == Status::Skip && f.detail.contains("see frontend.page")));
}

#[tokio::test]
async fn without_origin_or_frontend_the_inferred_origin_is_used_and_said() {
    let scenario = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = conncheck::lab::Lab::start(scenario, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    // The lab's arguments minus every --origin: api.tiktrue.test → https://tiktrue.test, www.
    let mut args = Vec::new();
    let mut it = lab.args().into_iter();
    while let Some(a) = it.next() {
        if a == "--origin" {
            it.next();
        } else {
            args.push(a);
        }
    }
    let out = tokio::process::Command::new(bin())
        .args(&args)
        .args(["--format", "json", "--only", "frontend"])
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .output()
        .await
        .unwrap();
    lab.shutdown().await;
    let r = parse(out);
    r.assert_module_passes("frontend");
    let pages = r.rows("frontend.page");
    assert_eq!(pages.len(), 2);
    for p in pages {
        assert!(
            p.detail.contains("origin inferred from the API host name"),
            "{}",
            p.detail
        );
    }
}

#[tokio::test]
async fn runtime_config_in_an_inline_script_is_scanned_too() {
    let r = run_scenario("frontend-runtime-config", ONLY).await;
    let f = r.find("frontend.bundle", Status::Fail);
    assert!(
        f.detail.contains(
            "development address: http://localhost:8000/api/v1 (index.html (inline script) @ byte"
        ),
        "{}",
        f.detail
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("runtime config index.html injects"), "{hint}");
    assert!(!hint.contains("rebuild"), "{hint}");
    // The bundle itself calls the right API; the detail says so too.
    assert!(
        f.detail.contains("API: https://api.tiktrue.test"),
        "{}",
        f.detail
    );
    assert_eq!(r.status("frontend.mixed-content"), Status::Pass);
}

#[tokio::test]
async fn a_bundle_answered_with_index_html_fails_with_the_syntax_error() {
    let r = run_scenario("frontend-stale-index", ONLY).await;
    let f = r.find("frontend.bundle", Status::Fail);
    assert!(f.detail.contains("main.8f2c1a7e.js"), "{}", f.detail);
    assert!(f.detail.contains("not JavaScript"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("try_files"));
    assert_eq!(
        f.browser_error.as_deref(),
        Some("Uncaught SyntaxError: Unexpected token '<'")
    );
    assert_eq!(r.status("frontend.page"), Status::Pass);
}
