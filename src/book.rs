//! Taking the chapters out of an mdBook [`Book`] and putting the edited
//! texts back, in book order (depth first, as SUMMARY.md lists them).

use crate::links::slash_path;
use crate::model::ChapterMeta;
use crate::preprocess::SourceChapter;
use crate::protocol::RawBook;
use crate::text::ChapterText;
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

/// The names and paths of a chapter as the model sees them.
pub fn chapter_meta(
    name: &str,
    path: Option<&Path>,
    source_path: Option<&Path>,
    src: &str,
    index_enabled: bool,
) -> ChapterMeta {
    let path = path.map(slash_path).unwrap_or_default();
    let source_path = source_path.map(slash_path).unwrap_or_else(|| path.clone());
    ChapterMeta::new(name, &path, &source_path, src, index_enabled)
}

/// The chapters of a book read on the fast path, with their contents still
/// JSON literals.
pub fn raw_chapters(book: &RawBook, src: &Path, index_enabled: bool) -> Vec<SourceChapter> {
    let src = slash_path(src);
    book.chapters()
        .into_iter()
        .map(|c| SourceChapter {
            meta: chapter_meta(
                &c.name,
                c.path.as_deref().map(Path::new),
                c.source_path.as_deref().map(Path::new),
                &src,
                index_enabled,
            ),
            text: ChapterText::Json(c.content.clone()),
        })
        .collect()
}

/// Moves the text of every chapter (drafts, part titles and separators are
/// skipped) out of the book. `src` is the book's source directory, used to
/// name files in diagnostics.
pub fn take_chapters(book: &mut Book, src: &Path, index_enabled: bool) -> Vec<SourceChapter> {
    let src = slash_path(src);
    let mut out = Vec::new();
    walk_mut(&mut book.items, &mut |ch| {
        out.push(SourceChapter {
            meta: chapter_meta(
                &ch.name,
                ch.path.as_deref(),
                ch.source_path.as_deref(),
                &src,
                index_enabled,
            ),
            text: std::mem::take(&mut ch.content).into(),
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
