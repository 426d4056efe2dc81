use super::judge::*;
use super::words;
use crate::engine::model::Status;
use crate::engine::FaultKind;
use crate::target::{default_endpoints, Endpoint};
use url::Url;

fn ep(name: &str) -> Endpoint {
    default_endpoints()
        .into_iter()
        .find(|e| e.name == name)
        .unwrap()
}

fn json(method: &str, status: u16, body: &str) -> Seen {
    Seen {
        method: method.into(),
        status,
        content_type: "application/json".into(),
        body: body.into(),
        path: "/api/v1/auth/login/".into(),
        ..Default::default()
    }
}

fn html(method: &str, status: u16, body: &str) -> Seen {
    Seen {
        content_type: "text/html; charset=utf-8".into(),
        ..json(method, status, body)
    }
}

#[test]
fn verdicts_by_answer() {
    let bearer = Seen {
        www_authenticate: Some("Bearer realm=\"api\"".into()),
        ..json("GET", 401, "{}")
    };
    let redirect = Seen {
        location: Some("/api/v1/auth/login/".into()),
        path: "/api/v1/auth/login".into(),
        ..html("POST", 301, "")
    };
    let debug = "You’re seeing this error because you have <code>DEBUG = True</code> Django tried these URL patterns";
    let cases: Vec<(&str, Seen, Status, Option<&str>)> = vec![
        ("login", json("POST", 400, "{}"), Status::Pass, None),
        ("login", json("POST", 401, "{}"), Status::Pass, None),
        ("profile", bearer, Status::Pass, None),
        (
            "profile",
            json("GET", 401, "{}"),
            Status::Warn,
            Some("endpoints.no-bearer-challenge"),
        ),
        (
            "profile",
            json("GET", 403, "{}"),
            Status::Warn,
            Some("endpoints.403-not-401"),
        ),
        (
            "login",
            json("POST", 404, "{}"),
            Status::Fail,
            Some("endpoints.not-found"),
        ),
        (
            "login",
            json("POST", 500, "{}"),
            Status::Fail,
            Some("endpoints.server-error"),
        ),
        (
            "login",
            html(
                "POST",
                502,
                "<title>502 Bad Gateway</title><center>nginx</center>",
            ),
            Status::Fail,
            Some("endpoints.proxy-error"),
        ),
        (
            "login",
            html("POST", 400, "<title>Bad Request (400)</title>"),
            Status::Fail,
            Some("endpoints.disallowed-host"),
        ),
        (
            "login",
            redirect,
            Status::Fail,
            Some("endpoints.post-redirected"),
        ),
        (
            "login",
            html("POST", 400, "<html><div id=\"root\"></div></html>"),
            Status::Warn,
            Some("endpoints.html-not-json"),
        ),
        (
            "health",
            html("GET", 404, debug),
            Status::Fail,
            Some("endpoints.not-found"),
        ),
        (
            "health",
            html("GET", 200, debug),
            Status::Fail,
            Some("endpoints.debug-page"),
        ),
        ("admin", html("GET", 302, ""), Status::Pass, None),
        (
            "login",
            json("POST", 405, "{}"),
            Status::Fail,
            Some("endpoints.method-not-allowed"),
        ),
        (
            "login",
            json("POST", 418, "{}"),
            Status::Fail,
            Some("endpoints.unexpected-status"),
        ),
    ];
    for (name, seen, want, key) in cases {
        let v = classify(&ep(name), &seen, None);
        assert_eq!(v.status, want, "{name} {seen:?}: {v:?}");
        assert_eq!(v.fault.as_ref().map(|f| f.key()), key, "{name} {seen:?}");
    }
}

#[test]
fn a_debug_page_is_a_typed_observation() {
    let s = html(
        "GET",
        404,
        "You’re seeing this error because you have <code>DEBUG = True</code>",
    );
    let v = classify(&ep("health"), &s, None);
    assert_eq!(v.debug, Some(DebugPage::Django));
    assert_eq!(
        v.fault,
        Some(EndpointFault::NotFound {
            method: "GET".into(),
            path: "/health/".into(),
            near_miss: None
        })
    );
    assert_eq!(
        judge_debug(&s).1,
        Some(EndpointFault::DebugPage(DebugPage::Django))
    );
    let (st, f) = judge_debug(&html("GET", 502, "<title>502 Bad Gateway</title>"));
    assert_eq!(st, Status::Skip);
    assert_eq!(f.unwrap().depends_on(), Some(crate::engine::Row::Endpoint));
}

#[test]
fn redirected_posts_name_their_cause() {
    let slash = Seen {
        location: Some("/api/v1/auth/login/".into()),
        path: "/api/v1/auth/login".into(),
        ..html("POST", 301, "")
    };
    let ssl = Seen {
        location: Some("https://api.x.test/api/v1/auth/login/".into()),
        ..html("POST", 301, "")
    };
    for (s, want) in [
        (slash, PostRedirect::AppendSlash),
        (ssl, PostRedirect::ToHttps),
    ] {
        match classify(&ep("login"), &s, None).fault {
            Some(EndpointFault::PostRedirected { cause, .. }) => assert_eq!(cause, want),
            other => panic!("{other:?}"),
        }
    }
    // One wording test: the APPEND_SLASH fix is named.
    let v = classify(
        &ep("login"),
        &Seen {
            location: Some("/api/v1/auth/login/".into()),
            path: "/api/v1/auth/login".into(),
            ..html("POST", 301, "")
        },
        None,
    );
    let django = Vocab {
        backend: Some(crate::stack::Backend::Django),
        proxy: None,
    };
    assert!(words::hint(v.fault.as_ref().unwrap(), django)
        .unwrap()
        .contains("APPEND_SLASH"));
}

#[test]
fn a_route_redirecting_to_itself_is_the_proxy_ssl_loop() {
    let s = Seen {
        url: "https://api.x.test/health/".into(),
        location: Some("https://api.x.test/health/".into()),
        ..json("GET", 301, "")
    };
    let v = classify(&ep("health"), &s, None);
    assert_eq!(v.status, Status::Fail);
    assert_eq!(
        v.fault.as_ref().map(|f| f.key()),
        Some("endpoints.redirects-to-itself")
    );
    assert_eq!(
        words::browser_error(&v, "GET", &s.url, 301).as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    let elsewhere = Seen {
        location: Some("/health/x/".into()),
        ..s
    };
    assert_eq!(
        classify(&ep("health"), &elsewhere, None).status,
        Status::Warn
    );
}

#[test]
fn near_miss_is_suggested_on_404() {
    let near = ("https://api.x.test/api/v2/auth/login/".to_string(), 400);
    let v = classify(&ep("login"), &json("POST", 404, ""), Some(&near));
    assert!(v.console);
    match &v.fault {
        Some(EndpointFault::NotFound {
            near_miss: Some(n), ..
        }) => assert_eq!(n, &near),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_429_is_the_limit_not_the_route() {
    let limited = Seen {
        rate_limit: Some(RateLimit {
            retry_after: Some(30),
            limit: Some("5;w=60".into()),
            lockout: false,
            retried: false,
        }),
        ..json("GET", 429, "{}")
    };
    let v = classify(&ep("health"), &limited, None);
    assert_eq!(v.status, Status::Warn, "never the route's own failure");
    assert!(v.console);
    assert_eq!(
        v.fault.as_ref().map(|f| f.key()),
        Some("endpoints.rate-limited")
    );
    let locked = Seen {
        rate_limit: Some(RateLimit {
            lockout: true,
            ..Default::default()
        }),
        ..json("POST", 429, "{\"detail\":\"Account locked\"}")
    };
    let v = classify(&ep("login"), &locked, None);
    assert_eq!(
        v.fault.as_ref().map(|f| f.key()),
        Some("endpoints.login-locked-out")
    );
    let w = words::what(&v, &locked);
    assert!(w.contains("no Retry-After"), "{w}");
}

#[test]
fn a_refused_fresh_token_names_the_likely_cause() {
    let profile = ep("profile");
    let refused = Seen {
        www_authenticate: Some("Bearer realm=\"api\"".into()),
        ..json("GET", 401, "{\"code\":\"token_not_valid\"}")
    };
    let clues = TokenClues {
        accepted_elsewhere: true,
        ahead_of_server: Some(0),
        sent_scheme: "Bearer".into(),
    };
    let v = classify_with_token(&profile, &refused, &clues);
    assert_eq!(v.status, Status::Fail);
    assert_eq!(
        v.fault,
        Some(EndpointFault::TokenRefused {
            path: profile.path.clone(),
            status: 401,
            causes: vec![TokenCause::OtherRoutesAccept],
        })
    );
    let skewed = TokenClues {
        accepted_elsewhere: false,
        ahead_of_server: Some(600),
        sent_scheme: "Bearer".into(),
    };
    let jwt_challenge = Seen {
        www_authenticate: Some("JWT realm=\"api\"".into()),
        ..refused.clone()
    };
    match classify_with_token(&profile, &jwt_challenge, &skewed).fault {
        Some(EndpointFault::TokenRefused { causes, .. }) => assert_eq!(
            causes,
            vec![
                TokenCause::ClockSkew { secs: 600 },
                TokenCause::HeaderType {
                    sent: "Bearer".into(),
                    challenge: "JWT".into()
                },
                TokenCause::SigningKey
            ]
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        classify_with_token(&profile, &json("GET", 200, "{}"), &clues).status,
        Status::Pass
    );
    let v = classify_with_token(&profile, &json("GET", 404, "{}"), &clues);
    assert_eq!(
        v.fault.map(|f| f.key()),
        Some("endpoints.wrong-status-with-token")
    );
    let custom = Endpoint {
        expect_with_token: Some(vec![204]),
        ..profile
    };
    assert_eq!(
        classify_with_token(&custom, &json("GET", 204, ""), &clues).status,
        Status::Pass
    );
}

#[test]
fn the_worse_of_the_two_calls_decides_the_row() {
    let pass = classify(
        &ep("profile"),
        &Seen {
            www_authenticate: Some("Bearer".into()),
            ..json("GET", 401, "{}")
        },
        None,
    );
    let clues = TokenClues {
        sent_scheme: "Bearer".into(),
        ..Default::default()
    };
    let refused = classify_with_token(&ep("profile"), &json("GET", 401, "{}"), &clues);
    let (v, from_token) = combine(pass.clone(), refused);
    assert!(from_token);
    assert_eq!(v.status, Status::Fail);
    let (v, from_token) = combine(
        pass,
        classify_with_token(&ep("profile"), &json("GET", 200, "{}"), &clues),
    );
    assert!(!from_token);
    assert_eq!(v.status, Status::Pass);
}

#[test]
fn static_files_broken_when_missing_or_html() {
    let a = |status, html| Asset {
        url: "https://a.test/static/x.css".into(),
        kind: AssetKind::Stylesheet,
        status,
        html,
    };
    assert_eq!(judge_static(&[a(Some(200), false)]).0, Status::Pass);
    assert_eq!(judge_static(&[]).0, Status::Pass);
    for broken in [a(Some(404), false), a(Some(200), true), a(None, false)] {
        let (st, f) = judge_static(&[a(Some(200), false), broken.clone()]);
        assert_eq!(st, Status::Fail);
        assert_eq!(
            f,
            Some(EndpointFault::StaticMissing {
                broken: vec![broken]
            })
        );
    }
}

#[test]
fn exposure_verdicts() {
    let seen = |answered: Vec<(&str, u16)>, catch_all| ExposureSeen {
        answered: answered
            .into_iter()
            .map(|(p, s)| (p.to_string(), s))
            .collect(),
        all_gateway: false,
        maintenance: false,
        rate_limit: None,
        catch_all,
    };
    assert_eq!(
        judge_exposure(&seen(vec![("/setup/", 404)], false)),
        (Status::Pass, None)
    );
    assert_eq!(
        judge_exposure(&seen(vec![("/setup/", 200), ("/x/", 404)], false)),
        (
            Status::Fail,
            Some(EndpointFault::SetupExposed {
                paths: vec!["/setup/".into()]
            })
        )
    );
    assert_eq!(
        judge_exposure(&seen(vec![("/setup/", 200)], true)),
        (Status::Warn, Some(EndpointFault::CatchAll))
    );
}

#[test]
fn variants_toggle_slash_drop_base_and_swap_versions() {
    let base = Url::parse("https://api.x.test/api/v1/").unwrap();
    let url = Url::parse("https://api.x.test/api/v1/auth/login/").unwrap();
    let v: Vec<String> = variants(&base, &url)
        .iter()
        .map(|u| u.path().to_string())
        .collect();
    assert_eq!(
        v,
        vec!["/api/v1/auth/login", "/auth/login/", "/api/v2/auth/login/"]
    );
    let url = Url::parse("https://api.x.test/health").unwrap();
    let v: Vec<String> = variants(&base, &url)
        .iter()
        .map(|u| u.path().to_string())
        .collect();
    assert_eq!(v, vec!["/health/"]);
}

#[test]
fn html_pages_are_typed() {
    let cases = [
        ("<html><head><title>Log in | Django site admin</title></head><form><input type=\"password\"></form>", HtmlPage::Login { title: Some("Log in | Django site admin".into()) }),
        ("<!doctype html><html><body><div id=\"root\"></div><script src=\"/static/js/main.js\"></script></body></html>", HtmlPage::SpaIndex),
        ("<html><head><title>502 Bad Gateway</title></head><center>nginx</center></html>", HtmlPage::ProxyError { title: Some("502 Bad Gateway".into()) }),
        ("<html><head><title>Hello</title></head></html>", HtmlPage::Titled("Hello".into())),
    ];
    for (body, want) in cases {
        assert_eq!(html_page(&html("GET", 200, body)), want);
    }
}

#[test]
fn a_429_on_the_other_probes_is_named_not_passed() {
    let limited = Seen {
        rate_limit: Some(RateLimit {
            retry_after: Some(2),
            ..Default::default()
        }),
        ..html("GET", 429, "<title>429 Too Many Requests</title>")
    };
    let (st, f) = judge_debug(&limited);
    assert_eq!(
        (st, f.map(|f| f.key())),
        (Status::Warn, Some("endpoints.rate-limited"))
    );
    let e = ExposureSeen {
        answered: vec![("/setup/".into(), 429), ("/debug/".into(), 404)],
        rate_limit: Some(RateLimit::default()),
        ..Default::default()
    };
    assert_eq!(judge_exposure(&e).0, Status::Warn);
    let a = |status| Asset {
        url: "https://a.test/static/x.css".into(),
        kind: AssetKind::Stylesheet,
        status: Some(status),
        html: false,
    };
    let (st, f) = judge_static(&[a(200), a(429)]);
    assert_eq!(
        (st, f.map(|f| f.key())),
        (Status::Warn, Some("endpoints.rate-limited"))
    );
    // A missing file still fails, whatever else was limited.
    assert_eq!(judge_static(&[a(404), a(429)]).0, Status::Fail);
}

#[test]
fn a_503_maintenance_page_is_named_as_maintenance() {
    let page = "<html><head><title>Down for maintenance</title></head><body>We'll be back soon</body></html>";
    let with_retry = Seen {
        retry_after: Some("600".into()),
        ..html("GET", 503, page)
    };
    let v = classify(&ep("profile"), &with_retry, None);
    assert_eq!(
        v.fault,
        Some(EndpointFault::Maintenance {
            title: Some("Down for maintenance".into()),
            retry_after: Some("600".into())
        })
    );
    assert_eq!(v.fault.as_ref().unwrap().key(), "endpoints.maintenance");
    let hint = words::hint(v.fault.as_ref().unwrap(), Vocab::default()).unwrap();
    assert!(hint.contains("maintenance mode"), "{hint}");
    assert!(hint.contains("Retry-After: 600"), "{hint}");
    assert!(!hint.contains("not running") && !hint.contains("cannot reach"));
    // A titled page without Retry-After is maintenance too; a JSON 503 with Retry-After as well.
    let titled = classify(&ep("profile"), &html("GET", 503, page), None);
    assert!(matches!(
        titled.fault,
        Some(EndpointFault::Maintenance {
            retry_after: None,
            ..
        })
    ));
    let json_retry = Seen {
        retry_after: Some("120".into()),
        ..json("GET", 503, "{\"message\":\"Service Unavailable\"}")
    };
    assert!(maintenance(&json_retry).is_some());
    // nginx's stock 503 (no upstream, limit_req) stays a proxy error, a JSON health-check 503
    // stays the app's own.
    let stock = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";
    let v = classify(&ep("profile"), &html("GET", 503, stock), None);
    assert!(matches!(
        v.fault,
        Some(EndpointFault::ProxyError { status: 503, .. })
    ));
    let v = classify(&ep("health"), &json("GET", 503, "{\"db\":\"down\"}"), None);
    assert!(matches!(
        v.fault,
        Some(EndpointFault::AppUnavailable { .. })
    ));
    // Rows with nothing to judge point at maintenance too.
    let (st, f) = judge_debug(&with_retry);
    assert_eq!(st, Status::Skip);
    assert_eq!(f.unwrap().key(), "endpoints.maintenance");
}

fn speaking(b: Option<crate::stack::Backend>) -> Vocab {
    Vocab {
        backend: b,
        proxy: Some(crate::stack::Proxy::Nginx),
    }
}

#[test]
fn fixes_are_worded_for_the_framework_that_answers() {
    use crate::stack::Backend::*;
    let missing = EndpointFault::NotFound {
        method: "GET".into(),
        path: "/api/orders".into(),
        near_miss: None,
    };
    for (b, want) in [
        (Some(Django), "urls.py"),
        (Some(Express), "router.get('/api/orders'"),
        (Some(Starlette), "APIRouter"),
        (
            Some(Flask),
            "@app.route(\"/api/orders\", methods=[\"GET\"])",
        ),
        (Some(Rails), "config/routes.rb"),
        (
            None,
            "no route answers GET /api/orders: add the route to the API",
        ),
    ] {
        let h = words::hint(&missing, speaking(b)).unwrap();
        assert!(h.contains(want), "{b:?}: {h}");
    }
    let proxy = EndpointFault::ProxyError {
        status: 502,
        page: None,
    };
    for (b, want) in [
        (Some(Express), "node app.js"),
        (
            Some(Starlette),
            "uvicorn main:app --host 0.0.0.0 --port $PORT",
        ),
        (Some(Flask), "gunicorn -b 0.0.0.0:$PORT"),
        (None, "the app's start command"),
    ] {
        let h = words::hint(&proxy, speaking(b)).unwrap();
        assert!(
            h.contains(want) && h.contains("nginx proxies to"),
            "{b:?}: {h}"
        );
    }
    // No Django vocabulary for another framework, or for none.
    let faults = [
        missing.clone(),
        proxy,
        EndpointFault::ServerError,
        EndpointFault::ForbiddenNot401,
        EndpointFault::RedirectsToItself {
            path: "x".into(),
            status: 301,
        },
        EndpointFault::TokenRefused {
            path: "x".into(),
            status: 401,
            causes: vec![TokenCause::SigningKey],
        },
        EndpointFault::SetupExposed {
            paths: vec!["/setup/".into()],
        },
    ];
    for b in [Some(Express), Some(Starlette), Some(Flask), None] {
        for f in &faults {
            let h = words::hint(f, speaking(b)).unwrap();
            for django in [
                "urls.py",
                "gunicorn --bind",
                "manage.py",
                "SIMPLE_JWT",
                "REST_FRAMEWORK",
                "SECURE_PROXY_SSL_HEADER",
            ] {
                assert!(!h.contains(django), "{b:?} {f:?}: {h}");
            }
        }
    }
}

#[test]
fn a_401_without_a_bearer_challenge_is_normal_off_django() {
    let s = json("GET", 401, "{\"error\":\"unauthorized\"}");
    let v = classify(&ep("profile"), &s, None);
    assert!(matches!(
        v.fault,
        Some(EndpointFault::NoBearerChallenge { .. })
    ));
    let express = speaking(Some(crate::stack::Backend::Express));
    assert_eq!(for_stack(v.clone(), express).status, Status::Pass);
    assert_eq!(for_stack(v.clone(), speaking(None)).status, Status::Warn);
    let django = speaking(Some(crate::stack::Backend::Django));
    assert_eq!(for_stack(v, django).status, Status::Warn);
}

#[test]
fn the_answer_itself_can_say_django() {
    let stack = crate::stack::Stack::default();
    let plain = json("GET", 404, "{}");
    assert_eq!(vocab(&stack, Some(&plain)).backend, None);
    let headers = Seen {
        django_headers: true,
        ..plain
    };
    assert_eq!(
        vocab(&stack, Some(&headers)).backend,
        Some(crate::stack::Backend::Django)
    );
}
