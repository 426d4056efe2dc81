//! The Fetch standard's CORS check and CORS-preflight decision (https://fetch.spec.whatwg.org/
//! #cors-check, #cors-preflight-fetch), as pure functions over a recorded exchange, decided the
//! way Chromium decides them. Facts from Chromium's source:
//! services/network/public/cpp/cors/cors.cc (`CheckAccess`, `CheckPreflightAccess`): the
//! origin check runs before the preflight's status check; an `Access-Control-Allow-Origin`
//! containing a space or comma is "multiple values"; `Access-Control-Allow-Credentials` must
//! be exactly `true`. services/network/cors/preflight_controller.cc (`GetHeaderString` via
//! `GetNormalizedHeader`, `CreateAccessControlRequestHeadersHeader`): a repeated header is read
//! as its values joined with ", "; request header names are lower-cased, sorted and joined with
//! ",". services/network/cors/preflight_result.cc: `*` in the allow lists counts only without
//! credentials; `kDefaultTimeout` 5 s, `kMaxTimeout` 2 h. The Fetch standard's rule that `*`
//! never covers `Authorization` (#cors-non-wildcard-request-header-name) sits there behind
//! `WithNonWildcardRequestHeadersSupport`, which Chrome ships switched off: Chrome lets it through
//! and only records `has_authorization_covered_by_wildcard` (a deprecation warning).
//! WebKit's Source/WebCore/loader/CrossOriginPreflightResultCache.cpp
//! (`validateCrossOriginHeaders`) lets `*` cover every header too, and Firefox ESR 153, tried
//! headless on loopback with such a preflight, sent the authenticated GET and let the page read
//! the answer.
//! Only 301, 302, 303, 307 and 308 are redirects (net/http/http_response_headers.cc
//! `IsRedirectResponseCode`); any other 3xx is a plain response (to a preflight: not "ok").

use url::Url;

/// A cross-origin call as the SPA makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    /// Headers the page's code sets (axios: `Content-Type`, `Authorization`).
    pub headers: Vec<(String, String)>,
    /// Credentials mode `include` (axios `withCredentials`, fetch `credentials: 'include'`).
    pub include_credentials: bool,
}

impl Call {
    /// The CORS-unsafe request header names, lower-case, sorted, without duplicates, as Chrome
    /// lists them in `Access-Control-Request-Headers`.
    pub fn unsafe_header_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .headers
            .iter()
            .filter(|(n, val)| !is_safelisted_header(&n.to_ascii_lowercase(), val))
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Whether the browser sends a preflight first (a non-safelisted method or header).
    pub fn needs_preflight(&self) -> bool {
        !is_safelisted_method(&self.method) || !self.unsafe_header_names().is_empty()
    }

    /// `Access-Control-Request-Headers` as Chrome sends it: comma-joined without spaces.
    pub fn request_headers_value(&self) -> Option<String> {
        let v = self.unsafe_header_names();
        (!v.is_empty()).then(|| v.join(","))
    }
}

pub fn is_safelisted_method(m: &str) -> bool {
    matches!(m, "GET" | "HEAD" | "POST")
}

/// https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
fn unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09)
        || matches!(
            b,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
        )
        || b == 0x7f
}

/// https://fetch.spec.whatwg.org/#cors-safelisted-request-header (`name` lower-case).
pub fn is_safelisted_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name {
        "accept" => !value.bytes().any(unsafe_byte),
        "accept-language" | "content-language" => value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            if value.bytes().any(unsafe_byte) {
                return false;
            }
            let essence = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                essence.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            )
        }
        _ => false,
    }
}

/// The redirect statuses (Fetch #redirect-status; Chrome `IsRedirectResponseCode`). A `300`
/// with a `Location` is not one of them.
pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// A response as received: status and every header line, in order, duplicates kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recorded {
    pub status: u16,
    /// (lower-case name, value)
    pub headers: Vec<(String, String)>,
    /// The start of the body (a framework's refusal names itself: "Disallowed CORS headers").
    pub body: String,
}

/// How much of a CORS answer's body is kept.
const BODY_START: usize = 200;

impl Recorded {
    pub fn new(status: u16, headers: &[(&str, &str)]) -> Recorded {
        Recorded {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: String::new(),
        }
    }

    pub fn from_exchange(ex: &crate::net::http::Exchange) -> Recorded {
        Recorded {
            status: ex.status.as_u16(),
            headers: ex.header_pairs(),
            body: ex.body_start(BODY_START),
        }
    }

    pub fn values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The header as the browser reads it: every value joined with ", ".
    pub fn combined(&self, name: &str) -> Option<String> {
        let v = self.values(name);
        (!v.is_empty()).then(|| v.join(", "))
    }

    /// A redirect the browser follows (or, on a preflight, refuses): one of the five redirect
    /// statuses with a `Location`.
    pub fn is_redirect(&self) -> bool {
        is_redirect_status(self.status) && self.combined("location").is_some()
    }

    /// `Vary` lists `Origin` (or is `*`).
    pub fn varies_on_origin(&self) -> bool {
        self.values("vary")
            .iter()
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case("origin") || t.trim() == "*")
    }
}

/// Why the browser blocks the call. `preflight` marks the origin/credentials errors found on
/// a preflight response (Chrome prefixes those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsError {
    MissingAllowOrigin { preflight: bool },
    MultipleAllowOriginValues { preflight: bool, value: String },
    InvalidAllowOriginValue { preflight: bool, value: String },
    AllowOriginMismatch { preflight: bool, value: String },
    WildcardOriginNotAllowed { preflight: bool },
    InvalidAllowCredentials { preflight: bool, value: String },
    PreflightInvalidStatus { status: u16 },
    PreflightDisallowedRedirect { status: u16, location: String },
    InvalidAllowMethods,
    InvalidAllowHeaders,
    MethodDisallowed { method: String },
    HeaderDisallowed { header: String },
}

impl CorsError {
    /// Chrome's `IsPreflightError`: the errors printed after "Response to preflight request
    /// doesn't pass access control check: ".
    pub fn is_preflight_access_error(&self) -> bool {
        match self {
            CorsError::MissingAllowOrigin { preflight }
            | CorsError::MultipleAllowOriginValues { preflight, .. }
            | CorsError::InvalidAllowOriginValue { preflight, .. }
            | CorsError::AllowOriginMismatch { preflight, .. }
            | CorsError::WildcardOriginNotAllowed { preflight }
            | CorsError::InvalidAllowCredentials { preflight, .. } => *preflight,
            CorsError::PreflightInvalidStatus { .. }
            | CorsError::PreflightDisallowedRedirect { .. } => true,
            _ => false,
        }
    }
}

/// The CORS check on one response (Fetch "CORS check", Chrome `CheckAccess`).
pub fn cors_check(
    resp: &Recorded,
    origin: &str,
    include_credentials: bool,
    preflight: bool,
) -> Result<(), CorsError> {
    match resp.combined("access-control-allow-origin") {
        Some(v) if v == "*" => {
            if include_credentials {
                return Err(CorsError::WildcardOriginNotAllowed { preflight });
            }
            return Ok(());
        }
        None => return Err(CorsError::MissingAllowOrigin { preflight }),
        Some(v) if v != origin => {
            let value = v.clone();
            return Err(if v.contains([' ', ',']) {
                CorsError::MultipleAllowOriginValues { preflight, value }
            } else if v == "null" || Url::parse(&v).is_ok() {
                CorsError::AllowOriginMismatch { preflight, value }
            } else {
                CorsError::InvalidAllowOriginValue { preflight, value }
            });
        }
        Some(_) => {}
    }
    if include_credentials {
        let acac = resp.combined("access-control-allow-credentials");
        if acac.as_deref() != Some("true") {
            return Err(CorsError::InvalidAllowCredentials {
                preflight,
                value: acac.unwrap_or_default(),
            });
        }
    }
    Ok(())
}

/// What a passing preflight allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightOk {
    pub max_age: Option<u64>,
    /// `Authorization` passed only because of `Access-Control-Allow-Headers: *` (Chrome allows
    /// it; the Fetch standard, and browsers that follow it, refuse it).
    pub authorization_by_wildcard: bool,
}

/// An HTTP token (RFC 9110 tchar+).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parse an `Access-Control-Allow-*` list; `None` when an item is not a token.
fn parse_list(v: Option<String>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for item in v.unwrap_or_default().split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return None;
        }
        out.push(item.to_string());
    }
    Some(out)
}

/// The CORS-preflight decision for `call` from `origin` on the preflight's response.
pub fn preflight_check(
    call: &Call,
    origin: &str,
    resp: &Recorded,
) -> Result<PreflightOk, CorsError> {
    if resp.is_redirect() {
        return Err(CorsError::PreflightDisallowedRedirect {
            status: resp.status,
            location: resp.combined("location").unwrap_or_default(),
        });
    }
    let include = call.include_credentials;
    cors_check(resp, origin, include, true)?;
    if !(200..300).contains(&resp.status) {
        return Err(CorsError::PreflightInvalidStatus {
            status: resp.status,
        });
    }
    let methods = parse_list(resp.combined("access-control-allow-methods"))
        .ok_or(CorsError::InvalidAllowMethods)?;
    let headers: Vec<String> = parse_list(resp.combined("access-control-allow-headers"))
        .ok_or(CorsError::InvalidAllowHeaders)?
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    // Methods compare case-sensitively; the safelisted ones need no permission.
    let method_ok = is_safelisted_method(&call.method)
        || methods.contains(&call.method)
        || (!include && methods.iter().any(|m| m == "*"));
    if !method_ok {
        return Err(CorsError::MethodDisallowed {
            method: call.method.clone(),
        });
    }
    let wildcard = !include && headers.iter().any(|h| h == "*");
    let mut authorization_by_wildcard = false;
    for name in call.unsafe_header_names() {
        let listed = headers.contains(&name);
        if !listed && !wildcard {
            return Err(CorsError::HeaderDisallowed { header: name });
        }
        authorization_by_wildcard |= !listed && name == "authorization";
    }
    let max_age = resp
        .combined("access-control-max-age")
        .and_then(|v| v.trim().parse::<u64>().ok());
    Ok(PreflightOk {
        max_age,
        authorization_by_wildcard,
    })
}

/// Everything wrong with a preflight's answer, in the order Chrome checks (so the first is the
/// one its console names): the redirect, the origin and credentials, the status, the methods,
/// each request header. Empty when the preflight passes.
pub fn preflight_problems(call: &Call, origin: &str, resp: &Recorded) -> Vec<CorsError> {
    if resp.is_redirect() {
        return preflight_check(call, origin, resp)
            .err()
            .into_iter()
            .collect();
    }
    let include = call.include_credentials;
    let mut v: Vec<CorsError> = cors_check(resp, origin, include, true)
        .err()
        .into_iter()
        .collect();
    if !(200..300).contains(&resp.status) {
        v.push(CorsError::PreflightInvalidStatus {
            status: resp.status,
        });
    }
    let methods = parse_list(resp.combined("access-control-allow-methods"));
    let headers = parse_list(resp.combined("access-control-allow-headers"));
    match &methods {
        None => v.push(CorsError::InvalidAllowMethods),
        Some(m) => {
            let ok = is_safelisted_method(&call.method)
                || m.contains(&call.method)
                || (!include && m.iter().any(|x| x == "*"));
            if !ok {
                v.push(CorsError::MethodDisallowed {
                    method: call.method.clone(),
                });
            }
        }
    }
    match headers {
        None => v.push(CorsError::InvalidAllowHeaders),
        Some(h) => {
            let h: Vec<String> = h.iter().map(|x| x.to_ascii_lowercase()).collect();
            let wildcard = !include && h.iter().any(|x| x == "*");
            for name in call.unsafe_header_names() {
                if !wildcard && !h.contains(&name) {
                    v.push(CorsError::HeaderDisallowed { header: name });
                }
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: &str = "https://tiktrue.com";

    fn call(method: &str, headers: &[(&str, &str)], include: bool) -> Call {
        Call {
            method: method.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            include_credentials: include,
        }
    }

    #[test]
    fn preflight_needed_only_for_non_simple_requests() {
        type Row<'a> = (&'a str, &'a [(&'a str, &'a str)], bool, Option<&'a str>);
        let table: &[Row] = &[
            ("GET", &[], false, None),
            (
                "POST",
                &[("Content-Type", "text/plain;charset=UTF-8")],
                false,
                None,
            ),
            (
                "POST",
                &[("Content-Type", "application/x-www-form-urlencoded")],
                false,
                None,
            ),
            (
                "GET",
                &[("Accept", "application/json, text/plain, */*")],
                false,
                None,
            ),
            (
                "POST",
                &[("Content-Type", "application/json")],
                true,
                Some("content-type"),
            ),
            (
                "GET",
                &[("Authorization", "Bearer x")],
                true,
                Some("authorization"),
            ),
            (
                "POST",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", "Bearer x"),
                    ("X-Requested-With", "XMLHttpRequest"),
                ],
                true,
                Some("authorization,content-type,x-requested-with"),
            ),
            ("PATCH", &[], true, None),
            ("DELETE", &[], true, None),
            ("GET", &[("Accept-Language", "fa-IR")], false, None),
            (
                "GET",
                &[("Accept-Language", "fa(IR)")],
                true,
                Some("accept-language"),
            ),
        ];
        for (m, h, pre, acrh) in table {
            let c = call(m, h, true);
            assert_eq!(c.needs_preflight(), *pre, "{m} {h:?}");
            assert_eq!(c.request_headers_value().as_deref(), *acrh, "{m} {h:?}");
        }
    }

    fn good_preflight() -> Vec<(&'static str, &'static str)> {
        vec![
            ("access-control-allow-origin", O),
            ("access-control-allow-credentials", "true"),
            (
                "access-control-allow-methods",
                "DELETE, GET, OPTIONS, PATCH, POST, PUT",
            ),
            (
                "access-control-allow-headers",
                "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
            ),
            ("access-control-max-age", "86400"),
            ("vary", "origin"),
        ]
    }

    fn with(status: u16, change: &[(&'static str, Option<&'static str>)]) -> Recorded {
        let mut h = good_preflight();
        for (name, val) in change {
            h.retain(|(n, _)| n != name);
            if let Some(v) = val {
                h.push((name, v));
            }
        }
        Recorded::new(status, &h)
    }

    #[test]
    fn preflight_decisions_cover_every_branch() {
        let json_post = call("POST", &[("Content-Type", "application/json")], true);
        let auth_get = call("GET", &[("Authorization", "Bearer t")], true);
        let auth_get_anon = call("GET", &[("Authorization", "Bearer t")], false);
        let patch = call("PATCH", &[("Content-Type", "application/json")], true);
        let patch_anon = call("PATCH", &[], false);
        let json_post_anon = call("POST", &[("Content-Type", "application/json")], false);
        let dup = Recorded::new(
            200,
            &[
                ("access-control-allow-origin", O),
                ("access-control-allow-origin", O),
                ("access-control-allow-credentials", "true"),
            ],
        );
        let redirect = Recorded::new(
            301,
            &[("location", "https://www.api.tiktrue.com/api/v1/auth/login/")],
        );
        let table: Vec<(&str, &Call, Recorded, Result<(), CorsError>)> = vec![
            ("healthy", &json_post, with(200, &[]), Ok(())),
            ("healthy auth", &auth_get, with(200, &[]), Ok(())),
            ("204 is ok", &json_post, with(204, &[]), Ok(())),
            (
                "redirect",
                &json_post,
                redirect,
                Err(CorsError::PreflightDisallowedRedirect {
                    status: 301,
                    location: "https://www.api.tiktrue.com/api/v1/auth/login/".into(),
                }),
            ),
            (
                "missing ACAO",
                &json_post,
                with(200, &[("access-control-allow-origin", None)]),
                Err(CorsError::MissingAllowOrigin { preflight: true }),
            ),
            (
                "origin check before status",
                &json_post,
                with(404, &[("access-control-allow-origin", None)]),
                Err(CorsError::MissingAllowOrigin { preflight: true }),
            ),
            (
                "bad status",
                &json_post,
                with(500, &[]),
                Err(CorsError::PreflightInvalidStatus { status: 500 }),
            ),
            (
                "duplicate ACAO",
                &json_post,
                dup,
                Err(CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: format!("{O}, {O}"),
                }),
            ),
            (
                "trailing slash",
                &json_post,
                with(
                    200,
                    &[("access-control-allow-origin", Some("https://tiktrue.com/"))],
                ),
                Err(CorsError::AllowOriginMismatch {
                    preflight: true,
                    value: "https://tiktrue.com/".into(),
                }),
            ),
            (
                "other origin",
                &json_post,
                with(
                    200,
                    &[("access-control-allow-origin", Some("http://localhost:3000"))],
                ),
                Err(CorsError::AllowOriginMismatch {
                    preflight: true,
                    value: "http://localhost:3000".into(),
                }),
            ),
            (
                "null",
                &json_post,
                with(200, &[("access-control-allow-origin", Some("null"))]),
                Err(CorsError::AllowOriginMismatch {
                    preflight: true,
                    value: "null".into(),
                }),
            ),
            (
                "invalid",
                &json_post,
                with(200, &[("access-control-allow-origin", Some("tiktrue.com"))]),
                Err(CorsError::InvalidAllowOriginValue {
                    preflight: true,
                    value: "tiktrue.com".into(),
                }),
            ),
            (
                "wildcard with credentials",
                &json_post,
                with(200, &[("access-control-allow-origin", Some("*"))]),
                Err(CorsError::WildcardOriginNotAllowed { preflight: true }),
            ),
            (
                "wildcard without credentials",
                &json_post_anon,
                with(
                    200,
                    &[
                        ("access-control-allow-origin", Some("*")),
                        ("access-control-allow-credentials", None),
                    ],
                ),
                Ok(()),
            ),
            (
                "no ACAC",
                &json_post,
                with(200, &[("access-control-allow-credentials", None)]),
                Err(CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new(),
                }),
            ),
            (
                "ACAC True is not true",
                &json_post,
                with(200, &[("access-control-allow-credentials", Some("True"))]),
                Err(CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: "True".into(),
                }),
            ),
            (
                "no ACAC needed without credentials",
                &json_post_anon,
                with(200, &[("access-control-allow-credentials", None)]),
                Ok(()),
            ),
            (
                "method not listed",
                &patch,
                with(200, &[("access-control-allow-methods", Some("GET, POST"))]),
                Err(CorsError::MethodDisallowed {
                    method: "PATCH".into(),
                }),
            ),
            (
                "method case-sensitive",
                &patch,
                with(200, &[("access-control-allow-methods", Some("get, patch"))]),
                Err(CorsError::MethodDisallowed {
                    method: "PATCH".into(),
                }),
            ),
            (
                "method * with credentials",
                &patch,
                with(200, &[("access-control-allow-methods", Some("*"))]),
                Err(CorsError::MethodDisallowed {
                    method: "PATCH".into(),
                }),
            ),
            (
                "method * without credentials",
                &patch_anon,
                with(
                    200,
                    &[
                        ("access-control-allow-methods", Some("*")),
                        ("access-control-allow-credentials", None),
                    ],
                ),
                Ok(()),
            ),
            (
                "simple method needs no listing",
                &json_post,
                with(200, &[("access-control-allow-methods", None)]),
                Ok(()),
            ),
            (
                "unparsable methods",
                &json_post,
                with(200, &[("access-control-allow-methods", Some("GET POST"))]),
                Err(CorsError::InvalidAllowMethods),
            ),
            (
                "unparsable headers",
                &json_post,
                with(
                    200,
                    &[("access-control-allow-headers", Some("content type"))],
                ),
                Err(CorsError::InvalidAllowHeaders),
            ),
            (
                "authorization not allowed",
                &auth_get,
                with(
                    200,
                    &[("access-control-allow-headers", Some("accept, content-type"))],
                ),
                Err(CorsError::HeaderDisallowed {
                    header: "authorization".into(),
                }),
            ),
            (
                "header case-insensitive",
                &auth_get,
                with(
                    200,
                    &[("access-control-allow-headers", Some("Authorization"))],
                ),
                Ok(()),
            ),
            (
                "* covers authorization in Chrome (not in the Fetch standard)",
                &auth_get_anon,
                with(
                    200,
                    &[
                        ("access-control-allow-headers", Some("*")),
                        ("access-control-allow-credentials", None),
                    ],
                ),
                Ok(()),
            ),
            (
                "300 with a Location is a non-ok status, not a redirect",
                &auth_get,
                with(300, &[("location", Some("https://x.test/"))]),
                Err(CorsError::PreflightInvalidStatus { status: 300 }),
            ),
            (
                "* covers content-type without credentials",
                &json_post_anon,
                with(
                    200,
                    &[
                        ("access-control-allow-headers", Some("*")),
                        ("access-control-allow-credentials", None),
                    ],
                ),
                Ok(()),
            ),
            (
                "* covers nothing with credentials",
                &json_post,
                with(200, &[("access-control-allow-headers", Some("*"))]),
                Err(CorsError::HeaderDisallowed {
                    header: "content-type".into(),
                }),
            ),
        ];
        for (name, c, resp, want) in table {
            assert_eq!(preflight_check(c, O, &resp).map(|_| ()), want, "{name}");
        }
    }

    #[test]
    fn preflight_reports_max_age() {
        let c = call("POST", &[("Content-Type", "application/json")], true);
        assert_eq!(
            preflight_check(&c, O, &with(200, &[])).unwrap().max_age,
            Some(86400)
        );
        let r = with(200, &[("access-control-max-age", None)]);
        assert_eq!(preflight_check(&c, O, &r).unwrap().max_age, None);
    }

    #[test]
    fn authorization_through_the_wildcard_is_flagged() {
        let anon = call("GET", &[("Authorization", "Bearer x")], false);
        let star = with(
            200,
            &[
                ("access-control-allow-headers", Some("*")),
                ("access-control-allow-credentials", None),
            ],
        );
        assert!(
            preflight_check(&anon, O, &star)
                .unwrap()
                .authorization_by_wildcard
        );
        let named = with(
            200,
            &[("access-control-allow-headers", Some("*, Authorization"))],
        );
        let c = call("GET", &[("Authorization", "Bearer x")], false);
        assert!(
            !preflight_check(&c, O, &named)
                .unwrap()
                .authorization_by_wildcard
        );
        assert!(!is_redirect_status(300) && is_redirect_status(308));
        assert!(!Recorded::new(300, &[("location", "/x")]).is_redirect());
        assert!(!Recorded::new(302, &[]).is_redirect());
    }

    #[test]
    fn actual_response_check() {
        let ok = Recorded::new(
            401,
            &[
                ("access-control-allow-origin", O),
                ("access-control-allow-credentials", "true"),
            ],
        );
        assert_eq!(cors_check(&ok, O, true, false), Ok(()));
        let bare = Recorded::new(502, &[("content-type", "text/html")]);
        assert_eq!(
            cors_check(&bare, O, true, false),
            Err(CorsError::MissingAllowOrigin { preflight: false })
        );
        let star_dup = Recorded::new(
            200,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-origin", O),
            ],
        );
        assert_eq!(
            cors_check(&star_dup, O, false, false),
            Err(CorsError::MultipleAllowOriginValues {
                preflight: false,
                value: format!("*, {O}")
            })
        );
    }

    #[test]
    fn every_problem_of_a_preflight_is_listed_in_chrome_order() {
        let c = call(
            "PUT",
            &[
                ("Authorization", "Bearer x"),
                ("Content-Type", "application/json"),
            ],
            true,
        );
        let r = Recorded::new(
            200,
            &[
                ("access-control-allow-origin", O),
                ("access-control-allow-methods", "GET, POST"),
                ("access-control-allow-headers", "content-type"),
            ],
        );
        let got = preflight_problems(&c, O, &r);
        assert_eq!(
            got,
            vec![
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new()
                },
                CorsError::MethodDisallowed {
                    method: "PUT".into()
                },
                CorsError::HeaderDisallowed {
                    header: "authorization".into()
                },
            ]
        );
        assert_eq!(Err(got[0].clone()), preflight_check(&c, O, &r).map(|_| ()));
        let ok = Recorded::new(
            204,
            &[
                ("access-control-allow-origin", O),
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-methods", "PUT"),
                (
                    "access-control-allow-headers",
                    "authorization, content-type",
                ),
            ],
        );
        assert!(preflight_problems(&c, O, &ok).is_empty());
    }
}
