//! Discovery: what the frontend's own code says about the API it talks to — the API base
//! URL(s), the calls it makes (method and path pattern), the login call (path, body shape, where
//! the token is read from the answer), the refresh call, how the token is sent, the credentials
//! mode, and the WebSocket URLs with the query parameter that carries the token. Read from
//! minified bundles (esbuild, Vite/Rollup, webpack, Next.js/SWC output) by shape, never by
//! running them. Calls made through the app's own helpers (`api("/auth/login/", {…})` over
//! `fetch(`${base}${path}`, opts)`) are read through them ([`wrappers`]), also where one webpack
//! module or ES chunk defines the helper and another calls it ([`modules`]): the page's scripts
//! are read together ([`discover_scripts`]). Pure: bytes in, [`Discovery`] out.

use super::is_noise;
use super::js::Kind;
use super::reader::{Pattern, Reader};
use std::ops::Range;

pub use sockets::{SocketKind, WsEndpoint};

/// Everything discovered in a page's scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    /// API base URLs (absolute, or root-relative like `/api` for a same-origin API), without
    /// a trailing slash, in the order found: `baseURL`/`API_URL`-style settings first, then the
    /// constants calls are built on, then API-looking URL literals.
    pub api_bases: Vec<String>,
    /// The calls the app makes, first occurrence of each method and path.
    pub calls: Vec<ApiCall>,
    pub login: Option<Login>,
    pub refresh: Option<Refresh>,
    /// How the app sends its access token.
    pub token_sent: Option<TokenSend>,
    pub credentials: CredentialsMode,
    /// How the app passes a CSRF token (a cookie-session SPA behind Django, Rails, Laravel).
    pub csrf: Option<Csrf>,
    pub websockets: Vec<WsEndpoint>,
}

/// The CSRF cookie the app reads and the header it echoes it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Csrf {
    /// axios' `xsrfCookieName` (`csrftoken`).
    pub cookie: Option<String>,
    /// axios' `xsrfHeaderName`, or a CSRF header the code sets (`X-CSRFToken`).
    pub header: Option<String>,
}

impl Csrf {
    /// The cookie the token is read from: the one the code names, else the one that goes with
    /// its header (Django's `csrftoken` for `X-CSRFToken`, else axios' and Laravel's
    /// `XSRF-TOKEN`).
    pub fn cookie_name(&self) -> Option<String> {
        let header = self.header.as_deref()?;
        Some(self.cookie.clone().unwrap_or_else(|| {
            if header.eq_ignore_ascii_case("x-csrftoken") {
                "csrftoken".into()
            } else {
                "XSRF-TOKEN".into()
            }
        }))
    }
}

/// Which HTTP client made a call (it decides where the answer's JSON is: axios wraps it in
/// `.data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// axios or an axios-like instance (`x.get(url)`, `x.post(url, body)`).
    Axios,
    /// `fetch`, and fetch wrappers that parse the JSON themselves (`$fetch`, `ofetch`).
    Fetch,
    Ky,
    /// jQuery (`$.ajax`, `$.post`): a plain object body is form-encoded.
    JQuery,
}

/// One call the app makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// Upper case; `None` when the code does not show it.
    pub method: Option<String>,
    /// The path as the app writes it, computed parts as `{name}` (`/orders/{id}`); for an
    /// absolute URL, its path.
    pub path: String,
    /// The absolute URL, when the code spells it out (or builds it from a string constant).
    pub url: Option<String>,
    /// The expression the code prefixes (`${base}/…`), when it is not a known constant.
    pub base_expr: Option<String>,
    /// The string constant the code prefixes, when it is one.
    pub base_value: Option<String>,
    pub client: Client,
    /// Byte offset of the call in its script.
    pub offset: usize,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    /// `URLSearchParams`, `FormData`, `qs.stringify`: form-encoded.
    Form,
    /// The code passes a value whose shape is not visible.
    Unknown,
}

/// A request body's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub encoding: Encoding,
    /// Dotted key paths of the fields (`email`, `auth.password`), in order.
    pub fields: Vec<String>,
    /// An OAuth2 password grant (`grant_type: "password"`).
    pub password_grant: bool,
}

/// The login call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub call: ApiCall,
    pub body: Option<Body>,
    /// The JSON path in the answer the access token is read from (`["tokens", "access"]`).
    pub token_path: Option<Vec<String>>,
    /// The JSON path of the refresh token, when the app reads one.
    pub refresh_path: Option<Vec<String>>,
}

/// The token refresh call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    pub call: ApiCall,
    pub body: Option<Body>,
    /// The refresh token travels in a cookie (no token in the body, credentials included).
    pub via_cookie: bool,
}

/// How the access token is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSend {
    /// `Authorization: <scheme> <token>`; the scheme when the code shows it (`Bearer`, `JWT`,
    /// `Token`).
    Authorization { scheme: Option<String> },
    /// No header: the session travels in a cookie the browser sends (credentials included).
    Cookie,
}

/// The fetch credentials mode the app uses for API calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialsMode {
    /// Nothing in the code asks for credentials (fetch's `same-origin`, axios' default).
    #[default]
    Default,
    /// `withCredentials: true`, `credentials: 'include'`, `axios.defaults.withCredentials`.
    Include,
    /// The code sets it from a value it computes (`xhr.withCredentials = opts.creds`): what the
    /// app sends cannot be read from the code, so the user's (or conncheck's) assumption holds.
    Dynamic,
}

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Names an app gives the access token in an answer.
const ACCESS_NAMES: [&str; 10] = [
    "access",
    "accessToken",
    "access_token",
    "token",
    "jwt",
    "idToken",
    "id_token",
    "authToken",
    "auth_token",
    "key",
];
const REFRESH_NAMES: [&str; 3] = ["refresh", "refreshToken", "refresh_token"];
/// Discover what one script says.
pub fn discover(script: &[u8]) -> Discovery {
    discover_scripts(&[script])
}

/// Discover what a page's scripts say together (the inline config, the entry bundle, its
/// chunks): the app's helpers one script (or webpack module) exports are followed where the
/// others call them; the findings are merged in the scripts' order.
pub fn discover_scripts(scripts: &[&[u8]]) -> Discovery {
    let readers: Vec<Reader> = scripts.iter().map(|s| Reader::new(s)).collect();
    let mut helpers: Vec<wrappers::Helpers> =
        readers.iter().map(|r| wrappers::find(r, &[])).collect();
    let exported: Vec<modules::Exported<wrappers::Wrapper>> = readers
        .iter()
        .zip(&helpers)
        .flat_map(|(r, h)| modules::exports(r, &h.list))
        .collect();
    for h in &mut helpers {
        h.imported = exported.clone();
    }
    merge(
        readers
            .iter()
            .zip(&helpers)
            .map(|(r, h)| discover_reader(r, h)),
    )
}

fn discover_reader(r: &Reader, helpers: &wrappers::Helpers) -> Discovery {
    let mut d = Discovery {
        api_bases: api_bases(r),
        credentials: credentials(r),
        csrf: csrf(r),
        ..Default::default()
    };
    // A helper's own client call joining the base to its parameter is no route of its own.
    let inner: Vec<usize> = helpers
        .list
        .iter()
        .filter(|w| w.joins())
        .map(|w| w.inner)
        .collect();
    let mut found: Vec<(ApiCall, Option<Range<usize>>, usize)> = Vec::new();
    for i in (0..r.len()).filter(|i| !inner.contains(i)) {
        if let Some(c) = call_at(r, i).or_else(|| wrappers::calls(r, helpers, i)) {
            found.push(c);
        }
    }
    for (call, body, end) in &found {
        let path = call.path.to_ascii_lowercase();
        if d.login.is_none() && is_login(&path) {
            d.login = Some(login(r, call, body.clone(), *end));
        } else if d.refresh.is_none() && path.contains("refresh") {
            let body = body.clone().map(|b| body_for(r, call, b));
            let empty = body
                .as_ref()
                .is_none_or(|b| b.fields.is_empty() && b.encoding != Encoding::Unknown);
            let via_cookie = empty && d.credentials == CredentialsMode::Include;
            d.refresh = Some(Refresh {
                call: call.clone(),
                body,
                via_cookie,
            });
        }
    }
    for (call, _, _) in &found {
        let base = call
            .base_value
            .as_ref()
            .map(|b| b.trim_end_matches('/').to_string());
        if let Some(b) = base.filter(|b| is_base(b) && !d.api_bases.contains(b)) {
            d.api_bases.push(b);
        }
    }
    for (call, _, _) in found {
        if !d
            .calls
            .iter()
            .any(|c| c.method == call.method && c.path == call.path)
        {
            d.calls.push(call);
        }
    }
    d.token_sent = token_send(r, d.credentials);
    d.websockets = websockets(r);
    d
}

/// Merge what several scripts say (the page's inline config, the entry bundle, its chunks).
pub fn merge(parts: impl IntoIterator<Item = Discovery>) -> Discovery {
    let mut d = Discovery::default();
    for p in parts {
        for b in p.api_bases {
            if !d.api_bases.contains(&b) {
                d.api_bases.push(b);
            }
        }
        for c in p.calls {
            if !d
                .calls
                .iter()
                .any(|x| x.method == c.method && x.path == c.path)
            {
                d.calls.push(c);
            }
        }
        d.login = d.login.or(p.login);
        d.refresh = d.refresh.or(p.refresh);
        d.token_sent = d.token_sent.or(p.token_sent);
        d.csrf = d.csrf.or(p.csrf);
        match (d.credentials, p.credentials) {
            (_, CredentialsMode::Include) => d.credentials = CredentialsMode::Include,
            (CredentialsMode::Default, CredentialsMode::Dynamic) => {
                d.credentials = CredentialsMode::Dynamic
            }
            _ => {}
        }
        for w in p.websockets {
            add_ws(&mut d.websockets, w);
        }
    }
    d
}

fn is_login(path: &str) -> bool {
    let bad = [
        "refresh",
        "verify",
        "logout",
        "blacklist",
        "register",
        "signup",
        "reset",
    ];
    if bad.iter().any(|b| path.contains(b)) {
        return false;
    }
    [
        "login",
        "signin",
        "sign-in",
        "sign_in",
        "jwt/create",
        "token",
        "authenticate",
        "session",
    ]
    .iter()
    .any(|w| path.contains(w))
}

/// Whether a pattern is a path or URL an app calls (not a key, a sentence, a file name).
fn path_like(p: &Pattern) -> bool {
    let t = &p.text;
    let ok_chars = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~/{}?=&%:+@".contains(c));
    let shape = t.starts_with('/')
        || t.starts_with("http://")
        || t.starts_with("https://")
        || (p.base.is_some() && t.starts_with('?'))
        || (t.contains('/') && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()));
    ok_chars && shape && !t.starts_with("//") && t.len() < 300
}

fn to_call(r: &Reader, p: Pattern, method: Option<String>, client: Client, at: usize) -> ApiCall {
    let (url, path) = match url::Url::parse(&p.text) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
            // The path as written (a parsed URL would percent-encode the `{name}` holes).
            let after = p.text.find("://").map_or(0, |k| k + 3);
            let path = p.text[after..]
                .find('/')
                .map_or("/", |k| &p.text[after + k..]);
            (Some(p.text.clone()), path.to_string())
        }
        _ => (None, p.text.clone()),
    };
    ApiCall {
        method,
        path,
        url,
        base_expr: p.base,
        base_value: p.base_value,
        client,
        offset: r.offset(at),
    }
}

/// A call starting at token `i`: the call, its body's range, and the token index after it.
fn call_at(r: &Reader, i: usize) -> Option<(ApiCall, Option<Range<usize>>, usize)> {
    let name = r.text(i);
    if r.kind(i) != Some(Kind::Ident) || !r.is(i + 1, "(") {
        return None;
    }
    let member = i > 0 && matches!(r.text(i - 1), "." | "?.");
    let plain = !member || (i >= 2 && matches!(r.text(i - 2), "window" | "self" | "globalThis"));
    let interesting = (member && (METHODS.contains(&name) || matches!(name, "request" | "ajax")))
        || (plain && matches!(name, "fetch" | "ky" | "axios" | "$fetch" | "ofetch"));
    if !interesting {
        return None;
    }
    let args = r.args(i + 1);
    let end = r.close(i + 1)?;
    let first = args.first()?.clone();
    if member && METHODS.contains(&name) {
        let p = r.url_pattern(first).filter(path_like)?;
        if collection(r, i) {
            return None;
        }
        // ky: `ky.post(…)`, or an instance whose answer is read with `.json()`.
        let ky = (i >= 2 && r.is(i - 2, "ky")) || (r.is(end + 1, ".") && r.is(end + 2, "json"));
        let jquery = i >= 2 && matches!(r.text(i - 2), "$" | "jQuery");
        let client = match (ky, jquery) {
            (true, _) => Client::Ky,
            (_, true) => Client::JQuery,
            _ => Client::Axios,
        };
        let with_body = matches!(name, "post" | "put" | "patch");
        let mut body = if with_body {
            args.get(1).cloned()
        } else {
            None
        };
        if client == Client::Ky {
            body = args.get(1).and_then(|o| {
                r.field(o.start, "json")
                    .or_else(|| r.field(o.start, "body"))
            });
        }
        let method = Some(name.to_ascii_uppercase());
        return Some((to_call(r, p, method, client, i), body, end));
    }
    if matches!(name, "fetch" | "ky" | "$fetch" | "ofetch") && plain {
        let p = r.url_pattern(first).filter(path_like)?;
        let opts = args.get(1).map(|o| o.start);
        let method = opts
            .and_then(|o| r.field(o, "method"))
            .and_then(|m| r.string(m.start))
            .map(|m| m.to_ascii_uppercase())
            .or_else(|| Some("GET".into()));
        let body = opts.and_then(|o| r.field(o, "body").or_else(|| r.field(o, "json")));
        let client = if name == "ky" {
            Client::Ky
        } else {
            Client::Fetch
        };
        return Some((to_call(r, p, method, client, i), body, end));
    }
    // axios({url, method, data}) / instance.request({...}) / $.ajax({url, type, data})
    let settings = name == "axios" || (member && matches!(name, "request" | "ajax"));
    if settings && r.is(first.start, "{") {
        let o = first.start;
        let p = r
            .field(o, "url")
            .and_then(|u| r.url_pattern(u))
            .filter(path_like)?;
        let method = r
            .field(o, "method")
            .or_else(|| r.field(o, "type"))
            .and_then(|m| r.string(m.start))
            .map(|m| m.to_ascii_uppercase());
        let client = if name == "ajax" {
            Client::JQuery
        } else {
            Client::Axios
        };
        return Some((to_call(r, p, method, client, i), r.field(o, "data"), end));
    }
    None
}

/// Whether the object of the method call at `i` (`m.get(…)`) was made as a collection
/// (`m=new Map`): its `get`/`delete` are not HTTP calls.
fn collection(r: &Reader, i: usize) -> bool {
    if i < 2 || r.kind(i - 2) != Some(Kind::Ident) {
        return false;
    }
    matches!(
        r.new_before(r.text(i - 2), i),
        Some("Map" | "WeakMap" | "Set" | "URLSearchParams" | "Headers" | "FormData")
    )
}

/// The shape of a call's body: jQuery form-encodes a plain object.
fn body_for(r: &Reader, call: &ApiCall, b: Range<usize>) -> Body {
    let mut body = body_shape(r, b.clone());
    if call.client == Client::JQuery && r.is(b.start, "{") {
        body.encoding = Encoding::Form;
    }
    body
}

/// The shape of a request body expression.
fn body_shape(r: &Reader, b: Range<usize>) -> Body {
    let s = b.start;
    let (encoding, fields_at) = if r.is(s, "{") {
        (Encoding::Json, Some(s))
    } else if r.is(s, "JSON") && r.is(s + 2, "stringify") {
        (Encoding::Json, Some(s + 4))
    } else if r.is(s, "new") && matches!(r.text(s + 1), "URLSearchParams" | "FormData") {
        (Encoding::Form, Some(s + 3))
    } else if r.is(s + 2, "stringify") && r.is(s + 1, ".") {
        (Encoding::Form, Some(s + 4))
    } else if b.len() == 1 && r.kind(s) == Some(Kind::Ident) {
        return resolve_body(r, r.text(s), s);
    } else {
        (Encoding::Unknown, None)
    };
    let leaves = fields_at.map(|o| r.leaves(o)).unwrap_or_default();
    let password_grant = leaves.iter().any(|(k, v)| {
        k.join(".") == "grant_type" && r.string(v.start).as_deref() == Some("password")
    });
    let fields = leaves.into_iter().map(|(k, _)| k.join(".")).collect();
    Body {
        encoding,
        fields,
        password_grant,
    }
}

/// The body a variable holds, from its nearest assignment before `at`: `v=new URLSearchParams`
/// (then its `v.append("k",…)` calls) or `v={…}`.
fn resolve_body(r: &Reader, name: &str, at: usize) -> Body {
    // Back to the start of the enclosing function at most: a parameter has no assignment.
    let from = at.saturating_sub(3000);
    let def = (from..at)
        .rev()
        .take_while(|&i| !matches!(r.text(i), "function" | "=>"))
        .find(|&i| r.is(i, name) && r.is(i + 1, "=") && !r.is(i + 2, "="));
    let Some(def) = def else {
        return Body {
            encoding: Encoding::Unknown,
            fields: Vec::new(),
            password_grant: false,
        };
    };
    let mut body = body_shape(r, def + 2..def + 3);
    if body.encoding == Encoding::Form {
        for i in def..at {
            if r.is(i, name)
                && r.is(i + 1, ".")
                && matches!(r.text(i + 2), "append" | "set")
                && r.is(i + 3, "(")
            {
                if let Some(k) = r.string(i + 4) {
                    if k == "grant_type" && r.string(i + 6).as_deref() == Some("password") {
                        body.password_grant = true;
                    }
                    body.fields.push(k);
                }
            }
        }
    }
    body
}

fn login(r: &Reader, call: &ApiCall, body: Option<Range<usize>>, end: usize) -> Login {
    let body = body.map(|b| body_for(r, call, b));
    let axios = call.client == Client::Axios;
    let start = call_start(r, end);
    let mut token_path = None;
    let mut refresh_path = None;
    for path in read_paths(r, start, end, axios) {
        let last = path.last().map(String::as_str).unwrap_or("");
        if token_path.is_none() && ACCESS_NAMES.contains(&last) {
            token_path = Some(path);
        } else if refresh_path.is_none() && REFRESH_NAMES.contains(&last) {
            refresh_path = Some(path);
        }
    }
    Login {
        call: call.clone(),
        body,
        token_path,
        refresh_path,
    }
}

/// The token index where the call ending at `end` starts (its callee chain, `await` included).
fn call_start(r: &Reader, end: usize) -> usize {
    let mut i = r.open_of(end).unwrap_or(end);
    loop {
        let prev = i.saturating_sub(1);
        if i == 0 {
            return 0;
        }
        if matches!(r.text(prev), "." | "?.")
            || r.kind(prev) == Some(Kind::Ident) && !r.is(prev, "await")
        {
            i = prev;
        } else if r.is(prev, ")") {
            i = r.open_of(prev).unwrap_or(prev);
        } else if r.is(prev, "await") {
            return prev;
        } else {
            return i;
        }
    }
}

/// JSON paths the code reads from a call's answer: a destructuring pattern assigned from it
/// (`const{data:{access:t}}=await …`), and member chains in the code that follows it
/// (`.then(e=>e.data.tokens.access)`). The variable, and axios' `data` wrapper, are dropped.
fn read_paths(r: &Reader, start: usize, end: usize, axios: bool) -> Vec<Vec<String>> {
    let unwrap = |mut p: Vec<String>| {
        if axios && p.len() > 1 && p[0] == "data" {
            p.remove(0);
        }
        p
    };
    let mut out = Vec::new();
    if start >= 2 && r.is(start - 1, "=") && r.is(start - 2, "}") {
        if let Some(open) = r.open_of(start - 2) {
            out.extend(r.leaves(open).into_iter().map(|(k, _)| unwrap(k)));
        }
    }
    let mut i = end + 1;
    let stop = (end + 160).min(r.len());
    while i < stop {
        if r.is(i, "{") && r.is(i.saturating_sub(1), "(") {
            out.extend(r.leaves(i).into_iter().map(|(k, _)| unwrap(k)));
        }
        if r.kind(i) == Some(Kind::Ident)
            && matches!(r.text(i + 1), "." | "?.")
            && !matches!(r.text(i.saturating_sub(1)), "." | "?.")
        {
            let mut chain = vec![r.text(i).to_string()];
            let mut j = i + 1;
            while matches!(r.text(j), "." | "?.") && r.kind(j + 1) == Some(Kind::Ident) {
                chain.push(r.text(j + 1).to_string());
                j += 2;
            }
            if chain.len() > 1
                && !matches!(
                    chain[0].as_str(),
                    "localStorage" | "sessionStorage" | "window" | "document"
                )
            {
                out.push(unwrap(chain.split_off(1)));
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Whether a string can be an API base: an absolute http(s) URL or a root-relative path.
fn is_base(v: &str) -> bool {
    match url::Url::parse(v) {
        Ok(u) => matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && !is_noise(&u),
        Err(_) => v.starts_with('/') && !v.starts_with("//") && v.len() > 1,
    }
}

/// Whether an absolute URL looks like an API (an `api` host label or an `/api` path).
fn api_like(v: &str) -> bool {
    let Ok(u) = url::Url::parse(v) else {
        return false;
    };
    let label = u.host_str().and_then(|h| h.split('.').next()).unwrap_or("");
    label == "api"
        || label.starts_with("api-")
        || label.ends_with("-api")
        || u.path() == "/api"
        || u.path().starts_with("/api/")
}

/// `baseURL`/`API_URL`-style settings (a literal, or a constant holding one), then absolute
/// API-looking URL literals.
fn api_bases(r: &Reader) -> Vec<String> {
    let mut keyed = Vec::new();
    let mut loose = Vec::new();
    for i in 0..r.len() {
        let keyed_value =
            if matches!(r.text(i + 1), ":" | "=") && r.key(i).is_some_and(|k| base_key(&k)) {
                let v = i + 2;
                match r.kind(v) {
                    Some(Kind::Str) => r.string(v),
                    Some(Kind::Ident) if !matches!(r.text(v + 1), "." | "(" | "+" | "?") => {
                        r.const_before(r.text(v), v).map(str::to_string)
                    }
                    _ => None,
                }
            } else {
                None
            };
        if let Some(v) = keyed_value.filter(|v| is_base(v)) {
            let v = v.trim_end_matches('/').to_string();
            if !keyed.contains(&v) {
                keyed.push(v);
            }
            continue;
        }
        if r.kind(i) != Some(Kind::Str) || !r.text(i).contains("://") {
            continue;
        }
        let Some(v) = r.string(i).filter(|v| api_like(v) && is_base(v)) else {
            continue;
        };
        let v = v.trim_end_matches('/').to_string();
        if !loose.contains(&v) {
            loose.push(v);
        }
    }
    loose.retain(|l| !keyed.contains(l));
    keyed.extend(loose);
    keyed
}

fn base_key(k: &str) -> bool {
    let k: String = k
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "apiroot",
        "baseurl",
        "apiurl",
        "apibase",
        "prefixurl",
        "apiendpoint",
        "apihost",
        "backendurl",
        "serverurl",
    ]
    .iter()
    .any(|w| k.contains(w))
}

fn credentials(r: &Reader) -> CredentialsMode {
    let mut dynamic = false;
    for i in 0..r.len().saturating_sub(2) {
        if !matches!(r.text(i + 1), ":" | "=") || !r.text(i).contains("redentials") {
            continue;
        }
        let Some(k) = r.key(i) else { continue };
        let v = i + 2;
        let literal = |r: &Reader| {
            r.is(v, "true")
                || r.is(v, "false")
                || (r.is(v, "!") && (r.is(v + 1, "0") || r.is(v + 1, "1")))
        };
        let (on, computed) = match k.as_str() {
            "withCredentials" => (
                r.is(v, "true") || (r.is(v, "!") && r.is(v + 1, "0")),
                !literal(r),
            ),
            "credentials" => {
                let s = r.string(v);
                (s.as_deref() == Some("include"), s.is_none())
            }
            _ => (false, false),
        };
        if on {
            return CredentialsMode::Include;
        }
        if computed {
            dynamic = true;
        }
    }
    if dynamic {
        CredentialsMode::Dynamic
    } else {
        CredentialsMode::Default
    }
}

/// axios' `xsrfCookieName`/`xsrfHeaderName` settings, or a CSRF header set by name.
fn csrf(r: &Reader) -> Option<Csrf> {
    let mut c = Csrf::default();
    for i in 0..r.len().saturating_sub(2) {
        let t = r.text(i);
        if !(t.contains("srf") || t.contains("SRF")) {
            continue;
        }
        let Some(k) = r.key(i) else { continue };
        let sep = r.text(i + 1);
        let value = || r.string(i + 2);
        match k.as_str() {
            "xsrfCookieName" if matches!(sep, ":" | "=") => c.cookie = c.cookie.or(value()),
            "xsrfHeaderName" if matches!(sep, ":" | "=") => c.header = c.header.or(value()),
            // `headers["X-CSRFToken"]=…`
            _ if r.kind(i) == Some(Kind::Str)
                && sep == "]"
                && r.is(i + 2, "=")
                && !r.is(i + 3, "=")
                && k.to_ascii_lowercase().starts_with("x-")
                && k.to_ascii_lowercase().replace('-', "").contains("srftoken") =>
            {
                c.header = c.header.or(Some(k));
            }
            _ if r.kind(i) == Some(Kind::Str)
                && matches!(sep, ":" | ",")
                && k.to_ascii_lowercase().starts_with("x-")
                && k.to_ascii_lowercase().replace('-', "").contains("srftoken") =>
            {
                c.header = c.header.or(Some(k));
            }
            _ => {}
        }
    }
    (c != Csrf::default()).then_some(c)
}

fn token_send(r: &Reader, creds: CredentialsMode) -> Option<TokenSend> {
    for i in 0..r.len().saturating_sub(2) {
        let n = r.text(i).len();
        let named = (13..=15).contains(&n)
            && r.key(i)
                .is_some_and(|k| k.eq_ignore_ascii_case("authorization"));
        if !named {
            continue;
        }
        // `headers["Authorization"]=…` has the bracket before the `=`.
        let at = if r.is(i + 1, "]") { i + 1 } else { i };
        let sep = r.text(at + 1);
        let ok = matches!(sep, ":" | "=") || (sep == "," && r.kind(i) == Some(Kind::Str));
        if !ok || r.is(at + 2, "=") {
            continue;
        }
        let v = at + 2;
        let lead = match r.kind(v) {
            Some(Kind::Str) => r.string(v),
            Some(Kind::Template) => r.pattern(v..v + 1).map(|p| p.text),
            _ => None,
        };
        let scheme = lead.and_then(|l| {
            let word = l.split([' ', '{']).next().unwrap_or("").to_string();
            (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic())).then_some(word)
        });
        return Some(TokenSend::Authorization { scheme });
    }
    (creds == CredentialsMode::Include).then_some(TokenSend::Cookie)
}

mod chunks;
mod modules;
mod sockets;
mod wrappers;

pub use chunks::chunk_refs;
use sockets::{add_ws, websockets};

#[cfg(test)]
mod tests;
