//! Status banners: a page no longer in force gets one banner at its top
//! (before its card), naming its successor or saying it is dead; none on a
//! page in force; none added by a second run on the preprocessor's own
//! output, whatever the line endings, renderer and admonition setting;
//! `banners = false` adds none. The rendered banners are checked in the
//! lifecycle fixture book (tests/lifecycle.rs).

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};

fn chapter(path: &str, text: &str) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(name_of(path), path, path, "src", true),
        text: text.into(),
    }
}

/// A chapter's name in SUMMARY.md: its file's stem.
fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap().trim_end_matches(".md")
}

fn run(chapters: &[(&str, String)], config: &Config, html: bool) -> Vec<String> {
    let settings = Settings {
        html,
        ..Settings::default()
    };
    process(
        chapters.iter().map(|(p, t)| chapter(p, t)).collect(),
        config,
        &settings,
        Diagnostics::new(),
    )
    .texts()
}

/// A chain of three, a rejected design replaced by another, a rejected one
/// replaced by nothing, a cycle, a design without a title (whose banner and
/// card go at the top), a superseded PRD.
fn book(eol: &str) -> Vec<(&'static str, String)> {
    let texts = [
        ("prd/p1.md", "# P1\n\n**Status:** Superseded\n"),
        (
            "prd/p2.md",
            "# P2\n\n**Status:** Approved\n**Supersedes:** [P1](p1.md)\n",
        ),
        (
            "tdd/a.md",
            "# A\n\n**Status:** Superseded\n**Source PRD:** [P2](../prd/p2.md)\n\n---\n\nText.\n",
        ),
        (
            "tdd/b.md",
            "# B\n\n**Status:** Superseded\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [A](a.md)\n\n---\n\nText.\n",
        ),
        (
            "tdd/c.md",
            "# C\n\n**Status:** Approved\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [B](b.md)\n\n## 1. Overview\n\nText.\n",
        ),
        (
            "tdd/polling.md",
            "# Polling\n\n**Status:** Rejected\n**Source PRD:** [P2](../prd/p2.md)\n",
        ),
        (
            "tdd/push.md",
            "# Push\n\n**Status:** Draft\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [Polling](polling.md)\n",
        ),
        (
            "tdd/dropped.md",
            "# Dropped\n\n**Status:** Rejected\n**Source PRD:** [P2](../prd/p2.md)",
        ),
        (
            "tdd/loop-a.md",
            "# Loop A\n\n**Status:** Draft\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [Loop B](loop-b.md)\n",
        ),
        (
            "tdd/loop-b.md",
            "# Loop B\n\n**Status:** Draft\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [Loop A](loop-a.md)\n",
        ),
        ("tdd/untitled.md", "Text before any title.\n"),
        (
            "tdd/titled.md",
            "# Titled\n\n**Status:** Draft\n**Source PRD:** [P2](../prd/p2.md)\n**Supersedes:** [Untitled](untitled.md)\n",
        ),
    ];
    texts
        .iter()
        .map(|(p, t)| (*p, t.replace('\n', eol)))
        .collect()
}

fn config(admonitions: bool) -> Config {
    let mut diags = Diagnostics::new();
    let book = serde_json::json!({
        "output": { "html": { "admonitions": admonitions } },
        "preprocessor": { "tdd": { "tdd-paths": ["tdd/*.md"], "prd-paths": ["prd/*.md"] } }
    });
    let config = Config::from_book_config(&book, false, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    config
}

fn out_of<'o>(chapters: &[(&str, String)], out: &'o [String], path: &str) -> &'o str {
    let i = chapters.iter().position(|(p, _)| *p == path).unwrap();
    &out[i]
}

/// The text of the banner in `page`: the block quote's line.
fn banner_line(page: &str) -> Option<&str> {
    let at = page
        .find("<div class=\"tdd-banner\">")
        .or_else(|| page.find("<!-- tdd-banner -->"))?;
    page[at..]
        .lines()
        .find(|l| l.starts_with("> ") && !l.contains("[!WARNING]"))
}

#[test]
fn one_banner_per_dead_page_and_none_on_a_second_run() {
    for eol in ["\n", "\r\n"] {
        for (html, admonitions) in [(true, true), (true, false), (false, true)] {
            let what = format!("{eol:?} html={html} admonitions={admonitions}");
            let chapters = book(eol);
            let config = config(admonitions);
            let first = run(&chapters, &config, html);
            let banners = |p: &str| {
                p.matches("<div class=\"tdd-banner\">").count()
                    + p.matches("<!-- tdd-banner -->").count()
            };
            for ((path, _), out) in chapters.iter().zip(&first) {
                let dead = !matches!(
                    *path,
                    "prd/p2.md" | "tdd/c.md" | "tdd/push.md" | "tdd/titled.md"
                );
                assert_eq!(banners(out), usize::from(dead), "{what}: {path}: {out:?}");
                if dead {
                    // At the top: before the card, before the first section.
                    let b = out.find("tdd-banner").unwrap();
                    let card = out.find("tdd-card").unwrap();
                    assert!(b < card, "{what}: {path}: {out:?}");
                    assert_eq!(
                        out.contains("[!WARNING]"),
                        html && admonitions,
                        "{what}: {path}"
                    );
                }
            }
            let a = banner_line(out_of(&chapters, &first, "tdd/a.md")).unwrap();
            assert!(a.contains("**Superseded** by [b](b.md)"), "{what}: {a}");
            assert!(
                a.contains("The design in force is [c](c.md)"),
                "{what}: {a}"
            );
            let b = banner_line(out_of(&chapters, &first, "tdd/b.md")).unwrap();
            assert!(b.contains("**Superseded** by [c](c.md)"), "{what}: {b}");
            assert!(!b.contains("in force is"), "{what}: {b}");
            let polling = banner_line(out_of(&chapters, &first, "tdd/polling.md")).unwrap();
            assert!(
                polling.contains("**Rejected** in favour of [push](push.md)"),
                "{what}: {polling}"
            );
            let dropped = banner_line(out_of(&chapters, &first, "tdd/dropped.md")).unwrap();
            assert!(
                dropped.contains("**Rejected**: this design is not in force."),
                "{what}: {dropped}"
            );
            let cycle = banner_line(out_of(&chapters, &first, "tdd/loop-a.md")).unwrap();
            assert!(cycle.contains("in a cycle"), "{what}: {cycle}");
            let p1 = banner_line(out_of(&chapters, &first, "prd/p1.md")).unwrap();
            assert!(p1.contains("**Superseded** by [p2](p2.md)"), "{what}: {p1}");
            // A status shows with its successor: a badge, or in parentheses.
            if html {
                assert!(a.contains("tdd-status-approved"), "{what}: {a}");
            } else {
                assert!(a.contains("[c](c.md) (Approved)"), "{what}: {a}");
            }
            // Every author byte is still there, in order.
            for ((path, text), out) in chapters.iter().zip(&first) {
                let mut rest = out.as_str();
                for line in text.split_inclusive(eol) {
                    let at = rest
                        .find(line)
                        .unwrap_or_else(|| panic!("{what}: {path}: {line:?} lost in {out:?}"));
                    rest = &rest[at + line.len()..];
                }
            }
            let again: Vec<(&str, String)> = chapters
                .iter()
                .zip(&first)
                .map(|((p, _), t)| (*p, t.clone()))
                .collect();
            let second = run(&again, &config, html);
            assert_eq!(second, first, "{what}: a second run changed the book");
        }
    }
}

#[test]
fn banners_off_add_none_and_cards_off_keep_them() {
    let chapters = book("\n");
    let mut off = config(true);
    off.banners = false;
    for out in run(&chapters, &off, true) {
        assert!(!out.contains("tdd-banner"), "{out}");
    }
    let mut cards_off = config(true);
    cards_off.page_cards = false;
    let out = run(&chapters, &cards_off, true);
    let a = out_of(&chapters, &out, "tdd/a.md");
    assert!(a.contains("tdd-banner") && !a.contains("tdd-card"), "{a}");
    let c = out_of(&chapters, &out, "tdd/c.md");
    assert_eq!(
        c,
        chapters.iter().find(|(p, _)| *p == "tdd/c.md").unwrap().1
    );
}

/// A chapter that got its banner without a card (cards off) gets its card
/// after the banner when cards are turned on, also without an H1.
#[test]
fn a_card_added_later_goes_after_the_banner() {
    let chapters = book("\n");
    let mut off = config(true);
    off.page_cards = false;
    let first = run(&chapters, &off, true);
    let again: Vec<(&str, String)> = chapters
        .iter()
        .zip(&first)
        .map(|((p, _), t)| (*p, t.clone()))
        .collect();
    let second = run(&again, &config(true), true);
    for path in ["tdd/untitled.md", "tdd/a.md", "prd/p1.md"] {
        let out = out_of(&chapters, &second, path);
        let (b, c) = (
            out.find("tdd-banner").unwrap(),
            out.find("tdd-card").unwrap(),
        );
        assert!(b < c, "{path}: {out}");
        assert_eq!(out.matches("tdd-banner").count(), 1, "{path}: {out}");
        let first = out_of(&chapters, &first, path);
        // What the first run wrote is all still there, in order.
        let mut rest = out;
        for line in first.lines() {
            let at = rest
                .find(line)
                .unwrap_or_else(|| panic!("{path}: {line:?} in {out}"));
            rest = &rest[at + line.len()..];
        }
    }
}
