//! `mdbook-tdd init`: a design-doc book from nothing, or what an existing
//! book lacks of one. Nothing that is there is overwritten: book.toml is
//! edited as `install` edits it, every other file is written only where
//! none is, and whatever is kept is reported.

use super::authoring::{self, one_line, plan_setup};
use super::write::{self, WriteError};
use super::{say, tell, usage_error};
use mdbook_tdd::authoring::init::{self as book, InitOptions};
use mdbook_tdd::authoring::install::STYLESHEET_NAME;
use mdbook_tdd::authoring::summary::today;
use mdbook_tdd::{read_config, read_text, src_dir};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The title of a book made without one.
const DEFAULT_TITLE: &str = "Design Docs";

/// Arguments of `init`.
pub struct InitArgs {
    pub dir: PathBuf,
    pub yes: bool,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub no_example: bool,
}

/// Asks on the terminal; an empty answer (or the end of input) keeps the
/// default.
fn ask(question: &str, default: &str) -> Option<String> {
    let shown = if default.is_empty() {
        String::new()
    } else {
        format!(" [{default}]")
    };
    print!("{question}{shown}: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).ok()?;
    if read == 0 {
        return None;
    }
    let answer = line.trim();
    Some(if answer.is_empty() {
        default.to_string()
    } else {
        answer.to_string()
    })
}

/// `mdbook-tdd init [DIR]`.
pub fn init(a: InitArgs) -> ExitCode {
    let interactive = !a.yes && std::io::stdin().is_terminal();
    let mut title = a.title.clone().unwrap_or_else(|| DEFAULT_TITLE.to_string());
    let mut author = a.author.clone();
    if interactive {
        if a.title.is_none() {
            match ask("Book title", &title) {
                Some(t) => title = t,
                None => return usage_error("no answer; nothing was written"),
            }
        }
        if a.author.is_none() {
            match ask("Author (empty for none)", "") {
                Some(t) => author = Some(t).filter(|t| !t.is_empty()),
                None => return usage_error("no answer; nothing was written"),
            }
        }
    }
    let values = (|| -> Result<_, String> {
        let title = one_line("the title", &title)?;
        let author = author
            .as_deref()
            .map(|v| one_line("--author", v))
            .transpose()?
            .filter(|v| !v.is_empty());
        let date = a
            .date
            .as_deref()
            .map(|v| one_line("--date", v))
            .transpose()?;
        Ok((title, author, date))
    })();
    let (title, author, date) = match values {
        Ok(v) => v,
        Err(e) => return usage_error(e),
    };
    if title.is_empty() {
        return usage_error("the title is empty");
    }
    let options = InitOptions {
        title,
        author,
        date: date.unwrap_or_else(today),
        example: !a.no_example,
    };
    let root = a.dir;
    match std::fs::symlink_metadata(&root) {
        Ok(_) if !root.is_dir() => {
            return usage_error(format!("`{}` is not a directory", root.display()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return usage_error(format!("cannot read `{}`: {e}", root.display())),
    }
    // Planned in a directory that may not be there yet: made just before
    // the first write (and taken back if nothing could be written).
    let made_root = !root.exists();
    if made_root && let Err(e) = std::fs::create_dir_all(&root) {
        return usage_error(format!("cannot create `{}`: {e}", root.display()));
    }
    let code = set_up(&root, &options, interactive);
    if made_root && code != ExitCode::SUCCESS {
        let _ = std::fs::remove_dir(&root);
    }
    code
}

/// Plans every file, asks (on a terminal), then writes; on failure takes
/// back what it wrote.
fn set_up(root: &Path, options: &InitOptions, interactive: bool) -> ExitCode {
    let target = match write::Book::open(root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let toml_path = root.join("book.toml");
    let toml_exists = std::fs::symlink_metadata(&toml_path).is_ok();
    let (toml_text, src) = if toml_exists {
        let text = match read_text(&toml_path) {
            Ok(t) => t,
            Err(e) => return usage_error(format!("cannot read `{}`: {e}", toml_path.display())),
        };
        let config = match read_config(root) {
            Ok(c) => c,
            Err(e) => return usage_error(e),
        };
        (text, src_dir(&config))
    } else {
        (book::book_toml(options), PathBuf::from("src"))
    };
    let setup = match plan_setup(root, &target, &toml_text, toml_exists) {
        Ok(s) => s,
        Err(code) => return code,
    };

    // The pages: each one that is not there yet. A book that has its own
    // SUMMARY.md keeps its introduction and gets the status page and the
    // examples it lacks, each with an entry added to its SUMMARY.md (where
    // mdBook's parser reads the result; otherwise no page).
    let summary_rel = src.join(book::SUMMARY);
    let has_summary = std::fs::symlink_metadata(root.join(&summary_rel)).is_ok();
    let mut kept: Vec<(PathBuf, &str)> = Vec::new();
    let mut pages: Vec<(write::Create, String)> = Vec::new();
    let mut summary_edit: Option<(write::Replace, String)> = None;
    if has_summary {
        let summary_path = root.join(&summary_rel);
        let own = match read_text(&summary_path) {
            Ok(t) => t,
            Err(e) => {
                return usage_error(format!("cannot read `{}`: {e}", summary_path.display()));
            }
        };
        let mut adding: Vec<(&str, String)> = Vec::new();
        for (rel, text) in book::pages(options) {
            if rel == book::SUMMARY || rel == book::README {
                continue;
            }
            let listed = mdbook_tdd::authoring::summary::lists(&own, rel).unwrap_or(false);
            if listed || std::fs::symlink_metadata(root.join(src.join(rel))).is_ok() {
                kept.push((root.join(src.join(rel)), "already there"));
                continue;
            }
            adding.push((rel, text));
        }
        let paths: Vec<&str> = adding.iter().map(|(r, _)| *r).collect();
        match book::extend_summary(&own, &paths, options) {
            Ok(text) if !adding.is_empty() => {
                for (rel, page) in adding {
                    match target.create(&src.join(rel)) {
                        Ok(c) => pages.push((c, page)),
                        Err(e) => return usage_error(e),
                    }
                }
                match target.replace(&summary_path) {
                    Ok(r) => summary_edit = Some((r, text)),
                    Err(e) => return usage_error(e),
                }
            }
            Ok(_) => {}
            Err(e) => {
                say(format_args!(
                    "kept {} as it is: with the new entries mdBook could not read it ({e}); add documents with `mdbook-tdd new`",
                    summary_path.display()
                ));
            }
        }
    } else {
        for (rel, text) in book::pages(options) {
            let rel = src.join(rel);
            if std::fs::symlink_metadata(root.join(&rel)).is_ok() {
                kept.push((root.join(&rel), "already there"));
                continue;
            }
            match target.create(&rel) {
                Ok(c) => pages.push((c, text)),
                Err(e) => return usage_error(e),
            }
        }
    }
    if pages.is_empty()
        && summary_edit.is_none()
        && !setup.writes_toml()
        && !setup.writes_stylesheet()
    {
        say(format_args!(
            "{} is already set up as a design-doc book; nothing was written",
            root.display()
        ));
        report_kept(&kept);
        authoring::print_notes(&setup.plan);
        return ExitCode::SUCCESS;
    }
    if interactive {
        say(format_args!(
            "mdbook-tdd init will write in {}:",
            root.display()
        ));
        for (c, _) in &pages {
            say(format_args!("  {}", c.shown.display()));
        }
        if let Some((r, _)) = &summary_edit {
            say(format_args!("  {} (entries added)", r.shown.display()));
        }
        if !toml_exists {
            say(format_args!("  {}", toml_path.display()));
        } else {
            for c in &setup.plan.changes {
                say(format_args!("  {}: {c}", toml_path.display()));
            }
        }
        if setup.writes_stylesheet() && !toml_exists {
            say(format_args!("  {}", root.join(STYLESHEET_NAME).display()));
        }
        match ask("Write these files? (y/n)", "y") {
            Some(a) if a.eq_ignore_ascii_case("y") || a.eq_ignore_ascii_case("yes") => {}
            _ => {
                tell("nothing was written");
                return ExitCode::FAILURE;
            }
        }
    }

    // The pages first (SUMMARY.md last of them), then the stylesheet and
    // book.toml; whatever fails takes back what was written.
    let mut made: Vec<write::Created> = Vec::new();
    let undo = |made: Vec<write::Created>, e: WriteError| {
        for m in made.into_iter().rev() {
            m.undo();
        }
        usage_error(e)
    };
    for (c, text) in &pages {
        match c.write(text.as_bytes()) {
            Ok(m) => made.push(m),
            Err(e) => return undo(made, e),
        }
    }
    if let Some((r, text)) = &summary_edit
        && let Err(e) = r.write(text.as_bytes())
    {
        return undo(made, e);
    }
    if let Err(e) = setup.write() {
        return undo(made, e);
    }
    for (c, _) in &pages {
        say(format_args!("created {}", c.shown.display()));
    }
    if let Some((r, _)) = &summary_edit {
        say(format_args!("added their entries to {}", r.shown.display()));
    }
    if !toml_exists {
        say(format_args!("created {}", toml_path.display()));
        if setup.writes_stylesheet() {
            say(format_args!(
                "created {}",
                root.join(STYLESHEET_NAME).display()
            ));
        }
    } else {
        for c in &setup.plan.changes {
            say(format_args!("{c}"));
        }
    }
    report_kept(&kept);
    authoring::print_notes(&setup.plan);
    say(format_args!(
        "next: `mdbook build {0}`, or `mdbook serve {0} --open`",
        root.display()
    ));
    ExitCode::SUCCESS
}

fn report_kept(kept: &[(PathBuf, &str)]) {
    for (p, why) in kept {
        say(format_args!("kept {} ({why})", p.display()));
    }
}
