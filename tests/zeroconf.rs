//! Zero-config against stack-shaped lab deployments: the endpoint map is what the bundle calls
//! (exact paths), the login follows the bundle (or the login's own 400), guessed routes never
//! fail, and a run that could not check CORS is not green under `--fail-on warn`.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use common::*;
use conncheck::checks::endpoints::judge::EndpointFault;
use conncheck::engine::fault::{Missing, Unchecked};
use conncheck::engine::model::Status;
use conncheck::engine::Subject;
use conncheck::lab::{Lab, LabOptions};
use typed::diagnose;

#[tokio::test]
async fn a_bearer_spa_is_checked_on_the_routes_it_calls_with_its_login() {
    let t = diagnose("stack-bearer-spa", &[], true).await;
    let login = t.one("endpoints.login");
    // The app's path, exactly: no slash added.
    assert_eq!(
        login.subject,
        Subject::endpoint("login", "POST", "/api/v1/auth/login")
    );
    let me = t.one("endpoints.me");
    assert_eq!(me.subject, Subject::endpoint("me", "GET", "/api/v1/me"));
    assert_eq!(me.status, Status::Pass, "{me:#?}");
    assert_eq!(t.one("jwt.login").status, Status::Pass);
    assert_eq!(t.one("jwt.authenticated").status, Status::Pass);
    assert!(
        t.not_passing("jwt").is_empty(),
        "{:#?}",
        t.not_passing("jwt")
    );
    assert!(
        t.not_passing("endpoints")
            .iter()
            .all(|f| f.status == Status::Skip || f.status == Status::Pass),
        "{:#?}",
        t.not_passing("endpoints")
    );
}

#[tokio::test]
async fn a_404_on_a_route_the_bundle_calls_fails() {
    let t = diagnose("stack-bearer-spa-404", &["--only", "endpoints"], true).await;
    let me = t.one("endpoints.me");
    assert_eq!(me.status, Status::Fail);
    assert!(
        matches!(
            me.fault_as::<EndpointFault>(),
            Some(EndpointFault::NotFound { .. })
        ),
        "{me:#?}"
    );
}

#[tokio::test]
async fn the_login_tries_once_more_with_the_field_its_400_names() {
    let t = diagnose("stack-email-login", &["--only", "jwt"], true).await;
    let login = t.one("jwt.login");
    assert_eq!(login.status, Status::Pass, "{login:#?}");
    assert!(login.detail.contains("`email`"), "{}", login.detail);
    // Two login POSTs: the first, and the one retry.
    let posts = t
        .log
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/auth/login/"))
        .count();
    assert_eq!(posts, 2);
    assert_eq!(t.one("jwt.authenticated").status, Status::Pass);
}

#[tokio::test]
async fn guessed_routes_the_api_lacks_are_information() {
    // The Express-shaped API has neither /health/ nor a Django admin; the bundle calls neither.
    let t = diagnose("stack-bearer-spa", &[], true).await;
    for id in ["endpoints.health", "endpoints.admin"] {
        let f = t.one(id);
        assert_eq!(f.status, Status::Skip, "{f:#?}");
        assert!(f.fault.is_none(), "{f:#?}");
        assert!(f.detail.contains("guessed"), "{}", f.detail);
    }
    let failing: Vec<_> = t
        .report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
        .map(|f| (&f.id, &f.detail))
        .collect();
    assert!(failing.is_empty(), "{failing:#?}");
}

/// Run the binary against a lab without the `--origin` flags the lab would add.
async fn without_origin(lab: &Lab, extra: &[&str]) -> Run {
    let mut args = lab.args();
    while let Some(i) = args.iter().position(|a| a == "--origin") {
        args.drain(i..i + 2);
    }
    let c = lab.credentials();
    let out = tokio::process::Command::new(bin())
        .args(args)
        .args(["--format", "json", "--deadline", "60"])
        .args(extra)
        .env("CONNCHECK_USERNAME", c.username)
        .env("CONNCHECK_PASSWORD", c.password)
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    parse(out)
}

#[tokio::test]
async fn no_origin_is_incomplete_and_fails_under_fail_on_warn() {
    let s = conncheck::lab::scenarios::find("stack-gateway").unwrap();
    let lab = Lab::start(s, LabOptions { delay_ms: 0 }).await.unwrap();
    let only = ["--only", "frontend,websocket,endpoints"];
    let warn = without_origin(&lab, &[&only[..], &["--fail-on", "warn"]].concat()).await;
    let default = without_origin(&lab, &only).await;
    let with_origin = run_against(&lab, &[&only[..], &["--fail-on", "warn"]].concat(), true).await;
    let typed = typed::without_origin(&lab, &only).await;
    lab.shutdown().await;
    let view = conncheck::report::view::View::of(&typed);
    assert_eq!(
        view.verdict.outcome,
        conncheck::report::view::Outcome::Incomplete
    );
    for f in typed
        .findings
        .iter()
        .filter(|f| f.id.starts_with("frontend.") || f.id.starts_with("websocket."))
    {
        assert_eq!(f.status, Status::Skip, "{}", f.id);
        assert_eq!(
            f.fault_as::<Unchecked>(),
            Some(&Unchecked(Missing::Origin)),
            "{}",
            f.id
        );
    }
    assert_eq!(
        warn.code, 1,
        "incomplete under --fail-on warn:\n{}",
        warn.stdout
    );
    assert_eq!(default.code, 0, "{}", default.stdout);
    for id in ["frontend.page", "websocket.upgrade"] {
        let rows = warn.rows(id);
        assert!(!rows.is_empty(), "{id}");
        for f in rows {
            assert_eq!(f.status, Status::Skip, "{id}");
            assert!(f.detail.contains("--origin"), "{id}: {}", f.detail);
        }
    }
    assert_eq!(with_origin.code, 0, "{}", with_origin.stdout);
}

#[tokio::test]
async fn a_refresh_token_in_an_httponly_cookie_is_refreshed_with_the_cookie() {
    let t = diagnose("stack-refresh-cookie", &["--only", "jwt"], true).await;
    let refresh = t.one("jwt.refresh");
    assert_eq!(refresh.status, Status::Pass, "{refresh:#?}");
    assert!(
        refresh.detail.contains("httpOnly cookie"),
        "{}",
        refresh.detail
    );
    // The cookie's value (a refresh JWT) never shows.
    assert!(!refresh.detail.contains("eyJ"), "{}", refresh.detail);
    assert!(
        t.not_passing("jwt")
            .iter()
            .all(|f| f.status == Status::Skip),
        "{:#?}",
        t.not_passing("jwt")
    );
}
