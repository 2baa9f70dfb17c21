//! `{{#tdd-completeness}}`: which template sections each TDD has written.

use super::markdown::{Align, Cell, Fragment, Table, attribute};
use super::select::select;
use super::{RenderContext, empty_note, write_rows};
use crate::analyze::facts::SectionState;
use crate::analyze::profile::TemplateSection;
use crate::analyze::query::Selection;
use crate::syntax::directive::ArgProblem;

/// Symbols of the completeness matrix.
pub const WRITTEN: &str = "✔";

/// A section still holding template text.
pub const PLACEHOLDER: &str = "◐";

/// A missing section.
pub const MISSING: &str = "✗";

pub fn completeness(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let docs = select(ctx, ctx.model.tdds().collect(), selection, problems);
    let sections = ctx
        .model
        .templates
        .first()
        .map(|g| g.sections.clone())
        .unwrap_or_default();
    // Each section's column is headed by its number (or, for a section
    // without one, a letter), with its full name in the legend below the
    // table and, in HTML, as the header's hover text.
    let labels = section_labels(&sections);
    let mut header = vec![Cell::text("Document")];
    for (label, name) in &labels {
        header.push(if ctx.html {
            let mut c = Cell::html(&format!("<abbr title=\"{}\">", attribute(name)));
            c.push_text(label);
            c.push(Cell::html("</abbr>"));
            c
        } else {
            Cell::text(label)
        });
    }
    header.push(Cell::text("Complete"));
    let mut table = Table::with_header(header);
    // The symbols centered under their section, the percentage
    // right-aligned.
    table.align = std::iter::once(Align::None)
        .chain(labels.iter().map(|_| Align::Center))
        .chain(std::iter::once(Align::Right))
        .collect();
    let width = table.width();
    table.rows = write_rows(&docs, |out, d| {
        let mut row = Table::start_row(out, width);
        ctx.write_link(&mut row, d.chapter);
        for i in 0..sections.len() {
            // In the order of the template's sections.
            let state = d
                .completeness
                .binary_search_by_key(&i, |s| s.section)
                .map_or(SectionState::Missing, |k| d.completeness[k].state);
            row.text(match state {
                SectionState::Written => WRITTEN,
                SectionState::Placeholder => PLACEHOLDER,
                SectionState::Missing => MISSING,
            });
        }
        row.text(&format!("{}%", d.completeness_percent()));
    });
    let mut f = Fragment::new();
    ctx.table(&mut f, table, "completeness");
    if docs.is_empty() {
        empty_note(&mut f, "No TDDs match.");
    }
    f.paragraph(Cell::text(&format!(
        "{WRITTEN} written · {PLACEHOLDER} still template text or placeholders · {MISSING} missing"
    )));
    if !labels.is_empty() {
        let names: Vec<String> = labels
            .iter()
            .map(|(label, name)| format!("{label} {name}"))
            .collect();
        f.paragraph(Cell::text(&format!("Sections: {}", names.join(" · "))));
    }
    f.into_pieces()
}

/// The column label and the name of each template section: its number and
/// its heading text after the number; a section without a number is
/// labelled by a letter (`A`, `B`, ..., `Z`, `AA`, ...) in the order of such
/// sections, so that labels stay short and never look like a number.
pub fn section_labels(sections: &[TemplateSection]) -> Vec<(String, String)> {
    let mut unnumbered = 0;
    sections
        .iter()
        .map(|TemplateSection { number, title, .. }| match number {
            Some(n) => {
                let (_, rest) = crate::syntax::outline::SectionNumber::split_heading(title);
                (n.to_string(), rest.to_string())
            }
            None => {
                unnumbered += 1;
                (letters(unnumbered), title.trim().to_string())
            }
        })
        .collect()
}

/// `1` → `A`, `26` → `Z`, `27` → `AA` (as spreadsheet columns).
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_count_like_spreadsheet_columns() {
        assert_eq!(letters(1), "A");
        assert_eq!(letters(26), "Z");
        assert_eq!(letters(27), "AA");
        assert_eq!(letters(52), "AZ");
        assert_eq!(letters(703), "AAA");
    }
}
