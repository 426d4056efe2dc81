//! The TLS judge on certificates made with rcgen, and a few wording checks.

use super::judge::*;
use super::words;
use crate::engine::{FaultKind, Finding, Row, Status, Subject};
use crate::lab::pki::{Ca, CertKind};
use crate::net::tlsprobe::{HandshakeFailure, LegacyAnswer, ServerAnswer};
use crate::net::x509::{parse_cert, CertInfo, KeyInfo};

fn f(row: Row) -> Finding {
    Finding::of(row, Subject::host("a.x.test", None), "t")
}

fn infos(kind: &CertKind, host: &str) -> Vec<CertInfo> {
    let ca = Ca::new(Some("http://ca.lab.test/r1.der".into())).unwrap();
    ca.issue(host, kind)
        .unwrap()
        .chain
        .iter()
        .map(|c| parse_cert(c).unwrap())
        .collect()
}

fn now() -> i64 {
    super::unix_now()
}

#[test]
fn wildcard_and_exact_name_matching() {
    for (pat, host, want) in [
        ("api.x.test", "api.x.test", true),
        ("API.X.test", "api.x.test", true),
        ("*.x.test", "api.x.test", true),
        ("*.x.test", "x.test", false),
        ("*.x.test", "a.b.x.test", false),
        ("*.test", "x.test", false),
        ("x.test", "www.x.test", false),
    ] {
        assert_eq!(name_covers(pat, host), want, "{pat} vs {host}");
    }
}

#[test]
fn hostname_mismatch_names_the_covered_apex_www_sibling() {
    let leaf = &infos(&CertKind::WrongHost("x.test".into()), "www.x.test")[0];
    let origins = vec!["x.test".to_string(), "www.x.test".to_string()];
    let fault = judge_hostname("www.x.test", leaf, &origins).unwrap();
    assert_eq!(
        fault,
        TlsFault::NameMismatch {
            host: "www.x.test".into(),
            names: vec!["x.test".into()],
            sibling: Some("x.test".into()),
        }
    );
    assert_eq!(fault.key(), "tls.name-mismatch");
    assert_eq!(fault.scope(), "www.x.test");
    // Without the sibling as an origin, no sibling to name.
    assert!(matches!(
        judge_hostname("www.x.test", leaf, &[]),
        Some(TlsFault::NameMismatch { sibling: None, .. })
    ));
    assert_eq!(judge_hostname("x.test", leaf, &origins), None);
    // The row: failed, typed, Chrome's error and the certbot line for both names.
    let r = words::hostname(f(Row::TlsHostname), "www.x.test", leaf, Some(fault));
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.fault_key(), Some("tls.name-mismatch"));
    assert_eq!(
        r.browser_error.as_deref(),
        Some("net::ERR_CERT_COMMON_NAME_INVALID")
    );
    assert!(r.hint.unwrap().contains("-d x.test -d www.x.test"));
}

#[test]
fn expiry_table() {
    let now = now();
    for (kind, warn_days, want) in [
        (CertKind::Good, 14, None),
        (CertKind::Expired, 14, Some("tls.certificate-expired")),
        (
            CertKind::NotYetValid,
            14,
            Some("tls.certificate-not-yet-valid"),
        ),
        (
            CertKind::ExpiringIn(5),
            14,
            Some("tls.certificate-expiring-soon"),
        ),
        (CertKind::ExpiringIn(5), 3, None),
    ] {
        let v = judge_expiry("a.x.test", &infos(&kind, "a.x.test"), now, warn_days);
        assert_eq!(v.as_ref().err().map(|e| e.key()), want, "{kind:?}: {v:?}");
        let r = words::expiry(f(Row::TlsExpiry), v);
        let status = match want {
            None => Status::Pass,
            Some("tls.certificate-expiring-soon") => Status::Warn,
            Some(_) => Status::Fail,
        };
        assert_eq!(r.status, status, "{kind:?}: {}", r.detail);
        assert_eq!(r.fault_key(), want);
        let date_err = (status == Status::Fail).then_some("net::ERR_CERT_DATE_INVALID");
        assert_eq!(r.browser_error.as_deref(), date_err);
    }
    let soon = judge_expiry("a.x.test", &infos(&CertKind::ExpiringIn(5), "a"), now, 14);
    let Err(TlsFault::ExpiringSoon { validity, .. }) = soon else {
        panic!("{soon:?}");
    };
    assert_eq!((validity.soonest, validity.days_left), (CertRole::Leaf, 5));
}

#[test]
fn expiry_wording() {
    let now = now();
    let i = infos(&CertKind::ExpiringIn(5), "a.x.test");
    let r = words::expiry(f(Row::TlsExpiry), judge_expiry("a.x.test", &i, now, 14));
    assert!(
        r.detail.contains("day(s) left (warning below 14 days)"),
        "{}",
        r.detail
    );
    let i = infos(&CertKind::Expired, "a.x.test");
    let r = words::expiry(f(Row::TlsExpiry), judge_expiry("a.x.test", &i, now, 14));
    assert!(
        r.detail.starts_with("the certificate expired on"),
        "{}",
        r.detail
    );
}

#[test]
fn earliest_expiry_ignores_a_sent_root() {
    let mut i = infos(&CertKind::WrongOrder, "a.x.test");
    assert!(i.iter().any(|c| c.self_signed));
    let e = earliest_expiry(&i);
    assert!(e == 0 || !i[e].self_signed);
    for c in i.iter_mut().filter(|c| c.self_signed) {
        c.not_after = 0;
    }
    assert!(!i[earliest_expiry(&i)].self_signed);
}

#[test]
fn chain_order_and_extras() {
    assert!(chain_order_problems(&infos(&CertKind::Good, "a.x.test")).is_empty());
    assert!(chain_order_problems(&infos(&CertKind::MissingIntermediate, "a.x.test")).is_empty());
    let p = chain_order_problems(&infos(&CertKind::WrongOrder, "a.x.test"));
    assert!(
        p.iter()
            .any(|x| matches!(x, ChainProblem::OutOfOrder { .. })),
        "{p:?}"
    );
    assert!(
        p.iter().any(|x| matches!(x, ChainProblem::SendsRoot(_))),
        "{p:?}"
    );
}

#[test]
fn chain_verdicts() {
    let i = infos(&CertKind::Good, "a.x.test");
    assert_eq!(judge_chain("a.x.test", &i, &ChainVerdict::Trusted), None);
    let ok = words::chain(f(Row::TlsChain), &i, None, None);
    assert_eq!(ok.status, Status::Pass);
    assert!(
        ok.detail.contains("conncheck lab intermediate R1"),
        "{}",
        ok.detail
    );
    let wo = infos(&CertKind::WrongOrder, "a.x.test");
    let w = judge_chain("a.x.test", &wo, &ChainVerdict::Trusted);
    assert!(matches!(w, Some(TlsFault::ChainOrder { .. })));
    let w = words::chain(f(Row::TlsChain), &wo, None, w);
    assert_eq!((w.status, w.browser_error.clone()), (Status::Warn, None));
    let missing = ChainVerdict::MissingIntermediate {
        url: "http://ca.lab.test/r1.der".into(),
        issuer: "R1".into(),
    };
    let mi = judge_chain("a.x.test", &i[..1], &missing).unwrap();
    assert_eq!(mi.key(), "tls.missing-intermediate");
    assert_eq!(mi.console(), None, "Chrome completes the chain itself");
    let mi = words::chain(f(Row::TlsChain), &i[..1], None, Some(mi));
    assert_eq!(mi.status, Status::Fail);
    assert!(mi.detail.contains("works in my browser, fails in the app"));
    assert!(mi.browser_error.is_none());
    let ss = judge_chain("a.x.test", &i, &ChainVerdict::SelfSigned).unwrap();
    let ss = words::chain(f(Row::TlsChain), &i, None, Some(ss));
    assert_eq!(ss.fault_key(), Some("tls.self-signed"));
    assert_eq!(
        ss.browser_error.as_deref(),
        Some("net::ERR_CERT_AUTHORITY_INVALID")
    );
}

#[test]
fn private_roots_are_named() {
    let ca = Ca::new(None).unwrap();
    let i: Vec<CertInfo> = ca
        .issue("a.x.test", &CertKind::Good)
        .unwrap()
        .chain
        .iter()
        .map(|c| parse_cert(c).unwrap())
        .collect();
    let root = parse_cert(&ca.root_der()).unwrap();
    let top = i.last().unwrap().issuer.clone();
    assert_eq!(private_root(&i, std::slice::from_ref(&root)), Some(top));
    assert_eq!(private_root(&i, &[]), None);
}

#[test]
fn strength_table() {
    let good = &infos(&CertKind::Good, "a.x.test")[0];
    let with = |oid: &str, kind: &str, bits: usize| {
        let mut c = good.clone();
        c.sig_oid = oid.into();
        c.key = KeyInfo {
            kind: kind.into(),
            bits,
            curve: None,
        };
        c
    };
    for (cert, want, err) in [
        (good.clone(), Status::Pass, None),
        (
            with("1.2.840.113549.1.1.11", "RSA", 2048),
            Status::Pass,
            None,
        ),
        (
            with("1.2.840.113549.1.1.5", "RSA", 2048),
            Status::Fail,
            Some("net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM"),
        ),
        (
            with("1.2.840.113549.1.1.11", "RSA", 1024),
            Status::Fail,
            Some("net::ERR_CERT_WEAK_KEY"),
        ),
    ] {
        let c = std::slice::from_ref(&cert);
        let r = words::strength(f(Row::TlsStrength), c, judge_strength("a.x.test", c));
        assert_eq!(r.status, want, "{}", r.detail);
        assert_eq!(r.browser_error.as_deref(), err);
        assert_eq!(r.has_fault::<TlsFault>(), want == Status::Fail);
    }
    let c = std::slice::from_ref(good);
    let r = words::strength(f(Row::TlsStrength), c, None);
    assert!(r.detail.contains("ECDSA P-256"));
}

#[test]
fn legacy_answers_are_judged() {
    let hello = |major, minor| LegacyAnswer::ServerHello { major, minor };
    assert_eq!(judge_legacy(&hello(3, 2)), Legacy::Accepted("TLS 1.1"));
    assert_eq!(judge_legacy(&hello(3, 1)), Legacy::Accepted("TLS 1.0"));
    assert!(matches!(judge_legacy(&hello(3, 3)), Legacy::Refused(_)));
    assert!(matches!(
        judge_legacy(&LegacyAnswer::Alert { code: 70 }),
        Legacy::Refused(_)
    ));
    assert!(matches!(
        judge_legacy(&LegacyAnswer::Closed),
        Legacy::Refused(_)
    ));
    assert!(matches!(
        judge_legacy(&LegacyAnswer::NoAnswer),
        Legacy::Unknown(_)
    ));
    let fault = judge_handshake("a.x.test", &Legacy::Accepted("TLS 1.0")).unwrap();
    assert_eq!(
        (fault.key(), fault.status()),
        ("tls.legacy-version-accepted", Status::Warn)
    );
    assert_eq!(
        judge_handshake("a.x.test", &Legacy::Refused(LegacyAnswer::Closed)),
        None
    );
}

fn handshake_failure(answer: ServerAnswer) -> TlsFault {
    TlsFault::HandshakeFailed {
        host: "a.x.test".into(),
        port: 443,
        failure: HandshakeFailure {
            addr: "127.0.0.1:443".parse().unwrap(),
            reason: "InvalidContentType".into(),
            answer,
        },
    }
}

#[test]
fn handshake_failures_are_typed_and_worded() {
    let http = handshake_failure(ServerAnswer::PlainHttp {
        status_line: "HTTP/1.1 400 Bad Request".into(),
    });
    assert_eq!(http.key(), "tls.plain-http-on-tls-port");
    let r = words::handshake_failed(f(Row::TlsHandshake), http.clone());
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.detail
            .contains("got 'HTTP/1.1 400 Bad Request' — this port speaks plain HTTP"),
        "{}",
        r.detail
    );
    assert_eq!(
        r.browser_error.as_deref(),
        Some("net::ERR_SSL_PROTOCOL_ERROR")
    );
    let alert = handshake_failure(ServerAnswer::Alert {
        fatal: true,
        code: 112,
    });
    assert_eq!(alert.key(), "tls.handshake-failed");
    let r = words::handshake_failed(f(Row::TlsHandshake), alert);
    assert!(r.detail.contains("unrecognized_name"), "{}", r.detail);
    // The certificate rows after it are skipped and fold into its cause.
    let b = TlsFault::Blocked {
        owner: Row::TlsHandshake,
        cause: Box::new(http.clone()),
    };
    assert_eq!((b.key(), b.scope()), (http.key(), http.scope()));
    assert_eq!(b.depends_on(), Some(Row::TlsHandshake));
    let s = words::skipped(f(Row::TlsChain), b);
    assert_eq!(s.status, Status::Skip);
    assert!(s.has_fault::<TlsFault>());
}

#[test]
fn answers_are_described() {
    let d = |a| words::describe_answer(&a);
    assert!(d(ServerAnswer::Nothing).contains("closed the connection"));
    let t = ServerAnswer::Text {
        first_line: "SSH-2.0-OpenSSH_9.6".into(),
    };
    assert!(d(t).contains("SSH-2.0"));
    let b = ServerAnswer::Binary {
        len: 3,
        head: vec![0xde, 0xad, 0],
    };
    assert!(d(b).contains("de ad 00"));
}
