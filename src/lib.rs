//! `mdbook-tdd`: an mdBook preprocessor for technical design documents.
//!
//! It expands TDD skeleton directives into the team's template, ties each
//! TDD to its source PRD, and renders cross-document status tables. The
//! pipeline has one module per stage:
//!
//! 1. [`protocol`] reads the book JSON mdBook sends (0.4 and 0.5 shapes);
//! 2. [`scan`] walks each chapter's Markdown once and finds directives,
//!    headings, tables and protected ranges ([`directive`] holds the syntax);
//! 3. [`skeleton`] expands `{{#tdd-skeleton}}` against a [`template`];
//! 4. [`preprocess`] gathers the whole book, then edits chapters by splicing
//!    replacements into their byte ranges.

#![deny(missing_docs)]

pub mod analyze;
pub mod book;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod install;
pub mod links;
pub mod load;
pub mod model;
pub mod newdoc;
pub mod origin;
pub mod preprocess;
pub mod protocol;
pub mod render;
pub mod report;
pub mod skeleton;
pub mod syntax;
pub mod template;
pub mod terminal;
pub mod text;

use diagnostic::Diagnostics;
use mdbook_preprocessor::book::Book;
use preprocess::Settings;

/// What a preprocessor run gives: the edited book, unless an error was found,
/// and every diagnostic of the run.
#[derive(Debug)]
pub struct RunOutput {
    /// The book, or `None` when the run found errors.
    pub book: Option<Book>,
    /// Every diagnostic, with configured levels applied.
    pub diagnostics: Diagnostics,
}

/// The configuration and settings of a run, and what reading the
/// configuration found.
fn setup(context: &protocol::Context) -> (config::Config, Settings, Diagnostics) {
    let mut diags = Diagnostics::new();
    let config = config::Config::from_book_config(&context.config, context.is_legacy(), &mut diags);
    let settings = Settings {
        root: context.root.clone(),
        index_enabled: index_enabled(&context.config),
        html: context.renderer == "html",
    };
    (config, settings, diags)
}

/// Runs the preprocessor on a book, as mdBook would.
pub fn run(context: &protocol::Context, mut book: Book) -> RunOutput {
    let (config, settings, diags) = setup(context);
    let chapters = book::take_chapters(&mut book, &config.src, settings.index_enabled);
    let mut processed = preprocess::process(chapters, &config, &settings, diags);
    if processed.diagnostics.has_errors() {
        return RunOutput {
            book: None,
            diagnostics: processed.diagnostics,
        };
    }
    book::put_chapters(&mut book, processed.texts());
    RunOutput {
        book: Some(book),
        diagnostics: processed.diagnostics,
    }
}

/// What the fast path of the preprocessor gives: the content of every
/// chapter (in [`protocol::RawBook::chapters`] order), unless an error was
/// found, and every diagnostic.
#[derive(Debug)]
pub struct RawRunOutput {
    /// The chapters' contents, or `None` when the run found errors.
    pub contents: Option<Vec<preprocess::ChapterOutput>>,
    /// Every diagnostic, with configured levels applied.
    pub diagnostics: Diagnostics,
    /// The model of the book. It is handed back rather than dropped, so that
    /// a caller about to exit need not free it piece by piece.
    pub model: model::BookModel,
}

/// Runs the preprocessor on a book whose chapter contents are still JSON
/// literals of the input: chapters are decoded only where needed, and
/// chapters without changes go out as they came.
pub fn run_raw(context: &protocol::Context, book: &protocol::RawBook) -> RawRunOutput {
    let (config, settings, diags) = setup(context);
    let chapters = book::raw_chapters(book, &config.src, settings.index_enabled);
    let mut processed = preprocess::process(chapters, &config, &settings, diags);
    let contents = (!processed.diagnostics.has_errors()).then(|| processed.outputs());
    RawRunOutput {
        contents,
        diagnostics: std::mem::take(&mut processed.diagnostics),
        model: std::mem::take(&mut processed.model),
    }
}

/// Whether mdBook's `index` preprocessor runs (it does unless the default
/// preprocessors are turned off).
pub fn index_enabled(book_config: &serde_json::Value) -> bool {
    book_config
        .pointer("/build/use-default-preprocessors")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
        || book_config.pointer("/preprocessor/index").is_some()
}

/// Runs the whole analysis on a book loaded from disk, without writing
/// anything: the same analysis, and so the same diagnostics, as a build.
pub fn process_disk_book(book: load::DiskBook, strict: bool) -> preprocess::Processed {
    let mut diags = Diagnostics::new();
    let mut config = config::Config::from_book_config(&book.config, false, &mut diags);
    if strict {
        config.lints.set_strict(true);
    }
    let settings = Settings {
        root: book.root.clone(),
        index_enabled: index_enabled(&book.config),
        html: true,
    };
    preprocess::process(book.chapters, &config, &settings, diags)
}
