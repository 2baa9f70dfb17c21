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
    /// Requirement IDs its prose cites, each once per section.
    pub citations: Vec<CitationEntry>,
    /// Rows of its PRD Open Items Resolved table.
    pub resolutions: Vec<ResolutionEntry>,
}

/// A requirement ID a TDD cites.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CitationEntry {
    /// The ID.
    pub id: String,
    /// The heading of the section citing it (`null` before any heading).
    pub section: Option<String>,
    /// Source path of the PRD defining it (`null`: none does).
    pub prd: Option<String>,
}

/// A row of a TDD's PRD Open Items Resolved table.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResolutionEntry {
    /// The PRD item cell as plain text.
    pub item: String,
    /// The resolution, as written.
    pub resolution: String,
    /// The ID of the open item it resolves (`null`: none matched, or the
    /// row is about a requirement).
    pub resolves: Option<String>,
}

/// A requirement of a PRD.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequirementEntry {
    /// The ID.
    pub id: String,
    /// The requirement, as written.
    pub text: String,
    /// The Priority cell, as written.
    pub priority: Option<String>,
    /// The TDDs citing it, in book order.
    pub cited_by: Vec<CitingEntry>,
    /// Whether a live TDD cites it.
    pub covered: bool,
}

/// A TDD citing a requirement.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CitingEntry {
    /// Source path of the TDD.
    pub path: String,
    /// The heading of the (first) section citing it.
    pub section: Option<String>,
    /// Whether the TDD is live.
    pub live: bool,
}

/// An open item of a PRD.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuestionEntry {
    /// Its ID (`Q2`, `TBD1`).
    pub id: String,
    /// Whether the ID is written in the PRD (not its position).
    pub explicit: bool,
    /// The text, as written.
    pub text: String,
    /// The live TDDs resolving it, in book order.
    pub resolutions: Vec<ResolvedEntry>,
}

/// A resolution of an open item.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResolvedEntry {
    /// Source path of the TDD.
    pub path: String,
    /// The resolution, as written.
    pub resolution: String,
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
    /// Its requirements, in order.
    pub requirements: Vec<RequirementEntry>,
    /// Its open items, in order.
    pub questions: Vec<QuestionEntry>,
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
                citations: citations(model, d),
                resolutions: d
                    .trace
                    .facts
                    .resolutions
                    .iter()
                    .enumerate()
                    .map(|(i, r)| ResolutionEntry {
                        item: r.item.clone(),
                        resolution: r.resolution.clone(),
                        resolves: d
                            .trace
                            .resolves
                            .get(i)
                            .copied()
                            .flatten()
                            .and_then(|(p, q)| model.doc(p).trace.facts.questions.get(q))
                            .map(|q| q.id.clone()),
                    })
                    .collect(),
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
                requirements: requirements(model, d),
                questions: questions(model, d),
            })
            .collect();
        StatusReport {
            schema: STATUS_SCHEMA,
            tdds,
            prds,
        }
    }
}

fn citations(model: &BookModel, d: &Document) -> Vec<CitationEntry> {
    let f = &d.trace.facts;
    f.citations
        .iter()
        .enumerate()
        .map(|(i, c)| CitationEntry {
            id: c.id.clone(),
            section: c
                .section
                .and_then(|s| f.sections.get(s))
                .map(|s| s.title.clone()),
            prd: d
                .trace
                .cites
                .get(i)
                .copied()
                .flatten()
                .map(|(p, _)| model.chapter(model.doc(p)).source_path.clone()),
        })
        .collect()
}

fn requirements(model: &BookModel, d: &Document) -> Vec<RequirementEntry> {
    d.trace
        .facts
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cited_by: Vec<CitingEntry> = d
                .trace
                .cited_by
                .get(i)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|&(t, ci)| {
                    let t = model.doc(t);
                    let f = &t.trace.facts;
                    CitingEntry {
                        path: model.chapter(t).source_path.clone(),
                        section: f
                            .citations
                            .get(ci)
                            .and_then(|c| c.section)
                            .and_then(|s| f.sections.get(s))
                            .map(|s| s.title.clone()),
                        live: t.is_live(),
                    }
                })
                .collect();
            RequirementEntry {
                id: r.id.clone(),
                text: r.text.clone(),
                priority: r.priority.clone(),
                covered: cited_by.iter().any(|c| c.live),
                cited_by,
            }
        })
        .collect()
}

fn questions(model: &BookModel, d: &Document) -> Vec<QuestionEntry> {
    d.trace
        .facts
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionEntry {
            id: q.id.clone(),
            explicit: q.explicit,
            text: q.text.clone(),
            resolutions: d
                .trace
                .resolved_by
                .get(i)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|&(t, ri)| {
                    let t = model.doc(t);
                    ResolvedEntry {
                        path: model.chapter(t).source_path.clone(),
                        resolution: t
                            .trace
                            .facts
                            .resolutions
                            .get(ri)
                            .map(|r| r.resolution.clone())
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect()
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
