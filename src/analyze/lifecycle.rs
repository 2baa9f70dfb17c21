//! The header fields of a document's lifecycle, located while the chapter's
//! text is at hand: `Supersedes` (one value per comma-separated item),
//! `Superseded-By`, the review date (`Last Reviewed`, else `Date`) and where
//! the status is written. The model resolves them against the whole book
//! (`model::lifecycle`, `model::review`).

use crate::config::Config;
use crate::diagnostic::Location;
use crate::syntax::header::{Field, Header};
use std::ops::Range;

/// The names a successor field may be written with.
pub const SUPERSEDED_BY: &[&str] = &["Superseded-By", "Superseded By"];

/// The names of the review date field, before `Date`.
pub const LAST_REVIEWED: &[&str] = &["Last Reviewed", "Last-Reviewed"];

/// One value of a header field, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The value as written (trimmed).
    pub text: String,
    /// Its byte range in the chapter.
    pub range: Range<usize>,
    /// Where it is, for diagnostics.
    pub at: Location,
}

/// What a chapter's header says of its lifecycle (every document has one:
/// the rare parts are boxed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleFacts {
    /// The values of `Supersedes`, in order; values meaning "none" (`—`,
    /// `none`, `n/a`) are left out.
    pub supersedes: Vec<FieldValue>,
    /// The value of `Superseded-By`.
    pub superseded_by: Option<Box<FieldValue>>,
    /// The review date as written (`Last Reviewed`, else `Date`) and the
    /// name of its field; gathered only when `review-after` is configured.
    pub reviewed: Option<Box<(String, FieldValue)>>,
    /// Where the status value is (the document's H1 when it has none).
    pub status_at: Location,
}

fn first<'h>(header: &'h Header, names: &[&str]) -> Option<&'h Field> {
    names.iter().find_map(|n| header.get(n))
}

fn located(text: &str, range: Range<usize>, locate: &dyn Fn(usize) -> Location) -> FieldValue {
    FieldValue {
        text: text.to_string(),
        at: locate(range.start),
        range,
    }
}

/// Whether a value says there is nothing (`—`, `-`, `none`, `n/a`).
pub fn means_none(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '*' || c == '_').trim();
    matches!(v, "-" | "—" | "–") || v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("n/a")
}

impl LifecycleFacts {
    /// The lifecycle fields of a parsed header; `locate` turns offsets of
    /// the chapter into locations; `header_at` is where the document
    /// starts.
    pub fn new(
        header: &Header,
        config: &Config,
        locate: &dyn Fn(usize) -> Location,
        header_at: &Location,
    ) -> Self {
        let mut facts = LifecycleFacts {
            status_at: header
                .get("Status")
                .map_or_else(|| header_at.clone(), |f| locate(f.value_range.start)),
            ..LifecycleFacts::default()
        };
        if let Some(f) = header.get("Supersedes") {
            for r in split_values(&f.value) {
                let Some(v) = f.value.get(r.clone()) else {
                    continue;
                };
                if means_none(v) {
                    continue;
                }
                let at = f.value_range.start + r.start..f.value_range.start + r.end;
                facts.supersedes.push(located(v, at, locate));
            }
        }
        if let Some(f) = first(header, SUPERSEDED_BY).filter(|f| !means_none(&f.value)) {
            facts.superseded_by = Some(Box::new(located(&f.value, f.value_range.clone(), locate)));
        }
        if !config.review_after.is_empty()
            && let Some(f) = first(header, LAST_REVIEWED).or_else(|| header.get("Date"))
        {
            facts.reviewed = Some(Box::new((
                f.name.clone(),
                located(&f.value, f.value_range.clone(), locate),
            )));
        }
        facts
    }
}

/// The comma-separated items of a field value, as trimmed ranges of it.
/// A comma inside a link's text or destination (`[A, B](a.md)`), inside
/// angle brackets or a code span, or escaped (`\,`) separates nothing.
pub fn split_values(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    // The start of the last run of backticks of each length: a run opens a
    // code span only if a later run of its length closes it.
    let mut last_run: crate::hash::HashMap<usize, usize> = crate::hash::HashMap::default();
    let mut j = 0;
    while j < bytes.len() {
        if bytes[j] == b'`' {
            let run = bytes[j..].iter().take_while(|&&c| c == b'`').count();
            last_run.insert(run, j);
            j += run;
        } else {
            j += 1;
        }
    }
    let mut out = Vec::new();
    let (mut square, mut round, mut angle) = (0usize, 0usize, 0usize);
    let mut code: Option<usize> = None;
    let mut start = 0;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Range<usize>>| {
        let item = &value[from..to];
        let lead = item.len() - item.trim_start().len();
        let trimmed = item.trim();
        if !trimmed.is_empty() {
            out.push(from + lead..from + lead + trimmed.len());
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(ticks) = code {
            // Inside a code span: only a run of as many backticks ends it.
            if b == b'`' {
                let run = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                if run == ticks {
                    code = None;
                }
                i += run;
                continue;
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                i += 2;
                continue;
            }
            b'`' => {
                let run = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                // A run that nothing closes is text.
                if last_run.get(&run).is_some_and(|&l| l > i) {
                    code = Some(run);
                }
                i += run;
                continue;
            }
            b'[' => square += 1,
            b']' => square = square.saturating_sub(1),
            b'(' => round += 1,
            b')' => round = round.saturating_sub(1),
            b'<' => angle += 1,
            b'>' => angle = angle.saturating_sub(1),
            b',' if square == 0 && round == 0 && angle == 0 => {
                push(start, i, &mut out);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    push(start, bytes.len().max(start), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &str) -> Vec<&str> {
        split_values(v).into_iter().map(|r| &v[r]).collect()
    }

    #[test]
    fn splits_at_top_level_commas() {
        assert_eq!(items("a.md, b.md ,c.md"), ["a.md", "b.md", "c.md"]);
        assert_eq!(
            items("[Old, v1](old.md), [B](<b, c.md>), Name"),
            ["[Old, v1](old.md)", "[B](<b, c.md>)", "Name"]
        );
        assert_eq!(items("a\\, b, `x, y`, c"), ["a\\, b", "`x, y`", "c"]);
        assert_eq!(items(" , ,"), Vec::<&str>::new());
        assert_eq!(items("[unclosed, a"), ["[unclosed, a"]);
        assert_eq!(items("`open, a"), ["`open", "a"]);
        assert_eq!(items("é, ü\\"), ["é", "ü\\"]);
    }

    #[test]
    fn none_words() {
        for v in ["—", "-", " none ", "N/A", "*none*"] {
            assert!(means_none(v), "{v}");
        }
        assert!(!means_none("old.md"));
    }
}
