//! The wire protocol: the `[context, book]` JSON that mdBook writes to a
//! preprocessor's stdin, and the book JSON it expects back. This stage knows
//! JSON and mdBook, nothing about TDDs.
//!
//! One binary serves mdBook 0.5 (`{"items": [...]}`) and 0.4
//! (`{"sections": [...], "__non_exhaustive": null}`); the answer has the shape
//! of the question. The context is read leniently: the configuration is kept
//! as a JSON value, so keys of other tools or future mdBook versions never
//! make the preprocessor fail.
//!
//! - [`read`]: the input, with chapter contents left as JSON literals;
//! - [`stream`]: the input read as it arrives, its items handed out in runs;
//! - [`text`]: a chapter's text as it came, and an edited text in pieces;
//! - [`write`]: the output, each chapter written from its pieces.

pub mod read;
pub mod stream;
pub mod text;
pub mod write;

use serde_json::Value;
use std::path::PathBuf;

/// The range of mdBook versions this preprocessor is tested with.
pub const SUPPORTED_MDBOOK: &str = ">=0.4.21, <0.6.0";

/// The JSON shape of the book, which differs between mdBook 0.4 and 0.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookShape {
    /// mdBook 0.5: `{"items": [...]}`.
    #[default]
    Items,
    /// mdBook 0.4: `{"sections": [...], "__non_exhaustive": null}`.
    Sections,
}

/// What mdBook tells a preprocessor about the build.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// The book root (the directory holding `book.toml`).
    pub root: PathBuf,
    /// The whole book configuration, as JSON.
    pub config: Value,
    /// The renderer the book is being built for (`html`, `markdown`, ...).
    pub renderer: String,
    /// The calling mdBook's version.
    pub mdbook_version: String,
}

impl Context {
    /// Whether the caller is mdBook 0.4. A context without a version (or
    /// with one that does not parse) is taken for 0.5.
    pub fn is_legacy(&self) -> bool {
        semver::Version::parse(&self.mdbook_version)
            .map(|v| v.major == 0 && v.minor < 5)
            .unwrap_or(false)
    }

    /// A warning if the calling mdBook lies outside the tested range.
    pub fn version_warning(&self) -> Option<String> {
        let req = semver::VersionReq::parse(SUPPORTED_MDBOOK).ok()?;
        match semver::Version::parse(&self.mdbook_version) {
            Ok(v) if req.matches(&v) => None,
            Ok(v) => Some(format!(
                "mdbook-tdd is tested with mdBook {SUPPORTED_MDBOOK}, but is being called by mdBook {v}; carrying on"
            )),
            Err(_) => Some(format!(
                "mdbook-tdd cannot read the mdBook version `{}` of the context; carrying on",
                self.mdbook_version
            )),
        }
    }
}

/// Why the input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The bytes are not the JSON that mdBook sends.
    #[error("malformed input JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The book object has neither `items` nor `sections`.
    #[error(
        "malformed input JSON: the book has neither `items` (mdBook 0.5) nor `sections` (mdBook 0.4)"
    )]
    NoItems,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_range() {
        let mut c = Context {
            mdbook_version: "0.4.52".into(),
            ..Context::default()
        };
        assert!(c.version_warning().is_none());
        c.mdbook_version = "0.5.4".into();
        assert!(c.version_warning().is_none());
        c.mdbook_version = "0.4.20".into();
        assert!(c.version_warning().is_some());
        c.mdbook_version = "0.6.0".into();
        assert!(c.version_warning().is_some());
        c.mdbook_version = "banana".into();
        assert!(c.version_warning().is_some());
    }
}
