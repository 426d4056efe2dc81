//! Observations several checks share, made once per run by whichever check asks first (the
//! others wait for the same result): the frontend's pages and the URLs their scripts embed
//! ([`pages`], [`bundle`]), what those scripts say about the API ([`bundle::Discovery`]), and the
//! run's one login ([`login`]). Observing never judges: checks decide what an observation means.
//! This layer knows the network client, the target and the run's secrets, never the engine or
//! the checks.

pub mod bundle;
pub mod login;
pub mod pages;

use crate::net::http::HttpClient;
use std::sync::Arc;
use tokio::sync::OnceCell;
use url::Url;

/// The shared observations of one run (held by the engine's `Context` as `observed`).
#[derive(Debug, Default)]
pub struct Observations {
    /// The frontend pages and bundles (read by the frontend and WebSocket checks).
    pub pages: OnceCell<Arc<Vec<pages::PageScan>>>,
    /// What the pages' scripts and their lazy chunks say about the API.
    pub discovery: OnceCell<Arc<bundle::Discovery>>,
    /// The login with the user's credentials (read by the JWT and WebSocket checks).
    pub login: OnceCell<Arc<login::Login>>,
}

impl Observations {
    /// The scanned frontend pages, fetched on first use.
    pub async fn pages(&self, http: &HttpClient, urls: &[Url]) -> Arc<Vec<pages::PageScan>> {
        self.pages
            .get_or_init(|| async { Arc::new(pages::scan_pages(http, urls).await) })
            .await
            .clone()
    }

    /// The discovery, made on first use from the pages (fetched if not yet) and the chunks
    /// their scripts reference.
    pub async fn discovery(&self, http: &HttpClient, urls: &[Url]) -> Arc<bundle::Discovery> {
        let scans = self.pages(http, urls).await;
        self.discovery
            .get_or_init(|| async { Arc::new(pages::discover_with_chunks(http, &scans).await) })
            .await
            .clone()
    }

    /// The run's login, made on first use.
    pub async fn login(&self, inputs: login::Inputs<'_>) -> Arc<login::Login> {
        self.login
            .get_or_init(|| async { Arc::new(login::log_in(inputs).await) })
            .await
            .clone()
    }
}
