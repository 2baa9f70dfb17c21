//! Command-line parsing and the commands. The library does the work; this
//! module only reads arguments, does I/O and picks exit codes.

mod authoring;
mod chapter_arg;
mod docs;
mod init;
mod inspect;
mod pin;
mod preprocessor;
mod write;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
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

/// Where the book is: a positional directory or `--book DIR`, else the
/// current directory.
#[derive(Debug, clap::Args)]
struct BookArg {
    /// The book directory (holding book.toml); default: the current directory.
    #[arg(value_name = "BOOK")]
    book: Option<PathBuf>,
    /// The book directory, as an option.
    #[arg(long = "book", value_name = "DIR", conflicts_with = "book")]
    book_opt: Option<PathBuf>,
}

impl BookArg {
    fn dir(&self) -> PathBuf {
        self.book
            .clone()
            .or_else(|| self.book_opt.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// rustc-like text (coloured on a terminal).
    Human,
    /// A JSON array, one object per diagnostic.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// A GitLab Code Quality report (findings in the merge request).
    Gitlab,
    /// A SARIF 2.1.0 log (GitHub code scanning and other SARIF readers).
    Sarif,
}

/// Output formats of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    /// Aligned columns for a terminal.
    Table,
    /// Markdown tables.
    Markdown,
    /// Versioned JSON with every TDD and PRD.
    Json,
    /// A Graphviz graph of PRDs, their TDDs and what supersedes what.
    Dot,
    /// The same graph as a Mermaid flowchart.
    Mermaid,
    /// Both tables as one CSV table (RFC 4180) for spreadsheets.
    Csv,
}

/// What `new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// A technical design (`{{#tdd-skeleton}}`, the TDD template).
    Tdd,
    /// A product requirements document (`{{#prd-skeleton}}`, the PRD
    /// template).
    Prd,
}

/// The schemas `schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaName {
    /// book.toml with its `[preprocessor.tdd]` table (for Taplo and other
    /// TOML tools).
    Config,
    /// The JSON of `status --format json`.
    Status,
    /// The JSON of `check --format json`.
    Check,
}

/// `--today YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<mdbook_tdd::Date, String> {
    mdbook_tdd::Date::parse(s.trim())
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tell mdBook whether a renderer is supported (always: the output is
    /// plain Markdown). Exits 0.
    Supports {
        /// The renderer's name (`html`, `markdown`, `test`, ...).
        renderer: String,
    },
    /// Load the book from disk, run the whole analysis without writing
    /// anything, and print every diagnostic. Exit status: 0 clean (warnings
    /// allowed), 1 on errors, 2 on usage or I/O errors.
    Check {
        #[command(flatten)]
        book: BookArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// The day review dates are judged against (default:
        /// MDBOOK_TDD_TODAY, else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<mdbook_tdd::Date>,
    },
    /// Print the document model: every TDD and PRD with status, PRD link,
    /// open items, blockers and completeness.
    Status {
        #[command(flatten)]
        book: BookArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
        format: StatusFormat,
        /// The day review dates are judged against (default:
        /// MDBOOK_TDD_TODAY, else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<mdbook_tdd::Date>,
    },
    /// Create a design-doc book: book.toml set up for mdbook-tdd, SUMMARY.md
    /// with Product Requirements, Technical Designs and Status parts, a
    /// status page, and an example PRD with a TDD of it. In an existing book
    /// only what is missing is added; nothing is overwritten. Asks for the
    /// title and author when stdin is a terminal (unless `--yes`).
    Init {
        /// The book directory (made if missing); default: the current
        /// directory.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Ask nothing: the values of the options, else the defaults.
        #[arg(long, short = 'y')]
        yes: bool,
        /// The book's title (default: Design Docs).
        #[arg(long)]
        title: Option<String>,
        /// The author of the book and of the example documents.
        #[arg(long)]
        author: Option<String>,
        /// The date of the example documents (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// Leave out the example PRD and TDD.
        #[arg(long)]
        no_example: bool,
    },
    /// Create a TDD (or with `--kind prd` a PRD) file and add it to
    /// SUMMARY.md: a TDD under its PRD's entry, or after the last TDD; a PRD
    /// after the last PRD, or in the Product Requirements part. Never
    /// overwrites a file.
    New {
        /// The document's title.
        title: String,
        /// What to create.
        #[arg(long, value_enum, default_value_t = NewKind::Tdd)]
        kind: NewKind,
        /// The source PRD of the TDD: its path relative to the current
        /// directory, the book root or the src dir, or its name in SUMMARY.md.
        #[arg(long, value_name = "CHAPTER")]
        prd: Option<String>,
        /// The author.
        #[arg(long)]
        author: Option<String>,
        /// The date (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// Directory for the file, relative to the src dir (default: from
        /// `tdd-paths`, else `tdd`; for a PRD from `prd-paths`, else `prd`).
        #[arg(long)]
        dir: Option<String>,
        /// Write the expanded template instead of the skeleton directive.
        #[arg(long)]
        expand: bool,
        /// The document (of the same kind) this one replaces, named as for
        /// --prd: written as the new one's Supersedes field, and the entry
        /// goes right after the old one's.
        #[arg(long, value_name = "CHAPTER")]
        supersedes: Option<String>,
        /// Also set the old document's Status to `superseded-status` (Superseded
        /// unless configured), in place (only the status value changes).
        #[arg(long, requires = "supersedes")]
        mark_superseded: bool,
        /// The book directory (holding book.toml); default: the current directory.
        #[arg(long = "book", value_name = "DIR")]
        book: Option<PathBuf>,
    },
    /// Replace the skeleton directive of a chapter file by its merged
    /// expansion, in place (atomically).
    Expand {
        /// The chapter: its path relative to the current directory, the book
        /// root or the src dir, or its name in SUMMARY.md (a file that is
        /// not a chapter: its path).
        #[arg(value_name = "CHAPTER")]
        file: PathBuf,
        /// The book directory (default: the nearest parent with book.toml).
        #[arg(long = "book", value_name = "DIR")]
        book: Option<PathBuf>,
    },
    /// Set the PRD version pin of TDDs (`**Source PRD:** [P](p.md) @ 1.4`)
    /// to their PRD's current Version, after the design was reviewed
    /// against it: in place (atomically), no other byte changed. Exit
    /// status: 0 when every file is pinned, 1 when some could not be (a TDD
    /// whose Source PRD resolves to no PRD, a PRD without Version; the
    /// others are pinned still), 2 on usage errors.
    Pin {
        /// The TDDs: each a path relative to the current directory, the book
        /// root or the src dir, or a name in SUMMARY.md.
        #[arg(value_name = "CHAPTER", required_unless_present = "all")]
        files: Vec<PathBuf>,
        /// Every live TDD of the book.
        #[arg(long)]
        all: bool,
        /// The book directory (default: the nearest parent of the first
        /// CHAPTER with book.toml, else the current directory).
        #[arg(long = "book", value_name = "DIR")]
        book: Option<PathBuf>,
    },
    /// Add `[preprocessor.tdd]` (after `links`, before a Mermaid
    /// preprocessor) and the status badge stylesheet to book.toml, keeping
    /// its formatting and comments. Running it twice changes nothing.
    Install {
        #[command(flatten)]
        book: BookArg,
    },
    /// Print the completion script for a shell to stdout. Bash: save it as
    /// ~/.local/share/bash-completion/completions/mdbook-tdd; zsh: as
    /// `_mdbook-tdd` in a directory of `fpath`; fish: as
    /// ~/.config/fish/completions/mdbook-tdd.fish.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of mdbook-tdd, or of one of its
    /// commands, to stdout; or write every page into a directory. Read it
    /// with `mdbook-tdd man | man -l -`.
    Man {
        /// The command whose page to print (`check`, `status`, ...);
        /// default: the page of mdbook-tdd itself.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
        /// Write every page (mdbook-tdd.1, mdbook-tdd-check.1, ...) into
        /// DIR, which must exist, instead (replacing pages there
        /// atomically), e.g. ~/.local/share/man/man1.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out: Option<PathBuf>,
    },
    /// Print a JSON Schema (draft 7): of book.toml with `[preprocessor.tdd]`,
    /// or of the JSON that `status` or `check` print.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaName,
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
            let text = record.args().to_string();
            writeln!(f, "{level}: {}", mdbook_tdd::terminal::visible_lines(&text))
        })
        .try_init();
}

/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// Prints a line for people on stdout, with control characters escaped
/// (see [`mdbook_tdd::terminal`]). A closed stdout is not an error here.
fn say(line: impl std::fmt::Display) {
    print_line(&mut std::io::stdout(), line);
}

/// [`say`] on stderr.
fn tell(line: impl std::fmt::Display) {
    print_line(&mut std::io::stderr(), line);
}

fn print_line(out: &mut dyn std::io::Write, line: impl std::fmt::Display) {
    let text = line.to_string();
    let _ = writeln!(out, "{}", mdbook_tdd::terminal::visible_lines(&text));
}

/// Prints an error about the command line or the file system (control
/// characters escaped) and returns exit status 2.
fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    tell(format_args!("error: {message}"));
    ExitCode::from(EXIT_USAGE)
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => preprocessor::run(),
        Some(Command::Supports { renderer }) => {
            log::debug!("supports {renderer}: yes");
            ExitCode::SUCCESS
        }
        Some(Command::Check {
            book,
            format,
            strict,
            today,
        }) => inspect::check(&book.dir(), format, strict, today),
        Some(Command::Status {
            book,
            format,
            today,
        }) => inspect::status(&book.dir(), format, today),
        Some(Command::Init {
            dir,
            yes,
            title,
            author,
            date,
            no_example,
        }) => init::init(init::InitArgs {
            dir: dir.unwrap_or_else(|| PathBuf::from(".")),
            yes,
            title,
            author,
            date,
            no_example,
        }),
        Some(Command::New {
            title,
            kind,
            prd,
            author,
            date,
            dir,
            expand,
            supersedes,
            mark_superseded,
            book,
        }) => authoring::new(authoring::NewArgs {
            book: book.unwrap_or_else(|| PathBuf::from(".")),
            title,
            kind,
            prd,
            author,
            date,
            dir,
            expand,
            supersedes,
            mark_superseded,
        }),
        Some(Command::Expand { file, book }) => authoring::expand(&file, book.as_deref()),
        Some(Command::Pin { files, all, book }) => pin::pin(&files, all, book.as_deref()),
        Some(Command::Install { book }) => authoring::install(&book.dir()),
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man { command, out }) => docs::man(command.as_deref(), out.as_deref()),
        Some(Command::Schema { which }) => {
            let kind = match which {
                SchemaName::Config => mdbook_tdd::SchemaKind::Config,
                SchemaName::Status => mdbook_tdd::SchemaKind::Status,
                SchemaName::Check => mdbook_tdd::SchemaKind::Check,
            };
            inspect::write_stdout(&kind.json())
        }
    }
}
