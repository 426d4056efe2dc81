//! A small stub resolver over the DNS wire format (RFC 1035), built on hickory-proto.
//!
//! conncheck talks to resolvers itself rather than through the OS so that it can say *which*
//! server answered *what* (rcode, TTL, CNAME chain, SOA serial), query authoritative servers
//! directly for `dns.propagation`, and bound every step with a timeout. The same resolver feeds
//! the HTTP client, so every module sees one consistent, cached view of the names.

use futures::future::{BoxFuture, FutureExt, Shared};
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

/// The most CNAME hops followed before giving up (resolvers use similar limits).
pub const MAX_CNAME_HOPS: usize = 16;
/// The largest DNS message accepted over TCP.
const MAX_TCP_MESSAGE: usize = 65_535;

/// Why a lookup did not produce addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name does not exist (rcode NXDOMAIN).
    NxDomain { server: SocketAddr },
    /// The server failed (rcode SERVFAIL): often a broken delegation or DNSSEC failure.
    ServFail { server: SocketAddr },
    /// The server refused to answer (rcode REFUSED): it is not a resolver for us.
    Refused { server: SocketAddr },
    /// Any other error rcode.
    Rcode { server: SocketAddr, rcode: String },
    /// The name exists but has no address records.
    NoAddress { server: SocketAddr },
    /// No answer within the timeout.
    Timeout { server: SocketAddr, after: Duration },
    /// The server could not be reached (ICMP unreachable, connection refused).
    Unreachable { server: SocketAddr, reason: String },
    /// The answer was not a valid DNS message or made no sense.
    Malformed { server: SocketAddr, reason: String },
    /// The CNAME chain was longer than [`MAX_CNAME_HOPS`] or looped.
    CnameChain { server: SocketAddr, hops: usize },
    /// No resolver is configured.
    NoResolver,
    /// The host name is not a valid DNS name.
    BadName(String),
    /// The run may not contact this host (`conncheck serve --allow-targets`).
    NotAllowed(String),
}

impl DnsError {
    /// The error Chrome reports for a page or fetch that hits this DNS failure.
    pub fn chrome_error(&self) -> &'static str {
        match self {
            DnsError::NxDomain { .. } | DnsError::NoAddress { .. } => "net::ERR_NAME_NOT_RESOLVED",
            _ => "net::ERR_NAME_NOT_RESOLVED",
        }
    }

    pub fn server(&self) -> Option<SocketAddr> {
        match self {
            DnsError::NxDomain { server }
            | DnsError::ServFail { server }
            | DnsError::Refused { server }
            | DnsError::Rcode { server, .. }
            | DnsError::NoAddress { server }
            | DnsError::Timeout { server, .. }
            | DnsError::Unreachable { server, .. }
            | DnsError::Malformed { server, .. }
            | DnsError::CnameChain { server, .. } => Some(*server),
            DnsError::NoResolver | DnsError::BadName(_) | DnsError::NotAllowed(_) => None,
        }
    }

    /// Short code for tables: NXDOMAIN, SERVFAIL, REFUSED, TIMEOUT…
    pub fn code(&self) -> &'static str {
        match self {
            DnsError::NxDomain { .. } => "NXDOMAIN",
            DnsError::ServFail { .. } => "SERVFAIL",
            DnsError::Refused { .. } => "REFUSED",
            DnsError::Rcode { .. } => "RCODE",
            DnsError::NoAddress { .. } => "NODATA",
            DnsError::Timeout { .. } => "TIMEOUT",
            DnsError::Unreachable { .. } => "UNREACHABLE",
            DnsError::Malformed { .. } => "MALFORMED",
            DnsError::CnameChain { .. } => "CNAME-CHAIN",
            DnsError::NoResolver => "NO-RESOLVER",
            DnsError::BadName(_) => "BAD-NAME",
            DnsError::NotAllowed(_) => "NOT-ALLOWED",
        }
    }
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::NotAllowed(h) => write!(
                f,
                "not contacted: {h} is not in the allow-list (conncheck serve --allow-targets)"
            ),
            DnsError::NxDomain { server } => {
                write!(f, "NXDOMAIN from {server}: the name does not exist")
            }
            DnsError::ServFail { server } => write!(
                f,
                "SERVFAIL from {server}: the resolver failed to resolve the name"
            ),
            DnsError::Refused { server } => write!(
                f,
                "REFUSED from {server}: the server will not resolve this name for us"
            ),
            DnsError::Rcode { server, rcode } => write!(f, "{rcode} from {server}"),
            DnsError::NoAddress { server } => write!(
                f,
                "no A/AAAA records from {server} (the name exists but has no address)"
            ),
            DnsError::Timeout { server, after } => {
                write!(
                    f,
                    "no answer from {server} within {:.1} s",
                    after.as_secs_f64()
                )
            }
            DnsError::Unreachable { server, reason } => {
                write!(f, "resolver {server} unreachable: {reason}")
            }
            DnsError::Malformed { server, reason } => {
                write!(f, "bad answer from {server}: {reason}")
            }
            DnsError::CnameChain { server, hops } => {
                write!(
                    f,
                    "CNAME chain from {server} longer than {hops} hops or looping"
                )
            }
            DnsError::NoResolver => write!(f, "no DNS resolver configured"),
            DnsError::BadName(n) => write!(f, "not a valid DNS name: {n}"),
        }
    }
}

impl std::error::Error for DnsError {}

/// One record of interest, flattened for display and comparison.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rr {
    A(std::net::Ipv4Addr),
    Aaaa(std::net::Ipv6Addr),
    Cname(String),
    Ns(String),
    Soa { mname: String, serial: u32 },
}

impl fmt::Display for Rr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rr::A(ip) => write!(f, "A {ip}"),
            Rr::Aaaa(ip) => write!(f, "AAAA {ip}"),
            Rr::Cname(n) => write!(f, "CNAME {n}"),
            Rr::Ns(n) => write!(f, "NS {n}"),
            Rr::Soa { mname, serial } => write!(f, "SOA {mname} serial {serial}"),
        }
    }
}

/// A parsed response to one query.
#[derive(Debug, Clone)]
pub struct Response {
    pub server: SocketAddr,
    pub rcode: ResponseCode,
    pub authoritative: bool,
    /// Answer records matching the question (or the CNAME chain from it), with TTLs.
    pub answers: Vec<(String, u32, Rr)>,
    /// Authority-section records (NS, SOA), with TTLs.
    pub authority: Vec<(String, u32, Rr)>,
    pub elapsed: Duration,
    /// Answer records dropped because they were for a name we did not ask about.
    pub ignored: usize,
}

/// The addresses of a host, with how we got them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAddrs {
    pub host: String,
    pub addrs: Vec<IpAddr>,
    /// The CNAME chain, in order: (alias, target, ttl).
    pub cnames: Vec<(String, String, u32)>,
    /// Smallest TTL among the address records.
    pub ttl: Option<u32>,
    /// Which server gave the answer (None for IP literals and the hosts file).
    pub server: Option<SocketAddr>,
    pub source: AddrSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrSource {
    Literal,
    HostsFile,
    Dns,
}

type SharedLookup = Shared<BoxFuture<'static, Result<HostAddrs, DnsError>>>;

/// The resolver used by every module of one run.
pub struct DnsClient {
    servers: Vec<SocketAddr>,
    /// True when the servers came from /etc/resolv.conf rather than `--resolver`.
    pub system: bool,
    timeout: Duration,
    hosts: HashMap<String, Vec<IpAddr>>,
    cache: Mutex<HashMap<String, SharedLookup>>,
    /// resolv.conf's `search`, `ndots`, `timeout` and `attempts` (the system path only).
    options: SystemOptions,
    /// Host patterns every lookup must match; empty allows any (see [`DnsClient::restrict`]).
    allow: Vec<String>,
}

/// What resolv.conf says about looking names up (resolv.conf(5); glibc's `res_search`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemOptions {
    /// Domains tried for a name with fewer than `ndots` dots (before the name itself) or after
    /// the name itself failed.
    pub search: Vec<String>,
    pub ndots: usize,
    /// Each query's own timeout.
    pub query_timeout: Duration,
    /// Rounds over the nameservers.
    pub attempts: usize,
}

impl SystemOptions {
    /// Asking exactly the given servers: the name as written, one round.
    fn direct(timeout: Duration) -> SystemOptions {
        SystemOptions {
            search: Vec::new(),
            ndots: 1,
            query_timeout: timeout,
            attempts: 1,
        }
    }

    /// The names to try for `host`, in glibc's order: as written first when it has at least
    /// `ndots` dots, else the search domains first; a trailing dot means only as written.
    pub fn candidates(&self, host: &str) -> Vec<String> {
        if host.ends_with('.') || self.search.is_empty() {
            return vec![host.trim_end_matches('.').to_string()];
        }
        let with: Vec<String> = self
            .search
            .iter()
            .map(|d| format!("{host}.{}", d.trim_matches('.')))
            .collect();
        let mut v = Vec::new();
        if host.matches('.').count() >= self.ndots {
            v.push(host.to_string());
            v.extend(with);
        } else {
            v.extend(with);
            v.push(host.to_string());
        }
        v
    }
}

/// Does `host` match a `*`-wildcard pattern (case-insensitive)?
pub fn host_matches(pattern: &str, host: &str) -> bool {
    fn m(p: &[u8], h: &[u8]) -> bool {
        match (p.first(), h.first()) {
            (None, None) => true,
            (Some(b'*'), _) => m(&p[1..], h) || (!h.is_empty() && m(p, &h[1..])),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => m(&p[1..], &h[1..]),
            _ => false,
        }
    }
    let host = host.trim_end_matches('.').trim_matches(['[', ']']);
    m(pattern.trim().as_bytes(), host.as_bytes())
}

impl fmt::Debug for DnsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DnsClient")
            .field("servers", &self.servers)
            .field("system", &self.system)
            .finish()
    }
}

impl DnsClient {
    /// A client that asks exactly these servers.
    pub fn with_servers(servers: Vec<SocketAddr>, timeout: Duration) -> DnsClient {
        DnsClient {
            servers,
            system: false,
            timeout,
            hosts: HashMap::new(),
            cache: Mutex::new(HashMap::new()),
            options: SystemOptions::direct(timeout),
            allow: Vec::new(),
        }
    }

    /// A client that asks the system's resolvers (/etc/resolv.conf) the way the C library
    /// does (search, ndots, timeout, attempts) and honours /etc/hosts.
    pub fn system(timeout: Duration) -> DnsClient {
        let conf = std::fs::read("/etc/resolv.conf").unwrap_or_default();
        let hosts = std::fs::read_to_string("/etc/hosts")
            .map(|s| parse_hosts(&s))
            .unwrap_or_default();
        let mut c = DnsClient::from_resolv_conf(&conf, 53, timeout);
        c.hosts = hosts;
        c
    }

    /// A system-path client from resolv.conf text (nameservers on `port`); the run's step
    /// timeout caps resolv.conf's per-query timeout.
    pub fn from_resolv_conf(text: &[u8], port: u16, timeout: Duration) -> DnsClient {
        let conf = resolv_conf::Config::parse(text).ok();
        let servers = conf
            .as_ref()
            .map(|c| {
                c.nameservers
                    .iter()
                    .map(|ns| SocketAddr::new(IpAddr::from(ns.clone()), port))
                    .collect()
            })
            .unwrap_or_default();
        let options = match &conf {
            Some(c) => SystemOptions {
                // `domain` without `search` is a one-entry search list (resolv.conf(5)).
                search: c
                    .get_search()
                    .cloned()
                    .or_else(|| c.get_domain().map(|d| vec![d.clone()]))
                    .unwrap_or_default(),
                ndots: c.ndots as usize,
                query_timeout: Duration::from_secs(u64::from(c.timeout.max(1))).min(timeout),
                attempts: (c.attempts as usize).clamp(1, 5),
            },
            None => SystemOptions::direct(timeout),
        };
        DnsClient {
            servers,
            system: true,
            timeout,
            hosts: HashMap::new(),
            cache: Mutex::new(HashMap::new()),
            options,
            allow: Vec::new(),
        }
    }

    /// Only hosts matching one of these patterns may be looked up (and so contacted); empty
    /// allows any. `conncheck serve` sets its `--allow-targets` here.
    pub fn restrict(mut self, patterns: Vec<String>) -> DnsClient {
        self.allow = patterns;
        self
    }

    /// May the run contact `host`?
    pub fn allows(&self, host: &str) -> bool {
        self.allow.is_empty() || self.allow.iter().any(|p| host_matches(p, host))
    }

    /// resolv.conf's options in force (search list, ndots, per-query timeout, attempts).
    pub fn options(&self) -> &SystemOptions {
        &self.options
    }

    pub fn servers(&self) -> &[SocketAddr] {
        &self.servers
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Resolve a host to addresses (A and AAAA), following CNAMEs. Concurrent and repeated
    /// lookups of one name share a single query.
    pub async fn lookup_host(self: &Arc<Self>, host: &str) -> Result<HostAddrs, DnsError> {
        let key = host.trim_end_matches('.').to_ascii_lowercase();
        if !self.allows(&key) {
            return Err(DnsError::NotAllowed(key));
        }
        if let Ok(ip) = key
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(HostAddrs {
                host: key,
                addrs: vec![ip],
                cnames: vec![],
                ttl: None,
                server: None,
                source: AddrSource::Literal,
            });
        }
        if let Some(ips) = self.hosts.get(&key) {
            return Ok(HostAddrs {
                host: key,
                addrs: ips.clone(),
                cnames: vec![],
                ttl: None,
                server: None,
                source: AddrSource::HostsFile,
            });
        }
        // A trailing dot keeps the name out of resolv.conf's search list.
        let asked = if host.ends_with('.') {
            format!("{key}.")
        } else {
            key.clone()
        };
        let fut = {
            let mut cache = self.cache.lock().unwrap();
            cache
                .entry(asked.clone())
                .or_insert_with(|| {
                    let me = Arc::clone(self);
                    let k = asked.clone();
                    async move { me.resolve_uncached(&k).await }
                        .boxed()
                        .shared()
                })
                .clone()
        };
        fut.await
    }

    /// Try each candidate name (resolv.conf's search list) until one resolves; the error is
    /// the name-as-written's, or the first when every candidate failed alike.
    async fn resolve_uncached(&self, host: &str) -> Result<HostAddrs, DnsError> {
        if self.servers.is_empty() {
            return Err(DnsError::NoResolver);
        }
        let mut first_err = None;
        let mut own_err = None;
        for name in self.options.candidates(host) {
            match self.resolve_name(&name).await {
                Ok(h) => return Ok(h),
                Err(e) => {
                    if name == host {
                        own_err = Some(e.clone());
                    }
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(own_err.or(first_err).unwrap_or(DnsError::NoResolver))
    }

    /// Ask each server in turn, `attempts` rounds, until one gives a definite answer.
    async fn resolve_name(&self, host: &str) -> Result<HostAddrs, DnsError> {
        let mut last = DnsError::NoResolver;
        for _ in 0..self.options.attempts {
            for &server in &self.servers {
                match self.resolve_at(server, host).await {
                    Ok(h) => return Ok(h),
                    // A definite negative answer is the answer; only transport failures fall
                    // through to the next server or round.
                    Err(e @ (DnsError::NxDomain { .. } | DnsError::NoAddress { .. })) => {
                        return Err(e)
                    }
                    Err(e) => last = e,
                }
            }
        }
        Err(last)
    }

    /// Resolve `host` using one server: A and AAAA in parallel, following CNAMEs.
    pub async fn resolve_at(&self, server: SocketAddr, host: &str) -> Result<HostAddrs, DnsError> {
        let (a, aaaa) = tokio::join!(
            self.follow(server, host, RecordType::A),
            self.follow(server, host, RecordType::AAAA)
        );
        let (mut addrs, mut cnames, mut ttl) = (Vec::new(), Vec::new(), None::<u32>);
        let mut errors = Vec::new();
        for r in [a, aaaa] {
            match r {
                Ok((ips, chain, t)) => {
                    addrs.extend(ips);
                    if cnames.is_empty() {
                        cnames = chain;
                    }
                    if let Some(t) = t {
                        ttl = Some(ttl.map_or(t, |x: u32| x.min(t)));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if addrs.is_empty() {
            // Prefer the most telling error: NXDOMAIN over NODATA over transport failures.
            errors.sort_by_key(|e| match e {
                DnsError::NxDomain { .. } => 0,
                DnsError::CnameChain { .. } => 1,
                DnsError::ServFail { .. } | DnsError::Refused { .. } | DnsError::Rcode { .. } => 2,
                DnsError::NoAddress { .. } => 4,
                _ => 3,
            });
            return Err(errors
                .into_iter()
                .next()
                .unwrap_or(DnsError::NoAddress { server }));
        }
        Ok(HostAddrs {
            host: host.to_string(),
            addrs,
            cnames,
            ttl,
            server: Some(server),
            source: AddrSource::Dns,
        })
    }

    /// Query one record type, following CNAMEs across queries when the server answers with
    /// only part of the chain.
    #[allow(clippy::type_complexity)]
    async fn follow(
        &self,
        server: SocketAddr,
        host: &str,
        rtype: RecordType,
    ) -> Result<(Vec<IpAddr>, Vec<(String, String, u32)>, Option<u32>), DnsError> {
        let mut name = normalize(host);
        let mut chain: Vec<(String, String, u32)> = Vec::new();
        let mut hops = 0;
        loop {
            let resp = self.query(server, &name, rtype, true).await?;
            check_rcode(&resp)?;
            // Walk the answer section from `name` along CNAMEs.
            let mut current = name.clone();
            let mut ips = Vec::new();
            let mut ttl = None::<u32>;
            loop {
                let mut advanced = false;
                for (owner, t, rr) in &resp.answers {
                    if !owner.eq_ignore_ascii_case(&current) {
                        continue;
                    }
                    match rr {
                        Rr::A(ip) if rtype == RecordType::A => {
                            ips.push(IpAddr::V4(*ip));
                            ttl = Some(ttl.map_or(*t, |x: u32| x.min(*t)));
                        }
                        Rr::Aaaa(ip) if rtype == RecordType::AAAA => {
                            ips.push(IpAddr::V6(*ip));
                            ttl = Some(ttl.map_or(*t, |x: u32| x.min(*t)));
                        }
                        Rr::Cname(target) if ips.is_empty() && !advanced => {
                            hops += 1;
                            if hops > MAX_CNAME_HOPS
                                || chain.iter().any(|(a, _, _)| a.eq_ignore_ascii_case(target))
                            {
                                return Err(DnsError::CnameChain {
                                    server,
                                    hops: MAX_CNAME_HOPS,
                                });
                            }
                            chain.push((current.clone(), target.clone(), *t));
                            current = target.clone();
                            advanced = true;
                        }
                        _ => {}
                    }
                }
                if !advanced || !ips.is_empty() {
                    break;
                }
            }
            if !ips.is_empty() {
                return Ok((ips, chain, ttl));
            }
            if current == name && !resp.answers.is_empty() {
                let others: Vec<&str> = resp
                    .answers
                    .iter()
                    .map(|(o, _, _)| o.as_str())
                    .filter(|o| !o.eq_ignore_ascii_case(&name))
                    .collect();
                if !others.is_empty() {
                    return Err(DnsError::Malformed {
                        server,
                        reason: format!(
                            "the answer was for another name ({}), not {name}",
                            others[0]
                        ),
                    });
                }
            }
            if current != name {
                // The chain continues beyond what this answer held: ask for the new name.
                name = current;
                continue;
            }
            return Err(DnsError::NoAddress { server });
        }
    }

    /// One query to one server: UDP first, TCP when the answer is truncated. Responses whose id
    /// or question do not match are ignored (as a stub resolver must), so a spoofed or stray
    /// packet cannot answer for us; the wait is bounded by the timeout.
    pub async fn query(
        &self,
        server: SocketAddr,
        name: &str,
        rtype: RecordType,
        recurse: bool,
    ) -> Result<Response, DnsError> {
        let qname =
            Name::from_ascii(normalize(name)).map_err(|_| DnsError::BadName(name.to_string()))?;
        let id: u16 = rand_id();
        let mut msg = Message::new();
        msg.set_id(id)
            .set_message_type(MessageType::Query)
            .set_op_code(OpCode::Query)
            .set_recursion_desired(recurse)
            .add_query(Query::query(qname.clone(), rtype));
        let wire = msg
            .to_vec()
            .map_err(|e| DnsError::BadName(format!("{name}: {e}")))?;
        let start = Instant::now();
        let step = self.options.query_timeout;
        let deadline = start + step;
        let udp = udp_exchange(server, &wire, id, &qname, rtype, deadline, step).await;
        let message = match udp {
            Err(e) => return Err(e),
            Ok(m) if m.truncated() => {
                match tokio::time::timeout_at(
                    deadline.into(),
                    tcp_exchange(server, &wire, id, &qname, rtype),
                )
                .await
                {
                    Err(_) => {
                        return Err(DnsError::Timeout {
                            server,
                            after: step,
                        })
                    }
                    Ok(Err(e)) => return Err(e),
                    Ok(Ok(m)) => m,
                }
            }
            Ok(m) => m,
        };
        Ok(to_response(server, &message, start.elapsed()))
    }
}

fn check_rcode(resp: &Response) -> Result<(), DnsError> {
    let server = resp.server;
    match resp.rcode {
        ResponseCode::NoError => Ok(()),
        ResponseCode::NXDomain => Err(DnsError::NxDomain { server }),
        ResponseCode::ServFail => Err(DnsError::ServFail { server }),
        ResponseCode::Refused => Err(DnsError::Refused { server }),
        other => Err(DnsError::Rcode {
            server,
            rcode: format!("{other:?}").to_uppercase(),
        }),
    }
}

fn normalize(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    format!("{h}.")
}

fn display_name(n: &Name) -> String {
    let s = n.to_ascii();
    let s = s.trim_end_matches('.');
    format!("{}.", s.to_ascii_lowercase())
}

fn to_response(server: SocketAddr, m: &Message, elapsed: Duration) -> Response {
    let conv = |r: &Record| -> Option<(String, u32, Rr)> {
        let rr = match r.data() {
            RData::A(a) => Rr::A(a.0),
            RData::AAAA(a) => Rr::Aaaa(a.0),
            RData::CNAME(c) => Rr::Cname(display_name(&c.0)),
            RData::NS(n) => Rr::Ns(display_name(&n.0)),
            RData::SOA(s) => Rr::Soa {
                mname: display_name(s.mname()),
                serial: s.serial(),
            },
            _ => return None,
        };
        Some((display_name(r.name()), r.ttl(), rr))
    };
    let answers: Vec<_> = m.answers().iter().filter_map(conv).collect();
    let authority = m.name_servers().iter().filter_map(conv).collect();
    Response {
        server,
        rcode: m.response_code(),
        authoritative: m.header().authoritative(),
        ignored: m.answers().len() - answers.len(),
        answers,
        authority,
        elapsed,
    }
}

fn matches(m: &Message, id: u16, qname: &Name, rtype: RecordType) -> bool {
    m.id() == id
        && m.message_type() == MessageType::Response
        && m.queries().len() == 1
        && m.queries()[0].query_type() == rtype
        && display_name(m.queries()[0].name()) == display_name(qname)
}

async fn udp_exchange(
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    qname: &Name,
    rtype: RecordType,
    deadline: Instant,
    timeout: Duration,
) -> Result<Message, DnsError> {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse().unwrap()
    } else {
        "[::]:0".parse().unwrap()
    };
    let unreachable = |e: std::io::Error| DnsError::Unreachable {
        server,
        reason: e.to_string(),
    };
    let sock = UdpSocket::bind(bind).await.map_err(unreachable)?;
    // Connected, so ICMP port-unreachable surfaces as an error instead of a silent timeout.
    sock.connect(server).await.map_err(unreachable)?;
    sock.send(wire).await.map_err(unreachable)?;
    let mut buf = vec![0u8; 4096];
    let (mut garbage, mut wrong) = (0usize, 0usize);
    loop {
        let n = match tokio::time::timeout_at(deadline.into(), sock.recv(&mut buf)).await {
            Ok(r) => r.map_err(unreachable)?,
            Err(_) if garbage > 0 => {
                return Err(DnsError::Malformed {
                    server,
                    reason: format!(
                        "{garbage} answer(s) that are not DNS messages, and no valid one"
                    ),
                })
            }
            Err(_) if wrong > 0 => {
                return Err(DnsError::Malformed {
                    server,
                    reason: format!(
                        "{wrong} answer(s) for a different question or id, and none for ours"
                    ),
                })
            }
            Err(_) => {
                return Err(DnsError::Timeout {
                    server,
                    after: timeout,
                })
            }
        };
        match Message::from_vec(&buf[..n]) {
            Ok(m) if matches(&m, id, qname, rtype) => return Ok(m),
            // Wrong id or question: not our answer (maybe spoofed); keep waiting until timeout.
            Ok(_) => wrong += 1,
            Err(_) => garbage += 1,
        }
    }
}

async fn tcp_exchange(
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    qname: &Name,
    rtype: RecordType,
) -> Result<Message, DnsError> {
    let unreachable = |e: std::io::Error| DnsError::Unreachable {
        server,
        reason: format!("TCP: {e}"),
    };
    let mut s = TcpStream::connect(server).await.map_err(unreachable)?;
    let mut out = Vec::with_capacity(wire.len() + 2);
    out.extend_from_slice(&(wire.len() as u16).to_be_bytes());
    out.extend_from_slice(wire);
    s.write_all(&out).await.map_err(unreachable)?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).await.map_err(unreachable)?;
    let len = u16::from_be_bytes(len) as usize;
    if len > MAX_TCP_MESSAGE {
        return Err(DnsError::Malformed {
            server,
            reason: "oversized TCP message".into(),
        });
    }
    let mut buf = vec![0u8; len];
    s.read_exact(&mut buf).await.map_err(unreachable)?;
    let m = Message::from_vec(&buf).map_err(|e| DnsError::Malformed {
        server,
        reason: e.to_string(),
    })?;
    if !matches(&m, id, qname, rtype) {
        return Err(DnsError::Malformed {
            server,
            reason: "TCP answer does not match the question".into(),
        });
    }
    Ok(m)
}

fn rand_id() -> u16 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish() as u16
}

fn parse_hosts(s: &str) -> HashMap<String, Vec<IpAddr>> {
    let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
    for line in s.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut parts = line.split_whitespace();
        let Some(ip) = parts.next().and_then(|p| p.parse::<IpAddr>().ok()) else {
            continue;
        };
        for name in parts {
            let e = map.entry(name.to_ascii_lowercase()).or_default();
            if !e.contains(&ip) {
                e.push(ip);
            }
        }
    }
    map
}

/// Lets reqwest resolve names through our resolver, so HTTP requests see exactly the answers the
/// DNS module reports (and the lab's names resolve).
#[derive(Clone)]
pub struct ReqwestResolver(pub Arc<DnsClient>);

impl reqwest::dns::Resolve for ReqwestResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let client = Arc::clone(&self.0);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = client
                .lookup_host(&host)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let it: Box<dyn Iterator<Item = SocketAddr> + Send> = Box::new(
                addrs
                    .addrs
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(it)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_file_parses_names_and_skips_comments() {
        let m =
            parse_hosts("127.0.0.1 localhost lab.test # comment\n# 10.0.0.1 nope\n::1 localhost\n");
        assert_eq!(
            m["localhost"],
            vec![
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(m["lab.test"].len(), 1);
        assert!(!m.contains_key("nope"));
    }

    #[test]
    fn names_are_normalized_to_fqdn_lowercase() {
        assert_eq!(normalize("API.Tiktrue.Test."), "api.tiktrue.test.");
        assert_eq!(normalize("x.test"), "x.test.");
    }
}
