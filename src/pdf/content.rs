//! A page content stream builder: compact number formatting and a little
//! graphics/text state tracking so that redundant operators are not repeated.

use crate::frame::Rgb;
use std::io::Write;

/// Appends `v` rounded to `decimals` places, without trailing zeros, float
/// noise or a negative zero (`12.5`, `-0.25`, `0`).
pub(crate) fn push_num(out: &mut Vec<u8>, v: f32, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let r = (f64::from(v) * scale as f64).round() as i64;
    if r < 0 {
        out.push(b'-');
    }
    let a = r.unsigned_abs();
    let (int, mut frac) = (a / scale as u64, a % scale as u64);
    let _ = write!(out, "{int}");
    if frac != 0 {
        let mut width = decimals as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// Formats a number the way [`push_num`] does, as a `String`.
pub(crate) fn num(v: f32, decimals: u32) -> String {
    let mut out = Vec::new();
    push_num(&mut out, v, decimals);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `s` as a PDF hex string of UTF-16BE code units with a BOM.
pub(crate) fn push_utf16_hex(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(b"<FEFF");
    for unit in s.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push(b'>');
}

/// A content stream under construction, with the state needed to skip
/// operators that would not change anything.
#[derive(Default)]
pub(crate) struct Content {
    /// The operators written so far.
    pub buf: Vec<u8>,
    in_text: bool,
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    line_width: Option<f32>,
    font: Option<(String, f32)>,
    /// Current text rise (`Ts`) in points.
    pub rise: f32,
}

impl Content {
    /// Appends raw operator text.
    pub fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// Appends numbers separated by spaces, followed by a space.
    pub fn nums(&mut self, values: &[f32], decimals: u32) {
        for &v in values {
            push_num(&mut self.buf, v, decimals);
            self.buf.push(b' ');
        }
    }

    /// Opens a text object unless one is open.
    pub fn begin_text(&mut self) {
        if !self.in_text {
            self.raw("BT\n");
            self.in_text = true;
        }
    }

    /// Closes the open text object, if any (paths and images need that).
    pub fn end_text(&mut self) {
        if self.in_text {
            self.raw("ET\n");
            self.in_text = false;
        }
    }

    /// Sets the non-stroking colour.
    pub fn set_fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.color_op(c, "rg");
            self.fill = Some(c);
        }
    }

    /// Sets the stroking colour.
    pub fn set_stroke(&mut self, c: Rgb) {
        if self.stroke != Some(c) {
            self.color_op(c, "RG");
            self.stroke = Some(c);
        }
    }

    fn color_op(&mut self, c: Rgb, op: &str) {
        if c.0 == c.1 && c.1 == c.2 {
            self.nums(&[c.0], 3);
            self.raw(if op == "rg" { "g\n" } else { "G\n" });
        } else {
            self.nums(&[c.0, c.1, c.2], 3);
            self.raw(op);
            self.raw("\n");
        }
    }

    /// Sets the line width.
    pub fn set_line_width(&mut self, w: f32) {
        if self.line_width != Some(w) {
            self.nums(&[w], 2);
            self.raw("w\n");
            self.line_width = Some(w);
        }
    }

    /// Selects a font resource and size (`Tf`).
    pub fn set_font(&mut self, name: &str, size: f32) {
        if self
            .font
            .as_ref()
            .is_none_or(|(n, s)| n != name || *s != size)
        {
            self.raw(&format!("/{name} "));
            self.nums(&[size], 2);
            self.raw("Tf\n");
            self.font = Some((name.to_owned(), size));
        }
    }

    /// Sets the text rise (`Ts`) in points.
    pub fn set_rise(&mut self, rise: f32) {
        self.nums(&[rise], 2);
        self.raw("Ts\n");
        self.rise = rise;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        let cases = [
            (0.000_205_3, 2, "0"),
            (-0.001, 2, "0"),
            (12.5, 2, "12.5"),
            (595.275_6, 2, "595.28"),
            (-0.25, 3, "-0.25"),
            (0.94, 3, "0.94"),
            (1000.0, 2, "1000"),
            (0.05, 2, "0.05"),
        ];
        for (v, d, want) in cases {
            assert_eq!(num(v, d), want, "{v}");
        }
    }

    #[test]
    fn redundant_state_is_skipped() {
        let mut c = Content::default();
        c.set_fill(Rgb::BLACK);
        c.set_fill(Rgb::BLACK);
        c.set_fill(Rgb(1.0, 0.5, 0.0));
        c.set_font("F0", 11.0);
        c.set_font("F0", 11.0);
        assert_eq!(
            String::from_utf8(c.buf).unwrap(),
            "0 g\n1 0.5 0 rg\n/F0 11 Tf\n"
        );
    }
}
