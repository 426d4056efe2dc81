//! The words of the DNS rows: titles, evidence and fixes, from the observations and the typed
//! [`DnsFault`]. The only prose of the module; nothing here decides a status.

use super::judge::{DnsFault, Propagation, View};
use crate::engine::Finding;
use crate::net::connect::ConnectFailure;
use crate::net::dns::{AddrSource, DnsError, HostAddrs};
use std::net::{IpAddr, SocketAddr};

pub fn resolve_title(host: &str) -> String {
    format!("{host} resolves")
}

pub fn propagation_title(host: &str) -> String {
    format!("{host}: every server gives the same answer")
}

pub fn reach_title(host: &str, port: u16) -> String {
    format!("{host}:{port} accepts TCP connections")
}

pub fn unresolved_skip(host: &str) -> String {
    format!("{host} does not resolve (see dns.resolve)")
}

pub const IP_LITERAL: &str = "an IP address: nothing to propagate";
pub const NO_RESOLVER: &str = "no resolver to ask";

/// A row with a fault: its status and Chrome's error come from the fault.
fn faulted(f: Finding, fault: DnsFault, detail: String, hint: Option<String>) -> Finding {
    let console = fault.console();
    f.status(fault.status())
        .detail(detail)
        .maybe_hint(hint)
        .maybe_browser_error(console.map(str::to_string))
        .fault(fault)
}

/// The resolver's answer: CNAME chain, addresses, TTL, which server.
pub fn describe(h: &HostAddrs) -> String {
    let mut s = String::new();
    for (alias, target, ttl) in &h.cnames {
        s.push_str(&format!(
            "{} → CNAME {} (TTL {ttl}); ",
            alias.trim_end_matches('.'),
            target.trim_end_matches('.')
        ));
    }
    s.push_str(&format!(
        "{} → {}",
        h.host.trim_end_matches('.'),
        addr_list(&h.addrs)
    ));
    if let Some(ttl) = h.ttl {
        s.push_str(&format!(" (TTL {ttl})"));
    }
    match (h.source, h.server) {
        (AddrSource::Literal, _) => s.push_str(" (IP literal)"),
        (AddrSource::HostsFile, _) => s.push_str(" (from /etc/hosts)"),
        (_, Some(server)) => s.push_str(&format!(" via {server}")),
        _ => {}
    }
    s
}

fn addr_list(a: &[IpAddr]) -> String {
    a.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn unresolved_hint(host: &str, e: &DnsError) -> String {
    match e {
        DnsError::NxDomain { .. } => format!(
            "the name {host} does not exist: create its record at your DNS provider (a CNAME to the platform's app name, or an A record), and check for typos in the domain"
        ),
        DnsError::NoAddress { .. } => format!("{host} exists but has no A/AAAA record: add one (or a CNAME to your platform's app host)"),
        DnsError::ServFail { .. } | DnsError::Rcode { .. } => "the resolver could not resolve the zone: check the domain's NS delegation at the registrar and any DNSSEC (DS) records".to_string(),
        DnsError::Refused { .. } => "that server refuses to resolve for this client: use a resolver that serves you (--resolver)".to_string(),
        DnsError::Timeout { .. } | DnsError::Unreachable { .. } => {
            "the DNS resolver did not answer: check --resolver, the network path to it, or the system's /etc/resolv.conf".to_string()
        }
        DnsError::CnameChain { .. } => "the CNAME chain loops or is too long: point the name directly at the platform host".to_string(),
        DnsError::Malformed { .. } => "the resolver sent invalid answers: try another resolver".to_string(),
        DnsError::NoResolver => "no resolver configured: pass --resolver IP[:PORT]".to_string(),
        DnsError::BadName(_) => "the host name is not valid in DNS".to_string(),
        DnsError::NotAllowed(_) => {
            "add the host to conncheck serve's --allow-targets to probe it".to_string()
        }
    }
}

pub fn resolve(
    f: Finding,
    host: &str,
    looked: &Result<HostAddrs, DnsError>,
    fault: Option<DnsFault>,
) -> Finding {
    let Some(fault) = fault else {
        return match looked {
            Ok(h) => f.pass().detail(describe(h)),
            Err(e) => f.pass().detail(format!("{host}: {e}")),
        };
    };
    let seen = looked.as_ref().ok();
    let (detail, hint) = match (&fault, seen) {
        (DnsFault::Unresolved { error, .. }, _) => {
            (format!("{host}: {error}"), unresolved_hint(host, error))
        }
        (DnsFault::UnexpectedAddress { expected, .. }, Some(h)) => {
            let w = addr_list(expected);
            (
                format!("expected {w}, but {}", describe(h)),
                format!("point the A/AAAA records of {host} at {w} (or correct --expect-ip); until then browsers reach another server"),
            )
        }
        (DnsFault::UnexpectedCname { expected, seen, .. }, Some(h)) => {
            let pointed = match seen {
                Some(t) => format!("CNAME {t}"),
                None => format!("directly to {}", addr_list(&h.addrs)),
            };
            (
                format!("expected CNAME {expected}, but {host} points {pointed}"),
                format!("set {host} CNAME {expected} at your DNS provider (the name your hosting platform gave the app)"),
            )
        }
        _ => (format!("{host}: {fault:?}"), String::new()),
    };
    faulted(f, fault, detail, Some(hint).filter(|h| !h.is_empty()))
}

// dns.propagation

fn render_answer(a: &Result<std::collections::BTreeSet<String>, String>) -> String {
    match a {
        Ok(s) if s.is_empty() => "no records".to_string(),
        Ok(s) => s.iter().cloned().collect::<Vec<_>>().join(", "),
        Err(e) => e.clone(),
    }
}

fn render_view(v: &View) -> String {
    let mut out = format!("{}: {}", v.label, render_answer(&v.answer));
    if let Some(t) = v.ttl {
        out.push_str(&format!(" TTL {t}"));
    }
    if let Some(s) = v.serial {
        out.push_str(&format!(" serial {s}"));
    }
    out
}

/// Something noted about the servers asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A nameserver of the zone does not resolve.
    NameserverUnresolved { ns: String, error: DnsError },
    /// No SOA/NS found for the zone.
    NoZone,
}

fn note(n: &Note) -> String {
    match n {
        Note::NameserverUnresolved { ns, error } => format!(
            "nameserver {} does not resolve: {error}",
            ns.trim_end_matches('.')
        ),
        Note::NoZone => "could not find the zone's SOA/NS; compared resolvers only".to_string(),
    }
}

fn human_secs(s: u32) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("~{} min", s / 60),
        _ => format!("~{} h", s / 3600),
    }
}

/// What the propagation row shows: the zone, every server's answer, the notes.
pub struct Asked<'a> {
    pub views: &'a [View],
    pub notes: &'a [Note],
    pub zone: Option<&'a str>,
}

pub fn propagation(f: Finding, host: &str, asked: &Asked<'_>, verdict: Propagation) -> Finding {
    let mut lines: Vec<String> = asked.views.iter().map(render_view).collect();
    lines.extend(asked.notes.iter().map(note));
    if let Some(z) = asked.zone {
        lines.insert(0, format!("zone {}", z.trim_end_matches('.')));
    }
    let detail = lines.join("; ");
    let fault = match verdict {
        Propagation::OneServer => {
            return f.pass().detail(format!("only one server to ask: {detail}"))
        }
        Propagation::Agree => {
            let n = asked.views.len();
            return f.pass().detail(format!("{n} servers agree. {detail}"));
        }
        Propagation::Fault(fault) => fault,
    };
    let (detail, hint) = match &fault {
        DnsFault::NoAnswerAnywhere { .. } => (
            format!("every server agrees the name has no answer (see dns.resolve). {detail}"),
            None,
        ),
        DnsFault::Disagree {
            answers,
            serials,
            max_ttl,
            ..
        } => (
            format!("{answers} different answers. {detail}"),
            Some(disagree_hint(host, serials, *max_ttl)),
        ),
        _ => (
            detail,
            Some(format!("no server answered for {host}: see dns.resolve")),
        ),
    };
    faulted(f, fault, detail, hint)
}

fn disagree_hint(host: &str, serials: &[u32], max_ttl: u32) -> String {
    let serial_note = if serials.is_empty() {
        String::new()
    } else {
        let s: Vec<String> = serials.iter().map(|s| s.to_string()).collect();
        format!(
            " Zone serials differ ({}): a nameserver has not loaded the latest zone (a secondary missing the transfer/NOTIFY, or an old provider still listed in NS).",
            s.join(" vs ")
        )
    };
    format!(
        "the change to {host} has not reached every server.{serial_note} Caches holding the old answer expire within {max_ttl} s ({}); lower the TTL before the next change, and make every NS serve the same zone",
        human_secs(max_ttl)
    )
}

// dns.reach

fn failure(f: &ConnectFailure) -> &'static str {
    match f {
        ConnectFailure::Refused => "refused",
        ConnectFailure::Unreachable(_) => "unreachable",
        ConnectFailure::TimedOut => "no answer (timed out)",
    }
}

fn dead_list(dead: &[(SocketAddr, ConnectFailure)]) -> String {
    dead.iter()
        .map(|(a, f)| format!("{a} {}", failure(f)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn live_list(live: &[SocketAddr]) -> String {
    live.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn reach(f: Finding, live: &[SocketAddr], fault: Option<DnsFault>) -> Finding {
    let Some(fault) = fault else {
        return f.pass().detail(format!("connected to {}", live_list(live)));
    };
    let (detail, hint) = match &fault {
        DnsFault::NothingListens { host, port, failures } => (
            format!("no address of {host} accepts connections on port {port}: {}", dead_list(failures)),
            format!("nothing is listening on {host}:{port}: check that the app/proxy is running and the platform routes this domain to it, and that a firewall does not drop the port"),
        ),
        DnsFault::DeadAddresses { host, live, dead, .. } => (
            format!("connected to {}; dead: {}", live_list(live), dead_list(dead)),
            format!("remove the stale address record(s) of {host}: clients that pick a dead address wait or fail before trying the next (slow loads, intermittent \"Network Error\")"),
        ),
        other => (format!("{other:?}"), String::new()),
    };
    faulted(f, fault, detail, Some(hint).filter(|h| !h.is_empty()))
}
