//! Section 2 against the lab: each certificate fault fails the right row of the right host with
//! its typed fault and Chrome's error, the other hosts and the DNS rows still pass, and HTTPS
//! rows of the broken host depend on the TLS row instead of failing again.
mod common;
use common::typed::*;
use common::*;
use conncheck::checks::tls::judge::{ChainProblem, TlsFault};
use conncheck::engine::fault::Dependent;
use conncheck::engine::{FaultKind, Finding, Row, Status};
use conncheck::net::tlsprobe::ServerAnswer;

const ONLY: &[&str] = &["--only", "dns,tls,https"];
const CERT_ROWS: [Row; 4] = [
    Row::TlsChain,
    Row::TlsHostname,
    Row::TlsExpiry,
    Row::TlsStrength,
];
const API: &str = "api.tiktrue.test";

/// Every tls row of `host` passes, without a fault.
fn tls_passes_for(r: &Typed, host: &str) {
    for row in std::iter::once(Row::TlsHandshake).chain(CERT_ROWS) {
        let f = r.one(row, host);
        assert_eq!(f.status, Status::Pass, "{row:?} {host}: {}", f.detail);
        assert!(f.fault.is_none(), "{f:#?}");
    }
}

/// An HTTPS row of `host`. Transitional: the https module does not set subjects yet (it moves
/// onto the typed spine on its own branch), so its rows are found by their title's host; once
/// it does, this is `r.one(row, host)`.
fn https_row<'a>(r: &'a Typed, row: Row, host: &str) -> &'a Finding {
    let v: Vec<&Finding> = r
        .rows(row)
        .into_iter()
        .filter(|f| f.subject.host_name().as_deref() == Some(host))
        .collect();
    assert_eq!(v.len(), 1, "{row:?} for {host}: {v:#?}");
    v[0]
}

fn tls_fault(f: &Finding) -> &TlsFault {
    f.fault_as::<TlsFault>()
        .unwrap_or_else(|| panic!("no TlsFault: {f:#?}"))
}

fn dependent(f: &Finding) -> &Dependent {
    f.fault_as::<Dependent>()
        .unwrap_or_else(|| panic!("not a dependent row: {f:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_passes_every_tls_and_https_row() {
    let r = diagnose_scenario("healthy", ONLY).await;
    r.assert_module_passes("dns");
    r.assert_module_passes("tls");
    r.assert_module_passes("https");
    assert!(!r.fails());
    // Three hosts, five rows each.
    assert_eq!(r.rows(Row::TlsHandshake).len(), 3);
    for host in [API, "tiktrue.test", "www.tiktrue.test"] {
        tls_passes_for(&r, host);
    }
    // The evidence names the protocol and the private CA it is trusted through.
    let hs = r.one(Row::TlsHandshake, API);
    assert!(
        hs.detail.contains("TLS 1.3") && hs.detail.contains("ALPN h2"),
        "{}",
        hs.detail
    );
    let chain = r.one(Row::TlsChain, API);
    assert!(
        chain.detail.contains("conncheck lab intermediate R1"),
        "{}",
        chain.detail
    );
    assert!(chain.detail.contains("--ca-cert"), "{}", chain.detail);
    // Both expiry metrics, per host.
    for name in [
        "tls_cert_not_after_seconds",
        "tls_cert_expiry_timestamp_seconds",
    ] {
        let m: Vec<_> = r.report.metrics.iter().filter(|m| m.name == name).collect();
        assert_eq!(m.len(), 3, "{name}: {m:?}");
        assert!(m.iter().all(|m| m.value > 0.0 && m.labels[0].0 == "host"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_fails_expiry_with_date_invalid() {
    let r = diagnose_scenario("tls-expired", ONLY).await;
    let f = r.one(Row::TlsExpiry, API);
    assert_eq!(f.status, Status::Fail);
    match tls_fault(f) {
        TlsFault::Expired { host, days_ago, .. } => {
            assert_eq!((host.as_str(), *days_ago), (API, 30))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.fault_key(), Some("tls.certificate-expired"));
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_DATE_INVALID")
    );
    // Wording kept honest once: the date and the fix.
    assert!(f.detail.contains("30 day(s) ago"), "{}", f.detail);
    assert!(f.hint.as_deref().unwrap().contains("renew"));
    // The chain itself is fine: the date is the one fault.
    assert_eq!(r.one(Row::TlsChain, API).status, Status::Pass);
    // HTTPS rows of the API depend on tls.expiry rather than failing again.
    let h = https_row(&r, Row::HttpsHsts, API);
    assert_eq!(h.status, Status::Skip);
    assert_eq!(dependent(h).owner, Row::TlsExpiry);
    tls_passes_for(&r, "tiktrue.test");
    tls_passes_for(&r, "www.tiktrue.test");
    r.assert_module_passes("dns");
    assert!(r.fails());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_yet_valid_fails_expiry() {
    let r = diagnose_scenario("tls-not-yet-valid", ONLY).await;
    let f = r.one(Row::TlsExpiry, API);
    assert_eq!(f.status, Status::Fail);
    assert!(
        matches!(tls_fault(f), TlsFault::NotYetValid { days_until: 10, .. }),
        "{f:#?}"
    );
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_DATE_INVALID")
    );
    tls_passes_for(&r, "tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_host_fails_hostname_and_names_the_apex_www_pair() {
    let r = diagnose_scenario("tls-wrong-host", ONLY).await;
    let f = r.one(Row::TlsHostname, "www.tiktrue.test");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        tls_fault(f),
        &TlsFault::NameMismatch {
            host: "www.tiktrue.test".into(),
            names: vec!["tiktrue.test".into()],
            sibling: Some("tiktrue.test".into()),
        }
    );
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_COMMON_NAME_INVALID")
    );
    let hint = f.hint.as_deref().unwrap();
    assert!(
        hint.contains("-d tiktrue.test -d www.tiktrue.test"),
        "{hint}"
    );
    tls_passes_for(&r, API);
    tls_passes_for(&r, "tiktrue.test");
    let h = https_row(&r, Row::HttpsHeaders, "www.tiktrue.test");
    assert_eq!(h.status, Status::Skip);
    assert_eq!(dependent(h).owner, Row::TlsHostname);
    r.assert_module_passes("dns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_fails_chain_with_authority_invalid() {
    let r = diagnose_scenario("tls-self-signed", ONLY).await;
    let f = r.one(Row::TlsChain, API);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(tls_fault(f), &TlsFault::SelfSigned { host: API.into() });
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_CERT_AUTHORITY_INVALID")
    );
    assert!(f.hint.as_deref().unwrap().contains("Let's Encrypt"));
    tls_passes_for(&r, "tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_intermediate_fails_chain_but_browser_like_rows_still_work() {
    let r = diagnose_scenario("tls-missing-intermediate", ONLY).await;
    let f = r.one(Row::TlsChain, API);
    assert_eq!(f.status, Status::Fail);
    match tls_fault(f) {
        TlsFault::MissingIntermediate { url, .. } => assert!(url.ends_with("/r1.der"), "{url}"),
        other => panic!("{other:?}"),
    }
    // Chrome shows no error: it fetched the intermediate.
    assert_eq!(f.browser_error, None);
    // The one explanation worth keeping word for word.
    assert!(
        f.detail.contains("works in my browser, fails in the app"),
        "{}",
        f.detail
    );
    assert!(f.hint.as_deref().unwrap().contains("fullchain.pem"));
    // Like Chrome, the HTTP client completed the chain via AIA: the API's HTTPS rows pass.
    for row in [Row::HttpsHsts, Row::HttpsHeaders] {
        let h = https_row(&r, row, API);
        assert_eq!(h.status, Status::Pass, "{row:?}: {}", h.detail);
    }
    for row in [Row::TlsHostname, Row::TlsExpiry, Row::TlsStrength] {
        assert_eq!(r.one(row, API).status, Status::Pass, "{row:?}");
    }
    r.assert_module_passes("dns");
}

#[tokio::test]
async fn missing_intermediate_is_completed_even_without_the_tls_module() {
    // Without tls running first, the HTTP client's own AIA retry must still succeed.
    let r = run_scenario("tls-missing-intermediate", &["--only", "https"]).await;
    r.assert_module_passes("https");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_soon_warns_with_days_left_and_respects_cert_warn_days() {
    let r = diagnose_scenario("tls-expiring-soon", ONLY).await;
    let f = r.one(Row::TlsExpiry, API);
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    match tls_fault(f) {
        TlsFault::ExpiringSoon {
            validity,
            warn_days,
            ..
        } => assert_eq!((validity.days_left, *warn_days), (5, 14)),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.browser_error, None);
    assert!(!r.fails(), "a warning does not fail the run");
    let r = diagnose_scenario(
        "tls-expiring-soon",
        &["--only", "tls", "--cert-warn-days", "3"],
    )
    .await;
    let f = r.one(Row::TlsExpiry, API);
    assert_eq!((f.status, f.fault.is_none()), (Status::Pass, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_on_the_tls_port_fails_handshake_showing_what_came_back() {
    let r = diagnose_scenario("tls-not-tls", ONLY).await;
    let f = r.one(Row::TlsHandshake, API);
    assert_eq!(f.status, Status::Fail);
    let fault = tls_fault(f);
    assert_eq!(fault.key(), "tls.plain-http-on-tls-port");
    match fault {
        TlsFault::HandshakeFailed { failure, .. } => assert!(
            matches!(&failure.answer, ServerAnswer::PlainHttp { status_line } if status_line.starts_with("HTTP/1.1 400")),
            "{failure:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.browser_error.as_deref(),
        Some("net::ERR_SSL_PROTOCOL_ERROR")
    );
    assert!(f.detail.contains("got 'HTTP/1.1 400"), "{}", f.detail);
    // The certificate rows are skipped and fold into the handshake's cause.
    for row in CERT_ROWS {
        let s = r.one(row, API);
        assert_eq!(s.status, Status::Skip);
        let sf = s.fault.as_ref().unwrap();
        assert_eq!(sf.depends_on(), Some(Row::TlsHandshake));
        assert_eq!(sf.cause(), f.fault.as_ref().unwrap().cause());
    }
    tls_passes_for(&r, "tiktrue.test");
    tls_passes_for(&r, "www.tiktrue.test");
    r.assert_module_passes("dns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_order_and_extra_root_warn_on_chain() {
    let r = diagnose_scenario("tls-wrong-order", &["--only", "dns,tls"]).await;
    let f = r.one(Row::TlsChain, API);
    assert_eq!(f.status, Status::Warn, "{}", f.detail);
    let TlsFault::ChainOrder { problems, .. } = tls_fault(f) else {
        panic!("{f:#?}");
    };
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, ChainProblem::OutOfOrder { .. })),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, ChainProblem::SendsRoot(_))),
        "{problems:?}"
    );
    assert!(f.hint.as_deref().unwrap().contains("leaf first"));
    assert_eq!(f.browser_error, None);
    assert!(!r.fails());
}

#[tokio::test]
async fn plain_http_api_has_no_tls_rows_to_fail() {
    // An http:// API: the TLS section says why it has nothing to check for that host.
    let s = conncheck::lab::scenarios::find("healthy").unwrap();
    let lab = conncheck::lab::Lab::start(s, conncheck::lab::LabOptions::default())
        .await
        .unwrap();
    let mut cmd = tokio::process::Command::new(bin());
    let http_api = format!("http://api.tiktrue.test:{}/api/v1", lab.state.http_port);
    let mut args = lab.args();
    args[0] = http_api;
    cmd.args(args).args(["--format", "json", "--only", "tls"]);
    let r = parse(cmd.output().await.unwrap());
    let skipped: Vec<_> = r
        .rows("tls.handshake")
        .into_iter()
        .filter(|f| f.status == Status::Skip)
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", r.rows("tls.handshake"));
    assert_eq!(
        skipped[0].subject.host_name().as_deref(),
        Some("api.tiktrue.test"),
        "{:#?}",
        skipped[0]
    );
    assert!(
        skipped[0].detail.contains("plain http://"),
        "{}",
        skipped[0].detail
    );
    let passed = r
        .rows("tls.handshake")
        .into_iter()
        .filter(|f| f.status == Status::Pass)
        .count();
    assert_eq!(passed, 2, "the two frontend hosts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unresolvable_host_skips_tls_and_https_rows_pointing_at_dns() {
    let r = diagnose_scenario("dns-nxdomain", ONLY).await;
    let rows = [
        Row::TlsHandshake,
        Row::TlsChain,
        Row::TlsHostname,
        Row::TlsExpiry,
        Row::TlsStrength,
        Row::HttpsHsts,
        Row::HttpsHeaders,
        Row::HttpsCookies,
    ];
    for row in rows {
        let f = https_row(&r, row, API);
        assert_eq!(f.status, Status::Skip, "{row:?}: {}", f.detail);
        assert_eq!(dependent(f).owner, Row::DnsResolve, "{row:?}");
        assert!(f.detail.contains("dns.resolve"), "{row:?}: {}", f.detail);
    }
    let redirect = r.rows_of(Row::HttpsRedirect, API);
    assert!(
        redirect.iter().all(|f| f.status == Status::Skip),
        "{redirect:#?}"
    );
    tls_passes_for(&r, "tiktrue.test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_dns_module_the_handshake_row_owns_an_unresolvable_name() {
    let r = diagnose_scenario("dns-nxdomain", &["--only", "tls"]).await;
    let hs = r.one(Row::TlsHandshake, API);
    assert_eq!(hs.status, Status::Fail, "{}", hs.detail);
    assert_eq!(hs.fault_key(), Some("net.dns"));
    assert_eq!(
        hs.browser_error.as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    for row in CERT_ROWS {
        let f = r.one(row, API);
        assert_eq!(f.status, Status::Skip);
        assert_eq!(dependent(f).owner, Row::TlsHandshake, "{row:?}");
    }
    tls_passes_for(&r, "tiktrue.test");
}
