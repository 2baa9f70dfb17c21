//! Templates: the built-in one, template files inside the book root, and
//! the cache that loads and prepares each once per run.

use crate::analyze::profile::TemplateProfile;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A template of the run, by its place in the run's cache (0 is the
/// book's default template).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TemplateId(pub usize);

/// The built-in template (the team's TDD template, 12 numbered sections).
pub const BUILTIN: &str = include_str!("../../templates/tdd-template.md");

/// The built-in PRD template of `{{#prd-skeleton}}`: Problem, Goals,
/// Non-Goals, Users & Use Cases, Requirements (a table with an `ID`
/// column), Success Metrics and Open Questions.
pub const BUILTIN_PRD: &str = include_str!("../../templates/prd-template.md");

/// Why a template (or another path from the configuration) cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// An absolute path was given.
    #[error("template path `{0}` is absolute; give a path relative to the book root")]
    Absolute(String),
    /// The path leaves the book root (`..`, or a symlink pointing out).
    #[error("template path `{0}` leads outside the book root")]
    OutsideRoot(String),
    /// The file cannot be read.
    #[error("template `{path}` cannot be read: {source}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not UTF-8.
    #[error("template `{0}` is not valid UTF-8")]
    NotUtf8(String),
    /// The file holds nothing but white space.
    #[error("template `{0}` is empty")]
    Empty(String),
}

impl TemplateError {
    /// Whether the error is about getting at the file — a path that may
    /// not be used (absolute, leading out of the book), a file that is not
    /// there, not a regular file, not readable or not UTF-8 — as opposed to
    /// a file that was read but cannot serve as a template.
    pub fn is_not_found(&self) -> bool {
        !matches!(self, TemplateError::Empty(_))
    }
}

/// Resolves a path given relative to the book root, refusing anything that
/// leads outside it (absolute paths, `..` past the root, symlinks out).
pub fn resolve_in_root(root: &Path, rel: &str) -> Result<PathBuf, TemplateError> {
    let given = Path::new(rel);
    if given.is_absolute()
        || rel.starts_with('/')
        || rel.starts_with('\\')
        || given
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Err(TemplateError::Absolute(rel.to_string()));
    }
    // Lexically first: `..` may not climb above the root.
    let mut depth: i64 = 0;
    for c in given.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return Err(TemplateError::OutsideRoot(rel.to_string()));
        }
    }
    let joined = root.join(given);
    // Then physically: symlinks may not point out of the root.
    let unreadable = |source| TemplateError::Unreadable {
        path: rel.to_string(),
        source,
    };
    let real = joined.canonicalize().map_err(unreadable)?;
    let real_root = root.canonicalize().map_err(unreadable)?;
    if !real.starts_with(&real_root) {
        return Err(TemplateError::OutsideRoot(rel.to_string()));
    }
    Ok(real)
}

/// Reads a template file given relative to the book root.
pub fn load(root: &Path, rel: &str) -> Result<String, TemplateError> {
    let path = resolve_in_root(root, rel)?;
    let bytes =
        crate::book::disk::read_bytes(&path).map_err(|source| TemplateError::Unreadable {
            path: rel.to_string(),
            source,
        })?;
    let text = String::from_utf8(bytes).map_err(|_| TemplateError::NotUtf8(rel.to_string()))?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(TemplateError::Empty(rel.to_string()));
    }
    Ok(text)
}

use crate::analyze::skeleton::PreparedTemplate;
use crate::book::Settings;
use crate::config::{Config, MarkdownOptions};
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, Location};
use crate::hash::HashMap;
use crate::syntax::directive::DirectiveKind;
use std::sync::{Arc, Mutex};

/// Loads templates once each (index 0 is the book's default template) and
/// prepares each once; shared by the threads that analyze chapters.
pub struct Templates {
    pub store: Mutex<TemplateStore>,
}

#[derive(Default)]
pub struct TemplateStore {
    pub texts: Vec<String>,
    pub prepared: Vec<Option<Arc<PreparedTemplate>>>,
    pub guidance: Vec<Option<Arc<TemplateProfile>>>,
    pub by_path: HashMap<String, Result<TemplateId, (Lint, String)>>,
    /// The PRD template's text until a `{{#prd-skeleton}}` first asks for
    /// it; then its place.
    pub prd: PrdTemplate,
}

/// The book's PRD template (`prd-template`, else the built-in one), added
/// to the store only when a chapter uses it, so that a book without PRD
/// skeletons has the templates it had.
pub enum PrdTemplate {
    /// Read, not yet used.
    Text(String),
    /// In the store.
    Stored(TemplateId),
}

impl Default for PrdTemplate {
    fn default() -> Self {
        PrdTemplate::Text(BUILTIN_PRD.to_string())
    }
}

pub fn template_lint(e: &crate::analyze::templates::TemplateError) -> Lint {
    if e.is_not_found() {
        Lint::TemplateNotFound
    } else {
        Lint::BadTemplate
    }
}

impl Templates {
    pub fn new(config: &Config, settings: &Settings, diags: &mut Diagnostics) -> Templates {
        let mut store = TemplateStore {
            texts: vec![BUILTIN.to_string()],
            prepared: vec![None],
            guidance: vec![None],
            by_path: HashMap::default(),
            prd: PrdTemplate::default(),
        };
        let configured = [
            (&config.template, "template"),
            (&config.prd_template, "prd-template"),
        ];
        for (i, (path, key)) in configured.into_iter().enumerate() {
            let Some(path) = path else { continue };
            match load(&settings.root, path) {
                Ok(text) if i == 0 => store.texts[0] = text,
                Ok(text) => store.prd = PrdTemplate::Text(text),
                Err(e) => diags.push(
                    Diagnostic::new(
                        template_lint(&e),
                        format!("`[preprocessor.tdd] {key}`: {e}"),
                    )
                    .at(Location::book_toml()),
                ),
            }
        }
        Templates {
            store: Mutex::new(store),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, TemplateStore> {
        // A panic elsewhere cannot leave the store half-written: every
        // update is a single push or insert.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The default template of a skeleton: the TDD template (index 0) for
    /// `{{#tdd-skeleton}}`, the PRD template for `{{#prd-skeleton}}`.
    pub fn default_for(&self, kind: DirectiveKind) -> TemplateId {
        if kind != DirectiveKind::PrdSkeleton {
            return TemplateId::default();
        }
        let mut store = self.lock();
        let text = match &mut store.prd {
            PrdTemplate::Stored(id) => return *id,
            PrdTemplate::Text(t) => std::mem::take(t),
        };
        store.texts.push(text);
        store.prepared.push(None);
        store.guidance.push(None);
        let id = TemplateId(store.texts.len() - 1);
        store.prd = PrdTemplate::Stored(id);
        id
    }

    /// The template for a `template=` argument.
    pub fn get(&self, path: &str, settings: &Settings) -> Result<TemplateId, (Lint, String)> {
        let mut store = self.lock();
        if let Some(r) = store.by_path.get(path) {
            return r.clone();
        }
        let r = match load(&settings.root, path) {
            Ok(text) => {
                store.texts.push(text);
                store.prepared.push(None);
                store.guidance.push(None);
                Ok(TemplateId(store.texts.len() - 1))
            }
            Err(e) => Err((template_lint(&e), e.to_string())),
        };
        store.by_path.insert(path.to_string(), r.clone());
        r
    }

    /// The parsed template.
    pub fn prepared(&self, id: TemplateId, options: &MarkdownOptions) -> Arc<PreparedTemplate> {
        let index = id.0;
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
    pub fn guidance(&self, id: TemplateId, options: &MarkdownOptions) -> Arc<TemplateProfile> {
        let index = id.0;
        let mut store = self.lock();
        let index = index.min(store.texts.len() - 1);
        if let Some(Some(g)) = store.guidance.get(index) {
            return Arc::clone(g);
        }
        let g = Arc::new(TemplateProfile::from_template(&store.texts[index], options));
        store.guidance[index] = Some(Arc::clone(&g));
        g
    }

    /// The guidance of every template, in index order.
    pub fn into_profiles(self, options: &MarkdownOptions) -> Vec<TemplateProfile> {
        let store = self.store.into_inner().unwrap_or_else(|p| p.into_inner());
        store
            .texts
            .iter()
            .zip(store.guidance)
            .map(|(t, g)| match g {
                Some(g) => Arc::unwrap_or_clone(g),
                None => TemplateProfile::from_template(t, options),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_sections() {
        assert!(BUILTIN.starts_with("# {Product Name}"));
        assert!(BUILTIN.contains("## 12. Open Questions & Risks"));
        assert!(
            crate::syntax::placeholder::placeholder_names(BUILTIN)
                .contains(&"relative path to prd".to_string())
        );
    }

    #[test]
    fn builtin_prd_has_the_shape_traceability_reads() {
        for heading in [
            "# {Product Name} — Product Requirements",
            "## Problem",
            "## Goals",
            "## Non-Goals",
            "## Users & Use Cases",
            "## Requirements",
            "## Success Metrics",
            "## Open Questions",
        ] {
            assert!(BUILTIN_PRD.contains(&format!("{heading}\n")), "{heading}");
        }
        assert!(BUILTIN_PRD.contains("| ID | Requirement | Priority |\n"));
        assert!(BUILTIN_PRD.contains("| REQ-1 | {what the product must do} | Must |\n"));
        assert!(BUILTIN_PRD.contains("\n1. Q1: {question}\n"));
        // A marker of unknowns would count as an open item of every PRD.
        assert!(!BUILTIN_PRD.contains("[TBD]"));
    }

    #[test]
    fn paths_stay_in_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("t.md"), "# T\n").unwrap();
        std::fs::write(root.join("empty.md"), "  \n").unwrap();
        assert!(load(root, "t.md").is_ok());
        assert!(matches!(
            load(root, "/etc/passwd"),
            Err(TemplateError::Absolute(_))
        ));
        assert!(matches!(
            load(root, "../../etc/passwd"),
            Err(TemplateError::OutsideRoot(_))
        ));
        assert!(matches!(
            load(root, "a/../../x"),
            Err(TemplateError::OutsideRoot(_))
        ));
        assert!(matches!(
            load(root, "nope.md"),
            Err(TemplateError::Unreadable { .. })
        ));
        assert!(matches!(
            load(root, "empty.md"),
            Err(TemplateError::Empty(_))
        ));
        #[cfg(unix)]
        {
            // A FIFO or a directory is refused before it is opened.
            let made = std::process::Command::new("mkfifo")
                .arg(root.join("pipe.md"))
                .status()
                .unwrap();
            assert!(made.success());
            std::fs::create_dir(root.join("dir.md")).unwrap();
            for (path, kind) in [("pipe.md", "a FIFO"), ("dir.md", "a directory")] {
                let e = load(root, path).unwrap_err();
                assert!(matches!(e, TemplateError::Unreadable { .. }));
                assert_eq!(
                    e.to_string(),
                    format!("template `{path}` cannot be read: it is {kind}, not a regular file")
                );
            }
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret.md"), "# S\n").unwrap();
            std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("link.md"))
                .unwrap();
            assert!(matches!(
                load(root, "link.md"),
                Err(TemplateError::OutsideRoot(_))
            ));
        }
    }
}
