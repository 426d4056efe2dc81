//! The bundle URL scanner: `find_urls` over arbitrary script bytes (a served JS bundle or an
//! inline `<script>`), then the frontend check's `judge_urls` against a fixed API base; then
//! discovery (`discover`, `chunk_refs`) over the same bytes.
#![no_main]
use conncheck::checks::frontend::judge;
use conncheck::observe::bundle::{self as scan, Located, ScriptSource};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let found = scan::find_urls(data);
    let mut prev = None;
    for f in &found {
        // Offsets point at the scheme, inside the input, in increasing order.
        assert!(f.offset < data.len());
        assert!(matches!(data[f.offset], b'h' | b'H' | b'w' | b'W'));
        assert!(prev.is_none_or(|p| f.offset > p));
        prev = Some(f.offset);
        assert!(f.url.host_str().is_some_and(|h| !h.is_empty()));
        let _ = scan::is_noise(&f.url);
        let _ = scan::is_local(&f.url);
    }
    let located: Vec<Located> = found
        .into_iter()
        .map(|found| Located {
            source: ScriptSource::External {
                url: Url::parse("https://x.test/main.js").unwrap(),
            },
            found,
        })
        .collect();
    let _ = scan::discover(data);
    let _ = scan::chunk_refs(data);
    let api = Url::parse("https://api.x.test/api/").unwrap();
    for https in [false, true] {
        let j = judge::judge_urls(&located, &api, https, false);
        for (_, l) in &j.problems {
            let _ = l.at();
        }
        let _ = scan::websockets(&located);
    }
});
