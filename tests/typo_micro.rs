//! Microtypography as a reader of the PDF sees it: letter-spacing within its
//! documented bounds and even from line to line, underfull lines loose rather
//! than letter-spaced.

use std::path::Path;

mod common;

use common::{build_ok, fold, qdf_text, root, tool};

/// The documented bound of letter-spacing, in ems (README: at most 10/1000).
const MAX_TRACKING_EM: f32 = 0.010;
/// Largest change of letter-spacing between two lines of a paragraph, in ems.
const MAX_TRACKING_STEP_EM: f32 = 0.003;

/// Builds `markdown` as `name.md` into a fresh folder with `args`; returns the
/// PDF's path.
fn build(name: &str, markdown: &str, args: &[&str]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("trang-typo-micro-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("{name}.md"));
    std::fs::write(&input, markdown).unwrap();
    build_ok(&input, &dir.join("out"), args);
    dir.join("out").join(format!("{name}.pdf"))
}

/// `(y, font size, letter-spacing in ems)` of every line of text, in the
/// order drawn:
/// the character spacing `Tc` in force at each text-showing operator divided
/// by the font size, read from the content streams that `qpdf --qdf`
/// decompresses (trang sets one `Tc` per line). Lines are told apart by the
/// text position's y.
fn tracking_per_line(pdf: &Path) -> Vec<(f32, f32, f32)> {
    let text = qdf_text(pdf);
    let (mut size, mut tc, mut y) = (0.0f32, 0.0f32, 0.0f32);
    let mut last_y = None;
    let mut lines = Vec::new();
    let mut operands: Vec<&str> = Vec::new();
    for token in text.split([' ', '\n', '\r']) {
        match token {
            "BT" => (tc, y) = (0.0, 0.0),
            "Tc" => tc = operands.last().and_then(|v| v.parse().ok()).unwrap_or(tc),
            "Tf" => size = operands.last().and_then(|v| v.parse().ok()).unwrap_or(size),
            "Td" => y += operands.last().and_then(|v| v.parse().ok()).unwrap_or(0.0),
            "TJ" | "Tj" if size > 0.0 && last_y != Some(y) => {
                lines.push((y, size, tc / size));
                last_y = Some(y);
            }
            _ => {}
        }
        operands.push(token);
        if operands.len() > 2 {
            operands.remove(0);
        }
    }
    lines
}

/// The article's body paragraphs as one long paragraph: every line but the
/// last is justified, with tight and loose lines side by side.
fn long_paragraph() -> String {
    let article = std::fs::read_to_string(root().join("source/article.md")).unwrap();
    let body: Vec<&str> = article
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(['#', '*', '-']) && !l.contains(": "))
        .filter(|l| l.split(' ').count() > 12)
        .collect();
    assert!(body.len() >= 4, "{body:?}");
    format!(
        "---\ntitle: Một đoạn dài\nlang: vi\n---\n\n{}\n",
        body.join(" ")
    )
}

#[test]
fn letter_spacing_stays_within_its_bound_and_even_between_lines() {
    let pdf = build(
        "long-paragraph",
        &long_paragraph(),
        &["--format", "pdf", "--paper", "a5"],
    );
    let lines = tracking_per_line(&pdf);
    assert!(lines.len() > 25, "{lines:?}");
    let spaced = lines.iter().filter(|l| l.2.abs() > 0.001).count();
    assert!(
        spaced > lines.len() / 3,
        "most lines are letter-spaced: {lines:?}"
    );
    for &(y, _, em) in &lines {
        assert!(em.abs() <= MAX_TRACKING_EM + 1e-5, "line at y {y}: {em} em");
    }
    // One paragraph: every pair of consecutive lines of the body size on a
    // page is a pair of neighbours (a page's first line is above the last).
    for pair in lines.windows(2) {
        let ((y0, s0, a), (y1, s1, b)) = (pair[0], pair[1]);
        if y1 < y0 && s0 == s1 {
            assert!(
                (a - b).abs() <= MAX_TRACKING_STEP_EM + 1e-5,
                "lines at y {y0} and {y1}: {a} then {b} em"
            );
        }
    }
}

/// /work/shared/cases/typography/letter-spaced-line.md: a line before an
/// inline code span too long to share a line is underfull. It is set loose
/// (wide word spaces), not letter-spaced, so copied words stay whole.
#[test]
fn underfull_line_is_loose_not_letter_spaced() {
    let md = "---\ntitle: Thử dòng giãn\n---\n\nNhư bạn có thể thấy, có một con mèo trong \
              :ref:`hinh_bon_con_vat_trong_truyen`, và một con gà trống, chó và một con lừa, \
              với một số cây trong nền.\n";
    let pdf = build(
        "letter-spaced-line",
        md,
        &["--format", "pdf", "--paper", "a5"],
    );
    for (y, _, em) in tracking_per_line(&pdf) {
        assert!(em.abs() <= MAX_TRACKING_EM + 1e-5, "line at y {y}: {em} em");
    }
    let text = fold(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("Như bạn có thể thấy, có một con mèo"),
        "words split by letter-spacing: {text}"
    );
}

/// Hanging punctuation: a justified line ending with `,` or `.` has the mark
/// in the right margin, past the edge the lines ending with a letter reach.
#[test]
fn line_end_punctuation_hangs_into_the_margin() {
    let pdf = build(
        "hanging",
        &long_paragraph(),
        &["--format", "pdf", "--paper", "a5"],
    );
    let mut lines: std::collections::BTreeMap<(usize, i32), (f32, String)> = Default::default();
    for w in common::words(&pdf) {
        let line = lines.entry((w.page, w.y1.round() as i32)).or_default();
        if w.x1 > line.0 {
            *line = (w.x1, w.text.clone());
        }
    }
    let ends_letter = |s: &str| s.chars().last().is_some_and(char::is_alphabetic);
    let edge = lines
        .values()
        .filter(|l| ends_letter(&l.1))
        .map(|l| l.0)
        .fold(0.0f32, f32::max);
    let hanging: Vec<_> = lines
        .values()
        .filter(|l| l.1.ends_with([',', '.']) && l.0 > edge - 5.0)
        .collect();
    assert!(hanging.len() >= 3, "{lines:?}");
    for (x1, word) in hanging {
        assert!(
            *x1 > edge + 0.5,
            "`{word}` ends at {x1}, the margin at {edge}"
        );
    }
}
