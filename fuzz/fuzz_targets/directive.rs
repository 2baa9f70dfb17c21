//! The directive scanner and the argument parser on arbitrary text: finding
//! candidates, parsing each, and scanning the text as Markdown must never
//! panic, and every span must lie inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::MarkdownOptions;
use mdbook_tdd::internals as directive;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for start in directive::candidates(text) {
        for quoted in [false, true] {
            if let Ok(d) = directive::parse_at(text, start, quoted) {
                assert!(d.span.start == start && d.span.end <= text.len());
                assert!(text.is_char_boundary(d.span.end));
                for a in &d.args {
                    assert!(a.span.start >= d.span.start && a.span.end <= d.span.end);
                    let _ = a.list();
                }
            }
        }
    }
    let scan = mdbook_tdd::internals::scan(text, &MarkdownOptions::default());
    for h in &scan.headings {
        assert!(text.get(h.text.clone()).is_some());
    }
});
