//! `check` and `status`: the analysis of a book on disk, printed.

use super::{CheckFormat, StatusFormat, preprocessor, tell, usage_error};
use mdbook_tdd::{BookModel, DiagnosticEntry, StatusReport, github_annotation, terminal};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub(super) fn write_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(format!("cannot write to stdout: {e}")),
    }
}

/// Pretty JSON on stdout, with the characters that could drive a terminal
/// as `\uXXXX` escapes.
fn json_stdout(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(j) => write_stdout(&format!("{}\n", terminal::json(&j))),
        Err(e) => usage_error(e),
    }
}

/// `mdbook-tdd check`.
pub fn check(
    dir: &Path,
    format: CheckFormat,
    strict: bool,
    today: Option<mdbook_tdd::Date>,
) -> ExitCode {
    let book = match mdbook_tdd::load_book(dir) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let chapters = book.chapters.len();
    let processed = mdbook_tdd::process_disk_book_on(book, strict, today);
    let diags = &processed.diagnostics;
    let written = match format {
        CheckFormat::Human => {
            preprocessor::report(diags);
            if diags.is_empty() {
                tell(format_args!(
                    "mdbook-tdd: no problems in {chapters} chapters ({} TDDs, {} PRDs)",
                    processed.model.tdds().count(),
                    processed.model.prds().count()
                ));
            }
            ExitCode::SUCCESS
        }
        CheckFormat::Json => {
            let entries: Vec<DiagnosticEntry<'_>> =
                diags.iter().map(DiagnosticEntry::from).collect();
            json_stdout(&entries)
        }
        CheckFormat::Gitlab => json_stdout(&mdbook_tdd::code_quality(diags)),
        CheckFormat::Sarif => json_stdout(&mdbook_tdd::sarif(diags)),
        CheckFormat::Github => {
            let text: String = diags
                .iter()
                .map(|d| format!("{}\n", github_annotation(d)))
                .collect();
            write_stdout(&text)
        }
    };
    if written != ExitCode::SUCCESS {
        return written;
    }
    if diags.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `mdbook-tdd status`.
pub fn status(dir: &Path, format: StatusFormat, today: Option<mdbook_tdd::Date>) -> ExitCode {
    let book = match mdbook_tdd::load_book(dir) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let processed = mdbook_tdd::process_disk_book_on(book, false, today);
    let model = &processed.model;
    let text = match format {
        StatusFormat::Json => match serde_json::to_string_pretty(&StatusReport::new(model)) {
            Ok(j) => format!("{}\n", terminal::json(&j)),
            Err(e) => return usage_error(e),
        },
        // Shown raw on a terminal as often as it is pasted.
        StatusFormat::Markdown => {
            terminal::visible_lines(&mdbook_tdd::status_markdown(model)).into_owned()
        }
        StatusFormat::Table => table(model),
        // Labels hold no control characters: nothing for a terminal.
        StatusFormat::Dot => mdbook_tdd::status_dot(model),
        StatusFormat::Mermaid => mdbook_tdd::status_mermaid(model),
        StatusFormat::Csv => mdbook_tdd::status_csv(model),
    };
    let summary = processed.diagnostics.summary();
    if !summary.is_empty() {
        tell(format_args!(
            "mdbook-tdd: {summary} (run `mdbook-tdd check` for details)"
        ));
    }
    write_stdout(&text)
}

/// Aligned columns; cells are made safe for the terminal first (control
/// characters, line breaks and tabs escaped), so that widths hold.
fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| terminal::visible(c).into_owned())
                .collect()
        })
        .collect();
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - width(c) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn table(model: &BookModel) -> String {
    let mut out = aligned(&mdbook_tdd::TDD_HEADER, &mdbook_tdd::tdd_rows(model));
    out.push('\n');
    out.push_str(&aligned(
        &mdbook_tdd::PRD_HEADER,
        &mdbook_tdd::prd_rows(model),
    ));
    out
}
