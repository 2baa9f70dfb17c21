//! The whole run on arbitrary chapter text (with a PRD chapter beside it):
//! no panic, deterministic output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::ChapterMeta;
use mdbook_tdd::{Settings, SourceChapter, process};

fn chapter(path: &str, text: &str) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    }
}

fn run(text: &str) -> (Vec<String>, Vec<String>) {
    let chapters = vec![
        chapter("prd/p.md", "# P\n\n**Status:** Approved\n"),
        chapter("tdd/t.md", text),
    ];
    let mut p = process(chapters, &Config::default(), &Settings::default(), Diagnostics::new());
    let diags = p.diagnostics.iter().map(|d| d.to_string()).collect();
    (p.texts(), diags)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert_eq!(run(text), run(text));
});
