//! The one login of a run, and the one token finder.
//!
//! Logging in is an observation: the POST the frontend makes with the test account, what came
//! back, and where in the answer the tokens were. The JWT module judges it; the WebSocket
//! module takes the access token from it to open the socket the way the app does. Every
//! JWT-shaped string in an answer is registered with the run's secrets before anything reads
//! the answer.

use crate::net::http::{cookie_header, Exchange, HttpClient, HttpRequest, NetError};
use crate::redact::Secrets;
use crate::target::{AuthFlow, CsrfReplay, Origin, Target};
use http::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use url::Url;

/// Which token of a login answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    /// Where common APIs put this token, after the configured path.
    fn common_paths(self) -> &'static [&'static str] {
        match self {
            TokenKind::Access => &[
                "access",
                "tokens.access",
                "access_token",
                "accessToken",
                "token",
                "jwt",
                "data.access",
                "data.token",
            ],
            TokenKind::Refresh => &[
                "refresh",
                "tokens.refresh",
                "refresh_token",
                "refreshToken",
                "data.refresh",
            ],
        }
    }
}

/// A token and the dotted path it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub token: String,
    pub path: String,
}

/// The value at a dotted path (`tokens.access`).
pub fn dotted<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(v, |v, k| v.get(k))
}

/// Whether a string has a compact JWS's three parts.
fn jws_shaped(s: &str) -> bool {
    s.split('.').count() == 3
}

/// Find a token in a login (or refresh) answer: at the configured path any non-empty string
/// (the profile says that is the token, opaque or not), else a JWT-shaped string at one of the
/// common paths.
pub fn find_token(body: &Value, configured: &str, kind: TokenKind) -> Option<Found> {
    let at = |p: &str| dotted(body, p).and_then(Value::as_str).map(str::to_string);
    if let Some(t) = at(configured).filter(|t| !t.is_empty()) {
        return Some(Found {
            token: t,
            path: configured.to_string(),
        });
    }
    kind.common_paths().iter().find_map(|p| {
        at(p).filter(|t| jws_shaped(t)).map(|t| Found {
            token: t,
            path: p.to_string(),
        })
    })
}

/// Every JWT-shaped string anywhere in a JSON value.
fn jwt_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with("eyJ") && s.matches('.').count() == 2 => {
            out.push(s.clone())
        }
        Value::Array(a) => a.iter().for_each(|x| jwt_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| jwt_strings(x, out)),
        _ => {}
    }
}

/// Register every JWT-shaped string in a response as a secret, before anything else reads it;
/// return the body when it is JSON.
pub fn register_tokens(secrets: &Secrets, ex: &Exchange) -> Option<Value> {
    let body = ex.json()?;
    let mut found = Vec::new();
    jwt_strings(&body, &mut found);
    for t in &found {
        secrets.add_token(t);
    }
    Some(body)
}

/// The origin the SPA's page is on, as Chrome names it in the `Origin` of a cross-origin POST:
/// the first frontend origin, when it is another origin than the API's (a same-origin SPA's
/// requests are not what the CSRF check of a separate API sees).
pub fn browser_origin(target: &Target) -> Option<&Origin> {
    let api = Origin::of(&target.api_base);
    target.origins.first().filter(|o| **o != api)
}

/// The login POST the frontend makes (the auth flow `a`), with these credentials: JSON, or
/// form-encoded where the app sends a form (an OAuth2 password grant). Like Chrome, it carries
/// the page's `Origin` and, under the default strict-origin-when-cross-origin policy, a
/// `Referer` that is only that origin.
pub fn request(target: &Target, a: &AuthFlow, user: &str, pass: &str) -> HttpRequest {
    let mut req = HttpRequest::new(Method::POST, target.url_for(&a.login_path))
        .header("accept", "application/json")
        .max_body(256 * 1024);
    if let Some(o) = browser_origin(target) {
        req = req
            .header("origin", o.as_str())
            .header("referer", &format!("{}/", o.as_str()));
    }
    if a.form {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(&a.username_field, user)
            .append_pair(&a.password_field, pass)
            .finish();
        return req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.into_bytes());
    }
    let mut body = serde_json::Map::new();
    body.insert(a.username_field.clone(), json!(user));
    body.insert(a.password_field.clone(), json!(pass));
    req.json_body(&Value::Object(body))
}

/// The field a login's 400 answer asks for instead of the one sent: a JSON error keyed by a
/// field we did not send (`{"email": ["This field is required."]}`), or a message naming one
/// (`"email and password are required"`). Only plain identifier-like names are taken.
pub fn field_asked_for(body: Option<&Value>, text: &str, a: &AuthFlow) -> Option<String> {
    const NAMES: [&str; 5] = ["email", "username", "login", "identifier", "phone"];
    let sent = |k: &str| k == a.username_field || k == a.password_field;
    if let Some(Value::Object(o)) = body {
        if let Some(k) = o.keys().find(|k| NAMES.contains(&k.as_str()) && !sent(k)) {
            return Some(k.clone());
        }
    }
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .collect();
    let names_required = words.iter().any(|w| matches!(*w, "required" | "missing"));
    NAMES
        .iter()
        .find(|n| names_required && !sent(n) && words.contains(n))
        .map(|n| n.to_string())
}

/// What the run's login saw.
#[derive(Debug)]
pub enum Login {
    /// No test account in the environment.
    NoCredentials,
    /// Not attempted: the login URL is plain http and insecure auth was not allowed.
    PlainHttp { url: Url },
    /// The request failed on the network.
    Failed {
        url: Url,
        error: NetError,
        elapsed: Duration,
    },
    /// The server answered.
    Answered(Box<Answer>),
}

/// A login the server answered.
#[derive(Debug)]
pub struct Answer {
    pub url: Url,
    pub username: String,
    /// The `Origin` the POST carried (the frontend's, when it is cross-origin).
    pub origin: Option<String>,
    pub exchange: Exchange,
    /// The body, when JSON.
    pub body: Option<Value>,
    /// The tokens found in a successful answer.
    pub access: Option<Found>,
    /// The field the first answer asked for, when the login was tried once more with it.
    pub retried_with: Option<String>,
    pub refresh: Option<Found>,
    pub elapsed: Duration,
    /// The POST carried the CSRF cookie and header, fetched first as the app's code does.
    pub csrf_echoed: bool,
}

impl Login {
    /// The access token of a successful login.
    pub fn access_token(&self) -> Option<&str> {
        match self {
            Login::Answered(a) if a.exchange.status.is_success() => {
                a.access.as_ref().map(|f| f.token.as_str())
            }
            _ => None,
        }
    }
}

/// What a login needs from the run.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub http: &'a HttpClient,
    pub target: &'a Target,
    pub secrets: &'a Secrets,
    /// Send credentials over plain http (a local test server).
    pub allow_insecure: bool,
}

/// Log in with the target's credentials the way the frontend does (`auth`); when the answer
/// is a 400 naming the field it wants instead of the one sent, try once more with it — never
/// more (lockout plugins count attempts).
pub async fn log_in(inputs: Inputs<'_>, auth: &AuthFlow) -> Login {
    let first = attempt(inputs, auth).await;
    let Login::Answered(a) = &first else {
        return first;
    };
    if a.exchange.status.as_u16() != 400 {
        return first;
    }
    let Some(field) = field_asked_for(a.body.as_ref(), &a.exchange.body_text(), auth) else {
        return first;
    };
    let retry = AuthFlow {
        username_field: field.clone(),
        ..auth.clone()
    };
    match attempt(inputs, &retry).await {
        Login::Answered(mut b) => {
            b.retried_with = Some(field);
            Login::Answered(b)
        }
        _ => first,
    }
}

/// The CSRF cookie the app's code fetches before it posts (`c`): one GET with the frontend's
/// Origin, then every cookie it set (for the `Cookie` header) and the token's value. The values
/// are secrets: they never appear in any output.
async fn csrf_token(inputs: Inputs<'_>, c: &CsrfReplay) -> Option<(String, String)> {
    let t = inputs.target;
    let mut req =
        HttpRequest::get(t.url_for(&c.prefetch_path)).header("accept", "application/json");
    if let Some(o) = browser_origin(t) {
        req = req.header("origin", o.as_str());
    }
    let ex = inputs.http.send(req).await.ok()?;
    let cookies = ex.cookies();
    let token = cookies.iter().find(|(n, _)| *n == c.cookie)?.1.clone();
    for (_, v) in &cookies {
        inputs.secrets.add(v);
    }
    Some((cookie_header(&cookies)?, token))
}

/// One login POST and what came back.
async fn attempt(inputs: Inputs<'_>, auth: &AuthFlow) -> Login {
    let t = inputs.target;
    let Some(creds) = &t.credentials else {
        return Login::NoCredentials;
    };
    let mut req = request(t, auth, &creds.username, &creds.password);
    let url = req.url.clone();
    let origin = browser_origin(t).map(|o| o.as_str().to_string());
    if url.scheme() == "http" && !inputs.allow_insecure {
        return Login::PlainHttp { url };
    }
    let start = Instant::now();
    let mut csrf_echoed = false;
    if let Some(c) = &auth.csrf {
        if let Some((cookies, token)) = csrf_token(inputs, c).await {
            req = req.header("cookie", &cookies).header(&c.header, &token);
            csrf_echoed = true;
        }
    }
    let exchange = match inputs.http.send(req).await {
        Ok(ex) => ex,
        Err(error) => {
            let elapsed = start.elapsed();
            return Login::Failed {
                url,
                error,
                elapsed,
            };
        }
    };
    let body = register_tokens(inputs.secrets, &exchange);
    let ok = exchange.status.is_success();
    let find = |path: &str, kind| {
        body.as_ref()
            .filter(|_| ok)
            .and_then(|b| find_token(b, path, kind))
    };
    let access = find(&auth.access_path, TokenKind::Access);
    let refresh = find(&auth.refresh_token_path, TokenKind::Refresh);
    for f in access.iter().chain(refresh.iter()) {
        inputs.secrets.add_token(&f.token);
    }
    Login::Answered(Box::new(Answer {
        url,
        username: creds.username.clone(),
        origin,
        exchange,
        body,
        access,
        refresh,
        retried_with: None,
        elapsed: start.elapsed(),
        csrf_echoed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln";

    #[test]
    fn tokens_are_found_at_configured_or_common_paths() {
        let cases = [
            (
                json!({"access": JWT, "refresh": JWT}),
                "access",
                Some("access"),
            ),
            (
                json!({"tokens": {"access": JWT}}),
                "access",
                Some("tokens.access"),
            ),
            (
                json!({"tokens": {"access": JWT}}),
                "tokens.access",
                Some("tokens.access"),
            ),
            (json!({"access_token": JWT}), "access", Some("access_token")),
            // The configured path is taken at its word, opaque or not.
            (
                json!({"data": {"jwt": "opaque-1"}}),
                "data.jwt",
                Some("data.jwt"),
            ),
            // A common path needs a JWT's shape.
            (json!({"access": "not-a-jwt"}), "tokens.access", None),
            (json!({"user": {}}), "access", None),
        ];
        for (body, path, want) in cases {
            let got = find_token(&body, path, TokenKind::Access).map(|f| f.path);
            assert_eq!(got.as_deref(), want, "{body}");
        }
        let r = find_token(
            &json!({"tokens": {"refresh": JWT}}),
            "refresh",
            TokenKind::Refresh,
        );
        assert_eq!(r.map(|f| f.path).as_deref(), Some("tokens.refresh"));
    }

    #[test]
    fn the_field_a_400_asks_for_is_found_once() {
        let a = AuthFlow::default();
        let drf = json!({"email": ["This field is required."]});
        assert_eq!(
            field_asked_for(Some(&drf), "", &a).as_deref(),
            Some("email")
        );
        let express = json!({"error": "email and password are required"});
        let text = express.to_string();
        assert_eq!(
            field_asked_for(Some(&express), &text, &a).as_deref(),
            Some("email")
        );
        // A field we sent is not asked for again; a plain refusal names none.
        let sent = json!({"username": ["This field is required."]});
        assert_eq!(field_asked_for(Some(&sent), "", &a), None);
        let bad = json!({"detail": "No active account found with the given credentials"});
        assert_eq!(field_asked_for(Some(&bad), &bad.to_string(), &a), None);
    }

    #[test]
    fn a_form_login_is_form_encoded() {
        let t = Target::new("https://api.x.test/", None).unwrap();
        let a = AuthFlow {
            form: true,
            login_path: "/auth/token".into(),
            ..AuthFlow::default()
        };
        let req = request(&t, &a, "a@b.test", "p w");
        assert_eq!(req.url.as_str(), "https://api.x.test/auth/token");
        // No frontend origin known: no Origin header.
        assert!(req.headers.iter().all(|(n, _)| n != "origin"));
        assert_eq!(
            req.body.as_deref(),
            Some(&b"username=a%40b.test&password=p+w"[..])
        );
    }

    #[test]
    fn the_login_carries_the_frontends_origin_as_chrome_does() {
        let mut t = Target::new("https://api.x.test/api/", None).unwrap();
        t.origins = vec![Origin::parse("https://x.test").unwrap()];
        let req = request(&t, &AuthFlow::default(), "u", "p");
        let h = |name: &str| {
            req.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.to_str().unwrap().to_string())
        };
        assert_eq!(h("origin").as_deref(), Some("https://x.test"));
        assert_eq!(h("referer").as_deref(), Some("https://x.test/"));
        // A same-origin frontend is not a cross-origin POST.
        t.origins = vec![Origin::parse("https://api.x.test").unwrap()];
        assert!(browser_origin(&t).is_none());
    }

    #[test]
    fn dotted_paths_walk_objects() {
        let v = json!({"a": {"b": {"c": 1}}});
        assert_eq!(dotted(&v, "a.b.c"), Some(&json!(1)));
        assert_eq!(dotted(&v, "a.x"), None);
    }
}
