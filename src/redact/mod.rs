//! Redaction and neutralisation, in one place every renderer goes through.
//!
//! Secrets (the password, every token seen) never leave conncheck: any occurrence in any field
//! of any finding is replaced before rendering. Text from servers is untrusted: control
//! characters and terminal escapes are made visible, never passed through.

mod forms;
mod shape;

pub use shape::looks_like_jwt;
use std::sync::{Arc, Mutex};

/// Secrets shorter than this are masked only where they stand as a value (after `=`, `:` or a
/// quote, up to a non-word character): as raw substrings they would mangle ordinary words.
pub const SHORT: usize = 6;

#[derive(Default)]
struct Known {
    /// Every form of every long secret, longest first (a token before any part of it).
    long: Vec<String>,
    /// Forms of short secrets, matched in value position only.
    short: Vec<String>,
}

impl Known {
    fn insert(&mut self, form: String) {
        let list = if form.len() < SHORT {
            &mut self.short
        } else {
            &mut self.long
        };
        if !list.contains(&form) {
            list.push(form);
            list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }
}

/// Secrets known to this run. Cheap to clone; all clones share the list.
#[derive(Clone, Default)]
pub struct Secrets(Arc<Mutex<Known>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = self.0.lock().unwrap();
        write!(
            f,
            "Secrets({} forms redacted)",
            k.long.len() + k.short.len()
        )
    }
}

impl Secrets {
    /// Register a secret of any length, in every form a server could echo it
    /// (see [`forms::forms`]).
    pub fn add(&self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let mut k = self.0.lock().unwrap();
        for form in forms::forms(secret) {
            k.insert(form);
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

    /// Replace every known secret in `text`, and every JWT-shaped token.
    pub fn scrub(&self, text: &str) -> String {
        let k = self.0.lock().unwrap();
        let out = replace_each(text, k.long.iter().map(|s| (s.as_str(), mask(s))));
        finish(&out, &k.short)
    }

    /// A matcher over the secrets known now, to scrub many texts: one pass over each text for
    /// all secrets (Aho-Corasick), instead of one search per secret per text.
    pub fn scrubber(&self) -> Scrubber {
        let k = self.0.lock().unwrap();
        let masks = k.long.iter().map(|s| mask(s)).collect();
        // Leftmost-longest: where a token and one of its parts both match, the whole token is
        // replaced; a part found alone elsewhere is still replaced.
        let ac = if k.long.is_empty() {
            None
        } else {
            // A contiguous NFA: quick to build for a few dozen secrets, quick to search.
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(k.long.iter())
                .ok()
        };
        Scrubber {
            ac,
            secrets: k.long.clone(),
            masks,
            short: k.short.clone(),
        }
    }
}

/// Replaces the secrets a [`Secrets`] held when the scrubber was made.
pub struct Scrubber {
    ac: Option<aho_corasick::AhoCorasick>,
    secrets: Vec<String>,
    masks: Vec<String>,
    short: Vec<String>,
}

impl Scrubber {
    pub fn scrub(&self, text: &str) -> String {
        let out = match &self.ac {
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
        };
        finish(&out, &self.short)
    }
}

/// The passes after the long secrets: short secrets in value position, then JWT shapes.
fn finish(text: &str, short: &[String]) -> String {
    let text = shape::mask_short(text, short);
    shape::mask_jwts(&text).into_owned()
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
        Some(head) if secret.len() > 40 && looks_like_jwt(secret) => {
            format!("{head}…(redacted, {} bytes)", secret.len())
        }
        _ => format!("…(redacted, {} bytes)", secret.len()),
    }
}

/// Make untrusted text safe for a terminal (see [`crate::text::neutralize`]).
pub fn neutralize(text: &str) -> String {
    crate::text::neutralize(text).into_owned()
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

    #[test]
    fn every_echoed_form_of_a_password_is_masked() {
        let pw = "p\"a<s>s&w\\o'rd é";
        let s = Secrets::default();
        s.add(pw);
        let scrubber = s.scrubber();
        for form in forms::forms(pw) {
            let text = format!("server said: {{\"echo\": \"{form}\"}}");
            for out in [scrubber.scrub(&text), s.scrub(&text)] {
                assert!(!out.contains(&form), "{form} survived: {out}");
                assert!(out.contains("…(redacted, "), "{out}");
            }
        }
        // Base64 inside a Basic header.
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("lab:{pw}"));
        assert!(!scrubber.scrub(&basic).contains(&basic[8..20]));
    }

    #[test]
    fn a_very_short_password_is_masked_as_a_value_but_words_stay() {
        let s = Secrets::default();
        s.add("an");
        let sc = s.scrubber();
        assert_eq!(
            sc.scrub("{\"username\": \"lab\", \"password\": \"an\"}"),
            "{\"username\": \"lab\", \"password\": \"…(redacted, 2 bytes)\"}"
        );
        assert_eq!(
            sc.scrub("password=an&next=1"),
            "password=…(redacted, 2 bytes)&next=1"
        );
        let prose = "an answer: and then another one, \"an example\"";
        assert_eq!(sc.scrub(prose), prose);
    }

    #[test]
    fn unknown_jwts_are_masked_by_shape() {
        use base64::Engine;
        let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let tok = format!(
            "{}.{}.{}",
            b.encode("{ \"typ\":\"JWT\",\"alg\":\"HS256\"}"),
            b.encode("{\"sub\":\"1\"}"),
            b.encode("real-signature-bytes-here")
        );
        assert!(!tok.starts_with("eyJ"));
        let out = Secrets::default()
            .scrubber()
            .scrub(&format!("token={tok}; host api.x.test"));
        assert!(!out.contains(&tok[tok.rfind('.').unwrap()..]), "{out}");
        assert!(out.ends_with("; host api.x.test"), "{out}");
    }

    /// A fixed-seed stand-in for the `target_redact` fuzz target (see fuzz/README.md).
    #[test]
    fn random_secrets_never_survive_in_random_text() {
        struct Rng(u64);
        impl Rng {
            fn next(&mut self) -> u64 {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0
            }
            fn word(&mut self, n: usize) -> String {
                const ABC: &[char] = &[
                    'a', 'Z', '7', '"', '\\', '<', '&', ' ', '%', '=', '.', 'é', '+',
                ];
                (0..n)
                    .map(|_| ABC[(self.next() % ABC.len() as u64) as usize])
                    .collect()
            }
        }
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..2000 {
            let n = 6 + (r.next() % 20) as usize;
            let secret = r.word(n);
            let m = (r.next() % 200) as usize;
            let filler = r.word(m);
            let s = Secrets::default();
            s.add(&secret);
            let sc = s.scrubber();
            for form in forms::forms(&secret) {
                let out = sc.scrub(&format!("{filler}{form}{filler}"));
                if !filler.contains(secret.as_str()) {
                    assert!(!out.contains(&secret), "{secret:?} in {out:?}");
                }
                assert!(out.contains("…(redacted, "), "{form:?}: {out:?}");
            }
        }
    }
}
