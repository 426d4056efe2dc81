//! What the API host answers about itself, for recognising its stack ([`crate::stack`]): the
//! API base and a path under it that no app serves, so the framework's own 404 page (Django's
//! "The requested resource was not found", Express's "Cannot GET", Flask's "The requested URL
//! was not found", FastAPI's `{"detail":"Not Found"}`) and the proxy's headers show. Two GETs,
//! made once per run and concurrently with everything else; checks add their own answers (a
//! preflight) when they recognise.

use crate::net::http::{HttpClient, HttpRequest};
use crate::stack::{fingerprint, Sample, Stack};
use url::Url;

/// The path probed under the API base: nothing serves it, so the answer is the framework's 404.
pub const NOT_FOUND_PROBE: &str = "conncheck-stack-probe-404";

/// How much of each body the fingerprint reads.
const BODY: usize = 4096;

/// The answers the stack is recognised from, best evidence first (the 404 page, then the base).
pub async fn probe(http: &HttpClient, api_base: &Url) -> Vec<Sample> {
    let get = |url: Url| async move {
        let req = HttpRequest::get(url)
            .header("accept", "text/html,application/json;q=0.9,*/*;q=0.8")
            .max_body(BODY);
        http.send(req).await.ok().map(|ex| Sample {
            preflight: false,
            status: ex.status.as_u16(),
            headers: ex.header_pairs(),
            body: ex.body_start(BODY),
        })
    };
    let (a, b) = tokio::join!(get(probe_url(api_base)), get(api_base.clone()));
    a.into_iter().chain(b).collect()
}

/// The probe's URL: under the API base's path, whether or not it ends with a slash.
fn probe_url(api_base: &Url) -> Url {
    let mut u = api_base.clone();
    u.set_query(None);
    u.set_fragment(None);
    let path = format!("{}/{NOT_FOUND_PROBE}", u.path().trim_end_matches('/'));
    u.set_path(&path);
    u
}

/// The stack the probe's answers and a check's own `extra` answers show.
pub fn recognise(api_base: &Url, probed: &[Sample], extra: &[Sample]) -> Stack {
    let all: Vec<Sample> = probed.iter().chain(extra).cloned().collect();
    fingerprint::recognise(api_base.host_str().unwrap_or(""), &all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_stays_under_the_api_base() {
        for (base, want) in [
            (
                "https://a.test/api/v1/",
                "https://a.test/api/v1/conncheck-stack-probe-404",
            ),
            (
                "https://a.test/api",
                "https://a.test/api/conncheck-stack-probe-404",
            ),
            (
                "https://a.test/",
                "https://a.test/conncheck-stack-probe-404",
            ),
        ] {
            let got = probe_url(&Url::parse(base).unwrap());
            assert_eq!(got.as_str(), want);
        }
    }
}
