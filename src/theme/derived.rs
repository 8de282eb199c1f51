//! Theme values that depend on the fonts: read by the typesetter and by
//! the EPUB's stylesheet alike, so that both set the same leading and the
//! same code size.

use super::Theme;
use crate::fonts::{FontSet, Role, Style};

/// Leading as a multiple of the body size: the body face's own line height
/// (ascender − descender + line gap, hhea/OS/2) within the theme's bounds.
pub fn leading_ratio(theme: &Theme, fonts: &FontSet) -> f32 {
    let m = fonts.face(Role::Body, Style::REGULAR).metrics;
    let natural = f32::from(m.ascender) - f32::from(m.descender) + f32::from(m.line_gap);
    (natural / f32::from(m.units_per_em)).clamp(theme.text.leading_min, theme.text.leading_max)
}

/// Code size as a multiple of the surrounding size: the code face's
/// x-height matched to the body face's (a monospace face looks larger at
/// the same size), times the theme's `text.code`.
pub fn code_ratio(theme: &Theme, fonts: &FontSet) -> f32 {
    let b = fonts.face(Role::Body, Style::REGULAR).metrics;
    let c = fonts.face(Role::Code, Style::REGULAR).metrics;
    let x = |m: &crate::fonts::Metrics| f32::from(m.x_height) / f32::from(m.units_per_em);
    let ratio = x(&b) / x(&c);
    if ratio.is_finite() && ratio > 0.0 {
        ratio * theme.text.code
    } else {
        theme.text.code
    }
}
