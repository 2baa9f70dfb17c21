//! PRD version pins from the command line: `pin FILE…` and `pin --all`
//! (in place, only the pin changed, refusals per file), and the pins that
//! `new --prd` and `expand` write from the start.

mod support;

use std::path::Path;
use std::process::Output;
use support::{copy_tree, repo};

use support::mdbook_tdd as run;

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the example book.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("book-example"), dir.path());
    dir
}

fn read(root: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(root.join(rel)).unwrap()
}

const WEBHOOKS: &str = "src/tdd/payments/payment-webhooks.md";

#[test]
fn pin_one_file_changes_only_its_pin() {
    let dir = example();
    let root = dir.path();
    let before = read(root, WEBHOOKS);
    let o = run(&["pin", WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!("pinned {WEBHOOKS} to 1.4 of `Invoice Payments` (was 1.2)\n")
    );
    let after = read(root, WEBHOOKS);
    let expected = String::from_utf8(before).unwrap().replacen(
        "invoice-payments.md) @ 1.2\n",
        "invoice-payments.md) @ 1.4\n",
        1,
    );
    assert_eq!(String::from_utf8(after.clone()).unwrap(), expected);
    // The book is clean now.
    let o = run(&["check"], root);
    assert!(err(&o).contains("no problems"), "{}", err(&o));
    // A second run changes nothing.
    let o = run(&["pin", WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), format!("{WEBHOOKS} is already pinned to 1.4\n"));
    assert_eq!(read(root, WEBHOOKS), after);
    // Named from another directory, with --book.
    let sub = root.join("src/tdd");
    let o = run(
        &["pin", "payments/payment-webhooks.md", "--book", "../.."],
        &sub,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("already pinned to 1.4"), "{}", out(&o));
}

#[test]
fn pin_several_and_all() {
    let dir = example();
    let root = dir.path();
    // Unpin two designs, one of them a skeleton.
    let service = "src/tdd/payments-service.md";
    let reminders = "src/tdd/invoice-reminders.md";
    let unpin = |rel: &str, from: &str, to: &str| {
        let t = String::from_utf8(read(root, rel)).unwrap();
        assert!(t.contains(from), "{rel}");
        std::fs::write(root.join(rel), t.replacen(from, to, 1)).unwrap();
    };
    unpin(service, ".md) @ 1.4\n", ".md)\n");
    unpin(reminders, " prd-version=1.4}}", "}}");
    let o = run(&["pin", service, reminders, WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!(
            "pinned {service} to 1.4 of `Invoice Payments`\npinned {reminders} to 1.4 of `Invoice Payments`\npinned {WEBHOOKS} to 1.4 of `Invoice Payments` (was 1.2)\n"
        )
    );
    let t = String::from_utf8(read(root, service)).unwrap();
    assert!(t.contains("(../prd/invoice-payments.md) @ 1.4\n"), "{t}");
    let t = String::from_utf8(read(root, reminders)).unwrap();
    assert!(
        t.starts_with("{{#tdd-skeleton title=\"Invoice Reminders\" author=\"Tomás Ortega\" date=2026-09-14 status=\"In Review\" version=0.3 prd=../prd/invoice-payments.md prd-version=\"1.4\"}}\n"),
        "{t}"
    );
    // --all: every live design; the rejected one keeps its old pin.
    let batch = "src/tdd/fx-nightly-batch.md";
    let batch_before = read(root, batch);
    unpin(
        "src/prd/multi-currency.md",
        "**Version:** 0.3",
        "**Version:** 0.4",
    );
    let o = run(&["pin", "--all"], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let said = out(&o);
    assert!(
        said.contains("pinned src/tdd/fx-rates.md to 0.4 of `Multi-Currency Invoicing` (was 0.3)"),
        "{said}"
    );
    assert!(
        said.contains("pinned src/tdd/currency-display.md to 0.4"),
        "{said}"
    );
    assert!(!said.contains("fx-nightly-batch"), "{said}");
    assert_eq!(read(root, batch), batch_before);
    let o = run(&["check"], root);
    assert!(err(&o).contains("no problems"), "{}", err(&o));
    // Nothing left to do.
    let o = run(&["pin", "--all"], root);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out(&o).lines().all(|l| !l.starts_with("pinned")),
        "{}",
        out(&o)
    );
    assert!(out(&o).ends_with("every pin is current\n"), "{}", out(&o));
}

#[test]
fn pin_refusals_leave_the_others_pinned() {
    let dir = example();
    let root = dir.path();
    // A TDD whose PRD has no Version, and one whose Source PRD is broken.
    let t = String::from_utf8(read(root, "src/prd/multi-currency.md")).unwrap();
    std::fs::write(
        root.join("src/prd/multi-currency.md"),
        t.replacen("**Version:** 0.3\n", "", 1),
    )
    .unwrap();
    let service = "src/tdd/payments-service.md";
    let t = String::from_utf8(read(root, service)).unwrap();
    std::fs::write(
        root.join(service),
        t.replacen("../prd/invoice-payments.md", "../prd/nope.md", 1),
    )
    .unwrap();
    let fx = read(root, "src/tdd/fx-rates.md");
    let service_before = read(root, service);
    let o = run(
        &[
            "pin",
            "src/tdd/fx-rates.md",
            service,
            "src/prd/audit-log.md",
            "src/README.md",
            "src/missing.md",
            WEBHOOKS,
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!("pinned {WEBHOOKS} to 1.4 of `Invoice Payments` (was 1.2)\n")
    );
    let e = err(&o);
    for line in [
        "error: cannot pin `src/tdd/fx-rates.md`: its PRD `Multi-Currency Invoicing` has no `**Version:**` to pin to",
        "error: cannot pin `src/tdd/payments-service.md`: its Source PRD does not resolve to a PRD of the book",
        "error: cannot pin `src/prd/audit-log.md`: it is a PRD, not a TDD",
        "error: cannot pin `src/README.md`: it is no TDD of the book",
        "error: cannot pin `src/missing.md`: CHAPTER `src/missing.md` is not a chapter of SUMMARY.md",
    ] {
        assert!(e.contains(line), "{line}\n{e}");
    }
    assert_eq!(read(root, "src/tdd/fx-rates.md"), fx);
    assert_eq!(read(root, service), service_before);
    // A PRD Version that is not a version.
    let t = String::from_utf8(read(root, "src/prd/invoice-payments.md")).unwrap();
    std::fs::write(
        root.join("src/prd/invoice-payments.md"),
        t.replacen("**Version:** 1.4", "**Version:** next", 1),
    )
    .unwrap();
    let o = run(&["pin", WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("the Version `next` of its PRD `Invoice Payments` is not a version"),
        "{}",
        err(&o)
    );
    // Usage errors.
    let o = run(&["pin"], root);
    assert_eq!(o.status.code(), Some(2));
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("x.md"), "# X\n").unwrap();
    let o = run(&["pin", "x.md"], elsewhere.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no book.toml"), "{}", err(&o));
}

#[test]
fn pin_keeps_crlf_bom_and_hard_breaks() {
    let dir = example();
    let root = dir.path();
    let text = "\u{feff}# Payment Webhooks — Technical Design Document\r\n\r\n**Status:** In Review\\\r\n**Source PRD:** ../../prd/invoice-payments.md @ 1.2\\\r\n**Author:** K\r\n\r\n---\r\n\r\nText.\r\n";
    std::fs::write(root.join(WEBHOOKS), text).unwrap();
    let o = run(&["pin", WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        String::from_utf8(read(root, WEBHOOKS)).unwrap(),
        text.replacen("@ 1.2\\", "@ 1.4\\", 1)
    );
    // Unpinned: the pin goes before the hard break.
    let text = "# Payment Webhooks\r\n\r\n- **Source PRD**: [P](../../prd/invoice-payments.md)<br>\r\n- **Status**: Draft\r\n";
    std::fs::write(root.join(WEBHOOKS), text).unwrap();
    let o = run(&["pin", WEBHOOKS], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        String::from_utf8(read(root, WEBHOOKS)).unwrap(),
        text.replacen(".md)<br>", ".md) @ 1.4<br>", 1)
    );
}

#[test]
fn new_and_expand_write_the_pin() {
    let dir = example();
    let root = dir.path();
    let o = run(
        &[
            "new",
            "Refunds",
            "--prd",
            "prd/invoice-payments.md",
            "--date",
            "2026-12-01",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        String::from_utf8(read(root, "src/tdd/refunds.md")).unwrap(),
        "{{#tdd-skeleton title=\"Refunds\" date=\"2026-12-01\" prd=\"../prd/invoice-payments.md\" prd-version=\"1.4\"}}\n"
    );
    let o = run(
        &[
            "new",
            "Refunds Two",
            "--prd",
            "prd/invoice-payments.md",
            "--expand",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = String::from_utf8(read(root, "src/tdd/refunds-two.md")).unwrap();
    assert!(
        t.contains("**Source PRD:** [invoice-payments.md](../prd/invoice-payments.md) @ 1.4\n"),
        "{t}"
    );
    // A PRD that no design follows yet.
    let o = run(&["new", "Audit Trail", "--prd", "prd/audit-log.md"], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = String::from_utf8(read(root, "src/tdd/audit-trail.md")).unwrap();
    assert!(t.contains("prd-version=\"0.1\""), "{t}");
    // expand: a skeleton without prd-version= is pinned to its PRD...
    let display = "src/tdd/currency-display.md";
    std::fs::write(
        root.join(display),
        "{{#tdd-skeleton title=\"Currency Display\" prd=../prd/multi-currency.md}}\n",
    )
    .unwrap();
    let o = run(&["expand", display], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = String::from_utf8(read(root, display)).unwrap();
    assert!(
        t.contains("**Source PRD:** [multi-currency.md](../prd/multi-currency.md) @ 0.3\n"),
        "{t}"
    );
    // ... and one with it keeps its own.
    std::fs::write(
        root.join(display),
        "{{#tdd-skeleton title=\"Currency Display\" prd=../prd/multi-currency.md prd-version=0.2}}\n",
    )
    .unwrap();
    let o = run(&["expand", display], root);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = String::from_utf8(read(root, display)).unwrap();
    assert!(t.contains("(../prd/multi-currency.md) @ 0.2\n"), "{t}");
}
