//! The PDF of a book (`Form::Book`) as a reader sees it: the front matter
//! in order (half-title, blank, title page, copyright page, contents),
//! parts and chapters opening on right-hand pages when two-sided, running
//! heads (book title on the left, chapter title on the right, none on
//! openers), folios, the outline nested part › chapter, and note marks
//! counted afresh in each chapter.

mod common;

use std::path::{Path, PathBuf};

use common::{EPOCH, bundled_fonts, tool};
use trang::cli::Paper;
use trang::resolve::Book;
use trang::typeset::TypesetOptions;
use trang::typeset::setup::PageSetup;

const TITLE: &str = "Sổ tay nghề báo";

/// A paragraph long enough that a few of them fill an A5 page.
fn para(n: usize) -> String {
    format!(
        "Đoạn {n}: người viết tin phải trả lời sáu câu hỏi ai, cái gì, ở đâu, khi nào, \
         tại sao và như thế nào, rồi sắp xếp chúng theo thứ tự quan trọng giảm dần \
         để người đọc nắm được điều cốt yếu ngay từ những dòng đầu tiên của bài.\n\n"
    )
}

/// Five chapters: one before the parts, two in each part… the last outside
/// any part; chapters 2 and 4 have two footnotes each.
fn source() -> String {
    let mut md = format!(
        "---\ntitle: {TITLE}\nsubtitle: Cẩm nang cho phóng viên trẻ\n\
         authors: [Nguyễn Văn An, Trần Thị Bình]\npublisher: Nhà xuất bản Thử Nghiệm\n\
         date: 2026-09-05\nidentifier: isbn:978-0-306-40615-7\n\
         rights: Giữ mọi quyền.\nseries: Nghề báo\n\
         description: Sách hướng dẫn viết tin cho người mới vào nghề.\nlang: vi\ntoc: true\n---\n\n"
    );
    let chapters = ["Lời nói đầu", "Tin ngắn", "Tin dài", "Phóng sự", "Phụ lục"];
    for (c, title) in chapters.iter().enumerate() {
        md.push_str(&format!("# {title}\n\n"));
        let n = if c == 0 { 2 } else { 14 };
        for k in 0..n {
            if k == 1 && (c == 1 || c == 3) {
                md.push_str(&format!(
                    "Câu có chú thích[^c{c}a] và chú thích nữa[^c{c}b].\n\n"
                ));
            }
            if k == 4 {
                md.push_str(&format!("## Mục {c}.{k}\n\n"));
            }
            md.push_str(&para(k));
        }
    }
    for c in [1, 3] {
        md.push_str(&format!(
            "[^c{c}a]: Chú thích thứ nhất của chương {c}.\n\n\
             [^c{c}b]: Chú thích thứ hai của chương {c}.\n\n"
        ));
    }
    md
}

/// The source made a Book as the core does for a book project: form Book,
/// chapters 1–2 in part one, chapter 3 in part two, notes marked per
/// chapter.
fn book() -> Book {
    common::book_in_code(
        Path::new("so-tay.md"),
        &source(),
        ["Phần một: Tin", "Phần hai: Phóng sự"],
    )
}

struct Built {
    _dir: tempfile::TempDir,
    pdf: PathBuf,
    layout: trang::frame::Layout,
    setup: PageSetup,
    /// Per page (0-based), `pdftotext -layout` text.
    pages: Vec<String>,
}

fn build(book: &Book, duplex: bool) -> Built {
    let fonts = bundled_fonts();
    let opts = TypesetOptions {
        paper: Paper::A5,
        duplex,
        columns: 1,
        line_records: false,
        page_starts: false,
        deflate_runs: false,
    };
    let (layout, _) = trang::typeset::typeset_with(book, &fonts, &opts, EPOCH);
    let bytes = trang::pdf::write_pdf(&layout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("book.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    if let Ok(keep) = std::env::var("TRANG_KEEP_BOOK_PDF") {
        std::fs::copy(
            &pdf,
            format!("{keep}-{}.pdf", if duplex { "duplex" } else { "simplex" }),
        )
        .unwrap();
    }
    let setup = PageSetup::with(Paper::A5, duplex, 1, &fonts);
    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    pages.truncate(layout.pages.len());
    Built {
        _dir: dir,
        pdf,
        layout,
        setup,
        pages,
    }
}

/// Words in the band above the text block (the running head), per page.
fn heads(pdf: &Path, setup: &PageSetup, n: usize) -> Vec<String> {
    let mut out = vec![String::new(); n];
    for w in common::words(pdf) {
        if w.y1 < setup.top && w.page < n {
            if !out[w.page].is_empty() {
                out[w.page].push(' ');
            }
            out[w.page].push_str(&w.text);
        }
    }
    out.iter().map(|s| common::fold(s)).collect()
}

/// Words in the band below the text block (the folio), per page.
fn folios(pdf: &Path, setup: &PageSetup, n: usize) -> Vec<String> {
    let mut out = vec![String::new(); n];
    for w in common::words(pdf) {
        if w.y0 > setup.bottom() + setup.leading && w.page < n {
            out[w.page].push_str(&w.text);
        }
    }
    out
}

/// The 0-based page whose text block starts with `heading` (a chapter or
/// part opener).
fn opener(b: &Built, heading: &str) -> usize {
    b.pages
        .iter()
        .position(|p| common::fold(p).starts_with(heading))
        .unwrap_or_else(|| panic!("no page opens with {heading:?}"))
}

#[test]
fn front_matter_comes_in_book_order_on_the_right_sides() {
    let b = build(&book(), true);
    let text: Vec<String> = b.pages.iter().map(|p| common::fold(p)).collect();
    // i: the half-title, the title alone.
    assert_eq!(text[0], TITLE);
    // ii: its verso, blank.
    assert_eq!(text[1], "");
    // iii: the title page.
    assert_eq!(
        text[2],
        format!(
            "{TITLE} Cẩm nang cho phóng viên trẻ Nguyễn Văn An, Trần Thị Bình Nhà xuất bản Thử Nghiệm"
        )
    );
    // iv: the copyright page, set small at the foot, the same lines as the
    // EPUB's (`trang::matter`): the notice names the holder (Chicago 1.21),
    // the rights statement follows it.
    for want in [
        "© 2026 Nguyễn Văn An, Trần Thị Bình Giữ mọi quyền.",
        "Nhà xuất bản Thử Nghiệm",
        "Xuất bản: 05/09/2026",
        "ISBN 978-0-306-40615-7",
        "Tủ sách: Nghề báo",
        "Sách hướng dẫn viết tin",
        "Dàn trang bằng phần mềm trang",
    ] {
        assert!(
            text[3].contains(want),
            "copyright page lacks {want:?}: {}",
            text[3]
        );
    }
    let first_line_y = common::words(&b.pdf)
        .iter()
        .filter(|w| w.page == 3)
        .map(|w| w.y0)
        .fold(f32::MAX, f32::min);
    assert!(
        first_line_y > b.setup.height * 0.5,
        "the copyright notice starts at y {first_line_y}, not in the lower half"
    );
    // v: the contents, a recto, parts listed above their chapters.
    assert!(text[4].starts_with("Mục lục"), "{}", text[4]);
    let order: Vec<usize> = [
        "Lời nói đầu",
        "Phần một: Tin",
        "Tin ngắn",
        "Tin dài",
        "Phần hai: Phóng sự",
        "Phóng sự",
        "Phụ lục",
    ]
    .iter()
    .map(|t| {
        text[4]
            .find(t)
            .unwrap_or_else(|| panic!("contents lack {t}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", text[4]);
    // No running head and no folio before the contents.
    let heads = heads(&b.pdf, &b.setup, b.pages.len());
    let folios = folios(&b.pdf, &b.setup, b.pages.len());
    assert_eq!(&heads[..5], ["", "", "", "", ""]);
    assert_eq!(&folios[..5], ["", "", "", "", "v"]);
}

#[test]
fn parts_and_chapters_open_on_rectos_with_folios_from_one() {
    let b = build(&book(), true);
    let folios = folios(&b.pdf, &b.setup, b.pages.len());
    let heads = heads(&b.pdf, &b.setup, b.pages.len());
    let first = opener(&b, "Lời nói đầu");
    assert_eq!(
        first % 2,
        0,
        "the first chapter on a recto (page {})",
        first + 1
    );
    assert_eq!(folios[first], "1", "the body starts at folio 1");
    for title in ["Tin ngắn", "Tin dài", "Phóng sự", "Phụ lục"] {
        let p = opener(&b, title);
        assert_eq!(p % 2, 0, "{title} opens on page {}, a verso", p + 1);
        assert_eq!(heads[p], "", "a chapter opener has no running head");
        assert!(!folios[p].is_empty(), "a chapter opener keeps its folio");
    }
    for part in ["Phần một: Tin", "Phần hai: Phóng sự"] {
        let p = opener(&b, part);
        assert_eq!(p % 2, 0, "{part} on a recto");
        assert_eq!(
            common::fold(&b.pages[p]),
            part,
            "a part page holds its title alone"
        );
        assert_eq!(
            common::fold(&b.pages[p + 1]),
            "",
            "a part page's verso is blank"
        );
        assert_eq!((heads[p].as_str(), folios[p].as_str()), ("", ""));
        assert_eq!((heads[p + 1].as_str(), folios[p + 1].as_str()), ("", ""));
    }
    // The contents print the folio each chapter's page shows.
    let contents = &b.pages[4];
    for title in ["Tin ngắn", "Phụ lục"] {
        let p = opener(&b, title);
        let line = contents
            .lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap();
        assert!(
            line.trim_end().ends_with(&format!(" {}", folios[p])),
            "contents line {line:?}, page shows {}",
            folios[p]
        );
    }
}

#[test]
fn running_heads_give_the_book_on_the_left_and_the_chapter_on_the_right() {
    let b = build(&book(), true);
    let heads = heads(&b.pdf, &b.setup, b.pages.len());
    let start = opener(&b, "Tin ngắn");
    let end = opener(&b, "Tin dài");
    let inside: Vec<usize> = (start + 1..end)
        .filter(|&p| !common::fold(&b.pages[p]).is_empty())
        .collect();
    assert!(inside.len() >= 2, "chapter 2 should run over 3+ pages");
    for p in inside {
        let want = if p % 2 == 1 { TITLE } else { "Tin ngắn" };
        assert_eq!(heads[p], want, "page {}", p + 1);
    }
    // Footnote marks restart in each chapter: 1 and 2 in chapters 2 and 4.
    let notes_at = |title: &str| {
        let p0 = opener(&b, title);
        (p0..b.pages.len())
            .map(|p| common::fold(&b.pages[p]))
            .find(|t| t.contains("Chú thích thứ nhất"))
            .unwrap()
    };
    for (title, c) in [("Tin ngắn", 1), ("Phóng sự", 3)] {
        let t = notes_at(title);
        assert!(
            t.contains(&format!("1. Chú thích thứ nhất của chương {c}"))
                && t.contains(&format!("2. Chú thích thứ hai của chương {c}")),
            "{t}"
        );
    }
}

#[test]
fn one_sided_books_head_every_page_with_its_chapter() {
    let b = build(&book(), false);
    let heads = heads(&b.pdf, &b.setup, b.pages.len());
    let text: Vec<String> = b.pages.iter().map(|p| common::fold(p)).collect();
    // No blank versos: half-title, title page, copyright, contents.
    assert_eq!(text[0], TITLE);
    assert!(text[1].starts_with(TITLE) && text[1].contains("Nhà xuất bản"));
    assert!(text[2].contains("©"));
    assert!(text[3].starts_with("Mục lục"));
    assert!(
        text.iter().all(|t| !t.is_empty()),
        "no blank page one-sided"
    );
    let start = opener(&b, "Tin dài");
    let next = opener(&b, "Phần hai: Phóng sự");
    assert!(next > start + 1);
    for (p, head) in heads.iter().enumerate().take(next).skip(start + 1) {
        assert_eq!(head, "Tin dài", "page {}", p + 1);
    }
}

#[test]
fn the_outline_nests_chapters_under_their_parts() {
    let b = build(&book(), true);
    let got: Vec<String> = outline_of(&b.pdf)
        .iter()
        .map(|l| l.rsplit_once(" @").unwrap().0.to_string())
        .collect();
    assert_eq!(
        got,
        [
            "Mục lục",
            "Lời nói đầu",
            "Phần một: Tin",
            "  Tin ngắn",
            "    Mục 1.4",
            "  Tin dài",
            "    Mục 2.4",
            "Phần hai: Phóng sự",
            "  Phóng sự",
            "    Mục 3.4",
            "Phụ lục",
            "  Mục 4.4",
        ]
    );
    // The part bookmark lands on the part page.
    let part = b
        .layout
        .outline
        .iter()
        .find(|e| e.title == "Phần hai: Phóng sự")
        .unwrap();
    assert_eq!(part.page, opener(&b, "Phần hai: Phóng sự"));
}

/// The outline of `pdf` as indented lines `title @page` (1-based).
fn outline_of(pdf: &Path) -> Vec<String> {
    let json = tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
        for it in items.as_array().into_iter().flatten() {
            out.push(format!(
                "{}{} @{}",
                "  ".repeat(depth),
                it["title"].as_str().unwrap_or("?"),
                it["destpageposfrom1"]
            ));
            walk(&it["kids"], depth + 1, out);
        }
    }
    let mut got = Vec::new();
    walk(&v["outlines"], 0, &mut got);
    got
}

/// The fixture book, through `book.toml` and through `SUMMARY.md`: the
/// generated cover and its blank back (`src/cover`), then the same outline (parts › chapters › sections, each on its page), the
/// contents listing parts and chapters in that order with the folios the
/// pages print, chapters and parts on rectos, notes marked from 1 in each
/// chapter.
#[test]
fn the_fixture_book_reads_the_same_through_both_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root().join("tests/fixtures");
    common::build_ok(&root.join("book"), &dir.path().join("toml"), &[]);
    common::build_ok(&root.join("book-summary"), &dir.path().join("summary"), &[]);
    let toml = dir.path().join("toml/so-tay.pdf");
    let summary = dir.path().join("summary/book-summary.pdf");
    let outline = outline_of(&toml);
    assert_eq!(outline, outline_of(&summary));
    assert_eq!(
        outline,
        [
            "Mục lục @7",
            "Lời nói đầu @9",
            "Phần một: Đi và viết @11",
            "  Viết tin ngắn @13",
            "    Cấu trúc kim tự tháp ngược @13",
            "  Phóng sự ở Mường Tè @15",
            "    Đường vào bản @15",
            "    Ghi chép tại chỗ @15",
            "Phần hai: Hỏi và nghĩ @17",
            "  Phỏng vấn người trong cuộc @19",
            "    Câu hỏi mở @19",
            "  Bình luận: giữ giọng riêng @21",
            "Phụ lục: Bảng thuật ngữ @23",
            "  Bảng thuật ngữ @23",
        ]
    );
    let fonts = bundled_fonts();
    let setup = PageSetup::with(Paper::A5, true, 1, &fonts);
    let text = tool("pdftotext", &["-layout", toml.to_str().unwrap(), "-"]);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let folios = folios(&toml, &setup, pages.len());
    let heads = heads(&toml, &setup, pages.len());
    // Parts and chapters (outline depth 0 and 1, after the contents).
    let entries: Vec<(String, usize)> = outline[1..]
        .iter()
        .filter(|l| !l.starts_with("    "))
        .map(|l| {
            let (title, page) = l.trim().rsplit_once(" @").unwrap();
            (title.to_string(), page.parse::<usize>().unwrap())
        })
        .collect();
    // The cover and its blank back come before the half-title.
    let cover = 2;
    let contents: Vec<&str> = pages[cover + 4].lines().map(str::trim).collect();
    let mut at = 0;
    for (title, page) in &entries {
        assert_eq!(page % 2, 1, "{title} opens on page {page}, a verso");
        assert_eq!(heads[page - 1], "", "{title}: no running head on an opener");
        // Listed in the contents, in order; a chapter with its folio.
        let found = contents[at..]
            .iter()
            .position(|l| l.starts_with(title.as_str()))
            .unwrap_or_else(|| panic!("{title} not in the contents after line {at}"));
        at += found + 1;
        let line = contents[at - 1];
        if title.starts_with("Phần") {
            assert_eq!(line, title, "a part is listed without a folio");
        } else {
            assert!(
                line.ends_with(&format!(" {}", folios[page - 1])),
                "{line:?} vs folio {}",
                folios[page - 1]
            );
        }
    }
    // The half-title, its blank verso, the title and copyright pages have
    // neither running head nor folio; the contents is folio v.
    for p in cover..cover + 4 {
        assert_eq!(
            (heads[p].as_str(), folios[p].as_str()),
            ("", ""),
            "page {p}"
        );
    }
    assert_eq!(folios[cover + 4], "v");
    // The viewer's page numbers match the folios: the cover pages named,
    // the front matter i…vi, the body from 1 (where folio 1 is printed).
    let json = tool(
        "qpdf",
        &["--json", "--json-key=pagelabels", toml.to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let runs: Vec<String> = v["pagelabels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["index"], r["label"]))
        .collect();
    let body = folios.iter().position(|f| f == "1").unwrap();
    assert_eq!(
        runs,
        [
            r#"0 {"/P":"u:Bìa","/St":1}"#.to_string(),
            format!(r#"{cover} {{"/S":"/r","/St":1}}"#),
            format!(r#"{body} {{"/S":"/D","/St":1}}"#),
        ]
    );
    // Chapter "Phóng sự ở Mường Tè" runs on to a verso, folio 8.
    assert_eq!(heads[cover + 13], "Sổ tay phóng viên");
    assert_eq!(folios[cover + 13], "8");
    // Each chapter's first note is marked 1.
    for title in [
        "Viết tin ngắn",
        "Phóng sự ở Mường Tè",
        "Phỏng vấn người trong cuộc",
    ] {
        let page = pages
            .iter()
            .find(|p| common::fold(p).starts_with(title))
            .unwrap();
        assert!(
            page.lines().any(|l| l.trim_start().starts_with("1. ")),
            "{title}: no note marked 1 on its first page:\n{page}"
        );
    }
}

/// In two columns too, every part and chapter opens a right-hand page.
#[test]
fn two_column_books_open_chapters_on_rectos() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root().join("tests/fixtures");
    common::build_ok(&root.join("book"), dir.path(), &["--columns", "2"]);
    let outline = outline_of(&dir.path().join("so-tay.pdf"));
    let openers: Vec<&String> = outline.iter().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(openers.len(), 10, "{outline:?}");
    for l in openers {
        let page: usize = l.rsplit_once(" @").unwrap().1.parse().unwrap();
        assert_eq!(page % 2, 1, "{l}: on a verso");
    }
}

/// A sub-chapter (an indented `SUMMARY.md` entry, `Chapter.depth` 1)
/// stands under its chapter in the outline.
#[test]
fn sub_chapters_nest_under_their_chapter_in_the_outline() {
    let mut book = book();
    book.chapters[2].depth = 1;
    let b = build(&book, true);
    let got: Vec<String> = outline_of(&b.pdf)
        .iter()
        .map(|l| l.rsplit_once(" @").unwrap().0.to_string())
        .collect();
    assert_eq!(
        got[2..7],
        [
            "Phần một: Tin",
            "  Tin ngắn",
            "    Mục 1.4",
            "    Tin dài",
            "      Mục 2.4",
        ]
    );
}
