//! The analysis stage: every chapter is scanned, its directives checked,
//! its skeleton expanded, and what it says on its own gathered as
//! [`ChapterFacts`]; then the [`BookModel`] of the whole book is built.
//!
//! Chapters are analyzed in parallel. A chapter that cannot hold anything of
//! ours is never decoded or parsed; a chapter that no edit will touch keeps
//! only its facts, not its text.

pub mod card;
pub mod directives;
pub mod end;
pub mod facts;
pub mod lifecycle;
pub mod profile;
pub mod query;
pub mod skeleton;
pub mod table;
pub mod templates;
pub mod trace;

use crate::analyze::directives::Directive;
use crate::analyze::directives::arg_problem;
use crate::analyze::directives::check_directives;
use crate::analyze::facts::ChapterFacts;
use crate::analyze::profile::TemplateProfile;
use crate::analyze::skeleton::Expansion;
use crate::analyze::templates::TemplateId;
use crate::analyze::templates::Templates;
use crate::analyze::trace::Side;
use crate::book::ChapterMeta;
use crate::book::{Settings, SourceChapter};
use crate::config::{Config, MermaidSetup};
use crate::diagnostic::{Diagnostic, Diagnostics, Lines, Lint, Location};
use crate::protocol::text::{ChapterText, JsonText};
use crate::syntax::directive::DirectiveKind;
use crate::syntax::lines::{first_lone_cr, lf_view, line_ending};
use crate::syntax::scan::{self, ChapterScan};
use rayon::prelude::*;
use std::borrow::Cow;

/// One chapter after analysis.
#[derive(Debug, Clone)]
pub struct AnalyzedChapter {
    /// Names and paths.
    pub meta: ChapterMeta,
    /// The text as a JSON literal of the input, when it came as one.
    pub literal: Option<JsonText>,
    /// The decoded text, while something may still need it. Chapters that
    /// came as a literal and that no edit touches drop it after analysis.
    pub text: Option<String>,
    /// The current text with its lone carriage returns turned into line
    /// feeds, when it has any (see [`lf_view`]): what line-based analysis
    /// reads. Offsets are the same as in the text.
    pub view: Option<String>,
    /// The skeleton expansion, if the chapter had a skeleton.
    pub expansion: Option<Box<Expansion>>,
    /// Which skeleton was expanded (`tdd-skeleton` or `prd-skeleton`).
    pub skeleton: Option<DirectiveKind>,
    /// Directives to render, in the current text.
    pub directives: Vec<Directive>,
    /// Which template judged the chapter.
    pub template: TemplateId,
    /// What the chapter says on its own (for scanned chapters, until the
    /// model takes it).
    pub facts: Option<Box<ChapterFacts>>,
    /// Lines and columns of the text as it came, for diagnostics.
    lines: Lines,
}

impl AnalyzedChapter {
    fn new(source: SourceChapter) -> Self {
        let (literal, text) = match source.text {
            ChapterText::Text(s) => (None, Some(s)),
            ChapterText::Json(j) => (Some(j), None),
        };
        AnalyzedChapter {
            meta: source.meta,
            literal,
            text,
            view: None,
            expansion: None,
            skeleton: None,
            directives: Vec::new(),
            template: TemplateId::default(),
            facts: None,
            lines: Lines::default(),
        }
    }

    /// The current text: expanded if the chapter had a skeleton; empty if it
    /// was not kept.
    pub fn text(&self) -> &str {
        match (&self.expansion, &self.text) {
            (Some(e), _) => &e.text,
            (None, Some(t)) => t,
            (None, None) => "",
        }
    }

    /// The current text as line-based analysis reads it: every line ends
    /// with `\n` or `\r\n`.
    pub fn view(&self) -> &str {
        self.view.as_deref().unwrap_or_else(|| self.text())
    }

    /// The text as it came, decoded again if it was not kept.
    pub fn original(&self) -> Cow<'_, str> {
        match (&self.text, &self.literal) {
            (Some(t), _) => Cow::Borrowed(t),
            (None, Some(j)) => Cow::Owned(j.decode().unwrap_or_default()),
            (None, None) => Cow::Borrowed(""),
        }
    }

    /// The location of an offset of the current text, in the original file.
    pub fn locate(&self, offset: usize) -> Location {
        let original = match &self.expansion {
            Some(e) => e.original_offset(offset),
            None => offset,
        };
        self.locate_original(original)
    }

    /// The location of an offset of the current text, given the text as
    /// it came (`original`, which may have been decoded again) and a cache
    /// of its lines for the chapter's other offsets.
    pub fn locate_in(&self, original: &str, lines: &Lines, offset: usize) -> Location {
        let offset = match &self.expansion {
            Some(e) => e.original_offset(offset),
            None => offset,
        };
        let (line, column) = lines.line_col(original, offset);
        Location {
            file: self.meta.file.clone(),
            line,
            column,
        }
    }

    /// The location of an offset of the text as it came.
    pub fn locate_original(&self, offset: usize) -> Location {
        // The text is decoded before anything is located, and only dropped
        // once nothing will be.
        let (line, column) = match &self.text {
            Some(t) => self.lines.line_col(t, offset),
            None => (0, 0),
        };
        Location {
            file: self.meta.file.clone(),
            line,
            column,
        }
    }
}

/// The analysis of a whole book.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every chapter, in book order.
    pub chapters: Vec<AnalyzedChapter>,
    /// What each chapter says on its own (`None` for chapters that cannot
    /// hold anything of ours, until a TDD's link makes one a PRD).
    pub facts: Vec<Option<Box<ChapterFacts>>>,
    /// What each template teaches (index 0 is the book's default).
    pub profiles: Vec<TemplateProfile>,
    /// What was found; levels are not yet applied.
    pub diagnostics: Diagnostics,
}

/// Whether a chapter can hold anything of ours without a full scan telling:
/// a directive, a Source PRD field, or a path matched by the config. The
/// markers are plain ASCII, which JSON escapes leave alone, so a chapter that
/// came as a JSON literal is sniffed without decoding it.
fn needs_scan(work: &AnalyzedChapter, config: &Config) -> bool {
    let p = &work.meta.path;
    if config.tdd_paths.iter().any(|g| g.matches(p))
        || config.prd_paths.iter().any(|g| g.matches(p))
    {
        return true;
    }
    match (&work.text, &work.literal) {
        (Some(t), _) => has_markers(t.as_bytes()),
        // A marker in the literal is one in the text; one written with
        // `\u` escapes shows only once the literal is decoded.
        (None, Some(j)) => {
            has_markers(j.raw())
                || (crate::syntax::needle::UNICODE_ESCAPE
                    .find(j.raw())
                    .is_some()
                    && j.decode().is_ok_and(|t| has_markers(t.as_bytes())))
        }
        (None, None) => false,
    }
}

fn has_markers(bytes: &[u8]) -> bool {
    // A Source PRD field sits near the top of a TDD: look for it first.
    has_field_marker(bytes)
        || crate::syntax::needle::DIRECTIVE.find_iter(bytes).any(|i| {
            let rest = &bytes[i + 3..];
            crate::syntax::directive::is_ours(rest)
        })
}

/// Whether the text holds "source prd" or "supersede" (a Supersedes or
/// Superseded-By field) in any case: every chapter that names another in
/// its lifecycle fields is scanned with the rest, so that the model can
/// tell from the first pass which chapters those fields make documents.
fn has_field_marker(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'p', b'P', bytes).any(|i| {
        (i >= 7
            && bytes.len() >= i + 3
            && bytes[i..i + 3].eq_ignore_ascii_case(b"prd")
            && bytes[i - 7..i].eq_ignore_ascii_case(b"source "))
            || (i >= 2
                && bytes
                    .get(i - 2..i + 7)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"supersede")))
    })
}

/// Whether a carriage return that no line feed follows comes before `at`.
fn lone_cr_before(text: &str, at: Option<usize>) -> bool {
    first_lone_cr(text).is_some_and(|f| at.is_some_and(|at| f < at))
}

/// Analyzes one chapter: scan, directives, skeleton, and the facts the
/// model needs.
fn analyze_chapter(
    source: SourceChapter,
    config: &Config,
    settings: &Settings,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> AnalyzedChapter {
    let mut work = AnalyzedChapter::new(source);
    if !needs_scan(&work, config) {
        diagrams_of_other_chapters(&mut work, config, settings, diags);
        return work;
    }
    if work.text.is_none() {
        match work.literal.as_ref().map(JsonText::decode) {
            Some(Ok(t)) => work.text = Some(t),
            Some(Err(e)) => {
                diags.push(
                    Diagnostic::new(
                        Lint::BadInput,
                        format!("the chapter's text cannot be read: {e}"),
                    )
                    .at(work.locate(0)),
                );
                return work;
            }
            None => return work,
        }
    }
    work.view = lf_view(work.text());
    let scan = scan_chapter(&mut work, config, settings, templates, diags);
    mermaid_not_rendered(&work, &scan.mermaid_fences, config, settings, diags);
    let guidance = templates.guidance(work.template, &config.markdown);
    let w = &work;
    let eol = line_ending(w.text());
    let side = match w.skeleton {
        Some(DirectiveKind::PrdSkeleton) => Side::Prd,
        Some(_) => Side::Design,
        None => Side::Either,
    };
    let mut facts = ChapterFacts::new(
        w.view(),
        eol,
        &scan,
        &guidance,
        w.template,
        config,
        side,
        &|o| w.locate(o),
    );
    facts.card.untouched_skeleton = w.expansion.as_ref().is_some_and(|e| e.untouched());
    facts.card.lone_cr = w.view.is_some() && lone_cr_before(w.text(), facts.card.at);
    work.facts = Some(Box::new(facts));
    // Nothing will edit a chapter without directives, without a skeleton,
    // and whose Source PRD (if any) is already a link: its text can go.
    let prd_needs_link = work
        .facts
        .as_ref()
        .and_then(|f| f.header.get("Source PRD"))
        .is_some_and(|f| !f.value.starts_with('[') && !f.value.starts_with('<'));
    if work.literal.is_some()
        && work.directives.is_empty()
        && work.expansion.is_none()
        && !prd_needs_link
    {
        work.text = None;
        work.view = None;
    }
    work
}

/// Whether the `mermaid-not-rendered` lint can fire in this run, and for
/// which diagrams: `Some(true)` every diagram, `Some(false)` only those a
/// skeleton's template brings.
fn diagrams_to_report(config: &Config, settings: &Settings) -> Option<bool> {
    if !settings.html
        || config.lints.level(Lint::MermaidNotRendered) == crate::diagnostic::Level::Allow
    {
        return None;
    }
    match &config.mermaid {
        MermaidSetup::Missing => Some(true),
        MermaidSetup::BeforeTdd(_) => Some(false),
        MermaidSetup::Rendered | MermaidSetup::NoHtml => None,
    }
}

/// `mermaid-not-rendered`: the first Mermaid diagram (a fenced code block)
/// of a chapter that the HTML page will show as code: the book configures
/// nothing that renders Mermaid, or its Mermaid preprocessor runs before
/// this one, which is a problem for the diagrams a skeleton's template
/// brings (the author's were rendered before the chapter got here).
fn mermaid_not_rendered(
    work: &AnalyzedChapter,
    fences: &[usize],
    config: &Config,
    settings: &Settings,
    diags: &mut Diagnostics,
) {
    let Some(every) = diagrams_to_report(config, settings) else {
        return;
    };
    let from_template = |f: usize| {
        work.expansion
            .as_ref()
            .is_some_and(|e| e.is_template_text(f))
    };
    let found: Vec<usize> = fences
        .iter()
        .copied()
        .filter(|&f| every || from_template(f))
        .collect();
    let Some(&first) = found.first() else {
        return;
    };
    let mut d = match &config.mermaid {
        MermaidSetup::BeforeTdd(name) => Diagnostic::new(
            Lint::MermaidNotRendered,
            format!(
                "Mermaid diagram not rendered: the `{name}` preprocessor runs before `tdd`, so it never sees the diagrams of the expanded skeleton"
            ),
        )
        .help(format!(
            "add `before = [\"{name}\"]` to `[preprocessor.tdd]` (`mdbook-tdd install` does)"
        )),
        _ => Diagnostic::new(
            Lint::MermaidNotRendered,
            "Mermaid diagram not rendered: the book configures no Mermaid renderer, so the page shows its code",
        )
        .help("install mdbook-mermaid (`cargo install mdbook-mermaid`), run `mdbook-mermaid install` in the book, then `mdbook-tdd install` (it runs tdd before mermaid)"),
    }
    .at(work.locate(first));
    if from_template(first) {
        d = d.note("the diagram comes from the skeleton's template");
    }
    if found.len() > 1 {
        let more = found.len() - 1;
        let s = if more == 1 { "" } else { "s" };
        d = d.note(format!("{more} more Mermaid diagram{s} in this chapter"));
    }
    diags.push(d);
}

/// The diagrams of a chapter that holds nothing of ours (so is not scanned
/// otherwise): looked for only where the lint reports any diagram, and only
/// in chapters that mention Mermaid at all.
fn diagrams_of_other_chapters(
    work: &mut AnalyzedChapter,
    config: &Config,
    settings: &Settings,
    diags: &mut Diagnostics,
) {
    if diagrams_to_report(config, settings) != Some(true) {
        return;
    }
    let mentions = |b: &[u8]| crate::syntax::needle::MERMAID.find(b).is_some();
    let keep_text = work.text.is_some();
    match (&work.text, &work.literal) {
        (Some(t), _) if mentions(t.as_bytes()) => {}
        (None, Some(j)) if mentions(j.raw()) => match j.decode() {
            Ok(t) => work.text = Some(t),
            Err(_) => return,
        },
        _ => return,
    }
    let view = lf_view(work.text());
    let scan = scan::scan(view.as_deref().unwrap_or(work.text()), &config.markdown);
    mermaid_not_rendered(work, &scan.mermaid_fences, config, settings, diags);
    if !keep_text {
        work.text = None;
    }
}

/// Scans one chapter (its text decoded), checks its directives and expands
/// its skeleton; returns the scan of the chapter's current text.
fn scan_chapter(
    work: &mut AnalyzedChapter,
    config: &Config,
    settings: &Settings,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> ChapterScan {
    let first_scan = scan::scan(work.view(), &config.markdown);
    let checked = {
        let w = &*work;
        check_directives(&first_scan, config, &|o| w.locate(o), diags)
    };
    let Some(sk) = checked.skeleton else {
        work.directives = checked.directives;
        return first_scan;
    };

    // The skeleton: fill its template, merge, and scan the result again.
    let template_idx = match sk.args.iter().find(|a| a.key == "template") {
        Some(a) => match templates.get(&a.value, settings) {
            Ok(i) => i,
            Err((lint, message)) => {
                diags.push(Diagnostic::new(lint, message).at(work.locate(a.span.start)));
                return first_scan;
            }
        },
        None => templates.default_for(sk.kind),
    };
    let tpl = templates.prepared(template_idx, &config.markdown);
    let (filling, problems) = skeleton::Filling::of(sk.kind, &tpl, &sk.args);
    for p in problems {
        let w = &*work;
        diags.push(arg_problem(p, sk.kind, sk.span.start, &|o| w.locate(o)));
    }
    let expansion = skeleton::expand(
        work.text(),
        sk.span.clone(),
        &tpl,
        &filling,
        &config.markdown,
    );
    if expansion.header_replaced {
        // The header arguments of this skeleton (`prd` of a PRD skeleton
        // was reported as unknown already).
        for a in sk.args.iter().filter(|a| {
            matches!(
                a.key.as_str(),
                "author" | "date" | "status" | "version" | "prd" | "prd-version" | "supersedes"
            ) && sk.kind.params().contains(&a.key.as_str())
        }) {
            diags.push(
                Diagnostic::new(
                    Lint::UnusedArgument,
                    format!(
                        "argument `{}` is not used: the chapter writes its own header",
                        a.key
                    ),
                )
                .at(work.locate(a.span.start))
                .help("add the field to the chapter's header, or drop the argument"),
            );
        }
    }
    for skeleton::DuplicateSection { at, title } in &expansion.duplicates {
        diags.push(
            Diagnostic::new(
                Lint::DuplicateSection,
                format!(
                    "section `{title}` is written twice; the second one is kept as an extra section"
                ),
            )
            .at(work.locate_original(*at)),
        );
    }
    work.view = lf_view(&expansion.text);
    work.expansion = Some(Box::new(expansion));
    work.skeleton = Some(sk.kind);
    let second = scan::scan(work.view(), &config.markdown);
    // Guidance that a template leaves inside code or HTML (a fence it does
    // not close) cannot be wrapped without changing that block.
    if let Some(e) = work.expansion.as_mut() {
        e.guidance
            .retain(|r| !second.splits_protected(r.start) && !second.splits_protected(r.end));
    }
    work.template = template_idx;
    // Author directives were checked above, where their problems point at
    // what the author wrote; checked again in the expansion they would be
    // reported twice. So of the second check only the problems of the
    // template's own directives are kept: those point at the skeleton
    // directive, since template text maps back to it.
    let mut quiet = Diagnostics::new();
    let again = {
        let w = &*work;
        check_directives(&second, config, &|o| w.locate(o), &mut quiet)
    };
    let at = work.locate(sk.span.start);
    for d in quiet {
        if d.location.as_ref() == Some(&at) {
            diags.push(d);
        }
    }
    // The expansion holds no skeleton: what the template holds is text.
    work.directives = again.directives;
    second
}

/// Gathers the facts of a chapter the analysis did not scan (a PRD found
/// only through a TDD's link).
fn late_facts(
    work: &AnalyzedChapter,
    side: Side,
    config: &Config,
    guidance: &[TemplateProfile],
) -> Option<Box<ChapterFacts>> {
    let original = work.original();
    let eol = line_ending(&original);
    let view = lf_view(&original);
    let lone_cr = view.is_some();
    let first_lone = if lone_cr {
        first_lone_cr(&original)
    } else {
        None
    };
    let text = view.map_or(original, Cow::Owned);
    let scan = scan::scan(&text, &config.markdown);
    let g = guidance.get(work.template.0).or(guidance.first())?;
    let lines = Lines::default();
    let locate = |o: usize| {
        let (line, column) = lines.line_col(&text, o);
        Location {
            file: work.meta.file.clone(),
            line,
            column,
        }
    };
    let mut facts = ChapterFacts::new(&text, eol, &scan, g, work.template, config, side, &locate);
    facts.card.lone_cr = first_lone.is_some_and(|f| facts.card.at.is_some_and(|at| f < at));
    Some(Box::new(facts))
}

/// Analyzes every chapter of the book, in parallel.
pub fn analyze(chapters: Vec<SourceChapter>, config: &Config, settings: &Settings) -> Analysis {
    let analyzer = Analyzer::new(config, settings);
    let t = std::time::Instant::now();
    let analyzed = analyzer.chapters(chapters);
    log::debug!("chapters: {:?}", t.elapsed());
    analyzer.finish(vec![analyzed])
}

/// The analysis of a book's chapters, given some at a time (as they
/// arrive) or all at once.
pub struct Analyzer<'a> {
    config: &'a Config,
    settings: &'a Settings,
    templates: Templates,
    /// What reading the templates found.
    diagnostics: Diagnostics,
}

/// Some chapters analyzed, in order, each with what its analysis found.
pub struct Analyzed {
    chapters: Vec<AnalyzedChapter>,
    diagnostics: Vec<Diagnostics>,
}

impl<'a> Analyzer<'a> {
    /// The analyzer of a run with `config` and `settings`; the templates
    /// are read here.
    pub fn new(config: &'a Config, settings: &'a Settings) -> Self {
        let mut diagnostics = Diagnostics::new();
        let templates = Templates::new(config, settings, &mut diagnostics);
        Analyzer {
            config,
            settings,
            templates,
            diagnostics,
        }
    }

    /// Analyzes `chapters`, consecutive chapters of the book, in parallel.
    pub fn chapters(&self, chapters: Vec<SourceChapter>) -> Analyzed {
        // Chapters differ in cost by orders of magnitude and the costly ones
        // sit together (a book's designs, its huge chapters): small pieces,
        // so that an idle thread always has one to take.
        let (chapters, diagnostics) = chapters
            .into_par_iter()
            .with_max_len(4)
            .map(|c| {
                let mut d = Diagnostics::new();
                let w = analyze_chapter(c, self.config, self.settings, &self.templates, &mut d);
                (w, d)
            })
            .unzip();
        Analyzed {
            chapters,
            diagnostics,
        }
    }

    /// The analysis of the book whose chapters, in order, are `parts`.
    pub fn finish(self, parts: Vec<Analyzed>) -> Analysis {
        let mut diags = self.diagnostics;
        let mut works = Vec::with_capacity(parts.iter().map(|p| p.chapters.len()).sum());
        for part in parts {
            works.extend(part.chapters);
            for d in part.diagnostics {
                diags.extend(d);
            }
        }
        let facts = works.iter_mut().map(|w| w.facts.take()).collect();
        Analysis {
            chapters: works,
            facts,
            profiles: self.templates.into_profiles(&self.config.markdown),
            diagnostics: diags,
        }
    }
}

/// Gathers the facts of the chapters `wanted` (each with what it is
/// known to be) whose facts the analysis did not gather (a PRD found only
/// through a TDD's link), in parallel.
pub fn gather_late_facts(
    chapters: &[AnalyzedChapter],
    facts: &mut [Option<Box<ChapterFacts>>],
    profiles: &[TemplateProfile],
    wanted: &[Option<Side>],
    config: &Config,
) {
    // The PRDs to read may sit together anywhere in the book (often all at
    // its end): the work is split by document, not by chapter index.
    let todo: Vec<(usize, Side)> = (0..facts.len())
        .filter(|&i| facts[i].is_none())
        .filter_map(|i| wanted.get(i).copied().flatten().map(|s| (i, s)))
        .collect();
    let found: Vec<(usize, Option<Box<ChapterFacts>>)> = todo
        .into_par_iter()
        .with_max_len(4)
        .map(|(i, side)| (i, late_facts(&chapters[i], side, config, profiles)))
        .collect();
    for (i, f) in found {
        facts[i] = f;
    }
}

/// Expands the skeleton of one chapter, as the preprocessor would, for
/// `mdbook-tdd expand`. Returns the expanded text (`None` if the chapter has
/// no skeleton) and the diagnostics about the skeleton and the chapter's
/// directives, with levels applied.
pub fn expand_one(
    chapter: SourceChapter,
    config: &Config,
    settings: &Settings,
) -> (Option<String>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let templates = Templates::new(config, settings, &mut diags);
    let work = analyze_chapter(chapter, config, settings, &templates, &mut diags);
    // Whether the book renders diagrams is a matter of its build, not of
    // the text written into the file.
    let mut kept = Diagnostics::new();
    for d in diags {
        if d.lint != Lint::MermaidNotRendered {
            kept.push(d);
        }
    }
    kept.apply_levels(&config.lints);
    kept.sort();
    (work.expansion.map(|e| e.text), kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_markers_are_found_in_any_case() {
        for yes in [
            "**Source PRD:** [a](a.md)",
            "- source prd: a.md",
            "SOURCE PRD: x",
            "SoUrCe pRd: x",
            "x\nsource PRD",
            "**Supersedes:** a.md",
            "**SUPERSEDED-BY:** b.md",
            "supersede",
        ] {
            assert!(has_field_marker(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Source  PRD",
            "SourcePRD",
            "source pr",
            "ource prd",
            "prd",
            "",
            "supersed",
            "upersede",
            "superseed",
        ] {
            assert!(!has_field_marker(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn markers_are_directives_of_ours_or_a_source_prd() {
        assert!(has_markers(b"{{#tdd-status}}"));
        assert!(has_markers(b"a {{#prd-status}}"));
        assert!(!has_markers(b"{{#include x.md}}"));
        assert!(!has_markers(b"{{#"));
    }
}
