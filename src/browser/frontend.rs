//! Chrome's console lines for the frontend: mixed content (a blocked or upgraded subresource,
//! an XHR or WebSocket to an insecure URL), a script URL answered with an HTML page, a script
//! that failed to load, and the connection errors of a development address.
//!
//! Templates: Blink's third_party/blink/renderer/core/loader/mixed_content_checker.cc
//! (`logToConsole`, the form-action and auto-upgrade messages); V8's message for `<` at the
//! start of a script (messages.h, `UnexpectedToken`).

use crate::observe::pages::{Blocking, RequestContext, Resource};
use url::Url;

/// V8's error when an HTML page (`<!doctype html>…`) is run as a script.
pub const HTML_AS_SCRIPT: &str = "Uncaught SyntaxError: Unexpected token '<'";

/// A connection to the visitor's own machine, where nothing listens.
pub const CONNECTION_REFUSED: &str = "net::ERR_CONNECTION_REFUSED";

/// A connection to a private address the visitor's network does not route.
pub const CONNECTION_TIMED_OUT: &str = "net::ERR_CONNECTION_TIMED_OUT";

/// The request context name Chrome prints in its mixed-content message.
pub fn context_name(c: RequestContext) -> &'static str {
    match c {
        RequestContext::Script => "script",
        RequestContext::Stylesheet => "stylesheet",
        RequestContext::Font => "font",
        RequestContext::Image => "image",
        RequestContext::Resource => "resource",
        RequestContext::Frame => "frame",
        RequestContext::Plugin => "plugin resource",
        RequestContext::FormAction => "form action",
        RequestContext::Video => "video",
        RequestContext::Audio => "audio",
    }
}

/// Chrome's console message for a blocked or upgraded insecure subresource.
pub fn mixed_content_message(page: &Url, r: &Resource) -> String {
    match r.blocking {
        Blocking::Blockable => format!(
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure {} '{}'. This request has been blocked; the content must be served over HTTPS.",
            context_name(r.context), r.url
        ),
        Blocking::Upgraded => format!(
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure element '{}'. This request was automatically upgraded to HTTPS, For more information see https://blog.chromium.org/2019/10/no-more-mixed-messages-about-https.html",
            r.url
        ),
        Blocking::Form => format!(
            "Mixed Content: The page at '{page}' was loaded over a secure connection, but contains a form that targets an insecure endpoint '{}'. This endpoint should be made available over a secure connection.",
            r.url
        ),
    }
}

/// Chrome's message for an XHR/fetch to http:// from an HTTPS page (same source file).
pub fn mixed_xhr_message(page: &Url, url: &str) -> String {
    format!(
        "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint '{url}'. This request has been blocked; the content must be served over HTTPS."
    )
}

/// Chrome's message for `new WebSocket("ws://…")` on an HTTPS page (mixed_content_checker.cc).
pub fn mixed_ws_message(page: &Url, url: &str) -> String {
    format!(
        "Mixed Content: The page at '{page}' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '{url}'. This request has been blocked; this endpoint must be available over WSS."
    )
}

/// The network panel's line for a script that answered an HTTP error.
pub fn script_aborted(url: &Url, status: u16) -> String {
    format!("GET {url} net::ERR_ABORTED {status}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://tiktrue.test/").unwrap()
    }

    #[test]
    fn chrome_messages_follow_blinks_templates() {
        let r = Resource {
            tag: "script src".into(),
            context: RequestContext::Script,
            blocking: Blocking::Blockable,
            url: Url::parse("http://cdn.test/a.js").unwrap(),
        };
        assert_eq!(
            mixed_content_message(&page(), &r),
            "Mixed Content: The page at 'https://tiktrue.test/' was loaded over HTTPS, but requested an insecure script 'http://cdn.test/a.js'. This request has been blocked; the content must be served over HTTPS."
        );
        let img = Resource {
            blocking: Blocking::Upgraded,
            context: RequestContext::Image,
            ..r
        };
        assert!(mixed_content_message(&page(), &img)
            .contains("requested an insecure element 'http://cdn.test/a.js'. This request was automatically upgraded to HTTPS"));
        assert!(mixed_ws_message(&page(), "ws://x.test/live")
            .ends_with("'ws://x.test/live'. This request has been blocked; this endpoint must be available over WSS."));
    }
}
