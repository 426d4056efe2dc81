//! Section 3, HTTPS & security headers: plain HTTP redirects to HTTPS on the same host
//! (RFC 9110 §15.4), HSTS (RFC 6797), the baseline response headers, and the cookie flags
//! (RFC 6265bis: Secure, HttpOnly, SameSite) of the pages conncheck visits, for the API host and
//! every frontend host.
//!
//! This file does the I/O: it records answers and pushes rows. `judge.rs` and `cookies.rs`
//! decide on the recorded answers; `words.rs` words the verdicts.

pub mod cookies;
pub mod fixes;
pub mod judge;
pub mod site;
pub mod words;

use crate::engine::context::Context;
use crate::engine::model::{Finding, Module};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Row, Subject};
use crate::net::http::{Exchange, HttpRequest, NetError};
use crate::stack::Backend;
use cookies::CookieUse;
use futures::future::join_all;
use futures::FutureExt;
use judge::{Ending, HttpsFault, SecurityHeaders, Step};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;
use url::Url;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Https,
    about: "plain HTTP redirects to HTTPS, HSTS, security headers and cookie flags on every host",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// Hops followed from http:// before giving up.
const MAX_HOPS: usize = 10;

/// One host and the pages of it conncheck reads.
#[derive(Debug, Clone)]
struct HostPlan {
    host: String,
    port: u16,
    is_api: bool,
    is_frontend: bool,
    pages: Vec<Url>,
}

impl HostPlan {
    fn subject(&self) -> Subject {
        Subject::host(&self.host, Some(self.port).filter(|p| *p != 443))
    }
    fn host_port(&self) -> String {
        words::host_port(&self.host, self.port)
    }
}

fn plan(ctx: &Context) -> Vec<HostPlan> {
    let t = &ctx.target;
    let mut v: Vec<HostPlan> = Vec::new();
    let mut add = |u: &Url, api: bool| {
        if u.scheme() != "https" {
            return;
        }
        let host = u
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let port = u.port_or_known_default().unwrap_or(443);
        let i = match v.iter().position(|p| p.host == host && p.port == port) {
            Some(i) => i,
            None => {
                v.push(HostPlan {
                    host,
                    port,
                    is_api: false,
                    is_frontend: false,
                    pages: Vec::new(),
                });
                v.len() - 1
            }
        };
        let p = &mut v[i];
        p.is_api |= api;
        p.is_frontend |= !api;
        if !p.pages.contains(u) {
            p.pages.push(u.clone());
        }
    };
    add(&t.api_base, true);
    // Where Django sets cookies without a login: the health view and the admin login page.
    if let Some(h) = t.endpoints.iter().find(|e| e.name == "health") {
        add(&t.url_for(&h.path), true);
    }
    add(&t.url_for("/admin/login/"), true);
    for u in &t.frontend {
        add(u, false);
    }
    v
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let plans = plan(&ctx);
    let tasks = plans.into_iter().enumerate().map(|(i, p)| {
        let (ctx, sink) = (Arc::clone(&ctx), sink.clone());
        async move { check_host(&ctx, &sink, i, &p).await }
    });
    join_all(tasks).await;
}

async fn check_host(ctx: &Context, sink: &Sink, seq: usize, p: &HostPlan) {
    let start = Instant::now();
    let (redirect, pages, login, backend) = tokio::join!(
        redirect_row(ctx, seq, p),
        join_all(
            p.pages
                .iter()
                .map(|u| ctx.http.send(HttpRequest::get(u.clone())))
        ),
        login_cookies(ctx, p),
        backend_of(ctx, p)
    );
    sink.push(redirect.duration(start.elapsed()));
    let hp = p.host_port();
    let row = |r: Row, title: String| Finding::of(r, p.subject(), title).seq(seq);
    let first = match &pages[0] {
        Ok(ex) => ex,
        Err(e) => {
            for (r, title) in [
                (Row::HttpsHsts, words::hsts_title(&hp)),
                (Row::HttpsHeaders, words::headers_title(&hp)),
                (Row::HttpsCookies, words::cookie_flags_title(&hp)),
            ] {
                sink.push(ctx.net_failure(row(r, title), e).duration(start.elapsed()));
            }
            return;
        }
    };
    if first.status.as_u16() == 429 {
        let rows = rate_limited_rows(ctx, p, seq, first, &pages, &login);
        sink.extend(rows.into_iter().map(|r| r.duration(start.elapsed())));
        return;
    }
    let hsts_raw = first.header("strict-transport-security");
    let hsts = hsts_raw.as_deref().map(judge::parse_hsts);
    let v = judge::judge_hsts(hsts.as_ref());
    let f = row(Row::HttpsHsts, words::hsts_title(&hp))
        .status(v.status())
        .maybe_fault(v.fault(&p.host).map(crate::engine::Fault::new));
    let f = words::hsts(
        f,
        (&p.host, &first.url),
        (hsts_raw.as_deref(), hsts.as_ref()),
        &v,
        backend,
    );
    sink.push(f.duration(start.elapsed()));
    let v = judge::judge_headers(&security_headers(first), p.is_frontend);
    let f = row(Row::HttpsHeaders, words::headers_title(&hp))
        .status(v.status())
        .maybe_fault(v.fault(&p.host).map(crate::engine::Fault::new));
    sink.push(words::headers(f, &first.url, &v, backend).duration(start.elapsed()));
    let hsts_subdomains = hsts.as_ref().is_some_and(judge::Hsts::covers_subdomains);
    let rows = cookie_rows(ctx, p, seq, (&pages, &login), hsts_subdomains, backend);
    let ms = start.elapsed();
    sink.extend(rows.into_iter().map(|r| r.duration(ms)));
}

/// The rows of a host whose first page answered 429: HSTS and headers are not judged on the
/// limit's answer; cookies are, from what the pages and the login set.
fn rate_limited_rows(
    ctx: &Context,
    p: &HostPlan,
    seq: usize,
    first: &Exchange,
    pages: &[Result<Exchange, NetError>],
    login: &Option<LoginCookies>,
) -> Vec<Finding> {
    let hp = p.host_port();
    let retry_after = crate::checks::endpoints::rate_limit_of(first).retry_after;
    let fault = HttpsFault::RateLimited {
        host: p.host.clone(),
        retry_after,
    };
    let mut rows: Vec<Finding> = [
        (Row::HttpsHsts, words::hsts_title(&hp)),
        (Row::HttpsHeaders, words::headers_title(&hp)),
    ]
    .into_iter()
    .map(|(r, title)| {
        let f = Finding::of(r, p.subject(), title)
            .seq(seq)
            .warn()
            .fault(fault.clone());
        words::rate_limited(f, &first.url, retry_after)
    })
    .collect();
    rows.extend(cookie_rows(ctx, p, seq, (pages, login), false, None));
    rows
}

fn security_headers(ex: &Exchange) -> SecurityHeaders {
    SecurityHeaders {
        nosniff: ex.header("x-content-type-options"),
        frame_options: ex.header("x-frame-options"),
        csp: ex.header_all("content-security-policy").join(", "),
        referrer_policy: ex.header("referrer-policy"),
    }
}

/// The Set-Cookie headers of the login response, with the login's path, when this is the API
/// host and there are credentials to log in with.
async fn login_cookies(ctx: &Context, p: &HostPlan) -> Option<LoginCookies> {
    let creds = ctx.target.credentials.as_ref().filter(|_| p.is_api)?;
    if !crate::checks::endpoints::session::may_send_password(ctx) {
        return None;
    }
    let answer = crate::checks::endpoints::session::login(ctx, creds)
        .await
        .ok()?;
    Some(LoginCookies {
        path: answer.exchange.url.path().to_string(),
        status: answer.exchange.status.as_u16(),
        set_cookie: answer.exchange.header_all("set-cookie"),
    })
}

/// What the login answered, for the cookie rows.
struct LoginCookies {
    path: String,
    status: u16,
    set_cookie: Vec<String>,
}

/// Whether the SPA calls the API from another site with credentials, so the cookies the API's
/// login sets must be `SameSite=None; Secure` to be sent at all.
fn cross_site_credentials(ctx: &Context) -> bool {
    let t = &ctx.target;
    let api = t.api_base.host_str().unwrap_or("");
    t.credentials_mode_include && t.origins.iter().any(|o| site::cross_site(&o.host(), api))
}

/// The cookie rows of one host: the login's cookies first (judged as cookies the API relies
/// on), then those of every page of the host that answered; fixes in `backend`'s words.
fn cookie_rows(
    ctx: &Context,
    p: &HostPlan,
    seq: usize,
    (pages, login): (&[Result<Exchange, NetError>], &Option<LoginCookies>),
    hsts_subdomains: bool,
    backend: Option<Backend>,
) -> Vec<Finding> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut visited = Vec::new();
    if let Some(l) = login {
        visited.push(words::visited_login(&l.path, l.status));
        seen.extend(l.set_cookie.iter().map(|c| (l.path.clone(), c.clone())));
    }
    let from_login = seen.len();
    for (u, r) in p.pages.iter().zip(pages) {
        match r {
            Ok(ex) => {
                visited.push(words::visited(u.path(), &ex.status.as_u16().to_string()));
                for c in ex.header_all("set-cookie") {
                    seen.push((u.path().to_string(), c));
                }
            }
            Err(e) => visited.push(words::visited(u.path(), &e.to_string())),
        }
    }
    let login_names: Vec<String> = cookies::distinct(&seen[..from_login])
        .into_iter()
        .map(|(_, c)| c.name)
        .collect();
    let cross = cross_site_credentials(ctx);
    let hp = p.host_port();
    let rows: Vec<Finding> = cookies::distinct(&seen)
        .into_iter()
        .map(|(path, c)| {
            let usage = CookieUse {
                hsts_subdomains,
                cross_site_credentials: cross && login_names.contains(&c.name),
            };
            cookie_row(p, seq, (&hp, &path), &c, usage, backend)
        })
        .collect();
    if !rows.is_empty() {
        return rows;
    }
    let f = Finding::of(
        Row::HttpsCookies,
        p.subject(),
        words::cookie_flags_title(&hp),
    )
    .seq(seq);
    vec![words::no_cookies(f.pass(), &visited)]
}

fn cookie_row(
    p: &HostPlan,
    seq: usize,
    (hp, path): (&str, &str),
    c: &cookies::Cookie,
    usage: CookieUse,
    backend: Option<Backend>,
) -> Finding {
    let problem = cookies::judge_cookie(c, usage);
    let mut f = Finding::of(Row::HttpsCookies, p.subject(), words::cookie_title(hp, c)).seq(seq);
    if let Some(pr) = problem {
        f = f.status(pr.status()).fault(HttpsFault::Cookie {
            host: p.host.clone(),
            cookie: c.name.clone(),
            problem: pr,
        });
    }
    words::cookie(f, (c, path), problem, backend)
}

/// The framework a host's fixes are worded for: the API's recognised backend on the API host;
/// none on a frontend-only host (static files behind a proxy or platform: the header itself).
async fn backend_of(ctx: &Context, p: &HostPlan) -> Option<Backend> {
    if !p.is_api {
        return None;
    }
    let api = &ctx.target.api_base;
    ctx.observed.stack(&ctx.http, api, &[]).await.backend()
}

async fn redirect_row(ctx: &Context, seq: usize, p: &HostPlan) -> Finding {
    let port = ctx.target.http_port;
    let host = if p.host.contains(':') {
        format!("[{}]", p.host)
    } else {
        p.host.clone()
    };
    let start_url = if port == 80 {
        format!("http://{host}/")
    } else {
        format!("http://{host}:{port}/")
    };
    let f = Finding::of(
        Row::HttpsRedirect,
        p.subject(),
        words::redirect_title(&p.host),
    )
    .seq(seq);
    let Ok(url) = Url::parse(&start_url) else {
        return f
            .error()
            .detail(format!("cannot build {start_url}"))
            .fault(crate::engine::fault::RunFault::Internal);
    };
    let (steps, ending) = match follow(ctx, url).await {
        Ok(chain) => chain,
        Err(e) => return first_hop_failed(ctx, f, &p.host, port, &e),
    };
    let v = judge::judge_redirect(&p.host, &steps, &ending);
    let backend = backend_of(ctx, p).await;
    let mut f = f.status(v.status());
    match v.fault(&p.host) {
        Some(fault) => f = f.fault(fault),
        None if v.status() != crate::engine::model::Status::Pass => {
            f = f.fault(crate::engine::fault::RunFault::Internal)
        }
        None => {}
    }
    words::redirect(f, &p.host, (&steps, &ending), &v, backend)
}

/// Follow redirects from `url` by hand, recording each answer; `Err` when the first request
/// fails on the network.
async fn follow(ctx: &Context, mut url: Url) -> Result<(Vec<Step>, Ending), NetError> {
    let mut steps: Vec<Step> = Vec::new();
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let ending = loop {
        visited.insert(url.to_string());
        let ex = match ctx.http.send(HttpRequest::get(url.clone())).await {
            Err(e) if steps.is_empty() => return Err(e),
            Err(e) => break Ending::Failed(e.to_string()),
            Ok(ex) => ex,
        };
        let location = ex.header("location");
        steps.push(Step {
            url: url.to_string(),
            status: ex.status.as_u16(),
            location: location.clone(),
            content_type: ex.content_type(),
        });
        let next = match (ex.status.is_redirection(), location) {
            (true, Some(l)) => url.join(l.trim()).ok(),
            _ => None,
        };
        let Some(next) = next else {
            break Ending::Answered;
        };
        if visited.contains(next.as_str()) {
            break Ending::Loop;
        }
        if steps.len() >= MAX_HOPS {
            break Ending::TooMany;
        }
        url = next;
    };
    Ok((steps, ending))
}

fn first_hop_failed(ctx: &Context, f: Finding, host: &str, port: u16, e: &NetError) -> Finding {
    match e {
        NetError::ConnectRefused(_) | NetError::ConnectTimeout(_) => {
            let f = f.warn().fault(HttpsFault::NoPlainHttp {
                host: host.to_string(),
                port,
            });
            words::no_plain_http(f, host, port, &e.to_string())
        }
        _ => ctx.net_failure(f, e),
    }
}

#[cfg(test)]
mod tests;
