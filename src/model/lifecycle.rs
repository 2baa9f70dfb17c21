//! Supersession: which document replaces which, derived from one side.
//!
//! A newer document (TDD or PRD) names the documents it replaces in its
//! `**Supersedes:**` field (a link, a bare path or a chapter name, resolved
//! as Source PRDs are). From that alone the model derives each document's
//! successor, the chain of successors (A → B → C) and where the chain ends,
//! and whether the document is still live. A `**Superseded-By:**` field on
//! the older document is optional: checked, never believed.
//!
//! Everything is computed once, in time linear in the number of documents
//! and values: successors form a graph in which every document has at most
//! one outgoing edge, walked once with a mark per document, so a cycle is
//! found (and reported once, naming every member) without looping.

use super::prd::{PathIndex, PrdRef, PrdTarget, resolve_prd};
use super::{BookModel, DocId, DocKind, Document};
use crate::analyze::facts::ChapterFacts;
use crate::analyze::lifecycle::{FieldValue, LifecycleFacts};
use crate::book::ChapterMeta;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint};
use rayon::prelude::*;

/// How the chain of successors from a document ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChainEnd {
    /// Nothing supersedes the document: the chain ends with it.
    #[default]
    Here,
    /// The last document of the chain, which nothing supersedes.
    At(DocId),
    /// The chain runs into a cycle, entering it at this document (a member
    /// of a cycle enters it at itself).
    Cycle(DocId),
}

/// Where a document stands in its lifecycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifecycle {
    /// What the header says, located, as the analysis found it.
    pub declared: LifecycleFacts,
    /// The Supersedes and Superseded-By values, resolved (moved out when
    /// the book is linked).
    pub refs: Option<Box<Declared>>,
    /// The documents this one supersedes (those its Supersedes values
    /// resolve to and may supersede), in the order written.
    pub supersedes: Vec<DocId>,
    /// The document that supersedes this one.
    pub successor: Option<DocId>,
    /// How the chain of successors ends.
    pub end: ChainEnd,
    /// Whether the document is in force: its status is not one of
    /// `dead-statuses` and nothing supersedes it.
    pub live: bool,
    /// The review date, when `review-after` gives one for the status.
    pub review: Option<super::review::Review>,
}

impl Lifecycle {
    /// The lifecycle of a document before the book is linked: what its
    /// header says; live unless its status is dead.
    pub fn new(
        declared: LifecycleFacts,
        refs: Option<Box<Declared>>,
        status: Option<&str>,
        config: &Config,
    ) -> Lifecycle {
        Lifecycle {
            declared,
            refs,
            live: status.is_none_or(|s| config.is_live(s)),
            ..Lifecycle::default()
        }
    }
}

impl Document {
    /// Whether the document is in force (not dead, not superseded).
    pub fn is_live(&self) -> bool {
        self.lifecycle.live
    }

    /// The document that supersedes this one.
    pub fn successor(&self) -> Option<DocId> {
        self.lifecycle.successor
    }

    /// Whether another document supersedes this one.
    pub fn is_superseded(&self) -> bool {
        self.lifecycle.successor.is_some()
    }
}

/// The successors of a document, in order, each once: to the end of its
/// chain, or once around the cycle the chain runs into.
pub struct Chain<'m> {
    model: &'m BookModel,
    start: DocId,
    next: Option<DocId>,
    /// The cycle the chain runs into, and whether it was entered.
    cycle: Option<DocId>,
    entered: bool,
}

impl Iterator for Chain<'_> {
    type Item = DocId;

    fn next(&mut self) -> Option<DocId> {
        let id = self.next?;
        if let Some(c) = self.cycle
            && id == c
        {
            if self.entered || c == self.start {
                self.next = None;
                return None;
            }
            self.entered = true;
        }
        self.next = self.model.documents[id].lifecycle.successor;
        Some(id)
    }
}

impl BookModel {
    /// A document by id.
    pub fn doc(&self, id: DocId) -> &Document {
        &self.documents[id]
    }

    /// The chain of successors of a document: B, C for A → B → C.
    pub fn chain(&self, id: DocId) -> Chain<'_> {
        let l = &self.documents[id].lifecycle;
        Chain {
            model: self,
            start: id,
            next: l.successor,
            cycle: match l.end {
                ChainEnd::Cycle(c) => Some(c),
                _ => None,
            },
            entered: false,
        }
    }

    /// The newest document of a document's chain: the document itself when
    /// nothing supersedes it; `None` when the chain runs into a cycle.
    pub fn chain_end(&self, id: DocId) -> Option<DocId> {
        match self.documents[id].lifecycle.end {
            ChainEnd::Here => Some(id),
            ChainEnd::At(e) => Some(e),
            ChainEnd::Cycle(_) => None,
        }
    }

    /// The live designs of a PRD (its TDDs that are in force), in book
    /// order.
    pub fn live_designs<'m>(&'m self, prd: &'m Document) -> impl Iterator<Item = &'m Document> {
        prd.derived
            .iter()
            .map(|t| &self.documents[*t])
            .filter(|t| t.is_live())
    }

    /// Whether a PRD is covered: at least one of its designs is live.
    pub fn is_covered(&self, prd: &Document) -> bool {
        self.live_designs(prd).next().is_some()
    }
}

/// The Supersedes and Superseded-By values of a chapter, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    /// Each Supersedes value, in order.
    pub supersedes: Vec<PrdRef>,
    /// The Superseded-By value.
    pub superseded_by: Option<PrdRef>,
}

/// Resolves the lifecycle fields of every chapter that has them (in
/// parallel), as Source PRDs are resolved. Every chapter that has them was
/// scanned by the analysis, so this happens once, while the chapters are
/// classified.
pub fn resolve_declared(
    facts: &[Option<Box<ChapterFacts>>],
    chapters: &[&ChapterMeta],
    index: &PathIndex<'_>,
) -> Vec<Option<Box<Declared>>> {
    facts
        .par_iter()
        .with_max_len(8)
        .enumerate()
        .map(|(i, f)| {
            let f = f.as_ref()?;
            let l = &f.lifecycle;
            if l.supersedes.is_empty() && l.superseded_by.is_none() {
                return None;
            }
            let path = &chapters.get(i)?.path;
            let r = |v: &FieldValue| {
                resolve_prd(
                    &v.text,
                    v.range.clone(),
                    v.at.clone(),
                    path,
                    index,
                    &f.refdefs,
                )
            };
            Some(Box::new(Declared {
                supersedes: l.supersedes.iter().map(r).collect(),
                superseded_by: l.superseded_by.as_deref().map(r),
            }))
        })
        .collect()
}

/// A chapter that a document supersedes is a document of the same kind
/// (an old PRD that no TDD names any more is still a PRD): the kinds are
/// carried along Supersedes values from the documents found so far, each
/// chapter visited once.
pub fn propagate(declared: &[Option<Box<Declared>>], is_tdd: &mut [bool], is_prd: &mut [bool]) {
    let mut queue: std::collections::VecDeque<usize> = (0..declared.len())
        .filter(|&i| {
            declared[i].is_some()
                && (is_tdd.get(i).copied().unwrap_or(false)
                    || is_prd.get(i).copied().unwrap_or(false))
        })
        .collect();
    while let Some(i) = queue.pop_front() {
        let tdd = is_tdd[i];
        let Some(d) = &declared[i] else { continue };
        for r in &d.supersedes {
            let PrdTarget::Chapter(t) = r.target else {
                continue;
            };
            let t = t.0;
            if t >= is_tdd.len() || is_tdd[t] || is_prd[t] {
                continue;
            }
            if tdd {
                is_tdd[t] = true;
            } else {
                is_prd[t] = true;
            }
            if declared.get(t).is_some_and(Option::is_some) {
                queue.push_back(t);
            }
        }
    }
}

fn kind_name(k: DocKind) -> &'static str {
    match k {
        DocKind::Tdd => "TDD",
        DocKind::Prd => "PRD",
    }
}

/// Links the book's documents by their Supersedes fields: successors,
/// chains, liveness, and the lints of all of it.
pub fn link(model: &mut BookModel, config: &Config, diags: &mut Diagnostics) {
    let n = model.documents.len();
    let resolved: Vec<Declared> = model
        .documents
        .iter_mut()
        .map(|d| d.lifecycle.refs.take().map(|b| *b).unwrap_or_default())
        .collect();
    // Successors, in book order: the first document to supersede another
    // is its successor. `by[old]` is the successor and which of its values
    // names `old`.
    let mut by: Vec<Option<(DocId, usize)>> = vec![None; n];
    let mut supersedes: Vec<Vec<DocId>> = vec![Vec::new(); n];
    let source = |m: &BookModel, id: DocId| m.chapters[m.documents[id].chapter].source_path.clone();
    for (di, r) in resolved.iter().enumerate() {
        let new = DocId(di);
        let kind = model.documents[new].kind;
        for (k, v) in r.supersedes.iter().enumerate() {
            let problem = |lint, message: String| Diagnostic::new(lint, message).at(v.at.clone());
            let target = match v.target {
                PrdTarget::Unset => continue,
                PrdTarget::Broken => {
                    diags.push(
                        problem(
                            Lint::SupersedesBroken,
                            format!(
                                "Supersedes does not resolve to a chapter of this book: {}",
                                v.target_text
                            ),
                        )
                        .help("name the older document by a link, its path or its chapter name"),
                    );
                    continue;
                }
                PrdTarget::Chapter(t) => t,
            };
            let Some(old) = model.doc_of_chapter.get(target.0).copied().flatten() else {
                diags.push(
                    problem(
                        Lint::SupersedesBroken,
                        format!(
                            "Supersedes names `{}`, which is neither a TDD nor a PRD",
                            model.chapters[target].source_path
                        ),
                    )
                    .help("a document supersedes a TDD or a PRD: give the older one a Source PRD field, or match it with `tdd-paths` or `prd-paths`"),
                );
                continue;
            };
            if old == new {
                diags.push(
                    problem(
                        Lint::SupersedesSelf,
                        "this document names itself in Supersedes".into(),
                    )
                    .help("name the older document it replaces"),
                );
                continue;
            }
            let old_kind = model.documents[old].kind;
            if old_kind != kind {
                diags.push(
                    problem(
                        Lint::SupersedesKind,
                        format!(
                            "this {} supersedes `{}`, which is a {}",
                            kind_name(kind),
                            source(model, old),
                            kind_name(old_kind)
                        ),
                    )
                    .help("a TDD supersedes TDDs and a PRD supersedes PRDs"),
                );
                continue;
            }
            match by[old.0] {
                Some((s, _)) if s == new => {}
                Some((s, _)) => diags.push(
                    problem(
                        Lint::SupersededTwice,
                        format!(
                            "`{}` is already superseded by `{}`; a document has one successor",
                            source(model, old),
                            source(model, s)
                        ),
                    )
                    .help(format!(
                        "to make a chain, supersede `{}` instead",
                        source(model, s)
                    )),
                ),
                None => {
                    by[old.0] = Some((new, k));
                    supersedes[di].push(old);
                }
            }
        }
    }
    let ends = chain_ends(&by, |cycle| {
        report_cycle(model, &resolved, &by, cycle, diags);
    });
    for (i, d) in model.documents.iter_mut().enumerate() {
        d.lifecycle.successor = by[i].map(|(s, _)| s);
        d.lifecycle.end = ends[i];
        d.lifecycle.supersedes = std::mem::take(&mut supersedes[i]);
        if d.lifecycle.successor.is_some() {
            d.lifecycle.live = false;
        }
    }
    for (i, r) in resolved.iter().enumerate() {
        if let Some(v) = &r.superseded_by {
            check_superseded_by(model, DocId(i), v, diags);
        }
    }
    check_statuses(model, config, diags);
}

/// How every chain ends, in one walk: each document is marked when its
/// walk starts and when its end is known, so none is visited twice, and
/// reaching a document marked on the current walk closes a cycle, handed to
/// `on_cycle` (members in successor order).
fn chain_ends(by: &[Option<(DocId, usize)>], mut on_cycle: impl FnMut(&[DocId])) -> Vec<ChainEnd> {
    const NEW: u8 = 0;
    const WALKING: u8 = 1;
    const DONE: u8 = 2;
    let n = by.len();
    let mut state = vec![NEW; n];
    let mut ends = vec![ChainEnd::Here; n];
    let mut pos = vec![0usize; n];
    let mut path: Vec<DocId> = Vec::new();
    // What a predecessor of a finished document inherits.
    let inherit = |ends: &[ChainEnd], w: DocId| match ends[w.0] {
        ChainEnd::Here => ChainEnd::At(w),
        e => e,
    };
    for start in 0..n {
        if state[start] != NEW || by[start].is_none() {
            state[start] = DONE.max(state[start]);
            continue;
        }
        path.clear();
        let mut v = DocId(start);
        let tail = loop {
            match state[v.0] {
                DONE => break inherit(&ends, v),
                WALKING => {
                    let cycle = &path[pos[v.0]..];
                    for m in cycle {
                        ends[m.0] = ChainEnd::Cycle(*m);
                        state[m.0] = DONE;
                    }
                    on_cycle(cycle);
                    path.truncate(pos[v.0]);
                    break ChainEnd::Cycle(v);
                }
                _ => {
                    state[v.0] = WALKING;
                    pos[v.0] = path.len();
                    path.push(v);
                    match by[v.0] {
                        Some((s, _)) => v = s,
                        None => {
                            path.pop();
                            state[v.0] = DONE;
                            break ChainEnd::At(v);
                        }
                    }
                }
            }
        };
        for m in &path {
            ends[m.0] = tail;
            state[m.0] = DONE;
        }
    }
    ends
}

/// One diagnostic per cycle, at the Supersedes value of its first member in
/// book order, naming every member.
fn report_cycle(
    model: &BookModel,
    resolved: &[Declared],
    by: &[Option<(DocId, usize)>],
    cycle: &[DocId],
    diags: &mut Diagnostics,
) {
    // In successor order each member supersedes the one before it.
    let Some(first) = (0..cycle.len()).min_by_key(|&i| cycle[i]) else {
        return;
    };
    let len = cycle.len();
    let pred = cycle[(first + len - 1) % len];
    let Some((_, k)) = by[pred.0] else { return };
    let Some(at) = resolved
        .get(cycle[first].0)
        .and_then(|r| r.supersedes.get(k))
        .map(|v| v.at.clone())
    else {
        return;
    };
    let name = |id: DocId| {
        format!(
            "`{}`",
            model.chapters[model.documents[id].chapter].source_path
        )
    };
    let mut text = name(cycle[first]);
    for step in 1..=len {
        let m = cycle[(first + len - step) % len];
        text.push_str(if step == 1 {
            " supersedes "
        } else {
            ", which supersedes "
        });
        text.push_str(&name(m));
    }
    diags.push(
        Diagnostic::new(
            Lint::SupersedeCycle,
            format!("documents supersede each other in a cycle: {text}"),
        )
        .at(at)
        .help("the newest document supersedes the older ones; remove the Supersedes value that points forward"),
    );
}

const SUPERSEDED_BY_HELP: &str = "name the document that supersedes this one, or drop the field: the successor comes from its Supersedes";

/// A Superseded-By value agrees with the successor, or is reported.
fn check_superseded_by(model: &BookModel, old: DocId, v: &PrdRef, diags: &mut Diagnostics) {
    let problem = |lint, message: String| Diagnostic::new(lint, message).at(v.at.clone());
    let named = match v.target {
        PrdTarget::Unset => return,
        PrdTarget::Broken => {
            diags.push(
                problem(
                    Lint::SupersedesBroken,
                    format!(
                        "Superseded-By does not resolve to a chapter of this book: {}",
                        v.target_text
                    ),
                )
                .help(SUPERSEDED_BY_HELP),
            );
            return;
        }
        PrdTarget::Chapter(t) => t,
    };
    let Some(named_doc) = model.doc_of_chapter.get(named.0).copied().flatten() else {
        diags.push(
            problem(
                Lint::SupersedesBroken,
                format!(
                    "Superseded-By names `{}`, which is neither a TDD nor a PRD",
                    model.chapters[named].source_path
                ),
            )
            .help(SUPERSEDED_BY_HELP),
        );
        return;
    };
    let path = |id: DocId| &model.chapters[model.documents[id].chapter].source_path;
    match model.documents[old].lifecycle.successor {
        Some(s) if s == named_doc => {}
        Some(s) => diags.push(
            problem(
                Lint::SupersededByMismatch,
                format!(
                    "Superseded-By names `{}`, but `{}` is what supersedes this document",
                    path(named_doc),
                    path(s)
                ),
            )
            .help(format!(
                "name `{}` here, or drop the field: the successor comes from Supersedes",
                path(s)
            )),
        ),
        None => {
            let here = &model.chapters[model.documents[old].chapter];
            let there = &model.chapters[model.documents[named_doc].chapter];
            diags.push(
                problem(
                    Lint::SupersededByMismatch,
                    format!(
                        "Superseded-By names `{}`, which does not name this document in its Supersedes",
                        there.source_path
                    ),
                )
                .help(format!(
                    "add `**Supersedes:** {}` to `{}`",
                    crate::links::relative_path(&there.path, &here.path),
                    there.source_path
                )),
            );
        }
    }
}

/// `superseded-status` and `superseded-orphan`: the status word agrees with
/// what supersedes the document (a superseded document is in a dead status,
/// a document in the superseded status is superseded).
fn check_statuses(model: &BookModel, config: &Config, diags: &mut Diagnostics) {
    for d in &model.documents {
        let l = &d.lifecycle;
        let status = d.status.as_deref();
        match l.successor {
            Some(s) if !matches!(l.end, ChainEnd::Cycle(_)) => {
                // Any dead status will do: a design may be Rejected in
                // favour of its successor rather than Superseded.
                if status.is_some_and(|st| config.is_superseded_status(st) || !config.is_live(st)) {
                    continue;
                }
                let by = &model.chapters[model.documents[s].chapter].source_path;
                let shown = status.or(d.status_raw.as_deref());
                let message = match shown {
                    Some(st) => format!("`{by}` supersedes this document, but its status is {st}"),
                    None => format!("`{by}` supersedes this document, but it has no status"),
                };
                let help = match &config.superseded_status {
                    Some(want) => format!("set `**Status:** {want}`"),
                    None => format!(
                        "give it one of the dead statuses: {}",
                        config.dead_statuses.join(", ")
                    ),
                };
                diags.push(
                    Diagnostic::new(Lint::SupersededStatus, message)
                        .at(l.declared.status_at.clone())
                        .help(help),
                );
            }
            Some(_) => {}
            None => {
                let Some(want) = &config.superseded_status else {
                    continue;
                };
                if status.is_some_and(|st| st.eq_ignore_ascii_case(want)) {
                    diags.push(
                        Diagnostic::new(
                            Lint::SupersededOrphan,
                            format!("this document is {want}, but no document supersedes it"),
                        )
                        .at(l.declared.status_at.clone())
                        .help("name it in the Supersedes field of the document that replaces it, or change its status"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(by: &[Option<usize>]) -> (Vec<ChainEnd>, Vec<Vec<usize>>) {
        let by: Vec<Option<(DocId, usize)>> = by.iter().map(|b| b.map(|s| (DocId(s), 0))).collect();
        let mut cycles = Vec::new();
        let e = chain_ends(&by, |c| cycles.push(c.iter().map(|d| d.0).collect()));
        (e, cycles)
    }

    #[test]
    fn chains_end_or_cycle() {
        // 0 → 1 → 2; 3 → 2; 4 → 5 → 6 → 4; 7 → 5; 8 alone; 9 → 9 cannot be
        // built (self), so 9 → 8.
        let (e, cycles) = ends(&[
            Some(1),
            Some(2),
            None,
            Some(2),
            Some(5),
            Some(6),
            Some(4),
            Some(5),
            None,
            Some(8),
        ]);
        use ChainEnd::*;
        assert_eq!(
            e,
            [
                At(DocId(2)),
                At(DocId(2)),
                Here,
                At(DocId(2)),
                Cycle(DocId(4)),
                Cycle(DocId(5)),
                Cycle(DocId(6)),
                Cycle(DocId(5)),
                Here,
                At(DocId(8)),
            ]
        );
        assert_eq!(cycles, [vec![4, 5, 6]]);
        // A walk that starts outside a cycle enters it where it meets it.
        let (e, cycles) = ends(&[Some(1), Some(2), Some(1)]);
        assert_eq!(e, [Cycle(DocId(1)), Cycle(DocId(1)), Cycle(DocId(2))]);
        assert_eq!(cycles, [vec![1, 2]]);
    }

    #[test]
    fn long_chains_take_one_walk() {
        let n = 200_000;
        let by: Vec<Option<usize>> = (0..n).map(|i| (i + 1 < n).then_some(i + 1)).collect();
        let (e, cycles) = ends(&by);
        assert!(cycles.is_empty());
        assert!(e[..n - 1].iter().all(|e| *e == ChainEnd::At(DocId(n - 1))));
        let mut by = by;
        by[n - 1] = Some(0);
        let (e, cycles) = ends(&by);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n);
        assert!(
            e.iter()
                .enumerate()
                .all(|(i, e)| *e == ChainEnd::Cycle(DocId(i)))
        );
    }
}
