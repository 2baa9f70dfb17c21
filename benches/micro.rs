//! Micro-benchmarks of the stages: the chapter scan, the facts and model
//! pass, and table rendering. Run with `cargo bench --bench micro`.
//!
//! The end-to-end benchmark against the no-op floor is `examples/bench.rs`
//! (see BENCHMARKS.md).

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::internals::{Cell, Fragment, Table};
use mdbook_tdd::{Settings, SourceChapter, process};

fn main() {
    divan::main();
}

/// A filled-in TDD of about 8 KB: the built-in template with every
/// placeholder replaced by prose, and real rows in 10.3 and 12.
fn tdd(i: usize) -> String {
    let (filled, _) = mdbook_tdd::internals::placeholder_ranges(mdbook_tdd::internals::BUILTIN)
        .fold((String::new(), 0), |(mut out, last), r| {
            out.push_str(&mdbook_tdd::internals::BUILTIN[last..r.start]);
            out.push_str("the service keeps every invoice consistent across regions");
            (out, r.end)
        });
    let text = filled.replace("# the service", &format!("# Service {i}"));
    text.replace(
        "**Status:** Draft",
        "**Status:** Approved\n**Source PRD:** [p.md](../prd/p.md)",
    )
}

fn chapter(path: &str, text: String) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    }
}

#[divan::bench]
fn scan_one_tdd(b: divan::Bencher) {
    let text = tdd(1);
    let options = mdbook_tdd::MarkdownOptions::default();
    b.counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| mdbook_tdd::internals::scan(divan::black_box(&text), &options));
}

#[divan::bench(args = [100, 1000])]
fn whole_run(b: divan::Bencher, n: usize) {
    let texts: Vec<String> = (0..n).map(tdd).collect();
    let status = "# Status\n\n{{#tdd-summary}}\n\n{{#tdd-status}}\n\n{{#tdd-open-items}}\n\n{{#tdd-completeness}}\n";
    b.bench(|| {
        let mut chapters: Vec<SourceChapter> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| chapter(&format!("tdd/t{i}.md"), t.clone()))
            .collect();
        chapters.push(chapter("prd/p.md", "# P\n\n**Status:** Approved\n".into()));
        chapters.push(chapter("status.md", status.into()));
        let mut p = process(
            chapters,
            &Config::default(),
            &Settings::default(),
            Diagnostics::new(),
        );
        p.texts()
    });
}

#[divan::bench(args = [1000, 10000])]
fn render_table(b: divan::Bencher, rows: usize) {
    b.bench(|| {
        let mut t = Table::new(vec!["Document".into(), "Status".into(), "Owner".into()]);
        for i in 0..rows {
            t.push(vec![
                Cell::link(&format!("Service {i}"), &format!("tdd/service-{i}.md")),
                Cell::text("In Review"),
                Cell::markdown(
                    "[Ana](../people/ana.md) | *lead*",
                    "tdd/a.md",
                    "status.md",
                    true,
                    &[],
                ),
            ]);
        }
        let mut f = Fragment::new();
        f.table(t);
        f.into_markdown()
    });
}
