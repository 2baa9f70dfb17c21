//! Every line ending Markdown accepts (`\n`, `\r\n`, and `\r` alone, as old
//! Mac editors write) is one the whole run accepts: skeleton merges keep every
//! line the author wrote, added lines end like the chapter's, header fields
//! and directives are found, and diagnostics name the right line.

mod support;

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};

fn chapter(path: &str, name: &str, text: &str) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(name, path, path, "src", true),
        text: text.into(),
    }
}

/// Runs the preprocessor; returns the chapters' texts and the diagnostics.
fn run(chapters: Vec<SourceChapter>) -> (Vec<String>, Vec<String>) {
    let mut p = process(
        chapters,
        &Config::default(),
        &Settings::default(),
        Diagnostics::new(),
    );
    let diags = p.diagnostics.iter().map(ToString::to_string).collect();
    (p.texts(), diags)
}

fn lines(text: &str) -> Vec<&str> {
    text.split("\r\n")
        .flat_map(|l| l.split(['\r', '\n']))
        .collect()
}

const AUTHOR: &[&str] = &[
    "{{#tdd-skeleton title=Checkout author=\"Jo Park\" prd=prd.md}}",
    "",
    "Text before the first heading.",
    "",
    "## 1. Overview",
    "",
    "### 1.2 Goals",
    "MINE: pay in one step.",
    "",
    "Second paragraph",
    "-----",
    "",
    "[ref]: https://example.com",
    "## 3. Data Model",
    "",
    "### 3.5 Caching",
    "Baskets live in Redis.",
];

const PRD: &str = "# Checkout PRD\n\n**Status:** Approved\n";

#[test]
fn every_line_ending_keeps_every_author_line() {
    for eol in ["\n", "\r\n", "\r"] {
        let text = AUTHOR.join(eol) + eol;
        let (out, diags) = run(vec![
            chapter("prd.md", "Checkout PRD", &PRD.replace('\n', eol)),
            chapter("tdd.md", "Checkout", &text),
        ]);
        // Only the template's diagrams, which this book renders nowhere:
        // reported at the directive, on the first line.
        assert_eq!(diags.len(), 1, "{eol:?}: {diags:?}");
        assert!(
            diags[0].starts_with("warning[mermaid-not-rendered]")
                && diags[0].contains("\n  --> src/tdd.md:1:1\n"),
            "{eol:?}: {diags:?}"
        );
        let merged = &out[1];
        let got = lines(merged);
        for line in &AUTHOR[1..] {
            if line.is_empty() {
                continue;
            }
            let n = got.iter().filter(|l| l == &line).count();
            assert_eq!(n, 1, "{eol:?}: `{line}` appears {n} times in\n{merged}");
        }
        // The page card after the header: an HTML block, after a blank line
        // that ends like the chapter's lines. After lone `\r`s mdBook's
        // parser reads an ATX heading on to the next `\n`, so that a card
        // there would land inside the H1: these chapters get none.
        let block_eol = if eol == "\r" { "\n" } else { eol };
        let card_start = format!(
            "**Source PRD:** [prd.md](prd.md){eol}{eol}<div class=\"tdd-card\">{block_eol}{block_eol}"
        );
        let card_end = format!("{block_eol}{block_eol}</div>{block_eol}{block_eol}---{eol}");
        let without_card = if eol == "\r" {
            assert!(!merged.contains("tdd-card"), "{merged:?}");
            merged.clone()
        } else {
            let (Some(a), Some(b)) = (merged.find(&card_start), merged.find(&card_end)) else {
                panic!("{eol:?}: no card in {merged:?}");
            };
            let card = &merged[a + card_start.len()..b];
            assert!(
                card.contains("Source PRD: [Checkout PRD](prd.md)"),
                "{card:?}"
            );
            format!("{}{}", &merged[..a + card_start.len()], &merged[b..])
                .replace(
                    &card_start,
                    &format!("**Source PRD:** [prd.md](prd.md){eol}{eol}"),
                )
                .replace(&card_end, &format!("---{eol}"))
        };
        // Added lines end like the chapter's.
        let others: &[&str] = match eol {
            "\n" => &["\r"],
            "\r\n" => &[],
            _ => &["\n"],
        };
        // The wrappers of template guidance are HTML blocks: after a lone
        // `\r` their lines end with `\n`, as the backlinks list's do (see
        // below).
        let unwrapped = if eol == "\r" {
            without_card
                .replace("<div class=\"tdd-guidance\">\n\n", "")
                .replace("\n\n</div>\n\n", "")
                .replace("\n\n</div>\n", "")
        } else {
            without_card.clone()
        };
        for o in others {
            assert!(!unwrapped.contains(o), "{eol:?}: {o:?} in {unwrapped:?}");
        }
        if eol == "\r\n" {
            assert!(!merged.replace("\r\n", "").contains(['\r', '\n']));
        }
        // The PRD's card lists the design (but for the ATX heading after
        // lone `\r`s, as above).
        let prd_card = format!(
            "**Status:** Approved{eol}{eol}<div class=\"tdd-card\">{block_eol}{block_eol}Technical designs: [Checkout](tdd.md) <span class=\"tdd-status tdd-status-draft\">Draft</span>{block_eol}{block_eol}</div>{block_eol}"
        );
        assert_eq!(
            out[0].contains(&prd_card),
            eol != "\r",
            "{eol:?}: {:?}",
            out[0]
        );
        let before_list = if eol == "\r" {
            format!("{eol}{block_eol}")
        } else {
            format!("</div>{block_eol}{block_eol}")
        };
        assert!(merged.starts_with("# Checkout — Technical Design Document"));
        assert!(merged.contains(&format!("**Source PRD:** [prd.md](prd.md){eol}")));
        // The PRD got its backlinks list, with the PRD's line endings; after
        // a lone `\r`, with `\n`, since pulldown-cmark (and so mdBook) does
        // not end the marker's HTML block at a lone `\r`.
        assert!(
            out[0].contains(&format!(
                "{before_list}<!-- tdd-backlinks -->{block_eol}{block_eol}## Technical Designs{block_eol}{block_eol}- [Checkout](tdd.md)"
            )),
            "{eol:?}: {:?}",
            out[0]
        );
    }
}

#[test]
fn mixed_line_endings_keep_the_author_bytes() {
    // A carriage return alone in a CRLF chapter: the author's bytes come back
    // as written, the added lines end with CRLF.
    let text = "{{#tdd-skeleton title=X}}\r\n\r\n## 1. Overview\rMINE\r\n\r\n## 2. System Context\nOURS\r\n";
    let (out, _) = run(vec![chapter("t.md", "T", text)]);
    let merged = &out[0];
    assert!(merged.contains("## 1. Overview\rMINE\r\n"), "{merged:?}");
    assert!(
        merged.contains("## 2. System Context\nOURS\r\n"),
        "{merged:?}"
    );
    assert!(merged.starts_with("# X — Technical Design Document\r\n\r\n"));
}

#[test]
fn carriage_returns_alone_name_the_right_line() {
    let text = "# T\r\r**Source PRD:** [p](p.md)\r\r{{#tdd-stauts}}\r\rx {{#tdd-status}}\r";
    let (_, diags) = run(vec![
        chapter("p.md", "P", "# P\r"),
        chapter("t.md", "T", text),
    ]);
    let all = diags.join("\n");
    assert!(
        all.contains("unknown directive `{{#tdd-stauts}}`\n  --> src/t.md:5:1"),
        "{all}"
    );
    assert!(
        all.contains("[directive-not-alone]") && all.contains("--> src/t.md:7:3"),
        "{all}"
    );
}

/// `mdbook-tdd expand` on a chapter whose lines end with `\r` keeps the
/// author's text on disk.
#[test]
fn expand_keeps_a_cr_only_chapter() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"x\"\n").unwrap();
    std::fs::write(root.join("src/SUMMARY.md"), "- [T](t.md)\n").unwrap();
    let text = "{{#tdd-skeleton title=X}}\r\r## 1. Overview\r\rMINE\r";
    std::fs::write(root.join("src/t.md"), text).unwrap();
    let out = std::process::Command::new(support::binary())
        .arg("expand")
        .arg(root.join("src/t.md"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let after = std::fs::read_to_string(root.join("src/t.md")).unwrap();
    assert!(after.contains("## 1. Overview\r\rMINE\r"), "{after:?}");
    assert!(!after.contains('\n'), "{after:?}");
    assert!(after.starts_with("# X — Technical Design Document\r"));
}

/// A template file whose lines end with `\r` works like any other.
#[test]
fn a_cr_only_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.md"),
        "# {title}\r\r**Status:** Draft\r\r---\r\r## Context\r{context}\r\r## Decision\r{decision}\r",
    )
    .unwrap();
    let settings = Settings {
        root: dir.path().to_path_buf(),
        ..Settings::default()
    };
    let text = "{{#tdd-skeleton template=t.md title=Queue}}\n\n## Decision\nUse SQS.\n";
    let mut p = process(
        vec![chapter("s.md", "S", text)],
        &Config::default(),
        &settings,
        Diagnostics::new(),
    );
    assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(
        p.texts()[0],
        "# Queue\n\n**Status:** Draft\n\n<div class=\"tdd-card\">\n\n<span class=\"tdd-status tdd-status-draft\">Draft</span> · no Source PRD · 1 of 2 sections written · no open items\n\n</div>\n\n---\n\n## Context\n<div class=\"tdd-guidance\">\n\n{context}\n\n</div>\n\n## Decision\nUse SQS.\n"
    );
}

/// pulldown-cmark, which mdBook renders with, ends the lines of an HTML
/// block at `\n` only: in a chapter whose lines end with `\r` alone, the HTML
/// blocks the preprocessor writes (a rendered `{{#tdd-backlinks}}` marker,
/// the `{{#tdd-summary}}` chart) end their lines with `\n`, so that the
/// Markdown after each is read as Markdown and not swallowed as raw HTML.
/// (pulldown-cmark reads an ATX heading up to a `\n` too, so these chapters
/// use setext headings; and a page card, which would go after such lines,
/// is left out.)
#[test]
fn generated_html_blocks_end_in_cr_only_chapters() {
    let prd = "Checkout PRD\r===\r\r**Status:** Approved\r\r---\r\r{{#tdd-backlinks}}\r\rAfter the list.\r";
    let tdd = "Pay\r===\r\r**Status:** Draft\r**Source PRD:** [prd](prd.md)\r\r---\r\r10.3 Dependencies & Blockers\r---\r\r| Dependency | Owner | Status |\r|---|---|---|\r| Stripe | Ana | Blocked |\r";
    let status = "Status\r===\r\r{{#tdd-summary}}\r\rAfter the summary.\r\r- {{#tdd-summary show=statuses}}\r- item\r";
    let (out, diags) = run(vec![
        chapter("prd.md", "Checkout PRD", prd),
        chapter("tdd.md", "Pay", tdd),
        chapter("status.md", "Status", status),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    let html = |md: &str| {
        let mut html = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut html,
            mdbook_markdown::new_cmark_parser(md, &mdbook_markdown::MarkdownOptions::default()),
        );
        html
    };
    let prd_html = html(&out[0]);
    assert!(
        prd_html.contains("<li><a href=\"tdd.md\">Pay</a>")
            && prd_html.contains("<p>After the list.</p>"),
        "{prd_html}"
    );
    for text in &out {
        assert!(!text.contains("tdd-card"), "{text:?}");
    }
    let status_html = html(&out[2]);
    for want in [
        "<p><strong>Blocked dependencies:</strong> 1</p>",
        "<li><a href=\"tdd.md\">Pay</a> — Stripe (owner: Ana)</li>",
        "<p>After the summary.</p>",
        "<li>\n<p>item</p>\n</li>",
    ] {
        assert!(status_html.contains(want), "{want} in {status_html}");
    }
    assert_eq!(status_html.matches("<svg class=\"tdd-summary\"").count(), 2);
    // The Markdown the preprocessor writes around them ends its lines like
    // the chapter's.
    assert!(
        out[2].contains("</div>\n\r**PRDs without a live design:** none\r\r**Blocked dependencies:** 1\r\r- [Pay](tdd.md) — Stripe (owner: Ana)\r\r"),
        "{:?}",
        out[2]
    );
    assert!(
        out[0].contains("\r\r<!-- tdd-backlinks -->\n\r- [Pay](tdd.md)"),
        "{:?}",
        out[0]
    );
}

/// The graph is one HTML block, and pulldown-cmark ends no HTML block at a
/// carriage return alone: in a chapter of such lines the graph's lines and
/// the blank line after it end with `\n`, so that the author's text after
/// it stays Markdown, at the top level, in a block quote and in a list.
#[test]
fn a_graph_in_a_cr_only_chapter_ends_before_the_author_text() {
    let prd = "# Pay PRD\r\r**Status:** Approved\r";
    let tdd = "# Pay\r\r**Status:** Draft\r**Source PRD:** prd.md\r";
    for page in [
        "# Map\r\r{{#tdd-graph}}\r\rafter *one*\r",
        "# Map\r\r> {{#tdd-graph}}\r>\r> after *one*\r",
        "# Map\r\r- {{#tdd-graph}}\r\r  after *one*\r",
    ] {
        let (texts, diags) = run(vec![
            chapter("prd.md", "Pay PRD", prd),
            chapter("tdd.md", "Pay", tdd),
            chapter("map.md", "Map", page),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let out = &texts[2];
        assert!(out.contains("<svg"), "{out:?}");
        let mut html = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut html,
            mdbook_markdown::new_cmark_parser(out, &mdbook_markdown::MarkdownOptions::default()),
        );
        assert!(
            html.contains("<p>after <em>one</em></p>"),
            "{out:?}\n{html}"
        );
        assert!(!html.contains("*one*"), "{html}");
        // The author's bytes around the directive are kept.
        let at = page.find("{{").unwrap();
        assert!(out.starts_with(&page[..at]), "{out:?}");
        assert!(
            out.ends_with(&page[page.find("}}").unwrap() + 2..]),
            "{out:?}"
        );
    }
}
