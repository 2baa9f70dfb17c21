//! `mdbook-tdd install`: adds `[preprocessor.tdd]` to a `book.toml`, keeping
//! the file's formatting and comments (with `toml_edit`). Running it twice
//! changes nothing.

use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// The stylesheet for status badges, written next to `book.toml`.
pub const STYLESHEET: &str = include_str!("../assets/mdbook-tdd.css");

/// Its file name, relative to the book root.
pub const STYLESHEET_NAME: &str = "mdbook-tdd.css";

/// What `install` changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstallPlan {
    /// The new `book.toml` text (equal to the old one if nothing changed).
    pub book_toml: String,
    /// Human-readable list of changes.
    pub changes: Vec<String>,
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
                return Err(InstallError::NotATable(format!(
                    "{path}.{key} (not a list)"
                )));
            };
            if a.iter().any(|v| v.as_str() == Some(value)) {
                Ok(false)
            } else {
                a.push(value);
                Ok(true)
            }
        }
    }
}

/// Plans the edit of `book.toml`: `[preprocessor.tdd]` with
/// `after = ["links"]`, and the badge stylesheet in
/// `output.html.additional-css` when the book renders HTML.
pub fn plan(book_toml: &str, stylesheet_exists: bool) -> Result<InstallPlan, InstallError> {
    let mut doc: DocumentMut = book_toml
        .parse()
        .map_err(|e: toml_edit::TomlError| InstallError::Toml(e.to_string()))?;
    let mut changes = Vec::new();
    {
        let root = doc.as_table_mut();
        let pre = table_like(root, "preprocessor", "preprocessor")?;
        let had_table = pre.get("tdd").is_some();
        if !had_table {
            pre.insert("tdd", Item::Table(Table::new()));
            changes.push("added [preprocessor.tdd]".to_string());
        }
        if !had_table
            && let Some(inline) = root
                .get_mut("preprocessor")
                .and_then(Item::as_inline_table_mut)
        {
            inline.fmt();
        }
        let pre = root
            .get_mut("preprocessor")
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| InstallError::NotATable("preprocessor".into()))?;
        let tdd = pre
            .get_mut("tdd")
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| InstallError::NotATable("preprocessor.tdd".into()))?;
        if ensure_in_array(tdd, "after", "links", "preprocessor.tdd")? {
            changes.push("set preprocessor.tdd.after to run after \"links\"".to_string());
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
        }
        if !stylesheet_exists {
            write_stylesheet = true;
            changes.push(format!("wrote {STYLESHEET_NAME} (status badge styles)"));
        }
    }
    Ok(InstallPlan {
        book_toml: doc.to_string(),
        changes,
        write_stylesheet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
