//! The math face's OpenType `MATH` table (OpenType 1.9, "MATH — The
//! Mathematical Typesetting Table") and glyph metrics, read with
//! `ttf-parser`, and token text shaped with harfrust (so `ssty` applies in
//! script styles and the face's kerning and marks work).
//!
//! Every length this module returns is in points at the size asked for.

use std::cell::RefCell;
use std::sync::Arc;

use harfrust::{
    Buffer, BufferFlags, Direction, Feature, Script, ShapeOptions, ShapePlan, ShaperFont, Tag,
};
use ttf_parser::GlyphId;
use ttf_parser::math::{Constants, GlyphInfo, Variants};

use crate::fonts::Face;

/// One face parsed for the layout: ttf-parser for the tables, harfrust
/// for shaping.
pub struct FaceData<'a> {
    /// The tables.
    pub face: ttf_parser::Face<'a>,
    /// The shaper's font.
    pub hb: harfrust::Font,
    /// Units per em.
    pub upem: f32,
    /// Shape plans made so far, by (script, direction, `ssty`): making a
    /// plan costs far more than shaping a token with it.
    plans: RefCell<Vec<(PlanKey, ShapePlan)>>,
}

/// What a shape plan is made for: the text's script and direction, and the
/// `ssty` level.
type PlanKey = (Option<Script>, Direction, u32);

impl<'a> FaceData<'a> {
    /// Parses `face` (cheap: reads the table directory).
    pub fn new(face: &'a Arc<Face>) -> FaceData<'a> {
        let parsed =
            ttf_parser::Face::parse(&face.data, face.index).expect("face validated when loaded");
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = face.data.clone();
        let hb = harfrust::Font::new(data, face.index).expect("face validated when loaded");
        let upem = f32::from(parsed.units_per_em());
        FaceData {
            face: parsed,
            hb,
            upem,
            plans: RefCell::new(Vec::new()),
        }
    }

    /// Ink extent of glyph `gid` in font units: (ymax, -ymin), i.e. height
    /// and depth; (0, 0) for a blank glyph.
    pub fn ink(&self, gid: u16) -> (f32, f32) {
        self.face
            .glyph_bounding_box(GlyphId(gid))
            .map_or((0.0, 0.0), |r| (f32::from(r.y_max), -f32::from(r.y_min)))
    }

    /// Advance width in font units.
    pub fn advance(&self, gid: u16) -> f32 {
        self.face
            .glyph_hor_advance(GlyphId(gid))
            .map_or(0.0, f32::from)
    }

    /// The nominal glyph of `c` (0 when missing).
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Shapes `text` (left to right, script and language guessed; script
    /// `math` when `math`), with the math script-style feature `ssty` at
    /// `ssty` (0 = off; 1 in script style, 2 in script-script style).
    /// Glyphs with their advance and offsets, font units.
    pub fn shape(&self, text: &str, ssty: u32, math: bool) -> Vec<Shaped> {
        let shaper = ShaperFont::new(&self.hb);
        let mut buffer = Buffer::new();
        buffer.set_flags(BufferFlags::REMOVE_DEFAULT_IGNORABLES);
        buffer.push_str(text);
        buffer.guess_segment_properties();
        if math {
            // The math face's features (`ssty`, and its kerning) are
            // registered under the script tag `math`.
            buffer.set_script(Some(harfrust::Script::MATH));
        }
        let features = [Feature::new(Tag::new(b"ssty"), ssty, ..)];
        let features: &[Feature] = if ssty > 0 { &features } else { &[] };
        let key = (buffer.script(), buffer.direction(), ssty);
        let mut plans = self.plans.borrow_mut();
        let at = match plans.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                let plan = ShapePlan::new(&self.hb, key.1, key.0, None, features);
                plans.push((key, plan));
                plans.len() - 1
            }
        };
        let options = ShapeOptions::new().plan(Some(&plans[at].1));
        if harfrust::shape(&shaper, &mut buffer, options).is_err() {
            return text
                .chars()
                .map(|c| {
                    let gid = self.glyph(c);
                    Shaped {
                        gid,
                        advance: self.advance(gid),
                        dx: 0.0,
                        dy: 0.0,
                    }
                })
                .collect();
        }
        buffer
            .glyph_infos()
            .iter()
            .zip(buffer.glyph_positions())
            .map(|(info, pos)| Shaped {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: pos.x_advance as f32,
                dx: pos.x_offset as f32,
                dy: pos.y_offset as f32,
            })
            .collect()
    }
}

/// One shaped glyph, font units.
#[derive(Clone, Copy, Debug)]
pub struct Shaped {
    /// Glyph id.
    pub gid: u16,
    /// Advance.
    pub advance: f32,
    /// x offset.
    pub dx: f32,
    /// y offset (up).
    pub dy: f32,
}

/// The math face: its tables and its `MATH` table's three parts.
pub struct MathFont<'a> {
    /// The face.
    pub data: FaceData<'a>,
    /// `MathConstants`.
    pub constants: Constants<'a>,
    /// `MathGlyphInfo` (italic corrections, top accent attachment).
    pub glyph_info: Option<GlyphInfo<'a>>,
    /// `MathVariants` (size variants and assemblies).
    pub variants: Option<Variants<'a>>,
}

/// A `MathConstants` record by name (`MathValueRecord`s).
#[derive(Clone, Copy, Debug)]
pub enum K {
    AxisHeight,
    AccentBaseHeight,
    SubscriptShiftDown,
    SubscriptTopMax,
    SubscriptBaselineDropMin,
    SuperscriptShiftUp,
    SuperscriptShiftUpCramped,
    SuperscriptBottomMin,
    SuperscriptBaselineDropMax,
    SubSuperscriptGapMin,
    SuperscriptBottomMaxWithSubscript,
    SpaceAfterScript,
    UpperLimitGapMin,
    UpperLimitBaselineRiseMin,
    LowerLimitGapMin,
    LowerLimitBaselineDropMin,
    StackTopShiftUp,
    StackTopDisplayStyleShiftUp,
    StackBottomShiftDown,
    StackBottomDisplayStyleShiftDown,
    StackGapMin,
    StackDisplayStyleGapMin,
    StretchStackGapAboveMin,
    StretchStackGapBelowMin,
    FractionNumeratorShiftUp,
    FractionNumeratorDisplayStyleShiftUp,
    FractionDenominatorShiftDown,
    FractionDenominatorDisplayStyleShiftDown,
    FractionNumeratorGapMin,
    FractionNumDisplayStyleGapMin,
    FractionRuleThickness,
    FractionDenominatorGapMin,
    FractionDenomDisplayStyleGapMin,
    OverbarVerticalGap,
    OverbarRuleThickness,
    OverbarExtraAscender,
    UnderbarVerticalGap,
    UnderbarRuleThickness,
    UnderbarExtraDescender,
    RadicalVerticalGap,
    RadicalDisplayStyleVerticalGap,
    RadicalRuleThickness,
    RadicalExtraAscender,
    RadicalKernBeforeDegree,
    RadicalKernAfterDegree,
}

impl<'a> MathFont<'a> {
    /// The math face; `None` when it has no `MATH` table.
    pub fn new(face: &'a Arc<Face>) -> Option<MathFont<'a>> {
        let data = FaceData::new(face);
        let math = data.face.tables().math?;
        Some(MathFont {
            constants: math.constants?,
            glyph_info: math.glyph_info,
            variants: math.variants,
            data,
        })
    }

    /// A constant in font units.
    pub fn k(&self, k: K) -> f32 {
        let c = &self.constants;
        let v = match k {
            K::AxisHeight => c.axis_height(),
            K::AccentBaseHeight => c.accent_base_height(),
            K::SubscriptShiftDown => c.subscript_shift_down(),
            K::SubscriptTopMax => c.subscript_top_max(),
            K::SubscriptBaselineDropMin => c.subscript_baseline_drop_min(),
            K::SuperscriptShiftUp => c.superscript_shift_up(),
            K::SuperscriptShiftUpCramped => c.superscript_shift_up_cramped(),
            K::SuperscriptBottomMin => c.superscript_bottom_min(),
            K::SuperscriptBaselineDropMax => c.superscript_baseline_drop_max(),
            K::SubSuperscriptGapMin => c.sub_superscript_gap_min(),
            K::SuperscriptBottomMaxWithSubscript => c.superscript_bottom_max_with_subscript(),
            K::SpaceAfterScript => c.space_after_script(),
            K::UpperLimitGapMin => c.upper_limit_gap_min(),
            K::UpperLimitBaselineRiseMin => c.upper_limit_baseline_rise_min(),
            K::LowerLimitGapMin => c.lower_limit_gap_min(),
            K::LowerLimitBaselineDropMin => c.lower_limit_baseline_drop_min(),
            K::StackTopShiftUp => c.stack_top_shift_up(),
            K::StackTopDisplayStyleShiftUp => c.stack_top_display_style_shift_up(),
            K::StackBottomShiftDown => c.stack_bottom_shift_down(),
            K::StackBottomDisplayStyleShiftDown => c.stack_bottom_display_style_shift_down(),
            K::StackGapMin => c.stack_gap_min(),
            K::StackDisplayStyleGapMin => c.stack_display_style_gap_min(),
            K::StretchStackGapAboveMin => c.stretch_stack_gap_above_min(),
            K::StretchStackGapBelowMin => c.stretch_stack_gap_below_min(),
            K::FractionNumeratorShiftUp => c.fraction_numerator_shift_up(),
            K::FractionNumeratorDisplayStyleShiftUp => {
                c.fraction_numerator_display_style_shift_up()
            }
            K::FractionDenominatorShiftDown => c.fraction_denominator_shift_down(),
            K::FractionDenominatorDisplayStyleShiftDown => {
                c.fraction_denominator_display_style_shift_down()
            }
            K::FractionNumeratorGapMin => c.fraction_numerator_gap_min(),
            K::FractionNumDisplayStyleGapMin => c.fraction_num_display_style_gap_min(),
            K::FractionRuleThickness => c.fraction_rule_thickness(),
            K::FractionDenominatorGapMin => c.fraction_denominator_gap_min(),
            K::FractionDenomDisplayStyleGapMin => c.fraction_denom_display_style_gap_min(),
            K::OverbarVerticalGap => c.overbar_vertical_gap(),
            K::OverbarRuleThickness => c.overbar_rule_thickness(),
            K::OverbarExtraAscender => c.overbar_extra_ascender(),
            K::UnderbarVerticalGap => c.underbar_vertical_gap(),
            K::UnderbarRuleThickness => c.underbar_rule_thickness(),
            K::UnderbarExtraDescender => c.underbar_extra_descender(),
            K::RadicalVerticalGap => c.radical_vertical_gap(),
            K::RadicalDisplayStyleVerticalGap => c.radical_display_style_vertical_gap(),
            K::RadicalRuleThickness => c.radical_rule_thickness(),
            K::RadicalExtraAscender => c.radical_extra_ascender(),
            K::RadicalKernBeforeDegree => c.radical_kern_before_degree(),
            K::RadicalKernAfterDegree => c.radical_kern_after_degree(),
        };
        f32::from(v.value)
    }

    /// `ScriptPercentScaleDown` and `ScriptScriptPercentScaleDown` as
    /// factors (80 % → 0.8); TeX's 70 % and 50 % when the font gives 0.
    pub fn script_scales(&self) -> (f32, f32) {
        let s = f32::from(self.constants.script_percent_scale_down());
        let ss = f32::from(self.constants.script_script_percent_scale_down());
        (
            if s > 0.0 { s / 100.0 } else { 0.7 },
            if ss > 0.0 { ss / 100.0 } else { 0.5 },
        )
    }

    /// `DisplayOperatorMinHeight`, font units.
    pub fn display_operator_min_height(&self) -> f32 {
        f32::from(self.constants.display_operator_min_height())
    }

    /// `RadicalDegreeBottomRaisePercent` as a factor.
    pub fn degree_bottom_raise(&self) -> f32 {
        f32::from(self.constants.radical_degree_bottom_raise_percent()) / 100.0
    }

    /// The italic correction of `gid`, font units (0 when none).
    pub fn italic_correction(&self, gid: u16) -> f32 {
        self.glyph_info
            .and_then(|g| g.italic_corrections)
            .and_then(|v| v.get(GlyphId(gid)))
            .map_or(0.0, |v| f32::from(v.value))
    }

    /// The top accent attachment of `gid` (x, font units), when the font
    /// gives one.
    pub fn top_accent(&self, gid: u16) -> Option<f32> {
        self.glyph_info
            .and_then(|g| g.top_accent_attachments)
            .and_then(|v| v.get(GlyphId(gid)))
            .map(|v| f32::from(v.value))
    }

    /// The math kern of `gid` at `corner` for a script whose edge is at
    /// `height` (font units, from the glyph's baseline): the `MathKern`
    /// table's value for the first correction height above `height`, 0
    /// when the glyph has none (OpenType `MATH`, "MathKernInfo table").
    pub fn kern(&self, gid: u16, corner: Corner, height: f32) -> f32 {
        let Some(info) = self
            .glyph_info
            .and_then(|g| g.kern_infos)
            .and_then(|k| k.get(GlyphId(gid)))
        else {
            return 0.0;
        };
        let kern = match corner {
            Corner::TopRight => info.top_right,
            Corner::TopLeft => info.top_left,
            Corner::BottomRight => info.bottom_right,
            Corner::BottomLeft => info.bottom_left,
        };
        let Some(kern) = kern else {
            return 0.0;
        };
        let count = kern.count();
        let index = (0..count)
            .find(|&i| kern.height(i).is_some_and(|h| height < f32::from(h.value)))
            .unwrap_or(count);
        kern.kern(index).map_or(0.0, |v| f32::from(v.value))
    }
}

/// A corner of a glyph, for math kerning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Where a superscript attaches.
    TopRight,
    /// Where a pre-superscript attaches.
    TopLeft,
    /// Where a subscript attaches.
    BottomRight,
    /// Where a pre-subscript attaches.
    BottomLeft,
}
