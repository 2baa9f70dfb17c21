//! The render stage: each directive becomes a Markdown fragment computed from
//! the book model. Links are relative to the chapter holding the directive.

pub mod backlinks;
pub mod banner;
pub mod card;
pub mod completeness;
pub mod graph;
pub mod markdown;
pub mod rollup;
pub mod select;
pub mod status;
pub mod summary;
pub mod trace;
pub mod xml;

use crate::analyze::query::Query;
use crate::book::ChapterId;
use crate::config::Config;
use crate::hash::HashMap;
use crate::links;
use crate::model::{BookModel, Document};
use crate::syntax::directive::ArgProblem;
use backlinks::backlinks;
use completeness::completeness;
use markdown::{Cell, Fragment, RowWriter};
use rayon::prelude::*;
use rollup::rollup;
use status::{prd_status, tdd_status};
use std::borrow::Cow;

/// What rendering needs to know.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// The book model.
    pub model: &'a BookModel,
    /// The configuration.
    pub config: &'a Config,
    /// The chapter holding the directive.
    pub chapter: ChapterId,
    /// Whether the output goes to the HTML renderer (status badges).
    pub html: bool,
    /// Whether README chapters are served as `index.md`.
    pub index_enabled: bool,
    /// The book's chapters by path and name, built once for the run (a
    /// `prd=` is looked up in it).
    pub paths: &'a crate::model::prd::PathIndex<'a>,
}

impl RenderContext<'_> {
    /// The served path of the chapter holding the directive.
    pub fn here(&self) -> &str {
        &self.model.chapters[self.chapter].served
    }

    /// A link to a chapter, from the chapter holding the directive.
    pub fn link_to_chapter(&self, chapter: ChapterId) -> Cell {
        let c = &self.model.chapters[chapter];
        Cell::link(&c.name, &links::relative(self.here(), &c.served))
    }

    /// A link to a document's chapter.
    pub fn doc_link(&self, doc: &Document) -> Cell {
        self.link_to_chapter(doc.chapter)
    }

    /// A link to a chapter, written as a table cell.
    pub fn link_markdown(&self, chapter: ChapterId) -> String {
        let mut out = String::new();
        self.push_link_markdown(&mut out, chapter);
        out
    }

    /// Writes [`RenderContext::link_markdown`] at the end of `out`.
    pub fn push_link_markdown(&self, out: &mut String, chapter: ChapterId) {
        let c = &self.model.chapters[chapter];
        markdown::write_link(out, &c.name, &links::relative(self.here(), &c.served));
    }

    /// Adds a cell with a link to a chapter.
    pub fn write_link(&self, row: &mut RowWriter<'_>, chapter: ChapterId) {
        let c = &self.model.chapters[chapter];
        row.link(&c.name, &links::relative(self.here(), &c.served));
    }

    /// Adds a cell with a header field of a document.
    pub fn write_field(
        &self,
        row: &mut RowWriter<'_>,
        doc: &Document,
        fields: &DocFields<'_>,
        name: &str,
    ) {
        match fields.get(doc, name) {
            Some(v) if !v.is_empty() => self.write_value(
                row,
                v,
                &self.model.chapters[doc.chapter].served,
                &doc.refdefs,
                name.eq_ignore_ascii_case("date"),
            ),
            _ => {
                row.written("");
            }
        }
    }

    /// Adds a cell with a value copied from the document at `from` (a
    /// header field, a table cell); in HTML a date or another short value
    /// that could break at a hyphen is kept on one line (see
    /// [`markdown::keeps_together`]).
    pub fn write_value(
        &self,
        row: &mut RowWriter<'_>,
        md: &str,
        from: &str,
        defs: &[crate::syntax::scan::RefDef],
        date_column: bool,
    ) {
        if self.html && markdown::keeps_together(md, date_column) {
            row.markdown_nowrap(md, from, self.here(), self.index_enabled, defs);
        } else {
            row.markdown(md, from, self.here(), self.index_enabled, defs);
        }
    }

    /// Adds a generated table to a fragment. In HTML its first header
    /// cell starts with an empty `<span class="tdd-table tdd-table-KIND">`,
    /// by which the stylesheet (`table:has(.tdd-table)`) lays generated
    /// tables out to fit mdBook's content column. An inline mark rather
    /// than a `<div>` around the table: it needs no HTML block, so no blank
    /// lines that would make a tight list loose, and no line that
    /// pulldown-cmark cannot end in a chapter of lone carriage returns.
    pub fn table(&self, fragment: &mut Fragment, mut table: markdown::Table, kind: &str) {
        if self.html {
            let mut first = Cell::html(&format!(
                "<span class=\"{TABLE_CLASS} {TABLE_CLASS}-{kind}\"></span>"
            ));
            if let Some(h) = table.header.first_mut() {
                first.push(std::mem::take(h));
                *h = first;
            } else {
                table.header.push(first);
            }
        }
        fragment.table(table);
    }

    /// A status, as a badge in HTML output and as plain text elsewhere.
    pub fn status(&self, status: Option<&str>, raw: Option<&str>) -> Cell {
        let (text, class) = match (status, raw) {
            (Some(s), _) => (s.to_string(), slug(s)),
            (None, Some(r)) => (r.to_string(), "unknown".to_string()),
            (None, None) => return Cell::text("—"),
        };
        if !self.html {
            return Cell::text(&text);
        }
        let mut c = Cell::html(&format!("<span class=\"tdd-status tdd-status-{class}\">"));
        c.push_text(&text);
        c.push(Cell::html("</span>"));
        c
    }

    /// A document's status, as [`RenderContext::status`] shows it.
    pub fn doc_status(&self, doc: &Document) -> Cell {
        self.status(doc.status.as_deref(), doc.status_raw.as_deref())
    }
}

/// The class of the mark in the first header cell of every generated table
/// in HTML output.
pub const TABLE_CLASS: &str = "tdd-table";

/// The status cells of the vocabulary, written once for a table.
pub struct Badges {
    /// By status: the cell as the first content of a cell, as later content.
    known: HashMap<String, (String, String)>,
}

impl Badges {
    pub fn new(ctx: &RenderContext<'_>) -> Self {
        Badges {
            known: ctx
                .config
                .statuses
                .iter()
                .map(|s| {
                    let c = ctx.status(Some(s), None);
                    (s.clone(), (c.to_cell_markdown(), c.to_inner_markdown()))
                })
                .collect(),
        }
    }

    /// The status cell of a document; `inner` when other content of the
    /// cell comes before it.
    pub fn get<'b>(&'b self, ctx: &RenderContext<'_>, doc: &Document, inner: bool) -> Cow<'b, str> {
        if let Some(s) = doc.status.as_deref()
            && let Some((lead, after)) = self.known.get(s)
        {
            return Cow::Borrowed(if inner { after } else { lead });
        }
        let c = ctx.doc_status(doc);
        Cow::Owned(if inner {
            c.to_inner_markdown()
        } else {
            c.to_cell_markdown()
        })
    }
}

/// The header fields of one document by name, for a row that shows many of
/// them: a document with many fields is indexed once per row, not searched
/// for every cell.
pub struct DocFields<'d> {
    index: Option<HashMap<String, &'d str>>,
}

impl<'d> DocFields<'d> {
    /// Documents with up to this many fields are searched.
    const SMALL: usize = 16;

    pub fn new(doc: &'d Document) -> Self {
        if doc.fields.len() <= Self::SMALL {
            return DocFields { index: None };
        }
        let mut index = HashMap::with_capacity_and_hasher(doc.fields.len(), Default::default());
        for f in &doc.fields {
            index
                .entry(f.name.to_ascii_lowercase())
                .or_insert(f.value.as_str());
        }
        DocFields { index: Some(index) }
    }

    /// A field by name (case-insensitive), as [`Document::field`].
    pub fn get(&self, doc: &'d Document, name: &str) -> Option<&'d str> {
        match &self.index {
            Some(index) => index.get(&name.to_ascii_lowercase()).copied(),
            None => doc.field(name),
        }
    }
}

/// The header field names of a set of documents: each name in lower case,
/// with its spelling in the first document (in order) that has it; indexed
/// when a column first asks for a field.
pub struct FieldNames<'d> {
    docs: &'d [&'d Document],
    names: std::cell::OnceCell<HashMap<String, &'d str>>,
}

impl<'d> FieldNames<'d> {
    pub fn new(docs: &'d [&'d Document]) -> Self {
        FieldNames {
            docs,
            names: std::cell::OnceCell::new(),
        }
    }

    /// The spelling of a field name, if some document has it.
    pub fn get(&self, name: &str) -> Option<&'d str> {
        let names = self.names.get_or_init(|| {
            let mut names = HashMap::default();
            for d in self.docs {
                for f in &d.fields {
                    names
                        .entry(f.name.to_ascii_lowercase())
                        .or_insert(f.name.as_str());
                }
            }
            names
        });
        names.get(&name.to_ascii_lowercase()).copied()
    }
}

/// Rows per chunk when a table's rows are written in parallel.
pub const ROWS_PER_CHUNK: usize = 128;

/// Writes table rows for `items` in parallel, in chunks; `row` writes the
/// rows of one item (any number) at the end of a string.
pub fn write_rows<T: Sync>(items: &[T], row: impl Fn(&mut String, &T) + Sync) -> Vec<String> {
    write_rows_warmed(items, |_| 0, row)
}

/// Reads ahead what the work on `items` will read: `touch` reads the
/// first bytes of an item's buffers, one item after another. The documents
/// and tables a directive reads of every design were built during the
/// analysis and are in no cache by then, and the work on each would wait
/// for its buffers in turn; these reads depend on nothing, so the
/// processor overlaps their misses. (The summary's rows of 10,000 designs:
/// 6.2 ms without, 4.4 ms with, this pass included.)
pub fn read_ahead<T>(items: impl IntoIterator<Item = T>, touch: impl Fn(T) -> u64) {
    let sum = items.into_iter().map(touch).fold(0, u64::wrapping_add);
    std::hint::black_box(sum);
}

/// [`write_rows`], each chunk's items first read ahead by `touch` (see
/// [`read_ahead`]).
pub fn write_rows_warmed<T: Sync>(
    items: &[T],
    touch: impl Fn(&T) -> u64 + Sync,
    row: impl Fn(&mut String, &T) + Sync,
) -> Vec<String> {
    items
        .par_chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
            read_ahead(chunk, &touch);
            let mut out = String::new();
            for item in chunk {
                row(&mut out, item);
            }
            out
        })
        .collect()
}

/// A lower-case, dash-separated class name for a status.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Renders a directive's query to Markdown, in pieces to be written one
/// after the other; the problems only the whole book can tell (a column that
/// no document has, a `prd=` that leads nowhere) come back instead.
pub fn render(ctx: &RenderContext<'_>, query: &Query) -> Result<Vec<String>, Vec<ArgProblem>> {
    let mut problems = Vec::new();
    let out = match query {
        Query::TddStatus { selection, columns } => {
            tdd_status(ctx, selection, columns, &mut problems)
        }
        Query::PrdStatus {
            selection,
            uncovered,
            columns,
        } => prd_status(ctx, selection, *uncovered, columns, &mut problems),
        Query::Rollup(r) => rollup(ctx, r, &mut problems),
        Query::Completeness(selection) => completeness(ctx, selection, &mut problems),
        Query::Backlinks => vec![backlinks(ctx, ctx.chapter, None)],
        Query::Graph(selection) => graph::graph(ctx, selection, &mut problems),
        Query::Summary(s) => summary::summary(ctx, s),
        Query::Requirements {
            prd,
            uncovered,
            by_priority,
        } => trace::requirements(ctx, prd.as_ref(), *uncovered, *by_priority, &mut problems),
        Query::OpenQuestions { prd, open } => {
            trace::open_questions(ctx, prd.as_ref(), *open, &mut problems)
        }
    };
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------- filters --

pub fn empty_note(fragment: &mut Fragment, text: &str) {
    fragment.paragraph(Cell::emphasis(text));
}

/// The note under a table of documents that shows none.
pub fn note_if_empty(fragment: &mut Fragment, shown_none: bool, book_has_none: bool, what: &str) {
    if shown_none {
        let text = if book_has_none {
            format!("No {what} in this book yet.")
        } else {
            format!("No {what} match.")
        };
        empty_note(fragment, &text);
    }
}

// ------------------------------------------------------------- tdd-status --

// ------------------------------------------------------------- prd-status --

// ----------------------------------------------------------------- rollup --

// ----------------------------------------------------------- completeness --

// -------------------------------------------------------------- backlinks --

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("In Review"), "in-review");
        assert_eq!(slug(" Über  Done! "), "über-done");
    }
}
