//! The lab's DNS server: real UDP and TCP sockets speaking the DNS wire format (hickory-proto's
//! codec), answering for the lab's `.test` zones as a recursive resolver and as their
//! authoritative nameserver would. Behaviours let a scenario break it the ways real DNS breaks.

use crate::net::dns::Rr;
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, NS, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// How a lab DNS server misbehaves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DnsBehavior {
    #[default]
    Normal,
    /// Every query gets SERVFAIL.
    ServFail,
    /// UDP answers are truncated (TC bit, no records); TCP gives the full answer.
    Truncate,
    /// Answers carry records for another name.
    WrongName,
    /// Answers arrive after this delay.
    Late(Duration),
    /// Never answers.
    Silent,
    /// Sends bytes that are not DNS.
    Garbage,
}

/// One zone's SOA.
#[derive(Debug, Clone)]
pub struct ZoneSoa {
    pub apex: String,
    pub serial: u32,
    pub ns: Vec<String>,
}

/// What a server knows.
#[derive(Debug, Clone, Default)]
pub struct DnsData {
    pub zones: Vec<ZoneSoa>,
    /// fqdn (lower case, trailing dot) → records with TTL.
    pub records: BTreeMap<String, Vec<(u32, Rr)>>,
    pub behavior: DnsBehavior,
}

pub fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.').to_ascii_lowercase())
}

impl DnsData {
    pub fn add(&mut self, name: &str, ttl: u32, rr: Rr) {
        self.records.entry(fqdn(name)).or_default().push((ttl, rr));
    }

    pub fn remove(&mut self, name: &str) {
        self.records.remove(&fqdn(name));
    }

    pub fn set(&mut self, name: &str, ttl: u32, rrs: Vec<Rr>) {
        self.records
            .insert(fqdn(name), rrs.into_iter().map(|r| (ttl, r)).collect());
    }

    fn zone_of(&self, name: &str) -> Option<&ZoneSoa> {
        self.zones
            .iter()
            .filter(|z| name == z.apex || name.ends_with(&format!(".{}", z.apex)))
            .max_by_key(|z| z.apex.len())
    }

    /// Build the answer to one question.
    fn answer(&self, q: &Message) -> Message {
        let mut m = Message::new();
        m.set_id(q.id())
            .set_message_type(MessageType::Response)
            .set_op_code(OpCode::Query)
            .set_recursion_desired(q.recursion_desired())
            .set_recursion_available(true);
        let Some(query) = q.queries().first().cloned() else {
            m.set_response_code(ResponseCode::FormErr);
            return m;
        };
        m.add_query(query.clone());
        if self.behavior == DnsBehavior::ServFail {
            m.set_response_code(ResponseCode::ServFail);
            return m;
        }
        let qtype = query.query_type();
        let mut name = fqdn(&query.name().to_ascii());
        let zone = self.zone_of(&name).cloned();
        m.set_authoritative(zone.is_some());
        let mut hops = 0;
        loop {
            if let Some(z) = zone.as_ref().filter(|z| z.apex == name) {
                if qtype == RecordType::SOA {
                    m.add_answer(soa_record(z));
                    return m;
                }
                if qtype == RecordType::NS {
                    for ns in &z.ns {
                        m.add_answer(Record::from_rdata(
                            parse_name(&name),
                            3600,
                            RData::NS(NS(parse_name(ns))),
                        ));
                    }
                    return m;
                }
            }
            let Some(rrs) = self.records.get(&name) else {
                if hops == 0 {
                    if let Some(z) = &zone {
                        // NXDOMAIN unless the name is an empty non-terminal or the apex.
                        let exists = z.apex == name
                            || self
                                .records
                                .keys()
                                .any(|k| k.ends_with(&format!(".{name}")));
                        if !exists {
                            m.set_response_code(ResponseCode::NXDomain);
                        }
                        m.add_name_server(soa_record(z));
                    } else {
                        m.set_response_code(ResponseCode::NXDomain);
                    }
                }
                return m;
            };
            let cname = rrs.iter().find_map(|(ttl, r)| match r {
                Rr::Cname(t) => Some((*ttl, t.clone())),
                _ => None,
            });
            if let (Some((ttl, target)), false) = (cname, qtype == RecordType::CNAME) {
                m.add_answer(Record::from_rdata(
                    parse_name(&name),
                    ttl,
                    RData::CNAME(CNAME(parse_name(&target))),
                ));
                hops += 1;
                if hops > 600 {
                    return m;
                }
                name = fqdn(&target);
                continue;
            }
            let mut any = false;
            for (ttl, r) in rrs {
                let rdata = match (r, qtype) {
                    (Rr::A(ip), RecordType::A) => RData::A(A(*ip)),
                    (Rr::Aaaa(ip), RecordType::AAAA) => RData::AAAA(AAAA(*ip)),
                    (Rr::Cname(t), RecordType::CNAME) => RData::CNAME(CNAME(parse_name(t))),
                    _ => continue,
                };
                any = true;
                let owner = if self.behavior == DnsBehavior::WrongName {
                    parse_name("wrong.example.test.")
                } else {
                    parse_name(&name)
                };
                m.add_answer(Record::from_rdata(owner, *ttl, rdata));
            }
            if !any && hops == 0 {
                if let Some(z) = &zone {
                    m.add_name_server(soa_record(z));
                }
            }
            return m;
        }
    }
}

fn parse_name(s: &str) -> Name {
    Name::from_ascii(fqdn(s)).unwrap_or_else(|_| Name::root())
}

fn soa_record(z: &ZoneSoa) -> Record {
    let mname =
        z.ns.first()
            .cloned()
            .unwrap_or_else(|| format!("ns1.{}", z.apex));
    Record::from_rdata(
        parse_name(&z.apex),
        300,
        RData::SOA(SOA::new(
            parse_name(&mname),
            parse_name(&format!("hostmaster.{}", z.apex)),
            z.serial,
            3600,
            600,
            604800,
            300,
        )),
    )
}

fn respond(data: &DnsData, packet: &[u8], udp: bool) -> Option<Vec<u8>> {
    if data.behavior == DnsBehavior::Garbage {
        return Some(b"\x13\x37 this is not a DNS message \xff\xfe".to_vec());
    }
    let q = Message::from_vec(packet).ok()?;
    let mut m = data.answer(&q);
    if udp && data.behavior == DnsBehavior::Truncate {
        let mut t = Message::new();
        t.set_id(m.id())
            .set_message_type(MessageType::Response)
            .set_op_code(OpCode::Query)
            .set_truncated(true);
        if let Some(qq) = q.queries().first() {
            t.add_query(qq.clone());
        }
        m = t;
    }
    let bytes = m.to_vec().ok()?;
    if udp && bytes.len() > 1232 {
        // Too big for one datagram: truncate and let the client retry over TCP.
        let mut t = Message::new();
        t.set_id(m.id())
            .set_message_type(MessageType::Response)
            .set_op_code(OpCode::Query)
            .set_truncated(true);
        if let Some(qq) = q.queries().first() {
            t.add_query(qq.clone());
        }
        return t.to_vec().ok();
    }
    Some(bytes)
}

/// Serve `data` on a bound UDP socket and TCP listener until the task is dropped.
pub async fn serve(udp: UdpSocket, tcp: TcpListener, data: Arc<DnsData>) {
    let udp = Arc::new(udp);
    let d = Arc::clone(&data);
    let u = Arc::clone(&udp);
    let udp_task = async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, peer)) = u.recv_from(&mut buf).await else {
                continue;
            };
            let packet = buf[..n].to_vec();
            let (d, u) = (Arc::clone(&d), Arc::clone(&u));
            tokio::spawn(async move {
                match d.behavior {
                    DnsBehavior::Silent => return,
                    DnsBehavior::Late(delay) => tokio::time::sleep(delay).await,
                    _ => {}
                }
                if let Some(out) = respond(&d, &packet, true) {
                    let _ = u.send_to(&out, peer).await;
                }
            });
        }
    };
    let tcp_task = async move {
        loop {
            let Ok((mut s, _)) = tcp.accept().await else {
                continue;
            };
            let d = Arc::clone(&data);
            tokio::spawn(async move {
                let mut len = [0u8; 2];
                while s.read_exact(&mut len).await.is_ok() {
                    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
                    if s.read_exact(&mut buf).await.is_err() {
                        return;
                    }
                    if d.behavior == DnsBehavior::Silent {
                        return;
                    }
                    if let DnsBehavior::Late(delay) = d.behavior {
                        tokio::time::sleep(delay).await;
                    }
                    let Some(out) = respond(&d, &buf, false) else {
                        return;
                    };
                    let mut framed = (out.len() as u16).to_be_bytes().to_vec();
                    framed.extend(out);
                    if s.write_all(&framed).await.is_err() {
                        return;
                    }
                }
            });
        }
    };
    tokio::join!(udp_task, tcp_task);
}

/// Bind a UDP socket and a TCP listener on the same address (port 0 picks one free for both).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(UdpSocket, TcpListener, SocketAddr)> {
    for _ in 0..20 {
        let udp = UdpSocket::bind(addr).await?;
        let local = udp.local_addr()?;
        match TcpListener::bind(local).await {
            Ok(tcp) => return Ok((udp, tcp, local)),
            Err(_) if addr.port() == 0 => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "no free port for UDP and TCP together",
    ))
}
