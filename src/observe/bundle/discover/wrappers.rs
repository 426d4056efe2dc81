//! The app's own helpers around its HTTP client: a function whose body calls fetch/axios/ky
//! (or another such helper) with the API base joined to one of its parameters
//! (`const r=(e,t)=>fetch(`${n}${e}`,t)`, `function a(t,e){return s({url:c+t,...e})}`,
//! `i=(t,e)=>n.post(t,e)`), and where each call of it takes the method and the body from
//! (a fixed method, a parameter, or a field of an options parameter). The calls of such a
//! helper with a literal or template path are then read as the direct calls are.

use super::super::js::Kind;
use super::super::reader::{Pattern, Piece, Reader};
use super::{collection, modules, path_like, to_call, ApiCall, Client, METHODS};
use std::collections::HashMap;
use std::ops::Range;

/// Body tokens read for a helper's client call: helpers are short.
const MAX_BODY: usize = 600;
/// An options expression read is at most this many tokens.
const MAX_OPTS: usize = 2000;
/// Helpers over helpers followed this deep.
const ROUNDS: usize = 3;
/// At most this many helpers per script (a hostile script cannot make the scan quadratic).
const MAX_WRAPPERS: usize = 64;

/// Where a helper's call sites give the method.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MethodFrom {
    Fixed(String),
    /// The argument is the method (`call("POST", path)`).
    Arg(usize),
    /// The argument is an options object whose `method` field is the method; else the default.
    ArgField(usize, Option<String>),
    Default(Option<String>),
}

/// Where a helper's call sites give the body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BodyFrom {
    None,
    Arg(usize),
    ArgField(usize, &'static [&'static str]),
}

/// One helper the app calls its API through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Wrapper {
    pub(super) name: String,
    /// Token index of the name in its definition.
    pub(super) def: usize,
    /// Defined as a method or property (`{request(e,t){…}}`): called as `x.request(…)`.
    member: bool,
    /// Token index of the client call inside it.
    pub(super) inner: usize,
    /// Which parameter is the path.
    path: usize,
    base: Option<String>,
    base_value: Option<String>,
    /// Literal text the helper puts before the path (the base's value when it is a constant).
    prefix: String,
    client: Client,
    method: MethodFrom,
    body: BodyFrom,
}

impl modules::Named for Wrapper {
    fn name(&self) -> &str {
        &self.name
    }
    fn def(&self) -> usize {
        self.def
    }
}

impl Wrapper {
    /// Whether the helper's own call joins the parameter straight to the base (`${n}${e}`):
    /// then that call is no route of its own.
    pub(super) fn joins(&self) -> bool {
        !self.prefix.ends_with('/')
    }
}

enum MethodAt {
    Fixed(String),
    Expr(Range<usize>),
    Opts(Range<usize>, Option<String>),
    Default(Option<String>),
}

enum BodyAt {
    None,
    Expr(Range<usize>),
    Opts(Range<usize>, &'static [&'static str]),
}

/// A call of the client or of a helper, as written.
struct Site {
    path: Range<usize>,
    base: Option<String>,
    base_value: Option<String>,
    prefix: String,
    client: Client,
    method: MethodAt,
    body: BodyAt,
    end: usize,
}

/// The helpers of one script, and where each name is bound (to tell a helper's calls from
/// calls of another function of the same one-letter name in another scope).
#[derive(Debug, Default)]
pub(super) struct Helpers {
    pub(super) list: Vec<Wrapper>,
    binds: HashMap<String, Vec<(usize, usize)>>,
    /// Helpers other modules export (this script's own included).
    pub(super) imported: Vec<modules::Exported<Wrapper>>,
    /// ES imports: local name → exported name.
    imports: HashMap<String, String>,
    /// webpack module variables: name → (token index, module id) of each `r=n(672)`.
    pub(super) module_vars: HashMap<String, Vec<(usize, String)>>,
}

/// Every helper in a script, helpers over helpers included; `imported` are the helpers other
/// scripts (or modules) export.
pub(super) fn find(r: &Reader, imported: &[modules::Exported<Wrapper>]) -> Helpers {
    let axios = axios_aliases(r);
    let mut h = Helpers {
        list: Vec::new(),
        binds: bindings(r),
        imported: imported.to_vec(),
        imports: modules::esm_imports(r),
        module_vars: modules::module_vars(r),
    };
    let defs: Vec<(usize, bool, Vec<&str>, Range<usize>)> =
        (0..r.len()).filter_map(|i| definition(r, i)).collect();
    for _ in 0..ROUNDS {
        let before = h.list.len();
        for (at, member, params, body) in &defs {
            if h.list.len() >= MAX_WRAPPERS || h.list.iter().any(|w| w.def == *at) {
                continue;
            }
            if let Some(w) = wrapper_of(r, &axios, &h, (*at, *member), params, body.clone()) {
                h.list.push(w);
            }
        }
        if h.list.len() == before {
            break;
        }
    }
    h
}

/// Token indices where each name is bound, with the end of the block it is bound in:
/// `function n`, `let/const/var n`, `n=…`, and the parameters of functions and arrows.
fn bindings(r: &Reader) -> HashMap<String, Vec<(usize, usize)>> {
    let ends = block_ends(r);
    let mut out: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut add = |k: usize| {
        if r.kind(k) == Some(Kind::Ident) {
            out.entry(r.text(k).to_string())
                .or_default()
                .push((k, ends[k]));
        }
    };
    for k in 0..r.len() {
        let named = matches!(
            r.text(k.wrapping_sub(1)),
            "function" | "let" | "const" | "var"
        ) || (r.is(k + 1, "=") && !r.is(k + 2, "="))
            || r.is(k + 1, "=>");
        if named {
            add(k);
        }
        let list = if r.is(k, "=>") && r.is(k.wrapping_sub(1), ")") {
            r.open_of(k - 1)
        } else if r.is(k, "function") {
            (k + 1..k + 3).find(|&j| r.is(j, "("))
        } else {
            None
        };
        for p in list.map(|o| r.args(o)).unwrap_or_default() {
            add(p.start);
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    out
}

/// For each token, the index of the `}` closing the innermost block around it (the script's
/// length at the top level).
fn block_ends(r: &Reader) -> Vec<usize> {
    let mut encl = vec![usize::MAX; r.len()];
    let mut close_of = vec![r.len(); r.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, e) in encl.iter_mut().enumerate() {
        if let Some(&top) = stack.last() {
            *e = top;
        }
        if r.kind(k) != Some(Kind::Punct) {
            continue;
        }
        match r.text(k) {
            "{" => stack.push(k),
            "}" => {
                if let Some(open) = stack.pop() {
                    close_of[open] = k;
                }
            }
            _ => {}
        }
    }
    encl.into_iter()
        .map(|o| close_of.get(o).copied().unwrap_or(r.len()))
        .collect()
}

/// The call of a helper at token `i` with a literal or template path: the call, its body,
/// and the token after it.
pub(super) fn calls(
    r: &Reader,
    h: &Helpers,
    i: usize,
) -> Option<(ApiCall, Option<Range<usize>>, usize)> {
    if (h.list.is_empty() && h.imported.is_empty()) || r.kind(i) != Some(Kind::Ident) {
        return None;
    }
    let site = helper_site(r, h, None, i)?;
    let p = r.url_pattern(site.path.clone()).filter(path_like)?;
    let p = if p.base.is_some() || p.base_value.is_some() || p.text.contains("://") {
        p
    } else {
        Pattern {
            base: site.base.clone(),
            base_value: site.base_value.clone(),
            text: format!("{}{}", site.prefix, p.text),
        }
    };
    let method = method_at(r, &site.method).map(|m| m.to_ascii_uppercase());
    let body = match &site.body {
        BodyAt::None => None,
        BodyAt::Expr(e) => Some(e.clone()),
        BodyAt::Opts(o, keys) => opts_value(r, o.clone(), keys),
    };
    Some((to_call(r, p, method, site.client, i), body, site.end))
}

/// `import s from"axios"`, `s=require("axios")`, `s=n.n(axios module)` are not visible in
/// general; the ES import and require forms are.
fn axios_aliases<'a>(r: &Reader<'a>) -> Vec<&'a str> {
    let mut out = vec!["axios"];
    for i in 0..r.len().saturating_sub(3) {
        let from_import = r.is(i, "import")
            && r.kind(i + 1) == Some(Kind::Ident)
            && matches!(r.text(i + 2), "from" | ",")
            && (i + 2..(i + 12).min(r.len()))
                .any(|k| r.is(k, "from") && r.string(k + 1).as_deref() == Some("axios"));
        if from_import {
            out.push(r.text(i + 1));
        }
        let required = r.kind(i) == Some(Kind::Ident)
            && r.is(i + 1, "=")
            && r.is(i + 2, "require")
            && r.is(i + 3, "(")
            && r.string(i + 4).as_deref() == Some("axios");
        if required {
            out.push(r.text(i));
        }
    }
    out
}

/// A function definition at token `i` (its name): whether it is a method or property, its
/// simple parameters, and its body's token range.
fn definition<'a>(r: &Reader<'a>, i: usize) -> Option<(usize, bool, Vec<&'a str>, Range<usize>)> {
    if r.kind(i) != Some(Kind::Ident) || is_keyword(r.text(i)) {
        return None;
    }
    let prev = if i > 0 { r.text(i - 1) } else { ";" };
    let (member, mut j) = if prev == "function" {
        (false, i + 1)
    } else if matches!(r.text(i + 1), "=" | ":") && !r.is(i + 2, "=") {
        let member = r.is(i + 1, ":");
        let mut j = i + 2;
        if r.is(j, "async") {
            j += 1;
        }
        if r.is(j, "function") {
            j += 1;
            if r.kind(j) == Some(Kind::Ident) && !r.is(j, "(") {
                j += 1;
            }
        }
        (member, j)
    } else if r.is(i + 1, "(") && matches!(prev, "{" | "," | "}" | ";" | "async" | "static") {
        (true, i + 1)
    } else {
        return None;
    };
    let params: Vec<&str> = if r.is(j, "(") {
        let close = r.close(j)?;
        let ps = r
            .split(j + 1..close)
            .into_iter()
            .map(|p| match r.kind(p.start) {
                Some(Kind::Ident) => r.text(p.start),
                _ => "",
            })
            .collect();
        j = close + 1;
        ps
    } else if r.kind(j) == Some(Kind::Ident) && r.is(j + 1, "=>") {
        j += 1;
        vec![r.text(j - 1)]
    } else {
        return None;
    };
    if r.is(j, "=>") {
        j += 1;
    } else if !r.is(j, "{") {
        return None;
    }
    let end = if r.is(j, "{") {
        r.close(j)? + 1
    } else {
        expr_end(r, j)
    };
    (!params.is_empty()).then(|| (i, member, params, j..end.min(j + MAX_BODY)))
}

fn is_keyword(t: &str) -> bool {
    matches!(
        t,
        "if" | "for" | "while" | "switch" | "catch" | "function" | "with" | "return" | "await"
    )
}

/// The token after an expression starting at `j` (its first top-level `,` `;` or close).
fn expr_end(r: &Reader, mut j: usize) -> usize {
    while j < r.len() {
        match r.text(j) {
            "(" | "[" | "{" => j = r.close(j).map_or(r.len(), |c| c + 1),
            "," | ";" | ")" | "]" | "}" => return j,
            _ => j += 1,
        }
    }
    j
}

/// The helper a definition makes, when its body calls the client (or a helper) with one of its
/// parameters as the end of the path.
fn wrapper_of(
    r: &Reader,
    axios: &[&str],
    known: &Helpers,
    (def, member): (usize, bool),
    params: &[&str],
    body: Range<usize>,
) -> Option<Wrapper> {
    let name = r.text(def);
    for j in body {
        if r.kind(j) != Some(Kind::Ident) {
            continue;
        }
        let Some(site) = client_site(r, axios, j).or_else(|| helper_site(r, known, Some(name), j))
        else {
            continue;
        };
        let Some((path, base, base_value, prefix)) = path_param(r, params, &site) else {
            continue;
        };
        return Some(Wrapper {
            name: name.to_string(),
            def,
            member,
            inner: j,
            path,
            base,
            base_value,
            prefix,
            client: site.client,
            method: method_from(r, params, site.method),
            body: body_from(r, params, site.body),
        });
    }
    None
}

type Joined = (usize, Option<String>, Option<String>, String);

/// Which parameter ends the site's path, and the base and literal text before it.
fn path_param(r: &Reader, params: &[&str], site: &Site) -> Option<Joined> {
    let mut pieces = r.pieces_of(site.path.clone());
    let Some(Piece::Hole(last)) = pieces.pop() else {
        return None;
    };
    let k = param(params, last.trim())?;
    let (mut base, mut base_value, mut prefix) = (None, None, String::new());
    let mut rest = &pieces[..];
    if let [Piece::Hole(h), tail @ ..] = rest {
        match r.const_before(h.trim(), site.path.start) {
            Some(v) => {
                base_value = Some(v.to_string());
                prefix.push_str(v);
            }
            None => base = Some(h.trim().to_string()),
        }
        rest = tail;
    }
    for p in rest {
        match p {
            // A query (`/customers?page=${t}`) is a route with a computed part, not a base.
            Piece::Lit(s) if !s.contains(['?', '=', '&', '#']) => prefix.push_str(s),
            _ => return None,
        }
    }
    if pieces.is_empty() {
        (base, base_value, prefix) = (
            site.base.clone(),
            site.base_value.clone(),
            site.prefix.clone(),
        );
    }
    Some((k, base, base_value, prefix))
}

fn param(params: &[&str], name: &str) -> Option<usize> {
    params.iter().position(|p| !p.is_empty() && *p == name)
}

/// A call of fetch, ky, axios (or an alias) or an axios-like instance at token `j`.
fn client_site(r: &Reader, axios: &[&str], j: usize) -> Option<Site> {
    let name = r.text(j);
    let member = j > 0 && matches!(r.text(j - 1), "." | "?.");
    let plain = !member || (j >= 2 && matches!(r.text(j - 2), "window" | "self" | "globalThis"));
    let interesting = (plain
        && (matches!(name, "fetch" | "$fetch" | "ofetch" | "ky") || axios.contains(&name)))
        || (member && (METHODS.contains(&name) || name == "request"));
    if !interesting || !r.is(j + 1, "(") {
        return None;
    }
    let args = r.args(j + 1);
    let arg = |k: usize| args.get(k).cloned();
    let end = r.close(j + 1)?;
    let site = |path, client, method, body| Site {
        path,
        base: None,
        base_value: None,
        prefix: String::new(),
        client,
        method,
        body,
        end,
    };
    if plain && matches!(name, "fetch" | "$fetch" | "ofetch" | "ky") {
        let client = if name == "ky" {
            Client::Ky
        } else {
            Client::Fetch
        };
        let method = opts_method(arg(1), Some("GET".into()));
        return Some(site(
            arg(0)?,
            client,
            method,
            opts_body(arg(1), &["body", "json"]),
        ));
    }
    if member && METHODS.contains(&name) && !collection(r, j) {
        let ky = j >= 2 && r.is(j - 2, "ky");
        let body = match (matches!(name, "post" | "put" | "patch"), ky) {
            (false, _) => BodyAt::None,
            (true, true) => opts_body(arg(1), &["json", "body"]),
            (true, false) => arg(1).map_or(BodyAt::None, BodyAt::Expr),
        };
        let client = if ky { Client::Ky } else { Client::Axios };
        return Some(site(
            arg(0)?,
            client,
            MethodAt::Fixed(name.to_ascii_uppercase()),
            body,
        ));
    }
    if (plain && axios.contains(&name)) || (member && name == "request") {
        let first = arg(0)?;
        if r.is(first.start, "{") {
            let url = r.field(first.start, "url")?;
            let method = MethodAt::Opts(first.clone(), None);
            return Some(site(
                url,
                Client::Axios,
                method,
                BodyAt::Opts(first, &["data"]),
            ));
        }
        let body = opts_body(arg(1), &["data"]);
        return Some(site(first, Client::Axios, opts_method(arg(1), None), body));
    }
    None
}

/// A call of a known helper (not `except`, the one being defined) at token `j` whose name is
/// bound to that helper there, or of a helper another module exports.
fn helper_site(r: &Reader, h: &Helpers, except: Option<&str>, j: usize) -> Option<Site> {
    let name = r.text(j);
    if except == Some(name) {
        return None;
    }
    let member = j > 0 && matches!(r.text(j - 1), "." | "?.");
    let own = h
        .list
        .iter()
        .find(|w| w.name == name && w.member == member && (member || h.bound_here(w, j)));
    match own {
        Some(w) if r.is(j + 1, "(") => site_of(r, w, j + 1),
        Some(_) => None,
        None if h.imported.is_empty() => None,
        None => {
            let (w, open) = imported_at(r, h, &h.imports, j)?;
            site_of(r, w, open)
        }
    }
}

/// The site of a call of helper `w` whose arguments open at `open`.
fn site_of(r: &Reader, w: &Wrapper, open: usize) -> Option<Site> {
    let args = r.args(open);
    let arg = |k: usize| args.get(k).cloned();
    let method = match &w.method {
        MethodFrom::Fixed(m) => MethodAt::Fixed(m.clone()),
        MethodFrom::Arg(k) => arg(*k).map_or(MethodAt::Default(None), MethodAt::Expr),
        MethodFrom::ArgField(k, d) => opts_method(arg(*k), d.clone()),
        MethodFrom::Default(d) => MethodAt::Default(d.clone()),
    };
    let body = match &w.body {
        BodyFrom::None => BodyAt::None,
        BodyFrom::Arg(k) => arg(*k).map_or(BodyAt::None, BodyAt::Expr),
        BodyFrom::ArgField(k, keys) => opts_body(arg(*k), keys),
    };
    Some(Site {
        path: arg(w.path)?,
        base: w.base.clone(),
        base_value: w.base_value.clone(),
        prefix: w.prefix.clone(),
        client: w.client,
        method,
        body,
        end: r.close(open)?,
    })
}

impl Helpers {
    /// Whether `name` is bound at `j` by a binding of this script (a local shadowing an import).
    pub(super) fn shadowed(&self, name: &str, j: usize) -> bool {
        let Some(list) = self.binds.get(name) else {
            return false;
        };
        let n = list.partition_point(|&(k, _)| k < j);
        list[..n].iter().rev().take(4096).any(|&(_, end)| end > j)
    }

    /// Whether the name at `j` refers to the helper: the nearest binding before `j` whose block
    /// `j` is in (or, with none, the first after: functions are hoisted) is the helper's
    /// definition.
    fn bound_here(&self, w: &Wrapper, j: usize) -> bool {
        let Some(list) = self.binds.get(&w.name) else {
            return false;
        };
        let n = list.partition_point(|&(k, _)| k < j);
        let before = list[..n].iter().rev().take(4096).find(|&&(_, end)| end > j);
        match before {
            Some(&(k, _)) => k == w.def,
            None => list.get(n).map(|&(k, _)| k) == Some(w.def),
        }
    }
}

fn opts_method(opts: Option<Range<usize>>, default: Option<String>) -> MethodAt {
    match opts {
        Some(o) => MethodAt::Opts(o, default),
        None => MethodAt::Default(default),
    }
}

fn opts_body(opts: Option<Range<usize>>, keys: &'static [&'static str]) -> BodyAt {
    opts.map_or(BodyAt::None, |o| BodyAt::Opts(o, keys))
}

/// The value of the first of `keys` in an options expression: an object literal (spreads of
/// object literals followed), or a variable assigned one.
fn opts_value(r: &Reader, o: Range<usize>, keys: &[&str]) -> Option<Range<usize>> {
    if o.len() > MAX_OPTS {
        return None;
    }
    if o.len() == 1 && r.kind(o.start) == Some(Kind::Ident) {
        let def = r.assigned(r.text(o.start), o.start)?;
        return r.is(def.start, "{").then(|| opts_value(r, def, keys))?;
    }
    if !r.is(o.start, "{") {
        return None;
    }
    if let Some(v) = keys.iter().find_map(|k| r.field(o.start, k)) {
        return Some(v);
    }
    spreads(r, o.start)
        .into_iter()
        .filter(|s| r.is(s.start, "{"))
        .find_map(|s| opts_value(r, s, keys))
}

/// The expressions an object literal spreads (`{...t,headers:…}` → `t`).
fn spreads(r: &Reader, open: usize) -> Vec<Range<usize>> {
    r.args(open)
        .into_iter()
        .filter(|e| r.is(e.start, "...") && e.len() > 1)
        .map(|e| e.start + 1..e.end)
        .collect()
}

fn method_at(r: &Reader, m: &MethodAt) -> Option<String> {
    match m {
        MethodAt::Fixed(s) => Some(s.clone()),
        MethodAt::Expr(e) => r.string(e.start).filter(|_| e.len() == 1),
        MethodAt::Opts(o, d) => match opts_value(r, o.clone(), &["method", "type"]) {
            Some(v) => r.string(v.start).filter(|_| v.len() == 1),
            None => d.clone(),
        },
        MethodAt::Default(d) => d.clone(),
    }
}

/// The parameter an expression is (`e`), or a spread of (`{...e}`).
fn param_of(r: &Reader, params: &[&str], e: &Range<usize>) -> Option<usize> {
    (e.len() == 1).then(|| param(params, r.text(e.start)))?
}

fn method_from(r: &Reader, params: &[&str], m: MethodAt) -> MethodFrom {
    match m {
        MethodAt::Fixed(s) => MethodFrom::Fixed(s),
        MethodAt::Expr(e) => match (param_of(r, params, &e), r.string(e.start)) {
            (Some(k), _) => MethodFrom::Arg(k),
            (None, Some(s)) if e.len() == 1 => MethodFrom::Fixed(s.to_ascii_uppercase()),
            _ => MethodFrom::Default(None),
        },
        MethodAt::Opts(o, d) => {
            if let Some(k) = param_of(r, params, &o) {
                return MethodFrom::ArgField(k, d);
            }
            let Some((object, merged)) = parts(r, &o) else {
                return MethodFrom::Default(d);
            };
            if let Some(v) = object.and_then(|open| r.field(open, "method")) {
                return method_from(r, params, MethodAt::Expr(v));
            }
            // What is merged in last wins (`Object.assign({}, t, {method:"POST"})`).
            for p in merged.into_iter().rev() {
                match method_from(r, params, MethodAt::Opts(p, d.clone())) {
                    MethodFrom::Default(_) => {}
                    found => return found,
                }
            }
            MethodFrom::Default(d)
        }
        MethodAt::Default(d) => MethodFrom::Default(d),
    }
}

/// Where the body comes from: a parameter passed as is, stringified, or only when given
/// (`a?JSON.stringify(a):void 0`); a field of an options parameter.
fn body_from(r: &Reader, params: &[&str], b: BodyAt) -> BodyFrom {
    match b {
        BodyAt::None => BodyFrom::None,
        BodyAt::Expr(e) => {
            let mut found = None;
            for k in e.clone() {
                if r.kind(k) != Some(Kind::Ident) {
                    continue;
                }
                match (param(params, r.text(k)), found) {
                    (Some(p), None) => found = Some(p),
                    (Some(p), Some(q)) if p == q => {}
                    (None, _) if is_glue(r.text(k)) => {}
                    _ => return BodyFrom::None,
                }
            }
            found.map_or(BodyFrom::None, BodyFrom::Arg)
        }
        BodyAt::Opts(o, keys) => {
            if let Some(k) = param_of(r, params, &o) {
                return BodyFrom::ArgField(k, keys);
            }
            let Some((object, merged)) = parts(r, &o) else {
                return BodyFrom::None;
            };
            if let Some(v) = object.and_then(|open| keys.iter().find_map(|k| r.field(open, k))) {
                return body_from(r, params, BodyAt::Expr(v));
            }
            for p in merged.into_iter().rev() {
                match body_from(r, params, BodyAt::Opts(p, keys)) {
                    BodyFrom::None => {}
                    found => return found,
                }
            }
            BodyFrom::None
        }
    }
}

/// An options expression's own object literal (its `{` index) and what it merges in: an
/// object's spreads (`{...t,headers:h}`), or the arguments of a merging call
/// (`Object.assign({},t,{…})`, Babel's `_objectSpread(_objectSpread({},t),{},{…})`).
fn parts(r: &Reader, o: &Range<usize>) -> Option<(Option<usize>, Vec<Range<usize>>)> {
    // Options are small; a bound keeps the recursion over nested merges shallow.
    if o.len() > MAX_OPTS {
        return None;
    }
    if r.is(o.start, "{") && r.close(o.start) == Some(o.end - 1) {
        return Some((Some(o.start), spreads(r, o.start)));
    }
    let last = o.end.checked_sub(1)?;
    let open = r.open_of(last).filter(|&p| p > o.start)?;
    let callee = (o.start..open).all(|k| r.kind(k) == Some(Kind::Ident) || r.is(k, "."));
    callee.then(|| (None, r.args(open)))
}

/// Names that only pass a body through (`JSON.stringify(b)`, `b?…:void 0`).
fn is_glue(t: &str) -> bool {
    matches!(t, "JSON" | "stringify" | "void" | "undefined" | "null")
}

/// The helper another module exports that the call at token `j` calls, and where the call's
/// arguments open: `(0,r.E)(…)` / `r.E(…)` with `r=n(672)`, or `q(…)` with `q` imported.
pub(super) fn imported_at<'h>(
    r: &Reader,
    h: &'h Helpers,
    imports: &HashMap<String, String>,
    j: usize,
) -> Option<(&'h Wrapper, usize)> {
    let name = r.text(j);
    if !h.imported.iter().any(|e| e.name == name) && !imports.contains_key(name) {
        return None;
    }
    let member = j >= 2 && r.is(j - 1, ".") && r.kind(j - 2) == Some(Kind::Ident);
    if member {
        // `r.E(…)`, webpack 5's `(0,r.E)(…)`, webpack 4's `Object(r.a)(…)`.
        let wrapped = r.is(j.wrapping_sub(3), ",")
            || (r.is(j.wrapping_sub(3), "(") && r.is(j.wrapping_sub(4), "Object"));
        let open = if r.is(j + 1, "(") {
            j + 1
        } else if r.is(j + 1, ")") && r.is(j + 2, "(") && wrapped {
            j + 2
        } else {
            return None;
        };
        let module = module_id(h, r.text(j - 2), j)?;
        let e = h
            .imported
            .iter()
            .find(|e| e.module.as_deref() == Some(module) && e.name == name)?;
        return Some((&e.helper, open));
    }
    if j > 0 && matches!(r.text(j - 1), "." | "?.") || !r.is(j + 1, "(") {
        return None;
    }
    let exported = imports.get(name)?;
    if h.shadowed(name, j) {
        return None;
    }
    let e = h
        .imported
        .iter()
        .find(|e| e.module.is_none() && &e.name == exported)?;
    Some((&e.helper, j + 1))
}

/// The webpack module id a module variable holds: its nearest `r=n(672)` before `at`.
fn module_id<'h>(h: &'h Helpers, var: &str, at: usize) -> Option<&'h str> {
    let list = h.module_vars.get(var)?;
    let n = list.partition_point(|(k, _)| *k < at);
    n.checked_sub(1).map(|k| list[k].1.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helpers(js: &str) -> Vec<Wrapper> {
        find(&Reader::new(js.as_bytes()), &[]).list
    }

    #[test]
    fn a_fetch_helper_joining_the_base_to_its_first_parameter() {
        let w = helpers(
            r#"var a="https://api.x.test/api",t=(e,o={})=>fetch(`${a}${e}`,{...o,headers:{}});"#,
        );
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].name, "t");
        assert_eq!(w[0].path, 0);
        assert_eq!(w[0].base_value.as_deref(), Some("https://api.x.test/api"));
        assert_eq!(w[0].prefix, "https://api.x.test/api");
        assert_eq!(w[0].method, MethodFrom::ArgField(1, Some("GET".into())));
        assert_eq!(w[0].body, BodyFrom::ArgField(1, &["body", "json"]));
    }

    #[test]
    fn helpers_over_a_method_taking_helper() {
        let w = helpers(
            r#"let c=cfg();async function n(t,s,a){return fetch(c+"/api"+s,{method:t,body:a?JSON.stringify(a):void 0})}let o=t=>n("GET",t),i=(t,s)=>n("POST",t,s);"#,
        );
        let by = |n: &str| w.iter().find(|x| x.name == n).unwrap();
        assert_eq!(by("n").method, MethodFrom::Arg(0));
        assert_eq!(by("n").body, BodyFrom::Arg(2));
        assert_eq!(by("n").base.as_deref(), Some("c"));
        assert_eq!(by("n").prefix, "/api");
        assert_eq!(by("o").method, MethodFrom::Fixed("GET".into()));
        assert_eq!(by("o").body, BodyFrom::None);
        assert_eq!(by("i").method, MethodFrom::Fixed("POST".into()));
        assert_eq!(by("i").body, BodyFrom::Arg(1));
        assert_eq!(
            by("i").prefix,
            "/api",
            "the inner helper's base carries over"
        );
    }

    #[test]
    fn not_helpers() {
        // A literal path, a computed URL with no parameter at its end, a non-client call.
        for js in [
            r#"const f=e=>fetch("/api/x",e);"#,
            r#"const f=e=>fetch(`${e}/x`);"#,
            r#"const f=(e,t)=>log(`${a}${e}`,t);"#,
            r#"if(e){fetch(b+e)}"#,
        ] {
            assert!(helpers(js).is_empty(), "{js}: {:#?}", helpers(js));
        }
    }
}
