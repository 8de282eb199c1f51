//! Images: figures with their captions, and images inside lines.

use super::*;
use crate::frame::{ArtifactKind, Tag};

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

    /// An image inside running text, at its natural size
    /// ([`crate::resolve::place::css_size`], 1 CSS px = 0.75 pt) and never
    /// taller than 60 % of the page's text block: a box as wide as the
    /// image, standing on the baseline (as CSS sets an `<img>`), that the
    /// line breaker treats as a word. A line holding an image taller than
    /// its text grows to hold it, as in a browser, so the image overprints
    /// no other line; one wider than the measure is scaled down to it when
    /// the paragraph is laid out ([`InlineObject::fit`]).
    pub(super) fn inline_image(&mut self, image: &Inline, style: &TextStyle) -> Option<Piece> {
        let InlineKind::Image {
            src,
            width,
            height,
            scale,
            ..
        } = &image.kind
        else {
            return None;
        };
        let (data, format, (pw, ph)) = self.load_image(src)?;
        let (mut width, mut height) = pt_size(*width, *height, (pw, ph));
        if let Some(f) = scale {
            // Pandoc's `{width=30%}`: a share of the measure, as for figures.
            let w = self.setup.measure * f;
            (width, height) = (w, height * w / width);
        }
        let max_h = self.setup.body_height * self.setup.theme.blocks.figure_max_height;
        if height > max_h {
            width *= max_h / height;
            height = max_h;
        }
        let mut items = vec![Positioned {
            pos: Point { x: 0.0, y: -height },
            item: Item::image(Image {
                data,
                format,
                pixel_size: (pw, ph),
                width,
                height,
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        }];
        if let Some(target) = &style.link {
            items.push(Positioned {
                pos: Point { x: 0.0, y: -height },
                item: Item::link(crate::frame::LinkArea {
                    width,
                    height,
                    target: target.clone(),
                }),
                tag: Tag::Artifact(ArtifactKind::Layout),
            });
        }
        Some(Piece::Object(
            InlineObject {
                width,
                ascent: height,
                descent: 0.0,
                items,
                math: None,
            },
            style.clone(),
        ))
    }

    /// A figure ([`BlockKind::Figure`], decided by
    /// [`crate::resolve::place`]): the image at its natural size
    /// ([`pt_size`]), scaled down to the measure and to 60 % of the text
    /// block's height, centred, with its caption below, kept together. A
    /// list `marker` goes on a line of its own above. Returns false (the
    /// marker untouched) when the image cannot be read.
    pub(super) fn figure(
        &mut self,
        image: &Inline,
        caption: &[Inline],
        ctx: &Ctx,
        marker: &mut Option<Vec<Positioned>>,
    ) -> bool {
        let InlineKind::Image {
            src,
            width,
            height,
            scale,
            ..
        } = &image.kind
        else {
            return false;
        };
        let Some((data, format, (pw, ph))) = self.load_image(src) else {
            return false;
        };
        if let Some(m) = marker.take() {
            self.marker_line(m, ctx);
        }
        let s = self.setup;
        let (natural_w, natural_h) = match (scale, pt_size(*width, *height, (pw, ph))) {
            // Pandoc's `{width=30%}`: a share of the measure.
            (Some(f), (w, h)) => (ctx.width * f, h * ctx.width * f / w),
            (None, size) => size,
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
        let mut h = natural_h * w / natural_w;
        let max_h = s.body_height * s.theme.blocks.figure_max_height;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        self.space(s.lines(s.theme.blocks.space));
        self.para += 1;
        let outer = self.tags.container;
        let fig = self.tags.add(StructRole::Figure, None);
        if let InlineKind::Image { alt, .. } = &image.kind {
            self.tags.tree.node_mut(fig).texts_mut().alt = Some(plain_text(alt));
        }
        self.flow.push(Flow::Line(FlowLine {
            keep_with_next: true,
            para: super::n32(self.para),
            kind: LineKind::Figure,
            ..FlowLine::unit(
                vec![Positioned {
                    pos: Point {
                        x: ctx.x + (ctx.width - w) / 2.0,
                        y: 0.0,
                    },
                    item: Item::image(Image {
                        data,
                        format,
                        pixel_size: (pw, ph),
                        width: w,
                        height: h,
                    }),
                    tag: Tag::Content(fig),
                }],
                h + s.leading * 0.25,
            )
        }));
        let st = self.style(
            Role::Body,
            Style {
                bold: false,
                italic: true,
            },
            Theme::scaled(ctx.size, s.theme.text.small),
        );
        self.tags.container = fig;
        if !caption.is_empty() {
            self.tags.leaf(StructRole::Caption, None);
        }
        let pieces = self.pieces(caption, &st);
        self.tags.container = outer;
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
        self.space(s.lines(s.theme.blocks.space));
        true
    }
}

/// The natural size of an image in points: its CSS size
/// ([`crate::resolve::place::css_size`]: `width`/`height`, else its pixels
/// at 96 px/in) at 0.75 pt per CSS px (CSS Values 4 § 6.2).
fn pt_size(width: Option<u32>, height: Option<u32>, pixels: (u32, u32)) -> (f32, f32) {
    let (w, h) = crate::resolve::place::css_size(width, height, pixels);
    (w * 0.75, h * 0.75)
}
