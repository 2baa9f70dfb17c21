//! The benchmark's floor: the fastest no-op preprocessor built on
//! `mdbook-preprocessor`'s types. It reads stdin whole, parses the book from
//! the slice, and writes it back through a buffered stdout: the cost of the
//! JSON round trip alone.
//!
//! With the environment variable `NOP_WIDE_PIPES=1` it first widens its stdin
//! and stdout pipes to 1 MiB (Linux), as `mdbook-tdd` does, so that the
//! benchmark can show that setting's share on its own.
//!
//! With `NOP_PARSE=1` it also parses every chapter's Markdown once with
//! pulldown-cmark (mdBook's options, the events read to the end), on all
//! cores, before writing the book back unchanged: the least any
//! preprocessor that reads every chapter must do, the benchmark's "parse
//! floor".

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use std::io::{Read, Write};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if std::env::var_os("NOP_WIDE_PIPES").is_some() {
        for fd in [
            std::os::fd::AsFd::as_fd(&std::io::stdin()),
            std::os::fd::AsFd::as_fd(&std::io::stdout()),
        ] {
            let _ = rustix::pipe::fcntl_setpipe_size(fd, 1 << 20);
        }
    }
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        std::process::exit(1);
    }
    let Ok((_ctx, book)) = serde_json::from_slice::<(PreprocessorContext, Book)>(&input) else {
        std::process::exit(1);
    };
    if std::env::var_os("NOP_PARSE").is_some() {
        use rayon::prelude::*;
        let mut texts = Vec::new();
        collect(&book.items, &mut texts);
        let options = mdbook_markdown::MarkdownOptions::default();
        let events: usize = texts
            .par_iter()
            .map(|t| mdbook_markdown::new_cmark_parser(t, &options).count())
            .sum();
        std::hint::black_box(events);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if serde_json::to_writer(&mut out, &book).is_err() || out.flush().is_err() {
        std::process::exit(1);
    }
}

/// The content of every chapter, depth first.
fn collect<'b>(items: &'b [mdbook_preprocessor::book::BookItem], out: &mut Vec<&'b str>) {
    for item in items {
        if let mdbook_preprocessor::book::BookItem::Chapter(c) = item {
            out.push(&c.content);
            collect(&c.sub_items, out);
        }
    }
}
