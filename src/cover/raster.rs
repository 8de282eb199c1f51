//! Draws a [`Page`] of fills, lines and glyph runs into pixels
//! (`tiny-skia`, anti-aliased), and encodes them as a JPEG (`jpeg-encoder`).
//!
//! Glyph outlines come from the faces themselves (`ttf-parser`: TrueType
//! `glyf` quadratics and CFF cubics alike), placed as the PDF places them:
//! each glyph at the pen position plus its GPOS offsets, the pen moving by
//! its advance. Nothing depends on the machine: the same page gives the
//! same pixels and the same JPEG bytes.

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};
use ttf_parser::{GlyphId, OutlineBuilder};

use crate::frame::{FontFace, GlyphRun, Item, Page, Point, Rgb};

/// Draws `page` into a `width` × `height` pixel image (the page scaled to
/// fill it), on white. Images on the page are not drawn (the generated
/// cover has none). An error when the size is zero or a face cannot be read.
pub fn render(page: &Page, fonts: &[FontFace], width: u32, height: u32) -> Result<Pixmap, String> {
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| format!("cannot make a {width} × {height} px image"))?;
    pixmap.fill(Color::WHITE);
    let sx = width as f32 / page.width;
    let sy = height as f32 / page.height;
    let faces = fonts
        .iter()
        .map(|f| {
            ttf_parser::Face::parse(&f.data, f.index)
                .map_err(|e| format!("cannot read the outlines of {}: {e}", f.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for it in &page.items {
        let at = it.pos;
        match &it.item {
            Item::Fill(f) => {
                if let Some(rect) =
                    Rect::from_xywh(at.x * sx, at.y * sy, f.width * sx, f.height * sy)
                {
                    pixmap.fill_rect(rect, &paint(f.color), Transform::identity(), None);
                }
            }
            Item::Line(l) => {
                let mut pb = PathBuilder::new();
                pb.move_to(at.x * sx, at.y * sy);
                pb.line_to((at.x + l.to.x) * sx, (at.y + l.to.y) * sy);
                if let Some(path) = pb.finish() {
                    let stroke = Stroke {
                        width: l.thickness * sx,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(
                        &path,
                        &paint(l.color),
                        &stroke,
                        Transform::identity(),
                        None,
                    );
                }
            }
            Item::Text(run) => {
                let Some(face) = faces.get(run.font.0) else {
                    return Err(format!(
                        "no face {} for the text `{}`",
                        run.font.0, run.text
                    ));
                };
                glyphs(&mut pixmap, face, run, at, (sx, sy));
            }
            // (A cover is set with its runs live: none is frozen.)
            Item::Image(_)
            | Item::Link(_)
            | Item::Anchor(_)
            | Item::NoteRef(_)
            | Item::Frozen(_) => {}
        }
    }
    Ok(pixmap)
}

/// Fills the outlines of `run`'s glyphs, its baseline origin at `at`.
fn glyphs(
    pixmap: &mut Pixmap,
    face: &ttf_parser::Face,
    run: &GlyphRun,
    at: Point,
    (sx, sy): (f32, f32),
) {
    let units = run.size / f32::from(face.units_per_em().max(1));
    let mut pb = PathBuilder::new();
    let mut pen = at.x;
    for (i, g) in run.glyphs.iter().enumerate() {
        let offset = run.offset(i);
        let mut out = Outline {
            pb: &mut pb,
            x: (pen + offset.x) * sx,
            y: (at.y - offset.y) * sy,
            kx: units * sx,
            ky: units * sy,
        };
        face.outline_glyph(GlyphId(g.id), &mut out);
        pen += g.x_advance;
    }
    if let Some(path) = pb.finish() {
        pixmap.fill_path(
            &path,
            &paint(run.color),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// A glyph's outline in font units (y up) → pixels (y down) from its origin.
struct Outline<'a> {
    pb: &'a mut PathBuilder,
    x: f32,
    y: f32,
    kx: f32,
    ky: f32,
}

impl Outline<'_> {
    fn p(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.kx, self.y - y * self.ky)
    }
}

impl OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.pb.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.pb.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.p(x1, y1);
        let (x, y) = self.p(x, y);
        self.pb.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.p(x1, y1);
        let (x2, y2) = self.p(x2, y2);
        let (x, y) = self.p(x, y);
        self.pb.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.pb.close();
    }
}

fn paint(c: Rgb) -> Paint<'static> {
    let mut p = Paint::default();
    let b = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    p.set_color_rgba8(b(c.0), b(c.1), b(c.2), 255);
    p.anti_alias = true;
    p
}

/// Encodes an opaque pixmap as a baseline JPEG of `quality` (1–100),
/// colour at half resolution (4:2:0), with
/// `jpeg-encoder`'s scalar code (no run-time SIMD choice: the same bytes on
/// every machine; 170 ms for 1600 × 2560 px where the `image` crate's
/// encoder took 350 ms).
pub fn jpeg(pixmap: &Pixmap, quality: u8) -> Result<Vec<u8>, String> {
    // Opaque pixels: premultiplied RGBA is plain RGBA.
    let (w, h) = (pixmap.width(), pixmap.height());
    let too_big = || format!("a {w} × {h} px image is too large for a JPEG");
    let (w, h) = (
        u16::try_from(w).map_err(|_| too_big())?,
        u16::try_from(h).map_err(|_| too_big())?,
    );
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    // Colour at half resolution both ways (4:2:0, as cameras and Kindle's
    // own covers): the cover's fields are flat and its text is drawn in
    // luminance, so nothing visible is lost, and encoding takes about half
    // the work (854 M → 529 M instructions for 1600 × 2560 px).
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(pixmap.data(), w, h, jpeg_encoder::ColorType::Rgba)
        .map_err(|e| format!("cannot encode the cover image: {e}"))?;
    Ok(out)
}
