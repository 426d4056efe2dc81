//! What one `/probe` request may make serve do: which hosts it may contact, which credentials
//! it may send, which profile it may read. Everything a caller controls is checked here, before
//! a single packet leaves.

use super::{ServeOptions, State};
use crate::cli::{Config, Env};
use crate::net::dns::host_matches;
use http::StatusCode;

/// At most this many `origin=` per probe.
pub const MAX_ORIGINS: usize = 8;

/// A refused probe: status and a one-line reason (never the content of a local file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub StatusCode, pub String);

fn refuse(status: StatusCode, why: impl Into<String>) -> Refusal {
    Refusal(status, why.into())
}

/// The probe to run, and what serve held back.
pub struct Probe {
    pub config: Config,
    /// Serve has credentials (environment) but sent none: no allow-list names this target.
    pub credentials_withheld: bool,
}

/// Is `host` within `--allow-targets` (anything when the list is empty)?
pub fn allowed(opts: &ServeOptions, host: &str) -> bool {
    opts.allow_targets.is_empty() || opts.allow_targets.iter().any(|p| host_matches(p, host))
}

fn host_of(url: &str) -> String {
    crate::target::parse_url(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// Every value of a query parameter.
fn all(params: &[(String, String)], key: &str) -> Vec<String> {
    params
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A profile a probe may name: a shipped one, or `NAME.toml` in `--profiles-dir`.
pub fn profile(opts: &ServeOptions, name: &str) -> Result<String, Refusal> {
    if crate::profile::SHIPPED.iter().any(|(n, _)| *n == name) {
        return Ok(name.to_string());
    }
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if let (true, Some(dir)) = (plain, &opts.profiles_dir) {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            return Ok(path.display().to_string());
        }
    }
    let shipped: Vec<&str> = crate::profile::SHIPPED.iter().map(|(n, _)| *n).collect();
    Err(refuse(
        StatusCode::BAD_REQUEST,
        format!(
            "unknown profile: use a shipped one ({}) or one from serve's --profiles-dir",
            shipped.join(", ")
        ),
    ))
}

/// Check a probe's query and build its configuration.
pub fn probe(
    state: &State,
    params: &[(String, String)],
    scrape: Option<f64>,
) -> Result<Probe, Refusal> {
    let opts = &state.opts;
    let Some(target) = all(params, "target").into_iter().next() else {
        return Err(refuse(StatusCode::BAD_REQUEST, "missing ?target="));
    };
    if params
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "password" | "username" | "token"))
    {
        return Err(refuse(StatusCode::BAD_REQUEST, "credentials are never taken from the query string; use the environment or --credentials-file"));
    }
    let host = host_of(&target);
    if !allowed(opts, &host) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!(
                "target host {:?} is not in --allow-targets",
                crate::text::label(&host)
            ),
        ));
    }
    let origins = all(params, "origin");
    if origins.len() > MAX_ORIGINS {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!("at most {MAX_ORIGINS} origin= per probe"),
        ));
    }
    if let Some(o) = origins.iter().find(|o| !allowed(opts, &host_of(o))) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!(
                "origin {:?} is not in --allow-targets",
                crate::text::label(o)
            ),
        ));
    }
    let mut run = state.base.clone();
    run.origins.extend(origins);
    if let Some(p) = all(params, "profile").into_iter().next() {
        run.profile = Some(profile(opts, &p)?);
    }
    let modules = all(params, "module").join(",");
    if !modules.is_empty() {
        run.only = Some(modules);
    }
    if let Some(t) = scrape {
        let budget = (t - super::SCRAPE_MARGIN.as_secs_f64()).max(0.5);
        run.deadline = run.deadline.min(budget);
        run.timeout = run.timeout.min(budget);
    }
    let (env, credentials_withheld) = credentials(state, &target);
    let mut config = run.to_config(&target, &env).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            crate::text::server(&format!("{e:#}")),
        )
    })?;
    confine(&mut config, opts);
    Ok(Probe {
        config,
        credentials_withheld,
    })
}

/// The credentials a probe of `target` may carry: the credentials file's entry for exactly this
/// target, or the environment's when an allow-list exists (the target passed it). Without an
/// allow-list the environment's password goes nowhere.
fn credentials(state: &State, target: &str) -> (Env, bool) {
    let mut env = state.env.clone();
    if let Some(c) = state.opts.credentials.get(target) {
        env.credentials = Some(c.clone());
        return (env, false);
    }
    if state.opts.allow_targets.is_empty() && env.credentials.is_some() {
        env.credentials = None;
        return (env, true);
    }
    (env, false)
}

/// Keep the run inside the allow-list: inferred origins and profile pages outside it are
/// dropped, and every connection is checked again at the resolver (pages, scripts, WebSockets).
fn confine(config: &mut Config, opts: &ServeOptions) {
    if opts.allow_targets.is_empty() {
        return;
    }
    config.target.origins.retain(|o| allowed(opts, &o.host()));
    config
        .target
        .frontend
        .retain(|u| allowed(opts, u.host_str().unwrap_or("")));
    config.opts.allow_hosts = opts.allow_targets.clone();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_shipped_names_or_files_of_the_profiles_dir() {
        let dir = std::env::temp_dir().join(format!("conncheck-profiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mine.toml"), "").unwrap();
        let mut opts = ServeOptions::default();
        let shipped = crate::profile::SHIPPED[0].0;
        assert_eq!(profile(&opts, shipped).unwrap(), shipped);
        assert!(profile(&opts, "mine").is_err());
        opts.profiles_dir = Some(dir.clone());
        assert!(profile(&opts, "mine").unwrap().ends_with("mine.toml"));
        for bad in ["../mine", "mine.toml", "/etc/passwd", "", "a/b"] {
            let e = profile(&opts, bad).unwrap_err();
            assert_eq!(e.0, StatusCode::BAD_REQUEST);
            assert!(!e.1.contains("passwd"));
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_allow_list_admits_matching_hosts_only() {
        let mut opts = ServeOptions::default();
        assert!(allowed(&opts, "anything.test"));
        opts.allow_targets = vec!["*.tiktrue.test".into()];
        assert!(allowed(&opts, "api.tiktrue.test"));
        assert!(!allowed(&opts, "evil.test"));
        assert!(!allowed(&opts, ""));
    }
}
