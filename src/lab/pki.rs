//! The lab's certificate authority, made fresh at start-up (never checked in, so it never
//! expires under the tests): a root, an intermediate, and a leaf per host signed through the
//! intermediate, as a public CA issues them. Faulty certificates are made on demand.

use anyhow::Result;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// What certificate a lab host presents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CertKind {
    /// Valid for 90 days, chain leaf + intermediate.
    #[default]
    Good,
    Expired,
    NotYetValid,
    /// Valid, but for another name.
    WrongHost(String),
    /// Self-signed leaf, no CA.
    SelfSigned,
    /// Leaf only: the intermediate is not sent.
    MissingIntermediate,
    /// Expires in this many days.
    ExpiringIn(i64),
    /// The chain sent in the wrong order (intermediate first) plus an unneeded root.
    WrongOrder,
}

/// A leaf certificate with its chain, ready for rustls.
#[derive(Debug)]
pub struct Issued {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Issued {
    pub fn certified_key(&self) -> Arc<rustls::sign::CertifiedKey> {
        let provider = rustls::crypto::ring::default_provider();
        let signing = provider
            .key_provider
            .load_private_key(self.key.clone_key())
            .expect("the lab's own key is valid");
        Arc::new(rustls::sign::CertifiedKey::new(self.chain.clone(), signing))
    }
}

/// The lab CA: root → intermediate.
pub struct Ca {
    root: Certificate,
    root_key: KeyPair,
    inter: Certificate,
    inter_key: KeyPair,
    /// Where the intermediate can be fetched (the AIA caIssuers URL leaves carry).
    pub aia_url: Option<String>,
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::OrganizationName, "conncheck lab");
    d.push(DnType::CommonName, cn);
    d
}

impl Ca {
    pub fn new(aia_url: Option<String>) -> Result<Ca> {
        let now = OffsetDateTime::now_utc();
        let mut rp = CertificateParams::new(Vec::<String>::new())?;
        rp.distinguished_name = dn("conncheck lab root CA");
        rp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        rp.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        rp.not_before = now - Duration::days(1);
        rp.not_after = now + Duration::days(3650);
        let root_key = KeyPair::generate()?;
        let root = rp.self_signed(&root_key)?;

        let mut ip = CertificateParams::new(Vec::<String>::new())?;
        ip.distinguished_name = dn("conncheck lab intermediate R1");
        ip.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ip.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ip.not_before = now - Duration::days(1);
        ip.not_after = now + Duration::days(1825);
        ip.use_authority_key_identifier_extension = true;
        let inter_key = KeyPair::generate()?;
        let inter = ip.signed_by(&inter_key, &root, &root_key)?;
        Ok(Ca {
            root,
            root_key,
            inter,
            inter_key,
            aia_url,
        })
    }

    /// The root certificate in PEM, for `--ca-cert`.
    pub fn root_pem(&self) -> String {
        self.root.pem()
    }

    pub fn root_der(&self) -> CertificateDer<'static> {
        self.root.der().clone()
    }

    pub fn intermediate_der(&self) -> CertificateDer<'static> {
        self.inter.der().clone()
    }

    /// Issue the certificate `kind` for `host`.
    pub fn issue(&self, host: &str, kind: &CertKind) -> Result<Issued> {
        let now = OffsetDateTime::now_utc();
        let names = match kind {
            CertKind::WrongHost(other) => vec![other.clone()],
            _ => vec![host.to_string()],
        };
        let mut p = CertificateParams::new(names.clone())?;
        p.distinguished_name = {
            let mut d = DistinguishedName::new();
            d.push(DnType::CommonName, names[0].clone());
            d
        };
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.use_authority_key_identifier_extension = true;
        let (nb, na) = match kind {
            CertKind::Expired => (now - Duration::days(120), now - Duration::days(30)),
            CertKind::NotYetValid => (now + Duration::days(10), now + Duration::days(100)),
            CertKind::ExpiringIn(d) => (
                now - Duration::days(80),
                now + Duration::days(*d) + Duration::hours(1),
            ),
            _ => (now - Duration::days(1), now + Duration::days(89)),
        };
        p.not_before = nb;
        p.not_after = na;
        if let Some(url) = &self.aia_url {
            p.custom_extensions.push(aia_extension(url));
        }
        let key = KeyPair::generate()?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let chain = match kind {
            CertKind::SelfSigned => {
                p.custom_extensions.clear();
                p.use_authority_key_identifier_extension = false;
                vec![p.self_signed(&key)?.der().clone()]
            }
            CertKind::MissingIntermediate => vec![p
                .signed_by(&key, &self.inter, &self.inter_key)?
                .der()
                .clone()],
            CertKind::WrongOrder => {
                let leaf = p
                    .signed_by(&key, &self.inter, &self.inter_key)?
                    .der()
                    .clone();
                vec![leaf, self.root.der().clone(), self.inter.der().clone()]
            }
            _ => {
                let leaf = p
                    .signed_by(&key, &self.inter, &self.inter_key)?
                    .der()
                    .clone();
                vec![leaf, self.inter.der().clone()]
            }
        };
        let _ = &self.root_key;
        Ok(Issued {
            chain,
            key: key_der,
        })
    }
}

/// Authority Information Access with one caIssuers URI (RFC 5280, "Authority Information
/// Access"), DER by hand: SEQUENCE { SEQUENCE { OID id-ad-caIssuers, [6] IA5String } }.
fn aia_extension(url: &str) -> CustomExtension {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = body.len();
        if n < 128 {
            v.push(n as u8);
        } else if n < 256 {
            v.extend_from_slice(&[0x81, n as u8]);
        } else {
            v.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
        }
        v.extend_from_slice(body);
        v
    }
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let mut access = oid.to_vec();
    access.extend(tlv(0x86, url.as_bytes()));
    let content = tlv(0x30, &tlv(0x30, &access));
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_chains_through_intermediate_and_carries_aia() {
        let ca = Ca::new(Some("http://ca.lab.test/r1.der".into())).unwrap();
        let good = ca.issue("api.lab.test", &CertKind::Good).unwrap();
        assert_eq!(good.chain.len(), 2);
        let (_, leaf) = x509_parser::parse_x509_certificate(&good.chain[0]).unwrap();
        let aia = leaf
            .extensions()
            .iter()
            .find(|e| e.oid == x509_parser::oid_registry::OID_PKIX_AUTHORITY_INFO_ACCESS);
        assert!(aia.is_some());
        assert!(format!("{:?}", aia.unwrap().parsed_extension()).contains("ca.lab.test"));
        assert_eq!(
            ca.issue("x", &CertKind::MissingIntermediate)
                .unwrap()
                .chain
                .len(),
            1
        );
    }
}
