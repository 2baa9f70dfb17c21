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
}

#[cfg(test)]
mod tests {
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
}
