//! Formulas in the flow: an inline formula as pieces set like letters of a
//! word, breakable after its relations and binary operators; a displayed
//! formula as one slot of its own, centred, with its equation numbers at
//! the right margin. The layout itself is [`crate::math::layout`]'s.
//!
//! Each formula is a `Formula` element of the structure tree with its
//! Unicode math text as `/Alt` (PDF/UA-1, ISO 14289-1 §7.7) and as
//! `/ActualText` (ISO 32000-1 §14.9.4), which the PDF writer puts on the
//! formula's marked content: copying it gives `x=(−b±√Δ)/(2a)`, not its
//! glyphs in drawing order. Each glyph still maps to its own character in
//! the font's ToUnicode map (`𝑥`, `=`, nothing for a piece of a grown
//! delimiter).

use super::{Builder, Ctx, Flow, FlowLine, LineKind};
use crate::doc::Span;
use crate::frame::{
    Cluster, Clusters, Fill, Glyph, GlyphOffset, GlyphRun, Item, NodeId, Point, Positioned, Rgb,
    StructRole, Tag,
};
use crate::math::Formula;
use crate::math::boxes::{MathFace, MathItem};
use crate::math::layout::{self, Align as MathAlign, Context, Placement};
use crate::typeset::inline::{InlineObject, MathJoin, Piece, TextStyle};

/// TeX's glue after a relation, per pt of its width: `\thickmuskip` is
/// 5mu plus 5mu (stretch 1×, no shrink).
const REL_GLUE: (f32, f32) = (1.0, 0.0);
/// After a binary operator: `\medmuskip` 4mu plus 2mu minus 4mu.
const BIN_GLUE: (f32, f32) = (0.5, 1.0);
/// `\relpenalty`: a break after a relation costs less than after a binary
/// operator (`\binoppenalty` 700).
const REL_PENALTY: i32 = 500;

impl Builder<'_, '_, '_> {
    /// The layout context for formulas at `size` pt, or `None` when the math
    /// face cannot be read (warned once; the formula then prints as its TeX).
    fn math_context(&mut self, size: f32, display: Option<Placement>) -> Option<Context> {
        match Context::new(self.engine.fonts, size, display) {
            Ok(ctx) => Some(ctx),
            Err(d) => {
                if self.warned.insert("<math face>".to_string()) {
                    self.warnings.push(("<math face>".to_string(), d));
                }
                None
            }
        }
    }

    /// An inline formula's pieces, in the style of the text around it.
    /// Returns false when it could not be set (no math face).
    pub(super) fn math_pieces(
        &mut self,
        f: &Formula,
        span: Span,
        st: &TextStyle,
        out: &mut Vec<Piece>,
    ) -> bool {
        let Some(ctx) = self.math_context(st.size, None) else {
            return false;
        };
        let b = layout::layout(f, &ctx);
        let parent = st.node.unwrap_or(self.tags.node);
        let node = self.formula_node(f, span, parent);
        // The pieces between breaks: [start item, end item), x range.
        let mut cuts: Vec<(usize, f32, f32, Option<MathJoin>)> = Vec::new();
        let (mut from, mut x0) = (0, 0.0);
        for br in &b.breaks {
            let w = (br.x_resume - br.x_end).max(0.0);
            let (stretch, shrink) = if br.penalty <= REL_PENALTY {
                REL_GLUE
            } else {
                BIN_GLUE
            };
            cuts.push((
                from,
                x0,
                br.x_end,
                Some(MathJoin {
                    penalty: br.penalty as f32,
                    width: w,
                    stretch: w * stretch,
                    shrink: w * shrink,
                }),
            ));
            (from, x0) = (br.item, br.x_resume);
        }
        cuts.push((from, x0, b.width, Some(MathJoin::END)));
        for (k, &(start, x_from, x_to, join)) in cuts.iter().enumerate() {
            let end = cuts.get(k + 1).map_or(b.items.len(), |c| c.0);
            let span = Some((x_from, x_to));
            let items = self.math_items(&b.items[start..end], span, -x_from, 0.0, &ctx, node);
            out.push(Piece::Object(
                InlineObject {
                    width: (x_to - x_from).max(0.0),
                    ascent: b.height,
                    descent: b.depth,
                    items,
                    math: join,
                },
                st.clone(),
            ));
        }
        true
    }

    /// A displayed formula: one slot the measure wide, centred (TeX's
    /// `$$…$$`), never broken across pages, with TeX's space above and below
    /// (`\abovedisplayskip`, `\belowdisplayskip`: 12pt plus 3pt minus 9pt at
    /// 10pt, about one line). Returns false when it could not be set.
    pub(super) fn display_math(&mut self, f: &Formula, span: Span, ctx: &Ctx) -> bool {
        let placement = Placement {
            measure: ctx.width,
            align: MathAlign::Center,
        };
        let Some(mctx) = self.math_context(ctx.size, Some(placement)) else {
            return false;
        };
        let b = layout::layout(f, &mctx);
        let s = self.setup;
        let skip = (s.leading * 0.5).round();
        // TeX's `\predisplaypenalty` 10000: no page break just before a
        // display; the line above goes with it.
        if let Some(Flow::Line(prev)) = self.flow.last_mut() {
            prev.keep_with_next = true;
        }
        self.space(skip);
        self.para += 1;
        let node = self.formula_node(f, span, self.tags.container);
        let height = b.height + b.depth;
        let items = self.math_items(&b.items, None, ctx.x, b.height, &mctx, node);
        self.flow.push(Flow::Line(FlowLine {
            para: super::n32(self.para),
            kind: LineKind::Other,
            ..FlowLine::unit(items, height.max(s.leading))
        }));
        self.space(skip);
        true
    }

    /// A `Formula` element for `f` in the element `parent`, with its text
    /// as `/Alt`.
    fn formula_node(&mut self, f: &Formula, span: Span, parent: NodeId) -> NodeId {
        let id = self.tags.tree.add(parent, StructRole::Formula);
        let n = self.tags.tree.node_mut(id);
        n.source = Some(span.start..span.end);
        let texts = n.texts_mut();
        texts.alt = Some(f.text.clone());
        texts.actual_text = Some(f.text.clone());
        id
    }

    /// The frame items for `items` of a formula's box (an inline piece
    /// spanning `span`, its left and right ends; a display its ink), moved
    /// by `dx` and
    /// with the box's baseline `baseline` pt below the items' origin (0 for
    /// an inline piece, whose origin is on its baseline). Glyphs of one face
    /// and size in a row make one run.
    fn math_items(
        &mut self,
        items: &[MathItem],
        span: Option<(f32, f32)>,
        dx: f32,
        baseline: f32,
        ctx: &Context,
        node: NodeId,
    ) -> Vec<Positioned> {
        let mut out: Vec<Positioned> = Vec::new();
        // The run being filled: its index in `out`, face, size and pen x.
        let mut open: Option<(usize, MathFace, f32, f32)> = None;
        // Text extractors (poppler's) place an `/ActualText` span from its
        // first glyph to its last: a formula starts and ends with a space
        // glyph of no advance on its baseline, so that the text around it
        // stays on its line whatever is drawn first and last (a numerator,
        // a denominator).
        let (space, space_em) = *self.math_space.get_or_insert_with(|| space_of(&ctx.math));
        let ends = span.or_else(|| self.extent(items)).map(|(x0, x1)| {
            let size = items
                .iter()
                .find_map(|i| match i {
                    MathItem::Glyph { size, .. } => Some(*size),
                    MathItem::Rule { .. } => None,
                })
                .unwrap_or(ctx.size);
            let end = |x: f32| MathItem::Glyph {
                x,
                y: 0.0,
                face: MathFace::Math,
                size,
                gid: space,
                advance: 0.0,
            };
            // The end marker's width as a viewer reads it (`/W`) ends at
            // the formula's right edge, so that a space after the formula
            // is still a gap.
            (end(x0), end(x1 - space_em * size))
        });
        let first = ends.as_ref().map(|e| &e.0);
        let last = ends.as_ref().map(|e| &e.1);
        // Glyphs first, rules after: a rule is drawn outside the text
        // object, which would end the formula's marked content (and its
        // `/ActualText`) before the glyphs after it.
        let glyphs = items.iter().filter(|i| matches!(i, MathItem::Glyph { .. }));
        let rules = items.iter().filter(|i| matches!(i, MathItem::Rule { .. }));
        for item in first.into_iter().chain(glyphs).chain(last).chain(rules) {
            match *item {
                MathItem::Glyph {
                    x,
                    y,
                    face,
                    size,
                    gid,
                    advance,
                } => {
                    let (gx, gy) = (x + dx, baseline - y);
                    let font_face = match face {
                        MathFace::Math => &ctx.math,
                        MathFace::Text(style) => ctx.text_face(style),
                    };
                    let fi = self.engine.register(font_face);
                    // What the glyph gives back on its own (its character;
                    // nothing for a piece of a grown delimiter).
                    let ch = self
                        .math_chars
                        .entry(fi)
                        .or_insert_with(|| glyph_chars(font_face))
                        .get(&gid)
                        .copied();
                    let mut buf = [0u8; 4];
                    let ch: &str = match ch {
                        // The markers of the formula's ends give back nothing.
                        Some(' ') | None => "",
                        Some(c) => c.encode_utf8(&mut buf),
                    };
                    if let Some((at, of, os, pen)) = open
                        && at + 1 == out.len()
                        && of == face
                        && os == size
                        && let Positioned {
                            pos: origin,
                            item: Item::Text(run),
                            ..
                        } = &mut out[at]
                    {
                        run.push_glyph(
                            Glyph {
                                id: gid,
                                x_advance: advance,
                            },
                            GlyphOffset {
                                x: gx - origin.x - pen,
                                y: origin.y - gy,
                            },
                        );
                        // One glyph for `ch`, one character as a rule:
                        // the cluster is implied while all of the run's are.
                        let n = run.glyphs.len() as u32;
                        let t = run.text.len() as u32;
                        run.text.push_str(ch);
                        let end = run.text.len() as u32;
                        if ch.chars().count() != 1 || run.clusters != Clusters::OnePerChar {
                            run.listed_clusters(t as usize, n as usize - 1)
                                .push(Cluster {
                                    text: t..end,
                                    glyphs: n - 1..n,
                                });
                        }
                        open = Some((at, of, os, pen + advance));
                        continue;
                    }
                    let t = ch.to_string();
                    out.push(Positioned {
                        pos: Point { x: gx, y: gy },
                        item: Item::text(GlyphRun {
                            font: self.engine.font_ids[fi],
                            size,
                            color: Rgb::BLACK,
                            glyphs: vec![Glyph {
                                id: gid,
                                x_advance: advance,
                            }]
                            .into(),
                            offsets: crate::frame::ThinVec::new(),
                            clusters: if t.chars().count() == 1 {
                                Clusters::OnePerChar
                            } else {
                                Clusters::Listed(crate::frame::ThinVec::from(vec![Cluster {
                                    text: 0..t.len() as u32,
                                    glyphs: 0..1,
                                }]))
                            },
                            text: t,
                            letter_spacing: 0.0,
                        }),
                        tag: Tag::Content(node),
                    });
                    open = Some((out.len() - 1, face, size, advance));
                }
                MathItem::Rule {
                    x,
                    y,
                    width,
                    height,
                } => {
                    out.push(Positioned {
                        pos: Point {
                            x: x + dx,
                            y: baseline - y - height,
                        },
                        item: Item::Fill(Fill {
                            width,
                            height,
                            color: Rgb::BLACK,
                        }),
                        tag: Tag::Content(node),
                    });
                }
            }
        }
        out
    }

    /// The horizontal extent of a formula's glyphs and rules (left, right), pt.
    fn extent(&self, items: &[MathItem]) -> Option<(f32, f32)> {
        items
            .iter()
            .map(|i| match *i {
                MathItem::Glyph { x, advance, .. } => (x, x + advance),
                MathItem::Rule { x, width, .. } => (x, x + width),
            })
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }
}

/// The face's space glyph and its advance in em (read once per document).
fn space_of(face: &crate::fonts::Face) -> (u16, f32) {
    let gid = face.glyph_id(' ').unwrap_or(0);
    let em = ttf_parser::Face::parse(&face.data, face.index)
        .ok()
        .and_then(|f| f.glyph_hor_advance(ttf_parser::GlyphId(gid)))
        .map_or(0.0, |a| f32::from(a) / f32::from(face.metrics.units_per_em));
    (gid, em)
}

/// Glyph id → character, from the face's Unicode `cmap` (the lowest code
/// point when several map to one glyph).
fn glyph_chars(face: &crate::fonts::Face) -> std::collections::HashMap<u16, char> {
    let mut out = std::collections::HashMap::new();
    let Ok(f) = ttf_parser::Face::parse(&face.data, face.index) else {
        return out;
    };
    let Some(cmap) = f.tables().cmap else {
        return out;
    };
    for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
        sub.codepoints(|cp| {
            if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                out.entry(g.0)
                    .and_modify(|old: &mut char| *old = (*old).min(c))
                    .or_insert(c);
            }
        });
    }
    out
}
