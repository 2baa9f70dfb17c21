//! Super-linear time: the fuzzer's bytes are a shape (a unit, with an
//! optional prefix and suffix), which is repeated k times and 10 k times and
//! run through one stage; the target aborts when the time grows more than
//! `MAX_GROWTH` times. In the spirit of pulldown-cmark's dos-fuzzer.
//!
//! Time is allowed to follow the output where the output grows faster than
//! the input (a roll-up writes every row with every column: rows x
//! columns, see "Guarantees" in the README): the limit is `MAX_GROWTH`
//! tenths of the growth of input plus output.
//!
//! Input: the first byte picks the stage (scanner, argument parser, tables,
//! skeleton merge, whole run); the rest is UTF-8 text, split at NUL bytes
//! into a unit alone, or into fixed text and units taking turns
//! (`prefix NUL unit NUL suffix`, `a NUL header cell NUL b NUL "---|" NUL c`,
//! ...): every unit is repeated k times.
//!
//! k grows until the smaller run takes `MIN_TIME` (so that noise cannot
//! make a ratio); inputs that stay faster than that up to `MAX_BYTES` are
//! linear enough. A ratio above the limit is measured again before the
//! target aborts. Run it without a sanitizer, which would only add noise:
//!
//! ```sh
//! cd fuzz && mkdir -p corpus/growth
//! RUSTC_BOOTSTRAP=1 cargo fuzz run -s none growth corpus/growth seeds/growth -- -max_total_time=600
//! ```
//!
//! A shape it finds goes into `tests/linear_time.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::{Config, MarkdownOptions};
use mdbook_tdd::Diagnostics;
use mdbook_tdd::ChapterMeta;
use mdbook_tdd::{Settings, SourceChapter, process};
use std::time::{Duration, Instant};

/// The growth allowed when the input grows 10 times.
const MAX_GROWTH: f64 = 15.0;
/// The smaller run must take at least this long to be compared.
const MIN_TIME: Duration = Duration::from_millis(2);
/// The smaller input stops growing at this size.
const MAX_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy)]
enum Stage {
    Scanner,
    Arguments,
    Tables,
    Merge,
    Run,
}

fn chapter(path: &str, text: String) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    }
}

fn whole_run(chapters: Vec<SourceChapter>) -> usize {
    let mut p = process(
        chapters,
        &Config::default(),
        &Settings::default(),
        Diagnostics::new(),
    );
    let texts: usize = p.texts().iter().map(String::len).sum();
    texts
        + p.diagnostics
            .iter()
            .map(|d| d.to_string().len())
            .sum::<usize>()
}

const PRD: &str = "# P\n\n**Status:** Approved\n\n---\n\nText.\n";
const TDD_HEAD: &str = "# T\n\n**Status:** Draft\n**Source PRD:** [P](../prd/p.md)\n\n---\n\n";
const STATUS: &str = "{{#tdd-summary}}\n\n{{#tdd-status}}\n\n{{#prd-status}}\n\n{{#tdd-open-items}}\n\n{{#tdd-blockers}}\n\n{{#tdd-rollup section=12}}\n\n{{#tdd-completeness}}\n";

/// Runs one stage on `text` (the repeated shape); returns something of the
/// result, so that nothing is optimized away.
fn stage(s: Stage, text: &str) -> usize {
    let options = MarkdownOptions::default();
    match s {
        Stage::Scanner => {
            let scan = mdbook_tdd::internals::scan(text, &options);
            scan.directives.len() + scan.headings.len() + scan.tables.len()
        }
        Stage::Arguments => {
            let d = format!("{{{{#tdd-status {text}}}}}");
            let parsed = mdbook_tdd::internals::parse_at(&d, 0, false).map_or(0, |d| d.args.len());
            parsed + mdbook_tdd::internals::scan(&d, &options).directives.len()
        }
        Stage::Tables => whole_run(vec![
            chapter("prd/p.md", PRD.to_string()),
            chapter(
                "tdd/t.md",
                format!("{TDD_HEAD}## 12. Open Questions & Risks\n\n{text}"),
            ),
            chapter("s.md", STATUS.to_string()),
        ]),
        Stage::Merge => whole_run(vec![
            chapter("prd/p.md", PRD.to_string()),
            chapter(
                "tdd/t.md",
                format!("{{{{#tdd-skeleton title=T prd=../prd/p.md}}}}\n{text}"),
            ),
        ]),
        Stage::Run => whole_run(vec![
            chapter("prd/p.md", PRD.to_string()),
            chapter("tdd/t.md", format!("{TDD_HEAD}{text}")),
            chapter("s.md", format!("{STATUS}\n{text}")),
        ]),
    }
}

/// The text of a shape: fixed parts and units (odd places) repeated k
/// times.
fn build(parts: &[&str], k: usize) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if parts.len() == 1 || i % 2 == 1 {
            for _ in 0..k {
                s.push_str(p);
            }
        } else {
            s.push_str(p);
        }
    }
    s
}

/// The best time of `runs` runs, and the size of input plus output.
fn time(s: Stage, text: &str, runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut size = text.len();
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::hint::black_box(stage(s, std::hint::black_box(text)));
        best = best.min(t.elapsed());
        size = text.len() + out;
    }
    (best, size)
}

/// The growth of time allowed when input plus output grow from `small` to
/// `large` bytes.
fn allowed(small: usize, large: usize) -> f64 {
    MAX_GROWTH / 10.0 * (large as f64 / small.max(1) as f64).max(10.0)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let stage_of = [
        Stage::Scanner,
        Stage::Arguments,
        Stage::Tables,
        Stage::Merge,
        Stage::Run,
    ];
    let s = stage_of[usize::from(pick) % stage_of.len()];
    let parts: Vec<&str> = rest.split('\0').take(9).collect();
    let units: usize = if parts.len() == 1 {
        parts[0].len()
    } else {
        parts.iter().skip(1).step_by(2).map(|u| u.len()).sum()
    };
    let fixed = rest.len() - units;
    if units == 0 || units > 256 || fixed > 2048 {
        return;
    }
    // The smallest k whose run takes long enough to be measured.
    let mut k = (256 / units).max(1);
    let (small, small_size) = loop {
        let text = build(&parts, k);
        let (t, size) = time(s, &text, 1);
        if t >= MIN_TIME {
            break (t, size);
        }
        if text.len() > MAX_BYTES {
            return;
        }
        k *= 2;
    };
    let large_text = build(&parts, 10 * k);
    let (large, large_size) = time(s, &large_text, 1);
    let limit = allowed(small_size, large_size);
    if large.as_secs_f64() < limit * small.as_secs_f64() {
        return;
    }
    // Measure again, the best of a few runs, before calling it super-linear.
    let small_text = build(&parts, k);
    let (mut small, mut large) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        small = small.min(time(s, &small_text, 1).0);
        large = large.min(time(s, &large_text, 1).0);
    }
    let growth = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
    if growth >= limit {
        panic!(
            "super-linear time in {s:?}: {growth:.1} times for 10 times the input \
             (input and output {small_size} -> {large_size} bytes, {limit:.1} allowed; \
             parts {parts:?}, units x {k}: {small:?} -> {large:?})"
        );
    }
});
