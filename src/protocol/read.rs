//! Reading the input: the context, and the book with every chapter's
//! content left as the JSON literal it came in.

use super::text::JsonText;
use super::{BookShape, Context, InputError};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::path::PathBuf;
use std::sync::Arc;

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

impl From<WireContext> for Context {
    fn from(c: WireContext) -> Self {
        Context {
            root: c.root,
            config: c.config,
            renderer: c.renderer,
            mdbook_version: c.mdbook_version,
        }
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
                // serde borrowed `content` from `input` itself (the
                // deserializer reads the slice in place), so the literal's
                // offset is the distance between the two pointers. Were that
                // ever not so, `saturating_sub` and `JsonText::raw`'s checked
                // slice keep it from reading out of bounds.
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

/// Parses the `[context, book]` array in one pass, leaving chapter
/// contents as JSON literals of `input`. (The preprocessor reads its input
/// part by part as it arrives, see [`super::stream`], and parses it here
/// when it does not read that way.)
pub fn parse_input_raw(input: &Arc<Vec<u8>>) -> Result<(Context, RawBook), InputError> {
    let (ctx, book): (WireContext, WireRawBook<'_>) = serde_json::from_slice(input)?;
    let (items, shape) = match (book.items, book.sections) {
        (Some(items), _) => (items, BookShape::Items),
        (None, Some(sections)) => (sections, BookShape::Sections),
        (None, None) => return Err(InputError::NoItems),
    };
    let items = raw_items(items, input);
    Ok((ctx.into(), RawBook { items, shape }))
}

/// The items at `ranges` of `input`, each a whole item of a book's items
/// (or sections); `None` if one is not.
pub(super) fn parse_items(
    input: &Arc<Vec<u8>>,
    ranges: &[std::ops::Range<usize>],
) -> Option<Vec<RawItem>> {
    let wire: Vec<WireItem<'_>> = ranges
        .iter()
        .map(|r| serde_json::from_slice(input.get(r.clone())?).ok())
        .collect::<Option<_>>()?;
    Some(raw_items(wire, input))
}

/// The context at `bytes`, if it is one.
pub(super) fn parse_context(bytes: &[u8]) -> Option<Context> {
    serde_json::from_slice::<WireContext>(bytes)
        .ok()
        .map(Context::from)
}

/// Whether `key` and `value` are a JSON string and a JSON value, as an
/// unread member of the book must be.
pub(super) fn valid_member(key: &[u8], value: &[u8]) -> bool {
    serde_json::from_slice::<String>(key).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(value).is_ok()
}

impl RawBook {
    /// Every chapter with a path, in book order (depth first).
    pub fn chapters(&self) -> Vec<&RawChapter> {
        chapters_in(&self.items)
    }
}

/// Every chapter with a path of `items` and their sub-items, in book order
/// (depth first).
pub fn chapters_in(items: &[RawItem]) -> Vec<&RawChapter> {
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
    walk(items, &mut out);
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const CTX_05: &str = r#"{"root":"/b","config":{"book":{"title":"T","unknown-future-key":1},"output":{"html":{}}},"renderer":"html","mdbook_version":"0.5.4"}"#;
    const CTX_04: &str = r#"{"root":"/b","config":{"book":{"multilingual":false,"src":"src"}},"renderer":"html","mdbook_version":"0.4.52","__non_exhaustive":null}"#;
    const CHAPTER: &str = r#"{"Chapter":{"name":"A","content":"x","number":[1],"sub_items":[],"path":"a.md","source_path":"a.md","parent_names":[]}}"#;

    fn parse(text: &str) -> Result<(Context, RawBook), InputError> {
        parse_input_raw(&Arc::new(text.as_bytes().to_vec()))
    }

    #[test]
    fn reads_and_writes_both_shapes() {
        let v05 = format!(r#"[{CTX_05},{{"items":[{CHAPTER},"Separator",{{"PartTitle":"P"}}]}}]"#);
        let (context, book) = parse(&v05).unwrap();
        assert_eq!(book.shape, BookShape::Items);
        assert_eq!(book.items.len(), 3);
        assert!(!context.is_legacy());
        let mut out = Vec::new();
        book.write(&[], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(r#"{"items":["#));

        let v04 = format!(r#"[{CTX_04},{{"sections":[{CHAPTER}],"__non_exhaustive":null}}]"#);
        let (context, book) = parse(&v04).unwrap();
        assert_eq!(book.shape, BookShape::Sections);
        assert!(context.is_legacy());
        let mut out = Vec::new();
        book.write(&[], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(r#"{"sections":["#), "{out}");
        assert!(out.ends_with(r#""__non_exhaustive":null}"#), "{out}");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse("").is_err());
        assert!(parse("[{}, {}]").is_err());
        assert!(parse("[{}, {\"items\": 3}]").is_err());
        assert!(parse("[{}, {\"items\": []}]").is_ok());
    }

    /// Inputs of both shapes, nested chapters, separators, part titles,
    /// escapes that look like structure, and whitespace anywhere whitespace
    /// may go: `n` of them, the same every time.
    pub(in crate::protocol) fn sample_inputs(n: usize) -> Vec<String> {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let texts = [
            r##""""##,
            r##""# T\n\n{{#tdd-status}}\n""##,
            r##""a \"quoted\" ]} [{ \\""##,
            r##""\\\\""##,
            r##""\u00e9\u2028 \ud83d\ude00""##,
        ];
        let mut out = Vec::new();
        for round in 0..n {
            let ws = |next: &mut dyn FnMut(u64) -> u64| -> &'static str {
                [" ", "", "\n  ", "\t", ""][next(5) as usize]
            };
            fn chapter(depth: u32, next: &mut dyn FnMut(u64) -> u64, texts: &[&str]) -> String {
                let subs: Vec<String> = if depth < 2 {
                    (0..next(3))
                        .map(|_| chapter(depth + 1, next, texts))
                        .collect()
                } else {
                    Vec::new()
                };
                let path = if next(4) == 0 {
                    "null".to_string()
                } else {
                    format!(r#""c{}.md""#, next(100))
                };
                format!(
                    r#"{{"Chapter":{{"name":"N \"{}\"","content":{},"number":[1,2],"sub_items":[{}],"path":{path},"source_path":{path},"parent_names":["P"]}}}}"#,
                    next(10),
                    texts[next(texts.len() as u64) as usize],
                    subs.join(",")
                )
            }
            let mut items = Vec::new();
            for _ in 0..next(6) {
                items.push(match next(5) {
                    0 => r#""Separator""#.to_string(),
                    1 => r#"{"PartTitle":"P ]\"}"}"#.to_string(),
                    _ => chapter(0, &mut next, &texts),
                });
            }
            let sep = format!(",{}", ws(&mut next));
            let items = items.join(&sep);
            let (a, b) = (ws(&mut next), ws(&mut next));
            out.push(if round % 2 == 0 {
                format!(r#"{a}[{b}{CTX_05}{a},{b}{{"items":{a}[{b}{items}{a}]{b}}}{a}]{b}"#)
            } else {
                format!(
                    r#"[{CTX_04},{a}{{{b}"sections"{a}:{b}[{items}],"__non_exhaustive":{a}null}}]"#
                )
            });
        }
        out
    }
}
