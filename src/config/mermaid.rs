//! Whether a book renders Mermaid diagrams on its HTML pages, as its
//! configuration says, and the order in which mdBook runs its
//! preprocessors.
//!
//! The template has ```` ```mermaid ```` fences. mdBook shows them as code
//! unless something turns them into diagrams: a Mermaid preprocessor
//! (mdbook-mermaid, which rewrites the fences into `<pre class="mermaid">`
//! for its script) that runs after this one, so that it sees the fences an
//! expanded skeleton brings, or a Mermaid script the HTML output loads itself
//! (`output.html.additional-js`).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// This preprocessor's name in `[preprocessor.*]`.
const TDD: &str = "tdd";

/// How the book's HTML pages show Mermaid diagrams.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MermaidSetup {
    /// The book renders no HTML (an `[output]` table without `html`).
    NoHtml,
    /// Diagrams are rendered: by a Mermaid preprocessor that runs after
    /// `tdd`, or by a Mermaid script in `output.html.additional-js`.
    Rendered,
    /// Nothing renders them: they show as code.
    #[default]
    Missing,
    /// The Mermaid preprocessor of this name runs before `tdd`: it never
    /// sees the diagrams that a skeleton's template brings.
    BeforeTdd(String),
}

impl MermaidSetup {
    /// Reads the setup from the whole book configuration.
    pub fn of(book_config: &Value) -> MermaidSetup {
        let renders_html = match book_config.get("output").and_then(Value::as_object) {
            None => true,
            Some(out) => out.contains_key("html"),
        };
        if !renders_html {
            return MermaidSetup::NoHtml;
        }
        let tables = preprocessor_tables(book_config);
        let mermaid: Vec<&str> = tables
            .iter()
            .filter(|(name, table)| {
                *name != TDD
                    && is_mermaid(name, table.get("command").and_then(Value::as_str))
                    && runs_for_html(table)
            })
            .map(|(name, _)| *name)
            .collect();
        if mermaid.is_empty() {
            let scripts = book_config
                .pointer("/output/html/additional-js")
                .and_then(Value::as_array)
                .is_some_and(|js| {
                    js.iter()
                        .filter_map(Value::as_str)
                        .any(|f| f.to_ascii_lowercase().contains("mermaid"))
                });
            return if scripts {
                MermaidSetup::Rendered
            } else {
                MermaidSetup::Missing
            };
        }
        // Without a `[preprocessor.tdd]` table (a book `check`ed before
        // `install`) or with an order mdBook refuses, nothing can be said.
        let Some(order) = run_order(book_config) else {
            return MermaidSetup::Rendered;
        };
        let Some(tdd_at) = order.iter().position(|n| n == TDD) else {
            return MermaidSetup::Rendered;
        };
        let at = |name: &str| order.iter().position(|n| n == name);
        if mermaid.iter().any(|m| at(m).is_some_and(|i| i > tdd_at)) {
            return MermaidSetup::Rendered;
        }
        match mermaid.iter().find(|m| at(m).is_some_and(|i| i < tdd_at)) {
            Some(m) => MermaidSetup::BeforeTdd(m.to_string()),
            None => MermaidSetup::Rendered,
        }
    }
}

/// Every `[preprocessor.NAME]` table, by name.
fn preprocessor_tables(book_config: &Value) -> Vec<(&str, &serde_json::Map<String, Value>)> {
    book_config
        .get("preprocessor")
        .and_then(Value::as_object)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_object().map(|v| (k.as_str(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a preprocessor renders Mermaid diagrams: one named `mermaid`
/// (whose command is `mdbook-mermaid` unless it says otherwise), or one
/// whose command names Mermaid.
pub fn is_mermaid(name: &str, command: Option<&str>) -> bool {
    name == "mermaid" || command.is_some_and(|c| c.to_ascii_lowercase().contains("mermaid"))
}

/// Whether a preprocessor runs for the HTML renderer: unless its
/// `renderers` list leaves `html` out.
fn runs_for_html(table: &serde_json::Map<String, Value>) -> bool {
    match table.get("renderers").and_then(Value::as_array) {
        None => true,
        Some(list) => list.iter().any(|r| r.as_str() == Some("html")),
    }
}

/// The preprocessors mdBook runs, each with those that `before` and
/// `after` make run after it, as mdBook reads them: the default `links` and
/// `index` (unless `build.use-default-preprocessors = false`) and every
/// `[preprocessor.*]` table. `before` and `after` naming no preprocessor of
/// the book order nothing (mdBook warns about them).
pub fn run_graph(book_config: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let defaults = book_config
        .pointer("/build/use-default-preprocessors")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let tables = preprocessor_tables(book_config);
    let mut later: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|(n, _)| (n.to_string(), BTreeSet::new()))
        .collect();
    if defaults {
        for name in ["links", "index"] {
            later.entry(name.to_string()).or_default();
        }
    }
    let list = |t: &serde_json::Map<String, Value>, key: &str| -> Vec<String> {
        t.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut pairs = Vec::new();
    for (name, table) in &tables {
        for b in list(table, "before") {
            pairs.push((name.to_string(), b));
        }
        for a in list(table, "after") {
            pairs.push((a, name.to_string()));
        }
    }
    for (from, to) in pairs {
        if later.contains_key(&to)
            && let Some(next) = later.get_mut(&from)
        {
            next.insert(to);
        }
    }
    later
}

/// The order in which mdBook (0.4 and 0.5 alike) runs the book's
/// preprocessors ([`run_graph`]): whatever is free to run next runs in the
/// order of its name. `None` for a cycle, which mdBook refuses.
pub fn run_order(book_config: &Value) -> Option<Vec<String>> {
    let later = run_graph(book_config);
    let mut waiting: BTreeMap<&str, usize> = later.keys().map(|n| (n.as_str(), 0)).collect();
    for to in later.values().flatten() {
        if let Some(n) = waiting.get_mut(to.as_str()) {
            *n += 1;
        }
    }
    let mut order = Vec::with_capacity(later.len());
    loop {
        let ready: Vec<&str> = waiting
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(name, _)| *name)
            .collect();
        if ready.is_empty() {
            break;
        }
        for name in ready {
            waiting.remove(name);
            for next in later.get(name).into_iter().flatten() {
                if let Some(n) = waiting.get_mut(next.as_str()) {
                    *n = n.saturating_sub(1);
                }
            }
            order.push(name.to_string());
        }
    }
    waiting.is_empty().then_some(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn order_as_mdbook_runs_it() {
        // Ties go by name: mermaid before tdd, links before tdd.
        let c = json!({"preprocessor": {"tdd": {}, "mermaid": {}}});
        assert_eq!(run_order(&c).unwrap(), ["index", "links", "mermaid", "tdd"]);
        let c = json!({"preprocessor": {"tdd": {"after": ["links"], "before": ["mermaid"]}, "mermaid": {}}});
        assert_eq!(run_order(&c).unwrap(), ["index", "links", "tdd", "mermaid"]);
        // Names that are no preprocessor of the book make no edge.
        let c = json!({"preprocessor": {"tdd": {"before": ["nothing"]}}, "build": {"use-default-preprocessors": false}});
        assert_eq!(run_order(&c).unwrap(), ["tdd"]);
        let c = json!({"preprocessor": {"tdd": {"before": ["links"], "after": ["links"]}}});
        assert_eq!(run_order(&c), None);
    }

    #[test]
    fn setups() {
        let of = |c: Value| MermaidSetup::of(&c);
        assert_eq!(of(json!({})), MermaidSetup::Missing);
        assert_eq!(
            of(json!({"output": {"markdown": {}}})),
            MermaidSetup::NoHtml
        );
        assert_eq!(
            of(json!({"preprocessor": {"tdd": {}, "mermaid": {"command": "mdbook-mermaid"}}})),
            MermaidSetup::BeforeTdd("mermaid".into())
        );
        assert_eq!(
            of(json!({"preprocessor": {"tdd": {"before": ["mermaid"]}, "mermaid": {}}})),
            MermaidSetup::Rendered
        );
        // Another name, found by its command; ordered after tdd by itself,
        // or before it by its name.
        assert_eq!(
            of(
                json!({"preprocessor": {"tdd": {}, "diagrams": {"command": "/opt/bin/mdbook-mermaid", "after": ["tdd"]}}})
            ),
            MermaidSetup::Rendered
        );
        assert_eq!(
            of(
                json!({"preprocessor": {"tdd": {}, "diagrams": {"command": "/opt/bin/mdbook-mermaid"}}})
            ),
            MermaidSetup::BeforeTdd("diagrams".into())
        );
        assert_eq!(
            of(json!({"preprocessor": {"tdd": {}, "uml": {"command": "mdbook-MERMAID"}}})),
            MermaidSetup::Rendered
        );
        assert_eq!(
            of(
                json!({"preprocessor": {"tdd": {}, "diagrams": {"command": "mdbook-mermaid", "before": ["tdd"]}}})
            ),
            MermaidSetup::BeforeTdd("diagrams".into())
        );
        // Not for HTML.
        assert_eq!(
            of(json!({"preprocessor": {"tdd": {}, "mermaid": {"renderers": ["markdown"]}}})),
            MermaidSetup::Missing
        );
        // A script of the book's own.
        assert_eq!(
            of(json!({"output": {"html": {"additional-js": ["js/Mermaid.min.js"]}}})),
            MermaidSetup::Rendered
        );
        assert_eq!(
            of(json!({"output": {"html": {"additional-js": ["js/other.js"]}}})),
            MermaidSetup::Missing
        );
        // A preprocessor without a tdd table to compare with.
        assert_eq!(
            of(json!({"preprocessor": {"mermaid": {}}})),
            MermaidSetup::Rendered
        );
    }
}
