//! Pure judgements over what the CORS checks saw: which untrusted origins got in, whether
//! answers are safe to cache, what stack answered. Wording lives in `words.rs`.

use super::decide::{cors_check, CorsError, Recorded};
use super::redirect::Block;
use crate::observe::bundle::discover::{CredentialsMode, Discovery, TokenSend};
use crate::stack::fix::Fix;
use crate::stack::{Backend, Sample, Stack};
use crate::target::Origin;

/// even for an origin it does not allow, as django-cors-headers does).
pub fn cors_middleware_active(rec: &Recorded) -> bool {
    rec.varies_on_origin()
        || rec.combined("access-control-allow-credentials").is_some()
        || rec.combined("access-control-allow-origin").is_some()
}

/// Django's SecurityMiddleware defaults or django-cors-headers' default header list.
pub fn looks_like_django(rec: &Recorded) -> bool {
    let is = |n: &str, v: &str| rec.combined(n).is_some_and(|x| x.eq_ignore_ascii_case(v));
    (is("x-frame-options", "DENY") && is("cross-origin-opener-policy", "same-origin"))
        || rec
            .combined("access-control-allow-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("x-csrftoken"))
}

/// Origins a browser must not be let in from, built from the real origin the way CORS
/// scanners build them (nuclei's cors-misconfig template tries these classes): a foreign
/// site, `null`, the origin as a prefix and as a suffix of another name, a subdomain, the
/// http:// downgrade, an unescaped-dot look-alike, and the parser tricks with a backtick
/// (raw and %60) and an underscore before a foreign domain.
pub fn probe_origins(origin: &Origin, trusted: &[Origin]) -> Vec<(ProbeKind, String)> {
    let u = origin.url();
    let scheme = u.scheme();
    let host = origin.host();
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut v: Vec<(ProbeKind, String)> = vec![
        (ProbeKind::Foreign, "https://evil.example".into()),
        (ProbeKind::Null, "null".into()),
        (
            ProbeKind::Prefix,
            format!("{scheme}://{host}.evil.example{port}"),
        ),
        (ProbeKind::Suffix, format!("{scheme}://evil{host}{port}")),
        (
            ProbeKind::Subdomain,
            format!("{scheme}://evil.{host}{port}"),
        ),
    ];
    if scheme == "https" {
        v.push((ProbeKind::HttpDowngrade, format!("http://{host}{port}")));
    }
    if let Some((a, b)) = host.rsplit_once('.') {
        v.push((ProbeKind::UnescapedDot, format!("{scheme}://{a}x{b}{port}")));
    }
    v.push((
        ProbeKind::EncodedBacktick,
        format!("{scheme}://{host}%60.evil.example{port}"),
    ));
    v.push((
        ProbeKind::Backtick,
        format!("{scheme}://{host}`.evil.example{port}"),
    ));
    v.push((
        ProbeKind::Underscore,
        format!("{scheme}://{host}_.evil.example{port}"),
    ));
    v.retain(|(_, p)| !trusted.iter().any(|t| t.as_str() == p));
    v
}

/// The classes of untrusted origin the security row tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    Foreign,
    Null,
    Prefix,
    Suffix,
    Subdomain,
    HttpDowngrade,
    UnescapedDot,
    EncodedBacktick,
    Backtick,
    Underscore,
}

/// One probe's answer: which class, which origin, how the server treated it.
pub type ProbeAnswer = (ProbeKind, String, ProbeVerdict);

/// The security verdict over the probes' answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Every probe preflight failed (this status), so the refusals prove nothing.
    Inconclusive {
        status: u16,
    },
    /// Origins echoed with credentials; `any_origin` when even a foreign site is.
    Reflected {
        with_credentials: Vec<usize>,
        any_origin: bool,
    },
    /// Origins let in without credentials (`wildcard`: only `*`), on an authenticated API.
    Open {
        without: Vec<usize>,
        wildcard: bool,
    },
    Refused,
}

/// Reflection with credentials fails; any other way in (`*`, an echo without credentials)
/// warns on an authenticated API. Indices point into `answers`.
pub fn judge_probes(answers: &[ProbeAnswer], not_ok: &[u16], authenticated: bool) -> Security {
    if !not_ok.is_empty() && not_ok.len() == answers.len() {
        return Security::Inconclusive { status: not_ok[0] };
    }
    let which = |want: ProbeVerdict| -> Vec<usize> {
        (0..answers.len())
            .filter(|&i| answers[i].2 == want)
            .collect()
    };
    let with_credentials = which(ProbeVerdict::AllowedWithCredentials);
    if !with_credentials.is_empty() {
        let any_origin = with_credentials
            .iter()
            .any(|&i| answers[i].0 == ProbeKind::Foreign);
        return Security::Reflected {
            with_credentials,
            any_origin,
        };
    }
    let without = which(ProbeVerdict::Allowed);
    let wildcard = !which(ProbeVerdict::Wildcard).is_empty();
    if !without.is_empty() || (wildcard && authenticated) {
        return Security::Open {
            wildcard: without.is_empty(),
            without,
        };
    }
    Security::Refused
}

/// The preflight cache and `Vary` over the actual responses (a shared cache stores those, not
/// preflights): how many name the origin, which of them lack `Vary: Origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheJudgement<'a> {
    pub naming_origin: usize,
    pub missing_vary: Vec<&'a str>,
    /// The longest `Access-Control-Max-Age` of a passing preflight; `None` inside when a
    /// preflight passed without one; empty when none passed.
    pub max_age: MaxAge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxAge {
    NoPreflightPassed,
    Missing,
    Capped(u64),
    Seconds(u64),
}

pub fn judge_cache<'a>(
    actual: &'a [(String, Recorded)],
    max_ages: &[Option<u64>],
) -> CacheJudgement<'a> {
    let relevant: Vec<(&'a str, bool)> = actual
        .iter()
        .filter_map(|(l, r)| vary_ok(r).map(|ok| (l.as_str(), ok)))
        .collect();
    let max_age = match max_ages.iter().flatten().max() {
        Some(a) if *a > CHROME_MAX_AGE_CAP => MaxAge::Capped(*a),
        Some(a) => MaxAge::Seconds(*a),
        None if max_ages.is_empty() => MaxAge::NoPreflightPassed,
        None => MaxAge::Missing,
    };
    CacheJudgement {
        naming_origin: relevant.len(),
        missing_vary: relevant
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(l, _)| *l)
            .collect(),
        max_age,
    }
}

/// Chrome's preflight cache cap and its default without `Access-Control-Max-Age`
/// (services/network/cors/preflight_result.cc `kMaxTimeout`, `kDefaultTimeout`).
pub const CHROME_MAX_AGE_CAP: u64 = 7200;
pub const CHROME_DEFAULT_MAX_AGE: u64 = 5;

/// How a server answered an origin it must not trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeVerdict {
    /// The browser would block a page on that origin.
    Refused,
    /// `Access-Control-Allow-Origin: *` (readable without cookies only).
    Wildcard,
    /// That origin is echoed, without `Access-Control-Allow-Credentials: true`.
    Allowed,
    /// That origin is echoed with credentials: any page there reads users' data.
    AllowedWithCredentials,
}

/// Judge a preflight answer to an untrusted origin.
pub fn classify_probe(resp: &Recorded, probe_origin: &str) -> ProbeVerdict {
    if resp.is_redirect() || !(200..300).contains(&resp.status) {
        return ProbeVerdict::Refused;
    }
    if cors_check(resp, probe_origin, true, true).is_ok() {
        return ProbeVerdict::AllowedWithCredentials;
    }
    match resp.combined("access-control-allow-origin").as_deref() {
        Some("*") => ProbeVerdict::Wildcard,
        Some(v) if v == probe_origin => ProbeVerdict::Allowed,
        _ => ProbeVerdict::Refused,
    }
}

/// A response whose `Access-Control-Allow-Origin` names one origin must say `Vary: Origin`,
/// or a shared cache may hand one origin's answer to another. `None` when not applicable.
pub fn vary_ok(resp: &Recorded) -> Option<bool> {
    match resp.combined("access-control-allow-origin") {
        Some(v) if v != "*" => Some(resp.varies_on_origin()),
        _ => None,
    }
}

/// What went wrong on a CORS row, carrying what was seen. Keys are in [`CorsFault::kind_key`];
/// the engine's [`FaultKind`](crate::engine::FaultKind) is implemented in `fault.rs` (keys and
/// scope from here, the headline from `words.rs`). `host` is the API host (with a non-default
/// port) whose configuration is at fault: one mistake seen on many calls and origins is one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsFault {
    /// The browser blocks the call on `host`'s answer: `error` is what Chrome names; `others`
    /// what else is wrong with the same answer (named after it).
    Blocked {
        host: String,
        error: CorsError,
        what: Blocked,
        others: Vec<CorsError>,
    },
    /// A redirected call stopped before any CORS check of its own.
    RedirectBlocked { host: String, why: RedirectStop },
    /// The call is plain http:// from an HTTPS page: Mixed Content, nothing is sent.
    MixedContent { host: String },
    /// Not sent: its preflight failed (the preflight row owns the cause).
    AfterPreflight { host: String },
    /// Passed only because `Access-Control-Allow-Headers: *` stood for `Authorization`.
    AuthorizationByWildcard { host: String },
    /// Untrusted origins are echoed with credentials; `any_origin` when even a foreign site is.
    Reflects { host: String, any_origin: bool },
    /// Untrusted origins may read answers without credentials (`wildcard`: only `*`).
    OpenToOthers { host: String, wildcard: bool },
    /// Every probe preflight failed, so the refusals prove nothing (the preflight row owns it).
    ProbesInconclusive { host: String, status: u16 },
    /// Answers naming one origin lack `Vary: Origin`.
    VaryMissing { host: String },
}

/// Which configuration mistake a blocked call shows (finer than Chrome's error where the
/// answer tells causes apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// An error page (4xx/5xx) without CORS headers: the real error is hidden.
    ErrorWithoutHeaders,
    /// The preflight is not answered 2xx (and so carries no CORS headers either).
    PreflightStatus,
    /// The CORS layer answers but does not allow this origin.
    OriginNotAllowed,
    /// No CORS headers at all.
    AllowOriginMissing,
    /// `Access-Control-Allow-Origin` sent more than once (proxy and app both add it).
    AllowOriginDuplicated,
    /// One value listing several origins.
    AllowOriginMultiple,
    AllowOriginMismatch,
    AllowOriginInvalid,
    WildcardWithCredentials,
    AllowCredentialsMissing,
    AllowCredentialsInvalid,
    PreflightRedirected,
    AllowMethodsInvalid,
    AllowHeadersInvalid,
    AllowMethodsMissing,
    AllowHeadersMissing,
}

/// Why a redirected call stopped, when it is not a CORS error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectStop {
    MixedContent,
    TooMany,
    InvalidLocation,
    LocationWithCredentials,
}

/// Which mistake `err` on `rec` shows (`preflight`: the answer was a preflight's).
pub fn blocked_kind(err: &CorsError, rec: &Recorded, preflight: bool) -> Blocked {
    let ok = (200..300).contains(&rec.status);
    match err {
        CorsError::MissingAllowOrigin { .. }
            if rec.status >= 500
                || (!preflight && rec.status >= 400 && !cors_middleware_active(rec)) =>
        {
            Blocked::ErrorWithoutHeaders
        }
        CorsError::MissingAllowOrigin { .. } if preflight && !ok && !rec.is_redirect() => {
            Blocked::PreflightStatus
        }
        CorsError::MissingAllowOrigin { .. } if cors_middleware_active(rec) => {
            Blocked::OriginNotAllowed
        }
        CorsError::MissingAllowOrigin { .. } => Blocked::AllowOriginMissing,
        CorsError::MultipleAllowOriginValues { .. }
            if rec.values("access-control-allow-origin").len() > 1 =>
        {
            Blocked::AllowOriginDuplicated
        }
        CorsError::MultipleAllowOriginValues { .. } => Blocked::AllowOriginMultiple,
        CorsError::AllowOriginMismatch { .. } => Blocked::AllowOriginMismatch,
        CorsError::InvalidAllowOriginValue { .. } => Blocked::AllowOriginInvalid,
        CorsError::WildcardOriginNotAllowed { .. } => Blocked::WildcardWithCredentials,
        CorsError::InvalidAllowCredentials { value, .. } if value.is_empty() => {
            Blocked::AllowCredentialsMissing
        }
        CorsError::InvalidAllowCredentials { .. } => Blocked::AllowCredentialsInvalid,
        CorsError::PreflightInvalidStatus { .. } => Blocked::PreflightStatus,
        CorsError::PreflightDisallowedRedirect { .. } => Blocked::PreflightRedirected,
        CorsError::InvalidAllowMethods => Blocked::AllowMethodsInvalid,
        CorsError::InvalidAllowHeaders => Blocked::AllowHeadersInvalid,
        CorsError::MethodDisallowed { .. } => Blocked::AllowMethodsMissing,
        CorsError::HeaderDisallowed { .. } => Blocked::AllowHeadersMissing,
    }
}

impl CorsFault {
    /// The fault of a call blocked by `error` on `host`'s answer `rec`.
    pub fn blocked(host: &str, error: &CorsError, rec: &Recorded, preflight: bool) -> CorsFault {
        CorsFault::Blocked {
            host: host.to_string(),
            what: blocked_kind(error, rec, preflight),
            error: error.clone(),
            others: Vec::new(),
        }
    }

    /// The same fault, listing what else is wrong with the answer.
    pub fn with_others(mut self, more: Vec<CorsError>) -> CorsFault {
        if let CorsFault::Blocked { others, .. } = &mut self {
            *others = more;
        }
        self
    }

    /// The stable key (`cors.<kebab>`).
    pub fn kind_key(&self) -> &'static str {
        match self {
            CorsFault::Blocked { what, .. } => match what {
                Blocked::ErrorWithoutHeaders => "cors.error-without-cors-headers",
                Blocked::PreflightStatus => "cors.preflight-status",
                Blocked::OriginNotAllowed => "cors.origin-not-allowed",
                Blocked::AllowOriginMissing => "cors.allow-origin-missing",
                Blocked::AllowOriginDuplicated => "cors.allow-origin-duplicated",
                Blocked::AllowOriginMultiple => "cors.allow-origin-multiple",
                Blocked::AllowOriginMismatch => "cors.allow-origin-mismatch",
                Blocked::AllowOriginInvalid => "cors.allow-origin-invalid",
                Blocked::WildcardWithCredentials => "cors.wildcard-with-credentials",
                Blocked::AllowCredentialsMissing => "cors.allow-credentials-missing",
                Blocked::AllowCredentialsInvalid => "cors.allow-credentials-invalid",
                Blocked::PreflightRedirected => "cors.preflight-redirected",
                Blocked::AllowMethodsInvalid => "cors.allow-methods-invalid",
                Blocked::AllowHeadersInvalid => "cors.allow-headers-invalid",
                Blocked::AllowMethodsMissing => "cors.allow-methods-missing",
                Blocked::AllowHeadersMissing => "cors.allow-headers-missing",
            },
            CorsFault::RedirectBlocked { why, .. } => match why {
                RedirectStop::MixedContent => "cors.redirect-mixed-content",
                RedirectStop::TooMany => "cors.too-many-redirects",
                RedirectStop::InvalidLocation => "cors.redirect-location-invalid",
                RedirectStop::LocationWithCredentials => "cors.redirect-location-credentials",
            },
            CorsFault::MixedContent { .. } => "cors.mixed-content",
            CorsFault::AfterPreflight { .. } => "cors.preflight-failed",
            CorsFault::AuthorizationByWildcard { .. } => "cors.authorization-by-wildcard",
            CorsFault::Reflects {
                any_origin: true, ..
            } => "cors.reflects-any-origin",
            CorsFault::Reflects { .. } => "cors.origin-match-loose",
            CorsFault::OpenToOthers { wildcard: true, .. } => "cors.wildcard-on-authenticated-api",
            CorsFault::OpenToOthers { .. } => "cors.allows-untrusted-origins",
            CorsFault::ProbesInconclusive { .. } => "cors.probes-inconclusive",
            CorsFault::VaryMissing { .. } => "cors.vary-missing",
        }
    }

    /// The API host at fault: one configuration, one cause.
    pub fn host(&self) -> &str {
        match self {
            CorsFault::Blocked { host, .. }
            | CorsFault::RedirectBlocked { host, .. }
            | CorsFault::MixedContent { host }
            | CorsFault::AfterPreflight { host }
            | CorsFault::AuthorizationByWildcard { host }
            | CorsFault::Reflects { host, .. }
            | CorsFault::OpenToOthers { host, .. }
            | CorsFault::ProbesInconclusive { host, .. }
            | CorsFault::VaryMissing { host } => host,
        }
    }

    /// Whether another row (the preflight's) owns this row's cause.
    pub fn dependent(&self) -> bool {
        matches!(
            self,
            CorsFault::AfterPreflight { .. } | CorsFault::ProbesInconclusive { .. }
        )
    }
}

/// The stop of a redirected call that is not a CORS error of its own.
pub fn redirect_stop(b: &Block) -> Option<RedirectStop> {
    Some(match b {
        Block::Cors(_) | Block::Preflight(_) => return None,
        Block::MixedContent(_) => RedirectStop::MixedContent,
        Block::TooManyRedirects => RedirectStop::TooMany,
        Block::InvalidLocation(_) => RedirectStop::InvalidLocation,
        Block::LocationWithCredentials(_) => RedirectStop::LocationWithCredentials,
    })
}

/// The security verdict as a fault (`None`: refused, a pass).
pub fn security_fault(host: &str, v: &Security) -> Option<CorsFault> {
    let host = host.to_string();
    Some(match v {
        Security::Refused => return None,
        Security::Inconclusive { status } => CorsFault::ProbesInconclusive {
            host,
            status: *status,
        },
        Security::Reflected { any_origin, .. } => CorsFault::Reflects {
            host,
            any_origin: *any_origin,
        },
        Security::Open { wildcard, .. } => CorsFault::OpenToOthers {
            host,
            wildcard: *wildcard,
        },
    })
}

/// The fault of a redirected call that stopped on `block` (`host`: the last hop's).
pub fn chain_fault(chain: &super::redirect::Chain, block: &Block, host: &str) -> CorsFault {
    match (redirect_stop(block), block) {
        (Some(why), _) => CorsFault::RedirectBlocked {
            host: host.to_string(),
            why,
        },
        (None, Block::Cors(e)) | (None, Block::Preflight(e)) => {
            let last = chain.hops.last();
            let preflight = matches!(block, Block::Preflight(_));
            let rec = last
                .and_then(|h| {
                    if preflight {
                        h.preflight.as_ref()
                    } else {
                        h.response.as_ref()
                    }
                })
                .cloned()
                .unwrap_or_default();
            CorsFault::blocked(host, e, &rec, preflight)
        }
        (None, _) => CorsFault::RedirectBlocked {
            host: host.to_string(),
            why: RedirectStop::InvalidLocation,
        },
    }
}

/// The cache row's fault: answers naming the origin without `Vary: Origin`.
pub fn cache_fault(host: &str, j: &CacheJudgement) -> Option<CorsFault> {
    (j.naming_origin > 0 && !j.missing_vary.is_empty()).then(|| CorsFault::VaryMissing {
        host: host.to_string(),
    })
}

/// The credentials mode the SPA's bundle shows: `Default` only counts when the bundle was read
/// (it named an API base or a call); otherwise `assumed`.
pub fn include_credentials(d: &Discovery, assumed: bool) -> bool {
    let read = !d.api_bases.is_empty() || !d.calls.is_empty();
    match d.credentials {
        CredentialsMode::Include => true,
        CredentialsMode::Default if read => matches!(d.token_sent, Some(TokenSend::Cookie)),
        CredentialsMode::Default => assumed,
        CredentialsMode::Dynamic => assumed,
    }
}

/// The configuration change a blocked call needs, for wording in the stack's terms (`None`:
/// not a setting of the CORS layer: an error page, a redirect, a proxy duplicating a header).
pub fn fix_for(what: Blocked, error: &CorsError, origin: &str, include: bool) -> Option<Fix> {
    let origins = vec![origin.to_string()];
    Some(match (what, error) {
        (
            Blocked::OriginNotAllowed | Blocked::AllowOriginMissing | Blocked::AllowOriginMismatch,
            _,
        ) => Fix::AllowOrigins {
            origins,
            credentials: include,
        },
        (Blocked::WildcardWithCredentials, _) => Fix::AllowOrigins {
            origins,
            credentials: true,
        },
        (Blocked::AllowCredentialsMissing | Blocked::AllowCredentialsInvalid, _) => {
            Fix::AllowCredentials
        }
        (Blocked::AllowHeadersMissing, CorsError::HeaderDisallowed { header }) => {
            Fix::AllowHeaders {
                headers: vec![header.clone()],
            }
        }
        (Blocked::AllowMethodsMissing, CorsError::MethodDisallowed { method }) => {
            Fix::AllowMethods {
                methods: vec![method.clone()],
            }
        }
        _ => return None,
    })
}

/// A recorded answer as the stack fingerprint reads it (`body`: at most 4 KB of it).
pub fn sample_of(rec: &Recorded, body: &[u8], preflight: bool) -> Sample {
    let cut = body.len().min(4096);
    Sample {
        preflight,
        status: rec.status,
        headers: rec.headers.clone(),
        body: String::from_utf8_lossy(&body[..cut]).into_owned(),
    }
}

/// Whether the stack-worded fix should replace the django-cors-headers wording: only when the
/// answer shows a backend other than Django. (An unrecognised stack keeps today's wording: the
/// CORS module sees only its own answers, and a Django preflight refusing an origin carries no
/// sign of Django.)
pub fn word_for_stack(stack: &Stack, rec: &Recorded) -> bool {
    match stack.backend() {
        Some(Backend::Django) | None => false,
        Some(_) => !looks_like_django(rec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: &str = "https://tiktrue.com";

    #[test]
    fn probe_origins_cover_the_scanner_classes_and_skip_trusted_ones() {
        let o = Origin::parse("https://tiktrue.com").unwrap();
        let trusted = vec![o.clone(), Origin::parse("https://www.tiktrue.com").unwrap()];
        let p: Vec<String> = probe_origins(&o, &trusted)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        for want in [
            "https://evil.example",
            "null",
            "https://tiktrue.com.evil.example",
            "https://eviltiktrue.com",
            "https://evil.tiktrue.com",
            "http://tiktrue.com",
            "https://tiktruexcom",
            "https://tiktrue.com%60.evil.example",
            "https://tiktrue.com`.evil.example",
            "https://tiktrue.com_.evil.example",
        ] {
            assert!(p.contains(&want.to_string()), "{want} missing from {p:?}");
        }
        let with_http = vec![o.clone(), Origin::parse("http://tiktrue.com").unwrap()];
        assert!(!probe_origins(&o, &with_http)
            .iter()
            .any(|(_, p)| p == "http://tiktrue.com"));
        let ported = Origin::parse("https://x.test:8443").unwrap();
        assert!(probe_origins(&ported, &[])
            .iter()
            .any(|(_, p)| p == "https://x.test.evil.example:8443"));
    }

    #[test]
    fn probes_are_classified() {
        let evil = "https://evil.example";
        let table: Vec<(Recorded, ProbeVerdict)> = vec![
            (
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-credentials", "true"),
                        ("vary", "origin"),
                    ],
                ),
                ProbeVerdict::Refused,
            ),
            (
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-origin", evil),
                        ("access-control-allow-credentials", "true"),
                    ],
                ),
                ProbeVerdict::AllowedWithCredentials,
            ),
            (
                Recorded::new(200, &[("access-control-allow-origin", evil)]),
                ProbeVerdict::Allowed,
            ),
            (
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-origin", "*"),
                        ("access-control-allow-credentials", "true"),
                    ],
                ),
                ProbeVerdict::Wildcard,
            ),
            (
                Recorded::new(
                    200,
                    &[
                        ("access-control-allow-origin", O),
                        ("access-control-allow-credentials", "true"),
                    ],
                ),
                ProbeVerdict::Refused,
            ),
            (
                Recorded::new(
                    403,
                    &[
                        ("access-control-allow-origin", evil),
                        ("access-control-allow-credentials", "true"),
                    ],
                ),
                ProbeVerdict::Refused,
            ),
        ];
        for (r, want) in table {
            assert_eq!(classify_probe(&r, evil), want, "{r:?}");
        }
    }

    #[test]
    fn vary_matters_only_for_a_specific_origin() {
        assert_eq!(
            vary_ok(&Recorded::new(
                200,
                &[
                    ("access-control-allow-origin", O),
                    ("vary", "Accept-Encoding, Origin")
                ]
            )),
            Some(true)
        );
        assert_eq!(
            vary_ok(&Recorded::new(
                200,
                &[
                    ("access-control-allow-origin", O),
                    ("vary", "accept-encoding")
                ]
            )),
            Some(false)
        );
        assert_eq!(
            vary_ok(&Recorded::new(200, &[("access-control-allow-origin", O)])),
            Some(false)
        );
        assert_eq!(
            vary_ok(&Recorded::new(200, &[("access-control-allow-origin", "*")])),
            None
        );
        assert_eq!(vary_ok(&Recorded::new(200, &[])), None);
    }

    #[test]
    fn the_bundle_decides_the_credentials_mode_only_when_it_was_read() {
        use crate::observe::bundle::discover::{CredentialsMode, Discovery, TokenSend};
        let unread = Discovery::default();
        assert!(include_credentials(&unread, true));
        assert!(!include_credentials(&unread, false));
        let bearer = Discovery {
            api_bases: vec!["https://api.x.test".into()],
            token_sent: Some(TokenSend::Authorization {
                scheme: Some("Bearer".into()),
            }),
            ..Discovery::default()
        };
        assert!(!include_credentials(&bearer, true));
        let cookie = Discovery {
            token_sent: Some(TokenSend::Cookie),
            ..bearer.clone()
        };
        assert!(include_credentials(&cookie, true));
        let with = Discovery {
            credentials: CredentialsMode::Include,
            ..bearer
        };
        assert!(include_credentials(&with, false));
    }
}
