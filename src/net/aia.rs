//! Completing a chain the way Chrome does: when a server sends its leaf without the
//! intermediate, Chrome reads the leaf's Authority Information Access extension (RFC 5280
//! §4.2.2.1, access method caIssuers) and downloads the issuer over plain HTTP. curl, Node,
//! Python and Android do not. conncheck does both: `tls.chain` reports the missing intermediate,
//! and the HTTP client fetches it once so the other modules see what a browser sees.

use super::tls::TrustStore;
use futures::future::{BoxFuture, FutureExt, Shared};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// OID of the caIssuers access method (RFC 5280 §4.2.2.1).
const CA_ISSUERS_OID: &str = "1.3.6.1.5.5.7.48.2";
/// An issuer certificate is a few kilobytes; anything far larger is not one.
const MAX_ISSUER_BYTES: usize = 64 * 1024;

type Fetch = Shared<BoxFuture<'static, Result<CertificateDer<'static>, String>>>;

/// One shared, de-duplicated issuer download per URL for the whole run.
#[derive(Default)]
pub struct AiaFetcher {
    fetches: Mutex<HashMap<String, Fetch>>,
}

impl std::fmt::Debug for AiaFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AiaFetcher")
    }
}

impl AiaFetcher {
    /// Download the certificate at `url` (DER, or PEM as some CAs serve it) with `client`,
    /// once per URL however many callers ask at the same time.
    pub async fn fetch(
        &self,
        client: &reqwest::Client,
        url: &str,
        timeout: Duration,
    ) -> Result<CertificateDer<'static>, String> {
        let fut = {
            let mut m = self.fetches.lock().unwrap();
            m.entry(url.to_string())
                .or_insert_with(|| {
                    let (client, url) = (client.clone(), url.to_string());
                    async move { download(client, url, timeout).await }
                        .boxed()
                        .shared()
                })
                .clone()
        };
        fut.await
    }
}

async fn download(
    client: reqwest::Client,
    url: String,
    timeout: Duration,
) -> Result<CertificateDer<'static>, String> {
    let parsed = url::Url::parse(&url).map_err(|e| format!("bad AIA URL {url}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("AIA URL {url} is not http(s)"));
    }
    let work = async {
        let mut resp = client
            .get(parsed)
            .send()
            .await
            .map_err(|e| format!("cannot download {url}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("{url} answered HTTP {}", resp.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("reading {url}: {e}"))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_ISSUER_BYTES {
                return Err(format!("{url} sent more than {MAX_ISSUER_BYTES} bytes"));
            }
        }
        Ok(body)
    };
    let body = tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| format!("no answer from {url} within {:.1} s", timeout.as_secs_f64()))??;
    decode_cert(&body).ok_or_else(|| format!("{url} did not serve a certificate"))
}

/// Verify a presented chain strictly (webpki against the run's roots, no learnt intermediates):
/// what curl, Node and Python decide. `at` is the time to judge validity at.
pub fn verify_strict(
    trust: &TrustStore,
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    host: &str,
    at: UnixTime,
) -> Result<(), rustls::Error> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| rustls::Error::General(format!("{host} is not a valid server name")))?;
    trust
        .strict_verifier()
        .verify_server_cert(leaf, intermediates, &name, &[], at)
        .map(|_| ())
}

/// Whether a verification error says the chain itself does not reach a trusted root (as opposed
/// to a name or date problem found after the chain was built).
pub fn is_untrusted_chain(e: &rustls::Error) -> bool {
    use rustls::CertificateError as C;
    matches!(
        e,
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature)
    )
}

/// Try to complete `host`'s chain (`chain[0]` the leaf, then what the server sent) from the
/// leaf's caIssuers URL. Returns the downloaded issuer when the chain then reaches a trusted
/// root, or why not.
pub async fn complete_chain(
    fetcher: &AiaFetcher,
    client: &reqwest::Client,
    trust: &TrustStore,
    chain: &[CertificateDer<'static>],
    host: &str,
    at: UnixTime,
    timeout: Duration,
) -> Result<CertificateDer<'static>, String> {
    let (leaf, presented) = chain
        .split_first()
        .ok_or_else(|| "no certificate was presented".to_string())?;
    let url = ca_issuers_url(leaf)
        .ok_or_else(|| "the leaf has no AIA caIssuers URL to fetch its issuer from".to_string())?;
    let issuer = fetcher.fetch(client, &url, timeout).await?;
    let mut all = presented.to_vec();
    all.push(issuer.clone());
    match verify_strict(trust, leaf, &all, host, at) {
        Err(e) if is_untrusted_chain(&e) => Err(format!(
            "the certificate at {url} does not complete the chain to a trusted root"
        )),
        _ => Ok(issuer),
    }
}

/// A certificate from DER or PEM bytes (the first one, for PEM).
pub fn decode_cert(body: &[u8]) -> Option<CertificateDer<'static>> {
    if body.starts_with(b"-----BEGIN") {
        return CertificateDer::pem_slice_iter(body).next()?.ok();
    }
    x509_parser::parse_x509_certificate(body).ok()?;
    Some(CertificateDer::from(body.to_vec()))
}

/// The caIssuers URL of a certificate, if it has one.
pub fn ca_issuers_url(der: &[u8]) -> Option<String> {
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => aia.iter().find_map(|d| {
                match (
                    &d.access_location,
                    d.access_method.to_id_string() == CA_ISSUERS_OID,
                ) {
                    (GeneralName::URI(u), true) => Some(u.to_string()),
                    _ => None,
                }
            }),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::pki::{Ca, CertKind};

    #[test]
    fn finds_ca_issuers_url_and_decodes_der_and_pem() {
        let ca = Ca::new(Some("http://ca.lab.test:8080/r1.der".into())).unwrap();
        let leaf = ca.issue("api.x.test", &CertKind::Good).unwrap();
        assert_eq!(
            ca_issuers_url(&leaf.chain[0]).as_deref(),
            Some("http://ca.lab.test:8080/r1.der")
        );
        let bare = Ca::new(None).unwrap();
        let leaf = bare.issue("api.x.test", &CertKind::Good).unwrap();
        assert_eq!(ca_issuers_url(&leaf.chain[0]), None);
        let der = ca.intermediate_der();
        assert_eq!(decode_cert(&der).unwrap(), der);
        assert_eq!(
            decode_cert(ca.root_pem().as_bytes()).unwrap(),
            ca.root_der()
        );
        assert!(decode_cert(b"<html>not found</html>").is_none());
    }
}
