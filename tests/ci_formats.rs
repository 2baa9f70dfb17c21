//! The CI outputs of the command line, run as a real binary: `check
//! --format gitlab|sarif` checked against the formats' schemas, `status
//! --format csv` read back as RFC 4180, the pre-commit hook, shell
//! completions and manual pages.

mod support;
use support::{books, mdbook_tdd, stdout};

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use support::{copy_tree, repo};

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), String::from_utf8_lossy(&o.stderr)))
}

fn schema(name: &str) -> Value {
    let path = repo().join("tests/fixtures/schemas").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

// ------------------------------------------------ a JSON Schema checker --

/// Checks `value` against `schema` (JSON Schema draft 4: the keywords the
/// SARIF schema uses) and returns every violation. A keyword or format it
/// does not know is a violation too, so that nothing is passed unchecked.
fn violations(root: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(root, root, value, "$", &mut out);
    out
}

fn check(root: &Value, schema: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        out.push(format!("{at}: schema is not an object"));
        return;
    };
    for (key, want) in schema {
        match key.as_str() {
            "$schema" | "id" | "title" | "description" | "default" | "definitions" => {}
            "$ref" => {
                let target = want
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/"))
                    .and_then(|p| root.pointer(&format!("/{p}")));
                match target {
                    Some(s) => check(root, s, v, at, out),
                    None => out.push(format!("{at}: unresolved $ref {want}")),
                }
            }
            "type" => {
                let types: Vec<&str> = match want {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => vec![],
                };
                let is = |t: &str| match t {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "integer" => v.is_i64() || v.is_u64(),
                    "number" => v.is_number(),
                    "boolean" => v.is_boolean(),
                    "null" => v.is_null(),
                    _ => false,
                };
                if !types.iter().any(|t| is(t)) {
                    out.push(format!("{at}: {v} is not of type {want}"));
                }
            }
            "enum" => {
                if !want.as_array().is_some_and(|a| a.contains(v)) {
                    out.push(format!("{at}: {v} is not one of {want}"));
                }
            }
            "required" => {
                for k in want.as_array().into_iter().flatten() {
                    if let (Some(o), Some(k)) = (v.as_object(), k.as_str())
                        && !o.contains_key(k)
                    {
                        out.push(format!("{at}: `{k}` is required"));
                    }
                }
            }
            "properties" => {
                if let (Some(o), Some(props)) = (v.as_object(), want.as_object()) {
                    for (k, s) in props {
                        if let Some(x) = o.get(k) {
                            check(root, s, x, &format!("{at}.{k}"), out);
                        }
                    }
                }
            }
            "additionalProperties" => {
                let known = schema.get("properties").and_then(Value::as_object);
                for (k, x) in v.as_object().into_iter().flatten() {
                    if known.is_some_and(|p| p.contains_key(k)) {
                        continue;
                    }
                    match want {
                        Value::Bool(false) => out.push(format!("{at}: unknown property `{k}`")),
                        Value::Bool(true) => {}
                        s => check(root, s, x, &format!("{at}.{k}"), out),
                    }
                }
            }
            "items" => {
                for (i, x) in v.as_array().into_iter().flatten().enumerate() {
                    check(root, want, x, &format!("{at}[{i}]"), out);
                }
            }
            "minItems" | "maxItems" => {
                if let (Some(a), Some(n)) = (v.as_array(), want.as_u64()) {
                    let len = a.len() as u64;
                    if (key == "minItems" && len < n) || (key == "maxItems" && len > n) {
                        out.push(format!("{at}: {len} items, {key} {n}"));
                    }
                }
            }
            "uniqueItems" => {
                if let Some(a) = v.as_array()
                    && want == &Value::Bool(true)
                {
                    for (i, x) in a.iter().enumerate() {
                        if a[..i].contains(x) {
                            out.push(format!("{at}[{i}]: a duplicate item"));
                        }
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(x), Some(n)) = (v.as_f64(), want.as_f64())
                    && ((key == "minimum" && x < n) || (key == "maximum" && x > n))
                {
                    out.push(format!("{at}: {x} is out of range ({key} {n})"));
                }
            }
            "minLength" => {
                if let (Some(s), Some(n)) = (v.as_str(), want.as_u64())
                    && (s.chars().count() as u64) < n
                {
                    out.push(format!("{at}: {s:?} is shorter than {n}"));
                }
            }
            "anyOf" | "oneOf" => {
                let matching = want
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|s| {
                        let mut e = Vec::new();
                        check(root, s, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if matching == 0 || (key == "oneOf" && matching > 1) {
                    out.push(format!("{at}: {matching} of the {key} schemas match"));
                }
            }
            "format" => {
                if let Some(s) = v.as_str() {
                    let fmt = want.as_str().unwrap_or("");
                    if let Err(e) = format_ok(fmt, s) {
                        out.push(format!("{at}: {s:?} is not a {fmt}: {e}"));
                    }
                }
            }
            other => out.push(format!("{at}: the checker does not know `{other}`")),
        }
    }
}

/// The characters of an RFC 3986 URI reference, and its percent escapes.
fn uri_reference(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        let ok = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c);
        if c == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err(format!("a `%` at {i} without two hex digits"));
            }
        } else if !ok {
            return Err(format!("the character {:?} at {i}", char::from(c)));
        }
    }
    Ok(())
}

fn format_ok(format: &str, s: &str) -> Result<(), String> {
    let scheme = |s: &str| {
        s.split_once(':').is_some_and(|(a, _)| {
            a.starts_with(|c: char| c.is_ascii_alphabetic())
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
    };
    match format {
        "uri" => {
            uri_reference(s)?;
            if scheme(s) {
                Ok(())
            } else {
                Err("no scheme".into())
            }
        }
        "uri-reference" => uri_reference(s),
        // Resolved against %SRCROOT%: no scheme, not absolute.
        "relative-uri-reference" => {
            uri_reference(s)?;
            relative_path(s)?;
            if s.contains(['?', '#']) || scheme(s) {
                Err("a query, fragment or scheme".into())
            } else {
                Ok(())
            }
        }
        "relative-path" => relative_path(s),
        other => Err(format!("the checker does not know format `{other}`")),
    }
}

/// A path relative to the repository, as GitLab and GitHub match it with
/// the files of a change: forward slashes, no `.` or `..` parts.
fn relative_path(s: &str) -> Result<(), String> {
    if s.is_empty() || s.starts_with('/') || s.contains('\\') {
        return Err("empty, absolute or with a backslash".into());
    }
    if s.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
        return Err("an empty, `.` or `..` part".into());
    }
    Ok(())
}

#[test]
fn the_checker_finds_violations() {
    let sarif = schema("sarif-2.1.0-github.json");
    let good = serde_json::json!({
        "$schema": "https://example.org/s.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x", "version": "1", "informationUri": "https://x.org", "rules": []}}, "results": []}]
    });
    assert_eq!(violations(&sarif, &good), Vec::<String>::new());
    let mut bad = good.clone();
    bad["version"] = "2.0.0".into();
    bad["runs"][0]["extra"] = 1.into();
    bad["runs"][0]["results"] = serde_json::json!([{
        "ruleId": "r", "ruleIndex": -1, "level": "fatal", "message": {"text": "m"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "/abs/a b.md", "uriBaseId": "%SRCROOT%"},
            "region": {"startColumn": 0}}}]
    }]);
    let found = violations(&sarif, &bad).join("\n");
    for want in [
        "$.version: \"2.0.0\" is not one of",
        "$.runs[0]: unknown property `extra`",
        "ruleIndex: -1 is out of range",
        "level: \"fatal\" is not one of",
        "uri: \"/abs/a b.md\" is not a relative-uri-reference",
        "region: `startLine` is required",
        "startColumn: 0 is out of range",
    ] {
        assert!(found.contains(want), "{want} in\n{found}");
    }
    let gitlab = schema("gitlab-code-quality.json");
    let bad = serde_json::json!([{"description": "d", "check_name": "c", "severity": "high",
        "location": {"path": "./src/a.md", "lines": {"begin": 0}}}]);
    let found = violations(&gitlab, &bad).join("\n");
    for want in [
        "`fingerprint` is required",
        "severity: \"high\" is not one of",
        "path: \"./src/a.md\" is not a relative-path",
        "begin: 0 is out of range",
    ] {
        assert!(found.contains(want), "{want} in\n{found}");
    }
}

// ------------------------------------------------------------- reports --

/// A book with problems of every kind the reports must carry: errors and
/// warnings, a file name that needs escaping in a URI, a problem of a whole
/// file (line 0) and the same problem twice in one file.
fn problem_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&books().join("doc-model"), dir.path());
    let src = dir.path().join("src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    std::fs::write(
        src.join("SUMMARY.md"),
        format!("{summary}\n- [Odd names](<tdd/my design #1%.md>)\n"),
    )
    .unwrap();
    std::fs::write(
        src.join("tdd/my design #1%.md"),
        "# Odd names\n\n{{#tdd-stauts}}\n\nText.\n\n{{#tdd-stauts}}\n",
    )
    .unwrap();
    dir
}

#[test]
fn gitlab_report_follows_the_documented_format() {
    let gitlab = schema("gitlab-code-quality.json");
    let odd = problem_book();
    for (book, code) in [
        (books().join("doc-model"), 0),
        (books().join("bad-directive"), 1),
        (odd.path().to_path_buf(), 1),
    ] {
        let o = mdbook_tdd(&["check", "--format", "gitlab"], &book);
        assert_eq!(o.status.code(), Some(code), "{}", book.display());
        let v = json_of(&o);
        assert_eq!(violations(&gitlab, &v), Vec::<String>::new(), "{v:#}");
        let issues = v.as_array().unwrap();
        assert!(!issues.is_empty());
        let fingerprints: std::collections::HashSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fingerprints.len(), issues.len(), "unique: {v:#}");
        // The same findings as the JSON format, in the same order, at the
        // same files and lines as `--format github` names them.
        let json = json_of(&mdbook_tdd(&["check", "--format", "json"], &book));
        let json = json.as_array().unwrap();
        assert_eq!(issues.len(), json.len());
        for (i, j) in issues.iter().zip(json) {
            assert_eq!(i["check_name"], j["lint"]);
            assert_eq!(i["location"]["path"], j["file"]);
            assert_eq!(
                i["location"]["lines"]["begin"].as_u64(),
                Some(j["line"].as_u64().unwrap().max(1))
            );
            let want = if j["level"] == "error" {
                "major"
            } else {
                "minor"
            };
            assert_eq!(i["severity"], want);
            assert!(
                i["description"]
                    .as_str()
                    .unwrap()
                    .starts_with(j["message"].as_str().unwrap())
            );
        }
    }
    let o = mdbook_tdd(
        &["check", "--format", "gitlab", "--strict"],
        &books().join("doc-model"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        json_of(&o)
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["severity"] == "major")
    );
}

#[test]
fn gitlab_fingerprints_survive_moved_text() {
    let book = problem_book();
    let report = || json_of(&mdbook_tdd(&["check", "--format", "gitlab"], book.path()));
    let before = report();
    let file = book.path().join("src/tdd/broken.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    std::fs::write(&file, format!("{first}\n\nA new paragraph.\n\n{rest}")).unwrap();
    let after = report();
    let find = |v: &Value, path: &str| -> (String, u64) {
        let i = v
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["location"]["path"] == path)
            .unwrap();
        (
            i["fingerprint"].as_str().unwrap().to_string(),
            i["location"]["lines"]["begin"].as_u64().unwrap(),
        )
    };
    let (fb, lb) = find(&before, "src/tdd/broken.md");
    let (fa, la) = find(&after, "src/tdd/broken.md");
    assert_eq!(la, lb + 3, "the finding moved");
    assert_eq!(fa, fb, "and kept its fingerprint");
    // Every fingerprint of the run is the same the next time.
    assert_eq!(after, report());
    // The two identical findings of one file get two fingerprints.
    let twice: Vec<&Value> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["location"]["path"] == "src/tdd/my design #1%.md"
                && i["check_name"] == "unknown-directive"
        })
        .collect();
    assert_eq!(twice.len(), 2, "{after:#}");
    assert_eq!(twice[0]["description"], twice[1]["description"]);
    assert_ne!(twice[0]["fingerprint"], twice[1]["fingerprint"]);
}

#[test]
fn sarif_log_follows_the_schema_and_github() {
    let sarif = schema("sarif-2.1.0-github.json");
    let full = std::env::var_os("SARIF_SCHEMA_FILE")
        .map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap());
    let odd = problem_book();
    for (book, code) in [
        (books().join("doc-model"), 0),
        (books().join("bad-directive"), 1),
        (odd.path().to_path_buf(), 1),
        (repo().join("book-example"), 0),
    ] {
        let o = mdbook_tdd(&["check", "--format", "sarif"], &book);
        assert_eq!(o.status.code(), Some(code), "{}", book.display());
        let v = json_of(&o);
        assert_eq!(violations(&sarif, &v), Vec::<String>::new(), "{v:#}");
        if let Some(full) = &full {
            assert_eq!(violations(full, &v), Vec::<String>::new(), "{v:#}");
        }
        assert_eq!(v["$schema"], mdbook_tdd::SARIF_SCHEMA);
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let lints: Vec<&str> = mdbook_tdd::Lint::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(ids, lints);
        let json = json_of(&mdbook_tdd(&["check", "--format", "json"], &book));
        let json = json.as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), json.len());
        for (r, j) in results.iter().zip(json) {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            assert_eq!(r["ruleId"], j["lint"]);
            assert_eq!(r["level"], j["level"]);
            let place = &r["locations"][0]["physicalLocation"];
            let uri = place["artifactLocation"]["uri"].as_str().unwrap();
            assert_eq!(support::percent_decode(uri), j["file"].as_str().unwrap());
            let line = j["line"].as_u64().unwrap();
            assert_eq!(place["region"]["startLine"].as_u64(), Some(line.max(1)));
            if line > 0 && j["column"].as_u64() > Some(0) {
                assert_eq!(place["region"]["startColumn"], j["column"]);
            }
        }
    }
}

#[test]
fn sarif_uris_are_escaped() {
    let book = problem_book();
    let v = json_of(&mdbook_tdd(&["check", "--format", "sarif"], book.path()));
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"src/tdd/my%20design%20%231%25.md"),
        "{uris:?}"
    );
}

#[test]
fn other_formats_are_unchanged() {
    // The formats that were there keep their output and exit codes.
    let book = books().join("doc-model");
    let o = mdbook_tdd(&["check", "--format", "github"], &book);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 3);
    let o = mdbook_tdd(&["check", "--format", "json"], &book);
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(repo().join("tests/fixtures/cli/doc-model.check.json")).unwrap()
    );
}

// ----------------------------------------------------------------- CSV --

/// Reads RFC 4180 CSV: records end with CRLF, quoted fields may hold
/// commas, quotes (doubled) and line breaks. Panics on anything else.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
                continue;
            }
            '"' => panic!("a quote inside an unquoted field: {text:?}"),
            ',' => {
                record.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF: {text:?}");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
                continue;
            }
            '\n' => panic!("LF without CR: {text:?}"),
            c => field.push(c),
        }
        at_start = false;
    }
    assert!(record.is_empty() && field.is_empty(), "no CRLF at the end");
    records
}

#[test]
fn status_csv_has_the_rows_of_the_tables() {
    for book in [repo().join("book-example"), books().join("doc-model")] {
        let o = mdbook_tdd(&["status", "--format", "csv"], &book);
        assert_eq!(o.status.code(), Some(0));
        let rows = read_csv(&stdout(&o));
        let loaded = mdbook_tdd::load_book(&book).unwrap();
        let model = mdbook_tdd::process_disk_book_on(loaded, false, None).model;
        let tdds = mdbook_tdd::tdd_rows(&model);
        let prds = mdbook_tdd::prd_rows(&model);
        assert_eq!(
            rows[0],
            [
                "Kind", "Name", "Path", "Status", "PRD", "Open", "Blockers", "Complete", "Designs"
            ]
        );
        assert_eq!(rows.len(), 1 + tdds.len() + prds.len());
        for (r, t) in rows[1..].iter().zip(&tdds) {
            let mut want = vec!["TDD".to_string()];
            want.extend(t.iter().cloned());
            want.push(String::new());
            assert_eq!(r, &want);
        }
        for (r, p) in rows[1 + tdds.len()..].iter().zip(&prds) {
            let e = String::new();
            let want = [
                "PRD".to_string(),
                p[0].clone(),
                p[1].clone(),
                p[2].clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                e,
                p[3].clone(),
            ];
            assert_eq!(r, &want);
        }
    }
}

#[test]
fn status_csv_quotes_and_defuses_cells() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("book-example"), dir.path());
    let summary = dir.path().join("src/SUMMARY.md");
    let text = std::fs::read_to_string(&summary).unwrap();
    // Chapter names that a spreadsheet would misread.
    let text = text
        .replacen(
            "[Payments Service]",
            "[=HYPERLINK(\"http://x\"), \"quoted\"]",
            1,
        )
        .replacen("[Invoice Audit Log]", "[@SUM(A1)]", 1);
    std::fs::write(&summary, text).unwrap();
    let o = mdbook_tdd(&["status", "--format", "csv"], dir.path());
    let out = stdout(&o);
    assert!(
        out.contains(
            "\r\nTDD,\"'=HYPERLINK(\"\"http://x\"\"), \"\"quoted\"\"\",tdd/payments-service.md,"
        ),
        "{out}"
    );
    assert!(out.contains("\r\nPRD,'@SUM(A1),prd/audit-log.md,"), "{out}");
    let rows = read_csv(&out);
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://x\"), \"quoted\"");
}

// ---------------------------------------------------------- pre-commit --

/// The hooks of `.pre-commit-hooks.yaml`, each as its keys and values: the
/// file is a YAML list of flat mappings (`- id: ...`, then `key: value`
/// lines), comments aside. A line of another shape fails the test.
fn hooks() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks: Vec<Vec<(String, String)>> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (item, pair) = match line.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (
                false,
                line.strip_prefix("  ")
                    .unwrap_or_else(|| panic!("{line:?}")),
            ),
        };
        let (key, value) = pair
            .split_once(": ")
            .unwrap_or_else(|| panic!("not `key: value`: {line:?}"));
        assert!(
            !key.starts_with(' ') && !value.starts_with(['[', '{', '|', '>']),
            "{line:?}"
        );
        if item {
            hooks.push(Vec::new());
        }
        hooks
            .last_mut()
            .unwrap_or_else(|| panic!("a key before the first hook: {line:?}"))
            .push((key.to_string(), value.trim().to_string()));
    }
    hooks
}

#[test]
fn pre_commit_hook_runs_check() {
    let hooks = hooks();
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    let get = |k: &str| -> &str {
        let values: Vec<&str> = hook
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values.len(), 1, "`{k}` once in {hook:?}");
        values[0]
    };
    assert_eq!(get("id"), "mdbook-tdd-check");
    assert_eq!(get("language"), "rust");
    assert_eq!(get("pass_filenames"), "false");
    // The entry is the binary Cargo builds, then its arguments; pre-commit
    // appends the hook's `args` (a book directory) after them.
    let entry: Vec<&str> = get("entry").split_whitespace().collect();
    let binary = Path::new(support::binary()).file_stem().unwrap();
    assert_eq!(entry.first().map(std::ffi::OsStr::new), Some(binary));
    let args = &entry[1..];
    assert_eq!(args, ["check"]);
    let help = mdbook_tdd(&[args, &["--help"]].concat(), &repo());
    assert_eq!(help.status.code(), Some(0));
    assert!(
        stdout(&help).contains("Usage: mdbook-tdd check"),
        "{}",
        stdout(&help)
    );
    // Run as pre-commit runs it: in the repository, with `args` after it.
    for (book, code) in [("doc-model", 0), ("bad-directive", 1)] {
        let dir = books().join(book);
        let o = mdbook_tdd(&[args, &[dir.to_str().unwrap()]].concat(), &repo());
        assert_eq!(o.status.code(), Some(code), "{book}");
    }
    // `files`, as pre-commit reads it (a regular expression searched in
    // each staged path), picks the files that change a book.
    let files = regex::Regex::new(get("files")).unwrap();
    for path in [
        "book.toml",
        "docs/book.toml",
        "src/tdd/a.md",
        "README.md",
        "SUMMARY.md",
    ] {
        assert!(files.is_match(path), "{path}");
    }
    for path in [
        "src/main.rs",
        "notbook.toml",
        "book.toml.bak",
        "a.mdx",
        "md",
    ] {
        assert!(!files.is_match(path), "{path}");
    }
}

// ------------------------------------------------- completions and man --

/// Every command of mdbook-tdd.
const COMMANDS: [&str; 11] = [
    "supports",
    "check",
    "status",
    "init",
    "new",
    "expand",
    "pin",
    "install",
    "completions",
    "man",
    "schema",
];

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the binary with its stdout a pipe closed before it writes.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn to_closed_stdout(args: &[&str]) -> Output {
    // Close-on-exec: a child another test starts meanwhile must not keep
    // the reading end open, or the writes succeed.
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).unwrap();
    drop(read);
    Command::new(support::binary())
        .args(args)
        .stdout(std::process::Stdio::from(write))
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn completions_name_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = mdbook_tdd(&["completions", shell], dir.path());
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = stdout(&o);
        for c in COMMANDS {
            assert!(script.contains(c), "{shell}: {c}");
        }
        // Elvish and PowerShell complete the options, not their values.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(
                script.contains("gitlab") && script.contains("sarif"),
                "{shell}"
            );
        }
        let file = dir.path().join(format!("mdbook-tdd.{shell}"));
        std::fs::write(&file, &script).unwrap();
        // The scripts parse, where the shell is there to say so.
        let syntax: Option<(&str, &[&str])> = match shell {
            "bash" => Some(("bash", &["-n"])),
            "zsh" => Some(("zsh", &["-n"])),
            "fish" => Some(("fish", &["--no-execute"])),
            _ => None,
        };
        let Some((program, flags)) = syntax else {
            continue;
        };
        if program != "bash" && !have(program) {
            eprintln!("{program} is not installed: its script is not parsed");
            continue;
        }
        let o = Command::new(program)
            .args(flags)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Bash completes the subcommands of `mdbook-tdd` and the formats of
    // `check`, run for real.
    let script = dir.path().join("mdbook-tdd.bash");
    let complete = |words: &[&str]| -> Vec<String> {
        let o = Command::new("bash")
            .arg("-c")
            .arg(
                r#"source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
                _mdbook__tdd mdbook-tdd "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";
                printf '%s\n' "${COMPREPLY[@]}""#,
            )
            .arg(&script)
            .args(words)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o).lines().map(str::to_string).collect()
    };
    let top = complete(&["mdbook-tdd", ""]);
    for c in COMMANDS {
        assert!(top.iter().any(|w| w == c), "{c} in {top:?}");
    }
    // Past a command too: its options and their values.
    let formats = complete(&["mdbook-tdd", "check", "--format", ""]);
    assert_eq!(formats, ["human", "json", "github", "gitlab", "sarif"]);
    let options = complete(&["mdbook-tdd", "check", "--"]);
    for o in ["--format", "--strict", "--today", "--book"] {
        assert!(options.iter().any(|w| w == o), "{o} in {options:?}");
    }
    let shells = complete(&["mdbook-tdd", "completions", ""]);
    assert!(shells.iter().any(|w| w == "zsh"), "{shells:?}");
    let formats = complete(&["mdbook-tdd", "status", "--format", "c"]);
    assert_eq!(formats, ["csv"]);
}

#[test]
fn man_pages_for_mdbook_tdd_and_each_command() {
    let dir = tempfile::tempdir().unwrap();
    let o = mdbook_tdd(&["man"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let main = stdout(&o);
    assert!(main.contains("\n.TH mdbook-tdd 1 "), "{main}");
    let listed: Vec<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mdbook\\-tdd\\-")?.strip_suffix("(1)"))
        .collect();
    assert_eq!(listed, COMMANDS, "the commands the main page lists");
    let mut pages = vec![("mdbook-tdd.1".to_string(), main)];
    for c in COMMANDS {
        let o = mdbook_tdd(&["man", c], dir.path());
        assert_eq!(o.status.code(), Some(0), "{c}");
        let page = stdout(&o);
        assert!(
            page.contains(&format!("\n.TH mdbook-tdd-{c} 1 ")),
            "{c}: {page}"
        );
        assert!(
            page.contains(&format!("\\fBmdbook\\-tdd {c}\\fR")),
            "{c}: {page}"
        );
        pages.push((format!("mdbook-tdd-{c}.1"), page));
    }
    let check = &pages[2].1;
    assert!(
        check.contains("gitlab") && check.contains("sarif"),
        "{check}"
    );
    let o = mdbook_tdd(&["man", "nope"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`nope` is no command") && err.contains("check, status"),
        "{err}"
    );

    // `--out DIR`: every page, the same as printed; again over them.
    let out = dir.path().join("man1");
    std::fs::create_dir(&out).unwrap();
    for _ in 0..2 {
        let o = mdbook_tdd(&["man", "--out", out.to_str().unwrap()], dir.path());
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let mut want: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
        want.sort();
        assert_eq!(names, want);
        for (name, page) in &pages {
            assert_eq!(
                &std::fs::read_to_string(out.join(name)).unwrap(),
                page,
                "{name}"
            );
        }
    }
    // The pages render, where `man` is there to render them.
    if have("man") {
        for (name, _) in &pages {
            let o = Command::new("man")
                .args(["-l", out.join(name).to_str().unwrap()])
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80")
                .output()
                .unwrap();
            assert!(o.status.success(), "{name}");
            let text = stdout(&o);
            assert!(
                text.contains("NAME") && text.contains("SYNOPSIS"),
                "{name}: {text}"
            );
        }
    } else {
        eprintln!("man is not installed: the pages are not rendered");
    }
}

#[test]
#[cfg(unix)]
fn man_out_writes_by_the_write_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&out).unwrap();
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("page"), "kept").unwrap();
    // A page that is a link out of DIR is refused, and nothing is written.
    std::os::unix::fs::symlink(elsewhere.join("page"), out.join("mdbook-tdd-status.1")).unwrap();
    let o = mdbook_tdd(&["man", "--out", out.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("outside"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("page")).unwrap(),
        "kept"
    );
    // A DIR that is not there is an error, not a directory made.
    let missing = dir.path().join("missing");
    let o = mdbook_tdd(&["man", "--out", missing.to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(!missing.exists());
    // `--out` and a command do not go together.
    let o = mdbook_tdd(
        &["man", "check", "--out", out.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
#[cfg(any(target_os = "linux", target_os = "android"))]
fn a_closed_stdout_is_an_error_not_a_panic() {
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["man"],
        &["man", "check"],
    ] {
        let o = to_closed_stdout(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("cannot write to stdout"), "{args:?}: {err}");
    }
}
