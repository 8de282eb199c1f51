//! Booklets, two-sided pages and two columns, read back through poppler.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok as build, fold, pdf_info as info, root, tool, words};

fn fixture18() -> PathBuf {
    root().join("tests/fixtures/booklet-18.md")
}

fn article() -> PathBuf {
    root().join("source/article.md")
}

/// The text of page `page` (one-based) of `pdf`, cropped to `x..x + w` when given.
fn text(pdf: &Path, page: usize, crop: Option<(f32, f32, f32)>) -> String {
    let p = page.to_string();
    let mut args = vec!["-f".to_string(), p.clone(), "-l".to_string(), p];
    if let Some((x, w, h)) = crop {
        for (k, v) in [("-x", x), ("-y", 0.0), ("-W", w), ("-H", h)] {
            args.push(k.into());
            args.push((v.floor() as i64).to_string());
        }
    }
    args.push(pdf.to_str().unwrap().into());
    args.push("-".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    fold(&tool("pdftotext", &args))
}

/// The saddle-stitch sides, one-based pages, 0 for a blank: written out by hand.
fn hand_order(pages: usize) -> Vec<[usize; 2]> {
    match pages {
        2 => vec![[0, 1], [2, 0]],
        18 => vec![
            [0, 1],
            [2, 0],
            [18, 3],
            [4, 17],
            [16, 5],
            [6, 15],
            [14, 7],
            [8, 13],
            [12, 9],
            [10, 11],
        ],
        n => panic!("no hand-made order for {n} pages"),
    }
}

/// Builds the reading PDF (A5, two-sided: the booklet's own pages) and the
/// booklet on A4, then checks sheet size, sheet count, and that each half of
/// each sheet holds the text of the page the hand-made order names.
fn check_booklet(input: &Path, expect_pages: usize) {
    let dir = tempfile::tempdir().unwrap();
    let reading = dir.path().join("reading");
    build(
        input,
        &reading,
        &["--format", "pdf", "--paper", "a5", "--duplex"],
    );
    let booklet_dir = dir.path().join("booklet");
    build(input, &booklet_dir, &["--format", "booklet"]);
    let stem = input.file_stem().unwrap().to_str().unwrap();
    assert!(
        !booklet_dir.join(format!("{stem}.pdf")).exists(),
        "--format booklet writes only the booklet"
    );
    let pages_pdf = reading.join(format!("{stem}.pdf"));
    let booklet = booklet_dir.join(format!("{stem}-booklet.pdf"));
    let (pages, pw, ph) = info(&pages_pdf);
    assert_eq!(pages, expect_pages, "pages of {stem}");
    assert!((pw - 419.53).abs() < 0.1 && (ph - 595.28).abs() < 0.1, "A5");
    let (sides, sw, sh) = info(&booklet);
    assert!(
        (sw - 841.89).abs() < 0.1 && (sh - 595.28).abs() < 0.1,
        "sheet {sw} × {sh} is A4 landscape"
    );
    let order = hand_order(pages);
    assert_eq!(sides, pages.div_ceil(4) * 4 / 2, "sides = padded pages / 2");
    assert_eq!(sides, order.len());
    let fold_x = sw / 2.0;
    for (s, side) in order.iter().enumerate() {
        for (half, &page) in side.iter().enumerate() {
            // Each half is read as the page it holds (A5 is 0.5 mm narrower
            // than half of A4: the page meets the fold).
            let x = if half == 0 { fold_x - pw } else { fold_x };
            let got = text(&booklet, s + 1, Some((x, pw, sh)));
            let want = if page == 0 {
                String::new()
            } else {
                text(&pages_pdf, page, None)
            };
            assert_eq!(got, want, "sheet side {} half {half}: page {page}", s + 1);
            // Blank pages (padding, or a left-hand page before a chapter)
            // and the article's first page (its title page) have no folio.
            if !want.is_empty() && page != 1 {
                assert!(
                    got.ends_with(&page.to_string()),
                    "folio {page} at the end of its page: {got}"
                );
            }
        }
    }
    // Fonts stay subset Type 0 fonts with ToUnicode maps.
    common::assert_fonts_subset(&booklet);
}

#[test]
fn article_booklet_is_one_sheet_in_saddle_stitch_order() {
    check_booklet(&article(), 2);
}

#[test]
fn eighteen_pages_make_ten_sides_in_saddle_stitch_order() {
    check_booklet(&fixture18(), 18);
}

#[test]
fn chapters_start_on_right_hand_pages_with_outer_folios() {
    for (extra, want) in [
        (vec!["--paper", "a5"], [1, 9, 17]),
        (vec!["--paper", "a4", "--columns", "2"], [1, 5, 9]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["--format", "pdf", "--duplex"];
        args.extend(&extra);
        build(&fixture18(), dir.path(), &args);
        let pdf = dir.path().join("booklet-18.pdf");
        let (pages, width, height) = info(&pdf);
        let all = words(&pdf);
        let mut chapter_pages = Vec::new();
        let mut blank_pages = Vec::new();
        for p in 0..pages {
            let on: Vec<_> = all.iter().filter(|w| w.page == p).collect();
            // A chapter's heading, not the running head naming it (which
            // stands above the text block, 8.5 % of the height down).
            let top = height * 0.085 - 1.0;
            if on.iter().any(|w| w.text == "Chương" && w.y0 > top) {
                chapter_pages.push(p + 1);
            }
            let Some(folio) = on.iter().max_by(|a, b| a.y0.total_cmp(&b.y0)) else {
                blank_pages.push(p + 1);
                continue;
            };
            // The first page is the title page: no folio.
            if p == 0 {
                continue;
            }
            assert_eq!(
                folio.text,
                (p + 1).to_string(),
                "{extra:?}: folio of page {}",
                p + 1
            );
            let centre = (folio.x0 + folio.x1) / 2.0;
            if p % 2 == 0 {
                assert!(
                    centre > width * 0.6,
                    "{extra:?}: right-hand page {} folio at right",
                    p + 1
                );
            } else {
                assert!(
                    centre < width * 0.4,
                    "{extra:?}: left-hand page {} folio at left",
                    p + 1
                );
            }
        }
        assert_eq!(chapter_pages, want, "{extra:?}: chapters on odd pages");
        // A page is left blank only where the next chapter would otherwise
        // start on a left-hand page.
        let before: Vec<usize> = want.iter().map(|c| c - 1).collect();
        assert!(
            !blank_pages.is_empty(),
            "{extra:?}: the fixture needs a blank page"
        );
        for b in &blank_pages {
            assert!(
                b % 2 == 0 && before.contains(b),
                "{extra:?}: blank page {b}"
            );
        }
    }
}

#[test]
fn format_is_a_comma_list_and_names_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    for (args, want) in [
        (
            vec!["--format", "pdf,booklet"],
            vec!["article-booklet.pdf", "article.pdf"],
        ),
        (
            vec!["--format", "epub,pdf"],
            vec!["article.epub", "article.pdf"],
        ),
        (vec!["--format", "all"], vec!["article.epub", "article.pdf"]),
        (vec!["--format", "booklet"], vec!["article-booklet.pdf"]),
        (
            vec!["--booklet", "--sheet", "letter"],
            vec!["article-booklet.pdf", "article.epub", "article.pdf"],
        ),
    ] {
        let out = dir.path().join(args.join("_"));
        build(&article(), &out, &args);
        assert_eq!(names(&out), want, "{args:?}");
    }
    let letter = dir
        .path()
        .join("--booklet_--sheet_letter/article-booklet.pdf");
    let (_, w, h) = info(&letter);
    assert_eq!((w, h), (792.0, 612.0), "Letter landscape");
    let bad = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["build", "--format", "pdf,zine"])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown format is a usage error"
    );
}

#[test]
fn booklet_is_deterministic_and_keeps_links() {
    let input = root().join("tests/fixtures/mixed.md");
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    build(
        &input,
        &a,
        &["--format", "pdf,booklet", "--paper", "a5", "--duplex"],
    );
    build(&input, &b, &["--format", "booklet"]);
    let one = std::fs::read(a.join("mixed-booklet.pdf")).unwrap();
    assert_eq!(one, std::fs::read(b.join("mixed-booklet.pdf")).unwrap());
    // The same link annotations and named destinations as the page PDF.
    let count = |pdf: &Path| {
        let doc = lopdf::Document::load(pdf).unwrap();
        let mut links = 0;
        for (_, id) in doc.get_pages() {
            let page = doc.get_dictionary(id).unwrap();
            if let Ok(annots) = page.get(b"Annots").and_then(lopdf::Object::as_array) {
                links += annots.len();
            }
        }
        let dests = common::named_dests(&doc).map_or(0, |a| a.len() / 2);
        (links, dests)
    };
    let (links, dests) = count(&a.join("mixed.pdf"));
    assert!(links > 0 && dests > 0, "the fixture has links and anchors");
    assert_eq!(count(&a.join("mixed-booklet.pdf")), (links, dests));
}

/// The gutter (x from, x to) and the text block (y from, y to) of two
/// columns on A4.
fn two_column_geometry(p: &trang::Prepared) -> ((f32, f32), (f32, f32)) {
    let s = trang::typeset::setup::PageSetup::with(trang::cli::Paper::A4, false, 2, &p.fonts);
    let g0 = s.left + s.column_width();
    ((g0, g0 + s.gutter), (s.top, s.bottom()))
}

/// Title block and level-1 headings: the text that may span both columns.
fn spanning_text(p: &trang::Prepared) -> String {
    let mut parts = vec![p.doc.meta.title.clone().unwrap_or_default()];
    parts.extend(p.doc.meta.subtitle.clone());
    parts.extend(p.doc.meta.authors.clone());
    for b in &p.doc.blocks {
        if let trang::doc::BlockKind::Heading {
            level: 1, content, ..
        } = &b.kind
        {
            parts.push(trang::doc::plain_text(content));
        }
    }
    fold(&parts.join(" "))
}

#[test]
fn two_columns_no_word_crosses_the_gutter_and_the_last_page_is_balanced() {
    for (input, pages) in [(fixture18(), None), (article(), Some(1))] {
        let mut diags = trang::diag::Diagnostics::default();
        let p = trang::prepare(&input, None, &mut diags).unwrap();
        let ((g0, g1), (top, bottom)) = two_column_geometry(&p);
        assert!(g1 - g0 > 10.0, "a gutter of {} pt", g1 - g0);
        let spanning = spanning_text(&p);
        let dir = tempfile::tempdir().unwrap();
        build(&input, dir.path(), &["--format", "pdf", "--columns", "2"]);
        let stem = input.file_stem().unwrap().to_str().unwrap();
        let pdf = dir.path().join(format!("{stem}.pdf"));
        let (count, _, _) = info(&pdf);
        if let Some(pages) = pages {
            assert_eq!(count, pages, "{stem} in two columns on A4");
        }
        let all = words(&pdf);
        // Words of the text block (not the running head or folio).
        let body: Vec<_> = all
            .iter()
            .filter(|w| w.y0 >= top - 2.0 && w.y1 <= bottom + 2.0)
            .collect();
        let line_of = |w: &common::Word| -> String {
            let mut on: Vec<_> = body
                .iter()
                .filter(|o| o.page == w.page && (o.y0 - w.y0).abs() < 1.0)
                .collect();
            on.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            on.iter()
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut spans = 0;
        let mut last_span_y = vec![top; count];
        // Half a point of tolerance: justified lines end exactly at the
        // column's edge; punctuation ending a line hangs past it (up to
        // 4 pt at the column size: protrusion), into the gutter.
        let hangs = |w: &common::Word| w.text.ends_with(common::HANG_RIGHT);
        for w in body
            .iter()
            .filter(|w| w.x0 < g1 - 0.5 && w.x1 > g0 + if hangs(w) { 4.0 } else { 0.5 })
        {
            let line = fold(&line_of(w));
            assert!(
                spanning.contains(&line),
                "{stem} page {}: `{}` crosses the gutter in `{line}`",
                w.page + 1,
                w.text
            );
            spans += 1;
            last_span_y[w.page] = last_span_y[w.page].max(w.y1);
        }
        assert!(spans > 0, "{stem}: the title spans both columns");
        // Below the last spanning line of the last page, the two columns
        // hold the same number of lines, give or take two.
        let last = count - 1;
        let lines = |left: bool| {
            let mut ys: Vec<i64> = body
                .iter()
                .filter(|w| w.page == last && w.y0 > last_span_y[last])
                .filter(|w| {
                    if left {
                        w.x1 <= g0 + 0.5
                    } else {
                        w.x0 >= g1 - 0.5
                    }
                })
                .map(|w| w.y0.round() as i64)
                .collect();
            ys.sort_unstable();
            ys.dedup();
            ys.len()
        };
        let (l, r) = (lines(true), lines(false));
        assert!(l > 0 && r > 0, "{stem}: both columns used ({l}, {r})");
        assert!(l.abs_diff(r) <= 2, "{stem}: last page {l} and {r} lines");
    }
}
