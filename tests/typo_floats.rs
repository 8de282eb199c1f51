//! Floats in two columns (issue 16, item 2), read back from the PDF as a
//! reader sees it (poppler's word boxes): a column-wide figure that does
//! not fit what is left of its column goes to the top of the next column
//! while the text goes on and fills the column (LaTeX's `[tp]` in
//! `twocolumn`); the words of the text keep their order.

mod common;

use common::{Word, build_ok};

/// The body's paragraphs: `W{k}start` then words drawn from a fixed list
/// by a fixed linear congruential sequence (the same text every run).
fn paragraphs(count: usize, words_each: usize) -> Vec<String> {
    const WORDS: [&str; 24] = [
        "lorem", "ipsum", "dolor", "sit", "amet", "elit", "sed", "do", "eiusmod", "tempor", "ut",
        "labore", "et", "dolore", "magna", "aliqua", "enim", "ad", "minim", "veniam", "quis",
        "nostrud", "nisi", "commodo",
    ];
    let mut seed: u32 = 7;
    (0..count)
        .map(|k| {
            let mut p = format!("W{k}start");
            for _ in 0..words_each {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                p.push(' ');
                p.push_str(WORDS[(seed >> 16) as usize % WORDS.len()]);
            }
            p.push('.');
            p
        })
        .collect()
}

/// Builds `md` (with the fixture image `ruong.png` beside it) on A4 in two
/// columns and returns the PDF's words.
fn build(md: &str) -> Vec<Word> {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::copy(
        root.join("tests/fixtures/images/ruong.png"),
        dir.path().join("ruong.png"),
    )
    .unwrap();
    let src = dir.path().join("doc.md");
    std::fs::write(&src, md).unwrap();
    let out = dir.path().join("out");
    build_ok(
        &src,
        &out,
        &["--format", "pdf", "-q", "--columns", "2", "--paper", "a4"],
    );
    common::words(&out.join("doc.pdf"))
}

/// A4's width in points: the gutter is about its middle.
const MIDDLE: f32 = 595.0 / 2.0;

/// The column of a word: 0 left, 1 right.
fn col(w: &Word) -> usize {
    usize::from(w.x0 > MIDDLE)
}

/// The words of the text in reading order (page, column, top to bottom,
/// left to right), hyphenated halves joined, without the caption, the
/// heading, the running head and the folios.
fn text_words(words: &[Word], skip: &[&str]) -> Vec<String> {
    let mut ws: Vec<&Word> = words.iter().collect();
    ws.sort_by(|a, b| {
        (a.page, col(a))
            .cmp(&(b.page, col(b)))
            .then(a.y1.total_cmp(&b.y1))
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for w in ws {
        let t = w.text.trim_end_matches('.');
        if skip.contains(&t) || t.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if open {
            out.last_mut().unwrap().push_str(t.trim_end_matches('-'));
        } else {
            out.push(t.trim_end_matches('-').to_string());
        }
        open = w.text.ends_with('-');
    }
    out
}

/// The lowest bottom of a word of the text in `(page, col)` (the folio,
/// a number, left out).
fn foot(words: &[Word], page: usize, c: usize, skip: &[&str]) -> f32 {
    words
        .iter()
        .filter(|w| {
            w.page == page
                && col(w) == c
                && !skip.contains(&w.text.as_str())
                && !w.text.chars().all(|c| c.is_ascii_digit())
        })
        .map(|w| w.y1)
        .fold(0.0, f32::max)
}

/// The body line pitch: the most common distance between successive
/// lines of one column.
fn pitch(words: &[Word]) -> f32 {
    let mut ys: Vec<(usize, usize, i64)> = words
        .iter()
        .map(|w| (w.page, col(w), (w.y1 * 10.0).round() as i64))
        .collect();
    ys.sort();
    ys.dedup();
    let mut count = std::collections::BTreeMap::new();
    for p in ys.windows(2) {
        if p[0].0 == p[1].0 && p[0].1 == p[1].1 {
            *count.entry(p[1].2 - p[0].2).or_insert(0usize) += 1;
        }
    }
    count.into_iter().max_by_key(|&(_, n)| n).unwrap().0 as f32 / 10.0
}

/// A document titled "Floats" of `paras`, the image line `figure` before
/// paragraph `at`.
fn with_figure(paras: &[String], at: usize, figure: &str) -> String {
    let mut md = String::from("# Floats\n\n");
    for (k, p) in paras.iter().enumerate() {
        if k == at {
            md.push_str(figure);
            md.push_str("\n\n");
        }
        md.push_str(p);
        md.push_str("\n\n");
    }
    md
}

/// The words of `paras` as the text gives them back (no full stops).
fn input_words(paras: &[String]) -> Vec<String> {
    paras
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(|w| w.trim_end_matches('.').to_string())
        .collect()
}

const CAPTION: [&str; 4] = ["A", "column", "figure", "caption"];

#[test]
fn a_column_figure_at_a_column_foot_floats_to_the_next_column_top() {
    let paras = paragraphs(24, 72);
    // The figure comes after the paragraph that ends near the foot of
    // the first page's right column, where about four lines are left: too
    // few for it (before floats in columns, it moved whole to the next
    // page and left those lines empty).
    let words = build(&with_figure(
        &paras,
        11,
        "![A column figure caption](ruong.png){width=100%}",
    ));
    let skip: Vec<&str> = CAPTION.iter().copied().chain(["Floats"]).collect();
    let line = pitch(&words);
    // The figure's caption is on the second page (index 1), at the top of
    // its column: no word of the text above it there.
    let cap = words
        .iter()
        .find(|w| w.text == "caption")
        .expect("the caption is set");
    assert_eq!(
        cap.page, 1,
        "the figure moves to the next page's left column"
    );
    assert!(
        !words.iter().any(|w| w.page == cap.page
            && col(w) == col(cap)
            && w.y1 < cap.y0
            && !skip.contains(&w.text.as_str())),
        "nothing of the text above the figure at the column's top"
    );
    // The column the figure did not fit is full: its foot within two
    // lines of the left column's beside it.
    let left = foot(&words, 0, 0, &skip);
    let right = foot(&words, 0, 1, &skip);
    assert!(
        right >= left - 2.0 * line - 0.5,
        "the right column of page 1 ends {:.1} lines above the left one",
        (left - right) / line
    );
    // The paragraph after the figure begins in the hole the figure left.
    let after = words
        .iter()
        .find(|w| w.text == "W11start")
        .expect("the text after the figure is set");
    assert_eq!(
        (after.page, col(after)),
        (0, 1),
        "the text after the figure fills the right column of page 1"
    );
    // The words keep their order.
    assert_eq!(text_words(&words, &skip), input_words(&paras));
}

#[test]
fn a_spanning_figure_that_does_not_fit_floats_to_the_next_page_top() {
    let paras = paragraphs(30, 72);
    let words = build(&with_figure(
        &paras,
        20,
        "![A wide figure caption](ruong.png)",
    ));
    let caption = ["A", "wide", "figure", "caption"];
    let skip: Vec<&str> = caption.iter().copied().chain(["Floats"]).collect();
    let line = pitch(&words);
    let cap = words
        .iter()
        .find(|w| w.text == "wide")
        .expect("the caption is set");
    let page = cap.page;
    // The figure is at the top of its page: no word of the text above
    // its caption there, in either column.
    assert!(
        !words
            .iter()
            .any(|w| w.page == page && w.y1 < cap.y0 && !skip.contains(&w.text.as_str())),
        "nothing of the text above the spanning figure on page {}",
        page + 1
    );
    // The paragraph before it ends on an earlier page, whose columns are
    // full: the text after the figure filled them.
    let before = words.iter().find(|w| w.text == "W19start").unwrap();
    let after = words.iter().find(|w| w.text == "W20start").unwrap();
    assert!(
        before.page < page,
        "the figure comes after its place in the text"
    );
    assert_eq!(
        after.page, before.page,
        "the text after the figure goes on on the page where the figure did not fit"
    );
    let left = foot(&words, before.page, 0, &skip);
    let right = foot(&words, before.page, 1, &skip);
    assert!(
        right >= left - 2.0 * line - 0.5,
        "the right column of page {} ends {:.1} lines above the left one",
        before.page + 1,
        (left - right) / line
    );
    assert_eq!(text_words(&words, &skip), input_words(&paras));
}

/// A heading with only figures under it, met at a page's foot (`mixed.md`
/// on A4: section 1.4, two figures, then chapter 2): the figures do not
/// float away from their heading to under the next chapter's; the heading
/// goes to the next page with them, and the next chapter follows them.
#[test]
fn a_figure_under_a_heading_does_not_leave_it_behind() {
    let dir = tempfile::tempdir().unwrap();
    let pdf_dir = dir.path();
    build_ok(
        &common::root().join("tests/fixtures/mixed.md"),
        pdf_dir,
        &["--format", "pdf"],
    );
    let pdf = pdf_dir.join("mixed.pdf");
    let (pages, _, _) = common::pdf_info(&pdf);
    let page_of = |needle: &str| {
        (1..=pages)
            .find(|p| {
                let s = p.to_string();
                common::tool(
                    "pdftotext",
                    &["-f", &s, "-l", &s, pdf.to_str().unwrap(), "-"],
                )
                .contains(needle)
            })
            .unwrap_or_else(|| panic!("`{needle}` is on no page"))
    };
    let heading = page_of("1.4. Hình ảnh");
    assert_eq!(page_of("Ruộng bậc thang mùa lúa chín"), heading);
    assert_eq!(page_of("Phố cổ Hội An về đêm"), heading);
    let words = common::words(&pdf);
    let y = |text: &str| {
        words
            .iter()
            .find(|w| w.page + 1 == heading && w.text == text)
            .map(|w| w.y0)
            .unwrap_or_else(|| panic!("`{text}` not on p.{heading}"))
    };
    // On that page: the heading, its figures, then chapter 2 ("Phố cổ Hội
    // An nằm bên sông Hoài" begins its text).
    assert!(y("Hình") < y("Ruộng"), "the heading above its figure");
    assert!(y("đêm") < y("Hoài,"), "chapter 2 after the figures");
}
