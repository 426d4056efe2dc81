//! Section 4 faults: each is one way TikTrue-shaped deployments break CORS.
use super::Scenario;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "cors-origin-not-allowed",
            "CORS_ALLOWED_ORIGINS env var unset: django-cors-headers allows only its localhost defaults",
            |s| {
                s.api.allowed_origins =
                    vec!["http://localhost:3000".into(), "http://127.0.0.1:3000".into()];
            },
        ),
        Scenario::fault(
            "cors-duplicate-header",
            "nginx add_header Access-Control-Allow-Origin on top of django-cors-headers: the header comes twice",
            |s| {
                s.api.proxy_adds_acao = Some("https://tiktrue.test{port}".into());
            },
        ),
        Scenario::fault(
            "cors-wildcard-with-credentials",
            "the proxy answers Access-Control-Allow-Origin: * while the SPA sends credentials",
            |s| {
                s.api.wildcard_origin = true;
            },
        ),
        Scenario::fault(
            "cors-no-credentials-header",
            "CORS_ALLOW_CREDENTIALS is off while axios sends withCredentials",
            |s| {
                s.api.allow_credentials = false;
            },
        ),
        Scenario::fault(
            "cors-missing-allow-headers",
            "a custom CORS_ALLOW_HEADERS without authorization: authenticated calls are blocked",
            |s| {
                s.api.allow_headers = ["accept", "content-type", "x-csrftoken", "x-requested-with"]
                    .map(String::from)
                    .to_vec();
            },
        ),
        Scenario::fault(
            "cors-preflight-redirect",
            "the platform proxy redirects OPTIONS to another host: every preflight fails",
            |s| {
                s.api.options_redirect = true;
            },
        ),
        Scenario::fault(
            "cors-error-without-headers",
            "the proxy answers 502 without CORS headers: the browser shows a CORS error instead",
            |s| {
                s.api.proxy_error = Some(502);
            },
        ),
        Scenario::fault(
            "cors-reflects-any-origin",
            "a hand-written middleware echoes any Origin with credentials",
            |s| {
                s.api.reflect_any_origin = true;
            },
        ),
        Scenario::fault(
            "cors-no-vary",
            "a cache layer drops Vary: Origin from responses that name one origin",
            |s| {
                s.api.vary_origin = false;
            },
        ),
    ]
}
