//! A chapter named on the command line (`--prd`, `--supersedes`, `expand`):
//! a path relative to the current directory, to the book root or to the src
//! directory, or the chapter's name in SUMMARY.md. Whichever form is given,
//! the answer is the chapter's entry, so what gets written does not depend on
//! the form.

use mdbook_tdd::{ChapterMeta, normalize, slash_path};
use std::path::{Component, Path, PathBuf};

/// Where the book is, for reading paths given on the command line.
pub struct BookPlace<'a> {
    /// The book root (holding book.toml), as given.
    pub root: &'a Path,
    /// The src directory, relative to the root.
    pub src: &'a Path,
    /// The current directory (`None` if it cannot be read).
    pub cwd: Option<PathBuf>,
}

impl<'a> BookPlace<'a> {
    /// The book at `root` with its src dir `src`, seen from the current
    /// directory.
    pub fn new(root: &'a Path, src: &'a Path) -> BookPlace<'a> {
        BookPlace {
            root,
            src,
            cwd: std::env::current_dir().ok(),
        }
    }
}

/// The ways a chapter may be named, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Cwd,
    Root,
    Src,
    Name,
}

impl Form {
    fn describe(self) -> &'static str {
        match self {
            Form::Cwd => "as a path relative to the current directory",
            Form::Root => "as a path relative to the book root",
            Form::Src => "as a path relative to the src directory",
            Form::Name => "as a chapter name",
        }
    }
}

/// `path` made absolute (against `cwd`) with `.` and `..` resolved
/// lexically.
fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = cwd.join(path);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The src-relative, `/`-separated path of `arg` read against the current
/// directory, if it lies inside the src directory.
fn from_cwd(arg: &str, place: &BookPlace) -> Option<String> {
    let cwd = place.cwd.as_deref()?;
    let src = absolute(&place.root.join(place.src), cwd);
    let file = absolute(Path::new(arg), cwd);
    if let Ok(rel) = file.strip_prefix(&src) {
        return Some(slash_path(rel));
    }
    // The same place reached through a link (a temporary directory, say):
    // compare the real directories.
    let real_src = std::fs::canonicalize(&src).ok()?;
    let real_dir = std::fs::canonicalize(file.parent()?).ok()?;
    let rel = real_dir.join(file.file_name()?);
    rel.strip_prefix(&real_src).ok().map(slash_path)
}

/// The src-relative path of `arg` read against the book root, if it lies
/// inside the src directory.
fn from_root(arg: &str, place: &BookPlace) -> Option<String> {
    if Path::new(arg).is_absolute() {
        return None;
    }
    let path = normalize(arg)?;
    let src = normalize(&slash_path(place.src))?;
    if src.is_empty() {
        return Some(path);
    }
    path.strip_prefix(&src)?
        .strip_prefix('/')
        .map(str::to_string)
}

/// The src-relative path of `arg` read against the src directory.
fn from_src(arg: &str) -> Option<String> {
    if Path::new(arg).is_absolute() {
        return None;
    }
    normalize(arg)
}

/// Why an argument names no single chapter; the message says which
/// chapters it names, or the nearest ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapterArgError {
    /// It names no chapter.
    NotFound(String),
    /// It names more than one.
    Ambiguous(String),
}

impl std::fmt::Display for ChapterArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChapterArgError::NotFound(m) | ChapterArgError::Ambiguous(m) => f.write_str(m),
        }
    }
}

/// The chapter an argument names.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'c> {
    /// Its entry.
    pub meta: &'c ChapterMeta,
    /// Whether the argument is the chapter's file read against the current
    /// directory (so the argument can name the file in messages).
    pub via_cwd: bool,
}

/// The one chapter `arg` names (`option` is how the argument is called in
/// messages). Every form is tried; the argument must name exactly one
/// chapter. Otherwise the error lists the chapters it names, or suggests
/// the nearest ones.
pub fn resolve<'c>(
    option: &str,
    arg: &str,
    place: &BookPlace,
    chapters: &'c [ChapterMeta],
) -> Result<Resolved<'c>, ChapterArgError> {
    let by_path = |p: Option<String>| -> Option<usize> {
        let p = p.filter(|p| !p.is_empty())?;
        chapters
            .iter()
            .position(|c| c.path == p || c.source_path == p)
    };
    let mut found: Vec<(usize, Form)> = Vec::new();
    // A chapter listed twice (or named twice) is one chapter: one file.
    let mut files = std::collections::HashSet::new();
    let mut add = |at: usize, form: Form| {
        if let Some(c) = chapters.get(at)
            && files.insert(c.source_path.as_str())
        {
            found.push((at, form));
        }
    };
    for (form, at) in [
        (Form::Cwd, by_path(from_cwd(arg, place))),
        (Form::Root, by_path(from_root(arg, place))),
        (Form::Src, by_path(from_src(arg))),
    ] {
        if let Some(at) = at {
            add(at, form);
        }
    }
    for (at, c) in chapters.iter().enumerate() {
        if c.name == arg.trim() && !arg.trim().is_empty() {
            add(at, Form::Name);
        }
    }
    match found.as_slice() {
        [(at, form)] => match chapters.get(*at) {
            Some(meta) => Ok(Resolved {
                meta,
                via_cwd: *form == Form::Cwd,
            }),
            None => Err(ChapterArgError::NotFound(not_found(option, arg, chapters))),
        },
        [] => Err(ChapterArgError::NotFound(not_found(option, arg, chapters))),
        many => {
            let mut message = format!(
                "{option} `{arg}` names {} chapters; give one by its path relative to the src directory:",
                many.len()
            );
            for (at, form) in many {
                if let Some(c) = chapters.get(*at) {
                    message.push_str(&format!(
                        "\n    {} (`{}`, {})",
                        c.source_path,
                        c.name,
                        form.describe()
                    ));
                }
            }
            Err(ChapterArgError::Ambiguous(message))
        }
    }
}

/// The error for an argument that names no chapter, with the chapters it
/// most likely meant.
fn not_found(option: &str, arg: &str, chapters: &[ChapterMeta]) -> String {
    let mut message = format!(
        "{option} `{arg}` is not a chapter of SUMMARY.md (read as a path relative to the current directory, the book root and the src directory, and as a chapter name)"
    );
    let wanted = normalize(arg).unwrap_or_else(|| arg.to_string());
    let file_name = wanted.rsplit('/').next().unwrap_or(&wanted);
    // Chapters with the same file name, else the nearest path or name.
    let mut suggestions: Vec<&str> = chapters
        .iter()
        .filter(|c| !file_name.is_empty() && c.source_path.rsplit('/').next() == Some(file_name))
        .map(|c| c.source_path.as_str())
        .collect();
    if suggestions.is_empty() {
        let near_path = mdbook_tdd::closest(&wanted, chapters.iter().map(|c| c.path.as_str()));
        let near_name = mdbook_tdd::closest(arg.trim(), chapters.iter().map(|c| c.name.as_str()))
            .and_then(|n| chapters.iter().find(|c| c.name == n))
            .map(|c| c.source_path.as_str());
        suggestions.extend(near_path);
        suggestions.extend(near_name.filter(|n| Some(*n) != near_path));
    }
    suggestions.dedup();
    if !suggestions.is_empty() {
        let list: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
        message.push_str(&format!("; did you mean {}?", list.join(" or ")));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapters() -> Vec<ChapterMeta> {
        [
            ("Checkout", "prd/checkout.md"),
            ("Checkout", "legacy/checkout.md"),
            ("Payments", "tdd/payments.md"),
            ("Intro", "checkout.md"),
        ]
        .iter()
        .map(|(n, p)| ChapterMeta::new(n, p, p, "src", true))
        .collect()
    }

    fn place(cwd: &str) -> BookPlace<'static> {
        BookPlace {
            root: Path::new("/b"),
            src: Path::new("src"),
            cwd: Some(PathBuf::from(cwd)),
        }
    }

    fn one(arg: &str, cwd: &str) -> Result<String, String> {
        let cs = chapters();
        resolve("--prd", arg, &place(cwd), &cs)
            .map(|c| c.meta.source_path.clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form_names_the_same_chapter() {
        let want = Ok("tdd/payments.md".to_string());
        assert_eq!(one("tdd/payments.md", "/elsewhere"), want);
        assert_eq!(one("src/tdd/payments.md", "/elsewhere"), want);
        assert_eq!(one("src/tdd/payments.md", "/b"), want);
        assert_eq!(one("payments.md", "/b/src/tdd"), want);
        assert_eq!(one("../tdd/payments.md", "/b/src/prd"), want);
        assert_eq!(one("/b/src/tdd/./payments.md", "/elsewhere"), want);
        assert_eq!(one("Payments", "/elsewhere"), want);
        assert_eq!(one("tdd\\payments.md", "/elsewhere"), want);
    }

    #[test]
    fn the_current_directory_counts_only_inside_src() {
        // `/b/tdd/payments.md` is not in src: only the src form matches.
        assert_eq!(one("tdd/payments.md", "/b"), Ok("tdd/payments.md".into()));
        assert!(one("../../x.md", "/b").is_err());
    }

    #[test]
    fn ambiguity_lists_the_candidates() {
        // From src/prd, `checkout.md` is prd/checkout.md there and the
        // top-level checkout.md in src.
        let e = one("checkout.md", "/b/src/prd").unwrap_err();
        assert!(e.contains("names 2 chapters"), "{e}");
        assert!(
            e.contains("prd/checkout.md (`Checkout`, as a path relative to the current directory)"),
            "{e}"
        );
        assert!(
            e.contains("checkout.md (`Intro`, as a path relative to the src directory)"),
            "{e}"
        );
        assert!(matches!(
            resolve("--prd", "checkout.md", &place("/b/src/prd"), &chapters()),
            Err(ChapterArgError::Ambiguous(_))
        ));
        // A name two chapters share.
        let e = one("Checkout", "/elsewhere").unwrap_err();
        assert!(
            e.contains("prd/checkout.md (`Checkout`, as a chapter name)"),
            "{e}"
        );
        assert!(
            e.contains("legacy/checkout.md (`Checkout`, as a chapter name)"),
            "{e}"
        );
    }

    #[test]
    fn a_file_listed_twice_is_one_chapter() {
        let cs: Vec<ChapterMeta> = (0..3)
            .map(|_| ChapterMeta::new("Twice", "tdd/t.md", "tdd/t.md", "src", true))
            .collect();
        let found = resolve("--prd", "Twice", &place("/elsewhere"), &cs).unwrap();
        assert_eq!(found.meta.source_path, "tdd/t.md");
        assert!(resolve("--prd", "src/tdd/t.md", &place("/b"), &cs).is_ok());
    }

    #[test]
    fn not_found_suggests() {
        let e = one("prd/checkot.md", "/elsewhere").unwrap_err();
        assert!(e.contains("is not a chapter of SUMMARY.md"), "{e}");
        assert!(e.ends_with("did you mean `prd/checkout.md`?"), "{e}");
        let e = one("payments.md", "/elsewhere").unwrap_err();
        assert!(e.ends_with("did you mean `tdd/payments.md`?"), "{e}");
        let e = one("Paymnets", "/elsewhere").unwrap_err();
        assert!(e.ends_with("did you mean `tdd/payments.md`?"), "{e}");
        let e = one("zzzzzzzz/qqq", "/elsewhere").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        // Nothing breaks on odd input.
        for odd in ["", "/", "..", "é/../..", "\u{0}", " "] {
            assert!(one(odd, "/b/src").is_err(), "{odd:?}");
        }
    }
}
