//! Observations several checks share, made once per run by whichever check asks first (the
//! others wait for the same result): the run's one login ([`login`]). Observing never judges;
//! this layer knows the network client, the target and the run's secrets, never the engine or
//! the checks.

pub mod login;

use std::sync::Arc;
use tokio::sync::OnceCell;

/// The shared observations of one run (held by the engine's `Context` as `observed`).
#[derive(Debug, Default)]
pub struct Observations {
    /// The login with the user's credentials (read by the JWT and WebSocket checks).
    pub login: OnceCell<Arc<login::Login>>,
}

impl Observations {
    /// The run's login, made on first use.
    pub async fn login(&self, inputs: login::Inputs<'_>) -> Arc<login::Login> {
        self.login
            .get_or_init(|| async { Arc::new(login::log_in(inputs).await) })
            .await
            .clone()
    }
}
