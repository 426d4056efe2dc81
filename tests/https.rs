//! Section 3 against the lab: plain HTTP, HSTS and cookie faults fail or warn the right rows with
//! the stack's fix, and the other sections still pass.
mod common;
use common::*;
use conncheck::model::{Finding, Status};

const ONLY: &[&str] = &["--only", "dns,tls,https"];

fn for_host<'a>(r: &'a Run, id: &str, host: &str) -> Vec<&'a Finding> {
    r.rows(id)
        .into_iter()
        .filter(|f| f.title.starts_with(&format!("{host}:")))
        .collect()
}

#[tokio::test]
async fn no_redirect_fails_every_host_showing_the_plain_answer() {
    let r = run_scenario("https-no-redirect", ONLY).await;
    let rows = r.rows("https.redirect");
    assert_eq!(rows.len(), 3);
    for f in rows {
        assert_eq!(f.status, Status::Fail, "{}", f.detail);
        assert!(f.detail.contains("plain HTTP is served"), "{}", f.detail);
        assert!(f.detail.contains("http://"), "{}", f.detail);
        assert!(f.hint.as_deref().unwrap().contains("SECURE_SSL_REDIRECT"));
    }
    let front = &for_host(&r, "https.redirect", "tiktrue.test")[0];
    assert!(front.detail.contains("→ 200"), "{}", front.detail);
    r.assert_module_passes("dns");
    r.assert_module_passes("tls");
    for id in ["https.hsts", "https.headers", "https.cookies"] {
        assert!(r.rows(id).iter().all(|f| f.status == Status::Pass), "{id}");
    }
    assert_eq!(r.code, 1);
}

#[tokio::test]
async fn healthy_redirect_shows_the_301_hop() {
    let r = run_scenario("healthy", &["--only", "https"]).await;
    let f = &for_host(&r, "https.redirect", "api.tiktrue.test")[0];
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.detail.contains("301 https://api.tiktrue.test"),
        "{}",
        f.detail
    );
    let c = &for_host(&r, "https.cookies", "api.tiktrue.test")[0];
    assert!(
        c.title.contains("csrftoken") && c.detail.contains("Secure"),
        "{}",
        c.detail
    );
}

#[tokio::test]
async fn no_hsts_warns_on_every_host() {
    let r = run_scenario("https-no-hsts", ONLY).await;
    let rows = r.rows("https.hsts");
    assert_eq!(rows.len(), 3);
    for f in rows {
        assert_eq!(f.status, Status::Warn, "{}", f.detail);
        assert!(
            f.detail.contains("no Strict-Transport-Security"),
            "{}",
            f.detail
        );
        assert!(f.hint.as_deref().unwrap().contains("SECURE_HSTS_SECONDS"));
    }
    assert_eq!(r.code, 0, "missing HSTS warns, it does not fail");
    r.assert_module_passes("dns");
    r.assert_module_passes("tls");
    assert!(r
        .rows("https.redirect")
        .iter()
        .all(|f| f.status == Status::Pass));
}

#[tokio::test]
async fn insecure_cookies_fail_the_session_and_warn_the_csrf_token() {
    let r = run_scenario("https-insecure-cookie", ONLY).await;
    let rows = for_host(&r, "https.cookies", "api.tiktrue.test");
    let session = rows
        .iter()
        .find(|f| f.title.contains("sessionid"))
        .expect("a sessionid row");
    assert_eq!(session.status, Status::Fail, "{}", session.detail);
    assert!(session
        .hint
        .as_deref()
        .unwrap()
        .contains("SESSION_COOKIE_SECURE"));
    let csrf = rows
        .iter()
        .find(|f| f.title.contains("csrftoken"))
        .expect("a csrftoken row");
    assert_eq!(csrf.status, Status::Warn, "{}", csrf.detail);
    assert!(csrf.hint.as_deref().unwrap().contains("CSRF_COOKIE_SECURE"));
    // The API sends HSTS with includeSubDomains: the row says it softens the exposure.
    assert!(csrf.detail.contains("includeSubDomains"), "{}", csrf.detail);
    // Values never appear in the report.
    assert!(!r.stdout.contains("csrftoken=lab"), "cookie value leaked");
    r.assert_module_passes("dns");
    r.assert_module_passes("tls");
    assert!(r
        .rows("https.hsts")
        .iter()
        .all(|f| f.status == Status::Pass));
}
