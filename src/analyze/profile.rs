//! What a template teaches about documents judged against it: its
//! top-level sections, and the guidance blocks and placeholder rows that
//! mark a section as not yet written.

use crate::hash::HashSet;
use crate::syntax::outline::{Outline, SectionNumber};
use std::ops::Range;

/// A top-level section of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSection {
    /// Its number (`3` for `## 3. Data Model`).
    pub number: Option<SectionNumber>,
    /// Its heading text without the number, for matching (see
    /// [`crate::syntax::outline::heading_key`]).
    pub key: String,
    /// Its heading text as written.
    pub title: String,
}

/// What a template teaches the model: its top-level sections and the
/// guidance text that marks a section as not yet written.
#[derive(Debug, Clone, Default)]
pub struct TemplateProfile {
    /// Top-level body sections, in order.
    pub sections: Vec<TemplateSection>,
    pub blocks: HashSet<String>,
    /// The first line of each guidance block, to pass over other blocks
    /// without normalizing them.
    pub first_lines: HashSet<String>,
    pub rows: HashSet<String>,
    /// The lengths of the keys in `rows`.
    pub row_lengths: Vec<usize>,
}

impl TemplateProfile {
    /// Learns a (filled) template.
    pub fn from_template(text: &str, options: &crate::config::MarkdownOptions) -> TemplateProfile {
        let text = crate::syntax::lines::lf_only(text);
        let scan = crate::syntax::scan::scan(&text, options);
        let outline = Outline::build(&text, &scan.headings);
        let sections = outline
            .body_sections()
            .iter()
            .map(|s| TemplateSection {
                number: s.number,
                key: s.key.clone(),
                title: text[s.title.clone()].trim().to_string(),
            })
            .collect();
        let mut blocks = HashSet::default();
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
        let mut rows = HashSet::default();
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
        TemplateProfile {
            sections,
            blocks,
            first_lines,
            rows,
            row_lengths,
        }
    }

    /// The offset of the first block of `text` that is template guidance.
    pub fn guidance_block(&self, text: &str) -> Option<usize> {
        if self.blocks.is_empty() {
            return None;
        }
        each_candidate(text, |_, raw| {
            let first = raw.lines().next().unwrap_or_default().trim();
            self.first_lines.contains(first) && self.blocks.contains(&normalize_block(raw))
        })
    }
}

pub fn row_key(text: &str, cells: &[Range<usize>]) -> String {
    let mut key = String::new();
    row_key_into(text, cells, &mut key);
    key
}

/// The cells of a row, trimmed and joined with `|`, written into `key`.
pub fn row_key_into(text: &str, cells: &[Range<usize>], key: &mut String) {
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
/// normalized (lines trimmed) with the offset of its first line. TemplateProfile
/// blocks always hold a placeholder, so no other block can be guidance.
pub fn candidate_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    each_candidate(text, |start, raw| {
        out.push((start, normalize_block(raw)));
        false
    });
    out
}

/// A block with each line trimmed.
pub fn normalize_block(raw: &str) -> String {
    raw.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// Calls `found` with the offset and text of each block of `text` (as in
/// [`candidate_blocks`], not normalized) until it returns true; returns that
/// block's offset.
pub fn each_candidate(text: &str, mut found: impl FnMut(usize, &str) -> bool) -> Option<usize> {
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
pub fn is_block_break(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#') || t.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '))
}
