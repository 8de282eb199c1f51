//! The layout IR: pages of positioned items.
//!
//! The typesetter produces a [`Layout`]; the PDF writer only reads it. Every
//! coordinate is in PDF points (1/72 in), measured from the **top-left** corner
//! of the page with y growing downwards (the PDF writer flips it). Text is kept
//! as shaped glyph runs that remember the source text each cluster stands for,
//! which is what the PDF's ToUnicode map and `/ActualText` spans give back on
//! copy, search and extraction.

use std::ops::Range;
use std::sync::Arc;

pub use thin_vec::ThinVec;

/// A point on a page, in points from the top-left corner (y grows downwards).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Distance from the left edge.
    pub x: f32,
    /// Distance from the top edge.
    pub y: f32,
}

/// An axis-aligned rectangle on a page (top-left origin, y down).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// An sRGB colour with components in `0.0..=1.0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// Plain black, the body text colour.
    pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
}

/// Index of a font in [`Layout::fonts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub usize);

/// A font face used by the layout: the raw file, as loaded from `fonts/`.
#[derive(Clone, Debug)]
pub struct FontFace {
    /// PostScript-like name used for the PDF base font (without subset tag).
    pub name: String,
    /// The TrueType/OpenType file bytes.
    pub data: Arc<crate::fonts::FontBytes>,
    /// Face index inside a collection (0 for plain TTF files).
    pub index: u32,
}

/// One glyph of a run: its id in the font and its advance. Where GPOS
/// moves it off its pen position is [`GlyphRun::offset`]: few glyphs are
/// moved (marks drawn apart, math), and a layout holds a glyph for every
/// letter until the PDF is written, so the offsets are kept apart.
///
/// 6 bytes a glyph: packed to 2-byte alignment, without the 2 bytes of
/// padding an `f32` after a `u16` would take (a quarter of the glyphs'
/// memory). Fields are read and written by value (`g.x_advance`, `+=`);
/// taking a reference to `x_advance` is refused by the compiler (E0793).
/// No `unsafe` is involved.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, packed(2))]
pub struct Glyph {
    /// Glyph id in the run's font.
    pub id: u16,
    /// Horizontal advance in points, after justification.
    pub x_advance: f32,
}

// What the packing is for: checked when compiling.
const _: () = assert!(std::mem::size_of::<Glyph>() == 6);

/// A run's glyphs. As a run is built they are listed in full
/// ([`Glyphs::Plain`]); once it is finished ([`Glyphs::pack`]) each
/// distinct glyph (id and advance) is kept once and every glyph is a byte
/// naming it ([`Glyphs::Packed`]), when that takes less room. A line of
/// Vietnamese text draws each distinct glyph about twice (a justified
/// line's word spaces are all one): on the generated 50 MB document's
/// first 420 chapters, 3.66 M glyphs held 1.85 M distinct ones, and their
/// memory went from 22.0 to 16.7 MB (`valgrind --tool=massif`). A layout
/// holds a glyph for every letter of the document until the PDF is
/// written: they were the largest part of a large document's memory.
/// The glyphs read back are exactly those pushed, bit for bit.
#[derive(Clone, Debug)]
pub enum Glyphs {
    /// Every glyph in full: a run being built, one that packing would not
    /// make smaller or that has more than 256 distinct glyphs, and runs
    /// never packed (a formula's glyphs, runs made by hand; a book's first
    /// pass keeps none, see [`crate::typeset::inline::InlineEngine::keep`]).
    Plain(Vec<Glyph>),
    /// Each distinct glyph once, in order of first use, and for each glyph
    /// of the run the index of its own among them.
    Packed {
        /// The distinct glyphs (at most 256).
        distinct: ThinVec<Glyph>,
        /// Per glyph, its index in `distinct`.
        index: ThinVec<u8>,
    },
}

impl Default for Glyphs {
    fn default() -> Self {
        Glyphs::Plain(Vec::new())
    }
}

impl PartialEq for Glyphs {
    /// The same glyphs in the same order, however they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl From<Vec<Glyph>> for Glyphs {
    fn from(v: Vec<Glyph>) -> Self {
        Glyphs::Plain(v)
    }
}

impl FromIterator<Glyph> for Glyphs {
    fn from_iter<I: IntoIterator<Item = Glyph>>(iter: I) -> Self {
        Glyphs::Plain(iter.into_iter().collect())
    }
}

impl std::ops::Index<usize> for Glyphs {
    type Output = Glyph;
    #[inline]
    fn index(&self, i: usize) -> &Glyph {
        match self {
            Glyphs::Plain(v) => &v[i],
            Glyphs::Packed { distinct, index } => &distinct[usize::from(index[i])],
        }
    }
}

impl<'a> IntoIterator for &'a Glyphs {
    type Item = &'a Glyph;
    type IntoIter = GlyphIter<'a>;
    #[inline]
    fn into_iter(self) -> GlyphIter<'a> {
        self.iter()
    }
}

/// The glyphs of a run in order ([`Glyphs::iter`]).
pub enum GlyphIter<'a> {
    /// Of a [`Glyphs::Plain`].
    Plain(std::slice::Iter<'a, Glyph>),
    /// Of a [`Glyphs::Packed`].
    Packed {
        /// The distinct glyphs.
        distinct: &'a [Glyph],
        /// The indices not yet visited.
        index: std::slice::Iter<'a, u8>,
    },
}

impl<'a> Iterator for GlyphIter<'a> {
    type Item = &'a Glyph;
    #[inline]
    fn next(&mut self) -> Option<&'a Glyph> {
        match self {
            GlyphIter::Plain(it) => it.next(),
            GlyphIter::Packed { distinct, index } => {
                index.next().map(|&k| &distinct[usize::from(k)])
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            GlyphIter::Plain(it) => it.len(),
            GlyphIter::Packed { index, .. } => index.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for GlyphIter<'_> {}

impl Glyphs {
    /// How many glyphs.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Glyphs::Plain(v) => v.len(),
            Glyphs::Packed { index, .. } => index.len(),
        }
    }

    /// Whether there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The glyphs in order.
    #[inline]
    pub fn iter(&self) -> GlyphIter<'_> {
        match self {
            Glyphs::Plain(v) => GlyphIter::Plain(v.iter()),
            Glyphs::Packed { distinct, index } => GlyphIter::Packed {
                distinct,
                index: index.iter(),
            },
        }
    }

    /// Every glyph drawn, each at least once (a packed run's distinct
    /// glyphs once each): for what only asks which glyphs are used.
    pub fn each_distinct(&self) -> std::slice::Iter<'_, Glyph> {
        match self {
            Glyphs::Plain(v) => v.iter(),
            Glyphs::Packed { distinct, .. } => distinct.iter(),
        }
    }

    /// The glyphs as a slice: borrowed when listed in full, else copied.
    pub fn as_slice(&self) -> std::borrow::Cow<'_, [Glyph]> {
        match self {
            Glyphs::Plain(v) => std::borrow::Cow::Borrowed(v),
            Glyphs::Packed { distinct, index } => {
                std::borrow::Cow::Owned(index.iter().map(|&k| distinct[usize::from(k)]).collect())
            }
        }
    }

    /// Glyphs `r` in order, if the run has them (none when `r` is
    /// reversed or runs past the end).
    pub fn range(&self, r: Range<usize>) -> Option<GlyphIter<'_>> {
        Some(match self {
            Glyphs::Plain(v) => GlyphIter::Plain(v.get(r)?.iter()),
            Glyphs::Packed { distinct, index } => GlyphIter::Packed {
                distinct,
                index: index.get(r)?.iter(),
            },
        })
    }

    /// The glyphs listed in full, to change: a packed run is unpacked.
    #[inline]
    pub fn make_mut(&mut self) -> &mut Vec<Glyph> {
        if let Glyphs::Packed { .. } = self {
            *self = Glyphs::Plain(self.iter().copied().collect());
        }
        match self {
            Glyphs::Plain(v) => v,
            Glyphs::Packed { .. } => unreachable!("just unpacked"),
        }
    }

    /// Adds a glyph at the end.
    #[inline]
    pub fn push(&mut self, g: Glyph) {
        self.make_mut().push(g);
    }

    /// Removes the last glyph.
    pub fn pop(&mut self) -> Option<Glyph> {
        self.make_mut().pop()
    }

    /// Stores finished glyphs in as little room as they take: each
    /// distinct one once and a byte per glyph when there are at most 256
    /// distinct ones and that is smaller (two allocations of 16 bytes of
    /// header each), else listed in full without spare capacity.
    /// Distinct means bit for bit (`to_bits`), so that every glyph reads
    /// back exactly as it was pushed.
    pub fn pack(&mut self) {
        let Glyphs::Plain(v) = self else {
            return;
        };
        // The distinct glyphs found so far, and an open-addressing table
        // of them (a slot holds an index + 1; 0 is empty), twice as large
        // as the most it can hold so that a probe ends at an empty slot.
        let mut distinct = [(0u16, 0u32); 256];
        let mut count = 0usize;
        let mut table = [0u16; 512];
        let mut index: ThinVec<u8> = ThinVec::with_capacity(v.len());
        for g in v.iter() {
            let k = (g.id, g.x_advance.to_bits());
            let mut h =
                ((u32::from(k.0) ^ k.1.rotate_left(7)).wrapping_mul(0x9E37_79B1) >> 23) as usize;
            let i = loop {
                match table[h] {
                    0 => {
                        if count == distinct.len() {
                            v.shrink_to_fit();
                            return;
                        }
                        distinct[count] = k;
                        count += 1;
                        table[h] = count as u16;
                        break count - 1;
                    }
                    t if distinct[usize::from(t) - 1] == k => break usize::from(t) - 1,
                    _ => h = (h + 1) % table.len(),
                }
            };
            // At most 256 distinct glyphs: the index fits a byte.
            index.push(i as u8);
        }
        // Packed: 6 bytes a distinct glyph, 1 a glyph, two ThinVec headers.
        if 6 * count + index.len() + 32 >= 6 * v.len() {
            v.shrink_to_fit();
            return;
        }
        let mut glyphs: ThinVec<Glyph> = ThinVec::with_capacity(count);
        glyphs.extend(distinct[..count].iter().map(|&(id, bits)| Glyph {
            id,
            x_advance: f32::from_bits(bits),
        }));
        *self = Glyphs::Packed {
            distinct: glyphs,
            index,
        };
    }
}

/// Where a glyph is drawn relative to its pen position on the baseline
/// (GPOS), in points.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GlyphOffset {
    /// Horizontal offset, in points.
    pub x: f32,
    /// Vertical offset, in points, positive **up**.
    pub y: f32,
}

impl GlyphOffset {
    /// Whether the glyph is moved at all.
    pub fn is_zero(&self) -> bool {
        self.x == 0.0 && self.y == 0.0
    }
}

/// A cluster: the smallest unit of source text that maps to whole glyphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Byte range of the cluster's text in [`GlyphRun::text`].
    pub text: Range<u32>,
    /// Index range of the cluster's glyphs in [`GlyphRun::glyphs`].
    pub glyphs: Range<u32>,
}

// A layout holds a cluster for nearly every letter of the document: 32-bit
// offsets keep each at 16 bytes instead of 32.
impl Cluster {
    /// [`Cluster::text`] as a range to slice [`GlyphRun::text`] with.
    pub fn text_range(&self) -> Range<usize> {
        self.text.start as usize..self.text.end as usize
    }

    /// [`Cluster::glyphs`] as a range of [`GlyphRun::glyphs`] (to index, or
    /// to take with [`Glyphs::range`]).
    pub fn glyph_range(&self) -> Range<usize> {
        self.glyphs.start as usize..self.glyphs.end as usize
    }
}

/// A shaped run of glyphs in one font and size, starting at its item position
/// (the baseline origin of the first glyph).
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphRun {
    /// The font the glyph ids belong to.
    pub font: FontId,
    /// Font size in points.
    pub size: f32,
    /// Fill colour.
    pub color: Rgb,
    /// The glyphs in visual (= logical, for Latin) order.
    pub glyphs: Glyphs,
    /// Each glyph's offset, parallel to `glyphs`; empty when no glyph of
    /// the run is moved (nearly every run). Read it with
    /// [`GlyphRun::offset`], add glyphs with [`GlyphRun::push_glyph`].
    pub offsets: ThinVec<GlyphOffset>,
    /// The source text the run stands for (NFC).
    pub text: String,
    /// Which glyphs draw which text: clusters in order, covering all of
    /// `text` and all of `glyphs` (see [`GlyphRun::clusters`]).
    pub clusters: Clusters,
    /// The letter-spacing of the run's line, in points: what the layout
    /// added to the advance of every letter cluster (already included in
    /// the glyphs' `x_advance`). The PDF writer sets it as the character
    /// spacing (`Tc`, ISO 32000-1 §9.3.2), so that it is the line's and
    /// never a guess from the advances of a few kerned glyphs or spaces.
    pub letter_spacing: f32,
}

/// How a run's text maps to its glyphs.
///
/// Nearly every run of a document is one glyph per character (Vietnamese in
/// NFC, Latin, digits): for those the clusters are implied and nothing is
/// stored. A layout holds a run for every line until the PDF is written, and
/// listing each letter's cluster (16 bytes) was a third of its memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Clusters {
    /// Each character (Unicode scalar value) of the text is one cluster,
    /// drawn by one glyph, in order: glyph `i` draws character `i`.
    #[default]
    OnePerChar,
    /// Clusters listed in order (ligatures, marks drawn apart, text that
    /// draws nothing, decomposed sequences).
    Listed(ThinVec<Cluster>),
}

impl GlyphRun {
    /// Total advance width of the run in points.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.x_advance).sum()
    }

    /// Where glyph `i` is moved from its pen position (zero for most).
    pub fn offset(&self, i: usize) -> GlyphOffset {
        self.offsets.get(i).copied().unwrap_or_default()
    }

    /// Adds a glyph moved by `offset`; the offsets are listed from the
    /// first glyph that is moved on.
    pub fn push_glyph(&mut self, glyph: Glyph, offset: GlyphOffset) {
        // (Deciding by `offset` as well as by the list: when the run's
        // first glyph is the first moved, the list is still empty after
        // the resize, and its offset must be listed all the same.)
        if !offset.is_zero() || !self.offsets.is_empty() {
            self.offsets
                .resize(self.glyphs.len(), GlyphOffset::default());
            self.offsets.push(offset);
        }
        self.glyphs.push(glyph);
    }

    /// The run's clusters in order, implied ones included.
    pub fn clusters(&self) -> ClusterIter<'_> {
        match &self.clusters {
            Clusters::OnePerChar => ClusterIter::Implied {
                chars: self.text.char_indices(),
                glyph: 0,
            },
            Clusters::Listed(list) => ClusterIter::Listed(list.iter()),
        }
    }

    /// How many clusters the run has.
    pub fn cluster_count(&self) -> usize {
        match &self.clusters {
            Clusters::OnePerChar => self.glyphs.len(),
            Clusters::Listed(list) => list.len(),
        }
    }

    /// Whether every cluster is one glyph standing for one character.
    pub fn one_glyph_per_char(&self) -> bool {
        match &self.clusters {
            // (Counting the characters is cheap, and keeps a run built
            // wrongly from being written as if it were right.)
            Clusters::OnePerChar => self.text.chars().count() == self.glyphs.len(),
            Clusters::Listed(list) => {
                self.glyphs.len() == list.len()
                    && list.iter().enumerate().all(|(i, c)| {
                        c.glyph_range() == (i..i + 1)
                            && self.text.get(c.text_range()).is_some_and(|t| {
                                let mut chars = t.chars();
                                chars.next().is_some() && chars.next().is_none()
                            })
                    })
            }
        }
    }

    /// The clusters as a list to add to. If they are still implied, they
    /// are written out first for the part of the run they cover: its
    /// first `text_len` bytes and `glyph_len` glyphs, which must hold as
    /// many characters as glyphs (a caller that has already pushed more
    /// text and glyphs passes where the implied clusters end).
    ///
    /// Implied clusters assume text and glyphs in the same order, as the
    /// typesetter shapes them today (left to right, `typeset::shape`);
    /// right-to-left shaping would have to list its clusters.
    pub fn listed_clusters(&mut self, text_len: usize, glyph_len: usize) -> &mut ThinVec<Cluster> {
        if let Clusters::OnePerChar = self.clusters {
            debug_assert_eq!(self.text[..text_len].chars().count(), glyph_len);
            let implied = ClusterIter::Implied {
                chars: self.text[..text_len].char_indices(),
                glyph: 0,
            };
            let list = implied.take(glyph_len).collect();
            self.clusters = Clusters::Listed(list);
        }
        match &mut self.clusters {
            Clusters::Listed(list) => list,
            Clusters::OnePerChar => unreachable!("just listed"),
        }
    }
}

/// The clusters of a run in order ([`GlyphRun::clusters`]).
pub enum ClusterIter<'a> {
    /// One glyph per character.
    Implied {
        /// The characters not yet visited, with their byte offsets.
        chars: std::str::CharIndices<'a>,
        /// The next glyph.
        glyph: u32,
    },
    /// Listed clusters.
    Listed(std::slice::Iter<'a, Cluster>),
}

impl Iterator for ClusterIter<'_> {
    type Item = Cluster;

    fn next(&mut self) -> Option<Cluster> {
        match self {
            ClusterIter::Implied { chars, glyph } => {
                let (at, c) = chars.next()?;
                let g = *glyph;
                *glyph += 1;
                Some(Cluster {
                    text: at as u32..(at + c.len_utf8()) as u32,
                    glyphs: g..g + 1,
                })
            }
            ClusterIter::Listed(list) => list.next().cloned(),
        }
    }
}

/// A straight line (rules, underlines, strike-throughs, table borders).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    /// End point, relative to the item's position.
    pub to: Point,
    /// Stroke width in points.
    pub thickness: f32,
    /// Stroke colour.
    pub color: Rgb,
}

/// A filled rectangle (tints behind code blocks and quotes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fill {
    /// Width in points.
    pub width: f32,
    /// Height in points (downwards from the item's position).
    pub height: f32,
    /// Fill colour.
    pub color: Rgb,
}

/// The encoding of an embedded image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG, embedded as-is (`/DCTDecode`).
    Jpeg,
    /// PNG, decoded and stored losslessly (`/FlateDecode`).
    Png,
    /// A vector drawing as a one-page PDF (an SVG converted by svg2pdf),
    /// drawn as a form XObject: no pixels.
    Pdf,
}

/// An image placed with its top-left corner at the item's position.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// The image file's bytes.
    pub data: Arc<Vec<u8>>,
    /// How `data` is encoded.
    pub format: ImageFormat,
    /// Natural size in pixels (CSS px of 1/96 in for a [`ImageFormat::Pdf`]).
    pub pixel_size: (u32, u32),
    /// Placed width in points.
    pub width: f32,
    /// Placed height in points.
    pub height: f32,
}

/// Where a link goes.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkTarget {
    /// An external URI.
    Uri(String),
    /// A named destination inside the document (see [`Item::Anchor`]).
    Anchor(String),
}

/// A clickable area (top-left at the item's position).
#[derive(Clone, Debug, PartialEq)]
pub struct LinkArea {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// Where it goes.
    pub target: LinkTarget,
}

/// One thing drawn (or marked) on a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Shaped text (boxed, as the rarer images and link areas are, so that
    /// an item is small: see the size check below; made with
    /// [`Item::text`]).
    Text(Box<GlyphRun>),
    /// A stroked line.
    Line(Line),
    /// A filled rectangle.
    Fill(Fill),
    /// An image: raster, or a vector drawing ([`ImageFormat::Pdf`]).
    Image(Box<Image>),
    /// A link annotation.
    Link(Box<LinkArea>),
    /// A named destination at this position (heading ids, footnotes).
    Anchor(String),
    /// The first reference to note `n` (zero-based) stands here: the
    /// paginator sets the note at the foot of this page. Draws nothing.
    NoteRef(usize),
    /// Shaped text held deflated in the layout's [`Layout::runs`]: a run
    /// set with [`crate::typeset::paginate::Keep::Deflated`], drawn as the
    /// [`Item::Text`] it was (module [`crate::runstore`]).
    Frozen(crate::runstore::FrozenRun),
}

impl Item {
    /// Shaped text: [`Item::Text`] holding `run`.
    pub fn text(run: GlyphRun) -> Item {
        Item::Text(Box::new(run))
    }

    /// An image: [`Item::Image`] holding `image`.
    pub fn image(image: Image) -> Item {
        Item::Image(Box::new(image))
    }

    /// A link annotation: [`Item::Link`] holding `area`.
    pub fn link(area: LinkArea) -> Item {
        Item::Link(Box::new(area))
    }
}

// A layout holds an item for every run of every line until the PDF is
// written, and a large document's runs are held deflated
// ([`Item::Frozen`], 24 bytes), so an item is no larger than its smallest
// common kinds need: a run, an image and a link area are boxed (a run
// inline made every item 112 bytes: 78 MB of the 50 MB document's 700,000
// items, 33 MB now; benches/README.md, session 27). The run's offsets and
// listed clusters are `ThinVec`s, one pointer each (not a `Vec`'s three
// words), since nearly every run leaves both empty. Checked when
// compiling.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Positioned>() <= 48);

/// An item and its position on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Positioned {
    /// Top-left for boxes; baseline origin for [`Item::Text`].
    pub pos: Point,
    /// What is drawn.
    pub item: Item,
    /// What the item is to a reader: content of a structure element of
    /// [`Layout::structure`], or an artifact (decoration).
    pub tag: Tag,
}

/// What a page item is to a reader (tagged PDF, ISO 32000-1 §14.8; PDF/UA-1,
/// ISO 14289-1 §7.1): the content of one structure element, or an
/// artifact that a screen reader skips. Decided once, by the typesetter;
/// the PDF writer only marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Content of the element `NodeId` of [`Layout::structure`] (its leaf:
    /// the paragraph, heading, table cell, link, note reference…).
    Content(NodeId),
    /// Decoration, not content (ISO 32000-1 §14.8.2.2).
    Artifact(ArtifactKind),
}

/// The kinds of artifact (ISO 32000-1 §14.8.2.2.2, Table 330 `/Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArtifactKind {
    /// Running heads, folios, continuation marks (`/Pagination`).
    Pagination,
    /// Rules, borders, tints and other drawing that only lays the page out
    /// (`/Layout`).
    Layout,
    /// Printer's marks: crop and fold marks (`/Page`).
    Page,
    /// A page's background (`/Background`).
    Background,
    /// The hyphen drawn where a line breaks inside a word: an incidental
    /// artifact of laying the text out (ISO 32000-1 §14.8.2.2.1), written
    /// as `/Layout`; the word it divides reads whole in the tree. Apart
    /// from [`ArtifactKind::Layout`], which the typesetter also uses for
    /// items not yet claimed by an element.
    Hyphen,
}

/// Index of a structure element in [`StructTree::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A structure element's type: the standard structure types of ISO 32000-1
/// §14.8.4 that trang's documents use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructRole {
    /// The whole document (the tree's root).
    Document,
    /// A part of a book.
    Part,
    /// A chapter or section: a heading and what follows it up to the next
    /// heading of its level or above.
    Sect,
    /// A generic block grouping (title block, callout, details).
    Div,
    /// A heading, level 1–6; levels never skip in the tree.
    H(u8),
    /// A paragraph (also a definition's term or body, a title-page line).
    P,
    /// A block quotation.
    BlockQuote,
    /// A caption of a figure or table.
    Caption,
    /// A table of contents.
    Toc,
    /// An entry of a table of contents.
    Toci,
    /// A list.
    L,
    /// An item of a list.
    Li,
    /// A list item's label (bullet, number).
    Lbl,
    /// A list item's body.
    LBody,
    /// A table.
    Table,
    /// A table's header row group.
    THead,
    /// A table's body row group.
    TBody,
    /// A table's foot row group.
    TFoot,
    /// A table row.
    Tr,
    /// A header cell, with the cells it heads.
    Th(Scope),
    /// A data cell.
    Td,
    /// A figure (an image with its alternate text in [`StructNode::alt`]).
    Figure,
    /// A formula (with its alternate text in [`StructNode::alt`]).
    Formula,
    /// A footnote's text.
    Note,
    /// A reference to a footnote from the body (its marker).
    Reference,
    /// A link: its text, and its annotation (`/OBJR`).
    Link,
    /// Code: a code block or an inline code span.
    Code,
    /// An inline quotation.
    Quote,
    /// An inline run that differs in language (or needs `/ActualText`).
    Span,
}

/// The cells a header cell heads (`/Scope`, ISO 32000-1 §14.8.5.7, Table 349).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The cells of its row.
    Row,
    /// The cells of its column.
    Column,
    /// Both.
    Both,
}

/// One structure element.
#[derive(Clone, Debug, PartialEq)]
pub struct StructNode {
    /// Its type.
    pub role: StructRole,
    /// The element it belongs to; `None` only for the root.
    pub parent: Option<NodeId>,
    /// Its child elements, in reading order (a page's content is read from
    /// the tree, not from the order it is drawn in: two columns, footnotes).
    /// An element's own content items and its children interleave in page
    /// order: a child (a link, a code span in a paragraph) stands where its
    /// first item is drawn, among the element's own items.
    pub children: Vec<NodeId>,
    /// Its language, alternate description and replacement text, for the
    /// few elements that have any ([`StructNode::texts_mut`]); boxed apart,
    /// since a layout holds an element for every paragraph, link and
    /// emphasis until the PDF is written (72 bytes each, not 136).
    pub texts: Option<Box<NodeTexts>>,
    /// Byte range of the Markdown the element comes from, in its file.
    pub source: Option<Range<usize>>,
}

/// The texts a structure element may carry (ISO 32000-1 §14.9: `/Lang`,
/// `/Alt`, `/ActualText`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeTexts {
    /// BCP 47 language, only where it differs from the document's (`/Lang`).
    pub lang: Option<String>,
    /// Alternate description of a figure or formula (`/Alt`).
    pub alt: Option<String>,
    /// Replacement text for the element's content (`/ActualText`).
    pub actual_text: Option<String>,
}

impl StructNode {
    /// Its language (`/Lang`), where it differs from the document's.
    pub fn lang(&self) -> Option<&str> {
        self.texts.as_ref()?.lang.as_deref()
    }

    /// Its alternate description (`/Alt`).
    pub fn alt(&self) -> Option<&str> {
        self.texts.as_ref()?.alt.as_deref()
    }

    /// Its replacement text (`/ActualText`).
    pub fn actual_text(&self) -> Option<&str> {
        self.texts.as_ref()?.actual_text.as_deref()
    }

    /// Its texts, to set one (created empty if it had none: an element
    /// given an empty set no longer compares equal to one never given
    /// any, so call it only to set a text).
    pub fn texts_mut(&mut self) -> &mut NodeTexts {
        self.texts.get_or_insert_with(Box::default)
    }
}

// What boxing the texts is for: checked when compiling.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<StructNode>() <= 72);

/// The logical structure of a layout: a tree of [`StructNode`]s in reading
/// order, rooted at [`StructTree::ROOT`] (a `Document`).
#[derive(Clone, Debug, PartialEq)]
pub struct StructTree {
    /// Every element; the root first.
    pub nodes: Vec<StructNode>,
}

impl Default for StructTree {
    fn default() -> Self {
        StructTree {
            nodes: vec![StructNode {
                role: StructRole::Document,
                parent: None,
                children: Vec::new(),
                texts: None,
                source: None,
            }],
        }
    }
}

impl StructTree {
    /// The `Document` element every other one descends from.
    pub const ROOT: NodeId = NodeId(0);

    /// Adds an element of `role` as the last child of `parent`.
    pub fn add(&mut self, parent: NodeId, role: StructRole) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(StructNode {
            role,
            parent: Some(parent),
            children: Vec::new(),
            texts: None,
            source: None,
        });
        self.nodes[parent.0 as usize].children.push(id);
        id
    }

    /// The element `id`.
    pub fn node(&self, id: NodeId) -> &StructNode {
        &self.nodes[id.0 as usize]
    }

    /// The element `id`, to set its attributes.
    pub fn node_mut(&mut self, id: NodeId) -> &mut StructNode {
        &mut self.nodes[id.0 as usize]
    }
}

/// What a page holds: its role for running heads/folios and its items.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Everything on the page, in drawing order.
    pub items: Vec<Positioned>,
}

/// An entry of the document outline (PDF bookmarks), nested by level.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlineEntry {
    /// Heading text.
    pub title: String,
    /// Heading level, 1 = top.
    pub level: u8,
    /// Zero-based page index.
    pub page: usize,
    /// Vertical position of the heading's top on that page (top-left origin).
    pub y: f32,
}

/// Document-level information for the PDF's Info dictionary and XMP packet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocInfo {
    /// Document title.
    pub title: String,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// Subject / description.
    pub subject: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// BCP 47 language tag.
    pub lang: String,
    /// Creation date as seconds since the Unix epoch (UTC).
    pub created: i64,
    /// Producer string, e.g. `trang 0.1.0`.
    pub producer: String,
}

/// The whole typeset document: what the PDF writer consumes.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Fonts referenced by [`FontId`].
    pub fonts: Vec<FontFace>,
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Outline entries in document order.
    pub outline: Vec<OutlineEntry>,
    /// Metadata.
    pub info: DocInfo,
    /// The page numbers a viewer shows, as runs (a book's cover, its
    /// front matter in roman numerals, its body from 1); empty: 1, 2, 3…
    pub page_labels: Vec<PageLabel>,
    /// The logical structure the pages' items belong to ([`Positioned::tag`]).
    pub structure: StructTree,
    /// The glyph runs the pages' [`Item::Frozen`] items stand for (empty
    /// unless the layout was set with
    /// [`crate::typeset::paginate::Keep::Deflated`]).
    pub runs: crate::runstore::RunStore,
}

/// A run of pages numbered alike, from page `start` on (PDF page labels,
/// ISO 32000-1 §12.4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLabel {
    /// The run's first page (zero-based).
    pub start: usize,
    /// How the pages are numbered; `None`: the prefix alone.
    pub style: Option<NumberStyle>,
    /// Text before the number (the whole label without a style).
    pub prefix: String,
    /// The number of the run's first page.
    pub first: usize,
}

/// Numerals of a [`PageLabel`] run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberStyle {
    /// 1, 2, 3…
    Decimal,
    /// i, ii, iii…
    LowerRoman,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, glyphs: usize, clusters: Clusters) -> GlyphRun {
        GlyphRun {
            font: FontId(0),
            size: 10.0,
            color: Rgb::BLACK,
            glyphs: (0..glyphs)
                .map(|i| Glyph {
                    id: i as u16 + 1,
                    x_advance: 5.0,
                })
                .collect(),
            offsets: ThinVec::new(),
            text: text.into(),
            clusters,
            letter_spacing: 0.0,
        }
    }

    fn g(id: u16, x_advance: f32) -> Glyph {
        Glyph { id, x_advance }
    }

    /// Packing keeps every glyph bit for bit (a kerned letter, a justified
    /// space, −0 and +0 are different glyphs), in order, and stores each
    /// distinct one once.
    #[test]
    fn packed_glyphs_read_back_exactly_as_pushed() {
        let words = [
            g(40, 5.5),
            g(41, 4.25),
            g(3, 2.618_034),
            g(40, 5.5),
            g(40, 5.4),
            g(3, 2.618_034),
            g(7, 0.0),
            g(7, -0.0),
            g(296, 5.5),
            g(41, 4.25),
        ];
        // A line of 40 glyphs, 7 distinct: 42 + 40 + 32 bytes packed
        // against 240.
        let line: Vec<Glyph> = words.iter().cycle().take(40).copied().collect();
        let mut glyphs = Glyphs::from(line.clone());
        glyphs.pack();
        let Glyphs::Packed { distinct, index } = &glyphs else {
            panic!("a line of 40 glyphs, 7 distinct, is packed");
        };
        assert_eq!(distinct.len(), 7);
        assert_eq!(index[..10], [0, 1, 2, 0, 3, 2, 4, 5, 6, 1]);
        let bits = |v: &[Glyph]| -> Vec<(u16, u32)> {
            v.iter().map(|g| (g.id, g.x_advance.to_bits())).collect()
        };
        assert_eq!(bits(&glyphs.as_slice()), bits(&line));
        assert_eq!(
            bits(&glyphs.iter().copied().collect::<Vec<_>>()),
            bits(&line)
        );
        assert_eq!(glyphs.len(), 40);
        assert_eq!({ glyphs[14].x_advance }, 5.4);
        assert_eq!({ glyphs[39].id }, 41);
        let taken: Vec<Glyph> = glyphs.range(13..26).unwrap().copied().collect();
        assert_eq!(bits(&taken), bits(&line[13..26]));
        assert!(glyphs.range(38..41).is_none());
        assert!(glyphs.range(40..41).is_none());
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = glyphs.range(5..4);
        assert!(reversed.is_none());
        assert_eq!(glyphs, Glyphs::from(line.clone()));
        // Changing a packed run lists it in full again.
        glyphs.make_mut()[0].x_advance = 1.0;
        assert!(matches!(glyphs, Glyphs::Plain(_)));
        assert_eq!({ glyphs[0].x_advance }, 1.0);
        assert_eq!(bits(&glyphs.as_slice()[1..]), bits(&line[1..]));
        // Ten glyphs, seven distinct, would take more room packed (84
        // bytes against 60): listed in full.
        let mut short = Glyphs::from(words.to_vec());
        short.pack();
        assert!(matches!(&short, Glyphs::Plain(v) if bits(v) == bits(&words)));
    }

    /// A run with more distinct glyphs than a byte can name stays listed
    /// in full, unchanged; 256 are packed.
    #[test]
    fn more_than_256_distinct_glyphs_stay_listed_in_full() {
        let many: Vec<Glyph> = (0..300).chain(0..300).map(|i| g(i, 1.0)).collect();
        let mut glyphs = Glyphs::from(many.clone());
        glyphs.pack();
        assert!(matches!(&glyphs, Glyphs::Plain(v) if *v == many));
        let mut exactly: Glyphs = (0..256).chain([0; 100]).map(|i| g(i, 1.0)).collect();
        exactly.pack();
        assert!(matches!(&exactly, Glyphs::Packed { distinct, .. } if distinct.len() == 256));
        assert_eq!({ exactly[355].id }, 0);
        assert_eq!({ exactly[255].id }, 255);
    }

    fn ranges(r: &GlyphRun) -> Vec<(Range<u32>, Range<u32>)> {
        r.clusters().map(|c| (c.text, c.glyphs)).collect()
    }

    /// Implied clusters are one per character, whatever its UTF-8 length.
    #[test]
    fn implied_clusters_are_one_glyph_per_character() {
        let r = run("Việt a", 6, Clusters::OnePerChar);
        assert_eq!(
            ranges(&r),
            [
                (0..1, 0..1),
                (1..2, 1..2),
                (2..5, 2..3),
                (5..6, 3..4),
                (6..7, 4..5),
                (7..8, 5..6)
            ]
        );
        assert_eq!(r.cluster_count(), 6);
        assert!(r.one_glyph_per_char());
        // A run whose glyph count does not match its characters is not
        // taken as one glyph per character.
        assert!(!run("Việt", 3, Clusters::OnePerChar).one_glyph_per_char());
    }

    /// Listing the clusters writes out the implied ones for what the run
    /// held, then takes additions: a ligature after two plain letters.
    #[test]
    fn listing_writes_out_the_implied_clusters_first() {
        let mut r = run("ệafi", 4, Clusters::OnePerChar);
        r.glyphs.pop();
        r.listed_clusters(4, 2).push(Cluster {
            text: 4..6,
            glyphs: 2..3,
        });
        assert_eq!(
            r.clusters,
            Clusters::Listed(ThinVec::from(vec![
                Cluster {
                    text: 0..3,
                    glyphs: 0..1
                },
                Cluster {
                    text: 3..4,
                    glyphs: 1..2
                },
                Cluster {
                    text: 4..6,
                    glyphs: 2..3
                },
            ]))
        );
        assert_eq!(r.cluster_count(), 3);
        assert!(!r.one_glyph_per_char());
        // An empty list for two glyphs is not one per character.
        let listed = run("ab", 2, Clusters::Listed(ThinVec::new()));
        assert!(!listed.one_glyph_per_char());
        // Listed clusters that happen to be one per character still count.
        let mut plain = run("ab", 2, Clusters::OnePerChar);
        plain.listed_clusters(2, 2);
        assert!(plain.one_glyph_per_char());
        assert_eq!(ranges(&plain), [(0..1, 0..1), (1..2, 1..2)]);
    }

    /// A glyph for the offset tests.
    const GLYPH: Glyph = Glyph {
        id: 3,
        x_advance: 2.0,
    };

    /// Offsets are stored only once a glyph is moved, then for every glyph.
    #[test]
    fn offsets_are_listed_from_the_first_moved_glyph() {
        let mut r = run("", 0, Clusters::OnePerChar);
        let g = GLYPH;
        r.push_glyph(g, GlyphOffset::default());
        r.push_glyph(g, GlyphOffset::default());
        assert!(r.offsets.is_empty());
        let up = GlyphOffset { x: -1.5, y: 2.0 };
        r.push_glyph(g, up);
        r.push_glyph(g, GlyphOffset::default());
        assert_eq!(r.offsets.len(), 4);
        assert_eq!(
            (0..5).map(|i| r.offset(i)).collect::<Vec<_>>(),
            [
                GlyphOffset::default(),
                GlyphOffset::default(),
                up,
                GlyphOffset::default(),
                GlyphOffset::default()
            ]
        );
    }

    /// A run whose very first glyph is moved keeps that glyph's offset (it
    /// was dropped: the list, resized to the zero glyphs before it, stayed
    /// empty).
    #[test]
    fn a_run_whose_first_glyph_is_moved_keeps_its_offset() {
        let mut r = run("", 0, Clusters::OnePerChar);
        let g = GLYPH;
        let up = GlyphOffset { x: 0.5, y: 3.0 };
        r.push_glyph(g, up);
        r.push_glyph(g, GlyphOffset::default());
        assert_eq!(r.offsets.len(), 2);
        assert_eq!((r.offset(0), r.offset(1)), (up, GlyphOffset::default()));
    }
}
