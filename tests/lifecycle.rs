//! Document lifecycle end to end: a fixture book in every state of
//! supersession built by both mdBook engines, review dates judged against
//! `--today` and the environment, `new --supersedes` and
//! `--mark-superseded`, and the graph formats of `status`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{Engine, build, copy_tree, repo};

fn book() -> PathBuf {
    repo().join("tests/fixtures/books/lifecycle")
}

/// The binary in `cwd`, with no date of the environment unless `env` sets
/// one.
fn run(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(support::binary());
    c.args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env_remove("MDBOOK_TDD_TODAY")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn temp_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&book(), dir.path());
    dir
}

const DIAGNOSTICS: &str = "\
warning[prd-superseded]: the Source PRD `Checkout PRD v1` is superseded by `Checkout PRD v2`
  --> src/tdd/checkout.md:4:17
   = help: point the Source PRD at `../prd/checkout-v2.md`

warning[supersedes-broken]: Supersedes does not resolve to a chapter of this book: gone.md
  --> src/tdd/dangling.md:5:17
   = help: name the older document by a link, its path or its chapter name

warning[supersede-cycle]: documents supersede each other in a cycle: `tdd/loop-a.md` supersedes `tdd/loop-b.md`, which supersedes `tdd/loop-a.md`
  --> src/tdd/loop-a.md:5:17
   = help: the newest document supersedes the older ones; remove the Supersedes value that points forward

mdbook-tdd: 3 warnings
";

#[test]
fn every_state_builds_with_both_engines() {
    for engine in [Engine::V05, Engine::V04] {
        let b = build(&book(), engine, "");
        b.assert_ok();
        assert_eq!(b.stderr, DIAGNOSTICS, "{engine:?}");
        // Every generated link works; the one broken link is the author's.
        let broken: Vec<String> = support::broken_links(&b.html)
            .into_iter()
            .filter(|l| !l.contains("gone.html"))
            .collect();
        assert!(broken.is_empty(), "{engine:?}: {}", broken.join("\n"));
        let status = b.page("status.html");
        let main = support::main_of(&status);
        // The chain of three: each superseded row links its successor.
        assert!(
            main.contains(r#"Superseded</span> → <a href="tdd/payments-v2.html">Payments v2</a>"#),
            "{engine:?}: {main}"
        );
        assert!(
            main.contains(r#"Superseded</span> → <a href="tdd/payments-v3.html">Payments v3</a>"#),
            "{engine:?}: {main}"
        );
        // Designs in force: neither the chain's old designs, nor the
        // rejected one, nor the cycle.
        let live = main
            .split("Designs in force")
            .nth(1)
            .and_then(|s| s.split("<h2").next())
            .unwrap();
        for gone in ["payments-v1", "payments-v2", "caching", "loop-a", "loop-b"] {
            assert!(!live.contains(gone), "{engine:?}: {gone} in {live}");
        }
        for kept in ["payments-v3", "dangling", "checkout.html"] {
            assert!(live.contains(kept), "{engine:?}: {kept} not in {live}");
        }
        // The search PRD has only dead designs: no live design.
        assert!(main.contains("No live design"), "{engine:?}: {main}");
        let uncovered = main.split("without a live design").nth(1).unwrap();
        assert!(uncovered.contains("prd/search.html"), "{engine:?}");
        assert!(!uncovered.contains("checkout-v1.html"), "{engine:?}");
        // Banners at the top of every page no longer in force, none on the
        // others: mdBook 0.5's warning block, a plain block quote in 0.4.
        let banner = |page: &str| {
            let html = b.page(page);
            let main = support::main_of(&html);
            let start = main.find(r#"<div class="tdd-banner">"#)?;
            let end = start + main[start..].find("</div>")?;
            // Before the card and everything the author wrote after the header.
            assert!(main.find("tdd-card").is_some_and(|c| c > end), "{page}");
            Some(main[start..end].to_string())
        };
        for page in [
            "tdd/payments-v3.html",
            "tdd/dangling.html",
            "prd/checkout-v2.html",
        ] {
            assert_eq!(banner(page), None, "{engine:?}: {page}");
        }
        let v1 = banner("tdd/payments-v1.html").expect("payments-v1 banner");
        assert_eq!(
            v1.contains("blockquote-tag-warning"),
            engine == Engine::V05,
            "{engine:?}: {v1}"
        );
        assert!(v1.contains("<blockquote"), "{engine:?}: {v1}");
        assert!(
            v1.contains(r#"<strong>Superseded</strong> by <a href="payments-v2.html">Payments v2</a>"#)
                && v1.contains(r#"The design in force is <a href="payments-v3.html">Payments v3</a> <span class="tdd-status tdd-status-approved">Approved</span>"#),
            "{engine:?}: {v1}"
        );
        let v2 = banner("tdd/payments-v2.html").expect("payments-v2 banner");
        assert!(
            v2.contains(r#"by <a href="payments-v3.html">Payments v3</a>"#),
            "{engine:?}: {v2}"
        );
        let rejected = banner("tdd/caching.html").expect("caching banner");
        assert!(
            rejected.contains("<strong>Rejected</strong>: this design is not in force."),
            "{engine:?}: {rejected}"
        );
        let cycle = banner("tdd/loop-a.html").expect("loop-a banner");
        assert!(
            cycle.contains(r#"by <a href="loop-b.html">Loop B</a>"#) && cycle.contains("cycle"),
            "{engine:?}: {cycle}"
        );
        let prd = banner("prd/checkout-v1.html").expect("checkout-v1 banner");
        assert!(
            prd.contains(r#"by <a href="checkout-v2.html">Checkout PRD v2</a>"#),
            "{engine:?}: {prd}"
        );
        // The superseded PRD still lists its design (backlinks).
        let v1 = b.page("prd/checkout-v1.html");
        assert!(v1.contains(r#"href="../tdd/checkout.html""#), "{engine:?}");
    }
}

#[test]
fn check_matches_the_build_and_status_json_derives_both_sides() {
    let o = run(&["check"], &book(), &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), DIAGNOSTICS);
    let o = run(&["status", "--format", "json"], &book(), &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], 2);
    let tdd = |p: &str| {
        v["tdds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["path"] == p)
            .unwrap()
            .clone()
    };
    let v1 = tdd("tdd/payments-v1.md");
    assert_eq!(v1["superseded_by"], "tdd/payments-v2.md");
    assert_eq!(
        v1["chain"],
        serde_json::json!(["tdd/payments-v2.md", "tdd/payments-v3.md"])
    );
    assert_eq!(v1["live"], false);
    let v3 = tdd("tdd/payments-v3.md");
    assert_eq!(v3["supersedes"], serde_json::json!(["tdd/payments-v2.md"]));
    assert_eq!(v3["superseded_by"], serde_json::Value::Null);
    assert_eq!(v3["live"], true);
    // A cycle: each goes once around, nobody is live.
    let a = tdd("tdd/loop-a.md");
    assert_eq!(a["chain"], serde_json::json!(["tdd/loop-b.md"]));
    assert_eq!(a["live"], false);
    let covered: Vec<(String, bool)> = v["prds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["covered"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        covered,
        [
            ("prd/checkout-v1.md".to_string(), true),
            ("prd/checkout-v2.md".to_string(), true),
            ("prd/search.md".to_string(), false),
        ]
    );
}

const REVIEW: &str = "\n[preprocessor.tdd.review-after]\nDraft = 30\n\"In Review\" = 14\n";

fn review_book() -> tempfile::TempDir {
    let dir = temp_copy();
    let toml = dir.path().join("book.toml");
    std::fs::write(&toml, read(&toml) + REVIEW).unwrap();
    let checkout = dir.path().join("src/tdd/checkout.md");
    std::fs::write(
        &checkout,
        read(&checkout).replace(
            "**Status:** Draft\n",
            "**Status:** Draft\n**Date:** 2024-01-01\n**Last Reviewed:** 2024-03-01\n",
        ),
    )
    .unwrap();
    dir
}

#[test]
fn review_dates_follow_today() {
    let dir = review_book();
    let root = dir.path();
    let stale = "warning[stale-document]: this document is Draft and was due for review on 2024-03-31 (30 days after its Last Reviewed 2024-03-01)\n  --> src/tdd/checkout.md:5:20\n   = help: review it and update `Last Reviewed`\n";
    // On the due date itself: not yet stale.
    let o = run(&["check", "--today", "2024-03-31"], root, &[]);
    assert!(!stderr(&o).contains("stale-document"), "{}", stderr(&o));
    let o = run(&["check", "--today", "2024-04-01"], root, &[]);
    assert!(stderr(&o).contains(stale), "{}", stderr(&o));
    // The environment, when there is no flag; the flag wins.
    let env = [("MDBOOK_TDD_TODAY", "2024-04-01")];
    assert!(stderr(&run(&["check"], root, &env)).contains(stale));
    let o = run(&["check", "--today", "2024-03-02"], root, &env);
    assert!(!stderr(&o).contains("stale-document"));
    // SOURCE_DATE_EPOCH: 2024-04-01T12:00:00Z.
    let env = [("SOURCE_DATE_EPOCH", "1711972800")];
    assert!(stderr(&run(&["check"], root, &env)).contains(stale));
    // MDBOOK_TDD_TODAY before SOURCE_DATE_EPOCH.
    let env = [
        ("MDBOOK_TDD_TODAY", "2024-03-02"),
        ("SOURCE_DATE_EPOCH", "1711972800"),
    ];
    assert!(!stderr(&run(&["check"], root, &env)).contains("stale-document"));
    // The due date is shown whatever today is; overdue only after it.
    for (today, overdue) in [("2024-03-31", false), ("2024-04-01", true)] {
        let o = run(&["status", "--format", "json", "--today", today], root, &[]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let t = v["tdds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["path"] == "tdd/checkout.md")
            .unwrap();
        assert_eq!(t["review_due"], "2024-03-31");
        assert_eq!(t["review_overdue"], overdue, "{today}");
    }
    // Bad dates: a usage error for the flag, an error for the variables.
    let o = run(&["check", "--today", "2024-02-30"], root, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`2024-02-30` is not a date"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check"], root, &[("MDBOOK_TDD_TODAY", "soon")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error[bad-config]: MDBOOK_TDD_TODAY=`soon` is not a date"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check"], root, &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(o.status.code(), Some(1));
    // A book without review-after never asks for a date: a bad variable
    // does not matter.
    let o = run(&["check"], &book(), &[("MDBOOK_TDD_TODAY", "soon")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The preprocessor has no flag: it reads MDBOOK_TDD_TODAY (or
/// SOURCE_DATE_EPOCH) from its environment.
#[test]
fn the_preprocessor_reads_today_from_the_environment() {
    let context = r#"{"root":"/nonexistent","config":{"book":{"title":"T","src":"src"},"preprocessor":{"tdd":{"review-after":{"Draft":10}}}},"renderer":"html","mdbook_version":"0.5.4"}"#;
    let chapter = |name: &str, path: &str, content: &str| {
        format!(
            r#"{{"Chapter":{{"name":{},"content":{},"number":[1],"sub_items":[],"path":"{path}","source_path":"{path}","parent_names":[]}}}}"#,
            serde_json::to_string(name).unwrap(),
            serde_json::to_string(content).unwrap()
        )
    };
    let input = format!(
        r#"[{context},{{"items":[{},{},{}]}}]"#,
        chapter("P", "p.md", "# P\n\n**Status:** Approved\n"),
        chapter(
            "T",
            "t.md",
            "# T\n\n**Status:** Draft\n**Source PRD:** p.md\n**Date:** 2024-01-01\n"
        ),
        chapter(
            "S",
            "s.md",
            "# S\n\n{{#tdd-status columns=document,review-due}}\n"
        )
    );
    for (today, overdue) in [("2024-01-11", false), ("2024-01-12", true)] {
        let mut c = Command::new(support::binary());
        c.env_remove("SOURCE_DATE_EPOCH")
            .env("MDBOOK_TDD_TODAY", today)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let page = v["items"][2]["Chapter"]["content"].as_str().unwrap();
        let cell = if overdue {
            "| **2024-01-11** (overdue) |"
        } else {
            "| 2024-01-11 |"
        };
        assert!(page.contains(cell), "{today}: {page}");
        assert_eq!(
            stderr(&o).contains("warning[stale-document]"),
            overdue,
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn new_supersedes_and_marks_only_the_status() {
    let dir = temp_copy();
    let root = dir.path();
    let old = root.join("src/tdd/payments-v3.md");
    // CRLF and a BOM, so that "no other byte" means something.
    let old_text = format!(
        "\u{feff}{}",
        read(&old)
            .replace('\n', "\r\n")
            .replace("**Status:** Approved", "**Status:** *Approved*  ")
    );
    std::fs::write(&old, &old_text).unwrap();
    let summary_before = read(&root.join("src/SUMMARY.md"));
    let o = run(
        &[
            "new",
            "Payments v4",
            "--supersedes",
            "tdd/payments-v3.md",
            "--prd",
            "prd/checkout-v2.md",
            "--date",
            "2026-01-01",
            "--mark-superseded",
        ],
        root,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("marked src/tdd/payments-v3.md Superseded")
            || stdout(&o).contains("payments-v3.md Superseded"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        read(&root.join("src/tdd/payments-v4.md")),
        "{{#tdd-skeleton title=\"Payments v4\" date=\"2026-01-01\" prd=\"../prd/checkout-v2.md\" supersedes=\"[Payments v3](payments-v3.md)\"}}\n"
    );
    // The old file: the status value, and not one other byte.
    assert_eq!(
        read(&old),
        old_text.replacen("*Approved*", "*Superseded*", 1)
    );
    // The entry right after the old one's.
    assert_eq!(
        read(&root.join("src/SUMMARY.md")),
        summary_before.replacen(
            "- [Payments v3](tdd/payments-v3.md)\n",
            "- [Payments v3](tdd/payments-v3.md)\n- [Payments v4](tdd/payments-v4.md)\n",
            1
        )
    );
    // The book agrees: v3 is superseded by v4, which is live.
    let o = run(&["status", "--format", "json"], root, &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v1 = v["tdds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["path"] == "tdd/payments-v1.md")
        .unwrap();
    assert_eq!(
        v1["chain"],
        serde_json::json!([
            "tdd/payments-v2.md",
            "tdd/payments-v3.md",
            "tdd/payments-v4.md"
        ])
    );
    let check = stderr(&run(&["check"], root, &[]));
    assert!(!check.contains("superseded-status"), "{check}");
    let b = build(root, Engine::V05, "");
    b.assert_ok();
    let page = b.page("tdd/payments-v4.html");
    assert!(page.contains(r#"href="payments-v3.html""#), "{page}");

    // Expanded: the field is in the header; without --mark-superseded the
    // old file is not touched.
    let before = read(&root.join("src/tdd/caching.md"));
    let o = run(
        &[
            "new",
            "Caching Again",
            "--supersedes",
            "tdd/caching.md",
            "--expand",
        ],
        root,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = read(&root.join("src/tdd/caching-again.md"));
    assert!(
        text.contains("**Source PRD:** [{prd filename}]({relative path to prd})\\\n**Supersedes:** [Result Caching](caching.md)\n\n---\n"),
        "{text}"
    );
    assert_eq!(read(&root.join("src/tdd/caching.md")), before);
}

#[test]
fn new_supersedes_refuses_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_copy();
    let root = dir.path();
    let summary = read(&root.join("src/SUMMARY.md"));
    let old = root.join("src/tdd/payments-v3.md");
    let old_text = read(&old);
    // `new` with `args` (creating `tdd/x.md`) fails with `message` and
    // writes nothing.
    let refused = |args: &[&str], message: &str| {
        let o = run(args, root, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(!root.join("src/tdd/x.md").exists(), "{args:?}");
        assert_eq!(read(&root.join("src/SUMMARY.md")), summary, "{args:?}");
    };
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o444)).unwrap();
    refused(
        &[
            "new",
            "X",
            "--supersedes",
            "tdd/payments-v3.md",
            "--mark-superseded",
        ],
        "payments-v3.md` is read-only",
    );
    assert_eq!(read(&old), old_text);
    // Without --mark-superseded the read-only old file is only read.
    let o = run(
        &["new", "X", "--supersedes", "tdd/payments-v3.md"],
        root,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_file(root.join("src/tdd/x.md")).unwrap();
    std::fs::write(root.join("src/SUMMARY.md"), &summary).unwrap();

    refused(
        &["new", "X", "--supersedes", "tdd/nope.md"],
        "is not a chapter of SUMMARY.md",
    );
    refused(
        &["new", "X", "--supersedes", "prd/search.md"],
        "is not a TDD of this book",
    );
    refused(&["new", "X", "--mark-superseded"], "--supersedes");
    // A status that cannot be changed in place (a skeleton chapter): nothing
    // is written.
    std::fs::write(
        root.join("src/tdd/dangling.md"),
        "{{#tdd-skeleton title=Dangling prd=../prd/checkout-v2.md}}\n",
    )
    .unwrap();
    refused(
        &[
            "new",
            "X",
            "--supersedes",
            "tdd/dangling.md",
            "--mark-superseded",
        ],
        "no `**Status:**` field",
    );
}

#[test]
fn graph_formats_are_deterministic_and_escaped() {
    let dir = temp_copy();
    let root = dir.path();
    let hostile = "Pay \"v3\" [final] {x} <b>&amp; --> a; `c` #35; \\n\\\"\nline two\\";
    let p = root.join("src/tdd/payments-v3.md");
    std::fs::write(
        &p,
        read(&p).replace("# Payments v3\n", &format!("{hostile}\n===\n")),
    )
    .unwrap();
    let dot = run(&["status", "--format", "dot"], root, &[]);
    assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
    let dot = stdout(&dot);
    assert_eq!(stdout(&run(&["status", "--format", "dot"], root, &[])), dot);
    assert!(dot.starts_with("digraph documents {\n"), "{dot}");
    assert!(dot.ends_with("}\n"), "{dot}");
    let line = dot.lines().find(|l| l.contains("[final]")).unwrap();
    assert_eq!(
        line,
        "  d5 [label=<Pay &quot;v3&quot; [final] {x} &lt;b&gt;&amp;amp; --&gt; a; `c` #35; \\n\\&quot; line two\\<BR/>(Approved)>];"
    );
    assert!(
        dot.contains("  d5 -> d1 [label=\"Source PRD\"];\n"),
        "{dot}"
    );
    assert!(
        dot.contains("  d5 -> d4 [label=\"supersedes\", style=dashed];\n"),
        "{dot}"
    );
    // Every label is one line between `<` and the `>` that ends it.
    for l in dot.lines().filter(|l| l.contains("label=<")) {
        let inner = l.split_once("label=<").unwrap().1;
        let inner = inner.rsplit_once(">").unwrap().0;
        assert!(!inner.replace("<BR/>", "").contains(['<', '>', '"']), "{l}");
    }

    let m = run(&["status", "--format", "mermaid"], root, &[]);
    assert_eq!(m.status.code(), Some(0));
    let m = stdout(&m);
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    let line = m.lines().find(|l| l.starts_with("  d5[")).unwrap();
    let label = line
        .strip_prefix("  d5[\"")
        .and_then(|l| l.strip_suffix("\"]"))
        .unwrap();
    assert!(
        !label
            .replace("<br>", "")
            .contains(['"', '<', '>', '[', ']', '{', '}', '`', '&', '\\']),
        "{line}"
    );
    assert!(label.starts_with("Pay #34;v3#34; #91;final#93;"), "{line}");
    assert!(m.contains("  d5 -->|Source PRD| d1\n"), "{m}");
    assert!(m.contains("  d5 -.->|supersedes| d4\n"), "{m}");
    assert!(m.contains("  class d0,d3,d4,d6,d7,d8 dead\n"), "{m}");
    assert_eq!(
        stdout(&run(&["status", "--format", "mermaid"], root, &[])),
        m
    );
}

/// Every `<svg>...</svg>` of a page, as written.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(a) = rest.find("<svg") {
        let Some(len) = rest[a..].find("</svg>") else {
            break;
        };
        out.push(&rest[a..a + len + "</svg>".len()]);
        rest = &rest[a + len..];
    }
    out
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

#[test]
fn the_graph_is_well_formed_svg_whose_nodes_link_their_pages() {
    // A copy of the book with a design whose name is hostile markup.
    let dir = temp_copy();
    let src = dir.path().join("src");
    std::fs::write(
        src.join("tdd/evil.md"),
        "# Evil\n\n**Status:** Draft\n**Source PRD:** ../prd/search.md\n",
    )
    .unwrap();
    let summary = read(&src.join("SUMMARY.md")).replace(
        "- [Checkout Flow](tdd/checkout.md)",
        "- [Checkout Flow](tdd/checkout.md)\n- [Evil &lt;b&gt;&amp;\"' \\]\\]&gt; x](tdd/evil.md)",
    );
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
    for engine in [Engine::V05, Engine::V04] {
        let b = build(dir.path(), engine, "");
        b.assert_ok();
        assert_eq!(b.stderr, DIAGNOSTICS, "{engine:?}");
        let broken: Vec<String> = support::broken_links(&b.html)
            .into_iter()
            .filter(|l| !l.contains("gone.html"))
            .collect();
        assert!(broken.is_empty(), "{engine:?}: {}", broken.join("\n"));
        let page = b.page("graph/map.html");
        let main = support::main_of(&page);
        let drawn = svgs(main);
        assert_eq!(drawn.len(), 3, "{engine:?}: {main}");
        let mut titles = Vec::new();
        for svg in &drawn {
            // Strict XML: a stray `&`, `<` or quote from a name would fail.
            let doc = roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{engine:?}: {e}\n{svg}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().namespace(), Some(SVG_NS), "{engine:?}");
            assert_eq!(root.attribute("class"), Some("tdd-graph"), "{engine:?}");
            assert_eq!(root.attribute("role"), Some("img"), "{engine:?}");
            // mdBook 0.5 writes the page's HTML back with attribute names
            // in lower case; a browser's HTML parser gives SVG attributes
            // their case back (`viewbox` is `viewBox` in the DOM).
            let view: Vec<f64> = root
                .attribute("viewBox")
                .or(root.attribute("viewbox"))
                .unwrap()
                .split(' ')
                .map(|v| v.parse().unwrap())
                .collect();
            assert!(
                view.len() == 4 && view[2] > 0.0 && view[3] > 0.0,
                "{view:?}"
            );
            // No element of an author's name reached the drawing.
            for n in root.descendants().filter(|n| n.is_element()) {
                assert!(
                    [
                        "svg", "title", "defs", "marker", "path", "g", "a", "rect", "text"
                    ]
                    .contains(&n.tag_name().name()),
                    "{engine:?}: <{}> in {svg}",
                    n.tag_name().name()
                );
            }
            for a in root.descendants().filter(|n| n.has_tag_name("a")) {
                let href = a.attribute("href").unwrap();
                assert!(
                    href.starts_with("../tdd/") || href.starts_with("../prd/"),
                    "{engine:?}: {href}"
                );
                assert!(href.ends_with(".html"), "{engine:?}: {href}");
                let title = a.first_element_child().unwrap();
                assert!(title.has_tag_name("title"), "{engine:?}");
                titles.push(title.text().unwrap_or_default().to_string());
            }
            // Each edge points with the one arrow marker of its drawing.
            let marker = root
                .descendants()
                .find(|n| n.has_tag_name("marker"))
                .and_then(|m| m.attribute("id"))
                .unwrap();
            for p in root.descendants().filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.starts_with("tdd-graph-edge "))
            }) {
                assert_eq!(
                    p.attribute("marker-end"),
                    Some(format!("url(#{marker})").as_str())
                );
            }
        }
        // The whole book: 3 PRDs and 9 designs; the checkout family (the
        // PRDs of its chain and their designs, not the search PRD's); the
        // documents no longer in force.
        assert!(drawn[0].contains("3 PRDs, 9 designs"), "{engine:?}");
        assert!(
            titles
                .iter()
                .any(|t| t.starts_with("Evil <b>&\"' ]]> x: TDD")),
            "{engine:?}: {titles:?}"
        );
        let family = drawn[1];
        for name in [
            "checkout-v1",
            "checkout-v2",
            "tdd/checkout.html",
            "payments-v1",
        ] {
            assert!(family.contains(name), "{engine:?}: {name}");
        }
        for name in ["search", "caching", "loop-a", "evil"] {
            assert!(!family.contains(name), "{engine:?}: {name}");
        }
        let dead = drawn[2];
        for name in [
            "payments-v1",
            "payments-v2",
            "caching",
            "loop-a",
            "checkout-v1",
        ] {
            assert!(dead.contains(name), "{engine:?}: {name} not in {dead}");
        }
        assert!(!dead.contains("payments-v3"), "{engine:?}");
        // The Markdown after each graph is still Markdown.
        assert!(
            main.contains("<h2 id=\"no-longer-in-force\""),
            "{engine:?}: {main}"
        );
    }
}

/// The page of a book of one PRD and `n` designs with `{{#tdd-graph}}`,
/// and with `{{#tdd-graph status=approved}}` (which keeps the PRD only).
fn graph_page(n: usize, html: bool) -> String {
    use mdbook_tdd::{ChapterMeta, Config, Diagnostics, Settings, SourceChapter, process};
    let chapter = |path: &str, text: String| SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    };
    let mut chapters = vec![chapter(
        "prd/p.md",
        "# P\n\n**Status:** Approved\n".to_string(),
    )];
    for i in 0..n {
        chapters.push(chapter(
            &format!("tdd/t{i}.md"),
            "# T\n\n**Status:** Draft\n**Source PRD:** ../prd/p.md\n".to_string(),
        ));
    }
    chapters.push(chapter(
        "map.md",
        "{{#tdd-graph}}\n\n{{#tdd-graph status=approved}}\n".to_string(),
    ));
    let settings = Settings {
        html,
        ..Settings::default()
    };
    let mut p = process(chapters, &Config::default(), &settings, Diagnostics::new());
    assert!(p.diagnostics.is_empty());
    p.texts().pop().unwrap()
}

#[test]
fn above_200_documents_the_graph_is_a_note() {
    // 200 documents are drawn.
    let page = graph_page(199, true);
    assert_eq!(page.matches("<svg").count(), 2, "{page}");
    assert_eq!(page.matches("<a href=").count(), 201);
    // 201 are a note; the filtered graph beside it is still drawn.
    let page = graph_page(200, true);
    assert!(
        page.starts_with(
            "*201 documents — too many to draw; filter with prd= or status=*\n\n<div class=\"tdd-graph-wrap\">"
        ),
        "{page}"
    );
    assert_eq!(page.matches("<svg").count(), 1);
    // Other renderers list every document.
    let page = graph_page(200, false);
    assert_eq!(page.matches("\n  - [tdd/t").count(), 200, "{page}");
}
