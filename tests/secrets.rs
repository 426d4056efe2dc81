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

/// The password, every token the lab issued during the runs, and each output.
struct Outputs {
    password: String,
    issued: Vec<String>,
    texts: Vec<String>,
}

async fn outputs(scenario: &str) -> Outputs {
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
            text.contains("jwt.") || text.contains("Authentication round trip"),
            "{extra:?} ran no jwt rows:\n{text}"
        );
        outs.push(text);
    }
    let issued = lab.state.issued.lock().unwrap().clone();
    lab.shutdown().await;
    Outputs {
        password: creds.password,
        issued,
        texts: outs,
    }
}

fn assert_clean(o: &Outputs, what: &str) {
    for text in &o.texts {
        assert!(
            !text.contains(&o.password),
            "{what}: password leaked:\n{text}"
        );
        for tok in &o.issued {
            // The whole token, and its payload and signature alone.
            for part in std::iter::once(tok.as_str()).chain(tok.split('.').skip(1)) {
                assert!(
                    !text.contains(part),
                    "{what}: an issued token leaked:\n{text}"
                );
            }
        }
        let n = longest_jwt_like(text);
        assert!(
            n <= 10,
            "{what}: a JWT-shaped string of {n} chars leaked:\n{text}"
        );
    }
}

#[tokio::test]
async fn authenticated_full_run_shows_no_password_or_token() {
    let o = outputs("healthy").await;
    // The round trip really ran: tokens were issued (login and refresh, per run) and used.
    assert!(o.issued.len() >= 4 * 3, "{} tokens issued", o.issued.len());
    assert!(
        o.texts[2].contains("new access token works"),
        "{}",
        o.texts[2]
    );
    assert_clean(&o, "healthy");
}

#[tokio::test]
async fn failing_login_and_forged_acceptance_leak_nothing() {
    for scenario in ["jwt-wrong-password", "jwt-accepts-forged"] {
        let o = outputs(scenario).await;
        assert_clean(&o, scenario);
    }
}

#[test]
fn detector_sees_a_token_and_ignores_a_masked_one() {
    let tok = conncheck::lab::auth::issue("k", "access", 60, 1);
    assert!(longest_jwt_like(&format!("x {tok} y")) > 100);
    assert_eq!(longest_jwt_like(&conncheck::redact::mask(&tok)), 10);
}
