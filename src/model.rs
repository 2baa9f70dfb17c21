//! The model stage: one model of the whole book, gathered before any
//! directive that needs it is expanded.
//!
//! Every TDD and PRD becomes a [`Document`] with its header fields, its
//! normalized status, its Source PRD resolved to a chapter (or marked broken),
//! the tables of its sections, and how complete it is against the template.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, Location, closest};
use crate::links;
use crate::syntax::header::Header;
use crate::syntax::outline::{
    FlatSection, Outline, SectionNumber, body_sections_flat, heading_at, heading_key,
};
use crate::syntax::scan::{ChapterScan, HtmlState};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// What the model needs to know about a chapter of the book.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChapterMeta {
    /// The chapter's name in SUMMARY.md.
    pub name: String,
    /// Its path relative to the src dir, `/`-separated.
    pub path: String,
    /// The path its page is served under (README chapters as `index.md`).
    pub served: String,
    /// Its source path relative to the src dir, `/`-separated.
    pub source_path: String,
    /// The file named in diagnostics (`src/tdd/payments.md`).
    pub file: String,
}

impl ChapterMeta {
    /// The names and paths of the chapter `name` at `path` (from its
    /// `source_path`), both `/`-separated and relative to the book's `src`
    /// dir; with `index_enabled`, a README is served as `index.md`.
    pub fn new(
        name: &str,
        path: &str,
        source_path: &str,
        src: &str,
        index_enabled: bool,
    ) -> ChapterMeta {
        ChapterMeta {
            name: name.to_string(),
            path: path.to_string(),
            served: links::served_path(path, index_enabled),
            source_path: source_path.to_string(),
            file: if src.is_empty() {
                source_path.to_string()
            } else {
                format!("{src}/{source_path}")
            },
        }
    }
}

/// The marker that starts an appended backlinks list, so that running the
/// preprocessor again on its own output does not append a second one.
pub const BACKLINKS_MARKER: &str = "<!-- tdd-backlinks -->";

/// How a chapter ends: what text appended to it (the backlinks list) must
/// take into account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterEnd {
    /// The line ending of the chapter (see [`crate::syntax::lines::line_ending`]).
    pub eol: &'static str,
    /// The chapter is empty.
    pub empty: bool,
    /// The chapter ends with a line break.
    pub newline: bool,
    /// The chapter already holds a backlinks list: the marker as an HTML
    /// block of its own outside any container, not swallowed by raw HTML
    /// before it.
    pub has_backlinks: bool,
    /// How to close what the chapter ends inside; `None` when nothing is
    /// open, and a block appended after a blank line is read at the top level
    /// and as markup as it is (most chapters, which pay for no more).
    pub closing: Option<Box<Closing>>,
    /// Where the last block outside any container starts, with the state of
    /// the raw HTML there: the text appended is checked by reading the
    /// chapter from there.
    pub last_top_block: Option<(usize, HtmlState)>,
}

impl Default for ChapterEnd {
    fn default() -> Self {
        ChapterEnd {
            eol: "\n",
            empty: false,
            newline: false,
            has_backlinks: false,
            closing: None,
            last_top_block: None,
        }
    }
}

impl ChapterEnd {
    /// Reads the end of a scanned text whose lines end with `eol`.
    pub fn new(text: &str, eol: &'static str, scan: &ChapterScan) -> Self {
        ChapterEnd {
            eol,
            empty: text.is_empty(),
            newline: text.ends_with('\n'),
            has_backlinks: has_marker(text, scan),
            closing: {
                let lines = closing(text, scan, true);
                let fallback = closing(text, scan, false);
                (lines.as_deref() != Some("") || fallback.is_some())
                    .then(|| Box::new(Closing { lines, fallback }))
            },
            last_top_block: scan.last_top_block,
        }
    }
}

/// Whether a scanned text holds the backlinks marker where it is one: an
/// HTML block of its own outside any container, read as markup.
pub fn has_marker(text: &str, scan: &ChapterScan) -> bool {
    scan.top_level_html.iter().any(|(r, state)| {
        *state == HtmlState::Data
            && text
                .get(r.clone())
                .is_some_and(|t| t.trim() == BACKLINKS_MARKER)
    })
}

/// See [`Closing::lines`]; without `in_container`, the fallback
/// ([`Closing::fallback`]), `None` if the chapter ends inside no block to
/// close.
fn closing(text: &str, scan: &ChapterScan, in_container: bool) -> Option<String> {
    let end = text.trim_end().len();
    let prefix = |at: usize| {
        let line_start = text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let before = text.get(line_start..at).unwrap_or_default();
        // A byte-order mark that starts the file is no text to mdBook.
        let before = if line_start == 0 {
            before.trim_start_matches('\u{feff}')
        } else {
            before
        };
        crate::edit::continuation_prefix(before)
    };
    // The block the chapter ends inside, if any: its start and what closes it.
    let mut open: Option<(usize, String)> = None;
    if let Some(code) = &scan.last_code
        && code.fenced
        && code.range.end >= end
    {
        let first = text
            .get(code.range.clone())
            .unwrap_or_default()
            .trim_start();
        let ch = if first.starts_with('~') { '~' } else { '`' };
        // After the content come only blank lines or the closing fence.
        let rest = text
            .get(code.content_end..code.range.end)
            .unwrap_or_default();
        if !rest.contains(ch) {
            let len = first.chars().take_while(|c| *c == ch).count().max(3);
            open = Some((code.range.start, ch.to_string().repeat(len)));
        }
    }
    if let Some(block) = &scan.last_html_block
        && block.range.end >= end
        && !block.closed
        && let Some((_, close)) = block.kind
    {
        open = Some((block.range.start, close.to_string()));
    }
    let mut out = String::new();
    let mut state = scan.html_state;
    match open {
        Some((start, close)) if in_container => {
            state.feed(&close);
            out.push_str(&prefix(start));
            out.push_str(&close);
            out.push('\n');
        }
        Some((start, _)) if !prefix(start).is_empty() => {}
        _ if in_container => {}
        _ => return None,
    }
    let raw = state.closer()?;
    if !raw.is_empty() {
        out.push('\n');
        out.push_str(&raw);
        out.push('\n');
    }
    Some(out)
}

/// What closes the blocks and raw HTML a chapter ends inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closing {
    /// Lines (with `\n` endings) that close what the chapter ends inside, so
    /// that a block appended after them and a blank line is read at the top
    /// level and as markup: a fenced code block or an HTML block that runs
    /// to the end (closed inside its container), then raw HTML still open
    /// (a comment, a `<script>`); `None` when nothing can close it
    /// (`<plaintext>`).
    pub lines: Option<String>,
    /// Where `lines` close a block inside a container: the lines that rely
    /// on the blank line and the appended block to end the container (and
    /// the block with it) instead, with only the raw HTML closed; to be used
    /// when a container's continuation cannot be written (a footnote or
    /// list item whose first line starts with indented content).
    pub fallback: Option<String>,
}

/// A chapter as the model sees it; what the chapter says is in its
/// [`ChapterFacts`].
#[derive(Debug, Clone, Copy)]
pub struct ChapterInput<'a> {
    /// Metadata.
    pub meta: &'a ChapterMeta,
    /// Whether the chapter held a `{{#tdd-skeleton}}`.
    pub skeleton: bool,
    /// Which template judged it.
    pub template: usize,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A technical design document.
    Tdd,
    /// A product requirement document.
    Prd,
}

/// How a Source PRD was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrdForm {
    /// A Markdown link.
    Link,
    /// A bare path.
    Path,
    /// A chapter name.
    Name,
}

/// Where a Source PRD leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrdTarget {
    /// A chapter of the book (index into the chapters).
    Chapter(usize),
    /// Nowhere in the book.
    Broken,
    /// Still a template placeholder, or empty.
    Unset,
}

/// A TDD's Source PRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrdRef {
    /// The field value as written.
    pub written: String,
    /// The link destination or path that was resolved (or the name).
    pub target_text: String,
    /// How it was written.
    pub form: PrdForm,
    /// What it resolved to.
    pub target: PrdTarget,
    /// Byte range of the value in the chapter text.
    pub value_range: Range<usize>,
    /// Where the value is, for diagnostics.
    pub at: Location,
}

/// A table inside a document. Its texts (the section's key, the header cells
/// as plain text and, where that drops markup, as written, the body cells)
/// are kept in one buffer, so a table costs a few allocations however many
/// cells it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocTable {
    /// Number of the innermost section holding the table.
    pub section_number: Option<SectionNumber>,
    /// Body rows.
    pub rows: Vec<DocRow>,
    /// Every text of the table, one after the other.
    text: String,
    /// Spans of `text`: the section key, the plain header cells, the
    /// header cells as written (with `raw_header`), then the body cells row
    /// by row.
    spans: Vec<(u32, u32)>,
    /// Number of header cells.
    width: usize,
    /// Whether the header cells as written are kept: only when one of them
    /// differs from its plain text (emphasis, code), so that most tables
    /// keep their header once.
    raw_header: bool,
}

/// One row of a document's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    /// Indices of the row's cells in the table's spans.
    cells: (u32, u32),
    /// Byte offset of the row in the chapter text.
    pub offset: usize,
    /// Whether the row is still template placeholder text.
    pub placeholder: bool,
}

/// Builds a [`DocTable`] text by text.
struct TableBuilder {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl TableBuilder {
    fn with_capacity(bytes: usize, spans: usize) -> Self {
        TableBuilder {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(spans),
        }
    }

    /// Adds a text; returns the index of its span.
    fn push(&mut self, s: &str) -> u32 {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans
            .push((offset32(start), offset32(self.text.len())));
        offset32(self.spans.len() - 1)
    }
}

/// An offset of a table's buffer, which cannot outgrow a chapter.
fn offset32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl DocTable {
    fn span(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&(a, b)| self.text.get(a as usize..b as usize))
            .unwrap_or("")
    }

    /// Normalized heading text of the section holding the table.
    pub fn section_key(&self) -> &str {
        self.span(0)
    }

    /// Header cells as plain text.
    pub fn header_plains(&self) -> impl Iterator<Item = &str> {
        (0..self.width).map(|i| self.header_plain(i))
    }

    /// A header cell as plain text.
    pub fn header_plain(&self, column: usize) -> &str {
        if column < self.width {
            self.span(1 + column)
        } else {
            ""
        }
    }

    /// A header cell as written (inline Markdown).
    pub fn header_markdown(&self, column: usize) -> &str {
        if self.raw_header && column < self.width {
            self.span(1 + self.width + column)
        } else {
            self.header_plain(column)
        }
    }

    /// Index of the column with this header text (case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.plain_column(&plain(name))
    }

    /// Index of the column whose plain header text is `want`
    /// (case-insensitive).
    pub fn plain_column(&self, want: &str) -> Option<usize> {
        (0..self.width).find(|&i| self.header_plain(i).eq_ignore_ascii_case(want))
    }

    /// The number of cells of a row.
    pub fn row_len(&self, row: &DocRow) -> usize {
        (row.cells.1 - row.cells.0) as usize
    }

    /// A cell of a row (empty if the row has no such cell).
    pub fn cell(&self, row: &DocRow, column: usize) -> &str {
        let (a, b) = row.cells;
        let i = a as usize + column;
        if i < b as usize { self.span(i) } else { "" }
    }

    /// Rows that are not template placeholders.
    pub fn real_rows(&self) -> impl Iterator<Item = &DocRow> {
        self.rows.iter().filter(|r| !r.placeholder)
    }
}

/// Whether a template section is written in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionState {
    /// Written by the author.
    Written,
    /// Present, but still holding template guidance or placeholders.
    Placeholder,
    /// Not there.
    Missing,
}

/// The completeness of one template section in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionStatus {
    /// Index into the template's top-level sections.
    pub section: usize,
    /// Its state.
    pub state: SectionState,
}

/// A TDD or PRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Index of the chapter.
    pub chapter: usize,
    /// TDD or PRD.
    pub kind: DocKind,
    /// The text of the document's H1, if it has one.
    pub title: Option<String>,
    /// Header fields, in order: (name, value) as written.
    pub fields: Vec<(String, String)>,
    /// The status in the vocabulary's spelling.
    pub status: Option<String>,
    /// The status as written (also when it is not in the vocabulary).
    pub status_raw: Option<String>,
    /// The Source PRD (TDDs).
    pub prd: Option<PrdRef>,
    /// Documents derived from this one (PRDs: its TDDs), in book order.
    pub derived: Vec<usize>,
    /// Tables, in order.
    pub tables: Vec<DocTable>,
    /// Completeness per template section (TDDs).
    pub completeness: Vec<SectionStatus>,
    /// Number of template placeholders left (outside code).
    pub placeholders: usize,
    /// Template index used to judge completeness.
    pub template: usize,
    /// Rows of Open Questions & Risks whose Status is Open.
    pub open_items: usize,
    /// Rows of Dependencies & Blockers whose Status is not Ready.
    pub blockers: usize,
    /// The document's link reference definitions, for its cells shown
    /// elsewhere.
    pub refdefs: Vec<crate::syntax::scan::RefDef>,
    /// How the chapter ends (for the backlinks list).
    pub end: ChapterEnd,
}

impl Document {
    /// A header field by name (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The table of the section with this number or heading text.
    pub fn section_table(&self, section: &SectionSelector) -> Option<&DocTable> {
        self.tables.iter().find(|t| section.matches(t))
    }

    /// Rows of Open Questions & Risks whose Status is Open.
    pub fn open_items(&self) -> usize {
        self.open_items
    }

    /// Rows of Dependencies & Blockers whose Status is not Ready.
    pub fn blockers(&self) -> usize {
        self.blockers
    }

    fn count_open_items(&self) -> usize {
        count_rows(self, &SectionSelector::open_items(), |s| {
            s.eq_ignore_ascii_case("open")
        })
    }

    fn count_blockers(&self) -> usize {
        count_rows(self, &SectionSelector::blockers(), |s| {
            !s.eq_ignore_ascii_case("ready")
        })
    }

    /// Share of template sections written, 0 to 100.
    pub fn completeness_percent(&self) -> u32 {
        let total = self.completeness.len();
        if total == 0 {
            return 0;
        }
        let written = self
            .completeness
            .iter()
            .filter(|s| s.state == SectionState::Written)
            .count();
        ((written * 100 + total / 2) / total) as u32
    }
}

fn count_rows(doc: &Document, sel: &SectionSelector, keep: impl Fn(&str) -> bool) -> usize {
    let Some(t) = doc.section_table(sel) else {
        return 0;
    };
    let Some(col) = t.column("Status") else {
        return 0;
    };
    t.real_rows()
        .filter(|r| keep(&plain(t.cell(r, col))))
        .count()
}

/// Picks a section by number (`10.3`) or heading text (`Dependencies & Blockers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionSelector {
    /// By number.
    Number(SectionNumber),
    /// By normalized heading text.
    Key(String),
}

impl SectionSelector {
    /// Parses what a user wrote: a number if it is one, else heading text
    /// (a leading number in the text is ignored).
    pub fn parse(s: &str) -> SectionSelector {
        let (number, rest) = SectionNumber::split_heading(s);
        match number {
            Some(n) if rest.is_empty() => SectionSelector::Number(n),
            _ => SectionSelector::Key(heading_key(rest)),
        }
    }

    /// The Open Questions & Risks section.
    pub fn open_items() -> Self {
        SectionSelector::Key("open questions & risks".into())
    }

    /// The Dependencies & Blockers section.
    pub fn blockers() -> Self {
        SectionSelector::Key("dependencies & blockers".into())
    }

    fn matches(&self, t: &DocTable) -> bool {
        match self {
            SectionSelector::Number(n) => t.section_number.as_ref() == Some(n),
            SectionSelector::Key(k) => t.section_key() == k,
        }
    }
}

/// Cell or field text without emphasis, code markers or surrounding space.
pub fn plain(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    let decorated = t.contains(['*', '`']) || (t.starts_with('_') && t.ends_with('_'));
    if !decorated {
        return std::borrow::Cow::Borrowed(t);
    }
    let t: String = t.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    let t = t.trim();
    let t = t
        .strip_prefix('_')
        .and_then(|x| x.strip_suffix('_'))
        .unwrap_or(t);
    std::borrow::Cow::Owned(t.trim().to_string())
}

/// What a template teaches the model: its top-level sections and the
/// guidance text that marks a section as not yet written.
#[derive(Debug, Clone, Default)]
pub struct Guidance {
    /// Top-level body sections: (number, key, heading text).
    pub sections: Vec<(Option<SectionNumber>, String, String)>,
    blocks: HashSet<String>,
    /// The first line of each guidance block, to pass over other blocks
    /// without normalizing them.
    first_lines: HashSet<String>,
    rows: HashSet<String>,
    /// The lengths of the keys in `rows`.
    row_lengths: Vec<usize>,
}

impl Guidance {
    /// Learns a (filled) template.
    pub fn from_template(text: &str, options: &crate::config::MarkdownOptions) -> Guidance {
        let text = crate::syntax::lines::lf_only(text);
        let scan = crate::syntax::scan::scan(&text, options);
        let outline = Outline::build(&text, &scan.headings);
        let sections = outline
            .body_sections()
            .iter()
            .map(|s| {
                (
                    s.number,
                    s.key.clone(),
                    text[s.title.clone()].trim().to_string(),
                )
            })
            .collect();
        let mut blocks = HashSet::new();
        if let Some(h1) = outline.sections.iter().find(|s| s.level == 1) {
            // Only blocks with a placeholder are guidance to replace; fixed
            // template prose ("This section provides ...") may stay.
            for s in &h1.children {
                blocks.extend(
                    candidate_blocks(&text[s.range.clone()])
                        .into_iter()
                        .map(|(_, b)| b)
                        .filter(|b| {
                            crate::syntax::placeholder::placeholder_ranges(b)
                                .next()
                                .is_some()
                        }),
                );
            }
        }
        let mut rows = HashSet::new();
        for t in &scan.tables {
            for r in &t.rows {
                rows.insert(row_key(&text, &r.cells));
            }
        }
        let first_lines = blocks
            .iter()
            .map(|b| b.lines().next().unwrap_or_default().to_string())
            .collect();
        let mut row_lengths: Vec<usize> = rows.iter().map(String::len).collect();
        row_lengths.sort_unstable();
        row_lengths.dedup();
        Guidance {
            sections,
            blocks,
            first_lines,
            rows,
            row_lengths,
        }
    }

    /// The offset of the first block of `text` that is template guidance.
    fn guidance_block(&self, text: &str) -> Option<usize> {
        if self.blocks.is_empty() {
            return None;
        }
        each_candidate(text, |_, raw| {
            let first = raw.lines().next().unwrap_or_default().trim();
            self.first_lines.contains(first) && self.blocks.contains(&normalize_block(raw))
        })
    }
}

fn row_key(text: &str, cells: &[Range<usize>]) -> String {
    let mut key = String::new();
    row_key_into(text, cells, &mut key);
    key
}

/// The cells of a row, trimmed and joined with `|`, written into `key`.
fn row_key_into(text: &str, cells: &[Range<usize>], key: &mut String) {
    key.clear();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            key.push('|');
        }
        key.push_str(text[c.clone()].trim());
    }
}

/// The blocks of a section text (split at blank lines; headings and
/// thematic breaks left out) that hold a `{` and some letter or digit, each
/// normalized (lines trimmed) with the offset of its first line. Guidance
/// blocks always hold a placeholder, so no other block can be guidance.
fn candidate_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    each_candidate(text, |start, raw| {
        out.push((start, normalize_block(raw)));
        false
    });
    out
}

/// A block with each line trimmed.
fn normalize_block(raw: &str) -> String {
    raw.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// Calls `found` with the offset and text of each block of `text` (as in
/// [`candidate_blocks`], not normalized) until it returns true; returns that
/// block's offset.
fn each_candidate(text: &str, mut found: impl FnMut(usize, &str) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let line_start = |i: usize| memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |p| p + 1);
    let line_end = |i: usize| memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p + 1);
    // Only blocks with a `{` are candidates: go from brace to brace.
    let mut from = 0;
    while let Some(brace) = memchr::memchr(b'{', &bytes[from..]).map(|i| from + i) {
        let (first, mut next) = (line_start(brace), line_end(brace));
        if is_block_break(&text[first..next]) {
            from = next;
            continue;
        }
        let mut start = first;
        while start > 0 {
            let previous = line_start(start - 1);
            if is_block_break(&text[previous..start]) {
                break;
            }
            start = previous;
        }
        let mut last = first;
        while next < bytes.len() {
            let end = line_end(next);
            if is_block_break(&text[next..end]) {
                break;
            }
            (last, next) = (next, end);
        }
        let end = last + text[last..next].trim_end().len();
        let raw = &text[start..end];
        if raw.chars().any(char::is_alphanumeric) && found(start, raw) {
            return Some(start);
        }
        from = next;
    }
    None
}

/// Whether a line ends a block: blank, a heading or a thematic break.
fn is_block_break(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#') || t.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '))
}

/// The model of the whole book.
#[derive(Debug, Clone, Default)]
pub struct BookModel {
    /// Every chapter (not drafts), in book order.
    pub chapters: Vec<ChapterMeta>,
    /// TDDs and PRDs, in book order.
    pub documents: Vec<Document>,
    /// For each chapter, its document (if it is one).
    pub doc_of_chapter: Vec<Option<usize>>,
    /// The templates documents were judged against.
    pub templates: Vec<Guidance>,
}

impl BookModel {
    /// The TDDs, in book order.
    pub fn tdds(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.kind == DocKind::Tdd)
    }

    /// The PRDs, in book order.
    pub fn prds(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.kind == DocKind::Prd)
    }

    /// The document of a chapter.
    pub fn document_of(&self, chapter: usize) -> Option<&Document> {
        self.doc_of_chapter
            .get(chapter)
            .copied()
            .flatten()
            .map(|i| &self.documents[i])
    }

    /// The chapter of a document.
    pub fn chapter(&self, doc: &Document) -> &ChapterMeta {
        &self.chapters[doc.chapter]
    }

    /// Builds the model from every chapter and what the analysis pass
    /// gathered about it (`facts`, `None` for chapters it did not need to
    /// scan). `late_facts` gathers the facts of such a chapter if it turns
    /// out to be a PRD.
    pub fn build(
        inputs: &[ChapterInput<'_>],
        mut facts: Vec<Option<Box<ChapterFacts>>>,
        late_facts: &(dyn Fn(usize) -> Option<Box<ChapterFacts>> + Sync),
        templates: Vec<Guidance>,
        config: &Config,
        diags: &mut Diagnostics,
    ) -> BookModel {
        let n = inputs.len();
        let mut model = BookModel {
            chapters: inputs.iter().map(|c| c.meta.clone()).collect(),
            documents: Vec::new(),
            doc_of_chapter: vec![None; n],
            templates,
        };
        let index = PathIndex::new(&model.chapters);

        // 1. The TDDs (and PRDs by path).
        let kinds: Vec<(bool, bool)> = inputs
            .par_iter()
            .zip(&facts)
            .map(|(c, f)| {
                let has_prd_field = f
                    .as_ref()
                    .is_some_and(|f| f.header.get("Source PRD").is_some());
                let prd_glob = config.prd_paths.iter().any(|g| g.matches(&c.meta.path));
                let tdd_glob = config.tdd_paths.iter().any(|g| g.matches(&c.meta.path));
                if c.skeleton || has_prd_field {
                    (true, false)
                } else {
                    (tdd_glob && !prd_glob, prd_glob)
                }
            })
            .collect();
        let is_tdd: Vec<bool> = kinds.iter().map(|k| k.0).collect();
        let mut is_prd: Vec<bool> = kinds.iter().map(|k| k.1).collect();

        // 2. Source PRDs, resolved in parallel; what they find is merged in
        // book order.
        let resolved: Vec<(Option<PrdRef>, Diagnostics)> = facts
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let mut d = Diagnostics::new();
                let r = match f {
                    Some(f) if is_tdd[i] => {
                        source_prd(i, f, &model.chapters, &is_tdd, &index, &mut d)
                    }
                    _ => None,
                };
                (r, d)
            })
            .collect();
        let mut prd_refs: Vec<Option<PrdRef>> = Vec::with_capacity(n);
        for (i, (r, d)) in resolved.into_iter().enumerate() {
            diags.extend(d);
            if let Some(PrdTarget::Chapter(t)) = r.as_ref().map(|r| &r.target)
                && *t != i
                && !is_tdd[*t]
            {
                is_prd[*t] = true;
            }
            prd_refs.push(r);
        }

        // 3. Documents, in book order (analyzed in parallel). A PRD that
        // nothing made the analysis scan is scanned now.
        facts
            .par_iter_mut()
            .enumerate()
            .filter(|(i, f)| f.is_none() && (is_tdd[*i] || is_prd[*i]))
            .for_each(|(i, f)| *f = late_facts(i));
        let todo: Vec<(usize, DocKind, Box<ChapterFacts>, Option<PrdRef>)> = facts
            .into_iter()
            .zip(prd_refs)
            .enumerate()
            .filter_map(|(i, (f, prd))| {
                let kind = if is_tdd[i] {
                    DocKind::Tdd
                } else if is_prd[i] {
                    DocKind::Prd
                } else {
                    return None;
                };
                Some((i, kind, f?, prd))
            })
            .collect();
        let (documents, found): (Vec<Document>, Vec<Diagnostics>) = todo
            .into_par_iter()
            .map(|(i, kind, f, mut prd)| {
                if let Some(p) = &mut prd
                    && matches!(p.target, PrdTarget::Chapter(t) if t == i || is_tdd[t])
                {
                    p.target = PrdTarget::Broken;
                }
                let mut d = Diagnostics::new();
                (analyze_document(i, kind, *f, prd, &mut d), d)
            })
            .unzip();
        for (k, (doc, d)) in documents.iter().zip(found).enumerate() {
            diags.extend(d);
            model.doc_of_chapter[doc.chapter] = Some(k);
        }
        model.documents = documents;

        // 4. Backlinks and cross-document lints.
        let links: Vec<(usize, usize)> = model
            .documents
            .iter()
            .enumerate()
            .filter_map(|(di, d)| match d.prd.as_ref().map(|p| &p.target) {
                Some(PrdTarget::Chapter(t)) => model.doc_of_chapter[*t].map(|pd| (di, pd)),
                _ => None,
            })
            .collect();
        let first_final = config
            .final_statuses
            .iter()
            .filter_map(|f| config.status_rank(f))
            .min();
        for (tdd, prd) in links {
            model.documents[prd].derived.push(tdd);
            let (t, p) = (&model.documents[tdd], &model.documents[prd]);
            let Some(at) = t.prd.as_ref().map(|r| r.at.clone()) else {
                continue;
            };
            let Some(ps) = &p.status else { continue };
            let prd_name = &model.chapters[p.chapter].name;
            if ["Superseded", "Rejected", "Deprecated"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(ps))
            {
                diags.push(
                    Diagnostic::new(
                        Lint::InactivePrd,
                        format!("the Source PRD `{prd_name}` is {ps}"),
                    )
                    .at(at.clone()),
                );
            }
            if let Some(ts) = &t.status
                && config.is_final(ts)
                && !config.is_final(ps)
                && matches!((config.status_rank(ps), first_final), (Some(r), Some(f)) if r < f)
            {
                diags.push(
                    Diagnostic::new(
                        Lint::PrdNotApproved,
                        format!("this TDD is {ts} while its PRD `{prd_name}` is still {ps}"),
                    )
                    .at(at),
                );
            }
        }
        model
    }
}

/// Resolves the Source PRD of the TDD at chapter `i`, reporting what is
/// wrong with it.
fn source_prd(
    i: usize,
    f: &ChapterFacts,
    chapters: &[ChapterMeta],
    is_tdd: &[bool],
    index: &PathIndex<'_>,
    diags: &mut Diagnostics,
) -> Option<PrdRef> {
    let Some(field) = f.header.get("Source PRD") else {
        diags.push(
            Diagnostic::new(Lint::MissingPrd, "this TDD names no Source PRD")
                .at(f.header_at.clone())
                .help("add a header line `**Source PRD:** [name](path/to/prd.md)`"),
        );
        return None;
    };
    let at = f.prd_at.clone().unwrap_or_else(|| f.header_at.clone());
    let r = resolve_prd(
        &field.value,
        field.value_range.clone(),
        at.clone(),
        &chapters[i].path,
        index,
        &f.refdefs,
    );
    let problem = |lint, message: String| Diagnostic::new(lint, message).at(at.clone());
    if r.form == PrdForm::Name
        && let PrdTarget::Chapter(t) = r.target
        && index
            .ambiguous
            .contains(&r.target_text.trim().to_lowercase())
    {
        diags.push(
            problem(
                Lint::AmbiguousPrd,
                format!(
                    "more than one chapter is named `{}`; the Source PRD resolves to the first, `{}`",
                    r.target_text.trim(),
                    chapters[t].source_path
                ),
            )
            .help("give the PRD's path or a link instead of its name"),
        );
    }
    match &r.target {
        PrdTarget::Unset => diags.push(problem(
            Lint::MissingPrd,
            if field.value.is_empty() {
                "the Source PRD field is empty".to_string()
            } else {
                format!(
                    "the Source PRD is still a template placeholder: {}",
                    field.value
                )
            },
        )),
        PrdTarget::Broken => diags.push(problem(
            Lint::BrokenPrdLink,
            format!(
                "Source PRD does not resolve to a chapter of this book: {}",
                r.target_text
            ),
        )),
        PrdTarget::Chapter(t) if *t == i => diags.push(problem(
            Lint::BrokenPrdLink,
            "Source PRD points to this TDD itself".to_string(),
        )),
        PrdTarget::Chapter(t) if is_tdd[*t] => diags.push(problem(
            Lint::BrokenPrdLink,
            format!(
                "Source PRD points to `{}`, which is a TDD, not a PRD",
                chapters[*t].source_path
            ),
        )),
        PrdTarget::Chapter(t) => {
            let target = &chapters[*t];
            let link_path = r.target_text.split(['#', '?']).next().unwrap_or("");
            if r.form == PrdForm::Link
                && target.served != target.path
                && links::is_readme(&links::percent_decode(link_path))
            {
                let fixed = link_path
                    .rsplit_once('/')
                    .map_or("index.md".to_string(), |(dir, _)| format!("{dir}/index.md"));
                diags.push(
                    problem(
                        Lint::BrokenPrdLink,
                        format!(
                            "Source PRD links to `{link_path}`, which mdBook serves as `index.html`: the link is broken on the rendered page"
                        ),
                    )
                    .help(format!("link to `{fixed}` instead")),
                );
            }
        }
    }
    Some(r)
}

/// Looks chapters up by path and name.
struct PathIndex<'a> {
    by_path: HashMap<&'a str, usize>,
    by_name: HashMap<String, usize>,
    /// Names that more than one chapter has.
    ambiguous: HashSet<String>,
}

impl<'a> PathIndex<'a> {
    fn new(chapters: &'a [ChapterMeta]) -> Self {
        let mut by_path = HashMap::new();
        let mut by_name = HashMap::new();
        let mut ambiguous = HashSet::new();
        for (i, c) in chapters.iter().enumerate() {
            for p in [&c.source_path, &c.path, &c.served] {
                by_path.entry(p.as_str()).or_insert(i);
            }
            let key = c.name.trim().to_lowercase();
            match by_name.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    ambiguous.insert(e.key().clone());
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        PathIndex {
            by_path,
            by_name,
            ambiguous,
        }
    }

    fn path(&self, p: &str) -> Option<usize> {
        if let Some(&i) = self.by_path.get(p) {
            return Some(i);
        }
        let md = p.strip_suffix(".html").map(|s| format!("{s}.md"))?;
        self.by_path.get(md.as_str()).copied()
    }
}

fn resolve_prd(
    value: &str,
    value_range: Range<usize>,
    at: Location,
    chapter_path: &str,
    index: &PathIndex<'_>,
    defs: &[crate::syntax::scan::RefDef],
) -> PrdRef {
    let written = value.trim().to_string();
    let unset = |form| PrdRef {
        written: written.clone(),
        target_text: written.clone(),
        form,
        target: PrdTarget::Unset,
        value_range: value_range.clone(),
        at: at.clone(),
    };
    if written.is_empty() {
        return unset(PrdForm::Path);
    }
    let link_dest = link_destination(&written, defs);
    let (form, target_text) = match &link_dest {
        Some(d) => (PrdForm::Link, d.clone()),
        None if looks_like_path(&written) => (PrdForm::Path, written.clone()),
        None => (PrdForm::Name, written.clone()),
    };
    if crate::syntax::placeholder::placeholder_ranges(&target_text)
        .next()
        .is_some()
    {
        return unset(form);
    }
    let target = match form {
        PrdForm::Name => index
            .by_name
            .get(&target_text.trim().to_lowercase())
            .copied()
            .or_else(|| resolve_path(&target_text, chapter_path, index)),
        _ => resolve_path(&target_text, chapter_path, index),
    };
    PrdRef {
        written,
        target_text,
        form,
        target: target.map_or(PrdTarget::Broken, PrdTarget::Chapter),
        value_range,
        at,
    }
}

fn looks_like_path(s: &str) -> bool {
    let s = s.split('#').next().unwrap_or(s);
    s.ends_with(".md") || s.ends_with(".markdown") || s.ends_with(".html") || s.contains('/')
}

fn resolve_path(target: &str, chapter_path: &str, index: &PathIndex<'_>) -> Option<usize> {
    let path = target.split(['#', '?']).next().unwrap_or(target);
    if path.is_empty() || path.contains("://") {
        return None;
    }
    let path = links::percent_decode(path);
    let dir = links::parent(chapter_path);
    if let Some(p) = links::join(dir, &path)
        && let Some(i) = index.path(&p)
    {
        return Some(i);
    }
    links::normalize(&path).and_then(|p| index.path(&p))
}

/// The destination of the first link in a field value, if it is a link; a
/// reference link (`[P][ref]`, `[P][]`, `[P]`) resolves through the
/// document's reference definitions `defs`.
fn link_destination(value: &str, defs: &[crate::syntax::scan::RefDef]) -> Option<String> {
    use mdbook_markdown::pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser, Tag};
    if !value.starts_with('[') && !value.starts_with('<') {
        return None;
    }
    let mut resolve = |link: BrokenLink<'_>| {
        crate::syntax::scan::find_refdef(defs, &link.reference)
            .map(|d| (CowStr::from(d.dest.clone()), CowStr::from(d.title.clone())))
    };
    Parser::new_with_broken_link_callback(value, Options::empty(), Some(&mut resolve)).find_map(
        |e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        },
    )
}

/// Facts about one chapter that do not depend on the rest of the book:
/// computed for every scanned chapter in the parallel analysis pass, while
/// its text is at hand.
#[derive(Debug, Clone, Default)]
pub struct ChapterFacts {
    /// The header and its fields.
    pub header: Header,
    /// The text of the first H1.
    pub title: Option<String>,
    /// Tables, with the section holding each.
    pub tables: Vec<DocTable>,
    /// Template placeholders outside code.
    pub placeholders: Vec<Range<usize>>,
    /// Completeness against the template.
    pub completeness: Vec<SectionStatus>,
    /// Which template judged the chapter.
    pub template: usize,
    /// The status in the vocabulary's spelling.
    pub status: Option<String>,
    /// The status as written.
    pub status_raw: Option<String>,
    /// `unknown-status`, reported if the chapter is a document.
    pub status_problem: Option<Diagnostic>,
    /// `placeholder-in-final`, reported if the chapter is a TDD.
    pub leftovers: Vec<Diagnostic>,
    /// Where the Source PRD value is.
    pub prd_at: Option<Location>,
    /// Where a missing Source PRD is reported (the H1, or the start).
    pub header_at: Location,
    /// Link reference definitions.
    pub refdefs: Vec<crate::syntax::scan::RefDef>,
    /// How the chapter ends.
    pub end: ChapterEnd,
}

impl ChapterFacts {
    /// Gathers the facts of a scanned chapter, judged against a template;
    /// `text` is the chapter as line-based code reads it (see
    /// [`crate::syntax::lines::lf_view`]), `eol` the line ending of the chapter as it
    /// is; `locate` turns offsets of `text` into locations.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        text: &str,
        eol: &'static str,
        scan: &ChapterScan,
        guidance: &Guidance,
        template: usize,
        config: &Config,
        locate: &dyn Fn(usize) -> Location,
    ) -> Self {
        let header = Header::parse(text, scan);
        let title = scan
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| text[h.text.clone()].trim().to_string());
        let mut row_key = String::new();
        let tables = scan
            .tables
            .iter()
            .map(|t| {
                let (section_number, rest) = heading_at(&scan.headings, t.range.start)
                    .map_or((None, ""), |h| {
                        SectionNumber::split_heading(&text[h.text.clone()])
                    });
                let section_key = if rest.is_empty() {
                    String::new()
                } else {
                    heading_key(rest)
                };
                let raw_header = t.header.iter().any(|c| {
                    let raw = &text[c.clone()];
                    plain(raw) != raw
                });
                let copies = if raw_header { 2 } else { 1 };
                let (mut cells, mut bytes) = (1 + copies * t.header.len(), section_key.len());
                for c in &t.header {
                    bytes += copies * c.len();
                }
                for r in &t.rows {
                    cells += r.cells.len();
                    bytes += r.cells.iter().map(ExactSizeIterator::len).sum::<usize>();
                }
                let mut b = TableBuilder::with_capacity(bytes, cells);
                b.push(&section_key);
                for c in &t.header {
                    b.push(&plain(&text[c.clone()]));
                }
                if raw_header {
                    for c in &t.header {
                        b.push(&text[c.clone()]);
                    }
                }
                let rows = t
                    .rows
                    .iter()
                    .map(|r| {
                        let first = b.spans.len();
                        for c in &r.cells {
                            b.push(&text[c.clone()]);
                        }
                        DocRow {
                            cells: (offset32(first), offset32(b.spans.len())),
                            offset: r.start,
                            placeholder: is_placeholder_row(text, &r.cells, guidance, &mut row_key),
                        }
                    })
                    .collect();
                DocTable {
                    section_number,
                    rows,
                    text: b.text,
                    spans: b.spans,
                    width: t.header.len(),
                    raw_header,
                }
            })
            .collect();
        let placeholders = placeholder_offsets(text, scan);
        let body = body_sections_flat(text, &scan.headings);
        // A template section is the first body section with its number (or,
        // unnumbered on either side, with its heading text).
        // Keys are needed for unnumbered sections, and for all if the
        // template has unnumbered ones.
        let all_keys = guidance.sections.iter().any(|(n, _, _)| n.is_none());
        let keys: Vec<Option<String>> = body
            .iter()
            .map(|s| (all_keys || s.number.is_none()).then(|| s.key_in(text)))
            .collect();
        let mut by_number: HashMap<SectionNumber, usize> = HashMap::new();
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        let mut unnumbered_by_key: HashMap<&str, usize> = HashMap::new();
        for (i, (s, k)) in body.iter().zip(&keys).enumerate() {
            if let Some(n) = s.number {
                by_number.entry(n).or_insert(i);
            }
            if let Some(k) = k.as_deref().filter(|k| !k.is_empty()) {
                by_key.entry(k).or_insert(i);
                if s.number.is_none() {
                    unnumbered_by_key.entry(k).or_insert(i);
                }
            }
        }
        let mut states: Vec<Option<SectionState>> = vec![None; body.len()];
        let completeness = guidance
            .sections
            .iter()
            .enumerate()
            .map(|(si, (number, key, _))| {
                let keyed = |map: &HashMap<&str, usize>| {
                    if key.is_empty() {
                        None
                    } else {
                        map.get(key.as_str()).copied()
                    }
                };
                let found = match number {
                    Some(n) => match (by_number.get(n).copied(), keyed(&unnumbered_by_key)) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                    None => keyed(&by_key),
                };
                let state = match found {
                    None => SectionState::Missing,
                    Some(i) => *states[i].get_or_insert_with(|| {
                        section_state(text, &body[i], &placeholders, guidance)
                    }),
                };
                SectionStatus { section: si, state }
            })
            .collect();
        // Status.
        let status_field = header.get("Status");
        let status_raw = status_field
            .map(|f| f.value.clone())
            .filter(|v| !v.is_empty());
        let status = status_raw
            .as_deref()
            .and_then(|s| config.normalize_status(s))
            .map(str::to_string);
        let mut status_problem = None;
        if let (Some(raw), None, Some(f)) = (&status_raw, &status, status_field)
            && crate::syntax::placeholder::placeholder_ranges(raw)
                .next()
                .is_none()
        {
            let mut d = Diagnostic::new(Lint::UnknownStatus, format!("unknown status `{raw}`"))
                .at(locate(f.value_range.start));
            if let Some(c) = closest(&plain(raw), config.statuses.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{c}`?"));
            }
            status_problem = Some(d.note(format!("statuses: {}", config.statuses.join(", "))));
        }
        let leftovers = match status.as_deref() {
            Some(s) if config.is_final(s) => {
                leftover_diagnostics(text, &body, &placeholders, guidance, s, locate)
            }
            _ => Vec::new(),
        };
        let prd_at = header
            .get("Source PRD")
            .map(|f| locate(f.value_range.start));
        let header_at = locate(
            scan.headings
                .iter()
                .find(|h| h.level == 1)
                .map_or(0, |h| h.range.start),
        );
        ChapterFacts {
            header,
            title,
            tables,
            placeholders,
            completeness,
            template,
            status,
            status_raw,
            status_problem,
            leftovers,
            prd_at,
            header_at,
            refdefs: scan.refdefs.clone(),
            end: ChapterEnd::new(text, eol, scan),
        }
    }
}

fn analyze_document(
    chapter: usize,
    kind: DocKind,
    facts: ChapterFacts,
    prd: Option<PrdRef>,
    diags: &mut Diagnostics,
) -> Document {
    let is_tdd = kind == DocKind::Tdd;
    if let Some(d) = facts.status_problem {
        diags.push(d);
    }
    if is_tdd {
        for d in facts.leftovers {
            diags.push(d);
        }
    }
    let mut doc = Document {
        chapter,
        kind,
        title: facts.title,
        fields: facts
            .header
            .fields
            .into_iter()
            .map(|f| (f.name, f.value))
            .collect(),
        status: facts.status,
        status_raw: facts.status_raw,
        prd,
        derived: Vec::new(),
        tables: facts.tables,
        completeness: if is_tdd {
            facts.completeness
        } else {
            Vec::new()
        },
        placeholders: if is_tdd { facts.placeholders.len() } else { 0 },
        template: facts.template,
        open_items: 0,
        blockers: 0,
        refdefs: facts.refdefs,
        end: facts.end,
    };
    if is_tdd {
        doc.open_items = doc.count_open_items();
        doc.blockers = doc.count_blockers();
    }
    doc
}

fn is_placeholder_row(
    text: &str,
    cells: &[Range<usize>],
    guidance: &Guidance,
    key: &mut String,
) -> bool {
    // A row's key can only be a template row's if their lengths agree.
    let len = cells
        .iter()
        .map(|c| text[c.clone()].trim().len())
        .sum::<usize>()
        + cells.len().saturating_sub(1);
    if guidance.row_lengths.binary_search(&len).is_ok() {
        row_key_into(text, cells, key);
        if guidance.rows.contains(key.as_str()) {
            return true;
        }
    }
    let mut any = false;
    for c in cells {
        let cell = text[c.clone()].trim();
        if cell.is_empty() {
            continue;
        }
        let mut ph = crate::syntax::placeholder::placeholder_ranges(cell);
        match ph.next() {
            Some(r) if r == (0..cell.len()) => any = true,
            _ => return false,
        }
    }
    any
}

/// Offsets of the template placeholders of a text: outside code blocks and
/// HTML; inside a code span only when the span holds nothing else.
pub fn placeholder_offsets(text: &str, scan: &ChapterScan) -> Vec<Range<usize>> {
    // Whether each code span holds nothing but placeholders, once per span.
    let mut only_placeholders: HashMap<usize, bool> = HashMap::new();
    crate::syntax::placeholder::placeholder_ranges(text)
        .filter(|r| !scan.is_protected(r.start))
        .filter(|r| {
            let i = scan.code_spans.partition_point(|s| s.end <= r.start);
            match scan.code_spans.get(i) {
                Some(span) if span.start <= r.start => {
                    *only_placeholders.entry(i).or_insert_with(|| {
                        holds_only_placeholders(text[span.clone()].trim_matches('`'))
                    })
                }
                _ => true,
            }
        })
        .collect()
}

/// Whether a text is placeholders and white space only.
fn holds_only_placeholders(text: &str) -> bool {
    let mut last = 0;
    for p in crate::syntax::placeholder::placeholder_ranges(text) {
        if !text[last..p.start].trim().is_empty() {
            return false;
        }
        last = p.end;
    }
    text[last..].trim().is_empty()
}

fn section_state(
    text: &str,
    s: &FlatSection,
    placeholders: &[Range<usize>],
    guidance: &Guidance,
) -> SectionState {
    let body = &text[s.heading.end.min(s.range.end)..s.range.end];
    let has_placeholder = || !within(placeholders, &s.range).is_empty();
    let has_guidance = || guidance.guidance_block(&text[s.range.clone()]).is_some();
    let has_text = || {
        body.lines()
            .any(|l| !l.trim_start().starts_with('#') && l.chars().any(char::is_alphanumeric))
    };
    if has_placeholder() || !has_text() || has_guidance() {
        SectionState::Placeholder
    } else {
        SectionState::Written
    }
}

/// The ranges (sorted by start) that start inside `range`.
fn within<'r>(ranges: &'r [Range<usize>], range: &Range<usize>) -> &'r [Range<usize>] {
    let from = ranges.partition_point(|r| r.start < range.start);
    let to = ranges.partition_point(|r| r.start < range.end);
    ranges.get(from..to.max(from)).unwrap_or_default()
}

fn leftover_diagnostics(
    text: &str,
    body: &[FlatSection],
    found: &[Range<usize>],
    guidance: &Guidance,
    status: &str,
    locate: &dyn Fn(usize) -> Location,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let body_start = body.first().map_or(text.len(), |s| s.range.start);
    // The header and anything before the first section.
    let head = within(found, &(0..body_start));
    if let Some(first) = head.first() {
        diags.push(
            Diagnostic::new(
                Lint::PlaceholderInFinal,
                format!(
                    "this TDD is {status} but its header still holds {} template placeholder{}, first `{}`",
                    head.len(),
                    if head.len() == 1 { "" } else { "s" },
                    &text[first.clone()]
                ),
            )
            .at(locate(first.start)),
        );
    }
    for s in body {
        let title = text[s.title.clone()].trim();
        let inside = within(found, &s.range);
        if let Some(first) = inside.first() {
            diags.push(
                Diagnostic::new(
                    Lint::PlaceholderInFinal,
                    format!(
                        "this TDD is {status} but section `{title}` still holds {} template placeholder{}, first `{}`",
                        inside.len(),
                        if inside.len() == 1 { "" } else { "s" },
                        &text[first.clone()]
                    ),
                )
                .at(locate(first.start)),
            );
            continue;
        }
        let section_text = &text[s.range.clone()];
        if let Some(offset) = guidance.guidance_block(section_text) {
            let line = &section_text[offset..];
            let at = s.range.start + offset + (line.len() - line.trim_start().len());
            diags.push(
                Diagnostic::new(
                    Lint::PlaceholderInFinal,
                    format!(
                        "this TDD is {status} but section `{title}` still holds the template's guidance text"
                    ),
                )
                .at(locate(at)),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownOptions;

    fn meta(name: &str, path: &str) -> ChapterMeta {
        ChapterMeta::new(name, path, path, "src", true)
    }

    fn build(chapters: &[(&str, &str, &str)], config: &Config) -> (BookModel, Vec<Diagnostic>) {
        let metas: Vec<ChapterMeta> = chapters.iter().map(|(n, p, _)| meta(n, p)).collect();
        let g = Guidance::from_template(crate::template::BUILTIN, &MarkdownOptions::default());
        let facts: Vec<Option<Box<ChapterFacts>>> = chapters
            .iter()
            .enumerate()
            .map(|(i, (_, _, t))| {
                let scan = crate::syntax::scan::scan(t, &config.markdown);
                let locate = |o: usize| {
                    let (line, column) = crate::diagnostic::line_col(t, o);
                    Location {
                        file: metas[i].file.clone(),
                        line,
                        column,
                    }
                };
                Some(Box::new(ChapterFacts::new(
                    t, "\n", &scan, &g, 0, config, &locate,
                )))
            })
            .collect();
        let inputs: Vec<ChapterInput<'_>> = metas
            .iter()
            .map(|m| ChapterInput {
                meta: m,
                skeleton: false,
                template: 0,
            })
            .collect();
        let mut d = Diagnostics::new();
        let m = BookModel::build(&inputs, facts, &|_| None, vec![g], config, &mut d);
        (m, d.into_vec())
    }

    const PRD: &str = "# Payments PRD\n\n**Status:** Approved\n\n---\n\nText.\n";

    #[test]
    fn resolves_prd_forms() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Payments PRD", "prd/pay.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Status:** draft\n**Source PRD:** [pay](../prd/pay.md)\n",
                ),
                ("B", "tdd/b.md", "# B\n\n**Source PRD:** ../prd/pay.md\n"),
                ("C", "tdd/x/c.md", "# C\n\n**Source PRD:** Payments PRD\n"),
                ("D", "tdd/d.md", "# D\n\n**Source PRD:** prd/pay.md\n"),
                (
                    "E",
                    "tdd/e.md",
                    "# E\n\n**Source PRD:** [x](../prd/paymnts.md)\n",
                ),
            ],
            &c,
        );
        let prd = m.document_of(0).unwrap();
        assert_eq!(prd.kind, DocKind::Prd);
        assert_eq!(prd.status.as_deref(), Some("Approved"));
        assert_eq!(prd.derived.len(), 4);
        let a = m.document_of(1).unwrap();
        assert_eq!(a.status.as_deref(), Some("Draft"));
        assert_eq!(a.prd.as_ref().unwrap().form, PrdForm::Link);
        assert_eq!(
            m.document_of(2).unwrap().prd.as_ref().unwrap().form,
            PrdForm::Path
        );
        assert_eq!(
            m.document_of(3).unwrap().prd.as_ref().unwrap().form,
            PrdForm::Name
        );
        assert_eq!(
            m.document_of(5).unwrap().prd.as_ref().unwrap().target,
            PrdTarget::Broken
        );
        let broken: Vec<_> = d.iter().filter(|d| d.lint == Lint::BrokenPrdLink).collect();
        assert_eq!(broken.len(), 1);
        assert_eq!(
            broken[0].location.as_ref().unwrap().to_string(),
            "src/tdd/e.md:3:17"
        );
        assert_eq!(
            broken[0].message,
            "Source PRD does not resolve to a chapter of this book: ../prd/paymnts.md"
        );
    }

    #[test]
    fn reference_links_as_source_prd() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Payments PRD", "prd/pay.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Source PRD:** [the PRD][p]\n\n[p]: ../prd/pay.md\n",
                ),
                (
                    "B",
                    "tdd/b.md",
                    "# B\n\n**Source PRD:** [Payments  PRD][]\n\n[payments prd]: <../prd/pay.md> \"T\"\n",
                ),
                (
                    "C",
                    "tdd/c.md",
                    "# C\n\n**Source PRD:** [pay]\n\n[PAY]: ../prd/pay.md#goals\n",
                ),
                ("D", "tdd/d.md", "# D\n\n**Source PRD:** [pay][nowhere]\n"),
            ],
            &c,
        );
        for i in 1..=3 {
            let p = m.document_of(i).unwrap().prd.as_ref().unwrap();
            assert_eq!(
                (p.form, &p.target),
                (PrdForm::Link, &PrdTarget::Chapter(0)),
                "{p:?}"
            );
        }
        assert_eq!(m.document_of(0).unwrap().derived, vec![1, 2, 3]);
        let p = m.document_of(4).unwrap().prd.as_ref().unwrap();
        assert_eq!(p.target, PrdTarget::Broken);
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn readme_links_are_reported() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Intro", "README.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Source PRD:** [intro](../README.md)\n",
                ),
                ("B", "tdd/b.md", "# B\n\n**Source PRD:** ../README.md\n"),
            ],
            &c,
        );
        assert_eq!(m.document_of(0).unwrap().derived.len(), 2);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("serves as `index.html`"), "{}", d[0]);
        assert_eq!(
            d[0].notes,
            vec!["help: link to `../index.md` instead".to_string()]
        );
    }

    #[test]
    fn tables_and_counts() {
        let tdd = "# T\n\n**Status:** Approved\n**Source PRD:** x.md\n\n---\n\n## 10. Implementation\n\n### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status | Impact if Delayed |\n|---|---|---|---|\n| A | b | Ready | c |\n| B | b | **Blocked** | c |\n| {x} | {y} | {z} | {w} |\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| Q | Risk | H | me | Open |\n| R | Risk | H | me | closed |\n";
        let c = Config::default();
        let (m, _) = build(&[("X", "x.md", PRD), ("T", "t.md", tdd)], &c);
        let t = m.document_of(1).unwrap();
        assert_eq!(t.blockers(), 1);
        assert_eq!(t.open_items(), 1);
        assert_eq!(t.tables.len(), 2);
        assert_eq!(
            t.tables[0].section_number,
            Some(SectionNumber::new(&[10, 3]).unwrap())
        );
        assert!(t.tables[0].rows[2].placeholder);
        assert!(!t.tables[1].rows[1].placeholder);
        let states: Vec<SectionState> = t.completeness.iter().map(|s| s.state).collect();
        assert_eq!(states.len(), 12);
        assert_eq!(states[9], SectionState::Placeholder);
        assert_eq!(states[11], SectionState::Written);
        assert_eq!(states[0], SectionState::Missing);
    }

    #[test]
    fn lints_fire() {
        let c = Config::default();
        let (_, d) = build(
            &[
                ("P", "p.md", "# P\n\n**Status:** Draft\n"),
                ("R", "r.md", "# R\n\n**Status:** Rejected\n"),
                (
                    "T1",
                    "t1.md",
                    "# T1\n\n**Status:** Aproved\n**Source PRD:** p.md\n",
                ),
                (
                    "T2",
                    "t2.md",
                    "# T2\n\n**Status:** Approved\n**Source PRD:** p.md\n\n## 1. Overview\n{summary}\n",
                ),
                (
                    "T3",
                    "t3.md",
                    "# T3\n\n**Status:** Draft\n**Source PRD:** r.md\n",
                ),
                (
                    "T4",
                    "t4.md",
                    "# T4\n\n**Status:** Draft\n**Source PRD:** [{prd filename}]({relative path to prd})\n",
                ),
                ("T5", "t5.md", "# T5\n\n**Source PRD:** t5.md\n"),
            ],
            &c,
        );
        let lints: Vec<(&str, String)> = d
            .iter()
            .map(|d| (d.lint.name(), d.location.as_ref().unwrap().to_string()))
            .collect();
        assert!(
            lints.contains(&("unknown-status", "src/t1.md:3:13".into())),
            "{lints:?}"
        );
        assert!(d.iter().any(|d| {
            d.message.contains("did you mean `Approved`")
                || d.notes
                    .iter()
                    .any(|n| n.contains("did you mean `Approved`"))
        }));
        assert!(
            lints.contains(&("placeholder-in-final", "src/t2.md:7:1".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("prd-not-approved", "src/t2.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("inactive-prd", "src/t3.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("missing-prd", "src/t4.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("broken-prd-link", "src/t5.md:3:17".into())),
            "{lints:?}"
        );
    }

    #[test]
    fn fresh_skeleton_is_all_placeholders() {
        let c = Config::default();
        let (filled, _) =
            crate::skeleton::fill_template(crate::template::BUILTIN, &[], &c.markdown);
        let (m, _) = build(&[("S", "s.md", &filled)], &c);
        let s = m.document_of(0).unwrap();
        assert!(
            s.completeness
                .iter()
                .all(|c| c.state == SectionState::Placeholder),
            "{:?}",
            s.completeness
        );
        assert_eq!(s.open_items(), 0);
        assert_eq!(s.blockers(), 0);
        assert!(s.placeholders > 50);
    }
}
