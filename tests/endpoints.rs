//! Section 5 against the lab: each endpoint fault fails the right rows with the right fix,
//! and the JWT module still runs (or points back here) as it should.
mod common;
use common::*;
use conncheck::model::Status;

#[tokio::test]
async fn healthy_passes_every_endpoint_row() {
    let r = run_scenario("healthy", &["--only", "endpoints"]).await;
    r.assert_module_passes("endpoints");
    assert_eq!(r.code, 0, "{}", r.stdout);
    for id in [
        "endpoints.health",
        "endpoints.login",
        "endpoints.register",
        "endpoints.profile",
        "endpoints.forgot-password",
        "endpoints.reset-password",
        "endpoints.license-info",
        "endpoints.models-available",
        "endpoints.admin",
        "endpoints.debug",
        "endpoints.exposure",
    ] {
        assert_eq!(r.rows(id).len(), 1, "{id}");
    }
    let login = &r.rows("endpoints.login")[0];
    assert!(
        login.detail.contains("POST https://api.tiktrue.test")
            && login.detail.contains("HTTP 400 application/json"),
        "{}",
        login.detail
    );
    // Rows keep the endpoint map's order.
    let ids: Vec<&str> = r
        .report
        .checks
        .iter()
        .filter(|c| c.id.starts_with("endpoints."))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids.first(), Some(&"endpoints.health"));
    assert_eq!(ids.last(), Some(&"endpoints.exposure"));
}

#[tokio::test]
async fn missing_routes_fail_with_404_and_the_rest_pass() {
    let r = run_scenario("endpoints-missing-routes", &["--only", "endpoints,jwt"]).await;
    for id in ["endpoints.license-info", "endpoints.models-available"] {
        let f = r.find(id, Status::Fail);
        assert!(f.detail.contains("HTTP 404"), "{}", f.detail);
        assert!(
            f.hint.as_deref().unwrap().contains("route is missing"),
            "{:?}",
            f.hint
        );
        assert!(
            f.browser_error
                .as_deref()
                .unwrap()
                .ends_with("404 (Not Found)"),
            "{:?}",
            f.browser_error
        );
    }
    assert_eq!(r.status("endpoints.login"), Status::Pass);
    assert_eq!(r.status("endpoints.profile"), Status::Pass);
    r.assert_module_passes("jwt");
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn wrong_api_version_suggests_the_near_miss() {
    // The deployment serves /api/v1/; conncheck is pointed at /api/v2/.
    let r = run_scenario("healthy", &["--only", "endpoints", "--api-base", "/api/v2"]).await;
    let f = r.find("endpoints.login", Status::Fail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("/api/v1/auth/login/"), "{hint}");
    assert!(hint.contains("HTTP 400"), "{hint}");
    // Routes outside the API base are unaffected.
    assert_eq!(r.status("endpoints.health"), Status::Pass);
}

#[tokio::test]
async fn disallowed_host_names_allowed_hosts_on_every_route() {
    let r = run_scenario("endpoints-disallowed-host", &["--only", "endpoints,jwt"]).await;
    for id in [
        "endpoints.health",
        "endpoints.login",
        "endpoints.profile",
        "endpoints.admin",
    ] {
        let f = r.find(id, Status::Fail);
        assert!(f.detail.contains("DisallowedHost"), "{}", f.detail);
        assert!(f.hint.as_deref().unwrap().contains("ALLOWED_HOSTS"));
    }
    let login = r.find("jwt.login", Status::Fail);
    assert!(login.hint.as_deref().unwrap().contains("endpoints.login"));
    assert_eq!(r.status("jwt.refresh"), Status::Skip);
}

#[tokio::test]
async fn debug_on_fails_the_debug_row() {
    let r = run_scenario("endpoints-debug-on", &["--only", "endpoints"]).await;
    let f = r.find("endpoints.debug", Status::Fail);
    assert!(f.detail.contains("Django debug page"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("DEBUG = False"));
    assert_eq!(r.status("endpoints.login"), Status::Pass);
    assert_eq!(r.status("endpoints.exposure"), Status::Pass);
}

#[tokio::test]
async fn database_down_fails_with_500_and_503() {
    let r = run_scenario("endpoints-backend-500", &["--only", "endpoints,jwt"]).await;
    let f = r.find("endpoints.login", Status::Fail);
    assert!(f.detail.contains("HTTP 500"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("migrations"));
    assert_eq!(
        f.browser_error.as_deref().unwrap(),
        format!(
            "POST {} 500 (Internal Server Error)",
            f.detail.split(' ').nth(1).unwrap()
        )
    );
    let h = r.find("endpoints.health", Status::Fail);
    assert!(
        h.hint.as_deref().unwrap().contains("database"),
        "{:?}",
        h.hint
    );
    // Auth is checked before the database: protected routes still answer 401.
    assert_eq!(r.status("endpoints.profile"), Status::Pass);
    let j = r.find("jwt.login", Status::Fail);
    assert!(j.hint.as_deref().unwrap().contains("endpoints.login"));
}

#[tokio::test]
async fn proxy_502_says_the_app_is_down() {
    let r = run_scenario("endpoints-backend-down", &["--only", "endpoints"]).await;
    let f = r.find("endpoints.profile", Status::Fail);
    assert!(f.detail.contains("proxy error page"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("cannot reach the app"));
    assert_eq!(
        f.browser_error
            .as_deref()
            .map(|b| b.ends_with("502 (Bad Gateway)")),
        Some(true)
    );
    // Nothing to judge behind a dead proxy: skipped, not passed.
    assert_eq!(r.status("endpoints.exposure"), Status::Skip);
}

#[tokio::test]
async fn exposed_setup_route_fails_exposure() {
    let r = run_scenario("endpoints-setup-exposed", &["--only", "endpoints"]).await;
    let f = r.find("endpoints.exposure", Status::Fail);
    assert!(f.detail.contains("/setup/database/ 200"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("/setup/database/"));
    for id in ["endpoints.login", "endpoints.health", "endpoints.debug"] {
        assert_eq!(r.status(id), Status::Pass, "{id}");
    }
}

#[tokio::test]
async fn debug_page_on_a_route_is_named_on_that_row() {
    // A wrong API base makes every API route 404, each answered by the debug page.
    let r = run_scenario(
        "endpoints-debug-on",
        &["--only", "endpoints", "--api-base", "/api/v2"],
    )
    .await;
    let f = r.find("endpoints.login", Status::Fail);
    assert!(f.detail.contains("HTTP 404"), "{}", f.detail);
    assert!(f.detail.contains("the Django debug page"), "{}", f.detail);
    // The row keeps the route's own fix (the near miss); DEBUG is fixed under endpoints.debug.
    assert!(
        f.hint.as_deref().unwrap().contains("/api/v1/auth/login/"),
        "{:?}",
        f.hint
    );
    assert!(r
        .find("endpoints.debug", Status::Fail)
        .hint
        .as_deref()
        .unwrap()
        .contains("DEBUG = False"));
}

#[tokio::test]
async fn forbidden_instead_of_401_warns() {
    let r = run_scenario("endpoints-403-not-401", &["--only", "endpoints,jwt"]).await;
    for id in [
        "endpoints.profile",
        "endpoints.license-info",
        "endpoints.models-available",
    ] {
        let f = r.find(id, Status::Warn);
        assert!(f.detail.contains("403 where 401"), "{}", f.detail);
        assert!(
            f.hint
                .as_deref()
                .unwrap()
                .contains("JWTAuthentication first"),
            "{:?}",
            f.hint
        );
    }
    assert_eq!(r.status("endpoints.login"), Status::Pass);
    // Forged tokens are still refused (403 is a refusal); the round trip works.
    let f = r.find("jwt.rejects-forged", Status::Pass);
    assert!(f.detail.contains("403"), "{}", f.detail);
    assert_eq!(r.status("jwt.authenticated"), Status::Pass);
    assert_eq!(r.code, 0);
}
