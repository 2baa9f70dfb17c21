//! Generating new Markdown fragments: tables, lists, headings and notes.
//!
//! Every value is escaped for the place it goes to: a `|`, a line break,
//! brackets, backticks, emphasis markers or HTML in a value can never change
//! the shape of a table or leak out of its cell. Inline Markdown taken from a
//! document's table cell is kept as written (it is already valid cell
//! content), with relative link destinations rebased for the chapter that
//! shows it.
//!
//! The printer is written for this job rather than going through a general
//! event printer: status pages of large books hold tens of thousands of rows,
//! and a direct writer is an order of magnitude faster. The tests check the
//! escaping against pulldown-cmark itself.

use crate::links;
use crate::scan::RefDef;
use mdbook_markdown::pulldown_cmark::{
    BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use std::borrow::Cow;
use std::fmt::Write as _;

/// One piece of inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    /// Plain text, escaped when printed.
    Text(String),
    /// A link with plain text.
    Link { text: String, dest: String },
    /// Emphasized plain text.
    Emphasis(String),
    /// Strongly emphasized plain text.
    Strong(String),
    /// Inline HTML written by this crate (badge tags).
    Html(String),
    /// Inline Markdown taken from a document, printed as is.
    Markdown(String),
}

/// Inline content: a table cell, a list item, a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell(Vec<Inline>);

impl Cell {
    /// Plain text.
    pub fn text(s: &str) -> Cell {
        if s.is_empty() {
            return Cell::default();
        }
        Cell(vec![Inline::Text(s.to_string())])
    }

    /// A link with plain text.
    pub fn link(text: &str, dest: &str) -> Cell {
        Cell(vec![Inline::Link {
            text: text.to_string(),
            dest: dest.to_string(),
        }])
    }

    /// Emphasized text (for notes).
    pub fn emphasis(text: &str) -> Cell {
        Cell(vec![Inline::Emphasis(text.to_string())])
    }

    /// Strongly emphasized text.
    pub fn strong(text: &str) -> Cell {
        Cell(vec![Inline::Strong(text.to_string())])
    }

    /// Inline HTML; only for markup this crate writes itself.
    pub fn html(html: &str) -> Cell {
        Cell(vec![Inline::Html(html.to_string())])
    }

    /// Appends another cell's content.
    pub fn push(&mut self, other: Cell) {
        self.0.extend(other.0);
    }

    /// Appends plain text.
    pub fn push_text(&mut self, s: &str) {
        self.0.push(Inline::Text(s.to_string()));
    }

    /// Whether the cell is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Inline Markdown from a table cell of the document at `from`, shown in
    /// the chapter at `to`: relative link and image destinations are rebased
    /// so that they lead to the same place (with `index_enabled`, README
    /// targets become their `index.md`); everything else is kept as written.
    ///
    /// Reference links (`[text][label]`) are resolved with the document's
    /// `defs` and written as inline links, since the definitions stay behind
    /// in the document.
    pub fn markdown(md: &str, from: &str, to: &str, index_enabled: bool, defs: &[RefDef]) -> Cell {
        if md.is_empty() {
            return Cell::default();
        }
        let md = escape_pipes(one_line(md));
        if !md.contains("](") && (defs.is_empty() || !md.contains('[')) {
            return Cell(vec![Inline::Markdown(md.into_owned())]);
        }
        let mut resolve = |link: BrokenLink<'_>| {
            let label = link.reference.to_lowercase();
            defs.binary_search_by(|d| d.label.as_str().cmp(&label))
                .ok()
                .map(|i| {
                    (
                        CowStr::from(defs[i].dest.clone()),
                        CowStr::from(defs[i].title.clone()),
                    )
                })
        };
        // Splice rebased destinations into the source of each inline link.
        let mut out = String::with_capacity(md.len() + 16);
        let mut last = 0;
        let mut stack: Vec<(usize, Option<usize>, String, String)> = Vec::new();
        let parser = Parser::new_with_broken_link_callback(
            &md,
            Options::ENABLE_STRIKETHROUGH,
            Some(&mut resolve),
        );
        for (event, range) in parser.into_offset_iter() {
            match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) if !matches!(link_type, LinkType::Autolink | LinkType::Email) => {
                    if stack.is_empty() {
                        stack.push((range.start, None, dest_url.to_string(), title.to_string()));
                    } else {
                        stack.push((usize::MAX, None, String::new(), String::new()));
                    }
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    let Some((start, inner_end, dest, title)) = stack.pop() else {
                        continue;
                    };
                    if start == usize::MAX || !stack.is_empty() {
                        continue;
                    }
                    // `[` or `![` up to the inner text's end, then a new `(...)`.
                    let text_end = inner_end.unwrap_or(start + 1);
                    let Some(open) = md[start..range.end].find('[').map(|i| start + i) else {
                        continue;
                    };
                    let inner_start = open + 1;
                    let inner_end = text_end.max(inner_start);
                    out.push_str(&md[last..inner_start]);
                    out.push_str(&md[inner_start..inner_end]);
                    out.push_str("](");
                    out.push_str(&safe_dest(&rebase(&dest, from, to, index_enabled)));
                    if !title.is_empty() {
                        out.push_str(" \"");
                        out.push_str(&title.replace('\\', "\\\\").replace('"', "\\\""));
                        out.push('"');
                    }
                    out.push(')');
                    last = range.end;
                }
                _ => {
                    if stack.len() == 1
                        && let Some(top) = stack.last_mut()
                    {
                        top.1 = Some(top.1.unwrap_or(0).max(range.end));
                    }
                }
            }
        }
        out.push_str(&md[last..]);
        Cell(vec![Inline::Markdown(out)])
    }

    /// The cell as written in a table, to be added to rows with
    /// [`RowWriter::written`] (for a cell that many rows repeat).
    pub fn to_cell_markdown(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, true);
        out
    }

    /// The cell as written in a table after other content of the same cell
    /// (nothing in it is at the start of a block).
    pub fn to_inner_markdown(&self) -> String {
        let mut out = String::new();
        self.write_from(&mut out, true, false);
        out
    }

    fn write(&self, out: &mut String, in_table: bool) {
        self.write_from(out, in_table, true);
    }

    fn write_from(&self, out: &mut String, in_table: bool, block_start: bool) {
        for (i, piece) in self.0.iter().enumerate() {
            let start = block_start && i == 0;
            match piece {
                Inline::Text(t) => escape_text(out, t, start),
                Inline::Link { text, dest } => write_link(out, text, dest),
                Inline::Emphasis(t) => {
                    out.push('*');
                    escape_text(out, t, false);
                    out.push('*');
                }
                Inline::Strong(t) => {
                    out.push_str("**");
                    escape_text(out, t, false);
                    out.push_str("**");
                }
                Inline::Html(h) => out.push_str(&one_line(h)),
                Inline::Markdown(m) => {
                    if in_table {
                        out.push_str(m);
                    } else {
                        // Outside a table an escaped pipe needs no escape.
                        out.push_str(&m.replace("\\|", "|"));
                    }
                }
            }
        }
    }
}

/// Inline Markdown with every pipe escaped, so that a value written outside
/// a table (a header field) cannot split a cell.
fn escape_pipes(md: Cow<'_, str>) -> Cow<'_, str> {
    if !md.contains('|') {
        return md;
    }
    let mut out = String::with_capacity(md.len() + 4);
    let mut backslashes = 0;
    for c in md.chars() {
        if c == '|' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    Cow::Owned(out)
}

/// Text with line breaks turned into spaces.
fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains(['\n', '\r']) {
        Cow::Owned(
            s.split(['\n', '\r'])
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Escapes plain text for inline Markdown (also `|`, so that it is safe in
/// a table cell). At the start of a block, characters that would open a
/// block (`#`, `-`, `1.`) are escaped too.
fn escape_text(out: &mut String, text: &str, block_start: bool) {
    let text = one_line(text);
    let special = |b: u8| {
        matches!(
            b,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'&' | b'~' | b'!' | b'|'
        )
    };
    let starts_block = block_start
        && text
            .bytes()
            .next()
            .is_some_and(|b| matches!(b, b'#' | b'+' | b'-' | b'=') || b.is_ascii_digit());
    if !starts_block && !text.bytes().any(special) {
        out.push_str(&text);
        return;
    }
    // Leading digits: a `.` or `)` after up to nine of them would open an
    // ordered list.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in text.char_indices() {
        let at_start = block_start && i == 0;
        let after_digits = block_start && (1..=9).contains(&i) && i <= digits;
        let escape = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '!' | '|'
        ) || (at_start && matches!(c, '#' | '+' | '-' | '='))
            || (after_digits && matches!(c, '.' | ')'));
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Writes a link with plain text.
pub fn write_link(out: &mut String, text: &str, dest: &str) {
    out.push('[');
    escape_text(out, text, false);
    out.push_str("](");
    out.push_str(&safe_dest(dest));
    out.push(')');
}

/// A link destination that cannot break out of `(...)` or a table cell.
fn safe_dest(dest: &str) -> String {
    let mut out = String::with_capacity(dest.len());
    for c in dest.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '|' => out.push_str("%7C"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Rebases a relative link written in the chapter at `from` for the chapter
/// at `to`. Absolute URLs and paths are kept; with `index_enabled` a README
/// target becomes its `index.md`.
pub fn rebase(dest: &str, from: &str, to: &str, index_enabled: bool) -> String {
    if dest.is_empty()
        || dest.contains("://")
        || dest.starts_with('/')
        || dest.starts_with("mailto:")
    {
        return dest.to_string();
    }
    if from == to && !(index_enabled && links::is_readme(dest.split('#').next().unwrap_or(""))) {
        return dest.to_string();
    }
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let target = if path.is_empty() {
        Some(from.to_string())
    } else {
        links::join(links::parent(from), &links::percent_decode(path))
    };
    match target {
        Some(t) => format!(
            "{}{fragment}",
            links::relative(to, &links::served_path(&t, index_enabled))
        ),
        None => dest.to_string(),
    }
}

/// A table to be printed as Markdown.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Header labels.
    pub header: Vec<String>,
    /// Body rows, already written as Markdown (see [`Table::row`]): each
    /// entry holds one or more rows separated by line breaks, so that large
    /// tables are written in a few chunks rather than a string per row.
    pub rows: Vec<String>,
}

/// Writes one body row, cell by cell, at the end of a string.
pub struct RowWriter<'a> {
    out: &'a mut String,
    width: usize,
    cells: usize,
}

impl RowWriter<'_> {
    fn open(&mut self) -> bool {
        if self.cells == self.width {
            return false;
        }
        self.cells += 1;
        self.out.push(' ');
        true
    }

    /// Adds a cell.
    pub fn cell(&mut self, c: &Cell) -> &mut Self {
        if self.open() {
            c.write(self.out, true);
            self.out.push_str(" |");
        }
        self
    }

    /// Adds a cell of plain text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        if self.open() {
            escape_text(self.out, s, true);
            self.out.push_str(" |");
        }
        self
    }

    /// Adds a cell holding a link with plain text.
    pub fn link(&mut self, text: &str, dest: &str) -> &mut Self {
        if self.open() {
            write_link(self.out, text, dest);
            self.out.push_str(" |");
        }
        self
    }

    /// Adds a cell written before with [`Cell::to_cell_markdown`].
    pub fn written(&mut self, md: &str) -> &mut Self {
        if self.open() {
            self.out.push_str(md);
            self.out.push_str(" |");
        }
        self
    }

    /// Adds a cell of inline Markdown from a document (see
    /// [`Cell::markdown`]).
    pub fn markdown(
        &mut self,
        md: &str,
        from: &str,
        to: &str,
        index_enabled: bool,
        defs: &[RefDef],
    ) -> &mut Self {
        if !self.open() {
            return self;
        }
        // Most cells hold nothing to rebase, resolve or escape.
        let plain = !md.contains(['\n', '\r', '|'])
            && !md.contains("](")
            && (!md.contains('[') || defs.is_empty());
        if plain {
            self.out.push_str(md);
        } else {
            Cell::markdown(md, from, to, index_enabled, defs).write(self.out, true);
        }
        self.out.push_str(" |");
        self
    }
}

impl Drop for RowWriter<'_> {
    /// Fills the row up to the table's width.
    fn drop(&mut self) {
        while self.open() {
            self.out.push_str(" |");
        }
    }
}

impl Table {
    /// A table with these headers and no rows.
    pub fn new(header: Vec<String>) -> Self {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.header.len().max(1)
    }

    /// Starts a body row of `width` cells at the end of `out`, on a line of
    /// its own; the row is complete (missing cells filled) when the writer
    /// is dropped.
    pub fn start_row(out: &mut String, width: usize) -> RowWriter<'_> {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push('|');
        RowWriter {
            out,
            width,
            cells: 0,
        }
    }

    /// Writes one body row of `width` cells.
    pub fn row(width: usize, cells: &[Cell]) -> String {
        let mut out = String::with_capacity(16 * width);
        let mut row = Self::start_row(&mut out, width);
        for c in cells {
            row.cell(c);
        }
        drop(row);
        out
    }

    /// Adds a row.
    pub fn push(&mut self, cells: Vec<Cell>) {
        let row = Self::row(self.width(), &cells);
        self.rows.push(row);
    }

    /// Whether the table has no body rows.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(String::is_empty)
    }

    /// Writes the header and the delimiter row.
    fn write_header(&self, out: &mut String) {
        let width = self.header.len().max(1);
        out.push('|');
        for h in &self.header {
            out.push(' ');
            escape_text(out, h, false);
            out.push_str(" |");
        }
        if self.header.is_empty() {
            out.push_str("  |");
        }
        out.push('\n');
        out.push('|');
        for _ in 0..width {
            out.push_str("---|");
        }
    }
}

/// A sequence of generated blocks. It is kept in pieces: the row chunks of
/// a large table are moved in as they were written, never copied, and the
/// pieces go out one after the other.
#[derive(Debug, Clone, Default)]
pub struct Fragment {
    /// Finished pieces.
    done: Vec<String>,
    /// The piece being written.
    out: String,
}

impl Fragment {
    /// An empty fragment.
    pub fn new() -> Self {
        Self::default()
    }

    fn block(&mut self) {
        if !self.out.is_empty() || !self.done.is_empty() {
            self.out.push_str("\n\n");
        }
    }

    /// Adds a table.
    pub fn table(&mut self, t: Table) -> &mut Self {
        self.block();
        t.write_header(&mut self.out);
        for chunk in t.rows.into_iter().filter(|r| !r.is_empty()) {
            self.out.push('\n');
            self.done.push(std::mem::take(&mut self.out));
            self.done.push(chunk);
        }
        self
    }

    /// Adds a paragraph.
    pub fn paragraph(&mut self, content: Cell) -> &mut Self {
        self.block();
        content.write(&mut self.out, false);
        self
    }

    /// Adds a heading of level 1 to 6.
    pub fn heading(&mut self, level: u8, text: &str) -> &mut Self {
        self.block();
        for _ in 0..level.clamp(1, 6) {
            self.out.push('#');
        }
        self.out.push(' ');
        escape_text(&mut self.out, text, false);
        if self.out.ends_with('#') {
            self.out.insert(self.out.len() - 1, '\\');
        }
        self
    }

    /// Adds a bullet list.
    pub fn list(&mut self, items: Vec<Cell>) -> &mut Self {
        self.block();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            self.out.push_str("- ");
            item.write(&mut self.out, false);
        }
        self
    }

    /// Adds raw HTML as its own block (a marker comment written by this
    /// crate).
    pub fn html_block(&mut self, html: &str) -> &mut Self {
        self.block();
        self.out.push_str(html.trim_end());
        self
    }

    /// The fragment as Markdown, without a trailing line break.
    pub fn to_markdown(&self) -> String {
        let mut md = self.done.concat();
        md.push_str(&self.out);
        md
    }

    /// The fragment as Markdown, without a trailing line break.
    pub fn into_markdown(self) -> String {
        self.into_pieces().concat()
    }

    /// The fragment as Markdown in pieces, to be written one after the
    /// other.
    pub fn into_pieces(mut self) -> Vec<String> {
        if !self.out.is_empty() {
            self.done.push(self.out);
        }
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every cell of every row, as pulldown-cmark reads them.
    fn parse_table(md: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut cell: Option<String> = None;
        for e in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
            match e {
                Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => cell = Some(String::new()),
                Event::End(TagEnd::TableCell) => {
                    if let (Some(c), Some(r)) = (cell.take(), rows.last_mut()) {
                        r.push(c);
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some(c) = &mut cell {
                        c.push_str(&t);
                    }
                }
                Event::InlineHtml(h) => {
                    if let Some(c) = &mut cell {
                        c.push_str(&h);
                    }
                }
                _ => {}
            }
        }
        rows
    }

    #[test]
    fn hostile_values_stay_in_their_cell() {
        let hostile = "x | y\nz [w](u) `c` <script>alert(1)</script> *e* _f_ ~~g~~ &amp; \\| \\";
        let mut t = Table::new(vec!["A|B".into(), "C".into()]);
        t.push(vec![
            Cell::text(hostile),
            Cell::link("]) | evil", "a b/(c).md"),
        ]);
        let md = Fragment::new().table(t).to_markdown();
        assert_eq!(md.lines().count(), 3, "{md}");
        let rows = parse_table(&md);
        assert_eq!(rows[0], vec!["A|B".to_string(), "C".to_string()]);
        assert_eq!(rows[1][0], hostile.replace('\n', " "));
        assert_eq!(rows[1][1], "]) | evil");
        let mut html = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut html,
            Parser::new_ext(&md, Options::ENABLE_TABLES),
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("href=\"a%20b/%28c%29.md\""), "{html}");
    }

    #[test]
    fn rows_written_directly_match_rows_of_cells() {
        let defs = [RefDef {
            label: "ana".into(),
            dest: "../people/ana.md".into(),
            title: String::new(),
        }];
        for md in [
            "plain words",
            "a | b",
            "two\nlines",
            "[Ana](../people/ana.md)",
            "see [Ana][ana]",
            "[not a ref]",
            "`code | pipe`",
            "",
        ] {
            for defs in [&defs[..], &[]] {
                let cells = [
                    Cell::markdown(md, "tdd/a.md", "s.md", true, defs),
                    Cell::text(md),
                    Cell::link(md, "tdd/a b.md"),
                ];
                let expected = Table::row(4, &cells);
                let mut direct = String::new();
                let mut row = Table::start_row(&mut direct, 4);
                row.markdown(md, "tdd/a.md", "s.md", true, defs)
                    .text(md)
                    .link(md, "tdd/a b.md");
                drop(row);
                assert_eq!(direct, expected, "{md:?}");
            }
        }
    }

    #[test]
    fn text_round_trips_through_the_parser() {
        for s in [
            "1. not a list",
            "# not a heading",
            "- not an item",
            "+ x",
            "=== x",
            "a\\b",
            "12) x",
            "plain",
        ] {
            let md = Fragment::new().paragraph(Cell::text(s)).to_markdown();
            let mut text = String::new();
            for e in Parser::new(&md) {
                match e {
                    Event::Text(t) => text.push_str(&t),
                    Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                    other => panic!("{s:?} gave {other:?} from {md:?}"),
                }
            }
            assert_eq!(text, s, "{md}");
        }
    }

    #[test]
    fn markdown_cells_keep_links_rebased() {
        let c = Cell::markdown(
            "[Ana](../people/ana.md) and **bold** \\| ![x](../img/a.png \"T\") [abs](https://x.y/z)",
            "tdd/a.md",
            "status.md",
            true,
            &[],
        );
        let mut t = Table::new(vec!["Owner".into()]);
        t.push(vec![c]);
        let md = Fragment::new().table(t).to_markdown();
        assert!(md.contains("[Ana](people/ana.md)"), "{md}");
        assert!(md.contains("**bold** \\|"), "{md}");
        assert!(md.contains("![x](img/a.png \"T\")"), "{md}");
        assert!(md.contains("[abs](https://x.y/z)"), "{md}");
        assert_eq!(parse_table(&md)[1].len(), 1);
        // Nothing to rebase: kept as written, with its pipes escaped.
        let c = Cell::markdown("`a|b` *x* \\| c", "tdd/a.md", "s.md", true, &[]);
        assert_eq!(c, Cell(vec![Inline::Markdown("`a\\|b` *x* \\| c".into())]));
    }

    #[test]
    fn reference_links_become_inline() {
        let defs = vec![RefDef {
            label: "ana".into(),
            dest: "../people/ana.md".into(),
            title: String::new(),
        }];
        let c = Cell::markdown(
            "Ask [Ana][ana] or [ana] or [Bob][bob]",
            "tdd/a.md",
            "s.md",
            true,
            &defs,
        );
        let mut out = String::new();
        c.write(&mut out, true);
        assert_eq!(
            out,
            "Ask [Ana](people/ana.md) or [ana](people/ana.md) or [Bob][bob]"
        );
    }

    #[test]
    fn rebases() {
        assert_eq!(
            rebase("../prd/a.md#x", "tdd/t.md", "status/s.md", true),
            "../prd/a.md#x"
        );
        assert_eq!(rebase("#risks", "tdd/t.md", "s.md", true), "tdd/t.md#risks");
        assert_eq!(
            rebase("https://x.y/z", "tdd/t.md", "s.md", true),
            "https://x.y/z"
        );
        assert_eq!(rebase("b.md", "tdd/t.md", "s.md", true), "tdd/b.md");
        assert_eq!(rebase("../README.md", "tdd/t.md", "s.md", true), "index.md");
        assert_eq!(
            rebase("../README.md#a", "tdd/t.md", "s.md", false),
            "README.md#a"
        );
    }

    #[test]
    fn lists_headings_and_notes() {
        let md = Fragment::new()
            .html_block("<!-- tdd-backlinks -->\n")
            .heading(2, "Technical Designs #")
            .list(vec![Cell::link("A", "a.md"), Cell::text("B")])
            .paragraph(Cell::emphasis("No rows."))
            .to_markdown();
        assert_eq!(
            md,
            "<!-- tdd-backlinks -->\n\n## Technical Designs \\#\n\n- [A](a.md)\n- B\n\n*No rows.*"
        );
    }
}
