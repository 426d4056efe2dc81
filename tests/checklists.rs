//! Profile checklists: a profile's own sections and items lay out every report (the terminal,
//! Markdown, HTML), and a row id a profile's checklist cannot name is a usage error at its
//! position.
mod common;
use std::process::Command;

fn conncheck(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(common::bin());
    cmd.args(args)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120");
    for v in common::PROXY_VARS {
        cmd.env_remove(v);
    }
    cmd.output().expect("binary runs")
}

const TIKTRUE_SECTIONS: [&str; 5] = [
    "1 Domain and DNS Verification",
    "2 Liara Configuration Verification",
    "3 CORS Testing",
    "4 API Endpoint Testing",
    "5 SSL/HTTPS Testing",
];

#[test]
fn demo_with_the_tiktrue_profile_shows_the_documents_steps() {
    let out = conncheck(&["demo", "--profile", "tiktrue"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Two deployments (the API and its fallback host): the roll-up comes first, one line each,
    // the document's sections as its columns.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "2 deployments", "{text}");
    assert!(
        lines[2]
            .split_whitespace()
            .eq(["1", "2", "3", "4", "5", "6"]),
        "{text}"
    );
    assert!(
        lines[3].contains("api.tiktrue.test") && lines[4].contains("tiktrue-backend.liara.test"),
        "{text}"
    );
    assert!(
        lines[5].starts_with("1 Domain and DNS Verification · 2 Liara"),
        "{text}"
    );
    for s in TIKTRUE_SECTIONS {
        assert!(text.contains(s), "{s} missing:\n{text}");
    }
    assert!(text.contains("4.2 authentication requirements"), "{text}");
    // The profile's fallback API host, played by the lab's platform host, is diagnosed too.
    assert!(
        text.contains("https://tiktrue-backend.liara.test"),
        "the fallback deployment:\n{text}"
    );
    assert!(
        !text.contains("Platform configuration"),
        "the default checklist is replaced:\n{text}"
    );
    for format in ["markdown", "html"] {
        let out = conncheck(&["demo", "--profile", "tiktrue", "--format", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Liara Configuration Verification"),
            "{format}:\n{text}"
        );
    }
}

#[test]
fn demo_with_the_plane_profile_groups_by_service() {
    let out = conncheck(&["demo", "plane", "--profile", "plane"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for s in ["1 .env.api", "2 .env.frontend", "3 .env.live", "4 Traefik"] {
        assert!(text.contains(s), "{s} missing:\n{text}");
    }
    assert!(text.contains("1.1 CORS_ALLOWED_ORIGINS"), "{text}");
    assert!(text.contains("3.1 upgrade from the app's origin"), "{text}");
}

#[test]
fn a_bad_row_id_in_a_profile_checklist_is_exit_2_with_its_position() {
    let dir = std::env::temp_dir().join(format!("conncheck-checklist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[api]\nbase = \"https://api.x.test/api/v1\"\n\n[[checklist]]\nnumber = \"1\"\n\
         name = \"DNS\"\nitems = [{ label = \"resolves\", rows = [\"dns.resolv\"] }]\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let out = conncheck(&["--profile", &path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{path}:7:40:")) && err.contains("\"dns.resolv\""),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
