//! Building the model of the whole book from what the analysis gathered,
//! in named steps that the run calls in order:
//!
//! 1. [`classify`]: which chapters are TDDs and PRDs, and what each TDD's
//!    Source PRD resolves to (a chapter found this way is a PRD);
//! 2. the run gathers the facts of PRDs the analysis did not scan;
//! 3. [`assemble`]: a [`Document`] for every TDD and PRD, then the
//!    successors from Supersedes fields ([`super::lifecycle`]), the review
//!    dates ([`super::review`]), the backlinks from PRDs to their TDDs and
//!    the lints that look at both.

use super::lifecycle::Declared;
use super::prd::{PathIndex, PrdRef, PrdTarget, source_prd};
use super::{BookModel, ChapterInput, DocField, DocId, DocKind, Document};
use crate::analyze::facts::ChapterFacts;
use crate::analyze::profile::TemplateProfile;
use crate::analyze::trace::Side;
use crate::book::ChapterId;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint};
use rayon::prelude::*;

/// What a chapter is, before documents are assembled.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    /// Whether each chapter is a TDD.
    pub is_tdd: Vec<bool>,
    /// Whether each chapter is a PRD.
    pub is_prd: Vec<bool>,
    /// Each TDD's Source PRD, resolved.
    prd_refs: Vec<Option<PrdRef>>,
    /// Each chapter's Supersedes and Superseded-By values, resolved.
    declared: Vec<Option<Box<Declared>>>,
}

impl Classes {
    /// What a chapter is, if it is a document (and so needs its facts): a
    /// design, or a PRD.
    pub fn side(&self, chapter: usize) -> Option<Side> {
        if self.is_tdd.get(chapter).copied().unwrap_or(false) {
            Some(Side::Design)
        } else if self.is_prd.get(chapter).copied().unwrap_or(false) {
            Some(Side::Prd)
        } else {
            None
        }
    }
}

/// Step 1: the TDDs (by skeleton, Source PRD field or path) and the PRDs (by
/// skeleton, path, or because a TDD's Source PRD resolves to them). Source PRDs are
/// resolved in parallel; what they find is merged in book order.
pub fn classify(
    inputs: &[ChapterInput<'_>],
    facts: &[Option<Box<ChapterFacts>>],
    index: &PathIndex<'_>,
    config: &Config,
    diags: &mut Diagnostics,
) -> Classes {
    let chapters: Vec<&crate::book::ChapterMeta> = inputs.iter().map(|c| c.meta).collect();
    let kinds: Vec<(bool, bool)> = inputs
        .par_iter()
        .zip(facts)
        .map(|(c, f)| {
            // A TDD skeleton or a Source PRD field (see `ChapterFacts::side`).
            let design = f.as_ref().is_some_and(|f| f.side == Side::Design);
            let prd_glob = config.prd_paths.iter().any(|g| g.matches(&c.meta.path));
            let tdd_glob = config.tdd_paths.iter().any(|g| g.matches(&c.meta.path));
            if c.skeleton == Some(DocKind::Prd) {
                (false, true)
            } else if c.skeleton == Some(DocKind::Tdd) || design {
                (true, false)
            } else {
                (tdd_glob && !prd_glob, prd_glob)
            }
        })
        .collect();
    let mut is_tdd: Vec<bool> = kinds.iter().map(|k| k.0).collect();
    let mut is_prd: Vec<bool> = kinds.iter().map(|k| k.1).collect();
    let resolved: Vec<(Option<PrdRef>, Diagnostics)> = facts
        .par_iter()
        .with_max_len(8)
        .enumerate()
        .map(|(i, f)| {
            let mut d = Diagnostics::new();
            let r = match f {
                Some(f) if is_tdd[i] => {
                    source_prd(ChapterId(i), f, &chapters, &is_tdd, index, &mut d)
                }
                _ => None,
            };
            (r, d)
        })
        .collect();
    let mut prd_refs: Vec<Option<PrdRef>> = Vec::with_capacity(inputs.len());
    for (i, (r, d)) in resolved.into_iter().enumerate() {
        diags.extend(d);
        if let Some(PrdTarget::Chapter(t)) = r.as_ref().map(|r| &r.target)
            && t.0 != i
            && !is_tdd[t.0]
        {
            is_prd[t.0] = true;
        }
        prd_refs.push(r);
    }
    let declared = super::lifecycle::resolve_declared(facts, &chapters, index);
    super::lifecycle::propagate(&declared, &mut is_tdd, &mut is_prd);
    Classes {
        is_tdd,
        is_prd,
        prd_refs,
        declared,
    }
}

/// Step 3: the documents, in book order (assembled in parallel), then the
/// backlinks and the lints across documents. `facts` holds the facts of
/// every document (step 2 gathered those the analysis did not).
pub fn assemble(
    inputs: &[ChapterInput<'_>],
    facts: Vec<Option<Box<ChapterFacts>>>,
    classes: Classes,
    profiles: Vec<TemplateProfile>,
    config: &Config,
    diags: &mut Diagnostics,
) -> BookModel {
    let mut model = BookModel {
        chapters: inputs.iter().map(|c| c.meta.clone()).collect(),
        documents: Vec::new(),
        doc_of_chapter: vec![None; inputs.len()],
        templates: profiles,
        any_requirements: false,
        any_questions: false,
    };
    let Classes {
        is_tdd,
        is_prd,
        prd_refs,
        declared,
    } = classes;
    type Todo = (
        usize,
        DocKind,
        Box<ChapterFacts>,
        Option<PrdRef>,
        Option<Box<Declared>>,
    );
    let todo: Vec<Todo> = facts
        .into_iter()
        .zip(prd_refs)
        .zip(declared)
        .enumerate()
        .filter_map(|(i, ((f, prd), refs))| {
            let kind = if is_tdd[i] {
                DocKind::Tdd
            } else if is_prd[i] {
                DocKind::Prd
            } else {
                return None;
            };
            Some((i, kind, f?, prd, refs))
        })
        .collect();
    let (documents, found): (Vec<Document>, Vec<Diagnostics>) = todo
        .into_par_iter()
        .with_max_len(8)
        .map(|(i, kind, f, mut prd, refs)| {
            // A link to the TDD itself or to another TDD was reported when
            // it was resolved; as a Source PRD it leads nowhere.
            if let Some(p) = &mut prd
                && matches!(p.target, PrdTarget::Chapter(t) if t.0 == i || is_tdd[t.0])
            {
                p.target = PrdTarget::Broken;
            }
            let mut d = Diagnostics::new();
            (
                document(ChapterId(i), kind, *f, prd, refs, config, &mut d),
                d,
            )
        })
        .unzip();
    for (k, (doc, d)) in documents.iter().zip(found).enumerate() {
        diags.extend(d);
        model.doc_of_chapter[doc.chapter.0] = Some(DocId(k));
    }
    model.documents = documents;
    super::lifecycle::link(&mut model, config, diags);
    super::review::judge(&mut model, config, diags);
    link_backlinks(&mut model, config, diags);
    super::pin::judge(&mut model, config, diags);
    super::trace::link(&mut model, config, diags);
    model
}

/// The backlinks (each PRD's TDDs) and the lints that look at a TDD and its
/// PRD together.
fn link_backlinks(model: &mut BookModel, config: &Config, diags: &mut Diagnostics) {
    let links: Vec<(DocId, DocId)> = model
        .documents
        .iter()
        .enumerate()
        .filter_map(|(di, d)| match d.prd.as_ref().map(|p| &p.target) {
            Some(PrdTarget::Chapter(t)) => model.doc_of_chapter[t.0].map(|pd| (DocId(di), pd)),
            _ => None,
        })
        .collect();
    let first_final = config
        .final_statuses
        .iter()
        .filter_map(|f| config.status_rank(f))
        .min();
    for (tdd, prd) in links {
        model.documents[prd].derived.push(tdd);
        let (t, p) = (&model.documents[tdd], &model.documents[prd]);
        let Some(at) = t.prd.as_ref().map(|r| r.at.clone()) else {
            continue;
        };
        let prd_name = &model.chapters[p.chapter].name;
        // A dead design may keep a retired PRD.
        if t.is_live() {
            if let Some(new) = p.successor() {
                let latest = model.chain_end(new).unwrap_or(new);
                let to = &model.chapters[model.documents[latest].chapter];
                let from = &model.chapters[t.chapter];
                let mut d = Diagnostic::new(
                    Lint::PrdSuperseded,
                    format!(
                        "the Source PRD `{prd_name}` is superseded by `{}`",
                        model.chapters[model.documents[new].chapter].name
                    ),
                )
                .at(at.clone())
                .help(format!(
                    "point the Source PRD at `{}`",
                    crate::links::relative_path(&from.path, &to.path)
                ));
                if latest != new {
                    d = d.note(format!("the newest PRD of the chain is `{}`", to.name));
                }
                diags.push(d);
            } else if !p.is_live()
                && let Some(ps) = &p.status
            {
                diags.push(
                    Diagnostic::new(
                        Lint::InactivePrd,
                        format!("the Source PRD `{prd_name}` is {ps}"),
                    )
                    .at(at.clone())
                    .help("derive the design from a PRD in force, or give the design a dead status too"),
                );
            }
        }
        let Some(ps) = &p.status else { continue };
        if let Some(ts) = &t.status
            && config.is_final(ts)
            && !config.is_final(ps)
            && matches!((config.status_rank(ps), first_final), (Some(r), Some(f)) if r < f)
        {
            diags.push(
                Diagnostic::new(
                    Lint::PrdNotApproved,
                    format!("this TDD is {ts} while its PRD `{prd_name}` is still {ps}"),
                )
                .at(at),
            );
        }
    }
}

/// A document from what its chapter says: the facts are moved in; the
/// lints gathered with them are reported now that the chapter is known to be
/// a document.
fn document(
    chapter: ChapterId,
    kind: DocKind,
    facts: ChapterFacts,
    prd: Option<PrdRef>,
    refs: Option<Box<Declared>>,
    config: &Config,
    diags: &mut Diagnostics,
) -> Document {
    let is_tdd = kind == DocKind::Tdd;
    if let Some(d) = facts.status_problem {
        diags.push(d);
    }
    if is_tdd {
        for d in facts.leftovers {
            diags.push(d);
        }
    }
    let lifecycle =
        super::lifecycle::Lifecycle::new(facts.lifecycle, refs, facts.status.as_deref(), config);
    // A PRD defines requirements and open items; a TDD cites and resolves.
    let mut trace_facts = facts.trace;
    if is_tdd {
        trace_facts.requirements = Vec::new();
        trace_facts.questions = Vec::new();
    } else {
        trace_facts.citations = Vec::new();
        trace_facts.sections = Vec::new();
        trace_facts.resolutions = Vec::new();
    }
    let trace = super::trace::Trace {
        cited_by: vec![Vec::new(); trace_facts.requirements.len()],
        resolved_by: vec![Vec::new(); trace_facts.questions.len()],
        facts: trace_facts,
        ..super::trace::Trace::default()
    };
    let mut doc = Document {
        chapter,
        kind,
        title: facts.title,
        fields: facts
            .header
            .fields
            .into_iter()
            .map(|f| DocField {
                name: f.name,
                value: f.value,
            })
            .collect(),
        status: facts.status,
        status_raw: facts.status_raw,
        prd,
        derived: Vec::new(),
        tables: facts.tables,
        completeness: if is_tdd {
            facts.completeness
        } else {
            Vec::new()
        },
        placeholders: if is_tdd { facts.placeholders.len() } else { 0 },
        template: facts.template,
        open_items: 0,
        blockers: 0,
        refdefs: facts.refdefs,
        end: facts.end,
        lifecycle,
        card: facts.card,
        pin: None,
        trace,
    };
    if is_tdd {
        doc.open_items = doc.count_open_items();
        doc.blockers = doc.count_blockers();
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::facts::SectionState;
    use crate::analyze::templates::TemplateId;
    use crate::book::ChapterMeta;
    use crate::config::MarkdownOptions;
    use crate::diagnostic::Location;
    use crate::model::prd::PrdForm;
    use crate::syntax::outline::SectionNumber;

    fn meta(name: &str, path: &str) -> ChapterMeta {
        ChapterMeta::new(name, path, path, "src", true)
    }

    fn build(chapters: &[(&str, &str, &str)], config: &Config) -> (BookModel, Vec<Diagnostic>) {
        let metas: Vec<ChapterMeta> = chapters.iter().map(|(n, p, _)| meta(n, p)).collect();
        let g = TemplateProfile::from_template(
            crate::analyze::templates::BUILTIN,
            &MarkdownOptions::default(),
        );
        let facts: Vec<Option<Box<ChapterFacts>>> = chapters
            .iter()
            .enumerate()
            .map(|(i, (_, _, t))| {
                let scan = crate::syntax::scan::scan(t, &config.markdown);
                let locate = |o: usize| {
                    let (line, column) = crate::diagnostic::line_col(t, o);
                    Location {
                        file: metas[i].file.clone(),
                        line,
                        column,
                    }
                };
                Some(Box::new(ChapterFacts::new(
                    t,
                    "\n",
                    &scan,
                    &g,
                    TemplateId(0),
                    config,
                    crate::analyze::trace::Side::Either,
                    &locate,
                )))
            })
            .collect();
        let inputs: Vec<ChapterInput<'_>> = metas
            .iter()
            .map(|m| ChapterInput {
                meta: m,
                skeleton: None,
            })
            .collect();
        let mut d = Diagnostics::new();
        let index = PathIndex::new(&metas.iter().collect::<Vec<_>>());
        let classes = classify(&inputs, &facts, &index, config, &mut d);
        let m = assemble(&inputs, facts, classes, vec![g], config, &mut d);
        (m, d.into_vec())
    }

    const PRD: &str = "# Payments PRD\n\n**Status:** Approved\n\n---\n\nText.\n";

    #[test]
    fn resolves_prd_forms() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Payments PRD", "prd/pay.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Status:** draft\n**Source PRD:** [pay](../prd/pay.md)\n",
                ),
                ("B", "tdd/b.md", "# B\n\n**Source PRD:** ../prd/pay.md\n"),
                ("C", "tdd/x/c.md", "# C\n\n**Source PRD:** Payments PRD\n"),
                ("D", "tdd/d.md", "# D\n\n**Source PRD:** prd/pay.md\n"),
                (
                    "E",
                    "tdd/e.md",
                    "# E\n\n**Source PRD:** [x](../prd/paymnts.md)\n",
                ),
            ],
            &c,
        );
        let prd = m.document_of(ChapterId(0)).unwrap();
        assert_eq!(prd.kind, DocKind::Prd);
        assert_eq!(prd.status.as_deref(), Some("Approved"));
        assert_eq!(prd.derived.len(), 4);
        let a = m.document_of(ChapterId(1)).unwrap();
        assert_eq!(a.status.as_deref(), Some("Draft"));
        assert_eq!(a.prd.as_ref().unwrap().form, PrdForm::Link);
        assert_eq!(
            m.document_of(ChapterId(2))
                .unwrap()
                .prd
                .as_ref()
                .unwrap()
                .form,
            PrdForm::Path
        );
        assert_eq!(
            m.document_of(ChapterId(3))
                .unwrap()
                .prd
                .as_ref()
                .unwrap()
                .form,
            PrdForm::Name
        );
        assert_eq!(
            m.document_of(ChapterId(5))
                .unwrap()
                .prd
                .as_ref()
                .unwrap()
                .target,
            PrdTarget::Broken
        );
        let broken: Vec<_> = d.iter().filter(|d| d.lint == Lint::BrokenPrdLink).collect();
        assert_eq!(broken.len(), 1);
        assert_eq!(
            broken[0].location.as_ref().unwrap().to_string(),
            "src/tdd/e.md:3:17"
        );
        assert_eq!(
            broken[0].message,
            "Source PRD does not resolve to a chapter of this book: ../prd/paymnts.md"
        );
    }

    #[test]
    fn reference_links_as_source_prd() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Payments PRD", "prd/pay.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Source PRD:** [the PRD][p]\n\n[p]: ../prd/pay.md\n",
                ),
                (
                    "B",
                    "tdd/b.md",
                    "# B\n\n**Source PRD:** [Payments  PRD][]\n\n[payments prd]: <../prd/pay.md> \"T\"\n",
                ),
                (
                    "C",
                    "tdd/c.md",
                    "# C\n\n**Source PRD:** [pay]\n\n[PAY]: ../prd/pay.md#goals\n",
                ),
                ("D", "tdd/d.md", "# D\n\n**Source PRD:** [pay][nowhere]\n"),
            ],
            &c,
        );
        for i in 1..=3 {
            let p = m.document_of(ChapterId(i)).unwrap().prd.as_ref().unwrap();
            assert_eq!(
                (p.form, &p.target),
                (PrdForm::Link, &PrdTarget::Chapter(ChapterId(0))),
                "{p:?}"
            );
        }
        assert_eq!(
            m.document_of(ChapterId(0)).unwrap().derived,
            vec![DocId(1), DocId(2), DocId(3)]
        );
        let p = m.document_of(ChapterId(4)).unwrap().prd.as_ref().unwrap();
        assert_eq!(p.target, PrdTarget::Broken);
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn readme_links_are_reported() {
        let c = Config::default();
        let (m, d) = build(
            &[
                ("Intro", "README.md", PRD),
                (
                    "A",
                    "tdd/a.md",
                    "# A\n\n**Source PRD:** [intro](../README.md)\n",
                ),
                ("B", "tdd/b.md", "# B\n\n**Source PRD:** ../README.md\n"),
            ],
            &c,
        );
        assert_eq!(m.document_of(ChapterId(0)).unwrap().derived.len(), 2);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("serves as `index.html`"), "{}", d[0]);
        assert_eq!(
            d[0].notes,
            vec!["help: link to `../index.md` instead".to_string()]
        );
    }

    #[test]
    fn tables_and_counts() {
        let tdd = "# T\n\n**Status:** Approved\n**Source PRD:** x.md\n\n---\n\n## 10. Implementation\n\n### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status | Impact if Delayed |\n|---|---|---|---|\n| A | b | Ready | c |\n| B | b | **Blocked** | c |\n| {x} | {y} | {z} | {w} |\n\n## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|---|---|---|---|---|\n| Q | Risk | H | me | Open |\n| R | Risk | H | me | closed |\n";
        let c = Config::default();
        let (m, _) = build(&[("X", "x.md", PRD), ("T", "t.md", tdd)], &c);
        let t = m.document_of(ChapterId(1)).unwrap();
        assert_eq!(t.blockers(), 1);
        assert_eq!(t.open_items(), 1);
        assert_eq!(t.tables.len(), 2);
        assert_eq!(
            t.tables[0].section_number,
            Some(SectionNumber::new(&[10, 3]).unwrap())
        );
        assert!(t.tables[0].rows[2].placeholder);
        assert!(!t.tables[1].rows[1].placeholder);
        let states: Vec<SectionState> = t.completeness.iter().map(|s| s.state).collect();
        assert_eq!(states.len(), 12);
        assert_eq!(states[9], SectionState::Placeholder);
        assert_eq!(states[11], SectionState::Written);
        assert_eq!(states[0], SectionState::Missing);
    }

    #[test]
    fn lints_fire() {
        let c = Config::default();
        let (_, d) = build(
            &[
                ("P", "p.md", "# P\n\n**Status:** Draft\n"),
                ("R", "r.md", "# R\n\n**Status:** Rejected\n"),
                (
                    "T1",
                    "t1.md",
                    "# T1\n\n**Status:** Aproved\n**Source PRD:** p.md\n",
                ),
                (
                    "T2",
                    "t2.md",
                    "# T2\n\n**Status:** Approved\n**Source PRD:** p.md\n\n## 1. Overview\n{summary}\n",
                ),
                (
                    "T3",
                    "t3.md",
                    "# T3\n\n**Status:** Draft\n**Source PRD:** r.md\n",
                ),
                (
                    "T4",
                    "t4.md",
                    "# T4\n\n**Status:** Draft\n**Source PRD:** [{prd filename}]({relative path to prd})\n",
                ),
                ("T5", "t5.md", "# T5\n\n**Source PRD:** t5.md\n"),
            ],
            &c,
        );
        let lints: Vec<(&str, String)> = d
            .iter()
            .map(|d| (d.lint.name(), d.location.as_ref().unwrap().to_string()))
            .collect();
        assert!(
            lints.contains(&("unknown-status", "src/t1.md:3:13".into())),
            "{lints:?}"
        );
        assert!(d.iter().any(|d| {
            d.message.contains("did you mean `Approved`")
                || d.notes
                    .iter()
                    .any(|n| n.contains("did you mean `Approved`"))
        }));
        assert!(
            lints.contains(&("placeholder-in-final", "src/t2.md:7:1".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("prd-not-approved", "src/t2.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("inactive-prd", "src/t3.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("missing-prd", "src/t4.md:4:17".into())),
            "{lints:?}"
        );
        assert!(
            lints.contains(&("broken-prd-link", "src/t5.md:3:17".into())),
            "{lints:?}"
        );
    }

    #[test]
    fn fresh_skeleton_is_all_placeholders() {
        let c = Config::default();
        let (filled, _) = crate::analyze::skeleton::fill_template(
            crate::analyze::templates::BUILTIN,
            &[],
            &c.markdown,
        );
        let (m, _) = build(&[("S", "s.md", &filled)], &c);
        let s = m.document_of(ChapterId(0)).unwrap();
        assert!(
            s.completeness
                .iter()
                .all(|c| c.state == SectionState::Placeholder),
            "{:?}",
            s.completeness
        );
        assert_eq!(s.open_items(), 0);
        assert_eq!(s.blockers(), 0);
        assert!(s.placeholders > 50);
    }
}
