//! Whatever a TDD's header fields and table cells hold, the status page
//! that copies them keeps its tables whole, gets no markup of theirs and
//! no live directive, and a second run changes nothing.

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};
use proptest::prelude::*;

const STATUS: &str =
    "# Status\n\n{{#tdd-status columns=document,owner,date}}\n\n{{#tdd-rollup section=\"10.3\"}}\n";

fn run(tdd: &str, status: &str) -> (String, bool) {
    let chapter = |path: &str, text: &str| SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.to_string().into(),
    };
    let mut p = process(
        vec![
            chapter("prd/pay.md", "# Pay\n\n**Status:** Approved\n"),
            chapter("status.md", status),
            chapter("tdd/a.md", tdd),
        ],
        &Config::default(),
        &Settings::default(),
        Diagnostics::new(),
    );
    let errors = p.diagnostics.has_errors();
    (p.texts().swap_remove(1), errors)
}

/// Pieces of hostile values (no line breaks: a header field is one line).
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>".to_string()),
        Just("</table>".to_string()),
        Just("</td>".to_string()),
        Just("<b>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<https://x.y/a>".to_string()),
        Just("<a@b.c>".to_string()),
        Just("&lt;".to_string()),
        Just("&amp;".to_string()),
        Just("\\|".to_string()),
        Just("\\".to_string()),
        Just("`".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("](".to_string()),
        Just(")".to_string()),
        Just("](../x.md \"t\")".to_string()),
        Just("{{#".to_string()),
        Just("{{ #".to_string()),
        Just("{{".to_string()),
        Just("{".to_string()),
        Just("#".to_string()),
        Just("}}".to_string()),
        Just("include x".to_string()),
        Just(" ".to_string()),
        Just("-".to_string()),
        Just("2026-04-22".to_string()),
        "[a-z]{1,4}",
    ]
}

/// A value made of pieces, without a `|` that would split the document's
/// own table cell.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..10).prop_map(|v| v.concat())
}

/// The tables of a page as pulldown-cmark reads it: for each, its number of
/// body rows; and every piece of raw HTML found in it.
fn tables(md: &str) -> (Vec<usize>, Vec<String>) {
    let options = mdbook_markdown::MarkdownOptions::default();
    let (mut rows, mut html) = (Vec::new(), Vec::new());
    for e in mdbook_markdown::new_cmark_parser(md, &options) {
        match e {
            Event::Start(Tag::Table(_)) => rows.push(0),
            Event::End(TagEnd::TableRow) => {
                if let Some(r) = rows.last_mut() {
                    *r += 1;
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => html.push(h.to_string()),
            _ => {}
        }
    }
    (rows, html)
}

fn live_directive(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        if rest[i + 2..].trim_start().starts_with('#') {
            return true;
        }
        rest = &rest[i + 1..];
    }
    false
}

/// The raw HTML the preprocessor itself writes into tables: badges, the
/// marks of the generated tables, the spans that keep short values on one
/// line, the spans of flagged cells, and code spans made of tags.
fn our_html(h: &str) -> bool {
    matches!(
        h,
        "<code>"
            | "</code>"
            | "</span>"
            | "<span class=\"tdd-table tdd-table-tdd-status\">"
            | "<span class=\"tdd-table tdd-table-rollup\">"
            | "<span class=\"tdd-nowrap\">"
            | "<span class=\"tdd-impact-high\">"
            | "<span class=\"tdd-flag-blocked\">"
    ) || h.starts_with("<span class=\"tdd-status ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn values_cannot_change_the_status_page(owner in value(), date in value(), cell in value(), other in value()) {
        let cell = cell.replace('|', "\\|");
        let other = other.replace('|', "\\|");
        let tdd = format!(
            "# A\n\n**Status:** Draft\n**Owner:** {owner}\n**Date:** {date}\n**Source PRD:** ../prd/pay.md\n\n## 10. Implementation\n\n### 10.3 Dependencies & Blockers\n| Dependency | Owner |\n|---|---|\n| {cell} | {other} |\n| plain | row |\n"
        );
        // The TDD itself may hold one of our directives, made of the pieces.
        prop_assume!(!tdd.contains("{{#tdd-") && !tdd.contains("{{#prd-"));
        let (out, errors) = run(&tdd, STATUS);
        prop_assert!(!errors, "{}", tdd);
        let (rows, html) = tables(&out);
        // One TDD; the two rows of its table.
        prop_assert_eq!(rows, vec![1, 2], "{}\n{}", tdd, out);
        for h in &html {
            let ours = our_html(h);
            prop_assert!(ours, "raw HTML {:?} from\n{}\nin\n{}", h, tdd, out);
        }
        // Every span the preprocessor opens is closed: no value can escape
        // the closing tag.
        let opened = html.iter().filter(|h| h.starts_with("<span")).count();
        let closed = html.iter().filter(|h| h.as_str() == "</span>").count();
        prop_assert_eq!(opened, closed, "{}\n{}", tdd, out);
        prop_assert!(!live_directive(&out), "{}\n{}", tdd, out);
        let (again, _) = run(&tdd, &out);
        prop_assert_eq!(&again, &out);
    }
}

/// A value that is a flag word (`H`, `Blocked`) in one of its forms, or any
/// hostile value.
fn flag_value(word: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(word.to_string()),
        Just(word.to_lowercase()),
        Just(format!("**{word}**")),
        Just(format!("`{word}`")),
        Just(format!("<b>{word}</b>")),
        Just(format!("{word} <script>")),
        value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    /// Flagged cells (a `Blocked` status, a high impact) are wrapped in our
    /// own `<span>` and sorted by, but their text is copied as any other:
    /// it cannot change the page either.
    #[test]
    fn flagged_values_cannot_change_the_status_page(
        item in value(),
        impact in flag_value("H"),
        status in flag_value("Blocked"),
    ) {
        let [item, impact, status] = [item, impact, status].map(|v| v.replace('|', "\\|"));
        let tdd = format!(
            "# A\n\n**Status:** Draft\n**Source PRD:** ../prd/pay.md\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| {item} | Risk | {impact} | Jo | {status} |\n| plain | Risk | L | Bo | Blocked |\n"
        );
        prop_assume!(!tdd.contains("{{#tdd-") && !tdd.contains("{{#prd-"));
        let status_page = "# Status\n\n{{#tdd-rollup section=\"12\" sort=Impact}}\n\n{{#tdd-rollup section=\"12\" sort=-Status}}\n";
        let (out, errors) = run(&tdd, status_page);
        prop_assert!(!errors, "{}", tdd);
        let (rows, html) = tables(&out);
        prop_assert_eq!(rows, vec![2, 2], "{}\n{}", tdd, out);
        for h in &html {
            let ours = our_html(h);
            prop_assert!(ours, "raw HTML {:?} from\n{}\nin\n{}", h, tdd, out);
        }
        // The plain row is flagged `Blocked`; its `L` is no high impact.
        prop_assert!(out.contains("| <span class=\"tdd-flag-blocked\">Blocked</span> |"), "{}", out);
        prop_assert!(!out.contains("<span class=\"tdd-impact-high\">L</span>"), "{}", out);
        prop_assert!(!live_directive(&out), "{}\n{}", tdd, out);
        let (again, _) = run(&tdd, &out);
        prop_assert_eq!(&again, &out);
    }
}
