//! Lists: hanging markers by depth, numbers from `start`, task boxes.

use super::*;

impl Builder<'_, '_, '_> {
    /// A line holding only a list marker (an item that starts with a non-paragraph).
    pub(super) fn marker_line(&mut self, marker: Vec<Positioned>, ctx: &Ctx) {
        let lines = vec![LineBox {
            items: Vec::new(),
            ascent: self.setup.body_ascent,
            descent: 0.0,
            ..LineBox::default()
        }];
        self.push_lines(
            lines,
            ctx,
            self.setup.leading,
            LineKind::Body,
            true,
            None,
            Some(marker),
        );
    }

    pub(super) fn list(&mut self, start: Option<u64>, tight: bool, items: &[ListItem], ctx: &Ctx) {
        let s = self.setup;
        let marker_style = self.style(Role::Body, Style::REGULAR, ctx.size);
        let last_number = start.map(|n| n.saturating_add(items.len() as u64));
        let least = s.theme.blocks.list_hang.pt(ctx.size, s.measure);
        let hang = match last_number {
            Some(n) => self.engine.measure(&format!("{n}."), &marker_style) + ctx.size * 0.6,
            None => least,
        }
        .max(least)
        .round();
        let bullets = &s.theme.blocks.bullets;
        let outer = self.tags.container;
        let list = self.tags.add(StructRole::L, None);
        for (i, item) in items.iter().enumerate() {
            let li = self.tags.tree.add(list, StructRole::Li);
            let lbl = self.tags.tree.add(li, StructRole::Lbl);
            if i > 0 && !tight {
                self.space(s.lines(s.theme.blocks.space));
            }
            let label = match (start, item.task) {
                (_, Some(true)) => "☑".to_string(),
                (_, Some(false)) => "☐".to_string(),
                (Some(n), None) => format!("{}.", n.saturating_add(i as u64)),
                (None, None) if bullets.is_empty() => "•".to_string(),
                (None, None) => bullets[ctx.list_depth % bullets.len()].clone(),
            };
            let label_style = if label == "◆" {
                TextStyle {
                    size: ctx.size * 0.6,
                    rise: ctx.size * 0.1,
                    ..marker_style.clone()
                }
            } else {
                marker_style.clone()
            };
            let lines =
                self.engine
                    .layout(&[Piece::Text(label, label_style)], hang, 0.0, Align::Left);
            let marker: Vec<Positioned> = lines
                .into_iter()
                .next()
                .map(|l| {
                    let gap = ctx.size * 0.45;
                    let shift = -(l.width + gap);
                    l.items
                        .into_iter()
                        .map(|mut it| {
                            it.pos.x += hang + shift;
                            it
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut inner = ctx.clone();
            inner.x += hang;
            inner.width -= hang;
            inner.list_depth += 1;
            // The marker sits in the hanging indent of the item's first line.
            let mut marker: Vec<Positioned> = marker
                .into_iter()
                .map(|mut it| {
                    it.pos.x -= hang;
                    it
                })
                .collect();
            claim(&mut marker, lbl);
            self.tags.container = self.tags.tree.add(li, StructRole::LBody);
            let mut prev_para = false;
            let mut marker = Some(marker);
            for block in &item.blocks {
                prev_para = self.block(block, &inner, prev_para && !tight, marker.take());
            }
            if let Some(m) = marker {
                self.marker_line(m, &inner);
            }
        }
        self.tags.container = outer;
    }
}
