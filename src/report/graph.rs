//! The documents as a graph (`status --format dot|mermaid`): one node per
//! PRD and TDD, labelled by its title and status, an edge from each TDD to
//! its Source PRD and from each document to those it supersedes. Nodes and
//! edges come in book order, so the same book gives the same bytes.
//!
//! Authors write anything in a title, so every label is escaped for where
//! it goes: DOT gets HTML-like labels (`label=<…>`), in which only `&`, `<`,
//! `>` and `"` mean something and are written as entities — a quoted DOT
//! label would read backslash sequences (`\n`, `\N`, `\l`) in the title;
//! Mermaid gets quoted labels in which every character that could end the
//! quote, start an entity, HTML or a Markdown string is written as an entity
//! code (`#34;`). Control characters (line breaks too) and bidirectional
//! controls become spaces.

use crate::model::prd::PrdTarget;
use crate::model::{BookModel, DocKind, Document};
use std::fmt::Write;

/// The text of a node: the document's title (its H1, else its name in
/// SUMMARY.md) and its status, control characters made spaces.
fn label_parts<'m>(model: &'m BookModel, d: &'m Document) -> (String, Option<String>) {
    let title = d
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&model.chapter(d).name);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if crate::terminal::is_unsafe(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect::<String>()
            .trim()
            .to_string()
    };
    let status = d.status.as_deref().or(d.status_raw.as_deref()).map(clean);
    (clean(title), status)
}

/// The edges: (from, to, is a supersede edge), in book order.
fn edges(model: &BookModel) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    for (i, d) in model.documents.iter().enumerate() {
        if let Some(PrdTarget::Chapter(c)) = d.prd.as_ref().map(|p| &p.target)
            && let Some(p) = model.doc_of_chapter.get(c.0).copied().flatten()
        {
            out.push((i, p.0, false));
        }
        for s in &d.lifecycle.supersedes {
            out.push((i, s.0, true));
        }
    }
    out
}

/// Text for an HTML-like DOT label.
fn dot_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The graph in Graphviz DOT.
pub fn dot(model: &BookModel) -> String {
    let mut out = String::from(
        "digraph documents {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n",
    );
    for (i, d) in model.documents.iter().enumerate() {
        let (title, status) = label_parts(model, d);
        let _ = write!(out, "  d{i} [label=<");
        dot_text(&mut out, &title);
        if let Some(s) = status {
            out.push_str("<BR/>(");
            dot_text(&mut out, &s);
            out.push(')');
        }
        out.push('>');
        if d.kind == DocKind::Prd {
            out.push_str(", shape=note");
        }
        if !d.is_live() {
            out.push_str(", style=dashed, color=gray40, fontcolor=gray40");
        }
        out.push_str("];\n");
    }
    for (from, to, supersede) in edges(model) {
        let _ = if supersede {
            writeln!(
                out,
                "  d{from} -> d{to} [label=\"supersedes\", style=dashed];"
            )
        } else {
            writeln!(out, "  d{from} -> d{to} [label=\"Source PRD\"];")
        };
    }
    out.push_str("}\n");
    out
}

/// Text for a quoted Mermaid label: letters, digits, spaces and plain
/// punctuation as they are, everything else as an entity code.
fn mermaid_text(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '.' | ',' | ':' | '(' | ')' | '/' | '?' | '!' | '\'' | '_' | '-'
            )
        {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", u32::from(c));
        }
    }
}

/// The graph as a Mermaid flowchart.
pub fn mermaid(model: &BookModel) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut dead = Vec::new();
    for (i, d) in model.documents.iter().enumerate() {
        let (title, status) = label_parts(model, d);
        let (open, close) = match d.kind {
            DocKind::Prd => ("([\"", "\"])"),
            DocKind::Tdd => ("[\"", "\"]"),
        };
        let _ = write!(out, "  d{i}{open}");
        mermaid_text(&mut out, &title);
        if let Some(s) = status {
            out.push_str("<br>(");
            mermaid_text(&mut out, &s);
            out.push(')');
        }
        out.push_str(close);
        out.push('\n');
        if !d.is_live() {
            dead.push(format!("d{i}"));
        }
    }
    for (from, to, supersede) in edges(model) {
        let _ = if supersede {
            writeln!(out, "  d{from} -.->|supersedes| d{to}")
        } else {
            writeln!(out, "  d{from} -->|Source PRD| d{to}")
        };
    }
    if !dead.is_empty() {
        out.push_str("  classDef dead stroke-dasharray:5 5,color:#666\n");
        let _ = writeln!(out, "  class {} dead", dead.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        let hostile = "a \"q\" [b] {c} <i>&amp; --> x; `m` #35; \\n \\\" end\\";
        let mut d = String::new();
        dot_text(&mut d, hostile);
        assert_eq!(
            d,
            "a &quot;q&quot; [b] {c} &lt;i&gt;&amp;amp; --&gt; x; `m` #35; \\n \\&quot; end\\"
        );
        assert!(!d.contains(['<', '>', '"']));
        let mut m = String::new();
        mermaid_text(&mut m, hostile);
        assert!(
            !m.contains(['"', '<', '>', '[', ']', '{', '}', '`', '&', '\\', '\n']),
            "{m}"
        );
        assert!(m.starts_with("a #34;q#34; #91;b#93;"), "{m}");
        // `#` and `;` are only ever part of an entity code.
        let mut rest = m.as_str();
        while let Some(i) = rest.find('#') {
            let after = &rest[i + 1..];
            let end = after.find(';').unwrap();
            assert!(after[..end].bytes().all(|b| b.is_ascii_digit()), "{m}");
            rest = &after[end + 1..];
        }
        assert!(!rest.contains(';'), "{m}");
        let mut m = String::new();
        mermaid_text(&mut m, "Zahlungsübersicht — v2");
        assert_eq!(m, "Zahlungsübersicht #8212; v2");
    }
}
