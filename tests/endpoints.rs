//! Section 5 against the lab: each endpoint fault fails the right rows with the right typed
//! fault, the JWT module still runs (or points back here) as it should, protected routes are
//! called with the token, static files and 429s are recognised.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use common::*;
use conncheck::checks::endpoints::judge::{EndpointFault, TokenCause};
use conncheck::engine::model::Status;
use conncheck::engine::{Row, Subject};
use typed::{diagnose, key};

const ENDPOINT_IDS: [&str; 12] = [
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
    "endpoints.static",
];

#[tokio::test]
async fn healthy_passes_every_endpoint_row() {
    let r = run_scenario("healthy", &["--only", "endpoints"]).await;
    r.assert_module_passes("endpoints");
    assert_eq!(r.code, 0, "{}", r.stdout);
    for id in ENDPOINT_IDS {
        assert_eq!(r.rows(id).len(), 1, "{id}");
    }
    // Rows keep the endpoint map's order.
    let ids: Vec<&str> = r
        .report
        .checks
        .iter()
        .filter(|c| c.id.starts_with("endpoints."))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ENDPOINT_IDS);
}

#[tokio::test]
async fn endpoint_rows_carry_their_route_as_subject() {
    let t = diagnose("healthy", &["--only", "endpoints"], true).await;
    let login = t.one("endpoints.login");
    assert_eq!(login.row, Some(Row::Endpoint));
    assert_eq!(
        login.subject,
        Subject::endpoint("login", "POST", "auth/login/")
    );
    assert!(
        t.not_passing("endpoints").is_empty(),
        "{:#?}",
        t.not_passing("endpoints")
    );
    // The static files of the admin's login page were fetched.
    assert!(t
        .log
        .iter()
        .any(|e| e.path == "/static/admin/css/base.css" && e.status == 200));
}

#[tokio::test]
async fn protected_routes_are_called_with_the_token() {
    let t = diagnose("healthy", &["--only", "endpoints"], true).await;
    for path in [
        "/api/v1/auth/profile/",
        "/api/v1/license/info/",
        "/api/v1/models/available/",
    ] {
        let statuses: Vec<u16> = t
            .log
            .iter()
            .filter(|e| e.path == path)
            .map(|e| e.status)
            .collect();
        assert!(statuses.contains(&401), "{path} anonymous: {statuses:?}");
        assert!(
            statuses.contains(&200),
            "{path} with the token: {statuses:?}"
        );
    }
    // Without credentials nothing is sent with a token, and the rows still pass.
    let t = diagnose("healthy", &["--only", "endpoints"], false).await;
    assert!(t
        .log
        .iter()
        .all(|e| e.status != 200 || !e.path.contains("license")));
    assert!(t.not_passing("endpoints").is_empty());
}

#[tokio::test]
async fn a_valid_token_refused_by_one_instance_names_the_signing_key() {
    let t = diagnose(
        "endpoints-token-refused",
        &["--only", "endpoints,jwt"],
        true,
    )
    .await;
    let f = t.one("endpoints.license-info");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<EndpointFault>(),
        Some(&EndpointFault::TokenRefused {
            path: "license/info/".into(),
            status: 401,
            causes: vec![TokenCause::OtherRoutesAccept],
        })
    );
    assert!(f.hint.as_deref().unwrap().contains("SIGNING_KEY"));
    for id in [
        "endpoints.profile",
        "endpoints.models-available",
        "jwt.authenticated",
    ] {
        assert_eq!(t.one(id).status, Status::Pass, "{id}");
    }
}

#[tokio::test]
async fn missing_static_files_fail_with_collectstatic() {
    let t = diagnose("endpoints-static-missing", &["--only", "endpoints"], true).await;
    let f = t.one("endpoints.static");
    assert_eq!(f.row, Some(Row::EndpointsStatic));
    assert_eq!(f.status, Status::Fail);
    match f.fault_as::<EndpointFault>() {
        Some(EndpointFault::StaticMissing { broken }) => {
            assert_eq!(broken.len(), 3, "{broken:?}");
            assert!(broken.iter().all(|a| a.status == Some(404)));
        }
        other => panic!("{other:?}"),
    }
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains("collectstatic") && hint.contains("WhiteNoise"),
        "{hint}"
    );
    assert_eq!(t.one("endpoints.login").status, Status::Pass);
}

#[tokio::test]
async fn a_throttled_login_is_a_lockout_not_the_routes_failure() {
    let t = diagnose(
        "endpoints-login-throttled",
        &["--only", "endpoints,jwt"],
        true,
    )
    .await;
    let f = t.one("endpoints.login");
    assert_eq!(
        f.status,
        Status::Warn,
        "a 429 is not the route's own failure"
    );
    assert_eq!(key(f), "endpoints.login-locked-out");
    match f.fault_as::<EndpointFault>() {
        Some(EndpointFault::RateLimited { limit, .. }) => {
            assert_eq!(limit.retry_after, Some(1800));
            assert!(
                limit.lockout && !limit.retried,
                "Retry-After 1800 s is not waited"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(f.hint.as_deref().unwrap().contains("axes"));
    assert_eq!(
        f.browser_error
            .as_deref()
            .map(|b| b.ends_with("429 (Too Many Requests)")),
        Some(true)
    );
    assert_eq!(t.one("jwt.login").status, Status::Fail);
    // Never retried sooner than Retry-After: one POST per login attempt made.
    let posts = t
        .log
        .iter()
        .filter(|e| e.path == "/api/v1/auth/login/")
        .count();
    assert!(posts <= 4, "{posts} login POSTs");
}

#[tokio::test]
async fn missing_routes_fail_with_404_and_the_rest_pass() {
    let r = run_scenario("endpoints-missing-routes", &["--only", "endpoints,jwt"]).await;
    for id in ["endpoints.license-info", "endpoints.models-available"] {
        let f = r.find(id, Status::Fail);
        // Chrome's console line, word for word.
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
    let t = diagnose("endpoints-missing-routes", &["--only", "endpoints"], true).await;
    assert_eq!(key(t.one("endpoints.license-info")), "endpoints.not-found");
}

#[tokio::test]
async fn wrong_api_version_suggests_the_near_miss() {
    // The deployment serves /api/v1/; conncheck is pointed at /api/v2/.
    let t = diagnose(
        "healthy",
        &["--only", "endpoints", "--api-base", "/api/v2"],
        true,
    )
    .await;
    let f = t.one("endpoints.login");
    match f.fault_as::<EndpointFault>() {
        Some(EndpointFault::NotFound {
            near_miss: Some((url, 400)),
            ..
        }) => {
            assert!(url.ends_with("/api/v1/auth/login/"), "{url}")
        }
        other => panic!("{other:?}"),
    }
    // Routes outside the API base are unaffected.
    assert_eq!(t.one("endpoints.health").status, Status::Pass);
}

#[tokio::test]
async fn disallowed_host_names_allowed_hosts_on_every_route() {
    let t = diagnose(
        "endpoints-disallowed-host",
        &["--only", "endpoints,jwt"],
        true,
    )
    .await;
    // The routes the bundle calls fail; conncheck's own guesses (health, admin) only warn.
    for (id, status) in [
        ("endpoints.health", Status::Warn),
        ("endpoints.login", Status::Fail),
        ("endpoints.profile", Status::Fail),
        ("endpoints.admin", Status::Warn),
    ] {
        let f = t.one(id);
        assert_eq!(f.status, status, "{id}");
        assert_eq!(
            f.fault_as::<EndpointFault>(),
            Some(&EndpointFault::DisallowedHost)
        );
    }
    assert!(t
        .one("jwt.login")
        .hint
        .as_deref()
        .unwrap()
        .contains("endpoints.login"));
    assert_eq!(t.one("jwt.refresh").status, Status::Skip);
    // The admin page is not served: its static files are not judged, and the skip says why.
    let s = t.one("endpoints.static");
    assert_eq!(s.status, Status::Skip);
    assert_eq!(key(s), "endpoints.not-answering");
}

#[tokio::test]
async fn debug_on_fails_the_debug_row() {
    let t = diagnose("endpoints-debug-on", &["--only", "endpoints"], true).await;
    let f = t.one("endpoints.debug");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(key(f), "endpoints.debug-page");
    assert_eq!(t.one("endpoints.login").status, Status::Pass);
    assert_eq!(t.one("endpoints.exposure").status, Status::Pass);
}

#[tokio::test]
async fn database_down_fails_with_500_and_503() {
    let t = diagnose("endpoints-backend-500", &["--only", "endpoints,jwt"], true).await;
    let f = t.one("endpoints.login");
    assert_eq!(key(f), "endpoints.server-error");
    assert!(f
        .browser_error
        .as_deref()
        .unwrap()
        .ends_with("500 (Internal Server Error)"));
    assert_eq!(key(t.one("endpoints.health")), "endpoints.app-unavailable");
    // Auth is checked before the database: protected routes still answer 401.
    assert_eq!(t.one("endpoints.profile").status, Status::Pass);
    assert!(t
        .one("jwt.login")
        .hint
        .as_deref()
        .unwrap()
        .contains("endpoints.login"));
}

#[tokio::test]
async fn proxy_502_says_the_app_is_down() {
    let t = diagnose("endpoints-backend-down", &["--only", "endpoints"], true).await;
    let f = t.one("endpoints.profile");
    assert_eq!(key(f), "endpoints.proxy-error");
    assert!(f
        .browser_error
        .as_deref()
        .unwrap()
        .ends_with("502 (Bad Gateway)"));
    // Nothing to judge behind a dead proxy: skipped, not passed, and pointing at the cause.
    for id in ["endpoints.exposure", "endpoints.debug", "endpoints.static"] {
        let f = t.one(id);
        assert_eq!(f.status, Status::Skip, "{id}");
        assert_eq!(
            f.fault.as_ref().and_then(|x| x.depends_on()),
            Some(Row::Endpoint),
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_maintenance_503_is_named_as_maintenance_not_a_dead_app() {
    let t = diagnose("endpoints-maintenance", &["--only", "endpoints"], true).await;
    let f = t.one("endpoints.profile");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(key(f), "endpoints.maintenance");
    assert_eq!(
        f.fault_as::<EndpointFault>(),
        Some(&EndpointFault::Maintenance {
            title: Some("Down for maintenance".into()),
            retry_after: Some("600".into())
        })
    );
    assert!(
        f.detail.contains("\"Down for maintenance\""),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("Retry-After: 600"), "{}", f.detail);
    let hint = f.hint.as_deref().unwrap();
    assert!(hint.contains("maintenance mode"), "{hint}");
    assert!(
        !hint.contains("not running") && !hint.contains("cannot reach"),
        "{hint}"
    );
    for id in ["endpoints.exposure", "endpoints.debug", "endpoints.static"] {
        let f = t.one(id);
        assert_eq!(f.status, Status::Skip, "{id}");
        assert_eq!(key(f), "endpoints.maintenance", "{id}");
        assert!(!f.detail.contains("not answering"), "{id}: {}", f.detail);
    }
}

#[tokio::test]
async fn exposed_setup_route_fails_exposure() {
    let t = diagnose("endpoints-setup-exposed", &["--only", "endpoints"], true).await;
    let f = t.one("endpoints.exposure");
    assert_eq!(
        f.fault_as::<EndpointFault>(),
        Some(&EndpointFault::SetupExposed {
            paths: vec!["/setup/database/".into()]
        })
    );
    for id in ["endpoints.login", "endpoints.health", "endpoints.debug"] {
        assert_eq!(t.one(id).status, Status::Pass, "{id}");
    }
}

#[tokio::test]
async fn debug_page_on_a_route_is_named_on_that_row() {
    // A wrong API base makes every API route 404, each answered by the debug page.
    let t = diagnose(
        "endpoints-debug-on",
        &["--only", "endpoints", "--api-base", "/api/v2"],
        true,
    )
    .await;
    let f = t.one("endpoints.login");
    // The row keeps the route's own fault (the near miss); DEBUG is fixed under endpoints.debug.
    assert_eq!(key(f), "endpoints.not-found");
    assert!(f.detail.contains("the Django debug page"), "{}", f.detail);
    assert_eq!(key(t.one("endpoints.debug")), "endpoints.debug-page");
}

#[tokio::test]
async fn forbidden_instead_of_401_warns() {
    let r = run_scenario("endpoints-403-not-401", &["--only", "endpoints,jwt"]).await;
    assert_eq!(r.code, 0);
    let t = diagnose("endpoints-403-not-401", &["--only", "endpoints,jwt"], true).await;
    for id in [
        "endpoints.profile",
        "endpoints.license-info",
        "endpoints.models-available",
    ] {
        let f = t.one(id);
        assert_eq!(f.status, Status::Warn, "{id}");
        assert_eq!(key(f), "endpoints.403-not-401");
    }
    assert_eq!(t.one("endpoints.login").status, Status::Pass);
    // Forged tokens are still refused (403 is a refusal); the round trip works.
    assert_eq!(t.one("jwt.rejects-forged").status, Status::Pass);
    assert_eq!(t.one("jwt.authenticated").status, Status::Pass);
}

#[tokio::test]
async fn the_proxy_ssl_loop_fails_routes_that_redirect_to_themselves() {
    let t = diagnose("https-proxy-ssl-loop", &["--only", "https,endpoints"], true).await;
    // /health/ is conncheck's guess (the bundle never calls it): a warning, same cause.
    let f = t.one("endpoints.health");
    assert_eq!(f.status, Status::Warn);
    assert_eq!(key(f), "endpoints.redirects-to-itself");
    let login = t.one("endpoints.login");
    assert_eq!(login.status, Status::Fail);
    assert_eq!(key(login), "endpoints.redirects-to-itself");
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    assert!(f
        .hint
        .as_deref()
        .unwrap()
        .contains("SECURE_PROXY_SSL_HEADER"));
}

#[tokio::test]
async fn a_hanging_route_does_not_cost_the_other_rows_at_the_deadline() {
    // One view never answers; the run's deadline cuts it off. Every other endpoint row was
    // pushed as soon as it was decided, so only the hanging one reports the deadline.
    let t = diagnose(
        "endpoints-route-hangs",
        &["--only", "endpoints", "--deadline", "6", "--timeout", "30"],
        false,
    )
    .await;
    let stuck = t.one("endpoints.models-available");
    assert_eq!(stuck.status, Status::Error, "{}", stuck.detail);
    assert_eq!(key(stuck), "run.deadline");
    for id in [
        "endpoints.health",
        "endpoints.login",
        "endpoints.profile",
        "endpoints.license-info",
    ] {
        assert_eq!(t.one(id).status, Status::Pass, "{id}");
    }
}

#[tokio::test]
async fn every_non_passing_row_of_these_modules_carries_a_fault() {
    for scenario in [
        "healthy",
        "https-no-redirect",
        "https-no-hsts",
        "https-insecure-cookie",
        "https-proxy-ssl-loop",
        "https-cross-site-cookie",
        "endpoints-missing-routes",
        "endpoints-disallowed-host",
        "endpoints-debug-on",
        "endpoints-backend-500",
        "endpoints-backend-down",
        "endpoints-403-not-401",
        "endpoints-setup-exposed",
        "endpoints-static-missing",
        "endpoints-login-throttled",
        "endpoints-token-refused",
    ] {
        let t = diagnose(scenario, &["--only", "dns,tls,https,endpoints"], true).await;
        for f in t
            .report
            .findings
            .iter()
            .filter(|f| matches!(f.module.name(), "https" | "endpoints"))
        {
            assert!(f.row.is_some(), "{scenario}: {} has no typed row", f.id);
            match f.status {
                Status::Pass => {
                    assert!(f.fault.is_none(), "{scenario}: pass {} with a fault", f.id)
                }
                Status::Warn | Status::Fail | Status::Error => {
                    assert!(
                        f.fault.is_some(),
                        "{scenario}: {} {} without a fault: {}",
                        f.id,
                        f.status,
                        f.detail
                    )
                }
                Status::Skip => {}
            }
        }
    }
}

#[tokio::test]
async fn a_short_retry_after_is_waited_once_and_never_sooner() {
    let t = diagnose(
        "endpoints-login-rate-limited",
        &["--only", "endpoints"],
        false,
    )
    .await;
    let f = t.one("endpoints.login");
    assert_eq!(f.status, Status::Warn);
    assert_eq!(key(f), "endpoints.rate-limited");
    match f.fault_as::<EndpointFault>() {
        Some(EndpointFault::RateLimited { limit, .. }) => {
            assert_eq!(limit.retry_after, Some(1));
            assert_eq!(limit.limit.as_deref(), Some("5;w=60"));
            assert!(limit.retried && !limit.lockout, "{limit:?}");
        }
        other => panic!("{other:?}"),
    }
    let posts: Vec<_> = t
        .log
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/api/v1/auth/login/")
        .collect();
    assert_eq!(posts.len(), 2, "asked once more, once");
    assert!(
        posts[1].start >= posts[0].end + std::time::Duration::from_secs(1),
        "the second request waited Retry-After: {:?} then {:?}",
        posts[0].end,
        posts[1].start
    );
}

#[tokio::test]
async fn the_token_sent_to_protected_routes_never_appears_in_the_report() {
    let r = run_scenario("endpoints-token-refused", &["--only", "endpoints,jwt"]).await;
    assert_eq!(r.status("endpoints.license-info"), Status::Fail);
    assert!(!r.stdout.contains("eyJ"), "a token leaked:\n{}", r.stdout);
    assert_eq!(r.code, 1);
}

/// Issue 20: conncheck's own concurrency must not keep tripping a rate limit. Once the API
/// answers 429 with a short Retry-After, no request to it starts before that time is up.
#[tokio::test]
async fn after_a_429_the_host_is_left_alone_for_retry_after() {
    let t = diagnose(
        "endpoints-login-rate-limited",
        &["--only", "endpoints"],
        false,
    )
    .await;
    let api = "api.tiktrue.test";
    let first_429 = t
        .log
        .iter()
        .filter(|e| e.host == api && e.status == 429)
        .map(|e| e.end)
        .min()
        .expect("the lab answered 429");
    // Requests already on their way when the 429 left the server are not the client's choice:
    // give the answer 100 ms to arrive, then nothing may start until Retry-After (1 s) is up.
    let (from, to) = (
        first_429 + std::time::Duration::from_millis(100),
        first_429 + std::time::Duration::from_millis(950),
    );
    let early: Vec<_> = t
        .log
        .iter()
        .filter(|e| e.host == api && e.start > from && e.start < to)
        .collect();
    assert!(
        early.is_empty(),
        "requests started within Retry-After of the 429: {early:#?}"
    );
}

#[tokio::test]
async fn an_express_apis_missing_route_is_fixed_in_the_express_router() {
    let t = diagnose(
        "endpoints-express-missing-route",
        &["--only", "endpoints,jwt"],
        true,
    )
    .await;
    let me = t.one("endpoints.me");
    assert_eq!(me.status, Status::Fail);
    assert_eq!(key(me), "endpoints.not-found");
    assert_eq!(
        me.fault_as::<EndpointFault>(),
        Some(&EndpointFault::NotFound {
            method: "GET".into(),
            path: "/api/v1/me".into(),
            near_miss: None
        })
    );
    let hint = me.hint.as_deref().unwrap();
    assert!(hint.contains("no route answers GET /api/v1/me"), "{hint}");
    assert!(hint.contains("Express router"), "{hint}");
    // No Django vocabulary anywhere for this Express app.
    for f in t
        .report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
    {
        for django in [
            "urls.py",
            "gunicorn",
            "manage.py",
            "SIMPLE_JWT",
            "REST_FRAMEWORK",
            "APPEND_SLASH",
            "ALLOWED_HOSTS",
            "collectstatic",
        ] {
            assert!(
                !f.hint.as_deref().unwrap_or("").contains(django),
                "{}: {:?}",
                f.id,
                f.hint
            );
        }
    }
}
