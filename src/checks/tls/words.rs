//! The words of the TLS rows: titles, evidence and fixes, from the observations and the typed
//! [`TlsFault`]. The only prose of the module; nothing here decides a status.

use super::judge::{CertRole, ChainProblem, Legacy, TlsFault, UntrustedReason, Validity, Weakness};
use crate::engine::{Finding, Row};
use crate::net::http::NetError;
use crate::net::tlsprobe::{LegacyAnswer, ServerAnswer, Shake};
use crate::net::x509::{sig_alg, CertInfo};

/// `host`, with the port when it is not 443.
fn host_port(host: &str, port: u16) -> String {
    if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

pub fn title(row: Row, host: &str, port: u16) -> String {
    let hp = host_port(host, port);
    match row {
        Row::TlsChain => format!("{hp}: certificate chain is trusted"),
        Row::TlsHostname => format!("{hp}: certificate covers the host name"),
        Row::TlsExpiry => format!("{hp}: certificate is within its validity dates"),
        Row::TlsStrength => format!("{hp}: signature algorithm and key strength"),
        _ => format!("{hp}: TLS handshake"),
    }
}

/// The title of the handshake row of a host reached over plain http:// (no port shown).
pub fn plain_http_title(url: &url::Url) -> String {
    format!("{}: TLS handshake", url.host_str().unwrap_or(""))
}

pub fn plain_http_detail(url: &url::Url) -> String {
    format!("{url} is plain http://: no TLS to check (a page served over https cannot call it: see the frontend section)")
}

/// Why a certificate row was not checked when the handshake never happened.
pub fn not_reached(host: &str, port: u16, e: &NetError) -> String {
    match e {
        NetError::Dns(_) => format!("{host} does not resolve (see dns.resolve)"),
        e if e.is_timeout() && !matches!(e, NetError::ConnectTimeout(_)) => {
            "the TLS handshake did not finish in time (see tls.handshake)".to_string()
        }
        _ => format!("no TCP connection to {host}:{port} (see dns.reach)"),
    }
}

/// A row with a fault: its status and Chrome's error come from the fault.
fn faulted(f: Finding, fault: TlsFault, detail: String, hint: Option<String>) -> Finding {
    let console = fault.console().map(|c| c.text().to_string());
    f.status(fault.status())
        .detail(detail)
        .maybe_hint(hint)
        .maybe_browser_error(console)
        .fault(fault)
}

/// A row not checked because of a fault another row (or this module) reports.
pub fn skipped(f: Finding, fault: TlsFault) -> Finding {
    let detail = match &fault {
        TlsFault::NoCertificate { .. } => "the server sent no certificate".to_string(),
        TlsFault::Blocked { cause, owner } => match **cause {
            TlsFault::HandshakeFailed { .. } => {
                "the TLS handshake failed (see tls.handshake)".to_string()
            }
            TlsFault::Unparsable { .. } => {
                "the certificate cannot be parsed (see tls.chain)".to_string()
            }
            _ => format!("not checked (see {})", owner.pattern()),
        },
        other => format!("not checked: {}", other.host()),
    };
    faulted(f, fault, detail, None)
}

// tls.handshake

fn alpn(s: &Shake) -> String {
    match &s.alpn {
        Some(p) => format!("ALPN {p}"),
        None => "no ALPN (HTTP/1.1 assumed)".into(),
    }
}

fn legacy_answer(a: &LegacyAnswer) -> String {
    match a {
        LegacyAnswer::ServerHello { major, minor } => {
            format!("answered with version {major}.{minor}")
        }
        LegacyAnswer::Alert { code } => format!("alert {}", alert_name(*code)),
        LegacyAnswer::Closed => "connection closed".into(),
        LegacyAnswer::Unexpected(ans) => format!("unexpected answer: {}", describe_answer(ans)),
        LegacyAnswer::Io(e) => e.clone(),
        LegacyAnswer::NoAnswer => "no answer in time".into(),
    }
}

pub fn handshake(f: Finding, s: &Shake, legacy: &Legacy, fault: Option<TlsFault>) -> Finding {
    let base = format!("{}, {}, {} (with {})", s.version, s.suite, alpn(s), s.addr);
    if let Some(fault @ TlsFault::LegacyVersion { version, .. }) = &fault {
        let detail = format!("{base}; but the server also accepts {version}, which browsers dropped in 2020 and PCI DSS forbids");
        let hint = "allow only TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Traefik tls.options minVersion = VersionTLS12, or the platform's minimum-TLS setting";
        return faulted(f, fault.clone(), detail, Some(hint.into()));
    }
    match legacy {
        Legacy::Refused(a) => f.pass().detail(format!(
            "{base}; TLS 1.0/1.1 refused ({})",
            legacy_answer(a)
        )),
        Legacy::Unknown(a) => f.pass().detail(format!(
            "{base}; TLS 1.0/1.1 support not determined ({})",
            legacy_answer(a)
        )),
        // The judge faults every accepted legacy version (above).
        Legacy::Accepted(v) => f.pass().detail(format!("{base}; accepts {v}")),
    }
}

pub fn handshake_failed(f: Finding, fault: TlsFault) -> Finding {
    let TlsFault::HandshakeFailed {
        host,
        port,
        failure,
    } = &fault
    else {
        return skipped(f, fault);
    };
    let hint = match failure.answer {
        ServerAnswer::PlainHttp { .. } => format!(
            "port {port} of {host} is served by a plain-HTTP listener: terminate TLS there (nginx `listen {port} ssl;` with ssl_certificate/ssl_certificate_key, a Traefik websecure entrypoint with tls, or enable HTTPS for the domain in the platform's settings) and keep plain HTTP on port 80"
        ),
        _ => format!(
            "the server at {} does not complete a TLS handshake: check that {host} is configured for TLS on port {port} (certificate installed, SNI name {host} routed) and that nothing in front of it (a load balancer in TCP mode, a firewall) cuts the connection",
            failure.addr
        ),
    };
    let detail = format!(
        "ClientHello sent to {} (SNI {host}); {}; rustls: {}",
        failure.addr,
        describe_answer(&failure.answer),
        failure.reason
    );
    faulted(f, fault, detail, Some(hint))
}

/// Say what the server answered a ClientHello with.
pub fn describe_answer(a: &ServerAnswer) -> String {
    match a {
        ServerAnswer::Nothing => "the server closed the connection without sending anything".into(),
        ServerAnswer::PlainHttp { status_line } => {
            format!("got '{status_line}' — this port speaks plain HTTP, not TLS")
        }
        ServerAnswer::Alert { fatal, code } => {
            let level = if *fatal { "fatal" } else { "warning" };
            format!("got a {level} TLS alert: {}", alert_name(*code))
        }
        ServerAnswer::Text { first_line } => {
            format!("got '{first_line}' — not TLS (another protocol answers on this port)")
        }
        ServerAnswer::Binary { len, head } => {
            let hex: Vec<String> = head.iter().map(|c| format!("{c:02x}")).collect();
            format!(
                "got {len} bytes that are not a TLS record: {}",
                hex.join(" ")
            )
        }
    }
}

/// Names of the alerts a server sends in a failed handshake (RFC 8446 §6.2).
fn alert_name(code: u8) -> String {
    match code {
        10 => "unexpected_message".into(),
        40 => "handshake_failure (no cipher suite or version in common)".into(),
        42 => "bad_certificate".into(),
        47 => "illegal_parameter".into(),
        50 => "decode_error".into(),
        70 => "protocol_version (the server wants a TLS version we do not offer)".into(),
        71 => "insufficient_security".into(),
        80 => "internal_error".into(),
        112 => "unrecognized_name (no certificate configured for this SNI name)".into(),
        120 => "no_application_protocol".into(),
        other => format!("alert {other}"),
    }
}

// Certificates.

pub fn date(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|d| d.format(&fmt).ok())
        .unwrap_or_else(|| ts.to_string())
}

/// One line per certificate: subject, issuer, validity.
pub fn describe_chain(infos: &[CertInfo]) -> String {
    infos
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "#{i} subject \"{}\", issuer \"{}\", valid {} → {}",
                c.subject,
                c.issuer,
                date(c.not_before),
                date(c.not_after)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn unparsable(f: Finding, fault: TlsFault) -> Finding {
    let TlsFault::Unparsable { error, .. } = &fault else {
        return skipped(f, fault);
    };
    let detail = format!("the server sent a certificate that cannot be parsed: {error}");
    let hint = "reinstall the certificate file the CA issued (PEM, leaf first)";
    faulted(f, fault, detail, Some(hint.into()))
}

// tls.chain

fn chain_problem(p: &ChainProblem) -> String {
    match p {
        ChainProblem::OutOfOrder { sent, expected } => format!(
            "sent out of order ({}); expected {}",
            sent.join(", "),
            expected.join(" → ")
        ),
        ChainProblem::Extra(names) => format!(
            "sends certificate(s) that are not part of the chain: {}",
            names.join(", ")
        ),
        ChainProblem::SendsRoot(name) => format!(
            "sends the root \"{name}\" too (clients must already have it; it only adds bytes to every handshake)"
        ),
    }
}

fn untrusted_reason(r: &UntrustedReason) -> String {
    match r {
        UntrustedReason::UnknownIssuer => {
            "the issuer is not a trusted root and the server did not send a chain to one".into()
        }
        UntrustedReason::BadSignature => {
            "a certificate's signature does not verify against its issuer".into()
        }
        UntrustedReason::Other(s) => s.clone(),
    }
}

/// The chain row. `private_root` is the `--ca-cert` root it is trusted through, if any.
pub fn chain(
    f: Finding,
    infos: &[CertInfo],
    private_root: Option<&str>,
    fault: Option<TlsFault>,
) -> Finding {
    let shown = describe_chain(infos);
    let via = match private_root {
        Some(top) => format!(
            " Trusted via --ca-cert (\"{top}\"): only clients that install this CA accept it."
        ),
        None => String::new(),
    };
    let Some(fault) = fault else {
        return f
            .pass()
            .detail(format!("verifies to a trusted root.{via} Chain: {shown}"));
    };
    let host = fault.host().to_string();
    let (detail, hint) = match &fault {
        TlsFault::ChainOrder { problems, .. } => (
            format!(
                "verifies, but the chain {}.{via} Chain: {shown}",
                problems.iter().map(chain_problem).collect::<Vec<_>>().join("; ")
            ),
            format!("serve the CA's full-chain file for {host} in order, leaf first then the intermediate(s), without the root or unrelated certificates (nginx ssl_certificate fullchain.pem; Traefik/Caddy do this themselves)"),
        ),
        TlsFault::MissingIntermediate { url, issuer, .. } => (
            format!(
                "intermediate \"{issuer}\" not sent: curl, Node.js, Python requests, Android apps and most CI runners fail (\"unable to get local issuer certificate\") while Chrome works anyway, because it downloads the intermediate from {url}: the classic \"works in my browser, fails in the app\". Chain sent ({} certificate(s)): {shown}",
                infos.len()
            ),
            format!("install the full chain for {host}: nginx ssl_certificate must point at fullchain.pem (leaf + intermediate), not cert.pem; on a platform, upload the CA bundle together with the certificate"),
        ),
        TlsFault::SelfSigned { .. } => (
            format!("the certificate is self-signed: no trusted CA vouches for it, so every browser and client rejects it. Chain: {shown}"),
            format!("get a certificate for {host} from a public CA (Let's Encrypt via certbot, or the platform's free SSL for the domain); for a private staging CA pass its root with --ca-cert"),
        ),
        TlsFault::Invalid { why, .. } => (
            format!("the chain is rejected: {why}. Chain: {shown}"),
            format!("reissue the certificate for {host} as a TLS server certificate (extendedKeyUsage serverAuth, digitalSignature) from a public CA; hand-made openssl certificates often miss these"),
        ),
        TlsFault::Untrusted { reason, aia, .. } => (
            format!("not trusted: {}; {aia}. Chain: {shown}", untrusted_reason(reason)),
            format!("serve a certificate for {host} issued by a public CA, with its full chain (fullchain.pem); if it comes from a private CA, clients need that root (conncheck: --ca-cert)"),
        ),
        _ => return skipped(f, fault),
    };
    faulted(f, fault, detail, Some(hint))
}

// tls.hostname

pub fn hostname(f: Finding, host: &str, leaf: &CertInfo, fault: Option<TlsFault>) -> Finding {
    let names = leaf.sans.join(", ");
    let Some(fault) = fault else {
        return f
            .pass()
            .detail(format!("{host} is covered; the certificate names {names}"));
    };
    let (detail, hint) = match &fault {
        TlsFault::NoSubjectAltName { cn, .. } => (
            format!(
                "the certificate has no subjectAltName; its Common Name is {}. Browsers ignore the Common Name (Chrome since version 58)",
                cn.as_deref().unwrap_or("absent")
            ),
            format!("reissue the certificate with {host} as a subjectAltName (every public CA does this; check a hand-made openssl certificate)"),
        ),
        TlsFault::NameMismatch { sibling, .. } => (
            format!("the certificate does not cover {host}; it names only {names}"),
            mismatch_hint(host, sibling.as_deref()),
        ),
        _ => return skipped(f, fault),
    };
    faulted(f, fault, detail, Some(hint))
}

fn mismatch_hint(host: &str, sibling: Option<&str>) -> String {
    match sibling {
        Some(sibling) => {
            let (apex, www) = if host.starts_with("www.") {
                (sibling, host)
            } else {
                (host, sibling)
            };
            format!(
                "the certificate covers {sibling} but not {host}, and both are origins: reissue it for both names (certbot -d {apex} -d {www}, or add {host} to the domain's SSL certificate on the platform)"
            )
        }
        None => format!(
            "{host} is not on the certificate: issue one that includes it (certbot -d {host}, or connect {host} in the platform's domain/SSL settings), or check that DNS for {host} points at the server meant to serve it"
        ),
    }
}

// tls.expiry

fn which(c: &CertRole, sent_with_it: bool) -> String {
    match (c, sent_with_it) {
        (CertRole::Leaf, _) => "the certificate".to_string(),
        (CertRole::Intermediate(n), true) => format!("the intermediate \"{n}\" sent with it"),
        (CertRole::Intermediate(n), false) => format!("the intermediate \"{n}\""),
    }
}

pub fn expiry(f: Finding, verdict: Result<Validity, TlsFault>) -> Finding {
    let fault = match verdict {
        Ok(v) => {
            return f.pass().detail(format!(
                "{} is valid from {} until {} ({} days left)",
                which(&v.soonest, false),
                date(v.not_before),
                date(v.not_after),
                v.days_left
            ))
        }
        Err(fault) => fault,
    };
    let (detail, hint) = match &fault {
        TlsFault::NotYetValid { not_before, not_after, days_until, .. } => (
            format!(
                "not valid yet: valid from {} (in {days_until} day(s)) to {}",
                date(*not_before),
                date(*not_after)
            ),
            "the certificate starts in the future: check the clock of the machine that issued it (and of this one), or wait; until then every client rejects it",
        ),
        TlsFault::Expired { cert, not_after, days_ago, .. } => (
            format!(
                "{} expired on {} ({days_ago} day(s) ago)",
                which(cert, true),
                date(*not_after)
            ),
            "renew it (certbot renew, or the platform's auto-renewal for the domain), install the new full chain and reload the server (nginx -s reload); then check that renewal runs on a schedule",
        ),
        TlsFault::ExpiringSoon { validity: v, warn_days, .. } => (
            format!(
                "{} expires on {} — {} day(s) left (warning below {warn_days} days)",
                which(&v.soonest, false),
                date(v.not_after),
                v.days_left
            ),
            "renew now (certbot renew --force-renewal, or the platform's SSL page) and check why automatic renewal has not run: Let's Encrypt renews 30 days before expiry",
        ),
        _ => return skipped(f, fault),
    };
    faulted(f, fault, detail, Some(hint.to_string()))
}

// tls.strength

fn role_word(leaf: bool) -> &'static str {
    if leaf {
        "leaf"
    } else {
        "intermediate"
    }
}

fn weakness(w: &Weakness) -> String {
    match w {
        Weakness::Signature { leaf, name, alg } => {
            format!("{} \"{name}\" is signed with {alg}", role_word(*leaf))
        }
        Weakness::RsaKey { leaf, name, bits } => format!(
            "{} \"{name}\" has an RSA key of {bits} bits (under 2048)",
            role_word(*leaf)
        ),
    }
}

pub fn strength(f: Finding, infos: &[CertInfo], fault: Option<TlsFault>) -> Finding {
    let shown: Vec<String> = infos
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{} {}: {}, signed {}",
                role_word(i == 0),
                c.short_name(),
                c.key,
                sig_alg(&c.sig_oid).name
            )
        })
        .collect();
    let fault = match fault {
        None => return f.pass().detail(shown.join("; ")),
        Some(fault) => fault,
    };
    let TlsFault::Weak { weaknesses, .. } = &fault else {
        return skipped(f, fault);
    };
    let weak: Vec<String> = weaknesses.iter().map(weakness).collect();
    let detail = format!("{}. Chain: {}", weak.join("; "), shown.join("; "));
    let hint = "reissue the certificate with a SHA-256 signature and an ECDSA P-256 or RSA 2048+ key (certbot does this by default; regenerate an old CSR with `openssl req -newkey rsa:2048 -sha256`)";
    faulted(f, fault, detail, Some(hint.into()))
}

/// The chain row, naming the OS store when only it trusted the chain.
pub fn with_store(mut f: Finding, store: Option<crate::net::tls::RootSource>) -> Finding {
    if let Some(source) = store {
        f.detail.push_str(&format!(
            " Trusted by {source}, not by the public web roots: browsers on machines with this \
             CA installed (a managed laptop) accept it, others and fresh containers do not."
        ));
    }
    f
}
