//! Text on its way to a terminal. Documents and book.toml can hold control
//! characters (ESC, BEL, CR, the rest of C0 and C1) and the bidirectional
//! overrides and isolates (U+202A–U+202E, U+2066–U+2069); printed raw they
//! would drive the terminal: recolour or retitle it, overwrite or hide
//! lines, reorder text. Every printer for people passes such text through
//! here, which shows those characters as escapes (`\u{1b}`, `\r`).
//! Machine formats keep their own escaping (JSON through serde).

use std::borrow::Cow;

/// Whether a character must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.extend(c.escape_unicode()),
        }
    }
    Cow::Owned(out)
}

/// One line of text: every unsafe character escaped, line breaks and tabs
/// included (a table cell, a file name, a diagnostic's message).
pub fn visible(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// Text of several lines: line feeds and tabs kept, every other unsafe
/// character escaped (CR too, so that no line can overwrite another).
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// JSON text with the unsafe characters that JSON lets through raw (DEL,
/// C1, the bidirectional controls) written as `\uXXXX` escapes instead: the
/// same data for every JSON reader, harmless on a terminal. Such characters
/// can only stand inside strings, where the escape means the same.
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && c != '\n' {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_drives_a_terminal() {
        assert!(matches!(visible("Grüße, 支付 — ok"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\u{1b}]0;title\u{7}b\rc\nd\te\u{9b}f\u{7f}"),
            "a\\u{1b}]0;title\\u{7}b\\rc\\nd\\te\\u{9b}f\\u{7f}"
        );
        assert_eq!(
            visible("x\u{202e}y\u{2066}z\u{2069}\u{202a}"),
            "x\\u{202e}y\\u{2066}z\\u{2069}\\u{202a}"
        );
        // Marks that only hint the direction are left alone.
        assert_eq!(visible("\u{200f}"), "\u{200f}");
        let raw = "{\"a\": \"x\u{9b}y\u{202e}z\u{7f}\\u001b\"}\n";
        let safe = json(raw);
        assert_eq!(safe, "{\"a\": \"x\\u009by\\u202ez\\u007f\\u001b\"}\n");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        let orig: serde_json::Value = serde_json::from_str(raw).unwrap();
        assert_eq!(back, orig);
        assert_eq!(
            visible_lines("one\r\ntwo\t\u{1b}[2J\n"),
            "one\\r\ntwo\t\\u{1b}[2J\n"
        );
    }
}
