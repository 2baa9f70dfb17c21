//! `{placeholder}` text of templates: where placeholders are, their names,
//! filling them, and keeping a placeholder that ends a heading visible.

use crate::hash::HashSet;
use std::ops::Range;

/// Byte ranges of every `{placeholder}` in `text`, braces included.
///
/// A placeholder is `{` + text without braces or line breaks + `}`, not part
/// of `{{ }}` or `${ }`, not a heading attribute block (`{#id}`, `{.class}`)
/// and not empty. A backslash before the brace (`\{name}`, which keeps a
/// placeholder at the end of a heading visible) does not change that.
pub fn placeholder_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = memchr::memchr(b'{', &bytes[from..]).map(|i| i + from) {
            from = i + 1;
            if i > 0 && matches!(bytes[i - 1], b'{' | b'$') {
                continue;
            }
            let len = memchr::memchr3(b'{', b'}', b'\n', &bytes[i + 1..])?;
            let close = i + 1 + len;
            if bytes[close] != b'}' || bytes.get(close + 1) == Some(&b'}') {
                continue;
            }
            let inner = &text[i + 1..close];
            if inner.trim().is_empty() || inner.starts_with(['#', '.', '%']) {
                continue;
            }
            from = close + 1;
            return Some(i..close + 1);
        }
        None
    })
}

/// Where a placeholder ends a heading, such as `#### {Entity Name}`: with
/// heading attributes enabled (as in mdBook), Markdown reads a trailing
/// `{...}` as an attribute block and shows an empty heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingEnd {
    /// The offset right after the placeholder.
    pub at: usize,
    /// What keeps the placeholder visible, inserted at `at`: a closing
    /// sequence for an ATX heading (`#### {Entity Name} ####`), an empty HTML
    /// comment for a setext heading.
    pub insert: String,
    /// The placeholder's name.
    pub name: String,
}

/// The placeholders that end a heading of `text`. Headings ending with a
/// real attribute block (`{#id}`, `{.class}`) are left alone.
pub fn heading_ends(text: &str, options: &crate::config::MarkdownOptions) -> Vec<HeadingEnd> {
    let scan = crate::syntax::scan::scan(text, options);
    let mut out = Vec::new();
    for h in &scan.headings {
        let Some(block) = text.get(h.range.clone()) else {
            continue;
        };
        let atx = block.trim_start().starts_with('#');
        // The line that holds the end of the heading's text: the only line of
        // an ATX heading, the last text line of a setext one.
        let (line_start, line_end) = if atx {
            (0, block.find(['\n', '\r']).unwrap_or(block.len()))
        } else {
            let underline = block
                .trim_end_matches(['\n', '\r'])
                .rfind(['\n', '\r'])
                .unwrap_or(0);
            let start = block[..underline].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            (start, underline)
        };
        let content = block[line_start..line_end].trim_end_matches([' ', '\t']);
        if let Some(name) = ending_placeholder(content) {
            out.push(HeadingEnd {
                at: h.range.start + line_start + content.len(),
                insert: if atx {
                    format!(" {}", "#".repeat(usize::from(h.level.clamp(1, 6))))
                } else {
                    " <!-- -->".to_string()
                },
                name,
            });
        }
    }
    out
}

#[cfg(test)]
/// `text` with every placeholder that ends a heading kept visible (see
/// [`heading_ends`]).
pub fn escape_heading_placeholders(text: &str, options: &crate::config::MarkdownOptions) -> String {
    let ends = heading_ends(text, options);
    let mut out = String::with_capacity(text.len() + 8 * ends.len());
    let mut last = 0;
    for e in ends {
        out.push_str(&text[last..e.at]);
        out.push_str(&e.insert);
        last = e.at;
    }
    out.push_str(&text[last..]);
    out
}

/// The name of the placeholder that ends a heading line, if Markdown would
/// read it as an attribute block: a trailing `{...}` without braces, `<`,
/// `>`, backslashes or line breaks inside.
fn ending_placeholder(line: &str) -> Option<String> {
    let body = line.strip_suffix('}')?;
    let open = body.rfind(['{', '}', '<', '>', '\\', '\n', '\r'])?;
    if !body[open..].starts_with('{') {
        return None;
    }
    let attr = &line[open..];
    (placeholder_ranges(attr).next() == Some(0..attr.len()))
        .then(|| placeholder_name(attr, &(0..attr.len())))
}

/// Whether a text ends with a placeholder-like `{...}` that Markdown would
/// read as an attribute block at the end of a heading.
pub fn ends_with_placeholder(text: &str) -> bool {
    ending_placeholder(text.trim_end()).is_some()
}

/// The name inside a placeholder range (`author` for `{author}`).
pub fn placeholder_name(text: &str, range: &Range<usize>) -> String {
    text[range.start + 1..range.end - 1].trim().to_string()
}

/// Replaces every `{name}` placeholder for which `value` returns a value
/// (given the trimmed name, as [`placeholder_name`] reads it): no allocation
/// per placeholder, since a template holds many that no value fills.
pub fn fill_values<'v>(text: &str, mut value: impl FnMut(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in placeholder_ranges(text) {
        let name = text[r.start + 1..r.end - 1].trim();
        if let Some(v) = value(name) {
            let before = &text[last..r.start];
            out.push_str(before.strip_suffix('\\').unwrap_or(before));
            out.push_str(v);
            last = r.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// The distinct placeholder names of a text, in order of appearance.
pub fn placeholder_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = HashSet::default();
    for r in placeholder_ranges(text) {
        let n = placeholder_name(text, &r);
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        placeholder_ranges(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_placeholders() {
        assert_eq!(
            found("{a} {{#tdd-x}} {b c} \\{d} {#id} {} ${e} {f\n} {g}"),
            vec!["{a}", "{b c}", "{d}", "{g}"]
        );
        assert_eq!(
            found("{e.g., \"x\"} {[TBD] or y}"),
            vec!["{e.g., \"x\"}", "{[TBD] or y}"]
        );
        assert_eq!(found("{{x}} {y}}"), Vec::<&str>::new());
        assert_eq!(found("{ {z}"), vec!["{z}"]);
    }

    #[test]
    fn heading_placeholders_stay_visible() {
        let o = crate::config::MarkdownOptions::default();
        assert_eq!(
            escape_heading_placeholders(
                "#### {Entity Name}\n## {#id}\n## A {b}  \n## C\n{d}\n### `{M} {p}`\n",
                &o
            ),
            "#### {Entity Name} ####\n## {#id}\n## A {b} ##  \n## C\n{d}\n### `{M} {p}`\n"
        );
        let done = "#### {Entity Name} ####\n";
        assert_eq!(escape_heading_placeholders(done, &o), done);
        // The escape of earlier versions did not stop Markdown from reading
        // an attribute block.
        assert_eq!(
            escape_heading_placeholders("#### \\{Entity Name}\n", &o),
            "#### \\{Entity Name} ####\n"
        );
        assert_eq!(
            escape_heading_placeholders("Text\n{Title}\n===\n", &o),
            "Text\n{Title} <!-- -->\n===\n"
        );
    }

    #[test]
    fn fills_known_names() {
        let t = fill_values(
            "# {Product Name}\n**Author:** { author } {x}",
            |n| match n {
                "Product Name" => Some("Pay"),
                "author" => Some("Jo"),
                _ => None,
            },
        );
        assert_eq!(t, "# Pay\n**Author:** Jo {x}");
        // The backslash that kept a placeholder visible at a heading's end goes.
        assert_eq!(fill_values("## A \\{x}\n", |_| Some("B")), "## A B\n");
    }
}
