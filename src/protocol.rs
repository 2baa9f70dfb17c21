//! The preprocessor protocol: the `[context, book]` JSON that mdBook writes to
//! a preprocessor's stdin, and the book JSON it expects back.
//!
//! One binary serves mdBook 0.5 (`{"items": [...]}`) and 0.4
//! (`{"sections": [...], "__non_exhaustive": null}`); the answer has the shape
//! of the question. The context is read leniently: the configuration is kept
//! as a JSON value, so keys of other tools or future mdBook versions never
//! make the preprocessor fail.

use crate::preprocess::{ChapterOutput, Piece};
use crate::text::JsonText;
use mdbook_preprocessor::book::{Book, BookItem};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// The range of mdBook versions this preprocessor is tested with.
pub const SUPPORTED_MDBOOK: &str = ">=0.4.21, <0.6.0";

/// The JSON shape of the book, which differs between mdBook 0.4 and 0.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookShape {
    /// mdBook 0.5: `{"items": [...]}`.
    #[default]
    Items,
    /// mdBook 0.4: `{"sections": [...], "__non_exhaustive": null}`.
    Sections,
}

/// What mdBook tells a preprocessor about the build.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// The book root (the directory holding `book.toml`).
    pub root: PathBuf,
    /// The whole book configuration, as JSON.
    pub config: Value,
    /// The renderer the book is being built for (`html`, `markdown`, ...).
    pub renderer: String,
    /// The calling mdBook's version.
    pub mdbook_version: String,
}

impl Context {
    /// Whether the caller is mdBook 0.4 (or a context without a version).
    pub fn is_legacy(&self) -> bool {
        semver::Version::parse(&self.mdbook_version)
            .map(|v| v.major == 0 && v.minor < 5)
            .unwrap_or(false)
    }

    /// A warning if the calling mdBook lies outside the tested range.
    pub fn version_warning(&self) -> Option<String> {
        let req = semver::VersionReq::parse(SUPPORTED_MDBOOK).ok()?;
        match semver::Version::parse(&self.mdbook_version) {
            Ok(v) if req.matches(&v) => None,
            Ok(v) => Some(format!(
                "mdbook-tdd is tested with mdBook {SUPPORTED_MDBOOK}, but is being called by mdBook {v}; carrying on"
            )),
            Err(_) => Some(format!(
                "mdbook-tdd cannot read the mdBook version `{}` of the context; carrying on",
                self.mdbook_version
            )),
        }
    }
}

#[derive(Deserialize)]
struct WireContext {
    #[serde(default)]
    root: PathBuf,
    #[serde(default)]
    config: Value,
    #[serde(default)]
    renderer: String,
    #[serde(default)]
    mdbook_version: String,
}

#[derive(Deserialize)]
struct WireBook {
    items: Option<Vec<BookItem>>,
    sections: Option<Vec<BookItem>>,
}

#[derive(Serialize)]
struct LegacyBook<'a> {
    sections: &'a [BookItem],
    __non_exhaustive: (),
}

/// A parsed preprocessor input.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The build context.
    pub context: Context,
    /// The book.
    pub book: Book,
    /// The JSON shape the book came in.
    pub shape: BookShape,
}

/// Why the input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The bytes are not the JSON that mdBook sends.
    #[error("malformed input JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The book object has neither `items` nor `sections`.
    #[error(
        "malformed input JSON: the book has neither `items` (mdBook 0.5) nor `sections` (mdBook 0.4)"
    )]
    NoItems,
}

/// Parses the `[context, book]` array mdBook writes to stdin.
pub fn parse_input(bytes: &[u8]) -> Result<Input, InputError> {
    let (ctx, book): (WireContext, WireBook) = serde_json::from_slice(bytes)?;
    let (items, shape) = match (book.items, book.sections) {
        (Some(items), _) => (items, BookShape::Items),
        (None, Some(sections)) => (sections, BookShape::Sections),
        (None, None) => return Err(InputError::NoItems),
    };
    Ok(Input {
        context: Context {
            root: ctx.root,
            config: ctx.config,
            renderer: ctx.renderer,
            mdbook_version: ctx.mdbook_version,
        },
        book: Book::new_with_items(items),
        shape,
    })
}

/// Serializes the book in the given shape.
pub fn write_book(book: &Book, shape: BookShape) -> serde_json::Result<Vec<u8>> {
    match shape {
        BookShape::Items => serde_json::to_vec(book),
        BookShape::Sections => serde_json::to_vec(&LegacyBook {
            sections: &book.items,
            __non_exhaustive: (),
        }),
    }
}

/// A book as the preprocessor reads it on its fast path: the structure of
/// the book, with every chapter's content left as the JSON literal it came
/// in (see [`crate::text`]).
#[derive(Debug, Clone)]
pub struct RawBook {
    /// The items, in order.
    pub items: Vec<RawItem>,
    /// The JSON shape the book came in.
    pub shape: BookShape,
}

/// An item of a [`RawBook`].
#[derive(Debug, Clone)]
pub enum RawItem {
    /// A chapter.
    Chapter(RawChapter),
    /// A separator.
    Separator,
    /// A part title.
    PartTitle(String),
}

/// A chapter of a [`RawBook`].
#[derive(Debug, Clone)]
pub struct RawChapter {
    /// Its name.
    pub name: String,
    /// Its content, as a JSON literal.
    pub content: JsonText,
    /// Its section number.
    pub number: Option<Vec<u32>>,
    /// Nested items.
    pub sub_items: Vec<RawItem>,
    /// Its path (`None` for draft chapters).
    pub path: Option<String>,
    /// Its source path.
    pub source_path: Option<String>,
    /// The names of its parents.
    pub parent_names: Vec<String>,
}

#[derive(Deserialize)]
enum WireItem<'a> {
    Chapter(#[serde(borrow)] WireChapter<'a>),
    Separator,
    PartTitle(String),
}

#[derive(Deserialize)]
struct WireChapter<'a> {
    name: String,
    #[serde(borrow)]
    content: &'a RawValue,
    #[serde(default)]
    number: Option<Vec<u32>>,
    #[serde(default, borrow)]
    sub_items: Vec<WireItem<'a>>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    source_path: Option<String>,
    #[serde(default)]
    parent_names: Vec<String>,
}

#[derive(Deserialize)]
struct WireRawBook<'a> {
    #[serde(borrow)]
    items: Option<Vec<WireItem<'a>>>,
    #[serde(borrow)]
    sections: Option<Vec<WireItem<'a>>>,
}

fn raw_items(items: Vec<WireItem<'_>>, input: &Arc<Vec<u8>>) -> Vec<RawItem> {
    let base = input.as_ptr() as usize;
    items
        .into_iter()
        .map(|item| match item {
            WireItem::Separator => RawItem::Separator,
            WireItem::PartTitle(t) => RawItem::PartTitle(t),
            WireItem::Chapter(c) => {
                let raw = c.content.get();
                let start = (raw.as_ptr() as usize).saturating_sub(base);
                RawItem::Chapter(RawChapter {
                    name: c.name,
                    content: JsonText::new(Arc::clone(input), start..start + raw.len()),
                    number: c.number,
                    sub_items: raw_items(c.sub_items, input),
                    path: c.path,
                    source_path: c.source_path,
                    parent_names: c.parent_names,
                })
            }
        })
        .collect()
}

/// Parses the `[context, book]` array, leaving chapter contents as JSON
/// literals of `input`.
pub fn parse_input_raw(input: &Arc<Vec<u8>>) -> Result<(Context, RawBook), InputError> {
    let (ctx, book): (WireContext, WireRawBook<'_>) = serde_json::from_slice(input)?;
    let (items, shape) = match (book.items, book.sections) {
        (Some(items), _) => (items, BookShape::Items),
        (None, Some(sections)) => (sections, BookShape::Sections),
        (None, None) => return Err(InputError::NoItems),
    };
    let items = raw_items(items, input);
    Ok((
        Context {
            root: ctx.root,
            config: ctx.config,
            renderer: ctx.renderer,
            mdbook_version: ctx.mdbook_version,
        },
        RawBook { items, shape },
    ))
}

impl RawBook {
    /// Every chapter with a path, in book order (depth first).
    pub fn chapters(&self) -> Vec<&RawChapter> {
        fn walk<'a>(items: &'a [RawItem], out: &mut Vec<&'a RawChapter>) {
            for item in items {
                if let RawItem::Chapter(c) = item {
                    if c.path.is_some() {
                        out.push(c);
                    }
                    walk(&c.sub_items, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

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
    serde_json::to_writer(out, s).map_err(io::Error::other)
}

/// JSON's formatting, without the quotes around strings.
struct Unquoted;

impl serde_json::ser::Formatter for Unquoted {
    fn begin_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `s` escaped as the inside of a JSON string, without quotes, so
/// that a string can be written in pieces.
fn json_str_contents(s: &str, out: &mut impl Write) -> io::Result<()> {
    use serde::Serialize;
    s.serialize(&mut serde_json::Serializer::with_formatter(out, Unquoted))
        .map_err(io::Error::other)
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
                    Some(ChapterOutput::LiteralAppend(j, extra)) => {
                        // The literal without its closing quote, then the
                        // escaped addition and the quote.
                        let raw = j.raw();
                        out.write_all(&raw[..raw.len().saturating_sub(1)])?;
                        json_str_contents(extra, out)?;
                        out.write_all(b"\"")?;
                    }
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

    const CTX_05: &str = r#"{"root":"/b","config":{"book":{"title":"T","unknown-future-key":1},"output":{"html":{}}},"renderer":"html","mdbook_version":"0.5.4"}"#;
    const CTX_04: &str = r#"{"root":"/b","config":{"book":{"multilingual":false,"src":"src"}},"renderer":"html","mdbook_version":"0.4.52","__non_exhaustive":null}"#;
    const CHAPTER: &str = r#"{"Chapter":{"name":"A","content":"x","number":[1],"sub_items":[],"path":"a.md","source_path":"a.md","parent_names":[]}}"#;

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
            ChapterOutput::LiteralAppend(literal(1), hostile.to_string()),
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
        assert_eq!(content(1), format!("x{hostile}"));
        assert_eq!(content(2), hostile);
        assert_eq!(content(3), format!("ab{hostile}cd"));
    }

    #[test]
    fn reads_and_writes_both_shapes() {
        let v05 = format!(r#"[{CTX_05},{{"items":[{CHAPTER},"Separator",{{"PartTitle":"P"}}]}}]"#);
        let input = parse_input(v05.as_bytes()).unwrap();
        assert_eq!(input.shape, BookShape::Items);
        assert_eq!(input.book.items.len(), 3);
        assert!(!input.context.is_legacy());
        let out = String::from_utf8(write_book(&input.book, input.shape).unwrap()).unwrap();
        assert!(out.starts_with(r#"{"items":["#));

        let v04 = format!(r#"[{CTX_04},{{"sections":[{CHAPTER}],"__non_exhaustive":null}}]"#);
        let input = parse_input(v04.as_bytes()).unwrap();
        assert_eq!(input.shape, BookShape::Sections);
        assert!(input.context.is_legacy());
        let out = String::from_utf8(write_book(&input.book, input.shape).unwrap()).unwrap();
        assert!(out.starts_with(r#"{"sections":["#), "{out}");
        assert!(out.ends_with(r#""__non_exhaustive":null}"#), "{out}");
    }

    #[test]
    fn version_range() {
        let mut c = Context {
            mdbook_version: "0.4.52".into(),
            ..Context::default()
        };
        assert!(c.version_warning().is_none());
        c.mdbook_version = "0.5.4".into();
        assert!(c.version_warning().is_none());
        c.mdbook_version = "0.4.20".into();
        assert!(c.version_warning().is_some());
        c.mdbook_version = "0.6.0".into();
        assert!(c.version_warning().is_some());
        c.mdbook_version = "banana".into();
        assert!(c.version_warning().is_some());
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse_input(b"").is_err());
        assert!(parse_input(b"[{}, {}]").is_err());
        assert!(parse_input(b"[{}, {\"items\": 3}]").is_err());
        assert!(parse_input(b"[{}, {\"items\": []}]").is_ok());
    }
}
