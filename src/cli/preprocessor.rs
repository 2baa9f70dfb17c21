//! The preprocessor mode: book JSON on stdin, book JSON on stdout.

use mdbook_tdd::{Diagnostic, Diagnostics, Lint};
use mdbook_tdd::{RawBook, RawRunOutput, parse_input_raw, rss, terminal};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

/// Prints diagnostics to stderr in the human format, with a summary line.
/// Text from the book in them (messages, notes, file names) is shown with
/// control characters escaped.
pub fn report(diags: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Stderr is unbuffered: thousands of warnings would be as many writes
    // (each a wake-up of whoever reads the pipe).
    let mut err = std::io::BufWriter::with_capacity(1 << 16, std::io::stderr().lock());
    for d in diags {
        let _ = writeln!(err, "{}\n", visible_diagnostic(d).render(color));
    }
    let summary = diags.summary();
    if !summary.is_empty() {
        let _ = writeln!(err, "mdbook-tdd: {summary}");
    }
    let _ = err.flush();
}

/// Reads the whole of stdin, processes the book, writes it to stdout.
///
/// Chapter contents stay JSON literals of the input until a chapter must be
/// read; chapters without changes are written back as they came.
pub fn run() -> ExitCode {
    let start = std::time::Instant::now();
    widen_pipes();
    let t = std::time::Instant::now();
    // The input is read as it arrives, and its chapters are analyzed while
    // the rest is read; input that does not read that way is read whole and
    // parsed as before.
    let mut incoming = mdbook_tdd::Incoming::with_reserve(stdin_source(), input_reserve());
    let streamed = match incoming.start() {
        Ok(mdbook_tdd::Start::Context(context)) => {
            log::debug!("read context: {:?}", t.elapsed());
            mdbook_tdd::run_incoming(&context, &mut incoming).map(|s| (s, Some(context)))
        }
        Ok(mdbook_tdd::Start::Whole(all)) => Ok((mdbook_tdd::Streamed::Whole(all), None)),
        Err(e) => Err(e),
    };
    let (book, out) = match streamed {
        // The version is warned of once the input is known to be a book
        // (as the whole parse does).
        Ok((mdbook_tdd::Streamed::Done(book, out), context)) => {
            if let Some(w) = context.and_then(|c| c.version_warning()) {
                log::warn!("{w}");
            }
            (book, out)
        }
        Ok((mdbook_tdd::Streamed::Whole(all), _)) => match run_whole(all) {
            Ok(done) => done,
            Err(code) => return code,
        },
        Err(e) => {
            return fail(Diagnostic::new(
                Lint::BadInput,
                format!("cannot read stdin: {e}"),
            ));
        }
    };
    log::debug!("run: {:?} (rss {})", t.elapsed(), rss());
    let Some(contents) = &out.contents else {
        report(&out.diagnostics);
        return ExitCode::FAILURE;
    };
    // The diagnostics go to stderr while the book goes to stdout (on the
    // threads of the pool, which exist already).
    let ((), written) = rayon::join(
        || {
            let t = std::time::Instant::now();
            report(&out.diagnostics);
            log::debug!("report: {:?}", t.elapsed());
        },
        || {
            let t = std::time::Instant::now();
            let written = match raw_stdout() {
                Some(file) => {
                    let mut w = std::io::BufWriter::with_capacity(1 << 17, file);
                    book.write(contents, &mut w).and_then(|()| w.flush())
                }
                None => {
                    let mut w =
                        std::io::BufWriter::with_capacity(1 << 17, std::io::stdout().lock());
                    book.write(contents, &mut w).and_then(|()| w.flush())
                }
            };
            log::debug!("write output: {:?} (rss {})", t.elapsed(), rss());
            written
        },
    );
    if let Err(e) = written {
        eprintln!("error: cannot write to stdout: {e}");
        return ExitCode::FAILURE;
    }
    log::debug!("total: {:?}", start.elapsed());
    // Everything is written: exit at once. Freeing the book, the model and
    // the outputs one allocation at a time would only delay mdBook.
    std::process::exit(0)
}

/// Parses the whole input and runs on it; the exit code of the failure if
/// it is not the input mdBook sends.
fn run_whole(input: Vec<u8>) -> Result<(RawBook, RawRunOutput), ExitCode> {
    log::debug!("input read whole ({} bytes)", input.len());
    let input = Arc::new(input);
    let t = std::time::Instant::now();
    let (context, book) = match parse_input_raw(&input) {
        Ok(p) => p,
        Err(e) => return Err(fail(Diagnostic::new(Lint::BadInput, e.to_string()))),
    };
    log::debug!("parse input: {:?} (rss {})", t.elapsed(), rss());
    if let Some(w) = context.version_warning() {
        log::warn!("{w}");
    }
    let out = mdbook_tdd::run_raw(&context, &book);
    Ok((book, out))
}

/// The address space the input is read into: as much as stdin holds when
/// it is a file, else 1 GiB where addresses are 64 bits wide (128 MiB
/// otherwise), which costs no memory until written to and spares a large
/// item the copies of a growing buffer.
fn input_reserve() -> usize {
    #[cfg(unix)]
    if let Ok(fd) = std::os::fd::AsFd::as_fd(&std::io::stdin()).try_clone_to_owned()
        && let Ok(meta) = std::fs::File::from(fd).metadata()
        && meta.is_file()
        && let Ok(len) = usize::try_from(meta.len())
    {
        return len.saturating_add(1);
    }
    if cfg!(target_pointer_width = "64") {
        1 << 30
    } else {
        1 << 27
    }
}

/// Standard input as a file of its own (read without the locking and the
/// buffer of [`std::io::Stdin`], and sendable to another thread), or
/// [`std::io::Stdin`] where the descriptor cannot be duplicated.
fn stdin_source() -> Box<dyn std::io::Read + Send> {
    #[cfg(unix)]
    if let Ok(fd) = std::os::fd::AsFd::as_fd(&std::io::stdin()).try_clone_to_owned() {
        return Box::new(std::fs::File::from(fd));
    }
    Box::new(std::io::stdin())
}

/// Standard output as a file of its own, written without the line
/// buffering of [`std::io::Stdout`] (which looks for the last line break
/// of every write, and a book's JSON has none); `None` where the
/// descriptor cannot be duplicated.
#[cfg(unix)]
fn raw_stdout() -> Option<std::fs::File> {
    std::os::fd::AsFd::as_fd(&std::io::stdout())
        .try_clone_to_owned()
        .ok()
        .map(std::fs::File::from)
}

#[cfg(not(unix))]
fn raw_stdout() -> Option<std::fs::File> {
    None
}

/// The pipe buffer asked for stdin and stdout: mdBook writes the book into
/// one pipe and reads it back from the other, and a 100 MB book through the
/// default 64 KiB buffers means thousands of switches between the two
/// processes. 1 MiB is the largest size Linux grants without privileges.
#[cfg(any(target_os = "linux", target_os = "android"))]
const PIPE_BUFFER: usize = 1 << 20;

/// Widens stdin and stdout where they are pipes (Linux only); where they are
/// not, or the system refuses, nothing changes.
fn widen_pipes() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    for fd in [
        std::os::fd::AsFd::as_fd(&std::io::stdin()),
        std::os::fd::AsFd::as_fd(&std::io::stdout()),
    ] {
        let _ = rustix::pipe::fcntl_setpipe_size(fd, PIPE_BUFFER);
    }
}

/// The diagnostic with every text of it made safe for a terminal (borrowed
/// when nothing needs escaping).
fn visible_diagnostic(d: &Diagnostic) -> std::borrow::Cow<'_, Diagnostic> {
    use std::borrow::Cow;
    let unsafe_text = |s: &str| s.chars().any(terminal::is_unsafe);
    if !unsafe_text(&d.message)
        && !d.notes.iter().any(|n| unsafe_text(n))
        && !d.location.as_ref().is_some_and(|l| unsafe_text(&l.file))
    {
        return Cow::Borrowed(d);
    }
    let mut safe = d.clone();
    safe.message = terminal::visible(&d.message).into_owned();
    for n in &mut safe.notes {
        *n = terminal::visible(n).into_owned();
    }
    if let Some(l) = &mut safe.location {
        l.file = terminal::visible(&l.file).into_owned();
    }
    Cow::Owned(safe)
}

fn fail(d: Diagnostic) -> ExitCode {
    let mut diags = Diagnostics::new();
    diags.push(d);
    report(&diags);
    ExitCode::FAILURE
}
