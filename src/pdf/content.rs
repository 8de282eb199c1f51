//! A page content builder on top of printpdf's operations: it rounds every
//! number before printpdf sees it (so the content stream has no float noise)
//! and tracks a little graphics/text state so that redundant operators are
//! not repeated.

use crate::frame::Rgb;
use printpdf::{
    Color, Greyscale, Line, LinePoint, LinkAnnotation, Op, PaintMode, PdfFontHandle, Point, Pt,
    Rect, TextItem, XObjectId, XObjectTransform,
};
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

/// `v` rounded to `decimals` places, as the `f32` whose shortest decimal
/// form (which is how lopdf writes reals) is exactly that rounded number.
pub(crate) fn round(v: f32, decimals: u32) -> f32 {
    num(v, decimals).parse().unwrap_or(0.0)
}

/// A coordinate in hundredths of a point.
fn centi(v: f32) -> i64 {
    (f64::from(v) * 100.0).round() as i64
}

/// A content stream under construction, as printpdf operations, with the
/// state needed to skip operators that would not change anything.
#[derive(Default)]
pub(crate) struct Content {
    /// The operations so far.
    pub ops: Vec<Op>,
    in_text: bool,
    /// Start of the current text line (`Td` is relative to it), in
    /// hundredths of a point.
    line: (i64, i64),
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    line_width: Option<f32>,
    font: Option<(String, f32)>,
    /// Current text rise (`Ts`) in points.
    pub rise: f32,
}

fn color(c: Rgb) -> Color {
    if c.0 == c.1 && c.1 == c.2 {
        Color::Greyscale(Greyscale {
            percent: round(c.0, 3),
            icc_profile: None,
        })
    } else {
        Color::Rgb(printpdf::Rgb {
            r: round(c.0, 3),
            g: round(c.1, 3),
            b: round(c.2, 3),
            icc_profile: None,
        })
    }
}

fn point(x: f32, y: f32) -> Point {
    Point {
        x: Pt(round(x, 2)),
        y: Pt(round(y, 2)),
    }
}

impl Content {
    /// Opens a text object unless one is open.
    pub fn begin_text(&mut self) {
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
            self.line = (0, 0);
        }
    }

    /// Closes the open text object, if any (paths and images need that).
    pub fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    /// Sets the non-stroking colour.
    pub fn set_fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: color(c) });
            self.fill = Some(c);
        }
    }

    /// Sets the stroking colour.
    pub fn set_stroke(&mut self, c: Rgb) {
        if self.stroke != Some(c) {
            self.ops.push(Op::SetOutlineColor { col: color(c) });
            self.stroke = Some(c);
        }
    }

    /// Sets the line width.
    pub fn set_line_width(&mut self, w: f32) {
        if self.line_width != Some(w) {
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(round(w, 2)),
            });
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
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(printpdf::FontId(name.to_owned())),
                size: Pt(round(size, 2)),
            });
            self.font = Some((name.to_owned(), size));
        }
    }

    /// Sets the text rise (`Ts`) in points.
    pub fn set_rise(&mut self, rise: f32) {
        self.ops.push(Op::SetLineOffset {
            multiplier: round(rise, 2),
        });
        self.rise = rise;
    }

    /// Starts a new text line at (`x`, `y`) with a `Td` relative to the
    /// current line start, computed in whole hundredths of a point so that
    /// it carries no float noise.
    pub fn move_text_to(&mut self, x: f32, y: f32) {
        let to = (centi(x), centi(y));
        let (dx, dy) = (to.0 - self.line.0, to.1 - self.line.1);
        let hundredths = |v: i64| Pt((v as f64 / 100.0) as f32);
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: hundredths(dx),
                y: hundredths(dy),
            },
        });
        self.line = to;
    }

    /// Shows glyphs (`TJ`).
    pub fn show(&mut self, items: Vec<TextItem>) {
        self.ops.push(Op::ShowText { items });
    }

    /// Opens a `/Span` marked-content sequence whose `/ActualText` is `text`.
    pub fn begin_actual_text(&mut self, text: &str) {
        let mut data = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            data.extend_from_slice(&unit.to_be_bytes());
        }
        let actual = printpdf::DictItem::String {
            data,
            literal: false,
        };
        self.ops.push(Op::BeginMarkedContentWithProperties {
            tag: "Span".into(),
            properties: printpdf::DictItem::Dict {
                map: [("ActualText".to_owned(), actual)].into(),
            },
        });
    }

    /// Closes a marked-content sequence (`EMC`).
    pub fn end_marked_content(&mut self) {
        self.ops.push(Op::EndMarkedContent);
    }

    /// Strokes a straight line from (`x0`, `y0`) to (`x1`, `y1`).
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        self.end_text();
        let points = [point(x0, y0), point(x1, y1)]
            .map(|p| LinePoint { p, bezier: false })
            .to_vec();
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
    }

    /// Fills the rectangle with lower-left corner (`x`, `y`).
    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.end_text();
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(round(x, 2)),
                y: Pt(round(y, 2)),
                width: Pt(round(width, 2)),
                height: Pt(round(height, 2)),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Paints the image XObject `id` scaled to `width` × `height` with its
    /// lower-left corner at (`x`, `y`).
    pub fn image(&mut self, id: &str, x: f32, y: f32, width: f32, height: f32) {
        self.end_text();
        self.ops.push(Op::UseXobject {
            id: XObjectId(id.to_owned()),
            transform: XObjectTransform {
                translate_x: Some(Pt(round(x, 2))),
                translate_y: Some(Pt(round(y, 2))),
                scale_x: Some(round(width, 2)),
                scale_y: Some(round(height, 2)),
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
    }

    /// Adds a link annotation (printpdf collects these into the page's
    /// `/Annots`).
    pub fn link(&mut self, link: LinkAnnotation) {
        self.ops.push(Op::LinkAnnotation { link });
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
            assert_eq!(round(v, d).to_string(), want, "{v}");
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
        assert_eq!(c.ops.len(), 3);
    }

    #[test]
    fn text_moves_are_relative_and_exact() {
        let mut c = Content::default();
        c.begin_text();
        c.move_text_to(50.1, 485.0);
        c.move_text_to(72.35, 467.3);
        let moves: Vec<String> = c
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::SetTextCursor { pos } => Some(format!("{} {}", pos.x.0, pos.y.0)),
                _ => None,
            })
            .collect();
        assert_eq!(moves, ["50.1 485", "22.25 -17.7"]);
    }
}
