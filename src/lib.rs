//! `mdbook-tdd`: an mdBook preprocessor for technical design documents.
//!
//! It expands TDD skeleton directives into the team's template, ties each
//! TDD to its source PRD, and renders cross-document status tables. The
//! pipeline has one module per stage:
//!
//! 1. [`protocol`] reads the book JSON mdBook sends (0.4 and 0.5 shapes);
//! 2. [`scan`] walks each chapter's Markdown once and finds directives,
//!    headings, tables and protected ranges ([`directive`] holds the syntax);
//! 3. [`skeleton`] expands `{{#tdd-skeleton}}` against a [`template`];
//! 4. [`preprocess`] gathers the whole book, then edits chapters by splicing
//!    replacements into their byte ranges.

#![deny(missing_docs)]

pub mod config;
pub mod diagnostic;
pub mod directive;
pub mod header;
pub mod outline;
pub mod protocol;
pub mod scan;
pub mod skeleton;
pub mod template;
pub mod links;
pub mod model;
