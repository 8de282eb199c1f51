//! Figures: an image alone in its paragraph, with its caption.

use super::*;

/// A decoded-enough image: its bytes, encoding and pixel size.
type Loaded = (Arc<Vec<u8>>, ImageFormat, (u32, u32));

impl Builder<'_, '_, '_> {
    /// The local image named by `src`, as the resolve stage read it
    /// ([`crate::resolve::assets`]); an SVG as its one-page PDF drawn with
    /// the book's fonts. `None` for a remote, missing or refused image.
    pub(super) fn load_image(&self, src: &str) -> Option<Loaded> {
        use crate::resolve::assets::AssetKind;
        let asset = self.doc.assets.get(src)?;
        let (data, format) = match &asset.kind {
            AssetKind::Png(d) => (d.clone(), ImageFormat::Png),
            AssetKind::Jpeg(d) => (d.clone(), ImageFormat::Jpeg),
            AssetKind::Svg(svg) => (svg.pdf(self.engine.fonts).ok()?, ImageFormat::Pdf),
        };
        Some((data, format, asset.size))
    }

    /// An image inside running text: scaled to the height of the text's
    /// line (from the font's ascender to its descender), standing on the
    /// descender like a capital with a descent.
    pub(super) fn inline_image(&mut self, src: &str, style: &TextStyle) -> Option<Piece> {
        let (data, format, (pw, ph)) = self.load_image(src)?;
        let (ascent, descent) = self.engine.extents(style);
        let height = ascent + descent;
        let width = height * pw as f32 / ph as f32;
        let mut items = vec![Positioned {
            pos: Point { x: 0.0, y: -ascent },
            item: Item::Image(Image {
                data,
                format,
                pixel_size: (pw, ph),
                width,
                height,
            }),
        }];
        if let Some(target) = &style.link {
            items.push(Positioned {
                pos: Point { x: 0.0, y: -ascent },
                item: Item::Link(crate::frame::LinkArea {
                    width,
                    height,
                    target: target.clone(),
                }),
            });
        }
        Some(Piece::Object(
            InlineObject {
                width,
                ascent,
                descent,
                items,
            },
            style.clone(),
        ))
    }

    /// A paragraph holding one local image (an [`InlineKind::Image`]): the
    /// image scaled to the measure (never beyond its natural size: the
    /// `width`/`height` raw HTML gives, in CSS px of 0.75 pt (CSS Values 4,
    /// § 6.2), else its pixels at 150 dpi) and its caption, kept together.
    /// Returns false when the image cannot be read. `caption` is the caption
    /// of a raw HTML `<figure>`; without it the caption is the title, else
    /// the alternative text.
    pub(super) fn figure(&mut self, image: &Inline, caption: Option<&[Inline]>, ctx: &Ctx) -> bool {
        let InlineKind::Image {
            src,
            title,
            alt,
            width,
            height,
        } = &image.kind
        else {
            return false;
        };
        let Some((data, format, (pw, ph))) = self.load_image(src) else {
            return false;
        };
        let s = self.setup;
        let natural_w = match (width, height) {
            (Some(w), _) => *w as f32 * 0.75,
            (None, Some(h)) => *h as f32 * 0.75 * pw as f32 / ph as f32,
            // A drawing's size is in CSS px (0.75 pt).
            (None, None) if format == ImageFormat::Pdf => pw as f32 * 0.75,
            (None, None) => pw as f32 * 72.0 / 150.0,
        };
        // In two columns, an image wider than a column spans both.
        let wide = if natural_w > ctx.width {
            self.spanning(ctx)
        } else {
            None
        };
        let ctx = wide.as_ref().unwrap_or(ctx);
        let before = self.flow.len();
        let mut w = natural_w.min(ctx.width);
        // Both `width` and `height` given: the author's proportions, as a
        // browser draws them.
        let mut h = match (width, height) {
            (Some(_), Some(hp)) => *hp as f32 * 0.75 * w / natural_w,
            _ => w * ph as f32 / pw as f32,
        };
        let max_h = s.body_height * 0.6;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        self.space(s.leading * 0.5);
        self.para += 1;
        self.flow.push(Flow::Line(FlowLine {
            keep_with_next: true,
            para: self.para,
            ..FlowLine::unit(
                vec![Positioned {
                    pos: Point {
                        x: ctx.x + (ctx.width - w) / 2.0,
                        y: 0.0,
                    },
                    item: Item::Image(Image {
                        data,
                        format,
                        pixel_size: (pw, ph),
                        width: w,
                        height: h,
                    }),
                }],
                h + s.leading * 0.25,
            )
        }));
        // As in the EPUB: the title is the caption, else the alternative text
        // (which, with a title, describes the image for screen readers only).
        let st = self.style(
            Role::Body,
            Style {
                bold: false,
                italic: true,
            },
            ctx.size * 0.9,
        );
        let pieces = match caption {
            Some([]) => Vec::new(),
            Some(c) => self.pieces(c, &st),
            None => {
                let text = if title.trim().is_empty() {
                    plain_text(alt).trim().to_string()
                } else {
                    title.trim().to_string()
                };
                vec![Piece::Text(text, st)]
            }
        };
        let lines = if pieces.is_empty() {
            Vec::new()
        } else {
            self.engine.layout(&pieces, ctx.width, 0.0, Align::Center)
        };
        self.push_lines(
            lines,
            ctx,
            (s.leading * 0.9).round(),
            LineKind::Body,
            false,
            None,
            None,
        );
        if wide.is_some() {
            self.span_from(before);
        }
        self.space(s.leading * 0.5);
        true
    }
}
