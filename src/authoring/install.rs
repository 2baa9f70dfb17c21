//! `mdbook-tdd install`: adds `[preprocessor.tdd]` to a `book.toml`, keeping
//! the file's formatting and comments (with `toml_edit`). Running it twice
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// The stylesheet for status badges, written next to `book.toml`.
pub const STYLESHEET: &str = include_str!("../../assets/mdbook-tdd.css");

/// Its file name, relative to the book root.
pub const STYLESHEET_NAME: &str = "mdbook-tdd.css";

/// The JSON Schema of book.toml (`mdbook-tdd schema config`), written
/// next to it.
pub const SCHEMA_NAME: &str = "mdbook-tdd.schema.json";

/// The Taplo directive, the first line of book.toml, that has editors
/// check book.toml against that schema (a path relative to book.toml).
pub const SCHEMA_DIRECTIVE: &str = "#:schema ./mdbook-tdd.schema.json";

/// Which schema book.toml names for editors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaLink {
    /// None: here is the text with [`SCHEMA_DIRECTIVE`] as its first line.
    Added(String),
    /// [`SCHEMA_NAME`] already.
    Ours,
    /// Another schema (the directive's value): left as it is.
    Other(String),
}

/// The `#:schema` directive of book.toml: Taplo reads it in the comments
/// before the first key or table. When there is none, the text with ours
/// added as the first line (after a byte order mark; ending as most lines
/// of the file end) and every other byte kept.
pub fn schema_link(book_toml: &str) -> SchemaLink {
    let (bom, body) = match book_toml.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", book_toml),
    };
    for line in body.lines() {
        let line = line.trim();
        // `#:schema` followed by white space or nothing (`#:schemata` is a
        // comment of another kind).
        if let Some(value) = line
            .strip_prefix("#:schema")
            .filter(|v| v.is_empty() || v.starts_with([' ', '\t']))
        {
            let value = value.trim();
            let ours = value.strip_prefix("./").unwrap_or(value) == SCHEMA_NAME;
            return if ours {
                SchemaLink::Ours
            } else {
                SchemaLink::Other(value.to_string())
            };
        }
        if !(line.is_empty() || line.starts_with('#')) {
            break;
        }
    }
    let crlf = body.matches("\r\n").count();
    let lf = body.matches('\n').count() - crlf;
    let eol = if crlf > 0 && crlf >= lf { "\r\n" } else { "\n" };
    SchemaLink::Added(format!("{bom}{SCHEMA_DIRECTIVE}{eol}{body}"))
}

/// What `install` changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstallPlan {
    /// The new `book.toml` text (equal to the old one if nothing changed).
    pub book_toml: String,
    /// Human-readable list of changes.
    pub changes: Vec<String>,
    /// What was left as it is on purpose, and why.
    pub notes: Vec<String>,
    /// Problems of the file that `install` does not fix.
    pub warnings: Vec<String>,
    /// Whether the stylesheet must be written.
    pub write_stylesheet: bool,
}

/// Why `install` cannot edit the file.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Not valid TOML.
    #[error("book.toml is not valid TOML: {0}")]
    Toml(String),
    /// A key has a shape we cannot extend (e.g. `preprocessor = 3`).
    #[error("book.toml: `{0}` is not a table")]
    NotATable(String),
    /// A key that must be a list of names is not (`before = "links"`).
    #[error("book.toml: `{0}` is not a list; write it as [\"...\"]")]
    NotAList(String),
}

fn table_like<'a>(
    parent: &'a mut dyn toml_edit::TableLike,
    key: &str,
    path: &str,
) -> Result<&'a mut dyn toml_edit::TableLike, InstallError> {
    if parent.get(key).is_none() {
        let mut t = Table::new();
        t.set_implicit(true);
        parent.insert(key, Item::Table(t));
    }
    parent
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| InstallError::NotATable(path.to_string()))
}

fn ensure_in_array(
    table: &mut dyn toml_edit::TableLike,
    key: &str,
    value: &str,
    path: &str,
) -> Result<bool, InstallError> {
    match table.get_mut(key) {
        None => {
            let mut a = Array::new();
            a.push(value);
            table.insert(key, Item::Value(Value::Array(a)));
            Ok(true)
        }
        Some(item) => {
            let Some(a) = item.as_array_mut() else {
                return Err(InstallError::NotAList(format!("{path}.{key}")));
            };
            if a.iter().any(|v| v.as_str() == Some(value)) {
                return Ok(false);
            }
            // In a list written one value a line, the new value gets a line
            // of its own, indented like the last one.
            let own_line = a
                .iter()
                .last()
                .and_then(|v| v.decor().prefix())
                .and_then(|p| p.as_str())
                .filter(|p| p.contains('\n'))
                .map(str::to_string);
            match own_line {
                Some(prefix) => a.push_formatted(Value::from(value).decorated(prefix, "")),
                None => a.push(value),
            }
            Ok(true)
        }
    }
}

/// The preprocessors mdBook runs and the order `before` and `after` ask
/// for, read as the `mermaid-not-rendered` lint reads them
/// ([`crate::config::mermaid::run_graph`]); an edge `a → b` means that `a`
/// runs before `b`.
struct Order {
    edges: BTreeMap<String, BTreeSet<String>>,
}

impl Order {
    /// The order of the edited file (which `toml_edit` parsed, and so
    /// `toml` does too).
    fn of(doc: &DocumentMut) -> Order {
        let config = toml::from_str::<toml::Value>(&doc.to_string())
            .ok()
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_default();
        Order {
            edges: crate::config::mermaid::run_graph(&config),
        }
    }

    fn has(&self, name: &str) -> bool {
        self.edges.contains_key(name)
    }

    /// The chain of preprocessors by which `from` runs before `to`
    /// (`[from, .., to]`), if there is one.
    fn chain(&self, from: &str, to: &str) -> Option<Vec<String>> {
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(n) = queue.pop_front() {
            for next in self.edges.get(n).into_iter().flatten() {
                if !seen.insert(next.as_str()) {
                    continue;
                }
                parent.insert(next, n);
                if next == to {
                    let mut path = vec![to.to_string()];
                    let mut at = to;
                    while let Some(p) = parent.get(at) {
                        path.push(p.to_string());
                        at = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(next);
            }
        }
        None
    }

    /// A cycle of the order (`[a, b, .., a]`), if there is one: a
    /// depth-first walk that meets a preprocessor still on its path.
    fn cycle(&self) -> Option<Vec<String>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnPath,
            Done,
        }
        let names: Vec<&str> = self.edges.keys().map(String::as_str).collect();
        let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let next: Vec<Vec<usize>> = names
            .iter()
            .map(|n| {
                self.edges
                    .get(*n)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| index.get(t.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut mark = vec![Mark::New; names.len()];
        for start in 0..names.len() {
            if mark[start] != Mark::New {
                continue;
            }
            // The path, each entry with the position of its next edge.
            let mut path: Vec<(usize, usize)> = vec![(start, 0)];
            mark[start] = Mark::OnPath;
            while let Some((n, e)) = path.last_mut() {
                let n = *n;
                let Some(&t) = next[n].get(*e) else {
                    mark[n] = Mark::Done;
                    path.pop();
                    continue;
                };
                *e += 1;
                match mark[t] {
                    Mark::New => {
                        mark[t] = Mark::OnPath;
                        path.push((t, 0));
                    }
                    Mark::OnPath => {
                        let from = path.iter().position(|(p, _)| *p == t).unwrap_or(0);
                        let mut cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|(p, _)| names[*p].to_string())
                            .collect();
                        cycle.push(names[t].to_string());
                        return Some(cycle);
                    }
                    Mark::Done => {}
                }
            }
        }
        None
    }
}

/// Line endings as they were: each line `toml_edit` kept gets its own
/// ending back (it writes `\n` throughout), each line it added the ending
/// most lines of the file have.
fn restore_line_endings(original: &str, edited: &str) -> String {
    let crlf = original.matches("\r\n").count();
    if crlf == 0 {
        return edited.to_string();
    }
    let lf = original.matches('\n').count() - crlf;
    let dominant = if crlf >= lf { "\r\n" } else { "\n" };
    fn lines(t: &str) -> Vec<(&str, &'static str)> {
        t.split_inclusive('\n')
            .map(|l| {
                if let Some(c) = l.strip_suffix("\r\n") {
                    (c, "\r\n")
                } else if let Some(c) = l.strip_suffix('\n') {
                    (c, "\n")
                } else {
                    (l, "")
                }
            })
            .collect()
    }
    let old = lines(original);
    let new = lines(edited);
    let mut ending: Vec<&str> = new
        .iter()
        .map(|(_, e)| if e.is_empty() { "" } else { dominant })
        .collect();
    // Where every line ended in CRLF every line does now; otherwise the
    // lines toml_edit kept get their own endings back.
    if lf > 0 {
        let a: Vec<&str> = old.iter().map(|(c, _)| *c).collect();
        let b: Vec<&str> = new.iter().map(|(c, _)| *c).collect();
        if let Some(pairs) = common_lines(&a, &b, 256) {
            for (i, j) in pairs {
                if let (Some(e), Some((_, old_end))) = (ending.get_mut(j), old.get(i))
                    && !e.is_empty()
                    && !old_end.is_empty()
                {
                    *e = old_end;
                }
            }
        }
    }
    let mut out = String::with_capacity(edited.len() + new.len());
    for ((c, _), e) in new.iter().zip(ending) {
        out.push_str(c);
        out.push_str(e);
    }
    out
}

/// The lines `a` and `b` have in common, as index pairs in order: a
/// shortest edit script (Myers' algorithm), given up beyond `max_edits`
/// inserted or removed lines so that the time stays linear in the input.
fn common_lines(a: &[&str], b: &[&str], max_edits: usize) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = max_edits.min(a.len() + b.len()) as isize;
    let off = max + 1;
    let at = |k: isize| (k + off) as usize;
    let mut v = vec![0isize; 2 * max as usize + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let same = |x: isize, y: isize| a.get(x as usize) == b.get(y as usize);
    for d in 0..=max {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && same(x, y) {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                // Walk back through the trace, collecting the diagonals.
                let mut pairs = Vec::new();
                let (mut x, mut y) = (n, m);
                for (d, v) in trace.iter().enumerate().rev() {
                    let d = d as isize;
                    let k = x - y;
                    let (px, py) = if d == 0 {
                        (0, 0)
                    } else {
                        let pk = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                            k + 1
                        } else {
                            k - 1
                        };
                        let px = v[at(pk)];
                        (px, px - pk)
                    };
                    while x > px && y > py {
                        x -= 1;
                        y -= 1;
                        pairs.push((x as usize, y as usize));
                    }
                    x = px;
                    y = py;
                }
                pairs.reverse();
                return Some(pairs);
            }
            k += 2;
        }
    }
    None
}

/// Plans the edit of `book.toml`: `[preprocessor.tdd]` with
/// `after = ["links"]` (unless that would make the preprocessor order a
/// cycle), and the badge stylesheet in `output.html.additional-css` when
/// the book renders HTML. A leading byte order mark and the line endings
/// are kept.
pub fn plan(book_toml: &str, stylesheet_exists: bool) -> Result<InstallPlan, InstallError> {
    let (bom, body) = match book_toml.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", book_toml),
    };
    let mut doc: DocumentMut = body
        .parse()
        .map_err(|e: toml_edit::TomlError| InstallError::Toml(e.to_string()))?;
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut edited = false;
    {
        let root = doc.as_table_mut();
        let pre = table_like(root, "preprocessor", "preprocessor")?;
        let had_table = pre.get("tdd").is_some();
        if !had_table {
            pre.insert("tdd", Item::Table(Table::new()));
            changes.push("added [preprocessor.tdd]".to_string());
            edited = true;
        }
        if !had_table
            && let Some(inline) = root
                .get_mut("preprocessor")
                .and_then(Item::as_inline_table_mut)
        {
            inline.fmt();
        }
    }
    let order = Order::of(&doc);
    let after_links = match doc
        .get("preprocessor")
        .and_then(|p| p.get("tdd"))
        .and_then(|t| t.get("after"))
    {
        None => false,
        Some(item) => item
            .as_array()
            .ok_or_else(|| InstallError::NotAList("preprocessor.tdd.after".into()))?
            .iter()
            .any(|v| v.as_str() == Some("links")),
    };
    // Every Mermaid preprocessor of the book (see
    // `crate::config::mermaid::is_mermaid`), to run after tdd.
    let mermaid: Vec<String> = doc
        .get("preprocessor")
        .and_then(Item::as_table_like)
        .map(|t| {
            t.iter()
                .filter(|(name, item)| {
                    *name != "tdd"
                        && item.as_table_like().is_some_and(|table| {
                            crate::config::mermaid::is_mermaid(
                                name,
                                table.get("command").and_then(Item::as_str),
                            )
                        })
                })
                .map(|(name, _)| name.to_string())
                .collect()
        })
        .unwrap_or_default();
    let tdd = doc
        .get_mut("preprocessor")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| InstallError::NotATable("preprocessor".into()))?
        .get_mut("tdd")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| InstallError::NotATable("preprocessor.tdd".into()))?;
    if !after_links {
        if !order.has("links") {
            notes.push(
                "left preprocessor.tdd.after without \"links\": the book has no links preprocessor (build.use-default-preprocessors = false)"
                    .to_string(),
            );
        } else if let Some(chain) = order.chain("tdd", "links") {
            notes.push(format!(
                "left preprocessor.tdd.after without \"links\": book.toml already runs tdd before links ({}), and running it after links too would be a cyclic dependency, which mdBook refuses",
                chain.join(" → ")
            ));
        } else {
            ensure_in_array(tdd, "after", "links", "preprocessor.tdd")?;
            changes.push("set preprocessor.tdd.after to run after \"links\"".to_string());
            edited = true;
        }
    }
    // Before every Mermaid preprocessor, so that it sees (and renders) the
    // diagrams of expanded skeletons: mdBook would otherwise run it first,
    // `mermaid` coming before `tdd` by name. Only one the book has: mdBook
    // warns on every build about a `before` naming none.
    let order = Order::of(&doc);
    for name in mermaid {
        let tdd = doc
            .get_mut("preprocessor")
            .and_then(Item::as_table_like_mut)
            .and_then(|p| p.get_mut("tdd"))
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| InstallError::NotATable("preprocessor.tdd".into()))?;
        let listed = match tdd.get("before") {
            None => false,
            Some(item) => item
                .as_array()
                .ok_or_else(|| InstallError::NotAList("preprocessor.tdd.before".into()))?
                .iter()
                .any(|v| v.as_str() == Some(name.as_str())),
        };
        if listed {
            continue;
        }
        if let Some(chain) = order.chain(&name, "tdd") {
            notes.push(format!(
                "left preprocessor.tdd.before without \"{name}\": book.toml runs {name} before tdd ({}), and running tdd before it too would be a cyclic dependency, which mdBook refuses; {name} will not see the diagrams of expanded skeletons",
                chain.join(" → ")
            ));
        } else if order.chain("tdd", &name).is_none() {
            ensure_in_array(tdd, "before", &name, "preprocessor.tdd")?;
            changes.push(format!(
                "set preprocessor.tdd.before to run before \"{name}\", which then renders the diagrams of expanded skeletons"
            ));
            edited = true;
        }
    }
    // The stylesheet, unless the book renders only to other formats.
    let renders_html = match doc.get("output").and_then(Item::as_table_like) {
        None => true,
        Some(out) => out.get("html").is_some(),
    };
    let mut write_stylesheet = false;
    if renders_html {
        let root = doc.as_table_mut();
        let output = table_like(root, "output", "output")?;
        let html = table_like(output, "html", "output.html")?;
        if ensure_in_array(html, "additional-css", STYLESHEET_NAME, "output.html")? {
            changes.push(format!(
                "added {STYLESHEET_NAME} to output.html.additional-css"
            ));
            edited = true;
        }
        if !stylesheet_exists {
            write_stylesheet = true;
            changes.push(format!("wrote {STYLESHEET_NAME} (status badge styles)"));
        }
    }
    let mut warnings = Vec::new();
    if let Some(cycle) = Order::of(&doc).cycle() {
        warnings.push(format!(
            "book.toml orders the preprocessors in a cycle ({}, where `a → b` means a runs before b); mdBook will stop with \"Cyclic dependency detected in preprocessors\"",
            cycle.join(" → ")
        ));
    }
    let book_toml = if edited {
        format!("{bom}{}", restore_line_endings(body, &doc.to_string()))
    } else {
        book_toml.to_string()
    };
    Ok(InstallPlan {
        book_toml,
        changes,
        notes,
        warnings,
        write_stylesheet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_directive_goes_first_once() {
        let added = |t: &str| match schema_link(t) {
            SchemaLink::Added(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            added("[book]\ntitle = \"A\"\n"),
            "#:schema ./mdbook-tdd.schema.json\n[book]\ntitle = \"A\"\n"
        );
        // After the byte order mark, with the file's line ending.
        assert_eq!(
            added("\u{feff}# c\r\n[book]\r\n"),
            "\u{feff}#:schema ./mdbook-tdd.schema.json\r\n# c\r\n[book]\r\n"
        );
        assert_eq!(added(""), "#:schema ./mdbook-tdd.schema.json\n");
        assert_eq!(added("[book]"), "#:schema ./mdbook-tdd.schema.json\n[book]");
        // Every other byte kept; the ending most lines have.
        let odd = "  # x\r\n\n[a]\r\nb = 1 # #:schema no\n";
        assert_eq!(
            added(odd).strip_prefix("#:schema ./mdbook-tdd.schema.json\r\n"),
            Some(odd)
        );
        // One that is there is left alone: ours, or another.
        assert_eq!(
            schema_link("#:schema ./mdbook-tdd.schema.json\n[book]\n"),
            SchemaLink::Ours
        );
        assert_eq!(
            schema_link("# c\n\n #:schema mdbook-tdd.schema.json\n"),
            SchemaLink::Ours
        );
        assert_eq!(
            schema_link("#:schema https://example.org/book.json\n"),
            SchemaLink::Other("https://example.org/book.json".into())
        );
        // A directive after the first key is not one.
        assert!(matches!(
            schema_link("[book]\n#:schema ./other.json\n"),
            SchemaLink::Added(_)
        ));
    }

    #[test]
    fn adds_table_and_is_idempotent() {
        let src = "# My book\n[book]\ntitle = \"x\" # the title\n";
        let p = plan(src, false).unwrap();
        assert!(
            p.book_toml
                .starts_with("# My book\n[book]\ntitle = \"x\" # the title\n")
        );
        assert!(
            p.book_toml
                .contains("[preprocessor.tdd]\nafter = [\"links\"]\n"),
            "{}",
            p.book_toml
        );
        assert!(
            p.book_toml
                .contains("additional-css = [\"mdbook-tdd.css\"]")
        );
        assert!(p.write_stylesheet);
        let again = plan(&p.book_toml, true).unwrap();
        assert_eq!(again.book_toml, p.book_toml);
        assert!(again.changes.is_empty());
    }

    #[test]
    fn keeps_existing_settings() {
        let src = "[book]\n[preprocessor.tdd]\ncommand = \"x\"\nafter = [\"index\"]\n\n[output.markdown]\n";
        let p = plan(src, false).unwrap();
        assert!(
            p.book_toml
                .contains("command = \"x\"\nafter = [\"index\", \"links\"]\n"),
            "{}",
            p.book_toml
        );
        assert!(!p.book_toml.contains("additional-css"));
        assert!(!p.write_stylesheet);
    }

    #[test]
    fn inline_tables() {
        let src = "preprocessor = { other = { command = \"o\" } }\n";
        let p = plan(src, true).unwrap();
        assert!(p.book_toml.contains("tdd"), "{}", p.book_toml);
        let again = plan(&p.book_toml, true).unwrap();
        assert_eq!(again.book_toml, p.book_toml);
    }

    #[test]
    fn bad_shapes() {
        assert!(plan("preprocessor = 3\n", true).is_err());
        assert!(plan("[book\n", true).is_err());
        // A list written as a string is named a list, not a table.
        for src in [
            "[preprocessor.tdd]\nafter = \"links\"\n",
            "[preprocessor.tdd]\nbefore = \"mermaid\"\n[preprocessor.mermaid]\n",
            "[output.html]\nadditional-css = \"x.css\"\n",
        ] {
            let e = plan(src, true).unwrap_err().to_string();
            assert!(e.contains("` is not a list"), "{e}");
            assert!(!e.contains("table"), "{e}");
        }
    }

    #[test]
    fn keeps_crlf_and_bom() {
        let src = "\u{feff}# Docs\r\n[book]\r\ntitle = \"x\" # t\r\n\r\n[output.html]\r\nadditional-css = [\r\n    \"a.css\",\r\n]\r\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml.starts_with("\u{feff}# Docs\r\n[book]\r\n"),
            "{:?}",
            p.book_toml
        );
        assert!(
            !p.book_toml.replace("\r\n", "").contains('\n'),
            "{:?}",
            p.book_toml
        );
        assert!(
            p.book_toml
                .contains("[preprocessor.tdd]\r\nafter = [\"links\"]\r\n")
        );
        let again = plan(&p.book_toml, true).unwrap();
        assert!(again.changes.is_empty(), "{:?}", again.changes);
        assert_eq!(again.book_toml, p.book_toml);
        // Only the stylesheet to write: book.toml stays byte for byte.
        let p = plan(&p.book_toml, false).unwrap();
        assert_eq!(p.book_toml, again.book_toml);
        assert!(p.write_stylesheet);
    }

    #[test]
    fn mixed_line_endings_are_kept_line_by_line() {
        let src = "[book]\r\ntitle = \"x\"\n\r\n[preprocessor.tdd]\r\ncommand = \"c\"\n\n[output.html]\r\nx = 1\r\n";
        let p = plan(src, true).unwrap();
        assert_eq!(
            p.book_toml,
            "[book]\r\ntitle = \"x\"\n\r\n[preprocessor.tdd]\r\ncommand = \"c\"\nafter = [\"links\"]\r\n\n[output.html]\r\nx = 1\r\nadditional-css = [\"mdbook-tdd.css\"]\r\n"
        );
        // No final line break: the lines after it get one, the last stays without.
        let p = plan("[book]\r\ntitle = \"x\"", true).unwrap();
        assert!(
            p.book_toml.starts_with("[book]\r\ntitle = \"x\"\r\n"),
            "{:?}",
            p.book_toml
        );
    }

    #[test]
    fn line_diff() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "x", "c", "d", "e"];
        assert_eq!(common_lines(&a, &b, 10), Some(vec![(0, 0), (2, 2), (3, 3)]));
        assert_eq!(common_lines(&[], &b, 10), Some(vec![]));
        assert_eq!(
            common_lines(&a, &a, 0),
            Some(vec![(0, 0), (1, 1), (2, 2), (3, 3)])
        );
        assert_eq!(common_lines(&a, &["q"; 9], 3), None);
    }

    #[test]
    fn never_makes_a_cycle() {
        // tdd already runs before links.
        let src = "[preprocessor.tdd]\nbefore = [\"links\"]\n";
        let p = plan(src, true).unwrap();
        assert!(!p.book_toml.contains("after"), "{}", p.book_toml);
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].contains("(tdd → links)"), "{:?}", p.notes);
        assert!(p.warnings.is_empty());
        let again = plan(&p.book_toml, true).unwrap();
        assert!(again.changes.is_empty());
        assert_eq!(again.notes, p.notes);
        // Through another preprocessor, before the tdd table exists.
        let src = "[preprocessor.mermaid]\nafter = [\"tdd\"]\nbefore = [\"links\"]\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml.contains("[preprocessor.tdd]"),
            "{}",
            p.book_toml
        );
        assert!(
            !p.book_toml.contains("after = [\"links\"]"),
            "{}",
            p.book_toml
        );
        assert!(
            p.notes[0].contains("(tdd → mermaid → links)"),
            "{:?}",
            p.notes
        );
        // A name that is not a preprocessor of the book makes no edge.
        let src = "[preprocessor.tdd]\nbefore = [\"mermaid\"]\n[preprocessor.x]\nafter = [\"mermaid\"]\nbefore = [\"links\"]\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml
                .contains("before = [\"mermaid\"]\nafter = [\"links\"]"),
            "{}",
            p.book_toml
        );
        // No links preprocessor at all.
        let src = "[build]\nuse-default-preprocessors = false\n";
        let p = plan(src, true).unwrap();
        assert!(!p.book_toml.contains("after"), "{}", p.book_toml);
        assert!(
            p.notes[0].contains("no links preprocessor"),
            "{:?}",
            p.notes
        );
        let src = "[build]\nuse-default-preprocessors = false\n[preprocessor.links]\n";
        assert!(
            plan(src, true)
                .unwrap()
                .book_toml
                .contains("after = [\"links\"]")
        );
    }

    #[test]
    fn runs_before_mermaid() {
        // What `mdbook-mermaid install` writes: tdd goes before it.
        let src = "[book]\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n\n[output.html]\nadditional-js = [\"mermaid.min.js\", \"mermaid-init.js\"]\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml
                .contains("[preprocessor.tdd]\nafter = [\"links\"]\nbefore = [\"mermaid\"]\n"),
            "{}",
            p.book_toml
        );
        assert!(p.changes.iter().any(|c| c.contains("before \"mermaid\"")));
        let again = plan(&p.book_toml, true).unwrap();
        assert!(again.changes.is_empty(), "{:?}", again.changes);
        // No Mermaid preprocessor: no `before`, which mdBook would warn about.
        let p = plan("[book]\n", true).unwrap();
        assert!(!p.book_toml.contains("before"), "{}", p.book_toml);
        // One of another name, found by its command; kept `before` entries.
        let src = "[preprocessor.tdd]\nbefore = [\"x\"]\n[preprocessor.diagrams]\ncommand = \"/opt/mdbook-mermaid\"\n[preprocessor.x]\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml.contains("before = [\"x\", \"diagrams\"]"),
            "{}",
            p.book_toml
        );
        // One that runs before tdd on purpose: left alone, with a note.
        let src = "[preprocessor.mermaid]\nbefore = [\"tdd\"]\n";
        let p = plan(src, true).unwrap();
        assert!(
            !p.book_toml.contains("before = [\"mermaid\"]"),
            "{}",
            p.book_toml
        );
        assert!(
            p.notes.iter().any(|n| n.contains("(mermaid → tdd)")),
            "{:?}",
            p.notes
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        // Through links: mermaid before links, tdd after links.
        let src = "[preprocessor.mermaid]\nbefore = [\"links\"]\n";
        let p = plan(src, true).unwrap();
        assert!(
            p.book_toml.contains("after = [\"links\"]"),
            "{}",
            p.book_toml
        );
        assert!(
            !p.book_toml.contains("before = [\"mermaid\"]"),
            "{}",
            p.book_toml
        );
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("(mermaid → links → tdd)")),
            "{:?}",
            p.notes
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn warns_about_a_cycle_it_did_not_make() {
        let src = "[preprocessor.tdd]\nbefore = [\"links\"]\nafter = [\"links\"]\n";
        let p = plan(src, true).unwrap();
        assert!(p.changes.iter().all(|c| !c.contains("after")));
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(
            p.warnings[0].contains("(links → tdd → links"),
            "{:?}",
            p.warnings
        );
        let src = "[preprocessor.a]\nbefore = [\"b\"]\n[preprocessor.b]\nbefore = [\"c\"]\n[preprocessor.c]\nbefore = [\"a\"]\n";
        let p = plan(src, true).unwrap();
        assert!(p.warnings[0].contains("(a → b → c → a"), "{:?}", p.warnings);
        assert!(plan("[book]\n", true).unwrap().warnings.is_empty());
    }
}
