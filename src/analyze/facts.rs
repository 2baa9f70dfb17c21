//! What a chapter says on its own, gathered in the parallel analysis pass
//! while its text is at hand: header, status, tables, placeholders and
//! completeness against the template, and the lints that need no other
//! chapter.

use crate::analyze::card::CardPlace;
use crate::analyze::end::ChapterEnd;
use crate::analyze::profile::row_key_into;
use crate::analyze::profile::{TemplateProfile, TemplateSection};
use crate::analyze::table::DocRow;
use crate::analyze::table::DocTable;
use crate::analyze::table::KeyMark;
use crate::analyze::table::TableBuilder;
use crate::analyze::table::offset32;
use crate::analyze::table::plain;
use crate::analyze::templates::TemplateId;
use crate::analyze::trace::Side;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Lint, Location, closest};
use crate::hash::HashMap;
use crate::syntax::header::Header;
use crate::syntax::outline::{
    FlatSection, SectionNumber, body_sections_flat, heading_at, heading_key,
};
use crate::syntax::scan::ChapterScan;
use std::ops::Range;

/// Whether a template section is written in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SectionState {
    /// Written by the author.
    Written,
    /// Present, but still holding template guidance or placeholders.
    Placeholder,
    /// Not there.
    Missing,
}

/// The completeness of one template section in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionStatus {
    /// Index into the template's top-level sections.
    pub section: usize,
    /// Its state.
    pub state: SectionState,
}

/// The destination of the first link in a field value, if it is a link; a
/// reference link (`[P][ref]`, `[P][]`, `[P]`) resolves through the
/// document's reference definitions `defs`.
pub fn link_destination(value: &str, defs: &[crate::syntax::scan::RefDef]) -> Option<String> {
    use mdbook_markdown::pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser, Tag};
    if !value.starts_with('[') && !value.starts_with('<') {
        return None;
    }
    let mut resolve = |link: BrokenLink<'_>| {
        crate::syntax::scan::find_refdef(defs, &link.reference)
            .map(|d| (CowStr::from(d.dest.clone()), CowStr::from(d.title.clone())))
    };
    Parser::new_with_broken_link_callback(value, Options::empty(), Some(&mut resolve)).find_map(
        |e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        },
    )
}

/// Facts about one chapter that do not depend on the rest of the book:
/// computed for every scanned chapter in the parallel analysis pass, while
/// its text is at hand.
#[derive(Debug, Clone, Default)]
pub struct ChapterFacts {
    /// The header and its fields.
    pub header: Header,
    /// The text of the first H1.
    pub title: Option<String>,
    /// Tables, with the section holding each.
    pub tables: Vec<DocTable>,
    /// Template placeholders outside code.
    pub placeholders: Vec<Range<usize>>,
    /// Completeness against the template.
    pub completeness: Vec<SectionStatus>,
    /// Which template judged the chapter.
    pub template: TemplateId,
    /// The status in the vocabulary's spelling.
    pub status: Option<String>,
    /// The status as written.
    pub status_raw: Option<String>,
    /// `unknown-status`, reported if the chapter is a document.
    pub status_problem: Option<Diagnostic>,
    /// `placeholder-in-final`, reported if the chapter is a TDD.
    pub leftovers: Vec<Diagnostic>,
    /// Where the Source PRD value is.
    pub prd_at: Option<Location>,
    /// Where a missing Source PRD is reported (the H1, or the start).
    pub header_at: Location,
    /// Link reference definitions.
    pub refdefs: Vec<crate::syntax::scan::RefDef>,
    /// How the chapter ends.
    pub end: ChapterEnd,
    /// Supersedes, Superseded-By, the review date, located.
    pub lifecycle: crate::analyze::lifecycle::LifecycleFacts,
    /// Where the page card goes.
    pub card: CardPlace,
    /// Requirements, open questions, citations and resolutions.
    pub trace: crate::analyze::trace::TraceFacts,
    /// What the chapter is known to be from itself: a design when it is a
    /// TDD skeleton or has a Source PRD, a PRD when it is a PRD skeleton
    /// (the model classifies by it, and `trace` holds that side's facts).
    pub side: Side,
}

impl ChapterFacts {
    /// Gathers the facts of a scanned chapter, judged against a template;
    /// `text` is the chapter as line-based code reads it (see
    /// [`crate::syntax::lines::lf_view`]), `eol` the line ending of the chapter as it
    /// is; `locate` turns offsets of `text` into locations.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        text: &str,
        eol: &'static str,
        scan: &ChapterScan,
        guidance: &TemplateProfile,
        template: TemplateId,
        config: &Config,
        side: Side,
        locate: &dyn Fn(usize) -> Location,
    ) -> Self {
        let header = Header::parse(text, scan);
        // A chapter with a Source PRD is a design (unless a PRD skeleton
        // says otherwise, which `side` then tells). The model's
        // classification reads this, so the rule is written once.
        let side = match side {
            Side::Either if header.get("Source PRD").is_some() => Side::Design,
            s => s,
        };
        let title = scan
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| text[h.text.clone()].trim().to_string());
        let mut row_key = String::new();
        let tables: Vec<DocTable> = scan
            .tables
            .iter()
            .map(|t| {
                let (section_number, rest) = heading_at(&scan.headings, t.range.start)
                    .map_or((None, ""), |h| {
                        SectionNumber::split_heading(&text[h.text.clone()])
                    });
                let section_key = if rest.is_empty() {
                    String::new()
                } else {
                    heading_key(rest)
                };
                let raw_header = t.header.iter().any(|c| {
                    let raw = &text[c.clone()];
                    plain(raw) != raw
                });
                let copies = if raw_header { 2 } else { 1 };
                let (mut cells, mut bytes) = (1 + copies * t.header.len(), section_key.len());
                for c in &t.header {
                    bytes += copies * c.len();
                }
                for r in &t.rows {
                    cells += r.cells.len();
                    bytes += r.cells.iter().map(ExactSizeIterator::len).sum::<usize>();
                }
                let mut b = TableBuilder::with_capacity(bytes, cells);
                b.push(&section_key);
                for c in &t.header {
                    b.push(&plain(&text[c.clone()]));
                }
                if raw_header {
                    for c in &t.header {
                        b.push(&text[c.clone()]);
                    }
                }
                let rows = t
                    .rows
                    .iter()
                    .map(|r| {
                        let first = b.spans.len();
                        for c in &r.cells {
                            b.push(&text[c.clone()]);
                        }
                        DocRow {
                            cells: (offset32(first), offset32(b.spans.len())),
                            offset: r.start,
                            placeholder: is_placeholder_row(text, &r.cells, guidance, &mut row_key),
                        }
                    })
                    .collect();
                DocTable {
                    section_number,
                    section_mark: KeyMark::of(&section_key),
                    rows,
                    text: b.text,
                    spans: b.spans,
                    width: t.header.len(),
                    raw_header,
                }
            })
            .collect();
        let placeholders = placeholder_offsets(text, scan);
        let body = body_sections_flat(text, &scan.headings);
        // A template section is the first body section with its number (or,
        // unnumbered on either side, with its heading text).
        // Keys are needed for unnumbered sections, and for all if the
        // template has unnumbered ones.
        let all_keys = guidance.sections.iter().any(|s| s.number.is_none());
        let keys: Vec<Option<String>> = body
            .iter()
            .map(|s| (all_keys || s.number.is_none()).then(|| s.key_in(text)))
            .collect();
        let mut by_number: HashMap<SectionNumber, usize> = HashMap::default();
        let mut by_key: HashMap<&str, usize> = HashMap::default();
        let mut unnumbered_by_key: HashMap<&str, usize> = HashMap::default();
        for (i, (s, k)) in body.iter().zip(&keys).enumerate() {
            if let Some(n) = s.number {
                by_number.entry(n).or_insert(i);
            }
            if let Some(k) = k.as_deref().filter(|k| !k.is_empty()) {
                by_key.entry(k).or_insert(i);
                if s.number.is_none() {
                    unnumbered_by_key.entry(k).or_insert(i);
                }
            }
        }
        let mut states: Vec<Option<SectionState>> = vec![None; body.len()];
        let completeness = guidance
            .sections
            .iter()
            .enumerate()
            .map(|(si, TemplateSection { number, key, .. })| {
                let keyed = |map: &HashMap<&str, usize>| {
                    if key.is_empty() {
                        None
                    } else {
                        map.get(key.as_str()).copied()
                    }
                };
                let found = match number {
                    Some(n) => match (by_number.get(n).copied(), keyed(&unnumbered_by_key)) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                    None => keyed(&by_key),
                };
                let state = match found {
                    None => SectionState::Missing,
                    Some(i) => *states[i].get_or_insert_with(|| {
                        section_state(text, &body[i], &placeholders, guidance)
                    }),
                };
                SectionStatus { section: si, state }
            })
            .collect();
        // Status.
        let status_field = header.get("Status");
        let status_raw = status_field
            .map(|f| f.value.clone())
            .filter(|v| !v.is_empty());
        let status = status_raw
            .as_deref()
            .and_then(|s| config.normalize_status(s))
            .map(str::to_string);
        let mut status_problem = None;
        if let (Some(raw), None, Some(f)) = (&status_raw, &status, status_field)
            && crate::syntax::placeholder::placeholder_ranges(raw)
                .next()
                .is_none()
        {
            let mut d = Diagnostic::new(Lint::UnknownStatus, format!("unknown status `{raw}`"))
                .at(locate(f.value_range.start));
            if let Some(c) = closest(&plain(raw), config.statuses.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{c}`?"));
            }
            status_problem = Some(d.note(format!("statuses: {}", config.statuses.join(", "))));
        }
        let leftovers = match status.as_deref() {
            Some(s) if config.is_final(s) => {
                leftover_diagnostics(text, &body, &placeholders, guidance, s, locate)
            }
            _ => Vec::new(),
        };
        let prd_at = header
            .get("Source PRD")
            .map(|f| locate(f.value_range.start));
        let header_at = locate(
            scan.headings
                .iter()
                .find(|h| h.level == 1)
                .map_or(0, |h| h.range.start),
        );
        let lifecycle =
            crate::analyze::lifecycle::LifecycleFacts::new(&header, config, locate, &header_at);
        let end = ChapterEnd::new(text, eol, scan);
        let card = CardPlace::new(text, scan, &header, &tables, end.closing.is_some());
        let trace = crate::analyze::trace::TraceFacts::new(
            text,
            scan,
            &tables,
            &placeholders,
            config,
            side,
        );
        ChapterFacts {
            header,
            title,
            tables,
            placeholders,
            completeness,
            template,
            status,
            status_raw,
            status_problem,
            leftovers,
            prd_at,
            header_at,
            refdefs: scan.refdefs.clone(),
            end,
            lifecycle,
            card,
            trace,
            side,
        }
    }
}

pub fn is_placeholder_row(
    text: &str,
    cells: &[Range<usize>],
    guidance: &TemplateProfile,
    key: &mut String,
) -> bool {
    // A row's key can only be a template row's if their lengths agree.
    let len = cells
        .iter()
        .map(|c| text[c.clone()].trim().len())
        .sum::<usize>()
        + cells.len().saturating_sub(1);
    if guidance.row_lengths.binary_search(&len).is_ok() {
        row_key_into(text, cells, key);
        if guidance.rows.contains(key.as_str()) {
            return true;
        }
    }
    let mut any = false;
    for c in cells {
        let cell = text[c.clone()].trim();
        if cell.is_empty() {
            continue;
        }
        let mut ph = crate::syntax::placeholder::placeholder_ranges(cell);
        match ph.next() {
            Some(r) if r == (0..cell.len()) => any = true,
            _ => return false,
        }
    }
    any
}

/// Offsets of the template placeholders of a text: outside code blocks and
/// HTML; inside a code span only when the span holds nothing else.
pub fn placeholder_offsets(text: &str, scan: &ChapterScan) -> Vec<Range<usize>> {
    // Whether each code span holds nothing but placeholders, once per span.
    let mut only_placeholders: HashMap<usize, bool> = HashMap::default();
    crate::syntax::placeholder::placeholder_ranges(text)
        .filter(|r| !scan.is_protected(r.start))
        .filter(|r| {
            let i = scan.code_spans.partition_point(|s| s.end <= r.start);
            match scan.code_spans.get(i) {
                Some(span) if span.start <= r.start => {
                    *only_placeholders.entry(i).or_insert_with(|| {
                        holds_only_placeholders(text[span.clone()].trim_matches('`'))
                    })
                }
                _ => true,
            }
        })
        .collect()
}

/// Whether a text is placeholders and white space only.
pub fn holds_only_placeholders(text: &str) -> bool {
    let mut last = 0;
    for p in crate::syntax::placeholder::placeholder_ranges(text) {
        if !text[last..p.start].trim().is_empty() {
            return false;
        }
        last = p.end;
    }
    text[last..].trim().is_empty()
}

pub fn section_state(
    text: &str,
    s: &FlatSection,
    placeholders: &[Range<usize>],
    guidance: &TemplateProfile,
) -> SectionState {
    let body = &text[s.heading.end.min(s.range.end)..s.range.end];
    let has_placeholder = || !within(placeholders, &s.range).is_empty();
    let has_guidance = || guidance.guidance_block(&text[s.range.clone()]).is_some();
    let has_text = || {
        body.lines()
            .any(|l| !l.trim_start().starts_with('#') && l.chars().any(char::is_alphanumeric))
    };
    if has_placeholder() || !has_text() || has_guidance() {
        SectionState::Placeholder
    } else {
        SectionState::Written
    }
}

/// The ranges (sorted by start) that start inside `range`.
pub fn within<'r>(ranges: &'r [Range<usize>], range: &Range<usize>) -> &'r [Range<usize>] {
    let from = ranges.partition_point(|r| r.start < range.start);
    let to = ranges.partition_point(|r| r.start < range.end);
    ranges.get(from..to.max(from)).unwrap_or_default()
}

pub fn leftover_diagnostics(
    text: &str,
    body: &[FlatSection],
    found: &[Range<usize>],
    guidance: &TemplateProfile,
    status: &str,
    locate: &dyn Fn(usize) -> Location,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let body_start = body.first().map_or(text.len(), |s| s.range.start);
    // The header and anything before the first section.
    let head = within(found, &(0..body_start));
    if let Some(first) = head.first() {
        diags.push(
            Diagnostic::new(
                Lint::PlaceholderInFinal,
                format!(
                    "this TDD is {status} but its header still holds {} template placeholder{}, first `{}`",
                    head.len(),
                    if head.len() == 1 { "" } else { "s" },
                    &text[first.clone()]
                ),
            )
            .at(locate(first.start)),
        );
    }
    for s in body {
        let title = text[s.title.clone()].trim();
        let inside = within(found, &s.range);
        if let Some(first) = inside.first() {
            diags.push(
                Diagnostic::new(
                    Lint::PlaceholderInFinal,
                    format!(
                        "this TDD is {status} but section `{title}` still holds {} template placeholder{}, first `{}`",
                        inside.len(),
                        if inside.len() == 1 { "" } else { "s" },
                        &text[first.clone()]
                    ),
                )
                .at(locate(first.start)),
            );
            continue;
        }
        let section_text = &text[s.range.clone()];
        if let Some(offset) = guidance.guidance_block(section_text) {
            let line = &section_text[offset..];
            let at = s.range.start + offset + (line.len() - line.trim_start().len());
            diags.push(
                Diagnostic::new(
                    Lint::PlaceholderInFinal,
                    format!(
                        "this TDD is {status} but section `{title}` still holds the template's guidance text"
                    ),
                )
                .at(locate(at)),
            );
        }
    }
    diags
}
