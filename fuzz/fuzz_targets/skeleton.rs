//! The skeleton merge on arbitrary author text: it must not panic, and every
//! line the author wrote must appear in the result as often as before.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_tdd::MarkdownOptions;
use mdbook_tdd::internals::{Filling, PreparedTemplate, expand};
use mdbook_tdd::internals::BUILTIN;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    let Ok(author) = std::str::from_utf8(data) else {
        return;
    };
    static TPL: OnceLock<PreparedTemplate> = OnceLock::new();
    let options = MarkdownOptions::default();
    let tpl = TPL.get_or_init(|| PreparedTemplate::new(BUILTIN, &options));
    let directive = "{{#tdd-skeleton title=T}}";
    let chapter = format!("{directive}\n{author}");
    let (filling, _) = Filling::new(tpl, &[]);
    let e = expand(&chapter, 0..directive.len(), tpl, &filling, &options);
    // Every author line with text is still there, as often as before (a
    // lone `\r` ends a line in Markdown too).
    let lines = |t: &str| -> Vec<String> {
        t.split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let out = lines(&e.text);
    let ours = lines(author);
    for line in &ours {
        let want = ours.iter().filter(|l| *l == line).count();
        let got = out.iter().filter(|l| l.contains(line.as_str())).count();
        assert!(got >= want, "lost {line:?}");
    }
    for p in &e.pieces {
        assert!(e.text.get(p.out.clone()).is_some());
    }
});
