//! Section 3 against the lab: plain HTTP, HSTS and cookie faults fail or warn the right rows
//! with the right typed fault, on the right host, and the other sections still pass.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use common::*;
use conncheck::checks::https::judge::{CookieProblem, HttpsFault};
use conncheck::engine::model::Status;
use conncheck::engine::{Row, Subject};
use typed::{diagnose, key};

const ONLY: &[&str] = &["--only", "dns,tls,https"];

fn host(h: &str) -> Subject {
    Subject::host(h, None)
}

/// The subject of a lab host (the lab serves HTTPS on a non-default port).
fn lab_host(t: &typed::Typed, name: &str) -> Subject {
    t.rows(Row::HttpsHsts)
        .into_iter()
        .map(|f| f.subject.clone())
        .find(|s| s.host_name().as_deref() == Some(name))
        .unwrap_or_else(|| host(name))
}

#[tokio::test]
async fn no_redirect_fails_every_host_showing_the_plain_answer() {
    let r = run_scenario("https-no-redirect", ONLY).await;
    assert_eq!(r.code, 1);
    let t = diagnose("https-no-redirect", ONLY, true).await;
    let rows = t.rows(Row::HttpsRedirect);
    assert_eq!(rows.len(), 3);
    for f in rows {
        assert_eq!(f.status, Status::Fail, "{}", f.detail);
        let h = f.subject.host_name().unwrap();
        assert_eq!(
            f.fault_as::<HttpsFault>(),
            Some(&HttpsFault::PlainHttpServed { host: h })
        );
    }
    assert!(t.not_passing("dns").is_empty() && t.not_passing("tls").is_empty());
    for row in [Row::HttpsHsts, Row::HttpsHeaders, Row::HttpsCookies] {
        assert!(
            t.rows(row).iter().all(|f| f.status == Status::Pass),
            "{row:?}"
        );
    }
}

#[tokio::test]
async fn healthy_redirect_shows_the_301_hop() {
    let t = diagnose("healthy", &["--only", "https"], true).await;
    assert!(
        t.not_passing("https").is_empty(),
        "{:#?}",
        t.not_passing("https")
    );
    let api = lab_host(&t, "api.tiktrue.test");
    let f = &t.on(Row::HttpsRedirect, &api)[0];
    // One wording test: the hop is shown as it was answered.
    assert!(
        f.detail.contains("301 https://api.tiktrue.test"),
        "{}",
        f.detail
    );
    // Cookie rows are about the host, never the cookie's (server-chosen) name.
    let cookies = t.on(Row::HttpsCookies, &api);
    assert!(!cookies.is_empty());
    assert!(cookies.iter().all(|c| c.subject == api));
}

#[tokio::test]
async fn no_hsts_warns_on_every_host() {
    let r = run_scenario("https-no-hsts", ONLY).await;
    assert_eq!(r.code, 0, "missing HSTS warns, it does not fail");
    let t = diagnose("https-no-hsts", ONLY, true).await;
    let rows = t.rows(Row::HttpsHsts);
    assert_eq!(rows.len(), 3);
    for f in rows {
        assert_eq!(f.status, Status::Warn, "{}", f.detail);
        assert_eq!(key(f), "https.hsts-missing");
        let hint = f.hint.as_deref().unwrap();
        // Django's setting on the Django API; the header itself on the static frontend hosts.
        if f.subject.host_name().as_deref() == Some("api.tiktrue.test") {
            assert!(hint.contains("SECURE_HSTS_SECONDS"), "{hint}");
        } else {
            assert!(hint.contains("Strict-Transport-Security"), "{hint}");
            assert!(!hint.contains("SECURE_"), "{hint}");
        }
    }
    assert!(t
        .rows(Row::HttpsRedirect)
        .iter()
        .all(|f| f.status == Status::Pass));
}

#[tokio::test]
async fn insecure_cookies_fail_the_session_and_warn_the_csrf_token() {
    let r = run_scenario("https-insecure-cookie", ONLY).await;
    // Values never appear in the report.
    assert!(!r.stdout.contains("csrftoken=lab"), "cookie value leaked");
    let t = diagnose("https-insecure-cookie", ONLY, true).await;
    let api = lab_host(&t, "api.tiktrue.test");
    let problems: Vec<(String, CookieProblem)> = t
        .on(Row::HttpsCookies, &api)
        .iter()
        .filter_map(|f| match f.fault_as::<HttpsFault>() {
            Some(HttpsFault::Cookie {
                cookie, problem, ..
            }) => Some((cookie.clone(), *problem)),
            _ => None,
        })
        .collect();
    assert!(
        problems.contains(&("sessionid".into(), CookieProblem::SessionInsecure)),
        "{problems:?}"
    );
    // The API sends HSTS with includeSubDomains: the fault says it softens the exposure.
    assert!(
        problems.contains(&(
            "csrftoken".into(),
            CookieProblem::Insecure {
                hsts_subdomains: true
            }
        )),
        "{problems:?}"
    );
    assert!(t
        .rows(Row::HttpsHsts)
        .iter()
        .all(|f| f.status == Status::Pass));
}

#[tokio::test]
async fn the_cookies_the_login_sets_are_judged() {
    let t = diagnose("https-login-cookie-insecure", &["--only", "https"], true).await;
    let api = lab_host(&t, "api.tiktrue.test");
    let f = t
        .on(Row::HttpsCookies, &api)
        .into_iter()
        .find(|f| f.status == Status::Fail)
        .expect("a failing cookie row");
    assert_eq!(key(f), "https.session-cookie-insecure");
    assert!(
        f.detail.contains("set by /api/v1/auth/login/"),
        "{}",
        f.detail
    );
    // Without credentials there is no login, so nothing fails.
    let t = diagnose("https-login-cookie-insecure", &["--only", "https"], false).await;
    assert!(t.not_passing("https").is_empty());
}

#[tokio::test]
async fn a_cross_site_spa_needs_samesite_none_on_the_login_cookie() {
    let t = diagnose("https-cross-site-cookie", &["--only", "https"], true).await;
    let api = lab_host(&t, "api.tiktrue.test");
    let failing: Vec<_> = t
        .on(Row::HttpsCookies, &api)
        .into_iter()
        .filter(|f| f.status != Status::Pass)
        .collect();
    assert_eq!(failing.len(), 1, "{failing:#?}");
    assert_eq!(key(failing[0]), "https.cookie-cross-site-not-none");
    assert!(failing[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("SESSION_COOKIE_SAMESITE = 'None'"));
    // Same-site (the healthy lab: tiktrue.test → api.tiktrue.test): Lax is fine.
    let t = diagnose("healthy", &["--only", "https"], true).await;
    assert!(t.not_passing("https").is_empty());
    // A SPA that sends no credentials does not need SameSite=None.
    let t = diagnose(
        "https-cross-site-cookie",
        &["--only", "https", "--no-credentials"],
        true,
    )
    .await;
    assert!(t.not_passing("https").is_empty());
}

#[tokio::test]
async fn the_proxy_ssl_loop_on_the_https_url_fails_the_redirect() {
    let t = diagnose("https-proxy-ssl-loop", &["--only", "https"], true).await;
    let api = lab_host(&t, "api.tiktrue.test");
    let f = &t.on(Row::HttpsRedirect, &api)[0];
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<HttpsFault>(),
        Some(&HttpsFault::RedirectLoop {
            host: "api.tiktrue.test".into()
        })
    );
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    // Every answer is the same bare 301, so the framework is not recognised: the fix names the
    // header the proxy must send, not one framework's setting.
    assert!(f.hint.as_deref().unwrap().contains("X-Forwarded-Proto"));
}
