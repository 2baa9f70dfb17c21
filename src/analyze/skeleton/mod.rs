//! `{{#tdd-skeleton}}`: fills the template from the directive's arguments and
//! merges it with the sections the author has already written.
//!
//! The merged tree follows the template's order, level by level. A section the
//! author wrote replaces the template's heading and own text; template
//! sections the author has not written keep their guidance (except example
//! sections whose heading is only placeholders, once their parent is written);
//! author sections the template lacks stay after the section that preceded
//! them (numbered ones after the template sections with lower numbers). Every
//! byte the author wrote (other than blank lines between sections) appears
//! exactly once in the result.

use crate::config::MarkdownOptions;
use crate::links;
use crate::syntax::directive::{Arg, ArgProblem};
use crate::syntax::header::Header;
use crate::syntax::lines::{lf_view, line_ending};
use crate::syntax::outline::SectionNumber;
use crate::syntax::outline::{Outline, Section};
use crate::syntax::scan;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Where a piece of the expanded chapter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The author's text, starting at this byte of the original chapter.
    Author(usize),
    /// The template.
    Template,
}

/// A contiguous piece of the expanded chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in the expanded text.
    pub out: Range<usize>,
    /// Its origin.
    pub origin: Origin,
}

/// The expanded chapter, with a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The new chapter text.
    pub text: String,
    /// Where each piece came from, in order.
    pub pieces: Vec<Piece>,
    /// Byte offset of the directive in the original chapter.
    pub directive_start: usize,
    /// Whether the author's own header replaced the template's (so the
    /// header arguments of the directive were not used).
    pub header_replaced: bool,
    /// Author sections whose number another author section already has:
    /// (offset in the original chapter, heading text).
    pub duplicates: Vec<(usize, String)>,
}

impl Expansion {
    /// Maps an offset of the expanded text back to the original chapter:
    /// author text maps to where it was written, template text to the
    /// directive.
    pub fn original_offset(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.out.end <= offset);
        match self.pieces.get(i) {
            Some(Piece {
                out,
                origin: Origin::Author(start),
            }) if out.start <= offset => start + (offset - out.start),
            _ => self.directive_start,
        }
    }
}

/// The header fields that the named arguments set.
const FIELD_ARGS: &[(&str, &str)] = &[
    ("author", "Author"),
    ("date", "Date"),
    ("status", "Status"),
    ("version", "Version"),
];

/// A template, parsed once and used for every skeleton that names it.
#[derive(Debug, Clone)]
pub struct PreparedTemplate {
    /// The template text: LF line endings, placeholders that end a heading
    /// kept visible (see [`crate::syntax::placeholder::heading_ends`]).
    pub text: String,
    /// What keeps a placeholder at the end of a heading visible: its range
    /// in `text` and the placeholder's lower-case name. Once the placeholder
    /// is filled, it is not needed.
    closings: Vec<(Range<usize>, String)>,
    outline: Outline,
    header: Header,
    names: Vec<String>,
    /// The names, lower case (ASCII), for look-ups.
    lower_names: HashSet<String>,
}

impl PreparedTemplate {
    /// Parses a template.
    pub fn new(template_text: &str, options: &MarkdownOptions) -> Self {
        let lf = crate::syntax::lines::lf_only(template_text);
        let mut text = String::with_capacity(lf.len() + 64);
        let mut closings = Vec::new();
        let mut last = 0;
        for e in crate::syntax::placeholder::heading_ends(&lf, options) {
            text.push_str(&lf[last..e.at]);
            let start = text.len();
            text.push_str(&e.insert);
            closings.push((start..text.len(), e.name.to_ascii_lowercase()));
            last = e.at;
        }
        text.push_str(&lf[last..]);
        let scan = scan::scan(&text, options);
        let outline = Outline::build(&text, &scan.headings);
        let header = Header::parse(&text, &scan);
        let names = crate::syntax::placeholder::placeholder_names(&text);
        let lower_names = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        PreparedTemplate {
            text,
            closings,
            outline,
            header,
            names,
            lower_names,
        }
    }

    fn has(&self, name: &str) -> bool {
        self.lower_names.contains(&name.to_ascii_lowercase())
    }

    /// The valid arguments of a skeleton with this template: the
    /// directive's own, then the template's placeholder names that can be
    /// written as keys.
    fn valid_arguments(&self) -> String {
        let mut valid: Vec<&str> = crate::syntax::directive::DirectiveKind::TddSkeleton
            .params()
            .to_vec();
        valid.extend(
            self.names
                .iter()
                .filter(|n| {
                    n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .map(String::as_str),
        );
        let mut seen = HashSet::new();
        valid.retain(|v| seen.insert(*v));
        valid.join(", ")
    }
}

/// How the arguments of one directive fill a template: header values set in
/// place, and values for placeholders.
#[derive(Debug, Clone, Default)]
pub struct Filling {
    edits: Vec<(Range<usize>, String)>,
    /// Placeholder values by lower-case name.
    values: HashMap<String, String>,
}

impl Filling {
    /// Plans the filling of `tpl` from the directive's arguments (except
    /// `template`); also returns the problems of arguments that have no place
    /// in the template.
    pub fn new(tpl: &PreparedTemplate, args: &[Arg]) -> (Filling, Vec<ArgProblem>) {
        let mut problems: Vec<ArgProblem> = Vec::new();
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut values: Vec<(String, String)> = Vec::new();
        let mut valid_arguments: Option<String> = None;
        let value_of = |key: &str| {
            args.iter()
                .find(|a| a.key == key)
                .map(|a| one_line(&a.value))
        };
        for arg in args {
            let value = one_line(&arg.value);
            let field_name = FIELD_ARGS
                .iter()
                .find(|(k, _)| *k == arg.key)
                .map(|(_, f)| *f);
            match (arg.key.as_str(), field_name) {
                (_, Some(field)) => {
                    if let Some(f) = tpl.header.get(field) {
                        let mut v = value.clone();
                        if f.value.is_empty()
                            && !tpl.text[..f.value_range.start].ends_with([' ', '\t'])
                        {
                            v.insert(0, ' ');
                        }
                        edits.push((f.value_range.clone(), v));
                    } else if !tpl.has(&arg.key) {
                        problems.push(no_place(
                            arg,
                            &format!("a `**{field}:**` field or a `{{{}}}` placeholder", arg.key),
                        ));
                    }
                }
                ("prd", _) => {
                    if !tpl.has("prd filename")
                        && !tpl.has("relative path to prd")
                        && !tpl.has("prd")
                    {
                        match tpl.header.get("Source PRD") {
                            Some(f) => edits.push((f.value_range.clone(), prd_link(&value))),
                            None => problems.push(no_place(
                                arg,
                                "a `**Source PRD:**` field or a `{prd filename}` placeholder",
                            )),
                        }
                    }
                }
                ("title", _) => {
                    if !tpl.has("Product Name") && !tpl.has("title") {
                        problems.push(no_place(arg, "a `{Product Name}` or `{title}` placeholder"));
                    }
                }
                ("template", _) => {}
                (key, None) => {
                    if !tpl.has(key) {
                        let valid = valid_arguments.get_or_insert_with(|| tpl.valid_arguments());
                        problems.push(ArgProblem {
                            span: arg.span.clone(),
                            message: format!(
                                "unknown argument `{key}` for `tdd-skeleton`: the template has no `{{{key}}}` placeholder"
                            ),
                            help: Some(format!("valid arguments: {valid}")),
                        });
                    }
                }
            }
        }
        // Placeholder values, by lower-case name.
        if let Some(t) = value_of("title") {
            values.push(("product name".into(), t.clone()));
            values.push(("title".into(), t));
        }
        if let Some(p) = value_of("prd") {
            values.push((
                "prd filename".into(),
                links::escape_link_text(file_name(&p)),
            ));
            values.push((
                "relative path to prd".into(),
                links::markdown_destination(&p),
            ));
            values.push(("prd".into(), prd_link(&p)));
        }
        for a in args {
            if !matches!(a.key.as_str(), "title" | "prd" | "template") {
                values.push((a.key.to_ascii_lowercase(), one_line(&a.value)));
            }
        }
        // The first value of a name wins.
        let mut by_name = HashMap::with_capacity(values.len());
        for (k, v) in values {
            by_name.entry(k).or_insert(v);
        }
        // A placeholder that ended a heading needs nothing to stay visible
        // once it is filled, unless its value itself ends like a placeholder.
        for (r, name) in &tpl.closings {
            if by_name
                .get(name)
                .is_some_and(|v| !crate::syntax::placeholder::ends_with_placeholder(v))
            {
                edits.push((r.clone(), String::new()));
            }
        }
        edits.sort_by_key(|(r, _)| r.start);
        // A directive with thousands of bad arguments gets a few reports and
        // a count, not thousands of lines.
        if problems.len() > 10 {
            let more = problems.len() - 10;
            let at = problems[10].span.clone();
            problems.truncate(10);
            problems.push(ArgProblem {
                span: at,
                message: format!("{more} more arguments with no place in the template"),
                help: None,
            });
        }
        (
            Filling {
                edits,
                values: by_name,
            },
            problems,
        )
    }

    /// The filled text of a range of the template.
    fn fill(&self, tpl: &PreparedTemplate, r: Range<usize>) -> String {
        let mut text = String::with_capacity(r.len());
        let mut last = r.start;
        for (e, v) in &self.edits {
            if e.start >= r.start && e.end <= r.end && e.start >= last {
                text.push_str(&tpl.text[last..e.start]);
                text.push_str(v);
                last = e.end;
            }
        }
        text.push_str(&tpl.text[last..r.end]);
        if self.values.is_empty() {
            return text;
        }
        let (filled, _) = crate::syntax::placeholder::fill(&text, |name| {
            self.values.get(&name.to_ascii_lowercase()).cloned()
        });
        filled
    }
}

/// Fills a whole template from the directive's arguments (except
/// `template`). Returns the filled template and the problems of arguments
/// that have no place in it.
pub fn fill_template(
    template_text: &str,
    args: &[Arg],
    options: &MarkdownOptions,
) -> (String, Vec<ArgProblem>) {
    let tpl = PreparedTemplate::new(template_text, options);
    let (filling, problems) = Filling::new(&tpl, args);
    (filling.fill(&tpl, 0..tpl.text.len()), problems)
}

fn no_place(arg: &Arg, wanted: &str) -> ArgProblem {
    ArgProblem {
        span: arg.span.clone(),
        message: format!(
            "argument `{}` has no place in the template (it needs {wanted})",
            arg.key
        ),
        help: None,
    }
}

/// An argument value as it goes into the template: white space runs that
/// contain line breaks collapsed into one space, and directives made inert
/// (a value is no directive of the expanded chapter).
fn one_line(value: &str) -> String {
    let value = if value.contains('\n') {
        value.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        value.to_string()
    };
    match crate::render::markdown::break_directives(&value) {
        std::borrow::Cow::Borrowed(_) => value,
        std::borrow::Cow::Owned(v) => v,
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn prd_link(path: &str) -> String {
    format!(
        "[{}]({})",
        links::escape_link_text(file_name(path)),
        links::markdown_destination(path)
    )
}

/// Expands the skeleton directive at `directive` in `chapter`, merging the
/// template, filled as `filling` says, with the rest of the chapter.
pub fn expand(
    chapter: &str,
    directive: Range<usize>,
    tpl: &PreparedTemplate,
    filling: &Filling,
    options: &MarkdownOptions,
) -> Expansion {
    let eol = line_ending(chapter);
    let Some(view) = lf_view(chapter) else {
        return expand_lines(chapter, directive, tpl, filling, options, eol);
    };
    // Lines that end with a carriage return alone: merge the view in which
    // they end with `\n`, then put the author's bytes back and end the
    // template's lines as the chapter does. Both keep every offset.
    let view_eol = if eol == "\r" { "\n" } else { eol };
    let mut e = expand_lines(&view, directive, tpl, filling, options, view_eol);
    let mut bytes = std::mem::take(&mut e.text).into_bytes();
    let mut from = 0;
    let generated = |bytes: &mut [u8], r: Range<usize>| {
        if eol == "\r" {
            for b in &mut bytes[r] {
                if *b == b'\n' {
                    *b = b'\r';
                }
            }
        }
    };
    for p in &e.pieces {
        generated(&mut bytes, from..p.out.start);
        match p.origin {
            Origin::Author(start) => {
                if let Some(original) = chapter.as_bytes().get(start..start + p.out.len()) {
                    bytes[p.out.clone()].copy_from_slice(original);
                }
            }
            Origin::Template => generated(&mut bytes, p.out.clone()),
        }
        from = p.out.end;
    }
    let end = bytes.len();
    generated(&mut bytes, from..end);
    // Only line ends were exchanged, one ASCII byte for another.
    e.text = String::from_utf8(bytes).unwrap_or_default();
    e
}

/// Expands the skeleton of a chapter whose lines all end with `\n` (or
/// `\r\n`); `eol` ends the lines it adds.
fn expand_lines(
    chapter: &str,
    directive: Range<usize>,
    tpl: &PreparedTemplate,
    filling: &Filling,
    options: &MarkdownOptions,
    eol: &'static str,
) -> Expansion {
    // The directive's lines are replaced whole.
    let line_start = chapter[..directive.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = chapter[directive.end..]
        .find('\n')
        .map_or(chapter.len(), |i| directive.end + i + 1);
    let bom = if chapter.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let head_start = if line_start == 0 {
        bom.len()
    } else {
        line_start
    };
    let before = &chapter[bom.len().min(head_start)..head_start.max(bom.len())];
    let after = &chapter[line_end..];
    let mut author = String::with_capacity(before.len() + after.len());
    author.push_str(before);
    author.push_str(after);
    let before_start = bom.len().min(head_start);
    let split = before.len();
    let removed = line_end - before_start - split;
    let to_original = move |x: usize| {
        if x < split {
            before_start + x
        } else {
            before_start + x + removed
        }
    };

    let tpl_outline = &tpl.outline;
    // The author's text starts where the chapter's did only if nothing came
    // before the directive; a byte-order mark inside it is text.
    let author_scan = scan::scan_fragment(&author, options);
    let author_outline = Outline::build(&author, &author_scan.headings);
    let author_header = Header::parse(&author, &author_scan);

    // Does the template separate its top-level sections with thematic
    // breaks? Then the breaks are placed between sections, wherever the
    // author's sections go.
    let rules = tpl_outline
        .body_sections()
        .iter()
        .any(|s| ends_with_rule(&tpl.text[s.range.clone()]));
    let mut m = Merger {
        tpl,
        filling,
        rules,
        duplicates: Vec::new(),
        author: &author,
        to_original: &to_original,
        b: Builder {
            out: String::with_capacity(tpl.text.len() + author.len() + 64),
            pieces: Vec::new(),
            eol,
        },
    };
    m.b.out.push_str(bom);
    m.template_chunk(tpl_outline.preamble.clone());

    let mut header_replaced = false;
    let title_idx = tpl_outline.sections.iter().position(|s| s.level == 1);
    match title_idx {
        Some(ti) => {
            for s in &tpl_outline.sections[..ti] {
                m.template_chunk(s.range.clone());
            }
            let t_title = &tpl_outline.sections[ti];
            let mut a_title: Option<&Section> = None;
            let mut a_list: Vec<&Section> = Vec::new();
            for s in &author_outline.sections {
                if s.level == 1 && a_title.is_none() {
                    a_title = Some(s);
                    a_list.extend(s.children.iter());
                } else {
                    a_list.push(s);
                }
            }
            // Title and header.
            let t_body = t_title.heading.end..t_title.own.end;
            match a_title {
                Some(at) => {
                    m.author_chunk(at.heading.clone());
                    let a_body = at.heading.end..at.own.end;
                    let author_has_header = !author_header.fields.is_empty();
                    if author_has_header {
                        header_replaced = true;
                        m.author_raw(a_body);
                        m.author_chunk(author_outline.preamble.clone());
                    } else {
                        m.template_raw(t_body);
                        m.author_chunk(author_outline.preamble.clone());
                        m.author_chunk(a_body);
                    }
                }
                None => {
                    m.template_chunk(t_title.heading.clone());
                    m.template_raw(t_body);
                    m.author_chunk(author_outline.preamble.clone());
                }
            }
            m.merge_children(&t_title.children, &a_list, a_title.is_some(), true);
            for s in &tpl_outline.sections[ti + 1..] {
                m.template_chunk(s.range.clone());
            }
        }
        None => {
            m.author_chunk(author_outline.preamble.clone());
            let a_list: Vec<&Section> = author_outline.sections.iter().collect();
            m.merge_children(&tpl_outline.sections, &a_list, false, true);
        }
    }
    if !m.b.out.ends_with('\n') {
        m.b.out.push_str(eol);
    }
    Expansion {
        text: m.b.out,
        pieces: m.b.pieces,
        directive_start: directive.start,
        header_replaced,
        duplicates: m.duplicates,
    }
}

struct Builder<'e> {
    out: String,
    pieces: Vec<Piece>,
    eol: &'e str,
}

impl Builder<'_> {
    /// Ends the output with a blank line, so that the next chunk starts a
    /// new block.
    fn separate(&mut self) {
        if self.out.is_empty() || self.out == "\u{feff}" {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push_str(self.eol);
        }
        let blank = self.out.ends_with("\n\n") || self.out.ends_with("\n\r\n");
        if !blank {
            self.out.push_str(self.eol);
        }
    }

    fn push(&mut self, s: &str, origin: Origin) {
        if s.is_empty() {
            return;
        }
        let start = self.out.len();
        self.out.push_str(s);
        self.pieces.push(Piece {
            out: start..self.out.len(),
            origin,
        });
    }
}

struct Merger<'a, F: Fn(usize) -> usize> {
    tpl: &'a PreparedTemplate,
    filling: &'a Filling,
    rules: bool,
    duplicates: Vec<(usize, String)>,
    author: &'a str,
    to_original: &'a F,
    b: Builder<'a>,
}

enum Slot {
    Start,
    After(usize),
    End,
}

impl<F: Fn(usize) -> usize> Merger<'_, F> {
    /// The filled template text of a range, with the chapter's line endings.
    fn filled(&self, r: Range<usize>) -> String {
        let s = self.filling.fill(self.tpl, r);
        if self.b.eol == "\r\n" {
            s.replace('\n', "\r\n")
        } else {
            s
        }
    }

    fn template_chunk(&mut self, r: Range<usize>) {
        if self.tpl.text[r.clone()].trim().is_empty() {
            return;
        }
        let s = self.filled(r);
        self.b.separate();
        self.b.push(&s, Origin::Template);
    }

    /// A template section inside the merged tree: without its closing
    /// thematic break, which [`Merger::next_item`] places between sections.
    fn template_section(&mut self, r: Range<usize>) {
        if self.tpl.text[r.clone()].trim().is_empty() {
            return;
        }
        let mut s = self.filled(r);
        if self.rules {
            strip_trailing_rule(&mut s);
        }
        self.b.separate();
        self.b.push(&s, Origin::Template);
    }

    fn template_raw(&mut self, r: Range<usize>) {
        let s = self.filled(r);
        self.b.push(&s, Origin::Template);
    }

    fn author_chunk(&mut self, mut r: Range<usize>) {
        let s = &self.author[r.clone()];
        if s.trim().is_empty() {
            return;
        }
        // Blank lines before the first text are separators, not content.
        let first_text = s.len() - s.trim_start().len();
        r.start += s[..first_text].rfind('\n').map_or(0, |i| i + 1);
        self.b.separate();
        self.author_raw(r);
    }

    fn author_raw(&mut self, r: Range<usize>) {
        let origin = Origin::Author((self.to_original)(r.start));
        self.b.push(&self.author[r], origin);
    }

    /// Before a top-level section other than the first: a thematic break,
    /// when the template separates its sections so and the output does not
    /// already end with one.
    fn next_item(&mut self, body: bool, first: &mut bool) {
        if body && self.rules && !*first && !ends_with_rule(&self.b.out) {
            self.b.separate();
            let rule = format!("---{}", self.b.eol);
            self.b.push(&rule, Origin::Template);
        }
        *first = false;
    }

    fn merge_children(
        &mut self,
        tpl: &[Section],
        auth: &[&Section],
        parent_written: bool,
        body: bool,
    ) {
        let mut index = TemplateIndex::new(tpl);
        let mut matched: Vec<Option<usize>> = vec![None; auth.len()];
        let mut author_of: Vec<Option<usize>> = vec![None; tpl.len()];
        for (ai, a) in auth.iter().enumerate() {
            if let Some(ti) = index.take(a) {
                matched[ai] = Some(ti);
                author_of[ti] = Some(ai);
            } else if a.number.is_some() && index.any_match(a) {
                let title = self.author[a.title.clone()].trim().to_string();
                self.duplicates
                    .push(((self.to_original)(a.heading.start), title));
            }
        }
        let mut first = true;
        let mut slots: Vec<Slot> = Vec::with_capacity(auth.len());
        for (ai, a) in auth.iter().enumerate() {
            let slot = if let Some(ti) = matched[ai] {
                Slot::After(ti)
            } else if let Some(n) = &a.number {
                match index.last_at_most(n) {
                    Some(ti) => Slot::After(ti),
                    None => Slot::Start,
                }
            } else if ai > 0 {
                match &slots[ai - 1] {
                    Slot::Start => Slot::Start,
                    Slot::After(ti) => Slot::After(*ti),
                    Slot::End => Slot::End,
                }
            } else {
                Slot::End
            };
            slots.push(slot);
        }
        // The author's extra sections by where they go, in their order.
        let (mut at_start, mut at_end) = (Vec::new(), Vec::new());
        let mut after: Vec<Vec<usize>> = vec![Vec::new(); tpl.len()];
        for (ai, slot) in slots.iter().enumerate() {
            if matched[ai].is_some() {
                continue;
            }
            match slot {
                Slot::Start => at_start.push(ai),
                Slot::After(ti) => after[*ti].push(ai),
                Slot::End => at_end.push(ai),
            }
        }
        for ai in at_start {
            self.next_item(body, &mut first);
            self.author_chunk(auth[ai].range.clone());
        }
        for (ti, t) in tpl.iter().enumerate() {
            match author_of[ti] {
                Some(ai) => {
                    self.next_item(body, &mut first);
                    let a = auth[ai];
                    self.author_chunk(a.own.clone());
                    let children: Vec<&Section> = a.children.iter().collect();
                    self.merge_children(&t.children, &children, true, false);
                }
                None => {
                    if !(parent_written && t.is_placeholder_example(&self.tpl.text)) {
                        self.next_item(body, &mut first);
                        self.template_section(t.range.clone());
                    }
                }
            }
            for &ai in &after[ti] {
                self.next_item(body, &mut first);
                self.author_chunk(auth[ai].range.clone());
            }
        }
        for ai in at_end {
            self.next_item(body, &mut first);
            self.author_chunk(auth[ai].range.clone());
        }
    }
}

/// The sections of one template level, indexed for matching author
/// sections against them (see [`Section::matches`]) in time linear in both.
struct TemplateIndex<'s> {
    tpl: &'s [Section],
    taken: Vec<bool>,
    /// Sections by number, and unnumbered or all sections by key, each with
    /// a cursor before which every section is taken.
    by_number: HashMap<SectionNumber, (usize, Vec<usize>)>,
    unnumbered_by_key: HashMap<&'s str, (usize, Vec<usize>)>,
    by_key: HashMap<&'s str, (usize, Vec<usize>)>,
    /// For each position, the lowest number of the sections from there on.
    lowest_after: Vec<Option<SectionNumber>>,
}

impl<'s> TemplateIndex<'s> {
    fn new(tpl: &'s [Section]) -> Self {
        let mut by_number: HashMap<SectionNumber, (usize, Vec<usize>)> = HashMap::new();
        let mut unnumbered_by_key: HashMap<&str, (usize, Vec<usize>)> = HashMap::new();
        let mut by_key: HashMap<&str, (usize, Vec<usize>)> = HashMap::new();
        for (ti, t) in tpl.iter().enumerate() {
            if let Some(n) = t.number {
                by_number.entry(n).or_default().1.push(ti);
            }
            if !t.key.is_empty() {
                by_key.entry(t.key.as_str()).or_default().1.push(ti);
                if t.number.is_none() {
                    unnumbered_by_key
                        .entry(t.key.as_str())
                        .or_default()
                        .1
                        .push(ti);
                }
            }
        }
        let mut lowest_after = vec![None; tpl.len()];
        let mut lowest: Option<SectionNumber> = None;
        for (ti, t) in tpl.iter().enumerate().rev() {
            if let Some(n) = t.number {
                lowest = Some(lowest.map_or(n, |l| l.min(n)));
            }
            lowest_after[ti] = lowest;
        }
        TemplateIndex {
            tpl,
            taken: vec![false; tpl.len()],
            by_number,
            unnumbered_by_key,
            by_key,
            lowest_after,
        }
    }

    /// The first section of a list not yet taken.
    fn first_free(taken: &[bool], entry: Option<&mut (usize, Vec<usize>)>) -> Option<usize> {
        let (cursor, list) = entry?;
        while list.get(*cursor).is_some_and(|&ti| taken[ti]) {
            *cursor += 1;
        }
        list.get(*cursor).copied()
    }

    /// Takes the first section, in template order, that matches `a` and is
    /// not taken yet.
    fn take(&mut self, a: &Section) -> Option<usize> {
        let by_key = |map: &mut HashMap<&str, (usize, Vec<usize>)>| {
            if a.key.is_empty() {
                None
            } else {
                Self::first_free(&self.taken, map.get_mut(a.key.as_str()))
            }
        };
        let found = match &a.number {
            Some(n) => {
                let numbered = Self::first_free(&self.taken, self.by_number.get_mut(n));
                let unnumbered = by_key(&mut self.unnumbered_by_key);
                match (numbered, unnumbered) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                }
            }
            None => by_key(&mut self.by_key),
        }?;
        self.taken[found] = true;
        Some(found)
    }

    /// Whether any section matches `a`, taken or not.
    fn any_match(&self, a: &Section) -> bool {
        let keyed = |map: &HashMap<&str, (usize, Vec<usize>)>| {
            !a.key.is_empty() && map.contains_key(a.key.as_str())
        };
        match &a.number {
            Some(n) => self.by_number.contains_key(n) || keyed(&self.unnumbered_by_key),
            None => keyed(&self.by_key),
        }
    }

    /// The last section whose number is at most `n`.
    fn last_at_most(&self, n: &SectionNumber) -> Option<usize> {
        let k = self
            .lowest_after
            .partition_point(|l| l.as_ref().is_some_and(|l| l <= n));
        debug_assert!(k == 0 || self.tpl[k - 1].number.is_some_and(|m| m <= *n));
        k.checked_sub(1)
    }
}

/// Whether a line is a thematic break (`---`, `***`, `___`).
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    let Some(c) = t.chars().next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    t.chars().filter(|x| !x.is_whitespace()).all(|x| x == c)
        && t.chars().filter(|x| *x == c).count() >= 3
}

/// Whether a text ends with a thematic break (blank lines aside).
fn ends_with_rule(text: &str) -> bool {
    text.trim_end().lines().last().is_some_and(is_rule)
}

/// Removes a final thematic break and the blank lines around it.
fn strip_trailing_rule(s: &mut String) {
    if !ends_with_rule(s) {
        return;
    }
    let trimmed = s.trim_end().len();
    let line_start = s[..trimmed].rfind('\n').map_or(0, |i| i + 1);
    let keep = s[..line_start].trim_end().len();
    if keep == 0 {
        return;
    }
    let eol = if s.contains("\r\n") { "\r\n" } else { "\n" };
    s.truncate(keep);
    s.push_str(eol);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::directive;

    fn opts() -> MarkdownOptions {
        MarkdownOptions::default()
    }

    fn run(chapter: &str, tpl: &str) -> String {
        let start = chapter.find("{{#tdd-skeleton").unwrap();
        let raw = directive::parse_at(chapter, start, false).unwrap();
        let tpl = PreparedTemplate::new(tpl, &opts());
        let (filling, problems) = Filling::new(&tpl, &raw.args);
        assert!(problems.is_empty(), "{problems:?}");
        expand(chapter, raw.span, &tpl, &filling, &opts()).text
    }

    const TPL: &str = "# {Product Name} — TDD\n\n**Author:** {author}\n**Status:** Draft\n**Source PRD:** [{prd filename}]({relative path to prd})\n\n---\n\n## 1. Overview\n\n### 1.1 Summary\n{summary}\n\n### 1.2 Goals\n{goals}\n\n## 2. Data\n\n### 2.1 Entities\n\n#### {Entity Name}\n{fields}\n\n### 2.2 Access\n{access}\n\n## Appendix\n{more}\n";

    #[test]
    fn nothing_written() {
        let out = run(
            "{{#tdd-skeleton title=Pay author=\"Jo Doe\" status=approved prd=../prd/pay.md}}\n",
            TPL,
        );
        assert!(out.starts_with("# Pay — TDD\n\n**Author:** Jo Doe\n**Status:** approved\n**Source PRD:** [pay.md](../prd/pay.md)\n"), "{out}");
        assert!(out.contains("#### {Entity Name} ####"), "{out}");
        assert!(out.ends_with("## Appendix\n{more}\n"), "{out}");
    }

    #[test]
    fn sections_merged_in_template_order() {
        let ch = "{{#tdd-skeleton title=Pay}}\n\nIntro text.\n\n## 2. Data\n\n### 2.1 Entities\n\n#### User\nid\n\n### 2.5 Caching\ncache\n\n## 1. Overview\n\n### 1.2 Goals\nmy goals\n";
        let out = run(ch, TPL);
        let order: Vec<usize> = [
            "# Pay",
            "**Author:**",
            "Intro text.",
            "## 1. Overview",
            "### 1.1 Summary",
            "### 1.2 Goals\nmy goals",
            "## 2. Data",
            "### 2.1 Entities",
            "#### User",
            "### 2.2 Access",
            "### 2.5 Caching",
            "## Appendix",
        ]
        .iter()
        .map(|s| {
            out.find(s)
                .unwrap_or_else(|| panic!("{s} missing in\n{out}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{out}");
        assert!(!out.contains("{Entity Name}"), "{out}");
        assert!(!out.contains("{goals}"), "{out}");
        assert!(out.contains("{summary}"));
    }

    #[test]
    fn unnumbered_extra_follows_predecessor() {
        let ch = "{{#tdd-skeleton}}\n## 1. Overview\nmine\n## Risks we see\nrisky\n";
        let out = run(ch, TPL);
        let a = out.find("## 1. Overview\nmine").unwrap();
        let r = out.find("## Risks we see").unwrap();
        let d = out.find("## 2. Data").unwrap();
        assert!(a < r && r < d, "{out}");
    }

    #[test]
    fn extra_without_predecessor_goes_last() {
        let ch = "{{#tdd-skeleton}}\n## Notes\nn\n";
        let out = run(ch, TPL);
        assert!(out.ends_with("{more}\n\n## Notes\nn\n"), "{out}");
    }

    #[test]
    fn template_heading_without_number_matches_by_text() {
        let ch = "{{#tdd-skeleton}}\n## appendix\nmine\n";
        let out = run(ch, TPL);
        assert!(out.ends_with("## appendix\nmine\n"), "{out}");
        assert!(!out.contains("{more}"));
    }

    #[test]
    fn author_title_and_header_win() {
        let ch = "{{#tdd-skeleton author=X}}\n# My Design\n\n**Author:** Me\n**Status:** Approved\n\n## 1. Overview\nx\n";
        let out = run(ch, TPL);
        assert!(
            out.starts_with(
                "# My Design\n\n**Author:** Me\n**Status:** Approved\n\n## 1. Overview\nx\n"
            ),
            "{out}"
        );
        assert!(!out.contains("{Product Name}"));
    }

    #[test]
    fn crlf_and_bom_kept() {
        let ch = "\u{feff}{{#tdd-skeleton title=T}}\r\n\r\n## 1. Overview\r\nmine\r\n";
        let out = run(ch, TPL);
        assert!(out.starts_with("\u{feff}# T — TDD\r\n"), "{out:?}");
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert!(out.contains("## 1. Overview\r\nmine\r\n"));
    }

    #[test]
    fn unknown_argument() {
        let raw = directive::parse_at("{{#tdd-skeleton summary=x owner=y}}", 0, false).unwrap();
        let (filled, problems) = fill_template(TPL, &raw.args, &opts());
        assert!(filled.contains("\n### 1.1 Summary\nx\n"));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`owner`"));
        assert!(problems[0].help.as_deref().unwrap().contains("summary"));
    }

    #[test]
    fn origin_map() {
        let ch = "{{#tdd-skeleton}}\n## 1. Overview\nmine\n";
        let start = 0;
        let raw = directive::parse_at(ch, start, false).unwrap();
        let tpl = PreparedTemplate::new(TPL, &opts());
        let (filling, _) = Filling::new(&tpl, &raw.args);
        let e = expand(ch, raw.span, &tpl, &filling, &opts());
        let at = e.text.find("mine").unwrap();
        assert_eq!(e.original_offset(at), ch.find("mine").unwrap());
        assert_eq!(e.original_offset(0), 0);
    }
}
