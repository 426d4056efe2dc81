//! The profile parser: `Profile::parse` (TOML, then `resolve`, which validates every value and
//! locates errors by line, column and key) on arbitrary text, and the error-position helpers
//! (`endpoint_key_offset`, `check_key_offset`, `line_col`, `key_at`).
#![no_main]
use conncheck::profile::{self, Profile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match Profile::parse("fuzz.toml", s) {
        Ok(p) => {
            let _ = p.resolve();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let _ = profile::endpoint_key_offset(s, "login", "expect");
    let _ = profile::check_key_offset(s, "cors.preflight");
    // Offsets come from TOML spans and `str::find`: always on a character boundary.
    let mut mid = s.len() / 2;
    while !s.is_char_boundary(mid) {
        mid -= 1;
    }
    let _ = profile::line_col(s, mid);
    let _ = profile::key_at(s, mid);
});
