//! The module registry and the concurrent runner.
//!
//! One registry drives everything that lists modules: the runner, `--only`/`--skip`, the help
//! text and the docs. Modules run at once on tokio; each pushes rows into a shared sink as it
//! decides them, so a run cut short by its deadline still reports what it learnt, and every
//! declared row that did not finish reports `error` with "timed out".

use crate::context::Context;
use crate::model::{Finding, Module, Report, Status};
use futures::future::BoxFuture;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Where a module puts its rows.
#[derive(Clone, Default)]
pub struct Sink(Arc<Mutex<Vec<Finding>>>);

impl Sink {
    pub fn push(&self, f: Finding) {
        self.0.lock().unwrap().push(f);
    }
    pub fn extend(&self, fs: impl IntoIterator<Item = Finding>) {
        self.0.lock().unwrap().extend(fs);
    }
    fn take(&self) -> Vec<Finding> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
    fn ids(&self) -> BTreeSet<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|f| f.id.clone())
            .collect()
    }
}

pub type RunFn = fn(Arc<Context>, Sink) -> BoxFuture<'static, ()>;

/// A check module.
pub struct ModuleSpec {
    pub module: Module,
    /// One line for `--help` and the README.
    pub about: &'static str,
    /// The rows it reports, in checklist order. A trailing `*` marks a family
    /// (`endpoints.*`: one row per endpoint).
    pub rows: &'static [&'static str],
    pub run: RunFn,
}

/// Every module, in checklist order.
pub fn registry() -> &'static [ModuleSpec] {
    crate::checks::REGISTRY
}

pub fn spec(m: Module) -> &'static ModuleSpec {
    registry()
        .iter()
        .find(|s| s.module == m)
        .expect("every module is registered")
}

/// Parse a comma list of module names; unknown names are a usage error.
pub fn parse_modules(list: &str) -> Result<Vec<Module>, String> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match registry().iter().find(|s| s.module.name() == name) {
            Some(s) => {
                if !out.contains(&s.module) {
                    out.push(s.module)
                }
            }
            None => {
                let known: Vec<_> = registry().iter().map(|s| s.module.name()).collect();
                return Err(format!(
                    "unknown module '{name}' (known: {})",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(out)
}

/// Position of a row id in the registry, for a stable report order.
pub fn row_rank(id: &str) -> (usize, usize) {
    for (mi, spec) in registry().iter().enumerate() {
        for (ri, row) in spec.rows.iter().enumerate() {
            let hit = match row.strip_suffix('*') {
                Some(prefix) => id.starts_with(prefix),
                None => id == *row,
            };
            if hit {
                return (mi, ri);
            }
        }
    }
    (usize::MAX, usize::MAX)
}

/// What the runner tells a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressEvent {
    /// A module started.
    Started(Module),
    /// A module finished, after reporting `rows` rows.
    Finished(Module, usize),
}

/// Receives [`ProgressEvent`]s as modules start and finish (from any task).
pub type Progress = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// Run the selected modules concurrently and collect the report.
pub async fn run(ctx: Arc<Context>) -> Report {
    run_with_progress(ctx, None).await
}

/// [`run`], telling `progress` when each module starts and finishes.
pub async fn run_with_progress(ctx: Arc<Context>, progress: Option<Progress>) -> Report {
    let sink = Sink::default();
    let finished: Arc<Mutex<BTreeSet<Module>>> = Arc::default();
    let mut set = tokio::task::JoinSet::new();
    let mut task_module = std::collections::HashMap::new();
    for spec in registry().iter().filter(|s| ctx.runs(s.module)) {
        let (c, s, done) = (Arc::clone(&ctx), sink.clone(), Arc::clone(&finished));
        let run = spec.run;
        let m = spec.module;
        let p = progress.clone();
        if let Some(p) = &p {
            p(ProgressEvent::Started(m));
        }
        let handle = set.spawn(async move {
            run(c, s.clone()).await;
            done.lock().unwrap().insert(m);
            if let Some(p) = p {
                let rows = s.0.lock().unwrap().iter().filter(|f| f.module == m).count();
                p(ProgressEvent::Finished(m, rows));
            }
        });
        task_module.insert(handle.id(), m);
    }
    let deadline = tokio::time::Instant::from_std(ctx.deadline);
    loop {
        tokio::select! {
            joined = set.join_next_with_id() => match joined {
                None => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    let m = task_module.get(&e.id()).copied();
                    if let (Some(m), true) = (m, e.is_panic()) {
                        finished.lock().unwrap().insert(m);
                        sink.push(
                            Finding::new(m, "internal", format!("{m} module crashed"))
                                .error()
                                .detail("conncheck hit an internal error in this module; other modules ran normally")
                                .hint("please report this with the command line you used"),
                        );
                    }
                }
            },
            _ = tokio::time::sleep_until(deadline) => {
                set.abort_all();
                break;
            }
        }
    }
    // Rows declared by unfinished modules that never reported: "timed out".
    let done = finished.lock().unwrap().clone();
    let seen = sink.ids();
    for spec in registry()
        .iter()
        .filter(|s| ctx.runs(s.module) && !done.contains(&s.module))
    {
        let mut any_missing = false;
        for row in spec.rows {
            let prefix = row.trim_end_matches('*');
            let reported = if row.ends_with('*') {
                seen.iter().any(|id| id.starts_with(prefix))
            } else {
                seen.contains(*row)
            };
            if !reported {
                any_missing = true;
                sink.push(
                    Finding::new(spec.module, prefix.trim_end_matches('.'), format!("{} (unfinished)", prefix.trim_end_matches('.')))
                        .error()
                        .detail(format!(
                            "timed out: the run's deadline of {} s passed before this check finished",
                            ctx.opts.deadline.as_secs()
                        ))
                        .hint("the server is slow or not answering; raise --deadline or --timeout to wait longer"),
                );
            }
        }
        if !any_missing {
            sink.push(
                Finding::new(
                    spec.module,
                    "deadline",
                    format!("{} module (unfinished)", spec.module),
                )
                .error()
                .detail(format!(
                    "timed out: the run's deadline of {} s passed before every {} check finished",
                    ctx.opts.deadline.as_secs(),
                    spec.module
                )),
            );
        }
    }
    let mut findings = sink.take();
    apply_overrides(&ctx, &mut findings);
    let scrubber = ctx.secrets.scrubber();
    for f in &mut findings {
        scrub(&scrubber, f);
    }
    let mut report = Report {
        target: ctx.target.api_base.to_string(),
        origins: ctx.target.origins.iter().map(|o| o.to_string()).collect(),
        origins_inferred: ctx.target.origins_inferred,
        findings,
        duration_ms: ctx.started.elapsed().as_millis() as u64,
        metrics: ctx.metrics.lock().unwrap().clone(),
    };
    report.sort();
    report
}

/// Mask secrets, then bound and neutralise every field (secrets first: a cut must never leave
/// part of one readable).
fn scrub(s: &crate::redact::Scrubber, f: &mut Finding) {
    let clean = |t: &str| crate::text::field(&s.scrub(t));
    f.title = clean(&f.title);
    f.detail = clean(&f.detail);
    f.hint = f.hint.as_deref().map(clean);
    f.browser_error = f.browser_error.as_deref().map(clean);
}

/// Profile overrides: `skip` with a reason, or a `severity` that replaces fail/warn.
fn apply_overrides(ctx: &Context, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        let Some(o) = ctx
            .target
            .overrides
            .iter()
            .filter(|(k, _)| {
                f.id == **k || f.id.starts_with(&format!("{k}.")) || f.module.name() == k.as_str()
            })
            .max_by_key(|(k, _)| k.len())
            .map(|(_, o)| o)
        else {
            continue;
        };
        if let Some(reason) = &o.skip {
            f.status = Status::Skip;
            f.detail = format!("skipped by profile: {reason}");
            f.hint = None;
            f.browser_error = None;
        } else if let Some(sev) = o.severity {
            if matches!(f.status, Status::Fail | Status::Warn) {
                f.detail = format!(
                    "{} (severity set to {sev} by profile; was {})",
                    f.detail, f.status
                );
                f.status = sev;
            }
        }
    }
}
