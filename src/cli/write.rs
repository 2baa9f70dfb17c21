//! The one policy for every file the command line writes (book.toml,
//! SUMMARY.md, the stylesheet, new and expanded chapters, and the directories
//! made for them):
//!
//! - Writes stay inside the book. Paths are resolved through symbolic links;
//!   a link whose target lies inside the book is written through (the link
//!   stays a link), a link leading out of the book, or to nothing, is
//!   refused with both paths named. The same holds for every directory on
//!   the way.
//! - A read-only file (no write permission bit), or a file in a read-only
//!   directory, is refused, never replaced. The mode bits decide, not
//!   whether the system would let this process write (it lets root).
//! - A file with several hard links is refused: replacing it atomically
//!   would split it from its other names.
//! - A replaced file is written to a temporary file beside its target, with
//!   the target's permissions (and owner, where the system allows), then
//!   renamed over it. A new file is never written over an existing one.
//!
//! Commands first plan every write ([`Book::replace`], [`Book::create`]),
//! which checks all of the above, and only then write.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Why a file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The book directory cannot be resolved.
    #[error("cannot resolve the book directory `{}`: {source}", path.display())]
    Root { path: PathBuf, source: io::Error },
    /// The path resolves to a place outside the book.
    #[error(
        "`{}` resolves to `{}`, which is outside the book `{}`; mdbook-tdd writes only inside the book",
        path.display(), target.display(), root.display()
    )]
    Outside {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    /// A symbolic link on the way leads to nothing.
    #[error(
        "`{}` is a symbolic link to `{}`, which does not exist; mdbook-tdd does not create files through symbolic links",
        link.display(), target.display()
    )]
    Dangling { link: PathBuf, target: PathBuf },
    /// The file (or its directory) has no write permission.
    #[error("`{}` is read-only; mdbook-tdd does not replace read-only files", .0.display())]
    ReadOnly(PathBuf),
    /// The directory to write in has no write permission.
    #[error("the directory `{}` is read-only; mdbook-tdd does not write into it", .0.display())]
    ReadOnlyDir(PathBuf),
    /// The file has other names.
    #[error(
        "`{}` has {links} hard links; replacing it would split it from its other names, so mdbook-tdd leaves it alone",
        path.display()
    )]
    HardLinks { path: PathBuf, links: u64 },
    /// A new file would replace an existing one.
    #[error("`{}` already exists; mdbook-tdd never overwrites a file", .0.display())]
    Exists(PathBuf),
    /// Something other than a regular file is in the way.
    #[error("`{}` is not a regular file", .0.display())]
    NotAFile(PathBuf),
    /// Something other than a directory is on the way.
    #[error("`{}` is not a directory", .0.display())]
    NotADir(PathBuf),
    /// The path has a form that cannot be created (`..` in the part that
    /// does not exist yet).
    #[error("`{}` cannot be created: it has `..` or a root below its last existing directory", .0.display())]
    BadPath(PathBuf),
    /// The system refused.
    #[error("cannot write `{}`: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A book directory, resolved, that files are written into.
#[derive(Debug)]
pub struct Book {
    /// The book root as given (for messages).
    shown: PathBuf,
    /// The book root with every symbolic link resolved.
    root: PathBuf,
}

/// A planned replacement of an existing file.
#[derive(Debug)]
pub struct Replace {
    /// The path as given (for messages).
    pub shown: PathBuf,
    /// The file actually written: the path with symbolic links resolved.
    target: PathBuf,
    meta: std::fs::Metadata,
}

/// A planned new file.
#[derive(Debug)]
pub struct Create {
    /// The path as given (for messages).
    pub shown: PathBuf,
    /// The file actually created, in a resolved directory.
    target: PathBuf,
    /// Directories to make first, outermost first.
    dirs: Vec<PathBuf>,
}

/// A file [`Create::write`] made, which can be taken back.
#[derive(Debug)]
pub struct Created {
    target: PathBuf,
    dirs: Vec<PathBuf>,
}

fn read_only(meta: &std::fs::Metadata) -> bool {
    // On Unix: no write bit for anyone.
    meta.permissions().readonly()
}

#[cfg(unix)]
fn hard_links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_: &std::fs::Metadata) -> u64 {
    1
}

impl Book {
    /// The book at `root`.
    pub fn open(root: &Path) -> Result<Book, WriteError> {
        let resolved = std::fs::canonicalize(root).map_err(|source| WriteError::Root {
            path: root.to_path_buf(),
            source,
        })?;
        Ok(Book {
            shown: root.to_path_buf(),
            root: resolved,
        })
    }

    /// Resolves `path` through every symbolic link; a link to nothing is an
    /// error naming the link.
    fn resolve(&self, path: &Path) -> Result<PathBuf, WriteError> {
        match std::fs::canonicalize(path) {
            Ok(p) => Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Name the link that leads to nothing: the nearest ancestor
                // (or the path itself) that is a symbolic link.
                for a in path.ancestors() {
                    if std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink())
                        && std::fs::metadata(a).is_err()
                    {
                        return Err(WriteError::Dangling {
                            link: a.to_path_buf(),
                            target: std::fs::read_link(a).unwrap_or_default(),
                        });
                    }
                }
                Err(io_error(path)(e))
            }
            Err(e) => Err(io_error(path)(e)),
        }
    }

    fn inside(&self, path: &Path, target: PathBuf) -> Result<PathBuf, WriteError> {
        if target.starts_with(&self.root) {
            Ok(target)
        } else {
            Err(WriteError::Outside {
                path: path.to_path_buf(),
                target,
                root: self.shown.clone(),
            })
        }
    }

    fn writable_dir(dir: &Path) -> Result<(), WriteError> {
        let meta = std::fs::metadata(dir).map_err(io_error(dir))?;
        if !meta.is_dir() {
            return Err(WriteError::NotADir(dir.to_path_buf()));
        }
        if read_only(&meta) {
            return Err(WriteError::ReadOnlyDir(dir.to_path_buf()));
        }
        Ok(())
    }

    /// Plans replacing the existing file at `path` (as given, or relative to
    /// the current directory).
    pub fn replace(&self, path: &Path) -> Result<Replace, WriteError> {
        std::fs::symlink_metadata(path).map_err(io_error(path))?;
        let target = self.resolve(path)?;
        let target = self.inside(path, target)?;
        let meta = std::fs::metadata(&target).map_err(io_error(path))?;
        if !meta.is_file() {
            return Err(WriteError::NotAFile(path.to_path_buf()));
        }
        if read_only(&meta) {
            return Err(WriteError::ReadOnly(path.to_path_buf()));
        }
        let links = hard_links(&meta);
        if links > 1 {
            return Err(WriteError::HardLinks {
                path: path.to_path_buf(),
                links,
            });
        }
        if let Some(dir) = target.parent() {
            Self::writable_dir(dir)?;
        }
        Ok(Replace {
            shown: path.to_path_buf(),
            target,
            meta,
        })
    }

    /// Plans a new file at `rel`, relative to the book root; the
    /// directories missing on the way are made when it is written.
    pub fn create(&self, rel: &Path) -> Result<Create, WriteError> {
        let path = self.shown.join(rel);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() && std::fs::metadata(&path).is_err() => {
                return Err(WriteError::Dangling {
                    target: std::fs::read_link(&path).unwrap_or_default(),
                    link: path,
                });
            }
            Ok(_) => return Err(WriteError::Exists(path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path)(e)),
        }
        // The nearest ancestor that exists (as a directory, a file or a
        // link); everything below it is made.
        let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
        let mut existing = path.parent();
        while let Some(a) = existing {
            match std::fs::symlink_metadata(a) {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    match a.components().next_back() {
                        Some(Component::Normal(name)) => missing.push(name),
                        _ => return Err(WriteError::BadPath(path)),
                    }
                    existing = a.parent();
                }
                Err(e) => return Err(io_error(a)(e)),
            }
        }
        let Some(existing) = existing else {
            return Err(WriteError::BadPath(path));
        };
        let name = match path.components().next_back() {
            Some(Component::Normal(name)) => name.to_os_string(),
            _ => return Err(WriteError::BadPath(path)),
        };
        let resolved = self.resolve(existing)?;
        let mut dir = self.inside(existing, resolved)?;
        Self::writable_dir(&dir)?;
        let mut dirs = Vec::new();
        for m in missing.iter().rev() {
            dir.push(m);
            dirs.push(dir.clone());
        }
        Ok(Create {
            shown: path.clone(),
            target: dir.join(name),
            dirs,
        })
    }
}

impl Replace {
    /// Writes the new contents: a temporary file beside the target, then a
    /// rename over it.
    pub fn write(&self, contents: &[u8]) -> Result<(), WriteError> {
        let err = io_error(&self.shown);
        let dir = self.target.parent().unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut n = 0u32;
        let (tmp, file) = loop {
            let candidate = dir.join(format!(".{name}.mdbook-tdd.{}.{n}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
            {
                Ok(f) => break (candidate, f),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(err(e)),
            }
        };
        let written = (&file)
            .write_all(contents)
            .and_then(|()| keep_owner(&file, &self.meta))
            .and_then(|()| file.set_permissions(self.meta.permissions()))
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, &self.target));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(err(e));
        }
        Ok(())
    }
}

/// Gives the new file the old one's owner and group where the system lets
/// this process (root, or a group it belongs to); otherwise it keeps the
/// owner it was created with.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))
            .or_else(|_| std::os::unix::fs::fchown(file, None, Some(old.gid())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> io::Result<()> {
    Ok(())
}

impl Create {
    /// Makes the missing directories and the file, which must not exist.
    /// On failure nothing it made is left behind.
    pub fn write(&self, contents: &[u8]) -> Result<Created, WriteError> {
        let mut made = Created {
            target: self.target.clone(),
            dirs: Vec::new(),
        };
        for d in &self.dirs {
            match std::fs::create_dir(d) {
                Ok(()) => made.dirs.push(d.clone()),
                // Made since it was planned by an earlier write of the same
                // command (two new files in one new directory): a directory
                // itself, not a link, so still inside the book. It is that
                // write's to take back.
                Err(e)
                    if e.kind() == io::ErrorKind::AlreadyExists
                        && std::fs::symlink_metadata(d).is_ok_and(|m| m.is_dir()) => {}
                Err(e) => {
                    made.undo_dirs();
                    return Err(io_error(d)(e));
                }
            }
        }
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.target);
        let written = match written {
            Ok(mut f) => f
                .write_all(contents)
                .and_then(|()| f.sync_all())
                .inspect_err(|_| {
                    let _ = std::fs::remove_file(&self.target);
                }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                made.undo_dirs();
                return Err(WriteError::Exists(self.shown.clone()));
            }
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            made.undo_dirs();
            return Err(io_error(&self.shown)(e));
        }
        Ok(made)
    }
}

impl Created {
    fn undo_dirs(&self) {
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }

    /// Removes the file and the directories made for it.
    pub fn undo(self) {
        let _ = std::fs::remove_file(&self.target);
        self.undo_dirs();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_creates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("f.md"), "old").unwrap();
        let book = Book::open(root).unwrap();
        book.replace(&root.join("f.md"))
            .unwrap()
            .write(b"new")
            .unwrap();
        assert_eq!(std::fs::read_to_string(root.join("f.md")).unwrap(), "new");
        // No temporary file is left.
        assert_eq!(std::fs::read_dir(root).unwrap().count(), 1);

        let plan = book.create(Path::new("a/b/c.md")).unwrap();
        assert!(!root.join("a").exists(), "planning writes nothing");
        let made = plan.write(b"c").unwrap();
        assert_eq!(std::fs::read_to_string(root.join("a/b/c.md")).unwrap(), "c");
        made.undo();
        assert!(!root.join("a").exists());

        // Two new files planned in one new directory: both are written, and
        // taking both back (last first) leaves no directory.
        let first = book.create(Path::new("n/d/1.md")).unwrap();
        let second = book.create(Path::new("n/d/2.md")).unwrap();
        let first = first.write(b"1").unwrap();
        let second = second.write(b"2").unwrap();
        assert_eq!(std::fs::read_to_string(root.join("n/d/2.md")).unwrap(), "2");
        second.undo();
        assert!(root.join("n/d/1.md").exists());
        first.undo();
        assert!(!root.join("n").exists());

        assert!(matches!(
            book.create(Path::new("f.md")),
            Err(WriteError::Exists(_))
        ));
        assert!(matches!(
            book.create(Path::new("x/../../y.md")),
            Err(WriteError::BadPath(_))
        ));
        assert!(matches!(
            book.replace(&root.join("missing.md")),
            Err(WriteError::Io { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_what_the_policy_forbids() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(outside.path().join("o.md"), "o").unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/in.md"), "in").unwrap();
        symlink(root.join("real/in.md"), root.join("in-link.md")).unwrap();
        symlink(outside.path().join("o.md"), root.join("out-link.md")).unwrap();
        symlink("nowhere.md", root.join("dangling.md")).unwrap();
        symlink(outside.path(), root.join("out-dir")).unwrap();
        symlink("real", root.join("in-dir")).unwrap();
        let book = Book::open(root).unwrap();

        // Inside: written through, the link stays a link.
        book.replace(&root.join("in-link.md"))
            .unwrap()
            .write(b"new")
            .unwrap();
        assert!(
            std::fs::symlink_metadata(root.join("in-link.md"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(root.join("real/in.md")).unwrap(),
            "new"
        );
        book.create(Path::new("in-dir/sub/n.md"))
            .unwrap()
            .write(b"n")
            .unwrap();
        assert!(root.join("real/sub/n.md").is_file());

        let e = book.replace(&root.join("out-link.md")).unwrap_err();
        assert!(matches!(e, WriteError::Outside { .. }), "{e}");
        let e = book.create(Path::new("out-dir/sub/n.md")).unwrap_err();
        assert!(matches!(e, WriteError::Outside { .. }), "{e}");
        assert!(!outside.path().join("sub").exists());
        let e = book.create(Path::new("dangling.md")).unwrap_err();
        assert!(
            e.to_string()
                .contains("dangling.md` is a symbolic link to `nowhere.md`"),
            "{e}"
        );
        assert!(matches!(
            book.replace(&root.join("dangling.md")),
            Err(WriteError::Dangling { .. })
        ));

        std::fs::set_permissions(
            root.join("real/in.md"),
            std::fs::Permissions::from_mode(0o444),
        )
        .unwrap();
        let e = book.replace(&root.join("real/in.md")).unwrap_err();
        assert!(matches!(e, WriteError::ReadOnly(_)), "{e}");

        std::fs::write(root.join("h.md"), "h").unwrap();
        std::fs::hard_link(root.join("h.md"), root.join("h2.md")).unwrap();
        let e = book.replace(&root.join("h.md")).unwrap_err();
        assert!(matches!(e, WriteError::HardLinks { links: 2, .. }), "{e}");

        // Permissions are kept.
        std::fs::write(root.join("p.md"), "p").unwrap();
        std::fs::set_permissions(root.join("p.md"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        book.replace(&root.join("p.md"))
            .unwrap()
            .write(b"q")
            .unwrap();
        let mode = std::fs::metadata(root.join("p.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);

        std::fs::create_dir(root.join("ro")).unwrap();
        std::fs::set_permissions(root.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
        let e = book.create(Path::new("ro/n.md")).unwrap_err();
        assert!(matches!(e, WriteError::ReadOnlyDir(_)), "{e}");
        std::fs::set_permissions(root.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
