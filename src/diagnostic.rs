//! Diagnostics: stable lint names, levels, locations, and their rendering.
//!
//! Every problem a run finds becomes a [`Diagnostic`]. They are collected in a
//! [`Diagnostics`] sink for the whole run and reported together at the end, in
//! the style of rustc:
//!
//! ```text
//! warning[broken-prd-link]: Source PRD does not resolve to a chapter of this book: ../prd/paymnts.md
//!   --> src/tdd/payments.md:6:17
//! ```

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported at all.
    Allow,
    /// Reported; the build goes on.
    Warning,
    /// Reported; the build fails and no book is written.
    Error,
}

impl Level {
    /// The word used in reports (`warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! lints {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $level:ident; )*) => {
        /// A stable name for a kind of problem.
        ///
        /// Each lint has a default [`Level`]; `[preprocessor.tdd.lints]` can
        /// change it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Lint {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Lint {
            /// Every lint, in declaration order.
            pub const ALL: &'static [Lint] = &[ $( Lint::$variant, )* ];

            /// The lint's stable name, as used in reports and configuration.
            pub fn name(self) -> &'static str {
                match self { $( Lint::$variant => $name, )* }
            }

            /// The level the lint has unless configured otherwise.
            pub fn default_level(self) -> Level {
                match self { $( Lint::$variant => Level::$level, )* }
            }

            /// The lint's documentation, as its doc comment lines.
            fn doc_lines(self) -> &'static [&'static str] {
                match self { $( Lint::$variant => &[ $( $doc, )* ], )* }
            }
        }
    };
}

lints! {
    /// Malformed input JSON, unreadable stdin: nothing can be processed.
    BadInput = "bad-input", Error;
    /// `[preprocessor.tdd]` holds an unknown key or a value of the wrong type.
    BadConfig = "bad-config", Error;
    /// A directive with our prefix whose name is not known.
    UnknownDirective = "unknown-directive", Error;
    /// A directive whose syntax is broken (no closing `}}`, a stray token).
    MalformedDirective = "malformed-directive", Error;
    /// An argument that the directive does not take, or a bad value.
    BadArgument = "bad-argument", Error;
    /// A block directive that shares its paragraph with other text.
    DirectiveNotAlone = "directive-not-alone", Error;
    /// More than one skeleton (`{{#tdd-skeleton}}`, `{{#prd-skeleton}}`) in a chapter.
    DuplicateSkeleton = "duplicate-skeleton", Error;
    /// A template file that cannot be found or read.
    TemplateNotFound = "template-not-found", Error;
    /// A template that can be read but is not usable (empty).
    BadTemplate = "bad-template", Error;
    /// A TDD's Source PRD does not resolve to a chapter of the book.
    BrokenPrdLink = "broken-prd-link", Warning;
    /// A TDD without a Source PRD.
    MissingPrd = "missing-prd", Warning;
    /// A status outside the configured vocabulary.
    UnknownStatus = "unknown-status", Warning;
    /// Template placeholders or guidance left in a TDD in a final status.
    PlaceholderInFinal = "placeholder-in-final", Warning;
    /// A live TDD whose PRD is in a dead status and superseded by none.
    InactivePrd = "inactive-prd", Warning;
    /// A TDD in a final status while its PRD is not yet approved.
    PrdNotApproved = "prd-not-approved", Warning;
    /// A skeleton argument that had no effect (the author wrote the header).
    UnusedArgument = "unused-argument", Warning;
    /// Two author sections with the same number in a skeleton chapter.
    DuplicateSection = "duplicate-section", Warning;
    /// A Source PRD given by a name that several chapters have.
    AmbiguousPrd = "ambiguous-prd", Warning;
    /// A PRD after whose end no appended backlinks list would be read as
    /// a list (it ends inside `<plaintext>`).
    BacklinksNotAppended = "backlinks-not-appended", Warning;
    /// A Supersedes or Superseded-By value that resolves to no TDD or PRD.
    SupersedesBroken = "supersedes-broken", Warning;
    /// A document that names itself in Supersedes.
    SupersedesSelf = "supersedes-self", Warning;
    /// A TDD that supersedes a PRD, or a PRD that supersedes a TDD.
    SupersedesKind = "supersedes-kind", Warning;
    /// A document that a second document supersedes as well.
    SupersededTwice = "superseded-twice", Warning;
    /// Documents that supersede each other in a cycle.
    SupersedeCycle = "supersede-cycle", Warning;
    /// A superseded document whose status is not the superseded status.
    SupersededStatus = "superseded-status", Warning;
    /// A document in the superseded status that nothing supersedes.
    SupersededOrphan = "superseded-orphan", Warning;
    /// A Superseded-By field that disagrees with what supersedes the
    /// document.
    SupersededByMismatch = "superseded-by-mismatch", Warning;
    /// A live TDD whose Source PRD is superseded.
    PrdSuperseded = "prd-superseded", Warning;
    /// A document past its review date.
    StaleDocument = "stale-document", Warning;
    /// A Last Reviewed (or Date) value that is not a `YYYY-MM-DD` date,
    /// where a review date is due.
    BadReviewDate = "bad-review-date", Warning;
    /// Mermaid diagrams on an HTML page that nothing renders: the book
    /// configures no Mermaid renderer, or its Mermaid preprocessor runs
    /// before this one and never sees a skeleton's diagrams.
    MermaidNotRendered = "mermaid-not-rendered", Warning;
    /// A TDD pinned to a PRD version that the PRD has moved on from by a
    /// minor or major version.
    OutdatedPin = "outdated-pin", Warning;
    /// A TDD pinned to a PRD version newer than the PRD's Version.
    PredatedPin = "predated-pin", Warning;
    /// A TDD whose Source PRD names no version while the PRD has one.
    UnpinnedPrd = "unpinned-prd", Allow;
    /// A PRD pin or a PRD's Version that is not a version, or a pin to a
    /// PRD without a Version.
    BadVersion = "bad-version", Warning;
    /// A TDD citing a requirement ID that no PRD defines (of a family,
    /// the ID without its last digits, that some PRD uses).
    UnknownRequirement = "unknown-requirement", Warning;
    /// A requirement or open-question ID defined twice.
    DuplicateId = "duplicate-id", Warning;
    /// A requirement of an approved PRD that no live design cites, once
    /// all its live designs are final.
    UncitedRequirement = "uncited-requirement", Warning;
    /// A row of a TDD's PRD Open Items Resolved table that matches no open
    /// item of its PRD, or several.
    UnmatchedPrdItem = "unmatched-prd-item", Warning;
}

impl Lint {
    /// Looks a lint up by its stable name.
    pub fn from_name(name: &str) -> Option<Lint> {
        Lint::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// What the lint reports, in one line (its documentation).
    pub fn description(self) -> String {
        let words: Vec<&str> = self
            .doc_lines()
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect();
        words.join(" ")
    }

    /// Whether the level of this lint may be changed by configuration.
    ///
    /// Errors about the input itself (bad JSON, bad configuration, a missing
    /// template) cannot be silenced.
    pub fn is_configurable(self) -> bool {
        !matches!(
            self,
            Lint::BadInput | Lint::BadConfig | Lint::TemplateNotFound | Lint::BadTemplate
        )
    }
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a diagnostic points: a file, and a 1-based line and column.
///
/// The column counts characters, not bytes, as rustc does.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file, relative to the book root (`src/tdd/payments.md`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
}

impl Location {
    /// The book's `book.toml`, as a whole.
    pub fn book_toml() -> Location {
        Location {
            file: "book.toml".into(),
            line: 0,
            column: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{l}", self.file),
            (l, c) => write!(f, "{}:{l}:{c}", self.file),
        }
    }
}

/// One problem found in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The kind of problem.
    pub lint: Lint,
    /// Its level after configuration was applied.
    pub level: Level,
    /// One line saying what is wrong.
    pub message: String,
    /// Where; `None` for problems without a place (bad input JSON).
    pub location: Option<Location>,
    /// Further lines (`help: ...`, `note: ...`).
    pub notes: Vec<String>,
    /// Places given by byte offset, still to be turned into lines and
    /// columns.
    pub pending: Option<Box<Pending>>,
}

/// The places of a diagnostic given by their byte offsets in a chapter's
/// current text, located once the run can read the chapters again: most
/// facts with a place are never reported, and locating each as it is found
/// reads every chapter's lines for nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pending {
    /// The offset of the diagnostic's own location, in the chapter its
    /// location names.
    pub at: Option<usize>,
    /// Notes that end with a place: the note's index, the prefix the
    /// place follows, the chapter's file and the offset.
    pub notes: Vec<PendingNote>,
}

/// A note that ends with a place given by offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingNote {
    /// Which note.
    pub index: usize,
    /// What the note says before the place.
    pub prefix: String,
    /// The place.
    pub file: String,
    /// Its offset in that chapter's current text.
    pub offset: usize,
}

impl Diagnostic {
    /// A diagnostic at the lint's default level.
    pub fn new(lint: Lint, message: impl Into<String>) -> Self {
        Diagnostic {
            lint,
            level: lint.default_level(),
            message: message.into(),
            location: None,
            notes: Vec::new(),
            pending: None,
        }
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the location to a byte offset of the current text of the
    /// chapter `file`; its line and column are worked out at the end of the
    /// run.
    pub fn at_offset(mut self, file: &str, offset: usize) -> Self {
        self.location = Some(Location {
            file: file.to_string(),
            line: 0,
            column: 0,
        });
        self.pending.get_or_insert_default().at = Some(offset);
        self
    }

    /// Adds a `note:` line that ends with a place given as a byte offset
    /// of the current text of the chapter `file` (only the file until the
    /// end of the run).
    pub fn note_at(mut self, prefix: &str, file: &str, offset: usize) -> Self {
        let index = self.notes.len();
        self.notes.push(format!("note: {prefix}{file}"));
        self.pending
            .get_or_insert_default()
            .notes
            .push(PendingNote {
                index,
                prefix: prefix.to_string(),
                file: file.to_string(),
                offset,
            });
        self
    }

    /// Adds a `help:` line.
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.notes.push(format!("help: {}", text.into()));
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(format!("note: {}", text.into()));
        self
    }
}

impl Diagnostic {
    /// The human form; with `color`, ANSI colours as rustc uses them.
    pub fn render(&self, color: bool) -> String {
        if !color {
            return self.to_string();
        }
        let (level_color, bold, blue, reset) = (
            match self.level {
                Level::Error => "\x1b[1;31m",
                _ => "\x1b[1;33m",
            },
            "\x1b[1m",
            "\x1b[1;34m",
            "\x1b[0m",
        );
        let mut out = format!(
            "{level_color}{}[{}]{reset}{bold}: {}{reset}",
            self.level, self.lint, self.message
        );
        if let Some(loc) = &self.location {
            out.push_str(&format!("\n  {blue}-->{reset} {loc}"));
        }
        for note in &self.notes {
            out.push_str(&format!("\n   {blue}={reset} {note}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    /// The human, rustc-like form (without colour).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.level, self.lint, self.message)?;
        if let Some(loc) = &self.location {
            write!(f, "\n  --> {loc}")?;
        }
        for note in &self.notes {
            write!(f, "\n   = {note}")?;
        }
        Ok(())
    }
}

/// Lint levels in force for a run: defaults, overrides and `strict`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintLevels {
    overrides: BTreeMap<Lint, Level>,
    strict: bool,
}

impl LintLevels {
    /// Levels with the given overrides; `strict` turns warnings into errors.
    pub fn new(overrides: BTreeMap<Lint, Level>, strict: bool) -> Self {
        LintLevels { overrides, strict }
    }

    /// Whether warnings become errors.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Turns `strict` on or off.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// The level a lint has in this run.
    pub fn level(&self, lint: Lint) -> Level {
        let level = if lint.is_configurable() {
            self.overrides
                .get(&lint)
                .copied()
                .unwrap_or(lint.default_level())
        } else {
            lint.default_level()
        };
        if self.strict && level == Level::Warning {
            Level::Error
        } else {
            level
        }
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a diagnostic as it is (its level already decided).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.level != Level::Allow {
            self.items.push(diagnostic);
        }
    }

    /// Adds every diagnostic of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Applies the run's lint levels to every diagnostic, dropping allowed ones.
    pub fn apply_levels(&mut self, levels: &LintLevels) {
        for d in &mut self.items {
            d.level = levels.level(d.lint);
        }
        self.items.retain(|d| d.level != Level::Allow);
    }

    /// Sorts by file, line and column (diagnostics without a place first),
    /// keeping the order of discovery among equals.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| a.location.cmp(&b.location));
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// Number of diagnostics at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.items.iter().filter(|d| d.level == level).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// The diagnostics, in order, to change them.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Diagnostic> {
        self.items.iter_mut()
    }

    /// Consumes the collection.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// One summary line, such as `2 errors, 1 warning`; empty if there is nothing.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let errors = self.count(Level::Error);
        let warnings = self.count(Level::Warning);
        match (errors, warnings) {
            (0, 0) => String::new(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The 1-based line and character column of a byte offset of a text (as
/// rustc counts them; a leading byte-order mark is not a column).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    // A line ends with `\n`, `\r\n` or a lone `\r`, as in Markdown.
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let bytes = before.as_bytes();
    let lone_crs = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
        .count();
    let line = memchr::memchr_iter(b'\n', bytes).count() + lone_crs + 1;
    let col_text = &before[line_start..];
    let col_text = if line == 1 {
        col_text.strip_prefix('\u{feff}').unwrap_or(col_text)
    } else {
        col_text
    };
    (line, col_text.chars().count() + 1)
}

/// Every line start of a text, so that the line and column of an offset are
/// found without reading the text up to it: a binary search for the line,
/// then the characters between the line start and the offset, counted from
/// the nearest checkpoint (none are needed when the text is ASCII).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Offsets where lines start; the first is 0.
    starts: Vec<usize>,
    /// The number of characters before every `CHECKPOINT`-th byte; empty
    /// when the text is ASCII.
    chars: Vec<usize>,
    /// The text starts with a byte-order mark.
    bom: bool,
    /// The length of the text.
    len: usize,
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT: usize = 256;

/// The number of characters that start in `bytes` (bytes that are not
/// UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    /// Indexes a text (one pass over it).
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // A line ends with `\n`, `\r\n` or a lone `\r`, as in Markdown.
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        let chars = if text.is_ascii() {
            Vec::new()
        } else {
            let mut total = 0;
            let mut out = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
            for chunk in bytes.chunks(CHECKPOINT) {
                out.push(total);
                total += char_starts(chunk);
            }
            out
        };
        LineIndex {
            starts,
            chars,
            bom: text.starts_with('\u{feff}'),
            len: text.len(),
        }
    }

    /// The number of characters before `offset` (a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars.is_empty() {
            return offset;
        }
        let block = offset / CHECKPOINT;
        let from = block * CHECKPOINT;
        self.chars.get(block).copied().unwrap_or(0)
            + char_starts(text.as_bytes().get(from..offset).unwrap_or_default())
    }

    /// The same as [`line_col`] for the text this index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        if text.len() != self.len {
            return line_col(text, offset);
        }
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let mut column = self.chars_before(text, offset) - self.chars_before(text, start);
        if line == 1 && self.bom && offset >= '\u{feff}'.len_utf8() {
            column -= 1;
        }
        (line, column + 1)
    }

    /// The byte offset of a 1-based line and character column of the text
    /// this index was built from: the inverse of [`LineIndex::line_col`]. A
    /// column past the end of its line counts on into the next lines; a
    /// place past the end of the text is its length.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        if text.len() != self.len {
            return LineIndex::new(text).offset(text, line, column);
        }
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let skip = if line == 1 && self.bom {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let from = (start + skip).min(text.len());
        let n = column.saturating_sub(1);
        if self.chars.is_empty() {
            return from.saturating_add(n).min(text.len());
        }
        // The checkpoint at or before the character wanted, then the
        // characters after it.
        let target = self.chars_before(text, from) + n;
        let block = self
            .chars
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let mut count = self.chars.get(block).copied().unwrap_or(0);
        let base = block * CHECKPOINT;
        for (i, &b) in text.as_bytes().iter().enumerate().skip(base) {
            if (b as i8) >= -0x40 {
                if count == target {
                    return i;
                }
                count += 1;
            }
        }
        text.len()
    }

    /// The number of characters between two character boundaries of the
    /// text this index was built from.
    pub fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        if text.len() != self.len {
            return text.get(from..to).map_or(0, |t| t.chars().count());
        }
        self.chars_before(text, to.min(text.len()))
            .saturating_sub(self.chars_before(text, from.min(text.len())))
    }
}

/// Lines and columns of offsets of one text, computed directly while that
/// is cheap and from a [`LineIndex`], built on first need, once direct
/// computation has read as much as the text holds: any number of queries
/// costs time linear in the text, plus a binary search each.
#[derive(Debug, Default)]
pub struct Lines {
    /// Bytes read by direct computations so far.
    spent: std::sync::atomic::AtomicUsize,
    index: std::sync::OnceLock<LineIndex>,
}

impl Clone for Lines {
    /// A new, empty cache: the clone may hold another text.
    fn clone(&self) -> Self {
        Lines::default()
    }
}

impl Lines {
    /// The 1-based line and character column of `offset` in `text`, as
    /// [`line_col`] computes it. Every query must be about the same text.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(index) = self.index.get() {
            return index.line_col(text, offset);
        }
        let cost = offset.min(text.len());
        if self.spent.fetch_add(cost, Relaxed).saturating_add(cost) <= text.len() {
            return line_col(text, offset);
        }
        self.index
            .get_or_init(|| LineIndex::new(text))
            .line_col(text, offset)
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to
/// be a plausible typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word = word.to_ascii_lowercase();
    let len = word.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let limit = c.chars().count().max(3) / 2;
            // The distance is at least the difference in length: a word
            // much longer or shorter than a candidate is not compared.
            if len.abs_diff(c.chars().count()) > limit {
                return None;
            }
            // Optimal string alignment: Levenshtein with transpositions.
            let d = strsim::osa_distance(&word, &c.to_ascii_lowercase());
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::new(Lint::BrokenPrdLink, "Source PRD does not resolve").at(Location {
            file: "src/tdd/payments.md".into(),
            line: 6,
            column: 17,
        });
        assert_eq!(
            d.to_string(),
            "warning[broken-prd-link]: Source PRD does not resolve\n  --> src/tdd/payments.md:6:17"
        );
    }

    #[test]
    fn every_lint_is_described() {
        for lint in Lint::ALL {
            let d = lint.description();
            assert!(d.ends_with('.'), "{lint}: {d:?}");
            assert!(!d.contains("  ") && !d.contains('\n'), "{lint}: {d:?}");
        }
        assert_eq!(
            Lint::MissingPrd.description(),
            "A TDD without a Source PRD."
        );
        assert!(Lint::MermaidNotRendered.description().starts_with(
            "Mermaid diagrams on an HTML page that nothing renders: the book configures"
        ));
    }

    #[test]
    fn levels_obey_overrides_and_strict() {
        let mut o = BTreeMap::new();
        o.insert(Lint::MissingPrd, Level::Allow);
        o.insert(Lint::BadConfig, Level::Allow);
        let mut levels = LintLevels::new(o, false);
        assert_eq!(levels.level(Lint::MissingPrd), Level::Allow);
        assert_eq!(levels.level(Lint::BadConfig), Level::Error);
        assert_eq!(levels.level(Lint::UnknownStatus), Level::Warning);
        levels.set_strict(true);
        assert_eq!(levels.level(Lint::UnknownStatus), Level::Error);
        assert_eq!(levels.level(Lint::MissingPrd), Level::Allow);
    }

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\nçé{x}\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('{').unwrap()), (2, 3));
        assert_eq!(line_col(text, text.len()), (3, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
        assert_eq!(line_col("é{", 2), (1, 2));
        assert_eq!(line_col("a\rb\r\nc\rd", 7), (4, 1));
        assert_eq!(line_col("a\r\nb", 1), (1, 2));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let texts = [
            "",
            "ab\ncd",
            "ab\nçé{x}\n",
            "\u{feff}ab\nc",
            "\u{feff}",
            "\n\n\n",
            "é",
        ];
        let long: String = "aé✓\u{1F600}\n".repeat(300) + &"xé".repeat(400);
        for text in texts.iter().copied().chain([long.as_str()]) {
            let index = LineIndex::new(text);
            let lines = Lines::default();
            for offset in 0..=text.len() + 2 {
                let want = line_col(text, offset);
                assert_eq!(index.line_col(text, offset), want, "{text:?} at {offset}");
                assert_eq!(lines.line_col(text, offset), want, "{text:?} at {offset}");
            }
        }
    }

    #[test]
    fn line_index_offsets_invert_line_col() {
        // Reading the text from its start, as a reader counts.
        fn direct(text: &str, line: usize, column: usize) -> usize {
            let mut start = 0;
            for _ in 1..line {
                match text[start..].find(['\n', '\r']) {
                    Some(i) => {
                        let at = start + i;
                        start = at + if text[at..].starts_with("\r\n") { 2 } else { 1 };
                    }
                    None => return text.len(),
                }
            }
            let skip = if line == 1 && text.starts_with('\u{feff}') {
                3
            } else {
                0
            };
            text[start + skip..]
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| start + skip + i)
        }
        let long: String = "aé✓\u{1F600}\r\n".repeat(300) + &"xé\r".repeat(400);
        let texts = ["", "ab\r\ncé\rx\nyz", "\u{feff}ab\nc", "\n\n", "é", &long];
        for text in texts {
            let index = LineIndex::new(text);
            // Every place but the `\n` of a `\r\n`, inside a line end, and a
            // byte-order mark's, which columns do not count.
            let places = (0..=text.len()).filter(|&at| {
                text.is_char_boundary(at)
                    && !(text[..at].ends_with('\r') && text[at..].starts_with('\n'))
                    && !(at == 0 && text.starts_with('\u{feff}'))
            });
            for at in places {
                let (l, c) = line_col(text, at);
                assert_eq!(index.offset(text, l, c), at, "{text:?} at {at}");
            }
            let lines = text.lines().count() + 2;
            for l in 0..=lines {
                for c in [0, 1, 2, 5, 300, 2000] {
                    assert_eq!(
                        index.offset(text, l, c),
                        direct(text, l, c),
                        "{text:?} {l}:{c}"
                    );
                }
            }
        }
    }

    #[test]
    fn closest_names_typos() {
        let names = ["tdd-status", "tdd-skeleton", "prd-status"];
        assert_eq!(closest("tdd-stauts", names), Some("tdd-status"));
        assert_eq!(closest("tdd-skelton", names), Some("tdd-skeleton"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest(&"tdd-status".repeat(1000), names), None);
        assert_eq!(closest("td", ["tdd"]), Some("tdd"));
    }
}
