//! Shaping with harfrust: text in one face → glyph ids with advances and GPOS
//! offsets, in font units (harfrust always shapes at units-per-em; callers scale).
//!
//! Script Latin and the document's language are set on every buffer, so
//! kerning, ligatures and mark positioning apply. Each distinct (face, text)
//! is shaped once: words repeat a lot, so the cache removes most of the cost.
//!
//! Default-ignorable characters (Unicode's `Default_Ignorable_Code_Point`:
//! U+200B ZERO WIDTH SPACE, U+200C/U+200D, U+2060 WORD JOINER, U+FEFF, …)
//! take part in shaping (a ZWNJ still breaks a ligature) and are then
//! removed (`REMOVE_DEFAULT_IGNORABLES`): no glyph is drawn for them, and
//! their text joins the cluster before them (after them at the start), so
//! the PDF still gives them back. Left in, HarfBuzz draws them as the
//! font's space glyph at zero advance: the space glyph's ToUnicode entry
//! then became U+200B, every real space needed an `/ActualText` span of its
//! own, and poppler dropped the one beside the zero-width glyph.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use harfrust::{
    Buffer, BufferFlags, Direction, Font, Language, Script, ShapeOptions, ShapePlan, ShaperFont,
};

use crate::fonts::Face;

/// One shaped glyph, in font units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapedGlyph {
    /// Glyph id.
    pub id: u16,
    /// Byte offset in the shaped text where this glyph's cluster starts.
    pub cluster: u32,
    /// Horizontal advance.
    pub advance: i32,
    /// GPOS x offset.
    pub x_offset: i32,
    /// GPOS y offset (positive up).
    pub y_offset: i32,
}

/// The shaped form of one piece of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Shaped {
    /// Glyphs in visual order.
    pub glyphs: Vec<ShapedGlyph>,
    /// Sum of advances, in font units.
    pub advance: i32,
}

/// A face registered with the shaper: its harfrust font and a plan for the
/// document's language.
struct Entry {
    face: Arc<Face>,
    font: Font,
    plan: ShapePlan,
}

/// Shapes text in the document's faces, caching each distinct (face, text).
pub struct Shaper {
    language: Option<Language>,
    entries: Vec<Entry>,
    /// Per face (index as in `entries`): text → its shaping. Looked up for
    /// every word, so keyed by `str` (no allocation to look up) and hashed
    /// with foldhash (seeded per process, so crafted input cannot force
    /// collisions; nothing iterates the map in hash order).
    cache: Vec<HashMap<Box<str>, Arc<Shaped>, foldhash::fast::RandomState>>,
    buffer: Option<Buffer>,
}

impl Shaper {
    /// A shaper for text in language `lang` (BCP 47).
    pub fn new(lang: &str) -> Shaper {
        Shaper {
            language: Language::from_str(lang).ok(),
            entries: Vec::new(),
            cache: Vec::new(),
            buffer: Some(Buffer::new()),
        }
    }

    /// The index of `face` in this shaper (registering it on first use).
    pub fn face_index(&mut self, face: &Arc<Face>) -> usize {
        if let Some(i) = self.entries.iter().position(|e| Arc::ptr_eq(&e.face, face)) {
            return i;
        }
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = face.data.clone();
        let font = Font::new(data, face.index).expect("face validated when loaded");
        let plan = ShapePlan::new(
            &font,
            Direction::LeftToRight,
            Some(Script::LATIN),
            self.language.as_ref(),
            &[],
        );
        self.entries.push(Entry {
            face: Arc::clone(face),
            font,
            plan,
        });
        self.cache.push(HashMap::default());
        self.entries.len() - 1
    }

    /// The face registered at `index`.
    pub fn face(&self, index: usize) -> &Arc<Face> {
        &self.entries[index].face
    }

    /// How many faces are registered.
    pub fn face_count(&self) -> usize {
        self.entries.len()
    }

    /// Every distinct (face index, text) shaped so far, sorted: the work a
    /// document's shaping costs (the stage benchmark shapes these again
    /// with an empty cache).
    pub fn cached(&self) -> Vec<(usize, Box<str>)> {
        let mut keys: Vec<(usize, Box<str>)> = self
            .cache
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.keys().map(move |k| (i, k.clone())))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// Shapes `text` in the face at `index`.
    pub fn shape(&mut self, index: usize, text: &str) -> Arc<Shaped> {
        if let Some(s) = self.cache[index].get(text) {
            return Arc::clone(s);
        }
        let entry = &self.entries[index];
        let shaper = ShaperFont::new(&entry.font);
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.clear();
        buffer.set_flags(BufferFlags::REMOVE_DEFAULT_IGNORABLES);
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(Some(Script::LATIN));
        buffer.set_language(self.language.clone());
        let shaped = match harfrust::shape(
            &shaper,
            &mut buffer,
            ShapeOptions::new().plan(Some(&entry.plan)),
        ) {
            Ok(()) => {
                let glyphs: Vec<ShapedGlyph> = buffer
                    .glyph_infos()
                    .iter()
                    .zip(buffer.glyph_positions())
                    .map(|(info, pos)| ShapedGlyph {
                        id: u16::try_from(info.glyph_id).unwrap_or(0),
                        cluster: info.cluster,
                        advance: pos.x_advance,
                        x_offset: pos.x_offset,
                        y_offset: pos.y_offset,
                    })
                    .collect();
                let advance = glyphs.iter().map(|g| g.advance).sum();
                Shaped { glyphs, advance }
            }
            Err(_) => fallback_shape(&entry.face, text),
        };
        self.buffer = Some(buffer);
        let shaped = Arc::new(shaped);
        self.cache[index].insert(Box::from(text), Arc::clone(&shaped));
        shaped
    }
}

/// Nominal glyphs and advances when shaping fails (it should not for valid fonts).
fn fallback_shape(face: &Face, text: &str) -> Shaped {
    use read_fonts::TableProvider;
    let font = face.font_ref();
    let hmtx = font.hmtx().ok();
    // Default-ignorable characters get no glyph, as when shaping succeeds.
    let glyphs: Vec<ShapedGlyph> = text
        .char_indices()
        .filter(|&(_, c)| !crate::coverage::is_default_ignorable(c))
        .map(|(i, c)| {
            let id = face.glyph_id(c).unwrap_or(0);
            let advance = hmtx
                .as_ref()
                .and_then(|h| h.advance(read_fonts::types::GlyphId::new(u32::from(id))))
                .map_or(0, i32::from);
            ShapedGlyph {
                id,
                cluster: i as u32,
                advance,
                x_offset: 0,
                y_offset: 0,
            }
        })
        .collect();
    let advance = glyphs.iter().map(|g| g.advance).sum();
    Shaped { glyphs, advance }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::fonts::{FontSet, Role, Style};

    #[test]
    fn stacked_vietnamese_marks_use_precomposed_glyphs_and_nfd_matches() {
        let fonts = FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap();
        let face = fonts.face(Role::Body, Style::REGULAR);
        let mut shaper = Shaper::new("vi");
        let i = shaper.face_index(face);
        let nfc = shaper.shape(i, "ệ ở ữ ặ ẫ");
        let nfd_text: String =
            unicode_normalization::UnicodeNormalization::nfd("ệ ở ữ ặ ẫ").collect();
        let nfd = shaper.shape(i, &nfd_text);
        // One glyph per letter (precomposed) plus the spaces.
        assert_eq!(nfc.glyphs.len(), 9);
        assert_eq!(
            nfc.glyphs.iter().map(|g| g.id).collect::<Vec<_>>(),
            nfd.glyphs.iter().map(|g| g.id).collect::<Vec<_>>(),
            "harfrust composes NFD input to the same precomposed glyphs"
        );
        assert_eq!(nfc.glyphs[0].id, face.glyph_id('ệ').unwrap());
        // Kerning applies: "AV" is narrower than A + V alone.
        let av = shaper.shape(i, "AV").advance;
        let a = shaper.shape(i, "A").advance;
        let v = shaper.shape(i, "V").advance;
        assert!(av < a + v, "{av} vs {a}+{v}");
    }
}
