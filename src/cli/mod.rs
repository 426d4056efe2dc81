//! The command line: the flags (clap derive, `args.rs`), validated into one [`Config`] in one place
//! ([`config()`]), and the words around them ([`help`]). Nothing downstream re-reads
//! flags.

mod args;
mod config;
pub mod help;

pub use args::{Cli, ColorChoice, Command, FailOn, Format, OutputArgs, RunArgs, ServeArgs};
pub use config::{config, parse_resolver, Config, Env, Output, ReportFiles};

/// The clap command with the module list (from the registry) written into the help of
/// `--only`/`--skip`, wherever they appear.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let modules: Vec<String> = crate::checks::REGISTRY
        .iter()
        .map(|s| format!("{} ({})", s.module.name(), s.about))
        .collect();
    let names: Vec<&str> = crate::engine::model::Module::ALL
        .iter()
        .map(|m| m.name())
        .collect();
    let list = names.join(", ");
    let long = modules.join("\n  ");
    let patch = move |c: clap::Command| -> clap::Command {
        let has_only = c.get_arguments().any(|a| a.get_id() == "only");
        if !has_only {
            return c;
        }
        c.mut_arg("only", |a| {
            a.help(format!("Run only these modules (comma list: {list})"))
                .long_help(format!("Run only these modules (comma list):\n  {long}"))
        })
        .mut_arg("skip", |a| {
            a.help(format!("Skip these modules (comma list: {list})"))
        })
    };
    let mut cmd = patch(Cli::command());
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let p = patch.clone();
        cmd = cmd.mut_subcommand(name, p);
    }
    cmd
}

/// Parse the process arguments with [`command`]; an error keeps clap's whole text (the missing
/// argument, "a similar argument exists", the possible values) with conncheck's own tips added.
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

/// [`parse`] over the given arguments (the first is the program name).
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(with_tips)
}

/// Add a tip to clap's error for flags conncheck deliberately lacks: credentials come from the
/// environment, never from argv.
fn with_tips(mut e: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    let var = match arg.split('=').next().unwrap_or_default() {
        "--password" | "--pass" => "CONNCHECK_PASSWORD",
        "--username" | "--user" => "CONNCHECK_USERNAME",
        _ => return e,
    };
    // Instead of clap's "to pass it as a value, use `--`", which is not what the user meant.
    let tip = format!("credentials come only from the environment: {var}=… conncheck …");
    e.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tip.into()]),
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("conncheck").chain(args.iter().copied()))
    }

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("10.0.0.2").unwrap().to_string(),
            "10.0.0.2:53"
        );
        assert_eq!(parse_resolver("127.0.0.1:5353").unwrap().port(), 5353);
        assert_eq!(parse_resolver("::1").unwrap().to_string(), "[::1]:53");
        assert_eq!(parse_resolver("[::1]:5300").unwrap().port(), 5300);
        assert!(parse_resolver("dns.google").is_err());
        assert!(parse_resolver("127.0.0.1:99999").is_err());
    }

    #[test]
    fn demo_and_target_parse() {
        let c = parse(&["demo", "--list"]).unwrap();
        assert!(matches!(c.command, Some(Command::Demo { list: true, .. })));
        let c = parse(&[
            "api.x.test",
            "--origin",
            "https://x.test",
            "--only",
            "dns,cors",
        ])
        .unwrap();
        assert_eq!(c.targets, vec!["api.x.test"]);
        assert_eq!(c.run.origins, vec!["https://x.test"]);
    }

    #[test]
    fn config_validates_modules_and_secs() {
        let env = Env::default();
        let c = parse(&["api.x.test", "--only", "nope"]).unwrap();
        assert!(c
            .run
            .to_config("api.x.test", &env)
            .unwrap_err()
            .to_string()
            .contains("unknown module 'nope'"));
        let c = parse(&["api.x.test", "--timeout", "0"]).unwrap();
        assert!(c.run.to_config("api.x.test", &env).is_err());
        let c = parse(&["api.x.test"]).unwrap();
        let cfg = c.run.to_config("api.x.test", &env).unwrap();
        assert!(cfg.target.origins_inferred);
        assert_eq!(cfg.target.origins[0].as_str(), "https://x.test");
    }
}
