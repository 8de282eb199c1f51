//! Tables sized by their content, URLs broken at their own points, table
//! captions and display lines, read back from the PDF through poppler.

mod common;

use common::{Word, build_ok as build, root, words};

/// Builds `md` (written to a temporary folder as `NAME.md`) with `args`
/// and returns the words of its PDF.
fn build_words(name: &str, md: &str, args: &[&str]) -> Vec<Word> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    build(&input, dir.path(), &[&["--format", "pdf"], args].concat());
    words(&dir.path().join(format!("{name}.pdf")))
}

/// The body rows of the first pipe table of `md` whose header starts with
/// `head`, as lists of cells.
fn table_rows(md: &str, head: &str) -> Vec<Vec<String>> {
    md.lines()
        .skip_while(|l| !l.starts_with(&format!("| {head}")))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// How many of `rows` take more than one line in the PDF: the words of each
/// row are found in reading order after those of the row before, and the
/// row wraps if they stand on more than one baseline.
fn wrapped_rows(words: &[Word], rows: &[Vec<String>]) -> Vec<String> {
    let mut at = 0;
    let mut wrapped = Vec::new();
    for row in rows {
        let mut tops: Vec<(usize, i32)> = Vec::new();
        for token in row.iter().flat_map(|c| c.split_whitespace()) {
            let k = (at..words.len())
                .find(|&k| words[k].text == token)
                .unwrap_or_else(|| panic!("`{token}` of {row:?} is not in the PDF"));
            let top = (words[k].page, (words[k].y0 * 10.0).round() as i32);
            if !tops.contains(&top) {
                tops.push(top);
            }
            at = k + 1;
        }
        if tops.len() > 1 {
            wrapped.push(row[0].clone());
        }
    }
    wrapped
}

#[test]
fn the_forty_row_table_of_mixed_wraps_in_at_most_five_rows() {
    let path = root().join("tests/fixtures/mixed.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let rows = table_rows(&md, "Tên tỉnh");
    assert_eq!(rows.len(), 40);
    let dir = tempfile::tempdir().unwrap();
    build(&path, dir.path(), &["--format", "pdf", "--paper", "a5"]);
    let words = words(&dir.path().join("mixed.pdf"));
    let wrapped = wrapped_rows(&words, &rows);
    // Before the content-sized columns every one of the 40 rows wrapped.
    assert!(
        wrapped.len() <= 5,
        "{} rows wrap: {wrapped:?}",
        wrapped.len()
    );
}

#[test]
fn a_long_url_breaks_at_its_own_points_and_the_other_column_keeps_its_words() {
    let md = std::fs::read_to_string(root().join("tests/fixtures/typography/table-long-url.md"))
        .unwrap();
    let url = "https://example.gov.vn/thong-ke/2022/dan-so-ha-noi-theo-quan-huyen.xlsx";
    for paper in ["a5", "a4"] {
        let words = build_words("table-long-url", &md, &["--paper", paper]);
        let find = |t: &str| {
            words
                .iter()
                .find(|w| w.text == t)
                .unwrap_or_else(|| panic!("no `{t}` in {words:?}"))
        };
        // "Tỉnh" whole (not split letter by letter), "Hà Nội" on one line.
        find("Tỉnh");
        assert_eq!(find("Hà").y0, find("Nội").y0, "{paper}");
        // The URL copies back whole; each of its lines ends at a break
        // point of its own (after `/` or `-`, before `.`).
        let pieces: Vec<&str> = words
            .iter()
            .filter(|w| w.x0 > find("Nội").x1)
            .map(|w| w.text.as_str())
            .skip_while(|t| !t.starts_with("https"))
            .scan(0, |len, t| {
                let take = *len < url.len();
                *len += t.len();
                take.then_some(t)
            })
            .collect();
        assert_eq!(pieces.concat(), url, "{paper}: {pieces:?}");
        for (a, b) in pieces.iter().zip(pieces.iter().skip(1)) {
            assert!(
                a.ends_with('/') || a.ends_with('-') || b.starts_with('.'),
                "{paper}: `{a}` | `{b}`"
            );
        }
    }
}

#[test]
fn a_url_in_body_text_breaks_before_a_dot_or_after_a_slash() {
    let url = "https://thuvien.example.edu.vn/tai-lieu/lich-su/dia-ly-viet-nam/ruong-bac-thang-tay-bac.pdf";
    let md = format!(
        "---\ntitle: Liên kết\n---\n\nXem thêm tài liệu ở địa chỉ {url} trước khi đi.\n\n\
         Hay mở <{url}> trong trình duyệt.\n"
    );
    let words = build_words("url-body", &md, &["--paper", "a5"]);
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    for start in texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.starts_with("https"))
        .map(|(k, _)| k)
    {
        let mut joined = String::new();
        let mut k = start;
        while joined.len() < url.len() {
            if k > start {
                let (a, b) = (texts[k - 1], texts[k]);
                assert!(
                    a.ends_with('/') || a.ends_with('-') || b.starts_with('.'),
                    "`{a}` | `{b}` in {texts:?}"
                );
                assert!(
                    words[k].y0 > words[k - 1].y0,
                    "a URL piece on the same line"
                );
            }
            joined.push_str(texts[k]);
            k += 1;
        }
        assert_eq!(joined, url);
    }
}
