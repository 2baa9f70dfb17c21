//! JSON Schemas (draft 7, which editors' TOML and JSON tools read) of
//! book.toml with its `[preprocessor.tdd]` table, and of the JSON that
//! `status --format json` and `check --format json` print. Each is
//! generated from the types the code reads or writes, so it cannot drift
//! from them; `schemas/` in the repository holds the published copies.

use crate::config::TddTable;
use crate::diagnostic::Lint;
use crate::report::{DiagnosticEntry, STATUS_SCHEMA, StatusReport};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// The schemas there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// book.toml, with `[preprocessor.tdd]`.
    Config,
    /// `mdbook-tdd status --format json`.
    Status,
    /// `mdbook-tdd check --format json`.
    Check,
}

impl SchemaKind {
    /// Every schema, in a fixed order.
    pub const ALL: [SchemaKind; 3] = [SchemaKind::Config, SchemaKind::Status, SchemaKind::Check];

    /// Its name on the command line (`mdbook-tdd schema NAME`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Config => "config",
            SchemaKind::Status => "status",
            SchemaKind::Check => "check",
        }
    }

    /// The file name of its published copy.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Config => "book.schema.json",
            SchemaKind::Status => "status.schema.json",
            SchemaKind::Check => "check.schema.json",
        }
    }

    /// The schema, as pretty-printed JSON ending in a line break.
    pub fn json(self) -> String {
        let schema = match self {
            SchemaKind::Config => book_toml(),
            SchemaKind::Status => status(),
            SchemaKind::Check => check(),
        };
        let mut schema = schema;
        if let Some(map) = schema.as_object_mut() {
            map.values_mut().for_each(unwrap_descriptions);
            if let Some(serde_json::Value::String(text)) = map.get_mut("description") {
                *text = unwrap_lines(text);
            }
        }
        // Schemars' order: `$schema`, `title`, `description`, `type`, ...
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Descriptions come from doc comments, wrapped at 100 columns: each
/// paragraph becomes one line, as editors show them.
fn unwrap_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = unwrap_lines(text);
                    }
                    _ => unwrap_descriptions(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

fn unwrap_lines(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect();
    paragraphs.join("\n\n")
}

fn generator(output: bool) -> SchemaGenerator {
    let settings = SchemaSettings::draft07();
    if output {
        settings.for_serialize().into_generator()
    } else {
        settings.for_deserialize().into_generator()
    }
}

/// book.toml: the keys mdbook-tdd reads; every other key is allowed.
fn book_toml() -> Schema {
    let mut g = generator(false);
    let tdd = g.subschema_for::<TddTable>();
    let mut schema = json_schema!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "book.toml",
        "description": "An mdBook book's configuration, with the [preprocessor.tdd] table of mdbook-tdd. Keys of mdBook and other tools are allowed; only the ones mdbook-tdd reads are described.",
        "type": "object",
        "properties": {
            "book": {
                "type": "object",
                "properties": {
                    "title": { "type": "string", "description": "The book's title." },
                    "src": {
                        "type": "string",
                        "description": "The directory of SUMMARY.md and the chapters, relative to the book root.",
                        "default": "src",
                    },
                },
            },
            "build": {
                "type": "object",
                "properties": {
                    "use-default-preprocessors": {
                        "type": "boolean",
                        "description": "Whether mdBook runs its links and index preprocessors.",
                        "default": true,
                    },
                },
            },
            "output": {
                "type": "object",
                "properties": {
                    "html": {
                        "type": "object",
                        "properties": {
                            "smart-punctuation": { "type": "boolean", "description": "Smart quotes and dashes (mdBook 0.4: `curly-quotes`)." },
                            "curly-quotes": { "type": "boolean", "description": "The mdBook 0.4 name of `smart-punctuation`." },
                            "definition-lists": { "type": "boolean", "description": "Definition lists (mdBook 0.5)." },
                            "admonitions": { "type": "boolean", "description": "Admonitions (mdBook 0.5)." },
                            "additional-css": {
                                "type": "array",
                                "items": { "type": "string" },
                                "description": "Stylesheets for every page; `mdbook-tdd install` adds mdbook-tdd.css.",
                            },
                            "additional-js": {
                                "type": "array",
                                "items": { "type": "string" },
                                "description": "Scripts for every page (a Mermaid script renders diagrams).",
                            },
                        },
                    },
                },
            },
            "preprocessor": {
                "type": "object",
                "description": "Preprocessors, by name.",
                "properties": { "tdd": tdd },
                "additionalProperties": { "type": "object" },
            },
        },
    });
    schema.insert("definitions".into(), g.take_definitions(true).into());
    schema
}

/// `status --format json`.
fn status() -> Schema {
    let mut schema = generator(true).into_root_schema_for::<StatusReport>();
    schema.insert("title".into(), "Status report".into());
    schema.insert(
        "description".into(),
        "The document model as `mdbook-tdd status --format json` prints it. Keys may be added within a schema version; one is removed or changes meaning only with a new version.".into(),
    );
    schema
}

/// `check --format json`.
fn check() -> Schema {
    let mut schema = generator(true).into_root_schema_for::<Vec<DiagnosticEntry<'static>>>();
    schema.insert("title".into(), "Diagnostics".into());
    schema.insert(
        "description".into(),
        "Every diagnostic of a run, as `mdbook-tdd check --format json` prints them.".into(),
    );
    schema
}

/// A lint's stable name: one of [`Lint::ALL`].
pub(crate) fn lint_name(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = Lint::ALL.iter().map(|l| l.name()).collect();
    json_schema!({ "type": "string", "enum": names })
}

/// The schema version of the status JSON: [`STATUS_SCHEMA`].
pub(crate) fn status_version(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "const": STATUS_SCHEMA })
}

/// The level of a reported diagnostic (allowed ones are not reported).
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ReportedLevel {
    /// Reported; the build goes on.
    Warning,
    /// Reported; the build fails and no book is written.
    Error,
}
