//! Open questions and requirements read through the whole run: positional
//! IDs never collide with written ones, and a repeated requirement ID shows
//! the citations of its first definition.

use mdbook_tdd::{ChapterMeta, Config, Diagnostics, Settings, SourceChapter, process};

fn run(chapters: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let mut d = Diagnostics::new();
    let book = serde_json::json!({ "preprocessor": { "tdd": { "prd-paths": ["prd/*.md"] } } });
    let config = Config::from_book_config(&book, false, &mut d);
    let mut p = process(
        chapters
            .iter()
            .map(|(path, text)| SourceChapter {
                meta: ChapterMeta::new(path, path, path, "src", true),
                text: (*text).into(),
            })
            .collect(),
        &config,
        &Settings::default(),
        Diagnostics::new(),
    );
    let diags = p.diagnostics.iter().map(ToString::to_string).collect();
    (p.texts(), diags)
}

const TDD: &str = "# T\n\n**Status:** Draft\n**Source PRD:** [P](../prd/p.md)\n\n---\n\n## 1. Overview\n\nCovers PAY-2.\n\n### 1.4 PRD Open Items Resolved\n\n| PRD Item | Resolution |\n|---|---|\n| Q3 | Yes, within 30 days. |\n";

#[test]
fn positional_ids_skip_the_written_ones() {
    let prd = "# P\n\n**Status:** Draft\n\n---\n\n## Open Questions\n\n1. Q2: Do we allow partial payments?\n2. Is there a refund window?\n3. Q1: Which currencies?\n";
    let (out, diags) = run(&[
        ("prd/p.md", prd),
        ("tdd/t.md", TDD),
        ("s.md", "{{#prd-open-questions}}\n"),
    ]);
    assert!(
        !diags.iter().any(|d| d.contains("duplicate-id")),
        "{diags:?}"
    );
    // The unnumbered second entry is Q3 (Q1 and Q2 are written), which the
    // design resolves.
    let page = &out[2];
    let row = page
        .lines()
        .find(|l| l.contains("refund window"))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(row.contains("Q3") && row.contains("30 days"), "{row}");
}

#[test]
fn a_repeated_requirement_shows_the_citations_of_the_first() {
    let prd = "# P\n\n**Status:** Draft\n\n---\n\n## Requirements\n\n| ID | Requirement | Priority |\n|---|---|---|\n| PAY-1 | One. | Must |\n| PAY-2 | Two. | Must |\n| PAY-2 | Two again. | Must |\n";
    let (out, diags) = run(&[
        ("prd/p.md", prd),
        ("tdd/t.md", TDD),
        ("s.md", "{{#prd-requirements}}\n"),
    ]);
    assert!(
        diags.iter().any(|d| d.contains("duplicate-id")),
        "{diags:?}"
    );
    let page = &out[2];
    let again = page
        .lines()
        .find(|l| l.contains("Two again."))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(again.contains("t.md"), "{again}");
}
