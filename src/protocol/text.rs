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

/// Two texts are equal when they decode to the same text, whatever form
/// each is kept in (a literal and its decoded text are equal); for tests
/// and assertions, not the hot path.
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

/// A piece of a chapter's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A range of the chapter's current text, kept.
    Kept(Range<usize>),
    /// New text.
    New(String),
}

/// Writes a chapter's new text: the pieces, one after the other.
pub fn splice(text: &str, pieces: &[Piece]) -> String {
    let mut out = String::with_capacity(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Kept(r) => r.len(),
                Piece::New(s) => s.len(),
            })
            .sum(),
    );
    for p in pieces {
        match p {
            Piece::Kept(r) => out.push_str(text.get(r.clone()).unwrap_or_default()),
            Piece::New(s) => out.push_str(s),
        }
    }
    out
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
}
