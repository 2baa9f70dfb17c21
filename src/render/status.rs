//! `{{#tdd-status}}` and `{{#prd-status}}`: one row per document.

use super::markdown::{self, Cell, Fragment, RowWriter, Table};
use super::select::select;
use super::{Badges, DocFields, FieldNames, RenderContext, note_if_empty};
use crate::analyze::query::{Column, Columns, PRD_COLUMNS, Selection, TDD_COLUMNS, unknown_column};
use crate::links;
use crate::model::pin::PinState;
use crate::model::prd::PrdTarget;
use crate::model::{DocId, Document};
use crate::syntax::directive::ArgProblem;

/// The columns of a status table: header fields named in `columns=` must
/// be fields of some document.
pub fn check_columns(
    columns: &Columns,
    known: &[&str],
    fields: &FieldNames<'_>,
    problems: &mut Vec<ArgProblem>,
) {
    for c in &columns.list {
        if let Column::Field(name) = c
            && fields.get(name).is_none()
        {
            problems.push(unknown_column(name, known, columns.span.clone()));
        }
    }
}

pub fn column_label(col: &Column, fields: &FieldNames<'_>) -> String {
    let col = match col {
        Column::Known(k) => *k,
        Column::Field(f) => return fields.get(f).unwrap_or(f).to_string(),
    };
    match col {
        "document" => "Document".into(),
        "prd" => "PRD".into(),
        "status" => "Status".into(),
        "version" => "Version".into(),
        "author" => "Author".into(),
        "date" => "Date".into(),
        "open-items" => "Open items".into(),
        "blockers" => "Blockers".into(),
        "completeness" => "Completeness".into(),
        "placeholders" => "Placeholders".into(),
        "designs" => "Designs".into(),
        "coverage" => "Coverage".into(),
        "requirements" => "Requirements".into(),
        "questions" => "Questions".into(),
        "supersedes" => "Supersedes".into(),
        "superseded-by" => "Superseded by".into(),
        "review-due" => "Review due".into(),
        "pin" => "Pin".into(),
        field => fields.get(field).unwrap_or(field).to_string(),
    }
}

pub fn write_prd_cell(ctx: &RenderContext<'_>, row: &mut RowWriter<'_>, doc: &Document) {
    match doc.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(ch), _)) => ctx.write_link(row, *ch),
        Some((PrdTarget::Broken, p)) => {
            let mut c = Cell::emphasis("broken:");
            c.push_text(&format!(" {}", p.target_text));
            row.cell(&c);
        }
        Some((PrdTarget::Unset, _)) | None => {
            row.text("—");
        }
    }
}

pub fn write_tdd_cell(
    ctx: &RenderContext<'_>,
    badges: &Badges,
    row: &mut RowWriter<'_>,
    doc: &Document,
    fields: &DocFields<'_>,
    col: &Column,
) {
    let col = match col {
        Column::Known(k) => *k,
        Column::Field(f) => return ctx.write_field(row, doc, fields, f),
    };
    match col {
        "document" => ctx.write_link(row, doc.chapter),
        "status" => write_status_cell(ctx, badges, row, doc),
        "prd" => write_prd_cell(ctx, row, doc),
        "open-items" => {
            row.text(&doc.open_items().to_string());
        }
        "blockers" => {
            row.text(&doc.blockers().to_string());
        }
        "completeness" => {
            row.text(&format!("{}%", doc.completeness_percent()));
        }
        "placeholders" => {
            row.text(&doc.placeholders.to_string());
        }
        "supersedes" | "superseded-by" | "review-due" => write_lifecycle_cell(ctx, row, doc, col),
        "pin" => write_pin_cell(row, doc),
        field => ctx.write_field(row, doc, fields, field),
    }
}

/// How the TDD's pin compares with its PRD's Version (`current`,
/// `outdated: 1.2 (PRD 1.4)` in bold); `—` without a PRD of the book.
fn write_pin_cell(row: &mut RowWriter<'_>, doc: &Document) {
    match &doc.pin {
        None => {
            row.text("—");
        }
        Some(p) if matches!(p.state, PinState::Outdated | PinState::Predated) => {
            row.cell(&Cell::strong(&p.summary()));
        }
        Some(p) => {
            row.text(&p.summary());
        }
    }
}

/// The mark after a live design whose pin its PRD has moved on from
/// (` ⚠ outdated (1.2)`), else nothing (a dead design follows no PRD).
pub fn outdated_mark(doc: &Document) -> Option<String> {
    let p = doc.pin.as_ref()?;
    (p.state == PinState::Outdated && doc.is_live())
        .then(|| format!(" ⚠ outdated ({})", p.version.as_deref().unwrap_or("")))
}

/// The status of a document; a superseded one links its successor
/// (`Superseded → [B](b.md)`).
pub fn write_status_cell(
    ctx: &RenderContext<'_>,
    badges: &Badges,
    row: &mut RowWriter<'_>,
    doc: &Document,
) {
    let badge = badges.get(ctx, doc, false);
    match doc.successor() {
        None => {
            row.written(&badge);
        }
        Some(s) => {
            let mut cell = badge.into_owned();
            cell.push_str(" → ");
            cell.push_str(&ctx.link_markdown(ctx.model.doc(s).chapter));
            row.written(&cell);
        }
    }
}

/// Links to documents, comma-separated; `—` for none.
fn write_doc_links(
    ctx: &RenderContext<'_>,
    row: &mut RowWriter<'_>,
    docs: impl Iterator<Item = DocId>,
) {
    let mut cell = String::new();
    for (i, d) in docs.enumerate() {
        if i > 0 {
            cell.push_str(", ");
        }
        cell.push_str(&ctx.link_markdown(ctx.model.doc(d).chapter));
    }
    if cell.is_empty() {
        row.text("—");
    } else {
        row.written(&cell);
    }
}

/// `supersedes`, `superseded-by` and `review-due`, for TDDs and PRDs alike.
fn write_lifecycle_cell(
    ctx: &RenderContext<'_>,
    row: &mut RowWriter<'_>,
    doc: &Document,
    col: &str,
) {
    match col {
        "supersedes" => write_doc_links(ctx, row, doc.lifecycle.supersedes.iter().copied()),
        "superseded-by" => write_doc_links(ctx, row, doc.successor().into_iter()),
        _ => match &doc.lifecycle.review {
            None => {
                row.text("—");
            }
            Some(r) if r.overdue => {
                let mut c = Cell::strong(&r.due.to_string());
                c.push_text(" (overdue)");
                row.cell(&c);
            }
            Some(r) => {
                row.text(&r.due.to_string());
            }
        },
    }
}

/// A status table: one row per document of `docs` (`all` being every
/// document of the kind, for field names and the note when none is shown),
/// each cell written by `cell`.
#[allow(clippy::too_many_arguments)]
fn status_table(
    ctx: &RenderContext<'_>,
    all: &[&Document],
    docs: &[&Document],
    cols: &Columns,
    known: &[&str],
    what: &str,
    kind: &str,
    cell: impl Fn(&Badges, &mut RowWriter<'_>, &Document, &DocFields<'_>, &Column) + Sync,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let fields = FieldNames::new(all);
    check_columns(cols, known, &fields, problems);
    let mut table = Table::new(cols.list.iter().map(|c| column_label(c, &fields)).collect());
    let width = table.width();
    let badges = Badges::new(ctx);
    table.rows = super::write_rows_warmed(docs, touch_doc, |out, d| {
        let mut row = Table::start_row(out, width);
        let doc_fields = DocFields::new(d);
        for c in &cols.list {
            cell(&badges, &mut row, d, &doc_fields, c);
        }
    });
    let mut f = Fragment::new();
    ctx.table(&mut f, table, kind);
    note_if_empty(&mut f, docs.is_empty(), all.is_empty(), what);
    f.into_pieces()
}

pub fn tdd_status(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    cols: &Columns,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let all: Vec<&Document> = ctx.model.tdds().collect();
    let docs = select(ctx, all.clone(), selection, problems);
    status_table(
        ctx,
        &all,
        &docs,
        cols,
        TDD_COLUMNS,
        "TDDs",
        "tdd-status",
        |badges, row, d, fields, c| write_tdd_cell(ctx, badges, row, d, fields, c),
        problems,
    )
}

pub fn prd_status(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    uncovered: bool,
    cols: &Columns,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let all: Vec<&Document> = ctx.model.prds().collect();
    let mut docs = select(ctx, all.clone(), selection, problems);
    if uncovered {
        docs.retain(|d| !ctx.model.is_covered(d));
    }
    status_table(
        ctx,
        &all,
        &docs,
        cols,
        PRD_COLUMNS,
        "PRDs",
        "prd-status",
        |badges, row, d, fields, c| write_prd_status_cell(ctx, badges, row, d, fields, c),
        problems,
    )
}

fn write_prd_status_cell(
    ctx: &RenderContext<'_>,
    badges: &Badges,
    row: &mut RowWriter<'_>,
    d: &Document,
    doc_fields: &DocFields<'_>,
    c: &Column,
) {
    let c = match c {
        Column::Known(k) => *k,
        Column::Field(f) => return ctx.write_field(row, d, doc_fields, f),
    };
    match c {
        "prd" => ctx.write_link(row, d.chapter),
        "status" => write_status_cell(ctx, badges, row, d),
        "designs" if d.derived.is_empty() => {
            row.text("—");
        }
        "designs" => {
            let mut cell = String::new();
            for (i, t) in d.derived.iter().enumerate() {
                let t = &ctx.model.documents[*t];
                if i > 0 {
                    cell.push_str(", ");
                }
                let c = &ctx.model.chapters[t.chapter];
                markdown::write_link(&mut cell, &c.name, &links::relative(ctx.here(), &c.served));
                // The status in parentheses stays on one line in HTML: a
                // line never starts with the badge's closing parenthesis.
                cell.push(' ');
                if ctx.html {
                    cell.push_str(markdown::NOWRAP_OPEN);
                }
                cell.push('(');
                cell.push_str(&badges.get(ctx, t, true));
                cell.push(')');
                if ctx.html {
                    cell.push_str(markdown::NOWRAP_CLOSE);
                }
                if let Some(mark) = outdated_mark(t) {
                    cell.push_str(&Cell::text(&mark).to_inner_markdown());
                }
            }
            row.written(&cell);
        }
        "coverage" => {
            match (ctx.model.live_designs(d).count(), d.derived.len()) {
                (_, 0) => row.cell(&Cell::strong("✗ No design")),
                (0, _) => row.cell(&Cell::strong("✗ No live design")),
                (1, _) => row.text("✓ 1 design"),
                (n, _) => row.text(&format!("✓ {n} designs")),
            };
        }
        "requirements" | "questions" => {
            let summary = if c == "requirements" {
                super::trace::requirements_summary(d)
            } else {
                super::trace::questions_summary(d)
            };
            row.text(summary.as_deref().unwrap_or("—"));
        }
        "supersedes" | "superseded-by" | "review-due" => write_lifecycle_cell(ctx, row, d, c),
        field => ctx.write_field(row, d, doc_fields, field),
    }
}

/// The first byte of each buffer a status row reads of a document (its
/// header fields, its status and Source PRD, its sections), for
/// [`super::read_ahead`].
fn touch_doc(d: &&Document) -> u64 {
    let first = |s: &str| u64::from(s.as_bytes().first().copied().unwrap_or(0));
    let fields = d
        .fields
        .iter()
        .map(|f| first(&f.name).wrapping_add(first(&f.value)))
        .fold(0, u64::wrapping_add);
    fields
        .wrapping_add(d.status.as_deref().map_or(0, first))
        .wrapping_add(d.prd.as_ref().map_or(0, |p| first(&p.written)))
        .wrapping_add(d.completeness.first().map_or(0, |c| c.state as u64))
}
