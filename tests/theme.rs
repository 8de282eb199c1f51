//! Themes as a user meets them: presets, theme files over a preset, the
//! front matter key, errors in a theme file, and what the presets promise
//! on the page (folios, running heads, the article's attribution).

mod common;

use std::path::Path;
use std::process::Command;

use common::{Word, build_ok, root, words};

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
/// A4 height in points.
const A4_H: f32 = 297.0 * MM;

fn pdf_words(input: &Path, dir: &Path, args: &[&str]) -> Vec<Word> {
    let mut a = vec!["--format", "pdf"];
    a.extend_from_slice(args);
    build_ok(input, dir, &a);
    let stem = input.file_stem().unwrap().to_str().unwrap();
    words(&dir.join(format!("{stem}.pdf")))
}

/// Words standing in the top margin (above `limit` pt) of page `p`.
fn in_head(w: &[Word], p: usize, limit: f32) -> Vec<String> {
    w.iter()
        .filter(|w| w.page == p && w.y1 < limit)
        .map(|w| w.text.clone())
        .collect()
}

/// Words standing in the bottom margin (below `limit` pt from the top).
fn in_foot(w: &[Word], p: usize, limit: f32) -> Vec<String> {
    w.iter()
        .filter(|w| w.page == p && w.y0 > limit)
        .map(|w| w.text.clone())
        .collect()
}

/// The handout's text block starts 30 mm from the left edge (page 2).
fn assert_handout_left_margin(w: &[Word]) {
    let left = w
        .iter()
        .filter(|w| w.page == 1)
        .map(|w| w.x0)
        .fold(f32::MAX, f32::min);
    assert!((left - 30.0 * MM).abs() < 1.0, "left edge {left}");
}

#[test]
fn the_handout_numbers_pages_in_the_top_margin_from_page_two() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("tests/fixtures/long.md");
    let w = pdf_words(&input, dir.path(), &["--theme", "handout"]);
    // Top margin 20 mm: the folio stands above it, none on page 1.
    assert!(
        in_head(&w, 0, 20.0 * MM).is_empty(),
        "{:?}",
        in_head(&w, 0, 20.0 * MM)
    );
    let head: Vec<&Word> = w
        .iter()
        .filter(|w| w.page == 1 && w.y1 < 20.0 * MM)
        .collect();
    assert_eq!(
        head.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["2"]
    );
    // Centred over the text block: 30 mm from the left, 15 mm from the right.
    let centre = (head[0].x0 + head[0].x1) / 2.0;
    let want = (30.0 * MM + (210.0 - 15.0) * MM) / 2.0;
    assert!(
        (centre - want).abs() < 2.0,
        "folio at {centre}, want {want}"
    );
    // And at least 10 mm from the trim.
    assert!(head[0].y0 >= 10.0 * MM - 0.01, "{}", head[0].y0);
    // No folio at the foot.
    assert!(in_foot(&w, 1, A4_H - 20.0 * MM).is_empty());
    // The text block starts 30 mm from the left edge.
    assert_handout_left_margin(&w);
}

#[test]
fn a_theme_file_changes_only_what_it_sets_and_the_front_matter_names_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("foot.toml"),
        "extends = \"handout\"\n[furniture]\nfolio = \"foot\"\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/long.md")).unwrap();
    let text = text.replacen("lang: vi\n", "lang: vi\ntheme: foot.toml\n", 1);
    let input = src.join("doc.md");
    std::fs::write(&input, text).unwrap();
    let w = pdf_words(&input, &dir.path().join("out"), &[]);
    // Still the handout's margins, but the folio at the foot.
    assert!(in_head(&w, 1, 20.0 * MM).is_empty());
    assert_eq!(in_foot(&w, 1, A4_H - 20.0 * MM), ["2"]);
    assert_handout_left_margin(&w);
}

#[test]
fn a_printed_preset_read_back_gives_the_same_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["theme", "book"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = dir.path().join("book.toml");
    std::fs::write(&file, &out.stdout).unwrap();
    let input = root().join("tests/fixtures/long.md");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_ok(&input, &a, &["--format", "pdf", "--theme", "book"]);
    build_ok(
        &input,
        &b,
        &["--format", "pdf", "--theme", file.to_str().unwrap()],
    );
    let read = |d: &Path| std::fs::read(d.join("long.pdf")).unwrap();
    assert!(
        read(&a) == read(&b),
        "the printed preset sets the PDF otherwise"
    );
}

#[test]
fn a_wrong_key_in_a_theme_file_is_an_error_at_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.toml");
    std::fs::write(&file, "[page]\ntop = \"2cm\"\n\n[text]\nsise = 12\n").unwrap();
    let out_dir = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["build", "--theme", file.to_str().unwrap(), "-o"])
        .arg(&out_dir)
        .arg(root().join("source/article.md"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("t.toml:5:1"), "{err}");
    assert!(err.contains("unknown field `sise`"), "{err}");
    assert!(!out_dir.join("article.pdf").exists());
    // A length without its unit.
    std::fs::write(&file, "[page]\ntop = \"20\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["check", "--theme", file.to_str().unwrap()])
        .arg(root().join("source/article.md"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("t.toml:2:") && err.contains("has no unit"),
        "{err}"
    );
}

#[test]
fn the_article_sets_its_attribution_flush_right_and_no_folio_on_page_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("source/article.md");
    let w = pdf_words(&input, dir.path(), &[]);
    let last = w.iter().rev().find(|w| w.text == "Dangcongsan.vn").unwrap();
    let right = w
        .iter()
        .filter(|x| x.page == last.page)
        // Line-end punctuation hangs into the margin.
        .filter(|x| x.text.ends_with(|c: char| c.is_alphanumeric()))
        .map(|x| x.x1)
        .fold(0.0f32, f32::max);
    assert!(
        (last.x1 - right).abs() < 0.5,
        "attribution ends at {} of {right}",
        last.x1
    );
    let theo = w.iter().rev().find(|w| w.text == "Theo").unwrap();
    let left = w
        .iter()
        .filter(|x| x.page == 0)
        .map(|x| x.x0)
        .fold(f32::MAX, f32::min);
    assert!(
        theo.x0 > left + 100.0,
        "not flush right: starts at {}",
        theo.x0
    );
    // The title page has no folio (the text block ends 9 % above the foot).
    assert!(
        in_foot(&w, 0, A4_H * 0.92).is_empty(),
        "{:?}",
        in_foot(&w, 0, A4_H * 0.92)
    );
    // With the book preset, a plain paragraph.
    let w = pdf_words(&input, &dir.path().join("b"), &["--theme", "book"]);
    let theo = w.iter().rev().find(|w| w.text == "Theo").unwrap();
    assert!(theo.x0 < left + 30.0, "book preset: {}", theo.x0);
}

#[test]
fn running_heads_name_the_title_on_the_left_and_the_chapter_on_the_right() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("tests/fixtures/long.md");
    let w = pdf_words(&input, dir.path(), &["--duplex"]);
    let pages = w.iter().map(|w| w.page).max().unwrap() + 1;
    // The book preset's text block starts 8.5 % of the height down.
    let head_of = |p: usize| in_head(&w, p, A4_H * 0.085 - 1.0).join(" ");
    assert!(head_of(0).is_empty(), "a running head on the title page");
    let (mut versos, mut rectos) = (0, 0);
    for p in 1..pages {
        let head = head_of(p);
        let text: String = w
            .iter()
            .filter(|w| w.page == p)
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if text.trim().is_empty() || head.is_empty() {
            continue;
        }
        assert!(!head.contains('…') || head.len() > 10, "{head}");
        if p % 2 == 1 {
            assert_eq!(
                head,
                "Tuyển tập công tác dân vận vùng Tây Bắc",
                "page {}",
                p + 1
            );
            versos += 1;
        } else {
            assert!(head.starts_with("Chương "), "page {}: {head}", p + 1);
            rectos += 1;
        }
    }
    assert!(
        versos >= 2 && rectos >= 2,
        "{versos} versos, {rectos} rectos with heads"
    );
}

#[test]
fn a_book_chapter_opens_as_deep_as_the_theme_sinks_it() {
    // The y of the chapter heading "Hai" on its opening page, in a book
    // whose `[trang] theme` is `theme` (none: the book preset).
    let top_of_chapter = |theme: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = String::from("[book]\ntitle = \"Sách\"\n");
        if let Some(t) = theme {
            std::fs::write(dir.path().join("sink.toml"), t).unwrap();
            manifest.push_str("[trang]\ntheme = \"sink.toml\"\n");
        }
        std::fs::write(dir.path().join("book.toml"), manifest).unwrap();
        std::fs::write(dir.path().join("01.md"), "# Một\n\nMở đầu.\n").unwrap();
        std::fs::write(dir.path().join("02.md"), "# Hai\n\nNội dung.\n").unwrap();
        build_ok(dir.path(), &dir.path().join("out"), &["--format", "pdf"]);
        let pdf = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "pdf"))
            .unwrap();
        let w = words(&pdf);
        let hai = w.iter().rfind(|w| w.text == "Hai").expect("the heading");
        hai.y0
    };
    let preset = top_of_chapter(None);
    let deeper = top_of_chapter(Some("extends = \"book\"\n[headings]\nchapter_sink = 0.4\n"));
    // A4 book: the text block is about 80 % of 842 pt; a fifth of it more
    // is about 135 pt (whole lines).
    let moved = deeper - preset;
    assert!((100.0..170.0).contains(&moved), "moved {moved} pt");
}
