//! The flow → pages: page breaks that respect the keep constraints, running
//! heads after the first page, folios on every page, the outline.
//!
//! Pages are filled one at a time: slots are added while they fit; the page
//! then ends at the last slot after which a break is allowed (not inside the
//! first or last two lines of a paragraph, not after a heading). When a page
//! holds no allowed break at all (a huge unbreakable block), it breaks where
//! the page is full rather than overflowing. The bottom is ragged (as in
//! Typst and LaTeX's `\raggedbottom`), so body lines stay on their grid.
//! Linear in the number of slots.

mod columns;
mod furniture;

use crate::frame::{OutlineEntry, Page, Point, Positioned};
use crate::resolve::Book;
use std::ops::Range;

use crate::frame::{Item, Line, Rgb};
use crate::typeset::blocks::{Flow, FlowDoc, FlowLine, LineKind};
use crate::typeset::inline::InlineEngine;
use crate::typeset::setup::PageSetup;
pub use furniture::label_runs;
use furniture::{furniture, page_states};

/// Where a body line ended up, for tests and checks.
#[derive(Clone, Debug, PartialEq)]
pub struct LineRecord {
    /// Zero-based page.
    pub page: usize,
    /// Paragraph number.
    pub para: usize,
    /// Index in the paragraph.
    pub index: usize,
    /// Lines in the paragraph.
    pub count: usize,
    /// What the line is.
    pub kind: LineKind,
    /// Whether it was justified to the full measure.
    pub justified: bool,
    /// Top of the line's slot on the page (points from the page top).
    pub top: f32,
    /// Height of the slot.
    pub height: f32,
}

/// What the paginator did: measured from the final placement.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every slot in order with its page.
    pub lines: Vec<LineRecord>,
    /// Pages whose first line is the last line of a paragraph of 2+ lines.
    pub widows: usize,
    /// Pages whose last line is the first line of a paragraph of 2+ lines.
    pub orphans: usize,
    /// Pages that end with a heading while more content follows.
    pub headings_at_foot: usize,
    /// Warnings from layout (e.g. inline HTML without a PDF rendering).
    pub diags: crate::diag::Diagnostics,
    /// The folio each page counts as, printed or not: `1`, `2`… for an
    /// article; for a book, lower-case roman numerals in the front matter
    /// and arabic from 1 at the first part or chapter page (Chicago 1.5).
    pub page_labels: Vec<String>,
}

/// Breaks the flow into pages and adds the page furniture and footnotes.
pub fn paginate(
    flow: FlowDoc,
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    if setup.columns == 2 {
        return paginate_columns(flow, doc, setup, engine);
    }
    let separator = (setup.leading * 1.0).round();
    let starts = page_starts(&flow.body, setup.duplex);
    let plans = break_pages(&flow, setup.body_height, separator, &starts);
    let states = page_states(
        &flow.body,
        &plans
            .iter()
            .map(|p| (!p.body.is_empty()).then_some(p.body.start))
            .collect::<Vec<_>>(),
        &plans.iter().map(|p| p.blank).collect::<Vec<_>>(),
    );
    let mut pages = Vec::with_capacity(plans.len());
    let mut outline = Vec::new();
    let (mut report, notes, mut slots) = unpack(flow);
    for (p, plan) in plans.iter().enumerate() {
        let mut page = empty_page(setup);
        let mut y = setup.top;
        let mut started = false;
        if let Some(Some(Flow::Line(FlowLine {
            header: Some(h), ..
        }))) = slots.get(plan.body.start)
        {
            let header = (**h).clone();
            y += place_line(&mut page, &mut report, header, p, y, setup.left_on(p));
            started = true;
        }
        for slot in &mut slots[plan.body.clone()] {
            match slot.take() {
                Some(Flow::Space(h)) if started => y += h,
                Some(Flow::Line(line)) => {
                    started = true;
                    record_outline(&mut outline, &line, p, y);
                    y += place_line(&mut page, &mut report, line, p, y, setup.left_on(p));
                }
                Some(Flow::Space(_)) | None => {}
            }
        }
        place_notes(&mut page, &mut report, &notes, &plan.notes, p, setup);
        pages.push(page);
    }
    report.page_labels = furniture(&mut pages, &states, doc, setup, engine);
    measure_report(&mut report);
    (pages, outline, report)
}

/// Footnotes stand at the foot of the text block (across both columns when
/// there are two), under a short rule.
fn place_notes(
    page: &mut Page,
    report: &mut Report,
    notes: &[Vec<FlowLine>],
    placed: &[(usize, Range<usize>)],
    p: usize,
    setup: &PageSetup,
) {
    if placed.is_empty() {
        return;
    }
    let separator = (setup.leading * 1.0).round();
    let left = setup.left_on(p);
    let height: f32 = separator
        + placed
            .iter()
            .map(|(n, r)| notes[*n][r.clone()].iter().map(|l| l.height).sum::<f32>())
            .sum::<f32>();
    let mut y = setup.bottom() - height;
    page.items.push(Positioned {
        pos: Point {
            x: left,
            y: y + separator * 0.45,
        },
        item: Item::Line(Line {
            to: Point {
                x: (setup.measure * 0.3).round(),
                y: 0.0,
            },
            thickness: 0.5,
            color: Rgb::BLACK,
        }),
    });
    y += separator;
    for (n, range) in placed {
        for line in &notes[*n][range.clone()] {
            y += place_line(page, report, line.clone(), p, y, left);
        }
    }
}

/// [`paginate`] in two columns (see [`columns`]).
fn paginate_columns(
    flow: FlowDoc,
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    let separator = (setup.leading * 1.0).round();
    let starts = page_starts(&flow.body, setup.duplex);
    let plans = columns::plan(&flow, setup.body_height, separator, &starts);
    let states = page_states(
        &flow.body,
        &plans
            .iter()
            .map(|p| p.placed.iter().map(|pl| pl.slot).min())
            .collect::<Vec<_>>(),
        &plans.iter().map(|p| p.blank).collect::<Vec<_>>(),
    );
    let mut pages = Vec::with_capacity(plans.len());
    let mut outline = Vec::new();
    let (mut report, notes, mut slots) = unpack(flow);
    for (p, plan) in plans.iter().enumerate() {
        let mut page = empty_page(setup);
        for placed in &plan.placed {
            let left = setup.left_on(p)
                + match placed.column {
                    columns::Column::Col(1) => setup.column_width() + setup.gutter,
                    _ => 0.0,
                };
            let y = setup.top + placed.y;
            let line = if placed.header {
                match &slots[placed.slot] {
                    Some(Flow::Line(FlowLine {
                        header: Some(h), ..
                    })) => (**h).clone(),
                    _ => continue,
                }
            } else {
                match slots[placed.slot].take() {
                    Some(Flow::Line(line)) => line,
                    _ => continue,
                }
            };
            record_outline(&mut outline, &line, p, y);
            place_line(&mut page, &mut report, line, p, y, left);
        }
        place_notes(&mut page, &mut report, &notes, &plan.notes, p, setup);
        pages.push(page);
    }
    report.page_labels = furniture(&mut pages, &states, doc, setup, engine);
    measure_report(&mut report);
    (pages, outline, report)
}

/// The flow's parts: a report holding its warnings, the notes, and the body
/// slots (each taken when placed).
fn unpack(flow: FlowDoc) -> (Report, Vec<Vec<FlowLine>>, Vec<Option<Flow>>) {
    let FlowDoc { body, notes, diags } = flow;
    let report = Report {
        diags,
        ..Report::default()
    };
    (report, notes, body.into_iter().map(Some).collect())
}

/// A page of the setup's size with nothing on it yet.
fn empty_page(setup: &PageSetup) -> Page {
    Page {
        width: setup.width,
        height: setup.height,
        items: Vec::new(),
    }
}

/// Adds the outline entry `line` starts, if any, at `y` on page `p`.
fn record_outline(outline: &mut Vec<OutlineEntry>, line: &FlowLine, p: usize, y: f32) {
    if let Some((title, level)) = &line.outline {
        outline.push(OutlineEntry {
            title: title.clone(),
            level: *level,
            page: p,
            y,
        });
    }
}

/// Puts a flow line on a page at `y`, records it, and returns its height.
fn place_line(
    page: &mut Page,
    report: &mut Report,
    line: FlowLine,
    p: usize,
    y: f32,
    left: f32,
) -> f32 {
    report.lines.push(LineRecord {
        page: p,
        para: line.para,
        index: line.index,
        count: line.count,
        kind: line.kind,
        justified: line.justified,
        top: y,
        height: line.height,
    });
    for mut it in line.items {
        it.pos.x += left;
        it.pos.y += y;
        page.items.push(it);
    }
    line.height
}

/// What goes on one page: a range of body slots and footnote lines.
#[derive(Clone, Debug, Default, PartialEq)]
struct PagePlan {
    body: Range<usize>,
    /// (note, range of its lines) in order.
    notes: Vec<(usize, Range<usize>)>,
    /// A left-hand page left empty so that a chapter starts on the right:
    /// no running head, no folio.
    blank: bool,
}

/// Whether a body slot starts a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// No: it flows on.
    Flow,
    /// A new page (a book's pages: see [`crate::typeset::blocks::Opener`]).
    Page,
    /// A new right-hand page, after a blank left-hand one if need be.
    Recto,
}

/// Per body slot, whether it starts a page: with two-sided pages, a
/// right-hand one for the opening heading of every chapter after the first
/// (the chapters are the resolver's, marked on their first line) and for a
/// book's recto pages; a new page for every other page a book opens.
fn page_starts(body: &[Flow], duplex: bool) -> Vec<Start> {
    body.iter()
        .map(|f| match f {
            Flow::Line(l) if duplex && l.chapter => Start::Recto,
            Flow::Line(l) if l.opens.is_some() => Start::Page,
            _ => Start::Flow,
        })
        .collect()
}

/// Footnote state while a page is filled: what is placed, what waits.
#[derive(Clone, Debug, Default)]
struct NoteState {
    placed: Vec<(usize, Range<usize>)>,
    height: f32,
    /// Note lines that did not fit and continue on the next page.
    carry: Vec<(usize, Range<usize>)>,
}

impl NoteState {
    /// Adds note `n` from line `from`; returns false if not even its first
    /// line fits in `room` (then nothing is added).
    fn add(
        &mut self,
        notes: &[Vec<FlowLine>],
        n: usize,
        from: usize,
        room: f32,
        separator: f32,
    ) -> bool {
        let lines = &notes[n];
        if from >= lines.len() {
            return true;
        }
        if !self.carry.is_empty() {
            // Earlier notes already continue on the next page: this one follows them.
            self.carry.push((n, from..lines.len()));
            return true;
        }
        let sep = if self.placed.is_empty() {
            separator
        } else {
            0.0
        };
        let mut h = sep;
        let mut end = from;
        while end < lines.len() && self.height + h + lines[end].height <= room + 0.01 {
            h += lines[end].height;
            end += 1;
        }
        // A note's first line (or two lines of a split note) must fit.
        let minimum = if lines.len() - from > 1 {
            (from + 2).min(lines.len())
        } else {
            from + 1
        };
        if end < minimum {
            return false;
        }
        self.placed.push((n, from..end));
        self.height += h;
        if end < lines.len() {
            self.carry.push((n, end..lines.len()));
        }
        true
    }
}

/// Plans the pages: body slots fill the page while they and their footnotes
/// fit; the page then ends at the last slot after which a break is allowed.
/// A slot marked in `starts` (see [`page_starts`]) starts a new page,
/// preceded by a blank one when it must be a right-hand page and would
/// fall on a left-hand one.
fn break_pages(
    flow: &FlowDoc,
    body_height: f32,
    separator: f32,
    starts: &[Start],
) -> Vec<PagePlan> {
    let body = &flow.body;
    let keeps = keeps(body);
    let chapter_at = |j: usize| starts[j] != Start::Flow;
    let mut pages = Vec::new();
    let mut i = 0;
    let n = body.len();
    let mut carry: Vec<(usize, Range<usize>)> = Vec::new();
    while i < n || !carry.is_empty() {
        // Spaces at the top of a page are dropped.
        while i < n && matches!(body[i], Flow::Space(_)) {
            i += 1;
        }
        let start = i;
        if i < n && pages.len() % 2 == 1 && starts[i] == Start::Recto {
            pages.push(PagePlan {
                body: i..i,
                notes: Vec::new(),
                blank: true,
            });
        }
        // Notes continued from the previous page come first.
        let mut state = NoteState::default();
        for (note, range) in std::mem::take(&mut carry) {
            if !state.add(&flow.notes, note, range.start, body_height * 0.6, separator) {
                state.carry.push((note, range));
            }
        }
        // A page that starts inside a table repeats its header row.
        let mut y = match body.get(start) {
            Some(Flow::Line(FlowLine {
                header: Some(h), ..
            })) => h.height,
            _ => 0.0,
        };
        let mut best: Option<(usize, NoteState)> = None;
        let mut j = i;
        let mut keep = false;
        while j < n {
            let (h, refs): (f32, &[usize]) = match &body[j] {
                Flow::Space(h) => (*h, &[]),
                Flow::Line(l) => (l.height, &l.notes),
            };
            if let Flow::Space(_) = body[j] {
                if !keep && j > start {
                    best = Some((j, state.clone()));
                }
                y += h;
                j += 1;
                continue;
            }
            if j > start && chapter_at(j) {
                best = Some((j, state.clone()));
                break;
            }
            let mut next = state.clone();
            let mut fits = y + h + next.height <= body_height + 0.01;
            for &note in refs {
                if fits && !next.add(&flow.notes, note, 0, body_height - y - h, separator) {
                    fits = false;
                }
            }
            if !fits && j > start {
                break;
            }
            state = next;
            y += h;
            if let Flow::Line(_) = &body[j] {
                keep = keeps[j];
            }
            if !keep {
                best = Some((j + 1, state.clone()));
            }
            j += 1;
        }
        let (end, state) = if j >= n {
            (n, state)
        } else {
            best.filter(|(b, _)| *b > start).unwrap_or((j, state))
        };
        carry = state.carry.clone();
        pages.push(PagePlan {
            body: start..end,
            notes: state.placed,
            blank: false,
        });
        i = end;
        if end == start && state_is_empty(&pages) {
            break;
        }
    }
    if pages.is_empty() {
        pages.push(PagePlan::default());
    }
    pages
}

/// Lines a heading keeps on its page after it (the heading's own lines
/// not counted): a heading never stands at a page foot with less than two
/// lines of its text under it (Chicago 2.116 on heads at page foot; TeX's
/// \\clubpenalty after a heading in LaTeX's `\\@afterheading`).
pub const HEADING_KEEP_LINES: usize = 2;

/// Code blocks of at most this many printed lines (the language label
/// counted) are never split across pages (lines).
pub const CODE_KEEP_LINES: usize = 6;

/// Per body slot, whether a page may not end right after it: the slot's own
/// keep-with-next, plus two rules of the paginator's own —
/// a heading keeps [`HEADING_KEEP_LINES`] lines after it, and a code block
/// (a run of [`LineKind::Other`] slots sharing a paragraph number, outside
/// tables) of at most [`CODE_KEEP_LINES`] lines is kept whole. Spaces carry
/// no keep of their own (a break at a space follows the line before it).
fn keeps(body: &[Flow]) -> Vec<bool> {
    let mut keep: Vec<bool> = body
        .iter()
        .map(|f| matches!(f, Flow::Line(l) if l.keep_with_next))
        .collect();
    // Headings: keep the lines after them up to the second.
    let mut need = 0;
    for (j, f) in body.iter().enumerate() {
        let Flow::Line(l) = f else { continue };
        if matches!(l.kind, LineKind::Heading | LineKind::Title) {
            need = HEADING_KEEP_LINES;
        } else if need > 0 {
            need -= 1;
            if need > 0 {
                keep[j] = true;
            }
        }
    }
    // Short code blocks.
    let mut j = 0;
    while j < body.len() {
        let run = match &body[j] {
            Flow::Line(l) if code_like(l) => body[j..]
                .iter()
                .take_while(|f| matches!(f, Flow::Line(m) if code_like(m) && m.para == l.para))
                .count(),
            _ => 0,
        };
        if (2..=CODE_KEEP_LINES).contains(&run) {
            keep[j..j + run - 1].iter_mut().for_each(|k| *k = true);
        }
        j += run.max(1);
    }
    keep
}

/// A slot a code block is made of: a unit line outside a table.
fn code_like(l: &FlowLine) -> bool {
    l.kind == LineKind::Other && l.header.is_none() && l.count == 1
}

/// Whether the last planned page holds nothing (guards against an endless loop).
fn state_is_empty(pages: &[PagePlan]) -> bool {
    pages
        .last()
        .is_some_and(|p| p.body.is_empty() && p.notes.is_empty())
}

/// Counts widows, orphans and headings at a page foot from the placement
/// (one pass: the records are in page order).
fn measure_report(report: &mut Report) {
    let lines = &report.lines;
    let mut i = 0;
    while i < lines.len() {
        let p = lines[i].page;
        let mut j = i;
        while j < lines.len() && lines[j].page == p {
            j += 1;
        }
        let (first, last, more_follows) = (&lines[i], &lines[j - 1], j < lines.len());
        if p > 0
            && first.kind == LineKind::Body
            && first.count >= 2
            && first.index + 1 == first.count
        {
            report.widows += 1;
        }
        if more_follows && last.kind == LineKind::Body && last.count >= 2 && last.index == 0 {
            report.orphans += 1;
        }
        if more_follows && matches!(last.kind, LineKind::Heading | LineKind::Title) {
            report.headings_at_foot += 1;
        }
        i = j;
    }
}
