//! HTML subresource extraction: `parse_html` on an arbitrary page (as a frontend server sends
//! it), `csp_upgrades` on the `Content-Security-Policy` header, and the mixed-content messages
//! and own-script test built from what was extracted.
#![no_main]
use conncheck::browser::frontend as chrome;
use conncheck::observe::{bundle, pages};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = pages::csp_upgrades(s);
    let page = Url::parse("https://app.x.test/dashboard/index.html").unwrap();
    let parsed = pages::parse_html(s, &page);
    for r in &parsed.resources {
        let _ = chrome::mixed_content_message(&page, r);
        let _ = pages::own_script(&page, &r.url);
        let _ = chrome::mixed_xhr_message(&page, r.url.as_str());
        let _ = chrome::mixed_ws_message(&page, r.url.as_str());
    }
    for (at, text) in &parsed.inline_scripts {
        assert!(*at <= s.len());
        let _ = bundle::find_urls(text.as_bytes());
    }
});
