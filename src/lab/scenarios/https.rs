//! Section 3 faults: plain HTTP, HSTS and cookie settings.
use super::Scenario;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "https-no-redirect",
            "port 80 serves the site and the API over plain HTTP instead of redirecting (SECURE_SSL_REDIRECT off, no proxy redirect)",
            |s| {
                s.http_redirect = false;
            },
        ),
        Scenario::fault(
            "https-no-hsts",
            "neither the API nor the frontend sends Strict-Transport-Security",
            |s| {
                s.api.hsts = None;
                s.frontend.hsts = None;
            },
        ),
        Scenario::fault(
            "https-insecure-cookie",
            "Django sets sessionid and csrftoken without Secure (SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE left False)",
            |s| {
                s.api.secure_cookies = false;
                s.api.session_cookie = true;
            },
        ),
    ]
}
