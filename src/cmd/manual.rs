//! `conncheck completions SHELL` and `conncheck man [COMMAND] [--dir DIR]`: the shell
//! completion script (offering module, scenario and shipped profile names) and the man pages
//! (one per command, with the examples verbatim, EXIT STATUS and ENVIRONMENT).

use super::output::write_stdout;
use crate::cli::help;
use crate::diagnose::{usage_error, EXIT_OK};
use anyhow::{Context as _, Result};
use clap::builder::PossibleValuesParser;
use std::path::Path;

/// The command as completion sees it: the names a value can take, where conncheck knows them.
pub fn completion_command() -> clap::Command {
    let modules: Vec<&'static str> = crate::engine::model::Module::ALL
        .iter()
        .map(|m| m.name())
        .collect();
    let scenarios: Vec<&'static str> = crate::lab::scenarios::all()
        .iter()
        .map(|s| s.name)
        .collect();
    let profiles: Vec<&'static str> = crate::profile::SHIPPED.iter().map(|(n, _)| *n).collect();
    let values: [(&str, Vec<&'static str>); 4] = [
        ("only", modules.clone()),
        ("skip", modules),
        ("profile", profiles),
        ("scenario", scenarios),
    ];
    let decorate = move |mut c: clap::Command| -> clap::Command {
        for (id, names) in &values {
            if c.get_arguments().any(|a| a.get_id() == id) {
                let names = names.clone();
                c = c.mut_arg(*id, |a| a.value_parser(PossibleValuesParser::new(names)));
            }
        }
        c
    };
    let mut cmd = decorate.clone()(crate::cli::command());
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, decorate.clone());
    }
    cmd
}

pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut cmd = completion_command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "conncheck", &mut out);
    write_stdout(&out);
    Ok(EXIT_OK)
}

/// `man`: one page on stdout, or every page into `dir`.
pub fn man(command: Option<&str>, dir: Option<&Path>) -> Result<u8> {
    let mut root = crate::cli::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, cmd) in pages(&root) {
            let path = dir.join(format!(
                "{}.1",
                cmd.get_display_name().unwrap_or("conncheck")
            ));
            std::fs::write(&path, page(&name, cmd)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        return Ok(EXIT_OK);
    }
    let name = command.unwrap_or("");
    let Some((_, cmd)) = pages(&root).into_iter().find(|(n, _)| n == name) else {
        return Err(usage_error(format!(
            "no command '{name}' (see conncheck --help)"
        )));
    };
    write_stdout(&page(name, cmd)?);
    Ok(EXIT_OK)
}

/// The commands with a page: `""` for conncheck itself, then each subcommand.
fn pages(root: &clap::Command) -> Vec<(String, clap::Command)> {
    let mut v = vec![(String::new(), root.clone())];
    v.extend(
        root.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| (s.get_name().to_string(), s.clone())),
    );
    v
}

/// One page: clap's sections, then ours (the examples verbatim, exit status, environment).
fn page(name: &str, cmd: clap::Command) -> Result<Vec<u8>> {
    // The epilog is the examples again, refilled by roff: the EXAMPLES section has them as is.
    let cmd = cmd.after_help(clap::builder::Resettable::<clap::builder::StyledStr>::Reset);
    let has_subcommands = cmd.get_subcommands().next().is_some();
    let has_version = cmd.get_version().is_some();
    let man = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    out.extend(roff_sections(name).into_bytes());
    if has_version {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// EXAMPLES (no-fill, so each command line stays one line), EXIT STATUS, ENVIRONMENT.
fn roff_sections(name: &str) -> String {
    let mut s = String::new();
    let examples = help::examples(name);
    if !examples.is_empty() {
        s.push_str(".SH EXAMPLES\n");
        for e in examples {
            s.push_str(&format!(
                ".PP\n{}\n.PP\n.nf\n.RS 4\n{}\n.RE\n.fi\n",
                roff(e.what),
                roff(e.line)
            ));
        }
    }
    s.push_str(".SH \"EXIT STATUS\"\n");
    for (code, what) in help::EXIT_STATUS {
        s.push_str(&format!(".TP\n{code}\n{}\n", roff(what)));
    }
    s.push_str(".SH ENVIRONMENT\n");
    for (var, what) in help::ENVIRONMENT {
        s.push_str(&format!(".TP\n{}\n{}\n", roff(var), roff(what)));
    }
    s
}

/// Text safe on a roff line: backslashes and hyphens escaped, no line starting a request.
fn roff(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_its_examples_verbatim_and_the_exit_status() {
        let mut root = crate::cli::command();
        root.build();
        for (name, cmd) in pages(&root) {
            let text = String::from_utf8(page(&name, cmd).unwrap()).unwrap();
            assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
            assert!(text.contains(".SH ENVIRONMENT"), "{name}");
            assert!(text.contains("CONNCHECK_PASSWORD"), "{name}");
            for e in help::examples(&name) {
                assert!(
                    text.contains(&format!(".nf\n.RS 4\n{}\n", roff(e.line))),
                    "{name}: {}",
                    e.line
                );
            }
        }
    }

    #[test]
    fn completion_offers_modules_scenarios_and_profiles() {
        let cmd = completion_command();
        let values = |c: &clap::Command, id: &str| -> Vec<String> {
            c.get_arguments()
                .find(|a| a.get_id() == id)
                .unwrap()
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect()
        };
        assert!(values(&cmd, "only").contains(&"cors".to_string()));
        assert!(values(&cmd, "profile").contains(&"tiktrue".to_string()));
        let demo = cmd.find_subcommand("demo").unwrap();
        assert!(values(demo, "scenario").contains(&"cors-duplicate-header".to_string()));
        let mut cmd = completion_command();
        let mut out = Vec::new();
        clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "conncheck", &mut out);
        let script = String::from_utf8(out).unwrap();
        assert!(script.contains("cors-duplicate-header") && script.contains("django-simplejwt"));
    }
}
