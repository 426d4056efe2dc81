//! Secrets recognised by where they stand or what they look like, not by an exact long match:
//! short secrets in value position, and JWTs by shape (three base64url segments whose first two
//! decode to JSON objects), whatever their header encodes to.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::borrow::Cow;

fn b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// Does a base64url segment decode to something that starts as a JSON object?
fn json_segment(seg: &[u8]) -> bool {
    if seg.len() < 4 || !seg.iter().all(|c| b64url(*c)) {
        return false;
    }
    let head = &seg[..seg.len().min(16) / 4 * 4];
    URL_SAFE_NO_PAD
        .decode(head)
        .ok()
        .and_then(|b| b.into_iter().find(|c| !c.is_ascii_whitespace()))
        == Some(b'{')
}

/// Is `s` a JWS compact token: `header.payload.signature`, base64url, the first two JSON?
pub fn looks_like_jwt(s: &str) -> bool {
    let parts: Vec<&[u8]> = s.as_bytes().split(|c| *c == b'.').collect();
    parts.len() == 3
        && json_segment(parts[0])
        && json_segment(parts[1])
        && parts[2].iter().all(|c| b64url(*c))
}

/// Replace every JWT-shaped token in `text` (see [`looks_like_jwt`]) by its mask.
pub fn mask_jwts(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !(b64url(b[i]) || b[i] == b'.') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b64url(b[i]) || b[i] == b'.') {
            i += 1;
        }
        // Segment boundaries of this run; look for header.payload.signature inside it.
        let run = &text[start..i];
        let segs: Vec<(usize, usize)> = split_spans(run);
        let mut k = 0;
        while k + 2 < segs.len() {
            let (h, p, s) = (segs[k], segs[k + 1], segs[k + 2]);
            if json_segment(&run.as_bytes()[h.0..h.1]) && json_segment(&run.as_bytes()[p.0..p.1]) {
                let o = out.get_or_insert_with(String::new);
                o.push_str(&text[copied..start + h.0]);
                o.push_str(&super::mask(&run[h.0..s.1]));
                copied = start + s.1;
                k += 3;
            } else {
                k += 1;
            }
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Byte spans of the `.`-separated segments of `run`.
fn split_spans(run: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut from = 0;
    for (i, c) in run.bytes().enumerate() {
        if c == b'.' {
            spans.push((from, i));
            from = i + 1;
        }
    }
    spans.push((from, run.len()));
    spans
}

/// Characters a value may start after.
fn opens_value(before: Option<char>, text_before: &str) -> bool {
    match before {
        None => true,
        Some('"' | '\'' | '=' | ':' | '>' | '`') => true,
        Some(c) if c.is_whitespace() => {
            matches!(text_before.trim_end().chars().next_back(), Some(':' | '='))
        }
        _ => false,
    }
}

/// Characters a value may end before.
fn closes_value(after: Option<char>) -> bool {
    matches!(
        after,
        // `\` starts the escaped quote of a JSON string inside a JSON string.
        None | Some(
            '"' | '\'' | '&' | ',' | ';' | '<' | '}' | ']' | ')' | '\n' | '\r' | '`' | '\\'
        )
    )
}

/// Mask each short secret where it stands as a whole value: `"pw"`, `password=pw&`,
/// `password: pw` at a line's end. The same letters inside a word or a sentence stay.
pub fn mask_short(text: &str, short: &[String]) -> String {
    let mut out = text.to_string();
    for s in short {
        if !out.contains(s.as_str()) {
            continue;
        }
        let mut next = String::with_capacity(out.len());
        let mut copied = 0;
        for (at, _) in out.match_indices(s.as_str()) {
            if at < copied {
                continue;
            }
            let before = out[..at].chars().next_back();
            let after = out[at + s.len()..].chars().next();
            if opens_value(before, &out[..at]) && closes_value(after) {
                next.push_str(&out[copied..at]);
                next.push_str(&super::mask(s));
                copied = at + s.len();
            }
        }
        next.push_str(&out[copied..]);
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn jwts_are_known_by_shape_not_prefix() {
        // `{ "alg"` encodes to `eyAi…`, not `eyJ…`.
        let t = tok("{ \"alg\": \"HS256\" }", "{ \"user_id\": 1 }");
        assert!(!t.starts_with("eyJ"));
        assert!(looks_like_jwt(&t));
        let text = format!("echo: {{\"access\": \"{t}\"}} end");
        let out = mask_jwts(&text);
        assert!(!out.contains("c2lnbmF0dXJl"), "{out}");
        assert!(out.contains("…(redacted, "), "{out}");
        assert!(out.ends_with("\"} end"), "{out}");
    }

    #[test]
    fn host_names_and_versions_are_not_jwts() {
        for s in [
            "api.tiktrue.test",
            "v1.2.3",
            "www.example.com.evil.test",
            "abcd.efgh.ijkl",
        ] {
            assert!(!looks_like_jwt(s), "{s}");
            assert_eq!(mask_jwts(s), s);
        }
    }

    #[test]
    fn short_secrets_only_in_value_position() {
        let short = vec!["the".to_string()];
        assert_eq!(
            mask_short("see the docs; then theme", &short),
            "see the docs; then theme"
        );
        assert_eq!(
            mask_short("{\"message\": \"the server\"}", &short),
            "{\"message\": \"the server\"}"
        );
        assert_eq!(
            mask_short("{\"password\": \"the\"}", &short),
            "{\"password\": \"…(redacted, 3 bytes)\"}"
        );
        assert_eq!(
            mask_short("username=u&password=the&x=1", &short),
            "username=u&password=…(redacted, 3 bytes)&x=1"
        );
        assert_eq!(
            mask_short("password: the\nnext", &short),
            "password: …(redacted, 3 bytes)\nnext"
        );
    }
}
