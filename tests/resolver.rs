//! The system resolver path reads resolv.conf like the C library (and so the browser): the
//! `search` list with `ndots`, `timeout` and `attempts`. A real DNS server on loopback (the
//! lab's) answers; the resolv.conf text points at it.
use conncheck::lab::dns::{self, DnsData, ZoneSoa};
use conncheck::net::dns::{AddrSource, DnsClient, DnsError, Rr};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

async fn server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let mut d = DnsData::default();
    d.zones.push(ZoneSoa {
        apex: dns::fqdn("corp.test"),
        serial: 1,
        ns: vec![dns::fqdn("ns.corp.test")],
    });
    d.add("api.corp.test", 60, Rr::A(Ipv4Addr::new(127, 0, 0, 10)));
    d.add(
        "api.staging.corp.test",
        60,
        Rr::A(Ipv4Addr::new(127, 0, 0, 11)),
    );
    d.add("api.staging", 60, Rr::A(Ipv4Addr::new(127, 0, 0, 12)));
    let (udp, tcp, addr) = dns::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (addr, tokio::spawn(dns::serve(udp, tcp, Arc::new(d))))
}

fn client(conf: &str, port: u16) -> Arc<DnsClient> {
    Arc::new(DnsClient::from_resolv_conf(
        conf.as_bytes(),
        port,
        Duration::from_secs(5),
    ))
}

#[tokio::test]
async fn a_short_name_resolves_through_the_search_list() {
    let (addr, task) = server().await;
    let c = client(
        "nameserver 127.0.0.1\nsearch corp.test\noptions ndots:1 timeout:2 attempts:3\n",
        addr.port(),
    );
    let o = c.options();
    assert_eq!(o.search, vec!["corp.test".to_string()]);
    assert_eq!((o.ndots, o.attempts), (1, 3));
    assert_eq!(o.query_timeout, Duration::from_secs(2));
    let h = c.lookup_host("api").await.expect("api resolves via search");
    // `domain` alone acts as the search list.
    let d = client("nameserver 127.0.0.1\ndomain corp.test\n", addr.port());
    assert_eq!(d.options().search, vec!["corp.test".to_string()]);
    assert_eq!(h.host, "api.corp.test");
    assert_eq!(h.addrs, vec![Ipv4Addr::new(127, 0, 0, 10)]);
    assert_eq!(h.source, AddrSource::Dns);
    // A name with a trailing dot is only ever itself.
    assert!(matches!(
        c.lookup_host("api.").await,
        Err(DnsError::NxDomain { .. })
    ));
    task.abort();
}

#[tokio::test]
async fn ndots_decides_whether_the_name_or_the_search_list_goes_first() {
    let (addr, task) = server().await;
    // One dot, ndots:1: as written first (api.staging exists itself).
    let c = client(
        "nameserver 127.0.0.1\nsearch corp.test\noptions ndots:1\n",
        addr.port(),
    );
    let h = c.lookup_host("api.staging").await.unwrap();
    assert_eq!(h.addrs, vec![Ipv4Addr::new(127, 0, 0, 12)]);
    // ndots:2: the search list first.
    let c = client(
        "nameserver 127.0.0.1\nsearch corp.test\noptions ndots:2\n",
        addr.port(),
    );
    let h = c.lookup_host("api.staging").await.unwrap();
    assert_eq!(h.host, "api.staging.corp.test");
    assert_eq!(h.addrs, vec![Ipv4Addr::new(127, 0, 0, 11)]);
    // Nothing anywhere: the name's own answer is the error.
    assert!(matches!(
        c.lookup_host("nothing.here").await,
        Err(DnsError::NxDomain { .. })
    ));
    task.abort();
}

#[tokio::test]
async fn without_search_a_name_is_asked_as_written_once() {
    let (addr, task) = server().await;
    let c = client("nameserver 127.0.0.1\n", addr.port());
    assert!(c.options().search.is_empty());
    assert!(c.lookup_host("api").await.is_err());
    assert_eq!(
        c.lookup_host("api.corp.test").await.unwrap().addrs,
        vec![Ipv4Addr::new(127, 0, 0, 10)]
    );
    task.abort();
}
