//! Per-host back-off after a 429: once a host answers Too Many Requests with a short
//! `Retry-After`, conncheck's other requests to that host wait until then instead of adding to
//! the burst that tripped the limit. A long `Retry-After` is not waited for (the rows report the
//! limit); the wait is never longer than [`MAX_WAIT`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest a request waits for a host's `Retry-After`.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// When each host may be asked again.
#[derive(Debug, Default)]
pub struct HostBackoff {
    not_before: Mutex<HashMap<String, Instant>>,
}

/// Seconds from a `Retry-After` header (delta-seconds; an HTTP date is read as "later" and not
/// waited for).
pub fn retry_after_secs(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok()
}

impl HostBackoff {
    /// How long a request to `host` must wait now (zero when it may go).
    pub fn wait_for(&self, host: &str) -> Duration {
        let map = self.not_before.lock().unwrap();
        map.get(host)
            .map(|t| t.saturating_duration_since(Instant::now()))
            .unwrap_or_default()
    }

    /// Wait until `host` may be asked again.
    pub async fn wait(&self, host: &str) {
        let d = self.wait_for(host);
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }

    /// `host` answered 429 with this `Retry-After` (seconds): hold its next requests back, when
    /// the wait is short enough to be worth it.
    pub fn note_429(&self, host: &str, retry_after: Option<u64>) {
        let wait = Duration::from_secs(retry_after.unwrap_or(1));
        if wait > MAX_WAIT {
            return;
        }
        let until = Instant::now() + wait;
        let mut map = self.not_before.lock().unwrap();
        let e = map.entry(host.to_string()).or_insert(until);
        if *e < until {
            *e = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_retry_after_holds_the_host_and_a_long_one_does_not() {
        let b = HostBackoff::default();
        assert!(b.wait_for("api.x.test").is_zero());
        b.note_429("api.x.test", Some(2));
        let w = b.wait_for("api.x.test");
        assert!(
            w > Duration::from_secs(1) && w <= Duration::from_secs(2),
            "{w:?}"
        );
        assert!(b.wait_for("other.x.test").is_zero());
        b.note_429("slow.x.test", Some(3600));
        assert!(b.wait_for("slow.x.test").is_zero(), "never wait an hour");
        assert_eq!(retry_after_secs(" 7 "), Some(7));
        assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
