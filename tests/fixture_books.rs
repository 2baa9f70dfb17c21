//! Fixture books with defects, built by the real mdBook engines: the build
//! fails, stdout carries nothing, and stderr names chapter, line and column.

mod support;

use support::{Engine, build, repo};

fn books() -> std::path::PathBuf {
    repo().join("tests/fixtures/books")
}

#[test]
fn bad_directives_fail_the_build() {
    for engine in [Engine::V05, Engine::V04] {
        let b = build(&books().join("bad-directive"), engine, "");
        assert!(b.result.is_err(), "{engine:?}: the build should fail");
        let err = &b.stderr;
        assert!(
            err.contains("error[unknown-directive]: unknown directive `{{#tdd-stauts}}`\n  --> src/status.md:3:1\n   = help: did you mean `{{#tdd-status}}`?"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("error[directive-not-alone]") && err.contains("--> src/status.md:5:11"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("error[bad-argument]: unknown argument `colums` for `{{#tdd-status}}`\n  --> src/tdd/design.md:8:15\n   = help: did you mean `columns`?"),
            "{engine:?}: {err}"
        );
        assert!(
            err.contains("warning[broken-prd-link]: Source PRD does not resolve to a chapter of this book: ../prd.md\n  --> src/tdd/design.md:4:17"),
            "{engine:?}: {err}"
        );
        assert!(err.contains("mdbook-tdd: 3 errors, 1 warning"), "{engine:?}: {err}");
    }
}
