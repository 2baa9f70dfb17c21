//! Stage 1, syntax: one text in, located syntax out. Nothing here can fail
//! or needs more than the text and the Markdown options.
//!
//! - [`scan`] walks a chapter's Markdown once (headings, tables, code, HTML,
//!   our directives with the block each stands in);
//! - [`directive`] is the grammar of `{{#tdd-... key=value}}`;
//! - [`outline`] builds the section tree and section numbers;
//! - [`header`] reads a document's header fields;
//! - [`placeholder`] finds and fills `{placeholder}`s;
//! - [`lines`] deals with line endings and container prefixes;
//! - [`inert`] breaks directives in text copied between pages;
//! - [`needle`] holds the searchers for the fixed strings every chapter is
//!   searched for.

pub mod directive;
pub mod header;
pub mod inert;
pub mod lines;
pub mod needle;
pub mod outline;
pub mod placeholder;
pub mod scan;
