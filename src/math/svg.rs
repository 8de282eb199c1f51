//! A laid-out formula ([`MathBox`]) as a standalone SVG: each glyph a
//! `<path>` from its outline, each rule a `<rect>`. Sized in `em` of the
//! surrounding text and lowered by its depth (`vertical-align`), so it sits
//! on the text's baseline; `role="math"` with the formula's text as its
//! `aria-label` (WAI-ARIA 1.2, the `math` role). The EPUB's
//! `--epub-math svg` output and the layout's visual check.
//!
//! Numbers are written with fixed decimals, so the same box gives the same
//! bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::boxes::{MathBox, MathFace, MathItem};
use super::layout::Context;

/// Collects a glyph outline as SVG path data, font units, y up.
struct Pen(String);

impl ttf_parser::OutlineBuilder for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{} {}", x.round(), y.round());
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{} {}", x.round(), y.round());
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "Q{} {} {} {}",
            x1.round(),
            y1.round(),
            x.round(),
            y.round()
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "C{} {} {} {} {} {}",
            x1.round(),
            y1.round(),
            x2.round(),
            y2.round(),
            x.round(),
            y.round()
        );
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

/// A number with three decimals, trailing zeros dropped.
fn num(v: f32) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The formula `b` (laid out with `ctx`) as an `<svg>` element: width,
/// height and `vertical-align` in `em` of `ctx.size`, the viewBox in pt
/// (y down, the baseline at the box's height), `label` as its accessible name.
pub fn svg(b: &MathBox, ctx: &Context, label: &str) -> String {
    svg_in(b, ctx, label, "")
}

/// [`svg`] for a document holding several: the ids of its glyph outlines
/// start with `prefix` (e.g. `m12-`), so that they are unique in the page.
pub fn svg_in(b: &MathBox, ctx: &Context, label: &str, prefix: &str) -> String {
    let em = ctx.size;
    let total = b.height + b.depth;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"math\" aria-label=\"{}\" \
         width=\"{}em\" height=\"{}em\" viewBox=\"0 0 {} {}\" \
         style=\"vertical-align:{}em\">",
        crate::epub::xml::attr(label),
        num(b.width / em),
        num(total / em),
        num(b.width),
        num(total),
        num(-b.depth / em),
    );
    // Glyph outlines once each, as <path> in <defs>, then <use>d.
    let faces: Vec<(MathFace, ttf_parser::Face)> = std::iter::once(MathFace::Math)
        .chain(crate::fonts::Style::ALL.iter().map(|s| MathFace::Text(*s)))
        .filter_map(|f| {
            let face = match f {
                MathFace::Math => &ctx.math,
                MathFace::Text(s) => ctx.text_face(s),
            };
            ttf_parser::Face::parse(&face.data, face.index)
                .ok()
                .map(|p| (f, p))
        })
        .collect();
    let face_of = |f: MathFace| faces.iter().position(|(k, _)| *k == f);
    let mut ids: BTreeMap<(usize, u16), String> = BTreeMap::new();
    let mut defs = String::new();
    for item in &b.items {
        if let MathItem::Glyph { face, gid, .. } = item
            && let Some(fi) = face_of(*face)
            && !ids.contains_key(&(fi, *gid))
        {
            let mut pen = Pen(String::new());
            let parsed = &faces[fi].1;
            if parsed
                .outline_glyph(ttf_parser::GlyphId(*gid), &mut pen)
                .is_some()
            {
                let id = format!("{prefix}g{fi}-{gid}");
                let _ = write!(defs, "<path id=\"{id}\" d=\"{}\"/>", pen.0);
                ids.insert((fi, *gid), id);
            } else {
                ids.insert((fi, *gid), String::new());
            }
        }
    }
    if !defs.is_empty() {
        let _ = write!(out, "<defs>{defs}</defs>");
    }
    for item in &b.items {
        match *item {
            MathItem::Glyph {
                x,
                y,
                face,
                size,
                gid,
                ..
            } => {
                let Some(fi) = face_of(face) else { continue };
                let Some(id) = ids.get(&(fi, gid)).filter(|id| !id.is_empty()) else {
                    continue;
                };
                let scale = size / f32::from(faces[fi].1.units_per_em());
                let _ = write!(
                    out,
                    "<use href=\"#{id}\" transform=\"translate({} {}) scale({} {})\"/>",
                    num(x),
                    num(b.height - y),
                    num(scale),
                    num(-scale)
                );
            }
            MathItem::Rule {
                x,
                y,
                width,
                height,
            } => {
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(x),
                    num(b.height - y - height),
                    num(width),
                    num(height)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;
    use crate::math::Display;
    use crate::math::layout::layout;
    use crate::math::tex::Converter;

    #[test]
    fn a_fraction_as_svg_sits_on_the_baseline_with_its_glyphs_and_bar() {
        let mut diags = crate::diag::Diagnostics::default();
        let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
        let ctx = Context::new(&fonts, 10.0, None).unwrap();
        let f = Converter::new()
            .convert(r"\frac{a}{b} < \text{ế}", Display::Inline)
            .unwrap();
        let b = layout(&f, &ctx);
        let out = svg(&b, &ctx, "a/b < \"ế\"");
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"math\""));
        assert!(out.contains("aria-label=\"a/b &lt; &quot;ế&quot;\""));
        // Lowered by its depth, in em of the text.
        let valign = format!("vertical-align:{}em", num(-b.depth / 10.0));
        assert!(out.contains(&valign), "{valign} in {out}");
        assert!(b.depth > 0.0, "the denominator hangs below the baseline");
        // One <use> per glyph (a, b, <, and the body face's ế), one <rect>
        // for the bar, each outline defined once.
        let glyphs = b
            .items
            .iter()
            .filter(|i| matches!(i, MathItem::Glyph { .. }))
            .count();
        assert_eq!(out.matches("<use ").count(), glyphs);
        assert!(glyphs >= 4);
        assert_eq!(out.matches("<rect ").count(), 1);
        assert_eq!(out.matches("<path ").count(), glyphs);
        assert!(
            out.matches(" d=\"M").count() == glyphs,
            "every glyph has an outline"
        );
        // The same box gives the same bytes.
        assert_eq!(out, svg(&layout(&f, &ctx), &ctx, "a/b < \"ế\""));
    }
}
