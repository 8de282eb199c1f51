//! Unit tests of the EPUB writer on small documents.

use super::*;
use crate::diag::SourceFile;

fn build(md: &str) -> (Vec<u8>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let doc = crate::markdown::parse(SourceFile::new("/nonexistent/t.md", md), &mut diags);
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
    let epub = write_epub(&doc, &fonts, &EpubOptions { modified: 0 }, &mut diags).unwrap();
    (epub, diags)
}

#[test]
fn builds_a_small_book() {
    let (epub, _) = build("# T\n\nxin chào\n");
    assert_eq!(&epub[30..38], b"mimetype");
}
