//! One connection per host, as a browser does it.
//!
//! When several requests to a new origin start at once, a pooled HTTP client opens one connection
//! for each, and only later learns (by ALPN) that the server speaks HTTP/2 and one would have
//! done. Chrome instead lets the first connection finish and, if it is HTTP/2, sends everything
//! over it. This connector layer does the same for reqwest: the first connect to a destination
//! goes ahead; concurrent ones wait for it. If it negotiated h2, they stay pending, so the pool's
//! checkout (which hyper races against the connect) hands them the shared h2 connection and the
//! pending connect is abandoned. If it is HTTP/1.1, they connect normally (h1 needs one
//! connection per concurrent request).

use futures::future::BoxFuture;
use hyper_util::client::legacy::connect::Connection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::watch;

/// How long a waiting connect stays pending after the first connection turned out to be h2.
/// The pool's checkout wins long before; this only bounds a pathological case.
const GRACE: Duration = Duration::from_secs(5);

#[derive(Clone)]
enum Phase {
    /// A connect is under way; the value becomes `Some(is_h2)` when it ends (`None` on failure).
    Connecting(watch::Receiver<Option<Option<bool>>>),
    Done,
}

#[derive(Clone, Default)]
pub struct CoalesceLayer {
    phases: Arc<Mutex<HashMap<String, Phase>>>,
}

impl<S> tower_layer::Layer<S> for CoalesceLayer {
    type Service = Coalesce<S>;
    fn layer(&self, inner: S) -> Coalesce<S> {
        Coalesce {
            inner,
            phases: Arc::clone(&self.phases),
        }
    }
}

#[derive(Clone)]
pub struct Coalesce<S> {
    inner: S,
    phases: Arc<Mutex<HashMap<String, Phase>>>,
}

impl<S, R> tower_service::Service<R> for Coalesce<S>
where
    S: tower_service::Service<R> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Response: Connection + Send + 'static,
    S::Error: From<String> + Send + 'static,
    R: std::fmt::Debug + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        // reqwest's request type is opaque but prints the destination URI.
        let key = format!("{req:?}");
        let mut inner = self.inner.clone();
        // Drive the clone that poll_ready readied (tower's contract).
        std::mem::swap(&mut inner, &mut self.inner);
        let phases = Arc::clone(&self.phases);
        let waiting = {
            let mut map = phases.lock().unwrap();
            match map.get(&key) {
                Some(Phase::Connecting(rx)) => Some(rx.clone()),
                _ => {
                    let (tx, rx) = watch::channel(None);
                    map.insert(key.clone(), Phase::Connecting(rx));
                    drop(map);
                    return Box::pin(async move {
                        let result = inner.call(req).await;
                        let outcome = result
                            .as_ref()
                            .ok()
                            .map(|c| c.connected().is_negotiated_h2());
                        let _ = tx.send(Some(outcome));
                        phases.lock().unwrap().insert(key, Phase::Done);
                        result
                    });
                }
            }
        };
        let mut rx = waiting.expect("set above");
        Box::pin(async move {
            let outcome = loop {
                if let Some(o) = *rx.borrow_and_update() {
                    break o;
                }
                if rx.changed().await.is_err() {
                    break None;
                }
            };
            if outcome == Some(true) {
                // The shared h2 connection is (about to be) in the pool: let checkout win.
                tokio::time::sleep(GRACE).await;
                return Err(S::Error::from(
                    "superseded by a shared HTTP/2 connection".to_string(),
                ));
            }
            inner.call(req).await
        })
    }
}
