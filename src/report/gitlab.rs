//! `mdbook-tdd check --format gitlab`: a GitLab Code Quality report, the
//! subset of the Code Climate issue format that GitLab reads from an
//! `artifacts:reports:codequality` file and shows in merge requests.

use crate::diagnostic::{Diagnostic, Diagnostics, Level};
use crate::hash::{HashMap, HashSet};
use serde::Serialize;

/// The file a diagnostic without a place is reported at: the book as a
/// whole is its configuration.
pub(crate) const NO_PLACE: &str = "book.toml";

/// One finding.
#[derive(Debug, Serialize)]
pub struct CodeQualityIssue<'a> {
    /// What is wrong, with the `help:` and `note:` lines after it.
    pub description: String,
    /// The lint's stable name.
    pub check_name: &'static str,
    /// Identifies the finding across runs (see [`fingerprints`]).
    pub fingerprint: String,
    /// `major` for errors, `minor` for warnings.
    pub severity: &'static str,
    /// Where.
    pub location: CodeQualityLocation<'a>,
}

/// Where a finding is.
#[derive(Debug, Serialize)]
pub struct CodeQualityLocation<'a> {
    /// The file, relative to the book root, as `--format github` names it.
    pub path: &'a str,
    /// Its first line.
    pub lines: CodeQualityLines,
}

/// The lines of a finding.
#[derive(Debug, Serialize)]
pub struct CodeQualityLines {
    /// 1-based; 1 for a problem of the whole file.
    pub begin: usize,
}

/// The GitLab severity of a level. GitLab's scale is info, minor, major,
/// critical, blocker: an error fails the check and ranks above every
/// warning, the two rungs above it being left to tools that judge impact.
fn severity(level: Level) -> &'static str {
    match level {
        Level::Error => "major",
        _ => "minor",
    }
}

/// The file a diagnostic names, relative to the book root.
pub(crate) fn path(d: &Diagnostic) -> &str {
    d.location.as_ref().map_or(NO_PLACE, |l| l.file.as_str())
}

/// FNV-1a, 64 bits, over bytes. The fingerprint must stay the same across
/// runs, machines and Rust versions (GitLab compares it with the report of
/// the target branch), which std's `DefaultHasher` does not promise; it
/// need not resist an attacker, so no cryptographic hash is needed.
fn fnv1a64(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        // A separator that cannot occur in text, so that ("ab", "c") and
        // ("a", "bc") differ.
        if i > 0 {
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A fingerprint for every diagnostic, in order: the hash of its lint, its
/// file and its message, not its line, so that a finding keeps its
/// fingerprint when text above it moves. Fingerprints are unique within a
/// report: a finding whose fingerprint an earlier one took (the same
/// problem twice in one file, or a collision of the hash) is hashed again
/// with a counter, which depends only on the findings before it.
pub fn fingerprints<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<String> {
    fingerprints_counted(diags).0
}

/// [`fingerprints`], and the number of hashes tried. The counter of each
/// lint, file and message goes on from where its last finding left it, so
/// that n equal findings take n hashes, not n² / 2.
fn fingerprints_counted<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
) -> (Vec<String>, usize) {
    let mut seen = HashSet::default();
    let mut next: HashMap<u64, u64> = HashMap::default();
    let mut tries = 0;
    let out = diags
        .into_iter()
        .map(|d| {
            let base: [&[u8]; 3] = [
                d.lint.name().as_bytes(),
                path(d).as_bytes(),
                d.message.as_bytes(),
            ];
            let first = fnv1a64(&base);
            let n = next.entry(first).or_insert(0);
            loop {
                tries += 1;
                let hash = if *n == 0 {
                    first
                } else {
                    let counter = n.to_string();
                    fnv1a64(&[base[0], base[1], base[2], counter.as_bytes()])
                };
                *n += 1;
                if seen.insert(hash) {
                    return format!("{hash:016x}");
                }
            }
        })
        .collect();
    (out, tries)
}

/// The report: one issue per diagnostic, in the order of the diagnostics.
pub fn code_quality(diags: &Diagnostics) -> Vec<CodeQualityIssue<'_>> {
    diags
        .iter()
        .zip(fingerprints(diags))
        .map(|(d, fingerprint)| {
            let mut description = d.message.clone();
            for n in &d.notes {
                description.push('\n');
                description.push_str(n);
            }
            CodeQualityIssue {
                description,
                check_name: d.lint.name(),
                fingerprint,
                severity: severity(d.level),
                location: CodeQualityLocation {
                    path: path(d),
                    lines: CodeQualityLines {
                        begin: d.location.as_ref().map_or(1, |l| l.line.max(1)),
                    },
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Lint, Location};

    fn at(lint: Lint, message: &str, file: &str, line: usize) -> Diagnostic {
        Diagnostic::new(lint, message).at(Location {
            file: file.into(),
            line,
            column: 3,
        })
    }

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a64(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&[b"foobar"]), 0x8594_4171_f739_67e8);
        assert_ne!(fnv1a64(&[b"ab", b"c"]), fnv1a64(&[b"a", b"bc"]));
    }

    #[test]
    fn fingerprints_ignore_lines_and_stay_unique() {
        let a = at(Lint::BrokenPrdLink, "broken: x", "src/a.md", 4);
        let moved = at(Lint::BrokenPrdLink, "broken: x", "src/a.md", 40);
        let other_file = at(Lint::BrokenPrdLink, "broken: x", "src/b.md", 4);
        let other_lint = at(Lint::MissingPrd, "broken: x", "src/a.md", 4);
        let [fa] = fingerprints([&a]).try_into().unwrap();
        let [fm] = fingerprints([&moved]).try_into().unwrap();
        assert_eq!(fa, fm, "moving text keeps the fingerprint");
        assert_eq!(fa.len(), 16);
        let all = fingerprints([&a, &other_file, &other_lint]);
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), 3);
        // The same problem twice: unique, the first keeps its own, and the
        // same again on the next run.
        let twice = fingerprints([&a, &moved, &a]);
        assert_eq!(twice[0], fa);
        assert_eq!(twice.iter().collect::<HashSet<_>>().len(), 3);
        assert_eq!(twice, fingerprints([&a, &moved, &a]));
    }

    #[test]
    fn equal_findings_take_linear_time() {
        let a = at(Lint::UnknownDirective, "unknown directive", "src/a.md", 4);
        let b = at(Lint::UnknownDirective, "unknown directive", "src/b.md", 4);
        let many: Vec<&Diagnostic> = (0..20_000)
            .map(|i| if i % 2 == 0 { &a } else { &b })
            .collect();
        let (prints, tries) = fingerprints_counted(many.iter().copied());
        assert_eq!(prints.iter().collect::<HashSet<_>>().len(), many.len());
        assert!(
            tries <= many.len() + 10,
            "{tries} hashes for {} findings",
            many.len()
        );
    }

    #[test]
    fn issues_have_gitlab_fields() {
        let mut diags = Diagnostics::new();
        diags.push(at(Lint::UnknownDirective, "unknown", "src/a.md", 0).help("fix"));
        diags.push(Diagnostic::new(Lint::BadConfig, "bad"));
        diags.push(at(Lint::MissingPrd, "none", "src/b.md", 7));
        let v = serde_json::to_value(code_quality(&diags)).unwrap();
        assert_eq!(v[0]["severity"], "major");
        assert_eq!(v[0]["description"], "unknown\nhelp: fix");
        assert_eq!(v[0]["location"]["lines"]["begin"], 1);
        assert_eq!(v[1]["location"]["path"], "book.toml");
        assert_eq!(v[2]["severity"], "minor");
        assert_eq!(v[2]["check_name"], "missing-prd");
        assert_eq!(v[2]["location"]["lines"]["begin"], 7);
    }
}
