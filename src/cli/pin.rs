//! `pin`: sets the PRD version pin of TDDs to their PRD's current Version,
//! in place (atomically), changing no other byte.

use super::write;
use super::{preprocessor, say, tell, usage_error};
use mdbook_tdd::authoring::pin::set_pin;
use mdbook_tdd::{
    BookModel, Config, Diagnostics, DocKind, Document, MarkdownOptions, PrdTarget, find_root,
    load_book, parse_version, process_disk_book, read_text, slash_path,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `mdbook-tdd pin FILE…` / `pin --all`. Exit status: 0 when every file is
/// pinned (or already was), 1 when some file could not be (the others are
/// pinned still), 2 on usage errors.
pub fn pin(files: &[PathBuf], all: bool, book: Option<&Path>) -> ExitCode {
    if files.is_empty() && !all {
        return usage_error("name the TDD files to pin, or pass --all");
    }
    let root = match (book, files.first()) {
        (Some(r), _) => r.to_path_buf(),
        (None, Some(f)) => match find_root(f) {
            Some(r) => r,
            None => {
                return usage_error(format!(
                    "no book.toml above `{}`; pass the book with --book DIR",
                    f.display()
                ));
            }
        },
        (None, None) => find_root(Path::new(".")).unwrap_or_else(|| PathBuf::from(".")),
    };
    let disk = match load_book(&root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let target = match write::Book::open(&root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let mut diags = Diagnostics::new();
    let config = Config::from_book_config(&disk.config, false, &mut diags);
    if diags.has_errors() {
        preprocessor::report(&diags);
        return ExitCode::FAILURE;
    }
    let processed = process_disk_book(disk, false);
    let model = &processed.model;
    let abs_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    // The chapters to pin, each with the path it goes by.
    let mut todo: Vec<(PathBuf, Option<&Document>)> = Vec::new();
    if all {
        // Dead designs (rejected, superseded) follow no PRD any more.
        for d in model.tdds().filter(|d| d.is_live()) {
            let file = Path::new(&model.chapter(d).file);
            let path = if root == Path::new(".") {
                file.to_path_buf()
            } else {
                root.join(file)
            };
            todo.push((path, Some(d)));
        }
    }
    // Documents by the path relative to the book root that names their
    // chapters, looked up once per file.
    let by_file: std::collections::HashMap<&str, &Document> = model
        .documents
        .iter()
        .map(|d| (model.chapter(d).file.as_str(), d))
        .collect();
    let mut failed = false;
    // The outline once for all the files named.
    let outline =
        (!files.is_empty()).then(|| mdbook_tdd::load_outline(&root).map_err(|e| e.to_string()));
    for f in files {
        // A chapter named in any form `expand` takes (its path from here,
        // from the book root or from the src dir, or its name).
        let Some(outline) = outline.as_ref() else {
            break;
        };
        let path = match super::authoring::expand_target_in(f, &root, outline.as_ref()) {
            Ok(p) => p,
            Err(e) => {
                failed = true;
                tell(format_args!("error: cannot pin `{}`: {e}", f.display()));
                continue;
            }
        };
        let label = std::fs::canonicalize(&path)
            .ok()
            .and_then(|a| a.strip_prefix(&abs_root).ok().map(slash_path));
        let doc = label.as_deref().and_then(|l| by_file.get(l).copied());
        todo.push((path, doc));
    }
    let mut changed = false;
    let mut seen = std::collections::HashSet::new();
    for (path, doc) in todo {
        if let Some(d) = doc
            && !seen.insert(d.chapter)
        {
            continue;
        }
        match pin_one(model, &target, &path, doc, &config.markdown) {
            Ok(line) => {
                changed |= line.starts_with("pinned");
                say(line);
            }
            Err(e) => {
                failed = true;
                tell(format_args!("error: cannot pin `{}`: {e}", path.display()));
            }
        }
    }
    if !changed && !failed && all {
        say("every pin is current");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Pins one chapter; the line that says what was done.
fn pin_one(
    model: &BookModel,
    target: &write::Book,
    path: &Path,
    doc: Option<&Document>,
    options: &MarkdownOptions,
) -> Result<String, String> {
    let Some(doc) = doc else {
        return Err(
            "it is no TDD of the book (a chapter of SUMMARY.md with a Source PRD field, a skeleton, or a path that `tdd-paths` matches)"
                .to_string(),
        );
    };
    if doc.kind != DocKind::Tdd {
        return Err("it is a PRD, not a TDD".to_string());
    }
    let prd = match doc.prd.as_ref().map(|p| &p.target) {
        Some(PrdTarget::Chapter(t)) => model.document_of(*t).filter(|p| p.kind == DocKind::Prd),
        _ => None,
    };
    let Some(prd) = prd else {
        return Err("its Source PRD does not resolve to a PRD of the book".to_string());
    };
    let name = &model.chapter(prd).name;
    let version = prd.field("Version").map(str::trim).unwrap_or_default();
    if version.is_empty() {
        return Err(format!("its PRD `{name}` has no `**Version:**` to pin to"));
    }
    if parse_version(version).is_none() {
        return Err(format!(
            "the Version `{version}` of its PRD `{name}` is not a version"
        ));
    }
    let pinned = doc.prd.as_ref().and_then(|p| p.pin.as_ref());
    let file = target.replace(path).map_err(|e| e.to_string())?;
    let text = read_text(path).map_err(|e| format!("cannot read it: {e}"))?;
    match set_pin(&text, version, pinned.is_some(), options)? {
        None => Ok(format!("{} is already pinned to {version}", path.display())),
        Some(new) => {
            file.write(new.as_bytes()).map_err(|e| e.to_string())?;
            Ok(match pinned {
                Some(old) => format!(
                    "pinned {} to {version} of `{name}` (was {})",
                    path.display(),
                    old.text
                ),
                None => format!("pinned {} to {version} of `{name}`", path.display()),
            })
        }
    }
}
