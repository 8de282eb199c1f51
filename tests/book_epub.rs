//! The EPUB of a book (`Form::Book`): part pages before their chapters, a
//! copyright page after the title page, the nav and the NCX nested
//! part › chapter › sub-chapter › sections, the landmarks, the series and
//! the other metadata in the OPF, note marks counted per chapter — read
//! back from the package as a reading system would, and checked by
//! EPUBCheck. Calibre's `ebook-meta` reads the title, series and authors.

mod common;

use std::path::Path;

use common::{EPOCH, attr, bundled_fonts, epub_files, epubcheck_silent, root, spine};
use trang::diag::Diagnostics;
use trang::epub::{EpubOptions, write_epub};
use trang::resolve::Book;

/// One Markdown file with six `#` chapters, made into a book in code the
/// way the project reader makes one: a prefix chapter, a part of two
/// chapters (the second an mdBook sub-chapter of the first), a part of
/// one, and a back-matter chapter outside any part.
const BOOK: &str = "---
title: Sổ tay nghề báo
subtitle: Viết cho người mới vào nghề
authors: [Nguyễn Văn An, Trần Thị Bình]
lang: vi
date: 2026-09-05
publisher: Nhà xuất bản Trẻ
rights: Giữ mọi quyền.
identifier: 978-604-1-00000-1
series: Tủ sách nghề báo
description: Sổ tay cho phóng viên trẻ.
toc: true
---
# Lời nói đầu

Sách này viết cho người mới[^loi].

[^loi]: Lời chú của lời nói đầu.

# Tin ngắn

Tin ngắn trả lời năm câu hỏi[^w] và một câu nữa[^h].

## Năm chữ W

### Ai

Ai làm gì.

[^w]: Ai, cái gì, ở đâu, khi nào, tại sao.
[^h]: Như thế nào.

# Tin dài

Tin dài có nhiều đoạn[^dai].

[^dai]: Mỗi đoạn một ý.

# Phỏng vấn

## Chuẩn bị

Chuẩn bị câu hỏi.

# Phụ lục

Bảng từ.
";

/// The book: chapters 1–2 in part 1 (chapter 2 nested under chapter 1),
/// chapter 3 in part 2, note marks counted afresh in each chapter.
fn book() -> Book {
    let mut book = common::book_in_code(
        Path::new("so-tay-nghe-bao.md"),
        BOOK,
        ["Phần một: Tin", "Phần hai: Phỏng vấn"],
    );
    // Chapter 2 is a sub-chapter of chapter 1 (an indented SUMMARY.md entry).
    book.chapters[2].depth = 1;
    book
}

fn epub(book: &Book) -> Vec<u8> {
    let mut diags = Diagnostics::default();
    let bytes = write_epub(
        book,
        &bundled_fonts(),
        &EpubOptions {
            modified: EPOCH,
            ..Default::default()
        },
        &mut diags,
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(diags.items.is_empty(), "{:?}", diags.items);
    bytes
}

/// One entry of a navigation tree: (depth from 1, title, href).
type Entry = (usize, String, String);

/// The `nav epub:type="toc"` list of the navigation document, as a reader
/// lists it: each link with the number of `ol`s around it.
fn nav_entries(nav: &str) -> Vec<Entry> {
    let start = nav.find("epub:type=\"toc\"").unwrap();
    let end = start + nav[start..].find("</nav>").unwrap();
    let mut out = Vec::new();
    let mut depth = 0;
    let mut rest = &nav[start..end];
    while let Some(lt) = rest.find('<') {
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt + 1..gt];
        if tag.starts_with("ol") {
            depth += 1;
        } else if tag == "/ol" {
            depth -= 1;
        } else if tag.starts_with("a ") {
            let close = gt + rest[gt..].find("</a>").unwrap();
            let href = attr(&format!("<{tag}>"), "href").unwrap();
            out.push((depth, rest[gt + 1..close].trim().to_string(), href));
        }
        rest = &rest[gt + 1..];
    }
    out
}

/// The NCX's navPoints: (nesting depth, label, src), and their playOrders.
fn ncx_entries(ncx: &str) -> (Vec<Entry>, Vec<u32>) {
    let mut out = Vec::new();
    let mut orders = Vec::new();
    let mut depth = 0;
    let mut rest = ncx;
    while let Some(lt) = rest.find('<') {
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt + 1..gt];
        if tag.starts_with("navPoint ") {
            depth += 1;
            orders.push(
                attr(&format!("<{tag}>"), "playOrder")
                    .unwrap()
                    .parse()
                    .unwrap(),
            );
            let text = gt + rest[gt..].find("<text>").unwrap() + "<text>".len();
            let text_end = text + rest[text..].find("</text>").unwrap();
            let content = text_end + rest[text_end..].find("<content ").unwrap();
            let src = attr(&rest[content..], "src").unwrap();
            out.push((depth, rest[text..text_end].trim().to_string(), src));
        } else if tag == "/navPoint" {
            depth -= 1;
        }
        rest = &rest[gt + 1..];
    }
    (out, orders)
}

fn e(depth: usize, title: &str, href: &str) -> Entry {
    (depth, title.to_string(), href.to_string())
}

/// What the nav and the NCX must both list, in reading order.
fn expected_outline() -> Vec<Entry> {
    vec![
        e(1, "Bản quyền", "copyright.xhtml"),
        e(1, "Mục lục", "contents.xhtml"),
        e(1, "Lời nói đầu", "chapter-01.xhtml"),
        e(1, "Phần một: Tin", "part-1.xhtml"),
        e(2, "Tin ngắn", "chapter-02.xhtml"),
        e(3, "Năm chữ W", "chapter-02.xhtml#nam-chu-w"),
        e(4, "Ai", "chapter-02.xhtml#ai"),
        e(3, "Tin dài", "chapter-03.xhtml"),
        e(1, "Phần hai: Phỏng vấn", "part-2.xhtml"),
        e(2, "Phỏng vấn", "chapter-04.xhtml"),
        e(3, "Chuẩn bị", "chapter-04.xhtml#chuan-bi"),
        e(1, "Phụ lục", "chapter-05.xhtml"),
    ]
}

#[test]
fn parts_and_the_copyright_page_come_in_reading_order() {
    let files = epub_files(&epub(&book()));
    let opf = &files["OEBPS/content.opf"];
    let order: Vec<String> = spine(opf).into_iter().map(|(h, _)| h).collect();
    assert_eq!(
        order,
        [
            "title.xhtml",
            "copyright.xhtml",
            "contents.xhtml",
            "chapter-01.xhtml",
            "part-1.xhtml",
            "chapter-02.xhtml",
            "chapter-03.xhtml",
            "part-2.xhtml",
            "chapter-04.xhtml",
            "chapter-05.xhtml",
        ]
    );
    // A book's title page: title, subtitle, authors, publisher (no dateline).
    let title = &files["OEBPS/title.xhtml"];
    let classes: Vec<String> = title
        .split("<p class=\"")
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_string())
        .collect();
    assert_eq!(classes, ["subtitle", "authors", "publisher"], "{title}");
    let part = &files["OEBPS/part-1.xhtml"];
    assert!(
        part.contains("<section epub:type=\"part\" role=\"doc-part\"")
            && part.contains("<h1 id=\"part-1\" class=\"part-title\">Phần một: Tin</h1>"),
        "{part}"
    );
    // The visible contents page lists each part above its chapters.
    let contents = &files["OEBPS/contents.xhtml"];
    let part_at = contents.find("href=\"part-2.xhtml\"><b>Phần hai").unwrap();
    let chapter_at = contents.find(">Phỏng vấn</a>").unwrap();
    let before = contents.find(">Tin dài</a>").unwrap();
    assert!(before < part_at && part_at < chapter_at, "{contents}");
}

#[test]
fn the_copyright_page_carries_the_metadata() {
    let files = epub_files(&epub(&book()));
    let page = &files["OEBPS/copyright.xhtml"];
    assert!(page.contains("epub:type=\"copyright-page\""), "{page}");
    let lines: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with("<p class="))
        .map(|l| &l[l.find('>').unwrap() + 1..l.rfind("</p>").unwrap()])
        .collect();
    assert_eq!(
        lines,
        [
            "Sổ tay nghề báo: Viết cho người mới vào nghề",
            "Nguyễn Văn An, Trần Thị Bình",
            "© 2026 Nguyễn Văn An, Trần Thị Bình",
            "Giữ mọi quyền.",
            "Nhà xuất bản Trẻ",
            "Xuất bản: 05/09/2026",
            "ISBN 978-604-1-00000-1",
            "Sổ tay cho phóng viên trẻ.",
            "Tủ sách: Tủ sách nghề báo",
            "Dàn trang bằng phần mềm trang",
        ]
    );
}

#[test]
fn nav_and_ncx_nest_parts_chapters_and_sections() {
    let files = epub_files(&epub(&book()));
    let nav = &files["OEBPS/nav.xhtml"];
    assert_eq!(nav_entries(nav), expected_outline(), "{nav}");

    let ncx = &files["OEBPS/toc.ncx"];
    let (points, orders) = ncx_entries(ncx);
    assert_eq!(points, expected_outline(), "{ncx}");
    // playOrder follows the reading order, 1, 2, 3…
    assert_eq!(orders, (1..=points.len() as u32).collect::<Vec<_>>());
    assert!(
        ncx.contains("<meta name=\"dtb:depth\" content=\"4\" />"),
        "{ncx}"
    );

    // Landmarks: title page, contents page, the start of the body.
    let start = nav.find("epub:type=\"landmarks\"").unwrap();
    let landmarks: Vec<(String, String)> = nav[start..]
        .split("<a ")
        .skip(1)
        .map(|a| {
            let a = format!("<a {a}");
            (attr(&a, "epub:type").unwrap(), attr(&a, "href").unwrap())
        })
        .collect();
    let pair = |t: &str, h: &str| (t.to_string(), h.to_string());
    assert_eq!(
        landmarks,
        [
            pair("titlepage", "title.xhtml"),
            pair("toc", "contents.xhtml"),
            pair("bodymatter", "chapter-01.xhtml"),
        ]
    );
}

#[test]
fn the_package_declares_series_subtitle_and_publication_metadata() {
    let files = epub_files(&epub(&book()));
    let opf = &files["OEBPS/content.opf"];
    for want in [
        "<dc:title>Sổ tay nghề báo</dc:title>",
        "<dc:title id=\"subtitle\">Viết cho người mới vào nghề</dc:title>",
        "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>",
        "<meta property=\"belongs-to-collection\" id=\"series\">Tủ sách nghề báo</meta>",
        "<meta refines=\"#series\" property=\"collection-type\">series</meta>",
        "<dc:publisher>Nhà xuất bản Trẻ</dc:publisher>",
        "<dc:date>2026-09-05</dc:date>",
        "<dc:description>Sổ tay cho phóng viên trẻ.</dc:description>",
        "<dc:rights>Giữ mọi quyền.</dc:rights>",
        "<dc:identifier id=\"epub-id-1\">urn:isbn:978-604-1-00000-1</dc:identifier>",
        ">Nguyễn Văn An</dc:creator>",
        ">Trần Thị Bình</dc:creator>",
    ] {
        assert!(opf.contains(want), "no {want} in\n{opf}");
    }
}

#[test]
fn notes_print_their_mark_counted_per_chapter() {
    let book = book();
    let files = epub_files(&epub(&book));
    // Chapter 2's notes are notes 2 and 3 of the book, printed 1 and 2.
    let ch2 = &files["OEBPS/chapter-02.xhtml"];
    let marks: Vec<&str> = ch2
        .split("role=\"doc-noteref\"")
        .skip(1)
        .map(|s| &s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()])
        .collect();
    assert_eq!(marks, ["1", "2"], "{ch2}");
    let backs: Vec<&str> = ch2
        .split("role=\"doc-backlink\"")
        .skip(1)
        .map(|s| &s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()])
        .collect();
    assert_eq!(backs, ["1", "2"], "{ch2}");
    let ch3 = &files["OEBPS/chapter-03.xhtml"];
    assert!(ch3.contains("role=\"doc-noteref\" id=\"") && ch3.contains("\">1</a></sup>"));
}

/// EPUBCheck on the book, and Calibre's reading of its metadata.
#[test]
fn epubcheck_is_silent_and_calibre_reads_title_series_authors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("so-tay-nghe-bao.epub");
    std::fs::write(&path, epub(&book())).unwrap();

    epubcheck_silent(std::slice::from_ref(&path));

    let meta = common::tool("ebook-meta", &[path.to_str().unwrap()]);
    let field = |name: &str| {
        meta.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in\n{meta}"))
    };
    // Calibre shows a `title-type subtitle` after the main title.
    assert_eq!(
        field("Title"),
        "Sổ tay nghề báo: Viết cho người mới vào nghề"
    );
    assert_eq!(field("Series"), "Tủ sách nghề báo #1");
    assert!(
        field("Author(s)").starts_with("Nguyễn Văn An & Trần Thị Bình"),
        "{meta}"
    );
    assert_eq!(field("Publisher"), "Nhà xuất bản Trẻ");
    assert_eq!(field("Identifiers"), "isbn:9786041000001");
}

/// The fixture book, built by `trang build DIR` from its `book.toml` and
/// from mdBook's `SUMMARY.md` (tests/fixtures/book-summary): the same
/// chapters and parts in the nav and the NCX, every cross-file link an
/// `href` into another chapter file, and EPUBCheck silent on both.
#[test]
fn the_fixture_book_gives_the_same_navigation_both_ways_and_passes_epubcheck() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = Vec::new();
    for name in ["book", "book-summary"] {
        let out = dir.path().join(name);
        common::build_ok(&root().join("tests/fixtures").join(name), &out, &[]);
        let epub = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "epub"))
            .unwrap();
        books.push(epub);
    }
    let navs: Vec<(Vec<Entry>, Vec<Entry>)> = books
        .iter()
        .map(|p| {
            let files = epub_files(&std::fs::read(p).unwrap());
            let nav = nav_entries(&files["OEBPS/nav.xhtml"]);
            let (ncx, _) = ncx_entries(&files["OEBPS/toc.ncx"]);
            // The body's entries: what the manifest (book.toml or SUMMARY.md) decides.
            let body = |v: Vec<Entry>| -> Vec<Entry> {
                v.into_iter()
                    .filter(|(_, _, h)| h.starts_with("chapter-") || h.starts_with("part-"))
                    .collect()
            };
            (body(nav), body(ncx))
        })
        .collect();
    let (nav, ncx) = &navs[0];
    assert_eq!(nav, ncx);
    assert_eq!(navs[1].0, *nav, "SUMMARY.md gives another nav");
    assert_eq!(navs[1].1, *ncx, "SUMMARY.md gives another NCX");
    let tops: Vec<(usize, &str)> = nav
        .iter()
        .filter(|(d, _, h)| *d <= 2 && !h.contains('#'))
        .map(|(d, t, _)| (*d, t.as_str()))
        .collect();
    assert_eq!(
        tops,
        [
            (1, "Lời nói đầu"),
            (1, "Phần một: Đi và viết"),
            (2, "Viết tin ngắn"),
            (2, "Phóng sự ở Mường Tè"),
            (1, "Phần hai: Hỏi và nghĩ"),
            (2, "Phỏng vấn người trong cuộc"),
            (2, "Bình luận: giữ giọng riêng"),
            (1, "Phụ lục: Bảng thuật ngữ"),
        ]
    );

    // Cross-file links: hrefs from one chapter file into another, each to
    // an id that file has (EPUBCheck checks them too).
    let files = epub_files(&std::fs::read(&books[0]).unwrap());
    let mut links = 0;
    for (name, text) in files
        .iter()
        .filter(|(n, _)| n.starts_with("OEBPS/chapter-"))
    {
        for href in text
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            let Some((file, id)) = href.split_once('#') else {
                continue;
            };
            if file.is_empty() || file.contains(':') {
                continue;
            }
            let target = &files[&format!("OEBPS/{file}")];
            assert!(target.contains(&format!("id=\"{id}\"")), "{name}: {href}");
            links += 1;
        }
    }
    assert!(links >= 10, "only {links} cross-file links");

    epubcheck_silent(&books);
}
