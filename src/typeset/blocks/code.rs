//! Code blocks: monospace at the body's x-height, tinted, wrapped with a
//! drawn continuation mark.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn code_block(&mut self, text: &str, ctx: &Ctx) {
        let s = self.setup;
        let size = self.code_size(ctx.size);
        let st = self.style(Role::Code, Style::REGULAR, size);
        let pad = (s.body_size * 0.6).round();
        let line_h = (s.leading * 0.92).round();
        let space_w = self.engine.measure(" ", &st);
        self.space(s.leading * 0.5);
        let src_lines: Vec<&str> = text
            .strip_suffix('\n')
            .unwrap_or(text)
            .split('\n')
            .collect();
        let n = src_lines.len();
        for (i, src) in src_lines.into_iter().enumerate() {
            let trimmed = src.trim_start_matches([' ', '\t']);
            let lead: usize = src[..src.len() - trimmed.len()]
                .chars()
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            let mut lines = self.engine.layout(
                &[Piece::Text(trimmed.to_string(), st.clone())],
                ctx.width - 2.0 * pad,
                lead as f32 * space_w,
                Align::Left,
            );
            if lines.is_empty() {
                lines.push(LineBox::default());
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
                        color: Rgb(0.94, 0.94, 0.93),
                    }),
                }];
                for mut it in line.items {
                    it.pos.x += ctx.x + pad;
                    it.pos.y += baseline;
                    items.push(it);
                }
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
                    para: self.para + 1,
                    ..FlowLine::unit(items, h)
                }));
            }
        }
        self.para += 1;
        self.space(s.leading * 0.5);
    }

    /// Code size whose x-height matches the body's (monospace looks larger).
    pub(super) fn code_size(&self, body: f32) -> f32 {
        let b = self.engine.fonts.face(Role::Body, Style::REGULAR).metrics;
        let c = self.engine.fonts.face(Role::Code, Style::REGULAR).metrics;
        let ratio = (f32::from(b.x_height) / f32::from(b.units_per_em))
            / (f32::from(c.x_height) / f32::from(c.units_per_em));
        ((body * ratio * 0.92) * 4.0).round() / 4.0
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
    };
    let head = width * 0.3;
    vec![
        stroke(x, y - width * 0.45, x, y),
        stroke(x, y, x + width, y),
        stroke(x + width - head, y - head, x + width, y),
        stroke(x + width - head, y + head, x + width, y),
    ]
}
