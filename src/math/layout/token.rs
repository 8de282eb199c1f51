//! Tokens (`<mi>`, `<mn>`, `<mo>`, `<mtext>`, `<ms>`): text shaped into
//! glyphs, identifiers in Mathematical Italic, operators grown.

use super::font::{K, Shaped};
use super::stretch::{self, Axis, Grown};
use super::{Bx, Engine, St, length, spacing};
use crate::fonts::Style;
use crate::math::Element;
use crate::math::boxes::{MathFace, MathItem};

/// The Mathematical Italic form of `c` (Unicode's Mathematical
/// Alphanumeric Symbols, U+1D434…; italic h is U+210E, Planck's constant),
/// or `c` itself.
pub fn math_italic(c: char) -> char {
    let shift = |base: u32, from: char| char::from_u32(base + (c as u32 - from as u32));
    match c {
        'h' => 'ℎ',
        'a'..='z' => shift(0x1D44E, 'a').unwrap_or(c),
        'A'..='Z' => shift(0x1D434, 'A').unwrap_or(c),
        'α'..='ω' => shift(0x1D6FC, 'α').unwrap_or(c),
        'ı' => '𝚤',
        'ȷ' => '𝚥',
        'ϵ' => '𝜖',
        'ϑ' => '𝜗',
        'ϕ' => '𝜙',
        'ϱ' => '𝜚',
        'ϖ' => '𝜛',
        _ => c,
    }
}

/// Invisible operators (function application, times, separator, plus):
/// no glyph, no width.
fn invisible(text: &str) -> bool {
    text.chars().all(|c| ('\u{2061}'..='\u{2064}').contains(&c))
}

impl Engine<'_> {
    /// A token element in style `st`.
    pub fn token(&self, e: &Element, st: St) -> Bx {
        let text = e.text();
        let variant = e.attr("mathvariant");
        match e.tag {
            crate::math::Tag::Mtext | crate::math::Tag::Ms => {
                let style = match variant {
                    Some("bold") => Style {
                        bold: true,
                        italic: false,
                    },
                    Some("italic") => Style {
                        bold: false,
                        italic: true,
                    },
                    Some("bold-italic") => Style {
                        bold: true,
                        italic: true,
                    },
                    _ => Style::REGULAR,
                };
                self.text_run(&text, st, style)
            }
            crate::math::Tag::Mi => {
                let one = text.chars().count() == 1;
                let shown: String = if one && variant != Some("normal") {
                    text.chars().map(math_italic).collect()
                } else {
                    text
                };
                self.math_run(&shown, st)
            }
            crate::math::Tag::Mo => self.operator(e, st, &text),
            _ => self.math_run(&text, st),
        }
    }

    /// An `<mo>`: its class, explicit spaces, a large operator grown in
    /// display style (`DisplayOperatorMinHeight`), centred on the axis.
    fn operator(&self, e: &Element, st: St, text: &str) -> Bx {
        let em = self.em(st);
        let mut b = if invisible(text) {
            Bx::default()
        } else if spacing::is_large(text) && e.attr("largeop") != Some("false") {
            self.large_op(text, st)
        } else {
            self.math_run(text, st)
        };
        b.op = true;
        b.class = spacing::class_of(text);
        if invisible(text) {
            b.class = spacing::Class::Ord;
        }
        b.lspace = length(e.attr("lspace"), em);
        b.rspace = length(e.attr("rspace"), em);
        b.movable = match e.attr("movablelimits") {
            Some(v) => v == "true",
            None => spacing::movable_limits(text),
        };
        if text.chars().count() > 1 {
            // `\lim`, `\max`: limits above and below in display style.
            b.largeop = e.attr("movablelimits").is_some();
        }
        b
    }

    /// ∑, ∫ …: in display style the first size variant at least
    /// `DisplayOperatorMinHeight` tall; centred on the axis.
    fn large_op(&self, text: &str, st: St) -> Bx {
        let c = text.chars().next().unwrap_or(' ');
        let gid = self.font.data.glyph(c);
        let gid = if st.display() {
            let target = self.font.display_operator_min_height();
            match stretch::grow(&self.font, gid, target, Axis::Vertical) {
                Grown::Glyph(g) => g,
                Grown::Parts(..) => gid,
            }
        } else {
            gid
        };
        let mut b = self.on_axis(self.glyph_box(gid, st), st);
        b.largeop = true;
        b
    }

    /// `b` moved up or down so that its middle is on the math axis
    /// (`AxisHeight`), keeping its other properties.
    pub fn on_axis(&self, mut b: Bx, st: St) -> Bx {
        let shift = self.k(st, K::AxisHeight) - (b.h - b.d) / 2.0;
        let mut moved = Bx::default();
        moved.put(&b, 0.0, shift);
        b.items = moved.items;
        b.h = moved.h;
        b.d = moved.d;
        b
    }

    /// One glyph of the math face as a box (its ink height and depth, its
    /// advance, italic correction and accent attachment).
    pub fn glyph_box(&self, gid: u16, st: St) -> Bx {
        let size = self.size(st);
        let font = &self.font.data;
        let (h, d) = font.ink(gid);
        let advance = self.pt(st, font.advance(gid));
        Bx {
            w: advance,
            h: self.pt(st, h),
            d: self.pt(st, d),
            items: vec![MathItem::Glyph {
                x: 0.0,
                y: 0.0,
                face: MathFace::Math,
                size,
                gid,
                advance,
            }],
            italic: self.pt(st, self.font.italic_correction(gid)),
            glyph: Some(gid),
            accent_x: Some(
                self.font
                    .top_accent(gid)
                    .map_or(advance / 2.0, |a| self.pt(st, a)),
            ),
            ..Bx::default()
        }
    }

    /// Text in the math face, shaped (with `ssty` in script styles).
    pub fn math_run(&self, text: &str, st: St) -> Bx {
        let shaped = self.font.data.shape(text, u32::from(st.script()), true);
        let mut b = self.shaped_box(&shaped, st, MathFace::Math, &self.font.data);
        if shaped.len() == 1 {
            let gid = shaped[0].gid;
            b.italic = self.pt(st, self.font.italic_correction(gid));
            b.glyph = Some(gid);
            b.accent_x = Some(
                self.font
                    .top_accent(gid)
                    .map_or(b.w / 2.0, |a| self.pt(st, a)),
            );
        } else {
            b.accent_x = Some(b.w / 2.0);
        }
        b
    }

    /// `<mtext>`: text in the body face, shaped (marks stacked by the
    /// font's GPOS, as in the text).
    pub fn text_run(&self, text: &str, st: St, style: Style) -> Bx {
        let i = Style::ALL.iter().position(|s| *s == style).unwrap_or(0);
        let face = &self.text[i];
        let shaped = face.shape(text, 0, false);
        let mut b = self.shaped_box(&shaped, st, MathFace::Text(style), face);
        b.accent_x = Some(b.w / 2.0);
        b
    }

    /// Shaped glyphs as a box.
    fn shaped_box(
        &self,
        shaped: &[Shaped],
        st: St,
        face: MathFace,
        data: &super::font::FaceData,
    ) -> Bx {
        let size = self.size(st);
        let scale = size / data.upem;
        let mut b = Bx {
            h: f32::MIN,
            d: f32::MIN,
            ..Bx::default()
        };
        let mut x = 0.0;
        for g in shaped {
            let (h, d) = data.ink(g.gid);
            let advance = g.advance * scale;
            b.items.push(MathItem::Glyph {
                x: x + g.dx * scale,
                y: g.dy * scale,
                face,
                size,
                gid: g.gid,
                advance,
            });
            b.h = b.h.max((h + g.dy) * scale);
            b.d = b.d.max((d - g.dy) * scale);
            x += advance;
        }
        if shaped.is_empty() {
            b.h = 0.0;
            b.d = 0.0;
        }
        b.w = x;
        b
    }

    /// A stretchy `<mo>` grown to cover `size` pt (height plus depth)
    /// about the axis, within its `minsize`/`maxsize`.
    pub fn stretched_mo(&self, e: &Element, st: St, size: f32) -> Bx {
        let text = e.text();
        let em = self.em(st);
        let mut target = size;
        if let Some(min) = length(e.attr("minsize"), em) {
            target = target.max(min);
        }
        if let Some(max) = length(e.attr("maxsize"), em) {
            target = target.min(max);
        }
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return self.token(e, st);
        };
        if invisible(&text) {
            return self.token(e, st);
        }
        let gid = self.font.data.glyph(c);
        let units = target * self.font.data.upem / self.size(st);
        let grown = stretch::grow(&self.font, gid, units, Axis::Vertical);
        // Centred on the axis (rule 19).
        let mut b = self.on_axis(self.grown_box(&grown, st, Axis::Vertical), st);
        if e.attr("minsize").is_some() || !matches!(grown, Grown::Glyph(g) if g == gid) {
            // `\big)` or a grown fence is a box, not a character: scripts
            // hang from its top and bottom (rule 18a).
            b.glyph = None;
        }
        b.op = true;
        b.class = spacing::class_of(&text);
        b.lspace = length(e.attr("lspace"), em);
        b.rspace = length(e.attr("rspace"), em);
        b
    }

    /// A grown glyph as a box: a variant, or its parts stacked bottom to top
    /// (vertical; the box's baseline at the bottom) or left to right.
    pub fn grown_box(&self, grown: &Grown, st: St, axis: Axis) -> Bx {
        match grown {
            Grown::Glyph(g) => self.glyph_box(*g, st),
            Grown::Parts(parts, length) => {
                let mut b = Bx::default();
                let length = self.pt(st, *length);
                for (gid, at) in parts {
                    let g = self.glyph_box(*gid, st);
                    let at = self.pt(st, *at);
                    match axis {
                        Axis::Vertical => {
                            // The part's own ink starts at its -depth.
                            b.put(&g, 0.0, at + g.d);
                            b.w = b.w.max(g.w);
                        }
                        Axis::Horizontal => {
                            b.put(&g, at, 0.0);
                        }
                    }
                }
                match axis {
                    Axis::Vertical => {
                        b.h = b.h.max(length);
                    }
                    Axis::Horizontal => b.w = length,
                }
                b.accent_x = Some(b.w / 2.0);
                b
            }
        }
    }
}
