//! Line endings. Markdown ends a line with `\n`, `\r\n` or a carriage
//! return alone; code that works line by line reads a view in which every
//! line ends with `\n`, and lines the preprocessor adds end like the
//! chapter's.

/// The line ending a text uses for lines the preprocessor adds: `\r\n` if
/// it has any, else `\r` if it has a carriage return on its own (as old Mac
/// editors write), else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let mut lone_cr = false;
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1) == Some(&b'\n') {
            return "\r\n";
        }
        lone_cr = true;
    }
    if lone_cr { "\r" } else { "\n" }
}

/// The line ending for added lines around an HTML block (the backlinks
/// marker) in a chapter whose lines end with `eol`: pulldown-cmark, which
/// mdBook renders with, does not end an HTML block at a carriage return
/// alone, so such lines end with `\n` there.
pub fn html_block_line_ending(eol: &'static str) -> &'static str {
    if eol == "\r" { "\n" } else { eol }
}

/// Where the first carriage return that no line feed follows is.
pub fn first_lone_cr(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).find(|&i| bytes.get(i + 1) != Some(&b'\n'))
}

/// The text with every line ending (`\r\n`, `\r`) written as `\n`.
pub fn lf_only(text: &str) -> String {
    let lf = text.replace("\r\n", "\n");
    lf_view(&lf).unwrap_or(lf)
}

/// The text with every carriage return that is not followed by a line feed
/// turned into a line feed, if it has any: a view of the same length, with
/// the same offsets, in which every line ends with `\n`. Markdown accepts
/// `\r`, `\n` and `\r\n` alike; code that works line by line reads the view.
pub fn lf_view(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let lone = |i: &usize| bytes.get(i + 1) != Some(&b'\n');
    memchr::memchr_iter(b'\r', bytes).find(lone)?;
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes).filter(lone) {
        out[i] = b'\n';
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    String::from_utf8(out).ok()
}

/// The prefix that continuation lines of a block need to stay in the
/// container of the directive's first line (`> ` for a block quote, spaces
/// for a list item).
///
/// A block quote marker takes one space after it as its own: where the
/// first line has none (`>- item`), the continuation writes one more, so
/// that the list item's content still starts in the same column.
pub fn continuation_prefix(first_line_prefix: &str) -> String {
    let mut out = String::with_capacity(first_line_prefix.len() + 2);
    let mut chars = first_line_prefix.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '>' || c == '\t' {
            out.push(c);
            if c == '>' && chars.peek().is_some_and(|n| !matches!(n, ' ' | '\t' | '>')) {
                out.push(' ');
            }
        } else {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings() {
        assert_eq!(line_ending("a\nb"), "\n");
        assert_eq!(line_ending("a\r\nb\rc"), "\r\n");
        assert_eq!(line_ending("a\rb\r"), "\r");
        assert_eq!(line_ending(""), "\n");
        assert_eq!(lf_view("a\nb\r\n"), None);
        assert_eq!(lf_view("a\rb\r\nc\r").as_deref(), Some("a\nb\r\nc\n"));
        assert_eq!(lf_only("a\rb\r\nc\r"), "a\nb\nc\n");
        assert_eq!(first_lone_cr("a\r\nb\rc"), Some(4));
        assert_eq!(first_lone_cr("a\r\nb\r\n"), None);
    }

    #[test]
    fn continuation_prefixes() {
        // `>` takes a space after it as its own.
        assert_eq!(continuation_prefix(">- "), ">   ");
        assert_eq!(continuation_prefix("> - "), ">   ");
        assert_eq!(continuation_prefix(">>1. "), ">>    ");
        assert_eq!(continuation_prefix(">"), ">");
    }
}
