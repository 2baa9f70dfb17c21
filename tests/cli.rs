//! The command line, run as a real binary on fixture books: `check`, `status`,
//! `new`, `expand`, `install`; golden outputs and exit codes.

mod support;
use support::{books, mdbook_tdd, stderr, stdout};

use std::path::{Path, PathBuf};
use support::{Engine, build, copy_tree, repo};

fn golden(name: &str) -> PathBuf {
    repo().join("tests/fixtures/cli").join(name)
}

/// Compares with a golden file; `BLESS=1` rewrites it.
fn assert_golden(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1)", path.display()));
    assert_eq!(actual, want, "{name} differs from its golden file");
}

/// The text with `from`, which it must hold exactly once, replaced by `to`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in\n{text}");
    text.replace(from, to)
}

fn temp_book(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&books().join(name), dir.path());
    dir
}

#[test]
fn check_json_golden_and_exit_codes() {
    let book = books().join("doc-model");
    let o = mdbook_tdd(&["check", "--format", "json"], &book);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_golden("doc-model.check.json", &stdout(&o));

    let o = mdbook_tdd(&["check", "--format", "json", "--strict", "."], &book);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("\"level\": \"error\""));

    let o = mdbook_tdd(&["check", "--book", "."], &books().join("bad-directive"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error[unknown-directive]"),
        "{}",
        stderr(&o)
    );

    // The example book's one problem is on purpose: a design written
    // against an older version of its PRD.
    let o = mdbook_tdd(&["check"], &repo().join("book-example"));
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), EXAMPLE_WARNING);

    let empty = tempfile::tempdir().unwrap();
    let o = mdbook_tdd(&["check"], empty.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no book.toml"), "{}", stderr(&o));

    let o = mdbook_tdd(&["check", "--format", "xml"], &book);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_github_annotations() {
    let o = mdbook_tdd(&["check", "--format", "github"], &books().join("doc-model"));
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with(
        "::warning file=src/tdd/broken.md,line=4,col=17,title=mdbook-tdd broken-prd-link::Source PRD does not resolve"
    ), "{out}");
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn status_formats() {
    let book = repo().join("book-example");
    let o = mdbook_tdd(&["status", "--format", "json"], &book);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_golden("book-example.status.json", &stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], 2);
    assert_eq!(v["tdds"].as_array().unwrap().len(), 6);
    assert_eq!(v["prds"][2]["covered"], false);
    // Traceability: the one requirement of Invoice Payments no design cites,
    // and an open question of Multi-Currency Invoicing no design resolved.
    let reqs = v["prds"][0]["requirements"].as_array().unwrap();
    let uncited: Vec<&str> = reqs
        .iter()
        .filter(|r| r["covered"] == false)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(uncited, ["PAY-9"]);
    assert_eq!(
        reqs[2]["cited_by"][1]["path"],
        "tdd/payments/payment-webhooks.md"
    );
    let q = &v["prds"][1]["questions"];
    assert_eq!(q[1]["id"], "Q2");
    assert_eq!(q[1]["resolutions"].as_array().unwrap().len(), 0);
    assert_eq!(q[0]["resolutions"][0]["path"], "tdd/fx-rates.md");
    assert_eq!(v["tdds"][1]["resolutions"][0]["resolves"], "Q4");
    assert_eq!(
        v["tdds"][1]["resolutions"][1]["resolves"],
        serde_json::Value::Null
    );

    let o = mdbook_tdd(&["status"], &book);
    assert_golden("book-example.status.txt", &stdout(&o));
    let o = mdbook_tdd(&["status", "--format", "markdown"], &book);
    assert_golden("book-example.status.md", &stdout(&o));
}

/// `check` reports exactly what the preprocessor reports during a build.
#[test]
fn check_matches_the_build() {
    for name in ["doc-model", "bad-directive"] {
        let b = build(&books().join(name), Engine::V05, "");
        let build_report = b.stderr.clone();
        let o = mdbook_tdd(&["check"], &books().join(name));
        assert_eq!(stderr(&o), build_report, "{name}");
    }
    let b = build(&repo().join("book-example"), Engine::V05, "");
    let o = mdbook_tdd(&["check", "--format", "json"], &repo().join("book-example"));
    assert_eq!(b.stderr, EXAMPLE_WARNING);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lints: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["lint"].as_str().unwrap())
        .collect();
    assert_eq!(lints, ["outdated-pin"]);
}

/// What `check` and a build of the example book report: its outdated design.
const EXAMPLE_WARNING: &str = "warning[outdated-pin]: this TDD was written against `Invoice Payments` 1.2; the PRD is now 1.4\n  --> src/tdd/payments/payment-webhooks.md:7:17\n   = help: review the design against the PRD, then run `mdbook-tdd pin src/tdd/payments/payment-webhooks.md`\n\nmdbook-tdd: 1 warning\n";

#[test]
fn new_then_build() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("book-example"), dir.path());
    let root = dir.path();
    let summary_before = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();

    let o = mdbook_tdd(
        &[
            "new",
            "Refund Händling",
            "--prd",
            "prd/invoice-payments.md",
            "--author",
            "Jo \"JJ\" Park",
            "--date",
            "2026-11-01",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = root.join("src/tdd/refund-haendling.md");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{{#tdd-skeleton title=\"Refund Händling\" author=\"Jo \\\"JJ\\\" Park\" date=\"2026-11-01\" prd=\"../prd/invoice-payments.md\" prd-version=\"1.4\"}}\n"
    );
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    // Under the PRD's entry; every other byte kept.
    assert_eq!(
        summary,
        replace_once(
            &summary_before,
            "- [Invoice Payments](prd/invoice-payments.md)\n",
            "- [Invoice Payments](prd/invoice-payments.md)\n    - [Refund Händling](tdd/refund-haendling.md)\n"
        )
    );

    // Without a PRD, expanded, after the last TDD.
    let o = mdbook_tdd(
        &["new", "Ledger Export", "--expand", "--date", "2026-11-02"],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("src/tdd/ledger-export.md")).unwrap();
    assert!(text.starts_with("# Ledger Export — Technical Design Document\n\n**Author:** {author}\\\n**Date:** 2026-11-02\\\n"), "{text}");
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    assert!(summary.contains("    - [Nightly FX Batch Import](tdd/fx-nightly-batch.md)\n- [Ledger Export](tdd/ledger-export.md)\n"), "{summary}");

    // Never overwrites.
    let before = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    let o = mdbook_tdd(&["new", "Ledger Export"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap(),
        before
    );
    // A PRD that is not in the book: nothing written.
    let o = mdbook_tdd(&["new", "Other", "--prd", "prd/nope.md"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(!root.join("src/tdd/other.md").exists());

    let b = build(root, Engine::V05, "");
    b.assert_ok();
    let page = b.page("tdd/refund-haendling.html");
    assert!(page.contains("Refund Händling — Technical Design Document"));
    assert!(page.contains(r#"href="../prd/invoice-payments.html""#));
    let prd = b.page("prd/invoice-payments.html");
    assert!(prd.contains("tdd/refund-haendling.html"), "{prd}");
}

/// `new --kind prd` writes a `{{#prd-skeleton}}` after the last PRD;
/// `expand` expands it on disk; a TDD of it lands under it, and the built
/// PRD page lists that TDD.
#[test]
fn new_prd_then_expand_then_build() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("book-example"), dir.path());
    let root = dir.path();
    let summary_before = read(&root.join("src/SUMMARY.md"));
    let o = mdbook_tdd(
        &[
            "new",
            "Refund Policy",
            "--kind",
            "prd",
            "--author",
            "Ann Lee",
            "--date",
            "2026-11-01",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rel = "src/prd/refund-policy.md";
    assert_eq!(
        read(&root.join(rel)),
        "{{#prd-skeleton title=\"Refund Policy\" author=\"Ann Lee\" date=\"2026-11-01\"}}\n"
    );
    assert_eq!(
        read(&root.join("src/SUMMARY.md")),
        replace_once(
            &summary_before,
            "- [Invoice Audit Log](prd/audit-log.md)\n",
            "- [Invoice Audit Log](prd/audit-log.md)\n- [Refund Policy](prd/refund-policy.md)\n"
        )
    );

    // A PRD has no Source PRD, and supersedes only PRDs: nothing written.
    let summary = read(&root.join("src/SUMMARY.md"));
    let o = mdbook_tdd(
        &["new", "Other", "--kind", "prd", "--prd", "prd/audit-log.md"],
        root,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a PRD has none"), "{}", stderr(&o));
    let o = mdbook_tdd(
        &[
            "new",
            "Other",
            "--kind",
            "prd",
            "--supersedes",
            "tdd/fx-rates.md",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not a PRD of this book"),
        "{}",
        stderr(&o)
    );
    assert!(!root.join("src/prd/other.md").exists());
    assert_eq!(read(&root.join("src/SUMMARY.md")), summary);

    // Expanded on disk, once.
    let o = mdbook_tdd(&["expand", rel], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expanded = read(&root.join(rel));
    assert!(
        expanded.starts_with("# Refund Policy — Product Requirements\n\n**Author:** Ann Lee\\\n**Date:** 2026-11-01\\\n**Status:** Draft\\\n"),
        "{expanded}"
    );
    assert!(expanded.contains("\n| ID | Requirement | Priority |\n"));
    assert!(!expanded.contains("tdd-guidance") && !expanded.contains("{{#"));
    let o = mdbook_tdd(&["expand", rel], root);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no {{#tdd-skeleton}} or {{#prd-skeleton}}"));
    assert_eq!(read(&root.join(rel)), expanded);

    // A design of the new PRD goes under it.
    let o = mdbook_tdd(
        &["new", "Refund Engine", "--prd", "prd/refund-policy.md"],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(read(&root.join("src/SUMMARY.md")).contains(
        "- [Refund Policy](prd/refund-policy.md)\n    - [Refund Engine](tdd/refund-engine.md)\n"
    ));
    let b = build(root, Engine::V05, "");
    b.assert_ok();
    let prd = b.page("prd/refund-policy.html");
    assert!(
        prd.contains("Refund Policy — Product Requirements"),
        "{prd}"
    );
    assert!(prd.contains("../tdd/refund-engine.html"), "{prd}");
}

/// The first PRD (and the first TDD) of a book goes into the part for its
/// kind; every other byte of SUMMARY.md is kept.
#[test]
fn new_first_document_goes_into_its_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Parts\"\n").unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    let summary = "# Summary\n\n[Intro](README.md)\n\n# Product Requirements\n\n# Technical Designs\n\n# Status\n\n- [Status](status.md)\n";
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    std::fs::write(root.join("src/README.md"), "# Intro\n").unwrap();
    std::fs::write(root.join("src/status.md"), "# Status\n").unwrap();
    let o = mdbook_tdd(
        &["new", "Billing", "--kind", "prd", "--date", "2026-01-01"],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = mdbook_tdd(&["new", "Ledger", "--date", "2026-01-01"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(&root.join("src/SUMMARY.md")),
        summary
            .replace(
                "# Product Requirements\n\n",
                "# Product Requirements\n\n- [Billing](prd/billing.md)\n\n"
            )
            .replace(
                "# Technical Designs\n\n",
                "# Technical Designs\n\n- [Ledger](tdd/ledger.md)\n\n"
            )
    );
    let o = mdbook_tdd(&["check"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A page with its template guidance unwrapped, as it renders once the
/// guidance is text of the file: each `<div class="tdd-guidance">` opening
/// line and its closing `</div>` line (with the blank line mdBook writes
/// after an HTML block) taken out.
fn without_guidance_wrappers(page: &str) -> String {
    const OPEN: &str = "<div class=\"tdd-guidance\">\n";
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        rest = &rest[i + OPEN.len()..];
        // The wrapper's end: the `</div>` that closes it, past nested ones.
        let mut depth = 1;
        let mut at = 0;
        while depth > 0 {
            let open = rest[at..].find("<div").map(|j| at + j);
            let close = rest[at..]
                .find("</div>")
                .map(|j| at + j)
                .expect("a closed wrapper");
            match open {
                Some(o) if o < close => {
                    depth += 1;
                    at = o + 4;
                }
                _ => {
                    depth -= 1;
                    at = close + "</div>".len();
                }
            }
        }
        let close = at - "</div>".len();
        out.push_str(&rest[..close]);
        rest = rest[at..]
            .strip_prefix("\n\n")
            .or(rest[at..].strip_prefix('\n'))
            .unwrap_or(&rest[at..]);
    }
    out.push_str(rest);
    out
}

/// `expand` writes the skeleton's expansion; the book renders the same,
/// but for the wrappers that set template guidance apart, which are no text
/// of the file (see [`without_guidance_wrappers`]).
#[test]
fn expand_keeps_the_rendering() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("book-example"), dir.path());
    let root = dir.path();
    let before = build(root, Engine::V05, "");
    before.assert_ok();
    let page_before = before.page("tdd/invoice-reminders.html");

    let rel = "src/tdd/invoice-reminders.md";
    let original = std::fs::read_to_string(root.join(rel)).unwrap();
    let o = mdbook_tdd(&["expand", rel], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expanded = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(!expanded.contains("{{#tdd-skeleton"));
    for line in original.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        assert_eq!(expanded.lines().filter(|l| *l == line).count(), 1, "{line}");
    }
    let after = build(root, Engine::V05, "");
    after.assert_ok();
    assert!(page_before.contains("<div class=\"tdd-guidance\">"));
    let page_after = after.page("tdd/invoice-reminders.html");
    assert!(!page_after.contains("tdd-guidance"));
    assert_eq!(page_after, without_guidance_wrappers(&page_before));

    // A second expand finds nothing to do and changes nothing.
    let o = mdbook_tdd(&["expand", rel], root);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds no {{#tdd-skeleton}}"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(root.join(rel)).unwrap(), expanded);

    // A broken skeleton: an error, and the file is not touched.
    let bad = root.join("src/tdd/bad.md");
    std::fs::write(&bad, "{{#tdd-skeleton colour=red}}\n").unwrap();
    let o = mdbook_tdd(&["expand", "src/tdd/bad.md"], root);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[bad-argument]"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--> src/tdd/bad.md:1:17"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap(),
        "{{#tdd-skeleton colour=red}}\n"
    );
}

#[test]
fn install_styles() {
    let cases = std::fs::read_dir(repo().join("tests/fixtures/install")).unwrap();
    let mut n = 0;
    for case in cases {
        let case = case.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(case.join("book.toml"), dir.path().join("book.toml")).unwrap();
        let o = mdbook_tdd(&["install"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let got = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        let want = std::fs::read_to_string(case.join("expected.toml")).unwrap();
        assert_eq!(got, want, "{name}");
        // Twice changes nothing.
        let o = mdbook_tdd(&["install", "."], dir.path());
        assert!(
            stdout(&o).contains("already set up"),
            "{name}: {}",
            stdout(&o)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
            want
        );
        n += 1;
    }
    assert!(n >= 4);

    // Bad TOML: an error, nothing written.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book\n").unwrap();
    let o = mdbook_tdd(&["install"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
        "[book\n"
    );
    assert!(!dir.path().join("mdbook-tdd.css").exists());
}

/// A book set up by `install` builds with the stylesheet and badges.
#[test]
fn install_then_build() {
    let dir = temp_book("doc-model");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        replace_once(
            &toml,
            "[preprocessor.tdd]\nafter = [\"links\"]\n",
            "[preprocessor.tdd]\n",
        ),
    )
    .unwrap();
    let o = mdbook_tdd(&["install"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("mdbook-tdd.css").exists());
    let b = build(dir.path(), Engine::V05, "");
    b.assert_ok();
    // mdBook 0.5 names the copy with a content hash: mdbook-tdd-<hash>.css.
    let page = b.page("status/overview.html");
    assert!(
        page.contains("mdbook-tdd-") && page.contains("tdd-status-draft"),
        "{page}"
    );
    assert!(std::fs::read_dir(&b.html).unwrap().any(|e| {
        let n = e.unwrap().file_name().to_string_lossy().to_string();
        n.starts_with("mdbook-tdd") && n.ends_with(".css")
    }));
}

/// The stylesheet `install` writes is the one the example book uses.
#[test]
fn example_stylesheet_is_the_installed_one() {
    let installed = std::fs::read_to_string(repo().join("assets/mdbook-tdd.css")).unwrap();
    let example = std::fs::read_to_string(repo().join("book-example/mdbook-tdd.css")).unwrap();
    assert_eq!(installed, example);
}

/// A small book written in place: a PRD and a skeleton TDD.
fn small_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Small\"\n").unwrap();
    std::fs::create_dir_all(root.join("src/prd")).unwrap();
    std::fs::create_dir_all(root.join("src/tdd")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [PRD A](prd/a.md)\n- [T](tdd/t.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/prd/a.md"), "# PRD A\n\n**Status:** Draft\n").unwrap();
    std::fs::write(
        root.join("src/tdd/t.md"),
        "{{#tdd-skeleton title=\"T\" date=\"2026-01-01\"}}\n",
    )
    .unwrap();
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[cfg(unix)]
fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .unwrap()
        .file_type()
        .is_symlink()
}

/// `install` does not follow a stylesheet link to nothing, and writes
/// nothing when it refuses.
#[cfg(unix)]
#[test]
fn install_refuses_a_dangling_stylesheet_link() {
    let outside = tempfile::tempdir().unwrap();
    let book = small_book();
    let root = book.path();
    let target = outside.path().join("styles.css");
    std::os::unix::fs::symlink(&target, root.join("mdbook-tdd.css")).unwrap();
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mdbook-tdd.css` is a symbolic link to `")
            && err.contains(&format!("{}`, which does not exist", target.display())),
        "{err}"
    );
    assert!(!target.exists());
    assert_eq!(read(&root.join("book.toml")), "[book]\ntitle = \"Small\"\n");
    assert_eq!(stdout(&o), "");
}

/// Links whose target is inside the book are written through and stay
/// links: book.toml, SUMMARY.md, a chapter, and directories of `new --dir`.
#[cfg(unix)]
#[test]
fn writes_go_through_links_inside_the_book() {
    use std::os::unix::fs::symlink;
    let book = small_book();
    let root = book.path();
    std::fs::create_dir(root.join("config")).unwrap();
    std::fs::rename(root.join("book.toml"), root.join("config/book.toml")).unwrap();
    symlink("config/book.toml", root.join("book.toml")).unwrap();
    std::fs::rename(
        root.join("src/SUMMARY.md"),
        root.join("src/summary-real.md"),
    )
    .unwrap();
    symlink("summary-real.md", root.join("src/SUMMARY.md")).unwrap();
    std::fs::create_dir(root.join("src/shared")).unwrap();
    std::fs::rename(root.join("src/tdd/t.md"), root.join("src/shared/t.md")).unwrap();
    symlink("../shared/t.md", root.join("src/tdd/t.md")).unwrap();
    symlink("shared", root.join("src/linked")).unwrap();

    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_symlink(&root.join("book.toml")));
    assert!(read(&root.join("config/book.toml")).contains("[preprocessor.tdd]"));

    let o = mdbook_tdd(&["expand", "src/tdd/t.md"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_symlink(&root.join("src/tdd/t.md")));
    assert!(read(&root.join("src/shared/t.md")).starts_with("# T — Technical Design Document"));

    let o = mdbook_tdd(
        &[
            "new",
            "Via Link",
            "--dir",
            "linked/sub",
            "--date",
            "2026-01-02",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_symlink(&root.join("src/SUMMARY.md")));
    assert!(
        read(&root.join("src/summary-real.md")).contains("- [Via Link](linked/sub/via-link.md)")
    );
    assert!(root.join("src/shared/sub/via-link.md").is_file());
    let o = mdbook_tdd(&["check"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Links leading out of the book are refused, with both paths named, and
/// nothing is written anywhere.
#[cfg(unix)]
#[test]
fn writes_never_leave_the_book() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path();
    std::fs::write(out.join("book.toml"), "[book]\ntitle = \"Elsewhere\"\n").unwrap();
    std::fs::write(out.join("t.md"), "{{#tdd-skeleton title=\"X\"}}\n").unwrap();
    std::fs::create_dir(out.join("designs")).unwrap();
    let snapshot = |dir: &Path| {
        let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                (p, text)
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(out);

    // book.toml
    let book = small_book();
    let root = book.path();
    std::fs::remove_file(root.join("book.toml")).unwrap();
    symlink(out.join("book.toml"), root.join("book.toml")).unwrap();
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("book.toml` resolves to `")
            && err.contains("which is outside the book")
            && err.contains(
                &out.join("book.toml")
                    .canonicalize()
                    .unwrap()
                    .display()
                    .to_string()
            ),
        "{err}"
    );
    assert!(!root.join("mdbook-tdd.css").exists());

    // A chapter.
    let book = small_book();
    let root = book.path();
    std::fs::remove_file(root.join("src/tdd/t.md")).unwrap();
    symlink(out.join("t.md"), root.join("src/tdd/t.md")).unwrap();
    let o = mdbook_tdd(&["expand", "src/tdd/t.md"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("which is outside the book"),
        "{}",
        stderr(&o)
    );
    // A file of another directory, with --book.
    let o = mdbook_tdd(
        &["expand", out.join("t.md").to_str().unwrap(), "--book", "."],
        root,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("which is outside the book"),
        "{}",
        stderr(&o)
    );

    // `new --dir` through a linked directory, and SUMMARY.md.
    let book = small_book();
    let root = book.path();
    symlink(out.join("designs"), root.join("src/designs")).unwrap();
    let summary = read(&root.join("src/SUMMARY.md"));
    let o = mdbook_tdd(&["new", "Escape", "--dir", "designs/deeper"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("src/designs` resolves to `"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&root.join("src/SUMMARY.md")), summary);
    std::fs::rename(root.join("src/SUMMARY.md"), out.join("SUMMARY.md")).unwrap();
    symlink(out.join("SUMMARY.md"), root.join("src/SUMMARY.md")).unwrap();
    let o = mdbook_tdd(&["new", "Escape"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("SUMMARY.md` resolves to `"),
        "{}",
        stderr(&o)
    );
    assert!(!root.join("src/tdd/escape.md").exists());
    std::fs::remove_file(out.join("SUMMARY.md")).unwrap();

    // The whole src directory elsewhere.
    let book = small_book();
    let root = book.path();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(root.join("src"), elsewhere.path().join("src")).unwrap();
    symlink(elsewhere.path().join("src"), root.join("src")).unwrap();
    let o = mdbook_tdd(&["new", "Escape"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("which is outside the book"),
        "{}",
        stderr(&o)
    );
    assert!(!elsewhere.path().join("src/tdd/escape.md").exists());

    assert_eq!(snapshot(out), before);
}

/// Read-only files (by their mode bits, which hold even for root) and files
/// with several hard links are refused, never replaced; permissions of
/// replaced files are kept.
#[cfg(unix)]
#[test]
fn writes_respect_read_only_and_hard_links() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let set =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();

    let book = small_book();
    let root = book.path();
    set(&root.join("book.toml"), 0o444);
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("book.toml` is read-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&root.join("book.toml")), "[book]\ntitle = \"Small\"\n");
    assert_eq!(mode(&root.join("book.toml")), 0o444);
    assert!(!root.join("mdbook-tdd.css").exists());

    set(&root.join("src/SUMMARY.md"), 0o400);
    let o = mdbook_tdd(&["new", "Locked"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("SUMMARY.md` is read-only"),
        "{}",
        stderr(&o)
    );
    assert!(!root.join("src/tdd/locked.md").exists());

    set(&root.join("src/tdd/t.md"), 0o444);
    let o = mdbook_tdd(&["expand", "src/tdd/t.md"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("t.md` is read-only"), "{}", stderr(&o));
    assert!(read(&root.join("src/tdd/t.md")).starts_with("{{#tdd-skeleton"));

    // Hard links.
    let book = small_book();
    let root = book.path();
    std::fs::hard_link(root.join("src/tdd/t.md"), root.join("t-copy.md")).unwrap();
    let o = mdbook_tdd(&["expand", "src/tdd/t.md"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("t.md` has 2 hard links"),
        "{}",
        stderr(&o)
    );
    assert!(read(&root.join("t-copy.md")).starts_with("{{#tdd-skeleton"));
    std::fs::hard_link(root.join("book.toml"), root.join("book-copy.toml")).unwrap();
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("book.toml` has 2 hard links"),
        "{}",
        stderr(&o)
    );
    std::fs::hard_link(root.join("src/SUMMARY.md"), root.join("summary-copy.md")).unwrap();
    let o = mdbook_tdd(&["new", "Linked"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(!root.join("src/tdd/linked.md").exists());

    // Modes are kept.
    let book = small_book();
    let root = book.path();
    set(&root.join("book.toml"), 0o640);
    set(&root.join("src/SUMMARY.md"), 0o600);
    set(&root.join("src/tdd/t.md"), 0o604);
    assert_eq!(mdbook_tdd(&["install"], root).status.code(), Some(0));
    assert_eq!(mdbook_tdd(&["new", "Kept"], root).status.code(), Some(0));
    assert_eq!(
        mdbook_tdd(&["expand", "src/tdd/t.md"], root).status.code(),
        Some(0)
    );
    assert_eq!(mode(&root.join("book.toml")), 0o640);
    assert_eq!(mode(&root.join("src/SUMMARY.md")), 0o600);
    assert_eq!(mode(&root.join("src/tdd/t.md")), 0o604);
}

/// A book whose `[preprocessor.tdd]` runs before `links` is not given
/// `after = ["links"]` too (mdBook would refuse the cycle); `install` says
/// so, and the book builds with both engines.
#[test]
fn install_leaves_before_links_alone() {
    let book = small_book();
    let root = book.path();
    let toml = "[book]\ntitle = \"Small\"\n\n[preprocessor.tdd]\nbefore = [\"links\"]\n";
    std::fs::write(root.join("book.toml"), toml).unwrap();
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("left preprocessor.tdd.after without \"links\""),
        "{}",
        stdout(&o)
    );
    // Every byte kept, after the `#:schema` line install adds.
    assert!(
        read(&root.join("book.toml"))
            .starts_with(&format!("#:schema ./mdbook-tdd.schema.json\n{toml}"))
    );
    assert!(!read(&root.join("book.toml")).contains("after"));
    for engine in [Engine::V05, Engine::V04] {
        build(root, engine, "").assert_ok();
    }
    let o = mdbook_tdd(&["install"], root);
    assert!(stdout(&o).contains("already set up"), "{}", stdout(&o));
}

/// Values with line breaks and tabs become one line; the directive parses
/// and the book builds with the values as given.
#[test]
fn new_values_with_line_breaks_make_a_valid_directive() {
    let book = small_book();
    let root = book.path();
    let o = mdbook_tdd(
        &[
            "new",
            "Multi\nLine\r\n  Title",
            "--author",
            "Jo\n\"JJ\"\tPark \\ }}",
            "--date",
            "2026-01-05\n",
            "--prd",
            "prd/a.md",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(&root.join("src/tdd/multi-line-title.md")),
        "{{#tdd-skeleton title=\"Multi Line Title\" author=\"Jo \\\"JJ\\\" Park \\\\ }}\" date=\"2026-01-05\" prd=\"../prd/a.md\"}}\n"
    );
    assert!(
        read(&root.join("src/SUMMARY.md"))
            .contains("- [PRD A](prd/a.md)\n    - [Multi Line Title](tdd/multi-line-title.md)\n")
    );
    let o = mdbook_tdd(&["check", "--format", "json"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Only the placeholder PRD of the small book's own skeleton, and the
    // diagrams of both skeletons, which this book renders nowhere.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["lint"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("mermaid-not-rendered", "src/tdd/multi-line-title.md"),
            ("mermaid-not-rendered", "src/tdd/t.md"),
            ("missing-prd", "src/tdd/t.md")
        ],
        "{}",
        stdout(&o)
    );
    let b = build(root, Engine::V05, "");
    b.assert_ok();
    b.assert_ok();
    let page = b.page("tdd/multi-line-title.html");
    assert!(
        page.contains("Multi Line Title — Technical Design Document"),
        "{page}"
    );
    // (mdBook's smart punctuation curls the quotes; a hard break ends the
    // field's line.)
    assert!(
        page.contains("Author:</strong> Jo “JJ” Park \\ }}<br><strong>Date:"),
        "{page}"
    );
}

/// Other control characters are refused before anything is written.
#[test]
fn new_refuses_control_characters_and_directives() {
    let book = small_book();
    let root = book.path();
    let summary = read(&root.join("src/SUMMARY.md"));
    for (args, what) in [
        (
            vec!["new", "Bad\u{1b}[31mTitle"],
            "the title holds the control character \\u{1b}",
        ),
        (
            vec!["new", "Ok", "--author", "Jo\u{7}"],
            "--author holds the control character \\u{7}",
        ),
        (
            vec!["new", "{{#tdd-status}}"],
            "the title holds `{{#`, which would open a directive",
        ),
        (
            vec!["new", "Ok", "--author", "{{ #include ../../book.toml}}"],
            "--author holds `{{#`",
        ),
        (
            vec!["new", "Ok", "--date", "2026\u{1}"],
            "--date holds the control character \\u{1}",
        ),
        (
            vec!["new", "Ok", "--prd", "prd/a.md\n"],
            "--prd holds the control character \\u{a}",
        ),
        (
            vec!["new", "Ok", "--dir", "a\tb"],
            "--dir holds the control character \\u{9}",
        ),
    ] {
        let o = mdbook_tdd(&args, root);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(what), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains('\u{1b}'), "{args:?}");
    }
    assert_eq!(read(&root.join("src/SUMMARY.md")), summary);
    let files: Vec<_> = std::fs::read_dir(root.join("src/tdd")).unwrap().collect();
    assert_eq!(files.len(), 1);
}

/// Under a PRD whose children are indented with tabs, the new entry is
/// indented with tabs too and is a child of the PRD in the parsed summary.
#[test]
fn new_under_tab_indented_children() {
    let book = small_book();
    let root = book.path();
    std::fs::write(root.join("src/prd/b.md"), "# PRD B\n").unwrap();
    let summary =
        "# Summary\r\n\r\n- [PRD A](./prd/a.md)\r\n\t- [T](tdd/t.md)\r\n- [PRD B](prd/b.md)\r\n";
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    for (title, prd) in [("Child", "prd/a.md"), ("Other", "prd/b.md")] {
        let o = mdbook_tdd(&["new", title, "--prd", prd, "--date", "2026-01-05"], root);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let text = read(&root.join("src/SUMMARY.md"));
    assert_eq!(
        text,
        "# Summary\r\n\r\n- [PRD A](./prd/a.md)\r\n\t- [T](tdd/t.md)\r\n\t- [Child](tdd/child.md)\r\n- [PRD B](prd/b.md)\r\n\t- [Other](tdd/other.md)\r\n"
    );
    let parsed = mdbook_summary::parse_summary(&text).unwrap();
    let children = |i: usize| -> Vec<String> {
        match &parsed.numbered_chapters[i] {
            mdbook_summary::SummaryItem::Link(l) => l
                .nested_items
                .iter()
                .filter_map(|c| match c {
                    mdbook_summary::SummaryItem::Link(c) => Some(c.name.clone()),
                    _ => None,
                })
                .collect(),
            _ => panic!(),
        }
    };
    assert_eq!(children(0), ["T", "Child"]);
    assert_eq!(children(1), ["Other"]);
}

/// No control character (C0, C1, DEL) or bidirectional override from a
/// document reaches the terminal raw.
fn assert_no_raw_controls(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in\n{text}");
}

#[cfg(unix)]
#[test]
fn terminal_output_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"E\"\n\n[preprocessor.tdd]\nafter = [\"links\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src/tdd")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [T \u{1b}c\u{7} \u{202e}red](<tdd/t\u{7}.md>)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/tdd/t\u{7}.md"),
        "# T \u{2066}x\u{2069}\n\n**Status:** In\u{8}Review\u{9b}\n**Source PRD:** [x](../prd/nope\u{1b}[5m.md)\n\n## 1. Overview\n\n{{#tdd-status columns=a\u{1b}]0;pwned\u{7}b}}\n",
    )
    .unwrap();

    let o = mdbook_tdd(&["check"], root);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_no_raw_controls("check", &err);
    for shown in [
        "--> src/tdd/t\\u{7}.md:3:13",
        "unknown status `In\\u{8}Review\\u{9b}`",
        "nope\\u{1b}[5m.md",
        "unknown column `a\\u{1b}]0;pwned\\u{7}b`",
    ] {
        assert!(err.contains(shown), "{shown}: {err}");
    }
    // The preprocessor prints the same, in a build.
    let b = build(root, Engine::V05, "");
    assert!(b.result.is_err());
    assert_eq!(b.stderr, err);

    let o = mdbook_tdd(&["status"], root);
    assert_no_raw_controls("status", &stdout(&o));
    assert_no_raw_controls("status stderr", &stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "T \\u{1b}c\\u{7} \\u{202e}red  tdd/t\\u{7}.md  In\\u{8}Review\\u{9b} (unknown)"
        ),
        "{out}"
    );
    // The columns stay aligned: every row as wide as the header up to the PRD column.
    let at = |l: &str| l.find("PRD").or_else(|| l.find("broken"));
    let lines: Vec<&str> = out.lines().take(2).collect();
    assert_eq!(at(lines[0]), at(lines[1]), "{out}");

    let o = mdbook_tdd(&["status", "--format", "markdown"], root);
    assert_no_raw_controls("markdown", &stdout(&o));
    assert!(stdout(&o).contains("\\u{202e}red"), "{}", stdout(&o));
    let o = mdbook_tdd(&["check", "--format", "github"], root);
    assert_no_raw_controls("github", &stdout(&o));
    assert!(
        stdout(&o).contains("file=src/tdd/t\\u{7}.md,"),
        "{}",
        stdout(&o)
    );
    // JSON keeps the exact text, escaped by JSON itself.
    let o = mdbook_tdd(&["check", "--format", "json"], root);
    assert_no_raw_controls("json", &stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["file"], "src/tdd/t\u{7}.md");
    assert!(
        v[0]["message"]
            .as_str()
            .unwrap()
            .contains("In\u{8}Review\u{9b}"),
        "{v}"
    );
    let o = mdbook_tdd(&["status", "--format", "json"], root);
    assert_no_raw_controls("status json", &stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tdds"][0]["name"], "T \u{1b}c\u{7} \u{202e}red");

    // Errors that quote the book: a chapter file that cannot be read.
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Gone](<tdd/gone\u{1b}[8m.md>)\n",
    )
    .unwrap();
    let o = mdbook_tdd(&["check"], root);
    assert_eq!(o.status.code(), Some(2));
    assert_no_raw_controls("load error", &stderr(&o));
    assert!(stderr(&o).contains("gone\\u{1b}[8m.md"), "{}", stderr(&o));

    // install names preprocessors from book.toml.
    std::fs::write(
        root.join("book.toml"),
        "[book]\n[preprocessor.\"x\\u001b[31m\"]\nafter = [\"tdd\"]\nbefore = [\"links\"]\n",
    )
    .unwrap();
    let o = mdbook_tdd(&["install"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_no_raw_controls("install", &stdout(&o));
    assert!(
        stdout(&o).contains("(tdd → x\\u{1b}[31m → links)"),
        "{}",
        stdout(&o)
    );
}

/// A book where `checkout.md` is the name of two files and `Checkout` the
/// name of two chapters.
fn forms_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Forms\"\n").unwrap();
    for d in ["src/prd", "src/legacy", "src/tdd"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Intro](checkout.md)\n- [Checkout](prd/checkout.md)\n- [Refunds PRD](prd/refunds.md)\n- [Checkout](legacy/checkout.md)\n- [T](tdd/t.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/checkout.md"), "# Intro\n").unwrap();
    for p in ["prd/checkout.md", "prd/refunds.md", "legacy/checkout.md"] {
        std::fs::write(root.join("src").join(p), "# PRD\n\n**Status:** Draft\n").unwrap();
    }
    std::fs::write(
        root.join("src/tdd/t.md"),
        "{{#tdd-skeleton title=\"T\" date=\"2026-01-01\"}}\n",
    )
    .unwrap();
    dir
}

/// Every file of a book below `src`, by path, for comparing two books.
fn src_files(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, read(&p)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn chapter_arguments_take_every_form() {
    // `--prd` and `--supersedes` as a path from the current directory, the
    // book root or the src directory, or a chapter name: the same files.
    let cases: [(&str, &str, &str); 7] = [
        ("", "prd/refunds.md", "tdd/t.md"),
        ("", "src/prd/refunds.md", "src/tdd/t.md"),
        ("src", "prd/refunds.md", "tdd/t.md"),
        ("src/prd", "refunds.md", "../tdd/t.md"),
        ("src/prd", "./refunds.md", "T"),
        ("src/tdd", "../prd/refunds.md", "t.md"),
        ("src/legacy", "Refunds PRD", "T"),
    ];
    let mut results = Vec::new();
    for (cwd, prd, old) in cases {
        let book = forms_book();
        let root = book.path();
        let root_arg = root.to_str().unwrap();
        let o = mdbook_tdd(
            &[
                "new",
                "Payment Refunds",
                "--prd",
                prd,
                "--supersedes",
                old,
                "--date",
                "2026-01-05",
                "--book",
                root_arg,
            ],
            &root.join(cwd),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{cwd} {prd} {old}: {}",
            stderr(&o)
        );
        results.push(src_files(root));
    }
    let tdd = read(&forms_book().path().join("src/tdd/t.md"));
    let want = results.first().unwrap();
    let new = want
        .iter()
        .find(|(p, _)| p.ends_with("payment-refunds.md"))
        .unwrap();
    assert_eq!(
        new.1,
        "{{#tdd-skeleton title=\"Payment Refunds\" date=\"2026-01-05\" prd=\"../prd/refunds.md\" supersedes=\"[T](t.md)\"}}\n"
    );
    assert!(want.iter().any(|(_, t)| *t == tdd));
    for (r, case) in results.iter().zip(cases) {
        assert_eq!(r, want, "{case:?}");
    }
    // An absolute path, and the book found from the current directory.
    let book = forms_book();
    let root = book.path();
    let abs = root.join("src/prd/refunds.md");
    let o = mdbook_tdd(
        &[
            "new",
            "Payment Refunds",
            "--prd",
            abs.to_str().unwrap(),
            "--supersedes",
            "tdd/t.md",
            "--date",
            "2026-01-05",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(&src_files(root), want);
}

#[test]
fn chapter_arguments_that_name_no_single_chapter() {
    let book = forms_book();
    let root = book.path();
    let before = src_files(root);
    let root_arg = root.to_str().unwrap();
    // From src/prd, `checkout.md` is prd/checkout.md and the top-level
    // checkout.md: both listed, nothing written, a usage error.
    let o = mdbook_tdd(
        &["new", "X", "--prd", "checkout.md", "--book", root_arg],
        &root.join("src/prd"),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("error: --prd `checkout.md` names 2 chapters"),
        "{e}"
    );
    assert!(
        e.contains("prd/checkout.md (`Checkout`, as a path relative to the current directory)"),
        "{e}"
    );
    assert!(
        e.contains("checkout.md (`Intro`, as a path relative to the src directory)"),
        "{e}"
    );
    // A name two chapters share.
    let o = mdbook_tdd(&["new", "X", "--prd", "Checkout"], root);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("names 2 chapters"), "{e}");
    assert!(
        e.contains("legacy/checkout.md (`Checkout`, as a chapter name)"),
        "{e}"
    );
    // Not found: the nearest chapter suggested.
    let o = mdbook_tdd(&["new", "X", "--prd", "prd/refund.md"], root);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--prd `prd/refund.md` is not a chapter of SUMMARY.md"),
        "{e}"
    );
    assert!(e.contains("did you mean `prd/refunds.md`?"), "{e}");
    let o = mdbook_tdd(&["new", "X", "--supersedes", "Tx"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `tdd/t.md`?"),
        "{}",
        stderr(&o)
    );
    // `expand` the same way.
    let o = mdbook_tdd(&["expand", "Checkout"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("names 2 chapters"), "{}", stderr(&o));
    let o = mdbook_tdd(&["expand", "tdd/tt.md"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `tdd/t.md`?"),
        "{}",
        stderr(&o)
    );
    assert_eq!(src_files(root), before);
}

#[test]
fn expand_takes_every_form() {
    let cases = [
        ("", "src/tdd/t.md"),
        ("", "tdd/t.md"),
        ("", "T"),
        ("src/tdd", "t.md"),
        ("src/prd", "T"),
    ];
    let mut results = Vec::new();
    for (cwd, arg) in cases {
        let book = forms_book();
        let root = book.path();
        let o = mdbook_tdd(&["expand", arg], &root.join(cwd));
        assert_eq!(o.status.code(), Some(0), "{cwd} {arg}: {}", stderr(&o));
        let t = read(&root.join("src/tdd/t.md"));
        assert!(t.starts_with("# T — Technical Design Document"), "{t}");
        results.push(src_files(root));
    }
    for (r, case) in results.iter().zip(cases) {
        assert_eq!(r, results.first().unwrap(), "{case:?}");
    }
}
