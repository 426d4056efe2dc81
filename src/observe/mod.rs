//! Observations several checks share, made once per run by whichever check asks first (the
//! others wait for the same result): the frontend's pages and the URLs their scripts embed
//! ([`pages`], [`bundle`]), what those scripts say about the API ([`bundle::Discovery`]), and the
//! run's one login ([`login`]). Observing never judges: checks decide what an observation means.
//! This layer knows the network client, the target and the run's secrets, never the engine or
//! the checks.

pub mod api;
pub mod bundle;
pub mod login;
pub mod pages;
pub mod plan;
pub mod stack;

use crate::net::http::HttpClient;
use crate::target::Target;
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
    /// The endpoint map and auth flow, from the frontend's calls unless a profile pinned them.
    pub plan: OnceCell<Arc<plan::Plan>>,
    /// The API host's answers the stack is recognised from (its 404 page, its base).
    pub stack: OnceCell<Arc<Vec<crate::stack::Sample>>>,
    /// DRF's OPTIONS metadata of a login URL: (the URL asked, the fields it names).
    pub login_meta: OnceCell<(Url, Option<Vec<String>>)>,
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

    /// The run's plan of what to call, made on first use from the discovery (pinned parts of
    /// the target need no discovery and wait for none).
    pub async fn plan(&self, http: &HttpClient, target: &Target) -> Arc<plan::Plan> {
        self.plan
            .get_or_init(|| async {
                let d = if target.endpoints_pinned && target.auth_pinned {
                    Arc::new(bundle::Discovery::default())
                } else {
                    self.discovery(http, &target.frontend).await
                };
                // Where the frontend's code is silent, the API is asked (its schema document;
                // DRF's OPTIONS metadata for the login's fields).
                let d = api::learn(http, target, d).await;
                let mut p = plan::plan(target, &d);
                if plan::login_body_unknown(target, &d) {
                    let url = target.url_for(&p.auth.login_path);
                    if let Some(fields) = self.login_fields(http, url).await {
                        plan::with_login_fields(&mut p, &fields);
                    }
                }
                Arc::new(p)
            })
            .await
            .clone()
    }

    /// The login's fields from DRF's OPTIONS metadata. The first ask is kept: made early for
    /// the default login URL (so the answer is in when the bundle names that login without its
    /// body), it costs no round trip on the way to the login; another URL is asked when needed.
    pub async fn login_fields(&self, http: &HttpClient, url: Url) -> Option<Vec<String>> {
        let (asked, fields) = self
            .login_meta
            .get_or_init(|| async {
                let fields = api::login_fields(http, url.clone()).await;
                (url.clone(), fields)
            })
            .await;
        if *asked == url {
            return fields.clone();
        }
        api::login_fields(http, url).await
    }

    /// The API host's answers for recognising its stack, probed on first use.
    pub async fn stack_samples(
        &self,
        http: &HttpClient,
        api_base: &Url,
    ) -> Arc<Vec<crate::stack::Sample>> {
        self.stack
            .get_or_init(|| async { Arc::new(stack::probe(http, api_base).await) })
            .await
            .clone()
    }

    /// The stack the API host shows, with a check's own answers (`extra`) added.
    pub async fn stack(
        &self,
        http: &HttpClient,
        api_base: &Url,
        extra: &[crate::stack::Sample],
    ) -> crate::stack::Stack {
        let probed = self.stack_samples(http, api_base).await;
        stack::recognise(api_base, &probed, extra)
    }

    /// The run's login, made on first use, the way the plan says the app logs in.
    pub async fn login(&self, inputs: login::Inputs<'_>) -> Arc<login::Login> {
        self.login
            .get_or_init(|| async {
                let plan = self.plan(inputs.http, inputs.target).await;
                Arc::new(login::log_in(inputs, &plan.auth).await)
            })
            .await
            .clone()
    }
}
