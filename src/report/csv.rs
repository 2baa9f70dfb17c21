//! `mdbook-tdd status --format csv`: the status tables as one CSV table
//! for spreadsheets.
//!
//! Written by hand rather than with the `csv` crate: RFC 4180 output is a
//! few lines (quote a field holding a comma, a quote, CR or LF; double the
//! quotes), and the guard against formulas, which that crate lacks, would
//! be needed anyway.

use super::{PRD_HEADER, TDD_HEADER, prd_rows, tdd_rows};
use crate::model::BookModel;
use std::borrow::Cow;

/// The header: `Kind`, then the columns of both tables once, in their
/// order (`Name` for the first column, which the tables call `TDD` and
/// `PRD`).
pub const CSV_HEADER: [&str; 9] = [
    "Kind", "Name", "Path", "Status", "PRD", "Open", "Blockers", "Complete", "Designs",
];

/// A cell as a spreadsheet may take it: characters that would drive a
/// terminal escaped as in the table output, and a text that a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a CR)
/// behind a `'`.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    let text = crate::terminal::visible_lines(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

/// A field as RFC 4180 writes it: in quotes, with its quotes doubled, when
/// it holds a comma, a quote, CR or LF.
pub fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

fn record(out: &mut String, cells: &[&str]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&safe_cell(c)));
    }
    // RFC 4180 ends every record with CRLF.
    out.push_str("\r\n");
}

/// The CSV: the header, then a row per TDD (`Kind` `TDD`, `Designs`
/// empty), then a row per PRD (`Kind` `PRD`; `PRD`, `Open`, `Blockers`,
/// `Complete` empty), the cells as `status --format table` shows them.
pub fn status_csv(model: &BookModel) -> String {
    // The tables' columns, by their header, in the CSV's order.
    fn pick<'a>(header: &[&str], row: &'a [String], kind: &'a str) -> Vec<&'a str> {
        CSV_HEADER
            .iter()
            .enumerate()
            .map(|(i, name)| match i {
                0 => kind,
                1 => row.first().map_or("", String::as_str),
                // The tables' first column is the name, whatever its
                // header says (the PRD table calls it `PRD`).
                _ => header
                    .iter()
                    .skip(1)
                    .position(|h| h == name)
                    .and_then(|j| row.get(j + 1))
                    .map_or("", String::as_str),
            })
            .collect()
    }
    let mut out = String::new();
    record(&mut out, &CSV_HEADER);
    for row in tdd_rows(model) {
        record(&mut out, &pick(&TDD_HEADER, &row, "TDD"));
    }
    for row in prd_rows(model) {
        record(&mut out, &pick(&PRD_HEADER, &row, "PRD"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(field("plain text"), "plain text");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("a\nb"), "\"a\nb\"");
        assert_eq!(field("a\rb"), "\"a\rb\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formulas_are_defused() {
        for f in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK(\"x\")"] {
            assert!(safe_cell(f).starts_with('\''), "{f:?}");
        }
        // A CR is escaped, so the cell no longer starts with one.
        assert_eq!(safe_cell("\r=1"), "\\r=1");
        for f in ["a=1", "—", "80%", "Draft", "'quoted"] {
            assert_eq!(safe_cell(f), f);
        }
        assert_eq!(safe_cell("x\u{1b}[2J"), "x\\u{1b}[2J");
        let mut out = String::new();
        record(&mut out, &["=cmd|' /C calc'!A0", "a,\"b\"", "x"]);
        assert_eq!(out, "'=cmd|' /C calc'!A0,\"a,\"\"b\"\"\",x\r\n");
    }
}
