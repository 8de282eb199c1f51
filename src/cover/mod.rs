//! The cover, one design for both outputs ([`crate::resolve::Cover`]).
//!
//! - [`Cover::Image`] (`cover:` names a JPEG or PNG): the PDF's first page,
//!   full bleed ([`image_page`]): scaled to cover the page, centred and
//!   cropped by the page edge when that cuts at most 6 % of its width or
//!   height ([`CROP_TOLERANCE`]: 3 % each side, inside any cover's margins);
//!   otherwise fitted whole, centred on a ground of the average colour of
//!   its edges, so the picture runs on into it. E-book covers have no
//!   bleed: a 1:1.6 cover on A4/A5 paper would lose 11.6 % of its height,
//!   and with it the series line and the publisher (seen on our own
//!   generated cover), so it is fitted, between two thin bands of its own
//!   edge colour; on Statement paper (3.4 %) it is cropped.
//!   The EPUB carries the file as it is. An SVG
//!   cover is refused when the book is resolved: Kindle and Apple Books ask
//!   for a JPEG or PNG cover image.
//! - [`Cover::Generated`] (a book without `cover`): a page drawn from the
//!   metadata ([`design`]) — series, title, subtitle, authors, publisher —
//!   set by our own engine (Knuth–Plass lines, the title in balanced lines
//!   of the heading face) on a colour field with an accent rule and a
//!   band. The palette comes from a short list ([`PALETTES`]) by a stable
//!   hash of the title, so a shelf of books is not one colour; every text
//!   colour has a contrast of at least 4.5:1 against its ground (WCAG 2.2
//!   § 1.4.3, checked in the tests). All sizes are shares of the page width,
//!   so the same design fills the PDF's page (its paper size) and the
//!   EPUB's cover image: 1600 × 2560 px, the 1:1.6 ratio Amazon KDP and
//!   Apple Books recommend, drawn from the same [`Page`] by [`raster`] and
//!   encoded as a JPEG of quality 90.
//!
//! In the PDF the cover is page 1, outside the folios (no folio, no running
//! head; the first page after it is still folio 1), followed in two-sided
//! layout by a blank page, the inside of the cover, so that the pages after
//! keep their sides ([`insert`]).

pub mod raster;

use crate::frame::{ArtifactKind, StructRole, StructTree, Tag};
use std::sync::Arc;

use crate::fonts::{FontSet, Role, Style};
use crate::frame::{Fill, Image, ImageFormat, Item, OutlineEntry, Page, Point, Positioned, Rgb};
use crate::resolve::assets::{Asset, AssetKind};
use crate::resolve::{Book, Cover};
use crate::typeset::inline::{Align, InlineEngine, LineBox, Piece, TextStyle};

/// The EPUB's generated cover image, in pixels: 1600 × 2560 (1:1.6, the
/// ratio Amazon KDP and Apple Books recommend; KDP's ideal size).
pub const JPEG_SIZE: (u32, u32) = (1600, 2560);

/// JPEG quality of the generated cover image (1–100).
pub const JPEG_QUALITY: u8 = 90;

/// The page the EPUB's cover image is designed on, in points: a quarter of
/// [`JPEG_SIZE`], drawn at 4 pixels per point.
const JPEG_PAGE: (f32, f32) = (400.0, 640.0);

/// The largest share of a cover image's width (or height) cropping may cut
/// off to make it cover the page; beyond, it is fitted whole.
pub const CROP_TOLERANCE: f32 = 0.06;

/// The colours of a generated cover.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// A name, for tests and messages.
    pub name: &'static str,
    /// The colour field behind the title.
    pub ground: Rgb,
    /// Title and subtitle, on `ground`.
    pub ink: Rgb,
    /// The rule above the title and the series line, on `ground`.
    pub accent: Rgb,
    /// The band across the foot of the cover.
    pub band: Rgb,
    /// Authors and publisher, on `band`.
    pub band_ink: Rgb,
}

/// An sRGB colour from `0xRRGGBB`.
const fn hex(c: u32) -> Rgb {
    Rgb(
        ((c >> 16) & 0xff) as f32 / 255.0,
        ((c >> 8) & 0xff) as f32 / 255.0,
        (c & 0xff) as f32 / 255.0,
    )
}

/// The palettes a generated cover is given one of: deep grounds with cream
/// ink, and two light grounds with dark ink, each with an accent.
pub const PALETTES: [Palette; 7] = [
    Palette {
        name: "indigo",
        ground: hex(0x1F2A44),
        ink: hex(0xF4EFE6),
        accent: hex(0xE0A43A),
        band: hex(0x151D30),
        band_ink: hex(0xF4EFE6),
    },
    Palette {
        name: "oxblood",
        ground: hex(0x6B1E23),
        ink: hex(0xF7EFE4),
        accent: hex(0xF0C987),
        band: hex(0x4E1519),
        band_ink: hex(0xF7EFE4),
    },
    Palette {
        name: "forest",
        ground: hex(0x1E3B2F),
        ink: hex(0xF1EDE0),
        accent: hex(0xD6BE72),
        band: hex(0x142A21),
        band_ink: hex(0xF1EDE0),
    },
    Palette {
        name: "teal",
        ground: hex(0x0F4C5C),
        ink: hex(0xF3F1EA),
        accent: hex(0xF2B880),
        band: hex(0x0A3742),
        band_ink: hex(0xF3F1EA),
    },
    Palette {
        name: "ochre",
        ground: hex(0xE9B949),
        ink: hex(0x1E1A16),
        accent: hex(0x5E2314),
        band: hex(0x1E1A16),
        band_ink: hex(0xE9B949),
    },
    Palette {
        name: "paper",
        ground: hex(0xF2EADB),
        ink: hex(0x1D1D1B),
        accent: hex(0xA63A24),
        band: hex(0xA63A24),
        band_ink: hex(0xF7F1E6),
    },
    Palette {
        name: "charcoal",
        ground: hex(0x2A2A2A),
        ink: hex(0xF0E9DC),
        accent: hex(0xE07A5F),
        band: hex(0x1C1C1C),
        band_ink: hex(0xF0E9DC),
    },
];

/// The palette of the book titled `title`: FNV-1a (64-bit) of its UTF-8
/// bytes, modulo the number of palettes — the same on every machine.
pub fn palette_for(title: &str) -> &'static Palette {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in title.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    &PALETTES[(h % PALETTES.len() as u64) as usize]
}

/// WCAG 2.2 relative luminance of an sRGB colour.
fn luminance(c: Rgb) -> f32 {
    let lin = |v: f32| {
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// WCAG 2.2 contrast ratio of two colours (1–21); text needs at least 4.5.
pub fn contrast(a: Rgb, b: Rgb) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The cover page of `book` on a page of `width` × `height` points, if it
/// has a cover (a readable JPEG or PNG, or a generated one).
pub fn page(book: &Book, engine: &mut InlineEngine, width: f32, height: f32) -> Option<Page> {
    match book.cover.as_ref()? {
        Cover::Image(_) => image_page(book.assets.cover()?, width, height),
        Cover::Generated => Some(design(book, engine, width, height)),
    }
}

/// Puts the cover of `book` in front of `pages` (and a blank page after it
/// when `duplex`), moving the outline's entries along. Anchors move with
/// their pages. Returns how many pages were added (0 without a cover).
///
/// In `structure` the cover comes first: a given image a `Figure` with
/// the book's title as its alternate text; a generated cover a `Div` whose
/// `P` holds its text (its grounds, bands and rules are artifacts).
pub fn insert(
    book: &Book,
    engine: &mut InlineEngine,
    duplex: bool,
    (width, height): (f32, f32),
    pages: &mut Vec<Page>,
    outline: &mut [OutlineEntry],
    structure: &mut StructTree,
) -> usize {
    let Some(mut cover) = page(book, engine, width, height) else {
        return 0;
    };
    let root = StructTree::ROOT;
    let (outer, inner) = if matches!(book.cover, Some(Cover::Image(_))) {
        let fig = structure.add(root, StructRole::Figure);
        structure.node_mut(fig).texts_mut().alt = Some(book.title.clone());
        (fig, fig)
    } else {
        let div = structure.add(root, StructRole::Div);
        (div, structure.add(div, StructRole::P))
    };
    let kids = &mut structure.node_mut(root).children;
    kids.pop();
    kids.insert(0, outer);
    for it in &mut cover.items {
        if matches!(it.item, Item::Text(_) | Item::Image(_)) {
            it.tag = Tag::Content(inner);
        }
    }
    let mut front = vec![cover];
    if duplex {
        front.push(Page {
            width,
            height,
            items: Vec::new(),
        });
    }
    let n = front.len();
    pages.splice(0..0, front);
    for e in outline {
        e.page += n;
    }
    n
}

/// The given cover image as a full-bleed page (see the module docs for
/// cropping versus fitting). `None` for an SVG, which is refused earlier.
pub fn image_page(asset: &Asset, width: f32, height: f32) -> Option<Page> {
    let (data, format) = match &asset.kind {
        AssetKind::Jpeg(d) => (d, ImageFormat::Jpeg),
        AssetKind::Png(d) => (d, ImageFormat::Png),
        AssetKind::Svg(_) => return None,
    };
    let (w, h) = (asset.size.0.max(1) as f32, asset.size.1.max(1) as f32);
    let r = (w / h) / (width / height);
    let crop = 1.0 - r.min(1.0 / r) <= CROP_TOLERANCE;
    let scale = if crop {
        (width / w).max(height / h)
    } else {
        (width / w).min(height / h)
    };
    let (iw, ih) = (w * scale, h * scale);
    let mut items = Vec::new();
    if !crop {
        items.push(Positioned {
            pos: Point::default(),
            item: Item::Fill(Fill {
                width,
                height,
                color: average_colour(data).unwrap_or(Rgb(1.0, 1.0, 1.0)),
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        });
    }
    items.push(Positioned {
        pos: Point {
            x: (width - iw) / 2.0,
            y: (height - ih) / 2.0,
        },
        item: Item::image(Image {
            data: Arc::clone(data),
            format,
            pixel_size: asset.size,
            width: iw,
            height: ih,
        }),
        tag: Tag::Artifact(ArtifactKind::Layout),
    });
    Some(Page {
        width,
        height,
        items,
    })
}

/// The mean sRGB colour of an image's outer frame (2 % of its shorter
/// side; transparent pixels count as white, the page they show through
/// to): the ground a fitted cover stands on continues its edges.
fn average_colour(data: &[u8]) -> Option<Rgb> {
    let img = image::load_from_memory(data).ok()?.to_rgba8();
    let (w, h) = img.dimensions();
    let t = (w.min(h) / 50).max(1);
    let mut sum = [0u64; 3];
    let mut n = 0u64;
    for (x, y, p) in img.enumerate_pixels() {
        if x >= t && y >= t && x + t < w && y + t < h {
            continue;
        }
        let a = u64::from(p[3]);
        for (s, &c) in sum.iter_mut().zip(&p.0[..3]) {
            *s += (u64::from(c) * a + 255 * (255 - a)) / 255;
        }
        n += 1;
    }
    let n = n.max(1) as f32 * 255.0;
    Some(Rgb(sum[0] as f32 / n, sum[1] as f32 / n, sum[2] as f32 / n))
}

/// The generated cover of `book` on a page of `width` × `height` points:
/// everything measured in hundredths of the width (`k`), so that it scales.
///
/// From the top: the series (accent colour), an accent rule, the title
/// (heading face, bold, in balanced lines of at most four, as large as
/// fits: from 11.5 k down), the subtitle; across the foot, a band of
/// 20 % of the height with the authors and, at the bottom, the publisher.
pub fn design(book: &Book, engine: &mut InlineEngine, width: f32, height: f32) -> Page {
    let meta = &book.meta;
    let pal = palette_for(&book.title);
    let k = width / 100.0;
    let margin = (10.0 * k).round();
    let measure = width - 2.0 * margin;
    let band_top = (height * 0.8).round();
    let lang: Arc<str> = Arc::from(meta.lang.as_str());
    let style = |role: Role, bold: bool, size: f32, color: Rgb| TextStyle {
        role,
        style: Style {
            bold,
            italic: false,
        },
        size,
        color,
        rise: 0.0,
        strike: false,
        underline: false,
        mark: false,
        link: None,
        lang: Arc::clone(&lang),
        node: None,
    };
    let mut items = vec![
        fill(0.0, 0.0, width, band_top, pal.ground),
        fill(0.0, band_top, width, height - band_top, pal.band),
    ];

    // The series, at the top margin.
    if let Some(series) = meta.series.as_deref().filter(|s| !s.trim().is_empty()) {
        let st = style(Role::Heading, false, 3.4 * k, pal.accent);
        let lines = engine.layout(&[Piece::Text(series.into(), st)], measure, 0.0, Align::Left);
        let first = lines.first().map_or(0.0, |l| l.ascent);
        place(lines, margin, 8.0 * k + first, 4.4 * k, &mut items);
    }

    // The rule, then the title and subtitle, as large as fits above the band.
    let rule_top = (height * 0.2).round();
    items.push(fill(margin, rule_top, 16.0 * k, 1.2 * k, pal.accent));
    let title_top = rule_top + 7.0 * k;
    let room = band_top - 6.0 * k - title_top;
    let subtitle = meta.subtitle.as_deref().filter(|s| !s.trim().is_empty());
    let mut size = 11.5 * k;
    let (title, title_lead, sub, sub_lead) = loop {
        let pieces = [Piece::Text(
            book.title.clone(),
            style(Role::Heading, true, size, pal.ink),
        )];
        let (longest_word, _) = engine.natural_widths(&pieces);
        let title = engine.layout_balanced(&pieces, measure, Align::Left);
        let lead = (size * 1.12).round();
        let sub_size = (size * 0.42).clamp(3.6 * k, 5.2 * k);
        let sub_lead = (sub_size * 1.3).round();
        let sub = subtitle.map_or_else(Vec::new, |s| {
            let st = style(Role::Heading, false, sub_size, pal.ink);
            engine.layout_balanced(&[Piece::Text(s.into(), st)], measure, Align::Left)
        });
        let tall = lines_height(&title, lead)
            + if sub.is_empty() {
                0.0
            } else {
                0.25 * size + 5.0 * k + lines_height(&sub, sub_lead)
            };
        let fits = longest_word <= measure && title.len() <= 4 && tall <= room;
        if fits || size <= 5.0 * k {
            break (title, lead, sub, sub_lead);
        }
        size *= 0.92;
    };
    let first = title.first().map_or(0.0, |l| l.ascent);
    let last = place(title, margin, title_top + first, title_lead, &mut items);
    if let Some(first) = sub.first().map(|l| l.ascent) {
        let top = last + 0.25 * size + 5.0 * k;
        place(sub, margin, top + first, sub_lead, &mut items);
    }

    // The band: authors at its top, the publisher at the bottom margin.
    if !meta.authors.is_empty() {
        let st = style(Role::Heading, true, 4.4 * k, pal.band_ink);
        let pieces = [Piece::Text(meta.authors.join(", "), st)];
        let lines = engine.layout_balanced(&pieces, measure, Align::Left);
        let first = lines.first().map_or(0.0, |l| l.ascent);
        place(
            lines,
            margin,
            band_top + 5.5 * k + first,
            (5.6 * k).round(),
            &mut items,
        );
    }
    if let Some(publisher) = meta.publisher.as_deref().filter(|s| !s.trim().is_empty()) {
        let st = style(Role::Heading, false, 3.2 * k, pal.band_ink);
        let lines = engine.layout(
            &[Piece::Text(publisher.into(), st)],
            measure,
            0.0,
            Align::Left,
        );
        // The last line's baseline at 6 k above the foot.
        let lead = (4.2 * k).round();
        let top = height - 6.0 * k - lead * (lines.len().max(1) - 1) as f32;
        place(lines, margin, top, lead, &mut items);
    }
    Page {
        width,
        height,
        items,
    }
}

/// The height of `lines` set `lead` apart, from the first line's top to
/// the last baseline.
fn lines_height(lines: &[LineBox], lead: f32) -> f32 {
    lines.first().map_or(0.0, |l| l.ascent) + lead * lines.len().saturating_sub(1) as f32
}

/// Places `lines` from the baseline `first` down, `lead` apart, at `x`;
/// returns the last baseline.
fn place(lines: Vec<LineBox>, x: f32, first: f32, lead: f32, out: &mut Vec<Positioned>) -> f32 {
    let mut baseline = first;
    for (i, line) in lines.into_iter().enumerate() {
        baseline = first + lead * i as f32;
        out.extend(line.items.into_iter().map(|mut it| {
            it.pos.x += x;
            it.pos.y += baseline;
            it
        }));
    }
    baseline
}

fn fill(x: f32, y: f32, width: f32, height: f32, color: Rgb) -> Positioned {
    Positioned {
        pos: Point { x, y },
        item: Item::Fill(Fill {
            width,
            height,
            color,
        }),
        tag: Tag::Artifact(ArtifactKind::Layout),
    }
}

/// The generated cover of `book` as the EPUB's cover image: the [`design`]
/// on a 1:1.6 page, drawn at [`JPEG_SIZE`] and encoded as a JPEG of
/// [`JPEG_QUALITY`]. The same book gives the same bytes.
pub fn generated_jpeg(book: &Book, fonts: &FontSet) -> Result<Vec<u8>, String> {
    let mut engine = InlineEngine::new(fonts, &book.meta.lang);
    let page = design(book, &mut engine, JPEG_PAGE.0, JPEG_PAGE.1);
    let faces = engine.layout_fonts();
    let pixmap = raster::render(&page, &faces, JPEG_SIZE.0, JPEG_SIZE.1)?;
    raster::jpeg(&pixmap, JPEG_QUALITY)
}

#[cfg(test)]
mod tests;
