//! The chunks an entry bundle loads later (lazy routes, the login page): Vite/Rollup's
//! `import("./Login-3f2a.js")` and preload lists (`"assets/Login-3f2a.js"`), and webpack's chunk
//! file function (`"static/js/"+e+"."+{…}[e]+".chunk.js"`) expanded for every chunk it maps.
//! The references are returned as written; the caller resolves them (see
//! [`crate::observe::pages::PageScan::chunk_urls`]).

use super::super::js::Kind;
use super::super::reader::Reader;

/// Script files a bundle references, as written (`./Login-3f2a.js`, `static/js/12.ab.chunk.js`),
/// first occurrence of each.
pub fn chunk_refs(script: &[u8]) -> Vec<String> {
    let r = Reader::new(script);
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for i in 0..r.len() {
        if r.kind(i) != Some(Kind::Str) {
            continue;
        }
        let Some(v) = r.string(i) else { continue };
        if let Some(expanded) = webpack_chunks(&r, i, &v) {
            expanded.into_iter().for_each(&mut add);
        } else if chunk_like(&v) {
            add(v);
        }
    }
    out
}

fn chunk_like(v: &str) -> bool {
    let file = v.ends_with(".js") || v.ends_with(".mjs");
    let chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./~@".contains(c));
    let place = v.starts_with("./")
        || v.starts_with("../")
        || ["assets/", "static/", "chunks/"]
            .iter()
            .any(|p| v.contains(p));
    file && chars && place && v.len() < 200
}

/// `"static/js/"+e+"."+{12:"ab",34:"cd"}[e]+".chunk.js"` → `static/js/12.ab.chunk.js`, … .
fn webpack_chunks(r: &Reader, i: usize, prefix: &str) -> Option<Vec<String>> {
    if !prefix.ends_with('/') || !r.is(i + 1, "+") || r.kind(i + 2) != Some(Kind::Ident) {
        return None;
    }
    if !r.is(i + 3, "+") || r.string(i + 4).as_deref() != Some(".") || !r.is(i + 5, "+") {
        return None;
    }
    let open = i + 6;
    let close = r.close(open)?;
    if !r.is(close + 1, "[") || !r.is(close + 4, "+") {
        return None;
    }
    let suffix = r.string(close + 5).filter(|s| s.ends_with(".js"))?;
    let chunks = r
        .object(open)
        .into_iter()
        .filter_map(|(id, v)| {
            let hash = r.string(v.start)?;
            Some(format!("{prefix}{id}.{hash}{suffix}"))
        })
        .collect();
    Some(chunks)
}
