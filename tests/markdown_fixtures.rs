//! Markdown fixture pairs: `tests/fixtures/markdown/<case>/input.md` is run
//! through the preprocessor and compared with `expected.md`; the diagnostics
//! are compared with `expected.stderr` (absent = none expected).
//!
//! A case may hold:
//! - `case.toml`: `path` (the input chapter's path, default `chapter.md`),
//!   `name` (its SUMMARY name), `renderer` (default `html`), `today` (the day
//!   review dates are judged against, `YYYY-MM-DD`; default none), and a
//!   `[book]` table that is the book configuration (as in book.toml);
//! - `context/`: more chapters of the book (path relative to `context/`,
//!   named by their first H1, or as the `[names]` table of `case.toml` says:
//!   `"tdd/a.md" = "SUMMARY name"`);
//! - any file a template path names (the case directory is the book root).
//!
//! Run with `BLESS=1` to write the expected files from the current output.

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown")
}

fn chapter(path: &str, name: &str, text: String) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(name, path, path, "src", true),
        text: text.into(),
    }
}

fn first_h1(text: &str) -> Option<String> {
    text.split(['\n', '\r'])
        .find_map(|l| l.strip_prefix("# "))
        .map(|s| s.trim().to_string())
}

fn collect(dir: &Path, base: &Path, out: &mut Vec<SourceChapter>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, base, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            let rel = mdbook_tdd::slash_path(p.strip_prefix(base).unwrap());
            let text = std::fs::read_to_string(&p).unwrap();
            let name = first_h1(&text).unwrap_or_else(|| rel.clone());
            out.push(chapter(&rel, &name, text));
        }
    }
}

struct Case {
    path: String,
    name: String,
    renderer: String,
    today: Option<mdbook_tdd::Date>,
    book: serde_json::Value,
    names: toml::Table,
}

fn read_case(dir: &Path) -> Case {
    let toml_text = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_default();
    let value: toml::Value = toml::from_str(&toml_text).unwrap();
    let get = |k: &str, d: &str| {
        value
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or(d)
            .to_string()
    };
    Case {
        path: get("path", "chapter.md"),
        name: get("name", "Chapter"),
        renderer: get("renderer", "html"),
        today: value
            .get("today")
            .and_then(|v| v.as_str())
            .map(|d| mdbook_tdd::Date::parse(d).expect("`today` is YYYY-MM-DD")),
        book: value
            .get("book")
            .map(|b| serde_json::to_value(b).unwrap())
            .unwrap_or(serde_json::json!({})),
        names: value
            .get("names")
            .and_then(|n| n.as_table())
            .cloned()
            .unwrap_or_default(),
    }
}

/// Runs one case; returns (output of the input chapter or None on errors,
/// diagnostics text).
fn run_case(dir: &Path) -> (Option<String>, String) {
    let case = read_case(dir);
    let input = std::fs::read_to_string(dir.join("input.md")).unwrap();
    let mut chapters = Vec::new();
    let ctx_dir = dir.join("context");
    if ctx_dir.is_dir() {
        collect(&ctx_dir, &ctx_dir, &mut chapters);
    }
    for c in &mut chapters {
        if let Some(name) = case.names.get(&c.meta.path).and_then(|n| n.as_str()) {
            c.meta = ChapterMeta::new(name, &c.meta.path, &c.meta.path, "src", true);
        }
    }
    chapters.push(chapter(&case.path, &case.name, input));
    chapters.sort_by(|a, b| a.meta.path.cmp(&b.meta.path));
    let target = chapters
        .iter()
        .position(|c| c.meta.path == case.path)
        .unwrap();
    let mut diags = Diagnostics::new();
    let mut config = Config::from_book_config(&case.book, false, &mut diags);
    config.today = case.today;
    let settings = Settings {
        root: dir.to_path_buf(),
        index_enabled: true,
        html: case.renderer == "html",
    };
    let mut processed = process(chapters, &config, &settings, diags);
    let (texts, diags) = (processed.texts(), processed.diagnostics);
    let stderr: String = diags.iter().map(|d| format!("{d}\n")).collect();
    if diags.has_errors() {
        (None, stderr)
    } else {
        (Some(texts[target].clone()), stderr)
    }
}

#[test]
fn markdown_fixtures() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input.md").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 25, "only {} fixture cases", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (out, stderr) = run_case(dir);
        let expected_md = dir.join("expected.md");
        let expected_err = dir.join("expected.stderr");
        if bless {
            match &out {
                Some(o) => std::fs::write(&expected_md, o).unwrap(),
                None => {
                    let _ = std::fs::remove_file(&expected_md);
                }
            }
            if stderr.is_empty() {
                let _ = std::fs::remove_file(&expected_err);
            } else {
                std::fs::write(&expected_err, &stderr).unwrap();
            }
            continue;
        }
        // Whatever the preprocessor writes holds no directive of its own:
        // every live one in the output was in the input.
        if let Some(o) = &out {
            let input = std::fs::read_to_string(dir.join("input.md")).unwrap();
            let known = live_directives(&input);
            for d in live_directives(o) {
                if !known.contains(&d) {
                    failures.push(format!("{name}: the output holds a live directive: {d}"));
                }
            }
        }
        let want_md = std::fs::read_to_string(&expected_md).ok();
        let want_err = std::fs::read_to_string(&expected_err).unwrap_or_default();
        if out != want_md {
            failures.push(format!(
                "{name}: output differs\n--- expected ---\n{}\n--- actual ---\n{}",
                want_md.as_deref().unwrap_or("(no output: errors)"),
                out.as_deref().unwrap_or("(no output: errors)")
            ));
        }
        if stderr != want_err {
            failures.push(format!(
                "{name}: diagnostics differ\n--- expected ---\n{want_err}--- actual ---\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every directive of mdBook's `links` preprocessor (or ours) in a text: `{{`,
/// optional white space, `#`, up to the next `}}`.
fn live_directives(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        if after.trim_start().starts_with('#') {
            let end = after.find("}}").map_or(after.len(), |e| e + 2);
            out.push(format!("{{{{{}", &after[..end]));
        }
        rest = &rest[i + 1..];
    }
    out
}

/// Running the preprocessor on its own output changes nothing.
#[test]
fn fixtures_are_idempotent() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.md").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let (Some(first), _) = run_case(&dir) else {
            continue;
        };
        let tmp = tempfile::tempdir().unwrap();
        support_copy(&dir, tmp.path());
        std::fs::write(tmp.path().join("input.md"), &first).unwrap();
        let (second, _) = run_case(tmp.path());
        assert_eq!(
            second.as_deref(),
            Some(first.as_str()),
            "{}: a second run changed the output",
            dir.display()
        );
    }
}

fn support_copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            support_copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}
