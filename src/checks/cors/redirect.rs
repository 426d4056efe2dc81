//! The actual request followed through its redirects the way Chrome follows it: pure decisions
//! over one hop at a time, the I/O stays in `mod.rs`.
//!
//! Followed: the Fetch standard's HTTP-redirect fetch (https://fetch.spec.whatwg.org/
//! #http-redirect-fetch) as Chromium implements it in services/network/cors/cors_url_loader.cc:
//! - `OnReceiveRedirect`: with the CORS flag set, the redirect response itself must pass the
//!   CORS check, against the request's origin or, once tainted, the opaque origin `null`; then
//!   `redirect_count_++ == 20` fails the 21st redirect with `net::ERR_TOO_MANY_REDIRECTS`;
//!   `CheckRedirectLocation` refuses a location carrying a username or password.
//! - `CheckTainted`: the origin is tainted when a hop changes origin and the request's origin is
//!   not the current URL's; `StartRequest` then sends `Origin: null`.
//! - `FollowRedirect`: the request is restarted (and preflighted again when it still needs one)
//!   with the new method; a GET carries no body.
//!
//! Fetch step 12: 301/302 turn POST into GET, 303 turns every method but GET/HEAD into GET; the
//! body and its request-body headers (`Content-Type` …) go. Fetch step 13 (implemented in
//! net/url_request/redirect_util.cc): a hop to another origin drops `Authorization`.
//! The blocked hop to http:// is Blink's Mixed Content check on the redirect
//! (third_party/blink/renderer/core/loader/mixed_content_checker.cc, `ShouldBlockFetch` with a
//! followed redirect), which runs after the network service accepted the redirect.

use super::decide::{cors_check, Call, CorsError, Recorded};
use url::Url;

/// Chrome follows 20 redirects and fails the 21st.
pub const MAX_REDIRECTS: usize = 20;

/// Request-body header names removed with the body (Fetch #request-body-header-name).
const BODY_HEADERS: &[&str] = &[
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// The request as it leaves for one hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub url: Url,
    pub method: String,
    /// The headers the page's code set that are still on the request.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Fetch's tainted origin flag: the request now carries `Origin: null`.
    pub tainted: bool,
}

impl Leg {
    /// The `Origin` this leg carries.
    pub fn origin_value<'a>(&self, page_origin: &'a str) -> &'a str {
        if self.tainted {
            "null"
        } else {
            page_origin
        }
    }

    pub fn has_authorization(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    }

    /// The CORS view of this leg (method, headers, credentials mode).
    pub fn call(&self, include_credentials: bool) -> Call {
        Call {
            method: self.method.clone(),
            headers: self.headers.clone(),
            include_credentials,
        }
    }
}

/// The request for the next hop after a `status` redirect to `next` (Fetch HTTP-redirect fetch
/// steps 12-13, Chrome's `CheckTainted`).
pub fn follow(prev: &Leg, page_origin: &url::Origin, status: u16, next: Url) -> Leg {
    let mut leg = prev.clone();
    let to_get = ((status == 301 || status == 302) && prev.method == "POST")
        || (status == 303 && prev.method != "GET" && prev.method != "HEAD");
    if to_get {
        leg.method = "GET".into();
        leg.body = None;
        leg.headers
            .retain(|(n, _)| !BODY_HEADERS.contains(&n.to_ascii_lowercase().as_str()));
    }
    let cross = next.origin() != prev.url.origin();
    if cross {
        leg.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    }
    if cross && *page_origin != prev.url.origin() {
        leg.tainted = true;
    }
    leg.url = next;
    leg
}

/// Why a redirected request stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The CORS check on this hop's response (a redirect or the final answer) failed.
    Cors(CorsError),
    /// The preflight a redirected request needs failed.
    Preflight(CorsError),
    /// The next hop is http:// from an HTTPS page: Mixed Content, nothing is sent.
    MixedContent(Url),
    /// The 21st redirect.
    TooManyRedirects,
    /// A `Location` that is not a URL.
    InvalidLocation(String),
    /// A `Location` with a username or password (Chrome `kRedirectContainsCredentials`).
    LocationWithCredentials(Url),
}

/// What to do after a hop's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The page reads this response.
    Done,
    /// Follow: the next request.
    Next(Leg),
    Blocked(Block),
}

/// The page making the calls: its origin, serialized and parsed.
#[derive(Debug, Clone)]
pub struct Page {
    pub origin: String,
    pub parsed: url::Origin,
    pub include_credentials: bool,
}

impl Page {
    /// The page as Chrome names it in Mixed Content lines (the origin's root).
    pub fn parsed_url(&self) -> Url {
        Url::parse(&format!("{}/", self.origin))
            .unwrap_or_else(|_| Url::parse("https://invalid/").expect("a URL"))
    }

    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }

    /// Mixed Content: an HTTPS page may not call an http:// URL.
    pub fn blocks_insecure(&self, url: &Url) -> bool {
        self.is_https() && url.scheme() == "http"
    }
}

/// One hop as seen: the request as it left, its preflight's answer (redirected hops that
/// still need one), the response.
#[derive(Debug, Clone)]
pub struct HopSeen {
    pub leg: Leg,
    pub preflight: Option<Recorded>,
    pub response: Option<Recorded>,
}

/// How the followed call ended.
#[derive(Debug, Clone)]
pub enum End {
    /// The page reads the last hop's response ("HTTP 200 application/json, …").
    Read(String),
    Blocked(Block),
    /// A network failure on the last hop.
    Net(crate::net::http::NetError),
}

/// The actual request followed to its end.
#[derive(Debug, Clone)]
pub struct Chain {
    pub hops: Vec<HopSeen>,
    pub end: End,
}

impl Chain {
    pub fn redirected(&self) -> bool {
        self.hops.len() > 1
            || matches!(
                self.end,
                End::Blocked(Block::MixedContent(_) | Block::TooManyRedirects)
            )
    }

    /// The URL Chrome names in its message (the last request's) and, when it differs, the URL
    /// the call started at ("(redirected from '…')", Blink's cors_error_string.cc).
    pub fn message_urls(&self) -> (String, Option<String>) {
        let first = self
            .hops
            .first()
            .map(|h| h.leg.url.to_string())
            .unwrap_or_default();
        let last = self
            .hops
            .last()
            .map(|h| h.leg.url.to_string())
            .unwrap_or_default();
        let from = (first != last).then_some(first);
        (last, from)
    }
}

/// Decide after `leg`'s response `rec`, `followed` redirects already behind it.
pub fn after_response(page: &Page, leg: &Leg, rec: &Recorded, followed: usize) -> Step {
    let origin = leg.origin_value(&page.origin);
    if let Err(e) = cors_check(rec, origin, page.include_credentials, false) {
        return Step::Blocked(Block::Cors(e));
    }
    if !rec.is_redirect() {
        return Step::Done;
    }
    if followed >= MAX_REDIRECTS {
        return Step::Blocked(Block::TooManyRedirects);
    }
    let location = rec.combined("location").unwrap_or_default();
    let Ok(next) = leg.url.join(location.trim()) else {
        return Step::Blocked(Block::InvalidLocation(location));
    };
    if !next.username().is_empty() || next.password().is_some() {
        return Step::Blocked(Block::LocationWithCredentials(next));
    }
    let next_leg = follow(leg, &page.parsed, rec.status, next);
    if page.blocks_insecure(&next_leg.url) {
        return Step::Blocked(Block::MixedContent(next_leg.url));
    }
    Step::Next(next_leg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(include: bool) -> Page {
        let u = Url::parse("https://app.test").unwrap();
        Page {
            origin: "https://app.test".into(),
            parsed: u.origin(),
            include_credentials: include,
        }
    }

    fn login() -> Leg {
        Leg {
            url: Url::parse("https://api.test/login/").unwrap(),
            method: "POST".into(),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                ("Content-Type".into(), "application/json".into()),
                ("Authorization".into(), "Bearer t".into()),
            ],
            body: Some("{}".into()),
            tainted: false,
        }
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn methods_and_bodies_change_as_fetch_says() {
        let p = page(true).parsed;
        let same = u("https://api.test/login2/");
        for (status, method, body) in [
            (301, "GET", false),
            (302, "GET", false),
            (303, "GET", false),
            (307, "POST", true),
            (308, "POST", true),
        ] {
            let l = follow(&login(), &p, status, same.clone());
            assert_eq!(l.method, method, "{status}");
            assert_eq!(l.body.is_some(), body, "{status}");
            assert_eq!(
                l.headers.iter().any(|(n, _)| n == "Content-Type"),
                body,
                "{status}"
            );
            assert!(l.has_authorization() && !l.tainted, "{status}");
        }
        let mut head = login();
        head.method = "HEAD".into();
        assert_eq!(follow(&head, &p, 303, same.clone()).method, "HEAD");
        let mut put = login();
        put.method = "PUT".into();
        assert_eq!(follow(&put, &p, 301, same.clone()).method, "PUT");
        assert_eq!(follow(&put, &p, 303, same).method, "GET");
    }

    #[test]
    fn a_cross_origin_hop_taints_and_drops_authorization() {
        let p = page(true).parsed;
        let l = follow(&login(), &p, 307, u("https://other.test/x"));
        assert!(l.tainted && !l.has_authorization());
        assert_eq!(l.origin_value("https://app.test"), "null");
        // Back to the page's own origin: still tainted (the flag never clears).
        let back = follow(&l, &p, 307, u("https://app.test/x"));
        assert!(back.tainted);
        // Leaving the page's origin for the API is no taint: the request's origin is the
        // current URL's.
        let mut from_page = login();
        from_page.url = u("https://app.test/api/");
        let l = follow(&from_page, &p, 307, u("https://api.test/x"));
        assert!(!l.tainted && !l.has_authorization());
    }

    #[test]
    fn each_hop_is_cors_checked_counted_and_mixed_content_blocked() {
        let pg = page(true);
        let ok = |status: u16, loc: &str| {
            Recorded::new(
                status,
                &[
                    ("access-control-allow-origin", "https://app.test"),
                    ("access-control-allow-credentials", "true"),
                    ("location", loc),
                ],
            )
        };
        assert_eq!(after_response(&pg, &login(), &ok(200, "/x"), 0), Step::Done);
        assert!(matches!(
            after_response(&pg, &login(), &ok(307, "/x"), 0),
            Step::Next(_)
        ));
        assert_eq!(
            after_response(&pg, &login(), &ok(307, "/x"), MAX_REDIRECTS),
            Step::Blocked(Block::TooManyRedirects)
        );
        assert_eq!(
            after_response(&pg, &login(), &ok(302, "http://api.test/x"), 0),
            Step::Blocked(Block::MixedContent(u("http://api.test/x")))
        );
        assert!(matches!(
            after_response(&pg, &login(), &ok(302, "https://u:p@api.test/x"), 0),
            Step::Blocked(Block::LocationWithCredentials(_))
        ));
        // 300 is a response like any other: read, not followed.
        assert_eq!(after_response(&pg, &login(), &ok(300, "/x"), 0), Step::Done);
        let bare = Recorded::new(302, &[("location", "/x")]);
        assert_eq!(
            after_response(&pg, &login(), &bare, 0),
            Step::Blocked(Block::Cors(CorsError::MissingAllowOrigin {
                preflight: false
            }))
        );
        let mut tainted = login();
        tainted.tainted = true;
        assert_eq!(
            after_response(&pg, &tainted, &ok(200, "/x"), 1),
            Step::Blocked(Block::Cors(CorsError::AllowOriginMismatch {
                preflight: false,
                value: "https://app.test".into()
            }))
        );
    }
}
