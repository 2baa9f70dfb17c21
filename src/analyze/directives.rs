//! Checking the directives a scan found: known names, known arguments, a
//! directive on its own in its block, one skeleton per chapter. What passes
//! becomes a [`Directive`] to render.

use crate::analyze::query::{self, Query};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint, Location, closest};
use crate::syntax::directive::{Arg, ArgProblem, DirectiveKind};
use crate::syntax::scan::{ChapterScan, Leaf};
use std::ops::Range;

/// A table directive of ours, checked, its arguments parsed into a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// What it asks for.
    pub query: Query,
    /// Byte range from `{{#` to `}}`.
    pub span: Range<usize>,
    /// Whether its arguments were all right. A directive with bad ones is
    /// still checked against the book (so that every problem is reported at
    /// once) but not rendered.
    pub well_formed: bool,
}

/// The skeleton (`{{#tdd-skeleton}}` or `{{#prd-skeleton}}`) of a
/// chapter, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skeleton {
    /// Which skeleton: it decides the default template and what the
    /// chapter is (a TDD or a PRD).
    pub kind: DirectiveKind,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Byte range from `{{#` to `}}`.
    pub span: Range<usize>,
}

/// The directives of a chapter that passed the checks.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The table directives, in order.
    pub directives: Vec<Directive>,
    /// The skeleton, if the chapter has one.
    pub skeleton: Option<Skeleton>,
}

/// At most this many unknown arguments of one directive are reported one by
/// one.
pub const MAX_ARG_REPORTS: usize = 10;

/// Checks the directives a scan found; reports problems and returns the
/// usable ones.
pub fn check_directives(
    scan: &ChapterScan,
    config: &Config,
    locate: &dyn Fn(usize) -> Location,
    diags: &mut Diagnostics,
) -> Checked {
    let mut out = Checked::default();
    let mut skeleton_at: Option<(usize, DirectiveKind)> = None;
    for found in &scan.directives {
        let raw = match &found.parsed {
            Ok(raw) => raw,
            Err(e) => {
                diags.push(
                    Diagnostic::new(
                        Lint::MalformedDirective,
                        format!("malformed directive `{{{{#{}}}}}`: {}", e.name, e.message),
                    )
                    .at(locate(e.at)),
                );
                continue;
            }
        };
        let Some(kind) = DirectiveKind::from_name(&raw.name) else {
            let mut d = Diagnostic::new(
                Lint::UnknownDirective,
                format!("unknown directive `{{{{#{}}}}}`", raw.name),
            )
            .at(locate(found.start));
            if let Some(c) = closest(&raw.name, DirectiveKind::ALL.iter().map(|k| k.name())) {
                d = d.help(format!("did you mean `{{{{#{c}}}}}`?"));
            }
            let names: Vec<&str> = DirectiveKind::ALL.iter().map(|k| k.name()).collect();
            diags.push(d.note(format!("known directives: {}", names.join(", "))));
            continue;
        };
        let in_block = matches!(found.leaf, Leaf::Paragraph | Leaf::ListItem);
        if !found.alone || !in_block {
            let place = match found.leaf {
                Leaf::Heading => "a heading",
                Leaf::TableCell => "a table cell",
                Leaf::Paragraph | Leaf::ListItem => "a paragraph with other text",
                Leaf::Other => "this place",
            };
            diags.push(
                Diagnostic::new(
                    Lint::DirectiveNotAlone,
                    format!("`{{{{#{kind}}}}}` produces blocks and cannot stand in {place}"),
                )
                .at(locate(found.start))
                .help("put the directive on its own, with a blank line before and after it"),
            );
            continue;
        }
        if kind.is_skeleton() {
            if found.nested {
                diags.push(
                    Diagnostic::new(
                        Lint::DirectiveNotAlone,
                        format!("`{{{{#{kind}}}}}` builds the whole chapter and must stand at its top level, not in a list or block quote"),
                    )
                    .at(locate(found.start)),
                );
                continue;
            }
            // One skeleton of either kind: a chapter is one document.
            if let Some((first, first_kind)) = skeleton_at {
                let first = locate(first);
                let message = if first_kind == kind {
                    format!("a chapter may hold only one `{{{{#{kind}}}}}`")
                } else {
                    format!(
                        "a chapter may hold only one skeleton; it already holds a `{{{{#{first_kind}}}}}`"
                    )
                };
                diags.push(
                    Diagnostic::new(Lint::DuplicateSkeleton, message)
                        .at(locate(found.start))
                        .note(format!("the first one is at {first}")),
                );
                continue;
            }
            skeleton_at = Some((found.start, kind));
            out.skeleton = Some(Skeleton {
                kind,
                args: raw.args.clone(),
                span: raw.span.clone(),
            });
            continue;
        } else {
            let params = kind.params();
            let mut ok = true;
            let unknown = raw
                .args
                .iter()
                .filter(|a| !params.contains(&a.key.as_str()))
                .count();
            for (n, a) in raw
                .args
                .iter()
                .filter(|a| !params.contains(&a.key.as_str()))
                .enumerate()
            {
                ok = false;
                // A directive with thousands of bad arguments gets a few
                // reports and a count, not thousands of lines.
                if n == MAX_ARG_REPORTS {
                    diags.push(
                        Diagnostic::new(
                            Lint::BadArgument,
                            format!(
                                "{} more unknown arguments for `{{{{#{kind}}}}}`",
                                unknown - MAX_ARG_REPORTS
                            ),
                        )
                        .at(locate(a.span.start)),
                    );
                    break;
                }
                let mut d = Diagnostic::new(
                    Lint::BadArgument,
                    format!("unknown argument `{}` for `{{{{#{kind}}}}}`", a.key),
                )
                .at(locate(a.span.start));
                if let Some(c) = closest(&a.key, params.iter().copied()) {
                    d = d.help(format!("did you mean `{c}`?"));
                }
                let valid = if params.is_empty() {
                    "it takes no arguments".to_string()
                } else {
                    format!("valid arguments: {}", params.join(", "))
                };
                diags.push(d.note(valid));
            }
            if !ok {
                continue;
            }
        }
        let (query, problems) = query::parse(kind, &raw.args, config);
        let well_formed = problems.is_empty();
        for p in problems {
            diags.push(arg_problem(p, kind, raw.span.start, locate));
        }
        out.directives.push(Directive {
            query,
            span: raw.span.clone(),
            well_formed,
        });
    }
    out
}

pub(crate) fn arg_problem(
    p: ArgProblem,
    kind: DirectiveKind,
    fallback: usize,
    locate: &dyn Fn(usize) -> Location,
) -> Diagnostic {
    let at = if p.span.is_empty() {
        fallback
    } else {
        p.span.start
    };
    let mut d = Diagnostic::new(
        Lint::BadArgument,
        format!("`{{{{#{kind}}}}}`: {}", p.message),
    )
    .at(locate(at));
    if let Some(h) = p.help {
        d = d.help(h);
    }
    d
}
