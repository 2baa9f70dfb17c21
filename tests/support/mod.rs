//! Test support: building fixture books with the real mdBook engines (0.5 and
//! 0.4), which call the compiled `mdbook-tdd` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Which mdBook engine builds the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// mdBook 0.5 (`mdbook-driver`).
    V05,
    /// mdBook 0.4 (the `mdbook` 0.4 library).
    V04,
}

/// A built book.
pub struct Built {
    /// The HTML output directory.
    pub html: PathBuf,
    /// The Markdown renderer's output directory (when the book enables it).
    pub markdown: PathBuf,
    /// What the preprocessor wrote to stderr (all its runs).
    pub stderr: String,
    /// The engine's result.
    pub result: Result<(), String>,
    /// The copy of the book that was built.
    pub root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Built {
    /// Reads a rendered page, e.g. `tdd/payments-service.html`.
    pub fn page(&self, rel: &str) -> String {
        let p = self.html.join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// Panics with the preprocessor's stderr if the build failed.
    pub fn assert_ok(&self) -> &Self {
        if let Err(e) = &self.result {
            panic!(
                "build failed: {e}\n--- preprocessor stderr ---\n{}",
                self.stderr
            );
        }
        self
    }
}

/// The compiled preprocessor.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_mdbook-tdd")
}

/// Runs the binary with `args` in `cwd`, no log filter and no colour, and
/// waits for its output.
pub fn mdbook_tdd(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The fixture books under `tests/fixtures/books`.
pub fn books() -> PathBuf {
    repo().join("tests/fixtures/books")
}

/// A command's stdout, which must be UTF-8.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A command's stderr, which must be UTF-8.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Starts the binary with `args` in `cwd` (or here), every stream piped,
/// no log filter and no colour, and writes `input` to its stdin from
/// another thread, so that a large input cannot deadlock on a full stdout
/// pipe. Join the returned writer after the child has ended.
pub fn spawn_piped(
    args: &[&str],
    cwd: Option<&Path>,
    input: Vec<u8>,
) -> (std::process::Child, std::thread::JoinHandle<()>) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut command = Command::new(binary());
    command
        .args(args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    (child, writer)
}

/// Runs the binary over `input` (see [`spawn_piped`]) and waits for it.
pub fn run_piped(args: &[&str], cwd: Option<&Path>, input: Vec<u8>) -> std::process::Output {
    let (child, writer) = spawn_piped(args, cwd, input);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Copies a directory tree, leaving out `book/` build output.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "book" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The directory of the repository.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds a book directory (copied first) with the given engine. The
/// preprocessor command is pointed at the compiled binary, its stderr is
/// captured, and extra TOML lines can be appended to book.toml.
pub fn build(book: &Path, engine: Engine, extra_toml: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    copy_tree(book, &root);
    let stderr_file = dir.path().join("stderr.txt");
    std::fs::write(&stderr_file, "").unwrap();
    let command = format!(
        "sh -c 'exec \"$0\" \"$@\" 2>>\"{}\"' {}",
        stderr_file.display(),
        binary()
    );
    let toml_path = root.join("book.toml");
    let mut toml = std::fs::read_to_string(&toml_path).unwrap_or_default();
    toml.push('\n');
    toml.push_str(extra_toml);
    std::fs::write(&toml_path, &toml).unwrap();
    let out = dir.path().join("out");
    // A Mermaid preprocessor installed on this machine never runs: the pages
    // the tests read are the same everywhere (and mdbook-mermaid 0.17 would
    // fail an mdBook 0.4 build). The command still names Mermaid, so the
    // preprocessor still counts as one.
    let mermaid: Vec<String> = toml
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("preprocessor").and_then(|p| p.as_table()).cloned())
        .map(|p| {
            p.iter()
                .filter(|(name, t)| {
                    *name != "tdd"
                        && (*name == "mermaid"
                            || t.get("command")
                                .and_then(|c| c.as_str())
                                .is_some_and(|c| c.contains("mermaid")))
                })
                .map(|(name, _)| format!("preprocessor.{name}.command"))
                .collect()
        })
        .unwrap_or_default();
    const NO_MERMAID: &str = "mdbook-mermaid-not-run-by-tests";
    let result = match engine {
        Engine::V05 => {
            let mut cfg: mdbook_driver::config::Config = toml.parse().unwrap();
            cfg.set("preprocessor.tdd.command", &command).unwrap();
            for key in &mermaid {
                cfg.set(key, NO_MERMAID).unwrap();
            }
            cfg.set("build.build-dir", out.to_str().unwrap()).unwrap();
            mdbook_driver::MDBook::load_with_config(&root, cfg)
                .and_then(|b| b.build())
                .map_err(|e| format!("{e:#}"))
        }
        Engine::V04 => {
            let mut cfg: mdbook04::config::Config = toml.parse().unwrap();
            cfg.set("preprocessor.tdd.command", &command).unwrap();
            for key in &mermaid {
                cfg.set(key, NO_MERMAID).unwrap();
            }
            cfg.set("build.build-dir", out.to_str().unwrap()).unwrap();
            mdbook04::MDBook::load_with_config(&root, cfg)
                .and_then(|b| b.build())
                .map_err(|e| format!("{e:#}"))
        }
    };
    let stderr = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    let (html, markdown) = if out.join("html").is_dir() {
        (out.join("html"), out.join("markdown"))
    } else {
        (out.clone(), out.join("markdown"))
    };
    Built {
        html,
        markdown,
        stderr,
        result,
        root,
        _dir: dir,
    }
}

/// Builds like [`build`], and also returns the warnings the engine itself
/// reported while it built (mdBook 0.5 reports them through `tracing`; for
/// mdBook 0.4 the list is empty).
pub fn build_with_warnings(book: &Path, engine: Engine, extra_toml: &str) -> (Built, Vec<String>) {
    let warnings = Warnings::default();
    let built =
        tracing::subscriber::with_default(warnings.clone(), || build(book, engine, extra_toml));
    let found = warnings.0.lock().map(|w| w.clone()).unwrap_or_default();
    (built, found)
}

/// A `tracing` subscriber that keeps the message of every warning or error.
#[derive(Clone, Default)]
struct Warnings(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for Warnings {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut m = Message(String::new());
        event.record(&mut m);
        if let Ok(mut w) = self.0.lock() {
            w.push(format!("{}: {}", event.metadata().level(), m.0));
        }
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// The `<main>` element of a page (the whole page if it has none).
pub fn main_of(html: &str) -> &str {
    match (html.find("<main"), html.rfind("</main>")) {
        (Some(a), Some(b)) if a < b => &html[a..b],
        _ => html,
    }
}

/// Every `href` of `<a>` elements inside the page's `<main>` element.
pub fn links_in_main(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = main_of(html);
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i + 3..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(h) = tag.find("href=\"") {
            let v = &tag[h + 6..];
            if let Some(e) = v.find('"') {
                out.push(html_unescape(&v[..e]));
            }
        }
    }
    out
}

/// Every `id` attribute of a page.
pub fn ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(e) = rest.find('"') {
            out.push(html_unescape(&rest[..e]));
        }
    }
    out
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Decodes `%XX` escapes of a URL path.
pub fn percent_decode(s: &str) -> String {
    mdbook_tdd::percent_decode(s)
}

/// Checks that every relative link in the `<main>` of every page leads to an
/// existing page (and anchor, where it has one). Returns the broken ones.
pub fn broken_links(html_dir: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    collect_html(html_dir, &mut pages);
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let dir = page.parent().unwrap();
        for href in links_in_main(&text) {
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with("javascript:")
            {
                continue;
            }
            let (path, frag) = match href.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (href.clone(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else {
                dir.join(percent_decode(&path))
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.exists() {
                broken.push(format!("{}: {href} (no such page)", page.display()));
                continue;
            }
            if let Some(f) = frag {
                if f.is_empty() {
                    continue;
                }
                let t = std::fs::read_to_string(&target).unwrap_or_default();
                if !ids(&t).contains(&percent_decode(&f)) {
                    broken.push(format!("{}: {href} (no such anchor)", page.display()));
                }
            }
        }
    }
    broken
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_html(&p, out);
        } else if p.extension().is_some_and(|x| x == "html")
            && !p.ends_with("404.html")
            && !p.ends_with("toc.html")
        {
            out.push(p);
        }
    }
}

/// The first line of a page card in HTML output.
pub const CARD: &str = "<div class=\"tdd-card\">";

/// The text `with` adds to `without`, when `with` is `without` with text
/// inserted at one place (possibly none); `None` when they differ otherwise.
pub fn insertion<'a>(with: &'a str, without: &str) -> Option<&'a str> {
    let mut head = with
        .bytes()
        .zip(without.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    // The common prefix ends where both texts start a character.
    while !with.is_char_boundary(head) {
        head -= 1;
    }
    let tail = with[head..]
        .bytes()
        .rev()
        .zip(without[head..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (head + tail == without.len()).then(|| &with[head..with.len() - tail])
}

/// The first text of the page card's paragraph, when mdBook reads the card
/// in `md` as blocks of its own outside any container: its `<div>` an HTML
/// block at the top level, then a paragraph at the top level.
pub fn card_paragraph(md: &str) -> Option<String> {
    use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
    // mdBook drops a byte-order mark that starts a chapter.
    let md = md.strip_prefix('\u{feff}').unwrap_or(md);
    let options = mdbook_markdown::MarkdownOptions::default();
    let (mut depth, mut div, mut paragraph) = (0usize, false, false);
    for (e, r) in mdbook_markdown::new_cmark_parser(md, &options).into_offset_iter() {
        match &e {
            Event::Start(Tag::HtmlBlock) if depth == 0 && md[r.clone()].trim() == CARD => {
                div = true;
            }
            Event::Start(Tag::Paragraph) if div && depth == 0 => paragraph = true,
            Event::Text(t) if paragraph => return Some(t.to_string()),
            Event::End(TagEnd::Paragraph) if paragraph => return Some(String::new()),
            _ => {}
        }
        match &e {
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => {}
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
