//! PRD version pins: the version of its PRD a TDD was written against,
//! written after the Source PRD (`**Source PRD:** [P](p.md) @ 1.2`), and
//! how it compares with the PRD's own `**Version:**`.
//!
//! A pin is the last ` @ VERSION` of the value: white space, `@`, and one
//! word without white space up to the end. After a link (`[P](p.md)`,
//! `<p.md>`) any such word is the pin; after a bare path or a name only one
//! that starts like a version (a digit, or `v` and a digit), so that a name
//! such as `Team @ Acme` stays a name. A path or name that resolves only
//! with its ` @ …` suffix (a chapter named `Release @ 2`) keeps it: then
//! there is no pin.

use super::prd::PrdTarget;
use super::{BookModel, DocKind};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Lint};
use rayon::prelude::*;
use semver::Version;
use std::ops::Range;

/// A pin as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The version as written (`1.2`, `v1.2.3`).
    pub text: String,
    /// Byte range of the version in the chapter text.
    pub range: Range<usize>,
}

/// Where a Source PRD value splits into the reference and the pin: the
/// length of the reference (trimmed), and the pin's offset and text in
/// `value`. `None` when the value has no pin.
pub fn split_pin(value: &str) -> Option<(usize, usize, &str)> {
    let trimmed = value.trim_end();
    let at = trimmed.rfind('@')?;
    let before = trimmed.get(..at)?;
    if !before.ends_with([' ', '\t']) {
        return None;
    }
    let reference = before.trim_end();
    let after = trimmed.get(at + 1..)?;
    let word = after.trim_start();
    let version_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
    if reference.is_empty() || word.is_empty() || !word.chars().all(version_char) {
        return None;
    }
    let is_link = reference.starts_with(['[', '<']);
    if !is_link && !looks_like_version(word) {
        return None;
    }
    Some((reference.len(), trimmed.len() - word.len(), word))
}

/// Whether a word starts like a version: a digit, or `v` and a digit.
fn looks_like_version(word: &str) -> bool {
    let w = word.strip_prefix(['v', 'V']).unwrap_or(word);
    w.starts_with(|c: char| c.is_ascii_digit())
}

/// A version read leniently: `1` is 1.0.0, `1.2` is 1.2.0, a leading `v`
/// is dropped; pre-release and build parts as semver has them
/// (`1.2.3-rc.1`, `1.2-rc.1`). `None` for anything else.
pub fn parse_version(text: &str) -> Option<Version> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let core_end = t.find(['-', '+']).unwrap_or(t.len());
    let (core, rest) = t.split_at(core_end);
    let parts = core.split('.').count();
    let padded = match parts {
        1 => format!("{core}.0.0{rest}"),
        2 => format!("{core}.0{rest}"),
        _ => t.to_string(),
    };
    Version::parse(&padded).ok()
}

/// How a TDD's pin compares with its PRD's Version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum PinState {
    /// The same major and minor version (the PRD may have a newer patch:
    /// see [`PinStatus::patch_behind`]).
    Current,
    /// The PRD moved on by a minor or major version.
    Outdated,
    /// The pin is newer than the PRD.
    Predated,
    /// The TDD names no version.
    Unpinned,
    /// The pin or the PRD's Version is missing or not a version: nothing
    /// to compare.
    Unversioned,
}

impl PinState {
    /// The state's name (`current`, `outdated`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PinState::Current => "current",
            PinState::Outdated => "outdated",
            PinState::Predated => "predated",
            PinState::Unpinned => "unpinned",
            PinState::Unversioned => "unversioned",
        }
    }
}

/// A TDD's pin judged against its PRD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinStatus {
    /// The pin as written.
    pub version: Option<String>,
    /// The PRD's Version as written.
    pub prd_version: Option<String>,
    /// How they compare.
    pub state: PinState,
    /// Current, but the PRD has a newer patch (or a release of the
    /// pinned pre-release).
    pub patch_behind: bool,
}

/// Compares a pin with a PRD's Version (both as written).
pub fn compare(pin: Option<&str>, prd_version: Option<&str>) -> PinStatus {
    let status = |state, patch_behind| PinStatus {
        version: pin.map(str::to_string),
        prd_version: prd_version.map(str::to_string),
        state,
        patch_behind,
    };
    let Some(pin) = pin else {
        return status(PinState::Unpinned, false);
    };
    let (Some(p), Some(v)) = (parse_version(pin), prd_version.and_then(parse_version)) else {
        return status(PinState::Unversioned, false);
    };
    if p.cmp_precedence(&v).is_gt() {
        status(PinState::Predated, false)
    } else if (p.major, p.minor) != (v.major, v.minor) {
        status(PinState::Outdated, false)
    } else {
        status(PinState::Current, p.cmp_precedence(&v).is_lt())
    }
}

impl PinStatus {
    /// The text of a `pin` cell: `current`, `1.2 (PRD 1.4)` (outdated),
    /// `1.5 (PRD only 1.4)` (predated), `unpinned`.
    pub fn summary(&self) -> String {
        let v = self.version.as_deref().unwrap_or("");
        let prd = self.prd_version.as_deref().unwrap_or("");
        match self.state {
            PinState::Current if self.patch_behind => format!("current (PRD {prd})"),
            PinState::Current => "current".to_string(),
            PinState::Outdated => format!("{v} (PRD {prd})"),
            PinState::Predated => format!("{v} (PRD only {prd})"),
            PinState::Unpinned => "unpinned".to_string(),
            PinState::Unversioned if prd.is_empty() => format!("{v} (PRD unversioned)"),
            PinState::Unversioned => format!("{v} (PRD {prd}?)"),
        }
    }
}

/// Judges the pin of every TDD whose Source PRD is a PRD of the book, and
/// reports outdated, predated and missing pins and versions that cannot be
/// compared.
pub fn judge(model: &mut BookModel, config: &Config, diags: &mut Diagnostics) {
    // Each design on its own, in parallel (in small pieces: the designs of
    // a book sit together); the states and diagnostics kept in book order.
    let judged: Vec<Option<(PinStatus, Option<Diagnostic>)>> = model
        .documents
        .par_iter()
        .with_max_len(32)
        .map(|d| {
        if d.kind != DocKind::Tdd {
            return None;
        }
        let r = d.prd.as_ref()?;
        let PrdTarget::Chapter(t) = r.target else {
            return None;
        };
        let prd = model.document_of(t)?;
        if prd.kind != DocKind::Prd {
            return None;
        }
        let prd_version = prd.field("Version").filter(|v| !v.trim().is_empty());
        let status = compare(r.pin.as_ref().map(|p| p.text.as_str()), prd_version);
        let name = &model.chapters[prd.chapter].name;
        let file = &model.chapters[d.chapter].file;
        let pin_help =
            || format!("review the design against the PRD, then run `mdbook-tdd pin {file}`");
        let v = status.version.as_deref().unwrap_or("");
        let pv = status.prd_version.as_deref().unwrap_or("");
        let diag = match status.state {
            PinState::Current => None,
            // Nothing to pin to.
            PinState::Unpinned if prd_version.is_none() => None,
            PinState::Outdated => Some(
                Diagnostic::new(
                    Lint::OutdatedPin,
                    format!("this TDD was written against `{name}` {v}; the PRD is now {pv}"),
                )
                .help(pin_help()),
            ),
            PinState::Predated => Some(
                Diagnostic::new(
                    Lint::PredatedPin,
                    format!(
                        "this TDD is pinned to {v} of `{name}`, newer than the PRD's Version {pv}"
                    ),
                )
                .help(format!(
                    "correct the pin, or run `mdbook-tdd pin {file}` to set it to {pv}"
                )),
            ),
            PinState::Unpinned => Some(
                Diagnostic::new(
                    Lint::UnpinnedPrd,
                    format!("the Source PRD names no version of `{name}` (it is at {pv})"),
                )
                .help(format!(
                    "run `mdbook-tdd pin {file}` to record the version the design follows"
                )),
            ),
            PinState::Unversioned => {
                let message = if parse_version(v).is_none() {
                    format!("the pin `{v}` is not a version (write it like 1.2 or v1.2.3)")
                } else if pv.is_empty() {
                    format!("this TDD is pinned to {v}, but `{name}` has no `**Version:**` field")
                } else {
                    format!(
                        "the Version `{pv}` of `{name}` is not a version, so the pin {v} cannot be compared"
                    )
                };
                Some(Diagnostic::new(Lint::BadVersion, message))
            }
        };
        // A dead design follows no PRD any more.
        let diag = diag.filter(|_| d.is_live()).map(|mut dg| {
            // At its configured level: a lint allowed by default would be
            // dropped before the configuration is applied.
            dg.level = config.lints.level(dg.lint);
            dg.at(r.at.clone())
        });
        Some((status, diag))
        })
        .collect();
    for (d, j) in model.documents.iter_mut().zip(judged) {
        if let Some((status, diag)) = j {
            d.pin = Some(status);
            if let Some(dg) = diag {
                diags.push(dg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::internals::fill_template;
    use crate::syntax::directive::Arg;

    #[test]
    fn pins_split_off_the_end() {
        fn pin(v: &str) -> Option<(&str, &str, &str)> {
            split_pin(v).map(|(len, at, p)| (&v[..len], &v[at..at + p.len()], p))
        }
        assert_eq!(pin("[P](p.md) @ 1.2"), Some(("[P](p.md)", "1.2", "1.2")));
        assert_eq!(
            pin("p.md\t@ v1.2.3-rc.1 "),
            Some(("p.md", "v1.2.3-rc.1", "v1.2.3-rc.1"))
        );
        assert_eq!(
            pin("[P](p.md) @latest"),
            Some(("[P](p.md)", "latest", "latest"))
        );
        // After a path or name only a word that starts like a version.
        assert_eq!(pin("Team @ Acme"), None);
        assert_eq!(pin("Release @ 2"), Some(("Release", "2", "2")));
        // No white space before the `@`, nothing after it, no reference, an
        // `@` inside the link.
        assert_eq!(pin("p.md@1.2"), None);
        assert_eq!(pin("[P](p.md) @"), None);
        assert_eq!(pin("@ 1.2"), None);
        assert_eq!(pin("[Team @ 1](p.md)"), None);
        assert_eq!(pin("[Team @ 1.2](p.md)"), None);
        assert_eq!(pin("p.md @ 1.2 x"), None);
        assert_eq!(pin("p.md @ é1"), None);
        assert_eq!(pin(""), None);
        assert_eq!(pin("@"), None);
        assert_eq!(pin(" @ 1"), None);
    }

    #[test]
    fn versions_are_read_leniently() {
        let v = |s: &str| parse_version(s).map(|v| v.to_string());
        assert_eq!(v("1").as_deref(), Some("1.0.0"));
        assert_eq!(v("1.2").as_deref(), Some("1.2.0"));
        assert_eq!(v("v1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(v("V1.2-rc.1").as_deref(), Some("1.2.0-rc.1"));
        assert_eq!(v("1.2.3-rc.1+b5").as_deref(), Some("1.2.3-rc.1+b5"));
        for bad in [
            "",
            "v",
            "latest",
            "1.2.3.4",
            "1..2",
            "-1",
            "1.x",
            "01.2",
            "99999999999999999999",
        ] {
            assert_eq!(v(bad), None, "{bad}");
        }
    }

    #[test]
    fn states() {
        let s = |p: Option<&str>, v: Option<&str>| {
            let c = compare(p, v);
            (c.state, c.patch_behind)
        };
        use PinState::*;
        assert_eq!(s(Some("1.2"), Some("1.2.0")), (Current, false));
        assert_eq!(s(Some("1.2"), Some("1.2.1")), (Current, true));
        assert_eq!(s(Some("1.2.0-rc.1"), Some("1.2")), (Current, true));
        assert_eq!(s(Some("1.2"), Some("1.3")), (Outdated, false));
        assert_eq!(s(Some("1.9.9"), Some("2")), (Outdated, false));
        assert_eq!(s(Some("1.3"), Some("1.2.9")), (Predated, false));
        assert_eq!(s(Some("1.2.1"), Some("1.2.0")), (Predated, false));
        assert_eq!(s(None, Some("1.2")), (Unpinned, false));
        assert_eq!(s(None, None), (Unpinned, false));
        assert_eq!(s(Some("1.2"), None), (Unversioned, false));
        assert_eq!(s(Some("x"), Some("1.2")), (Unversioned, false));
        assert_eq!(s(Some("1.2"), Some("draft")), (Unversioned, false));
        // Build metadata does not order versions.
        assert_eq!(s(Some("1.2.0+a"), Some("1.2.0+b")), (Current, false));
    }

    #[test]
    fn the_skeleton_pin_follows_the_source_prd_in_any_order() {
        let tpl = "# {title}\n\n**Status:** Draft\n**Source PRD:**\n\n---\n";
        let arg = |k: &str, v: &str| Arg {
            key: k.to_string(),
            value: v.to_string(),
            span: 0..0,
        };
        let options = crate::config::MarkdownOptions::default();
        for args in [
            vec![arg("prd-version", "1.2"), arg("prd", "p.md")],
            vec![arg("prd", "p.md"), arg("prd-version", "1.2")],
        ] {
            let (text, problems) = fill_template(tpl, &args, &options);
            assert!(problems.is_empty(), "{problems:?}");
            assert!(
                text.contains("**Source PRD:** [p.md](p.md) @ 1.2\n"),
                "{text}"
            );
        }
    }
}
