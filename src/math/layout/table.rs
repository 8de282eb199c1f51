//! Tables (`<mtable>`: matrices, `cases`, `aligned`, `gathered`) and the
//! placement of a display formula in its line with its equation numbers.

use super::{Align, Bx, Context, Engine, St, length};
use crate::math::boxes::MathBox;
use crate::math::{Element, Tag};

/// How a cell is aligned in its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColAlign {
    Left,
    Center,
    Right,
}

/// A cell's alignment and paddings from math-core's `style` attribute
/// (`text-align: right;padding-right: 0;padding-left:1em;`).
fn cell_style(style: Option<&str>, em: f32) -> (ColAlign, Option<f32>, Option<f32>) {
    let mut align = ColAlign::Center;
    let (mut left, mut right) = (None, None);
    for decl in style.unwrap_or("").split(';') {
        let Some((name, value)) = decl.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim() {
            "text-align" => {
                align = match value {
                    "left" | "start" => ColAlign::Left,
                    "right" | "end" => ColAlign::Right,
                    _ => ColAlign::Center,
                }
            }
            "padding-left" => left = length(Some(value), em),
            "padding-right" => right = length(Some(value), em),
            _ => {}
        }
    }
    (align, left, right)
}

/// One laid-out row: its cells with alignment and paddings.
struct Row {
    cells: Vec<(Bx, ColAlign, Option<f32>, Option<f32>)>,
    h: f32,
    d: f32,
}

impl Engine<'_> {
    /// The cells of `rows` laid out.
    fn rows(&self, rows: &[&Element], st: St) -> Vec<Row> {
        let em = self.em(st);
        rows.iter()
            .map(|tr| {
                let cells: Vec<_> = tr
                    .elements()
                    .filter(|c| c.tag == Tag::Mtd)
                    .map(|td| {
                        let mut b = self.row(&td.children, st, false);
                        let (a, l, r) = cell_style(td.attr("style"), em);
                        if l == Some(0.0) {
                            b = self.lead(td, b, st);
                        }
                        (b, a, l, r)
                    })
                    .collect();
                let h = cells.iter().map(|c| c.0.h).fold(0.0, f32::max);
                let d = cells.iter().map(|c| c.0.d).fold(0.0, f32::max);
                Row { cells, h, d }
            })
            .collect()
    }

    /// The right cell of an `aligned` pair that starts with a relation or
    /// binary operator gets the space it has after an Ord (amsmath's `{}`
    /// before `&=`).
    fn lead(&self, td: &Element, b: Bx, st: St) -> Bx {
        let Some(first) = td.elements().next().filter(|e| e.tag == Tag::Mo) else {
            return b;
        };
        let class = super::spacing::class_of(&first.text());
        if !matches!(
            class,
            super::spacing::Class::Rel | super::spacing::Class::Bin
        ) {
            return b;
        }
        let s = super::spacing::space_mu(super::spacing::Class::Ord, class, st.script() > 0)
            * self.em(st)
            / 18.0;
        let mut out = Bx::default();
        out.put(&b, s, 0.0);
        out.w = b.w + s;
        out
    }

    /// Rows set in columns, the columns `1em` apart unless the cells say
    /// otherwise (`aligned`'s right–left pairs touch), rows at least
    /// `\baselineskip` (1.2 em) apart with TeX's strut (0.7/0.3 of it) and
    /// `\jot` (3pt) more in display style; baselines of each row returned
    /// (y, from the table's top row down).
    fn grid(&self, rows: &[Row], st: St) -> (Bx, Vec<f32>) {
        let em = self.em(st);
        let ncols = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let mut widths = vec![0.0f32; ncols];
        for r in rows {
            for (i, c) in r.cells.iter().enumerate() {
                widths[i] = widths[i].max(c.0.w);
            }
        }
        // The gap after column i: its cells' right padding plus the next
        // column's left padding (MathML's default 0.5em each).
        let mut gaps = vec![0.0f32; ncols.saturating_sub(1)];
        for (i, g) in gaps.iter_mut().enumerate() {
            let right = rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|c| c.3.unwrap_or(0.5 * em))
                .fold(0.0, f32::max);
            let left = rows
                .iter()
                .filter_map(|r| r.cells.get(i + 1))
                .map(|c| c.2.unwrap_or(0.5 * em))
                .fold(0.0, f32::max);
            *g = right + left;
        }
        let strut_h = 0.7 * 1.2 * em;
        let strut_d = 0.3 * 1.2 * em;
        let jot = if st.display() { 0.3 * em } else { 0.0 };
        let mut out = Bx::default();
        let mut y = 0.0;
        let mut baselines = Vec::new();
        for (ri, r) in rows.iter().enumerate() {
            let h = r.h.max(strut_h);
            if ri > 0 {
                y -= h + jot;
            }
            baselines.push(y);
            let mut x = 0.0;
            for (i, c) in r.cells.iter().enumerate() {
                let slack = widths[i] - c.0.w;
                let dx = match c.1 {
                    ColAlign::Left => 0.0,
                    ColAlign::Center => slack / 2.0,
                    ColAlign::Right => slack,
                };
                out.put(&c.0, x + dx, y);
                x += widths[i] + gaps.get(i).copied().unwrap_or(0.0);
            }
            y -= r.d.max(strut_d);
        }
        out.w = widths.iter().sum::<f32>() + gaps.iter().sum::<f32>();
        if let Some(first) = rows.first() {
            out.h = out.h.max(first.h.max(strut_h));
        }
        out.d = out.d.max(-y);
        (out, baselines)
    }

    /// `<mtable>` centred on the axis.
    pub fn table(&self, e: &Element, st: St) -> Bx {
        let rows: Vec<&Element> = e.elements().filter(|r| r.tag == Tag::Mtr).collect();
        let rows = self.rows(&rows, st);
        let (grid, _) = self.grid(&rows, st);
        self.on_axis(grid, st)
    }

    /// A numbered display (`equation`, `align`, `\tag`): the rows without
    /// math-core's spacer and label cells, and each label with its row's
    /// baseline (y, pt; the first row's baseline is 0).
    pub fn numbered_table(&self, e: &Element, st: St) -> (Bx, Vec<(f32, Bx)>) {
        let trs: Vec<&Element> = e.elements().filter(|r| r.tag == Tag::Mtr).collect();
        let mut rows = self.rows(&trs, st);
        let mut labels = Vec::new();
        for (tr, row) in trs.iter().zip(rows.iter_mut()) {
            let cells: Vec<&Element> = tr.elements().collect();
            let spacer = cells
                .first()
                .is_some_and(|c| c.attr("style").is_some_and(|s| s.starts_with("width: 50%")));
            let label = cells.len() >= 2
                && cells
                    .last()
                    .is_some_and(|c| c.attr("style").is_some_and(|s| s.starts_with("width: 50%")));
            let label_box = if label { row.cells.pop() } else { None };
            if spacer && !row.cells.is_empty() {
                row.cells.remove(0);
            }
            row.h = row.cells.iter().map(|c| c.0.h).fold(0.0, f32::max);
            row.d = row.cells.iter().map(|c| c.0.d).fold(0.0, f32::max);
            labels.push(label_box.map(|c| c.0));
        }
        let (grid, baselines) = self.grid(&rows, st);
        let labels = baselines
            .into_iter()
            .zip(labels)
            .filter_map(|(y, l)| l.map(|l| (y, l)))
            .collect();
        (grid, labels)
    }

    /// A display formula in its line: centred (or indented) in the
    /// measure, each equation number flush right on its row's baseline, or
    /// on a line of its own below the row when it does not fit beside it
    /// with a quad between (TeXbook, Appendix G rule 6 of displays).
    pub fn place_display(&self, body: Bx, labels: Vec<(f32, Bx)>, ctx: &Context) -> MathBox {
        let em = ctx.size;
        let quad = em;
        let (measure, align) = match ctx.display {
            Some(p) => (p.measure, p.align),
            None => {
                let widest = labels.iter().map(|l| l.1.w).fold(0.0, f32::max);
                let extra = if labels.is_empty() {
                    0.0
                } else {
                    quad + widest
                };
                (body.w + extra, super::Align::Left { indent: 0.0 })
            }
        };
        let x = match align {
            Align::Center => ((measure - body.w) / 2.0).max(0.0),
            Align::Left { indent } => indent,
        };
        let mut out = Bx::default();
        out.put(&body, x, 0.0);
        for (y, label) in &labels {
            let lx = measure - label.w;
            if x + body.w + quad <= lx {
                out.put(label, lx, *y);
            } else {
                // Below the body: the label's top a strut under its depth.
                let below = y - body.d.max(0.3 * 1.2 * em) - label.h.max(0.7 * 1.2 * em);
                let below = below.min(-body.d - label.h);
                out.put(label, lx, below);
            }
        }
        out.w = measure.max(x + body.w);
        MathBox {
            width: out.w,
            height: out.h,
            depth: out.d,
            items: out.items,
            breaks: Vec::new(),
        }
    }
}
