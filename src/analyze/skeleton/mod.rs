//! `{{#tdd-skeleton}}`: fills the template from the directive's arguments and
//! merges it with the sections the author has already written.
//!
//! The merged tree follows the template's order, level by level. A section the
//! author wrote replaces the template's heading and own text; template
//! sections the author has not written keep their guidance (except example
//! sections whose heading is only placeholders, once their parent is written);
//! author sections the template lacks stay after the section that preceded
//! them (numbered ones after the template sections with lower numbers). Every
//! byte the author wrote (other than blank lines between sections) appears
//! exactly once in the result.

pub mod fill;
pub mod merge;

use crate::config::MarkdownOptions;
use crate::syntax::header::Header;
use crate::syntax::lines::{lf_view, line_ending};
use crate::syntax::outline::{Outline, Section};
use crate::syntax::scan;
pub use fill::{Filling, PreparedTemplate, fill_template};
use merge::{Builder, Merger, ends_with_rule};
use std::ops::Range;

/// Where a piece of the expanded chapter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The author's text, starting at this byte of the original chapter.
    Author(usize),
    /// The template.
    Template,
}

/// A contiguous piece of the expanded chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in the expanded text.
    pub out: Range<usize>,
    /// Its origin.
    pub origin: Origin,
}

/// The expanded chapter, with a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The new chapter text.
    pub text: String,
    /// Where each piece came from, in order.
    pub pieces: Vec<Piece>,
    /// Byte offset of the directive in the original chapter.
    pub directive_start: usize,
    /// Whether the author's own header replaced the template's (so the
    /// header arguments of the directive were not used).
    pub header_replaced: bool,
    /// Author sections whose number another author section already has.
    pub duplicates: Vec<DuplicateSection>,
    /// Template guidance: the text under the headings of template sections
    /// the author has not written (whole lines, in order, headings left
    /// out). The HTML output wraps each in `<div class="tdd-guidance">`.
    pub guidance: Vec<Range<usize>>,
}

/// An author section whose number another author section already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateSection {
    /// Where its heading is in the original chapter.
    pub at: usize,
    /// Its heading text.
    pub title: String,
}

impl Expansion {
    /// Whether an offset of the expanded text holds the template's text
    /// (or a line the merge added), not the author's.
    pub fn is_template_text(&self, offset: usize) -> bool {
        let i = self.pieces.partition_point(|p| p.out.end <= offset);
        !matches!(
            self.pieces.get(i),
            Some(Piece {
                out,
                origin: Origin::Author(_),
            }) if out.start <= offset
        )
    }

    /// Whether the author wrote nothing but the directive: every piece of
    /// theirs is white space.
    pub fn untouched(&self) -> bool {
        self.pieces.iter().all(|p| match p.origin {
            Origin::Author(_) => self
                .text
                .get(p.out.clone())
                .is_none_or(|t| t.trim().is_empty()),
            _ => true,
        })
    }

    /// Maps an offset of the expanded text back to the original chapter:
    /// author text maps to where it was written, template text to the
    /// directive.
    pub fn original_offset(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.out.end <= offset);
        match self.pieces.get(i) {
            Some(Piece {
                out,
                origin: Origin::Author(start),
            }) if out.start <= offset => start + (offset - out.start),
            _ => self.directive_start,
        }
    }
}

/// Expands the skeleton directive at `directive` in `chapter`, merging the
/// template, filled as `filling` says, with the rest of the chapter.
pub fn expand(
    chapter: &str,
    directive: Range<usize>,
    tpl: &PreparedTemplate,
    filling: &Filling,
    options: &MarkdownOptions,
) -> Expansion {
    let eol = line_ending(chapter);
    let Some(view) = lf_view(chapter) else {
        return expand_lines(chapter, directive, tpl, filling, options, eol);
    };
    // Lines that end with a carriage return alone: merge the view in which
    // they end with `\n`, then put the author's bytes back and end the
    // template's lines as the chapter does. Both keep every offset.
    let view_eol = if eol == "\r" { "\n" } else { eol };
    let mut e = expand_lines(&view, directive, tpl, filling, options, view_eol);
    let mut bytes = std::mem::take(&mut e.text).into_bytes();
    let mut from = 0;
    let generated = |bytes: &mut [u8], r: Range<usize>| {
        if eol == "\r" {
            for b in &mut bytes[r] {
                if *b == b'\n' {
                    *b = b'\r';
                }
            }
        }
    };
    for p in &e.pieces {
        generated(&mut bytes, from..p.out.start);
        match p.origin {
            Origin::Author(start) => {
                if let Some(original) = chapter.as_bytes().get(start..start + p.out.len()) {
                    bytes[p.out.clone()].copy_from_slice(original);
                }
            }
            Origin::Template => generated(&mut bytes, p.out.clone()),
        }
        from = p.out.end;
    }
    let end = bytes.len();
    generated(&mut bytes, from..end);
    // Only line ends were exchanged, one ASCII byte for another.
    e.text = String::from_utf8(bytes).unwrap_or_default();
    e
}

/// Expands the skeleton of a chapter whose lines all end with `\n` (or
/// `\r\n`); `eol` ends the lines it adds.
fn expand_lines(
    chapter: &str,
    directive: Range<usize>,
    tpl: &PreparedTemplate,
    filling: &Filling,
    options: &MarkdownOptions,
    eol: &'static str,
) -> Expansion {
    // The directive's lines are replaced whole.
    let line_start = chapter[..directive.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = chapter[directive.end..]
        .find('\n')
        .map_or(chapter.len(), |i| directive.end + i + 1);
    let bom = if chapter.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let head_start = if line_start == 0 {
        bom.len()
    } else {
        line_start
    };
    let before = &chapter[bom.len().min(head_start)..head_start.max(bom.len())];
    let after = &chapter[line_end..];
    let mut author = String::with_capacity(before.len() + after.len());
    author.push_str(before);
    author.push_str(after);
    let before_start = bom.len().min(head_start);
    let split = before.len();
    let removed = line_end - before_start - split;
    let to_original = move |x: usize| {
        if x < split {
            before_start + x
        } else {
            before_start + x + removed
        }
    };

    let tpl_outline = &tpl.outline;
    // The author's text starts where the chapter's did only if nothing came
    // before the directive; a byte-order mark inside it is text.
    let author_scan = scan::scan_fragment(&author, options);
    let author_outline = Outline::build(&author, &author_scan.headings);
    let author_header = Header::parse(&author, &author_scan);

    // Does the template separate its top-level sections with thematic
    // breaks? Then the breaks are placed between sections, wherever the
    // author's sections go.
    let rules = tpl_outline
        .body_sections()
        .iter()
        .any(|s| ends_with_rule(&tpl.text[s.range.clone()]));
    let mut m = Merger {
        tpl,
        filling,
        options,
        rules,
        duplicates: Vec::new(),
        author: &author,
        to_original: &to_original,
        b: Builder {
            out: String::with_capacity(tpl.text.len() + author.len() + 64),
            pieces: Vec::new(),
            eol,
            guidance: Vec::new(),
        },
    };
    m.b.out.push_str(bom);
    m.template_chunk(tpl_outline.preamble.clone());

    let mut header_replaced = false;
    let title_idx = tpl_outline.sections.iter().position(|s| s.level == 1);
    match title_idx {
        Some(ti) => {
            for s in &tpl_outline.sections[..ti] {
                m.template_chunk(s.range.clone());
            }
            let t_title = &tpl_outline.sections[ti];
            let mut a_title: Option<&Section> = None;
            let mut a_list: Vec<&Section> = Vec::new();
            for s in &author_outline.sections {
                if s.level == 1 && a_title.is_none() {
                    a_title = Some(s);
                    a_list.extend(s.children.iter());
                } else {
                    a_list.push(s);
                }
            }
            // Title and header.
            let t_body = t_title.heading.end..t_title.own.end;
            match a_title {
                Some(at) => {
                    m.author_chunk(at.heading.clone());
                    let a_body = at.heading.end..at.own.end;
                    let author_has_header = !author_header.fields.is_empty();
                    if author_has_header {
                        header_replaced = true;
                        m.author_raw(a_body);
                        m.author_chunk(author_outline.preamble.clone());
                    } else {
                        m.template_header(t_body);
                        m.author_chunk(author_outline.preamble.clone());
                        m.author_chunk(a_body);
                    }
                }
                None => {
                    m.template_chunk(t_title.heading.clone());
                    m.template_header(t_body);
                    m.author_chunk(author_outline.preamble.clone());
                }
            }
            m.merge_children(&t_title.children, &a_list, a_title.is_some(), true);
            for s in &tpl_outline.sections[ti + 1..] {
                m.template_chunk(s.range.clone());
            }
        }
        None => {
            m.author_chunk(author_outline.preamble.clone());
            let a_list: Vec<&Section> = author_outline.sections.iter().collect();
            m.merge_children(&tpl_outline.sections, &a_list, false, true);
        }
    }
    if !m.b.out.ends_with('\n') {
        m.b.out.push_str(eol);
    }
    Expansion {
        text: m.b.out,
        pieces: m.b.pieces,
        directive_start: directive.start,
        header_replaced,
        duplicates: m.duplicates,
        guidance: m.b.guidance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::directive;

    fn opts() -> MarkdownOptions {
        MarkdownOptions::default()
    }

    /// A template whose empty heading ends with a carriage return alone
    /// is prepared without slicing into the next line.
    #[test]
    fn empty_template_heading_at_lone_cr() {
        let tpl = PreparedTemplate::new("# T\n\n##\r  ## {x}\r", &opts());
        assert!(tpl.text.contains("{x}"));
    }

    fn run(chapter: &str, tpl: &str) -> String {
        let start = chapter.find("{{#tdd-skeleton").unwrap();
        let raw = directive::parse_at(chapter, start, false).unwrap();
        let tpl = PreparedTemplate::new(tpl, &opts());
        let (filling, problems) = Filling::new(&tpl, &raw.args);
        assert!(problems.is_empty(), "{problems:?}");
        expand(chapter, raw.span, &tpl, &filling, &opts()).text
    }

    const TPL: &str = "# {Product Name} — TDD\n\n**Author:** {author}\n**Status:** Draft\n**Source PRD:** [{prd filename}]({relative path to prd})\n\n---\n\n## 1. Overview\n\n### 1.1 Summary\n{summary}\n\n### 1.2 Goals\n{goals}\n\n## 2. Data\n\n### 2.1 Entities\n\n#### {Entity Name}\n{fields}\n\n### 2.2 Access\n{access}\n\n## Appendix\n{more}\n";

    #[test]
    fn nothing_written() {
        let out = run(
            "{{#tdd-skeleton title=Pay author=\"Jo Doe\" status=approved prd=../prd/pay.md}}\n",
            TPL,
        );
        // Each header field on a line of its own (a hard break), the last
        // without one.
        assert!(out.starts_with("# Pay — TDD\n\n**Author:** Jo Doe\\\n**Status:** approved\\\n**Source PRD:** [pay.md](../prd/pay.md)\n\n---"), "{out}");
        assert!(out.contains("#### {Entity Name} ####"), "{out}");
        assert!(out.ends_with("## Appendix\n{more}\n"), "{out}");
    }

    #[test]
    fn sections_merged_in_template_order() {
        let ch = "{{#tdd-skeleton title=Pay}}\n\nIntro text.\n\n## 2. Data\n\n### 2.1 Entities\n\n#### User\nid\n\n### 2.5 Caching\ncache\n\n## 1. Overview\n\n### 1.2 Goals\nmy goals\n";
        let out = run(ch, TPL);
        let order: Vec<usize> = [
            "# Pay",
            "**Author:**",
            "Intro text.",
            "## 1. Overview",
            "### 1.1 Summary",
            "### 1.2 Goals\nmy goals",
            "## 2. Data",
            "### 2.1 Entities",
            "#### User",
            "### 2.2 Access",
            "### 2.5 Caching",
            "## Appendix",
        ]
        .iter()
        .map(|s| {
            out.find(s)
                .unwrap_or_else(|| panic!("{s} missing in\n{out}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{out}");
        assert!(!out.contains("{Entity Name}"), "{out}");
        assert!(!out.contains("{goals}"), "{out}");
        assert!(out.contains("{summary}"));
    }

    #[test]
    fn unnumbered_extra_follows_predecessor() {
        let ch = "{{#tdd-skeleton}}\n## 1. Overview\nmine\n## Risks we see\nrisky\n";
        let out = run(ch, TPL);
        let a = out.find("## 1. Overview\nmine").unwrap();
        let r = out.find("## Risks we see").unwrap();
        let d = out.find("## 2. Data").unwrap();
        assert!(a < r && r < d, "{out}");
    }

    #[test]
    fn extra_without_predecessor_goes_last() {
        let ch = "{{#tdd-skeleton}}\n## Notes\nn\n";
        let out = run(ch, TPL);
        assert!(out.ends_with("{more}\n\n## Notes\nn\n"), "{out}");
    }

    #[test]
    fn template_heading_without_number_matches_by_text() {
        let ch = "{{#tdd-skeleton}}\n## appendix\nmine\n";
        let out = run(ch, TPL);
        assert!(out.ends_with("## appendix\nmine\n"), "{out}");
        assert!(!out.contains("{more}"));
    }

    #[test]
    fn author_title_and_header_win() {
        let ch = "{{#tdd-skeleton author=X}}\n# My Design\n\n**Author:** Me\n**Status:** Approved\n\n## 1. Overview\nx\n";
        let out = run(ch, TPL);
        assert!(
            out.starts_with(
                "# My Design\n\n**Author:** Me\n**Status:** Approved\n\n## 1. Overview\nx\n"
            ),
            "{out}"
        );
        assert!(!out.contains("{Product Name}"));
    }

    #[test]
    fn header_lines_break_and_read_the_same() {
        let tpl = "# {title}\n\n**Author:** {author}\n**Date:** {date}\nA note\n\n- **Owner:** x\n- **Team:** y\n\n---\n\n**Not:** header\n**Either:** one\n\n## 1. A\n{a}\n";
        let out = run(
            "{{#tdd-skeleton title=T author=\"Jo\\\\\" date=\"2026-01-02\\\\\\\\\"}}\n",
            tpl,
        );
        // A value ending in a backslash that is a hard break already gets
        // none more; one ending in an escaped backslash gets its break.
        assert!(
            out.starts_with("# T\n\n**Author:** Jo\\\n**Date:** 2026-01-02\\\\\\\nA note\n\n- **Owner:** x\n- **Team:** y\n\n---\n\n**Not:** header\n**Either:** one\n"),
            "{out}"
        );
        let scan = scan::scan(&out, &opts());
        let fields: Vec<(String, String)> = Header::parse(&out, &scan)
            .fields
            .into_iter()
            .map(|f| (f.name, f.value))
            .collect();
        let want = [
            ("Author", "Jo"),
            ("Date", "2026-01-02\\\\"),
            ("Owner", "x"),
            ("Team", "y"),
        ];
        assert_eq!(
            fields,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
        // The author's own header is theirs: no byte of it changes.
        let ch = "{{#tdd-skeleton}}\n# Mine\n\n**Author:** Me\n**Date:** today\n\n## 1. A\nx\n";
        assert!(run(ch, tpl).starts_with("# Mine\n\n**Author:** Me\n**Date:** today\n\n"));
    }

    #[test]
    fn crlf_and_bom_kept() {
        let ch = "\u{feff}{{#tdd-skeleton title=T}}\r\n\r\n## 1. Overview\r\nmine\r\n";
        let out = run(ch, TPL);
        assert!(out.starts_with("\u{feff}# T — TDD\r\n"), "{out:?}");
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert!(out.contains("## 1. Overview\r\nmine\r\n"));
    }

    #[test]
    fn unknown_argument() {
        let raw = directive::parse_at("{{#tdd-skeleton summary=x owner=y}}", 0, false).unwrap();
        let (filled, problems) = fill_template(TPL, &raw.args, &opts());
        assert!(filled.contains("\n### 1.1 Summary\nx\n"));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`owner`"));
        assert!(problems[0].help.as_deref().unwrap().contains("summary"));
    }

    #[test]
    fn origin_map() {
        let ch = "{{#tdd-skeleton}}\n## 1. Overview\nmine\n";
        let start = 0;
        let raw = directive::parse_at(ch, start, false).unwrap();
        let tpl = PreparedTemplate::new(TPL, &opts());
        let (filling, _) = Filling::new(&tpl, &raw.args);
        let e = expand(ch, raw.span, &tpl, &filling, &opts());
        let at = e.text.find("mine").unwrap();
        assert_eq!(e.original_offset(at), ch.find("mine").unwrap());
        assert_eq!(e.original_offset(0), 0);
    }
}
