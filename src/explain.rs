//! `conncheck explain "<text>"`: from what a user saw to the likely causes, ranked, and the
//! checks that confirm each. Pure and table-driven; the run against a TARGET lives in `app.rs`.
//!
//! The patterns are fragments of the messages people paste: axios' own errors (`Network Error`,
//! `timeout of …ms exceeded`, `Request failed with status code N`, from axios lib/core/AxiosError
//! and lib/adapters/xhr.js), Chrome's console lines (CORS templates from Chromium's
//! third_party/blink/renderer/platform/loader/cors/cors_error_string.cc, net error names from
//! net/base/net_error_list.h), Mixed Content warnings, and Django/DRF/simplejwt log and body text
//! (`DisallowedHost`, `Invalid HTTP_HOST header`, `CSRF Failed`, `token_not_valid`).

use crate::model::{Finding, Module, Report, Status};

/// One likely cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    pub id: &'static str,
    /// What is wrong, in one line.
    pub title: &'static str,
    /// The usual fix, in the stack's words.
    pub fix: &'static str,
    /// Row ids or id prefixes (a module name covers all its rows) whose failure confirms it.
    pub confirm: &'static [&'static str],
    /// Phrases one of which a confirming row's text must contain (case-insensitive); empty: any
    /// failing row under `confirm` will do.
    pub signals: &'static [&'static str],
}

impl Cause {
    /// The modules to run to test this cause.
    pub fn modules(&self) -> Vec<Module> {
        let mut v = Vec::new();
        for c in self.confirm {
            let name = c.split('.').next().unwrap_or("");
            if let Some(m) = module_named(name) {
                if !v.contains(&m) {
                    v.push(m);
                }
            }
        }
        v
    }

    /// Whether a finding confirms this cause.
    pub fn confirmed_by(&self, f: &Finding) -> bool {
        if !matches!(f.status, Status::Fail | Status::Error | Status::Warn) {
            return false;
        }
        let under = self
            .confirm
            .iter()
            .any(|c| f.id == *c || f.id.starts_with(&format!("{c}.")));
        if !under {
            return false;
        }
        if self.signals.is_empty() {
            return true;
        }
        let text = format!(
            "{}\n{}\n{}\n{}",
            f.title,
            f.detail,
            f.hint.as_deref().unwrap_or(""),
            f.browser_error.as_deref().unwrap_or("")
        )
        .to_lowercase();
        self.signals
            .iter()
            .any(|s| text.contains(&s.to_lowercase()))
    }
}

fn module_named(name: &str) -> Option<Module> {
    Module::from_name(name)
}

/// Every cause `explain` knows.
pub static CAUSES: &[Cause] = &[
    Cause {
        id: "cors-origin-not-allowed",
        title: "The frontend's origin is not allowed by the API's CORS settings",
        fix: "add the exact origin (scheme://host, no path, no trailing slash) to CORS_ALLOWED_ORIGINS in Django settings (django-cors-headers), and keep corsheaders.middleware.CorsMiddleware first in MIDDLEWARE",
        confirm: &["cors"],
        signals: &["access-control-allow-origin", "cors_allowed_origins", "not allowed", "origin"],
    },
    Cause {
        id: "cors-error-response",
        title: "The API answered an error page without CORS headers (the proxy's 502/504, Django's 400/500)",
        fix: "fix the error itself (see the endpoint rows); the browser only reports the missing CORS header because error pages from the proxy or Django's handlers carry none",
        confirm: &["endpoints", "cors"],
        signals: &["500", "502", "503", "504", "400", "server error", "bad gateway"],
    },
    Cause {
        id: "cors-preflight-redirect",
        title: "The CORS preflight (OPTIONS) is redirected: a missing trailing slash (APPEND_SLASH), http→https, or www→apex",
        fix: "call the exact final URL from the frontend (https, trailing slash as in urls.py) so OPTIONS gets a 200 from django-cors-headers, not a 301",
        confirm: &["cors", "endpoints", "https"],
        signals: &["redirect", "301", "302", "308", "append_slash"],
    },
    Cause {
        id: "cors-preflight-not-ok",
        title: "The CORS preflight (OPTIONS) does not get a 2xx: the proxy, a WAF or an auth layer answers it",
        fix: "let OPTIONS reach Django unauthenticated (django-cors-headers answers it); in nginx/Traefik do not require auth or return 405 for OPTIONS",
        confirm: &["cors"],
        signals: &["preflight", "options", "http ok", "405", "403", "401"],
    },
    Cause {
        id: "cors-duplicate-origin",
        title: "Access-Control-Allow-Origin is sent twice (the proxy adds one and django-cors-headers another)",
        fix: "set CORS in one place only: remove the add_header Access-Control-Allow-Origin from nginx (or the Traefik headers middleware) and keep django-cors-headers",
        confirm: &["cors"],
        signals: &["multiple values", "twice", "duplicate", "more than one"],
    },
    Cause {
        id: "cors-wildcard-credentials",
        title: "The API answers Access-Control-Allow-Origin: * to a request with credentials",
        fix: "replace CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOWED_ORIGINS = [your origins] and keep CORS_ALLOW_CREDENTIALS = True",
        confirm: &["cors"],
        signals: &["wildcard", "'*'", "\"*\"", " * "],
    },
    Cause {
        id: "cors-credentials-not-allowed",
        title: "The API does not send Access-Control-Allow-Credentials: true while the frontend sends cookies",
        fix: "set CORS_ALLOW_CREDENTIALS = True (or drop withCredentials / credentials: 'include' in the frontend if it needs no cookies)",
        confirm: &["cors"],
        signals: &["allow-credentials", "cors_allow_credentials"],
    },
    Cause {
        id: "cors-header-not-allowed",
        title: "A request header (Authorization, Content-Type, a custom X- header) is not in the preflight's Access-Control-Allow-Headers",
        fix: "add the header to CORS_ALLOW_HEADERS (start from corsheaders.defaults.default_headers: (*default_headers, \"x-my-header\"))",
        confirm: &["cors"],
        signals: &["allow-headers", "cors_allow_headers"],
    },
    Cause {
        id: "cors-method-not-allowed",
        title: "The request method is not in the preflight's Access-Control-Allow-Methods",
        fix: "add the method to CORS_ALLOW_METHODS (django-cors-headers' default covers DELETE, GET, OPTIONS, PATCH, POST, PUT)",
        confirm: &["cors"],
        signals: &["allow-methods", "cors_allow_methods"],
    },
    Cause {
        id: "cors-origin-mismatch",
        title: "Access-Control-Allow-Origin names a different origin than the page's (hard-coded by a proxy, or www vs apex)",
        fix: "let django-cors-headers echo the request's origin from CORS_ALLOWED_ORIGINS instead of a fixed value in nginx/Traefik; list both www and apex",
        confirm: &["cors"],
        signals: &["not equal", "different origin", "does not match", "mismatch"],
    },
    Cause {
        id: "dns-not-resolved",
        title: "The API host name does not resolve (no record, a typo, or not propagated yet)",
        fix: "create the record at your DNS provider (a CNAME to the platform's app host, or an A record), then wait out the old negative TTL",
        confirm: &["dns.resolve"],
        signals: &[],
    },
    Cause {
        id: "dns-stale-or-dead",
        title: "The API host resolves to an old or dead address for some users (stale record, propagation, a second A record)",
        fix: "remove the stale A/AAAA record and lower the TTL before moving; check both nameservers serve the same serial",
        confirm: &["dns.reach", "dns.propagation", "dns.resolve"],
        signals: &[],
    },
    Cause {
        id: "server-down",
        title: "Nothing accepts connections on the API's port (app stopped, crashed, wrong port behind the proxy)",
        fix: "start the app and check the platform's logs; make the proxy's upstream port match the port gunicorn/uvicorn listens on",
        confirm: &["dns.reach", "tls", "endpoints"],
        signals: &["refused", "reset", "502", "bad gateway", "closed"],
    },
    Cause {
        id: "server-slow",
        title: "The API answers too slowly or not at all (an overloaded worker, a hung database, a firewall dropping packets)",
        fix: "look at the slow view and the database in the platform's logs; raise gunicorn's timeout/workers; open the port in the firewall",
        confirm: &["dns.reach", "endpoints", "tls"],
        signals: &["timed out", "timeout", "504", "slow"],
    },
    Cause {
        id: "tls-untrusted",
        title: "The certificate is not trusted: self-signed, or the intermediate certificate is missing from the chain",
        fix: "serve the full chain (fullchain.pem, not cert.pem) in nginx ssl_certificate, or let the platform issue the certificate for the custom domain",
        confirm: &["tls"],
        signals: &["authority", "chain", "intermediate", "self-signed", "untrusted", "unknown issuer"],
    },
    Cause {
        id: "tls-name-mismatch",
        title: "The certificate does not cover the API host name",
        fix: "issue the certificate for this exact name (add api.<domain> to the platform's custom domains or certbot -d)",
        confirm: &["tls"],
        signals: &["common_name", "name", "san", "does not cover", "mismatch"],
    },
    Cause {
        id: "tls-expired",
        title: "The certificate has expired (or is not valid yet)",
        fix: "renew it (certbot renew, or re-enable the platform's automatic certificate) and reload the proxy",
        confirm: &["tls"],
        signals: &["expired", "date", "not valid"],
    },
    Cause {
        id: "tls-not-tls",
        title: "The HTTPS port does not speak TLS (plain HTTP on 443, or the platform's TLS is off for this domain)",
        fix: "enable HTTPS for the domain on the platform / add `listen 443 ssl` with the certificate in nginx",
        confirm: &["tls", "https"],
        signals: &["protocol", "not tls", "plain http", "ssl"],
    },
    Cause {
        id: "mixed-content-api-url",
        title: "The https page calls the API (or loads a script) over http://: the build baked an http:// URL",
        fix: "set REACT_APP_API_BASE_URL / NEXT_PUBLIC_API_BASE_URL to https://… and rebuild the frontend (the value is fixed at build time)",
        confirm: &["frontend", "https"],
        signals: &["http://", "mixed content", "insecure"],
    },
    Cause {
        id: "redirect-loop",
        title: "An endless redirect: SECURE_SSL_REDIRECT behind a TLS-terminating proxy that Django cannot see",
        fix: "set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") and make the proxy send X-Forwarded-Proto",
        confirm: &["https", "endpoints"],
        signals: &["redirect", "loop", "too many"],
    },
    Cause {
        id: "disallowed-host",
        title: "Django rejects the Host header: the API host is not in ALLOWED_HOSTS (answers 400 Bad Request)",
        fix: "add the API host (e.g. api.tiktrue.com) to ALLOWED_HOSTS, and CSRF_TRUSTED_ORIGINS for https://frontend origins",
        confirm: &["endpoints", "cors"],
        signals: &["400", "allowed_hosts", "bad request", "disallowedhost"],
    },
    Cause {
        id: "csrf-failed",
        title: "Django's CSRF check rejects the request: the frontend's origin is not in CSRF_TRUSTED_ORIGINS (DRF SessionAuthentication)",
        fix: "add the https:// frontend origin to CSRF_TRUSTED_ORIGINS, or drop SessionAuthentication from DEFAULT_AUTHENTICATION_CLASSES for a token-only API",
        confirm: &["endpoints", "jwt"],
        signals: &["csrf", "403"],
    },
    Cause {
        id: "auth-token-missing",
        title: "The request reaches the API without a valid token (not sent, wrong scheme, or SessionAuthentication answering 403 first)",
        fix: "send `Authorization: Bearer <access>` (check the axios interceptor and the token path the frontend stores); put JWTAuthentication first in DEFAULT_AUTHENTICATION_CLASSES so missing tokens get 401",
        confirm: &["jwt", "endpoints"],
        signals: &["401", "403", "not provided", "authorization", "token"],
    },
    Cause {
        id: "jwt-invalid",
        title: "The API rejects its own tokens: expired access token not refreshed, a changed SECRET_KEY/SIGNING_KEY, or a blacklisted refresh token",
        fix: "refresh on 401 with the refresh token (POST the refresh endpoint) and keep SIMPLE_JWT's SIGNING_KEY the same on every instance",
        confirm: &["jwt"],
        signals: &[],
    },
    Cause {
        id: "route-not-found",
        title: "The URL the frontend calls does not exist: a wrong API base path, a missing trailing slash, or a route not in urls.py",
        fix: "compare the frontend's base URL (…/api/v1) and path with urls.py; Django routes end with / (APPEND_SLASH redirects GET but breaks POST)",
        confirm: &["endpoints"],
        signals: &["404", "not found"],
    },
    Cause {
        id: "server-error",
        title: "The view crashes (500): a database that is down or unmigrated, a missing environment variable",
        fix: "read the traceback in the app's logs; check DATABASE_URL and run `python manage.py migrate` on the platform",
        confirm: &["endpoints"],
        signals: &["500", "server error", "database"],
    },
    Cause {
        id: "app-down-behind-proxy",
        title: "The proxy is up but the app behind it is not (502 Bad Gateway / 503 / 504)",
        fix: "restart the app and check that the proxy's upstream (Traefik service port, nginx proxy_pass) points at the port the app listens on",
        confirm: &["endpoints"],
        signals: &["502", "503", "504", "gateway", "unavailable"],
    },
    Cause {
        id: "websocket-failed",
        title: "The WebSocket handshake fails: the proxy does not upgrade, the origin is refused, or the token is rejected",
        fix: "route the path to the WebSocket server with Upgrade/Connection headers passed (Traefik does this; nginx needs proxy_set_header Upgrade $http_upgrade), allow the frontend origin, pass ?token=",
        confirm: &["websocket"],
        signals: &[],
    },
    Cause {
        id: "client-side",
        title: "Something on the user's machine blocks the request (an ad blocker, a privacy extension, a corporate proxy)",
        fix: "ask the user to retry in a private window with extensions off; if conncheck passes from here, the deployment is fine",
        confirm: &[],
        signals: &[],
    },
];

pub fn cause(id: &str) -> &'static Cause {
    CAUSES
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("unknown cause {id}"))
}

/// One recognised kind of message.
#[derive(Debug)]
pub struct Pattern {
    /// Lowercase fragments; any one matches.
    pub needles: &'static [&'static str],
    /// What the message means.
    pub means: &'static str,
    /// Cause ids, most likely first.
    pub causes: &'static [&'static str],
}

/// Most specific first: the first matching pattern ranks its causes first.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        needles: &["redirect is not allowed for a preflight request"],
        means: "Chrome: the OPTIONS preflight got a redirect",
        causes: &["cors-preflight-redirect", "redirect-loop"],
    },
    Pattern {
        needles: &["contains multiple values"],
        means: "Chrome: Access-Control-Allow-Origin appears more than once",
        causes: &["cors-duplicate-origin"],
    },
    Pattern {
        needles: &["must not be the wildcard '*' when the request's credentials mode is 'include'"],
        means: "Chrome: a wildcard origin answered a request with cookies",
        causes: &["cors-wildcard-credentials", "cors-origin-not-allowed"],
    },
    Pattern {
        needles: &["access-control-allow-credentials"],
        means: "Chrome: the credentials header is missing or not 'true'",
        causes: &["cors-credentials-not-allowed"],
    },
    Pattern {
        needles: &["is not allowed by access-control-allow-headers"],
        means: "Chrome: a request header was refused by the preflight",
        causes: &["cors-header-not-allowed"],
    },
    Pattern {
        needles: &["is not allowed by access-control-allow-methods"],
        means: "Chrome: the method was refused by the preflight",
        causes: &["cors-method-not-allowed"],
    },
    Pattern {
        needles: &["that is not equal to the supplied origin"],
        means: "Chrome: Access-Control-Allow-Origin names another origin",
        causes: &["cors-origin-mismatch", "cors-origin-not-allowed"],
    },
    Pattern {
        needles: &["does not have http ok status"],
        means: "Chrome: the preflight got a non-2xx status",
        causes: &[
            "cors-preflight-not-ok",
            "disallowed-host",
            "app-down-behind-proxy",
        ],
    },
    Pattern {
        needles: &["no 'access-control-allow-origin' header is present"],
        means: "Chrome: the response carries no Access-Control-Allow-Origin",
        causes: &[
            "cors-origin-not-allowed",
            "cors-error-response",
            "disallowed-host",
            "app-down-behind-proxy",
        ],
    },
    Pattern {
        needles: &[
            "blocked by cors policy",
            "cross-origin request blocked",
            "cors error",
        ],
        means: "the browser blocked a cross-origin response",
        causes: &[
            "cors-origin-not-allowed",
            "cors-error-response",
            "cors-preflight-redirect",
        ],
    },
    Pattern {
        needles: &["mixed content"],
        means: "an https page requested an http:// URL; the browser blocked it",
        causes: &["mixed-content-api-url"],
    },
    Pattern {
        needles: &[
            "err_name_not_resolved",
            "enotfound",
            "getaddrinfo",
            "dns_probe_finished_nxdomain",
        ],
        means: "the host name did not resolve",
        causes: &["dns-not-resolved", "dns-stale-or-dead"],
    },
    Pattern {
        needles: &["err_connection_refused", "econnrefused"],
        means: "the address resolved but nothing accepted the connection",
        causes: &["server-down", "dns-stale-or-dead"],
    },
    Pattern {
        needles: &[
            "err_connection_timed_out",
            "err_timed_out",
            "etimedout",
            "err_address_unreachable",
        ],
        means: "the connection or the response never came",
        causes: &["dns-stale-or-dead", "server-slow", "server-down"],
    },
    Pattern {
        needles: &[
            "err_connection_reset",
            "err_empty_response",
            "econnreset",
            "socket hang up",
        ],
        means: "the connection was dropped mid-request",
        causes: &["server-down", "tls-not-tls", "app-down-behind-proxy"],
    },
    Pattern {
        needles: &[
            "err_cert_authority_invalid",
            "unable to verify the first certificate",
            "self signed certificate",
            "self-signed certificate",
            "unable_to_get_issuer_cert",
        ],
        means: "the certificate chain is not trusted",
        causes: &["tls-untrusted"],
    },
    Pattern {
        needles: &[
            "err_cert_common_name_invalid",
            "hostname/ip does not match",
            "err_tls_cert_altname_invalid",
        ],
        means: "the certificate is for another name",
        causes: &["tls-name-mismatch"],
    },
    Pattern {
        needles: &[
            "err_cert_date_invalid",
            "certificate has expired",
            "cert_has_expired",
        ],
        means: "the certificate is expired or not yet valid",
        causes: &["tls-expired"],
    },
    Pattern {
        needles: &[
            "err_ssl_protocol_error",
            "err_ssl_version_or_cipher_mismatch",
            "wrong version number",
            "ssl routines",
        ],
        means: "the TLS handshake failed",
        causes: &["tls-not-tls", "tls-untrusted"],
    },
    Pattern {
        needles: &["err_cert_"],
        means: "the certificate was refused",
        causes: &["tls-untrusted", "tls-name-mismatch", "tls-expired"],
    },
    Pattern {
        needles: &[
            "err_too_many_redirects",
            "maximum number of redirects",
            "too many redirects",
        ],
        means: "the browser followed redirects in a circle",
        causes: &["redirect-loop"],
    },
    Pattern {
        needles: &["err_blocked_by_client"],
        means: "a browser extension blocked the request",
        causes: &["client-side"],
    },
    Pattern {
        needles: &[
            "websocket connection to",
            "websocket is closed",
            "websocket error",
        ],
        means: "the WebSocket could not be opened",
        causes: &["websocket-failed", "tls-untrusted", "dns-not-resolved"],
    },
    Pattern {
        needles: &[
            "disallowedhost",
            "invalid http_host header",
            "allowed_hosts",
        ],
        means: "Django refused the Host header (it answers 400 Bad Request without CORS headers)",
        causes: &["disallowed-host"],
    },
    Pattern {
        needles: &[
            "csrf failed",
            "csrf verification failed",
            "origin checking failed",
            "csrf token missing",
        ],
        means: "Django's CSRF protection refused the request (403)",
        causes: &["csrf-failed"],
    },
    Pattern {
        needles: &[
            "token_not_valid",
            "given token not valid",
            "token is invalid or expired",
            "token is blacklisted",
        ],
        means: "simplejwt refused the token",
        causes: &["jwt-invalid", "auth-token-missing"],
    },
    Pattern {
        needles: &["authentication credentials were not provided"],
        means: "DRF saw no credentials",
        causes: &["auth-token-missing", "cors-header-not-allowed"],
    },
    Pattern {
        needles: &[
            "status code 401",
            "status of 401",
            "401 (unauthorized)",
            " 401 ",
        ],
        means: "the API refused the credentials (401)",
        causes: &["jwt-invalid", "auth-token-missing"],
    },
    Pattern {
        needles: &[
            "status code 403",
            "status of 403",
            "403 (forbidden)",
            " 403 ",
        ],
        means: "the API (or a proxy in front of it) forbade the request (403)",
        causes: &["auth-token-missing", "csrf-failed", "cors-preflight-not-ok"],
    },
    Pattern {
        needles: &[
            "status code 404",
            "status of 404",
            "404 (not found)",
            " 404 ",
        ],
        means: "the URL does not exist on the API (404)",
        causes: &["route-not-found"],
    },
    Pattern {
        needles: &["status code 405", "status of 405", "method not allowed"],
        means: "the route exists but not for this method (405)",
        causes: &["route-not-found", "cors-preflight-redirect"],
    },
    Pattern {
        needles: &["status code 400", "status of 400", "400 (bad request)"],
        means: "the API answered 400 Bad Request",
        causes: &["disallowed-host", "route-not-found"],
    },
    Pattern {
        needles: &["status code 500", "status of 500", "internal server error"],
        means: "the view crashed (500)",
        causes: &["server-error"],
    },
    Pattern {
        needles: &[
            "status code 502",
            "status code 503",
            "status code 504",
            "status of 502",
            "status of 503",
            "status of 504",
            "bad gateway",
            "service unavailable",
            "gateway timeout",
        ],
        means: "the proxy could not get an answer from the app",
        causes: &["app-down-behind-proxy", "server-slow"],
    },
    Pattern {
        needles: &["timeout of", "econnaborted", "exceeded"],
        means: "axios gave up waiting for the response",
        causes: &["server-slow", "dns-stale-or-dead", "server-down"],
    },
    Pattern {
        // axios' catch-all: the browser gave it no response (CORS, DNS, TLS, refused, mixed content).
        needles: &[
            "network error",
            "failed to fetch",
            "networkerror when attempting to fetch",
            "load failed",
            "err_failed",
        ],
        means: "the browser gave the script no response at all; the console holds the real reason",
        causes: &[
            "cors-origin-not-allowed",
            "cors-error-response",
            "dns-not-resolved",
            "tls-untrusted",
            "mixed-content-api-url",
            "server-down",
            "cors-preflight-redirect",
            "client-side",
        ],
    },
];

/// What `explain` concluded from the text alone.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub input: String,
    /// What each matched pattern says the message means, in match order.
    pub means: Vec<&'static str>,
    /// Likely causes, most likely first.
    pub causes: Vec<&'static Cause>,
    /// Some pattern matched (false: the generic list for an unrecognised text).
    pub recognised: bool,
}

/// Mask credentials a pasted message may carry: JWTs (`eyJ….….…`), `Bearer` values, and the
/// values of `token=`, `access=`, `refresh=`, `password=` (a WebSocket URL with `?token=`, an
/// axios config dump). What support pastes ends up in tickets.
pub fn redact_pasted(text: &str) -> String {
    const PARAMS: [&str; 7] = [
        "token=",
        "access_token=",
        "refresh_token=",
        "access=",
        "refresh=",
        "password=",
        "bearer ",
    ];
    let is_tok = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c);
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        // A credential value after one of the parameter names.
        if let Some(p) = PARAMS.iter().find(|p| lower[i..].starts_with(*p)) {
            let at_word_start = i == 0
                || !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            if at_word_start {
                let start = i + p.len();
                let len = text[start..]
                    .find(|c: char| !is_tok(c) || c == '&')
                    .unwrap_or(text.len() - start);
                if len > 0 {
                    out.push_str(&text[i..start]);
                    out.push_str(&crate::redact::mask(&text[start..start + len]));
                    i = start + len;
                    continue;
                }
            }
        }
        // A bare JWT.
        if rest.starts_with("eyJ") {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                .unwrap_or(rest.len());
            if rest[..len].matches('.').count() == 2 && len > 20 {
                out.push_str(&crate::redact::mask(&rest[..len]));
                i += len;
                continue;
            }
        }
        let c = rest.chars().next().expect("not at the end");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Rank the causes of a pasted message. Unrecognised text gives every CORS/DNS/TLS cause of a
/// generic "Network Error", so support still has a list to work through.
pub fn explain(text: &str) -> Explanation {
    let lower = format!(
        " {} ",
        text.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut means = Vec::new();
    let mut ids: Vec<&'static str> = Vec::new();
    for p in PATTERNS {
        if p.needles.iter().any(|n| lower.contains(n)) {
            means.push(p.means);
            for c in p.causes {
                if !ids.contains(c) {
                    ids.push(c);
                }
            }
        }
    }
    let recognised = !ids.is_empty();
    if !recognised {
        let generic = PATTERNS.last().expect("the catch-all pattern");
        means.push("not a message conncheck recognises; these are the usual causes of a frontend that cannot reach its API");
        ids.extend(generic.causes.iter().copied());
    }
    Explanation {
        input: redact_pasted(text),
        means,
        causes: ids.into_iter().map(cause).collect(),
        recognised,
    }
}

impl Explanation {
    /// The modules that test these causes, in registry order, limited to registered modules.
    pub fn modules(&self) -> Vec<Module> {
        let wanted: Vec<Module> = self.causes.iter().flat_map(|c| c.modules()).collect();
        Module::ALL
            .into_iter()
            .filter(|m| wanted.contains(m))
            .collect()
    }
}

/// Which cause a run confirms.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// The most likely confirmed cause, the rows that show it, and the other confirmed ones.
    Confirmed {
        cause: &'static Cause,
        rows: Vec<Finding>,
        also: Vec<&'static Cause>,
        /// Shown by a failing row (false: only a warning shows it).
        certain: bool,
    },
    /// Rows failed, but none fits a listed cause.
    Other(Vec<Finding>),
    /// Everything ran passes: not reproducible from here.
    NotReproduced,
}

/// The cause a row's own browser error points at (the same table, read from the other side), when
/// that text is recognised.
fn row_cause(f: &Finding) -> Option<&'static Cause> {
    let b = f.browser_error.as_deref()?;
    let ex = explain(b);
    ex.recognised.then(|| ex.causes[0])
}

/// What a run says about one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// These rows show it.
    Shown(Vec<String>),
    /// Its checks ran and show nothing of it.
    NotSeen,
    /// None of its checks ran (not selected, or not built into this binary).
    NotChecked,
}

/// What `report` says about cause `c` (the same evidence rules as [`judge`]).
pub fn seen(c: &Cause, report: &Report) -> Seen {
    let rows: Vec<String> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error | Status::Warn))
        .filter(|f| match row_cause(f) {
            Some(rc) => rc.id == c.id,
            None => c.confirmed_by(f),
        })
        .map(|f| f.id.clone())
        .collect();
    if !rows.is_empty() {
        let mut rows = rows;
        rows.dedup();
        return Seen::Shown(rows);
    }
    let ran = c
        .modules()
        .iter()
        .any(|m| report.findings.iter().any(|f| f.module == *m));
    if ran {
        Seen::NotSeen
    } else {
        Seen::NotChecked
    }
}

/// Which cause the report shows. A row whose browser error maps to a cause is strong evidence
/// (a listed cause first, most likely first; then a cause the text did not suggest, such as the
/// exact CORS fault behind a "Network Error"); otherwise a failing row under a listed cause's
/// checks whose text carries one of its signals. Failures and errors beat warnings.
pub fn judge(ex: &Explanation, report: &Report) -> Verdict {
    for bad in [true, false] {
        let rows: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                if bad {
                    matches!(f.status, Status::Fail | Status::Error)
                } else {
                    f.status == Status::Warn
                }
            })
            .collect();
        // (cause, rows, tier): 0 strong listed, 1 strong unlisted, 2 weak listed.
        let mut found: Vec<(&'static Cause, Vec<Finding>, u8)> = Vec::new();
        let mut add = |c: &'static Cause, f: &Finding, tier: u8| match found
            .iter_mut()
            .find(|(fc, _, t)| fc.id == c.id && *t == tier)
        {
            Some((_, v, _)) => v.push(f.clone()),
            None => found.push((c, vec![f.clone()], tier)),
        };
        for c in &ex.causes {
            for f in &rows {
                if row_cause(f).is_some_and(|rc| rc.id == c.id) {
                    add(c, f, 0);
                }
            }
        }
        for f in &rows {
            if let Some(rc) = row_cause(f) {
                if !ex.causes.iter().any(|c| c.id == rc.id) {
                    add(rc, f, 1);
                }
            }
        }
        for c in &ex.causes {
            for f in &rows {
                if row_cause(f).is_none() && c.confirmed_by(f) {
                    add(c, f, 2);
                }
            }
        }
        // Stable: within a tier the order above (the text's ranking) holds.
        found.sort_by_key(|(_, _, tier)| *tier);
        let mut seen = Vec::new();
        found.retain(|(c, _, _)| {
            let first = !seen.contains(&c.id);
            seen.push(c.id);
            first
        });
        if !found.is_empty() {
            let (cause, rows, _) = found.remove(0);
            return Verdict::Confirmed {
                cause,
                rows,
                also: found.into_iter().map(|(c, _, _)| c).collect(),
                certain: bad,
            };
        }
    }
    let bad: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Error))
        .cloned()
        .collect();
    if bad.is_empty() {
        Verdict::NotReproduced
    } else {
        Verdict::Other(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_listed_input_maps_to_the_right_first_cause() {
        let cases: &[(&str, &str)] = &[
            ("Network Error", "cors-origin-not-allowed"),
            ("AxiosError: Network Error", "cors-origin-not-allowed"),
            ("timeout of 10000ms exceeded", "server-slow"),
            ("Request failed with status code 403", "auth-token-missing"),
            ("Request failed with status code 401", "jwt-invalid"),
            ("Request failed with status code 404", "route-not-found"),
            ("Request failed with status code 500", "server-error"),
            ("Request failed with status code 502", "app-down-behind-proxy"),
            (
                "Access to XMLHttpRequest at 'https://api.tiktrue.com/api/v1/auth/login/' from origin 'https://tiktrue.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
                "cors-origin-not-allowed",
            ),
            (
                "Access to XMLHttpRequest at 'https://api.tiktrue.com/api/v1/auth/login' from origin 'https://tiktrue.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
                "cors-preflight-redirect",
            ),
            (
                "has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple values 'https://tiktrue.com, https://tiktrue.com', but only one is allowed.",
                "cors-duplicate-origin",
            ),
            (
                "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
                "cors-wildcard-credentials",
            ),
            (
                "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.",
                "cors-credentials-not-allowed",
            ),
            (
                "has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
                "cors-header-not-allowed",
            ),
            (
                "has been blocked by CORS policy: Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response.",
                "cors-method-not-allowed",
            ),
            (
                "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
                "cors-preflight-not-ok",
            ),
            (
                "The 'Access-Control-Allow-Origin' header has a value 'https://www.tiktrue.com' that is not equal to the supplied origin.",
                "cors-origin-mismatch",
            ),
            ("GET https://api.tiktrue.com/api/v1/health/ net::ERR_NAME_NOT_RESOLVED", "dns-not-resolved"),
            ("POST https://api.tiktrue.com/api/v1/auth/login/ net::ERR_SSL_PROTOCOL_ERROR", "tls-not-tls"),
            ("net::ERR_CERT_AUTHORITY_INVALID", "tls-untrusted"),
            ("net::ERR_CERT_COMMON_NAME_INVALID", "tls-name-mismatch"),
            ("net::ERR_CERT_DATE_INVALID", "tls-expired"),
            ("net::ERR_CONNECTION_REFUSED", "server-down"),
            ("net::ERR_CONNECTION_TIMED_OUT", "dns-stale-or-dead"),
            ("net::ERR_TOO_MANY_REDIRECTS", "redirect-loop"),
            ("net::ERR_BLOCKED_BY_CLIENT", "client-side"),
            (
                "Mixed Content: The page at 'https://tiktrue.com/' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint 'http://api.tiktrue.com/api/v1/auth/login/'. This request has been blocked; the content must be served over HTTPS.",
                "mixed-content-api-url",
            ),
            (
                "django.core.exceptions.DisallowedHost: Invalid HTTP_HOST header: 'api.tiktrue.com'. You may need to add 'api.tiktrue.com' to ALLOWED_HOSTS.",
                "disallowed-host",
            ),
            ("Invalid HTTP_HOST header: 'api.tiktrue.com'", "disallowed-host"),
            ("Forbidden (Origin checking failed - https://tiktrue.com does not match any trusted origins.)", "csrf-failed"),
            ("{\"detail\":\"CSRF Failed: CSRF token missing.\"}", "csrf-failed"),
            ("{\"detail\":\"Given token not valid for any token type\",\"code\":\"token_not_valid\"}", "jwt-invalid"),
            ("WebSocket connection to 'wss://plane.mohdop.com/live?token=x' failed:", "websocket-failed"),
            ("something nobody has seen", "cors-origin-not-allowed"),
        ];
        for (input, want) in cases {
            let ex = explain(input);
            assert_eq!(ex.causes[0].id, *want, "input: {input}");
            assert!(!ex.means.is_empty());
        }
    }

    #[test]
    fn network_error_lists_the_browser_level_causes() {
        let ids: Vec<&str> = explain("Network Error")
            .causes
            .iter()
            .map(|c| c.id)
            .collect();
        for want in [
            "dns-not-resolved",
            "tls-untrusted",
            "mixed-content-api-url",
            "server-down",
        ] {
            assert!(ids.contains(&want), "{ids:?}");
        }
    }

    #[test]
    fn every_pattern_cause_exists_and_names_real_modules() {
        for p in PATTERNS {
            for c in p.causes {
                let c = cause(c);
                for id in c.confirm {
                    assert!(
                        module_named(id.split('.').next().unwrap()).is_some(),
                        "{id}"
                    );
                }
            }
        }
        let mut ids: Vec<&str> = CAUSES.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CAUSES.len(), "cause ids are unique");
    }

    #[test]
    fn pasted_credentials_are_masked() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlc2lnbmF0dXJl";
        for (input, gone, kept) in [
            (
                format!("WebSocket connection to 'wss://plane.mohdop.com/live?token={jwt}&doc=7' failed:"),
                jwt.to_string(),
                "&doc=7' failed:",
            ),
            (
                format!("Authorization: Bearer {jwt}"),
                jwt.to_string(),
                "Authorization: Bearer ",
            ),
            (format!("token {jwt} rejected"), jwt.to_string(), " rejected"),
            (
                "POST /login?password=hunter2secret&x=1".to_string(),
                "hunter2secret".to_string(),
                "&x=1",
            ),
        ] {
            let out = redact_pasted(&input);
            assert!(!out.contains(&gone), "{out}");
            assert!(out.contains(kept) && out.contains("redacted"), "{out}");
            assert_eq!(explain(&input).input, out);
        }
        // Plain text is untouched.
        let plain = "Network Error — timeout of 10000ms exceeded";
        assert_eq!(redact_pasted(plain), plain);
    }

    #[test]
    fn seen_says_shown_not_seen_or_not_checked() {
        let report = Report {
            metrics: Vec::new(),
            target: "t".into(),
            origins: vec![],
            origins_inferred: false,
            findings: vec![
                Finding::new(Module::Dns, "resolve", "api.x.test resolves")
                    .fail()
                    .browser_error("net::ERR_NAME_NOT_RESOLVED"),
                Finding::new(Module::Dns, "reach", "api.x.test reachable").skip(),
            ],
            duration_ms: 0,
        };
        assert_eq!(
            seen(cause("dns-not-resolved"), &report),
            Seen::Shown(vec!["dns.resolve".into()])
        );
        // dns ran, but its one failing row belongs to another cause.
        assert_eq!(seen(cause("dns-stale-or-dead"), &report), Seen::NotSeen);
        assert_eq!(seen(cause("tls-untrusted"), &report), Seen::NotChecked);
    }

    #[test]
    fn judge_picks_the_highest_ranked_confirmed_cause() {
        let ex = explain("Network Error");
        let report = |fs: Vec<Finding>| Report {
            metrics: Vec::new(),
            target: "t".into(),
            origins: vec![],
            origins_inferred: false,
            findings: fs,
            duration_ms: 0,
        };
        let nx = Finding::new(Module::Dns, "resolve", "api.x.test resolves")
            .fail()
            .detail("NXDOMAIN")
            .browser_error("net::ERR_NAME_NOT_RESOLVED");
        match judge(&ex, &report(vec![nx.clone()])) {
            Verdict::Confirmed { cause, rows, .. } => {
                assert_eq!(cause.id, "dns-not-resolved");
                assert_eq!(rows[0].id, "dns.resolve");
            }
            v => panic!("{v:?}"),
        }
        let ok = Finding::new(Module::Dns, "resolve", "ok");
        assert!(matches!(
            judge(&ex, &report(vec![ok])),
            Verdict::NotReproduced
        ));
        // A row without a browser error is weaker evidence than one with a recognised error.
        let cors_weak = Finding::new(Module::Cors, "preflight", "preflight")
            .fail()
            .detail("no Access-Control-Allow-Origin in the answer; add it to CORS_ALLOWED_ORIGINS");
        match judge(&ex, &report(vec![nx.clone(), cors_weak])) {
            Verdict::Confirmed { cause, also, .. } => {
                assert_eq!(cause.id, "dns-not-resolved");
                assert!(also.iter().any(|c| c.id == "cors-origin-not-allowed"));
            }
            v => panic!("{v:?}"),
        }
        let cors = Finding::new(Module::Cors, "preflight", "preflight")
            .fail()
            .detail("no Access-Control-Allow-Origin in the answer")
            .browser_error("Access to XMLHttpRequest at 'https://api.x.test/api/v1/auth/login/' from origin 'https://x.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.");
        match judge(&ex, &report(vec![nx, cors])) {
            Verdict::Confirmed { cause, also, .. } => {
                assert_eq!(cause.id, "cors-origin-not-allowed");
                assert!(also.iter().any(|c| c.id == "dns-not-resolved"));
            }
            v => panic!("{v:?}"),
        }
        // The row's own browser error decides between CORS causes that share words.
        let wildcard = Finding::new(Module::Cors, "preflight", "preflight")
            .fail()
            .detail("Access-Control-Allow-Origin: * with credentials")
            .hint("replace CORS_ALLOW_ALL_ORIGINS with CORS_ALLOWED_ORIGINS")
            .browser_error("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.");
        match judge(&ex, &report(vec![wildcard])) {
            Verdict::Confirmed { cause, .. } => {
                assert_eq!(cause.id, "cors-wildcard-credentials")
            }
            v => panic!("{v:?}"),
        }
        // Only a warning: a likely cause, not a certain one.
        let dead = Finding::new(Module::Dns, "reach", "api.x.test reachable")
            .warn()
            .detail("127.0.0.4: connection refused");
        match judge(
            &explain("net::ERR_CONNECTION_TIMED_OUT"),
            &report(vec![dead]),
        ) {
            Verdict::Confirmed { cause, certain, .. } => {
                assert_eq!(cause.id, "dns-stale-or-dead");
                assert!(!certain);
            }
            v => panic!("{v:?}"),
        }
        // A failing row that fits none of the causes.
        let ex = explain("net::ERR_CERT_DATE_INVALID");
        let other = Finding::new(Module::Jwt, "login", "login")
            .fail()
            .detail("wrong password");
        assert!(matches!(
            judge(&ex, &report(vec![other])),
            Verdict::Other(_)
        ));
    }
}
