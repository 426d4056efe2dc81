//! One probe's answer as metrics, in the blackbox exporter's conventions: `probe_success`,
//! `probe_duration_seconds`, `conncheck_build_info`, and one 0/1 series per row and state keyed
//! by the row id and a subject from conncheck's own vocabulary (the target, the configured
//! origins and hosts), never a title or a server-chosen name. OpenMetrics, or the 0.0.4 text
//! format when the scraper asks for it.

use crate::engine::model::{Report, Status};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;

/// The Content-Type of OpenMetrics text.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The Content-Type of the Prometheus text format 0.0.4.
pub const TEXT_004: &str = "text/plain; version=0.0.4; charset=utf-8";
/// At most this many rows become series in one probe answer.
pub const MAX_ROWS: usize = 400;
/// At most this many module-measured samples per probe answer.
pub const MAX_SAMPLES: usize = 200;

type Labels = Vec<(String, String)>;
type FGauge = Gauge<f64, AtomicU64>;

/// What a probe answer says beside the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeFacts {
    pub duration_seconds: f64,
    pub credentials_withheld: bool,
}

/// Which format the scraper asked for: 0.0.4 text when its `Accept` names `text/plain` and not
/// OpenMetrics first; OpenMetrics otherwise.
pub fn wants_text_004(accept: Option<&str>) -> bool {
    let Some(a) = accept else { return false };
    let a = a.to_ascii_lowercase();
    match (a.find("application/openmetrics-text"), a.find("text/plain")) {
        (None, Some(_)) => true,
        (Some(om), Some(tp)) => tp < om && !a[..om].contains(";q=0"),
        _ => false,
    }
}

/// The row subject as a label: the typed subject (our own vocabulary: configured or
/// discovered hosts, origins and routes, never a server-chosen name), length-capped, numbered
/// when several rows of one id share it.
fn subjects(report: &Report) -> Vec<String> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    report
        .findings
        .iter()
        .map(|f| {
            let base = f.subject.label();
            let n = seen.entry((f.id.clone(), base.clone())).or_insert(0);
            *n += 1;
            let s = if *n == 1 {
                base
            } else {
                format!("{base} #{n}")
            };
            crate::text::label(&s)
        })
        .collect()
}

const STATES: [Status; 5] = [
    Status::Pass,
    Status::Warn,
    Status::Fail,
    Status::Error,
    Status::Skip,
];

fn register_rows(reg: &mut Registry, report: &Report) {
    let status = Family::<Labels, Gauge>::default();
    let duration = Family::<Labels, FGauge>::default();
    reg.register(
        "check_status",
        "1 for the row's state, 0 for the others: one series per row and state",
        status.clone(),
    );
    reg.register(
        "check_duration_seconds",
        "Time each checklist row took",
        duration.clone(),
    );
    for (f, subject) in report.findings.iter().zip(subjects(report)).take(MAX_ROWS) {
        for st in STATES {
            status
                .get_or_create(&vec![
                    ("id".into(), f.id.clone()),
                    ("subject".into(), subject.clone()),
                    ("module".into(), f.module.name().into()),
                    ("state".into(), st.as_str().into()),
                ])
                .set(i64::from(f.status == st));
        }
        duration
            .get_or_create(&vec![
                ("id".into(), f.id.clone()),
                ("subject".into(), subject),
            ])
            .set(f.duration_ms as f64 / 1000.0);
    }
}

fn register_measured(reg: &mut Registry, report: &Report) {
    let mut families: HashMap<&'static str, Family<Labels, FGauge>> = HashMap::new();
    let mut plain: HashMap<&'static str, FGauge> = HashMap::new();
    for m in report.metrics.iter().take(MAX_SAMPLES) {
        if m.labels.is_empty() {
            // A label-less series is a plain gauge (an empty `{}` trips some parsers).
            plain
                .entry(m.name)
                .or_insert_with(|| {
                    let g = FGauge::default();
                    reg.register(m.name, metric_help(m.name), g.clone());
                    g
                })
                .set(m.value);
            continue;
        }
        let fam = families.entry(m.name).or_insert_with(|| {
            let fam = Family::<Labels, FGauge>::default();
            reg.register(m.name, metric_help(m.name), fam.clone());
            fam
        });
        let labels = m
            .labels
            .iter()
            .map(|(k, v)| (k.to_string(), crate::text::label(v)))
            .collect();
        fam.get_or_create(&labels).set(m.value);
    }
}

/// The probe's metrics, in OpenMetrics text.
pub fn exposition(report: &Report, facts: ProbeFacts) -> String {
    let mut top = Registry::default();
    let s = report.summary();
    let ok = i64::from(s.fail == 0 && s.error == 0);
    let success: Gauge = Gauge::default();
    success.set(ok);
    top.register(
        "probe_success",
        "1 when no check failed or errored",
        success,
    );
    let took = FGauge::default();
    took.set(facts.duration_seconds);
    top.register("probe_duration_seconds", "How long this probe took", took);
    let reg = top.sub_registry_with_prefix("conncheck");
    let build = Family::<Labels, Gauge>::default();
    build
        .get_or_create(&vec![("version".into(), env!("CARGO_PKG_VERSION").into())])
        .set(1);
    reg.register("build_info", "conncheck's version; always 1", build);
    let success: Gauge = Gauge::default();
    success.set(ok);
    reg.register(
        "probe_success",
        "1 when no check failed or errored",
        success,
    );
    let failed: Gauge = Gauge::default();
    failed.set((s.fail + s.error) as i64);
    reg.register("failed_checks", "Rows that failed or errored", failed);
    let withheld: Gauge = Gauge::default();
    withheld.set(i64::from(facts.credentials_withheld));
    reg.register(
        "probe_credentials_withheld",
        "1 when serve sent no credentials: it has some, but no --allow-targets or credentials file names this target",
        withheld,
    );
    let cut: Gauge = Gauge::default();
    cut.set(report.findings.len().saturating_sub(MAX_ROWS) as i64);
    reg.register(
        "rows_not_exported",
        "Rows beyond the per-probe limit, not exported as series",
        cut,
    );
    register_rows(reg, report);
    register_measured(reg, report);
    let mut out = String::new();
    let _ = encode(&mut out, &top);
    out
}

fn metric_help(name: &str) -> &'static str {
    match name {
        "tls_cert_not_after_seconds" => "Unix time when the leaf certificate expires",
        "tls_cert_expiry_timestamp_seconds" => {
            "Unix time when the first certificate of the chain expires"
        }
        "dns_propagation_agreeing_servers" => "DNS servers giving the most common answer",
        "dns_propagation_servers" => "DNS servers asked",
        "http_status" => "HTTP status of each endpoint",
        "jwt_access_lifetime_seconds" => "Lifetime of the access token (exp - iat)",
        _ => "measured by conncheck",
    }
}

/// OpenMetrics text as the Prometheus 0.0.4 text format: counters named with their `_total`,
/// no `# UNIT` and no `# EOF`.
pub fn to_text_004(om: &str) -> String {
    let counters: Vec<&str> = om
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(om.len());
    for line in om.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let name = rest.split(' ').next()?;
            counters
                .contains(&name)
                .then(|| format!("{p}{name}_total{}", &rest[name.len()..]))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_header_picks_the_format() {
        assert!(wants_text_004(Some("text/plain; version=0.0.4")));
        assert!(!wants_text_004(None));
        assert!(!wants_text_004(Some(
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
        )));
        assert!(!wants_text_004(Some("*/*")));
    }

    #[test]
    fn counters_get_their_total_name_in_text_004() {
        let om = "# HELP x_probes Probes.\n# TYPE x_probes counter\nx_probes_total 3\n# HELP g A gauge.\n# TYPE g gauge\ng 1\n# EOF\n";
        assert_eq!(
            to_text_004(om),
            "# HELP x_probes_total Probes.\n# TYPE x_probes_total counter\nx_probes_total 3\n# HELP g A gauge.\n# TYPE g gauge\ng 1\n"
        );
    }
}
