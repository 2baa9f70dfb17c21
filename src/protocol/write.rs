//! Writing the output: the book in the shape it came in, each chapter from
//! what the run made of it.

use super::BookShape;
use super::read::{RawBook, RawItem};
use super::text::{Insertions, JsonText, Piece, raw_offsets};
use std::io::{self, Write};

/// What goes out for one chapter.
#[derive(Debug, Clone)]
pub enum ChapterOutput {
    /// The chapter unchanged, as the JSON literal it came in.
    Literal(JsonText),
    /// The JSON literal it came in, with text inserted (the page card) and
    /// appended (the backlinks list).
    LiteralInsert(JsonText, Insertions),
    /// The chapter's text.
    Text(String),
    /// The chapter's new text in pieces of `text` (its current text) and new
    /// text, written one after the other.
    Spliced {
        /// The current text, which `Kept` pieces index.
        text: String,
        /// The new text, in order.
        pieces: Vec<Piece>,
    },
}

impl RawBook {
    /// Writes the book in its shape, taking the content of the chapters with
    /// a path from `contents` (in the order of [`RawBook::chapters`]) and
    /// keeping every other content as it came.
    pub fn write(&self, contents: &[ChapterOutput], out: &mut impl Write) -> io::Result<()> {
        let mut next = 0;
        match self.shape {
            BookShape::Items => out.write_all(b"{\"items\":")?,
            BookShape::Sections => out.write_all(b"{\"sections\":")?,
        }
        write_items(&self.items, contents, &mut next, out)?;
        match self.shape {
            BookShape::Items => out.write_all(b"}"),
            BookShape::Sections => out.write_all(b",\"__non_exhaustive\":null}"),
        }
    }
}

fn json_str(s: &str, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"\"")?;
    json_str_contents(s, out)?;
    out.write_all(b"\"")
}

/// Writes `s` escaped as the inside of a JSON string, without quotes, so
/// that a string can be written in pieces: as serde_json escapes it (`"`,
/// `\\` and the C0 controls; `\b`, `\f`, `\n`, `\r`, `\t` by name, the
/// others as `\u00xx`), each run of bytes that need no escape written whole.
/// Most of the output is Markdown, with a line feed every line, and runs are
/// found eight bytes at a time.
fn json_str_contents(s: &str, out: &mut impl Write) -> io::Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(at) = next_escape(bytes, start) {
        out.write_all(bytes.get(start..at).unwrap_or_default())?;
        write_escape(bytes.get(at).copied().unwrap_or_default(), out)?;
        start = at + 1;
    }
    out.write_all(bytes.get(start..).unwrap_or_default())
}

/// Whether JSON escapes a byte of a string.
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Where the first byte at or after `from` that JSON escapes is.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether a word holds a zero byte, or a byte below 0x20 (exact as to
    // whether there is one, which is all that is asked).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let below_space = |v: u64| v.wrapping_sub(ONES * 0x20) & !v & HIGH != 0;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        if zero(word ^ (ONES * u64::from(b'"')))
            || zero(word ^ (ONES * u64::from(b'\\')))
            || below_space(word)
        {
            return chunk.iter().position(|&b| escaped(b)).map(|i| at + i);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| escaped(b))
        .map(|i| at + i)
}

/// Writes the escape of a byte that JSON escapes.
fn write_escape(b: u8, out: &mut impl Write) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.write_all(b"\\\""),
        b'\\' => out.write_all(b"\\\\"),
        0x08 => out.write_all(b"\\b"),
        0x0c => out.write_all(b"\\f"),
        b'\n' => out.write_all(b"\\n"),
        b'\r' => out.write_all(b"\\r"),
        b'\t' => out.write_all(b"\\t"),
        c => out.write_all(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(c >> 4)],
            HEX[usize::from(c & 15)],
        ]),
    }
}

/// Writes a literal with insertions: the literal up to each place, the
/// escaped insertion, and so on; the end goes before the closing quote.
/// Only the literal's bytes up to the last place are read to find them.
fn write_inserted(j: &JsonText, ins: &Insertions, out: &mut impl Write) -> io::Result<()> {
    let raw = j.raw();
    let offsets: Vec<usize> = ins.at.iter().map(|(at, _)| *at).collect();
    let body = raw.get(..raw.len().saturating_sub(1)).unwrap_or_default();
    let Some(places) = raw_offsets(raw, &offsets).filter(|p| p.iter().all(|&p| p <= body.len()))
    else {
        // A literal that does not agree with the offsets (which cannot
        // happen: they were found in its decoded text) is decoded again.
        let text = j.decode().map_err(io::Error::other)?;
        return json_str(&ins.apply(&text), out);
    };
    let mut last = 0;
    for ((_, text), place) in ins.at.iter().zip(places) {
        out.write_all(body.get(last..place).unwrap_or_default())?;
        json_str_contents(text, out)?;
        last = place;
    }
    out.write_all(body.get(last..).unwrap_or_default())?;
    json_str_contents(&ins.end, out)?;
    out.write_all(b"\"")
}

fn write_items(
    items: &[RawItem],
    contents: &[ChapterOutput],
    next: &mut usize,
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        match item {
            RawItem::Separator => out.write_all(b"\"Separator\"")?,
            RawItem::PartTitle(t) => {
                out.write_all(b"{\"PartTitle\":")?;
                json_str(t, out)?;
                out.write_all(b"}")?;
            }
            RawItem::Chapter(c) => {
                out.write_all(b"{\"Chapter\":{\"name\":")?;
                json_str(&c.name, out)?;
                out.write_all(b",\"content\":")?;
                let content = if c.path.is_some() {
                    let o = contents.get(*next);
                    *next += 1;
                    o
                } else {
                    None
                };
                match content {
                    None => out.write_all(c.content.raw())?,
                    Some(ChapterOutput::Literal(j)) => out.write_all(j.raw())?,
                    Some(ChapterOutput::Text(t)) => json_str(t, out)?,
                    Some(ChapterOutput::LiteralInsert(j, ins)) => write_inserted(j, ins, out)?,
                    Some(ChapterOutput::Spliced { text, pieces }) => {
                        out.write_all(b"\"")?;
                        for p in pieces {
                            match p {
                                Piece::Kept(r) => {
                                    json_str_contents(text.get(r.clone()).unwrap_or_default(), out)?
                                }
                                Piece::New(s) => json_str_contents(s, out)?,
                            }
                        }
                        out.write_all(b"\"")?;
                    }
                }
                out.write_all(b",\"number\":")?;
                serde_json::to_writer(&mut *out, &c.number).map_err(io::Error::other)?;
                out.write_all(b",\"sub_items\":")?;
                write_items(&c.sub_items, contents, next, out)?;
                out.write_all(b",\"path\":")?;
                serde_json::to_writer(&mut *out, &c.path).map_err(io::Error::other)?;
                out.write_all(b",\"source_path\":")?;
                serde_json::to_writer(&mut *out, &c.source_path).map_err(io::Error::other)?;
                out.write_all(b",\"parent_names\":")?;
                serde_json::to_writer(&mut *out, &c.parent_names).map_err(io::Error::other)?;
                out.write_all(b"}}")?;
            }
        }
    }
    out.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::read::parse_input_raw;
    use std::sync::Arc;

    const CTX_05: &str = r#"{"root":"/b","config":{"book":{"title":"T","unknown-future-key":1},"output":{"html":{}}},"renderer":"html","mdbook_version":"0.5.4"}"#;
    #[allow(dead_code)]
    const CTX_04: &str = r#"{"root":"/b","config":{"book":{"multilingual":false,"src":"src"}},"renderer":"html","mdbook_version":"0.4.52","__non_exhaustive":null}"#;
    const CHAPTER: &str = r#"{"Chapter":{"name":"A","content":"x","number":[1],"sub_items":[],"path":"a.md","source_path":"a.md","parent_names":[]}}"#;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]
        /// Strings are written as serde_json writes them.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            pieces in proptest::collection::vec(proptest::prop_oneof![
                "\\PC{0,12}",
                "[\\x00-\\x1f\"\\\\]{1,3}",
                "[a-z]{0,20}",
                proptest::strategy::Just("é✓😀\u{7f}\u{85}".to_string()),
            ], 0..12),
        ) {
            let s = pieces.concat();
            let mut out = Vec::new();
            json_str(&s, &mut out).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn raw_books_write_every_kind_of_output() {
        let chapter = |name: &str| CHAPTER.replace(r#""name":"A""#, &format!(r#""name":"{name}""#));
        let input = Arc::new(
            format!(
                r#"[{CTX_05},{{"items":[{},{},{},{}]}}]"#,
                chapter("A"),
                chapter("B"),
                chapter("C"),
                chapter("D")
            )
            .into_bytes(),
        );
        let (_, book) = parse_input_raw(&input).unwrap();
        let literal = |i: usize| match &book.items[i] {
            RawItem::Chapter(c) => c.content.clone(),
            _ => unreachable!(),
        };
        let hostile = "\"quoted\"\n\\ \u{1} é\t|";
        let contents = vec![
            ChapterOutput::Literal(literal(0)),
            ChapterOutput::LiteralInsert(
                literal(1),
                Insertions {
                    at: vec![(0, hostile.to_string()), (1, "é".to_string())],
                    end: hostile.to_string(),
                },
            ),
            ChapterOutput::Text(hostile.to_string()),
            ChapterOutput::Spliced {
                text: format!("ab{hostile}cd"),
                pieces: vec![
                    Piece::Kept(0..2),
                    Piece::New(hostile.to_string()),
                    Piece::Kept(2 + hostile.len()..4 + hostile.len()),
                ],
            },
        ];
        let mut out = Vec::new();
        book.write(&contents, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let content = |i: usize| {
            v["items"][i]["Chapter"]["content"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(content(0), "x");
        assert_eq!(content(1), format!("{hostile}xé{hostile}"));
        assert_eq!(content(2), hostile);
        assert_eq!(content(3), format!("ab{hostile}cd"));
    }
}
