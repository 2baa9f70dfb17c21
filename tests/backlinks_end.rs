//! The backlinks list appended to a PRD lands at the top level, read as
//! Markdown and as markup, whatever the chapter ends in; a second run adds
//! nothing. With page cards on, the card is one more insertion, read as
//! blocks of its own, and the list still lands where it did.

mod support;

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_tdd::ChapterMeta;
use mdbook_tdd::Config;
use mdbook_tdd::Diagnostics;
use mdbook_tdd::{Settings, SourceChapter, process};
use support::CARD;

const MARKER: &str = "<!-- tdd-backlinks -->";

const TDD: &str = "# Ledger TDD\n\n**Status:** Draft\n**Source PRD:** [pay](pay.md)\n";

/// Runs the PRD `prd` (at `pay.md`) with one TDD, page cards off; returns
/// its output and the diagnostics.
fn run(prd: &str) -> (String, Vec<String>) {
    run_with(prd, false)
}

/// Runs the PRD `prd` (at `pay.md`) with one TDD, with page cards or not.
fn run_with(prd: &str, page_cards: bool) -> (String, Vec<String>) {
    let chapter = |path: &str, name: &str, text: &str| SourceChapter {
        meta: ChapterMeta::new(name, path, path, "src", true),
        text: text.to_string().into(),
    };
    let mut config = Config::default();
    config.page_cards = page_cards;
    let mut p = process(
        vec![
            chapter("pay.md", "Payments PRD", prd),
            chapter("tdd.md", "Ledger TDD", TDD),
        ],
        &config,
        &Settings::default(),
        Diagnostics::new(),
    );
    let diags = p.diagnostics.iter().map(|d| d.to_string()).collect();
    (p.texts().swap_remove(0), diags)
}

/// With page cards on, the output is the output without them with the card
/// inserted at one place: read as blocks of its own at the top level (its
/// `<div>`, then its paragraph), with no raw HTML open before it; the list
/// is still read where it was, and a second run changes nothing.
fn card_is_an_insertion(prd: &str, without: &str) -> Result<(), String> {
    let (with, diags) = run_with(prd, true);
    let (_, diags_without) = run(prd);
    if diags != diags_without {
        return Err(format!("other diagnostics with the card: {diags:?}"));
    }
    if support::insertion(&with, without).is_none() {
        return Err(format!("not one insertion:\n{without:?}\n=>\n{with:?}"));
    }
    if !with.contains(CARD) || without.contains(CARD) {
        return Err(format!("no card inserted in {with:?}"));
    }
    // The card's `<div>` and paragraph, as mdBook reads them.
    if !support::card_paragraph(&with).is_some_and(|t| t.starts_with("Technical designs:")) {
        return Err(format!(
            "the card is not read as blocks of its own:\n{with}"
        ));
    }
    let card_at = with.find(CARD).unwrap_or(0);
    markup_before_list(&with[..card_at])
        .map_err(|e| format!("raw HTML open before the card: {e}"))
        .or_else(|e| {
            if without.contains(MARKER) {
                Ok(())
            } else {
                Err(e)
            }
        })?;
    if without.len() > prd.len() {
        top_level_list(&with).and_then(|()| markup_before_list(&with))?;
    }
    let (again, _) = run_with(&with, true);
    if again != with {
        return Err(format!("a second run changed it:\n{with}\n---\n{again}"));
    }
    Ok(())
}

/// Where the marker, the heading and the list are, as mdBook reads the
/// chapter: each must be a block outside any container.
fn top_level_list(md: &str) -> Result<(), String> {
    // mdBook drops a byte-order mark that starts a chapter.
    let md = md.strip_prefix('\u{feff}').unwrap_or(md);
    let options = mdbook_markdown::MarkdownOptions::default();
    let mut depth = 0usize;
    let mut code = false;
    let (mut marker, mut heading, mut list) = (None, None, None);
    let mut in_heading = false;
    let mut heading_text = String::new();
    for (e, r) in mdbook_markdown::new_cmark_parser(md, &options).into_offset_iter() {
        match &e {
            Event::Start(Tag::CodeBlock(_)) => code = true,
            Event::End(TagEnd::CodeBlock) => code = false,
            Event::Start(Tag::HtmlBlock) if depth == 0 && md[r.clone()].trim() == MARKER => {
                marker = Some(r.start);
            }
            Event::Start(Tag::Heading { .. }) if depth == 0 && marker.is_some() => {
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) if in_heading => {
                in_heading = false;
                heading = Some(heading_text.clone());
            }
            Event::Text(t) if in_heading => heading_text.push_str(t),
            Event::Start(Tag::Link { dest_url, .. })
                if depth == 2 && heading.is_some() && &**dest_url == "tdd.md" =>
            {
                list = Some(r.start);
            }
            _ => {}
        }
        match &e {
            Event::Start(t) if !is_inline(t) => depth += 1,
            Event::End(t) if !is_inline_end(t) => depth -= 1,
            _ => {}
        }
    }
    let _ = code;
    match (marker, heading.as_deref(), list) {
        (Some(_), Some("Technical Designs"), Some(_)) => Ok(()),
        other => Err(format!("marker, heading, list: {other:?}")),
    }
}

fn is_inline(t: &Tag<'_>) -> bool {
    matches!(
        t,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_inline_end(t: &TagEnd) -> bool {
    matches!(
        t,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// Whether, in the HTML of the chapter up to the list, every element that
/// swallows what follows (comments, raw text elements) is closed again.
fn markup_before_list(md: &str) -> Result<(), String> {
    let md = md.strip_prefix('\u{feff}').unwrap_or(md);
    let mut html = String::new();
    mdbook_markdown::pulldown_cmark::html::push_html(
        &mut html,
        mdbook_markdown::new_cmark_parser(md, &mdbook_markdown::MarkdownOptions::default()),
    );
    let Some(at) = html.find("<a href=\"tdd.md\">Ledger TDD</a>") else {
        return Err(format!("no list item in {html}"));
    };
    let before = html[..at].to_ascii_lowercase();
    // Read as a browser does: from the first opener on, everything up to
    // its closer is swallowed (a comment, a bogus comment, a raw text
    // element).
    let pairs: Vec<(String, String)> = [
        ("<!-->", ""),
        ("<!--->", ""),
        ("<!--", "-->"),
        ("<?", ">"),
        ("<!", ">"),
    ]
    .iter()
    .map(|(o, c)| (o.to_string(), c.to_string()))
    .chain(
        [
            "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
        ]
        .iter()
        .map(|n| (format!("<{n}"), format!("</{n}"))),
    )
    .collect();
    let mut rest = before.as_str();
    loop {
        let first = pairs
            .iter()
            .filter_map(|(o, c)| rest.find(o.as_str()).map(|i| (i, o, c)))
            .min_by_key(|(i, o, _)| (*i, std::cmp::Reverse(o.len())));
        let Some((i, opener, closer)) = first else {
            return Ok(());
        };
        let after = &rest[i + opener.len()..];
        match after.find(closer.as_str()) {
            Some(j) => rest = &after[j + closer.len()..],
            None => return Err(format!("{opener} is open before the list: {html}")),
        }
    }
}

/// Endings a PRD can have, after its header.
const ENDINGS: &[&str] = &[
    "",
    "Text.",
    "Text.\n",
    "Setext candidate",
    "```\ncode\n",
    "~~~~\ncode",
    "````md\n```\nstill code\n",
    "- item\n\n  ```\n  code\n",
    "- item\n  ```\n  code",
    "> ```\n> code\n",
    "> ```\n> code\n> ```\n",
    "1. > ```rust\n   > fn x() {}\n",
    "> - ```\n>   code\n",
    "    indented code\n",
    "> quote\n",
    "> para\nlazy continuation\n",
    "- list\n- item\n",
    "1. one\n\n   two",
    "| a |\n|---|\n| b |\n",
    "[^1]: a footnote\n",
    "<script>\nvar a = 1;\n",
    "<SCRIPT type=\"module\">\nvar a = 1;",
    "<pre>\nx\n",
    "<textarea>\nx",
    "<style>\np {}\n",
    "<!-- a comment\nstill open\n",
    "<?php\necho 1;\n",
    "<!DOCTYPE html\n",
    "<![CDATA[\nx\n",
    "- <script>\n  x\n",
    "> <!--\n> x\n",
    "x <textarea> y\n",
    "x <script> y",
    "<div>\n<!-- open\n",
    "<div>\n<?x\n",
    "> <?x\n\nafter <textarea> y\n",
    "<!--> <script>--><textarea>",
    ">- <!--",
    ">- ```\n>   code\n",
    "```| a |\n|---|\n ",
    "[^1]:     ><script>",
    "-     ```\n      code\n",
    "<script>\nclosed\n</script>\n",
    "`<!-- tdd-backlinks -->` in a code span\n",
    "- <!-- tdd-backlinks -->\n",
    "```\n<!-- tdd-backlinks -->\n```\n",
    "<!-- tdd-backlinks --> with text after\n",
    "<script>\n<!-- tdd-backlinks -->\n",
    "```\r\ncode\r\n",
    "> ```\r\n> code\r\n",
    "<pre>\r\nx\r\n",
];

/// Whole PRDs (without a header): empty, or starting with a byte-order mark.
const WHOLE: &[&str] = &[
    "",
    "\u{feff}",
    "\u{feff}```\ncode\n",
    "\u{feff}<script>",
    "```",
];

#[test]
fn the_list_lands_at_the_top_level() {
    let mut failures = Vec::new();
    let texts = ENDINGS
        .iter()
        .map(|e| format!("# Payments PRD\n\n**Status:** Approved\n\n{e}"))
        .chain(WHOLE.iter().map(|w| w.to_string()));
    for (prd, ending) in texts.zip(ENDINGS.iter().chain(WHOLE)) {
        let prd = if ending.contains('\r') {
            prd.replace("\r\n", "\n").replace('\n', "\r\n")
        } else {
            prd
        };
        let (out, diags) = run(&prd);
        if !diags.is_empty() {
            failures.push(format!("{ending:?}: {diags:?}"));
            continue;
        }
        if !out.starts_with(&prd) || out.len() == prd.len() {
            failures.push(format!(
                "{ending:?}: nothing appended, or the chapter changed:\n{out}"
            ));
            continue;
        }
        if let Err(e) = top_level_list(&out).and_then(|()| markup_before_list(&out)) {
            failures.push(format!("{ending:?}: {e}\n{out}"));
            continue;
        }
        if ending.contains('\r') && out.replace("\r\n", "").contains('\n') {
            failures.push(format!("{ending:?}: mixed line endings:\n{out:?}"));
        }
        let (again, _) = run(&out);
        if again != out {
            failures.push(format!(
                "{ending:?}: a second run changed it:\n{out}\n---\n{again}"
            ));
        }
        if let Err(e) = card_is_an_insertion(&prd, &out) {
            failures.push(format!("{ending:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Nothing ends `<plaintext>`: no list, a warning that says where to put one.
#[test]
fn plaintext_gets_no_list_but_a_warning() {
    let prd = "# Payments PRD\n\n**Status:** Approved\n\n<plaintext>\n";
    let (out, diags) = run(prd);
    assert_eq!(out, prd);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].starts_with("warning[backlinks-not-appended]") && diags[0].contains("pay.md:5:1"),
        "{diags:?}"
    );
}

/// Pieces PRD endings are made of.
fn piece() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("text ".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("    ".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("| a |\n|---|\n".to_string()),
        Just("`".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<pre>".to_string()),
        Just("<textarea>".to_string()),
        Just("<style>".to_string()),
        Just("<div>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<?".to_string()),
        Just("<!X".to_string()),
        Just("<![CDATA[".to_string()),
        Just(">".to_string()),
        Just("---".to_string()),
        Just("===".to_string()),
        Just(MARKER.to_string()),
        Just("[^1]: ".to_string()),
        "[a-z ]{0,6}",
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 400, failure_persistence: None, .. Default::default() })]

    /// Whatever a PRD ends in, the list is appended at the top level, and a
    /// second run changes nothing.
    #[test]
    fn any_ending(pieces in proptest::collection::vec(piece(), 0..24)) {
        let prd = format!("# Payments PRD\n\n**Status:** Approved\n\n{}", pieces.concat());
        let (out, diags) = run(&prd);
        proptest::prop_assert!(out.starts_with(&prd), "{:?}\n=>\n{:?}", prd, out);
        if out.len() > prd.len() {
            let checked = top_level_list(&out).and_then(|()| markup_before_list(&out));
            proptest::prop_assert!(checked.is_ok(), "{:?}: {:?}\n{}", prd, checked, out);
            let (again, _) = run(&out);
            proptest::prop_assert_eq!(&again, &out, "{:?}", prd);
        } else {
            // Nothing appended: a marker was already there.
            proptest::prop_assert!(prd.contains(MARKER), "{:?}: {:?}", prd, diags);
        }
        // Every piece can be closed (there is no `<plaintext>` among them).
        proptest::prop_assert!(diags.is_empty(), "{:?}: {:?}", prd, diags);
        let card = card_is_an_insertion(&prd, &out);
        proptest::prop_assert!(card.is_ok(), "{:?}: {:?}", prd, card);
    }
}

/// mdBook's parser does not end every line at a lone carriage return (a
/// fence's closing line runs on to a line feed): the list appended after a
/// fence that the chapter's lines close, but that parser does not, is
/// checked as that parser reads the chapter, and is left out with a warning
/// rather than swallowed by the code block; also when a directive keeps the
/// chapter's text at hand.
#[test]
fn lone_carriage_returns_are_read_as_mdbook_reads_them() {
    for prd in [
        "# Payments PRD\n\n**Status:** Approved\n\n## Notes\n\n```\ncode\r```\n",
        "# Payments PRD\n\n**Status:** Approved\n\n## Notes\n\n{{#tdd-status columns=document}}\n\n```\ncode\r```\n",
    ] {
        let (out, diags) = run(prd);
        if out.contains(MARKER) {
            let checked = top_level_list(&out);
            assert!(checked.is_ok(), "{prd:?}: {checked:?}\n{out}");
        } else {
            assert!(
                diags
                    .iter()
                    .any(|d| d.starts_with("warning[backlinks-not-appended]")),
                "{prd:?}: {diags:?}"
            );
        }
    }
}
