//! Growing a glyph: the `MathVariants` size variants of a glyph, then its
//! `GlyphAssembly` of parts with repeated extenders (OpenType `MATH`,
//! "MathVariants table"; MathML Core §3.3.1.2 "Layout of operators").

use ttf_parser::GlyphId;

use super::font::MathFont;

/// A glyph grown to a size: one variant, or parts laid end to end.
#[derive(Clone, Debug, PartialEq)]
pub enum Grown {
    /// A single glyph (the base or one of its size variants).
    Glyph(u16),
    /// Parts with their offsets along the stretch direction (font units,
    /// from the start: bottom for vertical, left for horizontal), and the
    /// assembly's full length.
    Parts(Vec<(u16, f32)>, f32),
}

/// The direction a glyph grows in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Height plus depth.
    Vertical,
    /// Width.
    Horizontal,
}

/// The size of `gid` along `axis`, font units.
fn extent(font: &MathFont, gid: u16, axis: Axis) -> f32 {
    match axis {
        Axis::Vertical => {
            let (h, d) = font.data.ink(gid);
            h + d
        }
        Axis::Horizontal => font.data.advance(gid),
    }
}

/// `gid` grown along `axis` to at least `target` font units: the first
/// size variant that reaches it, else an assembly, else the largest variant.
pub fn grow(font: &MathFont, gid: u16, target: f32, axis: Axis) -> Grown {
    let Some(variants) = font.variants else {
        return Grown::Glyph(gid);
    };
    let constructions = match axis {
        Axis::Vertical => variants.vertical_constructions,
        Axis::Horizontal => variants.horizontal_constructions,
    };
    let Some(construction) = constructions.get(GlyphId(gid)) else {
        return Grown::Glyph(gid);
    };
    if extent(font, gid, axis) >= target {
        return Grown::Glyph(gid);
    }
    let mut largest = gid;
    for v in construction.variants {
        largest = v.variant_glyph.0;
        if f32::from(v.advance_measurement) >= target {
            return Grown::Glyph(v.variant_glyph.0);
        }
    }
    match construction.assembly {
        Some(assembly) => assemble(
            &assembly.parts.into_iter().collect::<Vec<_>>(),
            f32::from(variants.min_connector_overlap),
            target,
        )
        .unwrap_or(Grown::Glyph(largest)),
        None => Grown::Glyph(largest),
    }
}

/// Lays out an assembly's parts to cover `target`: extenders repeated the
/// fewest times that reach it, the overlap between parts shared equally and
/// never below `min_overlap` nor above the connectors' lengths.
fn assemble(parts: &[ttf_parser::math::GlyphPart], min_overlap: f32, target: f32) -> Option<Grown> {
    if parts.is_empty() {
        return None;
    }
    let has_extender = parts.iter().any(|p| p.part_flags.extender());
    for repeats in 0..=200usize {
        let mut seq = Vec::new();
        for p in parts {
            if p.part_flags.extender() {
                for _ in 0..repeats {
                    seq.push(*p);
                }
            } else {
                seq.push(*p);
            }
        }
        if seq.is_empty() {
            continue;
        }
        let joints = seq.len().saturating_sub(1) as f32;
        let sum: f32 = seq.iter().map(|p| f32::from(p.full_advance)).sum();
        // The most each joint may overlap: its shorter connector.
        let max_overlap = seq
            .windows(2)
            .map(|w| f32::from(w[0].end_connector_length.min(w[1].start_connector_length)))
            .fold(f32::INFINITY, f32::min)
            .max(min_overlap);
        let longest = sum - joints * min_overlap;
        if longest >= target || !has_extender || repeats == 200 {
            let overlap = if joints > 0.0 {
                ((sum - target) / joints).clamp(min_overlap, max_overlap)
            } else {
                0.0
            };
            let mut at = 0.0;
            let mut out = Vec::with_capacity(seq.len());
            for p in &seq {
                out.push((p.glyph_id.0, at));
                at += f32::from(p.full_advance) - overlap;
            }
            let length = at + overlap;
            return Some(Grown::Parts(out, length));
        }
    }
    None
}
