//! The TLS module's own handshakes (RFC 8446): one that records what the server sent and judges
//! nothing (the chain exactly as presented, the version, suite and ALPN, the first bytes of an
//! answer that is not TLS), and a hand-made TLS 1.1 ClientHello that asks whether the server
//! still speaks TLS 1.0/1.1 (rustls cannot).
//!
//! Failures carry their phase: a connect failure is a [`NetError`] of the connect phase, a
//! timeout a [`NetError::Timeout`], a handshake the server broke a [`HandshakeFailure`] (the TLS
//! phase: what the engine knows as [`NetError::TlsProtocol`]).

use super::connect::{connect, ConnectFailure};
use super::http::NetError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskCx, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// How many bytes of a non-TLS answer are kept as evidence.
const KEEP_RECEIVED: usize = 256;

/// What a successful handshake negotiated, and the chain as the server sent it.
#[derive(Debug, Clone)]
pub struct Shake {
    pub addr: SocketAddr,
    /// `TLS 1.3`, `TLS 1.2`.
    pub version: String,
    pub suite: String,
    pub alpn: Option<String>,
    /// Leaf first, then whatever else the server sent, in its order.
    pub chain: Vec<CertificateDer<'static>>,
}

/// A handshake the server did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeFailure {
    pub addr: SocketAddr,
    /// What rustls said.
    pub reason: String,
    /// What the server sent instead of a ServerHello.
    pub answer: ServerAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// No connection, or no handshake within the timeout.
    Net(NetError),
    Handshake(HandshakeFailure),
}

/// What a server sent back to a ClientHello, read from its first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerAnswer {
    /// It closed the connection without sending anything.
    Nothing,
    /// An HTTP response: this port speaks plain HTTP. Its first line.
    PlainHttp { status_line: String },
    /// A TLS alert record (RFC 8446 §6).
    Alert { fatal: bool, code: u8 },
    /// Some other text protocol (SSH, SMTP…): its first line, at most 80 characters.
    Text { first_line: String },
    /// Bytes that are not a TLS record: how many, and the first 16.
    Binary { len: usize, head: Vec<u8> },
}

/// Classify the first bytes a server sent.
pub fn read_answer(b: &[u8]) -> ServerAnswer {
    if b.is_empty() {
        return ServerAnswer::Nothing;
    }
    if b.starts_with(b"HTTP/") {
        let text = String::from_utf8_lossy(b);
        let first = text.lines().next().unwrap_or("").trim().to_string();
        return ServerAnswer::PlainHttp { status_line: first };
    }
    if b.len() >= 7 && b[0] == 0x15 && b[1] == 0x03 {
        return ServerAnswer::Alert {
            fatal: b[5] == 2,
            code: b[6],
        };
    }
    if b.iter()
        .take(32)
        .all(|c| c.is_ascii_graphic() || *c == b' ' || *c == b'\r' || *c == b'\n')
    {
        let text = String::from_utf8_lossy(b);
        let first: String = text.lines().next().unwrap_or("").chars().take(80).collect();
        return ServerAnswer::Text { first_line: first };
    }
    ServerAnswer::Binary {
        len: b.len(),
        head: b.iter().take(16).copied().collect(),
    }
}

/// Connect to the first address that accepts, within `timeout` per step.
async fn connect_any(
    host: &str,
    port: u16,
    addrs: &[IpAddr],
    timeout: Duration,
) -> Result<(SocketAddr, TcpStream), NetError> {
    let mut last = NetError::ConnectRefused(format!("{host}:{port}"));
    for ip in addrs {
        let addr = SocketAddr::new(*ip, port);
        match connect(addr, timeout).await {
            Ok(s) => return Ok((addr, s)),
            Err(ConnectFailure::Refused) => last = NetError::ConnectRefused(addr.to_string()),
            Err(ConnectFailure::Unreachable(e)) => {
                last = NetError::Other(format!("cannot connect to {addr}: {e}"))
            }
            Err(ConnectFailure::TimedOut) => last = NetError::ConnectTimeout(addr.to_string()),
        }
    }
    Err(last)
}

/// Handshake with `host` (SNI) on `port` at the first of `addrs` that accepts, keeping the chain
/// as presented. Any certificate is accepted; signatures are still checked.
pub async fn probe(
    host: &str,
    port: u16,
    addrs: &[IpAddr],
    timeout: Duration,
) -> Result<Shake, ProbeError> {
    let (addr, tcp) = connect_any(host, port, addrs, timeout)
        .await
        .map_err(ProbeError::Net)?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::new(Recorder::default());
    let mut cfg = rustls::ClientConfig::builder_with_provider(super::tls::provider())
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
    let outcome = tokio::time::timeout(timeout, connector.connect(name, stream)).await;
    let tls = match outcome {
        Err(_) => return Err(ProbeError::Net(NetError::Timeout(timeout))),
        Ok(Err(e)) => {
            let reason = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(r) => r.to_string(),
                None => e.to_string(),
            };
            let answer = read_answer(&seen.lock().unwrap());
            return Err(ProbeError::Handshake(HandshakeFailure {
                addr,
                reason,
                answer,
            }));
        }
        Ok(Ok(tls)) => tls,
    };
    let (version, suite, alpn) = negotiated(tls.get_ref().1);
    let chain = recorder.chain.lock().unwrap().clone();
    Ok(Shake {
        addr,
        version,
        suite,
        alpn,
        chain,
    })
}

/// The version, cipher suite and ALPN protocol a handshake settled on.
fn negotiated(conn: &rustls::ClientConnection) -> (String, String, Option<String>) {
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
    (version, suite, alpn)
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
            &super::tls::provider().signature_verification_algorithms,
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
            &super::tls::provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        super::tls::provider()
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

// The legacy probe.

/// What a server answered the TLS 1.1 ClientHello with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyAnswer {
    /// A ServerHello with this server_version.
    ServerHello { major: u8, minor: u8 },
    /// A TLS alert record with this description code.
    Alert { code: u8 },
    /// It closed (or reset) the connection without a byte.
    Closed,
    /// Something that is not a TLS answer.
    Unexpected(ServerAnswer),
    /// The connection failed; the OS's words.
    Io(String),
    /// No answer within the timeout.
    NoAnswer,
}

/// A TLS 1.1 ClientHello (RFC 4346 §7.4.1.2) with SNI, the common pre-1.2 ECDHE/RSA suites
/// and the renegotiation SCSV (RFC 5746), so a server that still speaks 1.0/1.1 answers with a
/// ServerHello and one that does not sends a protocol_version alert.
pub fn legacy_client_hello(host: &str) -> Vec<u8> {
    fn u16be(n: usize) -> [u8; 2] {
        [(n >> 8) as u8, n as u8]
    }
    let mut ext = Vec::new();
    if host.parse::<IpAddr>().is_err() {
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

/// Read the server's first record after the legacy ClientHello.
pub fn read_legacy_reply(b: &[u8]) -> LegacyAnswer {
    if b.is_empty() {
        return LegacyAnswer::Closed;
    }
    match b[0] {
        // A handshake record holding a ServerHello: its server_version is the answer.
        0x16 if b.len() >= 11 && b[5] == 2 => LegacyAnswer::ServerHello {
            major: b[9],
            minor: b[10],
        },
        0x15 if b.len() >= 7 => LegacyAnswer::Alert { code: b[6] },
        _ => LegacyAnswer::Unexpected(read_answer(b)),
    }
}

/// Send the TLS 1.1 ClientHello to `addr` and read the first record of the answer.
pub async fn legacy_probe(addr: SocketAddr, host: &str, timeout: Duration) -> LegacyAnswer {
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
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(b)) => read_legacy_reply(&b),
        Ok(Err(e)) => LegacyAnswer::Io(e.to_string()),
        Err(_) => LegacyAnswer::NoAnswer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_hello_is_well_formed() {
        let h = legacy_client_hello("api.x.test");
        assert_eq!(&h[..3], &[0x16, 3, 1]);
        assert_eq!(((h[3] as usize) << 8) | h[4] as usize, h.len() - 5);
        assert_eq!(h[5], 1, "a ClientHello");
        assert_eq!(&h[9..11], &[3, 2], "offers at most TLS 1.1");
        assert!(h.windows(10).any(|w| w == b"api.x.test"));
        assert!(!legacy_client_hello("127.0.0.1")
            .windows(9)
            .any(|w| w == b"127.0.0.1"));
    }

    #[test]
    fn legacy_replies_are_read() {
        let hello = |maj, min| vec![0x16, 3, 1, 0, 80, 2, 0, 0, 76, maj, min];
        assert_eq!(
            read_legacy_reply(&hello(3, 2)),
            LegacyAnswer::ServerHello { major: 3, minor: 2 }
        );
        assert_eq!(
            read_legacy_reply(&[0x15, 3, 3, 0, 2, 2, 70]),
            LegacyAnswer::Alert { code: 70 }
        );
        assert_eq!(read_legacy_reply(b""), LegacyAnswer::Closed);
        assert!(matches!(
            read_legacy_reply(b"HTTP/1.1 400 Bad"),
            LegacyAnswer::Unexpected(ServerAnswer::PlainHttp { .. })
        ));
    }

    #[test]
    fn answers_are_classified() {
        assert_eq!(
            read_answer(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"),
            ServerAnswer::PlainHttp {
                status_line: "HTTP/1.1 400 Bad Request".into()
            }
        );
        assert_eq!(
            read_answer(&[0x15, 0x03, 0x03, 0, 2, 2, 112]),
            ServerAnswer::Alert {
                fatal: true,
                code: 112
            }
        );
        assert_eq!(read_answer(b""), ServerAnswer::Nothing);
        assert_eq!(
            read_answer(b"SSH-2.0-OpenSSH_9.6\r\n"),
            ServerAnswer::Text {
                first_line: "SSH-2.0-OpenSSH_9.6".into()
            }
        );
        assert_eq!(
            read_answer(&[0xde, 0xad, 0x00]),
            ServerAnswer::Binary {
                len: 3,
                head: vec![0xde, 0xad, 0]
            }
        );
    }

    #[tokio::test]
    async fn a_plain_http_listener_fails_the_handshake_with_what_it_sent() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let r = probe("api.x.test", port, &[ip], Duration::from_secs(10)).await;
        let Err(ProbeError::Handshake(h)) = r else {
            panic!("{r:?}");
        };
        assert!(matches!(h.answer, ServerAnswer::PlainHttp { .. }), "{h:?}");
        assert!(h.reason.contains("InvalidContentType"), "{h:?}");
    }
}
