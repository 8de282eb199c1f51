//! Fractions (`<mfrac>`, TeXbook Appendix G rule 15 with the `MATH`
//! table's fraction and stack parameters) and radicals (`<msqrt>`,
//! `<mroot>`, rule 11 with the radical parameters).

use super::font::K;
use super::stretch::{self, Axis};
use super::{Bx, Engine, St, length};
use crate::math::{Element, Tag};

impl Engine<'_> {
    /// `<mfrac>`: numerator over denominator, the bar on the axis;
    /// `linethickness="0"` (`\binom`) stacks them without a bar;
    /// `displaystyle` (`\dfrac`, `\tfrac`) sets the fraction's own style.
    pub fn frac(&self, e: &Element, st: St) -> Bx {
        let st = match e.attr("displaystyle") {
            Some("true") => St { level: 0, ..st },
            Some("false") if st.level == 0 => St { level: 1, ..st },
            _ => st,
        };
        let mut kids = e.elements();
        let (Some(num), Some(den)) = (kids.next(), kids.next()) else {
            return self.row(&e.children, st, false);
        };
        let num = self.node(num, st.num());
        let den = self.node(den, st.den());
        let k = |c| self.k(st, c);
        let axis = k(K::AxisHeight);
        let t = match e.attr("linethickness") {
            Some(v) => length(Some(v), self.em(st)).unwrap_or(k(K::FractionRuleThickness)),
            None => k(K::FractionRuleThickness),
        };
        let display = st.display();
        let (mut u, mut v);
        if t > 0.0 {
            let (up, down, gap_num, gap_den) = if display {
                (
                    k(K::FractionNumeratorDisplayStyleShiftUp),
                    k(K::FractionDenominatorDisplayStyleShiftDown),
                    k(K::FractionNumDisplayStyleGapMin),
                    k(K::FractionDenomDisplayStyleGapMin),
                )
            } else {
                (
                    k(K::FractionNumeratorShiftUp),
                    k(K::FractionDenominatorShiftDown),
                    k(K::FractionNumeratorGapMin),
                    k(K::FractionDenominatorGapMin),
                )
            };
            u = up.max(axis + t / 2.0 + gap_num + num.d);
            v = down.max(den.h + gap_den - axis + t / 2.0);
        } else {
            let (up, down, gap) = if display {
                (
                    k(K::StackTopDisplayStyleShiftUp),
                    k(K::StackBottomDisplayStyleShiftDown),
                    k(K::StackDisplayStyleGapMin),
                )
            } else {
                (
                    k(K::StackTopShiftUp),
                    k(K::StackBottomShiftDown),
                    k(K::StackGapMin),
                )
            };
            u = up;
            v = down;
            let clear = (u - num.d) - (den.h - v);
            if clear < gap {
                u += (gap - clear) / 2.0;
                v += (gap - clear) / 2.0;
            }
        }
        // TeX's \nulldelimiterspace (1.2pt at 10pt) on each side.
        let pad = 0.12 * self.em(st);
        let inner = num.w.max(den.w);
        let mut out = Bx::default();
        out.put(&num, pad + (inner - num.w) / 2.0, u);
        out.put(&den, pad + (inner - den.w) / 2.0, -v);
        if t > 0.0 {
            out.rule(pad, axis - t / 2.0, inner, t);
        }
        out.w = inner + 2.0 * pad;
        out
    }

    /// `<msqrt>` and `<mroot>`: the radical sign grown to the base's
    /// height plus the gap and rule, the overbar on top, the degree
    /// (script-script style) raised by `RadicalDegreeBottomRaisePercent`.
    pub fn radical(&self, e: &Element, st: St) -> Bx {
        let inner_st = st.cramp();
        let (base, index) = if e.tag == Tag::Mroot {
            let mut kids = e.elements();
            let base = kids
                .next()
                .map_or_else(Bx::default, |b| self.node(b, inner_st));
            let index = kids.next().map(|i| {
                self.node(
                    i,
                    St {
                        level: 3,
                        cramped: true,
                    },
                )
            });
            (base, index)
        } else {
            (self.row(&e.children, inner_st, false), None)
        };
        let k = |c| self.k(st, c);
        let mut gap = if st.display() {
            k(K::RadicalDisplayStyleVerticalGap)
        } else {
            k(K::RadicalVerticalGap)
        };
        let t = k(K::RadicalRuleThickness);
        let target = base.h + base.d + gap + t;
        let surd_gid = self.font.data.glyph('√');
        let units = target * self.font.data.upem / self.size(st);
        let grown = stretch::grow(&self.font, surd_gid, units, Axis::Vertical);
        let surd = self.grown_box(&grown, st, Axis::Vertical);
        let total = surd.h + surd.d;
        if total > target {
            // Rule 11: the extra height shared out above the base.
            gap += (total - target) / 2.0;
        }
        let rule_y = base.h + gap;
        // The surd's top meets the top of the overbar.
        let surd_shift = rule_y + t - surd.h;
        let mut out = Bx::default();
        let mut x = 0.0;
        if let Some(index) = &index {
            let before = k(K::RadicalKernBeforeDegree);
            let after = k(K::RadicalKernAfterDegree);
            let raise = self.font.degree_bottom_raise() * total;
            let bottom = surd_shift - surd.d;
            out.put(index, before, bottom + raise);
            x = (before + index.w + after).max(0.0);
        }
        out.put(&surd, x, surd_shift);
        x += surd.w;
        out.put(&base, x, 0.0);
        out.rule(x, rule_y, base.w, t);
        out.h = out.h.max(rule_y + t + k(K::RadicalExtraAscender));
        out.w = x + base.w;
        out
    }
}
