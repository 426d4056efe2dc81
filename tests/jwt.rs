//! Section 6 against the lab: the login round trip, and the API's refusal of forged tokens.
//! Verdicts are asserted on rows, statuses, subjects and typed faults; a few tests keep the
//! words that matter word for word (Chrome's console line, what the report says was found).
mod common;
use common::*;
use conncheck::checks::jwt::judge::{Forgery, JwtFault};
use conncheck::engine::fault::{Missing, Unchecked};
use conncheck::engine::model::Status;
use conncheck::engine::{Row, Subject};

const LATER_ROWS: [Row; 4] = [
    Row::JwtClaims,
    Row::JwtAuthenticated,
    Row::JwtRefresh,
    Row::JwtWeakSecret,
];

fn fault(r: &conncheck::engine::model::Report, which: Row) -> Option<&JwtFault> {
    row(r, which).fault_as::<JwtFault>()
}

#[tokio::test]
async fn healthy_round_trip_passes() {
    let r = run_scenario("healthy", &["--only", "jwt"]).await;
    r.assert_module_passes("jwt");
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Words kept on purpose: TikTrue nests its tokens, found by the fallback and said so; the
    // refresh round trip reports rotation.
    let login = &r.rows("jwt.login")[0];
    assert!(login.detail.contains("`tokens.access`"), "{}", login.detail);
    let refresh = &r.rows("jwt.refresh")[0];
    assert!(
        refresh.detail.contains("old refresh token is refused"),
        "{}",
        refresh.detail
    );
}

#[tokio::test]
async fn rows_are_about_the_auth_routes_and_passes_carry_no_fault() {
    let r = scenario_report("healthy", &["--only", "jwt"], true).await;
    let name = |which| match &row(&r, which).subject {
        Subject::Endpoint { name, .. } => name.clone(),
        other => panic!("{which:?}: {other:?}"),
    };
    assert_eq!(name(Row::JwtLogin), "login");
    assert_eq!(name(Row::JwtAuthenticated), "profile");
    assert_eq!(name(Row::JwtRefresh), "refresh");
    assert_eq!(name(Row::JwtRejectsForged), "profile");
    assert_eq!(row(&r, Row::JwtClaims).subject, Subject::Deployment);
    for f in r.findings.iter().filter(|f| f.module.name() == "jwt") {
        assert_eq!(f.status, Status::Pass, "{}", f.id);
        assert!(f.fault.is_none(), "{}: {:?}", f.id, f.fault);
    }
}

#[tokio::test]
async fn without_credentials_runs_what_needs_none() {
    let r = scenario_report("healthy", &["--only", "jwt"], false).await;
    assert_eq!(row(&r, Row::JwtLogin).status, Status::Pass);
    for which in LATER_ROWS.into_iter().chain([Row::JwtRejectsForged]) {
        let f = row(&r, which);
        assert_eq!(f.status, Status::Skip, "{which:?}");
        assert_eq!(
            f.fault_as::<Unchecked>(),
            Some(&Unchecked(Missing::Credentials)),
            "{which:?}"
        );
    }
}

#[tokio::test]
async fn missing_refresh_route_fails_refresh_only() {
    let r = scenario_report("jwt-refresh-missing", &["--only", "jwt,endpoints"], true).await;
    let f = row(&r, Row::JwtRefresh);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::RefreshRouteMissing { status: 404 })
    );
    for which in [
        Row::JwtLogin,
        Row::JwtClaims,
        Row::JwtAuthenticated,
        Row::JwtRejectsForged,
        Row::JwtWeakSecret,
    ] {
        assert_eq!(row(&r, which).status, Status::Pass, "{which:?}");
    }
    for f in r.findings.iter().filter(|f| f.module.name() == "endpoints") {
        assert_eq!(f.status, Status::Pass, "{}", f.id);
    }
}

#[tokio::test]
async fn wrong_password_fails_login_with_chromes_line() {
    let r = scenario_report("jwt-wrong-password", &["--only", "jwt"], true).await;
    let f = row(&r, Row::JwtLogin);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::CredentialsRefused { status: 401 })
    );
    // Chrome's console line, word for word.
    assert!(
        f.browser_error
            .as_deref()
            .unwrap()
            .ends_with("/api/v1/auth/login/ 401 (Unauthorized)"),
        "{:?}",
        f.browser_error
    );
    // The server's own message is the evidence.
    assert!(
        f.detail
            .contains("No active account found with the given credentials"),
        "{}",
        f.detail
    );
    for which in LATER_ROWS {
        let f = row(&r, which);
        assert_eq!(f.status, Status::Skip, "{which:?}");
        assert_eq!(f.fault_as::<Unchecked>(), Some(&Unchecked(Missing::Token)));
    }
}

#[tokio::test]
async fn default_django_secret_is_found() {
    let r = scenario_report("jwt-default-secret", &["--only", "jwt"], true).await;
    let f = row(&r, Row::JwtWeakSecret);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::KnownSecret {
            alg: "HS256".into(),
            secret: "django-insecure-change-this-in-production".into()
        })
    );
    for which in [
        Row::JwtLogin,
        Row::JwtAuthenticated,
        Row::JwtRefresh,
        Row::JwtRejectsForged,
    ] {
        assert_eq!(row(&r, which).status, Status::Pass, "{which:?}");
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
    assert_eq!(r.status("jwt.weak-secret"), Status::Fail);
    assert!(!r.stdout.contains(&key));
    let typed = scenario_report(
        "healthy",
        &["--only", "jwt", "--jwt-wordlist", path.to_str().unwrap()],
        true,
    )
    .await;
    assert!(matches!(
        fault(&typed, Row::JwtWeakSecret),
        Some(JwtFault::WordlistSecret { entry: 2, .. })
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn unverified_signatures_are_critical() {
    let r = scenario_report("jwt-accepts-forged", &["--only", "jwt"], true).await;
    let f = row(&r, Row::JwtRejectsForged);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::ForgedAccepted {
            accepted: vec![Forgery::SignatureAltered]
        })
    );
    assert_eq!(f.fault_key(), Some("jwt.signature-not-verified"));
    assert_eq!(row(&r, Row::JwtLogin).status, Status::Pass);
    assert_eq!(row(&r, Row::JwtAuthenticated).status, Status::Pass);
}

#[tokio::test]
async fn alg_none_acceptance_is_critical() {
    let r = scenario_report("jwt-accepts-alg-none", &["--only", "jwt"], true).await;
    let f = row(&r, Row::JwtRejectsForged);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::ForgedAccepted {
            accepted: vec![Forgery::AlgNone]
        })
    );
    assert_eq!(row(&r, Row::JwtRefresh).status, Status::Pass);
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
    assert!(f.hint.as_deref().unwrap().contains("--allow-insecure-auth"));
    assert_eq!(r.status("jwt.rejects-forged"), Status::Skip);
    assert!(!r.stdout.contains("not-sent-anywhere"));
}

/// JWT and WebSocket share the run's one login: the lab sees a single login POST.
#[tokio::test]
async fn jwt_and_websocket_share_one_login() {
    let s = conncheck::lab::scenarios::find("websocket-token").unwrap();
    let lab = conncheck::lab::Lab::start(s, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let r = diagnose_in_process(&lab, &["--only", "jwt,websocket"], true).await;
    let log = lab.log();
    lab.shutdown().await;
    assert_eq!(row(&r, Row::JwtLogin).status, Status::Pass);
    assert_eq!(row(&r, Row::WebsocketUpgrade).status, Status::Pass);
    let Subject::Endpoint { path, .. } = &row(&r, Row::JwtLogin).subject else {
        panic!("login row is about its route");
    };
    let logins = log
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with(path.as_str()))
        .count();
    assert_eq!(logins, 1, "{log:#?}");
}

/// Issue 20: an access token living longer than a day is warned about.
#[tokio::test]
async fn week_long_access_tokens_warn_on_claims() {
    use conncheck::checks::jwt::judge::ClaimProblem;
    let r = scenario_report("jwt-long-lived-access", &["--only", "jwt"], true).await;
    let f = row(&r, Row::JwtClaims);
    assert_eq!(f.status, Status::Warn);
    assert_eq!(
        f.fault_as::<JwtFault>(),
        Some(&JwtFault::Claims(vec![ClaimProblem::LongLived {
            lifetime: 7 * 24 * 3600
        }]))
    );
    assert_eq!(f.fault_key(), Some("jwt.access-long-lived"));
    for which in [Row::JwtLogin, Row::JwtAuthenticated, Row::JwtRefresh] {
        assert_eq!(row(&r, which).status, Status::Pass, "{which:?}");
    }
}

/// The auth rows are about the routes as the endpoint map names them (simplejwt's `token`).
#[tokio::test]
async fn auth_rows_take_the_endpoint_maps_names() {
    let r = scenario_report(
        "simplejwt",
        &["--only", "jwt", "--profile", "checks/django-simplejwt.toml"],
        true,
    )
    .await;
    let f = row(&r, Row::JwtLogin);
    assert_eq!(f.status, Status::Pass, "{}", f.detail);
    assert!(
        matches!(&f.subject, Subject::Endpoint { name, method, .. } if name == "token" && method == "POST"),
        "{:?}",
        f.subject
    );
    let f = row(&r, Row::JwtRefresh);
    assert!(
        matches!(&f.subject, Subject::Endpoint { name, .. } if name == "token-refresh"),
        "{:?}",
        f.subject
    );
}
