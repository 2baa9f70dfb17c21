//! The backlinks list of a PRD: the TDDs whose Source PRD it is.

use super::markdown::Fragment;
use super::{RenderContext, empty_note};
pub use crate::analyze::end::BACKLINKS_MARKER;
use crate::book::ChapterId;
use crate::model::{DocKind, Document};

/// The backlinks list of a PRD chapter; with `heading`, under that heading
/// and after the marker (for the list appended to PRD chapters).
pub fn backlinks(ctx: &RenderContext<'_>, chapter: ChapterId, heading: Option<&str>) -> String {
    // The marker makes the list recognizable when the preprocessor runs
    // again on its own output.
    let mut f = Fragment::new();
    f.html_block(&format!("{BACKLINKS_MARKER}\n"));
    if let Some(h) = heading {
        f.heading(2, h);
    }
    let tdds: Vec<&Document> = ctx
        .model
        .document_of(chapter)
        .filter(|d| d.kind == DocKind::Prd)
        .map(|d| d.derived.iter().map(|i| &ctx.model.documents[*i]).collect())
        .unwrap_or_default();
    if tdds.is_empty() {
        empty_note(
            &mut f,
            "No technical designs derive from this document yet.",
        );
    } else {
        let items = tdds
            .iter()
            .map(|t| {
                let mut c = ctx.doc_link(t);
                c.push_text(" — ");
                c.push(ctx.doc_status(t));
                c
            })
            .collect();
        f.list(items);
    }
    f.into_markdown()
}
