//! Property tests (bounded, so that `cargo test` stays fast).

mod support;

use mdbook_tdd::internals::{self as render, DirectiveKind, RenderContext, scan};
use mdbook_tdd::{
    ChapterId, ChapterMeta, Config, Diagnostics, DocKind, PrdForm, PrdTarget, Processed, Settings,
    SourceChapter, process,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use std::cell::Cell;
use std::ops::Range;
use support::CARD;

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

/// A configuration with page cards off: the oracles below are about the
/// author's bytes and the directives; the card, inserted when cards are on,
/// is checked on its own by [`one_card_inserted`].
fn without_cards(mut config: Config) -> Config {
    config.page_cards = false;
    config
}

/// Whether `with` (a run with page cards on) is `without` (the same run with
/// them off) with one card inserted, read as blocks of its own outside any
/// container (its `<div>`, then its paragraph), or `without` itself when the
/// chapter gets no card; and a second run with cards on changes nothing.
/// Returns whether a card was inserted.
fn one_card_inserted(
    without: &str,
    with: &str,
    rerun: impl Fn(&str) -> String,
) -> Result<bool, TestCaseError> {
    let again = rerun(with);
    prop_assert!(
        again == with,
        "a second run changed it: {}",
        first_difference(with, &again)
    );
    if with == without {
        return Ok(false);
    }
    prop_assert!(
        support::insertion(with, without).is_some()
            && with.matches(CARD).count() == without.matches(CARD).count() + 1,
        "not one card inserted: {without:?}\n=> {with:?}"
    );
    prop_assert!(
        support::card_paragraph(with).is_some(),
        "the card is not read as blocks of its own: {with:?}"
    );
    Ok(true)
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
        1 => Just("{{#prd-skeleton title=\"X\" author=Jo}}".to_string()),
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
        let mut p = run_with(vec![("chapter.md", text.clone())], &without_cards(every_chapter_a_tdd()));
        prop_assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
        // The analysis read the chapter: it is a document of the model.
        prop_assert!(p.model.document_of(ChapterId(0)).is_some(), "not analyzed: {:?}", text);
        let out = p.texts();
        prop_assert!(out[0] == text, "{}", first_difference(&text, &out[0]));
        // With page cards on, the card is the only addition.
        let with_card = |t: &str| {
            run_with(vec![("chapter.md", t.to_string())], &every_chapter_a_tdd()).texts().remove(0)
        };
        one_card_inserted(&text, &with_card(&text), with_card)?;

        let mut with_prd = pieces.clone();
        let at = if first { 0 } else { at.index(pieces.len() + 1) };
        with_prd.insert(at, LINKED_PRD.to_string());
        let with_prd = with_prd.concat();
        let prd = ("prd.md", "# The PRD\n".to_string());
        let mut p = run_with(vec![("chapter.md", with_prd.clone()), prd.clone()], &without_cards(Config::default()));
        prop_assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
        if first {
            // First in the chapter, the field is in the header: the chapter
            // is a TDD of that PRD, linked as written.
            let doc = p.model.document_of(ChapterId(0));
            let prd = doc.and_then(|d| d.prd.as_ref());
            prop_assert!(
                prd.is_some_and(|r| r.form == PrdForm::Link && r.target == PrdTarget::Chapter(ChapterId(1))),
                "{:?} in {:?}", prd, with_prd
            );
        }
        let out = p.texts();
        prop_assert!(out[0] == with_prd, "{}", first_difference(&with_prd, &out[0]));
        let with_card = |t: &str| {
            run_with(vec![("chapter.md", t.to_string()), prd.clone()], &Config::default()).texts().remove(0)
        };
        let carded = one_card_inserted(&with_prd, &with_card(&with_prd), with_card)?;
        // A TDD by its header gets its card.
        prop_assert!(carded || !first, "no card: {:?}", with_prd);
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
}

/// Directives that render in a book of one chapter.
fn valid_directive() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("{{#tdd-status}}"),
        Just("{{#tdd-status sort=-date columns=document,status}}"),
        Just("{{#tdd-status\n  columns=document}}"),
        Just("{{#prd-status uncovered=true}}"),
        Just("{{#tdd-rollup section=\"12\" where=\"Status=Open\"}}"),
        Just("{{#tdd-backlinks}}"),
        Just("{{#tdd-open-items}}"),
        Just("{{#tdd-blockers}}"),
        Just("{{#tdd-completeness}}"),
    ]
}

/// A valid directive alone in its paragraph (after a blank line), at the
/// top level or in a list item or block quote; then a blank line, the end
/// of the chapter, or a line that opens a block of its own (which the
/// generated block must not swallow).
fn alone_directive() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""),
        Just("  "),
        Just("> "),
        Just(">"),
        Just("- "),
        Just("1. "),
        Just("> - "),
        Just(">- "),
        Just("- > "),
    ];
    let after = prop_oneof![
        Just("\n\n"),
        Just("\r\n\r\n"),
        Just("\r\r"),
        Just("\n# Title\n"),
        Just("\n- item\n"),
        Just("\n1. item\n"),
        Just("\n>\n"),
        Just("\n```\n"),
        Just("\n<div>\n"),
    ];
    (prefix, valid_directive(), after).prop_map(|(p, d, a)| format!("\n\n{p}{d}{a}"))
}

/// The chapter for [`bytes_outside_directives_kept`], in pieces: Markdown
/// and valid directives; in a quarter of the cases broken directives too.
/// Half the time it starts as a TDD, so that the tables have a row, and
/// sometimes it ends without a line break. No skeleton (it rebuilds the
/// chapter), and no Source PRD that leads to a chapter (it would become a
/// link): the chapter is the only one of its book.
fn chapter_pieces() -> impl Strategy<Value = Vec<String>> {
    let clean = prop_oneof![
        1 => piece(),
        1 => alone_directive(),
    ];
    let broken = prop_oneof![
        6 => clean.clone(),
        1 => prop_oneof![
            valid_directive().prop_map(str::to_string),
            Just("{{#tdd-stauts}}".to_string()),
            Just("{{#tdd-open-items x=\"".to_string()),
            Just("{{#tdd-status title=\"X\" author=Jo}}".to_string()),
        ],
    ];
    let pieces = prop_oneof![
        3 => prop::collection::vec(clean, 0..30),
        1 => prop::collection::vec(broken, 0..30),
    ];
    let tdd = "# A design\n\n**Status:** Draft\n**Source PRD:** other.md\n\n";
    (any::<bool>(), pieces, any::<bool>()).prop_map(move |(is_tdd, mut v, cut_end)| {
        if is_tdd {
            v.insert(0, tdd.to_string());
        }
        if let Some(last) = v.last_mut().filter(|_| cut_end) {
            last.truncate(last.trim_end_matches(['\n', '\r']).len());
        }
        v
    })
}

/// The text with every carriage return that no line feed follows read as a
/// line feed, as the preprocessor's line-based work reads it (same offsets).
fn lf_view(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    for i in 0..out.len() {
        if out[i] == b'\r' && out.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    String::from_utf8(out).unwrap()
}

/// The prefix that keeps a generated line in the containers the directive's
/// line opens (README: "inside a list item or block quote the generated
/// lines carry the container's prefix"): block quote markers and tabs stay,
/// every other character becomes a space; a `>` that is directly followed
/// by content gets the space it takes as its own.
fn container_prefix(line_before: &str) -> String {
    let mut out = String::new();
    let mut chars = line_before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '>' => {
                out.push('>');
                if chars.peek().is_some_and(|n| !matches!(n, ' ' | '\t' | '>')) {
                    out.push(' ');
                }
            }
            '\t' => out.push('\t'),
            _ => out.push(' '),
        }
    }
    out
}

/// Whether a line (without its container prefix) opens a list item or an
/// ATX heading, which end a table on their own.
fn opens_item_or_heading(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let after_marker = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    line.starts_with('#')
        || line.strip_prefix(['-', '*', '+']).is_some_and(after_marker)
        || ((1..=9).contains(&digits)
            && line[digits..]
                .strip_prefix(['.', ')'])
                .is_some_and(after_marker))
}

/// What the preprocessor writes in place of the directive at `span` whose
/// rendered block is `block`, in a chapter whose added lines end with
/// `eol`: the block, each line after the first starting with the container
/// prefix (trimmed on an empty line); and, when the line after the
/// directive's holds text, a line of the bare prefix, so that the text does
/// not continue the block. A block that ends with a table needs none before
/// a list item or heading (which end a table, where a blank line would make
/// a tight list loose).
fn placed(view: &str, span: &Range<usize>, block: &str, eol: &str) -> String {
    let line_start = view[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = container_prefix(&view[line_start..span.start]);
    // pulldown-cmark ends the lines of an HTML block at `\n` only: the lines
    // of a generated HTML block (from a line that starts with `<` up to a
    // blank line) end with `\n` where the chapter's end with `\r` alone.
    let html_eol = if eol == "\r" { "\n" } else { eol };
    let mut in_html = false;
    let mut out = String::new();
    for (i, line) in block.split('\n').enumerate() {
        if i > 0 {
            out.push_str(if in_html { html_eol } else { eol });
            out.push_str(if line.is_empty() {
                prefix.trim_end()
            } else {
                &prefix
            });
        }
        out.push_str(line);
        in_html = !line.is_empty() && (in_html || line.starts_with('<'));
    }
    let next_line = view[span.end..]
        .split_once('\n')
        .map_or("", |(_, rest)| rest.split('\n').next().unwrap_or(""));
    let next_text = next_line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let ends_with_table = block.rsplit('\n').next().unwrap_or("").starts_with('|');
    let table_ended = ends_with_table && opens_item_or_heading(next_text);
    let after = if in_html { html_eol } else { eol };
    if !next_text.is_empty() && !table_ended {
        out.push_str(after);
        out.push_str(prefix.trim_end());
    } else if after != eol && span.end < view.len() {
        out.push_str(after);
    }
    out
}

/// Checks a run's output against the input with each directive the scanner
/// reports replaced by its rendered block, placed as [`placed`] says: the
/// author's bytes between directives must come out contiguous, in order, at
/// exactly their places. Returns how many directives were replaced.
fn check_kept(text: &str, processed: &Processed, out: &str) -> Result<usize, TestCaseError> {
    let config = Config::default();
    let view = lf_view(text);
    let eol = if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') {
        "\r"
    } else {
        "\n"
    };
    // A Source PRD that leads to a chapter would be rewritten, and a PRD
    // would get its backlinks list: neither can happen in this book.
    let doc = processed.model.document_of(ChapterId(0));
    prop_assert!(
        doc.and_then(|d| d.prd.as_ref())
            .is_none_or(|p| !matches!(p.target, PrdTarget::Chapter(_))),
        "a Source PRD leads to a chapter"
    );
    prop_assert!(
        doc.is_none_or(|d| d.kind != DocKind::Prd),
        "the chapter is a PRD"
    );
    let chapters: Vec<_> = processed.model.chapters.iter().collect();
    let paths = render::PathIndex::new(&chapters);
    let ctx = RenderContext {
        model: &processed.model,
        config: &config,
        chapter: ChapterId(0),
        html: true,
        index_enabled: true,
        paths: &paths,
    };
    let mut pos = 0;
    let mut kept_from = 0;
    let expect = |what: &str, want: &str, pos: &mut usize| {
        let got = out.get(*pos..).unwrap_or("");
        if !got.starts_with(want) {
            let shown = clip(got, 0, want.len() + 20);
            return Err(TestCaseError::fail(format!(
                "{what} at byte {pos} of the output:\n  want {want:?}\n  got  {shown:?}\ninput {text:?}\noutput {out:?}"
            )));
        }
        *pos += want.len();
        Ok(())
    };
    let found = scan(&view, &config.markdown).directives;
    for d in &found {
        // Every directive of a run without errors is well-formed, known,
        // alone in its paragraph, and renders.
        let raw = match &d.parsed {
            Ok(raw) => raw,
            Err(e) => return Err(TestCaseError::fail(format!("no error for {e:?}"))),
        };
        let kind = DirectiveKind::from_name(&raw.name);
        prop_assert!(kind.is_some_and(|k| !k.is_skeleton()), "{}", raw.name);
        let kind = kind.unwrap();
        let block = match render::render(&ctx, kind, &raw.args) {
            Ok(b) => b.concat(),
            Err(p) => return Err(TestCaseError::fail(format!("no error for {p:?}"))),
        };
        let span = raw.span.clone();
        let kept = kept_from..span.start;
        expect(
            &format!("the author's bytes {kept:?}"),
            &text[kept],
            &mut pos,
        )?;
        let block = placed(&view, &span, &block, eol);
        expect(&format!("the block for {span:?}"), &block, &mut pos)?;
        kept_from = span.end;
    }
    let kept = kept_from..text.len();
    expect(
        &format!("the author's bytes {kept:?}"),
        &text[kept],
        &mut pos,
    )?;
    prop_assert_eq!(pos, out.len(), "the output goes on after the input's end");
    Ok(found.len())
}

/// Bytes outside directive spans are kept: the output is exactly the input
/// with each directive the scanner reports replaced by its rendered block
/// (for chapters without a skeleton, which rebuilds the chapter). A run
/// with errors gives mdBook no book at all, so only runs without errors are
/// checked; the generator writes mostly valid directives, and two thirds of
/// the cases must be checked, half of all with directives replaced.
#[test]
fn bytes_outside_directives_kept() {
    let mut runner = TestRunner::new(RunnerConfig {
        cases: 400,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let (cases, checked, replaced) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let result = runner.run(&chapter_pieces(), |pieces| {
        let text = pieces.concat();
        let mut p = run_with(
            vec![("a.md", text.clone())],
            &without_cards(Config::default()),
        );
        let out = p.texts().remove(0);
        cases.set(cases.get() + 1);
        if p.diagnostics.has_errors() {
            return Ok(());
        }
        let n = check_kept(&text, &p, &out)?;
        let with_card = |t: &str| {
            run_with(vec![("a.md", t.to_string())], &Config::default())
                .texts()
                .remove(0)
        };
        one_card_inserted(&out, &with_card(&text), with_card)?;
        checked.set(checked.get() + 1);
        if n > 0 {
            replaced.set(replaced.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (cases, checked, replaced) = (cases.get(), checked.get(), replaced.get());
    eprintln!("{cases} cases, {checked} without errors, {replaced} with directives replaced");
    assert!(
        checked * 3 >= cases * 2,
        "only {checked} of {cases} cases checked"
    );
    assert!(
        replaced * 2 >= cases,
        "only {replaced} of {cases} cases replace directives"
    );
}

/// Author sections for the merge property: numbered sections (some from the
/// TDD template, some not) and named ones (some from the PRD template) with
/// unique lines.
fn author_sections() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    let heading = prop_oneof![
        (1u32..=12).prop_map(|n| format!("## {n}. Section {n}")),
        (1u32..=12, 1u32..=6).prop_map(|(a, b)| format!("### {a}.{b} Sub {a}.{b}")),
        Just("## Glossary".to_string()),
        Just("### Notes".to_string()),
        Just("#### Example entity".to_string()),
        Just("# My own title".to_string()),
        // Sections of the PRD template, matched by heading text in any
        // case (written unlike the template's lines, which the property
        // counts apart from the author's).
        Just("## problem".to_string()),
        Just("## requirements".to_string()),
        Just("## OPEN QUESTIONS".to_string()),
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
    fn merge_keeps_every_author_byte(intro in "[a-z ]{0,20}", sections in author_sections(), prd in any::<bool>()) {
        // Either template: the TDD's numbered sections, the PRD's named ones.
        let kind = if prd { "prd" } else { "tdd" };
        let mut text = format!("{{{{#{kind}-skeleton title=T}}}}\n\n");
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

/// Whether `with` is `without` with only guidance wrappers inserted: each
/// insertion is the opening tag with the blank line after it, or the
/// closing tag on a line of its own, a blank line on each side (line
/// endings as an HTML block's). Returns how many tags were inserted.
fn only_wrappers_inserted(without: &str, with: &str) -> Option<usize> {
    const OPEN: &str = "<div class=\"tdd-guidance\">";
    const CLOSE: &str = "</div>";
    let mut insertions = Vec::new();
    for eol in ["\n", "\r\n"] {
        insertions.push((format!("{OPEN}{eol}{eol}"), 1));
        for lead in ["", eol] {
            for after in ["", eol] {
                insertions.push((format!("{lead}{eol}{CLOSE}{eol}{after}"), 1));
            }
        }
    }
    // Depth-first over (position in `with`, position in `without`, tags so
    // far), each state once: the alignment is nearly diagonal, so few are
    // reachable.
    let (w, o) = (with.as_bytes(), without.as_bytes());
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(0usize, 0usize, 0usize)];
    while let Some((i, j, n)) = stack.pop() {
        if !seen.insert((i, j, n)) {
            continue;
        }
        if i == w.len() && j == o.len() {
            return Some(n);
        }
        for (s, k) in &insertions {
            if w[i..].starts_with(s.as_bytes()) {
                stack.push((i + s.len(), j, n + k));
            }
        }
        if i < w.len() && j < o.len() && w[i] == o[j] {
            stack.push((i + 1, j + 1, n));
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, .. ProptestConfig::default() })]

    /// The guidance wrappers of a skeleton page are the only bytes its HTML
    /// output has beyond the output for other renderers: no author byte
    /// changes around them, in any line ending, and every opening tag has
    /// its closing tag.
    #[test]
    fn guidance_wrappers_only_insert(
        intro in "[a-z ]{0,20}",
        sections in author_sections(),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        end in prop_oneof![Just(""), Just("\n"), Just("\n\n")],
    ) {
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
        let text = format!("{}{end}", text.trim_end()).replace('\n', eol);
        let config = without_cards(Config::default());
        let out = |html: bool| {
            let settings = Settings { html, ..Settings::default() };
            let chapters = vec![chapter("t.md", text.clone())];
            let mut p = process(chapters, &config, &settings, Diagnostics::new());
            (p.texts().remove(0), p.diagnostics)
        };
        let (html, diags) = out(true);
        prop_assert!(!diags.has_errors(), "{:?}", diags);
        let (other, _) = out(false);
        // The skeleton was expanded: the template's 1.1 is there with its
        // guidance, or the author's 1.1 stands in its place in the template.
        let wrote_1_1 = sections.iter().any(|(h, _)| h.starts_with("### 1.1 "));
        if wrote_1_1 {
            prop_assert!(other.contains("### 1.1 Sub 1.1") && other.matches("## ").count() > sections.len(), "{}", other);
        } else {
            prop_assert!(other.contains("{One-paragraph summary"), "{}", other);
        }
        let tags = only_wrappers_inserted(&other, &html);
        prop_assert!(tags.is_some(), "more than wrappers inserted:\n{:?}\n=> {:?}", other, html);
        let opened = html.matches("<div class=\"tdd-guidance\">").count();
        prop_assert!(opened > 0, "no guidance wrapped: {:?}", html);
        prop_assert_eq!(tags, Some(2 * opened), "unbalanced wrappers: {:?}", html);
    }
}
