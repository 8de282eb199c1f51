//! The OpenType `MATH` table of the embedded math face, cut down to the
//! subset's glyphs. `skera` drops `MATH` (hb-subset's port has no MATH
//! subsetter yet), yet a reading system lays MathML out from it: the
//! constants (fraction gaps, script shifts, radical rule), italic
//! corrections, top-accent attachments, cut-in kerns, and the size
//! variants and glyph assemblies that grow brackets, radicals and large
//! operators (MathML Core §3.2 "Layout algorithms", OpenType 1.9 "MATH —
//! The mathematical typesetting table").
//!
//! [`closure`] adds to a glyph set the glyphs its growing shapes reach
//! (variants and assembly parts, as hb-subset's `MATH::closure_glyphs`),
//! and [`subset`] writes the table for the kept glyphs, renumbered.

use std::collections::{BTreeMap, BTreeSet};

use read_fonts::FontRef;
use read_fonts::types::{GlyphId16, Tag};
use write_fonts::OffsetMarker;
use write_fonts::read::{FontData, FontRead};
use write_fonts::tables::layout::CoverageTable;
use write_fonts::tables::math::{
    Math, MathGlyphConstruction, MathGlyphInfo, MathItalicsCorrectionInfo, MathKernInfo,
    MathTopAccentAttachment, MathVariants,
};

/// The face's `MATH` table as owned data, if it has one that parses.
pub fn read(font: &FontRef) -> Option<Result<Math, String>> {
    let data = font.table_data(Tag::new(b"MATH"))?;
    Some(Math::read(FontData::new(data.as_bytes())).map_err(|e| format!("its MATH table: {e}")))
}

/// Adds to `glyphs` the size variants and assembly parts of every growing
/// shape among them, vertical and horizontal.
pub fn closure(math: &Math, glyphs: &mut BTreeSet<u16>) {
    // A variant may grow further: until nothing new is reached.
    while closure_step(math, glyphs) {}
}

/// One step of [`closure`]: whether it added a glyph.
fn closure_step(math: &Math, glyphs: &mut BTreeSet<u16>) -> bool {
    let v = &math.math_variants;
    let mut reached = Vec::new();
    for (coverage, constructions) in [
        (v.vert_glyph_coverage.as_ref(), &v.vert_glyph_constructions),
        (
            v.horiz_glyph_coverage.as_ref(),
            &v.horiz_glyph_constructions,
        ),
    ] {
        let Some(coverage) = coverage else { continue };
        for (g, c) in coverage.iter().zip(constructions) {
            if !glyphs.contains(&(g.to_u32() as u16)) {
                continue;
            }
            reached.extend(
                c.math_glyph_variant_records
                    .iter()
                    .map(|r| r.variant_glyph.to_u16()),
            );
            if let Some(a) = c.glyph_assembly.as_ref() {
                reached.extend(a.part_records.iter().map(|p| p.glyph_id.to_u16()));
            }
        }
    }
    let before = glyphs.len();
    glyphs.extend(reached);
    glyphs.len() > before
}

/// The records of `items` (in the order of `coverage`) whose glyph is kept,
/// with the coverage of their new glyph ids.
fn keep<T: Clone>(
    coverage: &CoverageTable,
    items: &[T],
    map: &BTreeMap<u16, u16>,
) -> (CoverageTable, Vec<T>) {
    let mut kept: Vec<(u16, T)> = coverage
        .iter()
        .zip(items)
        .filter_map(|(g, item)| {
            let old = u16::try_from(g.to_u32()).ok()?;
            Some((*map.get(&old)?, item.clone()))
        })
        .collect();
    kept.sort_by_key(|(g, _)| *g);
    let glyphs: Vec<GlyphId16> = kept.iter().map(|(g, _)| GlyphId16::new(*g)).collect();
    (glyphs.into(), kept.into_iter().map(|(_, t)| t).collect())
}

/// A glyph construction with its variants and parts renumbered.
fn construction(
    c: &MathGlyphConstruction,
    map: &BTreeMap<u16, u16>,
) -> Result<MathGlyphConstruction, String> {
    let new = |g: GlyphId16| {
        map.get(&g.to_u16())
            .map(|&n| GlyphId16::new(n))
            .ok_or_else(|| format!("glyph {} of a size variant was not kept", g.to_u16()))
    };
    let mut out = c.clone();
    for r in &mut out.math_glyph_variant_records {
        r.variant_glyph = new(r.variant_glyph)?;
    }
    if let Some(a) = out.glyph_assembly.as_mut() {
        for p in &mut a.part_records {
            p.glyph_id = new(p.glyph_id)?;
        }
    }
    Ok(out)
}

/// The table for the glyphs of `map` (old id → new id), written out; every
/// glyph [`closure`] reaches from a kept growing shape must be in `map`.
pub fn subset(math: &Math, map: &BTreeMap<u16, u16>) -> Result<Vec<u8>, String> {
    let info = &math.math_glyph_info;
    let italics = info.math_italics_correction_info.as_ref().map(|t| {
        let (coverage, italics_correction) = keep(&t.coverage, &t.italics_correction, map);
        MathItalicsCorrectionInfo::new(coverage, italics_correction)
    });
    let accents = info.math_top_accent_attachment.as_ref().map(|t| {
        let (coverage, attachment) = keep(&t.top_accent_coverage, &t.top_accent_attachment, map);
        MathTopAccentAttachment::new(coverage, attachment)
    });
    let extended = info
        .extended_shape_coverage
        .as_ref()
        .map(|c| keep(c, &vec![(); c.len()], map).0);
    let kerns = info.math_kern_info.as_ref().map(|t| {
        let (coverage, records) = keep(&t.math_kern_coverage, &t.math_kern_info_records, map);
        MathKernInfo::new(coverage, records)
    });
    let v = &math.math_variants;
    let grow = |coverage: Option<&CoverageTable>,
                constructions: &[OffsetMarker<MathGlyphConstruction>]|
     -> Result<(Option<CoverageTable>, Vec<MathGlyphConstruction>), String> {
        let Some(coverage) = coverage else {
            return Ok((None, Vec::new()));
        };
        let owned: Vec<&MathGlyphConstruction> = constructions.iter().map(|c| &**c).collect();
        let (coverage, kept) = keep(coverage, &owned, map);
        let kept = kept
            .into_iter()
            .map(|c| construction(c, map))
            .collect::<Result<_, _>>()?;
        Ok((Some(coverage), kept))
    };
    let (vert_coverage, vert) = grow(v.vert_glyph_coverage.as_ref(), &v.vert_glyph_constructions)?;
    let (horiz_coverage, horiz) = grow(
        v.horiz_glyph_coverage.as_ref(),
        &v.horiz_glyph_constructions,
    )?;
    let table = Math::new(
        (*math.math_constants).clone(),
        MathGlyphInfo::new(italics, accents, extended, kerns),
        MathVariants::new(
            v.min_connector_overlap,
            vert_coverage,
            horiz_coverage,
            vert,
            horiz,
        ),
    );
    write_fonts::dump_table(&table).map_err(|e| format!("cannot write the MATH table: {e}"))
}
