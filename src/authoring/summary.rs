//! `mdbook-tdd new`: file names from titles, and adding an entry to
//! SUMMARY.md while keeping every other byte of it.

use crate::hash::HashSet;
use crate::links;

/// A file-name slug for a title: transliterated to ASCII (`deunicode`;
/// German umlauts as `ae`, `oe`, `ue`), lower case, every run of other
/// characters a single `-`. A letter with no transliteration is kept.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut push = |part: &str| {
        for c in part.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    };
    for c in title.chars() {
        // The German spelling without umlauts; deunicode drops the dots.
        let umlaut = match c {
            'ä' | 'Ä' => Some("ae"),
            'ö' | 'Ö' => Some("oe"),
            'ü' | 'Ü' => Some("ue"),
            _ => None,
        };
        let ascii = if c.is_ascii() {
            None
        } else {
            umlaut.or_else(|| deunicode::deunicode_char(c))
        };
        // Punctuation in a transliteration (`—` → `--`) and the space after a
        // syllable (`支` → `Zhi `) separate words like any other.
        match ascii {
            Some(ascii) => push(ascii),
            None => push(c.encode_utf8(&mut [0; 4])),
        }
    }
    let s = out.trim_end_matches('-').to_string();
    if s.is_empty() {
        "design".to_string()
    } else {
        s
    }
}

/// The literal directory before the first wildcard of a glob (`tdd/**/*.md` →
/// `tdd`).
pub fn glob_dir(glob: &str) -> Option<String> {
    let literal: Vec<&str> = glob
        .split('/')
        .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
        .collect();
    let dir = literal.join("/");
    // A pattern without wildcards names a file: its directory.
    let dir = if literal.len() == glob.split('/').count() {
        links::parent(&dir).to_string()
    } else {
        dir
    };
    (!dir.is_empty()).then_some(dir)
}

/// One list entry of SUMMARY.md.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// Line index.
    line: usize,
    /// Indentation width in columns (a tab advances to the next multiple of
    /// four, as in CommonMark).
    indent: usize,
    /// The indentation as written (spaces and tabs).
    prefix: String,
    /// The link destination, decoded and normalized.
    dest: String,
}

/// The leading spaces and tabs of a line, and their width in columns.
fn indentation(line: &str) -> (&str, usize) {
    let end = line.len() - line.trim_start_matches([' ', '\t']).len();
    let prefix = line.get(..end).unwrap_or("");
    let width = prefix
        .chars()
        .fold(0, |w, c| if c == '\t' { w + 4 - w % 4 } else { w + 1 });
    (prefix, width)
}

/// A destination as the book names chapters: decoded, `./` and `..`
/// resolved.
fn chapter_path(dest: &str) -> String {
    let decoded = links::percent_decode(dest);
    links::normalize(&decoded).unwrap_or(decoded)
}

/// Whether SUMMARY.md lists the chapter at `path` (relative to the src
/// dir), read with mdBook's own parser, so that every way of writing the
/// link (`./a.md`, `<a.md>`, percent-encoded) counts; `None` when it does
/// not parse.
pub fn lists(summary: &str, path: &str) -> Option<bool> {
    use mdbook_summary::SummaryItem;
    fn walk(items: &[SummaryItem], path: &str) -> bool {
        items.iter().any(|item| match item {
            SummaryItem::Link(l) => {
                l.location
                    .as_deref()
                    .is_some_and(|p| chapter_path(&links::slash_path(p)) == path)
                    || walk(&l.nested_items, path)
            }
            _ => false,
        })
    }
    let parsed = mdbook_summary::parse_summary(summary).ok()?;
    Some(
        [
            &parsed.prefix_chapters,
            &parsed.numbered_chapters,
            &parsed.suffix_chapters,
        ]
        .iter()
        .any(|list| walk(list, path)),
    )
}

/// Whether SUMMARY.md has a part titled `title` (`# Title`, outside fenced
/// code, without regard to case).
pub fn has_part(summary: &str, title: &str) -> bool {
    let lines: Vec<&str> = summary.lines().collect();
    part_titles(&lines).into_iter().any(|i| {
        lines
            .get(i)
            .and_then(|l| l.get(1..))
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(title))
    })
}

/// The lines that are H1 headings (`# Title`), outside fenced code.
fn part_titles(lines: &[&str]) -> Vec<usize> {
    let mut in_code = false;
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start_matches([' ', '\t']);
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
        } else if !in_code && (l.starts_with("# ") || l.starts_with("#\t")) {
            out.push(i);
        }
    }
    out
}

fn entries(lines: &[&str]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut in_code = false;
    for (i, l) in lines.iter().enumerate() {
        let (prefix, indent) = indentation(l);
        let t = l.get(prefix.len()..).unwrap_or("");
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let Some(rest) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
            .or_else(|| t.strip_prefix("-\t"))
            .or_else(|| t.strip_prefix("*\t"))
            .or_else(|| t.strip_prefix("+\t"))
        else {
            continue;
        };
        let rest = rest.trim_start_matches([' ', '\t']);
        if !rest.starts_with('[') {
            continue;
        }
        let Some(after) = rest.find("](").and_then(|close| rest.get(close + 2..)) else {
            continue;
        };
        let dest = if let Some(a) = after.strip_prefix('<') {
            a.split('>').next().unwrap_or("").to_string()
        } else {
            after
                .split([')', ' ', '\t'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        out.push(Entry {
            line: i,
            indent,
            prefix: prefix.to_string(),
            dest: chapter_path(&dest),
        });
    }
    out
}

/// The part of SUMMARY.md that holds the PRDs (as `init` writes it): a
/// book's first PRD goes there.
pub const PRD_PART: &str = "Product Requirements";

/// The part of SUMMARY.md that holds the TDDs (as `init` writes it).
pub const TDD_PART: &str = "Technical Designs";

/// Where and how a new entry goes in SUMMARY.md.
pub enum Placement<'a> {
    /// As the last child of the entry of this chapter path.
    Under(&'a str),
    /// After the subtree of the last of these chapter paths, at its level.
    After(&'a [String]),
    /// At the end of the part with this title (`# Title`, matched without
    /// regard to case), at the top level.
    InPart(&'a str),
}

#[derive(Clone, Copy)]
enum PlacementKind {
    InPart,
    Other,
}

/// Where an inserted entry must turn out to be once SUMMARY.md is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A child of the entry of this chapter path.
    ChildOf(String),
    /// The next item after the entry of this chapter path, in the same list.
    After(String),
    /// Anywhere at the top level.
    TopLevel,
}

/// SUMMARY.md with a new entry, and where the entry is meant to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    /// The new text.
    pub text: String,
    /// Where the entry must be in the parsed summary.
    pub expected: Expected,
}

/// Inserts `- [title](path)` into SUMMARY.md text. Returns `None` when the
/// anchor entry is not found (the caller then falls back). The entry copies
/// the indentation of its neighbours: a sibling's exactly, or its parent's
/// plus one level written the way the file writes levels (a tab where the
/// file indents with tabs).
pub fn insert_entry(
    summary: &str,
    title: &str,
    path: &str,
    placement: Placement<'_>,
) -> Option<Inserted> {
    let eol = if summary.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let lines: Vec<&str> = summary.split_inclusive('\n').collect();
    let bare: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_end_matches(['\n', '\r']))
        .collect();
    let all = entries(&bare);
    let unit = if all.iter().any(|e| e.prefix.contains('\t')) {
        "\t".to_string()
    } else {
        " ".repeat(
            all.iter()
                .map(|e| e.indent)
                .filter(|&i| i > 0)
                .min()
                .unwrap_or(4),
        )
    };
    let subtree_end = |e: &Entry| -> usize {
        // The line after the last line that belongs to this entry: deeper
        // entries and their continuation lines, up to the next entry at the
        // same or a lower level or a non-list block.
        let mut end = e.line + 1;
        for (i, l) in bare.iter().enumerate().skip(e.line + 1) {
            if l.trim().is_empty() {
                continue;
            }
            if indentation(l).1 > e.indent {
                end = i + 1;
            } else {
                break;
            }
        }
        end
    };
    let placement_kind = match placement {
        Placement::InPart(_) => PlacementKind::InPart,
        _ => PlacementKind::Other,
    };
    let (at, prefix, expected) = match placement {
        Placement::Under(prd) => {
            let e = all.iter().find(|e| e.dest == prd)?;
            let end = subtree_end(e);
            let child = all
                .iter()
                .find(|c| c.line > e.line && c.indent > e.indent && c.line < end);
            let prefix = child.map_or_else(|| format!("{}{unit}", e.prefix), |c| c.prefix.clone());
            (end, prefix, Expected::ChildOf(e.dest.clone()))
        }
        Placement::After(paths) => {
            let paths: HashSet<&str> = paths.iter().map(String::as_str).collect();
            let mut i = all.iter().rposition(|e| paths.contains(e.dest.as_str()))?;
            // Not inside another design: climb to the outermost enclosing
            // entry that is a TDD too. Entries are in line order: the parent
            // is the nearest earlier entry that is less indented.
            while let Some(p) = all[..i].iter().rposition(|p| p.indent < all[i].indent)
                && paths.contains(all[p].dest.as_str())
            {
                i = p;
            }
            let e = &all[i];
            (
                subtree_end(e),
                e.prefix.clone(),
                Expected::After(e.dest.clone()),
            )
        }
        Placement::InPart(part) => {
            // The first H1 is the summary's own title, not a part.
            let titles: Vec<usize> = part_titles(&bare).into_iter().skip(1).collect();
            let h = titles.iter().copied().find(|&i| {
                bare[i].get(1..).is_some_and(|t| {
                    t.trim()
                        .trim_end_matches('#')
                        .trim()
                        .eq_ignore_ascii_case(part)
                })
            })?;
            let next = titles
                .iter()
                .copied()
                .find(|&i| i > h)
                .unwrap_or(bare.len());
            match all
                .iter()
                .rev()
                .find(|e| e.line > h && e.line < next && e.indent == 0)
            {
                Some(e) => (
                    subtree_end(e),
                    e.prefix.clone(),
                    Expected::After(e.dest.clone()),
                ),
                // The first entry of the part: after the title and the
                // blank line that follows it, if there is one.
                None => {
                    let blank = |i: usize| bare.get(i).is_some_and(|l| l.trim().is_empty());
                    let at = if blank(h + 1) { h + 2 } else { h + 1 };
                    (at, String::new(), Expected::TopLevel)
                }
            }
        }
    };
    let mut entry = format!("{prefix}{}{eol}", entry_text(title, path));
    // An entry that opens a part's list is set apart from a title or
    // other block right below it.
    if matches!(placement_kind, PlacementKind::InPart)
        && expected == Expected::TopLevel
        && bare.get(at).is_some_and(|l| !l.trim().is_empty())
    {
        entry.push_str(eol);
    }
    let mut out = String::with_capacity(summary.len() + entry.len() + 2);
    for (i, l) in lines.iter().enumerate() {
        if i == at {
            out.push_str(&entry);
        }
        out.push_str(l);
        if i + 1 == lines.len() && at == lines.len() {
            if !l.ends_with('\n') {
                out.push_str(eol);
            }
            out.push_str(&entry);
        }
    }
    if lines.is_empty() {
        out.push_str(&entry);
    }
    Some(Inserted {
        text: out,
        expected,
    })
}

/// `- [title](path)`.
fn entry_text(title: &str, path: &str) -> String {
    format!(
        "- [{}]({})",
        links::escape_link_text(title),
        links::markdown_destination(path)
    )
}

/// Checks, with mdBook's own parser, that SUMMARY.md parses and that the
/// entry of `path` is there once, where `expected` says.
pub fn check_placement(summary: &str, path: &str, expected: &Expected) -> Result<(), String> {
    use mdbook_summary::SummaryItem;
    let parsed = mdbook_summary::parse_summary(summary).map_err(|e| format!("{e:#}"))?;
    // Every link: its path, its parent's path, and the previous item's path
    // in the same list.
    struct Found {
        parent: Option<String>,
        previous: Option<String>,
    }
    fn location(item: &SummaryItem) -> Option<String> {
        match item {
            SummaryItem::Link(l) => l
                .location
                .as_deref()
                .map(|p| chapter_path(&links::slash_path(p))),
            _ => None,
        }
    }
    fn walk(items: &[SummaryItem], parent: Option<&str>, path: &str, found: &mut Vec<Found>) {
        let mut previous: Option<String> = None;
        for item in items {
            let here = location(item);
            if here.as_deref() == Some(path) {
                found.push(Found {
                    parent: parent.map(str::to_string),
                    previous: previous.clone(),
                });
            }
            if let SummaryItem::Link(l) = item {
                walk(&l.nested_items, here.as_deref(), path, found);
            }
            previous = here;
        }
    }
    let mut found = Vec::new();
    for list in [
        &parsed.prefix_chapters,
        &parsed.numbered_chapters,
        &parsed.suffix_chapters,
    ] {
        walk(list, None, path, &mut found);
    }
    let [f] = found.as_slice() else {
        return Err(format!(
            "the new entry appears {} times instead of once",
            found.len()
        ));
    };
    let (ok, want) = match expected {
        Expected::ChildOf(p) => (f.parent.as_deref() == Some(p), format!("under `{p}`")),
        Expected::After(p) => (
            f.previous.as_deref() == Some(p),
            format!("right after `{p}` at its level"),
        ),
        Expected::TopLevel => (f.parent.is_none(), "at the top level".to_string()),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("the new entry would not land {want}"))
    }
}

/// Appends `- [title](path)` at the end of SUMMARY.md.
pub fn append_entry(summary: &str, title: &str, path: &str) -> String {
    let eol = if summary.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = summary.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(&entry_text(title, path));
    out.push_str(eol);
    out
}

/// Today's date (UTC) as `YYYY-MM-DD`, by the system clock.
pub fn today() -> String {
    crate::date::Date::clock().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_reads_every_way_of_writing_a_link() {
        for link in ["status.md", "./status.md", "<status.md>", "st%61tus.md"] {
            let s = format!("# Summary\n\n- [S]({link})\n");
            assert_eq!(lists(&s, "status.md"), Some(true), "{link}");
        }
        assert_eq!(
            lists("# Summary\n\n- [A](a.md)\n", "status.md"),
            Some(false)
        );
        assert!(has_part("# Summary\n\n# Status\n", "status"));
        assert!(!has_part("# Summary\n\n```\n# Status\n```\n", "Status"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Payments Service v2"), "payments-service-v2");
        assert_eq!(
            slug("Zahlungsübersicht für Händler"),
            "zahlungsuebersicht-fuer-haendler"
        );
        assert_eq!(slug("  Crème brûlée!! "), "creme-brulee");
        // Every script transliterated, so file names and links stay ASCII.
        assert_eq!(slug("支付 服务"), "zhi-fu-fu-wu");
        assert_eq!(slug("Платежи — возвраты"), "platezhi-vozvraty");
        assert_eq!(slug("Ærø Œuvre Straße"), "aero-oeuvre-strasse");
        assert_eq!(slug("Übersicht Öl Äpfel"), "uebersicht-oel-aepfel");
        assert_eq!(slug("Prix en €"), "prix-en-eur");
        // A combining accent is part of its letter, not a word break.
        assert_eq!(slug("Cre\u{301}me"), "creme");
        assert_eq!(slug("???"), "design");
    }

    #[test]
    fn glob_dirs() {
        assert_eq!(glob_dir("tdd/**/*.md").as_deref(), Some("tdd"));
        assert_eq!(glob_dir("docs/tdd/*.md").as_deref(), Some("docs/tdd"));
        assert_eq!(glob_dir("*.md"), None);
        assert_eq!(glob_dir("tdd/a.md").as_deref(), Some("tdd"));
    }

    const SUMMARY: &str = "# Summary\n\n- [PRD A](prd/a.md)\n    - [T1](tdd/t1.md)\n- [PRD B](<prd/b c.md>)\n\n# Designs\n\n- [T2](tdd/t2.md)\n  continuation\n    - [T3](tdd/t3.md)\n- [Other](o.md)\n";

    #[test]
    fn inserts_under_prd() {
        let ins = insert_entry(SUMMARY, "New", "tdd/new.md", Placement::Under("prd/a.md")).unwrap();
        assert_eq!(ins.expected, Expected::ChildOf("prd/a.md".into()));
        check_placement(&ins.text, "tdd/new.md", &ins.expected).unwrap();
        let out = ins.text;
        assert_eq!(
            out,
            SUMMARY.replace(
                "    - [T1](tdd/t1.md)\n",
                "    - [T1](tdd/t1.md)\n    - [New](tdd/new.md)\n"
            )
        );
        let out = insert_entry(SUMMARY, "New", "tdd/x y.md", Placement::Under("prd/b c.md"))
            .unwrap()
            .text;
        assert!(
            out.contains("- [PRD B](<prd/b c.md>)\n    - [New](<tdd/x y.md>)\n\n# Designs"),
            "{out}"
        );
        assert!(insert_entry(SUMMARY, "New", "n.md", Placement::Under("prd/zz.md")).is_none());
    }

    #[test]
    fn inserts_after_last_tdd() {
        let tdds: Vec<String> = ["tdd/t1.md", "tdd/t2.md", "tdd/t3.md"]
            .map(String::from)
            .to_vec();
        let ins = insert_entry(SUMMARY, "New", "tdd/new.md", Placement::After(&tdds)).unwrap();
        assert_eq!(ins.expected, Expected::After("tdd/t2.md".into()));
        check_placement(&ins.text, "tdd/new.md", &ins.expected).unwrap();
        let out = ins.text;
        assert!(
            out.contains("    - [T3](tdd/t3.md)\n- [New](tdd/new.md)\n- [Other](o.md)\n"),
            "{out}"
        );
    }

    #[test]
    fn in_part() {
        let s = "# Summary\n\n[Intro](README.md)\n\n# Product Requirements\n\n- [A](prd/a.md)\n    - [T](tdd/t.md)\n\n# technical designs\n\n```\n# Status\n```\n";
        let ins = insert_entry(
            s,
            "New",
            "prd/new.md",
            Placement::InPart("product requirements"),
        )
        .unwrap();
        assert_eq!(ins.expected, Expected::After("prd/a.md".into()));
        assert!(
            ins.text
                .contains("    - [T](tdd/t.md)\n- [New](prd/new.md)\n\n# technical")
        );
        check_placement(&ins.text, "prd/new.md", &ins.expected).unwrap();
        // A part without entries: under its title and the blank line after
        // it, a blank line before the next block.
        let ins = insert_entry(s, "D", "tdd/d.md", Placement::InPart("Technical Designs")).unwrap();
        assert_eq!(ins.expected, Expected::TopLevel);
        assert!(
            ins.text
                .contains("# technical designs\n\n- [D](tdd/d.md)\n\n```"),
            "{}",
            ins.text
        );
        check_placement(&ins.text, "tdd/d.md", &ins.expected).unwrap();
        // Right under a title, with no blank line between: one after it.
        let s2 = "# Summary\n\n# Designs\n# Status\n";
        let ins = insert_entry(s2, "D", "d.md", Placement::InPart("designs")).unwrap();
        assert_eq!(
            ins.text,
            "# Summary\n\n# Designs\n- [D](d.md)\n\n# Status\n"
        );
        check_placement(&ins.text, "d.md", &ins.expected).unwrap();
        let ins = insert_entry("# S\n# D", "D", "d.md", Placement::InPart("d")).unwrap();
        assert_eq!(ins.text, "# S\n# D\n- [D](d.md)\n");
        // A title in code, or the summary's own title, is no part.
        assert!(insert_entry(s, "X", "x.md", Placement::InPart("Status")).is_none());
        assert!(insert_entry(s, "X", "x.md", Placement::InPart("Summary")).is_none());
    }

    #[test]
    fn copies_tab_indentation() {
        let tabs = "# Summary\n\n- [PRD A](prd/a.md)\n\t- [T1](tdd/t1.md)\n\t\t- [T1a](tdd/t1a.md)\n- [PRD B](prd/b.md)\n- [PRD C](./prd/c.md)\n\t- [X](x.md)\n";
        let ins = insert_entry(tabs, "New", "tdd/new.md", Placement::Under("prd/a.md")).unwrap();
        assert_eq!(
            ins.text,
            tabs.replace(
                "\t\t- [T1a](tdd/t1a.md)\n",
                "\t\t- [T1a](tdd/t1a.md)\n\t- [New](tdd/new.md)\n"
            )
        );
        check_placement(&ins.text, "tdd/new.md", &ins.expected).unwrap();
        // No child yet: the parent's indentation and one tab.
        let ins = insert_entry(tabs, "New", "tdd/new.md", Placement::Under("prd/b.md")).unwrap();
        assert!(
            ins.text
                .contains("- [PRD B](prd/b.md)\n\t- [New](tdd/new.md)\n- [PRD C]"),
            "{}",
            ins.text
        );
        check_placement(&ins.text, "tdd/new.md", &ins.expected).unwrap();
        // A destination written `./prd/c.md` is the chapter `prd/c.md`.
        let ins = insert_entry(tabs, "New", "tdd/new.md", Placement::Under("prd/c.md")).unwrap();
        assert!(
            ins.text.ends_with("\t- [X](x.md)\n\t- [New](tdd/new.md)\n"),
            "{}",
            ins.text
        );
        check_placement(&ins.text, "tdd/new.md", &ins.expected).unwrap();
        // Two spaces a level: one level is two spaces.
        let two = "- [P](p.md)\n  - [Q](q.md)\n- [R](r.md)\n";
        let ins = insert_entry(two, "New", "n.md", Placement::Under("r.md")).unwrap();
        assert!(
            ins.text.ends_with("- [R](r.md)\n  - [New](n.md)\n"),
            "{}",
            ins.text
        );
        check_placement(&ins.text, "n.md", &ins.expected).unwrap();
    }

    #[test]
    fn placement_is_checked_in_the_parsed_tree() {
        let s = "- [P](p.md)\n    - [N](n.md)\n";
        check_placement(s, "n.md", &Expected::ChildOf("p.md".into())).unwrap();
        let e = check_placement(s, "n.md", &Expected::TopLevel).unwrap_err();
        assert!(e.contains("at the top level"), "{e}");
        // One space is not enough to nest: the entry lands at the top level.
        let s = "- [P](p.md)\n - [N](n.md)\n";
        let e = check_placement(s, "n.md", &Expected::ChildOf("p.md".into())).unwrap_err();
        assert!(e.contains("under `p.md`"), "{e}");
        check_placement(s, "n.md", &Expected::After("p.md".into())).unwrap();
        let e = check_placement(s, "x.md", &Expected::TopLevel).unwrap_err();
        assert!(e.contains("0 times"), "{e}");
    }

    #[test]
    fn appends_with_crlf() {
        assert_eq!(
            append_entry("# S\r\n- [a](a.md)", "B", "b.md"),
            "# S\r\n- [a](a.md)\r\n- [B](b.md)\r\n"
        );
    }

    #[test]
    fn dates() {
        let t = today();
        assert_eq!(crate::date::Date::parse(&t).map(|d| d.to_string()), Some(t));
    }
}
