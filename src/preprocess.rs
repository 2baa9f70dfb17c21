//! The whole run: gather the book, build the model, then edit chapters.
//!
//! 1. **Analyze** every chapter: scan it, check its directives, expand its
//!    skeleton (and scan the result again).
//! 2. **Model** the whole book from the analyzed chapters.
//! 3. **Edit** each chapter by splicing rendered directives, Source PRD links
//!    and the backlinks list into its byte ranges; every other byte is kept.
//!
//! The same analysis serves the preprocessor and the command line.

use crate::config::Config;
use crate::config::MarkdownOptions;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, Location, closest};
use crate::directive::{Arg, ArgProblem, DirectiveKind};
use crate::model::{BookModel, ChapterInput, ChapterMeta, DocKind, Guidance, PrdForm, PrdTarget};
use crate::render::{self, BACKLINKS_MARKER, RenderContext};
use crate::scan::{self, ChapterScan, Leaf};
use crate::skeleton::PreparedTemplate;
use crate::skeleton::{self, Expansion};
use crate::template;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A chapter as it comes from the book.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceChapter {
    /// Names and paths.
    pub meta: ChapterMeta,
    /// The Markdown text.
    pub text: String,
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
    /// The chapter as it came.
    pub source: SourceChapter,
    /// The skeleton expansion, if the chapter had a skeleton.
    pub expansion: Option<Expansion>,
    /// The scan of the current text (`None` if the chapter needed none).
    pub scan: Option<ChapterScan>,
    /// Directives to render, in the current text.
    pub directives: Vec<Directive>,
    /// Which template judged the chapter.
    pub template: usize,
}

impl ChapterWork {
    /// The current text: expanded if the chapter had a skeleton.
    pub fn text(&self) -> &str {
        match &self.expansion {
            Some(e) => &e.text,
            None => &self.source.text,
        }
    }

    /// The location of an offset of the current text, in the original file.
    pub fn locate(&self, offset: usize) -> Location {
        let original = match &self.expansion {
            Some(e) => e.original_offset(offset),
            None => offset,
        };
        let (line, column) = line_col(&self.source.text, original);
        Location {
            file: self.source.meta.file.clone(),
            line,
            column,
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let col_text = &before[line_start..];
    let col_text = if line == 1 {
        col_text.strip_prefix('\u{feff}').unwrap_or(col_text)
    } else {
        col_text
    };
    (line, col_text.chars().count() + 1)
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
/// a directive, a Source PRD field, or a path matched by the config.
fn needs_scan(chapter: &SourceChapter, config: &Config) -> bool {
    let bytes = chapter.text.as_bytes();
    if memchr::memmem::find(bytes, b"{{#tdd-").is_some()
        || memchr::memmem::find(bytes, b"{{#prd-").is_some()
        || has_source_prd(bytes)
    {
        return true;
    }
    let p = &chapter.meta.path;
    config.tdd_paths.iter().any(|g| g.matches(p)) || config.prd_paths.iter().any(|g| g.matches(p))
}

/// Whether the text holds "source prd" in any case.
fn has_source_prd(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"ource")
        .chain(memchr::memmem::find_iter(bytes, b"OURCE"))
        .any(|i| {
            i > 0
                && bytes[i - 1].eq_ignore_ascii_case(&b's')
                && bytes.len() >= i + 9
                && bytes[i + 5..i + 9].eq_ignore_ascii_case(b" prd")
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

    fn into_texts(self) -> Vec<String> {
        self.store
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .texts
    }
}

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
        if !found.alone {
            let place = match found.leaf {
                Leaf::Heading => "a heading",
                Leaf::TableCell => "a table cell",
                _ => "a paragraph with other text",
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
            for a in &raw.args {
                if !params.contains(&a.key.as_str()) {
                    ok = false;
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

fn arg_problem(
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

/// Analyzes one chapter.
fn analyze_chapter(
    source: SourceChapter,
    config: &Config,
    settings: &Settings,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> ChapterWork {
    let mut work = ChapterWork {
        source,
        expansion: None,
        scan: None,
        directives: Vec::new(),
        template: 0,
    };
    if !needs_scan(&work.source, config) {
        return work;
    }
    let first_scan = scan::scan(&work.source.text, &config.markdown);
    let directives = {
        let w = &work;
        check_directives(&first_scan, &|o| w.locate(o), diags)
    };
    let Some(sk) = directives
        .iter()
        .find(|d| d.kind == DirectiveKind::TddSkeleton)
        .cloned()
    else {
        work.scan = Some(first_scan);
        work.directives = directives;
        return work;
    };

    // The skeleton: fill its template, merge, and scan the result again.
    let mut template_idx = 0;
    if let Some(a) = sk.args.iter().find(|a| a.key == "template") {
        match templates.get(&a.value, settings) {
            Ok(i) => template_idx = i,
            Err((lint, message)) => {
                diags.push(Diagnostic::new(lint, message).at(work.locate(a.span.start)));
                work.scan = Some(first_scan);
                return work;
            }
        }
    }
    let tpl = templates.prepared(template_idx, &config.markdown);
    let (filling, problems) = skeleton::Filling::new(&tpl, &sk.args);
    for p in problems {
        let w = &work;
        diags.push(arg_problem(
            p,
            DirectiveKind::TddSkeleton,
            sk.span.start,
            &|o| w.locate(o),
        ));
    }
    let expansion = skeleton::expand(
        &work.source.text,
        sk.span.clone(),
        &tpl,
        &filling,
        &config.markdown,
    );
    let second = scan::scan(&expansion.text, &config.markdown);
    work.expansion = Some(expansion);
    work.template = template_idx;
    // Author directives were checked above; a template's own go through the
    // same checks (their problems point at the skeleton directive).
    let mut quiet = Diagnostics::new();
    let again = {
        let w = &work;
        check_directives(&second, &|o| w.locate(o), &mut quiet)
    };
    for d in quiet {
        if d.location.as_ref().map(|l| (l.line, l.column))
            == Some(line_col(&work.source.text, sk.span.start))
        {
            diags.push(d);
        }
    }
    work.directives = again
        .into_iter()
        .filter(|d| d.kind != DirectiveKind::TddSkeleton)
        .collect();
    work.scan = Some(second);
    work
}

/// Analyzes the whole book: chapters, then the model.
pub fn analyze(chapters: Vec<SourceChapter>, config: &Config, settings: &Settings) -> Analysis {
    let mut diags = Diagnostics::new();
    let templates = Templates::new(config, settings, &mut diags);
    let t = std::time::Instant::now();
    let analyzed: Vec<(ChapterWork, Diagnostics)> = chapters
        .into_par_iter()
        .map(|c| {
            let mut d = Diagnostics::new();
            let w = analyze_chapter(c, config, settings, &templates, &mut d);
            (w, d)
        })
        .collect();
    let mut works = Vec::with_capacity(analyzed.len());
    for (w, d) in analyzed {
        works.push(w);
        diags.extend(d);
    }
    log::debug!("chapters: {:?}", t.elapsed());
    let guidance: Vec<Guidance> = templates
        .into_texts()
        .iter()
        .map(|t| Guidance::from_template(t, &config.markdown))
        .collect();
    let inputs: Vec<ChapterInput<'_>> = works
        .iter()
        .map(|w| ChapterInput {
            meta: &w.source.meta,
            text: w.text(),
            scan: w.scan.as_ref(),
            skeleton: w.expansion.is_some(),
            template: w.template,
        })
        .collect();
    let locate = |c: usize, o: usize| works[c].locate(o);
    let t = std::time::Instant::now();
    let model = BookModel::build(&inputs, guidance, config, &locate, &mut diags);
    log::debug!("model: {:?}", t.elapsed());
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

/// The prefix that continuation lines of a block need to stay in the
/// container of the directive's first line (`> ` for a block quote, spaces
/// for a list item).
fn continuation_prefix(first_line_prefix: &str) -> String {
    first_line_prefix
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect()
}

/// Re-indents a generated block for the directive's place.
fn place_block(text: &str, span: &Range<usize>, block: &str, eol: &str) -> String {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let cont = continuation_prefix(&text[line_start..span.start]);
    let mut out = String::with_capacity(block.len() + 16);
    for (i, line) in block.split('\n').enumerate() {
        if i > 0 {
            out.push_str(eol);
            if line.is_empty() {
                out.push_str(cont.trim_end());
            } else {
                out.push_str(&cont);
            }
        }
        out.push_str(line);
    }
    // A following line that is not blank must not continue the block.
    let rest = &text[span.end..];
    let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let next_line = rest[line_end..].split('\n').next().unwrap_or("");
    let next_content = next_line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    if line_end < rest.len() && !next_content.is_empty() {
        out.push_str(eol);
        out.push_str(cont.trim_end());
    }
    out
}

/// Computes the new text of every chapter. `None` means unchanged.
pub fn edit(
    analysis: &Analysis,
    config: &Config,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Vec<Option<String>> {
    let edited: Vec<(Option<String>, Diagnostics)> = analysis
        .chapters
        .par_iter()
        .enumerate()
        .map(|(i, w)| {
            let mut d = Diagnostics::new();
            let text = edit_chapter(i, w, analysis, config, settings, &mut d);
            (text, d)
        })
        .collect();
    edited
        .into_iter()
        .map(|(text, d)| {
            diags.extend(d);
            text
        })
        .collect()
}

fn edit_chapter(
    index: usize,
    work: &ChapterWork,
    analysis: &Analysis,
    config: &Config,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Option<String> {
    let text = work.text();
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let ctx = RenderContext {
        model: &analysis.model,
        config,
        chapter: index,
        html: settings.html,
        index_enabled: settings.index_enabled,
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut has_backlinks_directive = false;
    // Directives are independent of each other: render them in parallel.
    let rendered: Vec<_> = work
        .directives
        .par_iter()
        .map(|d| {
            let t = std::time::Instant::now();
            let r = render::render(&ctx, d.kind, &d.args);
            log::debug!("{}: {} in {:?}", work.source.meta.path, d.kind, t.elapsed());
            r
        })
        .collect();
    for (d, rendered) in work.directives.iter().zip(rendered) {
        if d.kind == DirectiveKind::TddBacklinks {
            has_backlinks_directive = true;
        }
        match rendered {
            Ok(md) => edits.push((d.span.clone(), place_block(text, &d.span, &md, eol))),
            Err(problems) => {
                for p in problems {
                    diags.push(arg_problem(p, d.kind, d.span.start, &|o| work.locate(o)));
                }
            }
        }
    }
    if let Some(doc) = analysis.model.document_of(index) {
        // A Source PRD given as a path or a name becomes a link.
        if let Some(p) = &doc.prd
            && let (PrdForm::Path | PrdForm::Name, PrdTarget::Chapter(t)) = (p.form, &p.target)
        {
            let target = &analysis.model.chapters[*t];
            let dest =
                crate::links::relative(&analysis.model.chapters[index].served, &target.served);
            edits.push((
                p.value_range.clone(),
                format!("[{}]({dest})", skeleton::escape_link_text(&p.written)),
            ));
        }
        // The backlinks list at the end of PRD chapters.
        if doc.kind == DocKind::Prd
            && config.backlinks
            && !doc.derived.is_empty()
            && !has_backlinks_directive
            && !has_marker(text, work.scan.as_ref())
        {
            let md = render::backlinks(&ctx, index, Some(&config.backlinks_heading));
            let mut block = String::new();
            if !text.is_empty() && !text.ends_with('\n') {
                block.push_str(eol);
            }
            if !text.is_empty() {
                block.push_str(eol);
            }
            block.push_str(&md.replace('\n', eol));
            block.push_str(eol);
            edits.push((text.len()..text.len(), block));
        }
    }
    if edits.is_empty() {
        return work.expansion.as_ref().map(|e| e.text.clone());
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut last = 0;
    for (r, s) in edits {
        if r.start < last {
            continue;
        }
        out.push_str(&text[last..r.start]);
        out.push_str(&s);
        last = r.end;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Whether an appended backlinks list is already there (the preprocessor's
/// own output being processed again).
fn has_marker(text: &str, scan: Option<&ChapterScan>) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), BACKLINKS_MARKER.as_bytes()).any(|at| match scan {
        Some(s) => !s.in_code_block(at),
        None => true,
    })
}

/// The result of a whole run.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The final text of every chapter, in order.
    pub texts: Vec<String>,
    /// The model of the book.
    pub model: BookModel,
    /// Every diagnostic, with configured levels applied, sorted by place.
    pub diagnostics: Diagnostics,
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
    let new = edit(&analysis, config, settings, &mut diags);
    log::debug!("edit: {:?}", t.elapsed());
    diags.extend(analysis.diagnostics);
    diags.apply_levels(&config.lints);
    diags.sort();
    let texts = analysis
        .chapters
        .into_iter()
        .zip(new)
        .map(|(w, n)| n.unwrap_or(w.source.text))
        .collect();
    Processed {
        texts,
        model: analysis.model,
        diagnostics: diags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cols() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
        assert_eq!(line_col("é{", 2), (1, 2));
    }

    #[test]
    fn source_prd_sniffing() {
        assert!(has_source_prd(b"**Source PRD:** x"));
        assert!(has_source_prd(b"- **source prd**: x"));
        assert!(!has_source_prd(b"sources, product"));
        assert!(!has_source_prd(b"ource"));
    }

    #[test]
    fn blocks_keep_their_container() {
        let text = "> {{#x}}\n> more\n";
        let span = 2..8;
        assert_eq!(
            place_block(text, &span, "| a |\n|---|\n\n*n*", "\n"),
            "| a |\n> |---|\n>\n> *n*\n>"
        );
        let text = "- {{#x}}\n";
        assert_eq!(
            place_block(text, &(2..8), "| a |\n|---|", "\n"),
            "| a |\n  |---|"
        );
        let text = "1. > {{#x}}\n";
        assert_eq!(place_block(text, &(5..11), "a\nb", "\n"), "a\n   > b");
    }
}
