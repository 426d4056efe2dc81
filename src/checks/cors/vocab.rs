//! Whose words a CORS fix is said in: django-cors-headers' when the API is Django, the
//! recognised framework's (the `cors` package, Starlette's `CORSMiddleware`, flask-cors,
//! rack-cors, Spring, ASP.NET Core…) through [`crate::stack::fix`], and the exact header to send
//! when nothing is recognised. This file words the fixes that are not one setting of the CORS
//! layer (a preflight answered with an error status, a header sent twice, an open
//! configuration, a missing `Vary`) for a stack that is not Django.

use super::decide::{CorsError, Recorded};
use super::judge::{blocked_kind, fix_for, looks_like_django, Blocked};
use crate::stack::fix::{word, Fix};
use crate::stack::{Backend, Stack};

/// The vocabulary a fix is worded in.
#[derive(Debug, Clone, Copy)]
pub enum Vocab<'a> {
    /// django-cors-headers and Django's settings.
    Django,
    /// A recognised framework other than Django.
    Framework(Backend, &'a Stack),
    /// No framework recognised: the exact headers (or the proxy's directive, if one is known).
    Headers(&'a Stack),
}

/// The vocabulary for an answer `rec` from an API whose stack is `stack`.
pub fn vocab<'a>(stack: &'a Stack, rec: &Recorded) -> Vocab<'a> {
    // A recognised framework wins over header sets (helmet sends X-Frame-Options: DENY too).
    match stack.backend() {
        Some(Backend::Django) => Vocab::Django,
        Some(b) => Vocab::Framework(b, stack),
        None if looks_like_django(rec) => Vocab::Django,
        None => Vocab::Headers(stack),
    }
}

impl Vocab<'_> {
    /// The CORS layer's name: "django-cors-headers", "the cors package"…
    pub fn layer(&self) -> &'static str {
        match self {
            Vocab::Django => "django-cors-headers",
            Vocab::Framework(b, _) => match b {
                Backend::Django => "django-cors-headers",
                Backend::Express => "the cors package",
                Backend::Starlette => "CORSMiddleware",
                Backend::Flask => "flask-cors",
                Backend::Rails => "rack-cors",
                Backend::Laravel => "Laravel's HandleCors",
                Backend::SpringBoot => "Spring's CorsConfiguration",
                Backend::AspNetCore => "ASP.NET Core's CORS middleware",
                Backend::NextJs => "the route handler",
            },
            Vocab::Headers(_) => "the app's CORS layer",
        }
    }

    fn stack(&self) -> Option<&Stack> {
        match self {
            Vocab::Django => None,
            Vocab::Framework(_, s) | Vocab::Headers(s) => Some(s),
        }
    }

    /// "(stack: Express behind nginx (X-Powered-By: Express; Server: nginx))", or what to do
    /// when nothing was recognised.
    pub fn note(&self) -> String {
        match self.stack() {
            Some(s) if s.backend.is_some() => format!(" (stack: {s})"),
            Some(s) if s.is_known() => format!(
                " (the framework was not recognised, {s}: whichever layer answers must send exactly these headers)"
            ),
            _ => " (the framework was not recognised: whichever layer answers must send exactly these headers)".to_string(),
        }
    }

    /// A configuration change worded for this stack.
    pub fn word(&self, fix: &Fix) -> String {
        match self.stack() {
            Some(s) => format!("{}{}", word(fix, s), self.note()),
            None => word(fix, &Stack::of(Backend::Django)),
        }
    }
}

/// The fix for a blocked call on a stack that is not Django: one setting of the CORS layer
/// where that is the cause, otherwise the change the error needs, in this stack's words.
/// `others`: the preflight's further problems (an error status hides them from the browser's
/// message but not from the fix).
pub fn framework_hint(
    v: &Vocab,
    err: &CorsError,
    rec: &Recorded,
    ctx: (&str, &str, bool, bool),
    others: &[CorsError],
) -> Option<String> {
    let (origin, path, preflight, include) = ctx;
    let what = blocked_kind(err, rec, preflight);
    if let Some(fix) = fix_for(what, err, origin, include) {
        let mut s = v.word(&fix);
        if let (Vocab::Framework(Backend::Flask, _), Blocked::AllowOriginMissing) = (v, what) {
            s.push_str(&format!(
                "; flask-cors answers an OPTIONS outside its resources without any CORS header, so a resources pattern must match {path}"
            ));
        }
        return Some(s);
    }
    Some(match what {
        Blocked::PreflightStatus => preflight_status(v, rec, origin, include, others),
        Blocked::AllowOriginDuplicated => format!(
            "Access-Control-Allow-Origin is sent {} times: the proxy adds it and the app adds it again. Keep one: remove `add_header Access-Control-Allow-Origin` from the nginx config (or the Traefik headers middleware), or drop the app's copy with `proxy_hide_header Access-Control-Allow-Origin`; {} alone already answers correctly{}",
            rec.values("access-control-allow-origin").len(),
            v.layer(),
            v.note()
        ),
        Blocked::AllowOriginMultiple => format!(
            "the header lists several origins in one value: a server must echo the one requesting origin ({origin}). {} does that from its list of origins; a fixed header cannot{}",
            v.layer(),
            v.note()
        ),
        _ => return None,
    })
}

/// A preflight answered with a non-2xx status.
fn preflight_status(
    v: &Vocab,
    rec: &Recorded,
    origin: &str,
    include: bool,
    others: &[CorsError],
) -> String {
    let status = rec.status;
    let refusal = body_start(rec).filter(|b| b.starts_with("Disallowed CORS"));
    let cause = others.iter().find_map(|e| {
        let what = blocked_kind(e, rec, false);
        fix_for(what, e, origin, include)
    });
    let head = match refusal {
        Some(b) => format!(
            "{} refused the preflight (HTTP {status} \"{b}\")",
            v.layer()
        ),
        None => {
            format!("the OPTIONS preflight is answered HTTP {status}: preflights must get a 2xx")
        }
    };
    if let Some(fix) = cause {
        return format!("{head}: {}", v.word(&fix));
    }
    let answer = match v {
        Vocab::Framework(Backend::Express, _) => {
            "put app.use(cors({ origin, credentials })) before any authentication middleware and the routes, so it answers OPTIONS with 204"
        }
        Vocab::Framework(Backend::Starlette, _) => {
            "add CORSMiddleware with app.add_middleware (it answers preflights before routing and dependencies run)"
        }
        Vocab::Framework(Backend::Flask, _) => {
            "let flask-cors answer it: CORS(app, resources=…) must cover this path, and no before_request hook may refuse OPTIONS"
        }
        _ => "answer OPTIONS with 2xx and the Access-Control-Allow-* headers before authentication and routing",
    };
    format!(
        "{head}. {answer}; the proxy must pass OPTIONS through (no auth or method filter on it){}",
        v.note()
    )
}

/// The first line of an answer's body, when there is one (a framework's refusal names itself:
/// "Disallowed CORS headers").
fn body_start(rec: &Recorded) -> Option<&str> {
    let line = rec.body.lines().next()?.trim();
    (!line.is_empty()).then_some(line)
}

/// The open or reflected configuration's fix: list exact origins.
pub fn exact_origins(v: &Vocab, origins: &[String], credentials: bool) -> String {
    match v {
        Vocab::Django => "list exact origins in CORS_ALLOWED_ORIGINS".to_string(),
        _ => v.word(&Fix::AllowOrigins {
            origins: origins.to_vec(),
            credentials,
        }),
    }
}

/// The missing `Vary: Origin`'s fix.
pub fn vary_hint(v: &Vocab) -> String {
    let who = match v {
        Vocab::Django => "django-cors-headers adds it itself".to_string(),
        Vocab::Framework(..) => format!("{} adds it itself for a list of origins", v.layer()),
        Vocab::Headers(_) => "the CORS layer of most frameworks adds it itself".to_string(),
    };
    format!(
        "send Vary: Origin on every response whose Access-Control-Allow-Origin depends on the request's Origin, or a shared cache (CDN, proxy_cache) can serve one origin's answer to another and break CORS for it. {who}, so look for a proxy or cache layer that drops or overwrites Vary (nginx: add_header Vary Origin always;)"
    )
}

/// How to list `authorization` by name.
pub fn authorization_by_name(v: &Vocab) -> String {
    match v {
        Vocab::Django => "CORS_ALLOW_HEADERS = (*default_headers, …) with `from corsheaders.defaults import default_headers`, or `Access-Control-Allow-Headers: authorization, content-type`".to_string(),
        _ => v.word(&Fix::AllowHeaders {
            headers: vec!["authorization".into(), "content-type".into()],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::Seen;

    fn stack(b: Option<Backend>) -> Stack {
        Stack {
            backend: b.map(|what| Seen {
                what,
                by: "test".into(),
            }),
            proxies: vec![],
        }
    }

    #[test]
    fn starlette_refusing_headers_is_worded_for_its_allow_headers() {
        let s = stack(Some(Backend::Starlette));
        let mut rec = Recorded::new(
            400,
            &[
                ("access-control-allow-origin", "https://app.test"),
                ("access-control-allow-headers", "Accept, Content-Type"),
            ],
        );
        rec.body = "Disallowed CORS headers".into();
        let v = vocab(&s, &rec);
        let others = [CorsError::HeaderDisallowed {
            header: "authorization".into(),
        }];
        let err = CorsError::PreflightInvalidStatus { status: 400 };
        let got = framework_hint(
            &v,
            &err,
            &rec,
            ("https://app.test", "/auth/login", true, false),
            &others,
        )
        .unwrap();
        assert!(
            got.contains("CORSMiddleware refused the preflight"),
            "{got}"
        );
        assert!(
            got.contains("allow_headers in CORSMiddleware must include authorization"),
            "{got}"
        );
        assert!(!got.contains("CORS_ALLOW"), "{got}");
    }

    #[test]
    fn unknown_stacks_get_the_exact_header() {
        let s = stack(None);
        let rec = Recorded::new(200, &[]);
        let v = vocab(&s, &rec);
        let err = CorsError::MissingAllowOrigin { preflight: true };
        let got =
            framework_hint(&v, &err, &rec, ("https://app.test", "/x", true, true), &[]).unwrap();
        assert!(
            got.contains("Access-Control-Allow-Origin: https://app.test"),
            "{got}"
        );
        assert!(
            got.contains("Access-Control-Allow-Credentials: true"),
            "{got}"
        );
        assert!(!got.contains("CORS_ALLOWED_ORIGINS"), "{got}");
        let flask = stack(Some(Backend::Flask));
        let got = framework_hint(
            &vocab(&flask, &rec),
            &err,
            &rec,
            ("https://app.test", "/api/auth/login", true, false),
            &[],
        )
        .unwrap();
        assert!(
            got.contains("a resources pattern must match /api/auth/login"),
            "{got}"
        );
    }
}
