//! Fonts: what the document needs to know about each face it draws with,
//! and the font objects that embed it (ISO 32000-1 § 9.7, 9.9, 9.10).
//!
//! Every face is embedded as a Type0 font over one CIDFont, subset to the
//! glyphs drawn by the `subsetter` crate, which renumbers them: `.notdef`
//! is 0 and the other glyphs drawn are 1, 2, … in the order of their
//! original ids. The CID of a glyph is its new id, and the content streams
//! show each glyph by its CID, so the codes are known, and every face
//! subset, before any page is written. A TrueType face is a CIDFontType2
//! with `/FontFile2` and `/CIDToGIDMap /Identity`; a CFF face comes out of
//! the subsetter CID-keyed with an identity charset (CID = glyph id) and is
//! a CIDFontType0 with the bare `CFF ` table as `/FontFile3
//! /CIDFontType0C`. `/W` gives each code its advance, the ToUnicode CMap
//! its text (module `text` proposes it), and a font whose codes all fit a
//! byte (at most 255 glyphs drawn besides `.notdef`: nearly all) is shown
//! one byte a glyph through an embedded one-byte identity CMap; a larger
//! one through Identity-H.

use super::PdfError;
use crate::frame::FontFace;
use lopdf::{Dictionary, Object, Stream, StringFormat};
use sha2::{Digest, Sha256};

/// Advance widths in thousandths of an em, as `/W` gives them: `advance ×
/// 1000 / unitsPerEm`, truncated to a whole number (as printpdf wrote them,
/// and within the unit PDF/A allows between `/W` and the program's
/// `hmtx`); indexed by glyph id, up to the last glyph of `glyphs`. `None`
/// for a face without metrics or with a units-per-em of 0.
fn pdf_widths(data: &[u8], index: u32, glyphs: &[u16]) -> Option<Vec<f32>> {
    use read_fonts::TableProvider;
    use read_fonts::types::GlyphId;
    let font = read_fonts::FontRef::from_index(data, index).ok()?;
    let upm = font.head().ok()?.units_per_em();
    let hmtx = font.hmtx().ok()?;
    let scale = 1000.0 / f32::from((upm > 0).then_some(upm)?);
    let mut widths = vec![0.0; glyphs.last().map_or(0, |&g| usize::from(g) + 1)];
    for &g in glyphs {
        // (A glyph past the long metrics has the last one's advance.)
        let advance = hmtx.advance(GlyphId::from(g)).unwrap_or(0);
        widths[usize::from(g)] = (f32::from(advance) * scale) as i64 as f32;
    }
    Some(widths)
}

/// One font as used by the document: the glyphs drawn with it and what each
/// glyph stands for in the ToUnicode map. Per-glyph data is held in vectors
/// indexed by glyph id: the writer looks them up for every glyph it draws.
#[derive(Default)]
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
    /// The resource name: the six-letter subset tag (`ABCDEF`), so that
    /// the subset's name is `ABCDEF+Name`.
    pub res_name: String,
    /// The face's name as the PDF's `/BaseFont` writes it, after the tag.
    base: String,
    /// Original glyph id → its code (CID) in the subset (index: original
    /// id; 0, `.notdef`, for a glyph not drawn): `.notdef` 0, the other
    /// glyphs drawn 1, 2, … in the order of their ids ([`Self::prepare`]).
    codes: Vec<u16>,
    /// The face's program cut down to the glyphs drawn ([`Self::prepare`]),
    /// taken by [`embed_all`].
    program: Option<Program>,
    /// Whether every code is below 256, so that the content shows each
    /// glyph with one byte instead of Identity-H's two, through the
    /// embedded [`ONE_BYTE_CMAP`]. A text subset of a Latin or Vietnamese
    /// face has 100–250 glyphs, so this is nearly every font, and it takes
    /// about 7 % off a book's compressed content streams.
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

    /// The text the ToUnicode entry of `gid` gives back (empty: none).
    pub fn unicode_of(&self, gid: u16) -> &str {
        self.unicode.get(usize::from(gid)).map_or("", |t| t)
    }

    /// The advance of `gid` in thousandths of an em, as the viewer reads it
    /// from `/W`.
    pub fn width(&self, gid: u16) -> f32 {
        self.widths.get(usize::from(gid)).copied().unwrap_or(0.0)
    }

    /// The code (CID) of original glyph `gid` in the embedded subset
    /// (0, `.notdef`, for a glyph not drawn with this font).
    pub fn code_of(&self, gid: u16) -> u16 {
        self.codes.get(usize::from(gid)).copied().unwrap_or(0)
    }

    /// Decides what the content streams need of the font, and subsets the
    /// face, before any page is written (a face the subsetter refuses is an
    /// error then, not after every page): each glyph's code (the new glyph
    /// id `subsetter` gives it, [`Self::remapper`]), whether the codes fit
    /// one byte, the `/W` widths, the font's resource name (its subset tag)
    /// and program. The face's own name becomes the PDF base font name.
    pub fn prepare(&mut self, face: &FontFace) -> Result<(), PdfError> {
        let fail = |reason: &str| PdfError::Font {
            font: face.name.clone(),
            reason: reason.to_owned(),
        };
        self.widths = pdf_widths(&face.data, face.index, &self.glyphs)
            .ok_or_else(|| fail("missing or malformed head/hhea/hmtx table"))?;
        let remapper = self.remapper();
        self.codes = vec![0; self.glyphs.last().map_or(0, |&g| usize::from(g) + 1)];
        for &g in &self.glyphs {
            self.codes[usize::from(g)] = remapper.get(g).unwrap_or(0);
        }
        // (`.notdef` included: every code below 256.)
        self.one_byte = remapper.num_gids() <= 256;
        self.base = face
            .name
            .chars()
            .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
            .collect();
        self.res_name = self.subset_tag(&self.base, face.index, None);
        self.program = Some(self.program(face, &remapper)?);
        Ok(())
    }

    /// Gives the font another subset tag, `salt` told apart, when another
    /// font of the document (another file of the same name, face index and
    /// glyphs) has its tag: the tag is its resource name.
    pub fn retag(&mut self, face: &FontFace, salt: usize) {
        self.res_name = self.subset_tag(&self.base, face.index, Some(salt));
    }

    /// The glyphs drawn, numbered as the subset numbers them: `.notdef` 0,
    /// then the others in the order of their original ids.
    fn remapper(&self) -> subsetter::GlyphRemapper {
        let mut remapper = subsetter::GlyphRemapper::new();
        for &g in &self.glyphs {
            remapper.remap(g);
        }
        remapper
    }

    /// Six capital letters derived from the font name, face index and glyph
    /// set, so the tag is stable across runs and differs between subsets.
    fn subset_tag(&self, base: &str, index: u32, salt: Option<usize>) -> String {
        let mut h = Sha256::new();
        h.update(base.as_bytes());
        h.update(index.to_be_bytes());
        if let Some(salt) = salt {
            h.update(b"salt");
            h.update(salt.to_be_bytes());
        }
        for g in &self.glyphs {
            h.update(g.to_be_bytes());
        }
        h.finalize()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect()
    }

    /// The face's program cut down to the glyphs drawn (and the
    /// components of composite glyphs, which `subsetter` adds after them),
    /// numbered as [`Self::codes`] says: for a TrueType face the `sfnt`
    /// (`glyf`, `loca`, the hinting tables, `head`, `hhea`, `hmtx`,
    /// `maxp`, `name`, `post`), for a CFF face its CID-keyed `CFF ` table
    /// alone.
    fn program(
        &self,
        face: &FontFace,
        remapper: &subsetter::GlyphRemapper,
    ) -> Result<Program, PdfError> {
        let fail = |reason: String| PdfError::Font {
            font: face.name.clone(),
            reason: format!(
                "{reason}; use another TrueType or OpenType/CFF font for its role in fonts.toml"
            ),
        };
        // A face that makes the subsetter panic is an error naming it,
        // not a crash (the faces are checked when loaded, `crate::fonts`,
        // but a subsetter may still find what the checks let through).
        let sub = std::panic::catch_unwind(|| subsetter::subset(&face.data, face.index, remapper))
            .map_err(|panic| {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                fail(format!("the subsetter failed on it ({why})"))
            })?
            .map_err(|e| fail(format!("cannot subset it ({e})")))?;
        if sub.starts_with(b"OTTO") {
            let cff = read_fonts::FontRef::new(&sub)
                .ok()
                .and_then(|f| f.table_data(read_fonts::types::Tag::new(b"CFF ")))
                .ok_or_else(|| fail("its subset has no CFF table".into()))?;
            return Ok(Program::Cff(cff.as_bytes().to_vec()));
        }
        Ok(Program::TrueType(without_glyph_names(sub)))
    }

    /// Adds the font's objects to `doc` — the Type0 font, its CIDFont, font
    /// descriptor, font program and ToUnicode CMap — and returns the Type0
    /// font's id. `one_byte_cmap` is the shared one-byte `/Encoding`,
    /// added with the first font that uses it.
    fn embed(
        &mut self,
        face: &FontFace,
        doc: &mut lopdf::Document,
        one_byte_cmap: &mut Option<lopdf::ObjectId>,
    ) -> Result<lopdf::ObjectId, PdfError> {
        let name = format!("{}+{}", self.res_name, self.base).into_bytes();
        let metrics = Metrics::of(face).ok_or_else(|| PdfError::Font {
            font: face.name.clone(),
            reason: "missing or malformed head/hhea table".into(),
        })?;
        let program = self.program.take().ok_or_else(|| PdfError::Font {
            font: face.name.clone(),
            reason: "embedded before it was prepared".into(),
        })?;
        let (subtype, file) = match program {
            Program::TrueType(bytes) => {
                let mut dict = Dictionary::new();
                dict.set("Length1", Object::Integer(bytes.len() as i64));
                let id = doc.add_object(Stream::new(dict, bytes));
                ("CIDFontType2", ("FontFile2", id))
            }
            Program::Cff(bytes) => {
                let dict =
                    Dictionary::from_iter([("Subtype", Object::Name(b"CIDFontType0C".to_vec()))]);
                let id = doc.add_object(Stream::new(dict, bytes));
                ("CIDFontType0", ("FontFile3", id))
            }
        };
        let name_obj = || Object::Name(name.clone());
        let descriptor = Dictionary::from_iter([
            ("Type", Object::Name(b"FontDescriptor".to_vec())),
            ("FontName", name_obj()),
            ("Flags", Object::Integer(metrics.flags)),
            (
                "FontBBox",
                Object::Array(metrics.bbox.iter().map(|&v| Object::Integer(v)).collect()),
            ),
            ("ItalicAngle", Object::Integer(metrics.italic_angle)),
            ("Ascent", Object::Integer(metrics.ascent)),
            ("Descent", Object::Integer(metrics.descent)),
            ("CapHeight", Object::Integer(metrics.cap_height)),
            ("StemV", Object::Integer(metrics.stem_v)),
            (file.0, Object::Reference(file.1)),
        ]);
        let descriptor = doc.add_object(descriptor);
        let mut cid_font = Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(subtype.as_bytes().to_vec())),
            ("BaseFont", name_obj()),
            ("CIDSystemInfo", Object::Dictionary(identity_system_info())),
            ("FontDescriptor", Object::Reference(descriptor)),
            ("DW", Object::Integer(1000)),
            ("W", Object::Array(self.w_array())),
        ]);
        // Of Type 2 CIDFonts only (ISO 32000-1 table 117): a CFF font's
        // glyphs are found by CID through its charset.
        if subtype == "CIDFontType2" {
            cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
        }
        let to_unicode = doc.add_object(Stream::new(Dictionary::new(), self.to_unicode()));
        let encoding = match self.one_byte {
            true => Object::Reference(
                *one_byte_cmap.get_or_insert_with(|| doc.add_object(one_byte_cmap_stream())),
            ),
            false => Object::Name(b"Identity-H".to_vec()),
        };
        let font = Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type0".to_vec())),
            ("BaseFont", name_obj()),
            ("Encoding", encoding),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Dictionary(cid_font)]),
            ),
            ("ToUnicode", Object::Reference(to_unicode)),
        ]);
        Ok(doc.add_object(font))
    }

    /// The glyphs drawn, by code: (code, original glyph id), ascending.
    fn by_code(&self) -> impl Iterator<Item = (u16, u16)> + '_ {
        self.glyphs.iter().map(|&g| (self.code_of(g), g))
    }

    /// `/W`: the widths of the codes drawn, one run from the first code
    /// (ISO 32000-1 § 9.7.4.3), the codes being consecutive.
    fn w_array(&self) -> Vec<Object> {
        let Some((first, _)) = self.by_code().next() else {
            return Vec::new();
        };
        let widths = self
            .by_code()
            .map(|(_, g)| Object::Integer(self.width(g) as i64))
            .collect();
        vec![Object::Integer(i64::from(first)), Object::Array(widths)]
    }

    /// The ToUnicode CMap (ISO 32000-1 § 9.10.3): each code drawn that has
    /// a text, as `bfchar` entries (at most 100 a block), one byte a code
    /// for a [`Self::one_byte`] font and two otherwise.
    fn to_unicode(&self) -> Vec<u8> {
        use std::fmt::Write;
        let mut out = String::from_utf8_lossy(CMAP_HEADER).into_owned();
        let code = |c: u16| match self.one_byte {
            true => format!("{c:02X}"),
            false => format!("{c:04X}"),
        };
        let _ = writeln!(
            out,
            "1 begincodespacerange\n<{}> <{}>\nendcodespacerange",
            code(0),
            code(if self.one_byte { 0xFF } else { 0xFFFF })
        );
        let entries: Vec<(u16, &str)> = self
            .by_code()
            .map(|(c, g)| (c, self.unicode_of(g)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        for block in entries.chunks(100) {
            let _ = writeln!(out, "{} beginbfchar", block.len());
            for (c, text) in block {
                let _ = write!(out, "<{}> <", code(*c));
                for unit in text.encode_utf16() {
                    let _ = write!(out, "{unit:04X}");
                }
                out.push_str(">\n");
            }
            out.push_str("endbfchar\n");
        }
        out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        out.into_bytes()
    }
}

/// `sfnt` with its `post` table cut to the version 3 header, without glyph
/// names: a PDF shows glyphs by CID and gives their text by ToUnicode, and
/// the names were a fifth of a Source Serif 4 subset's bytes (1,993 of
/// `post`'s bytes against 32). Unchanged if it has no longer `post`, or
/// cannot be read.
fn without_glyph_names(sfnt: Vec<u8>) -> Vec<u8> {
    use read_fonts::types::Tag;
    let post = Tag::new(b"post");
    let Ok(font) = read_fonts::FontRef::new(&sfnt) else {
        return sfnt;
    };
    let header = match font.table_data(post) {
        Some(data) if data.len() > 32 => {
            let mut header = data.as_bytes()[..32].to_vec();
            header[..4].copy_from_slice(&[0, 3, 0, 0]);
            header
        }
        _ => return sfnt,
    };
    write_fonts::FontBuilder::new()
        .add_raw(post, header)
        .copy_missing_tables(font)
        .build()
}

/// A face's subset program ([`FontUse::program`]).
enum Program {
    /// A TrueType `sfnt`, embedded as `/FontFile2`.
    TrueType(Vec<u8>),
    /// A CID-keyed `CFF ` table, embedded as `/FontFile3 /CIDFontType0C`.
    Cff(Vec<u8>),
}

/// Embeds every font of `fonts` (faces from `faces`, by index) in `doc`
/// and returns the `/Font` resource dictionary that names them by their
/// resource names, in font order.
pub(crate) fn embed_all(
    doc: &mut lopdf::Document,
    fonts: &mut std::collections::BTreeMap<usize, FontUse>,
    faces: &[FontFace],
) -> Result<Dictionary, PdfError> {
    let mut one_byte_cmap = None;
    let mut dict = Dictionary::new();
    for (&index, font) in fonts.iter_mut() {
        let id = font.embed(&faces[index], doc, &mut one_byte_cmap)?;
        dict.set(font.res_name.as_bytes().to_vec(), Object::Reference(id));
    }
    Ok(dict)
}

/// What a font descriptor says of a face (ISO 32000-1 § 9.8, table 122),
/// in thousandths of an em.
struct Metrics {
    /// `hhea`'s ascender and descender (the descender negative).
    ascent: i64,
    descent: i64,
    /// `OS/2`'s `sCapHeight` (version 2 on), else the ascent.
    cap_height: i64,
    /// `head`'s glyph bounding box: xMin, yMin, xMax, yMax.
    bbox: [i64; 4],
    /// `post`'s italic angle, in whole degrees (negative: leaning right).
    italic_angle: i64,
    /// Nonsymbolic (bit 6), Italic (bit 7) for a slanted or italic face
    /// and FixedPitch (bit 1) when `post` says so (table 123).
    flags: i64,
    /// The dominant vertical stem width, which no table gives: the usual
    /// estimate from `OS/2`'s `usWeightClass`, 50 + (weight / 65)²
    /// (88 at 400, 166 at 700), 80 without `OS/2`.
    stem_v: i64,
}

impl Metrics {
    fn of(face: &FontFace) -> Option<Metrics> {
        use read_fonts::TableProvider;
        let font = read_fonts::FontRef::from_index(&face.data, face.index).ok()?;
        let head = font.head().ok()?;
        let hhea = font.hhea().ok()?;
        let scale = 1000.0 / f64::from(head.units_per_em().max(1));
        let em = |v: i16| (f64::from(v) * scale).round() as i64;
        let ascent = em(hhea.ascender().to_i16());
        let os2 = font.os2().ok();
        let post = font.post().ok();
        let italic_angle = post
            .as_ref()
            .map_or(0, |p| p.italic_angle().to_f64().round() as i64);
        let fixed = post.as_ref().is_some_and(|p| p.is_fixed_pitch() != 0);
        // Italic: slanted, or said to be by `head`'s macStyle or `OS/2`'s
        // fsSelection (an italic may stand upright).
        let italic = italic_angle != 0
            || head
                .mac_style()
                .contains(read_fonts::tables::head::MacStyle::ITALIC)
            || os2.as_ref().is_some_and(|o| {
                o.fs_selection()
                    .contains(read_fonts::tables::os2::SelectionFlags::ITALIC)
            });
        let weight = os2.as_ref().map_or(0, |o| o.us_weight_class());
        Some(Metrics {
            ascent,
            descent: em(hhea.descender().to_i16()),
            cap_height: os2
                .as_ref()
                .and_then(|o| o.s_cap_height())
                .filter(|&c| c > 0)
                .map_or(ascent, em),
            bbox: [head.x_min(), head.y_min(), head.x_max(), head.y_max()].map(em),
            italic_angle,
            flags: 1 << 5 | if italic { 1 << 6 } else { 0 } | i64::from(fixed),
            stem_v: match weight {
                0 => 80,
                w => 50 + (f64::from(w) / 65.0).powi(2).round() as i64,
            },
        })
    }
}

/// `/CIDSystemInfo` Adobe-Identity-0, of every CIDFont and of the one-byte
/// CMap (which PDF/A-2 asks to be the CIDFont's, ISO 19005-2 § 6.2.11.3).
fn identity_system_info() -> Dictionary {
    Dictionary::from_iter([
        ("Registry", Object::string_literal("Adobe")),
        ("Ordering", Object::string_literal("Identity")),
        ("Supplement", Object::Integer(0)),
    ])
}

/// The header of a ToUnicode CMap, up to its code space range.
const CMAP_HEADER: &[u8] = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";

/// The one-byte identity CMap (ISO 32000-1 §9.7.5.3, an embedded CMap):
/// code `<XX>` is CID `XX`, as Identity-H is for two bytes. Its name is
/// the one pdfminer.six (and pdfplumber over it) knows for this map; it
/// looks an embedded CMap up by name only and reads nothing from one it
/// does not know. The `/CIDSystemInfo` is the CIDFonts'
/// ([`identity_system_info`]).
const ONE_BYTE_CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> def\n\
/CMapName /OneByteIdentityH def\n/CMapType 1 def\n\
1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
1 begincidrange\n<00> <FF> 0\nendcidrange\n\
endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

/// The `/Encoding` stream of a one-byte font ([`ONE_BYTE_CMAP`]).
fn one_byte_cmap_stream() -> Stream {
    let dict = Dictionary::from_iter([
        ("Type", Object::Name(b"CMap".to_vec())),
        ("CMapName", Object::Name(b"OneByteIdentityH".to_vec())),
        ("CIDSystemInfo", Object::Dictionary(identity_system_info())),
    ]);
    Stream::new(dict, ONE_BYTE_CMAP.to_vec())
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

#[cfg(test)]
mod tests {
    use super::{FontUse, Program};
    use crate::frame::FontFace;
    use read_fonts::TableProvider;
    use read_fonts::types::GlyphId;

    fn face(file: &str) -> FontFace {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        FontFace {
            name: "SourceSerif4-Regular".into(),
            data: std::sync::Arc::new(std::fs::read(path).unwrap().into()),
            index: 0,
        }
    }

    /// A font drawing `glyphs`, each with the text of `text(gid)`.
    fn font_use(glyphs: &[u16], text: impl Fn(u16) -> String) -> FontUse {
        let mut f = FontUse::default();
        for &g in glyphs {
            f.use_glyph(g);
        }
        f.seal();
        for &g in glyphs {
            f.propose(g, &text(g));
        }
        f
    }

    /// The codes are the subset's glyph ids: each code's outline and
    /// advance in the embedded program are those of the original glyph it
    /// stands for, and `/W` says that advance.
    #[test]
    fn codes_are_the_subsets_glyph_ids() {
        let face = face("fonts/source-serif-4/SourceSerif4-Regular.ttf");
        let glyphs = [3u16, 36, 68, 69, 250, 400];
        let mut f = font_use(&glyphs, |g| format!("{g}"));
        f.prepare(&face).unwrap();
        assert_eq!(
            glyphs.map(|g| f.code_of(g)),
            [1, 2, 3, 4, 5, 6],
            "codes in original id order from 1"
        );
        assert!(f.one_byte);
        let Some(Program::TrueType(sub)) = f.program.take() else {
            panic!("a TrueType face gives a TrueType program");
        };
        let orig = read_fonts::FontRef::new(&face.data).unwrap();
        let new = read_fonts::FontRef::new(&sub).unwrap();
        // Glyph names are not embedded: `post` is its version 3 header.
        assert_eq!(
            new.table_data(read_fonts::types::Tag::new(b"post"))
                .unwrap()
                .len(),
            32
        );
        assert_eq!(
            new.post().unwrap().version(),
            read_fonts::types::Version16Dot16::VERSION_3_0
        );
        let (ol, nl) = (orig.loca(None).unwrap(), new.loca(None).unwrap());
        let (og, ng) = (orig.glyf().unwrap(), new.glyf().unwrap());
        let (oh, nh) = (orig.hmtx().unwrap(), new.hmtx().unwrap());
        let upm = f64::from(orig.head().unwrap().units_per_em());
        for g in glyphs {
            let c = f.code_of(g);
            // (None: a glyph without an outline, the space.)
            let outline = |g: read_fonts::tables::glyf::Glyph| {
                (
                    g.number_of_contours(),
                    g.x_min(),
                    g.y_min(),
                    g.x_max(),
                    g.y_max(),
                )
            };
            let old = ol.get_glyf(GlyphId::from(g), &og).unwrap().map(outline);
            let new = nl.get_glyf(GlyphId::from(c), &ng).unwrap().map(outline);
            assert_eq!(old, new, "glyph {g} as code {c}");
            assert!(g == 3 || old.is_some(), "glyph {g} has an outline");
            let adv = oh.advance(GlyphId::from(g)).unwrap();
            assert_eq!(nh.advance(GlyphId::from(c)), Some(adv), "advance of {g}");
            assert_eq!(f.width(g), (f64::from(adv) * 1000.0 / upm).trunc() as f32);
        }
        let w = f.w_array();
        assert_eq!(w[0], lopdf::Object::Integer(1));
        let widths = w[1].as_array().unwrap();
        assert_eq!(widths.len(), glyphs.len());
        assert_eq!(widths[1], lopdf::Object::Integer(f.width(36) as i64));
    }

    /// The ToUnicode map of a one-byte font has one-byte codes, each
    /// glyph's whole text (a ligature's two letters), and none for a glyph
    /// without text.
    #[test]
    fn a_one_byte_to_unicode_map() {
        let face = face("fonts/source-serif-4/SourceSerif4-Regular.ttf");
        let mut f = font_use(&[3, 36, 400], |g| match g {
            3 => " ".into(),
            36 => "fi".into(),
            _ => String::new(),
        });
        f.prepare(&face).unwrap();
        let map = String::from_utf8(f.to_unicode()).unwrap();
        let body = &map[map.find("1 begincodespacerange").unwrap()..];
        assert_eq!(
            body,
            "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
2 beginbfchar\n<01> <0020>\n<02> <00660069>\nendbfchar\n\
endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        );
    }

    /// More than 256 glyphs: two-byte codes, in blocks of at most 100
    /// entries (ISO 32000-1 § 9.10.3), the text of a character beyond the
    /// BMP as its surrogate pair.
    #[test]
    fn a_two_byte_to_unicode_map_in_blocks() {
        let face = face("fonts/source-serif-4/SourceSerif4-Regular.ttf");
        let glyphs: Vec<u16> = (1..=300).collect();
        let mut f = font_use(&glyphs, |g| match g {
            300 => "𝐀".into(),
            g => char::from_u32(0x4E00 + u32::from(g)).unwrap().to_string(),
        });
        f.prepare(&face).unwrap();
        assert!(!f.one_byte);
        assert_eq!(f.code_of(300), 300);
        let map = String::from_utf8(f.to_unicode()).unwrap();
        assert!(map.contains("<0000> <FFFF>"), "{map}");
        assert_eq!(map.matches("100 beginbfchar").count(), 3, "{map}");
        assert!(map.contains("<0001> <4E01>\n"), "{map}");
        assert!(map.contains("<012C> <D835DC00>\n"), "{map}");
    }

    /// `.notdef` drawn (a character no font has) keeps code 0, and `/W`
    /// then starts at 0; 255 glyphs besides it still fit a byte, 256 do
    /// not.
    #[test]
    fn notdef_is_code_0_and_255_glyphs_fit_a_byte() {
        let face = face("fonts/source-serif-4/SourceSerif4-Regular.ttf");
        let mut f = font_use(&[0, 36], |_| String::new());
        f.prepare(&face).unwrap();
        assert_eq!((f.code_of(0), f.code_of(36)), (0, 1));
        assert_eq!(f.w_array()[0], lopdf::Object::Integer(0));
        assert_eq!(f.w_array()[1].as_array().unwrap().len(), 2);
        for (drawn, one_byte) in [(255u16, true), (256, false)] {
            let glyphs: Vec<u16> = (1..=drawn).collect();
            let mut f = font_use(&glyphs, |_| String::new());
            f.prepare(&face).unwrap();
            assert_eq!(f.one_byte, one_byte, "{drawn} glyphs");
            assert_eq!(f.code_of(drawn), drawn);
        }
    }

    /// A CFF face: its subset is a bare CID-keyed `CFF ` table whose
    /// charset gives each glyph the CID the content shows it by (its code),
    /// and it is embedded as a CIDFontType0 without `/CIDToGIDMap`, which
    /// only Type 2 CIDFonts carry (ISO 32000-1 table 117).
    #[test]
    fn a_cff_face_is_cid_keyed_with_cids_that_are_the_codes() {
        let mut face = face("fonts/stix-two-math/STIXTwoMath-Regular.otf");
        face.name = "STIXTwoMath-Regular".into();
        let glyphs = [3u16, 40, 41, 500, 1200];
        let mut f = font_use(&glyphs, |g| format!("{g}"));
        f.prepare(&face).unwrap();
        let Some(Program::Cff(cff)) = &f.program else {
            panic!("a CFF face gives a CFF program");
        };
        let font = read_fonts::ps::cff::CffFontRef::new_cff(cff, 0, None).unwrap();
        assert!(font.is_cid(), "CID-keyed");
        assert_eq!(font.num_glyphs(), glyphs.len() as u32 + 1);
        let charset = font.charset().unwrap();
        for g in glyphs {
            let code = f.code_of(g);
            let cid = charset.string_id(GlyphId::from(code)).unwrap();
            assert_eq!(cid.to_u16(), code, "glyph {g}");
        }
        let mut doc = lopdf::Document::with_version("1.7");
        let mut fonts = std::collections::BTreeMap::from([(0, f)]);
        let dict = super::embed_all(&mut doc, &mut fonts, &[face]).unwrap();
        let (_, id) = dict.iter().next().unwrap();
        let type0 = doc.get_dictionary(id.as_reference().unwrap()).unwrap();
        let descendants = type0.get(b"DescendantFonts").unwrap().as_array().unwrap();
        let cid_font = descendants[0].as_dict().unwrap();
        assert_eq!(
            cid_font.get(b"Subtype").unwrap().as_name().unwrap(),
            b"CIDFontType0"
        );
        assert!(cid_font.get(b"CIDToGIDMap").is_err());
        let descriptor = doc
            .get_dictionary(
                cid_font
                    .get(b"FontDescriptor")
                    .unwrap()
                    .as_reference()
                    .unwrap(),
            )
            .unwrap();
        let file = descriptor
            .get(b"FontFile3")
            .unwrap()
            .as_reference()
            .unwrap();
        let stream = doc.get_object(file).unwrap().as_stream().unwrap();
        assert_eq!(
            stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
            b"CIDFontType0C"
        );
    }

    /// A glyph the face does not have (a layout bug, or a face changed on
    /// disk): an error naming the face, before any page is written.
    #[test]
    fn a_face_that_cannot_be_subset_is_an_error_naming_it() {
        let face = face("fonts/source-serif-4/SourceSerif4-Regular.ttf");
        let mut f = font_use(&[36, 60000], |_| String::new());
        let err = f.prepare(&face).expect_err("an error");
        let text = err.to_string();
        assert!(
            text.contains("SourceSerif4-Regular") && text.contains("cannot subset it"),
            "{text}"
        );
    }
}
