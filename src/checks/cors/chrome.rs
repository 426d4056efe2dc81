//! The console messages Chrome prints when CORS blocks a request.
//!
//! Facts taken from Chromium's source (the wording, the prefix for preflight failures and which
//! errors get the XMLHttpRequest postscript):
//! third_party/blink/renderer/platform/loader/cors/cors_error_string.cc (`GetErrorString`).
//! The value Chrome quotes for a repeated header is the values joined with ", "
//! (net/http/http_response_headers.cc, `GetNormalizedHeader`).

use super::decide::CorsError;
use super::redirect::{Block, Chain, Page};

/// Who made the request; Chrome names it in the message and adds a postscript for XHR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiator {
    /// axios (the SPA's HTTP client) runs on XMLHttpRequest.
    Xhr,
    Fetch,
}

impl Initiator {
    fn kind(self) -> &'static str {
        match self {
            Initiator::Xhr => "XMLHttpRequest",
            Initiator::Fetch => "fetch",
        }
    }
}

const XHR_CREDENTIALS: &str = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.";
const NO_CORS: &str = " Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";

/// The full line Chrome logs for `err` on a request to `url` from `origin`.
pub fn message(initiator: Initiator, url: &str, origin: &str, err: &CorsError) -> String {
    message_at(initiator, url, None, origin, err)
}

/// The opening Chrome gives every CORS line: the last request's URL, then the URL the call
/// started at when a redirect moved it, then the page's own origin (never the `null` a
/// redirected request carries) — `GetErrorString` in cors_error_string.cc.
fn head(initiator: Initiator, url: &str, redirected_from: Option<&str>, origin: &str) -> String {
    let from = redirected_from
        .map(|f| format!("(redirected from '{f}') "))
        .unwrap_or_default();
    format!(
        "Access to {} at '{url}' {from}from origin '{origin}' has been blocked by CORS policy: ",
        initiator.kind()
    )
}

/// Chrome's line for a redirect whose Location carries a username and password
/// (`kRedirectContainsCredentials`).
pub fn redirect_credentials_message(
    initiator: Initiator,
    url: &str,
    redirected_from: Option<&str>,
    origin: &str,
    location: &str,
) -> String {
    format!(
        "{}Redirect location '{location}' contains a username and password, which is disallowed for cross-origin requests.",
        head(initiator, url, redirected_from, origin)
    )
}

/// The line for a call that may have been redirected: `url` is the request that failed.
pub fn message_at(
    initiator: Initiator,
    url: &str,
    redirected_from: Option<&str>,
    origin: &str,
    err: &CorsError,
) -> String {
    let mut s = head(initiator, url, redirected_from, origin);
    if err.is_preflight_access_error() {
        s.push_str("Response to preflight request doesn't pass access control check: ");
    }
    let fetch = initiator == Initiator::Fetch;
    let xhr = initiator == Initiator::Xhr;
    match err {
        CorsError::WildcardOriginNotAllowed { .. } => {
            s.push_str("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.");
            if xhr {
                s.push_str(XHR_CREDENTIALS);
            }
        }
        CorsError::MissingAllowOrigin { .. } => {
            s.push_str(
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            );
            if fetch {
                s.push_str(" If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.");
            }
        }
        CorsError::MultipleAllowOriginValues { value, .. } => {
            s.push_str(&format!("The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed."));
            if fetch {
                s.push_str(NO_CORS);
            }
        }
        CorsError::InvalidAllowOriginValue { value, .. } => {
            s.push_str(&format!(
                "The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'."
            ));
            if fetch {
                s.push_str(NO_CORS);
            }
        }
        CorsError::AllowOriginMismatch { value, .. } => {
            s.push_str(&format!("The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin."));
            if fetch {
                s.push_str(NO_CORS);
            }
        }
        CorsError::InvalidAllowCredentials { value, .. } => {
            s.push_str(&format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{value}' which must be 'true' when the request's credentials mode is 'include'."));
            if xhr {
                s.push_str(XHR_CREDENTIALS);
            }
        }
        CorsError::PreflightInvalidStatus { .. } => s.push_str("It does not have HTTP ok status."),
        CorsError::PreflightDisallowedRedirect { .. } => {
            s.push_str("Redirect is not allowed for a preflight request.")
        }
        CorsError::InvalidAllowMethods => s.push_str(
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
        ),
        CorsError::InvalidAllowHeaders => s.push_str(
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
        ),
        CorsError::MethodDisallowed { method } => s.push_str(&format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        )),
        CorsError::HeaderDisallowed { header } => s.push_str(&format!(
            "Request header field {header} is not allowed by Access-Control-Allow-Headers in preflight response."
        )),
    }
    s
}

/// Chrome's line for an XMLHttpRequest to http:// from an HTTPS page, naming the blocked
/// request's own URL (third_party/blink/renderer/core/loader/mixed_content_checker.cc).
pub fn mixed_content_message(page: &url::Url, blocked: &str) -> String {
    format!(
        "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint '{blocked}'. This request has been blocked; the content must be served over HTTPS."
    )
}

/// Chrome's console line for a call stopped on its redirect chain. Mixed Content names the
/// blocked request's URL (the redirect's target), Blink's mixed_content_checker.cc.
pub fn chain_message(initiator: Initiator, chain: &Chain, block: &Block, page: &Page) -> String {
    let (url, from) = chain.message_urls();
    match block {
        Block::Cors(e) | Block::Preflight(e) => {
            message_at(initiator, &url, from.as_deref(), &page.origin, e)
        }
        Block::MixedContent(to) => mixed_content_message(&page.parsed_url(), to.as_str()),
        Block::TooManyRedirects => "net::ERR_TOO_MANY_REDIRECTS".to_string(),
        Block::InvalidLocation(_) => "net::ERR_INVALID_REDIRECT".to_string(),
        Block::LocationWithCredentials(to) => redirect_credentials_message(
            initiator,
            &url,
            from.as_deref(),
            &page.origin,
            to.as_str(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://api.tiktrue.com/api/v1/auth/login/";
    const ORIGIN: &str = "https://tiktrue.com";

    #[test]
    fn messages_match_chromium_templates() {
        let pre = |e: CorsError| message(Initiator::Xhr, URL, ORIGIN, &e);
        let head = "Access to XMLHttpRequest at 'https://api.tiktrue.com/api/v1/auth/login/' from origin 'https://tiktrue.com' has been blocked by CORS policy: ";
        let table: Vec<(CorsError, &str)> = vec![
            (
                CorsError::MissingAllowOrigin { preflight: true },
                "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            ),
            (
                CorsError::MissingAllowOrigin { preflight: false },
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: "https://tiktrue.com, https://tiktrue.com".into(),
                },
                "Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains multiple values 'https://tiktrue.com, https://tiktrue.com', but only one is allowed.",
            ),
            (
                CorsError::WildcardOriginNotAllowed { preflight: true },
                "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
            ),
            (
                CorsError::InvalidAllowCredentials { preflight: true, value: String::new() },
                "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
            ),
            (
                CorsError::AllowOriginMismatch { preflight: false, value: "https://tiktrue.com/".into() },
                "The 'Access-Control-Allow-Origin' header has a value 'https://tiktrue.com/' that is not equal to the supplied origin.",
            ),
            (
                CorsError::InvalidAllowOriginValue { preflight: true, value: "tiktrue".into() },
                "Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains the invalid value 'tiktrue'.",
            ),
            (
                CorsError::PreflightInvalidStatus { status: 404 },
                "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
            ),
            (
                CorsError::PreflightDisallowedRedirect { status: 301, location: "x".into() },
                "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
            ),
            (
                CorsError::HeaderDisallowed { header: "authorization".into() },
                "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
            ),
            (
                CorsError::MethodDisallowed { method: "PATCH".into() },
                "Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response.",
            ),
            (
                CorsError::InvalidAllowHeaders,
                "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
            ),
            (
                CorsError::InvalidAllowMethods,
                "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
            ),
        ];
        for (err, tail) in table {
            assert_eq!(pre(err.clone()), format!("{head}{tail}"), "{err:?}");
        }
    }

    #[test]
    fn a_redirected_call_names_both_urls_and_the_page_origin() {
        let m = message_at(
            Initiator::Xhr,
            "https://b.test/x",
            Some(URL),
            ORIGIN,
            &CorsError::AllowOriginMismatch {
                preflight: false,
                value: ORIGIN.into(),
            },
        );
        assert_eq!(m, format!("Access to XMLHttpRequest at 'https://b.test/x' (redirected from '{URL}') from origin '{ORIGIN}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '{ORIGIN}' that is not equal to the supplied origin."));
    }

    #[test]
    fn fetch_initiator_gets_fetch_postscripts() {
        let m = message(
            Initiator::Fetch,
            URL,
            ORIGIN,
            &CorsError::MissingAllowOrigin { preflight: false },
        );
        assert!(m.starts_with("Access to fetch at '"), "{m}");
        assert!(
            m.ends_with(
                "set the request's mode to 'no-cors' to fetch the resource with CORS disabled."
            ),
            "{m}"
        );
        let m = message(
            Initiator::Fetch,
            URL,
            ORIGIN,
            &CorsError::WildcardOriginNotAllowed { preflight: false },
        );
        assert!(!m.contains("XMLHttpRequest"), "{m}");
    }
}
