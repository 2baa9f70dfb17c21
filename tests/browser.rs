//! `book-example/` as a reader sees it: built by real mdBook 0.5 through the
//! real binary, opened in headless Chromium at 1280 and 400 px and as
//! printed, in all five mdBook themes. Screenshots go to
//! `target/browser/` for review.
//!
//! Run it alone with `cargo test --test browser`. It needs Chromium
//! (`apt-get install chromium`, or `CHROMIUM=/path/to/chrome`); without it
//! the test fails and says so.

mod support;

use scraper::{Html, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{Engine, build, repo};

const MEASURE: &str = include_str!("browser/measure.js");

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output()
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!(
        "the browser test needs Chromium: install Debian's `chromium` package \
         (apt-get install chromium) or set CHROMIUM to a Chrome binary"
    );
}

/// Flags for a headless run on a machine without network.
fn chromium_command(profile: &Path, width: u32) -> Command {
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--allow-file-access-from-files",
        "--virtual-time-budget=4000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={width},1000"));
    c
}

/// The report `measure.js` writes into a copy of `page`, opened `width` px
/// wide.
fn measure(page: &Path, width: u32) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = page.with_extension(format!("measure-{width}.html"));
    let injected = html.replacen(
        "</body>",
        &format!("<script>{MEASURE}</script></body>"),
        1,
    );
    std::fs::write(&probe, injected).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = chromium_command(profile.path(), width)
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run Chromium: {e}"));
    assert!(out.status.success(), "Chromium failed: {out:?}");
    let dom = Html::parse_document(&String::from_utf8_lossy(&out.stdout));
    let body = Selector::parse("body").unwrap();
    let report = dom
        .select(&body)
        .next()
        .and_then(|b| b.value().attr("data-tdd-report"))
        .unwrap_or_else(|| panic!("no report from {}", probe.display()));
    serde_json::from_str(report).unwrap()
}

fn screenshot(page: &Path, width: u32, name: &str) {
    let dir = repo().join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = chromium_command(profile.path(), width)
        .arg(format!("--screenshot={}", dir.join(name).display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "Chromium failed: {out:?}");
}

fn check_tables(page: &str, report: &Value, key: &str, what: &str) {
    for t in report[key].as_array().unwrap() {
        if t["generated"] != true {
            continue;
        }
        assert!(
            t["overflow"] == false,
            "{page} {what}: a generated table overflows its column: {t}"
        );
        assert!(
            t["width"].as_u64() <= t["content"].as_u64(),
            "{page} {what}: a generated table is wider than the content column: {t}"
        );
    }
}

#[test]
fn example_book_in_a_browser() {
    let b = build(&repo().join("book-example"), Engine::V05, "");
    b.assert_ok();
    let pages = ["status.html", "tdd/currency-display.html", "tdd/invoice-reminders.html"];
    for page in pages {
        let path = b.html.join(page);
        let name = page.replace('/', "-").replace(".html", "");
        screenshot(&path, 1280, &format!("{name}-1280.png"));
        screenshot(&path, 400, &format!("{name}-400.png"));

        // 1280 px: every generated table fits mdBook's content column.
        let wide = measure(&path, 1280);
        let generated = wide["tables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["generated"] == true)
            .count();
        if page == "status.html" {
            assert!(generated >= 5, "{page}: generated tables: {wide}");
        }
        check_tables(page, &wide, "tables", "at 1280 px");
        // Every heading has text and an id.
        for h in wide["headings"].as_array().unwrap() {
            assert!(
                !h["text"].as_str().unwrap().is_empty() && !h["id"].as_str().unwrap().is_empty(),
                "{page}: a heading without text or id: {h}"
            );
        }
        // Badges and other marks read in every theme (WCAG AA, 4.5:1).
        for (theme, marks) in wide["themes"].as_object().unwrap() {
            for m in marks.as_array().unwrap() {
                assert!(
                    m["ratio"].as_f64().unwrap() >= 4.5,
                    "{page}, theme {theme}: contrast below 4.5:1: {m}"
                );
            }
        }
        // As printed, tables keep every column.
        assert!(wide["print_rules"].as_u64().unwrap() > 0, "{page}: no print rules");
        let print = measure(&path, 720);
        check_tables(page, &print, "print_tables", "in print");

        // 400 px: wide tables scroll inside their wrapper; badges stay whole.
        let narrow = measure(&path, 400);
        for t in narrow["tables"].as_array().unwrap() {
            if t["generated"] != true {
                continue;
            }
            assert_eq!(t["wrapped_badges"], 0, "{page} at 400 px: a badge breaks: {t}");
            if t["overflow"] == true {
                assert_eq!(t["scrolls"], "auto", "{page} at 400 px: {t}");
            }
        }
        if page == "status.html" {
            let svgs = wide["svg"].as_array().unwrap();
            assert!(
                svgs.iter().any(|s| s["class"] == "tdd-summary"),
                "{page}: no summary SVG: {wide}"
            );
        }
    }
}
