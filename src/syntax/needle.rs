//! Searchers for the fixed strings looked for in every chapter, built once
//! per run: building a searcher costs more than a search of a short text.

use memchr::memmem::Finder;
use std::sync::LazyLock;

/// A searcher built on first use.
pub type Needle = LazyLock<Finder<'static>>;

/// The opening of a directive.
pub static DIRECTIVE: Needle = LazyLock::new(|| Finder::new("{{#"));
/// A `\u` escape in a JSON string.
pub static UNICODE_ESCAPE: Needle = LazyLock::new(|| Finder::new("\\u"));
/// The end of an HTML comment.
pub static COMMENT_END: Needle = LazyLock::new(|| Finder::new("-->"));
/// The start of an HTML end tag.
pub static END_TAG: Needle = LazyLock::new(|| Finder::new("</"));
/// The name of the diagram language.
pub static MERMAID: Needle = LazyLock::new(|| Finder::new("mermaid"));
