//! Source PRDs: how a TDD names its PRD, what that resolves to, and the
//! index of chapters by path and name the resolution uses.

use crate::analyze::facts::ChapterFacts;
use crate::analyze::facts::link_destination;
use crate::book::ChapterId;
use crate::book::ChapterMeta;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, Location};
use crate::hash::{HashMap, HashSet};
use crate::links;
use crate::model::pin::{Pin, split_pin};
use std::ops::Range;

/// How a Source PRD was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum PrdForm {
    /// A Markdown link.
    Link,
    /// A bare path.
    Path,
    /// A chapter name.
    Name,
}

/// Where a Source PRD leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrdTarget {
    /// A chapter of the book (index into the chapters).
    Chapter(ChapterId),
    /// Nowhere in the book.
    Broken,
    /// Still a template placeholder, or empty.
    Unset,
}

/// A TDD's Source PRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrdRef {
    /// The field value as written.
    pub written: String,
    /// The link destination or path that was resolved (or the name).
    pub target_text: String,
    /// How it was written.
    pub form: PrdForm,
    /// What it resolved to.
    pub target: PrdTarget,
    /// Byte range of the value in the chapter text.
    pub value_range: Range<usize>,
    /// Where the value is, for diagnostics.
    pub at: Location,
    /// The PRD version the TDD was written against (` @ 1.2` after the
    /// reference); `written` and `value_range` leave it out.
    pub pin: Option<Pin>,
}

/// Resolves the Source PRD of the TDD at chapter `i`, reporting what is
/// wrong with it.
pub fn source_prd(
    i: ChapterId,
    f: &ChapterFacts,
    chapters: &[&ChapterMeta],
    is_tdd: &[bool],
    index: &PathIndex<'_>,
    diags: &mut Diagnostics,
) -> Option<PrdRef> {
    let Some(field) = f.header.get("Source PRD") else {
        diags.push(
            Diagnostic::new(Lint::MissingPrd, "this TDD names no Source PRD")
                .at(f.header_at.clone())
                .help("add a header line `**Source PRD:** [name](path/to/prd.md)`"),
        );
        return None;
    };
    let at = f.prd_at.clone().unwrap_or_else(|| f.header_at.clone());
    let resolve = |value: &str, range: Range<usize>| {
        resolve_prd(
            value,
            range,
            at.clone(),
            &chapters[i.0].path,
            index,
            &f.refdefs,
        )
    };
    let start = field.value_range.start;
    let r = match split_pin(&field.value) {
        None => resolve(&field.value, field.value_range.clone()),
        Some((len, pin_at, pin)) => {
            let reference = field.value.get(..len).unwrap_or_default();
            let mut r = resolve(reference, start..start + len);
            // A path or name that resolves only with its ` @ …` suffix
            // keeps it: then it is no pin.
            let whole = (r.form != PrdForm::Link && r.target == PrdTarget::Broken)
                .then(|| resolve(&field.value, field.value_range.clone()))
                .filter(|w| matches!(w.target, PrdTarget::Chapter(_)));
            match whole {
                Some(w) => w,
                None => {
                    r.pin = Some(Pin {
                        text: pin.to_string(),
                        range: start + pin_at..start + pin_at + pin.len(),
                    });
                    r
                }
            }
        }
    };
    let problem = |lint, message: String| Diagnostic::new(lint, message).at(at.clone());
    if r.form == PrdForm::Name
        && let PrdTarget::Chapter(t) = r.target
        && index
            .ambiguous
            .contains(&r.target_text.trim().to_lowercase())
    {
        diags.push(
            problem(
                Lint::AmbiguousPrd,
                format!(
                    "more than one chapter is named `{}`; the Source PRD resolves to the first, `{}`",
                    r.target_text.trim(),
                    chapters[t.0].source_path
                ),
            )
            .help("give the PRD's path or a link instead of its name"),
        );
    }
    match &r.target {
        PrdTarget::Unset => diags.push(problem(
            Lint::MissingPrd,
            if field.value.is_empty() {
                "the Source PRD field is empty".to_string()
            } else {
                format!(
                    "the Source PRD is still a template placeholder: {}",
                    field.value
                )
            },
        )),
        PrdTarget::Broken => diags.push(problem(
            Lint::BrokenPrdLink,
            format!(
                "Source PRD does not resolve to a chapter of this book: {}",
                r.target_text
            ),
        )),
        PrdTarget::Chapter(t) if *t == i => diags.push(problem(
            Lint::BrokenPrdLink,
            "Source PRD points to this TDD itself".to_string(),
        )),
        PrdTarget::Chapter(t) if is_tdd[t.0] => diags.push(problem(
            Lint::BrokenPrdLink,
            format!(
                "Source PRD points to `{}`, which is a TDD, not a PRD",
                chapters[t.0].source_path
            ),
        )),
        PrdTarget::Chapter(t) => {
            let target = &chapters[t.0];
            let link_path = r.target_text.split(['#', '?']).next().unwrap_or("");
            if r.form == PrdForm::Link
                && target.served != target.path
                && links::is_readme(&links::percent_decode(link_path))
            {
                let fixed = link_path
                    .rsplit_once('/')
                    .map_or("index.md".to_string(), |(dir, _)| format!("{dir}/index.md"));
                diags.push(
                    problem(
                        Lint::BrokenPrdLink,
                        format!(
                            "Source PRD links to `{link_path}`, which mdBook serves as `index.html`: the link is broken on the rendered page"
                        ),
                    )
                    .help(format!("link to `{fixed}` instead")),
                );
            }
        }
    }
    Some(r)
}

/// Looks chapters up by path and name.
#[derive(Debug)]
pub struct PathIndex<'a> {
    /// Each chapter by its source path, path and served path.
    pub by_path: HashMap<&'a str, usize>,
    /// Each chapter by its name, lower-cased.
    pub by_name: HashMap<String, usize>,
    /// Names that more than one chapter has.
    pub ambiguous: HashSet<String>,
}

impl<'a> PathIndex<'a> {
    /// Indexes `chapters` (their positions are the chapter ids).
    pub fn new(chapters: &[&'a ChapterMeta]) -> Self {
        let mut by_path = HashMap::default();
        let mut by_name = HashMap::default();
        let mut ambiguous = HashSet::default();
        for (i, c) in chapters.iter().enumerate() {
            for p in [&c.source_path, &c.path, &c.served] {
                by_path.entry(p.as_str()).or_insert(i);
            }
            let key = c.name.trim().to_lowercase();
            match by_name.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    ambiguous.insert(e.key().clone());
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        PathIndex {
            by_path,
            by_name,
            ambiguous,
        }
    }

    /// The chapter at a path, as written (source path, path or served path).
    pub fn path(&self, p: &str) -> Option<usize> {
        if let Some(&i) = self.by_path.get(p) {
            return Some(i);
        }
        let md = p.strip_suffix(".html").map(|s| format!("{s}.md"))?;
        self.by_path.get(md.as_str()).copied()
    }
}

pub fn resolve_prd(
    value: &str,
    value_range: Range<usize>,
    at: Location,
    chapter_path: &str,
    index: &PathIndex<'_>,
    defs: &[crate::syntax::scan::RefDef],
) -> PrdRef {
    let written = value.trim().to_string();
    let unset = |form| PrdRef {
        written: written.clone(),
        target_text: written.clone(),
        form,
        target: PrdTarget::Unset,
        value_range: value_range.clone(),
        at: at.clone(),
        pin: None,
    };
    if written.is_empty() {
        return unset(PrdForm::Path);
    }
    let link_dest = link_destination(&written, defs);
    let (form, target_text) = match &link_dest {
        Some(d) => (PrdForm::Link, d.clone()),
        None if looks_like_path(&written) => (PrdForm::Path, written.clone()),
        None => (PrdForm::Name, written.clone()),
    };
    if crate::syntax::placeholder::placeholder_ranges(&target_text)
        .next()
        .is_some()
    {
        return unset(form);
    }
    let target = match form {
        PrdForm::Name => index
            .by_name
            .get(&target_text.trim().to_lowercase())
            .copied()
            .or_else(|| resolve_path(&target_text, chapter_path, index)),
        _ => resolve_path(&target_text, chapter_path, index),
    };
    PrdRef {
        written,
        target_text,
        form,
        target: target.map_or(PrdTarget::Broken, |i| PrdTarget::Chapter(ChapterId(i))),
        value_range,
        at,
        pin: None,
    }
}

pub use crate::links::looks_like_path;

pub fn resolve_path(target: &str, chapter_path: &str, index: &PathIndex<'_>) -> Option<usize> {
    let path = target.split(['#', '?']).next().unwrap_or(target);
    if path.is_empty() || path.contains("://") {
        return None;
    }
    let path = links::percent_decode(path);
    let dir = links::parent(chapter_path);
    if let Some(p) = links::join(dir, &path)
        && let Some(i) = index.path(&p)
    {
        return Some(i);
    }
    links::normalize(&path).and_then(|p| index.path(&p))
}
