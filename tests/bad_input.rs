//! The bad-input suite: one case per row, run through the real binary as
//! mdBook runs it. Each case states the exit code and what stderr must say;
//! on an error stdout must be empty, on success it must be the book with
//! every author byte kept.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(input: &[u8]) -> Outcome {
    let out = support::run_piped(&[], None, input.to_vec());
    Outcome {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn context(root: &Path, tdd: Value) -> Value {
    json!({
        "root": root,
        "config": {"book": {"title": "T", "src": "src"}, "preprocessor": {"tdd": tdd}},
        "renderer": "html",
        "mdbook_version": "0.5.4"
    })
}

fn chapter(name: &str, path: &str, content: &str) -> Value {
    json!({"Chapter": {"name": name, "content": content, "number": null, "sub_items": [],
        "path": path, "source_path": path, "parent_names": []}})
}

fn book(root: &Path, tdd: Value, items: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!([context(root, tdd), {"items": items}])).unwrap()
}

/// The contents of the output book's chapters, in order.
fn contents(out: &Outcome) -> Vec<String> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("the output is JSON");
    let mut found = Vec::new();
    fn walk(items: &Value, out: &mut Vec<String>) {
        for item in items.as_array().into_iter().flatten() {
            if let Some(c) = item.get("Chapter") {
                out.push(c["content"].as_str().unwrap_or_default().to_string());
                walk(&c["sub_items"], out);
            }
        }
    }
    walk(&v["items"], &mut found);
    found
}

fn assert_error(out: &Outcome, expected: &str) {
    assert_eq!(out.code, Some(1), "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty(), "stdout must be empty on errors");
    assert!(
        out.stderr.contains(expected),
        "expected {expected:?} in:\n{}",
        out.stderr
    );
}

fn assert_ok(out: &Outcome) {
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
}

#[test]
fn malformed_input_json() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"",
            "error[bad-input]: malformed input JSON: EOF while parsing a value at line 1 column 0",
        ),
        (
            b"[{\"root\":\"/x\"",
            "error[bad-input]: malformed input JSON: EOF while parsing an object at line 1 column 13",
        ),
        (
            b"{\"a\":1}",
            "error[bad-input]: malformed input JSON: invalid type: map, expected a tuple of size 2 at line 1 column 0",
        ),
        (
            b"[{}, {\"pages\": []}]",
            "error[bad-input]: malformed input JSON: the book has neither `items` (mdBook 0.5) nor `sections` (mdBook 0.4)",
        ),
        (
            b"[{}, {\"items\": [{\"Chapter\": {\"name\": \"\xff\"}}]}]",
            "error[bad-input]: malformed input JSON: invalid unicode code point at line 1 column 39",
        ),
        (
            b"[{}, {\"items\": [{\"Chapter\": {\"name\": \"a\", \"content\": \"\xc3\x28\"}}]}]",
            "error[bad-input]: malformed input JSON: invalid unicode code point",
        ),
        (
            b"[{}, {\"items\": [{\"Novel\": 1}]}]",
            "error[bad-input]: malformed input JSON: unknown variant `Novel`",
        ),
    ];
    for (input, expected) in cases {
        let out = run(input);
        assert_error(&out, expected);
        assert!(
            out.stderr.ends_with("mdbook-tdd: 1 error\n"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn nesting_deeper_than_the_parser_allows() {
    let mut item = chapter("leaf", "leaf.md", "x");
    for i in 0..300 {
        let mut parent = chapter("n", &format!("n{i}.md"), "x");
        parent["Chapter"]["sub_items"] = json!([item]);
        item = parent;
    }
    let input = serde_json::to_vec(&json!([{}, {"items": [item]}])).unwrap();
    let out = run(&input);
    assert_error(
        &out,
        "error[bad-input]: malformed input JSON: recursion limit exceeded",
    );
}

#[test]
fn a_50_mb_chapter() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("# Big\n\n");
    let para = "Lorem ipsum {dolor} sit amet, `code` and **bold** | pipes \\ and \"quotes\".\n\n";
    while text.len() < 50_000_000 {
        text.push_str(para);
    }
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![chapter("Big", "big.md", &text)],
    ));
    assert_ok(&out);
    assert_eq!(contents(&out), vec![text.clone()]);
    // With a directive at the end, the rest is kept byte for byte.
    let with = format!("{text}{{{{#tdd-status}}}}\n");
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![chapter("Big", "big.md", &with)],
    ));
    assert_ok(&out);
    let got = &contents(&out)[0];
    assert!(
        got.starts_with(&text)
            && got.contains("| <span class=\"tdd-table tdd-table-tdd-status\"></span>Document |")
    );
}

#[test]
fn ten_thousand_chapters() {
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<Value> = (0..10_000)
        .map(|i| {
            chapter(
                &format!("C{i}"),
                &format!("c/{i}.md"),
                &format!("# C{i}\n\nText {i}.\n"),
            )
        })
        .collect();
    let out = run(&book(dir.path(), json!({}), items));
    assert_ok(&out);
    let c = contents(&out);
    assert_eq!(c.len(), 10_000);
    assert_eq!(c[9_999], "# C9999\n\nText 9999.\n");
}

#[test]
fn a_directive_with_thousands_of_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = (0..5000).map(|i| format!("a{i}=\"{i}\"")).collect();
    let text = format!("{{{{#tdd-status {}}}}}\n", args.join(" "));
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![chapter("S", "s.md", &text)],
    ));
    assert_error(
        &out,
        "error[bad-argument]: unknown argument `a0` for `{{#tdd-status}}`\n  --> src/s.md:1:15",
    );
    assert!(
        out.stderr
            .contains("4990 more unknown arguments for `{{#tdd-status}}`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with("mdbook-tdd: 11 errors\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn unterminated_directives_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "text\n\n{{#tdd-status sort=title\n",
            "error[malformed-directive]: malformed directive `{{#tdd-status}}`: the directive has no closing `}}`\n  --> src/s.md:3:1",
        ),
        (
            "{{#tdd-status\n\nsort=title}}\n",
            "the directive has no closing `}}` before the end of its paragraph\n  --> src/s.md:1:1",
        ),
        (
            "{{#tdd-skeleton title=\"Pay}}\n",
            "error[malformed-directive]: malformed directive `{{#tdd-skeleton}}`: the quoted value of `title` is not closed\n  --> src/s.md:1:23",
        ),
    ];
    for (text, expected) in cases {
        let out = run(&book(
            dir.path(),
            json!({}),
            vec![chapter("S", "s.md", text)],
        ));
        assert_error(&out, expected);
    }
}

#[test]
fn template_paths_that_escape_or_fail() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("t.md"), "# {title}\n").unwrap();
    std::fs::write(root.path().join("empty.md"), "  \n\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("t.md"), root.path().join("link.md")).unwrap();
    let cases = [
        (
            "../../etc/passwd",
            "error[template-not-found]: template path `../../etc/passwd` leads outside the book root\n  --> src/s.md:1:17",
        ),
        (
            "/etc/passwd",
            "error[template-not-found]: template path `/etc/passwd` is absolute; give a path relative to the book root",
        ),
        (
            "link.md",
            "error[template-not-found]: template path `link.md` leads outside the book root",
        ),
        (
            "missing.md",
            "error[template-not-found]: template `missing.md` cannot be read: No such file or directory",
        ),
        (
            "empty.md",
            "error[bad-template]: template `empty.md` is empty",
        ),
    ];
    for (path, expected) in cases {
        let text = format!("{{{{#tdd-skeleton template=\"{path}\"}}}}\n");
        let out = run(&book(
            root.path(),
            json!({}),
            vec![chapter("S", "s.md", &text)],
        ));
        assert_error(&out, expected);
    }
    // The same through the configuration: reported against book.toml.
    let out = run(&book(
        root.path(),
        json!({"template": "../outside.md"}),
        vec![chapter("S", "s.md", "{{#tdd-skeleton}}\n")],
    ));
    assert_error(
        &out,
        "error[template-not-found]: `[preprocessor.tdd] template`: template path `../outside.md` leads outside the book root\n  --> book.toml",
    );
}

#[test]
fn a_template_without_numbered_sections() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("plain.md"),
        "# {title}\n\n**Status:** Draft\n\n---\n\n## Context\n{context}\n\n## Decision\n{decision}\n",
    )
    .unwrap();
    let text = "{{#tdd-skeleton template=plain.md title=Queue}}\n\n## Decision\nUse SQS.\n";
    let out = run(&book(
        root.path(),
        json!({}),
        vec![chapter("S", "s.md", text)],
    ));
    assert_ok(&out);
    assert_eq!(
        contents(&out)[0],
        "# Queue\n\n**Status:** Draft\n\n<div class=\"tdd-card\">\n\n<span class=\"tdd-status tdd-status-draft\">Draft</span> · no Source PRD · 1 of 2 sections written · no open items\n\n</div>\n\n---\n\n## Context\n<div class=\"tdd-guidance\">\n\n{context}\n\n</div>\n\n## Decision\nUse SQS.\n"
    );
}

#[test]
fn hostile_values_stay_in_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let tdd = "# Evil\n\n**Author:** a | b `c | d` <script>alert(1)</script> [x](y)\n**Status:** Draft\n**Version:** 1|2\n**Source PRD:** p.md\n\n---\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| a \\| b `x \\| y` | Risk | H | <b>me</b> | Open |\n";
    let status = "{{#tdd-status columns=document,author,version}}\n\n{{#tdd-open-items}}\n";
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![
            chapter("P", "p.md", "# P\n"),
            chapter("Evil | `name` <i>", "evil.md", tdd),
            chapter("S", "s.md", status),
        ],
    ));
    assert_ok(&out);
    let page = &contents(&out)[2];
    let mut html = String::new();
    let parser = mdbook_markdown::pulldown_cmark::Parser::new_ext(
        page,
        mdbook_markdown::pulldown_cmark::Options::ENABLE_TABLES,
    );
    mdbook_markdown::pulldown_cmark::html::push_html(&mut html, parser);
    // Two tables, each with one body row of exactly as many cells as headers.
    assert_eq!(html.matches("<table>").count(), 2, "{page}");
    assert_eq!(html.matches("<tr>").count(), 4, "{html}");
    assert_eq!(html.matches("<td>").count(), 3 + 6, "{html}");
    // The chapter's name is plain text; the author's cell keeps its Markdown.
    assert!(html.contains(">Evil | `name` &lt;i&gt;</a>"), "{html}");
    assert!(html.contains("<td>a | b <code>x | y</code></td>"), "{html}");
    assert!(html.contains("<td>1|2</td>"), "{html}");
}

#[test]
fn crlf_and_mixed_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "# Mixed\r\n\r\nOne line.\nAnother.\r\n\r\n{{#tdd-status columns=document}}\r\n\r\nEnd.\n";
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![chapter("M", "m.md", text)],
    ));
    assert_ok(&out);
    let got = &contents(&out)[0];
    assert!(
        got.starts_with(
            "# Mixed\r\n\r\nOne line.\nAnother.\r\n\r\n| <span class=\"tdd-table tdd-table-tdd-status\"></span>Document |\r\n|---|"
        ),
        "{got:?}"
    );
    assert!(got.ends_with("\r\n\r\nEnd.\n"), "{got:?}");
}

#[test]
fn source_prds_that_point_at_tdds() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![
            chapter("Self", "self.md", "# Self\n\n**Source PRD:** self.md\n"),
            chapter(
                "Other",
                "other.md",
                "# Other\n\n**Source PRD:** [x](self.md)\n",
            ),
        ],
    ));
    assert_ok(&out);
    assert!(
        out.stderr.contains(
            "warning[broken-prd-link]: Source PRD points to this TDD itself\n  --> src/self.md:3:17"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(
        "warning[broken-prd-link]: Source PRD points to `self.md`, which is a TDD, not a PRD\n  --> src/other.md:3:17"
    ), "{}", out.stderr);
}

#[test]
fn two_chapters_with_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&book(
        dir.path(),
        json!({}),
        vec![
            chapter("Payments", "a/payments.md", "# Payments A\n"),
            chapter("Payments", "b/payments.md", "# Payments B\n"),
            chapter("Design", "t.md", "# Design\n\n**Source PRD:** Payments\n"),
            chapter(
                "Design",
                "u.md",
                "# Design two\n\n**Source PRD:** a/payments.md\n",
            ),
            chapter("S", "s.md", "{{#tdd-status columns=document,prd}}\n"),
        ],
    ));
    assert_ok(&out);
    assert!(out.stderr.contains(
        "warning[ambiguous-prd]: more than one chapter is named `Payments`; the Source PRD resolves to the first, `a/payments.md`\n  --> src/t.md:3:17"
    ), "{}", out.stderr);
    let status = &contents(&out)[4];
    // Both designs are listed, each linked to its own page.
    assert!(
        status.contains("| [Design](t.md) | [Payments](a/payments.md) |"),
        "{status}"
    );
    assert!(
        status.contains("| [Design](u.md) | [Payments](a/payments.md) |"),
        "{status}"
    );
}

/// Runs the binary with a deadline: a FIFO that is opened blocks forever,
/// which must fail the test, not hang it.
#[cfg(unix)]
fn run_with_deadline(args: &[&str], cwd: &Path, input: &[u8]) -> Outcome {
    use std::io::Read;
    let (mut child, writer) = support::spawn_piped(args, Some(cwd), input.to_vec());
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let _ = out.read_to_end(&mut o);
        let _ = err.read_to_end(&mut e);
        (o, e)
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("mdbook-tdd {args:?} still runs after 60 s: it blocks on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    writer.join().unwrap();
    let (stdout, stderr) = reader.join().unwrap();
    Outcome {
        code: status.code(),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A FIFO (or a directory) given as a template or found where the command
/// line reads a file gets a clear error instead of blocking forever.
#[cfg(unix)]
#[test]
fn fifos_and_directories_are_not_read() {
    let root = tempfile::tempdir().unwrap();
    mkfifo(&root.path().join("pipe.md"));
    std::fs::create_dir(root.path().join("dir.md")).unwrap();
    for (path, kind) in [("pipe.md", "a FIFO"), ("dir.md", "a directory")] {
        let text = format!("{{{{#tdd-skeleton template=\"{path}\"}}}}\n");
        let input = book(root.path(), json!({}), vec![chapter("S", "s.md", &text)]);
        let out = run_with_deadline(&[], root.path(), &input);
        assert_error(
            &out,
            &format!(
                "error[template-not-found]: template `{path}` cannot be read: it is {kind}, not a regular file\n  --> src/s.md:1:17"
            ),
        );
        let input = book(
            root.path(),
            json!({ "template": path }),
            vec![chapter("S", "s.md", "{{#tdd-skeleton}}\n")],
        );
        let out = run_with_deadline(&[], root.path(), &input);
        assert_error(
            &out,
            &format!(
                "error[template-not-found]: `[preprocessor.tdd] template`: template `{path}` cannot be read: it is {kind}, not a regular file\n  --> book.toml"
            ),
        );
    }

    // The command line: a chapter, SUMMARY.md, book.toml, the file to expand.
    let b = root.path().join("book");
    std::fs::create_dir_all(b.join("src")).unwrap();
    std::fs::write(b.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    std::fs::write(b.join("src/SUMMARY.md"), "# S\n\n- [A](a.md)\n").unwrap();
    mkfifo(&b.join("src/a.md"));
    let out = run_with_deadline(&["check", "."], &b, b"");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a.md`: it is a FIFO, not a regular file"),
        "{}",
        out.stderr
    );
    // `expand` plans its write first: the file it would replace is refused.
    let out = run_with_deadline(&["expand", "src/a.md"], &b, b"");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: `src/a.md` is not a regular file"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(b.join("src/SUMMARY.md")).unwrap();
    mkfifo(&b.join("src/SUMMARY.md"));
    let out = run_with_deadline(&["check", "."], &b, b"");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("SUMMARY.md`: it is a FIFO, not a regular file"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(b.join("book.toml")).unwrap();
    mkfifo(&b.join("book.toml"));
    for args in [&["check", "."][..], &["install", "."]] {
        let out = run_with_deadline(args, &b, b"");
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("book.toml`: it is a FIFO, not a regular file"),
            "{args:?}: {}",
            out.stderr
        );
    }
}
