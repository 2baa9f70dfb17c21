//! `pin`: the PRD version pin of a TDD set in place, and no other byte of
//! the chapter changed.

use crate::config::MarkdownOptions;
use crate::model::pin::split_pin;
use crate::syntax::header::Header;

/// The chapter `text` with the pin of its header's Source PRD field set to
/// `version`: the pin replaced when `pinned` (the model read one), else
/// ` @ VERSION` added after the value (before a hard line break). Every
/// other byte is kept, line endings and a byte order mark too. `Ok(None)`
/// when the pin already is `version`; an error when the header has no
/// Source PRD value.
pub fn set_pin(
    text: &str,
    version: &str,
    pinned: bool,
    options: &MarkdownOptions,
) -> Result<Option<String>, String> {
    // Offsets of the view are offsets of the text.
    let view = crate::syntax::lines::lf_view(text);
    let lines = view.as_deref().unwrap_or(text);
    let scan = crate::syntax::scan::scan(lines, options);
    let header = Header::parse(lines, &scan);
    let Some(field) = header.get("Source PRD") else {
        return Err(
            "its header has no `**Source PRD:**` field to pin (a skeleton directive takes `prd-version=`: expand the chapter first, or edit it by hand)"
                .to_string(),
        );
    };
    if field.value.is_empty() {
        return Err("its Source PRD field is empty".to_string());
    }
    let start = field.value_range.start;
    let (range, insert) = match split_pin(&field.value).filter(|_| pinned) {
        Some((_, at, old)) => {
            if old == version {
                return Ok(None);
            }
            (start + at..start + at + old.len(), version.to_string())
        }
        None => {
            let end = field.value_range.end;
            (end..end, format!(" @ {version}"))
        }
    };
    let (Some(before), Some(after)) = (text.get(..range.start), text.get(range.end..)) else {
        return Err("its Source PRD field could not be located".to_string());
    };
    Ok(Some(format!("{before}{insert}{after}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, pinned: bool) -> Result<Option<String>, String> {
        set_pin(text, "1.4", pinned, &MarkdownOptions::default())
    }

    #[test]
    fn only_the_pin_changes() {
        let t = "\u{feff}# T\r\n\r\n**Status:** Draft\r\n**Source PRD:** [P](p.md) @ 1.2  \r\n\r\n## 1\r\n";
        assert_eq!(set(t, true).unwrap().unwrap(), t.replacen("1.2", "1.4", 1));
        let t = "# T\r**Source PRD:** p.md\\\r\rText\r";
        assert_eq!(
            set(t, false).unwrap().unwrap(),
            "# T\r**Source PRD:** p.md @ 1.4\\\r\rText\r"
        );
        assert_eq!(
            set("# T\n- **Source PRD**: [P](p.md)<br>\n", false)
                .unwrap()
                .unwrap(),
            "# T\n- **Source PRD**: [P](p.md) @ 1.4<br>\n"
        );
        assert_eq!(
            set("# T\n**Source PRD:** p.md @ 1.4\n", true).unwrap(),
            None
        );
        // A name that ends like a pin but is none (the model says so).
        assert_eq!(
            set("# T\n**Source PRD:** Release @ 2\n", false)
                .unwrap()
                .unwrap(),
            "# T\n**Source PRD:** Release @ 2 @ 1.4\n"
        );
        assert!(set("{{#tdd-skeleton prd=p.md}}\n", false).is_err());
        assert!(set("# T\n\n**Source PRD:**\n", false).is_err());
    }
}
