//! `book-example/` built by the real mdBook engines through the real binary.

mod support;

use support::{Engine, build, repo};

#[test]
fn example_builds_with_mdbook_05() {
    let b = build(&repo().join("book-example"), Engine::V05, "");
    b.assert_ok();
    let page = b.page("tdd/currency-display.html");
    assert!(
        page.contains("Currency Display — Technical Design Document"),
        "{page}"
    );
    eprintln!("{}", b.stderr);
}

#[test]
#[ignore]
fn dump_example() {
    let b = build(
        &repo().join("book-example"),
        Engine::V05,
        "[output.markdown]\n",
    );
    b.assert_ok();
    let dst = std::path::Path::new("/tmp/example-out");
    let _ = std::fs::remove_dir_all(dst);
    support::copy_tree(&b.html, dst);
    eprintln!("{}", b.stderr);
}
