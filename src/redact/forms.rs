//! The forms a secret takes when a server echoes it: raw, JSON string escapes (serde's and
//! Python's ASCII-only), URL encoding (form and path style), HTML entities, and base64 (standard
//! and URL-safe, at each of the three byte alignments it can sit at inside a longer encoded text).

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

/// The shortest base64 fragment worth masking: shorter ones match ordinary text by chance.
const MIN_BASE64: usize = 8;

/// Every form of `secret` a server could echo, deduplicated, the raw form first.
pub fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let json = json_escaped(secret);
    // A JSON body quoted inside another JSON string (an echo of the request body).
    push(json_escaped(&json));
    push(json.replace('/', "\\/"));
    push(json);
    push(json_ascii(secret));
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    push(form.replace('+', "%20"));
    push(lower_hex(&form.replace('+', "%20")));
    push(form);
    push(html(secret, "&quot;", "&#x27;"));
    push(html(secret, "&#34;", "&#39;"));
    for b64 in base64_fragments(secret.as_bytes()) {
        push(b64);
    }
    out
}

/// The inside of a JSON string literal as serde_json writes it.
fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
}

/// Python's `json.dumps` default (`ensure_ascii`): every non-ASCII character as `\uXXXX`.
fn json_ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent escapes with lower-case hex digits (some encoders write them so).
fn lower_hex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = 0;
    for c in s.chars() {
        if c == '%' {
            rest = 2;
            out.push(c);
        } else if rest > 0 {
            rest -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn html(s: &str, quot: &str, apos: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str(quot),
            '\'' => out.push_str(apos),
            c => out.push(c),
        }
    }
    out
}

/// For each alignment (the secret starting 0, 1 or 2 bytes into a 3-byte group) and both
/// alphabets: the base64 characters that depend on the secret's bytes alone. Any base64 text
/// that encodes the secret somewhere contains one of them.
fn base64_fragments(secret: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for k in 0..3usize {
        let mut buf = vec![0u8; k];
        buf.extend_from_slice(secret);
        let bits_start = 8 * k;
        let bits_end = 8 * (k + secret.len());
        let first = bits_start.div_ceil(6);
        let end = bits_end / 6;
        if end <= first || end - first < MIN_BASE64 {
            continue;
        }
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = engine.encode(&buf);
            out.push(enc[first..end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_quoted_password() {
        let f = forms("p\"w\\d/é <x>&'");
        for want in [
            "p\"w\\d/é <x>&'",
            "p\\\"w\\\\d/é <x>&'",
            "p\\\"w\\\\d\\/é <x>&'",
            "p\\\"w\\\\d/\\u00e9 <x>&'",
            "p%22w%5Cd%2F%C3%A9+%3Cx%3E%26%27",
            "p%22w%5Cd%2F%C3%A9%20%3Cx%3E%26%27",
            "p%22w%5cd%2f%c3%a9%20%3cx%3e%26%27",
            "p&quot;w\\d/é &lt;x&gt;&amp;&#x27;",
            "p&#34;w\\d/é &lt;x&gt;&amp;&#39;",
        ] {
            assert!(f.contains(&want.to_string()), "missing {want}: {f:?}");
        }
    }

    #[test]
    fn base64_fragments_are_found_inside_any_encoding() {
        let secret = b"correct horse battery";
        let frags = base64_fragments(secret);
        for prefix in ["", "u", "us", "user:"] {
            let mut all = prefix.as_bytes().to_vec();
            all.extend_from_slice(secret);
            all.extend_from_slice(b"!tail");
            for enc in [STANDARD_NO_PAD.encode(&all), URL_SAFE_NO_PAD.encode(&all)] {
                assert!(
                    frags.iter().any(|f| enc.contains(f.as_str())),
                    "{prefix:?}: {enc} has none of {frags:?}"
                );
            }
        }
        assert!(base64_fragments(b"abc").is_empty());
    }
}
