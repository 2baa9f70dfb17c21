//! Filling a template from the arguments of a skeleton (`{{#tdd-skeleton}}`,
//! `{{#prd-skeleton}}`): header
//! values set in place, `{placeholder}`s replaced, and the problems of
//! arguments that have no place in the template.

use crate::config::MarkdownOptions;
use crate::hash::{HashMap, HashSet};
use crate::links;
use crate::syntax::directive::{Arg, ArgProblem, DirectiveKind};
use crate::syntax::header::Header;
use crate::syntax::outline::Outline;
use crate::syntax::scan;
use std::ops::Range;

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
    pub(super) closings: Vec<(Range<usize>, String)>,
    pub(super) outline: Outline,
    pub(super) header: Header,
    pub(super) names: Vec<String>,
    /// The names, lower case (ASCII), for look-ups.
    pub lower_names: HashSet<String>,
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

    pub(super) fn has(&self, name: &str) -> bool {
        self.lower_names.contains(&name.to_ascii_lowercase())
    }

    /// The valid arguments of a skeleton `kind` with this template: the
    /// directive's own, then the template's placeholder names that can be
    /// written as keys.
    pub fn valid_arguments(&self, kind: DirectiveKind) -> String {
        let mut valid: Vec<&str> = kind.params().to_vec();
        valid.extend(
            self.names
                .iter()
                .filter(|n| {
                    n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .map(String::as_str),
        );
        let mut seen = HashSet::default();
        valid.retain(|v| seen.insert(*v));
        valid.join(", ")
    }
}

/// How the arguments of one directive fill a template: header values set in
/// place, and values for placeholders.
#[derive(Debug, Clone, Default)]
pub struct Filling {
    pub(super) edits: Vec<(Range<usize>, String)>,
    /// Placeholder values by lower-case name.
    pub(super) values: HashMap<String, String>,
}

impl Filling {
    /// Plans the filling of `tpl` from the arguments of a `{{#tdd-skeleton}}`
    /// (except `template`); also returns the problems of arguments that have
    /// no place in the template.
    pub fn new(tpl: &PreparedTemplate, args: &[Arg]) -> (Filling, Vec<ArgProblem>) {
        Self::of(DirectiveKind::TddSkeleton, tpl, args)
    }

    /// [`Filling::new`] for the skeleton `kind`: its own arguments have
    /// their meaning (`prd` is one of `tdd-skeleton` only); any other key
    /// must be a placeholder of the template.
    pub fn of(
        kind: DirectiveKind,
        tpl: &PreparedTemplate,
        args: &[Arg],
    ) -> (Filling, Vec<ArgProblem>) {
        let own = |key: &str| kind.params().contains(&key);
        let mut problems: Vec<ArgProblem> = Vec::new();
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut values: Vec<(String, String)> = Vec::new();
        let mut valid_arguments: Option<String> = None;
        // `prd-version=`: the pin after the Source PRD value, inserted after
        // whatever `prd=` puts there.
        let mut pin: Option<(usize, String)> = None;
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
            let key = if own(&arg.key) { arg.key.as_str() } else { "" };
            match (key, field_name) {
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
                            Some(f) => {
                                // An empty value gets its space after the name.
                                let lead = if f.value.is_empty()
                                    && !tpl.text[..f.value_range.start].ends_with([' ', '\t'])
                                {
                                    " "
                                } else {
                                    ""
                                };
                                edits.push((
                                    f.value_range.clone(),
                                    format!("{lead}{}", prd_link(&value)),
                                ))
                            }
                            None => problems.push(no_place(
                                arg,
                                "a `**Source PRD:**` field or a `{prd filename}` placeholder",
                            )),
                        }
                    }
                }
                ("prd-version", _) => match tpl.header.get("Source PRD") {
                    Some(f) if !value.trim().is_empty() => {
                        pin = Some((f.value_range.end, format!(" @ {}", value.trim())));
                    }
                    Some(_) => problems.push(ArgProblem {
                        span: arg.span.clone(),
                        message: "`prd-version` is empty: give the PRD version the design follows (`prd-version=1.2`)".to_string(),
                        help: None,
                    }),
                    None => problems.push(no_place(arg, "a `**Source PRD:**` field")),
                },
                ("supersedes", _) => {
                    if !tpl.has("supersedes") {
                        match supersedes_edit(tpl, &value) {
                            Some(e) => edits.push(e),
                            None => problems.push(no_place(
                                arg,
                                "a header with fields, or a `{supersedes}` placeholder",
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
                (_, None) => {
                    let key = arg.key.as_str();
                    if !tpl.has(key) {
                        let valid =
                            valid_arguments.get_or_insert_with(|| tpl.valid_arguments(kind));
                        problems.push(ArgProblem {
                            span: arg.span.clone(),
                            message: format!(
                                "unknown argument `{key}` for `{kind}`: the template has no `{{{key}}}` placeholder"
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
        if let Some(p) = value_of("prd").filter(|_| own("prd")) {
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
            let special = match a.key.as_str() {
                "prd" | "prd-version" => own(a.key.as_str()),
                "title" | "template" => true,
                _ => false,
            };
            if !special {
                values.push((a.key.to_ascii_lowercase(), one_line(&a.value)));
            }
        }
        // The first value of a name wins.
        let mut by_name = HashMap::with_capacity_and_hasher(values.len(), Default::default());
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
        if let Some((at, text)) = pin {
            let i = edits.partition_point(|(r, _)| r.start <= at);
            edits.insert(i, (at..at, text));
        }
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
    pub(super) fn fill(&self, tpl: &PreparedTemplate, r: Range<usize>) -> String {
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
        // A template holds many placeholders and a directive few values:
        // a name is compared with each value's without lower-casing it (and
        // looked up by its lower-case form when there are many).
        let few = self.values.len() <= 16;
        crate::syntax::placeholder::fill_values(&text, |name| {
            if few {
                self.values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            } else {
                self.values
                    .get(&name.to_ascii_lowercase())
                    .map(String::as_str)
            }
        })
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

/// Where `supersedes=` goes in a template without a `{supersedes}`
/// placeholder: the value of its `**Supersedes:**` field, or a line of its
/// own after the header's last field. A bare path becomes a link.
fn supersedes_edit(tpl: &PreparedTemplate, value: &str) -> Option<(Range<usize>, String)> {
    let value = if value.starts_with(['[', '<']) || !links::looks_like_path(value) {
        value.to_string()
    } else {
        prd_link(value)
    };
    if let Some(f) = tpl.header.get("Supersedes") {
        let lead = if f.value.is_empty() && !tpl.text[..f.value_range.start].ends_with([' ', '\t'])
        {
            " "
        } else {
            ""
        };
        return Some((f.value_range.clone(), format!("{lead}{value}")));
    }
    let last = tpl.header.fields.last()?;
    let line_end = tpl.text[last.value_range.end..]
        .find('\n')
        .map_or(tpl.text.len(), |i| last.value_range.end + i + 1);
    let eol = if line_end == tpl.text.len() && !tpl.text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    Some((
        line_end..line_end,
        format!("{eol}**Supersedes:** {value}\n"),
    ))
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
    match crate::syntax::inert::break_directives(&value) {
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
