//! The typeset PDF as a reader sees it: text round trip through pdftotext,
//! fonts through pdffonts, structure through qpdf, word boxes inside the text
//! block, justified lines flush with the margin, spacing, widows and orphans.

use std::path::{Path, PathBuf};

mod common;

use common::{build_ok, fold, root, tool, words};
use trang::cli::Paper;
use trang::diag::Diagnostics;
use trang::frame::{Clusters, GlyphRun, Item};
use trang::typeset::setup::PageSetup;

/// Builds `input` as a PDF on `paper` into a temp dir; returns the PDF path.
fn build_pdf(input: &Path, paper: &str, dir: &Path) -> PathBuf {
    build_ok(input, dir, &["--format", "pdf", "--paper", paper, "-q"]);
    dir.join(format!(
        "{}.pdf",
        input.file_stem().unwrap().to_string_lossy()
    ))
}

/// The PDF's text without running heads (first line of pages after the
/// first: the title, or with chapters a chapter's title) and folios (the
/// page number as the last line of each page but the first).
fn body_text(pdf: &Path, heads: &[String]) -> String {
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    for (i, page) in text.split('\u{c}').enumerate() {
        let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        // Every page but the first (the title page) ends with its folio.
        if i > 0 {
            assert_eq!(
                lines.last().unwrap().trim(),
                (i + 1).to_string(),
                "folio of page {}",
                i + 1
            );
            lines.pop();
        }
        if i > 0 {
            let head = lines.remove(0).trim();
            assert!(
                heads
                    .iter()
                    .any(|t| t.starts_with(head.trim_end_matches(" …"))),
                "running head `{head}` on page {}",
                i + 1
            );
        }
        out.extend(lines);
    }
    out.join("\n")
}

/// The text the article should give back, computed from the Markdown.
fn expected_text(input: &Path) -> (String, String) {
    let mut diags = Diagnostics::default();
    let p = trang::prepare(input, None, &mut diags).unwrap();
    let doc = &p.doc;
    let mut parts = Vec::new();
    parts.extend(doc.dateline());
    let title = doc.meta.title.clone().unwrap();
    parts.push(title.clone());
    parts.extend(doc.meta.subtitle.clone());
    if !doc.meta.authors.is_empty() {
        parts.push(doc.meta.authors.join(", "));
    }
    parts.extend(doc.source_line());
    parts.extend(doc.meta.publisher.clone());
    for b in &doc.blocks {
        match &b.kind {
            trang::doc::BlockKind::Paragraph(c)
            | trang::doc::BlockKind::Heading { content: c, .. } => {
                parts.push(trang::doc::plain_text(c))
            }
            other => panic!("fixture has an unexpected block {other:?}"),
        }
    }
    (fold(&parts.join(" ")), title)
}

#[test]
fn article_text_round_trips_on_a4_and_a5_from_nfc_and_nfd() {
    use unicode_normalization::UnicodeNormalization;
    let dir = tempfile::tempdir().unwrap();
    let article = root().join("source/article.md");
    let nfd_path = dir.path().join("article-nfd.md");
    let nfd: String = std::fs::read_to_string(&article).unwrap().nfd().collect();
    std::fs::write(&nfd_path, &nfd).unwrap();
    let (expected, title) = expected_text(&article);
    for input in [&article, &nfd_path] {
        for paper in ["a4", "a5"] {
            let out = dir.path().join(paper);
            let pdf = build_pdf(input, paper, &out);
            let got = fold(&body_text(&pdf, std::slice::from_ref(&title)));
            assert_eq!(got, expected, "{} on {paper}", input.display());
        }
    }
    // The seed's words, in order, are all there.
    let seed = std::fs::read_to_string(root().join("../shared/seed/article.txt"))
        .expect("../shared/seed/article.txt");
    let pdf = build_pdf(&article, "a4", &dir.path().join("seed"));
    let got = fold(&tool(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    ));
    let mut rest = got.as_str();
    for word in seed.split_whitespace() {
        let at = rest
            .find(word)
            .unwrap_or_else(|| panic!("`{word}` missing or out of order"));
        rest = &rest[at + word.len()..];
    }
}

#[test]
fn fonts_are_embedded_subset_with_unicode_maps_and_qpdf_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = build_pdf(&root().join("source/article.md"), "a4", dir.path());
    assert!(
        common::assert_fonts_subset(&pdf) >= 3,
        "three fonts or more"
    );
    let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Title:           Nâng cao hiệu quả"),
        "{info}"
    );
    assert!(
        info.contains("CreationDate:    Tue Jul  5 00:00:00 2022 UTC"),
        "{info}"
    );
    assert!(info.contains("PDF version:     1.7"), "{info}");
    assert!(!info.contains("PDF subtype"), "{info}");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size <= 35 * 1024, "article PDF is {size} bytes");
}

#[test]
fn pdf_is_byte_identical_across_builds() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(build_pdf(
        &root().join("source/article.md"),
        "a4",
        &dir.path().join("1"),
    ))
    .unwrap();
    let b = std::fs::read(build_pdf(
        &root().join("source/article.md"),
        "a4",
        &dir.path().join("2"),
    ))
    .unwrap();
    assert!(a == b, "two builds differ");
}

/// A long Vietnamese fixture: every word inside the text block, justified
/// lines flush right, spaces within 0.8–1.6× normal, no widows, orphans or
/// headings at a page foot.
#[test]
fn twenty_page_fixture_is_set_like_a_book() {
    let input = root().join("tests/fixtures/long.md");
    let mut diags = Diagnostics::default();
    let prepared = trang::prepare(&input, None, &mut diags).unwrap();
    for paper in [Paper::A4, Paper::A5] {
        let (layout, report) = trang::typeset::typeset(&prepared.doc, &prepared.fonts, paper, 0);
        assert!(layout.pages.len() >= 15, "{} pages", layout.pages.len());
        assert_eq!(
            (report.widows, report.orphans, report.headings_at_foot),
            (0, 0, 0),
            "{paper:?}"
        );

        // Spaces of justified lines, from the layout.
        let (mut lines, mut good) = (0usize, 0usize);
        for rec in report.lines.iter().filter(|l| l.justified) {
            let page = &layout.pages[rec.page as usize];
            let mut ratios = Vec::new();
            for it in &page.items {
                let Item::Text(run) = &it.item else { continue };
                if it.pos.y < rec.top || it.pos.y > rec.top + rec.height {
                    continue;
                }
                let face = &layout.fonts[run.font.0];
                let font = read_fonts::FontRef::new(&face.data).unwrap();
                use read_fonts::TableProvider;
                let upem = f32::from(font.head().unwrap().units_per_em());
                let space_gid = font.cmap().unwrap().map_codepoint(' ').unwrap();
                let normal =
                    f32::from(font.hmtx().unwrap().advance(space_gid).unwrap()) * run.size / upem;
                let count = run.cluster_count();
                for (i, c) in run.clusters().enumerate() {
                    let advance = run.glyphs[c.glyph_range().start].x_advance;
                    // The space a line breaks at stays at its end with no
                    // advance (for the structure tree's text): no word space.
                    let line_end = i + 1 == count && advance == 0.0;
                    if &run.text[c.text_range()] == " " && !line_end {
                        ratios.push(advance / normal);
                    }
                }
            }
            lines += 1;
            // Down to two thirds of the natural space: the interword shrink of
            // TeX's cmr10 (TeXbook ch. 12: space 3.33 pt, shrink 1.11 pt). Lines
            // next to loose ones give up letter-spacing for their spaces so that
            // letter-spacing changes by at most 3/1000 em from line to line.
            if ratios.iter().all(|r| (0.66..=1.6).contains(r)) {
                good += 1;
            } else if std::env::var("TRANG_DEBUG").is_ok() {
                eprintln!("{paper:?} page {} ratios {ratios:?}", rec.page + 1);
            }
        }
        assert!(lines > 300, "{lines} justified lines");
        eprintln!(
            "{paper:?}: {} pages, {good} of {lines} justified lines ({:.1} %) with spaces within 0.66–1.6×, widows {}, orphans {}, headings at foot {}",
            layout.pages.len(),
            100.0 * good as f32 / lines as f32,
            report.widows,
            report.orphans,
            report.headings_at_foot
        );
        assert!(
            good as f32 >= 0.98 * lines as f32,
            "{paper:?}: {good} of {lines} justified lines have spaces within 0.66–1.6×"
        );
    }

    // Through poppler: word boxes inside the text block; justified lines end at the margin.
    let dir = tempfile::tempdir().unwrap();
    for (paper, name) in [(Paper::A4, "a4"), (Paper::A5, "a5")] {
        let setup = PageSetup::new(paper, &prepared.fonts);
        let pdf = build_pdf(&input, name, &dir.path().join(name));
        let words = words(&pdf);
        // Every page after the first has the running head; every page its folio.
        body_text(
            &pdf,
            &std::iter::once(prepared.doc.title.clone())
                .chain(prepared.doc.chapters.iter().map(|c| c.title.clone()))
                .collect::<Vec<_>>(),
        );
        let (left, right) = (setup.left, setup.left + setup.measure);
        let (_, report) = trang::typeset::typeset(&prepared.doc, &prepared.fonts, paper, 0);
        let mut outside = 0;
        for w in &words {
            let furniture = w.y1 < setup.top || w.y0 > setup.bottom();
            // Line-end punctuation hangs into the margin (protrusion).
            let hangs = w.text.ends_with(common::HANG_RIGHT);
            let slack = if hangs { setup.body_size * 0.5 } else { 0.5 };
            // So does an opening mark starting a line, at the left.
            let opens = w.text.starts_with(common::HANG_LEFT);
            let left_slack = if opens { setup.body_size * 0.5 } else { 0.5 };
            if w.x0 < left - left_slack
                || w.x1 > right + slack
                || (!furniture && (w.y0 < setup.top - setup.leading))
            {
                eprintln!(
                    "{name}: word on page {} at x {}..{} y {}..{} (block {left}..{right}, {}..{})",
                    w.page + 1,
                    w.x0,
                    w.x1,
                    w.y0,
                    w.y1,
                    setup.top,
                    setup.bottom()
                );
                outside += 1;
            }
        }
        assert_eq!(outside, 0, "{name}: words outside the text block");
        let mut checked = 0;
        for rec in report.lines.iter().filter(|l| l.justified) {
            let last = words
                .iter()
                .filter(|w| {
                    w.page == rec.page as usize && w.y1 > rec.top && w.y0 < rec.top + rec.height
                })
                .max_by(|a, b| a.x1.total_cmp(&b.x1));
            let Some(last) = last else { continue };
            let line_right = last.x1;
            // A line ending in punctuation ends past the margin by the
            // punctuation's protrusion (at most half an em); others at it.
            let hangs = last.text.ends_with(common::HANG_RIGHT);
            let ok = if hangs {
                line_right >= right - 0.5 && line_right <= right + setup.body_size * 0.5
            } else {
                (line_right - right).abs() <= 0.5
            };
            assert!(
                ok,
                "{name}: justified line on page {} ends at {line_right}, margin {right}",
                rec.page + 1
            );
            checked += 1;
        }
        assert!(checked > 300);
        eprintln!(
            "{name}: {} words inside the text block, {checked} justified lines flush right within 0.5 pt",
            words.len()
        );
    }
}

/// The text of each line of a layout (runs grouped by page and baseline).
fn line_texts(layout: &trang::frame::Layout) -> Vec<String> {
    let mut lines = Vec::new();
    for page in &layout.pages {
        let mut by_y: Vec<(i64, String)> = Vec::new();
        for it in &page.items {
            if let Item::Text(run) = &it.item {
                let y = (it.pos.y * 10.0).round() as i64;
                match by_y.iter_mut().find(|(k, _)| (*k - y).abs() <= 40) {
                    Some((_, t)) => t.push_str(&run.text),
                    None => by_y.push((y, run.text.clone())),
                }
            }
        }
        lines.extend(by_y.into_iter().map(|(_, t)| t));
    }
    lines
}

fn typeset_text(text: &str) -> trang::frame::Layout {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.md");
    std::fs::write(&input, text).unwrap();
    let mut diags = Diagnostics::default();
    let p = trang::prepare(&input, None, &mut diags).unwrap();
    trang::typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0).0
}

#[test]
fn english_runs_are_hyphenated_and_vietnamese_never() {
    let english = "The international organization of typographical considerations demonstrates \
        extraordinary responsibilities; incomprehensible characteristics notwithstanding, \
        representatives internationally acknowledged unquestionable accomplishments. ";
    let en = typeset_text(&format!(
        "---\ntitle: Hyphenation\nlang: en\n---\n\n{}\n",
        english.repeat(6)
    ));
    let hyphenated = line_texts(&en)
        .iter()
        .filter(|l| l.trim_end().ends_with('-'))
        .count();
    assert!(
        hyphenated >= 1,
        "English text with long words gets hyphenated lines"
    );
    // The same words in a Vietnamese document are not hyphenated…
    let vi = typeset_text(&format!(
        "---\ntitle: Không tách\nlang: vi\n---\n\n{}\n",
        english.repeat(6)
    ));
    assert_eq!(
        line_texts(&vi)
            .iter()
            .filter(|l| l.trim_end().ends_with('-'))
            .count(),
        0
    );
    // …unless a span says they are English.
    let span = typeset_text(&format!(
        "---\ntitle: Xen kẽ\nlang: vi\n---\n\nTiếng Việt <span lang=\"en\">{}</span> hết.\n",
        english.repeat(6)
    ));
    assert!(
        line_texts(&span)
            .iter()
            .any(|l| l.trim_end().ends_with('-'))
    );
    // A long Vietnamese book never shows a hyphen at a line end.
    let root = root();
    let mut diags = Diagnostics::default();
    let p = trang::prepare(&root.join("tests/fixtures/long.md"), None, &mut diags).unwrap();
    let (layout, _) = trang::typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0);
    assert_eq!(
        line_texts(&layout)
            .iter()
            .filter(|l| l.trim_end().ends_with('-'))
            .count(),
        0
    );
}

#[test]
fn overlong_words_and_urls_break_inside_the_measure() {
    let word = "Nghiêng".repeat(40);
    let url = "https://dangcongsan.vn/thoi-su/nang-cao-hieu-qua-phoi-hop-ban-chi-dao-tay-bac-va-ban-dan-van-trung-uong-613525.html";
    let layout = typeset_text(&format!(
        "---\ntitle: Dài\n---\n\nTừ {word} và liên kết <{url}> trong câu.\n"
    ));
    let mut diags = Diagnostics::default();
    let fonts =
        trang::fonts::FontSet::load(&trang::fonts::FontSet::bundled_dir(), &mut diags).unwrap();
    let setup = PageSetup::new(Paper::A5, &fonts);
    for page in &layout.pages {
        for it in &page.items {
            if let Item::Text(run) = &it.item {
                assert!(
                    it.pos.x + run.width() <= setup.left + setup.measure + 0.5,
                    "`{}` overflows",
                    run.text
                );
            }
        }
    }
    let lines = line_texts(&layout);
    let url_line = lines
        .iter()
        .find(|l| l.starts_with("https://"))
        .expect("the URL starts a line");
    assert!(
        url_line.ends_with(|c: char| "/.-?&=#_".contains(c)),
        "the URL breaks after a separator, without a hyphen: {lines:?}"
    );
}

/// Every glyph id drawn in `layout` (glyph 0 is `.notdef`, the box a font
/// draws for a character it lacks).
fn glyph_ids(layout: &trang::frame::Layout) -> Vec<u16> {
    let mut ids = Vec::new();
    for page in &layout.pages {
        for it in &page.items {
            if let Item::Text(run) = &it.item {
                ids.extend(run.glyphs.iter().map(|g| g.id));
            }
        }
    }
    ids
}

/// Writes `md` to a temp dir and builds it (EPUB and PDF); returns the dir
/// and the PDF path.
fn build_md(md: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.md");
    std::fs::write(&input, md).unwrap();
    build_ok(&input, dir.path(), &["--paper", "a5", "-q"]);
    let pdf = dir.path().join("t.pdf");
    (dir, pdf)
}

#[test]
fn soft_hyphens_break_with_a_hyphen_and_copy_back_without_one() {
    // One word far wider than the A5 measure, with soft hyphens as its only
    // break points (Vietnamese: the patterns never hyphenate it), then short
    // words whose soft hyphens are not needed.
    let parts = [
        "pneumono", "ultra", "micro", "scopic", "silico", "volcano", "coniosis",
    ];
    let long = parts.repeat(3).join("\u{AD}");
    let short = "ma\u{AD}jor\u{AD}ity ex\u{AD}tra\u{AD}or\u{AD}di\u{AD}nary";
    let md = format!("---\ntitle: Gạch nối mềm\nlang: vi\n---\n\nTừ {long} và {short} hết.\n");
    let layout = typeset_text(&md);
    let lines = line_texts(&layout);
    assert!(
        lines.iter().all(|l| !l.contains('\u{AD}')),
        "a soft hyphen is never drawn: {lines:?}"
    );
    assert!(!glyph_ids(&layout).contains(&0), "no .notdef glyph");
    let body: Vec<&String> = lines.iter().skip_while(|l| !l.starts_with("Từ")).collect();
    let broken: Vec<&&String> = body.iter().filter(|l| l.ends_with('-')).collect();
    assert!(
        broken.len() >= 2,
        "the long word breaks at its soft hyphens, each break shown by a hyphen: {body:?}"
    );
    // Hyphens only at the line ends, and each where a soft hyphen stood.
    let hyphens: usize = body.iter().map(|l| l.matches('-').count()).sum();
    assert_eq!(hyphens, broken.len(), "{body:?}");
    for l in &broken {
        let before = l.trim_end_matches('-');
        assert!(
            parts.iter().any(|p| before.ends_with(p)),
            "`{l}` breaks at a soft hyphen"
        );
    }
    // Lines joined as a reader does (a line-end hyphen dropped, no space)
    // give the word back whole.
    let mut joined = String::new();
    for l in &body {
        match l.strip_suffix('-') {
            Some(head) => joined.push_str(head),
            None => {
                joined.push_str(l);
                joined.push(' ');
            }
        }
    }
    assert!(joined.contains(&parts.repeat(3).concat()), "{joined}");

    // The PDF: a hyphen glyph ends the broken lines (content order), and the
    // copied text is the source without soft hyphens, the word whole.
    let (dir, pdf) = build_md(&md);
    let p = pdf.to_str().unwrap();
    let raw = tool("pdftotext", &["-raw", "-enc", "UTF-8", p, "-"]);
    assert!(
        raw.lines().filter(|l| l.ends_with('-')).count() >= 2,
        "{raw}"
    );
    // Read without poppler's joining of lines, which glues a one-word line
    // ("Từ", left loose rather than letter-spaced) to a hyphenated next one:
    // a line ending in a hyphen continues the word, any other ends a word.
    let mut text = String::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        match line.strip_suffix('-') {
            Some(part) => text.push_str(part),
            None => {
                text.push_str(line);
                text.push(' ');
            }
        }
    }
    let text = fold(&text);
    let want = fold(&format!("Gạch nối mềm Từ {long} và {short} hết.").replace('\u{AD}', ""));
    assert_eq!(text, want);
    // The EPUB keeps the soft hyphens for the reading system to use.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(dir.path().join("t.epub")).unwrap()).unwrap();
    let mut xhtml = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().ends_with(".xhtml") && !f.name().ends_with("nav.xhtml") {
            std::io::Read::read_to_string(&mut f, &mut xhtml).unwrap();
        }
    }
    assert!(xhtml.contains(&long) && xhtml.contains(short), "{xhtml}");
}

/// Runs of plain letters store no clusters (one glyph per character is
/// implied: most of a layout's memory was those lists); a run with a
/// character that draws nothing lists them. Either way the clusters cover
/// the run's text and glyphs in order, which is what extraction reads.
#[test]
fn clusters_are_listed_only_where_a_character_is_not_one_glyph() {
    let md = "---\ntitle: Cụm\nlang: vi\n---\n\nTiếng Việt có dấu chồng: ệ ặ ở ữ.\n\n\
        một\u{200B}hai ba.\n";
    let layout = typeset_text(md);
    let runs: Vec<&GlyphRun> = layout
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|it| match &it.item {
            Item::Text(run) if !run.glyphs.is_empty() => Some(&**run),
            _ => None,
        })
        .collect();
    let plain = runs.iter().find(|r| r.text.contains("chồng")).unwrap();
    assert_eq!(plain.clusters, Clusters::OnePerChar);
    let zw = runs.iter().find(|r| r.text.contains('\u{200B}')).unwrap();
    assert!(
        matches!(zw.clusters, Clusters::Listed(_)),
        "{:?}",
        zw.clusters
    );
    for run in runs {
        let (mut text, mut glyphs) = (0, 0);
        for c in run.clusters() {
            assert_eq!(
                (c.text.start, c.glyphs.start),
                (text, glyphs),
                "{}",
                run.text
            );
            (text, glyphs) = (c.text.end, c.glyphs.end);
        }
        assert_eq!(
            (text as usize, glyphs as usize),
            (run.text.len(), run.glyphs.len()),
            "{}",
            run.text
        );
    }
}

#[test]
fn spaces_next_to_zero_width_characters_are_copied_back() {
    // Default-ignorable characters beside spaces, before and after them:
    // every one of them and every space must come back, and none draws.
    let para = "một\u{200B} hai \u{200B}ba bốn\u{2060} năm sáu\u{200C} bảy \
        tám\u{FEFF} chín \u{200D}mười \u{2060}một\u{200B}\u{200B} trăm.";
    let md = format!("---\ntitle: Khoảng trắng\nlang: vi\n---\n\n{para}\n");
    let layout = typeset_text(&md);
    assert!(!glyph_ids(&layout).contains(&0), "no .notdef glyph");
    let (_dir, pdf) = build_md(&md);
    for mode in [&[][..], &["-raw"][..]] {
        let mut args = mode.to_vec();
        args.extend(["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
        let text = tool("pdftotext", &args);
        let line = text
            .lines()
            .find(|l| l.starts_with("một"))
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(fold(line), fold(para), "pdftotext {mode:?}");
    }
}

#[test]
fn table_columns_count_note_markers_code_and_bold_when_sized() {
    // The widest cell of each column ends in a note marker, or mixes code,
    // bold and italic: a column as wide as its widest cell sets it on one line.
    let md = "---\ntitle: Bảng\nlang: vi\n---\n\n\
        | Mức | Mô tả | Lệnh |\n|---|---|---|\n\
        | 0 | Nút lõi[^1] | `ls` |\n\
        | 1 | Nút lõi dự phòng[^1] | chạy `cargo doc` **đậm** *nghiêng* |\n\n\
        [^1]: Các bộ chuyển mạch lõi.\n";
    let layout = typeset_text(md);
    let lines = line_texts(&layout);
    for want in ["Nút lõi dự phòng", "chạy cargo doc đậm nghiêng"] {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "`{want}` on one line: {lines:?}"
        );
    }
}

#[test]
fn a_space_that_is_no_break_stretches_like_the_others() {
    // UAX #14 allows no break at the space before U+2060, U+FEFF or U+200B:
    // it stays unbreakable, but in a justified line it is as wide as every
    // other space of the line.
    let filler = "Một hai ba bốn năm sáu bảy tám chín mười mười một mười hai. ";
    let md = format!(
        "---\ntitle: Giãn cách\nlang: vi\n---\n\n{}tên \u{2060}riêng và hai \u{200B}ba và bốn \u{FEFF}năm. {}\n",
        filler.repeat(3),
        filler.repeat(3)
    );
    let layout = typeset_text(&md);
    let mut checked = 0;
    for page in &layout.pages {
        for it in &page.items {
            let Item::Text(run) = &it.item else { continue };
            if !["tên \u{2060}riêng", "hai \u{200B}ba", "bốn \u{FEFF}năm"]
                .iter()
                .any(|w| run.text.contains(w))
            {
                continue;
            }
            // Not the space the line breaks at, kept at its end with no
            // advance (for the structure tree's text).
            let last = run.cluster_count() - 1;
            let spaces: Vec<f32> = run
                .clusters()
                .enumerate()
                .filter(|(_, c)| run.text[c.text_range()].starts_with(' '))
                .flat_map(|(i, c)| c.glyph_range().map(move |k| (i, run.glyphs[k].x_advance)))
                .filter(|&(i, w)| i != last || w > 0.0)
                .map(|(_, w)| w)
                .collect();
            assert!(spaces.len() >= 3, "`{}`", run.text);
            let (lo, hi) = spaces
                .iter()
                .fold((f32::MAX, f32::MIN), |(a, b), &w| (a.min(w), b.max(w)));
            assert!(hi - lo < 0.01, "spaces {spaces:?} in `{}`", run.text);
            checked += 1;
        }
    }
    assert!(checked >= 1, "the words are found in the layout");
}

#[test]
fn natural_widths_are_the_drawn_widths_and_soft_hyphens_break_across_styles() {
    use trang::fonts::{Role, Style};
    use trang::typeset::inline::{Align, InlineEngine, LineBox, Piece, TextStyle};
    let mut diags = Diagnostics::default();
    let fonts =
        trang::fonts::FontSet::load(&trang::fonts::FontSet::bundled_dir(), &mut diags).unwrap();
    let mut engine = InlineEngine::new(&fonts, "vi");
    let base = TextStyle {
        role: Role::Body,
        style: Style::REGULAR,
        size: 10.0,
        color: trang::frame::Rgb::BLACK,
        rise: 0.0,
        strike: false,
        underline: false,
        mark: false,
        link: None,
        lang: "vi".into(),
        node: None,
    };
    let marker = TextStyle {
        size: 6.2,
        rise: 3.6,
        ..base.clone()
    };
    let italic = TextStyle {
        style: Style {
            italic: true,
            bold: false,
        },
        ..base.clone()
    };
    let text = |lines: &[LineBox]| -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.items
                    .iter()
                    .filter_map(|it| match &it.item {
                        Item::Text(r) => Some(r.text.as_str()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    };
    // A cell with a note marker and a forced break: at its natural width
    // each line is set whole, and the widest is exactly that wide.
    let cell = vec![
        Piece::Text("Nút lõi dự phòng".into(), base.clone()),
        Piece::Text("1".into(), marker),
        Piece::Break,
        Piece::Text("hai".into(), base.clone()),
    ];
    let (min, max) = engine.natural_widths(&cell);
    let lines = engine.layout(&cell, max, 0.0, Align::Left);
    // The forced break ends its line with a space of no advance (the
    // structure tree reads "phòng1 hai", as the EPUB's `<br/>` does).
    assert_eq!(text(&lines), ["Nút lõi dự phòng1 ", "hai"]);
    assert!(
        (lines[0].width - max).abs() < 0.01,
        "{} vs {max}",
        lines[0].width
    );
    let phong1 = engine.natural_widths(&cell[..2]).1 - engine.natural_widths(&cell[..1]).1
        + engine.measure("phòng", &base);
    assert!(
        (min - phong1).abs() < 0.01,
        "longest word `phòng1`: {min} vs {phong1}"
    );
    // A soft hyphen where the style changes: the only break inside the
    // word, taken with a hyphen in the style before it.
    let word = vec![
        Piece::Text("extra\u{AD}".into(), italic),
        Piece::Text("ordinary".into(), base.clone()),
    ];
    let (min, max) = engine.natural_widths(&word);
    assert!((min - max).abs() < 0.01, "one word: {min} vs {max}");
    assert_eq!(
        text(&engine.layout(&word, max, 0.0, Align::Left)),
        ["extraordinary"]
    );
    assert_eq!(
        text(&engine.layout(&word, 0.8 * max, 0.0, Align::Left)),
        ["extra-", "ordinary"]
    );
}
