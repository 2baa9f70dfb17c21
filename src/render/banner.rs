//! The status banner at the top of a page that is no longer in force: a
//! superseded document names its successor (and, when that one was replaced
//! too, the document in force at the end of the chain); a document in a dead
//! status (Rejected, Deprecated, …) says so, "in favour of" its successor if
//! it has one. It goes where the page card goes, before it (see
//! [`crate::analyze::card`]).
//!
//! In HTML output the banner is a `<div class="tdd-banner">` around a block
//! quote: under mdBook 0.5 with admonitions on, a `> [!WARNING]` one, which
//! mdBook renders as its warning block; elsewhere a plain block quote that
//! reads as a sentence. Other renderers get the [`BANNER_MARKER`] comment and
//! the block quote. Either first line makes the banner recognizable when the
//! preprocessor reads its own output, so a second run adds none.

use super::markdown::Cell;
use super::{Badges, RenderContext};
pub use crate::analyze::card::{BANNER_DIV, BANNER_MARKER};
use crate::model::lifecycle::ChainEnd;
use crate::model::{DocId, DocKind, Document};

/// The banner of a document, as lines ending with `\n`, or `None` when the
/// document is in force.
pub fn banner(ctx: &RenderContext<'_>, doc: &Document, badges: &Badges) -> Option<String> {
    if doc.is_live() {
        return None;
    }
    let model = ctx.model;
    let noun = match doc.kind {
        DocKind::Tdd => "design",
        DocKind::Prd => "PRD",
    };
    let status = doc.status.as_deref().or(doc.status_raw.as_deref());
    let mut line = String::with_capacity(256);
    // A document linked with its status: a badge in HTML output, the status
    // in parentheses elsewhere.
    let named = |id: DocId, out: &mut String| {
        let d = model.doc(id);
        ctx.push_link_markdown(out, d.chapter);
        if d.status.is_none() && d.status_raw.is_none() {
            return;
        }
        if ctx.html {
            out.push(' ');
            out.push_str(&badges.get(ctx, d, true));
        } else {
            out.push_str(" (");
            out.push_str(&badges.get(ctx, d, true));
            out.push(')');
        }
    };
    // The status a superseded document is expected to have reads "Superseded
    // by"; another dead status (Rejected) reads "Rejected in favour of".
    let dead_word =
        status.filter(|s| !ctx.config.is_live(s) && !ctx.config.is_superseded_status(s));
    let lead = |out: &mut String, word: &str| {
        out.push_str("**");
        out.push_str(&Cell::text(word).to_inner_markdown());
        out.push_str("**");
    };
    match doc.successor() {
        Some(next) => {
            match dead_word {
                Some(word) => {
                    lead(&mut line, word);
                    line.push_str(" in favour of ");
                }
                None => {
                    lead(&mut line, "Superseded");
                    line.push_str(" by ");
                }
            }
            named(next, &mut line);
            line.push('.');
            match doc.lifecycle.end {
                ChainEnd::At(end) if end != next => {
                    if model.doc(end).is_live() {
                        line.push_str(" The ");
                        line.push_str(noun);
                        line.push_str(" in force is ");
                        named(end, &mut line);
                        line.push('.');
                    } else {
                        line.push_str(" No ");
                        line.push_str(noun);
                        line.push_str(" in its chain of successors is in force; the newest is ");
                        named(end, &mut line);
                        line.push('.');
                    }
                }
                ChainEnd::At(end) if !model.doc(end).is_live() => {
                    line.push_str(" That ");
                    line.push_str(noun);
                    line.push_str(" is not in force either.");
                }
                ChainEnd::Cycle(_) => {
                    line.push_str(
                        " Its successors supersede each other in a cycle: none is in force.",
                    );
                }
                _ => {}
            }
        }
        None => {
            lead(&mut line, status.unwrap_or("Not in force"));
            line.push_str(": this ");
            line.push_str(noun);
            line.push_str(" is not in force.");
        }
    }
    // The banner stands in the header, where the model counts placeholders:
    // a brace copied from a name or status is written as an entity.
    if line.contains('{') {
        line = line.replace('{', "&#123;");
    }
    Some(if ctx.html {
        if ctx.config.markdown.admonitions {
            format!("{BANNER_DIV}\n\n> [!WARNING]\n> {line}\n\n</div>\n")
        } else {
            format!("{BANNER_DIV}\n\n> {line}\n\n</div>\n")
        }
    } else {
        format!("{BANNER_MARKER}\n> {line}\n")
    })
}
