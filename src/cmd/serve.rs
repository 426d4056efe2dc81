//! `conncheck serve`: validate its options, then hand over to [`crate::serve`].

use crate::cli::{Env, RunArgs};
use crate::diagnose::{usage, EXIT_OK};
use anyhow::Result;

/// `serve`'s own flags.
pub struct ServeFlags {
    pub listen: std::net::SocketAddr,
    pub max_concurrent_probes: usize,
    pub allow_targets: Vec<String>,
    pub credentials_file: Option<std::path::PathBuf>,
}

pub async fn serve(flags: ServeFlags, run: RunArgs, env: Env) -> Result<u8> {
    let credentials = match &flags.credentials_file {
        Some(f) => usage(crate::serve::read_credentials(f))?,
        None => Default::default(),
    };
    // Validate the shared options once, up front.
    usage(run.to_config("conncheck.invalid", &env))?;
    let opts = crate::serve::ServeOptions {
        listen: flags.listen,
        max_concurrent: flags.max_concurrent_probes,
        allow_targets: flags.allow_targets,
        credentials,
    };
    crate::serve::serve(run, env, opts).await?;
    Ok(EXIT_OK)
}
