//! The page card: one line inserted after the header of every TDD and PRD
//! page (where, see [`crate::analyze::card`]), saying where the document
//! stands. A TDD's card gives its status, its Source PRD, how many template
//! sections are written and its open items; a PRD's card lists its designs.

use super::RenderContext;
use super::markdown::{Cell, Fragment};
pub use crate::analyze::card::{CARD_DIV, CARD_MARKER};
use crate::analyze::facts::SectionState;
use crate::model::prd::PrdTarget;
use crate::model::{DocKind, Document};

/// The card of a document, as lines ending with `\n`: in HTML output a
/// `<div class="tdd-card">` around a paragraph, for other renderers the
/// [`CARD_MARKER`] comment and the paragraph. Either first line makes the
/// card recognizable when the preprocessor reads its own output.
pub fn card(ctx: &RenderContext<'_>, doc: &Document) -> String {
    let content = match doc.kind {
        DocKind::Tdd => tdd_card(ctx, doc),
        DocKind::Prd => prd_card(ctx, doc),
    };
    let mut f = Fragment::new();
    f.paragraph(content);
    // A card stands in the header, where the model counts placeholders: a
    // brace copied from a name or status is written as an entity, which
    // renders the same and counts as none.
    let line = f.into_markdown().replace('{', "&#123;");
    if ctx.html {
        format!("{CARD_DIV}\n\n{line}\n\n</div>\n")
    } else {
        format!("{CARD_MARKER}\n{line}\n")
    }
}

/// A status after other content: a badge in HTML output, in parentheses
/// elsewhere.
pub fn status_after(ctx: &RenderContext<'_>, doc: &Document) -> Cell {
    let status = ctx.doc_status(doc);
    if ctx.html {
        let mut c = Cell::text(" ");
        c.push(status);
        c
    } else {
        let mut c = Cell::text(" (");
        c.push(status);
        c.push_text(")");
        c
    }
}

fn tdd_card(ctx: &RenderContext<'_>, doc: &Document) -> Cell {
    let mut c = if doc.status.is_none() && doc.status_raw.is_none() {
        Cell::text("No status")
    } else {
        ctx.doc_status(doc)
    };
    c.push_text(" · ");
    match doc.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(ch), _)) => {
            c.push_text("Source PRD: ");
            c.push(ctx.link_to_chapter(*ch));
        }
        Some((PrdTarget::Broken, p)) => {
            c.push_text("Source PRD: ");
            c.push(Cell::emphasis("broken link"));
            c.push_text(&format!(" ({})", p.target_text));
        }
        Some((PrdTarget::Unset, _)) | None => c.push_text("no Source PRD"),
    }
    let total = doc.completeness.len();
    if total > 0 {
        let written = doc
            .completeness
            .iter()
            .filter(|s| s.state == SectionState::Written)
            .count();
        c.push_text(" · ");
        if doc.card.untouched_skeleton {
            c.push_text("skeleton — nothing written yet");
        } else {
            c.push_text(&format!("{written} of {total} sections written"));
        }
    }
    c.push_text(" · ");
    let open = doc.open_items();
    let text = match open {
        0 => "no open items".to_string(),
        1 => "1 open item".to_string(),
        n => format!("{n} open items"),
    };
    match &doc.card.open_items_anchor {
        Some(anchor) if open > 0 => c.push(Cell::link(&text, &format!("#{anchor}"))),
        _ => c.push_text(&text),
    }
    c
}

fn prd_card(ctx: &RenderContext<'_>, doc: &Document) -> Cell {
    if doc.derived.is_empty() {
        return Cell::text("No technical design yet");
    }
    let mut c = Cell::text("Technical designs: ");
    for (i, t) in doc.derived.iter().enumerate() {
        let t = &ctx.model.documents[*t];
        if i > 0 {
            c.push_text(" · ");
        }
        c.push(ctx.doc_link(t));
        c.push(status_after(ctx, t));
    }
    c
}
