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
        let raw = self.raw();
        match unescape(raw) {
            Some(text) => Ok(text),
            None => serde_json::from_slice(raw),
        }
    }
}

/// The text of a JSON string literal (quotes included), if it is plain text
/// and escapes that stand for characters: the text serde_json decodes it to,
/// copied once (serde_json copies text with escapes twice, into its scratch
/// buffer and then into the string). `None` for anything else, which
/// serde_json then reads and reports: not a string, a bad escape, a lone
/// surrogate, a control character, bytes that are not UTF-8.
fn unescape(raw: &[u8]) -> Option<String> {
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    // JSON forbids control characters in a string, and its escapes hold
    // none.
    if inner.iter().fold(false, |found, &b| found | (b < 0x20)) {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(k) = memchr::memchr2(b'\\', b'"', rest) {
        let (run, tail) = rest.split_at(k);
        out.extend_from_slice(run);
        // A quote inside is not a literal the parser accepted.
        if tail.first() == Some(&b'"') {
            return None;
        }
        let (&escape, tail) = tail.get(1..)?.split_first()?;
        rest = tail;
        let byte = match escape {
            b'"' | b'\\' | b'/' => escape,
            b'n' => b'\n',
            b't' => b'\t',
            b'r' => b'\r',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'u' => {
                let (c, after) = unicode_escape(tail)?;
                rest = after;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            _ => return None,
        };
        out.push(byte);
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).ok()
}

/// The character of a `\u` escape whose four hex digits start `tail` (a
/// surrogate pair takes a second escape), and what follows it.
fn unicode_escape(tail: &[u8]) -> Option<(char, &[u8])> {
    let hex = |b: &[u8]| {
        b.get(..4)?
            .iter()
            .try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
    };
    let first = hex(tail)?;
    let after = tail.get(4..)?;
    match first {
        0xD800..=0xDBFF => {
            let low_tail = after.strip_prefix(b"\\u")?;
            let low = hex(low_tail).filter(|l| (0xDC00..=0xDFFF).contains(l))?;
            let c = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00))?;
            Some((c, low_tail.get(4..)?))
        }
        _ => Some((char::from_u32(first)?, after)),
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
    fn unescapes_as_serde_json_does() {
        let texts = [
            "",
            "plain",
            "a\nb \"c\" \\ / \t\r\u{8}\u{c}",
            "é 😀 \u{7f} \u{2028} \u{ffff}",
            "ends with an escape\n",
            "\u{1}\u{1f}",
        ];
        for text in texts {
            let raw = serde_json::to_vec(text).unwrap();
            assert_eq!(unescape(&raw).as_deref(), Some(text), "{text:?}");
        }
        // Escapes serde_json does not write.
        let written: [(&[u8], &str); 4] = [
            (br#""\/\u0041\u00E9""#, "/Aé"),
            (br#""\ud83d\ude00!""#, "😀!"),
            (br#""\uD83D\uDE00""#, "😀"),
            (br#""a\u0000b""#, "a\0b"),
        ];
        for (raw, text) in written {
            assert_eq!(unescape(raw).as_deref(), Some(text));
            assert_eq!(serde_json::from_slice::<String>(raw).unwrap(), text);
        }
        // Everything else is left to serde_json, which reports it.
        let refused: [&[u8]; 12] = [
            b"12",
            b"\"open",
            br#""\x""#,
            br#""\u12""#,
            br#""\u12g4""#,
            br#""\ud83d""#,
            br#""\ud83d\u0041""#,
            br#""\ude00""#,
            b"\"a\nb\"",
            b"\"a\"b\"",
            b"\"\xff\"",
            br#""trailing\""#,
        ];
        for raw in refused {
            assert_eq!(unescape(raw), None, "{:?}", String::from_utf8_lossy(raw));
            let j = JsonText::new(Arc::new(raw.to_vec()), 0..raw.len());
            assert!(j.decode().is_err(), "{:?}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn unescapes_random_literals_as_serde_json_does() {
        // Literals made of the bytes that matter to a JSON string: the
        // fast path must decode exactly what serde_json decodes, and
        // refuse exactly what it refuses.
        let alphabet: &[u8] = b"\\\\\\u\"nrtbf/0aAdDe8F\n\x01 \xc3\xa9\xed\xa0\x80\xf0\x9f\x98\x80";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let mut raw = vec![b'"'];
            raw.extend((0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]));
            raw.push(b'"');
            let theirs = serde_json::from_slice::<String>(&raw).ok();
            assert_eq!(
                unescape(&raw),
                theirs,
                "{:?}",
                String::from_utf8_lossy(&raw)
            );
        }
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
