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
        } else if chunk_like(&v) && !module_id(&r, i) {
            add(v);
        }
    }
    out
}

/// A webpack development build's module id (`"./src/api.js"(e,t,n){…}`,
/// `__webpack_require__("./src/api.js")`): a module inside a script, not a file.
fn module_id(r: &Reader, i: usize) -> bool {
    let key = matches!(r.text(i + 1), "(" | ":");
    let required = i >= 2 && r.is(i - 1, "(") && r.text(i - 2).ends_with("require__");
    key || required
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

/// webpack's chunk file function expanded for every chunk its hash map names:
/// `"static/js/"+e+"."+{12:"ab",34:"cd"}[e]+".chunk.js"` → `static/js/12.ab.chunk.js`, …; the
/// name part may also be a map of named chunks (`{12:"login"}[e]`, `({12:"login"}[e]||e)`) or
/// one named chunk (`(12===e?"login":e)`).
fn webpack_chunks(r: &Reader, i: usize, prefix: &str) -> Option<Vec<String>> {
    if !prefix.ends_with('/') || !r.is(i + 1, "+") {
        return None;
    }
    let name_at = i + 2;
    let name_end = match r.text(name_at) {
        "(" | "{" => {
            let c = r.close(name_at)?;
            if r.is(c + 1, "[") {
                r.close(c + 1)? + 1
            } else {
                c + 1
            }
        }
        _ if r.kind(name_at) == Some(Kind::Ident) => name_at + 1,
        _ => return None,
    };
    if !r.is(name_end, "+") || r.string(name_end + 1).as_deref() != Some(".") {
        return None;
    }
    let open = name_end + 3;
    if !r.is(name_end + 2, "+") || !r.is(open, "{") {
        return None;
    }
    let close = r.close(open)?;
    if !r.is(close + 1, "[") || !r.is(close + 4, "+") {
        return None;
    }
    let suffix = r.string(close + 5).filter(|s| s.ends_with(".js"))?;
    let names = chunk_names(r, name_at);
    let chunks = r
        .object(open)
        .into_iter()
        .filter_map(|(id, v)| {
            let hash = r.string(v.start)?;
            let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
            Some(format!("{prefix}{name}.{hash}{suffix}"))
        })
        .collect();
    Some(chunks)
}

/// Chunk ids mapped to their names in the name part of a chunk file function.
fn chunk_names(r: &Reader, at: usize) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let inner = if r.is(at, "(") { at + 1 } else { at };
    if r.is(inner, "{") {
        for (id, v) in r.object(inner) {
            if let Some(name) = r.string(v.start) {
                out.insert(id, name);
            }
        }
    } else if r.kind(inner) == Some(Kind::Num) && r.is(inner + 1, "===") && r.is(inner + 3, "?") {
        if let Some(name) = r.string(inner + 4) {
            out.insert(r.text(inner).to_string(), name);
        }
    }
    out
}
