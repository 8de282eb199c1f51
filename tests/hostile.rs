//! Hostile Markdown through the `trang` command, at sizes a test run can
//! afford (the full sizes of issue 6 are measured by `tests/hostile.sh`):
//! deep nesting is refused with a place, everything else builds to a PDF that
//! qpdf accepts and that gives back its text. No timing assertions.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::tool;

/// Writes `text` as `name` in a fresh folder and builds it to `out/` on A5.
fn build(name: &str, text: &str) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, text).unwrap();
    let out = Command::cargo_bin("trang")
        .unwrap()
        .args(["build", "-q", "--paper", "a5", "-o"])
        .arg(dir.path().join("out"))
        .arg(&input)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    (dir, input, out)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The build succeeded; returns the PDF's text after checking it with qpdf
/// and checking that the EPUB is a readable zip.
fn built_text(dir: &Path, stem: &str, out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let pdf = dir.join("out").join(format!("{stem}.pdf"));
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    let epub = std::fs::read(dir.join("out").join(format!("{stem}.epub"))).unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    assert!(zip.len() > 3);
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

/// The build was refused at line 1 with a message about nesting, nothing
/// was written and no panic was printed.
fn assert_refused_at_line_1(dir: &Path, input: &Path, out: &Output) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("nest"), "the message names the problem: {err}");
    assert!(
        err.contains(&format!("{}:1:", input.display())),
        "the message names the place: {err}"
    );
    assert!(!dir.join("out").exists(), "nothing may be written");
}

#[test]
fn ten_thousand_nested_block_quotes_are_refused_with_a_place() {
    let (dir, input, out) = build("quotes.md", &format!("{} deep\n", ">".repeat(10_000)));
    assert_refused_at_line_1(dir.path(), &input, &out);
}

#[test]
fn ten_thousand_nested_lists_are_refused_with_a_place() {
    let (dir, input, out) = build("lists.md", &format!("{}deep\n", "- ".repeat(10_000)));
    assert_refused_at_line_1(dir.path(), &input, &out);
}

#[test]
fn two_thousand_footnotes_all_reach_the_pdf() {
    let n = 2_000;
    let mut md = String::from("---\ntitle: Chú thích\n---\n\n");
    for i in 1..=n {
        md.push_str(&format!("Câu {i} có chú thích.[^n{i}]\n\n"));
    }
    for i in 1..=n {
        md.push_str(&format!("[^n{i}]: Ghi chú số {i} ở đây.\n\n"));
    }
    let (dir, _, out) = build("notes.md", &md);
    let text = common::fold(&built_text(dir.path(), "notes", &out));
    for i in 1..=n {
        assert!(
            text.contains(&format!("Ghi chú số {i} ở đây.")),
            "note {i} is missing from the PDF text"
        );
    }
}

#[test]
fn ten_thousand_link_definitions_build() {
    let n = 10_000;
    let mut md = String::from("---\ntitle: Liên kết\n---\n\nLinks:");
    for i in (1..=n).step_by(100) {
        md.push_str(&format!(" [link {i}][r{i}]"));
    }
    md.push_str("\n\n");
    for i in 1..=n {
        md.push_str(&format!("[r{i}]: https://example.com/{i} \"Title {i}\"\n"));
    }
    let (dir, _, out) = build("refs.md", &md);
    let text = common::fold(&built_text(dir.path(), "refs", &out));
    assert!(text.contains("link 1 link 101"), "{text}");
    assert!(text.contains("link 9901"), "{text}");
}

#[test]
fn a_hundred_kilobyte_word_is_broken_across_lines_without_losing_a_letter() {
    let word = "abcdefgh".repeat(100 * 1024 / 8);
    let (dir, _, out) = build(
        "word.md",
        &format!("---\ntitle: Một từ dài\n---\n\nStart {word} end.\n"),
    );
    let text = built_text(dir.path(), "word", &out);
    // Running heads and folios sit between the pages' pieces of the word.
    let pieces: Vec<&str> = text
        .split_whitespace()
        .filter(|t| t.chars().all(|c| ('a'..='h').contains(&c)))
        .collect();
    assert!(pieces.len() > 100, "the word is set on many lines");
    assert!(pieces.concat() == word, "the word is cut or changed");
}

#[test]
fn a_paragraph_of_twenty_thousand_words_keeps_every_word_in_order() {
    let words: Vec<String> = (0..20_000).map(|i| format!("từ{i}")).collect();
    let (dir, _, out) = build(
        "para.md",
        &format!("---\ntitle: Đoạn dài\n---\n\n{}\n", words.join(" ")),
    );
    let text = built_text(dir.path(), "para", &out);
    // Running heads and folios aside, the words come back in order.
    let found: Vec<&str> = text
        .split_whitespace()
        .filter(|t| t.starts_with("từ") && t.len() > "từ".len())
        .collect();
    assert_eq!(found, words, "a word is lost or moved");
}
