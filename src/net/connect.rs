//! One TCP connect with a timeout, its failure typed: what `dns.reach` reports per address and
//! where the TLS probe starts.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

/// Why a TCP connection to one address did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The host answered with a reset: nothing listens on the port.
    Refused,
    /// Any other error (no route, unreachable network); the OS's words.
    Unreachable(String),
    /// No answer within the step timeout.
    TimedOut,
}

/// Connect to `addr` within `timeout`.
pub async fn connect(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, ConnectFailure> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(ConnectFailure::Refused)
        }
        Ok(Err(e)) => Err(ConnectFailure::Unreachable(e.to_string())),
        Err(_) => Err(ConnectFailure::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_loopback_port_is_refused() {
        // Bind then drop: the port is free and nothing listens on it.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        let r = connect(addr, Duration::from_secs(10)).await;
        assert_eq!(r.err(), Some(ConnectFailure::Refused));
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert!(connect(l.local_addr().unwrap(), Duration::from_secs(10))
            .await
            .is_ok());
    }
}
