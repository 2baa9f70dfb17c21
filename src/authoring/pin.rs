//! `pin`: the PRD version pin of a TDD set in place, and no other byte of
//! the chapter changed.

use crate::config::MarkdownOptions;
use crate::model::pin::split_pin;

/// The chapter `text` with the pin of its header's Source PRD field set to
/// `version`: the pin replaced when `pinned` (the model read one), else
/// ` @ VERSION` added after the value (before a hard line break). Every
/// other byte is kept, line endings and a byte order mark too. A chapter
/// whose `{{#tdd-skeleton}}` writes the header gets the directive's
/// `prd-version=` set instead. `Ok(None)` when the pin already is
/// `version`; an error when there is no Source PRD value to pin.
pub fn set_pin(
    text: &str,
    version: &str,
    pinned: bool,
    options: &MarkdownOptions,
) -> Result<Option<String>, String> {
    let (lines, scan, header) = super::read_header(text, options);
    let Some(field) = header.get("Source PRD") else {
        return set_skeleton_pin(text, &lines, &scan, version);
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
    super::splice(text, range, &insert, "Source PRD field").map(Some)
}

/// The `prd-version=` argument of the chapter's `{{#tdd-skeleton}}` set
/// to `version` (added before the closing `}}` when it has none).
fn set_skeleton_pin(
    text: &str,
    lines: &str,
    scan: &crate::syntax::scan::ChapterScan,
    version: &str,
) -> Result<Option<String>, String> {
    use crate::syntax::directive::{candidates, parse_at};
    use crate::syntax::scan::in_ranges;
    let skeleton = candidates(lines)
        .into_iter()
        .filter(|&at| !in_ranges(&scan.code_blocks, at) && !in_ranges(&scan.html, at))
        .filter_map(|at| parse_at(lines, at, false).ok())
        .find(|d| d.name == "tdd-skeleton");
    let Some(d) = skeleton else {
        return Err(
            "it has neither a `**Source PRD:**` header field nor a `{{#tdd-skeleton}}` to pin"
                .to_string(),
        );
    };
    let arg = format!("prd-version={}", super::init::quote(version));
    let (range, insert) = match d.args.iter().find(|a| a.key == "prd-version") {
        Some(a) if a.value.trim() == version => return Ok(None),
        Some(a) => (a.span.clone(), arg),
        None => {
            // Before the `}}` (and the white space before it).
            let close = d.span.end.saturating_sub(2);
            let Some(body) = lines.get(d.span.start..close) else {
                return Err("its skeleton directive could not be located".to_string());
            };
            let at = d.span.start + body.trim_end().len();
            (at..at, format!(" {arg}"))
        }
    };
    let (Some(before), Some(after)) = (text.get(..range.start), text.get(range.end..)) else {
        return Err("its skeleton directive could not be located".to_string());
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
        // A skeleton takes the pin as its argument.
        assert_eq!(
            set("{{#tdd-skeleton prd=p.md }}\r\n", false)
                .unwrap()
                .unwrap(),
            "{{#tdd-skeleton prd=p.md prd-version=\"1.4\" }}\r\n"
        );
        assert_eq!(
            set("x\n\n{{#tdd-skeleton prd-version=1.2\n  prd=p.md}}\n", true)
                .unwrap()
                .unwrap(),
            "x\n\n{{#tdd-skeleton prd-version=\"1.4\"\n  prd=p.md}}\n"
        );
        assert_eq!(
            set("{{#tdd-skeleton prd=p.md prd-version=1.4}}\n", true).unwrap(),
            None
        );
        assert!(set("```\n{{#tdd-skeleton prd=p.md}}\n```\n", false).is_err());
        assert!(set("{{#tdd-status}}\n", false).is_err());
        assert!(set("# T\n\n**Source PRD:**\n", false).is_err());
    }
}
