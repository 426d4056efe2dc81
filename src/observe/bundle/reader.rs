//! Reading shapes out of a token stream: bracket matching, call arguments, object literals
//! (their keys, nested), string values, URL/path patterns built from literals, template
//! literals, `+` and `.concat()` (how esbuild, Vite, webpack and SWC emit string building).

use super::js::{self, Kind, Part, Token};
use std::collections::HashMap;
use std::ops::Range;

/// A token stream over one script, with the string constants it assigns.
pub struct Reader<'a> {
    pub src: &'a [u8],
    pub toks: Vec<Token>,
    /// `name = "literal"` assignments: the token index of each, per name.
    consts: HashMap<&'a str, Vec<(usize, String)>>,
    /// `name = new Ctor` assignments: the token index and constructor of each, per name.
    news: HashMap<&'a str, Vec<(usize, &'a str)>>,
    /// For each bracket token, the index of its partner of the same kind (`u32::MAX`: none).
    pair: Vec<u32>,
}

/// How far apart a bracket and its partner may be for [`Reader::close`] / [`Reader::open_of`].
const PAIR_SPAN: usize = 20_000;

/// A string built by the code, as a pattern: literal text with `{name}` where a value is
/// computed (`/orders/{id}`), and the expression that came first when the code prefixes a base
/// it computes (`${base}/orders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub base: Option<String>,
    /// The string constant the code prefixed, when the base was one (`s="https://api.x"` …
    /// `s+"/orders"`).
    pub base_value: Option<String>,
    pub text: String,
}

/// One piece of a built string: literal text, or the source of a computed part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Hole(String),
}

impl<'a> Reader<'a> {
    pub fn new(src: &'a [u8]) -> Reader<'a> {
        let toks = js::tokenize(src);
        let mut r = Reader {
            src,
            toks,
            consts: HashMap::new(),
            news: HashMap::new(),
            pair: Vec::new(),
        };
        r.pair = r.find_pairs();
        r.consts = r.find_consts();
        r.news = r.find_news();
        r
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// A token's source text ("" when it is not UTF-8).
    pub fn text(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) => {
                std::str::from_utf8(&self.src[t.start as usize..t.end as usize]).unwrap_or("")
            }
            None => "",
        }
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub fn is(&self, i: usize, s: &str) -> bool {
        self.text(i) == s
    }

    pub fn offset(&self, i: usize) -> usize {
        self.toks.get(i).map_or(0, |t| t.start as usize)
    }

    /// The value of a string literal token, or an identifier's name (object keys).
    pub fn key(&self, i: usize) -> Option<String> {
        match self.kind(i)? {
            Kind::Str => Some(js::string_value(self.text(i).as_bytes())),
            Kind::Ident | Kind::Num => Some(self.text(i).to_string()),
            _ => None,
        }
    }

    /// The value of a string literal token.
    pub fn string(&self, i: usize) -> Option<String> {
        (self.kind(i)? == Kind::Str).then(|| js::string_value(self.text(i).as_bytes()))
    }

    /// The index of the bracket closing the one at `open`.
    pub fn close(&self, open: usize) -> Option<usize> {
        if !matches!(self.text(open), "(" | "{" | "[") {
            return None;
        }
        let c = *self.pair.get(open)? as usize;
        (c != u32::MAX as usize && c > open && c - open < PAIR_SPAN).then_some(c)
    }

    /// The index of the bracket opening the one at `close`.
    pub fn open_of(&self, close: usize) -> Option<usize> {
        if !matches!(self.text(close), ")" | "}" | "]") {
            return None;
        }
        let o = *self.pair.get(close)? as usize;
        (o != u32::MAX as usize && o < close && close - o <= PAIR_SPAN).then_some(o)
    }

    /// Bracket partners, each kind matched on its own (as a scan counting one kind would).
    fn find_pairs(&self) -> Vec<u32> {
        let mut pair = vec![u32::MAX; self.len()];
        let mut stacks: [Vec<usize>; 3] = Default::default();
        for (i, t) in self.toks.iter().enumerate() {
            if t.kind != Kind::Punct {
                continue;
            }
            let (kind, opening) = match self.text(i) {
                "(" => (0, true),
                ")" => (0, false),
                "{" => (1, true),
                "}" => (1, false),
                "[" => (2, true),
                "]" => (2, false),
                _ => continue,
            };
            if opening {
                stacks[kind].push(i);
            } else if let Some(o) = stacks[kind].pop() {
                pair[o] = i as u32;
                pair[i] = o as u32;
            }
        }
        pair
    }

    /// The comma-separated parts between the bracket at `open` and its close.
    pub fn args(&self, open: usize) -> Vec<Range<usize>> {
        let Some(close) = self.close(open) else {
            return Vec::new();
        };
        self.split(open + 1..close)
    }

    /// Split a range at its top-level commas.
    pub fn split(&self, r: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let (mut from, mut i) = (r.start, r.start);
        while i < r.end {
            if matches!(self.text(i), "(" | "{" | "[") {
                i = self.close(i).map_or(r.end, |c| c + 1);
                continue;
            }
            if self.is(i, ",") {
                out.push(from..i);
                from = i + 1;
            }
            i += 1;
        }
        if from < r.end {
            out.push(from..r.end);
        }
        out
    }

    /// The entries of the object literal (or pattern) opening at `open`: key and value range
    /// (for `{a}` shorthand, the key itself). Spreads and computed keys are left out.
    pub fn object(&self, open: usize) -> Vec<(String, Range<usize>)> {
        if !self.is(open, "{") {
            return Vec::new();
        }
        let mut out = Vec::new();
        for e in self.args(open) {
            let Some(key) = self.key(e.start) else {
                continue;
            };
            if e.len() == 1 {
                out.push((key, e));
            } else if self.is(e.start + 1, ":") {
                out.push((key, e.start + 2..e.end));
            }
        }
        out
    }

    /// Every leaf of a nested object literal or pattern, as dotted key paths with the leaf's
    /// value range: `{auth:{email:e,password:t}}` → `auth.email`, `auth.password`.
    pub fn leaves(&self, open: usize) -> Vec<(Vec<String>, Range<usize>)> {
        let mut out = Vec::new();
        for (k, v) in self.object(open) {
            let nested = self.is(v.start, "{") && self.close(v.start) == Some(v.end - 1);
            if nested && v.len() > 1 {
                for (mut path, leaf) in self.leaves(v.start) {
                    path.insert(0, k.clone());
                    out.push((path, leaf));
                }
            } else {
                out.push((vec![k], v));
            }
        }
        out
    }

    /// The value of `key` in the object opening at `open`.
    pub fn field(&self, open: usize, key: &str) -> Option<Range<usize>> {
        self.object(open)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The expression `name` was last assigned in the function around token `at`
    /// (`u=base+"/ws/?token="+t` → the range of `base+"/ws/?token="+t`).
    pub fn assigned(&self, name: &str, at: usize) -> Option<Range<usize>> {
        let def = (at.saturating_sub(3000)..at)
            .rev()
            .take_while(|&i| !matches!(self.text(i), "function" | "=>"))
            .find(|&i| self.is(i, name) && self.is(i + 1, "=") && !self.is(i + 2, "="))?;
        let start = def + 2;
        let mut i = start;
        while i < at {
            match self.text(i) {
                "(" | "[" | "{" => i = self.close(i)? + 1,
                "," | ";" | ")" | "]" | "}" => break,
                _ => i += 1,
            }
        }
        (i > start).then_some(start..i)
    }

    /// The string `name` was last assigned before token `at`, when it was a literal.
    pub fn const_before(&self, name: &str, at: usize) -> Option<&str> {
        let list = self.consts.get(name)?;
        let n = list.partition_point(|(i, _)| *i < at);
        n.checked_sub(1).map(|k| list[k].1.as_str())
    }

    /// The constructor `name` was last assigned an instance of before token `at`.
    pub fn new_before(&self, name: &str, at: usize) -> Option<&str> {
        let list = self.news.get(name)?;
        let n = list.partition_point(|(i, _)| *i < at);
        n.checked_sub(1).map(|k| list[k].1)
    }

    fn find_news(&self) -> HashMap<&'a str, Vec<(usize, &'a str)>> {
        let mut out: HashMap<&'a str, Vec<(usize, &'a str)>> = HashMap::new();
        for i in 0..self.len().saturating_sub(3) {
            if self.kind(i) == Some(Kind::Ident)
                && self.is(i + 1, "=")
                && self.is(i + 2, "new")
                && self.kind(i + 3) == Some(Kind::Ident)
            {
                out.entry(self.text(i))
                    .or_default()
                    .push((i, self.text(i + 3)));
            }
        }
        out
    }

    fn find_consts(&self) -> HashMap<&'a str, Vec<(usize, String)>> {
        let mut out: HashMap<&'a str, Vec<(usize, String)>> = HashMap::new();
        for i in 1..self.len().saturating_sub(2) {
            if self.kind(i) == Some(Kind::Ident)
                && self.is(i + 1, "=")
                && matches!(self.text(i - 1), "let" | "const" | "var" | ",")
            {
                if let Some(v) = self.string(i + 2) {
                    if !matches!(self.text(i + 3), "+" | ".") {
                        out.entry(self.text(i)).or_default().push((i, v));
                    }
                }
            }
        }
        out
    }

    /// The pattern of a call's URL argument: the string it builds, or the string constant a
    /// lone name holds (`const L="/auth/login/"` … `fetch(L)`).
    pub fn url_pattern(&self, r: Range<usize>) -> Option<Pattern> {
        if r.len() == 1 && self.kind(r.start) == Some(Kind::Ident) {
            let text = self.const_before(self.text(r.start), r.start)?.to_string();
            return Some(Pattern {
                base: None,
                base_value: None,
                text,
            });
        }
        self.pattern(r)
    }

    /// The string an expression builds, as a pattern; `None` when it has no literal part.
    pub fn pattern(&self, r: Range<usize>) -> Option<Pattern> {
        let mut pieces = Vec::new();
        self.pieces(r.clone(), &mut pieces);
        if !pieces
            .iter()
            .any(|p| matches!(p, Piece::Lit(s) if !s.is_empty()))
        {
            return None;
        }
        pieces.retain(|p| !matches!(p, Piece::Lit(s) if s.is_empty()));
        let (mut base, mut base_value) = (None, None);
        if let [Piece::Hole(h), Piece::Lit(next), ..] = &pieces[..] {
            if next.starts_with(['/', '?', ':']) {
                match self.const_before(h, r.start) {
                    Some(v) => {
                        base_value = Some(v.to_string());
                        pieces[0] = Piece::Lit(v.to_string());
                    }
                    None => {
                        base = Some(h.clone());
                        pieces.remove(0);
                    }
                }
            }
        }
        let text = pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => s.clone(),
                Piece::Hole(h) => format!("{{{}}}", hole_name(h)),
            })
            .collect();
        Some(Pattern {
            base,
            base_value,
            text,
        })
    }

    /// The pieces of the string an expression builds, empty literals dropped
    /// (`c+"/x"+t` → `c`, `"/x"`, `t`).
    pub fn pieces_of(&self, r: Range<usize>) -> Vec<Piece> {
        let mut out = Vec::new();
        self.pieces(r, &mut out);
        out.retain(|p| !matches!(p, Piece::Lit(s) if s.is_empty()));
        out
    }

    fn pieces(&self, r: Range<usize>, out: &mut Vec<Piece>) {
        let mut hole = String::new();
        let flush = |hole: &mut String, out: &mut Vec<Piece>| {
            if !hole.is_empty() {
                out.push(Piece::Hole(std::mem::take(hole)));
            }
        };
        let mut i = r.start;
        while i < r.end {
            match self.kind(i) {
                Some(Kind::Str) => {
                    flush(&mut hole, out);
                    out.push(Piece::Lit(self.string(i).unwrap_or_default()));
                }
                Some(Kind::Template) => {
                    flush(&mut hole, out);
                    for p in js::template_parts(self.text(i).as_bytes()) {
                        out.push(match p {
                            Part::Text(t) => Piece::Lit(t),
                            Part::Expr(e) => Piece::Hole(e),
                        });
                    }
                }
                _ if self.is(i, "+") => flush(&mut hole, out),
                _ if self.is(i, ".") && self.is(i + 1, "concat") && self.is(i + 2, "(") => {
                    flush(&mut hole, out);
                    for a in self.args(i + 2) {
                        self.pieces(a, out);
                    }
                    i = self.close(i + 2).unwrap_or(r.end);
                }
                _ if matches!(self.text(i), "(" | "[" | "{") => {
                    let end = self.close(i).map_or(r.end, |c| c + 1).min(r.end);
                    hole.push_str(&self.src_text(i..end));
                    i = end;
                    continue;
                }
                _ => hole.push_str(self.text(i)),
            }
            i += 1;
        }
        flush(&mut hole, out);
    }

    /// The source text of a token range.
    pub fn src_text(&self, r: Range<usize>) -> String {
        if r.is_empty() {
            return String::new();
        }
        let (s, e) = (
            self.toks[r.start].start as usize,
            self.toks[r.end - 1].end as usize,
        );
        String::from_utf8_lossy(&self.src[s..e]).into_owned()
    }
}

/// A name for a computed part of a path: the last property or variable of its expression when
/// it says something (`t.id` → `id`), else `param` (minified names say nothing).
fn hole_name(expr: &str) -> String {
    let last = expr
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .find(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("");
    if last.len() >= 2 {
        last.to_string()
    } else {
        "param".to_string()
    }
}
