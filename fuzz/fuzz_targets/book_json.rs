//! The preprocessor's input on arbitrary bytes: parsing, running and writing
//! must never panic; what it writes must be JSON again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::parse_input_raw;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let input = Arc::new(data.to_vec());
    let Ok((context, book)) = parse_input_raw(&input) else {
        return;
    };
    let out = mdbook_tdd::run_raw(&context, &book);
    if let Some(contents) = out.contents {
        let mut json = Vec::new();
        book.write(&contents, &mut json).expect("writing to memory");
        assert!(serde_json::from_slice::<serde_json::Value>(&json).is_ok());
    }
});
