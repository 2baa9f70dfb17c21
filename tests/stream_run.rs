//! The run over input as it arrives (`run_incoming`, what the binary does)
//! gives what the run over the whole input gives (`run_raw`): the same
//! output, byte for byte, and the same diagnostics, however the input is
//! cut into reads and however the book is laid out.

use mdbook_tdd::{Incoming, Start, Streamed, parse_input_raw, run_incoming, run_raw};
use std::path::Path;
use std::sync::Arc;

#[path = "support/trickle.rs"]
mod trickle;
use trickle::Trickle;

/// What a run gives: the book written back (`None` when it found errors)
/// and its diagnostics, rendered.
type Outcome = (Option<Vec<u8>>, Vec<String>);

fn whole(input: &[u8]) -> Outcome {
    let input = Arc::new(input.to_vec());
    let (context, book) = parse_input_raw(&input).expect("the test's input is a book");
    let out = run_raw(&context, &book);
    let written = out.contents.map(|c| {
        let mut w = Vec::new();
        book.write(&c, &mut w).unwrap();
        w
    });
    let diags = out.diagnostics.iter().map(|d| d.render(false)).collect();
    (written, diags)
}

fn streamed(input: &[u8], most: usize) -> Outcome {
    let mut incoming = Incoming::new(Trickle { rest: input, most });
    let Start::Context(context) = incoming.start().unwrap() else {
        panic!("the context did not read as it arrived");
    };
    let Streamed::Done(book, out) = run_incoming(&context, &mut incoming).unwrap() else {
        panic!("the book did not read as it arrived");
    };
    let written = out.contents.map(|c| {
        let mut w = Vec::new();
        book.write(&c, &mut w).unwrap();
        w
    });
    let diags = out.diagnostics.iter().map(|d| d.render(false)).collect();
    (written, diags)
}

/// The example book's chapters as the loader reads them (names from its
/// SUMMARY.md, in book order): each as mdBook sends it (name, path,
/// content).
fn example_chapters() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book-example");
    let book = mdbook_tdd::load_book(&root).unwrap();
    book.chapters
        .into_iter()
        .map(|c| (c.meta.name, c.meta.path, c.text.decode().unwrap()))
        .collect()
}

fn chapter(name: &str, path: Option<&str>, content: &str, sub: &[String]) -> String {
    let path = path.map_or("null".to_string(), |p| serde_json::to_string(p).unwrap());
    format!(
        r#"{{"Chapter":{{"name":{},"content":{},"number":null,"sub_items":[{}],"path":{path},"source_path":{path},"parent_names":[]}}}}"#,
        serde_json::to_string(name).unwrap(),
        serde_json::to_string(content).unwrap(),
        sub.join(",")
    )
}

fn context(tdd: &str, version: &str) -> String {
    format!(
        r#"{{"root":"/nonexistent","config":{{"book":{{"title":"T","src":"src"}},"output":{{"html":{{}}}},"preprocessor":{{"tdd":{{{tdd}}}}}}},"renderer":"html","mdbook_version":"{version}"}}"#
    )
}

/// Books of several layouts and configurations made of the example's
/// chapters.
fn inputs() -> Vec<(String, String)> {
    let chapters = example_chapters();
    let flat: Vec<String> = chapters
        .iter()
        .map(|(n, p, t)| chapter(n, Some(p), t, &[]))
        .collect();
    let mut out = Vec::new();
    for (label, tdd) in [
        ("PRDs by path", r#""prd-paths":["prd/*.md"]"#),
        ("PRDs by link", ""),
        ("no page cards", r#""page-cards":false"#),
    ] {
        out.push((
            format!("flat, {label}"),
            format!(
                r#"[{},{{"items":[{}]}}]"#,
                context(tdd, "0.5.4"),
                flat.join(",")
            ),
        ));
    }
    // Separators, part titles and a draft between the chapters.
    let mut mixed = vec![r#"{"PartTitle":"Designs"}"#.to_string()];
    for (i, c) in flat.iter().enumerate() {
        mixed.push(c.clone());
        if i % 3 == 0 {
            mixed.push(r#""Separator""#.to_string());
            mixed.push(chapter("Draft", None, "", &[]));
        }
    }
    out.push((
        "parts, separators, drafts".into(),
        format!(
            r#"[{},{{"items":[{}]}}]"#,
            context("", "0.5.4"),
            mixed.join(",")
        ),
    ));
    // Every chapter nested under one top-level chapter, in the 0.4 shape.
    out.push((
        "nested, 0.4".into(),
        format!(
            r#"[{},{{"sections":[{}],"__non_exhaustive":null}}]"#,
            context("", "0.4.52"),
            chapter("All", Some("all.md"), "# All\n", &flat)
        ),
    ));
    // A directive whose argument is wrong: an error, and no output.
    out.push((
        "an error".into(),
        format!(
            r#"[{},{{"items":[{},{}]}}]"#,
            context("", "0.5.4"),
            flat.join(","),
            chapter(
                "Bad",
                Some("bad.md"),
                "# Bad\n\n{{#tdd-status columns=nonsense}}\n",
                &[]
            )
        ),
    ));
    out
}

#[test]
fn the_run_as_input_arrives_is_the_run_over_the_whole_input() {
    for (label, input) in inputs() {
        let want = whole(input.as_bytes());
        assert!(!want.1.is_empty() || want.0.is_some(), "{label}");
        for most in [1, 7, 4096, 1 << 20] {
            let got = streamed(input.as_bytes(), most);
            assert_eq!(got.1, want.1, "{label}, {most} bytes a read: diagnostics");
            assert!(
                got.0 == want.0,
                "{label}, {most} bytes a read: the output differs"
            );
        }
    }
}

/// The error case above is one: a run with errors writes nothing either way.
#[test]
fn an_error_found_while_rendering_stops_the_output_either_way() {
    let (label, input) = inputs().pop().unwrap();
    assert_eq!(label, "an error");
    assert!(whole(input.as_bytes()).0.is_none());
    assert!(streamed(input.as_bytes(), 64).0.is_none());
}

/// The inputs above are books the run has something to say about: each is
/// written back changed, or fails, and the example's lints fire.
#[test]
fn the_inputs_are_worth_comparing() {
    for (label, input) in inputs() {
        let (written, diags) = whole(input.as_bytes());
        assert!(!diags.is_empty(), "{label}: no diagnostics");
        if let Some(w) = written {
            assert_ne!(w, input.as_bytes(), "{label}: written back unchanged");
            assert!(w.len() > input.len(), "{label}: nothing rendered");
        }
    }
}
