//! `{{#tdd-graph}}`: the PRDs, their designs and what supersedes what,
//! drawn as an inline SVG (HTML) or written as a nested list (any other
//! renderer).
//!
//! The layout is layered and computed in O(n log n): each PRD heads a band
//! of rows; the PRD stands in the first column, the designs in force that
//! derive from it in the second, and a design superseded by another one
//! column after its successor, in its successor's row where that row is
//! free. A superseded PRD's band follows the band of its successor. Designs
//! whose Source PRD is not drawn share a last band. No crossing is
//! minimised beyond these sorts.
//!
//! Every value in the SVG comes from authors (chapter names, statuses) and
//! is escaped for XML (`&`, `<`, `>`, `"`, `'`, and `{` so that no
//! directive of another preprocessor can form); control and bidirectional
//! characters become spaces. The block is one HTML block without blank
//! lines, so Markdown never reads part of it.

use super::markdown::{Cell, Fragment};
use super::select::prd_chapter;
use super::xml::xml;
use super::{RenderContext, empty_note, note_if_empty, slug};
use crate::analyze::query::Selection;
use crate::links;
use crate::model::prd::PrdTarget;
use crate::model::{DocId, DocKind, Document};
use crate::syntax::directive::ArgProblem;
use std::fmt::Write as _;

/// Above this many documents (after filtering) the graph is not drawn.
pub const MAX_NODES: usize = 200;

/// Width of a node's box.
const NODE_W: usize = 176;
/// Height of a node's box.
const NODE_H: usize = 44;
/// Space between columns (where the edges run).
const COL_GAP: usize = 56;
/// Space between rows of a band.
const ROW_GAP: usize = 12;
/// Extra space between bands.
const BAND_GAP: usize = 12;
/// Space around the drawing (the left one also takes the curves between
/// PRDs of the first column).
const MARGIN: usize = 28;
/// How wide a node's name may be, in columns of narrow characters.
const NAME_WIDTH: usize = 22;
/// How wide a node's status line may be.
const STATE_WIDTH: usize = 26;
/// A drawing wider than this keeps its size and scrolls in its wrapper; a
/// narrower one shrinks to fit the column.
const SCROLL_WIDTH: usize = 1000;

/// The class of the `<svg>`.
pub const GRAPH_CLASS: &str = "tdd-graph";

/// A drawn document.
struct Node<'m> {
    id: DocId,
    doc: &'m Document,
    /// The band (0.. in drawing order).
    band: usize,
    column: usize,
    /// The row within the band.
    row: usize,
}

/// A drawn edge between nodes: from the document whose header names the
/// other one.
struct Edge {
    from: usize,
    to: usize,
    supersedes: bool,
}

pub fn graph(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Vec<String> {
    let Some(chosen) = chosen(ctx, selection, problems) else {
        return Vec::new();
    };
    let mut f = Fragment::new();
    if chosen.is_empty() {
        note_if_empty(&mut f, true, ctx.model.documents.is_empty(), "documents");
        return f.into_pieces();
    }
    if ctx.html && chosen.len() > MAX_NODES {
        empty_note(
            &mut f,
            &format!(
                "{} documents — too many to draw; filter with prd= or status=",
                chosen.len()
            ),
        );
        return f.into_pieces();
    }
    let layout = Layout::new(ctx, &chosen);
    if ctx.html {
        f.html_block(&svg(ctx, &layout));
    } else {
        f.nested_list(&list(ctx, &layout));
    }
    f.into_pieces()
}

/// The documents a selection keeps, in book order; `None` when `prd=`
/// names no document.
fn chosen(
    ctx: &RenderContext<'_>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Option<Vec<DocId>> {
    let model = ctx.model;
    let mut keep = vec![true; model.documents.len()];
    if let Some(filter) = &selection.prd {
        let prd = prd_chapter(ctx, &filter.value).and_then(|c| {
            model
                .doc_of_chapter
                .get(c.0)
                .copied()
                .flatten()
                .filter(|d| model.doc(*d).kind == DocKind::Prd)
        });
        let Some(prd) = prd else {
            problems.push(ArgProblem {
                span: filter.span.clone(),
                message: format!(
                    "`prd={}` does not resolve to a PRD of this book",
                    filter.value
                ),
                help: Some("give the PRD's path relative to this chapter".into()),
            });
            return None;
        };
        keep = family(ctx, prd);
    }
    Some(
        model
            .documents
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                keep.get(*i).copied().unwrap_or(false)
                    && selection
                        .status
                        .as_ref()
                        .is_none_or(|w| d.status.as_ref().is_some_and(|s| w.contains(s)))
                    && selection.live.is_none_or(|l| d.is_live() == l)
            })
            .map(|(i, _)| DocId(i))
            .collect(),
    )
}

/// A PRD's family: the PRDs it supersedes or is superseded by (to the ends
/// of both chains), their designs, and the designs those supersede or are
/// superseded by. Each document is visited once.
fn family(ctx: &RenderContext<'_>, prd: DocId) -> Vec<bool> {
    let model = ctx.model;
    let mut seen = vec![false; model.documents.len()];
    let mut stack = vec![prd];
    while let Some(id) = stack.pop() {
        match seen.get_mut(id.0) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let d = model.doc(id);
        stack.extend(d.lifecycle.supersedes.iter().copied());
        stack.extend(d.successor());
        if d.kind == DocKind::Prd {
            stack.extend(d.derived.iter().copied());
        }
    }
    seen
}

/// Where every node stands.
struct Layout<'m> {
    nodes: Vec<Node<'m>>,
    edges: Vec<Edge>,
    /// Rows of each band.
    band_rows: Vec<usize>,
    columns: usize,
}

impl<'m> Layout<'m> {
    fn new(ctx: &RenderContext<'m>, chosen: &[DocId]) -> Layout<'m> {
        let model = ctx.model;
        // Node of each document.
        let mut node_of: Vec<Option<usize>> = vec![None; model.documents.len()];
        for (k, id) in chosen.iter().enumerate() {
            if let Some(slot) = node_of.get_mut(id.0) {
                *slot = Some(k);
            }
        }
        let node = |id: DocId| node_of.get(id.0).copied().flatten();
        let docs: Vec<&Document> = chosen.iter().map(|id| model.doc(*id)).collect();
        let successor: Vec<Option<usize>> =
            docs.iter().map(|d| d.successor().and_then(node)).collect();
        let depth = depths(&successor);
        let source_prd = |d: &Document| match d.prd.as_ref().map(|p| &p.target) {
            Some(PrdTarget::Chapter(c)) => model
                .doc_of_chapter
                .get(c.0)
                .copied()
                .flatten()
                .and_then(node)
                .filter(|p| docs.get(*p).is_some_and(|p| p.kind == DocKind::Prd)),
            _ => None,
        };
        // Bands: one per PRD, a superseded one after its successor (by the
        // end of its chain, then how far from it); then the designs whose
        // PRD is not drawn.
        let mut prds: Vec<usize> = (0..docs.len())
            .filter(|k| docs[*k].kind == DocKind::Prd)
            .collect();
        prds.sort_by_key(|k| {
            let id = chosen[*k];
            let end = model.chain_end(id).unwrap_or(id);
            (end, depth[*k], id)
        });
        let mut band_of: Vec<usize> = vec![prds.len(); docs.len()];
        for (b, k) in prds.iter().enumerate() {
            band_of[*k] = b;
        }
        let mut nodes: Vec<Node<'m>> = Vec::with_capacity(docs.len());
        let mut edges = Vec::new();
        for (k, d) in docs.iter().enumerate() {
            let column = match d.kind {
                DocKind::Prd => 0,
                DocKind::Tdd => {
                    if let Some(p) = source_prd(d) {
                        band_of[k] = band_of[p];
                        edges.push(Edge {
                            from: k,
                            to: p,
                            supersedes: false,
                        });
                    }
                    1 + depth[k]
                }
            };
            for s in d.lifecycle.supersedes.iter().filter_map(|s| node(*s)) {
                edges.push(Edge {
                    from: k,
                    to: s,
                    supersedes: true,
                });
            }
            nodes.push(Node {
                id: chosen[k],
                doc: d,
                band: band_of[k],
                column,
                row: 0,
            });
        }
        // No PRD drawn: the designs start in the first column.
        let first = nodes.iter().map(|n| n.column).min().unwrap_or(0);
        for n in &mut nodes {
            n.column -= first;
        }
        let columns = nodes.iter().map(|n| n.column + 1).max().unwrap_or(1);
        // Rows: band by band, column by column; a node goes in its
        // successor's row (or the next free one), the rest in book order.
        let bands = prds.len() + 1;
        let mut band_rows = vec![0usize; bands];
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by_key(|k| (nodes[*k].band, nodes[*k].column, nodes[*k].id));
        let mut placed: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut start = 0;
        while start < order.len() {
            let (band, column) = (nodes[order[start]].band, nodes[order[start]].column);
            let end = order[start..]
                .iter()
                .position(|k| nodes[*k].band != band || nodes[*k].column != column)
                .map_or(order.len(), |p| start + p);
            let mut run: Vec<(Option<usize>, DocId, usize)> = order[start..end]
                .iter()
                .map(|k| {
                    let wanted = successor[*k]
                        .filter(|s| nodes[*s].band == band)
                        .and_then(|s| placed[s]);
                    (wanted, nodes[*k].id, *k)
                })
                .collect();
            run.sort_by_key(|(wanted, id, _)| (wanted.is_none(), *wanted, *id));
            let mut next = 0;
            for (wanted, _, k) in run {
                let row = next.max(wanted.unwrap_or(0));
                placed[k] = Some(row);
                nodes[k].row = row;
                next = row + 1;
            }
            band_rows[band] = band_rows[band].max(next);
            start = end;
        }
        Layout {
            nodes,
            edges,
            band_rows,
            columns,
        }
    }
}

/// How many successors each node has among the drawn ones (0 for a member
/// of a cycle), in one walk with a mark per node.
fn depths(successor: &[Option<usize>]) -> Vec<usize> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = successor.len();
    let mut depth = vec![0usize; n];
    let mut state = vec![NEW; n];
    let mut path = Vec::new();
    for start in 0..n {
        if state[start] != NEW {
            continue;
        }
        let mut k = start;
        // The node after the path whose depth is known.
        let base = loop {
            state[k] = ON_PATH;
            path.push(k);
            match successor[k] {
                Some(s) if state[s] == NEW => k = s,
                Some(s) if state[s] == ON_PATH => {
                    // A cycle: its members stand at depth 0.
                    let at = path.iter().rposition(|p| *p == s).unwrap_or(0);
                    for m in path.drain(at..) {
                        depth[m] = 0;
                        state[m] = DONE;
                    }
                    break Some(s);
                }
                other => break other,
            }
        };
        let mut next = base;
        while let Some(m) = path.pop() {
            depth[m] = next.map_or(0, |s| depth[s] + 1);
            state[m] = DONE;
            next = Some(m);
        }
    }
    depth
}

// ------------------------------------------------------------------ text --

/// How many columns of narrow characters a character takes, roughly: East
/// Asian wide characters and emoji two, others one.
fn char_width(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115f
        | 0x2e80..=0xa4cf
        | 0xac00..=0xd7a3
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xff60
        | 0xffe0..=0xffe6
        | 0x1f300..=0x1faff
        | 0x20000..=0x3fffd => 2,
        _ => 1,
    }
}

/// The text cut to `width` columns, with an ellipsis when cut; white space
/// runs (and control characters) become one space.
pub fn truncate(s: &str, width: usize) -> String {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || crate::terminal::is_unsafe(c))
        .filter(|w| !w.is_empty())
        .collect();
    let clean = words.join(" ");
    if clean.chars().map(char_width).sum::<usize>() <= width {
        return clean;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = char_width(c);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// A document's status as shown in a node and the list; `None` without one.
fn status_text(d: &Document) -> Option<&str> {
    d.status.as_deref().or(d.status_raw.as_deref())
}

/// The class that colours a node by its status.
fn status_class(d: &Document) -> String {
    match (&d.status, &d.status_raw) {
        (Some(s), _) => format!("tdd-status-{}", slug(s)),
        (None, Some(_)) => "tdd-status-unknown".to_string(),
        (None, None) => "tdd-graph-no-status".to_string(),
    }
}

/// A link to a chapter's page from raw HTML of the chapter holding the
/// directive: relative, percent-encoded, with the `.html` extension mdBook
/// serves it under (mdBook rewrites `.md` links in Markdown, not in HTML).
fn page_href(ctx: &RenderContext<'_>, d: &Document) -> String {
    let rel = links::relative(ctx.here(), &ctx.model.chapter(d).served);
    let stem_at = rel.rfind('/').map_or(0, |i| i + 1);
    match rel.get(stem_at..).and_then(|name| name.rfind('.')) {
        Some(dot) if dot > 0 => format!("{}.html", &rel[..stem_at + dot]),
        _ => format!("{rel}.html"),
    }
}

// ------------------------------------------------------------------- svg --

fn x_of(column: usize) -> usize {
    MARGIN + column * (NODE_W + COL_GAP)
}

/// The top of each band, in rows and gaps.
fn band_tops(band_rows: &[usize]) -> Vec<usize> {
    let mut tops = Vec::with_capacity(band_rows.len());
    let mut y = MARGIN;
    for rows in band_rows {
        tops.push(y);
        if *rows > 0 {
            y += rows * (NODE_H + ROW_GAP) + BAND_GAP;
        }
    }
    tops
}

/// A short stable name for the ids of one drawing (FNV-1a over what is
/// drawn and where), so that two different graphs on one page do not share
/// their marker's id.
fn drawing_id(ctx: &RenderContext<'_>, layout: &Layout<'_>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |v: usize| {
        for b in (v as u64).to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(ctx.chapter.0);
    for n in &layout.nodes {
        feed(n.id.0);
    }
    for e in &layout.edges {
        feed(e.from);
        feed(e.to);
    }
    format!("tdd-graph-{:08x}", h >> 32)
}

fn svg(ctx: &RenderContext<'_>, layout: &Layout<'_>) -> String {
    let tops = band_tops(&layout.band_rows);
    let used_rows: usize = layout.band_rows.iter().sum();
    let used_bands = layout.band_rows.iter().filter(|r| **r > 0).count();
    let width = 2 * MARGIN + layout.columns * NODE_W + (layout.columns - 1) * COL_GAP;
    let height = (2 * MARGIN + used_rows * (NODE_H + ROW_GAP) + used_bands * BAND_GAP)
        .saturating_sub(ROW_GAP + BAND_GAP);
    let pos = |k: usize| -> (usize, usize) {
        let n = &layout.nodes[k];
        let top = tops.get(n.band).copied().unwrap_or(MARGIN);
        (x_of(n.column), top + n.row * (NODE_H + ROW_GAP))
    };
    let prds = layout
        .nodes
        .iter()
        .filter(|n| n.doc.kind == DocKind::Prd)
        .count();
    let designs = layout.nodes.len() - prds;
    let supersede_edges = layout.edges.iter().filter(|e| e.supersedes).count();
    let summary = format!(
        "Document graph: {prds} {}, {designs} {}, {} Source PRD {}, {supersede_edges} supersede {}",
        plural(prds, "PRD", "PRDs"),
        plural(designs, "design", "designs"),
        layout.edges.len() - supersede_edges,
        plural(layout.edges.len() - supersede_edges, "link", "links"),
        plural(supersede_edges, "link", "links"),
    );
    let id = drawing_id(ctx, layout);
    let wide = if width > SCROLL_WIDTH {
        " tdd-graph-wide"
    } else {
        ""
    };
    let mut out = String::with_capacity(400 + layout.nodes.len() * 600);
    let _ = writeln!(out, "<div class=\"tdd-graph-wrap\">");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{GRAPH_CLASS}{wide}\" role=\"img\" aria-labelledby=\"{id}-title\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    let _ = writeln!(out, "<title id=\"{id}-title\">{summary}</title>");
    let _ = writeln!(
        out,
        "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path class=\"tdd-graph-arrow\" d=\"M0 0L10 5L0 10z\" fill=\"#777\"/></marker></defs>"
    );
    out.push_str("<g class=\"tdd-graph-edges\">\n");
    for e in &layout.edges {
        let (fx, fy) = pos(e.from);
        let (tx, ty) = pos(e.to);
        let (fc, tc) = (layout.nodes[e.from].column, layout.nodes[e.to].column);
        let (fy, ty) = (fy + NODE_H / 2, ty + NODE_H / 2);
        let d = if fc == tc {
            // In one column: a curve out of the left sides.
            format!(
                "M{fx} {fy}C{} {fy} {} {ty} {tx} {ty}",
                fx.saturating_sub(MARGIN - 4),
                tx.saturating_sub(MARGIN - 4)
            )
        } else {
            let (sx, ex) = if fc < tc {
                (fx + NODE_W, tx)
            } else {
                (fx, tx + NODE_W)
            };
            let mid = (sx + ex) / 2;
            format!("M{sx} {fy}C{mid} {fy} {mid} {ty} {ex} {ty}")
        };
        let class = if e.supersedes {
            "tdd-graph-edge tdd-graph-supersedes"
        } else {
            "tdd-graph-edge tdd-graph-source"
        };
        let dash = if e.supersedes {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path class=\"{class}\" d=\"{d}\" fill=\"none\" stroke=\"#777\"{dash} marker-end=\"url(#{id}-arrow)\"/>"
        );
    }
    out.push_str("</g>\n");
    for (k, n) in layout.nodes.iter().enumerate() {
        let (x, y) = pos(k);
        let d = n.doc;
        let name = &ctx.model.chapter(d).name;
        let mut state = status_text(d).unwrap_or("no status").to_string();
        if d.is_superseded() && status_class(d) != "tdd-status-superseded" {
            state.push_str(" · superseded");
        }
        let mut hover = format!(
            "{} — {}",
            if d.kind == DocKind::Prd { "PRD" } else { "TDD" },
            state
        );
        if let Some(s) = d.successor() {
            hover.push_str(" by ");
            hover.push_str(&ctx.model.chapter(ctx.model.doc(s)).name);
        }
        let mut classes = format!(
            "tdd-graph-node tdd-graph-{} {}",
            if d.kind == DocKind::Prd { "prd" } else { "tdd" },
            status_class(d)
        );
        if !d.is_live() {
            classes.push_str(" tdd-graph-dead");
        }
        let _ = writeln!(
            out,
            "<a href=\"{}\"><title>{}: {}</title><g class=\"{}\"><rect class=\"tdd-graph-box\" x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\" fill=\"#fff\" stroke=\"#777\"/><text class=\"tdd-graph-name\" x=\"{}\" y=\"{}\">{}</text><text class=\"tdd-graph-state\" x=\"{}\" y=\"{}\">{}</text></g></a>",
            xml(&page_href(ctx, d)),
            xml(name),
            xml(&hover),
            xml(&classes),
            x + 10,
            y + 18,
            xml(&truncate(name, NAME_WIDTH)),
            x + 10,
            y + 35,
            xml(&truncate(&state, STATE_WIDTH)),
        );
    }
    out.push_str("</svg>\n");
    out.push_str(
        "<p class=\"tdd-graph-legend\">Solid arrow: a design to its Source PRD · dashed arrow: a document to the one it supersedes · dashed box: no longer in force</p>\n",
    );
    out.push_str("</div>");
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

// ------------------------------------------------------------------ list --

/// The graph as a nested list: each PRD band's PRD, then its designs (in
/// drawing order) under it; designs without a drawn PRD under a last item.
fn list(ctx: &RenderContext<'_>, layout: &Layout<'_>) -> Vec<(usize, Cell)> {
    let mut order: Vec<usize> = (0..layout.nodes.len()).collect();
    order.sort_by_key(|k| {
        let n = &layout.nodes[*k];
        (n.band, n.column, n.row)
    });
    let mut items = Vec::with_capacity(order.len() + 1);
    // Without a PRD drawn, the designs are the list.
    let any_prd = layout.nodes.iter().any(|n| n.doc.kind == DocKind::Prd);
    let mut open_band = None;
    for k in order {
        let n = &layout.nodes[k];
        let depth = if !any_prd {
            0
        } else if n.doc.kind == DocKind::Prd {
            open_band = Some(n.band);
            0
        } else {
            if open_band != Some(n.band) {
                open_band = Some(n.band);
                items.push((0, Cell::text("Designs without a PRD in this graph")));
            }
            1
        };
        let mut c = ctx.doc_link(n.doc);
        c.push_text(" — ");
        c.push(ctx.doc_status(n.doc));
        if let Some(s) = n.doc.successor() {
            c.push_text(", superseded by ");
            c.push(ctx.doc_link(ctx.model.doc(s)));
        }
        items.push((depth, c));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_count_successors_and_stop_at_cycles() {
        // 0 → 1 → 2; 3 ↔ 4; 5 → 3.
        let s = [Some(1), Some(2), None, Some(4), Some(3), Some(3)];
        assert_eq!(depths(&s), [2, 1, 0, 0, 0, 1]);
        let s = [None, Some(0), Some(1), Some(2)];
        assert_eq!(depths(&s), [0, 1, 2, 3]);
        // A node superseding itself.
        assert_eq!(depths(&[Some(0)]), [0]);
    }

    #[test]
    fn truncate_counts_columns_and_cuts_at_char_boundaries() {
        assert_eq!(truncate("  Payments \n v2 ", 22), "Payments v2");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(truncate("支払い設計書です", 7), "支払い…");
        assert_eq!(truncate("ab cdef", 4), "ab…");
    }
}
