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
//! in code or HTML) is decided by [`crate::syntax::scan`], which walks the Markdown
//! events.

use crate::hash::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

/// The directives this preprocessor knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DirectiveKind {
    /// `{{#tdd-skeleton}}`: the TDD template, merged with the author's text.
    TddSkeleton,
    /// `{{#prd-skeleton}}`: the PRD template, merged with the author's text
    /// as the TDD template is.
    PrdSkeleton,
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
    /// `{{#tdd-graph}}`: PRDs, their designs and what supersedes what, drawn.
    TddGraph,
    /// `{{#tdd-summary}}`: designs by status, PRDs without a live design,
    /// blocked dependencies and open high-impact risks, at a glance.
    TddSummary,
    /// `{{#prd-requirements}}`: each requirement of the PRDs, its priority,
    /// the designs citing it and its coverage.
    PrdRequirements,
    /// `{{#prd-open-questions}}`: each open item of the PRDs and the designs
    /// that resolved it.
    PrdOpenQuestions,
}

impl DirectiveKind {
    /// Every directive, in documentation order.
    pub const ALL: &'static [DirectiveKind] = &[
        DirectiveKind::TddSkeleton,
        DirectiveKind::PrdSkeleton,
        DirectiveKind::TddStatus,
        DirectiveKind::PrdStatus,
        DirectiveKind::TddRollup,
        DirectiveKind::TddOpenItems,
        DirectiveKind::TddBlockers,
        DirectiveKind::TddCompleteness,
        DirectiveKind::TddBacklinks,
        DirectiveKind::TddGraph,
        DirectiveKind::TddSummary,
        DirectiveKind::PrdRequirements,
        DirectiveKind::PrdOpenQuestions,
    ];

    /// The name as written after `{{#`.
    pub fn name(self) -> &'static str {
        match self {
            DirectiveKind::TddSkeleton => "tdd-skeleton",
            DirectiveKind::PrdSkeleton => "prd-skeleton",
            DirectiveKind::TddStatus => "tdd-status",
            DirectiveKind::PrdStatus => "prd-status",
            DirectiveKind::TddRollup => "tdd-rollup",
            DirectiveKind::TddOpenItems => "tdd-open-items",
            DirectiveKind::TddBlockers => "tdd-blockers",
            DirectiveKind::TddCompleteness => "tdd-completeness",
            DirectiveKind::TddBacklinks => "tdd-backlinks",
            DirectiveKind::TddGraph => "tdd-graph",
            DirectiveKind::TddSummary => "tdd-summary",
            DirectiveKind::PrdRequirements => "prd-requirements",
            DirectiveKind::PrdOpenQuestions => "prd-open-questions",
        }
    }

    /// Looks a directive up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Whether the directive is a skeleton (`tdd-skeleton`,
    /// `prd-skeleton`): a template that builds the whole chapter.
    pub fn is_skeleton(self) -> bool {
        matches!(
            self,
            DirectiveKind::TddSkeleton | DirectiveKind::PrdSkeleton
        )
    }

    /// The arguments the directive takes. A skeleton also takes any
    /// placeholder name of its template.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            DirectiveKind::TddSkeleton => &[
                "title",
                "author",
                "date",
                "status",
                "version",
                "prd",
                "prd-version",
                "supersedes",
                "template",
            ],
            DirectiveKind::PrdSkeleton => &[
                "title",
                "author",
                "date",
                "status",
                "version",
                "supersedes",
                "template",
            ],
            DirectiveKind::TddStatus => &["columns", "status", "prd", "sort", "live"],
            DirectiveKind::PrdStatus => &["columns", "status", "uncovered", "sort", "live"],
            DirectiveKind::TddRollup => &["section", "where", "columns", "sort"],
            DirectiveKind::TddOpenItems | DirectiveKind::TddBlockers => {
                &["where", "columns", "sort"]
            }
            DirectiveKind::TddCompleteness => &["status", "prd", "sort", "live"],
            DirectiveKind::TddBacklinks => &[],
            DirectiveKind::TddGraph => &["prd", "status", "live"],
            DirectiveKind::TddSummary => &["show", "limit"],
            DirectiveKind::PrdRequirements => &["prd", "uncovered", "sort"],
            DirectiveKind::PrdOpenQuestions => &["prd", "open"],
        }
    }
}

impl fmt::Display for DirectiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the text after `{{#` starts a name of this preprocessor's
/// (`tdd-` or `prd-`); every other `{{#...}}` belongs to mdBook or another
/// preprocessor.
pub fn is_ours(after_open: &[u8]) -> bool {
    after_open.starts_with(b"tdd-") || after_open.starts_with(b"prd-")
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
    super::needle::DIRECTIVE
        .find_iter(bytes)
        .filter(|&at| {
            let rest = &bytes[at + 3..];
            is_ours(rest) && !is_escaped(bytes, at)
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
    let mut p = Parser::new(text, start, quoted);
    let name = p.name();
    let mut args: Vec<Arg> = Vec::new();
    let mut keys: HashSet<&str> = HashSet::default();
    loop {
        match p.step() {
            Ok(None) => {
                return Ok(RawDirective {
                    name: name.to_string(),
                    args,
                    span: start..p.pos,
                });
            }
            Ok(Some(arg)) => {
                if !keys.insert(key_of(text, &arg)) {
                    return Err(given_twice(name, start, &arg));
                }
                args.push(arg);
            }
            Err(f) => return Err(f.into_error(name, start)),
        }
    }
}

/// The key of an argument, as a slice of the text it was parsed from.
fn key_of<'t>(text: &'t str, arg: &Arg) -> &'t str {
    let start = arg.span.start;
    text.get(start..start + arg.key.len()).unwrap_or_default()
}

/// Names and keys quoted in syntax errors keep at most this many
/// characters.
const QUOTED_CHARS: usize = 64;

/// A name or key as a syntax error quotes it: cut after `QUOTED_CHARS`
/// characters (and marked with `…`), so that the candidates of a text
/// without white space, whose names run into each other, do not each quote
/// the rest of the text.
pub fn excerpt(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..cut])),
        None => std::borrow::Cow::Borrowed(s),
    }
}

fn given_twice(name: &str, start: usize, arg: &Arg) -> SyntaxError {
    SyntaxError {
        name: excerpt(name).into_owned(),
        start,
        at: arg.span.start,
        message: format!("argument `{}` is given twice", excerpt(&arg.key)),
    }
}

/// Why the argument list stopped, as far as it depends on the place only:
/// where (`None`: at the directive's start) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fail {
    at: Option<usize>,
    message: String,
}

impl Fail {
    fn into_error(self, name: &str, start: usize) -> SyntaxError {
        SyntaxError {
            name: excerpt(name).into_owned(),
            start,
            at: self.at.unwrap_or(start),
            message: self.message,
        }
    }
}

struct Parser<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    quoted: bool,
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, start: usize, quoted: bool) -> Self {
        Parser {
            bytes: text.as_bytes(),
            text,
            pos: start + 3,
            quoted,
        }
    }

    /// Reads the name after `{{#`.
    fn name(&mut self) -> &'t str {
        let name_start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == b'}' {
                break;
            }
            self.pos += 1;
        }
        &self.text[name_start..self.pos]
    }

    fn at_start(message: impl Into<String>) -> Fail {
        Fail {
            at: None,
            message: message.into(),
        }
    }

    fn error(at: usize, message: impl Into<String>) -> Fail {
        Fail {
            at: Some(at),
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
    fn skip_space(&mut self) -> Result<(), Fail> {
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
    fn after_newline(&mut self) -> Result<(), Fail> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'>') if self.quoted => self.pos += 1,
                None => return Err(Self::at_start("the directive has no closing `}}`")),
                Some(b'\n') => {
                    return Err(Self::at_start(
                        "the directive has no closing `}}` before the end of its paragraph",
                    ));
                }
                Some(_) => return Ok(()),
            }
        }
    }

    /// From a place between arguments: the next argument, or `None` at the
    /// closing `}}` (which is then passed).
    fn step(&mut self) -> Result<Option<Arg>, Fail> {
        self.skip_space()?;
        if self.peek().is_none() {
            return Err(Self::at_start("the directive has no closing `}}`"));
        }
        if self.at_close() {
            self.pos += 2;
            return Ok(None);
        }
        self.parse_arg().map(Some)
    }

    fn parse_arg(&mut self) -> Result<Arg, Fail> {
        let key_start = self.pos;
        while self.peek().is_some_and(is_key_byte) {
            self.pos += 1;
        }
        if self.pos == key_start {
            let found = self.text[self.pos..].chars().next().unwrap_or(' ');
            if found == '}' {
                return Err(Self::error(
                    self.pos,
                    "the directive has no closing `}}` (found a single `}`)",
                ));
            }
            return Err(Self::error(
                self.pos,
                format!("expected an argument `key=value`, found `{found}`"),
            ));
        }
        let key = self.text[key_start..self.pos].to_string();
        let quoted_key = excerpt(&key);
        if self.peek() != Some(b'=') {
            return Err(Self::error(
                key_start,
                format!("argument `{quoted_key}` has no value (write `{quoted_key}=value`)"),
            ));
        }
        self.pos += 1;
        let value = if self.peek() == Some(b'"') {
            self.quoted_value(&quoted_key)?
        } else {
            let value_start = self.pos;
            while let Some(b) = self.peek() {
                if b.is_ascii_whitespace() || self.at_close() {
                    break;
                }
                self.pos += 1;
            }
            if self.pos == value_start {
                return Err(Self::error(
                    key_start,
                    format!(
                        "argument `{quoted_key}` has no value (write `{quoted_key}=value`, or `{quoted_key}=\"\"`)"
                    ),
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

    fn quoted_value(&mut self, key: &str) -> Result<String, Fail> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(Self::error(
                    open,
                    format!("the quoted value of `{key}` is not closed"),
                ));
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
                        Self::error(open, format!("the quoted value of `{key}` is not closed"))
                    })?;
                    run_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        match self.peek() {
            None => Ok(value),
            Some(b) if b.is_ascii_whitespace() || self.at_close() => Ok(value),
            Some(_) => Err(Self::error(
                self.pos,
                format!("expected white space or `}}}}` after the quoted value of `{key}`"),
            )),
        }
    }
}

/// Parses the directive candidates of one text, in order, as [`parse_at`]
/// would, in time linear in the text however their argument lists overlap.
///
/// A candidate can lie inside the arguments of an earlier one that failed
/// (a directive with no closing `}}`, a quote that is never closed): each
/// would read on to the end of its paragraph. But from a place between
/// arguments, what follows (the arguments up to the closing `}}` or the
/// error) depends only on that place. So every such place that a later
/// candidate may reach is remembered, with what follows it; a candidate
/// that reaches one takes the rest from there. Places form a forest (each
/// leads to one next place); a path through it is stored in pieces
/// ([`Segment`]s), and each argument knows where the first repeated key
/// after it is, so that a candidate's `given twice` error is found without
/// walking its arguments.
#[derive(Debug, Default)]
pub struct Parses<'t> {
    text: &'t str,
    /// Places between arguments that a later candidate may reach, with the
    /// `quoted` mode of the walk: their segment and index in it (the index
    /// after the last argument stands for the end of the list).
    memo: HashMap<(usize, bool), (u32, u32)>,
    segments: Vec<Segment<'t>>,
    /// How argument lists end.
    ends: Vec<Result<usize, Fail>>,
    /// The last name's end: (where the search started, where it ended).
    /// Names of candidates without white space between them run into each
    /// other; each byte is searched once.
    name_end: (usize, usize),
}

/// A piece of a path of places: arguments one after the other, then the
/// end of the list or a place of another segment.
#[derive(Debug)]
struct Segment<'t> {
    args: Vec<Arg>,
    /// For each argument, the first argument after it (in this segment or
    /// the ones it leads to) whose key an earlier one on the path from it
    /// has: (offset, segment, index).
    repeats: Vec<Option<(usize, u32, u32)>>,
    /// Indices of the arguments of each key, ascending.
    by_key: HashMap<&'t str, Vec<u32>>,
    /// What comes after the last argument: a place of another segment, or
    /// the end.
    next: Option<(u32, u32)>,
    /// How every path through this segment ends (an index into `ends`).
    end: usize,
}

fn earlier(
    a: Option<(usize, u32, u32)>,
    b: Option<(usize, u32, u32)>,
) -> Option<(usize, u32, u32)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn index32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'t> Parses<'t> {
    /// Parses the candidates of `text`.
    pub fn new(text: &'t str) -> Self {
        Parses {
            text,
            ..Parses::default()
        }
    }

    /// Parses the directive at `start`, as `parse_at(text, start, quoted)`
    /// does. Candidates must come in increasing order; `next` is where the
    /// next candidate that may be parsed is (nothing before it can be
    /// reached by a later candidate, so nothing before it is remembered).
    pub fn parse(
        &mut self,
        start: usize,
        quoted: bool,
        next: Option<usize>,
    ) -> Result<RawDirective, SyntaxError> {
        let text = self.text;
        let limit = next.unwrap_or(usize::MAX);
        let mut p = Parser::new(text, start, quoted);
        let name = self.name(&mut p);
        let mut args: Vec<Arg> = Vec::new();
        let mut places: Vec<usize> = Vec::new();
        let mut keys: HashSet<&str> = HashSet::default();
        let mut remember = false;
        let mut joined = None;
        let mut place;
        let end = loop {
            place = p.pos;
            remember |= place >= limit;
            if let Some(&at) = self.memo.get(&(place, quoted)) {
                joined = Some(at);
                break None;
            }
            match p.step() {
                Ok(None) => break Some(Ok(p.pos)),
                Ok(Some(arg)) => {
                    // While nothing is remembered, a repeated key ends the
                    // parse as it does in `parse_at`.
                    if !remember && !keys.insert(key_of(text, &arg)) {
                        return Err(given_twice(name, start, &arg));
                    }
                    places.push(place);
                    args.push(arg);
                }
                Err(f) => break Some(Err(f)),
            }
        };
        if let (Some(end), false) = (&end, remember) {
            // Nothing of this walk can be reached again.
            return match end {
                Ok(close) => Ok(RawDirective {
                    name: name.to_string(),
                    args,
                    span: start..*close,
                }),
                Err(f) => Err(f.clone().into_error(name, start)),
            };
        }
        let entry = if args.is_empty() {
            match joined {
                Some(at) => at,
                None => (
                    self.push_segment(args, &places, None, end, quoted, place),
                    0,
                ),
            }
        } else {
            (
                self.push_segment(args, &places, joined, end, quoted, place),
                0,
            )
        };
        self.result(name, start, entry)
    }

    /// Reads a candidate's name, as [`Parser::name`] does, from where the
    /// last search ended if it started before.
    fn name(&mut self, p: &mut Parser<'t>) -> &'t str {
        let from = p.pos;
        let (searched, end) = self.name_end;
        if searched <= from && from <= end {
            p.pos = end;
        } else {
            p.name();
            self.name_end = (from, p.pos);
        }
        &self.text[from..p.pos]
    }

    /// Stores the arguments of a walk as a new segment that leads to
    /// `joined` or ends with `end` (at `end_place`); returns its index.
    fn push_segment(
        &mut self,
        args: Vec<Arg>,
        places: &[usize],
        joined: Option<(u32, u32)>,
        end: Option<Result<usize, Fail>>,
        quoted: bool,
        end_place: usize,
    ) -> u32 {
        let text = self.text;
        let id = index32(self.segments.len());
        let end_index = match (joined, end) {
            (Some((s, _)), _) => self.segments[s as usize].end,
            (None, Some(e)) => {
                self.ends.push(e);
                self.memo
                    .insert((end_place, quoted), (id, index32(args.len())));
                self.ends.len() - 1
            }
            (None, None) => {
                self.ends
                    .push(Err(Parser::at_start("the directive has no closing `}}`")));
                self.ends.len() - 1
            }
        };
        let mut repeats = vec![None; args.len()];
        let mut by_key: HashMap<&'t str, Vec<u32>> = HashMap::default();
        let mut after = joined.and_then(|at| self.repeat_at(at));
        for (i, arg) in args.iter().enumerate().rev() {
            let key = key_of(text, arg);
            let same = match by_key.get(key).and_then(|v| v.last()) {
                Some(&j) => Some((args[j as usize].span.start, id, j)),
                None => joined.and_then(|at| self.find_key(at, key)),
            };
            after = earlier(same, after);
            repeats[i] = after;
            by_key.entry(key).or_default().push(index32(i));
        }
        for list in by_key.values_mut() {
            list.reverse();
        }
        for (i, &place) in places.iter().enumerate() {
            self.memo.insert((place, quoted), (id, index32(i)));
        }
        self.segments.push(Segment {
            args,
            repeats,
            by_key,
            next: joined,
            end: end_index,
        });
        id
    }

    /// The first repeated key on the path from a place.
    fn repeat_at(&self, (s, i): (u32, u32)) -> Option<(usize, u32, u32)> {
        self.segments
            .get(s as usize)
            .and_then(|seg| seg.repeats.get(i as usize).copied().flatten())
    }

    /// The first argument with this key on the path from a place.
    fn find_key(&self, (mut s, mut i): (u32, u32), key: &str) -> Option<(usize, u32, u32)> {
        loop {
            let seg = self.segments.get(s as usize)?;
            if let Some(list) = seg.by_key.get(key) {
                let k = list.partition_point(|&j| j < i);
                if let Some(&j) = list.get(k) {
                    return Some((seg.args[j as usize].span.start, s, j));
                }
            }
            (s, i) = seg.next?;
        }
    }

    /// The directive whose arguments start at a place.
    fn result(
        &self,
        name: &str,
        start: usize,
        entry: (u32, u32),
    ) -> Result<RawDirective, SyntaxError> {
        if let Some((_, s, i)) = self.repeat_at(entry) {
            let arg = &self.segments[s as usize].args[i as usize];
            return Err(given_twice(name, start, arg));
        }
        let Some(seg) = self.segments.get(entry.0 as usize) else {
            return Err(
                Parser::at_start("the directive has no closing `}}`").into_error(name, start)
            );
        };
        match &self.ends[seg.end] {
            Ok(close) => {
                let mut args = Vec::new();
                let mut at = Some(entry);
                while let Some((s, i)) = at {
                    let seg = &self.segments[s as usize];
                    args.extend(seg.args.iter().skip(i as usize).cloned());
                    at = seg.next;
                }
                Ok(RawDirective {
                    name: name.to_string(),
                    args,
                    span: start..*close,
                })
            }
            Err(f) => Err(f.clone().into_error(name, start)),
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

    /// Parses every candidate (or every other one) with [`Parses`] and
    /// with [`parse_at`], and compares.
    fn parses_agree(text: &str) {
        let all = candidates(text);
        for step in [1, 2, 3] {
            for quoted in [false, true] {
                let picked: Vec<usize> = all.iter().copied().step_by(step).collect();
                let mut parses = Parses::new(text);
                for (k, &at) in picked.iter().enumerate() {
                    let q = quoted && k % 2 == 0;
                    let next = picked.get(k + 1).copied();
                    assert_eq!(
                        parses.parse(at, q, next),
                        parse_at(text, at, q),
                        "{text:?} at {at}, quoted {q}"
                    );
                }
            }
        }
    }

    #[test]
    fn shared_parses_agree_with_single_ones() {
        for text in [
            "{{#tdd-a k0={{#tdd-a k1={{#tdd-a k2={{#tdd-a}}",
            "{{#tdd-a k0={{#tdd-a k1={{#tdd-a k2=x",
            "{{#tdd-a k0={{#tdd-a k0={{#tdd-a k0=x}}",
            "{{#tdd-a k0=\"{{#tdd-a z=1\" k1=\"{{#tdd-a z=1\" k2=\"{{#tdd-a z=1\" z=3",
            "{{#tdd-a k0=\"{{#tdd-a z=1\" k1=\"{{#tdd-a z=1\"}}",
            "{{#tdd-a k1=\" {{#tdd-a z1=\" k2=\" {{#tdd-a z2=\" k3=\" z3=\"\n\n",
            "> {{#tdd-a k0={{#tdd-a\n> k1={{#tdd-a\n> k2=x}}",
            "{{#tdd-a a=\"{{#tdd-a b=\"{{#tdd-a c=\"",
            "{{#tdd-a x={{#tdd-b}y {{#tdd-c}} z",
        ] {
            parses_agree(text);
        }
        // The nested candidates share the first one's arguments.
        let text = "{{#tdd-a k0={{#tdd-a k1={{#tdd-a k2=x";
        let mut parses = Parses::new(text);
        let all = candidates(text);
        for (k, &at) in all.iter().enumerate() {
            let _ = parses.parse(at, false, all.get(k + 1).copied());
        }
        assert_eq!(parses.segments.len(), 1);
        assert_eq!(parses.segments[0].args.len(), 3);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(300))]
        #[test]
        fn shared_parses_agree_on_any_text(pieces in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("{{#tdd-a "),
                proptest::strategy::Just("{{#tdd-b"),
                proptest::strategy::Just("k="),
                proptest::strategy::Just("j="),
                proptest::strategy::Just("x"),
                proptest::strategy::Just(" "),
                proptest::strategy::Just("\""),
                proptest::strategy::Just("\\\""),
                proptest::strategy::Just("}"),
                proptest::strategy::Just("}}"),
                proptest::strategy::Just("\n"),
                proptest::strategy::Just("\n> "),
                proptest::strategy::Just("\n\n"),
                proptest::strategy::Just(">"),
            ],
            0..40,
        )) {
            parses_agree(&pieces.concat());
        }
    }

    #[test]
    fn known_names() {
        for k in DirectiveKind::ALL {
            assert_eq!(DirectiveKind::from_name(k.name()), Some(*k));
            assert!(is_ours(k.name().as_bytes()));
        }
        assert!(!is_ours(b"include"));
    }
}
