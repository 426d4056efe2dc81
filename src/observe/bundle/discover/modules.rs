//! Helpers called from other modules and chunks. webpack keeps each module in a function keyed
//! by its id, exports with `n.d(t,{E:()=>s})` and calls an import as `(0,r.E)(…)` where
//! `r=n(672)`; ES modules (Vite/Rollup and esbuild chunks) export with `export{s as r}` and
//! import with `import{r as q}from"./api-3f2a.js"`. A helper found in one module is matched at
//! such calls in any script of the page.

use super::super::js::Kind;
use super::super::reader::Reader;
use std::collections::HashMap;

/// A helper as this module knows it: its name and the token index of its definition.
pub(super) trait Named {
    fn name(&self) -> &str;
    fn def(&self) -> usize;
}

/// A helper as other modules call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported<W> {
    /// The webpack module id it is defined in; `None` for an ES module export.
    pub(super) module: Option<String>,
    /// The exported name.
    pub(super) name: String,
    pub(super) helper: W,
}

/// How far back a module's opening is looked for.
const MODULE_SCAN: usize = 200_000;

/// The helpers a script exports, webpack's and ES modules' ways.
pub(super) fn exports<W: Named + Clone + PartialEq>(r: &Reader, helpers: &[W]) -> Vec<Exported<W>> {
    let mut out = Vec::new();
    let mut add = |module: Option<String>, name: &str, helper: &W| {
        let e = Exported {
            module,
            name: name.to_string(),
            helper: helper.clone(),
        };
        if !out.contains(&e) {
            out.push(e);
        }
    };
    for i in 0..r.len() {
        // webpack: `E:()=>s` in the module's `n.d(t,{…})`.
        // (development builds: `request: () => (/* binding */ request)`)
        let at = if r.is(i + 5, "(") { i + 6 } else { i + 5 };
        let getter = r.is(i + 1, ":")
            && r.is(i + 2, "(")
            && r.is(i + 3, ")")
            && r.is(i + 4, "=>")
            && r.kind(at) == Some(Kind::Ident)
            && (at == i + 5 || r.is(at + 1, ")"))
            && matches!(r.text(at + 1 + usize::from(at == i + 6)), "," | "}");
        // webpack 4: `n.d(t,"a",function(){return s})`, the getter maybe parenthesized.
        let v4_local = webpack4_getter(r, i);
        if let (Some(local), Some(key)) = (v4_local, r.string(i)) {
            let module = module_of(r, i);
            let found = helpers
                .iter()
                .find(|w| w.name() == local && module_of(r, w.def()) == module);
            if let Some(w) = found {
                add(module, &key, w);
            }
        }
        if getter && helpers.iter().any(|w| w.name() == r.text(at)) {
            let module = module_of(r, i);
            let local = r.text(at);
            let found = helpers
                .iter()
                .find(|w| w.name() == local && module_of(r, w.def()) == module);
            if let (Some(w), Some(key)) = (found, r.key(i)) {
                add(module, &key, w);
            }
        }
        if !r.is(i, "export") {
            continue;
        }
        // `export function s(`, `export const s=`, `export async function s(`.
        let named = (i + 1..i + 4).find(|&k| {
            r.kind(k) == Some(Kind::Ident)
                && !matches!(r.text(k), "function" | "async" | "const" | "let" | "var")
        });
        if !r.is(i + 1, "{") {
            if let Some(w) = named.and_then(|k| helpers.iter().find(|w| w.def() == k)) {
                add(None, w.name(), w);
            }
            continue;
        }
        // `export{s as r,t}`.
        for spec in r.args(i + 1) {
            let local = r.text(spec.start);
            let name = if r.is(spec.start + 1, "as") {
                r.key(spec.start + 2)
            } else {
                Some(local.to_string())
            };
            let w = helpers.iter().find(|w| w.name() == local);
            if let (Some(w), Some(name)) = (w, name) {
                add(None, &name, w);
            }
        }
    }
    out
}

/// The local name a webpack 4 export getter at the key string `i` returns:
/// `"a",function(){return s}` or `"a",(function(){return s})`.
fn webpack4_getter<'a>(r: &Reader<'a>, i: usize) -> Option<&'a str> {
    if r.kind(i) != Some(Kind::Str) || !r.is(i + 1, ",") || !r.is(i.wrapping_sub(1), ",") {
        return None;
    }
    let f = if r.is(i + 2, "(") { i + 3 } else { i + 2 };
    let shape = r.is(f, "function")
        && r.is(f + 1, "(")
        && r.is(f + 2, ")")
        && r.is(f + 3, "{")
        && r.is(f + 4, "return")
        && r.kind(f + 5) == Some(Kind::Ident)
        && r.is(f + 6, "}");
    shape.then(|| r.text(f + 5))
}

/// `import{r as q,t}from"…"`: local name → exported name.
pub(super) fn esm_imports(r: &Reader) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for i in 0..r.len() {
        if !r.is(i, "import") {
            continue;
        }
        let open = if r.is(i + 1, "{") {
            i + 1
        } else if r.is(i + 2, ",") && r.is(i + 3, "{") {
            i + 3
        } else {
            continue;
        };
        let Some(close) = r.close(open) else { continue };
        if !r.is(close + 1, "from") {
            continue;
        }
        for spec in r.args(open) {
            let exported = r.text(spec.start).to_string();
            let local = if r.is(spec.start + 1, "as") {
                r.text(spec.start + 2).to_string()
            } else {
                exported.clone()
            };
            out.insert(local, exported);
        }
    }
    out
}

/// Every `r=n(672)` of a script: the variable → (token index, module id), in order.
pub(super) fn module_vars(r: &Reader) -> HashMap<String, Vec<(usize, String)>> {
    let mut out: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for k in 0..r.len().saturating_sub(5) {
        let required = r.kind(k) == Some(Kind::Ident)
            && r.is(k + 1, "=")
            && r.kind(k + 2) == Some(Kind::Ident)
            && r.is(k + 3, "(")
            && r.is(k + 5, ")");
        if let Some(id) = module_key_at(r, k + 4).filter(|_| required) {
            out.entry(r.text(k).to_string()).or_default().push((k, id));
        }
    }
    out
}

/// The id of the webpack module whose function encloses token `at`: `672(e,t,n){…}`,
/// `672:(e,t,n)=>{…}`, `672:function(e,t,n){…}`, or a path string in development builds
/// (`"./src/api.js"(e,t,n){…}`).
fn module_of(r: &Reader, at: usize) -> Option<String> {
    let mut depth = 0usize;
    for k in (at.saturating_sub(MODULE_SCAN)..at).rev() {
        if r.kind(k) != Some(Kind::Punct) {
            continue;
        }
        match r.text(k) {
            "}" => depth += 1,
            "{" if depth > 0 => depth -= 1,
            "{" => {
                if let Some(id) = module_key(r, k) {
                    return Some(id);
                }
            }
            _ => {}
        }
    }
    None
}

/// The module id before a function body's `{` at `k`, when it is a webpack module's.
fn module_key(r: &Reader, k: usize) -> Option<String> {
    let params_close = if r.is(k.wrapping_sub(1), "=>") {
        k.checked_sub(2)?
    } else {
        k.checked_sub(1)?
    };
    let open = r.open_of(params_close)?;
    let mut key = open.checked_sub(1)?;
    if r.is(key, "function") {
        key = key.checked_sub(1)?;
    }
    if r.is(key, ":") {
        key = key.checked_sub(1)?;
    }
    if !matches!(r.text(key.wrapping_sub(1)), "{" | ",") {
        return None;
    }
    module_key_at(r, key)
}

/// A webpack module id token: a number (production) or a path string (`"./src/api.js"`,
/// development).
fn module_key_at(r: &Reader, k: usize) -> Option<String> {
    match r.kind(k)? {
        Kind::Num => Some(r.text(k).to_string()),
        Kind::Str => r.string(k),
        _ => None,
    }
}
