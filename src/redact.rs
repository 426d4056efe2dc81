//! Redaction and neutralisation, in one place every renderer goes through.
//!
//! Secrets (the password, every token seen) never leave conncheck: any occurrence in any field
//! of any finding is replaced before rendering. Text from servers is untrusted: control
//! characters and terminal escapes are made visible, never passed through.

use std::sync::{Arc, Mutex};

/// Secrets known to this run. Cheap to clone; all clones share the list.
#[derive(Clone, Default)]
pub struct Secrets(Arc<Mutex<Vec<String>>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} redacted)", self.0.lock().unwrap().len())
    }
}

impl Secrets {
    /// Register a secret. Short values (under 4 bytes) are ignored: replacing them would
    /// mangle ordinary text and they carry little.
    pub fn add(&self, secret: &str) {
        if secret.len() < 4 {
            return;
        }
        let mut v = self.0.lock().unwrap();
        if !v.iter().any(|s| s == secret) {
            v.push(secret.to_string());
            // Longest first, so a token is replaced whole before any part of it.
            v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Register a JWT and its parts (a part shown alone would still leak it).
    pub fn add_token(&self, token: &str) {
        self.add(token);
        for part in token.split('.').skip(1) {
            if part.len() >= 16 {
                self.add(part);
            }
        }
    }

    /// Replace every known secret in `text`.
    pub fn scrub(&self, text: &str) -> String {
        let v = self.0.lock().unwrap();
        replace_each(text, v.iter().map(|s| (s.as_str(), mask(s))))
    }

    /// A matcher over the secrets known now, to scrub many texts: one pass over each text for
    /// all secrets (Aho-Corasick), instead of one search per secret per text.
    pub fn scrubber(&self) -> Scrubber {
        let v = self.0.lock().unwrap();
        let masks = v.iter().map(|s| mask(s)).collect();
        // Leftmost-longest: where a token and one of its parts both match, the whole token is
        // replaced; a part found alone elsewhere is still replaced.
        let ac = if v.is_empty() {
            None
        } else {
            // A contiguous NFA: quick to build for a few dozen secrets, quick to search.
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(v.iter())
                .ok()
        };
        Scrubber {
            ac,
            secrets: v.clone(),
            masks,
        }
    }
}

/// Replaces the secrets a [`Secrets`] held when the scrubber was made.
pub struct Scrubber {
    ac: Option<aho_corasick::AhoCorasick>,
    secrets: Vec<String>,
    masks: Vec<String>,
}

impl Scrubber {
    pub fn scrub(&self, text: &str) -> String {
        match &self.ac {
            Some(ac) if ac.is_match(text) => ac.replace_all(text, &self.masks),
            Some(_) => text.to_string(),
            // The automaton could not be built (it has size limits): search one by one.
            None => replace_each(
                text,
                self.secrets
                    .iter()
                    .zip(&self.masks)
                    .map(|(s, m)| (s.as_str(), m.clone())),
            ),
        }
    }
}

/// Replace each secret in turn (longest first, as [`Secrets`] keeps them).
fn replace_each<'a>(text: &str, secrets: impl Iterator<Item = (&'a str, String)>) -> String {
    let mut out = text.to_string();
    for (s, m) in secrets {
        if out.contains(s) {
            out = out.replace(s, &m);
        }
    }
    out
}

/// How a secret is shown: a JWT keeps its public first bytes (`eyJhbGciOi`, the header), then
/// the length; anything else shows only its length.
pub fn mask(secret: &str) -> String {
    // `get`, not slicing: a token taken from a server answer may have a multi-byte character
    // within its first 10 bytes (it is then shown by length only).
    match secret.get(..10) {
        Some(head) if secret.starts_with("eyJ") && secret.len() > 40 => {
            format!("{head}…(redacted, {} bytes)", secret.len())
        }
        _ => format!("…(redacted, {} bytes)", secret.len()),
    }
}

/// Make untrusted text safe for a terminal: escape control characters (ESC, BEL, CR, backspace,
/// C1 controls, bidi overrides) as visible `\x1b`-style sequences. Newlines and tabs are kept.
pub fn neutralize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            // Bidirectional overrides can reorder what the terminal shows.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_keeping_header_prefix() {
        let s = Secrets::default();
        let tok = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
        s.add_token(tok);
        let out = s.scrub(&format!(
            "got {tok} and payload eyJ1c2VyX2lkIjoxLCJleHAiOjE3MDAwMDAwMDB9"
        ));
        assert!(
            !out.contains("eyJ1c2VyX2lkIjoxLCJleHAiOjE3MDAwMDAwMDB9"),
            "{out}"
        );
        assert!(out.contains("eyJhbGciOi…(redacted, "), "{out}");
    }

    #[test]
    fn passwords_show_only_length() {
        let s = Secrets::default();
        s.add("hunter2hunter2");
        assert_eq!(s.scrub("pw=hunter2hunter2"), "pw=…(redacted, 14 bytes)");
    }

    #[test]
    fn escapes_are_neutralized() {
        assert_eq!(neutralize("a\x1b[31mred\x07\r"), "a\\x1b[31mred\\x07\\x0d");
        assert_eq!(neutralize("line\nnext\ttab"), "line\nnext\ttab");
        assert_eq!(neutralize("\u{9b}x"), "\\x9bx");
    }

    /// Found by `cargo fuzz run target_jwt`: a JWT-looking secret longer than 40 bytes with a
    /// multi-byte character inside its first 10 bytes panicked in `mask` (byte slicing).
    #[test]
    fn fuzz_mask_multibyte_within_first_ten_bytes() {
        let input: &[u8] = b"eyJiOi\x09\x09c\xe2\x80\xa6(redacted, 239 bytes\x09\x09I\x09\x09\x09\x01\x00\x00c\x00\x00\x00\x00\x00\x00\x00\x1dR5e";
        let token = std::str::from_utf8(input).unwrap();
        assert_eq!(mask(token), format!("…(redacted, {} bytes)", token.len()));
        let s = Secrets::default();
        s.add_token(token);
        assert!(!s.scrub(token).contains(token));
    }

    #[test]
    fn a_token_and_its_parts_are_all_replaced_in_one_text() {
        let s = Secrets::default();
        let tok = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
        s.add_token(tok);
        s.add("hunter2hunter2");
        let sig = "c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
        let out = s
            .scrubber()
            .scrub(&format!("a={tok} b={sig} c=hunter2hunter2 d={tok}"));
        assert_eq!(
            out,
            format!(
                "a={m} b=…(redacted, {n} bytes) c=…(redacted, 14 bytes) d={m}",
                m = mask(tok),
                n = sig.len()
            )
        );
        assert_eq!(Secrets::default().scrubber().scrub("plain"), "plain");
    }
}
