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
