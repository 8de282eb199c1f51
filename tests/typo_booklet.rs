//! Booklet signatures, creep and marks (issue 16, item 8), read back from
//! the imposed PDF through poppler (`pdftotext -bbox`, `pdfinfo`) and lopdf.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok as build, pdf_info as info, tool, words};

/// Sentences without digits, so that the only number at a page's foot is its folio.
const SENTENCES: [&str; 8] = [
    "Ban Chỉ đạo Tây Bắc và Ban Dân vận Trung ương đã bám sát nội dung quy chế phối hợp, triển khai thực hiện nhiệm vụ cụ thể, sát với kế hoạch của hai cơ quan.",
    "Nhiều nội dung đã đạt hiệu quả tốt, có tác dụng thúc đẩy hoạt động chung của các địa phương trong vùng.",
    "Sự phối hợp đã góp phần thực hiện tốt công tác vận động quần chúng thực hiện các chủ trương, chính sách của Đảng và Nhà nước.",
    "Công tác thực hiện chính sách dân tộc, tôn giáo của các địa phương đã có chuyển biến tích cực và hiệu quả, góp phần phát triển kinh tế – xã hội.",
    "Bên cạnh những kết quả đạt được vẫn còn một số hạn chế như công tác kiểm tra, nắm bắt tình hình ở cơ sở chưa được coi trọng đúng mức.",
    "Công tác trao đổi thông tin, thông báo tình hình về các hoạt động trên địa bàn chưa kịp thời, thiếu kiểm tra, giám sát.",
    "Khi xảy ra một số việc, cơ sở còn lúng túng trong việc vận động, phối hợp giải quyết.",
    "Đồng bào các dân tộc thiểu số tin tưởng vào các chủ trương, chính sách của Đảng và Nhà nước.",
];

/// Section names in words (no digits).
const NAMES: [&str; 10] = [
    "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười",
];

/// Writes an article of about a hundred A5 pages: ten `##` sections of
/// paragraphs made from [`SENTENCES`].
fn hundred_pages(dir: &Path) -> PathBuf {
    let mut md = String::from("---\ntitle: Sổ tay công tác dân vận\nlang: vi\n---\n\n");
    for (s, name) in NAMES.iter().enumerate() {
        md.push_str(&format!("## Mục {name}\n\n"));
        for p in 0..23 {
            let para: Vec<&str> = (0..7)
                .map(|k| SENTENCES[(s * 3 + p * 5 + k * 3) % SENTENCES.len()])
                .collect();
            md.push_str(&para.join(" "));
            md.push_str("\n\n");
        }
    }
    let path = dir.join("so-tay.md");
    std::fs::write(&path, md).unwrap();
    path
}

/// Builds `input`'s booklet with `args` into a new folder under `dir`.
fn booklet(input: &Path, dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join(format!("b{}", args.join("_").replace('-', "")));
    let mut all = vec!["--format", "booklet"];
    all.extend(args);
    build(input, &out, &all);
    out.join("so-tay-booklet.pdf")
}

/// Per sheet side, the folio of its left and right page as printed: the
/// lowest word of the half when it is a number, 1 for the title page (text,
/// no folio), 0 for a blank half.
fn folios(pdf: &Path) -> Vec<[usize; 2]> {
    let (sides, width, _) = info(pdf);
    let all = words(pdf);
    let mut out = vec![[0; 2]; sides];
    for (s, side) in out.iter_mut().enumerate() {
        for (half, slot) in side.iter_mut().enumerate() {
            let lowest = all
                .iter()
                .filter(|w| w.page == s && ((w.x0 + w.x1) / 2.0 < width / 2.0) == (half == 0))
                .max_by(|a, b| a.y0.total_cmp(&b.y0));
            *slot = match lowest {
                None => 0,
                Some(w) => w.text.parse().unwrap_or(1),
            };
        }
    }
    out
}

/// The saddle-stitch sides of one gathering of `sheets` sheets starting at
/// page `first` (one-based), pages past `pages` blank (0): written from the
/// folding rule, outer sheet first.
fn gathering(first: usize, sheets: usize, pages: usize) -> Vec<[usize; 2]> {
    let last = first + 4 * sheets - 1;
    let page = |p: usize| if p <= pages { p } else { 0 };
    let mut sides = Vec::new();
    for d in 0..sheets {
        sides.push([page(last - 2 * d), page(first + 2 * d)]);
        sides.push([page(first + 2 * d + 1), page(last - 2 * d - 1)]);
    }
    sides
}

/// Reads `sides` as consecutive gatherings (each starts with its first page
/// at the right of a front) and returns their sizes in sheets, checking that
/// every gathering is in saddle-stitch order and the pages run on.
fn read_gatherings(sides: &[[usize; 2]], pages: usize) -> Vec<usize> {
    let padded = pages.div_ceil(4) * 4;
    let mut sizes = Vec::new();
    let (mut at, mut first) = (0, 1);
    while at < sides.len() {
        let front = sides[at];
        assert_eq!(
            front[1],
            first,
            "side {}: a gathering opens on page {first}",
            at + 1
        );
        // The fold's last page, or the padding's end when it is blank.
        let last = if front[0] == 0 { padded } else { front[0] };
        assert!(
            last > first && (last + 1 - first) % 4 == 0,
            "side {}: {front:?}",
            at + 1
        );
        let sheets = (last + 1 - first) / 4;
        let want = gathering(first, sheets, pages);
        assert_eq!(
            sides[at..at + 2 * sheets],
            want[..],
            "gathering from page {first}"
        );
        sizes.push(sheets);
        at += 2 * sheets;
        first = last + 1;
    }
    sizes
}

/// The page count of the document, typeset as the booklet's own pages.
fn page_count(input: &Path, dir: &Path) -> usize {
    let out = dir.join("pages");
    build(
        input,
        &out,
        &["--format", "pdf", "--paper", "a5", "--duplex"],
    );
    info(&out.join("so-tay.pdf")).0
}

#[test]
fn a_long_booklet_is_cut_into_balanced_gatherings() {
    let dir = tempfile::tempdir().unwrap();
    let input = hundred_pages(dir.path());
    let pages = page_count(&input, dir.path());
    assert!(
        (90..=115).contains(&pages),
        "about a hundred pages: {pages}"
    );
    let sheets = pages.div_ceil(4);

    // Default: the fewest gatherings of at most 8 sheets, sizes within one.
    let pdf = booklet(&input, dir.path(), &[]);
    let sides = folios(&pdf);
    assert_eq!(sides.len(), 2 * sheets, "two sides a sheet");
    let sizes = read_gatherings(&sides, pages);
    assert_eq!(sizes.len(), sheets.div_ceil(8), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), sheets);
    assert!(
        sizes.windows(2).all(|w| w[0] >= w[1] && w[0] - w[1] <= 1) && sizes[0] <= 8,
        "balanced, thicker first: {sizes:?}"
    );
    // The first front: the first gathering's last page beside page 1.
    assert_eq!(sides[0], [4 * sizes[0], 1]);

    // One sheet a gathering: sheets in reading order.
    let sides = folios(&booklet(&input, dir.path(), &["--signature", "1"]));
    assert_eq!(&sides[..4], [[4, 1], [2, 3], [8, 5], [6, 7]]);
    assert_eq!(read_gatherings(&sides, pages), vec![1; sheets]);

    // Four sheets, the last gathering the rest.
    let sides = folios(&booklet(&input, dir.path(), &["--signature", "4"]));
    assert_eq!(&sides[..2], [[16, 1], [2, 15]]);
    assert_eq!(sides[8], [32, 17], "the second gathering");
    let sizes = read_gatherings(&sides, pages);
    assert!(
        sizes[..sizes.len() - 1].iter().all(|&s| s == 4),
        "{sizes:?}"
    );

    // `all` (or 0): one fold of every sheet, as before signatures.
    for one in ["all", "0"] {
        let sides = folios(&booklet(&input, dir.path(), &["--signature", one]));
        assert_eq!(
            read_gatherings(&sides, pages),
            [sheets],
            "--signature {one}"
        );
    }
}

#[test]
fn a_bad_signature_or_creep_says_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::root().join("source/article.md");
    for (args, want) in [
        (["--signature", "eight"], "such as 8"),
        (["--signature=-2", ""], "such as 8"),
        (["--creep=-1", ""], "from 0 to 10"),
        (["--creep", "3cm"], "from 0 to 10"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_trang"))
            .args(["build", "--booklet", "-o"])
            .arg(dir.path())
            .args(args.iter().filter(|a| !a.is_empty()))
            .arg(&input)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let flag = args[0].split('=').next().unwrap();
        assert!(err.contains(flag) && err.contains(want), "{args:?}: {err}");
    }
    // Booklet options without a booklet are a warning, not silence.
    let err = build(
        &input,
        &dir.path().join("pdf"),
        &["--format", "pdf", "--signature", "4"],
    );
    assert!(
        err.contains("no booklet is built") && err.contains("--booklet"),
        "{err}"
    );
    // book.toml: the same values, an error at the key's line.
    let book = dir.path().join("book");
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"Sách\"\n\n[trang]\nbooklet = true\nsignature = \"few\"\n",
    )
    .unwrap();
    std::fs::write(book.join("src/chuong-1.md"), "# Chương một\n\nVăn bản.\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(["build", "-o"])
        .arg(dir.path().join("out"))
        .arg(&book)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("book.toml:6") && err.contains("signature = 8"),
        "{err}"
    );
}

/// Per sheet side and half, the smallest x of its words (the text block's
/// edge), `None` for an empty half.
fn left_edges(pdf: &Path) -> Vec<[Option<f32>; 2]> {
    let (sides, width, _) = info(pdf);
    let all = words(pdf);
    (0..sides)
        .map(|s| {
            [0, 1].map(|half| {
                all.iter()
                    .filter(|w| w.page == s && ((w.x0 + w.x1) / 2.0 < width / 2.0) == (half == 0))
                    .map(|w| w.x0)
                    .min_by(f32::total_cmp)
            })
        })
        .collect()
}

#[test]
fn creep_moves_inner_pages_towards_the_spine() {
    let dir = tempfile::tempdir().unwrap();
    let input = hundred_pages(dir.path());
    let plain = left_edges(&booklet(&input, dir.path(), &["--signature", "4"]));
    let crept = booklet(&input, dir.path(), &["--signature", "4", "--creep", "1.5"]);
    let moved = left_edges(&crept);
    assert_eq!(plain.len(), moved.len());
    let mm = 72.0 / 25.4;
    // The first two gatherings: four sheets each, depth 0 to 3 → 0, ½, 1,
    // 1½ mm; the left page moves right, the right page left.
    for side in 0..16 {
        let depth = (side % 8) / 2;
        let want = 1.5 * mm * depth as f32 / 3.0;
        for half in 0..2 {
            let (Some(a), Some(b)) = (plain[side][half], moved[side][half]) else {
                panic!("side {} half {half} has text", side + 1);
            };
            let shift = if half == 0 { b - a } else { a - b };
            assert!(
                (shift - want).abs() < 0.05,
                "side {} half {half}: moved {shift:.2} pt towards the spine, want {want:.2}",
                side + 1
            );
        }
    }
    // The text itself is unchanged.
    let text = |pdf: &Path| tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert_eq!(
        text(&crept),
        text(&booklet(&input, dir.path(), &["--signature", "4"]))
    );
}

/// A stroked segment, ((x0, y0), (x1, y1)) in PDF points (bottom-left origin).
type Segment = ((f32, f32), (f32, f32));

/// Per page of `pdf`: the segments stroked in 0.25 pt (`w` then `S`).
fn hairlines(pdf: &Path) -> Vec<Vec<Segment>> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let num = |o: &lopdf::Object| o.as_float().unwrap_or(0.0);
    doc.get_pages()
        .values()
        .map(|&id| {
            let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
            let (mut width, mut from, mut lines) = (0.0, (0.0, 0.0), Vec::new());
            let mut to = from;
            for op in &content.operations {
                match op.operator.as_str() {
                    "w" => width = num(&op.operands[0]),
                    "m" => from = (num(&op.operands[0]), num(&op.operands[1])),
                    "l" => to = (num(&op.operands[0]), num(&op.operands[1])),
                    "S" if (width - 0.25).abs() < 1e-3 => lines.push((from, to)),
                    _ => {}
                }
            }
            lines
        })
        .collect()
}

#[test]
fn marks_stand_outside_the_trim_on_a_larger_sheet_and_add_no_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = hundred_pages(dir.path());
    let plain = booklet(&input, dir.path(), &["--signature", "4"]);
    let marked = booklet(&input, dir.path(), &["--signature", "4", "--marks"]);
    let (sides, w, h) = info(&marked);
    assert_eq!(sides, info(&plain).0);
    // SRA4 landscape, 320 × 225 mm.
    let mm = 72.0 / 25.4;
    assert!(
        (w - 320.0 * mm).abs() < 0.1 && (h - 225.0 * mm).abs() < 0.1,
        "{w} × {h}"
    );
    // The same text, moved by the margin the larger sheet adds.
    let text = |pdf: &Path| tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert_eq!(text(&marked), text(&plain), "marks are not text");
    let (a, b) = (words(&plain), words(&marked));
    assert_eq!(a.len(), b.len());
    let (dx, dy) = ((320.0 - 297.0) / 2.0 * mm, (225.0 - 210.0) / 2.0 * mm);
    for (a, b) in a.iter().zip(&b).step_by(97) {
        assert!(
            (b.x0 - a.x0 - dx).abs() < 0.05 && (b.y0 - a.y0 - dy).abs() < 0.05,
            "{} moved ({}, {})",
            a.text,
            b.x0 - a.x0,
            b.y0 - a.y0
        );
    }
    // The trim of the two A5 pages, centred at the fold.
    let (pw, ph) = (148.0 * mm, 210.0 * mm);
    let (left, right) = (w / 2.0 - pw, w / 2.0 + pw);
    let (bottom, top) = ((h - ph) / 2.0, (h + ph) / 2.0);
    let lines = hairlines(&marked);
    assert!(
        hairlines(&plain).iter().all(Vec::is_empty),
        "no marks unasked"
    );
    for (s, side) in lines.iter().enumerate() {
        assert_eq!(side.len(), 10, "side {}: 8 crop marks, 2 fold marks", s + 1);
        for &((x0, y0), (x1, y1)) in side {
            // Every mark lies outside the trim, at least 3 mm away.
            let away = |x: f32, y: f32| {
                let ax = (left - x).max(x - right).max(0.0);
                let ay = (bottom - y).max(y - top).max(0.0);
                ax.hypot(ay)
            };
            assert!(
                away(x0, y0).min(away(x1, y1)) > 3.0 * mm - 0.05,
                "side {}: mark ({x0}, {y0})–({x1}, {y1}) inside the bleed",
                s + 1
            );
            // …and on the sheet.
            for (x, y) in [(x0, y0), (x1, y1)] {
                assert!((0.0..=w).contains(&x) && (0.0..=h).contains(&y));
            }
            // Crop marks prolong the trim's edges; fold marks the spine.
            let on = |v: f32, edges: &[f32]| edges.iter().any(|e| (v - e).abs() < 0.05);
            let vertical = (x0 - x1).abs() < 0.01;
            assert!(
                if vertical {
                    on(x0, &[left, w / 2.0, right])
                } else {
                    on(y0, &[bottom, top])
                },
                "side {}: ({x0}, {y0})–({x1}, {y1})",
                s + 1
            );
        }
        let fold = side
            .iter()
            .filter(|((x0, _), (x1, _))| (x0 - w / 2.0).abs() < 0.05 && (x1 - w / 2.0).abs() < 0.05)
            .count();
        assert_eq!(fold, 2, "side {}: fold marks above and below", s + 1);
    }
}

/// Every outline entry of `pdf` as (title, zero-based page).
fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    let root = doc.catalog().unwrap().get(b"Outlines").unwrap();
    let first = doc
        .dereference(root)
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .get(b"First");
    let mut stack: Vec<lopdf::ObjectId> =
        first.and_then(|f| f.as_reference()).into_iter().collect();
    while let Some(id) = stack.pop() {
        let e = doc.get_dictionary(id).unwrap();
        let title = match e.get(b"Title").unwrap() {
            lopdf::Object::String(b, _) => lopdf::decode_text_string(&lopdf::Object::String(
                b.clone(),
                lopdf::StringFormat::Literal,
            ))
            .unwrap_or_default(),
            o => panic!("title {o:?}"),
        };
        let dest = e.get(b"Dest").unwrap().as_array().unwrap();
        let page = dest[0].as_reference().unwrap();
        out.push((title, pages.iter().position(|p| *p == page).unwrap()));
        for key in [b"Next".as_slice(), b"First"] {
            if let Ok(next) = e.get(key).and_then(lopdf::Object::as_reference) {
                stack.push(next);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn outline_entries_point_at_the_sheet_side_holding_their_heading() {
    let dir = tempfile::tempdir().unwrap();
    let input = hundred_pages(dir.path());
    let pdf = booklet(&input, dir.path(), &["--signature", "3", "--creep", "1"]);
    let entries: Vec<_> = outline(&pdf)
        .into_iter()
        .filter(|(t, _)| t.starts_with("Mục"))
        .collect();
    assert_eq!(entries.len(), NAMES.len(), "{entries:?}");
    let all = words(&pdf);
    for (title, side) in &entries {
        let name = title
            .strip_prefix("Mục ")
            .unwrap_or_else(|| panic!("{title}"));
        let on: Vec<&str> = all
            .iter()
            .filter(|w| w.page == *side)
            .map(|w| w.text.as_str())
            .collect();
        assert!(
            on.windows(2).any(|p| p[0] == "Mục" && p[1] == name),
            "`{title}` on side {}",
            side + 1
        );
    }
    // Deterministic: the same bytes again.
    let again = booklet(
        &input,
        &dir.path().join("again"),
        &["--signature", "3", "--creep", "1"],
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), std::fs::read(again).unwrap());
}
