//! The pages a book (`Form::Book`) adds around its chapters: half-title,
//! title page, copyright page, part pages, and the sink above each
//! chapter's opening heading.
//!
//! The order and what each page holds follow *The Chicago Manual of Style*
//! (17th ed., 1.4 and 1.17–1.20): half-title (recto, the title alone), its
//! blank verso, title page (recto: title, subtitle, authors, publisher at the
//! foot), copyright page (the title page's verso: notice, publisher, date,
//! identifier, series — set small at the foot), contents (recto), then the
//! body, each part title page on a recto with its verso blank. Each page
//! starts at a slot marked with its [`Opener`]; the paginator breaks before
//! it (after a blank verso when two-sided and the page must be a recto).

use super::*;
use crate::resolve::Form;

/// Bold upright.
const BOLD: Style = Style {
    bold: true,
    italic: false,
};
/// Room left under a block set at the foot of a page, so rounding never
/// pushes its last line to the next page (points).
const FOOT_SLACK: f32 = 1.0;

impl Builder<'_, '_, '_> {
    /// The front matter of a book, up to and including the contents
    /// (`toc_pages`: the entries' folios from a previous pass).
    pub(super) fn front_matter(&mut self, toc_pages: Option<&[String]>) {
        // Each page of front matter a `Div` of paragraphs.
        for page in [Self::half_title, Self::title_page, Self::copyright_page] {
            self.tags.container = self.tags.add(StructRole::Div, None);
            page(self);
            self.tags.container = StructTree::ROOT;
        }
        if self.doc.meta.toc {
            let before = self.flow.len();
            self.toc(toc_pages);
            self.mark_opener(before, Opener::Contents, true);
        }
    }

    /// Before top-level block `block`: in a book, the part page of the part
    /// its chapter opens, and the chapter's opening sink, marked to start a
    /// page (a recto when two-sided).
    pub(super) fn chapter_opening(&mut self, block: &Block) {
        let book = self.doc;
        if book.form != Form::Book {
            return;
        }
        let Some(c) = book
            .chapters
            .iter()
            .position(|c| std::ptr::eq(block, &book.blocks[c.blocks.start]))
        else {
            return;
        };
        // A chapter's sections go under its part's `Part` (its title an
        // `H1`, the chapters' headings from `H2`), or under the document.
        let t = &mut self.tags;
        t.sects.clear();
        let titled = |p: usize| {
            book.parts
                .get(p)
                .is_some_and(|part| !part.title.trim().is_empty())
        };
        match book.chapters[c].part {
            Some(p) if titled(p) && book.parts[p].chapters.start == c => {
                let part = t.tree.add(StructTree::ROOT, StructRole::Part);
                t.base = (part, 1);
                t.container = part;
                t.leaf(StructRole::H(1), None);
                self.part_page(p);
            }
            Some(p) if titled(p) => {}
            _ => t.base = (StructTree::ROOT, 0),
        }
        self.tags.container = self.tags.base.0;
        let sink = self.sink(self.setup.theme.headings.chapter_sink);
        let before = self.flow.len();
        let mut strut = FlowLine::unit(Vec::new(), sink.max(1.0));
        strut.keep_with_next = true;
        self.flow.push(Flow::Line(strut));
        self.mark_opener(before, Opener::Chapter(super::n32(c)), true);
        // In two columns the sink spans both, as the heading under it does
        // (the column paginator breaks pages at spanning slots).
        self.span_from(before);
    }

    /// A part's title page: the title centred a third of the way down, an
    /// anchor for links and the outline (level 1, its chapters under it).
    fn part_page(&mut self, p: usize) {
        let part = &self.doc.parts[p];
        let st = self.style(
            Role::Heading,
            BOLD,
            self.setup.scaled(self.setup.theme.headings.part),
        );
        let before = self.flow.len();
        self.display_page(
            vec![
                Piece::Anchor(part.id.clone()),
                Piece::Text(part.title.clone(), st),
            ],
            self.setup.theme.headings.leading,
            Some((part.title.clone(), 1)),
            Opener::Part(super::n32(p)),
        );
        self.span_from(before);
    }

    /// The half-title: the book's title alone, a third of the way down.
    fn half_title(&mut self) {
        let size = self.setup.scaled(self.setup.theme.headings.subtitle);
        let st = self.style(Role::Heading, Style::REGULAR, size);
        let pieces = vec![Piece::Text(self.doc.title.clone(), st)];
        let leading = self.setup.theme.headings.display_leading;
        self.tags.leaf(StructRole::P, None);
        self.display_page(pieces, leading, None, Opener::HalfTitle);
    }

    /// A recto holding one centred display text (`pieces`, lines
    /// `leading` times their size apart) a third of the way down.
    fn display_page(
        &mut self,
        pieces: Vec<Piece>,
        leading: f32,
        outline: Option<(String, u8)>,
        opener: Opener,
    ) {
        let size = pieces
            .iter()
            .find_map(|p| match p {
                Piece::Text(_, st) => Some(st.size),
                _ => None,
            })
            .unwrap_or(self.setup.body_size);
        let before = self.flow.len();
        self.strut(self.sink(self.setup.theme.headings.part_sink));
        let lines = self
            .engine
            .layout_balanced(&pieces, self.setup.measure, Align::Center);
        let ctx = self.full_ctx();
        let height = (size * leading).round();
        self.push_lines(lines, &ctx, height, LineKind::Other, true, outline, None);
        self.end_keep();
        self.mark_opener(before, opener, true);
    }

    /// The title page: title, subtitle and authors in the upper part,
    /// centred; the publisher at the foot.
    fn title_page(&mut self) {
        let s = self.setup;
        let meta = &self.doc.meta;
        let before = self.flow.len();
        let h = &s.theme.headings;
        let top = self.sink(h.title_sink);
        self.strut(top);
        let ctx = self.full_ctx();
        let size = s.scaled(h.title);
        let st = self.style(Role::Heading, BOLD, size);
        let lines = self.engine.layout_balanced(
            &[Piece::Text(self.doc.title.clone(), st)],
            s.measure,
            Align::Center,
        );
        let mut used = top;
        used += self.push_front(lines, &ctx, (size * h.title_leading).round());
        if let Some(sub) = &meta.subtitle {
            let size = s.scaled(h.subtitle);
            let st = self.style(Role::Heading, Style::REGULAR, size);
            let lines = self.engine.layout_balanced(
                &[Piece::Text(sub.clone(), st)],
                s.measure,
                Align::Center,
            );
            let gap = s.leading * h.subtitle_gap;
            self.strut(gap);
            used += gap + self.push_front(lines, &ctx, (size * h.display_leading).round());
        }
        if !meta.authors.is_empty() {
            let size = s.scaled(h.authors);
            let st = self.style(Role::Heading, Style::REGULAR, size);
            let lines = self.engine.layout_balanced(
                &[Piece::Text(meta.authors.join(", "), st)],
                s.measure,
                Align::Center,
            );
            let gap = s.leading * h.authors_gap;
            self.strut(gap);
            used += gap + self.push_front(lines, &ctx, (size * h.display_leading).round());
        }
        if let Some(publisher) = &meta.publisher {
            let st = self.style(Role::Heading, Style::REGULAR, s.body_size);
            let lines = self.engine.layout_balanced(
                &[Piece::Text(publisher.clone(), st)],
                s.measure,
                Align::Center,
            );
            let height: f32 = lines
                .iter()
                .map(|l| s.leading.max(l.ascent + l.descent))
                .sum();
            self.strut((s.body_height - used - height - FOOT_SLACK).max(s.leading));
            self.push_front(lines, &ctx, s.leading);
        }
        self.end_keep();
        self.mark_opener(before, Opener::Title, true);
    }

    /// The copyright page: the book's particulars, small, at the foot of
    /// the title page's verso.
    fn copyright_page(&mut self) {
        let s = self.setup;
        let size = s.small();
        let lead = (s.leading * size / s.body_size).round();
        let ctx = self.full_ctx();
        let mut laid: Vec<Vec<LineBox>> = Vec::new();
        // The lines both outputs print (`crate::matter`), the year of the
        // notice from `created` when the metadata has no date.
        let year = crate::doc::Date::from_unix_seconds(self.created).year;
        for (i, text) in crate::matter::copyright(self.doc, year)
            .into_iter()
            .map(|l| l.text)
            .enumerate()
        {
            let st = self.style(
                Role::Body,
                Style {
                    bold: false,
                    italic: i == 0,
                },
                size,
            );
            laid.push(
                self.engine
                    .layout(&[Piece::Text(text, st)], s.measure, 0.0, Align::Left),
            );
        }
        let gap = lead * 0.5;
        let height: f32 = laid
            .iter()
            .flatten()
            .map(|l| lead.max(l.ascent + l.descent))
            .sum::<f32>()
            + gap * laid.len().saturating_sub(1) as f32;
        let before = self.flow.len();
        self.strut((s.body_height - height - FOOT_SLACK).max(1.0));
        for (i, lines) in laid.into_iter().enumerate() {
            if i > 0 {
                self.strut(gap);
            }
            self.push_front(lines, &ctx, lead);
        }
        self.end_keep();
        self.mark_opener(before, Opener::Copyright, false);
    }

    /// `fraction` of the text block, in whole lines.
    fn sink(&self, fraction: f32) -> f32 {
        let s = self.setup;
        (s.body_height * fraction / s.leading).round() * s.leading
    }

    /// An empty slot `height` high, kept with what follows (spaces would
    /// be dropped at the top of a page; a strut is not).
    fn strut(&mut self, height: f32) {
        let mut strut = FlowLine::unit(Vec::new(), height);
        strut.keep_with_next = true;
        self.flow.push(Flow::Line(strut));
    }

    /// Appends front-matter lines kept together; returns their height.
    fn push_front(&mut self, lines: Vec<LineBox>, ctx: &Ctx, height: f32) -> f32 {
        let before = self.flow.len();
        self.tags.leaf(StructRole::P, None);
        self.push_lines(lines, ctx, height, LineKind::Other, true, None, None);
        self.flow[before..]
            .iter()
            .map(|f| match f {
                Flow::Line(l) => l.height,
                Flow::Space(h) => *h,
            })
            .sum()
    }

    /// The full measure, for front-matter lines.
    fn full_ctx(&self) -> Ctx {
        Ctx {
            x: 0.0,
            width: self.setup.measure,
            quote_rules: Vec::new(),
            size: self.setup.body_size,
            list_depth: 0,
        }
    }

    /// Lets the page break after the last slot (a page of front matter is
    /// kept together, then ends).
    fn end_keep(&mut self) {
        if let Some(Flow::Line(l)) = self.flow.last_mut() {
            l.keep_with_next = false;
        }
    }

    /// Marks the first line from flow index `from` as opening a page of
    /// kind `opener` (on a recto when `recto` and two-sided).
    pub(super) fn mark_opener(&mut self, from: usize, opener: Opener, recto: bool) {
        let from = from.min(self.flow.len());
        if let Some(Flow::Line(l)) = self.flow[from..]
            .iter_mut()
            .find(|f| matches!(f, Flow::Line(_)))
        {
            l.opens = Some(opener);
            l.chapter = recto;
        }
    }
}
