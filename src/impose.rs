//! Booklet imposition: layout pages → sheets, two pages side by side.
//!
//! A transformation of the [`Layout`] IR, not a re-typesetting: every item of
//! a page is moved, unchanged, to its half of a sheet side, so text stays
//! text (the PDF writer subsets the same fonts) and links, named destinations
//! and the outline keep working (the outline's pages are remapped to the
//! sheet sides that hold them). The page count is padded with blank pages to
//! a multiple of four; the sides are in saddle-stitch order, so printing the
//! result two-sided (flip on the short edge), stacking and folding the
//! sheets gives the pages in reading order: sheet 1 front is `[n, 1]`, its
//! back `[2, n − 1]`, sheet 2 front `[n − 2, 3]`, and so on.

use crate::frame::{Layout, OutlineEntry, Page};

/// The two pages (zero-based, `None` for a blank) on each sheet side, in
/// printing order: front of sheet 1, back of sheet 1, front of sheet 2, …
///
/// `pages` layout pages are padded to a multiple of four.
pub fn order(pages: usize) -> Vec<[Option<usize>; 2]> {
    let padded = pages.max(1).div_ceil(4) * 4;
    let page = |i: usize| (i < pages).then_some(i);
    let mut sides = Vec::with_capacity(padded / 2);
    for sheet in 0..padded / 4 {
        let (lo, hi) = (2 * sheet, padded - 1 - 2 * sheet);
        sides.push([page(hi), page(lo)]);
        sides.push([page(lo + 1), page(hi - 1)]);
    }
    sides
}

/// Imposes `layout` on sheet sides of `sheet` = (width, height) points: each
/// side holds two pages, in [`order`], meeting at the fold in the middle of
/// the sheet and centred vertically (a page of exactly half the sheet fills
/// its half; ISO A5 is 0.5 mm narrower than half of A4).
pub fn impose(layout: Layout, sheet: (f32, f32)) -> Layout {
    // Sheets have no page numbers of their own to show.
    let Layout {
        fonts,
        pages,
        outline,
        info,
        page_labels: _,
    } = layout;
    let (width, height) = pages.first().map_or((0.0, 0.0), |p| (p.width, p.height));
    let sides = order(pages.len());
    // Left pages end at the fold, right pages start there.
    let fold = sheet.0 / 2.0;
    let dx = [fold - width, fold];
    let dy = (sheet.1 - height) / 2.0;
    // The sheet side each layout page went to.
    let mut placed = vec![0usize; pages.len()];
    for (s, side) in sides.iter().enumerate() {
        for p in side.iter().flatten() {
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
            for (half, p) in side.iter().enumerate() {
                let Some(page) = p.and_then(|p| slots[p].take()) else {
                    continue;
                };
                side_page.items.extend(page.items.into_iter().map(|mut it| {
                    it.pos.x += dx[half];
                    it.pos.y += dy;
                    it
                }));
            }
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Item, Point, Positioned};

    /// The sides as one-based page numbers, 0 for a blank.
    fn numbers(pages: usize) -> Vec<[usize; 2]> {
        order(pages)
            .into_iter()
            .map(|s| s.map(|p| p.map_or(0, |p| p + 1)))
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
            let sides = order(n);
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
        let sheets = impose(layout, (210.0, 220.0));
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
}
