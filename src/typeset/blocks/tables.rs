//! Tables: column widths from content, header row repeated, rows kept whole.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn table(
        &mut self,
        aligns: &[DocAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        ctx: &Ctx,
    ) {
        let s = self.setup;
        let cols = aligns.len().max(header.len()).max(1);
        let size = ctx.size * 0.92;
        let pad = (size * 0.5).round();
        let base = self.style(Role::Body, Style::REGULAR, size);
        let bold = self.style(
            Role::Body,
            Style {
                bold: true,
                italic: false,
            },
            size,
        );
        // Each cell's pieces, built once; natural (max) and minimum
        // (longest word) widths per column, measured on the pieces as they
        // are set (note markers, code and emphasis included), so a column
        // at its natural width sets every cell without a break.
        let mut max_w = vec![0.0f32; cols];
        let mut min_w = vec![0.0f32; cols];
        let all_rows: Vec<(&[Vec<Inline>], bool)> = std::iter::once((header, true))
            .chain(rows.iter().map(|r| (r.as_slice(), false)))
            .collect();
        let mut row_pieces: Vec<Vec<Vec<Piece>>> = Vec::with_capacity(all_rows.len());
        for (row, is_head) in &all_rows {
            let st = if *is_head { &bold } else { &base };
            let mut cells = Vec::with_capacity(cols);
            for c in 0..cols {
                let content = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let pieces = self.pieces(content, st);
                let (min, max) = self.engine.natural_widths(&pieces);
                max_w[c] = max_w[c].max(max);
                min_w[c] = min_w[c].max(min);
                cells.push(pieces);
            }
            row_pieces.push(cells);
        }
        // In two columns, a table wider than a column spans both.
        let natural: f32 = max_w.iter().map(|w| w + 2.0 * pad).sum();
        let wide = if natural > ctx.width {
            self.spanning(ctx)
        } else {
            None
        };
        let ctx = wide.as_ref().unwrap_or(ctx);
        let avail = ctx.width - 2.0 * pad * cols as f32;
        let widths = column_widths(&min_w, &max_w, avail);
        let total: f32 = widths.iter().map(|w| w + 2.0 * pad).sum();
        let x0 = ctx.x;
        let line_h = (s.leading * size / s.body_size).round();
        self.space(s.leading * 0.5);
        let n_rows = all_rows.len();
        let mut header_row: Option<FlowLine> = None;
        for (r, ((_, is_head), pieces)) in all_rows.into_iter().zip(row_pieces).enumerate() {
            let mut cells: Vec<(f32, Vec<LineBox>)> = Vec::new();
            let mut x = x0;
            for (c, (w, pieces)) in widths.iter().zip(pieces).enumerate() {
                let align = match aligns.get(c).copied().unwrap_or(DocAlign::None) {
                    DocAlign::Center => Align::Center,
                    DocAlign::Right => Align::Right,
                    _ => Align::Left,
                };
                let lines = self.engine.layout(&pieces, *w, 0.0, align);
                cells.push((x + pad, lines));
                x += w + 2.0 * pad;
            }
            let n_lines = cells.iter().map(|c| c.1.len()).max().unwrap_or(1).max(1);
            // A line holding an inline image is as tall as the image, as in
            // a paragraph. A row that fits on a page stacks each cell's own
            // lines; a taller one is cut into bands, line k of every cell
            // in band k, as tall as the tallest of them (`tops[k]`).
            let line_height = |l: &LineBox| line_h.max(l.ascent + l.descent);
            let mut heights = vec![line_h; n_lines];
            for (_, lines) in &cells {
                for (k, line) in lines.iter().enumerate() {
                    heights[k] = heights[k].max(line_height(line));
                }
            }
            let tops: Vec<f32> = heights
                .iter()
                .scan(pad * 0.5, |y, h| {
                    let top = *y;
                    *y += h;
                    Some(top)
                })
                .collect();
            let own = cells
                .iter()
                .map(|(_, lines)| lines.iter().map(line_height).sum::<f32>())
                .fold(line_h, f32::max)
                + pad;
            let header_h = header_row.as_ref().map_or(0.0, |h| h.height);
            let per_cell = is_head || own <= s.body_height - header_h;
            let height = if per_cell {
                own
            } else {
                heights.iter().sum::<f32>() + pad
            };
            // Items of each cell line, tagged with the line's index.
            let mut items: Vec<(usize, Positioned)> = Vec::new();
            for (cx, lines) in cells {
                let mut y = pad * 0.5;
                for (k, line) in lines.into_iter().enumerate() {
                    let (top, h) = if per_cell {
                        (y, line_height(&line))
                    } else {
                        (tops[k], heights[k])
                    };
                    y += h;
                    let baseline = top + (h + line.ascent - line.descent) / 2.0;
                    for mut it in line.items {
                        it.pos.x += cx;
                        it.pos.y += baseline;
                        items.push((k, it));
                    }
                }
            }
            let rule = |y: f32, t: f32| Positioned {
                pos: Point { x: x0, y },
                item: Item::Line(Line {
                    to: Point { x: total, y: 0.0 },
                    thickness: t,
                    color: Rgb::BLACK,
                }),
            };
            if r == 0 {
                items.push((0, rule(0.0, 0.9)));
            }
            if is_head {
                items.push((n_lines - 1, rule(height, 0.5)));
            }
            if r + 1 == n_rows {
                items.push((n_lines - 1, rule(height, 0.9)));
            }
            // A row is kept whole unless it is taller than a page below the
            // repeated header: then each of its lines becomes a slot of its
            // own, so the row fills the page it starts on and continues on
            // the next, under the header again.
            let bands: Vec<(f32, f32)> = if !per_cell {
                (0..n_lines)
                    .map(|k| {
                        let top = if k == 0 { 0.0 } else { tops[k] };
                        let bottom = if k + 1 == n_lines {
                            height
                        } else {
                            tops[k + 1]
                        };
                        (top, bottom)
                    })
                    .collect()
            } else {
                vec![(0.0, height)]
            };
            let n_bands = bands.len();
            self.para += 1;
            let mut line = None;
            for (b, (top, bottom)) in bands.into_iter().enumerate() {
                let slot_items: Vec<Positioned> = items
                    .iter()
                    .filter(|(k, _)| n_bands == 1 || *k == b)
                    .map(|(_, it)| {
                        let mut it = it.clone();
                        it.pos.y -= top;
                        it
                    })
                    .collect();
                let notes = note_refs(&slot_items);
                let slot = FlowLine {
                    items: slot_items,
                    height: bottom - top,
                    keep_with_next: (is_head || r + 2 == n_rows) && b + 1 == n_bands,
                    para: self.para,
                    index: b,
                    count: n_bands,
                    kind: LineKind::Other,
                    justified: false,
                    outline: None,
                    notes,
                    header: header_row.clone().map(Box::new),
                    span: wide.is_some(),
                    chapter: false,
                    opens: None,
                };
                if is_head {
                    line = Some(slot);
                } else {
                    self.flow.push(Flow::Line(slot));
                }
            }
            if let Some(line) = line {
                // The copy repeated on later pages carries no anchors or note references.
                let mut copy = line.clone();
                copy.items
                    .retain(|it| !matches!(it.item, Item::Anchor(_) | Item::NoteRef(_)));
                copy.notes.clear();
                header_row = Some(copy);
                self.flow.push(Flow::Line(line));
            }
        }
        self.space(s.leading * 0.5);
    }
}

/// Column widths from the cells' minimum (longest word) and maximum (one
/// line) widths, never wider in total than `avail`: all columns at their
/// maximum when that fits; otherwise columns whose maximum is below a fair
/// share keep it, and the others share the rest in proportion to their
/// maximum, never below their minimum (as browsers' automatic table layout
/// does). When even the minimums do not fit, they are scaled down and long
/// words break inside their cells.
pub fn column_widths(min_w: &[f32], max_w: &[f32], avail: f32) -> Vec<f32> {
    let n = max_w.len();
    let sum_max: f32 = max_w.iter().sum();
    let sum_min: f32 = min_w.iter().sum();
    if sum_max <= avail {
        return max_w.to_vec();
    }
    if sum_min >= avail {
        return min_w
            .iter()
            .map(|m| m / sum_min.max(1e-3) * avail)
            .collect();
    }
    let mut widths = vec![0.0f32; n];
    let mut fixed = vec![false; n];
    loop {
        let free: Vec<usize> = (0..n).filter(|&c| !fixed[c]).collect();
        let used: f32 = (0..n).filter(|&c| fixed[c]).map(|c| widths[c]).sum();
        let room = avail - used;
        let share = room / free.len().max(1) as f32;
        let newly: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&c| max_w[c] <= share)
            .collect();
        if newly.is_empty() {
            let free_max: f32 = free.iter().map(|&c| max_w[c]).sum::<f32>().max(1e-3);
            for &c in &free {
                widths[c] = room * max_w[c] / free_max;
            }
            break;
        }
        for c in newly {
            widths[c] = max_w[c];
            fixed[c] = true;
        }
    }
    // Raise columns below their minimum, taking the difference from the widest.
    for c in 0..n {
        if widths[c] < min_w[c] {
            let need = min_w[c] - widths[c];
            widths[c] = min_w[c];
            let mut order: Vec<usize> = (0..n).filter(|&d| d != c).collect();
            order.sort_by(|a, b| (widths[*b] - min_w[*b]).total_cmp(&(widths[*a] - min_w[*a])));
            let mut left = need;
            for d in order {
                let give = (widths[d] - min_w[d]).max(0.0).min(left);
                widths[d] -= give;
                left -= give;
                if left <= 0.0 {
                    break;
                }
            }
        }
    }
    widths
}
