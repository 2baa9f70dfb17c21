//! Open questions and requirements read through the whole run: positional
//! IDs never collide with written ones, a repeated requirement ID shows
//! the citations of its first definition, and diagnostics about them point
//! at the file as written (located at the end of the run).

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

/// The `--> file:line:column` of the first diagnostic of `lint` that `diags`
/// hold, and its notes.
fn place_of<'d>(diags: &'d [String], lint: &str) -> (&'d str, Vec<&'d str>) {
    let d = diags
        .iter()
        .find(|d| d.contains(&format!("[{lint}]")))
        .unwrap_or_else(|| panic!("no {lint} in {diags:?}"));
    let at = d
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .unwrap_or_else(|| panic!("no place in {d}"));
    (at, d.lines().filter(|l| l.contains("note:")).collect())
}

#[test]
fn trace_diagnostics_point_at_the_file_as_written() {
    // A requirement table with a repeated ID (its PRD's text is read only
    // late, through the design's link, and dropped), and a design whose
    // skeleton is expanded before its citation of an unknown ID: both are
    // reported where the author wrote them, in lines and characters.
    for eol in ["\n", "\r\n", "\r"] {
        let prd = "# P\n\n**Status:** Draft\n\n---\n\n## Requirements\n\n| ID | Requirement | Priority |\n|---|---|---|\n| PAY-1 | Zahlungsfähigkeit. | Must |\n| PAY-1 | Again. | Must |\n"
            .replace('\n', eol);
        let tdd = "# T\n\n{{#tdd-skeleton title=T prd=\"../prd/p.md\"}}\n\n## 1. Overview\n\nÉtat: covers PAY-7 and PAY-1.\n"
            .replace('\n', eol);
        let (_, diags) = run(&[("prd/p.md", &prd), ("tdd/t.md", &tdd)]);
        let (at, notes) = place_of(&diags, "duplicate-id");
        assert!(at.ends_with("p.md:12:1"), "{eol:?}: {at}");
        assert!(
            notes.iter().any(|n| n.ends_with("p.md:11:1")),
            "{eol:?}: {notes:?}"
        );
        let (at, _) = place_of(&diags, "unknown-requirement");
        assert!(at.ends_with("t.md:7:14"), "{eol:?}: {at}");
    }
}
