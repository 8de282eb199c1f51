//! trang — Markdown to EPUB 3 and a typeset PDF, for Vietnamese.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod coverage;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod fonts;
pub mod frame;
pub mod frontmatter;
pub mod markdown;
