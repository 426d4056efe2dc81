//! A small JavaScript tokenizer for reading minified bundles: identifiers, string and template
//! literals, numbers, punctuation, regular expressions; comments skipped. Enough to follow the
//! shapes discovery looks for (calls, object literals, member chains) without a full parser.
//! Tokens are ranges into the source, so a multi-megabyte bundle costs a few bytes per token.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ident,
    /// A `'…'` or `"…"` literal (range includes the quotes).
    Str,
    /// A `` `…` `` literal (range includes the backticks).
    Template,
    Num,
    Punct,
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
}

/// One piece of a template literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// A `${…}` substitution, as source text.
    Expr(String),
}

const MULTI_PUNCT: [&str; 14] = [
    "...", "===", "!==", "?.", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "++", "--",
];

const REGEX_AFTER_WORDS: [&str; 12] = [
    "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "await",
];

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The tokens of `src`. Never fails: an unterminated literal ends at the end of the input.
pub fn tokenize(src: &[u8]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(src.len() / 4);
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && src.get(i + 1) == Some(&b'/') {
            i = memchr(src, i, b'\n');
            continue;
        }
        if b == b'/' && src.get(i + 1) == Some(&b'*') {
            i = find(src, i + 2, b"*/").map_or(src.len(), |e| e + 2);
            continue;
        }
        let (kind, end) = if ident_byte(b) && !b.is_ascii_digit() {
            let mut j = i + 1;
            while j < src.len() && ident_byte(src[j]) {
                j += 1;
            }
            (Kind::Ident, j)
        } else if b.is_ascii_digit()
            || (b == b'.' && src.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let mut j = i + 1;
            while j < src.len()
                && (src[j].is_ascii_alphanumeric() || src[j] == b'.' || src[j] == b'_')
            {
                j += 1;
            }
            (Kind::Num, j)
        } else if b == b'"' || b == b'\'' {
            (Kind::Str, string_end(src, i + 1, b))
        } else if b == b'`' {
            (Kind::Template, template_end(src, i + 1))
        } else if b == b'/' && regex_allowed(src, out.last()) {
            match regex_end(src, i + 1) {
                Some(j) => (Kind::Regex, j),
                None => (Kind::Punct, i + 1),
            }
        } else {
            let len = MULTI_PUNCT
                .iter()
                .find(|p| src[i..].starts_with(p.as_bytes()))
                .map_or(1, |p| p.len());
            (Kind::Punct, i + len)
        };
        out.push(Token {
            kind,
            start: i as u32,
            end: end as u32,
        });
        i = end.max(i + 1);
    }
    out
}

fn memchr(src: &[u8], from: usize, b: u8) -> usize {
    src[from..]
        .iter()
        .position(|&c| c == b)
        .map_or(src.len(), |p| from + p)
}

fn find(src: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    src.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The end (exclusive) of a string literal whose body starts at `i`.
fn string_end(src: &[u8], mut i: usize, quote: u8) -> usize {
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// The end (exclusive) of a template literal whose body starts at `i`, nested `${…}` included.
fn template_end(src: &[u8], mut i: usize) -> usize {
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'`' => return i + 1,
            b'$' if src.get(i + 1) == Some(&b'{') => i = expr_end(src, i + 2),
            _ => i += 1,
        }
    }
    src.len()
}

/// The index of the `}` closing a `${` whose expression starts at `i` (or the end of input).
fn expr_end(src: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < src.len() {
        match src[i] {
            b'{' => depth += 1,
            b'}' if depth == 0 => return i + 1,
            b'}' => depth -= 1,
            b'"' | b'\'' => {
                i = string_end(src, i + 1, src[i]);
                continue;
            }
            b'`' => {
                i = template_end(src, i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

fn regex_allowed(src: &[u8], prev: Option<&Token>) -> bool {
    let Some(p) = prev else { return true };
    let text = &src[p.start as usize..p.end as usize];
    match p.kind {
        Kind::Punct => !matches!(text, b")" | b"]" | b"}" | b"++" | b"--"),
        Kind::Ident => REGEX_AFTER_WORDS.iter().any(|w| w.as_bytes() == text),
        _ => false,
    }
}

/// The end of a regex literal whose body starts at `i`; `None` when it is not one (a newline
/// before the closing slash).
fn regex_end(src: &[u8], mut i: usize) -> Option<usize> {
    let mut class = false;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'\n' => return None,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                let mut j = i + 1;
                while j < src.len() && src[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Some(j);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The value of a string literal token's source (quotes included), common escapes undone.
pub fn string_value(raw: &[u8]) -> String {
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[]);
    unescape(body)
}

fn unescape(body: &[u8]) -> String {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' && i + 1 < body.len() {
            let c = body[i + 1];
            out.push(match c {
                b'n' => b'\n',
                b't' => b'\t',
                _ => c,
            });
            i += 2;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pieces of a template literal token's source (backticks included).
pub fn template_parts(raw: &[u8]) -> Vec<Part> {
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[]);
    let mut parts = Vec::new();
    let (mut i, mut text_from) = (0, 0);
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'$' if body.get(i + 1) == Some(&b'{') => {
                if i > text_from {
                    parts.push(Part::Text(unescape(&body[text_from..i])));
                }
                let end = expr_end(body, i + 2);
                let inner = &body[i + 2..end.saturating_sub(1).max(i + 2)];
                parts.push(Part::Expr(String::from_utf8_lossy(inner).into_owned()));
                i = end;
                text_from = end;
            }
            _ => i += 1,
        }
    }
    if text_from < body.len() {
        parts.push(Part::Text(unescape(&body[text_from..])));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String)> {
        tokenize(src.as_bytes())
            .into_iter()
            .map(|t| (t.kind, src[t.start as usize..t.end as usize].to_string()))
            .collect()
    }

    #[test]
    fn tokenizes_minified_code_with_regexes_templates_and_comments() {
        let src = r#"/*! lic */a=b/2,c=/["'`]/g.test(x);d=`${e}/o/${f({g:1})}?t=${h}`;i?.j"#;
        let toks = kinds(src);
        let get = |k: Kind| {
            toks.iter()
                .filter(|(kk, _)| *kk == k)
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get(Kind::Regex), [r#"/["'`]/g"#]);
        assert_eq!(get(Kind::Template), ["`${e}/o/${f({g:1})}?t=${h}`"]);
        assert!(get(Kind::Punct).contains(&"?."));
        let parts = template_parts(get(Kind::Template)[0].as_bytes());
        assert_eq!(
            parts,
            [
                Part::Expr("e".into()),
                Part::Text("/o/".into()),
                Part::Expr("f({g:1})".into()),
                Part::Text("?t=".into()),
                Part::Expr("h".into()),
            ]
        );
    }

    #[test]
    fn strings_are_unescaped_and_unterminated_input_ends() {
        assert_eq!(string_value(br#""http:\/\/a.test\/x""#), "http://a.test/x");
        assert_eq!(kinds("'abc").len(), 1);
        assert_eq!(kinds("`a${b").len(), 1);
    }
}
