//! What Chrome shows for section 3 faults.

/// The net error Chrome shows (page and console) when redirects loop: Chromium stops after 20
/// hops (net/url_request/url_request_http_job.cc, `kMaxRedirects`).
pub const TOO_MANY_REDIRECTS: &str = "net::ERR_TOO_MANY_REDIRECTS";
