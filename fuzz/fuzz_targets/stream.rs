//! The input read as it arrives against the input read whole, on arbitrary
//! bytes: the first byte sets how many bytes each read gives. Either the
//! stream reads a book and its run gives what the whole run gives (the same
//! output, byte for byte, and the same diagnostics), or it hands back the
//! input as it came.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::{Incoming, Start, Streamed, parse_input_raw, run_incoming, run_raw};
use std::sync::Arc;

#[path = "../../tests/support/trickle.rs"]
mod trickle;
use trickle::Trickle;

fn written(
    book: &mdbook_tdd::RawBook,
    out: mdbook_tdd::RawRunOutput,
) -> (Option<Vec<u8>>, Vec<String>) {
    let bytes = out.contents.map(|c| {
        let mut w = Vec::new();
        book.write(&c, &mut w).expect("writing to memory");
        w
    });
    (
        bytes,
        out.diagnostics.iter().map(|d| d.render(false)).collect(),
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    let most = usize::from(first % 64) + 1;
    let mut incoming = Incoming::new(Trickle { rest: input, most });
    let context = match incoming.start().expect("reading from memory") {
        Start::Context(c) => c,
        Start::Whole(w) => {
            assert_eq!(w, input);
            return;
        }
    };
    let (book, out) = match run_incoming(&context, &mut incoming).expect("reading from memory") {
        Streamed::Done(book, out) => (book, out),
        Streamed::Whole(w) => {
            assert_eq!(w, input);
            return;
        }
    };
    let got = written(&book, out);
    let whole = Arc::new(input.to_vec());
    let (c, b) = parse_input_raw(&whole).expect("what the stream read, the whole parse reads");
    let want = written(&b, run_raw(&c, &b));
    assert_eq!(got.1, want.1);
    assert!(got.0 == want.0, "the outputs differ");
});
