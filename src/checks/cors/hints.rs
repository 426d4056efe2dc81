//! The CORS module's fixes: one concrete change per fault, in django-cors-headers' and the
//! proxy's words where the answer shows them.

use super::decide::{CorsError, Recorded};
use super::judge::{blocked_kind, cors_middleware_active, fix_for, looks_like_django, Blocked};
use super::redirect::{Block, Chain};
use super::vocab::{framework_hint, vocab, Vocab};
use crate::stack::fix::Fix;
use crate::stack::Stack;
use url::Url;

pub struct HintCtx<'a> {
    pub origin: &'a str,
    pub url: &'a Url,
    pub rec: &'a Recorded,
    pub preflight: bool,
    pub endpoint_row: Option<&'a str>,
    pub localhost_default: bool,
    pub include: bool,
    /// The API's stack, as far as its answers show it.
    pub stack: &'a Stack,
    /// The preflight's other problems, after the one the browser names.
    pub others: &'a [CorsError],
}

/// One concrete fix, worded for the API's stack: django-cors-headers' settings for Django, the
/// framework's own CORS configuration when another one is recognised, the exact header to send
/// when none is.
pub fn hint(err: &CorsError, h: &HintCtx) -> String {
    let mut s = first_hint(err, h);
    let also = also_fixes(err, h);
    if !also.is_empty() {
        s.push_str(&format!("; and also: {}", also.join("; ")));
    }
    s
}

/// The fixes for the preflight's other problems, each in the stack's words: the browser names
/// one, but every one of them blocks the call after the first is fixed.
fn also_fixes(err: &CorsError, h: &HintCtx) -> Vec<String> {
    let v = vocab(h.stack, h.rec);
    let kind = blocked_kind(err, h.rec, h.preflight);
    // An error page carries no CORS header at all: its other "problems" are the same one.
    if kind == Blocked::ErrorWithoutHeaders || !cors_middleware_active(h.rec) {
        return Vec::new();
    }
    let fixes = h
        .others
        .iter()
        .filter_map(|e| fix_for(blocked_kind(e, h.rec, h.preflight), e, h.origin, h.include));
    let mut seen: Vec<Fix> = fix_for(kind, err, h.origin, h.include)
        .into_iter()
        .collect();
    if seen.is_empty() && kind == Blocked::PreflightStatus && !matches!(v, Vocab::Django) {
        // The status hint already words the first of them.
        seen.extend(fixes.clone().next());
    }
    let mut out: Vec<String> = Vec::new();
    for e in h.others {
        let Some(fix) = fix_for(blocked_kind(e, h.rec, h.preflight), e, h.origin, h.include) else {
            continue;
        };
        if seen.contains(&fix) {
            continue;
        }
        out.push(v.word(&fix));
        seen.push(fix);
    }
    out
}

fn first_hint(err: &CorsError, h: &HintCtx) -> String {
    let v = vocab(h.stack, h.rec);
    if matches!(v, Vocab::Django) {
        return django_hint(err, h);
    }
    match blocked_kind(err, h.rec, h.preflight) {
        // Not a CORS setting (an error page hides the real status): the same words for all.
        Blocked::ErrorWithoutHeaders => django_hint(err, h),
        Blocked::PreflightRedirected => match err {
            CorsError::PreflightDisallowedRedirect { status, location } => {
                redirect_hint(*status, location, h)
            }
            _ => django_hint(err, h),
        },
        _ => {
            let ctx = (h.origin, h.url.path(), h.preflight, h.include);
            framework_hint(&v, err, h.rec, ctx, h.others).unwrap_or_else(|| django_hint(err, h))
        }
    }
}

/// One concrete fix, in django-cors-headers' / the proxy's words where the answer shows them.
fn django_hint(err: &CorsError, h: &HintCtx) -> String {
    let o = h.origin;
    let django = looks_like_django(h.rec);
    let status = h.rec.status;
    match err {
        CorsError::MissingAllowOrigin { .. } if status >= 500 || (!h.preflight && status >= 400 && !cors_middleware_active(h.rec)) => {
            let source = match h.rec.combined("server") {
                Some(s) => format!("an error page from {s}, the proxy"),
                None => "an error answered before the CORS middleware ran".to_string(),
            };
            let row = h
                .endpoint_row
                .map(|r| format!(" (see the {r} row)"))
                .unwrap_or_default();
            format!(
                "not a CORS setting: the API answered HTTP {status} without CORS headers ({source}), and the browser reports that as a CORS error hiding the real status. Fix the HTTP {status} first{row}; to see real errors in the page, make error responses carry the CORS headers too (nginx: add_header Access-Control-Allow-Origin $http_origin always; for allowed origins)"
            )
        }
        CorsError::MissingAllowOrigin { .. } if h.localhost_default => format!(
            "only the localhost defaults are allowed: http://localhost:3000 passes but {o} does not, so CORS_ALLOWED_ORIGINS came from its default ('http://localhost:3000,http://127.0.0.1:3000') because the environment variable is unset. Set CORS_ALLOWED_ORIGINS={o} (comma-separated, no trailing slash) in the platform's environment and redeploy"
        ),
        CorsError::MissingAllowOrigin { .. } if cors_middleware_active(h.rec) => format!(
            "the CORS middleware runs but does not allow {o}: add exactly '{o}' to CORS_ALLOWED_ORIGINS (django-cors-headers; scheme, host and port must match byte for byte, no trailing slash or path). When settings read it from the environment (os.environ.get('CORS_ALLOWED_ORIGINS', '')), set the variable where the app runs and redeploy"
        ),
        CorsError::MissingAllowOrigin { .. } if django => format!(
            "no CORS headers at all: django-cors-headers is not active. Add 'corsheaders' to INSTALLED_APPS and 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE (before CommonMiddleware), with CORS_ALLOWED_ORIGINS = ['{o}']"
        ),
        CorsError::MissingAllowOrigin { .. } => format!(
            "the API sends no Access-Control-Allow-Origin: allow {o} in its CORS configuration (django-cors-headers: CORS_ALLOWED_ORIGINS = ['{o}'], CorsMiddleware first in MIDDLEWARE)"
        ),
        CorsError::MultipleAllowOriginValues { value, .. } => {
            let n = h.rec.values("access-control-allow-origin").len();
            if n > 1 {
                format!(
                    "Access-Control-Allow-Origin is sent {n} times ({value}): the proxy adds it and the app adds it again. Keep one: remove `add_header Access-Control-Allow-Origin` from the nginx config (or the Traefik headers middleware's accessControlAllowOriginList), or drop the app's copy with `proxy_hide_header Access-Control-Allow-Origin`; django-cors-headers alone already answers correctly"
                )
            } else {
                format!(
                    "the header lists several origins in one value ('{value}'): a server must echo the one requesting origin. django-cors-headers does that from CORS_ALLOWED_ORIGINS; a fixed nginx add_header cannot"
                )
            }
        }
        CorsError::WildcardOriginNotAllowed { .. } => format!(
            "'*' is refused when the request carries credentials: answer with the origin itself. Remove `add_header Access-Control-Allow-Origin *` from the proxy and let django-cors-headers echo the origin (CORS_ALLOWED_ORIGINS = ['{o}'], CORS_ALLOW_CREDENTIALS = True); or, if the SPA needs no cookies, drop axios withCredentials (then check with --no-credentials)"
        ),
        CorsError::InvalidAllowCredentials { value, .. } => format!(
            "the request carries credentials (axios withCredentials) but the answer has {}: set CORS_ALLOW_CREDENTIALS = True (django-cors-headers then sends Access-Control-Allow-Credentials: true); or, if the SPA authenticates with a bearer token only, drop withCredentials (then check with --no-credentials)",
            if value.is_empty() { "no Access-Control-Allow-Credentials".to_string() } else { format!("Access-Control-Allow-Credentials: {value}") }
        ),
        CorsError::AllowOriginMismatch { value, .. } | CorsError::InvalidAllowOriginValue { value, .. } => {
            let trimmed = value.trim_end_matches('/');
            if trimmed == o || (value.starts_with(o) && value.len() > o.len()) {
                format!(
                    "the configured origin has a trailing slash or path ('{value}'): an origin is scheme://host[:port] only; write '{o}' in CORS_ALLOWED_ORIGINS (django-cors-headers rejects paths) or in the proxy's header"
                )
            } else {
                format!(
                    "the API answers for another origin ('{value}'): it must echo '{o}' exactly. A fixed `add_header Access-Control-Allow-Origin {value}` serves one origin only; let django-cors-headers choose from CORS_ALLOWED_ORIGINS = ['{o}', …]"
                )
            }
        }
        CorsError::PreflightInvalidStatus { status } => format!(
            "the OPTIONS preflight is answered HTTP {status}: preflights must get a 2xx. Put 'corsheaders.middleware.CorsMiddleware' first in MIDDLEWARE so it answers OPTIONS before authentication and routing, and let the proxy pass OPTIONS through (no auth or method filter on it)"
        ),
        CorsError::PreflightDisallowedRedirect { status, location } => redirect_hint(*status, location, h),
        CorsError::MethodDisallowed { method } => format!(
            "add {method} to the allowed methods: CORS_ALLOW_METHODS = (*default_methods, …) with `from corsheaders.defaults import default_methods` (the default already lists DELETE, GET, OPTIONS, PATCH, POST, PUT)"
        ),
        CorsError::HeaderDisallowed { header } => {
            let star = h
                .rec
                .combined("access-control-allow-headers")
                .is_some_and(|v| v.split(',').any(|x| x.trim() == "*"));
            let why = if star && header == "authorization" {
                "'*' never covers Authorization, so list it by name. "
            } else if star && h.include {
                "'*' is only a wildcard for requests without credentials. "
            } else {
                ""
            };
            format!(
                "{why}Allow the request header '{header}': CORS_ALLOW_HEADERS = (*default_headers, …) with `from corsheaders.defaults import default_headers` (the default includes authorization and content-type; a custom list that drops them breaks login and authenticated calls)"
            )
        }
        CorsError::InvalidAllowMethods | CorsError::InvalidAllowHeaders => {
            "the allow list must be comma-separated tokens (e.g. `accept, authorization, content-type`); fix the proxy or middleware that writes it".to_string()
        }
    }
}

pub fn redirect_hint(status: u16, location: &str, h: &HintCtx) -> String {
    let from = h.url;
    let Ok(to) = from.join(location) else {
        return format!("the preflight is redirected (HTTP {status}) to an invalid location '{location}': answer OPTIONS at this URL with 2xx");
    };
    let head = format!(
        "the preflight is redirected (HTTP {status} to {to}) and browsers never follow a preflight redirect: "
    );
    let fix = if from.scheme() == "http" && to.scheme() == "https" {
        "call the API over https:// in the frontend's API base URL (REACT_APP_API_BASE_URL); SECURE_SSL_REDIRECT or the proxy's HTTP→HTTPS redirect sends it there".to_string()
    } else if from.host_str() != to.host_str()
        || from.port_or_known_default() != to.port_or_known_default()
    {
        format!(
            "the proxy moves {} to {}; point the frontend's API base URL (REACT_APP_API_BASE_URL) at the final host, or drop that host redirect for the API",
            from.host_str().unwrap_or_default(),
            to.host_str().unwrap_or_default()
        )
    } else if slash_redirect(from.path(), to.path()) && !django_words(h) {
        format!(
            "{} redirects {} to {} (a trailing-slash rule: Starlette's redirect_slashes, Flask's strict_slashes, a proxy rewrite): call the path exactly as the route is written, in the frontend's API calls",
            slash_redirector(h),
            from.path(),
            to.path()
        )
    } else if to.path() == format!("{}/", from.path()) {
        format!(
            "Django's APPEND_SLASH answered it, so CommonMiddleware runs before CorsMiddleware: move 'corsheaders.middleware.CorsMiddleware' to the top of MIDDLEWARE, and call {} with its trailing slash as the routes are written",
            to.path()
        )
    } else {
        "call the final URL directly from the frontend (REACT_APP_API_BASE_URL)".to_string()
    };
    format!("{head}{fix}")
}

/// Whether two paths differ only by a trailing slash.
fn slash_redirect(from: &str, to: &str) -> bool {
    from.trim_end_matches('/') == to.trim_end_matches('/') && from != to
}

/// Whether the fix is said in Django's words.
fn django_words(h: &HintCtx) -> bool {
    matches!(vocab(h.stack, h.rec), Vocab::Django)
}

/// Who answers a slash redirect, as far as the stack shows.
fn slash_redirector(h: &HintCtx) -> String {
    match h.stack.backend() {
        Some(b) => b.name().to_string(),
        None => "the API".to_string(),
    }
}

/// The fix for a call blocked on a redirect.
pub fn chain_hint(block: &Block, chain: &Chain) -> String {
    let first = chain
        .hops
        .first()
        .map(|h| h.leg.url.to_string())
        .unwrap_or_default();
    let last = chain
        .hops
        .last()
        .map(|h| h.leg.url.to_string())
        .unwrap_or_default();
    let direct = format!(
        "call the final URL directly from the frontend (REACT_APP_API_BASE_URL, with the route's trailing slash as Django writes it) so {first} needs no redirect"
    );
    match block {
        Block::MixedContent(u) => format!(
            "the redirect sends the call to {u} over plain HTTP: make the API redirect to https:// (SECURE_PROXY_SSL_HEADER behind a TLS-terminating proxy, so Django builds https:// URLs), or {direct}"
        ),
        Block::TooManyRedirects => format!(
            "the redirects loop: {last} is never answered. Look for an HTTP↔HTTPS or slash/no-slash redirect pair between the proxy and the app (SECURE_SSL_REDIRECT without SECURE_PROXY_SSL_HEADER loops behind a TLS proxy)"
        ),
        Block::Cors(_) | Block::Preflight(_) if chain.hops.iter().any(|h| h.leg.tainted) => format!(
            "after the hop to another origin the browser sends Origin: null and drops Authorization, so {last} must allow the origin 'null' — which it must not do for an authenticated API: {direct}"
        ),
        _ => format!(
            "every hop must pass CORS, the redirects too ({last} failed): {direct}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DJANGO: std::sync::LazyLock<Stack> = std::sync::LazyLock::new(|| Stack {
        backend: Some(crate::stack::Seen {
            what: crate::stack::Backend::Django,
            by: "test".into(),
        }),
        proxies: vec![],
    });

    fn hctx<'a>(rec: &'a Recorded, url: &'a Url, preflight: bool, lh: bool) -> HintCtx<'a> {
        HintCtx {
            stack: &DJANGO,
            others: &[],
            origin: "https://tiktrue.com",
            url,
            rec,
            preflight,
            endpoint_row: Some("endpoints.login"),
            localhost_default: lh,
            include: true,
        }
    }

    #[test]
    fn hints_name_the_stack_and_the_cause() {
        let url = Url::parse("https://api.tiktrue.com/api/v1/auth/login/").unwrap();
        let missing = CorsError::MissingAllowOrigin { preflight: true };
        let django_refused = Recorded::new(
            200,
            &[
                ("vary", "origin"),
                ("access-control-allow-credentials", "true"),
                ("x-frame-options", "DENY"),
                ("cross-origin-opener-policy", "same-origin"),
            ],
        );
        let bare_django = Recorded::new(
            200,
            &[
                ("x-frame-options", "DENY"),
                ("cross-origin-opener-policy", "same-origin"),
            ],
        );
        let bad_gateway = Recorded::new(502, &[("server", "nginx")]);
        let table: Vec<(CorsError, Recorded, bool, bool, &[&str])> = vec![
            (
                missing.clone(),
                django_refused.clone(),
                true,
                true,
                &[
                    "CORS_ALLOWED_ORIGINS=https://tiktrue.com",
                    "environment variable is unset",
                    "localhost:3000",
                ],
            ),
            (
                missing.clone(),
                django_refused.clone(),
                true,
                false,
                &[
                    "add exactly 'https://tiktrue.com' to CORS_ALLOWED_ORIGINS",
                    "no trailing slash",
                ],
            ),
            (
                missing.clone(),
                bare_django,
                true,
                false,
                &[
                    "INSTALLED_APPS",
                    "corsheaders.middleware.CorsMiddleware",
                    "MIDDLEWARE",
                ],
            ),
            (
                CorsError::MissingAllowOrigin { preflight: false },
                bad_gateway,
                false,
                false,
                &[
                    "HTTP 502",
                    "nginx",
                    "endpoints.login",
                    "hiding the real status",
                ],
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: "a, a".into(),
                },
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-origin", "a"),
                        ("access-control-allow-origin", "a"),
                    ],
                ),
                true,
                false,
                &["2 times", "add_header", "Traefik"],
            ),
            (
                CorsError::WildcardOriginNotAllowed { preflight: true },
                Recorded::default(),
                true,
                false,
                &["CORS_ALLOW_CREDENTIALS = True", "withCredentials"],
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new(),
                },
                Recorded::default(),
                true,
                false,
                &[
                    "CORS_ALLOW_CREDENTIALS = True",
                    "no Access-Control-Allow-Credentials",
                ],
            ),
            (
                CorsError::AllowOriginMismatch {
                    preflight: true,
                    value: "https://tiktrue.com/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["trailing slash"],
            ),
            (
                CorsError::HeaderDisallowed {
                    header: "authorization".into(),
                },
                Recorded::new(200, &[("access-control-allow-headers", "*")]),
                true,
                false,
                &[
                    "never covers Authorization",
                    "CORS_ALLOW_HEADERS",
                    "default_headers",
                ],
            ),
            (
                CorsError::MethodDisallowed {
                    method: "PATCH".into(),
                },
                Recorded::default(),
                true,
                false,
                &["CORS_ALLOW_METHODS"],
            ),
            (
                CorsError::PreflightInvalidStatus { status: 401 },
                Recorded::default(),
                true,
                false,
                &["HTTP 401", "first in MIDDLEWARE"],
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 301,
                    location: "https://www.api.tiktrue.com/api/v1/auth/login/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["www.api.tiktrue.com", "REACT_APP_API_BASE_URL"],
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 301,
                    location: "/api/v1/auth/login/x/".into(),
                },
                Recorded::default(),
                true,
                false,
                &["final URL"],
            ),
        ];
        for (err, rec, pre, lh, want) in table {
            let got = hint(&err, &hctx(&rec, &url, pre, lh));
            for w in want {
                assert!(got.contains(w), "{err:?}: '{w}' not in: {got}");
            }
        }
        let no_slash = Url::parse("https://api.tiktrue.com/api/v1/auth/login").unwrap();
        let rec = Recorded::default();
        let got = hint(
            &CorsError::PreflightDisallowedRedirect {
                status: 301,
                location: "/api/v1/auth/login/".into(),
            },
            &hctx(&rec, &no_slash, true, false),
        );
        assert!(got.contains("APPEND_SLASH"), "{got}");
        assert!(got.contains("top of MIDDLEWARE"), "{got}");
        let http = Url::parse("http://api.tiktrue.com/api/v1/auth/login/").unwrap();
        let got = hint(
            &CorsError::PreflightDisallowedRedirect {
                status: 301,
                location: "https://api.tiktrue.com/api/v1/auth/login/".into(),
            },
            &hctx(&rec, &http, true, false),
        );
        assert!(got.contains("SECURE_SSL_REDIRECT"), "{got}");
    }

    #[test]
    fn fixes_are_worded_for_a_recognised_non_django_stack() {
        use crate::checks::cors::judge::sample_of;
        use crate::stack::fingerprint::recognise;
        let url = Url::parse("https://api.shop.test/orders").unwrap();
        let express = Recorded::new(
            204,
            &[
                ("x-powered-by", "Express"),
                ("access-control-allow-origin", "https://tiktrue.com"),
                ("vary", "Origin, Access-Control-Request-Headers"),
            ],
        );
        let stack = recognise("api.shop.test", &[sample_of(&express, b"", true)]);
        let creds = CorsError::InvalidAllowCredentials {
            preflight: true,
            value: String::new(),
        };
        let h = HintCtx {
            stack: &stack,
            ..hctx(&express, &url, true, false)
        };
        let got = hint(&creds, &h);
        assert!(got.contains("credentials: true to cors("), "{got}");
        assert!(got.contains("stack: Express"), "{got}");
        let starlette = Recorded::new(400, &[("server", "uvicorn"), ("vary", "Origin")]);
        let stack = recognise("api.shop.test", &[sample_of(&starlette, b"", true)]);
        let missing = CorsError::MissingAllowOrigin { preflight: true };
        let refused = Recorded::new(200, &[("server", "uvicorn"), ("vary", "Origin")]);
        let h = HintCtx {
            stack: &stack,
            ..hctx(&refused, &url, true, false)
        };
        let got = hint(&missing, &h);
        assert!(
            got.contains("CORSMiddleware, allow_origins=[\"https://tiktrue.com\"]"),
            "{got}"
        );
        // Nothing recognised: the exact header, never Django's settings.
        let plain = Recorded::new(200, &[("vary", "Origin")]);
        let none = recognise("api.shop.test", &[sample_of(&plain, b"", true)]);
        let h = HintCtx {
            stack: &none,
            ..hctx(&plain, &url, true, false)
        };
        let got = hint(&missing, &h);
        assert!(got.contains("Access-Control-Allow-Origin"), "{got}");
        assert!(!got.contains("CORS_ALLOWED_ORIGINS"), "{got}");
        // A trailing-slash redirect on a FastAPI app is not Django's APPEND_SLASH.
        let redirect = CorsError::PreflightDisallowedRedirect {
            status: 307,
            location: "/orders/".into(),
        };
        let moved = Recorded::new(307, &[("server", "uvicorn")]);
        let h = HintCtx {
            stack: &stack,
            ..hctx(&moved, &url, true, false)
        };
        let got = hint(&redirect, &h);
        assert!(
            got.contains("FastAPI/Starlette redirects /orders to /orders/"),
            "{got}"
        );
        assert!(!got.contains("APPEND_SLASH"), "{got}");
    }

    #[test]
    fn every_blocking_problem_gets_its_fix_in_the_stacks_words() {
        let url = Url::parse("https://api.shop.test/users/me").unwrap();
        let mut rec = Recorded::new(
            400,
            &[
                ("access-control-allow-origin", "https://tiktrue.com"),
                ("access-control-allow-headers", "Accept, Content-Type"),
                ("vary", "Origin"),
            ],
        );
        rec.body = "Disallowed CORS headers".into();
        let stack = Stack {
            backend: Some(crate::stack::Seen {
                what: crate::stack::Backend::Starlette,
                by: "FastAPI's JSON 404".into(),
            }),
            proxies: vec![],
        };
        let others = [
            CorsError::PreflightInvalidStatus { status: 400 },
            CorsError::HeaderDisallowed {
                header: "authorization".into(),
            },
        ];
        let h = HintCtx {
            stack: &stack,
            others: &others,
            ..hctx(&rec, &url, true, false)
        };
        let err = CorsError::InvalidAllowCredentials {
            preflight: true,
            value: String::new(),
        };
        let got = hint(&err, &h);
        assert!(got.contains("allow_credentials=True"), "{got}");
        assert!(
            got.contains("allow_headers in CORSMiddleware must include authorization"),
            "{got}"
        );
        assert_eq!(got.matches("allow_headers").count(), 1, "{got}");
        // The status first: the headers fix is said once.
        let h = HintCtx {
            others: &others[1..],
            ..h
        };
        let got = hint(&CorsError::PreflightInvalidStatus { status: 400 }, &h);
        assert!(
            got.contains("CORSMiddleware refused the preflight"),
            "{got}"
        );
        assert_eq!(
            got.matches("must include authorization").count(),
            1,
            "{got}"
        );
    }
}
