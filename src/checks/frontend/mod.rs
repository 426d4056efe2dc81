//! Section 7, the frontend as the browser receives it: the page loads, it pulls no insecure
//! subresource (W3C Mixed Content, blockable vs optionally-blockable), and the JavaScript
//! bundle calls the API it should (the base URL baked in at build time by
//! REACT_APP_/VITE_/NEXT_PUBLIC_ variables).
//!
//! The pages and bundles are an observation the run shares ([`crate::observe::pages`], read
//! through [`Context::observed`]); this file gathers it and pushes the rows, [`judge`] decides
//! each row and [`words`] says it.

pub mod judge;
pub mod words;

use crate::engine::context::Context;
use crate::engine::fault::{Missing, Unchecked};
use crate::engine::model::Module;
use crate::engine::runner::{ModuleSpec, Sink};
use crate::engine::{Finding, Row, Subject};
use crate::observe::pages::PageScan;
use futures::FutureExt;
use judge::{FrontendFault, Verdict};
use std::sync::Arc;
use words::Wording;

pub const SPEC: ModuleSpec = ModuleSpec {
    module: Module::Frontend,
    about: "the SPA page loads, pulls no insecure subresource, and its bundle calls the right API over HTTPS",
    run: |ctx, sink| run(ctx, sink).boxed(),
};

/// The frontend pages, scanned once per run (the WebSocket module reads the same scan).
pub async fn scans(ctx: &Context) -> Arc<Vec<PageScan>> {
    ctx.observed.pages(&ctx.http, &ctx.target.frontend).await
}

pub async fn run(ctx: Arc<Context>, sink: Sink) {
    let scans = scans(&ctx).await;
    if scans.is_empty() {
        let rows = [
            Row::FrontendPage,
            Row::FrontendMixedContent,
            Row::FrontendBundle,
        ];
        for (row, title) in rows.into_iter().zip(words::NO_PAGE_TITLES) {
            let f = Finding::of(row, Subject::Deployment, title);
            sink.push(
                f.skip()
                    .detail(words::NO_PAGE)
                    .fault(Unchecked(Missing::Origin)),
            );
        }
        return;
    }
    let api = ctx
        .target
        .api_base
        .as_str()
        .trim_end_matches('/')
        .to_string();
    for (i, s) in scans.iter().enumerate() {
        let w = Wording {
            scan: s,
            api: api.clone(),
            build: judge::build_tool(s),
            inferred: ctx.target.origins_inferred,
            target: &ctx.target,
        };
        sink.push(page_row(&ctx, &w).seq(i));
        sink.push(mixed_row(&w).seq(i));
        sink.push(bundle_row(&ctx, &w).seq(i));
    }
}

/// A row with its fault, status, fix and Chrome's line.
fn with_fault(f: Finding, w: &Wording, fault: FrontendFault) -> Finding {
    f.status(fault.status())
        .maybe_hint(words::hint(w, &fault))
        .maybe_browser_error(words::browser_error(w, &fault))
        .fault(fault)
}

fn page_row(ctx: &Context, w: &Wording) -> Finding {
    let s = w.scan;
    let f = Finding::of(
        Row::FrontendPage,
        Subject::page(&s.requested),
        words::page_title(s),
    )
    .duration(s.duration);
    let ex = match &s.page {
        Ok(ex) => ex,
        Err(e) => {
            let f = ctx.net_failure(f, e);
            let detail = format!("{}{}", words::inferred_note(w.inferred), f.detail);
            return f.detail(detail);
        }
    };
    match judge::judge_page(&s.requested, &s.page) {
        Verdict::Fault(fault) => {
            let detail = words::page_detail(w, ex, Some(&fault));
            with_fault(f.detail(detail), w, fault)
        }
        _ => f.pass().detail(words::page_detail(w, ex, None)),
    }
}

fn mixed_row(w: &Wording) -> Finding {
    let s = w.scan;
    let f = Finding::of(
        Row::FrontendMixedContent,
        Subject::page(s.final_url()),
        words::mixed_title(s),
    );
    let verdict = judge::judge_mixed(s);
    let f = f.detail(words::mixed_detail(s, &verdict));
    match verdict {
        Verdict::Fault(fault) => with_fault(f, w, fault),
        Verdict::NotApplicable => f.skip(),
        Verdict::Pass | Verdict::Net(_) => f.pass(),
    }
}

fn bundle_row(ctx: &Context, w: &Wording) -> Finding {
    let s = w.scan;
    let f = Finding::of(
        Row::FrontendBundle,
        Subject::page(s.final_url()),
        words::bundle_title(w),
    );
    match judge::judge_scripts_loaded(s) {
        Some(Verdict::Net(e)) => return ctx.net_failure(f, &e),
        Some(Verdict::Fault(fault)) => {
            let detail = words::scripts_detail(s, &fault);
            return with_fault(f.detail(detail), w, fault);
        }
        Some(Verdict::Pass | Verdict::NotApplicable) | None => {}
    }
    let (verdict, j) = judge::judge_bundle(s, &ctx.target.api_base);
    let f = f.duration(s.duration).detail(words::bundle_detail(s, &j));
    match verdict {
        Verdict::Fault(fault) => with_fault(f, w, fault),
        Verdict::Net(e) => ctx.net_failure(f, &e),
        Verdict::Pass | Verdict::NotApplicable => f.pass(),
    }
}
