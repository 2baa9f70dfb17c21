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
    /// The section key's length and first bytes, so that looking for a
    /// section among a document's tables reads no table's text but the
    /// one it finds.
    pub section_mark: KeyMark,
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

/// A text's length and its first eight bytes: two texts with different
/// marks differ, and most texts that differ have different marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyMark {
    len: usize,
    head: u64,
}

impl KeyMark {
    pub fn of(s: &str) -> Self {
        let mut head = [0u8; 8];
        for (h, b) in head.iter_mut().zip(s.bytes()) {
            *h = b;
        }
        KeyMark {
            len: s.len(),
            head: u64::from_ne_bytes(head),
        }
    }
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

    /// Whether the section holding the table has this normalized heading
    /// text; the table's text is read only when the marks agree.
    pub fn has_section_key(&self, key: &SectionKey) -> bool {
        self.section_mark == key.mark && self.section_key() == key.text
    }

    /// The first byte of each of the table's buffers (its texts, cell spans
    /// and rows), for the render stage to read ahead.
    pub fn touch(&self) -> u64 {
        let text = self.text.as_bytes().first().copied().unwrap_or(0);
        let span = self.spans.first().map_or(0, |s| s.0);
        let row = self.rows.first().map_or(0, |r| r.cells.0);
        u64::from(text)
            .wrapping_add(u64::from(span))
            .wrapping_add(u64::from(row))
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
    Key(SectionKey),
}

/// A normalized heading text with its [`KeyMark`]; made only by
/// [`SectionKey::new`], so that the two agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionKey {
    text: String,
    mark: KeyMark,
}

impl SectionKey {
    pub fn new(text: String) -> Self {
        let mark = KeyMark::of(&text);
        SectionKey { text, mark }
    }
}

impl SectionSelector {
    /// Parses what a user wrote: a number if it is one, else heading text
    /// (a leading number in the text is ignored).
    pub fn parse(s: &str) -> SectionSelector {
        let (number, rest) = SectionNumber::split_heading(s);
        match number {
            Some(n) if rest.is_empty() => SectionSelector::Number(n),
            _ => SectionSelector::key(heading_key(rest)),
        }
    }

    /// The section with this normalized heading text.
    pub fn key(key: String) -> Self {
        SectionSelector::Key(SectionKey::new(key))
    }

    /// The Open Questions & Risks section.
    pub fn open_items() -> Self {
        SectionSelector::key("open questions & risks".into())
    }

    /// The Dependencies & Blockers section.
    pub fn blockers() -> Self {
        SectionSelector::key("dependencies & blockers".into())
    }

    pub fn matches(&self, t: &DocTable) -> bool {
        match self {
            SectionSelector::Number(n) => t.section_number.as_ref() == Some(n),
            SectionSelector::Key(k) => t.has_section_key(k),
        }
    }
}

/// Cell or field text without emphasis, code markers or surrounding space.
pub fn plain(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    let decorated =
        t.bytes().any(|b| b == b'*' || b == b'`') || (t.starts_with('_') && t.ends_with('_'));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table_in(key: &str) -> DocTable {
        let mut b = TableBuilder::with_capacity(key.len(), 1);
        b.push(key);
        DocTable {
            section_number: None,
            section_mark: KeyMark::of(key),
            rows: Vec::new(),
            text: b.text,
            spans: b.spans,
            width: 0,
            raw_header: false,
        }
    }

    /// A section is found by its key exactly as by comparing the texts,
    /// however much two keys share.
    #[test]
    fn sections_are_found_by_their_whole_key() {
        let keys = [
            "",
            "a",
            "open questions & risks",
            "open questions & risk",
            "open questions & risks ",
            "open que",
            "open quf",
            "open qu",
            "dependencies & blockers",
            "dépendances",
            "d\u{0}",
            "d",
        ];
        for k in keys {
            let t = table_in(k);
            for want in keys {
                let sel = SectionSelector::key(want.to_string());
                assert_eq!(sel.matches(&t), k == want, "{k:?} by {want:?}");
            }
        }
    }

    #[test]
    fn plain_drops_emphasis_and_code_marks() {
        assert_eq!(plain("  **Blocked** "), "Blocked");
        assert_eq!(plain("`H`"), "H");
        assert_eq!(plain("_Open_"), "Open");
        assert_eq!(plain("snake_case"), "snake_case");
        assert_eq!(plain(" é "), "é");
    }
}
