//! Section 2, TLS certificate (RFC 8446 handshake, RFC 5280 certificates, RFC 6125 names): for
//! the API host and every frontend host, conncheck does its own handshake and keeps the chain
//! exactly as the server sent it, then judges it the way curl, Node, Python and Android do
//! (strictly) and says where Chrome differs (it fetches a missing intermediate itself).
//!
//! This file does the I/O: the handshake and the TLS 1.0/1.1 probe (`net::tlsprobe`), the
//! certificate parsing (`net::x509`), the strict verification and the AIA download Chrome
//! would make. [`judge`] decides every row from those observations (typed [`TlsFault`]s);
//! [`words`] writes them; Chrome's console lines are `browser::tls`'s.

pub mod judge;
pub mod words;

#[cfg(test)]
mod tests;

pub use judge::TlsFault;

use crate::engine::context::Context;
use crate::engine::fault::{owning_row, Dependent, NetFault};
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Finding, Module, Row, Subject};
use crate::net::aia;
use crate::net::http::NetError;
use crate::net::tlsprobe::{self, ProbeError, Shake};
use crate::net::x509::{self, CertInfo};
use futures::future::join_all;
use futures::FutureExt;
use judge::{ChainVerdict, Strict};
use rustls::pki_types::{CertificateDer, UnixTime};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Tls,
    about: "TLS handshake, certificate chain, host name, validity dates and key strength of every HTTPS host",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The rows after the handshake, in order.
const CERT_ROWS: [Row; 4] = [
    Row::TlsChain,
    Row::TlsHostname,
    Row::TlsExpiry,
    Row::TlsStrength,
];

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let hosts = tls_hosts(&ctx);
    // Hosts reached over plain http:// have no certificate to judge: say so once each (a plain
    // "not applicable", so no fault).
    for (i, u) in plain_http_urls(&ctx).iter().enumerate() {
        sink.push(
            Finding::of(
                Row::TlsHandshake,
                Subject::host_of(u),
                words::plain_http_title(u),
            )
            .seq(hosts.len() + i)
            .skip()
            .detail(words::plain_http_detail(u)),
        );
    }
    let tasks = hosts.into_iter().enumerate().map(|(seq, (host, port))| {
        let (ctx, sink) = (Arc::clone(&ctx), sink.clone());
        async move {
            let h = HostRows {
                host: &host,
                port,
                seq,
            };
            check_host(&ctx, &sink, &h).await
        }
    });
    join_all(tasks).await;
}

/// The API base and frontend pages configured as plain http://, one per host.
fn plain_http_urls(ctx: &Context) -> Vec<url::Url> {
    let t = &ctx.target;
    let mut v: Vec<url::Url> = Vec::new();
    for u in std::iter::once(&t.api_base).chain(t.frontend.iter()) {
        if u.scheme() == "http" && !v.iter().any(|x| x.host_str() == u.host_str()) {
            v.push(u.clone());
        }
    }
    v
}

/// Every (host, port) reached over https: the API first, then each frontend page's host.
fn tls_hosts(ctx: &Context) -> Vec<(String, u16)> {
    let t = &ctx.target;
    let mut urls = vec![t.api_base.clone()];
    urls.extend(t.frontend.iter().cloned());
    let mut v: Vec<(String, u16)> = Vec::new();
    for u in urls.iter().filter(|u| u.scheme() == "https") {
        let h = (
            u.host_str()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_ascii_lowercase(),
            u.port_or_known_default().unwrap_or(443),
        );
        if !v.contains(&h) {
            v.push(h);
        }
    }
    v
}

/// The rows of one host.
struct HostRows<'a> {
    host: &'a str,
    port: u16,
    seq: usize,
}

impl HostRows<'_> {
    fn row(&self, row: Row) -> Finding {
        let port = (self.port != 443).then_some(self.port);
        Finding::of(
            row,
            Subject::host(self.host, port),
            words::title(row, self.host, self.port),
        )
        .seq(self.seq)
    }

    /// The certificate rows (all but the first `from` of them), skipped for `fault`.
    fn skip_certs(&self, from: usize, fault: &judge::TlsFault) -> Vec<Finding> {
        CERT_ROWS[from..]
            .iter()
            .map(|r| words::skipped(self.row(*r), fault.clone()))
            .collect()
    }
}

async fn check_host(ctx: &Context, sink: &Sink, h: &HostRows<'_>) {
    let start = Instant::now();
    let addrs = match ctx.dns.lookup_host(h.host).await {
        Ok(a) => a.addrs,
        Err(e) => {
            let e = NetError::Dns(e);
            sink.push(ctx.net_failure(h.row(Row::TlsHandshake), &e));
            sink.extend(unreached(ctx, h, e));
            return;
        }
    };
    let shake = match tlsprobe::probe(h.host, h.port, &addrs, ctx.opts.timeout).await {
        Ok(s) => s,
        Err(ProbeError::Net(e)) => {
            sink.push(
                ctx.net_failure(h.row(Row::TlsHandshake), &e)
                    .duration(start.elapsed()),
            );
            sink.extend(unreached(ctx, h, e));
            return;
        }
        Err(ProbeError::Handshake(failure)) => {
            let fault = TlsFault::HandshakeFailed {
                host: h.host.to_string(),
                port: h.port,
                failure,
            };
            let row = words::handshake_failed(h.row(Row::TlsHandshake), fault.clone());
            sink.push(row.duration(start.elapsed()));
            sink.extend(h.skip_certs(0, &blocked(Row::TlsHandshake, fault)));
            return;
        }
    };
    let answer = tlsprobe::legacy_probe(shake.addr, h.host, ctx.opts.timeout).await;
    let legacy = judge::judge_legacy(&answer);
    let fault = judge::judge_handshake(h.host, &legacy);
    let row = words::handshake(h.row(Row::TlsHandshake), &shake, &legacy, fault);
    sink.push(row.duration(start.elapsed()));
    let Some(infos) = parse_chain(sink, h, &shake) else {
        return;
    };
    ctx.metric(
        "tls_cert_not_after_seconds",
        &[("host", h.host)],
        infos[0].not_after as f64,
    );
    ctx.metric(
        "tls_cert_expiry_timestamp_seconds",
        &[("host", h.host)],
        infos[judge::earliest_expiry(&infos)].not_after as f64,
    );
    let mut rows = cert_rows(ctx, h, &shake.chain, &infos).await;
    let ms = start.elapsed();
    for r in &mut rows {
        r.duration_ms = ms.as_millis() as u64;
    }
    sink.extend(rows);
}

fn blocked(owner: Row, cause: TlsFault) -> TlsFault {
    TlsFault::Blocked {
        owner,
        cause: Box::new(cause),
    }
}

/// The certificate rows of a host that was not reached: they depend on the row that owns the
/// network failure (`dns.resolve`, `dns.reach` when those run; the handshake row otherwise).
fn unreached(ctx: &Context, h: &HostRows<'_>, e: NetError) -> Vec<Finding> {
    let why = words::not_reached(h.host, h.port, &e);
    let owner = owning_row(&e)
        .filter(|r| ctx.runs(r.module()))
        .unwrap_or(Row::TlsHandshake);
    let net = NetFault::new(h.host, e);
    CERT_ROWS
        .iter()
        .map(|r| {
            h.row(*r).skip().detail(why.clone()).fault(Dependent {
                owner,
                net: net.clone(),
            })
        })
        .collect()
}

/// The presented chain, parsed; `None` (rows pushed) when there is none or it cannot be parsed.
fn parse_chain(sink: &Sink, h: &HostRows<'_>, shake: &Shake) -> Option<Vec<CertInfo>> {
    let parsed: Result<Vec<CertInfo>, String> =
        shake.chain.iter().map(|c| x509::parse_cert(c)).collect();
    let host = h.host.to_string();
    match parsed {
        Ok(i) if !i.is_empty() => Some(i),
        Ok(_) => {
            sink.extend(h.skip_certs(0, &TlsFault::NoCertificate { host }));
            None
        }
        Err(error) => {
            let fault = TlsFault::Unparsable { host, error };
            sink.push(words::unparsable(h.row(Row::TlsChain), fault.clone()));
            sink.extend(h.skip_certs(1, &blocked(Row::TlsChain, fault)));
            None
        }
    }
}

/// Judge and word the four certificate rows.
async fn cert_rows(
    ctx: &Context,
    h: &HostRows<'_>,
    chain: &[CertificateDer<'static>],
    infos: &[CertInfo],
) -> Vec<Finding> {
    let now = unix_now();
    let verdict = chain_verdict(ctx, h.host, chain, infos, now).await;
    let extra: Vec<CertInfo> = ctx
        .trust
        .extra
        .iter()
        .filter_map(|r| x509::parse_cert(r).ok())
        .collect();
    let private = match verdict {
        ChainVerdict::Trusted => judge::private_root(infos, &extra),
        _ => None,
    };
    let origins: Vec<String> = tls_hosts(ctx).into_iter().map(|(h, _)| h).collect();
    let host = h.host;
    let os_store = match verdict {
        ChainVerdict::Trusted => os_store_source(ctx, chain, host, now),
        _ => None,
    };
    vec![
        words::with_store(
            words::chain(
                h.row(Row::TlsChain),
                infos,
                private.as_deref(),
                judge::judge_chain(host, infos, &verdict),
            ),
            os_store,
        ),
        words::hostname(
            h.row(Row::TlsHostname),
            host,
            &infos[0],
            judge::judge_hostname(host, &infos[0], &origins),
        ),
        words::expiry(
            h.row(Row::TlsExpiry),
            judge::judge_expiry(host, infos, now, ctx.opts.cert_warn_days),
        ),
        words::strength(
            h.row(Row::TlsStrength),
            infos,
            judge::judge_strength(host, infos),
        ),
    ]
}

/// The OS store that alone anchors a chain the public web roots do not, when that is so.
fn os_store_source(
    ctx: &Context,
    chain: &[CertificateDer<'static>],
    host: &str,
    now: i64,
) -> Option<crate::net::tls::RootSource> {
    let when = rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        now.max(0) as u64,
    ));
    match ctx.trust.trusted_by(chain, host, when) {
        Some(source @ crate::net::tls::RootSource::Os(_)) => Some(source),
        _ => None,
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Verify strictly and, when the issuer is unknown, try the AIA download Chrome would make.
async fn chain_verdict(
    ctx: &Context,
    host: &str,
    chain: &[CertificateDer<'static>],
    infos: &[CertInfo],
    now: i64,
) -> ChainVerdict {
    let leaf = &infos[0];
    let at = judge::trust_time(leaf, now);
    let at = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64));
    let strict = aia::verify_strict(&ctx.trust, &chain[0], &chain[1..], host, at);
    let reason = match judge::judge_strict(&strict, leaf.self_signed) {
        Strict::Done(v) => return v,
        Strict::TryAia(reason) => reason,
    };
    let http = &ctx.http;
    let t = ctx.opts.timeout;
    match aia::complete_chain(&http.aia, http.raw(), &ctx.trust, chain, host, at, t).await {
        Ok(issuer) => {
            let name = x509::parse_cert(&issuer)
                .map(|i| i.short_name())
                .unwrap_or_else(|_| "the issuer".into());
            ctx.trust.learn_intermediate(issuer);
            ChainVerdict::MissingIntermediate {
                url: leaf.aia.clone().unwrap_or_default(),
                issuer: name,
            }
        }
        Err(aia) => ChainVerdict::Untrusted { reason, aia },
    }
}
