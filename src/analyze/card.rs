//! Where a document's page card goes, read while the chapter's scan is at
//! hand (as [`crate::analyze::end`] reads how it ends): right after its
//! header, the lines after the first H1 up to the first thematic break or
//! heading outside any container.
//!
//! The card is inserted at a line boundary where no block is open, so that
//! it is read as blocks of its own and changes nothing around it; every byte
//! of the chapter stays as it was. A card the preprocessor wrote before is
//! recognized by its first line, so a second run adds none.

use crate::analyze::table::{DocTable, SectionSelector};
use crate::syntax::header::Header;
use crate::syntax::outline::heading_at;
use crate::syntax::scan::{ChapterScan, Heading, HtmlState};

/// The first line of a card in HTML output: the card is a `<div>`.
pub const CARD_DIV: &str = "<div class=\"tdd-card\">";

/// The first line of a card for other renderers, which get plain Markdown.
pub const CARD_MARKER: &str = "<!-- tdd-card -->";

/// The first line of a status banner in HTML output (see
/// [`crate::render::banner`]).
pub const BANNER_DIV: &str = "<div class=\"tdd-banner\">";

/// The first line of a status banner for other renderers.
pub const BANNER_MARKER: &str = "<!-- tdd-banner -->";

/// Where a document's card goes, and what it may link to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardPlace {
    /// Where the card is inserted: the start of a line of the chapter where
    /// no block is open and raw HTML swallows nothing, or its end; `None`
    /// where there is no such place (raw HTML left open all through the
    /// header).
    pub at: Option<usize>,
    /// How many line breaks go before the card, so that a blank line
    /// separates it from the line before (0 to 2).
    pub lead: u8,
    /// Whether the author's text goes on after the card (which is then
    /// inserted at `at`, not appended).
    pub followed: bool,
    /// Whether the line at `at` is blank already (otherwise a blank line
    /// goes after the card).
    pub blank_after: bool,
    /// The chapter already holds a card where it would go (the
    /// preprocessor's own output, read again).
    pub has_card: bool,
    /// The chapter already holds a status banner there.
    pub has_banner: bool,
    /// The chapter is a `{{#tdd-skeleton}}` and nothing else: the author
    /// has written nothing yet.
    pub untouched_skeleton: bool,
    /// A carriage return that no line feed follows comes before `at`: mdBook's
    /// parser does not read it as a line end everywhere (an ATX heading, a
    /// fence or an HTML block runs on to a line feed), so it may read the
    /// chapter up to there otherwise than its lines say, and the card would
    /// land inside what it reads; such a chapter gets no card.
    pub lone_cr: bool,
    /// The id mdBook gives the heading of the Open Questions & Risks section,
    /// where it can be known for sure from the text (no heading attributes,
    /// no markup, no earlier heading that could take the same id).
    pub open_items_anchor: Option<String>,
}

impl CardPlace {
    /// Finds the card's place in a scanned text (the line-based view, see
    /// [`crate::syntax::lines::lf_view`]), whose header and tables have been
    /// read; `open_at_end` says that the chapter ends inside a block or raw
    /// HTML that would swallow a card appended there.
    pub fn new(
        text: &str,
        scan: &ChapterScan,
        header: &Header,
        tables: &[DocTable],
        open_at_end: bool,
    ) -> CardPlace {
        let bom = if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let has_h1 = scan.headings.iter().any(|h| h.level == 1);
        let markup = |state: Option<HtmlState>| state == Some(HtmlState::Data);
        // Where a card written before would stand, and where this one goes:
        // where the header ends, or else right after the H1.
        let (region, at) = if !has_h1 {
            // A banner written before stands at the start, the card after
            // it: the region reaches the line after the banner.
            // A card written now goes after it too.
            let end = banner_end(text, bom);
            (bom..end.map_or(bom, |e| e + 1), Some(end.unwrap_or(bom)))
        } else {
            let at_end = if header.range.end >= text.len() {
                !open_at_end
            } else {
                markup(scan.header_end_html)
            };
            let at = if at_end {
                Some(header.range.end)
            } else {
                markup(scan.after_h1_html).then_some(header.range.start)
            };
            (header.range.clone(), at)
        };
        let at = at.map(|a| a.min(text.len()));
        let a = at.unwrap_or(text.len());
        CardPlace {
            at,
            lead: lead(text, a, bom),
            followed: a < text.len(),
            blank_after: text
                .get(a..)
                .and_then(|rest| rest.split('\n').next())
                .is_some_and(|line| line.trim_matches([' ', '\t', '\r']).is_empty()),
            has_card: has_block(text, scan, region.clone(), [CARD_DIV, CARD_MARKER]),
            has_banner: has_block(text, scan, region, [BANNER_DIV, BANNER_MARKER]),
            untouched_skeleton: false,
            lone_cr: false,
            open_items_anchor: open_items_heading(scan, tables)
                .and_then(|h| heading_anchor(text, scan, h)),
        }
    }
}

/// Where the text after a banner of ours at `at` goes on (after the blank
/// lines that follow it), if one starts there.
fn banner_end(text: &str, at: usize) -> Option<usize> {
    // The most lines a banner of ours has after its first.
    const BANNER_LINES: usize = 6;
    let rest = text.get(at..)?;
    let mut lines = rest.split_inclusive('\n');
    let first = lines.next()?;
    // After the first line: to the closing `</div>` of the HTML form, or to
    // the first blank line of the marker's.
    let html = match first.trim_end_matches(['\n', '\r']) {
        BANNER_DIV => true,
        BANNER_MARKER => false,
        _ => return None,
    };
    let mut pos = at + first.len();
    let mut ended = false;
    for (n, line) in lines.enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let blank = bare.trim_matches([' ', '\t']).is_empty();
        if ended && !blank {
            break;
        }
        // The banners written close within a few lines: a `<div>` left open
        // longer is the author's, not ours.
        if !ended && n >= BANNER_LINES {
            return None;
        }
        ended = ended || if html { bare == "</div>" } else { blank };
        pos += line.len();
    }
    (ended || !html).then_some(pos)
}

/// The number of line breaks that put a blank line between the text before
/// `at` (a line start, or the end) and a block inserted there.
fn lead(text: &str, at: usize, bom: usize) -> u8 {
    if at <= bom {
        return 0;
    }
    let before = text.get(..at).unwrap_or_default();
    if !before.ends_with('\n') {
        return 2;
    }
    let body = &before[..before.len() - 1];
    let last_line = body.rfind('\n').map_or(body, |i| &body[i + 1..]);
    if last_line.trim_matches([' ', '\t', '\r']).is_empty() {
        0
    } else {
        1
    }
}

/// Whether one of `firsts` (a card's or a banner's first lines) stands in
/// `region` (or, for an empty region, at its start) as the first line of an
/// HTML block outside any container.
fn has_block(
    text: &str,
    scan: &ChapterScan,
    region: std::ops::Range<usize>,
    firsts: [&str; 2],
) -> bool {
    let from = scan
        .top_level_html
        .partition_point(|(r, _)| r.start < region.start);
    scan.top_level_html[from..]
        .iter()
        .take_while(|(r, _)| r.start < region.end || r.start == region.start)
        .any(|(r, _)| {
            let first = text
                .get(r.clone())
                .and_then(|t| t.split(['\n', '\r']).next())
                .unwrap_or_default()
                .trim();
            firsts.contains(&first)
        })
}

/// The heading of the section whose table the model counts open items in,
/// if that table has a row that is not a placeholder (and so an item the
/// card may link to).
fn open_items_heading<'s>(scan: &'s ChapterScan, tables: &[DocTable]) -> Option<&'s Heading> {
    let selector = SectionSelector::open_items();
    let k = tables.iter().position(|t| selector.matches(t))?;
    tables.get(k)?.real_rows().next()?;
    let table = scan.tables.get(k)?;
    heading_at(&scan.headings, table.range.start)
}

/// The id both mdBook 0.4 and 0.5 give a heading, if it can be known from
/// its text alone: text without markup, entities, attributes or characters
/// either engine reads differently, and no heading before it that could get
/// the same id (a heading in a container or a definition-list term, which
/// mdBook counts too, makes it unknown).
pub fn heading_anchor(text: &str, scan: &ChapterScan, heading: &Heading) -> Option<String> {
    if scan
        .first_nested_heading
        .is_some_and(|at| at < heading.range.start)
    {
        return None;
    }
    let own = text.get(heading.text.clone())?;
    // An attribute block (`{#id .class}`) after the text sets the id.
    let rest = text.get(heading.text.end..heading.range.end)?;
    if rest.contains('{') {
        return None;
    }
    let id = plain_id(own)?;
    // An id ending in `-1` may be an earlier heading's, made unique.
    let suffixed = id
        .rsplit_once('-')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if id.is_empty() || suffixed {
        return None;
    }
    let key: Vec<char> = id.chars().filter(|c| *c != '-').collect();
    let first = id.as_bytes().first().copied();
    let bytes = text.as_bytes();
    for h in scan
        .headings
        .iter()
        .take_while(|h| h.range.start < heading.range.start)
    {
        // An attribute block may give it any id.
        let tail = bytes.get(h.text.end..h.range.end).unwrap_or_default();
        if tail.contains(&b'{') {
            return None;
        }
        // Most headings start with another letter or digit than ours.
        let lead = bytes
            .get(h.text.clone())
            .and_then(|t| t.iter().find(|b| !b.is_ascii_whitespace()));
        if let Some(b) = lead
            && b.is_ascii_alphanumeric()
            && Some(b.to_ascii_lowercase()) != first
        {
            continue;
        }
        let other = text.get(h.text.clone()).unwrap_or_default();
        match same_id(other, &id) {
            Some(false) => {}
            Some(true) => return None,
            // Reading markup only drops characters of a heading's text (a
            // link's destination, a tag), except an entity, which stands
            // for another: a heading whose letters and digits do not hold
            // ours in order cannot get our id.
            None if !other.contains('&') && !holds_in_order(&key, other) => {}
            None => return None,
        }
    }
    Some(id)
}

/// How both mdBook engines read one character of heading text into an id
/// (`next` is the character after it): the character it adds, if any; `Err`
/// where that cannot be known from the text alone (markup, an entity, `--`
/// that smart punctuation makes a dash, a letter the engines lower-case
/// differently, a line break).
fn id_char(c: char, next: Option<char>) -> Result<Option<char>, ()> {
    match c {
        ' ' | '\t' => Ok(Some('-')),
        '-' if next == Some('-') => Err(()),
        '-' => Ok(Some('-')),
        c if c.is_ascii_alphanumeric() => Ok(Some(c.to_ascii_lowercase())),
        // An entity (`&amp;`, `&#38;`) is read as the character it names.
        '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => Err(()),
        '.' | ',' | ':' | ';' | '?' | '!' | '&' | '(' | ')' | '/' | '+' | '=' | '@' | '%'
        | '\'' | '"' => Ok(None),
        c if c.is_ascii() => Err(()),
        // mdBook 0.4 lower-cases ASCII letters only, 0.5 every letter.
        c if c.is_alphanumeric() => {
            let mut lower = c.to_lowercase();
            if lower.next() != Some(c) || lower.next().is_some() {
                Err(())
            } else {
                Ok(Some(c))
            }
        }
        _ => Ok(None),
    }
}

/// The id of heading text made only of characters that [`id_char`] knows:
/// letters and digits (lower case, or without case, outside ASCII), white
/// space and some punctuation; `None` otherwise.
fn plain_id(heading_text: &str) -> Option<String> {
    let t = heading_text.trim();
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(x) = id_char(c, chars.peek().copied()).ok()? {
            out.push(x);
        }
    }
    Some(out)
}

/// Whether heading text gets the id `id`, read up to where it differs:
/// what comes before the first character [`id_char`] does not know is read
/// as it is written, so an id that differs there differs; `None` where it
/// cannot be known.
fn same_id(heading_text: &str, id: &str) -> Option<bool> {
    let mut want = id.chars();
    let mut chars = heading_text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(x) = id_char(c, chars.peek().copied()).ok()?
            && want.next() != Some(x)
        {
            return Some(false);
        }
    }
    Some(want.next().is_none())
}

/// Whether the letters and digits of `text`, lower-cased, hold `key` in
/// order.
fn holds_in_order(key: &[char], text: &str) -> bool {
    if text.is_ascii() {
        let mut want = key.iter();
        let mut next = want.next();
        for b in text.bytes() {
            let Some(&w) = next else {
                return true;
            };
            if b.is_ascii_alphanumeric() && char::from(b.to_ascii_lowercase()) == w {
                next = want.next();
            }
        }
        return next.is_none();
    }
    let mut want = key.iter().peekable();
    for c in text.chars() {
        let Some(&&w) = want.peek() else {
            return true;
        };
        if !c.is_alphanumeric() {
            continue;
        }
        let lower = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        };
        if lower == w {
            want.next();
        }
    }
    want.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownOptions;

    fn anchor_of_last(text: &str) -> Option<String> {
        let scan = crate::syntax::scan::scan(text, &MarkdownOptions::default());
        let h = scan.headings.last().unwrap();
        heading_anchor(text, &scan, h)
    }

    #[test]
    fn anchors_known_for_sure() {
        assert_eq!(
            anchor_of_last("# T\n\n## 12. Open Questions & Risks\n").as_deref(),
            Some("12-open-questions--risks")
        );
        assert_eq!(
            anchor_of_last("# T\n\n## 12. Offene Fragen — Risiken\n").as_deref(),
            Some("12-offene-fragen--risiken")
        );
        // Markup, entities, attributes, upper-case letters outside ASCII,
        // and `--` (an en dash with smart punctuation) make it unknown.
        for text in [
            "# T\n\n## 12. *Open* Questions\n",
            "# T\n\n## 12. Open &amp; Risks\n",
            "# T\n\n## 12. Open Questions {#risks}\n",
            "# T\n\n## Übersicht\n",
            "# T\n\n## Open -- Risks\n",
            "# T\n\n## `Open`\n",
        ] {
            assert_eq!(anchor_of_last(text), None, "{text}");
        }
        // A heading before it that takes the id, or might.
        for text in [
            "# T\n\n## Risks\n\n## Risks\n",
            "# T\n\n## [Risks](x.md)\n\n## Risks\n",
            "# T\n\n> ## Other\n\n## Risks\n",
            "# T\n\nTerm\n: def\n\n## Risks\n",
        ] {
            assert_eq!(anchor_of_last(text), None, "{text}");
        }
        assert_eq!(
            anchor_of_last("# T\n\n## `POST /x`\n\n## Risks\n").as_deref(),
            Some("risks")
        );
        assert_eq!(
            anchor_of_last("# T\n\n## Risk & more\n\n## Other risks, or these\n").as_deref(),
            Some("other-risks-or-these")
        );
        for text in [
            // An entity that might spell it; a suffix an earlier heading
            // made unique might have.
            "# T\n\n## &#82;isks\n\n## Risks\n",
            "# T\n\n## Risks\n\n## Risks\n\n## Risks 1\n",
            "# T\n\n## Risks-1\n",
        ] {
            assert_eq!(anchor_of_last(text), None, "{text}");
        }
    }

    fn place(text: &str) -> CardPlace {
        let opts = MarkdownOptions::default();
        let scan = crate::syntax::scan::scan(text, &opts);
        let header = Header::parse(text, &scan);
        let end = crate::analyze::end::ChapterEnd::new(text, "\n", &scan);
        CardPlace::new(text, &scan, &header, &[], end.closing.is_some())
    }

    #[test]
    fn places() {
        let p = place("# T\n\n**Status:** Draft\n\n---\n\nx\n");
        assert_eq!(
            (p.at, p.lead, p.followed, p.has_card),
            (Some(24), 0, true, false)
        );
        let p = place("# T\n**Status:** Draft\n## 1. Overview\n");
        assert_eq!((p.at, p.lead, p.followed), (Some(22), 1, true));
        // The header runs to the end.
        let p = place("# T\n\n**Status:** Draft");
        assert_eq!((p.at, p.lead, p.followed), (Some(22), 2, false));
        // ... into a fence left open: after the H1.
        let p = place("# T\n**Status:** Draft\n```\ncode\n");
        assert_eq!(
            (p.at, p.lead, p.followed, p.blank_after),
            (Some(4), 1, true, false)
        );
        let p = place("# T\n\n**Status:** Draft\n<!-- open\n");
        assert_eq!((p.at, p.followed, p.blank_after), (Some(4), true, true));
        // Raw HTML open where the header ends: after the H1; open there
        // too: nowhere.
        let p = place("# T\n\n**Status:** <textarea> x\n\n---\n");
        assert_eq!(p.at, Some(4));
        let p = place("# T <textarea>\n\n**Status:** Draft\n\n---\n");
        assert_eq!(p.at, None);
        // No H1: at the top, after a byte-order mark.
        let p = place("\u{feff}Text.\n");
        assert_eq!((p.at, p.lead, p.followed), (Some(3), 0, true));
        // A card written before is found.
        let p =
            place("# T\n\n**Status:** Draft\n\n<div class=\"tdd-card\">\n\nx\n\n</div>\n\n---\n");
        assert!(p.has_card);
        let p = place("<!-- tdd-card -->\nx\n");
        assert!(p.has_card);
        // Not inside code, nor in a list.
        let p = place("# T\n\n```\n<div class=\"tdd-card\">\n```\n\n---\n");
        assert!(!p.has_card);
        let p = place("# T\n\n- <div class=\"tdd-card\">\n\n---\n");
        assert!(!p.has_card);
    }
}
