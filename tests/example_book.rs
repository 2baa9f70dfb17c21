//! `book-example/` built by the real mdBook engines (0.5 and 0.4) through the
//! real binary; the rendered HTML is checked.

mod support;

use support::{Built, Engine, broken_links, build, repo};

const BOTH: &str = "[output.markdown]\n";

fn check_example(b: &Built) {
    b.assert_ok();
    // A skeleton-only chapter is expanded into the template.
    let page = b.page("tdd/currency-display.html");
    assert!(
        page.contains("Currency Display — Technical Design Document"),
        "{page}"
    );
    assert!(page.contains("Priya Raman"));
    assert!(page.contains("12. Open Questions &amp; Risks"));
    assert!(
        page.contains(r#"href="../prd/multi-currency.html""#),
        "{page}"
    );
    // A skeleton with author sections: merged in template order.
    let page = b.page("tdd/invoice-reminders.html");
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(
        at("Invoice Reminders — Technical Design Document")
            < at("Reminder emails for overdue invoices")
    );
    assert!(at("1.2 Goals") < at("1.3 Non-Goals"));
    assert!(at("3.4 Data Access Patterns") < at("3.5 Caching"));
    assert!(at("3.5 Caching") < at("4. API Design"));
    assert!(page.contains("ReminderSchedule"));
    // A bare-path Source PRD became a link.
    let page = b.page("tdd/fx-rates.html");
    assert!(
        page.contains(r#"<a href="../prd/multi-currency.html">../prd/multi-currency.md</a>"#),
        "{page}"
    );
    // PRDs list their designs.
    let page = b.page("prd/invoice-payments.html");
    assert!(page.contains("Technical Designs"));
    assert!(
        page.contains(r#"href="../tdd/payments/payment-webhooks.html""#),
        "{page}"
    );
    // The status page has real tables.
    let page = b.page("status.html");
    assert!(page.matches("<table>").count() >= 5, "{page}");
    assert!(page.contains("tdd-status-approved"));
    assert!(page.contains("No design"));
    assert!(!page.contains("{{#"), "an unexpanded directive: {page}");
    // Every link works, also on the print page.
    let broken = broken_links(&b.html);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // No warnings on the example.
    assert!(!b.stderr.contains("warning"), "{}", b.stderr);
}

#[test]
fn example_builds_with_mdbook_05() {
    let b = build(&repo().join("book-example"), Engine::V05, BOTH);
    check_example(&b);
    // A chapter without directives reaches the renderer byte for byte.
    let src = std::fs::read_to_string(repo().join("book-example/src/prd/audit-log.md")).unwrap();
    let out = std::fs::read_to_string(b.markdown.join("prd/audit-log.md")).unwrap();
    assert_eq!(out, src);
}

#[test]
fn example_builds_with_mdbook_04() {
    let b = build(&repo().join("book-example"), Engine::V04, BOTH);
    check_example(&b);
}

/// Building twice gives the same bytes.
#[test]
fn example_output_is_deterministic() {
    let a = build(&repo().join("book-example"), Engine::V05, BOTH);
    let b = build(&repo().join("book-example"), Engine::V05, BOTH);
    a.assert_ok();
    b.assert_ok();
    for page in [
        "status.md",
        "tdd/invoice-reminders.md",
        "prd/invoice-payments.md",
    ] {
        let x = std::fs::read(a.markdown.join(page)).unwrap();
        let y = std::fs::read(b.markdown.join(page)).unwrap();
        assert_eq!(x, y, "{page}");
    }
    assert_eq!(a.page("status.html"), b.page("status.html"));
}
