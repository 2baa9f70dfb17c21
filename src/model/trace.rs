//! Traceability across documents: which TDDs cite each requirement of a
//! PRD, which TDD rows resolve each of its open items, and the lints that
//! need both sides (`unknown-requirement`, `duplicate-id`,
//! `uncited-requirement`, `unmatched-prd-item`).
//!
//! Requirement IDs are looked up in one index of the whole book; open items
//! per PRD by ID (a map) and by text (a sorted list searched by prefix), so
//! the work grows with the number of citations and rows, not with their
//! product.

use super::prd::PrdTarget;
use super::{BookModel, DocId, DocKind};
use crate::analyze::trace::{QuestionDef, ResolutionRow, TraceFacts, match_key};
use crate::config::{Config, IdPattern};
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, closest};
use crate::hash::{HashMap, HashSet};
use rayon::prelude::*;

/// Requirements (of PRDs) with at most this many IDs are searched for the
/// closest ID to suggest, for at most this many unknown IDs per TDD: the
/// work stays a constant per design.
const SUGGEST_AMONG: usize = 512;
const SUGGESTIONS: usize = 8;

/// Where a requirement ID is defined: first, and first by a live PRD.
struct Defs {
    first: (DocId, usize),
    first_live: Option<(DocId, usize)>,
}

/// What a citation or a row points at: a PRD and the index of a
/// requirement or open item of it.
type Target = Option<(DocId, usize)>;

/// What the model knows of a document's traceability.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// What its chapter says.
    pub facts: TraceFacts,
    /// PRDs: for each requirement, the TDDs citing it, each once, in book
    /// order, with the index of the (first) citation.
    pub cited_by: Vec<Vec<(DocId, usize)>>,
    /// PRDs: for each open item, the live TDDs resolving it, with the index
    /// of the row.
    pub resolved_by: Vec<Vec<(DocId, usize)>>,
    /// PRDs: requirements cited by some live TDD.
    pub cited: usize,
    /// PRDs: open items resolved by some live TDD.
    pub resolved: usize,
    /// TDDs: for each citation, the requirement it names (PRD, index).
    pub cites: Vec<Option<(DocId, usize)>>,
    /// TDDs: for each resolution row, the open item it resolves.
    pub resolves: Vec<Option<(DocId, usize)>>,
}

/// The family of an ID: the ID without its last digits (`PAY-` of
/// `PAY-11`). An undefined ID is reported only when its family is some
/// defined ID's, so that `SHA-256` or `UTF-8` in a design are no
/// citations.
pub fn family(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// The open items of one PRD, indexed.
struct Questions<'q> {
    items: &'q [QuestionDef],
    /// By upper-case ID.
    by_id: HashMap<String, usize>,
    /// Match keys, each followed by a space, sorted.
    keys: Vec<(String, usize)>,
}

impl<'q> Questions<'q> {
    fn new(items: &'q [QuestionDef]) -> Self {
        let mut by_id = HashMap::with_capacity_and_hasher(items.len(), Default::default());
        let mut keys = Vec::with_capacity(items.len());
        for (i, q) in items.iter().enumerate() {
            by_id.entry(q.id.to_uppercase()).or_insert(i);
            if !q.key.is_empty() {
                keys.push((format!("{} ", q.key), i));
            }
        }
        keys.sort();
        Questions { items, by_id, keys }
    }

    fn ids(&self) -> String {
        let mut s: Vec<&str> = self.items.iter().take(10).map(|q| q.id.as_str()).collect();
        if self.items.len() > 10 {
            s.push("…");
        }
        s.join(", ")
    }
}

/// Why a row resolves no open item.
enum Miss {
    /// It names an ID the PRD does not have.
    NoSuchId(String),
    /// Its text matches no item.
    NoMatch,
    /// Its text matches several (the first few).
    Several(Vec<usize>),
}

/// The open item a row resolves. `None`: the row is about a requirement
/// (it starts with a requirement ID), not an open item.
///
/// Rules, in order: the row starts with an item's ID (`Q2`, `Q2:`, any
/// case); a link in it whose fragment is an item's ID (`#q2`); its text,
/// normalized, is an item's text or the first words of exactly one item's.
fn resolve(
    row: &ResolutionRow,
    q: &Questions<'_>,
    pattern: &IdPattern,
) -> Option<Result<usize, Miss>> {
    let item = row.item.trim();
    let end = item
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        .map_or(item.len(), |(i, _)| i);
    let (token, rest) = item.split_at(end);
    if !token.is_empty() {
        if let Some(&i) = q.by_id.get(&token.to_uppercase()) {
            return Some(Ok(i));
        }
        if pattern.whole.is_match(token) {
            return None;
        }
        let looks_like_id = token.chars().next().is_some_and(char::is_alphabetic)
            && token
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
            && token.chars().any(|c| c.is_ascii_digit())
            && token.chars().count() <= 16;
        let shaped = token
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .chars()
            .all(char::is_alphabetic);
        if looks_like_id && (rest.starts_with(':') || shaped) {
            return Some(Err(Miss::NoSuchId(token.to_string())));
        }
    }
    if let Some(f) = &row.fragment
        && let Some(&i) = q.by_id.get(&f.to_uppercase())
    {
        return Some(Ok(i));
    }
    let key = match_key(item);
    if key.is_empty() {
        return Some(Err(Miss::NoMatch));
    }
    let want = format!("{key} ");
    let lo = q.keys.partition_point(|(k, _)| k.as_str() < want.as_str());
    let found: Vec<&(String, usize)> = q
        .keys
        .get(lo..)
        .unwrap_or_default()
        .iter()
        .take_while(|(k, _)| k.starts_with(&want))
        .take(6)
        .collect();
    let exact: Vec<usize> = found
        .iter()
        .filter(|(k, _)| k == &want)
        .map(|(_, i)| *i)
        .collect();
    Some(match (exact.as_slice(), found.as_slice()) {
        ([i], _) => Ok(*i),
        ([], [(_, i)]) => Ok(*i),
        ([], []) => Err(Miss::NoMatch),
        ([], many) => Err(Miss::Several(many.iter().map(|(_, i)| *i).collect())),
        (many, _) => Err(Miss::Several(many.to_vec())),
    })
}

/// What linking one design found: its citations' and rows' targets (PRD,
/// index, the citation's or row's index) and its diagnostics.
#[derive(Default)]
struct Linked {
    cited: Vec<(DocId, usize, usize)>,
    cites: Vec<Target>,
    resolved: Vec<(DocId, usize, usize)>,
    resolves: Option<Vec<Target>>,
    diags: Diagnostics,
}

/// Links citations to requirements and resolution rows to open items, and
/// reports what does not match.
pub fn link(model: &mut BookModel, config: &Config, diags: &mut Diagnostics) {
    let docs = &model.documents;
    let name = |d: DocId| model.chapters[docs[d].chapter].name.as_str();
    let file = |d: DocId| model.chapters[docs[d].chapter].file.as_str();
    // Every requirement ID: its first definition, its first in a live PRD,
    // and the first in each PRD.
    let count: usize = docs
        .iter()
        .filter(|d| d.kind == DocKind::Prd)
        .map(|d| d.trace.facts.requirements.len())
        .sum();
    let mut index: HashMap<&str, Defs> =
        HashMap::with_capacity_and_hasher(count, Default::default());
    let mut in_doc: HashMap<(&str, DocId), usize> =
        HashMap::with_capacity_and_hasher(count, Default::default());
    for (di, d) in docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DocKind::Prd)
    {
        let di = DocId(di);
        for (ri, r) in d.trace.facts.requirements.iter().enumerate() {
            let id = r.id.as_str();
            let defs = index.entry(id).or_insert(Defs {
                first: (di, ri),
                first_live: None,
            });
            let earlier = match in_doc.get(&(id, di)) {
                Some(&pi) => Some((di, pi)),
                None => defs.first_live.filter(|_| d.is_live()),
            };
            if let Some((p, pi)) = earlier {
                let first = &docs[p].trace.facts.requirements[pi];
                let message = if p == di {
                    format!("requirement `{id}` is defined twice in this PRD")
                } else {
                    format!("requirement `{id}` is defined by the PRD `{}` too", name(p))
                };
                diags.push(
                    Diagnostic::new(Lint::DuplicateId, message)
                        .at_offset(file(di), r.at)
                        .note_at("first defined at ", file(p), first.at)
                        .help("give each requirement an ID of its own; designs cite the first definition"),
                );
            }
            in_doc.entry((id, di)).or_insert(ri);
            if d.is_live() && defs.first_live.is_none() {
                defs.first_live = Some((di, ri));
            }
        }
        let mut ids: HashMap<String, usize> = HashMap::default();
        for (qi, q) in d.trace.facts.questions.iter().enumerate() {
            if let Some(&first) = ids.get(&q.id.to_uppercase()) {
                diags.push(
                    Diagnostic::new(
                        Lint::DuplicateId,
                        format!("open item `{}` is defined twice in this PRD", q.id),
                    )
                    .at_offset(file(di), q.at)
                    .note_at(
                        "first defined at ",
                        file(di),
                        d.trace.facts.questions[first].at,
                    )
                    .help("give each open question an ID of its own (`Q5: …`); designs resolve the first"),
                );
            } else {
                ids.insert(q.id.to_uppercase(), qi);
            }
        }
    }
    let families: HashSet<&str> = index.keys().map(|id| family(id)).collect();
    let source_of = |d: &super::Document| match d.prd.as_ref().map(|p| &p.target) {
        Some(PrdTarget::Chapter(c)) => model.doc_of_chapter.get(c.0).copied().flatten(),
        _ => None,
    };
    // The open items of each PRD that live designs' rows resolve, indexed
    // once each.
    let mut q_of: HashMap<DocId, usize> = HashMap::default();
    let mut q_prds: Vec<DocId> = Vec::new();
    for t in docs
        .iter()
        .filter(|d| d.kind == DocKind::Tdd && d.is_live() && !d.trace.facts.resolutions.is_empty())
    {
        if let Some(p) = source_of(t).filter(|p| docs[*p].kind == DocKind::Prd) {
            q_of.entry(p).or_insert_with(|| {
                q_prds.push(p);
                q_prds.len() - 1
            });
        }
    }
    let indexed: Vec<Questions<'_>> = q_prds
        .par_iter()
        .map(|p| Questions::new(&docs[*p].trace.facts.questions))
        .collect();
    // Each design is linked on its own, in parallel (in small pieces: the
    // designs of a book sit together); what they find is merged in book
    // order.
    let tdds: Vec<DocId> = (0..docs.len())
        .map(DocId)
        .filter(|&d| docs[d].kind == DocKind::Tdd)
        .collect();
    let linked: Vec<Linked> = tdds
        .par_iter()
        .with_max_len(32)
        .map(|&ti| {
            let t = &docs[ti];
            let mut out = Linked::default();
            let diags = &mut out.diags;
            let prd = source_of(t).filter(|p| docs[*p].kind == DocKind::Prd);
            let mut reported: HashSet<&str> = HashSet::default();
            let mut found = Vec::with_capacity(t.trace.facts.citations.len());
            for (ci, c) in t.trace.facts.citations.iter().enumerate() {
                let id = c.id.as_str();
                let target = prd
                    .and_then(|p| in_doc.get(&(id, p)).map(|&ri| (p, ri)))
                    .or_else(|| {
                        index
                            .get(id)
                            .map(|defs| defs.first_live.unwrap_or(defs.first))
                    });
                found.push(target);
                match target {
                    Some((p, ri)) => out.cited.push((p, ri, ci)),
                    None if families.contains(family(id)) && reported.insert(id) => {
                        let mut d = Diagnostic::new(
                            Lint::UnknownRequirement,
                            format!("requirement `{}` is defined by no PRD of this book", c.id),
                        )
                        .at_offset(file(ti), c.at);
                        let reqs = prd.map(|p| &docs[p].trace.facts.requirements);
                        if let Some(reqs) =
                            reqs.filter(|r| r.len() <= SUGGEST_AMONG && reported.len() <= SUGGESTIONS)
                            && let Some(s) = closest(&c.id, reqs.iter().map(|r| r.id.as_str()))
                        {
                            d = d.help(format!("did you mean `{s}`?"));
                        } else {
                            d = d.help("cite an ID of the PRD's requirements table, or add the requirement to it");
                        }
                        diags.push(d);
                    }
                    None => {}
                }
            }
            out.cites = found;
            let rows = &t.trace.facts.resolutions;
            if rows.is_empty() || !t.is_live() {
                return out;
            }
            let Some(q) = prd.and_then(|p| q_of.get(&p)).and_then(|&i| indexed.get(i)) else {
                return out;
            };
            let Some(p) = prd else { return out };
            let mut found = Vec::with_capacity(rows.len());
            for (ri, row) in rows.iter().enumerate() {
                let m = resolve(row, q, &config.requirement_pattern);
                found.push(match &m {
                    Some(Ok(i)) => Some((p, *i)),
                    _ => None,
                });
                let Some(m) = m else { continue };
                let prd_name = name(p);
                let problem = match m {
                    Ok(i) => {
                        out.resolved.push((p, i, ri));
                        continue;
                    }
                    Err(_) if q.items.is_empty() => Diagnostic::new(
                        Lint::UnmatchedPrdItem,
                        format!(
                            "the PRD `{prd_name}` has no open items for `{}` to resolve",
                            row.item
                        ),
                    )
                    .help(format!(
                        "a PRD's open items are the entries under its `{}` heading and its `[TBD]` markers",
                        config.open_questions_heading
                    )),
                    Err(Miss::NoSuchId(id)) => Diagnostic::new(
                        Lint::UnmatchedPrdItem,
                        format!("the PRD `{prd_name}` has no open item `{id}`"),
                    )
                    .help(format!("its open items: {}", q.ids())),
                    Err(Miss::NoMatch) => Diagnostic::new(
                        Lint::UnmatchedPrdItem,
                        format!(
                            "`{}` matches no open item of the PRD `{prd_name}`",
                            row.item
                        ),
                    )
                    .help(format!(
                        "start the row with the item's ID ({}), or with the first words of its text",
                        q.ids()
                    )),
                    Err(Miss::Several(is)) => {
                        let ids: Vec<&str> = is.iter().filter_map(|i| q.items.get(*i)).map(|q| q.id.as_str()).collect();
                        Diagnostic::new(
                            Lint::UnmatchedPrdItem,
                            format!(
                                "`{}` matches several open items of the PRD `{prd_name}`: {}",
                                row.item,
                                ids.join(", ")
                            ),
                        )
                        .help("start the row with the item's ID")
                    }
                };
                diags.push(problem.at_offset(file(ti), row.at));
            }
            out.resolves = Some(found);
            out
        })
        .collect();
    let mut cited: Vec<(DocId, usize, DocId, usize)> = Vec::new();
    let mut resolved: Vec<(DocId, usize, DocId, usize)> = Vec::new();
    let mut cites: Vec<(DocId, Vec<Target>)> = Vec::with_capacity(tdds.len());
    let mut resolves: Vec<(DocId, Vec<Target>)> = Vec::new();
    for (&ti, l) in tdds.iter().zip(linked) {
        diags.extend(l.diags);
        cited.extend(l.cited.into_iter().map(|(p, ri, ci)| (p, ri, ti, ci)));
        resolved.extend(l.resolved.into_iter().map(|(p, qi, ri)| (p, qi, ti, ri)));
        cites.push((ti, l.cites));
        if let Some(found) = l.resolves {
            resolves.push((ti, found));
        }
    }
    drop(indexed);
    let live: Vec<bool> = model.documents.iter().map(|d| d.is_live()).collect();
    for (p, ri, t, ci) in cited {
        if let Some(list) = model.documents[p].trace.cited_by.get_mut(ri)
            && list.last().is_none_or(|(last, _)| *last != t)
        {
            list.push((t, ci));
        }
    }
    for (p, qi, t, ri) in resolved {
        if let Some(list) = model.documents[p].trace.resolved_by.get_mut(qi) {
            list.push((t, ri));
        }
    }
    for (t, found) in cites {
        model.documents[t].trace.cites = found;
    }
    for (t, found) in resolves {
        model.documents[t].trace.resolves = found;
    }
    model
        .documents
        .par_iter_mut()
        .with_max_len(32)
        .for_each(|d| {
            // A row that repeats an ID of its PRD (reported as `duplicate-id`)
            // shows the citations of the first, which designs cite.
            let t = &mut d.trace;
            let mut first: HashMap<&str, usize> = HashMap::default();
            for (ri, r) in t.facts.requirements.iter().enumerate() {
                match first.get(r.id.as_str()) {
                    Some(&f) if f != ri => {
                        if let Some(list) = t.cited_by.get(f).cloned()
                            && let Some(slot) = t.cited_by.get_mut(ri)
                        {
                            *slot = list;
                        }
                    }
                    _ => {
                        first.insert(r.id.as_str(), ri);
                    }
                }
            }
            d.trace.cited = d
                .trace
                .cited_by
                .iter()
                .filter(|l| l.iter().any(|(t, _)| live[t.0]))
                .count();
            d.trace.resolved = d.trace.resolved_by.iter().filter(|l| !l.is_empty()).count();
        });
    let any_requirements = model.prds().any(|d| !d.trace.facts.requirements.is_empty());
    let any_questions = model.prds().any(|d| !d.trace.facts.questions.is_empty());
    model.any_requirements = any_requirements;
    model.any_questions = any_questions;
    uncited(model, config, diags);
}

/// `uncited-requirement`: the requirements of a live PRD in a final status
/// that no live design cites, once it has live designs and all of them are
/// final.
fn uncited(model: &BookModel, config: &Config, diags: &mut Diagnostics) {
    for d in model.prds() {
        let Some(status) = d.status.as_deref() else {
            continue;
        };
        if !d.is_live() || !config.is_final(status) || d.trace.facts.requirements.is_empty() {
            continue;
        }
        let mut designs = model.live_designs(d).peekable();
        if designs.peek().is_none()
            || !designs.all(|t| t.status.as_deref().is_some_and(|s| config.is_final(s)))
        {
            continue;
        }
        // A requirement defined twice is reported once (and as a duplicate).
        let mut seen: HashSet<&str> = HashSet::default();
        for (r, by) in d.trace.facts.requirements.iter().zip(&d.trace.cited_by) {
            if !seen.insert(r.id.as_str()) || by.iter().any(|(t, _)| model.documents[*t].is_live())
            {
                continue;
            }
            diags.push(
                Diagnostic::new(
                    Lint::UncitedRequirement,
                    format!(
                        "requirement `{}` of this {status} PRD is cited by no live design, and all its designs are final",
                        r.id
                    ),
                )
                .at_offset(&model.chapter(d).file, r.at)
                .help(format!(
                    "cite `{}` in the design that addresses it, or move it out of this PRD",
                    r.id
                )),
            );
        }
    }
}
