//! Chrome's console lines for the authentication flow's calls (login, profile, refresh).

/// What Chrome's console prints for an XHR/fetch of the SPA that got an error status:
/// `POST <url> 401 (Unauthorized)` — method, URL, status code, reason phrase.
pub fn failed_call(method: &str, url: &url::Url, status: u16) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{method} {url} {status} ({reason})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_calls_read_as_chrome_prints_them() {
        let u = url::Url::parse("https://api.x.test/api/v1/auth/login/").unwrap();
        assert_eq!(
            failed_call("POST", &u, 401),
            "POST https://api.x.test/api/v1/auth/login/ 401 (Unauthorized)"
        );
    }
}
