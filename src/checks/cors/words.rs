//! The CORS module's prose: evidence lines, verdict lines, fixes, and the rows worded from the
//! judgements of `judge.rs`. Chrome's own console text is in `chrome.rs`.

use super::calls::ApiCall;
use super::decide::{Call, CorsError, Recorded};
use super::hints::{chain_hint, hint, HintCtx};
use super::judge::{
    Blocked, CacheJudgement, CorsFault, MaxAge, ProbeAnswer, ProbeKind, RedirectStop, Security,
    CHROME_DEFAULT_MAX_AGE, CHROME_MAX_AGE_CAP,
};
use super::redirect::{Block, Chain, Leg, Page, MAX_REDIRECTS};
use crate::engine::model::Finding;
use crate::target::Origin;
use url::Url;

pub fn describe_preflight(url: &Url, origin: &str, call: &Call) -> String {
    let mut s = format!(
        "for OPTIONS {url} (Origin: {origin}; Access-Control-Request-Method: {}",
        call.method
    );
    if let Some(h) = call.request_headers_value() {
        s.push_str(&format!("; Access-Control-Request-Headers: {h}"));
    }
    s.push(')');
    s
}

/// The CORS-relevant part of a response, every value shown (duplicates too).
pub fn describe_response(rec: &Recorded, names: &[&str]) -> String {
    let mut parts = vec![format!("HTTP {}", rec.status)];
    for name in names {
        let vals = rec.values(name);
        if vals.is_empty() {
            if name.starts_with("access-control-allow-") || *name == "vary" {
                parts.push(format!("no {name}"));
            }
        } else {
            for v in vals {
                parts.push(format!("{name}: {v}"));
            }
        }
    }
    parts.join("; ")
}

pub const PREFLIGHT_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "vary",
];
pub const ACTUAL_HEADERS: &[&str] = &[
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "vary",
    "server",
];

/// The fault in a few words, leading the evidence so a narrow table still shows it.
pub fn verdict_line(err: &CorsError, rec: &Recorded, origin: &str) -> String {
    match err {
        CorsError::MissingAllowOrigin { .. } => "no Access-Control-Allow-Origin".into(),
        CorsError::MultipleAllowOriginValues { value, .. } => {
            let n = rec.values("access-control-allow-origin").len();
            if n > 1 {
                format!("Access-Control-Allow-Origin sent {n} times")
            } else {
                format!("Access-Control-Allow-Origin lists several origins ('{value}')")
            }
        }
        CorsError::InvalidAllowOriginValue { value, .. }
        | CorsError::AllowOriginMismatch { value, .. } => {
            format!("Access-Control-Allow-Origin is '{value}', not '{origin}'")
        }
        CorsError::WildcardOriginNotAllowed { .. } => {
            "Access-Control-Allow-Origin is * on a request with credentials".into()
        }
        CorsError::InvalidAllowCredentials { value, .. } if value.is_empty() => {
            "no Access-Control-Allow-Credentials on a request with credentials".into()
        }
        CorsError::InvalidAllowCredentials { value, .. } => {
            format!("Access-Control-Allow-Credentials is '{value}', not 'true'")
        }
        CorsError::PreflightInvalidStatus { status } => {
            format!("preflight answered HTTP {status}, not 2xx")
        }
        CorsError::PreflightDisallowedRedirect { status, location } => {
            format!("preflight redirected (HTTP {status} to {location})")
        }
        CorsError::InvalidAllowMethods => "Access-Control-Allow-Methods cannot be parsed".into(),
        CorsError::InvalidAllowHeaders => "Access-Control-Allow-Headers cannot be parsed".into(),
        CorsError::MethodDisallowed { method } => {
            format!("Access-Control-Allow-Methods lacks {method}")
        }
        CorsError::HeaderDisallowed { header } => {
            format!("Access-Control-Allow-Headers lacks {header}")
        }
    }
}

/// The cause in a few words, as the report's cause list names it.
pub fn headline(f: &CorsFault) -> String {
    let h = f.host();
    match f {
        CorsFault::Blocked { what, error, .. } => blocked_headline(*what, error, h),
        CorsFault::RedirectBlocked { why, .. } => match why {
            RedirectStop::MixedContent => {
                format!("a call to {h} is redirected to plain http:// (Mixed Content)")
            }
            RedirectStop::TooMany => format!("calls to {h} redirect more than {MAX_REDIRECTS} times"),
            RedirectStop::InvalidLocation => {
                format!("{h} redirects a call to a Location that is not a URL")
            }
            RedirectStop::LocationWithCredentials => {
                format!("{h} redirects a call to a URL carrying a username and password")
            }
        },
        CorsFault::MixedContent { .. } => {
            format!("the frontend calls {h} over plain http:// from an HTTPS page")
        }
        CorsFault::AfterPreflight { .. } => format!("calls to {h} not sent: their preflight fails"),
        CorsFault::AuthorizationByWildcard { .. } => format!(
            "{h} allows Authorization only through Access-Control-Allow-Headers: * (the Fetch standard refuses that)"
        ),
        CorsFault::Reflects { any_origin: true, .. } => {
            format!("{h} lets any origin read answers with users' credentials (it echoes the Origin)")
        }
        CorsFault::Reflects { .. } => format!(
            "{h} matches origins loosely and lets look-alike origins read answers with credentials"
        ),
        CorsFault::OpenToOthers { wildcard: true, .. } => {
            format!("{h} answers Access-Control-Allow-Origin: * on an authenticated API")
        }
        CorsFault::OpenToOthers { .. } => format!("{h} lets untrusted origins read its answers"),
        CorsFault::ProbesInconclusive { status, .. } => format!(
            "untrusted origins could not be tried on {h}: every preflight is answered HTTP {status}"
        ),
        CorsFault::VaryMissing { .. } => format!(
            "{h} names the origin in Access-Control-Allow-Origin without Vary: Origin (a cache can serve one origin's answer to another)"
        ),
    }
}

fn blocked_headline(what: Blocked, error: &CorsError, h: &str) -> String {
    match what {
        Blocked::ErrorWithoutHeaders => format!(
            "{h} answers errors without CORS headers, so the browser hides the real error behind a CORS one"
        ),
        Blocked::PreflightStatus => format!("{h} does not answer the CORS preflight (OPTIONS) with a 2xx"),
        Blocked::OriginNotAllowed => {
            format!("the frontend's origin is missing from {h}'s list of allowed CORS origins")
        }
        Blocked::AllowOriginMissing => format!("{h} sends no CORS headers (no Access-Control-Allow-Origin)"),
        Blocked::AllowOriginDuplicated => format!(
            "Access-Control-Allow-Origin is sent twice by {h} (the proxy adds it on top of the app)"
        ),
        Blocked::AllowOriginMultiple => {
            format!("{h}'s Access-Control-Allow-Origin lists several origins in one value")
        }
        Blocked::AllowOriginMismatch | Blocked::AllowOriginInvalid => format!(
            "{h}'s Access-Control-Allow-Origin names another value than the frontend's origin"
        ),
        Blocked::WildcardWithCredentials => format!(
            "{h} answers Access-Control-Allow-Origin: * to calls that carry credentials"
        ),
        Blocked::AllowCredentialsMissing => format!(
            "{h} does not send Access-Control-Allow-Credentials: true while the frontend sends credentials"
        ),
        Blocked::AllowCredentialsInvalid => {
            format!("{h}'s Access-Control-Allow-Credentials is not exactly 'true'")
        }
        Blocked::PreflightRedirected => {
            format!("{h} redirects the CORS preflight (OPTIONS), which the browser refuses")
        }
        Blocked::AllowMethodsInvalid => format!("{h}'s Access-Control-Allow-Methods cannot be parsed"),
        Blocked::AllowHeadersInvalid => format!("{h}'s Access-Control-Allow-Headers cannot be parsed"),
        Blocked::AllowMethodsMissing => match error {
            CorsError::MethodDisallowed { method } => {
                format!("{h}'s Access-Control-Allow-Methods does not allow {method}, which the frontend uses")
            }
            _ => format!("{h}'s Access-Control-Allow-Methods lacks a method the frontend uses"),
        },
        Blocked::AllowHeadersMissing => match error {
            CorsError::HeaderDisallowed { header } => format!(
                "{h}'s Access-Control-Allow-Headers does not allow {header}, which the frontend sends"
            ),
            _ => format!("{h}'s Access-Control-Allow-Headers lacks a header the frontend sends"),
        },
    }
}

/// The title of a row skipped for the whole module.
pub fn skipped_title(row: crate::engine::Row) -> &'static str {
    use crate::engine::Row::*;
    match row {
        CorsPreflight => "CORS preflight",
        CorsActual => "CORS actual",
        CorsSecurity => "CORS security",
        _ => "CORS cache",
    }
}

/// The recognised stack as evidence ("; stack: Express (X-Powered-By: Express)"), or nothing.
pub fn stack_evidence(stack: &crate::stack::Stack) -> String {
    if stack.is_known() {
        format!("; stack: {stack}")
    } else {
        String::new()
    }
}

/// The other faults of a preflight's answer, after the one Chrome names: " (also:
/// Access-Control-Allow-Headers lacks authorization)", or nothing.
pub fn also_line(others: &[CorsError], rec: &Recorded, origin: &str) -> String {
    if others.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = others
        .iter()
        .map(|e| verdict_line(e, rec, origin))
        .collect();
    format!(" (also: {})", lines.join("; "))
}

pub fn regex_escape(host: &str) -> String {
    host.replace('.', "\\.")
}

/// How each probe class is named in the security row.
pub fn probe_kind(k: ProbeKind) -> &'static str {
    match k {
        ProbeKind::Foreign => "a foreign site",
        ProbeKind::Null => "the opaque origin of sandboxed iframes and file: pages",
        ProbeKind::Prefix => "the origin as a prefix",
        ProbeKind::Suffix => "the origin as a suffix",
        ProbeKind::Subdomain => "a subdomain",
        ProbeKind::HttpDowngrade => "the http:// downgrade",
        ProbeKind::UnescapedDot => "an unescaped-dot look-alike",
        ProbeKind::EncodedBacktick => "a backtick (%60) trick",
        ProbeKind::Backtick => "a backtick trick",
        ProbeKind::Underscore => "an underscore trick",
    }
}

/// What the security row reports besides the verdict.
pub struct ProbeReport<'a> {
    pub host: &'a str,
    /// Whose words the fix is said in.
    pub vocab: super::vocab::Vocab<'a>,
    /// The frontend origin the probes stand beside (the one to allow).
    pub origin: &'a str,
    pub label: &'a str,
    pub answers: &'a [ProbeAnswer],
    pub unanswered: usize,
}

/// The security row, worded from the judgement.
pub fn security_row(f: Finding, r: &ProbeReport, verdict: &Security) -> Finding {
    let name = |i: &usize| {
        let (k, p, _) = &r.answers[*i];
        format!("{p} ({})", probe_kind(*k))
    };
    let sent = format!(
        "sent {} preflights for {} from untrusted origins",
        r.answers.len(),
        r.label
    );
    let unanswered = if r.unanswered > 0 {
        format!("; {} probe(s) got no answer", r.unanswered)
    } else {
        String::new()
    };
    match verdict {
        Security::Inconclusive { status } => f.skip().detail(format!(
            "inconclusive: every probe preflight was answered HTTP {status}, so no origin gets in, but only because preflights fail for everyone (see cors.preflight)"
        )),
        Security::Reflected { with_credentials, any_origin } => {
            let django = matches!(r.vocab, super::vocab::Vocab::Django);
            let exact = super::vocab::exact_origins(
                &r.vocab,
                &[r.origin.to_string()],
                !with_credentials.is_empty(),
            );
            let fix = if *any_origin && django {
                "the API echoes any Origin with credentials: remove CORS_ALLOW_ALL_ORIGINS (or the hand-written middleware / nginx `add_header Access-Control-Allow-Origin $http_origin` that reflects the Origin) and list exact origins in CORS_ALLOWED_ORIGINS".to_string()
            } else if *any_origin {
                format!(
                    "the API echoes any Origin with credentials (an origin of `*`/True/a reflecting function in {}, or nginx `add_header Access-Control-Allow-Origin $http_origin`): {exact}",
                    r.vocab.layer()
                )
            } else if django {
                format!(
                    "the origin matching is loose: list exact origins in CORS_ALLOWED_ORIGINS, and anchor and escape every CORS_ALLOWED_ORIGIN_REGEXES pattern (r\"^https://(www\\.)?{}$\"); never allow null or http://",
                    regex_escape(r.host)
                )
            } else {
                format!(
                    "the origin matching is loose: anchor and escape every origin pattern in {} (^https://(www\\.)?{}$) or {exact}; never allow null or http://",
                    r.vocab.layer(),
                    regex_escape(r.host)
                )
            };
            let list: Vec<String> = with_credentials.iter().map(name).collect();
            f.fail()
                .detail(format!(
                    "{sent}; allowed with credentials: {}{unanswered} — any page on those origins can read users' data with their cookies",
                    list.join(", ")
                ))
                .hint(fix)
        }
        Security::Open { without, wildcard } => {
            let what = if *wildcard {
                "answered Access-Control-Allow-Origin: * to every probe".to_string()
            } else {
                let list: Vec<String> = without.iter().map(name).collect();
                format!("allowed without credentials: {}", list.join(", "))
            };
            f.warn()
                .detail(format!("{sent}; {what}{unanswered}; other sites can read every response that needs no cookie"))
                .hint(match r.vocab {
                    super::vocab::Vocab::Django => "an authenticated API should answer only its own frontends: set CORS_ALLOWED_ORIGINS to them instead of CORS_ALLOW_ALL_ORIGINS / a reflected or '*' origin".to_string(),
                    v => format!(
                        "an authenticated API should answer only its own frontends, not `*` or any origin: {}",
                        super::vocab::exact_origins(&v, &[r.origin.to_string()], false)
                    ),
                })
        }
        Security::Refused => f.pass().detail(format!(
            "{sent}: every one refused ({}){unanswered}",
            r.answers
                .iter()
                .map(|(_, p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The cache row, worded from the judgement over the actual responses.
pub fn cache_row(
    f: Finding,
    origin: &Origin,
    seen: (bool, &super::vocab::Vocab),
    j: &CacheJudgement,
) -> Finding {
    let (seen_any, vocab) = seen;
    if j.naming_origin == 0 {
        return f.skip().detail(if seen_any {
            format!("not checked: no actual response named {origin} in Access-Control-Allow-Origin (see cors.actual)")
        } else {
            "not checked: no actual CORS response was received (see cors.preflight and cors.actual)".to_string()
        });
    }
    let age = match j.max_age {
        MaxAge::Capped(a) => format!(
            "preflights may be cached for {a} s (Access-Control-Max-Age; Chrome caps it at {CHROME_MAX_AGE_CAP} s)"
        ),
        MaxAge::Seconds(a) => format!("preflights may be cached for {a} s (Access-Control-Max-Age)"),
        MaxAge::NoPreflightPassed => "no preflight passed, so no preflight cache".to_string(),
        MaxAge::Missing => format!(
            "no Access-Control-Max-Age: Chrome repeats each preflight after {CHROME_DEFAULT_MAX_AGE} s (CORS_PREFLIGHT_MAX_AGE sets it)"
        ),
    };
    if j.missing_vary.is_empty() {
        return f.pass().detail(format!(
            "all {} actual responses naming {origin} carry Vary: Origin; {age}",
            j.naming_origin
        ));
    }
    f.warn()
        .detail(format!(
            "{} of {} actual responses name {origin} in Access-Control-Allow-Origin without Vary: Origin ({}); {age}",
            j.missing_vary.len(),
            j.naming_origin,
            j.missing_vary.join(", ")
        ))
        .hint(super::vocab::vary_hint(vocab))
}

/// A preflight that passes only because `*` covered `Authorization`.
pub fn wildcard_authorization_warning(
    f: Finding,
    detail: &str,
    vocab: &super::vocab::Vocab,
) -> Finding {
    f.warn()
        .detail(format!(
            "allowed by Chrome, which lets Access-Control-Allow-Headers: * stand for Authorization on a request without credentials: {detail}"
        ))
        .hint(format!("list authorization by name ({}). The Fetch standard says '*' never covers Authorization; Chrome 156 and Firefox ESR 153 (both tried headless) and WebKit's source (Safari) still let it through, but Chrome already carries the standard's rule behind a switch and flags the call in DevTools' Issues panel, so a browser that turns the rule on will refuse every authenticated call", super::vocab::authorization_by_name(vocab)))
}

/// One hop as it left: "POST https://api/x (Origin: https://app; Authorization sent)".
pub fn describe_leg(leg: &Leg, page_origin: &str, first: bool) -> String {
    let auth = match (leg.has_authorization(), first) {
        (true, _) => "; Authorization sent",
        (false, false) => "; no Authorization",
        (false, true) => "",
    };
    format!(
        "{} {} (Origin: {}{auth})",
        leg.method,
        leg.url,
        leg.origin_value(page_origin)
    )
}

/// The chain: each request as it left and the answer it got, and where it stopped.
pub fn describe_chain(chain: &Chain, page_origin: &str) -> String {
    let mut parts = Vec::new();
    for (i, hop) in chain.hops.iter().enumerate() {
        let mut s = format!(
            "hop {}: {}",
            i + 1,
            describe_leg(&hop.leg, page_origin, i == 0)
        );
        if let Some(p) = &hop.preflight {
            s.push_str(&format!(" after a preflight answered HTTP {}", p.status));
        }
        if let Some(r) = &hop.response {
            s.push_str(&format!(" → {}", describe_response(r, ACTUAL_HEADERS)));
        }
        parts.push(s);
    }
    parts.join("; ")
}

/// The fault of a blocked hop in a few words.
pub fn block_line(block: &Block, chain: &Chain, page_origin: &str) -> String {
    let hop = chain.hops.len();
    let last = chain.hops.last();
    let rec = last.and_then(|h| h.response.as_ref().or(h.preflight.as_ref()));
    let empty = Recorded::default();
    match block {
        Block::Cors(e) | Block::Preflight(e) => {
            let origin = last.map_or(page_origin, |h| h.leg.origin_value(page_origin));
            let which = if matches!(block, Block::Preflight(_)) {
                "the preflight of "
            } else {
                ""
            };
            format!(
                "blocked at {which}hop {hop}: {}",
                verdict_line(e, rec.unwrap_or(&empty), origin)
            )
        }
        Block::MixedContent(u) => format!(
            "blocked after hop {hop}: it redirects to {u}, plain http:// from an HTTPS page (Mixed Content), so the browser sends nothing there"
        ),
        Block::TooManyRedirects => format!(
            "blocked after hop {hop}: Chrome follows at most {MAX_REDIRECTS} redirects"
        ),
        Block::InvalidLocation(l) => format!("blocked after hop {hop}: the Location '{l}' is not a URL"),
        Block::LocationWithCredentials(u) => format!(
            "blocked after hop {hop}: the Location {u} carries a username and password"
        ),
    }
}

/// A call to http:// from an HTTPS page: Mixed Content blocks it before any CORS.
pub fn insecure_call_rows(
    preflight: Finding,
    actual: Finding,
    c: &ApiCall,
    page: &Page,
    needs_preflight: bool,
) -> Vec<Finding> {
    let mut rows = Vec::new();
    if needs_preflight {
        rows.push(preflight.skip().detail(format!(
            "not sent: {} is plain http:// and the page is HTTPS, so Mixed Content blocks the call before any preflight (see cors.actual)",
            c.url
        )));
    }
    rows.push(
        actual
            .fail()
            .detail(format!(
                "{} {} is plain http:// from the HTTPS page {}: Mixed Content, the browser sends nothing",
                c.call.method, c.url, page.origin
            ))
            .hint("call the API over https:// (the frontend's API base URL, REACT_APP_API_BASE_URL, at build time)")
            .browser_error(super::chrome::mixed_content_message(
                &page.parsed_url(),
                c.url.as_str(),
            )),
    );
    rows
}

/// The page reads the answer (after `redirected` hops or none).
pub fn actual_read(
    f: Finding,
    chain: &Chain,
    origin: &str,
    summary: &str,
    redirected: bool,
    sent: &str,
) -> Finding {
    let last = chain
        .hops
        .last()
        .and_then(|h| h.response.clone())
        .unwrap_or_default();
    let resp = describe_response(&last, ACTUAL_HEADERS);
    if !redirected {
        return f.pass().detail(format!(
            "allowed: {resp}; the page can read this {summary} — {sent}"
        ));
    }
    f.pass().detail(format!(
        "allowed after {} redirect(s), each hop passing CORS: {}; the page reads the last answer, {summary} — {sent}",
        chain.hops.len() - 1,
        describe_chain(chain, origin)
    ))
}

/// The call's only response fails the CORS check.
pub fn actual_blocked(f: Finding, err: &CorsError, h: &HintCtx, sent: &str) -> Finding {
    let resp = describe_response(h.rec, ACTUAL_HEADERS);
    let hidden = if matches!(err, CorsError::MissingAllowOrigin { .. }) {
        format!(
            "; the real status, HTTP {}, is hidden from the page: it sees only a CORS error (axios: \"Network Error\")",
            h.rec.status
        )
    } else {
        String::new()
    };
    f.fail()
        .detail(format!(
            "{}: {resp}{hidden} — {sent}",
            verdict_line(err, h.rec, h.origin)
        ))
        .hint(hint(err, h))
}

/// A call stopped on its redirect chain: the chain, which hop blocked, the fix.
pub fn chain_blocked(f: Finding, chain: &Chain, block: &Block, page: &Page, sent: &str) -> Finding {
    f.fail()
        .detail(format!(
            "{}: {} — {sent}",
            block_line(block, chain, &page.origin),
            describe_chain(chain, &page.origin)
        ))
        .hint(chain_hint(block, chain))
}

#[cfg(test)]
mod tests {
    use super::super::judge::{judge_cache, judge_probes, ProbeVerdict};
    use super::*;
    use crate::engine::model::Status;
    use crate::engine::{Row, Subject};

    #[test]
    fn probe_answers_decide_the_security_row() {
        use ProbeVerdict::*;
        let probes_row = |a: &[ProbeAnswer], not_ok: &[u16], unanswered: usize, auth: bool| {
            let r = ProbeReport {
                vocab: super::super::vocab::Vocab::Django,
                origin: "https://x.test",
                host: "x.test",
                label: "GET auth/profile/",
                answers: a,
                unanswered,
            };
            security_row(
                Finding::of(Row::CorsSecurity, Subject::origin("https://x.test"), "t"),
                &r,
                &judge_probes(a, not_ok, auth),
            )
        };
        let v = |list: &[(ProbeKind, &str, ProbeVerdict)]| -> Vec<ProbeAnswer> {
            list.iter()
                .map(|(w, p, x)| (*w, p.to_string(), *x))
                .collect()
        };
        let refused = v(&[
            (ProbeKind::Foreign, "https://evil.example", Refused),
            (ProbeKind::Subdomain, "https://evil.x.test", Refused),
        ]);
        let reflect = v(&[
            (
                ProbeKind::Foreign,
                "https://evil.example",
                AllowedWithCredentials,
            ),
            (
                ProbeKind::Subdomain,
                "https://evil.x.test",
                AllowedWithCredentials,
            ),
        ]);
        let loose = v(&[
            (ProbeKind::Foreign, "https://evil.example", Refused),
            (
                ProbeKind::Suffix,
                "https://evilx.test",
                AllowedWithCredentials,
            ),
        ]);
        let echo = v(&[(ProbeKind::Foreign, "https://evil.example", Allowed)]);
        let star = v(&[(ProbeKind::Foreign, "https://evil.example", Wildcard)]);
        type Case<'a> = (&'a str, &'a [ProbeAnswer], &'a [u16], bool, Status, &'a str);
        let table: Vec<Case> = vec![
            (
                "all refused",
                &refused,
                &[],
                true,
                Status::Pass,
                "every one refused",
            ),
            (
                "all refused by failing preflights",
                &refused,
                &[301, 301],
                true,
                Status::Skip,
                "inconclusive",
            ),
            (
                "reflection",
                &reflect,
                &[],
                true,
                Status::Fail,
                "CORS_ALLOW_ALL_ORIGINS",
            ),
            (
                "loose match",
                &loose,
                &[],
                true,
                Status::Fail,
                "CORS_ALLOWED_ORIGIN_REGEXES",
            ),
            (
                "echo without credentials",
                &echo,
                &[],
                false,
                Status::Warn,
                "CORS_ALLOWED_ORIGINS",
            ),
            (
                "star on authenticated API",
                &star,
                &[],
                true,
                Status::Warn,
                "CORS_ALLOWED_ORIGINS",
            ),
            (
                "star on a public API",
                &star,
                &[],
                false,
                Status::Pass,
                "every one refused",
            ),
        ];
        for (name, verdicts, not_ok, auth, want, phrase) in table {
            let got = probes_row(verdicts, not_ok, 0, auth);
            assert_eq!(got.status, want, "{name}: {}", got.detail);
            let text = format!("{} {}", got.detail, got.hint.unwrap_or_default());
            assert!(text.contains(phrase), "{name}: '{phrase}' not in {text}");
        }
        let partial = probes_row(&refused, &[], 3, true);
        assert!(
            partial.detail.contains("3 probe(s) got no answer"),
            "{}",
            partial.detail
        );
    }

    #[test]
    fn cache_row_wants_vary_where_the_origin_is_named() {
        let cache_at = |o: &Origin, seen: &[(String, Recorded)], ages: &[Option<u64>]| {
            let f = Finding::of(Row::CorsCache, Subject::origin("https://x.test"), "t");
            cache_row(
                f,
                o,
                (!seen.is_empty(), &super::super::vocab::Vocab::Django),
                &judge_cache(seen, ages),
            )
        };
        let o = Origin::parse("https://x.test").unwrap();
        let named = |vary: bool| {
            let mut h = vec![("access-control-allow-origin", "https://x.test")];
            if vary {
                h.push(("vary", "Origin"));
            }
            ("GET a/".to_string(), Recorded::new(200, &h))
        };
        let star = (
            "GET b/".to_string(),
            Recorded::new(200, &[("access-control-allow-origin", "*")]),
        );
        let r = cache_at(&o, &[named(true), star.clone()], &[Some(600)]);
        assert_eq!(r.status, Status::Pass, "{}", r.detail);
        assert!(r.detail.contains("600 s"), "{}", r.detail);
        let r = cache_at(&o, &[named(false)], &[Some(86400)]);
        assert_eq!(r.status, Status::Warn, "{}", r.detail);
        assert!(
            r.detail.contains("Chrome caps it at 7200 s"),
            "{}",
            r.detail
        );
        let r = cache_at(&o, &[named(true)], &[None]);
        assert!(r.detail.contains("after 5 s"), "{}", r.detail);
        assert_eq!(cache_at(&o, &[star], &[]).status, Status::Skip);
        assert_eq!(cache_at(&o, &[], &[]).status, Status::Skip);
    }

    #[test]
    fn verdict_lines_name_the_fault() {
        let o = "https://tiktrue.com";
        let dup = Recorded::new(
            200,
            &[
                ("access-control-allow-origin", o),
                ("access-control-allow-origin", o),
            ],
        );
        let one = Recorded::new(
            200,
            &[(
                "access-control-allow-origin",
                "https://a.test, https://b.test",
            )],
        );
        let none = Recorded::default();
        let table: Vec<(CorsError, &Recorded, &str)> = vec![
            (
                CorsError::MissingAllowOrigin { preflight: true },
                &none,
                "no Access-Control-Allow-Origin",
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: format!("{o}, {o}"),
                },
                &dup,
                "sent 2 times",
            ),
            (
                CorsError::MultipleAllowOriginValues {
                    preflight: true,
                    value: "https://a.test, https://b.test".into(),
                },
                &one,
                "lists several origins",
            ),
            (
                CorsError::AllowOriginMismatch {
                    preflight: false,
                    value: "https://tiktrue.com/".into(),
                },
                &none,
                "is 'https://tiktrue.com/', not 'https://tiktrue.com'",
            ),
            (
                CorsError::WildcardOriginNotAllowed { preflight: true },
                &none,
                "is * on a request with credentials",
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: String::new(),
                },
                &none,
                "no Access-Control-Allow-Credentials",
            ),
            (
                CorsError::InvalidAllowCredentials {
                    preflight: true,
                    value: "TRUE".into(),
                },
                &none,
                "is 'TRUE', not 'true'",
            ),
            (
                CorsError::PreflightInvalidStatus { status: 405 },
                &none,
                "HTTP 405",
            ),
            (
                CorsError::PreflightDisallowedRedirect {
                    status: 308,
                    location: "https://x/".into(),
                },
                &none,
                "redirected (HTTP 308 to https://x/)",
            ),
            (
                CorsError::MethodDisallowed {
                    method: "PUT".into(),
                },
                &none,
                "Methods lacks PUT",
            ),
            (
                CorsError::HeaderDisallowed {
                    header: "x-api-key".into(),
                },
                &none,
                "Headers lacks x-api-key",
            ),
            (CorsError::InvalidAllowHeaders, &none, "cannot be parsed"),
        ];
        for (err, rec, want) in table {
            let got = verdict_line(&err, rec, o);
            assert!(got.contains(want), "{err:?}: {got}");
        }
    }

    #[test]
    fn a_chain_shows_each_hop_as_it_left_and_where_it_stopped() {
        use super::super::redirect::{End, HopSeen};
        let leg = |url: &str, method: &str, auth: bool, tainted: bool| Leg {
            url: Url::parse(url).unwrap(),
            method: method.into(),
            headers: if auth {
                vec![("Authorization".into(), "Bearer x".into())]
            } else {
                vec![]
            },
            body: None,
            tainted,
        };
        let moved = Recorded::new(
            302,
            &[
                ("location", "https://b.test/x"),
                ("access-control-allow-origin", "https://app.test"),
            ],
        );
        let refused = Recorded::new(200, &[("access-control-allow-origin", "https://app.test")]);
        let chain = Chain {
            hops: vec![
                HopSeen {
                    leg: leg("https://api.test/p/", "GET", true, false),
                    preflight: None,
                    response: Some(moved),
                },
                HopSeen {
                    leg: leg("https://b.test/x", "GET", false, true),
                    preflight: None,
                    response: Some(refused),
                },
            ],
            end: End::Blocked(Block::Cors(CorsError::AllowOriginMismatch {
                preflight: false,
                value: "https://app.test".into(),
            })),
        };
        let d = describe_chain(&chain, "https://app.test");
        assert!(
            d.contains("hop 1: GET https://api.test/p/ (Origin: https://app.test; Authorization sent) → HTTP 302"),
            "{d}"
        );
        assert!(
            d.contains("hop 2: GET https://b.test/x (Origin: null; no Authorization) → HTTP 200"),
            "{d}"
        );
        let End::Blocked(b) = &chain.end else {
            unreachable!()
        };
        let line = block_line(b, &chain, "https://app.test");
        assert_eq!(
            line,
            "blocked at hop 2: Access-Control-Allow-Origin is 'https://app.test', not 'null'"
        );
        assert_eq!(
            chain.message_urls(),
            (
                "https://b.test/x".to_string(),
                Some("https://api.test/p/".to_string())
            )
        );
    }
}
