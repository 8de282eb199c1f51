//! Font fallback (issue 14): the face of each grapheme cluster, the real
//! documents that need fallback faces built with the release binary and
//! read back with poppler, the grouped error for characters no face covers,
//! and the binary working from an empty folder (fonts compiled in).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_fonts_subset, root, tool};
use trang::diag::Diagnostics;
use trang::fallback::{Run, runs};
use trang::fonts::{FontSet, Role, Style};

fn bundled() -> FontSet {
    let mut diags = Diagnostics::default();
    let mut set = FontSet::load_bundled(&mut diags).unwrap();
    assert!(diags.items.is_empty(), "{:?}", diags.items);
    // Unit tests must not depend on the machine.
    set.fallback.set_system_fonts(false);
    set
}

/// (text of the run, family of its face, missing) for each run.
fn faces<'a>(text: &'a str, runs: &[Run]) -> Vec<(&'a str, String, bool)> {
    runs.iter()
        .map(|r| (&text[r.range.clone()], r.face.family.clone(), r.missing))
        .collect()
}

#[test]
fn a_vietnamese_word_with_a_math_symbol_is_cut_at_the_symbol() {
    let fonts = bundled();
    for (text, role, family) in [
        ("x∈Ả", Role::Body, "Source Serif 4"),
        ("x∈Ả", Role::Heading, "Be Vietnam Pro"),
    ] {
        let r = runs(&fonts, role, Style::REGULAR, text);
        assert_eq!(
            faces(text, &r),
            [
                ("x", family.to_string(), false),
                ("∈", "Noto Sans Math".to_string(), false),
                ("Ả", family.to_string(), false),
            ]
        );
    }
    // The same letter decomposed (A + U+0309) stays one cluster in the
    // body face, not a base in one face and its mark in another.
    let nfd = "x∈A\u{309}";
    let r = runs(&fonts, Role::Body, Style::REGULAR, nfd);
    assert_eq!(
        faces(nfd, &r)[2],
        ("A\u{309}", "Source Serif 4".into(), false)
    );
}

#[test]
fn an_emoji_keeps_its_skin_tone_and_zwj_sequence_in_one_run() {
    let fonts = bundled();
    for text in ["👍🏽", "👩\u{200D}💻", "❤\u{FE0F}"] {
        let r = runs(&fonts, Role::Body, Style::REGULAR, text);
        assert_eq!(
            faces(text, &r),
            [(text, "Noto Emoji".to_string(), false)],
            "{text:?}"
        );
    }
    // Text around it stays in the body face; the space joins the emoji run
    // before it only when that face has a space.
    let text = "Xong ✅ rồi";
    let r = runs(&fonts, Role::Body, Style::REGULAR, text);
    let got = faces(text, &r);
    assert_eq!(got[0], ("Xong ", "Source Serif 4".into(), false));
    assert!(
        got[1].0.starts_with('✅') && got[1].1 == "Noto Emoji",
        "{got:?}"
    );
    assert_eq!(got.last().unwrap().0.trim(), "rồi");
}

#[test]
fn covered_text_is_one_run_and_unknown_characters_are_marked_missing() {
    let fonts = bundled();
    let text = "Tiếng Việt có dấu “ngoặc” – và …";
    let r = runs(&fonts, Role::Body, Style::REGULAR, text);
    assert_eq!(faces(text, &r), [(text, "Source Serif 4".into(), false)]);
    // U+FFFD comes from a bundled face (CommonMark's `&#0;`).
    let r = runs(&fonts, Role::Body, Style::REGULAR, "a\u{FFFD}b");
    assert_eq!(r[1].face.family, "Noto Sans");
    // Hán characters: no bundled face, system fonts off.
    let text = "斷腸";
    let r = runs(&fonts, Role::Body, Style::REGULAR, text);
    assert!(r.iter().all(|r| r.missing), "{:?}", faces(text, &r));
    assert_eq!(
        trang::fallback::missing(&fonts, Role::Body, Style::REGULAR, "x斷y")
            .into_iter()
            .map(|(_, c)| c)
            .collect::<String>(),
        "斷"
    );
}

fn case(name: &str) -> PathBuf {
    root().join("tests/fixtures/real-docs").join(name)
}

fn run(args: &[&str], input: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trang"))
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg(input)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap()
}

/// Builds a case hermetically, returns (pdftotext of the PDF, pdffonts).
fn build_case(name: &str) -> (String, String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["--no-system-fonts"], &case(name), dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {err}");
    assert!(!err.contains("warning"), "{name}: {err}");
    let stem = name.trim_end_matches(".md");
    let pdf = dir.path().join(format!("{stem}.pdf"));
    let p = pdf.to_str().unwrap();
    let text = tool("pdftotext", &[p, "-"]);
    let fonts = tool("pdffonts", &[p]);
    assert_fonts_subset(&pdf);
    (text, fonts, dir.path().join(format!("{stem}.epub")), dir)
}

#[test]
fn math_symbols_build_and_copy_back_from_noto_sans_math() {
    let (text, fonts, _, _dir) = build_case("symbols-math.md");
    assert!(
        text.contains("Với mọi x ∈ A, ta có A ⊆ B; tập rỗng ∅."),
        "{text}"
    );
    assert!(fonts.contains("+NotoSansMath-Regular"), "{fonts}");
}

#[test]
fn emoji_build_and_copy_back_exactly() {
    let (text, fonts, epub, _dir) = build_case("emoji.md");
    assert!(text.contains("✅ Hoàn thành bài 1 💡"), "{text}");
    assert!(fonts.contains("+NotoEmoji-Regular"), "{fonts}");
    // The EPUB leaves emoji to the reading system: no emoji face in it.
    let listing = tool("unzip", &["-l", epub.to_str().unwrap()]);
    assert!(!listing.contains("NotoEmoji"), "{listing}");
}

#[test]
fn a_nul_entity_is_drawn_as_the_replacement_character() {
    let (text, fonts, _, _dir) = build_case("nul-entity.md");
    assert!(text.contains("Giá trị rỗng: \u{FFFD} ở đây."), "{text}");
    assert!(fonts.contains("+NotoSans-Regular"), "{fonts}");
}

#[test]
fn the_epub_embeds_the_math_face_and_names_it_in_the_stacks() {
    let (_, _, epub, dir) = build_case("symbols-math.md");
    let listing = tool("unzip", &["-l", epub.to_str().unwrap()]);
    assert!(listing.contains("fonts/NotoSansMath"), "{listing}");
    let css = tool(
        "unzip",
        &["-p", epub.to_str().unwrap(), "OEBPS/stylesheet.css"],
    );
    assert!(
        css.contains("\"Source Serif 4\", \"Noto Sans Math\", serif"),
        "{css}"
    );
    drop(dir);
}

#[test]
fn han_nom_without_system_fonts_is_one_short_grouped_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["--no-system-fonts"], &case("han-nom.md"), dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.lines().count() <= 12,
        "{} lines:\n{err}",
        err.lines().count()
    );
    assert_eq!(err.matches("error: no font covers").count(), 1, "{err}");
    let errors = err.lines().filter(|l| l.starts_with("error")).count();
    assert_eq!(errors, 2, "the block and the summary: {err}");
    for (c, cp) in [
        ('斷', "U+65B7"),
        ('腸', "U+8178"),
        ('新', "U+65B0"),
        ('聲', "U+8072"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(c))
            .unwrap_or_else(|| panic!("{c} missing:\n{err}"));
        assert!(
            line.contains(cp) && line.contains("han-nom.md:5:"),
            "{line}"
        );
    }
    assert!(
        err.contains("fonts-noto-cjk") && err.contains("--fonts"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_binary_works_alone_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("trang");
    // Copied by `cp`, not in this process: a file this process holds open
    // for writing leaks into children other tests fork meanwhile, and
    // running it then fails with "Text file busy".
    let copied = Command::new("cp")
        .arg(env!("CARGO_BIN_EXE_trang"))
        .arg(&bin)
        .status()
        .unwrap();
    assert!(copied.success());
    std::fs::write(
        dir.path().join("ghi-chu.md"),
        "---\ntitle: Ghi chú\n---\n\n# Mở đầu\n\nTiếng Việt, `mã`, *nghiêng*, x ∈ A ✅.\n",
    )
    .unwrap();
    let out = Command::new(&bin)
        .args(["build", "--no-system-fonts", "ghi-chu.md"])
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("out/ghi-chu.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("Tiếng Việt, mã, nghiêng, x ∈ A ✅."),
        "{text}"
    );
    assert!(dir.path().join("out/ghi-chu.epub").is_file());
}

#[test]
fn a_font_folder_without_a_fallback_list_falls_back_to_the_bundled_faces() {
    let dir = tempfile::tempdir().unwrap();
    let serif = root().join("fonts/source-serif-4/SourceSerif4-Regular.ttf");
    std::fs::write(
        dir.path().join("fonts.toml"),
        format!(
            "[body]\nfamily = \"Serif\"\nregular = {:?}\n",
            serif.display().to_string()
        ),
    )
    .unwrap();
    let mut diags = Diagnostics::default();
    let mut fonts = FontSet::load(dir.path(), &mut diags).unwrap();
    fonts.fallback.set_system_fonts(false);
    let text = "A∈B";
    let r = runs(&fonts, Role::Code, Style::REGULAR, text);
    assert_eq!(
        faces(text, &r),
        [
            ("A", "Serif".to_string(), false),
            ("∈", "Noto Sans Math".to_string(), false),
            ("B", "Serif".to_string(), false),
        ]
    );
}

#[test]
fn a_system_font_is_used_only_when_needed_and_named() {
    // Armenian: in no bundled face. DejaVu Sans (TrueType) has it when
    // installed; either way the build says what happened.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("he-thong.md");
    std::fs::write(&input, "---\ntitle: Ա ở tiêu đề\n---\n\nChữ Ա và Աբ.\n").unwrap();
    let out = run(&[], &input, &dir.path().join("out"));
    let err = String::from_utf8_lossy(&out.stderr);
    let dejavu = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if dejavu.is_file() {
        assert!(out.status.success(), "{err}");
        // One line per system face: the body text's (a serif face, DejaVu
        // Serif) and the title's (a sans face, DejaVu Sans).
        let lines: Vec<&str> = err.lines().filter(|l| l.contains("system font")).collect();
        let body = lines
            .iter()
            .find(|l| l.contains("DejaVu Serif"))
            .unwrap_or_else(|| panic!("{err}"));
        assert!(
            body.contains("Ա U+0531") && body.contains("բ U+0562"),
            "{body}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("DejaVu Sans") && l.contains("Ա U+0531")),
            "{err}"
        );
        let pdf = dir.path().join("out/he-thong.pdf");
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        assert!(text.contains("Chữ Ա và Աբ."), "{text}");
    } else {
        assert!(!out.status.success(), "{err}");
    }
    // Without system fonts: one error; Ա counted once in the title (checked
    // in two faces) and twice in the text.
    let out = run(&["--no-system-fonts"], &input, &dir.path().join("out2"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("`Ա` U+0531 ×3, first at"), "{err}");
    assert!(err.contains("`բ` U+0562 ×1, first at"), "{err}");
}
