//! The concurrent runner.
//!
//! The caller hands it the module registry (`checks::REGISTRY`): the engine knows the shape of
//! a module, not the modules. Modules run at once on tokio; each pushes rows into a shared sink
//! as it decides them, so a run cut short by its deadline still reports what it learnt, and every
//! declared row that did not finish reports `error` with "timed out".

use super::context::Context;
use super::fault::RunFault;
use super::model::{Finding, Module, Report, Status};
use super::row::{Row, RowSelector, RunnerRow};
use super::subject::Subject;
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
    pub run: RunFn,
}

impl ModuleSpec {
    /// The rows it reports, in checklist order (from [`Row::of`]).
    pub fn rows(&self) -> impl Iterator<Item = Row> {
        Row::of(self.module)
    }
}

/// Parse a comma list of module names; unknown names are a usage error.
pub fn parse_modules(list: &str) -> Result<Vec<Module>, String> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match Module::from_name(name) {
            Some(m) => {
                if !out.contains(&m) {
                    out.push(m)
                }
            }
            None => {
                let known: Vec<_> = Module::ALL.iter().map(|m| m.name()).collect();
                return Err(format!(
                    "unknown module '{name}' (known: {})",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(out)
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

/// Run the registry's selected modules concurrently and collect the report.
pub async fn run(ctx: Arc<Context>, registry: &'static [ModuleSpec]) -> Report {
    run_with_progress(ctx, registry, None).await
}

/// [`run`], telling `progress` when each module starts and finishes.
pub async fn run_with_progress(
    ctx: Arc<Context>,
    registry: &'static [ModuleSpec],
    progress: Option<Progress>,
) -> Report {
    let sink = Sink::default();
    let finished: Arc<Mutex<BTreeSet<Module>>> = Arc::default();
    let mut set = tokio::task::JoinSet::new();
    let mut task_module = std::collections::HashMap::new();
    for spec in registry.iter().filter(|s| ctx.runs(s.module)) {
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
    let probes = start_probes(&ctx);
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
                            Finding::runner(m, RunnerRow::Internal, format!("{m} module crashed"))
                                .error()
                                .fault(RunFault::Internal)
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
    let done = finished.lock().unwrap().clone();
    for spec in registry
        .iter()
        .filter(|s| ctx.runs(s.module) && !done.contains(&s.module))
    {
        unfinished(&ctx, &sink, spec);
    }
    let mut findings = sink.take();
    apply_overrides(&ctx, &mut findings);
    let scrubber = ctx.secrets.scrubber();
    for f in &mut findings {
        scrub(&scrubber, f);
    }
    let stack = stack_of(&ctx, probes).await;
    let mut report = Report {
        target: ctx.target.api_base.to_string(),
        origins: ctx.target.origins.iter().map(|o| o.to_string()).collect(),
        origins_inferred: ctx.target.origins_inferred,
        findings,
        duration_ms: ctx.started.elapsed().as_millis() as u64,
        metrics: ctx.metrics.lock().unwrap().clone(),
        stack,
    };
    report.sort();
    report
}

/// The probes every run makes at its start when any module asks the API over HTTP: the stack
/// probe (the checks that word fixes for the stack wait for the same answers) and the default
/// login's DRF metadata.
fn start_probes(ctx: &Arc<Context>) -> Option<tokio::task::JoinHandle<()>> {
    let http_modules = [
        Module::Https,
        Module::Cors,
        Module::Endpoints,
        Module::Jwt,
        Module::Websocket,
    ];
    if !http_modules.iter().any(|m| ctx.runs(*m)) {
        return None;
    }
    let c = Arc::clone(ctx);
    Some(tokio::spawn(async move {
        let login_meta = async {
            // The default login's DRF metadata, asked while the bundle is read (see
            // `Observations::login_fields`): only when the run will log in as the app does.
            let t = &c.target;
            if c.runs(Module::Jwt) && !t.auth_pinned && t.credentials.is_some() {
                let url = t.url_for(&t.auth.login_path);
                c.observed.login_fields(&c.http, url).await;
            }
        };
        tokio::join!(
            c.observed.stack_samples(&c.http, &c.target.api_base),
            login_meta
        );
    }))
}

/// The stack the probe recognised, once it is in (never past the run's deadline).
async fn stack_of(
    ctx: &Context,
    probe: Option<tokio::task::JoinHandle<()>>,
) -> Option<crate::stack::Stack> {
    let probe = probe?;
    let deadline = tokio::time::Instant::from_std(ctx.deadline);
    if tokio::time::timeout_at(deadline, probe).await.is_err() {
        return None;
    }
    // The probe has answered: this reads its samples, no request.
    let stack = ctx.stack(&[]).await;
    Some(stack).filter(|s| s.is_known())
}

/// Rows declared by a module the deadline cut off that never reported: "timed out". When every
/// declared row was reported, one `<module>.deadline` row says the module did not finish.
fn unfinished(ctx: &Context, sink: &Sink, spec: &ModuleSpec) {
    let secs = ctx.opts.deadline.as_secs();
    let seen = sink.ids();
    let mut any_missing = false;
    for (row, subject) in declared(ctx, spec) {
        let id = row.id(subject.member());
        if seen.contains(&id) {
            continue;
        }
        any_missing = true;
        sink.push(
            Finding::of(row, subject, format!("{id} (unfinished)"))
                .error()
                .fault(RunFault::Deadline { secs })
                .detail(format!(
                    "timed out: the run's deadline of {secs} s passed before this check finished"
                ))
                .hint("the server is slow or not answering; raise --deadline or --timeout to wait longer"),
        );
    }
    if !any_missing {
        sink.push(
            Finding::runner(
                spec.module,
                RunnerRow::Deadline,
                format!("{} module (unfinished)", spec.module),
            )
            .error()
            .fault(RunFault::Deadline { secs })
            .detail(format!(
                "timed out: the run's deadline of {secs} s passed before every {} check finished",
                spec.module
            )),
        );
    }
}

/// The rows a module declares for this target: each fixed row once, and a family row once per
/// member (one per endpoint of the map).
fn declared(ctx: &Context, spec: &ModuleSpec) -> Vec<(Row, Subject)> {
    let mut out = Vec::new();
    for row in spec.rows() {
        if !row.is_family() {
            out.push((row, Subject::Deployment));
            continue;
        }
        // The run's endpoint map: the plan's (the routes the frontend calls) once made.
        let endpoints = match ctx.observed.plan.get() {
            Some(plan) => &plan.endpoints,
            None => &ctx.target.endpoints,
        };
        for ep in endpoints {
            out.push((row, Subject::endpoint(&ep.name, &ep.method, &ep.path)));
        }
    }
    out
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

/// Profile overrides: `skip` with a reason, or a `severity` that replaces fail/warn. The most
/// specific selector wins (a row over its module).
fn apply_overrides(ctx: &Context, findings: &mut [Finding]) {
    let selectors: Vec<_> = ctx
        .target
        .overrides
        .iter()
        .filter_map(|(k, o)| RowSelector::parse(k).map(|sel| (sel, o)))
        .collect();
    for f in findings.iter_mut() {
        let Some(o) = selectors
            .iter()
            .filter(|(sel, _)| sel.matches(f.module, &f.id))
            .max_by_key(|(sel, _)| sel.specificity())
            .map(|(_, o)| *o)
        else {
            continue;
        };
        if let Some(reason) = &o.skip {
            f.status = Status::Skip;
            f.detail = format!("skipped by profile: {reason}");
            f.hint = None;
            f.browser_error = None;
            f.fault = None;
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
