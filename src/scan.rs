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
use crate::directive::{self, RawDirective, SyntaxError};
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
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
    /// HTML blocks and inline HTML, in order.
    pub html: Vec<Range<usize>>,
    /// Inline code spans, in order.
    pub code_spans: Vec<Range<usize>>,
    /// Tables, in order.
    pub tables: Vec<Table>,
    /// Our directives that start in prose, in order.
    pub directives: Vec<FoundDirective>,
    /// Link reference definitions (`[label]: dest "title"`).
    pub refdefs: Vec<RefDef>,
}

/// A link reference definition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefDef {
    /// The label, lower case.
    pub label: String,
    /// The destination.
    pub dest: String,
    /// The title (empty if none).
    pub title: String,
}

impl ChapterScan {
    /// Whether `offset` lies inside a code block or HTML.
    pub fn is_protected(&self, offset: usize) -> bool {
        in_ranges(&self.code_blocks, offset) || in_ranges(&self.html, offset)
    }

    /// Whether `offset` lies inside a code block.
    pub fn in_code_block(&self, offset: usize) -> bool {
        in_ranges(&self.code_blocks, offset)
    }

    /// Whether `needle` occurs in `text` outside code blocks.
    pub fn contains_outside_code(&self, text: &str, needle: &str) -> bool {
        memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes())
            .any(|at| !self.in_code_block(at))
    }

    /// The closing fence `text` needs when it ends inside an unclosed fenced
    /// code block (so that text appended to it is not swallowed by the block).
    pub fn open_fence(&self, text: &str) -> Option<String> {
        let last = self.code_blocks.last()?;
        if last.end < text.trim_end().len() {
            return None;
        }
        let block = text.get(last.clone())?;
        let first = block.lines().next()?.trim_start();
        let ch = first.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let fence_len = first.chars().take_while(|c| *c == ch).count();
        if fence_len < 3 {
            return None;
        }
        let closed = block.lines().skip(1).last().is_some_and(|l| {
            let l = l.trim();
            l.chars().take_while(|c| *c == ch).count() >= fence_len && l.chars().all(|c| c == ch)
        });
        (!closed).then(|| ch.to_string().repeat(fence_len))
    }
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

fn scan_from(text: &str, bom: usize, options: &MarkdownOptions) -> ChapterScan {
    let mut events = parser(&text[bom..], options).into_offset_iter();
    let mut out =
        Walker::new(text).run((&mut events).map(|(e, r)| (e, r.start + bom..r.end + bom)));
    out.refdefs = events
        .reference_definitions()
        .iter()
        .map(|(label, def)| RefDef {
            label: label.to_lowercase(),
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
        match event {
            Event::Start(tag) => {
                if is_inline_tag(&tag) {
                    self.extend_leaf(&range);
                    self.stack.push(tag.to_end());
                    return;
                }
                self.close_leaf();
                match &tag {
                    Tag::Heading { level, .. } if self.containers == 0 => {
                        self.heading = Some((*level as u8, range.start));
                        self.heading_text = None;
                    }
                    Tag::CodeBlock(_) => {
                        self.code_depth += 1;
                        self.out.code_blocks.push(range.clone());
                    }
                    Tag::HtmlBlock => self.out.html.push(range.clone()),
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
                    return;
                }
                self.extend_leaf(&range);
                self.text_event(&range);
            }
            Event::Code(_) => {
                self.out.code_spans.push(range.clone());
                self.extend_leaf(&range);
            }
            Event::InlineHtml(_) => {
                self.out.html.push(range.clone());
                self.extend_leaf(&range);
            }
            Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::TaskListMarker(_) => self.extend_leaf(&range),
            Event::Html(_) => {
                self.close_leaf();
            }
            Event::Rule => {
                self.close_leaf();
                if self.containers == 0 {
                    self.out.rules.push(range.start);
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
        let o = MarkdownOptions::default();
        let tpl = crate::skeleton::PreparedTemplate::new("# T\n\n##\r  ## {x}\r", &o);
        assert!(tpl.text.contains("{x}"));
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
