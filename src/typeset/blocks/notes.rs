//! Footnotes: laid out apart, in the resolved order (`Book::notes`).

use super::*;

impl Builder<'_, '_, '_> {
    /// Lays out each footnote, numbered in order of reference, at the
    /// footnote size with its number in a hanging indent. A note first
    /// referenced inside another note is appended to that note.
    pub(super) fn notes(&mut self) -> Vec<Vec<FlowLine>> {
        let s = self.setup;
        let size = s.small();
        let ctx = Ctx {
            x: 0.0,
            width: s.measure,
            quote_rules: Vec::new(),
            size,
            list_depth: 0,
        };
        let body_flow = std::mem::take(&mut self.flow);
        let book = self.doc;
        let mut out: Vec<Vec<FlowLine>> = Vec::with_capacity(book.notes.len());
        for resolved in &book.notes {
            let note = &book.footnotes[resolved.footnote];
            let mut st = self.style(Role::Body, Style::REGULAR, size);
            st.link = Some(LinkTarget::Anchor(resolved.ref_ids[0].clone()));
            // The printed mark (per chapter in a book), not the identity.
            let number = format!("{}.", resolved.mark);
            let lines = self.engine.layout(
                &[Piece::Anchor(resolved.id.clone()), Piece::Text(number, st)],
                s.measure,
                0.0,
                Align::Left,
            );
            let hang = s.theme.blocks.note_hang.pt(size, s.measure).round();
            let marker: Vec<Positioned> = lines
                .into_iter()
                .next()
                .map(|l| l.items)
                .unwrap_or_default()
                .into_iter()
                .map(|mut it| {
                    it.pos.x -= hang;
                    it
                })
                .collect();
            let inner = Ctx {
                x: hang,
                width: s.measure - hang,
                ..ctx.clone()
            };
            let mut marker = Some(marker);
            let mut prev = false;
            for block in &note.blocks {
                prev = self.block(block, &inner, prev, marker.take());
            }
            if let Some(m) = marker {
                self.marker_line(m, &inner);
            }
            let lines: Vec<FlowLine> = std::mem::take(&mut self.flow)
                .into_iter()
                .map(|f| match f {
                    Flow::Line(l) => l,
                    Flow::Space(h) => FlowLine::unit(Vec::new(), h * 0.5),
                })
                .collect();
            out.push(lines);
        }
        // Notes referenced from inside a note travel with that note.
        for n in 0..out.len() {
            let nested: Vec<usize> = out[n]
                .iter()
                .flat_map(|l| l.notes.clone())
                .filter(|&m| m > n)
                .collect();
            for m in nested {
                let moved = std::mem::take(&mut out[m]);
                out[n].extend(moved);
            }
            for line in &mut out[n] {
                line.notes.clear();
            }
        }
        self.flow = body_flow;
        out
    }
}

/// The notes (zero-based) whose first reference is among `items`.
pub(super) fn note_refs(items: &[Positioned]) -> Vec<usize> {
    items
        .iter()
        .filter_map(|it| match it.item {
            Item::NoteRef(n) => Some(n),
            _ => None,
        })
        .collect()
}
