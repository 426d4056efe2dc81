//! Trust roots and rustls client configurations shared by every module.
//!
//! Trust = Mozilla's public web roots (webpki-roots, what browsers broadly agree on), the
//! operating system's store (rustls-native-certs: /etc/ssl/certs or SSL_CERT_FILE/SSL_CERT_DIR
//! on Linux, the keychain on macOS, the Windows store — where a managed laptop's company CA
//! lives, and which Chrome trusts), plus any `--ca-cert` roots. Certificate verification is rustls' webpki verifier, wrapped so that
//! intermediates fetched the way Chrome fetches them (AIA) can complete a chain a server sent
//! incomplete: the HTTP modules then see what a browser sees, while the TLS module reports the
//! missing intermediate as the fault it is for curl, Node, Python and Android.

use anyhow::{bail, Context as _, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::{PemObject, SectionKind};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

/// The crypto provider used everywhere (ring). Built once: every handshake's signature checks
/// ask for it.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: std::sync::OnceLock<Arc<rustls::crypto::CryptoProvider>> =
        std::sync::OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())))
}

/// Root certificates trusted for this run.
#[derive(Clone)]
pub struct TrustStore {
    pub roots: Arc<RootCertStore>,
    /// The DER of the `--ca-cert` roots, to tell "trusted via --ca-cert" from "public root".
    pub extra: Vec<CertificateDer<'static>>,
    /// The operating system's roots (added to `roots`), to name the store that trusted a chain.
    pub os: Arc<Vec<CertificateDer<'static>>>,
    /// Where the OS roots came from (a file or directory; the platform's store).
    pub os_source: String,
    /// Intermediates learnt during the run (fetched via AIA), offered to the verifier.
    pub learnt_intermediates: Arc<RwLock<Vec<CertificateDer<'static>>>>,
    /// Leaves the browser-like verifier could not chain to a root, by server name: where an
    /// AIA fetch (`net::aia`) starts when it tries to complete the chain the way Chrome does.
    pub unknown_issuer_leaves: Arc<Mutex<HashMap<String, CertificateDer<'static>>>>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TrustStore({} roots, {} extra)",
            self.roots.len(),
            self.extra.len()
        )
    }
}

impl TrustStore {
    /// The public web roots, the OS store, and the certificates in `ca_files`.
    pub fn new(ca_files: &[std::path::PathBuf]) -> Result<TrustStore> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let (os, os_source) = os_roots();
        roots.add_parsable_certificates(os.iter().cloned());
        let mut extra = Vec::new();
        for f in ca_files {
            for cert in load_pem_certs(f)? {
                roots.add(cert.clone()).with_context(|| {
                    format!(
                        "--ca-cert {}: certificate is not usable as a root",
                        f.display()
                    )
                })?;
                extra.push(cert);
            }
        }
        Ok(TrustStore {
            roots: Arc::new(roots),
            extra,
            os: Arc::new(os),
            os_source,
            learnt_intermediates: Arc::default(),
            unknown_issuer_leaves: Arc::default(),
        })
    }

    /// The verifier a browser-like client uses: webpki + learnt intermediates.
    pub fn verifier(&self) -> Arc<dyn ServerCertVerifier> {
        let inner =
            WebPkiServerVerifier::builder_with_provider(Arc::clone(&self.roots), provider())
                .build()
                .expect("a root store with at least one root");
        Arc::new(BrowserVerifier {
            inner,
            learnt: Arc::clone(&self.learnt_intermediates),
            unknown: Arc::clone(&self.unknown_issuer_leaves),
        })
    }

    /// A strict webpki verifier with no learnt intermediates: what curl/Node/Python do.
    pub fn strict_verifier(&self) -> Arc<WebPkiServerVerifier> {
        WebPkiServerVerifier::builder_with_provider(Arc::clone(&self.roots), provider())
            .build()
            .expect("a root store with at least one root")
    }

    /// Client config for HTTP: browser-like verification, the given ALPN protocols.
    pub fn client_config(&self, alpn: &[&[u8]]) -> ClientConfig {
        let mut cfg = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(self.verifier())
            .with_no_client_auth();
        cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        cfg
    }

    /// Which store trusts `chain` (leaf first) for `host`: the public web roots first, then the
    /// OS store, then `--ca-cert`; `None` when none does alone.
    pub fn trusted_by(
        &self,
        chain: &[CertificateDer<'static>],
        host: &str,
        now: UnixTime,
    ) -> Option<RootSource> {
        let (leaf, rest) = chain.split_first()?;
        let name = ServerName::try_from(host.to_string()).ok()?;
        let mut public = RootCertStore::empty();
        public.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let mut os = RootCertStore::empty();
        os.add_parsable_certificates(self.os.iter().cloned());
        let mut extra = RootCertStore::empty();
        extra.add_parsable_certificates(self.extra.iter().cloned());
        let stores = [
            (public, RootSource::Public),
            (os, RootSource::Os(self.os_source.clone())),
            (extra, RootSource::CaCert),
        ];
        stores.into_iter().find_map(|(store, source)| {
            if store.is_empty() {
                return None;
            }
            let v = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
                .build()
                .ok()?;
            v.verify_server_cert(leaf, rest, &name, &[], now)
                .ok()
                .map(|_| source)
        })
    }

    /// The leaf a handshake with `host` presented when its issuer was unknown, if any.
    pub fn unknown_issuer_leaf(&self, host: &str) -> Option<CertificateDer<'static>> {
        self.unknown_issuer_leaves
            .lock()
            .unwrap()
            .get(host)
            .cloned()
    }

    pub fn learn_intermediate(&self, cert: CertificateDer<'static>) {
        let mut l = self.learnt_intermediates.write().unwrap();
        if !l.contains(&cert) {
            l.push(cert);
        }
    }
}

/// The store whose root anchored a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootSource {
    /// Mozilla's public web roots (bundled).
    Public,
    /// The operating system's store, from this place.
    Os(String),
    CaCert,
}

impl std::fmt::Display for RootSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RootSource::Public => write!(f, "the public web roots"),
            RootSource::Os(from) => write!(f, "the operating system's trust store ({from})"),
            RootSource::CaCert => write!(f, "--ca-cert"),
        }
    }
}

/// The OS store's roots and where they came from. Errors (an unreadable file) leave what could
/// be read: the browser on that machine would not trust more.
fn os_roots() -> (Vec<CertificateDer<'static>>, String) {
    let found = rustls_native_certs::load_native_certs();
    let from = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .find_map(|v| {
            std::env::var(v)
                .ok()
                .filter(|x| !x.is_empty())
                .map(|x| format!("{v}={x}"))
        })
        .unwrap_or_else(|| {
            if cfg!(target_os = "linux") {
                "/etc/ssl/certs".to_string()
            } else {
                "the system keychain".to_string()
            }
        });
    (found.certs, from)
}

/// Read every certificate from a PEM file; a clear error for the usual mistakes.
pub fn load_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let data = std::fs::read(path)
        .with_context(|| format!("--ca-cert {}: cannot read file", path.display()))?;
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("--ca-cert {}: file is empty", path.display());
    }
    let mut certs = Vec::new();
    let mut saw_key = false;
    for item in <(SectionKind, Vec<u8>)>::pem_slice_iter(&data) {
        match item {
            Ok((SectionKind::Certificate, der)) => certs.push(CertificateDer::from(der)),
            Ok((
                SectionKind::RsaPrivateKey | SectionKind::PrivateKey | SectionKind::EcPrivateKey,
                _,
            )) => saw_key = true,
            Ok(_) => {}
            Err(e) => bail!("--ca-cert {}: not a PEM file ({e})", path.display()),
        }
    }
    if certs.is_empty() {
        if saw_key {
            bail!(
                "--ca-cert {}: holds a private key, not a certificate",
                path.display()
            );
        }
        bail!(
            "--ca-cert {}: no PEM certificate (-----BEGIN CERTIFICATE-----) found",
            path.display()
        );
    }
    Ok(certs)
}

#[derive(Debug)]
struct BrowserVerifier {
    inner: Arc<WebPkiServerVerifier>,
    learnt: Arc<RwLock<Vec<CertificateDer<'static>>>>,
    unknown: Arc<Mutex<HashMap<String, CertificateDer<'static>>>>,
}

/// The text form of a server name, as a map key.
pub fn server_name_text(name: &ServerName<'_>) -> String {
    match name {
        ServerName::DnsName(d) => d.as_ref().to_ascii_lowercase(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

impl ServerCertVerifier for BrowserVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let unknown_issuer =
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let result =
            match self
                .inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                Err(e) if e == unknown_issuer => {
                    let learnt = self.learnt.read().unwrap();
                    if learnt.is_empty() {
                        Err(e)
                    } else {
                        let mut all: Vec<CertificateDer<'_>> = intermediates.to_vec();
                        all.extend(learnt.iter().cloned());
                        self.inner
                            .verify_server_cert(end_entity, &all, server_name, ocsp, now)
                    }
                }
                other => other,
            };
        if matches!(&result, Err(e) if *e == unknown_issuer) {
            self.unknown.lock().unwrap().insert(
                server_name_text(server_name),
                end_entity.clone().into_owned(),
            );
        }
        result
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
