//! The header of a document: the lines after its first H1, up to the first
//! thematic break or heading, holding fields such as `**Status:** Draft`.
//!
//! A field is a line `**Name:** value` or `**Name**: value`, optionally as a
//! list item. Names match case-insensitively.

use crate::syntax::scan::{ChapterScan, in_ranges};
use std::ops::Range;

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name as written (`Source PRD`).
    pub name: String,
    /// The value as written, trimmed, without a trailing hard break.
    pub value: String,
    /// Byte range of the value in the text (empty at the end of the name
    /// marker when the value is empty).
    pub value_range: Range<usize>,
    /// Byte offset of the line.
    pub line_start: usize,
}

/// The header of a document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Byte range of the header (empty when the document has no H1).
    pub range: Range<usize>,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

impl Header {
    /// Finds the header of a scanned text.
    pub fn parse(text: &str, scan: &ChapterScan) -> Header {
        let Some(h1) = scan.headings.iter().find(|h| h.level == 1) else {
            return Header::default();
        };
        let start = h1.range.end;
        let next_heading = scan
            .headings
            .iter()
            .map(|h| h.range.start)
            .find(|&s| s >= start);
        let next_rule = scan.rules.iter().copied().find(|&s| s >= start);
        let end = [next_heading, next_rule]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(text.len());
        let mut fields = Vec::new();
        let mut line_start = start;
        for line in text[start..end].split_inclusive('\n') {
            if !in_ranges(&scan.code_blocks, line_start)
                && !in_ranges(&scan.html, line_start)
                && let Some(f) = parse_field_line(line, line_start)
            {
                fields.push(f);
            }
            line_start += line.len();
        }
        Header {
            range: start..end,
            fields,
        }
    }

    /// The first field of that name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// Parses one line as a field; `offset` is the line's position in the text.
pub fn parse_field_line(line: &str, offset: usize) -> Option<Field> {
    let body = line.trim_end_matches(['\n', '\r']);
    let indent = body.len() - body.trim_start().len();
    let mut rest = &body[indent..];
    let mut pos = offset + indent;
    for marker in ["- ", "* ", "+ "] {
        if let Some(r) = rest.strip_prefix(marker) {
            let trimmed = r.trim_start();
            pos += marker.len() + (r.len() - trimmed.len());
            rest = trimmed;
            break;
        }
    }
    let delim = if rest.starts_with("**") {
        "**"
    } else if rest.starts_with("__") {
        "__"
    } else {
        return None;
    };
    let inner = &rest[2..];
    // `**Name:** value` or `**Name**: value`
    let (name, after) = if let Some(close) = inner.find(delim) {
        let name_part = &inner[..close];
        let after = &inner[close + 2..];
        if let Some(n) = name_part.strip_suffix(':') {
            (n, after)
        } else if let Some(a) = after.strip_prefix(':') {
            (name_part, a)
        } else {
            return None;
        }
    } else {
        return None;
    };
    let name = name.trim();
    if name.is_empty() || name.contains(['*', '`', '[', ']']) {
        return None;
    }
    let value_start_in_rest = rest.len() - after.len();
    let lead = after.len() - after.trim_start().len();
    let mut value = after.trim();
    // A hard break at the end of the line is not part of the value. A
    // backslash is one only if it is not itself escaped (`a\\` ends with a
    // backslash shown as text).
    for suffix in ["<br>", "<br/>", "<br />"] {
        if let Some(v) = value.strip_suffix(suffix) {
            value = v.trim_end();
        }
    }
    let backslashes = value.len() - value.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        value = value[..value.len() - 1].trim_end();
    }
    let vstart = pos + value_start_in_rest + lead;
    Some(Field {
        name: name.to_string(),
        value: value.to_string(),
        value_range: vstart..vstart + value.len(),
        line_start: offset,
    })
}

/// Where a hard line break keeps each header field of `text` on a line of
/// its own: the ends of lines that Markdown would join into one paragraph
/// line (a soft line break) where either of the two lines is a field, up
/// to the end of the header (the first thematic break or heading). A
/// backslash inserted at each returned offset (the line's `\n`, or the `\r`
/// of its `\r\n`) makes the break; the fields read the same with it.
///
/// `text` is what follows the document's H1: a filled template's header.
/// Only paragraphs outside any container count; fields written as list
/// items are lines of their own already.
pub fn joined_field_lines(text: &str, options: &crate::config::MarkdownOptions) -> Vec<usize> {
    use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut top_paragraph = false;
    let is_field = |line: &str| parse_field_line(line, 0).is_some();
    for (event, range) in crate::syntax::scan::parser(text, options).into_offset_iter() {
        match event {
            Event::Rule => break,
            Event::Start(Tag::Heading { .. }) if depth == 0 => break,
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) {
                    top_paragraph = true;
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && matches!(end, TagEnd::Paragraph) {
                    top_paragraph = false;
                }
            }
            Event::SoftBreak if top_paragraph => {
                let Some(newline) = text
                    .get(range.start..)
                    .and_then(|rest| rest.find('\n'))
                    .map(|i| range.start + i)
                else {
                    continue;
                };
                let at = if newline > 0 && text.as_bytes()[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                };
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let next_end = text[newline + 1..]
                    .find('\n')
                    .map_or(text.len(), |i| newline + 1 + i);
                if is_field(&text[line_start..at]) || is_field(&text[newline + 1..next_end]) {
                    out.push(at);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownOptions;

    fn header(text: &str) -> Header {
        Header::parse(
            text,
            &crate::syntax::scan::scan(text, &MarkdownOptions::default()),
        )
    }

    #[test]
    fn template_header() {
        let text = "# X — TDD\n\n**Author:** {author}\n**Date:** 2026-01-02\n**Status:** Draft\n**Source PRD:** [a](../a.md)\n\n---\n\n## 1. Overview\n**Status:** nope\n";
        let h = header(text);
        let names: Vec<_> = h.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Author", "Date", "Status", "Source PRD"]);
        let prd = h.get("source prd").unwrap();
        assert_eq!(prd.value, "[a](../a.md)");
        assert_eq!(&text[prd.value_range.clone()], "[a](../a.md)");
    }

    #[test]
    fn field_forms() {
        let f = parse_field_line("- **Status**: In Review  \n", 10).unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str()), ("Status", "In Review"));
        assert_eq!(f.value_range, 10 + 14..10 + 23);
        let f = parse_field_line("__Owner:__ Jo\\\r\n", 0).unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str()), ("Owner", "Jo"));
        // An escaped backslash is text, not a hard break.
        let f = parse_field_line("**Path:** C:\\\\\n", 0).unwrap();
        assert_eq!(f.value, "C:\\\\");
        let f = parse_field_line("**Path:** C:\\\\\\\n", 0).unwrap();
        assert_eq!(f.value, "C:\\\\");
        let f = parse_field_line("**Version:**", 0).unwrap();
        assert_eq!(f.value, "");
        assert!(parse_field_line("**bold** text", 0).is_none());
        assert!(parse_field_line("plain: text", 0).is_none());
    }

    #[test]
    fn header_ends_at_heading_and_skips_code() {
        let text = "# T\n```\n**Status:** x\n```\n**Status:** Draft\n### Sub\n**Author:** no\n";
        let h = header(text);
        assert_eq!(h.fields.len(), 1);
        assert_eq!(h.fields[0].value, "Draft");
    }

    #[test]
    fn joined_lines_of_fields() {
        let o = MarkdownOptions::default();
        let text = "\n**A:** 1\n**B:** 2  \n**C:** 3\r\ntext\n\nalone\nlines\n\n> **D:** 4\n> **E:** 5\n\n---\n**F:** 6\n**G:** 7\n";
        let at: Vec<&str> = joined_field_lines(text, &o)
            .into_iter()
            .map(|i| &text[i - 1..i + 1])
            .collect();
        // After A (soft), not after B (two spaces: a hard break), after C
        // (before its `\r\n`); nothing in paragraphs without fields, in
        // block quotes, or after the thematic break.
        assert_eq!(at, ["1\n", "3\r"]);
    }

    #[test]
    fn no_h1_no_header() {
        assert!(header("**Status:** Draft\n").fields.is_empty());
    }
}
