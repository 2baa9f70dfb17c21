//! Inputs that once broke a fuzz target, kept so that they never break the
//! run again.

use mdbook_tdd::config::MarkdownOptions;
use mdbook_tdd::skeleton::{Filling, PreparedTemplate, expand};
use mdbook_tdd::template::BUILTIN;

/// What fuzz/skeleton does with an author text.
fn expand_after_directive(author: &str) -> String {
    let options = MarkdownOptions::default();
    let tpl = PreparedTemplate::new(BUILTIN, &options);
    let directive = "{{#tdd-skeleton title=T}}";
    let chapter = format!("{directive}\n{author}");
    let (filling, _) = Filling::new(&tpl, &[]);
    expand(&chapter, 0..directive.len(), &tpl, &filling, &options).text
}

/// fuzz/skeleton, crash-b75c9548: a lone carriage return ends a line in
/// Markdown; the author's text before it and the (empty) heading after it
/// both survive the merge.
#[test]
fn skeleton_with_lone_carriage_return() {
    let out = expand_after_directive("\u{3}\r#");
    assert!(out.contains("\u{3}\r"), "{out:?}");
    assert!(out.starts_with('#'), "{out:?}");
    assert!(out.contains("## 12. Open Questions & Risks"));
}

/// fuzz/skeleton, crash-3004879d: a byte-order mark after the directive line
/// is text, not the start of a file; the line it starts is not a heading.
#[test]
fn skeleton_with_byte_order_mark_inside() {
    let out = expand_after_directive("\u{feff}# 11.05.  ");
    assert!(out.contains("\u{feff}# 11.05."), "{out:?}");
    assert!(
        out.starts_with("# {Product Name} — Technical Design Document"),
        "{out:?}"
    );
}
