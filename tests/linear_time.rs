//! Time grows linearly with every input shape: each test builds one shape at
//! size n and 10 n, runs it a few times, and asserts that the best time of
//! the larger run is less than `MAX_GROWTH` times the best time of the
//! smaller one (linear work grows about 10 times, quadratic work 100 times).
//!
//! No test asserts an absolute time. n is calibrated at run time, so that
//! the larger run takes some 50 to 300 ms whatever the machine. So that a
//! loaded machine does not make the tests flaky, each run goes on one
//! thread, the time that thread waited for a CPU held by other processes
//! is not counted (on Linux), runs of different tests never overlap, the
//! sizes alternate, and a measurement that looks super-linear is taken
//! again before the test fails.
//!
//! The shapes come from a defect report and from the `growth` fuzz target
//! (see `fuzz/fuzz_targets/growth.rs`).

mod support;

use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};
use serde_json::json;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The growth allowed when the input grows 10 times.
const MAX_GROWTH: f64 = 15.0;

/// Runs of the smaller size must take at least this long to be measured.
const MIN_SMALL: Duration = Duration::from_millis(10);

/// Measurements of different tests must not overlap.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A run of the whole preprocessor on a book: config, settings, chapters.
struct Book {
    config: Config,
    settings: Settings,
    chapters: Vec<SourceChapter>,
}

fn chapter(path: &str, text: String) -> SourceChapter {
    SourceChapter {
        meta: ChapterMeta::new(path, path, path, "src", true),
        text: text.into(),
    }
}

fn book(chapters: Vec<(&str, String)>) -> Book {
    Book {
        config: Config::default(),
        settings: Settings::default(),
        chapters: chapters.into_iter().map(|(p, t)| chapter(p, t)).collect(),
    }
}

/// A book with `[preprocessor.tdd]` settings and a book root.
fn book_with(
    tdd: serde_json::Value,
    root: &std::path::Path,
    chapters: Vec<(&str, String)>,
) -> Book {
    let mut d = Diagnostics::new();
    let config =
        Config::from_book_config(&json!({ "preprocessor": { "tdd": tdd } }), false, &mut d);
    assert!(
        !d.has_errors(),
        "{:?}",
        d.iter().map(|d| d.to_string()).collect::<Vec<_>>()
    );
    Book {
        config,
        settings: Settings {
            root: root.to_path_buf(),
            ..Settings::default()
        },
        chapters: chapters.into_iter().map(|(p, t)| chapter(p, t)).collect(),
    }
}

/// The whole run, as the preprocessor does it: analysis, model, edits,
/// the chapters' new texts and the diagnostics as they are printed.
fn run(b: Book) -> usize {
    let mut p = process(b.chapters, &b.config, &b.settings, Diagnostics::new());
    let texts: usize = p.texts().iter().map(String::len).sum();
    let diags: usize = p.diagnostics.iter().map(|d| d.to_string().len()).sum();
    texts + diags
}

/// How long the current thread has waited for a CPU so far (Linux): the
/// time it was ready to run while other processes ran.
fn thread_wait_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f` on one thread (the run's parallel parts included) and returns
/// how long it took, less the time the thread waited for a CPU that other
/// processes held (where the system tells it).
fn measure(f: impl FnOnce() -> usize + Send) -> Duration {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool")
    });
    pool.install(|| {
        let (waited, wall) = (thread_wait_time(), Instant::now());
        std::hint::black_box(f());
        let elapsed = wall.elapsed();
        match (waited, thread_wait_time()) {
            (Some(a), Some(b)) => elapsed.saturating_sub(b.saturating_sub(a)),
            _ => elapsed,
        }
    })
}

/// The best time of `runs` runs of `f` on fresh inputs.
fn best<T: Send>(make: &dyn Fn() -> T, f: &(dyn Fn(T) -> usize + Sync), runs: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let input = make();
        best = best.min(measure(|| f(input)));
    }
    best
}

/// Asserts that `f` on inputs `make(n)` takes time linear in n.
fn assert_linear<T: Send>(
    shape: &str,
    start: usize,
    make: impl Fn(usize) -> T,
    f: impl Fn(T) -> usize + Sync,
) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // The smallest n (doubling from `start`) whose run is long enough to be
    // measured; a super-linear shape stops early, which still shows it.
    let mut n = start;
    while best(&|| make(n), &f, 3) < MIN_SMALL && n < start << 16 {
        n *= 2;
    }
    // Once at the larger size first: the allocator's first large blocks
    // cost more than later ones.
    best(&|| make(10 * n), &f, 1);
    let mut ratios = Vec::new();
    for _attempt in 0..3 {
        let (mut small, mut large) = (Duration::MAX, Duration::MAX);
        for _ in 0..3 {
            small = small.min(best(&|| make(n), &f, 1));
            large = large.min(best(&|| make(10 * n), &f, 1));
        }
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
        eprintln!("{shape}: n = {n}: {small:?}, 10 n: {large:?}, growth {ratio:.1}");
        if ratio < MAX_GROWTH {
            return;
        }
        ratios.push(ratio);
    }
    panic!(
        "{shape}: time grows {ratios:.1?} times when the input grows 10 times (n = {n}); \
         linear would be about 10"
    );
}

/// Asserts that the whole run on `make(n)` is linear in n.
fn assert_linear_run(shape: &str, start: usize, make: impl Fn(usize) -> Book) {
    assert_linear(shape, start, make, run);
}

const PRD: &str = "# P\n\n**Status:** Approved\n\n---\n\nText.\n";

fn tdd(title: &str, status: &str, body: &str) -> String {
    format!("# {title}\n\n**Status:** {status}\n**Source PRD:** [P](../prd/p.md)\n\n---\n\n{body}")
}

// ---------------------------------------------------------------- scanner --

#[test]
fn one_long_line_of_directives() {
    assert_linear_run("one line of directives", 500, |n| {
        book(vec![("s.md", "x {{#tdd-status}} ".repeat(n))])
    });
}

#[test]
fn one_long_line_of_directives_after_non_ascii_text() {
    assert_linear_run("non-ASCII line of directives", 500, |n| {
        book(vec![("s.md", "é ✓ {{#tdd-status}} ".repeat(n))])
    });
}

#[test]
fn unterminated_directives_in_one_paragraph() {
    assert_linear_run("unterminated, one paragraph", 500, |n| {
        book(vec![("s.md", "{{#tdd-status ".repeat(n))])
    });
}

#[test]
fn unterminated_directives_across_paragraphs() {
    assert_linear_run("unterminated, many paragraphs", 500, |n| {
        book(vec![("s.md", "{{#tdd-status\n\n".repeat(n))])
    });
}

#[test]
fn unclosed_quotes_in_one_paragraph() {
    assert_linear_run("unclosed quotes", 500, |n| {
        book(vec![("s.md", "{{#tdd-status sort=\"".repeat(n))])
    });
}

/// Each candidate lies in a bare value of the one before, so that every one
/// of them reads on to the end of the paragraph.
#[test]
fn directives_nested_in_bare_values() {
    assert_linear_run("nested in bare values", 200, |n| {
        let mut text = "{{#tdd-status ".to_string();
        for i in 0..n {
            text.push_str(&format!("k{i}={{{{#tdd-status "));
        }
        book(vec![("s.md", text)])
    });
}

/// Each candidate lies in a quoted value of the first one and has an
/// argument of its own before it joins the first one's arguments.
#[test]
fn directives_nested_in_quoted_values() {
    assert_linear_run("nested in quoted values", 200, |n| {
        let mut text = "{{#tdd-status ".to_string();
        for i in 0..n {
            text.push_str(&format!("k{i}=\"{{{{#tdd-status z=1\" "));
        }
        book(vec![("s.md", text)])
    });
}

#[test]
fn unknown_directive_names() {
    assert_linear_run("unknown names", 200, |n| {
        book(vec![("s.md", "{{#tdd-stauts}}\n\n".repeat(n))])
    });
}

#[test]
fn unknown_directive_names_on_one_line() {
    assert_linear_run("unknown names, one line", 200, |n| {
        book(vec![("s.md", "x {{#tdd-x}} ".repeat(n))])
    });
}

#[test]
fn deeply_nested_block_quotes() {
    assert_linear_run("nested block quotes", 200, |n| {
        let quote = "> ".repeat(n);
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", "Text.\n")),
            ("s.md", format!("{quote}{{{{#tdd-status}}}}\n")),
        ])
    });
}

#[test]
fn deeply_nested_lists() {
    assert_linear_run("nested lists", 200, |n| {
        let items = "- ".repeat(n);
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", "Text.\n")),
            ("s.md", format!("{items}{{{{#tdd-status}}}}\n")),
        ])
    });
}

// -------------------------------------------------------------- arguments --

#[test]
fn many_arguments() {
    assert_linear_run("many arguments", 500, |n| {
        let args: Vec<String> = (0..n).map(|i| format!("a{i}=1")).collect();
        book(vec![(
            "s.md",
            format!("{{{{#tdd-status {}}}}}\n", args.join(" ")),
        )])
    });
}

#[test]
fn many_skeleton_arguments() {
    assert_linear_run("many skeleton arguments", 200, |n| {
        let args: Vec<String> = (0..n).map(|i| format!("a{i}=1")).collect();
        book(vec![(
            "s.md",
            format!("{{{{#tdd-skeleton {}}}}}\n", args.join(" ")),
        )])
    });
}

#[test]
fn the_argument_parser_alone() {
    let text = |n: usize| {
        let args: Vec<String> = (0..n).map(|i| format!("k{i}=\"v\\\"{i}\"")).collect();
        format!("{{{{#tdd-status {}}}}}", args.join("\n  "))
    };
    assert_linear("argument parser", 1000, text, |t| {
        mdbook_tdd::internals::parse_at(&t, 0, false).map_or(0, |d| d.args.len())
    });
}

#[test]
fn many_list_items_in_columns() {
    assert_linear_run("many columns= items", 200, |n| {
        let cols: Vec<String> = (0..n).map(|i| format!("F{i}")).collect();
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", "Text.\n")),
            (
                "s.md",
                format!("{{{{#tdd-status columns={}}}}}\n", cols.join(",")),
            ),
        ])
    });
}

#[test]
fn many_where_conditions() {
    assert_linear_run("many where conditions", 200, |n| {
        let conds: Vec<String> = (0..n).map(|i| format!("Status!=x{i}")).collect();
        let rows = "| Q | Risk | H | me | Open |\n".repeat(n);
        let table = format!(
            "## 12. Open Questions & Risks\n\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n{rows}"
        );
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", &table)),
            (
                "s.md",
                format!("{{{{#tdd-open-items where=\"{}\"}}}}\n", conds.join(";")),
            ),
        ])
    });
}

// ----------------------------------------------------------------- tables --

fn open_items_table(columns: usize, rows: usize) -> String {
    let mut header = vec!["Item", "Type", "Impact", "Owner", "Status"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    header.extend((0..columns).map(|i| format!("C{i}")));
    let mut t = format!(
        "## 12. Open Questions & Risks\n\n| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    let mut row = vec!["Q", "Risk", "H", "me", "Open"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    row.extend((0..columns).map(|_| "v".to_string()));
    let row = format!("| {} |\n", row.join(" | "));
    t.push_str(&row.repeat(rows));
    t
}

#[test]
fn many_table_columns_with_open_items() {
    assert_linear_run("many table columns", 500, |n| {
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", &open_items_table(n, 1))),
            ("s.md", "{{#tdd-open-items}}\n".to_string()),
        ])
    });
}

#[test]
fn many_table_columns_with_a_rollup_of_every_column() {
    assert_linear_run("many columns, tdd-rollup", 500, |n| {
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", &open_items_table(n, 1))),
            (
                "s.md",
                "{{#tdd-rollup section=12 where=\"C1=v\"}}\n".to_string(),
            ),
        ])
    });
}

#[test]
fn many_table_rows() {
    assert_linear_run("many table rows", 200, |n| {
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", &open_items_table(2, n))),
            (
                "s.md",
                "{{#tdd-open-items}}\n\n{{#tdd-blockers}}\n\n{{#tdd-rollup section=12 columns=Item,C1}}\n"
                    .to_string(),
            ),
        ])
    });
}

/// Each table's section is the title's, which holds every heading after
/// the tables.
#[test]
fn many_tables_in_one_section_before_many_headings() {
    assert_linear_run("tables before headings", 100, |n| {
        let tables = "|a|\n|-|\n\n".repeat(n);
        let headings = "## S\n".repeat(4 * n);
        book(vec![
            ("prd/p.md", PRD.to_string()),
            (
                "tdd/t.md",
                tdd("T", "Draft", &format!("{tables}{headings}")),
            ),
        ])
    });
}

// ------------------------------------------------------------------ merge --

#[test]
fn many_sections_in_a_skeleton_chapter() {
    assert_linear_run("many skeleton sections", 100, |n| {
        let sections: String = (0..n)
            .map(|i| {
                format!(
                    "## {}. Section {i}\n\nText.\n\n### {}.1 Sub\n\nMore.\n\n",
                    i + 13,
                    i + 13
                )
            })
            .collect();
        book(vec![
            ("prd/p.md", PRD.to_string()),
            (
                "s.md",
                format!("{{{{#tdd-skeleton prd=prd/p.md}}}}\n\n{sections}"),
            ),
        ])
    });
}

#[test]
fn many_duplicate_sections() {
    assert_linear_run("duplicate sections", 100, |n| {
        book(vec![
            ("prd/p.md", PRD.to_string()),
            (
                "s.md",
                format!(
                    "{{{{#tdd-skeleton prd=prd/p.md}}}}\n\n{}",
                    "## 1. Overview\n".repeat(n)
                ),
            ),
        ])
    });
}

/// A template of n sections and a chapter writing them in reverse order,
/// unnumbered sections matched by heading text.
#[test]
fn a_large_template_against_a_large_chapter() {
    let dir = tempfile::tempdir().unwrap();
    assert_linear_run("large template", 50, |n| {
        let mut tpl = String::from("# {title}\n\n**Status:** Draft\n\n---\n\n");
        for i in 0..n {
            tpl.push_str(&format!(
                "## {}. Part {i}\n\n{{part {i}}}\n\n## Note {i}\n\n{{note}}\n\n",
                i + 1
            ));
        }
        let name = format!("t{n}.md");
        std::fs::write(dir.path().join(&name), tpl).unwrap();
        let mut text = String::from("{{#tdd-skeleton title=T}}\n\n");
        for i in (0..n).rev() {
            text.push_str(&format!(
                "## {}. Part {i}\n\nMine.\n\n## note {i}\n\nMine.\n\n",
                i + 1
            ));
        }
        book_with(
            json!({ "template": name }),
            dir.path(),
            vec![("s.md", text)],
        )
    });
}

#[test]
fn many_placeholders_in_a_template() {
    let dir = tempfile::tempdir().unwrap();
    assert_linear_run("template placeholders", 200, |n| {
        let mut tpl = String::from("# {title}\n\n**Status:** Draft\n\n---\n\n## 1. Overview\n\n");
        for i in 0..n {
            tpl.push_str(&format!("{{p{i}}} "));
        }
        let name = format!("p{n}.md");
        std::fs::write(dir.path().join(&name), tpl).unwrap();
        let args: Vec<String> = (0..n).map(|i| format!("p{i}=v")).collect();
        let text = format!("{{{{#tdd-skeleton {}}}}}\n", args.join(" "));
        book_with(
            json!({ "template": name }),
            dir.path(),
            vec![("s.md", text)],
        )
    });
}

#[test]
fn many_placeholders_left_in_a_final_tdd() {
    assert_linear_run("leftover placeholders", 200, |n| {
        let body: String = (0..n)
            .map(|i| format!("## S{i}\n\n{{a}} {{b}} `{{c}} {{d}}`\n\n"))
            .collect();
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Approved", &body)),
        ])
    });
}

#[test]
fn many_placeholders_in_one_code_span() {
    assert_linear_run("placeholders in a code span", 200, |n| {
        let span = format!("`{}`\n", "{x} ".repeat(n));
        book(vec![
            ("prd/p.md", PRD.to_string()),
            (
                "tdd/t.md",
                tdd("T", "Approved", &format!("## 1. Overview\n\n{span}")),
            ),
        ])
    });
}

// -------------------------------------------------------------- lifecycle --

/// A book of `n` TDDs (`tdd/t{i}.md`, header lines from `fields(i)`), a PRD,
/// and a status page with the lifecycle columns.
fn lifecycle_book(n: usize, fields: impl Fn(usize) -> String) -> Book {
    let paths: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
    let mut chapters = vec![("prd/p.md", PRD.to_string())];
    for (i, p) in paths.iter().enumerate() {
        chapters.push((
            p.as_str(),
            format!(
                "# T{i}\n\n**Source PRD:** [P](../prd/p.md)\n{}\n---\n\nText.\n",
                fields(i)
            ),
        ));
    }
    let status = "{{#tdd-status columns=document,status,supersedes,superseded-by}}\n\n{{#tdd-status live=true}}\n\n{{#prd-status}}\n";
    chapters.push(("s.md", status.to_string()));
    let b = book(chapters);
    drop(paths);
    b
}

#[test]
fn a_long_supersede_chain() {
    assert_linear_run("long supersede chain", 50, |n| {
        lifecycle_book(n, |i| match i {
            0 => "**Status:** Superseded\n".to_string(),
            i if i + 1 == n => format!("**Status:** Approved\n**Supersedes:** t{}.md\n", i - 1),
            i => format!(
                "**Status:** Draft\n**Supersedes:** [T{}](t{}.md)\n**Superseded-By:** t{}.md\n",
                i - 1,
                i - 1,
                i + 1
            ),
        })
    });
}

#[test]
fn a_long_supersede_cycle() {
    assert_linear_run("long supersede cycle", 50, |n| {
        lifecycle_book(n, |i| {
            format!(
                "**Status:** Superseded\n**Supersedes:** t{}.md\n",
                (i + n - 1) % n
            )
        })
    });
}

#[test]
fn many_supersedes_values() {
    assert_linear_run("many Supersedes values", 50, |n| {
        let all: Vec<String> = (0..n).map(|i| format!("[T{i}](t{i}.md)")).collect();
        let all = all.join(", ");
        // The first and the last both supersede every other: the second
        // finds each one taken.
        lifecycle_book(n, |i| {
            if i == 0 || i + 1 == n {
                format!("**Status:** Approved\n**Supersedes:** {all}\n")
            } else {
                "**Status:** Superseded\n**Superseded-By:** t1.md\n".to_string()
            }
        })
    });
}

#[test]
fn supersedes_values_of_unclosed_brackets_and_backticks() {
    assert_linear_run("unclosed brackets and backticks", 200, |n| {
        // Runs of backticks of every length up to k, none closed, then
        // brackets that never close.
        let k = ((2 * n) as f64).sqrt() as usize + 1;
        let ticks: Vec<String> = (1..=k).map(|l| "`".repeat(l)).collect();
        let value = format!("{}, {}", ticks.join(" x, "), "[a, (b, <c, ".repeat(n));
        lifecycle_book(2, |i| {
            if i == 1 {
                format!("**Status:** Draft\n**Supersedes:** {value}\n")
            } else {
                "**Status:** Draft\n".to_string()
            }
        })
    });
}

#[test]
fn a_long_chain_of_prds_with_designs_on_every_one() {
    assert_linear_run("long PRD chain", 50, |n| {
        let paths: Vec<(String, String)> = (0..n)
            .map(|i| (format!("prd/p{i}.md"), format!("tdd/t{i}.md")))
            .collect();
        let mut chapters = Vec::new();
        for (i, (p, t)) in paths.iter().enumerate() {
            let supersedes = if i > 0 {
                format!("**Supersedes:** p{}.md\n", i - 1)
            } else {
                String::new()
            };
            chapters.push((
                p.as_str(),
                format!("# P{i}\n\n**Status:** Superseded\n{supersedes}\n---\n"),
            ));
            chapters.push((
                t.as_str(),
                format!("# T{i}\n\n**Status:** Draft\n**Source PRD:** ../prd/p{i}.md\n"),
            ));
        }
        chapters.push((
            "s.md",
            "{{#prd-status columns=prd,status,designs,coverage,superseded-by}}\n\n{{#prd-status uncovered=true live=true}}\n".to_string(),
        ));
        let b = book(chapters);
        drop(paths);
        b
    });
}

/// A book of `n` designs over `n / 10 + 1` PRDs, each PRD superseding the
/// one before it, each design the one of its PRD before it (chains of
/// about ten), and a page of graphs: the whole book (too many to draw in
/// HTML: a note), the family of the first PRD (every document, through the
/// PRD chain), the live ones and the drafts.
fn graph_book(n: usize, html: bool) -> Book {
    let k = n / 10 + 1;
    let mut owned: Vec<(String, String)> = Vec::new();
    for j in 0..k {
        let supersedes = if j > 0 {
            format!("**Supersedes:** p{}.md\n", j - 1)
        } else {
            String::new()
        };
        owned.push((
            format!("prd/p{j}.md"),
            format!("# P{j}\n\n**Status:** Approved\n{supersedes}\n---\n"),
        ));
    }
    for i in 0..n {
        let supersedes = if i >= k {
            format!("**Supersedes:** t{}.md\n", i - k)
        } else {
            String::new()
        };
        owned.push((
            format!("tdd/t{i}.md"),
            format!(
                "# T{i}\n\n**Status:** Draft\n**Source PRD:** ../prd/p{}.md\n{supersedes}\n---\n",
                i % k
            ),
        ));
    }
    owned.push((
        "s.md".to_string(),
        "{{#tdd-graph}}\n\n{{#tdd-graph prd=prd/p0.md}}\n\n{{#tdd-graph live=true}}\n\n{{#tdd-graph status=draft}}\n".to_string(),
    ));
    let mut b = book(owned.iter().map(|(p, t)| (p.as_str(), t.clone())).collect());
    b.settings.html = html;
    b
}

#[test]
fn graphs_of_many_documents_in_html() {
    assert_linear_run("graphs (HTML)", 1000, |n| graph_book(n, true));
}

/// Other renderers get every document as a list, however many.
#[test]
fn graphs_of_many_documents_as_lists() {
    assert_linear_run("graphs (list)", 1000, |n| graph_book(n, false));
}

// ------------------------------------------------------------- whole book --

#[test]
fn many_tdds() {
    assert_linear_run("many TDDs", 20, |n| {
        let mut chapters = vec![("prd/p.md", PRD.to_string())];
        let paths: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
        for (i, p) in paths.iter().enumerate() {
            let body = open_items_table(0, 2);
            chapters.push((p.as_str(), tdd(&format!("T{i}"), "Draft", &body)));
        }
        let status =
            "{{#tdd-status}}\n\n{{#prd-status}}\n\n{{#tdd-open-items}}\n\n{{#tdd-completeness}}\n";
        chapters.push(("s.md", status.to_string()));
        // The chapters borrow the paths: build the book before they go.
        let b = book(chapters);
        drop(paths);
        b
    });
}

#[test]
fn long_chapter_names() {
    assert_linear_run("long chapter names", 2000, |n| {
        let mut b = book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", "Text.\n")),
            ("s.md", "{{#tdd-status}}\n\n{{#prd-status}}\n".to_string()),
        ]);
        for c in &mut b.chapters {
            c.meta.name = "Ünïcødé name ".repeat(n);
        }
        b
    });
}

#[test]
fn many_header_fields_shown_as_columns() {
    assert_linear_run("many header fields", 200, |n| {
        let fields: String = (0..n).map(|i| format!("**F{i}:** v\n")).collect();
        let text = format!(
            "# T\n\n**Status:** Draft\n**Source PRD:** [P](../prd/p.md)\n{fields}\n---\n\nText.\n"
        );
        let cols: Vec<String> = (0..n).rev().map(|i| format!("f{i}")).collect();
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", text),
            (
                "s.md",
                format!("{{{{#tdd-status columns={}}}}}\n", cols.join(",")),
            ),
        ])
    });
}

#[test]
fn a_large_status_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    assert_linear_run("many statuses", 100, |n| {
        let statuses: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
        let mut chapters = vec![("prd/p.md", PRD.to_string())];
        let paths: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
        for (i, p) in paths.iter().enumerate() {
            chapters.push((
                p.as_str(),
                tdd(&format!("T{i}"), &format!("S{i}"), "Text.\n"),
            ));
        }
        let wanted: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        chapters.push((
            "s.md",
            format!(
                "{{{{#tdd-status sort=status status={}}}}}\n",
                wanted.join(",")
            ),
        ));
        let b = book_with(
            json!({ "statuses": statuses, "final-statuses": statuses }),
            dir.path(),
            chapters,
        );
        drop(paths);
        b
    });
}

/// The real binary on a book JSON: reading, the run, writing.
#[test]
fn the_binary_on_a_long_line_of_directives() {
    let input = |n: usize| {
        let text = "x {{#tdd-status}} ".repeat(n);
        serde_json::to_vec(&json!([
            {"root": "/nonexistent", "config": {"book": {"title": "T", "src": "src"}},
             "renderer": "html", "mdbook_version": "0.5.4"},
            {"items": [{"Chapter": {"name": "S", "content": text, "number": null,
                "sub_items": [], "path": "s.md", "source_path": "s.md", "parent_names": []}}]}
        ]))
        .unwrap()
    };
    assert_linear("the binary", 2000, input, |bytes| {
        let out = support::run_piped(&[], None, bytes);
        assert_eq!(out.status.code(), Some(1));
        out.stderr.len()
    });
}

/// `mdbook-tdd new` places the entry after the last TDD of SUMMARY.md.
#[test]
fn a_long_summary_for_a_new_entry() {
    use mdbook_tdd::authoring::summary::{Placement, insert_entry};
    let input = |n: usize| {
        let mut summary = String::from("# Summary\n\n");
        let mut paths = Vec::new();
        for i in 0..n {
            summary.push_str(&format!(
                "- [T{i}](tdd/t{i}.md)\n    - [U{i}](tdd/u{i}.md)\n"
            ));
            paths.push(format!("tdd/t{i}.md"));
            paths.push(format!("tdd/u{i}.md"));
        }
        for i in 0..n {
            summary.push_str(&format!("- [P{i}](prd/p{i}.md)\n"));
        }
        (summary, paths)
    };
    assert_linear("long SUMMARY.md", 500, input, |(summary, paths)| {
        insert_entry(&summary, "New", "tdd/new.md", Placement::After(&paths))
            .map_or(0, |s| s.text.len())
    });
}

/// Found by the growth target: empty headings on lines ended by a carriage
/// return alone.
#[test]
fn empty_headings_on_carriage_return_lines() {
    assert_linear_run("empty headings, CR lines", 500, |n| {
        book(vec![(
            "s.md",
            format!("{{{{#tdd-status}}}}\r{}", "##\r".repeat(n)),
        )])
    });
}

/// Directives rendered in a chapter whose lines end with a carriage return
/// alone: each generated block used to be indented by everything since the
/// last `\n`.
#[test]
fn rendered_directives_on_carriage_return_lines() {
    assert_linear_run("rendered directives, CR lines", 200, |n| {
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", "Text.\n")),
            ("s.md", "{{#tdd-status}}\r\r".repeat(n)),
        ])
    });
}

/// Found by the growth target: candidates without white space between
/// them, whose names run into each other up to the end of the text; each
/// used to quote the rest of the text in its diagnostic.
#[test]
fn directive_names_running_into_each_other() {
    assert_linear_run("names running into each other", 200, |n| {
        book(vec![("s.md", "{{#tdd-a".repeat(n))])
    });
}

/// Candidates nested in values of a long-keyed argument list all stop at
/// the same error, which quotes the key.
#[test]
fn shared_errors_quoting_a_long_key() {
    assert_linear_run("shared error with a long key", 200, |n| {
        let key = "k".repeat(10 * n);
        let mut text = "{{#tdd-status ".to_string();
        for i in 0..n {
            text.push_str(&format!("a{i}={{{{#tdd-status "));
        }
        text.push_str(&key);
        book(vec![("s.md", text)])
    });
}

/// Found by the growth target, in the Markdown parser itself (pulldown-cmark
/// 0.13, which mdBook renders with too): containers nested n deep on one
/// line, then n lazy continuation lines, take time n x n, in mdBook's own
/// build as much as here. Kept to be run when the parser changes:
/// `cargo test --test linear_time -- --ignored`.
#[test]
#[ignore = "quadratic in pulldown-cmark, not in mdbook-tdd"]
fn nested_containers_then_lazy_lines() {
    assert_linear(
        "nested containers, lazy lines",
        100,
        |n| format!("{}a{}\n", "> ".repeat(n), "\nx".repeat(n)),
        |t| mdbook_markdown::pulldown_cmark::Parser::new(&t).count(),
    );
}

// -------------------------------------------------- summary and page cards --

/// A TDD with a blocked dependency and open high-impact risks, so that the
/// summary lists something for each.
fn tdd_with_rows(i: usize, status: &str, prd: &str) -> String {
    format!(
        "# T{i}\n\n**Status:** {status}\n**Source PRD:** [P](../prd/{prd}.md)\n\n---\n\n## 10. Implementation\n\n### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status |\n|---|---|---|\n| D{i} | me | Blocked |\n| E{i} | me | Ready |\n\n{}",
        open_items_table(0, 2)
    )
}

/// Many TDDs and PRDs, each page with its card, and a status page with
/// every part of the summary.
#[test]
fn many_tdds_with_a_summary_and_cards() {
    assert_linear_run("many TDDs, summary and cards", 20, |n| {
        let prds: Vec<String> = (0..n).map(|j| format!("prd/p{j}.md")).collect();
        let tdds: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
        let statuses = ["Draft", "In Review", "Superseded", "Approved"];
        let mut chapters: Vec<(&str, String)> = Vec::new();
        for p in &prds {
            chapters.push((p.as_str(), PRD.to_string()));
        }
        for (i, p) in tdds.iter().enumerate() {
            // Half the PRDs get designs, some of them only inactive ones.
            let prd = format!("p{}", (i / 2) % n.max(1));
            chapters.push((p.as_str(), tdd_with_rows(i, statuses[i % 4], &prd)));
        }
        chapters.push(("s.md", "{{#tdd-summary}}\n".to_string()));
        let b = book(chapters);
        drop((prds, tdds));
        b
    });
}

/// One PRD with many designs: its card and the summary list each once.
#[test]
fn a_prd_with_many_designs() {
    assert_linear_run("a PRD with many designs", 50, |n| {
        let tdds: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
        let mut chapters = vec![("prd/p.md", PRD.to_string())];
        for (i, p) in tdds.iter().enumerate() {
            chapters.push((p.as_str(), tdd(&format!("T{i}"), "Superseded", "Text.\n")));
        }
        chapters.push(("s.md", "{{#tdd-summary}}\n".to_string()));
        let b = book(chapters);
        drop(tdds);
        b
    });
}

/// A header that runs to the end of a long chapter (the card goes at the
/// end), and one with many HTML blocks in it (where a card written before
/// is looked for).
#[test]
fn long_headers() {
    assert_linear_run("a header to the end", 500, |n| {
        let text = format!(
            "# T\n\n**Source PRD:** [P](../prd/p.md)\n\n{}",
            "Text of the header.\n\n".repeat(n)
        );
        book(vec![("prd/p.md", PRD.to_string()), ("tdd/t.md", text)])
    });
    assert_linear_run("HTML blocks in a header", 500, |n| {
        let text = format!(
            "# T\n\n**Source PRD:** [P](../prd/p.md)\n\n{}---\n",
            "<div>x</div>\n\n".repeat(n)
        );
        book(vec![("prd/p.md", PRD.to_string()), ("tdd/t.md", text)])
    });
}

/// Many headings before the Open Questions & Risks section, each compared
/// with it to know its id for the card's link.
#[test]
fn many_headings_before_the_open_items() {
    assert_linear_run("headings before the open items", 200, |n| {
        let headings: String = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    format!("### Note {i}\n\nText.\n\n")
                } else {
                    format!("### [Link {i}](x.md) `code`\n\nText.\n\n")
                }
            })
            .collect();
        let body = format!("## 1. Overview\n\n{headings}{}", open_items_table(0, 1));
        book(vec![
            ("prd/p.md", PRD.to_string()),
            ("tdd/t.md", tdd("T", "Draft", &body)),
        ])
    });
}

/// A large vocabulary: one bar segment and legend line per status.
#[test]
fn a_large_status_vocabulary_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    assert_linear_run("many statuses, summary", 100, |n| {
        let statuses: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
        let paths: Vec<String> = (0..n).map(|i| format!("tdd/t{i}.md")).collect();
        let mut chapters = vec![("prd/p.md", PRD.to_string())];
        for (i, p) in paths.iter().enumerate() {
            chapters.push((
                p.as_str(),
                tdd(&format!("T{i}"), &format!("S{i}"), "Text.\n"),
            ));
        }
        chapters.push(("s.md", "{{#tdd-summary show=statuses}}\n".to_string()));
        let b = book_with(
            json!({ "statuses": statuses, "final-statuses": [] }),
            dir.path(),
            chapters,
        );
        drop(paths);
        b
    });
}

/// Many diagnostics in a chapter whose file has an `{{#include}}` that
/// mdBook expanded: each diagnostic is moved back to the file.
#[test]
fn many_diagnostics_in_a_chapter_with_an_include() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/part.md"), "Included.\n").unwrap();
    assert_linear_run("diagnostics after an include", 100, |n| {
        // Lines between the diagnostics cost the analysis little, and
        // count when the place of each diagnostic is found in the file.
        let body = format!("{{{{#tdd-nope}}}}\n\n{}\n", "x\n".repeat(100)).repeat(n);
        let name = format!("c{n}.md");
        std::fs::write(
            dir.path().join("src").join(&name),
            format!("{{{{#include part.md}}}}\n\n{body}"),
        )
        .unwrap();
        let chapter = (
            Box::leak(name.into_boxed_str()) as &str,
            format!("Included.\n\n{body}"),
        );
        book_with(json!({}), dir.path(), vec![chapter])
    });
}

/// A chapter file full of unclosed `{{#include` and escaped `\{{#` (each of
/// which mdBook leaves as it is), read to move a diagnostic back to it.
#[test]
fn unclosed_includes_in_a_chapter_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/part.md"), "Included.\n").unwrap();
    assert_linear_run("unclosed includes", 1000, |n| {
        let body = format!(
            "{{{{#tdd-nope}}}}\n\n{}\n\n{}\n",
            "{{#include x ".repeat(n),
            "\\{{#x } ".repeat(n)
        );
        let name = format!("u{n}.md");
        std::fs::write(
            dir.path().join("src").join(&name),
            format!("{{{{#include part.md}}}}\n\n{body}"),
        )
        .unwrap();
        let chapter = (
            Box::leak(name.into_boxed_str()) as &str,
            format!("Included.\n\n{body}"),
        );
        book_with(json!({}), dir.path(), vec![chapter])
    });
}

// ------------------------------------------------------------------ pins --

#[test]
fn a_source_prd_of_many_at_signs() {
    // A name that resolves neither without its ` @ 1` nor with it: both
    // are looked up, each once.
    assert_linear_run("Source PRD with many ` @ `", 500, |n| {
        let value = format!("{}@ 1", "Team @ ".repeat(n));
        book(vec![
            (
                "prd/p.md",
                "# P\n\n**Status:** Approved\n**Version:** 1.2\n".into(),
            ),
            (
                "tdd/t.md",
                format!("# T\n\n**Status:** Draft\n**Source PRD:** {value}\n\n---\n"),
            ),
        ])
    });
}

#[test]
fn many_pinned_designs_of_one_prd() {
    assert_linear_run("pinned designs of one PRD", 50, |n| {
        let mut chapters = vec![
            (
                "prd/p.md".to_string(),
                "# P\n\n**Status:** Approved\n**Version:** 2.1\n\n---\n\nText.\n".to_string(),
            ),
            (
                "status.md".to_string(),
                "# S\n\n{{#tdd-status columns=document,pin}}\n\n{{#prd-status}}\n".to_string(),
            ),
        ];
        for i in 0..n {
            let pin = ["2.1", "2.0", "3", "v2.1.0-rc.1", "x"][i % 5];
            chapters.push((
                format!("tdd/t{i}.md"),
                format!(
                    "# T{i}\n\n**Status:** Draft\n**Source PRD:** [P](../prd/p.md) @ {pin}\n\n---\n\nText.\n"
                ),
            ));
        }
        Book {
            config: Config::default(),
            settings: Settings::default(),
            chapters: chapters
                .iter()
                .map(|(p, t)| chapter(p, t.clone()))
                .collect(),
        }
    });
}

// ---------------------------------------------------------- traceability --

/// A PRD with `n` requirements (`PAY-1` …) and `q` open questions.
fn trace_prd(n: usize, q: usize, question: impl Fn(usize) -> String) -> String {
    let mut s = String::from(
        "# P\n\n**Status:** Approved\n\n---\n\n## Requirements\n\n| ID | Requirement | Priority |\n|---|---|---|\n",
    );
    for i in 1..=n {
        s.push_str(&format!("| PAY-{i} | Requirement {i}. | P{} |\n", i % 3));
    }
    s.push_str("\n## Open Questions\n\n");
    for i in 1..=q {
        s.push_str(&format!("1. {}\n", question(i)));
    }
    s
}

const TRACE_PAGE: &str = "{{#prd-requirements sort=priority}}\n\n{{#prd-open-questions}}\n\n{{#prd-status columns=prd,requirements,questions}}\n";

#[test]
fn many_requirement_ids_on_one_line() {
    assert_linear_run("many IDs on one line", 200, |n| {
        let line: String = (1..=n).map(|i| format!("PAY-{i} ")).collect();
        book(vec![
            ("prd/p.md", trace_prd(n, 0, |_| String::new())),
            (
                "tdd/t.md",
                tdd("T", "Draft", &format!("## 1. Goals\n\n{line}\n")),
            ),
            ("s.md", TRACE_PAGE.to_string()),
        ])
    });
}

#[test]
fn many_requirements_cited_by_many_designs() {
    assert_linear_run("many requirements and designs", 20, |n| {
        let mut chapters = vec![
            (
                "prd/p.md".to_string(),
                trace_prd(10 * n, 0, |_| String::new()),
            ),
            ("s.md".to_string(), TRACE_PAGE.to_string()),
        ];
        for t in 0..n {
            let body: String = (0..10)
                .map(|k| format!("## {k}. S{k}\n\nCovers PAY-{}.\n\n", t * 10 + k + 1))
                .collect();
            chapters.push((format!("tdd/t{t}.md"), tdd("T", "Approved", &body)));
        }
        Book {
            config: Config::default(),
            settings: Settings::default(),
            chapters: chapters
                .iter()
                .map(|(p, t)| chapter(p, t.clone()))
                .collect(),
        }
    });
}

#[test]
fn many_unknown_requirement_ids() {
    assert_linear_run("many unknown IDs", 200, |n| {
        let line: String = (1..=n).map(|i| format!("PAY-{} ", 100_000 + i)).collect();
        book(vec![
            ("prd/p.md", trace_prd(100, 0, |_| String::new())),
            ("tdd/t.md", tdd("T", "Draft", &format!("{line}\n"))),
        ])
    });
}

#[test]
fn many_duplicate_requirement_ids() {
    assert_linear_run("one requirement ID defined many times", 200, |n| {
        let rows: String = (0..n).map(|_| "| PAY-1 | Again. | P1 |\n").collect();
        book(vec![
            (
                "prd/p.md",
                format!(
                    "# P\n\n**Status:** Draft\n\n---\n\n| ID | Requirement | Priority |\n|---|---|---|\n{rows}"
                ),
            ),
            ("tdd/t.md", tdd("T", "Draft", &"PAY-1\n\n".repeat(n))),
        ])
    });
}

/// A TDD resolving `n` open items by text, each row also matching every
/// item by its first word (rows by first words that several items share
/// are reported, not searched one by one).
#[test]
fn many_open_questions_resolved_by_text() {
    assert_linear_run("many open questions by text", 100, |n| {
        let mut rows =
            String::from("### 1.4 PRD Open Items Resolved\n| PRD Item | Resolution |\n|---|---|\n");
        for i in 1..=n {
            rows.push_str(&format!(
                "| Should we do thing {i} | Yes. |\n| Should we | Which? |\n"
            ));
        }
        book(vec![
            (
                "prd/p.md",
                trace_prd(0, n, |i| format!("Should we do thing {i} at all?")),
            ),
            ("tdd/t.md", tdd("T", "Draft", &rows)),
            ("s.md", TRACE_PAGE.to_string()),
        ])
    });
}

#[test]
fn many_tbd_markers_on_one_line() {
    assert_linear_run("many [TBD] markers on one line", 500, |n| {
        book(vec![
            (
                "prd/p.md",
                format!(
                    "# P\n\n**Status:** Draft\n\n---\n\n{}\n",
                    "[TBD] ".repeat(n)
                ),
            ),
            ("s.md", TRACE_PAGE.to_string()),
        ])
    });
}

#[test]
fn many_open_questions_with_nested_lists() {
    assert_linear_run("open questions with nested lists", 100, |n| {
        book(vec![
            (
                "prd/p.md",
                trace_prd(0, n, |i| {
                    format!("Q{i}: Question {i}?\n   - detail\n     - more")
                }),
            ),
            ("s.md", TRACE_PAGE.to_string()),
        ])
    });
}

#[test]
fn many_cited_sections() {
    assert_linear_run("citations in many sections", 100, |n| {
        let body: String = (1..=n)
            .map(|i| format!("## {i}. Section {i}\n\nPAY-1 and PAY-2.\n\n"))
            .collect();
        book(vec![
            ("prd/p.md", trace_prd(2, 0, |_| String::new())),
            ("tdd/t.md", tdd("T", "Draft", &body)),
            ("s.md", TRACE_PAGE.to_string()),
        ])
    });
}

/// A `{{#prd-requirements prd=…}}` and a `{{#prd-open-questions prd=…}}`
/// on every PRD page, none of the PRDs with requirements or questions yet:
/// each directive looked `prd=` up in an index of the book built for it,
/// and read every PRD to tell "none match" from "none yet".
#[test]
fn a_prd_filtered_table_on_every_prd_page() {
    assert_linear_run("prd= tables on every PRD page", 200, |n| {
        let chapters = (0..n)
            .map(|i| {
                (
                    "prd/p.md",
                    format!(
                        "# P{i}\n\n**Status:** Draft\n\n{{{{#prd-requirements prd=\"p{i}.md\"}}}}\n\n{{{{#prd-open-questions prd=\"p{i}.md\"}}}}\n"
                    ),
                )
            })
            .collect::<Vec<_>>();
        let mut b = book_with(
            json!({ "prd-paths": ["prd/*.md"] }),
            std::path::Path::new("."),
            chapters,
        );
        for (i, c) in b.chapters.iter_mut().enumerate() {
            let path = format!("prd/p{i}.md");
            c.meta = mdbook_tdd::ChapterMeta::new(&format!("P{i}"), &path, &path, "src", true);
        }
        b
    });
}
