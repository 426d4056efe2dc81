//! What Chrome's console prints for section 5 faults.

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// What Chrome's console prints for a fetch/XHR that got an error status:
/// `GET <url> 404 (Not Found)` (method, URL, status code, reason phrase).
pub fn console_line(method: &str, url: &str, status: u16) -> String {
    format!("{method} {url} {status} ({})", reason(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_line_is_chromes_format() {
        assert_eq!(
            console_line("POST", "https://api.x.test/api/v1/auth/login/", 404),
            "POST https://api.x.test/api/v1/auth/login/ 404 (Not Found)"
        );
        assert_eq!(
            console_line("GET", "https://api.x.test/", 429),
            "GET https://api.x.test/ 429 (Too Many Requests)"
        );
    }
}
