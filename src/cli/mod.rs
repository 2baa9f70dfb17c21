//! Command-line parsing and the commands. The library does the work; this
//! module only reads arguments, does I/O and picks exit codes.

mod preprocessor;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// An mdBook preprocessor for technical design documents: expands
/// `{{#tdd-skeleton}}` into the TDD template, ties every TDD to its source
/// PRD, and renders cross-document status tables.
///
/// Without a command it runs as the preprocessor: the book JSON from mdBook
/// on stdin, the processed book on stdout.
#[derive(Debug, Parser)]
#[command(name = "mdbook-tdd", version, about, long_about)]
pub struct Cli {
    /// Log more to stderr (-v: info, -vv: debug). `RUST_LOG` also works.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tell mdBook whether a renderer is supported (always: the output is
    /// plain Markdown). Exits 0.
    Supports {
        /// The renderer's name (`html`, `markdown`, `test`, ...).
        renderer: String,
    },
}

/// Sets up logging to stderr: `RUST_LOG` if set, else warnings (or more
/// with `-v`).
pub fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let env = env_logger::Env::default().default_filter_or(default);
    let _ = env_logger::Builder::from_env(env)
        .target(env_logger::Target::Stderr)
        .format(|f, record| {
            use std::io::Write;
            let level = record.level().as_str().to_ascii_lowercase();
            let level = if level == "warn" {
                "warning".to_string()
            } else {
                level
            };
            writeln!(f, "{level}: {}", record.args())
        })
        .try_init();
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => preprocessor::run(),
        Some(Command::Supports { renderer }) => {
            log::debug!("supports {renderer}: yes");
            ExitCode::SUCCESS
        }
    }
}
