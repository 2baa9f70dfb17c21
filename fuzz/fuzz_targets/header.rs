//! The header parser on arbitrary text: fields and their value ranges must
//! lie inside the text, on character boundaries, and say what they hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::MarkdownOptions;
use mdbook_tdd::internals::{Header, parse_field_line};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.split_inclusive('\n') {
        if let Some(f) = parse_field_line(line, 0) {
            assert_eq!(line.get(f.value_range.clone()), Some(f.value.as_str()));
        }
    }
    let scan = mdbook_tdd::internals::scan(text, &MarkdownOptions::default());
    let h = Header::parse(text, &scan);
    for f in &h.fields {
        assert_eq!(text.get(f.value_range.clone()), Some(f.value.as_str()));
    }
});
