//! The DNS judge on observations, and a few wording checks.

use super::judge::*;
use super::words::{self, Asked};
use crate::engine::{FaultKind, Finding, Row, Status, Subject};
use crate::net::connect::ConnectFailure;
use crate::net::dns::{AddrSource, DnsError, HostAddrs};
use std::net::SocketAddr;

fn v(label: &str, ans: &[&str], ttl: u32, serial: u32) -> View {
    View {
        label: label.into(),
        answer: Ok(ans.iter().map(|s| s.to_string()).collect()),
        ttl: Some(ttl),
        serial: Some(serial),
    }
}

fn err(label: &str, code: &str) -> View {
    View {
        label: label.into(),
        answer: Err(code.into()),
        ttl: None,
        serial: None,
    }
}

fn f(row: Row) -> Finding {
    Finding::of(row, Subject::host("api.x.test", None), "t")
}

#[test]
fn agreement_passes_and_disagreement_warns_with_ttl() {
    let same = [
        v("a", &["A 127.0.0.1"], 300, 7),
        v("b", &["A 127.0.0.1"], 300, 7),
    ];
    assert_eq!(
        judge_propagation("api.x.test", &same, false),
        Propagation::Agree
    );
    assert_eq!(agreeing(&same), 2);
    let moved = [
        v("a", &["A 127.0.0.1"], 300, 8),
        v("b", &["A 127.0.0.3"], 3600, 7),
    ];
    let verdict = judge_propagation("api.x.test", &moved, false);
    assert_eq!(
        verdict,
        Propagation::Fault(DnsFault::Disagree {
            host: "api.x.test".into(),
            answers: 2,
            serials: vec![7, 8],
            max_ttl: 3600,
        })
    );
    assert_eq!(agreeing(&moved), 1);
    let asked = Asked {
        views: &moved,
        notes: &[],
        zone: None,
    };
    let bad = words::propagation(f(Row::DnsPropagation), "api.x.test", &asked, verdict);
    assert_eq!(bad.status, Status::Warn);
    assert_eq!(bad.fault_key(), Some("dns.propagation-disagrees"));
    // Wording: the longest TTL is how long old answers live; every serial is shown.
    assert!(bad.hint.as_deref().unwrap().contains("3600 s"));
    assert!(bad.detail.contains("serial 7") && bad.detail.contains("serial 8"));
}

#[test]
fn servers_without_answers() {
    let one = [v("a", &["A 127.0.0.1"], 300, 7)];
    assert_eq!(judge_propagation("h", &one, false), Propagation::OneServer);
    let nx = [err("a", "NXDOMAIN"), err("b", "NXDOMAIN")];
    let Propagation::Fault(fault) = judge_propagation("h", &nx, false) else {
        panic!()
    };
    assert_eq!(
        (fault.status(), fault.depends_on()),
        (Status::Skip, Some(Row::DnsResolve))
    );
    let mixed = [err("a", "NXDOMAIN"), err("b", "SERVFAIL")];
    assert_eq!(
        judge_propagation("h", &mixed, false),
        Propagation::Fault(DnsFault::NoServerAnswered { host: "h".into() })
    );
}

#[test]
fn some_dead_addresses_warn_all_dead_fail() {
    let a: SocketAddr = "127.0.0.1:443".parse().unwrap();
    let b: SocketAddr = "127.0.0.2:443".parse().unwrap();
    let dead = Err(ConnectFailure::Refused);
    assert_eq!(judge_reach("h", 443, &[(a, Ok(()))]), None);
    let some = judge_reach("h", 443, &[(a, Ok(())), (b, dead.clone())]).unwrap();
    assert_eq!(
        (some.key(), some.status()),
        ("dns.dead-address", Status::Warn)
    );
    let all = judge_reach("h", 443, &[(b, dead)]).unwrap();
    assert_eq!(all.key(), "dns.nothing-listens");
    let row = words::reach(f(Row::DnsReach), &[], Some(all));
    assert_eq!(row.status, Status::Fail);
    assert_eq!(
        row.browser_error.as_deref(),
        Some("net::ERR_CONNECTION_REFUSED")
    );
    assert!(
        row.detail.contains("127.0.0.2:443 refused"),
        "{}",
        row.detail
    );
}

fn addrs(ips: &[&str], cname: Option<&str>) -> HostAddrs {
    HostAddrs {
        host: "api.x.test".into(),
        addrs: ips.iter().map(|i| i.parse().unwrap()).collect(),
        cnames: cname
            .map(|c| vec![("api.x.test.".into(), format!("{c}."), 300)])
            .unwrap_or_default(),
        ttl: Some(300),
        server: None,
        source: AddrSource::Dns,
    }
}

#[test]
fn expectations_on_the_api_host() {
    let h = Ok(addrs(&["127.0.0.1"], Some("app.platform.test")));
    let none = Expect::default();
    assert_eq!(judge_resolve("api.x.test", &h, none), None);
    let ips = ["127.0.0.2".parse().unwrap()];
    let want_ip = Expect {
        ips: &ips,
        cname: None,
    };
    assert!(matches!(
        judge_resolve("api.x.test", &h, want_ip),
        Some(DnsFault::UnexpectedAddress { .. })
    ));
    let want_both = Expect {
        ips: &ips,
        cname: Some("other.platform.test."),
    };
    let fault = judge_resolve("api.x.test", &h, want_both).unwrap();
    assert_eq!(
        fault,
        DnsFault::UnexpectedCname {
            host: "api.x.test".into(),
            expected: "other.platform.test".into(),
            seen: Some("app.platform.test".into()),
        }
    );
    let row = words::resolve(f(Row::DnsResolve), "api.x.test", &h, Some(fault));
    assert_eq!(row.status, Status::Fail);
    assert!(
        row.detail.contains("points CNAME app.platform.test"),
        "{}",
        row.detail
    );
}

#[test]
fn unresolved_names_carry_the_dns_error() {
    let server: SocketAddr = "127.0.0.1:53".parse().unwrap();
    let e = DnsError::NxDomain { server };
    let fault = judge_resolve("api.x.test", &Err(e.clone()), Expect::default()).unwrap();
    assert_eq!(
        (fault.key(), fault.scope().as_str()),
        ("dns.nxdomain", "api.x.test")
    );
    let row = words::resolve(f(Row::DnsResolve), "api.x.test", &Err(e), Some(fault));
    assert_eq!(
        row.browser_error.as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    // A resolver that does not answer is one cause for every host.
    let t = DnsError::Timeout {
        server,
        after: std::time::Duration::from_secs(1),
    };
    let a = judge_resolve("a.x.test", &Err(t.clone()), Expect::default()).unwrap();
    let b = judge_resolve("b.x.test", &Err(t), Expect::default()).unwrap();
    assert_eq!((a.key(), a.scope()), (b.key(), b.scope()));
}
