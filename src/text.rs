//! A chapter's text as it came: decoded Markdown, or still the JSON string
//! literal of the preprocessor input.
//!
//! Keeping the literal lets the preprocessor decode only the chapters it must
//! read, drop their text once it has what it needs, and write chapters it
//! did not change back byte for byte without encoding them again.

use std::ops::Range;
use std::sync::Arc;

/// A JSON string literal (quotes included) inside a shared input buffer.
#[derive(Debug, Clone)]
pub struct JsonText {
    input: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl JsonText {
    /// A literal at `range` of `input`. The range must hold a JSON string
    /// literal that the parser has already accepted.
    pub fn new(input: Arc<Vec<u8>>, range: Range<usize>) -> Self {
        JsonText { input, range }
    }

    /// The literal as it is in the input, quotes included.
    pub fn raw(&self) -> &[u8] {
        self.input.get(self.range.clone()).unwrap_or(b"\"\"")
    }

    /// The decoded text.
    pub fn decode(&self) -> Result<String, serde_json::Error> {
        serde_json::from_slice(self.raw())
    }
}

/// A chapter's text.
#[derive(Debug, Clone)]
pub enum ChapterText {
    /// Decoded Markdown.
    Text(String),
    /// The JSON string literal it came in.
    Json(JsonText),
}

impl Default for ChapterText {
    fn default() -> Self {
        ChapterText::Text(String::new())
    }
}

impl From<String> for ChapterText {
    fn from(s: String) -> Self {
        ChapterText::Text(s)
    }
}

impl From<&str> for ChapterText {
    fn from(s: &str) -> Self {
        ChapterText::Text(s.to_string())
    }
}

impl PartialEq for ChapterText {
    fn eq(&self, other: &Self) -> bool {
        self.decode().ok() == other.decode().ok()
    }
}

impl ChapterText {
    /// The decoded text.
    pub fn decode(&self) -> Result<String, serde_json::Error> {
        match self {
            ChapterText::Text(s) => Ok(s.clone()),
            ChapterText::Json(j) => j.decode(),
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals() {
        let input = Arc::new(br#"{"content":"a\nb \"c\" \u00e9"}"#.to_vec());
        let start = 11;
        let j = JsonText::new(input.clone(), start..input.len() - 1);
        assert_eq!(j.raw(), br#""a\nb \"c\" \u00e9""#);
        assert_eq!(j.decode().unwrap(), "a\nb \"c\" é");
        let t = ChapterText::Json(j);
        assert_eq!(t, ChapterText::from("a\nb \"c\" é"));
    }

    #[test]
    fn line_endings() {
        assert_eq!(line_ending("a\nb"), "\n");
        assert_eq!(line_ending("a\r\nb\rc"), "\r\n");
        assert_eq!(line_ending("a\rb\r"), "\r");
        assert_eq!(line_ending(""), "\n");
        assert_eq!(lf_view("a\nb\r\n"), None);
        assert_eq!(lf_view("a\rb\r\nc\r").as_deref(), Some("a\nb\r\nc\n"));
        assert_eq!(lf_only("a\rb\r\nc\r"), "a\nb\nc\n");
    }
}
