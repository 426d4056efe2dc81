//! A profile's fallback API hosts (`[api] fallbacks`): each is diagnosed as a deployment of its
//! own, with the same origins and endpoints, against the lab (whose DNS serves the platform's
//! own name for the backend app, `tiktrue-backend.liara.test`, and nothing for a gone host).
mod common;
use common::{bin, PROXY_VARS};
use conncheck::lab::{Lab, LabOptions};
use conncheck::report::json::JsonDocument;

async fn diagnose(lab: &Lab, args: &[String]) -> (JsonDocument, i32) {
    let c = lab.credentials();
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args)
        .args(["--format", "json", "--deadline", "60"])
        .env("NO_COLOR", "1")
        .env("CONNCHECK_USERNAME", c.username)
        .env("CONNCHECK_PASSWORD", c.password);
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    let out = cmd.output().await.expect("conncheck runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc, out.status.code().unwrap_or(-1))
}

#[tokio::test]
async fn each_fallback_host_is_diagnosed_as_its_own_deployment() {
    let s = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = Lab::start(s, LabOptions::default()).await.unwrap();
    let mut args = lab.args();
    let target = args.remove(0);
    let platform = format!(
        "{}/api/v1",
        lab.state.https_url("tiktrue-backend.liara.test")
    );
    let gone = format!("{}/api/v1", lab.state.https_url("old-api.tiktrue.test"));
    let dir = std::env::temp_dir().join(format!("conncheck-fallbacks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("p.toml");
    std::fs::write(
        &profile,
        format!("[api]\nbase = \"{target}\"\nfallbacks = [\"{platform}\", \"{gone}\"]\n"),
    )
    .unwrap();
    args.extend(["--profile".to_string(), profile.display().to_string()]);
    let (doc, code) = diagnose(&lab, &args).await;
    let targets: Vec<&str> = doc.deployments.iter().map(|d| d.target.as_str()).collect();
    assert_eq!(
        targets,
        vec![
            format!("{target}/"),
            format!("{platform}/"),
            format!("{gone}/")
        ],
        "the main API, then each fallback in order"
    );
    let status_of = |d: usize, id: &str| {
        doc.deployments[d]
            .checks
            .iter()
            .filter(|c| c.id == id)
            .map(|c| c.status)
            .reduce(conncheck::engine::model::Status::worst)
    };
    use conncheck::engine::model::Status::*;
    // The platform host serves the same app: it passes, CORS and the login included.
    for id in [
        "dns.resolve",
        "cors.preflight",
        "endpoints.health",
        "jwt.login",
    ] {
        assert_eq!(status_of(1, id), Some(Pass), "fallback {id}");
    }
    // The frontend is the main deployment's: not diagnosed again against the fallback.
    assert_eq!(status_of(0, "frontend.bundle"), Some(Pass));
    assert_eq!(status_of(1, "frontend.bundle"), None);
    // A fallback whose name is gone fails, and fails the run.
    assert_eq!(status_of(2, "dns.resolve"), Some(Fail));
    assert!(doc.deployments[0].summary.fail == 0);
    assert_eq!(code, 1);

    // A TARGET other than the profile's API: the fallbacks (of the profile's API) do not apply.
    let mut other = lab.args();
    other[0] = format!(
        "{}/api/v1",
        lab.state.https_url("tiktrue-backend.liara.test")
    );
    other.extend(["--profile".to_string(), profile.display().to_string()]);
    let (doc, _) = diagnose(&lab, &other).await;
    assert_eq!(doc.deployments.len(), 1);
    lab.shutdown().await;
    std::fs::remove_dir_all(&dir).ok();
}
