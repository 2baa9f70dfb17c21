//! Directive syntax: names, the argument grammar, and finding directive
//! candidates in raw chapter text.
//!
//! A directive is `{{#NAME ARGS}}`. Only names starting with `tdd-` or `prd-`
//! belong to this preprocessor; every other `{{#...}}` is left alone. ARGS are
//! `key=value` pairs separated by white space; a value is a bare word or a
//! double-quoted string in which `\"` and `\\` are escapes. A directive may
//! span lines (not paragraphs) and ends at the first `}}` outside quotes.
//!
//! This module only reads syntax. Whether a candidate sits in prose (and not
//! in code or HTML) is decided by [`crate::scan`], which walks the Markdown
//! events.

use std::fmt;
use std::ops::Range;

/// The directives this preprocessor knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DirectiveKind {
    /// `{{#tdd-skeleton}}`: the TDD template, merged with the author's text.
    TddSkeleton,
    /// `{{#tdd-status}}`: a table of every TDD.
    TddStatus,
    /// `{{#prd-status}}`: a table of every PRD and its designs.
    PrdStatus,
    /// `{{#tdd-rollup}}`: rows of one table section gathered from every TDD.
    TddRollup,
    /// `{{#tdd-open-items}}`: the open rows of every Open Questions & Risks table.
    TddOpenItems,
    /// `{{#tdd-blockers}}`: the rows of every Dependencies & Blockers table that are not Ready.
    TddBlockers,
    /// `{{#tdd-completeness}}`: which template sections each TDD has written.
    TddCompleteness,
    /// `{{#tdd-backlinks}}`: the TDDs derived from this PRD.
    TddBacklinks,
}

impl DirectiveKind {
    /// Every directive, in documentation order.
    pub const ALL: &'static [DirectiveKind] = &[
        DirectiveKind::TddSkeleton,
        DirectiveKind::TddStatus,
        DirectiveKind::PrdStatus,
        DirectiveKind::TddRollup,
        DirectiveKind::TddOpenItems,
        DirectiveKind::TddBlockers,
        DirectiveKind::TddCompleteness,
        DirectiveKind::TddBacklinks,
    ];

    /// The name as written after `{{#`.
    pub fn name(self) -> &'static str {
        match self {
            DirectiveKind::TddSkeleton => "tdd-skeleton",
            DirectiveKind::TddStatus => "tdd-status",
            DirectiveKind::PrdStatus => "prd-status",
            DirectiveKind::TddRollup => "tdd-rollup",
            DirectiveKind::TddOpenItems => "tdd-open-items",
            DirectiveKind::TddBlockers => "tdd-blockers",
            DirectiveKind::TddCompleteness => "tdd-completeness",
            DirectiveKind::TddBacklinks => "tdd-backlinks",
        }
    }

    /// Looks a directive up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The arguments the directive takes. `tdd-skeleton` also takes any
    /// placeholder name of its template.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            DirectiveKind::TddSkeleton => &[
                "title", "author", "date", "status", "version", "prd", "template",
            ],
            DirectiveKind::TddStatus => &["columns", "status", "prd", "sort"],
            DirectiveKind::PrdStatus => &["columns", "status", "uncovered", "sort"],
            DirectiveKind::TddRollup => &["section", "where", "columns"],
            DirectiveKind::TddOpenItems | DirectiveKind::TddBlockers => &["where", "columns"],
            DirectiveKind::TddCompleteness => &["status", "prd", "sort"],
            DirectiveKind::TddBacklinks => &[],
        }
    }
}

impl fmt::Display for DirectiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a directive name belongs to this preprocessor.
pub fn is_ours(name: &str) -> bool {
    name.starts_with("tdd-") || name.starts_with("prd-")
}

/// One `key=value` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The key.
    pub key: String,
    /// The value, with quotes removed and escapes resolved.
    pub value: String,
    /// Byte range of the whole `key=value` in the chapter.
    pub span: Range<usize>,
}

impl Arg {
    /// The value split as a comma-separated list, each item trimmed, empty
    /// items dropped.
    pub fn list(&self) -> Vec<String> {
        split_list(&self.value)
    }
}

/// Splits a comma-separated list value.
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A problem with one argument of the directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgProblem {
    /// Byte range of the argument in the chapter.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What would be right, if known.
    pub help: Option<String>,
}

/// A directive as written: its name and arguments, not yet checked against
/// the list of known directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDirective {
    /// The name after `{{#`.
    pub name: String,
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// Byte range from `{{#` to `}}` inclusive.
    pub span: Range<usize>,
}

/// A syntax error in a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The directive's name.
    pub name: String,
    /// Where the directive starts.
    pub start: usize,
    /// Where the problem is.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

/// Byte offsets of every `{{#` followed by one of our names, in order.
///
/// Candidates preceded by an odd number of backslashes are escaped and left
/// out.
pub fn candidates(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"{{#")
        .filter(|&at| {
            let rest = &bytes[at + 3..];
            (rest.starts_with(b"tdd-") || rest.starts_with(b"prd-")) && !is_escaped(bytes, at)
        })
        .collect()
}

/// Whether the byte at `at` is preceded by an odd number of backslashes.
pub fn is_escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// Parses the directive starting at `start` (which must point at `{{#`).
///
/// `quoted` says that the directive sits in a block quote: continuation lines
/// then start with `>` markers, which are skipped.
pub fn parse_at(text: &str, start: usize, quoted: bool) -> Result<RawDirective, SyntaxError> {
    Parser {
        bytes: text.as_bytes(),
        text,
        start,
        pos: start + 3,
        quoted,
        name: String::new(),
    }
    .parse()
}

struct Parser<'t> {
    bytes: &'t [u8],
    text: &'t str,
    start: usize,
    pos: usize,
    quoted: bool,
    name: String,
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

impl Parser<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            name: self.name.clone(),
            start: self.start,
            at,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_close(&self) -> bool {
        self.bytes[self.pos..].starts_with(b"}}")
    }

    /// Skips white space between arguments. Fails at a blank line, which ends
    /// the paragraph the directive must stay in.
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.after_newline()?;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
        Ok(())
    }

    /// At the start of a continuation line: skips the block-quote markers of
    /// the container and fails on a blank line.
    fn after_newline(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'>') if self.quoted => self.pos += 1,
                None => {
                    return Err(self.error(self.start, "the directive has no closing `}}`"));
                }
                Some(b'\n') => {
                    return Err(self.error(
                        self.start,
                        "the directive has no closing `}}` before the end of its paragraph",
                    ));
                }
                Some(_) => return Ok(()),
            }
        }
    }

    fn parse(mut self) -> Result<RawDirective, SyntaxError> {
        let name_start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == b'}' {
                break;
            }
            self.pos += 1;
        }
        self.name = self.text[name_start..self.pos].to_string();
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek().is_none() {
                return Err(self.error(self.start, "the directive has no closing `}}`"));
            }
            if self.at_close() {
                self.pos += 2;
                return Ok(RawDirective {
                    name: self.name,
                    args,
                    span: self.start..self.pos,
                });
            }
            let arg = self.parse_arg()?;
            if args.iter().any(|a| a.key == arg.key) {
                return Err(self.error(
                    arg.span.start,
                    format!("argument `{}` is given twice", arg.key),
                ));
            }
            args.push(arg);
        }
    }

    fn parse_arg(&mut self) -> Result<Arg, SyntaxError> {
        let key_start = self.pos;
        while self.peek().is_some_and(is_key_byte) {
            self.pos += 1;
        }
        if self.pos == key_start {
            let found = self.text[self.pos..].chars().next().unwrap_or(' ');
            if found == '}' {
                return Err(self.error(
                    self.pos,
                    "the directive has no closing `}}` (found a single `}`)",
                ));
            }
            return Err(self.error(
                self.pos,
                format!("expected an argument `key=value`, found `{found}`"),
            ));
        }
        let key = self.text[key_start..self.pos].to_string();
        if self.peek() != Some(b'=') {
            return Err(self.error(
                key_start,
                format!("argument `{key}` has no value (write `{key}=value`)"),
            ));
        }
        self.pos += 1;
        let value = if self.peek() == Some(b'"') {
            self.quoted_value(&key)?
        } else {
            let value_start = self.pos;
            while let Some(b) = self.peek() {
                if b.is_ascii_whitespace() || self.at_close() {
                    break;
                }
                self.pos += 1;
            }
            if self.pos == value_start {
                return Err(self.error(
                    key_start,
                    format!("argument `{key}` has no value (write `{key}=value`, or `{key}=\"\"`)"),
                ));
            }
            self.text[value_start..self.pos].to_string()
        };
        Ok(Arg {
            key,
            value,
            span: key_start..self.pos,
        })
    }

    fn quoted_value(&mut self, key: &str) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error(open, format!("the quoted value of `{key}` is not closed")));
            };
            match b {
                b'"' => {
                    value.push_str(&self.text[run_start..self.pos]);
                    self.pos += 1;
                    break;
                }
                b'\\' if matches!(self.bytes.get(self.pos + 1), Some(b'"' | b'\\')) => {
                    value.push_str(&self.text[run_start..self.pos]);
                    value.push(char::from(self.bytes[self.pos + 1]));
                    self.pos += 2;
                    run_start = self.pos;
                }
                b'\n' => {
                    value.push_str(&self.text[run_start..=self.pos]);
                    self.pos += 1;
                    // The continuation line's container prefix is not part of the value.
                    self.after_newline().map_err(|_| {
                        self.error(open, format!("the quoted value of `{key}` is not closed"))
                    })?;
                    run_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        match self.peek() {
            None => Ok(value),
            Some(b) if b.is_ascii_whitespace() || self.at_close() => Ok(value),
            Some(_) => Err(self.error(
                self.pos,
                format!("expected white space or `}}}}` after the quoted value of `{key}`"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RawDirective, SyntaxError> {
        parse_at(text, text.find("{{#").unwrap(), false)
    }

    fn args(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap()
            .args
            .into_iter()
            .map(|a| (a.key, a.value))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn name_without_arguments() {
        let d = parse("{{#tdd-status}}").unwrap();
        assert_eq!(d.name, "tdd-status");
        assert!(d.args.is_empty());
        assert_eq!(d.span, 0..15);
    }

    #[test]
    fn bare_values() {
        assert_eq!(
            args("{{#tdd-status sort=-date status=draft}}"),
            kv(&[("sort", "-date"), ("status", "draft")])
        );
    }

    #[test]
    fn quoted_values_with_escapes() {
        assert_eq!(
            args(r#"{{#tdd-skeleton title="A \"quoted\" \\ name" author="Jo}} Doe"}}"#),
            kv(&[("title", r#"A "quoted" \ name"#), ("author", "Jo}} Doe")])
        );
    }

    #[test]
    fn other_backslashes_stay() {
        assert_eq!(
            args(r#"{{#tdd-skeleton title="a\nb"}}"#),
            kv(&[("title", r"a\nb")])
        );
    }

    #[test]
    fn empty_quoted_value() {
        assert_eq!(args(r#"{{#tdd-skeleton title=""}}"#), kv(&[("title", "")]));
    }

    #[test]
    fn lists() {
        let d =
            parse(r#"{{#tdd-rollup where="Status=Open, In Progress" columns=a,b,,c}}"#).unwrap();
        assert_eq!(d.args[0].list(), vec!["Status=Open", "In Progress"]);
        assert_eq!(d.args[1].list(), vec!["a", "b", "c"]);
    }

    #[test]
    fn multi_line() {
        let text = "{{#tdd-status\n    columns=document,status\n    sort=title\n}}";
        assert_eq!(
            args(text),
            kv(&[("columns", "document,status"), ("sort", "title")])
        );
        assert_eq!(parse(text).unwrap().span, 0..text.len());
    }

    #[test]
    fn multi_line_in_block_quote() {
        let text = "> {{#tdd-status\n>   sort=title\n> > status=draft}}";
        let d = parse_at(text, 2, true).unwrap();
        assert_eq!(d.args.len(), 2);
        assert_eq!(d.span.end, text.len());
    }

    #[test]
    fn bare_value_may_hold_single_brace() {
        assert_eq!(args("{{#tdd-status sort=a}b}}"), kv(&[("sort", "a}b")]));
    }

    #[test]
    fn closing_right_after_value() {
        assert_eq!(args("{{#tdd-status sort=title}}"), kv(&[("sort", "title")]));
        assert_eq!(
            args(r#"{{#tdd-status sort="title"}}"#),
            kv(&[("sort", "title")])
        );
    }

    #[test]
    fn unterminated() {
        let e = parse("{{#tdd-status sort=title").unwrap_err();
        assert!(e.message.contains("no closing"), "{e:?}");
        let e = parse("{{#tdd-status}\n").unwrap_err();
        assert!(e.message.contains("no closing"), "{e:?}");
    }

    #[test]
    fn blank_line_ends_search() {
        let e = parse("{{#tdd-status\n\n}}").unwrap_err();
        assert!(e.message.contains("end of its paragraph"), "{e:?}");
    }

    #[test]
    fn unterminated_quote() {
        let e = parse(r#"{{#tdd-skeleton title="abc}}"#).unwrap_err();
        assert!(e.message.contains("not closed"), "{e:?}");
        assert_eq!(e.at, 22);
    }

    #[test]
    fn missing_value() {
        let e = parse("{{#tdd-status sort= status=x}}").unwrap_err();
        assert!(e.message.contains("has no value"), "{e:?}");
        let e = parse("{{#tdd-status sort}}").unwrap_err();
        assert!(e.message.contains("has no value"), "{e:?}");
    }

    #[test]
    fn stray_token() {
        let e = parse("{{#tdd-status =x}}").unwrap_err();
        assert!(e.message.contains("expected an argument"), "{e:?}");
        let e = parse(r#"{{#tdd-status a="x"b=1}}"#).unwrap_err();
        assert!(e.message.contains("after the quoted value"), "{e:?}");
    }

    #[test]
    fn duplicate_key() {
        let e = parse("{{#tdd-status sort=a sort=b}}").unwrap_err();
        assert!(e.message.contains("given twice"), "{e:?}");
    }

    #[test]
    fn non_ascii_values() {
        assert_eq!(
            args("{{#tdd-skeleton author=Tomás title=\"Ünïcødé ✓\"}}"),
            kv(&[("author", "Tomás"), ("title", "Ünïcødé ✓")])
        );
    }

    #[test]
    fn finds_candidates() {
        let text = r"a {{#tdd-status}} \{{#tdd-x}} \\{{#prd-status}} {{#include x}} {{#tdd";
        let c = candidates(text);
        assert_eq!(c, vec![2, 32]);
    }

    #[test]
    fn known_names() {
        for k in DirectiveKind::ALL {
            assert_eq!(DirectiveKind::from_name(k.name()), Some(*k));
            assert!(is_ours(k.name()));
        }
        assert!(!is_ours("include"));
    }
}
