//! The `[preprocessor.tdd]` table and the parts of the book configuration the
//! preprocessor reads (`book.src`, `output.html` Markdown options).
//!
//! The configuration arrives as JSON (inside the preprocessor context) or as
//! TOML (when the command line loads `book.toml`); both are turned into a
//! [`serde_json::Value`] first and read leniently: keys of other tools never
//! matter, while our own table is checked strictly.

use crate::date::Date;
pub mod mermaid;
pub mod table;

use crate::diagnostic::{Diagnostic, Diagnostics, Level, Lint, LintLevels, closest};
use crate::hash::{HashMap, HashSet};
pub use mermaid::MermaidSetup;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use table::TddTable;

/// The default status vocabulary, in order.
pub const DEFAULT_STATUSES: &[&str] = &[
    "Draft",
    "In Review",
    "Approved",
    "Implemented",
    "Superseded",
    "Rejected",
    "Deprecated",
];

/// Statuses in which leftover placeholders are reported, by default.
pub const DEFAULT_FINAL_STATUSES: &[&str] = &["Approved", "Implemented"];

/// Statuses of documents that are no longer in force, by default.
pub const DEFAULT_DEAD_STATUSES: &[&str] = &["Superseded", "Rejected", "Deprecated"];

/// The status of a superseded document, by default.
pub const DEFAULT_SUPERSEDED_STATUS: &str = "Superseded";

/// The longest review interval accepted, in days (a hundred years).
pub const MAX_REVIEW_DAYS: u64 = 36_500;

/// The default heading of the appended backlinks list.
pub const DEFAULT_BACKLINKS_HEADING: &str = "Technical Designs";

/// Keys of our table that mdBook itself reads; accepted and ignored.
pub(crate) const MDBOOK_KEYS: &[&str] = &["command", "before", "after", "renderers", "optional"];

/// Keys of our table that this preprocessor reads.
pub const KEYS: &[&str] = &[
    "template",
    "prd-template",
    "statuses",
    "final-statuses",
    "dead-statuses",
    "superseded-status",
    "review-after",
    "backlinks",
    "backlinks-heading",
    "page-cards",
    "banners",
    "tdd-paths",
    "prd-paths",
    "requirement-pattern",
    "open-questions-heading",
    "strict",
    "lints",
];

/// The default pattern of a requirement ID: letters, a hyphen, digits
/// (`PAY-11`).
pub const DEFAULT_REQUIREMENT_PATTERN: &str = "[A-Z]+-[0-9]+";

/// The default heading of a PRD's open questions.
pub const DEFAULT_OPEN_QUESTIONS_HEADING: &str = "Open Questions";

/// The pattern of requirement IDs (`requirement-pattern`), compiled once
/// per run: to find IDs in prose, and to tell whether a table cell is one.
/// The `regex` crate matches in time linear in the text.
#[derive(Debug, Clone)]
pub struct IdPattern {
    /// The pattern as written.
    pub source: String,
    /// Finds IDs in text (boundaries are checked by the caller).
    pub find: regex::Regex,
    /// Matches a whole cell.
    pub whole: regex::Regex,
    /// Whether it is the default pattern, which is found without the
    /// regular expression (see `analyze::trace::find_ids`).
    pub is_default: bool,
}

impl IdPattern {
    /// Compiles a pattern; an error names what is wrong with it.
    pub fn new(source: &str) -> Result<IdPattern, String> {
        let find = regex::Regex::new(source).map_err(|e| e.to_string())?;
        if find.is_match("") {
            return Err("it matches the empty text".into());
        }
        let whole = regex::Regex::new(&format!("^(?:{source})$")).map_err(|e| e.to_string())?;
        Ok(IdPattern {
            source: source.to_string(),
            find,
            whole,
            is_default: source == DEFAULT_REQUIREMENT_PATTERN,
        })
    }
}

impl Default for IdPattern {
    fn default() -> Self {
        match IdPattern::new(DEFAULT_REQUIREMENT_PATTERN) {
            Ok(p) => p,
            Err(e) => unreachable!("the default requirement pattern compiles: {e}"),
        }
    }
}

impl PartialEq for IdPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for IdPattern {}

/// Markdown extensions enabled by mdBook's HTML renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// `output.html.smart-punctuation` (or the older `curly-quotes`).
    pub smart_punctuation: bool,
    /// `output.html.definition-lists` (mdBook 0.5).
    pub definition_lists: bool,
    /// `output.html.admonitions` (mdBook 0.5).
    pub admonitions: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            smart_punctuation: true,
            definition_lists: true,
            admonitions: true,
        }
    }
}

impl MarkdownOptions {
    /// The defaults of mdBook 0.4, which knew neither definition lists nor
    /// admonitions and had smart punctuation off.
    pub fn mdbook_04() -> Self {
        MarkdownOptions {
            smart_punctuation: false,
            definition_lists: false,
            admonitions: false,
        }
    }
}

/// A path pattern from `tdd-paths` or `prd-paths`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathGlob {
    /// The pattern as written.
    pub source: String,
    pattern: glob::Pattern,
}

impl PathGlob {
    /// Whether a chapter path (relative to the src dir, `/`-separated) matches.
    pub fn matches(&self, path: &str) -> bool {
        let opts = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.pattern.matches_with(path, opts)
    }
}

/// The preprocessor's configuration, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The book's source directory, relative to the book root.
    pub src: PathBuf,
    /// Markdown options used to parse chapters.
    pub markdown: MarkdownOptions,
    /// Template file relative to the book root; `None` for the built-in one.
    pub template: Option<String>,
    /// The PRD template of `{{#prd-skeleton}}`, relative to the book root;
    /// `None` for the built-in one.
    pub prd_template: Option<String>,
    /// The status vocabulary, in order.
    pub statuses: Vec<String>,
    /// Statuses in which placeholders are reported.
    pub final_statuses: Vec<String>,
    /// Statuses of documents no longer in force (see [`Config::is_live`]).
    pub dead_statuses: Vec<String>,
    /// The status a superseded document must have (`None` when the
    /// vocabulary has none: then any dead status will do).
    pub superseded_status: Option<String>,
    /// Days after its last review (or its date) by which a document in a
    /// status must be reviewed again, by status in the vocabulary's
    /// spelling.
    pub review_after: Vec<(String, u32)>,
    /// The day review dates are judged against; set by the run (see
    /// `date::today`), never read from book.toml. `None`: no
    /// document is judged overdue.
    pub today: Option<Date>,
    /// Append the backlinks list to PRD chapters.
    pub backlinks: bool,
    /// Heading of the appended backlinks list.
    pub backlinks_heading: String,
    /// Insert a card after the header of every TDD and PRD page.
    pub page_cards: bool,
    /// Insert a status banner at the top of every page no longer in force.
    pub banners: bool,
    /// Chapters whose path matches are TDDs.
    pub tdd_paths: Vec<PathGlob>,
    /// Chapters whose path matches are PRDs.
    pub prd_paths: Vec<PathGlob>,
    /// What a requirement ID looks like (`requirement-pattern`).
    pub requirement_pattern: IdPattern,
    /// The heading of a PRD's open questions (`open-questions-heading`),
    /// as written.
    pub open_questions_heading: String,
    /// Lint levels, including `strict`.
    pub lints: LintLevels,
    /// How the book's HTML pages show Mermaid diagrams (from its
    /// `[preprocessor.*]` tables and `output.html.additional-js`).
    pub mermaid: MermaidSetup,
    /// `statuses` and `final-statuses` indexed by lower-case spelling, each
    /// built on first use (neither may change after that).
    index: StatusIndex,
}

/// The status vocabulary, indexed: a status is looked up in constant time
/// however many there are.
#[derive(Default)]
struct StatusIndex {
    ranks: std::sync::OnceLock<HashMap<String, usize>>,
    finals: std::sync::OnceLock<HashSet<String>>,
}

impl StatusIndex {
    /// Vocabularies up to this size are searched, not indexed.
    const SMALL: usize = 16;
}

impl Clone for StatusIndex {
    fn clone(&self) -> Self {
        StatusIndex::default()
    }
}

impl PartialEq for StatusIndex {
    /// An index says nothing of its own: configurations compare by their
    /// vocabularies.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for StatusIndex {}

impl std::fmt::Debug for StatusIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatusIndex")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            src: PathBuf::from("src"),
            markdown: MarkdownOptions::default(),
            template: None,
            prd_template: None,
            statuses: DEFAULT_STATUSES.iter().map(|s| s.to_string()).collect(),
            final_statuses: DEFAULT_FINAL_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            dead_statuses: DEFAULT_DEAD_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            superseded_status: Some(DEFAULT_SUPERSEDED_STATUS.to_string()),
            review_after: Vec::new(),
            today: None,
            backlinks: true,
            backlinks_heading: DEFAULT_BACKLINKS_HEADING.to_string(),
            page_cards: true,
            banners: true,
            tdd_paths: Vec::new(),
            prd_paths: Vec::new(),
            requirement_pattern: IdPattern::default(),
            open_questions_heading: DEFAULT_OPEN_QUESTIONS_HEADING.to_string(),
            lints: LintLevels::default(),
            mermaid: MermaidSetup::default(),
            index: StatusIndex::default(),
        }
    }
}

impl Config {
    /// Reads the configuration from the whole book configuration.
    ///
    /// `legacy` selects mdBook 0.4's Markdown defaults. Problems are pushed to
    /// `diags`; the returned configuration uses defaults where a value was bad.
    pub fn from_book_config(book_config: &Value, legacy: bool, diags: &mut Diagnostics) -> Config {
        let mut cfg = Config::default();
        if let Some(src) = book_config.pointer("/book/src").and_then(Value::as_str) {
            cfg.src = PathBuf::from(src);
        }
        cfg.markdown = markdown_options(book_config.pointer("/output/html"), legacy);
        cfg.mermaid = MermaidSetup::of(book_config);
        if let Some(table) = book_config.pointer("/preprocessor/tdd") {
            cfg.read_table(table, diags);
        }
        cfg
    }

    /// Whether `status` (already normalized) is final.
    pub fn is_final(&self, status: &str) -> bool {
        if self.final_statuses.len() <= StatusIndex::SMALL {
            return self
                .final_statuses
                .iter()
                .any(|s| s.eq_ignore_ascii_case(status));
        }
        self.index
            .finals
            .get_or_init(|| {
                self.final_statuses
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect()
            })
            .contains(&status.to_ascii_lowercase())
    }

    /// Whether a document in `status` (already normalized, or as written)
    /// is still in force: `status` is not one of `dead-statuses`. A
    /// document without a status, or with one outside the vocabulary, is
    /// live. Whether a document is live also depends on whether another
    /// supersedes it: see `Document::is_live`.
    pub fn is_live(&self, status: &str) -> bool {
        let status = self.normalize_status(status).unwrap_or(status);
        !self
            .dead_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(status))
    }

    /// Whether `status` is the status of a superseded document: the
    /// configured `superseded-status`, or, when the vocabulary has none, any
    /// dead status.
    pub fn is_superseded_status(&self, status: &str) -> bool {
        match &self.superseded_status {
            Some(s) => self
                .normalize_status(status)
                .is_some_and(|n| n.eq_ignore_ascii_case(s)),
            None => !self.is_live(status),
        }
    }

    /// Days within which a document in `status` must be reviewed again.
    pub fn review_days(&self, status: &str) -> Option<u32> {
        self.review_after
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(status))
            .map(|(_, d)| *d)
    }

    /// The vocabulary spelling of a status, matched case-insensitively and
    /// ignoring surrounding white space and emphasis; `None` if unknown.
    pub fn normalize_status(&self, status: &str) -> Option<&str> {
        let wanted = status
            .trim()
            .trim_matches(|c| c == '*' || c == '_' || c == '`');
        let wanted = wanted.trim();
        self.status_rank(wanted)
            .and_then(|i| self.statuses.get(i))
            .map(String::as_str)
    }

    /// Position of a status in the vocabulary (for sorting).
    pub fn status_rank(&self, status: &str) -> Option<usize> {
        if self.statuses.len() <= StatusIndex::SMALL {
            return self
                .statuses
                .iter()
                .position(|s| s.eq_ignore_ascii_case(status));
        }
        self.index
            .ranks
            .get_or_init(|| {
                let mut ranks =
                    HashMap::with_capacity_and_hasher(self.statuses.len(), Default::default());
                for (i, s) in self.statuses.iter().enumerate() {
                    ranks.entry(s.to_ascii_lowercase()).or_insert(i);
                }
                ranks
            })
            .get(&status.to_ascii_lowercase())
            .copied()
    }

    fn read_table(&mut self, table: &Value, diags: &mut Diagnostics) {
        let Some(map) = table.as_object() else {
            diags.push(bad_config("`[preprocessor.tdd]` must be a table"));
            return;
        };
        let mut overrides = BTreeMap::new();
        let mut strict = false;
        let mut dead: Option<Vec<String>> = None;
        let mut superseded: Option<String> = None;
        let mut review_after: Vec<(String, u32)> = Vec::new();
        for (key, value) in map {
            match key.as_str() {
                "template" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        self.template = Some(s.to_string());
                    }
                }
                "prd-template" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        self.prd_template = Some(s.to_string());
                    }
                }
                "statuses" => {
                    if let Some(list) = expect_str_list(key, value, diags) {
                        if list.is_empty() {
                            diags.push(bad_config("`statuses` must name at least one status"));
                        } else {
                            self.statuses = list;
                        }
                    }
                }
                "final-statuses" => {
                    if let Some(list) = expect_str_list(key, value, diags) {
                        self.final_statuses = list;
                    }
                }
                "dead-statuses" => {
                    if let Some(list) = expect_str_list(key, value, diags) {
                        dead = Some(list);
                    }
                }
                "superseded-status" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        superseded = Some(s.to_string());
                    }
                }
                "review-after" => review_after = read_review_after(value, diags),
                "backlinks" => {
                    if let Some(b) = expect_bool(key, value, diags) {
                        self.backlinks = b;
                    }
                }
                "backlinks-heading" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        self.backlinks_heading = s.to_string();
                    }
                }
                "page-cards" => {
                    if let Some(b) = expect_bool(key, value, diags) {
                        self.page_cards = b;
                    }
                }
                "requirement-pattern" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        match IdPattern::new(s) {
                            Ok(p) => self.requirement_pattern = p,
                            Err(e) => diags.push(bad_config(format!(
                                "`requirement-pattern`: `{s}` is not a usable pattern: {e}"
                            ))),
                        }
                    }
                }
                "open-questions-heading" => {
                    if let Some(s) = expect_str(key, value, diags) {
                        if s.trim().is_empty() {
                            diags.push(bad_config("`open-questions-heading` is empty"));
                        } else {
                            self.open_questions_heading = s.to_string();
                        }
                    }
                }
                "banners" => {
                    if let Some(b) = expect_bool(key, value, diags) {
                        self.banners = b;
                    }
                }
                "tdd-paths" | "prd-paths" => {
                    if let Some(list) = expect_str_list(key, value, diags) {
                        let globs = list
                            .into_iter()
                            .filter_map(|source| match glob::Pattern::new(&source) {
                                Ok(pattern) => Some(PathGlob { source, pattern }),
                                Err(e) => {
                                    diags.push(bad_config(format!(
                                        "`{key}`: `{source}` is not a valid glob: {e}"
                                    )));
                                    None
                                }
                            })
                            .collect();
                        if key == "tdd-paths" {
                            self.tdd_paths = globs;
                        } else {
                            self.prd_paths = globs;
                        }
                    }
                }
                "strict" => {
                    if let Some(b) = expect_bool(key, value, diags) {
                        strict = b;
                    }
                }
                "lints" => read_lints(value, &mut overrides, diags),
                k if MDBOOK_KEYS.contains(&k) => {}
                other => {
                    let mut d =
                        bad_config(format!("unknown key `{other}` in `[preprocessor.tdd]`"));
                    if let Some(c) = closest(other, KEYS.iter().copied()) {
                        d = d.help(format!("did you mean `{c}`?"));
                    }
                    diags.push(d.note(format!("valid keys: {}", KEYS.join(", "))));
                }
            }
        }
        // Every final status must be part of the vocabulary.
        let mut finals = Vec::new();
        for f in std::mem::take(&mut self.final_statuses) {
            match self.normalize_status(&f) {
                Some(s) => finals.push(s.to_string()),
                None => diags.push(
                    bad_config(format!("`final-statuses`: `{f}` is not in `statuses`"))
                        .note(format!("statuses: {}", self.statuses.join(", "))),
                ),
            }
        }
        self.final_statuses = finals;
        self.read_lifecycle(dead, superseded, review_after, diags);
        self.lints = LintLevels::new(overrides, strict);
    }

    /// `dead-statuses`, `superseded-status` and `review-after`, checked
    /// against the vocabulary once it is known. A default that names a
    /// status the vocabulary lacks is dropped without a word; a configured
    /// one is an error.
    fn read_lifecycle(
        &mut self,
        dead: Option<Vec<String>>,
        superseded: Option<String>,
        review_after: Vec<(String, u32)>,
        diags: &mut Diagnostics,
    ) {
        let not_in = |key: &str, s: &str, statuses: &[String]| {
            bad_config(format!("`{key}`: `{s}` is not in `statuses`"))
                .note(format!("statuses: {}", statuses.join(", ")))
        };
        let configured = dead.is_some();
        let mut dead_statuses = Vec::new();
        let wanted = dead.unwrap_or_else(|| std::mem::take(&mut self.dead_statuses));
        for s in wanted {
            match self.normalize_status(&s) {
                Some(n) => dead_statuses.push(n.to_string()),
                None if configured => diags.push(not_in("dead-statuses", &s, &self.statuses)),
                None => {}
            }
        }
        self.dead_statuses = dead_statuses;
        self.superseded_status = match superseded {
            Some(s) => match self.normalize_status(&s).map(str::to_string) {
                Some(n) if self.is_live(&n) => {
                    diags.push(
                        bad_config(format!(
                            "`superseded-status`: `{n}` is not one of `dead-statuses`"
                        ))
                        .note(format!("dead statuses: {}", self.dead_statuses.join(", "))),
                    );
                    None
                }
                Some(n) => Some(n),
                None => {
                    diags.push(not_in("superseded-status", &s, &self.statuses));
                    None
                }
            },
            None => self
                .normalize_status(DEFAULT_SUPERSEDED_STATUS)
                .map(str::to_string)
                .filter(|s| !self.is_live(s)),
        };
        self.review_after = review_after
            .into_iter()
            .filter_map(|(s, days)| match self.normalize_status(&s) {
                Some(n) => Some((n.to_string(), days)),
                None => {
                    diags.push(not_in("review-after", &s, &self.statuses));
                    None
                }
            })
            .collect();
    }
}

fn markdown_options(html: Option<&Value>, legacy: bool) -> MarkdownOptions {
    let mut opts = if legacy {
        MarkdownOptions::mdbook_04()
    } else {
        MarkdownOptions::default()
    };
    let Some(html) = html else { return opts };
    let flag = |key: &str| html.get(key).and_then(Value::as_bool);
    if let Some(b) = flag("smart-punctuation").or_else(|| flag("curly-quotes")) {
        opts.smart_punctuation = b;
    }
    if !legacy {
        if let Some(b) = flag("definition-lists") {
            opts.definition_lists = b;
        }
        if let Some(b) = flag("admonitions") {
            opts.admonitions = b;
        }
    }
    opts
}

fn read_lints(value: &Value, overrides: &mut BTreeMap<Lint, Level>, diags: &mut Diagnostics) {
    let Some(map) = value.as_object() else {
        diags.push(bad_config(
            "`lints` must be a table of lint name = \"allow\" | \"warn\" | \"deny\"",
        ));
        return;
    };
    for (name, level) in map {
        let Some(lint) = Lint::from_name(name) else {
            let mut d = bad_config(format!(
                "unknown lint `{name}` in `[preprocessor.tdd.lints]`"
            ));
            if let Some(c) = closest(name, Lint::ALL.iter().map(|l| l.name())) {
                d = d.help(format!("did you mean `{c}`?"));
            }
            let names: Vec<&str> = Lint::ALL
                .iter()
                .filter(|l| l.is_configurable())
                .map(|l| l.name())
                .collect();
            diags.push(d.note(format!("lints: {}", names.join(", "))));
            continue;
        };
        let parsed = match level.as_str() {
            Some("allow") => Some(Level::Allow),
            Some("warn") => Some(Level::Warning),
            Some("deny") => Some(Level::Error),
            _ => None,
        };
        match parsed {
            None => diags.push(bad_config(format!(
                "lint `{name}`: level must be \"allow\", \"warn\" or \"deny\", not {level}"
            ))),
            Some(_) if !lint.is_configurable() => diags.push(bad_config(format!(
                "lint `{name}` reports unusable input and cannot be configured"
            ))),
            Some(l) => {
                overrides.insert(lint, l);
            }
        }
    }
}

/// `[preprocessor.tdd.review-after]`: status = days.
fn read_review_after(value: &Value, diags: &mut Diagnostics) -> Vec<(String, u32)> {
    let Some(map) = value.as_object() else {
        diags.push(bad_config(
            "`review-after` must be a table of status = days (`Draft = 30`)",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (status, days) in map {
        match days.as_u64().filter(|d| *d <= MAX_REVIEW_DAYS) {
            Some(d) => out.push((status.clone(), d as u32)),
            None => diags.push(bad_config(format!(
                "`review-after`: `{status}` must be a whole number of days from 0 to {MAX_REVIEW_DAYS}, not {days}"
            ))),
        }
    }
    out
}

fn bad_config(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Lint::BadConfig, message).at(crate::diagnostic::Location::book_toml())
}

fn type_error(key: &str, wanted: &str, value: &Value) -> Diagnostic {
    bad_config(format!(
        "`[preprocessor.tdd]` key `{key}` must be {wanted}, not {value}"
    ))
}

fn expect_str<'v>(key: &str, value: &'v Value, diags: &mut Diagnostics) -> Option<&'v str> {
    let s = value.as_str();
    if s.is_none() {
        diags.push(type_error(key, "a string", value));
    }
    s
}

fn expect_bool(key: &str, value: &Value, diags: &mut Diagnostics) -> Option<bool> {
    let b = value.as_bool();
    if b.is_none() {
        diags.push(type_error(key, "true or false", value));
    }
    b
}

fn expect_str_list(key: &str, value: &Value, diags: &mut Diagnostics) -> Option<Vec<String>> {
    let list: Option<Vec<String>> = value
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
    if list.is_none() {
        diags.push(type_error(key, "a list of strings", value));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> (Config, Diagnostics) {
        let mut d = Diagnostics::new();
        let c = Config::from_book_config(&v, false, &mut d);
        (c, d)
    }

    #[test]
    fn requirement_patterns_and_questions_heading() {
        let (c, d) = read(json!({"preprocessor": {"tdd": {
            "requirement-pattern": "REQ-[0-9]{3}",
            "open-questions-heading": "Questions ouvertes",
        }}}));
        assert!(d.is_empty(), "{d:?}");
        assert!(c.requirement_pattern.whole.is_match("REQ-001"));
        assert!(!c.requirement_pattern.whole.is_match("REQ-1"));
        assert_eq!(c.open_questions_heading, "Questions ouvertes");
        for bad in ["REQ-(", "x*", ""] {
            let (c, d) = read(json!({"preprocessor": {"tdd": {"requirement-pattern": bad}}}));
            let msgs: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
            assert!(
                msgs.iter().any(|m| m.contains("`requirement-pattern`")),
                "{bad}: {msgs:?}"
            );
            assert_eq!(c.requirement_pattern.source, DEFAULT_REQUIREMENT_PATTERN);
        }
        let (_, d) = read(json!({"preprocessor": {"tdd": {"open-questions-heading": " "}}}));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn defaults_without_table() {
        let (c, d) = read(json!({"book": {"title": "x", "multilingual": false}}));
        assert!(d.is_empty());
        assert_eq!(c, Config::default());
    }

    #[test]
    fn reads_every_key() {
        let (c, d) = read(json!({
            "book": {"src": "docs"},
            "output": {"html": {"smart-punctuation": false, "admonitions": false}},
            "preprocessor": {"tdd": {
                "command": "mdbook-tdd", "after": ["links"],
                "template": "templates/tdd.md",
                "prd-template": "templates/prd.md",
                "statuses": ["Draft", "Final"],
                "final-statuses": ["final"],
                "backlinks": false,
                "backlinks-heading": "Designs",
                "page-cards": false,
                "banners": false,
                "tdd-paths": ["tdd/**/*.md"],
                "strict": true,
                "lints": {"missing-prd": "allow"}
            }}
        }));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.src, PathBuf::from("docs"));
        assert_eq!(c.prd_template.as_deref(), Some("templates/prd.md"));
        assert!(!c.markdown.smart_punctuation && !c.markdown.admonitions);
        assert!(c.markdown.definition_lists);
        assert_eq!(c.final_statuses, vec!["Final".to_string()]);
        assert!(!c.page_cards && !c.banners);
        assert!(c.tdd_paths[0].matches("tdd/a/b.md"));
        assert!(!c.tdd_paths[0].matches("prd/b.md"));
        assert_eq!(c.lints.level(Lint::MissingPrd), Level::Allow);
        assert_eq!(c.lints.level(Lint::UnknownStatus), Level::Error);
    }

    #[test]
    fn unknown_key_names_valid_keys() {
        let (_, d) = read(json!({"preprocessor": {"tdd": {"backlink": true}}}));
        let d: Vec<_> = d.into_vec();
        assert_eq!(d.len(), 1);
        let text = d[0].to_string();
        assert!(text.contains("unknown key `backlink`"), "{text}");
        assert!(text.contains("did you mean `backlinks`?"), "{text}");
        assert!(text.contains("valid keys: template"), "{text}");
    }

    #[test]
    fn bad_types_and_lints() {
        let (_, d) = read(json!({"preprocessor": {"tdd": {
            "backlinks": "yes", "statuses": [1], "lints": {"missing-prd": "loud", "nope": "allow"}
        }}}));
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d.iter().all(|d| d.lint == Lint::BadConfig));
    }

    #[test]
    fn lifecycle_keys() {
        let c = Config::default();
        assert!(c.is_live("Draft") && c.is_live("Done") && c.is_live("**approved**"));
        assert!(!c.is_live("superseded") && !c.is_live("Rejected"));
        assert!(c.is_superseded_status("SUPERSEDED") && !c.is_superseded_status("Rejected"));
        assert_eq!(c.review_days("Draft"), None);
        let (c, d) = read(json!({"preprocessor": {"tdd": {
            "statuses": ["Draft", "Review", "Done", "Replaced", "Dropped"],
            "final-statuses": ["Done"],
            "dead-statuses": ["replaced", "Dropped"],
            "superseded-status": "Replaced",
            "review-after": {"draft": 30, "Review": 0}
        }}}));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.dead_statuses, ["Replaced", "Dropped"]);
        assert_eq!(c.superseded_status.as_deref(), Some("Replaced"));
        assert_eq!(c.review_days("DRAFT"), Some(30));
        assert_eq!(c.review_days("Review"), Some(0));
        assert!(!c.is_live("dropped") && c.is_superseded_status("replaced"));
        // A custom vocabulary without the defaults has no dead status.
        let (c, d) = read(json!({"preprocessor": {"tdd": {
            "statuses": ["A", "B"], "final-statuses": ["B"]
        }}}));
        assert!(d.is_empty(), "{d:?}");
        assert!(c.dead_statuses.is_empty() && c.superseded_status.is_none());
        assert!(c.is_live("A"));
        // Configured values outside the vocabulary are errors.
        let (_, d) = read(json!({"preprocessor": {"tdd": {
            "dead-statuses": ["Gone"],
            "superseded-status": "Draft",
            "review-after": {"Later": 3, "Draft": -1, "Approved": 36501, "In Review": "x"}
        }}}));
        let messages: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            [
                "`review-after`: `Approved` must be a whole number of days from 0 to 36500, not 36501",
                "`review-after`: `Draft` must be a whole number of days from 0 to 36500, not -1",
                "`review-after`: `In Review` must be a whole number of days from 0 to 36500, not \"x\"",
                "`dead-statuses`: `Gone` is not in `statuses`",
                "`superseded-status`: `Draft` is not one of `dead-statuses`",
                "`review-after`: `Later` is not in `statuses`",
            ],
            "{d:?}"
        );
        assert!(d.iter().all(|d| d.lint == Lint::BadConfig));
    }

    #[test]
    fn statuses_normalize() {
        let c = Config::default();
        assert_eq!(c.normalize_status(" in review "), Some("In Review"));
        assert_eq!(c.normalize_status("**APPROVED**"), Some("Approved"));
        assert_eq!(c.normalize_status("Done"), None);
    }
}
