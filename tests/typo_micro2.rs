//! Code lines and microtypography as a reader of the PDF sees them (issue 16,
//! items 5 and 7): a wrapped code line keeps its indentation, code never
//! breaks inside an operator, an opening quote starting a justified line
//! hangs into the left margin, and no run of text is letter-spaced past the
//! documented ±10/1000 em.

use std::path::{Path, PathBuf};

mod common;

use common::{Word, build_ok, qdf_text, root, words};

/// The documented bound of letter-spacing, in ems (README: at most 10/1000),
/// plus the rounding of `Tc` to 1/10000 pt.
const MAX_TRACKING_EM: f32 = 0.010 + 1e-4;

/// Builds `markdown` as `name.md` into a fresh folder, A5 PDF; returns the
/// PDF's path.
fn build(name: &str, markdown: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trang-typo-micro2-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("{name}.md"));
    std::fs::write(&input, markdown).unwrap();
    build_ok(
        &input,
        &dir.join("out"),
        &["--format", "pdf", "--paper", "a5"],
    );
    dir.join("out").join(format!("{name}.pdf"))
}

/// Words of page 1 grouped into lines (same baseline within 0.5 pt), top
/// to bottom, each line left to right.
fn lines_of_page_one(pdf: &Path) -> Vec<Vec<Word>> {
    let mut ws: Vec<Word> = words(pdf).into_iter().filter(|w| w.page == 0).collect();
    ws.sort_by(|a, b| a.y1.total_cmp(&b.y1).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for w in ws {
        match lines.last_mut() {
            Some(l) if (l[0].y1 - w.y1).abs() < 0.5 => l.push(w),
            _ => lines.push(vec![w]),
        }
    }
    lines
}

fn line_text(line: &[Word]) -> String {
    line.iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `(font size, Tc)` at every text-showing operator (`TJ`, `Tj`, `'`, `"`)
/// of every content stream of `pdf`, read from what `qpdf --qdf` writes
/// uncompressed. `Tc` is text state: it lasts across `BT`/`ET` and is saved
/// and restored by `q`/`Q` (ISO 32000-1 §9.3.1, §8.4.2).
fn char_spacing_at_every_show(pdf: &Path) -> Vec<(f32, f32)> {
    let text = qdf_text(pdf);
    let (mut size, mut tc) = (0.0f32, 0.0f32);
    let mut saved = Vec::new();
    let mut shows = Vec::new();
    let mut last = "";
    for token in text.split([' ', '\n', '\r']) {
        match token {
            "q" => saved.push(tc),
            "Q" => tc = saved.pop().unwrap_or(0.0),
            "Tc" => tc = last.parse().unwrap_or(tc),
            "Tf" => size = last.parse().unwrap_or(size),
            "TJ" | "Tj" | "'" | "\"" if size > 0.0 => shows.push((size, tc)),
            _ => {}
        }
        if !token.is_empty() {
            last = token;
        }
    }
    shows
}

/// Every fixture of `tests/fixtures` (A5): no run of text is letter-spaced
/// by more than 10/1000 em either way. `mixed.md` had an italic line whose
/// plain run between two italic words carried −26.9/1000 em, the `Tc` the
/// PDF writer guessed from two word spaces.
#[test]
fn letter_spacing_of_every_run_stays_within_its_bound() {
    let dir = root().join("tests/fixtures");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 5, "{fixtures:?}");
    let out = std::env::temp_dir().join("trang-typo-micro2-fixtures");
    let _ = std::fs::remove_dir_all(&out);
    let mut shows = 0;
    for md in &fixtures {
        let stem = md.file_stem().unwrap().to_str().unwrap();
        let dest = out.join(stem);
        build_ok(md, &dest, &["--format", "pdf", "--paper", "a5"]);
        let pdf = dest.join(format!("{stem}.pdf"));
        let spaced = char_spacing_at_every_show(&pdf);
        shows += spaced.len();
        for (size, tc) in spaced {
            assert!(
                (tc / size).abs() <= MAX_TRACKING_EM,
                "{stem}.md: Tc {tc} pt at {size} pt is {:.1}/1000 em",
                tc / size * 1000.0
            );
        }
    }
    assert!(shows > 1000, "only {shows} text operators read");
}

/// A source line too long for the measure wraps with its continuation
/// lines at the line's own indentation (4 spaces) plus the wrap indent (2
/// characters, the theme's `blocks.code_wrap_indent`), not back at the
/// box's edge.
#[test]
fn wrapped_code_line_keeps_its_indentation() {
    let md = "---\ntitle: Mã\n---\n\n```\nfn main() {\n    let total = compute(first_argument, \
              second_argument, third_argument, fourth_argument, fifth_argument);\n}\n```\n";
    let pdf = build("code-indent", md);
    let lines = lines_of_page_one(&pdf);
    let at = |first: &str| {
        lines
            .iter()
            .position(|l| l[0].text == first)
            .unwrap_or_else(|| panic!("no line starts with {first:?}: {lines:?}"))
    };
    let fn_line = &lines[at("fn")];
    // One character of the monospace: `fn` is two.
    let ch = (fn_line[0].x1 - fn_line[0].x0) / 2.0;
    let edge = fn_line[0].x0;
    let let_line = at("let");
    let next = &lines[let_line + 1];
    assert!(
        !next[0].text.starts_with("fn") && next[0].text != "}",
        "the long line wraps: {:?}",
        lines.iter().map(|l| line_text(l)).collect::<Vec<_>>()
    );
    let indent = (lines[let_line][0].x0 - edge) / ch;
    let continued = (next[0].x0 - edge) / ch;
    assert!(
        (indent - 4.0).abs() < 0.1,
        "the line's indent: {indent} chars"
    );
    assert!(
        (continued - 6.0).abs() < 0.1,
        "the continuation of {:?} starts {continued} chars in, not 4 + 2",
        line_text(&next[..])
    );
}

/// A code line without spaces, far wider than an A5 measure, breaks only
/// after punctuation: never inside `!=`, `->`, `==`, `&&` or `::`, and never
/// inside a name.
#[test]
fn code_never_breaks_inside_an_operator() {
    let long = "alpha!=beta->gamma==delta&&epsilon::zeta(eta,theta);".repeat(4);
    let md = format!("---\ntitle: Mã hẹp\n---\n\n```\n{long}\n```\n");
    let pdf = build("code-operators", &md);
    let lines: Vec<String> = lines_of_page_one(&pdf)
        .iter()
        .map(|l| line_text(l))
        .filter(|t| {
            let letters = |s: &str| s.chars().filter(|c| c.is_ascii_alphabetic()).count();
            letters(t) > 0 && long.contains(t.as_str())
        })
        .collect();
    assert!(lines.len() >= 3, "the line wraps: {lines:?}");
    assert_eq!(lines.concat(), long, "the code reads back whole");
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        for op in ["!=", "->", "==", "&&", "::"] {
            assert!(
                !(a.ends_with(&op[..1]) && b.starts_with(&op[1..])),
                "{op} split: {a:?} / {b:?}"
            );
        }
        let last = a.chars().next_back().unwrap();
        let first = b.chars().next().unwrap();
        assert!(
            !(last.is_alphanumeric() && first.is_alphanumeric()),
            "a name split: {a:?} / {b:?}"
        );
    }
}

/// A justified line starting with “ has the mark in the left margin by
/// about 0.3 of its width (microtype's `default` set, pdfTeX's `\lpcode`),
/// and the line still reaches the right edge: the line breaker set it
/// longer by that much, as it does for punctuation hanging at the right.
#[test]
fn opening_quote_hangs_into_the_left_margin() {
    let body = "Chuyến đi bắt đầu từ Hà Nội vào một sáng mùa thu, khi sương còn vương trên \
                mặt hồ Tây, chúng tôi men theo quốc lộ ba mươi hai, qua Nghĩa Lộ rồi leo \
                đèo Khau Phạ để đến Mù Cang Chải";
    let md = format!(
        "---\ntitle: Trích dẫn\n---\n\n# Mở đầu\n\n“Người Mông nói rằng mỗi bậc ruộng là \
         một nấc thang lên trời” {body}.\n\n{body}.\n\nMột dấu “ đứng riêng.\n"
    );
    let pdf = build("left-hang", &md);
    let lines = lines_of_page_one(&pdf);
    let body_lines: Vec<&Vec<Word>> = lines.iter().filter(|l| l.len() > 5).collect();
    // The text block's edges: the most common left and right ends of lines.
    let common = |v: Vec<f32>| {
        let mut counts: Vec<(i32, usize)> = Vec::new();
        for x in v {
            let k = (x * 10.0).round() as i32;
            match counts.iter_mut().find(|c| c.0 == k) {
                Some(c) => c.1 += 1,
                None => counts.push((k, 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts[0].0 as f32 / 10.0
    };
    let left = common(body_lines.iter().map(|l| l[0].x0).collect());
    let right = common(body_lines.iter().map(|l| l[l.len() - 1].x1).collect());
    let quote = lines
        .iter()
        .flatten()
        .find(|w| w.text == "“")
        .expect("the lone quote");
    let width = quote.x1 - quote.x0;
    assert!(width > 2.0, "“ is {width} pt wide");
    let first = lines
        .iter()
        .find(|l| l[0].text.starts_with('“') && l.len() > 5)
        .expect("a line starting with “");
    let hang = left - first[0].x0;
    assert!(
        (hang - 0.3 * width).abs() < 0.15,
        "“ hangs {hang} pt into the margin, 0.3 × {width} pt expected ({})",
        line_text(first)
    );
    let end = first[first.len() - 1].x1;
    assert!(
        end > right - 0.3,
        "the hanging line is justified to the right edge {right}: it ends at {end}"
    );
}
