//! Blocks → a vertical flow of lines and boxes, with keep constraints.
//!
//! Each body line carries its paragraph number, index and line count so that
//! the paginator can keep at least two lines of a paragraph together at a
//! page's foot (no orphans) and head (no widows); heading lines are kept with
//! what follows. Quote rules and code tints are drawn line by line, so they
//! split across pages with the text.

use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{
    Align as DocAlign, Block, BlockKind, Document, Inline, InlineKind, ListItem, plain_text,
};
use crate::fonts::{Role, Style};
use crate::frame::{Fill, Image, ImageFormat, Item, Line, LinkTarget, Point, Positioned, Rgb};
use crate::typeset::inline::{Align, InlineEngine, LineBox, Piece, TextStyle};
use crate::typeset::setup::PageSetup;

/// What a line belongs to, for the paginator's rules and its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Body text: paragraphs, list items, quotes, footnotes.
    Body,
    /// A heading (never left at a page's foot).
    Heading,
    /// The title block on page 1.
    Title,
    /// Code, table rows, figures: kept as units.
    Other,
}

/// One line (or unbreakable box) of the flow.
#[derive(Clone, Debug)]
pub struct FlowLine {
    /// Items relative to the slot's top-left corner (x = left of the text block).
    pub items: Vec<Positioned>,
    /// Height of the slot.
    pub height: f32,
    /// Do not break the page after this slot.
    pub keep_with_next: bool,
    /// Paragraph number (unique per paragraph).
    pub para: usize,
    /// Index of the line in its paragraph.
    pub index: usize,
    /// Lines in the paragraph.
    pub count: usize,
    /// What the line is.
    pub kind: LineKind,
    /// Whether the text was justified to the full measure.
    pub justified: bool,
    /// An outline entry (heading text and level) starting at this slot.
    pub outline: Option<(String, u8)>,
    /// Footnotes (zero-based numbers) first referenced on this line: they go
    /// to the foot of the page that holds the line.
    pub notes: Vec<usize>,
    /// For a table body row: the header row, repeated at the top of a page
    /// that starts inside the table.
    pub header: Option<Box<FlowLine>>,
}

/// The typeset flow: body slots and, per footnote, its lines.
pub struct FlowDoc {
    /// Title block and body.
    pub body: Vec<Flow>,
    /// Lines of footnote n (zero-based), in order of reference.
    pub notes: Vec<Vec<FlowLine>>,
    /// Warnings found while laying out.
    pub diags: Diagnostics,
}

/// An element of the vertical flow.
#[derive(Clone, Debug)]
pub enum Flow {
    /// A line or box.
    Line(FlowLine),
    /// Vertical space (dropped at the top of a page).
    Space(f32),
}

/// Horizontal context of nested blocks.
#[derive(Clone)]
struct Ctx {
    x: f32,
    width: f32,
    /// x positions of the rules of enclosing block quotes.
    quote_rules: Vec<f32>,
    /// Text size for body text here (smaller in footnotes).
    size: f32,
    list_depth: usize,
}

/// Builds the flow: title block, body, then notes.
pub fn build_flow(doc: &Document, setup: &PageSetup, engine: &mut InlineEngine) -> FlowDoc {
    let mut b = Builder {
        doc,
        setup,
        engine,
        flow: Vec::new(),
        para: 0,
        notes: doc.footnote_order(),
        lang: Arc::from(doc.meta.lang.as_str()),
        diags: Diagnostics::default(),
        warned: Default::default(),
    };
    b.title_block();
    let ctx = Ctx {
        x: 0.0,
        width: setup.measure,
        quote_rules: Vec::new(),
        size: setup.body_size,
        list_depth: 0,
    };
    b.blocks(&doc.blocks, &ctx);
    let notes = b.notes();
    FlowDoc {
        body: b.flow,
        notes,
        diags: b.diags,
    }
}

struct Builder<'a, 'e, 'f> {
    doc: &'a Document,
    setup: &'a PageSetup,
    engine: &'e mut InlineEngine<'f>,
    flow: Vec<Flow>,
    para: usize,
    notes: Vec<String>,
    lang: Arc<str>,
    /// Warnings for the user (inline HTML the PDF cannot render).
    diags: Diagnostics,
    /// Tags already warned about (one warning per tag name).
    warned: std::collections::BTreeSet<String>,
}

impl Builder<'_, '_, '_> {
    fn style(&self, role: Role, style: Style, size: f32) -> TextStyle {
        TextStyle {
            role,
            style,
            size,
            color: Rgb::BLACK,
            rise: 0.0,
            strike: false,
            underline: false,
            link: None,
            lang: Arc::clone(&self.lang),
        }
    }

    fn space(&mut self, amount: f32) {
        if let Some(Flow::Space(s)) = self.flow.last_mut() {
            *s = s.max(amount);
        } else if !self.flow.is_empty() {
            self.flow.push(Flow::Space(amount));
        }
    }

    /// Appends laid-out lines as flow slots of `height` each.
    #[allow(clippy::too_many_arguments)]
    fn push_lines(
        &mut self,
        lines: Vec<LineBox>,
        ctx: &Ctx,
        height: f32,
        kind: LineKind,
        keep_all: bool,
        outline: Option<(String, u8)>,
        mut marker: Option<Vec<Positioned>>,
    ) {
        self.para += 1;
        let count = lines.len();
        for (index, line) in lines.into_iter().enumerate() {
            let h = height.max(line.ascent + line.descent);
            let baseline = (h + line.ascent - line.descent) / 2.0;
            let mut items: Vec<Positioned> = Vec::with_capacity(line.items.len() + 2);
            for mut it in line.items {
                it.pos.x += ctx.x;
                it.pos.y += baseline;
                items.push(it);
            }
            if let Some(m) = marker.take() {
                for mut it in m {
                    it.pos.x += ctx.x;
                    it.pos.y += baseline;
                    items.push(it);
                }
            }
            for &rx in &ctx.quote_rules {
                items.push(Positioned {
                    pos: Point { x: rx, y: 0.0 },
                    item: Item::Line(Line {
                        to: Point { x: 0.0, y: h },
                        thickness: 1.2,
                        color: Rgb(0.6, 0.6, 0.6),
                    }),
                });
            }
            let keep =
                keep_all || (count >= 2 && (index == 0 || index + 2 == count)) && index + 1 < count;
            let notes = note_refs(&items);
            self.flow.push(Flow::Line(FlowLine {
                items,
                height: h,
                keep_with_next: keep || (keep_all && index + 1 == count),
                para: self.para,
                index,
                count,
                kind,
                justified: line.justified,
                outline: if index == 0 { outline.clone() } else { None },
                notes,
                header: None,
            }));
        }
    }

    fn title_block(&mut self) {
        let s = self.setup;
        let meta = &self.doc.meta;
        let ctx = Ctx {
            x: 0.0,
            width: s.measure,
            quote_rules: Vec::new(),
            size: s.body_size,
            list_depth: 0,
        };
        let mut kicker = Vec::new();
        if let Some(d) = self.doc.dateline() {
            kicker.push(d);
        }
        if let Some(src) = &meta.source {
            kicker.push(src.clone());
        }
        if !kicker.is_empty() {
            let mut st = self.style(Role::Body, Style::REGULAR, s.body_size * 0.85);
            st.color = s.muted;
            let lines = self.engine.layout(
                &[Piece::Text(kicker.join(" · "), st)],
                s.measure,
                0.0,
                Align::Left,
            );
            self.push_lines(lines, &ctx, s.leading, LineKind::Title, true, None, None);
            self.space(s.leading * 0.25);
        }
        let title = meta.title.clone().unwrap_or_default();
        let size = (s.body_size * 1.9).round();
        let st = self.style(
            Role::Heading,
            Style {
                bold: true,
                italic: false,
            },
            size,
        );
        let lines =
            self.engine
                .layout_balanced(&[Piece::Text(title.clone(), st)], s.measure, Align::Left);
        self.push_lines(
            lines,
            &ctx,
            (size * 1.22).round(),
            LineKind::Title,
            true,
            Some((title, 1)),
            None,
        );
        if let Some(sub) = &meta.subtitle {
            self.space(s.leading * 0.25);
            let size = (s.body_size * 1.3).round();
            let st = self.style(Role::Heading, Style::REGULAR, size);
            let lines =
                self.engine
                    .layout(&[Piece::Text(sub.clone(), st)], s.measure, 0.0, Align::Left);
            self.push_lines(lines, &ctx, size * 1.3, LineKind::Title, true, None, None);
        }
        if !meta.authors.is_empty() {
            self.space(s.leading * 0.5);
            let st = self.style(Role::Heading, Style::REGULAR, s.body_size);
            let lines = self.engine.layout(
                &[Piece::Text(meta.authors.join(", "), st)],
                s.measure,
                0.0,
                Align::Left,
            );
            self.push_lines(lines, &ctx, s.leading, LineKind::Title, true, None, None);
        }
        // A rule closes the title block.
        self.space(s.leading * 0.5);
        self.flow.push(Flow::Line(FlowLine {
            items: vec![Positioned {
                pos: Point {
                    x: 0.0,
                    y: s.leading * 0.5,
                },
                item: Item::Line(Line {
                    to: Point {
                        x: s.measure,
                        y: 0.0,
                    },
                    thickness: 0.6,
                    color: Rgb::BLACK,
                }),
            }],
            height: s.leading,
            keep_with_next: true,
            para: 0,
            index: 0,
            count: 1,
            kind: LineKind::Title,
            justified: false,
            outline: None,
            notes: Vec::new(),
            header: None,
        }));
        self.para += 1;
    }

    fn blocks(&mut self, blocks: &[Block], ctx: &Ctx) {
        let mut prev_para = false;
        for block in blocks {
            prev_para = self.block(block, ctx, prev_para, None);
        }
    }

    /// Lays out one block; returns whether it was a paragraph (for indents).
    fn block(
        &mut self,
        block: &Block,
        ctx: &Ctx,
        prev_para: bool,
        marker: Option<Vec<Positioned>>,
    ) -> bool {
        let s = self.setup;
        let half = s.leading * 0.5;
        match &block.kind {
            BlockKind::Paragraph(content) => {
                if let [
                    Inline {
                        kind: InlineKind::Image { src, title, alt },
                        ..
                    },
                ] = content.as_slice()
                    && marker.is_none()
                    && self.figure(src, title, alt, ctx)
                {
                    return false;
                }
                let base = self.style(Role::Body, Style::REGULAR, ctx.size);
                let pieces = self.pieces(content, &base);
                let indent = if prev_para { s.indent } else { 0.0 };
                let align = if ctx.width < s.body_size * 18.0 {
                    Align::Left
                } else {
                    Align::Justify
                };
                let lines = self.engine.layout(&pieces, ctx.width, indent, align);
                let lead = if ctx.size < s.body_size {
                    (s.leading * ctx.size / s.body_size).round()
                } else {
                    s.leading
                };
                self.push_lines(lines, ctx, lead, LineKind::Body, false, None, marker);
                true
            }
            BlockKind::Heading {
                level, id, content, ..
            } => {
                let level = *level;
                let factor = match level {
                    1 => 1.55,
                    2 => 1.3,
                    3 => 1.12,
                    _ => 1.0,
                };
                let size = (s.body_size * factor * 2.0).round() / 2.0;
                self.space(s.leading * if level <= 2 { 1.5 } else { 1.0 });
                let base = self.style(
                    Role::Heading,
                    Style {
                        bold: true,
                        italic: false,
                    },
                    size,
                );
                let mut pieces = vec![Piece::Anchor(id.clone())];
                pieces.extend(self.pieces(content, &base));
                let lines = self.engine.layout_balanced(&pieces, ctx.width, Align::Left);
                let text = plain_text(content);
                self.push_lines(
                    lines,
                    ctx,
                    (size * 1.25).round(),
                    LineKind::Heading,
                    true,
                    Some((text, level + 1)),
                    marker,
                );
                self.space(half);
                false
            }
            BlockKind::BlockQuote(children) => {
                self.space(half);
                let mut inner = ctx.clone();
                let step = (s.body_size * 1.5).round();
                inner.quote_rules.push(ctx.x + step * 0.3);
                inner.x += step;
                inner.width -= step;
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.blocks(children, &inner);
                self.space(half);
                false
            }
            BlockKind::List {
                start,
                tight,
                items,
            } => {
                self.space(if ctx.list_depth == 0 { half } else { 0.0 });
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.list(*start, *tight, items, ctx);
                self.space(if ctx.list_depth == 0 { half } else { 0.0 });
                false
            }
            BlockKind::CodeBlock { text, .. } => {
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.code_block(text, ctx);
                false
            }
            BlockKind::Table {
                aligns,
                header,
                rows,
            } => {
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.table(aligns, header, rows, ctx);
                false
            }
            BlockKind::ThematicBreak => {
                self.space(half);
                let w = (ctx.width * 0.25).round();
                self.flow.push(Flow::Line(self.rule_slot(
                    ctx.x + (ctx.width - w) / 2.0,
                    w,
                    s.leading,
                )));
                self.space(half);
                false
            }
            BlockKind::Html(html) => {
                let text = crate::typeset::blocks::html_block_text(html);
                if text.trim().is_empty() {
                    return prev_para;
                }
                let base = self.style(Role::Body, Style::REGULAR, ctx.size);
                let lines =
                    self.engine
                        .layout(&[Piece::Text(text, base)], ctx.width, 0.0, Align::Left);
                self.push_lines(lines, ctx, s.leading, LineKind::Body, false, None, marker);
                true
            }
        }
    }

    fn rule_slot(&self, x: f32, width: f32, height: f32) -> FlowLine {
        FlowLine {
            items: vec![Positioned {
                pos: Point { x, y: height / 2.0 },
                item: Item::Line(Line {
                    to: Point { x: width, y: 0.0 },
                    thickness: 0.5,
                    color: Rgb::BLACK,
                }),
            }],
            height,
            keep_with_next: false,
            para: 0,
            index: 0,
            count: 1,
            kind: LineKind::Other,
            justified: false,
            outline: None,
            notes: Vec::new(),
            header: None,
        }
    }

    /// A line holding only a list marker (an item that starts with a non-paragraph).
    fn marker_line(&mut self, marker: Vec<Positioned>, ctx: &Ctx) {
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

    fn list(&mut self, start: Option<u64>, tight: bool, items: &[ListItem], ctx: &Ctx) {
        let s = self.setup;
        let marker_style = self.style(Role::Body, Style::REGULAR, ctx.size);
        let last_number = start.map(|n| n.saturating_add(items.len() as u64));
        let hang = match last_number {
            Some(n) => self.engine.measure(&format!("{n}."), &marker_style) + ctx.size * 0.6,
            None => ctx.size * 1.4,
        }
        .max(ctx.size * 1.4)
        .round();
        for (i, item) in items.iter().enumerate() {
            if i > 0 && !tight {
                self.space(s.leading * 0.5);
            }
            let label = match (start, item.task) {
                (_, Some(true)) => "☑".to_string(),
                (_, Some(false)) => "☐".to_string(),
                (Some(n), None) => format!("{}.", n.saturating_add(i as u64)),
                (None, None) => ["•", "–", "◆", "·"][ctx.list_depth % 4].to_string(),
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
            let marker: Vec<Positioned> = marker
                .into_iter()
                .map(|mut it| {
                    it.pos.x -= hang;
                    it
                })
                .collect();
            let mut prev_para = false;
            let mut marker = Some(marker);
            for block in &item.blocks {
                prev_para = self.block(block, &inner, prev_para && !tight, marker.take());
            }
            if let Some(m) = marker {
                self.marker_line(m, &inner);
            }
        }
    }

    fn code_block(&mut self, text: &str, ctx: &Ctx) {
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
                    items,
                    height: h,
                    // Keep the first two and last two lines of a code block together.
                    keep_with_next: (first && (n > 1 || count > 1))
                        || (i + 2 == n && k + 1 == count)
                        || k + 1 < count,
                    para: self.para + 1,
                    index: 0,
                    count: 1,
                    kind: LineKind::Other,
                    justified: false,
                    outline: None,
                    notes: Vec::new(),
                    header: None,
                }));
            }
        }
        self.para += 1;
        self.space(s.leading * 0.5);
    }

    /// Code size whose x-height matches the body's (monospace looks larger).
    fn code_size(&self, body: f32) -> f32 {
        let b = self.engine.fonts.face(Role::Body, Style::REGULAR).metrics;
        let c = self.engine.fonts.face(Role::Code, Style::REGULAR).metrics;
        let ratio = (f32::from(b.x_height) / f32::from(b.units_per_em))
            / (f32::from(c.x_height) / f32::from(c.units_per_em));
        ((body * ratio * 0.92) * 4.0).round() / 4.0
    }

    fn table(
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
        // Natural (max) and minimum (longest word) widths per column.
        let mut max_w = vec![0.0f32; cols];
        let mut min_w = vec![0.0f32; cols];
        let all_rows: Vec<(&[Vec<Inline>], bool)> = std::iter::once((header, true))
            .chain(rows.iter().map(|r| (r.as_slice(), false)))
            .collect();
        for (row, is_head) in &all_rows {
            for (c, cell) in row.iter().enumerate().take(cols) {
                let st = if *is_head { &bold } else { &base };
                let text = plain_text(cell);
                let w = self.engine.measure(&text, st);
                max_w[c] = max_w[c].max(w);
                for word in text.split_whitespace() {
                    let ww = self.engine.measure(word, st);
                    min_w[c] = min_w[c].max(ww);
                }
            }
        }
        let avail = ctx.width - 2.0 * pad * cols as f32;
        let widths = column_widths(&min_w, &max_w, avail);
        let total: f32 = widths.iter().map(|w| w + 2.0 * pad).sum();
        let x0 = ctx.x;
        let line_h = (s.leading * size / s.body_size).round();
        self.space(s.leading * 0.5);
        let n_rows = all_rows.len();
        let mut header_row: Option<FlowLine> = None;
        for (r, (row, is_head)) in all_rows.into_iter().enumerate() {
            let mut cells: Vec<(f32, Vec<LineBox>)> = Vec::new();
            let mut x = x0;
            for (c, w) in widths.iter().enumerate() {
                let content = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let st = if is_head { bold.clone() } else { base.clone() };
                let pieces = self.pieces(content, &st);
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
            let height = n_lines as f32 * line_h + pad;
            let mut items = Vec::new();
            for (cx, lines) in cells {
                for (k, line) in lines.into_iter().enumerate() {
                    let baseline =
                        pad * 0.5 + k as f32 * line_h + (line_h + line.ascent - line.descent) / 2.0;
                    for mut it in line.items {
                        it.pos.x += cx;
                        it.pos.y += baseline;
                        items.push(it);
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
                items.push(rule(0.0, 0.9));
            }
            if is_head {
                items.push(rule(height, 0.5));
            }
            if r + 1 == n_rows {
                items.push(rule(height, 0.9));
            }
            self.para += 1;
            let notes = note_refs(&items);
            let line = FlowLine {
                items,
                height,
                keep_with_next: is_head || r + 2 == n_rows,
                para: self.para,
                index: 0,
                count: 1,
                kind: LineKind::Other,
                justified: false,
                outline: None,
                notes,
                header: header_row.clone().map(Box::new),
            };
            if is_head {
                // The copy repeated on later pages carries no anchors or note references.
                let mut copy = line.clone();
                copy.items.retain(|it| !matches!(it.item, Item::Anchor(_)));
                copy.notes.clear();
                header_row = Some(copy);
            }
            self.flow.push(Flow::Line(line));
        }
        self.space(s.leading * 0.5);
    }

    /// A paragraph holding one local image: the image scaled to the measure
    /// (never beyond its natural size at 150 dpi) and its caption, kept
    /// together. Returns false when the image cannot be read.
    fn figure(&mut self, src: &str, title: &str, alt: &[Inline], ctx: &Ctx) -> bool {
        if crate::input::is_remote(src) {
            return false;
        }
        let path = crate::input::base_dir(self.doc).join(crate::input::percent_decode(src));
        let Ok(data) = std::fs::read(&path) else {
            return false;
        };
        let format = match image::guess_format(&data) {
            Ok(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
            Ok(image::ImageFormat::Png) => ImageFormat::Png,
            _ => return false,
        };
        let Ok(reader) = image::ImageReader::new(std::io::Cursor::new(&data)).with_guessed_format()
        else {
            return false;
        };
        let Ok((pw, ph)) = reader.into_dimensions() else {
            return false;
        };
        if pw == 0 || ph == 0 {
            return false;
        }
        let s = self.setup;
        let natural_w = pw as f32 * 72.0 / 150.0;
        let mut w = natural_w.min(ctx.width);
        let mut h = w * ph as f32 / pw as f32;
        let max_h = s.body_height * 0.6;
        if h > max_h {
            h = max_h;
            w = h * pw as f32 / ph as f32;
        }
        self.space(s.leading * 0.5);
        self.para += 1;
        self.flow.push(Flow::Line(FlowLine {
            items: vec![Positioned {
                pos: Point {
                    x: ctx.x + (ctx.width - w) / 2.0,
                    y: 0.0,
                },
                item: Item::Image(Image {
                    data: Arc::new(data),
                    format,
                    pixel_size: (pw, ph),
                    width: w,
                    height: h,
                }),
            }],
            height: h + s.leading * 0.25,
            keep_with_next: true,
            para: self.para,
            index: 0,
            count: 1,
            kind: LineKind::Other,
            justified: false,
            outline: None,
            notes: Vec::new(),
            header: None,
        }));
        let caption = if title.is_empty() {
            plain_text(alt)
        } else {
            format!("{} — {title}", plain_text(alt))
        };
        let st = self.style(
            Role::Body,
            Style {
                bold: false,
                italic: true,
            },
            ctx.size * 0.9,
        );
        let lines = self
            .engine
            .layout(&[Piece::Text(caption, st)], ctx.width, 0.0, Align::Center);
        self.push_lines(
            lines,
            ctx,
            (s.leading * 0.9).round(),
            LineKind::Body,
            false,
            None,
            None,
        );
        self.space(s.leading * 0.5);
        true
    }

    /// Lays out each footnote, numbered in order of reference, at the
    /// footnote size with its number in a hanging indent. A note first
    /// referenced inside another note is appended to that note.
    fn notes(&mut self) -> Vec<Vec<FlowLine>> {
        let s = self.setup;
        let size = (s.body_size * 0.85 * 4.0).round() / 4.0;
        let ctx = Ctx {
            x: 0.0,
            width: s.measure,
            quote_rules: Vec::new(),
            size,
            list_depth: 0,
        };
        let body_flow = std::mem::take(&mut self.flow);
        let labels = self.notes.clone();
        let mut out: Vec<Vec<FlowLine>> = Vec::with_capacity(labels.len());
        for (n, label) in labels.iter().enumerate() {
            let Some(note) = self.doc.footnote(label) else {
                out.push(Vec::new());
                continue;
            };
            let mut st = self.style(Role::Body, Style::REGULAR, size);
            st.link = Some(LinkTarget::Anchor(format!("fnref-{}", n + 1)));
            let number = format!("{}.", n + 1);
            let lines = self.engine.layout(
                &[
                    Piece::Anchor(format!("fn-{}", n + 1)),
                    Piece::Text(number, st),
                ],
                s.measure,
                0.0,
                Align::Left,
            );
            let hang = (size * 1.8).round();
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
                    Flow::Space(h) => FlowLine {
                        items: Vec::new(),
                        height: h * 0.5,
                        keep_with_next: false,
                        para: 0,
                        index: 0,
                        count: 1,
                        kind: LineKind::Other,
                        justified: false,
                        outline: None,
                        notes: Vec::new(),
                        header: None,
                    },
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

    /// Inline content → pieces, tracking emphasis, links, footnote refs and inline HTML.
    fn pieces(&mut self, content: &[Inline], base: &TextStyle) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut html_stack: Vec<(String, Option<String>)> = Vec::new();
        self.pieces_into(content, base, &mut out, &mut html_stack);
        out
    }

    fn pieces_into(
        &mut self,
        content: &[Inline],
        st: &TextStyle,
        out: &mut Vec<Piece>,
        html: &mut Vec<(String, Option<String>)>,
    ) {
        for inl in content {
            let cur = apply_html(st, html);
            match &inl.kind {
                InlineKind::Text(t) => out.push(Piece::Text(t.clone(), cur)),
                InlineKind::Code(t) => {
                    let size = self.code_size(cur.size);
                    out.push(Piece::Text(
                        t.clone(),
                        TextStyle {
                            role: Role::Code,
                            size,
                            ..cur
                        },
                    ));
                }
                InlineKind::Emphasis(c) => {
                    let s2 = TextStyle {
                        style: Style {
                            italic: !cur.style.italic,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Strong(c) => {
                    let s2 = TextStyle {
                        style: Style {
                            bold: true,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Strikethrough(c) => {
                    let s2 = TextStyle {
                        strike: true,
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Link {
                    url, content: c, ..
                } => {
                    let target = match url.strip_prefix('#') {
                        Some(anchor) => LinkTarget::Anchor(anchor.to_string()),
                        None => LinkTarget::Uri(url.clone()),
                    };
                    let s2 = TextStyle {
                        link: Some(target),
                        color: Rgb(0.08, 0.2, 0.45),
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Image { alt, .. } => {
                    let s2 = TextStyle {
                        style: Style {
                            italic: true,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(alt, &s2, out, html);
                }
                InlineKind::FootnoteRef(label) => {
                    if let Some(n) = self.notes.iter().position(|l| l == label) {
                        out.push(Piece::Anchor(format!("fnref-{}", n + 1)));
                        out.push(Piece::Text(
                            (n + 1).to_string(),
                            TextStyle {
                                size: cur.size * 0.62,
                                rise: cur.size * 0.36,
                                link: Some(LinkTarget::Anchor(format!("fn-{}", n + 1))),
                                ..cur
                            },
                        ));
                    }
                }
                InlineKind::SoftBreak => out.push(Piece::Text(" ".into(), cur)),
                InlineKind::HardBreak => out.push(Piece::Break),
                InlineKind::Html(tag) => {
                    if let Some(name) = tag_name(tag)
                        && !SUPPORTED_INLINE_HTML.contains(&name.as_str())
                        && lang_attribute(tag).is_none()
                        && self.warned.insert(name.clone())
                    {
                        self.diags.push(
                            Diagnostic::warning(format!(
                                "inline HTML `<{name}>` has no PDF rendering; its text is kept"
                            ))
                            .at(&self.doc.source, inl.span)
                            .help("the PDF renders b, strong, i, em, u, s, sup, sub, br, small, mark, code and kbd"),
                        );
                    }
                    if let Some(name) = tag_name(tag) {
                        if name == "br" {
                            out.push(Piece::Break);
                        } else if tag.starts_with("</") {
                            if let Some(pos) = html.iter().rposition(|t| t.0 == name) {
                                html.truncate(pos);
                            }
                        } else if !tag.trim_end().ends_with("/>") {
                            html.push((name, lang_attribute(tag)));
                        }
                    }
                }
            }
        }
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

/// A small hooked arrow (↪) drawn in the left padding of a wrapped code
/// line: vector strokes, so it adds no text to copy or search.
fn continuation_mark(x: f32, y: f32, width: f32) -> Vec<Positioned> {
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

/// Footnote numbers (zero-based) whose reference anchor `fnref-N` is among `items`.
fn note_refs(items: &[Positioned]) -> Vec<usize> {
    items
        .iter()
        .filter_map(|it| match &it.item {
            Item::Anchor(name) => name
                .strip_prefix("fnref-")?
                .parse::<usize>()
                .ok()?
                .checked_sub(1),
            _ => None,
        })
        .collect()
}

/// The `lang` attribute of an opening tag (`<span lang="en">`), if any: it
/// switches hyphenation for the element's text.
fn lang_attribute(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(" lang=")? + " lang=".len();
    let rest = &tag[at..];
    let value: String = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].chars().take_while(|&c| c != q).collect(),
        _ => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect(),
    };
    crate::frontmatter::is_bcp47(&value).then_some(value)
}

/// Inline HTML elements the PDF renders.
const SUPPORTED_INLINE_HTML: &[&str] = &[
    "b", "strong", "i", "em", "cite", "var", "u", "ins", "s", "del", "strike", "sup", "sub",
    "small", "mark", "br", "code", "kbd", "samp", "tt",
];

/// The lowercase element name of an HTML tag (`<b>`, `</em>`, `<br/>`).
fn tag_name(tag: &str) -> Option<String> {
    let t = tag.trim().strip_prefix('<')?;
    let t = t.strip_prefix('/').unwrap_or(t);
    let name: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// Applies the styles of open inline HTML elements.
fn apply_html(st: &TextStyle, html: &[(String, Option<String>)]) -> TextStyle {
    let mut s = st.clone();
    for (tag, lang) in html {
        if let Some(lang) = lang {
            s.lang = Arc::from(lang.as_str());
        }
        match tag.as_str() {
            "b" | "strong" => s.style.bold = true,
            "i" | "em" | "cite" | "var" => s.style.italic = true,
            "u" | "ins" => s.underline = true,
            "s" | "del" | "strike" => s.strike = true,
            "sup" => {
                s.rise += s.size * 0.36;
                s.size *= 0.7;
            }
            "sub" => {
                s.rise -= s.size * 0.15;
                s.size *= 0.7;
            }
            "small" => s.size *= 0.85,
            "code" | "kbd" | "samp" | "tt" => s.role = Role::Code,
            _ => {}
        }
    }
    s
}

/// The text content of a raw HTML block: tags dropped, common entities decoded,
/// white space folded.
pub fn html_block_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
