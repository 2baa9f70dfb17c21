//! The whole run: gather the book, build the model, then edit chapters.
//!
//! 1. **Analyze** ([`crate::analyze`]) every chapter: scan it, check its
//!    directives, expand its skeleton, gather its facts; then model the whole
//!    book.
//! 2. **Edit** ([`crate::edit`]) each chapter by splicing rendered
//!    directives, Source PRD links and the backlinks list into its byte
//!    ranges; every other byte is kept.
//!
//! The same run serves the preprocessor and the command line.

pub use crate::analyze::{Analysis, ChapterWork, Directive, analyze, expand_one};
pub use crate::edit::{ChapterEdit, Piece, edit, splice};

use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::model::{BookModel, ChapterMeta};
use crate::text::{ChapterText, JsonText};
use std::path::PathBuf;

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

/// The resident set size of this process, for debug logs (Linux only).
pub fn rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l["VmRSS:".len()..].trim().to_string())
        })
        .unwrap_or_default()
}

/// What goes out for one chapter.
#[derive(Debug, Clone)]
pub enum ChapterOutput {
    /// The chapter unchanged, as the JSON literal it came in.
    Literal(JsonText),
    /// The JSON literal it came in, with text appended.
    LiteralAppend(JsonText, String),
    /// The chapter's text.
    Text(String),
    /// The chapter's new text in pieces of `text` (its current text) and new
    /// text, written one after the other.
    Spliced {
        /// The current text.
        text: String,
        /// The pieces.
        pieces: Vec<Piece>,
    },
}

/// The result of a whole run.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Every chapter after analysis, in book order.
    pub chapters: Vec<ChapterWork>,
    /// What the edit stage does to each chapter.
    pub edits: Vec<ChapterEdit>,
    /// The model of the book.
    pub model: BookModel,
    /// Every diagnostic, with configured levels applied, sorted by place.
    pub diagnostics: Diagnostics,
}

impl Processed {
    /// What goes out for each chapter, in book order.
    pub fn outputs(&mut self) -> Vec<ChapterOutput> {
        let chapters = std::mem::take(&mut self.chapters);
        let edits = std::mem::take(&mut self.edits);
        chapters
            .into_iter()
            .zip(edits)
            .map(|(w, e)| match (e, w.literal, w.text) {
                (ChapterEdit::Replace(pieces), _, t) => ChapterOutput::Spliced {
                    text: w.expansion.map(|x| x.text).or(t).unwrap_or_default(),
                    pieces,
                },
                (ChapterEdit::Expanded, _, _) => {
                    ChapterOutput::Text(w.expansion.map(|x| x.text).unwrap_or_default())
                }
                (ChapterEdit::Unchanged, _, Some(t)) => ChapterOutput::Text(t),
                (ChapterEdit::Unchanged, Some(j), None) => ChapterOutput::Literal(j),
                (ChapterEdit::Append(a), _, Some(mut t)) => {
                    t.push_str(&a);
                    ChapterOutput::Text(t)
                }
                (ChapterEdit::Append(a), Some(j), None) => ChapterOutput::LiteralAppend(j, a),
                (ChapterEdit::Unchanged | ChapterEdit::Append(_), None, None) => {
                    ChapterOutput::Text(String::new())
                }
            })
            .collect()
    }

    /// The final text of every chapter, in book order.
    pub fn texts(&mut self) -> Vec<String> {
        self.outputs()
            .into_iter()
            .map(|o| match o {
                ChapterOutput::Text(t) => t,
                ChapterOutput::Spliced { text, pieces } => splice(&text, &pieces),
                ChapterOutput::Literal(j) => j.decode().unwrap_or_default(),
                ChapterOutput::LiteralAppend(j, a) => j.decode().unwrap_or_default() + &a,
            })
            .collect()
    }
}

/// Moves diagnostics counted in text that `{{#include}}` expanded to the
/// files a reader can open (see [`crate::origin`]).
fn remap_to_files(diags: &mut Diagnostics, chapters: &[ChapterWork], settings: &Settings) {
    let files: std::collections::HashSet<&str> = diags
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| l.file.as_str())
        .collect();
    let texts: Vec<(&str, std::borrow::Cow<'_, str>)> = chapters
        .iter()
        .filter(|c| files.contains(c.meta.file.as_str()))
        .map(|c| (c.meta.file.as_str(), c.original()))
        .collect();
    if texts.is_empty() {
        return;
    }
    let on_disk: Vec<crate::origin::ChapterOnDisk<'_>> = texts
        .iter()
        .map(|(label, text)| crate::origin::ChapterOnDisk { label, text })
        .collect();
    crate::origin::remap(diags, &on_disk, &settings.root);
}

/// Runs the whole preprocessor over a list of chapters. `diags` holds what
/// was found before (configuration problems).
pub fn process(
    chapters: Vec<SourceChapter>,
    config: &Config,
    settings: &Settings,
    mut diags: Diagnostics,
) -> Processed {
    let t = std::time::Instant::now();
    let analysis = analyze(chapters, config, settings);
    log::debug!("analysis and model: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let edits = edit(&analysis, config, settings, &mut diags);
    log::debug!("edit: {:?} (rss {})", t.elapsed(), rss());
    diags.extend(analysis.diagnostics);
    diags.apply_levels(&config.lints);
    remap_to_files(&mut diags, &analysis.chapters, settings);
    diags.sort();
    Processed {
        chapters: analysis.chapters,
        edits,
        model: analysis.model,
        diagnostics: diags,
    }
}
