//! Glyph runs for tests that build a [`Layout`] by hand: faces from
//! `fonts/` and text shaped by harfrust.

use harfrust::{Buffer, ShapeOptions, ShaperFont};
use std::path::Path;
use std::sync::Arc;
use trang::frame::*;

/// The face at `fonts/PATH`, named `name`.
pub fn face(path: &str, name: &str) -> FontFace {
    let data = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fonts")
            .join(path),
    )
    .unwrap();
    FontFace {
        name: name.into(),
        data: Arc::new(data.into()),
        index: 0,
    }
}

/// Shapes `text` with harfrust and turns the result into a run, widening
/// every space by `extra_space` points (justification).
pub fn shape(layout: &Layout, font: usize, text: &str, size: f32, extra_space: f32) -> GlyphRun {
    let hf = harfrust::Font::new(layout.fonts[font].data.to_vec(), 0).unwrap();
    let scale = size / f32::from(hf.units_per_em());
    let shaper = ShaperFont::new(&hf);
    let mut buf = Buffer::new();
    buf.push_str(text);
    buf.guess_segment_properties();
    harfrust::shape(&shaper, &mut buf, ShapeOptions::new()).unwrap();
    let (infos, pos) = (buf.glyph_infos(), buf.glyph_positions());
    let mut glyphs = Vec::new();
    let mut offsets = Vec::new();
    let mut clusters: Vec<Cluster> = Vec::new();
    for (i, (info, p)) in infos.iter().zip(pos).enumerate() {
        let start = info.cluster as usize;
        let is_space = text[start..].starts_with(' ');
        glyphs.push(Glyph {
            id: info.glyph_id as u16,
            x_advance: p.x_advance as f32 * scale + if is_space { extra_space } else { 0.0 },
        });
        offsets.push(GlyphOffset {
            x: p.x_offset as f32 * scale,
            y: p.y_offset as f32 * scale,
        });
        let (start, i) = (start as u32, i as u32);
        match clusters.last_mut() {
            Some(c) if c.text.start == start => c.glyphs.end = i + 1,
            _ => clusters.push(Cluster {
                text: start..start,
                glyphs: i..i + 1,
            }),
        }
    }
    for i in 0..clusters.len() {
        clusters[i].text.end = clusters
            .get(i + 1)
            .map_or(text.len() as u32, |c| c.text.start);
    }
    GlyphRun {
        font: FontId(font),
        size,
        color: Rgb::BLACK,
        glyphs: glyphs.into(),
        // Listed only if a glyph is moved, as the typesetter does.
        offsets: if offsets.iter().all(GlyphOffset::is_zero) {
            Vec::new().into()
        } else {
            offsets.into()
        },
        text: text.into(),
        clusters: Clusters::Listed(clusters.into()),
        letter_spacing: 0.0,
    }
}
