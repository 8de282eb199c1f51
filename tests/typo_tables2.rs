//! Table captions (pandoc's `Table: …` / `: …` lines), table rows cut at a
//! page's foot, and the table numbers of the theme, read back from the PDF
//! (poppler) and the EPUB, which EPUBCheck validates.

mod common;

use std::path::Path;

use common::{Word, build_ok, epub_files, epubcheck_silent, words};

/// Writes `md` to `dir/NAME.md`, builds both outputs with `args`, and
/// returns the PDF's words and the EPUB's files.
fn build(
    dir: &Path,
    name: &str,
    md: &str,
    args: &[&str],
) -> (Vec<Word>, std::collections::BTreeMap<String, String>) {
    let input = dir.join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    build_ok(&input, dir, args);
    let epub = std::fs::read(dir.join(format!("{name}.epub"))).unwrap();
    (words(&dir.join(format!("{name}.pdf"))), epub_files(&epub))
}

/// The first word `text` (from word `from` on).
fn find<'a>(w: &'a [Word], text: &str, from: usize) -> (usize, &'a Word) {
    w.iter()
        .enumerate()
        .skip(from)
        .find(|(_, x)| x.text == text)
        .unwrap_or_else(|| {
            panic!(
                "no `{text}` in {:?}",
                w.iter().map(|x| &x.text).collect::<Vec<_>>()
            )
        })
}

/// The XHTML of the book's content documents, joined.
fn xhtml(files: &std::collections::BTreeMap<String, String>) -> String {
    files
        .iter()
        .filter(|(k, _)| k.ends_with(".xhtml") && !k.contains("nav"))
        .map(|(_, v)| v.as_str())
        .collect()
}

const TABLE: &str =
    "| Tỉnh | Dân số |\n|---|---|\n| Lai Châu | 460 nghìn |\n| Yên Bái | 830 nghìn |\n";
const TABLE2: &str = "| Huyện | Diện tích |\n|---|---|\n| Mù Cang Chải | 1 199 km² |\n";

#[test]
fn a_caption_line_is_the_numbered_caption_above_its_table_in_both_outputs() {
    let dir = tempfile::tempdir().unwrap();
    // One caption after its table (with a blank line), one before its
    // table (without), named and linked to.
    let md = format!(
        "---\ntitle: Chú thích bảng\nlang: vi\n---\n\nĐoạn mở đầu.\n\n{TABLE}\n: Dân số hai tỉnh {{#tbl:dan-so}}\n\n\
         Xem [bảng dân số](#tbl:dan-so) ở trên.\n\nTable: Diện tích huyện\n{TABLE2}\nĐoạn kết.\n"
    );
    let (w, files) = build(dir.path(), "cap", &md, &["--paper", "a5"]);
    let text: Vec<&str> = w.iter().map(|x| x.text.as_str()).collect();
    // The marker lines are not printed as text.
    assert!(
        !text.iter().any(|t| t.starts_with(':') || *t == "Table:"),
        "{text:?}"
    );
    // "Bảng 1. Dân số hai tỉnh" stands above the first table's header,
    // "Bảng 2. Diện tích huyện" above the second's.
    for (n, first, head) in [("1.", "Dân", "Tỉnh"), ("2.", "Diện", "Huyện")] {
        let (k, label) = (0..w.len() - 1)
            .find(|&k| w[k].text == "Bảng" && w[k + 1].text == n)
            .map(|k| (k, &w[k]))
            .unwrap_or_else(|| panic!("no `Bảng {n}` in {text:?}"));
        assert_eq!(w[k + 2].text, first, "{text:?}");
        assert!((w[k + 2].y0 - label.y0).abs() < 0.5, "caption on one line");
        let (_, h) = find(&w, head, k);
        assert!(
            h.y0 > label.y1 && h.page == label.page,
            "`Bảng {n}` at {:?}, header at {:?}",
            label,
            h
        );
    }
    // The EPUB: a <caption> as the table's first child, numbered alike;
    // the named table is the link's target.
    let x = xhtml(&files);
    assert!(
        x.contains("<table id=\"tbl-dan-so\">\n<caption><span class=\"table-label\">Bảng 1.</span> Dân số hai tỉnh</caption>"),
        "{x}"
    );
    assert!(
        x.contains("<caption><span class=\"table-label\">Bảng 2.</span> Diện tích huyện</caption>"),
        "{x}"
    );
    assert!(x.contains("href=\"#tbl-dan-so\""), "{x}");
    assert!(!x.contains("Table:") && !x.contains("<p>: "), "{x}");
    epubcheck_silent(&[dir.path().join("cap.epub")]);
}

#[test]
fn an_english_table_is_labelled_table() {
    let dir = tempfile::tempdir().unwrap();
    let md = format!("---\ntitle: Captions\nlang: en\n---\n\nText.\n\n{TABLE}Table: Population\n");
    let (w, files) = build(dir.path(), "en", &md, &["--format", "pdf,epub"]);
    let (k, _) = find(&w, "Table", 0);
    assert_eq!(w[k + 1].text, "1.");
    assert_eq!(w[k + 2].text, "Population");
    // The caption line was not read as one more row.
    assert!(xhtml(&files).contains("Table 1.</span> Population</caption>"));
    assert_eq!(xhtml(&files).matches("<tr>").count(), 3);
}

#[test]
fn caption_like_text_away_from_a_table_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    // Two blank lines: not a caption (pandoc allows at most one).
    let md = format!(
        "---\ntitle: Không phải chú thích\n---\n\n{TABLE}\n\n\n: Xa bảng quá\n\nTừ\n: Nghĩa của từ\n"
    );
    let (w, files) = build(dir.path(), "far", &md, &[]);
    let text: Vec<&str> = w.iter().map(|x| x.text.as_str()).collect();
    assert!(!text.contains(&"Bảng"), "{text:?}");
    assert!(text.contains(&"Xa") && text.contains(&"quá"), "{text:?}");
    let x = xhtml(&files);
    assert!(!x.contains("<caption"), "{x}");
    // The definition list stays one.
    assert!(x.contains("<dt>Từ</dt>"), "{x}");
}

/// A5 pages of text, then a table whose second row has 30 lines, starting
/// a few lines above the foot of the page.
fn tall_row_document() -> String {
    let paras: Vec<String> = (1..=11)
        .map(|i| {
            format!(
                "Đoạn văn thứ {i} nói về những cánh đồng lúa chín vàng trải dài trên sườn núi, \
                 nơi người dân đã bao đời gắn bó với ruộng bậc thang và mùa nước đổ."
            )
        })
        .collect();
    let cell: Vec<String> = (1..=30).map(|i| format!("dòng{i:02} của ô dài")).collect();
    format!(
        "---\ntitle: Hàng cao\n---\n\n{}\n\n| Mục | Nội dung |\n|---|---|\n| ngắn | một dòng |\n| hàng dài | {} |\n| cuối | xong |\n\nĐoạn kết.\n",
        paras.join("\n\n"),
        cell.join("<br>")
    )
}

#[test]
fn a_thirty_line_row_near_a_page_foot_is_cut_between_lines_under_a_repeated_header() {
    let dir = tempfile::tempdir().unwrap();
    let (w, _) = build(
        dir.path(),
        "tall",
        &tall_row_document(),
        &["--paper", "a5", "--format", "pdf,epub"],
    );
    let line = |i: usize| {
        let t = format!("dòng{i:02}");
        w.iter()
            .find(|x| x.text == t)
            .unwrap_or_else(|| panic!("no {t}"))
    };
    let (first, last) = (line(1), line(30));
    // The row starts on the page of the text before it (which fills most
    // of that page) and ends on the next.
    let (_, before) = find(&w, "11", 0);
    assert_eq!(
        first.page, before.page,
        "the row moved whole to the next page"
    );
    assert_eq!(last.page, first.page + 1);
    // At least two of its lines on each page, in order, none lost.
    let on_first = (1..=30).filter(|&i| line(i).page == first.page).count();
    assert!(
        (2..=28).contains(&on_first),
        "{on_first} lines on the first page"
    );
    for i in 2..=30 {
        let (a, b) = (line(i - 1), line(i));
        assert!(
            (b.page, b.y0) > (a.page, a.y0),
            "line {i} is not below line {}",
            i - 1
        );
    }
    // The header is repeated above the rest of the row.
    let heads: Vec<&Word> = w.iter().filter(|x| x.text == "Mục").collect();
    assert_eq!(heads.len(), 2, "header on both pages");
    let cont = line(on_first + 1);
    assert!(heads[1].page == cont.page && heads[1].y1 < cont.y0);
    // The first page's part runs down to the page's foot (A5: 595 pt
    // high; the text block ends some 65 pt above the trim).
    assert!(
        line(on_first).y1 > 595.0 * 0.8,
        "the row's part ends at {} pt",
        line(on_first).y1
    );
}

#[test]
fn a_row_of_three_lines_is_never_cut() {
    // Rows of 3 lines fill the page: none may be cut (2 + 1 would leave a
    // line alone).
    let rows: String = (1..=40)
        .map(|i| format!("| hàng {i} | a{i}<br>b{i}<br>c{i} |\n"))
        .collect();
    let md = format!("---\ntitle: Ba dòng\n---\n\nMở đầu.\n\n| Số | Ba dòng |\n|---|---|\n{rows}");
    let dir = tempfile::tempdir().unwrap();
    let (w, _) = build(
        dir.path(),
        "three",
        &md,
        &["--paper", "a5", "--format", "pdf,epub"],
    );
    let page = |t: String| find(&w, &t, 0).1.page;
    let pages = (1..=40).map(|i| page(format!("c{i}"))).max().unwrap();
    assert!(pages > 0, "the table spans pages");
    for i in 1..=40 {
        assert_eq!(page(format!("a{i}")), page(format!("c{i}")), "row {i} cut");
    }
}

#[test]
fn the_themes_cell_padding_and_small_size_reach_both_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let md = format!("---\ntitle: Đệm ô\n---\n\nĐoạn văn bản thường.\n\n{TABLE}");
    let x_of = |w: &[Word]| find(w, "Dân", 0).1.x0 - find(w, "Tỉnh", 0).1.x0;
    let css = |files: &std::collections::BTreeMap<String, String>| {
        files
            .iter()
            .find(|(k, _)| k.ends_with(".css"))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let (w, files) = build(dir.path(), "pad", &md, &["--paper", "a5"]);
    assert!(
        css(&files).contains("th, td { padding: 0.25em 0.5em; }"),
        "{}",
        css(&files)
    );
    // Table text in the theme's small size: 0.9 × 10.5 pt = 9.5 pt (half
    // points), not 0.92 × as before; word boxes scale with the size.
    let h = |t: &str| {
        let x = find(&w, t, 0).1;
        x.y1 - x.y0
    };
    let ratio = h("Lai") / h("Đoạn");
    assert!((ratio - 9.5 / 10.5).abs() < 0.01, "size ratio {ratio}");
    let theme = dir.path().join("wide.toml");
    std::fs::write(&theme, "[blocks]\ncell_pad = \"1.5em\"\n").unwrap();
    let other = tempfile::tempdir().unwrap();
    let (w2, files2) = build(
        other.path(),
        "pad",
        &md,
        &["--paper", "a5", "--theme", theme.to_str().unwrap()],
    );
    // Columns 2 × pad apart: 1 em more on each side of the gap.
    let grown = x_of(&w2) - x_of(&w);
    assert!(
        (grown - 2.0 * 9.5).abs() < 1.5,
        "second column moved by {grown} pt"
    );
    assert!(
        css(&files2).contains("th, td { padding: 0.75em 1.5em; }"),
        "{}",
        css(&files2)
    );
}
