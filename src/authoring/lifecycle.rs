//! `new --mark-superseded`: a chapter's status changed in place, and no
//! other byte of it.

use crate::config::MarkdownOptions;

/// The chapter `text` with the value of its header's `Status` field set to
/// `status`, every other byte kept (emphasis around the old value too:
/// `*Draft*` becomes `*Superseded*`). `Ok(None)` when the status already is
/// `status` (case-insensitively); an error when the header has no Status
/// field.
pub fn set_status(
    text: &str,
    status: &str,
    options: &MarkdownOptions,
) -> Result<Option<String>, String> {
    let (_, _, header) = super::read_header(text, options);
    let Some(field) = header.get("Status") else {
        return Err(
            "its header has no `**Status:**` field to change (a skeleton directive's `status=` is not changed: expand the chapter first, or edit it by hand)"
                .to_string(),
        );
    };
    let value = &field.value;
    let decoration = |c: char| matches!(c, '*' | '_' | '`');
    let core = value.trim_matches(decoration);
    if core.trim().eq_ignore_ascii_case(status) {
        return Ok(None);
    }
    let (start, end) = if core.is_empty() {
        (field.value_range.start, field.value_range.end)
    } else {
        let lead = value.len() - value.trim_start_matches(decoration).len();
        let core_start = field.value_range.start + lead;
        (core_start, core_start + core.len())
    };
    let spaced = core.is_empty() && !text.get(..start).is_some_and(|b| b.ends_with([' ', '\t']));
    let insert = if spaced {
        format!(" {status}")
    } else {
        status.to_string()
    };
    super::splice(text, start..end, &insert, "Status field").map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> Result<Option<String>, String> {
        set_status(text, "Superseded", &MarkdownOptions::default())
    }

    #[test]
    fn only_the_value_changes() {
        let t = "\u{feff}# Old\r\n\r\n**Author:** A\r\n- **Status**: Approved  \r\n**Source PRD:** p.md\r\n\r\n## 1\r\n**Status:** x\r\n";
        assert_eq!(
            set(t).unwrap().unwrap(),
            t.replacen("Approved", "Superseded", 1)
        );
        let t = "# Old\r**Status:** *Draft*\\\r\rText\r";
        assert_eq!(
            set(t).unwrap().unwrap(),
            "# Old\r**Status:** *Superseded*\\\r\rText\r"
        );
        assert_eq!(
            set("# O\n\n**Status:**\n").unwrap().unwrap(),
            "# O\n\n**Status:** Superseded\n"
        );
        assert_eq!(set("# O\n\n**Status:** superseded\n").unwrap(), None);
        assert!(set("{{#tdd-skeleton status=Draft}}\n").is_err());
        assert!(set("# O\n\n**State:** Draft\n").is_err());
    }
}
