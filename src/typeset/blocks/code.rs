//! Code blocks: monospace at the body's x-height, tinted, wrapped with a
//! drawn continuation mark.
//!
//! A source line too long for the measure wraps at its spaces and after
//! punctuation, never inside an operator or a name ([`crate::typeset::codebreak`]).
//! Its continuation lines keep the line's own indentation (its leading
//! spaces) plus the theme's `blocks.code_wrap_indent` (in characters), as
//! VS Code's `editor.wrappingIndent: "indent"` sets them; the mark (↪)
//! stands in the left padding. Padding (`blocks.code_pad`), line height
//! (`blocks.code_leading`, × body leading) and the space around the block
//! (`blocks.space`, body lines) come from the theme, as in the EPUB's CSS.

use super::*;
use crate::doc::{self, CodeToken};
use crate::frame::{ArtifactKind, Tag};
use crate::highlight;

impl Builder<'_, '_, '_> {
    /// A code block: the language label (when the fence names one), then
    /// each source line on the tint, its tokens in their palette colours
    /// (`highlight::palette`; the tokens come from the document model).
    pub(super) fn code_block(
        &mut self,
        lang: Option<&str>,
        text: &str,
        tokens: &[Vec<CodeToken>],
        ctx: &Ctx,
    ) {
        let s = self.setup;
        let size = self.code_size(ctx.size);
        let st = self.style(Role::Code, Style::REGULAR, size);
        let blocks = &s.theme.blocks;
        let pad = blocks.code_pad.pt(s.body_size, s.measure).round();
        let line_h = (s.leading * blocks.code_leading).round();
        let around = s.leading * blocks.space;
        let wrap_indent = blocks.code_wrap_indent.max(0.0);
        let space_w = self.engine.measure(" ", &st);
        let [tr, tg, tb] = highlight::Ink {
            rgb: highlight::TINT,
            bold: false,
            italic: false,
        }
        .unit();
        let tint = Rgb(tr, tg, tb);
        self.space(around);
        if let Some(lang) = lang {
            // The language's name, a paragraph before the code.
            self.tags.leaf(StructRole::P, None);
            self.code_label(lang, size, pad, tint, ctx);
        }
        let code = self.tags.leaf(StructRole::Code, None);
        let src_lines = doc::code_lines(text, tokens);
        let n = src_lines.len();
        for (i, pieces) in src_lines.into_iter().enumerate() {
            // Leading spaces become an indent (tabs were expanded by the reader).
            let mut lead = 0;
            let mut styled = Vec::with_capacity(pieces.len());
            for (piece, class) in pieces {
                let piece = if styled.is_empty() {
                    let rest = piece.trim_start_matches(' ');
                    lead += piece.len() - rest.len();
                    rest
                } else {
                    piece
                };
                if piece.is_empty() {
                    continue;
                }
                let ink = highlight::palette(class);
                let [r, g, b] = ink.unit();
                let style = Style {
                    bold: ink.bold,
                    italic: ink.italic,
                };
                styled.push(Piece::Text(
                    piece.to_string(),
                    TextStyle {
                        color: Rgb(r, g, b),
                        ..self.style(Role::Code, style, size)
                    },
                ));
            }
            let width = ctx.width - 2.0 * pad;
            let indent = lead as f32 * space_w;
            // Continuation lines: the source line's indentation plus the
            // wrap indent, but never more than half the measure.
            let hang = ((lead as f32 + wrap_indent) * space_w).min(width * 0.5);
            let mut lines = self
                .engine
                .layout_hanging(&styled, width, indent, hang, Align::Left);
            if lines.is_empty() {
                lines.push(LineBox::default());
            }
            if i + 1 < n
                && let Some(end) = lines.last_mut()
            {
                self.engine.end_with_space(end);
            }
            let count = lines.len();
            for (k, mut line) in lines.into_iter().enumerate() {
                let (a, d) = self.engine.extents(&st);
                line.ascent = a;
                line.descent = d;
                let h = line_h;
                let baseline = (h + a - d) / 2.0;
                let mut items = vec![Positioned {
                    pos: Point { x: ctx.x, y: 0.0 },
                    item: Item::Fill(Fill {
                        width: ctx.width,
                        height: h + 0.5,
                        color: tint,
                    }),
                    tag: Tag::Artifact(ArtifactKind::Layout),
                }];
                let shift = if k > 0 { hang } else { 0.0 };
                for mut it in line.items {
                    it.pos.x += ctx.x + pad + shift;
                    it.pos.y += baseline;
                    items.push(it);
                }
                claim(&mut items, code);
                if k > 0 {
                    items.extend(continuation_mark(
                        ctx.x + pad * 0.2,
                        baseline - size * 0.3,
                        pad * 0.65,
                    ));
                }
                let first = i == 0 && k == 0;
                self.flow.push(Flow::Line(FlowLine {
                    // Keep the first two and last two lines of a code block together.
                    keep_with_next: (first && (n > 1 || count > 1))
                        || (i + 2 == n && k + 1 == count)
                        || k + 1 < count,
                    para: super::n32(self.para + 1),
                    ..FlowLine::unit(items, h)
                }));
            }
        }
        self.para += 1;
        self.space(around);
    }

    /// The language label: a strip of tint above the code, the fence's
    /// language word in small code type at the code's left edge, in
    /// `highlight::LABEL`'s colour; kept with the first line of code.
    fn code_label(&mut self, lang: &str, size: f32, pad: f32, tint: Rgb, ctx: &Ctx) {
        let [r, g, b] = highlight::LABEL.unit();
        let st = TextStyle {
            color: Rgb(r, g, b),
            ..self.style(Role::Code, Style::REGULAR, (size * 0.8 * 4.0).round() / 4.0)
        };
        let lines = self.engine.layout(
            &[Piece::Text(lang.to_string(), st.clone())],
            ctx.width - 2.0 * pad,
            0.0,
            Align::Left,
        );
        let (a, d) = self.engine.extents(&st);
        let h = (a + d + pad * 0.5).round();
        for line in lines {
            let mut items = vec![Positioned {
                pos: Point { x: ctx.x, y: 0.0 },
                item: Item::Fill(Fill {
                    width: ctx.width,
                    height: h + 0.5,
                    color: tint,
                }),
                tag: Tag::Artifact(ArtifactKind::Layout),
            }];
            for mut it in line.items {
                it.pos.x += ctx.x + pad;
                it.pos.y += pad * 0.5 + a;
                items.push(it);
            }
            claim(&mut items, self.tags.node);
            self.flow.push(Flow::Line(FlowLine {
                keep_with_next: true,
                para: super::n32(self.para + 1),
                ..FlowLine::unit(items, h)
            }));
        }
    }

    /// Code size whose x-height matches the body's (monospace looks larger).
    pub(super) fn code_size(&self, body: f32) -> f32 {
        let ratio = crate::theme::derived::code_ratio(&self.setup.theme, self.engine.fonts);
        Theme::scaled(body, ratio)
    }
}

/// A small hooked arrow (↪) drawn in the left padding of a wrapped code
/// line: vector strokes, so it adds no text to copy or search.
pub(super) fn continuation_mark(x: f32, y: f32, width: f32) -> Vec<Positioned> {
    let color = Rgb(0.45, 0.45, 0.45);
    let stroke = |x0: f32, y0: f32, x1: f32, y1: f32| Positioned {
        pos: Point { x: x0, y: y0 },
        item: Item::Line(Line {
            to: Point {
                x: x1 - x0,
                y: y1 - y0,
            },
            thickness: 0.6,
            color,
        }),
        tag: Tag::Artifact(ArtifactKind::Layout),
    };
    let head = width * 0.3;
    vec![
        stroke(x, y - width * 0.45, x, y),
        stroke(x, y, x + width, y),
        stroke(x + width - head, y - head, x + width, y),
        stroke(x + width - head, y + head, x + width, y),
    ]
}
