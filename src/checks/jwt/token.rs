//! The mechanics of a compact JWS (RFC 7515/7519), never trusting it: decode its parts, forge
//! the tampered and `alg: none` variants the API must refuse, and try known HMAC secrets
//! offline. Also the two texts a server sends that the JWT checks read: an error body's message
//! and the `Date` header.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;

/// Publicly known secrets tried offline against HS* tokens.
pub const BUILTIN_SECRETS: &str = include_str!("jwt_secrets.txt");

/// The built-in list, plus the empty secret.
pub fn builtin_secrets() -> Vec<String> {
    let mut v = vec![String::new()];
    v.extend(parse_wordlist(BUILTIN_SECRETS));
    v
}

/// One secret per line; blank lines and `#` comments ignored; a trailing CR dropped.
pub fn parse_wordlist(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The decoded (never trusted) parts of a compact JWS.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Value,
    pub claims: Value,
    pub signature: Vec<u8>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
}

impl Decoded {
    pub fn alg(&self) -> String {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
    pub fn num(&self, k: &str) -> Option<i64> {
        self.claims.get(k).and_then(Value::as_i64)
    }
    /// `exp - iat`, when both are present.
    pub fn lifetime(&self) -> Option<i64> {
        Some(self.num("exp")? - self.num("iat")?)
    }
}

pub fn decode(token: &str) -> Option<Decoded> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Decoded {
        header: serde_json::from_slice(&B64.decode(h).ok()?).ok()?,
        claims: serde_json::from_slice(&B64.decode(p).ok()?).ok()?,
        signature: B64.decode(s).ok()?,
        signing_input: format!("{h}.{p}"),
    })
}

/// The same token with its signature altered (one bit of the first byte flipped).
pub fn tamper_signature(token: &str) -> Option<String> {
    let (input, sig) = token.rsplit_once('.')?;
    let mut bytes = B64.decode(sig).ok()?;
    let first = bytes.first_mut()?;
    *first ^= 0x01;
    Some(format!("{input}.{}", B64.encode(bytes)))
}

/// The same claims under `{"alg":"none"}` with an empty signature.
pub fn alg_none(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    Some(format!("{header}.{payload}."))
}

/// Index of the first candidate that produces this HS256/384/512 signature.
pub fn find_secret(d: &Decoded, candidates: &[String]) -> Option<usize> {
    fn check<M: Mac + hmac::digest::KeyInit>(input: &[u8], sig: &[u8], key: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return false;
        };
        mac.update(input);
        mac.verify_slice(sig).is_ok()
    }
    let input = d.signing_input.as_bytes();
    let alg = d.alg();
    candidates.iter().position(|c| {
        let k = c.as_bytes();
        match alg.as_str() {
            "HS256" => check::<Hmac<sha2::Sha256>>(input, &d.signature, k),
            "HS384" => check::<Hmac<sha2::Sha384>>(input, &d.signature, k),
            "HS512" => check::<Hmac<sha2::Sha512>>(input, &d.signature, k),
            _ => false,
        }
    })
}

/// The human message of a DRF error body (`detail`, `non_field_errors`, field errors).
pub fn server_message(body: &Value) -> Option<String> {
    for k in ["detail", "message", "error", "error_description"] {
        if let Some(s) = body.get(k).and_then(Value::as_str) {
            return Some(s.chars().take(200).collect());
        }
    }
    let obj = body.as_object()?;
    let parts: Vec<String> = obj
        .iter()
        .filter_map(|(k, v)| {
            let first = v.as_array()?.first()?.as_str()?;
            Some(if k == "non_field_errors" {
                first.to_string()
            } else {
                format!("{k}: {first}")
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; ").chars().take(200).collect())
}

/// Seconds since the epoch from an HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7).
pub fn parse_http_date(s: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(s.trim()).ok()?;
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn token(secret: &str, claims: Value) -> String {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    pub(crate) fn simplejwt(secret: &str, life: i64) -> String {
        token(
            secret,
            json!({"token_type": "access", "iat": 1_700_000_000, "exp": 1_700_000_000 + life, "jti": "x", "user_id": 1}),
        )
    }

    #[test]
    fn builtin_list_is_long_and_has_the_known_defaults() {
        let l = builtin_secrets();
        assert!(l.len() >= 100, "{}", l.len());
        for s in [
            "",
            "django-insecure-change-this-in-production",
            "your-256-bit-secret",
            "secret",
            "changeme",
        ] {
            assert!(l.iter().any(|x| x == s), "{s:?}");
        }
    }

    #[test]
    fn known_secrets_are_found_and_others_are_not() {
        let cases = [
            ("django-insecure-change-this-in-production", true),
            ("your-256-bit-secret", true),
            ("", true),
            ("keyboard cat", true),
            ("lab-3x9QeVr7wYtL2mKcP8sZ1uHdNfGbJ4aE6oXiRy0TqW5vBn", false),
        ];
        let list = builtin_secrets();
        for (secret, want) in cases {
            let d = decode(&simplejwt(secret, 300)).unwrap();
            assert_eq!(find_secret(&d, &list).is_some(), want, "{secret:?}");
        }
        // HS512 too.
        let t = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
            &json!({"a": 1}),
            &jsonwebtoken::EncodingKey::from_secret(b"changeme"),
        )
        .unwrap();
        assert!(find_secret(&decode(&t).unwrap(), &list).is_some());
    }

    #[test]
    fn wordlist_parsing_skips_comments_and_blank_lines() {
        assert_eq!(
            parse_wordlist("# c\r\nalpha\r\n\n  \nbeta gamma\n"),
            vec!["alpha", "beta gamma"]
        );
    }

    #[test]
    fn forged_tokens_keep_claims_and_break_signature() {
        let t = simplejwt("k", 300);
        let bad = tamper_signature(&t).unwrap();
        assert_ne!(bad, t);
        assert_eq!(bad.split('.').nth(1), t.split('.').nth(1));
        assert!(decode(&bad).is_some());
        let none = alg_none(&t).unwrap();
        let d = decode(&none).unwrap();
        assert_eq!(d.alg(), "none");
        assert!(d.signature.is_empty());
        assert_eq!(d.claims["user_id"], 1);
    }

    #[test]
    fn server_messages_are_extracted() {
        let cases = [
            (
                json!({"detail": "No active account found with the given credentials"}),
                Some("No active account found with the given credentials"),
            ),
            (
                json!({"non_field_errors": ["Invalid credentials"]}),
                Some("Invalid credentials"),
            ),
            (
                json!({"email": ["This field is required."]}),
                Some("email: This field is required."),
            ),
            (json!({"ok": true}), None),
        ];
        for (body, want) in cases {
            assert_eq!(server_message(&body).as_deref(), want);
        }
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
            Some(951825600)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    /// Out-of-range fields from a server's `Date` overflowed the day arithmetic (a panic in
    /// debug builds, a wrapped timestamp in release).
    #[test]
    fn http_date_out_of_range_fields_are_rejected() {
        for d in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
            "Sun, -9223372036854775808 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 9223372036854775807:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:9223372036854775807 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
        ] {
            assert_eq!(parse_http_date(d), None, "{d}");
        }
    }
}
