//! `mdbook-tdd init`: the files of a new design-doc book. A book.toml with
//! the book's title (which `install`'s edit then sets up for mdbook-tdd),
//! a SUMMARY.md with Product Requirements, Technical Designs and Status
//! parts, an introduction, a status page of table directives, and an
//! example PRD with a TDD of it. The command line decides which of them a
//! directory still lacks and writes only those.

use toml_edit::{Array, DocumentMut, Item, Table, value};

/// What the new book is made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    /// The book's title.
    pub title: String,
    /// The author of the book and its example documents.
    pub author: Option<String>,
    /// The date of the example documents (`YYYY-MM-DD`).
    pub date: String,
    /// Whether to write the example PRD and TDD.
    pub example: bool,
}

/// The example PRD, relative to the src dir.
pub const EXAMPLE_PRD: &str = "prd/example-feature.md";

/// The example TDD, relative to the src dir.
pub const EXAMPLE_TDD: &str = "tdd/example-feature.md";

/// The status page, relative to the src dir.
pub const STATUS_PAGE: &str = "status.md";

/// The introduction, relative to the src dir.
pub const README: &str = "README.md";

/// The summary, relative to the src dir.
pub const SUMMARY: &str = "SUMMARY.md";

/// A directive argument value, quoted as the directive grammar reads it
/// (`"` and `\` escaped).
pub fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The book.toml of a new book, before `install` adds `[preprocessor.tdd]`
/// and the stylesheet: the book's title and author, and the directories
/// whose chapters are PRDs and TDDs.
pub fn book_toml(o: &InitOptions) -> String {
    let mut doc = DocumentMut::new();
    let mut book = Table::new();
    book.insert("title", value(o.title.as_str()));
    if let Some(a) = &o.author {
        let mut authors = Array::new();
        authors.push(a.as_str());
        book.insert("authors", value(authors));
    }
    book.insert("language", value("en"));
    book.insert("src", value("src"));
    doc.insert("book", Item::Table(book));
    let mut pre = Table::new();
    pre.set_implicit(true);
    let mut tdd = Table::new();
    let globs = |g: &str| {
        let mut a = Array::new();
        a.push(g);
        value(a)
    };
    tdd.insert("prd-paths", globs("prd/**/*.md"));
    tdd.insert("tdd-paths", globs("tdd/**/*.md"));
    pre.insert("tdd", Item::Table(tdd));
    doc.insert("preprocessor", Item::Table(pre));
    doc.to_string()
}

/// SUMMARY.md: the three parts, with the example documents in the first
/// two (or empty).
pub fn summary(o: &InitOptions) -> String {
    let mut s =
        String::from("# Summary\n\n[Introduction](README.md)\n\n# Product Requirements\n\n");
    if o.example {
        s.push_str(&format!("- [Example Feature]({EXAMPLE_PRD})\n\n"));
    }
    s.push_str("# Technical Designs\n\n");
    if o.example {
        s.push_str(&format!("- [Example Feature Design]({EXAMPLE_TDD})\n\n"));
    }
    s.push_str(&format!("# Status\n\n- [Design Status]({STATUS_PAGE})\n"));
    s
}

/// The entries `init` gives the pages it adds to a book that has a
/// SUMMARY.md of its own: each page's part, title and path.
fn entries(o: &InitOptions) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut e = Vec::new();
    if o.example {
        e.push(("Product Requirements", "Example Feature", EXAMPLE_PRD));
        e.push(("Technical Designs", "Example Feature Design", EXAMPLE_TDD));
    }
    e.push(("Status", "Design Status", STATUS_PAGE));
    e
}

/// An existing SUMMARY.md with an entry for each page in `adding` (paths
/// relative to the src dir, among those [`pages`] writes): at the end of its
/// part (*Product Requirements*, *Technical Designs*, *Status*) where the
/// summary has that part, else in a new part at the end. Every byte of the
/// summary is kept. An error (mdBook's, or which page is not listed once)
/// when mdBook's parser would not read the result as a summary listing each
/// page once (a summary that ends in suffix chapters, say, cannot take a
/// part after them): then no page is added.
pub fn extend_summary(summary: &str, adding: &[&str], o: &InitOptions) -> Result<String, String> {
    use crate::authoring::summary::{Expected, Placement, check_placement, has_part, insert_entry};
    let eol = if summary.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut text = summary.to_string();
    let wanted: Vec<_> = entries(o)
        .into_iter()
        .filter(|(_, _, path)| adding.contains(path))
        .collect();
    for (part, title, path) in &wanted {
        let inserted = has_part(&text, part)
            .then(|| insert_entry(&text, title, path, Placement::InPart(part)))
            .flatten();
        text = match inserted {
            Some(i) => i.text,
            None => {
                let mut t = text;
                if !t.is_empty() && !t.ends_with('\n') {
                    t.push_str(eol);
                }
                t.push_str(eol);
                t.push_str(&format!("# {part}{eol}{eol}- [{title}]({path}){eol}"));
                t
            }
        };
    }
    for (_, _, path) in &wanted {
        check_placement(&text, path, &Expected::TopLevel)?;
    }
    Ok(text)
}

/// The introduction page.
pub fn readme(o: &InitOptions) -> String {
    let title = crate::links::escape_link_text(&o.title);
    format!(
        "# {title}

This book holds the product requirement documents (PRDs) and technical design
documents (TDDs) of the team. [mdbook-tdd](https://crates.io/crates/mdbook-tdd) expands
their templates, ties every design to its PRD and keeps the status page up to date.

- Write a PRD: `mdbook-tdd new \"Feature name\" --kind prd`
- Write a design for it: `mdbook-tdd new \"Design name\" --prd prd/feature-name.md`
- Check the book: `mdbook-tdd check`
- Read it: `mdbook serve --open`

A new document starts as a skeleton directive that the PRD or TDD template
fills: write your sections below it, and every section you have not written
yet shows the template's guidance. `mdbook-tdd expand FILE` replaces the
directive by the merged text.
"
    )
}

/// The status page: every table directive that sums up the book.
pub const STATUS: &str = "# Design Status

{{#tdd-summary}}

## Designs

{{#tdd-status}}

## Requirements

{{#prd-status}}

## Open Items

{{#tdd-open-items}}

## Blockers

{{#tdd-blockers}}

## Completeness

{{#tdd-completeness}}
";

/// The skeleton directive of an example document.
fn directive(name: &str, o: &InitOptions, prd: Option<&str>) -> String {
    let mut d = format!("{{{{#{name} title=\"Example Feature\"");
    if let Some(a) = &o.author {
        d.push_str(&format!(" author={}", quote(a)));
    }
    d.push_str(&format!(" date={}", quote(&o.date)));
    if let Some(p) = prd {
        d.push_str(&format!(" prd={}", quote(p)));
    }
    d.push_str("}}\n");
    d
}

/// The example PRD: a `{{#prd-skeleton}}` with some sections written.
pub fn example_prd(o: &InitOptions) -> String {
    directive("prd-skeleton", o, None)
        + "
> An example PRD. The directive above expands into the PRD template; the
> sections written below take the place of the template's, and the others
> show its guidance. Start your own with
> `mdbook-tdd new \"Feature name\" --kind prd`.

## Problem

Finance teams cannot export their invoices, so they copy them into their
accounting system by hand at the end of every month.

## Requirements

| ID | Requirement | Priority |
|----|-------------|----------|
| EX-1 | Export the invoices of a date range as a CSV file. | Must |
| EX-2 | The export lists the line items of every invoice. | Should |

## Open Questions

1. Q1: Do exports include draft invoices?
"
}

/// The example TDD: a `{{#tdd-skeleton}}` of the example PRD with some
/// sections written (among them those where the template has diagrams,
/// which a book without a Mermaid renderer would show as code).
pub fn example_tdd(o: &InitOptions) -> String {
    directive("tdd-skeleton", o, Some("../prd/example-feature.md"))
        + "
> An example TDD, derived from the example PRD (its Source PRD). Start your
> own with `mdbook-tdd new \"Design name\" --prd prd/feature-name.md`.

## 1. Overview

### 1.1 Summary
A background job of the invoice service writes the invoices of a date range
to a CSV file and mails a download link (EX-1, EX-2).

## 2. System Context

### 2.2 Proposed Architecture
The export job runs on the existing job queue and reads from a replica of the
invoice database.

## 3. Data Model

### 3.2 Entity Relationships
An export belongs to an account and lists the invoices it holds.

## 5. Key Sequences

### 5.1 Export a Date Range
1. The user picks a date range and starts the export.
2. The job writes the file and mails its link.

### 5.2 Export Fails
The job retries three times, then mails the user that the export failed.
"
}

/// Every file of the src dir, in the order they are written (SUMMARY.md
/// last, once the pages it lists are there).
pub fn pages(o: &InitOptions) -> Vec<(&'static str, String)> {
    let mut p = vec![(README, readme(o)), (STATUS_PAGE, STATUS.to_string())];
    if o.example {
        p.push((EXAMPLE_PRD, example_prd(o)));
        p.push((EXAMPLE_TDD, example_tdd(o)));
    }
    p.push((SUMMARY, summary(o)));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> InitOptions {
        InitOptions {
            title: "Team \"Docs\" \\ 2".into(),
            author: Some("Jo \"JJ\" Park".into()),
            date: "2026-01-02".into(),
            example: true,
        }
    }

    #[test]
    fn book_toml_reads_back() {
        let t = book_toml(&opts());
        let v: toml::Value = toml::from_str(&t).unwrap();
        assert_eq!(v["book"]["title"].as_str(), Some("Team \"Docs\" \\ 2"));
        assert_eq!(v["book"]["authors"][0].as_str(), Some("Jo \"JJ\" Park"));
        assert_eq!(
            v["preprocessor"]["tdd"]["prd-paths"][0].as_str(),
            Some("prd/**/*.md")
        );
    }

    #[test]
    fn summary_lists_every_page() {
        let s = summary(&opts());
        for (path, _) in pages(&opts()) {
            assert!(
                path == SUMMARY || s.contains(&format!("]({path})")),
                "{path}"
            );
        }
        let s = summary(&InitOptions {
            example: false,
            ..opts()
        });
        assert!(!s.contains("example"));
        assert!(mdbook_summary::parse_summary(&s).is_ok());
    }

    #[test]
    fn an_existing_summary_gets_the_pages_it_lacks() {
        let mine = "# Summary\r\n\r\n[Intro](README.md)\r\n\r\n# Technical Designs\r\n\r\n- [Old](tdd/old.md)\r\n";
        let s = extend_summary(mine, &[EXAMPLE_PRD, EXAMPLE_TDD, STATUS_PAGE], &opts()).unwrap();
        assert!(s.starts_with(mine.trim_end()), "{s}");
        assert!(
            s.contains(
                "- [Old](tdd/old.md)\r\n- [Example Feature Design](tdd/example-feature.md)\r\n"
            ),
            "{s}"
        );
        assert!(
            s.contains(
                "# Product Requirements\r\n\r\n- [Example Feature](prd/example-feature.md)\r\n"
            ),
            "{s}"
        );
        assert!(
            s.contains("# Status\r\n\r\n- [Design Status](status.md)\r\n"),
            "{s}"
        );
        assert!(
            !s.contains("\n\n\n") && !s.replace("\r\n", "").contains('\n'),
            "{s:?}"
        );
        // Only what is asked for.
        let s = extend_summary(mine, &[STATUS_PAGE], &opts()).unwrap();
        assert!(!s.contains("example"), "{s}");
        // Suffix chapters at the end take no part after them.
        let suffix = "# Summary\n\n- [A](a.md)\n\n[Appendix](appendix.md)\n";
        assert!(extend_summary(suffix, &[STATUS_PAGE], &opts()).is_err());
    }

    #[test]
    fn examples_quote_their_values() {
        let prd = example_prd(&opts());
        assert!(prd.starts_with(
            "{{#prd-skeleton title=\"Example Feature\" author=\"Jo \\\"JJ\\\" Park\" date=\"2026-01-02\"}}\n"
        ));
        let tdd = example_tdd(&opts());
        assert!(tdd.contains(" prd=\"../prd/example-feature.md\"}}\n"));
    }
}
