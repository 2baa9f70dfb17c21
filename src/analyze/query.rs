//! Typed queries: the arguments of every table directive, parsed once, while
//! the chapter is analyzed. The renderer receives a [`Query`] and never sees
//! an argument string; only what needs the whole book stays to be checked
//! there (a column naming a header field no document has, a `prd=` that
//! resolves to no chapter).

use crate::analyze::table::{SectionSelector, plain};
use crate::config::Config;
use crate::diagnostic::closest;
use crate::hash::HashSet;
use crate::syntax::directive::{Arg, ArgProblem, DirectiveKind, split_list};
use std::ops::Range;

/// What a table directive asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `{{#tdd-status}}`.
    TddStatus {
        /// Which TDDs, in which order.
        selection: Selection,
        /// The columns.
        columns: Columns,
    },
    /// `{{#prd-status}}`.
    PrdStatus {
        /// Which PRDs, in which order.
        selection: Selection,
        /// Only PRDs without a design.
        uncovered: bool,
        /// The columns.
        columns: Columns,
    },
    /// `{{#tdd-rollup}}`, `{{#tdd-open-items}}`, `{{#tdd-blockers}}`.
    Rollup(Rollup),
    /// `{{#tdd-completeness}}`.
    Completeness(Selection),
    /// `{{#tdd-backlinks}}`.
    Backlinks,
    /// `{{#tdd-graph}}`: which documents are drawn (its sort is unused).
    Graph(Selection),
    /// `{{#tdd-summary}}`.
    Summary(Summary),
    /// `{{#prd-requirements}}`.
    Requirements {
        /// `prd=`: the requirements of this PRD only.
        prd: Option<PrdFilter>,
        /// `uncovered=true`: only requirements no live design cites.
        uncovered: bool,
        /// `sort=priority` (or `-priority`); book order by default.
        by_priority: Option<bool>,
    },
    /// `{{#prd-open-questions}}`.
    OpenQuestions {
        /// `prd=`: the open items of this PRD only.
        prd: Option<PrdFilter>,
        /// `open=true`: only items no live design resolved.
        open: bool,
    },
}

impl Query {
    /// The directive the query comes from (for messages).
    pub fn kind(&self) -> DirectiveKind {
        match self {
            Query::TddStatus { .. } => DirectiveKind::TddStatus,
            Query::PrdStatus { .. } => DirectiveKind::PrdStatus,
            Query::Rollup(r) => r.kind,
            Query::Completeness(_) => DirectiveKind::TddCompleteness,
            Query::Backlinks => DirectiveKind::TddBacklinks,
            Query::Graph(_) => DirectiveKind::TddGraph,
            Query::Summary(_) => DirectiveKind::TddSummary,
            Query::Requirements { .. } => DirectiveKind::PrdRequirements,
            Query::OpenQuestions { .. } => DirectiveKind::PrdOpenQuestions,
        }
    }
}

/// Which documents a table shows, in which order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// `status=`: the statuses kept, in the vocabulary's spelling.
    pub status: Option<HashSet<String>>,
    /// `prd=`: the TDDs of this PRD only.
    pub prd: Option<PrdFilter>,
    /// `live=`: only documents in force (`true`) or only dead and
    /// superseded ones (`false`).
    pub live: Option<bool>,
    /// `sort=`.
    pub sort: Sort,
}

/// A `prd=` filter, resolved against the book when the table is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrdFilter {
    /// The PRD as written: a path relative to the chapter, or a name.
    pub value: String,
    /// Where the argument is.
    pub span: Range<usize>,
}

/// A sort order: documents by a [`SortKey`], or roll-up rows by a
/// [`RowKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort<K = SortKey> {
    /// What is sorted by.
    pub key: K,
    /// Reversed (a leading `-`).
    pub desc: bool,
}

/// What the rows of a roll-up are sorted by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RowKey {
    /// Book order (and each table's own order).
    #[default]
    Book,
    /// The column of this header text (plain, as written); `Document` is
    /// the first column, the document's name.
    Column(String),
}

/// How a roll-up's rows are sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowSort {
    /// The order.
    pub sort: Sort<RowKey>,
    /// Where `sort=` is, if it was written (a default order names a column
    /// that tables may lack without an error).
    pub span: Option<Range<usize>>,
}

/// What documents are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Book order.
    #[default]
    Book,
    /// Vocabulary order of the status.
    Status,
    /// The `Date` field.
    Date,
    /// The chapter name.
    Title,
    /// The `Version` field, compared as numbers.
    Version,
    /// The number of designs (PRDs).
    Designs,
}

impl SortKey {
    fn from_name(name: &str) -> Option<SortKey> {
        Some(match name {
            "book" => SortKey::Book,
            "status" => SortKey::Status,
            "date" => SortKey::Date,
            "title" => SortKey::Title,
            "version" => SortKey::Version,
            "designs" => SortKey::Designs,
            _ => return None,
        })
    }
}

/// The columns of a status table, as asked or by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// In order.
    pub list: Vec<Column>,
    /// Where `columns=` is (for columns found unknown when rendering).
    pub span: Range<usize>,
}

/// A column of a status table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A column the table knows, by its lower-case name (`open-items`).
    Known(&'static str),
    /// A header field, as written in `columns=`; whether some document has
    /// it is checked against the model.
    Field(String),
}

/// The columns `{{#tdd-status}}` knows.
pub const TDD_COLUMNS: &[&str] = &[
    "document",
    "status",
    "version",
    "author",
    "date",
    "prd",
    "open-items",
    "blockers",
    "completeness",
    "placeholders",
    "supersedes",
    "superseded-by",
    "review-due",
    "pin",
];
const TDD_DEFAULT: &[&str] = &[
    "document",
    "status",
    "version",
    "author",
    "date",
    "prd",
    "open-items",
];
/// The columns `{{#prd-status}}` knows.
pub const PRD_COLUMNS: &[&str] = &[
    "prd",
    "status",
    "designs",
    "coverage",
    "requirements",
    "questions",
    "version",
    "author",
    "date",
    "supersedes",
    "superseded-by",
    "review-due",
];
const PRD_DEFAULT: &[&str] = &["prd", "status", "designs", "coverage"];

/// A roll-up: the rows of one table section gathered from every TDD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollup {
    /// Which directive.
    pub kind: DirectiveKind,
    /// The section as written (for the note when no TDD has it).
    pub section_text: String,
    /// The section whose table is gathered.
    pub section: SectionSelector,
    /// Rows kept: every condition holds.
    pub conditions: Vec<Condition>,
    /// Columns by header text; `None`: every column found.
    pub columns: Option<Vec<String>>,
    /// The order of the rows.
    pub sort: RowSort,
    /// The note when no row matches.
    pub empty_note: &'static str,
}

/// What `{{#tdd-summary}}` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The parts, in the order asked (`show=`), each once.
    pub parts: Vec<SummaryPart>,
    /// At most this many items per list (`limit=`); `None`: all of them.
    pub limit: Option<usize>,
}

/// A part of `{{#tdd-summary}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryPart {
    /// The designs by status, as a bar (a table for other renderers).
    Statuses,
    /// The PRDs without a live design.
    Uncovered,
    /// The rows of Dependencies & Blockers whose Status is Blocked.
    Blocked,
    /// The rows of Open Questions & Risks that are Open with a high Impact.
    Risks,
}

impl SummaryPart {
    /// Every part, in the default order.
    pub const ALL: &'static [SummaryPart] = &[
        SummaryPart::Statuses,
        SummaryPart::Uncovered,
        SummaryPart::Blocked,
        SummaryPart::Risks,
    ];

    /// The name in `show=`.
    pub fn name(self) -> &'static str {
        match self {
            SummaryPart::Statuses => "statuses",
            SummaryPart::Uncovered => "uncovered",
            SummaryPart::Blocked => "blocked",
            SummaryPart::Risks => "risks",
        }
    }
}

/// One `Column=Value,...` or `Column!=Value,...` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The column's header text.
    pub column: String,
    /// The values, as plain text.
    pub values: Vec<String>,
    /// `!=`: the row is kept when the cell is none of the values.
    pub negate: bool,
}

/// Parses `where=` text into conditions (separated by `;`).
pub fn parse_where(text: &str) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (column, values, negate) = if let Some((c, v)) = part.split_once("!=") {
            (c, v, true)
        } else if let Some((c, v)) = part.split_once('=') {
            (c, v, false)
        } else {
            return Err(format!(
                "`{part}` is not a condition: write `Column=Value` or `Column!=Value`"
            ));
        };
        let column = column.trim();
        if column.is_empty() {
            return Err(format!("`{part}` names no column"));
        }
        out.push(Condition {
            column: column.to_string(),
            values: split_list(values)
                .iter()
                .map(|v| plain(v).into_owned())
                .collect(),
            negate,
        });
    }
    Ok(out)
}

/// The arguments of one directive, by key.
struct Args<'a> {
    args: &'a [Arg],
    problems: Vec<ArgProblem>,
}

impl<'a> Args<'a> {
    fn get(&self, key: &str) -> Option<&'a Arg> {
        self.args.iter().find(|a| a.key == key)
    }

    fn problem(&mut self, arg: &Arg, message: String, help: Option<String>) {
        self.problems.push(ArgProblem {
            span: arg.span.clone(),
            message,
            help,
        });
    }

    fn prd_filter(&self) -> Option<PrdFilter> {
        self.get("prd").map(|a| PrdFilter {
            value: a.value.trim().to_string(),
            span: a.span.clone(),
        })
    }

    fn selection(&mut self, config: &Config, sorts: &[&str]) -> Selection {
        Selection {
            status: self.status(config),
            prd: self.prd_filter(),
            live: self.flag("live"),
            sort: self.sort(sorts),
        }
    }

    /// A `true`/`false` argument.
    fn flag(&mut self, key: &str) -> Option<bool> {
        let arg = self.get(key)?;
        match arg.value.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => {
                self.problem(
                    arg,
                    format!("`{key}` takes `true` or `false`, not `{}`", arg.value),
                    None,
                );
                None
            }
        }
    }

    fn status(&mut self, config: &Config) -> Option<HashSet<String>> {
        let a = self.get("status")?;
        let mut wanted = HashSet::default();
        for s in a.list() {
            match config.normalize_status(&s) {
                Some(n) => {
                    wanted.insert(n.to_string());
                }
                None => self.problem(
                    a,
                    format!("unknown status `{s}` in `status=`"),
                    Some(format!("statuses: {}", config.statuses.join(", "))),
                ),
            }
        }
        Some(wanted)
    }

    fn sort(&mut self, valid: &[&str]) -> Sort {
        let Some(a) = self.get("sort") else {
            return Sort::default();
        };
        // White space around the value or after the `-` is no part of it,
        // as on roll-ups.
        let value = a.value.trim();
        let (desc, key) = match value.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, value),
        };
        let key = key.trim().to_ascii_lowercase();
        match SortKey::from_name(&key) {
            Some(k) if valid.contains(&key.as_str()) => Sort { key: k, desc },
            _ => {
                self.problem(
                    a,
                    format!("unknown sort order `{}`", a.value),
                    Some(format!(
                        "valid orders: {} (a leading `-` reverses)",
                        valid.join(", ")
                    )),
                );
                Sort::default()
            }
        }
    }

    /// `sort=` of a roll-up: a column by its header text, `-` before it to
    /// reverse, or `book`.
    fn row_sort(&mut self, default: RowKey) -> RowSort {
        let Some(a) = self.get("sort") else {
            return RowSort {
                sort: Sort {
                    key: default,
                    desc: false,
                },
                span: None,
            };
        };
        let value = a.value.trim();
        let (desc, key) = match value.strip_prefix('-') {
            Some(k) => (true, k.trim()),
            None => (false, value),
        };
        let help = "write the header text of a column (`sort=Impact`), a leading `-` to reverse (`sort=-Date`), or `sort=book` for book order";
        let problem = if key.is_empty() {
            Some(format!("`sort={}` names no column", a.value))
        } else if key.contains(',') {
            Some(format!(
                "`sort={}` names several columns: a roll-up is sorted by one",
                a.value
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            self.problem(a, message, Some(help.into()));
            return RowSort {
                sort: Sort::default(),
                span: None,
            };
        }
        let key = if key.eq_ignore_ascii_case("book") {
            RowKey::Book
        } else {
            RowKey::Column(plain(key).into_owned())
        };
        RowSort {
            sort: Sort { key, desc },
            span: Some(a.span.clone()),
        }
    }

    fn columns(&mut self, default: &[&'static str], known: &[&'static str]) -> Columns {
        let Some(a) = self.get("columns") else {
            return Columns {
                list: default.iter().map(|c| Column::Known(c)).collect(),
                span: 0..0,
            };
        };
        let list: Vec<Column> = a
            .list()
            .into_iter()
            .map(|c| {
                let lower = c.to_ascii_lowercase();
                match known.iter().find(|k| **k == lower) {
                    Some(k) => Column::Known(k),
                    None => Column::Field(c),
                }
            })
            .collect();
        if list.is_empty() {
            self.problem(a, "`columns=` names no column".into(), None);
        }
        Columns {
            list,
            span: a.span.clone(),
        }
    }
}

/// The problem of a column that names no known column and no header field.
pub fn unknown_column(name: &str, known: &[&str], span: Range<usize>) -> ArgProblem {
    let help = closest(name, known.iter().copied())
        .map(|k| {
            format!(
                "did you mean `{k}`? columns: {}, or any header field",
                known.join(", ")
            )
        })
        .unwrap_or_else(|| format!("columns: {}, or any header field", known.join(", ")));
    ArgProblem {
        span,
        message: format!(
            "unknown column `{name}`: it is neither a known column nor a header field of any document"
        ),
        help: Some(help),
    }
}

/// Parses the arguments of a table directive (any but `tdd-skeleton`) into
/// its query. Problems with the arguments are returned beside the query,
/// which holds defaults where a value was bad.
pub fn parse(kind: DirectiveKind, args: &[Arg], config: &Config) -> (Query, Vec<ArgProblem>) {
    let mut a = Args {
        args,
        problems: Vec::new(),
    };
    let query = match kind {
        DirectiveKind::TddStatus => {
            let selection = a.selection(config, &["book", "status", "date", "title", "version"]);
            let columns = a.columns(TDD_DEFAULT, TDD_COLUMNS);
            Query::TddStatus { selection, columns }
        }
        DirectiveKind::PrdStatus => {
            let status = a.status(config);
            let uncovered = a.flag("uncovered").unwrap_or(false);
            let live = a.flag("live");
            let sort = a.sort(&["book", "status", "date", "title", "designs"]);
            let columns = a.columns(PRD_DEFAULT, PRD_COLUMNS);
            Query::PrdStatus {
                selection: Selection {
                    status,
                    prd: None,
                    live,
                    sort,
                },
                uncovered,
                columns,
            }
        }
        DirectiveKind::TddRollup | DirectiveKind::TddOpenItems | DirectiveKind::TddBlockers => {
            rollup(kind, &mut a)
        }
        DirectiveKind::TddCompleteness => Query::Completeness(
            a.selection(config, &["book", "status", "date", "title", "version"]),
        ),
        DirectiveKind::TddGraph => Query::Graph(a.selection(config, &[])),
        DirectiveKind::TddSummary => summary(&mut a),
        DirectiveKind::PrdRequirements => {
            let by_priority = a.get("sort").and_then(|arg| {
                match arg.value.trim().to_ascii_lowercase().as_str() {
                    "book" => None,
                    "priority" => Some(false),
                    "-priority" => Some(true),
                    _ => {
                        a.problem(
                            arg,
                            format!("unknown sort order `{}`", arg.value),
                            Some("valid orders: book, priority (a leading `-` reverses)".into()),
                        );
                        None
                    }
                }
            });
            Query::Requirements {
                prd: a.prd_filter(),
                uncovered: a.flag("uncovered").unwrap_or(false),
                by_priority,
            }
        }
        DirectiveKind::PrdOpenQuestions => Query::OpenQuestions {
            prd: a.prd_filter(),
            open: a.flag("open").unwrap_or(false),
        },
        DirectiveKind::TddBacklinks | DirectiveKind::TddSkeleton | DirectiveKind::PrdSkeleton => {
            Query::Backlinks
        }
    };
    (query, a.problems)
}

fn summary(a: &mut Args<'_>) -> Query {
    let mut parts = Vec::new();
    match a.get("show") {
        None => parts.extend_from_slice(SummaryPart::ALL),
        Some(arg) => {
            let names: Vec<&str> = SummaryPart::ALL.iter().map(|p| p.name()).collect();
            for item in arg.list() {
                let lower = item.to_ascii_lowercase();
                match SummaryPart::ALL.iter().find(|p| p.name() == lower) {
                    Some(p) if !parts.contains(p) => parts.push(*p),
                    Some(_) => {}
                    None => {
                        let help = match closest(&lower, names.iter().copied()) {
                            Some(c) => format!("did you mean `{c}`? parts: {}", names.join(", ")),
                            None => format!("parts: {}", names.join(", ")),
                        };
                        a.problem(arg, format!("unknown part `{item}` in `show=`"), Some(help));
                    }
                }
            }
            if parts.is_empty() && a.problems.is_empty() {
                a.problem(
                    arg,
                    "`show=` names no part".into(),
                    Some(format!("parts: {}", names.join(", "))),
                );
            }
        }
    }
    let limit = a
        .get("limit")
        .and_then(|arg| match arg.value.trim().parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                a.problem(
                    arg,
                    format!(
                        "`limit` takes a number of items of at least 1, not `{}`",
                        arg.value
                    ),
                    None,
                );
                None
            }
        });
    Query::Summary(Summary { parts, limit })
}

fn rollup(kind: DirectiveKind, a: &mut Args<'_>) -> Query {
    let (section_text, default_where, default_sort, empty_note) = match kind {
        DirectiveKind::TddOpenItems => (
            Some("Open Questions & Risks".to_string()),
            Some("Status=Open"),
            RowKey::Column("Impact".into()),
            "No open items.",
        ),
        DirectiveKind::TddBlockers => (
            Some("Dependencies & Blockers".to_string()),
            Some("Status!=Ready"),
            RowKey::Book,
            "No blockers.",
        ),
        _ => (
            a.get("section").map(|s| s.value.clone()),
            None,
            RowKey::Book,
            "No rows match.",
        ),
    };
    let section_text = section_text.unwrap_or_else(|| {
        a.problems.push(ArgProblem {
            span: 0..0,
            message: "`tdd-rollup` needs `section=\"...\"` (a section number or heading)".into(),
            help: Some("for example {{#tdd-rollup section=\"Dependencies & Blockers\"}}".into()),
        });
        String::new()
    });
    let conditions = match a.get("where") {
        Some(w) => match parse_where(&w.value) {
            Ok(c) => c,
            Err(e) => {
                a.problem(w, e, None);
                Vec::new()
            }
        },
        None => default_where.map_or_else(Vec::new, |w| parse_where(w).unwrap_or_default()),
    };
    let columns = a.get("columns").map(|c| {
        let cols = c.list();
        if cols.is_empty() {
            a.problem(c, "`columns=` names no column".into(), None);
        }
        cols
    });
    let sort = a.row_sort(default_sort);
    Query::Rollup(Rollup {
        kind,
        section: SectionSelector::parse(&section_text),
        section_text,
        conditions,
        columns,
        sort,
        empty_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_conditions() {
        let c = parse_where("Status=Open, In Progress; Impact!=L").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].values, vec!["Open", "In Progress"]);
        assert!(c[1].negate);
        assert!(parse_where("Status").is_err());
        assert!(parse_where("=x").is_err());
    }

    fn args(text: &str) -> Vec<Arg> {
        crate::syntax::directive::parse_at(text, 0, false)
            .unwrap()
            .args
    }

    #[test]
    fn status_sort_takes_spaces_as_roll_ups_do() {
        let config = Config::default();
        for a in [r#"sort=" -date""#, r#"sort="- date ""#, "sort=-date"] {
            let (q, p) = parse(
                DirectiveKind::TddStatus,
                &args(&format!("{{{{#tdd-status {a}}}}}")),
                &config,
            );
            assert!(p.is_empty(), "{a}: {p:?}");
            let Query::TddStatus { selection, .. } = q else {
                panic!("{q:?}")
            };
            assert_eq!(
                selection.sort,
                Sort {
                    key: SortKey::Date,
                    desc: true
                },
                "{a}"
            );
        }
    }

    #[test]
    fn arguments_become_typed_queries() {
        let config = Config::default();
        let (q, p) = parse(
            DirectiveKind::TddStatus,
            &args("{{#tdd-status status=draft,approved sort=-date columns=document,Reviewers}}"),
            &config,
        );
        assert!(p.is_empty(), "{p:?}");
        let Query::TddStatus { selection, columns } = q else {
            panic!("{q:?}")
        };
        assert_eq!(
            selection.status,
            Some(
                ["Draft", "Approved"]
                    .map(String::from)
                    .into_iter()
                    .collect()
            )
        );
        assert_eq!(
            selection.sort,
            Sort {
                key: SortKey::Date,
                desc: true
            }
        );
        assert_eq!(
            columns.list,
            [Column::Known("document"), Column::Field("Reviewers".into())]
        );
        let (_, p) = parse(
            DirectiveKind::PrdStatus,
            &args("{{#prd-status sort=version uncovered=maybe status=nope}}"),
            &config,
        );
        let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown status `nope` in `status=`",
                "`uncovered` takes `true` or `false`, not `maybe`",
                "unknown sort order `version`"
            ]
        );
        let (q, p) = parse(DirectiveKind::TddOpenItems, &[], &config);
        assert!(p.is_empty());
        let Query::Rollup(r) = q else { panic!() };
        assert_eq!(r.conditions[0].column, "Status");
        assert_eq!(r.empty_note, "No open items.");
        // Open items come in impact order unless told otherwise.
        assert_eq!(r.sort.sort.key, RowKey::Column("Impact".into()));
        assert_eq!(r.sort.span, None);
    }

    #[test]
    fn an_empty_column_list_is_reported_beside_other_problems() {
        let config = Config::default();
        for kind in [DirectiveKind::TddStatus, DirectiveKind::PrdStatus] {
            let (_, p) = parse(
                kind,
                &args("{{#tdd-status status=nope sort=nope columns=\",\"}}"),
                &config,
            );
            let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
            assert_eq!(
                messages,
                [
                    "unknown status `nope` in `status=`",
                    "unknown sort order `nope`",
                    "`columns=` names no column"
                ],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn roll_up_sort_orders() {
        let config = Config::default();
        let sort = |kind, text: &str| {
            let (q, p) = parse(kind, &args(text), &config);
            let Query::Rollup(r) = q else { panic!("{q:?}") };
            (r.sort, p)
        };
        let (s, p) = sort(
            DirectiveKind::TddRollup,
            "{{#tdd-rollup section=10.3 sort=\"-Impact if Delayed\"}}",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            s.sort,
            Sort {
                key: RowKey::Column("Impact if Delayed".into()),
                desc: true
            }
        );
        assert!(s.span.is_some());
        let (s, _) = sort(DirectiveKind::TddOpenItems, "{{#tdd-open-items sort=Book}}");
        assert_eq!(s.sort.key, RowKey::Book);
        let (s, _) = sort(DirectiveKind::TddBlockers, "{{#tdd-blockers}}");
        assert_eq!(s.sort.key, RowKey::Book);
        let (s, _) = sort(
            DirectiveKind::TddBlockers,
            "{{#tdd-blockers sort=**Owner**}}",
        );
        assert_eq!(s.sort.key, RowKey::Column("Owner".into()));
        for (bad, message) in [
            ("sort=-", "`sort=-` names no column"),
            ("sort=\" \"", "`sort= ` names no column"),
            (
                "sort=Impact,Owner",
                "`sort=Impact,Owner` names several columns: a roll-up is sorted by one",
            ),
        ] {
            let (s, p) = sort(
                DirectiveKind::TddOpenItems,
                &format!("{{{{#tdd-open-items {bad}}}}}"),
            );
            let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
            assert_eq!(messages, [message], "{bad}");
            assert!(p[0].help.as_deref().unwrap().contains("sort=book"));
            assert_eq!(s.sort.key, RowKey::Book, "{bad}");
        }
    }
}
