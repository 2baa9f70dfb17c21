//! Which documents a table shows, and in which order.

use super::RenderContext;
use crate::analyze::query::{Selection, Sort, SortKey};
use crate::analyze::table::plain;
use crate::book::ChapterId;
use crate::model::Document;
use crate::model::prd::{PrdTarget, resolve_path};
use crate::syntax::directive::ArgProblem;
use std::cmp::Ordering;

/// The numeric parts of a version (`v1.10` → `[1, 10]`).
pub fn version_parts(s: &str) -> Vec<u64> {
    s.trim()
        .trim_start_matches(['v', 'V'])
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// What a document is sorted by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortValue {
    Number(usize),
    Text(String),
    Parts(Vec<u64>),
}

pub fn sort_value(ctx: &RenderContext<'_>, d: &Document, key: SortKey) -> Option<SortValue> {
    let field = |name: &str| {
        d.field(name)
            .map(|v| plain(v).into_owned())
            .filter(|v| !v.is_empty())
    };
    match key {
        SortKey::Book => Some(SortValue::Number(d.chapter.0)),
        SortKey::Status => d
            .status
            .as_deref()
            .and_then(|s| ctx.config.status_rank(s))
            .map(SortValue::Number),
        SortKey::Date => field("Date").map(SortValue::Text),
        SortKey::Title => Some(SortValue::Text(
            ctx.model.chapters[d.chapter].name.to_lowercase(),
        )),
        SortKey::Version => field("Version").map(|v| SortValue::Parts(version_parts(&v))),
        SortKey::Designs => Some(SortValue::Number(d.derived.len())),
    }
}

/// Sorts documents (stably) by a key, each key computed once; documents
/// without a value for the key go last, whatever the direction.
pub fn sort_docs(ctx: &RenderContext<'_>, docs: &mut [&Document], sort: Sort) {
    let Sort { key, desc } = sort;
    let mut keyed: Vec<(Option<SortValue>, &Document)> =
        docs.iter().map(|d| (sort_value(ctx, d, key), *d)).collect();
    keyed.sort_by(|(a, _), (b, _)| values_first(a.as_ref(), b.as_ref(), desc));
    for (slot, (_, d)) in docs.iter_mut().zip(keyed) {
        *slot = d;
    }
}

/// The order of two sort values in the direction asked, a missing value
/// after any value whatever the direction: the order of every sorted table.
pub fn values_first<T: Ord>(a: Option<&T>, b: Option<&T>, desc: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if desc => y.cmp(x),
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Keeps the documents a selection's `status=`, `live=` and `prd=` name,
/// and sorts them.
pub fn select<'m>(
    ctx: &RenderContext<'m>,
    mut docs: Vec<&'m Document>,
    selection: &Selection,
    problems: &mut Vec<ArgProblem>,
) -> Vec<&'m Document> {
    if let Some(wanted) = &selection.status {
        docs.retain(|d| d.status.as_ref().is_some_and(|s| wanted.contains(s)));
    }
    if let Some(live) = selection.live {
        docs.retain(|d| d.is_live() == live);
    }
    if let Some(filter) = &selection.prd {
        match prd_chapter(ctx, &filter.value) {
            Some(ch) => docs.retain(|d| matches!(d.prd.as_ref().map(|p| &p.target), Some(PrdTarget::Chapter(t)) if *t == ch)),
            None => problems.push(ArgProblem {
                span: filter.span.clone(),
                message: format!(
                    "`prd={}` does not resolve to a chapter of this book",
                    filter.value
                ),
                help: Some("give the PRD's path relative to this chapter".into()),
            }),
        }
    }
    sort_docs(ctx, &mut docs, selection.sort);
    docs
}

/// The chapter a `prd=` names: a path relative to the chapter holding the
/// directive (or to the src dir), else a chapter name; as Source PRDs are
/// resolved.
pub fn prd_chapter(ctx: &RenderContext<'_>, value: &str) -> Option<ChapterId> {
    let index = ctx.paths;
    let here = &ctx.model.chapters[ctx.chapter];
    resolve_path(value, &here.path, index)
        .or_else(|| index.by_name.get(&value.trim().to_lowercase()).copied())
        .map(ChapterId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(version_parts("1.10") > version_parts("1.9"));
        assert!(version_parts("v2.0") > version_parts("1.9.9"));
    }
}
