//! The library side of the authoring commands: SUMMARY.md entries for
//! `new` ([`summary`]), the status a superseded chapter gets
//! ([`lifecycle`]) and the book.toml edit of `install` ([`install`]).
//! The command line does the file I/O.

pub mod install;
pub mod lifecycle;
pub mod summary;
