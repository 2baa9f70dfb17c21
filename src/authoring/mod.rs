//! The library side of the authoring commands: SUMMARY.md entries for
//! `new` ([`summary`]), the status a superseded chapter gets
//! ([`lifecycle`]), the PRD version pin of `pin` ([`pin`]), the book.toml edit of `install` ([`install`]) and the
//! files of a new book for `init` ([`init`]). The command line does the
//! file I/O.

pub mod init;
pub mod install;
pub mod lifecycle;
pub mod pin;
pub mod summary;

use crate::config::MarkdownOptions;
use crate::syntax::header::Header;
use crate::syntax::scan::ChapterScan;
use std::borrow::Cow;
use std::ops::Range;

/// A chapter's header as the model reads it: the line view of the text
/// (whose offsets are the text's, see [`crate::syntax::lines::lf_view`]),
/// its scan and its header. For the commands that edit one header field in
/// place.
fn read_header<'t>(
    text: &'t str,
    options: &MarkdownOptions,
) -> (Cow<'t, str>, ChapterScan, Header) {
    let lines = crate::syntax::lines::lf_view(text).map_or(Cow::Borrowed(text), Cow::Owned);
    let scan = crate::syntax::scan::scan(&lines, options);
    let header = Header::parse(&lines, &scan);
    (lines, scan, header)
}

/// `text` with `range` replaced by `insert`, every other byte kept; an
/// error naming `what` when the range does not fall on the text's
/// characters.
fn splice(text: &str, range: Range<usize>, insert: &str, what: &str) -> Result<String, String> {
    match (text.get(..range.start), text.get(range.end..)) {
        (Some(before), Some(after)) => Ok(format!("{before}{insert}{after}")),
        _ => Err(format!("its {what} could not be located")),
    }
}
