//! `new`, `expand` and `install`: the commands that write files. Nothing is
//! written when a command fails.

use super::{preprocessor, usage_error};
use mdbook_tdd::config::Config;
use mdbook_tdd::diagnostic::Diagnostics;
use mdbook_tdd::install;
use mdbook_tdd::links;
use mdbook_tdd::load::{self, write_atomic};
use mdbook_tdd::model::ChapterMeta;
use mdbook_tdd::newdoc::{self, Placement};
use mdbook_tdd::preprocess::{Settings, SourceChapter, expand_one};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `new`.
pub struct NewArgs {
    pub book: PathBuf,
    pub title: String,
    pub prd: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub dir: Option<String>,
    pub expand: bool,
}

fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

fn settings_for(root: &Path, config: &serde_json::Value) -> Settings {
    Settings {
        root: root.to_path_buf(),
        index_enabled: mdbook_tdd::index_enabled(config),
        html: true,
    }
}

/// `mdbook-tdd new`.
pub fn new(a: NewArgs) -> ExitCode {
    let root = a.book;
    let book = match load::load_book(&root) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let mut diags = Diagnostics::new();
    let config = Config::from_book_config(&book.config, false, &mut diags);
    if diags.has_errors() {
        preprocessor::report(&diags);
        return ExitCode::FAILURE;
    }
    let title = a.title.trim().to_string();
    if title.is_empty() {
        return usage_error("the title is empty");
    }
    let dir = a
        .dir
        .clone()
        .or_else(|| {
            config
                .tdd_paths
                .first()
                .and_then(|g| newdoc::glob_dir(&g.source))
        })
        .unwrap_or_else(|| "tdd".to_string());
    let Some(dir) = links::normalize(&dir).filter(|_| !Path::new(&dir).is_absolute()) else {
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
    let file = src_dir.join(&rel);
    if file.exists() {
        return usage_error(format!(
            "`{}` already exists; mdbook-tdd never overwrites a file",
            file.display()
        ));
    }
    let prd = match &a.prd {
        None => None,
        Some(p) => {
            let Some(p) = links::normalize(p) else {
                return usage_error(format!(
                    "--prd `{p}` must stay inside the book's src directory"
                ));
            };
            if !book
                .chapters
                .iter()
                .any(|c| c.meta.path == p || c.meta.source_path == p)
            {
                return usage_error(format!(
                    "--prd `{p}` is not a chapter of SUMMARY.md (give its path relative to the src directory)"
                ));
            }
            Some(p)
        }
    };

    // The chapter: the directive, or its expansion.
    let mut directive = format!("{{{{#tdd-skeleton title={}", quote(&title));
    if let Some(author) = &a.author {
        directive.push_str(&format!(" author={}", quote(author)));
    }
    let date = a.date.clone().unwrap_or_else(newdoc::today);
    directive.push_str(&format!(" date={}", quote(&date)));
    if let Some(p) = &prd {
        directive.push_str(&format!(" prd={}", quote(&links::relative_path(&rel, p))));
    }
    directive.push_str("}}\n");
    let settings = settings_for(&root, &book.config);
    let content = if a.expand {
        let chapter = SourceChapter {
            meta: ChapterMeta {
                name: title.clone(),
                path: rel.clone(),
                served: rel.clone(),
                source_path: rel.clone(),
                file: links::slash_path(&book.src.join(&rel)),
            },
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
    let summary_path = src_dir.join("SUMMARY.md");
    let summary = match load::read_text(&summary_path) {
        Ok(s) => s,
        Err(e) => return usage_error(format!("cannot read `{}`: {e}", summary_path.display())),
    };
    let processed = mdbook_tdd::process_disk_book(book, false);
    let tdd_paths: Vec<String> = processed
        .model
        .tdds()
        .map(|d| processed.model.chapter(d).source_path.clone())
        .collect();
    let placement = match &prd {
        Some(p) => Placement::Under(p),
        None => Placement::After(&tdd_paths),
    };
    let new_summary = newdoc::insert_entry(&summary, &title, &rel, placement)
        .unwrap_or_else(|| newdoc::append_entry(&summary, &title, &rel));
    if let Err(e) = mdbook_summary::parse_summary(&new_summary) {
        return usage_error(format!(
            "the edited SUMMARY.md would not parse ({e:#}); nothing was written"
        ));
    }

    // Write: the new file first (never over an existing one), then SUMMARY.md.
    if let Some(parent) = file.parent()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        return usage_error(format!("cannot create `{}`: {e}", parent.display()));
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| {
            use std::io::Write;
            f.write_all(content.as_bytes())
        });
    if let Err(e) = created {
        let _ = std::fs::remove_file(&file);
        return usage_error(format!("cannot create `{}`: {e}", file.display()));
    }
    if let Err(e) = write_atomic(&summary_path, new_summary.as_bytes()) {
        let _ = std::fs::remove_file(&file);
        return usage_error(format!("cannot write `{}`: {e}", summary_path.display()));
    }
    println!("created {}", file.display());
    println!("added `{title}` to {}", summary_path.display());
    ExitCode::SUCCESS
}

/// `mdbook-tdd expand FILE`.
pub fn expand(file: &Path, book: Option<&Path>) -> ExitCode {
    let Some(root) = book
        .map(Path::to_path_buf)
        .or_else(|| load::find_root(file))
    else {
        return usage_error(format!(
            "no book.toml above `{}`; pass the book with --book DIR",
            file.display()
        ));
    };
    let config_json = match load::read_config(&root) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let mut diags = Diagnostics::new();
    let config = Config::from_book_config(&config_json, false, &mut diags);
    if diags.has_errors() {
        preprocessor::report(&diags);
        return ExitCode::FAILURE;
    }
    let text = match load::read_text(file) {
        Ok(t) => t,
        Err(e) => return usage_error(format!("cannot read `{}`: {e}", file.display())),
    };
    // Name the file in diagnostics relative to the book root where possible.
    let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let abs_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let label = abs
        .strip_prefix(&abs_root)
        .map(links::slash_path)
        .unwrap_or_else(|_| file.display().to_string());
    let src = load::src_dir(&config_json);
    let chapter_path = abs
        .strip_prefix(abs_root.join(&src))
        .map(links::slash_path)
        .unwrap_or_else(|_| label.clone());
    let chapter = SourceChapter {
        meta: ChapterMeta {
            name: chapter_path.clone(),
            path: chapter_path.clone(),
            served: chapter_path.clone(),
            source_path: chapter_path,
            file: label,
        },
        text: text.into(),
    };
    let (expanded, diags) = expand_one(chapter, &config, &settings_for(&root, &config_json));
    preprocessor::report(&diags);
    if diags.has_errors() {
        eprintln!("error: `{}` was not changed", file.display());
        return ExitCode::FAILURE;
    }
    let Some(expanded) = expanded else {
        eprintln!(
            "error: `{}` holds no {{{{#tdd-skeleton}}}} directive",
            file.display()
        );
        return ExitCode::FAILURE;
    };
    if let Err(e) = write_atomic(file, expanded.as_bytes()) {
        return usage_error(format!("cannot write `{}`: {e}", file.display()));
    }
    println!("expanded {}", file.display());
    ExitCode::SUCCESS
}

/// `mdbook-tdd install`.
pub fn install(root: &Path) -> ExitCode {
    let toml_path = root.join("book.toml");
    let text = match load::read_text(&toml_path) {
        Ok(t) => t,
        Err(e) => {
            return usage_error(format!(
                "cannot read `{}`: {e} (pass the book directory)",
                toml_path.display()
            ));
        }
    };
    let css_path = root.join(install::STYLESHEET_NAME);
    let plan = match install::plan(&text, css_path.exists()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if plan.changes.is_empty() {
        println!("{} is already set up for mdbook-tdd", toml_path.display());
        return ExitCode::SUCCESS;
    }
    if plan.book_toml != text
        && let Err(e) = write_atomic(&toml_path, plan.book_toml.as_bytes())
    {
        return usage_error(format!("cannot write `{}`: {e}", toml_path.display()));
    }
    if plan.write_stylesheet
        && let Err(e) = std::fs::write(&css_path, install::STYLESHEET)
    {
        return usage_error(format!("cannot write `{}`: {e}", css_path.display()));
    }
    for c in &plan.changes {
        println!("{c}");
    }
    ExitCode::SUCCESS
}
