//! Scripts and limits: `<msub>`, `<msup>`, `<msubsup>`, `<mmultiscripts>`
//! (TeXbook Appendix G rules 18a–f with the `MATH` table's script
//! parameters), `<munder>`, `<mover>`, `<munderover>` (rule 13a for limits,
//! rule 12 for accents, the `MATH` table's limit and stretch-stack gaps),
//! and stretchy horizontal accents, braces and bars.

use super::font::{Corner, K};
use super::stretch::{self, Axis};
use super::{Bx, Engine, St};
use crate::math::{Element, Tag};

/// `\overline`/`\underline`: a stretchy line character, drawn as a rule
/// (`\bar`'s macron, not stretchy, stays a glyph).
fn is_bar_accent(e: &Element) -> bool {
    e.tag == Tag::Mo
        && e.attr("stretchy") != Some("false")
        && matches!(
            e.text().as_str(),
            "\u{332}" | "\u{af}" | "\u{203e}" | "_" | "\u{305}"
        )
}

impl Engine<'_> {
    /// `<msub>`, `<msup>`, `<msubsup>`.
    pub fn scripts(&self, e: &Element, st: St) -> Bx {
        let kids: Vec<&Element> = e.elements().collect();
        let Some(base) = kids.first() else {
            return Bx::default();
        };
        let base = self.node(base, st);
        let (sub, sup) = match e.tag {
            Tag::Msub => (kids.get(1), None),
            Tag::Msup => (None, kids.get(1)),
            _ => (kids.get(1), kids.get(2)),
        };
        let sub = sub.map(|s| self.node(s, st.sub()));
        if let Some(p) = sup
            && p.tag == Tag::Mo
            && !p.text().is_empty()
            && p.text().chars().all(|c| matches!(c, '′' | '″' | '‴' | '⁗'))
        {
            // `f'`: the prime glyph is drawn raised, at the base's size
            // (TeX's `\prime` is a superscript of a large glyph).
            let prime = self.node(p, st);
            // On a box (`\left(…\right)'`, `\Big)'`) the prime rises as a
            // superscript would above a character (rule 18a).
            let raise = if base.glyph.is_some() && !base.largeop {
                0.0
            } else {
                (base.h
                    - self.k(st.sup(), K::SuperscriptBaselineDropMax)
                    - self.k(st, K::SuperscriptShiftUp))
                .max(0.0)
            };
            let mut out = base.clone();
            out.put(&prime, base.w + base.italic, raise);
            out.w = base.w + base.italic + prime.w;
            out.glyph = None;
            out.accent_x = None;
            let sub = sub.as_ref();
            return match sub {
                Some(b) => self.attach(out, Some(b), None, st),
                None => out,
            };
        }
        let sup = sup.map(|s| self.node(s, st.sup()));
        self.attach(base, sub.as_ref(), sup.as_ref(), st)
    }

    /// `base` with a subscript and/or superscript (rules 18a–f).
    pub fn attach(&self, base: Bx, sub: Option<&Bx>, sup: Option<&Bx>, st: St) -> Bx {
        let k = |c| self.k(st, c);
        // Rule 18a: for a non-character base (a large operator is a box
        // after rule 13), scripts hang from its edges.
        let glyph = base.glyph.is_some() && !base.largeop;
        let (mut u, mut v) = if glyph {
            (0.0, 0.0)
        } else {
            (
                base.h - self.k(st.sup(), K::SuperscriptBaselineDropMax),
                base.d + self.k(st.sub(), K::SubscriptBaselineDropMin),
            )
        };
        let sup_up = if st.cramped {
            k(K::SuperscriptShiftUpCramped)
        } else {
            k(K::SuperscriptShiftUp)
        };
        if let Some(p) = sup {
            u = u.max(sup_up).max(p.d + k(K::SuperscriptBottomMin));
        }
        if let Some(b) = sub {
            v = v
                .max(k(K::SubscriptShiftDown))
                .max(b.h - k(K::SubscriptTopMax));
        }
        if let (Some(p), Some(b)) = (sup, sub) {
            // Rule 18e: at least SubSuperscriptGapMin between them, the
            // superscript's bottom no higher than needed.
            let gap = (u - p.d) - (b.h - v);
            let min = k(K::SubSuperscriptGapMin);
            if gap < min {
                v += min - gap;
                let psi = k(K::SuperscriptBottomMaxWithSubscript) - (u - p.d);
                if psi > 0.0 {
                    u += psi;
                    v -= psi;
                }
            }
        }
        // Large operators: the subscript tucked in by the italic correction.
        let (sup_x, sub_x) = if base.largeop {
            (base.w, base.w - base.italic)
        } else {
            (base.w + base.italic, base.w)
        };
        // Math kerning: the script moved into (or out of) the base's
        // corner, the smaller of the kerns at the script's near edge and
        // at the base's far edge (OpenType `MATH`, MathKernInfo).
        let (mut sup_x, mut sub_x) = (sup_x, sub_x);
        if let Some(g) = base.glyph.filter(|_| !base.largeop) {
            if let Some(p) = sup {
                let bottom = u - p.d;
                sup_x += self.corner_kern(
                    g,
                    st,
                    Corner::TopRight,
                    p,
                    st.sup(),
                    Corner::BottomLeft,
                    [bottom, base.h],
                    u,
                );
            }
            if let Some(b) = sub {
                let top = b.h - v;
                sub_x += self.corner_kern(
                    g,
                    st,
                    Corner::BottomRight,
                    b,
                    st.sub(),
                    Corner::TopLeft,
                    [top, -base.d],
                    -v,
                );
            }
        }
        let mut out = base.clone();
        out.glyph = None;
        out.accent_x = None;
        let mut w = base.w;
        if let Some(p) = sup {
            out.put(p, sup_x, u);
            w = w.max(sup_x + p.w);
        }
        if let Some(b) = sub {
            out.put(b, sub_x, -v);
            w = w.max(sub_x + b.w);
        }
        out.w = w + k(K::SpaceAfterScript);
        out.italic = 0.0;
        out.largeop = false;
        out
    }

    /// The kern between a base glyph's `corner` and a script's
    /// `script_corner` (a glyph, else 0), the smaller at the two
    /// `heights` (pt above the base's baseline); `shift` is the script's
    /// baseline there. In pt.
    #[allow(clippy::too_many_arguments)]
    fn corner_kern(
        &self,
        base: u16,
        st: St,
        corner: Corner,
        script: &Bx,
        script_st: St,
        script_corner: Corner,
        heights: [f32; 2],
        shift: f32,
    ) -> f32 {
        let to_units = |pt: f32, s: St| pt * self.font.data.upem / self.size(s);
        heights
            .iter()
            .map(|&h| {
                let k_base = self.pt(st, self.font.kern(base, corner, to_units(h, st)));
                let k_script = script.glyph.map_or(0.0, |g| {
                    self.pt(
                        script_st,
                        self.font
                            .kern(g, script_corner, to_units(h - shift, script_st)),
                    )
                });
                k_base + k_script
            })
            .fold(f32::INFINITY, f32::min)
    }

    /// `<mmultiscripts>`: the post-scripts as for `<msubsup>` (pairs side
    /// by side), the pre-scripts after `<mprescripts/>` right-aligned
    /// before the base.
    pub fn multiscripts(&self, e: &Element, st: St) -> Bx {
        let kids: Vec<&Element> = e.elements().collect();
        let Some(first) = kids.first() else {
            return Bx::default();
        };
        let split = kids
            .iter()
            .position(|k| k.tag == Tag::Mprescripts)
            .unwrap_or(kids.len());
        let post = &kids[1..split];
        let pre = if split < kids.len() {
            &kids[split + 1..]
        } else {
            &[][..]
        };
        let script = |k: Option<&&Element>, s: St| {
            k.filter(|k| !matches!(&k.tag, Tag::Other(n) if n == "none"))
                .map(|k| self.node(k, s))
        };
        let pair_box = |pairs: &[&Element], base: Bx| {
            let mut b = base;
            for pair in pairs.chunks(2) {
                let sub = script(pair.first(), st.sub());
                let sup = script(pair.get(1), st.sup());
                b = self.attach(b, sub.as_ref(), sup.as_ref(), st);
            }
            b
        };
        let base = self.node(first, st);
        let post_box = pair_box(post, base);
        if pre.is_empty() {
            return post_box;
        }
        // Pre-scripts: attached to an empty base, then set before.
        let pre_box = pair_box(pre, Bx::default());
        let mut out = Bx::default();
        out.put(&pre_box, 0.0, 0.0);
        out.put(&post_box, pre_box.w, 0.0);
        out.w = pre_box.w + post_box.w;
        out
    }

    /// `<munder>`, `<mover>`, `<munderover>`: limits above and below a
    /// large operator (beside it, as scripts, for `movablelimits` ones
    /// outside display style), accents, braces, bars and arrows.
    pub fn underover(&self, e: &Element, st: St) -> Bx {
        let kids: Vec<&Element> = e.elements().collect();
        let Some(base_el) = kids.first() else {
            return Bx::default();
        };
        let (under_el, over_el) = match e.tag {
            Tag::Munder => (kids.get(1), None),
            Tag::Mover => (None, kids.get(1)),
            _ => (kids.get(1), kids.get(2)),
        };
        let over_accent = e.attr("accent") == Some("true");
        let under_accent = e.attr("accentunder") == Some("true");
        let base = self.node(base_el, if over_accent { st.cramp() } else { st });
        if base.movable && !st.display() {
            let sub = under_el.map(|u| self.node(u, st.sub()));
            let sup = over_el.map(|o| self.node(o, st.sup()));
            return self.attach(base, sub.as_ref(), sup.as_ref(), st);
        }
        // Scripts: accents in the base's style, limits in script style.
        let over =
            over_el.map(|o| self.script_part(o, if over_accent { st } else { st.sup() }, &base));
        let under =
            under_el.map(|u| self.script_part(u, if under_accent { st } else { st.sub() }, &base));
        let mut width = [Some(&base), over.as_ref(), under.as_ref()]
            .into_iter()
            .flatten()
            .map(|b| b.w)
            .fold(0.0, f32::max);
        // A stretchy operator as the base (`\xrightarrow{t^\circ}`: an
        // arrow under its label) grows to the width of its scripts
        // (MathML Core §3.4.2.1: an embellished operator stretches to the
        // other children of its `munder`/`mover`).
        let mut base = base;
        if width > base.w && base_el.tag == Tag::Mo {
            let wide = self.script_part(base_el, st, &Bx::space(width));
            if wide.w > base.w {
                let (lspace, rspace, class) = (base.lspace, base.rspace, base.class);
                base = wide;
                (base.lspace, base.rspace, base.class) = (lspace, rspace, class);
                width = width.max(base.w);
            }
        }
        let base_x = (width - base.w) / 2.0;
        let mut out = Bx::default();
        out.put(&base, base_x, 0.0);
        // Large operators: limits shifted by half the italic correction.
        let slant = if base.largeop { base.italic / 2.0 } else { 0.0 };
        if let Some(o) = &over {
            let o_el = over_el.expect("over box has an element");
            if is_bar_accent(o_el) {
                let gap = self.k(st, K::OverbarVerticalGap);
                let t = self.k(st, K::OverbarRuleThickness);
                out.rule(base_x, base.h + gap, base.w, t);
                out.h = out
                    .h
                    .max(base.h + gap + t + self.k(st, K::OverbarExtraAscender));
            } else if over_accent {
                // Rule 12: the accent sits on the base, lowered by the
                // accent base height (its glyph is drawn for x-height bases).
                // An accent that is not drawn for x-height bases (an
                // arrow, a brace) clears the base by the overbar gap.
                let y = (base.h - self.k(st, K::AccentBaseHeight))
                    .max(0.0)
                    .max(base.h + self.k(st, K::OverbarVerticalGap) / 2.0 + o.d);
                let anchor = base.accent_x.unwrap_or(base.w / 2.0);
                let x = if o.w >= base.w * 0.95 {
                    (width - o.w) / 2.0
                } else {
                    base_x + anchor - o.accent_x.unwrap_or(o.w / 2.0)
                };
                out.put(o, x, y);
            } else {
                let (gap, rise) = if base.largeop {
                    (
                        self.k(st, K::UpperLimitGapMin),
                        self.k(st, K::UpperLimitBaselineRiseMin),
                    )
                } else {
                    (self.k(st, K::StretchStackGapAboveMin), 0.0)
                };
                let y = base.h + (gap + o.d).max(rise);
                out.put(o, (width - o.w) / 2.0 + slant, y);
            }
        }
        if let Some(u) = &under {
            let u_el = under_el.expect("under box has an element");
            if is_bar_accent(u_el) {
                let gap = self.k(st, K::UnderbarVerticalGap);
                let t = self.k(st, K::UnderbarRuleThickness);
                out.rule(base_x, -base.d - gap - t, base.w, t);
                out.d = out
                    .d
                    .max(base.d + gap + t + self.k(st, K::UnderbarExtraDescender));
            } else if under_accent && !base.largeop {
                let gap = self.k(st, K::StretchStackGapBelowMin);
                out.put(u, (width - u.w) / 2.0, -base.d - gap - u.h);
            } else {
                let (gap, drop) = if base.largeop {
                    (
                        self.k(st, K::LowerLimitGapMin),
                        self.k(st, K::LowerLimitBaselineDropMin),
                    )
                } else {
                    (self.k(st, K::StretchStackGapBelowMin), 0.0)
                };
                let y = base.d + (gap + u.h).max(drop);
                out.put(u, (width - u.w) / 2.0 - slant, -y);
            }
        }
        out.w = width;
        out.class = base.class;
        out.op = base.op;
        out.lspace = base.lspace;
        out.rspace = base.rspace;
        if over_el.is_none() || !over_accent {
            out.accent_x = Some(base_x + base.accent_x.unwrap_or(base.w / 2.0));
        }
        out
    }

    /// An under- or over-script: an operator that stretches horizontally
    /// (`\widehat`, `\overrightarrow`, `\underbrace`) grown to the base's
    /// width, else laid out as is.
    fn script_part(&self, e: &Element, st: St, base: &Bx) -> Bx {
        if is_bar_accent(e) {
            return Bx::default();
        }
        let text = e.text();
        let mut chars = text.chars();
        if e.tag == Tag::Mo
            && e.attr("stretchy") != Some("false")
            && let (Some(c), None) = (chars.next(), chars.next())
        {
            let gid = self.font.data.glyph(c);
            let has_construction = self
                .font
                .variants
                .and_then(|v| v.horizontal_constructions.get(ttf_parser::GlyphId(gid)))
                .is_some();
            if has_construction {
                let units = base.w * self.font.data.upem / self.size(st);
                let grown = stretch::grow(&self.font, gid, units, Axis::Horizontal);
                return self.grown_box(&grown, st, Axis::Horizontal);
            }
        }
        self.node(e, st)
    }
}
