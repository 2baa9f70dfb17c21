//! The whole run, in order. Each step is a stage of its own; this file only
//! calls them and hands each what the one before gave:
//!
//! 1. [`crate::book`]: the chapters, with names and paths, from mdBook's
//!    JSON or from disk;
//! 2. [`crate::analyze`]: every chapter on its own, in parallel — scan,
//!    check its directives into typed queries, expand its skeleton, gather
//!    its facts;
//! 3. [`crate::model`]: classify the chapters and resolve Source PRDs, gather
//!    the facts of PRDs found only through links, assemble the model of the
//!    whole book;
//! 4. [`crate::edit`]: render each chapter's directives against the model
//!    ([`crate::render`]) and splice them, the Source PRD links and the
//!    backlinks list into its byte ranges; every other byte is kept;
//! 5. levels, the diagnostics' places on disk ([`crate::book::origin`]), and
//!    what goes out for each chapter ([`crate::protocol::write`]).
//!
//! The same run serves the preprocessor and the command line.

use crate::analyze::trace::Side;
use crate::analyze::{self, Analysis, AnalyzedChapter};
use crate::book::disk::DiskBook;
use crate::book::{ChapterMeta, Settings, SourceChapter};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Lines, Lint, Location, PendingNote};
use crate::edit::{self, ChapterEdit};
use crate::model::prd::PathIndex;
use crate::model::{self, BookModel, ChapterInput, DocKind};
use crate::protocol::Context;
use crate::protocol::read::{RawBook, RawItem};
use crate::protocol::text::splice;
use crate::protocol::write::ChapterOutput;
use crate::protocol::{BookShape, stream};
use crate::syntax::directive::DirectiveKind;
use rayon::prelude::*;
use std::sync::{Mutex, PoisonError};

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

/// The result of a whole run.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Every chapter after analysis, in book order.
    pub chapters: Vec<AnalyzedChapter>,
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
                (ChapterEdit::Insert(ins), _, Some(t)) => ChapterOutput::Text(ins.apply(&t)),
                (ChapterEdit::Insert(ins), Some(j), None) => ChapterOutput::LiteralInsert(j, ins),
                (ChapterEdit::Unchanged, None, None) => ChapterOutput::Text(String::new()),
                (ChapterEdit::Insert(ins), None, None) => ChapterOutput::Text(ins.apply("")),
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
                ChapterOutput::LiteralInsert(j, ins) => ins.apply(&j.decode().unwrap_or_default()),
            })
            .collect()
    }
}

/// Gives every diagnostic its final place: those located by byte offset
/// (see [`crate::diagnostic::Pending`]) get their lines and columns, then
/// those counted in text that `{{#include}}` expanded move to the files a
/// reader can open (see [`crate::book::origin`]). Each chapter that a
/// diagnostic names is decoded once, chapters in parallel and a few at a
/// time, so a book with a diagnostic in every chapter never holds all of
/// them decoded at once. Every diagnostic's `pending` is gone afterwards.
fn place_diagnostics(diags: &mut Diagnostics, chapters: &[AnalyzedChapter], settings: &Settings) {
    let by_file: crate::hash::HashMap<&str, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.meta.file.as_str(), i))
        .collect();
    let own_chapter = |d: &Diagnostic| {
        d.location
            .as_ref()
            .and_then(|l| by_file.get(l.file.as_str()).copied())
    };
    // Notes placed in another chapter than their diagnostic's own (a
    // requirement defined by two PRDs): (chapter, offset, diagnostic, note).
    let mut elsewhere: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (di, d) in diags.iter().enumerate() {
        let Some(p) = d.pending.as_deref() else {
            continue;
        };
        let own = own_chapter(d);
        for (k, n) in p.notes.iter().enumerate() {
            match by_file.get(n.file.as_str()) {
                Some(&c) if Some(c) != own => elsewhere.push((c, n.offset, di, k)),
                _ => {}
            }
        }
    }
    if !elsewhere.is_empty() {
        elsewhere.sort_unstable();
        let groups: Vec<&[(usize, usize, usize, usize)]> =
            elsewhere.chunk_by(|a, b| a.0 == b.0).collect();
        let located: Vec<(usize, usize, Location)> = groups
            .par_iter()
            .with_max_len(4)
            .flat_map_iter(|group| {
                let Some(&(c, ..)) = group.first() else {
                    return Vec::new();
                };
                let chapter = &chapters[c];
                let text = chapter.original();
                let lines = Lines::default();
                group
                    .iter()
                    .map(|&(_, offset, di, k)| (di, k, chapter.locate_in(&text, &lines, offset)))
                    .collect()
            })
            .collect();
        let mut items: Vec<&mut Diagnostic> = diags.iter_mut().collect();
        for (di, k, at) in located {
            let Some(d) = items.get_mut(di) else {
                continue;
            };
            if let Some(n) = d.pending.as_ref().and_then(|p| p.notes.get(k)) {
                place_note(&mut d.notes, n, &at);
            }
        }
    }
    // Then each chapter with the diagnostics that name it as their place.
    let mut groups: Vec<(usize, Vec<&mut Diagnostic>)> = Vec::new();
    let mut group_of: crate::hash::HashMap<usize, usize> = crate::hash::HashMap::default();
    for d in diags.iter_mut() {
        let Some(chapter) = own_chapter(d) else {
            d.pending = None;
            continue;
        };
        let g = *group_of.entry(chapter).or_insert_with(|| {
            groups.push((chapter, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(d);
    }
    groups
        .into_par_iter()
        .with_max_len(4)
        .for_each(|(c, mut group)| {
            let chapter = &chapters[c];
            let text = chapter.original();
            let lines = Lines::default();
            for d in group.iter_mut() {
                let Some(p) = d.pending.take() else {
                    continue;
                };
                if let Some(at) = p.at {
                    d.location = Some(chapter.locate_in(&text, &lines, at));
                }
                for n in &p.notes {
                    if by_file.get(n.file.as_str()) == Some(&c) {
                        let at = chapter.locate_in(&text, &lines, n.offset);
                        place_note(&mut d.notes, n, &at);
                    }
                }
            }
            let on_disk = crate::book::origin::ChapterOnDisk {
                label: chapter.meta.file.as_str(),
                text: &text,
            };
            crate::book::origin::remap_chapter(group, &on_disk, &settings.root);
        });
}

/// Writes a pending note's place into the note it stands for.
fn place_note(notes: &mut [String], n: &PendingNote, at: &Location) {
    if let Some(slot) = notes.get_mut(n.index) {
        *slot = format!("note: {}{at}", n.prefix);
    }
}

/// Runs the whole preprocessor over a list of chapters. `diags` holds what
/// was found before (configuration problems).
pub fn process(
    chapters: Vec<SourceChapter>,
    config: &Config,
    settings: &Settings,
    diags: Diagnostics,
) -> Processed {
    let t = std::time::Instant::now();
    let analysis = analyze::analyze(chapters, config, settings);
    log::debug!("analysis: {:?} (rss {})", t.elapsed(), rss());
    process_analysis(analysis, config, settings, diags, t)
}

/// [`process`] from the analysis of every chapter on; `t` is when the
/// analysis began.
fn process_analysis(
    mut analysis: Analysis,
    config: &Config,
    settings: &Settings,
    mut diags: Diagnostics,
    t: std::time::Instant,
) -> Processed {
    let mut found = std::mem::take(&mut analysis.diagnostics);
    let t_model = std::time::Instant::now();
    // Chapters by path and name, for the Source PRDs and for the links
    // the directives write.
    let metas: Vec<&ChapterMeta> = analysis.chapters.iter().map(|w| &w.meta).collect();
    let paths = PathIndex::new(&metas);
    let inputs = chapter_inputs(&analysis.chapters);
    let classes = model::build::classify(&inputs, &analysis.facts, &paths, config, &mut found);
    log::debug!("classify: {:?} (rss {})", t_model.elapsed(), rss());
    let wanted: Vec<Option<Side>> = (0..inputs.len()).map(|i| classes.side(i)).collect();
    drop(inputs);
    analyze::gather_late_facts(
        &analysis.chapters,
        &mut analysis.facts,
        &analysis.profiles,
        &wanted,
        config,
    );
    log::debug!("late facts: {:?} (rss {})", t_model.elapsed(), rss());
    let facts = std::mem::take(&mut analysis.facts);
    let profiles = std::mem::take(&mut analysis.profiles);
    let inputs = chapter_inputs(&analysis.chapters);
    let model = model::build::assemble(&inputs, facts, classes, profiles, config, &mut found);
    drop(inputs);
    log::debug!("model: {:?} (rss {})", t_model.elapsed(), rss());
    log::debug!("analysis and model: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let edits = edit::edit(&analysis, &model, &paths, config, settings, &mut diags);
    drop(paths);
    log::debug!("edit: {:?} (rss {})", t.elapsed(), rss());
    diags.extend(found);
    diags.apply_levels(&config.lints);
    place_diagnostics(&mut diags, &analysis.chapters, settings);
    diags.sort();
    Processed {
        chapters: analysis.chapters,
        edits,
        model,
        diagnostics: diags,
    }
}

/// What the model needs to know of each chapter besides its facts.
fn chapter_inputs(chapters: &[AnalyzedChapter]) -> Vec<ChapterInput<'_>> {
    chapters
        .iter()
        .map(|w| ChapterInput {
            meta: &w.meta,
            skeleton: w.skeleton.map(|k| match k {
                DirectiveKind::PrdSkeleton => DocKind::Prd,
                _ => DocKind::Tdd,
            }),
        })
        .collect()
}

/// The configuration and settings of a run, and what reading the
/// configuration found.
fn setup(context: &Context) -> (Config, Settings, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut config = Config::from_book_config(&context.config, context.is_legacy(), &mut diags);
    set_today(&mut config, None, &mut diags);
    let settings = Settings::from_context(context);
    (config, settings, diags)
}

/// Sets the day review dates are judged against, when the configuration
/// has review dates to judge (see `date::today`: `given`, else
/// `MDBOOK_TDD_TODAY`, else `SOURCE_DATE_EPOCH`, else the clock). A book
/// without `review-after` never reads the clock.
pub fn set_today(config: &mut Config, given: Option<Date>, diags: &mut Diagnostics) {
    if config.review_after.is_empty() {
        return;
    }
    match crate::date::today(given) {
        Ok(d) => config.today = Some(d),
        Err(e) => diags.push(Diagnostic::new(Lint::BadConfig, e)),
    }
}

/// What the fast path of the preprocessor gives: the content of every
/// chapter (in [`RawBook::chapters`] order), unless an error was
/// found, and every diagnostic.
#[derive(Debug)]
pub struct RawRunOutput {
    /// The chapters' contents, or `None` when the run found errors.
    pub contents: Option<Vec<ChapterOutput>>,
    /// Every diagnostic, with configured levels applied.
    pub diagnostics: Diagnostics,
    /// The model of the book. It is handed back rather than dropped, so that
    /// a caller about to exit need not free it piece by piece.
    pub model: BookModel,
}

/// Runs the preprocessor on a book whose chapter contents are still JSON
/// literals of the input: chapters are decoded only where needed, and
/// chapters without changes go out as they came.
pub fn run_raw(context: &Context, book: &RawBook) -> RawRunOutput {
    let (config, settings, diags) = setup(context);
    let chapters = crate::book::chapters(book, &config.src, settings.index_enabled);
    raw_output(process(chapters, &config, &settings, diags))
}

/// What the fast path gives of a processed book.
fn raw_output(mut processed: Processed) -> RawRunOutput {
    let contents = (!processed.diagnostics.has_errors()).then(|| processed.outputs());
    RawRunOutput {
        contents,
        diagnostics: std::mem::take(&mut processed.diagnostics),
        model: std::mem::take(&mut processed.model),
    }
}

/// What [`run_incoming`] gives.
pub enum Streamed {
    /// The book as it came and the run's output.
    Done(RawBook, RawRunOutput),
    /// The whole input, which did not read part by part: for
    /// [`crate::protocol::read::parse_input_raw`] and [`run_raw`] (which
    /// report what is wrong with it).
    Whole(Vec<u8>),
}

/// Runs the preprocessor on input still arriving, whose context was read:
/// each run of items is parsed and its chapters analyzed as soon as it is
/// complete, while the rest is read; the rest of the run follows once the
/// book is complete. The output is [`run_raw`]'s on the same input.
pub fn run_incoming<R: std::io::Read + Send>(
    context: &Context,
    input: &mut stream::Incoming<R>,
) -> std::io::Result<Streamed> {
    let (config, settings, diags) = setup(context);
    let analyzer = analyze::Analyzer::new(&config, &settings);
    let src = crate::links::slash_path(&config.src);
    let done: Mutex<Vec<(usize, Option<AnalyzedRun>)>> = Mutex::new(Vec::new());
    let t = std::time::Instant::now();
    // The reading happens on this thread, a thread of the pool; the other
    // threads take the runs as they come (with one thread, after the
    // reading).
    let ended = rayon::scope(|scope| -> std::io::Result<Result<BookShape, Vec<u8>>> {
        loop {
            match input.next_part()? {
                stream::Next::Items(run) => {
                    let (analyzer, src, done) = (&analyzer, &src, &done);
                    scope.spawn(move |_| {
                        let analyzed = run.parse().map(|items| {
                            let chapters =
                                crate::book::chapters_of(&items, src, settings.index_enabled);
                            let analyzed = analyzer.chapters(chapters);
                            (items, analyzed)
                        });
                        lock(done).push((run.index, analyzed));
                    });
                }
                stream::Next::End(shape) => return Ok(Ok(shape)),
                stream::Next::Whole(all) => return Ok(Err(all)),
            }
        }
    })?;
    let shape = match ended {
        Ok(shape) => shape,
        Err(all) => return Ok(Streamed::Whole(all)),
    };
    let mut runs = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    runs.sort_unstable_by_key(|(index, _)| *index);
    let Some(runs) = runs
        .into_iter()
        .map(|(_, run)| run)
        .collect::<Option<Vec<_>>>()
    else {
        return input.whole().map(Streamed::Whole);
    };
    log::debug!("read input and chapters: {:?} (rss {})", t.elapsed(), rss());
    let mut items = Vec::with_capacity(runs.iter().map(|(items, _)| items.len()).sum());
    let mut parts = Vec::with_capacity(runs.len());
    for (run, analyzed) in runs {
        items.extend(run);
        parts.push(analyzed);
    }
    let analysis = analyzer.finish(parts);
    let out = raw_output(process_analysis(analysis, &config, &settings, diags, t));
    Ok(Streamed::Done(RawBook { items, shape }, out))
}

/// A run of items, parsed, and the analysis of its chapters.
type AnalyzedRun = (Vec<RawItem>, analyze::Analyzed);

/// The vector behind `m`, even if a thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs the whole analysis on a book loaded from disk, without writing
/// anything: the same analysis, and so the same diagnostics, as a build.
pub fn process_disk_book(book: DiskBook, strict: bool) -> Processed {
    process_disk_book_on(book, strict, None)
}

/// [`process_disk_book`], with review dates judged against `today` when it
/// is given (the command line's `--today`).
pub fn process_disk_book_on(book: DiskBook, strict: bool, today: Option<Date>) -> Processed {
    let mut diags = Diagnostics::new();
    let mut config = Config::from_book_config(&book.config, false, &mut diags);
    if strict {
        config.lints.set_strict(true);
    }
    set_today(&mut config, today, &mut diags);
    let settings = Settings::from_disk(&book.root, &book.config);
    process(book.chapters, &config, &settings, diags)
}
