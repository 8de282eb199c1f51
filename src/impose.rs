//! Booklet imposition: layout pages → sheets, two pages side by side,
//! gathered into saddle-stitched signatures.
//!
//! A transformation of the [`Layout`] IR, not a re-typesetting: every item of
//! a page is moved, unchanged, to its half of a sheet side, so text stays
//! text (the PDF writer subsets the same fonts) and links, named destinations
//! and the outline keep working (the outline's pages are remapped to the
//! sheet sides that hold them).
//!
//! **Gatherings** (`--signature N`). The page count is padded with blank
//! pages to a multiple of four (the blanks end the last gathering); the
//! sheets are then cut into gatherings, each folded on its own and the
//! gatherings stacked one after the other (page order runs on from one
//! gathering to the next). By default a document of at most
//! [`BookletTheme::signature_max`] sheets (8: 32 pages) is one fold, and a
//! longer one the fewest gatherings of at most that many sheets, balanced so
//! that their sizes differ by at most one sheet, the thicker ones first (82
//! sheets → 5 of 8 and 6 of 7, not ten of 8 and one of 2): common
//! bookbinding practice folds 4 to 8 sheets of offset paper into one
//! signature. `--signature N` makes every gathering N sheets but the last,
//! which holds the rest (a press's fixed 16- or 32-page signatures);
//! `--signature 0` (or `all`) makes one fold of every sheet, as before.
//!
//! Within a gathering the sides are in saddle-stitch order, so printing the
//! result two-sided (flip on the short edge), folding each gathering and
//! stacking them gives the pages in reading order: for a gathering of `s`
//! sheets starting at page `a` (one-based), its first front is
//! `[a + 4s − 1, a]`, its back `[a + 1, a + 4s − 2]`, and so on.
//!
//! **Creep** (`--creep MM`, Adobe InDesign's "Creep", QuarkXPress's
//! "shingling"): in a fold of `s` sheets the inner sheets stick out at the
//! fore-edge by about the paper's thickness per sheet, so after trimming
//! their outer margins are narrower. Each page is moved towards the spine by
//! `MM × depth / (s − 1)` millimetres, `depth` being its sheet's place in the
//! gathering (0 for the outermost sheet, which stays put; `s − 1` for the
//! innermost, moved the whole `MM`). The default is 0: the right amount is
//! the paper's caliper times the sheets (about 0.1 mm per sheet of 80 g/m²
//! offset paper), which only the printer knows.
//!
//! **Marks** (`--marks`): crop marks at the four outer corners of the two
//! pages' trim and a fold mark above and below the spine, 0.25 pt hairlines
//! outside the trim ([`BookletTheme`]: 3 mm from it, clear of a 3 mm bleed,
//! 3 mm long). A4 with A5 pages leaves no room outside the trim, so with
//! marks the sheet is the next press size that does ([`crate::cli::Sheet`]:
//! SRA4 for A4, SRA3 for A3, ISO 217's sheets made for bleed and marks),
//! the pages centred on it; a mark that does not fit is shortened, or left
//! out. The marks are stroked lines, not text: copying, searching and
//! extracting the sheet give its pages' text only. They are drawn in black
//! (DeviceGray 0), not in a registration colour (a `/Separation /All` space
//! the PDF writer does not have): on a press they print on the black plate.

use crate::frame::{ArtifactKind, Tag};
use std::str::FromStr;

use crate::frame::{Item, Layout, Line, OutlineEntry, Page, Point, Positioned, Rgb};
use crate::theme::{BookletTheme, Length};

/// How the sheets are gathered into folds (`--signature`, `[trang]
/// signature`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Signature {
    /// One fold up to [`BookletTheme::signature_max`] sheets, else the fewest
    /// balanced gatherings of at most that many.
    #[default]
    Auto,
    /// Gatherings of this many sheets (at least 1), the last one the rest.
    Sheets(usize),
    /// One fold of every sheet (`0` or `all`).
    One,
}

impl FromStr for Signature {
    type Err = String;

    /// `8` (sheets per gathering), `0` or `all` (one fold).
    fn from_str(s: &str) -> Result<Signature, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") {
            return Ok(Signature::One);
        }
        match t.parse::<usize>() {
            Ok(0) => Ok(Signature::One),
            Ok(n) => Ok(Signature::Sheets(n)),
            Err(_) => Err(format!(
                "`{t}` is not a number of sheets: give the sheets folded together \
                 as one gathering, a whole number such as 8 (32 pages), or 0 or `all` \
                 for a single fold"
            )),
        }
    }
}

/// The largest creep accepted, in mm: a centimetre is far past any fold's
/// thickness (a sign of a wrong unit).
const CREEP_MAX_MM: f32 = 10.0;

/// Reads a creep in millimetres (`--creep`, `[trang] creep`): a number from
/// 0 to 10.
pub fn parse_creep(s: &str) -> Result<f32, String> {
    let t = s.trim().trim_end_matches("mm").trim_end();
    match t.parse::<f32>() {
        Ok(v) if v.is_finite() && (0.0..=CREEP_MAX_MM).contains(&v) => Ok(v),
        _ => Err(format!(
            "`{}` is not a creep: give millimetres from 0 to {CREEP_MAX_MM}, such as 0.5 \
             (about 0.1 mm per sheet of the fold; ask the printer for the paper's caliper)",
            s.trim()
        )),
    }
}

/// How the booklet is imposed, besides its sheet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Imposition {
    /// How the sheets are gathered.
    pub signature: Signature,
    /// Creep compensation of the innermost sheet of a gathering, in mm.
    pub creep: f32,
    /// Draw crop and fold marks (on a sheet with room for them).
    pub marks: bool,
}

/// The sizes, in sheets, of the gatherings that `sheets` sheets make (see
/// the module docs); `max` is [`BookletTheme::signature_max`].
pub fn gatherings(sheets: usize, signature: Signature, max: usize) -> Vec<usize> {
    let sheets = sheets.max(1);
    match signature {
        Signature::One => vec![sheets],
        Signature::Sheets(n) => {
            let n = n.max(1);
            (0..sheets)
                .step_by(n)
                .map(|first| n.min(sheets - first))
                .collect()
        }
        Signature::Auto => {
            let count = sheets.div_ceil(max.max(1));
            let (each, thicker) = (sheets / count, sheets % count);
            (0..count)
                .map(|g| each + usize::from(g < thicker))
                .collect()
        }
    }
}

/// One side of a sheet: its two pages and its sheet's place in the fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side {
    /// The left and right page (zero-based, `None` for a blank).
    pub pages: [Option<usize>; 2],
    /// The sheet's place in its gathering: 0 for the outermost.
    pub depth: usize,
    /// The sheets of its gathering.
    pub sheets: usize,
}

/// The sheet sides, in printing order (front of sheet 1, back of sheet 1,
/// front of sheet 2, …), of `pages` layout pages gathered as `signature`
/// says (`max`: [`BookletTheme::signature_max`]). Pages are padded to a
/// multiple of four.
pub fn order(pages: usize, signature: Signature, max: usize) -> Vec<Side> {
    let sizes = gatherings(pages.max(1).div_ceil(4), signature, max);
    let page = |i: usize| (i < pages).then_some(i);
    let mut sides = Vec::with_capacity(sizes.iter().sum::<usize>() * 2);
    let mut start = 0;
    for &sheets in &sizes {
        let last = start + 4 * sheets - 1;
        for depth in 0..sheets {
            let (lo, hi) = (start + 2 * depth, last - 2 * depth);
            let side = |pages| Side {
                pages,
                depth,
                sheets,
            };
            sides.push(side([page(hi), page(lo)]));
            sides.push(side([page(lo + 1), page(hi - 1)]));
        }
        start = last + 1;
    }
    sides
}

/// Imposes `layout` on sheet sides of `sheet` = (width, height) points: each
/// side holds two pages, in [`order`], meeting at the fold in the middle of
/// the sheet and centred vertically (a page of exactly half the sheet fills
/// its half; ISO A5 is 0.5 mm narrower than half of A4), moved towards the
/// fold by the creep, with crop and fold marks when asked.
pub fn impose(layout: Layout, sheet: (f32, f32), how: &Imposition, theme: &BookletTheme) -> Layout {
    // Sheets have no page numbers of their own to show.
    let Layout {
        fonts,
        pages,
        outline,
        info,
        page_labels: _,
        structure,
        runs,
    } = layout;
    let (width, height) = pages.first().map_or((0.0, 0.0), |p| (p.width, p.height));
    let sides = order(pages.len(), how.signature, theme.signature_max);
    // Left pages end at the fold, right pages start there.
    let fold = sheet.0 / 2.0;
    let dx = [fold - width, fold];
    let dy = (sheet.1 - height) / 2.0;
    let creep = Length::Mm(how.creep).pt(0.0, 0.0);
    let marks = if how.marks {
        marks(sheet, (width, height), theme)
    } else {
        Vec::new()
    };
    // The sheet side each layout page went to.
    let mut placed = vec![0usize; pages.len()];
    for (s, side) in sides.iter().enumerate() {
        for p in side.pages.iter().flatten() {
            placed[*p] = s;
        }
    }
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    let sheets = sides
        .iter()
        .map(|side| {
            let mut side_page = Page {
                width: sheet.0,
                height: sheet.1,
                items: Vec::new(),
            };
            // Towards the fold: the left page right, the right page left.
            let shift = if side.sheets > 1 {
                creep * side.depth as f32 / (side.sheets - 1) as f32
            } else {
                0.0
            };
            for (half, p) in side.pages.iter().enumerate() {
                let Some(page) = p.and_then(|p| slots[p].take()) else {
                    continue;
                };
                let x = dx[half] + if half == 0 { shift } else { -shift };
                side_page.items.extend(page.items.into_iter().map(|mut it| {
                    it.pos.x += x;
                    it.pos.y += dy;
                    it
                }));
            }
            side_page.items.extend(marks.iter().cloned());
            side_page
        })
        .collect();
    let outline = outline
        .into_iter()
        .map(|e| OutlineEntry {
            page: placed.get(e.page).copied().unwrap_or(0),
            y: e.y + dy,
            ..e
        })
        .collect();
    Layout {
        fonts,
        pages: sheets,
        outline,
        info,
        page_labels: Vec::new(),
        // The items keep their tags: the sheets read as the pages did.
        structure,
        // And frozen runs their handles.
        runs,
    }
}

/// The crop and fold marks of a sheet side of `sheet` points holding two
/// pages of `page` points at the fold (see the module docs): each mark runs
/// outwards from [`BookletTheme::mark_offset`] outside the trim, as long as
/// [`BookletTheme::mark_length`] or what the sheet's margin holds.
fn marks(sheet: (f32, f32), page: (f32, f32), theme: &BookletTheme) -> Vec<Positioned> {
    let fold = sheet.0 / 2.0;
    let (left, right) = (fold - page.0, fold + page.0);
    let (top, bottom) = ((sheet.1 - page.1) / 2.0, (sheet.1 + page.1) / 2.0);
    let offset = theme.mark_offset.pt(0.0, sheet.1);
    let length = theme.mark_length.pt(0.0, sheet.1);
    // Room outside the trim for a mark: across (left and right of the
    // pages) and along (above and below).
    let across = (left - offset).min(length);
    let along = (top - offset).min(length);
    let line = |x: f32, y: f32, to: Point| Positioned {
        pos: Point { x, y },
        item: Item::Line(Line {
            to,
            thickness: theme.mark_weight,
            color: Rgb::BLACK,
        }),
        tag: Tag::Artifact(ArtifactKind::Page),
    };
    let mut out = Vec::new();
    if across > 0.0 {
        for y in [top, bottom] {
            out.push(line(left - offset - across, y, Point { x: across, y: 0.0 }));
            out.push(line(right + offset, y, Point { x: across, y: 0.0 }));
        }
    }
    if along > 0.0 {
        // The crop marks at the outer corners and the fold mark at the spine.
        for x in [left, fold, right] {
            out.push(line(x, top - offset - along, Point { x: 0.0, y: along }));
            out.push(line(x, bottom + offset, Point { x: 0.0, y: along }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Item, Point, Positioned};
    use crate::theme::{Preset, Theme};

    /// The sides as one-based page numbers, 0 for a blank.
    fn numbers(pages: usize) -> Vec<[usize; 2]> {
        numbers_in(pages, Signature::One)
    }

    fn numbers_in(pages: usize, signature: Signature) -> Vec<[usize; 2]> {
        order(pages, signature, 8)
            .into_iter()
            .map(|s| s.pages.map(|p| p.map_or(0, |p| p + 1)))
            .collect()
    }

    #[test]
    fn saddle_stitch_order_for_small_counts() {
        assert_eq!(numbers(1), [[0, 1], [0, 0]]);
        assert_eq!(numbers(2), [[0, 1], [2, 0]]);
        assert_eq!(numbers(3), [[0, 1], [2, 3]]);
        assert_eq!(numbers(4), [[4, 1], [2, 3]]);
        assert_eq!(
            numbers(5),
            [[0, 1], [2, 0], [0, 3], [4, 5]],
            "5 pages pad to 8"
        );
        assert_eq!(numbers(8), [[8, 1], [2, 7], [6, 3], [4, 5]]);
    }

    #[test]
    fn saddle_stitch_order_for_nine_and_sixteen() {
        assert_eq!(
            numbers(9),
            [[0, 1], [2, 0], [0, 3], [4, 9], [8, 5], [6, 7]],
            "9 pages pad to 12: pages 10 to 12 are blank"
        );
        let sixteen = numbers(16);
        assert_eq!(
            sixteen,
            [
                [16, 1],
                [2, 15],
                [14, 3],
                [4, 13],
                [12, 5],
                [6, 11],
                [10, 7],
                [8, 9]
            ]
        );
    }

    #[test]
    fn every_page_once_and_folded_reading_order() {
        for n in 1..=40 {
            let sides: Vec<_> = order(n, Signature::One, 8)
                .into_iter()
                .map(|s| s.pages)
                .collect();
            let padded = n.div_ceil(4) * 4;
            assert_eq!(sides.len(), padded / 2, "{n} pages");
            let mut seen: Vec<usize> = sides.iter().flatten().flatten().copied().collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{n} pages");
            // Folded, the left half of a front is the back cover side; pages
            // facing each other on a side always sum to padded − 1.
            for side in &sides {
                let [a, b] = side.map(|p| p.map_or(usize::MAX, |p| p));
                if a != usize::MAX && b != usize::MAX {
                    assert_eq!(a + b, padded - 1, "{n} pages: {side:?}");
                }
            }
        }
    }

    #[test]
    fn items_move_to_their_half_and_outline_follows() {
        let page = |tag: &str| Page {
            width: 100.0,
            height: 200.0,
            items: vec![Positioned {
                pos: Point { x: 10.0, y: 20.0 },
                item: Item::Anchor(tag.into()),
                tag: Tag::Artifact(ArtifactKind::Layout),
            }],
        };
        let layout = Layout {
            pages: vec![page("a"), page("b"), page("c")],
            outline: vec![OutlineEntry {
                title: "c".into(),
                level: 1,
                page: 2,
                y: 20.0,
            }],
            ..Layout::default()
        };
        let sheets = impose(
            layout,
            (210.0, 220.0),
            &Imposition::default(),
            &Theme::preset(Preset::Book).booklet,
        );
        assert_eq!(sheets.pages.len(), 2);
        assert!(
            sheets
                .pages
                .iter()
                .all(|p| p.width == 210.0 && p.height == 220.0)
        );
        // Front [blank, 1]: page a on the right half, from the fold at 105.
        assert_eq!(sheets.pages[0].items.len(), 1);
        assert_eq!(sheets.pages[0].items[0].pos, Point { x: 115.0, y: 30.0 });
        // Back [2, 3]: b on the left, c on the right.
        let back: Vec<_> = sheets.pages[1]
            .items
            .iter()
            .map(|i| (&i.item, i.pos.x))
            .collect();
        assert_eq!(
            back,
            [
                (&Item::Anchor("b".into()), 15.0),
                (&Item::Anchor("c".into()), 115.0)
            ]
        );
        assert_eq!(sheets.outline[0].page, 1);
        assert_eq!(sheets.outline[0].y, 30.0);
    }

    #[test]
    fn long_documents_are_cut_into_balanced_gatherings() {
        assert_eq!(gatherings(8, Signature::Auto, 8), [8], "32 pages: one fold");
        assert_eq!(gatherings(9, Signature::Auto, 8), [5, 4]);
        assert_eq!(gatherings(25, Signature::Auto, 8), [7, 6, 6, 6]);
        let book = gatherings(82, Signature::Auto, 8);
        assert_eq!(
            book,
            [8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 7],
            "not ten of 8 and one of 2"
        );
        assert_eq!(gatherings(82, Signature::One, 8), [82]);
        assert_eq!(gatherings(10, Signature::Sheets(4), 8), [4, 4, 2]);
        assert_eq!(gatherings(3, Signature::Sheets(1), 8), [1, 1, 1]);
    }

    #[test]
    fn gatherings_follow_one_another_each_in_saddle_stitch_order() {
        // 20 pages in gatherings of 2 sheets (8 pages), the last of one.
        assert_eq!(
            numbers_in(20, Signature::Sheets(2)),
            [
                [8, 1],
                [2, 7],
                [6, 3],
                [4, 5],
                [16, 9],
                [10, 15],
                [14, 11],
                [12, 13],
                [20, 17],
                [18, 19]
            ]
        );
        // 18 pages pad to 20: the blanks end the last gathering.
        assert_eq!(
            numbers_in(18, Signature::Sheets(1))[8..],
            [[0, 17], [18, 0]]
        );
        let depths: Vec<_> = order(20, Signature::Sheets(2), 8)
            .iter()
            .map(|s| (s.depth, s.sheets))
            .collect();
        assert_eq!(
            depths,
            [
                (0, 2),
                (0, 2),
                (1, 2),
                (1, 2),
                (0, 2),
                (0, 2),
                (1, 2),
                (1, 2),
                (0, 1),
                (0, 1)
            ]
        );
    }

    #[test]
    fn signature_and_creep_values_read_back() {
        assert_eq!("8".parse(), Ok(Signature::Sheets(8)));
        assert_eq!(" all ".parse(), Ok(Signature::One));
        assert_eq!("0".parse(), Ok(Signature::One));
        let bad = "eight".parse::<Signature>().unwrap_err();
        assert!(
            bad.contains("`eight`") && bad.contains("such as 8"),
            "{bad}"
        );
        assert!("-1".parse::<Signature>().is_err());
        assert_eq!(parse_creep("0.5"), Ok(0.5));
        assert_eq!(parse_creep("1.5mm"), Ok(1.5));
        for bad in ["-1", "25", "NaN", "wide"] {
            assert!(parse_creep(bad).is_err(), "{bad}");
        }
    }

    /// A page with one anchor at (10, 20).
    fn anchored(tag: usize) -> Page {
        Page {
            width: 100.0,
            height: 200.0,
            items: vec![Positioned {
                pos: Point { x: 10.0, y: 20.0 },
                item: Item::Anchor(tag.to_string()),
                tag: Tag::Artifact(ArtifactKind::Layout),
            }],
        }
    }

    #[test]
    fn creep_moves_inner_sheets_towards_the_fold() {
        let layout = Layout {
            pages: (0..12).map(anchored).collect(),
            ..Layout::default()
        };
        let how = Imposition {
            creep: 1.0,
            ..Imposition::default()
        };
        let sheets = impose(
            layout,
            (200.0, 200.0),
            &how,
            &Theme::preset(Preset::Book).booklet,
        );
        let mm = 72.0 / 25.4;
        // Three sheets: the outer one stays, the middle moves ½ mm, the
        // inner 1 mm; left pages right (+), right pages left (−).
        for (side, want) in [(0, 0.0), (1, 0.0), (2, 0.5), (3, 0.5), (4, 1.0), (5, 1.0)] {
            let xs: Vec<f32> = sheets.pages[side].items.iter().map(|i| i.pos.x).collect();
            let shift = want * mm;
            assert!(
                (xs[0] - (10.0 + shift)).abs() < 1e-3 && (xs[1] - (110.0 - shift)).abs() < 1e-3,
                "side {side}: {xs:?}, shift {shift}"
            );
        }
    }

    #[test]
    fn marks_stand_outside_the_trim_only_where_there_is_room() {
        let theme = Theme::preset(Preset::Book).booklet;
        let lines = |sheet: (f32, f32)| -> Vec<(Point, Point)> {
            let how = Imposition {
                marks: true,
                ..Imposition::default()
            };
            let layout = Layout {
                pages: (0..4).map(anchored).collect(),
                ..Layout::default()
            };
            let sheets = impose(layout, sheet, &how, &theme);
            assert_eq!(sheets.pages.len(), 2);
            let ends = |p: &Page| -> Vec<(Point, Point)> {
                p.items
                    .iter()
                    .filter_map(|i| match &i.item {
                        Item::Line(l) => Some((
                            i.pos,
                            Point {
                                x: i.pos.x + l.to.x,
                                y: i.pos.y + l.to.y,
                            },
                        )),
                        _ => None,
                    })
                    .collect()
            };
            assert_eq!(ends(&sheets.pages[0]), ends(&sheets.pages[1]), "both sides");
            ends(&sheets.pages[0])
        };
        // Pages 100 × 200 on 240 × 240: 20 pt all round outside the trim.
        let roomy = lines((240.0, 240.0));
        assert_eq!(roomy.len(), 10, "8 crop marks and 2 fold marks");
        let (offset, length) = (3.0 * 72.0 / 25.4, 3.0 * 72.0 / 25.4);
        // Both ends of every mark at least the offset outside the trim
        // (the pages' rectangle 20..220 × 20..220).
        let outside = |p: &Point| {
            let dx = (20.0 - p.x).max(p.x - 220.0).max(0.0);
            let dy = (20.0 - p.y).max(p.y - 220.0).max(0.0);
            dx.hypot(dy)
        };
        for (a, b) in &roomy {
            assert!(outside(a).min(outside(b)) > offset - 1e-3, "{a:?} {b:?}");
            let len = (b.x - a.x).abs() + (b.y - a.y).abs();
            assert!((len - length).abs() < 1e-3, "{len}");
        }
        assert_eq!(
            roomy
                .iter()
                .filter(|(a, _)| (a.x - 120.0).abs() < 1e-3)
                .count(),
            2,
            "fold marks above and below the spine"
        );
        // No room above and below (pages as tall as the sheet): only the
        // marks beside the pages.
        assert_eq!(lines((240.0, 200.0)).len(), 4);
        // Pages fill the sheet: no marks at all.
        assert!(lines((200.0, 200.0)).is_empty());
    }
}
