//! `check` and `status`: the analysis of a book on disk, printed.

use super::{CheckFormat, StatusFormat, preprocessor, tell, usage_error};
use mdbook_tdd::model::{BookModel, Document, PrdTarget};
use mdbook_tdd::render::fragment::{Cell, Fragment, Table};
use mdbook_tdd::report::{DiagnosticEntry, StatusReport, github_annotation};
use mdbook_tdd::terminal;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn write_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(format!("cannot write to stdout: {e}")),
    }
}

/// `mdbook-tdd check`.
pub fn check(dir: &Path, format: CheckFormat, strict: bool) -> ExitCode {
    let book = match mdbook_tdd::load::load_book(dir) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let chapters = book.chapters.len();
    let processed = mdbook_tdd::process_disk_book(book, strict);
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
            match serde_json::to_string_pretty(&entries) {
                Ok(j) => write_stdout(&format!("{}\n", terminal::json(&j))),
                Err(e) => usage_error(e),
            }
        }
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
pub fn status(dir: &Path, format: StatusFormat) -> ExitCode {
    let book = match mdbook_tdd::load::load_book(dir) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let processed = mdbook_tdd::process_disk_book(book, false);
    let model = &processed.model;
    let text = match format {
        StatusFormat::Json => match serde_json::to_string_pretty(&StatusReport::new(model)) {
            Ok(j) => format!("{}\n", terminal::json(&j)),
            Err(e) => return usage_error(e),
        },
        // Shown raw on a terminal as often as it is pasted.
        StatusFormat::Markdown => terminal::visible_lines(&markdown(model)).into_owned(),
        StatusFormat::Table => table(model),
    };
    let summary = processed.diagnostics.summary();
    if !summary.is_empty() {
        tell(format_args!(
            "mdbook-tdd: {summary} (run `mdbook-tdd check` for details)"
        ));
    }
    write_stdout(&text)
}

fn prd_text(model: &BookModel, d: &Document) -> String {
    match d.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(c), _)) => model.chapters[*c].name.clone(),
        Some((PrdTarget::Broken, p)) => format!("broken: {}", p.target_text),
        _ => "—".to_string(),
    }
}

fn status_text(d: &Document) -> String {
    d.status
        .clone()
        .or_else(|| d.status_raw.as_ref().map(|r| format!("{r} (unknown)")))
        .unwrap_or_else(|| "—".to_string())
}

fn tdd_rows(model: &BookModel) -> Vec<Vec<String>> {
    model
        .tdds()
        .map(|d| {
            let c = model.chapter(d);
            vec![
                c.name.clone(),
                c.source_path.clone(),
                status_text(d),
                prd_text(model, d),
                d.open_items().to_string(),
                d.blockers().to_string(),
                format!("{}%", d.completeness_percent()),
            ]
        })
        .collect()
}

fn prd_rows(model: &BookModel) -> Vec<Vec<String>> {
    model
        .prds()
        .map(|d| {
            let c = model.chapter(d);
            let designs: Vec<String> = d
                .derived
                .iter()
                .map(|t| model.chapter(&model.documents[*t]).name.clone())
                .collect();
            vec![
                c.name.clone(),
                c.source_path.clone(),
                status_text(d),
                if designs.is_empty() {
                    "none".to_string()
                } else {
                    designs.join(", ")
                },
            ]
        })
        .collect()
}

const TDD_HEADER: [&str; 7] = [
    "TDD", "Path", "Status", "PRD", "Open", "Blockers", "Complete",
];
const PRD_HEADER: [&str; 4] = ["PRD", "Path", "Status", "Designs"];

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
    let mut out = aligned(&TDD_HEADER, &tdd_rows(model));
    out.push('\n');
    out.push_str(&aligned(&PRD_HEADER, &prd_rows(model)));
    out
}

fn markdown(model: &BookModel) -> String {
    let mk = |header: &[&str], rows: Vec<Vec<String>>| {
        let mut t = Table::new(header.iter().map(|s| s.to_string()).collect());
        for r in rows {
            t.push(r.iter().map(|c| Cell::text(c)).collect());
        }
        t
    };
    let mut f = Fragment::new();
    f.heading(2, "Technical designs")
        .table(mk(&TDD_HEADER, tdd_rows(model)))
        .heading(2, "Product requirements")
        .table(mk(&PRD_HEADER, prd_rows(model)));
    f.into_markdown() + "\n"
}
