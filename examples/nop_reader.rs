//! A no-op preprocessor written the way mdBook's own `nop-preprocessor`
//! example is: `mdbook_preprocessor::parse_input(io::stdin())` (serde_json's
//! `from_reader`, which reads byte by byte) and `serde_json::to_writer` on an
//! unbuffered stdout. This is what most preprocessors look like; the
//! benchmark shows it next to the floor.

use std::io;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return;
    }
    let Ok((_ctx, book)) = mdbook_preprocessor::parse_input(io::stdin()) else {
        std::process::exit(1);
    };
    if serde_json::to_writer(io::stdout(), &book).is_err() {
        std::process::exit(1);
    }
}
