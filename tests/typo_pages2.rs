//! Filling pages, the rest (issue 16, item 2), read back from the PDF as a
//! reader sees it (poppler's word boxes): no page ends with a hole when a
//! heading and the lines it keeps do not fit at its foot; in two columns, a
//! footnote does not leave a hole at the foot of the right column, and a
//! level-1 heading spans both columns; the Pager's design numbers come from
//! the theme.

mod common;

use std::collections::BTreeMap;

use common::{Word, build_ok};

/// Builds the Markdown `md` with `args` (and `theme`, a theme file's text,
/// if any) and returns the PDF's words with their boxes.
fn build_words(md: &str, args: &[&str], theme: Option<&str>) -> Vec<Word> {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("doc.md");
    std::fs::write(&src, md).unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["--format", "pdf", "-q"];
    all.extend(args);
    let theme_path = dir.path().join("theme.toml");
    let theme_arg = theme_path.to_str().unwrap().to_string();
    if let Some(t) = theme {
        std::fs::write(&theme_path, t).unwrap();
        all.extend(["--theme", theme_arg.as_str()]);
    }
    build_ok(&src, &out, &all);
    common::words(&out.join("doc.pdf"))
}

/// Each page's text, in order.
fn page_texts(words: &[Word]) -> Vec<String> {
    let mut pages: BTreeMap<usize, String> = BTreeMap::new();
    for w in words {
        let p = pages.entry(w.page).or_default();
        p.push_str(&w.text);
        p.push(' ');
    }
    pages.into_values().collect()
}

/// The (zero-based) page whose text holds `needle`; panics if none does.
fn page_of(pages: &[String], needle: &str) -> usize {
    pages
        .iter()
        .position(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` on no page"))
}

/// The most common word-box height (the body size), to 0.1 pt.
fn body_height(words: &[Word]) -> f32 {
    let mut count: BTreeMap<i64, usize> = BTreeMap::new();
    for w in words {
        *count
            .entry(((w.y1 - w.y0) * 10.0).round() as i64)
            .or_default() += 1;
    }
    let (h, _) = count.into_iter().max_by_key(|&(_, n)| n).unwrap();
    h as f32 / 10.0
}

/// Body-text words only (no running head, folio, footnote or heading):
/// boxes of the body height.
fn body_words(words: &[Word]) -> Vec<&Word> {
    let h = body_height(words);
    words
        .iter()
        .filter(|w| (w.y1 - w.y0 - h).abs() < 0.25)
        .collect()
}

/// The most common step between consecutive body lines: the leading.
fn leading(body: &[&Word]) -> f32 {
    let mut ys: Vec<(usize, i64)> = body
        .iter()
        .map(|w| (w.page, (w.y1 * 4.0).round() as i64))
        .collect();
    ys.sort();
    ys.dedup();
    let mut count: BTreeMap<i64, usize> = BTreeMap::new();
    for pair in ys.windows(2) {
        if pair[0].0 == pair[1].0 {
            *count.entry(pair[1].1 - pair[0].1).or_default() += 1;
        }
    }
    let (step, _) = count.into_iter().max_by_key(|&(_, n)| n).unwrap();
    step as f32 / 4.0
}

/// `n` one-line paragraphs `Dòng {tag}1`… (`tag` tells runs apart).
fn filler(tag: &str, n: usize) -> String {
    (1..=n)
        .map(|i| format!("Dòng {tag}{i} của đoạn văn.\n\n"))
        .collect()
}

const FRONT: &str = "---\ntitle: Thử trang\nlang: vi\n---\n\n";

#[test]
fn a_heading_that_does_not_fit_at_a_page_foot_leaves_no_hole() {
    // Sections of a level-3 heading and six one-line paragraphs, after `k`
    // lines: wherever a heading falls at a page foot with the two lines it
    // keeps not fitting (even one line long), the page used to end up to
    // 3.6 lines short (k = 0, 6, 15 and 24 did). The spaces between the
    // blocks of the page stretch instead (within a bound), and the breaks
    // move so that no page but the last ends more than 2 lines short.
    for k in [0, 6, 15, 24] {
        let mut md = format!("{FRONT}{}", filler("a", k));
        for s in 1..=14 {
            md.push_str(&format!("### Mục {s}\n\n{}", filler(&format!("m{s}x"), 6)));
        }
        let words = build_words(&md, &["--paper", "a5"], None);
        let body = body_words(&words);
        let lead = leading(&body);
        let mut lowest: BTreeMap<usize, f32> = BTreeMap::new();
        for w in &body {
            let y = lowest.entry(w.page).or_insert(0.0);
            *y = y.max(w.y1);
        }
        let last = *lowest.keys().max().unwrap();
        let full = lowest.values().cloned().fold(0.0, f32::max);
        assert!(last >= 2, "k = {k}: the test needs several pages");
        for (&p, &y) in &lowest {
            let short = (full - y) / lead;
            assert!(
                p == last || short <= 2.0 + 0.05,
                "k = {k}: page {} ends {short:.1} lines short",
                p + 1
            );
        }
    }
}

/// Paragraphs of four to eight lines in an A4 column, a footnote of several
/// lines on every fourth.
fn noted(seed: usize) -> String {
    let sentence =
        "Công tác thực hiện chính sách dân tộc của các địa phương đã có chuyển biến tích cực. ";
    let mut md = String::from("---\ntitle: Thử cột\nlang: vi\n---\n\n");
    let mut notes = String::new();
    for p in 0..60 {
        md.push_str(&sentence.repeat(4 + (p * seed) % 5));
        if p % 4 == seed % 4 {
            md.push_str(&format!("[^n{p}]"));
            notes.push_str(&format!(
                "[^n{p}]: Ghi chú {p}: {}\n\n",
                "Ban Chỉ đạo Tây Bắc và Ban Dân vận Trung ương phối hợp. ".repeat(6)
            ));
        }
        md.push_str("\n\n");
    }
    md + &notes
}

#[test]
fn a_footnote_leaves_no_hole_at_the_foot_of_the_right_column() {
    // The right column used to stop at the line with a footnote reference
    // whose note did not fit beside the full left column: 5 to 40 lines
    // short on every page. Now the left column gives way until the line
    // and its note fit, and both columns end level above the notes.
    for seed in 1..=4 {
        let words = build_words(&noted(seed), &["--paper", "a4", "--columns", "2"], None);
        let body = body_words(&words);
        let lead = leading(&body);
        let middle = words.iter().map(|w| w.x1).fold(0.0, f32::max) / 2.0;
        let mut feet: BTreeMap<usize, [f32; 2]> = BTreeMap::new();
        for w in &body {
            let f = feet.entry(w.page).or_insert([0.0; 2]);
            let c = usize::from(w.x0 > middle);
            f[c] = f[c].max(w.y1);
        }
        let last = *feet.keys().max().unwrap();
        assert!(last >= 3, "seed {seed}: the test needs several pages");
        for (&p, f) in &feet {
            if p == last {
                continue;
            }
            let apart = (f[0] - f[1]).abs() / lead;
            assert!(
                apart <= 1.05,
                "seed {seed}: on page {} the columns end {apart:.1} lines apart",
                p + 1
            );
        }
    }
}

#[test]
fn a_level_1_heading_spans_both_columns() {
    // A single-file book whose chapters are `#` headings: each chapter's
    // heading stands across the text block, so nothing of the right column
    // sits beside it, even when the heading is shorter than a column.
    let mut md = String::from(FRONT);
    for c in 1..=6 {
        md.push_str(&format!("# Chương {c}\n\n"));
        for _ in 0..6 {
            md.push_str(&"Công tác dân vận vùng Tây Bắc có chuyển biến tích cực. ".repeat(5));
            md.push_str("\n\n");
        }
    }
    let words = build_words(&md, &["--paper", "a4", "--columns", "2"], None);
    let middle = words.iter().map(|w| w.x1).fold(0.0, f32::max) / 2.0;
    // (Running heads name the chapter too, in a smaller size.)
    let size = body_height(&words);
    let headings: Vec<&Word> = words
        .iter()
        .filter(|w| w.text == "Chương" && w.y1 - w.y0 > size * 1.2)
        .collect();
    assert_eq!(headings.len(), 6);
    for h in headings {
        let beside: Vec<&str> = words
            .iter()
            .filter(|w| w.page == h.page && w.x0 > middle && w.y0 < h.y1 && w.y1 > h.y0)
            .map(|w| w.text.as_str())
            .collect();
        assert!(
            beside.is_empty(),
            "page {}: beside a chapter heading: {beside:?}",
            h.page + 1
        );
    }
}

#[test]
fn the_theme_sets_the_lines_a_heading_keeps() {
    // With `[pages] heading_keep_lines = 4`, a heading near a page foot
    // keeps four lines under it on its page, wherever the page ends; the
    // preset's two let some of these pages end after the heading's second
    // line.
    let theme = "[pages]\nheading_keep_lines = 4\n";
    let mut differs = false;
    for k in 22..34 {
        let md = format!(
            "{FRONT}{}## Tiêu đề mục\n\n{}",
            filler("a", k),
            filler("b", 40)
        );
        let kept = page_texts(&build_words(&md, &["--paper", "a5"], Some(theme)));
        let h = page_of(&kept, "Tiêu đề mục");
        for i in 1..=4 {
            assert_eq!(
                page_of(&kept, &format!("Dòng b{i} ")),
                h,
                "k = {k}, line b{i}"
            );
        }
        let preset = page_texts(&build_words(&md, &["--paper", "a5"], None));
        let h = page_of(&preset, "Tiêu đề mục");
        differs |= page_of(&preset, "Dòng b4 ") != h || page_of(&preset, "Dòng b3 ") != h;
    }
    assert!(differs, "the theme's keep changed nothing");
    // An unknown key of the section is an error at its place.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("doc.md");
    std::fs::write(&src, format!("{FRONT}Một dòng.\n")).unwrap();
    let theme_path = dir.path().join("t.toml");
    std::fs::write(&theme_path, "[pages]\nheading_keeps = 4\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["build", "-q", "--format", "pdf", "--theme"])
        .arg(&theme_path)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg(&src)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("heading_keeps") && err.contains("t.toml:2"),
        "{err}"
    );
}
