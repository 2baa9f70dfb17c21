//! `{{#tdd-summary}}`: where the book's designs stand, at a glance. The
//! designs by status (a bar in HTML output, a table elsewhere), the PRDs
//! without a live design, the blocked dependencies and the open high-impact
//! risks, each item linked to its document.
//!
//! The bar is an inline SVG without script or files of its own. Its colours
//! come from the stylesheet (`assets/mdbook-tdd.css`), through classes, so
//! that every mdBook theme gets its own; the `fill` attributes are what it
//! looks like without the stylesheet. Every value in it is escaped for XML,
//! and nothing in it can end its HTML block.

use super::card::status_after;
use super::markdown::{Cell, Fragment, Table, write_markdown};
use super::rollup::{LayoutFilter, RowFilter, header_positions};
use super::xml::xml;
use super::{ROWS_PER_CHUNK, RenderContext, read_ahead, slug, write_rows};
use crate::analyze::query::{Condition, Summary, SummaryPart, parse_where};
use crate::analyze::table::{DocRow, DocTable, SectionSelector};
use crate::model::Document;
use rayon::prelude::*;
use std::fmt::Write as _;

/// The colours of the bar's segments without the stylesheet, by palette
/// index: dark enough for white numbers (contrast of 4.5 or more).
pub const FALLBACK_FILLS: &[&str] = &[
    "#5c636a", "#8a5700", "#1e7b34", "#1864ab", "#6741d9", "#c92a2a", "#7a4f2a", "#0b7285",
];

/// The fallback colour of the bucket of statuses outside the vocabulary.
pub const FALLBACK_UNKNOWN: &str = "#a61e4d";

/// The fallback colour of the bucket of designs without a status.
pub const FALLBACK_NONE: &str = "#495057";

/// The colour of the numbers on the segments without the stylesheet.
pub const FALLBACK_COUNT: &str = "#ffffff";

/// Height of the bar, of a legend line, and the gap between them (pixels).
const BAR: usize = 28;
const LINE: usize = 22;
const GAP: usize = 10;

/// One status with its designs.
struct Bucket {
    /// The status as shown.
    label: String,
    /// The palette class (`tdd-summary-c2`, `tdd-summary-unknown`).
    class: String,
    /// The fallback fill.
    fill: &'static str,
    /// The status's own class name part.
    slug: String,
    count: usize,
}

/// The links to the book's chapters from the chapter holding the
/// directive, each written once (a document is linked from every part).
pub struct Links<'c> {
    ctx: &'c RenderContext<'c>,
    written: Vec<std::sync::OnceLock<String>>,
}

impl<'c> Links<'c> {
    pub fn new(ctx: &'c RenderContext<'c>) -> Self {
        Links {
            ctx,
            written: (0..ctx.model.chapters.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// The link to a document's chapter, as Markdown.
    pub fn get(&self, doc: &Document) -> &str {
        match self.written.get(doc.chapter.0) {
            Some(cell) => cell.get_or_init(|| self.ctx.link_markdown(doc.chapter)),
            None => "",
        }
    }
}

pub fn summary(ctx: &RenderContext<'_>, query: &Summary) -> Vec<String> {
    let tdds: Vec<&Document> = ctx.model.tdds().collect();
    let links = Links::new(ctx);
    let mut f = Fragment::new();
    for part in &query.parts {
        match part {
            SummaryPart::Statuses => statuses(ctx, &tdds, &mut f),
            SummaryPart::Uncovered => uncovered(ctx, &links, query.limit, &mut f),
            SummaryPart::Blocked => gathered(
                ctx,
                &links,
                &tdds,
                &SectionSelector::blockers(),
                "Status=Blocked",
                "Blocked dependencies",
                query.limit,
                &mut f,
            ),
            SummaryPart::Risks => gathered(
                ctx,
                &links,
                &tdds,
                &SectionSelector::open_items(),
                "Status=Open; Impact=H,High",
                "Open high-impact risks",
                query.limit,
                &mut f,
            ),
        }
    }
    f.into_pieces()
}

/// The designs of each status, in the vocabulary's order, then those whose
/// status is not in it and those without one; only buckets that hold some.
fn buckets(ctx: &RenderContext<'_>, tdds: &[&Document]) -> Vec<Bucket> {
    let statuses = &ctx.config.statuses;
    let mut counts = vec![0usize; statuses.len()];
    let (mut unknown, mut none) = (0, 0);
    for d in tdds {
        match (d.status.as_deref(), &d.status_raw) {
            (Some(s), _) => match ctx.config.status_rank(s) {
                Some(i) => counts[i] += 1,
                None => unknown += 1,
            },
            (None, Some(_)) => unknown += 1,
            (None, None) => none += 1,
        }
    }
    let mut out: Vec<Bucket> = statuses
        .iter()
        .zip(counts)
        .enumerate()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(i, (s, count))| {
            let k = i % FALLBACK_FILLS.len();
            Bucket {
                label: s.clone(),
                class: format!("tdd-summary-c{k}"),
                fill: FALLBACK_FILLS[k],
                slug: slug(s),
                count,
            }
        })
        .collect();
    for (count, label, class, fill) in [
        (
            unknown,
            "Unknown status",
            "tdd-summary-unknown",
            FALLBACK_UNKNOWN,
        ),
        (none, "No status", "tdd-summary-none", FALLBACK_NONE),
    ] {
        if count > 0 {
            out.push(Bucket {
                label: label.into(),
                class: class.into(),
                fill,
                slug: slug(label),
                count,
            });
        }
    }
    out
}

/// A share as a whole percentage.
fn percent(count: usize, total: usize) -> usize {
    (count * 100 + total / 2) / total.max(1)
}

/// Basis points (hundredths of a percent) as an SVG length.
fn bp(n: usize) -> String {
    format!("{}.{:02}%", n / 100, n % 100)
}

fn statuses(ctx: &RenderContext<'_>, tdds: &[&Document], f: &mut Fragment) {
    let total = tdds.len();
    if total == 0 {
        super::empty_note(f, "No TDDs in this book yet.");
        return;
    }
    let buckets = buckets(ctx, tdds);
    if ctx.html {
        f.html_block(&svg(&buckets, total));
        return;
    }
    let mut table = Table::new(vec!["Status".into(), "Designs".into(), "Share".into()]);
    for b in &buckets {
        table.push(vec![
            Cell::text(&b.label),
            Cell::text(&b.count.to_string()),
            Cell::text(&format!("{}%", percent(b.count, total))),
        ]);
    }
    table.push(vec![
        Cell::strong("All designs"),
        Cell::strong(&total.to_string()),
        Cell::text("100%"),
    ]);
    f.table(table);
}

/// What the bar says, for its accessible name.
fn description(buckets: &[Bucket], total: usize) -> String {
    let mut out = format!(
        "Designs by status, {total} in all: {}",
        buckets
            .iter()
            .map(|b| format!("{} {}", b.label, b.count))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push('.');
    out
}

/// The bar and its legend as an HTML block: one element a line, no blank
/// line inside.
fn svg(buckets: &[Bucket], total: usize) -> String {
    let height = BAR + GAP + LINE * buckets.len();
    let label = description(buckets, total);
    let mut out = String::new();
    out.push_str("<div class=\"tdd-summary-chart\">\n");
    let _ = write!(
        out,
        "<svg class=\"tdd-summary\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" width=\"100%\" height=\"{height}\" font-size=\"13\">\n<title>{}</title>\n",
        xml(&label),
        xml(&label)
    );
    let mut cumulative = 0;
    for b in buckets {
        let start = cumulative * 10_000 / total;
        cumulative += b.count;
        let end = cumulative * 10_000 / total;
        let width = end - start;
        let _ = writeln!(
            out,
            "<rect class=\"tdd-summary-seg {} tdd-summary-status-{}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"{BAR}\" fill=\"{}\"><title>{}: {} of {total}</title></rect>",
            b.class,
            b.slug,
            bp(start),
            bp(width),
            b.fill,
            xml(&b.label),
            b.count
        );
        // The number on the segment, where it fits; the legend has them all.
        let digits = b.count.to_string().len();
        if width >= 200 + 200 * digits {
            let _ = writeln!(
                out,
                "<text class=\"tdd-summary-count\" x=\"{}\" y=\"19\" text-anchor=\"middle\" fill=\"{FALLBACK_COUNT}\">{}</text>",
                bp(start + width / 2),
                b.count
            );
        }
    }
    for (i, b) in buckets.iter().enumerate() {
        let y = BAR + GAP + i * LINE;
        let _ = writeln!(
            out,
            "<rect class=\"tdd-summary-key {}\" x=\"0\" y=\"{}\" width=\"14\" height=\"14\" rx=\"2\" fill=\"{}\"></rect>",
            b.class,
            y + 3,
            b.fill
        );
        let _ = writeln!(
            out,
            "<text class=\"tdd-summary-label\" x=\"22\" y=\"{}\" fill=\"currentColor\">{}: {} ({}%)</text>",
            y + 15,
            xml(&b.label),
            b.count,
            percent(b.count, total)
        );
    }
    out.push_str("</svg>\n</div>");
    out
}

/// A part's label and count, in bold, as a paragraph.
fn label(f: &mut Fragment, what: &str, count: usize) {
    let mut c = Cell::strong(&format!("{what}:"));
    c.push_text(&if count == 0 {
        " none".to_string()
    } else {
        format!(" {count}")
    });
    f.paragraph(c);
}

fn uncovered(ctx: &RenderContext<'_>, links: &Links<'_>, limit: Option<usize>, f: &mut Fragment) {
    // A PRD that is itself retired or superseded needs no design.
    let prds: Vec<&Document> = ctx
        .model
        .prds()
        .filter(|p| p.is_live())
        .filter(|p| !ctx.model.is_covered(p))
        .collect();
    label(f, "PRDs without a live design", prds.len());
    let shown = &prds[..limit.map_or(prds.len(), |l| l.min(prds.len()))];
    let chunks = write_rows(shown, |out, p| {
        start_item(out);
        out.push_str(links.get(p));
        if p.derived.is_empty() {
            out.push_str(" — no design yet");
            return;
        }
        out.push_str(" — only inactive designs: ");
        for (i, t) in p.derived.iter().enumerate() {
            let t = &ctx.model.documents[*t];
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(links.get(t));
            out.push_str(&status_after(ctx, t).to_inner_markdown());
        }
    });
    list_with_rest(f, chunks, prds.len() - shown.len());
}

/// Starts a list item on a line of its own at the end of `out`.
fn start_item(out: &mut String) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("- ");
}

/// A list of items written already, and a note of how many were left out.
fn list_with_rest(f: &mut Fragment, chunks: Vec<String>, rest: usize) {
    f.list_chunks(chunks);
    if rest > 0 {
        f.paragraph(Cell::emphasis(&format!("… and {rest} more.")));
    }
}

/// The rows of one table section of every TDD that pass `conditions`, as
/// the roll-ups select them: for each table with some, its document, the
/// table and those rows.
pub type Gathered<'m> = Vec<(&'m Document, &'m DocTable, Vec<&'m DocRow>, RowColumns)>;

pub fn matching_rows<'m>(
    tdds: &[&'m Document],
    section: &SectionSelector,
    conditions: &[Condition],
) -> Gathered<'m> {
    let filter = RowFilter::new(conditions);
    // In chunks, in parallel; in a chunk, tables with the same header as
    // the one before share its filter.
    let chunks: Vec<Gathered<'m>> = tdds
        .par_chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
            read_ahead(
                chunk.iter().filter_map(|d| d.section_table(section)),
                DocTable::touch,
            );
            let mut out = Vec::new();
            let mut last: Option<(&DocTable, LayoutFilter, RowColumns)> = None;
            for d in chunk {
                let Some(t) = d.section_table(section) else {
                    continue;
                };
                let same = last
                    .as_ref()
                    .is_some_and(|(prev, _, _)| prev.header_plains().eq(t.header_plains()));
                if !same {
                    let layout = filter.for_layout(&header_positions(t));
                    last = Some((t, layout, RowColumns::of(t)));
                }
                let Some((_, layout, columns)) = &last else {
                    continue;
                };
                let rows: Vec<&DocRow> = t
                    .real_rows()
                    .filter(|r| layout.passes(&filter, t, r))
                    .collect();
                if !rows.is_empty() {
                    out.push((*d, t, rows, *columns));
                }
            }
            out
        })
        .collect();
    chunks.into_iter().flatten().collect()
}

#[allow(clippy::too_many_arguments)]
fn gathered(
    ctx: &RenderContext<'_>,
    links: &Links<'_>,
    tdds: &[&Document],
    section: &SectionSelector,
    conditions: &str,
    what: &str,
    limit: Option<usize>,
    f: &mut Fragment,
) {
    let conditions = parse_where(conditions).unwrap_or_default();
    let mut groups = matching_rows(tdds, section, &conditions);
    let total: usize = groups.iter().map(|(_, _, rows, _)| rows.len()).sum();
    label(f, what, total);
    // At most `limit` rows, in order.
    let mut room = limit.unwrap_or(usize::MAX);
    groups.retain_mut(|(_, _, rows, _)| {
        rows.truncate(room);
        room -= rows.len();
        !rows.is_empty()
    });
    let shown: usize = groups.iter().map(|(_, _, rows, _)| rows.len()).sum();
    // The link is written once per table.
    let chunks = write_rows(&groups, |out, (d, t, rows, columns)| {
        let link = links.get(d);
        for r in rows {
            start_item(out);
            out.push_str(link);
            write_row_item(ctx, out, d, t, r, columns);
        }
    });
    list_with_rest(f, chunks, total - shown);
}

/// Where a gathered row's name and owner are in its table: the name is its
/// `Dependency` or `Item` (the template's first columns), else its first
/// column that is not the owner.
#[derive(Debug, Clone, Copy)]
pub struct RowColumns {
    name: usize,
    owner: Option<usize>,
}

impl RowColumns {
    fn of(t: &DocTable) -> Self {
        let owner = t.column("Owner");
        let name = t
            .column("Dependency")
            .or_else(|| t.column("Item"))
            .or_else(|| (0..t.width).find(|&i| Some(i) != owner))
            .unwrap_or(0);
        RowColumns {
            name,
            owner: owner.filter(|&o| o != name),
        }
    }
}

/// The rest of a gathered row's list item after the link to its document:
/// its name and owner, as the document wrote them.
fn write_row_item(
    ctx: &RenderContext<'_>,
    out: &mut String,
    d: &Document,
    t: &DocTable,
    r: &DocRow,
    columns: &RowColumns,
) {
    let from = &ctx.model.chapters[d.chapter].served;
    let name = t.cell(r, columns.name);
    if !name.trim().is_empty() {
        out.push_str(" — ");
        write_markdown(out, name, from, ctx.here(), ctx.index_enabled, &d.refdefs);
    }
    if let Some(owner) = columns
        .owner
        .map(|o| t.cell(r, o))
        .filter(|o| !o.trim().is_empty())
    {
        out.push_str(" (owner: ");
        write_markdown(out, owner, from, ctx.here(), ctx.index_enabled, &d.refdefs);
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The relative luminance of `#rrggbb` (WCAG 2).
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// The numbers on the bar read on every segment colour of every theme's
    /// palette in the stylesheet, and on the fallback colours; the
    /// stylesheet's first palette is the fallback.
    #[test]
    fn numbers_on_the_bar_have_contrast() {
        let css = include_str!("../../assets/mdbook-tdd.css");
        let mut palettes = Vec::new();
        for block in css.split('}') {
            let body = block.rsplit('{').next().unwrap_or_default();
            let vars: Vec<(&str, &str)> = body
                .lines()
                .filter_map(|l| l.trim().strip_prefix("--tdd-summary-"))
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim(), v.trim().trim_end_matches(';').trim()))
                .collect();
            if !vars.is_empty() {
                palettes.push(vars);
            }
        }
        assert_eq!(palettes.len(), 3, "light, dark, dark without script");
        for vars in &palettes {
            let count = vars.iter().find(|(k, _)| *k == "count").unwrap().1;
            let fills: Vec<&str> = vars
                .iter()
                .filter(|(k, _)| *k != "count")
                .map(|(_, v)| *v)
                .collect();
            assert_eq!(fills.len(), FALLBACK_FILLS.len() + 2);
            for f in fills {
                let c = contrast(count, f);
                assert!(c >= 4.5, "{count} on {f}: {c:.2}");
            }
        }
        let mut fallback: Vec<&str> = FALLBACK_FILLS.to_vec();
        fallback.extend([FALLBACK_UNKNOWN, FALLBACK_NONE]);
        for f in &fallback {
            let c = contrast(FALLBACK_COUNT, f);
            assert!(c >= 4.5, "{FALLBACK_COUNT} on {f}: {c:.2}");
        }
        let light: Vec<&str> = palettes[0]
            .iter()
            .filter(|(k, _)| *k != "count")
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(light, fallback);
        // The stylesheet has a rule for every class the chart uses.
        for k in 0..FALLBACK_FILLS.len() {
            assert!(css.contains(&format!(
                ".tdd-summary .tdd-summary-c{k} {{ fill: var(--tdd-summary-c{k}); }}"
            )));
        }
    }

    #[test]
    fn shares() {
        assert_eq!(bp(10_000), "100.00%");
        assert_eq!(bp(3333), "33.33%");
        assert_eq!(bp(5), "0.05%");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
    }
}
