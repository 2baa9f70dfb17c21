//! The input of the pipeline: the chapters of a book with their names and
//! paths, and the facts about the build that are not in `[preprocessor.tdd]`
//! — from mdBook's JSON ([`chapters`]) or from disk ([`disk`]). [`origin`]
//! knows where a place of a chapter's text is on disk.

pub mod disk;
pub mod origin;

use crate::links::{self, slash_path};
use crate::protocol::read::{RawBook, RawItem};
use crate::protocol::text::ChapterText;
use std::path::{Path, PathBuf};

/// A chapter of the book, by its place in book order (drafts, part titles
/// and separators left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ChapterId(pub usize);

impl std::ops::Index<ChapterId> for [ChapterMeta] {
    type Output = ChapterMeta;
    fn index(&self, id: ChapterId) -> &ChapterMeta {
        &self[id.0]
    }
}

impl std::ops::Index<ChapterId> for Vec<ChapterMeta> {
    type Output = ChapterMeta;
    fn index(&self, id: ChapterId) -> &ChapterMeta {
        &self[id.0]
    }
}

/// A chapter's names and paths, as the book gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChapterMeta {
    /// The chapter's name in SUMMARY.md.
    pub name: String,
    /// Its path relative to the src dir, `/`-separated.
    pub path: String,
    /// The path its page is served under (README chapters as `index.md`).
    pub served: String,
    /// Its source path relative to the src dir, `/`-separated.
    pub source_path: String,
    /// The file named in diagnostics (`src/tdd/payments.md`).
    pub file: String,
}

impl ChapterMeta {
    /// The names and paths of the chapter `name` at `path` (from its
    /// `source_path`), both `/`-separated and relative to the book's `src`
    /// dir; with `index_enabled`, a README is served as `index.md`.
    pub fn new(
        name: &str,
        path: &str,
        source_path: &str,
        src: &str,
        index_enabled: bool,
    ) -> ChapterMeta {
        ChapterMeta {
            name: name.to_string(),
            path: path.to_string(),
            served: links::served_path(path, index_enabled),
            source_path: source_path.to_string(),
            file: if src.is_empty() {
                source_path.to_string()
            } else {
                format!("{src}/{source_path}")
            },
        }
    }
}

/// A chapter as it comes from the book.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceChapter {
    /// Names and paths.
    pub meta: ChapterMeta,
    /// The Markdown text (decoded, or still a JSON literal).
    pub text: ChapterText,
}

/// Facts about the build that are not in `[preprocessor.tdd]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The book root (for template files).
    pub root: PathBuf,
    /// Whether mdBook's `index` preprocessor turns README chapters into
    /// `index.md`.
    pub index_enabled: bool,
    /// Whether the output is for the HTML renderer.
    pub html: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            root: PathBuf::from("."),
            index_enabled: true,
            html: true,
        }
    }
}

impl Settings {
    /// The settings of a preprocessor run, from mdBook's context.
    pub fn from_context(context: &crate::protocol::Context) -> Settings {
        Settings {
            root: context.root.clone(),
            index_enabled: index_enabled(&context.config),
            html: context.renderer == "html",
        }
    }

    /// The settings of a run on a book read from disk (by the command
    /// line), as for the HTML renderer.
    pub fn from_disk(root: &Path, book_config: &serde_json::Value) -> Settings {
        Settings {
            root: root.to_path_buf(),
            index_enabled: index_enabled(book_config),
            html: true,
        }
    }
}

/// Whether mdBook's `index` preprocessor runs (it does unless the default
/// preprocessors are turned off).
pub fn index_enabled(book_config: &serde_json::Value) -> bool {
    book_config
        .pointer("/build/use-default-preprocessors")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
        || book_config.pointer("/preprocessor/index").is_some()
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
pub fn chapters(book: &RawBook, src: &Path, index_enabled: bool) -> Vec<SourceChapter> {
    chapters_of(&book.items, &slash_path(src), index_enabled)
}

/// The chapters of `items` (some of a book's top-level items) read on the
/// fast path, as [`chapters`] gives them; `src` is `/`-separated.
pub fn chapters_of(items: &[RawItem], src: &str, index_enabled: bool) -> Vec<SourceChapter> {
    crate::protocol::read::chapters_in(items)
        .into_iter()
        .map(|c| SourceChapter {
            meta: chapter_meta(
                &c.name,
                c.path.as_deref().map(Path::new),
                c.source_path.as_deref().map(Path::new),
                src,
                index_enabled,
            ),
            text: ChapterText::Json(c.content.clone()),
        })
        .collect()
}
