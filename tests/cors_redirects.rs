//! The actual request followed through its redirects as Chrome follows it, against the
//! behaviour generator's server on loopback (no browser needed): each case is a server
//! behaviour written out by hand, and the cors.actual row must show Chrome's verdict, its
//! console line and the chain.
mod common;
use common::*;
use conncheck::engine::model::{Finding, Status};
use conncheck::lab::corsgen::{
    Acac, Acao, Answer, Case, CorsGen, List, Redirect, Target, API, APP,
};

fn good(status: u16) -> Answer {
    Answer {
        status,
        acao: Acao::Echo,
        acac: Acac::True,
    }
}

fn case(id: usize, status: u16, to: Target, actual: Answer) -> Case {
    Case {
        id,
        credentials: true,
        preflight: good(204),
        methods: List(vec!["GET, POST, OPTIONS"]),
        headers: List(vec!["content-type, authorization"]),
        actual: actual.clone(),
        hop: good(302),
        elsewhere: actual.clone(),
        redirect: Some(Redirect { status, to }),
    }
}

async fn diagnose(gen: &CorsGen, c: &Case) -> Run {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.arg(gen.target(c))
        .args(["--only", "cors", "--format", "json", "--deadline", "60"])
        .args(["--origin", &gen.ports.origin(APP)])
        .args(["--resolver", &gen.dns_addr.to_string()])
        .arg("--ca-cert")
        .arg(&gen.ca_file)
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env("NO_COLOR", "1");
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    parse(cmd.output().await.expect("conncheck runs"))
}

fn actual<'a>(r: &'a Run, call: &str) -> &'a Finding {
    r.rows("cors.actual")
        .into_iter()
        .find(|f| f.title.contains(call))
        .unwrap_or_else(|| panic!("no cors.actual row for {call}: {}", r.stdout))
}

#[tokio::test]
async fn redirected_calls_are_followed_hop_by_hop_like_chrome() {
    let cases = vec![
        // 0: POST 307 to another origin; it echoes `null` with credentials: Chrome reads it.
        case(0, 307, Target::CrossOrigin, good(200)),
        // 1: POST 301 on the same origin: becomes a GET without its body.
        case(1, 301, Target::SameOrigin, good(200)),
        // 2: to another origin that names the page's origin: the request said `null`.
        case(
            2,
            302,
            Target::CrossOrigin,
            Answer {
                status: 200,
                acao: Acao::Page,
                acac: Acac::True,
            },
        ),
        // 3: down to http://: Mixed Content.
        case(3, 308, Target::Http, good(200)),
        // 4: a loop: Chrome gives up after 20 redirects.
        case(4, 302, Target::Loop, good(200)),
        // 5: 300 is not a redirect: the page reads it.
        case(5, 300, Target::SameOrigin, good(200)),
    ];
    let dir = std::env::temp_dir().join(format!("conncheck-cors-redirects-{}", std::process::id()));
    let gen = CorsGen::start(cases.clone(), dir)
        .await
        .expect("server starts");
    let origin = gen.ports.origin(APP);
    let api = gen.ports.origin(API);

    let r = diagnose(&gen, &cases[0]).await;
    let login = actual(&r, "POST auth/login/");
    assert_eq!(login.status, Status::Pass, "{}", login.detail);
    assert!(
        login.detail.contains("allowed after 1 redirect(s)"),
        "{}",
        login.detail
    );
    assert!(
        login
            .detail
            .contains("hop 2: POST https://other.corsgen.test"),
        "{}",
        login.detail
    );
    assert!(
        login.detail.contains("(Origin: null; no Authorization)"),
        "{}",
        login.detail
    );
    let profile = actual(&r, "GET auth/profile/");
    assert!(
        profile.detail.contains("hop 1: GET") && profile.detail.contains("Authorization sent"),
        "{}",
        profile.detail
    );

    let r = diagnose(&gen, &cases[1]).await;
    let login = actual(&r, "POST auth/login/");
    assert_eq!(login.status, Status::Pass, "{}", login.detail);
    assert!(
        login.detail.contains(&format!(
            "hop 2: GET {api}/c1/auth/login/next (Origin: {origin}"
        )),
        "{}",
        login.detail
    );

    let r = diagnose(&gen, &cases[2]).await;
    let login = actual(&r, "POST auth/login/");
    assert_eq!(login.status, Status::Fail, "{}", login.detail);
    assert!(
        login.detail.contains("blocked at hop 2"),
        "{}",
        login.detail
    );
    assert_eq!(
        login.browser_error.as_deref(),
        Some(format!("Access to XMLHttpRequest at 'https://other.corsgen.test:{}/c2/auth/login/next' (redirected from '{api}/c2/auth/login/') from origin '{origin}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '{origin}' that is not equal to the supplied origin.", gen.ports.https).as_str())
    );
    assert!(
        login.hint.as_deref().unwrap_or("").contains("Origin: null"),
        "{:?}",
        login.hint
    );

    let r = diagnose(&gen, &cases[3]).await;
    let login = actual(&r, "POST auth/login/");
    assert_eq!(login.status, Status::Fail, "{}", login.detail);
    assert_eq!(
        login.browser_error.as_deref(),
        Some(format!("Mixed Content: The page at '{origin}/' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint 'http://api.corsgen.test:{}/c3/auth/login/next'. This request has been blocked; the content must be served over HTTPS.", gen.ports.http).as_str())
    );

    let r = diagnose(&gen, &cases[4]).await;
    let profile = actual(&r, "GET auth/profile/");
    assert_eq!(profile.status, Status::Fail, "{}", profile.detail);
    assert_eq!(
        profile.browser_error.as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    assert!(profile.detail.contains("hop 21:"), "{}", profile.detail);
    assert!(!profile.detail.contains("hop 22:"), "{}", profile.detail);

    let r = diagnose(&gen, &cases[5]).await;
    let login = actual(&r, "POST auth/login/");
    assert_eq!(login.status, Status::Pass, "{}", login.detail);
    assert!(login.detail.contains("HTTP 300"), "{}", login.detail);
    assert!(!login.detail.contains("redirect(s)"), "{}", login.detail);
    gen.shutdown();
}

#[tokio::test]
async fn a_preflight_answered_300_is_a_non_ok_status_not_a_redirect() {
    let mut c = case(0, 302, Target::SameOrigin, good(200));
    c.redirect = None;
    c.preflight = good(300);
    let dir = std::env::temp_dir().join(format!("conncheck-cors-300-{}", std::process::id()));
    let gen = CorsGen::start(vec![c.clone()], dir)
        .await
        .expect("server starts");
    let r = diagnose(&gen, &c).await;
    let pf = r
        .rows("cors.preflight")
        .into_iter()
        .find(|f| f.title.contains("POST auth/login/"))
        .unwrap();
    assert_eq!(pf.status, Status::Fail);
    assert!(
        pf.browser_error
            .as_deref()
            .unwrap()
            .ends_with("It does not have HTTP ok status."),
        "{:?}",
        pf.browser_error
    );
    gen.shutdown();
}
