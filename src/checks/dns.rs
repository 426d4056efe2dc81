//! Section 1, Domain & DNS (RFC 1034/1035): does each host resolve, to what, has a change
//! reached every server, and does anything listen at the addresses?

use crate::context::Context;
use crate::model::{Finding, Module};
use crate::net::dns::{DnsError, HostAddrs, Response, Rr};
use crate::runner::{ModuleSpec, Sink};
use futures::future::join_all;
use futures::FutureExt;
use hickory_proto::rr::RecordType;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Dns,
    about: "names resolve (A/AAAA, CNAME chain), agree across servers, and accept connections",
    rows: &["dns.resolve", "dns.propagation", "dns.reach"],
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

async fn check_host(ctx: &Context, sink: &Sink, seq: usize, host: &str) {
    let is_api = host == ctx.target.api_host();
    // Propagation asks other servers directly: it need not wait for the resolver's answer.
    let resolve_and_reach = async {
        let start = Instant::now();
        let looked = ctx.dns.lookup_host(host).await;
        sink.push(
            resolve_row(ctx, host, is_api, &looked)
                .seq(seq)
                .duration(start.elapsed()),
        );
        sink.extend(reach(ctx, host, seq, &looked).await);
    };
    let (_, prop) = tokio::join!(resolve_and_reach, propagation(ctx, host, seq));
    sink.push(prop);
}

fn describe(h: &HostAddrs) -> String {
    let mut s = String::new();
    for (alias, target, ttl) in &h.cnames {
        s.push_str(&format!(
            "{} → CNAME {} (TTL {ttl}); ",
            alias.trim_end_matches('.'),
            target.trim_end_matches('.')
        ));
    }
    let addrs: Vec<String> = h.addrs.iter().map(|a| a.to_string()).collect();
    s.push_str(&format!(
        "{} → {}",
        h.host.trim_end_matches('.'),
        addrs.join(", ")
    ));
    if let Some(ttl) = h.ttl {
        s.push_str(&format!(" (TTL {ttl})"));
    }
    match (h.source, h.server) {
        (crate::net::dns::AddrSource::Literal, _) => s.push_str(" (IP literal)"),
        (crate::net::dns::AddrSource::HostsFile, _) => s.push_str(" (from /etc/hosts)"),
        (_, Some(server)) => s.push_str(&format!(" via {server}")),
        _ => {}
    }
    s
}

fn resolve_row(
    ctx: &Context,
    host: &str,
    is_api: bool,
    looked: &Result<HostAddrs, DnsError>,
) -> Finding {
    let f = Finding::new(Module::Dns, "resolve", format!("{host} resolves"));
    match looked {
        Ok(h) => {
            let mut f = f.pass().detail(describe(h));
            if is_api {
                if !ctx.target.expect_ips.is_empty() {
                    let want: BTreeSet<IpAddr> = ctx.target.expect_ips.iter().copied().collect();
                    let got: BTreeSet<IpAddr> = h.addrs.iter().copied().collect();
                    if want != got {
                        let w: Vec<_> = want.iter().map(|i| i.to_string()).collect();
                        f = f.fail().detail(format!("expected {}, but {}", w.join(", "), describe(h))).hint(format!(
                            "point the A/AAAA records of {host} at {} (or correct --expect-ip); until then browsers reach another server",
                            w.join(", ")
                        ));
                    }
                }
                if let Some(want) = &ctx.target.expect_cname {
                    let want_n = want.trim_end_matches('.').to_ascii_lowercase();
                    let hit = h
                        .cnames
                        .iter()
                        .any(|(_, t, _)| t.trim_end_matches('.') == want_n);
                    if !hit {
                        let pointed = h
                            .cnames
                            .first()
                            .map(|(_, t, _)| format!("CNAME {}", t.trim_end_matches('.')));
                        f = f
                            .fail()
                            .detail(format!(
                                "expected CNAME {want_n}, but {} points {}",
                                host,
                                pointed.unwrap_or_else(|| format!("directly to {}", addr_list(&h.addrs)))
                            ))
                            .hint(format!("set {host} CNAME {want_n} at your DNS provider (the name your hosting platform gave the app)"));
                    }
                }
            }
            f
        }
        Err(e) => {
            let hint = match e {
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
                DnsError::NotAllowed(_) => "add the host to conncheck serve's --allow-targets to probe it".to_string(),
            };
            f.fail()
                .detail(format!("{host}: {e}"))
                .hint(hint)
                .browser_error(e.chrome_error())
        }
    }
}

fn addr_list(a: &[IpAddr]) -> String {
    a.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one server says about a host: the address set (or an error), TTL and zone serial.
#[derive(Debug, Clone)]
struct View {
    label: String,
    answer: Result<BTreeSet<String>, String>,
    ttl: Option<u32>,
    serial: Option<u32>,
}

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
    match a {
        Ok(r) => {
            let (set, ttl) = answer_set(&r, host);
            let answer = match r.rcode {
                hickory_proto::op::ResponseCode::NoError => Ok(set),
                other => Err(format!("{other:?}").to_uppercase()),
            };
            View {
                label,
                answer,
                ttl,
                serial,
            }
        }
        Err(e) => View {
            label,
            answer: Err(e.code().to_string()),
            ttl: None,
            serial,
        },
    }
}

fn answer_set(r: &Response, host: &str) -> (BTreeSet<String>, Option<u32>) {
    let mut set = BTreeSet::new();
    let mut ttl = None::<u32>;
    let _ = host;
    for (_, t, rr) in &r.answers {
        match rr {
            Rr::A(_) | Rr::Aaaa(_) | Rr::Cname(_) => {
                set.insert(rr.to_string());
                ttl = Some(ttl.map_or(*t, |x: u32| x.max(*t)));
            }
            _ => {}
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
    let f = Finding::new(
        Module::Dns,
        "propagation",
        format!("{host}: every server gives the same answer"),
    )
    .seq(seq);
    if host.parse::<IpAddr>().is_ok() {
        return f.skip().detail("an IP address: nothing to propagate");
    }
    let servers = ctx.dns.servers().to_vec();
    let Some(&first) = servers.first() else {
        return f.skip().detail("no resolver to ask");
    };
    let zone = find_zone(ctx, first, host).await;
    let mut asks = Vec::new();
    for s in &servers {
        asks.push(
            ask(
                ctx,
                format!("resolver {s}"),
                *s,
                host,
                zone.as_ref().map(|z| z.0.as_str()),
                true,
            )
            .boxed(),
        );
    }
    if ctx.opts.propagation_public {
        for (name, addr) in PUBLIC_RESOLVERS {
            let addr: SocketAddr = addr.parse().expect("valid constant");
            asks.push(
                ask(
                    ctx,
                    format!("{name} {addr}"),
                    addr,
                    host,
                    zone.as_ref().map(|z| z.0.as_str()),
                    true,
                )
                .boxed(),
            );
        }
    }
    let mut ns_notes = Vec::new();
    if let Some((zone_name, ns_names)) = &zone {
        for ns in ns_names {
            match ctx.dns.lookup_host(ns).await {
                Ok(h) => {
                    for ip in h.addrs {
                        let addr = SocketAddr::new(ip, ctx.opts.ns_port);
                        asks.push(
                            ask(
                                ctx,
                                format!("authoritative {} ({addr})", ns.trim_end_matches('.')),
                                addr,
                                host,
                                Some(zone_name),
                                false,
                            )
                            .boxed(),
                        );
                    }
                }
                Err(e) => ns_notes.push(format!(
                    "nameserver {} does not resolve: {e}",
                    ns.trim_end_matches('.')
                )),
            }
        }
    } else {
        ns_notes.push("could not find the zone's SOA/NS; compared resolvers only".to_string());
    }
    let views = join_all(asks).await;
    let f = f.duration(start.elapsed());
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for v in views.iter().filter(|v| v.answer.is_ok()) {
        *groups.entry(render_answer(&v.answer)).or_default() += 1;
    }
    let agreeing = groups.values().copied().max().unwrap_or(0);
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
    judge_propagation(
        f,
        host,
        &views,
        &ns_notes,
        zone.as_ref().map(|z| z.0.as_str()),
    )
}

fn render_answer(a: &Result<BTreeSet<String>, String>) -> String {
    match a {
        Ok(s) if s.is_empty() => "no records".to_string(),
        Ok(s) => s.iter().cloned().collect::<Vec<_>>().join(", "),
        Err(e) => e.clone(),
    }
}

fn render_view(v: &View) -> String {
    let ans = render_answer(&v.answer);
    let mut out = format!("{}: {ans}", v.label);
    if let Some(t) = v.ttl {
        out.push_str(&format!(" TTL {t}"));
    }
    if let Some(s) = v.serial {
        out.push_str(&format!(" serial {s}"));
    }
    out
}

fn judge_propagation(
    f: Finding,
    host: &str,
    views: &[View],
    notes: &[String],
    zone: Option<&str>,
) -> Finding {
    let answered: Vec<&View> = views.iter().filter(|v| v.answer.is_ok()).collect();
    let mut groups: BTreeMap<Vec<String>, Vec<&View>> = BTreeMap::new();
    for v in views {
        let key = match &v.answer {
            Ok(s) => s.iter().cloned().collect(),
            Err(e) => vec![format!("error {e}")],
        };
        groups.entry(key).or_default().push(v);
    }
    let serials: BTreeSet<u32> = views.iter().filter_map(|v| v.serial).collect();
    let mut detail: Vec<String> = views.iter().map(render_view).collect();
    detail.extend(notes.iter().cloned());
    if let Some(z) = zone {
        detail.insert(0, format!("zone {}", z.trim_end_matches('.')));
    }
    let detail = detail.join("; ");
    if views.len() < 2 && notes.is_empty() {
        return f.pass().detail(format!("only one server to ask: {detail}"));
    }
    if answered.is_empty() {
        if groups.len() == 1 {
            return f.skip().detail(format!(
                "every server agrees the name has no answer (see dns.resolve). {detail}"
            ));
        }
        return f
            .fail()
            .detail(detail)
            .hint(format!("no server answered for {host}: see dns.resolve"));
    }
    if groups.len() == 1 && serials.len() <= 1 {
        return f
            .pass()
            .detail(format!("{} servers agree. {detail}", views.len()));
    }
    // Disagreement: the largest group is "the new answer" only by count; show everyone.
    let max_ttl = views.iter().filter_map(|v| v.ttl).max().unwrap_or(0);
    let serial_note = if serials.len() > 1 {
        format!(
            " Zone serials differ ({}): a nameserver has not loaded the latest zone (a secondary missing the transfer/NOTIFY, or an old provider still listed in NS).",
            serials.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" vs ")
        )
    } else {
        String::new()
    };
    f.warn()
        .detail(format!("{} different answers. {detail}", groups.len()))
        .hint(format!(
            "the change to {host} has not reached every server.{serial_note} Caches holding the old answer expire within {max_ttl} s ({}); lower the TTL before the next change, and make every NS serve the same zone",
            human_secs(max_ttl)
        ))
}

fn human_secs(s: u32) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("~{} min", s / 60),
        _ => format!("~{} h", s / 3600),
    }
}

async fn reach(
    ctx: &Context,
    host: &str,
    seq: usize,
    looked: &Result<HostAddrs, DnsError>,
) -> Vec<Finding> {
    let ports: Vec<u16> = ctx
        .target
        .https_hosts()
        .into_iter()
        .filter(|(h, _)| h == host)
        .map(|(_, p)| p)
        .collect();
    let ports = if ports.is_empty() {
        ctx.target
            .websocket
            .as_ref()
            .and_then(|w| w.url.port_or_known_default())
            .into_iter()
            .collect()
    } else {
        ports
    };
    let mut out = Vec::new();
    for port in ports {
        let f = Finding::new(
            Module::Dns,
            "reach",
            format!("{host}:{port} accepts TCP connections"),
        )
        .seq(seq);
        let h = match looked {
            Ok(h) => h,
            Err(_) => {
                out.push(
                    f.skip()
                        .detail(format!("{host} does not resolve (see dns.resolve)")),
                );
                continue;
            }
        };
        let start = Instant::now();
        let attempts = h.addrs.iter().map(|ip| {
            let addr = SocketAddr::new(*ip, port);
            let t = ctx.opts.timeout;
            async move {
                let r = tokio::time::timeout(t, tokio::net::TcpStream::connect(addr)).await;
                let outcome = match r {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                        Err(("refused", "net::ERR_CONNECTION_REFUSED"))
                    }
                    Ok(Err(_)) => Err(("unreachable", "net::ERR_ADDRESS_UNREACHABLE")),
                    Err(_) => Err(("no answer (timed out)", "net::ERR_CONNECTION_TIMED_OUT")),
                };
                (addr, outcome)
            }
        });
        let results = join_all(attempts).await;
        let f = f.duration(start.elapsed());
        out.push(judge_reach(f, host, port, &results));
    }
    out
}

type ConnectOutcome = (SocketAddr, Result<(), (&'static str, &'static str)>);

fn judge_reach(f: Finding, host: &str, port: u16, results: &[ConnectOutcome]) -> Finding {
    let ok: Vec<String> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(a, _)| a.to_string())
        .collect();
    let bad: Vec<String> = results
        .iter()
        .filter_map(|(a, r)| r.as_ref().err().map(|(why, _)| format!("{a} {why}")))
        .collect();
    if bad.is_empty() {
        return f.pass().detail(format!("connected to {}", ok.join(", ")));
    }
    let browser = results
        .iter()
        .find_map(|(_, r)| r.as_ref().err().map(|(_, b)| *b))
        .unwrap_or("net::ERR_CONNECTION_REFUSED");
    if ok.is_empty() {
        return f
            .fail()
            .detail(format!("no address of {host} accepts connections on port {port}: {}", bad.join("; ")))
            .hint(format!(
                "nothing is listening on {host}:{port}: check that the app/proxy is running and the platform routes this domain to it, and that a firewall does not drop the port"
            ))
            .browser_error(browser);
    }
    f.warn()
        .detail(format!("connected to {}; dead: {}", ok.join(", "), bad.join("; ")))
        .hint(format!(
            "remove the stale address record(s) of {host}: clients that pick a dead address wait or fail before trying the next (slow loads, intermittent \"Network Error\")"
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(label: &str, ans: &[&str], ttl: u32, serial: u32) -> View {
        View {
            label: label.into(),
            answer: Ok(ans.iter().map(|s| s.to_string()).collect()),
            ttl: Some(ttl),
            serial: Some(serial),
        }
    }

    #[test]
    fn agreement_passes_and_disagreement_warns_with_ttl() {
        let f = Finding::new(Module::Dns, "propagation", "t");
        let ok = judge_propagation(
            f.clone(),
            "api.x.test",
            &[
                v("a", &["A 127.0.0.1"], 300, 7),
                v("b", &["A 127.0.0.1"], 300, 7),
            ],
            &[],
            None,
        );
        assert_eq!(ok.status, crate::model::Status::Pass);
        let bad = judge_propagation(
            f,
            "api.x.test",
            &[
                v("a", &["A 127.0.0.1"], 300, 8),
                v("b", &["A 127.0.0.3"], 3600, 7),
            ],
            &[],
            None,
        );
        assert_eq!(bad.status, crate::model::Status::Warn);
        assert!(bad.hint.as_deref().unwrap().contains("3600 s"));
        assert!(bad.detail.contains("serial 7") && bad.detail.contains("serial 8"));
    }

    #[test]
    fn some_dead_addresses_warn_all_dead_fail() {
        let f = Finding::new(Module::Dns, "reach", "t");
        let a: SocketAddr = "127.0.0.1:443".parse().unwrap();
        let b: SocketAddr = "127.0.0.2:443".parse().unwrap();
        let dead = Err(("refused", "net::ERR_CONNECTION_REFUSED"));
        assert_eq!(
            judge_reach(f.clone(), "h", 443, &[(a, Ok(())), (b, dead)]).status,
            crate::model::Status::Warn
        );
        let all = judge_reach(f, "h", 443, &[(b, dead)]);
        assert_eq!(all.status, crate::model::Status::Fail);
        assert_eq!(
            all.browser_error.as_deref(),
            Some("net::ERR_CONNECTION_REFUSED")
        );
    }
}
