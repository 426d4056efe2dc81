//! Many deployments in one run: `--targets FILE` and several TARGETs, one report each, in order,
//! in one document of the same type as for one deployment.
mod common;
use conncheck::lab::{Lab, LabOptions};
use conncheck::report::json::JsonDocument;

fn quote(s: &str) -> String {
    format!("'{s}'")
}

#[tokio::test]
async fn targets_file_gives_one_report_per_line_in_order() {
    let names = ["healthy", "dns-nxdomain", "dns-cname"];
    let mut labs = Vec::new();
    for n in names {
        labs.push(
            Lab::start(
                conncheck::lab::scenarios::find(n).unwrap(),
                LabOptions::default(),
            )
            .await
            .unwrap(),
        );
    }
    let mut file = String::from("# one deployment per line\n\n");
    for lab in &labs {
        let line: Vec<String> = lab.args().iter().map(|a| quote(a)).collect();
        file.push_str(&line.join(" "));
        file.push('\n');
    }
    let path = std::env::temp_dir().join(format!("conncheck-targets-{}.txt", std::process::id()));
    std::fs::write(&path, file).unwrap();
    let out = tokio::process::Command::new(common::bin())
        .args([
            "--targets",
            path.to_str().unwrap(),
            "--parallel",
            "2",
            "--format",
            "json",
            "--only",
            "dns",
        ])
        .output()
        .await
        .unwrap();
    let doc: JsonDocument = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let reports = doc.deployments;
    assert_eq!(reports.len(), 3);
    for (r, lab) in reports.iter().zip(&labs) {
        assert_eq!(r.target, format!("{}/", lab.target()));
    }
    assert_eq!(reports[0].summary.fail, 0);
    assert!(reports[1].summary.fail > 0);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the worst report sets the exit code"
    );
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn bad_targets_file_line_exits_2_naming_the_line() {
    let path =
        std::env::temp_dir().join(format!("conncheck-badtargets-{}.txt", std::process::id()));
    std::fs::write(
        &path,
        "api.a.test --origin https://a.test\napi.b.test --only nope\n",
    )
    .unwrap();
    let out = tokio::process::Command::new(common::bin())
        .args(["--targets", path.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(":2:") && err.contains("unknown module 'nope'"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}

/// A line may not choose its own format: the output belongs to the whole run.
#[tokio::test]
async fn a_targets_line_cannot_set_the_output() {
    let path = std::env::temp_dir().join(format!("conncheck-fmtline-{}.txt", std::process::id()));
    std::fs::write(&path, "api.a.test\napi.b.test --format markdown\n").unwrap();
    let out = tokio::process::Command::new(common::bin())
        .args(["--targets", path.to_str().unwrap(), "--format", "junit"])
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(":2:") && err.contains("whole run"), "{err}");
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn several_positional_targets_share_the_options() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions::default(),
    )
    .await
    .unwrap();
    let mut args = lab.args();
    let second = lab.target().replace("api.tiktrue.test", "www.tiktrue.test");
    args.insert(1, second);
    let out = tokio::process::Command::new(common::bin())
        .args(&args)
        .args(["--format", "json", "--only", "dns"])
        .output()
        .await
        .unwrap();
    let doc: JsonDocument = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let reports = doc.deployments;
    assert_eq!(reports.len(), 2);
    assert!(reports[1].target.contains("www.tiktrue.test"));
}
