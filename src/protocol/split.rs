//! Where the parts of the `[context, book]` input are, found without parsing
//! them: the context, the book's top-level items and its other values, as
//! byte ranges. Each part is then parsed on its own, on every core (see
//! [`super::read::parse_input_raw`]).
//!
//! Only the bytes between the parts are read here (the brackets, commas,
//! colons and whitespace); a part, and every key of the book but `items`
//! and `sections`, is skipped by its brackets and strings alone, and
//! serde_json reads it afterwards, so every byte of the input is still
//! checked by one of the two. Anything this does not expect
//! (a key written with escapes, a key twice, both `items` and `sections`, a
//! value where an array belongs) gives `None`, and the caller parses the
//! input whole, as it would without this, so that errors read the same.

use super::BookShape;
use std::ops::Range;

/// The parts of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The context (the first element of the outer array).
    pub context: Range<usize>,
    /// Whether the items came as `items` (mdBook 0.5) or `sections` (0.4).
    pub shape: BookShape,
    /// Each top-level item of the book, in order.
    pub items: Vec<Range<usize>>,
    /// The book's other members (`"__non_exhaustive": null`): the key (a
    /// string literal, quotes included) and the value, which must be JSON
    /// but are not read.
    pub others: Vec<(Range<usize>, Range<usize>)>,
}

/// Splits the input, or `None` where it is not plainly of the expected
/// shape.
pub fn split(input: &[u8]) -> Option<Split> {
    let mut at = expect(input, skip_ws(input, 0), b'[')?;
    let context_start = skip_ws(input, at);
    let context_end = skip_value(input, context_start)?;
    at = expect(input, skip_ws(input, context_end), b',')?;
    at = expect(input, skip_ws(input, at), b'{')?;
    let mut shape = None;
    let mut items = Vec::new();
    let mut others = Vec::new();
    at = skip_ws(input, at);
    if input.get(at) == Some(&b'}') {
        return None;
    }
    loop {
        let key_start = at;
        let key_end = skip_string(input, key_start)?;
        let key = &input[key_start + 1..key_end - 1];
        if key.contains(&b'\\') {
            return None;
        }
        at = expect(input, skip_ws(input, key_end), b':')?;
        at = skip_ws(input, at);
        let kind = match key {
            b"items" => Some(BookShape::Items),
            b"sections" => Some(BookShape::Sections),
            _ => None,
        };
        match kind {
            Some(k) => {
                if shape.is_some() {
                    return None;
                }
                shape = Some(k);
                at = array_elements(input, at, &mut items)?;
            }
            None => {
                let end = skip_value(input, at)?;
                others.push((key_start..key_end, at..end));
                at = end;
            }
        }
        at = skip_ws(input, at);
        match input.get(at)? {
            b',' => at = skip_ws(input, at + 1),
            b'}' => break,
            _ => return None,
        }
    }
    at = expect(input, skip_ws(input, at + 1), b']')?;
    if skip_ws(input, at) != input.len() {
        return None;
    }
    Some(Split {
        context: context_start..context_end,
        shape: shape?,
        items,
        others,
    })
}

/// Reads the array at `at` and pushes the range of each element; returns
/// where the array ends.
fn array_elements(input: &[u8], at: usize, out: &mut Vec<Range<usize>>) -> Option<usize> {
    let mut at = skip_ws(input, expect(input, at, b'[')?);
    if input.get(at) == Some(&b']') {
        return Some(at + 1);
    }
    loop {
        let end = skip_value(input, at)?;
        out.push(at..end);
        at = skip_ws(input, end);
        match input.get(at)? {
            b',' => at = skip_ws(input, at + 1),
            b']' => return Some(at + 1),
            _ => return None,
        }
    }
}

/// The position after `byte`, which must be at `at`.
pub(super) fn expect(input: &[u8], at: usize, byte: u8) -> Option<usize> {
    (input.get(at) == Some(&byte)).then_some(at + 1)
}

/// The first position at or after `at` that is not JSON whitespace.
pub(super) fn skip_ws(input: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = input.get(at) {
        at += 1;
    }
    at
}

/// The end of the string that starts at `at` (after its closing quote). A
/// chapter's text escapes every line break, so the search is for quotes
/// alone: a quote ends the string unless an odd run of backslashes comes
/// before it.
pub(super) fn skip_string(input: &[u8], at: usize) -> Option<usize> {
    let start = expect(input, at, b'"')?;
    let mut at = start;
    loop {
        let i = at + memchr::memchr(b'"', input.get(at..)?)?;
        let backslashes = input[start..i]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return Some(i + 1);
        }
        at = i + 1;
    }
}

/// The end of the value that starts at `at`, found by its brackets and
/// strings; what lies between them is left to the parser.
pub(super) fn skip_value(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at)? {
        b'"' => skip_string(input, at),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut at = at;
            loop {
                match input.get(at)? {
                    b'"' => {
                        at = skip_string(input, at)?;
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            // A number or a literal: up to the next delimiter.
            let end = input[at..]
                .iter()
                .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(input.len(), |i| at + i);
            (end > at).then_some(end)
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    type Parts = (String, BookShape, Vec<String>, Vec<(String, String)>);

    fn parts(s: &str) -> Option<Parts> {
        let b = s.as_bytes();
        split(b).map(|p| {
            let t = |r: &Range<usize>| s[r.clone()].to_string();
            (
                t(&p.context),
                p.shape,
                p.items.iter().map(t).collect(),
                p.others.iter().map(|(k, v)| (t(k), t(v))).collect(),
            )
        })
    }

    #[test]
    fn finds_the_parts_of_both_shapes() {
        let (ctx, shape, items, others) = parts(
            r#" [ {"root":"/b","config":{"a":[1,"]}"]}} , {"items": [ {"Chapter":{"content":"x\"]}\\"}} , "Separator",{"PartTitle":"P"} ] } ] "#,
        )
        .unwrap();
        assert_eq!(ctx, r#"{"root":"/b","config":{"a":[1,"]}"]}}"#);
        assert_eq!(shape, BookShape::Items);
        assert_eq!(
            items,
            [
                r#"{"Chapter":{"content":"x\"]}\\"}}"#,
                r#""Separator""#,
                r#"{"PartTitle":"P"}"#
            ]
        );
        assert!(others.is_empty());
        let (_, shape, items, others) =
            parts(r#"[{},{"sections":[],"__non_exhaustive":null}]"#).unwrap();
        assert_eq!(shape, BookShape::Sections);
        assert!(items.is_empty());
        assert_eq!(
            others,
            [(r#""__non_exhaustive""#.to_string(), "null".to_string())]
        );
    }

    /// Inputs not of the expected shape, or not JSON.
    pub(in crate::protocol) const UNEXPECTED: &[&str] = &[
        "",
        "[",
        "[{}]",
        "[{},{}]",
        r#"[{},{"items":[]},1]"#,
        r#"[{},{"items":[]}] x"#,
        r#"[{},{"items":[],"sections":[]}]"#,
        r#"[{},{"items":[],"items":[]}]"#,
        r#"[{},{"it\u0065ms":[]}]"#,
        r#"[{},{"items":null}]"#,
        r#"[{},{"items":[{"a":"b}]}]"#,
        r#"[{},{"items":[1 2]}]"#,
        r#"[{},{"other":1}]"#,
        "[{},{\"items\":[\"\\",
    ];

    #[test]
    fn leaves_what_it_does_not_expect_to_the_whole_parse() {
        for s in UNEXPECTED {
            assert_eq!(parts(s), None, "{s}");
        }
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let s = r#"[{"a":"\\\"[{"},{"items":[{"Chapter":{"content":"\u00e9"}},"Separator"],"x":[true,false,null,-1.5e3]}]"#;
        assert!(split(s.as_bytes()).is_some());
        for i in 0..s.len() {
            let _ = split(&s.as_bytes()[..i]);
        }
    }
}
