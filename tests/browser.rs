//! `book-example/` as a reader sees it: built by the real mdBook engines
//! (0.5, and 0.4) through the real binary, and opened in headless Chromium
//! at 1280 px, at 400 px and as printed, in all five mdBook themes.
//!
//! - every generated table fits mdBook's content column at 1280 px and on
//!   paper, and at 400 px scrolls inside its wrapper rather than widening
//!   the page; badges and dates stay on one line;
//! - every heading has text;
//! - every status badge (each class of the default vocabulary, and
//!   `unknown`, in text, a list, a block quote and both kinds of table row)
//!   has a contrast of at least 4.5:1 in every theme;
//! - the completeness matrix names each section of its short headers.
//!
//! Screenshots go to `target/browser/` for review.
//!
//! Run it alone with `cargo test --test browser`. It needs Chromium (Debian's
//! `chromium` package, or `CHROMIUM=/path/to/chrome`); without it the test
//! fails and says so.

mod support;

use scraper::{Html, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Built, Engine, build, repo};

const MEASURE: &str = include_str!("browser/measure.js");

/// The window widths measured, and the width of a printed page: A4 in
/// Chromium's default margins (210 mm less 2 × 0.4 in, at 96 px an inch).
const WIDE: u32 = 1280;
const NARROW: u32 = 400;
const PRINT: u32 = 717;

/// mdBook's content column (`--content-max-width`).
const CONTENT_COLUMN: u64 = 750;

/// WCAG AA for text.
const MIN_CONTRAST: f64 = 4.5;

/// The browser: `$CHROMIUM`, else the first of the usual names on the PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "the browser test needs Chromium, and found none on the PATH: install it \
         (Debian: apt-get install chromium) or set CHROMIUM to a Chromium or Chrome binary"
    );
}

/// Runs Chromium headless on `url` in a window `width` px wide (at least
/// 500, Chromium's smallest) and `height` tall, with a screenshot to
/// `shot`; returns the DOM after the page's scripts ran.
fn run_chromium(url: &str, width: u32, height: u32, shot: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    // Output to files, not pipes: a DOM larger than a pipe holds would
    // block Chromium while the test waits for it.
    let stdout_path = profile.path().join("stdout.html");
    let stderr_path = profile.path().join("stderr.txt");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .arg(format!("--window-size={},{height}", width.max(500)))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run Chromium ({}): {e}", chromium().display()));
    // A page that never settles must not hang the test.
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium did not finish within 120 s on {url}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for Chromium: {e}"),
        }
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(
        status.success(),
        "Chromium failed on {url}: {status}\n{stderr}"
    );
    std::fs::read_to_string(&stdout_path).unwrap()
}

/// The classes of the status badges to probe: the default vocabulary and
/// the mark of a status outside it.
fn status_classes() -> Vec<String> {
    let mut out: Vec<String> = mdbook_tdd::Config::default()
        .statuses
        .iter()
        .map(|s| {
            s.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    out.push("unknown".into());
    out
}

/// What `measure.js` reports on `page` (a file of the built book) seen
/// `WIDE` and `NARROW` px wide and printed, side by side in one window; a
/// screenshot of the three is saved as `target/browser/NAME.png`.
fn measure(page: &Path, name: &str) -> Reports {
    let html = std::fs::read_to_string(page).unwrap();
    let statuses = serde_json::json!({ "statuses": status_classes() });
    let script =
        format!("<script>window.TDD_MEASURE = {statuses};</script><script>{MEASURE}</script>");
    assert!(html.contains("</body>"), "{}: no </body>", page.display());
    let stem = page.file_stem().unwrap().to_string_lossy().into_owned();
    let probe = page.with_file_name(format!("{stem}.measure.html"));
    std::fs::write(
        &probe,
        html.replacen("</body>", &format!("{script}</body>"), 1),
    )
    .unwrap();
    let probe = probe.file_name().unwrap().to_string_lossy().into_owned();
    // The page in a frame per width; each frame's report lands on the frame
    // page's <body>.
    let height = 2600;
    let frames: String = [
        ("wide", WIDE, "screen"),
        ("narrow", NARROW, "screen"),
        ("print", PRINT, "print"),
    ]
    .iter()
    .map(|(frame, width, mode)| {
        format!(
            "<iframe name=\"{frame}\" src=\"{probe}#{mode}\" \
                 style=\"border:0;flex:none;width:{width}px;height:{height}px\"></iframe>"
        )
    })
    .collect();
    let frame_page = page.with_file_name(format!("{stem}.frames.html"));
    std::fs::write(
        &frame_page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
             <body style=\"margin:0;display:flex;align-items:flex-start\">{frames}\
             <script>addEventListener('message', (e) => document.body.setAttribute(\
             'data-tdd-report-' + JSON.parse(e.data).frame, e.data));</script>\
             </body></html>"
        ),
    )
    .unwrap();
    let dir = repo().join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(format!("{name}.png"));
    let dom = run_chromium(
        &format!("file://{}", frame_page.display()),
        WIDE + NARROW + PRINT,
        height,
        &shot,
    );
    let doc = Html::parse_document(&dom);
    let body = Selector::parse("body").unwrap();
    let body = doc.select(&body).next().unwrap();
    let report = |frame: &str, width: u32| -> Value {
        let r = body
            .value()
            .attr(&format!("data-tdd-report-{frame}"))
            .unwrap_or_else(|| panic!("no {frame} report from {}", page.display()));
        let r: Value = serde_json::from_str(r).unwrap();
        if let Some(e) = r.get("error") {
            panic!("measure.js failed on {} ({frame}): {e}", page.display());
        }
        assert_eq!(
            r["width"], width,
            "{name}: the {frame} frame was not {width} px wide"
        );
        log_tables(&format!("{} {frame} {width} px", page.display()), &r);
        r
    };
    Reports {
        wide: report("wide", WIDE),
        narrow: report("narrow", NARROW),
        print: report("print", PRINT),
    }
}

/// The reports on one page.
struct Reports {
    wide: Value,
    narrow: Value,
    print: Value,
}

/// One line per generated table, for the log of a run with `--nocapture`.
fn log_tables(what: &str, report: &Value) {
    for t in generated(report) {
        eprintln!(
            "{what}: {} {} px in a column of {} px{}",
            t["kind"].as_str().unwrap_or_default(),
            t["width"],
            t["content"],
            if t["overflow"] == true {
                ", scrolls"
            } else {
                ""
            }
        );
    }
    if let Some(themes) = report["themes"].as_object() {
        for (theme, marks) in themes {
            let min = marks
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|m| m["ratio"].as_f64())
                .fold(f64::INFINITY, f64::min);
            eprintln!("{what}: lowest badge contrast in {theme}: {min}:1");
        }
    }
}

fn generated(report: &Value) -> Vec<&Value> {
    report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["generated"] == true)
        .collect()
}

/// Generated tables within their column, dates on one line.
fn check_fit(what: &str, report: &Value) {
    for t in generated(report) {
        assert!(
            t["overflow"] == false
                && t["width"].as_u64().unwrap() <= t["content"].as_u64().unwrap(),
            "{what}: a generated table is wider than the content column: {t}"
        );
        assert_eq!(
            t["wrapper"], true,
            "{what}: a table outside mdBook's wrapper: {t}"
        );
        check_dates(what, t);
    }
}

fn check_dates(what: &str, table: &Value) {
    for d in table["dates"].as_array().unwrap() {
        assert_eq!(
            d["lines"], 1,
            "{what}: a date breaks across lines: {d} in {table}"
        );
    }
}

/// The page as a reader sees it on a screen `WIDE` px wide: tables fit,
/// headings have text, badges read in every theme.
fn check_wide(what: &str, r: &Value) {
    check_fit(what, r);
    for t in generated(r) {
        assert_eq!(
            t["content"].as_u64(),
            Some(CONTENT_COLUMN),
            "{what}: the content column is not mdBook's: {t}"
        );
    }
    assert!(
        r["page"]["scroll"].as_u64().unwrap() <= r["page"]["client"].as_u64().unwrap(),
        "{what}: the page scrolls sideways: {}",
        r["page"]
    );
    for h in r["headings"].as_array().unwrap() {
        assert!(
            !h["text"].as_str().unwrap().is_empty() && !h["id"].as_str().unwrap().is_empty(),
            "{what}: a heading without text or id: {h}"
        );
    }
    let classes = status_classes();
    let themes = r["themes"].as_object().unwrap();
    assert_eq!(themes.len(), 5, "{what}: {r}");
    for (theme, marks) in themes {
        let marks = marks.as_array().unwrap();
        // Every class in every place was measured, so that a badge that
        // vanished from the stylesheet cannot pass unseen.
        for class in &classes {
            let places = marks
                .iter()
                .filter(|m| {
                    m["probe"] == true && m["class"] == format!("tdd-status tdd-status-{class}")
                })
                .count();
            assert_eq!(
                places, 5,
                "{what}, theme {theme}: probes of {class}: {marks:?}"
            );
        }
        for m in marks {
            assert!(
                m["ratio"].as_f64().unwrap() >= MIN_CONTRAST,
                "{what}, theme {theme}: contrast below {MIN_CONTRAST}:1: {m}"
            );
        }
    }
    assert_eq!(r["probe_badges_wrapped"], 0, "{what}: a badge breaks");
}

/// At `NARROW` px: a table too wide scrolls inside its wrapper, the page
/// itself does not scroll sideways, badges and dates stay whole.
fn check_narrow(what: &str, r: &Value) {
    for t in generated(r) {
        assert_eq!(t["wrapped_badges"], 0, "{what}: a badge breaks: {t}");
        assert_eq!(
            t["wrapper"], true,
            "{what}: a table outside mdBook's wrapper: {t}"
        );
        if t["overflow"] == true {
            assert_eq!(
                t["scrolls"], "auto",
                "{what}: a wide table does not scroll: {t}"
            );
        }
        check_dates(what, t);
    }
    assert!(
        r["page"]["scroll"].as_u64().unwrap() <= r["page"]["client"].as_u64().unwrap(),
        "{what}: the page scrolls sideways: {}",
        r["page"]
    );
}

/// On paper (`PRINT` px): every generated table within the page.
fn check_print(what: &str, r: &Value) {
    assert!(
        r["print_rules"].as_u64().unwrap() > 0,
        "{what}: no print rules: {r}"
    );
    check_fit(what, r);
}

/// The pages checked in every way: the status page (every table
/// directive), a skeleton page, a PRD with its backlinks list.
const PAGES: [&str; 3] = [
    "status.html",
    "tdd/invoice-reminders.html",
    "prd/invoice-payments.html",
];

fn check_book(b: &Built, engine: &str) {
    b.assert_ok();
    for page in PAGES {
        let path = b.html.join(page);
        let name = format!("{engine}-{}", page.replace('/', "-").replace(".html", ""));
        let r = measure(&path, &name);
        check_wide(&format!("{engine} {page} at {WIDE} px"), &r.wide);
        check_narrow(&format!("{engine} {page} at {NARROW} px"), &r.narrow);
        check_print(&format!("{engine} {page} printed"), &r.print);
        if page == "status.html" {
            check_status_page(b, &r.wide);
        }
    }
    // The whole book on one page, as printed.
    let r = measure(&b.html.join("print.html"), &format!("{engine}-print"));
    check_print(&format!("{engine} print.html printed"), &r.print);
    assert!(
        generated(&r.print).len() >= 5,
        "{engine} print.html: {}",
        r.print
    );
}

fn check_status_page(b: &Built, wide: &Value) {
    let tables = generated(wide);
    let kinds: Vec<&str> = tables.iter().map(|t| t["kind"].as_str().unwrap()).collect();
    for kind in ["tdd-status", "prd-status", "rollup", "completeness"] {
        assert!(
            kinds
                .iter()
                .any(|k| k.split(' ').any(|c| c == format!("tdd-table-{kind}"))),
            "status page: no {kind} table: {kinds:?}"
        );
    }
    // The completeness matrix: short headers, each with its section's name
    // as hover text.
    let matrix = tables
        .iter()
        .find(|t| {
            t["kind"]
                .as_str()
                .unwrap()
                .contains("tdd-table-completeness")
        })
        .unwrap();
    let header = matrix["header"].as_array().unwrap();
    let titles = matrix["titles"].as_array().unwrap();
    assert_eq!(header[1], "1", "{matrix}");
    assert_eq!(titles[1], "Overview", "{matrix}");
    for (h, t) in header.iter().zip(titles).skip(1).take(header.len() - 2) {
        assert!(
            h.as_str().unwrap().len() <= 3 && !t.as_str().unwrap().is_empty(),
            "a completeness column without a short header and hover text: {h} {t}"
        );
    }

    // ---- Hook: the summary graphic of `{{#tdd-summary}}` ----------------
    // Where the status page's source holds the directive, the page must
    // show it as an inline <svg class="tdd-summary ...">.
    let source = std::fs::read_to_string(b.root.join("src/status.md")).unwrap();
    if source.contains("{{#tdd-summary") {
        let svgs = wide["svg"].as_array().unwrap();
        assert!(
            svgs.iter().any(|s| s["class"]
                .as_str()
                .is_some_and(|c| c.split(' ').any(|c| c == "tdd-summary"))),
            "status page: {{{{#tdd-summary}}}} in the source, but no <svg class=\"tdd-summary\">: {svgs:?}"
        );
    }
    // ---------------------------------------------------------------------
}

/// Fails at once, not after the build, when there is no browser.
fn require_chromium() {
    let browser = chromium();
    assert!(
        browser.is_file(),
        "the browser test needs Chromium: {} is no file",
        browser.display()
    );
}

#[test]
fn example_book_in_a_browser_mdbook_05() {
    require_chromium();
    let b = build(&repo().join("book-example"), Engine::V05, "");
    check_book(&b, "mdbook05");
}

#[test]
fn example_book_in_a_browser_mdbook_04() {
    require_chromium();
    let b = build(&repo().join("book-example"), Engine::V04, "");
    check_book(&b, "mdbook04");
}
