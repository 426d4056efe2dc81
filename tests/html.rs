//! `--format html` judged by a real browser: Debian's headless Chromium loads the page written
//! for the hostile-escape lab (server text full of markup and escape sequences) and dumps the DOM
//! it built. The verdict, matrix and causes must be there, and nothing the server wrote may have
//! become an element.
//!
//! Needs chromium: `.ci/run` installs it and runs the ignored tests.

mod common;

use std::process::Command;

fn chromium() -> &'static str {
    if std::path::Path::new("/usr/bin/chromium").exists() {
        "/usr/bin/chromium"
    } else {
        "chromium"
    }
}

fn page(scenario: &str) -> std::path::PathBuf {
    let out = Command::new(common::bin())
        .args(["demo", scenario, "--format", "html"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let dir =
        std::env::temp_dir().join(format!("conncheck-html-{}-{scenario}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.html");
    std::fs::write(&file, &out.stdout).unwrap();
    file
}

fn dump_dom(file: &std::path::Path) -> String {
    let profile = file.parent().unwrap().join("profile");
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", file.display()),
        ])
        .output()
        .expect("chromium runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs chromium"]
fn chromium_renders_the_page_and_hostile_text_stays_text() {
    let file = page("hostile-escape");
    let dom = dump_dom(&file);
    assert!(dom.contains("id=\"verdict\""), "{dom}");
    assert!(dom.contains("id=\"matrix\""), "{dom}");
    // The server's markup arrives as text: no element it wrote exists in the DOM.
    let lower = dom.to_ascii_lowercase();
    for bad in ["<script", "<img", "<iframe"] {
        assert!(!lower.contains(bad), "{bad} became an element");
    }
    assert!(
        lower.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the server's markup is shown as text"
    );
    assert!(!dom.contains('\u{1b}'), "escape bytes reached the page");
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

#[test]
#[ignore = "needs chromium"]
fn chromium_renders_a_failing_report_with_its_causes() {
    let file = page("cors-duplicate-header");
    let dom = dump_dom(&file);
    assert!(dom.contains("id=\"causes\""), "{dom}");
    assert!(dom.contains("BLOCKED"), "{dom}");
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}
