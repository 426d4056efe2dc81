//! No password or token ever leaves conncheck: not in the table, not with -v, not in JSON, not
//! on stderr, whatever the scenario.
mod common;
use common::*;
use conncheck::lab::{Lab, LabOptions};

/// The longest run of base64url characters after an `eyJ` (a JWT header or payload start).
/// A masked token keeps exactly `eyJhbGciOi` (10 bytes) before the ellipsis.
fn longest_jwt_like(text: &str) -> usize {
    text.match_indices("eyJ")
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')
                .count()
        })
        .max()
        .unwrap_or(0)
}

async fn outputs(scenario: &str) -> (String, Vec<String>) {
    let lab = Lab::start(
        conncheck::lab::scenarios::find(scenario).unwrap(),
        LabOptions { delay_ms: 0 },
    )
    .await
    .unwrap();
    let creds = lab.credentials();
    let mut outs = Vec::new();
    for extra in [
        vec!["--format", "table"],
        vec!["--format", "table", "-v"],
        vec!["--format", "json"],
        vec!["--format", "json", "-v"],
    ] {
        let out = tokio::process::Command::new(bin())
            .args(lab.args())
            .args(["--deadline", "60"])
            .args(&extra)
            .env("CONNCHECK_USERNAME", &creds.username)
            .env("CONNCHECK_PASSWORD", &creds.password)
            .env("NO_COLOR", "1")
            .output()
            .await
            .unwrap();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("jwt.") || text.contains("Authentication (JWT)"),
            "{extra:?} ran no jwt rows:\n{text}"
        );
        outs.push(text);
    }
    lab.shutdown().await;
    (creds.password, outs)
}

#[tokio::test]
async fn authenticated_full_run_shows_no_password_or_token() {
    let (password, outs) = outputs("healthy").await;
    for text in &outs {
        assert!(!text.contains(&password), "password leaked:\n{text}");
        let n = longest_jwt_like(text);
        assert!(n <= 10, "a JWT-shaped string of {n} chars leaked:\n{text}");
    }
    // The round trip really ran (tokens were issued and used).
    assert!(outs[2].contains("new access token works"), "{}", outs[2]);
}

#[tokio::test]
async fn failing_login_and_forged_acceptance_leak_nothing() {
    for scenario in ["jwt-wrong-password", "jwt-accepts-forged"] {
        let (password, outs) = outputs(scenario).await;
        for text in &outs {
            assert!(
                !text.contains(&password),
                "{scenario}: password leaked:\n{text}"
            );
            assert!(
                longest_jwt_like(text) <= 10,
                "{scenario}: token leaked:\n{text}"
            );
        }
    }
}

#[test]
fn detector_sees_a_token_and_ignores_a_masked_one() {
    let tok = conncheck::lab::django::issue("k", "access", 60, 1);
    assert!(longest_jwt_like(&format!("x {tok} y")) > 100);
    assert_eq!(longest_jwt_like(&conncheck::redact::mask(&tok)), 10);
}
