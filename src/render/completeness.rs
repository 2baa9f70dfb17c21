//! `{{#tdd-completeness}}`: which template sections each TDD has written.

use super::markdown::{Cell, Fragment, Table};
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
    let mut header = vec!["Document".to_string()];
    for (i, TemplateSection { number, title, .. }) in sections.iter().enumerate() {
        header.push(match number {
            Some(n) => n.to_string(),
            None => {
                // An unnumbered section's column is headed by the start of
                // its title; the legend below the table names it whole.
                let t: String = title.chars().take(12).collect();
                if t.is_empty() { (i + 1).to_string() } else { t }
            }
        });
    }
    header.push("Complete".into());
    let mut table = Table::new(header);
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
    f.table(table);
    if docs.is_empty() {
        empty_note(&mut f, "No TDDs match.");
    }
    f.paragraph(Cell::text(&format!(
        "{WRITTEN} written · {PLACEHOLDER} still template text or placeholders · {MISSING} missing"
    )));
    let names: Vec<String> = sections
        .iter()
        .map(
            |TemplateSection {
                 number: n,
                 title: t,
                 ..
             }| match n {
                Some(n) => {
                    let (_, rest) = crate::syntax::outline::SectionNumber::split_heading(t);
                    format!("{n} {rest}")
                }
                None => t.clone(),
            },
        )
        .collect();
    if !names.is_empty() {
        f.paragraph(Cell::text(&format!("Sections: {}", names.join(" · "))));
    }
    f.into_pieces()
}
