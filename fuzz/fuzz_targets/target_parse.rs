//! The command-line/profile URL parsers: TARGET, --origin, --resolver, targets-file lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = conncheck::target::parse_api_base(s, None);
    let _ = conncheck::target::parse_api_base("api.x.test", Some(s));
    let _ = conncheck::target::Origin::parse(s);
    let _ = conncheck::cli::parse_resolver(s);
    let _ = conncheck::cmd::targets::split_words(s);
});
