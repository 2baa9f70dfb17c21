//! The `[preprocessor.tdd]` table described as a type: every key with its
//! type, default and meaning, for the JSON Schema editors check book.toml
//! against (`mdbook-tdd schema config`).
//!
//! [`Config::from_book_config`](super::Config::from_book_config) reads the
//! table by hand, so that one run reports every problem of it at once; the
//! tests below keep the two in step (the same keys, values of the described
//! types accepted, others refused).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[preprocessor.tdd]` table of book.toml: how mdbook-tdd finds, checks
/// and renders the book's technical design documents (TDDs) and product
/// requirement documents (PRDs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TddTable {
    /// The template `{{#tdd-skeleton}}` expands: a Markdown file, relative to
    /// the book root, inside it. Default: the built-in TDD template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub template: Option<String>,
    /// The template `{{#prd-skeleton}}` expands: a Markdown file, relative to
    /// the book root, inside it. Default: the built-in PRD template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub prd_template: Option<String>,
    /// The status vocabulary, in order (tables sort by it). Statuses are
    /// matched ignoring case.
    #[serde(default = "defaults::statuses")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub statuses: Vec<String>,
    /// Statuses in which placeholders and template guidance left in a TDD
    /// are reported (`placeholder-in-final`). Each must be one of `statuses`.
    #[serde(default = "defaults::final_statuses")]
    pub final_statuses: Vec<String>,
    /// Statuses of documents no longer in force. Each must be one of
    /// `statuses`; by default those of the defaults the vocabulary has.
    #[serde(default = "defaults::dead_statuses")]
    pub dead_statuses: Vec<String>,
    /// The status of a superseded document; one of `dead-statuses`. By
    /// default `Superseded` if the vocabulary has it (else any dead status
    /// will do).
    #[serde(default = "defaults::superseded_status")]
    pub superseded_status: String,
    /// Days within which a document in a status must be reviewed again
    /// after its `Last Reviewed` date (or its `Date`), by status:
    /// `Draft = 30`. Each status must be one of `statuses`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(schema_with = "review_after_schema"))]
    pub review_after: BTreeMap<String, u32>,
    /// Append the list of TDDs derived from a PRD to its page.
    #[serde(default = "defaults::yes")]
    pub backlinks: bool,
    /// The heading of that list.
    #[serde(default = "defaults::backlinks_heading")]
    pub backlinks_heading: String,
    /// Insert a card (status, Source PRD, open items, completeness) after the
    /// header of every TDD and PRD page.
    #[serde(default = "defaults::yes")]
    pub page_cards: bool,
    /// Insert a status banner (superseded by, rejected in favour of, not in
    /// force) at the top of every TDD and PRD page no longer in force.
    #[serde(default = "defaults::yes")]
    pub banners: bool,
    /// What a requirement ID looks like, as a regular expression (the
    /// `regex` crate's syntax): a PRD table row whose ID cell is one defines a
    /// requirement, and a TDD citing it is found wherever the ID stands in
    /// its prose outside code. Default: letters, a hyphen, digits (`PAY-11`).
    #[serde(default = "defaults::requirement_pattern")]
    pub requirement_pattern: String,
    /// The heading of a PRD's section of open questions, matched ignoring
    /// case and a leading section number.
    #[serde(default = "defaults::open_questions_heading")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub open_questions_heading: String,
    /// Globs, relative to the src directory, of chapters that are TDDs
    /// (besides chapters with a skeleton or a `Source PRD` field):
    /// `tdd/**/*.md`. `mdbook-tdd new` writes into the directory of the
    /// first one.
    #[serde(default)]
    pub tdd_paths: Vec<String>,
    /// Globs, relative to the src directory, of chapters that are PRDs
    /// (besides the chapters Source PRDs lead to): `prd/*.md`.
    #[serde(default)]
    pub prd_paths: Vec<String>,
    /// Report every warning as an error.
    #[serde(default)]
    pub strict: bool,
    /// The level of each lint, by its name: `allow`, `warn` or `deny`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(schema_with = "lints_schema"))]
    pub lints: BTreeMap<String, LintSetting>,
    /// Read by mdBook: the command that runs the preprocessor. Default:
    /// `mdbook-tdd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub command: Option<String>,
    /// Read by mdBook: preprocessors this one runs before (`mermaid`, so that
    /// it renders the diagrams of expanded skeletons).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Read by mdBook: preprocessors this one runs after (`links`, so that
    /// included files are seen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Read by mdBook: the renderers the preprocessor runs for. Default:
    /// every renderer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub renderers: Option<Vec<String>>,
    /// Read by mdBook: build without the preprocessor when its command is
    /// not installed, instead of failing.
    #[serde(default)]
    pub optional: bool,
}

/// The level a lint is set to in `[preprocessor.tdd.lints]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum LintSetting {
    /// Not reported.
    Allow,
    /// Reported; the build goes on.
    Warn,
    /// Reported as an error; the build fails.
    Deny,
}

impl LintSetting {
    /// The setting of a level.
    pub fn of(level: crate::diagnostic::Level) -> LintSetting {
        match level {
            crate::diagnostic::Level::Allow => LintSetting::Allow,
            crate::diagnostic::Level::Warning => LintSetting::Warn,
            crate::diagnostic::Level::Error => LintSetting::Deny,
        }
    }
}

mod defaults {
    use crate::config::{
        DEFAULT_BACKLINKS_HEADING, DEFAULT_DEAD_STATUSES, DEFAULT_FINAL_STATUSES,
        DEFAULT_OPEN_QUESTIONS_HEADING, DEFAULT_REQUIREMENT_PATTERN, DEFAULT_STATUSES,
        DEFAULT_SUPERSEDED_STATUS,
    };

    fn owned(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }
    pub fn statuses() -> Vec<String> {
        owned(DEFAULT_STATUSES)
    }
    pub fn final_statuses() -> Vec<String> {
        owned(DEFAULT_FINAL_STATUSES)
    }
    pub fn dead_statuses() -> Vec<String> {
        owned(DEFAULT_DEAD_STATUSES)
    }
    pub fn superseded_status() -> String {
        DEFAULT_SUPERSEDED_STATUS.to_string()
    }
    pub fn backlinks_heading() -> String {
        DEFAULT_BACKLINKS_HEADING.to_string()
    }
    pub fn yes() -> bool {
        true
    }
    pub fn requirement_pattern() -> String {
        DEFAULT_REQUIREMENT_PATTERN.to_string()
    }
    pub fn open_questions_heading() -> String {
        DEFAULT_OPEN_QUESTIONS_HEADING.to_string()
    }
}

/// `review-after`: status = whole days, up to the longest interval accepted.
#[cfg(feature = "schema")]
fn review_after_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {
            "type": "integer",
            "minimum": 0,
            "maximum": super::MAX_REVIEW_DAYS,
        },
        "default": {},
    })
}

/// `lints`: every configurable lint by name, with its meaning and default
/// level; no other name.
#[cfg(feature = "schema")]
fn lints_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    use crate::diagnostic::Lint;
    let setting = generator.subschema_for::<LintSetting>();
    let mut properties = serde_json::Map::new();
    for lint in Lint::ALL.iter().filter(|l| l.is_configurable()) {
        let text = lint.description();
        let description: Vec<&str> = text.lines().map(str::trim).collect();
        properties.insert(
            lint.name().to_string(),
            serde_json::json!({
                "description": description.join(" "),
                "default": LintSetting::of(lint.default_level()),
                "allOf": [setting],
            }),
        );
    }
    schemars::json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "default": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, KEYS, MDBOOK_KEYS};
    use crate::diagnostic::{Diagnostics, Lint};
    use serde_json::{Value, json};

    fn parse(table: Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        Config::from_book_config(
            &json!({ "preprocessor": { "tdd": table } }),
            false,
            &mut diags,
        );
        diags
    }

    #[test]
    fn defaults_are_the_parsers() {
        let table: TddTable = serde_json::from_value(json!({})).unwrap();
        let config = Config::default();
        assert_eq!(table.template, config.template);
        assert_eq!(table.statuses, config.statuses);
        assert_eq!(table.final_statuses, config.final_statuses);
        assert_eq!(table.dead_statuses, config.dead_statuses);
        assert_eq!(Some(table.superseded_status), config.superseded_status);
        assert!(table.review_after.is_empty() && config.review_after.is_empty());
        assert_eq!(table.backlinks, config.backlinks);
        assert_eq!(table.backlinks_heading, config.backlinks_heading);
        assert_eq!(table.page_cards, config.page_cards);
        assert_eq!(table.banners, config.banners);
        assert_eq!(table.requirement_pattern, config.requirement_pattern.source);
        assert_eq!(table.open_questions_heading, config.open_questions_heading);
        assert_eq!(table.prd_template, config.prd_template);
        assert!(table.tdd_paths.is_empty() && config.tdd_paths.is_empty());
        assert!(table.prd_paths.is_empty() && config.prd_paths.is_empty());
        assert!(!table.strict);
        assert!(table.lints.is_empty());
    }

    #[test]
    fn unknown_keys_are_refused_by_both() {
        assert!(serde_json::from_value::<TddTable>(json!({ "colour": "red" })).is_err());
        assert!(parse(json!({ "colour": "red" })).has_errors());
        let lints = json!({ "lints": { "missing-prd": "loud" } });
        assert!(serde_json::from_value::<TddTable>(lints.clone()).is_err());
        assert!(parse(lints).has_errors());
    }

    #[cfg(feature = "schema")]
    mod schema {
        use super::*;

        fn table_schema() -> Value {
            let schema = schemars::generate::SchemaSettings::draft07()
                .for_deserialize()
                .into_generator()
                .into_root_schema_for::<TddTable>();
            schema.to_value()
        }

        fn properties() -> serde_json::Map<String, Value> {
            table_schema()["properties"].as_object().unwrap().clone()
        }

        /// A value of the type the schema gives a key.
        fn sample(key: &str, property: &Value) -> Value {
            if let Some(d) = property.get("default") {
                return d.clone();
            }
            match property["type"].as_str() {
                Some("string") if key == "template" => json!("templates/tdd.md"),
                Some("string") if key == "prd-template" => json!("templates/prd.md"),
                Some("string") => json!("mdbook-tdd"),
                Some("array") => json!(["html"]),
                Some("boolean") => json!(true),
                other => panic!("`{key}`: no sample for type {other:?}"),
            }
        }

        /// A value of another type.
        fn wrong(property: &Value) -> Value {
            match property["type"].as_str() {
                Some("string") => json!(5),
                Some("array") => json!("x"),
                Some("boolean") => json!("yes"),
                Some("object") => json!(3),
                other => panic!("no wrong value for {other:?}"),
            }
        }

        #[test]
        fn the_schema_lists_every_key_the_parser_reads_and_no_other() {
            let props = properties();
            let mut in_schema: Vec<&str> = props.keys().map(String::as_str).collect();
            let mut parsed: Vec<&str> = KEYS.iter().chain(MDBOOK_KEYS).copied().collect();
            in_schema.sort_unstable();
            parsed.sort_unstable();
            assert_eq!(in_schema, parsed);
            assert_eq!(table_schema()["additionalProperties"], json!(false));
            for (key, p) in &props {
                let doc = p["description"].as_str().unwrap_or_default();
                assert!(doc.len() > 10, "`{key}` has no doc comment");
            }
        }

        #[test]
        fn values_of_the_described_types_are_what_the_parser_accepts() {
            for (key, p) in properties() {
                let good = json!({ key.clone(): sample(&key, &p) });
                let diags = parse(good.clone());
                assert!(diags.is_empty(), "`{key}` = {good}: {diags:?}");
                serde_json::from_value::<TddTable>(good.clone())
                    .unwrap_or_else(|e| panic!("`{key}` = {good}: {e}"));
                let bad = json!({ key.clone(): wrong(&p) });
                assert!(
                    serde_json::from_value::<TddTable>(bad.clone()).is_err(),
                    "{bad}"
                );
                // mdBook checks its own keys; the parser leaves them alone.
                if !MDBOOK_KEYS.contains(&key.as_str()) {
                    assert!(parse(bad.clone()).has_errors(), "{bad}");
                }
            }
        }

        #[test]
        fn lints_lists_every_configurable_lint_with_its_default() {
            let lints = &properties()["lints"];
            let names: Vec<&String> = lints["properties"].as_object().unwrap().keys().collect();
            let configurable: Vec<&Lint> =
                Lint::ALL.iter().filter(|l| l.is_configurable()).collect();
            assert_eq!(names.len(), configurable.len());
            for lint in configurable {
                let p = &lints["properties"][lint.name()];
                assert_eq!(p["default"], json!(LintSetting::of(lint.default_level())));
                for level in ["allow", "warn", "deny"] {
                    let table = json!({ "lints": { lint.name(): level } });
                    assert!(parse(table.clone()).is_empty(), "{table}");
                    assert!(serde_json::from_value::<TddTable>(table).is_ok());
                }
            }
            assert_eq!(lints["additionalProperties"], json!(false));
            // A lint that cannot be configured is not offered.
            assert!(lints["properties"].get("bad-config").is_none());
            let max = &properties()["review-after"]["additionalProperties"]["maximum"];
            assert_eq!(max, &json!(crate::config::MAX_REVIEW_DAYS));
        }
    }
}
