use super::*;
use crate::diag::Diagnostics;

#[test]
fn every_text_colour_of_every_palette_has_a_contrast_of_at_least_4_5() {
    for p in &PALETTES {
        for (what, ink, ground) in [
            ("title", p.ink, p.ground),
            ("series", p.accent, p.ground),
            ("authors", p.band_ink, p.band),
        ] {
            let c = contrast(ink, ground);
            assert!(c >= 4.5, "{}: {what} contrast {c:.2}", p.name);
        }
    }
    // The reference points of the formula: black on white is 21:1.
    assert!((contrast(Rgb(0.0, 0.0, 0.0), Rgb(1.0, 1.0, 1.0)) - 21.0).abs() < 0.01);
}

#[test]
fn the_palette_follows_the_title_and_titles_spread_over_the_list() {
    assert_eq!(
        palette_for("Sổ tay nghề báo"),
        palette_for("Sổ tay nghề báo")
    );
    let used: std::collections::BTreeSet<&str> = (0..40)
        .map(|i| palette_for(&format!("Sách {i}")).name)
        .collect();
    assert!(used.len() >= 5, "{used:?}");
}

#[test]
fn a_page_of_fills_and_text_draws_its_colours_where_they_are() {
    let mut diags = Diagnostics::default();
    let fonts = FontSet::load_bundled(&mut diags).unwrap();
    let mut engine = InlineEngine::new(&fonts, "vi");
    let style = TextStyle {
        role: Role::Heading,
        style: Style::REGULAR,
        size: 40.0,
        color: Rgb(1.0, 0.0, 0.0),
        rise: 0.0,
        strike: false,
        underline: false,
        mark: false,
        link: None,
        lang: Arc::from("vi"),
        node: None,
    };
    let lines = engine.layout(&[Piece::Text("ĐÊM".into(), style)], 100.0, 0.0, Align::Left);
    let mut items = vec![fill(0.0, 0.0, 100.0, 50.0, Rgb(0.0, 0.0, 1.0))];
    place(lines, 5.0, 90.0, 0.0, &mut items);
    let page = Page {
        width: 100.0,
        height: 100.0,
        items,
    };
    let faces = engine.layout_fonts();
    let pm = raster::render(&page, &faces, 200, 200).unwrap();
    let px = |x: u32, y: u32| pm.pixel(x, y).unwrap();
    // The blue field fills the top half; the bottom half is white but for
    // the red letters sitting on the baseline at y = 180 px.
    assert_eq!((px(100, 40).red(), px(100, 40).blue()), (0, 255));
    assert_eq!(px(190, 195).red(), 255);
    let red = (120..180)
        .flat_map(|y| (0..200).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let p = px(x, y);
            p.red() > 200 && p.green() < 60
        })
        .count();
    assert!(red > 1000, "{red} red pixels");
    let a = raster::jpeg(&pm, 90).unwrap();
    assert_eq!(&a[..3], [0xFF, 0xD8, 0xFF]);
    assert_eq!(a, raster::jpeg(&pm, 90).unwrap());
}

fn book(front: &str) -> Book {
    let mut diags = Diagnostics::default();
    let source = crate::diag::SourceFile::new("bia.md", format!("---\n{front}\n---\nx\n"));
    let doc = crate::markdown::parse(source, &mut diags);
    let mut book = crate::resolve::resolve(doc, &mut diags);
    book.cover = Some(Cover::Generated);
    book
}

/// The text runs of a page: (text, left, right, baseline, size).
fn runs(page: &Page) -> Vec<(String, f32, f32, f32, f32)> {
    page.items
        .iter()
        .filter_map(|it| match &it.item {
            Item::Text(r) => Some((
                r.text.clone(),
                it.pos.x,
                it.pos.x + r.width(),
                it.pos.y,
                r.size,
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_long_title_shrinks_to_four_lines_inside_the_margins_above_the_band() {
    let mut diags = Diagnostics::default();
    let fonts = FontSet::load_bundled(&mut diags).unwrap();
    let short = book("title: Thơ\nauthor: Xuân Diệu\nlang: vi");
    let long = book(
        "title: Những người khốn khổ trong thành phố lớn, những đêm dài không ngủ và những buổi sáng mùa đông rét mướt ở Hà Nội\nsubtitle: Tiểu thuyết\nauthor: Một tác giả có tên rất dài, Một dịch giả cũng có tên dài\npublisher: Nhà xuất bản Văn học\nlang: vi",
    );
    for (paper, (w, h)) in [
        ("A5", (419.5, 595.3)),
        ("Letter", (612.0, 792.0)),
        ("JPEG", JPEG_PAGE),
    ] {
        let mut engine = InlineEngine::new(&fonts, "vi");
        let big = runs(&design(&short, &mut engine, w, h));
        let page = design(&long, &mut engine, w, h);
        let all = runs(&page);
        let k = w / 100.0;
        let title: Vec<_> = all
            .iter()
            .filter(|r| (r.4 - all[0].4).abs() < 0.01)
            .collect();
        assert!(!title.is_empty() && title.len() <= 4, "{paper}: {all:?}");
        // As large as fits: the short title at the full 11.5 k, the long one smaller.
        assert!((big[0].4 - 11.5 * k).abs() < 0.01, "{paper}: {big:?}");
        assert!(title[0].4 < 11.5 * k, "{paper}");
        for (text, left, right, baseline, _) in &all {
            assert!(
                *left >= 10.0 * k - 0.5 && *right <= w - 10.0 * k + 0.5,
                "{paper}: {text}"
            );
            assert!(*baseline > 0.0 && *baseline < h, "{paper}: {text}");
        }
        let band_top = (h * 0.8).round();
        for (text, .., baseline, _) in all
            .iter()
            .filter(|r| r.0.contains("khốn") || r.0.contains("Tiểu"))
        {
            assert!(
                *baseline < band_top - 3.0 * k,
                "{paper}: {text} at {baseline}"
            );
        }
        // Every word of the metadata is on the page, once.
        let words: String = all
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for w in ["Hà Nội", "Tiểu thuyết", "dịch giả", "Văn học"] {
            assert_eq!(words.matches(w).count(), 1, "{paper}: {w} in {words}");
        }
    }
}
