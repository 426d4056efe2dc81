//! The renderers on hostile text: a report whose rows carry arbitrary titles, evidence, fixes and
//! console lines (long words, escapes, markup, wide characters), rendered as the terminal table at
//! an arbitrary width, as Markdown and as HTML. Every table line fits the width, the Markdown stays
//! under the comment limit with no control character, and no markup from a row becomes HTML.
#![no_main]

use arbitrary::Arbitrary;
use conncheck::engine::{Finding, Report, Row, Status, Subject};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    width: u8,
    color: bool,
    verbose: bool,
    rows: Vec<(u8, u8, String, String, Option<String>, Option<String>)>,
}

const ROWS: [Row; 6] = [
    Row::DnsResolve,
    Row::TlsChain,
    Row::CorsPreflight,
    Row::Endpoint,
    Row::FrontendPage,
    Row::JwtLogin,
];

fn subject(row: Row) -> Subject {
    match row {
        Row::CorsPreflight => Subject::call("https://x.test", "POST", "auth/login/"),
        Row::Endpoint => Subject::endpoint("login", "POST", "auth/login/"),
        Row::FrontendPage => Subject::Page {
            url: "https://x.test/".into(),
        },
        Row::JwtLogin => Subject::Deployment,
        _ => Subject::host("api.x.test", None),
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

fuzz_target!(|input: Input| {
    let findings = input
        .rows
        .iter()
        .take(40)
        .map(|(r, st, title, detail, hint, browser)| {
            let row = ROWS[*r as usize % ROWS.len()];
            Finding::of(row, subject(row), title.clone())
                .status(Status::ALL[*st as usize % Status::ALL.len()])
                .detail(detail.clone())
                .maybe_hint(hint.clone())
                .maybe_browser_error(browser.clone())
        })
        .collect();
    let mut report = Report {
        target: "https://api.x.test/api/v1/".into(),
        origins: vec!["https://x.test".into()],
        origins_inferred: false,
        findings,
        duration_ms: 1,
        metrics: vec![],
    };
    // What the runner does to every field before a renderer sees it.
    for f in &mut report.findings {
        f.title = conncheck::text::field(&f.title);
        f.detail = conncheck::text::field(&f.detail);
        f.hint = f.hint.as_deref().map(conncheck::text::field);
        f.browser_error = f.browser_error.as_deref().map(conncheck::text::field);
    }
    let width = 40 + u16::from(input.width);
    let table = conncheck::report::table::render(
        &report,
        &conncheck::report::table::TableOptions {
            color: input.color,
            verbose: input.verbose,
            width: Some(width),
        },
    );
    for line in table.lines() {
        let plain = strip_ansi(line);
        // A reproduction's quoted argument is never cut (it must paste whole).
        let t = plain.trim_start();
        if plain.starts_with("     ")
            && (t.starts_with('\'') || t.starts_with("-H '") || t.starts_with("curl "))
        {
            continue;
        }
        assert!(
            conncheck::report::text::width(&plain) <= width as usize,
            "{width}: {plain:?}"
        );
    }
    let md = conncheck::report::markdown::render(&report);
    assert!(md.chars().count() <= conncheck::report::markdown::MAX_CHARS);
    assert!(!md.chars().any(|c| c.is_control() && c != '\n'));
    let html = conncheck::report::html::render(&report);
    assert!(!html.contains("<script"), "markup became HTML");
    assert!(!html.chars().any(|c| c.is_control() && c != '\n'));
});
