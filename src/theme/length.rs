//! Lengths with units and colours, written in theme files as strings.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::frame::Rgb;

/// Points per millimetre (1 pt = 1/72 in, 1 in = 25.4 mm).
const PT_PER_MM: f32 = 72.0 / 25.4;

/// A length as a theme writes it: `"12pt"`, `"10mm"`, `"1cm"`, `"0.5in"`,
/// `"1.5em"` (of the body size, or of the size it applies to) or `"8.5%"`
/// (of the paper's height for top and bottom margins, of its width
/// otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    /// Points.
    Pt(f32),
    /// Millimetres.
    Mm(f32),
    /// Ems of the size it applies to.
    Em(f32),
    /// Percent of a paper dimension.
    Percent(f32),
}

impl Length {
    /// The length in points: `em` is the size an em stands for, `whole` the
    /// dimension a percentage is of.
    pub fn pt(self, em: f32, whole: f32) -> f32 {
        match self {
            Length::Pt(v) => v,
            Length::Mm(v) => v * PT_PER_MM,
            Length::Em(v) => v * em,
            Length::Percent(v) => v / 100.0 * whole,
        }
    }

    /// Parses `"12pt"`, `"10mm"`, `"1cm"`, `"0.5in"`, `"1.5em"`, `"8.5%"`.
    pub fn parse(s: &str) -> Result<Length, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let v: f32 = number
            .parse()
            .map_err(|_| format!("`{s}` is not a length: a number and a unit, e.g. `12mm`"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!("`{s}`: a length must be 0 or more"));
        }
        Ok(match unit.trim() {
            "pt" => Length::Pt(v),
            "mm" => Length::Mm(v),
            "cm" => Length::Mm(v * 10.0),
            "in" => Length::Pt(v * 72.0),
            "em" => Length::Em(v),
            "%" => Length::Percent(v),
            "" => return Err(format!("`{s}` has no unit: write pt, mm, cm, in, em or %")),
            u => {
                return Err(format!(
                    "`{u}` in `{s}` is not a unit: write pt, mm, cm, in, em or %"
                ));
            }
        })
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Pt(v) => write!(f, "{v}pt"),
            Length::Mm(v) => write!(f, "{v}mm"),
            Length::Em(v) => write!(f, "{v}em"),
            Length::Percent(v) => write!(f, "{v}%"),
        }
    }
}

impl Serialize for Length {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Length::parse(&s).map_err(de::Error::custom)
    }
}

/// An sRGB colour, written `"#rrggbb"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Colour(pub Rgb);

impl Colour {
    /// The colour of 8-bit components.
    pub const fn rgb8(r: u8, g: u8, b: u8) -> Colour {
        Colour(Rgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0))
    }

    /// Parses `"#rrggbb"` or `"#rgb"`.
    pub fn parse(s: &str) -> Result<Colour, String> {
        let bad = || format!("`{s}` is not a colour: write `#rrggbb`, e.g. `#1a3373`");
        let hex = s.trim().strip_prefix('#').ok_or_else(bad)?;
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let (r, g, b) = match digits[..] {
            [r, g, b] => (r * 17, g * 17, b * 17),
            [r1, r0, g1, g0, b1, b0] => (r1 * 16 + r0, g1 * 16 + g0, b1 * 16 + b0),
            _ => return Err(bad()),
        };
        Ok(Colour(Rgb(
            f32::from(r) / 255.0,
            f32::from(g) / 255.0,
            f32::from(b) / 255.0,
        )))
    }

    /// `#rrggbb`, as CSS and theme files write it.
    pub fn hex(self) -> String {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.0.0), c(self.0.1), c(self.0.2))
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Colour::parse(&s).map_err(de::Error::custom)
    }
}
