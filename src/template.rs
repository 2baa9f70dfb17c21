//! The TDD template: the built-in one, template files inside the book root,
//! and `{placeholder}` handling.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The built-in template (the team's TDD template, 12 numbered sections).
pub const BUILTIN: &str = include_str!("../templates/tdd-template.md");

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
    /// Whether the error means the file is not there or not readable (as
    /// opposed to being unusable).
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
    let bytes = crate::load::read_bytes(&path).map_err(|source| TemplateError::Unreadable {
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
