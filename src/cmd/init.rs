//! `conncheck init TARGET`: a commented starter profile.

use super::output::write_stdout;
use crate::diagnose::{usage, usage_error, EXIT_OK};
use anyhow::Result;

pub fn init(
    target: &str,
    origins: &[String],
    api_base: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<u8> {
    let mut t = usage(crate::target::Target::new(target, api_base))?;
    for o in origins {
        t.origins.push(usage(crate::target::Origin::parse(o))?);
    }
    t.finish();
    let text = crate::profile::starter(&t);
    match output {
        None => write_stdout(text.as_bytes()),
        Some(path) => {
            if path.exists() {
                return Err(usage_error(format!(
                    "{} exists; not overwriting it",
                    path.display()
                )));
            }
            std::fs::write(path, &text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "wrote {}; run it with: conncheck --profile {}",
                path.display(),
                path.display()
            );
        }
    }
    Ok(EXIT_OK)
}
