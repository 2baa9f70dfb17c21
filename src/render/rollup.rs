//! Roll-ups (`{{#tdd-rollup}}`, `{{#tdd-open-items}}`, `{{#tdd-blockers}}`):
//! the rows of one table section gathered from every TDD.

use super::markdown::{Cell, Fragment, Table};
use super::{RenderContext, empty_note, write_rows};
use crate::analyze::query::{Condition, Rollup};
use crate::analyze::table::{DocRow, DocTable, plain};
use crate::model::Document;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The conditions of a roll-up on one column (as the table header names
/// it, in lower case): a cell passes when its value is in every list of the
/// `Column=...` conditions and in none of the `Column!=...` ones.
pub struct ColumnTest {
    /// The values every `=` condition allows (`None`: no such condition).
    allowed: Option<Values>,
    /// The values some `!=` condition excludes.
    excluded: Values,
    /// Whether an empty cell (or a missing column) passes.
    empty_passes: bool,
}

/// A set of values in lower case (ASCII): a few are compared one by one,
/// more are hashed.
pub struct Values {
    list: Vec<String>,
    set: Option<HashSet<String>>,
}

impl Values {
    /// Sets of up to this many values are searched.
    const SMALL: usize = 8;

    pub fn new(list: Vec<String>) -> Self {
        let set = (list.len() > Self::SMALL).then(|| list.iter().cloned().collect());
        Values { list, set }
    }

    pub fn contains(&self, v: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(&v.to_ascii_lowercase()),
            None => self.list.iter().any(|x| x.eq_ignore_ascii_case(v)),
        }
    }
}

impl ColumnTest {
    pub fn passes(&self, value: &str) -> bool {
        let v = plain(value);
        self.allowed.as_ref().is_none_or(|a| a.contains(&v)) && !self.excluded.contains(&v)
    }
}

/// The conditions of a roll-up, grouped by column, so that a row is tested
/// once per column it has, however many conditions there are.
pub struct RowFilter {
    tests: Vec<ColumnTest>,
    by_column: HashMap<String, usize>,
}

impl RowFilter {
    pub fn new(conditions: &[Condition]) -> Self {
        // Per column: the values every `=` condition allows, and those some
        // `!=` condition excludes, each once, in lower case.
        let mut columns: Vec<(Option<Vec<String>>, Vec<String>)> = Vec::new();
        let mut by_column: HashMap<String, usize> = HashMap::new();
        for c in conditions {
            let key = plain(&c.column).to_ascii_lowercase();
            let i = *by_column.entry(key).or_insert_with(|| {
                columns.push((None, Vec::new()));
                columns.len() - 1
            });
            let mut seen = HashSet::new();
            let values: Vec<String> = c
                .values
                .iter()
                .map(|v| v.to_ascii_lowercase())
                .filter(|v| seen.insert(v.clone()))
                .collect();
            let (allowed, excluded) = &mut columns[i];
            if c.negate {
                excluded.extend(values);
            } else {
                *allowed = Some(match allowed.take() {
                    Some(mut a) => {
                        a.retain(|v| seen.contains(v));
                        a
                    }
                    None => values,
                });
            }
        }
        let mut tests: Vec<ColumnTest> = columns
            .into_iter()
            .map(|(allowed, excluded)| ColumnTest {
                allowed: allowed.map(Values::new),
                excluded: Values::new(excluded),
                empty_passes: true,
            })
            .collect();
        for t in &mut tests {
            t.empty_passes = t.passes("");
        }
        RowFilter { tests, by_column }
    }

    /// The tests of the columns one table layout has, by position, and
    /// whether every row of the layout fails (a test that an empty cell
    /// fails is on a column the layout lacks).
    pub fn for_layout(&self, header: &HashMap<String, usize>) -> LayoutFilter {
        let mut found: Vec<(usize, usize)> = self
            .by_column
            .iter()
            .filter_map(|(column, &test)| header.get(column).map(|&pos| (pos, test)))
            .collect();
        found.sort_unstable();
        let present = found.len();
        let failing_missing = self
            .tests
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.empty_passes)
            .count()
            > found
                .iter()
                .filter(|(_, t)| !self.tests[*t].empty_passes)
                .count();
        // For each position in `found`, whether a test from there on fails
        // on an empty cell (for rows shorter than the header).
        let mut empty_fails_from = vec![false; present + 1];
        for k in (0..present).rev() {
            empty_fails_from[k] = empty_fails_from[k + 1] || !self.tests[found[k].1].empty_passes;
        }
        LayoutFilter {
            found,
            empty_fails_from,
            rejects_all: failing_missing,
        }
    }
}

/// The conditions of a roll-up for one table layout.
pub struct LayoutFilter {
    /// (position, test), by position.
    found: Vec<(usize, usize)>,
    empty_fails_from: Vec<bool>,
    rejects_all: bool,
}

impl LayoutFilter {
    /// Whether a row passes. Only the row's own cells are read: tests on
    /// columns past its end see empty cells.
    pub fn passes(&self, filter: &RowFilter, t: &DocTable, r: &DocRow) -> bool {
        if self.rejects_all {
            return false;
        }
        let len = t.row_len(r);
        let inside = self.found.partition_point(|(pos, _)| *pos < len);
        if self.empty_fails_from.get(inside).copied().unwrap_or(false) {
            return false;
        }
        self.found[..inside]
            .iter()
            .all(|&(pos, test)| filter.tests[test].passes(t.cell(r, pos)))
    }
}

/// The header of a table layout: each plain header text in lower case,
/// with its first position.
pub fn header_positions(t: &DocTable) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, h) in t.header_plains().enumerate() {
        out.entry(h.to_ascii_lowercase()).or_insert(i);
    }
    out
}

pub fn rollup(ctx: &RenderContext<'_>, query: &Rollup) -> Vec<String> {
    let Rollup {
        section_text,
        section: selector,
        conditions,
        empty_note: empty,
        ..
    } = query;
    let found: Vec<(&Document, &DocTable)> = ctx
        .model
        .tdds()
        .filter_map(|d| d.section_table(selector).map(|t| (d, t)))
        .collect();
    // Tables with the same header share their column positions: each
    // distinct header (a layout) is looked at once.
    // A layout is kept with the document of its first table, whose header
    // cells as written become the labels.
    let mut layouts: Vec<(&Document, &DocTable)> = Vec::new();
    let mut layout_index: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut tables: Vec<(&Document, &DocTable, usize)> = Vec::with_capacity(found.len());
    for (d, t) in found {
        let layout = match tables.last() {
            Some((_, prev, l)) if prev.header_plains().eq(t.header_plains()) => *l,
            _ => *layout_index
                .entry(t.header_plains().collect())
                .or_insert_with(|| {
                    layouts.push((d, t));
                    layouts.len() - 1
                }),
        };
        tables.push((d, t, layout));
    }
    let headers: Vec<HashMap<String, usize>> =
        layouts.iter().map(|(_, t)| header_positions(t)).collect();
    // The first layout with a column, and where the column is in it.
    let mut first_with: HashMap<&str, (usize, usize)> = HashMap::new();
    for (l, h) in headers.iter().enumerate() {
        for (k, &i) in h {
            first_with.entry(k.as_str()).or_insert((l, i));
        }
    }
    // Columns: as asked, else every header of the gathered tables in order.
    let columns: Vec<String> = match &query.columns {
        Some(cols) => cols.clone(),
        None => {
            let mut cols: Vec<String> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for (_, t) in &layouts {
                for p in t.header_plains() {
                    if seen.insert(p.to_ascii_lowercase()) {
                        cols.push(p.to_string());
                    }
                }
            }
            cols
        }
    };
    // Each column as a header would name it, in lower case.
    let column_keys: Vec<String> = columns
        .iter()
        .map(|c| plain(c).to_ascii_lowercase())
        .collect();
    // Columns of dates (`Date`, `Due date`), kept on one line in HTML.
    let date_columns: Vec<bool> = column_keys.iter().map(|k| k.contains("date")).collect();
    // Header labels as the documents write them (with their markup): the
    // first layout with the column names it.
    let labels = column_keys.iter().zip(&columns).map(|(k, c)| {
        first_with
            .get(k.as_str())
            .map(|&(l, i)| {
                let (d, t) = layouts[l];
                Cell::markdown(
                    t.header_markdown(i),
                    &ctx.model.chapters[d.chapter].served,
                    ctx.here(),
                    ctx.index_enabled,
                    &d.refdefs,
                )
            })
            .unwrap_or_else(|| Cell::text(c))
    });
    let mut table = Table::with_header(
        std::iter::once(Cell::text("Document"))
            .chain(labels)
            .collect(),
    );
    let width = table.width();
    let filter = RowFilter::new(conditions);
    let filters: Vec<LayoutFilter> = headers.iter().map(|h| filter.for_layout(h)).collect();
    // Where the shown columns are in a layout: found once a row of the
    // layout is shown (which writes a cell for each of them anyway).
    let shown: Vec<OnceLock<Vec<Option<usize>>>> =
        layouts.iter().map(|_| OnceLock::new()).collect();
    table.rows = write_rows(&tables, |out, (doc, t, layout)| {
        let from = &ctx.model.chapters[doc.chapter].served;
        let layout_filter = &filters[*layout];
        let mut link: Option<String> = None;
        for r in t.real_rows() {
            if !layout_filter.passes(&filter, t, r) {
                continue;
            }
            let shown_cols = shown[*layout].get_or_init(|| {
                column_keys
                    .iter()
                    .map(|k| headers[*layout].get(k).copied())
                    .collect()
            });
            let link = link.get_or_insert_with(|| ctx.link_markdown(doc.chapter));
            let mut row = Table::start_row(out, width);
            row.written(link);
            for (col, date) in shown_cols.iter().zip(&date_columns) {
                ctx.write_value(
                    &mut row,
                    col.map_or("", |i| t.cell(r, i)),
                    from,
                    &doc.refdefs,
                    *date,
                );
            }
        }
    });
    let shown_none = table.is_empty();
    let mut f = Fragment::new();
    ctx.table(&mut f, table, "rollup");
    if shown_none {
        if tables.is_empty() {
            empty_note(
                &mut f,
                &format!("No TDD has a section “{section_text}” with a table."),
            );
        } else {
            empty_note(&mut f, empty);
        }
    }
    f.into_pieces()
}
