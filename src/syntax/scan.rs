//! The scan stage: one walk over a chapter's Markdown events that finds
//! everything the later stages need, as byte ranges into the chapter.
//!
//! - our directives, with the paragraph each stands in (directive candidates
//!   are found in the raw text and kept only where they start inside prose:
//!   not in code, code spans, HTML, or link destinations);
//! - top-level headings (the outline), thematic breaks, tables;
//! - code blocks and HTML, where placeholders do not count.
//!
//! The chapter is parsed with the Markdown options of mdBook's HTML renderer.

use crate::config::MarkdownOptions;
use crate::syntax::directive::{self, RawDirective, SyntaxError};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::ops::Range;

/// A heading outside any container (list, block quote, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The whole heading block, including a setext underline and the newline.
    pub range: Range<usize>,
    /// The heading's inline content (without `#` markers or attributes).
    pub text: Range<usize>,
}

/// A table (at any depth).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The whole table.
    pub range: Range<usize>,
    /// Header cells, trimmed.
    pub header: Vec<Range<usize>>,
    /// Body rows.
    pub rows: Vec<TableRow>,
}

/// One body row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableRow {
    /// Where the row starts.
    pub start: usize,
    /// Cells, trimmed.
    pub cells: Vec<Range<usize>>,
}

/// What kind of block holds a directive's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// A paragraph (possibly inside a list item or block quote).
    Paragraph,
    /// The text of a tight list item.
    ListItem,
    /// A heading.
    Heading,
    /// A table cell.
    TableCell,
    /// Any other block.
    Other,
}

/// A directive candidate that starts in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDirective {
    /// The parsed syntax, or the syntax error.
    pub parsed: Result<RawDirective, SyntaxError>,
    /// Where `{{#` is.
    pub start: usize,
    /// The block holding it.
    pub leaf: Leaf,
    /// Whether the directive is the only content of that block.
    pub alone: bool,
    /// Whether the directive is inside a list item or block quote.
    pub nested: bool,
}

/// Everything the scan found in one chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterScan {
    /// Top-level headings, in order.
    pub headings: Vec<Heading>,
    /// Start offsets of top-level thematic breaks.
    pub rules: Vec<usize>,
    /// Fenced and indented code blocks, in order.
    pub code_blocks: Vec<Range<usize>>,
    /// Where each fenced code block of Mermaid (```` ```mermaid ````) starts,
    /// in order.
    pub mermaid_fences: Vec<usize>,
    /// HTML blocks and inline HTML, in order.
    pub html: Vec<Range<usize>>,
    /// Inline code spans, in order.
    pub code_spans: Vec<Range<usize>>,
    /// What follows the text of each link or image: its destination
    /// (`](dest "title")`, `][label]`), in order of their ends.
    pub link_tails: Vec<Range<usize>>,
    /// Tables, in order.
    pub tables: Vec<Table>,
    /// Our directives that start in prose, in order.
    pub directives: Vec<FoundDirective>,
    /// Link reference definitions (`[label]: dest "title"`).
    pub refdefs: Vec<RefDef>,
    /// HTML blocks outside any container, each with the state of the
    /// chapter's raw HTML before it.
    pub top_level_html: Vec<(Range<usize>, HtmlState)>,
    /// The state of the chapter's raw HTML at its end.
    pub html_state: HtmlState,
    /// The last code block.
    pub last_code: Option<CodeEnd>,
    /// The last HTML block (at any depth).
    pub last_html_block: Option<HtmlBlockEnd>,
    /// Where the line of the last block outside any container starts, with
    /// the state of the raw HTML there: the chapter from there on reads the
    /// same on its own, since no block is open at that line.
    pub last_top_block: Option<(usize, HtmlState)>,
    /// Where the first heading inside a container (a list, a block quote)
    /// or definition-list term is: mdBook gives those ids too, from the
    /// same counter as the top-level headings.
    pub first_nested_heading: Option<usize>,
    /// The state of the raw HTML right after the first H1 outside any
    /// container, where a document's header starts.
    pub after_h1_html: Option<HtmlState>,
    /// The state of the raw HTML where a document's header ends: before the
    /// first heading or thematic break outside any container after that H1.
    pub header_end_html: Option<HtmlState>,
}

/// The last code block of a chapter, for text appended after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEnd {
    /// The block, from its opening fence or first line.
    pub range: Range<usize>,
    /// Whether it is fenced.
    pub fenced: bool,
    /// Where its content (or its opening fence line, if it has none) ends:
    /// in a fenced block, only blank lines or the closing fence follow.
    pub content_end: usize,
}

/// The last HTML block of a chapter, for text appended after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlBlockEnd {
    /// The block, from its `<`.
    pub range: Range<usize>,
    /// Its CommonMark kind, if it is one of kinds 1 to 5, which run until
    /// an end condition rather than to a blank line; with the end condition.
    pub kind: Option<(u8, &'static str)>,
    /// Whether a line met the end condition.
    pub closed: bool,
}

/// A link reference definition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefDef {
    /// The label, lower case, white space runs as one space.
    pub label: String,
    /// The destination.
    pub dest: String,
    /// The title (empty if none).
    pub title: String,
}

/// Elements whose content a browser reads as text up to their end tag
/// (raw text and escapable raw text elements, `noscript` with scripting on,
/// and `plaintext`, which has no end).
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Where a browser reading a chapter's raw HTML is after it, as far as
/// text that follows is concerned: in markup, or inside something that
/// swallows what follows (a comment, a bogus comment such as `<?...` or
/// `<!DOCTYPE`, the content of a raw text element like `<script>`).
/// Markdown text between pieces of HTML is escaped, so only the HTML moves
/// the state, and the tags written for Markdown elements, whose `>` ends a
/// bogus comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HtmlState {
    /// Markup: what follows is read as HTML.
    #[default]
    Data,
    /// Inside `<!--`, up to `-->`.
    Comment,
    /// Inside `<?` or `<!`, up to `>`.
    Bogus,
    /// Inside a raw text element (an index into the element names), up to
    /// its end tag.
    Raw(u8),
}

impl HtmlState {
    /// Reads a piece of raw HTML.
    pub fn feed(&mut self, html: &str) {
        let b = html.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match *self {
                HtmlState::Comment => match super::needle::COMMENT_END.find(&b[i..]) {
                    Some(j) => {
                        i += j + 3;
                        *self = HtmlState::Data;
                    }
                    None => return,
                },
                HtmlState::Bogus => match memchr::memchr(b'>', &b[i..]) {
                    Some(j) => {
                        i += j + 1;
                        *self = HtmlState::Data;
                    }
                    None => return,
                },
                HtmlState::Raw(e) => {
                    let name = RAW_TEXT.get(usize::from(e)).copied().unwrap_or("");
                    if name == "plaintext" {
                        return;
                    }
                    let Some(j) = end_tag(&b[i..], name) else {
                        return;
                    };
                    i += j;
                    *self = HtmlState::Data;
                }
                HtmlState::Data => {
                    let Some(j) = memchr::memchr(b'<', &b[i..]) else {
                        return;
                    };
                    i += j + 1;
                    let rest = &b[i..];
                    if rest.starts_with(b"!--") {
                        i += 3;
                        // `<!-->` and `<!--->` are whole (empty) comments.
                        if b[i..].starts_with(b">") {
                            i += 1;
                        } else if b[i..].starts_with(b"->") {
                            i += 2;
                        } else {
                            *self = HtmlState::Comment;
                        }
                    } else if rest.starts_with(b"!") || rest.starts_with(b"?") {
                        i += 1;
                        *self = HtmlState::Bogus;
                    } else {
                        let name_len = rest
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric())
                            .count();
                        let name = &rest[..name_len];
                        let ends = rest
                            .get(name_len)
                            .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'));
                        if name_len > 0 && ends {
                            i += name_len;
                            if let Some(e) = RAW_TEXT
                                .iter()
                                .position(|r| r.as_bytes().eq_ignore_ascii_case(name))
                            {
                                // The start tag runs to its `>`.
                                i += memchr::memchr(b'>', &b[i..]).map_or(b.len() - i, |k| k + 1);
                                *self = HtmlState::Raw(u8::try_from(e).unwrap_or(0));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Takes into account the markup the renderer writes for an event
    /// (before its raw HTML, if it has any): it holds a `>`, which ends a
    /// bogus comment left open by an HTML block.
    fn before(&mut self, event: &Event<'_>) {
        if *self == HtmlState::Bogus
            && !matches!(
                event,
                Event::Text(_)
                    | Event::SoftBreak
                    | Event::Html(_)
                    | Event::InlineHtml(_)
                    | Event::Start(Tag::HtmlBlock)
                    | Event::End(TagEnd::HtmlBlock)
            )
        {
            *self = HtmlState::Data;
        }
    }

    /// Raw HTML that brings a browser back to markup from this state, if
    /// any can (nothing ends `<plaintext>`).
    pub fn closer(self) -> Option<String> {
        match self {
            HtmlState::Data => Some(String::new()),
            HtmlState::Comment | HtmlState::Bogus => Some("<!-- -->".into()),
            HtmlState::Raw(e) => match RAW_TEXT.get(usize::from(e)) {
                Some(&"plaintext") | None => None,
                Some(name) => Some(format!("<!-- --></{name}>")),
            },
        }
    }
}

/// The offset just after the end tag `</name ...>` in `b` (the name matched
/// case-insensitively), if there is one.
fn end_tag(b: &[u8], name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(j) = super::needle::END_TAG.find(&b[from..]).map(|j| from + j) {
        let after = j + 2 + name.len();
        let matches = b
            .get(j + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'));
        if matches {
            return Some(memchr::memchr(b'>', &b[after..]).map_or(b.len(), |k| after + k + 1));
        }
        from = j + 2;
    }
    None
}

/// The CommonMark kind (1 to 5) of an HTML block by its first line, with
/// the text whose presence in a line ends it (as pulldown-cmark, which
/// mdBook uses, reads them: a kind 1 block ends at the end tag of its own
/// element, in lower case); `None` for kinds 6 and 7, which end at a blank
/// line.
pub fn html_block_kind(first_line: &str) -> Option<(u8, &'static str)> {
    let line = first_line.trim_start().as_bytes();
    for (tag, end) in [
        ("pre", "</pre>"),
        ("style", "</style>"),
        ("script", "</script>"),
        ("textarea", "</textarea>"),
    ] {
        let after = 1 + tag.len();
        if line.first() == Some(&b'<')
            && line
                .get(1..after)
                .is_some_and(|n| n.eq_ignore_ascii_case(tag.as_bytes()))
            && line
                .get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>')
        {
            return Some((1, end));
        }
    }
    if line.starts_with(b"<!--") {
        Some((2, "-->"))
    } else if line.starts_with(b"<?") {
        Some((3, "?>"))
    } else if line.starts_with(b"<![CDATA[") {
        Some((5, "]]>"))
    } else if line.starts_with(b"<!") && line.get(2).is_some_and(u8::is_ascii_alphabetic) {
        Some((4, ">"))
    } else {
        None
    }
}

impl ChapterScan {
    /// Whether `offset` lies inside a code block or HTML.
    pub fn is_protected(&self, offset: usize) -> bool {
        in_ranges(&self.code_blocks, offset) || in_ranges(&self.html, offset)
    }

    /// Whether `offset` lies strictly inside a code block or HTML (after
    /// its start, before its end): text inserted there would become part
    /// of it.
    pub fn splits_protected(&self, offset: usize) -> bool {
        [&self.code_blocks, &self.html].into_iter().any(|ranges| {
            let i = ranges.partition_point(|r| r.end <= offset);
            ranges.get(i).is_some_and(|r| r.start < offset)
        })
    }

    /// Whether `offset` lies inside a code block.
    pub fn in_code_block(&self, offset: usize) -> bool {
        in_ranges(&self.code_blocks, offset)
    }
}

/// The definition of a reference label (as written in a link) among `defs`
/// (sorted by label): labels match case-insensitively, with white space runs
/// counting as one space.
pub fn find_refdef<'d>(defs: &'d [RefDef], label: &str) -> Option<&'d RefDef> {
    if defs.is_empty() {
        return None;
    }
    let label = normalize_label(label);
    defs.binary_search_by(|d| d.label.as_str().cmp(&label))
        .ok()
        .and_then(|i| defs.get(i))
}

/// A reference label as [`RefDef::label`] holds it.
fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `offset` lies in one of the sorted, non-overlapping `ranges`.
pub fn in_ranges(ranges: &[Range<usize>], offset: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= offset);
    ranges.get(i).is_some_and(|r| r.start <= offset)
}

/// Creates a parser with the options of mdBook's HTML renderer.
pub fn parser<'t>(
    text: &'t str,
    options: &MarkdownOptions,
) -> mdbook_markdown::pulldown_cmark::Parser<'t> {
    let mut opts = mdbook_markdown::MarkdownOptions::default();
    opts.smart_punctuation = options.smart_punctuation;
    opts.definition_lists = options.definition_lists;
    opts.admonitions = options.admonitions;
    mdbook_markdown::new_cmark_parser(text, &opts)
}

/// Scans a chapter. A leading byte-order mark is not part of the Markdown
/// (mdBook strips it when it loads a chapter); offsets still count it.
pub fn scan(text: &str, options: &MarkdownOptions) -> ChapterScan {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    scan_from(text, bom, options)
}

/// Scans a piece of a chapter that does not start the file: a leading
/// byte-order mark is text like any other.
pub fn scan_fragment(text: &str, options: &MarkdownOptions) -> ChapterScan {
    scan_from(text, 0, options)
}

/// Whether `text`, read from a line where no block is open with the raw
/// HTML before it in `state`, has at `marker` an HTML block outside any
/// container that holds `marker_text` alone and is read as markup, and at
/// `heading` a heading outside any container. Reading stops at the heading.
pub fn top_level_blocks(
    text: &str,
    options: &MarkdownOptions,
    mut state: HtmlState,
    (marker, marker_text): (usize, &str),
    heading: usize,
) -> bool {
    let mut depth = 0usize;
    let mut found = false;
    for (event, range) in parser(text, options).into_offset_iter() {
        if range.start > heading {
            return false;
        }
        state.before(&event);
        match &event {
            Event::Start(Tag::HtmlBlock) if depth == 0 && range.start == marker => {
                found = state == HtmlState::Data
                    && text
                        .get(range.clone())
                        .is_some_and(|t| t.trim() == marker_text);
            }
            Event::Start(Tag::Heading { .. }) if depth == 0 && range.start == heading => {
                return found;
            }
            Event::Html(h) | Event::InlineHtml(h) => state.feed(h),
            _ => {}
        }
        match &event {
            Event::Start(tag) if !is_inline_tag(tag) => depth += 1,
            Event::End(tag) if !is_inline_end(tag) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn scan_from(text: &str, bom: usize, options: &MarkdownOptions) -> ChapterScan {
    let mut events = parser(&text[bom..], options).into_offset_iter();
    let mut out =
        Walker::new(text).run((&mut events).map(|(e, r)| (e, r.start + bom..r.end + bom)));
    out.refdefs = events
        .reference_definitions()
        .iter()
        .map(|(label, def)| RefDef {
            label: normalize_label(label),
            dest: def.dest.to_string(),
            title: def.title.as_deref().unwrap_or_default().to_string(),
        })
        .collect();
    out.refdefs.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

struct OpenLeaf {
    kind: Leaf,
    start: usize,
    end: usize,
    /// Indices into `directives` of candidates seen in this leaf.
    pending: Vec<usize>,
}

struct Walker<'t> {
    text: &'t str,
    out: ChapterScan,
    stack: Vec<TagEnd>,
    containers: usize,
    code_depth: usize,
    leaf: Option<OpenLeaf>,
    /// Candidates (`{{#tdd-` / `{{#prd-`) not yet reached.
    candidates: Vec<usize>,
    next_candidate: usize,
    /// The parses of the candidates.
    parses: directive::Parses<'t>,
    /// The line of the last candidate taken: where it starts, how far it
    /// has been read, and whether a `>` was found up to there.
    line: (usize, usize, bool),
    table: Option<Table>,
    row: Option<TableRow>,
    in_head: bool,
    cell_start: Option<usize>,
    heading: Option<(u8, usize)>,
    heading_text: Option<Range<usize>>,
    /// Whether the next `Html` event is the first line of its block.
    html_first_line: bool,
    /// The links and images open: where their text has been read to, and
    /// where they end.
    links: Vec<(usize, usize)>,
}

fn leaf_kind(tag: Option<&TagEnd>) -> Leaf {
    match tag {
        Some(TagEnd::Paragraph) => Leaf::Paragraph,
        Some(TagEnd::Item) => Leaf::ListItem,
        Some(TagEnd::Heading(_)) => Leaf::Heading,
        Some(TagEnd::TableCell) => Leaf::TableCell,
        _ => Leaf::Other,
    }
}

fn is_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_)
            | Tag::HtmlBlock
    )
}

fn is_inline_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// The start of the line holding `at` when only spaces and tabs come before
/// it on that line; `at` otherwise.
fn indented_line_start(text: &str, at: usize) -> usize {
    let before = text.as_bytes().get(..at).unwrap_or_default();
    let indent = before
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let start = at - indent;
    let bom = '\u{feff}'.len_utf8();
    if start == 0
        || matches!(before.get(start - 1), Some(b'\n' | b'\r'))
        || (start == bom && text.starts_with('\u{feff}'))
    {
        start
    } else {
        at
    }
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    if start > end {
        start..start
    } else {
        start..end
    }
}

impl<'t> Walker<'t> {
    fn new(text: &'t str) -> Self {
        Walker {
            text,
            out: ChapterScan::default(),
            stack: Vec::new(),
            containers: 0,
            code_depth: 0,
            leaf: None,
            candidates: directive::candidates(text),
            next_candidate: 0,
            parses: directive::Parses::new(text),
            line: (0, 0, false),
            table: None,
            row: None,
            in_head: false,
            cell_start: None,
            heading: None,
            heading_text: None,
            html_first_line: false,
            links: Vec::new(),
        }
    }

    fn run(mut self, events: impl Iterator<Item = (Event<'t>, Range<usize>)>) -> ChapterScan {
        for (event, range) in events {
            self.event(event, range);
        }
        self.close_leaf();
        self.out
    }

    /// The (empty) content position of a heading without inline content: after
    /// its `#` markers (never past the heading's end).
    fn empty_heading_text(&self, heading: Range<usize>) -> Range<usize> {
        let start = heading.start;
        let line = self.text.get(heading).unwrap_or_default();
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let after_indent = line.len() - line.trim_start().len();
        let after_marks = after_indent + line[after_indent..].len()
            - line[after_indent..].trim_start_matches('#').len();
        let rest = &line[after_marks..];
        let at = start + after_marks + (rest.len() - rest.trim_start().len());
        at..at
    }

    fn extend_leaf(&mut self, range: &Range<usize>) {
        if let Some(l) = self.links.last_mut() {
            l.0 = l.0.max(range.end.min(l.1));
        }
        match &mut self.leaf {
            Some(leaf) => leaf.end = leaf.end.max(range.end),
            None => {
                let kind = leaf_kind(self.stack.iter().rev().find(|t| !is_inline_end(t)));
                self.leaf = Some(OpenLeaf {
                    kind,
                    start: range.start,
                    end: range.end,
                    pending: Vec::new(),
                });
            }
        }
        if let Some(h) = &mut self.heading_text {
            h.end = h.end.max(range.end);
        } else if self.heading.is_some() {
            self.heading_text = Some(range.clone());
        }
    }

    fn close_leaf(&mut self) {
        let Some(leaf) = self.leaf.take() else {
            return;
        };
        for i in leaf.pending {
            let d = &mut self.out.directives[i];
            d.leaf = leaf.kind;
            d.alone = match &d.parsed {
                Ok(raw) => raw.span == (leaf.start..leaf.end),
                Err(_) => false,
            };
        }
        if self.cell_start.is_some() {
            self.push_cell(trim_range(self.text, leaf.start..leaf.end));
        }
    }

    fn push_cell(&mut self, cell: Range<usize>) {
        self.cell_start = None;
        if self.in_head {
            if let Some(t) = &mut self.table {
                t.header.push(cell);
            }
        } else if let Some(r) = &mut self.row {
            r.cells.push(cell);
        }
    }

    /// Whether the line holding `at` has a `>` before it (a block-quote
    /// marker, so that the directive's continuation lines start with
    /// markers too). Candidates come in order: each byte is read once.
    fn quoted_line(&mut self, at: usize) -> bool {
        let bytes = self.text.as_bytes();
        let (mut start, read, mut quoted) = self.line;
        let read = read.min(at);
        let gap = &bytes[read..at];
        match memchr::memrchr(b'\n', gap) {
            Some(i) => {
                start = read + i + 1;
                quoted = memchr::memchr(b'>', &bytes[start..at]).is_some();
            }
            None => quoted |= memchr::memchr(b'>', gap).is_some(),
        }
        self.line = (start, at, quoted);
        quoted
    }

    /// Takes the candidates that lie inside a prose text event.
    fn text_event(&mut self, range: &Range<usize>) {
        while let Some(&at) = self.candidates.get(self.next_candidate) {
            if at >= range.end {
                break;
            }
            self.next_candidate += 1;
            if at < range.start || self.code_depth > 0 {
                continue;
            }
            // A candidate inside the span of the previous directive is part
            // of that directive's arguments.
            if let Some(prev) = self.out.directives.last()
                && let Ok(raw) = &prev.parsed
                && at < raw.span.end
            {
                continue;
            }
            let quoted = self.quoted_line(at);
            let next = self.candidates.get(self.next_candidate).copied();
            let parsed = self.parses.parse(at, quoted, next);
            let idx = self.out.directives.len();
            self.out.directives.push(FoundDirective {
                parsed,
                start: at,
                leaf: Leaf::Other,
                alone: false,
                nested: self.containers > 0,
            });
            if let Some(leaf) = &mut self.leaf {
                leaf.pending.push(idx);
            }
        }
    }

    fn event(&mut self, event: Event<'t>, range: Range<usize>) {
        let prior = self.out.html_state;
        self.out.html_state.before(&event);
        if self.stack.is_empty() && matches!(event, Event::Start(_) | Event::Rule) {
            // From its line's start: only indentation comes before it there.
            let line_start =
                memchr::memrchr(b'\n', &self.text.as_bytes()[..range.start]).map_or(0, |i| i + 1);
            self.out.last_top_block = Some((line_start, self.out.html_state));
        }
        match event {
            Event::Start(tag) => {
                if is_inline_tag(&tag) {
                    self.extend_leaf(&range);
                    if matches!(tag, Tag::Link { .. } | Tag::Image { .. }) {
                        // Text starts after `[` (or `![`; an autolink's
                        // `<`).
                        let open = if matches!(tag, Tag::Image { .. }) {
                            2
                        } else {
                            1
                        };
                        self.links
                            .push(((range.start + open).min(range.end), range.end));
                    }
                    self.stack.push(tag.to_end());
                    return;
                }
                self.close_leaf();
                match &tag {
                    Tag::Heading { level, .. } if self.containers == 0 => {
                        if self.out.after_h1_html.is_some() {
                            self.out.header_end_html.get_or_insert(prior);
                        }
                        // An indented heading starts where its line does:
                        // whatever cuts the text at headings must not cut a
                        // line in two.
                        let start = indented_line_start(self.text, range.start);
                        self.heading = Some((*level as u8, start));
                        self.heading_text = None;
                    }
                    Tag::Heading { .. } | Tag::DefinitionListTitle => {
                        self.out.first_nested_heading.get_or_insert(range.start);
                    }
                    Tag::CodeBlock(kind) => {
                        self.code_depth += 1;
                        self.out.code_blocks.push(range.clone());
                        if let CodeBlockKind::Fenced(info) = kind
                            && info.split_whitespace().next() == Some("mermaid")
                        {
                            self.out.mermaid_fences.push(range.start);
                        }
                        let first_line =
                            memchr::memchr(b'\n', &self.text.as_bytes()[range.clone()])
                                .map_or(range.end, |i| range.start + i + 1);
                        self.out.last_code = Some(CodeEnd {
                            range: range.clone(),
                            fenced: matches!(kind, CodeBlockKind::Fenced(_)),
                            content_end: first_line,
                        });
                    }
                    Tag::HtmlBlock => {
                        self.out.html.push(range.clone());
                        if self.containers == 0 {
                            self.out
                                .top_level_html
                                .push((range.clone(), self.out.html_state));
                        }
                        self.out.last_html_block = Some(HtmlBlockEnd {
                            range: range.clone(),
                            kind: None,
                            closed: false,
                        });
                        self.html_first_line = true;
                    }
                    Tag::Table(_) => {
                        self.table = Some(Table {
                            range: range.clone(),
                            ..Table::default()
                        })
                    }
                    Tag::TableHead => self.in_head = true,
                    Tag::TableRow => {
                        self.row = Some(TableRow {
                            start: range.start,
                            cells: Vec::new(),
                        })
                    }
                    Tag::TableCell => self.cell_start = Some(range.start),
                    _ => {}
                }
                if is_container(&tag) {
                    self.containers += 1;
                }
                self.stack.push(tag.to_end());
            }
            Event::End(end) => {
                if is_inline_end(&end) {
                    if matches!(end, TagEnd::Link | TagEnd::Image)
                        && let Some((text_end, end)) = self.links.pop()
                    {
                        self.out.link_tails.push(text_end..end);
                    }
                    self.extend_leaf(&range);
                    self.stack.pop();
                    return;
                }
                self.close_leaf();
                self.stack.pop();
                match end {
                    TagEnd::Heading(_) => {
                        if let Some((level, start)) = self.heading.take() {
                            let text = self
                                .heading_text
                                .take()
                                .unwrap_or_else(|| self.empty_heading_text(start..range.end));
                            self.out.headings.push(Heading {
                                level,
                                range: start..range.end,
                                text,
                            });
                            if level == 1 {
                                self.out.after_h1_html.get_or_insert(self.out.html_state);
                            }
                        }
                    }
                    TagEnd::CodeBlock => self.code_depth = self.code_depth.saturating_sub(1),
                    TagEnd::TableCell => {
                        if let Some(start) = self.cell_start {
                            // An empty cell.
                            self.push_cell(start..start);
                        }
                    }
                    TagEnd::TableHead => self.in_head = false,
                    TagEnd::TableRow => {
                        if let (Some(row), Some(t)) = (self.row.take(), &mut self.table) {
                            t.rows.push(row);
                        }
                    }
                    TagEnd::Table => {
                        if let Some(t) = self.table.take() {
                            self.out.tables.push(t);
                        }
                    }
                    _ => {}
                }
                if matches!(
                    end,
                    TagEnd::BlockQuote(_)
                        | TagEnd::List(_)
                        | TagEnd::Item
                        | TagEnd::FootnoteDefinition
                        | TagEnd::DefinitionList
                        | TagEnd::DefinitionListTitle
                        | TagEnd::DefinitionListDefinition
                        | TagEnd::Table
                        | TagEnd::HtmlBlock
                ) {
                    self.containers = self.containers.saturating_sub(1);
                }
            }
            Event::Text(_) => {
                if self.code_depth > 0 {
                    if let Some(code) = &mut self.out.last_code {
                        code.content_end = code.content_end.max(range.end);
                    }
                    return;
                }
                self.extend_leaf(&range);
                self.text_event(&range);
            }
            Event::Code(_) => {
                self.out.code_spans.push(range.clone());
                self.extend_leaf(&range);
            }
            Event::InlineHtml(html) => {
                self.out.html.push(range.clone());
                self.out.html_state.feed(&html);
                self.extend_leaf(&range);
            }
            Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::TaskListMarker(_) => self.extend_leaf(&range),
            Event::Html(html) => {
                self.close_leaf();
                self.out.html_state.feed(&html);
                if let Some(block) = &mut self.out.last_html_block {
                    if std::mem::take(&mut self.html_first_line) {
                        block.kind = html_block_kind(&html);
                    }
                    if let Some((_, end)) = block.kind
                        && !block.closed
                        && html.contains(end)
                    {
                        block.closed = true;
                    }
                }
            }
            Event::Rule => {
                self.close_leaf();
                if self.containers == 0 {
                    self.out.rules.push(range.start);
                    if self.out.after_h1_html.is_some() {
                        self.out.header_end_html.get_or_insert(prior);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_default(text: &str) -> ChapterScan {
        scan(text, &MarkdownOptions::default())
    }

    fn found(text: &str) -> Vec<(usize, Leaf, bool)> {
        scan_default(text)
            .directives
            .iter()
            .map(|d| (d.start, d.leaf, d.alone))
            .collect()
    }

    #[test]
    fn indented_headings_start_at_their_line() {
        let text = "[a]: /x\n   Title\n===\n\n  ## Two\n\u{feff}x\n";
        let starts: Vec<usize> = scan_default(text)
            .headings
            .iter()
            .map(|h| h.range.start)
            .collect();
        assert_eq!(starts, [8, 22]);
        let bom = "\u{feff}  # T\n";
        assert_eq!(
            scan(bom, &MarkdownOptions::default()).headings[0]
                .range
                .start,
            3
        );
    }

    #[test]
    fn directive_alone_in_paragraph() {
        assert_eq!(found("{{#tdd-status}}\n"), vec![(0, Leaf::Paragraph, true)]);
        assert_eq!(
            found("a\n\n{{#tdd-status}}\n\nb"),
            vec![(3, Leaf::Paragraph, true)]
        );
    }

    #[test]
    fn directive_sharing_paragraph() {
        assert_eq!(
            found("Text {{#tdd-status}}\n"),
            vec![(5, Leaf::Paragraph, false)]
        );
        assert_eq!(
            found("Text\n{{#tdd-status}}\n"),
            vec![(5, Leaf::Paragraph, false)]
        );
        assert_eq!(
            found("{{#tdd-status}}\nmore"),
            vec![(0, Leaf::Paragraph, false)]
        );
    }

    #[test]
    fn directive_in_containers() {
        let d = scan_default("- {{#tdd-status}}\n- b\n").directives;
        assert_eq!(
            (d[0].leaf, d[0].alone, d[0].nested),
            (Leaf::ListItem, true, true)
        );
        let d = scan_default("> {{#tdd-status\n> sort=title}}\n").directives;
        assert_eq!(
            (d[0].leaf, d[0].alone, d[0].nested),
            (Leaf::Paragraph, true, true)
        );
    }

    #[test]
    fn directive_in_heading_or_cell() {
        assert_eq!(
            found("## {{#tdd-status}}\n"),
            vec![(3, Leaf::Heading, true)]
        );
        let d = found("| a |\n|---|\n| {{#tdd-status}} |\n");
        assert_eq!(d[0].1, Leaf::TableCell);
    }

    #[test]
    fn protected_places() {
        let text = "`{{#tdd-status}}`\n\n```\n{{#tdd-status}}\n```\n\n    {{#tdd-status}}\n\n<div>\n{{#tdd-status}}\n</div>\n\n<!-- {{#tdd-status}} -->\n\n[x]({{#tdd-status}})\n\n\\{{#tdd-status}}\n";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn other_directives_ignored() {
        assert!(found("{{#include a.md}}\n\n{{#title x}}\n").is_empty());
    }

    #[test]
    fn nested_candidate_in_quoted_value() {
        let d = found(r#"{{#tdd-status sort="{{#tdd-x}}"}}"#);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn outline_and_tables() {
        let text = "# T\n\n**A:** b\n\n---\n\n## 1. One\n\n> ## quoted\n\n| a | b |\n|---|---|\n| x |   |\n|  y | `z` |\n\nS\n===\n";
        let s = scan_default(text);
        let hs: Vec<_> = s
            .headings
            .iter()
            .map(|h| (h.level, &text[h.text.clone()]))
            .collect();
        assert_eq!(hs, vec![(1, "T"), (2, "1. One"), (1, "S")]);
        assert_eq!(s.rules.len(), 1);
        let t = &s.tables[0];
        let cell = |r: &Range<usize>| &text[r.clone()];
        assert_eq!(t.header.iter().map(cell).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            t.rows[0].cells.iter().map(cell).collect::<Vec<_>>(),
            ["x", ""]
        );
        assert_eq!(
            t.rows[1].cells.iter().map(cell).collect::<Vec<_>>(),
            ["y", "`z`"]
        );
    }

    /// An empty heading's text is inside the heading, also when its line
    /// ends with a carriage return alone (it used to point into the next
    /// line, which made slicing the template's heading panic).
    #[test]
    fn empty_headings_end_at_their_line() {
        for text in ["##\r  ## a\r", "##\r\n## a\r\n", "##\n", "## ##\n", "#"] {
            let s = scan_default(text);
            for h in &s.headings {
                assert!(
                    h.range.start <= h.text.start && h.text.end <= h.range.end,
                    "{text:?}: {h:?}"
                );
            }
        }
        assert_eq!(scan_default("##\r\n").headings[0].text, 3..3);
    }

    #[test]
    fn raw_html_state() {
        let state = |pieces: &[&str]| {
            let mut s = HtmlState::Data;
            for p in pieces {
                s.feed(p);
            }
            s
        };
        assert_eq!(
            state(&["<b>x</b>", "<!-- c -->", "<!-->", "<?x?>"]),
            HtmlState::Data
        );
        assert_eq!(state(&["<div>", "<!-- open"]), HtmlState::Comment);
        assert_eq!(state(&["<!-- a", "b -->"]), HtmlState::Data);
        assert_eq!(state(&["<!DOCTYPE html"]), HtmlState::Bogus);
        assert_eq!(state(&["<![CDATA[x"]), HtmlState::Bogus);
        let script = state(&["<SCRIPT type=\"module\">", "if (a < b) {}", "</scripts>"]);
        assert_eq!(script, HtmlState::Raw(0));
        assert_eq!(script.closer().as_deref(), Some("<!-- --></script>"));
        assert_eq!(state(&["<script>", "x</Script >"]), HtmlState::Data);
        assert_eq!(state(&["<textarea>", "<!-- </textarea>"]), HtmlState::Data);
        assert_eq!(state(&["<scripts>", "<pre>", "<b"]), HtmlState::Data);
        assert_eq!(state(&["<plaintext>", "</plaintext>"]).closer(), None);
        // The tags written for Markdown end a bogus comment, not a comment.
        assert_eq!(
            scan_default("> <?x\n\nafter <textarea> y\n").html_state,
            HtmlState::Raw(2)
        );
        assert_eq!(
            scan_default("<div>\n<!-- x\n\n*para*\n").html_state,
            HtmlState::Comment
        );
        for (s, closer) in [
            (HtmlState::Data, ""),
            (HtmlState::Comment, "<!-- -->"),
            (HtmlState::Bogus, "<!-- -->"),
        ] {
            let mut after = s;
            after.feed(&s.closer().unwrap());
            assert_eq!(
                (after, s.closer().unwrap().as_str()),
                (HtmlState::Data, closer)
            );
        }
    }

    #[test]
    fn html_block_kinds() {
        assert_eq!(html_block_kind("<script>"), Some((1, "</script>")));
        assert_eq!(html_block_kind("<PRE class=x>"), Some((1, "</pre>")));
        assert_eq!(html_block_kind("<textarea"), Some((1, "</textarea>")));
        assert_eq!(html_block_kind("<scripts>"), None);
        assert_eq!(html_block_kind("<!-- x"), Some((2, "-->")));
        assert_eq!(html_block_kind("<?php"), Some((3, "?>")));
        assert_eq!(html_block_kind("<!DOCTYPE html>"), Some((4, ">")));
        assert_eq!(html_block_kind("<![CDATA["), Some((5, "]]>")));
        assert_eq!(html_block_kind("<div>"), None);
        let s = scan_default("<style>\np {}\n</style>\n\n<pre>\nx\n");
        let b = s.last_html_block.unwrap();
        assert_eq!((b.kind, b.closed), (Some((1, "</pre>")), false));
        // As pulldown-cmark reads it, an end tag in capitals does not end
        // the block.
        let s = scan_default("<style>\np {}\n</STYLE>\n\nx\n");
        let b = s.last_html_block.unwrap();
        assert_eq!(
            (b.kind, b.closed, b.range.end),
            (Some((1, "</style>")), false, 25)
        );
        let s = scan_default("> ```\n> a\n> ```\n\n- ```\n  b\n");
        let c = s.last_code.unwrap();
        assert!(c.fenced && c.content_end == c.range.end, "{c:?}");
    }

    #[test]
    fn ranges_lookup() {
        let r = vec![2..4, 8..10];
        assert!(!in_ranges(&r, 1));
        assert!(in_ranges(&r, 2));
        assert!(!in_ranges(&r, 4));
        assert!(in_ranges(&r, 9));
        assert!(!in_ranges(&r, 10));
    }
}
