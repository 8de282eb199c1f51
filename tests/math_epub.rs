//! Formulas in the EPUB (issue 18): MathML with its text and TeX, the
//! manifest's `mathml` property on the documents that have formulas, the
//! math face embedded as a subset that keeps its `MATH` table (skera drops
//! it; src/epub/mathtable.rs writes it back), the stylesheet's math rules
//! only in a book with formulas, EPUBCheck silent, the same bytes twice,
//! and `--epub-math svg` drawn alike by Chromium and WebKit.
//!
//! EPUBCheck comes from `bash .ci/test-deps`; without it the test fails
//! saying so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use common::{EPOCH, attr, bundled_fonts, epub_from_markdown, root, unzip};
use read_fonts::tables::math::{MathGlyphConstruction, MathValueRecord};
use read_fonts::types::GlyphId;
use read_fonts::{FontRef, ReadError, TableProvider};

/// A handout page: inline and display formulas, a numbered `align`, a
/// matrix, cases, a root and a big operator, Vietnamese in `\text{}`.
const HANDOUT: &str = "---\ntitle: Phương trình bậc hai\nlang: vi\n---\n\n\
    # Nghiệm\n\n\
    Phương trình $ax^2 + bx + c = 0$ có biệt thức $\\Delta = b^2 - 4ac$, giá 50$.\n\
    Khi $\\Delta \\ge 0$,\n\
    $$x_{1,2} = \\frac{-b \\pm \\sqrt{\\Delta}}{2a}$$\n\
    là hai nghiệm.\n\n\
    ```math\n\\begin{align} \\sin^2 x + \\cos^2 x &= 1 \\\\ e^{i\\pi} &= -1 \\end{align}\n```\n\n\
    $$f(x) = \\begin{cases} \\sqrt[3]{x} & x > 0 \\\\ 0 & \\text{nghiệm kép} \\end{cases} \
    \\quad \\sum_{k=1}^{n} k = \\left( \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix} \\right)$$\n\n\
    # Không có công thức\n\nChỉ có chữ.\n";

fn handout() -> Vec<u8> {
    epub_from_markdown(HANDOUT, Path::new("handout.md"), &bundled_fonts()).0
}

fn text(files: &BTreeMap<String, Vec<u8>>, suffix: &str) -> String {
    let (_, data) = files
        .iter()
        .find(|(name, _)| name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {:?}", files.keys()));
    String::from_utf8(data.clone()).unwrap()
}

/// The content documents that hold a `<math>`.
fn with_math(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    files
        .iter()
        .filter(|(name, data)| {
            name.ends_with(".xhtml") && String::from_utf8_lossy(data).contains("<math ")
        })
        .map(|(name, _)| name.rsplit('/').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_formula_is_mathml_with_its_text_and_its_tex() {
    let files = unzip(&handout());
    let docs = with_math(&files);
    assert_eq!(docs.len(), 1, "{docs:?}");
    let x = text(&files, &docs[0]);
    // The display formula: a block, its text in Unicode math, its TeX.
    let display = x
        .split("<div class=\"math\">")
        .nth(1)
        .expect("a display formula");
    let math = &display[..display.find("</math>").unwrap()];
    assert_eq!(attr(math, "display").as_deref(), Some("block"), "{math}");
    assert_eq!(
        attr(math, "xmlns").as_deref(),
        Some("http://www.w3.org/1998/Math/MathML")
    );
    let alttext = attr(math, "alttext").unwrap();
    assert!(alttext.contains('±') && alttext.contains('√'), "{alttext}");
    assert!(
        math.contains(
            "<annotation encoding=\"application/x-tex\">x_{1,2} = \\frac{-b \\pm \\sqrt{\\Delta}}{2a}</annotation>"
        ),
        "{math}"
    );
    assert!(
        math.contains("<mfrac>") && math.contains("<msqrt>"),
        "{math}"
    );
    // Inline formulas stay in their paragraph, not blocks; the lone dollar
    // of a price is text.
    let para = x
        .split("<p>")
        .find(|p| p.contains("Phương trình"))
        .and_then(|p| p.split("</p>").next())
        .unwrap();
    let inline: Vec<&str> = para.split("<math ").skip(1).collect();
    assert_eq!(inline.len(), 3, "{para}");
    assert!(
        inline.iter().all(|m| attr(m, "display").is_none()),
        "{para}"
    );
    assert!(para.contains("giá 50$."), "{para}");
    // The numbered rows carry their numbers, and `\text{}` its Vietnamese.
    assert!(x.contains("<mtext>(1)</mtext>") && x.contains("<mtext>(2)</mtext>"));
    assert!(x.contains("<mtext>nghiệm\u{a0}kép</mtext>"), "{x}");
}

#[test]
fn only_the_documents_with_formulas_are_marked_mathml() {
    let files = unzip(&handout());
    let opf = text(&files, ".opf");
    let docs = with_math(&files);
    let items: Vec<&str> = opf.split("<item ").skip(1).collect();
    let xhtml: Vec<&&str> = items
        .iter()
        .filter(|i| attr(i, "href").is_some_and(|h| h.ends_with(".xhtml")))
        .collect();
    assert!(xhtml.len() >= 3, "{opf}");
    for item in xhtml {
        let href = attr(item, "href").unwrap();
        let marked = attr(item, "properties").is_some_and(|p| p.split(' ').any(|p| p == "mathml"));
        let has = docs.iter().any(|d| href.ends_with(d.as_str()));
        assert_eq!(marked, has, "{href}: {item}");
    }
}

#[test]
fn epubcheck_is_silent_on_a_document_with_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("handout.epub");
    std::fs::write(&path, handout()).unwrap();
    // Every construct of issue 18 that math-core reads, in one document.
    let all = root().join("tests/math_epub/constructs.md");
    let md = std::fs::read_to_string(&all).unwrap();
    let out = dir.path().join("constructs.epub");
    std::fs::write(&out, epub_from_markdown(&md, &all, &bundled_fonts()).0).unwrap();
    common::epubcheck_silent(&[path, out]);
}

/// The subset's `MATH` table and glyphs against the full face's: every
/// character the formulas draw is in the subset with the same italic
/// correction, accent attachment, size variants and assembly parts
/// (compared through the glyphs' names), and the subset is a small part
/// of the face.
#[test]
fn the_math_face_is_a_subset_with_its_math_table() {
    let epub = handout();
    let files = unzip(&epub);
    let css = text(&files, "stylesheet.css");
    let (href, sub) = files
        .iter()
        .find(|(name, _)| name.contains("fonts/STIXTwoMath"))
        .unwrap_or_else(|| panic!("no math face in {:?}", files.keys()));
    assert!(href.ends_with(".otf"), "{href}");
    let file = href.rsplit('/').next().unwrap();
    assert!(
        css.contains(&format!(
            "font-family: \"STIX Two Math\";\n  font-style: normal;\n  font-weight: 400;\n  src: url(fonts/{file});"
        )),
        "{css}"
    );
    assert!(
        css.contains("\nmath { font-family: \"STIX Two Math\", math; }\n"),
        "{css}"
    );
    let full_data =
        std::fs::read(root().join("fonts/stix-two-math/STIXTwoMath-Regular.otf")).unwrap();
    let full = FontRef::new(&full_data).unwrap();
    let sub = FontRef::new(sub).unwrap();
    let (n_full, n_sub) = (
        full.maxp().unwrap().num_glyphs(),
        sub.maxp().unwrap().num_glyphs(),
    );
    assert!(n_sub < n_full / 10, "{n_sub} of {n_full} glyphs");
    assert!(
        sub.table_data(read_fonts::types::Tag::new(b"MATH"))
            .is_some(),
        "the subset has no MATH table"
    );
    // What the formulas draw: letters in math italic (Chromium's
    // `math-auto`), operators, a radical, a summation, brackets.
    let drawn = "𝑎𝑏𝑐𝑥𝑒𝑓𝑘𝑛𝜋Δ+−=±√∑()≥";
    let constants = |f: &FontRef| {
        let c = f.math().unwrap().math_constants().unwrap();
        (
            c.axis_height().value(),
            c.fraction_rule_thickness().value(),
            c.radical_vertical_gap().value(),
            c.script_percent_scale_down(),
        )
    };
    assert_eq!(constants(&sub), constants(&full));
    let mut variants = 0;
    for c in drawn.chars() {
        let (Some(g_full), Some(g_sub)) = (glyph(&full, c), glyph(&sub, c)) else {
            panic!("{c} (U+{:04X}) is not in the subset", c as u32);
        };
        let (a, b) = (math_of(&full, g_full), math_of(&sub, g_sub));
        assert_eq!(a.italic, b.italic, "{c}: italic correction");
        assert_eq!(a.accent, b.accent, "{c}: top accent attachment");
        assert_eq!(
            measured(&full, &a.variants),
            measured(&sub, &b.variants),
            "{c}: size variants"
        );
        assert_eq!(a.variant_sizes, b.variant_sizes, "{c}: variant sizes");
        assert_eq!(
            measured(&full, &a.parts),
            measured(&sub, &b.parts),
            "{c}: assembly parts"
        );
        assert_eq!(a.part_shapes, b.part_shapes, "{c}: assembly connectors");
        variants += b.variants.len();
    }
    // √, ∑ and the parentheses grow in the full face, so in the subset.
    assert!(variants >= 4 * 2, "{variants} size variants kept");
}

/// The glyph of `c` in `f`'s `cmap`.
fn glyph(f: &FontRef, c: char) -> Option<u16> {
    let g = f.cmap().ok()?.map_codepoint(c)?;
    Some(g.to_u32() as u16).filter(|&g| g != 0)
}

/// The advance and bounding box of each glyph (subsets renumber glyphs;
/// the shapes and metrics stay).
fn measured(f: &FontRef, glyphs: &[u16]) -> Vec<(u16, Option<[i32; 4]>)> {
    use skrifa::MetadataProvider;
    let hmtx = f.hmtx().unwrap();
    let outlines = f.outline_glyphs();
    glyphs
        .iter()
        .map(|&g| {
            let id = GlyphId::from(g);
            let advance = hmtx.advance(id).unwrap_or(0);
            let mut pen = Bounds::default();
            let settings = skrifa::outline::DrawSettings::unhinted(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            );
            outlines.get(id).unwrap().draw(settings, &mut pen).unwrap();
            (advance, pen.0.map(|b| b.map(|v| v.round() as i32)))
        })
        .collect()
}

/// The bounding box of an outline's points.
#[derive(Default)]
struct Bounds(Option<[f32; 4]>);

impl Bounds {
    fn add(&mut self, x: f32, y: f32) {
        let b = self.0.get_or_insert([x, y, x, y]);
        *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
}

impl skrifa::outline::OutlinePen for Bounds {
    fn move_to(&mut self, x: f32, y: f32) {
        self.add(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.add(x, y);
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        self.add(cx, cy);
        self.add(x, y);
    }
    fn curve_to(&mut self, a: f32, b: f32, c: f32, d: f32, x: f32, y: f32) {
        self.add(a, b);
        self.add(c, d);
        self.add(x, y);
    }
    fn close(&mut self) {}
}

/// What `MATH` says of one glyph.
struct GlyphMath {
    italic: Option<i16>,
    accent: Option<i16>,
    variants: Vec<u16>,
    /// Each variant's advance measurement.
    variant_sizes: Vec<u16>,
    parts: Vec<u16>,
    /// Each part's connectors, full advance and flags.
    part_shapes: Vec<(u16, u16, u16, u16)>,
}

fn math_of(f: &FontRef, g: u16) -> GlyphMath {
    let math = f.math().unwrap();
    let info = math.math_glyph_info().unwrap();
    let value = |coverage: Result<read_fonts::tables::layout::CoverageTable, ReadError>,
                 records: &[MathValueRecord]| {
        coverage
            .unwrap()
            .get(GlyphId::from(g))
            .map(|i| records[i as usize].value().to_i16())
    };
    let italic = info.math_italics_correction_info().and_then(|t| {
        let t = t.unwrap();
        value(t.coverage(), t.italics_correction())
    });
    let accent = info.math_top_accent_attachment().and_then(|t| {
        let t = t.unwrap();
        value(t.top_accent_coverage(), t.top_accent_attachment())
    });
    let v = math.math_variants().unwrap();
    let (mut variants, mut variant_sizes, mut parts, mut part_shapes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut add = |c: MathGlyphConstruction| {
        for r in c.math_glyph_variant_records() {
            variants.push(r.variant_glyph().to_u16());
            variant_sizes.push(r.advance_measurement().to_u16());
        }
        if let Some(a) = c.glyph_assembly() {
            for p in a.unwrap().part_records() {
                parts.push(p.glyph_id().to_u16());
                part_shapes.push((
                    p.start_connector_length().to_u16(),
                    p.end_connector_length().to_u16(),
                    p.full_advance().to_u16(),
                    p.part_flags().bits(),
                ));
            }
        }
    };
    for (coverage, constructions) in [
        (v.vert_glyph_coverage(), v.vert_glyph_constructions()),
        (v.horiz_glyph_coverage(), v.horiz_glyph_constructions()),
    ] {
        if let Some(i) = coverage.and_then(|c| c.unwrap().get(GlyphId::from(g))) {
            add(constructions.get(i as usize).unwrap());
        }
    }
    GlyphMath {
        italic,
        accent,
        variants,
        variant_sizes,
        parts,
        part_shapes,
    }
}

/// A book without formulas reads no math face and writes no math rule:
/// its EPUB is the one it was before formulas existed (the expected
/// fixtures of `tests/expected` pin the bytes).
#[test]
fn a_book_without_formulas_has_no_math_face_nor_math_rules() {
    let path = root().join("tests/fixtures/mixed.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let files = unzip(&epub_from_markdown(&md, &path, &bundled_fonts()).0);
    assert!(with_math(&files).is_empty());
    assert!(
        !files.keys().any(|k| k.contains("STIX")),
        "{:?}",
        files.keys()
    );
    let css = text(&files, "stylesheet.css");
    assert!(!css.contains("math"), "{css}");
    assert!(!text(&files, ".opf").contains("mathml"));
}

#[test]
fn the_display_formula_is_centred_spaced_and_scrolls() {
    let css = text(&unzip(&handout()), "stylesheet.css");
    let rule = css
        .lines()
        .find(|l| l.starts_with("div.math {"))
        .unwrap_or_else(|| panic!("no div.math rule in {css}"));
    for decl in ["text-align: center;", "overflow-x: auto;", "margin: "] {
        assert!(rule.contains(decl), "{rule}");
    }
    assert!(
        css.contains("\nmtext { font-family: \"Source Serif 4\""),
        "{css}"
    );
}

#[test]
fn the_same_formulas_give_the_same_bytes() {
    assert_eq!(handout(), handout());
    // And through the command line, with SOURCE_DATE_EPOCH.
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("handout.md");
    std::fs::write(&md, HANDOUT).unwrap();
    let build = |out: &str| -> PathBuf {
        let out = dir.path().join(out);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_trang"))
            .args(["build", "--no-system-fonts", "--format", "epub"])
            .arg(&md)
            .arg("-o")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
            .status()
            .unwrap();
        assert!(status.success());
        out
    };
    let (a, b) = (build("a"), build("b"));
    let epubs = |d: &Path| -> Vec<Vec<u8>> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "epub"))
            .collect();
        v.sort();
        v.iter().map(|p| std::fs::read(p).unwrap()).collect()
    };
    let (ea, eb) = (epubs(&a), epubs(&b));
    assert_eq!(ea.len(), 1, "{}", a.display());
    assert!(ea == eb, "two builds differ");
}

/// `--epub-math svg` looks the same in Blink and WebKit: every formula of
/// the handout fixture and of the formula list (155) measured in both
/// engines at the same size (to 0.5 px) and drawn with the same pixels (at
/// most 0.5 % differing after a 1 px blur; a missing formula differs by
/// 3.5 % or more). tests/engines/svg_engines.py does the comparison; Chromium,
/// WebKitGTK and Xvfb come from `bash .ci/test-deps`.
#[test]
fn svg_formulas_look_the_same_in_chromium_and_webkit() {
    let dir = tempfile::tempdir().unwrap();
    // The formula list as a document: each formula inline in a sentence,
    // or displayed.
    let mut all = String::from("---\ntitle: Công thức\nlang: vi\n---\n\n");
    let list = std::fs::read_to_string(root().join("tests/fixtures/math/formulas.tsv")).unwrap();
    let mut count = 0;
    for line in list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut cols = line.splitn(3, '\t');
        let (_, mode, tex) = (cols.next(), cols.next().unwrap(), cols.next().unwrap());
        count += 1;
        if mode == "inline" {
            all.push_str(&format!("Ví dụ ${tex}$ ở đây.\n\n"));
        } else {
            all.push_str(&format!("$$\n{tex}\n$$\n\n"));
        }
    }
    let list_md = dir.path().join("formulas.md");
    std::fs::write(&list_md, all).unwrap();
    let handout = root().join("tests/fixtures/math/handout.md");
    for (md, formulas) in [(handout.as_path(), None), (list_md.as_path(), Some(count))] {
        let out = dir.path().join(md.file_stem().unwrap());
        let run = std::process::Command::new("/usr/bin/python3")
            .arg(root().join("tests/engines/svg_engines.py"))
            .args(["--trang", env!("CARGO_BIN_EXE_trang"), "--md"])
            .arg(md)
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
            .output()
            .expect("/usr/bin/python3 runs (bash .ci/test-deps installs its packages)");
        let report = std::fs::read_to_string(out.join("report.txt")).unwrap_or_default();
        assert!(
            run.status.success(),
            "{}: {}\n{report}",
            md.display(),
            String::from_utf8_lossy(&run.stderr)
        );
        let summary = report.lines().last().unwrap_or_default();
        assert!(summary.contains(", 0 differ;"), "{summary}");
        if let Some(n) = formulas {
            assert!(
                summary.starts_with(&format!("{n} formulas")),
                "{n} formulas in the list: {summary}"
            );
        }
    }
}
