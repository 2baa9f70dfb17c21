//! Taking the chapters out of an mdBook [`Book`] and putting the edited
//! texts back, in book order (depth first, as SUMMARY.md lists them).

use crate::links::{self, slash_path};
use crate::model::ChapterMeta;
use crate::preprocess::SourceChapter;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::path::Path;

fn walk_mut(items: &mut [BookItem], f: &mut impl FnMut(&mut Chapter)) {
    for item in items {
        if let BookItem::Chapter(ch) = item {
            if ch.path.is_some() {
                f(ch);
            }
            walk_mut(&mut ch.sub_items, f);
        }
    }
}

/// Moves the text of every chapter (drafts, part titles and separators are
/// skipped) out of the book. `src` is the book's source directory, used to
/// name files in diagnostics.
pub fn take_chapters(book: &mut Book, src: &Path, index_enabled: bool) -> Vec<SourceChapter> {
    let src = slash_path(src);
    let mut out = Vec::new();
    walk_mut(&mut book.items, &mut |ch| {
        let path = ch.path.as_deref().map(slash_path).unwrap_or_default();
        let source_path = ch
            .source_path
            .as_deref()
            .map(slash_path)
            .unwrap_or_else(|| path.clone());
        let file = if src.is_empty() {
            source_path.clone()
        } else {
            format!("{src}/{source_path}")
        };
        out.push(SourceChapter {
            meta: ChapterMeta {
                name: ch.name.clone(),
                served: links::served_path(&path, index_enabled),
                path,
                source_path,
                file,
            },
            text: std::mem::take(&mut ch.content),
        });
    });
    out
}

/// Puts texts back into the chapters, in the order [`take_chapters`] took
/// them.
pub fn put_chapters(book: &mut Book, texts: Vec<String>) {
    let mut texts = texts.into_iter();
    walk_mut(&mut book.items, &mut |ch| {
        if let Some(t) = texts.next() {
            ch.content = t;
        }
    });
}
