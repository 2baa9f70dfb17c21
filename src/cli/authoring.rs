//! `new`, `expand` and `install`: the commands that write files. Nothing is
//! written when a command fails.

use super::chapter_arg::{self, BookPlace, ChapterArgError};
use super::write::{self, WriteError};
use super::{NewKind, preprocessor, say, tell, usage_error};
use mdbook_tdd::authoring::install;
use mdbook_tdd::authoring::lifecycle::set_status;
use mdbook_tdd::authoring::pin::set_pin;
use mdbook_tdd::authoring::summary::{self as newdoc, Placement};
use mdbook_tdd::{
    ChapterMeta, Config, Diagnostics, Settings, SourceChapter, expand_one, find_root, load_book,
    load_outline, normalize, read_config, read_text, relative_path, slash_path, src_dir,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `new`.
pub struct NewArgs {
    pub book: PathBuf,
    pub title: String,
    pub kind: NewKind,
    pub prd: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub dir: Option<String>,
    pub expand: bool,
    pub supersedes: Option<String>,
    pub mark_superseded: bool,
}

/// A quoted directive value: quotes and backslashes escaped as the
/// directive grammar reads them.
fn quote(v: &str) -> String {
    mdbook_tdd::authoring::init::quote(v)
}

/// A value that goes into the directive or SUMMARY.md: every run of white
/// space (line breaks and tabs included) becomes one space; other control
/// characters are refused.
///
/// A value that would open a directive in the new chapter (`{{#`, also
/// with white space before the `#`, as mdBook reads its own) is refused
/// too: a backslash cannot escape it, because mdBook's `links` removes the
/// backslash before mdbook-tdd runs.
pub(super) fn one_line(option: &str, value: &str) -> Result<String, String> {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{option} holds the control character {}; write the value without it",
            c.escape_unicode()
        ));
    }
    let opens_directive = v.match_indices("{{").any(|(at, _)| {
        v.get(at + 2..)
            .is_some_and(|r| r.trim_start().starts_with('#'))
    });
    if opens_directive {
        return Err(format!(
            "{option} holds `{{{{#`, which would open a directive (of mdbook-tdd or mdBook) in the new chapter; write the value without it"
        ));
    }
    Ok(v)
}

/// A path given on the command line: no control characters at all.
fn path_value(option: &str, value: &str) -> Result<String, String> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "{option} holds the control character {}; file names with control characters are not supported",
            c.escape_unicode()
        )),
        None => Ok(value.to_string()),
    }
}

/// `mdbook-tdd new`.
pub fn new(a: NewArgs) -> ExitCode {
    let values = (|| -> Result<_, String> {
        let title = one_line("the title", &a.title)?;
        let author = a
            .author
            .as_deref()
            .map(|v| one_line("--author", v))
            .transpose()?;
        let date = a
            .date
            .as_deref()
            .map(|v| one_line("--date", v))
            .transpose()?;
        let prd = a
            .prd
            .as_deref()
            .map(|v| path_value("--prd", v))
            .transpose()?;
        let dir = a
            .dir
            .as_deref()
            .map(|v| path_value("--dir", v))
            .transpose()?;
        let supersedes = a
            .supersedes
            .as_deref()
            .map(|v| path_value("--supersedes", v))
            .transpose()?;
        Ok((title, author, date, prd, dir, supersedes))
    })();
    let (title, author, date, prd_arg, dir_arg, supersedes_arg) = match values {
        Ok(v) => v,
        Err(e) => return usage_error(e),
    };
    if title.is_empty() {
        return usage_error("the title is empty");
    }
    let prd_kind = a.kind == NewKind::Prd;
    if prd_kind && prd_arg.is_some() {
        return usage_error(
            "--prd names the source PRD of a TDD; a PRD has none (leave out --prd, or --kind prd)",
        );
    }
    let root = a.book;
    let book = match load_book(&root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let mut diags = Diagnostics::new();
    let config = Config::from_book_config(&book.config, false, &mut diags);
    if diags.has_errors() {
        preprocessor::report(&diags);
        return ExitCode::FAILURE;
    }
    let (paths, default_dir) = if prd_kind {
        (&config.prd_paths, "prd")
    } else {
        (&config.tdd_paths, "tdd")
    };
    let dir = dir_arg
        .or_else(|| paths.first().and_then(|g| newdoc::glob_dir(&g.source)))
        .unwrap_or_else(|| default_dir.to_string());
    let Some(dir) = normalize(&dir).filter(|_| !Path::new(&dir).is_absolute()) else {
        return usage_error(format!(
            "--dir `{dir}` must stay inside the book's src directory"
        ));
    };
    let rel = if dir.is_empty() {
        format!("{}.md", newdoc::slug(&title))
    } else {
        format!("{dir}/{}.md", newdoc::slug(&title))
    };
    let src_dir = root.join(&book.src);
    // Every check of the file system before anything is written.
    let target = match write::Book::open(&root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let new_file = match target.create(&book.src.join(&rel)) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let summary_path = src_dir.join("SUMMARY.md");
    let summary_file = match target.replace(&summary_path) {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    // The chapters named by --prd and --supersedes, in whichever form.
    let place = BookPlace::new(&root, &book.src);
    let metas: Vec<ChapterMeta> = book.chapters.iter().map(|c| c.meta.clone()).collect();
    let prd = match &prd_arg {
        None => None,
        Some(p) => match chapter_arg::resolve("--prd", p, &place, &metas) {
            Ok(found) => Some(found.meta.path.clone()),
            Err(e) => return usage_error(e),
        },
    };
    // The TDD this one supersedes, and (with --mark-superseded) its file,
    // planned with the others.
    let old = match &supersedes_arg {
        None => None,
        Some(p) => match chapter_arg::resolve("--supersedes", p, &place, &metas) {
            Ok(found) => Some(found.meta.clone()),
            Err(e) => return usage_error(e),
        },
    };
    let old_file = match (&old, a.mark_superseded) {
        (Some(meta), true) => match target.replace(&src_dir.join(&meta.source_path)) {
            Ok(r) => Some(r),
            Err(e) => return usage_error(e),
        },
        _ => None,
    };

    // The book as it is, for the PRD's Version and SUMMARY.md's documents.
    let settings = Settings::from_disk(&root, &book.config);
    let book_src = book.src.clone();
    let processed = mdbook_tdd::process_disk_book(book, false);
    // The TDD is pinned to the PRD's Version (when it has one).
    let prd_version = prd
        .as_deref()
        .and_then(|p| prd_version(&processed.model, p));

    // The chapter: the directive, or its expansion.
    let name = if prd_kind {
        "prd-skeleton"
    } else {
        "tdd-skeleton"
    };
    let mut directive = format!("{{{{#{name} title={}", quote(&title));
    if let Some(author) = &author {
        directive.push_str(&format!(" author={}", quote(author)));
    }
    let date = date.unwrap_or_else(newdoc::today);
    directive.push_str(&format!(" date={}", quote(&date)));
    if let Some(p) = &prd {
        directive.push_str(&format!(" prd={}", quote(&relative_path(&rel, p))));
        if let Some(v) = &prd_version {
            directive.push_str(&format!(" prd-version={}", quote(v)));
        }
    }
    if let Some(o) = &old {
        directive.push_str(&format!(" supersedes={}", quote(&old_link(&rel, o))));
    }
    directive.push_str("}}\n");
    let content = if a.expand {
        let chapter = SourceChapter {
            meta: ChapterMeta::new(
                &title,
                &rel,
                &rel,
                &slash_path(&book_src),
                settings.index_enabled,
            ),
            text: directive.clone().into(),
        };
        let (expanded, diags) = expand_one(chapter, &config, &settings);
        if diags.has_errors() {
            preprocessor::report(&diags);
            return ExitCode::FAILURE;
        }
        expanded.unwrap_or(directive)
    } else {
        directive
    };

    // The SUMMARY.md entry.
    let summary = match read_text(&summary_path) {
        Ok(s) => s,
        Err(e) => return usage_error(format!("cannot read `{}`: {e}", summary_path.display())),
    };
    // The documents of the new one's kind.
    let kind_paths: Vec<String> = processed
        .model
        .documents
        .iter()
        .filter(|d| (d.kind == mdbook_tdd::DocKind::Prd) == prd_kind)
        .map(|d| processed.model.chapter(d).source_path.clone())
        .collect();
    let what = if prd_kind { "PRD" } else { "TDD" };
    // The old chapter must be a document of the same kind; its new text is
    // made now, written last.
    let mut marked: Option<(String, String)> = None;
    if let Some(o) = &old {
        if !kind_paths.contains(&o.source_path) {
            return usage_error(format!(
                "--supersedes `{}` is not a {what} of this book; a {what} supersedes {what}s",
                o.source_path
            ));
        }
        if let Some(file) = &old_file {
            let Some(status) = config.superseded_status.clone() else {
                return usage_error(
                    "--mark-superseded needs a superseded status: set `superseded-status` in [preprocessor.tdd]",
                );
            };
            let text = match read_text(&file.shown) {
                Ok(t) => t,
                Err(e) => {
                    return usage_error(format!("cannot read `{}`: {e}", file.shown.display()));
                }
            };
            match set_status(&text, &status, &config.markdown) {
                Ok(Some(t)) => marked = Some((t, text)),
                Ok(None) => tell(format_args!(
                    "note: `{}` is already {status}",
                    file.shown.display()
                )),
                Err(e) => {
                    return usage_error(format!(
                        "cannot mark `{}` {status}: {e}; nothing was written",
                        file.shown.display()
                    ));
                }
            }
        }
    }
    let old_path: Vec<String> = old.iter().map(|o| o.path.clone()).collect();
    let placement = match (&old, &prd) {
        (Some(_), _) => Placement::After(&old_path),
        (None, Some(p)) => Placement::Under(p),
        (None, None) => Placement::After(&kind_paths),
    };
    let mut inserted = newdoc::insert_entry(&summary, &title, &rel, placement);
    // The first document of its kind (a TDD without a PRD) goes into the
    // part for its kind, where the book has one.
    if inserted.is_none() && old.is_none() && prd.is_none() {
        let part = if prd_kind {
            newdoc::PRD_PART
        } else {
            newdoc::TDD_PART
        };
        inserted = newdoc::insert_entry(&summary, &title, &rel, Placement::InPart(part));
    }
    if inserted.is_none() {
        let anchor = old.as_ref().map(|o| o.path.as_str()).or(prd.as_deref());
        if let Some(p) = anchor {
            tell(format_args!(
                "note: the entry of `{p}` was not found in the lines of SUMMARY.md; the new entry goes at the end"
            ));
        }
    }
    let inserted = inserted.unwrap_or_else(|| newdoc::Inserted {
        text: newdoc::append_entry(&summary, &title, &rel),
        expected: newdoc::Expected::TopLevel,
    });
    if let Err(e) = newdoc::check_placement(&inserted.text, &rel, &inserted.expected) {
        return usage_error(format!(
            "cannot add the entry to `{}`: {e}; nothing was written (add `{rel}` to it by hand)",
            summary_path.display()
        ));
    }
    let new_summary = inserted.text;

    // Write: the new file first (never over an existing one), then SUMMARY.md.
    let created = match new_file.write(content.as_bytes()) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    if let Err(e) = summary_file.write(new_summary.as_bytes()) {
        created.undo();
        return usage_error(e);
    }
    if let (Some(file), Some((text, _))) = (&old_file, &marked)
        && let Err(e) = file.write(text.as_bytes())
    {
        // Take back what was written: SUMMARY.md as it was, no new file.
        let restored = summary_file.write(summary.as_bytes());
        created.undo();
        if let Err(r) = restored {
            tell(format_args!("error: {r}"));
        }
        return usage_error(e);
    }
    say(format_args!("created {}", new_file.shown.display()));
    say(format_args!(
        "added `{title}` to {}",
        summary_path.display()
    ));
    if let (Some(file), Some(_)) = (&old_file, &marked) {
        say(format_args!(
            "marked {} {}",
            file.shown.display(),
            config.superseded_status.as_deref().unwrap_or_default()
        ));
    }
    ExitCode::SUCCESS
}

/// The Version of the PRD at `path` (relative to the src dir) as a pin
/// takes it: `None` when it is no PRD or its Version is missing or not a
/// version (one line, no control characters).
fn prd_version(model: &mdbook_tdd::BookModel, path: &str) -> Option<String> {
    let doc = model.documents.iter().find(|d| {
        let c = model.chapter(d);
        c.path == path || c.source_path == path
    })?;
    let v = doc.field("Version")?.trim();
    mdbook_tdd::parse_version(v)?;
    one_line("the PRD's Version", v).ok()
}

/// The Supersedes value of a new chapter at `rel` for the old chapter: a
/// link with the old chapter's name (its file name when the name could not
/// go into the directive).
fn old_link(rel: &str, old: &ChapterMeta) -> String {
    let dest = relative_path(rel, &old.path);
    let name = one_line("the old chapter's name", &old.name)
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| old.path.rsplit('/').next().unwrap_or(&old.path).to_string());
    format!(
        "[{}]({})",
        mdbook_tdd::escape_link_text(&name),
        mdbook_tdd::markdown_destination(&dest)
    )
}

/// The file `expand` (and `pin`) works on: the chapter the argument names
/// (in any of the forms of [`chapter_arg::resolve`]), else a file that is
/// not a chapter given by its path.
pub(super) fn expand_target(given: &Path, root: &Path) -> Result<PathBuf, String> {
    let outline = load_outline(root).map_err(|e| e.to_string());
    expand_target_in(given, root, outline.as_ref())
}

/// [`expand_target`] with the book's outline read once (`pin` names many
/// chapters of one book).
pub(super) fn expand_target_in(
    given: &Path,
    root: &Path,
    outline: Result<&mdbook_tdd::BookOutline, &String>,
) -> Result<PathBuf, String> {
    let exists = std::fs::symlink_metadata(given).is_ok();
    let outline = match outline {
        Ok(o) => o,
        Err(_) if exists => return Ok(given.to_path_buf()),
        Err(e) => return Err(e.clone()),
    };
    let Some(arg) = given.to_str() else {
        return Ok(given.to_path_buf());
    };
    let place = BookPlace::new(root, &outline.src);
    match chapter_arg::resolve("CHAPTER", arg, &place, &outline.chapters) {
        // Named as given where that is the chapter's file.
        Ok(found) if found.via_cwd => Ok(given.to_path_buf()),
        Ok(found) => Ok(root.join(&outline.src).join(&found.meta.source_path)),
        Err(ChapterArgError::NotFound(_)) if exists => Ok(given.to_path_buf()),
        Err(e) => Err(e.to_string()),
    }
}

/// `mdbook-tdd expand CHAPTER`.
pub fn expand(given: &Path, book: Option<&Path>) -> ExitCode {
    let Some(root) = book.map(Path::to_path_buf).or_else(|| find_root(given)) else {
        return usage_error(format!(
            "no book.toml above `{}`; pass the book with --book DIR",
            given.display()
        ));
    };
    let file = match expand_target(given, &root) {
        Ok(f) => f,
        Err(e) => return usage_error(e),
    };
    let file = file.as_path();
    let target = match write::Book::open(&root).and_then(|b| b.replace(file)) {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let config_json = match read_config(&root) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let mut diags = Diagnostics::new();
    let config = Config::from_book_config(&config_json, false, &mut diags);
    if diags.has_errors() {
        preprocessor::report(&diags);
        return ExitCode::FAILURE;
    }
    let text = match read_text(file) {
        Ok(t) => t,
        Err(e) => return usage_error(format!("cannot read `{}`: {e}", file.display())),
    };
    // Name the file in diagnostics relative to the book root where possible.
    let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let abs_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let label = abs
        .strip_prefix(&abs_root)
        .map(slash_path)
        .unwrap_or_else(|_| file.display().to_string());
    let src = src_dir(&config_json);
    let chapter_path = abs
        .strip_prefix(abs_root.join(&src))
        .map(slash_path)
        .unwrap_or_else(|_| label.clone());
    let settings = Settings::from_disk(&root, &config_json);
    let mut meta = ChapterMeta::new(
        &chapter_path,
        &chapter_path,
        &chapter_path,
        &slash_path(&src),
        settings.index_enabled,
    );
    // A file outside the src dir is named as it was given.
    meta.file = label.clone();
    let chapter = SourceChapter {
        meta,
        text: text.into(),
    };
    let (expanded, diags) = expand_one(chapter, &config, &settings);
    preprocessor::report(&diags);
    if diags.has_errors() {
        tell(format_args!("error: `{}` was not changed", file.display()));
        return ExitCode::FAILURE;
    }
    let Some(expanded) = expanded else {
        tell(format_args!(
            "error: `{}` holds no {{{{#tdd-skeleton}}}} or {{{{#prd-skeleton}}}} directive",
            file.display()
        ));
        return ExitCode::FAILURE;
    };
    // A skeleton without `prd-version=` is pinned to its PRD's Version
    // (when the chapter is one of the book and its PRD has one).
    let pin = load_book(&root).ok().and_then(|b| {
        let processed = mdbook_tdd::process_disk_book(b, false);
        let m = &processed.model;
        let doc = m.documents.iter().find(|d| m.chapter(d).file == label)?;
        let prd = doc.prd.as_ref().filter(|p| p.pin.is_none())?;
        let mdbook_tdd::PrdTarget::Chapter(t) = prd.target else {
            return None;
        };
        prd_version(m, &m.chapters[t.0].path)
    });
    let expanded = match pin.map(|v| set_pin(&expanded, &v, false, &config.markdown)) {
        Some(Ok(Some(pinned))) => pinned,
        _ => expanded,
    };
    if let Err(e) = target.write(expanded.as_bytes()) {
        return usage_error(e);
    }
    say(format_args!("expanded {}", file.display()));
    ExitCode::SUCCESS
}

/// book.toml, the stylesheet and the schema file as `install` sets them up, every write
/// planned (and checked), nothing written yet. `init` goes through it too,
/// so that both set a book up the same way.
pub(super) struct Setup {
    pub plan: install::InstallPlan,
    css: Option<write::Create>,
    /// The JSON Schema file next to book.toml, which its `#:schema` names.
    schema: Option<write::Create>,
    toml: Option<TomlWrite>,
}

enum TomlWrite {
    Create(write::Create),
    Replace(write::Replace),
}

/// Plans `install`'s edit of `text`: the book.toml at `root`, or with
/// `exists` false the one to be created there. Errors are reported; the
/// exit status is returned.
pub(super) fn plan_setup(
    root: &Path,
    target: &write::Book,
    text: &str,
    exists: bool,
) -> Result<Setup, ExitCode> {
    let toml_path = root.join("book.toml");
    let css_rel = Path::new(install::STYLESHEET_NAME);
    // A stylesheet that is there (or a link to one) is only read by mdBook,
    // never written; a link to nothing is refused when it would be written.
    let css_exists = std::fs::metadata(root.join(css_rel)).is_ok_and(|m| m.is_file());
    let mut plan = match install::plan(text, css_exists) {
        Ok(p) => p,
        Err(e) => {
            tell(format_args!("error: {e}"));
            return Err(ExitCode::FAILURE);
        }
    };
    // The schema editors check book.toml against (Taplo's `#:schema`).
    let schema_rel = Path::new(install::SCHEMA_NAME);
    let ours = match install::schema_link(&plan.book_toml) {
        install::SchemaLink::Added(t) => {
            plan.book_toml = t;
            plan.changes.push(format!(
                "added `{}` as the first line of book.toml (editors check it against {})",
                install::SCHEMA_DIRECTIVE,
                install::SCHEMA_NAME
            ));
            true
        }
        install::SchemaLink::Ours => true,
        install::SchemaLink::Other(other) => {
            plan.notes.push(format!(
                "left the `#:schema {other}` of book.toml as it is; `mdbook-tdd schema config` prints the schema of mdbook-tdd"
            ));
            false
        }
    };
    let mut write_schema = false;
    if ours {
        // Only a regular file is read (never a FIFO); anything else there
        // is refused when it would be written.
        let path = root.join(schema_rel);
        let existing = std::fs::metadata(&path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|_| std::fs::read(&path).ok());
        match existing {
            Some(bytes) if bytes != mdbook_tdd::SchemaKind::Config.json().as_bytes() => {
                plan.notes.push(format!(
                    "left {} as it is, though it differs from this version's schema; delete it and run install again to refresh it",
                    install::SCHEMA_NAME
                ))
            }
            Some(_) => {}
            None => {
                write_schema = true;
                plan.changes.push(format!(
                    "wrote {} (the JSON Schema of book.toml)",
                    install::SCHEMA_NAME
                ));
            }
        }
    }
    // Every check before anything is written.
    let planned = (|| -> Result<_, WriteError> {
        let css = plan
            .write_stylesheet
            .then(|| target.create(css_rel))
            .transpose()?;
        let schema = write_schema
            .then(|| target.create(schema_rel))
            .transpose()?;
        let toml = if !exists {
            Some(TomlWrite::Create(target.create(Path::new("book.toml"))?))
        } else if plan.book_toml != text {
            Some(TomlWrite::Replace(target.replace(&toml_path)?))
        } else {
            None
        };
        Ok((css, schema, toml))
    })();
    match planned {
        Ok((css, schema, toml)) => Ok(Setup {
            plan,
            css,
            schema,
            toml,
        }),
        Err(e) => Err(usage_error(e)),
    }
}

impl Setup {
    /// Writes the stylesheet and the schema file, then book.toml. Returns the files it created,
    /// for the caller to take back if a later write fails; on its own
    /// failure nothing it wrote is left.
    pub(super) fn write(&self) -> Result<Vec<write::Created>, WriteError> {
        let mut made = Vec::new();
        if let Some(c) = &self.css {
            made.push(c.write(install::STYLESHEET.as_bytes())?);
        }
        if let Some(c) = &self.schema {
            match c.write(mdbook_tdd::SchemaKind::Config.json().as_bytes()) {
                Ok(m) => made.push(m),
                Err(e) => {
                    for m in made.into_iter().rev() {
                        m.undo();
                    }
                    return Err(e);
                }
            }
        }
        let bytes = self.plan.book_toml.as_bytes();
        let written = match &self.toml {
            Some(TomlWrite::Create(c)) => c.write(bytes).map(|m| made.push(m)),
            Some(TomlWrite::Replace(r)) => r.write(bytes),
            None => Ok(()),
        };
        if let Err(e) = written {
            for m in made.into_iter().rev() {
                m.undo();
            }
            return Err(e);
        }
        Ok(made)
    }

    /// Whether it writes the stylesheet.
    pub(super) fn writes_stylesheet(&self) -> bool {
        self.css.is_some()
    }

    /// Whether it writes book.toml (new or edited).
    pub(super) fn writes_toml(&self) -> bool {
        self.toml.is_some()
    }
}

/// `mdbook-tdd install`.
pub fn install(root: &Path) -> ExitCode {
    let toml_path = root.join("book.toml");
    let text = match read_text(&toml_path) {
        Ok(t) => t,
        Err(e) => {
            return usage_error(format!(
                "cannot read `{}`: {e} (pass the book directory)",
                toml_path.display()
            ));
        }
    };
    let target = match write::Book::open(root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let setup = match plan_setup(root, &target, &text, true) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if setup.plan.changes.is_empty() {
        say(format_args!(
            "{} is already set up for mdbook-tdd",
            toml_path.display()
        ));
        print_notes(&setup.plan);
        return ExitCode::SUCCESS;
    }
    if let Err(e) = setup.write() {
        return usage_error(e);
    }
    for c in &setup.plan.changes {
        say(format_args!("{c}"));
    }
    print_notes(&setup.plan);
    ExitCode::SUCCESS
}

pub(super) fn print_notes(plan: &install::InstallPlan) {
    for n in &plan.notes {
        say(format_args!("{n}"));
    }
    for w in &plan.warnings {
        tell(format_args!("warning: {w}"));
    }
}
