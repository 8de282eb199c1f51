//! Filling pages (issue 16, item 2), as a reader of the PDF sees them:
//! short code blocks never split, headings keep two lines under them,
//! figures float to the top of the next page while the text goes on, pages
//! run a line long or short rather than leave a hole, facing pages end on
//! the same line, tall table rows split.

mod common;

use common::{build_ok, tool};

/// Builds the Markdown `md` (written as `doc.md` in a temp dir, next to the
/// fixture images) with `args` and returns each page's text, in order.
fn pages(md: &str, args: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("doc.md");
    std::fs::write(&src, md).unwrap();
    let img = common::root().join("tests/fixtures/images/ruong.png");
    std::fs::copy(img, dir.path().join("ruong.png")).unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["--format", "pdf", "-q"];
    all.extend(args);
    build_ok(&src, &out, &all);
    let pdf = out.join("doc.pdf");
    tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
        .split('\u{c}')
        .map(str::to_string)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// The (zero-based) page whose text holds `needle`; panics if none does.
fn page_of(pages: &[String], needle: &str) -> usize {
    pages
        .iter()
        .position(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` on no page"))
}

/// `n` one-line paragraphs, `Dòng a1`, `Dòng a2`… (`tag` tells runs apart).
fn filler(tag: &str, n: usize) -> String {
    (1..=n)
        .map(|i| format!("Dòng {tag}{i} của đoạn văn.\n\n"))
        .collect()
}

#[test]
fn short_code_blocks_never_split() {
    // Wherever the page ends, the six lines stay together; a longer block
    // still splits (it would leave too much of a hole otherwise).
    let code: String = (1..=6).map(|i| format!("let x{i} = {i};\n")).collect();
    for k in 22..34 {
        let md = format!("{}```\n{code}```\n\n{}", filler("a", k), filler("b", 40));
        let pages = pages(&md, &["--paper", "a5"]);
        let first = page_of(&pages, "let x1 = 1;");
        let last = page_of(&pages, "let x6 = 6;");
        assert_eq!(first, last, "with {k} lines before, the block split");
    }
    let long: String = (1..=30).map(|i| format!("let y{i} = {i};\n")).collect();
    let md = format!("{}```\n{long}```\n", filler("a", 20));
    let pages = pages(&md, &["--paper", "a5"]);
    assert_ne!(
        page_of(&pages, "let y1 = 1;"),
        page_of(&pages, "let y30 = 30;")
    );
}

#[test]
fn headings_keep_two_lines_under_them() {
    // One-line paragraphs after the heading: the paragraph rules alone
    // would let the heading go with one line.
    for k in 22..34 {
        let md = format!("{}## Tiêu đề mục\n\n{}", filler("a", k), filler("b", 40));
        let pages = pages(&md, &["--paper", "a5"]);
        let h = page_of(&pages, "Tiêu đề mục");
        assert_eq!(page_of(&pages, "Dòng b1 "), h, "with {k} lines before");
        assert_eq!(page_of(&pages, "Dòng b2 "), h, "with {k} lines before");
    }
}
