//! Observations several checks share, made once per run and handed to whichever check asks
//! first: the one login (JWT and WebSocket read the same answer). Nothing here judges or words;
//! this layer knows the network and the target, never the engine or the checks.

pub mod login;

use std::sync::Arc;
use tokio::sync::OnceCell;

/// The run's shared observations (held by the engine's `Context`).
#[derive(Default)]
pub struct Shared {
    /// The run's one login with the user's credentials.
    pub login: OnceCell<Arc<login::Login>>,
}
