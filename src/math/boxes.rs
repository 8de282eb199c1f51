//! What the math layout gives the typesetter and the SVG writer: a box of
//! positioned glyphs and rules (the TeXbook's hlist, flattened), with the
//! places a line may break inside an inline formula.
//!
//! Units are points (1/72 in). Coordinates are relative to the box's
//! origin: the left end of its baseline, x to the right, **y up** (as in
//! the TeXbook and the font's own units; the typesetter flips y for the
//! page).

/// Which face a glyph is drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathFace {
    /// The math face (`[math]` in `fonts.toml`, STIX Two Math by default).
    Math,
    /// The body face in a style, for `\text{…}` (Vietnamese included).
    Text(crate::fonts::Style),
}

/// One item of a formula's box.
#[derive(Clone, Debug, PartialEq)]
pub enum MathItem {
    /// A glyph, its origin at (`x`, `y`).
    Glyph {
        /// Left end of the glyph's baseline, pt from the box origin.
        x: f32,
        /// Baseline height, pt above the box's baseline (negative below).
        y: f32,
        /// The face.
        face: MathFace,
        /// Font size in pt (script sizes already applied).
        size: f32,
        /// Glyph id in the face (after `ssty`, size variants, assembly).
        gid: u16,
        /// Advance width in pt (what the glyph occupies on its line).
        advance: f32,
    },
    /// A filled rectangle: fraction bar, radical's overbar, `\overline`,
    /// table rule. (`x`, `y`) is its bottom-left corner.
    Rule {
        /// Left edge, pt.
        x: f32,
        /// Bottom edge, pt above the baseline.
        y: f32,
        /// Width, pt.
        width: f32,
        /// Thickness, pt.
        height: f32,
    },
}

/// A place where a line may break inside an inline formula, after a
/// relation or a binary operator at the formula's outer level (TeXbook,
/// Chapter 18 and Appendix G rule 20: `\relpenalty` 500, `\binoppenalty`
/// 700). Breaking there drops the space that follows the operator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MathBreak {
    /// Index into [`MathBox::items`] of the first item after the break.
    pub item: usize,
    /// x (pt) where the line ends if it breaks here (after the operator).
    pub x_end: f32,
    /// x (pt) where the next line starts (after the operator's space).
    pub x_resume: f32,
    /// TeX's penalty for breaking here.
    pub penalty: i32,
}

/// A laid-out formula.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MathBox {
    /// Advance width, pt.
    pub width: f32,
    /// Height above the baseline, pt (ink and the box's own extent).
    pub height: f32,
    /// Depth below the baseline, pt (positive).
    pub depth: f32,
    /// Glyphs and rules, in reading order.
    pub items: Vec<MathItem>,
    /// Where an inline formula may break, in order of `x` (empty for display).
    pub breaks: Vec<MathBreak>,
}
