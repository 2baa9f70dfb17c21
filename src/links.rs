//! Paths and links between chapters.
//!
//! Links the preprocessor writes are relative to the chapter that holds them,
//! use `/` separators and end in `.md` (mdBook rewrites them to `.html`).
//! README chapters, which mdBook serves as `index.html`, are linked by their
//! `index.md` path. Path segments are percent-encoded, so names with spaces,
//! parentheses or non-ASCII letters give working links.

use std::path::Path;

/// A path as `/`-separated text.
pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// Resolves `.` and `..` in a `/`-separated relative path. `None` if the path
/// climbs above its root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The directory part of a `/`-separated path (`""` for top-level files).
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Joins a relative target onto a directory and normalizes it.
pub fn join(dir: &str, target: &str) -> Option<String> {
    if dir.is_empty() {
        normalize(target)
    } else {
        normalize(&format!("{dir}/{target}"))
    }
}

/// Whether a path is a README file, which mdBook's `index` preprocessor turns
/// into `index.md`.
pub fn is_readme(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.eq_ignore_ascii_case("readme")
}

/// The path under which a chapter is served: README chapters become
/// `index.md` when mdBook's `index` preprocessor is on.
pub fn served_path(path: &str, index_enabled: bool) -> String {
    if index_enabled && is_readme(path) {
        let dir = parent(path);
        if dir.is_empty() {
            "index.md".to_string()
        } else {
            format!("{dir}/index.md")
        }
    } else {
        path.to_string()
    }
}

/// A relative path from the chapter at `from` to the file at `to` (both
/// `/`-separated paths relative to the src dir), not encoded.
pub fn relative_path(from: &str, to: &str) -> String {
    write_relative(from, to, |out, segment| out.push_str(segment))
}

/// A relative link from the chapter at `from` to the chapter at `to` (both
/// `/`-separated paths relative to the src dir), percent-encoded.
pub fn relative(from: &str, to: &str) -> String {
    // A chapter at the top of the src dir (a status page, most often) links
    // to a path that needs no encoding as it is.
    if !from.contains('/') && is_plain_path(to) {
        return to.to_string();
    }
    write_relative(from, to, push_encoded)
}

/// Whether a path is `/`-separated segments that are not empty and need no
/// percent-encoding: the link to it from the top of the src dir is itself.
fn is_plain_path(p: &str) -> bool {
    let b = p.as_bytes();
    !b.is_empty()
        && b.first() != Some(&b'/')
        && b.last() != Some(&b'/')
        && !b.windows(2).any(|w| w == b"//")
        && b.iter().all(|&c| unreserved(c) || c == b'/')
}

/// The bytes a path segment keeps as they are in a link destination.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The `..`s out of `from`'s directory, then the segments of `to` below
/// the directory both share, each written by `push_segment`.
fn write_relative(from: &str, to: &str, push_segment: impl Fn(&mut String, &str)) -> String {
    fn segments(p: &str) -> impl Iterator<Item = &str> + Clone {
        p.split('/').filter(|s| !s.is_empty())
    }
    // The leading directories in common (never the target's file), then
    // one `..` for each of the rest of `from`'s.
    let limit = segments(to).count().saturating_sub(1);
    let mut rest = segments(to).peekable();
    let (mut common, mut ups, mut matching) = (0, 0, true);
    for dir in segments(parent(from)) {
        if matching && common < limit && rest.peek() == Some(&dir) {
            rest.next();
            common += 1;
        } else {
            matching = false;
            ups += 1;
        }
    }
    let mut out = String::with_capacity(to.len() + 3 * ups);
    for _ in 0..ups {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str("..");
    }
    for segment in rest {
        if !out.is_empty() {
            out.push('/');
        }
        push_segment(&mut out, segment);
    }
    out
}

/// What a path segment of a link destination keeps unescaped: the
/// unreserved characters of RFC 3986.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment for a link destination.
fn push_encoded(out: &mut String, seg: &str) {
    out.extend(percent_encoding::utf8_percent_encode(seg, SEGMENT));
}

/// Decodes `%XX` escapes (two hexadecimal digits); invalid escapes are kept
/// as written, and so is the whole text if it decodes to invalid UTF-8.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), std::borrow::Cow::into_owned)
}

/// Escapes text for use inside `[...]`.
pub fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link destination for a path as written: wrapped in `<>` when it holds
/// white space or parentheses.
pub fn markdown_destination(path: &str) -> String {
    if path.contains(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '<' || c == '>') {
        format!("<{}>", path.replace('<', "%3C").replace('>', "%3E"))
    } else {
        path.to_string()
    }
}

/// Whether a field value names a file rather than a chapter by its name:
/// it ends like a page (`.md`, `.markdown`, `.html`, before any `#`) or
/// holds a `/`.
pub fn looks_like_path(s: &str) -> bool {
    let s = s.split('#').next().unwrap_or(s);
    s.ends_with(".md") || s.ends_with(".markdown") || s.ends_with(".html") || s.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("a/./b/../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("../x.md"), None);
        assert_eq!(
            join("tdd/pay", "../../prd/a.md").as_deref(),
            Some("prd/a.md")
        );
        assert_eq!(join("", "prd/a.md").as_deref(), Some("prd/a.md"));
        assert_eq!(join("tdd", "../../a.md"), None);
    }

    #[test]
    fn relative_links() {
        // The shortcut from the top of the src dir agrees with the walk.
        for to in [
            "tdd/a.md", "a.md", "x//y.md", "/a.md", "a/", "a b.md", "./a.md", "../a.md", "",
        ] {
            for from in ["status.md", "", "README.md"] {
                assert_eq!(
                    relative(from, to),
                    write_relative(from, to, push_encoded),
                    "{from} {to}"
                );
            }
        }
        assert_eq!(relative("tdd/a.md", "prd/b.md"), "../prd/b.md");
        assert_eq!(relative("tdd/x/a.md", "prd/b.md"), "../../prd/b.md");
        assert_eq!(relative("status.md", "tdd/a.md"), "tdd/a.md");
        assert_eq!(relative("tdd/a.md", "tdd/b.md"), "b.md");
        assert_eq!(relative("a/b/c.md", "a/b.md"), "../b.md");
        assert_eq!(relative("tdd/a.md", "index.md"), "../index.md");
        assert_eq!(
            relative("a.md", "d/Zahlungsübersicht (neu).md"),
            "d/Zahlungs%C3%BCbersicht%20%28neu%29.md"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(500))]
        /// The link is the path `relative_path` finds, percent-encoded.
        #[test]
        fn relative_links_agree_with_relative_paths(
            from in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "", "é x", "tdd"]), 0..5),
            to in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "", "é x", "c.md"]), 0..5),
        ) {
            let (from, to) = (from.join("/"), to.join("/"));
            proptest::prop_assert_eq!(percent_decode(&relative(&from, &to)), relative_path(&from, &to));
        }
    }

    #[test]
    fn readme_is_index() {
        assert_eq!(served_path("README.md", true), "index.md");
        assert_eq!(served_path("prd/readme.md", true), "prd/index.md");
        assert_eq!(served_path("prd/readme.md", false), "prd/readme.md");
        assert_eq!(served_path("prd/readmes.md", true), "prd/readmes.md");
    }

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("a%20b%C3%BC"), "a bü");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        // Two hexadecimal digits, not a number with a sign.
        assert_eq!(percent_decode("%+5%-1a"), "%+5%-1a");
        let enc = relative("x.md", "é ü/ß.md");
        assert_eq!(percent_decode(&enc), "é ü/ß.md");
    }
}
