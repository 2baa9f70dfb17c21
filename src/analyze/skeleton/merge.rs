//! The merge of a filled template with the sections the author wrote: the
//! template's order, level by level, every author byte once.

use super::*;
use crate::hash::HashMap;
use crate::syntax::outline::Section;
use crate::syntax::outline::SectionNumber;
use std::ops::Range;

pub(super) struct Builder<'e> {
    pub(super) out: String,
    pub(super) pieces: Vec<Piece>,
    pub(super) eol: &'e str,
    /// Template guidance in `out` (see [`Expansion::guidance`]), in order.
    pub(super) guidance: Vec<Range<usize>>,
}

impl Builder<'_> {
    /// Ends the output with a blank line, so that the next chunk starts a
    /// new block.
    pub(super) fn separate(&mut self) {
        if self.out.is_empty() || self.out == "\u{feff}" {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push_str(self.eol);
        }
        let blank = self.out.ends_with("\n\n") || self.out.ends_with("\n\r\n");
        if !blank {
            self.out.push_str(self.eol);
        }
    }

    pub(super) fn push(&mut self, s: &str, origin: Origin) {
        if s.is_empty() {
            return;
        }
        let start = self.out.len();
        self.out.push_str(s);
        self.pieces.push(Piece {
            out: start..self.out.len(),
            origin,
        });
    }
}

pub(super) struct Merger<'a, F: Fn(usize) -> usize> {
    pub(super) tpl: &'a PreparedTemplate,
    pub(super) filling: &'a Filling,
    pub(super) options: &'a MarkdownOptions,
    pub(super) rules: bool,
    pub(super) duplicates: Vec<DuplicateSection>,
    pub(super) author: &'a str,
    pub(super) to_original: &'a F,
    pub(super) b: Builder<'a>,
}

pub(super) enum Slot {
    Start,
    After(usize),
    End,
}

impl<F: Fn(usize) -> usize> Merger<'_, F> {
    /// The filled template text of a range, with the chapter's line endings.
    pub(super) fn filled(&self, r: Range<usize>) -> String {
        let s = self.filling.fill(self.tpl, r);
        if self.b.eol == "\r\n" {
            s.replace('\n', "\r\n")
        } else {
            s
        }
    }

    pub(super) fn template_chunk(&mut self, r: Range<usize>) {
        if self.tpl.text[r.clone()].trim().is_empty() {
            return;
        }
        let s = self.filled(r);
        self.b.separate();
        self.b.push(&s, Origin::Template);
    }

    /// A template section inside the merged tree: without its closing
    /// thematic break, which [`Merger::next_item`] places between sections.
    /// The text under each of its headings (its own and its sub-sections')
    /// is template guidance the author has not written: recorded in
    /// [`Builder::guidance`].
    pub(super) fn template_section(&mut self, t: &Section) {
        let r = t.range.clone();
        if self.tpl.text[r.clone()].trim().is_empty() {
            return;
        }
        // Filled piece by piece (headings, the text under them, and any gap
        // between), which gives the same text as filling the whole range:
        // every piece ends at a line end, and neither a placeholder nor a
        // filled header value crosses one.
        let mut s = String::with_capacity(r.len() + 16);
        let mut bodies: Vec<Range<usize>> = Vec::new();
        let mut at = r.start;
        let mut stack = vec![t];
        while let Some(sec) = stack.pop() {
            let body = sec.heading.end..sec.own.end;
            if sec.heading.start >= at && body.start <= body.end {
                s.push_str(&self.filled(at..sec.heading.start));
                s.push_str(&self.filled(sec.heading.clone()));
                let start = s.len();
                s.push_str(&self.filled(body.clone()));
                bodies.push(start..s.len());
                at = body.end;
            }
            stack.extend(sec.children.iter().rev());
        }
        if at < r.end {
            s.push_str(&self.filled(at..r.end));
        }
        if self.rules {
            strip_trailing_rule(&mut s);
        }
        self.b.separate();
        let base = self.b.out.len();
        self.b.push(&s, Origin::Template);
        for b in bodies {
            let end = b.end.min(s.len());
            if b.start < end
                && let Some(lines) = content_lines(&s, b.start..end)
            {
                self.b.guidance.push(base + lines.start..base + lines.end);
            }
        }
    }

    /// The template's text between its title and first section (its
    /// header), filled, with a hard line break after each header line that
    /// Markdown would join with the next: `**Author:** Jo\` keeps every field
    /// on a line of its own on the page, and reads as the same field.
    pub(super) fn template_header(&mut self, r: Range<usize>) {
        let mut s = self.filling.fill(self.tpl, r);
        for at in crate::syntax::header::joined_field_lines(&s, self.options)
            .into_iter()
            .rev()
        {
            s.insert(at, '\\');
        }
        if self.b.eol == "\r\n" {
            s = s.replace('\n', "\r\n");
        }
        self.b.push(&s, Origin::Template);
    }

    pub(super) fn author_chunk(&mut self, mut r: Range<usize>) {
        let s = &self.author[r.clone()];
        if s.trim().is_empty() {
            return;
        }
        // Blank lines before the first text are separators, not content.
        let first_text = s.len() - s.trim_start().len();
        r.start += s[..first_text].rfind('\n').map_or(0, |i| i + 1);
        self.b.separate();
        self.author_raw(r);
    }

    pub(super) fn author_raw(&mut self, r: Range<usize>) {
        let origin = Origin::Author((self.to_original)(r.start));
        self.b.push(&self.author[r], origin);
    }

    /// Before a top-level section other than the first: a thematic break,
    /// when the template separates its sections so and the output does not
    /// already end with one.
    pub(super) fn next_item(&mut self, body: bool, first: &mut bool) {
        if body && self.rules && !*first && !ends_with_rule(&self.b.out) {
            self.b.separate();
            let rule = format!("---{}", self.b.eol);
            self.b.push(&rule, Origin::Template);
        }
        *first = false;
    }

    pub(super) fn merge_children(
        &mut self,
        tpl: &[Section],
        auth: &[&Section],
        parent_written: bool,
        body: bool,
    ) {
        let mut index = TemplateIndex::new(tpl);
        let mut matched: Vec<Option<usize>> = vec![None; auth.len()];
        let mut author_of: Vec<Option<usize>> = vec![None; tpl.len()];
        for (ai, a) in auth.iter().enumerate() {
            if let Some(ti) = index.take(a) {
                matched[ai] = Some(ti);
                author_of[ti] = Some(ai);
            } else if a.number.is_some() && index.any_match(a) {
                let title = self.author[a.title.clone()].trim().to_string();
                self.duplicates.push(DuplicateSection {
                    at: (self.to_original)(a.heading.start),
                    title,
                });
            }
        }
        let mut first = true;
        let mut slots: Vec<Slot> = Vec::with_capacity(auth.len());
        for (ai, a) in auth.iter().enumerate() {
            let slot = if let Some(ti) = matched[ai] {
                Slot::After(ti)
            } else if let Some(n) = &a.number {
                match index.last_at_most(n) {
                    Some(ti) => Slot::After(ti),
                    None => Slot::Start,
                }
            } else if ai > 0 {
                match &slots[ai - 1] {
                    Slot::Start => Slot::Start,
                    Slot::After(ti) => Slot::After(*ti),
                    Slot::End => Slot::End,
                }
            } else {
                Slot::End
            };
            slots.push(slot);
        }
        // The author's extra sections by where they go, in their order.
        let (mut at_start, mut at_end) = (Vec::new(), Vec::new());
        let mut after: Vec<Vec<usize>> = vec![Vec::new(); tpl.len()];
        for (ai, slot) in slots.iter().enumerate() {
            if matched[ai].is_some() {
                continue;
            }
            match slot {
                Slot::Start => at_start.push(ai),
                Slot::After(ti) => after[*ti].push(ai),
                Slot::End => at_end.push(ai),
            }
        }
        for ai in at_start {
            self.next_item(body, &mut first);
            self.author_chunk(auth[ai].range.clone());
        }
        for (ti, t) in tpl.iter().enumerate() {
            match author_of[ti] {
                Some(ai) => {
                    self.next_item(body, &mut first);
                    let a = auth[ai];
                    self.author_chunk(a.own.clone());
                    let children: Vec<&Section> = a.children.iter().collect();
                    self.merge_children(&t.children, &children, true, false);
                }
                None => {
                    if !(parent_written && t.is_placeholder_example(&self.tpl.text)) {
                        self.next_item(body, &mut first);
                        self.template_section(t);
                    }
                }
            }
            for &ai in &after[ti] {
                self.next_item(body, &mut first);
                self.author_chunk(auth[ai].range.clone());
            }
        }
        for ai in at_end {
            self.next_item(body, &mut first);
            self.author_chunk(auth[ai].range.clone());
        }
    }
}

/// The sections of one template level, indexed for matching author
/// sections against them (see [`Section::matches`]) in time linear in both.
pub(super) struct TemplateIndex<'s> {
    pub(super) tpl: &'s [Section],
    pub(super) taken: Vec<bool>,
    /// Sections by number, and unnumbered or all sections by key, each with
    /// a cursor before which every section is taken.
    pub(super) by_number: HashMap<SectionNumber, (usize, Vec<usize>)>,
    pub(super) unnumbered_by_key: HashMap<&'s str, (usize, Vec<usize>)>,
    pub(super) by_key: HashMap<&'s str, (usize, Vec<usize>)>,
    /// For each position, the lowest number of the sections from there on.
    pub(super) lowest_after: Vec<Option<SectionNumber>>,
}

impl<'s> TemplateIndex<'s> {
    pub(super) fn new(tpl: &'s [Section]) -> Self {
        let mut by_number: HashMap<SectionNumber, (usize, Vec<usize>)> = HashMap::default();
        let mut unnumbered_by_key: HashMap<&str, (usize, Vec<usize>)> = HashMap::default();
        let mut by_key: HashMap<&str, (usize, Vec<usize>)> = HashMap::default();
        for (ti, t) in tpl.iter().enumerate() {
            if let Some(n) = t.number {
                by_number.entry(n).or_default().1.push(ti);
            }
            if !t.key.is_empty() {
                by_key.entry(t.key.as_str()).or_default().1.push(ti);
                if t.number.is_none() {
                    unnumbered_by_key
                        .entry(t.key.as_str())
                        .or_default()
                        .1
                        .push(ti);
                }
            }
        }
        let mut lowest_after = vec![None; tpl.len()];
        let mut lowest: Option<SectionNumber> = None;
        for (ti, t) in tpl.iter().enumerate().rev() {
            if let Some(n) = t.number {
                lowest = Some(lowest.map_or(n, |l| l.min(n)));
            }
            lowest_after[ti] = lowest;
        }
        TemplateIndex {
            tpl,
            taken: vec![false; tpl.len()],
            by_number,
            unnumbered_by_key,
            by_key,
            lowest_after,
        }
    }

    /// The first section of a list not yet taken.
    pub(super) fn first_free(
        taken: &[bool],
        entry: Option<&mut (usize, Vec<usize>)>,
    ) -> Option<usize> {
        let (cursor, list) = entry?;
        while list.get(*cursor).is_some_and(|&ti| taken[ti]) {
            *cursor += 1;
        }
        list.get(*cursor).copied()
    }

    /// Takes the first section, in template order, that matches `a` and is
    /// not taken yet.
    pub(super) fn take(&mut self, a: &Section) -> Option<usize> {
        let by_key = |map: &mut HashMap<&str, (usize, Vec<usize>)>| {
            if a.key.is_empty() {
                None
            } else {
                Self::first_free(&self.taken, map.get_mut(a.key.as_str()))
            }
        };
        let found = match &a.number {
            Some(n) => {
                let numbered = Self::first_free(&self.taken, self.by_number.get_mut(n));
                let unnumbered = by_key(&mut self.unnumbered_by_key);
                match (numbered, unnumbered) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                }
            }
            None => by_key(&mut self.by_key),
        }?;
        self.taken[found] = true;
        Some(found)
    }

    /// Whether any section matches `a`, taken or not.
    pub(super) fn any_match(&self, a: &Section) -> bool {
        let keyed = |map: &HashMap<&str, (usize, Vec<usize>)>| {
            !a.key.is_empty() && map.contains_key(a.key.as_str())
        };
        match &a.number {
            Some(n) => self.by_number.contains_key(n) || keyed(&self.unnumbered_by_key),
            None => keyed(&self.by_key),
        }
    }

    /// The last section whose number is at most `n`.
    pub(super) fn last_at_most(&self, n: &SectionNumber) -> Option<usize> {
        let k = self
            .lowest_after
            .partition_point(|l| l.as_ref().is_some_and(|l| l <= n));
        debug_assert!(k == 0 || self.tpl[k - 1].number.is_some_and(|m| m <= *n));
        k.checked_sub(1)
    }
}

/// Whether a line is a thematic break (`---`, `***`, `___`).
pub(super) fn is_rule(line: &str) -> bool {
    let t = line.trim();
    let Some(c) = t.chars().next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    t.chars().filter(|x| !x.is_whitespace()).all(|x| x == c)
        && t.chars().filter(|x| *x == c).count() >= 3
}

/// Whether a text ends with a thematic break (blank lines aside).
pub(super) fn ends_with_rule(text: &str) -> bool {
    text.trim_end().lines().last().is_some_and(is_rule)
}

/// Removes a final thematic break and the blank lines around it.
pub(super) fn strip_trailing_rule(s: &mut String) {
    if !ends_with_rule(s) {
        return;
    }
    let trimmed = s.trim_end().len();
    let line_start = s[..trimmed].rfind('\n').map_or(0, |i| i + 1);
    let keep = s[..line_start].trim_end().len();
    if keep == 0 {
        return;
    }
    let eol = if s.contains("\r\n") { "\r\n" } else { "\n" };
    s.truncate(keep);
    s.push_str(eol);
}

/// The lines of `text[r]` from its first line that is not blank to the end
/// (line ending included) of its last one; `None` if all are blank.
pub(super) fn content_lines(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let piece = text.get(r.clone())?;
    let lead = piece.len() - piece.trim_start().len();
    if lead == piece.len() {
        return None;
    }
    let start = r.start + piece[..lead].rfind('\n').map_or(0, |i| i + 1);
    let content_end = r.start + piece.trim_end().len();
    let end = text[content_end..r.end]
        .find('\n')
        .map_or(r.end, |i| content_end + i + 1);
    Some(start..end)
}
