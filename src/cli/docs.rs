//! `completions` and `man`: the command line describing itself, from the
//! same definition clap parses with.

use super::{Cli, say, usage_error, write};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The command line with every name filled in as clap fills it for a run
/// (`mdbook-tdd check` is `mdbook-tdd-check` in page names).
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn write_stdout(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(format!("cannot write to stdout: {e}")),
    }
}

/// `mdbook-tdd completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = command();
    // Into memory first: the generator panics when its writer fails (a
    // closed pipe), and a command never panics.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mdbook-tdd", &mut script);
    if shell == clap_complete::Shell::Bash {
        script = bash_fix(&script);
    }
    write_stdout(&script)
}

/// The bash script of clap_complete 4.6 never completes past a command
/// for a program whose name has a hyphen (clap issue 6421): its loop names
/// the state of `mdbook-tdd check` `mdbook__tdd__subcmd__check`, but the
/// case arm that completes it is spelt `mdbook__subcmd__tdd__subcmd__check`.
/// The arms are renamed to what the loop looks for; a fixed generator
/// leaves nothing to rename.
fn bash_fix(script: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    text.replace("mdbook__subcmd__tdd__", "mdbook__tdd__")
        .into_bytes()
}

/// Every manual page: `mdbook-tdd.1`, then one per command
/// (`mdbook-tdd-check.1`, ...), each as its file name and roff text.
fn pages() -> Result<Vec<(String, Vec<u8>)>, std::io::Error> {
    let root = command();
    std::iter::once(&root)
        .chain(root.get_subcommands().filter(|s| !s.is_hide_set()))
        .map(|cmd| {
            // Every page names the program and its version as its source
            // (a command has no version of its own).
            let man = clap_mangen::Man::new(cmd.clone())
                .source(format!("mdbook-tdd {}", env!("CARGO_PKG_VERSION")));
            let mut roff = Vec::new();
            man.render(&mut roff)?;
            Ok((man.get_filename(), roff))
        })
        .collect()
}

/// `mdbook-tdd man [COMMAND] [--out DIR]`.
pub fn man(command_name: Option<&str>, out: Option<&Path>) -> ExitCode {
    let pages = match pages() {
        Ok(p) => p,
        Err(e) => return usage_error(format!("cannot render the manual: {e}")),
    };
    if let Some(dir) = out {
        return write_pages(dir, &pages);
    }
    let file = match command_name {
        None => "mdbook-tdd.1".to_string(),
        Some(c) => format!("mdbook-tdd-{c}.1"),
    };
    match pages.iter().find(|(name, _)| *name == file) {
        Some((_, roff)) => write_stdout(roff),
        None => {
            let names: Vec<String> = command()
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name().to_string())
                .collect();
            usage_error(format!(
                "`{}` is no command of mdbook-tdd; its commands are {}",
                command_name.unwrap_or_default(),
                names.join(", ")
            ))
        }
    }
}

/// Writes every page into `dir` (which must exist), by the rules every
/// command writes by (`dir` standing for the book): each page replaced
/// atomically or created new, all checked before the first write, and
/// what was written taken back if a later page cannot be.
fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> ExitCode {
    if !dir.is_dir() {
        return usage_error(format!("`{}` is not a directory", dir.display()));
    }
    enum Plan {
        Replace(write::Replace, Vec<u8>),
        Create(write::Create),
    }
    let target = match write::Book::open(dir) {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let mut plans = Vec::new();
    for (name, _) in pages {
        let path = dir.join(name);
        let plan = if std::fs::symlink_metadata(&path).is_ok() {
            target
                .replace(&path)
                .and_then(|r| match std::fs::read(&path) {
                    Ok(old) => Ok(Plan::Replace(r, old)),
                    Err(source) => Err(write::WriteError::Io { path, source }),
                })
        } else {
            target.create(Path::new(name)).map(Plan::Create)
        };
        match plan {
            Ok(p) => plans.push(p),
            Err(e) => return usage_error(e),
        }
    }
    let mut created = Vec::new();
    let mut replaced = Vec::new();
    for (plan, (_, roff)) in plans.iter().zip(pages) {
        let written = match plan {
            Plan::Replace(r, old) => r.write(roff).map(|()| replaced.push((r, old))),
            Plan::Create(c) => c.write(roff).map(|made| created.push(made)),
        };
        if let Err(e) = written {
            for made in created {
                made.undo();
            }
            for (r, old) in replaced {
                let _ = r.write(old);
            }
            return usage_error(e);
        }
    }
    for (name, _) in pages {
        say(format_args!("wrote {}", dir.join(name).display()));
    }
    ExitCode::SUCCESS
}
