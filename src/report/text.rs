//! Text as renderers show it: server text neutralised (no terminal escapes, no bidi overrides),
//! shortened on a character boundary, and wrapped to a width in one linear pass.

use unicode_width::UnicodeWidthChar;

/// Server-supplied text made inert for a terminal or a document: control characters and
/// bidirectional overrides shown as escapes, newlines and tabs kept.
pub fn clean(s: &str) -> String {
    crate::redact::neutralize(s)
}

/// The width to lay the terminal report out in: `COLUMNS` when set, else the terminal's width
/// when stdout is one, else 100 columns (a pipe or a file).
pub fn terminal_width(stdout_tty: bool) -> u16 {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|c| *c >= 20)
    {
        return c;
    }
    if stdout_tty {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return w;
        }
    }
    100
}

/// At most `max` characters, with "…" when cut.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// Display width of a string (terminal columns).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Wrap `text` to `width` columns: the first line starts after `first` columns already used, the
/// following lines are indented by `indent` spaces. Words longer than a line are cut. Linear in
/// the input: each character is looked at once.
pub fn wrap(text: &str, width: usize, first: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 8);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = first;
    let mut line_start = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = self::width(word);
        let gap = usize::from(!line_start);
        if !line_start && used + gap + w > width {
            lines.push(std::mem::take(&mut line));
            line.push_str(&" ".repeat(indent));
            used = indent;
            line_start = true;
        }
        if !line_start {
            line.push(' ');
            used += 1;
        }
        if used + w <= width {
            line.push_str(word);
            used += w;
        } else {
            // A word longer than the line: cut it into pieces.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width && used > indent {
                    lines.push(std::mem::take(&mut line));
                    line.push_str(&" ".repeat(indent));
                    used = indent;
                }
                line.push(c);
                used += cw;
            }
        }
        line_start = false;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_a_hanging_indent() {
        let l = wrap("aaa bbb ccc ddd", 9, 0, 2);
        assert_eq!(l, vec!["aaa bbb", "  ccc ddd"]);
        for x in &l {
            assert!(width(x) <= 9);
        }
    }

    #[test]
    fn long_words_are_cut_and_wrapping_is_linear() {
        let long = "x".repeat(200_000);
        let l = wrap(&long, 80, 4, 4);
        assert!(l.iter().all(|x| width(x) <= 80));
        assert_eq!(l.iter().map(|x| x.trim().len()).sum::<usize>(), 200_000);
    }

    #[test]
    fn shorten_on_char_boundary() {
        assert_eq!(shorten("héllo", 2), "hé…");
        assert_eq!(shorten("hi", 5), "hi");
    }
}
