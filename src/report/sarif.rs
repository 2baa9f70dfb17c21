//! `mdbook-tdd check --format sarif`: a SARIF 2.1.0 log, for GitHub code
//! scanning and the other tools that read SARIF.

use super::gitlab::path;
use crate::diagnostic::{Diagnostics, Level, Lint};
use serde::Serialize;

/// The schema a log names in `$schema`: the OASIS SARIF 2.1.0 schema (with
/// its errata).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where to read about the tool.
const INFORMATION_URI: &str = "https://crates.io/crates/mdbook-tdd";

/// The whole log.
#[derive(Debug, Serialize)]
pub struct SarifLog {
    /// [`SARIF_SCHEMA`].
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: [SarifRun; 1],
}

/// The run of `check`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRun {
    /// mdbook-tdd and its rules.
    pub tool: SarifTool,
    /// Columns count characters (Unicode code points), as in every other
    /// report of mdbook-tdd, not UTF-16 code units.
    pub column_kind: &'static str,
    /// One result per diagnostic.
    pub results: Vec<SarifResult>,
}

/// The tool.
#[derive(Debug, Serialize)]
pub struct SarifTool {
    /// Its driver.
    pub driver: SarifDriver,
}

/// mdbook-tdd.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifDriver {
    /// `mdbook-tdd`.
    pub name: &'static str,
    /// The crate's version.
    pub version: &'static str,
    /// The same, as a semantic version.
    pub semantic_version: &'static str,
    /// [`INFORMATION_URI`].
    pub information_uri: &'static str,
    /// Every lint, in declaration order (results point at them by index).
    pub rules: Vec<SarifRule>,
}

/// A lint.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRule {
    /// The lint's stable name.
    pub id: &'static str,
    /// What it reports.
    pub short_description: SarifText,
    /// What it reports, its default level and how to change it.
    pub help: SarifText,
    /// Its default level.
    pub default_configuration: SarifConfiguration,
}

/// Plain text.
#[derive(Debug, Serialize)]
pub struct SarifText {
    /// The text.
    pub text: String,
}

/// A rule's default configuration.
#[derive(Debug, Serialize)]
pub struct SarifConfiguration {
    /// `error` or `warning`.
    pub level: &'static str,
}

/// A diagnostic.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The lint's stable name.
    pub rule_id: &'static str,
    /// The lint's place in `rules`.
    pub rule_index: usize,
    /// `error` or `warning`, after configuration and `--strict`.
    pub level: &'static str,
    /// The message, with the `help:` and `note:` lines after it.
    pub message: SarifText,
    /// Where.
    pub locations: [SarifLocation; 1],
}

/// A place.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    /// In a file.
    pub physical_location: SarifPhysicalLocation,
}

/// A place in a file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifPhysicalLocation {
    /// The file.
    pub artifact_location: SarifArtifactLocation,
    /// The line and column.
    pub region: SarifRegion,
}

/// A file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifArtifactLocation {
    /// Relative to the book root, percent-encoded as a URI reference.
    pub uri: String,
    /// `%SRCROOT%`: the root of the checked-out sources.
    pub uri_base_id: &'static str,
}

/// A line and column.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRegion {
    /// 1-based; 1 for a problem of the whole file.
    pub start_line: usize,
    /// 1-based, in characters; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Allow => "none",
    }
}

/// A relative path as a URI reference: every byte but the unreserved
/// characters of RFC 3986 and `/` percent-encoded, so that spaces, `%`, `#`
/// and `?` in file names stay part of the path.
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule(lint: Lint) -> SarifRule {
    let description = lint.description();
    let default = level(lint.default_level());
    let help = if lint.is_configurable() {
        format!(
            "{description} Default level: {default}. Set it under [preprocessor.tdd.lints] in book.toml: `{} = \"allow\"` (or \"warn\", \"deny\"); `check --strict` makes warnings errors.",
            lint.name()
        )
    } else {
        format!("{description} Always an error: its level cannot be configured.")
    };
    SarifRule {
        id: lint.name(),
        short_description: SarifText { text: description },
        help: SarifText { text: help },
        default_configuration: SarifConfiguration { level: default },
    }
}

/// The log of a run's diagnostics.
pub fn sarif(diags: &Diagnostics) -> SarifLog {
    let results = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            for n in &d.notes {
                text.push('\n');
                text.push_str(n);
            }
            let (line, column) = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
            SarifResult {
                rule_id: d.lint.name(),
                rule_index: Lint::ALL.iter().position(|l| *l == d.lint).unwrap_or(0),
                level: level(d.level),
                message: SarifText { text },
                locations: [SarifLocation {
                    physical_location: SarifPhysicalLocation {
                        artifact_location: SarifArtifactLocation {
                            uri: uri_reference(path(d)),
                            uri_base_id: "%SRCROOT%",
                        },
                        region: SarifRegion {
                            start_line: line.max(1),
                            start_column: (line > 0 && column > 0).then_some(column),
                        },
                    },
                }],
            }
        })
        .collect();
    SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "mdbook-tdd",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: Lint::ALL.iter().map(|l| rule(*l)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Location};

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_reference("src/tdd/a-b_c.d~.md"), "src/tdd/a-b_c.d~.md");
        assert_eq!(
            uri_reference("src/my doc#1?%.md"),
            "src/my%20doc%231%3F%25.md"
        );
        assert_eq!(uri_reference("src/ü.md"), "src/%C3%BC.md");
    }

    #[test]
    fn results_point_at_their_rules() {
        let mut diags = Diagnostics::new();
        diags.push(
            Diagnostic::new(Lint::MissingPrd, "none")
                .at(Location {
                    file: "src/a.md".into(),
                    line: 3,
                    column: 5,
                })
                .note("n"),
        );
        diags.push(Diagnostic::new(Lint::BadConfig, "bad").at(Location::book_toml()));
        let v = serde_json::to_value(sarif(&diags)).unwrap();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Lint::ALL.len());
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(run["results"][0]["message"]["text"], "none\nnote: n");
        assert_eq!(run["results"][0]["level"], "warning");
        let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 3);
        assert_eq!(region["startColumn"], 5);
        let region = &run["results"][1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 1);
        assert!(region.get("startColumn").is_none());
        assert_eq!(run["results"][1]["level"], "error");
    }
}
