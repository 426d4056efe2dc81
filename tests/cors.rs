//! Section 4 against the lab: each CORS fault fails the right row with Chrome's exact console
//! message (real URL and origin filled in) and a fix in django-cors-headers' or the proxy's words.
mod common;
use common::*;
use conncheck::engine::model::{Finding, Status};

fn api(r: &Run, path: &str) -> String {
    format!("{}{path}", r.report.target)
}

fn origin(r: &Run) -> String {
    r.report.origins[0].clone()
}

/// The first failing row with this id whose title names `call`.
fn failing<'a>(r: &'a Run, id: &str, call: &str) -> &'a Finding {
    r.rows(id)
        .into_iter()
        .find(|f| {
            f.status == Status::Fail && f.title.contains(call) && f.title.contains(&origin(r))
        })
        .unwrap_or_else(|| panic!("no failing {id} row for {call}: {}", r.stdout))
}

fn chrome(url: &str, origin: &str, tail: &str) -> String {
    format!("Access to XMLHttpRequest at '{url}' from origin '{origin}' has been blocked by CORS policy: {tail}")
}

fn hint(f: &Finding) -> &str {
    f.hint.as_deref().unwrap_or("")
}

#[tokio::test]
async fn healthy_passes_every_cors_row() {
    let r = run_scenario("healthy", &["--only", "cors"]).await;
    r.assert_module_passes("cors");
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Each origin × each call the SPA makes, the token refresh included; every one of them is
    // non-simple (a JSON body or Authorization), so each has a preflight row too.
    for o in &r.report.origins {
        for call in [
            "POST auth/login/",
            "GET auth/profile/",
            "POST auth/refresh/",
        ] {
            for id in ["cors.preflight", "cors.actual"] {
                assert!(
                    r.rows(id)
                        .iter()
                        .any(|f| f.title.contains(call) && f.title.contains(o.as_str())),
                    "no {id} row for {call} from {o}"
                );
            }
        }
    }
    assert_eq!(r.rows("cors.actual").len(), r.rows("cors.preflight").len());
    assert_eq!(r.rows("cors.security").len(), 2);
    assert_eq!(r.rows("cors.cache").len(), 2);
    let pf = r
        .rows("cors.preflight")
        .into_iter()
        .find(|f| f.title.contains("GET auth/profile/"))
        .unwrap();
    assert!(
        pf.detail
            .contains("Access-Control-Request-Headers: authorization"),
        "{}",
        pf.detail
    );
    let sec = &r.rows("cors.security")[0];
    assert!(
        sec.detail.contains("https://evil.example"),
        "{}",
        sec.detail
    );
    assert!(sec.detail.contains("every one refused"), "{}", sec.detail);
    assert!(r.rows("cors.cache")[0].detail.contains("86400 s"));
}

#[tokio::test]
async fn origin_not_allowed_points_at_the_unset_env_var() {
    let r = run_scenario("cors-origin-not-allowed", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "POST auth/login/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/login/"), &o, "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.").as_str())
    );
    assert!(
        hint(f).contains(&format!("CORS_ALLOWED_ORIGINS={o}")),
        "{}",
        hint(f)
    );
    assert!(
        hint(f).contains("environment variable is unset"),
        "{}",
        hint(f)
    );
    // The browser never sends the request itself: skipped, not a second failure.
    assert!(r
        .rows("cors.actual")
        .iter()
        .all(|f| f.status == Status::Skip));
    assert_eq!(r.status("cors.cache"), Status::Skip);
    assert_eq!(r.status("cors.security"), Status::Pass);
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn duplicate_header_fails_with_multiple_values() {
    let r = run_scenario("cors-duplicate-header", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "POST auth/login/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/login/"), &o, &format!("Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains multiple values '{o}, {o}', but only one is allowed.")).as_str())
    );
    assert!(hint(f).contains("add_header"), "{}", hint(f));
    assert!(hint(f).contains("2 times"), "{}", hint(f));
    assert!(
        f.detail
            .starts_with("Access-Control-Allow-Origin sent 2 times"),
        "{}",
        f.detail
    );
}

#[tokio::test]
async fn wildcard_with_credentials_fails() {
    let r = run_scenario("cors-wildcard-with-credentials", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "GET auth/profile/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/profile/"), &o, "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.").as_str())
    );
    assert!(
        hint(f).contains("CORS_ALLOW_CREDENTIALS = True"),
        "{}",
        hint(f)
    );
    // `*` on an authenticated API, from every untrusted origin: a warning, not reflection.
    assert_eq!(r.status("cors.security"), Status::Warn);
}

#[tokio::test]
async fn wildcard_passes_without_credentials_mode() {
    let r = run_scenario(
        "cors-wildcard-with-credentials",
        &["--only", "cors", "--no-credentials"],
    )
    .await;
    assert_eq!(r.status("cors.preflight"), Status::Pass, "{}", r.stdout);
    assert_eq!(r.status("cors.actual"), Status::Pass, "{}", r.stdout);
}

#[tokio::test]
async fn missing_credentials_header_fails() {
    let r = run_scenario("cors-no-credentials-header", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "POST auth/refresh/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/refresh/"), &o, "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.").as_str())
    );
    assert!(
        hint(f).contains("CORS_ALLOW_CREDENTIALS = True"),
        "{}",
        hint(f)
    );
}

#[tokio::test]
async fn authorization_not_allowed_fails_authenticated_calls_only() {
    let r = run_scenario("cors-missing-allow-headers", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "GET auth/profile/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/profile/"), &o, "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.").as_str())
    );
    assert!(hint(f).contains("CORS_ALLOW_HEADERS"), "{}", hint(f));
    assert!(
        f.detail
            .starts_with("Access-Control-Allow-Headers lacks authorization"),
        "{}",
        f.detail
    );
    // Login sends only Content-Type, which is still allowed.
    let login = r
        .rows("cors.preflight")
        .into_iter()
        .find(|f| f.title.contains("POST auth/login/"))
        .unwrap();
    assert_eq!(login.status, Status::Pass, "{}", login.detail);
}

#[tokio::test]
async fn preflight_redirect_fails_naming_the_target() {
    let r = run_scenario("cors-preflight-redirect", &["--only", "cors"]).await;
    let o = origin(&r);
    let f = failing(&r, "cors.preflight", "POST auth/login/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(chrome(&api(&r, "auth/login/"), &o, "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.").as_str())
    );
    assert!(f.detail.contains("HTTP 301"), "{}", f.detail);
    assert!(hint(f).contains("www.api.tiktrue.test"), "{}", hint(f));
    // Every probe is redirected too: the security verdict would be meaningless.
    assert_eq!(r.status("cors.security"), Status::Skip);
}

#[tokio::test]
async fn error_without_headers_names_the_hidden_status() {
    let r = run_scenario("cors-error-without-headers", &["--only", "cors"]).await;
    let o = origin(&r);
    assert_eq!(r.status("cors.preflight"), Status::Pass, "{}", r.stdout);
    let f = failing(&r, "cors.actual", "POST auth/login/");
    assert_eq!(
        f.browser_error.as_deref(),
        Some(
            chrome(
                &api(&r, "auth/login/"),
                &o,
                "No 'Access-Control-Allow-Origin' header is present on the requested resource."
            )
            .as_str()
        )
    );
    assert!(f.detail.contains("HTTP 502"), "{}", f.detail);
    assert!(hint(f).contains("HTTP 502"), "{}", hint(f));
    assert!(hint(f).contains("endpoints.login"), "{}", hint(f));
}

#[tokio::test]
async fn reflecting_any_origin_fails_security_only() {
    let r = run_scenario("cors-reflects-any-origin", &["--only", "cors"]).await;
    let f = r.find("cors.security", Status::Fail);
    assert!(f.detail.contains("https://evil.example"), "{}", f.detail);
    assert!(f.detail.contains("null"), "{}", f.detail);
    assert!(hint(f).contains("CORS_ALLOWED_ORIGINS"), "{}", hint(f));
    assert_eq!(f.browser_error, None);
    assert_eq!(r.status("cors.preflight"), Status::Pass);
    assert_eq!(r.status("cors.actual"), Status::Pass);
}

#[tokio::test]
async fn missing_vary_warns_on_cache() {
    let r = run_scenario("cors-no-vary", &["--only", "cors"]).await;
    let f = r.find("cors.cache", Status::Warn);
    assert!(f.detail.contains("without Vary: Origin"), "{}", f.detail);
    assert!(hint(f).contains("Vary: Origin"), "{}", hint(f));
    assert_eq!(r.status("cors.preflight"), Status::Pass);
    assert_eq!(r.status("cors.security"), Status::Pass);
}

#[tokio::test]
async fn cors_faults_leave_dns_passing() {
    let r = run_scenario("cors-duplicate-header", &["--only", "dns,cors"]).await;
    r.assert_module_passes("dns");
    assert_eq!(r.status("cors.preflight"), Status::Fail);
}

#[tokio::test]
async fn unresolvable_api_skips_cors_rows_pointing_at_dns() {
    let r = run_scenario("dns-nxdomain", &["--only", "dns,cors"]).await;
    for f in r.report.checks.iter().filter(|f| f.module.name() == "cors") {
        assert_eq!(f.status, Status::Skip, "{}: {}", f.id, f.detail);
    }
    let pf = &r.rows("cors.preflight")[0];
    assert!(pf.detail.contains("dns.resolve"), "{}", pf.detail);
}

#[tokio::test]
async fn same_origin_frontend_is_not_subject_to_cors() {
    // The API host itself as the page's origin: the browser applies no CORS at all.
    let s = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = conncheck::lab::Lab::start(s, Default::default())
        .await
        .unwrap();
    let api_origin = lab.state.https_url(&lab.scenario.names.api);
    let mut args = vec!["--only", "cors", "--origin"];
    args.push(&api_origin);
    let r = run_against(&lab, &args, true).await;
    lab.shutdown().await;
    let same: Vec<_> = r
        .rows("cors.actual")
        .into_iter()
        .filter(|f| f.title.ends_with(&format!("from {api_origin}")))
        .collect();
    assert!(!same.is_empty(), "{}", r.stdout);
    for f in same {
        assert_eq!(f.status, Status::Skip, "{}", f.detail);
        assert!(f.detail.contains("same-origin"), "{}", f.detail);
    }
    assert!(!r
        .rows("cors.preflight")
        .iter()
        .any(|f| f.title.contains(&format!("from {api_origin} "))));
}
