//! The tables of a document, as the model keeps them: cells in one buffer
//! per table, with the section each table stands in.

use crate::syntax::outline::{SectionNumber, heading_key};

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
    pub text: String,
    /// Spans of `text`: the section key, the plain header cells, the
    /// header cells as written (with `raw_header`), then the body cells row
    /// by row.
    pub spans: Vec<(u32, u32)>,
    /// Number of header cells.
    pub width: usize,
    /// Whether the header cells as written are kept: only when one of them
    /// differs from its plain text (emphasis, code), so that most tables
    /// keep their header once.
    pub raw_header: bool,
}

/// One row of a document's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    /// Indices of the row's cells in the table's spans.
    pub cells: (u32, u32),
    /// Byte offset of the row in the chapter text.
    pub offset: usize,
    /// Whether the row is still template placeholder text.
    pub placeholder: bool,
}

/// Builds a [`DocTable`] text by text.
pub struct TableBuilder {
    pub text: String,
    pub spans: Vec<(u32, u32)>,
}

impl TableBuilder {
    pub fn with_capacity(bytes: usize, spans: usize) -> Self {
        TableBuilder {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(spans),
        }
    }

    /// Adds a text; returns the index of its span.
    pub fn push(&mut self, s: &str) -> u32 {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans
            .push((offset32(start), offset32(self.text.len())));
        offset32(self.spans.len() - 1)
    }
}

/// An offset of a table's buffer, which cannot outgrow a chapter.
pub fn offset32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl DocTable {
    pub fn span(&self, i: usize) -> &str {
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

    pub fn matches(&self, t: &DocTable) -> bool {
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
