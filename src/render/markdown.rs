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
use crate::syntax::inert::{break_directives, has_live_directive};
use crate::syntax::scan::RefDef;
use mdbook_markdown::pulldown_cmark::{
    BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

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
    /// targets become their `index.md`); everything else is kept as written,
    /// except what must not reach a page from another document: raw HTML is
    /// shown as the text it was written as, and directives (`{{#...}}`) are
    /// made inert (see [`break_directives`]).
    ///
    /// Reference links (`[text][label]`) are resolved with the document's
    /// `defs` and written as inline links, since the definitions stay behind
    /// in the document.
    pub fn markdown(md: &str, from: &str, to: &str, index_enabled: bool, defs: &[RefDef]) -> Cell {
        if md.is_empty() {
            return Cell::default();
        }
        let md = escape_pipes(one_line(md));
        if is_verbatim(&md, !defs.is_empty()) {
            return Cell(vec![Inline::Markdown(md.into_owned())]);
        }
        Cell(vec![Inline::Markdown(rewrite_markdown(
            &md,
            from,
            to,
            index_enabled,
            defs,
        ))])
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

/// Whether inline Markdown (one line, pipes escaped) can be copied into a
/// table cell of another chapter as it is: it holds no link to rebase or
/// resolve, no HTML and nothing that could be a directive.
fn is_verbatim(md: &str, has_defs: bool) -> bool {
    verbatim_scan(md.as_bytes(), has_defs, false)
}

/// Whether inline Markdown can be written into a table cell as it is: one
/// line without pipes, and [`is_verbatim`].
fn is_plain_cell(md: &str, has_defs: bool) -> bool {
    verbatim_scan(md.as_bytes(), has_defs, true)
}

/// The bytes [`verbatim_scan`] looks at more closely; every other byte is
/// passed over with one table lookup.
const NOTABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(i as u8, b'\n' | b'\r' | b'|' | b'<' | b'[' | b']' | b'{');
        i += 1;
    }
    t
};

/// One pass over a cell's bytes for [`is_verbatim`] (and, with `cell`, for
/// line breaks and pipes too): most values hold none of the bytes that
/// matter, and the table is read once per byte.
fn verbatim_scan(b: &[u8], has_defs: bool, cell: bool) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if NOTABLE[usize::from(c)] {
            match c {
                b'<' => return false,
                b'\n' | b'\r' | b'|' if cell => return false,
                b'[' if has_defs => return false,
                b']' if b.get(i + 1) == Some(&b'(') => return false,
                b'{' if b.get(i + 1) == Some(&b'{') => return false,
                _ => {}
            }
        }
        i += 1;
    }
    true
}

/// The options inline Markdown of a cell is read with: those of mdBook's
/// HTML renderer that bear on inline content.
const CELL_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// The outermost link or image of a cell being read.
struct OpenLink {
    /// The end of its text read so far.
    text_end: Option<usize>,
    dest: String,
    title: String,
}

/// The work of [`Cell::markdown`] on a cell that is not copied verbatim:
/// `md` is read as the table cell it becomes (so that it is parsed as the
/// page will parse it), and the pieces that must change are replaced in its
/// source: link tails (rebased, reference links made inline), raw HTML
/// (shown as text), code spans and autolinks holding a directive. Last,
/// every directive left in text is broken.
fn rewrite_markdown(
    md: &str,
    from: &str,
    to: &str,
    index_enabled: bool,
    defs: &[RefDef],
) -> String {
    const HEAD: &str = "| |\n|-|\n| ";
    let src = format!("{HEAD}{md} |");
    let (base, limit) = (HEAD.len(), HEAD.len() + md.len());
    let mut resolve = |link: BrokenLink<'_>| {
        crate::syntax::scan::find_refdef(defs, &link.reference)
            .map(|d| (CowStr::from(d.dest.clone()), CowStr::from(d.title.clone())))
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // Links and images being read, outermost first; `None` for those kept
    // as written (autolinks, links inside another link's text).
    let mut stack: Vec<Option<OpenLink>> = Vec::new();
    let parser = Parser::new_with_broken_link_callback(&src, CELL_OPTIONS, Some(&mut resolve));
    for (event, range) in parser.into_offset_iter() {
        // The table around the cell.
        if range.start < base || range.end > limit {
            continue;
        }
        let range = range.start - base..range.end - base;
        let source = md.get(range.clone()).unwrap_or_default();
        if (!matches!(event, Event::End(TagEnd::Link | TagEnd::Image)) || stack.len() > 1)
            && let Some(Some(top)) = stack.first_mut()
        {
            top.text_end = Some(top.text_end.unwrap_or(0).max(range.end));
        }
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
            }) => {
                let auto = matches!(link_type, LinkType::Autolink | LinkType::Email);
                if auto && has_live_directive(source) {
                    let scheme = if link_type == LinkType::Email {
                        "mailto:"
                    } else {
                        ""
                    };
                    let mut link = String::new();
                    write_link(&mut link, &dest_url, &format!("{scheme}{dest_url}"));
                    edits.push((range.clone(), link));
                }
                stack.push((!auto && stack.is_empty()).then(|| OpenLink {
                    text_end: None,
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                }));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let Some(Some(link)) = stack.pop() else {
                    continue;
                };
                // `[` or `![` and the text stay; a new `(...)` follows.
                let Some(open) = source.find('[').map(|i| range.start + i) else {
                    continue;
                };
                let text_end = link.text_end.unwrap_or(open + 1).max(open + 1);
                let mut tail = String::from("](");
                tail.push_str(&safe_dest(&rebase(&link.dest, from, to, index_enabled)));
                write_title(&mut tail, &link.title);
                tail.push(')');
                edits.push((text_end..range.end, tail));
            }
            Event::InlineHtml(html) | Event::Html(html) => {
                let mut text = String::with_capacity(html.len() + 8);
                escape_text(&mut text, &html.replace("\\|", "|"), false);
                edits.push((range, text));
            }
            Event::Code(code) if has_live_directive(source) => {
                // A code span cannot hold an inert brace: the same text as
                // inline HTML, which can.
                let mut html = String::from("<code>");
                escape_text(&mut html, &code, false);
                html.push_str("</code>");
                edits.push((range, html));
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(md.len() + 16);
    let mut last = 0;
    for (r, new) in edits {
        if r.start < last {
            continue;
        }
        out.push_str(md.get(last..r.start).unwrap_or_default());
        out.push_str(&new);
        last = r.end;
    }
    out.push_str(md.get(last..).unwrap_or_default());
    match break_directives(&out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(o) => o,
    }
}

/// Writes a link title (after a destination): on one line, in double
/// quotes, with what would end it, split a table cell or be read as an
/// entity escaped.
fn write_title(out: &mut String, title: &str) {
    if title.is_empty() {
        return;
    }
    out.push_str(" \"");
    for c in one_line(title).chars() {
        if matches!(c, '\\' | '"' | '&' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
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
/// block (`#`, `-`, `1.`) are escaped too. Directives in the text are made
/// inert.
fn escape_text(out: &mut String, text: &str, block_start: bool) {
    // Most text needs no escape at all, which one pass over it tells.
    let plain = text.bytes().all(|b| {
        !matches!(
            b,
            b'\n'
                | b'\r'
                | b'{'
                | b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'&'
                | b'~'
                | b'!'
                | b'|'
        )
    }) && !(block_start
        && text
            .bytes()
            .next()
            .is_some_and(|b| matches!(b, b'#' | b'+' | b'-' | b'=') || b.is_ascii_digit()));
    if plain {
        out.push_str(text);
        return;
    }
    let text = one_line(text);
    if text.contains("{{") {
        let start = out.len();
        escape_line(out, &text, block_start);
        let escaped = out.split_off(start);
        out.push_str(&break_directives(&escaped));
    } else {
        escape_line(out, &text, block_start);
    }
}

/// [`escape_text`] for text on one line, directives left as they are.
fn escape_line(out: &mut String, text: &str, block_start: bool) {
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
        out.push_str(text);
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

/// Writes inline Markdown from a document's table cell (see
/// [`Cell::markdown`]) at the end of `out`, for a place outside a table: as
/// it is when there is nothing to rebase, resolve or escape in it, as most
/// cells are.
pub fn write_markdown(
    out: &mut String,
    md: &str,
    from: &str,
    to: &str,
    index_enabled: bool,
    defs: &[RefDef],
) {
    if is_plain_cell(md, !defs.is_empty()) {
        out.push_str(md);
    } else {
        Cell::markdown(md, from, to, index_enabled, defs).write(out, false);
    }
}

/// Writes a link with plain text.
pub fn write_link(out: &mut String, text: &str, dest: &str) {
    out.push('[');
    escape_text(out, text, false);
    out.push_str("](");
    push_safe_dest(out, dest);
    out.push(')');
}

/// The text of a link made of a value an author wrote as Markdown (a bare
/// Source PRD): what could end the text or open a tag is escaped, an escape
/// the author wrote is kept as written (it renders as the same character),
/// and directives are made inert.
pub fn written_link_text(written: &str) -> String {
    let mut out = String::with_capacity(written.len() + 4);
    let mut chars = written.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(c);
            out.push(next);
            chars.next();
            continue;
        }
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    match break_directives(&out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(o) => o,
    }
}

/// A link destination that cannot break out of `(...)` or a table cell, nor
/// hold a directive.
fn safe_dest(dest: &str) -> String {
    let mut out = String::with_capacity(dest.len());
    push_safe_dest(&mut out, dest);
    out
}

/// Writes [`safe_dest`] of `dest` at the end of `out`.
fn push_safe_dest(out: &mut String, dest: &str) {
    // Most destinations hold nothing to encode.
    let safe = |b: u8| {
        b.is_ascii_graphic()
            && !matches!(
                b,
                b'|' | b'<' | b'>' | b'(' | b')' | b'\\' | b'`' | b'{' | b'}'
            )
    };
    if dest.bytes().all(safe) {
        out.push_str(dest);
        return;
    }
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
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// Rebases a relative link written in the chapter at `from` for the chapter
/// at `to`. URIs with a scheme (`https:`, `mailto:`, `tel:`, ...) and
/// absolute paths are kept; a query and a fragment stay as written; with
/// `index_enabled` a README target becomes its `index.md`.
pub fn rebase(dest: &str, from: &str, to: &str, index_enabled: bool) -> String {
    if dest.is_empty() || dest.starts_with('/') || has_scheme(dest) {
        return dest.to_string();
    }
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, rest) = (&dest[..split], &dest[split..]);
    if from == to && !(index_enabled && links::is_readme(path)) {
        return dest.to_string();
    }
    let target = if path.is_empty() {
        Some(from.to_string())
    } else {
        links::join(links::parent(from), &links::percent_decode(path))
    };
    match target {
        Some(t) => format!(
            "{}{rest}",
            links::relative(to, &links::served_path(&t, index_enabled))
        ),
        None => dest.to_string(),
    }
}

/// Whether a link destination starts with a URI scheme (RFC 3986:
/// `[A-Za-z][A-Za-z0-9+.-]*:`), so that it is no relative path.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
}

/// How the cells of a column are aligned (the table's delimiter row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// As the renderer aligns text.
    #[default]
    None,
    /// Centered (`:-:`).
    Center,
    /// Right-aligned (`--:`).
    Right,
}

/// A table to be printed as Markdown.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Header labels.
    pub header: Vec<Cell>,
    /// How each column is aligned; columns past its end are not aligned.
    pub align: Vec<Align>,
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
        self.push_markdown(md, from, to, index_enabled, defs);
        self.out.push_str(" |");
        self
    }

    /// Adds a cell of inline Markdown from a document (as
    /// [`RowWriter::markdown`]) inside a [`NOWRAP_OPEN`] span, so that a browser
    /// keeps it on one line (HTML output only).
    pub fn markdown_nowrap(
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
        self.out.push_str(NOWRAP_OPEN);
        self.push_markdown(md, from, to, index_enabled, defs);
        // A backslash right before the closing tag would escape its `<`.
        if self.out.ends_with('\\') {
            self.out.push(' ');
        }
        self.out.push_str(NOWRAP_CLOSE);
        self.out.push_str(" |");
        self
    }

    fn push_markdown(
        &mut self,
        md: &str,
        from: &str,
        to: &str,
        index_enabled: bool,
        defs: &[RefDef],
    ) {
        // Most cells hold nothing to rebase, resolve or escape.
        let plain = is_plain_cell(md, !defs.is_empty());
        if plain {
            self.out.push_str(md);
        } else {
            Cell::markdown(md, from, to, index_enabled, defs).write(self.out, true);
        }
    }
}

/// The tags of a span that a browser keeps on one line (class `tdd-nowrap`,
/// `white-space: nowrap` in the stylesheet): dates and other short values
/// that would otherwise break at a hyphen (`2026-` / `04-22`).
pub const NOWRAP_OPEN: &str = "<span class=\"tdd-nowrap\">";
pub const NOWRAP_CLOSE: &str = "</span>";

/// The longest value (in bytes, as written) that [`keeps_together`] keeps
/// on one line.
pub const NOWRAP_MAX: usize = 24;

/// Whether a value copied into a generated table is kept on one line in
/// HTML: a value of a date column of at most [`NOWRAP_MAX`] bytes, or any
/// such short value without white space that a browser could break at a
/// hyphen or slash (`2026-04-22`, `PAY-1234`, `N/A`). Longer values wrap as
/// usual, so that a table can still narrow to its column.
pub fn keeps_together(md: &str, date_column: bool) -> bool {
    // A backslash at the end would escape the `<` of the closing tag.
    if md.is_empty() || md.len() > NOWRAP_MAX || md.contains(['\n', '\r']) || md.ends_with('\\') {
        return false;
    }
    date_column || (!md.contains(char::is_whitespace) && md.contains(['-', '/']))
}

/// Text as the value of an HTML attribute written in a table cell: quotes,
/// `&`, `<` and `>` as entities, and also `|` (which would split the cell)
/// and `{` (so that no directive can form); line breaks become spaces.
pub fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '{' => out.push_str("&#123;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
    /// A table with these headers (plain text) and no rows.
    pub fn new(header: Vec<String>) -> Self {
        Self::with_header(header.iter().map(|h| Cell::text(h)).collect())
    }

    /// A table with these header cells and no rows.
    pub fn with_header(header: Vec<Cell>) -> Self {
        Table {
            header,
            align: Vec::new(),
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
            h.write_from(out, true, false);
            out.push_str(" |");
        }
        if self.header.is_empty() {
            out.push_str("  |");
        }
        out.push('\n');
        out.push('|');
        for i in 0..width {
            out.push_str(match self.align.get(i) {
                Some(Align::Center) => ":-:|",
                Some(Align::Right) => "--:|",
                Some(Align::None) | None => "---|",
            });
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

    /// Adds a bullet list whose items are written already: lines `- ...`
    /// separated by line breaks, in chunks as [`super::write_rows`] writes
    /// them (moved in, never copied).
    pub fn list_chunks(&mut self, chunks: Vec<String>) -> &mut Self {
        if chunks.iter().all(String::is_empty) {
            return self;
        }
        self.block();
        for (i, chunk) in chunks.into_iter().filter(|c| !c.is_empty()).enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            self.done.push(std::mem::take(&mut self.out));
            self.done.push(chunk);
        }
        self
    }

    /// Adds a bullet list of items at two levels or more: each item with
    /// its depth (0 at the top, an item one deeper than the one before it
    /// at most), indented two spaces a level.
    pub fn nested_list(&mut self, items: &[(usize, Cell)]) -> &mut Self {
        self.block();
        for (i, (depth, item)) in items.iter().enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            for _ in 0..*depth {
                self.out.push_str("  ");
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
        // Any scheme is a URI, not a path.
        for uri in [
            "tel:+1-555-0100",
            "mailto:a@b.c",
            "ftp://x.y/a.md",
            "data:text/plain,a",
            "xmpp:a@b.c",
            "git+ssh://x/y",
        ] {
            assert_eq!(rebase(uri, "tdd/t.md", "s/s.md", true), uri);
        }
        // A query stays after the rebased path, before a fragment.
        assert_eq!(
            rebase("b.md?x=1#y", "tdd/t.md", "s.md", true),
            "tdd/b.md?x=1#y"
        );
        assert_eq!(
            rebase("../README.md?x=a/b", "tdd/t.md", "s.md", true),
            "index.md?x=a/b"
        );
        assert_eq!(rebase("?x=1", "tdd/t.md", "s.md", true), "tdd/t.md?x=1");
        // Not a scheme: a path with a colon further on.
        assert_eq!(
            rebase("a/b:c.md", "tdd/t.md", "s.md", true),
            "tdd/a/b%3Ac.md"
        );
    }

    /// A one-cell table holding `cell` (from `tdd/a.md`, shown in `s.md`),
    /// written both ways a row can be written, and its HTML.
    fn cell_html(md: &str) -> (String, String) {
        let mut t = Table::new(vec!["H".into()]);
        t.push(vec![Cell::markdown(md, "tdd/a.md", "s.md", true, &[])]);
        let table = Fragment::new().table(t).to_markdown();
        let (direct, html) = one_cell_html(Cell::text("H"), |row| {
            row.markdown(md, "tdd/a.md", "s.md", true, &[]);
        });
        assert_eq!(table, direct);
        (table, html)
    }

    #[test]
    fn raw_html_in_cells_is_shown_as_text() {
        for (md, text) in [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            (
                "<style>body{display:none}</style>",
                "&lt;style&gt;body{display:none}&lt;/style&gt;",
            ),
            (
                "2026-01-02</td></tr></table>",
                "2026-01-02&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;",
            ),
            ("<b>unclosed", "&lt;b&gt;unclosed"),
            ("<div hidden>x</div>", "&lt;div hidden&gt;x&lt;/div&gt;"),
            ("<!-- c --> after", "&lt;!-- c --&gt; after"),
            ("<textarea>", "&lt;textarea&gt;"),
            ("<a title=\"x|y\">", "&lt;a title=\"x|y\"&gt;"),
            ("&lt;script&gt; as written", "&lt;script&gt; as written"),
            (
                "[<b>x</b>](b.md)",
                "<a href=\"tdd/b.md\">&lt;b&gt;x&lt;/b&gt;</a>",
            ),
            (
                "*em* `<b>` ~~s~~",
                "<em>em</em> <code>&lt;b&gt;</code> <del>s</del>",
            ),
            (
                "<https://x.y/?a=1&b=2> <ana@x.y>",
                "<a href=\"https://x.y/?a=1&amp;b=2\">https://x.y/?a=1&amp;b=2</a> <a href=\"mailto:ana@x.y\">ana@x.y</a>",
            ),
        ] {
            let (table, html) = cell_html(md);
            assert_eq!(
                html.matches("</table>").count(),
                1,
                "{md:?}: {table}\n{html}"
            );
            assert!(
                html.contains(&format!("<td>{text}</td>")),
                "{md:?}: {table}\n{html}"
            );
        }
    }

    #[test]
    fn directives_in_values_are_inert() {
        let defs = [RefDef {
            label: "r".into(),
            dest: "{{#include x}}.md".into(),
            title: "{{#include t}}".into(),
        }];
        for (md, text) in [
            ("{{#include /etc/hostname}}", "{{#include /etc/hostname}}"),
            (
                "\\{{#tdd-status}} and {{ #tdd-status}}",
                "{{#tdd-status}} and {{ #tdd-status}}",
            ),
            ("{{{#include a b}}}", "{{{#include a b}}}"),
            (
                "`{{#include x}}` *e*",
                "<code>{{#include x}}</code> <em>e</em>",
            ),
            ("`a|{{ #b c}}`", "<code>a|{{ #b c}}</code>"),
            (
                "[l](<{{#include x}}.md>)",
                "<a href=\"tdd/%7B%7B#include%20x%7D%7D.md\">l</a>",
            ),
            (
                "[r] <https://x.y/{{#tdd-status}}>",
                "<a href=\"tdd/%7B%7B#include%20x%7D%7D.md\" title=\"{{#include t}}\">r</a> <a href=\"https://x.y/%7B%7B#tdd-status%7D%7D\">https://x.y/{{#tdd-status}}</a>",
            ),
            ("<b>{{#include x}}</b>", "&lt;b&gt;{{#include x}}&lt;/b&gt;"),
        ] {
            let mut t = Table::new(vec!["{{#include h}}".into()]);
            t.push(vec![Cell::markdown(md, "tdd/a.md", "s.md", true, &defs)]);
            let table = Fragment::new()
                .heading(2, "{{ #include h}}")
                .list(vec![Cell::link("{{#include l}}", "{{#x}}.md")])
                .table(t)
                .to_markdown();
            assert!(!has_live_directive(&table), "{md:?}: {table}");
            let mut html = String::new();
            mdbook_markdown::pulldown_cmark::html::push_html(
                &mut html,
                Parser::new_ext(&table, CELL_OPTIONS),
            );
            assert!(
                html.contains(&format!("<td>{text}</td>")),
                "{md:?}: {table}\n{html}"
            );
            assert!(html.contains("<h2>{{ #include h}}</h2>"), "{html}");
            assert!(
                html.contains("<a href=\"%7B%7B#x%7D%7D.md\">{{#include l}}</a>"),
                "{html}"
            );
            assert!(html.contains("<th>{{#include h}}</th>"), "{html}");
        }
    }

    #[test]
    fn written_values_as_link_text() {
        for (written, text) in [
            ("\\{{#tdd-status}}", "{{#tdd-status}}"),
            ("../prd/a_b.md", "../prd/a_b.md"),
            ("PRD [x] <b> *y* \\* \\", "PRD [x] &lt;b&gt; *y* * \\"),
        ] {
            let md = format!("[{}](x.md)", written_link_text(written));
            assert!(!has_live_directive(&md), "{md}");
            let mut html = String::new();
            mdbook_markdown::pulldown_cmark::html::push_html(&mut html, Parser::new(&md));
            assert_eq!(
                html,
                format!("<p><a href=\"x.md\">{text}</a></p>\n"),
                "{md}"
            );
        }
    }

    #[test]
    fn titles_stay_on_one_line() {
        let defs = [RefDef {
            label: "r".into(),
            dest: "b.md".into(),
            title: "two\nlines | \"quoted\" &amp; \\".into(),
        }];
        let mut t = Table::new(vec!["H".into()]);
        t.push(vec![Cell::markdown(
            "[x][r]", "tdd/a.md", "s.md", true, &defs,
        )]);
        let md = Fragment::new().table(t).to_markdown();
        assert_eq!(md.lines().count(), 3, "{md}");
        let mut html = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut html,
            Parser::new_ext(&md, CELL_OPTIONS),
        );
        assert!(
            html.contains("<td><a href=\"tdd/b.md\" title=\"two lines | &quot;quoted&quot; &amp;amp; \\\">x</a></td>"),
            "{md}\n{html}"
        );
    }

    /// The HTML of a one-column table whose only cell is written by `row`.
    fn one_cell_html(header: Cell, row: impl FnOnce(&mut RowWriter<'_>)) -> (String, String) {
        let mut t = Table::with_header(vec![header]);
        let mut body = String::new();
        let mut w = Table::start_row(&mut body, 1);
        row(&mut w);
        drop(w);
        t.rows.push(body);
        let md = Fragment::new().table(t).to_markdown();
        let mut html = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut html,
            Parser::new_ext(&md, CELL_OPTIONS),
        );
        (md, html)
    }

    #[test]
    fn short_values_kept_on_one_line_render_as_before() {
        for md in [
            "2026-04-22",
            "PAY-1234",
            "N/A",
            "*2026-04-22*",
            "`a-b`",
            "[2026-04-22](b.md)",
            "a-\\",
            "a-\\\\",
            "`a-\\`",
            "<b>-",
            "x-</span>",
            "a-<",
            "-->",
            "a\\|b-",
        ] {
            let (_, plain) = one_cell_html(Cell::text("H"), |r| {
                r.markdown(md, "tdd/a.md", "s.md", true, &[]);
            });
            let (table, kept) = one_cell_html(Cell::text("H"), |r| {
                r.markdown_nowrap(md, "tdd/a.md", "s.md", true, &[]);
            });
            let inner = |html: &str| {
                let start = html.find("<td>").map(|i| i + 4).unwrap_or(0);
                let end = html.find("</td>").unwrap_or(html.len());
                html[start..end].to_string()
            };
            let kept = inner(&kept);
            let plain = inner(&plain);
            assert_eq!(
                kept.trim_end_matches("</span>").trim_end(),
                format!("<span class=\"tdd-nowrap\">{plain}"),
                "{md:?}: {table}"
            );
            assert!(kept.ends_with("</span>"), "{md:?}: {table}");
        }
        assert!(keeps_together("2026-04-22", false));
        assert!(keeps_together("22 April 2026", true));
        assert!(!keeps_together("22 April 2026", false));
        assert!(!keeps_together("Open", false));
        assert!(!keeps_together("a-\\", true));
        assert!(!keeps_together(&"x-".repeat(13), true));
    }

    #[test]
    fn attributes_stay_inside_their_tag_and_cell() {
        let title = "Say \"hi\" | <b> & {{#include x}}\nnext";
        let mut h = Cell::html(&format!("<abbr title=\"{}\">", attribute(title)));
        h.push_text("1");
        h.push(Cell::html("</abbr>"));
        let (md, html) = one_cell_html(h, |r| {
            r.text("x");
        });
        assert!(!has_live_directive(&md), "{md}");
        assert!(
            html.contains(
                "<th><abbr title=\"Say &quot;hi&quot; &#124; &lt;b&gt; &amp; &#123;&#123;#include x}} next\">1</abbr></th>"
            ),
            "{md}\n{html}"
        );
        assert_eq!(html.matches("<td>").count(), 1, "{html}");
    }

    #[test]
    fn columns_are_aligned_as_asked() {
        let mut t = Table::new(vec!["A".into(), "B".into(), "C".into(), "D".into()]);
        t.align = vec![Align::None, Align::Center, Align::Right];
        let md = Fragment::new().table(t).to_markdown();
        assert_eq!(md, "| A | B | C | D |\n|---|:-:|--:|---|");
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
