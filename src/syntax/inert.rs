//! Directives made inert in copied text.
//!
//! A value copied from one document into another page (a header field, a
//! table cell) may hold `{{#...}}`. mdBook's `links` preprocessor and this
//! crate would both read it as a directive on the page that shows it, so
//! copied text has its directive openers broken before it is written.

use std::borrow::Cow;

/// Whether text holds a directive of mdBook's `links` preprocessor or of
/// this crate: `{{`, optional white space, `#`.
pub fn has_live_directive(s: &str) -> bool {
    live_braces(s).next().is_some()
}

/// The offsets of the second brace of each `{{`, optional white space, `#`.
fn live_braces(s: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'{', s.as_bytes()).filter(move |&i| {
        i > 0
            && s.as_bytes().get(i - 1) == Some(&b'{')
            && s.get(i + 1..)
                .is_some_and(|rest| rest.trim_start().starts_with('#'))
    })
}

/// Makes every directive in Markdown text inert: the brace before its `#`
/// becomes the entity `&#123;`, which renders as the same brace but is no
/// directive to mdBook (whose `links` preprocessor looks for `{{`, optional
/// white space, `#`) nor to this crate. Only for text, where entities are
/// read: code spans and autolinks need another form.
pub fn break_directives(s: &str) -> Cow<'_, str> {
    let mut braces = live_braces(s).peekable();
    if braces.peek().is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for i in braces {
        out.push_str(s.get(last..i).unwrap_or_default());
        out.push_str("&#123;");
        last = i + 1;
    }
    out.push_str(s.get(last..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_directive_openers_break() {
        assert_eq!(break_directives("{ {# {{x}} {{"), "{ {# {{x}} {{");
        assert_eq!(break_directives("{{\t#a}}"), "{&#123;\t#a}}");
        assert!(has_live_directive("a {{ #include x}}"));
        assert!(!has_live_directive("a {&#123;#include x}}"));
    }
}
