//! HTML subresource extraction: `parse_html` on an arbitrary page (as a frontend server sends
//! it), `csp_upgrades` on the `Content-Security-Policy` header, and the mixed-content messages
//! and own-script test built from what was extracted.
#![no_main]
use conncheck::checks::frontend;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = frontend::csp_upgrades(s);
    let page = Url::parse("https://app.x.test/dashboard/index.html").unwrap();
    let parsed = frontend::parse_html(s, &page);
    for r in &parsed.resources {
        let _ = frontend::mixed_content_message(&page, r);
        let _ = frontend::own_script(&page, &r.url);
        let _ = frontend::mixed_xhr_message(&page, r.url.as_str());
        let _ = frontend::mixed_ws_message(&page, r.url.as_str());
    }
    for (at, text) in &parsed.inline_scripts {
        assert!(*at <= s.len());
        let _ = frontend::scan::find_urls(text.as_bytes());
    }
});
