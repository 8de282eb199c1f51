//! Fonts: what the document needs to know about each face it draws with
//! before printpdf embeds it (printpdf subsets the face and writes the
//! Type0 / CIDFontType2 or, for CFF outlines, CIDFontType0 dictionaries,
//! `/W` and the ToUnicode CMap). For a CID-keyed CFF face the codes printpdf
//! gives glyphs are the CIDs of the subset's charset, not glyph ids: they
//! are read back from the glyph inventory like any other code.

use super::PdfError;
use crate::frame::FontFace;
use lopdf::{Object, StringFormat};
use printpdf::{FontId, ParsedFont};
use sha2::{Digest, Sha256};

fn be16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn table<'a>(data: &'a [u8], index: u32, tag: &[u8; 4]) -> Option<&'a [u8]> {
    let mut base = 0usize;
    if data.get(..4) == Some(b"ttcf") {
        base = be32(data, 12 + 4 * index as usize)? as usize;
    }
    let n = be16(data, base + 4)? as usize;
    (0..n).find_map(|i| {
        let rec = base + 12 + 16 * i;
        if data.get(rec..rec + 4)? != tag {
            return None;
        }
        let off = be32(data, rec + 8)? as usize;
        let len = be32(data, rec + 12)? as usize;
        data.get(off..off.checked_add(len)?)
    })
}

/// Advance widths in thousandths of an em, exactly as printpdf writes them
/// into `/W`: `(advance as f32 * (1000 / upm)) as i64` (truncated); indexed
/// by glyph id, up to the last glyph of `glyphs`.
fn pdf_widths(data: &[u8], index: u32, glyphs: &[u16]) -> Option<Vec<f32>> {
    let head = table(data, index, b"head")?;
    let hhea = table(data, index, b"hhea")?;
    let hmtx = table(data, index, b"hmtx")?;
    let upm = be16(head, 18)?;
    let n_hmetrics = usize::from(be16(hhea, 34)?.max(1));
    let scale = 1000.0 / f32::from(upm);
    let mut widths = vec![0.0; glyphs.last().map_or(0, |&g| usize::from(g) + 1)];
    for &g in glyphs {
        let i = usize::from(g).min(n_hmetrics - 1);
        let advance = be16(hmtx, 4 * i).unwrap_or(0);
        widths[usize::from(g)] = (f32::from(advance) * scale) as i64 as f32;
    }
    Some(widths)
}

/// One font as used by the document: the glyphs drawn with it and what each
/// glyph stands for in the ToUnicode map. Per-glyph data is held in vectors
/// indexed by glyph id: the writer looks them up for every glyph it draws.
#[derive(Clone, Default)]
pub(crate) struct FontUse {
    /// Whether each original glyph id is drawn with this font (index: id).
    used: Vec<bool>,
    /// Original glyph ids drawn with this font, ascending (after [`Self::seal`]).
    pub glyphs: Vec<u16>,
    /// Original glyph id -> the text its ToUnicode entry gives back (empty:
    /// none).
    unicode: Vec<Box<str>>,
    /// How many glyphs drawn with this font have no ToUnicode text yet.
    open: usize,
    /// Original glyph id -> advance in thousandths of an em, as in /W.
    widths: Vec<f32>,
    /// The resource name, which is also printpdf's font id: the six-letter
    /// subset tag (`ABCDEF`), so that the subset's name is `ABCDEF+Name`.
    pub res_name: String,
    /// Original glyph id → the code printpdf gave it in the subset (index:
    /// original id), read back from the glyph inventory (module docs).
    pub codes: Vec<u16>,
    /// Whether every code of the subset is below 256, so that the content
    /// shows each glyph with one byte instead of Identity-H's two: decided
    /// once the codes are known (`read_inventory`); the post-pass gives
    /// such a font a one-byte identity CMap as its `/Encoding` and a
    /// one-byte ToUnicode map (module `post`). A text subset of a Latin or
    /// Vietnamese face has 100–250 glyphs, so this is nearly every font,
    /// and it takes about 7 % off a book's compressed content streams.
    pub one_byte: bool,
}

impl FontUse {
    /// Records that `gid` is drawn with this font.
    pub fn use_glyph(&mut self, gid: u16) {
        let i = usize::from(gid);
        if i >= self.used.len() {
            self.used.resize(i + 1, false);
        }
        self.used[i] = true;
    }

    /// Fixes the list of glyphs once every run has been seen.
    pub fn seal(&mut self) {
        self.glyphs = (0..self.used.len())
            .filter(|&i| self.used[i])
            .map(|i| i as u16)
            .collect();
        self.unicode = vec![Box::from(""); self.used.len()];
        self.open = self.glyphs.len();
    }

    /// Whether every glyph drawn with this font has its ToUnicode text, so
    /// that no proposal can change anything any more.
    pub fn complete(&self) -> bool {
        self.open == 0
    }

    /// Records the ToUnicode mapping a glyph should have, unless it already
    /// has one (the first use wins; others get `/ActualText`).
    pub fn propose(&mut self, gid: u16, text: &str) {
        if let Some(slot) = self.unicode.get_mut(usize::from(gid))
            && slot.is_empty()
            && !text.is_empty()
        {
            *slot = Box::from(text);
            if self.used.get(usize::from(gid)) == Some(&true) {
                self.open -= 1;
            }
        }
    }

    /// Whether the ToUnicode map gives back `text` for `gid` (an empty
    /// `text` means the glyph should give back nothing).
    pub fn maps_to(&self, gid: u16, text: &str) -> bool {
        self.unicode_of(gid) == text
    }

    /// The text the ToUnicode entry of `gid` gives back (empty: none). This
    /// is what every glyph of the content carries as printpdf's `cid`, from
    /// which printpdf writes the ToUnicode CMap.
    pub fn unicode_of(&self, gid: u16) -> &str {
        self.unicode.get(usize::from(gid)).map_or("", |t| t)
    }

    /// The advance of `gid` in thousandths of an em, as the viewer reads it
    /// from `/W`.
    pub fn width(&self, gid: u16) -> f32 {
        self.widths.get(usize::from(gid)).copied().unwrap_or(0.0)
    }

    /// The code (CID) of original glyph `gid` in the embedded subset
    /// (0, `.notdef`, for a glyph the inventory did not list).
    pub fn code_of(&self, gid: u16) -> u16 {
        self.codes.get(usize::from(gid)).copied().unwrap_or(0)
    }

    /// Parses `face` for printpdf, works out the `/W` widths printpdf will
    /// write and the font's id (its subset tag). The face's own name becomes
    /// the PDF base font name.
    ///
    /// A TrueType face is first cut down to the glyphs drawn ([`pre_subset`]):
    /// printpdf parses and clones every face whole, which on the article was
    /// 11 M of the PDF writer's 20 M instructions. The glyphs printpdf then
    /// embeds are the same outlines; its subset's `name` table keeps only
    /// the Windows records. A face skera cannot cut is handed over whole.
    pub fn prepare(&mut self, face: &FontFace) -> Result<(FontId, ParsedFont), PdfError> {
        let fail = |reason: &str| PdfError::Font {
            font: face.name.clone(),
            reason: reason.to_owned(),
        };
        self.widths = pdf_widths(&face.data, face.index, &self.glyphs)
            .ok_or_else(|| fail("missing or malformed head/hhea/hmtx table"))?;
        let mut warnings = Vec::new();
        let pre = pre_subset(&face.data, face.index, &self.glyphs);
        let (data, index): (&[u8], usize) = match &pre {
            Some(sub) => (sub, 0),
            None => (&face.data, face.index as usize),
        };
        let mut parsed = ParsedFont::from_bytes(data, index, &mut warnings)
            .ok_or_else(|| fail("printpdf cannot parse the font"))?;
        let base: String = face
            .name
            .chars()
            .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
            .collect();
        self.res_name = self.subset_tag(&base, face.index);
        parsed.font_name = Some(base);
        Ok((FontId(self.res_name.clone()), parsed))
    }

    /// Six capital letters derived from the font name, face index and glyph
    /// set, so the tag is stable across runs and differs between subsets.
    fn subset_tag(&self, base: &str, index: u32) -> String {
        let mut h = Sha256::new();
        h.update(base.as_bytes());
        h.update(index.to_be_bytes());
        for g in &self.glyphs {
            h.update(g.to_be_bytes());
        }
        h.finalize()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect()
    }
}

/// The face cut down, before printpdf parses it, to the glyphs the PDF
/// draws, their ids kept (skera, `RETAIN_GIDS`, and `.notdef`'s outline,
/// `NOTDEF_OUTLINE`) and without the tables a PDF does not use (layout,
/// math, colour, bitmaps). `None` for a face with CFF outlines (skera does
/// not cut them) or one skera fails on.
fn pre_subset(data: &[u8], index: u32, glyphs: &[u16]) -> Option<Vec<u8>> {
    use read_fonts::collections::IntSet;
    use read_fonts::types::{GlyphId, NameId, Tag};
    let font = read_fonts::FontRef::from_index(data, index).ok()?;
    // CFF outlines: skera does not cut them.
    font.table_data(Tag::new(b"glyf"))?;
    let gids: IntSet<GlyphId> = glyphs.iter().map(|&g| GlyphId::from(g)).collect();
    let drop: IntSet<Tag> = skera::DEFAULT_DROP_TABLES
        .iter()
        .copied()
        .chain([b"GSUB", b"GPOS", b"GDEF", b"BASE", b"MATH"].map(Tag::new))
        .collect();
    let name_ids: IntSet<NameId> = (0..=25).map(NameId::new).collect();
    let mut languages = IntSet::<u16>::empty();
    languages.invert();
    std::panic::catch_unwind(|| {
        let plan = skera::Plan::new(
            &gids,
            &IntSet::empty(),
            &font,
            skera::SubsetFlags::SUBSET_FLAGS_RETAIN_GIDS
                | skera::SubsetFlags::SUBSET_FLAGS_NOTDEF_OUTLINE,
            &drop,
            &IntSet::empty(),
            &IntSet::empty(),
            &name_ids,
            &languages,
        );
        skera::subset_font(&font, &plan).ok()
    })
    .ok()
    .flatten()
}

/// A text string object: PDFDocEncoding-compatible ASCII as a literal,
/// anything else as UTF-16BE with a BOM.
pub(crate) fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}
