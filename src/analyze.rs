//! The analysis stage: every chapter is scanned, its directives checked,
//! its skeleton expanded, and what it says on its own gathered as
//! [`ChapterFacts`]; then the [`BookModel`] of the whole book is built.
//!
//! Chapters are analyzed in parallel. A chapter that cannot hold anything of
//! ours is never decoded or parsed; a chapter that no edit will touch keeps
//! only its facts, not its text.

use crate::config::{Config, MarkdownOptions};
use crate::diagnostic::{Diagnostic, Diagnostics, Lines, Lint, Location, closest};
use crate::model::{BookModel, ChapterFacts, ChapterInput, ChapterMeta, Guidance};
use crate::preprocess::{Settings, SourceChapter};
use crate::skeleton::{self, Expansion, PreparedTemplate};
use crate::syntax::directive::{Arg, ArgProblem, DirectiveKind};
use crate::syntax::lines::{lf_view, line_ending};
use crate::syntax::scan::{self, ChapterScan, Leaf};
use crate::template;
use crate::text::{ChapterText, JsonText};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// A directive of ours, checked and ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Which directive.
    pub kind: DirectiveKind,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Byte range from `{{#` to `}}`.
    pub span: Range<usize>,
}

/// One chapter after analysis.
#[derive(Debug, Clone)]
pub struct ChapterWork {
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
    /// Directives to render, in the current text.
    pub directives: Vec<Directive>,
    /// Which template judged the chapter.
    pub template: usize,
    /// What the chapter says on its own (for scanned chapters, until the
    /// model takes it).
    pub facts: Option<Box<ChapterFacts>>,
    /// Lines and columns of the text as it came, for diagnostics.
    lines: Lines,
}

impl ChapterWork {
    fn new(source: SourceChapter) -> Self {
        let (literal, text) = match source.text {
            ChapterText::Text(s) => (None, Some(s)),
            ChapterText::Json(j) => (Some(j), None),
        };
        ChapterWork {
            meta: source.meta,
            literal,
            text,
            view: None,
            expansion: None,
            directives: Vec::new(),
            template: 0,
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
    pub chapters: Vec<ChapterWork>,
    /// The model.
    pub model: BookModel,
    /// What was found; levels are not yet applied.
    pub diagnostics: Diagnostics,
}

/// Whether a chapter can hold anything of ours without a full scan telling:
/// a directive, a Source PRD field, or a path matched by the config. The
/// markers are plain ASCII, which JSON escapes leave alone, so a chapter that
/// came as a JSON literal is sniffed without decoding it.
fn needs_scan(work: &ChapterWork, config: &Config) -> bool {
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
                || (memchr::memmem::find(j.raw(), b"\\u").is_some()
                    && j.decode().is_ok_and(|t| has_markers(t.as_bytes())))
        }
        (None, None) => false,
    }
}

fn has_markers(bytes: &[u8]) -> bool {
    // A Source PRD field sits near the top of a TDD: look for it first.
    has_source_prd(bytes)
        || memchr::memmem::find_iter(bytes, b"{{#").any(|i| {
            let rest = &bytes[i + 3..];
            rest.starts_with(b"tdd-") || rest.starts_with(b"prd-")
        })
}

/// Whether the text holds "source prd" in any case.
fn has_source_prd(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'p', b'P', bytes).any(|i| {
        i >= 7
            && bytes.len() >= i + 3
            && bytes[i..i + 3].eq_ignore_ascii_case(b"prd")
            && bytes[i - 7..i].eq_ignore_ascii_case(b"source ")
    })
}

/// Loads templates once each (index 0 is the book's default template) and
/// prepares each once; shared by the threads that analyze chapters.
struct Templates {
    store: Mutex<TemplateStore>,
}

#[derive(Default)]
struct TemplateStore {
    texts: Vec<String>,
    prepared: Vec<Option<Arc<PreparedTemplate>>>,
    guidance: Vec<Option<Arc<Guidance>>>,
    by_path: HashMap<String, Result<usize, (Lint, String)>>,
}

fn template_lint(e: &template::TemplateError) -> Lint {
    if e.is_not_found() {
        Lint::TemplateNotFound
    } else {
        Lint::BadTemplate
    }
}

impl Templates {
    fn new(config: &Config, settings: &Settings, diags: &mut Diagnostics) -> Templates {
        let mut store = TemplateStore {
            texts: vec![template::BUILTIN.to_string()],
            prepared: vec![None],
            guidance: vec![None],
            by_path: HashMap::new(),
        };
        if let Some(path) = &config.template {
            match template::load(&settings.root, path) {
                Ok(text) => store.texts[0] = text,
                Err(e) => diags.push(
                    Diagnostic::new(
                        template_lint(&e),
                        format!("`[preprocessor.tdd] template`: {e}"),
                    )
                    .at(Location {
                        file: "book.toml".into(),
                        line: 0,
                        column: 0,
                    }),
                ),
            }
        }
        Templates {
            store: Mutex::new(store),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TemplateStore> {
        // A panic elsewhere cannot leave the store half-written: every
        // update is a single push or insert.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The template for a `template=` argument.
    fn get(&self, path: &str, settings: &Settings) -> Result<usize, (Lint, String)> {
        let mut store = self.lock();
        if let Some(r) = store.by_path.get(path) {
            return r.clone();
        }
        let r = match template::load(&settings.root, path) {
            Ok(text) => {
                store.texts.push(text);
                store.prepared.push(None);
                store.guidance.push(None);
                Ok(store.texts.len() - 1)
            }
            Err(e) => Err((template_lint(&e), e.to_string())),
        };
        store.by_path.insert(path.to_string(), r.clone());
        r
    }

    /// The parsed template.
    fn prepared(&self, index: usize, options: &MarkdownOptions) -> Arc<PreparedTemplate> {
        let mut store = self.lock();
        if let Some(Some(p)) = store.prepared.get(index) {
            return Arc::clone(p);
        }
        let index = index.min(store.texts.len() - 1);
        let p = Arc::new(PreparedTemplate::new(&store.texts[index], options));
        store.prepared[index] = Some(Arc::clone(&p));
        p
    }

    /// What the template teaches about completeness.
    fn guidance(&self, index: usize, options: &MarkdownOptions) -> Arc<Guidance> {
        let mut store = self.lock();
        let index = index.min(store.texts.len() - 1);
        if let Some(Some(g)) = store.guidance.get(index) {
            return Arc::clone(g);
        }
        let g = Arc::new(Guidance::from_template(&store.texts[index], options));
        store.guidance[index] = Some(Arc::clone(&g));
        g
    }

    /// The guidance of every template, in index order.
    fn into_guidance(self, options: &MarkdownOptions) -> Vec<Guidance> {
        let store = self.store.into_inner().unwrap_or_else(|p| p.into_inner());
        store
            .texts
            .iter()
            .zip(store.guidance)
            .map(|(t, g)| match g {
                Some(g) => Arc::unwrap_or_clone(g),
                None => Guidance::from_template(t, options),
            })
            .collect()
    }
}

/// At most this many unknown arguments of one directive are reported one by
/// one.
const MAX_ARG_REPORTS: usize = 10;

/// Checks the directives a scan found; reports problems and returns the
/// usable ones.
fn check_directives(
    scan: &ChapterScan,
    locate: &dyn Fn(usize) -> Location,
    diags: &mut Diagnostics,
) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut skeleton_at: Option<usize> = None;
    for found in &scan.directives {
        let raw = match &found.parsed {
            Ok(raw) => raw,
            Err(e) => {
                diags.push(
                    Diagnostic::new(
                        Lint::MalformedDirective,
                        format!("malformed directive `{{{{#{}}}}}`: {}", e.name, e.message),
                    )
                    .at(locate(e.at)),
                );
                continue;
            }
        };
        let Some(kind) = DirectiveKind::from_name(&raw.name) else {
            let mut d = Diagnostic::new(
                Lint::UnknownDirective,
                format!("unknown directive `{{{{#{}}}}}`", raw.name),
            )
            .at(locate(found.start));
            if let Some(c) = closest(&raw.name, DirectiveKind::ALL.iter().map(|k| k.name())) {
                d = d.help(format!("did you mean `{{{{#{c}}}}}`?"));
            }
            let names: Vec<&str> = DirectiveKind::ALL.iter().map(|k| k.name()).collect();
            diags.push(d.note(format!("known directives: {}", names.join(", "))));
            continue;
        };
        let in_block = matches!(found.leaf, Leaf::Paragraph | Leaf::ListItem);
        if !found.alone || !in_block {
            let place = match found.leaf {
                Leaf::Heading => "a heading",
                Leaf::TableCell => "a table cell",
                Leaf::Paragraph | Leaf::ListItem => "a paragraph with other text",
                Leaf::Other => "this place",
            };
            diags.push(
                Diagnostic::new(
                    Lint::DirectiveNotAlone,
                    format!("`{{{{#{kind}}}}}` produces blocks and cannot stand in {place}"),
                )
                .at(locate(found.start))
                .help("put the directive on its own, with a blank line before and after it"),
            );
            continue;
        }
        if kind == DirectiveKind::TddSkeleton {
            if found.nested {
                diags.push(
                    Diagnostic::new(
                        Lint::DirectiveNotAlone,
                        "`{{#tdd-skeleton}}` builds the whole chapter and must stand at its top level, not in a list or block quote",
                    )
                    .at(locate(found.start)),
                );
                continue;
            }
            if let Some(first) = skeleton_at {
                let first = locate(first);
                diags.push(
                    Diagnostic::new(
                        Lint::DuplicateSkeleton,
                        "a chapter may hold only one `{{#tdd-skeleton}}`",
                    )
                    .at(locate(found.start))
                    .note(format!("the first one is at {first}")),
                );
                continue;
            }
            skeleton_at = Some(found.start);
        } else {
            let params = kind.params();
            let mut ok = true;
            let unknown = raw
                .args
                .iter()
                .filter(|a| !params.contains(&a.key.as_str()))
                .count();
            for (n, a) in raw
                .args
                .iter()
                .filter(|a| !params.contains(&a.key.as_str()))
                .enumerate()
            {
                ok = false;
                // A directive with thousands of bad arguments gets a few
                // reports and a count, not thousands of lines.
                if n == MAX_ARG_REPORTS {
                    diags.push(
                        Diagnostic::new(
                            Lint::BadArgument,
                            format!(
                                "{} more unknown arguments for `{{{{#{kind}}}}}`",
                                unknown - MAX_ARG_REPORTS
                            ),
                        )
                        .at(locate(a.span.start)),
                    );
                    break;
                }
                let mut d = Diagnostic::new(
                    Lint::BadArgument,
                    format!("unknown argument `{}` for `{{{{#{kind}}}}}`", a.key),
                )
                .at(locate(a.span.start));
                if let Some(c) = closest(&a.key, params.iter().copied()) {
                    d = d.help(format!("did you mean `{c}`?"));
                }
                let valid = if params.is_empty() {
                    "it takes no arguments".to_string()
                } else {
                    format!("valid arguments: {}", params.join(", "))
                };
                diags.push(d.note(valid));
            }
            if !ok {
                continue;
            }
        }
        out.push(Directive {
            kind,
            args: raw.args.clone(),
            span: raw.span.clone(),
        });
    }
    out
}

pub(crate) fn arg_problem(
    p: ArgProblem,
    kind: DirectiveKind,
    fallback: usize,
    locate: &dyn Fn(usize) -> Location,
) -> Diagnostic {
    let at = if p.span.is_empty() {
        fallback
    } else {
        p.span.start
    };
    let mut d = Diagnostic::new(
        Lint::BadArgument,
        format!("`{{{{#{kind}}}}}`: {}", p.message),
    )
    .at(locate(at));
    if let Some(h) = p.help {
        d = d.help(h);
    }
    d
}

/// Analyzes one chapter: scan, directives, skeleton, and the facts the
/// model needs.
fn analyze_chapter(
    source: SourceChapter,
    config: &Config,
    settings: &Settings,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> ChapterWork {
    let mut work = ChapterWork::new(source);
    if !needs_scan(&work, config) {
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
    let guidance = templates.guidance(work.template, &config.markdown);
    let w = &work;
    let eol = line_ending(w.text());
    let facts = ChapterFacts::new(w.view(), eol, &scan, &guidance, w.template, config, &|o| {
        w.locate(o)
    });
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

/// Scans one chapter (its text decoded), checks its directives and expands
/// its skeleton; returns the scan of the chapter's current text.
fn scan_chapter(
    work: &mut ChapterWork,
    config: &Config,
    settings: &Settings,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> ChapterScan {
    let first_scan = scan::scan(work.view(), &config.markdown);
    let directives = {
        let w = &*work;
        check_directives(&first_scan, &|o| w.locate(o), diags)
    };
    let Some(sk) = directives
        .iter()
        .find(|d| d.kind == DirectiveKind::TddSkeleton)
        .cloned()
    else {
        work.directives = directives;
        return first_scan;
    };

    // The skeleton: fill its template, merge, and scan the result again.
    let mut template_idx = 0;
    if let Some(a) = sk.args.iter().find(|a| a.key == "template") {
        match templates.get(&a.value, settings) {
            Ok(i) => template_idx = i,
            Err((lint, message)) => {
                diags.push(Diagnostic::new(lint, message).at(work.locate(a.span.start)));
                return first_scan;
            }
        }
    }
    let tpl = templates.prepared(template_idx, &config.markdown);
    let (filling, problems) = skeleton::Filling::new(&tpl, &sk.args);
    for p in problems {
        let w = &*work;
        diags.push(arg_problem(
            p,
            DirectiveKind::TddSkeleton,
            sk.span.start,
            &|o| w.locate(o),
        ));
    }
    let expansion = skeleton::expand(
        work.text(),
        sk.span.clone(),
        &tpl,
        &filling,
        &config.markdown,
    );
    if expansion.header_replaced {
        for a in sk.args.iter().filter(|a| {
            matches!(
                a.key.as_str(),
                "author" | "date" | "status" | "version" | "prd"
            )
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
    for (at, title) in &expansion.duplicates {
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
    let second = scan::scan(work.view(), &config.markdown);
    work.template = template_idx;
    // Author directives were checked above; a template's own go through the
    // same checks (their problems point at the skeleton directive).
    let mut quiet = Diagnostics::new();
    let again = {
        let w = &*work;
        check_directives(&second, &|o| w.locate(o), &mut quiet)
    };
    let at = work.locate(sk.span.start);
    for d in quiet {
        if d.location.as_ref() == Some(&at) {
            diags.push(d);
        }
    }
    work.directives = again
        .into_iter()
        .filter(|d| d.kind != DirectiveKind::TddSkeleton)
        .collect();
    second
}

/// Gathers the facts of a chapter the analysis did not scan (a PRD found
/// only through a TDD's link).
fn late_facts(
    work: &ChapterWork,
    config: &Config,
    guidance: &[Guidance],
) -> Option<Box<ChapterFacts>> {
    let original = work.original();
    let eol = line_ending(&original);
    let text = lf_view(&original).map_or(original, Cow::Owned);
    let scan = scan::scan(&text, &config.markdown);
    let g = guidance.get(work.template).or(guidance.first())?;
    let lines = Lines::default();
    let locate = |o: usize| {
        let (line, column) = lines.line_col(&text, o);
        Location {
            file: work.meta.file.clone(),
            line,
            column,
        }
    };
    Some(Box::new(ChapterFacts::new(
        &text,
        eol,
        &scan,
        g,
        work.template,
        config,
        &locate,
    )))
}

/// Analyzes the whole book: chapters, then the model.
pub fn analyze(chapters: Vec<SourceChapter>, config: &Config, settings: &Settings) -> Analysis {
    let mut diags = Diagnostics::new();
    let templates = Templates::new(config, settings, &mut diags);
    let t = std::time::Instant::now();
    let (mut works, found): (Vec<ChapterWork>, Vec<Diagnostics>) = chapters
        .into_par_iter()
        .map(|c| {
            let mut d = Diagnostics::new();
            let w = analyze_chapter(c, config, settings, &templates, &mut d);
            (w, d)
        })
        .unzip();
    for d in found {
        diags.extend(d);
    }
    log::debug!(
        "chapters: {:?} (rss {})",
        t.elapsed(),
        crate::preprocess::rss()
    );
    let guidance = templates.into_guidance(&config.markdown);
    let facts: Vec<Option<Box<ChapterFacts>>> = works.iter_mut().map(|w| w.facts.take()).collect();
    let inputs: Vec<ChapterInput<'_>> = works
        .iter()
        .map(|w| ChapterInput {
            meta: &w.meta,
            skeleton: w.expansion.is_some(),
            template: w.template,
        })
        .collect();
    let t = std::time::Instant::now();
    let late = |i: usize| late_facts(&works[i], config, &guidance);
    let model = BookModel::build(&inputs, facts, &late, guidance.clone(), config, &mut diags);
    log::debug!(
        "model: {:?} (rss {})",
        t.elapsed(),
        crate::preprocess::rss()
    );
    Analysis {
        chapters: works,
        model,
        diagnostics: diags,
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
    diags.apply_levels(&config.lints);
    diags.sort();
    (work.expansion.map(|e| e.text), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_prd_is_found_in_any_case() {
        for yes in [
            "**Source PRD:** [a](a.md)",
            "- source prd: a.md",
            "SOURCE PRD: x",
            "SoUrCe pRd: x",
            "x\nsource PRD",
        ] {
            assert!(has_source_prd(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Source  PRD",
            "SourcePRD",
            "source pr",
            "ource prd",
            "prd",
            "",
        ] {
            assert!(!has_source_prd(no.as_bytes()), "{no}");
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
