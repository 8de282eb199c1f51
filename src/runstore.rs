//! Glyph runs held deflated between the typesetter and the PDF writer.
//!
//! A large document's layout is mostly its glyph runs: on the 50 MB
//! document, 37.8 M glyphs and 50.5 MB of text in 632,613 runs, about 220 MB
//! from the moment the builder sets them to the moment the writer draws them
//! (benches/README.md, session 26). Typeset with
//! [`crate::typeset::paginate::Keep::Deflated`], a run is serialized into a
//! [`RunStore`] once the top-level block that holds it is set, and its item
//! becomes an [`Item::Frozen`] handle: the item keeps its position and tag
//! (every later move of the item is the same arithmetic on the same
//! numbers), only the run's content is held apart. The store keeps the runs
//! in blocks of about [`BLOCK`] bytes, each deflated (libdeflate's fastest
//! level) once full. The writer thaws a page's runs as it draws the page
//! ([`Thawer`]: one block inflated at a time, kept while the runs read
//! come from it), so the runs it draws are the runs the builder set, bit
//! for bit, and the PDF's bytes are those of a layout held whole.
//!
//! The serialized run: size, colour and letter-spacing (`f32` bits); the
//! glyphs, either (`1`) each distinct glyph once, its id (`u16`) and advance
//! (`f32` bits) listed apart, then a byte per glyph naming one, or (`0`)
//! every glyph's id then every advance; the offsets; the clusters (`0`: one
//! per character; `1` and a count: listed, four `u32` each); the text (`u32`
//! length, UTF-8). Counts are `u32`. All little-endian.

use crate::frame::{
    Cluster, Clusters, FontId, Glyph, GlyphOffset, GlyphRun, Glyphs, Item, Rgb, ThinVec,
};

/// The size a block reaches before it is deflated and the next one opened
/// (bytes, serialized): a thawed run costs the inflating of one block
/// (64 KiB, tens of microseconds) unless its block is the one last read.
pub const BLOCK: usize = 64 * 1024;

/// What stands for a run held in a [`RunStore`] ([`Item::Frozen`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrozenRun {
    /// The font, kept outside the store: the join of a body set in two
    /// halves renumbers the second half's fonts.
    pub font: FontId,
    /// The letters and digits of the run's text (as
    /// [`crate::typeset::page_starts::letters`] counts them), for the EPUB's
    /// page list, which reads nothing else of a run.
    pub letters: u32,
    /// The block the run is in.
    block: u32,
    /// Where it starts in the block, inflated.
    at: u32,
}

/// Runs serialized in deflated blocks (see the module's documentation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunStore {
    /// Each sealed block: its deflated bytes and its length inflated.
    blocks: Vec<(Box<[u8]>, u32)>,
    /// The block being filled (not deflated yet).
    open: Vec<u8>,
}

impl RunStore {
    /// Holds `run` (its font given back in the handle) and returns the
    /// handle an [`Item::Frozen`] keeps; `letters` is the run's count of
    /// letters and digits.
    pub fn freeze(&mut self, run: &GlyphRun, letters: usize) -> FrozenRun {
        if self.open.len() >= BLOCK {
            self.seal();
        }
        let handle = FrozenRun {
            font: run.font,
            letters: u32::try_from(letters).unwrap_or(u32::MAX),
            block: u32::try_from(self.blocks.len()).unwrap_or(u32::MAX),
            at: u32::try_from(self.open.len()).unwrap_or(u32::MAX),
        };
        write_run(&mut self.open, run);
        handle
    }

    /// Deflates the open block, if it holds anything.
    pub fn seal(&mut self) {
        if self.open.is_empty() {
            return;
        }
        let mut out = Vec::new();
        let deflated =
            crate::deflate::Deflater::new(1).and_then(|mut z| z.deflate_into(&self.open, &mut out));
        // (A compressor that cannot be made or fails leaves the block as it
        // is, stored: a block whose deflated length equals its length.)
        let bytes = match deflated {
            Ok(_) if out.len() < self.open.len() => out.into_boxed_slice(),
            _ => self.open.clone().into_boxed_slice(),
        };
        let len = u32::try_from(self.open.len()).unwrap_or(u32::MAX);
        self.blocks.push((bytes, len));
        self.open = Vec::new();
    }

    /// Appends the runs of `other` (sealed first, as this store is) and
    /// returns the number its blocks are shifted by: what each of its
    /// handles' blocks gains ([`FrozenRun::shifted`]).
    pub fn append(&mut self, mut other: RunStore) -> u32 {
        self.seal();
        other.seal();
        let shift = u32::try_from(self.blocks.len()).unwrap_or(u32::MAX);
        self.blocks.append(&mut other.blocks);
        shift
    }

    /// Whether no run is held.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.open.is_empty()
    }

    /// Bytes held: deflated blocks and the open one.
    pub fn held(&self) -> usize {
        self.blocks.iter().map(|b| b.0.len()).sum::<usize>() + self.open.len()
    }
}

impl FrozenRun {
    /// The handle of a run whose store was appended to another with
    /// `shift` ([`RunStore::append`]).
    pub fn shifted(self, shift: u32) -> FrozenRun {
        FrozenRun {
            block: self.block + shift,
            ..self
        }
    }
}

/// Reads runs back from a [`RunStore`], keeping the block last inflated
/// (a page's runs, and the next page's, are mostly in one block). One per
/// thread.
pub struct Thawer<'s> {
    store: &'s RunStore,
    /// The block last inflated and its bytes.
    last: Option<(u32, Vec<u8>)>,
}

impl<'s> Thawer<'s> {
    /// A reader of `store`'s runs.
    pub fn new(store: &'s RunStore) -> Self {
        Thawer { store, last: None }
    }

    /// The run `handle` stands for, as it was frozen (its glyphs listed in
    /// full).
    ///
    /// # Errors
    /// [`Damaged`] when the handle is not of this store or its block does
    /// not read back: a bug of the typesetter's (the store is written and
    /// read in one process), reported rather than drawn as nothing.
    pub fn thaw(&mut self, handle: &FrozenRun) -> Result<GlyphRun, Damaged> {
        let at = handle.at as usize;
        let bytes: &[u8] = if handle.block as usize == self.store.blocks.len() {
            &self.store.open
        } else {
            let cached = match self.last.take() {
                Some((block, bytes)) if block == handle.block => bytes,
                _ => {
                    let (data, len) = self
                        .store
                        .blocks
                        .get(handle.block as usize)
                        .ok_or(Damaged("a frozen run's block is not in the store"))?;
                    let len = *len as usize;
                    if data.len() == len {
                        data.to_vec()
                    } else {
                        crate::deflate::inflate(data, len)
                            .map_err(|_| Damaged("a block of the store does not inflate"))?
                    }
                }
            };
            &self.last.insert((handle.block, cached)).1
        };
        let mut r = Reader {
            bytes: bytes.get(at..).unwrap_or_default(),
        };
        read_run(&mut r, handle.font).ok_or(Damaged("a frozen run does not read back"))
    }
}

/// A run store that does not give back a run it holds (a bug; see
/// [`Thawer::thaw`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Damaged(pub &'static str);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Damaged {}

/// Thaws every frozen run of `pages` in place (for a reader that reads the
/// runs of many pages at once: the checks of the PDF standards).
///
/// # Errors
/// [`Damaged`], as [`Thawer::thaw`].
pub fn thaw_pages(pages: &mut [crate::frame::Page], store: &RunStore) -> Result<(), Damaged> {
    let mut thawer = Thawer::new(store);
    for it in pages.iter_mut().flat_map(|p| &mut p.items) {
        if let Item::Frozen(f) = &it.item {
            it.item = Item::text(thawer.thaw(f)?);
        }
    }
    Ok(())
}

/// The run of `it` if it is text, thawed if it is frozen.
///
/// # Errors
/// [`Damaged`], as [`Thawer::thaw`].
pub fn text_run<'a>(
    it: &'a Item,
    thawer: &mut Thawer<'_>,
) -> Result<Option<std::borrow::Cow<'a, GlyphRun>>, Damaged> {
    Ok(match it {
        Item::Text(run) => Some(std::borrow::Cow::Borrowed(&**run)),
        Item::Frozen(f) => Some(std::borrow::Cow::Owned(thawer.thaw(f)?)),
        _ => None,
    })
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_f32(out: &mut Vec<u8>, v: f32) {
    put_u32(out, v.to_bits());
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    put_u32(out, u32::try_from(n).unwrap_or(u32::MAX));
}

/// The advances of `glyphs`: less the run's letter-spacing `ls` (`1`) when
/// every one comes back bit for bit once it is added again, else as they are
/// (`0`). A line's letter-spacing is its own, so the advances as set differ
/// from line to line, where those before it repeat in every line of a
/// size: the store's blocks deflate to less.
fn put_advances(out: &mut Vec<u8>, glyphs: &[Glyph], ls: f32) {
    let back = |g: &Glyph| {
        let a = g.x_advance;
        ((a - ls) + ls).to_bits() == a.to_bits()
    };
    let less = ls != 0.0 && glyphs.iter().all(back);
    out.push(u8::from(less));
    for g in glyphs {
        put_f32(out, if less { g.x_advance - ls } else { g.x_advance });
    }
}

fn write_run(out: &mut Vec<u8>, run: &GlyphRun) {
    put_f32(out, run.size);
    put_f32(out, run.color.0);
    put_f32(out, run.color.1);
    put_f32(out, run.color.2);
    put_f32(out, run.letter_spacing);
    // Each distinct glyph (id and advance) once, and a byte per glyph
    // naming it ([`Glyphs::pack`]), when a run has at most 256: the ids,
    // then the advances, then the bytes, each a stream deflate finds
    // repeats in. Otherwise every glyph's id, then every advance. (The
    // runs set for the store arrive packed; a plain one, a formula's, is
    // packed here, on a copy.)
    let copy;
    let glyphs = match &run.glyphs {
        Glyphs::Packed { .. } => &run.glyphs,
        Glyphs::Plain(_) => {
            let mut g = run.glyphs.clone();
            g.pack();
            copy = g;
            &copy
        }
    };
    let (listed, index) = match glyphs {
        Glyphs::Packed { distinct, index } => (&distinct[..], Some(index)),
        Glyphs::Plain(v) => (&v[..], None),
    };
    out.push(u8::from(index.is_some()));
    put_len(out, listed.len());
    for g in listed {
        out.extend_from_slice(&{ g.id }.to_le_bytes());
    }
    put_advances(out, listed, run.letter_spacing);
    if let Some(index) = index {
        put_len(out, index.len());
        out.extend_from_slice(index);
    }
    put_len(out, run.offsets.len());
    for o in &run.offsets {
        put_f32(out, o.x);
        put_f32(out, o.y);
    }
    match &run.clusters {
        Clusters::OnePerChar => out.push(0),
        Clusters::Listed(list) => {
            out.push(1);
            put_len(out, list.len());
            for c in list {
                for v in [c.text.start, c.text.end, c.glyphs.start, c.glyphs.end] {
                    put_u32(out, v);
                }
            }
        }
    }
    put_len(out, run.text.len());
    out.extend_from_slice(run.text.as_bytes());
}

struct Reader<'b> {
    bytes: &'b [u8],
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32(&mut self) -> Option<f32> {
        self.u32().map(f32::from_bits)
    }
    /// A count, refused when the bytes left cannot hold that many items of
    /// `each` bytes (a count read from a damaged block never allocates).
    fn count(&mut self, each: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(each)? <= self.bytes.len()).then_some(n)
    }
}

fn read_run(r: &mut Reader<'_>, font: FontId) -> Option<GlyphRun> {
    let size = r.f32()?;
    let color = Rgb(r.f32()?, r.f32()?, r.f32()?);
    let letter_spacing = r.f32()?;
    let packed = r.u8()? == 1;
    let n = r.count(6)?;
    let mut glyphs = Vec::with_capacity(n);
    for _ in 0..n {
        glyphs.push(Glyph {
            id: r.u16()?,
            x_advance: 0.0,
        });
    }
    let less = r.u8()? == 1;
    for g in &mut glyphs {
        let a = r.f32()?;
        g.x_advance = if less { a + letter_spacing } else { a };
    }
    if packed {
        let distinct = glyphs;
        let n = r.count(1)?;
        glyphs = Vec::with_capacity(n);
        for &k in r.take(n)? {
            glyphs.push(*distinct.get(usize::from(k))?);
        }
    }
    let n = r.count(8)?;
    let mut offsets = ThinVec::with_capacity(n);
    for _ in 0..n {
        offsets.push(GlyphOffset {
            x: r.f32()?,
            y: r.f32()?,
        });
    }
    let clusters = match r.u8()? {
        0 => Clusters::OnePerChar,
        1 => {
            let n = r.count(16)?;
            let mut list = ThinVec::with_capacity(n);
            for _ in 0..n {
                let (a, b, c, d) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
                list.push(Cluster {
                    text: a..b,
                    glyphs: c..d,
                });
            }
            Clusters::Listed(list)
        }
        _ => return None,
    };
    let n = r.count(1)?;
    let text = String::from_utf8(r.take(n)?.to_vec()).ok()?;
    Some(GlyphRun {
        font,
        size,
        color,
        glyphs: Glyphs::Plain(glyphs),
        offsets,
        text,
        clusters,
        letter_spacing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(k: usize) -> GlyphRun {
        // Every 1,000th run has more than 256 distinct glyphs: listed in
        // full, not packed.
        let len = if k % 1000 == 999 { 300 } else { k % 40 + 1 };
        let text: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let n = text.chars().count();
        GlyphRun {
            font: FontId(k % 3),
            size: 9.5 + k as f32 * 0.01,
            color: Rgb(0.1, 0.2, k as f32 / 7.0),
            glyphs: (0..n)
                .map(|i| Glyph {
                    id: (i * 37 + k) as u16,
                    x_advance: 4.2 + i as f32 / 3.0,
                })
                .collect(),
            offsets: if k.is_multiple_of(5) {
                (0..n)
                    .map(|i| GlyphOffset {
                        x: i as f32,
                        y: -0.5,
                    })
                    .collect()
            } else {
                ThinVec::new()
            },
            clusters: if k.is_multiple_of(4) {
                Clusters::Listed(
                    (0..n as u32)
                        .map(|i| Cluster {
                            text: i..i + 1,
                            glyphs: i..i + 1,
                        })
                        .collect(),
                )
            } else {
                Clusters::OnePerChar
            },
            text,
            letter_spacing: if k.is_multiple_of(2) { 0.0 } else { 0.25 },
        }
    }

    /// Every run reads back equal, glyph for glyph and bit for bit, from
    /// sealed blocks and the open one, in order and out of order, and
    /// after two stores are joined.
    #[test]
    fn frozen_runs_thaw_to_the_runs_frozen() {
        let runs: Vec<GlyphRun> = (0..6000).map(run).collect();
        let (first, second) = runs.split_at(2500);
        let mut a = RunStore::default();
        let mut b = RunStore::default();
        let ha: Vec<FrozenRun> = first.iter().map(|r| a.freeze(r, r.text.len())).collect();
        let hb: Vec<FrozenRun> = second.iter().map(|r| b.freeze(r, 7)).collect();
        assert!(a.blocks.len() > 2, "the runs fill several blocks");
        // The open block reads back before it is sealed.
        let mut t = Thawer::new(&a);
        assert_eq!(
            t.thaw(ha.last().unwrap()),
            Ok(first[first.len() - 1].clone())
        );
        let shift = a.append(b);
        let handles: Vec<FrozenRun> = ha
            .into_iter()
            .chain(hb.into_iter().map(|h| h.shifted(shift)))
            .collect();
        let mut t = Thawer::new(&a);
        for (h, r) in handles.iter().zip(&runs) {
            let back = t.thaw(h).expect("a run held reads back");
            assert_eq!(&back, r);
            assert!(
                back.glyphs.iter().zip(r.glyphs.iter()).all(|(x, y)| {
                    x.id == y.id && x.x_advance.to_bits() == y.x_advance.to_bits()
                })
            );
            assert_eq!(back.size.to_bits(), r.size.to_bits());
        }
        for (h, r) in handles.iter().zip(&runs).rev().step_by(97) {
            assert_eq!(t.thaw(h).as_ref(), Ok(r));
        }
        assert_eq!(handles[0].letters as usize, runs[0].text.len());
        assert_eq!(handles[4000].letters, 7);
        assert!(a.held() < runs.iter().map(|r| r.text.len() * 7).sum::<usize>());
    }

    /// A handle the store does not hold, a block that does not inflate and
    /// a place past a run's end are errors, not an empty run drawn as
    /// nothing; the blocks undamaged still read back.
    #[test]
    fn a_damaged_store_is_an_error_not_a_blank() {
        let runs: Vec<GlyphRun> = (0..3000).map(run).collect();
        let mut a = RunStore::default();
        let handles: Vec<FrozenRun> = runs.iter().map(|r| a.freeze(r, 1)).collect();
        assert!(a.blocks.len() > 2, "the runs fill several blocks");
        let last_block = handles.last().unwrap().block;
        let stray = FrozenRun {
            block: last_block + 5,
            ..handles[0]
        };
        assert!(Thawer::new(&a).thaw(&stray).is_err());
        let past = FrozenRun {
            at: u32::MAX,
            ..handles[0]
        };
        assert!(Thawer::new(&a).thaw(&past).is_err());
        let mut bad = a.clone();
        bad.blocks[0].0 = vec![0xFF; 16].into_boxed_slice();
        let mut t = Thawer::new(&bad);
        assert!(t.thaw(&handles[0]).is_err());
        let in_second = handles.iter().position(|h| h.block == 1).unwrap();
        assert_eq!(t.thaw(&handles[in_second]).as_ref(), Ok(&runs[in_second]));
        let mut pages = vec![crate::frame::Page {
            items: vec![crate::frame::Positioned {
                pos: crate::frame::Point { x: 0.0, y: 0.0 },
                item: Item::Frozen(handles[0]),
                tag: crate::frame::Tag::Artifact(crate::frame::ArtifactKind::Layout),
            }],
            width: 100.0,
            height: 100.0,
        }];
        assert!(thaw_pages(&mut pages, &bad).is_err());
        assert!(thaw_pages(&mut pages, &a).is_ok());
        assert_eq!(pages[0].items[0].item, Item::text(runs[0].clone()));
    }
}
