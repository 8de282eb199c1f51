//! Embedding fonts: subsetting with `subsetter`, and the Type0 / CIDFontType2
//! (Identity-H) dictionaries with widths and a ToUnicode CMap.

use super::PdfError;
use super::content::num;
use super::nav::coord;
use crate::frame::FontFace;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The few numbers of a font the PDF font dictionaries need.
struct Metrics {
    upm: f32,
    bbox: [i16; 4],
    ascent: i16,
    descent: i16,
    cap_height: i16,
    italic_angle: f32,
    fixed_pitch: bool,
    weight: u16,
    hmtx: Vec<u8>,
    n_hmetrics: usize,
}

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

impl Metrics {
    fn parse(data: &[u8], index: u32) -> Option<Metrics> {
        let head = table(data, index, b"head")?;
        let hhea = table(data, index, b"hhea")?;
        let hmtx = table(data, index, b"hmtx")?;
        let i16at = |t: &[u8], at| be16(t, at).map(|v| v as i16);
        let os2 = table(data, index, b"OS/2");
        let post = table(data, index, b"post");
        let ascent = os2.and_then(|t| i16at(t, 68)).or(i16at(hhea, 4))?;
        let descent = os2.and_then(|t| i16at(t, 70)).or(i16at(hhea, 6))?;
        let cap_height = os2
            .filter(|t| be16(t, 0).unwrap_or(0) >= 2)
            .and_then(|t| i16at(t, 88))
            .unwrap_or(ascent);
        Some(Metrics {
            upm: f32::from(be16(head, 18)?.max(16)),
            bbox: [
                i16at(head, 36)?,
                i16at(head, 38)?,
                i16at(head, 40)?,
                i16at(head, 42)?,
            ],
            ascent,
            descent,
            cap_height,
            italic_angle: post
                .and_then(|t| be32(t, 4))
                .map_or(0.0, |v| v as i32 as f32 / 65536.0),
            fixed_pitch: post.and_then(|t| be32(t, 12)).is_some_and(|v| v != 0),
            weight: os2.and_then(|t| be16(t, 4)).unwrap_or(400),
            hmtx: hmtx.to_vec(),
            n_hmetrics: usize::from(be16(hhea, 34)?.max(1)),
        })
    }

    /// Advance width of a glyph in font units.
    fn advance(&self, gid: u16) -> u16 {
        let i = usize::from(gid).min(self.n_hmetrics - 1);
        be16(&self.hmtx, 4 * i).unwrap_or(0)
    }

    /// `v` font units in thousandths of an em, rounded to 2 decimals.
    fn per_mille(&self, v: f32) -> f32 {
        (v * 1000.0 / self.upm * 100.0).round() / 100.0
    }
}

/// One font as used by the document: the glyphs drawn with it and what each
/// glyph stands for in the ToUnicode map.
#[derive(Default)]
pub(crate) struct FontUse {
    /// Original glyph ids drawn with this font.
    pub glyphs: BTreeSet<u16>,
    /// Original glyph id -> the text its ToUnicode entry gives back.
    pub unicode: BTreeMap<u16, String>,
    /// Original glyph id -> the CID (subset glyph id) written in content.
    pub cids: BTreeMap<u16, u16>,
    /// Original glyph id -> advance in thousandths of an em, as written in /W.
    pub widths: BTreeMap<u16, f32>,
    /// The resource name (`F0`, `F1`, ...).
    pub res_name: String,
}

impl FontUse {
    /// Records the ToUnicode mapping a glyph should have, unless it already
    /// has one (the first use wins; others get `/ActualText`).
    pub fn propose(&mut self, gid: u16, text: &str) {
        if !text.is_empty() {
            self.unicode.entry(gid).or_insert_with(|| text.to_owned());
        }
    }

    /// Whether the ToUnicode map gives back `text` for `gid` (an empty
    /// `text` means the glyph should give back nothing).
    pub fn maps_to(&self, gid: u16, text: &str) -> bool {
        self.unicode.get(&gid).map_or("", String::as_str) == text
    }

    /// Subsets `face` to the used glyphs and adds the Type0 font and its
    /// descendants to `doc`. Returns the Type0 font's object id.
    pub fn embed(&mut self, doc: &mut Document, face: &FontFace) -> Result<ObjectId, PdfError> {
        let fail = |reason: String| PdfError::Font {
            font: face.name.clone(),
            reason,
        };
        let m = Metrics::parse(&face.data, face.index)
            .ok_or_else(|| fail("missing or malformed head/hhea/hmtx table".into()))?;
        let mut remapper = subsetter::GlyphRemapper::new();
        for &g in &self.glyphs {
            self.cids.insert(g, remapper.remap(g));
            self.widths.insert(g, m.per_mille(f32::from(m.advance(g))));
        }
        let program = subsetter::subset(&face.data, face.index, &remapper)
            .map_err(|e| fail(format!("subsetting failed: {e}")))?;

        let base: String = face
            .name
            .chars()
            .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
            .collect();
        let name = format!("{}+{base}", self.subset_tag(&base));

        let mut file = Stream::new(
            Dictionary::from_iter([("Length1", Object::Integer(program.len() as i64))]),
            program,
        );
        let _ = file.compress();
        let file_id = doc.add_object(file);
        let s = |v: i16| coord(m.per_mille(f32::from(v)));
        let flags =
            4 | if m.fixed_pitch { 1 } else { 0 } | if m.italic_angle != 0.0 { 64 } else { 0 };
        let stem_v = 50 + (i64::from(m.weight) / 65).pow(2);
        let descriptor = Dictionary::from_iter([
            ("Type", Object::Name(b"FontDescriptor".to_vec())),
            ("FontName", Object::Name(name.clone().into_bytes())),
            ("Flags", Object::Integer(flags)),
            (
                "FontBBox",
                Object::Array(m.bbox.iter().map(|&v| s(v)).collect()),
            ),
            ("ItalicAngle", coord(m.italic_angle)),
            ("Ascent", s(m.ascent)),
            ("Descent", s(m.descent)),
            ("CapHeight", s(m.cap_height)),
            ("StemV", Object::Integer(stem_v)),
            ("FontFile2", Object::Reference(file_id)),
        ]);
        let descriptor_id = doc.add_object(descriptor);

        let by_cid: BTreeMap<u16, f32> = self
            .cids
            .iter()
            .map(|(g, c)| (*c, self.widths[g]))
            .collect();
        // /W as `first [w w ...]` segments of consecutive CIDs.
        let mut widths: Vec<Object> = Vec::new();
        let mut next = None;
        for (cid, w) in by_cid {
            if next != Some(cid) {
                widths.push(Object::Integer(cid.into()));
                widths.push(Object::Array(Vec::new()));
            }
            if let Some(Object::Array(seg)) = widths.last_mut() {
                seg.push(width_object(w));
            }
            next = cid.checked_add(1);
        }
        let cid_font = Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"CIDFontType2".to_vec())),
            ("BaseFont", Object::Name(name.clone().into_bytes())),
            (
                "CIDSystemInfo",
                Object::Dictionary(Dictionary::from_iter([
                    ("Registry", Object::string_literal("Adobe")),
                    ("Ordering", Object::string_literal("Identity")),
                    ("Supplement", Object::Integer(0)),
                ])),
            ),
            ("FontDescriptor", Object::Reference(descriptor_id)),
            ("W", Object::Array(widths)),
            ("CIDToGIDMap", Object::Name(b"Identity".to_vec())),
        ]);
        let cid_font_id = doc.add_object(cid_font);

        let mut cmap = Stream::new(Dictionary::new(), self.to_unicode_cmap().into_bytes());
        let _ = cmap.compress();
        let cmap_id = doc.add_object(cmap);
        Ok(doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type0".to_vec())),
            ("BaseFont", Object::Name(name.into_bytes())),
            ("Encoding", Object::Name(b"Identity-H".to_vec())),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Reference(cid_font_id)]),
            ),
            ("ToUnicode", Object::Reference(cmap_id)),
        ])))
    }

    /// Six capital letters derived from the font name and glyph set, so the
    /// tag is stable across runs and differs between subsets.
    fn subset_tag(&self, base: &str) -> String {
        let mut h = Sha256::new();
        h.update(base.as_bytes());
        for g in &self.glyphs {
            h.update(g.to_be_bytes());
        }
        h.finalize()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect()
    }

    /// The ToUnicode CMap: one `bfchar` entry per glyph that gives back text.
    fn to_unicode_cmap(&self) -> String {
        let entries: BTreeMap<u16, &String> = self
            .unicode
            .iter()
            .filter_map(|(g, t)| Some((*self.cids.get(g)?, t)))
            .collect();
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<_> = entries.into_iter().collect();
        for chunk in entries.chunks(100) {
            let _ = writeln!(s, "{} beginbfchar", chunk.len());
            for (cid, text) in chunk {
                let _ = write!(s, "<{cid:04X}> <");
                for unit in text.encode_utf16() {
                    let _ = write!(s, "{unit:04X}");
                }
                s.push_str(">\n");
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s
    }
}

/// A width for /W: an integer when it is one, else the rounded real.
fn width_object(w: f32) -> Object {
    if w.fract() == 0.0 {
        Object::Integer(w as i64)
    } else {
        Object::Real(num(w, 2).parse().unwrap_or(w))
    }
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
