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
        // The notes' runs stay live (the notes are few, and each note's
        // lines are taken whole from a flow of its own): a block nested in
        // a note (a quote, a list) is never at the top level that freezes.
        self.depth += 1;
        let book = self.doc;
        let mut out: Vec<Vec<FlowLine>> = Vec::with_capacity(book.notes.len());
        let outer = self.tags.container;
        // Per element, the (block, note) pairs whose note goes after the
        // block among its children, in order: set once all notes are made.
        let mut after: std::collections::HashMap<NodeId, Vec<(NodeId, NodeId)>> =
            Default::default();
        for (n, resolved) in book.notes.iter().enumerate() {
            let note_node = self.note_node(n, &mut after);
            self.tags.container = note_node;
            // The mark, a link back to the reference.
            let back = self.tags.add(StructRole::Link, None);
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
            let mut marker: Vec<Positioned> = lines
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
            claim(&mut marker, back);
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
            self.tags.container = outer;
            let lines: Vec<FlowLine> = std::mem::take(&mut self.flow)
                .into_iter()
                .map(|f| match f {
                    Flow::Line(l) => l,
                    Flow::Space(h) => FlowLine::unit(Vec::new(), h * 0.5),
                })
                .collect();
            out.push(lines);
        }
        self.place_note_nodes(after);
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
                line.notes = Box::default();
            }
        }
        self.depth -= 1;
        self.flow = body_flow;
        out
    }
}

impl Builder<'_, '_, '_> {
    /// The `Note` element of footnote `n`: right after the block holding
    /// its first reference (the nearest ancestor of the `Reference` whose
    /// parent may hold a block: a section, quote, list body, cell or
    /// note), after the notes already set there; so a screen reader reads
    /// a note once the sentence and block that call it are done, near
    /// where a sighted reader glances down to it, and never in the middle
    /// of a sentence. A note never referenced goes at the end.
    fn note_node(
        &mut self,
        n: usize,
        after: &mut std::collections::HashMap<NodeId, Vec<(NodeId, NodeId)>>,
    ) -> NodeId {
        let tree = &mut self.tags.tree;
        let Some(reference) = self.tags.first_refs.get(n).copied().flatten() else {
            return tree.add(StructTree::ROOT, StructRole::Note);
        };
        let holds_blocks = |r: StructRole| {
            matches!(
                r,
                StructRole::Document
                    | StructRole::Part
                    | StructRole::Sect
                    | StructRole::Div
                    | StructRole::BlockQuote
                    | StructRole::LBody
                    | StructRole::Td
                    | StructRole::Th(_)
                    | StructRole::Note
            )
        };
        let mut block = reference;
        let mut parent = tree.node(block).parent.unwrap_or(StructTree::ROOT);
        while !holds_blocks(tree.node(parent).role) {
            block = parent;
            parent = tree.node(block).parent.unwrap_or(StructTree::ROOT);
        }
        let note = tree.add(parent, StructRole::Note);
        after.entry(parent).or_default().push((block, note));
        note
    }

    /// Moves each note element [`Self::note_node`] made (added last among
    /// its parent's children) to right after its block, the notes after one
    /// block in the order they were made. Done once per parent for all its
    /// notes: moved one at a time, each note searched and shifted the
    /// parent's children, time in the product of the notes and the blocks
    /// (a 32,000-paragraph article with a note in each).
    fn place_note_nodes(
        &mut self,
        after: std::collections::HashMap<NodeId, Vec<(NodeId, NodeId)>>,
    ) {
        let tree = &mut self.tags.tree;
        for (parent, placed) in after {
            let notes: std::collections::HashSet<NodeId> = placed.iter().map(|p| p.1).collect();
            let mut by_block: std::collections::HashMap<NodeId, Vec<NodeId>> = Default::default();
            for &(block, note) in &placed {
                by_block.entry(block).or_default().push(note);
            }
            let kids = std::mem::take(&mut tree.node_mut(parent).children);
            let mut out = Vec::with_capacity(kids.len());
            for c in kids {
                if notes.contains(&c) {
                    continue;
                }
                out.push(c);
                if let Some(list) = by_block.remove(&c) {
                    out.extend(list);
                }
            }
            // A block not among the children (not met): its notes last,
            // in the order they were made.
            for &(block, note) in &placed {
                if by_block.contains_key(&block) {
                    out.push(note);
                }
            }
            tree.node_mut(parent).children = out;
        }
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
