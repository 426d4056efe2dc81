//! Hostile transport behaviours for the API host: servers that hang, stall mid-handshake,
//! trickle, speak garbage or reset. Served on their own loopback address, below HTTP, because a
//! well-behaved HTTP stack cannot misbehave this way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Accepts TCP and never sends a byte.
    Hang,
    /// Reads the ClientHello and never answers.
    TlsHang,
    /// Completes TLS, then answers one byte per second forever.
    Trickle,
    /// Completes TLS, then sends bytes that are not HTTP.
    GarbageHttp,
    /// Sends random bytes instead of a TLS ServerHello.
    GarbageTls,
    /// Completes TLS, reads the request, then resets the connection (RST).
    Reset,
}

/// How long a hostile server holds a connection before giving up on it itself.
const HOLD: Duration = Duration::from_secs(300);

pub async fn serve(listener: TcpListener, kind: Hostile, tls: Arc<rustls::ServerConfig>) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(HOLD, misbehave(tcp, kind, acceptor)).await;
        });
    }
}

fn noise(n: usize) -> Vec<u8> {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    (0..n)
        .map(|i| {
            h.write_usize(i);
            h.finish() as u8
        })
        .collect()
}

async fn misbehave(mut tcp: TcpStream, kind: Hostile, acceptor: tokio_rustls::TlsAcceptor) {
    let mut buf = vec![0u8; 16 * 1024];
    match kind {
        Hostile::Hang => {
            tokio::time::sleep(HOLD).await;
        }
        Hostile::TlsHang => {
            // Swallow the ClientHello, say nothing.
            while let Ok(n) = tcp.read(&mut buf).await {
                if n == 0 {
                    return;
                }
            }
        }
        Hostile::GarbageTls => {
            let _ = tcp.read(&mut buf).await;
            let _ = tcp.write_all(&noise(512)).await;
            let _ = tcp.shutdown().await;
        }
        Hostile::Trickle | Hostile::GarbageHttp | Hostile::Reset => {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let mut head = Vec::new();
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                match tls.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            match kind {
                Hostile::Trickle => {
                    let msg = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ";
                    for b in msg.iter().chain(std::iter::repeat(&b'a')) {
                        if tls.write_all(&[*b]).await.is_err() || tls.flush().await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                Hostile::GarbageHttp => {
                    let _ = tls
                        .write_all(b"\x00\x01SSH-2.0-OpenSSH_9.6\r\n\xff\xfe\xfd garbage \x1b[2J")
                        .await;
                    let _ = tls.write_all(&noise(256)).await;
                    let _ = tls.shutdown().await;
                }
                _ => {
                    let (tcp, _) = tls.into_inner();
                    // Zero linger: close sends RST at once (no blocking on drop).
                    #[allow(deprecated)]
                    let _ = tcp.set_linger(Some(Duration::ZERO));
                    drop(tcp);
                }
            }
        }
    }
}

pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
