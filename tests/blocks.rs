//! The PDF's blocks on a mixed Vietnamese fixture set on A5: words inside the
//! text block, footnotes on the page of their reference, table headers
//! repeated, images embedded as they should be, link annotations, and the
//! same text in the PDF as in the EPUB.

use std::io::Read;
use std::path::{Path, PathBuf};

mod common;

use common::{
    Squashed, Word, build_ok, epub_text, first_difference, fold, pdf_text, root, spine,
    table_headers, tool, words,
};
use trang::cli::Paper;
use trang::diag::Diagnostics;
use trang::frame::{Item, Layout};
use trang::typeset::setup::PageSetup;

/// Words outside the text block (running heads above it and folios below
/// it are furniture, and allowed).
fn outside(words: &[Word], setup: &PageSetup) -> Vec<String> {
    let (left, right) = (setup.left, setup.left + setup.measure);
    words
        .iter()
        .filter(|w| {
            let furniture = w.y1 < setup.top || w.y0 > setup.bottom();
            // Punctuation ending a line hangs into the margin (up to half
            // an em: pdfTeX's protrusion, src/typeset/linebreak/protrusion.rs).
            let hangs = w.text.ends_with(common::HANG_RIGHT);
            let slack = if hangs { setup.body_size * 0.5 } else { 0.5 };
            w.x0 < left - 0.5
                || w.x1 > right + slack
                || (!furniture && w.y0 < setup.top - setup.leading)
        })
        .map(|w| {
            format!(
                "`{}` on page {} at x {}..{}",
                w.text,
                w.page + 1,
                w.x0,
                w.x1
            )
        })
        .collect()
}

/// The page (zero-based) holding the anchor `name` in the layout.
fn anchor_page(layout: &Layout, name: &str) -> Option<usize> {
    layout.pages.iter().position(|p| {
        p.items
            .iter()
            .any(|it| matches!(&it.item, Item::Anchor(a) if a == name))
    })
}

fn mixed() -> PathBuf {
    root().join("tests/fixtures/mixed.md")
}

/// Builds `input` with the CLI (`format` = pdf, epub or all) on A5 into `dir`.
fn build(input: &Path, format: &str, dir: &Path) -> PathBuf {
    build_ok(input, dir, &["--format", format, "--paper", "a5", "-q"]);
    dir.join(input.file_stem().unwrap())
}

fn layout_of(input: &Path) -> (trang::Prepared, Layout, PageSetup) {
    let mut diags = Diagnostics::default();
    let p = trang::prepare(input, None, &mut diags).unwrap();
    let (layout, _) = trang::typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0);
    let setup = PageSetup::new(Paper::A5, &p.fonts);
    (p, layout, setup)
}

#[test]
fn every_word_is_inside_the_text_block() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build(&mixed(), "pdf", dir.path()).with_extension("pdf");
    let (_, layout, setup) = layout_of(&mixed());
    let words = words(&pdf);
    let bad = outside(&words, &setup);
    eprintln!(
        "mixed.md on A5: {} pages, {} words, {} outside the text block",
        layout.pages.len(),
        words.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn footnotes_stand_on_the_page_of_their_reference() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build(&mixed(), "pdf", dir.path()).with_extension("pdf");
    let (p, layout, _) = layout_of(&mixed());
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let pages: Vec<String> = text.split('\u{c}').map(fold).collect();
    assert_eq!(p.doc.notes.len(), 4);
    for (i, resolved) in p.doc.notes.iter().enumerate() {
        let (n, label) = (i + 1, &resolved.label);
        let at = anchor_page(&layout, &resolved.ref_ids[0]).expect("reference anchor");
        let note = anchor_page(&layout, &resolved.id).expect("note anchor");
        assert_eq!(at, note, "note {n} (`{label}`)");
        // The first words of the note's text are on that page, after its number.
        let body =
            trang::doc::plain_text(match &p.doc.footnotes[resolved.footnote].blocks[0].kind {
                trang::doc::BlockKind::Paragraph(c) => c,
                other => panic!("{other:?}"),
            });
        let start: Vec<&str> = body.split_whitespace().take(4).collect();
        let needle = format!("{n}. {}", start.join(" "));
        assert!(
            pages[at].contains(&fold(&needle)),
            "`{needle}` not on page {}",
            at + 1
        );
        eprintln!("note {n}: reference and text on page {}", at + 1);
    }
}

#[test]
fn the_table_header_is_repeated_on_every_page_the_table_spans() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build(&mixed(), "pdf", dir.path()).with_extension("pdf");
    let words = words(&pdf);
    let page_of = |w: &str| words.iter().find(|x| x.text == w).map(|x| x.page).unwrap();
    // The first and last rows of the long table.
    let (first, last) = (page_of("Giang"), page_of("Vinh"));
    assert!(last > first, "the table spans pages {first}..={last}");
    let header = [
        "Tên", "tỉnh", "Diện", "tích", "Đặc", "điểm", "Ghi", "biên", "soạn",
    ];
    for page in first..=last {
        for h in header {
            assert!(
                words.iter().any(|w| w.page == page && w.text == h),
                "header word `{h}` missing on page {}",
                page + 1
            );
        }
    }
    eprintln!(
        "the table spans pages {}–{}; its header is on each",
        first + 1,
        last + 1
    );
}

#[test]
fn jpeg_is_kept_and_png_is_lossless() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build(&mixed(), "pdf", dir.path()).with_extension("pdf");
    let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    eprintln!("{list}");
    // The figure's PNG, the inline PNG (set at the line's height) and the JPEG.
    let images: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == "image").collect();
    assert!(images.len() >= 2, "{list}");
    // Columns: page num type width height color comp bpc enc …
    let jpeg = images
        .iter()
        .find(|r| r[8] == "jpeg")
        .expect("a jpeg image");
    assert_eq!((jpeg[3], jpeg[4]), ("640", "400"));
    let png = images
        .iter()
        .find(|r| r[8] == "image")
        .expect("a Flate image");
    assert_eq!((png[3], png[4], png[7]), ("480", "300", "8"));

    // The PNG's decoded pixels are the source's, exactly.
    let prefix = dir.path().join("img");
    tool(
        "pdfimages",
        &["-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let source = image::open(root().join("tests/fixtures/images/ruong.png"))
        .unwrap()
        .to_rgb8();
    let mut same = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "png") {
            let got = image::open(&path).unwrap().to_rgb8();
            if got.dimensions() == source.dimensions() && got.as_raw() == source.as_raw() {
                same += 1;
            }
        }
    }
    assert!(same >= 1, "the PNG's pixels survive unchanged");
    // The JPEG's bytes are the file's.
    let jpeg_src = std::fs::read(root().join("tests/fixtures/images/hoi-an.jpg")).unwrap();
    let doc = lopdf::Document::load(&pdf).unwrap();
    let embedded = doc
        .objects
        .values()
        .any(|o| o.as_stream().is_ok_and(|s| s.content == jpeg_src));
    assert!(embedded, "the JPEG is embedded byte for byte");
}

/// URIs of the link annotations, and the number of internal links.
fn links(pdf: &Path) -> (Vec<String>, usize) {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut uris = Vec::new();
    let mut internal = 0;
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        let annots = match annots {
            lopdf::Object::Reference(r) => doc.get_object(*r).unwrap().as_array().unwrap(),
            o => o.as_array().unwrap(),
        };
        for a in annots {
            let a = match a {
                lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                o => o.as_dict().unwrap(),
            };
            assert_eq!(a.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
            if let Ok(action) = a.get(b"A") {
                let action = match action {
                    lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                    o => o.as_dict().unwrap(),
                };
                if let Ok(uri) = action.get(b"URI") {
                    uris.push(String::from_utf8(uri.as_str().unwrap().to_vec()).unwrap());
                    continue;
                }
            }
            if a.get(b"Dest").is_ok() || a.get(b"A").is_ok() {
                internal += 1;
            }
        }
    }
    (uris, internal)
}

#[test]
fn links_are_annotations_with_their_uris() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build(&mixed(), "pdf", dir.path()).with_extension("pdf");
    let (uris, internal) = links(&pdf);
    eprintln!(
        "{} URI annotations {uris:?}, {internal} internal links",
        uris.len()
    );
    for want in [
        "https://vi.wikipedia.org/wiki/M%C3%B9_Cang_Ch%E1%BA%A3i",
        "https://example.com/hanh-trinh",
    ] {
        assert!(uris.iter().any(|u| u == want), "{want} not in {uris:?}");
    }
    assert!(uris.iter().all(|u| u.starts_with("https://")), "{uris:?}");
    // One annotation per line a link's text is set on (both links take two).
    assert_eq!(uris.len(), 4, "{uris:?}");
    // The cross-reference and the 4 footnote references and back-links.
    assert!(internal >= 9, "{internal} internal links");
}

/// A 4-column table whose natural width is three times the measure wraps
/// inside the margins.
#[test]
fn a_very_wide_table_wraps_inside_the_margins() {
    let cell = "những cánh đồng lúa chín vàng trải dài đến tận chân trời xa tít tắp";
    let row = format!("| {cell} | {cell} | {cell} | {cell} |\n");
    let md = format!(
        "---\ntitle: Bảng rộng\n---\n\n| Cột một | Cột hai | Cột ba | Cột bốn |\n|--|--|--|--|\n{}",
        row.repeat(3)
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("rong.md");
    std::fs::write(&input, md).unwrap();
    let (p, _, setup) = layout_of(&input);
    let mut engine = trang::typeset::inline::InlineEngine::new(&p.fonts, "vi");
    let style = trang::typeset::inline::TextStyle {
        role: trang::fonts::Role::Body,
        style: trang::fonts::Style::REGULAR,
        size: setup.body_size * 0.92,
        color: trang::frame::Rgb::BLACK,
        rise: 0.0,
        strike: false,
        underline: false,
        mark: false,
        link: None,
        lang: "vi".into(),
        node: None,
    };
    let natural = 4.0 * engine.measure(cell, &style);
    assert!(
        natural >= 3.0 * setup.measure,
        "natural width {natural} vs measure {}",
        setup.measure
    );
    let pdf = build(&input, "pdf", &dir.path().join("out")).with_extension("pdf");
    let words = words(&pdf);
    let bad = outside(&words, &setup);
    eprintln!(
        "wide table: natural width {natural:.0} pt = {:.1}× the measure {}; {} words, {} outside",
        natural / setup.measure,
        setup.measure,
        words.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(words.iter().filter(|w| w.text == "tắp").count() == 12);
}

#[test]
fn a_row_taller_than_a_page_continues_on_the_next_page_under_its_header() {
    // One body row whose first cell holds 900 numbered words in a narrow
    // column: far taller than an A5 text block.
    let cell: Vec<String> = (1..=900).map(|i| format!("ô{i:03}")).collect();
    let md = format!(
        "---\ntitle: Hàng cao\n---\n\nĐoạn mở đầu.\n\n| Đầu cột | Ghi chú dài hơn một chút |\n|--|--|\n| {} | ngắn |\n| hàng sau | cuối |\n\nĐoạn kết.\n",
        cell.join(" ")
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cao.md");
    std::fs::write(&input, md).unwrap();
    let (_, layout, setup) = layout_of(&input);
    let pdf = build(&input, "pdf", &dir.path().join("out")).with_extension("pdf");
    let words = words(&pdf);
    let cells: Vec<&Word> = words.iter().filter(|w| w.text.starts_with('ô')).collect();
    let found: Vec<&str> = cells.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(found, cell, "the row's words, in order");
    // No word of the row leaves the text block, vertically or horizontally.
    let below: Vec<String> = cells
        .iter()
        .filter(|w| w.y1 > setup.bottom() + 0.5 || w.y0 < setup.top - 0.5)
        .map(|w| format!("{} on page {} at y {}..{}", w.text, w.page + 1, w.y0, w.y1))
        .collect();
    assert!(below.is_empty(), "{below:#?}");
    assert!(outside(&words, &setup).is_empty());
    // The row spans several pages; each repeats the header above the row.
    let pages: std::collections::BTreeSet<usize> = cells.iter().map(|w| w.page).collect();
    for &p in &pages {
        let head = words
            .iter()
            .find(|w| w.page == p && w.text == "Đầu")
            .unwrap_or_else(|| panic!("no header on page {}", p + 1));
        let first = cells.iter().find(|w| w.page == p).unwrap();
        assert!(
            head.y1 <= first.y0,
            "header above the row on page {}",
            p + 1
        );
    }
    // The row starts on the page of the text before it (it is not pushed to
    // a fresh page), and the pages it fills are full.
    let opening = words.iter().find(|w| w.text == "mở").unwrap();
    assert_eq!(opening.page, *pages.first().unwrap());
    eprintln!(
        "tall row: {} words over pages {:?} of {}",
        cells.len(),
        pages.iter().map(|p| p + 1).collect::<Vec<_>>(),
        layout.pages.len()
    );
    assert!(pages.len() >= 3, "{pages:?}");
}

/// Differences after folding all white space away, with some context.
/// `repeated` are texts the PDF repeats as furniture (table headers on the
/// pages a table continues on): their copies after the first are dropped.
/// `inline` are the alt texts of images as written: inside running text
/// the PDF carries them as the image's `/ActualText`, which poppler reads
/// in an order of its own beside a tall image; a figure's (an image alone
/// in its paragraph) may float to the next page. Both are left out of
/// both texts; the order of everything else is compared.
fn same_text(what: &str, pdf: &str, epub: &str, repeated: &[String], inline: &[String]) {
    let mut pdf = Squashed::new(pdf);
    pdf.drop_repeats(repeated);
    pdf.drop_texts(inline, false);
    let mut epub = Squashed::new(epub);
    epub.drop_texts(inline, false);
    if let Some((p, e)) = first_difference(&pdf, &epub) {
        panic!("{what}: the PDF and the EPUB differ:\n PDF: …{p}…\nEPUB: …{e}…");
    }
}

#[test]
fn the_pdf_and_the_epub_hold_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let stem = build(&mixed(), "all", dir.path());
    let (_, layout, setup) = layout_of(&mixed());
    let (pdf_body, pdf_notes) = pdf_text(&words(&stem.with_extension("pdf")), &layout, &setup);
    let (epub_body, epub_notes) = epub_text(&std::fs::read(stem.with_extension("epub")).unwrap());
    // Table headers, which the PDF repeats on each page a table continues on.
    let (p, _, _) = layout_of(&mixed());
    let headers = table_headers(&p.doc.blocks);
    assert_eq!(headers.len(), 2);
    // As written (the resolver may place an image as a figure).
    let written = trang::markdown::parse(
        trang::diag::SourceFile::new(mixed(), std::fs::read_to_string(mixed()).unwrap()),
        &mut Diagnostics::default(),
    );
    let alts = common::inline_image_alts(&written.blocks);
    assert_eq!(alts.len(), 3, "{alts:?}");
    same_text("body", &pdf_body, &epub_body, &headers, &alts);
    same_text("footnotes", &pdf_notes, &epub_notes, &[], &[]);
    eprintln!(
        "same text: body {} words, footnotes {} words",
        fold(&pdf_body).split(' ').count(),
        fold(&pdf_notes).split(' ').count()
    );
}

/// `mixed.md` with `toc: true`, written beside a copy of its images.
fn mixed_with_toc(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(mixed()).unwrap().replacen(
        "lang: vi\n",
        "lang: vi\ntoc: true\n",
        1,
    );
    std::fs::create_dir_all(dir.join("images")).unwrap();
    for img in ["ruong.png", "hoi-an.jpg"] {
        std::fs::copy(
            root().join("tests/fixtures/images").join(img),
            dir.join("images").join(img),
        )
        .unwrap();
    }
    let path = dir.join("muc-luc.md");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn headings_are_numbered_and_the_contents_give_their_pages() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_with_toc(dir.path());
    let (p, layout, _) = layout_of(&input);
    let titles: Vec<String> = layout.outline.iter().map(|o| fold(&o.title)).collect();
    for want in [
        "1. Mở đầu",
        "1.1. Những điều cần chuẩn bị",
        "1.4. Hình ảnh",
        "2. Hội An",
    ] {
        assert!(titles.iter().any(|t| t == want), "{want} not in {titles:?}");
    }
    // The contents: every entry links to its heading, and prints its page.
    let stem = build(&input, "all", &dir.path().join("out"));
    let text = tool(
        "pdftotext",
        &[
            "-layout",
            "-enc",
            "UTF-8",
            stem.with_extension("pdf").to_str().unwrap(),
            "-",
        ],
    );
    let entries = trang::typeset::blocks::toc_entries(&p.doc);
    assert_eq!(entries.len(), 6, "{entries:?}");
    for e in &entries {
        let page = anchor_page(&layout, &e.id).unwrap() + 1;
        let linked = layout.pages.iter().any(|pg| {
            pg.items.iter().any(|it| {
                matches!(&it.item, Item::Link(l)
                    if l.target == trang::frame::LinkTarget::Anchor(e.id.clone()))
            })
        });
        assert!(linked, "no link to {}", e.id);
        let line = text
            .lines()
            .find(|l| fold(l).starts_with(&fold(&e.text)))
            .unwrap_or_else(|| panic!("no contents line for {}", e.text));
        assert!(
            fold(line).ends_with(&format!(" {page}")),
            "`{line}` should end with page {page}"
        );
        eprintln!("contents: {} … {page}", fold(&e.text));
    }
    // The EPUB: a contents page after the title page, and numbered headings.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(stem.with_extension("epub")).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let contents = read("OEBPS/contents.xhtml");
    assert!(contents.contains("<h1 id=\"contents-title\">Mục lục</h1>"));
    assert_eq!(contents.matches("<li ").count(), 6, "{contents}");
    assert!(
        contents.contains("href=\"chapter-02.xhtml#hoi-an\">2. Hội An</a>"),
        "{contents}"
    );
    let opf = read("OEBPS/content.opf");
    let spine = spine(&opf);
    let at = |f: &str| spine.iter().position(|(h, _)| h == f).unwrap();
    assert!(at("title.xhtml") + 1 == at("contents.xhtml"), "{spine:?}");
    assert!(at("contents.xhtml") < at("chapter-01.xhtml"), "{spine:?}");
    let chapter = read("OEBPS/chapter-01.xhtml");
    assert!(
        chapter.contains(">1.1.\u{a0}Những điều cần chuẩn bị</h2>"),
        "{chapter}"
    );
}

/// An image inside running text wider than any line (mixed.md's 480 px
/// `ruong.png`, "một hình nhỏ … nằm ngay trong dòng chữ") is set apart as a
/// figure at most the measure wide, between the two parts of its paragraph,
/// and the line prints no alternative text. Images that fit stay in their
/// line: see tests/placement.rs.
#[test]
fn an_image_wider_than_the_line_is_set_apart_from_its_paragraph() {
    let (_, layout, setup) = layout_of(&mixed());
    let (page, top, height) = layout
        .pages
        .iter()
        .enumerate()
        .find_map(|(p, page)| {
            page.items.iter().find_map(|it| match &it.item {
                Item::Image(img) => Some((p, it.pos.y, img.height)),
                _ => None,
            })
        })
        .expect("the first image is drawn");
    let texts = |page: usize| -> Vec<(f32, &str)> {
        layout.pages[page]
            .items
            .iter()
            .filter_map(|it| match &it.item {
                Item::Text(r) => Some((it.pos.y, r.text.as_str())),
                _ => None,
            })
            .collect()
    };
    let img = layout.pages[page]
        .items
        .iter()
        .find_map(|it| match &it.item {
            Item::Image(i) => Some(i.width),
            _ => None,
        })
        .unwrap();
    assert!(
        (img - setup.measure.min(360.0)).abs() < 0.5,
        "{img} vs measure {}",
        setup.measure
    );
    // No text run has its baseline inside the image: it is not in a line.
    assert!(
        texts(page)
            .iter()
            .all(|(y, _)| *y <= top || *y >= top + height),
        "{:?}",
        texts(page)
    );
    let all: String = (0..layout.pages.len())
        .flat_map(|p| texts(p).into_iter().map(|(_, t)| t))
        .collect();
    assert!(fold(&all).contains("hình nhỏ"), "the text before it");
    // Its alternative text is its caption, under it, not in the line.
    let alone: Vec<f32> = (0..layout.pages.len())
        .flat_map(|p| texts(p).into_iter().filter(|(_, t)| t.trim() == "ruộng"))
        .map(|(y, _)| y)
        .collect();
    assert!(
        matches!(alone.as_slice(), [y] if *y > top + height),
        "the caption under the image, once: {alone:?}"
    );
    assert!(!fold(&all).contains("nhỏ ruộng"), "no alt text in the line");
}

/// The raw-HTML, alert and definition-list cases of issue 13: each input,
/// what both outputs must show (white space folded away) and what neither
/// may show.
const ONE_MODEL: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "raw-html-inline-formatting",
        "---\ntitle: T\n---\n\nDòng <i>một</i>,<br>dòng <b>hai</b>.\n\n<p>Dòng <i>ba</i>,<br>dòng <b>bốn</b>.</p>\n",
        &["Dòng một, dòng hai.", "Dòng ba, dòng bốn."],
        &["<", ">"],
    ),
    (
        "raw-html-poem",
        "---\ntitle: Thơ\n---\n\n<center>\n<b>1</b><i>. Trăm năm trong cõi người ta,<br></i>\n<i>Chữ tài chữ mệnh khéo là ghét nhau.<br>\n</i>\n</center>\n",
        &["1. Trăm năm trong cõi người ta, Chữ tài chữ mệnh khéo là ghét nhau."],
        &["<"],
    ),
    (
        "raw-html-entities",
        "---\ntitle: Thực thể\nlang: vi\n---\n\n<p>Bản quyền &copy; 2024 &mdash; Nhà xuất bản Trẻ&hellip; &#x1EA1; &amp; &lt;b&gt;</p>\n\n<div>\nNội dung &ldquo;trích&rdquo; trong div &nbsp;&euro;100.\n</div>\n\nChữ <b>đậm &amp; nghiêng</b> nội dòng &copy;.\n\n<p>T&aacute;c gi&#7843;: Tr&#7847;n Th&#7883; &Aacute;nh</p>\n",
        &[
            "Bản quyền © 2024 — Nhà xuất bản Trẻ… ạ & <b>",
            "“trích”",
            "€100.",
            "Chữ đậm & nghiêng nội dòng ©.",
            "Tác giả: Trần Thị Ánh",
        ],
        &["&copy;", "&#", "&aacute;"],
    ),
    (
        "italic-inside-emphasis",
        "---\ntitle: Nghiêng lồng nhau\n---\n\nMột câu *nhấn mạnh có <i>tên sách</i> bên trong* và **đậm có <b>thẻ</b>**.\n",
        &["Một câu nhấn mạnh có tên sách bên trong và đậm có thẻ."],
        &["<i>", "*"],
    ),
    (
        "alerts-deflists",
        "---\ntitle: Ghi chú và định nghĩa\nlang: vi\n---\n\n> [!NOTE]\n> Bản in dùng khổ A5.\n\n> [!WARNING]\n> Không gửi bản thảo.\n\n> [!TIP]\n> Mẹo nhỏ.\n\nSapo\n: Đoạn mở đầu.\n\nTít\n: Tiêu đề chính.\n",
        &[
            "Ghi chú Bản in dùng khổ A5.",
            "Cảnh báo Không gửi bản thảo.",
            "Mẹo Mẹo nhỏ.",
            "Sapo Đoạn mở đầu. Tít Tiêu đề chính.",
        ],
        &["[!NOTE]", "[!WARNING]", "[!TIP]", ": Đoạn"],
    ),
    (
        "alerts-english",
        "---\ntitle: Alerts\nlang: en\n---\n\n> [!IMPORTANT]\n> Read this.\n\n> [!CAUTION]\n> Careful.\n",
        &["Important Read this.", "Caution Careful."],
        &["[!IMPORTANT]", "[!CAUTION]"],
    ),
    (
        "raw-html-anchor",
        "---\ntitle: Mục lục tay\n---\n\n- [Giới thiệu](#gioi-thieu)\n\n<a name=\"gioi-thieu\"></a>\n## 1. Giới thiệu\n\nNội dung <span id=\"giua\">giữa</span> đoạn.\n",
        &["• Giới thiệu 1. Giới thiệu Nội dung giữa đoạn."],
        &["<a"],
    ),
    (
        "raw-html-blocks",
        "---\ntitle: Khối\n---\n\n<details><summary>Tóm tắt</summary>\n\n<p>Nội dung ẩn.</p></details>\n\n<dl><dt>Từ</dt><dd>Nghĩa</dd></dl>\n\n<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td><u>2</u> <sup>3</sup> <sub>4</sub> <small>5</small> <kbd>6</kbd> <mark>7</mark></td></tr></table>\n\n<ul><li>một</li><li>hai</li></ul>\n\n<blockquote>Trích</blockquote>\n\n<pre>mã  giữ\n  khoảng</pre>\n\n<custom-el>tùy</custom-el> <script>alert(1)</script>\n",
        &[
            "Tóm tắt Nội dung ẩn.",
            "Từ Nghĩa",
            "A B 1 2 3 4 5 6 7",
            "• một • hai",
            "Trích",
            "mã giữ khoảng",
            "tùy",
        ],
        &["alert", "<"],
    ),
];

#[test]
fn raw_html_alerts_and_definition_lists_give_the_same_right_text_in_both() {
    let dir = tempfile::tempdir().unwrap();
    for (name, md, present, absent) in ONE_MODEL {
        let input = dir.path().join(format!("{name}.md"));
        std::fs::write(&input, md).unwrap();
        let out = dir.path().join(name);
        let stem = build(&input, "all", &out);
        let (_, layout, setup) = layout_of(&input);
        let (pdf_body, pdf_notes) = pdf_text(&words(&stem.with_extension("pdf")), &layout, &setup);
        let (epub_body, epub_notes) =
            epub_text(&std::fs::read(stem.with_extension("epub")).unwrap());
        same_text(name, &pdf_body, &epub_body, &[], &[]);
        same_text(name, &pdf_notes, &epub_notes, &[], &[]);
        let pdf = common::squash(&pdf_body);
        for p in *present {
            assert!(
                pdf.contains(&common::squash(p)),
                "{name}: `{p}` missing from\n{pdf_body}"
            );
        }
        for a in *absent {
            assert!(
                !pdf.contains(&common::squash(a)),
                "{name}: `{a}` printed in\n{pdf_body}"
            );
        }
        eprintln!(
            "{name}: same text, {} words",
            fold(&pdf_body).split(' ').count()
        );
    }
}

/// The lines of the PDF's text (`pdftotext -layout`), trimmed.
fn pdf_lines(pdf: &Path) -> Vec<String> {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
        .lines()
        .map(fold)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn a_raw_html_poem_keeps_its_lines_and_emphasis_inside_emphasis_is_upright() {
    let dir = tempfile::tempdir().unwrap();
    let (name, md, ..) = ONE_MODEL[1];
    let input = dir.path().join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    let stem = build(&input, "pdf", dir.path());
    let lines = pdf_lines(&stem.with_extension("pdf"));
    assert!(
        lines.contains(&"1. Trăm năm trong cõi người ta,".to_string())
            && lines.contains(&"Chữ tài chữ mệnh khéo là ghét nhau.".to_string()),
        "{lines:?}"
    );
    // Inline HTML in a Markdown paragraph breaks at `<br>` too.
    let (name, md, ..) = ONE_MODEL[0];
    let input = dir.path().join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    let stem = build(&input, "pdf", dir.path());
    let lines = pdf_lines(&stem.with_extension("pdf"));
    for l in ["Dòng một,", "dòng hai.", "Dòng ba,", "dòng bốn."] {
        assert!(lines.contains(&l.to_string()), "{l}: {lines:?}");
    }

    // `<i>` inside `*…*` is set upright, the words around it italic.
    let (name, md, ..) = ONE_MODEL[3];
    let input = dir.path().join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    let (_, layout, _) = layout_of(&input);
    let face_of = |word: &str| -> String {
        layout
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .find_map(|it| match &it.item {
                Item::Text(run) if run.text.contains(word) => {
                    Some(layout.fonts[run.font.0].name.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no run holds `{word}`"))
    };
    let italic = |name: &str| name.contains("Italic") || name.contains("It");
    assert!(italic(&face_of("nhấn")), "{}", face_of("nhấn"));
    assert!(!italic(&face_of("tên")), "{}", face_of("tên"));
    assert!(italic(&face_of("trong")), "{}", face_of("trong"));
}

#[test]
fn a_raw_html_image_is_drawn_at_its_css_width_in_the_pdf_and_keeps_it_in_the_epub() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("images")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/images/ruong.png"),
        dir.path().join("images/ruong.png"),
    )
    .unwrap();
    let input = dir.path().join("img.md");
    std::fs::write(
        &input,
        "---\ntitle: Ảnh\n---\n\n<div class=\"hinh\">\n<img src=\"images/ruong.png\" alt=\"Ruộng\" width=\"120\">\n</div>\n\n<figure><img src=\"images/ruong.png\" alt=\"R\" width=\"80\" height=\"40\"><figcaption>Hình <b>2</b></figcaption></figure>\n",
    )
    .unwrap();
    let (_, layout, _) = layout_of(&input);
    let sizes: Vec<(f32, f32)> = layout
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|it| match &it.item {
            Item::Image(img) => Some((img.width, img.height)),
            _ => None,
        })
        .collect();
    // 1 CSS px = 0.75 pt; with both sizes given, the author's proportions.
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert!((sizes[0].0 - 90.0).abs() < 0.01, "{sizes:?}");
    assert!(
        (sizes[1].0 - 60.0).abs() < 0.01 && (sizes[1].1 - 30.0).abs() < 0.01,
        "{sizes:?}"
    );
    let stem = build(&input, "all", &dir.path().join("out"));
    let (pdf_body, _) = pdf_text(
        &words(&stem.with_extension("pdf")),
        &layout,
        &PageSetup::new(Paper::A5, &layout_of(&input).0.fonts),
    );
    let (epub_body, _) = epub_text(&std::fs::read(stem.with_extension("epub")).unwrap());
    same_text("raw html images", &pdf_body, &epub_body, &[], &[]);
    let squashed = common::squash(&pdf_body);
    assert!(squashed.contains("Ruộng") && squashed.contains("Hình2"));
}
