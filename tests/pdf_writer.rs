//! End-to-end checks of the PDF writer through poppler and qpdf.
//!
//! The tools are required: when one is missing the test fails and names the
//! set-up command, it never skips.

mod common;

use common::runs::{face, shape};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use trang::frame::*;
use trang::pdf::write_pdf;
use unicode_normalization::UnicodeNormalization;

const BODY: &str = "Nâng cao hiệu quả phối hợp ệ ở ữ ặ ẫ";
/// The body line's letter-spacing (points after each letter), as a
/// justified line gets it.
const BODY_SPACING: f32 = 0.137;
const NFD_LINE: &str = "Tiếng Việt có dấu: người ấy đã về.";
const MARKED: &str = "q\u{323} x\u{302}\u{301} gần";
const CODE: &str = "let gia_tri = 42; // giá trị";

/// Runs a tool, failing with the set-up command when it is not installed.
fn run(tool: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install the test tools with `bash .ci/test-deps`")
    });
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// `run` letter-spaced: `amount` points after the last glyph of every
/// cluster that is not a space.
fn letter_spaced(mut run: GlyphRun, amount: f32) -> GlyphRun {
    for c in run.clusters().collect::<Vec<_>>() {
        if !run.text[c.text_range()].starts_with(' ') {
            run.glyphs.make_mut()[c.glyph_range().end - 1].x_advance += amount;
        }
    }
    run.letter_spacing = amount;
    run
}

fn text(run: GlyphRun, x: f32, y: f32) -> Positioned {
    Positioned {
        pos: Point { x, y },
        item: Item::text(run),
        tag: Tag::Artifact(ArtifactKind::Layout),
    }
}

fn png_bytes() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(24, 16, |x, y| {
        image::Rgba([
            (x * 10) as u8,
            (y * 15) as u8,
            120,
            if x < 12 { 255 } else { 90 },
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 20, |x, y| {
        image::Rgb([(x * 8) as u8, 90, (y * 12) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn sample_layout() -> Layout {
    let mut l = Layout {
        fonts: vec![
            face(
                "source-serif-4/SourceSerif4-Regular.ttf",
                "SourceSerif4-Regular",
            ),
            face(
                "be-vietnam-pro/BeVietnamPro_700Bold.ttf",
                "BeVietnamPro-Bold",
            ),
            face(
                "source-code-pro/SourceCodePro-Regular.ttf",
                "SourceCodePro-Regular",
            ),
            face("source-serif-4/SourceSerif4-It.ttf", "SourceSerif4-It"),
        ],
        info: DocInfo {
            title: "Thử nghiệm PDF".into(),
            authors: vec!["Nguyễn Văn A".into(), "Trần Thị B".into()],
            subject: Some("Kiểm tra bộ ghi PDF".into()),
            keywords: vec!["pdf".into(), "tiếng Việt".into()],
            lang: "vi".into(),
            created: 1_700_000_000,
            producer: "trang 0.1.0".into(),
        },
        ..Layout::default()
    };
    let heading = shape(&l, 1, "Mở đầu", 16.0, 0.0);
    let body = letter_spaced(shape(&l, 0, BODY, 11.0, 2.5), BODY_SPACING);
    let nfd: String = NFD_LINE.nfd().collect();
    let nfd_run = shape(&l, 0, &nfd, 11.0, 1.0);
    let marked = shape(&l, 0, MARKED, 11.0, 0.0);
    let code = shape(&l, 2, CODE, 9.0, 0.0);
    let link_width = body.width();
    let p1 = vec![
        Positioned {
            pos: Point { x: 50.0, y: 60.0 },
            item: Item::Anchor("dau".into()),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        text(heading, 50.0, 80.0),
        text(body, 50.0, 110.0),
        Positioned {
            pos: Point { x: 50.0, y: 99.0 },
            item: Item::link(LinkArea {
                width: link_width,
                height: 14.0,
                target: LinkTarget::Uri("https://vi.wikipedia.org/wiki/Tiếng_Việt".into()),
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        text(nfd_run, 50.0, 128.0),
        text(marked, 50.0, 146.0),
        Positioned {
            pos: Point { x: 45.0, y: 155.0 },
            item: Item::Fill(Fill {
                width: 330.0,
                height: 18.0,
                color: Rgb(0.94, 0.94, 0.92),
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        text(code, 50.0, 167.0),
        Positioned {
            pos: Point { x: 50.0, y: 185.0 },
            item: Item::Line(Line {
                to: Point { x: 320.0, y: 0.0 },
                thickness: 0.5,
                color: Rgb(0.4, 0.4, 0.4),
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        Positioned {
            pos: Point { x: 50.0, y: 195.0 },
            item: Item::image(Image {
                data: Arc::new(png_bytes()),
                format: ImageFormat::Png,
                pixel_size: (24, 16),
                width: 72.0,
                height: 48.0,
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        Positioned {
            pos: Point { x: 140.0, y: 195.0 },
            item: Item::image(Image {
                data: Arc::new(jpeg_bytes()),
                format: ImageFormat::Jpeg,
                pixel_size: (32, 20),
                width: 96.0,
                height: 60.0,
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        Positioned {
            pos: Point { x: 50.0, y: 270.0 },
            item: Item::link(LinkArea {
                width: 100.0,
                height: 14.0,
                target: LinkTarget::Anchor("phan-hai".into()),
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        text(shape(&l, 0, "Xem phần hai.", 11.0, 0.0), 50.0, 281.0),
    ];
    let p2 = vec![
        Positioned {
            pos: Point { x: 50.0, y: 60.0 },
            item: Item::Anchor("phan-hai".into()),
            tag: Tag::Artifact(ArtifactKind::Layout),
        },
        text(shape(&l, 1, "Phần hai", 16.0, 0.0), 50.0, 80.0),
        text(shape(&l, 1, "Mục 2.1", 13.0, 0.0), 50.0, 120.0),
        text(shape(&l, 1, "Tiểu mục sâu", 11.0, 0.0), 50.0, 160.0),
        text(shape(&l, 0, "Hết.", 11.0, 0.0), 50.0, 180.0),
    ];
    for items in [p1, p2] {
        l.pages.push(Page {
            width: 420.0,
            height: 595.0,
            items,
        });
    }
    let entry = |title: &str, level, page, y| OutlineEntry {
        title: title.into(),
        level,
        page,
        y,
    };
    l.outline = vec![
        entry("Mở đầu", 1, 0, 66.0),
        entry("Phần hai", 1, 1, 66.0),
        entry("Mục 2.1", 2, 1, 108.0),
        entry("Tiểu mục sâu", 3, 1, 150.0),
    ];
    l
}

fn write_sample(name: &str) -> (Vec<u8>, PathBuf) {
    let bytes = write_pdf(&sample_layout()).expect("write_pdf");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, &bytes).unwrap();
    (bytes, path)
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn text_extracts_exactly() {
    let (_, path) = write_sample("extract.pdf");
    let p = path.to_str().unwrap();
    let (ok, page1) = run(
        "pdftotext",
        &["-enc", "UTF-8", "-f", "1", "-l", "1", p, "-"],
    );
    assert!(ok, "{page1}");
    let nfd: String = NFD_LINE.nfd().collect();
    let want = ["Mở đầu", BODY, &nfd, MARKED, CODE, "Xem phần hai."].join(" ");
    assert_eq!(fold(&page1), fold(&want));
    let (_, page2) = run(
        "pdftotext",
        &["-enc", "UTF-8", "-f", "2", "-l", "2", p, "-"],
    );
    assert_eq!(fold(&page2), "Phần hai Mục 2.1 Tiểu mục sâu Hết.");
}

#[test]
fn fonts_are_subset_with_unicode_maps() {
    let (bytes, path) = write_sample("fonts.pdf");
    let (ok, out) = run("pdffonts", &[path.to_str().unwrap()]);
    assert!(ok, "{out}");
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(
        rows.len(),
        3,
        "only the three used fonts are embedded:\n{out}"
    );
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[1], "CID", "{row}");
        assert!(cols[0].as_bytes()[6] == b'+', "subset tag: {row}");
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
    }
    assert!(
        bytes.len() < 35_000,
        "2-page sample is {} bytes",
        bytes.len()
    );
}

#[test]
fn file_is_valid_and_deterministic() {
    let (bytes, path) = write_sample("valid.pdf");
    let (ok, out) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        ok && out.contains("No syntax or stream encoding errors") && !out.contains("WARNING"),
        "{out}"
    );
    assert_eq!(
        write_pdf(&sample_layout()).unwrap(),
        bytes,
        "two writes differ"
    );
    assert_eq!(
        trang::pdf::write_pdf_owned(sample_layout()).unwrap(),
        bytes,
        "the writer that frees the layout early writes other bytes"
    );
    assert!(bytes.starts_with(b"%PDF-1.7"));
}

/// A document of 64 pages (written on several threads), written by the
/// writer that frees each page's glyph runs as soon as its content stream
/// is written: the same bytes as the borrowing writer, which frees nothing.
#[test]
fn the_freeing_writer_writes_the_borrowing_writers_bytes() {
    let mut l = sample_layout();
    let two = l.pages.clone();
    while l.pages.len() < 64 {
        l.pages.extend(two.iter().cloned());
    }
    let bytes = write_pdf(&l).unwrap();
    assert_eq!(
        trang::pdf::write_pdf_owned(l).unwrap(),
        bytes,
        "the freeing writer wrote other bytes"
    );
}

#[test]
fn metadata() {
    let (_, path) = write_sample("meta.pdf");
    let p = path.to_str().unwrap();
    let (ok, info) = run("pdfinfo", &[p]);
    assert!(ok, "{info}");
    assert!(info.contains("Thử nghiệm PDF"), "{info}");
    assert!(info.contains("Nguyễn Văn A, Trần Thị B"), "{info}");
    assert!(
        info.contains("Kiểm tra bộ ghi PDF") && info.contains("tiếng Việt"),
        "{info}"
    );
    assert!(info.contains("Producer:        trang 0.1.0"), "{info}");
    assert!(info.contains("2023") && !info.contains("1970"), "{info}");
    assert!(
        !info.contains("PDF/X") && !info.contains("PDF subtype"),
        "{info}"
    );
    assert!(
        info.contains("PDF version:     1.7") && info.contains("Pages:           2"),
        "{info}"
    );
    let (_, meta) = run("pdfinfo", &["-meta", p]);
    assert!(
        meta.contains("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Thử nghiệm PDF"),
        "{meta}"
    );
    assert!(!meta.contains("GTS_PDFX"), "{meta}");
}

#[test]
fn structure_outline_links_content() {
    let (bytes, _) = write_sample("structure.pdf");
    assert!(!bytes.windows(8).any(|w| w == b"GTS_PDFX"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let cat = doc.catalog().unwrap();
    assert_eq!(
        cat.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    assert!(cat.get(b"Lang").is_ok() && cat.get(b"ViewerPreferences").is_ok());
    let dict = |o: &lopdf::Object| doc.get_dictionary(o.as_reference().unwrap()).unwrap();
    let title =
        |d: &lopdf::Dictionary| lopdf::decode_text_string(d.get(b"Title").unwrap()).unwrap();
    let outlines = dict(cat.get(b"Outlines").unwrap());
    let first = dict(outlines.get(b"First").unwrap());
    assert_eq!(title(first), "Mở đầu");
    assert!(
        first.get(b"First").is_err(),
        "first heading has no children"
    );
    let second = dict(first.get(b"Next").unwrap());
    assert_eq!(title(second), "Phần hai");
    assert!(second.get(b"Next").is_err());
    let child = dict(second.get(b"First").unwrap());
    assert_eq!(title(child), "Mục 2.1");
    let grandchild = dict(child.get(b"First").unwrap());
    assert_eq!(title(grandchild), "Tiểu mục sâu");
    let dest = grandchild.get(b"Dest").unwrap().as_array().unwrap();
    assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
    assert_eq!(
        dest[3].as_float().unwrap(),
        445.0,
        "595 - 150: the heading, not the page top"
    );

    let pages: Vec<_> = doc.get_pages().into_values().collect();
    let annots = doc.get_page_annotations(pages[0]).unwrap();
    assert_eq!(annots.len(), 2);
    for a in &annots {
        let border: Vec<i64> = a
            .get(b"Border")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_i64().unwrap())
            .collect();
        assert_eq!(border, [0, 0, 0]);
    }
    let uri = annots[0]
        .get(b"A")
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"URI")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(
        uri,
        b"https://vi.wikipedia.org/wiki/Ti%E1%BA%BFng_Vi%E1%BB%87t"
    );
    assert_eq!(
        annots[1].get(b"Dest").unwrap().as_str().unwrap(),
        b"phan-hai"
    );

    let res = dict(
        doc.get_dictionary(pages[0])
            .unwrap()
            .get(b"Resources")
            .unwrap(),
    );
    let xobjects = res.get(b"XObject").unwrap().as_dict().unwrap();
    let stream = |name: &[u8]| {
        doc.get_object(xobjects.get(name).unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap()
    };
    let (png, jpeg) = (stream(b"Im0"), stream(b"Im1"));
    assert_eq!(
        png.dict.get(b"Filter").unwrap().as_name().unwrap(),
        b"FlateDecode"
    );
    assert!(
        png.dict.get(b"SMask").is_ok(),
        "PNG alpha becomes a soft mask"
    );
    assert_eq!(
        png.decompressed_content().unwrap().len(),
        24 * 16 * 3,
        "lossless RGB samples"
    );
    assert_eq!(
        jpeg.dict.get(b"Filter").unwrap().as_name().unwrap(),
        b"DCTDecode"
    );
    assert_eq!(jpeg.content, jpeg_bytes(), "JPEG embedded as-is");

    let content = String::from_utf8_lossy(&doc.get_page_content(pages[0])).into_owned();
    for line in content.lines() {
        // Character spacing accumulates over a line's glyphs, so it is
        // written more finely; every other number has at most 3 decimals.
        let decimals = if line.ends_with(" Tc") { 4 } else { 3 };
        for token in line.split(|c: char| c.is_whitespace() || "[]<>()/".contains(c)) {
            if let Some((_, frac)) = token.split_once('.') {
                assert!(
                    frac.len() <= decimals && token.parse::<f64>().is_ok(),
                    "noisy number {token:?} in\n{content}"
                );
            }
        }
    }
    assert!(
        content.contains("/Span<</ActualText<FEFF"),
        "marks positioned apart get ActualText"
    );
    assert!(content.contains("Ts"), "raised/lowered marks use text rise");
    // The letter-spaced line is written with one `Tc` and numbers only
    // where its spaces (widened by justification) or kerned pairs need
    // them, not one before every letter.
    let spaced = content
        .lines()
        .skip_while(|l| *l != "0.137 Tc")
        .find(|l| l.ends_with("TJ"))
        .unwrap_or_else(|| panic!("no `0.137 Tc` before a TJ in\n{content}"));
    // The numbers between the strings of the array.
    let op = &lopdf::content::Content::decode(spaced.as_bytes())
        .unwrap_or_else(|e| panic!("{e}: {spaced}"))
        .operations[0];
    let array = op.operands[0].as_array().unwrap();
    assert!(
        array.iter().any(|o| o.as_str().is_ok()),
        "glyphs in {spaced}"
    );
    let numbers = array.iter().filter(|o| o.as_float().is_ok()).count();
    let spaces = BODY.matches(' ').count();
    // (Kerned pairs add 3 in this line; without `Tc` nearly every one of
    // its 26 letters would carry one.)
    assert!(
        numbers <= spaces + 3,
        "{numbers} numbers for {spaces} spaces: {spaced}"
    );
}

/// Where the viewer puts each glyph of a page: (baseline y, x) in content
/// order, interpreting `Tc`, `Tf`, `Td`, `Tm` and `TJ` with the fonts' `/W`.
fn glyph_positions(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<(f32, f32)> {
    use lopdf::Object;
    let num = |o: &Object| o.as_float().unwrap();
    let res = doc
        .get_dictionary(
            doc.get_dictionary(page)
                .unwrap()
                .get(b"Resources")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    let fonts = res.get(b"Font").unwrap().as_dict().unwrap();
    // Resource name -> CID -> width in thousandths of an em.
    let widths = |name: &[u8]| {
        let font = doc
            .get_dictionary(fonts.get(name).unwrap().as_reference().unwrap())
            .unwrap();
        let cid_font = &font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0];
        let cid_font = match cid_font {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            other => other.as_dict().unwrap(),
        };
        let bytes = common::structure::code_bytes(doc, font);
        let w = cid_font.get(b"W").unwrap().as_array().unwrap();
        let mut map = std::collections::HashMap::new();
        for pair in w.chunks(2) {
            let first = pair[0].as_i64().unwrap() as u16;
            for (i, v) in pair[1].as_array().unwrap().iter().enumerate() {
                map.insert(first + i as u16, num(v));
            }
        }
        (bytes, map)
    };
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let (mut w, mut size, mut spacing) = (Default::default(), 0.0, 0.0);
    let (mut line, mut x) = ((0.0f32, 0.0f32), 0.0f32);
    let mut out = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "BT" => (line, x) = ((0.0, 0.0), 0.0),
            "Tc" => spacing = num(&op.operands[0]),
            "Tf" => {
                w = widths(op.operands[0].as_name().unwrap());
                size = num(&op.operands[1]);
            }
            "Td" => {
                line = (line.0 + num(&op.operands[0]), line.1 + num(&op.operands[1]));
                x = line.0;
            }
            "Tm" => {
                line = (num(&op.operands[4]), num(&op.operands[5]));
                x = line.0;
            }
            "TJ" => {
                for item in op.operands[0].as_array().unwrap() {
                    match item {
                        Object::String(bytes, _) => {
                            for code in bytes.chunks(w.0) {
                                out.push((line.1, x));
                                let cid = code.iter().fold(0u16, |a, &b| (a << 8) | u16::from(b));
                                x +=
                                    w.1.get(&cid).copied().unwrap_or(0.0) * size / 1000.0 + spacing;
                            }
                        }
                        n => x -= num(n) * size / 1000.0,
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn glyphs_land_where_the_layout_put_them() {
    let (bytes, _) = write_sample("positions.pdf");
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = doc.get_pages()[&1];
    let placed = glyph_positions(&doc, page);
    let l = sample_layout();
    // Runs without marks moved apart (those are drawn in another order).
    for (text, font, size, extra, spacing, x0, y) in [
        (BODY, 0, 11.0, 2.5, BODY_SPACING, 50.0, 110.0),
        (CODE, 2, 9.0, 0.0, 0.0, 50.0, 167.0),
        ("Mở đầu", 1, 16.0, 0.0, 0.0, 50.0, 80.0),
    ] {
        let run = letter_spaced(shape(&l, font, text, size, extra), spacing);
        let baseline = 595.0 - y;
        let got: Vec<f32> = placed
            .iter()
            .filter(|(py, _)| (py - baseline).abs() < 0.01)
            .map(|&(_, px)| px)
            .collect();
        let mut pen = x0;
        let want: Vec<f32> = run
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let at = pen + run.offset(i).x;
                pen += g.x_advance;
                at
            })
            .collect();
        assert_eq!(got.len(), want.len(), "{text}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() < 0.01,
                "{text}: glyph {i} at {g}, layout says {w}"
            );
        }
    }
}

#[test]
fn renders() {
    let (_, path) = write_sample("render.pdf");
    let prefix = path.with_extension("");
    let (ok, out) = run(
        "pdftoppm",
        &[
            "-r",
            "110",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    let png = PathBuf::from(format!("{}-1.png", prefix.display()));
    assert!(
        std::fs::metadata(&png).is_ok_and(|m| m.len() > 1000),
        "{}",
        png.display()
    );
}

/// A one-page layout with hand-made runs, in the first font of the sample.
fn one_page(runs: Vec<GlyphRun>) -> Layout {
    let mut l = sample_layout();
    l.outline.clear();
    let items = runs
        .into_iter()
        .enumerate()
        .map(|(i, r)| text(r, 50.0, 80.0 + 20.0 * i as f32))
        .collect();
    l.pages = vec![Page {
        width: 420.0,
        height: 595.0,
        items,
    }];
    l
}

fn extract(layout: &Layout, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, write_pdf(layout).unwrap()).unwrap();
    let (ok, out) = run("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    assert!(ok, "{out}");
    fold(&out)
}

#[test]
fn actual_text_for_split_and_conflicting_glyphs() {
    let l = sample_layout();
    let g = |s: &str| shape(&l, 0, s, 14.0, 0.0).glyphs[0];
    let (e, dot, hat, a) = (g("e"), g("\u{323}"), g("\u{302}"), g("a"));
    // "ệ" (one character) drawn as e + combining dot below + circumflex, the
    // marks moved back over the e: extraction must give one "ệ".
    let mut marks = [dot, hat];
    for m in &mut marks {
        m.x_advance = 0.0;
    }
    let moved = |dy| GlyphOffset {
        x: -e.x_advance * 0.8,
        y: dy,
    };
    let decomposed = GlyphRun {
        font: FontId(0),
        size: 14.0,
        color: Rgb::BLACK,
        glyphs: vec![e, marks[0], marks[1], a].into(),
        offsets: vec![
            GlyphOffset::default(),
            moved(0.0),
            moved(1.5),
            GlyphOffset::default(),
        ]
        .into(),
        text: "ệa".into(),
        clusters: Clusters::Listed(trang::frame::ThinVec::from(vec![
            Cluster {
                text: 0..3,
                glyphs: 0..3,
            },
            Cluster {
                text: 3..4,
                glyphs: 3..4,
            },
        ])),
        letter_spacing: 0.0,
    };
    // The glyph "a" standing for "à" here, "a" elsewhere: one CMap entry
    // cannot say both.
    let conflicting = GlyphRun {
        glyphs: vec![a, a].into(),
        offsets: trang::frame::ThinVec::new(),
        text: "aà".into(),
        clusters: Clusters::Listed(trang::frame::ThinVec::from(vec![
            Cluster {
                text: 0..1,
                glyphs: 0..1,
            },
            Cluster {
                text: 1..3,
                glyphs: 1..2,
            },
        ])),
        ..decomposed.clone()
    };
    // Inconsistent clusters: the whole run is extracted through ActualText.
    let broken = GlyphRun {
        glyphs: vec![a, e].into(),
        offsets: trang::frame::ThinVec::new(),
        text: "ae".into(),
        clusters: Clusters::Listed(trang::frame::ThinVec::from(vec![
            Cluster {
                text: 0..1,
                glyphs: 0..2,
            },
            Cluster {
                text: 1..2,
                glyphs: 0..1,
            },
        ])),
        ..decomposed.clone()
    };
    // One character drawn with two glyphs, no offsets: the first glyph gives
    // the text back, the second (used nowhere else) gives nothing.
    let two_glyphs = GlyphRun {
        glyphs: vec![g("o"), g("§"), g("k")].into(),
        offsets: trang::frame::ThinVec::new(),
        text: "ok".into(),
        clusters: Clusters::Listed(trang::frame::ThinVec::from(vec![
            Cluster {
                text: 0..1,
                glyphs: 0..2,
            },
            Cluster {
                text: 1..2,
                glyphs: 2..3,
            },
        ])),
        ..decomposed.clone()
    };
    let layout = one_page(vec![decomposed, conflicting, broken, two_glyphs]);
    assert_eq!(extract(&layout, "actual.pdf"), "ệa aà ae ok");
}

#[test]
fn bad_layouts_are_errors() {
    let mut l = sample_layout();
    if let Item::Text(run) = &mut l.pages[0].items[1].item {
        run.font = FontId(9);
    }
    assert_eq!(
        write_pdf(&l).unwrap_err().to_string(),
        "glyph run uses font #9, which the layout does not have"
    );
    let mut l = sample_layout();
    l.outline[0].page = 5;
    assert!(
        write_pdf(&l)
            .unwrap_err()
            .to_string()
            .contains("missing page 6")
    );
}

#[test]
fn pages_without_text_and_empty_layouts() {
    let mut l = sample_layout();
    l.outline.clear();
    l.pages = vec![Page {
        width: 420.0,
        height: 595.0,
        items: Vec::new(),
    }];
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("blank.pdf");
    std::fs::write(&path, write_pdf(&l).unwrap()).unwrap();
    let (ok, out) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(ok && !out.contains("WARNING"), "{out}");
    l.pages.clear();
    let bytes = write_pdf(&l).unwrap();
    assert!(
        lopdf::Document::load_mem(&bytes)
            .unwrap()
            .get_pages()
            .is_empty()
    );
}

#[test]
fn png_bit_depths_and_alpha_stay_lossless() {
    let encode = |img: image::DynamicImage| {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let rgba16 = image::ImageBuffer::from_fn(5, 3, |x, y| {
        image::Rgba([x as u16 * 4099, y as u16 * 9001, 7, 1000 + x as u16])
    });
    let gray_alpha = image::ImageBuffer::from_fn(4, 2, |x, _| image::LumaA([x as u8 * 60, 128]));
    let pngs = [
        encode(image::DynamicImage::ImageRgba16(rgba16)),
        encode(image::DynamicImage::ImageLumaA8(gray_alpha)),
    ];
    let mut l = sample_layout();
    l.outline.clear();
    let items = pngs
        .iter()
        .enumerate()
        .map(|(i, data)| Positioned {
            pos: Point {
                x: 50.0 + 100.0 * i as f32,
                y: 50.0,
            },
            item: Item::image(Image {
                data: Arc::new(data.clone()),
                format: ImageFormat::Png,
                pixel_size: (5, 3),
                width: 50.0,
                height: 30.0,
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        })
        .collect();
    l.pages = vec![Page {
        width: 420.0,
        height: 595.0,
        items,
    }];
    let bytes = write_pdf(&l).unwrap();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("png-depths.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (ok, out) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(ok && !out.contains("WARNING"), "{out}");
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = doc.get_pages()[&1];
    let res = doc
        .get_dictionary(
            doc.get_dictionary(page)
                .unwrap()
                .get(b"Resources")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    let xobjects = res.get(b"XObject").unwrap().as_dict().unwrap();
    let stream = |id: lopdf::ObjectId| doc.get_object(id).unwrap().as_stream().unwrap();
    for (name, bits, color_len, alpha_len) in [
        (b"Im0", 16, 5 * 3 * 3 * 2, 5 * 3 * 2),
        (b"Im1", 8, 4 * 2, 4 * 2),
    ] {
        let img = stream(xobjects.get(name).unwrap().as_reference().unwrap());
        assert_eq!(
            img.dict.get(b"BitsPerComponent").unwrap().as_i64().unwrap(),
            bits
        );
        assert_eq!(img.decompressed_content().unwrap().len(), color_len);
        let mask = stream(img.dict.get(b"SMask").unwrap().as_reference().unwrap());
        assert_eq!(mask.decompressed_content().unwrap().len(), alpha_len);
    }
}

#[test]
#[should_panic(expected = "bash .ci/test-deps")]
fn missing_tool_names_the_setup_command() {
    run("trang-no-such-tool", &[]);
}
