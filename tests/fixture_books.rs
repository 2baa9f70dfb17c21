//! Fixture books with defects, built by the real mdBook engines: the build
//! fails, stdout carries nothing, and stderr names chapter, line and column.

mod support;

use support::{Engine, build, repo};

fn books() -> std::path::PathBuf {
    repo().join("tests/fixtures/books")
}

#[test]
fn bad_directives_fail_the_build() {
    for engine in [Engine::V05, Engine::V04] {
        let b = build(&books().join("bad-directive"), engine, "");
        assert!(b.result.is_err(), "{engine:?}: the build should fail");
        let err = &b.stderr;
        assert!(
            err.contains("error[unknown-directive]: unknown directive `{{#tdd-stauts}}`\n  --> src/status.md:3:1\n   = help: did you mean `{{#tdd-status}}`?"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("error[directive-not-alone]") && err.contains("--> src/status.md:5:11"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("error[bad-argument]: unknown argument `colums` for `{{#tdd-status}}`\n  --> src/tdd/design.md:8:15\n   = help: did you mean `columns`?"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("warning[broken-prd-link]: Source PRD does not resolve to a chapter of this book: ../prd.md\n  --> src/tdd/design.md:4:17"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("mdbook-tdd: 3 errors, 1 warning"),
            "{engine:?}: {err}"
        );
    }
}

const DOC_MODEL_DIAGNOSTICS: &str = "\
warning[broken-prd-link]: Source PRD does not resolve to a chapter of this book: ../prd/paymnts.md
  --> src/tdd/broken.md:4:17

warning[missing-prd]: this TDD names no Source PRD
  --> src/tdd/noprd.md:1:1
   = help: add a header line `**Source PRD:** [name](path/to/prd.md)`

warning[unknown-status]: unknown status `Aproved`
  --> src/tdd/odd.md:3:13
   = help: did you mean `Approved`?
   = note: statuses: Draft, In Review, Approved, Implemented, Superseded, Rejected, Deprecated

mdbook-tdd: 3 warnings
";

#[test]
fn document_model_book() {
    for engine in [Engine::V05, Engine::V04] {
        let b = build(
            &books().join("doc-model"),
            engine,
            "[output.html]\n[output.markdown]\n",
        );
        b.assert_ok();
        // mdBook runs the preprocessor once per renderer; each run reports the same.
        let runs: Vec<&str> = b.stderr.split_inclusive("warnings\n").collect();
        assert_eq!(runs.len(), 2, "{engine:?}: {}", b.stderr);
        assert_eq!(runs[0], DOC_MODEL_DIAGNOSTICS, "{engine:?}");
        // Only the author's own broken links may be broken; every link the
        // preprocessor generated works, also on the print page.
        let broken: Vec<String> = support::broken_links(&b.html)
            .into_iter()
            .filter(|l| {
                let author = (l.contains("tdd/broken.html: ../prd/paymnts.html")
                    || l.contains("tdd/odd.html: ../README.html")
                    || (l.contains("print.html: ")
                        && (l.contains("prd/paymnts.html")
                            || l.contains("/README.html")
                            || l.contains(": README.html"))))
                    && l.ends_with("(no such page)");
                !author
            })
            .collect();
        assert!(
            broken.is_empty(),
            "{engine:?}: broken links:\n{}",
            broken.join("\n")
        );
        // The README chapter is a PRD, linked as index.html.
        let one = b.page("tdd/one.html");
        assert!(one.contains(r#"href="../index.html""#), "{one}");
        let readme = b.page("index.html");
        assert!(readme.contains(r#"href="tdd/one.html""#), "{readme}");
        // A Source PRD given by name, from a nested chapter, with non-ASCII and spaces.
        let two = b.page("tdd/nested/two.html");
        assert!(
            two.contains("../../prd/zahlungs%20%C3%BCbersicht.html"),
            "{two}"
        );
        let prd = std::fs::read_to_string(b.html.join("prd/zahlungs übersicht.html")).unwrap();
        assert!(prd.contains("../tdd/nested/two.html"), "{prd}");
        // The status page in a sub-folder links back correctly.
        let status = b.page("status/overview.html");
        assert!(
            status.contains(r#"href="../tdd/x/y/z/deep.html""#),
            "{status}"
        );
        assert!(status.contains(r#"href="../index.html""#), "{status}");
    }
}

#[test]
fn lints_obey_configuration() {
    let b = build(
        &books().join("doc-model"),
        Engine::V05,
        "[preprocessor.tdd.lints]\nmissing-prd = \"allow\"\nbroken-prd-link = \"deny\"\n",
    );
    assert!(b.result.is_err());
    assert!(!b.stderr.contains("missing-prd"), "{}", b.stderr);
    assert!(b.stderr.contains("error[broken-prd-link]"), "{}", b.stderr);
    assert!(b.stderr.contains("warning[unknown-status]"), "{}", b.stderr);

    let b = build(&books().join("doc-model"), Engine::V05, "");
    b.assert_ok();
    let strict = {
        let dir = tempfile::tempdir().unwrap();
        support::copy_tree(&books().join("doc-model"), dir.path());
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        assert!(toml.contains("after = [\"links\"]"), "{toml}");
        std::fs::write(
            dir.path().join("book.toml"),
            toml.replace("after = [\"links\"]", "after = [\"links\"]\nstrict = true"),
        )
        .unwrap();
        build(dir.path(), Engine::V05, "")
    };
    assert!(strict.result.is_err());
    assert!(
        strict.stderr.contains("mdbook-tdd: 3 errors"),
        "{}",
        strict.stderr
    );
}

/// With `{{#include}}` expanded before mdbook-tdd runs, a diagnostic names
/// the line of the file a reader can open: the chapter's, as `check` does,
/// or the included file's with a note where it is included.
#[test]
fn diagnostics_behind_an_include_name_the_file() {
    let book = books().join("includes");
    for engine in [Engine::V05, Engine::V04] {
        let b = build(&book, engine, "");
        assert!(b.result.is_err(), "{engine:?}: the build should fail");
        let err = &b.stderr;
        assert!(
            err.contains("error[unknown-directive]: unknown directive `{{#tdd-stauts}}`\n  --> src/t.md:8:1\n"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("error[unknown-directive]: unknown directive `{{#tdd-blokers}}`\n  --> src/parts/risks.md:41:1\n   = help: did you mean `{{#tdd-blockers}}`?\n   = note: known directives:"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("   = note: included with `{{#include}}` at src/t.md:5:1\n"),
            "{engine:?}: {err}"
        );
    }
    // `check` reads the chapter as it is on disk: the same place.
    let out = std::process::Command::new(support::binary())
        .arg("check")
        .arg(&book)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("  --> src/t.md:8:1\n"), "{err}");
}

/// Values, names and cells copied from one document into another page reach
/// it as text: no markup of theirs, no directive for mdBook's `links`
/// preprocessor (which runs after mdbook-tdd in this book), and the list
/// appended to PRDs lands after what they end in.
#[test]
fn copied_values_render_as_text() {
    for engine in [Engine::V05, Engine::V04] {
        let (b, warnings) =
            support::build_with_warnings(&books().join("copied-values"), engine, "");
        b.assert_ok();
        assert_eq!(b.stderr, "", "{engine:?}");
        // A SUMMARY title `{{#include secret.txt}}` is shown, never included.
        let mut pages = Vec::new();
        collect_pages(&b.html, &mut pages);
        for p in &pages {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(
                !text.contains("SECRET-SENTINEL"),
                "{engine:?}: {} includes the file",
                p.display()
            );
        }
        let status = b.page("status.html");
        let main = support::main_of(&status);
        assert!(
            main.contains("{{#include secret.txt}}</a>"),
            "{engine:?}: {main}"
        );
        // No markup from a value.
        for raw in [
            "<script",
            "<style",
            "<b>",
            "<i>",
            "<textarea",
            "<div style",
            "<img src=x",
            "<a href=\"javascript:",
            "<!-- a comment",
        ] {
            assert!(
                !main.contains(raw),
                "{engine:?}: {raw} on the status page:\n{main}"
            );
        }
        for text in [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&lt;style&gt;body{display:none}&lt;/style&gt;",
            "2026-01-02&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;",
            "&lt;b&gt;unclosed",
            "&lt;script&gt; and &amp;lt;b&amp;gt; stay text",
            "<a href=\"https://example.com/a?b=1&amp;c=2\">",
            "<a href=\"mailto:ana@example.com\">",
            "<em>em</em>",
            "<code>code &lt;b&gt;</code>",
            "<del>gone</del>",
        ] {
            assert!(main.contains(text), "{engine:?}: {text} missing:\n{main}");
        }
        // Three tables, each whole: as many rows as the book has.
        assert_eq!(main.matches("<table").count(), 3, "{engine:?}: {main}");
        assert_eq!(main.matches("</table>").count(), 3, "{engine:?}: {main}");
        assert_eq!(
            main.matches("<tr").count(),
            1 + 4 + 1 + 3 + 1 + 2,
            "{engine:?}: {main}"
        );
        // The lists appended to PRDs that end inside a fence nested in a
        // list item, or inside a <script> block, are read as lists.
        for (page, tdd) in [
            ("prd/fence.html", "../tdd/fence.html"),
            ("prd/script.html", "../tdd/script.html"),
        ] {
            let html = b.page(page);
            let main = support::main_of(&html);
            let list = main
                .find(&format!("<li><a href=\"{tdd}\">"))
                .unwrap_or_else(|| panic!("{engine:?}: no list item in {page}:\n{main}"));
            let heading = main.find(">Technical Designs</").unwrap_or(usize::MAX);
            assert!(heading < list, "{engine:?}: {page}:\n{main}");
            let before = &main[..heading];
            assert_eq!(
                before.matches("<pre").count(),
                before.matches("</pre>").count(),
                "{engine:?}: {page}:\n{main}"
            );
            assert_eq!(
                before.matches("<script").count(),
                before.matches("</script>").count(),
                "{engine:?}: {page}:\n{main}"
            );
        }
        // mdBook has nothing to say about the pages mdbook-tdd wrote to (it
        // has about the hostile TDD's own unclosed `<b>`).
        if engine == Engine::V05 {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.contains("unclosed HTML tag `<b>`") && w.contains("hostile.md")),
                "{warnings:#?}"
            );
        }
        let ours: Vec<&String> = warnings
            .iter()
            .filter(|w| {
                ["status.md", "fence.md", "script.md"]
                    .iter()
                    .any(|p| w.contains(p))
            })
            .collect();
        assert!(ours.is_empty(), "{engine:?}: {ours:#?}");
    }
}

fn collect_pages(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_pages(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "html" || x == "js" || x == "json")
        {
            out.push(p);
        }
    }
}

/// `{{#tdd-summary}}` and the page cards as readers get them from both
/// engines: the chart is an SVG with its numbers, in which a status word
/// with markup (`<b>x</b>&`, from the configured vocabulary) is text, and so
/// it is in the cards; every item links to its document; a header kept in an
/// included file gets its card after it; the Markdown renderer gets a table.
#[test]
fn summary_and_cards_render() {
    use scraper::{Html, Selector};
    let sel = |css: &str| Selector::parse(css).unwrap();
    for engine in [Engine::V05, Engine::V04] {
        let (b, warnings) = support::build_with_warnings(
            &books().join("summary"),
            engine,
            "[output.html]\n[output.markdown]\n",
        );
        b.assert_ok();
        assert_eq!(b.stderr, "", "{engine:?}");
        let status = Html::parse_document(&b.page("status.html"));
        let svgs: Vec<_> = status.select(&sel("main svg.tdd-summary")).collect();
        assert_eq!(svgs.len(), 2, "{engine:?}");
        let svg = svgs[0];
        let label = "Designs by status, 3 in all: Draft 1, <b>x</b>& 1, Superseded 1.";
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert_eq!(svg.value().attr("aria-label"), Some(label), "{engine:?}");
        let title: String = svg
            .select(&sel("title"))
            .next()
            .map(|t| t.text().collect())
            .unwrap_or_default();
        assert_eq!(title, label, "{engine:?}");
        // The status word is text: no element of its markup in the chart.
        assert_eq!(svg.select(&sel("b")).count(), 0, "{engine:?}");
        // One segment per status with designs, widths in proportion, the
        // numbers on them and in the legend.
        let widths: Vec<&str> = svg
            .select(&sel("rect.tdd-summary-seg"))
            .filter_map(|r| r.value().attr("width"))
            .collect();
        assert_eq!(widths, ["33.33%", "33.33%", "33.34%"], "{engine:?}");
        let counts: Vec<String> = svg
            .select(&sel("text.tdd-summary-count"))
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(counts, ["1", "1", "1"], "{engine:?}");
        let legend: Vec<String> = svg
            .select(&sel("text.tdd-summary-label"))
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(
            legend,
            [
                "Draft: 1 (33%)",
                "<b>x</b>&: 1 (33%)",
                "Superseded: 1 (33%)"
            ],
            "{engine:?}"
        );
        // Fallback colours, for a page without the stylesheet.
        assert!(
            svg.select(&sel("rect.tdd-summary-seg"))
                .all(|r| r.value().attr("fill").is_some_and(|f| f.starts_with('#'))),
            "{engine:?}"
        );
        // The lists, each item linked to its document.
        let main = status.select(&sel("main")).next().unwrap();
        let items: Vec<String> = main
            .select(&sel("li"))
            .map(|li| li.text().collect::<String>())
            .collect();
        assert_eq!(
            items,
            [
                "Refunds — only inactive designs: Old Refunds Superseded",
                "Audit — no design yet",
                "Cart Service — Payment gateway sandbox <i>now</i> (owner: Sam Okafor)",
                "Cart Service — Carts may outlive their prices (owner: Ana Souza)",
            ],
            "{engine:?}"
        );
        let hrefs: Vec<&str> = main
            .select(&sel("li > a:first-child"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            hrefs,
            [
                "prd/refunds.html",
                "prd/audit.html",
                "tdd/cart.html",
                "tdd/cart.html"
            ],
            "{engine:?}"
        );
        assert_eq!(main.select(&sel("i")).count(), 0, "{engine:?}");
        // The cards: after the header, before the rule; the status word as text.
        let cart = Html::parse_document(&b.page("tdd/cart.html"));
        let card = cart.select(&sel("main div.tdd-card")).next().unwrap();
        let text: String = card.text().collect();
        assert_eq!(
            text.trim(),
            "<b>x</b>& · Source PRD: Checkout · 3 of 12 sections written · 2 open items",
            "{engine:?}"
        );
        assert_eq!(card.select(&sel("b")).count(), 0, "{engine:?}");
        let links: Vec<&str> = card
            .select(&sel("a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            links,
            ["../prd/checkout.html", "#12-open-questions--risks"],
            "{engine:?}"
        );
        for (page, card_text) in [
            (
                "tdd/included.html",
                "Draft · Source PRD: Checkout · 1 of 12 sections written · no open items",
            ),
            (
                "prd/refunds.html",
                "Technical designs: Old Refunds Superseded",
            ),
            ("prd/audit.html", "No technical design yet"),
        ] {
            let html = b.page(page);
            let main = support::main_of(&html);
            let card_at = main.find("<div class=\"tdd-card\">").unwrap_or_else(|| {
                panic!("{engine:?}: no card in {page}:\n{main}");
            });
            // Right after the header's paragraph, before anything else.
            let header_end = main.find("</p>").unwrap();
            assert!(header_end < card_at, "{engine:?}: {page}:\n{main}");
            let doc = Html::parse_document(&html);
            let card = doc.select(&sel("main div.tdd-card")).next().unwrap();
            assert_eq!(card.text().collect::<String>().trim(), card_text);
            assert_eq!(
                doc.select(&sel("main div.tdd-card")).count(),
                1,
                "{engine:?}: {page}"
            );
        }
        // Every generated link works (the open items anchor too).
        let broken = support::broken_links(&b.html);
        assert!(broken.is_empty(), "{engine:?}: {broken:#?}");
        // Other renderers get plain Markdown: a table and the same lists.
        let md = std::fs::read_to_string(b.markdown.join("status.md")).unwrap();
        assert!(
            md.contains("| Status | Designs | Share |\n|---|---|---|\n| Draft | 1 | 33% |\n| \\<b\\>x\\</b\\>\\& | 1 | 33% |\n| Superseded | 1 | 33% |\n| **All designs** | **3** | 100% |"),
            "{engine:?}: {md}"
        );
        assert!(!md.contains("<svg"), "{engine:?}: {md}");
        let cart_md = std::fs::read_to_string(b.markdown.join("tdd/cart.md")).unwrap();
        assert!(
            cart_md.contains("\n<!-- tdd-card -->\n\\<b\\>x\\</b\\>\\& · Source PRD: [Checkout](../prd/checkout.md) · 3 of 12 sections written · [2 open items](#12-open-questions--risks)\n\n---\n"),
            "{engine:?}: {cart_md}"
        );
        // mdBook has nothing to say about what mdbook-tdd wrote.
        assert!(warnings.is_empty(), "{engine:?}: {warnings:#?}");
    }
}

/// `page-cards = false`: no page gets a card, and a chapter without
/// directives is returned as it was.
#[test]
fn page_cards_off() {
    let both = "[output.html]\n[output.markdown]\n";
    let b = build(&books().join("summary"), Engine::V05, both);
    b.assert_ok();
    let off = {
        let dir = tempfile::tempdir().unwrap();
        support::copy_tree(&books().join("summary"), dir.path());
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        std::fs::write(
            dir.path().join("book.toml"),
            toml.replace(
                "after = [\"links\"]",
                "after = [\"links\"]\npage-cards = false",
            ),
        )
        .unwrap();
        build(dir.path(), Engine::V05, both)
    };
    off.assert_ok();
    for page in ["tdd/cart", "tdd/included", "prd/audit", "prd/checkout"] {
        let on = b.page(&format!("{page}.html"));
        let without = off.page(&format!("{page}.html"));
        assert!(on.contains("<div class=\"tdd-card\">"), "{page}");
        assert!(!without.contains("tdd-card"), "{page}: {without}");
    }
    let src = std::fs::read_to_string(books().join("summary/src/tdd/cart.md")).unwrap();
    let md = std::fs::read_to_string(off.markdown.join("tdd/cart.md")).unwrap();
    assert_eq!(md, src);
}
