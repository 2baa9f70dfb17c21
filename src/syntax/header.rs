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
    // A hard break at the end of the line is not part of the value.
    for suffix in ["<br>", "<br/>", "<br />", "\\"] {
        if let Some(v) = value.strip_suffix(suffix) {
            value = v.trim_end();
        }
    }
    let vstart = pos + value_start_in_rest + lead;
    Some(Field {
        name: name.to_string(),
        value: value.to_string(),
        value_range: vstart..vstart + value.len(),
        line_start: offset,
    })
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
    fn no_h1_no_header() {
        assert!(header("**Status:** Draft\n").fields.is_empty());
    }
}
