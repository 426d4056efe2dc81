//! WebSocket endpoints in a script: `new WebSocket(…)` and ws(s):// literals, and Socket.IO
//! clients (`io(url, {query, auth, path})`), with where the token travels.

use super::super::js::Kind;
use super::super::reader::{Pattern, Reader};
use super::ACCESS_NAMES;

/// Query parameter names that carry a token.
const TOKEN_PARAMS: [&str; 6] = ["token", "access_token", "jwt", "auth", "ticket", "access"];

/// A WebSocket endpoint the app opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsEndpoint {
    /// The absolute URL without its query, when the code spells it out.
    pub url: Option<String>,
    /// The pattern as built (`/live?token={param}`), relative when the base is computed.
    pub pattern: String,
    /// The query parameter carrying the token (`token`), when there is one.
    pub token_param: Option<String>,
    pub kind: SocketKind,
}

/// What speaks on the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketKind {
    /// `new WebSocket(url)`.
    Plain,
    /// A Socket.IO client (`io(url, opts)`): Engine.IO's handshake on `path` (default
    /// `/socket.io/`), the token in the query or in the `auth` payload of the CONNECT packet.
    SocketIo {
        path: String,
        /// The key of the token in `auth: {…}`, when the app sends it there.
        auth_key: Option<String>,
    },
}

pub(super) fn websockets(r: &Reader) -> Vec<WsEndpoint> {
    let mut out = Vec::new();
    for i in 0..r.len() {
        let range = if r.is(i, "new") && r.is(i + 1, "WebSocket") && r.is(i + 2, "(") {
            let arg = r.args(i + 2).into_iter().next();
            // `new WebSocket(u)`: the expression `u` was assigned in the same function.
            match arg {
                Some(a) if a.len() == 1 && r.kind(a.start) == Some(Kind::Ident) => {
                    r.assigned(r.text(a.start), a.start)
                }
                a => a,
            }
        } else if r.kind(i) == Some(Kind::Str) || r.kind(i) == Some(Kind::Template) {
            let t = r.text(i);
            (t.get(1..)
                .is_some_and(|b| b.starts_with("ws://") || b.starts_with("wss://")))
            .then_some(i..i + 1)
        } else {
            None
        };
        if let Some(w) = socket_io(r, i) {
            add_ws(&mut out, w);
            continue;
        }
        let Some(p) = range.and_then(|g| r.pattern(g)) else {
            continue;
        };
        if let Some(w) = ws_endpoint(p) {
            add_ws(&mut out, w);
        }
    }
    out
}

fn ws_endpoint(p: Pattern) -> Option<WsEndpoint> {
    let text = p.text;
    let absolute = text.starts_with("ws://") || text.starts_with("wss://");
    if !absolute && p.base.is_none() && !text.starts_with('/') {
        return None;
    }
    let (before, query) = text.split_once('?').unwrap_or((&text, ""));
    let token_param = query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (v.starts_with('{') && TOKEN_PARAMS.contains(&k)).then(|| k.to_string())
    });
    let url = absolute.then(|| before.to_string());
    Some(WsEndpoint {
        url,
        pattern: text.clone(),
        token_param,
        kind: SocketKind::Plain,
    })
}

/// Add an endpoint, merging with one of the same URL (a constant and the call that uses it).
pub(super) fn add_ws(list: &mut Vec<WsEndpoint>, w: WsEndpoint) {
    let same = list
        .iter_mut()
        .find(|x| (x.url.is_some() && x.url == w.url) || x.pattern == w.pattern);
    match same {
        Some(x) => {
            if x.token_param.is_none() {
                x.token_param = w.token_param;
                x.pattern = w.pattern;
            }
        }
        None => list.push(w),
    }
}

/// A Socket.IO client opened at token `i`: `io(url?, {path, query: {token}, auth: {token}})`.
fn socket_io(r: &Reader, i: usize) -> Option<WsEndpoint> {
    let named = r.is(i, "io") || (r.is(i, "connect") && r.is(i.saturating_sub(2), "io"));
    // `io(…)`, or webpack's interop call `(0,x.io)(…)`.
    let open = match r.text(i + 1) {
        "(" => i + 1,
        ")" if r.is(i + 2, "(") => i + 2,
        _ => return None,
    };
    if !named {
        return None;
    }
    let args = r.args(open);
    let (url, opts) = match args.first() {
        Some(a) if r.is(a.start, "{") => (None, Some(a.start)),
        Some(a) => (r.pattern(a.clone()), args.get(1).map(|o| o.start)),
        None => (None, None),
    };
    let opts = opts.filter(|o| r.is(*o, "{"));
    let field = |k: &str| opts.and_then(|o| r.field(o, k));
    let path = field("path")
        .and_then(|p| r.string(p.start))
        .unwrap_or_else(|| "/socket.io/".into());
    let token_key = |k: &str| {
        let o = field(k)?;
        r.object(o.start)
            .into_iter()
            .map(|(key, _)| key)
            .find(|key| {
                TOKEN_PARAMS.contains(&key.as_str()) || ACCESS_NAMES.contains(&key.as_str())
            })
    };
    let token_param = token_key("query");
    let auth_key = token_key("auth");
    if url.is_none() && opts.is_none() {
        return None;
    }
    let base = url.as_ref().map(|p| p.text.clone()).unwrap_or_default();
    let absolute = ["ws://", "wss://", "http://", "https://"]
        .iter()
        .any(|s| base.starts_with(s));
    let query = token_param
        .as_ref()
        .map(|t| format!("?{t}={{param}}"))
        .unwrap_or_default();
    Some(WsEndpoint {
        url: absolute.then(|| format!("{}{path}", base.trim_end_matches('/'))),
        pattern: format!("{}{path}{query}", base.trim_end_matches('/')),
        token_param,
        kind: SocketKind::SocketIo { path, auth_key },
    })
}
