//! The words of section 8: titles, evidence and fixes, from what was seen and the typed verdict.

use super::judge::{LiveServer, TokenState, TokenTrouble, TokenUse, WsFault};
use crate::net::ws::Outcome;
use crate::stack::Backend;
use url::Url;

/// Where the socket's URL came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--websocket`.
    Given,
    /// The frontend bundle, at this file and byte.
    Bundle { at: String },
}

pub fn source(s: &Source) -> String {
    match s {
        Source::Given => "given with --websocket".into(),
        Source::Bundle { at } => format!("found in the bundle at {at}"),
    }
}

/// The three rows' titles when there is no socket to check.
pub const UNNAMED_TITLES: [&str; 3] = [
    "WebSocket upgrade",
    "WebSocket scheme",
    "WebSocket origin check",
];

/// Why there is nothing to check: no URL given and none found in these pages.
/// No frontend page to find the socket in.
pub const NO_ORIGIN: &str = "not checked: no frontend origin, so no page to find the WebSocket URL in; pass --origin https://<your frontend> (or --websocket wss://<host>/<path>)";

pub fn no_url(pages: &[String]) -> String {
    if pages.is_empty() {
        return "no WebSocket URL: none given with --websocket and no frontend page to discover one in".into();
    }
    format!(
        "no WebSocket URL: none given with --websocket and none found in the bundle of {}",
        pages.join(", ")
    )
}

pub fn scheme_title(url: &Url, origin: &str) -> String {
    format!("{url} is wss:// from {origin}")
}

pub fn upgrade_title(url: &Url, origin: &str) -> String {
    format!("upgrade to {url} from {origin}")
}

pub fn origin_check_title(url: &Url) -> String {
    format!("{url} refuses a foreign Origin")
}

/// The wss:// form of a WebSocket URL (same host, path and query; an explicit port kept).
pub fn as_wss(url: &Url) -> Url {
    let mut u = url.clone();
    let _ = u.set_scheme("wss");
    u
}

/// The scheme row: detail and hint.
pub fn scheme(url: &Url, source: &str, fault: Option<&WsFault>) -> (String, Option<String>) {
    match fault {
        Some(WsFault::InsecureScheme) => (
            format!("{url} ({source}) is plain ws:// and the page is HTTPS"),
            Some(format!(
                "browsers refuse ws:// from an HTTPS page: use {} (the same proxy on 443 forwards the upgrade), or build it from location: (location.protocol === 'https:' ? 'wss:' : 'ws:')",
                as_wss(url)
            )),
        ),
        Some(_) => (
            format!("{url} ({source}) is plain ws://, from an http:// page"),
            Some("the socket (and any token in it) travels in clear text: serve the page over HTTPS and the socket over wss://".into()),
        ),
        None => (format!("{url} ({source}) is encrypted (wss://)"), None),
    }
}

/// How an upgrade attempt ended, in a few words.
pub fn outcome(o: &Outcome) -> String {
    match o {
        Outcome::Open => "101 Switching Protocols".into(),
        Outcome::Refused { status, body } if body.is_empty() => format!("HTTP {status}"),
        Outcome::Refused { status, body } => format!("HTTP {status} ({body})"),
        Outcome::Net(e) => e.to_string(),
    }
}

fn trouble(t: &TokenTrouble) -> String {
    match t {
        TokenTrouble::NoCredentials => "no credentials to log in with: set CONNCHECK_USERNAME and CONNCHECK_PASSWORD so conncheck can send the token the app sends".into(),
        TokenTrouble::PlainHttp { url } => format!("not sending credentials to {url} over plain http"),
        TokenTrouble::LoginFailed { url, error } => format!("login at {url} failed: {error}"),
        TokenTrouble::LoginStatus { url, status } => format!("login at {url} answered HTTP {status}"),
        TokenTrouble::NoToken { path } => format!("no access token at '{path}' in the login answer"),
    }
}

/// What the evidence adds about the probe: the wss:// stand-in for a blocked ws:// URL, and
/// how the token went (the token itself never).
pub fn probe_note(url: &Url, probe: &Url, token: &TokenUse) -> String {
    let mut note = String::new();
    if probe != url {
        note =
            format!(" (tested as {probe}: the browser blocks {url} itself, see websocket.scheme)");
    }
    match token {
        TokenUse::Sent { param, from } => {
            note.push_str(&format!(" with ?{param}=<access token from {from}>"))
        }
        TokenUse::Missing { param, why } => {
            note.push_str(&format!(" without ?{param}= ({})", trouble(why)))
        }
        TokenUse::NotReproduced => note
            .push_str(" without credentials (conncheck sends a token only as a query parameter)"),
        TokenUse::None => {}
    }
    note
}

/// Where a server of the recognised stack checks a WebSocket handshake's Origin (`allowed`: the
/// origins to allow); the header itself when the stack is not known.
fn origin_setting(b: Option<Backend>, allowed: &str) -> String {
    match b {
        Some(Backend::Django) => "Django Channels: AllowedHostsOriginValidator follows ALLOWED_HOSTS, OriginValidator takes the list".into(),
        Some(Backend::Express | Backend::NextJs) => format!("Socket.IO: new Server(server, {{ cors: {{ origin: [{allowed}] }} }}); ws: verifyClient, or the 'upgrade' handler checking req.headers.origin"),
        Some(Backend::Starlette) => "check websocket.headers[\"origin\"] before websocket.accept(): CORSMiddleware does not cover WebSockets".into(),
        Some(Backend::Flask) => format!("Flask-SocketIO: SocketIO(app, cors_allowed_origins=[{allowed}])"),
        _ => "the WebSocket server's check of the upgrade request's Origin header".into(),
    }
}

/// What a non-101 answer to an upgrade means, as a fix in the server's words (`b`: the API's
/// framework, when the socket is served on the API's host).
pub fn refusal_hint(
    status: u16,
    path: &str,
    origin: &str,
    server: LiveServer,
    b: Option<Backend>,
) -> String {
    match (status, server) {
        (400 | 403, LiveServer::Plane) => format!(
            "Plane's live server refused the frontend's own origin {origin}: add it to ALLOWED_ORIGINS in .env.live (ALLOWED_ORIGINS={origin}; several origins comma-separated, exactly as the browser sends them: scheme, host and port, no trailing slash) and restart the live service"
        ),
        (status, _) => generic_refusal_hint(status, path, origin, b),
    }
}

fn generic_refusal_hint(status: u16, path: &str, origin: &str, b: Option<Backend>) -> String {
    match status {
        404 => format!(
            "the proxy has no route for {path} (or the live server is not mounted there): route {path} to the WebSocket service and pass the upgrade through (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\")"
        ),
        400 | 403 => format!(
            "the server refused the origin or the credentials: allow {origin} in its origin check ({}) and send the token the way the app does",
            origin_setting(b, &format!("'{origin}'"))
        ),
        401 => "the server wants authentication: the app must send its access token (e.g. ?token=…) when it opens the socket".into(),
        502..=504 => format!(
            "the proxy reached no WebSocket server behind {path}: start the live/WebSocket service and check the proxy's upstream address and port"
        ),
        200..=299 => "the request was answered as plain HTTP: the proxy dropped the Upgrade/Connection headers (nginx needs proxy_set_header Upgrade and Connection) or the SPA catch-all served index.html for this path".into(),
        301 | 302 | 307 | 308 => "the upgrade was redirected, and browsers do not follow redirects on a WebSocket handshake: use the final URL (scheme, host, trailing slash) in the app".into(),
        _ => format!("the server answered HTTP {status} instead of 101: check the WebSocket route and server logs"),
    }
}

/// The key the API signs its tokens with, in the server's words.
fn signing_key(server: LiveServer, b: Option<Backend>) -> &'static str {
    match (server, b) {
        (LiveServer::Plane, _) => {
            " (Plane: LIVE_SERVER_SECRET_KEY must equal the API's SECRET_KEY)"
        }
        (_, Some(Backend::Django)) => {
            " (simplejwt: SIMPLE_JWT['SIGNING_KEY'], SECRET_KEY by default)"
        }
        (_, Some(Backend::Express)) => {
            " (jsonwebtoken: the same secret in jwt.sign and jwt.verify)"
        }
        (_, Some(Backend::Flask)) => " (flask-jwt-extended: the same JWT_SECRET_KEY)",
        (_, Some(Backend::Starlette)) => " (PyJWT: the same key in jwt.encode and jwt.decode)",
        _ => "",
    }
}

/// The upgrade row's fix for a refusal (`b`: the API's framework, when the socket is served on
/// the API's host).
pub fn upgrade_hint(
    status: u16,
    token: &TokenUse,
    (path, origin): (&str, &str),
    server: LiveServer,
    b: Option<Backend>,
) -> String {
    match (token, token.state(), status) {
        (TokenUse::Missing { why, .. }, _, 401 | 403) => {
            format!("{}; {}", trouble(why), refusal_hint(status, path, origin, server, b))
        }
        (_, TokenState::Sent, 401) => format!("the server refused an access token the API issued seconds ago: it verifies tokens with another key. Give the WebSocket server the API's signing key{}", signing_key(server, b)),
        _ => refusal_hint(status, path, origin, server, b),
    }
}

/// The fix when the socket's server cannot be reached at all.
pub fn unreachable_hint(host: &str, port: u16) -> String {
    format!(
        "the browser cannot reach the WebSocket server: check that {host} resolves publicly, that its proxy listens on port {port} with a certificate for {host}, and that the live service is running"
    )
}

/// The origin-check row: detail and hint. `allowed`: the origins to allow; `b`: the API's
/// framework, when the socket is served on the API's host.
pub fn origin_check(
    evidence: String,
    fault: Option<&WsFault>,
    (own, foreign): (&Outcome, &Outcome),
    allowed: &str,
    b: Option<Backend>,
) -> (String, Option<String>) {
    match (fault, foreign, own) {
        (Some(WsFault::AnyOriginAccepted), _, _) => (
            evidence,
            Some(format!(
                "the server accepts a handshake from any site, so a page a logged-in user visits can open this socket with their cookies (cross-site WebSocket hijacking): check Origin and allow only {allowed} ({})",
                origin_setting(b, &quoted(allowed))
            )),
        ),
        (Some(_), _, _) => (
            format!("{evidence}: the upgrade fails for the frontend's own origin too, so this tells nothing (see websocket.upgrade)"),
            None,
        ),
        (None, Outcome::Refused { status, .. }, Outcome::Open) => (
            format!("{evidence}; the frontend's own origin got 101 ({status} means refused)"),
            None,
        ),
        (None, _, _) => (evidence, None),
    }
}

/// "a, b" → "'a', 'b'".
fn quoted(list: &str) -> String {
    list.split(", ")
        .map(|o| format!("'{o}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_their_likely_cause() {
        for (status, phrase) in [
            (404, "no route for /live/"),
            (403, "allow https://app.test"),
            (401, "token"),
            (502, "no WebSocket server"),
            (200, "Upgrade/Connection"),
            (301, "do not follow redirects"),
            (418, "HTTP 418"),
        ] {
            let h = refusal_hint(
                status,
                "/live/",
                "https://app.test",
                LiveServer::Other,
                None,
            );
            assert!(h.contains(phrase), "{status}: {h}");
        }
    }

    #[test]
    fn plane_refusing_an_origin_names_its_live_server_setting() {
        let h = refusal_hint(403, "/live", "https://plane.test", LiveServer::Plane, None);
        assert!(
            h.contains("ALLOWED_ORIGINS") && h.contains(".env.live"),
            "{h}"
        );
        assert!(!h.contains("Channels") && !h.contains("Socket.IO"), "{h}");
        // Other refusals of Plane's live server keep their own fixes.
        let h = refusal_hint(502, "/live", "https://plane.test", LiveServer::Plane, None);
        assert!(h.contains("no WebSocket server"), "{h}");
    }

    #[test]
    fn origin_checks_are_named_in_the_servers_words() {
        let refusal = |b| refusal_hint(403, "/ws/", "https://app.test", LiveServer::Other, b);
        assert!(refusal(Some(Backend::Django)).contains("AllowedHostsOriginValidator"));
        let express = refusal(Some(Backend::Express));
        assert!(express.contains("Socket.IO") && express.contains("'https://app.test'"));
        assert!(refusal(Some(Backend::Flask)).contains("cors_allowed_origins"));
        assert!(refusal(Some(Backend::Starlette)).contains("websocket.accept()"));
        for b in [
            None,
            Some(Backend::Express),
            Some(Backend::Starlette),
            Some(Backend::Flask),
        ] {
            for h in [
                refusal(b),
                upgrade_hint(
                    401,
                    &TokenUse::Sent {
                        param: "token".into(),
                        from: Url::parse("https://api.test/login").unwrap(),
                    },
                    ("/ws/", "https://app.test"),
                    LiveServer::Other,
                    b,
                ),
            ] {
                for w in ["Channels", "ALLOWED_HOSTS", "SIMPLE_JWT", " SECRET_KEY"] {
                    assert!(!h.contains(w), "{b:?}: {w} in {h}");
                }
            }
        }
    }
}
