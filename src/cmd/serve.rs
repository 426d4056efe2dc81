//! `conncheck serve`: validate its options, then hand over to [`crate::serve`].

use crate::cli::{Env, ServeArgs};
use crate::diagnose::{usage, EXIT_OK};
use anyhow::Result;

pub async fn serve(args: ServeArgs, env: Env) -> Result<u8> {
    let credentials = match &args.credentials_file {
        Some(f) => usage(crate::serve::read_credentials(f))?,
        None => Default::default(),
    };
    // Validate the shared options once, up front.
    usage(args.run.to_config("conncheck.invalid", &env))?;
    let opts = crate::serve::ServeOptions {
        listen: args.listen,
        max_concurrent: args.max_concurrent_probes,
        allow_targets: args.allow_targets,
        credentials,
        profiles_dir: args.profiles_dir,
        max_connections: args.max_connections,
        ..Default::default()
    };
    crate::serve::serve(args.run, env, opts).await?;
    Ok(EXIT_OK)
}
