//! What readers of the pages get: template guidance set apart from written
//! text without changing what the analysis sees (through the library), and
//! roll-ups in the order asked, with blocked and high-impact cells standing
//! out (built by the real mdBook engines).

mod support;

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Processed, Settings, SourceChapter, process};

fn chapter(path: &str, text: &str) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.to_string().into(),
    }
}

fn run(chapters: &[(&str, &str)], html: bool) -> Processed {
    let settings = Settings {
        html,
        ..Settings::default()
    };
    process(
        chapters.iter().map(|(p, t)| chapter(p, t)).collect(),
        &Config::default(),
        &settings,
        Diagnostics::new(),
    )
}

/// What the model says of the TDD `tdd/a.md`: the state of each section and
/// the number of placeholders; and the lints reported for it.
fn judged(p: &Processed) -> (String, usize, Vec<&'static str>) {
    let doc = p
        .model
        .tdds()
        .find(|d| p.model.chapter(d).path == "tdd/a.md")
        .expect("the TDD");
    // By name: the places differ, since the first run reports what the
    // template brings at the directive.
    let mut lints: Vec<&'static str> = p
        .diagnostics
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file == "src/tdd/a.md")
        })
        .map(|d| d.lint.name())
        .collect();
    lints.sort_unstable();
    (format!("{:?}", doc.completeness), doc.placeholders, lints)
}

/// On HTML pages the guidance of an expanded skeleton is wrapped; a second
/// run on that output (a chapter without skeleton now) still finds the same
/// sections unwritten, the same placeholders, the same lints, and changes
/// nothing.
#[test]
fn guidance_stays_guidance_on_a_second_run() {
    let tdd = "{{#tdd-skeleton title=Pay author=Jo date=2026-01-02 status=Approved prd=../prd/pay.md}}\n\n## 1. Overview\n\n### 1.1 Summary\nWe pay.\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| FX | Risk | H | Jo | Open |\n";
    let prd = "# Pay\n\n**Status:** Approved\n";
    for html in [true, false] {
        let mut first = run(&[("prd/pay.md", prd), ("tdd/a.md", tdd)], html);
        let judged_first = judged(&first);
        assert!(
            judged_first.2.contains(&"placeholder-in-final"),
            "{judged_first:?}"
        );
        let out = first.texts().swap_remove(1);
        assert_eq!(out.contains("<div class=\"tdd-guidance\">"), html, "{out}");
        let mut second = run(&[("prd/pay.md", prd), ("tdd/a.md", &out)], html);
        assert_eq!(judged(&second), judged_first, "html: {html}");
        assert_eq!(second.texts().swap_remove(1), out, "html: {html}");
    }
}

fn cells(table: &scraper::ElementRef<'_>, column: usize) -> Vec<String> {
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    table
        .select(&row)
        .map(|r| {
            r.select(&td)
                .nth(column)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// Roll-ups on the rendered page: open items highest impact first (the
/// default), blockers by a date column; `Blocked` and high impact cells in
/// their spans on HTML pages, strong in the Markdown renderer's output.
#[test]
fn roll_ups_sorted_and_flagged_on_the_page() {
    let book = support::repo().join("tests/fixtures/books/readers");
    for engine in [support::Engine::V05, support::Engine::V04] {
        let b = support::build(&book, engine, "[output.html]\n[output.markdown]\n");
        b.assert_ok();
        let page = scraper::Html::parse_document(&b.page("status.html"));
        let table = scraper::Selector::parse("main table").unwrap();
        let tables: Vec<_> = page.select(&table).collect();
        assert_eq!(tables.len(), 2, "{engine:?}");
        assert_eq!(
            cells(&tables[0], 1),
            [
                "Marked up",
                "High later",
                "Medium",
                "Low first",
                "Also low",
                "No impact yet"
            ],
            "{engine:?}"
        );
        assert_eq!(
            cells(&tables[1], 1),
            ["Bank API", "Vault", "Ledger v2"],
            "{engine:?}"
        );
        let high = scraper::Selector::parse("td > span.tdd-impact-high").unwrap();
        let high: Vec<String> = tables[0]
            .select(&high)
            .map(|s| s.text().collect())
            .collect();
        assert_eq!(high, ["High", "H"], "{engine:?}");
        let strong = scraper::Selector::parse("span.tdd-impact-high > strong").unwrap();
        assert_eq!(
            tables[0].select(&strong).count(),
            1,
            "{engine:?}: the author's markup stays"
        );
        let blocked = scraper::Selector::parse("td > span.tdd-flag-blocked").unwrap();
        let blocked: Vec<String> = tables[1]
            .select(&blocked)
            .map(|s| s.text().collect())
            .collect();
        assert_eq!(blocked, ["blocked", "Blocked"], "{engine:?}");
        let md = std::fs::read_to_string(b.markdown.join("status.md")).unwrap();
        assert!(
            md.contains("| **blocked** |") && md.contains("| **H** |"),
            "{engine:?}: {md}"
        );
        assert!(!md.contains("<span"), "{engine:?}: {md}");
    }
}

/// The readers book in a directory of its own, with `tail` appended to its
/// book.toml.
fn readers_book(tail: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(
        &support::repo().join("tests/fixtures/books/readers"),
        dir.path(),
    );
    let toml = dir.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n{tail}")).unwrap();
    dir
}

fn cli(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(support::binary())
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `mermaid-not-rendered`, in a build (both engines) and in `check` alike:
/// a book without any Mermaid renderer hears of the first diagram of each
/// chapter; one whose Mermaid preprocessor runs before tdd (what
/// `mdbook-mermaid install` leaves), of the diagrams the skeleton brings;
/// after `mdbook-tdd install`, which runs tdd before mermaid, of nothing.
#[test]
fn diagrams_that_nothing_renders_are_reported() {
    const MERMAID: &str = "[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\noptional = true\n\n[output.html]\nadditional-js = [\"mermaid.min.js\", \"mermaid-init.js\"]\n";
    let none = readers_book("");
    let before = readers_book(MERMAID);
    for (dir, want) in [
        (
            &none,
            "warning[mermaid-not-rendered]: Mermaid diagram not rendered: the book configures no Mermaid renderer, so the page shows its code\n  --> src/tdd/c-diagrams.md:7:1\n",
        ),
        (
            &before,
            "warning[mermaid-not-rendered]: Mermaid diagram not rendered: the `mermaid` preprocessor runs before `tdd`, so it never sees the diagrams of the expanded skeleton\n  --> src/tdd/c-diagrams.md:1:1\n   = help: add `before = [\"mermaid\"]` to `[preprocessor.tdd]` (`mdbook-tdd install` does)\n   = note: the diagram comes from the skeleton's template\n   = note: 2 more Mermaid diagrams in this chapter\n",
        ),
    ] {
        let check = cli(&["check"], dir.path());
        assert_eq!(check.status.code(), Some(0));
        let check = String::from_utf8(check.stderr).unwrap();
        assert!(check.contains(want), "{check}");
        assert!(check.ends_with("mdbook-tdd: 1 warning\n"), "{check}");
        for engine in [support::Engine::V05, support::Engine::V04] {
            // The mermaid.js files are not needed to tell.
            for js in ["mermaid.min.js", "mermaid-init.js"] {
                std::fs::write(dir.path().join(js), "").unwrap();
            }
            let b = support::build(dir.path(), engine, "");
            b.assert_ok();
            assert_eq!(b.stderr, check, "{engine:?}");
        }
    }
    // `install` puts tdd before mermaid: nothing to report.
    let o = cli(&["install"], before.path());
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let toml = std::fs::read_to_string(before.path().join("book.toml")).unwrap();
    assert!(toml.contains("before = [\"mermaid\"]"), "{toml}");
    let check = cli(&["check"], before.path());
    let check = String::from_utf8(check.stderr).unwrap();
    assert!(check.contains("no problems"), "{check}");
    for engine in [support::Engine::V05, support::Engine::V04] {
        let b = support::build(before.path(), engine, "");
        b.assert_ok();
        assert_eq!(b.stderr, "", "{engine:?}");
    }
}
