//! Skeleton pages as readers see them, built by the real mdBook engines (0.5
//! and 0.4) through the real binary: every heading of the template has its
//! text and an id, and every table of the template is a table — for a
//! skeleton left as it is, for one merged with the author's sections, and for
//! the text `mdbook-tdd expand` writes into the file.

mod support;

use scraper::{ElementRef, Html, Selector};
use std::path::Path;
use support::{Built, Engine, build, repo};

/// Headings and tables of a chapter as the preprocessor wrote it (read from
/// mdBook's Markdown renderer): ATX heading lines and table delimiter rows
/// outside fenced code.
fn markdown_shape(md: &str) -> (Vec<String>, usize) {
    let mut headings = Vec::new();
    let mut tables = 0;
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let t = line.trim_start();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
            continue;
        }
        if t.starts_with('#') {
            headings.push(t.trim_start_matches('#').trim().to_string());
        }
        let row = t.trim_start_matches(['-', '*', '+', ' ', '>']);
        if row.starts_with('|')
            && row.contains('-')
            && row.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        {
            tables += 1;
        }
    }
    (headings, tables)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let s = Selector::parse(css).unwrap();
    doc.select(&s).collect()
}

fn text(e: &ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// Checks one rendered page against the Markdown it was rendered from.
fn check_page(b: &Built, page: &str, expect_headings: &[&str]) {
    let md = std::fs::read_to_string(b.markdown.join(format!("{page}.md"))).unwrap();
    let (md_headings, md_tables) = markdown_shape(&md);
    let html = Html::parse_document(&b.page(&format!("{page}.html")));
    let headings = select(
        &html,
        "main h1, main h2, main h3, main h4, main h5, main h6",
    );
    assert_eq!(
        headings.len(),
        md_headings.len(),
        "{page}: headings in HTML {:?}\nin Markdown {md_headings:?}",
        headings.iter().map(text).collect::<Vec<_>>()
    );
    for h in &headings {
        let t = text(h);
        assert!(
            !t.is_empty() && t != "\\",
            "{page}: a heading without text: {}",
            h.html()
        );
        let id = h.value().attr("id").unwrap_or("");
        assert!(!id.is_empty(), "{page}: a heading without id: {}", h.html());
        // No placeholder words read as attributes.
        let attrs: Vec<&str> = h.value().attrs().map(|(k, _)| k).collect();
        assert_eq!(attrs, ["id"], "{page}: {}", h.html());
    }
    let texts: Vec<String> = headings.iter().map(text).collect();
    for want in expect_headings {
        assert!(
            texts.iter().any(|t| t == want),
            "{page}: no heading `{want}` in {texts:?}"
        );
    }
    check_header_lines(&html, page);
    let tables = select(&html, "main table");
    assert_eq!(tables.len(), md_tables, "{page}: tables");
    for p in select(&html, "main p, main li") {
        let t = text(&p);
        assert!(
            !t.starts_with('|') && !t.contains("\n|"),
            "{page}: a table rendered as text: {}",
            p.html()
        );
    }
}

/// The header the template gives a page reads as lines, one field each:
/// in its paragraph a line break (`<br>`) follows every field but the last.
fn check_header_lines(html: &Html, page: &str) {
    let strong = Selector::parse("strong").unwrap();
    let br = Selector::parse("br").unwrap();
    let Some(header) = select(html, "main p").into_iter().find(|p| {
        p.select(&strong)
            .next()
            .is_some_and(|s| text(&s) == "Author:")
    }) else {
        panic!("{page}: no header paragraph");
    };
    let fields: Vec<String> = header.select(&strong).map(|s| text(&s)).collect();
    assert_eq!(
        fields,
        ["Author:", "Date:", "Status:", "Version:", "Source PRD:"],
        "{page}: {}",
        header.html()
    );
    // Each break sits right before the next field's name.
    let breaks = header.select(&br).count();
    assert_eq!(breaks, fields.len() - 1, "{page}: {}", header.html());
    for s in header.select(&strong).skip(1) {
        let before = s
            .prev_siblings()
            .find(|n| !n.value().as_text().is_some_and(|t| t.trim().is_empty()));
        assert!(
            before
                .and_then(ElementRef::wrap)
                .is_some_and(|e| e.value().name() == "br"),
            "{page}: no line break before {}: {}",
            text(&s),
            header.html()
        );
    }
}

const TEMPLATE_HEADINGS: &[&str] = &[
    "{Entity Name}",
    "{METHOD} {path}",
    "5.1 {Primary User Workflow Name}",
    "5.2 {Error / Edge Case Flow Name}",
    "9.1 {Alternative Approach Name}",
    "{Component / Layer 1}",
    "12. Open Questions & Risks",
];

/// Where template guidance is on a page: inside `.tdd-guidance` wrappers,
/// which hold no heading, when the page comes from a skeleton; nowhere once
/// `mdbook-tdd expand` has written the text into the file.
fn check_guidance(b: &Built, page: &str, from_skeleton: bool, written: &[&str]) {
    let html = Html::parse_document(&b.page(&format!("{page}.html")));
    let wrappers = select(&html, "main .tdd-guidance");
    if !from_skeleton {
        assert!(wrappers.is_empty(), "{page}: {}", wrappers[0].html());
        return;
    }
    assert!(wrappers.len() > 20, "{page}: {} wrappers", wrappers.len());
    for w in &wrappers {
        assert_eq!(w.value().name(), "div", "{page}");
        let inner = select(
            &html,
            "main .tdd-guidance h1, main .tdd-guidance h2, main .tdd-guidance h3, main .tdd-guidance h4, main .tdd-guidance h5, main .tdd-guidance h6",
        );
        assert!(
            inner.is_empty(),
            "{page}: a heading inside guidance: {}",
            inner[0].html()
        );
        // The guidance is Markdown still: paragraphs, lists, tables, code.
        assert!(
            w.children().filter_map(ElementRef::wrap).all(|c| matches!(
                c.value().name(),
                "p" | "ul" | "ol" | "table" | "pre" | "div" | "blockquote"
            )),
            "{page}: {}",
            w.html()
        );
        assert!(
            !w.inner_html().contains("tdd-guidance"),
            "{page}: nested wrappers"
        );
    }
    let muted: String = wrappers
        .iter()
        .map(|w| w.text().collect::<String>())
        .collect();
    for want in [
        "{What this design explicitly does not address.",
        "{Repeat for each endpoint.}",
        "{How to revert if something goes wrong.",
    ] {
        assert!(muted.contains(want), "{page}: `{want}` is not muted");
    }
    // What the author wrote is not.
    for want in written {
        assert!(!muted.contains(want), "{page}: `{want}` is muted");
        assert!(
            b.page(&format!("{page}.html")).contains(want),
            "{page}: `{want}` missing"
        );
    }
}

fn check_book(book: &Path) {
    check_book_as(book, true);
}

fn check_book_as(book: &Path, from_skeleton: bool) {
    for engine in [Engine::V05, Engine::V04] {
        let (b, warnings) =
            support::build_with_warnings(book, engine, "[output.html]\n[output.markdown]\n");
        b.assert_ok();
        // mdBook 0.5 reads the HTML of a page: the wrappers are balanced.
        assert!(warnings.is_empty(), "{engine:?}: {warnings:?}");
        check_guidance(&b, "fresh", from_skeleton, &[]);
        if from_skeleton {
            let fresh = b.page("fresh.html");
            assert!(
                fresh.contains("<div class=\"tdd-guidance\">\n<p>{One-paragraph summary"),
                "{fresh}"
            );
        }
        check_guidance(&b, "partial", from_skeleton, &["One page checkout."]);
        let mut fresh = vec!["Checkout — Technical Design Document"];
        fresh.extend(TEMPLATE_HEADINGS);
        check_page(&b, "fresh", &fresh);
        check_page(
            &b,
            "partial",
            &[
                "Checkout v2 — Technical Design Document",
                "Basket",
                "{METHOD} {path}",
                "5.1 {Primary User Workflow Name}",
            ],
        );
        assert!(!b.stderr.contains("warning"), "{engine:?}: {}", b.stderr);
    }
}

#[test]
fn skeleton_pages_have_headings_and_tables() {
    check_book(&repo().join("tests/fixtures/books/skeleton"));
}

/// The text `mdbook-tdd expand` writes renders the same way.
#[test]
fn expanded_pages_have_headings_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    support::copy_tree(&repo().join("tests/fixtures/books/skeleton"), &root);
    for chapter in ["fresh.md", "partial.md"] {
        let out = std::process::Command::new(support::binary())
            .arg("expand")
            .arg(root.join("src").join(chapter))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = std::fs::read_to_string(root.join("src").join(chapter)).unwrap();
        assert!(!text.contains("{{#tdd-skeleton"), "{text}");
        // The file holds the template's text, not the page's wrappers.
        assert!(!text.contains("tdd-guidance"), "{text}");
    }
    check_book_as(&root, false);
}

/// A chapter whose lines end with `\r\n` gets the same header lines. (One
/// whose lines end with a carriage return alone is read by the markdown
/// renderers of mdBook as one line, whatever the preprocessor writes.)
#[test]
fn header_lines_with_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    support::copy_tree(&repo().join("tests/fixtures/books/skeleton"), &root);
    let directive =
        "{{#tdd-skeleton title=\"Checkout\" author=\"Ana Lima\" date=2026-11-02 prd=prd.md}}";
    std::fs::write(
        root.join("src/crlf.md"),
        format!("{directive}\r\n\r\nNotes.\r\n"),
    )
    .unwrap();
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        format!("{summary}- [CRLF](crlf.md)\n"),
    )
    .unwrap();
    for engine in [Engine::V05, Engine::V04] {
        let b = build(&root, engine, "");
        b.assert_ok();
        let html = Html::parse_document(&b.page("crlf.html"));
        check_header_lines(&html, "crlf");
    }
}
