//! How a chapter ends: what text appended to it (the backlinks list) must
//! take into account, read while the chapter's scan is at hand.

use crate::syntax::scan::{ChapterScan, HtmlState};

/// The marker that starts an appended backlinks list, so that running the
/// preprocessor again on its own output does not append a second one.
pub const BACKLINKS_MARKER: &str = "<!-- tdd-backlinks -->";

/// How a chapter ends: what text appended to it (the backlinks list) must
/// take into account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterEnd {
    /// The line ending of the chapter (see [`crate::syntax::lines::line_ending`]).
    pub eol: &'static str,
    /// The chapter is empty.
    pub empty: bool,
    /// The chapter ends with a line break.
    pub newline: bool,
    /// The chapter already holds a backlinks list: the marker as an HTML
    /// block of its own outside any container, not swallowed by raw HTML
    /// before it.
    pub has_backlinks: bool,
    /// How to close what the chapter ends inside; `None` when nothing is
    /// open, and a block appended after a blank line is read at the top level
    /// and as markup as it is (most chapters, which pay for no more).
    pub closing: Option<Box<Closing>>,
    /// Where the last block outside any container starts, with the state of
    /// the raw HTML there: the text appended is checked by reading the
    /// chapter from there.
    pub last_top_block: Option<(usize, HtmlState)>,
}

impl Default for ChapterEnd {
    fn default() -> Self {
        ChapterEnd {
            eol: "\n",
            empty: false,
            newline: false,
            has_backlinks: false,
            closing: None,
            last_top_block: None,
        }
    }
}

impl ChapterEnd {
    /// Reads the end of a scanned text whose lines end with `eol`.
    pub fn new(text: &str, eol: &'static str, scan: &ChapterScan) -> Self {
        ChapterEnd {
            eol,
            empty: text.is_empty(),
            newline: text.ends_with('\n'),
            has_backlinks: has_marker(text, scan),
            closing: {
                let lines = closing(text, scan, true);
                let fallback = closing(text, scan, false);
                (lines.as_deref() != Some("") || fallback.is_some())
                    .then(|| Box::new(Closing { lines, fallback }))
            },
            last_top_block: scan.last_top_block,
        }
    }
}

/// Whether a scanned text holds the backlinks marker where it is one: an
/// HTML block of its own outside any container, read as markup.
pub fn has_marker(text: &str, scan: &ChapterScan) -> bool {
    scan.top_level_html.iter().any(|(r, state)| {
        *state == HtmlState::Data
            && text
                .get(r.clone())
                .is_some_and(|t| t.trim() == BACKLINKS_MARKER)
    })
}

/// See [`Closing::lines`]; without `in_container`, the fallback
/// ([`Closing::fallback`]), `None` if the chapter ends inside no block to
/// close.
pub fn closing(text: &str, scan: &ChapterScan, in_container: bool) -> Option<String> {
    let end = text.trim_end().len();
    let prefix = |at: usize| {
        let line_start = text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let before = text.get(line_start..at).unwrap_or_default();
        // A byte-order mark that starts the file is no text to mdBook.
        let before = if line_start == 0 {
            before.trim_start_matches('\u{feff}')
        } else {
            before
        };
        crate::syntax::lines::continuation_prefix(before)
    };
    // The block the chapter ends inside, if any: its start and what closes it.
    let mut open: Option<(usize, String)> = None;
    if let Some(code) = &scan.last_code
        && code.fenced
        && code.range.end >= end
    {
        let first = text
            .get(code.range.clone())
            .unwrap_or_default()
            .trim_start();
        let ch = if first.starts_with('~') { '~' } else { '`' };
        // After the content come only blank lines or the closing fence.
        let rest = text
            .get(code.content_end..code.range.end)
            .unwrap_or_default();
        if !rest.contains(ch) {
            let len = first.chars().take_while(|c| *c == ch).count().max(3);
            open = Some((code.range.start, ch.to_string().repeat(len)));
        }
    }
    if let Some(block) = &scan.last_html_block
        && block.range.end >= end
        && !block.closed
        && let Some((_, close)) = block.kind
    {
        open = Some((block.range.start, close.to_string()));
    }
    let mut out = String::new();
    let mut state = scan.html_state;
    match open {
        Some((start, close)) if in_container => {
            state.feed(&close);
            out.push_str(&prefix(start));
            out.push_str(&close);
            out.push('\n');
        }
        Some((start, _)) if !prefix(start).is_empty() => {}
        _ if in_container => {}
        _ => return None,
    }
    let raw = state.closer()?;
    if !raw.is_empty() {
        out.push('\n');
        out.push_str(&raw);
        out.push('\n');
    }
    Some(out)
}

/// What closes the blocks and raw HTML a chapter ends inside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closing {
    /// Lines (with `\n` endings) that close what the chapter ends inside, so
    /// that a block appended after them and a blank line is read at the top
    /// level and as markup: a fenced code block or an HTML block that runs
    /// to the end (closed inside its container), then raw HTML still open
    /// (a comment, a `<script>`); `None` when nothing can close it
    /// (`<plaintext>`).
    pub lines: Option<String>,
    /// Where `lines` close a block inside a container: the lines that rely
    /// on the blank line and the appended block to end the container (and
    /// the block with it) instead, with only the raw HTML closed; to be used
    /// when a container's continuation cannot be written (a footnote or
    /// list item whose first line starts with indented content).
    pub fallback: Option<String>,
}
