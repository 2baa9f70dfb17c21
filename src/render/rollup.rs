//! Roll-ups (`{{#tdd-rollup}}`, `{{#tdd-open-items}}`, `{{#tdd-blockers}}`):
//! the rows of one table section gathered from every TDD.

use super::markdown::{Cell, Fragment, Table};
use super::select::values_first;
use super::{ROWS_PER_CHUNK, RenderContext, empty_note, read_ahead, write_rows};
use crate::analyze::query::{Condition, Rollup, RowKey};
use crate::analyze::table::{DocRow, DocTable, plain};
use crate::hash::{HashMap, HashSet};
use crate::model::Document;
use crate::syntax::directive::ArgProblem;
use rayon::prelude::*;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;
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
        let mut by_column: HashMap<String, usize> = HashMap::default();
        for c in conditions {
            let key = plain(&c.column).to_ascii_lowercase();
            let i = *by_column.entry(key).or_insert_with(|| {
                columns.push((None, Vec::new()));
                columns.len() - 1
            });
            let mut seen = HashSet::default();
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
    let mut out = HashMap::default();
    for (i, h) in t.header_plains().enumerate() {
        out.entry(h.to_ascii_lowercase()).or_insert(i);
    }
    out
}

/// A cell of a roll-up that stands out: a `Blocked` status, a high impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `Blocked` in a Status column.
    Blocked,
    /// `H` or `High` in an impact column.
    HighImpact,
}

impl Flag {
    /// The flag a column's cells may carry, by its header text (plain,
    /// lower case): the Status column's, or an impact column's.
    pub fn of_column(key: &str) -> Option<Flag> {
        if key == "status" {
            Some(Flag::Blocked)
        } else if mentions_impact(key) {
            Some(Flag::HighImpact)
        } else {
            None
        }
    }

    /// Whether a cell (its plain text) carries the flag.
    pub fn applies(self, value: &str) -> bool {
        match self {
            Flag::Blocked => value.eq_ignore_ascii_case("blocked"),
            Flag::HighImpact => impact_rank(value) == Some(0),
        }
    }

    /// The class of the cell's `<span>` on HTML pages.
    pub fn class(self) -> &'static str {
        match self {
            Flag::Blocked => "tdd-flag-blocked",
            Flag::HighImpact => "tdd-impact-high",
        }
    }
}

/// Whether a header text (plain, lower case) names an impact: it holds the
/// word `impact` (`Impact`, `Impact if Delayed`).
pub fn mentions_impact(key: &str) -> bool {
    key.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "impact")
}

/// The rank of an impact level, highest first: `H` or `High` 0, `M` or
/// `Medium` 1, `L` or `Low` 2 (any case).
pub fn impact_rank(value: &str) -> Option<u8> {
    const LEVELS: [(&str, u8); 6] = [
        ("h", 0),
        ("high", 0),
        ("m", 1),
        ("medium", 1),
        ("l", 2),
        ("low", 2),
    ];
    let value = value.trim();
    LEVELS
        .iter()
        .find(|(level, _)| value.eq_ignore_ascii_case(level))
        .map(|&(_, rank)| rank)
}

/// A value that looks like a date: year, month and day (`2026-10-02`,
/// `2026/10/2`) or year and month (`2026-10`), optionally followed by a
/// time (`2026-10-02T09:30`, `2026-10-02 09:30Z`). The parts, the day 0
/// where there is none.
pub fn date_parts(value: &str) -> Option<[u32; 3]> {
    let value = value.trim();
    let (date, time) = value.split_once(['T', ' ']).unwrap_or((value, ""));
    if !time
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | '-' | 'Z'))
    {
        return None;
    }
    let sep = if date.contains('/') { '/' } else { '-' };
    let mut parts = date.split(sep);
    let number = |p: Option<&str>, digits: std::ops::RangeInclusive<usize>| {
        p.filter(|p| digits.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let year = number(parts.next(), 4..=4)?;
    let month = number(parts.next(), 1..=2).filter(|m| (1..=12).contains(m))?;
    let day = match parts.next() {
        None => 0,
        Some(d) => number(Some(d), 1..=2).filter(|d| (1..=31).contains(d))?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some([year, month, day])
}

/// What a roll-up row is sorted by: one kind for a whole column, so that a
/// key is numbers first (a level, a date, or nothing) and the text after.
/// The first eight bytes of the text are kept as a number: most keys
/// differ there, and comparing two numbers costs a fraction of comparing
/// two strings.
#[derive(Debug, Clone)]
struct CellKey {
    /// An impact level (other values after them) or a date; zeros for
    /// text.
    numbers: [u32; 3],
    /// The text's first eight bytes, big-endian, padded with zeros.
    head: u64,
    /// The text, in lower case; empty for an impact level.
    text: String,
}

impl CellKey {
    fn new(numbers: [u32; 3], text: String) -> Self {
        let mut head = [0u8; 8];
        let n = text.len().min(8);
        head[..n].copy_from_slice(&text.as_bytes()[..n]);
        CellKey {
            numbers,
            head: u64::from_be_bytes(head),
            text,
        }
    }
}

impl Ord for CellKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then(self.head.cmp(&other.head))
            .then_with(|| {
                // With the same first eight bytes, two texts of at most
                // eight bytes differ only in length (the longer one goes on
                // with zero bytes).
                if self.text.len() <= 8 && other.text.len() <= 8 {
                    self.text.len().cmp(&other.text.len())
                } else {
                    self.text.cmp(&other.text)
                }
            })
    }
}

impl PartialOrd for CellKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for CellKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for CellKey {}

/// The order of `values` (plain cell texts, in book order), as indices: an
/// impact column (`impact`, or every value a level) by level, a column of
/// dates by date, any other by text; stable, so equal values keep book
/// order; empty values last in either direction.
pub fn sorted_order(values: &[Cow<'_, str>], impact: bool, desc: bool) -> Vec<usize> {
    let filled = || values.iter().filter(|v| !v.is_empty());
    let any = filled().next().is_some();
    let by_level = impact || (any && filled().all(|v| impact_rank(v).is_some()));
    let by_date = !by_level && any && filled().all(|v| date_parts(v).is_some());
    // Each key beside its index, so that comparing two rows reads one
    // place in memory.
    let mut keyed: Vec<(Option<CellKey>, usize)> = values
        .par_iter()
        .with_min_len(1024)
        .enumerate()
        .map(|(i, v)| {
            if v.is_empty() {
                return (None, i);
            }
            let key = if by_level {
                // `H` and `High` are the same level: equal, in book order.
                match impact_rank(v) {
                    Some(rank) => CellKey::new([rank.into(), 0, 0], String::new()),
                    None => CellKey::new([3, 0, 0], v.to_lowercase()),
                }
            } else if by_date {
                CellKey::new(date_parts(v).unwrap_or_default(), v.to_lowercase())
            } else {
                CellKey::new([0; 3], v.to_lowercase())
            };
            (Some(key), i)
        })
        .collect();
    // Stable, as `sort_by`, on both cores.
    keyed.par_sort_by(|(x, _), (y, _)| values_first(x.as_ref(), y.as_ref(), desc));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// A row of a sorted roll-up, written: its sort value and where its text
/// is in the text of its chunk.
type SortedRow<'m> = (Cow<'m, str>, Range<usize>);

/// What a sorted roll-up is sorted by.
enum SortBy {
    /// The first column: the document's name.
    Document,
    /// A column of the gathered tables: its position in each layout, and
    /// whether it is an impact column.
    Column(Vec<Option<usize>>, bool),
}

/// A flagged cell: in a `<span>` of the flag's class on HTML pages, strongly
/// emphasized elsewhere. The cell's text is copied as any other.
fn flagged_cell(ctx: &RenderContext<'_>, flag: Flag, md: &str, from: &str, doc: &Document) -> Cell {
    if !ctx.html {
        return Cell::strong(&plain(md));
    }
    let mut c = Cell::html(&format!("<span class=\"{}\">", flag.class()));
    c.push(Cell::markdown(
        md,
        from,
        ctx.here(),
        ctx.index_enabled,
        &doc.refdefs,
    ));
    c.push(Cell::html("</span>"));
    c
}

pub fn rollup(
    ctx: &RenderContext<'_>,
    query: &Rollup,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
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
    read_ahead(found.iter().map(|(_, t)| *t), DocTable::touch);
    // Tables with the same header share their column positions: each
    // distinct header (a layout) is looked at once.
    // A layout is kept with the document of its first table, whose header
    // cells as written become the labels.
    let mut layouts: Vec<(&Document, &DocTable)> = Vec::new();
    let mut layout_index: HashMap<Vec<&str>, usize> = HashMap::default();
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
    let mut first_with: HashMap<&str, (usize, usize)> = HashMap::default();
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
            let mut seen: HashSet<String> = HashSet::default();
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
    // Cells that stand out, by the column they are in.
    let flags: Vec<Option<Flag>> = column_keys.iter().map(|k| Flag::of_column(k)).collect();
    let write_row =
        |out: &mut String, doc: &Document, t: &DocTable, layout: usize, r: &DocRow, link: &str| {
            let from = &ctx.model.chapters[doc.chapter].served;
            let shown_cols = shown[layout].get_or_init(|| {
                column_keys
                    .iter()
                    .map(|k| headers[layout].get(k).copied())
                    .collect()
            });
            let mut row = Table::start_row(out, width);
            row.written(link);
            for ((col, flag), date) in shown_cols.iter().zip(&flags).zip(&date_columns) {
                let md = col.map_or("", |i| t.cell(r, i));
                match flag {
                    Some(f) if f.applies(&plain(md)) => {
                        row.cell(&flagged_cell(ctx, *f, md, from, doc));
                    }
                    _ => ctx.write_value(&mut row, md, from, &doc.refdefs, *date),
                }
            }
        };
    let sort_by = match &query.sort.sort.key {
        RowKey::Book => None,
        RowKey::Column(name) => {
            let key = plain(name).to_ascii_lowercase();
            let positions: Vec<Option<usize>> =
                headers.iter().map(|h| h.get(&key).copied()).collect();
            if key == "document" {
                Some(SortBy::Document)
            } else if positions.iter().any(Option::is_some) {
                Some(SortBy::Column(positions, mentions_impact(&key)))
            } else {
                if let Some(span) = &query.sort.span
                    && !layouts.is_empty()
                {
                    problems.push(unknown_sort_column(name, &layouts, span.clone()));
                }
                None
            }
        }
    };
    table.rows = match sort_by {
        None => write_rows(&tables, |out, (doc, t, layout)| {
            let layout_filter = &filters[*layout];
            let mut link: Option<String> = None;
            for r in t.real_rows() {
                if !layout_filter.passes(&filter, t, r) {
                    continue;
                }
                let link = link.get_or_insert_with(|| ctx.link_markdown(doc.chapter));
                write_row(out, doc, t, *layout, r, link);
            }
        }),
        Some(by) => {
            // One pass over the tables in book order, in parallel: every row
            // shown is written, its sort value kept with where its text is.
            // Then the rows are put in order and their texts copied into
            // place: the documents are read once, not once per value.
            let written: Vec<(String, Vec<SortedRow<'_>>)> = tables
                .par_chunks(ROWS_PER_CHUNK)
                .map(|chunk| {
                    let mut out = String::new();
                    let mut rows = Vec::new();
                    for (doc, t, layout) in chunk {
                        let layout_filter = &filters[*layout];
                        let mut link: Option<String> = None;
                        for r in t.real_rows() {
                            if !layout_filter.passes(&filter, t, r) {
                                continue;
                            }
                            let value = match &by {
                                SortBy::Document => {
                                    Cow::Borrowed(ctx.model.chapters[doc.chapter].name.as_str())
                                }
                                SortBy::Column(positions, _) => positions[*layout]
                                    .map_or(Cow::Borrowed(""), |p| plain(t.cell(r, p))),
                            };
                            let link = link.get_or_insert_with(|| ctx.link_markdown(doc.chapter));
                            // A row after another starts after its line break.
                            let start = if out.is_empty() { 0 } else { out.len() + 1 };
                            write_row(&mut out, doc, t, *layout, r, link);
                            rows.push((value, start..out.len()));
                        }
                    }
                    (out, rows)
                })
                .collect();
            let (texts, rows): (Vec<String>, Vec<_>) = written.into_iter().unzip();
            let mut values: Vec<Cow<'_, str>> = Vec::new();
            let mut places: Vec<(usize, Range<usize>)> = Vec::new();
            for (c, rows) in rows.into_iter().enumerate() {
                for (value, range) in rows {
                    values.push(value);
                    places.push((c, range));
                }
            }
            let impact = matches!(by, SortBy::Column(_, true));
            let order = sorted_order(&values, impact, query.sort.sort.desc);
            order
                .par_chunks(ROWS_PER_CHUNK)
                .map(|chunk| {
                    let len = chunk.iter().map(|&i| places[i].1.len() + 1).sum();
                    let mut out = String::with_capacity(len);
                    for &i in chunk {
                        let (c, range) = &places[i];
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        out.push_str(&texts[*c][range.clone()]);
                    }
                    out
                })
                .collect()
        }
    };
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

/// The problem of a `sort=` column that no gathered table has.
fn unknown_sort_column(
    name: &str,
    layouts: &[(&Document, &DocTable)],
    span: std::ops::Range<usize>,
) -> ArgProblem {
    let mut found: Vec<&str> = vec!["Document"];
    let mut seen: HashSet<String> = HashSet::from_iter(["document".to_string()]);
    for (_, t) in layouts {
        for h in t.header_plains() {
            if seen.insert(h.to_ascii_lowercase()) {
                found.push(h);
            }
        }
    }
    let list = found.join(", ");
    let help = match crate::diagnostic::closest(name, found.iter().copied()) {
        Some(c) => format!(
            "did you mean `{c}`? columns: {list}; a leading `-` reverses, `sort=book` keeps book order"
        ),
        None => format!("columns: {list}; a leading `-` reverses, `sort=book` keeps book order"),
    };
    ArgProblem {
        span,
        message: format!("unknown sort column `{name}`: no gathered table has it"),
        help: Some(help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impact_levels_and_dates() {
        assert_eq!(impact_rank("H"), Some(0));
        assert_eq!(impact_rank(" high "), Some(0));
        assert_eq!(impact_rank("Medium"), Some(1));
        assert_eq!(impact_rank("l"), Some(2));
        assert_eq!(impact_rank("Hi"), None);
        assert_eq!(date_parts("2026-10-02"), Some([2026, 10, 2]));
        assert_eq!(date_parts("2026/1/5"), Some([2026, 1, 5]));
        assert_eq!(date_parts("2026-03"), Some([2026, 3, 0]));
        assert_eq!(date_parts("2026-10-02T09:30Z"), Some([2026, 10, 2]));
        for no in [
            "2026-13-01",
            "26-10-02",
            "2026-10-02 (maybe)",
            "2026-1-2-3",
            "soon",
            "2026",
            "é 2026-10-02",
            "2026-10-02T½",
            "２０２６-10-02",
        ] {
            assert_eq!(date_parts(no), None, "{no}");
        }
        assert!(mentions_impact("impact if delayed"));
        assert!(!mentions_impact("impacts"));
    }

    /// Keys compare as their numbers, then their texts as strings do.
    #[test]
    fn keys_compare_as_texts() {
        let texts = [
            "",
            "a",
            "ab",
            "ab\0",
            "ab\0\0",
            "abcdefgh",
            "abcdefg",
            "abcdefghi",
            "abcdefgha",
            "abcdefgh\0",
            "b",
            "é",
            "zzzzzzzzzzzz",
            "abcdefghz",
        ];
        for x in texts {
            for y in texts {
                for (nx, ny) in [([0, 0, 0], [0, 0, 0]), ([1, 0, 0], [0, 5, 0])] {
                    let (a, b) = (CellKey::new(nx, x.into()), CellKey::new(ny, y.into()));
                    let want = nx.cmp(&ny).then(x.cmp(y));
                    assert_eq!(a.cmp(&b), want, "{x:?} {y:?}");
                    assert_eq!(a == b, want == Ordering::Equal);
                }
            }
        }
    }

    fn order(values: &[&str], impact: bool, desc: bool) -> Vec<usize> {
        let v: Vec<Cow<'_, str>> = values.iter().map(|s| Cow::Borrowed(*s)).collect();
        sorted_order(&v, impact, desc)
    }

    #[test]
    fn rows_sort_by_level_date_or_text() {
        // Levels highest first; ties keep book order; empty last.
        assert_eq!(
            order(&["L", "", "High", "m", "H"], false, false),
            [2, 4, 3, 0, 1]
        );
        assert_eq!(
            order(&["L", "", "High", "m", "H"], false, true),
            [0, 3, 2, 4, 1]
        );
        // An impact column with other values: levels first.
        assert_eq!(order(&["TBD", "L", "H"], true, false), [2, 1, 0]);
        assert_eq!(order(&["High", "h", "H"], false, false), [0, 1, 2]);
        // Dates as dates, not as text.
        assert_eq!(
            order(&["2026-10-2", "2026-9-30", "2026-10-10"], false, false),
            [1, 0, 2]
        );
        // Text, case-insensitively.
        assert_eq!(order(&["b", "A", "c", ""], false, false), [1, 0, 2, 3]);
        assert_eq!(order(&["b", "A", "c", ""], false, true), [2, 0, 1, 3]);
    }
}
