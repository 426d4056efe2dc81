//! Pure verdicts of the TLS rows: observations (the handshake, the parsed chain, the strict
//! verification) in, a typed [`TlsFault`] out when something is wrong. No I/O, no prose.

use crate::browser::tls::TlsConsole;
use crate::engine::{FaultKind, Row, Status};
use crate::net::tlsprobe::{HandshakeFailure, LegacyAnswer, ServerAnswer};
use crate::net::x509::{sig_alg, CertInfo};

const DAY: i64 = 86_400;

/// What went wrong on a TLS row of `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFault {
    /// The server did not complete a handshake (`tls.handshake`).
    HandshakeFailed {
        host: String,
        port: u16,
        failure: HandshakeFailure,
    },
    /// The server still negotiates TLS 1.0/1.1 (or SSL 3.0).
    LegacyVersion {
        host: String,
        version: &'static str,
    },
    /// The handshake completed without a certificate.
    NoCertificate {
        host: String,
    },
    /// A presented certificate cannot be parsed.
    Unparsable {
        host: String,
        error: String,
    },
    /// The chain verifies but is sent out of order, with extras or with the root.
    ChainOrder {
        host: String,
        problems: Vec<ChainProblem>,
    },
    /// Only the leaf's AIA download completes the chain: Chrome works, strict clients fail.
    MissingIntermediate {
        host: String,
        url: String,
        issuer: String,
    },
    SelfSigned {
        host: String,
    },
    /// The chain does not reach a trusted root; the AIA attempt did not help either.
    Untrusted {
        host: String,
        reason: UntrustedReason,
        aia: String,
    },
    /// The chain is built but a certificate is unusable (key usage, encoding…).
    Invalid {
        host: String,
        why: String,
    },
    /// The leaf has no subjectAltName (browsers ignore the Common Name).
    NoSubjectAltName {
        host: String,
        cn: Option<String>,
    },
    /// The leaf does not name the host. `sibling` is the apex/www twin that is an origin too
    /// and that the certificate does cover.
    NameMismatch {
        host: String,
        names: Vec<String>,
        sibling: Option<String>,
    },
    NotYetValid {
        host: String,
        not_before: i64,
        not_after: i64,
        days_until: i64,
    },
    /// A certificate of the chain (the leaf or one the server sends) expired.
    Expired {
        host: String,
        cert: CertRole,
        not_after: i64,
        days_ago: i64,
    },
    ExpiringSoon {
        host: String,
        validity: Validity,
        warn_days: u32,
    },
    /// A weak signature algorithm or key in the chain, in chain order.
    Weak {
        host: String,
        weaknesses: Vec<Weakness>,
    },
    /// Not checked: the row `owner` reports `cause`.
    Blocked {
        owner: Row,
        cause: Box<TlsFault>,
    },
}

/// Which certificate of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertRole {
    Leaf,
    /// An intermediate (by its short name).
    Intermediate(String),
}

/// The validity the expiry row reports: from the leaf's start to the soonest end in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validity {
    /// The certificate that expires first (roots sent along are not counted).
    pub soonest: CertRole,
    pub not_before: i64,
    pub not_after: i64,
    pub days_left: i64,
}

/// One problem of the chain as sent (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    OutOfOrder {
        sent: Vec<String>,
        expected: Vec<String>,
    },
    /// Certificates that certify nothing on the path.
    Extra(Vec<String>),
    /// The self-signed root is sent too.
    SendsRoot(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UntrustedReason {
    /// The issuer is not a trusted root and no chain to one was sent.
    UnknownIssuer,
    BadSignature,
    /// What the verifier said.
    Other(String),
}

/// A weakness of one certificate. `leaf` is false for every other certificate of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    Signature {
        leaf: bool,
        name: String,
        alg: String,
    },
    RsaKey {
        leaf: bool,
        name: String,
        bits: usize,
    },
}

impl TlsFault {
    pub fn host(&self) -> &str {
        use TlsFault::*;
        match self {
            HandshakeFailed { host, .. }
            | LegacyVersion { host, .. }
            | NoCertificate { host }
            | Unparsable { host, .. }
            | ChainOrder { host, .. }
            | MissingIntermediate { host, .. }
            | SelfSigned { host }
            | Untrusted { host, .. }
            | Invalid { host, .. }
            | NoSubjectAltName { host, .. }
            | NameMismatch { host, .. }
            | NotYetValid { host, .. }
            | Expired { host, .. }
            | ExpiringSoon { host, .. }
            | Weak { host, .. } => host,
            Blocked { cause, .. } => cause.host(),
        }
    }

    /// The row's status for this fault.
    pub fn status(&self) -> Status {
        use TlsFault::*;
        match self {
            LegacyVersion { .. } | ChainOrder { .. } | ExpiringSoon { .. } => Status::Warn,
            NoCertificate { .. } | Blocked { .. } => Status::Skip,
            _ => Status::Fail,
        }
    }

    /// What Chrome's console shows for it, if Chrome fails at all.
    pub fn console(&self) -> Option<TlsConsole> {
        use TlsFault::*;
        Some(match self {
            HandshakeFailed { .. } => TlsConsole::SslProtocolError,
            Unparsable { .. } | Invalid { .. } => TlsConsole::CertInvalid,
            SelfSigned { .. } | Untrusted { .. } => TlsConsole::CertAuthorityInvalid,
            NoSubjectAltName { .. } | NameMismatch { .. } => TlsConsole::CertCommonNameInvalid,
            NotYetValid { .. } | Expired { .. } => TlsConsole::CertDateInvalid,
            Weak { weaknesses, .. } => match weaknesses.first()? {
                Weakness::Signature { .. } => TlsConsole::CertWeakSignatureAlgorithm,
                Weakness::RsaKey { .. } => TlsConsole::CertWeakKey,
            },
            // Chrome completes a missing intermediate itself; the rest are not errors to it.
            LegacyVersion { .. }
            | NoCertificate { .. }
            | ChainOrder { .. }
            | MissingIntermediate { .. }
            | ExpiringSoon { .. }
            | Blocked { .. } => return None,
        })
    }
}

impl FaultKind for TlsFault {
    fn key(&self) -> &'static str {
        use TlsFault::*;
        match self {
            HandshakeFailed { failure, .. } => match failure.answer {
                ServerAnswer::PlainHttp { .. } => "tls.plain-http-on-tls-port",
                _ => "tls.handshake-failed",
            },
            LegacyVersion { .. } => "tls.legacy-version-accepted",
            NoCertificate { .. } => "tls.no-certificate",
            Unparsable { .. } => "tls.certificate-unparsable",
            ChainOrder { .. } => "tls.chain-order",
            MissingIntermediate { .. } => "tls.missing-intermediate",
            SelfSigned { .. } => "tls.self-signed",
            Untrusted { .. } => "tls.untrusted-issuer",
            Invalid { .. } => "tls.certificate-invalid",
            NoSubjectAltName { .. } => "tls.no-subject-alt-name",
            NameMismatch { .. } => "tls.name-mismatch",
            NotYetValid { .. } => "tls.certificate-not-yet-valid",
            Expired { .. } => "tls.certificate-expired",
            ExpiringSoon { .. } => "tls.certificate-expiring-soon",
            Weak { .. } => "tls.weak-certificate",
            Blocked { cause, .. } => cause.key(),
        }
    }

    fn scope(&self) -> String {
        self.host().to_string()
    }

    fn depends_on(&self) -> Option<Row> {
        match self {
            TlsFault::Blocked { owner, .. } => Some(*owner),
            _ => None,
        }
    }
}

// tls.handshake

/// Whether the server still negotiates TLS 1.0 or 1.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Legacy {
    Accepted(&'static str),
    Refused(LegacyAnswer),
    Unknown(LegacyAnswer),
}

pub fn judge_legacy(a: &LegacyAnswer) -> Legacy {
    match a {
        LegacyAnswer::ServerHello { major: 3, minor: 1 } => Legacy::Accepted("TLS 1.0"),
        LegacyAnswer::ServerHello { major: 3, minor: 2 } => Legacy::Accepted("TLS 1.1"),
        LegacyAnswer::ServerHello { major: 3, minor: 0 } => Legacy::Accepted("SSL 3.0"),
        LegacyAnswer::ServerHello { .. } | LegacyAnswer::Alert { .. } | LegacyAnswer::Closed => {
            Legacy::Refused(a.clone())
        }
        LegacyAnswer::Unexpected(_) | LegacyAnswer::Io(_) | LegacyAnswer::NoAnswer => {
            Legacy::Unknown(a.clone())
        }
    }
}

pub fn judge_handshake(host: &str, legacy: &Legacy) -> Option<TlsFault> {
    match legacy {
        Legacy::Accepted(version) => Some(TlsFault::LegacyVersion {
            host: host.to_string(),
            version,
        }),
        _ => None,
    }
}

// tls.chain

/// How the presented chain fares against the trusted roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    Trusted,
    MissingIntermediate {
        url: String,
        issuer: String,
    },
    SelfSigned,
    Untrusted {
        reason: UntrustedReason,
        aia: String,
    },
    Invalid(String),
}

/// The time to judge trust at: now, or the middle of the leaf's validity when now is outside
/// it (an expired leaf is `tls.expiry`'s fault, not the chain's).
pub fn trust_time(leaf: &CertInfo, now: i64) -> i64 {
    if now < leaf.not_before || now > leaf.not_after {
        leaf.not_before + (leaf.not_after - leaf.not_before) / 2
    } else {
        now
    }
}

/// What the strict verification says before any AIA download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strict {
    Done(ChainVerdict),
    /// The issuer is unknown: try the download Chrome would make.
    TryAia(UntrustedReason),
}

/// Read the strict verifier's answer. Name and date problems are found after the chain was
/// built: the chain is fine (they are `tls.hostname`'s and `tls.expiry`'s).
pub fn judge_strict(r: &Result<(), rustls::Error>, leaf_self_signed: bool) -> Strict {
    use rustls::CertificateError as C;
    let Err(e) = r else {
        return Strict::Done(ChainVerdict::Trusted);
    };
    match e {
        rustls::Error::InvalidCertificate(
            C::NotValidForName
            | C::NotValidForNameContext { .. }
            | C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. },
        ) => Strict::Done(ChainVerdict::Trusted),
        e if !crate::net::aia::is_untrusted_chain(e) => {
            Strict::Done(ChainVerdict::Invalid(e.to_string()))
        }
        _ if leaf_self_signed => Strict::Done(ChainVerdict::SelfSigned),
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            Strict::TryAia(UntrustedReason::UnknownIssuer)
        }
        rustls::Error::InvalidCertificate(C::BadSignature) => {
            Strict::TryAia(UntrustedReason::BadSignature)
        }
        other => Strict::TryAia(UntrustedReason::Other(other.to_string())),
    }
}

/// The private root (`--ca-cert`) the chain is trusted through, named by the chain's top
/// issuer; `None` when a public root vouches for it.
pub fn private_root(infos: &[CertInfo], extra_roots: &[CertInfo]) -> Option<String> {
    let top = infos.last().map(|c| c.issuer.clone()).unwrap_or_default();
    extra_roots
        .iter()
        .any(|r| r.subject == top || infos.iter().any(|c| c.subject == r.subject))
        .then_some(top)
}

/// Order and extra-certificate problems of the chain as sent (RFC 8446 §4.4.2: leaf first,
/// each next certificate certifying the one before it; the root may be omitted).
pub fn chain_order_problems(infos: &[CertInfo]) -> Vec<ChainProblem> {
    let mut problems = Vec::new();
    // The path from the leaf through the presented certificates.
    let mut path = vec![0usize];
    while let Some(&last) = path.last() {
        let c = &infos[last];
        if c.self_signed {
            break;
        }
        match infos
            .iter()
            .enumerate()
            .find(|(i, x)| !path.contains(i) && x.subject == c.issuer)
        {
            Some((i, _)) => path.push(i),
            None => break,
        }
    }
    if !path.iter().enumerate().all(|(pos, i)| pos == *i) {
        problems.push(ChainProblem::OutOfOrder {
            sent: infos.iter().map(CertInfo::short_name).collect(),
            expected: path.iter().map(|i| infos[*i].short_name()).collect(),
        });
    }
    let extra: Vec<String> = (0..infos.len())
        .filter(|i| !path.contains(i))
        .map(|i| infos[i].short_name())
        .collect();
    if !extra.is_empty() {
        problems.push(ChainProblem::Extra(extra));
    }
    let top = &infos[*path.last().unwrap_or(&0)];
    if path.len() > 1 && top.self_signed {
        problems.push(ChainProblem::SendsRoot(top.short_name()));
    }
    problems
}

pub fn judge_chain(host: &str, infos: &[CertInfo], verdict: &ChainVerdict) -> Option<TlsFault> {
    let host = host.to_string();
    Some(match verdict.clone() {
        ChainVerdict::Trusted => {
            let problems = chain_order_problems(infos);
            if problems.is_empty() {
                return None;
            }
            TlsFault::ChainOrder { host, problems }
        }
        ChainVerdict::MissingIntermediate { url, issuer } => {
            TlsFault::MissingIntermediate { host, url, issuer }
        }
        ChainVerdict::SelfSigned => TlsFault::SelfSigned { host },
        ChainVerdict::Untrusted { reason, aia } => TlsFault::Untrusted { host, reason, aia },
        ChainVerdict::Invalid(why) => TlsFault::Invalid { host, why },
    })
}

// tls.hostname

/// Whether a certificate name covers `host` (RFC 6125 §6.4: a wildcard stands for exactly one
/// whole left-most label).
pub fn name_covers(pattern: &str, host: &str) -> bool {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(rest) = p.strip_prefix("*.") {
        match h.split_once('.') {
            Some((label, parent)) => !label.is_empty() && parent == rest && rest.contains('.'),
            None => false,
        }
    } else {
        p == h
    }
}

pub fn judge_hostname(host: &str, leaf: &CertInfo, origins: &[String]) -> Option<TlsFault> {
    if leaf.sans.is_empty() {
        return Some(TlsFault::NoSubjectAltName {
            host: host.to_string(),
            cn: leaf.cn.clone(),
        });
    }
    if leaf.sans.iter().any(|n| name_covers(n, host)) {
        return None;
    }
    // The apex/www pair: a certificate made for one of them when both are origins.
    let sibling = host
        .strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or_else(|| format!("www.{host}"));
    let covered =
        origins.iter().any(|o| o == &sibling) && leaf.sans.iter().any(|n| name_covers(n, &sibling));
    Some(TlsFault::NameMismatch {
        host: host.to_string(),
        names: leaf.sans.clone(),
        sibling: covered.then_some(sibling),
    })
}

// tls.expiry

fn role(infos: &[CertInfo], i: usize) -> CertRole {
    if i == 0 {
        CertRole::Leaf
    } else {
        CertRole::Intermediate(infos[i].short_name())
    }
}

/// The index of the certificate that expires first among those clients rely on (a root the
/// server sends along is not one: clients use their own copy). `infos` must not be empty.
pub fn earliest_expiry(infos: &[CertInfo]) -> usize {
    (0..infos.len())
        .filter(|i| *i == 0 || !infos[*i].self_signed)
        .min_by_key(|i| infos[*i].not_after)
        .unwrap_or(0)
}

/// The validity of the chain at `now`, or what is wrong with it. `infos` must not be empty.
pub fn judge_expiry(
    host: &str,
    infos: &[CertInfo],
    now: i64,
    warn_days: u32,
) -> Result<Validity, TlsFault> {
    let leaf = &infos[0];
    let host = host.to_string();
    if now < leaf.not_before {
        return Err(TlsFault::NotYetValid {
            host,
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            days_until: (leaf.not_before - now + DAY - 1) / DAY,
        });
    }
    if let Some(i) = (0..infos.len()).find(|i| now > infos[*i].not_after) {
        return Err(TlsFault::Expired {
            host,
            cert: role(infos, i),
            not_after: infos[i].not_after,
            days_ago: (now - infos[i].not_after) / DAY,
        });
    }
    let soonest = earliest_expiry(infos);
    let validity = Validity {
        soonest: role(infos, soonest),
        not_before: leaf.not_before,
        not_after: infos[soonest].not_after,
        days_left: (infos[soonest].not_after - now) / DAY,
    };
    if validity.days_left < warn_days as i64 {
        return Err(TlsFault::ExpiringSoon {
            host,
            validity,
            warn_days,
        });
    }
    Ok(validity)
}

// tls.strength

pub fn judge_strength(host: &str, infos: &[CertInfo]) -> Option<TlsFault> {
    let mut weaknesses = Vec::new();
    for (i, c) in infos.iter().enumerate() {
        let sig = sig_alg(&c.sig_oid);
        // A root's own signature is never checked; only what clients verify counts.
        if sig.weak && !(i > 0 && c.self_signed) {
            weaknesses.push(Weakness::Signature {
                leaf: i == 0,
                name: c.short_name(),
                alg: sig.name,
            });
        }
        if c.key.is_rsa() && c.key.bits < 2048 {
            weaknesses.push(Weakness::RsaKey {
                leaf: i == 0,
                name: c.short_name(),
                bits: c.key.bits,
            });
        }
    }
    (!weaknesses.is_empty()).then(|| TlsFault::Weak {
        host: host.to_string(),
        weaknesses,
    })
}
