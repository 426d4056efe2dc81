use super::cookies::{judge_cookie, parse_set_cookie, CookieUse};
use super::judge::*;
use super::words;
use crate::engine::model::{Finding, Status};
use crate::engine::{FaultKind, Row, Subject};
use url::Url;

fn step(url: &str, status: u16, loc: Option<&str>) -> Step {
    Step {
        url: url.into(),
        status,
        location: loc.map(str::to_string),
        content_type: "text/html".into(),
    }
}

#[test]
fn redirect_table() {
    let ok = vec![
        step("http://a.test/", 301, Some("https://a.test/")),
        step("https://a.test/", 200, None),
    ];
    let temp = vec![
        step("http://a.test/", 302, Some("https://a.test/")),
        step("https://a.test/", 200, None),
    ];
    let other = vec![
        step("http://a.test/", 301, Some("https://www.a.test/")),
        step("https://www.a.test/", 200, None),
    ];
    let hop = vec![
        step("http://a.test/", 301, Some("http://a.test/x")),
        step("http://a.test/x", 301, Some("https://a.test/")),
        step("https://a.test/", 200, None),
    ];
    let served = vec![step("http://a.test/", 200, None)];
    let looped = vec![step("http://a.test/", 301, Some("http://a.test/"))];
    for (steps, ending, want, key) in [
        (ok, Ending::Answered, Status::Pass, None),
        (
            temp,
            Ending::Answered,
            Status::Warn,
            Some("https.redirect-temporary"),
        ),
        (
            other,
            Ending::Answered,
            Status::Warn,
            Some("https.redirect-other-host"),
        ),
        (
            hop,
            Ending::Answered,
            Status::Warn,
            Some("https.redirect-indirect"),
        ),
        (
            served,
            Ending::Answered,
            Status::Fail,
            Some("https.plain-http-served"),
        ),
        (
            looped,
            Ending::Loop,
            Status::Fail,
            Some("https.redirect-loop"),
        ),
    ] {
        let v = judge_redirect("a.test", &steps, &ending);
        assert_eq!(v.status(), want, "{v:?}");
        assert_eq!(v.fault("a.test").map(|f| f.key()), key, "{v:?}");
    }
    let limited = [step("http://a.test/", 429, None)];
    let v = judge_redirect("a.test", &limited, &Ending::Answered);
    assert_eq!(
        v.status(),
        Status::Warn,
        "a 429 is the limit, not a served page"
    );
    assert_eq!(
        v.fault("a.test").map(|f| f.key()),
        Some("https.rate-limited")
    );
    let after_fail = judge_redirect(
        "a.test",
        &[step("http://a.test/", 301, Some("https://a.test/"))],
        &Ending::Failed("TLS".into()),
    );
    assert_eq!(after_fail.status(), Status::Pass, "{after_fail:?}");
}

#[test]
fn redirect_loop_words_chromes_error() {
    let steps = [step("https://a.test/", 301, Some("https://a.test/"))];
    let v = judge_redirect("a.test", &steps, &Ending::Loop);
    let f = Finding::of(Row::HttpsRedirect, Subject::host("a.test", None), "t").status(v.status());
    let f = words::redirect(
        f,
        "a.test",
        (&steps, &Ending::Loop),
        &v,
        Some(crate::stack::Backend::Django),
    );
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    assert!(f.hint.unwrap().contains("SECURE_PROXY_SSL_HEADER"));
}

#[test]
fn hsts_parsing_and_verdicts() {
    let h = parse_hsts("max-age=31536000; includeSubDomains; preload");
    assert_eq!(h.max_age, Some(31_536_000));
    assert!(h.include_subdomains && h.preload && h.problems.is_empty());
    assert!(h.preload_missing().is_empty());
    assert_eq!(parse_hsts("max-age=\"600\"").max_age, Some(600));
    assert_eq!(
        parse_hsts("max-age=1; max-age=2").problems,
        vec![HstsProblem::Duplicate("max-age".into())]
    );
    assert_eq!(
        parse_hsts("includeSubDomains").problems,
        vec![HstsProblem::MaxAgeMissing]
    );
    assert_eq!(
        parse_hsts("max-age=31536000; preload").preload_missing(),
        vec![PreloadNeed::IncludeSubDomains]
    );
    for (raw, want, key) in [
        (None, Status::Warn, Some("https.hsts-missing")),
        (Some("max-age=300"), Status::Warn, Some("https.hsts-short")),
        (Some("max-age=0"), Status::Warn, Some("https.hsts-zero")),
        (
            Some("max-age=abc"),
            Status::Warn,
            Some("https.hsts-ignored"),
        ),
        (
            Some("max-age=31536000; includeSubDomains; preload"),
            Status::Pass,
            None,
        ),
        (Some("max-age=31536000; preload"), Status::Pass, None),
    ] {
        let h = raw.map(parse_hsts);
        let v = judge_hsts(h.as_ref());
        assert_eq!(v.status(), want, "{raw:?}");
        assert_eq!(v.fault("a.test").map(|f| f.key()), key, "{raw:?}");
    }
    // One wording test: the preload requirements are named.
    let u = Url::parse("https://a.test/").unwrap();
    let raw = "max-age=31536000; preload";
    let h = parse_hsts(raw);
    let f = Finding::of(Row::HttpsHsts, Subject::host("a.test", None), "t");
    let f = words::hsts(
        f,
        ("a.test", &u),
        (Some(raw), Some(&h)),
        &judge_hsts(Some(&h)),
        None,
    );
    assert!(
        f.detail.contains("also needs includeSubDomains"),
        "{}",
        f.detail
    );
}

#[test]
fn headers_warn_on_frontend_and_inform_on_api() {
    let full = SecurityHeaders {
        nosniff: Some("nosniff".into()),
        frame_options: None,
        csp: "default-src 'self'; frame-ancestors 'none'".into(),
        referrer_policy: Some("same-origin".into()),
    };
    let v = judge_headers(&full, true);
    assert_eq!(v.status(), Status::Pass);
    assert!(v.present.contains(&PresentHeader::FrameAncestors(
        "frame-ancestors 'none'".into()
    )));
    let none = SecurityHeaders::default();
    let v = judge_headers(&none, true);
    assert_eq!(v.status(), Status::Warn);
    assert_eq!(
        v.fault("a.test"),
        Some(HttpsFault::HeadersMissing {
            host: "a.test".into(),
            missing: vec![
                MissingHeader::Nosniff(None),
                MissingHeader::FrameProtection,
                MissingHeader::ReferrerPolicy
            ],
        })
    );
    let v = judge_headers(&none, false);
    assert_eq!(v.status(), Status::Pass);
    assert_eq!(v.fault("a.test"), None);
}

#[test]
fn cookie_table() {
    let plain = CookieUse::default();
    let hsts = CookieUse {
        hsts_subdomains: true,
        ..plain
    };
    let cross = CookieUse {
        cross_site_credentials: true,
        ..plain
    };
    use CookieProblem::*;
    for (raw, usage, want) in [
        (
            "sessionid=x; HttpOnly; Path=/; SameSite=Lax; Secure",
            plain,
            None,
        ),
        (
            "sessionid=x; HttpOnly; Path=/; SameSite=Lax",
            plain,
            Some(SessionInsecure),
        ),
        (
            "csrftoken=x; Path=/; SameSite=Lax",
            plain,
            Some(Insecure {
                hsts_subdomains: false,
            }),
        ),
        (
            "csrftoken=x; Path=/; SameSite=Lax",
            hsts,
            Some(Insecure {
                hsts_subdomains: true,
            }),
        ),
        ("csrftoken=x; Path=/; Secure", plain, None),
        (
            "sessionid=x; Path=/; Secure",
            plain,
            Some(SessionScriptReadable),
        ),
        ("prefs=x; SameSite=None", plain, Some(SameSiteNoneInsecure)),
        ("auth_token=x; SameSite=Lax", plain, Some(SessionInsecure)),
        // Cross-site SPA with credentials: the API's cookies must be SameSite=None; Secure.
        (
            "sessionid=x; HttpOnly; SameSite=Lax; Secure",
            cross,
            Some(CrossSiteNotNone),
        ),
        ("csrftoken=x; Secure", cross, Some(CrossSiteNotNone)),
        ("sessionid=x; HttpOnly; SameSite=None; Secure", cross, None),
        ("prefs=x; Secure", cross, None),
    ] {
        let c = parse_set_cookie(raw).unwrap();
        assert_eq!(judge_cookie(&c, usage), want, "{raw}");
    }
    assert!(parse_set_cookie("novalue").is_none());
    // Words name the Django setting and never the cookie's value.
    let c = parse_set_cookie("sessionid=x; HttpOnly; Path=/; SameSite=Lax").unwrap();
    let f = Finding::of(Row::HttpsCookies, Subject::host("a.test", None), "t");
    let f = words::cookie(f, (&c, "/admin/login/"), judge_cookie(&c, plain), None);
    assert!(f.hint.unwrap().contains("SESSION_COOKIE_SECURE"));
    assert!(!f.detail.contains("=x"), "cookie values are never shown");
}
