//! Where a place of a chapter's text is on disk.
//!
//! With the recommended `after = ["links"]`, mdBook's `links` preprocessor
//! has already replaced `{{#include}}` (and its relatives) when this one
//! reads a chapter, so a line number counted in the text it gets can lie
//! beyond the end of the file the author edits. Diagnostics are moved back to
//! the place a reader can open: the chapter file, or the included file and
//! its line. Where that cannot be known (a nested include, a preprocessor
//! that rewrote the text in another way), the position stays in the chapter
//! as mdBook passed it, and a note says so.
//!
//! The chapter file and the text are aligned piece by piece: the file's text
//! between link directives must reappear verbatim, and each directive's
//! replacement is recomputed (whole files, line ranges and anchors of
//! `{{#include}}`; `{{#title}}`; escaped directives) and must match. The
//! alignment runs from the start and from the end, so one directive that
//! cannot be recomputed only leaves the text between it and its neighbours
//! unknown.

use crate::diagnostic::{Diagnostic, LineIndex, Location};
use std::ops::Range;
use std::path::Path;

/// A link directive of mdBook's `links` preprocessor in a chapter file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    /// Its span in the file.
    span: Range<usize>,
    kind: LinkKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LinkKind {
    /// `\{{#...}}`: written without its backslash.
    Escaped,
    /// `{{#include path[:lines|:anchor]}}`.
    Include { path: String, select: Select },
    /// `{{#title ...}}`: written as nothing.
    Title,
    /// Any other link (`rustdoc_include`, `playground`): its text is not
    /// recomputed.
    Other,
}

/// Which lines of a file an include takes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Select {
    /// Lines `start..end` (0-based; `end` open when `None`).
    Lines { start: usize, end: Option<usize> },
    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

/// Finds link directives the way mdBook's `links` preprocessor does: an
/// escaped `\{{#...}}` runs to the last `}}` of its line; otherwise `{{`,
/// white space, `#`, a name of ASCII letters, digits and `_`, white space,
/// arguments without `}`, and `}}`.
fn find_links(text: &str) -> Vec<Link> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    // The next line end and `}` after the place searched: candidates come
    // in order, so each byte is searched once however many there are.
    let mut line_end = NextByte::new(b'\n');
    let mut brace = NextByte::new(b'}');
    // The last `}}` of the line that ends there, if any.
    let mut last_close: Option<(usize, Option<usize>)> = None;
    while let Some(i) = memchr::memchr2(b'\\', b'{', &bytes[at..]).map(|i| at + i) {
        if bytes[i] == b'\\' {
            if bytes[i + 1..].starts_with(b"{{#") {
                let line_end = line_end.from(bytes, i);
                let last = match last_close {
                    Some((end, last)) if end == line_end => last,
                    _ => {
                        let last = memchr::memmem::rfind(&bytes[i..line_end], b"}}").map(|c| i + c);
                        last_close = Some((line_end, last));
                        last
                    }
                };
                if let Some(close) = last.filter(|&c| c >= i) {
                    let end = close + 2;
                    out.push(Link {
                        span: i..end,
                        kind: LinkKind::Escaped,
                    });
                    at = end;
                    continue;
                }
            }
            at = i + 1;
            continue;
        }
        match directive_at(text, i, &mut brace) {
            Some(link) => {
                at = link.span.end;
                out.push(link);
            }
            None => at = i + 1,
        }
    }
    out
}

/// The first place of a byte at or after a place, for places that only
/// grow.
struct NextByte {
    byte: u8,
    /// The last answer: (where the search started, what it found; the
    /// text's length for none).
    last: (usize, usize),
}

impl NextByte {
    fn new(byte: u8) -> Self {
        NextByte {
            byte,
            last: (usize::MAX, 0),
        }
    }

    fn from(&mut self, bytes: &[u8], at: usize) -> usize {
        let (searched, found) = self.last;
        if at < searched || at > found {
            let found = memchr::memchr(self.byte, bytes.get(at..).unwrap_or_default())
                .map_or(bytes.len(), |i| at + i);
            self.last = (at, found);
        }
        self.last.1
    }
}

/// An unescaped link directive starting at `start` (a `{`); `brace` finds
/// the next `}`.
fn directive_at(text: &str, start: usize, brace: &mut NextByte) -> Option<Link> {
    let bytes = text.as_bytes();
    if !bytes[start..].starts_with(b"{{") {
        return None;
    }
    let mut i = start + 2;
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if bytes.get(i) != Some(&b'#') {
        return None;
    }
    i += 1;
    let name_start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    let name = &text[name_start..i];
    let space_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if name.is_empty() || i == space_start {
        return None;
    }
    let args_start = i;
    let close = brace.from(bytes, args_start);
    if close >= bytes.len() || close == args_start || bytes.get(close + 1) != Some(&b'}') {
        return None;
    }
    let args = &text[args_start..close];
    let kind = match name {
        "title" => LinkKind::Title,
        "include" => match args.split_whitespace().next() {
            Some(target) => include(target),
            None => return None,
        },
        "rustdoc_include" | "playground" | "playpen" => LinkKind::Other,
        // Not a link: mdBook leaves it as it is.
        _ => return None,
    };
    Some(Link {
        span: start..close + 2,
        kind,
    })
}

/// `path[:start[:end]]` or `path:anchor`, as mdBook reads them (1-based
/// line numbers; a single number is one line).
fn include(target: &str) -> LinkKind {
    let (path, rest) = match target.split_once(':') {
        Some((p, r)) => (p, Some(r)),
        None => (target, None),
    };
    let mut parts = rest.unwrap_or("").splitn(3, ':');
    let first = parts.next();
    let start = match first {
        Some(s) if s.parse::<usize>().is_ok() => {
            s.parse::<usize>().ok().map(|n| n.saturating_sub(1))
        }
        Some("") | None => None,
        Some(anchor) => {
            return LinkKind::Include {
                path: path.to_string(),
                select: Select::Anchor(anchor.to_string()),
            };
        }
    };
    let end = parts.next().map(str::parse::<usize>);
    let select = match (start, end) {
        (Some(s), Some(Ok(e))) => Select::Lines {
            start: s,
            end: Some(e),
        },
        (Some(s), Some(Err(_))) => Select::Lines {
            start: s,
            end: None,
        },
        (Some(s), None) => Select::Lines {
            start: s,
            end: Some(s + 1),
        },
        (None, Some(Ok(e))) => Select::Lines {
            start: 0,
            end: Some(e),
        },
        (None, None | Some(Err(_))) => Select::Lines {
            start: 0,
            end: None,
        },
    };
    LinkKind::Include {
        path: path.to_string(),
        select,
    }
}

/// The text an include is replaced with, and the start of each of its lines
/// with the 1-based line of the file it comes from; `None` when the file
/// cannot be read or the text would hold further links (mdBook expands
/// those in turn).
fn included(file: &Path, select: &Select) -> Option<(String, Vec<(usize, usize)>)> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = Vec::new();
    let mut numbers = Vec::new();
    match select {
        Select::Lines { start, end } => {
            for (n, l) in text.lines().enumerate() {
                if n >= *start && end.is_none_or(|e| n < e) {
                    lines.push(l);
                    numbers.push(n + 1);
                }
            }
        }
        Select::Anchor(name) => {
            let mut inside = false;
            for (n, l) in text.lines().enumerate() {
                if inside {
                    if anchor_name(l, "ANCHOR_END:") == Some(name.as_str()) {
                        break;
                    }
                    if anchor_name(l, "ANCHOR:").is_none() {
                        lines.push(l);
                        numbers.push(n + 1);
                    }
                } else if anchor_name(l, "ANCHOR:") == Some(name.as_str()) {
                    inside = true;
                }
            }
        }
    }
    let joined = lines.join("\n");
    let mut start = 0;
    let starts = lines.iter().zip(numbers).map(|(l, n)| {
        let at = start;
        start += l.len() + 1;
        (at, n)
    });
    let starts = starts.collect();
    (find_links(&joined).is_empty()).then_some((joined, starts))
}

/// The name after an anchor marker in a line (`ANCHOR: name`).
fn anchor_name<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(marker).map(|i| from + i) {
        from = i + marker.len();
        // `ANCHOR:` inside `ANCHOR_END:` is not a start marker.
        if marker == "ANCHOR:" && line[..i].ends_with("_END") {
            continue;
        }
        if marker == "ANCHOR:" && line[i..].starts_with("ANCHOR_END:") {
            continue;
        }
        let rest = line[from..].trim_start();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if len > 0 {
            return Some(&rest[..len]);
        }
    }
    None
}

/// Where a piece of the text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// The chapter file's text from this offset.
    Chapter(usize),
    /// An included file; the start of each of the piece's lines (an
    /// offset in the piece) with its 1-based line in the file, and where
    /// the directive is in the chapter file.
    Included {
        file: String,
        lines: Vec<(usize, usize)>,
        directive: usize,
    },
}

/// The alignment of a chapter's text with its file.
#[derive(Debug)]
struct Alignment {
    /// Pieces of the text (sorted by their range in the text).
    pieces: Vec<(Range<usize>, Piece)>,
    /// The lines of the text and of the file: each diagnostic's place is
    /// found without reading either up to it.
    text_lines: LineIndex,
    source_lines: LineIndex,
}

/// Aligns `text` (the chapter as mdBook passed it) with `source` (its file).
/// `dir` is the chapter file's directory; `dir_label` the same as it is
/// named in diagnostics.
fn align(text: &str, source: &str, dir: &Path, dir_label: &str) -> Alignment {
    let links = find_links(source);
    // A piece between links is `source[gaps[k]]`; link k sits between gaps
    // k and k + 1.
    let mut gaps = Vec::with_capacity(links.len() + 1);
    let mut last = 0;
    for l in &links {
        gaps.push(last..l.span.start);
        last = l.span.end;
    }
    gaps.push(last..source.len());
    let replacement = |l: &Link| -> Option<(String, Option<Piece>)> {
        match &l.kind {
            LinkKind::Escaped => Some((
                source[l.span.start + 1..l.span.end].to_string(),
                Some(Piece::Chapter(l.span.start + 1)),
            )),
            LinkKind::Title => Some((String::new(), None)),
            LinkKind::Include { path, select } => {
                let (t, lines) = included(&dir.join(path), select)?;
                let file = crate::links::join(dir_label, path)
                    .unwrap_or_else(|| format!("{dir_label}/{path}"));
                Some((
                    t,
                    Some(Piece::Included {
                        file,
                        lines,
                        directive: l.span.start,
                    }),
                ))
            }
            LinkKind::Other => None,
        }
    };
    let mut pieces = Vec::new();
    // Forward: gaps 0..=k and links 0..k are placed.
    let mut out = 0;
    let mut placed_links = 0;
    let mut placed_gaps = 0;
    for (k, gap) in gaps.iter().enumerate() {
        let g = &source[gap.clone()];
        if !text[out..].starts_with(g) {
            break;
        }
        pieces.push((out..out + g.len(), Piece::Chapter(gap.start)));
        out += g.len();
        placed_gaps = k + 1;
        let Some(l) = links.get(k) else {
            break;
        };
        match replacement(l) {
            Some((r, piece)) if text[out..].starts_with(&r) => {
                if let Some(p) = piece {
                    pieces.push((out..out + r.len(), p));
                }
                out += r.len();
                placed_links = k + 1;
            }
            _ => break,
        }
    }
    if placed_gaps == gaps.len() && out != text.len() {
        // Text left over at the end: the last gap is not known to be the
        // file's last piece; find it from the end instead.
        pieces.pop();
        placed_gaps -= 1;
    }
    // Backward, down to what the forward pass placed.
    let mut end = text.len();
    for k in (placed_gaps.max(placed_links)..gaps.len()).rev() {
        if k < placed_gaps {
            break;
        }
        let g = &source[gaps[k].clone()];
        if !text[..end].ends_with(g) || end - g.len() < out {
            break;
        }
        pieces.push((end - g.len()..end, Piece::Chapter(gaps[k].start)));
        end -= g.len();
        if k == 0 || k - 1 < placed_links {
            break;
        }
        match replacement(&links[k - 1]) {
            Some((r, piece)) if text[..end].ends_with(&r) && end - r.len() >= out => {
                if let Some(p) = piece {
                    pieces.push((end - r.len()..end, p));
                }
                end -= r.len();
            }
            _ => break,
        }
    }
    pieces.sort_by_key(|(r, _)| r.start);
    Alignment {
        pieces,
        text_lines: LineIndex::new(text),
        source_lines: LineIndex::new(source),
    }
}

impl Alignment {
    /// Where an offset of the text is on disk, if known.
    fn place(&self, text: &str, source: &str, source_file: &str, at: usize) -> Option<Moved> {
        let i = self.pieces.partition_point(|(r, _)| r.end <= at);
        let (range, piece) = self.pieces.get(i)?;
        if at < range.start {
            return None;
        }
        match piece {
            Piece::Chapter(from) => {
                let (line, column) = self
                    .source_lines
                    .line_col(source, from + (at - range.start));
                Some(Moved {
                    location: Location {
                        file: source_file.to_string(),
                        line,
                        column,
                    },
                    note: None,
                })
            }
            Piece::Included {
                file,
                lines,
                directive,
            } => {
                let k = lines
                    .partition_point(|&(start, _)| range.start + start <= at)
                    .saturating_sub(1);
                let (line_start, line) = lines.get(k).copied().unwrap_or((0, 0));
                let column = self
                    .text_lines
                    .chars_between(text, range.start + line_start, at)
                    + 1;
                let (dl, dc) = self.source_lines.line_col(source, *directive);
                Some(Moved {
                    location: Location {
                        file: file.clone(),
                        line,
                        column,
                    },
                    note: Some(format!(
                        "note: included with `{{{{#include}}}}` at {source_file}:{dl}:{dc}"
                    )),
                })
            }
        }
    }
}

/// A diagnostic's new place.
struct Moved {
    location: Location,
    note: Option<String>,
}

/// A chapter whose diagnostics may need moving: its name in diagnostics, its
/// file on disk, and its text as mdBook passed it.
pub struct ChapterOnDisk<'a> {
    /// The file named in diagnostics, relative to the book root.
    pub label: &'a str,
    /// The text the preprocessor read.
    pub text: &'a str,
}

/// Moves the diagnostics of a chapter whose text is not its file's (because
/// `{{#include}}` was expanded before) to the file and line a reader can
/// open; where that is not known, adds a note that the position counts lines
/// of the chapter as mdBook passed it. `root` is the book root. The file on
/// disk is read (and aligned with the text) once, and only if a diagnostic
/// has a line to move.
pub fn remap_chapter<'d>(
    diags: impl IntoIterator<Item = &'d mut Diagnostic>,
    chapter: &ChapterOnDisk<'_>,
    root: &Path,
) {
    let text = chapter
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(chapter.text);
    let mut file: Option<Option<(String, Alignment)>> = None;
    for d in diags {
        let Some(loc) = d.location.as_mut() else {
            continue;
        };
        if loc.line == 0 || loc.file != chapter.label {
            continue;
        }
        let entry = file.get_or_insert_with(|| {
            let path = root.join(chapter.label);
            let source = std::fs::read_to_string(&path).ok()?;
            let source = source
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(source);
            if source == text {
                return None;
            }
            let dir = path.parent().unwrap_or(root);
            let dir_label = crate::links::parent(chapter.label);
            let a = align(text, &source, dir, dir_label);
            Some((source, a))
        });
        let Some((source, alignment)) = entry else {
            continue;
        };
        let at = alignment.text_lines.offset(text, loc.line, loc.column);
        match alignment.place(text, source, chapter.label, at) {
            Some(m) => {
                *loc = m.location;
                if let Some(n) = m.note {
                    d.notes.push(n);
                }
            }
            None => d.notes.push(format!(
                "note: line {} counts the lines of the chapter after mdBook expanded `{{{{#include}}}}` (or another preprocessor changed it), not of the file",
                loc.line
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_as_mdbook_does() {
        let text = "a {{#include x.md}} b \\{{#include y.md}} c {{ #title T }} {{#tdd-status}} {{#include}} {{#playground p.rs}}\n";
        let spans: Vec<&str> = find_links(text)
            .iter()
            .map(|l| &text[l.span.clone()])
            .collect();
        assert_eq!(
            spans,
            [
                "{{#include x.md}}",
                "\\{{#include y.md}} c {{ #title T }} {{#tdd-status}} {{#include}} {{#playground p.rs}}"
            ]
        );
        let l = find_links("{{ #title T }} {{#include a.md:2:4}} {{#include b.md:x}}");
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].kind, LinkKind::Title);
        assert_eq!(
            l[1].kind,
            LinkKind::Include {
                path: "a.md".into(),
                select: Select::Lines {
                    start: 1,
                    end: Some(4)
                }
            }
        );
        assert_eq!(
            l[2].kind,
            LinkKind::Include {
                path: "b.md".into(),
                select: Select::Anchor("x".into())
            }
        );
    }

    #[test]
    fn places_in_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("part.md"), "one\ntwo\nthree\n").unwrap();
        std::fs::write(
            dir.path().join("code.rs"),
            "// ANCHOR: a\nfn a() {}\n// ANCHOR_END: a\n",
        )
        .unwrap();
        let source = "# T\n\n{{#include part.md}}\n\nmid\n\n{{#include code.rs:a}}\n\n{{#rustdoc_include x.rs}}\n\nend\n";
        let text = "# T\n\none\ntwo\nthree\n\nmid\n\nfn a() {}\n\nHIDDEN\nLINES\n\nend\n";
        let a = align(text, source, dir.path(), "src");
        let place = |needle: &str| {
            a.place(text, source, "src/t.md", text.find(needle).unwrap())
                .map(|m| (m.location.to_string(), m.note))
        };
        assert_eq!(place("# T"), Some(("src/t.md:1:1".into(), None)));
        let (loc, note) = place("three").unwrap();
        assert_eq!(loc, "src/part.md:3:1");
        assert_eq!(
            note.as_deref(),
            Some("note: included with `{{#include}}` at src/t.md:3:1")
        );
        assert_eq!(place("hree").unwrap().0, "src/part.md:3:2");
        assert_eq!(place("mid"), Some(("src/t.md:5:1".into(), None)));
        assert_eq!(place("id"), Some(("src/t.md:5:2".into(), None)));
        assert_eq!(place("fn a").unwrap().0, "src/code.rs:2:1");
        assert_eq!(place("HIDDEN"), None);
        assert_eq!(place("end"), Some(("src/t.md:11:1".into(), None)));
    }
}
