//! Section 6, Authentication (JWT; RFC 7519, RFC 8725 best practices, simplejwt's flow): a real
//! user can log in, call the API and refresh; the API refuses missing, tampered and `alg: none`
//! tokens; and the HMAC key is not one of the publicly known defaults.
//!
//! Credentials come from CONNCHECK_USERNAME / CONNCHECK_PASSWORD only. Every token is registered
//! with the run's secrets before anything could show it, and no text here ever carries one.

use crate::checks::endpoints::console_line;
use crate::context::Context;
use crate::model::{Finding, Module, Status};
use crate::net::http::{Exchange, HttpRequest};
use crate::runner::{ModuleSpec, Sink};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use futures::FutureExt;
use hmac::{Hmac, Mac};
use http::Method;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Jwt,
    about: "log in, decode the token, call the API with it, refresh, and confirm forged or guessable tokens are refused",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// Publicly known secrets tried offline against HS* tokens.
pub const BUILTIN_SECRETS: &str = include_str!("jwt_secrets.txt");

const SET_CREDENTIALS: &str =
    "set CONNCHECK_USERNAME and CONNCHECK_PASSWORD (a test account) to run the login round trip";

/// The built-in list, plus the empty secret.
pub fn builtin_secrets() -> Vec<String> {
    let mut v = vec![String::new()];
    v.extend(parse_wordlist(BUILTIN_SECRETS));
    v
}

/// One secret per line; blank lines and `#` comments ignored; a trailing CR dropped.
pub fn parse_wordlist(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The decoded (never trusted) parts of a compact JWS.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Value,
    pub claims: Value,
    pub signature: Vec<u8>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
}

impl Decoded {
    pub fn alg(&self) -> String {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
    fn num(&self, k: &str) -> Option<i64> {
        self.claims.get(k).and_then(Value::as_i64)
    }
    /// `exp - iat`, when both are present.
    pub fn lifetime(&self) -> Option<i64> {
        Some(self.num("exp")? - self.num("iat")?)
    }
}

pub fn decode(token: &str) -> Option<Decoded> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Decoded {
        header: serde_json::from_slice(&B64.decode(h).ok()?).ok()?,
        claims: serde_json::from_slice(&B64.decode(p).ok()?).ok()?,
        signature: B64.decode(s).ok()?,
        signing_input: format!("{h}.{p}"),
    })
}

/// The same token with its signature altered (one bit of the first byte flipped).
pub fn tamper_signature(token: &str) -> Option<String> {
    let (input, sig) = token.rsplit_once('.')?;
    let mut bytes = B64.decode(sig).ok()?;
    let first = bytes.first_mut()?;
    *first ^= 0x01;
    Some(format!("{input}.{}", B64.encode(bytes)))
}

/// The same claims under `{"alg":"none"}` with an empty signature.
pub fn alg_none(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    Some(format!("{header}.{payload}."))
}

/// Index of the first candidate that produces this HS256/384/512 signature.
pub fn find_secret(d: &Decoded, candidates: &[String]) -> Option<usize> {
    fn check<M: Mac + hmac::digest::KeyInit>(input: &[u8], sig: &[u8], key: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return false;
        };
        mac.update(input);
        mac.verify_slice(sig).is_ok()
    }
    let input = d.signing_input.as_bytes();
    let alg = d.alg();
    candidates.iter().position(|c| {
        let k = c.as_bytes();
        match alg.as_str() {
            "HS256" => check::<Hmac<sha2::Sha256>>(input, &d.signature, k),
            "HS384" => check::<Hmac<sha2::Sha384>>(input, &d.signature, k),
            "HS512" => check::<Hmac<sha2::Sha512>>(input, &d.signature, k),
            _ => false,
        }
    })
}

/// The value at a dotted path (`tokens.access`).
pub fn dotted<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(v, |v, k| v.get(k))
}

/// Find a token: at the configured path, else at the common shapes. Returns the token and the
/// path it was found at.
pub fn find_token(body: &Value, configured: &str, kind: &str) -> Option<(String, String)> {
    let common: &[&str] = if kind == "refresh" {
        &["refresh", "tokens.refresh", "refresh_token", "data.refresh"]
    } else {
        &[
            "access",
            "tokens.access",
            "access_token",
            "token",
            "data.access",
            "data.token",
        ]
    };
    std::iter::once(configured)
        .chain(common.iter().copied())
        .find_map(|p| {
            dotted(body, p)
                .and_then(Value::as_str)
                .filter(|t| t.split('.').count() == 3)
                .map(|t| (t.to_string(), p.to_string()))
        })
}

/// Every JWT-shaped string anywhere in a JSON value (to register as secrets).
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

/// The human message of a DRF error body (`detail`, `non_field_errors`, field errors).
pub fn server_message(body: &Value) -> Option<String> {
    for k in ["detail", "message", "error", "error_description"] {
        if let Some(s) = body.get(k).and_then(Value::as_str) {
            return Some(s.chars().take(200).collect());
        }
    }
    let obj = body.as_object()?;
    let parts: Vec<String> = obj
        .iter()
        .filter_map(|(k, v)| {
            let first = v.as_array()?.first()?.as_str()?;
            Some(if k == "non_field_errors" {
                first.to_string()
            } else {
                format!("{k}: {first}")
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; ").chars().take(200).collect())
}

/// Seconds since the epoch from an HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7).
pub fn parse_http_date(s: &str) -> Option<i64> {
    let mut it = s.split_whitespace();
    let _weekday = it.next()?;
    let day: i64 = it.next()?.parse().ok()?;
    let mon = it.next()?;
    let year: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|x| x.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? as i64 + 1;
    // The fields' ranges (a four-digit year, 60 for a leap second), which also keeps the
    // arithmetic below from overflowing on a server's nonsense.
    if !(1..=31).contains(&day)
        || !(0..=9999).contains(&year)
        || !(0..24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..=60).contains(&sec)
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + h * 3600 + m * 60 + sec)
}

fn human(secs: i64) -> String {
    let (d, h, m) = (secs / 86400, (secs % 86400) / 3600, (secs % 3600) / 60);
    match (d, h, m) {
        (0, 0, _) => format!("{secs} s"),
        (0, _, 0) => format!("{h} h"),
        (0, _, _) => format!("{h} h {m} min"),
        (_, 0, _) => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Judge the claims of the access (and refresh) token. `server_date`: the login response's Date.
pub fn judge_claims(
    f: Finding,
    access: &Decoded,
    refresh: Option<&Decoded>,
    server_date: Option<i64>,
    local_now: i64,
) -> Finding {
    let alg = access.alg();
    let mut facts = vec![format!("alg {alg}")];
    if let Some(t) = access.claims.get("token_type").and_then(Value::as_str) {
        facts.push(format!("token_type {t}"));
    }
    let mut warns: Vec<(String, String)> = Vec::new();
    let life = access.lifetime();
    match life {
        Some(l) => facts.push(format!("access lifetime {}", human(l))),
        None if access.num("exp").is_none() => warns.push((
            "the access token has no exp claim: it never expires".into(),
            "set SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'] (e.g. timedelta(minutes=15)); a stolen token without exp works forever".into(),
        )),
        None => facts.push("no iat claim".into()),
    }
    let rlife = refresh.and_then(Decoded::lifetime);
    if let Some(r) = rlife {
        facts.push(format!("refresh lifetime {}", human(r)));
    }
    if alg.eq_ignore_ascii_case("none") {
        warns.push((
            "the server issues unsigned (alg: none) tokens".into(),
            "sign tokens: set SIMPLE_JWT['ALGORITHM'] = 'HS256' (or RS256 with a key pair) and a SIGNING_KEY from the environment".into(),
        ));
    }
    if let (Some(a), Some(r)) = (life, rlife) {
        if a > r {
            warns.push((
                format!("the access token outlives the refresh token ({} > {})", human(a), human(r)),
                "make ACCESS_TOKEN_LIFETIME short (minutes) and REFRESH_TOKEN_LIFETIME longer in SIMPLE_JWT; a long-lived access token cannot be revoked".into(),
            ));
        }
    }
    if let (Some(date), Some(iat)) = (server_date, access.num("iat")) {
        let skew = iat - date;
        facts.push(format!("iat − server Date {skew:+} s"));
        if skew.abs() > 60 {
            warns.push((
                format!("the token's iat is {skew:+} s off the server's own Date header"),
                "sync the server clocks (NTP) of the app and the proxy; a token issued 'in the future' is refused by other verifiers with leeway 0".into(),
            ));
        }
        let local = date - local_now;
        facts.push(format!("server Date − local clock {local:+} s"));
    }
    if let Some(exp) = access.num("exp") {
        if exp < local_now {
            warns.push((
                "the token issued just now is already expired by this machine's clock".into(),
                "check the clocks of this machine and the server (NTP)".into(),
            ));
        }
    }
    let detail = facts.join(", ");
    if warns.is_empty() {
        f.pass().detail(detail)
    } else {
        let (what, hint): (Vec<_>, Vec<_>) = warns.into_iter().unzip();
        f.warn()
            .detail(format!("{detail}; {}", what.join("; ")))
            .hint(hint.join("; "))
    }
}

/// What a protected call answered for a (possibly forged) credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401: refused as it should be.
    Refused,
    /// 403: refused, but not with 401.
    Forbidden,
    Accepted,
    ServerError,
    Other,
}

pub fn refusal(status: u16) -> Refusal {
    match status {
        401 => Refusal::Refused,
        403 => Refusal::Forbidden,
        200..=299 => Refusal::Accepted,
        500..=599 => Refusal::ServerError,
        _ => Refusal::Other,
    }
}

/// Judge the three forged calls: (label, status) for no token, tampered signature, alg none.
pub fn judge_forged(f: Finding, results: &[(&str, u16)]) -> Finding {
    let detail = results
        .iter()
        .map(|(l, s)| format!("{l} → {s}"))
        .collect::<Vec<_>>()
        .join("; ");
    let accepted: Vec<&str> = results
        .iter()
        .filter(|(_, s)| refusal(*s) == Refusal::Accepted)
        .map(|(l, _)| *l)
        .collect();
    if !accepted.is_empty() {
        let mut hints = Vec::new();
        for l in &accepted {
            hints.push(if l.starts_with("no token") {
                "the route is not protected: set permission_classes = [IsAuthenticated] (or DEFAULT_PERMISSION_CLASSES)"
            } else if l.contains("alg none") {
                "the API accepts unsigned alg: none tokens: pin SIMPLE_JWT['ALGORITHM'] = 'HS256' and never allow 'none' in the algorithms passed to jwt.decode"
            } else {
                "the API does not verify signatures: use simplejwt's JWTAuthentication unmodified (no verify_signature=False or hand-rolled decode), then rotate SIGNING_KEY"
            });
        }
        return f
            .fail()
            .detail(format!(
                "{detail} — CRITICAL: the API accepts forged tokens ({}): anyone can act as any user",
                accepted.join(", ")
            ))
            .hint(hints.join("; "));
    }
    if results
        .iter()
        .any(|(_, s)| refusal(*s) == Refusal::ServerError)
    {
        return f
            .fail()
            .detail(format!("{detail}: a forged token crashes the server (should be 401)"))
            .hint("the authentication code raises on a bad token instead of refusing it: let simplejwt's JWTAuthentication handle tokens (it answers 401 token_not_valid) and read the traceback in the logs");
    }
    if results.iter().any(|(_, s)| refusal(*s) == Refusal::Other) {
        return f
            .warn()
            .detail(format!("{detail}: refused, but not with 401"))
            .hint("answer bad or missing tokens with 401 so the frontend knows to log in again");
    }
    if results
        .iter()
        .any(|(_, s)| refusal(*s) == Refusal::Forbidden)
    {
        return f.pass().detail(format!(
            "{detail}: all refused (403 rather than 401 is reported under endpoints)"
        ));
    }
    f.pass().detail(format!("{detail}: all refused"))
}

struct Tokens {
    access: String,
    refresh: Option<String>,
    date: Option<i64>,
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let row = |id: &str, title: &str| Finding::new(Module::Jwt, id, title.to_string());
    let titles = Titles::new(&ctx);
    let Some(creds) = ctx.target.credentials.clone() else {
        let (login, forged) =
            tokio::join!(probe_login(&ctx, &titles), probe_no_token(&ctx, &titles));
        sink.push(login);
        sink.push(forged);
        for (id, title) in [
            ("claims", &titles.claims),
            ("authenticated", &titles.authenticated),
            ("refresh", &titles.refresh),
            ("weak-secret", &titles.weak),
        ] {
            sink.push(
                row(id, title)
                    .skip()
                    .detail("not checked: no credentials")
                    .hint(SET_CREDENTIALS),
            );
        }
        return;
    };
    let rest_skipped = |sink: &Sink, why: &str| {
        for (id, title) in [
            ("claims", &titles.claims),
            ("authenticated", &titles.authenticated),
            ("refresh", &titles.refresh),
            ("rejects-forged", &titles.forged),
            ("weak-secret", &titles.weak),
        ] {
            sink.push(
                row(id, title)
                    .skip()
                    .detail(format!("not checked: {why} (see jwt.login)")),
            );
        }
    };
    if ctx.target.api_base.scheme() == "http" && !ctx.opts.allow_insecure_auth {
        sink.push(
            row("login", &titles.login)
                .skip()
                .detail(format!(
                    "refused to send the password to {}: plain http would carry it in clear text",
                    ctx.target.url_for(&ctx.target.auth.login_path)
                ))
                .hint("serve the API over https:// (or pass --allow-insecure-auth for a local test server)"),
        );
        rest_skipped(&sink, "login not attempted over plain http");
        return;
    }
    let (login, tokens) = login(&ctx, &titles, &creds).await;
    sink.push(login);
    let Some(tokens) = tokens else {
        rest_skipped(&sink, "no token (login did not succeed)");
        return;
    };
    let access_d = decode(&tokens.access);
    let refresh_d = tokens.refresh.as_deref().and_then(decode);
    if let Some(l) = access_d.as_ref().and_then(Decoded::lifetime) {
        ctx.metric("jwt_access_lifetime_seconds", &[], l as f64);
    }
    let claims_row = match &access_d {
        Some(a) => judge_claims(
            row("claims", &titles.claims),
            a,
            refresh_d.as_ref(),
            tokens.date,
            now(),
        ),
        None => row("claims", &titles.claims)
            .warn()
            .detail("the access token is not a JWS (three base64url parts): opaque token, nothing to decode"),
    };
    sink.push(claims_row);
    let weak = {
        let ctx = Arc::clone(&ctx);
        let title = titles.weak.clone();
        let d = access_d.clone();
        tokio::task::spawn_blocking(move || weak_secret(&ctx, &title, d.as_ref()))
    };
    let (auth_row, refresh_row, forged_row) = tokio::join!(
        authenticated(&ctx, &titles, &tokens.access),
        refresh(&ctx, &titles, tokens.refresh.as_deref()),
        forged(&ctx, &titles, &tokens.access),
    );
    sink.push(auth_row);
    sink.push(refresh_row);
    sink.push(forged_row);
    match weak.await {
        Ok(f) => sink.push(f),
        Err(_) => sink.push(
            row("weak-secret", &titles.weak)
                .error()
                .detail("the secret check did not finish"),
        ),
    }
}

struct Titles {
    login: String,
    claims: String,
    authenticated: String,
    refresh: String,
    forged: String,
    weak: String,
}

impl Titles {
    fn new(ctx: &Context) -> Titles {
        let a = &ctx.target.auth;
        Titles {
            login: format!("POST {} logs in and returns tokens", a.login_path),
            claims: "access token claims are sane (alg, lifetime, clock)".into(),
            authenticated: format!("GET {} with the token answers 200", a.profile_path),
            refresh: format!("POST {} returns a working access token", a.refresh_path),
            forged: "missing, tampered and alg:none tokens are refused (401)".into(),
            weak: "the token is not signed with a publicly known secret".into(),
        }
    }
}

pub fn login_request(ctx: &Context, user: &str, pass: &str) -> HttpRequest {
    let a = &ctx.target.auth;
    let mut body = serde_json::Map::new();
    body.insert(a.username_field.clone(), json!(user));
    body.insert(a.password_field.clone(), json!(pass));
    HttpRequest::new(Method::POST, ctx.target.url_for(&a.login_path))
        .header("accept", "application/json")
        .json_body(&Value::Object(body))
        .max_body(256 * 1024)
}

/// Register every JWT-shaped string in a response as a secret, before anything else reads it.
pub fn register_tokens(ctx: &Context, ex: &Exchange) -> Option<Value> {
    let body = ex.json()?;
    let mut found = Vec::new();
    jwt_strings(&body, &mut found);
    for t in &found {
        ctx.secrets.add_token(t);
    }
    Some(body)
}

/// A failed call described with the server's message, never its raw body.
fn answer(ex: &Exchange, body: Option<&Value>) -> String {
    match body.and_then(server_message) {
        Some(m) => format!("{}: \"{m}\"", ex.summary()),
        None => ex.summary(),
    }
}

async fn login(
    ctx: &Context,
    t: &Titles,
    creds: &crate::target::Credentials,
) -> (Finding, Option<Tokens>) {
    let start = Instant::now();
    let f = Finding::new(Module::Jwt, "login", t.login.clone());
    let req = login_request(ctx, &creds.username, &creds.password);
    let url = req.url.clone();
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return (ctx.net_failure(f, &e).duration(start.elapsed()), None),
    };
    let body = register_tokens(ctx, &ex);
    let f = f.duration(start.elapsed());
    let st = ex.status.as_u16();
    let said = answer(&ex, body.as_ref());
    let a = &ctx.target.auth;
    if ex.status.is_success() {
        let Some(body) = body else {
            return (
                f.fail()
                    .detail(format!("POST {url} as {} → {}; not JSON", creds.username, ex.summary()))
                    .hint("the login route answered but not with JSON: check the proxy routes it to Django"),
                None,
            );
        };
        let access = find_token(&body, &a.access_path, "access");
        let refresh = find_token(&body, &a.refresh_token_path, "refresh");
        let Some((access, apath)) = access else {
            return (
                f.fail()
                    .detail(format!("POST {url} as {} → {}; no access token in the response (looked at {}, tokens.access, access_token, token)", creds.username, ex.summary(), a.access_path))
                    .hint("return simplejwt's tokens from the login view (RefreshToken.for_user(user): 'access' and 'refresh'), or set the token path in the profile"),
                None,
            );
        };
        let mut notes = vec![format!("access token at `{apath}`")];
        if apath != a.access_path {
            notes.push(format!("not at the configured `{}`", a.access_path));
        }
        match &refresh {
            Some((_, rp)) => notes.push(format!("refresh token at `{rp}`")),
            None => notes.push("no refresh token".into()),
        }
        let date = ex.header("date").as_deref().and_then(parse_http_date);
        let tokens = Tokens {
            access,
            refresh: refresh.map(|r| r.0),
            date,
        };
        return (
            f.pass().detail(format!(
                "POST {url} as {} → {} ({})",
                creds.username,
                ex.summary(),
                notes.join(", ")
            )),
            Some(tokens),
        );
    }
    let detail = format!("POST {url} as {} → {said}", creds.username);
    let f = f
        .fail()
        .detail(detail)
        .browser_error(console_line("POST", url.as_str(), st));
    let f = match st {
        400 | 401 | 403 if !ex.is_json() => f.hint(
            "the login route answered HTML, not DRF's JSON, so the request never reached the login view: see endpoints.login (ALLOWED_HOSTS, the proxy)",
        ),
        400 | 401 | 403 => {
            let missing_field = body
                .as_ref()
                .and_then(Value::as_object)
                .is_some_and(|o| {
                    o.iter().any(|(k, v)| {
                        k != &a.username_field
                            && k != &a.password_field
                            && v.to_string().contains("required")
                    })
                });
            if missing_field {
                f.hint(format!("the login view wants other field names than `{}`/`{}`: set auth.username_field (e.g. `email`) in the profile", a.username_field, a.password_field))
            } else {
                f.hint("the server refused these credentials: check CONNCHECK_USERNAME / CONNCHECK_PASSWORD, that the account exists in this database and is active (is_active), and that email/username matches what the login view expects")
            }
        }
        301 | 302 | 303 | 307 | 308 => f.hint(format!(
            "the login POST is redirected to {} and conncheck does not resend the password: call the final URL (trailing slash, https) — see endpoints.login",
            ex.header("location").unwrap_or_default()
        )),
        404 | 405 => f.hint(format!(
            "the login route {} is not there: see endpoints.login for the path that answers",
            a.login_path
        )),
        500..=599 => f.hint("the backend fails at login: see endpoints.login and the app's logs (database, migrations)"),
        _ => f.hint("the login did not succeed; see endpoints.login"),
    };
    (f, None)
}

/// Without credentials: the login route exists and rejects bad ones cleanly.
async fn probe_login(ctx: &Context, t: &Titles) -> Finding {
    let start = Instant::now();
    let f = Finding::new(Module::Jwt, "login", t.login.clone());
    let req = login_request(
        ctx,
        "conncheck-no-such-user@example.invalid",
        "conncheck-not-a-password",
    );
    let url = req.url.clone();
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let body = register_tokens(ctx, &ex);
    let f = f.duration(start.elapsed());
    let said = answer(&ex, body.as_ref());
    let detail = format!("no credentials: POST {url} with a made-up user → {said}");
    match ex.status.as_u16() {
        400 | 401 if ex.is_json() => f
            .pass()
            .detail(format!("{detail}: the route exists and rejects bad credentials cleanly"))
            .hint(SET_CREDENTIALS),
        200..=299 => f
            .fail()
            .detail(format!("{detail}: a made-up user was let in"))
            .hint("the login view accepts unknown credentials: authenticate with django.contrib.auth.authenticate / simplejwt's TokenObtainPairView"),
        _ => f
            .fail()
            .detail(detail)
            .hint("the login route does not reject bad credentials with a JSON 400/401: see endpoints.login"),
    }
}

async fn status_of(
    ctx: &Context,
    bearer: Option<&str>,
) -> Result<Exchange, crate::net::http::NetError> {
    let a = &ctx.target.auth;
    let mut req = HttpRequest::get(ctx.target.url_for(&a.profile_path))
        .header("accept", "application/json")
        .max_body(64 * 1024);
    if let Some(tok) = bearer {
        req = req.header("authorization", &format!("{} {tok}", a.scheme));
    }
    let ex = ctx.http.send(req).await?;
    register_tokens(ctx, &ex);
    Ok(ex)
}

/// Without credentials: only the no-token case can run.
async fn probe_no_token(ctx: &Context, t: &Titles) -> Finding {
    let start = Instant::now();
    let f = Finding::new(Module::Jwt, "rejects-forged", t.forged.clone());
    let ex = match status_of(ctx, None).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let f = f.duration(start.elapsed());
    let st = ex.status.as_u16();
    let judged = judge_forged(f, &[("no token", st)]);
    if judged.status == Status::Pass {
        judged
            .skip()
            .detail(format!(
                "no token → {st} (refused); tampered and alg:none tokens need a real token to forge"
            ))
            .hint(SET_CREDENTIALS)
    } else {
        judged
    }
}

async fn authenticated(ctx: &Context, t: &Titles, access: &str) -> Finding {
    let start = Instant::now();
    let f = Finding::new(Module::Jwt, "authenticated", t.authenticated.clone());
    let ex = match status_of(ctx, Some(access)).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let f = f.duration(start.elapsed());
    let url = ex.url.clone();
    let said = answer(&ex, ex.json().as_ref());
    let detail = format!(
        "GET {url} with Authorization: {} <access token> → {said}",
        ctx.target.auth.scheme
    );
    let console = console_line("GET", url.as_str(), ex.status.as_u16());
    match ex.status.as_u16() {
        200 if ex.is_json() => f.pass().detail(detail),
        200 => f
            .warn()
            .detail(format!("{detail}; not JSON"))
            .hint("the profile route answered 200 but not JSON: check the proxy routes it to Django"),
        401 => f.fail().detail(detail).browser_error(console).hint(
            "the API refuses the token it just issued: every instance must share the same SIGNING_KEY/SECRET_KEY, AUTH_HEADER_TYPES must include the scheme sent ('Bearer'), and a proxy must pass the Authorization header through",
        ),
        403 => f.fail().detail(detail).browser_error(console).hint("the token is accepted but the user lacks permission for this route: check permission_classes and the account's flags"),
        _ => f.fail().detail(detail).browser_error(console).hint("the authenticated call failed: see endpoints.profile for the route's status"),
    }
}

async fn refresh(ctx: &Context, t: &Titles, refresh: Option<&str>) -> Finding {
    let start = Instant::now();
    let a = &ctx.target.auth;
    let f = Finding::new(Module::Jwt, "refresh", t.refresh.clone());
    let Some(refresh) = refresh else {
        return f
            .warn()
            .detail("the login response carried no refresh token: users must log in again when the access token expires")
            .hint("return the refresh token from the login view (simplejwt: str(RefreshToken.for_user(user))), or set its path in the profile");
    };
    let url = ctx.target.url_for(&a.refresh_path);
    let send = |tok: &str| {
        HttpRequest::new(Method::POST, url.clone())
            .header("accept", "application/json")
            .json_body(&json!({ a.refresh_field.clone(): tok }))
            .max_body(64 * 1024)
    };
    let ex = match ctx.http.send(send(refresh)).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let body = register_tokens(ctx, &ex);
    let said = answer(&ex, body.as_ref());
    let detail = format!("POST {url} with the refresh token → {said}");
    if !ex.status.is_success() {
        let hint = match ex.status.as_u16() {
            404 | 405 => format!("there is no refresh route at {}: add path('{}', TokenRefreshView.as_view()) to urls.py, or the frontend cannot renew sessions", a.refresh_path, a.refresh_path.trim_start_matches('/')),
            401 => "the server refuses the refresh token it just issued: check SIGNING_KEY is the same on every instance and the token_blacklist app's migrations ran".into(),
            400 => format!("the refresh view wants another field than `{}`: set auth.refresh_field in the profile", a.refresh_field),
            _ => "the refresh call failed: check the app's logs".into(),
        };
        return f
            .fail()
            .detail(detail)
            .hint(hint)
            .browser_error(console_line("POST", url.as_str(), ex.status.as_u16()))
            .duration(start.elapsed());
    }
    let Some((new_access, _)) = body
        .as_ref()
        .and_then(|b| find_token(b, &a.access_path, "access"))
    else {
        return f
            .fail()
            .detail(format!("{detail}; no access token in the answer"))
            .hint("TokenRefreshView returns {\"access\": …}: return the new access token")
            .duration(start.elapsed());
    };
    let new_refresh = body
        .as_ref()
        .and_then(|b| find_token(b, &a.refresh_token_path, "refresh"))
        .map(|r| r.0)
        .filter(|r| r != refresh);
    // The new access token and the replay of the old refresh token need only the refresh
    // answer: ask both at once.
    let replay = async {
        new_refresh.as_ref()?;
        match ctx.http.send(send(refresh)).await {
            Ok(ex) => {
                register_tokens(ctx, &ex);
                Some(ex.status.as_u16())
            }
            Err(_) => None,
        }
    };
    let (works, old) = tokio::join!(status_of(ctx, Some(&new_access)), replay);
    let works = match works {
        Ok(ex) => ex.status.as_u16(),
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    if works != 200 {
        return f
            .fail()
            .detail(format!("{detail}; the new access token → {works} on {}", a.profile_path))
            .hint("the refreshed access token is refused: check that refresh and verification use the same SIGNING_KEY and ALGORITHM")
            .duration(start.elapsed());
    }
    let mut notes = vec![format!("new access token works ({} → 200)", a.profile_path)];
    let mut status = Status::Pass;
    let mut hint = None;
    match &new_refresh {
        Some(_) => {
            notes.push(match old {
                Some(200) => "refresh tokens rotate; the old refresh token is still accepted (no blacklist after rotation)".into(),
                Some(s) => format!("refresh tokens rotate; the old refresh token is refused ({s})"),
                None => "refresh tokens rotate; replaying the old one did not complete".into(),
            });
        }
        None => {
            notes.push("refresh tokens do not rotate".into());
            if a.rotation == Some(true) {
                status = Status::Warn;
                hint = Some("the profile expects rotation: set SIMPLE_JWT['ROTATE_REFRESH_TOKENS'] = True (and BLACKLIST_AFTER_ROTATION with the token_blacklist app)".to_string());
            }
        }
    }
    f.status(status)
        .detail(format!("{detail}; {}", notes.join("; ")))
        .maybe_hint(hint)
        .duration(start.elapsed())
}

async fn forged(ctx: &Context, t: &Titles, access: &str) -> Finding {
    let start = Instant::now();
    let f = Finding::new(Module::Jwt, "rejects-forged", t.forged.clone());
    let tampered = tamper_signature(access);
    let none = alg_none(access);
    for tok in [&tampered, &none].into_iter().flatten() {
        ctx.secrets.add_token(tok);
    }
    let cases: Vec<(&str, Option<&str>)> = vec![
        ("no token", None),
        ("signature altered", tampered.as_deref()),
        ("alg none", none.as_deref()),
    ];
    let calls = cases
        .iter()
        .map(|(label, tok)| async move { (*label, status_of(ctx, *tok).await) });
    let answers = futures::future::join_all(calls).await;
    let f = f.duration(start.elapsed());
    let mut results = Vec::new();
    for (label, r) in &answers {
        match r {
            Ok(ex) => results.push((*label, ex.status.as_u16())),
            Err(e) => return ctx.net_failure(f, e),
        }
    }
    judge_forged(f, &results)
}

fn weak_secret(ctx: &Context, title: &str, d: Option<&Decoded>) -> Finding {
    let f = Finding::new(Module::Jwt, "weak-secret", title.to_string());
    let Some(d) = d else {
        return f.skip().detail("not a JWS: nothing to test");
    };
    let alg = d.alg();
    if !matches!(alg.as_str(), "HS256" | "HS384" | "HS512") {
        return f.skip().detail(format!(
            "alg {alg}: not an HMAC shared secret, nothing to guess"
        ));
    }
    let builtin = builtin_secrets();
    if let Some(i) = find_secret(d, &builtin) {
        let shown = if builtin[i].is_empty() {
            "the empty string".to_string()
        } else {
            format!("\"{}\"", builtin[i])
        };
        return f
            .fail()
            .detail(format!(
                "CRITICAL: the {alg} signature verifies with the publicly known secret {shown}: anyone can forge tokens for any user"
            ))
            .hint("set SECRET_KEY (and SIMPLE_JWT['SIGNING_KEY']) from the environment to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), then rotate: every token signed with the old key must die");
    }
    let mut tried = format!("{} publicly known secrets", builtin.len());
    if let Some(path) = &ctx.opts.jwt_wordlist {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let list = parse_wordlist(&text);
                if let Some(i) = find_secret(d, &list) {
                    return f
                        .fail()
                        .detail(format!(
                            "CRITICAL: the {alg} signature verifies with entry {} of {} (not shown)",
                            i + 1,
                            path.display()
                        ))
                        .hint("set SECRET_KEY / SIMPLE_JWT['SIGNING_KEY'] from the environment to a long random value not on any list, and rotate it");
                }
                tried.push_str(&format!(" and {} from {}", list.len(), path.display()));
            }
            Err(e) => {
                return f.error().detail(format!(
                    "{tried} did not match, but --jwt-wordlist {} could not be read: {e}",
                    path.display()
                ));
            }
        }
    }
    f.pass()
        .detail(format!("{alg}: none of {tried} signs this token"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(secret: &str, claims: Value) -> String {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn simplejwt(secret: &str, life: i64) -> String {
        token(
            secret,
            json!({"token_type": "access", "iat": 1_700_000_000, "exp": 1_700_000_000 + life, "jti": "x", "user_id": 1}),
        )
    }

    #[test]
    fn builtin_list_is_long_and_has_the_known_defaults() {
        let l = builtin_secrets();
        assert!(l.len() >= 100, "{}", l.len());
        for s in [
            "",
            "django-insecure-change-this-in-production",
            "your-256-bit-secret",
            "secret",
            "changeme",
        ] {
            assert!(l.iter().any(|x| x == s), "{s:?}");
        }
    }

    #[test]
    fn known_secrets_are_found_and_others_are_not() {
        let cases = [
            ("django-insecure-change-this-in-production", true),
            ("your-256-bit-secret", true),
            ("", true),
            ("keyboard cat", true),
            ("lab-3x9QeVr7wYtL2mKcP8sZ1uHdNfGbJ4aE6oXiRy0TqW5vBn", false),
        ];
        let list = builtin_secrets();
        for (secret, want) in cases {
            let d = decode(&simplejwt(secret, 300)).unwrap();
            assert_eq!(find_secret(&d, &list).is_some(), want, "{secret:?}");
        }
        // HS512 too.
        let t = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
            &json!({"a": 1}),
            &jsonwebtoken::EncodingKey::from_secret(b"changeme"),
        )
        .unwrap();
        assert!(find_secret(&decode(&t).unwrap(), &list).is_some());
    }

    #[test]
    fn wordlist_parsing_skips_comments_and_blank_lines() {
        assert_eq!(
            parse_wordlist("# c\r\nalpha\r\n\n  \nbeta gamma\n"),
            vec!["alpha", "beta gamma"]
        );
    }

    #[test]
    fn forged_tokens_keep_claims_and_break_signature() {
        let t = simplejwt("k", 300);
        let bad = tamper_signature(&t).unwrap();
        assert_ne!(bad, t);
        assert_eq!(bad.split('.').nth(1), t.split('.').nth(1));
        assert!(decode(&bad).is_some());
        let none = alg_none(&t).unwrap();
        let d = decode(&none).unwrap();
        assert_eq!(d.alg(), "none");
        assert!(d.signature.is_empty());
        assert_eq!(d.claims["user_id"], 1);
    }

    #[test]
    fn tokens_are_found_at_configured_or_common_paths() {
        let t = simplejwt("k", 300);
        let cases = [
            (json!({"access": t, "refresh": t}), "access", Some("access")),
            (
                json!({"tokens": {"access": t}}),
                "access",
                Some("tokens.access"),
            ),
            (
                json!({"tokens": {"access": t}}),
                "tokens.access",
                Some("tokens.access"),
            ),
            (json!({"access_token": t}), "access", Some("access_token")),
            (json!({"access": "not-a-jwt"}), "access", None),
            (json!({"user": {}}), "access", None),
        ];
        for (body, path, want) in cases {
            let got = find_token(&body, path, "access").map(|x| x.1);
            assert_eq!(got.as_deref(), want, "{body}");
        }
    }

    #[test]
    fn server_messages_are_extracted() {
        let cases = [
            (
                json!({"detail": "No active account found with the given credentials"}),
                Some("No active account found with the given credentials"),
            ),
            (
                json!({"non_field_errors": ["Invalid credentials"]}),
                Some("Invalid credentials"),
            ),
            (
                json!({"email": ["This field is required."]}),
                Some("email: This field is required."),
            ),
            (json!({"ok": true}), None),
        ];
        for (body, want) in cases {
            assert_eq!(server_message(&body).as_deref(), want);
        }
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
            Some(951825600)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    /// Out-of-range fields from a server's `Date` overflowed the day arithmetic (a panic in
    /// debug builds, a wrapped timestamp in release).
    #[test]
    fn http_date_out_of_range_fields_are_rejected() {
        for d in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
            "Sun, -9223372036854775808 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 9223372036854775807:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:9223372036854775807 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
        ] {
            assert_eq!(parse_http_date(d), None, "{d}");
        }
    }

    #[test]
    fn claims_verdicts() {
        let f = || Finding::new(Module::Jwt, "claims", "c");
        let access = decode(&simplejwt("k", 3600)).unwrap();
        let refresh = decode(&simplejwt("k", 86400)).unwrap();
        let date = Some(1_700_000_000);
        let now = 1_700_000_010;
        let ok = judge_claims(f(), &access, Some(&refresh), date, now);
        assert_eq!(ok.status, Status::Pass, "{}", ok.detail);
        assert!(
            ok.detail.contains("access lifetime 1 h") && ok.detail.contains("refresh lifetime 1 d"),
            "{}",
            ok.detail
        );
        // Access outliving refresh.
        let w = judge_claims(f(), &refresh, Some(&access), date, now);
        assert_eq!(w.status, Status::Warn);
        assert!(w.detail.contains("outlives"));
        // alg none.
        let none = decode(&alg_none(&simplejwt("k", 60)).unwrap()).unwrap();
        let w = judge_claims(f(), &none, None, date, now);
        assert_eq!(w.status, Status::Warn);
        assert!(w.detail.contains("alg: none"), "{}", w.detail);
        // Skewed server clock.
        let w = judge_claims(f(), &access, None, Some(1_700_000_000 - 600), now);
        assert_eq!(w.status, Status::Warn);
        assert!(w.detail.contains("+600 s"), "{}", w.detail);
        // No exp.
        let t = token("k", json!({"iat": 1}));
        let w = judge_claims(f(), &decode(&t).unwrap(), None, None, now);
        assert_eq!(w.status, Status::Warn);
        assert!(w.detail.contains("never expires"));
    }

    #[test]
    fn forged_verdicts() {
        let f = || Finding::new(Module::Jwt, "rejects-forged", "f");
        type Case<'a> = (Vec<(&'a str, u16)>, Status, &'a str);
        let cases: Vec<Case> = vec![
            (
                vec![
                    ("no token", 401),
                    ("signature altered", 401),
                    ("alg none", 401),
                ],
                Status::Pass,
                "all refused",
            ),
            (
                vec![
                    ("no token", 401),
                    ("signature altered", 200),
                    ("alg none", 401),
                ],
                Status::Fail,
                "CRITICAL",
            ),
            (
                vec![
                    ("no token", 401),
                    ("signature altered", 401),
                    ("alg none", 200),
                ],
                Status::Fail,
                "alg none",
            ),
            (
                vec![
                    ("no token", 401),
                    ("signature altered", 500),
                    ("alg none", 401),
                ],
                Status::Fail,
                "crashes",
            ),
            (
                vec![
                    ("no token", 403),
                    ("signature altered", 403),
                    ("alg none", 403),
                ],
                Status::Pass,
                "403",
            ),
            (
                vec![
                    ("no token", 400),
                    ("signature altered", 401),
                    ("alg none", 401),
                ],
                Status::Warn,
                "not with 401",
            ),
        ];
        for (results, want, phrase) in cases {
            let r = judge_forged(f(), &results);
            assert_eq!(r.status, want, "{results:?}");
            assert!(r.detail.contains(phrase), "{}", r.detail);
        }
    }
}
