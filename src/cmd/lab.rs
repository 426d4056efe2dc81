//! `conncheck lab [SCENARIO]`: serve a lab scenario until Ctrl-C.

use crate::diagnose::{usage, EXIT_OK};
use anyhow::Result;

pub async fn lab(name: &str, delay: u64) -> Result<u8> {
    let scenario = usage(crate::lab::scenarios::find(name))?;
    let lab = crate::lab::Lab::start(scenario, crate::lab::LabOptions { delay_ms: delay }).await?;
    println!(
        "conncheck lab: serving scenario '{}' — {}",
        lab.scenario.name, lab.scenario.about
    );
    for line in lab.describe() {
        println!("  {line}");
    }
    println!("\nDiagnose it with:\n\n  {}\n", lab.command_line());
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    lab.shutdown().await;
    Ok(EXIT_OK)
}
