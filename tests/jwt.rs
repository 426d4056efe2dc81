//! Section 6 against the lab: the login round trip, and the API's refusal of forged tokens.
mod common;
use common::*;
use conncheck::model::Status;

#[tokio::test]
async fn healthy_round_trip_passes() {
    let r = run_scenario("healthy", &["--only", "jwt"]).await;
    r.assert_module_passes("jwt");
    assert_eq!(r.code, 0, "{}", r.stdout);
    let login = &r.rows("jwt.login")[0];
    // TikTrue nests its tokens: found by the fallback, and said so.
    assert!(login.detail.contains("`tokens.access`"), "{}", login.detail);
    let claims = &r.rows("jwt.claims")[0];
    assert!(
        claims.detail.contains("alg HS256") && claims.detail.contains("access lifetime 1 d"),
        "{}",
        claims.detail
    );
    let refresh = &r.rows("jwt.refresh")[0];
    assert!(
        refresh.detail.contains("rotate")
            && refresh.detail.contains("old refresh token is refused"),
        "{}",
        refresh.detail
    );
}

#[tokio::test]
async fn without_credentials_runs_what_needs_none() {
    let r = run_scenario_opts("healthy", &["--only", "jwt"], false, 0).await;
    let login = r.find("jwt.login", Status::Pass);
    assert!(
        login.detail.contains("rejects bad credentials"),
        "{}",
        login.detail
    );
    for id in [
        "jwt.claims",
        "jwt.authenticated",
        "jwt.refresh",
        "jwt.rejects-forged",
        "jwt.weak-secret",
    ] {
        let f = r.find(id, Status::Skip);
        assert!(
            f.hint.as_deref().unwrap().contains("CONNCHECK_USERNAME"),
            "{id}: {:?}",
            f.hint
        );
    }
    assert!(r.rows("jwt.rejects-forged")[0]
        .detail
        .contains("no token → 401"));
    assert_eq!(r.code, 0);
}

#[tokio::test]
async fn missing_refresh_route_fails_refresh_only() {
    let r = run_scenario("jwt-refresh-missing", &["--only", "jwt,endpoints"]).await;
    let f = r.find("jwt.refresh", Status::Fail);
    assert!(f.detail.contains("404"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("TokenRefreshView"));
    for id in [
        "jwt.login",
        "jwt.claims",
        "jwt.authenticated",
        "jwt.rejects-forged",
        "jwt.weak-secret",
    ] {
        assert_eq!(r.status(id), Status::Pass, "{id}");
    }
    r.assert_module_passes("endpoints");
}

#[tokio::test]
async fn wrong_password_fails_login_with_the_servers_message() {
    let r = run_scenario("jwt-wrong-password", &["--only", "jwt,endpoints"]).await;
    let f = r.find("jwt.login", Status::Fail);
    assert!(
        f.detail
            .contains("No active account found with the given credentials"),
        "{}",
        f.detail
    );
    assert!(f.hint.as_deref().unwrap().contains("CONNCHECK_PASSWORD"));
    assert!(
        f.browser_error
            .as_deref()
            .unwrap()
            .ends_with("/api/v1/auth/login/ 401 (Unauthorized)"),
        "{:?}",
        f.browser_error
    );
    assert_eq!(r.status("jwt.refresh"), Status::Skip);
    r.assert_module_passes("endpoints");
}

#[tokio::test]
async fn default_django_secret_is_found() {
    let r = run_scenario("jwt-default-secret", &["--only", "jwt"]).await;
    let f = r.find("jwt.weak-secret", Status::Fail);
    assert!(
        f.detail
            .contains("django-insecure-change-this-in-production")
            && f.detail.contains("CRITICAL"),
        "{}",
        f.detail
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains("SECRET_KEY") && hint.contains("SIGNING_KEY") && hint.contains("rotate"),
        "{hint}"
    );
    for id in [
        "jwt.login",
        "jwt.authenticated",
        "jwt.refresh",
        "jwt.rejects-forged",
    ] {
        assert_eq!(r.status(id), Status::Pass, "{id}");
    }
}

#[tokio::test]
async fn team_wordlist_finds_a_private_guessable_secret() {
    // The lab's own key is not public; a team wordlist that holds it finds it, without showing it.
    let dir = std::env::temp_dir().join(format!("conncheck-wordlist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("words.txt");
    let key = conncheck::lab::scenarios::find("healthy")
        .unwrap()
        .api
        .jwt
        .secret;
    std::fs::write(&path, format!("# ours\nhunter2\n{key}\n")).unwrap();
    let r = run_scenario(
        "healthy",
        &["--only", "jwt", "--jwt-wordlist", path.to_str().unwrap()],
    )
    .await;
    let f = r.find("jwt.weak-secret", Status::Fail);
    assert!(f.detail.contains("entry 2 of"), "{}", f.detail);
    assert!(!r.stdout.contains(&key));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn unverified_signatures_are_critical() {
    let r = run_scenario("jwt-accepts-forged", &["--only", "jwt"]).await;
    let f = r.find("jwt.rejects-forged", Status::Fail);
    assert!(f.detail.contains("signature altered → 200"), "{}", f.detail);
    assert!(f.detail.contains("CRITICAL"), "{}", f.detail);
    assert!(f
        .hint
        .as_deref()
        .unwrap()
        .contains("does not verify signatures"));
    assert_eq!(r.status("jwt.login"), Status::Pass);
    assert_eq!(r.status("jwt.authenticated"), Status::Pass);
}

#[tokio::test]
async fn alg_none_acceptance_is_critical() {
    let r = run_scenario("jwt-accepts-alg-none", &["--only", "jwt"]).await;
    let f = r.find("jwt.rejects-forged", Status::Fail);
    assert!(f.detail.contains("alg none → 200"), "{}", f.detail);
    assert!(f.detail.contains("signature altered → 401"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("ALGORITHM"));
    assert_eq!(r.status("jwt.refresh"), Status::Pass);
}

#[tokio::test]
async fn password_is_not_sent_to_a_plain_http_api() {
    // Refused before any request is made: nothing listens on this loopback port.
    let out = tokio::process::Command::new(bin())
        .args([
            "http://127.0.0.1:9/api/v1",
            "--only",
            "jwt",
            "--format",
            "json",
        ])
        .env("CONNCHECK_USERNAME", "someone@example.test")
        .env("CONNCHECK_PASSWORD", "not-sent-anywhere")
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let r = parse(out);
    let f = r.find("jwt.login", Status::Skip);
    assert!(f.detail.contains("plain http"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("--allow-insecure-auth"));
    assert_eq!(r.status("jwt.rejects-forged"), Status::Skip);
    assert!(!r.stdout.contains("not-sent-anywhere"));
}
