//! `{{#prd-requirements}}` and `{{#prd-open-questions}}`: the requirements
//! of the PRDs with the designs citing them, and their open items with the
//! designs that resolved them.

use super::markdown::{self, Cell, Fragment, Table};
use super::select::prd_chapter;
use super::{RenderContext, empty_note, write_rows};
use crate::analyze::query::PrdFilter;
use crate::links;
use crate::model::{DocId, DocKind, Document};
use crate::syntax::directive::ArgProblem;

/// The PRDs a table shows: the one `prd=` names, or all of them.
fn prds<'m>(
    ctx: &RenderContext<'m>,
    prd: Option<&PrdFilter>,
    problems: &mut Vec<ArgProblem>,
) -> Vec<&'m Document> {
    let Some(filter) = prd else {
        return ctx.model.prds().collect();
    };
    match prd_chapter(ctx, &filter.value)
        .and_then(|ch| ctx.model.document_of(ch))
        .filter(|d| d.kind == DocKind::Prd)
    {
        Some(d) => vec![d],
        None => {
            problems.push(ArgProblem {
                span: filter.span.clone(),
                message: format!(
                    "`prd={}` does not resolve to a PRD of this book",
                    filter.value
                ),
                help: Some("give the PRD's path relative to this chapter".into()),
            });
            Vec::new()
        }
    }
}

/// The rank of a priority: `P0`…, `Must`/`Should`/`Could`/`Won't`,
/// `Critical`/`High`/`Medium`/`Low`; `None` for anything else.
pub fn priority_rank(p: &str) -> Option<u32> {
    let p = crate::analyze::table::plain(p).to_ascii_lowercase();
    if let Some(n) = p.strip_prefix('p')
        && let Ok(n) = n.parse::<u32>()
    {
        return Some(n);
    }
    Some(match p.as_str() {
        "must" | "critical" => 0,
        "should" | "high" => 1,
        "could" | "medium" => 2,
        "won't" | "wont" | "low" => 3,
        _ => return None,
    })
}

/// A link to a document's chapter, at an anchor if one is given.
fn link_at(ctx: &RenderContext<'_>, out: &mut String, doc: &Document, anchor: Option<&str>) {
    let c = &ctx.model.chapters[doc.chapter];
    let mut dest = links::relative(ctx.here(), &c.served);
    if let Some(a) = anchor {
        dest.push('#');
        dest.push_str(a);
    }
    markdown::write_link(out, &c.name, &dest);
}

/// Writes a value copied from a document, or `—`.
fn value_cell(
    ctx: &RenderContext<'_>,
    row: &mut markdown::RowWriter<'_>,
    doc: &Document,
    md: Option<&str>,
) {
    match md.filter(|m| !m.trim().is_empty()) {
        Some(m) => ctx.write_value(
            row,
            m,
            &ctx.model.chapters[doc.chapter].served,
            &doc.refdefs,
            false,
        ),
        None => {
            row.text("—");
        }
    }
}

/// `{{#prd-requirements}}`.
pub fn requirements(
    ctx: &RenderContext<'_>,
    prd: Option<&PrdFilter>,
    uncovered: bool,
    by_priority: Option<bool>,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let docs = prds(ctx, prd, problems);
    let model = ctx.model;
    let live_citations = |d: &Document, i: usize| -> Vec<(DocId, usize)> {
        d.trace
            .cited_by
            .get(i)
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|(t, _)| model.documents[t.0].is_live())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut items: Vec<(&Document, usize)> = docs
        .iter()
        .flat_map(|d| (0..d.trace.facts.requirements.len()).map(move |i| (*d, i)))
        .filter(|(d, i)| !uncovered || live_citations(d, *i).is_empty())
        .collect();
    let any = model.any_requirements;
    if let Some(desc) = by_priority {
        items.sort_by_key(|(d, i)| {
            let rank = d.trace.facts.requirements[*i]
                .priority
                .as_deref()
                .and_then(priority_rank);
            match (rank, desc) {
                (None, _) => (1, 0i64),
                (Some(r), false) => (0, i64::from(r)),
                (Some(r), true) => (0, -i64::from(r)),
            }
        });
    }
    let with_prd = prd.is_none();
    let mut header = Vec::new();
    if with_prd {
        header.push("PRD".to_string());
    }
    for h in ["ID", "Requirement", "Priority", "Designs", "Coverage"] {
        header.push(h.to_string());
    }
    let mut table = Table::new(header);
    let width = table.width();
    table.rows = write_rows(&items, |out, (d, i)| {
        let r = &d.trace.facts.requirements[*i];
        let mut row = Table::start_row(out, width);
        if with_prd {
            ctx.write_link(&mut row, d.chapter);
        }
        row.text(&r.id);
        value_cell(ctx, &mut row, d, Some(&r.text));
        value_cell(ctx, &mut row, d, r.priority.as_deref());
        let citing = live_citations(d, *i);
        if citing.is_empty() {
            row.text("—");
            row.cell(&Cell::strong("✗ Not cited"));
        } else {
            let mut cell = String::new();
            for (k, (t, ci)) in citing.iter().enumerate() {
                let t = &model.documents[t.0];
                if k > 0 {
                    cell.push_str(", ");
                }
                let anchor = t
                    .trace
                    .facts
                    .citations
                    .get(*ci)
                    .and_then(|c| c.section)
                    .and_then(|s| t.trace.facts.sections.get(s))
                    .and_then(|s| s.anchor.as_deref());
                link_at(ctx, &mut cell, t, anchor);
            }
            row.written(&cell);
            if citing.len() == 1 {
                row.text("✓ 1 design");
            } else {
                row.text(&format!("✓ {} designs", citing.len()));
            }
        }
    });
    let mut f = Fragment::new();
    ctx.table(&mut f, table, "prd-requirements");
    if items.is_empty() {
        let text = if any {
            "No requirements match."
        } else {
            "No requirements in this book yet."
        };
        empty_note(&mut f, text);
    }
    f.into_pieces()
}

/// A row of the open-questions table: a PRD, one of its open items, and
/// the TDD and row resolving it (`None`: open).
type QuestionRow<'m> = (&'m Document, usize, Option<(DocId, usize)>);

/// `{{#prd-open-questions}}`.
pub fn open_questions(
    ctx: &RenderContext<'_>,
    prd: Option<&PrdFilter>,
    open: bool,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let docs = prds(ctx, prd, problems);
    let model = ctx.model;
    // One row per resolution; an open item has one row saying so.
    let mut items: Vec<QuestionRow<'_>> = Vec::new();
    for d in &docs {
        for (i, by) in d.trace.resolved_by.iter().enumerate() {
            if by.is_empty() {
                items.push((d, i, None));
            } else if !open {
                items.extend(by.iter().map(|r| (*d, i, Some(*r))));
            }
        }
    }
    let any = model.any_questions;
    let with_prd = prd.is_none();
    let mut header = Vec::new();
    if with_prd {
        header.push("PRD".to_string());
    }
    for h in ["ID", "Question", "Resolved by", "Resolution"] {
        header.push(h.to_string());
    }
    let mut table = Table::new(header);
    let width = table.width();
    table.rows = write_rows(&items, |out, (d, i, by)| {
        let Some(q) = d.trace.facts.questions.get(*i) else {
            return;
        };
        let mut row = Table::start_row(out, width);
        if with_prd {
            ctx.write_link(&mut row, d.chapter);
        }
        row.text(&q.id);
        value_cell(ctx, &mut row, d, Some(&q.text));
        match by {
            None => {
                row.cell(&Cell::strong("Open"));
                row.text("—");
            }
            Some((t, ri)) => {
                let t = &model.documents[t.0];
                ctx.write_link(&mut row, t.chapter);
                let res = t
                    .trace
                    .facts
                    .resolutions
                    .get(*ri)
                    .map(|r| r.resolution.as_str());
                value_cell(ctx, &mut row, t, res);
            }
        }
    });
    let mut f = Fragment::new();
    ctx.table(&mut f, table, "prd-open-questions");
    if items.is_empty() {
        let text = if !any {
            "No open questions in this book yet."
        } else if open {
            "Every open question is resolved."
        } else {
            "No open questions match."
        };
        empty_note(&mut f, text);
    }
    f.into_pieces()
}

/// "9 of 11 cited" for a PRD with requirements.
pub fn requirements_summary(d: &Document) -> Option<String> {
    let n = d.trace.facts.requirements.len();
    (n > 0).then(|| format!("{} of {n} cited", d.trace.cited))
}

/// "3 of 4 resolved" for a PRD with open items.
pub fn questions_summary(d: &Document) -> Option<String> {
    let n = d.trace.facts.questions.len();
    (n > 0).then(|| format!("{} of {n} resolved", d.trace.resolved))
}
