//! Speed never changes the answer: the same scenario diagnosed with no latency and with a
//! per-response delay gives the same rows with the same verdicts.
mod common;
use common::*;

fn normalized(run: &Run) -> Vec<(String, String, String)> {
    // Ports differ between labs; everything else in id, status and title must match.
    let strip_ports = |s: &str| {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == ':' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push_str("PORT");
            }
        }
        out
    };
    let mut v: Vec<_> = run
        .report
        .checks
        .iter()
        .map(|c| (c.id.clone(), c.status.to_string(), strip_ports(&c.title)))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn results_are_identical_with_and_without_latency() {
    for scenario in ["healthy", "cors-origin-not-allowed", "jwt-refresh-missing"] {
        let fast = run_scenario_opts(scenario, &[], true, 0).await;
        let slow = run_scenario_opts(scenario, &[], true, 40).await;
        assert_eq!(fast.code, slow.code, "{scenario}");
        assert_eq!(
            normalized(&fast),
            normalized(&slow),
            "{scenario}: rows differ with latency"
        );
        assert!(fast.report.checks.len() > 50, "{scenario}: a full run");
    }
}
