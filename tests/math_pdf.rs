//! Mathematics in the PDF (issue 18): the teachers' handout
//! (`tests/fixtures/math/handout.md`) as a reader meets it — two A4 pages,
//! every Vietnamese word in order, formulas copied back as Unicode math —
//! the list of formulas of `tests/fixtures/math/formulas.tsv` built in one
//! document, and a formula that does not parse refused at its place.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok, root, tool};

/// `qpdf --check` finds no fault in `pdf`.
fn qpdf_clean(pdf: &Path) {
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

/// The handout built once per test that needs it, into `dir`.
fn handout(dir: &Path) -> PathBuf {
    build_ok(&root().join("tests/fixtures/math/handout.md"), dir, &[]);
    dir.join("handout.pdf")
}

/// The words (letters only, lower case, two or more) of `text`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect()
}

/// The prose of a Markdown source: formulas (`$…$`, `$$…$$`, ```` ```math ````
/// blocks) and the front matter taken out.
fn prose(md: &str) -> String {
    let body = md.splitn(3, "---\n").nth(2).unwrap_or(md);
    let mut out = String::new();
    let mut in_math_block = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_math_block = !in_math_block;
            continue;
        }
        if in_math_block {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    // `$$…$$` first, then `$…$` (an escaped `\$` and a lone price `50$`
    // stay text, as the reader decides).
    let mut text = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("$$") {
        text.push_str(&rest[..at]);
        rest = rest[at + 2..]
            .split_once("$$")
            .map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let mut plain = String::new();
    let mut chars = text.char_indices().peekable();
    let mut last = 0;
    while let Some((i, c)) = chars.next() {
        let escaped = i > 0 && text[..i].ends_with('\\');
        let opens = c == '$'
            && !escaped
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| !n.is_whitespace());
        if opens && let Some(len) = text[i + 1..].find('$') {
            plain.push_str(&text[last..i]);
            last = i + 1 + len + 1;
            while chars.peek().is_some_and(|(j, _)| *j < last) {
                chars.next();
            }
        }
    }
    plain.push_str(&text[last.min(text.len())..]);
    plain
}

#[test]
fn the_handout_is_two_a4_pages_with_every_word_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = handout(dir.path());
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Pages:           2"), "{info}");
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let md = std::fs::read_to_string(root().join("tests/fixtures/math/handout.md")).unwrap();
    let source_words = words(&prose(&md));
    let pdf_words = words(&text);
    // Every word of the prose, in order, among the PDF's words (which also
    // hold the formulas' `sin`, `lim`…).
    let mut at = 0;
    for (n, w) in source_words.iter().enumerate() {
        match pdf_words[at..].iter().position(|p| p == w) {
            Some(k) => at += k + 1,
            None => panic!(
                "word {n} `{w}` of the handout's prose is missing (or out of order) in its PDF \
                 after `{}`",
                pdf_words[at.saturating_sub(5)..at].join(" ")
            ),
        }
    }
    assert!(source_words.len() > 300, "{} words", source_words.len());
}

#[test]
fn formulas_copy_back_as_unicode_math() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = handout(dir.path());
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for expected in [
        // Scripts as Unicode superscripts, the minus sign, Δ.
        "Phương trình bậc hai ax²+bx+c=0",
        "Δ=b²−4ac",
        // A fraction in UnicodeMath's linear form, then the text after it
        // on the same line.
        "x_(1,2)=(−b±√Δ)/(2a).",
        // Limits under an operator.
        "∑_(k=0)^n C_n^k a^(n−k) b^k",
        // Degrees and functions.
        "sin 30°=1/2",
        // A chemical formula.
        "KClO₃",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the handout's text:\n{text}"
        );
    }
    // The price and the escaped dollar are text, not formulas.
    assert!(text.contains("50$"), "{text}");
    assert!(text.contains("$50"), "{text}");
}

#[test]
fn each_formula_is_a_formula_element_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = handout(dir.path());
    let tree = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let formulas = tree.lines().filter(|l| l.trim() == "Formula").count();
    // As many as the EPUB has `<math>` elements: every `$…$`, `$$…$$` and
    // ```` ```math ```` of the source.
    let epub = std::fs::read(dir.path().join("handout.epub")).unwrap();
    let maths: usize = common::epub_files(&epub)
        .values()
        .map(|x| x.matches("<math ").count())
        .sum();
    assert!(maths > 50, "{maths} formulas in the EPUB");
    assert_eq!(formulas, maths, "{tree}");
    qpdf_clean(&pdf);
}

/// The formula list as one document: each inline formula in a sentence,
/// each display formula on its own.
fn formula_list() -> (String, usize) {
    let tsv = std::fs::read_to_string(root().join("tests/fixtures/math/formulas.tsv")).unwrap();
    let mut md = String::from("---\ntitle: Công thức\nlang: vi\n---\n\n");
    let mut n = 0;
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.splitn(3, '\t');
        let (Some(construct), Some(mode), Some(tex)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        n += 1;
        if mode == "display" {
            md.push_str(&format!("{construct}:\n\n$$\n{tex}\n$$\n\n"));
        } else {
            md.push_str(&format!("Ví dụ {construct}: ${tex}$ ở đây.\n\n"));
        }
    }
    (md, n)
}

#[test]
fn every_formula_of_the_list_builds_and_is_tagged() {
    let (md, n) = formula_list();
    assert!(n >= 80, "only {n} formulas");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cong-thuc.md");
    std::fs::write(&input, md).unwrap();
    let err = build_ok(&input, dir.path(), &[]);
    assert!(!err.contains("error"), "{err}");
    let pdf = dir.path().join("cong-thuc.pdf");
    let tree = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let formulas = tree.lines().filter(|l| l.trim() == "Formula").count();
    assert_eq!(formulas, n, "one Formula element per formula");
    qpdf_clean(&pdf);
    common::epubcheck_silent(&[dir.path().join("cong-thuc.epub")]);
}

#[test]
fn a_formula_that_does_not_parse_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bai.md");
    std::fs::write(
        &input,
        "---\ntitle: Bài\n---\n\nPhương trình $x^2 + \\fracc{1}{2} = 0$ và $\\foo$.\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["build", "-o"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Both faults, each at its column inside the formula (one-based, in
    // characters), with a hint.
    let line = "Phương trình $x^2 + \\fracc{1}{2} = 0$ và $\\foo$.";
    let col = |what: &str| line[..line.find(what).unwrap()].chars().count() + 1;
    assert!(
        err.contains(&format!("bai.md:5:{}", col("\\fracc"))),
        "{err}"
    );
    assert!(err.contains("Unknown command \"\\fracc\""), "{err}");
    assert!(err.contains("did you mean `\\frac`"), "{err}");
    assert!(err.contains(&format!("bai.md:5:{}", col("\\foo"))), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("bai.pdf").exists());
    assert!(!dir.path().join("bai.epub").exists());
}

#[test]
fn epub_math_svg_draws_each_formula_with_its_label() {
    let dir = tempfile::tempdir().unwrap();
    build_ok(
        &root().join("tests/fixtures/math/handout.md"),
        dir.path(),
        &["--epub-math", "svg"],
    );
    let epub = std::fs::read(dir.path().join("handout.epub")).unwrap();
    let files = common::epub_files(&epub);
    let chapter = files
        .iter()
        .find(|(name, _)| name.ends_with("chapter-01.xhtml"))
        .map(|(_, x)| x.clone())
        .expect("a chapter");
    assert!(!chapter.contains("<math"), "no MathML with --epub-math svg");
    let svgs = chapter.matches("<svg ").count();
    let labelled = chapter.matches("role=\"math\" aria-label=\"").count();
    assert!(svgs > 50, "{svgs} SVGs");
    assert_eq!(svgs, labelled, "every SVG is a labelled formula");
    assert!(chapter.contains("aria-label=\"ax²+bx+c=0\""), "{chapter}");
    let opf = &files["OEBPS/content.opf"];
    assert!(opf.contains("properties=\"svg\""), "{opf}");
    assert!(!opf.contains("STIX"), "no math face needed: {opf}");
    common::epubcheck_silent(&[dir.path().join("handout.epub")]);
}
