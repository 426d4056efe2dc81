//! Observations several checks share, made once per run: the frontend's pages and the URLs
//! their scripts embed ([`pages`], [`bundle`]). Observing never judges: checks decide what an
//! observation means. This layer knows the network client, never the engine or the checks.

pub mod bundle;
pub mod pages;

use crate::net::http::HttpClient;
use std::sync::Arc;
use tokio::sync::OnceCell;
use url::Url;

/// The shared observations of one run, each made by whichever check asks first (the others
/// wait for the same result).
#[derive(Debug, Default)]
pub struct Observations {
    /// The frontend pages and bundles (read by the frontend and WebSocket checks).
    pub pages: OnceCell<Arc<Vec<pages::PageScan>>>,
}

impl Observations {
    /// The scanned frontend pages, fetched on first use.
    pub async fn pages(&self, http: &HttpClient, urls: &[Url]) -> Arc<Vec<pages::PageScan>> {
        self.pages
            .get_or_init(|| async { Arc::new(pages::scan_pages(http, urls).await) })
            .await
            .clone()
    }
}
