//! The access token for protected routes, and the calls made with it.
//!
//! The token comes from the same login the JWT module makes ([`login`] is the one place that
//! calls it, so it can be repointed at a shared login), once per run; every `auth = true` route is
//! then called with it, all at once, so each route's verdict can tell whether the others accepted
//! the same token.

use super::judge::{self, Verdict};
use super::{request_for, seen_of, send_minding_429, token_clues, words};
use crate::engine::context::Context;
use crate::net::http::{Exchange, NetError};
use crate::observe::plan::Plan;
use crate::target::{Credentials, Endpoint};
use std::sync::Arc;

/// The login's answer, as the checks that use it need it (never the password; the tokens are
/// registered as secrets before anything reads them).
#[derive(Debug, Clone)]
pub struct LoginAnswer {
    pub exchange: Exchange,
    /// The access token, when the login succeeded and one was found.
    pub access: Option<String>,
}

/// The run's one login (shared with the JWT and WebSocket modules: one POST per run, so a
/// lockout plugin counts one attempt).
pub async fn login(ctx: &Context, _creds: &Credentials) -> Result<LoginAnswer, NetError> {
    use crate::observe::login::Login;
    match &*ctx.login().await {
        Login::Answered(a) => Ok(LoginAnswer {
            exchange: a.exchange.clone(),
            access: a
                .access
                .as_ref()
                .filter(|_| a.exchange.status.is_success())
                .map(|f| f.token.clone()),
        }),
        Login::Failed { error, .. } => Err(error.clone()),
        Login::NoCredentials | Login::PlainHttp { .. } => {
            Err(NetError::Other("no login was made".into()))
        }
    }
}

/// Whether conncheck may send the password to this API (https, or explicitly allowed).
pub fn may_send_password(ctx: &Context) -> bool {
    ctx.target.api_base.scheme() == "https" || ctx.opts.allow_insecure_auth
}

type Answer = Result<(Exchange, Option<u64>), NetError>;

struct Phase {
    token: String,
    answers: Vec<(String, Answer)>,
}

/// The calls with a token, made once for all protected routes.
pub struct TokenCalls<'a> {
    ctx: &'a Context,
    plan: &'a Plan,
    cell: tokio::sync::OnceCell<Option<Arc<Phase>>>,
}

/// What the call with a token added to a protected route's row.
pub enum WithToken {
    /// The verdict on the answer, and the words to append to the row's detail.
    Answered(Verdict, String, u16),
    /// No token could be had (the login's row says why): only a note.
    NoToken(String),
}

impl<'a> TokenCalls<'a> {
    pub fn new(ctx: &'a Context, plan: &'a Plan) -> TokenCalls<'a> {
        TokenCalls {
            ctx,
            plan,
            cell: tokio::sync::OnceCell::new(),
        }
    }

    async fn phase(&self) -> Option<Arc<Phase>> {
        let ctx = self.ctx;
        let creds = ctx.target.credentials.as_ref()?;
        if !may_send_password(ctx) {
            return None;
        }
        let token = login(ctx, creds).await.ok()?.access?;
        let scheme = &self.plan.auth.scheme;
        let calls = self.plan.endpoints.iter().filter(|e| e.auth).map(|ep| {
            let req = request_for(ep, ctx.target.url_for(&ep.path))
                .header("authorization", &format!("{scheme} {token}"));
            async move { (ep.name.clone(), send_minding_429(ctx, req).await) }
        });
        let answers = futures::future::join_all(calls).await;
        Some(Arc::new(Phase { token, answers }))
    }

    /// The with-token part of `ep`'s row; `None` without credentials (nothing to add).
    pub async fn call(&self, ep: &Endpoint) -> Option<WithToken> {
        self.ctx.target.credentials.as_ref()?;
        let phase = self.cell.get_or_init(|| self.phase()).await.clone();
        let Some(phase) = phase else {
            return Some(WithToken::NoToken(words::NO_TOKEN.into()));
        };
        let (_, answer) = phase.answers.iter().find(|(n, _)| *n == ep.name)?;
        let (ex, waited) = match answer {
            Ok(a) => a,
            Err(e) => return Some(WithToken::NoToken(words::token_call_failed(e))),
        };
        let mut seen = seen_of(ex);
        if let (Some(l), Some(_)) = (seen.rate_limit.as_mut(), waited) {
            l.retried = true;
        }
        let accepted_elsewhere = phase
            .answers
            .iter()
            .any(|(n, a)| *n != ep.name && matches!(a, Ok((ex, _)) if ex.status.is_success()));
        let clues = token_clues(&phase.token, ex, accepted_elsewhere, &self.plan.auth.scheme);
        let v = judge::classify_with_token(ep, &seen, &clues);
        let url = self.ctx.target.url_for(&ep.path);
        let suffix = words::with_token(
            &ep.method,
            url.as_str(),
            &ex.summary(),
            &words::what(&v, &seen),
        );
        Some(WithToken::Answered(v, suffix, seen.status))
    }
}
