//! Bounded, neutralised text: the one path every server-supplied string takes before a person
//! reads it.
//!
//! A server can send a 200 KB header value, a bundle of 2 MB of URLs or terminal escapes. What
//! reaches a finding, a terminal, a Markdown file or a metric label is:
//! - neutralised: C0/C1 controls (ESC, BEL, NUL, CR, backspace, DEL…) and bidirectional
//!   overrides become visible `\x1b` / `\u{202e}` escapes; newlines and tabs stay;
//! - capped: a text longer than its cap is cut at a character boundary and ends with
//!   `… (N bytes)`, N the length before the cut; a run without whitespace longer than
//!   [`WORD_MAX`] is cut the same way, so a renderer that wraps words never sees a long one.
//!
//! Every function here is linear in its input.

use std::borrow::Cow;

/// The cap on one server-supplied string inside a finding (a header value, a message).
pub const SERVER_MAX: usize = 512;
/// The cap on one run of non-whitespace characters in a finding's text.
pub const WORD_MAX: usize = 400;
/// The cap on one field of a finding (title, detail, hint, browser line).
pub const FIELD_MAX: usize = 8 * 1024;
/// The cap on a metric label value.
pub const LABEL_MAX: usize = 128;

/// Is this character shown as an escape rather than passed to a terminal?
fn hidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        // Bidirectional embeddings, overrides and isolates can reorder what a terminal shows;
        // the marks and the Arabic letter mark are invisible.
        '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{061c}' => true,
        _ => false,
    }
}

/// Make untrusted text safe for a terminal or a document: every hidden character becomes a
/// visible escape (`\x1b`, `\u{202e}`). Newlines and tabs are kept.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` if it fits in `max` bytes; otherwise its first `max` bytes (on a character boundary)
/// and `… (N bytes)`.
pub fn cap(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}… ({} bytes)", prefix(text, max), text.len()))
}

/// Cut every run of non-whitespace longer than `max` bytes (see [`cap`]).
pub fn cap_words(text: &str, max: usize) -> Cow<'_, str> {
    let long = text.split(char::is_whitespace).any(|word| word.len() > max);
    if !long {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(FIELD_MAX * 2));
    for piece in text.split_inclusive(char::is_whitespace) {
        let ws = piece
            .chars()
            .next_back()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8);
        let (word, tail) = piece.split_at(piece.len() - ws);
        out.push_str(&cap(word, max));
        out.push_str(tail);
    }
    Cow::Owned(out)
}

/// One server-supplied string as it may enter a finding: neutralised and capped at
/// [`SERVER_MAX`].
pub fn server(text: &str) -> String {
    cap(&neutralize(text), SERVER_MAX).into_owned()
}

/// One field of a finding as renderers receive it: neutralised, no word over [`WORD_MAX`], the
/// whole at most [`FIELD_MAX`] (plus the note saying so).
pub fn field(text: &str) -> String {
    let n = neutralize(text);
    let words = cap_words(&n, WORD_MAX);
    cap(&words, FIELD_MAX).into_owned()
}

/// A metric label value: one line, neutralised, at most [`LABEL_MAX`] bytes.
pub fn label(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    cap(&neutralize(&one_line), LABEL_MAX).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(neutralize("a\x1b[31mred\x07\r"), "a\\x1b[31mred\\x07\\x0d");
        assert_eq!(neutralize("line\nnext\ttab"), "line\nnext\ttab");
        assert_eq!(neutralize("\u{9b}x\0"), "\\x9bx\\x00");
        assert_eq!(neutralize("a\u{202e}b\u{2066}"), "a\\u{202e}b\\u{2066}");
        assert_eq!(neutralize("\u{7f}"), "\\x7f");
        assert!(matches!(neutralize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_its_length() {
        let long = "a".repeat(1000);
        assert_eq!(cap(&long, 10), "aaaaaaaaaa… (1000 bytes)");
        assert_eq!(cap("short", 10), "short");
        // Never inside a character.
        assert_eq!(cap("ééééé", 3), "é… (10 bytes)");
    }

    #[test]
    fn only_long_words_are_cut() {
        let text = format!("value {} was sent\n{}", "x".repeat(500), "ok");
        let out = cap_words(&text, 8);
        assert_eq!(out, "value xxxxxxxx… (500 bytes) was sent\nok");
        assert_eq!(cap_words("a few words", 8), "a few words");
    }

    #[test]
    fn a_field_is_bounded_whatever_it_holds() {
        let huge = format!("Access-Control-Allow-Origin: {}", "h".repeat(200_000));
        let out = field(&huge);
        assert!(out.len() < WORD_MAX + 64, "{}", out.len());
        assert!(out.ends_with("… (200000 bytes)"), "{out}");
        let many = "word ".repeat(10_000);
        let out = field(&many);
        assert!(out.len() <= FIELD_MAX + 32);
        assert!(out.ends_with(" bytes)"));
        let esc = field("\x1b]0;pwned\x07");
        assert_eq!(esc, "\\x1b]0;pwned\\x07");
    }

    #[test]
    fn server_strings_and_labels_are_capped() {
        assert!(server(&"z".repeat(10_000)).ends_with("… (10000 bytes)"));
        assert_eq!(label("a\nb\x1b"), "a b\\x1b");
        assert!(label(&"q".repeat(1000)).len() < LABEL_MAX + 32);
    }

    /// A fixed-seed stand-in for the `target_text` fuzz target (see fuzz/README.md).
    #[test]
    fn random_texts_keep_every_bound() {
        const ALPHABET: &[char] = &[
            'a', 'b', ' ', '\n', '\t', '\x1b', '\x07', '\0', '\u{202e}', '\u{9b}', 'é', '"', '\\',
            '…',
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let len = (next() % 3000) as usize;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let max = (next() % 300) as usize + 1;
            assert!(cap(&text, max).len() <= max + 32);
            let n = neutralize(&text);
            assert!(!n.chars().any(hidden));
            assert_eq!(neutralize(&n), n);
            let f = field(&text);
            assert!(f.len() <= FIELD_MAX + 32 && !f.chars().any(hidden));
            assert!(f
                .split(char::is_whitespace)
                .all(|w| w.len() <= WORD_MAX + 8));
            assert!(label(&text).len() <= LABEL_MAX + 32);
        }
    }
}
