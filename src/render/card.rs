//! The page card: one line inserted after the header of every TDD and PRD
//! page (where, see [`crate::analyze::card`]), saying where the document
//! stands. A TDD's card gives its status, its Source PRD, how many template
//! sections are written and its open items; a PRD's card lists its designs.

use super::markdown::{self, Cell};
use super::{Badges, RenderContext};
pub use crate::analyze::card::{CARD_DIV, CARD_MARKER};
use crate::analyze::facts::SectionState;
use crate::model::pin::PinState;
use crate::model::prd::PrdTarget;
use crate::model::{DocKind, Document};
use std::fmt::Write as _;

/// The card of a document, as lines ending with `\n`: in HTML output a
/// `<div class="tdd-card">` around a paragraph, for other renderers the
/// [`CARD_MARKER`] comment and the paragraph. Either first line makes the
/// card recognizable when the preprocessor reads its own output.
pub fn card(ctx: &RenderContext<'_>, doc: &Document, badges: &Badges) -> String {
    let mut out = String::with_capacity(320);
    out.push_str(if ctx.html { CARD_DIV } else { CARD_MARKER });
    out.push_str(if ctx.html { "\n\n" } else { "\n" });
    let line_at = out.len();
    match doc.kind {
        DocKind::Tdd => tdd_card(ctx, doc, badges, &mut out),
        DocKind::Prd => prd_card(ctx, doc, badges, &mut out),
    }
    // A card stands in the header, where the model counts placeholders: a
    // brace copied from a name or status is written as an entity, which
    // renders the same and counts as none.
    if out[line_at..].contains('{') {
        let line = out.split_off(line_at);
        out.push_str(&line.replace('{', "&#123;"));
    }
    out.push_str(if ctx.html { "\n\n</div>\n" } else { "\n" });
    out
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

/// A TDD's card, written at the end of `out` (which starts a paragraph).
fn tdd_card(ctx: &RenderContext<'_>, doc: &Document, badges: &Badges, out: &mut String) {
    if doc.status.is_none() && doc.status_raw.is_none() {
        out.push_str("No status");
    } else {
        out.push_str(&badges.get(ctx, doc, false));
    }
    out.push_str(" · ");
    match doc.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(ch), _)) => {
            out.push_str("Source PRD: ");
            ctx.push_link_markdown(out, *ch);
            // A dead design follows no PRD any more.
            if let Some(p) = doc.pin.as_ref().filter(|_| doc.is_live()) {
                let (v, pv) = (
                    p.version.as_deref().unwrap_or(""),
                    p.prd_version.as_deref().unwrap_or(""),
                );
                let said = match p.state {
                    PinState::Outdated => Some(format!("written against {v}, PRD is now {pv}")),
                    PinState::Predated => Some(format!("pinned to {v}, PRD is only at {pv}")),
                    _ => None,
                };
                if let Some(s) = said {
                    out.push_str(" · **");
                    out.push_str(&Cell::text(&s).to_inner_markdown());
                    out.push_str("**");
                }
            }
        }
        Some((PrdTarget::Broken, p)) => {
            out.push_str("Source PRD: *broken link* (");
            out.push_str(&Cell::text(&p.target_text).to_inner_markdown());
            out.push(')');
        }
        Some((PrdTarget::Unset, _)) | None => out.push_str("no Source PRD"),
    }
    let total = doc.completeness.len();
    if total > 0 {
        out.push_str(" · ");
        if doc.card.untouched_skeleton {
            out.push_str("skeleton — nothing written yet");
        } else {
            let written = doc
                .completeness
                .iter()
                .filter(|s| s.state == SectionState::Written)
                .count();
            let _ = write!(out, "{written} of {total} sections written");
        }
    }
    out.push_str(" · ");
    let open = doc.open_items();
    let text: std::borrow::Cow<'_, str> = match open {
        0 => "no open items".into(),
        1 => "1 open item".into(),
        n => format!("{n} open items").into(),
    };
    match &doc.card.open_items_anchor {
        Some(anchor) if open > 0 => markdown::write_link(out, &text, &format!("#{anchor}")),
        _ => out.push_str(&text),
    }
}

/// A PRD's card, written at the end of `out` (which starts a paragraph).
fn prd_card(ctx: &RenderContext<'_>, doc: &Document, badges: &Badges, out: &mut String) {
    designs(ctx, doc, badges, out);
    if let Some(s) = super::trace::requirements_summary(doc) {
        out.push_str(" · Requirements: ");
        out.push_str(&s);
    }
    if let Some(s) = super::trace::questions_summary(doc) {
        out.push_str(" · Open questions: ");
        out.push_str(&s);
    }
}

/// The designs of a PRD, for its card.
fn designs(ctx: &RenderContext<'_>, doc: &Document, badges: &Badges, out: &mut String) {
    if doc.derived.is_empty() {
        out.push_str("No technical design yet");
        return;
    }
    out.push_str("Technical designs: ");
    for (i, t) in doc.derived.iter().enumerate() {
        let t = &ctx.model.documents[*t];
        if i > 0 {
            out.push_str(" · ");
        }
        ctx.push_link_markdown(out, t.chapter);
        let status = badges.get(ctx, t, true);
        if ctx.html {
            out.push(' ');
            out.push_str(&status);
        } else {
            out.push_str(" (");
            out.push_str(&status);
            out.push(')');
        }
        if let Some(mark) = super::status::outdated_mark(t) {
            out.push_str(&Cell::text(&mark).to_inner_markdown());
        }
    }
}
