//! The render stage: each directive becomes a Markdown fragment computed from
//! the book model. Links are relative to the chapter holding the directive.

pub mod fragment;

use crate::analyze::facts::SectionState;
use crate::analyze::query::{
    Column, Columns, Condition, PRD_COLUMNS, Query, Rollup, Selection, Sort, SortKey, TDD_COLUMNS,
    unknown_column,
};
use crate::analyze::table::{DocRow, DocTable, plain};
use crate::book::ChapterMeta;
use crate::config::Config;
use crate::links;
use crate::model::prd::{PathIndex, PrdTarget, resolve_path};
use crate::model::{BookModel, DocKind, Document};
use crate::syntax::directive::ArgProblem;
use fragment::{Cell, Fragment, RowWriter, Table};
use rayon::prelude::*;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

pub use crate::analyze::end::BACKLINKS_MARKER;

/// What rendering needs to know.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// The book model.
    pub model: &'a BookModel,
    /// The configuration.
    pub config: &'a Config,
    /// The chapter holding the directive.
    pub chapter: usize,
    /// Whether the output goes to the HTML renderer (status badges).
    pub html: bool,
    /// Whether README chapters are served as `index.md`.
    pub index_enabled: bool,
}

impl RenderContext<'_> {
    fn here(&self) -> &str {
        &self.model.chapters[self.chapter].served
    }

    fn link_to_chapter(&self, chapter: usize) -> Cell {
        let c = &self.model.chapters[chapter];
        Cell::link(&c.name, &links::relative(self.here(), &c.served))
    }

    fn doc_link(&self, doc: &Document) -> Cell {
        self.link_to_chapter(doc.chapter)
    }

    /// A link to a chapter, written as a table cell.
    fn link_markdown(&self, chapter: usize) -> String {
        let c = &self.model.chapters[chapter];
        let mut out = String::new();
        fragment::write_link(&mut out, &c.name, &links::relative(self.here(), &c.served));
        out
    }

    /// Adds a cell with a link to a chapter.
    fn write_link(&self, row: &mut RowWriter<'_>, chapter: usize) {
        let c = &self.model.chapters[chapter];
        row.link(&c.name, &links::relative(self.here(), &c.served));
    }

    /// Adds a cell with a header field of a document.
    fn write_field(
        &self,
        row: &mut RowWriter<'_>,
        doc: &Document,
        fields: &DocFields<'_>,
        name: &str,
    ) {
        match fields.get(doc, name) {
            Some(v) if !v.is_empty() => row.markdown(
                v,
                &self.model.chapters[doc.chapter].served,
                self.here(),
                self.index_enabled,
                &doc.refdefs,
            ),
            _ => row.written(""),
        };
    }

    /// A status, as a badge in HTML output and as plain text elsewhere.
    fn status(&self, status: Option<&str>, raw: Option<&str>) -> Cell {
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

    fn doc_status(&self, doc: &Document) -> Cell {
        self.status(doc.status.as_deref(), doc.status_raw.as_deref())
    }
}

/// The status cells of the vocabulary, written once for a table.
struct Badges {
    /// By status: the cell as the first content of a cell, as later content.
    known: HashMap<String, (String, String)>,
}

impl Badges {
    fn new(ctx: &RenderContext<'_>) -> Self {
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
    fn get<'b>(&'b self, ctx: &RenderContext<'_>, doc: &Document, inner: bool) -> Cow<'b, str> {
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
struct DocFields<'d> {
    index: Option<HashMap<String, &'d str>>,
}

impl<'d> DocFields<'d> {
    /// Documents with up to this many fields are searched.
    const SMALL: usize = 16;

    fn new(doc: &'d Document) -> Self {
        if doc.fields.len() <= Self::SMALL {
            return DocFields { index: None };
        }
        let mut index = HashMap::with_capacity(doc.fields.len());
        for (n, v) in &doc.fields {
            index.entry(n.to_ascii_lowercase()).or_insert(v.as_str());
        }
        DocFields { index: Some(index) }
    }

    /// A field by name (case-insensitive), as [`Document::field`].
    fn get(&self, doc: &'d Document, name: &str) -> Option<&'d str> {
        match &self.index {
            Some(index) => index.get(&name.to_ascii_lowercase()).copied(),
            None => doc.field(name),
        }
    }
}

/// The header field names of a set of documents: each name in lower case,
/// with its spelling in the first document (in order) that has it; indexed
/// when a column first asks for a field.
struct FieldNames<'d> {
    docs: &'d [&'d Document],
    names: std::cell::OnceCell<HashMap<String, &'d str>>,
}

impl<'d> FieldNames<'d> {
    fn new(docs: &'d [&'d Document]) -> Self {
        FieldNames {
            docs,
            names: std::cell::OnceCell::new(),
        }
    }

    /// The spelling of a field name, if some document has it.
    fn get(&self, name: &str) -> Option<&'d str> {
        let names = self.names.get_or_init(|| {
            let mut names = HashMap::new();
            for d in self.docs {
                for (n, _) in &d.fields {
                    names.entry(n.to_ascii_lowercase()).or_insert(n.as_str());
                }
            }
            names
        });
        names.get(&name.to_ascii_lowercase()).copied()
    }
}

/// Rows per chunk when a table's rows are written in parallel.
const ROWS_PER_CHUNK: usize = 128;

/// Writes table rows for `items` in parallel, in chunks; `row` writes the
/// rows of one item (any number) at the end of a string.
fn write_rows<T: Sync>(items: &[T], row: impl Fn(&mut String, &T) + Sync) -> Vec<String> {
    items
        .par_chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
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
        Query::Rollup(r) => rollup(ctx, r),
        Query::Completeness(selection) => completeness(ctx, selection, &mut problems),
        Query::Backlinks => vec![backlinks(ctx, ctx.chapter, None)],
    };
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------- filters --

/// The numeric parts of a version (`v1.10` → `[1, 10]`).
fn version_parts(s: &str) -> Vec<u64> {
    s.trim()
        .trim_start_matches(['v', 'V'])
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// What a document is sorted by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Number(usize),
    Text(String),
    Parts(Vec<u64>),
}

fn sort_value(ctx: &RenderContext<'_>, d: &Document, key: SortKey) -> Option<SortValue> {
    let field = |name: &str| {
        d.field(name)
            .map(|v| plain(v).into_owned())
            .filter(|v| !v.is_empty())
    };
    match key {
        SortKey::Book => Some(SortValue::Number(d.chapter)),
        SortKey::Status => d
            .status
            .as_deref()
            .and_then(|s| ctx.config.status_rank(s))
            .map(SortValue::Number),
        SortKey::Date => field("Date").map(SortValue::Text),
        SortKey::Title => Some(SortValue::Text(
            ctx.model.chapters[d.chapter].name.to_lowercase(),
        )),
        SortKey::Version => field("Version").map(|v| SortValue::Parts(version_parts(&v))),
        SortKey::Designs => Some(SortValue::Number(d.derived.len())),
    }
}

/// Sorts documents (stably) by a key, each key computed once; documents
/// without a value for the key go last, whatever the direction.
fn sort_docs(ctx: &RenderContext<'_>, docs: &mut [&Document], sort: Sort) {
    let Sort { key, desc } = sort;
    let mut keyed: Vec<(Option<SortValue>, &Document)> =
        docs.iter().map(|d| (sort_value(ctx, d, key), *d)).collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(x), Some(y)) if desc => y.cmp(x),
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    for (slot, (_, d)) in docs.iter_mut().zip(keyed) {
        *slot = d;
    }
}

/// Keeps the documents a selection's `status=` and `prd=` name, and sorts
/// them.
fn select<'m>(
    ctx: &RenderContext<'m>,
    mut docs: Vec<&'m Document>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Vec<&'m Document> {
    if let Some(wanted) = &selection.status {
        docs.retain(|d| d.status.as_ref().is_some_and(|s| wanted.contains(s)));
    }
    if let Some(filter) = &selection.prd {
        match prd_chapter(ctx, &filter.value) {
            Some(ch) => docs.retain(|d| matches!(d.prd.as_ref().map(|p| &p.target), Some(PrdTarget::Chapter(t)) if *t == ch)),
            None => problems.push(ArgProblem {
                span: filter.span.clone(),
                message: format!(
                    "`prd={}` does not resolve to a chapter of this book",
                    filter.value
                ),
                help: Some("give the PRD's path relative to this chapter".into()),
            }),
        }
    }
    sort_docs(ctx, &mut docs, selection.sort);
    docs
}

/// The chapter a `prd=` names: a path relative to the chapter holding the
/// directive (or to the src dir), else a chapter name; as Source PRDs are
/// resolved.
fn prd_chapter(ctx: &RenderContext<'_>, value: &str) -> Option<usize> {
    let chapters: Vec<&ChapterMeta> = ctx.model.chapters.iter().collect();
    let index = PathIndex::new(&chapters);
    let here = &ctx.model.chapters[ctx.chapter];
    resolve_path(value, &here.path, &index)
        .or_else(|| index.by_name.get(&value.trim().to_lowercase()).copied())
}

/// The columns of a status table: header fields named in `columns=` must
/// be fields of some document.
fn check_columns(
    columns: &Columns,
    known: &[&str],
    fields: &FieldNames<'_>,
    problems: &mut Vec<ArgProblem>,
) {
    for c in &columns.list {
        if let Column::Field(name) = c
            && fields.get(name).is_none()
        {
            problems.push(unknown_column(name, known, columns.span.clone()));
        }
    }
}

fn column_label(col: &Column, fields: &FieldNames<'_>) -> String {
    let col = match col {
        Column::Known(k) => *k,
        Column::Field(f) => return fields.get(f).unwrap_or(f).to_string(),
    };
    match col {
        "document" => "Document".into(),
        "prd" => "PRD".into(),
        "status" => "Status".into(),
        "version" => "Version".into(),
        "author" => "Author".into(),
        "date" => "Date".into(),
        "open-items" => "Open items".into(),
        "blockers" => "Blockers".into(),
        "completeness" => "Completeness".into(),
        "placeholders" => "Placeholders".into(),
        "designs" => "Designs".into(),
        "coverage" => "Coverage".into(),
        field => fields.get(field).unwrap_or(field).to_string(),
    }
}

fn empty_note(fragment: &mut Fragment, text: &str) {
    fragment.paragraph(Cell::emphasis(text));
}

/// The note under a table of documents that shows none.
fn note_if_empty(fragment: &mut Fragment, shown_none: bool, book_has_none: bool, what: &str) {
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

fn write_prd_cell(ctx: &RenderContext<'_>, row: &mut RowWriter<'_>, doc: &Document) {
    match doc.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(ch), _)) => ctx.write_link(row, *ch),
        Some((PrdTarget::Broken, p)) => {
            let mut c = Cell::emphasis("broken:");
            c.push_text(&format!(" {}", p.target_text));
            row.cell(&c);
        }
        Some((PrdTarget::Unset, _)) | None => {
            row.text("—");
        }
    }
}

fn write_tdd_cell(
    ctx: &RenderContext<'_>,
    badges: &Badges,
    row: &mut RowWriter<'_>,
    doc: &Document,
    fields: &DocFields<'_>,
    col: &Column,
) {
    let col = match col {
        Column::Known(k) => *k,
        Column::Field(f) => return ctx.write_field(row, doc, fields, f),
    };
    match col {
        "document" => ctx.write_link(row, doc.chapter),
        "status" => {
            row.written(&badges.get(ctx, doc, false));
        }
        "prd" => write_prd_cell(ctx, row, doc),
        "open-items" => {
            row.text(&doc.open_items().to_string());
        }
        "blockers" => {
            row.text(&doc.blockers().to_string());
        }
        "completeness" => {
            row.text(&format!("{}%", doc.completeness_percent()));
        }
        "placeholders" => {
            row.text(&doc.placeholders.to_string());
        }
        field => ctx.write_field(row, doc, fields, field),
    }
}

fn tdd_status(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    cols: &Columns,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let all: Vec<&Document> = ctx.model.tdds().collect();
    let docs = select(ctx, all.clone(), selection, problems);
    let fields = FieldNames::new(&all);
    check_columns(cols, TDD_COLUMNS, &fields, problems);
    let mut table = Table::new(cols.list.iter().map(|c| column_label(c, &fields)).collect());
    let width = table.width();
    let badges = Badges::new(ctx);
    table.rows = write_rows(&docs, |out, d| {
        let mut row = Table::start_row(out, width);
        let doc_fields = DocFields::new(d);
        for c in &cols.list {
            write_tdd_cell(ctx, &badges, &mut row, d, &doc_fields, c);
        }
    });
    let mut f = Fragment::new();
    f.table(table);
    note_if_empty(&mut f, docs.is_empty(), all.is_empty(), "TDDs");
    f.into_pieces()
}

// ------------------------------------------------------------- prd-status --

fn prd_status(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    uncovered: bool,
    cols: &Columns,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let all: Vec<&Document> = ctx.model.prds().collect();
    let mut docs = select(ctx, all.clone(), selection, problems);
    if uncovered {
        docs.retain(|d| d.derived.is_empty());
    }
    let fields = FieldNames::new(&all);
    check_columns(cols, PRD_COLUMNS, &fields, problems);
    let mut table = Table::new(cols.list.iter().map(|c| column_label(c, &fields)).collect());
    let width = table.width();
    let badges = Badges::new(ctx);
    table.rows = write_rows(&docs, |out, d| {
        let mut row = Table::start_row(out, width);
        let doc_fields = DocFields::new(d);
        for c in &cols.list {
            let c = match c {
                Column::Known(k) => *k,
                Column::Field(f) => {
                    ctx.write_field(&mut row, d, &doc_fields, f);
                    continue;
                }
            };
            match c {
                "prd" => ctx.write_link(&mut row, d.chapter),
                "status" => {
                    row.written(&badges.get(ctx, d, false));
                }
                "designs" if d.derived.is_empty() => {
                    row.text("—");
                }
                "designs" => {
                    let mut cell = String::new();
                    for (i, t) in d.derived.iter().enumerate() {
                        let t = &ctx.model.documents[*t];
                        if i > 0 {
                            cell.push_str(", ");
                        }
                        let c = &ctx.model.chapters[t.chapter];
                        fragment::write_link(
                            &mut cell,
                            &c.name,
                            &links::relative(ctx.here(), &c.served),
                        );
                        cell.push_str(" (");
                        cell.push_str(&badges.get(ctx, t, true));
                        cell.push(')');
                    }
                    row.written(&cell);
                }
                "coverage" => {
                    match d.derived.len() {
                        0 => row.cell(&Cell::strong("✗ No design")),
                        1 => row.text("✓ 1 design"),
                        n => row.text(&format!("✓ {n} designs")),
                    };
                }
                field => ctx.write_field(&mut row, d, &doc_fields, field),
            }
        }
    });
    let mut f = Fragment::new();
    f.table(table);
    note_if_empty(&mut f, docs.is_empty(), all.is_empty(), "PRDs");
    f.into_pieces()
}

// ----------------------------------------------------------------- rollup --

/// The conditions of a roll-up on one column (as the table header names
/// it, in lower case): a cell passes when its value is in every list of the
/// `Column=...` conditions and in none of the `Column!=...` ones.
struct ColumnTest {
    /// The values every `=` condition allows (`None`: no such condition).
    allowed: Option<Values>,
    /// The values some `!=` condition excludes.
    excluded: Values,
    /// Whether an empty cell (or a missing column) passes.
    empty_passes: bool,
}

/// A set of values in lower case (ASCII): a few are compared one by one,
/// more are hashed.
struct Values {
    list: Vec<String>,
    set: Option<HashSet<String>>,
}

impl Values {
    /// Sets of up to this many values are searched.
    const SMALL: usize = 8;

    fn new(list: Vec<String>) -> Self {
        let set = (list.len() > Self::SMALL).then(|| list.iter().cloned().collect());
        Values { list, set }
    }

    fn contains(&self, v: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(&v.to_ascii_lowercase()),
            None => self.list.iter().any(|x| x.eq_ignore_ascii_case(v)),
        }
    }
}

impl ColumnTest {
    fn passes(&self, value: &str) -> bool {
        let v = plain(value);
        self.allowed.as_ref().is_none_or(|a| a.contains(&v)) && !self.excluded.contains(&v)
    }
}

/// The conditions of a roll-up, grouped by column, so that a row is tested
/// once per column it has, however many conditions there are.
struct RowFilter {
    tests: Vec<ColumnTest>,
    by_column: HashMap<String, usize>,
}

impl RowFilter {
    fn new(conditions: &[Condition]) -> Self {
        // Per column: the values every `=` condition allows, and those some
        // `!=` condition excludes, each once, in lower case.
        let mut columns: Vec<(Option<Vec<String>>, Vec<String>)> = Vec::new();
        let mut by_column: HashMap<String, usize> = HashMap::new();
        for c in conditions {
            let key = plain(&c.column).to_ascii_lowercase();
            let i = *by_column.entry(key).or_insert_with(|| {
                columns.push((None, Vec::new()));
                columns.len() - 1
            });
            let mut seen = HashSet::new();
            let values: Vec<String> = c
                .values
                .iter()
                .map(|v| v.to_ascii_lowercase())
                .filter(|v| seen.insert(v.clone()))
                .collect();
            let (allowed, excluded) = &mut columns[i];
            if c.negate {
                excluded.extend(values);
            } else {
                *allowed = Some(match allowed.take() {
                    Some(mut a) => {
                        a.retain(|v| seen.contains(v));
                        a
                    }
                    None => values,
                });
            }
        }
        let mut tests: Vec<ColumnTest> = columns
            .into_iter()
            .map(|(allowed, excluded)| ColumnTest {
                allowed: allowed.map(Values::new),
                excluded: Values::new(excluded),
                empty_passes: true,
            })
            .collect();
        for t in &mut tests {
            t.empty_passes = t.passes("");
        }
        RowFilter { tests, by_column }
    }

    /// The tests of the columns one table layout has, by position, and
    /// whether every row of the layout fails (a test that an empty cell
    /// fails is on a column the layout lacks).
    fn for_layout(&self, header: &HashMap<String, usize>) -> LayoutFilter {
        let mut found: Vec<(usize, usize)> = self
            .by_column
            .iter()
            .filter_map(|(column, &test)| header.get(column).map(|&pos| (pos, test)))
            .collect();
        found.sort_unstable();
        let present = found.len();
        let failing_missing = self
            .tests
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.empty_passes)
            .count()
            > found
                .iter()
                .filter(|(_, t)| !self.tests[*t].empty_passes)
                .count();
        // For each position in `found`, whether a test from there on fails
        // on an empty cell (for rows shorter than the header).
        let mut empty_fails_from = vec![false; present + 1];
        for k in (0..present).rev() {
            empty_fails_from[k] = empty_fails_from[k + 1] || !self.tests[found[k].1].empty_passes;
        }
        LayoutFilter {
            found,
            empty_fails_from,
            rejects_all: failing_missing,
        }
    }
}

/// The conditions of a roll-up for one table layout.
struct LayoutFilter {
    /// (position, test), by position.
    found: Vec<(usize, usize)>,
    empty_fails_from: Vec<bool>,
    rejects_all: bool,
}

impl LayoutFilter {
    /// Whether a row passes. Only the row's own cells are read: tests on
    /// columns past its end see empty cells.
    fn passes(&self, filter: &RowFilter, t: &DocTable, r: &DocRow) -> bool {
        if self.rejects_all {
            return false;
        }
        let len = t.row_len(r);
        let inside = self.found.partition_point(|(pos, _)| *pos < len);
        if self.empty_fails_from.get(inside).copied().unwrap_or(false) {
            return false;
        }
        self.found[..inside]
            .iter()
            .all(|&(pos, test)| filter.tests[test].passes(t.cell(r, pos)))
    }
}

/// The header of a table layout: each plain header text in lower case,
/// with its first position.
fn header_positions(t: &DocTable) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, h) in t.header_plains().enumerate() {
        out.entry(h.to_ascii_lowercase()).or_insert(i);
    }
    out
}

fn rollup(ctx: &RenderContext<'_>, query: &Rollup) -> Vec<String> {
    let Rollup {
        section_text,
        section: selector,
        conditions,
        empty_note: empty,
        ..
    } = query;
    let found: Vec<(&Document, &DocTable)> = ctx
        .model
        .tdds()
        .filter_map(|d| d.section_table(selector).map(|t| (d, t)))
        .collect();
    // Tables with the same header share their column positions: each
    // distinct header (a layout) is looked at once.
    // A layout is kept with the document of its first table, whose header
    // cells as written become the labels.
    let mut layouts: Vec<(&Document, &DocTable)> = Vec::new();
    let mut layout_index: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut tables: Vec<(&Document, &DocTable, usize)> = Vec::with_capacity(found.len());
    for (d, t) in found {
        let layout = match tables.last() {
            Some((_, prev, l)) if prev.header_plains().eq(t.header_plains()) => *l,
            _ => *layout_index
                .entry(t.header_plains().collect())
                .or_insert_with(|| {
                    layouts.push((d, t));
                    layouts.len() - 1
                }),
        };
        tables.push((d, t, layout));
    }
    let headers: Vec<HashMap<String, usize>> =
        layouts.iter().map(|(_, t)| header_positions(t)).collect();
    // The first layout with a column, and where the column is in it.
    let mut first_with: HashMap<&str, (usize, usize)> = HashMap::new();
    for (l, h) in headers.iter().enumerate() {
        for (k, &i) in h {
            first_with.entry(k.as_str()).or_insert((l, i));
        }
    }
    // Columns: as asked, else every header of the gathered tables in order.
    let columns: Vec<String> = match &query.columns {
        Some(cols) => cols.clone(),
        None => {
            let mut cols: Vec<String> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for (_, t) in &layouts {
                for p in t.header_plains() {
                    if seen.insert(p.to_ascii_lowercase()) {
                        cols.push(p.to_string());
                    }
                }
            }
            cols
        }
    };
    // Each column as a header would name it, in lower case.
    let column_keys: Vec<String> = columns
        .iter()
        .map(|c| plain(c).to_ascii_lowercase())
        .collect();
    // Header labels as the documents write them (with their markup): the
    // first layout with the column names it.
    let labels = column_keys.iter().zip(&columns).map(|(k, c)| {
        first_with
            .get(k.as_str())
            .map(|&(l, i)| {
                let (d, t) = layouts[l];
                Cell::markdown(
                    t.header_markdown(i),
                    &ctx.model.chapters[d.chapter].served,
                    ctx.here(),
                    ctx.index_enabled,
                    &d.refdefs,
                )
            })
            .unwrap_or_else(|| Cell::text(c))
    });
    let mut table = Table::with_header(
        std::iter::once(Cell::text("Document"))
            .chain(labels)
            .collect(),
    );
    let width = table.width();
    let filter = RowFilter::new(conditions);
    let filters: Vec<LayoutFilter> = headers.iter().map(|h| filter.for_layout(h)).collect();
    // Where the shown columns are in a layout: found once a row of the
    // layout is shown (which writes a cell for each of them anyway).
    let shown: Vec<OnceLock<Vec<Option<usize>>>> =
        layouts.iter().map(|_| OnceLock::new()).collect();
    table.rows = write_rows(&tables, |out, (doc, t, layout)| {
        let from = &ctx.model.chapters[doc.chapter].served;
        let layout_filter = &filters[*layout];
        let mut link: Option<String> = None;
        for r in t.real_rows() {
            if !layout_filter.passes(&filter, t, r) {
                continue;
            }
            let shown_cols = shown[*layout].get_or_init(|| {
                column_keys
                    .iter()
                    .map(|k| headers[*layout].get(k).copied())
                    .collect()
            });
            let link = link.get_or_insert_with(|| ctx.link_markdown(doc.chapter));
            let mut row = Table::start_row(out, width);
            row.written(link);
            for col in shown_cols {
                row.markdown(
                    col.map_or("", |i| t.cell(r, i)),
                    from,
                    ctx.here(),
                    ctx.index_enabled,
                    &doc.refdefs,
                );
            }
        }
    });
    let shown_none = table.is_empty();
    let mut f = Fragment::new();
    f.table(table);
    if shown_none {
        if tables.is_empty() {
            empty_note(
                &mut f,
                &format!("No TDD has a section “{section_text}” with a table."),
            );
        } else {
            empty_note(&mut f, empty);
        }
    }
    f.into_pieces()
}

// ----------------------------------------------------------- completeness --

/// Symbols of the completeness matrix.
pub const WRITTEN: &str = "✔";
/// A section still holding template text.
pub const PLACEHOLDER: &str = "◐";
/// A missing section.
pub const MISSING: &str = "✗";

fn completeness(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let docs = select(ctx, ctx.model.tdds().collect(), selection, problems);
    let sections = ctx
        .model
        .templates
        .first()
        .map(|g| g.sections.clone())
        .unwrap_or_default();
    let mut header = vec!["Document".to_string()];
    for (i, (number, _, title)) in sections.iter().enumerate() {
        header.push(match number {
            Some(n) => n.to_string(),
            None => {
                let t: String = title.chars().take(12).collect();
                if t.is_empty() { (i + 1).to_string() } else { t }
            }
        });
    }
    header.push("Complete".into());
    let mut table = Table::new(header);
    let width = table.width();
    table.rows = write_rows(&docs, |out, d| {
        let mut row = Table::start_row(out, width);
        ctx.write_link(&mut row, d.chapter);
        for i in 0..sections.len() {
            // In the order of the template's sections.
            let state = d
                .completeness
                .binary_search_by_key(&i, |s| s.section)
                .map_or(SectionState::Missing, |k| d.completeness[k].state);
            row.text(match state {
                SectionState::Written => WRITTEN,
                SectionState::Placeholder => PLACEHOLDER,
                SectionState::Missing => MISSING,
            });
        }
        row.text(&format!("{}%", d.completeness_percent()));
    });
    let mut f = Fragment::new();
    f.table(table);
    if docs.is_empty() {
        empty_note(&mut f, "No TDDs match.");
    }
    f.paragraph(Cell::text(&format!(
        "{WRITTEN} written · {PLACEHOLDER} still template text or placeholders · {MISSING} missing"
    )));
    let names: Vec<String> = sections
        .iter()
        .map(|(n, _, t)| match n {
            Some(n) => {
                let (_, rest) = crate::syntax::outline::SectionNumber::split_heading(t);
                format!("{n} {rest}")
            }
            None => t.clone(),
        })
        .collect();
    if !names.is_empty() {
        f.paragraph(Cell::text(&format!("Sections: {}", names.join(" · "))));
    }
    f.into_pieces()
}

// -------------------------------------------------------------- backlinks --

/// The backlinks list of a PRD chapter; with `heading`, under that heading
/// and after the marker (for the list appended to PRD chapters).
pub fn backlinks(ctx: &RenderContext<'_>, chapter: usize, heading: Option<&str>) -> String {
    // The marker makes the list recognizable when the preprocessor runs
    // again on its own output.
    let mut f = Fragment::new();
    f.html_block(&format!("{BACKLINKS_MARKER}\n"));
    if let Some(h) = heading {
        f.heading(2, h);
    }
    let tdds: Vec<&Document> = ctx
        .model
        .document_of(chapter)
        .filter(|d| d.kind == DocKind::Prd)
        .map(|d| d.derived.iter().map(|i| &ctx.model.documents[*i]).collect())
        .unwrap_or_default();
    if tdds.is_empty() {
        empty_note(
            &mut f,
            "No technical designs derive from this document yet.",
        );
    } else {
        let items = tdds
            .iter()
            .map(|t| {
                let mut c = ctx.doc_link(t);
                c.push_text(" — ");
                c.push(ctx.doc_status(t));
                c
            })
            .collect();
        f.list(items);
    }
    f.into_markdown()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("In Review"), "in-review");
        assert_eq!(slug(" Über  Done! "), "über-done");
    }

    #[test]
    fn versions() {
        assert!(version_parts("1.10") > version_parts("1.9"));
        assert!(version_parts("v2.0") > version_parts("1.9.9"));
    }
}
