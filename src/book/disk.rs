//! Loading a book from disk, as mdBook would, without running mdBook and
//! without writing anything: `book.toml`, `SUMMARY.md` (parsed with mdBook's
//! own `mdbook-summary`), and the chapters in book order.

use crate::book::ChapterMeta;
use crate::book::SourceChapter;
use crate::links::slash_path;
use mdbook_summary::{Link, SummaryItem, parse_summary};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Why a book cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// There is no `book.toml` in the directory.
    #[error("no book.toml in `{0}`: is this an mdBook book? (pass the book directory)")]
    NoBook(PathBuf),
    /// A file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `book.toml` is not valid TOML.
    #[error("`{path}` is not valid TOML: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// `SUMMARY.md` cannot be parsed.
    #[error("`{path}` cannot be parsed: {message}")]
    Summary {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
}

/// A book read from disk.
#[derive(Debug, Clone)]
pub struct DiskBook {
    /// The book root (holding `book.toml`).
    pub root: PathBuf,
    /// The whole configuration, as JSON.
    pub config: Value,
    /// The source directory, relative to the root.
    pub src: PathBuf,
    /// The chapters in book order (drafts left out).
    pub chapters: Vec<SourceChapter>,
}

fn read(path: &Path) -> Result<String, LoadError> {
    read_text(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// What a path that is not a regular file is.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

fn not_regular(meta: &std::fs::Metadata) -> std::io::Error {
    let kind = file_kind(meta);
    let message = if kind == "not a regular file" {
        kind.to_string()
    } else {
        format!("it is {kind}, not a regular file")
    };
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// Reads a file, refusing anything but a regular file (following
/// symlinks) before opening it: opening a FIFO blocks until something
/// writes to it, and a device may never end.
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut file = std::fs::File::open(path)?;
    // The path may have been replaced since it was looked at.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a UTF-8 text file as [`read_bytes`] does.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Reads `book.toml` as JSON.
pub fn read_config(root: &Path) -> Result<Value, LoadError> {
    let path = root.join("book.toml");
    if std::fs::metadata(&path).is_err() {
        return Err(LoadError::NoBook(root.to_path_buf()));
    }
    let text = read(&path)?;
    let value: toml::Value = toml::from_str(&text).map_err(|e| LoadError::Toml {
        path: path.clone(),
        message: e.to_string(),
    })?;
    serde_json::to_value(value).map_err(|e| LoadError::Toml {
        path,
        message: e.to_string(),
    })
}

/// The source directory named in the configuration (`src` by default).
pub fn src_dir(config: &Value) -> PathBuf {
    PathBuf::from(
        config
            .pointer("/book/src")
            .and_then(Value::as_str)
            .unwrap_or("src"),
    )
}

/// A book's configuration and the chapters SUMMARY.md lists, without
/// their text.
#[derive(Debug, Clone)]
pub struct BookOutline {
    /// The whole configuration, as JSON.
    pub config: Value,
    /// The source directory, relative to the root.
    pub src: PathBuf,
    /// The chapters in book order (drafts left out).
    pub chapters: Vec<ChapterMeta>,
}

/// Reads a book's configuration and SUMMARY.md, but no chapter.
pub fn load_outline(root: &Path) -> Result<BookOutline, LoadError> {
    let config = read_config(root)?;
    let src = src_dir(&config);
    let summary_path = root.join(&src).join("SUMMARY.md");
    let summary_text = read(&summary_path)?;
    let summary = parse_summary(&summary_text).map_err(|e| LoadError::Summary {
        path: summary_path.clone(),
        message: format!("{e:#}"),
    })?;
    let index_enabled = crate::book::index_enabled(&config);
    let src_slash = slash_path(&src);
    let mut links: Vec<&Link> = Vec::new();
    fn walk<'a>(items: &'a [SummaryItem], out: &mut Vec<&'a Link>) {
        for item in items {
            if let SummaryItem::Link(link) = item {
                out.push(link);
                walk(&link.nested_items, out);
            }
        }
    }
    walk(&summary.prefix_chapters, &mut links);
    walk(&summary.numbered_chapters, &mut links);
    walk(&summary.suffix_chapters, &mut links);
    let chapters = links
        .into_iter()
        .filter_map(|link| {
            let path = slash_path(link.location.as_ref()?);
            Some(ChapterMeta::new(
                &link.name,
                &path,
                &path,
                &src_slash,
                index_enabled,
            ))
        })
        .collect();
    Ok(BookOutline {
        config,
        src,
        chapters,
    })
}

/// Loads a book: its configuration, SUMMARY.md and every chapter.
pub fn load_book(root: &Path) -> Result<DiskBook, LoadError> {
    let BookOutline {
        config,
        src,
        chapters: metas,
    } = load_outline(root)?;
    let src_path = root.join(&src);
    let mut chapters = Vec::with_capacity(metas.len());
    for meta in metas {
        let mut text = read(&src_path.join(&meta.source_path))?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        chapters.push(SourceChapter {
            meta,
            text: text.into(),
        });
    }
    Ok(DiskBook {
        root: root.to_path_buf(),
        config,
        src,
        chapters,
    })
}

/// Finds the book root holding `file`: the nearest ancestor with a
/// `book.toml`.
pub fn find_root(file: &Path) -> Option<PathBuf> {
    let abs = if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(file)
    };
    abs.ancestors()
        .skip(1)
        .find(|d| d.join("book.toml").is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_book() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("book.toml"),
            "[book]\ntitle = \"x\"\nmultilingual = false\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("src/a")).unwrap();
        std::fs::write(
            root.join("src/SUMMARY.md"),
            "# Summary\n\n[Intro](README.md)\n\n# Part\n\n- [A](a/one.md)\n    - [B](<a/t w o.md>)\n- [Draft]()\n\n---\n\n- [C](c.md)\n",
        )
        .unwrap();
        std::fs::write(root.join("src/README.md"), "\u{feff}# Intro\n").unwrap();
        std::fs::write(root.join("src/a/one.md"), "one").unwrap();
        std::fs::write(root.join("src/a/t w o.md"), "two").unwrap();
        std::fs::write(root.join("src/c.md"), "c").unwrap();
        let b = load_book(root).unwrap();
        let paths: Vec<&str> = b.chapters.iter().map(|c| c.meta.path.as_str()).collect();
        assert_eq!(paths, ["README.md", "a/one.md", "a/t w o.md", "c.md"]);
        assert_eq!(b.chapters[0].text, "# Intro\n".into());
        assert_eq!(b.chapters[0].meta.served, "index.md");
        assert_eq!(b.chapters[2].meta.file, "src/a/t w o.md");
    }

    #[test]
    fn errors_name_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(load_book(dir.path()), Err(LoadError::NoBook(_))));
        std::fs::write(dir.path().join("book.toml"), "[book\n").unwrap();
        assert!(matches!(load_book(dir.path()), Err(LoadError::Toml { .. })));
        std::fs::write(dir.path().join("book.toml"), "").unwrap();
        assert!(matches!(load_book(dir.path()), Err(LoadError::Read { .. })));
    }

    #[cfg(unix)]
    fn fifo(path: &Path) {
        let made = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(made.success());
    }

    /// A FIFO, a directory or a device is refused before it is opened
    /// (opening a FIFO would block).
    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let message = |r: std::io::Result<Vec<u8>>| r.unwrap_err().to_string();
        fifo(&root.join("pipe"));
        assert_eq!(
            message(read_bytes(&root.join("pipe"))),
            "it is a FIFO, not a regular file"
        );
        assert_eq!(
            message(read_bytes(root)),
            "it is a directory, not a regular file"
        );
        assert_eq!(
            message(read_bytes(Path::new("/dev/zero"))),
            "it is a character device, not a regular file"
        );
        std::os::unix::fs::symlink(root.join("pipe"), root.join("link")).unwrap();
        assert!(read_bytes(&root.join("link")).is_err());
        std::fs::write(root.join("f"), "x").unwrap();
        assert_eq!(read_bytes(&root.join("f")).unwrap(), b"x");
        // Every file of a book.
        std::fs::write(root.join("book.toml"), "[book]\ntitle = \"x\"\n").unwrap();
        std::fs::create_dir(root.join("src")).unwrap();
        fifo(&root.join("src/SUMMARY.md"));
        let e = load_book(root).unwrap_err().to_string();
        assert!(
            e.ends_with("SUMMARY.md`: it is a FIFO, not a regular file"),
            "{e}"
        );
        std::fs::remove_file(root.join("src/SUMMARY.md")).unwrap();
        std::fs::write(root.join("src/SUMMARY.md"), "- [A](a.md)\n").unwrap();
        fifo(&root.join("src/a.md"));
        let e = load_book(root).unwrap_err().to_string();
        assert!(
            e.ends_with("a.md`: it is a FIFO, not a regular file"),
            "{e}"
        );
        std::fs::remove_file(root.join("book.toml")).unwrap();
        fifo(&root.join("book.toml"));
        let e = load_book(root).unwrap_err().to_string();
        assert!(
            e.ends_with("book.toml`: it is a FIFO, not a regular file"),
            "{e}"
        );
    }
}
