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

/// Text inserted into a chapter's text as it came, which nothing else
/// edits: at offsets of it (line boundaries, in order), then at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Insertions {
    /// Offsets of the text, in increasing order, each with what goes there.
    pub at: Vec<(usize, String)>,
    /// What goes at the end.
    pub end: String,
}

impl Insertions {
    /// The text with the insertions made.
    pub fn apply(&self, text: &str) -> String {
        let added: usize = self.at.iter().map(|(_, s)| s.len()).sum::<usize>() + self.end.len();
        let mut out = String::with_capacity(text.len() + added);
        let mut last = 0;
        for (at, s) in &self.at {
            // Offsets are line boundaries of this very text.
            if let Some(kept) = text.get(last..*at) {
                out.push_str(kept);
                last = *at;
            }
            out.push_str(s);
        }
        out.push_str(text.get(last..).unwrap_or_default());
        out.push_str(&self.end);
        out
    }
}

/// Where the bytes at `offsets` (increasing offsets of the decoded text,
/// each at a character boundary) are in a JSON string literal of it (quotes
/// included): the index in `raw` of the first byte that encodes each. The
/// literal is read only up to the last offset. `None` if the literal does
/// not agree.
pub fn raw_offsets(raw: &[u8], offsets: &[usize]) -> Option<Vec<usize>> {
    let mut out = Vec::with_capacity(offsets.len());
    let mut i = 1;
    let mut decoded = 0;
    for &want in offsets {
        while decoded < want {
            // Up to the next escape or quote, bytes are the text's bytes.
            let plain = raw
                .get(i..i + (want - decoded))
                .map(|run| memchr::memchr2(b'\\', b'"', run).unwrap_or(run.len()))?;
            i += plain;
            decoded += plain;
            if decoded == want {
                break;
            }
            match *raw.get(i)? {
                b'"' => return None,
                b'\\' => match *raw.get(i + 1)? {
                    b'u' => {
                        let unit = std::str::from_utf8(raw.get(i + 2..i + 6)?).ok()?;
                        let unit = u32::from_str_radix(unit, 16).ok()?;
                        if (0xD800..0xDC00).contains(&unit) {
                            // A surrogate pair: two escapes, one character
                            // of four bytes.
                            i += 12;
                            decoded += 4;
                        } else {
                            i += 6;
                            decoded += char::from_u32(unit)?.len_utf8();
                        }
                    }
                    _ => {
                        i += 2;
                        decoded += 1;
                    }
                },
                _ => {
                    i += 1;
                    decoded += 1;
                }
            }
        }
        if decoded != want {
            return None;
        }
        out.push(i);
    }
    Some(out)
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

    #[test]
    fn offsets_in_literals() {
        let text = "a\n\"é\"\t\u{1}😀x\r\ny";
        let raw = serde_json::to_vec(text).unwrap();
        let all: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let found = raw_offsets(&raw, &all).unwrap();
        for (&at, &r) in all.iter().zip(&found) {
            // What is before the offset encodes what is before it.
            let mut head = raw[..r].to_vec();
            head.push(b'"');
            assert_eq!(serde_json::from_slice::<String>(&head).unwrap(), text[..at]);
        }
        // Escapes written as `\u` (also a surrogate pair) count as their
        // characters.
        let raw = br#""\u0041\n\ud83d\ude00\u00e9b""#;
        assert_eq!(
            raw_offsets(raw, &[1, 2, 6, 8, 9]),
            Some(vec![7, 9, 21, 27, 28])
        );
        // Offsets past the end or inside a character do not agree.
        assert_eq!(raw_offsets(raw, &[10]), None);
        assert_eq!(raw_offsets(raw, &[3]), None);
        let ins = Insertions {
            at: vec![(0, "<".into()), (2, "|".into())],
            end: ">".into(),
        };
        assert_eq!(ins.apply("abcd"), "<ab|cd>");
    }
}
