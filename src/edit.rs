//! The edit stage: each chapter's directives are rendered against the
//! model and spliced into their byte ranges; bare Source PRDs become links;
//! TDDs and PRDs get their page card after the header, PRDs their backlinks
//! list at the end. Every other byte of the chapter is kept.

use crate::analyze::directives::arg_problem;
use crate::analyze::end::{BACKLINKS_MARKER, ChapterEnd};
use crate::analyze::query::Query;
use crate::analyze::{Analysis, AnalyzedChapter};
use crate::book::{ChapterId, Settings};
use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::diagnostic::{Diagnostic, Lint, Location};
use crate::model::Document;
use crate::model::prd::{PathIndex, PrdForm, PrdTarget};
use crate::model::{BookModel, DocKind};
use crate::protocol::text::{Insertions, Piece};
use crate::render::{self, RenderContext};
use crate::syntax::lines;
use rayon::prelude::*;
use std::ops::Range;

/// What the edit stage does to a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapterEdit {
    /// Nothing: the chapter goes out as it came.
    Unchanged,
    /// The chapter's new text, in pieces of its current text (the skeleton
    /// expansion, if any) and new text.
    Replace(Vec<Piece>),
    /// Text inserted into the chapter as it came, which nothing else edits
    /// (the page card, the backlinks list).
    Insert(Insertions),
    /// The skeleton expansion, unchanged.
    Expanded,
}

/// Re-indents a generated block (in pieces) for the directive's place.
fn place_block(
    text: &str,
    span: &Range<usize>,
    block: Vec<String>,
    eol: &'static str,
) -> Vec<String> {
    // Lines end at `\n`, `\r\n` or a `\r` alone, as in Markdown.
    let bytes = text.as_bytes();
    let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..span.start]).map_or(0, |i| i + 1);
    let cont = lines::continuation_prefix(&text[line_start..span.start]);
    let ends_with_table = last_line(&block).starts_with('|');
    // The lines of an HTML block (a generated block's line that starts with
    // `<`, up to a blank line) end with what ends an HTML block's lines: a
    // carriage return alone does not (see
    // [`crate::syntax::lines::html_block_line_ending`]).
    let hb = crate::syntax::lines::html_block_line_ending(eol);
    let mut in_html = false;
    // A block at the start of a line of a file with `\n` endings goes in as
    // it is.
    let mut out = if cont.is_empty() && eol == "\n" {
        block
    } else {
        let block = block.concat();
        let mut out = String::with_capacity(block.len() + 16);
        for (i, line) in block.split('\n').enumerate() {
            if i > 0 {
                out.push_str(if in_html { hb } else { eol });
                if line.is_empty() {
                    out.push_str(cont.trim_end());
                } else {
                    out.push_str(&cont);
                }
            }
            out.push_str(line);
            in_html = !line.is_empty() && (in_html || line.starts_with('<'));
        }
        vec![out]
    };
    // A following line that is not blank must not continue the block: a
    // blank line goes between them, unless the block ends with a table and
    // the next line opens a list item or a heading, which end a table on
    // their own (and a blank line would make a tight list loose).
    let rest = &text[span.end..];
    // Where the line at `from` ends, and where the next one starts.
    let line_bounds = |from: usize| match memchr::memchr2(b'\n', b'\r', &rest.as_bytes()[from..]) {
        Some(i) if rest.as_bytes()[from..].get(i..i + 2) == Some(b"\r\n") => {
            (from + i, from + i + 2)
        }
        Some(i) => (from + i, from + i + 1),
        None => (rest.len(), rest.len()),
    };
    let (_, line_end) = line_bounds(0);
    let next_line = &rest[line_end..line_bounds(line_end).0];
    let next_content = next_line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let after_html = if in_html { hb } else { eol };
    if line_end < rest.len()
        && !next_content.is_empty()
        && !(ends_with_table && opens_item_or_heading(next_content))
    {
        out.push(format!("{after_html}{}", cont.trim_end()));
    } else if after_html != eol && !rest.is_empty() {
        // The line after is blank: the HTML block's last line still ends.
        out.push(after_html.to_string());
    }
    out
}

/// The last line of text written in pieces.
fn last_line(pieces: &[String]) -> String {
    // The pieces after the last line break, then the end of the piece
    // holding it.
    let mut tail: Vec<&str> = Vec::new();
    for p in pieces.iter().rev() {
        match p.rfind('\n') {
            Some(i) => {
                tail.push(&p[i + 1..]);
                break;
            }
            None => tail.push(p),
        }
    }
    tail.iter().rev().copied().collect()
}

/// Whether a line (its container prefix removed) opens a list item or an
/// ATX heading.
fn opens_item_or_heading(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    if line.starts_with('#') {
        return true;
    }
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.is_empty() || rest.starts_with([' ', '\t']);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && line[digits..].starts_with(['.', ')'])
        && (line.len() == digits + 1 || line[digits + 1..].starts_with([' ', '\t']))
}

/// The text to append to a chapter that ends as `end` says so that the
/// generated block `md` (which starts with the backlinks marker and its
/// heading) follows as blocks of their own at the top level: what is open is
/// closed, then a blank line. The result is checked by reading the chapter
/// with it: `None` if the marker and the heading would not be top-level
/// blocks read as markup.
fn append_block(text: &str, end: &ChapterEnd, md: &str, config: &Config) -> Option<String> {
    match &end.closing {
        None => append_after(text, end, "", md, config),
        Some(c) => [&c.lines, &c.fallback]
            .into_iter()
            .flatten()
            .find_map(|closing| append_after(text, end, closing, md, config)),
    }
}

/// The text to append after `closing` (see [`append_block`]), if it checks.
fn append_after(
    text: &str,
    end: &ChapterEnd,
    closing: &str,
    md: &str,
    config: &Config,
) -> Option<String> {
    let eol = crate::syntax::lines::html_block_line_ending(end.eol);
    let mut block = String::new();
    if !end.empty && !end.newline {
        block.push_str(eol);
    }
    block.push_str(&closing.replace('\n', eol));
    if !end.empty {
        block.push_str(eol);
    }
    let marker_at = text.len() + block.len();
    let md = md.replace('\n', eol);
    let heading_at = md
        .find(&format!("{eol}{eol}#"))
        .map(|i| marker_at + i + 2 * eol.len());
    block.push_str(&md);
    block.push_str(eol);
    // Read the chapter as it will be, from the line of its last block
    // outside any container on (what comes before cannot change how that
    // reads), or whole: up to the heading.
    // A byte-order mark at the start is no text to mdBook.
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let (from, state) = match end.last_top_block {
        Some((from, state)) if from >= bom && text.is_char_boundary(from) => (from, state),
        _ => (bom, crate::syntax::scan::HtmlState::Data),
    };
    let heading_at = heading_at?;
    let tail = format!("{}{block}", text.get(from..).unwrap_or_default());
    let checked = crate::syntax::scan::top_level_blocks(
        &tail,
        &config.markdown,
        state,
        (marker_at - from, BACKLINKS_MARKER),
        heading_at - from,
    );
    checked.then_some(block)
}

/// The status banner and page card of a document, with the line breaks
/// around them, and where they go; `None` when it gets neither (turned off,
/// in force, or the chapter holds them).
fn card_insertion(
    ctx: &RenderContext<'_>,
    doc: &Document,
    badges: &render::Badges,
) -> Option<(usize, String)> {
    let place = &doc.card;
    let at = place.at?;
    if place.lone_cr {
        return None;
    }
    let banner = (ctx.config.banners && !place.has_banner)
        .then(|| render::banner::banner(ctx, doc, badges))
        .flatten();
    let card =
        (ctx.config.page_cards && !place.has_card).then(|| render::card::card(ctx, doc, badges));
    let blocks = match (banner, card) {
        (None, None) => return None,
        (Some(b), None) | (None, Some(b)) => b,
        (Some(b), Some(c)) => b + "\n" + &c,
    };
    let eol = doc.end.eol;
    // The lines end as an HTML block's must (a carriage return alone does
    // not end one). So does the blank line before them: no carriage return
    // alone comes before a card (`lone_cr`), so the author's lines there end
    // with a line feed, and a carriage return alone after one (in a chapter
    // whose only other line ends come later) is a blank line that
    // pulldown-cmark, after an indented code block, reads together with the
    // line after it, which loses the card's first line.
    let hb = crate::syntax::lines::html_block_line_ending(eol);
    let mut out = String::new();
    for _ in 0..place.lead {
        out.push_str(hb);
    }
    if hb == "\n" {
        out.push_str(&blocks);
    } else {
        out.push_str(&blocks.replace('\n', hb));
    }
    if place.followed && !place.blank_after {
        out.push_str(hb);
    }
    Some((at, out))
}

/// The backlinks list (if any) as it goes after a card appended at the end
/// (`card`, empty if none): after a blank line, which the list of an empty
/// chapter does not start with, so that the card's `</div>` block ends.
fn after_card(card: &str, backlinks: Option<String>) -> String {
    match backlinks {
        Some(b) if !card.is_empty() && !b.starts_with(['\n', '\r']) => {
            let hb = if card.ends_with("\r\n") { "\r\n" } else { "\n" };
            format!("{hb}{b}")
        }
        Some(b) => b,
        None => String::new(),
    }
}

/// Where the last line of a text that is not blank starts.
fn last_line_start(text: &str) -> usize {
    text.trim_end().rfind('\n').map_or(0, |i| i + 1)
}

/// The opening tag of the wrapper of template guidance on HTML pages.
pub const GUIDANCE_OPEN: &str = "<div class=\"tdd-guidance\">";
/// Its closing tag.
pub const GUIDANCE_CLOSE: &str = "</div>";

/// Wraps each range of template guidance (whole lines, see
/// [`crate::analyze::skeleton::Expansion::guidance`]) in
/// `<div class="tdd-guidance">`, so that a page shows what the author has
/// not written yet apart from what they have. The tags are HTML blocks of
/// their own, with blank lines around them: Markdown inside an HTML block is
/// not read, an HTML block runs to the next blank line, and so the guidance
/// between them stays Markdown (headings stay outside, with their ids).
fn guidance_wrappers(
    text: &str,
    ranges: &[Range<usize>],
    eol: &'static str,
    edits: &mut Vec<(Range<usize>, Vec<String>)>,
) {
    let eol = crate::syntax::lines::html_block_line_ending(eol);
    // A line that ends with a carriage return alone does not end an HTML
    // block in pulldown-cmark (which mdBook renders with): around the tags
    // every blank line is written with `\n`.
    let ends_line = |s: &str| s.starts_with('\n') || s.starts_with("\r\n");
    for r in ranges {
        edits.push((r.start..r.start, vec![format!("{GUIDANCE_OPEN}{eol}{eol}")]));
        let before = text.get(..r.end).unwrap_or_default();
        let lead = if before.ends_with('\r') { eol } else { "" };
        let rest = text.get(r.end..).unwrap_or_default();
        let blank_follows = rest.is_empty() || ends_line(rest.trim_start_matches([' ', '\t']));
        let after = if blank_follows { "" } else { eol };
        edits.push((
            r.end..r.end,
            vec![format!("{lead}{eol}{GUIDANCE_CLOSE}{eol}{after}")],
        ));
    }
}

/// Computes the edit of every chapter.
pub fn edit(
    analysis: &Analysis,
    model: &BookModel,
    paths: &PathIndex<'_>,
    config: &Config,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Vec<ChapterEdit> {
    // What every chapter's rendering shares (`chapter` is set per chapter).
    let base = RenderContext {
        model,
        config,
        chapter: ChapterId(0),
        html: settings.html,
        index_enabled: settings.index_enabled,
        paths,
    };
    // The status badges of the page cards, written once for the run.
    let badges = render::Badges::new(&base);
    // Small pieces: one chapter (a status page) may cost as much as all
    // the others, and the thread that renders it must not hold more.
    let edited: Vec<(ChapterEdit, Diagnostics)> = analysis
        .chapters
        .par_iter()
        .with_max_len(4)
        .enumerate()
        .map(|(i, w)| {
            let mut d = Diagnostics::new();
            let e = edit_chapter(ChapterId(i), w, base, settings, &badges, &mut d);
            (e, d)
        })
        .collect();
    edited
        .into_iter()
        .map(|(e, d)| {
            diags.extend(d);
            e
        })
        .collect()
}

fn edit_chapter(
    index: ChapterId,
    work: &AnalyzedChapter,
    base: RenderContext<'_>,
    settings: &Settings,
    badges: &render::Badges,
    diags: &mut Diagnostics,
) -> ChapterEdit {
    // Offsets are the same in the text and its view; the view's lines all
    // end with `\n`.
    let text = work.view();
    let eol = crate::syntax::lines::line_ending(work.text());
    let ctx = RenderContext {
        chapter: index,
        ..base
    };
    let (model, config) = (base.model, base.config);
    let mut edits: Vec<(Range<usize>, Vec<String>)> = Vec::new();
    // Template guidance, set apart on HTML pages (first: at the end of the
    // chapter its closing tag goes before an appended backlinks list).
    if settings.html
        && let Some(e) = &work.expansion
    {
        // The text itself, not its view: line endings matter here.
        guidance_wrappers(work.text(), &e.guidance, eol, &mut edits);
    }
    let mut has_backlinks_directive = false;
    // Directives are independent of each other: render them in parallel.
    let rendered: Vec<_> = work
        .directives
        .par_iter()
        .map(|d| {
            let t = std::time::Instant::now();
            let r = render::render(&ctx, &d.query);
            log::debug!(
                "{}: {} in {:?}",
                work.meta.path,
                d.query.kind(),
                t.elapsed()
            );
            r
        })
        .collect();
    for (d, rendered) in work.directives.iter().zip(rendered) {
        if matches!(d.query, Query::Backlinks) {
            has_backlinks_directive = true;
        }
        match rendered {
            Ok(md) if d.well_formed => {
                edits.push((d.span.clone(), place_block(text, &d.span, md, eol)))
            }
            // Its argument problems were reported when it was analyzed.
            Ok(_) => {}
            Err(problems) => {
                for p in problems {
                    diags.push(arg_problem(p, d.query.kind(), d.span.start, &|o| {
                        work.locate(o)
                    }));
                }
            }
        }
    }
    let mut card = None;
    let mut backlinks = None;
    if let Some(doc) = model.document_of(index) {
        card = card_insertion(&ctx, doc, badges);
        // A Source PRD given as a path or a name becomes a link.
        if let Some(p) = &doc.prd
            && let (PrdForm::Path | PrdForm::Name, PrdTarget::Chapter(t)) = (p.form, &p.target)
        {
            let target = &model.chapters[*t];
            let dest = crate::links::relative(&model.chapters[index].served, &target.served);
            edits.push((
                p.value_range.clone(),
                vec![format!(
                    "[{}]({dest})",
                    render::markdown::written_link_text(&p.written)
                )],
            ));
        }
        // The backlinks list at the end of PRD chapters.
        if doc.kind == DocKind::Prd
            && config.backlinks
            && !doc.derived.is_empty()
            && !has_backlinks_directive
        {
            // How the chapter ends was read in the analysis pass.
            let e = &doc.end;
            if !e.has_backlinks {
                let md = render::backlinks::backlinks(&ctx, index, Some(&config.backlinks_heading));
                // A chapter that nothing else edits may have let its text go
                // after the analysis; the check of the list needs it, as
                // mdBook's parser will read it (not the view, in which lone
                // carriage returns end lines everywhere).
                let whole = if work.text.is_none() && work.expansion.is_none() {
                    work.original()
                } else {
                    std::borrow::Cow::Borrowed(work.text())
                };
                match append_block(&whole, e, &md, config) {
                    Some(block) => backlinks = Some(block),
                    None => diags.push(
                        Diagnostic::new(
                            Lint::BacklinksNotAppended,
                            "the backlinks list cannot be appended to this PRD: it would not be read after how the chapter ends",
                        )
                        .at({
                            let (line, column) =
                                crate::diagnostic::line_col(&whole, last_line_start(&whole));
                            Location {
                                file: work.meta.file.clone(),
                                line,
                                column,
                            }
                        })
                        .help("put `{{#tdd-backlinks}}` where the list should go"),
                    ),
                }
            }
        }
    }
    // A chapter that only gets its card and backlinks list gets them as
    // insertions into its text as it came (which may be gone by now).
    if edits.is_empty() && work.expansion.is_none() {
        if card.is_none() && backlinks.is_none() {
            return ChapterEdit::Unchanged;
        }
        let mut ins = Insertions::default();
        let followed = model.document_of(index).is_some_and(|d| d.card.followed);
        match card {
            Some(c) if followed => ins.at.push(c),
            Some((_, c)) => ins.end.push_str(&c),
            None => {}
        }
        ins.end.push_str(&after_card(&ins.end, backlinks));
        return ChapterEdit::Insert(ins);
    }
    // Both may go in at the end: the card first.
    let appended_card = card.as_ref().filter(|(at, _)| *at >= text.len());
    let backlinks = after_card(appended_card.map_or("", |(_, c)| c.as_str()), backlinks);
    for (at, new) in card
        .into_iter()
        .chain((!backlinks.is_empty()).then_some((text.len(), backlinks)))
    {
        edits.push((at..at, vec![new]));
    }
    if edits.is_empty() {
        return ChapterEdit::Expanded;
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut pieces = Vec::with_capacity(edits.len() * 2 + 1);
    let mut last = 0;
    for (r, new) in edits {
        // Edits never overlap in a chapter that analyzes cleanly: each
        // directive is one span, and the Source PRD value and the end of
        // the chapter lie outside every directive. Should two ever overlap
        // (a directive in a header value, which is an error anyway), the
        // later one is dropped rather than cutting the author's bytes.
        if r.start < last {
            continue;
        }
        pieces.push(Piece::Kept(last..r.start));
        pieces.extend(new.into_iter().map(Piece::New));
        last = r.end;
    }
    pieces.push(Piece::Kept(last..text.len()));
    ChapterEdit::Replace(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A carriage return alone ends a line: the generated block's lines
    /// take the directive's own line prefix, not everything since the last
    /// `\n` (which made output and time grow with the lines before it).
    #[test]
    fn blocks_in_carriage_return_files() {
        let text = "a\r\r> {{#x}}\r> more\r";
        assert_eq!(
            place_block(text, &(5..11), vec!["| a |\n|---|".into()], "\n").concat(),
            "| a |\n> |---|\n>"
        );
        let text = "a\r\n\r\n- {{#x}}\r\n\r\nb\r\n";
        let at = text.find("{{").unwrap();
        assert_eq!(
            place_block(text, &(at..at + 6), vec!["| a |\n|---|".into()], "\r\n").concat(),
            "| a |\r\n  |---|"
        );
    }

    #[test]
    fn last_line_of_pieces() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(last_line(&p(&["a\nb", "c", "d"])), "bcd");
        assert_eq!(last_line(&p(&["a", "b"])), "ab");
        assert_eq!(last_line(&p(&["a\n"])), "");
        assert_eq!(last_line(&[]), "");
    }

    #[test]
    fn blocks_keep_their_container() {
        let text = "> {{#x}}\n> more\n";
        let span = 2..8;
        assert_eq!(
            place_block(text, &span, vec!["| a |\n|---|\n\n*n*".into()], "\n").concat(),
            "| a |\n> |---|\n>\n> *n*\n>"
        );
        let text = "- {{#x}}\n";
        assert_eq!(
            place_block(text, &(2..8), vec!["| a |\n|---|".into()], "\n").concat(),
            "| a |\n  |---|"
        );
        let text = "1. > {{#x}}\n";
        assert_eq!(
            place_block(text, &(5..11), vec!["a\nb".into()], "\n").concat(),
            "a\n   > b"
        );
    }
}
