//! JWT decoding and the JSON a login endpoint answers: the first line of the input is a token
//! (`decode`, `tamper_signature`, `alg_none`, `find_secret` with a two-entry list), a `Date`
//! header value (`parse_http_date`) and a wordlist (`parse_wordlist`); the whole input as a
//! JSON body (`find_token`, `server_message`, `dotted`). Also the redaction every rendered
//! string goes through (`neutralize`, `Secrets::scrub` and the runner's `Secrets::scrubber` after registering the token).
#![no_main]
use conncheck::checks::jwt;
use conncheck::observe::login::{self, TokenKind};
use conncheck::redact::{self, Secrets};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (first, rest) = s.split_once('\n').unwrap_or((s, ""));

    if let Some(d) = jwt::decode(first) {
        let _ = d.alg();
        let _ = d.lifetime();
        let candidates = vec![String::new(), "secret".to_string()];
        let _ = jwt::find_secret(&d, &candidates);
    }
    let _ = jwt::tamper_signature(first);
    let _ = jwt::alg_none(first);
    let _ = jwt::parse_http_date(first);
    let _ = jwt::parse_wordlist(rest);

    if let Ok(v) = serde_json::from_str::<serde_json::Value>(s) {
        for kind in [TokenKind::Access, TokenKind::Refresh] {
            if let Some(found) = login::find_token(&v, first, kind) {
                assert!(login::dotted(&v, &found.path).is_some());
                let _ = jwt::decode(&found.token);
            }
        }
        let _ = jwt::server_message(&v);
        let _ = login::dotted(&v, rest);
    }

    let _ = redact::neutralize(s);
    let secrets = Secrets::default();
    secrets.add_token(first);
    let _ = secrets.scrub(s);
    // The runner's path: one automaton over every secret, then each text in one pass.
    let _ = secrets.scrubber().scrub(s);
    let _ = redact::mask(first);
});
