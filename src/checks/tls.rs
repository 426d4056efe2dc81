//! Section 2, TLS certificate (RFC 8446 handshake, RFC 5280 certificates, RFC 6125 names): for
//! the API host and every frontend host, conncheck does its own handshake and keeps the chain
//! exactly as the server sent it, then judges it the way curl, Node, Python and Android do
//! (strictly) and says where Chrome differs (it fetches a missing intermediate itself).
//!
//! The socket work is in `probe`; every verdict is a pure function over [`CertInfo`] and the
//! verification outcome, unit-tested on certificates made with rcgen.

use crate::context::Context;
#[cfg(test)]
use crate::model::Status;
use crate::model::{Finding, Module};
use crate::net::aia;
use crate::net::http::NetError;
use crate::runner::{ModuleSpec, Sink};
use futures::future::join_all;
use futures::FutureExt;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskCx, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Tls,
    about: "TLS handshake, certificate chain, host name, validity dates and key strength of every HTTPS host",
    rows: &[
        "tls.handshake",
        "tls.chain",
        "tls.hostname",
        "tls.expiry",
        "tls.strength",
    ],
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The rows after the handshake, in order.
const CERT_ROWS: [&str; 4] = ["chain", "hostname", "expiry", "strength"];
/// How many bytes of a non-TLS answer are kept as evidence.
const KEEP_RECEIVED: usize = 256;

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let hosts = tls_hosts(&ctx);
    // Hosts reached over plain http:// have no certificate to judge: say so once each.
    for (i, u) in plain_http_urls(&ctx).iter().enumerate() {
        sink.push(
            Finding::new(Module::Tls, "handshake", format!("{}: TLS handshake", u.host_str().unwrap_or("")))
                .seq(hosts.len() + i)
                .skip()
                .detail(format!("{u} is plain http://: no TLS to check (a page served over https cannot call it: see the frontend section)")),
        );
    }
    let tasks = hosts.into_iter().enumerate().map(|(i, (host, port))| {
        let (ctx, sink) = (Arc::clone(&ctx), sink.clone());
        async move { check_host(&ctx, &sink, i, &host, port).await }
    });
    join_all(tasks).await;
}

/// The API base and frontend pages configured as plain http://, one per host.
fn plain_http_urls(ctx: &Context) -> Vec<url::Url> {
    let t = &ctx.target;
    let mut v: Vec<url::Url> = Vec::new();
    for u in std::iter::once(&t.api_base).chain(t.frontend.iter()) {
        if u.scheme() == "http" && !v.iter().any(|x| x.host_str() == u.host_str()) {
            v.push(u.clone());
        }
    }
    v
}

/// Every (host, port) reached over https: the API first, then each frontend page's host.
fn tls_hosts(ctx: &Context) -> Vec<(String, u16)> {
    let t = &ctx.target;
    let mut urls = vec![t.api_base.clone()];
    urls.extend(t.frontend.iter().cloned());
    let mut v: Vec<(String, u16)> = Vec::new();
    for u in urls.iter().filter(|u| u.scheme() == "https") {
        let h = (
            u.host_str()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_ascii_lowercase(),
            u.port_or_known_default().unwrap_or(443),
        );
        if !v.contains(&h) {
            v.push(h);
        }
    }
    v
}

fn row(id: &str, host: &str, port: u16, seq: usize) -> Finding {
    let hp = if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    let title = match id {
        "handshake" => format!("{hp}: TLS handshake"),
        "chain" => format!("{hp}: certificate chain is trusted"),
        "hostname" => format!("{hp}: certificate covers the host name"),
        "expiry" => format!("{hp}: certificate is within its validity dates"),
        _ => format!("{hp}: signature algorithm and key strength"),
    };
    Finding::new(Module::Tls, id, title).seq(seq)
}

async fn check_host(ctx: &Context, sink: &Sink, seq: usize, host: &str, port: u16) {
    let start = Instant::now();
    let hs = row("handshake", host, port, seq);
    let skip_rest = |why: String| {
        CERT_ROWS
            .iter()
            .map(|id| row(id, host, port, seq).skip().detail(why.clone()))
            .collect::<Vec<_>>()
    };
    let addrs = match ctx.dns.lookup_host(host).await {
        Ok(h) => h.addrs,
        Err(e) => {
            sink.push(ctx.net_failure(hs, &NetError::Dns(e)));
            sink.extend(skip_rest(format!(
                "{host} does not resolve (see dns.resolve)"
            )));
            return;
        }
    };
    let probe = probe(ctx, host, port, &addrs).await;
    let (shake, chain) = match probe {
        Err(ProbeError::Net(e)) => {
            sink.push(ctx.net_failure(hs, &e).duration(start.elapsed()));
            let why = if e.is_timeout() && !matches!(e, NetError::ConnectTimeout(_)) {
                "the TLS handshake did not finish in time (see tls.handshake)".to_string()
            } else {
                format!("no TCP connection to {host}:{port} (see dns.reach)")
            };
            sink.extend(skip_rest(why));
            return;
        }
        Err(ProbeError::Handshake {
            addr,
            reason,
            received,
        }) => {
            sink.push(
                handshake_failed(hs, host, port, addr, &reason, &received)
                    .duration(start.elapsed()),
            );
            sink.extend(skip_rest(
                "the TLS handshake failed (see tls.handshake)".into(),
            ));
            return;
        }
        Ok(p) => p,
    };
    let legacy = legacy_probe(shake.addr, host, ctx.opts.timeout).await;
    sink.push(handshake_ok(hs, &shake, &legacy).duration(start.elapsed()));
    let infos: Result<Vec<CertInfo>, String> = chain.iter().map(|c| parse_cert(c)).collect();
    let infos = match infos {
        Ok(i) if !i.is_empty() => {
            ctx.metric(
                "tls_cert_not_after_seconds",
                &[("host", host)],
                i[0].not_after as f64,
            );
            // The chain expires with its first certificate to expire (serve's alerts).
            let earliest = i
                .iter()
                .map(|c| c.not_after)
                .min()
                .unwrap_or(i[0].not_after);
            ctx.metric(
                "tls_cert_expiry_timestamp_seconds",
                &[("host", host)],
                earliest as f64,
            );
            i
        }
        Ok(_) => {
            sink.extend(skip_rest("the server sent no certificate".into()));
            return;
        }
        Err(e) => {
            sink.push(
                row("chain", host, port, seq)
                    .fail()
                    .detail(format!(
                        "the server sent a certificate that cannot be parsed: {e}"
                    ))
                    .hint("reinstall the certificate file the CA issued (PEM, leaf first)")
                    .browser_error("net::ERR_CERT_INVALID"),
            );
            sink.extend(
                skip_rest("the certificate cannot be parsed (see tls.chain)".into())[1..].to_vec(),
            );
            return;
        }
    };
    let now = unix_now();
    let verdict = chain_verdict(ctx, host, &chain, &infos, now).await;
    let others: Vec<String> = tls_hosts(ctx).into_iter().map(|(h, _)| h).collect();
    let mut rows = vec![
        judge_chain(
            row("chain", host, port, seq),
            host,
            &infos,
            &verdict,
            &ctx.trust.extra,
        ),
        judge_hostname(row("hostname", host, port, seq), host, &infos[0], &others),
        judge_expiry(
            row("expiry", host, port, seq),
            &infos,
            now,
            ctx.opts.cert_warn_days,
        ),
        judge_strength(row("strength", host, port, seq), &infos),
    ];
    let ms = start.elapsed();
    for r in &mut rows {
        r.duration_ms = ms.as_millis() as u64;
    }
    sink.extend(rows);
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The probe: a handshake that records what the server sent and judges nothing.

/// What a successful handshake negotiated.
#[derive(Debug, Clone)]
struct Shake {
    addr: SocketAddr,
    version: String,
    suite: String,
    alpn: Option<String>,
}

enum ProbeError {
    /// No connection (or a timeout): owned by dns.reach, or an error.
    Net(NetError),
    Handshake {
        addr: SocketAddr,
        reason: String,
        received: Vec<u8>,
    },
}

async fn probe(
    ctx: &Context,
    host: &str,
    port: u16,
    addrs: &[std::net::IpAddr],
) -> Result<(Shake, Vec<CertificateDer<'static>>), ProbeError> {
    let t = ctx.opts.timeout;
    let mut last = NetError::ConnectRefused(format!("{host}:{port}"));
    let mut tcp = None;
    for ip in addrs {
        let addr = SocketAddr::new(*ip, port);
        match tokio::time::timeout(t, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                tcp = Some((addr, s));
                break;
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = NetError::ConnectRefused(addr.to_string())
            }
            Ok(Err(e)) => last = NetError::Other(format!("cannot connect to {addr}: {e}")),
            Err(_) => last = NetError::ConnectTimeout(addr.to_string()),
        }
    }
    let Some((addr, tcp)) = tcp else {
        return Err(ProbeError::Net(last));
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::new(Recorder::default());
    let mut cfg = rustls::ClientConfig::builder_with_provider(crate::net::tls::provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&recorder) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let name = ServerName::try_from(host.to_string()).map_err(|_| {
        ProbeError::Net(NetError::Other(format!(
            "{host} is not a valid TLS server name"
        )))
    })?;
    let stream = Recording {
        inner: tcp,
        seen: Arc::clone(&seen),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let outcome = tokio::time::timeout(t, connector.connect(name, stream)).await;
    let received = seen.lock().unwrap().clone();
    match outcome {
        Err(_) => Err(ProbeError::Net(NetError::Timeout(t))),
        Ok(Err(e)) => {
            let reason = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(r) => r.to_string(),
                None => e.to_string(),
            };
            Err(ProbeError::Handshake {
                addr,
                reason,
                received,
            })
        }
        Ok(Ok(tls)) => {
            let conn = tls.get_ref().1;
            let version = conn
                .protocol_version()
                .map(|v| match v {
                    rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
                    rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
                    other => format!("{other:?}"),
                })
                .unwrap_or_else(|| "unknown version".into());
            let suite = conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default();
            let alpn = conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            let chain = recorder.chain.lock().unwrap().clone();
            Ok((
                Shake {
                    addr,
                    version,
                    suite,
                    alpn,
                },
                chain,
            ))
        }
    }
}

/// Accepts any certificate and keeps the chain as presented; signatures are still checked so
/// the handshake is a real one.
#[derive(Debug, Default)]
struct Recorder {
    chain: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut c = vec![end_entity.clone().into_owned()];
        c.extend(intermediates.iter().map(|i| i.clone().into_owned()));
        *self.chain.lock().unwrap() = c;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &crate::net::tls::provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &crate::net::tls::provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        crate::net::tls::provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A TCP stream that keeps the first bytes the server sends, as evidence when they are not TLS.
struct Recording {
    inner: TcpStream,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl AsyncRead for Recording {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskCx<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &r {
            let mut seen = self.seen.lock().unwrap();
            let room = KEEP_RECEIVED.saturating_sub(seen.len());
            let new = &buf.filled()[before..];
            seen.extend_from_slice(&new[..new.len().min(room)]);
        }
        r
    }
}

impl AsyncWrite for Recording {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskCx<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskCx<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskCx<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

// ---------------------------------------------------------------------------------------------
// Handshake rows.

fn handshake_ok(f: Finding, s: &Shake, legacy: &Legacy) -> Finding {
    let alpn = match &s.alpn {
        Some(p) => format!("ALPN {p}"),
        None => "no ALPN (HTTP/1.1 assumed)".into(),
    };
    let base = format!("{}, {}, {alpn} (with {})", s.version, s.suite, s.addr);
    match legacy {
        Legacy::Accepted(v) => f
            .warn()
            .detail(format!(
                "{base}; but the server also accepts {v}, which browsers dropped in 2020 and PCI DSS forbids"
            ))
            .hint("allow only TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Traefik tls.options minVersion = VersionTLS12, or the platform's minimum-TLS setting"),
        Legacy::Refused(why) => f
            .pass()
            .detail(format!("{base}; TLS 1.0/1.1 refused ({why})")),
        Legacy::Unknown(why) => f
            .pass()
            .detail(format!("{base}; TLS 1.0/1.1 support not determined ({why})")),
    }
}

/// Whether the server still negotiates TLS 1.0 or 1.1 (rustls cannot; a hand-made ClientHello).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Legacy {
    Accepted(&'static str),
    Refused(String),
    Unknown(String),
}

/// A TLS 1.1 ClientHello (RFC 4346 §7.4.1.2) with SNI, the common pre-1.2 ECDHE/RSA suites
/// and the renegotiation SCSV (RFC 5746), so a server that still speaks 1.0/1.1 answers with a
/// ServerHello and one that does not sends a protocol_version alert.
pub fn legacy_client_hello(host: &str) -> Vec<u8> {
    fn u16be(n: usize) -> [u8; 2] {
        [(n >> 8) as u8, n as u8]
    }
    let mut ext = Vec::new();
    if host.parse::<std::net::IpAddr>().is_err() {
        let name = host.as_bytes();
        let mut sni = vec![0u8];
        sni.extend(u16be(name.len()));
        sni.extend(name);
        ext.extend([0, 0]);
        ext.extend(u16be(sni.len() + 2));
        ext.extend(u16be(sni.len()));
        ext.extend(sni);
    }
    // supported_groups: x25519, secp256r1, secp384r1; ec_point_formats: uncompressed.
    ext.extend([0, 10, 0, 8, 0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    ext.extend([0, 11, 0, 2, 1, 0]);
    let suites: [u8; 16] = [
        0xc0, 0x13, 0xc0, 0x14, 0xc0, 0x09, 0xc0, 0x0a, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a, 0x00,
        0xff,
    ];
    let mut body = vec![3, 2];
    body.extend((0..32u8).map(|i| i.wrapping_mul(73).wrapping_add(11)));
    body.push(0);
    body.extend(u16be(suites.len()));
    body.extend(suites);
    body.extend([1, 0]);
    body.extend(u16be(ext.len()));
    body.extend(ext);
    let mut hs = vec![1, 0];
    hs.extend(u16be(body.len()));
    hs.extend(body);
    let mut rec = vec![0x16, 3, 1];
    rec.extend(u16be(hs.len()));
    rec.extend(hs);
    rec
}

/// Read the server's first record after a legacy ClientHello.
pub fn judge_legacy_reply(b: &[u8]) -> Legacy {
    if b.is_empty() {
        return Legacy::Refused("connection closed".into());
    }
    match b[0] {
        // handshake record holding a ServerHello: its server_version is the verdict.
        0x16 if b.len() >= 11 && b[5] == 2 => match (b[9], b[10]) {
            (3, 1) => Legacy::Accepted("TLS 1.0"),
            (3, 2) => Legacy::Accepted("TLS 1.1"),
            (3, 0) => Legacy::Accepted("SSL 3.0"),
            (maj, min) => Legacy::Refused(format!("answered with version {maj}.{min}")),
        },
        0x15 if b.len() >= 7 => Legacy::Refused(format!("alert {}", alert_name(b[6]))),
        _ => Legacy::Unknown(format!("unexpected answer: {}", describe_received(b))),
    }
}

async fn legacy_probe(addr: SocketAddr, host: &str, t: Duration) -> Legacy {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let work = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(&legacy_client_hello(host)).await?;
        let mut buf = [0u8; 16];
        let mut got = 0;
        while got < 11 {
            match s.read(&mut buf[got..]).await {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if got == 0 && e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => return Err(e),
            }
        }
        Ok::<_, std::io::Error>(buf[..got].to_vec())
    };
    match tokio::time::timeout(t, work).await {
        Ok(Ok(b)) => judge_legacy_reply(&b),
        Ok(Err(e)) => Legacy::Unknown(e.to_string()),
        Err(_) => Legacy::Unknown("no answer in time".into()),
    }
}

fn handshake_failed(
    f: Finding,
    host: &str,
    port: u16,
    addr: SocketAddr,
    reason: &str,
    received: &[u8],
) -> Finding {
    let plain_http = received.starts_with(b"HTTP/");
    let hint = if plain_http {
        format!(
            "port {port} of {host} is served by a plain-HTTP listener: terminate TLS there (nginx `listen {port} ssl;` with ssl_certificate/ssl_certificate_key, a Traefik websecure entrypoint with tls, or enable HTTPS for the domain in the platform's settings) and keep plain HTTP on port 80"
        )
    } else {
        format!(
            "the server at {addr} does not complete a TLS handshake: check that {host} is configured for TLS on port {port} (certificate installed, SNI name {host} routed) and that nothing in front of it (a load balancer in TCP mode, a firewall) cuts the connection"
        )
    };
    f.fail()
        .detail(format!(
            "ClientHello sent to {addr} (SNI {host}); {}; rustls: {reason}",
            describe_received(received)
        ))
        .hint(hint)
        .browser_error("net::ERR_SSL_PROTOCOL_ERROR")
}

/// Say what the server answered a ClientHello with.
pub fn describe_received(b: &[u8]) -> String {
    if b.is_empty() {
        return "the server closed the connection without sending anything".into();
    }
    if b.starts_with(b"HTTP/") {
        let line = String::from_utf8_lossy(b);
        let first = line.lines().next().unwrap_or("").trim();
        return format!("got '{first}' — this port speaks plain HTTP, not TLS");
    }
    // A TLS alert record: type 21, version, length 2, level, description (RFC 8446 §6).
    if b.len() >= 7 && b[0] == 0x15 && b[1] == 0x03 {
        let level = if b[5] == 2 { "fatal" } else { "warning" };
        return format!("got a {level} TLS alert: {}", alert_name(b[6]));
    }
    if b.iter()
        .take(32)
        .all(|c| c.is_ascii_graphic() || *c == b' ' || *c == b'\r' || *c == b'\n')
    {
        let text = String::from_utf8_lossy(b);
        let first: String = text.lines().next().unwrap_or("").chars().take(80).collect();
        return format!("got '{first}' — not TLS (another protocol answers on this port)");
    }
    let hex: Vec<String> = b.iter().take(16).map(|c| format!("{c:02x}")).collect();
    format!(
        "got {} bytes that are not a TLS record: {}",
        b.len(),
        hex.join(" ")
    )
}

/// Names of the alerts a server sends in a failed handshake (RFC 8446 §6.2).
fn alert_name(code: u8) -> String {
    match code {
        10 => "unexpected_message".into(),
        40 => "handshake_failure (no cipher suite or version in common)".into(),
        42 => "bad_certificate".into(),
        47 => "illegal_parameter".into(),
        50 => "decode_error".into(),
        70 => "protocol_version (the server wants a TLS version we do not offer)".into(),
        71 => "insufficient_security".into(),
        80 => "internal_error".into(),
        112 => "unrecognized_name (no certificate configured for this SNI name)".into(),
        120 => "no_application_protocol".into(),
        other => format!("alert {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Certificates, parsed once.

/// What conncheck reads from one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub cn: Option<String>,
    /// DNS and IP subjectAltNames.
    pub sans: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    pub sig_oid: String,
    pub key: KeyInfo,
    pub self_signed: bool,
    pub is_ca: bool,
    pub aia: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// RSA, EC, Ed25519, …
    pub kind: String,
    pub bits: usize,
    /// The named curve of an EC key.
    pub curve: Option<String>,
}

impl std::fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.curve, self.kind.as_str()) {
            (Some(c), _) => write!(f, "ECDSA {c}"),
            (None, "RSA") => write!(f, "RSA {} bits", self.bits),
            (None, k) if self.bits > 0 => write!(f, "{k} {} bits", self.bits),
            (None, k) => write!(f, "{k}"),
        }
    }
}

pub fn parse_cert(der: &[u8]) -> Result<CertInfo, String> {
    use x509_parser::extensions::GeneralName;
    use x509_parser::public_key::PublicKey;
    let (_, c) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let sans = match c.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|g| match g {
                GeneralName::DNSName(d) => Some(d.to_ascii_lowercase()),
                GeneralName::IPAddress(b) => ip_text(b),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let cn = c
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    let spki = c.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let key = match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyInfo {
            kind: "RSA".into(),
            bits: rsa_bits(rsa.modulus),
            curve: None,
        },
        Ok(PublicKey::EC(ec)) => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            KeyInfo {
                kind: "EC".into(),
                bits: ec.key_size(),
                curve: curve_oid.map(|o| curve_name(&o)),
            }
        }
        _ => KeyInfo {
            kind: key_alg_name(&alg),
            bits: 0,
            curve: None,
        },
    };
    Ok(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        cn,
        sans,
        not_before: c.validity().not_before.timestamp(),
        not_after: c.validity().not_after.timestamp(),
        sig_oid: c.signature_algorithm.algorithm.to_id_string(),
        key,
        self_signed: c.subject().as_raw() == c.issuer().as_raw(),
        is_ca: c.is_ca(),
        aia: aia::ca_issuers_url(der),
    })
}

fn ip_text(b: &[u8]) -> Option<String> {
    match b.len() {
        4 => Some(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
        16 => {
            let a: [u8; 16] = b.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// Bits of an RSA modulus (big-endian, possibly with a leading zero byte).
fn rsa_bits(m: &[u8]) -> usize {
    let m = match m.iter().position(|b| *b != 0) {
        Some(i) => &m[i..],
        None => return 0,
    };
    m.len() * 8 - m[0].leading_zeros() as usize
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => format!("curve {other}"),
    }
}

fn key_alg_name(oid: &str) -> String {
    match oid {
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("key {other}"),
    }
}

/// Signature algorithm name, and whether browsers reject it as weak.
pub fn sig_alg(oid: &str) -> (String, bool) {
    let (name, weak) = match oid {
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", false),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", false),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", false),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", false),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", false),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", false),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", false),
        "1.3.101.112" => ("Ed25519", false),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", true),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", true),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", true),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", true),
        other => return (format!("signature {other}"), false),
    };
    (name.to_string(), weak)
}

fn date(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| ts.to_string())
}

/// One line per certificate: subject, issuer, validity.
pub fn describe_chain(infos: &[CertInfo]) -> String {
    infos
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "#{i} subject \"{}\", issuer \"{}\", valid {} → {}",
                c.subject,
                c.issuer,
                date(c.not_before),
                date(c.not_after)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------------------------------------
// tls.chain

/// How the presented chain fares against the trusted roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    Trusted,
    /// Only the leaf's AIA download completes it: Chrome works, strict clients fail.
    MissingIntermediate {
        url: String,
        issuer: String,
    },
    SelfSigned,
    /// Not trusted; why (what the strict verifier said, what the AIA attempt found).
    Untrusted(String),
    /// The chain is built but a certificate is unusable (wrong key usage, bad encoding…).
    Invalid(String),
}

/// Verify strictly and, when the issuer is unknown, try the AIA download Chrome would make.
async fn chain_verdict(
    ctx: &Context,
    host: &str,
    chain: &[CertificateDer<'static>],
    infos: &[CertInfo],
    now: i64,
) -> ChainVerdict {
    // Judge trust at a time inside the leaf's validity: an expired leaf is tls.expiry's fault.
    let leaf = &infos[0];
    let at = if now < leaf.not_before || now > leaf.not_after {
        leaf.not_before + (leaf.not_after - leaf.not_before) / 2
    } else {
        now
    };
    let at = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64));
    match aia::verify_strict(&ctx.trust, &chain[0], &chain[1..], host, at) {
        Ok(()) => ChainVerdict::Trusted,
        // Name and date problems are found after the chain was built: the chain is fine.
        Err(e) if name_or_date_error(&e) => ChainVerdict::Trusted,
        Err(e) if !aia::is_untrusted_chain(&e) => ChainVerdict::Invalid(e.to_string()),
        Err(e) => {
            if leaf.self_signed {
                return ChainVerdict::SelfSigned;
            }
            match aia::complete_chain(
                &ctx.http.aia,
                ctx.http.raw(),
                &ctx.trust,
                chain,
                host,
                at,
                ctx.opts.timeout,
            )
            .await
            {
                Ok(issuer) => {
                    let name = parse_cert(&issuer)
                        .map(|i| short_name(&i))
                        .unwrap_or_else(|_| "the issuer".into());
                    ctx.trust.learn_intermediate(issuer);
                    ChainVerdict::MissingIntermediate {
                        url: leaf.aia.clone().unwrap_or_default(),
                        issuer: name,
                    }
                }
                Err(why) => ChainVerdict::Untrusted(format!("{}; {why}", describe_rustls(&e))),
            }
        }
    }
}

fn name_or_date_error(e: &rustls::Error) -> bool {
    use rustls::CertificateError as C;
    matches!(
        e,
        rustls::Error::InvalidCertificate(
            C::NotValidForName
                | C::NotValidForNameContext { .. }
                | C::Expired
                | C::ExpiredContext { .. }
                | C::NotValidYet
                | C::NotValidYetContext { .. }
        )
    )
}

fn describe_rustls(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
            "the issuer is not a trusted root and the server did not send a chain to one".into()
        }
        rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature) => {
            "a certificate's signature does not verify against its issuer".into()
        }
        other => other.to_string(),
    }
}

/// Order and extra-certificate problems of the chain as sent (RFC 8446 §4.4.2: leaf first,
/// each next certificate certifying the one before it; the root may be omitted).
pub fn chain_order_problems(infos: &[CertInfo]) -> Vec<String> {
    let mut problems = Vec::new();
    // The path from the leaf through the presented certificates.
    let mut path = vec![0usize];
    while let Some(&last) = path.last() {
        let c = &infos[last];
        if c.self_signed {
            break;
        }
        match infos
            .iter()
            .enumerate()
            .find(|(i, x)| !path.contains(i) && x.subject == c.issuer)
        {
            Some((i, _)) => path.push(i),
            None => break,
        }
    }
    let in_order = path.iter().enumerate().all(|(pos, i)| pos == *i);
    if !in_order {
        let sent: Vec<String> = infos.iter().map(short_name).collect();
        let want: Vec<String> = path.iter().map(|i| short_name(&infos[*i])).collect();
        problems.push(format!(
            "sent out of order ({}); expected {}",
            sent.join(", "),
            want.join(" → ")
        ));
    }
    let extra: Vec<String> = (0..infos.len())
        .filter(|i| !path.contains(i))
        .map(|i| short_name(&infos[i]))
        .collect();
    if !extra.is_empty() {
        problems.push(format!(
            "sends certificate(s) that are not part of the chain: {}",
            extra.join(", ")
        ));
    }
    if path.len() > 1 && infos[*path.last().unwrap()].self_signed {
        problems.push(format!(
            "sends the root \"{}\" too (clients must already have it; it only adds bytes to every handshake)",
            short_name(&infos[*path.last().unwrap()])
        ));
    }
    problems
}

fn short_name(c: &CertInfo) -> String {
    c.cn.clone().unwrap_or_else(|| c.subject.clone())
}

pub fn judge_chain(
    f: Finding,
    host: &str,
    infos: &[CertInfo],
    verdict: &ChainVerdict,
    extra_roots: &[CertificateDer<'static>],
) -> Finding {
    let shown = describe_chain(infos);
    match verdict {
        ChainVerdict::Trusted => {
            let top = infos.last().map(|c| c.issuer.clone()).unwrap_or_default();
            let private = extra_roots.iter().any(|r| {
                parse_cert(r)
                    .map(|ri| ri.subject == top || infos.iter().any(|c| c.subject == ri.subject))
                    .unwrap_or(false)
            });
            let via = if private {
                format!(" Trusted via --ca-cert (\"{top}\"): only clients that install this CA accept it.")
            } else {
                String::new()
            };
            let problems = chain_order_problems(infos);
            if problems.is_empty() {
                f.pass().detail(format!("verifies to a trusted root.{via} Chain: {shown}"))
            } else {
                f.warn()
                    .detail(format!(
                        "verifies, but the chain {}.{via} Chain: {shown}",
                        problems.join("; ")
                    ))
                    .hint(format!(
                        "serve the CA's full-chain file for {host} in order, leaf first then the intermediate(s), without the root or unrelated certificates (nginx ssl_certificate fullchain.pem; Traefik/Caddy do this themselves)"
                    ))
            }
        }
        ChainVerdict::MissingIntermediate { url, issuer } => f
            .fail()
            .detail(format!(
                "intermediate \"{issuer}\" not sent: curl, Node.js, Python requests, Android apps and most CI runners fail (\"unable to get local issuer certificate\") while Chrome works anyway, because it downloads the intermediate from {url}: the classic \"works in my browser, fails in the app\". Chain sent ({} certificate(s)): {shown}",
                infos.len()
            ))
            .hint(format!(
                "install the full chain for {host}: nginx ssl_certificate must point at fullchain.pem (leaf + intermediate), not cert.pem; on a platform, upload the CA bundle together with the certificate"
            )),
        ChainVerdict::SelfSigned => f
            .fail()
            .detail(format!(
                "the certificate is self-signed: no trusted CA vouches for it, so every browser and client rejects it. Chain: {shown}"
            ))
            .hint(format!(
                "get a certificate for {host} from a public CA (Let's Encrypt via certbot, or the platform's free SSL for the domain); for a private staging CA pass its root with --ca-cert"
            ))
            .browser_error("net::ERR_CERT_AUTHORITY_INVALID"),
        ChainVerdict::Invalid(why) => f
            .fail()
            .detail(format!("the chain is rejected: {why}. Chain: {shown}"))
            .hint(format!(
                "reissue the certificate for {host} as a TLS server certificate (extendedKeyUsage serverAuth, digitalSignature) from a public CA; hand-made openssl certificates often miss these"
            ))
            .browser_error("net::ERR_CERT_INVALID"),
        ChainVerdict::Untrusted(why) => f
            .fail()
            .detail(format!("not trusted: {why}. Chain: {shown}"))
            .hint(format!(
                "serve a certificate for {host} issued by a public CA, with its full chain (fullchain.pem); if it comes from a private CA, clients need that root (conncheck: --ca-cert)"
            ))
            .browser_error("net::ERR_CERT_AUTHORITY_INVALID"),
    }
}

// ---------------------------------------------------------------------------------------------
// tls.hostname

/// Whether a certificate name covers `host` (RFC 6125 §6.4: a wildcard stands for exactly one
/// whole left-most label).
pub fn name_covers(pattern: &str, host: &str) -> bool {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(rest) = p.strip_prefix("*.") {
        match h.split_once('.') {
            Some((label, parent)) => !label.is_empty() && parent == rest && rest.contains('.'),
            None => false,
        }
    } else {
        p == h
    }
}

pub fn judge_hostname(f: Finding, host: &str, leaf: &CertInfo, origins: &[String]) -> Finding {
    if leaf.sans.is_empty() {
        return f
            .fail()
            .detail(format!(
                "the certificate has no subjectAltName; its Common Name is {}. Browsers ignore the Common Name (Chrome since version 58)",
                leaf.cn.as_deref().unwrap_or("absent")
            ))
            .hint(format!("reissue the certificate with {host} as a subjectAltName (every public CA does this; check a hand-made openssl certificate)"))
            .browser_error("net::ERR_CERT_COMMON_NAME_INVALID");
    }
    let names = leaf.sans.join(", ");
    if leaf.sans.iter().any(|n| name_covers(n, host)) {
        return f
            .pass()
            .detail(format!("{host} is covered; the certificate names {names}"));
    }
    // The apex/www pair: a certificate made for one of them when both are origins.
    let sibling = host
        .strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or_else(|| format!("www.{host}"));
    let hint = if origins.iter().any(|o| o == &sibling)
        && leaf.sans.iter().any(|n| name_covers(n, &sibling))
    {
        let (apex, www) = if host.starts_with("www.") {
            (sibling.as_str(), host)
        } else {
            (host, sibling.as_str())
        };
        format!(
            "the certificate covers {sibling} but not {host}, and both are origins: reissue it for both names (certbot -d {apex} -d {www}, or add {host} to the domain's SSL certificate on the platform)"
        )
    } else {
        format!(
            "{host} is not on the certificate: issue one that includes it (certbot -d {host}, or connect {host} in the platform's domain/SSL settings), or check that DNS for {host} points at the server meant to serve it"
        )
    };
    f.fail()
        .detail(format!(
            "the certificate does not cover {host}; it names only {names}"
        ))
        .hint(hint)
        .browser_error("net::ERR_CERT_COMMON_NAME_INVALID")
}

// ---------------------------------------------------------------------------------------------
// tls.expiry

const DAY: i64 = 86_400;

pub fn judge_expiry(f: Finding, infos: &[CertInfo], now: i64, warn_days: u32) -> Finding {
    let leaf = &infos[0];
    let date_err = "net::ERR_CERT_DATE_INVALID";
    if now < leaf.not_before {
        let days = (leaf.not_before - now + DAY - 1) / DAY;
        return f
            .fail()
            .detail(format!(
                "not valid yet: valid from {} (in {days} day(s)) to {}",
                date(leaf.not_before),
                date(leaf.not_after)
            ))
            .hint("the certificate starts in the future: check the clock of the machine that issued it (and of this one), or wait; until then every client rejects it")
            .browser_error(date_err);
    }
    if let Some(c) = infos.iter().find(|c| now > c.not_after) {
        let days = (now - c.not_after) / DAY;
        let which = if std::ptr::eq(c, leaf) {
            "the certificate".to_string()
        } else {
            format!("the intermediate \"{}\" sent with it", short_name(c))
        };
        return f
            .fail()
            .detail(format!(
                "{which} expired on {} ({days} day(s) ago)",
                date(c.not_after)
            ))
            .hint("renew it (certbot renew, or the platform's auto-renewal for the domain), install the new full chain and reload the server (nginx -s reload); then check that renewal runs on a schedule")
            .browser_error(date_err);
    }
    let soonest = infos
        .iter()
        .filter(|c| !c.self_signed || std::ptr::eq(*c, leaf))
        .min_by_key(|c| c.not_after)
        .unwrap_or(leaf);
    let left = (soonest.not_after - now) / DAY;
    let which = if std::ptr::eq(soonest, leaf) {
        "the certificate".to_string()
    } else {
        format!("the intermediate \"{}\"", short_name(soonest))
    };
    if left < warn_days as i64 {
        return f
            .warn()
            .detail(format!(
                "{which} expires on {} — {left} day(s) left (warning below {warn_days} days)",
                date(soonest.not_after)
            ))
            .hint("renew now (certbot renew --force-renewal, or the platform's SSL page) and check why automatic renewal has not run: Let's Encrypt renews 30 days before expiry");
    }
    f.pass().detail(format!(
        "{which} is valid from {} until {} ({left} days left)",
        date(leaf.not_before),
        date(soonest.not_after)
    ))
}

// ---------------------------------------------------------------------------------------------
// tls.strength

pub fn judge_strength(f: Finding, infos: &[CertInfo]) -> Finding {
    let mut weak: Vec<String> = Vec::new();
    let mut weak_err = None;
    let mut shown = Vec::new();
    for (i, c) in infos.iter().enumerate() {
        let role = if i == 0 { "leaf" } else { "intermediate" };
        let (sig, weak_sig) = sig_alg(&c.sig_oid);
        shown.push(format!("{role} {}: {}, signed {sig}", short_name(c), c.key));
        // A root's own signature is never checked; only what clients verify counts.
        if weak_sig && !(i > 0 && c.self_signed) {
            weak.push(format!("{role} \"{}\" is signed with {sig}", short_name(c)));
            // Chrome: net_error_list.h CERT_WEAK_SIGNATURE_ALGORITHM.
            weak_err.get_or_insert("net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM");
        }
        if c.key.kind == "RSA" && c.key.bits < 2048 {
            weak.push(format!(
                "{role} \"{}\" has an RSA key of {} bits (under 2048)",
                short_name(c),
                c.key.bits
            ));
            // Chrome: net_error_list.h CERT_WEAK_KEY.
            weak_err.get_or_insert("net::ERR_CERT_WEAK_KEY");
        }
    }
    if weak.is_empty() {
        return f.pass().detail(shown.join("; "));
    }
    f.fail()
        .detail(format!("{}. Chain: {}", weak.join("; "), shown.join("; ")))
        .hint("reissue the certificate with a SHA-256 signature and an ECDSA P-256 or RSA 2048+ key (certbot does this by default; regenerate an old CSR with `openssl req -newkey rsa:2048 -sha256`)")
        .maybe_browser_error(weak_err.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::pki::{Ca, CertKind};

    fn f(id: &str) -> Finding {
        Finding::new(Module::Tls, id, "t")
    }

    fn infos(kind: &CertKind, host: &str) -> Vec<CertInfo> {
        let ca = Ca::new(Some("http://ca.lab.test/r1.der".into())).unwrap();
        ca.issue(host, kind)
            .unwrap()
            .chain
            .iter()
            .map(|c| parse_cert(c).unwrap())
            .collect()
    }

    #[test]
    fn parses_names_dates_key_and_aia_of_a_lab_leaf() {
        let i = infos(&CertKind::Good, "api.x.test");
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].sans, vec!["api.x.test"]);
        assert_eq!(i[0].key.to_string(), "ECDSA P-256");
        assert_eq!(sig_alg(&i[0].sig_oid).0, "ecdsa-with-SHA256");
        assert_eq!(i[0].aia.as_deref(), Some("http://ca.lab.test/r1.der"));
        assert!(!i[0].self_signed && i[1].is_ca);
        assert!(i[0].not_after > i[0].not_before);
    }

    #[test]
    fn wildcard_and_exact_name_matching() {
        for (pat, host, want) in [
            ("api.x.test", "api.x.test", true),
            ("API.X.test", "api.x.test", true),
            ("*.x.test", "api.x.test", true),
            ("*.x.test", "x.test", false),
            ("*.x.test", "a.b.x.test", false),
            ("*.test", "x.test", false),
            ("x.test", "www.x.test", false),
        ] {
            assert_eq!(name_covers(pat, host), want, "{pat} vs {host}");
        }
    }

    #[test]
    fn hostname_fails_listing_names_and_flags_apex_www_pair() {
        let leaf = &infos(&CertKind::WrongHost("x.test".into()), "www.x.test")[0];
        let origins = vec!["x.test".to_string(), "www.x.test".to_string()];
        let r = judge_hostname(f("hostname"), "www.x.test", leaf, &origins);
        assert_eq!(r.status, Status::Fail);
        assert!(r.detail.contains("names only x.test"), "{}", r.detail);
        assert_eq!(
            r.browser_error.as_deref(),
            Some("net::ERR_CERT_COMMON_NAME_INVALID")
        );
        let h = r.hint.unwrap();
        assert!(
            h.contains("both are origins") && h.contains("-d x.test -d www.x.test"),
            "{h}"
        );
        // Without the sibling as an origin, the plain advice.
        let r = judge_hostname(f("hostname"), "www.x.test", leaf, &[]);
        assert!(!r.hint.unwrap().contains("both are origins"));
        let ok = judge_hostname(f("hostname"), "x.test", leaf, &origins);
        assert_eq!(ok.status, Status::Pass);
    }

    #[test]
    fn expiry_table() {
        let now = unix_now();
        for (kind, warn_days, want, phrase) in [
            (CertKind::Good, 14, Status::Pass, "days left"),
            (CertKind::Expired, 14, Status::Fail, "expired on"),
            (CertKind::NotYetValid, 14, Status::Fail, "not valid yet"),
            (CertKind::ExpiringIn(5), 14, Status::Warn, "5 day(s) left"),
            (CertKind::ExpiringIn(5), 3, Status::Pass, "days left"),
        ] {
            let r = judge_expiry(f("expiry"), &infos(&kind, "a.x.test"), now, warn_days);
            assert_eq!(r.status, want, "{kind:?}: {}", r.detail);
            assert!(r.detail.contains(phrase), "{kind:?}: {}", r.detail);
            if want == Status::Fail {
                assert_eq!(
                    r.browser_error.as_deref(),
                    Some("net::ERR_CERT_DATE_INVALID")
                );
            }
        }
    }

    #[test]
    fn chain_order_and_extras() {
        assert!(chain_order_problems(&infos(&CertKind::Good, "a.x.test")).is_empty());
        assert!(
            chain_order_problems(&infos(&CertKind::MissingIntermediate, "a.x.test")).is_empty()
        );
        let p = chain_order_problems(&infos(&CertKind::WrongOrder, "a.x.test"));
        assert!(p.iter().any(|s| s.contains("out of order")), "{p:?}");
        assert!(p.iter().any(|s| s.contains("sends the root")), "{p:?}");
    }

    #[test]
    fn chain_verdicts_render() {
        let i = infos(&CertKind::Good, "a.x.test");
        let ok = judge_chain(f("chain"), "a.x.test", &i, &ChainVerdict::Trusted, &[]);
        assert_eq!(ok.status, Status::Pass);
        assert!(
            ok.detail.contains("conncheck lab intermediate R1"),
            "{}",
            ok.detail
        );
        let wo = infos(&CertKind::WrongOrder, "a.x.test");
        let w = judge_chain(f("chain"), "a.x.test", &wo, &ChainVerdict::Trusted, &[]);
        assert_eq!(w.status, Status::Warn);
        let mi = judge_chain(
            f("chain"),
            "a.x.test",
            &i[..1],
            &ChainVerdict::MissingIntermediate {
                url: "http://ca.lab.test/r1.der".into(),
                issuer: "R1".into(),
            },
            &[],
        );
        assert_eq!(mi.status, Status::Fail);
        assert!(mi.detail.contains("works in my browser, fails in the app"));
        assert!(mi.browser_error.is_none());
        assert!(mi.hint.unwrap().contains("fullchain.pem"));
        let ss = judge_chain(f("chain"), "a.x.test", &i, &ChainVerdict::SelfSigned, &[]);
        assert_eq!(
            ss.browser_error.as_deref(),
            Some("net::ERR_CERT_AUTHORITY_INVALID")
        );
    }

    #[test]
    fn strength_table() {
        let good = &infos(&CertKind::Good, "a.x.test")[0];
        let with = |oid: &str, kind: &str, bits: usize| {
            let mut c = good.clone();
            c.sig_oid = oid.into();
            c.key = KeyInfo {
                kind: kind.into(),
                bits,
                curve: None,
            };
            c
        };
        for (cert, want, err) in [
            (good.clone(), Status::Pass, None),
            (
                with("1.2.840.113549.1.1.11", "RSA", 2048),
                Status::Pass,
                None,
            ),
            (
                with("1.2.840.113549.1.1.5", "RSA", 2048),
                Status::Fail,
                Some("net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM"),
            ),
            (
                with("1.2.840.113549.1.1.11", "RSA", 1024),
                Status::Fail,
                Some("net::ERR_CERT_WEAK_KEY"),
            ),
        ] {
            let r = judge_strength(f("strength"), std::slice::from_ref(&cert));
            assert_eq!(r.status, want, "{}", r.detail);
            assert_eq!(r.browser_error.as_deref(), err);
        }
        assert!(judge_strength(f("strength"), std::slice::from_ref(good))
            .detail
            .contains("ECDSA P-256"));
    }

    #[test]
    fn rsa_bits_counts_the_modulus() {
        assert_eq!(rsa_bits(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(rsa_bits(&[0x01, 0xff]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    #[test]
    fn legacy_hello_is_well_formed_and_replies_are_judged() {
        let h = legacy_client_hello("api.x.test");
        assert_eq!(&h[..3], &[0x16, 3, 1]);
        assert_eq!(((h[3] as usize) << 8) | h[4] as usize, h.len() - 5);
        assert_eq!(h[5], 1, "a ClientHello");
        assert_eq!(&h[9..11], &[3, 2], "offers at most TLS 1.1");
        assert!(h.windows(10).any(|w| w == b"api.x.test"));
        assert!(!legacy_client_hello("127.0.0.1")
            .windows(9)
            .any(|w| w == b"127.0.0.1"));
        let hello = |maj, min| vec![0x16, 3, 1, 0, 80, 2, 0, 0, 76, maj, min];
        assert_eq!(
            judge_legacy_reply(&hello(3, 2)),
            Legacy::Accepted("TLS 1.1")
        );
        assert_eq!(
            judge_legacy_reply(&hello(3, 1)),
            Legacy::Accepted("TLS 1.0")
        );
        assert!(
            matches!(judge_legacy_reply(&[0x15, 3, 3, 0, 2, 2, 70]), Legacy::Refused(s) if s.contains("protocol_version"))
        );
        assert!(matches!(judge_legacy_reply(b""), Legacy::Refused(_)));
        assert!(matches!(
            judge_legacy_reply(b"HTTP/1.1 400 Bad"),
            Legacy::Unknown(_)
        ));
    }

    #[test]
    fn received_bytes_are_described() {
        assert!(
            describe_received(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .contains("got 'HTTP/1.1 400 Bad Request' — this port speaks plain HTTP")
        );
        assert!(describe_received(&[0x15, 0x03, 0x03, 0, 2, 2, 112]).contains("unrecognized_name"));
        assert!(describe_received(b"").contains("closed the connection"));
        assert!(describe_received(b"SSH-2.0-OpenSSH_9.6\r\n").contains("SSH-2.0"));
        assert!(describe_received(&[0xde, 0xad, 0x00]).contains("de ad 00"));
    }
}
