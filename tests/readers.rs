//! What readers of the pages get, through the library: template guidance set
//! apart from written text without changing what the analysis sees.

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Processed, Settings, SourceChapter, process};

fn chapter(path: &str, text: &str) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.to_string().into(),
    }
}

fn run(chapters: &[(&str, &str)], html: bool) -> Processed {
    let settings = Settings {
        html,
        ..Settings::default()
    };
    process(
        chapters.iter().map(|(p, t)| chapter(p, t)).collect(),
        &Config::default(),
        &settings,
        Diagnostics::new(),
    )
}

/// What the model says of the TDD `tdd/a.md`: the state of each section and
/// the number of placeholders; and the lints reported for it.
fn judged(p: &Processed) -> (String, usize, Vec<&'static str>) {
    let doc = p
        .model
        .tdds()
        .find(|d| p.model.chapter(d).path == "tdd/a.md")
        .expect("the TDD");
    let lints = p
        .diagnostics
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file == "src/tdd/a.md")
        })
        .map(|d| d.lint.name())
        .collect();
    (format!("{:?}", doc.completeness), doc.placeholders, lints)
}

/// On HTML pages the guidance of an expanded skeleton is wrapped; a second
/// run on that output (a chapter without skeleton now) still finds the same
/// sections unwritten, the same placeholders, the same lints, and changes
/// nothing.
#[test]
fn guidance_stays_guidance_on_a_second_run() {
    let tdd = "{{#tdd-skeleton title=Pay author=Jo date=2026-01-02 status=Approved prd=../prd/pay.md}}\n\n## 1. Overview\n\n### 1.1 Summary\nWe pay.\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| FX | Risk | H | Jo | Open |\n";
    let prd = "# Pay\n\n**Status:** Approved\n";
    for html in [true, false] {
        let mut first = run(&[("prd/pay.md", prd), ("tdd/a.md", tdd)], html);
        let judged_first = judged(&first);
        assert!(
            judged_first.2.contains(&"placeholder-in-final"),
            "{judged_first:?}"
        );
        let out = first.texts().swap_remove(1);
        assert_eq!(out.contains("<div class=\"tdd-guidance\">"), html, "{out}");
        let mut second = run(&[("prd/pay.md", prd), ("tdd/a.md", &out)], html);
        assert_eq!(judged(&second), judged_first, "html: {html}");
        assert_eq!(second.texts().swap_remove(1), out, "html: {html}");
    }
}
