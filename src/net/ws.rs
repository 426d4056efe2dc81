//! One WebSocket opening handshake (RFC 6455 §4) over our resolver and trust store, bounded by
//! the step timeout. What the server answered is data ([`Outcome`]); judging it is the caller's.

use super::dns::DnsClient;
use super::http::{classify_rustls, NetError, USER_AGENT};
use super::tls::TrustStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite;
use url::Url;

/// How one upgrade attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 101 Switching Protocols and a valid handshake.
    Open,
    /// The server answered HTTP instead of switching (the body's first words, whitespace
    /// collapsed, at most 120 characters).
    Refused {
        status: u16,
        body: String,
    },
    Net(NetError),
}

/// What a handshake goes through: the run's resolver, trust store and step timeout.
#[derive(Clone, Copy)]
pub struct Connector<'a> {
    pub dns: &'a Arc<DnsClient>,
    pub trust: &'a TrustStore,
    pub timeout: Duration,
}

impl Connector<'_> {
    /// Open `url` sending `origin` as the page's Origin, and close it again at once.
    pub async fn handshake(&self, url: &Url, origin: &str) -> Outcome {
        match tokio::time::timeout(self.timeout, self.attempt(url, origin)).await {
            Ok(o) => o,
            Err(_) => Outcome::Net(NetError::Timeout(self.timeout)),
        }
    }

    async fn attempt(&self, url: &Url, origin: &str) -> Outcome {
        use tungstenite::client::IntoClientRequest;
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let tcp = match self.connect(&host, port).await {
            Ok(s) => s,
            Err(e) => return Outcome::Net(e),
        };
        let mut req = match url.as_str().into_client_request() {
            Ok(r) => r,
            Err(e) => return Outcome::Net(NetError::Other(format!("invalid WebSocket URL: {e}"))),
        };
        for (n, v) in [("origin", origin), ("user-agent", USER_AGENT)] {
            if let Ok(v) = http::HeaderValue::from_str(v) {
                req.headers_mut().insert(n, v);
            }
        }
        if url.scheme() != "wss" {
            return finish(tokio_tungstenite::client_async(req, tcp).await).await;
        }
        let cfg = Arc::new(self.trust.client_config(&[b"http/1.1"]));
        let Ok(name) = rustls::pki_types::ServerName::try_from(host.clone()) else {
            return Outcome::Net(NetError::Other(format!("invalid server name {host}")));
        };
        match tokio_rustls::TlsConnector::from(cfg)
            .connect(name, tcp)
            .await
        {
            Ok(tls) => finish(tokio_tungstenite::client_async(req, tls).await).await,
            Err(e) => Outcome::Net(tls_io_error(&e)),
        }
    }

    /// A TCP connection to the first address of `host` that accepts one.
    async fn connect(&self, host: &str, port: u16) -> Result<tokio::net::TcpStream, NetError> {
        let addrs = self
            .dns
            .lookup_host(host)
            .await
            .map_err(NetError::Dns)?
            .addrs;
        let mut last = None;
        for ip in addrs {
            match tokio::net::TcpStream::connect((ip, port)).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    return Ok(s);
                }
                Err(e) => last = Some(e),
            }
        }
        let where_ = format!("{host}:{port}");
        Err(match last.map(|e| e.kind()) {
            Some(std::io::ErrorKind::ConnectionRefused) => NetError::ConnectRefused(where_),
            Some(std::io::ErrorKind::TimedOut) => NetError::ConnectTimeout(where_),
            other => NetError::Other(format!("cannot connect to {where_}: {other:?}")),
        })
    }
}

fn tls_io_error(e: &std::io::Error) -> NetError {
    if let Some(t) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return classify_rustls(t);
    }
    match e.kind() {
        std::io::ErrorKind::ConnectionReset => NetError::Reset(e.to_string()),
        _ => NetError::TlsProtocol(e.to_string()),
    }
}

type Handshake<S> = Result<
    (
        tokio_tungstenite::WebSocketStream<S>,
        tungstenite::handshake::client::Response,
    ),
    tungstenite::Error,
>;

async fn finish<S: AsyncRead + AsyncWrite + Unpin>(r: Handshake<S>) -> Outcome {
    match r {
        Ok((mut ws, _resp)) => {
            // Leave politely; the verdict is already in.
            let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
            Outcome::Open
        }
        Err(tungstenite::Error::Http(resp)) => Outcome::Refused {
            status: resp.status().as_u16(),
            body: resp.body().as_deref().map(body_excerpt).unwrap_or_default(),
        },
        Err(tungstenite::Error::Io(e)) => Outcome::Net(match e.kind() {
            std::io::ErrorKind::UnexpectedEof => NetError::EmptyResponse(e.to_string()),
            _ => NetError::Reset(e.to_string()),
        }),
        Err(e) => Outcome::Net(NetError::Protocol(format!("WebSocket handshake: {e}"))),
    }
}

/// The first words of a refusal's body, whitespace collapsed.
fn body_excerpt(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback server that reads one request head and answers `answer`.
    async fn answer_once(answer: String) -> u16 {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = s.write_all(answer.as_bytes()).await;
            let _ = s.shutdown().await;
        });
        port
    }

    async fn handshake(port: u16) -> Outcome {
        let dns = Arc::new(DnsClient::with_servers(vec![], Duration::from_secs(10)));
        let trust = TrustStore::new(&[]).unwrap();
        let c = Connector {
            dns: &dns,
            trust: &trust,
            timeout: Duration::from_secs(10),
        };
        let url = Url::parse(&format!("ws://127.0.0.1:{port}/live")).unwrap();
        c.handshake(&url, "https://app.test").await
    }

    #[tokio::test]
    async fn a_refusal_keeps_its_status_and_the_first_words_of_its_body() {
        let body = "origin   https://app.test\n  not allowed";
        let port = answer_once(format!(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
        .await;
        assert_eq!(
            handshake(port).await,
            Outcome::Refused {
                status: 403,
                body: "origin https://app.test not allowed".into()
            }
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_a_refused_connection() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        assert!(
            matches!(
                handshake(port).await,
                Outcome::Net(NetError::ConnectRefused(_))
            ),
            "nothing listens on {port}"
        );
    }

    #[test]
    fn bodies_are_collapsed_and_capped() {
        assert_eq!(body_excerpt(b" a \n\t b "), "a b");
        assert_eq!(body_excerpt(&[b'x'; 500]).len(), 120);
    }
}
