//! Layout checks a reader would notice, on the bundled STIX Two Math.

use super::font::{K, MathFont};
use super::*;
use crate::math::boxes::{MathFace, MathItem};
use crate::math::tex::Converter;

fn fonts() -> FontSet {
    let mut diags = crate::diag::Diagnostics::default();
    FontSet::load(&FontSet::bundled_dir(), &mut diags).expect("bundled fonts")
}

fn ctx(fonts: &FontSet, display: Option<Placement>) -> Context {
    Context::new(fonts, 10.0, display).expect("math face")
}

fn set(tex: &str, display: Display, ctx: &Context) -> MathBox {
    let f = Converter::new().convert(tex, display).expect("valid TeX");
    layout(&f, ctx)
}

/// A constant of the bundled math face at `size` pt.
fn constant(ctx: &Context, k: K) -> f32 {
    let font = MathFont::new(&ctx.math).expect("MATH table");
    font.k(k) * ctx.size / font.data.upem
}

/// The ink of glyph `gid` of the math face at `size`, placed at (x, y):
/// (bottom, top), pt.
fn ink_y(ctx: &Context, gid: u16, size: f32, y: f32) -> (f32, f32) {
    let face = ttf_parser::Face::parse(&ctx.math.data, ctx.math.index).unwrap();
    let upem = f32::from(face.units_per_em());
    let r = face.glyph_bounding_box(ttf_parser::GlyphId(gid)).unwrap();
    (
        y + f32::from(r.y_min) * size / upem,
        y + f32::from(r.y_max) * size / upem,
    )
}

fn glyphs(b: &MathBox) -> Vec<(f32, f32, u16, f32)> {
    b.items
        .iter()
        .filter_map(|i| match *i {
            MathItem::Glyph {
                x,
                y,
                gid,
                size,
                face: MathFace::Math,
                ..
            } => Some((x, y, gid, size)),
            _ => None,
        })
        .collect()
}

fn rules(b: &MathBox) -> Vec<(f32, f32, f32, f32)> {
    b.items
        .iter()
        .filter_map(|i| match *i {
            MathItem::Rule {
                x,
                y,
                width,
                height,
            } => Some((x, y, width, height)),
            _ => None,
        })
        .collect()
}

#[test]
fn fraction_bar_sits_on_the_axis_and_clears_numerator_and_denominator() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    for display in [Display::Inline, Display::Block] {
        let b = set(r"\frac{a+b}{y}", display, &ctx);
        let bars = rules(&b);
        assert_eq!(bars.len(), 1, "one fraction bar");
        let (_, y, _, t) = bars[0];
        let axis = constant(&ctx, K::AxisHeight);
        assert!(
            ((y + t / 2.0) - axis).abs() < 0.01,
            "bar centre {} on axis {axis}",
            y + t / 2.0
        );
        let (gap_num, gap_den) = if display == Display::Block {
            (
                K::FractionNumDisplayStyleGapMin,
                K::FractionDenomDisplayStyleGapMin,
            )
        } else {
            (K::FractionNumeratorGapMin, K::FractionDenominatorGapMin)
        };
        for (_, gy, gid, size) in glyphs(&b) {
            let (bottom, top) = ink_y(&ctx, gid, size, gy);
            if gy > y {
                assert!(
                    bottom - (y + t) >= constant(&ctx, gap_num) - 0.01,
                    "numerator ink clears the bar"
                );
            } else {
                assert!(
                    y - top >= constant(&ctx, gap_den) - 0.01,
                    "denominator ink clears the bar"
                );
            }
        }
    }
}

#[test]
fn binom_has_no_bar_and_parentheses_cover_it() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set(r"\binom{n}{k}", Display::Block, &ctx);
    assert!(rules(&b).is_empty(), "\\binom has no bar");
    let g = glyphs(&b);
    let paren = g.first().unwrap();
    let (pb, pt) = ink_y(&ctx, paren.2, paren.3, paren.1);
    for &(_, y, gid, size) in &g[1..g.len() - 1] {
        let (bottom, top) = ink_y(&ctx, gid, size, y);
        assert!(
            pb <= bottom + 0.5 && pt >= top - 0.5,
            "the parenthesis covers n and k"
        );
    }
}

#[test]
fn superscript_is_raised_at_least_superscript_shift_up_and_smaller() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set("x^2", Display::Inline, &ctx);
    let g = glyphs(&b);
    assert_eq!(g.len(), 2);
    assert!(g[1].1 >= constant(&ctx, K::SuperscriptShiftUp) - 0.01);
    assert!(
        g[1].3 < g[0].3 && g[1].3 >= 0.6 * g[0].3,
        "script size from ScriptPercentScaleDown"
    );
    // In script style the whole thing is smaller still.
    let s = set(r"a^{x^2}", Display::Inline, &ctx);
    let sizes: Vec<f32> = glyphs(&s).iter().map(|g| g.3).collect();
    assert!(
        sizes[2] < sizes[1] && sizes[1] < sizes[0],
        "SS < S < T: {sizes:?}"
    );
}

#[test]
fn subscript_and_superscript_keep_their_gap() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set("x_{y}^{2}", Display::Inline, &ctx);
    let g = glyphs(&b);
    let (_, sub_y, sub_gid, sub_size) = *g.iter().find(|g| g.1 < 0.0).expect("a subscript");
    let (_, sup_y, sup_gid, sup_size) = *g.iter().find(|g| g.1 > 0.0).expect("a superscript");
    let (_, sub_top) = ink_y(&ctx, sub_gid, sub_size, sub_y);
    let (sup_bottom, _) = ink_y(&ctx, sup_gid, sup_size, sup_y);
    assert!(sub_y < 0.0 && sup_y > 0.0);
    // The gap rule works on the boxes' heights and depths, which for these
    // glyphs are their ink.
    assert!(sup_bottom - sub_top >= constant(&ctx, K::SubSuperscriptGapMin) - 0.01);
}

#[test]
fn left_right_parenthesis_grows_to_cover_a_fraction() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let plain = set("(x)", Display::Block, &ctx);
    let fenced = set(r"\left( \frac{a}{b} \right)", Display::Block, &ctx);
    let p = glyphs(&plain)[0];
    let f = glyphs(&fenced);
    let (pb, pt) = ink_y(&ctx, p.2, p.3, p.1);
    let (fb, ft) = ink_y(&ctx, f[0].2, f[0].3, f[0].1);
    assert!(ft - fb > 1.5 * (pt - pb), "grown parenthesis is taller");
    let (_, a_top) = ink_y(&ctx, f[1].2, f[1].3, f[1].1);
    let (b_bottom, _) = ink_y(&ctx, f[2].2, f[2].3, f[2].1);
    // TeX's rule 19: at least 901/1000 of the formula, or 5pt short of it.
    let need = (0.901 * (a_top - b_bottom)).max(a_top - b_bottom - 5.0);
    assert!(ft - fb >= need, "{} covers {need}", ft - fb);
    assert!(fb <= b_bottom + 1.0 && ft >= a_top - 1.0);
}

#[test]
fn sum_in_display_is_taller_than_inline_with_limits_above_and_below() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let d = set(r"\sum_{i=1}^{n} i", Display::Block, &ctx);
    let t = set(r"\sum_{i=1}^{n} i", Display::Inline, &ctx);
    let dg = glyphs(&d)[0];
    let tg = glyphs(&t)[0];
    let (db, dt) = ink_y(&ctx, dg.2, dg.3, dg.1);
    let (tb, tt) = ink_y(&ctx, tg.2, tg.3, tg.1);
    assert!(dt - db > 1.2 * (tt - tb), "display ∑ is bigger");
    // DisplayOperatorMinHeight (1800 units in STIX Two Math) is more than
    // its display ∑ (1325): the largest variant is taken.
    let font = MathFont::new(&ctx.math).unwrap();
    let sum = font.data.glyph('∑');
    let largest = font
        .variants
        .and_then(|v| v.vertical_constructions.get(ttf_parser::GlyphId(sum)))
        .and_then(|c| c.variants.into_iter().last())
        .map(|v| v.variant_glyph.0);
    assert_eq!(Some(dg.2), largest);
    // Display: n above the ∑, i=1 below; inline: to its right.
    let n_display = glyphs(&d)[1..].iter().find(|g| g.1 > dt - 0.1).copied();
    assert!(
        n_display.is_some(),
        "the upper limit is above the ∑ in display"
    );
    let right_of_sum = glyphs(&t)[1..].iter().all(|g| g.0 > tg.0);
    assert!(right_of_sum);
    let max_y = glyphs(&t)[1..].iter().map(|g| g.1).fold(f32::MIN, f32::max);
    assert!(max_y < tt, "inline limits are scripts, not above");
}

#[test]
fn cases_brace_covers_its_rows() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set(
        r"\begin{cases} x^2 & x \ge 0 \\ -x & \text{khác} \end{cases}",
        Display::Block,
        &ctx,
    );
    let g = glyphs(&b);
    // The brace is the first glyph or assembly: all math glyphs at x ≈ 0.
    let brace: Vec<_> = g.iter().filter(|g| g.0 < 0.5).collect();
    let bottom = brace
        .iter()
        .map(|g| ink_y(&ctx, g.2, g.3, g.1).0)
        .fold(f32::MAX, f32::min);
    let top = brace
        .iter()
        .map(|g| ink_y(&ctx, g.2, g.3, g.1).1)
        .fold(f32::MIN, f32::max);
    let rows: Vec<_> = g.iter().filter(|g| g.0 > 1.0).collect();
    let rows_bottom = rows
        .iter()
        .map(|g| ink_y(&ctx, g.2, g.3, g.1).0)
        .fold(f32::MAX, f32::min);
    let rows_top = rows
        .iter()
        .map(|g| ink_y(&ctx, g.2, g.3, g.1).1)
        .fold(f32::MIN, f32::max);
    assert!(
        top - bottom >= 0.9 * (rows_top - rows_bottom),
        "brace spans the rows"
    );
    // The Vietnamese text is shaped in the body face.
    assert!(b.items.iter().any(|i| matches!(
        i,
        MathItem::Glyph {
            face: MathFace::Text(_),
            ..
        }
    )));
}

#[test]
fn equation_number_ends_at_the_measure_or_drops_below() {
    let fonts = fonts();
    let wide = ctx(
        &fonts,
        Some(Placement {
            measure: 300.0,
            align: Align::Center,
        }),
    );
    let b = set(r"E = mc^2 \tag{3}", Display::Block, &wide);
    assert_eq!(b.width, 300.0);
    let text: Vec<_> = b
        .items
        .iter()
        .filter_map(|i| match *i {
            MathItem::Glyph {
                x,
                y,
                advance,
                face: MathFace::Text(_),
                ..
            } => Some((x, y, advance)),
            _ => None,
        })
        .collect();
    let right = text.iter().map(|t| t.0 + t.2).fold(0.0, f32::max);
    assert!((right - 300.0).abs() < 0.01, "number flush right: {right}");
    assert!(text.iter().all(|t| t.1.abs() < 0.01), "on the baseline");
    // The formula is centred.
    let first = glyphs(&b)[0].0;
    assert!(first > 100.0 && first < 150.0);
    // Flush left: the formula starts at the indent.
    let left = ctx(
        &fonts,
        Some(Placement {
            measure: 300.0,
            align: Align::Left { indent: 20.0 },
        }),
    );
    let b = set(r"E = mc^2 \tag{3}", Display::Block, &left);
    let first = glyphs(&b)[0];
    assert!((first.0 - 20.0).abs() < 0.01, "at the indent: {}", first.0);
    // A narrow measure: the number goes below, still flush right.
    let narrow = ctx(
        &fonts,
        Some(Placement {
            measure: 40.0,
            align: Align::Center,
        }),
    );
    let b = set(r"a + b + c + d = e \tag{3}", Display::Block, &narrow);
    let below = b
        .items
        .iter()
        .any(|i| matches!(*i, MathItem::Glyph { y, face: MathFace::Text(_), .. } if y < -5.0));
    assert!(below, "the number is set on a line below");
}

#[test]
fn inline_formula_breaks_after_relations_and_binary_operators() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set("a + b = c - -d", Display::Inline, &ctx);
    let penalties: Vec<i32> = b.breaks.iter().map(|k| k.penalty).collect();
    assert_eq!(
        penalties,
        vec![700, 500, 700],
        "after +, =, binary −; not the unary −"
    );
    for k in &b.breaks {
        assert!(k.x_resume > k.x_end && k.x_end < b.width);
    }
    assert!(set("a = b", Display::Block, &ctx).breaks.is_empty());
}

#[test]
fn atom_spacing_follows_rule_20() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    // Thick space around = in text style, none in script style.
    let b = set("a=b", Display::Inline, &ctx);
    let g = glyphs(&b);
    let a_adv = b.items.iter().find_map(|i| match i {
        MathItem::Glyph { advance, .. } => Some(*advance),
        _ => None,
    });
    let gap = g[1].0 - a_adv.unwrap();
    assert!(
        (gap - 5.0 * ctx.size / 18.0).abs() < 0.05,
        "thick space {gap}"
    );
    let s = set("x^{a=b}", Display::Inline, &ctx);
    let sg = glyphs(&s);
    let sa = match s.items[1] {
        MathItem::Glyph { x, advance, .. } => x + advance,
        _ => unreachable!(),
    };
    assert!((sg[2].0 - sa).abs() < 0.05, "no space around = in a script");
}

#[test]
fn overline_is_a_rule_and_bar_a_glyph() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let over = set(r"\overline{a+b}", Display::Inline, &ctx);
    let bar = rules(&over);
    assert_eq!(bar.len(), 1);
    assert!(bar[0].2 > 10.0, "the overline spans a+b");
    let accent = set(r"\bar{x}", Display::Inline, &ctx);
    assert!(rules(&accent).is_empty());
    assert_eq!(glyphs(&accent).len(), 2, "x and its macron");
}

#[test]
fn radical_grows_and_its_bar_clears_the_radicand() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let small = set(r"\sqrt{x}", Display::Block, &ctx);
    let big = set(r"\sqrt{\frac{a}{b}}", Display::Block, &ctx);
    let s = glyphs(&small)[0];
    let g = glyphs(&big)[0];
    let (sb, st) = ink_y(&ctx, s.2, s.3, s.1);
    let (gb, gt) = ink_y(&ctx, g.2, g.3, g.1);
    assert!(gt - gb > 1.5 * (st - sb), "the √ grows for a fraction");
    let bar = rules(&small)[0];
    let x = glyphs(&small)[1];
    let (_, x_top) = ink_y(&ctx, x.2, x.3, x.1);
    assert!(bar.1 - x_top >= constant(&ctx, K::RadicalDisplayStyleVerticalGap) - 0.01);
    assert!((st - (bar.1 + bar.3)).abs() < 0.5, "the √ meets its bar");
}

#[test]
fn identifiers_are_math_italic_unless_normal() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let math = MathFont::new(&ctx.math).unwrap();
    let italic_h = math.data.glyph('ℎ');
    let g = glyphs(&set("h", Display::Inline, &ctx));
    assert_eq!(g[0].2, italic_h, "h is U+210E");
    let g = glyphs(&set(r"\mathrm{H}", Display::Inline, &ctx));
    assert_eq!(g[0].2, math.data.glyph('H'));
}

#[test]
fn script_glyphs_use_the_fonts_ssty_forms() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let math = MathFont::new(&ctx.math).unwrap();
    // STIX Two Math has script-style forms (`ssty`, under the script tag
    // `math`) for letters, digits and the prime, drawn sturdier for small
    // sizes; the layout must pick them in scripts.
    let plain = math.data.shape("′", 0, true)[0].gid;
    let script = math.data.shape("′", 1, true)[0].gid;
    assert_ne!(plain, script, "the font has an ssty form for ′");
    let b = set(r"x^{a′}", Display::Inline, &ctx);
    assert!(
        glyphs(&b).iter().any(|g| g.2 == script),
        "ssty applied in the script"
    );
    let x = math.data.shape("\u{1D465}", 0, true)[0].gid;
    let xs = math.data.shape("\u{1D465}", 1, true)[0].gid;
    let xss = math.data.shape("\u{1D465}", 2, true)[0].gid;
    assert!(x != xs && xs != xss);
    let g = glyphs(&set(r"x^{x^{x}}", Display::Inline, &ctx));
    assert_eq!(g.iter().map(|g| g.2).collect::<Vec<_>>(), vec![x, xs, xss]);
}

#[test]
fn odd_and_empty_constructs_lay_out_with_finite_metrics() {
    let fonts = fonts();
    let ctx = ctx(
        &fonts,
        Some(Placement {
            measure: 200.0,
            align: Align::Left { indent: 15.0 },
        }),
    );
    for tex in [
        "",
        "{}",
        "x^{}",
        "_{1}",
        r"\frac{}{}",
        r"\sqrt{}",
        r"\sqrt[]{x}",
        r"\left( \right)",
        r"\left. x \right|",
        r"\begin{matrix}\end{matrix}",
        r"\begin{pmatrix} & \\ & \end{pmatrix}",
        r"\begin{cases} x \end{cases}",
        r"\overbrace{}^{n}",
        r"\widehat{}",
        r"\text{}",
        r"\mathrm{}",
        r"\sum",
        r"\int\int\int",
        r"\phantom{x}",
        r"\begin{align} \end{align}",
        r"x \tag{a very long tag text that is wider than the measure}",
    ] {
        for display in [Display::Inline, Display::Block] {
            let Ok(f) = Converter::new().convert(tex, display) else {
                continue;
            };
            let b = layout(&f, &ctx);
            let finite = |v: f32| v.is_finite() && v.abs() < 1e4;
            assert!(
                finite(b.width) && finite(b.height) && finite(b.depth),
                "{tex}: {b:?}"
            );
            for i in &b.items {
                match *i {
                    MathItem::Glyph { x, y, size, .. } => {
                        assert!(finite(x) && finite(y) && size > 0.0, "{tex}")
                    }
                    MathItem::Rule {
                        x,
                        y,
                        width,
                        height,
                    } => assert!(
                        finite(x) && finite(y) && width >= 0.0 && height >= 0.0,
                        "{tex}"
                    ),
                }
            }
            if display == Display::Block {
                assert!(b.width >= 200.0, "{tex}: a display spans the measure");
            }
        }
    }
}

#[test]
fn math_kerning_tucks_scripts_into_the_base() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    // STIX Two Math's italic F has a bottom-right cut-in (its MathKern):
    // the subscript moves under the arm; x has none.
    let f = set("F_n", Display::Inline, &ctx);
    let advance = |b: &MathBox| match b.items[0] {
        MathItem::Glyph { advance, .. } => advance,
        _ => unreachable!(),
    };
    let sub_x = glyphs(&f)[1].0;
    assert!(
        sub_x < advance(&f) - 0.5,
        "{sub_x} tucked under F ({})",
        advance(&f)
    );
    let x = set("x_n", Display::Inline, &ctx);
    assert!(
        (glyphs(&x)[1].0 - advance(&x)).abs() < 0.01,
        "no kern for x"
    );
}

#[test]
fn aligned_rows_line_up_at_the_relation() {
    let fonts = fonts();
    let ctx = ctx(&fonts, None);
    let b = set(
        r"\begin{aligned} a &= b + c \\ d + e &= f \end{aligned}",
        Display::Block,
        &ctx,
    );
    let math = MathFont::new(&ctx.math).unwrap();
    let equals = math.data.glyph('=');
    let xs: Vec<f32> = glyphs(&b)
        .iter()
        .filter(|g| g.2 == equals)
        .map(|g| g.0)
        .collect();
    assert_eq!(xs.len(), 2);
    assert!((xs[0] - xs[1]).abs() < 0.01, "= under = : {xs:?}");
    // A thick space before each = (amsmath's `{}` before `&=`).
    let a_end = match b.items[0] {
        MathItem::Glyph { x, advance, .. } => x + advance,
        _ => unreachable!(),
    };
    assert!((xs[0] - a_end - 5.0 * ctx.size / 18.0).abs() < 0.05);
    // Rows are \baselineskip plus \jot apart at least.
    let ys: Vec<f32> = glyphs(&b).iter().map(|g| g.1).collect();
    let spread =
        ys.iter().fold(f32::MIN, |m, y| m.max(*y)) - ys.iter().fold(f32::MAX, |m, y| m.min(*y));
    assert!(spread >= 1.5 * ctx.size - 0.01, "rows {spread} pt apart");
}

/// Every formula of the list, set as the list says: nothing is drawn to the
/// left of its box or past its advance width (a glyph's advance, a rule's
/// width), so the line breaker's widths are what is printed — but for an
/// accent over a last letter, which may overhang as in TeX (whose accent
/// box is as wide as its base, TeXbook Appendix G rule 12), by at most
/// 0.2 em (`\vec{\ell}`: 0.15 em).
#[test]
fn no_formula_of_the_list_draws_outside_its_box() {
    let fonts = fonts();
    let c = ctx(&fonts, None);
    let tsv = include_str!("../../../tests/fixtures/math/formulas.tsv");
    let mut bad = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.splitn(3, '\t');
        let (Some(_), Some(mode), Some(tex)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let display = if mode == "display" {
            Display::Block
        } else {
            Display::Inline
        };
        {
            let b = set(tex, display, &c);
            let right = b
                .items
                .iter()
                .map(|i| match *i {
                    MathItem::Glyph { x, advance, .. } => x + advance,
                    MathItem::Rule { x, width, .. } => x + width,
                })
                .fold(0.0f32, f32::max);
            let left = b
                .items
                .iter()
                .map(|i| match *i {
                    MathItem::Glyph { x, .. } | MathItem::Rule { x, .. } => x,
                })
                .fold(0.0f32, f32::min);
            if right > b.width + 0.2 * c.size || left < -0.01 {
                bad.push(format!(
                    "{tex} ({display:?}): {left:.2}..{right:.2} in {:.2}",
                    b.width
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Each glyph's left end, right end (by its advance) and height: (x0, x1, y).
fn spans(b: &MathBox) -> Vec<(f32, f32, f32)> {
    b.items
        .iter()
        .filter_map(|i| match *i {
            MathItem::Glyph { x, y, advance, .. } => Some((x, x + advance, y)),
            MathItem::Rule { .. } => None,
        })
        .collect()
}

/// Glyphs on the baseline (|y| < 1 pt): their left and right ends.
fn baseline_extent(b: &MathBox) -> (f32, f32) {
    spans(b)
        .iter()
        .filter(|g| g.2.abs() < 1.0)
        .fold((f32::MAX, f32::MIN), |a, g| (a.0.min(g.0), a.1.max(g.1)))
}

#[test]
fn a_big_delimiter_grows_as_the_base_of_scripts() {
    let fonts = fonts();
    let c = ctx(&fonts, None);
    let plain = set(r"x|_0^1", Display::Inline, &c);
    let big = set(r"x\Big|_0^1", Display::Inline, &c);
    assert!(
        big.height + big.depth > (plain.height + plain.depth) * 1.3,
        "\\Big| {} against | {}",
        big.height + big.depth,
        plain.height + plain.depth
    );
}

#[test]
fn an_arrow_under_a_label_stretches_to_it() {
    let fonts = fonts();
    let c = ctx(&fonts, None);
    let arrow = set(r"\xrightarrow{t^\circ}", Display::Inline, &c);
    let (x0, x1) = baseline_extent(&arrow);
    // A plain → is 1 em wide; under its label it is as wide as the label
    // with its padding (amsmath's \ext@arrow: t° is about 1.2 em so), and
    // never shorter than the plain arrow.
    let plain = baseline_extent(&set(r"\to", Display::Inline, &c));
    assert!(plain.1 - plain.0 < 1.1 * c.size, "{plain:?}");
    assert!(x1 - x0 >= plain.1 - plain.0, "arrow {x0}..{x1}");
    assert!(x1 - x0 <= 1.6 * c.size, "arrow {x0}..{x1}");
    let long = set(
        r"\xrightarrow{t^\circ t^\circ t^\circ}",
        Display::Inline,
        &c,
    );
    let (l0, l1) = baseline_extent(&long);
    assert!(l1 - l0 > 1.8 * c.size, "a long label's arrow {l0}..{l1}");
    // And it is the width of the box but for the thick spaces around it.
    assert!(
        arrow.width - (x1 - x0) < 0.6 * c.size,
        "{} box",
        arrow.width
    );
}

#[test]
fn perp_is_a_relation() {
    let fonts = fonts();
    let c = ctx(&fonts, None);
    let b = set(r"a \perp b", Display::Inline, &c);
    let g = spans(&b);
    // a, ⟂, b: a thick space (5/18 em) on each side of ⟂.
    let (before, after) = (g[1].0 - g[0].1, g[2].0 - g[1].1);
    assert!(
        before > 0.25 * c.size && after > 0.25 * c.size,
        "{before} {after}"
    );
}

/// The y of the rightmost glyph (a formula's last script or prime).
fn last_glyph_y(b: &MathBox) -> f32 {
    glyphs(b)
        .into_iter()
        .fold(
            (f32::MIN, 0.0),
            |a, g| if g.0 > a.0 { (g.0, g.1) } else { a },
        )
        .1
}

#[test]
fn scripts_and_primes_on_a_grown_delimiter_hang_from_its_top() {
    let fonts = fonts();
    let c = ctx(&fonts, None);
    let em = c.size;
    // A prime on a letter is drawn on the baseline (the glyph is raised);
    // on `\left(…\right)` around a fraction it rises with the box (rule 18a).
    let letter = set(r"f'", Display::Block, &c);
    assert!(
        last_glyph_y(&letter).abs() < 0.01,
        "{}",
        last_glyph_y(&letter)
    );
    let fenced = set(r"\left(\frac{u}{v}\right)'", Display::Block, &c);
    assert!(
        last_glyph_y(&fenced) > 0.4 * em,
        "{}",
        last_glyph_y(&fenced)
    );
    // `(x^n)'`: a box only as tall as its parentheses, the prime stays low.
    let low = set(r"(x^n)'", Display::Inline, &c);
    assert!(last_glyph_y(&low) < 0.25 * em, "{}", last_glyph_y(&low));
    // `\Bigg)^2`: the exponent at the delimiter's top, not at a letter's.
    let plain = set(r"(a)^2", Display::Block, &c);
    let big = set(r"\Bigg(a\Bigg)^2", Display::Block, &c);
    assert!(
        last_glyph_y(&big) > last_glyph_y(&plain) + 0.5 * em,
        "{} against {}",
        last_glyph_y(&big),
        last_glyph_y(&plain)
    );
}
