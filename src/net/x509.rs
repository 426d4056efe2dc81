//! What conncheck reads from a certificate (RFC 5280): names, dates, key, signature algorithm,
//! issuer and the caIssuers URL. Parsed once per certificate the server presented; judging is
//! the TLS module's.

use super::aia;

/// What conncheck reads from one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub cn: Option<String>,
    /// DNS and IP subjectAltNames.
    pub sans: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    pub sig_oid: String,
    pub key: KeyInfo,
    pub self_signed: bool,
    pub is_ca: bool,
    pub aia: Option<String>,
}

impl CertInfo {
    /// The name people know the certificate by: its Common Name, else the whole subject.
    pub fn short_name(&self) -> String {
        self.cn.clone().unwrap_or_else(|| self.subject.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// RSA, EC, Ed25519, …
    pub kind: String,
    pub bits: usize,
    /// The named curve of an EC key.
    pub curve: Option<String>,
}

impl KeyInfo {
    pub fn is_rsa(&self) -> bool {
        self.kind == "RSA"
    }
}

impl std::fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.curve, self.kind.as_str()) {
            (Some(c), _) => write!(f, "ECDSA {c}"),
            (None, "RSA") => write!(f, "RSA {} bits", self.bits),
            (None, k) if self.bits > 0 => write!(f, "{k} {} bits", self.bits),
            (None, k) => write!(f, "{k}"),
        }
    }
}

/// Parse one DER certificate.
pub fn parse_cert(der: &[u8]) -> Result<CertInfo, String> {
    let (_, c) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let cn = c
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    Ok(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        cn,
        sans: sans(&c),
        not_before: c.validity().not_before.timestamp(),
        not_after: c.validity().not_after.timestamp(),
        sig_oid: c.signature_algorithm.algorithm.to_id_string(),
        key: key_info(&c),
        self_signed: c.subject().as_raw() == c.issuer().as_raw(),
        is_ca: c.is_ca(),
        aia: aia::ca_issuers_url(der),
    })
}

fn sans(c: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    match c.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|g| match g {
                GeneralName::DNSName(d) => Some(d.to_ascii_lowercase()),
                GeneralName::IPAddress(b) => ip_text(b),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn key_info(c: &x509_parser::certificate::X509Certificate<'_>) -> KeyInfo {
    use x509_parser::public_key::PublicKey;
    let spki = c.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyInfo {
            kind: "RSA".into(),
            bits: rsa_bits(rsa.modulus),
            curve: None,
        },
        Ok(PublicKey::EC(ec)) => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            KeyInfo {
                kind: "EC".into(),
                bits: ec.key_size(),
                curve: curve_oid.map(|o| curve_name(&o)),
            }
        }
        _ => KeyInfo {
            kind: key_alg_name(&spki.algorithm.algorithm.to_id_string()),
            bits: 0,
            curve: None,
        },
    }
}

fn ip_text(b: &[u8]) -> Option<String> {
    match b.len() {
        4 => Some(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
        16 => {
            let a: [u8; 16] = b.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// Bits of an RSA modulus (big-endian, possibly with a leading zero byte).
pub fn rsa_bits(m: &[u8]) -> usize {
    let m = match m.iter().position(|b| *b != 0) {
        Some(i) => &m[i..],
        None => return 0,
    };
    m.len() * 8 - m[0].leading_zeros() as usize
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => format!("curve {other}"),
    }
}

fn key_alg_name(oid: &str) -> String {
    match oid {
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("key {other}"),
    }
}

/// A signature algorithm: its name, and whether browsers reject it as weak (SHA-1, MD5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigAlg {
    pub name: String,
    pub weak: bool,
}

pub fn sig_alg(oid: &str) -> SigAlg {
    let (name, weak) = match oid {
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", false),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", false),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", false),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", false),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", false),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", false),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", false),
        "1.3.101.112" => ("Ed25519", false),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", true),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", true),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", true),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", true),
        other => {
            return SigAlg {
                name: format!("signature {other}"),
                weak: false,
            }
        }
    };
    SigAlg {
        name: name.to_string(),
        weak,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::pki::{Ca, CertKind};

    #[test]
    fn parses_names_dates_key_and_aia_of_a_lab_leaf() {
        let ca = Ca::new(Some("http://ca.lab.test/r1.der".into())).unwrap();
        let i: Vec<CertInfo> = ca
            .issue("api.x.test", &CertKind::Good)
            .unwrap()
            .chain
            .iter()
            .map(|c| parse_cert(c).unwrap())
            .collect();
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].sans, vec!["api.x.test"]);
        assert_eq!(i[0].key.to_string(), "ECDSA P-256");
        assert_eq!(sig_alg(&i[0].sig_oid).name, "ecdsa-with-SHA256");
        assert_eq!(i[0].aia.as_deref(), Some("http://ca.lab.test/r1.der"));
        assert!(!i[0].self_signed && i[1].is_ca);
        assert!(i[0].not_after > i[0].not_before);
        assert_eq!(i[1].short_name(), "conncheck lab intermediate R1");
    }

    #[test]
    fn rsa_bits_counts_the_modulus() {
        assert_eq!(rsa_bits(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(rsa_bits(&[0x01, 0xff]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    #[test]
    fn weak_signatures_are_flagged() {
        assert!(sig_alg("1.2.840.113549.1.1.5").weak);
        assert!(!sig_alg("1.2.840.113549.1.1.11").weak);
        assert_eq!(sig_alg("1.2.3").name, "signature 1.2.3");
    }
}
