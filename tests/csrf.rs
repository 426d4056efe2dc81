//! `jwt.csrf` against the lab: a cookie-session SPA's login POST carries the frontend's Origin
//! as Chrome sends it; a CSRF check's refusal fails the row for its cause (an untrusted origin
//! or a missing token) with the fix worded for the framework; a trusted origin passes; the
//! row never passes without a POST carrying the Origin.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use conncheck::checks::jwt::csrf::{CsrfGuard, CsrfReason};
use conncheck::checks::jwt::judge::JwtFault;
use conncheck::engine::fault::{Missing, Unchecked};
use conncheck::engine::model::Status;
use conncheck::engine::Row;
use typed::{diagnose, key};

#[tokio::test]
async fn an_untrusted_origin_fails_the_csrf_row_with_the_trusted_origins_fix() {
    let t = diagnose("csrf-origin-untrusted", &["--only", "jwt"], true).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.row, Some(Row::JwtCsrf));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(key(f), "jwt.csrf-origin-untrusted");
    let Some(JwtFault::Csrf { origin, refusal }) = f.fault_as::<JwtFault>() else {
        panic!("{f:#?}")
    };
    let origin = origin.as_deref().expect("the POST carried an Origin");
    assert!(origin.starts_with("https://tiktrue.test"), "{origin}");
    assert_eq!(refusal.guard, CsrfGuard::Drf);
    assert_eq!(refusal.status, 403);
    assert!(
        matches!(&refusal.reason, CsrfReason::OriginUntrusted { named: Some(n) } if n == origin)
    );
    assert!(
        f.detail.contains(&format!("with Origin: {origin}")),
        "{}",
        f.detail
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains(&format!("CSRF_TRUSTED_ORIGINS = [\"{origin}\"]")),
        "{hint}"
    );
    // The login row fails too, pointing at the CSRF row as its cause.
    let login = t.one("jwt.login");
    assert_eq!(login.status, Status::Fail);
    assert_eq!(key(login), "jwt.login-csrf-refused");
    assert_eq!(
        login.fault.as_ref().and_then(|x| x.depends_on()),
        Some(Row::JwtCsrf)
    );
    // The lab saw the Origin on the login POST.
    assert!(t
        .log
        .iter()
        .any(|e| e.path == "/api/v1/auth/login/" && e.status == 403));
}

#[tokio::test]
async fn a_missing_csrf_cookie_asks_the_spa_to_send_the_token() {
    let t = diagnose("csrf-cookie-missing", &["--only", "jwt"], true).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(key(f), "jwt.csrf-token-missing");
    let Some(JwtFault::Csrf { refusal, .. }) = f.fault_as::<JwtFault>() else {
        panic!("{f:#?}")
    };
    assert_eq!(refusal.guard, CsrfGuard::Django);
    assert_eq!(refusal.reason, CsrfReason::CookieMissing);
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.starts_with("the SPA must send the CSRF token"),
        "{hint}"
    );
    assert!(hint.contains("X-CSRFToken"), "{hint}");
    assert!(!hint.contains("CSRF_TRUSTED_ORIGINS"), "{hint}");
}

#[tokio::test]
async fn without_credentials_a_refusal_still_fails_and_no_refusal_is_not_a_pass() {
    // The CSRF check runs before the credentials are read: the made-up user's POST shows it.
    let t = diagnose("csrf-origin-untrusted", &["--only", "jwt"], false).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(key(f), "jwt.csrf-origin-untrusted");
    // Not refused, but only a made-up user's POST was made: not checked, saying what to pass.
    let t = diagnose("csrf-trusted", &["--only", "jwt"], false).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Skip);
    assert_eq!(
        f.fault_as::<Unchecked>(),
        Some(&Unchecked(Missing::Credentials))
    );
    assert!(f.detail.contains("CONNCHECK_USERNAME"), "{}", f.detail);
}

#[tokio::test]
async fn a_trusted_origin_passes_with_the_origin_on_the_post() {
    let t = diagnose("csrf-trusted", &["--only", "jwt"], true).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Pass, "{f:#?}");
    assert!(f.fault.is_none());
    assert!(
        f.detail.contains("with Origin: https://tiktrue.test"),
        "{}",
        f.detail
    );
    assert_eq!(t.one("jwt.login").status, Status::Pass);
}

#[tokio::test]
async fn without_a_frontend_origin_the_row_says_to_pass_one() {
    // stack-gateway's API host (gateway.shop.test) implies no frontend origin: without --origin
    // the login POST carries no Origin, so the row is not checked and names the flag.
    let s = conncheck::lab::scenarios::find("stack-gateway").unwrap();
    let lab = conncheck::lab::Lab::start(s, conncheck::lab::LabOptions { delay_ms: 0 })
        .await
        .unwrap();
    let report = typed::without_origin(&lab, &["--only", "jwt"]).await;
    let log = lab.log();
    lab.shutdown().await;
    let f = common::row(&report, Row::JwtCsrf);
    assert_eq!(f.status, Status::Skip, "{f:#?}");
    assert_eq!(f.fault_as::<Unchecked>(), Some(&Unchecked(Missing::Origin)));
    assert!(f.detail.contains("--origin"), "{}", f.detail);
    assert!(f.detail.contains("(no Origin"), "{}", f.detail);
    // The login itself was made (and passed): only the Origin was missing.
    assert_eq!(common::row(&report, Row::JwtLogin).status, Status::Pass);
    assert!(log.iter().any(|e| e.path == "/api/v1/auth/login/"));
}

#[tokio::test]
async fn a_sessions_next_post_refused_for_its_origin_fails_the_row() {
    // DRF's SessionAuthentication lets the anonymous login through; the SPA's next POST, with
    // the session cookie and the Origin, is what its CSRF check refuses.
    let t = diagnose("csrf-session-origin-untrusted", &["--only", "jwt"], true).await;
    assert_eq!(t.one("jwt.login").status, Status::Pass);
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Fail, "{f:#?}");
    assert_eq!(key(f), "jwt.csrf-origin-untrusted");
    let Some(JwtFault::Csrf { origin, refusal }) = f.fault_as::<JwtFault>() else {
        panic!("{f:#?}")
    };
    let origin = origin.as_deref().unwrap();
    assert_eq!(refusal.guard, CsrfGuard::Drf);
    assert!(f.detail.contains("then POST"), "{}", f.detail);
    assert!(
        f.detail.contains("with the login's cookies"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("/auth/forgot-password/"), "{}", f.detail);
    assert!(!f.detail.contains("sessionid=lab"), "{}", f.detail);
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains(&format!("CSRF_TRUSTED_ORIGINS = [\"{origin}\"]")),
        "{hint}"
    );
    // The lab saw the POST with the session cookie and refused it.
    assert!(t
        .log
        .iter()
        .any(|e| e.path == "/api/v1/auth/forgot-password/" && e.status == 403));
}

#[tokio::test]
async fn a_token_the_app_fetches_itself_is_not_blamed_on_the_app() {
    // The bundle shows X-CSRFToken echoed from the csrftoken cookie: the refusal of a login
    // without that cookie is conncheck's, not the browser's.
    let t = diagnose("csrf-token-from-app", &["--only", "jwt"], true).await;
    let f = t.one("jwt.csrf");
    assert_eq!(f.status, Status::Skip, "{f:#?}");
    assert_eq!(key(f), "jwt.csrf-token-not-replayed");
    assert!(
        f.detail.contains("the app's code does send"),
        "{}",
        f.detail
    );
}
