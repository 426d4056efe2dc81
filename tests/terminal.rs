//! The terminal report in a real terminal: tmux at 80 and 120 columns, colour on, the screen read
//! back with `capture-pane`. No line may be wider than the pane, and the matrix's status symbols
//! must stand in the same columns on every item row (colour codes must not shift them).
//!
//! Needs tmux: `.ci/run` installs it and runs the ignored tests.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

const SYMBOLS: [char; 6] = ['✔', '⚠', '✖', '–', '‼', '·'];

fn tmux(args: &[&str]) -> std::process::Output {
    Command::new("tmux").args(args).output().expect("tmux runs")
}

/// Run `conncheck demo` in a detached tmux session `cols` wide and return the screen.
fn screen(cols: u16, scenario: &str) -> String {
    let session = format!("conncheck-test-{cols}-{}-{scenario}", std::process::id());
    let socket = session.clone();
    let cmd = format!(
        "{} demo {scenario} --color always; echo END-OF-RUN; sleep 30",
        common::bin()
    );
    let cols_s = cols.to_string();
    let out = tmux(&[
        "-L",
        &socket,
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        &cols_s,
        "-y",
        "200",
        &cmd,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let start = Instant::now();
    let mut text = String::new();
    while start.elapsed() < Duration::from_secs(120) {
        let cap = tmux(&[
            "-L",
            &socket,
            "capture-pane",
            "-p",
            "-J",
            "-t",
            &session,
            "-S",
            "-200",
        ]);
        text = String::from_utf8_lossy(&cap.stdout).into_owned();
        if text.contains("END-OF-RUN") {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = tmux(&["-L", &socket, "kill-server"]);
    assert!(
        text.contains("END-OF-RUN"),
        "the run did not finish:\n{text}"
    );
    text
}

fn check(cols: u16, scenario: &str) {
    let text = screen(cols, scenario);
    let lines: Vec<&str> = text.lines().collect();
    for l in &lines {
        assert!(
            l.chars().count() <= cols as usize,
            "{cols} columns: too wide ({}): {l:?}",
            l.chars().count()
        );
    }
    // Matrix item rows: "  1.1 resolves    ✔  ·  ·".
    let positions: Vec<Vec<usize>> = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            l.starts_with("  ")
                && t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && t.contains('.')
        })
        .map(|l| {
            l.chars()
                .enumerate()
                .filter(|(_, c)| SYMBOLS.contains(c))
                .map(|(i, _)| i)
                .collect()
        })
        .filter(|p: &Vec<usize>| !p.is_empty())
        .collect();
    assert!(positions.len() >= 10, "matrix rows found:\n{text}");
    for p in &positions {
        assert_eq!(p, &positions[0], "misaligned matrix columns:\n{text}");
    }
    assert!(
        lines[0].starts_with('✔') || lines[0].starts_with('✖'),
        "verdict first:\n{text}"
    );
}

#[test]
#[ignore = "needs tmux"]
fn healthy_report_fits_80_and_120_column_terminals_with_colour() {
    check(80, "healthy");
    check(120, "healthy");
}

#[test]
#[ignore = "needs tmux"]
fn failing_report_fits_an_80_column_terminal_with_colour() {
    check(80, "cors-duplicate-header");
}
