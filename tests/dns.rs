//! Section 1 against the lab: each DNS fault fails the right row of the right host with its
//! typed fault and the right browser error.
mod common;
use common::typed::*;
use conncheck::checks::dns::judge::DnsFault;
use conncheck::engine::fault::Dependent;
use conncheck::engine::{Finding, Row, Status};
use conncheck::net::connect::ConnectFailure;
use conncheck::net::dns::DnsError;

const ONLY: &[&str] = &["--only", "dns"];
const API: &str = "api.tiktrue.test";

fn dns_fault(f: &Finding) -> &DnsFault {
    f.fault_as::<DnsFault>()
        .unwrap_or_else(|| panic!("no DnsFault: {f:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_passes_every_dns_row() {
    let r = diagnose_scenario("healthy", ONLY).await;
    r.assert_module_passes("dns");
    assert!(!r.fails());
    assert_eq!(r.rows(Row::DnsResolve).len(), 3);
    for host in [API, "tiktrue.test", "www.tiktrue.test"] {
        for row in [Row::DnsResolve, Row::DnsPropagation, Row::DnsReach] {
            assert_eq!(r.one(row, host).status, Status::Pass, "{row:?} {host}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nxdomain_fails_resolve_with_name_not_resolved() {
    let r = diagnose_scenario("dns-nxdomain", ONLY).await;
    let f = r.one(Row::DnsResolve, API);
    assert_eq!(f.status, Status::Fail);
    assert!(
        matches!(
            dns_fault(f),
            DnsFault::Unresolved {
                error: DnsError::NxDomain { .. },
                ..
            }
        ),
        "{f:#?}"
    );
    assert_eq!(f.fault_key(), Some("dns.nxdomain"));
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    assert!(f.detail.contains("NXDOMAIN"), "{}", f.detail);
    assert!(r.fails());
    // The reach row for the API depends on resolution: skipped, not a second failure.
    let reach = r.one(Row::DnsReach, API);
    assert_eq!(reach.status, Status::Skip);
    assert_eq!(
        reach.fault_as::<Dependent>().unwrap().owner,
        Row::DnsResolve
    );
    // The other hosts resolve.
    assert_eq!(r.one(Row::DnsResolve, "tiktrue.test").status, Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cname_to_platform_passes_with_expectation() {
    let r = diagnose_scenario("dns-cname", ONLY).await;
    r.assert_module_passes("dns");
    let f = r.one(Row::DnsResolve, API);
    assert!(
        f.detail.contains("CNAME tiktrue-backend.liara.test"),
        "{}",
        f.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cname_mismatch_fails_showing_what_it_points_to() {
    let r = diagnose_scenario(
        "dns-cname",
        &["--only", "dns", "--expect-cname", "other-app.liara.test"],
    )
    .await;
    let f = r.one(Row::DnsResolve, API);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        dns_fault(f),
        &DnsFault::UnexpectedCname {
            host: API.into(),
            expected: "other-app.liara.test".into(),
            seen: Some("tiktrue-backend.liara.test".into()),
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_address_warns_listing_it() {
    let r = diagnose_scenario("dns-dead-address", ONLY).await;
    let f = r.one(Row::DnsReach, API);
    assert_eq!(f.status, Status::Warn);
    let DnsFault::DeadAddresses { live, dead, .. } = dns_fault(f) else {
        panic!("{f:#?}");
    };
    assert_eq!(live.len(), 1);
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].0.ip().to_string(), "127.0.0.4");
    assert_eq!(dead[0].1, ConnectFailure::Refused);
    assert!(
        f.detail.contains("127.0.0.4") && f.detail.contains("refused"),
        "{}",
        f.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propagating_warns_with_each_servers_answer_ttl_and_serial() {
    let r = diagnose_scenario("dns-propagating", ONLY).await;
    let f = r.one(Row::DnsPropagation, API);
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    assert_eq!(
        dns_fault(f),
        &DnsFault::Disagree {
            host: API.into(),
            answers: 2,
            serials: vec![2026112200, 2026112201],
            max_ttl: 3600,
        }
    );
    // Wording kept honest once: every server's answer and serial, the TTL to wait.
    assert!(
        f.detail.contains("127.0.0.5") && f.detail.contains("127.0.0.1"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("serial 2026112200"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("3600 s"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servfail_fails_naming_it() {
    let r = diagnose_scenario("dns-servfail", ONLY).await;
    let f = r.one(Row::DnsResolve, API);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.fault_key(), Some("dns.servfail"));
    assert!(f.detail.contains("SERVFAIL"), "{}", f.detail);
    // Every host fails the same way; the propagation rows depend on dns.resolve.
    for p in r.rows(Row::DnsPropagation) {
        assert_eq!(p.status, Status::Skip, "{}", p.detail);
        assert_eq!(
            p.fault.as_ref().unwrap().depends_on(),
            Some(Row::DnsResolve)
        );
    }
}
