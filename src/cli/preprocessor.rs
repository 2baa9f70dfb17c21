//! The preprocessor mode: book JSON on stdin, book JSON on stdout.

use mdbook_tdd::diagnostic::{Diagnostic, Diagnostics, Lint};
use mdbook_tdd::protocol;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

/// Prints diagnostics to stderr in the human format, with a summary line.
pub fn report(diags: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render(color));
    }
    let summary = diags.summary();
    if !summary.is_empty() {
        let _ = writeln!(err, "mdbook-tdd: {summary}");
    }
}

/// Reads the whole of stdin, processes the book, writes it to stdout.
pub fn run() -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        return fail(Diagnostic::new(
            Lint::BadInput,
            format!("cannot read stdin: {e}"),
        ));
    }
    let t = std::time::Instant::now();
    let parsed = match protocol::parse_input(&input) {
        Ok(p) => p,
        Err(e) => return fail(Diagnostic::new(Lint::BadInput, e.to_string())),
    };
    drop(input);
    log::debug!("parse input: {:?}", t.elapsed());
    if let Some(w) = parsed.context.version_warning() {
        log::warn!("{w}");
    }
    let t = std::time::Instant::now();
    let out = mdbook_tdd::run(&parsed.context, parsed.book);
    log::debug!("run: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    report(&out.diagnostics);
    log::debug!("report: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let Some(book) = out.book else {
        return ExitCode::FAILURE;
    };
    let json = match protocol::write_book(&book, parsed.shape) {
        Ok(j) => j,
        Err(e) => {
            return fail(Diagnostic::new(
                Lint::BadInput,
                format!("cannot write the book: {e}"),
            ));
        }
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&json).and_then(|()| stdout.flush()) {
        eprintln!("error: cannot write to stdout: {e}");
        return ExitCode::FAILURE;
    }
    log::debug!("write output: {:?}", t.elapsed());
    ExitCode::SUCCESS
}

fn fail(d: Diagnostic) -> ExitCode {
    let mut diags = Diagnostics::new();
    diags.push(d);
    report(&diags);
    ExitCode::FAILURE
}
