//! Machine-readable views of a run: the document model as versioned JSON
//! (`mdbook-tdd status --format json`) or CSV, and diagnostics as JSON
//! objects, GitHub Actions annotations, a GitLab Code Quality report or a
//! SARIF log (`mdbook-tdd check`).

use crate::analyze::facts::SectionState;
use crate::diagnostic::{Diagnostic, Level};
use crate::model::prd::{PrdForm, PrdTarget};
use crate::model::{BookModel, DocId, DocKind, Document};
use crate::render::markdown::{Cell, Fragment, Table};
use serde::Serialize;

pub mod csv;
pub mod gitlab;
pub mod graph;
pub mod sarif;

/// The version of the status JSON schema. It changes when a key is removed
/// or changes meaning; new keys may be added within a version.
///
/// 2: a PRD's `covered` counts only live designs (1: any design).
pub const STATUS_SCHEMA: u32 = 2;

/// `mdbook-tdd status --format json`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusReport {
    /// The version of this schema.
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::schema::status_version")
    )]
    pub schema: u32,
    /// Every TDD, in book order.
    pub tdds: Vec<TddEntry>,
    /// Every PRD, in book order.
    pub prds: Vec<PrdEntry>,
}

/// A header field.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldEntry {
    /// Name as written.
    pub name: String,
    /// Value as written.
    pub value: String,
}

/// What the report says of every document, TDD or PRD.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocEntry {
    /// Source path relative to the src dir.
    pub path: String,
    /// Name in SUMMARY.md.
    pub name: String,
    /// `tdd` or `prd`.
    pub kind: DocKind,
    /// Text of the H1.
    pub title: Option<String>,
    /// Header fields in order.
    pub fields: Vec<FieldEntry>,
    /// Status in the vocabulary's spelling (`null` if absent or unknown).
    pub status: Option<String>,
    /// Status as written.
    pub status_raw: Option<String>,
    /// Source paths of the documents it supersedes.
    pub supersedes: Vec<String>,
    /// Source path of the document that supersedes it.
    pub superseded_by: Option<String>,
    /// Source paths of its successors, in order, to the newest (each once:
    /// a chain that runs into a cycle goes round it once).
    pub chain: Vec<String>,
    /// Whether it is in force: not in a dead status, not superseded.
    pub live: bool,
    /// When it is due for review (`YYYY-MM-DD`), if `review-after` names
    /// its status.
    pub review_due: Option<String>,
    /// Whether that date is past.
    pub review_overdue: bool,
}

impl DocEntry {
    fn new(model: &BookModel, d: &Document, kind: DocKind) -> DocEntry {
        let path = |id: DocId| model.chapter(model.doc(id)).source_path.clone();
        let l = &d.lifecycle;
        DocEntry {
            path: model.chapter(d).source_path.clone(),
            name: model.chapter(d).name.clone(),
            kind,
            title: d.title.clone(),
            fields: d
                .fields
                .iter()
                .map(|f| FieldEntry {
                    name: f.name.clone(),
                    value: f.value.clone(),
                })
                .collect(),
            status: d.status.clone(),
            status_raw: d.status_raw.clone(),
            supersedes: l.supersedes.iter().map(|s| path(*s)).collect(),
            superseded_by: l.successor.map(path),
            chain: model
                .doc_of_chapter
                .get(d.chapter.0)
                .copied()
                .flatten()
                .map(|id| model.chain(id).map(path).collect())
                .unwrap_or_default(),
            live: d.is_live(),
            review_due: l.review.as_ref().map(|r| r.due.to_string()),
            review_overdue: l.review.as_ref().is_some_and(|r| r.overdue),
        }
    }
}

/// A TDD in the status report.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TddEntry {
    /// What every document has.
    #[serde(flatten)]
    pub doc: DocEntry,
    /// The Source PRD (`null` if the TDD names none).
    pub prd: Option<PrdLinkEntry>,
    /// Rows of Open Questions & Risks whose Status is Open.
    pub open_items: usize,
    /// Rows of Dependencies & Blockers whose Status is not Ready.
    pub blockers: usize,
    /// Template placeholders left outside code.
    pub placeholders: usize,
    /// Completeness against the template.
    pub completeness: CompletenessEntry,
    /// The PRD version pin judged against the PRD (`null` when the Source
    /// PRD is no PRD of the book).
    pub pin: Option<PinEntry>,
}

/// A TDD's PRD version pin in the status report.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PinEntry {
    /// The pin as written (`null`: unpinned).
    pub version: Option<String>,
    /// The PRD's Version as written (`null`: it has none).
    pub prd_version: Option<String>,
    /// `current`, `outdated`, `predated`, `unpinned` or `unversioned`.
    pub state: crate::model::pin::PinState,
    /// Current, but the PRD has a newer patch release.
    pub patch_behind: bool,
}

/// A Source PRD in the status report.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrdLinkEntry {
    /// The field value as written.
    pub written: String,
    /// How it was written: `link`, `path` or `name`.
    pub form: PrdForm,
    /// Whether it leads to a chapter.
    pub resolution: Resolution,
    /// Source path of the PRD chapter when resolved.
    pub path: Option<String>,
}

/// Whether a Source PRD leads to a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// To a PRD chapter of the book (`path` names it).
    Resolved,
    /// To nothing the book has.
    Broken,
    /// Still a template placeholder, or empty.
    Unset,
}

/// Completeness in the status report.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompletenessEntry {
    /// Share of sections written, 0–100.
    #[cfg_attr(feature = "schema", schemars(range(max = 100)))]
    pub percent: u32,
    /// Each top-level template section.
    pub sections: Vec<SectionEntry>,
}

/// One template section.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SectionEntry {
    /// Its number (`"3"`), if numbered.
    pub number: Option<String>,
    /// Its heading text in the template.
    pub title: String,
    /// `written`, `placeholder` or `missing`.
    pub state: SectionState,
}

/// A PRD in the status report.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrdEntry {
    /// What every document has.
    #[serde(flatten)]
    pub doc: DocEntry,
    /// Source paths of the TDDs derived from it (its backlinks).
    pub tdds: Vec<String>,
    /// Whether at least one live TDD derives from it.
    pub covered: bool,
}

impl StatusReport {
    /// Builds the report from a model.
    pub fn new(model: &BookModel) -> StatusReport {
        let sections = model.templates.first().map(|g| &g.sections);
        let tdds = model
            .tdds()
            .map(|d| TddEntry {
                doc: DocEntry::new(model, d, DocKind::Tdd),
                prd: d.prd.as_ref().map(|p| PrdLinkEntry {
                    written: p.written.clone(),
                    form: p.form,
                    resolution: match p.target {
                        PrdTarget::Chapter(_) => Resolution::Resolved,
                        PrdTarget::Broken => Resolution::Broken,
                        PrdTarget::Unset => Resolution::Unset,
                    },
                    path: match p.target {
                        PrdTarget::Chapter(c) => Some(model.chapters[c].source_path.clone()),
                        _ => None,
                    },
                }),
                open_items: d.open_items(),
                blockers: d.blockers(),
                placeholders: d.placeholders,
                completeness: CompletenessEntry {
                    percent: d.completeness_percent(),
                    sections: d
                        .completeness
                        .iter()
                        .map(|s| {
                            let t = model
                                .templates
                                .get(d.template.0)
                                .and_then(|g| g.sections.get(s.section))
                                .or_else(|| sections.and_then(|x| x.get(s.section)));
                            SectionEntry {
                                number: t.and_then(|t| t.number.as_ref()).map(|n| n.to_string()),
                                title: t.map(|t| t.title.clone()).unwrap_or_default(),
                                state: s.state,
                            }
                        })
                        .collect(),
                },
                pin: d.pin.as_ref().map(|p| PinEntry {
                    version: p.version.clone(),
                    prd_version: p.prd_version.clone(),
                    state: p.state,
                    patch_behind: p.patch_behind,
                }),
            })
            .collect();
        let prds = model
            .prds()
            .map(|d| PrdEntry {
                doc: DocEntry::new(model, d, DocKind::Prd),
                tdds: d
                    .derived
                    .iter()
                    .map(|t| model.chapter(&model.documents[*t]).source_path.clone())
                    .collect(),
                covered: model.is_covered(d),
            })
            .collect();
        StatusReport {
            schema: STATUS_SCHEMA,
            tdds,
            prds,
        }
    }
}

/// A diagnostic as `mdbook-tdd check --format json` prints it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiagnosticEntry<'a> {
    /// The lint's stable name.
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::schema::lint_name"))]
    pub lint: &'static str,
    /// `warning` or `error`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ReportedLevel"))]
    pub level: Level,
    /// File relative to the book root (`null` when the problem has no place).
    pub file: Option<&'a str>,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: &'a str,
    /// `help:` and `note:` lines.
    pub notes: &'a [String],
}

impl<'a> From<&'a Diagnostic> for DiagnosticEntry<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticEntry {
            lint: d.lint.name(),
            level: d.level,
            file: d.location.as_ref().map(|l| l.file.as_str()),
            line: d.location.as_ref().map_or(0, |l| l.line),
            column: d.location.as_ref().map_or(0, |l| l.column),
            message: &d.message,
            notes: &d.notes,
        }
    }
}

/// A GitHub Actions workflow command for a diagnostic
/// (`::warning file=...,line=...,col=...,title=...::message`).
pub fn github_annotation(d: &Diagnostic) -> String {
    fn data(s: &str) -> String {
        // The workflow log shows the command as a terminal would.
        crate::terminal::visible_lines(s)
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let command = match d.level {
        Level::Error => "error",
        _ => "warning",
    };
    let mut props = Vec::new();
    if let Some(l) = &d.location {
        props.push(format!("file={}", property(&l.file)));
        if l.line > 0 {
            props.push(format!("line={}", l.line));
        }
        if l.column > 0 {
            props.push(format!("col={}", l.column));
        }
    }
    props.push(format!(
        "title={}",
        property(&format!("mdbook-tdd {}", d.lint))
    ));
    let mut message = d.message.clone();
    for n in &d.notes {
        message.push('\n');
        message.push_str(n);
    }
    format!("::{command} {}::{}", props.join(","), data(&message))
}

// ------------------------------------------------- status table, Markdown --

fn prd_text(model: &BookModel, d: &Document) -> String {
    match d.prd.as_ref().map(|p| (&p.target, p)) {
        Some((PrdTarget::Chapter(c), _)) => model.chapters[*c].name.clone(),
        Some((PrdTarget::Broken, p)) => format!("broken: {}", p.target_text),
        _ => "—".to_string(),
    }
}

fn status_text(d: &Document) -> String {
    d.status
        .clone()
        .or_else(|| d.status_raw.as_ref().map(|r| format!("{r} (unknown)")))
        .unwrap_or_else(|| "—".to_string())
}

/// The rows of the TDD table of `status --format table|markdown`.
pub fn tdd_rows(model: &BookModel) -> Vec<Vec<String>> {
    model
        .tdds()
        .map(|d| {
            let c = model.chapter(d);
            vec![
                c.name.clone(),
                c.source_path.clone(),
                status_text(d),
                prd_text(model, d),
                d.open_items().to_string(),
                d.blockers().to_string(),
                format!("{}%", d.completeness_percent()),
            ]
        })
        .collect()
}

/// The rows of the PRD table of `status --format table|markdown`.
pub fn prd_rows(model: &BookModel) -> Vec<Vec<String>> {
    model
        .prds()
        .map(|d| {
            let c = model.chapter(d);
            let designs: Vec<String> = d
                .derived
                .iter()
                .map(|t| model.chapter(&model.documents[*t]).name.clone())
                .collect();
            vec![
                c.name.clone(),
                c.source_path.clone(),
                status_text(d),
                if designs.is_empty() {
                    "none".to_string()
                } else {
                    designs.join(", ")
                },
            ]
        })
        .collect()
}

/// The header of the TDD table.
pub const TDD_HEADER: [&str; 7] = [
    "TDD", "Path", "Status", "PRD", "Open", "Blockers", "Complete",
];
/// The header of the PRD table.
pub const PRD_HEADER: [&str; 4] = ["PRD", "Path", "Status", "Designs"];

/// `mdbook-tdd status --format markdown`.
pub fn status_markdown(model: &BookModel) -> String {
    let mk = |header: &[&str], rows: Vec<Vec<String>>| {
        let mut t = Table::new(header.iter().map(|s| s.to_string()).collect());
        for r in rows {
            t.push(r.iter().map(|c| Cell::text(c)).collect());
        }
        t
    };
    let mut f = Fragment::new();
    f.heading(2, "Technical designs")
        .table(mk(&TDD_HEADER, tdd_rows(model)))
        .heading(2, "Product requirements")
        .table(mk(&PRD_HEADER, prd_rows(model)));
    f.into_markdown() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Lint, Location};

    #[test]
    fn github_escaping() {
        let d = Diagnostic::new(Lint::BrokenPrdLink, "100% broken: a, b")
            .at(Location {
                file: "src/a,b:c.md".into(),
                line: 6,
                column: 17,
            })
            .help("fix it");
        assert_eq!(
            github_annotation(&d),
            "::warning file=src/a%2Cb%3Ac.md,line=6,col=17,title=mdbook-tdd broken-prd-link::100%25 broken: a, b%0Ahelp: fix it"
        );
        // Nothing for the log viewer to interpret.
        let d = Diagnostic::new(Lint::UnknownStatus, "bad `x\u{1b}[2J\ry`").at(Location {
            file: "src/\u{7}.md".into(),
            line: 1,
            column: 1,
        });
        assert_eq!(
            github_annotation(&d),
            "::warning file=src/\\u{7}.md,line=1,col=1,title=mdbook-tdd unknown-status::bad `x\\u{1b}[2J\\ry`"
        );
    }
}
