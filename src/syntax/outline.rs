//! The section tree of a Markdown text, built from its top-level headings.
//!
//! A section is a heading, its own text (up to its first sub-section) and its
//! sub-sections (the following headings of a deeper level). Numbered headings
//! (`## 3. Data Model`, `### 3.4 Data Access Patterns`) carry their number,
//! by which sections of a TDD are matched against the template.

use crate::syntax::scan::Heading;
use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

/// A section number such as `3` or `3.4` (at most eight levels).
#[derive(Clone, Copy)]
pub struct SectionNumber {
    parts: [u32; SectionNumber::MAX_DEPTH],
    len: u8,
}

impl SectionNumber {
    const MAX_DEPTH: usize = 8;

    /// A number from its parts; `None` if there are none or too many.
    pub fn new(parts: &[u32]) -> Option<SectionNumber> {
        if parts.is_empty() || parts.len() > Self::MAX_DEPTH {
            return None;
        }
        let mut n = SectionNumber {
            parts: [0; Self::MAX_DEPTH],
            len: parts.len() as u8,
        };
        n.parts[..parts.len()].copy_from_slice(parts);
        Some(n)
    }

    /// The parts (`[3, 4]` for `3.4`).
    pub fn parts(&self) -> &[u32] {
        &self.parts[..usize::from(self.len)]
    }

    /// Parses `"3.4"`, `"3."` or `"12"`.
    pub fn parse(s: &str) -> Option<SectionNumber> {
        let s = s.strip_suffix('.').unwrap_or(s);
        let mut n = SectionNumber {
            parts: [0; Self::MAX_DEPTH],
            len: 0,
        };
        for p in s.split('.') {
            if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let slot = n.parts.get_mut(usize::from(n.len))?;
            *slot = p.parse().ok()?;
            n.len += 1;
        }
        (n.len > 0).then_some(n)
    }

    /// Splits a heading text into its number and the rest:
    /// `"3.4 Data Access"` → (`3.4`, `"Data Access"`).
    pub fn split_heading(text: &str) -> (Option<SectionNumber>, &str) {
        let trimmed = text.trim_start();
        let end = trimmed
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(trimmed.len());
        let (num, rest) = trimmed.split_at(end);
        // `3.4 Title`, `3. Title`, and `3.Title` (a dot ends the number).
        let separated = rest.is_empty()
            || rest.starts_with(char::is_whitespace)
            || (num.ends_with('.') && rest.starts_with(char::is_uppercase));
        if num.is_empty() || !separated {
            return (None, text.trim());
        }
        match SectionNumber::parse(num) {
            Some(n) => (Some(n), rest.trim()),
            None => (None, text.trim()),
        }
    }
}

impl PartialEq for SectionNumber {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for SectionNumber {}

impl std::hash::Hash for SectionNumber {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl PartialOrd for SectionNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SectionNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(other.parts())
    }
}

impl fmt::Debug for SectionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SectionNumber({self})")
    }
}

impl fmt::Display for SectionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.parts().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

/// One section of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading level, 1 to 6.
    pub level: u8,
    /// The heading block.
    pub heading: Range<usize>,
    /// The heading's text.
    pub title: Range<usize>,
    /// The number at the start of the heading text, if any.
    pub number: Option<SectionNumber>,
    /// The heading text without its number, for matching: lower case,
    /// white space collapsed, emphasis markers removed.
    pub key: String,
    /// From the heading's start up to the first sub-section (or the end).
    pub own: Range<usize>,
    /// From the heading's start to the end of the last sub-section.
    pub range: Range<usize>,
    /// Sub-sections, in order.
    pub children: Vec<Section>,
}

impl Section {
    /// Whether the heading is nothing but template placeholders (and code
    /// span backticks): an example section such as `#### {Entity Name}`.
    pub fn is_placeholder_example(&self, text: &str) -> bool {
        if self.number.is_some() {
            return false;
        }
        // The whole rest of the heading line: a trailing `{...}` that Markdown
        // reads as an attribute block is a placeholder here.
        let line_end = text[self.title.start..self.heading.end]
            .find('\n')
            .map_or(self.heading.end, |i| self.title.start + i);
        let title = text[self.title.start..line_end].trim_end_matches(['#', ' ', '\t', '\r']);
        let mut rest = String::new();
        let mut found = false;
        let mut last = 0;
        for r in crate::syntax::placeholder::placeholder_ranges(title) {
            rest.push_str(&title[last..r.start]);
            last = r.end;
            found = true;
        }
        rest.push_str(&title[last..]);
        found
            && rest
                .chars()
                .all(|c| c.is_whitespace() || c == '`' || c == '\\')
    }
}

/// Normalizes heading text for matching: lower case, emphasis markers
/// removed, white space collapsed.
pub fn heading_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if matches!(c, '*' | '_') {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The section tree of a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    /// Text before the first heading.
    pub preamble: Range<usize>,
    /// Top-level sections (the lowest-level headings and any heading that
    /// comes before a heading of lower level).
    pub sections: Vec<Section>,
}

impl Outline {
    /// Builds the tree from the top-level headings of `text`.
    pub fn build(text: &str, headings: &[Heading]) -> Outline {
        let preamble_end = headings.first().map_or(text.len(), |h| h.range.start);
        let mut i = 0;
        let sections = build_level(text, headings, &mut i, 0);
        Outline {
            preamble: 0..preamble_end,
            sections,
        }
    }

    #[cfg(test)]
    /// Every section, depth first.
    pub fn walk(&self) -> Vec<&Section> {
        fn go<'a>(s: &'a Section, out: &mut Vec<&'a Section>) {
            out.push(s);
            for c in &s.children {
                go(c, out);
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            go(s, &mut out);
        }
        out
    }

    #[cfg(test)]
    /// The innermost section holding `offset`.
    pub fn section_at(&self, offset: usize) -> Option<&Section> {
        let mut list = &self.sections;
        let mut found = None;
        while let Some(s) = list.iter().find(|s| s.range.contains(&offset)) {
            found = Some(s);
            list = &s.children;
        }
        found
    }

    /// The sections one level below the document title: the children of the
    /// single H1 if the text has one, else the top-level sections.
    pub fn body_sections(&self) -> &[Section] {
        match self.sections.as_slice() {
            [only] if only.level == 1 => &only.children,
            list => {
                if let Some(h1) = list.iter().find(|s| s.level == 1 && !s.children.is_empty()) {
                    &h1.children
                } else {
                    list
                }
            }
        }
    }
}

fn build_level(text: &str, headings: &[Heading], i: &mut usize, parent: u8) -> Vec<Section> {
    let mut out = Vec::new();
    while let Some(h) = headings.get(*i) {
        if h.level <= parent {
            break;
        }
        *i += 1;
        let children = build_level(text, headings, i, h.level);
        let end = headings.get(*i).map_or(text.len(), |n| n.range.start);
        let own_end = children.first().map_or(end, |c| c.heading.start);
        let (number, rest) = SectionNumber::split_heading(&text[h.text.clone()]);
        out.push(Section {
            level: h.level,
            heading: h.range.clone(),
            title: h.text.clone(),
            key: heading_key(rest),
            number,
            own: h.range.start..own_end,
            range: h.range.start..end,
            children,
        });
    }
    out
}

/// A section of a document seen flat, without building the tree: what the
/// model needs of every TDD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatSection {
    /// Heading level.
    pub level: u8,
    /// The heading block.
    pub heading: Range<usize>,
    /// The heading's text.
    pub title: Range<usize>,
    /// The number at the start of the heading text.
    pub number: Option<SectionNumber>,
    /// From the heading's start to the end of its last sub-section.
    pub range: Range<usize>,
}

impl FlatSection {
    fn new(text: &str, headings: &[Heading], i: usize) -> Self {
        let h = &headings[i];
        let end = headings[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map_or(text.len(), |n| n.range.start);
        let (number, _) = SectionNumber::split_heading(&text[h.text.clone()]);
        FlatSection {
            level: h.level,
            heading: h.range.clone(),
            title: h.text.clone(),
            number,
            range: h.range.start..end,
        }
    }

    /// The matching key of the heading (see [`heading_key`]).
    pub fn key_in(&self, text: &str) -> String {
        let (_, rest) = SectionNumber::split_heading(&text[self.title.clone()]);
        heading_key(rest)
    }
}

/// Indices of the direct children of heading `parent` (or of the top level).
fn direct_children(headings: &[Heading], parent: Option<usize>) -> Vec<usize> {
    let start = parent.map_or(0, |p| p + 1);
    let parent_level = parent.map_or(0, |p| headings[p].level);
    let mut min = u8::MAX;
    let mut out = Vec::new();
    for (j, h) in headings.iter().enumerate().skip(start) {
        if h.level <= parent_level {
            break;
        }
        if h.level <= min {
            out.push(j);
            min = h.level;
        }
    }
    out
}

/// The sections one level below the document title, as
/// [`Outline::body_sections`] finds them, without building the tree.
pub fn body_sections_flat(text: &str, headings: &[Heading]) -> Vec<FlatSection> {
    let top = direct_children(headings, None);
    let body = match top.as_slice() {
        [only] if headings[*only].level == 1 => direct_children(headings, Some(*only)),
        list => list
            .iter()
            .find_map(|&i| {
                let c = direct_children(headings, Some(i));
                (headings[i].level == 1 && !c.is_empty()).then_some(c)
            })
            .unwrap_or_else(|| list.to_vec()),
    };
    body.into_iter()
        .map(|i| FlatSection::new(text, headings, i))
        .collect()
}

/// The heading of the innermost section holding `offset`: the last heading
/// before it.
pub fn heading_at(headings: &[Heading], offset: usize) -> Option<&Heading> {
    let i = headings.partition_point(|h| h.range.start <= offset);
    i.checked_sub(1).and_then(|i| headings.get(i))
}

#[cfg(test)]
/// The innermost section holding `offset`: the last heading before it.
pub fn section_at_flat(text: &str, headings: &[Heading], offset: usize) -> Option<FlatSection> {
    let i = headings.partition_point(|h| h.range.start <= offset);
    (i > 0).then(|| FlatSection::new(text, headings, i - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownOptions;

    fn outline(text: &str) -> Outline {
        Outline::build(
            text,
            &crate::syntax::scan::scan(text, &MarkdownOptions::default()).headings,
        )
    }

    #[test]
    fn numbers() {
        fn n(s: &str) -> (Option<SectionNumber>, &str) {
            SectionNumber::split_heading(s)
        }
        assert_eq!(
            n("3. Data Model"),
            (Some(SectionNumber::new(&[3]).unwrap()), "Data Model")
        );
        assert_eq!(
            n("3.4 Data Access"),
            (Some(SectionNumber::new(&[3, 4]).unwrap()), "Data Access")
        );
        assert_eq!(
            n("10.3 Deps"),
            (Some(SectionNumber::new(&[10, 3]).unwrap()), "Deps")
        );
        assert_eq!(
            n("2024 plans").0,
            Some(SectionNumber::new(&[2024]).unwrap())
        );
        assert_eq!(n("3.x Foo"), (None, "3.x Foo"));
        assert_eq!(n("Overview"), (None, "Overview"));
        assert_eq!(n("1..2 Foo"), (None, "1..2 Foo"));
        assert_eq!(n("7"), (Some(SectionNumber::new(&[7]).unwrap()), ""));
        assert!(SectionNumber::new(&[3, 4]).unwrap() < SectionNumber::new(&[3, 5]).unwrap());
        assert!(SectionNumber::new(&[3, 5]).unwrap() < SectionNumber::new(&[4]).unwrap());
        assert!(SectionNumber::new(&[3]).unwrap() < SectionNumber::new(&[3, 1]).unwrap());
    }

    #[test]
    fn tree_by_level() {
        let text = "intro\n# T\nh\n## 1. A\na\n### 1.1 B\nb\n#### x\n## 2. C\n### 2.1 D\n#### e\n### 2.2 F\n";
        let o = outline(text);
        assert_eq!(&text[o.preamble.clone()], "intro\n");
        assert_eq!(o.sections.len(), 1);
        let t = &o.sections[0];
        assert_eq!(&text[t.own.clone()], "# T\nh\n");
        let names: Vec<_> = t.children.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(&text[t.children[0].own.clone()], "## 1. A\na\n");
        assert_eq!(t.children[1].children.len(), 2);
        assert_eq!(o.body_sections().len(), 2);
        assert_eq!(o.walk().len(), 8);
        let at = text.find("#### e").unwrap();
        assert_eq!(o.section_at(at).unwrap().key, "e");
    }

    #[test]
    fn flat_view_agrees_with_the_tree() {
        for text in [
            "intro\n# T\nh\n## 1. A\na\n### 1.1 B\nb\n#### x\n## 2. C\n### 2.1 D\n#### e\n### 2.2 F\n",
            "## A\n#### B\n### C\n## D\n",
            "# T\n### x\n## y\n# U\n## z\n",
            "no headings",
        ] {
            let scan = crate::syntax::scan::scan(text, &MarkdownOptions::default());
            let o = Outline::build(text, &scan.headings);
            let flat = body_sections_flat(text, &scan.headings);
            let tree: Vec<_> = o
                .body_sections()
                .iter()
                .map(|s| (s.heading.clone(), s.range.clone()))
                .collect();
            let flat: Vec<_> = flat
                .iter()
                .map(|s| (s.heading.clone(), s.range.clone()))
                .collect();
            assert_eq!(tree, flat, "{text}");
            for at in 0..text.len() {
                let a = o.section_at(at).map(|s| s.heading.clone());
                let b = section_at_flat(text, &scan.headings, at).map(|s| s.heading);
                assert_eq!(a, b, "{text} at {at}");
            }
        }
    }

    #[test]
    fn skipped_levels() {
        let o = outline("## A\n#### B\n### C\n## D\n");
        assert_eq!(o.sections.len(), 2);
        assert_eq!(o.sections[0].children.len(), 2);
    }

    #[test]
    fn placeholder_examples() {
        let text = "#### {Entity Name}\n#### `{METHOD} {path}`\n### 5.1 {Flow}\n#### User\n";
        let o = outline(text);
        let ex: Vec<bool> = o
            .walk()
            .iter()
            .map(|s| s.is_placeholder_example(text))
            .collect();
        assert_eq!(ex, [true, true, false, false]);
    }

    #[test]
    fn keys() {
        assert_eq!(
            heading_key("  **Open  Questions** & Risks "),
            "open questions & risks"
        );
    }
}
