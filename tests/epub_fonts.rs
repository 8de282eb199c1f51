//! The EPUB's embedded font subsets shape text as the full fonts do: they
//! keep `GSUB`, `GPOS` and `GDEF` for the glyphs kept (src/epub/subset.rs),
//! so kerning, ligatures and mark positioning survive into the reading
//! system. Checked twice: with our own shaper (harfrust) on the subset
//! against the full font, glyph by glyph; and as a reader sees it, in
//! headless Chromium through `tests/reader/shaping.cjs`, which opens a
//! content document of the unpacked EPUB with its embedded fonts. Before,
//! the subsets came from typst's `subsetter` (made for PDF, no layout
//! tables): "Tr" was 102.7 px wide at 100 px in the subset, 99.7 px in the
//! full font, "fi" two glyphs instead of one.
//!
//! Chromium, playwright-core and jszip come from `bash .ci/test-deps`;
//! without them the reader test fails saying so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

mod common;

use common::{root, unzip};
use harfrust::{
    Buffer, BufferFlags, Direction, Font, Language, Script, ShapeOptions, ShapePlan, ShaperFont,
};
use read_fonts::TableProvider;
use read_fonts::types::GlyphId;
use std::str::FromStr;
use trang::diag::Diagnostics;
use trang::fonts::FontSet;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Kerned pairs, a ligature and marks placed by `GPOS` (a circumflex and
/// a tilde on letters with no precomposed form), in Vietnamese text.
const SAMPLES_MD: &str = "---\ntitle: Thử chữ\nlang: vi\n---\n\n\
    Và Văn hoá Trường; file office; x\u{302} q\u{303} ŏ.\n";

fn build(md: &str, path: &Path, fonts: &FontSet) -> Vec<u8> {
    common::epub_from_markdown(md, path, fonts).0
}

fn bundled() -> FontSet {
    FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap()
}

fn article() -> (PathBuf, String) {
    let path = root().join("source/article.md");
    let md = std::fs::read_to_string(&path).unwrap();
    (path, md)
}

/// One shaped glyph: id, cluster, advance, x and y offset (font units).
type Glyph = (u32, u32, i32, i32, i32);

/// Each word shaped by harfrust in font `data` as the typesetter shapes
/// (Latin, Vietnamese, default features): per glyph its id, cluster,
/// advance and `GPOS` offsets, in font units.
fn shape_words(data: &[u8], words: &[&str]) -> Vec<Vec<Glyph>> {
    let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data.to_vec());
    let font = Font::new(bytes, 0).expect("a font");
    let vi = Language::from_str("vi").ok();
    let plan = ShapePlan::new(
        &font,
        Direction::LeftToRight,
        Some(Script::LATIN),
        vi.as_ref(),
        &[],
    );
    let shaper = ShaperFont::new(&font);
    let mut buffer = Buffer::new();
    words
        .iter()
        .map(|word| {
            buffer.clear();
            buffer.set_flags(BufferFlags::REMOVE_DEFAULT_IGNORABLES);
            buffer.push_str(word);
            buffer.set_direction(Direction::LeftToRight);
            buffer.set_script(Some(Script::LATIN));
            buffer.set_language(vi.clone());
            harfrust::shape(&shaper, &mut buffer, ShapeOptions::new().plan(Some(&plan)))
                .expect("shaped");
            buffer
                .glyph_infos()
                .iter()
                .zip(buffer.glyph_positions())
                .map(|(i, p)| (i.glyph_id, i.cluster, p.x_advance, p.x_offset, p.y_offset))
                .collect()
        })
        .collect()
}

/// The text of the XHTML documents of an EPUB, tags dropped.
fn epub_words(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut words = Vec::new();
    for (name, data) in files {
        if !name.ends_with(".xhtml") || name.ends_with("nav.xhtml") {
            continue;
        }
        let text = common::strip_tags(&String::from_utf8_lossy(data));
        words.extend(
            text.split_whitespace()
                .filter(|w| !w.contains('&'))
                .map(str::to_string),
        );
    }
    words
}

/// Every word of the article and of the samples, shaped by harfrust with
/// the EPUB's Source Serif 4 and Be Vietnam Pro subsets (regular and bold)
/// and with the full fonts: same glyph count, clusters, advances and `GPOS`
/// offsets, word by word. The words include kerned pairs ("Tr", "Tây") and
/// ligatures ("fi"): the full font's advances differ from the glyphs'
/// nominal ones on some of them, so equal positions mean the subset kept
/// the kerning, not that there was none to keep.
#[test]
fn subsets_shape_every_word_as_the_full_fonts() {
    let fonts = bundled();
    let (path, md) = article();
    let samples = Path::new("samples.md");
    let mut words = Vec::new();
    let mut subsets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (md, path) in [(md.as_str(), path.as_path()), (SAMPLES_MD, samples)] {
        let files = unzip(&build(md, path, &fonts));
        words.extend(epub_words(&files));
        // The first book's subsets are the ones checked; the samples' words
        // are shaped with the samples' own.
        for (name, data) in files {
            if let Some(font) = name.strip_prefix("OEBPS/fonts/") {
                let key = format!("{}:{font}", path.display());
                subsets.insert(key, data);
            }
        }
    }
    let cases = [
        "source-serif-4/SourceSerif4-Regular.ttf",
        "source-serif-4/SourceSerif4-Bold.ttf",
        "be-vietnam-pro/BeVietnamPro_400Regular.ttf",
        "be-vietnam-pro/BeVietnamPro_700Bold.ttf",
    ];
    let mut kerned = 0;
    let mut compared = 0;
    for case in cases {
        let full_data = std::fs::read(FontSet::bundled_dir().join(case)).unwrap();
        let file = case.rsplit('/').next().unwrap();
        for book in [path.as_path(), samples] {
            let Some(sub_data) = subsets.get(&format!("{}:{file}", book.display())) else {
                continue;
            };
            let font = read_fonts::FontRef::new(sub_data).unwrap();
            for tag in [b"GSUB", b"GPOS", b"GDEF"] {
                assert!(
                    font.table_data(read_fonts::types::Tag::new(tag)).is_some(),
                    "{file} of {} has no {}",
                    book.display(),
                    String::from_utf8_lossy(tag)
                );
            }
            // Only words the subset covers (the book sets part of its text
            // in each face).
            let cmap = font.cmap().unwrap();
            let covered: Vec<&str> = words
                .iter()
                .map(String::as_str)
                .filter(|w| {
                    w.chars()
                        .all(|c| cmap.map_codepoint(c).is_some_and(|g| g.to_u32() != 0))
                })
                .collect();
            let full = shape_words(&full_data, &covered);
            let sub = shape_words(sub_data, &covered);
            let hmtx = read_fonts::FontRef::new(&full_data)
                .unwrap()
                .hmtx()
                .unwrap();
            for ((word, a), b) in covered.iter().zip(&full).zip(&sub) {
                let pos = |s: &[Glyph]| -> Vec<(u32, i32, i32, i32)> {
                    s.iter().map(|g| (g.1, g.2, g.3, g.4)).collect()
                };
                assert_eq!(
                    pos(a),
                    pos(b),
                    "{file} of {}: \"{word}\" is shaped differently by the subset",
                    book.display()
                );
                assert!(
                    b.iter().all(|g| g.0 != 0),
                    "{file}: \"{word}\" has a missing glyph"
                );
                let nominal: i32 = a
                    .iter()
                    .map(|g| i32::from(hmtx.advance(GlyphId::new(g.0)).unwrap_or(0)))
                    .sum();
                if nominal != a.iter().map(|g| g.2).sum::<i32>() {
                    kerned += 1;
                }
                compared += 1;
            }
        }
    }
    eprintln!("{compared} words compared, {kerned} of them kerned");
    assert!(compared > 1000, "{compared} words compared");
    assert!(kerned > 50, "only {kerned} kerned words: is GPOS applied?");
}

/// Same input, same subset bytes (skera's hash maps have a fixed seed).
#[test]
fn subsets_are_deterministic() {
    let fonts = bundled();
    let (path, md) = article();
    let a = unzip(&build(&md, &path, &fonts));
    let b = unzip(&build(&md, &path, &fonts));
    let fonts_of = |f: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        f.iter()
            .filter(|(k, _)| k.starts_with("OEBPS/fonts/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(fonts_of(&a).len(), 5);
    assert!(fonts_of(&a) == fonts_of(&b), "subsets differ between runs");
}

/// One sample as Chromium measured it in one font (see shaping.cjs).
#[derive(Debug)]
struct Measure {
    kerned: f64,
    unkerned: f64,
    chars: f64,
    glyphs: u64,
    custom: bool,
    ink: Vec<f64>,
}

fn measure(v: &serde_json::Value) -> Measure {
    Measure {
        kerned: v["kerned"].as_f64().unwrap(),
        unkerned: v["unkerned"].as_f64().unwrap(),
        chars: v["chars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .sum(),
        glyphs: v["glyphs"].as_u64().unwrap(),
        custom: v["custom"].as_bool().unwrap(),
        ink: v["ink"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .collect(),
    }
}

/// Runs `tests/reader/shaping.cjs` on `doc` of `epub` with the bundled
/// Source Serif 4 Regular as the full font: (subset, full) per sample.
fn chromium_measures(
    epub: &Path,
    doc: &str,
    samples: &[&str],
    dir: &Path,
) -> Vec<(String, Measure, Measure)> {
    let list = dir.join(format!("{doc}.samples.json").replace('/', "-"));
    std::fs::write(&list, serde_json::to_string(samples).unwrap()).unwrap();
    let full = FontSet::bundled_dir().join("source-serif-4/SourceSerif4-Regular.ttf");
    let out = Command::new("node")
        .arg(root().join("tests/reader/shaping.cjs"))
        .arg(epub)
        .arg(doc)
        .arg(&full)
        .arg(&list)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): set up with `bash .ci/test-deps`"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the shaping check failed on {} (playwright-core and jszip come from \
         `bash .ci/test-deps`, Chromium at {CHROMIUM}):\n{stdout}{}",
        epub.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(
        report["family"]
            .as_str()
            .unwrap()
            .contains("Source Serif 4"),
        "{report}"
    );
    report["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["text"].as_str().unwrap().to_string(),
                measure(&s["subset"]),
                measure(&s["full"]),
            )
        })
        .collect()
}

/// In headless Chromium, the EPUB's embedded Source Serif 4 kerns, forms
/// ligatures and places marks as the full font does. For the article's
/// "Tr", "Tây", "Yên" and a whole sentence, and the samples' "Và", "Văn":
/// the kerned width differs from the sum of the letters measured one by
/// one with `font-kerning: none`, and equals the full font's. "fi" and
/// "ffi" are one glyph each, as in the full font. Stacked Vietnamese marks
/// ("ệ", "ẫ", precomposed) and marks that `GPOS` places ("x̂", "q̃") draw
/// their ink in the same box as with the full font (canvas at 200 px).
#[test]
fn chromium_kerns_and_places_marks_with_the_embedded_subset() {
    let fonts = bundled();
    let dir = tempfile::tempdir().unwrap();
    let (path, md) = article();
    let article_epub = dir.path().join("article.epub");
    std::fs::write(&article_epub, build(&md, &path, &fonts)).unwrap();
    let samples_epub = dir.path().join("samples.epub");
    std::fs::write(
        &samples_epub,
        build(SAMPLES_MD, Path::new("samples.md"), &fonts),
    )
    .unwrap();
    let sentence = "Trong 5 năm qua, Ban Chỉ đạo Tây Bắc và Ban Dân vận Trung ương";
    assert!(md.contains(sentence));
    let kerned: &[&str] = &["Tr", "Tây", "Yên", sentence, "Và", "Văn"];
    let ligatures: &[&str] = &["fi", "ffi"];
    let marks: &[&str] = &["ệ", "ẫ", "x\u{302}", "q\u{303}"];
    let mut measured = chromium_measures(
        &article_epub,
        "OEBPS/chapter-01.xhtml",
        &["Tr", "Tây", "Yên", sentence, "ệ", "ẫ"],
        dir.path(),
    );
    measured.extend(chromium_measures(
        &samples_epub,
        "OEBPS/chapter-01.xhtml",
        &["Và", "Văn", "fi", "ffi", "x\u{302}", "q\u{303}"],
        dir.path(),
    ));
    assert_eq!(measured.len(), 12);
    for (text, sub, full) in &measured {
        eprintln!(
            "\"{text}\": subset {:.3} px kerned, {:.3} unkerned, {:.3} letter by letter, {} glyphs, ink {:?}; full font {:.3} kerned, {} glyphs, ink {:?}",
            sub.kerned,
            sub.unkerned,
            sub.chars,
            sub.glyphs,
            sub.ink,
            full.kerned,
            full.glyphs,
            full.ink
        );
        assert!(
            sub.custom,
            "\"{text}\" is not drawn with the subset: {sub:?}"
        );
        assert!(full.custom, "\"{text}\" is not drawn with the full font");
        assert!(
            (sub.kerned - full.kerned).abs() < 0.01,
            "\"{text}\": {} px with the subset, {} px with the full font",
            sub.kerned,
            full.kerned
        );
        assert_eq!(sub.glyphs, full.glyphs, "\"{text}\": glyph count");
        if kerned.contains(&text.as_str()) {
            assert!(
                sub.kerned < sub.chars - 1.0 && sub.kerned < sub.unkerned - 1.0,
                "\"{text}\" is not kerned by the subset: {sub:?}"
            );
        }
        if ligatures.contains(&text.as_str()) {
            assert_eq!(sub.glyphs, 1, "\"{text}\" is not a ligature: {sub:?}");
        }
        if marks.contains(&text.as_str()) {
            for (s, f) in sub.ink.iter().zip(&full.ink).take(4) {
                assert!(
                    (s - f).abs() <= 1.0,
                    "\"{text}\": ink box {:?} with the subset, {:?} with the full font",
                    sub.ink,
                    full.ink
                );
            }
        }
    }
}
