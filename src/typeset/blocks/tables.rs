//! Tables: column widths from the body cells' content (CSS 2.1 automatic
//! table layout, headers wrap first), the caption above, the header row
//! repeated on every page the table continues on, and rows of several
//! lines cut between lines at a page's foot.
//!
//! Sizes and rules come from the theme's `blocks` section: the text in the
//! `small` size (× body), `cell_pad` (ems of that size: half of it above
//! and below a cell's text, all of it on each side between columns),
//! `table_rule_outer` and `rule` (pt), `row_keep_lines` (lines).

use super::*;
use crate::frame::{ArtifactKind, Tag};

impl Builder<'_, '_, '_> {
    pub(super) fn table(
        &mut self,
        aligns: &[DocAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        caption: Option<&Caption>,
        ctx: &Ctx,
    ) {
        let s = self.setup;
        let theme = &s.theme;
        let cols = aligns.len().max(header.len()).max(1);
        // The second size of running text (the theme's `small`), and the
        // cell padding in ems of it.
        let size = Theme::scaled(ctx.size, theme.text.small);
        let pad = theme.blocks.cell_pad.pt(size, ctx.width).round();
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
        let mut body_w: Vec<Vec<f32>> = Vec::with_capacity(rows.len());
        let mut head_max = vec![0.0f32; cols];
        let mut min_w = vec![0.0f32; cols];
        let all_rows: Vec<(&[Vec<Inline>], bool)> = std::iter::once((header, true))
            .chain(rows.iter().map(|r| (r.as_slice(), false)))
            .collect();
        let mut row_pieces: Vec<Vec<Vec<Piece>>> = Vec::with_capacity(all_rows.len());
        // Table → (Caption), THead → TR → TH (heading its column), TBody →
        // TR → TD; each cell's lines are its content.
        let outer = self.tags.container;
        let table = self.tags.add(StructRole::Table, None);
        let caption_node = caption.map(|_| self.tags.tree.add(table, StructRole::Caption));
        let head = self.tags.tree.add(table, StructRole::THead);
        let mut body_group = None;
        let mut cell_nodes: Vec<Vec<NodeId>> = Vec::with_capacity(all_rows.len());
        for (row, is_head) in &all_rows {
            let st = if *is_head { &bold } else { &base };
            let group = if *is_head {
                head
            } else {
                *body_group.get_or_insert_with(|| self.tags.tree.add(table, StructRole::TBody))
            };
            let tr = self.tags.tree.add(group, StructRole::Tr);
            let mut nodes = Vec::with_capacity(cols);
            let mut cells = Vec::with_capacity(cols);
            let mut one_line = Vec::with_capacity(cols);
            for c in 0..cols {
                let content = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let role = if *is_head {
                    StructRole::Th(Scope::Column)
                } else {
                    StructRole::Td
                };
                self.tags.node = self.tags.tree.add(tr, role);
                nodes.push(self.tags.node);
                let pieces = self.pieces(content, st);
                let (min, max) = self.engine.natural_widths(&pieces);
                if *is_head {
                    head_max[c] = max;
                }
                one_line.push(max);
                min_w[c] = min_w[c].max(min);
                cells.push(pieces);
            }
            if !*is_head {
                body_w.push(one_line);
            }
            row_pieces.push(cells);
            cell_nodes.push(nodes);
        }
        // In two columns, a table wider than a column spans both.
        // Columns are `2 × pad` apart; the outer cells have no padding on
        // the table's sides, so the text and the rules line up with the
        // text block (booktabs' `@{}` at the edges).
        let gutters = 2.0 * pad * (cols - 1) as f32;
        let natural: f32 = maxima(&min_w, &body_w).iter().sum::<f32>() + gutters;
        let wide = if natural > ctx.width {
            self.spanning(ctx)
        } else {
            None
        };
        let ctx = wide.as_ref().unwrap_or(ctx);
        let avail = ctx.width - gutters;
        let widths = table_column_widths(&min_w, &body_w, &head_max, avail);
        let total: f32 = widths.iter().sum::<f32>() + gutters;
        let x0 = ctx.x;
        let line_h = (s.leading * size / s.body_size).round();
        let caption = caption.map(|c| {
            if let Some(n) = caption_node {
                self.tags.node = n;
            }
            self.table_caption(c, (&base, &bold), line_h, ctx)
        });
        self.tags.container = outer;
        self.space(s.leading * 0.5);
        let n_rows = all_rows.len();
        let mut header_row: Option<FlowLine> = None;
        let keep_lines = theme.blocks.row_keep_lines.max(1);
        for (r, ((_, is_head), pieces)) in all_rows.into_iter().zip(row_pieces).enumerate() {
            let mut cells: Vec<(f32, Vec<LineBox>)> = Vec::new();
            let mut x = x0 - pad;
            let nodes = &cell_nodes[r];
            for (c, (w, pieces)) in widths.iter().zip(pieces).enumerate() {
                let align = match aligns.get(c).copied().unwrap_or(DocAlign::None) {
                    DocAlign::Center => Align::Center,
                    DocAlign::Right => Align::Right,
                    _ => Align::Left,
                };
                let mut lines = self.engine.layout(&pieces, *w, 0.0, align);
                for line in &mut lines {
                    claim(&mut line.items, nodes[c]);
                }
                cells.push((x + pad, lines));
                x += w + 2.0 * pad;
            }
            let n_lines = cells.iter().map(|c| c.1.len()).max().unwrap_or(1).max(1);
            // A line holding an inline image is as tall as the image, as in
            // a paragraph. A row that fits on a page stacks each cell's own
            // lines; a taller one is set on a grid, line k of every cell
            // in band k, as tall as the tallest of them (`tops[k]`), so
            // that it can be cut between any two lines.
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
            // The first lines of a row's cells share a baseline (CSS 2.1
            // § 17.5.3, `vertical-align: baseline`, the default of table
            // cells) when they differ by at most a line (an icon in a
            // line of text); beside a cell opening with a large image the
            // others stay at the top, where a reader looks for them.
            let first_baseline = |lines: &[LineBox]| {
                lines
                    .first()
                    .map_or(0.0, |l| (line_height(l) + l.ascent - l.descent) / 2.0)
            };
            let lowest = cells
                .iter()
                .map(|(_, lines)| first_baseline(lines))
                .filter(|b| *b <= line_h * 2.0)
                .fold(0.0, f32::max);
            let drop: Vec<f32> = cells
                .iter()
                .map(|(_, lines)| lowest - first_baseline(lines))
                .map(|d| if (0.0..=line_h).contains(&d) { d } else { 0.0 })
                .collect();
            let own = cells
                .iter()
                .zip(&drop)
                .map(|((_, lines), d)| d + lines.iter().map(line_height).sum::<f32>())
                .fold(line_h, f32::max)
                + pad;
            let header_h = header_row.as_ref().map_or(0.0, |h| h.height);
            let per_cell = is_head || own <= s.body_height - header_h;
            let height = if per_cell {
                own
            } else {
                heights.iter().sum::<f32>() + pad
            };
            // Items of each cell line, tagged with the line's top; each
            // cell's lines as (top, bottom), for the places the row may
            // be cut.
            let mut items: Vec<(f32, Positioned)> = Vec::new();
            let mut spans: Vec<Vec<(f32, f32)>> = Vec::with_capacity(cells.len());
            for ((cx, lines), d) in cells.into_iter().zip(drop) {
                let mut y = pad * 0.5 + d;
                let mut cell_spans = Vec::with_capacity(lines.len());
                for (k, line) in lines.into_iter().enumerate() {
                    let (top, h) = if per_cell {
                        (y, line_height(&line))
                    } else {
                        (tops[k], heights[k])
                    };
                    y = top + h;
                    cell_spans.push((top, top + h));
                    let baseline = top + (h + line.ascent - line.descent) / 2.0;
                    for mut it in line.items {
                        it.pos.x += cx;
                        it.pos.y += baseline;
                        items.push((top, it));
                    }
                }
                spans.push(cell_spans);
            }
            let rule = |y: f32, t: f32| Positioned {
                pos: Point { x: x0, y },
                item: Item::Line(Line {
                    to: Point { x: total, y: 0.0 },
                    thickness: t,
                    color: theme.colours.rule.0,
                }),
                tag: Tag::Artifact(ArtifactKind::Layout),
            };
            // Booktabs' rules: the outer ones heavier, a thin one under the
            // header; none between body rows.
            let last = height - 0.01;
            if r == 0 {
                items.push((0.0, rule(0.0, theme.blocks.table_rule_outer)));
            }
            if is_head {
                items.push((last, rule(height, theme.blocks.rule)));
            }
            if r + 1 == n_rows {
                items.push((last, rule(height, theme.blocks.table_rule_outer)));
            }
            // Where the row may be cut at a page foot: between lines, at a
            // height no cell's line straddles, with at least `keep_lines`
            // of the row's lines on each side (a paragraph's widow and
            // orphan rule, for the row's tallest cell). The header row is
            // never cut. At a cut the row is left open (no rule), and the
            // next page repeats the header above the rest: CSS
            // Fragmentation 3 § 3.2 (`break-inside: auto`) with
            // `box-decoration-break: slice`, and LaTeX longtable's repeated
            // `\endhead`.
            let cuts: Vec<f32> = if is_head {
                Vec::new()
            } else {
                let mut c: Vec<f32> = spans
                    .iter()
                    .flatten()
                    .map(|&(_, bottom)| bottom)
                    .filter(|&y| row_cut_allowed(&spans, y, keep_lines))
                    .collect();
                c.sort_by(f32::total_cmp);
                c.dedup_by(|a, b| (*a - *b).abs() < 0.01);
                c
            };
            let bounds: Vec<f32> = std::iter::once(0.0)
                .chain(cuts)
                .chain(std::iter::once(height))
                .collect();
            let n_bands = bounds.len() - 1;
            self.para += 1;
            let mut line = None;
            for (b, w) in bounds.windows(2).enumerate() {
                let (top, bottom) = (w[0], w[1]);
                let slot_items: Vec<Positioned> = items
                    .iter()
                    .filter(|(t, _)| {
                        (b == 0 || *t >= top - 0.01) && (b + 1 == n_bands || *t < bottom - 0.01)
                    })
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
                    para: super::n32(self.para),
                    index: super::n32(b),
                    count: super::n32(n_bands),
                    kind: LineKind::Other,
                    justified: false,
                    outline: None,
                    notes: notes.into(),
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
            if let Some(mut line) = line {
                // The copy repeated on later pages carries no anchors or
                // note references, and no caption; nor link annotations:
                // a repeated header is an artifact, and every link
                // annotation must be in the structure tree as its `Link`'s
                // (PDF/UA-1, ISO 14289-1 §7.18.1, §7.18.5), which the
                // header's first copy holds.
                let mut copy = line.clone();
                copy.items.retain(|it| {
                    !matches!(it.item, Item::Anchor(_) | Item::NoteRef(_) | Item::Link(_))
                });
                // A repeated header is an artifact (PDF/UA-1, ISO 14289-1
                // §7.5): the header cells are read once, in the `THead`.
                for it in &mut copy.items {
                    if matches!(it.tag, Tag::Content(_)) {
                        it.tag = Tag::Artifact(ArtifactKind::Pagination);
                    }
                }
                copy.notes = Box::default();
                header_row = Some(copy);
                // The caption stands above the table in the header's slot:
                // it floats with the table and never stays alone at a
                // page's foot.
                if let Some((cap_items, cap_h)) = &caption {
                    for it in &mut line.items {
                        it.pos.y += cap_h;
                    }
                    line.items.splice(0..0, cap_items.iter().cloned());
                    line.height += cap_h;
                    line.notes = note_refs(&line.items).into();
                }
                self.flow.push(Flow::Line(line));
            }
        }
        self.space(s.leading * 0.5);
    }

    /// A table's caption set flush left above it (Chicago 3.56 sets a
    /// table's number and title flush left above the table): its number
    /// in bold ("Bảng 1."), then its text, in the table's (regular, bold)
    /// styles, on lines `line_h` apart across the measure. The items
    /// (relative to the caption's top) and the height they take with the
    /// space under them.
    fn table_caption(
        &mut self,
        caption: &Caption,
        (regular, bold): (&TextStyle, &TextStyle),
        line_h: f32,
        ctx: &Ctx,
    ) -> (Vec<Positioned>, f32) {
        let mut pieces = Vec::new();
        if let Some(id) = &caption.id {
            pieces.push(Piece::Anchor(id.clone()));
        }
        pieces.push(Piece::Text(self.doc.table_label(caption), bold.clone()));
        pieces.push(Piece::Text(" ".into(), regular.clone()));
        pieces.extend(self.pieces(&caption.content, regular));
        let lines = self.engine.layout(&pieces, ctx.width, 0.0, Align::Left);
        let mut items = Vec::new();
        let mut y = 0.0;
        for line in lines {
            let h = line_h.max(line.ascent + line.descent);
            let baseline = y + (h + line.ascent - line.descent) / 2.0;
            for mut it in line.items {
                it.pos.x += ctx.x;
                it.pos.y += baseline;
                items.push(it);
            }
            y += h;
        }
        claim(&mut items, self.tags.node);
        // A quarter line between the caption and the table's top rule.
        (items, y + (line_h * 0.25).round())
    }
}

/// Whether a row whose cells' lines span `spans[c]` = (top, bottom) may be
/// cut at height `y`: no line straddles `y`, and at least `keep` lines of
/// some cell stand above it and of some cell below it.
fn row_cut_allowed(spans: &[Vec<(f32, f32)>], y: f32, keep: u32) -> bool {
    let straddles = spans
        .iter()
        .flatten()
        .any(|&(top, bottom)| top < y - 0.01 && bottom > y + 0.01);
    let above = spans
        .iter()
        .map(|c| c.iter().filter(|l| l.1 <= y + 0.01).count())
        .max()
        .unwrap_or(0);
    let below = spans
        .iter()
        .map(|c| c.iter().filter(|l| l.0 >= y - 0.01).count())
        .max()
        .unwrap_or(0);
    !straddles && above >= keep as usize && below >= keep as usize
}

/// Column widths of a table, in points, never wider in total than `avail`,
/// by the automatic table layout of CSS 2.1 § 17.5.2.2 (and HTML 4 § B.5.2):
/// each column has a minimum width (its longest unbreakable piece: a
/// syllable, a word, a piece of a URL between its break points) and a
/// maximum one (its widest cell set on one line).
///
/// Headers wrap first: `head_max` (the header cells' one-line widths)
/// widens a column only with room the body cells leave over, while the
/// header's minimum counts like any cell's. So a long header over a column
/// of short figures is set on two lines, and the figures on one.
/// `min_w` holds the columns' minimums, `body[r][c]` the one-line width of
/// body cell `c` of row `r`.
pub fn table_column_widths(
    min_w: &[f32],
    body: &[Vec<f32>],
    head_max: &[f32],
    avail: f32,
) -> Vec<f32> {
    let body_max = maxima(min_w, body);
    let all: Vec<f32> = body_max
        .iter()
        .zip(head_max)
        .map(|(b, h)| b.max(*h))
        .collect();
    let (sum_body, sum_all): (f32, f32) = (body_max.iter().sum(), all.iter().sum());
    if sum_all <= avail {
        return all;
    }
    if sum_body <= avail {
        // Room left by the body goes to the headers, in proportion to what
        // each still needs.
        let f = (avail - sum_body) / (sum_all - sum_body).max(1e-3);
        return body_max
            .iter()
            .zip(&all)
            .map(|(b, a)| b + (a - b) * f)
            .collect();
    }
    column_widths(min_w, body, avail)
}

/// Each column's widest cell, at least its minimum.
fn maxima(min_w: &[f32], rows: &[Vec<f32>]) -> Vec<f32> {
    (0..min_w.len())
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c).copied())
                .fold(min_w[c], f32::max)
        })
        .collect()
}

/// Lines a cell `w` points wide on one line takes in a column `col` wide
/// whose longest unbreakable piece is `min` wide, estimated as its text
/// broken evenly, each line short by half a piece.
fn cell_lines(w: f32, col: f32, min: f32) -> u32 {
    if w <= col + EPS {
        1
    } else {
        ((w - EPS) / (col - min / 2.0).max(EPS)).ceil().max(1.0) as u32
    }
}

/// The width a cell `w` points wide on one line needs to take `k` lines,
/// by the estimate of [`cell_lines`].
fn needed(w: f32, k: u32, min: f32) -> f32 {
    if k <= 1 { w } else { w / k as f32 + min / 2.0 }
}

/// Column `c` narrowed to `target` (or kept at its lines, `None`): the
/// narrowest width with the lines its cells then take, and the cost in
/// lines: the rows that grow, and each cell broken that was on one line
/// ("Hà / Nội" beside a URL that wraps anyway is still a fault).
fn step(
    rows: &[Vec<f32>],
    lines: &[Vec<u32>],
    c: usize,
    min: f32,
    target: Option<f32>,
) -> (f32, u32) {
    let mut cost = 0u32;
    let mut next = min;
    for (r, l) in rows.iter().zip(lines) {
        let w = r.get(c).copied().unwrap_or(0.0);
        let k = target.map_or(l[c], |t| cell_lines(w, t, min).max(l[c]));
        next = next.max(needed(w, k, min));
        let others = (0..l.len())
            .filter(|&d| d != c)
            .map(|d| l[d])
            .max()
            .unwrap_or(1);
        cost += k.max(others).saturating_sub(l[c].max(others));
        if l[c] == 1 && k > 1 {
            cost += 1;
        }
    }
    (next, cost)
}

/// Widths closer than this, in points, are equal.
const EPS: f32 = 0.01;

/// The most narrowing steps [`column_widths`] takes before it shares the
/// rest of the room in proportion (a bound for tables of thousands of
/// rows; a step is one more line in some cell).
const MAX_STEPS: usize = 4096;

/// Column widths from the columns' minimum (longest unbreakable piece)
/// widths and the body cells' one-line widths (`rows[r][c]`), never wider
/// in total than `avail`:
/// - all columns at their maximum (widest cell) when that fits;
/// - otherwise columns are narrowed, never below their minimum, a step at
///   a time, each step the one that adds the fewest lines to the table per
///   point it gives back (lines estimated from the cells' one-line widths;
///   a cell gaining a line beside a taller cell of its row costs nothing,
///   unless the cell was on one line): so a column whose only long cell is one row's
///   gives way before a column of equal cells, and the table wraps in as
///   few rows as it can, where the proportional rule of HTML 4 § B.5.2
///   would wrap every row;
/// - when even the minimums do not fit, the widest minimums give way
///   first, down to a common width, and every narrower column keeps its
///   own: one long word or URL breaks inside its cell, a syllable of the
///   next column is never split.
pub fn column_widths(min_w: &[f32], rows: &[Vec<f32>], avail: f32) -> Vec<f32> {
    let n = min_w.len();
    let max_w = maxima(min_w, rows);
    let sum_min: f32 = min_w.iter().sum();
    if max_w.iter().sum::<f32>() <= avail {
        return max_w;
    }
    if sum_min >= avail {
        return capped(min_w, avail);
    }
    let width = |r: &Vec<f32>, c: usize| r.get(c).copied().unwrap_or(0.0);
    let mut cw = max_w.clone();
    let mut lines: Vec<Vec<u32>> = vec![vec![1; n]; rows.len()];
    for _ in 0..MAX_STEPS {
        let excess = cw.iter().sum::<f32>() - avail;
        if excess <= EPS {
            return cw;
        }
        // Per column, two steps: to the narrowest width with one more line
        // in its tightest cells, and straight to the width that gives all
        // the excess back (a column that wraps at all may as well give
        // it: its next lines are cheap). Each with its cost in table lines
        // and the points it gives back.
        let mut best: Option<(f32, f32, usize, f32)> = None; // cost/point, saving, column, width
        for c in 0..n {
            let (fits, _) = step(rows, &lines, c, min_w[c], None);
            if fits < cw[c] - EPS {
                // Free: no cell gains a line.
                best = Some((0.0, f32::INFINITY, c, fits));
                break;
            }
            if cw[c] <= min_w[c] + EPS {
                continue;
            }
            for target in [cw[c] - 2.0 * EPS, (cw[c] - excess).max(min_w[c])] {
                let (next, cost) = step(rows, &lines, c, min_w[c], Some(target));
                let saving = (cw[c] - next).min(excess);
                if saving <= 0.0 {
                    continue;
                }
                let per_point = cost as f32 / saving;
                let better = best.is_none_or(|(p, s, _, _)| {
                    per_point < p - 1e-6 || ((per_point - p).abs() <= 1e-6 && saving > s)
                });
                if better {
                    best = Some((per_point, saving, c, next));
                }
            }
        }
        let Some((_, _, c, next)) = best else { break };
        cw[c] = next.max(cw[c] - excess);
        for (r, l) in rows.iter().zip(lines.iter_mut()) {
            l[c] = cell_lines(width(r, c), cw[c], min_w[c]);
        }
    }
    // Out of steps: the rest of the room shared in proportion.
    let over: f32 = (0..n).map(|c| cw[c] - min_w[c]).sum();
    let f = ((avail - sum_min) / over.max(1e-3)).clamp(0.0, 1.0);
    (0..n).map(|c| min_w[c] + (cw[c] - min_w[c]) * f).collect()
}

/// `min_w` with the widest entries lowered to one common cap, the highest
/// that makes the total `avail` (water-filling from the top).
fn capped(min_w: &[f32], avail: f32) -> Vec<f32> {
    let mut sorted = min_w.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    // With the k widest capped at `cap`: cap * k + rest = avail.
    let mut rest: f32 = sorted.iter().sum();
    let mut cap = 0.0f32;
    for (k, &w) in sorted.iter().enumerate() {
        rest -= w;
        cap = (avail - rest) / (k + 1) as f32;
        let next = sorted.get(k + 1).copied().unwrap_or(0.0);
        if cap >= next {
            break;
        }
    }
    let cap = cap.max(0.0);
    min_w.iter().map(|&w| w.min(cap)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.01)
    }

    #[test]
    fn all_at_maximum_when_they_fit() {
        let w = column_widths(&[5.0, 5.0], &[vec![20.0, 10.0], vec![8.0, 30.0]], 60.0);
        assert!(close(&w, &[20.0, 30.0]), "{w:?}");
    }

    #[test]
    fn the_column_with_one_long_cell_gives_way() {
        // Forty rows: names, one of them long, and notes all 80 pt wide.
        let rows: Vec<Vec<f32>> = (0..40)
            .map(|r| vec![if r == 20 { 70.0 } else { 40.0 + r as f32 / 4.0 }, 80.0])
            .collect();
        let w = column_widths(&[30.0, 30.0], &rows, 135.0);
        assert!((w[1] - 80.0).abs() < 0.01, "{w:?}");
        assert!((w.iter().sum::<f32>() - 135.0).abs() < 0.01, "{w:?}");
        let wrapped = rows.iter().filter(|r| r[0] > w[0] + 0.01).count();
        assert_eq!(wrapped, 1, "{w:?}");
    }

    #[test]
    fn every_column_keeps_its_minimum_while_another_can_give() {
        let rows = vec![vec![15.0, 300.0, 100.0]];
        let w = column_widths(&[10.0, 30.0, 20.0], &rows, 200.0);
        assert!((w.iter().sum::<f32>() - 200.0).abs() < 0.01, "{w:?}");
        assert!(w[0] >= 10.0 && w[1] >= 30.0 && w[2] >= 20.0, "{w:?}");
        // The narrow column keeps its line.
        assert!((w[0] - 15.0).abs() < 0.01, "{w:?}");
    }

    #[test]
    fn the_widest_minimum_gives_way_first() {
        // A URL's piece of 150 pt and a syllable of 30 pt in 120 pt: the
        // syllable keeps its 30 pt.
        let w = column_widths(&[30.0, 150.0], &[vec![40.0, 400.0]], 120.0);
        assert!(close(&w, &[30.0, 90.0]), "{w:?}");
        let w = column_widths(&[100.0, 100.0, 10.0], &[], 110.0);
        assert!(close(&w, &[50.0, 50.0, 10.0]), "{w:?}");
    }

    #[test]
    fn headers_wrap_before_the_body() {
        // Header "Diện tích ruộng bậc thang" (150 pt) over "10 nghìn ha"
        // (60 pt): the body keeps its line, the header wraps.
        let body = vec![vec![60.0, 100.0]];
        let w = table_column_widths(&[40.0, 40.0], &body, &[150.0, 50.0], 180.0);
        assert!(close(&w, &[80.0, 100.0]), "{w:?}");
        let w = table_column_widths(&[40.0, 40.0], &body, &[150.0, 50.0], 300.0);
        assert!(close(&w, &[150.0, 100.0]), "{w:?}");
    }
}
