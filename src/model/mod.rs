//! The model stage: one model of the whole book, gathered before any
//! directive that needs it is expanded.
//!
//! Every TDD and PRD becomes a [`Document`] with its header fields, its
//! normalized status, its Source PRD resolved to a chapter (or marked broken),
//! the tables of its sections, how complete it is against the template, and
//! where it stands in its lifecycle (what it supersedes and what supersedes
//! it).

pub mod build;
pub mod lifecycle;
pub mod pin;
pub mod prd;
pub mod review;
pub mod trace;

use crate::analyze::card::CardPlace;
use crate::analyze::end::ChapterEnd;
use crate::analyze::facts::SectionState;
use crate::analyze::facts::SectionStatus;
use crate::analyze::profile::TemplateProfile;
use crate::analyze::table::DocTable;
use crate::analyze::table::SectionSelector;
use crate::analyze::table::plain;
use crate::analyze::templates::TemplateId;
use crate::book::ChapterId;
use crate::book::ChapterMeta;
use crate::model::prd::PrdRef;

/// A chapter as the model sees it; what the chapter says is in its
/// [`ChapterFacts`].
#[derive(Debug, Clone, Copy)]
pub struct ChapterInput<'a> {
    /// Metadata.
    pub meta: &'a ChapterMeta,
    /// The document its skeleton made it: a TDD for `{{#tdd-skeleton}}`,
    /// a PRD for `{{#prd-skeleton}}`; `None` without a skeleton.
    pub skeleton: Option<DocKind>,
}

/// A document (TDD or PRD) of the model, by its place in book order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub usize);

impl std::ops::Index<DocId> for Vec<Document> {
    type Output = Document;
    fn index(&self, id: DocId) -> &Document {
        &self[id.0]
    }
}

impl std::ops::IndexMut<DocId> for Vec<Document> {
    fn index_mut(&mut self, id: DocId) -> &mut Document {
        &mut self[id.0]
    }
}

/// A header field of a document, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocField {
    /// The name (`Source PRD`).
    pub name: String,
    /// The value.
    pub value: String,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A technical design document.
    Tdd,
    /// A product requirement document.
    Prd,
}

/// A TDD or PRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Index of the chapter.
    pub chapter: ChapterId,
    /// TDD or PRD.
    pub kind: DocKind,
    /// The text of the document's H1, if it has one.
    pub title: Option<String>,
    /// Header fields, in order, as written.
    pub fields: Vec<DocField>,
    /// The status in the vocabulary's spelling.
    pub status: Option<String>,
    /// The status as written (also when it is not in the vocabulary).
    pub status_raw: Option<String>,
    /// The Source PRD (TDDs).
    pub prd: Option<PrdRef>,
    /// Documents derived from this one (PRDs: its TDDs), in book order.
    pub derived: Vec<DocId>,
    /// Tables, in order.
    pub tables: Vec<DocTable>,
    /// Completeness per template section (TDDs).
    pub completeness: Vec<SectionStatus>,
    /// Number of template placeholders left (outside code).
    pub placeholders: usize,
    /// Template index used to judge completeness.
    pub template: TemplateId,
    /// Rows of Open Questions & Risks whose Status is Open.
    pub open_items: usize,
    /// Rows of Dependencies & Blockers whose Status is not Ready.
    pub blockers: usize,
    /// The document's link reference definitions, for its cells shown
    /// elsewhere.
    pub refdefs: Vec<crate::syntax::scan::RefDef>,
    /// How the chapter ends (for the backlinks list).
    pub end: ChapterEnd,
    /// What it supersedes, what supersedes it, whether it is live, when it
    /// is due for review (see [`lifecycle`]).
    pub lifecycle: lifecycle::Lifecycle,
    /// Where the page card goes.
    pub card: CardPlace,
    /// The pin of its Source PRD judged against the PRD (TDDs whose
    /// Source PRD is a PRD of the book).
    pub pin: Option<pin::PinStatus>,
    /// Requirements and open items (PRDs), citations and resolutions
    /// (TDDs), linked across documents (see [`trace`]).
    pub trace: trace::Trace,
}

impl Document {
    /// A header field by name (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }

    /// The table of the section with this number or heading text.
    pub fn section_table(&self, section: &SectionSelector) -> Option<&DocTable> {
        self.tables.iter().find(|t| section.matches(t))
    }

    /// Rows of Open Questions & Risks whose Status is Open.
    pub fn open_items(&self) -> usize {
        self.open_items
    }

    /// Rows of Dependencies & Blockers whose Status is not Ready.
    pub fn blockers(&self) -> usize {
        self.blockers
    }

    fn count_open_items(&self) -> usize {
        count_rows(self, &SectionSelector::open_items(), |s| {
            s.eq_ignore_ascii_case("open")
        })
    }

    fn count_blockers(&self) -> usize {
        count_rows(self, &SectionSelector::blockers(), |s| {
            !s.eq_ignore_ascii_case("ready")
        })
    }

    /// Share of template sections written, 0 to 100.
    pub fn completeness_percent(&self) -> u32 {
        let total = self.completeness.len();
        if total == 0 {
            return 0;
        }
        let written = self
            .completeness
            .iter()
            .filter(|s| s.state == SectionState::Written)
            .count();
        ((written * 100 + total / 2) / total) as u32
    }
}

pub fn count_rows(doc: &Document, sel: &SectionSelector, keep: impl Fn(&str) -> bool) -> usize {
    let Some(t) = doc.section_table(sel) else {
        return 0;
    };
    let Some(col) = t.column("Status") else {
        return 0;
    };
    t.real_rows()
        .filter(|r| keep(&plain(t.cell(r, col))))
        .count()
}

/// The model of the whole book.
#[derive(Debug, Clone, Default)]
pub struct BookModel {
    /// Every chapter (not drafts), in book order.
    pub chapters: Vec<ChapterMeta>,
    /// TDDs and PRDs, in book order.
    pub documents: Vec<Document>,
    /// For each chapter, its document (if it is one).
    pub doc_of_chapter: Vec<Option<DocId>>,
    /// The templates documents were judged against.
    pub templates: Vec<TemplateProfile>,
    /// Whether any PRD has requirements, and whether any has open items
    /// (set when traceability is linked): an empty table says which of
    /// "nothing matches" and "nothing yet" it is without reading every PRD.
    pub any_requirements: bool,
    /// See [`BookModel::any_requirements`].
    pub any_questions: bool,
}

impl BookModel {
    /// The TDDs, in book order.
    pub fn tdds(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.kind == DocKind::Tdd)
    }

    /// The PRDs, in book order.
    pub fn prds(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.kind == DocKind::Prd)
    }

    /// The document of a chapter.
    pub fn document_of(&self, chapter: ChapterId) -> Option<&Document> {
        self.doc_of_chapter
            .get(chapter.0)
            .copied()
            .flatten()
            .map(|i| &self.documents[i])
    }

    /// The chapter of a document.
    pub fn chapter(&self, doc: &Document) -> &ChapterMeta {
        &self.chapters[doc.chapter]
    }
}
