//! The causes themselves: what each is, its usual fix, and the rows and fault keys that show
//! it. Part of the one table described in [`super::catalog`].

use super::catalog::{anywhere, rows, sign, Category, Cause, Sign};
use crate::engine::fault::NetFault;
use crate::engine::{Finding, Row};
use crate::net::http::{CertProblem, NetError};
use Row::*;

fn cert_is(f: &Finding, want: &[CertProblem]) -> bool {
    f.fault_as::<NetFault>()
        .is_some_and(|n| matches!(&n.error, NetError::TlsCert { kind, .. } if want.contains(kind)))
}

fn cert_untrusted(f: &Finding) -> bool {
    cert_is(f, &[CertProblem::UntrustedIssuer, CertProblem::Other])
}

fn cert_wrong_host(f: &Finding) -> bool {
    cert_is(f, &[CertProblem::WrongHost])
}

fn cert_dates(f: &Finding) -> bool {
    cert_is(f, &[CertProblem::Expired, CertProblem::NotYetValid])
}

const DNS_ROWS: &[Row] = &[DnsResolve, DnsPropagation, DnsReach];
const ENDPOINT_ROWS: &[Row] = &[Endpoint, EndpointsDebug, EndpointsExposure];
const JWT_ROWS: &[Row] = &[
    JwtLogin,
    JwtCsrf,
    JwtClaims,
    JwtAuthenticated,
    JwtRefresh,
    JwtRejectsForged,
    JwtWeakSecret,
];
const FRONTEND_ROWS: &[Row] = &[FrontendPage, FrontendMixedContent, FrontendBundle];

const CORS_ROWS: &[Row] = &[CorsPreflight, CorsActual];
/// The origin is not let in: the CORS layer answers without this origin, or no CORS at all.
const CORS_KEYS_ORIGIN: &[Sign] = &[sign(
    CORS_ROWS,
    &["cors.origin-not-allowed", "cors.allow-origin-missing"],
)];

/// Every row whose check makes a request, so can carry a network fault.
const REQUEST_ROWS: &[Row] = &[
    DnsReach,
    TlsHandshake,
    HttpsRedirect,
    HttpsHsts,
    HttpsHeaders,
    HttpsCookies,
    CorsPreflight,
    CorsActual,
    CorsSecurity,
    CorsCache,
    Endpoint,
    EndpointsDebug,
    EndpointsExposure,
    JwtLogin,
    JwtCsrf,
    JwtClaims,
    JwtAuthenticated,
    JwtRefresh,
    JwtRejectsForged,
    FrontendPage,
    FrontendMixedContent,
    FrontendBundle,
    WebsocketUpgrade,
    WebsocketOriginCheck,
];

/// Every cause `explain` knows.
pub static CAUSES: &[Cause] = &[
    Cause {
        id: "cors-origin-not-allowed",
        category: Category::Cors,
        title: "The frontend's origin is not allowed by the API's CORS settings",
        fix: "add the exact origin (scheme://host, no path, no trailing slash) to CORS_ALLOWED_ORIGINS in Django settings (django-cors-headers), and keep corsheaders.middleware.CorsMiddleware first in MIDDLEWARE",
        signs: CORS_KEYS_ORIGIN,
    },
    Cause {
        id: "cors-error-response",
        category: Category::Cors,
        title: "The API answered an error page without CORS headers (the proxy's 502/504, Django's 400/500)",
        fix: "fix the error itself (see the endpoint rows); the browser only reports the missing CORS header because error pages from the proxy or Django's handlers carry none",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &[
                    "endpoints.proxy-error",
                    "endpoints.server-error",
                    "endpoints.disallowed-host",
                    "endpoints.not-found",
                ],
            ),
            sign(&[CorsActual], &["cors.error-without-cors-headers"]),
        ],
    },
    Cause {
        id: "cors-preflight-redirect",
        category: Category::Cors,
        title: "The CORS preflight (OPTIONS) is redirected: a missing trailing slash (APPEND_SLASH), http→https, or www→apex",
        fix: "call the exact final URL from the frontend (https, trailing slash as in urls.py) so OPTIONS gets a 200 from django-cors-headers, not a 301",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.post-redirected", "endpoints.redirected"],
            ),
            sign(&[CorsPreflight], &["cors.preflight-redirected"]),
        ],
    },
    Cause {
        id: "cors-preflight-not-ok",
        category: Category::Cors,
        title: "The CORS preflight (OPTIONS) does not get a 2xx: the proxy, a WAF or an auth layer answers it",
        fix: "let OPTIONS reach Django unauthenticated (django-cors-headers answers it); in nginx/Traefik do not require auth or return 405 for OPTIONS",
        signs: &[sign(&[CorsPreflight], &["cors.preflight-status"])],
    },
    Cause {
        id: "cors-duplicate-origin",
        category: Category::Cors,
        title: "Access-Control-Allow-Origin is sent twice (the proxy adds one and django-cors-headers another)",
        fix: "set CORS in one place only: remove the add_header Access-Control-Allow-Origin from nginx (or the Traefik headers middleware) and keep django-cors-headers",
        signs: &[sign(CORS_ROWS, &["cors.allow-origin-duplicated", "cors.allow-origin-multiple"])],
    },
    Cause {
        id: "cors-wildcard-credentials",
        category: Category::Cors,
        title: "The API answers Access-Control-Allow-Origin: * to a request with credentials",
        fix: "replace CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOWED_ORIGINS = [your origins] and keep CORS_ALLOW_CREDENTIALS = True",
        signs: &[sign(CORS_ROWS, &["cors.wildcard-with-credentials"])],
    },
    Cause {
        id: "cors-credentials-not-allowed",
        category: Category::Cors,
        title: "The API does not send Access-Control-Allow-Credentials: true while the frontend sends cookies",
        fix: "set CORS_ALLOW_CREDENTIALS = True (or drop withCredentials / credentials: 'include' in the frontend if it needs no cookies)",
        signs: &[sign(CORS_ROWS, &["cors.allow-credentials-missing", "cors.allow-credentials-invalid"])],
    },
    Cause {
        id: "cors-header-not-allowed",
        category: Category::Cors,
        title: "A request header (Authorization, Content-Type, a custom X- header) is not in the preflight's Access-Control-Allow-Headers",
        fix: "add the header to CORS_ALLOW_HEADERS (start from corsheaders.defaults.default_headers: (*default_headers, \"x-my-header\"))",
        signs: &[sign(&[CorsPreflight], &["cors.allow-headers-missing", "cors.allow-headers-invalid"])],
    },
    Cause {
        id: "cors-method-not-allowed",
        category: Category::Cors,
        title: "The request method is not in the preflight's Access-Control-Allow-Methods",
        fix: "add the method to CORS_ALLOW_METHODS (django-cors-headers' default covers DELETE, GET, OPTIONS, PATCH, POST, PUT)",
        signs: &[sign(&[CorsPreflight], &["cors.allow-methods-missing", "cors.allow-methods-invalid"])],
    },
    Cause {
        id: "cors-origin-mismatch",
        category: Category::Cors,
        title: "Access-Control-Allow-Origin names a different origin than the page's (hard-coded by a proxy, or www vs apex)",
        fix: "let django-cors-headers echo the request's origin from CORS_ALLOWED_ORIGINS instead of a fixed value in nginx/Traefik; list both www and apex",
        signs: &[sign(CORS_ROWS, &["cors.allow-origin-mismatch", "cors.allow-origin-invalid"])],
    },
    Cause {
        id: "dns-not-resolved",
        category: Category::Dns,
        title: "The API host name does not resolve (no record, a typo, or not propagated yet)",
        fix: "create the record at your DNS provider (a CNAME to the platform's app host, or an A record), then wait out the old negative TTL",
        signs: &[
            sign(
                DNS_ROWS,
                &[
                    "dns.nxdomain",
                    "dns.no-address",
                    "dns.servfail",
                    "dns.rcode",
                    "dns.cname-chain",
                    "dns.bad-name",
                    "dns.not-allowed",
                    "dns.no-answer-anywhere",
                    "dns.no-server-answered",
                ],
            ),
            rows(&[DnsResolve]),
            sign(&[DnsResolve], &["net.dns"]),
            anywhere(REQUEST_ROWS, &["net.dns"], None),
        ],
    },
    Cause {
        id: "dns-stale-or-dead",
        category: Category::Dns,
        title: "The API host resolves to an old or dead address for some users (stale record, propagation, a second A record)",
        fix: "remove the stale A/AAAA record and lower the TTL before moving; check both nameservers serve the same serial",
        signs: &[
            sign(
                DNS_ROWS,
                &[
                    "dns.dead-address",
                    "dns.propagation-disagrees",
                    "dns.unexpected-address",
                    "dns.unexpected-cname",
                ],
            ),

            rows(&[DnsReach, DnsPropagation]),
            sign(&[DnsReach], &["net.connect-timeout"]),
        ],
    },
    Cause {
        id: "server-down",
        category: Category::Network,
        title: "Nothing accepts connections on the API's port (app stopped, crashed, wrong port behind the proxy)",
        fix: "start the app and check the platform's logs; make the proxy's upstream port match the port gunicorn/uvicorn listens on",
        signs: &[
            sign(
                DNS_ROWS,
                &["dns.nothing-listens"],
            ),

            rows(&[DnsReach]),
            anywhere(
                REQUEST_ROWS,
                &["net.connect-refused", "net.reset", "net.empty-response"],
                None,
            ),
        ],
    },
    Cause {
        id: "server-slow",
        category: Category::Timeout,
        title: "The API answers too slowly or not at all (an overloaded worker, a hung database, a firewall dropping packets)",
        fix: "look at the slow view and the database in the platform's logs; raise gunicorn's timeout/workers; open the port in the firewall",
        signs: &[
            sign(&[Endpoint], &["net.timeout", "run.deadline"]),
            anywhere(
                REQUEST_ROWS,
                &["net.timeout", "net.connect-timeout", "run.deadline"],
                None,
            ),
        ],
    },
    Cause {
        id: "proxy-timeout",
        category: Category::Proxy,
        title: "The proxy gave up waiting for the app (504 Gateway Time-out): a slow view or database call, or a proxy timeout shorter than the view needs",
        fix: "find the slow view in the app's logs (often a database query or an outgoing call); raise nginx proxy_read_timeout / Traefik's responding timeouts and gunicorn --timeout together",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.proxy-error"],
            ),
            rows(&[Endpoint]),
        ],
    },
    Cause {
        id: "app-down-behind-proxy",
        category: Category::Proxy,
        title: "The proxy is up but the app behind it is not (502 Bad Gateway / 503 / 504)",
        fix: "restart the app and check that the proxy's upstream (Traefik service port, nginx proxy_pass) points at the port the app listens on",
        signs: &[
            sign(
                &[Endpoint, EndpointsDebug, EndpointsExposure, WebsocketUpgrade],
                &[
                    "endpoints.proxy-error",
                    "endpoints.not-answering",
                    "endpoints.app-unavailable",
                    "websocket.no-upstream",
                ],
            ),
            rows(&[Endpoint, WebsocketUpgrade]),
        ],
    },
    Cause {
        id: "tls-untrusted",
        category: Category::Tls,
        title: "The certificate is not trusted: self-signed, or the intermediate certificate is missing from the chain",
        fix: "serve the full chain (fullchain.pem, not cert.pem) in nginx ssl_certificate, or let the platform issue the certificate for the custom domain",
        signs: &[
            rows(&[TlsChain]),
            sign(
                &[TlsHandshake, TlsChain],
                &[
                    "tls.self-signed",
                    "tls.untrusted-issuer",
                    "tls.missing-intermediate",
                    "tls.certificate-invalid",
                    "tls.no-certificate",
                    "tls.certificate-unparsable",
                ],
            ),
            anywhere(REQUEST_ROWS, &["net.tls-certificate"], Some(cert_untrusted)),
        ],
    },
    Cause {
        id: "tls-name-mismatch",
        category: Category::Tls,
        title: "The certificate does not cover the API host name",
        fix: "issue the certificate for this exact name (add api.<domain> to the platform's custom domains or certbot -d)",
        signs: &[
            rows(&[TlsHostname]),
            sign(
                &[TlsHostname],
                &["tls.name-mismatch", "tls.no-subject-alt-name"],
            ),
            anywhere(REQUEST_ROWS, &["net.tls-certificate"], Some(cert_wrong_host)),
        ],
    },
    Cause {
        id: "tls-expired",
        category: Category::Tls,
        title: "The certificate has expired (or is not valid yet)",
        fix: "renew it (certbot renew, or re-enable the platform's automatic certificate) and reload the proxy",
        signs: &[
            rows(&[TlsExpiry]),
            sign(
                &[TlsExpiry, TlsChain],
                &["tls.certificate-expired", "tls.certificate-not-yet-valid"],
            ),
            anywhere(REQUEST_ROWS, &["net.tls-certificate"], Some(cert_dates)),
        ],
    },
    Cause {
        id: "tls-not-tls",
        category: Category::Tls,
        title: "The HTTPS port does not speak TLS (plain HTTP on 443, or the platform's TLS is off for this domain)",
        fix: "enable HTTPS for the domain on the platform / add `listen 443 ssl` with the certificate in nginx",
        signs: &[
            rows(&[TlsHandshake]),
            sign(
                &[TlsHandshake],
                &["tls.plain-http-on-tls-port", "tls.handshake-failed"],
            ),
            anywhere(REQUEST_ROWS, &["net.tls-protocol"], None),
        ],
    },
    Cause {
        id: "mixed-content-api-url",
        category: Category::Frontend,
        title: "The https page calls the API (or loads a script) over http://: the build baked an http:// URL",
        fix: "set REACT_APP_API_BASE_URL / NEXT_PUBLIC_API_BASE_URL to https://… and rebuild the frontend (the value is fixed at build time)",
        signs: &[
            sign(
                &[WebsocketScheme],
                &["websocket.insecure-scheme"],
            ),

            rows(&[FrontendMixedContent, FrontendBundle, WebsocketScheme]),
            sign(
                FRONTEND_ROWS,
                &[
                "frontend.mixed-content-blocked",
                "frontend.mixed-form-action",
                "frontend.insecure-api-url",
                "frontend.insecure-websocket-url",
                "frontend.page-redirects-to-http",
            ],
            )],
    },
    Cause {
        id: "frontend-wrong-api",
        category: Category::Frontend,
        title: "The deployed frontend calls another API: a development build (localhost:8000) or one built for another host",
        fix: "set the API base URL (REACT_APP_API_BASE_URL / NEXT_PUBLIC_API_BASE_URL / VITE_API_URL) for production and rebuild; check runtime config (window.__ENV__) too",
        signs: &[
            rows(&[FrontendBundle]),
            sign(
                FRONTEND_ROWS,
                &[
                "frontend.local-address",
                "frontend.other-api-host",
                "frontend.api-not-in-bundle",
            ],
            )],
    },
    Cause {
        id: "frontend-stale-build",
        category: Category::Frontend,
        title: "The page references scripts that are not deployed (an old cached index.html, a half-finished deploy): the SPA fallback answers them with HTML",
        fix: "deploy index.html and its hashed bundles together, serve index.html with Cache-Control: no-cache, and let unknown /static/ paths 404 instead of falling back to index.html",
        signs: &[
            rows(&[FrontendPage]),
            sign(
                FRONTEND_ROWS,
                &[
                "frontend.script-missing",
                "frontend.script-is-html",
                "frontend.no-own-script",
                "frontend.page-not-found",
                "frontend.page-server-error",
                "frontend.page-status",
                "frontend.page-not-html",
                "frontend.page-not-loaded",
            ],
            )],
    },
    Cause {
        id: "redirect-loop",
        category: Category::Redirect,
        title: "An endless redirect: SECURE_SSL_REDIRECT behind a TLS-terminating proxy that Django cannot see",
        fix: "set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") and make the proxy send X-Forwarded-Proto",
        signs: &[
            sign(ENDPOINT_ROWS, &["endpoints.redirects-to-itself"]),
            sign(
                &[HttpsRedirect],
                &["https.redirect-loop"],
            ),

            rows(&[HttpsRedirect]),
            anywhere(REQUEST_ROWS, &["net.too-many-redirects"], None),
        ],
    },
    Cause {
        id: "disallowed-host",
        category: Category::Django,
        title: "Django rejects the Host header: the API host is not in ALLOWED_HOSTS (answers 400 Bad Request)",
        fix: "add the API host (e.g. api.tiktrue.com) to ALLOWED_HOSTS, and CSRF_TRUSTED_ORIGINS for https://frontend origins",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.disallowed-host"],
            ),
            rows(&[Endpoint]),
        ],
    },
    Cause {
        id: "csrf-failed",
        category: Category::Django,
        title: "Django's CSRF check rejects the request: the frontend's origin is not in CSRF_TRUSTED_ORIGINS (DRF SessionAuthentication)",
        fix: "add the https:// frontend origin to CSRF_TRUSTED_ORIGINS, or drop SessionAuthentication from DEFAULT_AUTHENTICATION_CLASSES for a token-only API",
        signs: &[sign(
            &[JwtLogin, JwtCsrf],
            &[
                "jwt.csrf-origin-untrusted",
                "jwt.csrf-token-missing",
                "jwt.login-csrf-refused",
            ],
        )],
    },
    Cause {
        id: "api-maintenance",
        category: Category::Server,
        title: "The API is in maintenance mode: it answers 503 with a maintenance page (and Retry-After) on purpose",
        fix: "wait until the maintenance window is over (Retry-After), or turn maintenance mode off: remove the maintenance flag or the proxy's `return 503`",
        signs: &[sign(
            &[Endpoint, EndpointsDebug, EndpointsExposure, EndpointsStatic],
            &["endpoints.maintenance"],
        )],
    },
    Cause {
        id: "auth-token-missing",
        category: Category::Token,
        title: "The request reaches the API without a valid token (not sent, wrong scheme, or SessionAuthentication answering 403 first)",
        fix: "send `Authorization: Bearer <access>` (check the axios interceptor and the token path the frontend stores); put JWTAuthentication first in DEFAULT_AUTHENTICATION_CLASSES so missing tokens get 401",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &[
                    "endpoints.403-not-401",
                    "endpoints.no-bearer-challenge",
                    "endpoints.wrong-status-with-token",
                ],
            ),

            rows(&[JwtAuthenticated, Endpoint]),
            sign(
                JWT_ROWS,
                &[
                "jwt.token-forbidden",
                "jwt.refused-not-401",
                "jwt.profile-call-failed",
                "jwt.profile-not-json",
                "jwt.opaque-token",
            ],
            )],
    },
    Cause {
        id: "jwt-invalid",
        category: Category::Token,
        title: "The API rejects its own tokens: expired access token not refreshed, a changed SECRET_KEY/SIGNING_KEY, or a blacklisted refresh token",
        fix: "refresh on 401 with the refresh token (POST the refresh endpoint) and keep SIMPLE_JWT's SIGNING_KEY the same on every instance",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.token-refused"],
            ),

            rows(&[JwtAuthenticated, JwtRefresh]),
            sign(
                JWT_ROWS,
                &[
                "jwt.fresh-token-refused",
                "jwt.refresh-token-refused",
                "jwt.refreshed-token-refused",
                "jwt.expired-on-arrival",
                "jwt.clock-skew",
                "jwt.no-refresh-token",
                "jwt.refresh-route-missing",
                "jwt.refresh-field-name",
                "jwt.refresh-failed",
                "jwt.refresh-no-access-token",
            ],
            )],
    },
    Cause {
        id: "login-failed",
        category: Category::Token,
        title: "The login itself fails: wrong credentials, a login route that moved, or a login view that crashes",
        fix: "check the account (simplejwt answers 401 \"No active account found with the given credentials\"), the login path in urls.py, and the field names the view expects (username/email, password)",
        signs: &[
            rows(&[JwtLogin]),
            sign(
                JWT_ROWS,
                &[
                "jwt.credentials-refused",
                "jwt.login-failed",
                "jwt.login-route-missing",
                "jwt.login-server-error",
                "jwt.login-not-json",
                "jwt.login-answered-html",
                "jwt.login-field-names",
                "jwt.login-redirected",
                "jwt.no-access-token",
            ],
            )],
    },
    Cause {
        id: "route-not-found",
        category: Category::Route,
        title: "The URL the frontend calls does not exist: a wrong API base path, a missing trailing slash, or a route not in urls.py",
        fix: "compare the frontend's base URL (…/api/v1) and path with urls.py; Django routes end with / (APPEND_SLASH redirects GET but breaks POST)",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &[
                    "endpoints.not-found",
                    "endpoints.html-not-json",
                    "endpoints.method-not-allowed",
                    "endpoints.post-redirected",
                ],
            ),
            rows(&[Endpoint]),
        ],
    },
    Cause {
        id: "database-down",
        category: Category::Database,
        title: "The API cannot use its database: the database is down or unreachable from the app, DATABASE_URL/credentials are wrong, or migrations were not run",
        fix: "check DATABASE_URL (or DB_HOST/DB_PORT/DB_USER/DB_PASSWORD) in the platform's environment, that the database service runs and is reachable from the app's network, then run `python manage.py migrate`",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.server-error", "endpoints.app-unavailable"],
            ),
            rows(&[Endpoint]),
        ],
    },
    Cause {
        id: "server-error",
        category: Category::Server,
        title: "The view crashes (500): a missing environment variable, a bug, a database that is down or unmigrated",
        fix: "read the traceback in the app's logs; check the environment variables the settings read and run `python manage.py migrate` on the platform",
        signs: &[
            sign(
                ENDPOINT_ROWS,
                &["endpoints.server-error", "endpoints.app-unavailable"],
            ),
            rows(&[Endpoint]),
        ],
    },
    Cause {
        id: "rate-limited",
        category: Category::RateLimit,
        title: "The API or its proxy throttles the client (429 Too Many Requests: nginx limit_req, DRF throttling, a login lockout)",
        fix: "honour Retry-After in the frontend, raise the limit (nginx limit_req burst, DRF DEFAULT_THROTTLE_RATES) or exempt the health and token-refresh routes",
        signs: &[
            sign(&[HttpsRedirect, HttpsHsts, HttpsHeaders, HttpsCookies], &["https.rate-limited"]),
            sign(
                ENDPOINT_ROWS,
                &["endpoints.rate-limited", "endpoints.login-locked-out"],
            ),
        ],
    },
    Cause {
        id: "websocket-failed",
        category: Category::WebSocket,
        title: "The WebSocket handshake fails: the proxy does not upgrade, the path is not routed to the live server, or the live server is down",
        fix: "route the path to the WebSocket server with Upgrade/Connection headers passed (Traefik does this; nginx needs proxy_set_header Upgrade $http_upgrade and Connection \"upgrade\"), and check the live server runs",
        signs: &[
            sign(
                &[WebsocketUpgrade],
                &[
                    "websocket.no-route",
                    "websocket.not-upgraded",
                    "websocket.redirected",
                    "websocket.refused",
                    "websocket.no-upstream",
                ],
            ),
            rows(&[WebsocketUpgrade, WebsocketScheme]),
        ],
    },
    Cause {
        id: "websocket-token-refused",
        category: Category::WebSocket,
        title: "The live server refuses the token: it verifies with another key than the API (LIVE_SERVER_SECRET_KEY ≠ SECRET_KEY), or the token expired",
        fix: "give the live server the API's signing key (Plane: LIVE_SERVER_SECRET_KEY in .env.live equal to SECRET_KEY in .env.api), and refresh the access token before opening the socket",
        signs: &[
            sign(
                &[WebsocketUpgrade],
                &["websocket.token-refused", "websocket.token-missing", "websocket.auth-required"],
            ),
            rows(&[WebsocketUpgrade]),
        ],
    },
    Cause {
        id: "websocket-origin-refused",
        category: Category::WebSocket,
        title: "The live server refuses the page's origin (Plane's ALLOWED_ORIGINS in .env.live, Channels' AllowedHostsOriginValidator)",
        fix: "add the frontend origin to the live server's allowed origins (Plane: ALLOWED_ORIGINS in .env.live; Channels: ALLOWED_HOSTS), then restart it",
        signs: &[
            sign(
                &[WebsocketUpgrade],
                &["websocket.origin-refused"],
            ),
            rows(&[WebsocketUpgrade, WebsocketOriginCheck]),
        ],
    },
    Cause {
        id: "cookie-blocked",
        category: Category::Cookie,
        title: "The browser drops or does not send the API's cookies: SameSite=None without Secure, or a cross-site frontend whose session/CSRF cookies are not SameSite=None",
        fix: "set SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True and, when the frontend is on another site, SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = \"None\"",
        signs: &[
            rows(&[HttpsCookies]),
            sign(
                &[HttpsCookies],
                &["https.cookie-samesite-none-insecure", "https.cookie-cross-site-not-none"],
            ),
        ],
    },
    Cause {
        id: "client-side",
        category: Category::Client,
        title: "Something on the user's machine blocks the request (an ad blocker, a privacy extension, a corporate proxy, a dropped network)",
        fix: "ask the user to retry in a private window with extensions off; if conncheck passes from here, the deployment is fine",
        signs: &[],
    },
];
