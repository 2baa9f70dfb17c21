//! Traceability facts of one chapter, gathered with its other facts: the
//! requirements its tables define, the open questions of its Open Questions
//! section and its `[TBD]` markers (what a PRD holds), the requirement IDs
//! its prose cites and the rows of its PRD Open Items Resolved table (what a
//! TDD holds). Which of them count is decided by the model, once it knows
//! which chapters are TDDs and PRDs. Places are byte offsets of the
//! chapter's text: few of them are ever reported, and a diagnostic about
//! one is given its line and column at the end of the run
//! ([`crate::diagnostic::Diagnostic::at_offset`]).

use crate::analyze::card::heading_anchor;
use crate::analyze::table::{DocTable, SectionKey, plain};
use crate::config::{Config, IdPattern};
use crate::hash::HashMap;
use crate::syntax::outline::{heading_at, heading_key};
use crate::syntax::scan::{ChapterScan, in_ranges};
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// The heading key of the TDD section whose table resolves PRD open items.
pub const RESOLVED_SECTION: &str = "prd open items resolved";

/// Sections whose anchors are worked out per chapter, at most: an anchor
/// looks at the headings before it.
const ANCHORED_SECTIONS: usize = 32;

/// A requirement defined by a row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementDef {
    /// The ID, as the cell holds it (plain text).
    pub id: String,
    /// The requirement's text (the `Requirement` column, else the first
    /// other column), as written.
    pub text: String,
    /// The `Priority` cell, as written, if the table has the column.
    pub priority: Option<String>,
    /// Where the row is: its offset in the chapter's text.
    pub at: usize,
}

/// An open item of a PRD: an entry under its Open Questions heading, or a
/// `[TBD]` marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDef {
    /// Its ID: explicit (`Q3:`, an ID column) or by position (`Q1`, …;
    /// `TBD1`, … for markers).
    pub id: String,
    /// Whether the ID was written.
    pub explicit: bool,
    /// The text, as written, on one line (without the ID).
    pub text: String,
    /// The text normalized for matching (see [`match_key`]).
    pub key: String,
    /// Where the entry is: its offset in the chapter's text.
    pub at: usize,
}

/// A section of a TDD that cites requirements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedSection {
    /// Its heading text, plain.
    pub title: String,
    /// Its id on the page, when it can be known.
    pub anchor: Option<String>,
}

/// A requirement ID in a TDD's prose: each ID once per section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The ID.
    pub id: String,
    /// Index into [`TraceFacts::sections`]; `None` before the first heading.
    pub section: Option<usize>,
    /// Where it first appears in that section: its offset in the
    /// chapter's text.
    pub at: usize,
}

/// A row of a TDD's PRD Open Items Resolved table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionRow {
    /// The PRD item cell as plain text.
    pub item: String,
    /// The fragment of the first link in the cell, if any.
    pub fragment: Option<String>,
    /// The resolution cell, as written.
    pub resolution: String,
    /// Where the row is: its offset in the chapter's text.
    pub at: usize,
}

/// The traceability facts of a chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceFacts {
    /// Requirements of its tables.
    pub requirements: Vec<RequirementDef>,
    /// Open items: the Open Questions entries, then the `[TBD]` markers.
    pub questions: Vec<QuestionDef>,
    /// Requirement IDs cited in its prose.
    pub citations: Vec<Citation>,
    /// The sections citations point at.
    pub sections: Vec<CitedSection>,
    /// Rows of its PRD Open Items Resolved table.
    pub resolutions: Vec<ResolutionRow>,
}

/// What a chapter is known to be when its facts are gathered. A design
/// keeps only what designs say (citations, resolution rows), a PRD only
/// what PRDs define (requirements, open items): the model drops the rest,
/// so it is not looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// A TDD (it has a Source PRD, or it is a TDD skeleton).
    Design,
    /// A PRD.
    Prd,
    /// Not known yet: everything is gathered.
    #[default]
    Either,
}

impl TraceFacts {
    /// Gathers the facts of a scanned chapter, those of its `side`.
    pub fn new(
        text: &str,
        scan: &ChapterScan,
        tables: &[DocTable],
        placeholders: &[Range<usize>],
        config: &Config,
        side: Side,
    ) -> TraceFacts {
        let pattern = &config.requirement_pattern;
        let mut out = TraceFacts::default();
        if side != Side::Design {
            out.requirements = requirements(tables, pattern);
            out.prd_side(text, scan, placeholders, config);
        }
        if side != Side::Prd {
            citations(text, scan, placeholders, pattern, &mut out);
            resolution_rows(tables, &mut out);
        }
        out
    }

    /// The open items: the entries under the Open Questions heading, then
    /// the `[TBD]` markers.
    fn prd_side(
        &mut self,
        text: &str,
        scan: &ChapterScan,
        placeholders: &[Range<usize>],
        config: &Config,
    ) {
        let heading = heading_key(&config.open_questions_heading);
        let section = scan
            .headings
            .iter()
            .enumerate()
            .find(|(_, h)| {
                text.get(h.text.clone())
                    .is_some_and(|t| is_heading(t, &heading))
            })
            .map(|(i, h)| {
                let end = scan
                    .headings
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|n| n.level <= h.level)
                    .map_or(text.len(), |n| n.range.start);
                h.range.end.min(end)..end
            });
        if let Some(range) = &section {
            self.questions = open_questions(text, range.clone(), config);
        }
        tbd_markers(text, scan, section.as_ref(), placeholders, self);
    }
}

/// Whether `text` can have the heading key `key`, told from their first
/// letters when both are ASCII: most headings differ from it there.
fn may_be(text: &str, key: &str) -> bool {
    // What `key_is` passes over: white space (of ASCII, also the vertical
    // tab) and emphasis markers.
    let first = text
        .bytes()
        .find(|&b| !(b.is_ascii() && char::from(b).is_whitespace() || matches!(b, b'*' | b'_')));
    match (first, key.as_bytes().first()) {
        (Some(a), Some(b)) if a.is_ascii() && b.is_ascii() => a.to_ascii_lowercase() == *b,
        _ => true,
    }
}

/// Whether `text` has the heading key `key` (see [`heading_key`]), compared
/// as it is normalized, without building it: most headings differ in their
/// first letter.
fn key_is(text: &str, key: &str) -> bool {
    let mut want = key.chars();
    let mut space = false;
    let mut started = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = started;
            continue;
        }
        if matches!(c, '*' | '_') {
            continue;
        }
        if space {
            if want.next() != Some(' ') {
                return false;
            }
            space = false;
        }
        started = true;
        if c.is_ascii() {
            if want.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
            continue;
        }
        for l in c.to_lowercase() {
            if want.next() != Some(l) {
                return false;
            }
        }
    }
    want.next().is_none()
}

/// Whether a heading's text, without a leading section number (`4.`,
/// `12.1`), has the heading key `key`. The number is split off, which
/// parses it, only when the text could match: the text after its leading
/// digits and dots, or the whole text, must already have the key.
fn is_heading(t: &str, key: &str) -> bool {
    let after = t
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    (may_be(after, key) && key_is(after, key) || may_be(t, key) && key_is(t, key))
        && key_is(
            crate::syntax::outline::SectionNumber::split_heading(t).1,
            key,
        )
}

/// Text normalized for matching: lower case, every run of characters other
/// than letters and digits one space, trimmed.
pub fn match_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    if s.is_ascii() {
        for b in s.bytes() {
            if !b.is_ascii_alphanumeric() {
                gap = true;
                continue;
            }
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(char::from(b.to_ascii_lowercase()));
        }
        return out;
    }
    for c in s.chars() {
        let word = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if !word {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `c` continues an ID: a letter, a digit or `_`.
fn continues_id(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The IDs of the pattern in `text`, at word boundaries: `PAY-1` is not
/// found in `PAY-11` or `XPAY-1`.
pub fn find_ids<'t>(
    text: &'t str,
    pattern: &'t IdPattern,
) -> Box<dyn Iterator<Item = Range<usize>> + 't> {
    let at_boundaries = move |r: &Range<usize>| {
        let before = text.get(..r.start).and_then(|t| t.chars().next_back());
        let after = text.get(r.end..).and_then(|t| t.chars().next());
        !continues_id(before) && !continues_id(after)
    };
    if pattern.is_default {
        return Box::new(default_ids(text).filter(at_boundaries));
    }
    Box::new(
        pattern
            .find
            .find_iter(text)
            .map(|m| m.range())
            .filter(at_boundaries),
    )
}

/// The matches of the default pattern, `[A-Z]+-[0-9]+`, as the regular
/// expression finds them (leftmost, longest runs), from each hyphen with an
/// upper-case letter before it and a digit after it: prose has many hyphens
/// and few IDs, and a search from each hyphen that the expression's engine
/// starts costs more than reading the bytes around it. A run of hyphens
/// (a table's delimiter row, a rule) is passed over at once: only its
/// first hyphen can follow a letter, only its last precede a digit.
fn default_ids(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let i = from + memchr::memchr(b'-', bytes.get(from..)?)?;
            let next = bytes.get(i + 1).copied();
            if next == Some(b'-') {
                from = i
                    + 1
                    + bytes
                        .get(i + 1..)?
                        .iter()
                        .take_while(|&&b| b == b'-')
                        .count();
                continue;
            }
            from = i + 1;
            if !next.is_some_and(|b| b.is_ascii_digit()) {
                continue;
            }
            let start = i - bytes
                .get(..i)?
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_uppercase())
                .count();
            if start == i {
                continue;
            }
            let digits = bytes
                .get(i + 1..)?
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            from = i + 1 + digits;
            return Some(start..i + 1 + digits);
        }
    })
}

/// The requirements of a chapter's tables: rows whose ID cell (the column
/// headed `ID`, else the first) is an ID of the pattern.
fn requirements(tables: &[DocTable], pattern: &IdPattern) -> Vec<RequirementDef> {
    let mut out = Vec::new();
    for t in tables {
        if t.width == 0 {
            continue;
        }
        let id_col = t.column("ID").unwrap_or(0);
        let text_col = t
            .column("Requirement")
            .or_else(|| (0..t.width).find(|&c| c != id_col));
        let priority_col = t.column("Priority");
        for r in t.real_rows() {
            let cell = t.cell(r, id_col);
            // The plain text of a cell holds no hyphen its cell does not.
            if pattern.is_default && memchr::memchr(b'-', cell.as_bytes()).is_none() {
                continue;
            }
            let id = plain(cell);
            if !pattern.whole.is_match(&id) {
                continue;
            }
            let text = text_col.map_or("", |c| t.cell(r, c)).trim();
            // A template's example row: its text is a placeholder.
            if crate::analyze::facts::holds_only_placeholders(text) && !text.is_empty() {
                continue;
            }
            out.push(RequirementDef {
                id: id.into_owned(),
                text: text.to_string(),
                priority: priority_col
                    .map(|c| t.cell(r, c).trim().to_string())
                    .filter(|p| !p.is_empty()),
                at: r.offset,
            });
        }
    }
    out
}

/// An explicit ID at the start of an entry: a word of letters, digits, `-`
/// or `_` that starts with a letter and ends with a digit, then `:`.
/// Returns the ID and the rest of the text.
pub fn explicit_id(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        .map_or(s.len(), |(i, _)| i);
    let (id, rest) = s.split_at(end);
    let rest = rest.strip_prefix(':')?;
    let first = id.chars().next()?;
    let last = id.chars().next_back()?;
    (first.is_alphabetic() && last.is_ascii_digit() && id.chars().count() <= 32)
        .then_some((id, rest))
}

/// A table cell of the Open Questions section: its plain text and where
/// it is written.
type Cell = (String, Range<usize>);

/// One entry being read: where it starts, its plain text, and the range
/// of its text as written.
struct Entry {
    at: usize,
    plain: String,
    raw: Option<Range<usize>>,
    /// Whether a nested block (a list) ended its own text.
    closed: bool,
}

/// The entries of the Open Questions section (`range`, after its heading):
/// the items of its top-level lists (a nested list belongs to its item) and
/// the rows of its tables.
fn open_questions(text: &str, range: Range<usize>, config: &Config) -> Vec<QuestionDef> {
    let Some(section) = text.get(range.clone()) else {
        return Vec::new();
    };
    let base = range.start;
    let mut entries: Vec<(Entry, Option<String>)> = Vec::new();
    let mut lists = 0usize;
    let mut item: Option<Entry> = None;
    // Tables: header cells, the row being read, which cell.
    let mut header: Vec<String> = Vec::new();
    let mut in_head = false;
    let mut row: Option<(usize, Vec<Cell>)> = None;
    let mut cell: Option<(String, Option<Range<usize>>)> = None;
    let mut code = 0usize;
    for (event, r) in crate::syntax::scan::parser(section, &config.markdown).into_offset_iter() {
        let r = r.start + base..r.end + base;
        match event {
            Event::Start(Tag::List(_)) => {
                lists += 1;
                if lists > 1
                    && let Some(e) = &mut item
                {
                    e.closed = true;
                }
            }
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Item) if lists == 1 => {
                if let Some(e) = item.take() {
                    entries.push((e, None));
                }
                item = Some(Entry {
                    at: r.start,
                    plain: String::new(),
                    raw: None,
                    closed: false,
                });
            }
            Event::End(TagEnd::Item) if lists == 1 => {
                if let Some(e) = item.take() {
                    entries.push((e, None));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                code += 1;
                if let Some(e) = &mut item {
                    e.closed = true;
                }
            }
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::Table(_)) => header.clear(),
            Event::Start(Tag::TableRow) => row = Some((r.start, Vec::new())),
            Event::Start(Tag::TableCell) => cell = Some((String::new(), None)),
            Event::End(TagEnd::TableCell) => {
                if let Some((plain_text, raw)) = cell.take() {
                    if in_head {
                        header.push(plain_text.trim().to_string());
                    } else if let Some((_, cells)) = &mut row {
                        cells.push((plain_text, raw.unwrap_or(r.start..r.start)));
                    }
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some((at, cells)) = row.take() {
                    let id_col = header.iter().position(|h| h.eq_ignore_ascii_case("id"));
                    let text_col = header
                        .iter()
                        .position(|h| h.eq_ignore_ascii_case("question"))
                        .or_else(|| (0..cells.len()).find(|&c| Some(c) != id_col));
                    let id = id_col
                        .and_then(|c| cells.get(c))
                        .map(|(p, _)| p.trim().to_string())
                        .filter(|p| !p.is_empty());
                    if let Some((p, raw)) = text_col.and_then(|c| cells.get(c)) {
                        entries.push((
                            Entry {
                                at,
                                plain: p.clone(),
                                raw: Some(raw.clone()),
                                closed: true,
                            },
                            id,
                        ));
                    }
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(e) = &mut item
                    && e.raw.is_some()
                {
                    e.closed = true;
                }
            }
            Event::Text(t) | Event::Code(t) if code == 0 => {
                if let Some((p, raw)) = &mut cell {
                    p.push_str(&t);
                    extend(raw, &r);
                } else if let Some(e) = &mut item
                    && !e.closed
                {
                    e.plain.push_str(&t);
                    extend(&mut e.raw, &r);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(e) = &mut item
                    && !e.closed
                {
                    e.plain.push(' ');
                }
            }
            // Markup inside the entry's text (emphasis, links) is kept in
            // its text as written.
            Event::InlineHtml(_)
            | Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. },
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image,
            ) => {
                if let Some((_, raw)) = &mut cell {
                    extend(raw, &r);
                } else if let Some(e) = &mut item
                    && !e.closed
                {
                    extend(&mut e.raw, &r);
                }
            }
            _ => {}
        }
    }
    if let Some(e) = item.take() {
        entries.push((e, None));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (e, column_id) in entries {
        let raw = e
            .raw
            .as_ref()
            .and_then(|r| text.get(r.clone()))
            .unwrap_or_default();
        let raw = one_line(raw);
        if placeholder_entry(&raw) {
            continue;
        }
        let (id, explicit, shown, plain_text) = match (column_id, explicit_id(&raw)) {
            (Some(id), _) => (id, true, raw.clone(), e.plain.clone()),
            (None, Some((id, rest))) => {
                let plain_rest = explicit_id(&e.plain).map_or(e.plain.as_str(), |(_, r)| r);
                (
                    id.to_string(),
                    true,
                    rest.trim().to_string(),
                    plain_rest.to_string(),
                )
            }
            // Numbered below, once every written ID is known.
            (None, None) => (String::new(), false, raw.clone(), e.plain.clone()),
        };
        if placeholder_entry(&shown) {
            continue;
        }
        out.push(QuestionDef {
            id,
            explicit,
            key: match_key(&plain_text),
            text: shown,
            at: e.at,
        });
    }
    // An entry without a written ID is `Q` and its position; where the
    // author wrote that ID on another entry, the next `Q` number nobody
    // wrote (numbers only grow, so this is linear).
    let written: crate::hash::HashSet<String> = out
        .iter()
        .filter(|q| q.explicit)
        .map(|q| q.id.to_uppercase())
        .collect();
    let mut next = 0;
    for (i, q) in out.iter_mut().enumerate() {
        if q.explicit {
            continue;
        }
        next = next.max(i + 1);
        while written.contains(&format!("Q{next}")) {
            next += 1;
        }
        q.id = format!("Q{next}");
        next += 1;
    }
    out
}

/// Whether an entry is a template's example (`{question}`) or empty.
fn placeholder_entry(text: &str) -> bool {
    text.trim().is_empty() || crate::analyze::facts::holds_only_placeholders(text)
}

fn extend(raw: &mut Option<Range<usize>>, r: &Range<usize>) {
    match raw {
        Some(x) => x.end = x.end.max(r.end),
        None => *raw = Some(r.clone()),
    }
}

/// Text on one line: each run of white space holding a line break one
/// space (a continuation line's indentation and block-quote markers go).
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        let line = if i == 0 {
            line.trim()
        } else {
            line.trim().trim_start_matches('>').trim()
        };
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The `[TBD]` markers of a chapter outside code, HTML, placeholders and
/// the Open Questions section, each an open item (`TBD1`, …) whose text is
/// its line.
fn tbd_markers(
    text: &str,
    scan: &ChapterScan,
    section: Option<&Range<usize>>,
    placeholders: &[Range<usize>],
    out: &mut TraceFacts,
) {
    let mut n = 0;
    let mut last_line = usize::MAX;
    // Where the line of the last marker starts, and how far the text has
    // been searched for line breaks: each byte is read once.
    let (mut start, mut searched) = (0, 0);
    let bytes = text.as_bytes();
    // From each `B`: upper-case letters are rare in Markdown, brackets
    // (links, tables of links) are not.
    let markers = memchr::memchr_iter(b'B', bytes)
        .filter_map(|i| i.checked_sub(2))
        .filter(|&at| bytes.get(at..at + 5) == Some(b"[TBD]"));
    for at in markers {
        if let Some(i) = bytes
            .get(searched..at)
            .and_then(|b| memchr::memrchr(b'\n', b))
        {
            start = searched + i + 1;
        }
        searched = at;
        if scan.is_protected(at)
            || in_ranges(&scan.code_spans, at)
            || section.is_some_and(|s| s.contains(&at))
            || in_ranges(placeholders, at)
        {
            continue;
        }
        if start == last_line {
            continue;
        }
        last_line = start;
        let end = text
            .get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i);
        let line = text.get(start..end).unwrap_or_default();
        // The line as written, without block markers before its text.
        let mut shown = line.trim().trim_start_matches(['#', '>', '|']).trim_start();
        for marker in ["- ", "* ", "+ "] {
            shown = shown.strip_prefix(marker).unwrap_or(shown);
        }
        let shown = shown.trim();
        n += 1;
        let key = match_key(&shown.replace("[TBD]", " "));
        out.questions.push(QuestionDef {
            id: format!("TBD{n}"),
            explicit: false,
            text: shown.to_string(),
            key,
            at,
        });
    }
}

/// The requirement IDs of a chapter's prose: outside code blocks, code
/// spans, HTML, link destinations and placeholders. Each ID is kept once
/// per section, where it first appears there.
fn citations(
    text: &str,
    scan: &ChapterScan,
    placeholders: &[Range<usize>],
    pattern: &IdPattern,
    out: &mut TraceFacts,
) {
    let mut seen: HashMap<(usize, &str), ()> = HashMap::default();
    let mut section_of_heading: HashMap<usize, usize> = HashMap::default();
    for r in find_ids(text, pattern) {
        let at = r.start;
        if scan.is_protected(at)
            || in_ranges(&scan.code_spans, at)
            || in_ranges(&scan.link_tails, at)
            || in_ranges(placeholders, at)
        {
            continue;
        }
        let Some(id) = text.get(r) else { continue };
        let heading = scan.headings.partition_point(|h| h.range.start <= at);
        if seen.insert((heading, id), ()).is_some() {
            continue;
        }
        let section = match heading.checked_sub(1) {
            None => None,
            Some(hi) => {
                let next = out.sections.len();
                let s = *section_of_heading.entry(hi).or_insert(next);
                if s == next {
                    let h = heading_at(&scan.headings, at);
                    let title = h
                        .and_then(|h| text.get(h.text.clone()))
                        .map(|t| plain(t).into_owned())
                        .unwrap_or_default();
                    let anchor = match h {
                        Some(h) if next < ANCHORED_SECTIONS => heading_anchor(text, scan, h),
                        _ => None,
                    };
                    out.sections.push(CitedSection { title, anchor });
                }
                Some(s)
            }
        };
        out.citations.push(Citation {
            id: id.to_string(),
            section,
            at,
        });
    }
}

/// The rows of the chapter's PRD Open Items Resolved table.
fn resolution_rows(tables: &[DocTable], out: &mut TraceFacts) {
    let key = SectionKey::new(RESOLVED_SECTION.into());
    let Some(t) = tables.iter().find(|t| t.has_section_key(&key)) else {
        return;
    };
    let item_col = t.column("PRD Item").unwrap_or(0);
    let res_col = t
        .column("Resolution")
        .or_else(|| (0..t.width).find(|&c| c != item_col));
    for r in t.real_rows() {
        let cell = t.cell(r, item_col);
        if cell.trim().is_empty() {
            continue;
        }
        let (item, fragment) = cell_text(cell);
        out.resolutions.push(ResolutionRow {
            item,
            fragment,
            resolution: res_col.map_or("", |c| t.cell(r, c)).trim().to_string(),
            at: r.offset,
        });
    }
}

/// A cell's plain text and the fragment of its first link.
fn cell_text(cell: &str) -> (String, Option<String>) {
    // Words and punctuation that no Markdown construct starts with, after
    // a letter: the text as it is.
    let t = cell.trim();
    if t.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && t.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b' ' | b',' | b'.' | b':' | b';' | b'?' | b'-' | b'/')
        })
    {
        return (t.to_string(), None);
    }
    let mut plain_text = String::new();
    let mut fragment = None;
    for event in mdbook_markdown::pulldown_cmark::Parser::new(cell) {
        match event {
            Event::Text(t) | Event::Code(t) => plain_text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain_text.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) if fragment.is_none() => {
                fragment = dest_url
                    .split_once('#')
                    .map(|(_, f)| f.to_string())
                    .filter(|f| !f.is_empty());
            }
            _ => {}
        }
    }
    (plain_text.trim().to_string(), fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts of `text` gathered as `side`.
    fn gathered(text: &str, side: Side) -> TraceFacts {
        use crate::config::MarkdownOptions;
        let options = MarkdownOptions::default();
        let g = crate::analyze::profile::TemplateProfile::from_template(
            crate::analyze::templates::BUILTIN,
            &options,
        );
        let scan = crate::syntax::scan::scan(text, &options);
        let locate = |_: usize| crate::diagnostic::Location {
            file: "c.md".into(),
            line: 1,
            column: 1,
        };
        crate::analyze::facts::ChapterFacts::new(
            text,
            "\n",
            &scan,
            &g,
            crate::analyze::templates::TemplateId(0),
            &Config::default(),
            side,
            &locate,
        )
        .trace
    }

    #[test]
    fn each_side_gathers_what_its_documents_keep() {
        let body = "## Requirements\n\n| ID | Requirement |\n|---|---|\n| PAY-1 | a |\n\n\
                    ## Open Questions\n\n1. Q1: Which one?\n\nThis cites PAY-1.\n";
        let prd = format!("# P\n\n**Status:** Draft\n\n{body}");
        let all = gathered(&prd, Side::Either);
        assert_eq!(all.requirements.len(), 1);
        assert_eq!(all.questions.len(), 1);
        assert!(!all.citations.is_empty());
        let as_prd = gathered(&prd, Side::Prd);
        assert_eq!(as_prd.requirements, all.requirements);
        assert_eq!(as_prd.questions, all.questions);
        assert!(as_prd.citations.is_empty());
        let as_design = gathered(&prd, Side::Design);
        assert!(as_design.requirements.is_empty() && as_design.questions.is_empty());
        assert_eq!(as_design.citations, all.citations);
        // A Source PRD makes the chapter a design: what only PRDs define is
        // not gathered, whatever else it holds.
        let tdd = format!("# T\n\n**Source PRD:** p.md\n\n{body}");
        let t = gathered(&tdd, Side::Either);
        assert!(t.requirements.is_empty() && t.questions.is_empty());
        assert_eq!(t.citations.len(), all.citations.len());
        // Unless the chapter is known to be a PRD (a PRD skeleton).
        assert_eq!(gathered(&tdd, Side::Prd).requirements.len(), 1);
    }

    #[test]
    fn ids_are_found_at_word_boundaries() {
        let p = IdPattern::default();
        let text = "PAY-1, PAY-11 and XPAY-1 or PAY-1x, (PAY-3) pay-3 PAY-";
        let found: Vec<&str> = find_ids(text, &p).map(|r| &text[r]).collect();
        // `XPAY-1` is an ID of its own, not `PAY-1`; `PAY-1x` is none.
        assert_eq!(found, ["PAY-1", "PAY-11", "XPAY-1", "PAY-3"]);
        let narrow = IdPattern::new("PAY-[0-9]").unwrap();
        let found: Vec<&str> = find_ids("PAY-11 XPAY-1 PAY-2", &narrow)
            .map(|r| &"PAY-11 XPAY-1 PAY-2"[r])
            .collect();
        assert_eq!(found, ["PAY-2"]);
    }

    #[test]
    fn the_default_pattern_finds_what_the_expression_finds() {
        let fast = IdPattern::default();
        let slow = IdPattern {
            is_default: false,
            ..IdPattern::default()
        };
        for text in [
            "PAY-1, PAY-11 and XPAY-1 or PAY-1x, (PAY-3) pay-3 PAY-",
            "A-B-1 AB-1-2 aB-1 -1 A- --- Ü-1 ÜA-1 A-1é _A-1 A-1_ é A-12345678901234567890",
            "AB-12-CD-3 X-9Y-8 ZZ-0",
            "|---|:--:|-1| A--1 A---1 B-- -C-2 --D-3 E-4-- F-5---G-6 H-",
        ] {
            let a: Vec<_> = find_ids(text, &fast).collect();
            let b: Vec<_> = find_ids(text, &slow).collect();
            assert_eq!(a, b, "{text}");
        }
    }

    #[test]
    fn heading_keys_compare_without_building_them() {
        for (text, key) in [
            ("Open Questions", "open questions"),
            ("  **Open**   _Questions_ ", "open questions"),
            ("ÖFFNEN Fragen", "öffnen fragen"),
        ] {
            assert!(key_is(text, key), "{text}");
            assert_eq!(heading_key(text), key);
        }
        for text in [
            "\u{b}Open Questions",
            "\u{a0}Open Questions",
            "1.\u{b}Open Questions",
        ] {
            assert_eq!(
                is_heading(text, "open questions"),
                key_is(
                    crate::syntax::outline::SectionNumber::split_heading(text).1,
                    "open questions"
                ),
                "{text:?}"
            );
        }
        for (text, key) in [
            ("Open Questions & Risks", "open questions"),
            ("Open", "open questions"),
            ("", "x"),
        ] {
            assert!(!key_is(text, key), "{text}");
        }
    }

    #[test]
    fn explicit_ids() {
        assert_eq!(explicit_id("Q3: why?"), Some(("Q3", " why?")));
        assert_eq!(explicit_id("OQ-12: x"), Some(("OQ-12", " x")));
        assert_eq!(explicit_id("Why: x"), None);
        assert_eq!(explicit_id("Q3 why"), None);
        assert_eq!(explicit_id("3: x"), None);
    }

    #[test]
    fn match_keys() {
        assert_eq!(
            match_key("  Do we allow *partial* payments?"),
            "do we allow partial payments"
        );
        assert_eq!(match_key("Ünïcode—Dash"), "ünïcode dash");
    }
}
