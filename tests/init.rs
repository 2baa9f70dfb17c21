//! `mdbook-tdd init`, run as a real binary: a new book that both mdBook
//! engines build and `check` finds clean, a second run that changes
//! nothing, and existing books of which no byte is lost.

mod support;
use support::{mdbook_tdd, stderr, stdout};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::{Engine, build_with_warnings, copy_tree};

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_check_clean(root: &Path) {
    let o = mdbook_tdd(&["check", "--strict"], root);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // One line: the summary, no diagnostic.
    let err = stderr(&o);
    assert!(err.starts_with("mdbook-tdd: no problems in "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `init` into a directory that is not there yet makes a book that mdBook
/// 0.5 and 0.4 build at once, without a warning, and that `check` finds
/// clean; the status page holds tables and the PRD page lists its TDD.
#[test]
fn init_builds_with_both_engines_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    let o = mdbook_tdd(
        &[
            "init",
            "docs",
            "--yes",
            "--title",
            "Team Designs",
            "--author",
            "Jo Park",
            "--date",
            "2026-01-02",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let files: Vec<PathBuf> = snapshot(&root).into_keys().collect();
    let want = [
        "book.toml",
        "mdbook-tdd.css",
        "mdbook-tdd.schema.json",
        "src/README.md",
        "src/SUMMARY.md",
        "src/prd/example-feature.md",
        "src/status.md",
        "src/tdd/example-feature.md",
    ];
    assert_eq!(files, want.map(PathBuf::from).to_vec());
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    for part in [
        "\n# Product Requirements\n",
        "\n# Technical Designs\n",
        "\n# Status\n",
    ] {
        assert!(summary.contains(part), "{summary}");
    }
    // book.toml is the one `install` makes of the new book's own.
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    // Tied to its schema for editors, as install ties a book.toml.
    assert!(
        toml.starts_with("#:schema ./mdbook-tdd.schema.json\n[book]\ntitle = \"Team Designs\"\nauthors = [\"Jo Park\"]\n"),
        "{toml}"
    );
    assert!(toml.contains("after = [\"links\"]"), "{toml}");
    assert!(
        toml.contains("additional-css = [\"mdbook-tdd.css\"]"),
        "{toml}"
    );
    assert_check_clean(&root);

    for engine in [Engine::V05, Engine::V04] {
        let (b, warnings) = build_with_warnings(&root, engine, "");
        b.assert_ok();
        assert_eq!(b.stderr, "", "{engine:?}");
        assert!(warnings.is_empty(), "{engine:?}: {warnings:?}");
        let status = b.page("status.html");
        assert!(
            status.matches("<table").count() >= 4,
            "{engine:?}: {status}"
        );
        assert!(status.contains("tdd/example-feature.html"), "{status}");
        let prd = b.page("prd/example-feature.html");
        assert!(
            prd.contains("Example Feature — Product Requirements"),
            "{prd}"
        );
        assert!(
            prd.contains("href=\"../tdd/example-feature.html\""),
            "{prd}"
        );
        assert!(prd.contains("EX-1"), "{prd}");
        let tdd = b.page("tdd/example-feature.html");
        assert!(
            tdd.contains("href=\"../prd/example-feature.html\""),
            "{tdd}"
        );
        assert!(!tdd.contains("language-mermaid"), "{tdd}");
        assert!(b.page("index.html").contains("Team Designs"));
    }
}

/// Without the examples the book builds and checks clean too, its parts
/// empty.
#[test]
fn init_without_examples() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let o = mdbook_tdd(&["init", "--yes", "--no-example"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!root.join("src/prd").exists() && !root.join("src/tdd").exists());
    assert_check_clean(root);
    let (b, warnings) = build_with_warnings(root, Engine::V05, "");
    b.assert_ok();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(b.page("status.html").contains("<table"));
    // The first documents go into their parts.
    let o = mdbook_tdd(&["new", "Billing", "--kind", "prd"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    assert!(
        summary.contains(
            "# Product Requirements\n\n- [Billing](prd/billing.md)\n\n# Technical Designs\n"
        ),
        "{summary}"
    );
    assert_check_clean(root);
}

/// A second `init` changes nothing, with `--yes` or without.
#[test]
fn init_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let o = mdbook_tdd(&["init", "--yes", "--date", "2026-01-02"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = snapshot(root);
    for args in [&["init", "--yes"][..], &["init", "--title", "Other"][..]] {
        let o = mdbook_tdd(args, root);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("nothing was written"), "{}", stdout(&o));
        assert_eq!(snapshot(root), first);
    }
}

/// Into an existing book with its own SUMMARY.md, `init` writes only the
/// setup `install` writes, with the same book.toml; every byte of every
/// other file is kept, and what it kept is reported.
#[test]
fn init_into_an_existing_book_keeps_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "# Our handbook\r\n[book]\r\ntitle = \"Handbook\"  # keep me\r\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Welcome](README.md)\n- [Guide](guide.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/README.md"), "# Welcome\n\nHello.\n").unwrap();
    std::fs::write(root.join("src/guide.md"), "# Guide\n\n{{#include x.md}}\n").unwrap();
    let before = snapshot(&root);

    let installed = dir.path().join("installed");
    copy_tree(&root, &installed);
    let o = mdbook_tdd(&["install", "installed"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let o = mdbook_tdd(&["init", "book", "--yes"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = snapshot(&root);
    let installed = snapshot(&installed);
    // book.toml, the stylesheet and the schema as install sets them up.
    for (path, bytes) in &installed {
        if !path.starts_with("src") {
            assert_eq!(
                after.get(path),
                Some(bytes),
                "init and install agree: {}",
                path.display()
            );
        }
    }
    for (path, bytes) in &before {
        if path != Path::new("book.toml") && path != Path::new("src/SUMMARY.md") {
            assert_eq!(after.get(path), Some(bytes), "{}", path.display());
        }
    }
    // The pages the book lacked, listed after what SUMMARY.md held, which
    // keeps every byte.
    let old = String::from_utf8(before[Path::new("src/SUMMARY.md")].clone()).unwrap();
    let new = String::from_utf8(after[Path::new("src/SUMMARY.md")].clone()).unwrap();
    assert!(new.starts_with(&old), "{new}");
    for page in [
        "status.md",
        "prd/example-feature.md",
        "tdd/example-feature.md",
    ] {
        assert!(new.contains(&format!("]({page})")), "{page} in {new}");
        assert!(after.contains_key(&Path::new("src").join(page)), "{page}");
    }
    assert!(mdbook_summary::parse_summary(&new).is_ok(), "{new}");
    assert!(
        stdout(&o).contains("added their entries to book/src/SUMMARY.md"),
        "{}",
        stdout(&o)
    );
    // book.toml only gained lines: the schema line first, then what install adds.
    let old = String::from_utf8(before[Path::new("book.toml")].clone()).unwrap();
    let new = String::from_utf8(after[Path::new("book.toml")].clone()).unwrap();
    let body = new.split_once("\r\n").map_or("", |(first, rest)| {
        assert!(first.starts_with("#:schema "), "{new}");
        rest
    });
    assert!(body.starts_with(&old), "{new}");
    assert!(new.contains("[preprocessor.tdd]\r\n"), "{new:?}");
    // A second run changes nothing.
    let o = mdbook_tdd(&["init", "book", "--yes"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(snapshot(&root), after);
}

/// Into a directory with a book.toml and some pages but no SUMMARY.md,
/// `init` adds the missing pages and keeps those that are there.
#[test]
fn init_adds_only_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Mine\"\nsrc = \"pages\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("pages")).unwrap();
    let readme = "# Mine\n\nMy own introduction.\n";
    std::fs::write(root.join("pages/README.md"), readme).unwrap();
    let o = mdbook_tdd(&["init", "--yes", "--date", "2026-01-02"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("kept ./pages/README.md (already there)"),
        "{out}"
    );
    assert!(out.contains("created ./pages/SUMMARY.md"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("pages/README.md")).unwrap(),
        readme
    );
    assert!(root.join("pages/prd/example-feature.md").is_file());
    assert!(!root.join("src").exists());
    assert_check_clean(root);
}

/// When one file cannot be written, nothing is: every check comes before
/// the first write, and a directory made for the book is taken back.
#[test]
fn init_writes_nothing_when_it_cannot_write_everything() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    // A file where the TDD directory would go.
    std::fs::write(root.join("src/tdd"), "not a directory\n").unwrap();
    let before = snapshot(root);
    let o = mdbook_tdd(&["init", "--yes"], root);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("src/tdd"), "{}", stderr(&o));
    assert_eq!(snapshot(root), before);
    assert!(!root.join("book.toml").exists());

    // A value that cannot go into the book: nothing made, not even the
    // directory.
    let o = mdbook_tdd(
        &["init", "new-book", "--yes", "--title", "{{#tdd-status}}"],
        root,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!root.join("new-book").exists());
}
