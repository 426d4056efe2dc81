//! Pure verdicts of section 8: the socket's scheme, the handshakes' outcomes and the token the
//! app sends → a status and, when not a pass, a typed [`WsFault`]. No I/O, no prose.

use crate::engine::{FaultKind, Row, Status};
use crate::net::ws::Outcome;
use url::Url;

/// What went wrong on a WebSocket row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsFault {
    /// `ws://` from an HTTPS page: the browser blocks it as mixed content.
    InsecureScheme,
    /// `ws://` from an `http://` page: it works, in clear text.
    Unencrypted,
    /// The server answered HTTP instead of switching protocols.
    Refused { status: u16, token: TokenState },
    /// The server opens the socket for any Origin (cross-site WebSocket hijacking).
    AnyOriginAccepted,
    /// The foreign-origin test tells nothing: the app's own origin fails too.
    OwnOriginFailed,
}

/// Whether the token the app sends went with the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// The app sends none (or conncheck cannot reproduce how it sends it).
    NotSent,
    /// Sent, fresh from the login.
    Sent,
    /// The app sends one, but conncheck could not get one.
    Missing,
}

impl FaultKind for WsFault {
    fn key(&self) -> &'static str {
        match self {
            WsFault::InsecureScheme => "websocket.insecure-scheme",
            WsFault::Unencrypted => "websocket.unencrypted",
            WsFault::Refused { status, token } => refused_key(*status, *token),
            WsFault::AnyOriginAccepted => "websocket.any-origin",
            WsFault::OwnOriginFailed => "websocket.origin-check-undecided",
        }
    }

    fn depends_on(&self) -> Option<Row> {
        match self {
            WsFault::OwnOriginFailed => Some(Row::WebsocketUpgrade),
            _ => None,
        }
    }
}

fn refused_key(status: u16, token: TokenState) -> &'static str {
    match (status, token) {
        (401 | 403, TokenState::Missing) => "websocket.token-missing",
        (401, TokenState::Sent) => "websocket.token-refused",
        (401, _) => "websocket.auth-required",
        (400 | 403, _) => "websocket.origin-refused",
        (404, _) => "websocket.no-route",
        (502..=504, _) => "websocket.no-upstream",
        (200..=299, _) => "websocket.not-upgraded",
        (301 | 302 | 307 | 308, _) => "websocket.redirected",
        _ => "websocket.refused",
    }
}

/// Why no token could be had for a socket that wants one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenTrouble {
    NoCredentials,
    PlainHttp { url: Url },
    LoginFailed { url: Url, error: String },
    LoginStatus { url: Url, status: u16 },
    NoToken { path: String },
}

/// How the app's token goes with the handshake conncheck makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenUse {
    /// The app sends no token.
    None,
    /// Sent as `?{param}=`, from the login at `from`.
    Sent { param: String, from: Url },
    /// The app sends one as `?{param}=`, but none could be had.
    Missing { param: String, why: TokenTrouble },
    /// The app sends it in a way conncheck does not reproduce (subprotocol, cookie).
    NotReproduced,
}

impl TokenUse {
    pub fn state(&self) -> TokenState {
        match self {
            TokenUse::Sent { .. } => TokenState::Sent,
            TokenUse::Missing { .. } => TokenState::Missing,
            TokenUse::None | TokenUse::NotReproduced => TokenState::NotSent,
        }
    }
}

/// A row's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub fault: Option<WsFault>,
}

impl Verdict {
    fn new(status: Status, fault: Option<WsFault>) -> Verdict {
        Verdict { status, fault }
    }
}

/// `websocket.scheme`: wss://, or ws:// from an HTTPS page (blocked) or an http page (clear).
pub fn scheme(url: &Url, page_https: bool) -> Verdict {
    match (url.scheme() == "ws", page_https) {
        (false, _) => Verdict::new(Status::Pass, None),
        (true, true) => Verdict::new(Status::Fail, Some(WsFault::InsecureScheme)),
        (true, false) => Verdict::new(Status::Warn, Some(WsFault::Unencrypted)),
    }
}

/// Which server is behind the socket, as far as its configured URL shows. Decides whose
/// settings a refusal's fix names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveServer {
    /// Plane's live server (`apps/live`), which Plane mounts at `/live`: its origin check is
    /// `ALLOWED_ORIGINS` in `.env.live`.
    Plane,
    /// Anything else (Django Channels, Socket.IO, ws).
    Other,
}

impl LiveServer {
    pub fn of(url: &Url) -> LiveServer {
        if url.path().trim_end_matches('/') == "/live" {
            LiveServer::Plane
        } else {
            LiveServer::Other
        }
    }
}

/// `websocket.upgrade` for a handshake the server answered (`None` for a network failure,
/// which the engine's network fault covers).
pub fn upgrade(own: &Outcome, token: &TokenUse) -> Option<Verdict> {
    match own {
        Outcome::Open => Some(Verdict::new(Status::Pass, None)),
        Outcome::Refused { status, .. } => Some(Verdict::new(
            Status::Fail,
            Some(WsFault::Refused {
                status: *status,
                token: token.state(),
            }),
        )),
        Outcome::Net(_) => None,
    }
}

/// `websocket.origin-check`: a foreign Origin must be refused, which means something only
/// when the app's own origin gets through.
pub fn origin_check(foreign: &Outcome, own: &Outcome) -> Verdict {
    match (foreign, own) {
        (Outcome::Open, _) => Verdict::new(Status::Warn, Some(WsFault::AnyOriginAccepted)),
        (Outcome::Refused { .. }, Outcome::Open) => Verdict::new(Status::Pass, None),
        (
            Outcome::Refused {
                status: 400 | 401 | 403,
                ..
            },
            _,
        ) => Verdict::new(Status::Pass, None),
        _ => Verdict::new(Status::Skip, Some(WsFault::OwnOriginFailed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::http::NetError;

    fn refused(status: u16) -> Outcome {
        Outcome::Refused {
            status,
            body: String::new(),
        }
    }

    #[test]
    fn schemes() {
        let ws = Url::parse("ws://app.test/live").unwrap();
        let wss = Url::parse("wss://app.test/live").unwrap();
        assert_eq!(scheme(&wss, true).status, Status::Pass);
        assert_eq!(scheme(&ws, true).fault, Some(WsFault::InsecureScheme));
        assert_eq!(scheme(&ws, false).status, Status::Warn);
    }

    #[test]
    fn refusals_are_keyed_by_their_likely_cause() {
        let none = TokenUse::None;
        let sent = TokenUse::Sent {
            param: "token".into(),
            from: Url::parse("https://api.test/login").unwrap(),
        };
        let missing = TokenUse::Missing {
            param: "token".into(),
            why: TokenTrouble::NoCredentials,
        };
        let key = |o: &Outcome, t: &TokenUse| upgrade(o, t).unwrap().fault.map(|f| f.key());
        assert_eq!(key(&Outcome::Open, &sent), None);
        assert_eq!(key(&refused(502), &none), Some("websocket.no-upstream"));
        assert_eq!(key(&refused(404), &none), Some("websocket.no-route"));
        assert_eq!(key(&refused(401), &sent), Some("websocket.token-refused"));
        assert_eq!(
            key(&refused(401), &missing),
            Some("websocket.token-missing")
        );
        assert_eq!(key(&refused(403), &none), Some("websocket.origin-refused"));
        assert_eq!(key(&refused(200), &none), Some("websocket.not-upgraded"));
        let net = Outcome::Net(NetError::ConnectRefused("x".into()));
        assert_eq!(upgrade(&net, &none), None);
    }

    #[test]
    fn plane_is_known_by_its_live_path() {
        let of = |u: &str| LiveServer::of(&Url::parse(u).unwrap());
        assert_eq!(of("wss://plane.test/live"), LiveServer::Plane);
        assert_eq!(of("wss://plane.test/live/?token=x"), LiveServer::Plane);
        assert_eq!(of("wss://app.test/ws/"), LiveServer::Other);
        assert_eq!(of("wss://app.test/live/chat"), LiveServer::Other);
    }

    #[test]
    fn origin_checks() {
        let v = origin_check(&Outcome::Open, &Outcome::Open);
        assert_eq!(v.fault, Some(WsFault::AnyOriginAccepted));
        assert_eq!(
            origin_check(&refused(403), &Outcome::Open).status,
            Status::Pass
        );
        assert_eq!(
            origin_check(&refused(403), &refused(502)).status,
            Status::Pass
        );
        let v = origin_check(&refused(502), &refused(502));
        assert_eq!(v.status, Status::Skip);
        assert_eq!(v.fault.unwrap().depends_on(), Some(Row::WebsocketUpgrade));
    }
}
