//! The stylesheets and scripts an HTML page references (`<link rel="stylesheet" href>`,
//! `<script src>`), resolved against the page's URL. Only same-host references are kept: the
//! backend's own static files, not a CDN's.

use super::judge::AssetKind;
use url::Url;

/// How many references are fetched at most.
pub const MAX_ASSETS: usize = 8;

/// The value of attribute `name` in one tag's text (lower-cased `lower`, original `tag`).
fn attr(tag: &str, lower: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = lower[..at].chars().last();
        if !before.is_some_and(|c| c.is_whitespace()) {
            continue;
        }
        let rest = lower[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let value_at = tag.len() - rest.trim_start().len();
        let v = &tag[value_at..];
        let (q, body) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &v[1..]),
            _ => (None, v),
        };
        let end = match q {
            Some(q) => body.find(q),
            None => body.find(|c: char| c.is_whitespace() || c == '>'),
        }
        .unwrap_or(body.len());
        return Some(body[..end].trim().to_string());
    }
    None
}

/// The same-host stylesheets and scripts `html` (served at `page`) references, in page order.
pub fn references(page: &Url, html: &str) -> Vec<(Url, AssetKind)> {
    let lower = html.to_ascii_lowercase();
    let mut out: Vec<(Url, AssetKind)> = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find('<') {
        let start = from + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        from = end.max(start + 1);
        let (tag, low) = (&html[start..end], &lower[start..end]);
        let found = if low.starts_with("<link")
            && attr(tag, low, "rel").is_some_and(|r| {
                r.to_ascii_lowercase()
                    .split_whitespace()
                    .any(|w| w == "stylesheet")
            }) {
            attr(tag, low, "href").map(|h| (h, AssetKind::Stylesheet))
        } else if low.starts_with("<script") {
            attr(tag, low, "src").map(|s| (s, AssetKind::Script))
        } else {
            None
        };
        let Some((href, kind)) = found else { continue };
        let Ok(url) = page.join(&href) else { continue };
        if url.host_str() == page.host_str()
            && url.port_or_known_default() == page.port_or_known_default()
            && !out.iter().any(|(u, _)| *u == url)
        {
            out.push((url, kind));
        }
        if out.len() == MAX_ASSETS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_same_host_stylesheets_and_scripts() {
        let page = Url::parse("https://api.x.test/admin/login/").unwrap();
        let html = r#"<html><head>
            <link rel="stylesheet" href="/static/admin/css/base.css">
            <link rel='icon' href='/favicon.ico'>
            <LINK REL="Stylesheet" HREF=../../static/admin/css/login.css>
            <script src="https://cdn.other.test/x.js"></script>
            <script defer src="/static/admin/js/nav_sidebar.js"></script>
            <script>var datasrc = 1;</script>
        </head></html>"#;
        let got: Vec<(String, AssetKind)> = references(&page, html)
            .into_iter()
            .map(|(u, k)| (u.path().to_string(), k))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/static/admin/css/base.css".into(), AssetKind::Stylesheet),
                ("/static/admin/css/login.css".into(), AssetKind::Stylesheet),
                ("/static/admin/js/nav_sidebar.js".into(), AssetKind::Script),
            ]
        );
    }
}
