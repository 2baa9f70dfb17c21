//! The library side of the authoring commands: SUMMARY.md entries for
//! `new` ([`summary`]) and the book.toml edit of `install` ([`install`]).
//! The command line does the file I/O.

pub mod install;
pub mod summary;
