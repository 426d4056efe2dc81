//! What Chrome reports for a TLS or certificate fault (net/base/net_error_list.h).

/// A certificate or handshake error as Chrome names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsConsole {
    /// The handshake did not complete (not TLS, an alert, no common version).
    SslProtocolError,
    /// The certificate cannot be parsed or is unusable for a TLS server.
    CertInvalid,
    /// No trusted CA vouches for the certificate.
    CertAuthorityInvalid,
    /// The certificate does not name the host.
    CertCommonNameInvalid,
    /// Expired or not yet valid.
    CertDateInvalid,
    /// Signed with SHA-1 or MD5 (CERT_WEAK_SIGNATURE_ALGORITHM).
    CertWeakSignatureAlgorithm,
    /// An RSA key under 2048 bits (CERT_WEAK_KEY).
    CertWeakKey,
}

impl TlsConsole {
    /// The console text, word for word.
    pub fn text(self) -> &'static str {
        match self {
            TlsConsole::SslProtocolError => "net::ERR_SSL_PROTOCOL_ERROR",
            TlsConsole::CertInvalid => "net::ERR_CERT_INVALID",
            TlsConsole::CertAuthorityInvalid => "net::ERR_CERT_AUTHORITY_INVALID",
            TlsConsole::CertCommonNameInvalid => "net::ERR_CERT_COMMON_NAME_INVALID",
            TlsConsole::CertDateInvalid => "net::ERR_CERT_DATE_INVALID",
            TlsConsole::CertWeakSignatureAlgorithm => "net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM",
            TlsConsole::CertWeakKey => "net::ERR_CERT_WEAK_KEY",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_texts_are_chromes() {
        assert_eq!(
            TlsConsole::CertDateInvalid.text(),
            "net::ERR_CERT_DATE_INVALID"
        );
        assert_eq!(TlsConsole::CertWeakKey.text(), "net::ERR_CERT_WEAK_KEY");
    }
}
