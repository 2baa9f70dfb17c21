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
            merged
                .replace("<div class=\"tdd-guidance\">\n\n", "")
                .replace("\n\n</div>\n\n", "")
                .replace("\n\n</div>\n", "")
        } else {
            merged.clone()
        };
        for o in others {
            assert!(!unwrapped.contains(o), "{eol:?}: {o:?} in {unwrapped:?}");
        }
        if eol == "\r\n" {
            assert!(!merged.replace("\r\n", "").contains(['\r', '\n']));
        }
        assert!(merged.starts_with("# Checkout — Technical Design Document"));
        assert!(merged.contains(&format!("**Source PRD:** [prd.md](prd.md){eol}")));
        // The PRD got its backlinks list, with the PRD's line endings; after
        // a lone `\r`, with `\n`, since pulldown-cmark (and so mdBook) does
        // not end the marker's HTML block at a lone `\r`.
        let block_eol = if eol == "\r" { "\n" } else { eol };
        assert!(
            out[0].contains(&format!(
                "{eol}{block_eol}<!-- tdd-backlinks -->{block_eol}{block_eol}## Technical Designs{block_eol}{block_eol}- [Checkout](tdd.md)"
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
        "# Queue\n\n**Status:** Draft\n\n---\n\n## Context\n<div class=\"tdd-guidance\">\n\n{context}\n\n</div>\n\n## Decision\nUse SQS.\n"
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
