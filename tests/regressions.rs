//! Inputs that once broke a fuzz target, kept so that they never break the
//! run again.

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::internals::BUILTIN;
use mdbook_tdd::internals::{Filling, PreparedTemplate, expand};
use mdbook_tdd::{Config, MarkdownOptions};
use mdbook_tdd::{Settings, SourceChapter, process};

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

/// Review of the model: a chapter whose H1 is its last line, ending in a
/// multi-byte character, panicked when the place of a missing Source PRD was
/// computed one byte before the heading's end.
#[test]
fn h1_at_the_end_with_a_multibyte_character() {
    let chapter = || SourceChapter {
        meta: ChapterMeta::new("a", "a.md", "a.md", "src", true),
        text: "**Source PRD:** x\n\n# Té".into(),
    };
    let mut p = process(
        vec![chapter()],
        &Config::default(),
        &Settings::default(),
        Diagnostics::new(),
    );
    assert_eq!(p.texts(), vec!["**Source PRD:** x\n\n# Té".to_string()]);
    assert!(p.diagnostics.is_empty());
    // As a TDD (by path), the missing Source PRD points at the H1.
    let mut d = Diagnostics::new();
    let book = serde_json::json!({"preprocessor": {"tdd": {"tdd-paths": ["*.md"]}}});
    let config = Config::from_book_config(&book, false, &mut d);
    let p = process(vec![chapter()], &config, &Settings::default(), d);
    let d: Vec<String> = p.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        d,
        vec![
            "warning[missing-prd]: this TDD names no Source PRD\n  --> src/a.md:3:1\n   = help: add a header line `**Source PRD:** [name](path/to/prd.md)`"
        ]
    );
}

/// fuzz/growth (Arguments, a unit of `\r\r##`): an empty heading on a line
/// ended by a carriage return alone took its text position from the next
/// line, past the heading's end; a template holding one panicked when its
/// heading placeholders were escaped. The position now stays inside the
/// heading.
#[test]
fn template_with_an_empty_heading_on_a_carriage_return_line() {
    let tpl = PreparedTemplate::new("# T\n\n##\r  ## {x}\r", &MarkdownOptions::default());
    assert!(tpl.text.contains("  ## {x} ##"), "{:?}", tpl.text);
}
