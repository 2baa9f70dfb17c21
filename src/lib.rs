//! `mdbook-tdd`: an mdBook preprocessor for technical design documents.
//!
//! It expands TDD skeleton directives into the team's template, ties each
//! TDD to its source PRD, and renders cross-document status tables. The
//! library is a pipeline of stages, one folder each, every import pointing
//! down the list (see ARCHITECTURE.md):
//!
//! 1. `protocol` — the book JSON mdBook sends and expects back (0.4 and 0.5
//!    shapes), chapter contents kept as JSON literals;
//! 2. `book` — the chapters with their names and paths, from that JSON or
//!    from disk;
//! 3. `syntax` — one text in, located syntax out: the scan, the directive
//!    grammar, outline, header, placeholders, line endings;
//! 4. `analyze` — every chapter on its own, in parallel: directives checked
//!    into typed queries, the skeleton expanded, the chapter's facts gathered;
//! 5. `model` — the whole book: documents, Source PRDs, backlinks;
//! 6. `render` — a typed query and the model in, Markdown out;
//! 7. `edit` — rendered blocks spliced into each chapter's byte ranges;
//! 8. `run` — the whole run, in order ([`process`], [`run_raw`]).
//!
//! `diagnostic`, `config`, `date`, `links` and `terminal` are leaves any stage uses;
//! `report` and `authoring` serve the command line.

#![deny(missing_docs)]

mod analyze;
pub mod authoring;
mod book;
mod config;
mod date;
mod diagnostic;
mod edit;
mod hash;
mod links;
mod model;
mod protocol;
mod render;
mod report;
mod run;
#[cfg(feature = "schema")]
mod schema;
mod syntax;
pub mod terminal;

// The run.
pub use analyze::expand_one;
pub use run::{
    Processed, RawRunOutput, Streamed, process, process_disk_book, process_disk_book_on, rss,
    run_incoming, run_raw, set_today,
};

// What goes in.
pub use book::disk::{
    BookOutline, DiskBook, LoadError, find_root, load_book, load_outline, read_config, read_text,
    src_dir,
};
pub use book::{ChapterId, ChapterMeta, Settings, SourceChapter, index_enabled};
pub use config::{Config, MarkdownOptions, TddTable};
pub use date::Date;
pub use protocol::read::{RawBook, parse_input_raw};
pub use protocol::stream::{Incoming, Start};
pub use protocol::write::ChapterOutput;
pub use protocol::{Context, InputError};
#[cfg(feature = "schema")]
pub use schema::SchemaKind;

// What comes out.
pub use diagnostic::{Diagnostic, Diagnostics, Level, Lint, Location, closest};
pub use model::pin::{PinState, PinStatus, parse_version};
pub use model::prd::{PrdForm, PrdTarget};
pub use model::{BookModel, DocId, DocKind, Document};
pub use report::csv::status_csv;
pub use report::gitlab::{CodeQualityIssue, code_quality};
pub use report::graph::{dot as status_dot, mermaid as status_mermaid};
pub use report::sarif::{SARIF_SCHEMA, SarifLog, sarif};
pub use report::{
    DiagnosticEntry, PRD_HEADER, StatusReport, TDD_HEADER, github_annotation, prd_rows,
    status_markdown, tdd_rows,
};

// Paths, as the command line names chapters.
pub use links::{
    escape_link_text, markdown_destination, normalize, percent_decode, relative_path, slash_path,
};

/// Entry points into single stages, for the fuzz targets, the benchmarks and
/// the tests that grow one input shape. Not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::analyze::skeleton::{Filling, PreparedTemplate, expand, fill_template};
    pub use crate::analyze::templates::{BUILTIN, BUILTIN_PRD};
    pub use crate::model::prd::PathIndex;
    pub use crate::render::RenderContext;
    pub use crate::render::markdown::{Cell, Fragment, Table};
    pub use crate::syntax::directive::{Arg, ArgProblem, DirectiveKind};
    pub use crate::syntax::directive::{candidates, parse_at};
    pub use crate::syntax::header::{Header, parse_field_line};
    pub use crate::syntax::placeholder::placeholder_ranges;
    pub use crate::syntax::scan::scan;

    /// Renders a directive from its arguments, as a run would: parsed into
    /// its query, then rendered against the model.
    pub fn render(
        ctx: &RenderContext<'_>,
        kind: DirectiveKind,
        args: &[Arg],
    ) -> Result<Vec<String>, Vec<ArgProblem>> {
        let (query, mut problems) = crate::analyze::query::parse(kind, args, ctx.config);
        match crate::render::render(ctx, &query) {
            Ok(out) if problems.is_empty() => Ok(out),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend(more);
                Err(problems)
            }
        }
    }
}
