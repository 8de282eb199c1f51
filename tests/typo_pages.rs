//! Filling pages (issue 16, item 2), as a reader of the PDF sees them:
//! short code blocks never split, headings keep two lines under them,
//! figures float to the top of the next page while the text goes on, pages
//! run a line long or short rather than leave a hole, facing pages end on
//! the same line, tall table rows split.

mod common;

use common::{build_ok, tool};

/// Builds the Markdown `md` (written as `doc.md` in a temp dir, next to the
/// fixture images) with `args` and returns each page's text, in order.
fn build_pages(md: &str, args: &[&str]) -> Vec<String> {
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
        let pages = build_pages(&md, &["--paper", "a5"]);
        let first = page_of(&pages, "let x1 = 1;");
        let last = page_of(&pages, "let x6 = 6;");
        assert_eq!(first, last, "with {k} lines before, the block split");
    }
    let long: String = (1..=30).map(|i| format!("let y{i} = {i};\n")).collect();
    let md = format!("{}```\n{long}```\n", filler("a", 20));
    let pages = build_pages(&md, &["--paper", "a5"]);
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
        let pages = build_pages(&md, &["--paper", "a5"]);
        let h = page_of(&pages, "Tiêu đề mục");
        assert_eq!(page_of(&pages, "Dòng b1 "), h, "with {k} lines before");
        assert_eq!(page_of(&pages, "Dòng b2 "), h, "with {k} lines before");
    }
}

/// Front matter with a title, so that no warning is printed.
const FRONT: &str = "---\ntitle: Thử trang\n---\n\n";

/// A titled document: `before` lines `Dòng a…`, `middle`, `after` lines `Dòng b…`.
fn doc(before: usize, middle: &str, after: usize) -> String {
    format!(
        "{FRONT}{}{middle}{}",
        filler("a", before),
        filler("b", after)
    )
}

#[test]
fn figures_that_do_not_fit_float_to_the_next_page() {
    // 20 lines, then a figure taller than what is left: the figure opens
    // the next page; the text after it fills this one (TeX's \topinsert).
    let md = doc(20, "![Hình rương gỗ](ruong.png)\n\n", 40);
    let pages = build_pages(&md, &["--paper", "a5"]);
    let fig = page_of(&pages, "Hình rương gỗ");
    assert_eq!(page_of(&pages, "Dòng a20 "), 0);
    assert_eq!(
        page_of(&pages, "Dòng b1 "),
        0,
        "the text goes on filling page 1"
    );
    assert_eq!(fig, 1);
    // At the top of its page: only the running head comes before it.
    let before: Vec<&str> = pages[fig]
        .split("Hình rương gỗ")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(before, ["Thử trang"], "{}", pages[fig]);
    // A figure that fits stays in the text.
    let md = doc(3, "![Hình rương gỗ](ruong.png)\n\n", 40);
    let pages = build_pages(&md, &["--paper", "a5"]);
    assert_eq!(page_of(&pages, "Hình rương gỗ"), 0);
    assert!(pages[0].find("Dòng a3 ").unwrap() < pages[0].find("Hình rương gỗ").unwrap());
    assert!(pages[0].find("Hình rương gỗ").unwrap() < pages[0].find("Dòng b1 ").unwrap());
}

#[test]
fn floats_keep_their_order_and_their_chapter() {
    // Two figures in a row that do not fit: both wait, in order; the
    // second never passes the first.
    let md = doc(
        22,
        "![Hình thứ nhất](ruong.png)\n\n![Hình thứ hai](ruong.png)\n\n",
        60,
    );
    let pages = build_pages(&md, &["--paper", "a5"]);
    let (one, two) = (
        page_of(&pages, "Hình thứ nhất"),
        page_of(&pages, "Hình thứ hai"),
    );
    assert_eq!(page_of(&pages, "Dòng b1 "), 0);
    assert_eq!(one, 1);
    assert!(two == 1 && pages[1].find("Hình thứ nhất") < pages[1].find("Hình thứ hai"));
    // A figure near a chapter's end waits at most until that end.
    let md = format!(
        "{FRONT}# Chương một\n\n{}![Hình cuối chương](ruong.png)\n\n{}# Chương hai\n\n{}",
        filler("a", 20),
        filler("b", 3),
        filler("c", 10)
    );
    let pages = build_pages(&md, &["--paper", "a5", "--duplex"]);
    let fig = page_of(&pages, "Hình cuối chương");
    assert_eq!(page_of(&pages, "Dòng b3 "), 0);
    assert!(fig < page_of(&pages, "Chương hai"), "{pages:#?}");
}

#[test]
fn a_chapter_never_ends_with_a_runt_on_its_last_page_two_sided() {
    // The theme's runt rule (`pages.runt_lines`): a chapter's last page,
    // when the chapter began on an earlier one, holds more than two lines.
    // The break after a chapter's last line was also weighed as a page
    // ending inside the chapter, which escaped the rule (and was paired
    // with the next chapter's opening page as a spread): two-sided, 27,
    // 28, 60 and 61 lines left one or two on the last page.
    for k in 20..70 {
        let md = format!(
            "{FRONT}# Chương một\n\n{}# Chương hai\n\n{}",
            filler("a", k),
            filler("c", 10)
        );
        let pages = build_pages(&md, &["--paper", "a5", "--duplex"]);
        let chapter: Vec<&String> = pages.iter().filter(|p| p.contains("Dòng a")).collect();
        let last = chapter.last().unwrap().matches("Dòng a").count();
        assert!(
            chapter.len() == 1 || last > 2,
            "{k} lines: {last} on the last of {} pages",
            chapter.len()
        );
    }
}

#[test]
fn a_footnote_runs_on_across_a_chapter_start_two_sided() {
    // Chapter one ends with a reference to a note too long for the foot of
    // its page: the rest of the note goes on at the foot of the next pages,
    // chapter two's opening page first, with nothing lost. (The pager sets a
    // book's chapters one piece at a time and hands the note lines still
    // waiting from one piece to the next.)
    let fill: String = (1..=36)
        .map(|i| format!("Dòng a{i} của đoạn văn.\n\n"))
        .collect();
    let note: Vec<String> = (1..=129)
        .map(|i| format!("chú{i} thích dài để chạy sang trang sau của chương."))
        .collect();
    let md = format!(
        "---\ntitle: Thử\n---\n\n# Một\n\n{fill}Câu có chú thích.[^1]\n\n# Hai\n\n\
         Đoạn đầu của chương hai.\n\n[^1]: ĐẦU-CHÚ {} ĐUÔI-CHÚ\n",
        note.join(" ")
    );
    let pages = build_pages(&md, &["--duplex"]);
    let head = page_of(&pages, "ĐẦU-CHÚ");
    let two = page_of(&pages, "Đoạn đầu của chương hai");
    let tail = page_of(&pages, "ĐUÔI-CHÚ");
    assert_eq!(
        two,
        head + 1,
        "chapter two opens on the page after the note's first"
    );
    assert!(tail > two, "the note runs on past chapter two's first page");
    let text: String = pages
        .concat()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut at = 0;
    for i in 1..=129 {
        let word = format!("chú{i} ");
        let found = text[at..]
            .find(&word)
            .unwrap_or_else(|| panic!("`chú{i}` lost"));
        at += found + word.len();
    }
    assert!(
        pages[two].contains("chú"),
        "the note goes on at the foot of chapter two's first page"
    );
}
