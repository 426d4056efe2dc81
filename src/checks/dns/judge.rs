//! Pure verdicts of the DNS rows: what the resolver, the other servers and the connects
//! observed in, a typed [`DnsFault`] out when something is wrong. No I/O, no prose.

use crate::browser::net::connect_error;
use crate::engine::{FaultKind, Row, Status};
use crate::net::connect::ConnectFailure;
use crate::net::dns::{DnsError, HostAddrs};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

/// What went wrong on a DNS row of `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsFault {
    /// The name did not resolve (`dns.resolve`).
    Unresolved { host: String, error: DnsError },
    /// The API host resolves, but not to the `--expect-ip` addresses.
    UnexpectedAddress { host: String, expected: Vec<IpAddr> },
    /// The API host is not a CNAME to the `--expect-cname` name; `seen` is its first CNAME.
    UnexpectedCname {
        host: String,
        expected: String,
        seen: Option<String>,
    },
    /// Some servers answered with errors, none with records (`dns.propagation`).
    NoServerAnswered { host: String },
    /// Every server agrees the name has no answer: `dns.resolve` reports it.
    NoAnswerAnywhere { host: String },
    /// Servers give different answers (or zone serials).
    Disagree {
        host: String,
        answers: usize,
        /// The distinct zone serials seen, when more than one.
        serials: Vec<u32>,
        max_ttl: u32,
    },
    /// No address of the host accepts connections on `port` (`dns.reach`).
    NothingListens {
        host: String,
        port: u16,
        failures: Vec<(SocketAddr, ConnectFailure)>,
    },
    /// Some addresses accept, others are dead.
    DeadAddresses {
        host: String,
        port: u16,
        live: Vec<SocketAddr>,
        dead: Vec<(SocketAddr, ConnectFailure)>,
    },
}

impl DnsFault {
    pub fn host(&self) -> &str {
        use DnsFault::*;
        match self {
            Unresolved { host, .. }
            | UnexpectedAddress { host, .. }
            | UnexpectedCname { host, .. }
            | NoServerAnswered { host }
            | NoAnswerAnywhere { host }
            | Disagree { host, .. }
            | NothingListens { host, .. }
            | DeadAddresses { host, .. } => host,
        }
    }

    pub fn status(&self) -> Status {
        match self {
            DnsFault::Disagree { .. } | DnsFault::DeadAddresses { .. } => Status::Warn,
            DnsFault::NoAnswerAnywhere { .. } => Status::Skip,
            _ => Status::Fail,
        }
    }

    /// What Chrome's console shows for it, if a page load fails at all.
    pub fn console(&self) -> Option<&'static str> {
        match self {
            DnsFault::Unresolved { error, .. } => Some(error.chrome_error()),
            DnsFault::NothingListens { failures, .. } => Some(
                failures
                    .first()
                    .map_or("net::ERR_CONNECTION_REFUSED", |(_, f)| connect_error(f)),
            ),
            _ => None,
        }
    }
}

impl FaultKind for DnsFault {
    fn key(&self) -> &'static str {
        use DnsFault::*;
        match self {
            Unresolved { error, .. } => match error {
                DnsError::NxDomain { .. } => "dns.nxdomain",
                DnsError::NoAddress { .. } => "dns.no-address",
                DnsError::ServFail { .. } => "dns.servfail",
                DnsError::Refused { .. } => "dns.refused",
                DnsError::Rcode { .. } => "dns.rcode",
                DnsError::Timeout { .. } => "dns.resolver-timeout",
                DnsError::Unreachable { .. } => "dns.resolver-unreachable",
                DnsError::Malformed { .. } => "dns.malformed-answer",
                DnsError::CnameChain { .. } => "dns.cname-chain",
                DnsError::NoResolver => "dns.no-resolver",
                DnsError::BadName(_) => "dns.bad-name",
                DnsError::NotAllowed(_) => "dns.not-allowed",
            },
            UnexpectedAddress { .. } => "dns.unexpected-address",
            UnexpectedCname { .. } => "dns.unexpected-cname",
            NoServerAnswered { .. } => "dns.no-server-answered",
            NoAnswerAnywhere { .. } => "dns.no-answer-anywhere",
            Disagree { .. } => "dns.propagation-disagrees",
            NothingListens { .. } => "dns.nothing-listens",
            DeadAddresses { .. } => "dns.dead-address",
        }
    }

    /// The host; for a resolver that does not answer at all, the resolver (one cause for
    /// every host); for a port, host and port.
    fn scope(&self) -> String {
        match self {
            DnsFault::Unresolved { error, .. } => match error {
                DnsError::Timeout { server, .. } | DnsError::Unreachable { server, .. } => {
                    server.to_string()
                }
                DnsError::NoResolver => String::new(),
                _ => self.host().to_string(),
            },
            DnsFault::NothingListens { host, port, .. }
            | DnsFault::DeadAddresses { host, port, .. } => format!("{host}:{port}"),
            other => other.host().to_string(),
        }
    }

    fn depends_on(&self) -> Option<Row> {
        match self {
            DnsFault::NoAnswerAnywhere { .. } => Some(Row::DnsResolve),
            _ => None,
        }
    }
}

// dns.resolve

/// What the run expects of the API host's records (`--expect-ip`, `--expect-cname`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Expect<'a> {
    pub ips: &'a [IpAddr],
    pub cname: Option<&'a str>,
}

pub fn judge_resolve(
    host: &str,
    looked: &Result<HostAddrs, DnsError>,
    expect: Expect<'_>,
) -> Option<DnsFault> {
    let h = match looked {
        Ok(h) => h,
        Err(error) => {
            return Some(DnsFault::Unresolved {
                host: host.to_string(),
                error: error.clone(),
            })
        }
    };
    // A CNAME expectation is the more specific one: it wins when both miss.
    if let Some(want) = expect.cname {
        let want = want.trim_end_matches('.').to_ascii_lowercase();
        if !h
            .cnames
            .iter()
            .any(|(_, t, _)| t.trim_end_matches('.') == want)
        {
            return Some(DnsFault::UnexpectedCname {
                host: host.to_string(),
                expected: want,
                seen: h
                    .cnames
                    .first()
                    .map(|(_, t, _)| t.trim_end_matches('.').to_string()),
            });
        }
    }
    if !expect.ips.is_empty() {
        let want: BTreeSet<IpAddr> = expect.ips.iter().copied().collect();
        let got: BTreeSet<IpAddr> = h.addrs.iter().copied().collect();
        if want != got {
            return Some(DnsFault::UnexpectedAddress {
                host: host.to_string(),
                expected: want.into_iter().collect(),
            });
        }
    }
    None
}

// dns.propagation

/// What one server says about a host: the address set (or an error code), TTL and zone serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub label: String,
    pub answer: Result<BTreeSet<String>, String>,
    pub ttl: Option<u32>,
    pub serial: Option<u32>,
}

/// How many servers give the most common answer.
pub fn agreeing(views: &[View]) -> usize {
    let mut groups: BTreeMap<&BTreeSet<String>, usize> = BTreeMap::new();
    for v in views {
        if let Ok(set) = &v.answer {
            *groups.entry(set).or_default() += 1;
        }
    }
    groups.values().copied().max().unwrap_or(0)
}

/// The propagation verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Propagation {
    /// Only one server to ask, and nothing to note.
    OneServer,
    /// Every server gives the same answer.
    Agree,
    Fault(DnsFault),
}

/// `noted` is whether something about the servers was noted (a nameserver that does not
/// resolve, no zone found): then even one answer is not "only one server".
pub fn judge_propagation(host: &str, views: &[View], noted: bool) -> Propagation {
    let host = host.to_string();
    let mut groups: BTreeSet<Result<&BTreeSet<String>, &String>> = BTreeSet::new();
    for v in views {
        groups.insert(v.answer.as_ref());
    }
    let serials: BTreeSet<u32> = views.iter().filter_map(|v| v.serial).collect();
    if views.len() < 2 && !noted {
        return Propagation::OneServer;
    }
    if views.iter().all(|v| v.answer.is_err()) {
        if groups.len() == 1 {
            return Propagation::Fault(DnsFault::NoAnswerAnywhere { host });
        }
        return Propagation::Fault(DnsFault::NoServerAnswered { host });
    }
    if groups.len() == 1 && serials.len() <= 1 {
        return Propagation::Agree;
    }
    Propagation::Fault(DnsFault::Disagree {
        host,
        answers: groups.len(),
        serials: if serials.len() > 1 {
            serials.into_iter().collect()
        } else {
            Vec::new()
        },
        max_ttl: views.iter().filter_map(|v| v.ttl).max().unwrap_or(0),
    })
}

// dns.reach

/// One connect attempt: the address, and whether it opened.
pub type ConnectOutcome = (SocketAddr, Result<(), ConnectFailure>);

pub fn judge_reach(host: &str, port: u16, results: &[ConnectOutcome]) -> Option<DnsFault> {
    let live: Vec<SocketAddr> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(a, _)| *a)
        .collect();
    let dead: Vec<(SocketAddr, ConnectFailure)> = results
        .iter()
        .filter_map(|(a, r)| r.as_ref().err().map(|e| (*a, e.clone())))
        .collect();
    let host = host.to_string();
    if dead.is_empty() {
        return None;
    }
    if live.is_empty() {
        return Some(DnsFault::NothingListens {
            host,
            port,
            failures: dead,
        });
    }
    Some(DnsFault::DeadAddresses {
        host,
        port,
        live,
        dead,
    })
}
