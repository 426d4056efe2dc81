//! Section 6, Authentication (JWT; RFC 7519, RFC 8725 best practices, simplejwt's flow): a real
//! user can log in, call the API and refresh; the API refuses missing, tampered and `alg: none`
//! tokens; and the HMAC key is not one of the publicly known defaults.
//!
//! This file does the I/O: the run's one login comes from [`Context::login`] (shared with the
//! WebSocket module), the other calls are made here; [`judge`] decides, [`words`] words,
//! [`token`] holds the JWS mechanics. Credentials come from CONNCHECK_USERNAME /
//! CONNCHECK_PASSWORD only; every token is registered with the run's secrets before anything
//! could show it, and no text here ever carries one.

pub mod csrf;
mod csrf_run;
pub mod csrf_types;
pub mod csrf_words;
pub mod fixes;
pub mod judge;
pub mod token;
pub mod words;

pub use token::{
    alg_none, builtin_secrets, decode, find_secret, parse_http_date, parse_wordlist,
    server_message, tamper_signature, Decoded, BUILTIN_SECRETS,
};

use crate::browser::jwt::failed_call;
use crate::engine::context::Context;
use crate::engine::fault::{Missing, RunFault, Unchecked};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Finding, Module, Row, Status, Subject};
use crate::net::http::{Exchange, HttpRequest, NetError};
use crate::observe::login::{self, find_token, register_tokens, Answer, Login, TokenKind};
use crate::observe::plan::Plan;
use crate::stack::Backend;
use crate::target::AuthFlow;
use futures::FutureExt;
use http::Method;
use judge::{Forgery, JwtFault, Verdict};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use words::{NotChecked, Titles, SET_CREDENTIALS};

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Jwt,
    about: "log in, decode the token, call the API with it, refresh, and confirm forged or guessable tokens are refused",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The subjects of the rows: the routes of the auth flow (named as the endpoint map names
/// them), or the deployment's tokens.
#[derive(Clone)]
struct Subjects {
    login: Subject,
    profile: Subject,
    refresh: Subject,
    /// The auth flow the run follows (the frontend's, unless a profile pinned one).
    auth: AuthFlow,
    /// The framework whose words the fixes are said in (`None`: not recognised).
    backend: Option<Backend>,
    /// The app's code was read and calls no refresh route.
    no_refresh_flow: bool,
}

impl Subjects {
    fn new(plan: &Plan) -> Subjects {
        let a = &plan.auth;
        Subjects {
            login: route(plan, "login", "POST", &a.login_path),
            profile: route(plan, "profile", "GET", &a.profile_path),
            refresh: route(plan, "refresh", "POST", &a.refresh_path),
            auth: a.clone(),
            backend: None,
            no_refresh_flow: plan.discovered && !plan.refresh_called,
        }
    }
}

/// An auth route as a subject: the endpoint map's entry for it when there is one, else `name`.
fn route(t: &Plan, name: &str, method: &str, path: &str) -> Subject {
    let mapped = t
        .endpoints
        .iter()
        .find(|e| e.path == path && e.method.eq_ignore_ascii_case(method));
    Subject::endpoint(mapped.map_or(name, |e| e.name.as_str()), method, path)
}

/// The rows after the login, with their subjects and titles.
fn later_rows<'a>(t: &'a Titles, s: &Subjects) -> [(Row, Subject, &'a str); 5] {
    [
        (Row::JwtClaims, Subject::Deployment, &t.claims),
        (Row::JwtAuthenticated, s.profile.clone(), &t.authenticated),
        (Row::JwtRefresh, s.refresh.clone(), &t.refresh),
        (Row::JwtRejectsForged, s.profile.clone(), &t.forged),
        (Row::JwtWeakSecret, Subject::Deployment, &t.weak),
    ]
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let plan = ctx.observed.plan(&ctx.http, &ctx.target).await;
    let titles = Titles::new(&plan.auth);
    let stack = ctx.stack(&[]).await;
    let subjects = Subjects {
        backend: judge::speaks(&stack, None),
        ..Subjects::new(&plan)
    };
    if ctx.target.credentials.is_none() {
        let ((login, post), forged) = tokio::join!(
            probe_login(&ctx, &titles, &subjects),
            probe_no_token(&ctx, &titles, &subjects)
        );
        sink.push(login);
        sink.push(forged);
        let row = Finding::of(Row::JwtCsrf, subjects.login.clone(), csrf_words::TITLE);
        sink.push(match post {
            Some(post) => csrf_run::row(&ctx, row, (&post).into(), &plan).await,
            None => row
                .skip()
                .fault(Unchecked(Missing::Credentials))
                .detail(csrf_words::skipped(None, csrf::CsrfSkip::NoCredentials)),
        });
        for (row, subject, title) in later_rows(&titles, &subjects) {
            if row != Row::JwtRejectsForged {
                sink.push(
                    Finding::of(row, subject, title)
                        .skip()
                        .fault(Unchecked(Missing::Credentials))
                        .detail("not checked: no credentials")
                        .hint(SET_CREDENTIALS),
                );
            }
        }
        return;
    }
    let skip_rest = |why: NotChecked| {
        for (row, subject, title) in later_rows(&titles, &subjects) {
            sink.push(
                Finding::of(row, subject, title)
                    .skip()
                    .fault(Unchecked(Missing::Token))
                    .detail(words::not_checked(why)),
            );
        }
    };
    let observed = ctx.login().await;
    let row = Finding::of(Row::JwtLogin, subjects.login.clone(), &titles.login);
    let csrf = Finding::of(Row::JwtCsrf, subjects.login.clone(), csrf_words::TITLE);
    let answer = match &*observed {
        Login::Answered(a) => a,
        Login::PlainHttp { url } => {
            sink.push(
                row.skip()
                    .fault(JwtFault::InsecureLogin)
                    .detail(words::plain_http_detail(url))
                    .hint(words::PLAIN_HTTP_HINT),
            );
            sink.push(
                csrf.skip()
                    .fault(JwtFault::InsecureLogin)
                    .detail(words::plain_http_detail(url)),
            );
            return skip_rest(NotChecked::PlainHttp);
        }
        Login::Failed { error, elapsed, .. } => {
            sink.push(ctx.net_failure(row, error).duration(*elapsed));
            sink.push(ctx.net_failure(csrf, error));
            return skip_rest(NotChecked::NoToken);
        }
        Login::NoCredentials => return skip_rest(NotChecked::NoToken),
    };
    let post = csrf_run::CsrfPost {
        url: &answer.url,
        origin: answer.origin.clone(),
        exchange: &answer.exchange,
        body: answer.body.as_ref(),
        credentials: true,
        csrf_echoed: answer.csrf_echoed,
    };
    sink.push(csrf_run::row(&ctx, csrf, post, &plan).await);
    let subjects = Subjects {
        backend: judge::speaks(&stack, answer.body.as_ref()),
        ..subjects.clone()
    };
    let app_token = csrf::sends_token(csrf_run::app_csrf(&ctx).await.as_ref());
    let (login_row, verdict) = login_row(row, answer, &subjects, app_token);
    sink.push(login_row);
    let Some(access) = answer.access.as_ref().filter(|_| verdict.fault.is_none()) else {
        return skip_rest(NotChecked::NoToken);
    };
    let refresh = answer.refresh.as_ref().map(|f| f.token.as_str());
    after_login(
        &ctx,
        &sink,
        &titles,
        &subjects,
        answer,
        &access.token,
        refresh,
    )
    .await;
}

/// The rows that need the login's tokens.
async fn after_login(
    ctx: &Arc<Context>,
    sink: &Sink,
    titles: &Titles,
    subjects: &Subjects,
    answer: &Answer,
    access: &str,
    refresh: Option<&str>,
) {
    let access_d = decode(access);
    let refresh_d = refresh.and_then(decode);
    if let Some(l) = access_d.as_ref().and_then(Decoded::lifetime) {
        ctx.metric("jwt_access_lifetime_seconds", &[], l as f64);
    }
    let date = answer
        .exchange
        .header("date")
        .as_deref()
        .and_then(parse_http_date);
    let claims = Finding::of(Row::JwtClaims, Subject::Deployment, &titles.claims);
    sink.push(match &access_d {
        Some(a) => claims_row(claims, (a, refresh_d.as_ref()), date, subjects.backend),
        None => claims
            .warn()
            .fault(JwtFault::OpaqueToken)
            .detail(words::OPAQUE_TOKEN),
    });
    let weak = {
        let ctx = Arc::clone(ctx);
        let title = titles.weak.clone();
        let d = access_d.clone();
        let b = subjects.backend;
        tokio::task::spawn_blocking(move || weak_secret(&ctx, &title, d.as_ref(), b))
    };
    let (auth_row, refresh_row, forged_row) = tokio::join!(
        authenticated(ctx, titles, subjects, access),
        self::refresh(ctx, titles, subjects, refresh),
        forged(ctx, titles, subjects, access),
    );
    sink.push(auth_row);
    sink.push(refresh_row);
    sink.push(forged_row);
    match weak.await {
        Ok(f) => sink.push(f),
        Err(_) => sink.push(
            Finding::of(Row::JwtWeakSecret, Subject::Deployment, &titles.weak)
                .error()
                .fault(RunFault::Internal)
                .detail("the secret check did not finish"),
        ),
    }
}

/// Seconds since the epoch by this machine's clock.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn claims_row(
    f: Finding,
    (a, r): (&Decoded, Option<&Decoded>),
    date: Option<i64>,
    b: Option<Backend>,
) -> Finding {
    let (facts, problems) = judge::claims(a, r, date, now());
    let (detail, hint) = words::claims(&facts, &problems, b);
    with_verdict(f, judge::claims_verdict(&problems))
        .detail(detail)
        .maybe_hint(hint)
}

/// A row with a judge's status and fault.
fn with_verdict(f: Finding, v: Verdict) -> Finding {
    let f = f.status(v.status);
    match v.fault {
        Some(fault) => f.fault(fault),
        None => f,
    }
}

/// A failed call described with the server's message, never its raw body.
fn answer_text(ex: &Exchange, body: Option<&Value>) -> String {
    match body.and_then(server_message) {
        Some(m) => format!("{}: \"{m}\"", ex.summary()),
        None => ex.summary(),
    }
}

/// The session cookie a login answer set (an HttpOnly cookie), by name.
fn session_cookie(ex: &crate::net::http::Exchange) -> Option<String> {
    ex.header_all("set-cookie")
        .iter()
        .find(|c| c.to_ascii_lowercase().contains("httponly"))
        .and_then(|c| c.split('=').next())
        .map(|n| n.trim().to_string())
}

/// The login row, from the run's login answer. `app_token`: the app's code sends a CSRF token
/// this login could not carry.
fn login_row(f: Finding, a: &Answer, s: &Subjects, app_token: bool) -> (Finding, Verdict) {
    let auth = &s.auth;
    let ex = &a.exchange;
    let st = ex.status.as_u16();
    let f = f.duration(a.elapsed);
    let (head, verdict) = if ex.status.is_success() {
        let head = format!("POST {} as {} → {}", a.url, a.username, ex.summary());
        // A cookie-session app: the login's answer is a session, not a token.
        match session_cookie(ex).filter(|_| a.access.is_none() && a.csrf_echoed) {
            Some(name) => (
                format!(
                    "{head}; a cookie session (Set-Cookie {name}, HttpOnly), the CSRF token fetched and echoed as the app's code does: the app authenticates with cookies, not a JWT"
                ),
                Verdict::pass(),
            ),
            None => {
                let (body, found) = (a.body.is_some(), a.access.is_some());
                let v = judge::login_succeeded(body, found, &auth.access_path, st);
                (head, v)
            }
        }
    } else {
        let head = format!(
            "POST {} as {} → {}",
            a.url,
            a.username,
            answer_text(ex, a.body.as_ref())
        );
        let sent = [auth.username_field.as_str(), auth.password_field.as_str()];
        let refusal = csrf::refusal(st, &ex.body_text(), a.body.as_ref());
        let about_origin = refusal
            .as_ref()
            .is_some_and(|r| r.reason.origin_untrusted());
        let fault = judge::login_refused(
            judge::LoginAnswer {
                status: st,
                json: ex.is_json(),
                body: a.body.as_ref(),
                location: ex.header("location"),
                csrf_refused: refusal.is_some(),
                csrf_token_not_replayed: app_token && !about_origin,
            },
            sent,
        );
        (head, judge::refused_verdict(fault))
    };
    let mut notes = match &a.access {
        Some(acc) => words::token_notes(
            &acc.path,
            &auth.access_path,
            a.refresh.as_ref().map(|r| r.path.as_str()),
        ),
        None => Vec::new(),
    };
    if let Some(field) = &a.retried_with {
        notes.push(words::retried_with(&auth.username_field, field));
    }
    let detail = words::login_detail(&head, verdict.fault.as_ref(), &notes);
    let mut f = with_verdict(f, verdict.clone()).detail(detail);
    if let Some(fault) = &verdict.fault {
        f = f.hint(words::login_hint(fault, auth, s.backend));
        if !ex.status.is_success() && verdict.status == Status::Fail {
            f = f.browser_error(failed_call("POST", &a.url, st));
        }
    }
    (f, verdict)
}

/// Without credentials: the login route exists and rejects bad ones cleanly.
async fn probe_login(
    ctx: &Context,
    t: &Titles,
    s: &Subjects,
) -> (Finding, Option<csrf_run::ProbePost>) {
    let start = Instant::now();
    let f = Finding::of(Row::JwtLogin, s.login.clone(), &t.login);
    let req = login::request(
        &ctx.target,
        &s.auth,
        "conncheck-no-such-user@example.invalid",
        "conncheck-not-a-password",
    );
    let url = req.url.clone();
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return (ctx.net_failure(f, &e).duration(start.elapsed()), None),
    };
    let body = register_tokens(&ctx.secrets, &ex);
    let f = f.duration(start.elapsed());
    let said = answer_text(&ex, body.as_ref());
    let refusal = csrf::refusal(ex.status.as_u16(), &ex.body_text(), body.as_ref());
    let app_token = csrf::sends_token(csrf_run::app_csrf(ctx).await.as_ref());
    // A refusal for the token the app fetches first is not the app's: not checked.
    let not_replayed = refusal
        .as_ref()
        .is_some_and(|r| !r.reason.origin_untrusted() && app_token);
    let refused = refusal.is_some();
    let v = judge::login_probe(ex.status.as_u16(), ex.is_json(), (refused, not_replayed));
    let (detail, hint) = words::login_probe(&said, &url, v.fault.as_ref(), s.backend);
    let f = with_verdict(f, v).detail(detail).hint(hint);
    (
        f,
        Some(csrf_run::ProbePost {
            url,
            origin: login::browser_origin(&ctx.target).map(|o| o.as_str().to_string()),
            exchange: ex,
            body,
        }),
    )
}

/// GET the profile route, with this bearer token or none.
async fn status_of(
    ctx: &Context,
    a: &AuthFlow,
    bearer: Option<&str>,
) -> Result<Exchange, NetError> {
    let mut req = HttpRequest::get(ctx.target.url_for(&a.profile_path))
        .header("accept", "application/json")
        .max_body(64 * 1024);
    if let Some(tok) = bearer {
        req = req.header("authorization", &format!("{} {tok}", a.scheme));
    }
    let ex = ctx.http.send(req).await?;
    register_tokens(&ctx.secrets, &ex);
    Ok(ex)
}

/// Without credentials: only the no-token case can run.
async fn probe_no_token(ctx: &Context, t: &Titles, s: &Subjects) -> Finding {
    let start = Instant::now();
    let f = Finding::of(Row::JwtRejectsForged, s.profile.clone(), &t.forged);
    let ex = match status_of(ctx, &s.auth, None).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let f = f.duration(start.elapsed());
    let st = ex.status.as_u16();
    let results = [(Forgery::NoToken, st)];
    let v = judge::forged(&results);
    if v.status == Status::Pass {
        return f
            .skip()
            .fault(Unchecked(Missing::Credentials))
            .detail(words::forged_needs_token(st))
            .hint(SET_CREDENTIALS);
    }
    let (detail, hint) = words::forged(&results, v.fault.as_ref(), s.backend);
    with_verdict(f, v).detail(detail).maybe_hint(hint)
}

async fn authenticated(ctx: &Context, t: &Titles, s: &Subjects, access: &str) -> Finding {
    let start = Instant::now();
    let f = Finding::of(Row::JwtAuthenticated, s.profile.clone(), &t.authenticated);
    let ex = match status_of(ctx, &s.auth, Some(access)).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let f = f.duration(start.elapsed());
    let st = ex.status.as_u16();
    let said = answer_text(&ex, ex.json().as_ref());
    let head = format!(
        "GET {} with Authorization: {} <access token> → {said}",
        ex.url, s.auth.scheme
    );
    let v = judge::authenticated(st, ex.is_json());
    let (detail, hint) = words::authenticated(head, v.fault.as_ref(), s.backend);
    let console = v.status == Status::Fail;
    let f = with_verdict(f, v).detail(detail);
    let f = match hint {
        Some(h) => f.hint(h),
        None => f,
    };
    if console {
        f.browser_error(failed_call("GET", &ex.url, st))
    } else {
        f
    }
}

/// The refresh call the frontend makes with this refresh token.
fn refresh_request(ctx: &Context, a: &AuthFlow, tok: &str) -> HttpRequest {
    HttpRequest::new(Method::POST, ctx.target.url_for(&a.refresh_path))
        .header("accept", "application/json")
        .json_body(&json!({ a.refresh_field.clone(): tok }))
        .max_body(64 * 1024)
}

async fn refresh(ctx: &Context, t: &Titles, s: &Subjects, refresh: Option<&str>) -> Finding {
    let start = Instant::now();
    let a = &s.auth;
    let f = Finding::of(Row::JwtRefresh, s.refresh.clone(), &t.refresh);
    let Some(refresh) = refresh else {
        if a.refresh_via_cookie {
            return cookie_refresh(ctx, s, f).await.duration(start.elapsed());
        }
        if s.no_refresh_flow {
            // Nothing to refresh: the app logs in again when its token expires.
            return f.skip().detail(words::NO_REFRESH_FLOW);
        }
        let (detail, hint) = words::no_refresh_token(s.backend);
        return f
            .warn()
            .fault(JwtFault::NoRefreshToken)
            .detail(detail)
            .hint(hint);
    };
    let req = refresh_request(ctx, a, refresh);
    let url = req.url.clone();
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e).duration(start.elapsed()),
    };
    let body = register_tokens(&ctx.secrets, &ex);
    let head = format!(
        "POST {url} with the refresh token → {}",
        answer_text(&ex, body.as_ref())
    );
    if !ex.status.is_success() {
        let fault = judge::refresh_refused(ex.status.as_u16(), &a.refresh_field);
        return f
            .fail()
            .detail(head)
            .hint(words::refresh_hint(&fault, a, s.backend))
            .fault(fault)
            .browser_error(failed_call("POST", &url, ex.status.as_u16()))
            .duration(start.elapsed());
    }
    refreshed(ctx, s, f, &head, body.as_ref(), refresh)
        .await
        .duration(start.elapsed())
}

/// The refresh as an app keeping its refresh token in an httpOnly cookie makes it: a POST with
/// no body, the login's cookies and the frontend's Origin. The cookies' values are secrets.
async fn cookie_refresh(ctx: &Context, s: &Subjects, f: Finding) -> Finding {
    let a = &s.auth;
    let login = ctx.login().await;
    let cookies = match &*login {
        crate::observe::login::Login::Answered(ans) => ans.exchange.cookies(),
        _ => Vec::new(),
    };
    for (_, v) in &cookies {
        ctx.secrets.add(v);
    }
    let Some(header) = csrf::cookie_header(&cookies) else {
        return f
            .warn()
            .fault(JwtFault::NoRefreshToken)
            .detail(words::NO_REFRESH_COOKIE);
    };
    let url = ctx.target.url_for(&a.refresh_path);
    let mut req = HttpRequest::new(Method::POST, url.clone())
        .header("accept", "application/json")
        .header("cookie", &header)
        .max_body(64 * 1024);
    if let Some(o) = crate::observe::login::browser_origin(&ctx.target) {
        req = req.header("origin", o.as_str());
    }
    let ex = match ctx.http.send(req).await {
        Ok(ex) => ex,
        Err(e) => return ctx.net_failure(f, &e),
    };
    let body = register_tokens(&ctx.secrets, &ex);
    let head = format!(
        "POST {url} with the login's cookies (the refresh token is an httpOnly cookie, as the app's code sends it) → {}",
        answer_text(&ex, body.as_ref())
    );
    if !ex.status.is_success() {
        let fault = judge::refresh_refused(ex.status.as_u16(), &a.refresh_field);
        return f
            .fail()
            .detail(head)
            .hint(words::refresh_hint(&fault, a, s.backend))
            .fault(fault)
            .browser_error(failed_call("POST", &url, ex.status.as_u16()));
    }
    refreshed(ctx, s, f, &head, body.as_ref(), "").await
}

/// After a 2xx refresh answer: the new access token works, and whether refresh tokens rotate
/// (the old one replayed).
async fn refreshed(
    ctx: &Context,
    s: &Subjects,
    f: Finding,
    head: &str,
    body: Option<&Value>,
    refresh: &str,
) -> Finding {
    let a = &s.auth;
    let found = |path: &str, kind| body.and_then(|b| find_token(b, path, kind));
    let Some(new_access) = found(&a.access_path, TokenKind::Access) else {
        let fault = JwtFault::RefreshNoAccessToken;
        let detail = words::refresh_detail(head, Some(&fault), &a.profile_path, None);
        return f
            .fail()
            .detail(detail)
            .hint(words::refresh_hint(&fault, a, s.backend))
            .fault(fault);
    };
    let new_refresh = found(&a.refresh_token_path, TokenKind::Refresh)
        .map(|r| r.token)
        .filter(|r| r != refresh);
    // The new access token and the replay of the old refresh token need only the refresh
    // answer: ask both at once.
    let replay = async {
        new_refresh.as_ref()?;
        let ex = ctx.http.send(refresh_request(ctx, a, refresh)).await.ok()?;
        register_tokens(&ctx.secrets, &ex);
        Some(ex.status.as_u16())
    };
    let (works, old) = tokio::join!(status_of(ctx, a, Some(&new_access.token)), replay);
    let works = match works {
        Ok(ex) => ex.status.as_u16(),
        Err(e) => return ctx.net_failure(f, &e),
    };
    let v = judge::refresh(judge::RefreshSeen {
        works,
        rotated: new_refresh.is_some(),
        rotation_expected: a.rotation,
    });
    let rotated = new_refresh.is_some().then_some(old);
    let detail = words::refresh_detail(head, v.fault.as_ref(), &a.profile_path, rotated);
    let hint = v
        .fault
        .as_ref()
        .map(|fault| words::refresh_hint(fault, a, s.backend));
    with_verdict(f, v).detail(detail).maybe_hint(hint)
}

async fn forged(ctx: &Context, t: &Titles, s: &Subjects, access: &str) -> Finding {
    let start = Instant::now();
    let f = Finding::of(Row::JwtRejectsForged, s.profile.clone(), &t.forged);
    let tampered = tamper_signature(access);
    let none = alg_none(access);
    for tok in [&tampered, &none].into_iter().flatten() {
        ctx.secrets.add_token(tok);
    }
    let cases = [
        (Forgery::NoToken, None),
        (Forgery::SignatureAltered, tampered.as_deref()),
        (Forgery::AlgNone, none.as_deref()),
    ];
    let calls = cases
        .iter()
        .map(|(forgery, tok)| async move { (*forgery, status_of(ctx, &s.auth, *tok).await) });
    let answers = futures::future::join_all(calls).await;
    let f = f.duration(start.elapsed());
    let mut results = Vec::new();
    for (forgery, r) in &answers {
        match r {
            Ok(ex) => results.push((*forgery, ex.status.as_u16())),
            Err(e) => return ctx.net_failure(f, e),
        }
    }
    let v = judge::forged(&results);
    let (detail, hint) = words::forged(&results, v.fault.as_ref(), s.backend);
    with_verdict(f, v).detail(detail).maybe_hint(hint)
}

/// Try the publicly known secrets, then the team's wordlist (read here), offline.
fn weak_secret(ctx: &Context, title: &str, d: Option<&Decoded>, b: Option<Backend>) -> Finding {
    let f = Finding::of(Row::JwtWeakSecret, Subject::Deployment, title);
    let Some(d) = d else {
        return f.skip().detail("not a JWS: nothing to test");
    };
    let alg = d.alg();
    if !judge::is_hmac(&alg) {
        return f.skip().detail(format!(
            "alg {alg}: not an HMAC shared secret, nothing to guess"
        ));
    }
    let builtin = builtin_secrets();
    let mut tried = format!("{} publicly known secrets", builtin.len());
    let fault = if let Some(i) = find_secret(d, &builtin) {
        Some(JwtFault::KnownSecret {
            alg: alg.clone(),
            secret: builtin[i].clone(),
        })
    } else if let Some(path) = &ctx.opts.jwt_wordlist {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let list = parse_wordlist(&text);
                tried.push_str(&format!(" and {} from {}", list.len(), path.display()));
                find_secret(d, &list).map(|i| JwtFault::WordlistSecret {
                    alg: alg.clone(),
                    entry: i + 1,
                    list: path.clone(),
                })
            }
            Err(e) => Some(JwtFault::WordlistUnreadable {
                list: path.clone(),
                error: e.to_string(),
            }),
        }
    } else {
        None
    };
    let Some(fault) = fault else {
        return f
            .pass()
            .detail(format!("{alg}: none of {tried} signs this token"));
    };
    let (detail, hint) = words::weak_secret(&fault, &tried, b);
    let status = match fault {
        JwtFault::WordlistUnreadable { .. } => Status::Error,
        _ => Status::Fail,
    };
    let f = f.status(status).detail(detail).fault(fault);
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}
