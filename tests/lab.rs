//! `conncheck lab` serves a scenario and prints the exact command that diagnoses it.
mod common;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn lab_prints_a_command_that_diagnoses_it() {
    let mut lab = tokio::process::Command::new(common::bin())
        .args(["lab", "dns-nxdomain"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(lab.stdout.take().unwrap()).lines();
    let mut command = None;
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await
    {
        if line.trim_start().starts_with("CONNCHECK_USERNAME=") {
            command = Some(line.trim().to_string());
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let command = command.expect("lab printed a command");
    assert!(
        command.contains("--resolver 127.0.0.1:") && command.contains("--ca-cert "),
        "{command}"
    );
    // Run it as a user would paste it (the binary standing in for `conncheck` on PATH).
    let shell = command.replacen(" conncheck ", &format!(" {} ", common::bin()), 1);
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{shell} --only dns --format json"))
        .output()
        .await
        .unwrap();
    let run = common::parse(out);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.find("dns.resolve", conncheck::engine::model::Status::Fail)
            .browser_error
            .as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    let _ = lab.start_kill();
}
