//! Pasted text ends up in tickets: mask the credentials it may carry before it is shown.

/// Mask credentials a pasted message may carry: JWTs (`eyJ….….…`), `Bearer` values, and the
/// values of `token=`, `access=`, `refresh=`, `password=` (a WebSocket URL with `?token=`, an
/// axios config dump). What support pastes ends up in tickets.
pub fn redact_pasted(text: &str) -> String {
    const PARAMS: [&str; 7] = [
        "token=",
        "access_token=",
        "refresh_token=",
        "access=",
        "refresh=",
        "password=",
        "bearer ",
    ];
    let is_tok = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c);
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        // A credential value after one of the parameter names.
        if let Some(p) = PARAMS.iter().find(|p| lower[i..].starts_with(*p)) {
            let at_word_start = i == 0
                || !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            if at_word_start {
                let start = i + p.len();
                let len = text[start..]
                    .find(|c: char| !is_tok(c) || c == '&')
                    .unwrap_or(text.len() - start);
                if len > 0 {
                    out.push_str(&text[i..start]);
                    out.push_str(&crate::redact::mask(&text[start..start + len]));
                    i = start + len;
                    continue;
                }
            }
        }
        // A bare JWT.
        if rest.starts_with("eyJ") {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                .unwrap_or(rest.len());
            if rest[..len].matches('.').count() == 2 && len > 20 {
                out.push_str(&crate::redact::mask(&rest[..len]));
                i += len;
                continue;
            }
        }
        let c = rest.chars().next().expect("not at the end");
        out.push(c);
        i += c.len_utf8();
    }
    out
}
