//! Generating new Markdown fragments (tables, lists, notes) as events printed
//! by `pulldown-cmark-to-cmark`, which escapes every value: a `|`, a line
//! break, brackets, backticks or HTML in a value can never change the shape
//! of a table or leak out of its cell.

use crate::links;
use mdbook_markdown::pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// One table cell, as inline events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell(pub Vec<Event<'static>>);

fn owned(s: &str) -> CowStr<'static> {
    CowStr::Boxed(s.into())
}

impl Cell {
    /// Plain text, escaped.
    pub fn text(s: &str) -> Cell {
        if s.is_empty() {
            return Cell::default();
        }
        Cell(vec![Event::Text(owned(s))])
    }

    /// A link with plain text.
    pub fn link(text: &str, dest: &str) -> Cell {
        Cell(vec![
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: owned(dest),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }),
            Event::Text(owned(text)),
            Event::End(TagEnd::Link),
        ])
    }

    /// Emphasized text (for notes such as "no PRD").
    pub fn emphasis(text: &str) -> Cell {
        Cell(vec![
            Event::Start(Tag::Emphasis),
            Event::Text(owned(text)),
            Event::End(TagEnd::Emphasis),
        ])
    }

    /// Appends another cell's content.
    pub fn push(&mut self, other: Cell) {
        self.0.extend(other.0);
    }

    /// Appends plain text.
    pub fn push_text(&mut self, s: &str) {
        self.0.push(Event::Text(owned(s)));
    }

    /// Inline Markdown written in a document whose chapter is at `from`,
    /// re-rooted for the chapter at `to`: relative link destinations are
    /// rebased so that they still lead to the same place.
    /// With `index_enabled`, links to README files become links to their
    /// `index.md`, as mdBook serves them.
    pub fn markdown(md: &str, from: &str, to: &str, index_enabled: bool) -> Cell {
        let mut events = Vec::new();
        for e in Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH) {
            let e = match e {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => continue,
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type: if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                        link_type
                    } else {
                        LinkType::Inline
                    },
                    dest_url: owned(&rebase(&dest_url, from, to, index_enabled)),
                    title: owned(&title),
                    id: owned(&id),
                }),
                Event::Start(Tag::Image {
                    dest_url,
                    title,
                    id,
                    ..
                }) => Event::Start(Tag::Image {
                    link_type: LinkType::Inline,
                    dest_url: owned(&rebase(&dest_url, from, to, index_enabled)),
                    title: owned(&title),
                    id: owned(&id),
                }),
                // Inside a table cell a line break would end the row.
                Event::SoftBreak | Event::HardBreak => Event::Text(CowStr::Borrowed(" ")),
                other => other.into_static(),
            };
            events.push(e);
        }
        Cell(events)
    }
}

/// Rebases a relative link written in the chapter at `from` for the chapter
/// at `to`. Absolute URLs and paths are kept; with `index_enabled` a README
/// target becomes its `index.md`.
pub fn rebase(dest: &str, from: &str, to: &str, index_enabled: bool) -> String {
    if dest.is_empty()
        || dest.contains("://")
        || dest.starts_with('/')
        || dest.starts_with("mailto:")
    {
        return dest.to_string();
    }
    if from == to && !(index_enabled && links::is_readme(dest.split('#').next().unwrap_or(""))) {
        return dest.to_string();
    }
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let target = if path.is_empty() {
        Some(from.to_string())
    } else {
        links::join(links::parent(from), &links::percent_decode(path))
    };
    match target {
        Some(t) => format!(
            "{}{fragment}",
            links::relative(to, &links::served_path(&t, index_enabled))
        ),
        None => dest.to_string(),
    }
}

/// A table to be printed as Markdown.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Header labels.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these headers and no rows.
    pub fn new(header: Vec<String>) -> Self {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    fn events(&self) -> Vec<Event<'static>> {
        let width = self.header.len().max(1);
        let mut ev = vec![
            Event::Start(Tag::Table(vec![Alignment::None; width])),
            Event::Start(Tag::TableHead),
        ];
        for h in &self.header {
            ev.push(Event::Start(Tag::TableCell));
            ev.push(Event::Text(owned(h)));
            ev.push(Event::End(TagEnd::TableCell));
        }
        ev.push(Event::End(TagEnd::TableHead));
        for row in &self.rows {
            ev.push(Event::Start(Tag::TableRow));
            for i in 0..width {
                ev.push(Event::Start(Tag::TableCell));
                if let Some(c) = row.get(i) {
                    ev.extend(c.0.iter().cloned());
                }
                ev.push(Event::End(TagEnd::TableCell));
            }
            ev.push(Event::End(TagEnd::TableRow));
        }
        ev.push(Event::End(TagEnd::Table));
        ev
    }
}

/// A sequence of generated blocks.
#[derive(Debug, Clone, Default)]
pub struct Fragment {
    events: Vec<Event<'static>>,
}

impl Fragment {
    /// An empty fragment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a table.
    pub fn table(&mut self, t: &Table) -> &mut Self {
        self.events.extend(t.events());
        self
    }

    /// Adds a paragraph.
    pub fn paragraph(&mut self, content: Cell) -> &mut Self {
        self.events.push(Event::Start(Tag::Paragraph));
        self.events.extend(content.0);
        self.events.push(Event::End(TagEnd::Paragraph));
        self
    }

    /// Adds a heading.
    pub fn heading(&mut self, level: HeadingLevel, text: &str) -> &mut Self {
        self.events.push(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.events.push(Event::Text(owned(text)));
        self.events.push(Event::End(TagEnd::Heading(level)));
        self
    }

    /// Adds a bullet list.
    pub fn list(&mut self, items: Vec<Cell>) -> &mut Self {
        self.events.push(Event::Start(Tag::List(None)));
        for item in items {
            self.events.push(Event::Start(Tag::Item));
            self.events.extend(item.0);
            self.events.push(Event::End(TagEnd::Item));
        }
        self.events.push(Event::End(TagEnd::List(false)));
        self
    }

    /// Adds raw HTML as its own block (a marker comment).
    pub fn html_block(&mut self, html: &str) -> &mut Self {
        self.events.push(Event::Start(Tag::HtmlBlock));
        self.events.push(Event::Html(owned(html)));
        self.events.push(Event::End(TagEnd::HtmlBlock));
        self
    }

    /// Prints the fragment as Markdown, without a trailing line break.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let options = pulldown_cmark_to_cmark::Options {
            list_token: '-',
            ..pulldown_cmark_to_cmark::Options::default()
        };
        // Printing into a String cannot fail.
        let _ = pulldown_cmark_to_cmark::cmark_with_options(
            self.events.iter().cloned(),
            &mut out,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
            options,
        );
        out.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let mut out = String::new();
        mdbook_markdown::pulldown_cmark::html::push_html(
            &mut out,
            Parser::new_ext(md, Options::ENABLE_TABLES),
        );
        out
    }

    #[test]
    fn hostile_values_stay_in_their_cell() {
        let mut t = Table::new(vec!["A".into(), "B".into()]);
        t.rows.push(vec![
            Cell::text("x | y\nz [w](u) `c` <script>alert(1)</script> *e*"),
            Cell::link("]) | evil", "a b/(c).md"),
        ]);
        let md = Fragment::new().table(&t).to_markdown();
        assert_eq!(md.lines().count(), 3, "{md}");
        let h = html(&md);
        assert_eq!(h.matches("<td>").count(), 2, "{h}");
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn markdown_cells_keep_links_rebased() {
        let c = Cell::markdown(
            "[Ana](../people/ana.md) and **bold**",
            "tdd/a.md",
            "status.md",
            true,
        );
        let mut t = Table::new(vec!["Owner".into()]);
        t.rows.push(vec![c]);
        let md = Fragment::new().table(&t).to_markdown();
        assert!(md.contains("[Ana](people/ana.md)"), "{md}");
        assert!(md.contains("**bold**"), "{md}");
    }

    #[test]
    fn rebases() {
        assert_eq!(
            rebase("../prd/a.md#x", "tdd/t.md", "status/s.md", true),
            "../prd/a.md#x"
        );
        assert_eq!(rebase("#risks", "tdd/t.md", "s.md", true), "tdd/t.md#risks");
        assert_eq!(
            rebase("https://x.y/z", "tdd/t.md", "s.md", true),
            "https://x.y/z"
        );
        assert_eq!(rebase("b.md", "tdd/t.md", "s.md", true), "tdd/b.md");
        assert_eq!(rebase("../README.md", "tdd/t.md", "s.md", true), "index.md");
        assert_eq!(
            rebase("../README.md#a", "tdd/t.md", "s.md", false),
            "README.md#a"
        );
    }

    #[test]
    fn lists_and_notes() {
        let md = Fragment::new()
            .html_block("<!-- tdd-backlinks -->\n")
            .heading(HeadingLevel::H2, "Technical Designs")
            .list(vec![Cell::link("A", "a.md"), Cell::text("B")])
            .paragraph(Cell::emphasis("No rows."))
            .to_markdown();
        assert_eq!(
            md,
            "<!-- tdd-backlinks -->\n\n## Technical Designs\n\n- [A](a.md)\n- B\n\n*No rows.*"
        );
    }
}
