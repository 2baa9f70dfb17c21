//! The benchmark's floor: the fastest no-op preprocessor built on
//! `mdbook-preprocessor`'s types. It reads stdin whole, parses the book from
//! the slice, and writes it back through a buffered stdout: the cost of the
//! JSON round trip alone.
//!
//! With the environment variable `NOP_WIDE_PIPES=1` it first widens its stdin
//! and stdout pipes to 1 MiB (Linux), as `mdbook-tdd` does, so that the
//! benchmark can show that setting's share on its own.

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
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if serde_json::to_writer(&mut out, &book).is_err() || out.flush().is_err() {
        std::process::exit(1);
    }
}
