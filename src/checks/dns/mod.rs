//! Section 1, Domain & DNS (RFC 1034/1035): does each host resolve, to what, has a change
//! reached every server, and does anything listen at the addresses?
//!
//! This file does the I/O: the lookups, the direct questions to every resolver and the zone's
//! nameservers, the TCP connects. [`judge`] decides each row (typed [`DnsFault`]s); [`words`]
//! writes them.

pub mod judge;
pub mod words;

#[cfg(test)]
mod tests;

pub use judge::DnsFault;

use crate::engine::context::Context;
use crate::engine::fault::{Dependent, NetFault};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Finding, Module, Row, Subject};
use crate::net::connect::connect;
use crate::net::dns::{DnsError, HostAddrs, Response, Rr};
use crate::net::http::NetError;
use futures::future::{join_all, BoxFuture};
use futures::FutureExt;
use hickory_proto::rr::RecordType;
use judge::{Expect, View};
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use words::{Asked, Note};

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Dns,
    about: "names resolve (A/AAAA, CNAME chain), agree across servers, and accept connections",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// Well-known public resolvers, only with `--propagation`.
pub const PUBLIC_RESOLVERS: &[(&str, &str)] = &[
    ("Cloudflare", "1.1.1.1:53"),
    ("Google", "8.8.8.8:53"),
    ("Quad9", "9.9.9.9:53"),
    ("OpenDNS", "208.67.222.222:53"),
];

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let hosts = ctx.target.hosts();
    let tasks = hosts.iter().enumerate().map(|(i, host)| {
        let (ctx, sink) = (Arc::clone(&ctx), sink.clone());
        let host = host.clone();
        async move { check_host(&ctx, &sink, i, &host).await }
    });
    join_all(tasks).await;
}

fn subject(host: &str) -> Subject {
    Subject::host(host, None)
}

async fn check_host(ctx: &Context, sink: &Sink, seq: usize, host: &str) {
    // Propagation asks other servers directly: it need not wait for the resolver's answer.
    let resolve_and_reach = async {
        let start = Instant::now();
        let looked = ctx.dns.lookup_host(host).await;
        sink.push(
            resolve_row(ctx, host, &looked)
                .seq(seq)
                .duration(start.elapsed()),
        );
        sink.extend(reach(ctx, host, seq, &looked).await);
    };
    let (_, prop) = tokio::join!(resolve_and_reach, propagation(ctx, host, seq));
    sink.push(prop);
}

fn resolve_row(ctx: &Context, host: &str, looked: &Result<HostAddrs, DnsError>) -> Finding {
    let t = &ctx.target;
    let expect = if host == t.api_host() {
        Expect {
            ips: &t.expect_ips,
            cname: t.expect_cname.as_deref(),
        }
    } else {
        Expect::default()
    };
    let f = Finding::of(Row::DnsResolve, subject(host), words::resolve_title(host));
    words::resolve(f, host, looked, judge::judge_resolve(host, looked, expect))
}

/// Ask `server` for `host`'s A records (and the zone's SOA serial).
async fn ask(
    ctx: &Context,
    label: String,
    server: SocketAddr,
    host: &str,
    zone: Option<&str>,
    recurse: bool,
) -> View {
    let (a, soa) = tokio::join!(ctx.dns.query(server, host, RecordType::A, recurse), async {
        match zone {
            Some(z) => ctx
                .dns
                .query(server, z, RecordType::SOA, recurse)
                .await
                .ok(),
            None => None,
        }
    });
    let serial = soa.and_then(|r| {
        r.answers
            .iter()
            .chain(r.authority.iter())
            .find_map(|(_, _, rr)| match rr {
                Rr::Soa { serial, .. } => Some(*serial),
                _ => None,
            })
    });
    let (answer, ttl) = match a {
        Ok(r) => {
            let (set, ttl) = answer_set(&r);
            match r.rcode {
                hickory_proto::op::ResponseCode::NoError => (Ok(set), ttl),
                other => (Err(format!("{other:?}").to_uppercase()), ttl),
            }
        }
        Err(e) => (Err(e.code().to_string()), None),
    };
    View {
        label,
        answer,
        ttl,
        serial,
    }
}

fn answer_set(r: &Response) -> (BTreeSet<String>, Option<u32>) {
    let mut set = BTreeSet::new();
    let mut ttl = None::<u32>;
    for (_, t, rr) in &r.answers {
        if let Rr::A(_) | Rr::Aaaa(_) | Rr::Cname(_) = rr {
            set.insert(rr.to_string());
            ttl = Some(ttl.map_or(*t, |x: u32| x.max(*t)));
        }
    }
    (set, ttl)
}

/// Find the zone that holds `host` (the closest enclosing name with an SOA), and its NS names.
async fn find_zone(ctx: &Context, server: SocketAddr, host: &str) -> Option<(String, Vec<String>)> {
    let mut name = host.trim_end_matches('.').to_string();
    for _ in 0..8 {
        let answer = ctx.dns.query(server, &name, RecordType::SOA, true).await;
        if let Err(
            DnsError::Timeout { .. } | DnsError::Unreachable { .. } | DnsError::Malformed { .. },
        ) = answer
        {
            // The server is not answering usefully; walking up would only wait again.
            return None;
        }
        if let Ok(r) = answer {
            // The SOA's owner in the answer (the name is a zone apex) or authority (it is inside one).
            let zone = r
                .answers
                .iter()
                .chain(r.authority.iter())
                .find_map(|(owner, _, rr)| matches!(rr, Rr::Soa { .. }).then(|| owner.clone()));
            if let Some(zone) = zone {
                let ns = ctx
                    .dns
                    .query(server, &zone, RecordType::NS, true)
                    .await
                    .ok()?;
                let names: Vec<String> = ns
                    .answers
                    .iter()
                    .filter_map(|(_, _, rr)| match rr {
                        Rr::Ns(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                return Some((zone, names));
            }
        }
        match name.split_once('.') {
            Some((_, rest)) if rest.contains('.') => name = rest.to_string(),
            _ => return None,
        }
    }
    None
}

async fn propagation(ctx: &Context, host: &str, seq: usize) -> Finding {
    let start = Instant::now();
    let f = Finding::of(
        Row::DnsPropagation,
        subject(host),
        words::propagation_title(host),
    )
    .seq(seq);
    if host.parse::<IpAddr>().is_ok() {
        return f.skip().detail(words::IP_LITERAL);
    }
    let servers = ctx.dns.servers().to_vec();
    let Some(&first) = servers.first() else {
        let net = NetFault::new(host, NetError::Dns(DnsError::NoResolver));
        return f.skip().detail(words::NO_RESOLVER).fault(Dependent {
            owner: Row::DnsResolve,
            net,
        });
    };
    let zone = find_zone(ctx, first, host).await;
    let zone_name = zone.as_ref().map(|z| z.0.as_str());
    let mut asks: Vec<BoxFuture<'_, View>> = Vec::new();
    for s in &servers {
        asks.push(ask(ctx, format!("resolver {s}"), *s, host, zone_name, true).boxed());
    }
    if ctx.opts.propagation_public {
        for (name, addr) in PUBLIC_RESOLVERS {
            let addr: SocketAddr = addr.parse().expect("valid constant");
            asks.push(ask(ctx, format!("{name} {addr}"), addr, host, zone_name, true).boxed());
        }
    }
    let mut notes = Vec::new();
    match &zone {
        Some((zone_name, ns_names)) => {
            for ns in ns_names {
                match ctx.dns.lookup_host(ns).await {
                    Ok(h) => asks.extend(h.addrs.into_iter().map(|ip| {
                        let addr = SocketAddr::new(ip, ctx.opts.ns_port);
                        let label = format!("authoritative {} ({addr})", ns.trim_end_matches('.'));
                        ask(ctx, label, addr, host, Some(zone_name), false).boxed()
                    })),
                    Err(error) => notes.push(Note::NameserverUnresolved {
                        ns: ns.clone(),
                        error,
                    }),
                }
            }
        }
        None => notes.push(Note::NoZone),
    }
    let views = join_all(asks).await;
    let f = f.duration(start.elapsed());
    let agreeing = judge::agreeing(&views);
    ctx.metric(
        "dns_propagation_agreeing_servers",
        &[("host", host)],
        agreeing as f64,
    );
    ctx.metric(
        "dns_propagation_servers",
        &[("host", host)],
        views.len() as f64,
    );
    let verdict = judge::judge_propagation(host, &views, !notes.is_empty());
    let asked = Asked {
        views: &views,
        notes: &notes,
        zone: zone_name,
    };
    words::propagation(f, host, &asked, verdict)
}

/// The ports this host is reached on: its HTTPS ports, else the WebSocket's.
fn ports(ctx: &Context, host: &str) -> Vec<u16> {
    let ports: Vec<u16> = ctx
        .target
        .https_hosts()
        .into_iter()
        .filter(|(h, _)| h == host)
        .map(|(_, p)| p)
        .collect();
    if !ports.is_empty() {
        return ports;
    }
    ctx.target
        .websocket
        .as_ref()
        .and_then(|w| w.url.port_or_known_default())
        .into_iter()
        .collect()
}

async fn reach(
    ctx: &Context,
    host: &str,
    seq: usize,
    looked: &Result<HostAddrs, DnsError>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for port in ports(ctx, host) {
        let subject = Subject::host(host, (port != 443).then_some(port));
        let f = Finding::of(Row::DnsReach, subject, words::reach_title(host, port)).seq(seq);
        let h = match looked {
            Ok(h) => h,
            Err(e) => {
                let net = NetFault::new(host, NetError::Dns(e.clone()));
                out.push(
                    f.skip()
                        .detail(words::unresolved_skip(host))
                        .fault(Dependent {
                            owner: Row::DnsResolve,
                            net,
                        }),
                );
                continue;
            }
        };
        let start = Instant::now();
        let attempts = h.addrs.iter().map(|ip| {
            let addr = SocketAddr::new(*ip, port);
            let t = ctx.opts.timeout;
            async move { (addr, connect(addr, t).await.map(drop)) }
        });
        let results = join_all(attempts).await;
        let f = f.duration(start.elapsed());
        let live: Vec<SocketAddr> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(a, _)| *a)
            .collect();
        out.push(words::reach(
            f,
            &live,
            judge::judge_reach(host, port, &results),
        ));
    }
    out
}
