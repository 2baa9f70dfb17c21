//! The JSON Schemas: the published copies in `schemas/` are the generated
//! ones (`BLESS=1` rewrites them), `mdbook-tdd schema` prints them, and real
//! outputs and configurations validate against them (with the `jsonschema`
//! crate, which also shows that wrong ones do not).

mod support;

use mdbook_tdd::SchemaKind;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use support::repo;

use support::mdbook_tdd as run;

fn published(kind: SchemaKind) -> PathBuf {
    repo().join("schemas").join(kind.file_name())
}

fn validator(kind: SchemaKind) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&kind.json()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// The problems of `instance` against the schema (empty when it is valid).
fn problems(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn published_schemas_are_the_generated_ones() {
    for kind in SchemaKind::ALL {
        let generated = kind.json();
        let path = published(kind);
        if std::env::var_os("BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
            if kind == SchemaKind::Config {
                let copy = repo().join("book-example/mdbook-tdd.schema.json");
                std::fs::write(copy, &generated).unwrap();
            }
        }
        let file = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1)", path.display()));
        assert_eq!(
            file,
            generated,
            "{} is stale: run with BLESS=1",
            path.display()
        );
        // What the command prints.
        let o = run(&["schema", kind.name()], &repo());
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(String::from_utf8(o.stdout).unwrap(), generated);
        // Each is a valid draft 7 schema.
        let schema: Value = serde_json::from_str(&generated).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(jsonschema::draft7::meta::is_valid(&schema), "{kind:?}");
    }
    let o = run(&["schema", "nope"], &repo());
    assert_eq!(o.status.code(), Some(2));
    // The example book is set up as `install` sets a book up.
    let example = repo().join("book-example");
    assert_eq!(
        std::fs::read_to_string(example.join("mdbook-tdd.schema.json")).unwrap(),
        SchemaKind::Config.json(),
        "book-example/mdbook-tdd.schema.json is stale: run with BLESS=1"
    );
    let toml = std::fs::read_to_string(example.join("book.toml")).unwrap();
    assert!(toml.starts_with("#:schema ./mdbook-tdd.schema.json\n"));
}

/// Every book the tests use, and the example.
fn books() -> Vec<PathBuf> {
    let mut out = vec![repo().join("book-example")];
    let dir = repo().join("tests/fixtures/books");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("book.toml").is_file())
        .collect();
    found.sort();
    out.extend(found);
    out
}

#[test]
fn real_outputs_validate() {
    let status = validator(SchemaKind::Status);
    let check = validator(SchemaKind::Check);
    let mut diagnostics = 0;
    let mut levels = std::collections::BTreeSet::new();
    for book in books() {
        let o = run(
            &["status", "--format", "json", "--today", "2026-06-01"],
            &book,
        );
        assert_eq!(o.status.code(), Some(0), "{}", book.display());
        let value: Value = serde_json::from_slice(&o.stdout).unwrap();
        let p = problems(&status, &value);
        assert!(p.is_empty(), "{}: {p:#?}", book.display());
        for strict in [false, true] {
            let mut args = vec!["check", "--format", "json", "--today", "2026-06-01"];
            if strict {
                args.push("--strict");
            }
            let o = run(&args, &book);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{}", book.display());
            let value: Value = serde_json::from_slice(&o.stdout).unwrap();
            let p = problems(&check, &value);
            assert!(p.is_empty(), "{}: {p:#?}", book.display());
            for d in value.as_array().unwrap() {
                diagnostics += 1;
                levels.insert(d["level"].as_str().unwrap().to_string());
            }
        }
    }
    // The books hold diagnostics of both levels, so both were checked.
    assert!(diagnostics > 10, "{diagnostics}");
    assert_eq!(levels.into_iter().collect::<Vec<_>>(), ["error", "warning"]);
    // The golden files too.
    let golden = |name: &str| -> Value {
        let text = std::fs::read_to_string(repo().join("tests/fixtures/cli").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    assert!(problems(&status, &golden("book-example.status.json")).is_empty());
    assert!(problems(&check, &golden("doc-model.check.json")).is_empty());
}

#[test]
fn wrong_outputs_do_not_validate() {
    let status = validator(SchemaKind::Status);
    let check = validator(SchemaKind::Check);
    let o = run(
        &["status", "--format", "json"],
        &repo().join("book-example"),
    );
    let good: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(status.is_valid(&good));
    let mut old = good.clone();
    old["schema"] = json!(1);
    assert!(!status.is_valid(&old));
    let mut missing = good.clone();
    missing["tdds"][0].as_object_mut().unwrap().remove("live");
    assert!(!status.is_valid(&missing));
    let mut bad_state = good;
    bad_state["tdds"][0]["completeness"]["sections"][0]["state"] = json!("done");
    assert!(!status.is_valid(&bad_state));

    let entry = json!({
        "lint": "missing-prd", "level": "warning", "file": "src/a.md",
        "line": 1, "column": 1, "message": "m", "notes": []
    });
    assert!(check.is_valid(&json!([entry])));
    for (key, value) in [
        ("lint", json!("no-such-lint")),
        ("level", json!("allow")),
        ("line", json!(-1)),
        ("notes", json!("help")),
    ] {
        let mut e = entry.clone();
        e[key] = value;
        assert!(!check.is_valid(&json!([e])), "{key}");
    }
}

/// A book.toml as the JSON the schema describes.
fn toml_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn book_tomls_validate() {
    let config = validator(SchemaKind::Config);
    for book in books() {
        let text = std::fs::read_to_string(book.join("book.toml")).unwrap();
        let p = problems(&config, &toml_json(&text));
        assert!(p.is_empty(), "{}: {p:#?}", book.display());
    }
    // The example of the README's Configuration section.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme.split("## Configuration").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let p = problems(&config, &toml_json(example));
    assert!(p.is_empty(), "{p:#?}");
    // Other tools' keys and preprocessors are allowed.
    let other = "[book]\nmultilingual = false\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n[output.linkcheck]\nfollow-web-links = true\n[rust]\nedition = \"2021\"\n";
    assert!(config.is_valid(&toml_json(other)));
    // Our table is checked strictly.
    for bad in [
        "[preprocessor.tdd]\ncolour = \"red\"\n",
        "[preprocessor.tdd]\nstatuses = \"Draft\"\n",
        "[preprocessor.tdd]\nstatuses = []\n",
        "[preprocessor.tdd]\nbacklinks = \"yes\"\n",
        "[preprocessor.tdd.lints]\nmissing-prd = \"loud\"\n",
        "[preprocessor.tdd.lints]\nno-such-lint = \"allow\"\n",
        "[preprocessor.tdd.lints]\nbad-config = \"allow\"\n",
        "[preprocessor.tdd.review-after]\nDraft = -1\n",
        "[preprocessor.tdd.review-after]\nDraft = 36501\n",
        "[book]\nsrc = 3\n",
    ] {
        assert!(!config.is_valid(&toml_json(bad)), "{bad}");
        // The preprocessor refuses each of them too (bad-config), but for
        // `book.src`, which mdBook checks.
        if bad.starts_with("[preprocessor") {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("src")).unwrap();
            std::fs::write(dir.path().join("src/SUMMARY.md"), "# S\n").unwrap();
            std::fs::write(dir.path().join("book.toml"), bad).unwrap();
            let o = run(&["check"], dir.path());
            assert_eq!(o.status.code(), Some(1), "{bad}");
            let err = String::from_utf8(o.stderr).unwrap();
            assert!(err.contains("error[bad-config]"), "{bad}: {err}");
        }
    }
}

#[test]
fn install_ties_book_toml_to_the_schema() {
    let config = validator(SchemaKind::Config);
    let schema = SchemaKind::Config.json();
    let cases = repo().join("tests/fixtures/install");
    let mut n = 0;
    for case in std::fs::read_dir(cases).unwrap() {
        let case = case.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(case.join("book.toml"), dir.path().join("book.toml")).unwrap();
        let o = run(&["install"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", case.display());
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.contains("wrote mdbook-tdd.schema.json"), "{out}");
        let written = std::fs::read_to_string(dir.path().join("mdbook-tdd.schema.json")).unwrap();
        assert_eq!(written, schema);
        let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
        let body = toml.trim_start_matches('\u{feff}');
        assert!(
            body.starts_with("#:schema ./mdbook-tdd.schema.json"),
            "{toml}"
        );
        // What install writes is valid by the schema it writes.
        let p = problems(&config, &toml_json(body));
        assert!(p.is_empty(), "{}: {p:#?}", case.display());
        n += 1;
    }
    assert!(n >= 4);

    // A schema file of another version is kept, with a note; so is the
    // directive of another schema (and then no file is written).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"A\"\n").unwrap();
    std::fs::write(root.join("mdbook-tdd.schema.json"), "{}\n").unwrap();
    let o = run(&["install"], root);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("differs from this version's schema"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("mdbook-tdd.schema.json")).unwrap(),
        "{}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let own = "#:schema ../shared/book.json\r\n[book]\r\ntitle = \"A\"\r\n";
    std::fs::write(root.join("book.toml"), own).unwrap();
    let o = run(&["install"], root);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("left the `#:schema ../shared/book.json`"),
        "{out}"
    );
    assert!(!root.join("mdbook-tdd.schema.json").exists());
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    assert!(
        toml.starts_with("#:schema ../shared/book.json\r\n[book]\r\n"),
        "{toml}"
    );
}

/// Something other than a regular file where the schema would go is
/// refused before anything is written; a FIFO is never opened.
#[cfg(unix)]
#[test]
fn install_refuses_what_is_not_a_file_at_the_schema() {
    for kind in ["fifo", "dir", "dangling"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("book.toml"), "[book]\ntitle = \"A\"\n").unwrap();
        let at = root.join("mdbook-tdd.schema.json");
        match kind {
            "fifo" => assert!(Command::new("mkfifo").arg(&at).status().unwrap().success()),
            "dir" => std::fs::create_dir(&at).unwrap(),
            _ => std::os::unix::fs::symlink(root.join("nowhere.json"), &at).unwrap(),
        }
        let (mut child, writer) = support::spawn_piped(&["install"], Some(root), Vec::new());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("{kind}: install hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        writer.join().unwrap();
        assert_eq!(status.code(), Some(2), "{kind}");
        assert_eq!(
            std::fs::read_to_string(root.join("book.toml")).unwrap(),
            "[book]\ntitle = \"A\"\n",
            "{kind}"
        );
        assert!(!root.join("mdbook-tdd.css").exists(), "{kind}");
    }
}
