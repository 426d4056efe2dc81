//! Accepting connections so that no client can stop serve: a bounded number of open
//! connections (more are closed at once), a header-read timeout that also ends idle keep-alive
//! connections, a lifetime cap per connection, and `accept` errors (EMFILE when descriptors run
//! out) logged and retried with back-off instead of ending the process.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Limits of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub max_connections: usize,
    /// A request's head must arrive within this; a keep-alive connection idle this long closes.
    pub header_timeout: Duration,
    /// No connection lives longer than this (a client that never reads its answer).
    pub lifetime: Duration,
}

const BACKOFF_FIRST: Duration = Duration::from_millis(10);
const BACKOFF_MAX: Duration = Duration::from_secs(1);

/// The next back-off after a failed accept: doubled, at most [`BACKOFF_MAX`].
pub fn next_backoff(d: Duration) -> Duration {
    (d * 2).min(BACKOFF_MAX)
}

/// Accept forever; `handle` serves one connection. `on_refused` is called for each connection
/// closed because too many are open.
pub async fn accept_loop<F, Fut>(
    listener: TcpListener,
    limits: ConnLimits,
    handle: F,
    on_refused: impl Fn(),
) where
    F: Fn(tokio::net::TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut backoff = BACKOFF_FIRST;
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => {
                backoff = BACKOFF_FIRST;
                tcp
            }
            Err(e) => {
                log(&format!(
                    "accept failed ({e}); retrying in {} ms",
                    backoff.as_millis()
                ));
                tokio::time::sleep(backoff).await;
                backoff = next_backoff(backoff);
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            on_refused();
            drop(tcp);
            continue;
        };
        let fut = handle(tcp);
        let lifetime = limits.lifetime;
        tokio::spawn(async move {
            let _ = tokio::time::timeout(lifetime, fut).await;
            drop(permit);
        });
    }
}

/// One line on stderr. Never panics (as `eprintln!` does when stderr is closed): serve must
/// outlive whoever started it reading its log.
pub fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "conncheck serve: {line}");
}

/// An HTTP/1.1 server connection with the header-read timeout (hyper restarts it whenever the
/// connection waits for a request head, so it bounds idle keep-alive too).
pub fn http1(header_timeout: Duration) -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(64 * 1024);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        let mut d = BACKOFF_FIRST;
        for _ in 0..20 {
            d = next_backoff(d);
        }
        assert_eq!(d, BACKOFF_MAX);
        assert_eq!(next_backoff(BACKOFF_FIRST), Duration::from_millis(20));
    }
}
