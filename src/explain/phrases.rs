//! Recognising what a customer pasted: fragments of axios' own errors (`Network Error`,
//! `timeout of …ms exceeded`, `Request failed with status code N`), Chrome's console lines (CORS
//! templates from Chromium's cors_error_string.cc, net error names from net_error_list.h, Mixed
//! Content, WebSocket handshake failures), Django/DRF/simplejwt log and body text, the proxies'
//! error pages (nginx, Traefik, Cloudflare) and the messages the seed documents quote.
//!
//! Text is normalised first ([`normalise`]): lower case, typographic and foreign quotes folded to
//! ASCII, whitespace collapsed, so partial, quoted and console-prefixed pastes all match.

/// One recognised kind of message.
#[derive(Debug)]
pub struct Pattern {
    /// Normalised fragments; any one matches.
    pub needles: &'static [&'static str],
    /// What the message means.
    pub means: &'static str,
    /// Cause ids, most likely first.
    pub causes: &'static [&'static str],
}

/// A category's fallback: when no pattern matched but the text speaks of this area.
#[derive(Debug)]
pub struct Fallback {
    pub words: &'static [&'static str],
    pub means: &'static str,
    pub causes: &'static [&'static str],
}

/// Lower case, quotes folded to ASCII (`‘’‚‛′` → `'`, `“”„‟«»″「」` → `"`), whitespace collapsed,
/// padded with one space each side so ` 403 ` matches a bare status.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{ff07}' | '`' => {
                '\''
            }
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{00ab}' | '\u{00bb}'
            | '\u{2033}' | '\u{300c}' | '\u{300d}' | '\u{300e}' | '\u{300f}' | '\u{ff02}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{00a0}' | '\u{200b}' | '\u{200e}' | '\u{200f}' => ' ',
            c => c,
        })
        .collect();
    format!(
        " {} ",
        folded
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    )
}

const NETWORK_ERROR: &[&str] = &[
    "cors-origin-not-allowed",
    "cors-error-response",
    "dns-not-resolved",
    "tls-untrusted",
    "mixed-content-api-url",
    "server-down",
    "cors-preflight-redirect",
    "client-side",
];

const CORS: &[&str] = &[
    "cors-origin-not-allowed",
    "cors-error-response",
    "cors-preflight-redirect",
    "cors-credentials-not-allowed",
    "cors-header-not-allowed",
    "cors-duplicate-origin",
];

/// Most specific first: the first matching pattern ranks its causes first.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        needles: &[
            "cors request external redirect not allowed","redirect is not allowed for a preflight request"],
        means: "the browser: the OPTIONS preflight got a redirect",
        causes: &["cors-preflight-redirect", "redirect-loop"],
    },
    Pattern {
        needles: &[
            "multiple cors header 'access-control-allow-origin' not allowed","contains multiple values"],
        means: "the browser: Access-Control-Allow-Origin appears more than once",
        causes: &["cors-duplicate-origin"],
    },
    Pattern {
        needles: &[
            "credential is not supported if the cors header 'access-control-allow-origin' is '*'","must not be the wildcard '*' when the request's credentials mode is 'include'"],
        means: "the browser: a wildcard origin answered a request with cookies",
        causes: &["cors-wildcard-credentials", "cors-origin-not-allowed"],
    },
    Pattern {
        needles: &["access-control-allow-credentials", "credentials flag is 'true'"],
        means: "the credentials header is missing or not 'true'",
        causes: &["cors-credentials-not-allowed"],
    },
    Pattern {
        needles: &[
            "in cors header 'access-control-allow-headers'","is not allowed by access-control-allow-headers"],
        means: "the browser: a request header was refused by the preflight",
        causes: &["cors-header-not-allowed"],
    },
    Pattern {
        needles: &[
            "did not find method in cors header","is not allowed by access-control-allow-methods"],
        means: "the browser: the method was refused by the preflight",
        causes: &["cors-method-not-allowed"],
    },
    Pattern {
        needles: &[
            "cors header 'access-control-allow-origin' does not match","that is not equal to the supplied origin"],
        means: "the browser: Access-Control-Allow-Origin names another origin",
        causes: &["cors-origin-mismatch", "cors-origin-not-allowed"],
    },
    Pattern {
        needles: &[
            "cors preflight response did not succeed",
            "preflight response is not successful","does not have http ok status"],
        means: "the browser: the preflight got a non-2xx status",
        causes: &[
            "cors-preflight-not-ok",
            "disallowed-host",
            "app-down-behind-proxy",
        ],
    },
    Pattern {
        needles: &[
            "cors header 'access-control-allow-origin' missing",
            "is not allowed by access-control-allow-origin","no 'access-control-allow-origin' header is present"],
        means: "the browser: the response carries no Access-Control-Allow-Origin",
        causes: &[
            "cors-origin-not-allowed",
            "cors-error-response",
            "disallowed-host",
            "app-down-behind-proxy",
        ],
    },
    Pattern {
        // Firefox's wording when no response came at all (DNS, TLS, refused), not a CORS refusal.
        needles: &["cors request did not succeed"],
        means: "Firefox got no response at all (it words a network failure as a CORS one)",
        causes: &[
            "dns-not-resolved",
            "tls-untrusted",
            "server-down",
            "cors-error-response",
            "client-side",
        ],
    },
    Pattern {
        needles: &[
            "blocked by cors policy",
            "cors policy",
            "cross-origin request blocked",
            "cors error",
            "access-control-allow-origin",
            "due to access control checks",
        ],
        means: "the browser blocked a cross-origin response",
        causes: CORS,
    },
    Pattern {
        needles: &["mixed content", "requested an insecure"],
        means: "an https page requested an http:// URL; the browser blocked it",
        causes: &["mixed-content-api-url"],
    },
    Pattern {
        needles: &["//localhost", "//127.0.0.1", "localhost:8000", "//0.0.0.0"],
        means: "the page calls a development address, which only exists on the developer's machine",
        causes: &["frontend-wrong-api", "mixed-content-api-url"],
    },
    Pattern {
        needles: &[
            "unexpected token '<'",
            "unexpected token <",
            "chunkloaderror",
            "loading chunk",
            "failed to fetch dynamically imported module",
            "strict mime type checking",
        ],
        means: "a script or JSON URL was answered with an HTML page (usually index.html)",
        causes: &["frontend-stale-build", "route-not-found", "frontend-wrong-api"],
    },
    Pattern {
        needles: &[
            "websocket authentication failed",
            "unexpected response code: 401",
            "websocket auth",
        ],
        means: "the WebSocket server refused the credentials the page sent",
        causes: &[
            "websocket-token-refused",
            "jwt-invalid",
            "websocket-failed",
        ],
    },
    Pattern {
        needles: &["unexpected response code: 403"],
        means: "the WebSocket server refused the upgrade (403): usually the page's origin",
        causes: &[
            "websocket-origin-refused",
            "websocket-token-refused",
            "websocket-failed",
        ],
    },
    Pattern {
        needles: &[
            "unexpected response code: 502",
            "unexpected response code: 503",
            "unexpected response code: 504",
        ],
        means: "the proxy answered the WebSocket upgrade with an error: the live server is not reachable",
        causes: &["app-down-behind-proxy", "websocket-failed"],
    },
    Pattern {
        needles: &[
            "websocket connection failed",
            "websocket connection to",
            "websocket is closed",
            "websocket error",
            "error during websocket handshake",
            "can't establish a connection to the server at ws",
            "websocket failed",
            "socket.io",
        ],
        means: "the WebSocket could not be opened",
        causes: &[
            "websocket-failed",
            "app-down-behind-proxy",
            "websocket-origin-refused",
            "websocket-token-refused",
            "mixed-content-api-url",
            "tls-untrusted",
            "dns-not-resolved",
        ],
    },
    Pattern {
        needles: &[
            "database connection failed",
            "could not connect to server",
            "connection to server at",
            "operationalerror",
            "is the server running on host",
            "database is unavailable",
            "database unavailable",
            "can't connect to mysql",
            "no such table",
            "relation \"",
            "too many connections",
            "database error",
        ],
        means: "the app cannot use its database",
        causes: &["database-down", "server-error", "app-down-behind-proxy"],
    },
    Pattern {
        needles: &[
            "err_name_not_resolved",
            "enotfound",
            "getaddrinfo",
            "dns_probe_finished_nxdomain",
            "server ip address could not be found",
        ],
        means: "the host name did not resolve",
        causes: &["dns-not-resolved", "dns-stale-or-dead"],
    },
    Pattern {
        needles: &["err_connection_refused", "econnrefused", "connection refused"],
        means: "the address resolved but nothing accepted the connection",
        causes: &["server-down", "dns-stale-or-dead"],
    },
    Pattern {
        needles: &[
            "504 gateway time-out",
            "504 gateway timeout",
            "gateway time-out",
            "gateway timeout",
            "status code 504",
            "status of 504",
            "error 524",
            "a timeout occurred",
            "upstream timed out",
        ],
        means: "a proxy (nginx, Traefik, Cloudflare) waited for the app and gave up",
        causes: &[
            "proxy-timeout",
            "server-slow",
            "database-down",
            "app-down-behind-proxy",
        ],
    },
    Pattern {
        needles: &[
            "error 521",
            "web server is down",
            "error 522",
            "error 523",
            "origin is unreachable",
        ],
        means: "Cloudflare could not reach the server behind it",
        causes: &["server-down", "app-down-behind-proxy", "dns-stale-or-dead"],
    },
    Pattern {
        needles: &["error 525", "ssl handshake failed", "error 526", "invalid ssl certificate"],
        means: "Cloudflare could not complete TLS with the server behind it",
        causes: &["tls-not-tls", "tls-untrusted", "tls-expired"],
    },
    Pattern {
        needles: &[
            "down for maintenance",
            "maintenance mode",
            "under maintenance",
            "scheduled maintenance",
            "be right back",
        ],
        means: "the API answers a maintenance page (503): it is switched off on purpose",
        causes: &["api-maintenance", "app-down-behind-proxy"],
    },
    Pattern {
        needles: &[
            "status code 502",
            "status code 503",
            "status of 502",
            "status of 503",
            "502 bad gateway",
            "bad gateway",
            "503 service",
            "service unavailable",
            "service temporarily unavailable",
            "no available server",
            "error 520",
            "upstream connect error",
            "connect() failed",
        ],
        means: "the proxy could not get an answer from the app",
        causes: &["app-down-behind-proxy", "server-down", "server-slow"],
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
            "err_connection_closed",
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
            "redirected you too many times",
        ],
        means: "the browser followed redirects in a circle",
        causes: &["redirect-loop"],
    },
    Pattern {
        needles: &[
            "err_blocked_by_client",
            "err_internet_disconnected",
            "err_network_changed",
            "err_proxy_connection_failed",
        ],
        means: "something on the user's side blocked or dropped the request",
        causes: &["client-side"],
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
            "csrf cookie not set",
        ],
        means: "Django's CSRF protection refused the request (403)",
        causes: &["csrf-failed", "cookie-blocked"],
    },
    Pattern {
        needles: &[
            "this set-cookie was blocked",
            "set-cookie was blocked",
            "cookie was blocked",
            "samesite=none",
            "samesite attribute",
            "third-party cookie",
            "csrf cookie not set",
        ],
        means: "the browser refused to store or send a cookie",
        causes: &["cookie-blocked", "csrf-failed"],
    },
    Pattern {
        needles: &[
            "no active account found",
            "invalid credentials",
            "unable to log in with provided credentials",
        ],
        means: "the login refused the username or password",
        causes: &["login-failed"],
    },
    Pattern {
        needles: &[
            "invalid token",
            "token invalid",
            "token is invalid",
            "token_not_valid",
            "given token not valid",
            "token is expired",
            "token has expired",
            "signature has expired",
            "expiredsignatureerror",
            "jwt expired",
            "jwt malformed",
            "invalid signature",
            "token is blacklisted",
        ],
        means: "the server refused the token (invalid, expired, or signed with another key)",
        causes: &["jwt-invalid", "auth-token-missing", "websocket-token-refused"],
    },
    Pattern {
        needles: &["authentication credentials were not provided"],
        means: "DRF saw no credentials",
        causes: &["auth-token-missing", "cors-header-not-allowed"],
    },
    Pattern {
        needles: &["status code 429", "status of 429", "too many requests", " 429 "],
        means: "the API or its proxy throttled the client (429)",
        causes: &["rate-limited"],
    },
    Pattern {
        needles: &[
            "status code 401",
            "status of 401",
            "401 (unauthorized)",
            " 401 ",
            "unauthorized",
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
        needles: &["status code 400", "status of 400", "400 (bad request)", "400 bad request"],
        means: "the API answered 400 Bad Request",
        causes: &["disallowed-host", "route-not-found"],
    },
    Pattern {
        needles: &[
            "status code 500",
            "status of 500",
            "internal server error",
            "server error (500)",
        ],
        means: "the view crashed (500)",
        causes: &["server-error", "database-down"],
    },
    Pattern {
        needles: &[
            "timeout of",
            "econnaborted",
            "connection timeout",
            "connection timed out",
            "request timeout",
            "timed out",
        ],
        means: "the client gave up waiting for the response",
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
            "err_network",
        ],
        means: "the browser gave the script no response at all; the console holds the real reason",
        causes: NETWORK_ERROR,
    },
];

/// When no pattern matched: the categories the text speaks of, in this order.
pub static FALLBACKS: &[Fallback] = &[
    Fallback {
        words: &[
            "database", " db ", "postgres", "mysql", "sqlite", "psycopg", "mongo",
        ],
        means: "it speaks of the database",
        causes: &["database-down", "server-error", "proxy-timeout"],
    },
    Fallback {
        words: &[
            "websocket",
            "web socket",
            "wss://",
            "ws://",
            "live server",
            "socket",
        ],
        means: "it speaks of the WebSocket",
        causes: &[
            "websocket-failed",
            "websocket-token-refused",
            "websocket-origin-refused",
            "app-down-behind-proxy",
        ],
    },
    Fallback {
        words: &[
            "token",
            "jwt",
            "auth",
            "login",
            "log in",
            "credential",
            "session",
            "logged out",
        ],
        means: "it speaks of logging in or tokens",
        causes: &[
            "jwt-invalid",
            "auth-token-missing",
            "login-failed",
            "csrf-failed",
        ],
    },
    Fallback {
        words: &[
            "timeout",
            "time-out",
            "timed out",
            "time out",
            "slow",
            "hang",
            "pending",
        ],
        means: "it speaks of waiting or timing out",
        causes: &[
            "server-slow",
            "proxy-timeout",
            "dns-stale-or-dead",
            "database-down",
        ],
    },
    Fallback {
        words: &[
            "proxy",
            "gateway",
            "nginx",
            "traefik",
            "cloudflare",
            "upstream",
            "502",
            "503",
            "504",
        ],
        means: "it speaks of the proxy in front of the app",
        causes: &["app-down-behind-proxy", "proxy-timeout", "server-down"],
    },
    Fallback {
        words: &["ssl", "tls", "certificate", "cert ", "https"],
        means: "it speaks of HTTPS or certificates",
        causes: &[
            "tls-untrusted",
            "tls-expired",
            "tls-name-mismatch",
            "tls-not-tls",
        ],
    },
    Fallback {
        words: &["dns", "resolve", "domain", "nxdomain"],
        means: "it speaks of the domain name",
        causes: &["dns-not-resolved", "dns-stale-or-dead"],
    },
    Fallback {
        words: &["cors", "origin", "preflight", "cross-site", "cross site"],
        means: "it speaks of CORS",
        causes: CORS,
    },
];

/// What nothing recognisable gets: the usual causes of a frontend that cannot reach its API.
pub static GENERIC: &[&str] = NETWORK_ERROR;

/// What the normalised text means and its causes, most likely first: every matching pattern
/// in table order; when none matches, the categories the text speaks of; when none, nothing.
pub fn recognise(normalised: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    fn add(
        means: &mut Vec<&'static str>,
        ids: &mut Vec<&'static str>,
        m: &'static str,
        causes: &'static [&'static str],
    ) {
        means.push(m);
        for c in causes {
            if !ids.contains(c) {
                ids.push(c);
            }
        }
    }
    let mut means = Vec::new();
    let mut ids: Vec<&'static str> = Vec::new();
    for p in PATTERNS {
        if p.needles.iter().any(|n| normalised.contains(n)) {
            add(&mut means, &mut ids, p.means, p.causes);
        }
    }
    if ids.is_empty() {
        for f in FALLBACKS {
            if f.words.iter().any(|w| normalised.contains(w)) {
                add(&mut means, &mut ids, f.means, f.causes);
            }
        }
    }
    (means, ids)
}
