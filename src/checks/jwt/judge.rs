//! Pure verdicts of section 6: what was observed → a status and, when not a pass, a typed
//! [`JwtFault`] carrying what was seen. No I/O and no prose (that is `words.rs`).

use super::token::Decoded;
use crate::engine::{FaultKind, Status};
use serde_json::Value;
use std::path::PathBuf;

/// An access token living longer than this is warned about: a stolen one stays useful for days
/// and cannot be revoked (seed 003 asks for minutes).
pub const LONG_ACCESS_LIFETIME: i64 = 24 * 3600;
/// Clock skew tolerated between a token's `iat` and the server's own `Date`.
pub const MAX_SKEW: i64 = 60;

/// What went wrong on a JWT row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtFault {
    /// Without credentials: a made-up user was let in.
    LoginAcceptsAnyone {
        status: u16,
    },
    /// Without credentials: the login route does not refuse bad credentials with JSON 400/401.
    LoginProbeUnclean {
        status: u16,
    },
    /// Not attempted: the password would travel over plain http.
    InsecureLogin,
    /// The login answered 2xx but not JSON.
    LoginNotJson {
        status: u16,
    },
    /// The login answered JSON without an access token where one is looked for.
    NoAccessToken {
        configured: String,
    },
    /// 400/401/403 in HTML: the request never reached the login view.
    LoginAnsweredHtml {
        status: u16,
    },
    /// 400/401/403 naming a required field other than the ones sent.
    LoginFieldNames {
        status: u16,
    },
    /// 400/401/403: the credentials were refused.
    CredentialsRefused {
        status: u16,
    },
    LoginRedirected {
        status: u16,
        location: String,
    },
    LoginRouteMissing {
        status: u16,
    },
    LoginServerError {
        status: u16,
    },
    LoginFailed {
        status: u16,
    },
    /// The login was refused by the API's CSRF check (jwt.csrf owns the cause).
    LoginCsrfRefused {
        status: u16,
    },
    /// An unsafe POST (with the frontend's `Origin`, when one is known) was refused by the
    /// API's CSRF check.
    Csrf {
        origin: Option<String>,
        refusal: super::csrf_types::CsrfRefusal,
    },
    /// The CSRF row could not judge: the login did not answer as a login (jwt.login owns it).
    CsrfNotReached {
        status: u16,
    },
    /// The CSRF row could not judge: refused for a token the app's code sends and conncheck
    /// could not get the way the app does.
    CsrfTokenNotReplayed,
    /// The access token's claims: every problem seen, the first one names the key.
    Claims(Vec<ClaimProblem>),
    /// The access token is not a JWS: nothing to decode.
    OpaqueToken,
    ProfileNotJson,
    /// The profile route refuses (401) the token the API just issued.
    FreshTokenRefused,
    TokenForbidden,
    ProfileCallFailed {
        status: u16,
    },
    NoRefreshToken,
    RefreshRouteMissing {
        status: u16,
    },
    RefreshTokenRefused,
    RefreshFieldName {
        field: String,
    },
    RefreshFailed {
        status: u16,
    },
    RefreshNoAccessToken,
    /// The refreshed access token is refused by the profile route.
    RefreshedTokenRefused {
        status: u16,
    },
    /// The profile expects rotation and the refresh token did not rotate.
    RefreshNotRotated,
    /// Forged credentials accepted (in the order they were tried).
    ForgedAccepted {
        accepted: Vec<Forgery>,
    },
    /// A forged token crashes the server (5xx).
    ForgedCrashes,
    /// Forged tokens refused, but not with 401.
    RefusedNot401,
    /// The HMAC secret is a publicly known one.
    KnownSecret {
        alg: String,
        secret: String,
    },
    /// The HMAC secret is an entry of the team's wordlist (not shown).
    WordlistSecret {
        alg: String,
        entry: usize,
        list: PathBuf,
    },
    WordlistUnreadable {
        list: PathBuf,
        error: String,
    },
}

/// One problem with the access token's claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimProblem {
    NoExp,
    /// The server issues `alg: none` tokens.
    Unsigned,
    AccessOutlivesRefresh {
        access: i64,
        refresh: i64,
    },
    /// The access token lives longer than [`LONG_ACCESS_LIFETIME`].
    LongLived {
        lifetime: i64,
    },
    /// `iat` minus the server's `Date`.
    ClockSkew {
        skew: i64,
    },
    /// Already expired by this machine's clock.
    ExpiredOnArrival,
}

/// A credential the API must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgery {
    NoToken,
    SignatureAltered,
    AlgNone,
}

impl ClaimProblem {
    fn key(self) -> &'static str {
        match self {
            ClaimProblem::NoExp => "jwt.no-exp",
            ClaimProblem::Unsigned => "jwt.unsigned-tokens",
            ClaimProblem::AccessOutlivesRefresh { .. } => "jwt.access-outlives-refresh",
            ClaimProblem::LongLived { .. } => "jwt.access-long-lived",
            ClaimProblem::ClockSkew { .. } => "jwt.clock-skew",
            ClaimProblem::ExpiredOnArrival => "jwt.expired-on-arrival",
        }
    }
}

impl FaultKind for JwtFault {
    fn key(&self) -> &'static str {
        use JwtFault::*;
        match self {
            LoginAcceptsAnyone { .. } => "jwt.login-accepts-anyone",
            LoginProbeUnclean { .. } => "jwt.login-probe-unclean",
            InsecureLogin => "jwt.insecure-login",
            LoginNotJson { .. } => "jwt.login-not-json",
            NoAccessToken { .. } => "jwt.no-access-token",
            LoginAnsweredHtml { .. } => "jwt.login-answered-html",
            LoginFieldNames { .. } => "jwt.login-field-names",
            CredentialsRefused { .. } => "jwt.credentials-refused",
            LoginRedirected { .. } => "jwt.login-redirected",
            LoginRouteMissing { .. } => "jwt.login-route-missing",
            LoginServerError { .. } => "jwt.login-server-error",
            LoginFailed { .. } => "jwt.login-failed",
            LoginCsrfRefused { .. } => "jwt.login-csrf-refused",
            Csrf { refusal, .. } if refusal.reason.origin_untrusted() => {
                "jwt.csrf-origin-untrusted"
            }
            Csrf { .. } => "jwt.csrf-token-missing",
            CsrfNotReached { .. } => "jwt.csrf-not-reached",
            CsrfTokenNotReplayed => "jwt.csrf-token-not-replayed",
            Claims(problems) => problems.first().map_or("jwt.claims", |p| p.key()),
            OpaqueToken => "jwt.opaque-token",
            ProfileNotJson => "jwt.profile-not-json",
            FreshTokenRefused => "jwt.fresh-token-refused",
            TokenForbidden => "jwt.token-forbidden",
            ProfileCallFailed { .. } => "jwt.profile-call-failed",
            NoRefreshToken => "jwt.no-refresh-token",
            RefreshRouteMissing { .. } => "jwt.refresh-route-missing",
            RefreshTokenRefused => "jwt.refresh-token-refused",
            RefreshFieldName { .. } => "jwt.refresh-field-name",
            RefreshFailed { .. } => "jwt.refresh-failed",
            RefreshNoAccessToken => "jwt.refresh-no-access-token",
            RefreshedTokenRefused { .. } => "jwt.refreshed-token-refused",
            RefreshNotRotated => "jwt.refresh-not-rotated",
            ForgedAccepted { accepted } => match accepted.first() {
                Some(Forgery::NoToken) => "jwt.route-unprotected",
                Some(Forgery::AlgNone) => "jwt.alg-none-accepted",
                _ => "jwt.signature-not-verified",
            },
            ForgedCrashes => "jwt.forged-crashes",
            RefusedNot401 => "jwt.refused-not-401",
            KnownSecret { .. } => "jwt.known-secret",
            WordlistSecret { .. } => "jwt.wordlist-secret",
            WordlistUnreadable { .. } => "jwt.wordlist-unreadable",
        }
    }

    fn depends_on(&self) -> Option<crate::engine::Row> {
        match self {
            JwtFault::LoginCsrfRefused { .. } => Some(crate::engine::Row::JwtCsrf),
            JwtFault::CsrfNotReached { .. } => Some(crate::engine::Row::JwtLogin),
            _ => None,
        }
    }
}

/// The framework whose words the fixes are said in: Django when the login's own answer is
/// simplejwt's (`No active account found…`, a `token_not_valid` code), else the recognised
/// backend, else none.
pub fn speaks(stack: &crate::stack::Stack, login: Option<&Value>) -> Option<crate::stack::Backend> {
    let simplejwt = login.is_some_and(|v| {
        let s = |k: &str| v.get(k).and_then(Value::as_str);
        s("code") == Some("token_not_valid")
            || s("detail").is_some_and(|d| d.starts_with("No active account found"))
    });
    if simplejwt {
        return Some(crate::stack::Backend::Django);
    }
    stack.backend()
}

/// A row's decision: its status and, unless it passed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub fault: Option<JwtFault>,
}

impl Verdict {
    pub fn pass() -> Verdict {
        Verdict {
            status: Status::Pass,
            fault: None,
        }
    }
    fn fail(f: JwtFault) -> Verdict {
        Verdict {
            status: Status::Fail,
            fault: Some(f),
        }
    }
    fn warn(f: JwtFault) -> Verdict {
        Verdict {
            status: Status::Warn,
            fault: Some(f),
        }
    }
}

/// A login answered 2xx: where the tokens were (or why it still failed).
pub fn login_succeeded(json: bool, access_found: bool, configured: &str, status: u16) -> Verdict {
    if !json {
        return Verdict::fail(JwtFault::LoginNotJson { status });
    }
    if !access_found {
        return Verdict::fail(JwtFault::NoAccessToken {
            configured: configured.to_string(),
        });
    }
    Verdict::pass()
}

/// A login answer that did not succeed, as the verdict needs it.
#[derive(Debug, Clone, Default)]
pub struct LoginAnswer<'a> {
    pub status: u16,
    pub json: bool,
    pub body: Option<&'a Value>,
    pub location: Option<String>,
    /// A CSRF check refused it (see `csrf::refusal`).
    pub csrf_refused: bool,
    /// ... for a missing token the app's code sends (from a cookie conncheck did not get).
    pub csrf_token_not_replayed: bool,
}

/// What a login that did not succeed means. `sent`: the field names sent.
pub fn login_refused(a: LoginAnswer<'_>, sent: [&str; 2]) -> JwtFault {
    let status = a.status;
    if a.csrf_refused && a.csrf_token_not_replayed {
        return JwtFault::CsrfTokenNotReplayed;
    }
    if a.csrf_refused {
        return JwtFault::LoginCsrfRefused { status };
    }
    match status {
        400 | 401 | 403 if !a.json => JwtFault::LoginAnsweredHtml { status },
        400 | 401 | 403 if wants_other_fields(a.body, sent) => JwtFault::LoginFieldNames { status },
        400 | 401 | 403 => JwtFault::CredentialsRefused { status },
        301 | 302 | 303 | 307 | 308 => JwtFault::LoginRedirected {
            status,
            location: a.location.unwrap_or_default(),
        },
        404 | 405 => JwtFault::LoginRouteMissing { status },
        500..=599 => JwtFault::LoginServerError { status },
        _ => JwtFault::LoginFailed { status },
    }
}

/// A login that did not succeed: a failure, except when conncheck could not make the login the
/// app makes (the CSRF token the app fetches first): then not checked.
pub fn refused_verdict(fault: JwtFault) -> Verdict {
    let status = match fault {
        JwtFault::CsrfTokenNotReplayed => Status::Skip,
        _ => Status::Fail,
    };
    Verdict {
        status,
        fault: Some(fault),
    }
}

/// Whether a DRF validation answer says a field other than the ones sent is required.
fn wants_other_fields(body: Option<&Value>, sent: [&str; 2]) -> bool {
    body.and_then(Value::as_object).is_some_and(|o| {
        o.iter()
            .any(|(k, v)| !sent.contains(&k.as_str()) && v.to_string().contains("required"))
    })
}

/// Without credentials, a made-up user's login: refused with JSON 400/401 is right; refused by
/// a CSRF check, jwt.csrf owns the cause.
/// `csrf`: (a CSRF check refused it, for a token the app fetches first and conncheck does not
/// replay).
pub fn login_probe(status: u16, json: bool, csrf: (bool, bool)) -> Verdict {
    match csrf {
        (true, true) => return refused_verdict(JwtFault::CsrfTokenNotReplayed),
        (true, false) => return Verdict::fail(JwtFault::LoginCsrfRefused { status }),
        _ => {}
    }
    match status {
        400 | 401 if json => Verdict::pass(),
        200..=299 => Verdict::fail(JwtFault::LoginAcceptsAnyone { status }),
        _ => Verdict::fail(JwtFault::LoginProbeUnclean { status }),
    }
}

/// The lifetime of the access token as its claims tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// `exp - iat` seconds.
    Known(i64),
    NoExp,
    /// `exp` without `iat`.
    NoIat,
}

/// What the claims say, shown on the row whatever the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    pub alg: String,
    pub token_type: Option<String>,
    pub lifetime: Lifetime,
    pub refresh_lifetime: Option<i64>,
    /// `iat` minus the server's `Date`.
    pub skew: Option<i64>,
    /// The server's `Date` minus this machine's clock.
    pub server_offset: Option<i64>,
}

/// Judge the claims of the access (and refresh) token. `server_date`: the login answer's Date.
pub fn claims(
    access: &Decoded,
    refresh: Option<&Decoded>,
    server_date: Option<i64>,
    local_now: i64,
) -> (ClaimFacts, Vec<ClaimProblem>) {
    let lifetime = match (access.lifetime(), access.num("exp")) {
        (Some(l), _) => Lifetime::Known(l),
        (None, None) => Lifetime::NoExp,
        (None, Some(_)) => Lifetime::NoIat,
    };
    let facts = ClaimFacts {
        alg: access.alg(),
        token_type: access
            .claims
            .get("token_type")
            .and_then(Value::as_str)
            .map(str::to_string),
        lifetime,
        refresh_lifetime: refresh.and_then(Decoded::lifetime),
        skew: server_date.zip(access.num("iat")).map(|(d, iat)| iat - d),
        server_offset: server_date
            .filter(|_| access.num("iat").is_some())
            .map(|d| d - local_now),
    };
    let mut problems = Vec::new();
    if lifetime == Lifetime::NoExp {
        problems.push(ClaimProblem::NoExp);
    }
    if facts.alg.eq_ignore_ascii_case("none") {
        problems.push(ClaimProblem::Unsigned);
    }
    if let Lifetime::Known(a) = lifetime {
        match facts.refresh_lifetime {
            Some(r) if a > r => problems.push(ClaimProblem::AccessOutlivesRefresh {
                access: a,
                refresh: r,
            }),
            _ if a > LONG_ACCESS_LIFETIME => problems.push(ClaimProblem::LongLived { lifetime: a }),
            _ => {}
        }
    }
    if let Some(skew) = facts.skew.filter(|s| s.abs() > MAX_SKEW) {
        problems.push(ClaimProblem::ClockSkew { skew });
    }
    if access.num("exp").is_some_and(|exp| exp < local_now) {
        problems.push(ClaimProblem::ExpiredOnArrival);
    }
    (facts, problems)
}

/// The claims row's verdict: a warning when any problem was seen.
pub fn claims_verdict(problems: &[ClaimProblem]) -> Verdict {
    if problems.is_empty() {
        Verdict::pass()
    } else {
        Verdict::warn(JwtFault::Claims(problems.to_vec()))
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

/// Judge the forged calls: what each credential got.
pub fn forged(results: &[(Forgery, u16)]) -> Verdict {
    let any = |r: Refusal| results.iter().any(|(_, s)| refusal(*s) == r);
    let accepted: Vec<Forgery> = results
        .iter()
        .filter(|(_, s)| refusal(*s) == Refusal::Accepted)
        .map(|(f, _)| *f)
        .collect();
    if !accepted.is_empty() {
        return Verdict::fail(JwtFault::ForgedAccepted { accepted });
    }
    if any(Refusal::ServerError) {
        return Verdict::fail(JwtFault::ForgedCrashes);
    }
    if any(Refusal::Other) {
        return Verdict::warn(JwtFault::RefusedNot401);
    }
    Verdict::pass()
}

/// The authenticated call to the profile route with the fresh access token.
pub fn authenticated(status: u16, json: bool) -> Verdict {
    match status {
        200 if json => Verdict::pass(),
        200 => Verdict::warn(JwtFault::ProfileNotJson),
        401 => Verdict::fail(JwtFault::FreshTokenRefused),
        403 => Verdict::fail(JwtFault::TokenForbidden),
        _ => Verdict::fail(JwtFault::ProfileCallFailed { status }),
    }
}

/// A refresh call that did not succeed.
pub fn refresh_refused(status: u16, field: &str) -> JwtFault {
    match status {
        404 | 405 => JwtFault::RefreshRouteMissing { status },
        401 => JwtFault::RefreshTokenRefused,
        400 => JwtFault::RefreshFieldName {
            field: field.to_string(),
        },
        _ => JwtFault::RefreshFailed { status },
    }
}

/// What the refresh round trip showed after a 2xx answer carrying a new access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshSeen {
    /// What the profile route answered with the new access token.
    pub works: u16,
    /// The answer carried a new refresh token.
    pub rotated: bool,
    /// The profile pins rotation on (`Some(true)`) or off.
    pub rotation_expected: Option<bool>,
}

pub fn refresh(seen: RefreshSeen) -> Verdict {
    if seen.works != 200 {
        return Verdict::fail(JwtFault::RefreshedTokenRefused { status: seen.works });
    }
    if !seen.rotated && seen.rotation_expected == Some(true) {
        return Verdict::warn(JwtFault::RefreshNotRotated);
    }
    Verdict::pass()
}

/// Whether an alg is an HMAC one, whose shared secret can be guessed offline.
pub fn is_hmac(alg: &str) -> bool {
    matches!(alg, "HS256" | "HS384" | "HS512")
}

#[cfg(test)]
mod tests {
    use super::super::token::{alg_none, decode, tests::simplejwt, tests::token};
    use super::*;
    use serde_json::json;

    const DATE: Option<i64> = Some(1_700_000_000);
    const NOW: i64 = 1_700_000_010;

    fn problems(a: &str, r: Option<&str>, date: Option<i64>) -> Vec<ClaimProblem> {
        let a = decode(a).unwrap();
        let r = r.map(|r| decode(r).unwrap());
        claims(&a, r.as_ref(), date, NOW).1
    }

    #[test]
    fn claims_verdicts() {
        let hour = simplejwt("k", 3600);
        let day = simplejwt("k", 86400);
        assert_eq!(problems(&hour, Some(&day), DATE), vec![]);
        let (facts, _) = claims(&decode(&hour).unwrap(), None, DATE, NOW);
        assert_eq!(facts.lifetime, Lifetime::Known(3600));
        assert_eq!(facts.skew, Some(0));
        assert_eq!(
            problems(&day, Some(&hour), DATE),
            vec![ClaimProblem::AccessOutlivesRefresh {
                access: 86400,
                refresh: 3600
            }]
        );
        let none = alg_none(&simplejwt("k", 60)).unwrap();
        assert_eq!(problems(&none, None, DATE), vec![ClaimProblem::Unsigned]);
        assert_eq!(
            problems(&hour, None, Some(1_700_000_000 - 600)),
            vec![ClaimProblem::ClockSkew { skew: 600 }]
        );
        assert_eq!(
            problems(&token("k", json!({"iat": 1})), None, None),
            vec![ClaimProblem::NoExp]
        );
        let v = claims_verdict(&[ClaimProblem::NoExp, ClaimProblem::Unsigned]);
        assert_eq!(v.status, Status::Warn);
        assert_eq!(v.fault.unwrap().key(), "jwt.no-exp");
    }

    /// Issue 20: an access token living days is warned about, even with a longer refresh.
    #[test]
    fn access_token_living_longer_than_a_day_warns() {
        let week = simplejwt("k", 7 * 86400);
        let month = simplejwt("k", 30 * 86400);
        assert_eq!(
            problems(&week, Some(&month), DATE),
            vec![ClaimProblem::LongLived {
                lifetime: 7 * 86400
            }]
        );
        assert_eq!(problems(&week, None, DATE).len(), 1);
        // A day exactly is the limit, not over it.
        assert_eq!(problems(&simplejwt("k", 86400), None, DATE), vec![]);
        let v = claims_verdict(&problems(&week, None, DATE));
        assert_eq!(v.fault.unwrap().key(), "jwt.access-long-lived");
    }

    #[test]
    fn forged_verdicts() {
        use Forgery::*;
        let cases: Vec<([u16; 3], Status, Option<&str>)> = vec![
            ([401, 401, 401], Status::Pass, None),
            (
                [401, 200, 401],
                Status::Fail,
                Some("jwt.signature-not-verified"),
            ),
            ([401, 401, 200], Status::Fail, Some("jwt.alg-none-accepted")),
            ([200, 401, 401], Status::Fail, Some("jwt.route-unprotected")),
            ([401, 500, 401], Status::Fail, Some("jwt.forged-crashes")),
            ([403, 403, 403], Status::Pass, None),
            ([400, 401, 401], Status::Warn, Some("jwt.refused-not-401")),
        ];
        for (codes, want, key) in cases {
            let results = [
                (NoToken, codes[0]),
                (SignatureAltered, codes[1]),
                (AlgNone, codes[2]),
            ];
            let v = forged(&results);
            assert_eq!(v.status, want, "{codes:?}");
            assert_eq!(v.fault.as_ref().map(FaultKind::key), key, "{codes:?}");
        }
    }

    #[test]
    fn login_answers() {
        let sent = ["username", "password"];
        let wants_email = json!({"email": ["This field is required."]});
        let refused = json!({"detail": "No active account found"});
        fn a(status: u16, json: bool, body: Option<&Value>) -> LoginAnswer<'_> {
            LoginAnswer {
                status,
                json,
                body,
                ..Default::default()
            }
        }
        assert_eq!(
            login_refused(a(400, true, Some(&wants_email)), sent),
            JwtFault::LoginFieldNames { status: 400 }
        );
        assert_eq!(
            login_refused(a(401, true, Some(&refused)), sent),
            JwtFault::CredentialsRefused { status: 401 }
        );
        assert_eq!(
            login_refused(a(403, false, None), sent),
            JwtFault::LoginAnsweredHtml { status: 403 }
        );
        assert_eq!(
            login_refused(a(404, false, None), sent).key(),
            "jwt.login-route-missing"
        );
        let csrf = LoginAnswer {
            csrf_refused: true,
            ..a(403, true, Some(&refused))
        };
        assert_eq!(
            login_refused(csrf, sent),
            JwtFault::LoginCsrfRefused { status: 403 }
        );
        assert_eq!(login_probe(401, true, (false, false)), Verdict::pass());
        assert_eq!(login_probe(200, true, (false, false)).status, Status::Fail);
        assert_eq!(
            login_probe(403, true, (true, false)).fault,
            Some(JwtFault::LoginCsrfRefused { status: 403 })
        );
        assert_eq!(login_probe(403, false, (true, true)).status, Status::Skip);
        assert_eq!(
            login_succeeded(true, false, "access", 200).fault,
            Some(JwtFault::NoAccessToken {
                configured: "access".into()
            })
        );
    }
}
