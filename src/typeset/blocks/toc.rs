//! The printed table of contents (`toc: true`): after the title block, the
//! headings of the top two levels with dot leaders and page numbers, each
//! entry a link to its heading. Leaders are drawn, not typed, so they add no
//! text to copy or search.

use super::*;
use crate::frame::{ArtifactKind, Tag};

/// A heading listed in the contents.
#[derive(Clone, Debug, PartialEq)]
pub struct TocEntry {
    /// The heading's anchor id.
    pub id: String,
    /// Its text (with its number when headings are numbered).
    pub text: String,
    /// Depth below the top level the body uses (0 or 1).
    pub depth: usize,
    /// A book's part: listed above its chapters, without a folio.
    pub part: bool,
    /// In a book, a heading of a chapter in a titled part (the first entry
    /// after a part's last one is set apart).
    pub in_part: bool,
}

/// The headings the contents list (decided by the resolver: the two
/// highest levels of the heading tree); in a book, each titled part above
/// the first heading of its chapters.
pub fn toc_entries(book: &Book) -> Vec<TocEntry> {
    let mut out = Vec::new();
    let mut last_part = None;
    for h in book.contents() {
        let part = book.chapters.get(h.chapter).and_then(|c| c.part);
        if part != last_part
            && let Some(p) = part.and_then(|p| book.parts.get(p))
            && !p.title.trim().is_empty()
        {
            out.push(TocEntry {
                id: p.id.clone(),
                text: p.title.clone(),
                depth: 0,
                part: true,
                in_part: false,
            });
        }
        last_part = part;
        out.push(TocEntry {
            id: h.id.clone(),
            text: h.text.clone(),
            depth: usize::from(h.depth.min(1)),
            part: false,
            in_part: part
                .and_then(|p| book.parts.get(p))
                .is_some_and(|p| !p.title.trim().is_empty()),
        });
    }
    out
}

impl Builder<'_, '_, '_> {
    /// Lays out the contents; `pages` holds each entry's folio (from a
    /// previous pass), or `None` on the first pass (numbers then print as
    /// blanks of the same width class).
    pub(super) fn toc(&mut self, pages: Option<&[String]>) {
        let s = self.setup;
        let entries = toc_entries(self.doc);
        if entries.is_empty() {
            return;
        }
        let ctx = Ctx {
            x: 0.0,
            width: s.measure,
            quote_rules: Vec::new(),
            size: s.body_size,
            list_depth: 0,
        };
        self.space(s.leading);
        let size = (s.body_size * 1.3 * 2.0).round() / 2.0;
        let head = self.style(
            Role::Heading,
            Style {
                bold: true,
                italic: false,
            },
            size,
        );
        // The contents' title an `H1`, its entries `TOCI`s of a `TOC`, each
        // a `Link` to its heading.
        self.tags.container = StructTree::ROOT;
        self.tags.leaf(StructRole::H(1), None);
        let toc = self.tags.add(StructRole::Toc, None);
        let lines = self.engine.layout(
            &[Piece::Text(self.doc.words.toc.into(), head)],
            s.measure,
            0.0,
            Align::Left,
        );
        // A book's contents is a page of its own, in the outline.
        let book = self.doc.form == crate::resolve::Form::Book;
        self.push_lines(
            lines,
            &ctx,
            (size * 1.25).round(),
            LineKind::Heading,
            true,
            book.then(|| (self.doc.words.toc.to_string(), 1)),
            None,
        );
        self.space(s.leading * 0.5);
        let mut in_part = false;
        for (i, e) in entries.into_iter().enumerate() {
            let bold = e.depth == 0;
            let leaves_part = in_part && !e.part && !e.in_part;
            in_part = e.part || e.in_part;
            if (e.part || leaves_part) && i > 0 {
                self.space(s.leading * 0.75);
            } else if bold && i > 0 {
                self.space(s.leading * 0.25);
            }
            // A part: its title a little larger, no leaders, no folio.
            let st = self.style(
                if e.part { Role::Heading } else { Role::Body },
                Style {
                    bold,
                    italic: false,
                },
                if e.part {
                    (s.body_size * 1.1 * 2.0).round() / 2.0
                } else {
                    s.body_size
                },
            );
            let folio = match pages {
                _ if e.part => String::new(),
                Some(p) => p.get(i).cloned().unwrap_or_default(),
                None => "00".into(),
            };
            let num_w = self.engine.measure(&folio, &st);
            let indent = e.depth as f32 * s.indent;
            let gap = s.body_size * 2.5;
            // The same room for every number, whatever the pass knows.
            let room = self.engine.measure("000", &st).max(num_w);
            let avail = s.measure - indent - gap - room;
            // A contents entry is a display line: words and names whole.
            let mut lines =
                self.engine
                    .layout_display(&[Piece::Text(e.text, st.clone())], avail, Align::Left);
            let Some(last_line) = lines.last_mut() else {
                continue;
            };
            // Dot leaders from the end of the text to the number (none
            // for a part, which has no number).
            let start = last_line.width + s.body_size * 0.5;
            let end = if e.part {
                start
            } else {
                s.measure - indent - num_w - s.body_size * 0.5
            };
            let step = s.body_size * 0.45;
            let mut x = (start / step).ceil() * step;
            while x < end {
                last_line.items.push(Positioned {
                    pos: Point { x, y: -0.8 },
                    item: Item::Fill(Fill {
                        width: 0.7,
                        height: 0.7,
                        color: s.theme.colours.faint.0,
                    }),
                    tag: Tag::Artifact(ArtifactKind::Layout),
                });
                x += step;
            }
            if pages.is_some() && !e.part {
                let num = self.engine.layout(
                    &[Piece::Text(folio, st.clone())],
                    num_w + 1.0,
                    0.0,
                    Align::Left,
                );
                if let Some(n) = num.into_iter().next() {
                    for mut it in n.items {
                        it.pos.x += s.measure - indent - num_w;
                        last_line.items.push(it);
                    }
                }
            }
            let toci = self.tags.tree.add(toc, StructRole::Toci);
            let link = self.tags.tree.add(toci, StructRole::Link);
            self.tags.node = link;
            let count = lines.len();
            let line_h = s.leading;
            let inner = Ctx {
                x: indent,
                width: s.measure - indent,
                ..ctx.clone()
            };
            let before = self.flow.len();
            self.push_lines(lines, &inner, line_h, LineKind::Body, true, None, None);
            // The whole entry is one link to its heading.
            for (k, f) in self.flow[before..].iter_mut().enumerate() {
                if let Flow::Line(l) = f {
                    // `push_lines` gave the slot room for its own items only.
                    l.items.reserve_exact(1);
                    l.items.push(Positioned {
                        pos: Point { x: 0.0, y: 0.0 },
                        item: Item::link(crate::frame::LinkArea {
                            width: s.measure,
                            height: l.height,
                            target: LinkTarget::Anchor(e.id.clone()),
                        }),
                        tag: Tag::Content(link),
                    });
                    l.keep_with_next = k + 1 < count;
                }
            }
        }
        self.space(s.leading);
    }
}
