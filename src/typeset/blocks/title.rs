//! The title block: dateline, title, subtitle, authors, source, publisher.

use super::*;
use crate::frame::{ArtifactKind, Tag};

impl Builder<'_, '_, '_> {
    pub(super) fn title_block(&mut self) {
        let s = self.setup;
        let meta = &self.doc.meta;
        let ctx = Ctx {
            x: 0.0,
            width: s.measure,
            quote_rules: Vec::new(),
            size: s.body_size,
            list_depth: 0,
        };
        let theme = &s.theme;
        // The title is the document's heading: an `H1` in a `Sect` that
        // holds the rest of the title block (dateline, subtitle, authors,
        // source: paragraphs, as Typst tags a title's neighbours and PDF/UA
        // allows) and then the whole body, whose headings nest under it
        // from `H2` on (ISO 14289-1 §7.4.2: no skipped level). Without a
        // title, a `Div` of paragraphs.
        let title = meta.title.clone().unwrap_or_default();
        let heading = !title.trim().is_empty();
        let block = self.tags.add(
            if heading {
                StructRole::Sect
            } else {
                StructRole::Div
            },
            None,
        );
        self.tags.container = block;
        if heading {
            self.tags.base = (block, 1);
        }
        let kicker = self.doc.dateline().filter(|_| theme.article.dateline);
        if let Some(kicker) = kicker {
            let mut st = self.style(Role::Body, Style::REGULAR, s.small());
            st.color = s.muted;
            let lines = self
                .engine
                .layout(&[Piece::Text(kicker, st)], s.measure, 0.0, Align::Left);
            self.tags.leaf(StructRole::P, None);
            self.push_lines(lines, &ctx, s.leading, LineKind::Title, true, None, None);
            self.space(s.leading * 0.25);
        }
        let size = s.scaled(theme.headings.title);
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
        self.tags.leaf(
            if heading {
                StructRole::H(1)
            } else {
                StructRole::P
            },
            None,
        );
        self.push_lines(
            lines,
            &ctx,
            (size * theme.headings.title_leading).round(),
            LineKind::Title,
            true,
            Some((title, 1)),
            None,
        );
        if let Some(sub) = &meta.subtitle {
            self.space(s.leading * 0.25);
            let size = s.scaled(theme.headings.subtitle);
            let st = self.style(Role::Heading, Style::REGULAR, size);
            // Balanced, as the title is: no long line over a short one.
            let lines = self.engine.layout_balanced(
                &[Piece::Text(sub.clone(), st)],
                s.measure,
                Align::Left,
            );
            self.tags.leaf(StructRole::P, None);
            self.push_lines(
                lines,
                &ctx,
                (size * theme.headings.leading).round(),
                LineKind::Title,
                true,
                None,
                None,
            );
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
            self.tags.leaf(StructRole::P, None);
            self.push_lines(lines, &ctx, s.leading, LineKind::Title, true, None, None);
        }
        // Source and publisher, as on the EPUB's title page.
        let extra: Vec<String> = self
            .doc
            .source_line()
            .into_iter()
            .chain(meta.publisher.clone())
            .collect();
        for (i, text) in extra.into_iter().enumerate() {
            if i == 0 {
                self.space(s.leading * 0.25);
            }
            let mut st = self.style(Role::Body, Style::REGULAR, s.small());
            st.color = s.muted;
            let lines = self
                .engine
                .layout(&[Piece::Text(text, st)], s.measure, 0.0, Align::Left);
            self.tags.leaf(StructRole::P, None);
            self.push_lines(lines, &ctx, s.leading, LineKind::Title, true, None, None);
        }
        // A rule closes the title block.
        if theme.headings.title_rule <= 0.0 {
            self.space(s.leading);
            self.para += 1;
            return;
        }
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
                    thickness: theme.headings.title_rule,
                    color: theme.colours.rule.0,
                }),
                tag: Tag::Artifact(ArtifactKind::Layout),
            }],
            height: s.leading,
            keep_with_next: true,
            para: 0,
            index: 0,
            count: 1,
            kind: LineKind::Title,
            justified: false,
            outline: None,
            notes: Box::default(),
            header: None,
            span: false,
            chapter: false,
            opens: None,
        }));
        self.para += 1;
    }
}
