//! The binary as mdBook calls it: `supports`, and book JSON through stdin and
//! stdout in both mdBook shapes.

mod support;

use std::process::{Command, Output};

fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    support::run_piped(args, None, input.to_vec())
}

fn context(version: &str) -> String {
    format!(
        r#"{{"root":"/nonexistent","config":{{"book":{{"title":"T","src":"src","multilingual":false,"future-key":[1]}},"output":{{"html":{{}}}},"other-tool":{{"x":1}}}},"renderer":"html","mdbook_version":"{version}","__non_exhaustive":null}}"#
    )
}

fn chapter(name: &str, path: &str, content: &str) -> String {
    format!(
        r#"{{"Chapter":{{"name":{},"content":{},"number":[1],"sub_items":[],"path":"{path}","source_path":"{path}","parent_names":[]}}}}"#,
        serde_json::to_string(name).unwrap(),
        serde_json::to_string(content).unwrap()
    )
}

#[test]
fn supports_every_renderer() {
    for r in ["html", "markdown", "test", "epub", "anything"] {
        let out = Command::new(support::binary())
            .args(["supports", r])
            .output()
            .unwrap();
        assert!(out.status.success(), "{r}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn mdbook_05_shape_round_trip() {
    let text = "# Plain\n\nNo directives here.\r\n";
    let input = format!(
        r#"[{},{{"items":[{},"Separator",{{"PartTitle":"Part"}}]}}]"#,
        context("0.5.4"),
        chapter("Plain", "plain.md", text)
    );
    let out = run_with_stdin(&[], input.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"][0]["Chapter"]["content"], text);
    assert_eq!(v["items"][1], "Separator");
    assert!(v.get("sections").is_none());
}

#[test]
fn mdbook_04_shape_round_trip() {
    let input = format!(
        r#"[{},{{"sections":[{}],"__non_exhaustive":null}}]"#,
        context("0.4.52"),
        chapter("S", "s.md", "{{#tdd-status}}\n")
    );
    let out = run_with_stdin(&[], input.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["sections"][0]["Chapter"]["content"]
            .as_str()
            .unwrap()
            .contains("| <span class=\"tdd-table tdd-table-tdd-status\"></span>Document |")
    );
    assert!(v["__non_exhaustive"].is_null());
    assert!(v.as_object().unwrap().contains_key("__non_exhaustive"));
}

#[test]
fn malformed_input_fails_with_empty_stdout() {
    for input in [&b""[..], b"[", b"{}", b"[{}, {\"items\": 3}]", b"\xff\xfe"] {
        let out = run_with_stdin(&[], input);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error[bad-input]: malformed input JSON"),
            "{err}"
        );
    }
}

#[test]
fn errors_leave_stdout_empty() {
    let input = format!(
        r#"[{},{{"items":[{}]}}]"#,
        context("0.5.4"),
        chapter("S", "s.md", "x\n\n{{#tdd-stauts}}\n")
    );
    let out = run_with_stdin(&[], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--> src/s.md:3:1"), "{err}");
}

#[test]
fn version_outside_range_warns_once() {
    let input = format!(r#"[{},{{"items":[]}}]"#, context("0.3.7"));
    let out = run_with_stdin(&[], input.as_bytes());
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("0.3.7").count(), 1, "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), r#"{"items":[]}"#);
}
