//! Property tests (bounded, so that `cargo test` stays fast).

use mdbook_tdd::config::Config;
use mdbook_tdd::diagnostic::Diagnostics;
use mdbook_tdd::model::{ChapterMeta, PrdForm, PrdTarget};
use mdbook_tdd::preprocess::{Processed, Settings, SourceChapter, process};
use proptest::prelude::*;

fn chapter(path: &str, text: String) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    }
}

fn run_with(texts: Vec<(&str, String)>, config: &Config) -> Processed {
    let chapters = texts.into_iter().map(|(p, t)| chapter(p, t)).collect();
    process(chapters, config, &Settings::default(), Diagnostics::new())
}

fn run(texts: Vec<(&str, String)>) -> (Vec<String>, Diagnostics) {
    let mut p = run_with(texts, &Config::default());
    (p.texts(), p.diagnostics)
}

/// The configuration with `tdd-paths = ["*.md"]`: every chapter is a TDD,
/// and so scanned, whatever it holds.
fn every_chapter_a_tdd() -> Config {
    let mut diags = Diagnostics::new();
    let book = serde_json::json!({ "preprocessor": { "tdd": { "tdd-paths": ["*.md"] } } });
    let config = Config::from_book_config(&book, false, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    config
}

/// A title and a Source PRD field, which make the analysis scan a chapter:
/// given as a link, which the preprocessor leaves as written (a bare path
/// would become a link).
const LINKED_PRD: &str = "# A design\n\n**Source PRD:** [The PRD](prd.md)\n\n";

/// The part of a text from about `from` to about `to`, widened to whole
/// characters.
fn clip(s: &str, from: usize, to: usize) -> &str {
    let (mut from, mut to) = (from.min(s.len()), to.min(s.len()));
    while !s.is_char_boundary(from) {
        from -= 1;
    }
    while !s.is_char_boundary(to) {
        to += 1;
    }
    &s[from..to]
}

/// Prints the first place where two texts differ, with a little context.
fn first_difference(want: &str, got: &str) -> String {
    let at = want
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map_or(want.len().min(got.len()), |((i, _), _)| i);
    let around = |s| clip(s, at.saturating_sub(40), at + 40);
    format!(
        "first difference at byte {at}:\n  want {:?}\n  got  {:?}",
        around(want),
        around(got)
    )
}

/// Pieces of Markdown that stress the scanner.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Title\n".to_string()),
        Just("## 3. Data Model\n".to_string()),
        Just("### 3.4 Data Access Patterns\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("```\n".to_string()),
        Just("~~~md\n".to_string()),
        Just("    indented\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("| a | b |\n|---|---|\n| {x} | y |\n".to_string()),
        Just("`".to_string()),
        Just("\\".to_string()),
        Just("\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("}}".to_string()),
        Just("{{#".to_string()),
        Just("{{#include x.md}}".to_string()),
        Just("<!-- ".to_string()),
        Just(" -->".to_string()),
        Just("<div>\n".to_string()),
        Just("**Status:** Approved\n".to_string()),
        Just("{author}".to_string()),
        Just("é✓ ".to_string()),
        "[a-z ]{0,12}",
        "\\PC{0,6}",
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

/// Pieces that also hold our directives, well-formed or not.
fn directive_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => piece(),
        1 => Just("{{#tdd-status}}".to_string()),
        1 => Just("{{#tdd-status sort=-date columns=document,status}}".to_string()),
        1 => Just("{{#tdd-skeleton title=\"X\" author=Jo}}".to_string()),
        1 => Just("{{#tdd-stauts}}".to_string()),
        1 => Just("{{#prd-status uncovered=true}}".to_string()),
        1 => Just("{{#tdd-rollup section=\"12\" where=\"Status=Open\"}}".to_string()),
        1 => Just("{{#tdd-backlinks}}".to_string()),
        1 => Just("{{#tdd-open-items x=\"".to_string()),
        1 => Just("**Source PRD:** other.md\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    /// A chapter without our directives comes back byte for byte, also when
    /// the analysis scans it: as a TDD by its path (`tdd-paths`), and as a
    /// chapter with a Source PRD given as a link, first or anywhere.
    #[test]
    fn without_directives_unchanged(
        pieces in prop::collection::vec(piece(), 0..40),
        first in any::<bool>(),
        at in any::<prop::sample::Index>(),
    ) {
        let text = pieces.concat();
        prop_assume!(!text.contains("{{#tdd-") && !text.contains("{{#prd-"));
        prop_assume!(!text.to_lowercase().contains("source prd"));
        let mut p = run_with(vec![("chapter.md", text.clone())], &every_chapter_a_tdd());
        prop_assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
        // The analysis read the chapter: it is a document of the model.
        prop_assert!(p.model.document_of(0).is_some(), "not analyzed: {:?}", text);
        let out = p.texts();
        prop_assert!(out[0] == text, "{}", first_difference(&text, &out[0]));

        let mut with_prd = pieces.clone();
        let at = if first { 0 } else { at.index(pieces.len() + 1) };
        with_prd.insert(at, LINKED_PRD.to_string());
        let with_prd = with_prd.concat();
        let prd = ("prd.md", "# The PRD\n".to_string());
        let mut p = run_with(vec![("chapter.md", with_prd.clone()), prd], &Config::default());
        prop_assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
        if first {
            // First in the chapter, the field is in the header: the chapter
            // is a TDD of that PRD, linked as written.
            let doc = p.model.document_of(0);
            let prd = doc.and_then(|d| d.prd.as_ref());
            prop_assert!(
                prd.is_some_and(|r| r.form == PrdForm::Link && r.target == PrdTarget::Chapter(1)),
                "{:?} in {:?}", prd, with_prd
            );
        }
        let out = p.texts();
        prop_assert!(out[0] == with_prd, "{}", first_difference(&with_prd, &out[0]));
    }

    /// No input makes the run panic, and the same input gives the same bytes.
    #[test]
    fn never_panics_and_is_deterministic(a in prop::collection::vec(directive_piece(), 0..30), b in markdown()) {
        let a = a.concat();
        let first = run(vec![("a.md", a.clone()), ("other.md", b.clone())]);
        let second = run(vec![("a.md", a), ("other.md", b)]);
        prop_assert_eq!(first.0, second.0);
        let d1: Vec<String> = first.1.iter().map(|d| d.to_string()).collect();
        let d2: Vec<String> = second.1.iter().map(|d| d.to_string()).collect();
        prop_assert_eq!(d1, d2);
    }

    /// Bytes outside directive spans are kept in order: with every directive
    /// removed from input and output alike, the input is a subsequence of the
    /// output (for chapters without a skeleton, which rebuilds the chapter).
    #[test]
    fn bytes_outside_directives_kept(a in prop::collection::vec(directive_piece(), 0..30)) {
        let text = a.concat().replace("tdd-skeleton", "tdd-status");
        // Even when some directives are in error the others are expanded;
        // either way no other byte may change.
        let (out, _) = run(vec![("a.md", text.clone())]);
        let stripped = strip_directives(&text);
        prop_assert!(is_subsequence(&stripped, &out[0]), "{:?}\n=>\n{:?}", text, out[0]);
    }
}

/// Removes every `{{#tdd-...}}` / `{{#prd-...}}` span (up to its `}}`).
fn strip_directives(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = ["{{#tdd-", "{{#prd-"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(i) = next else { break };
        out.push_str(&rest[..i]);
        match rest[i..].find("}}") {
            Some(j) => rest = &rest[i + j + 2..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut h = hay.chars();
    needle.chars().all(|c| h.any(|x| x == c))
}

/// Author sections for the merge property: numbered sections (some from the
/// template, some not) with unique lines.
fn author_sections() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    let heading = prop_oneof![
        (1u32..=12).prop_map(|n| format!("## {n}. Section {n}")),
        (1u32..=12, 1u32..=6).prop_map(|(a, b)| format!("### {a}.{b} Sub {a}.{b}")),
        Just("## Glossary".to_string()),
        Just("### Notes".to_string()),
        Just("#### Example entity".to_string()),
        Just("# My own title".to_string()),
    ];
    prop::collection::vec((heading, 0usize..4), 0..12).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (h, n))| {
                let lines = (0..n).map(|j| format!("author line {i}-{j} ✓")).collect();
                (h, lines)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, .. ProptestConfig::default() })]

    /// After a merge every author line appears exactly once, and the lines of
    /// each section keep their order.
    #[test]
    fn merge_keeps_every_author_byte(intro in "[a-z ]{0,20}", sections in author_sections()) {
        let mut text = String::from("{{#tdd-skeleton title=T}}\n\n");
        if !intro.trim().is_empty() {
            text.push_str(&format!("Intro {intro}\n\n"));
        }
        for (h, lines) in &sections {
            text.push_str(h);
            text.push('\n');
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
            text.push('\n');
        }
        let (out, diags) = run(vec![("t.md", text.clone())]);
        prop_assert!(!diags.has_errors(), "{:?}", diags);
        let out = &out[0];
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let wanted = text.lines().filter(|l| *l == line).count();
            prop_assert_eq!(out.lines().filter(|l| *l == line).count(), wanted, "line {:?} in\n{}", line, out);
        }
        for (h, lines) in &sections {
            // The heading, as a line of its own.
            let heading = if out.starts_with(&format!("{h}\n")) {
                Some(0)
            } else {
                out.find(&format!("\n{h}\n")).map(|i| i + 1)
            };
            prop_assert!(heading.is_some(), "heading {:?} missing in\n{}", h, out);
            let mut last = heading.unwrap();
            for l in lines {
                let at = out.find(l.as_str()).unwrap();
                prop_assert!(at > last, "{:?} out of order in\n{}", l, out);
                last = at;
            }
        }
    }
}
