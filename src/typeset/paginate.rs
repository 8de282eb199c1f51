//! The flow → pages: page breaks that respect the keep constraints, floats,
//! running heads after the first page, folios on every page, the outline.
//!
//! One column: see `Pager` — every place a page may end (not inside the
//! first or last two lines of a paragraph, not after a heading, not inside
//! a short code block) is weighed by what it costs this page and the next
//! (holes, a line too many, runts, unequal facing pages); figures and
//! tables that do not fit float to the top of the next page. When a page
//! holds no allowed break at all (a huge unbreakable block), it breaks
//! where the page is full rather than overflowing. The bottom is ragged
//! within a line (the theme's `pages.ragged_lines`), so body lines stay on
//! their grid; a page that would end shorter stretches the spaces between
//! its blocks (as LaTeX's `\flushbottom` does, within a bound), and one
//! that still leaves a hole of more than `pages.hole_lines` costs extra,
//! so the breaks move to avoid it. Linear in the number of slots (each page is filled
//! at most `LOOKAHEAD` + 1 times).

pub(crate) mod columns;
mod furniture;

use crate::frame::{ArtifactKind, Tag};
use crate::frame::{OutlineEntry, Page, Point, Positioned};
use crate::resolve::Book;
use std::ops::Range;

use crate::frame::{Item, Line, Rgb};
use crate::theme::PagesTheme;
use crate::typeset::blocks::{Flow, FlowDoc, FlowLine, LineKind};
use crate::typeset::inline::InlineEngine;
use crate::typeset::setup::PageSetup;
use furniture::{StateScan, furniture, page_states};
pub use furniture::{label_runs, roman};

/// Where a placed line ended up, for tests and checks ([`Report::lines`],
/// kept only when asked for). 28 bytes (`u32` numbers): kept for every line,
/// the records are held until the last page is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineRecord {
    /// Zero-based page.
    pub page: u32,
    /// Paragraph number.
    pub para: u32,
    /// Index in the paragraph.
    pub index: u32,
    /// Lines in the paragraph.
    pub count: u32,
    /// What the line is.
    pub kind: LineKind,
    /// Whether it was justified to the full measure.
    pub justified: bool,
    /// Top of the line's slot on the page (points from the page top).
    pub top: f32,
    /// Height of the slot.
    pub height: f32,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<LineRecord>() <= 28);

/// What the paginator did: measured from the final placement.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every placed line in order with its page, when asked for
    /// ([`crate::typeset::TypesetOptions::line_records`], [`paginate`]);
    /// else empty.
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
    /// Where each page of the final layout begins in the source, covers
    /// included (see [`super::page_starts`]); filled by
    /// [`super::typeset_with`] once the layout is complete when
    /// [`super::TypesetOptions::page_starts`] asks for them, else empty.
    pub page_starts: Vec<super::page_starts::PageStart>,
}

/// Breaks the flow into pages and adds the page furniture and footnotes;
/// the report records every placed line. The pages keep of the lines'
/// items what the engine that built the flow kept ([`InlineEngine::keep`]:
/// everything, unless told otherwise).
pub fn paginate(
    flow: FlowDoc,
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    paginate_keeping(flow, doc, setup, engine, true)
}

/// What a paginated page keeps of its lines' items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Everything: the pages to print.
    All,
    /// Only the anchors (and the furniture): a pass that only finds the
    /// page each anchor lands on and the pages' folios, such as the first
    /// pass of a document with a table of contents, whose folios are not
    /// known yet (see [`crate::typeset::typeset_with`]). The lines' items
    /// are freed as the pages are set, so the next pass does not start
    /// with a whole layout held.
    Anchors,
    /// Everything, the glyph runs held deflated from the moment the block
    /// that holds them is set ([`crate::runstore`]): the pages to print of
    /// a large document, whose runs would otherwise be most of its memory
    /// until the PDF is written. The same pages, the same bytes.
    Deflated,
}

impl Keep {
    /// Whether the pages keep what they draw ([`Keep::All`],
    /// [`Keep::Deflated`]).
    pub fn draws(self) -> bool {
        self != Keep::Anchors
    }
}

/// [`paginate`], keeping of each line's items what `engine.keep` says (the
/// keep the flow was built with, decided once: a flow built for
/// [`Keep::Anchors`] has no glyphs to keep), and a record of every placed
/// line in [`Report::lines`] when `records` is set (the widows, orphans and
/// headings at a page's foot are counted either way).
pub fn paginate_keeping(
    flow: FlowDoc,
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
    records: bool,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    let keep = engine.keep;
    if setup.columns == 2 {
        return paginate_columns(flow, doc, setup, engine, keep, records);
    }
    let separator = (setup.leading * 1.0).round();
    let top_level = top_level(&flow.body);
    let (mut report, notes, mut pieces) = unpack_pieces(flow, setup.duplex, top_level);
    let mut pages: Vec<Page> = Vec::new();
    let mut outline = Vec::new();
    let mut states = Vec::new();
    let mut scan = StateScan::default();
    let mut cur = Cursor::default();
    let mut last_empty = false;
    let count = pieces.len();
    let opens_top = std::mem::take(&mut pieces.opens_top);
    let mut to = Placing::new(&mut report, keep, records);
    for (k, piece) in pieces.enumerate() {
        let starts = page_starts(&piece, setup.duplex);
        let pager = Pager::new(
            &piece,
            &notes,
            setup,
            separator,
            &starts,
            top_level,
            opens_top.get(k).copied().unwrap_or(false),
        );
        let mut plans = pager.pages(&mut cur, pages.len(), k + 1 == count, &mut last_empty);
        if k + 1 == count && pages.is_empty() && plans.is_empty() {
            plans.push(PagePlan::default());
        }
        states.extend(scan.states(
            &piece,
            &plans.iter().map(PagePlan::first).collect::<Vec<_>>(),
            &plans.iter().map(|p| p.blank).collect::<Vec<_>>(),
        ));
        // What the plans were made from (per slot, the float it starts in
        // 16 bytes, its keep and its start: about 20 MB allocated on the
        // 50 MB document) is not held while the pages are filled.
        drop(pager);
        drop(starts);
        pages.reserve(plans.len());
        // The piece's slots, each taken when placed, in chunks freed as
        // soon as no page still to be filled takes from them.
        let mut slots = Slots::new(piece, slot_chunk());
        let mut needed: Vec<usize> = plans
            .iter()
            .rev()
            .scan(usize::MAX, |low, plan| {
                *low = plan.first().map_or(*low, |f| f.min(*low));
                Some(*low)
            })
            .collect();
        needed.reverse();
        for (plan, &low) in plans.iter().zip(&needed) {
            slots.release_below(low);
            let p = pages.len();
            pages.push(fill_page(
                &mut slots,
                &notes,
                plan,
                p,
                setup,
                &mut to,
                &mut outline,
            ));
        }
    }
    report.page_labels = furniture(&mut pages, &states, doc, setup, engine);
    trim(&mut pages);
    (pages, outline, report)
}

/// Sets one planned page (page `p`): its floats, its text (a continued
/// table's header first), its notes; takes each placed line from `slots`.
fn fill_page(
    slots: &mut Slots,
    notes: &[Vec<FlowLine>],
    plan: &PagePlan,
    p: usize,
    setup: &PageSetup,
    to: &mut Placing,
    outline: &mut Vec<OutlineEntry>,
) -> Page {
    let mut page = empty_page(setup);
    if to.keep.draws() {
        page.items
            .reserve_exact(page_items(slots, notes, plan) + FURNITURE_ITEMS);
    }
    let left = setup.left_on(p);
    let mut y = setup.top;
    for range in &plan.floats {
        let top = y;
        for i in range.clone() {
            if let Some(Flow::Line(line)) = slots.take(i) {
                record_outline(outline, &line, p, y);
                y += place_line(&mut page, to, line, p, y, left);
            }
        }
        y += float_gap(y - top, setup.leading, setup.theme.pages.float_gap_lines);
    }
    let mut started = false;
    if let Some(Flow::Line(FlowLine {
        header: Some(h), ..
    })) = plan.body.first().and_then(|r| slots.get(r.start))
    {
        let header = (**h).clone();
        y += place_line(&mut page, to, header, p, y, left);
        started = true;
    }
    for range in &plan.body {
        for i in range.clone() {
            match slots.take(i) {
                Some(Flow::Space(h)) if started => y += h * (1.0 + plan.stretch),
                Some(Flow::Line(line)) => {
                    started = true;
                    record_outline(outline, &line, p, y);
                    y += place_line(&mut page, to, line, p, y, left);
                }
                Some(Flow::Space(_)) | None => {}
            }
        }
    }
    place_notes(&mut page, to, notes, &plan.notes, p, setup, plan.extra);
    page
}

/// Room kept in a page's item list for its running head and folio, added
/// once every page is set ([`furniture`]).
const FURNITURE_ITEMS: usize = 4;

/// How many items `plan` puts on its page: its lines', its continued table
/// header's, its note lines' and the rule above the notes. A page's list
/// is made this size at once, not grown an item at a time: grown, it held
/// up to twice its items until [`trim`] ran after the last page, at the
/// moment a long document's build peaks (14 MiB of the 50 MB document's
/// 803, benches/README.md session 18).
fn page_items(slots: &Slots, notes: &[Vec<FlowLine>], plan: &PagePlan) -> usize {
    let items = |slot: Option<&Flow>| match slot {
        Some(Flow::Line(l)) => l.items.len(),
        _ => 0,
    };
    let lines: usize = plan
        .floats
        .iter()
        .chain(&plan.body)
        .flat_map(|r| r.clone())
        .map(|i| items(slots.get(i)))
        .sum();
    let header = match plan.body.first().and_then(|r| slots.get(r.start)) {
        Some(Flow::Line(l)) => l.header.as_ref().map_or(0, |h| h.items.len()),
        _ => 0,
    };
    let note_lines: usize = plan
        .notes
        .iter()
        .map(|(n, r)| {
            notes[*n][r.clone()]
                .iter()
                .map(|l| l.items.len())
                .sum::<usize>()
        })
        .sum();
    lines + header + note_lines + usize::from(!plan.notes.is_empty())
}

/// Footnotes stand at the foot of the text block (across both columns when
/// there are two), under a short rule.
fn place_notes(
    page: &mut Page,
    to: &mut Placing,
    notes: &[Vec<FlowLine>],
    placed: &[(usize, Range<usize>)],
    p: usize,
    setup: &PageSetup,
    extra: f32,
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
    let mut y = setup.bottom() + extra - height;
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
        tag: Tag::Artifact(ArtifactKind::Layout),
    });
    y += separator;
    for (n, range) in placed {
        for line in &notes[*n][range.clone()] {
            y += place_line(page, to, line.clone(), p, y, left);
        }
    }
}

/// [`paginate`] in two columns (see [`columns`]).
fn paginate_columns(
    flow: FlowDoc,
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
    keep: Keep,
    records: bool,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    let separator = (setup.leading * 1.0).round();
    let starts = page_starts(&flow.body, setup.duplex);
    let frame = columns::Frame {
        body_height: setup.body_height,
        separator,
        grid: setup.leading,
        shrink: setup.theme.pages.column_space_shrink,
        float_gap_lines: setup.theme.pages.float_gap_lines,
    };
    let plans = columns::plan(&flow, frame, &starts);
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
    let mut to = Placing::new(&mut report, keep, records);
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
            place_line(&mut page, &mut to, line, p, y, left);
        }
        place_notes(&mut page, &mut to, &notes, &plan.notes, p, setup, 0.0);
        pages.push(page);
    }
    report.page_labels = furniture(&mut pages, &states, doc, setup, engine);
    trim(&mut pages);
    (pages, outline, report)
}

/// Gives back what each page's item list grew by beyond its items: the
/// pages are held until the PDF is written, and a list grown an item at a
/// time (two columns) is up to twice its length. A list keeps at most an
/// eighth of its room unused ([`give_back_room`]), so one made its size at
/// once ([`page_items`]) keeps the spare places of its furniture: shrunk to
/// its length, every page's list moved to a smaller one at the moment the
/// build peaks, 10 MiB more resident then on the 50 MB document
/// (benches/README.md, session 21).
fn trim(pages: &mut [Page]) {
    for page in pages {
        give_back_room(&mut page.items);
    }
}

/// The flow's parts: a report holding its warnings, the notes, and the body
/// slots (each taken when placed).
fn unpack(flow: FlowDoc) -> (Report, Vec<Vec<FlowLine>>, Vec<Option<Flow>>) {
    let FlowDoc {
        body, notes, diags, ..
    } = flow;
    let report = Report {
        diags,
        ..Report::default()
    };
    (report, notes, body.into_iter().map(Some).collect())
}

/// The flow's parts, its body cut into pieces before every slot that
/// starts a page (see [`Start`]): a report holding its warnings, the
/// notes, and the pieces (at least one). No page runs across such a slot,
/// so each piece is paginated in turn with what crosses the cut carried
/// ([`Cursor`]'s note lines, the page count, [`StateScan`]), and freed
/// once its pages are set: the slots of a long document are not all held
/// alongside all its pages (benches/README.md, session 19).
fn unpack_pieces(
    flow: FlowDoc,
    duplex: bool,
    top_level: u8,
) -> (Report, Vec<Vec<FlowLine>>, Pieces) {
    let FlowDoc {
        mut body,
        notes,
        diags,
        ..
    } = flow;
    let report = Report {
        diags,
        ..Report::default()
    };
    let mut cuts: Vec<usize> = page_starts(&body, duplex)
        .iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, s)| *s != Start::Flow)
        .map(|(j, _)| j)
        .collect();
    let opens_top = cuts
        .iter()
        .map(|&cut| heading_at(&body, cut, top_level))
        .collect();
    cuts.push(body.len());
    let lens: Vec<usize> = cuts
        .iter()
        .scan(0, |start, &end| Some(end - std::mem::replace(start, end)))
        .collect();
    body.reverse();
    let pieces = Pieces {
        rev: body,
        lens: lens.into_iter(),
        opens_top,
    };
    (report, notes, pieces)
}

/// The pieces of a body, in order, each taken off the body as it is asked
/// for. The body is held reversed, so that the next piece is at its end:
/// taking it copies only the piece, and the body's allocation shrinks as
/// it goes (by a size class at a time, so that a shrink that moves it
/// costs, over all pieces, a few copies of the body at most).
struct Pieces {
    rev: Vec<Flow>,
    lens: std::vec::IntoIter<usize>,
    /// Per piece after the first, whether it opens with a heading of the
    /// document's top level.
    opens_top: Vec<bool>,
}

impl Pieces {
    fn len(&self) -> usize {
        self.lens.len()
    }
}

impl Iterator for Pieces {
    type Item = Vec<Flow>;

    fn next(&mut self) -> Option<Vec<Flow>> {
        let n = self.lens.next()?;
        // The last piece (the whole body, when nothing in it starts a
        // page) is the body itself, not a copy of it beside it.
        let mut piece = match self.lens.len() {
            0 => std::mem::take(&mut self.rev),
            _ => self.rev.split_off(self.rev.len() - n),
        };
        piece.reverse();
        give_back_room(&mut self.rev);
        Some(piece)
    }
}

/// Shrinks `list`, once an eighth or more of its room is unused, to its
/// length. Slots taken off a list's end a piece or a chunk at a time give
/// their room back as they go, and shrinking only by a size class at a time
/// costs, over the whole, a few copies at most (none when a large
/// allocation shrinks in place); a page's items keep a spare place or two.
pub(super) fn give_back_room<T>(list: &mut Vec<T>) {
    if list.capacity() - list.len() >= list.capacity() / 8 {
        list.shrink_to_fit();
    }
}

/// A piece's slots while its pages are filled, in chunks of [`SLOT_CHUNK`]
/// (chunk `k` holds slots `k * chunk ..`), each slot taken when its
/// line is placed and each chunk freed once no page still to be filled
/// takes from it ([`Slots::release_below`]). A piece that runs on for the
/// whole document (no chapter starts a page) held all its slots until its
/// last page was set, beside all the pages: 50 MiB of the 50 MB
/// document's peak (benches/README.md, session 20).
struct Slots {
    chunks: Vec<Vec<Option<Flow>>>,
    /// Slots a chunk holds.
    chunk: usize,
    /// The chunks before this one are freed.
    freed: usize,
}

/// Slots a chunk of [`Slots`] holds.
const SLOT_CHUNK: usize = 4096;

/// [`SLOT_CHUNK`], or in the crate's tests what [`tests::with_slot_chunk`]
/// sets, so that a short document frees its slots as a long one does.
fn slot_chunk() -> usize {
    #[cfg(test)]
    if let Some(chunk) = tests::SLOT_CHUNK_FOR_TEST.get() {
        return chunk;
    }
    SLOT_CHUNK
}

impl Slots {
    /// The slots of `piece`, in chunks of `chunk`, split from its end, so
    /// that the piece gives back its room as the chunks are made (a large
    /// allocation shrinks in place) rather than being held beside them.
    fn new(mut piece: Vec<Flow>, chunk: usize) -> Self {
        let chunk = chunk.max(1);
        let count = piece.len().div_ceil(chunk);
        let mut chunks = Vec::with_capacity(count);
        for k in (0..count).rev() {
            let tail = piece.split_off(k * chunk);
            give_back_room(&mut piece);
            chunks.push(tail.into_iter().map(Some).collect());
        }
        chunks.reverse();
        Slots {
            chunks,
            chunk,
            freed: 0,
        }
    }

    /// Where slot `i` is: its chunk, and its place in the chunk. Asking
    /// for a slot of a freed chunk is a bug of the caller's plans
    /// ([`Slots::release_below`]).
    fn place(&self, i: usize) -> (usize, usize) {
        debug_assert!(
            i / self.chunk >= self.freed,
            "slot {i} asked for after it was freed"
        );
        (i / self.chunk, i % self.chunk)
    }

    /// Slot `i`, unless it is taken or past the end.
    fn get(&self, i: usize) -> Option<&Flow> {
        let (c, k) = self.place(i);
        self.chunks.get(c)?.get(k)?.as_ref()
    }

    /// Takes slot `i` (`None` if it is taken or past the end).
    fn take(&mut self, i: usize) -> Option<Flow> {
        let (c, k) = self.place(i);
        self.chunks.get_mut(c)?.get_mut(k)?.take()
    }

    /// Frees the chunks that hold only slots before `low`.
    fn release_below(&mut self, low: usize) {
        let end = (low / self.chunk).min(self.chunks.len());
        for chunk in self.chunks.get_mut(self.freed..end).unwrap_or_default() {
            *chunk = Vec::new();
            #[cfg(test)]
            tests::RELEASED.set(tests::RELEASED.get() + 1);
        }
        self.freed = self.freed.max(end);
    }
}

/// The highest (smallest) outline level of the body's headings (1 when
/// there are none).
fn top_level(body: &[Flow]) -> u8 {
    body.iter()
        .filter_map(|f| match f {
            Flow::Line(l) if l.kind == LineKind::Heading => l.outline.as_ref().map(|o| o.1),
            _ => None,
        })
        .min()
        .unwrap_or(1)
}

/// Whether the first line at or after slot `i` of `body` starts a heading
/// of outline level `level` (`None`: `body` has no line from `i` on).
fn heading_at_or_none(body: &[Flow], i: usize, level: u8) -> Option<bool> {
    body[i.min(body.len())..].iter().find_map(|f| match f {
        Flow::Line(l) => {
            Some(l.kind == LineKind::Heading && l.outline.as_ref().map(|o| o.1) == Some(level))
        }
        Flow::Space(_) => None,
    })
}

/// [`heading_at_or_none`], false when there is no line.
fn heading_at(body: &[Flow], i: usize, level: u8) -> bool {
    heading_at_or_none(body, i, level).unwrap_or(false)
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
    if let Some((title, level)) = line.outline.as_deref() {
        outline.push(OutlineEntry {
            title: title.clone(),
            level: *level,
            page: p,
            y,
        });
    }
}

/// Where placed lines are counted and recorded, and what the pages keep of
/// them.
struct Placing<'r> {
    report: &'r mut Report,
    keep: Keep,
    /// Whether every line is recorded ([`Report::lines`]).
    records: bool,
    /// The line placed last.
    last: Option<LineRecord>,
}

impl<'r> Placing<'r> {
    fn new(report: &'r mut Report, keep: Keep, records: bool) -> Self {
        Placing {
            report,
            keep,
            records,
            last: None,
        }
    }

    /// Counts a placed line, lines being placed in page order: where a page
    /// begins (a widow is the last line of a paragraph of two or more at
    /// the top of a page after the first) and where the one before it ended
    /// with more to follow (an orphan is such a paragraph's first line at a
    /// page's foot; a heading there is counted too). Records it when asked.
    /// The counts were made from the records after the last page: a record
    /// of every line, 16 MiB on the 50 MB document, held at its build's
    /// peak (benches/README.md, session 21).
    fn record(&mut self, line: LineRecord) {
        let report = &mut *self.report;
        if self.last.is_none_or(|l| l.page != line.page) {
            if let Some(last) = self.last {
                if last.kind == LineKind::Body && last.count >= 2 && last.index == 0 {
                    report.orphans += 1;
                }
                if matches!(last.kind, LineKind::Heading | LineKind::Title) {
                    report.headings_at_foot += 1;
                }
            }
            if line.page > 0
                && line.kind == LineKind::Body
                && line.count >= 2
                && line.index + 1 == line.count
            {
                report.widows += 1;
            }
        }
        if self.records {
            report.lines.push(line);
        }
        self.last = Some(line);
    }
}

/// Puts a flow line on a page at `y`, records it, and returns its height.
fn place_line(
    page: &mut Page,
    to: &mut Placing,
    line: FlowLine,
    p: usize,
    y: f32,
    left: f32,
) -> f32 {
    to.record(LineRecord {
        page: u32::try_from(p).unwrap_or(u32::MAX),
        para: line.para,
        index: line.index,
        count: line.count,
        kind: line.kind,
        justified: line.justified,
        top: y,
        height: line.height,
    });
    for mut it in line.items {
        if to.keep == Keep::Anchors && !matches!(it.item, Item::Anchor(_)) {
            continue;
        }
        it.pos.x += left;
        it.pos.y += y;
        page.items.push(it);
    }
    line.height
}

/// What goes on one page: floats at its top, ranges of body slots, and
/// footnote lines.
#[derive(Clone, Debug, Default, PartialEq)]
struct PagePlan {
    /// Floats (figures, tables) at the top of the page, in order.
    floats: Vec<Range<usize>>,
    /// The text, in order (floats that went to a later page cut it).
    body: Vec<Range<usize>>,
    /// How far the page runs past the text block (points; see the theme's
    /// `pages.long_page_lines`): the footnotes go down as far.
    extra: f32,
    /// Each space between blocks of the text grows by this share of its
    /// height: so that a page does not end with a hole, or ends on the
    /// same line as the other page of its spread.
    stretch: f32,
    /// (note, range of its lines) in order.
    notes: Vec<(usize, Range<usize>)>,
    /// A left-hand page left empty so that a chapter starts on the right:
    /// no running head, no folio.
    blank: bool,
}

impl PagePlan {
    /// The first body slot on the page.
    fn first(&self) -> Option<usize> {
        self.floats.iter().chain(&self.body).map(|r| r.start).min()
    }

    /// Whether the page holds nothing.
    fn is_empty(&self) -> bool {
        self.floats.is_empty() && self.body.is_empty() && self.notes.is_empty()
    }
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

/// Cost of a page that had to break where no break is allowed (a block
/// taller than the page).
const FORCED_COST: f32 = 1000.0;

/// Breaks of a page weighed with a look at the next page: the last this
/// many allowed ones.
const LOOKAHEAD: usize = 6;

/// A block that may float: a figure (its image and caption) or a table.
#[derive(Clone, Debug)]
struct Float {
    slots: Range<usize>,
    height: f32,
    table: bool,
}

/// Where a page starts: the next body slot, footnote lines held over, and
/// floats waiting for the top of a page (in order).
#[derive(Clone, Debug, Default)]
struct Cursor {
    i: usize,
    carry: Vec<(usize, Range<usize>)>,
    pending: Vec<usize>,
}

/// How a candidate page ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ends {
    /// Inside a chapter: the text goes on.
    Flow,
    /// At a chapter's or the document's end.
    Chapter,
}

/// One way to end a page.
#[derive(Clone, Debug)]
struct Candidate {
    plan: PagePlan,
    next: Cursor,
    /// Height the page's text, floats and notes take (points).
    depth: f32,
    ends: Ends,
    /// No break is allowed on the page: it breaks where it is full.
    forced: bool,
    /// The page continues a chapter begun on an earlier page.
    continues: bool,
    /// Height of the spaces between blocks inside the page's text, which
    /// may stretch (points).
    space: f32,
}

impl Candidate {
    /// Makes the page as deep as `depth` by stretching its spaces, if it
    /// has any and the difference is at most `limit` (points).
    fn stretch_to(&mut self, depth: f32, limit: f32) {
        let gap = depth - self.depth;
        if gap <= limit + 0.01 {
            self.grow(gap);
        }
    }

    /// Grows the page's spaces by `gap` points in all, each in proportion
    /// to its height (as TeX shares stretch among glue by its stretch).
    fn grow(&mut self, gap: f32) {
        if self.space > 0.01 && gap > 0.01 {
            self.plan.stretch += gap / self.space;
            self.depth += gap;
        }
    }
}

/// The one-column page builder.
///
/// Pages are filled one at a time, as TeX's page builder does (TeXbook
/// ch. 15): every place a page may end (not inside the first or last two
/// lines of a paragraph, not after a heading, see [`keeps`]) is a
/// candidate, and the page ends at the least costly one, weighed together
/// with the best way to end the next page. A page `s` lines short costs
/// `s²`; it may run `long_page_lines` long at `long_page_cost`
/// (`\enlargethispage`); a page ending more than `ragged_lines` short
/// stretches the spaces between its blocks, each by at most
/// `space_stretch` of itself (TeX's `\flushbottom`, with a bound on the
/// stretch), which hides the hole but costs as the hole it hides, and one
/// that still ends more than `hole_lines` short inside a chapter costs
/// `hole_cost` more; a chapter's last page with `runt_lines`
/// or fewer costs `runt_cost`; two-sided, a spread's two pages are chosen
/// together and each line of difference in their depth costs
/// `spread_mismatch_cost`. A figure (and a table that cannot usefully
/// split, `table_split_min_rows`) that does not fit the rest of the page
/// waits for the top of the next one while the text goes on (LaTeX's
/// `[tp]` placement, TeX's `\topinsert`, TeXbook ch. 15); floats keep
/// their order and never pass the end of their chapter (where they are
/// flushed, as `\clearpage` does).
struct Pager<'a> {
    /// The piece of the body being paginated (see [`unpack_pieces`]).
    body: &'a [Flow],
    /// Every footnote's lines.
    notes: &'a [Vec<FlowLine>],
    starts: &'a [Start],
    keeps: Vec<bool>,
    floats: Vec<Float>,
    /// Per body slot, the float it starts.
    float_at: Vec<Option<usize>>,
    height: f32,
    leading: f32,
    separator: f32,
    duplex: bool,
    /// The highest (smallest) outline level of the whole body's headings.
    top_level: u8,
    /// Whether the piece after this one opens with a heading of that level.
    next_opens_top: bool,
    /// The theme's design numbers for filling pages (all names above).
    pages: &'a PagesTheme,
}

impl<'a> Pager<'a> {
    fn new(
        body: &'a [Flow],
        notes: &'a [Vec<FlowLine>],
        setup: &'a PageSetup,
        separator: f32,
        starts: &'a [Start],
        top_level: u8,
        next_opens_top: bool,
    ) -> Self {
        let pages = &setup.theme.pages;
        let floats = floats(body);
        let mut float_at = vec![None; body.len()];
        for (k, f) in floats.iter().enumerate() {
            float_at[f.slots.start] = Some(k);
        }
        Pager {
            body,
            notes,
            starts,
            keeps: keeps(body, pages.heading_keep_lines, pages.code_keep_lines),
            floats,
            float_at,
            height: setup.body_height,
            leading: setup.leading,
            separator,
            duplex: setup.duplex,
            top_level,
            next_opens_top,
            pages,
        }
    }

    /// Plans the piece's pages, from `cur` (what the piece before left:
    /// note lines carried), after `placed` pages of the document. Stops at
    /// the piece's end once no float waits; the note lines still carried
    /// are left in `cur` for the next piece, unless this one is the `last`.
    /// `last_empty` is whether the last page planned so far holds nothing.
    fn pages(
        &self,
        cur: &mut Cursor,
        placed: usize,
        last: bool,
        last_empty: &mut bool,
    ) -> Vec<PagePlan> {
        let body = self.body;
        let n = body.len();
        let mut pages = Vec::new();
        cur.i = 0;
        loop {
            while cur.i < n && matches!(body[cur.i], Flow::Space(_)) {
                cur.i += 1;
            }
            if cur.i >= n && cur.pending.is_empty() && (cur.carry.is_empty() || !last) {
                break;
            }
            if cur.i < n
                && (placed + pages.len()) % 2 == 1
                && self.starts[cur.i] == Start::Recto
                && cur.pending.is_empty()
            {
                pages.push(PagePlan {
                    blank: true,
                    ..PagePlan::default()
                });
                *last_empty = true;
            }
            let before = (cur.i, cur.carry.len(), cur.pending.len());
            for c in self.choose(cur, placed + pages.len()) {
                *last_empty = c.plan.is_empty();
                pages.push(c.plan);
                *cur = c.next;
            }
            if (cur.i, cur.carry.len(), cur.pending.len()) == before && *last_empty {
                break;
            }
        }
        pages
    }

    /// The page (or, two-sided on a left-hand page, the spread) to set
    /// from `cur`: the candidates of least cost with the next page's.
    fn choose(&self, cur: &Cursor, placed: usize) -> Vec<Candidate> {
        let spread = self.duplex && placed % 2 == 1;
        let firsts = self.fill(cur);
        let mut best: Option<(f32, usize, Option<Candidate>)> = None;
        for (k, c1) in firsts.iter().enumerate() {
            let own = self.cost(c1);
            let (total, second) = if c1.ends == Ends::Chapter || c1.forced {
                (own, None)
            } else {
                let mut inner: Option<(f32, &Candidate)> = None;
                let seconds = self.fill(&c1.next);
                for c2 in &seconds {
                    let mut t = self.cost(c2);
                    if spread && c2.ends == Ends::Flow {
                        t += self.pages.spread_mismatch_cost * self.mismatch(c1, c2);
                    }
                    if inner.is_none_or(|(b, _)| t <= b) {
                        inner = Some((t, c2));
                    }
                }
                match inner {
                    Some((t, c2)) => (own + t, spread.then(|| c2.clone())),
                    None => (own, None),
                }
            };
            if best.as_ref().is_none_or(|(b, _, _)| total <= *b) {
                best = Some((total, k, second));
            }
        }
        let Some((_, k, second)) = best else {
            return Vec::new();
        };
        let mut first = firsts[k].clone();
        self.fill_stretch(&mut first);
        if let Some(mut second) = second {
            self.fill_stretch(&mut second);
            if second.ends == Ends::Flow {
                let depth = first.depth.max(second.depth);
                let limit = self.pages.spread_stretch_lines * self.leading;
                first.stretch_to(depth, limit);
                second.stretch_to(depth, limit);
                for c in [&mut first, &mut second] {
                    c.plan.extra = (c.depth - self.height).max(0.0);
                }
            }
            return vec![first, second];
        }
        vec![first]
    }

    /// How far a page ending inside a chapter stretches its spaces (points):
    /// what it ends short beyond `ragged_lines`, as far as its spaces give.
    fn stretch_of(&self, c: &Candidate) -> f32 {
        if c.ends != Ends::Flow || c.forced {
            return 0.0;
        }
        let beyond = self.height - c.depth - self.pages.ragged_lines * self.leading;
        beyond.min(c.space * self.pages.space_stretch).max(0.0)
    }

    /// Stretches a chosen page's spaces (see [`Pager::stretch_of`]).
    fn fill_stretch(&self, c: &mut Candidate) {
        let gap = self.stretch_of(c);
        c.grow(gap);
    }

    /// How many lines apart the last lines of a spread's two pages end,
    /// once the shallower one's spaces have stretched.
    fn mismatch(&self, a: &Candidate, b: &Candidate) -> f32 {
        let (mut a, mut b) = (a.clone(), b.clone());
        self.fill_stretch(&mut a);
        self.fill_stretch(&mut b);
        let depth = a.depth.max(b.depth);
        let limit = self.pages.spread_stretch_lines * self.leading;
        a.stretch_to(depth, limit);
        b.stretch_to(depth, limit);
        ((a.depth - b.depth) / self.leading).abs()
    }

    /// What a candidate page costs (see [`Pager`]).
    fn cost(&self, c: &Candidate) -> f32 {
        if c.forced {
            return FORCED_COST;
        }
        let pg = self.pages;
        let short = (self.height - c.depth) / self.leading;
        let mut cost = if short < -0.01 {
            pg.long_page_cost
        } else if c.ends == Ends::Flow {
            let weight = if self.chapter_heading_at(c.next.i) {
                pg.before_heading_weight
            } else {
                1.0
            };
            // Stretching hides a hole; it does not make the page cheaper
            // than one that runs long.
            let left = short - self.stretch_of(c) / self.leading;
            let hole = if left > pg.hole_lines + 0.01 {
                pg.hole_cost
            } else {
                0.0
            };
            weight * (short * short + hole)
        } else {
            0.0
        };
        if c.ends == Ends::Chapter && c.continues && c.depth / self.leading <= pg.runt_lines + 0.01
        {
            cost += pg.runt_cost;
        }
        cost
    }

    /// Fills a page from `cur` up to one line long; returns the last
    /// [`LOOKAHEAD`] places it may end (or the forced one, when no break is
    /// allowed), in order.
    fn fill(&self, cur: &Cursor) -> Vec<Candidate> {
        let body = self.body;
        let notes = self.notes;
        let n = body.len();
        let capacity = self.height + self.pages.long_page_lines * self.leading;
        let mut i = cur.i;
        while i < n && matches!(body[i], Flow::Space(_)) {
            i += 1;
        }
        let mut state = NoteState::default();
        for (note, range) in &cur.carry {
            if !state.add(notes, *note, range.start, self.height * 0.6, self.separator) {
                state.carry.push((*note, range.clone()));
            }
        }
        let mut plan = PagePlan::default();
        let mut y = 0.0;
        // Floats held over go first, as many as fit.
        let mut pending = cur.pending.clone();
        let mut k = 0;
        while let Some(&f) = pending.get(k) {
            let fl = &self.floats[f];
            if !plan.floats.is_empty() && y + fl.height + state.height > self.height + 0.01 {
                break;
            }
            self.float_notes(&mut state, fl, self.height - y - fl.height);
            plan.floats.push(fl.slots.clone());
            y += fl.height + self.float_gap(fl.height);
            k += 1;
        }
        pending.drain(..k);
        // A page that starts inside a table repeats its header row.
        if let Some(Flow::Line(FlowLine {
            header: Some(h), ..
        })) = body.get(i)
        {
            y += h.height;
        }
        let continues = i < n && self.starts[i] == Start::Flow;
        // Where the page may end, as lengths of what only grows while it
        // fills; the last LOOKAHEAD become candidates at the end.
        let mut marks: Vec<Mark> = Vec::new();
        let mut seg = i;
        let mut space = 0.0;
        // The page ended before slot `end`, as things stand.
        macro_rules! mark {
            ($end:expr, $ends:expr, $forced:expr) => {
                Mark {
                    seg,
                    end: $end,
                    body: plan.body.len(),
                    placed: state.placed.len(),
                    carry: state.carry.len(),
                    notes: state.height,
                    pending: pending.len(),
                    y,
                    ends: $ends,
                    forced: $forced,
                    space,
                }
            };
        }
        let mut j = i;
        let mut keep = false;
        let mut has_text = false;
        while j < n {
            let l = match &body[j] {
                Flow::Space(h) => {
                    if has_text {
                        // (A break after the line before is the same page.)
                        if !keep && marks.last().is_none_or(|m| m.end < j) {
                            marks.push(mark!(j, Ends::Flow, false));
                        }
                        y += h;
                        space += h;
                    }
                    j += 1;
                    continue;
                }
                Flow::Line(l) => l,
            };
            if self.starts[j] != Start::Flow && (has_text || !plan.floats.is_empty()) {
                end_chapter(&mut marks, body, j, mark!(j, chapter_end(&pending), false));
                return self.candidates(&marks, &plan, &state, &pending, continues);
            }
            if let Some(f) = self.float_at[j]
                && (has_text || !plan.floats.is_empty())
                && self.defer(f, &pending, self.height - y - state.height)
            {
                // A float right under a heading (kept with what follows)
                // does not leave it behind: the page ends before the
                // heading, which opens the next page above the float. On a
                // page the heading opens, the float waits as any does.
                if keep && has_text && pending.is_empty() && !marks.is_empty() {
                    return self.candidates(&marks, &plan, &state, &pending, continues);
                }
                if seg < j {
                    plan.body.push(seg..j);
                }
                pending.push(f);
                j = self.floats[f].slots.end;
                // The space after the float goes with it.
                if let Some(Flow::Space(_)) = body.get(j) {
                    j += 1;
                }
                seg = j;
                continue;
            }
            let mut fits = y + l.height + state.height <= capacity + 0.01;
            // The line's notes go on a copy of the state (most lines have
            // none, and need no copy).
            let mut next = None;
            if fits && !l.notes.is_empty() {
                let with = next.insert(state.clone());
                for &note in &l.notes {
                    if fits && !with.add(notes, note, 0, capacity - y - l.height, self.separator) {
                        fits = false;
                    }
                }
            }
            if !fits && (has_text || !plan.floats.is_empty()) {
                if marks.is_empty() {
                    marks.push(mark!(j, Ends::Flow, true));
                }
                return self.candidates(&marks, &plan, &state, &pending, continues);
            }
            if let Some(next) = next {
                state = next;
            }
            y += l.height;
            has_text = true;
            keep = self.keeps[j];
            j += 1;
            if !keep && j < n {
                marks.push(mark!(j, Ends::Flow, false));
            }
        }
        end_chapter(&mut marks, body, n, mark!(n, chapter_end(&pending), false));
        self.candidates(&marks, &plan, &state, &pending, continues)
    }

    /// The candidates of the last [`LOOKAHEAD`] `marks` of a page filled
    /// as far as `plan`, `state` and `pending` say (each mark holds a
    /// prefix of them).
    fn candidates(
        &self,
        marks: &[Mark],
        plan: &PagePlan,
        state: &NoteState,
        pending: &[usize],
        continues: bool,
    ) -> Vec<Candidate> {
        let from = marks.len().saturating_sub(LOOKAHEAD);
        marks[from..]
            .iter()
            .map(|m| {
                let mut body = plan.body[..m.body].to_vec();
                if m.seg < m.end {
                    body.push(m.seg..m.end);
                }
                let depth = m.y + m.notes;
                Candidate {
                    plan: PagePlan {
                        floats: plan.floats.clone(),
                        body,
                        extra: (depth - self.height).max(0.0),
                        notes: state.placed[..m.placed].to_vec(),
                        ..PagePlan::default()
                    },
                    next: Cursor {
                        i: m.end,
                        carry: state.carry[..m.carry].to_vec(),
                        pending: pending[..m.pending].to_vec(),
                    },
                    depth,
                    ends: m.ends,
                    forced: m.forced,
                    continues,
                    space: m.space,
                }
            })
            .collect()
    }

    /// Whether the first line at or after slot `i` starts a heading of the
    /// document's highest outline level.
    fn chapter_heading_at(&self, i: usize) -> bool {
        heading_at_or_none(self.body, i, self.top_level).unwrap_or(self.next_opens_top)
    }

    /// Whether float `f`, met with `room` left on the page, waits for the
    /// next page: when floats before it wait, or when it does not fit and
    /// fits a page (a table only when fewer than `table_split_min_rows`
    /// of its rows would stay here; else it splits).
    fn defer(&self, f: usize, pending: &[usize], room: f32) -> bool {
        let fl = &self.floats[f];
        if !pending.is_empty() {
            return true;
        }
        if fl.height <= room + 0.01 || fl.height > self.height {
            return false;
        }
        if fl.table {
            let mut used = 0.0;
            let rows = fl.slots.clone().take_while(|&s| {
                used += slot_height(&self.body[s]);
                used <= room + 0.01
            });
            // The header row is not counted.
            return rows.count().saturating_sub(1) < self.pages.table_split_min_rows;
        }
        true
    }

    /// Adds the notes a float's lines refer to; those that do not fit in
    /// `room` continue on the next page.
    fn float_notes(&self, state: &mut NoteState, fl: &Float, room: f32) {
        let notes = self.notes;
        for s in fl.slots.clone() {
            if let Flow::Line(l) = &self.body[s] {
                for &note in &l.notes {
                    if !state.add(notes, note, 0, room, self.separator) {
                        state.carry.push((note, 0..notes[note].len()));
                    }
                }
            }
        }
    }

    /// Space under a float of `height` at the top of a page: at least
    /// `float_gap_lines`, so that the float and the space together are a
    /// whole number of lines.
    fn float_gap(&self, height: f32) -> f32 {
        float_gap(height, self.leading, self.pages.float_gap_lines)
    }
}

/// How a page that ends where its chapter's text ends, with floats still
/// `pending`, ends: the chapter's end, or, when its floats go on to the
/// next page, inside the chapter (its hole shows, and may stretch).
fn chapter_end(pending: &[usize]) -> Ends {
    if pending.is_empty() {
        Ends::Chapter
    } else {
        Ends::Flow
    }
}

/// Adds the mark of a page that ends where its chapter's text does (before
/// slot `end`, which starts a page, or at the flow's end): `last`. When the
/// mark before it already ends the page after the chapter's last line (only
/// spaces between), that is the same break, and it becomes the chapter's
/// end instead: one break is weighed once, as what it is. Weighed as a page
/// ending inside the chapter as well, it escaped the runt rule and was
/// planned as a spread with the next chapter's opening page, which was
/// stretched to end level with it.
fn end_chapter(marks: &mut Vec<Mark>, body: &[Flow], end: usize, last: Mark) {
    match marks.last_mut() {
        Some(m)
            if !m.forced
                && m.end <= end
                && body[m.end..end].iter().all(|f| matches!(f, Flow::Space(_))) =>
        {
            m.ends = last.ends;
        }
        _ => marks.push(last),
    }
}

/// See [`Pager::float_gap`].
fn float_gap(height: f32, leading: f32, lines: f32) -> f32 {
    let least = height + lines * leading;
    (least / leading - 0.01).ceil() * leading - height
}

/// A place a page may end, found while it fills ([`Pager::fill`]): how
/// much of each growing list of the page is on it then.
struct Mark {
    /// The first slot of the page's last stretch of text.
    seg: usize,
    /// The slot the page ends before.
    end: usize,
    /// Stretches of text before `seg..end` (cut by floats sent on).
    body: usize,
    /// Notes placed, and note lines carried to the next page.
    placed: usize,
    carry: usize,
    /// Height of the notes placed (points).
    notes: f32,
    /// Floats sent on to later pages.
    pending: usize,
    /// Height of the text and floats (points).
    y: f32,
    ends: Ends,
    forced: bool,
    /// Height of the spaces between blocks in the text (points).
    space: f32,
}

fn slot_height(f: &Flow) -> f32 {
    match f {
        Flow::Line(l) => l.height,
        Flow::Space(h) => *h,
    }
}

/// The blocks of the body that may float: each figure (its image slot,
/// [`LineKind::Figure`], and the caption lines after it up to the next
/// space) and each table (a header row, then the rows that repeat it).
fn floats(body: &[Flow]) -> Vec<Float> {
    let line = |j: usize| match body.get(j) {
        Some(Flow::Line(l)) => Some(l),
        _ => None,
    };
    let mut out = Vec::new();
    let mut j = 0;
    while j < body.len() {
        let Some(l) = line(j) else {
            j += 1;
            continue;
        };
        let end = if l.kind == LineKind::Figure {
            let mut e = j + 1;
            while line(e).is_some_and(|c| c.kind != LineKind::Figure && c.header.is_none()) {
                e += 1;
            }
            Some((e, false))
        } else if l.header.is_none() && line(j + 1).is_some_and(|r| r.header.is_some()) {
            let mut e = j + 1;
            while line(e).is_some_and(|r| r.header.is_some()) {
                e += 1;
            }
            Some((e, true))
        } else {
            None
        };
        match end {
            Some((e, table)) => {
                out.push(Float {
                    slots: j..e,
                    height: body[j..e].iter().map(slot_height).sum(),
                    table,
                });
                j = e;
            }
            None => j += 1,
        }
    }
    out
}

/// Per body slot, whether a page may not end right after it: the slot's own
/// keep-with-next, plus two rules of the paginator's own —
/// a heading keeps `heading_keep` lines after it (the theme's
/// `pages.heading_keep_lines`: Chicago 2.116 on heads at a page foot), and a
/// code block
/// (a run of [`LineKind::Other`] slots sharing a paragraph number, outside
/// tables) of at most `code_keep` lines is kept whole. Spaces carry
/// no keep of their own (a break at a space follows the line before it).
fn keeps(body: &[Flow], heading_keep: usize, code_keep: usize) -> Vec<bool> {
    let mut keep: Vec<bool> = body
        .iter()
        .map(|f| matches!(f, Flow::Line(l) if l.keep_with_next))
        .collect();
    // Headings: keep the lines after them up to the second.
    let mut need = 0;
    for (j, f) in body.iter().enumerate() {
        let Flow::Line(l) = f else { continue };
        if matches!(l.kind, LineKind::Heading | LineKind::Title) {
            need = heading_keep;
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
        if (2..=code_keep).contains(&run) {
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

#[cfg(test)]
pub(super) mod tests {
    use crate::frame::{Item, Layout};
    use std::cell::Cell;

    thread_local! {
        /// The chunk size the pager's [`super::Slots`] use on this thread.
        pub(super) static SLOT_CHUNK_FOR_TEST: Cell<Option<usize>> = const { Cell::new(None) };
        /// Chunks freed on this thread.
        pub(super) static RELEASED: Cell<usize> = const { Cell::new(0) };
    }

    const SECTIONS: usize = 40;

    /// Sections of text of different lengths, five to a chapter, each with
    /// a table of four rows that cannot split (so it waits for the next
    /// page when fewer than three rows fit) and a paragraph after it with a
    /// footnote.
    fn document() -> String {
        let mut md = String::from("---\ntitle: Khối\n---\n\n");
        let sentence = "Ngày 28/11, tại tỉnh Yên Bái đã diễn ra hội nghị sơ kết năm năm thực hiện quy chế phối hợp. ";
        for i in 0..SECTIONS {
            let level = if i % 5 == 0 { "#" } else { "##" };
            md.push_str(&format!("{level} Mục {i}\n\n"));
            for p in 0..(i % 3 + 1) {
                md.push_str(&sentence.repeat(1 + (i * 7 + p) % 11));
                md.push_str("\n\n");
            }
            md.push_str("| Cột | Giá trị |\n|---|---|\n");
            for r in 0..4 {
                md.push_str(&format!("| BẢNG{i} hàng {r} | {r} |\n"));
            }
            md.push_str(&format!("\nSAU{i} {}[^n{i}]\n\n", sentence.repeat(2)));
            md.push_str(&format!("[^n{i}]: {}\n\n", sentence.repeat(1 + i % 3)));
        }
        md
    }

    fn layout(md: &str, duplex: bool, chunk: Option<usize>) -> Layout {
        let mut diags = crate::diag::Diagnostics::default();
        let source = crate::diag::SourceFile::new("chunks.md", md.to_string());
        let prepared = crate::prepare_source(source, &Default::default(), &mut diags)
            .unwrap_or_else(|| panic!("{diags:?}"));
        let opts = crate::typeset::TypesetOptions {
            paper: crate::cli::Paper::A5,
            duplex,
            columns: 1,
            line_records: false,
            page_starts: false,
            deflate_runs: false,
        };
        SLOT_CHUNK_FOR_TEST.set(chunk);
        let (layout, _) = crate::typeset::typeset_with(&prepared.doc, &prepared.fonts, &opts, 0);
        SLOT_CHUNK_FOR_TEST.set(None);
        layout
    }

    /// The first page whose text holds `needle`.
    fn page_of(layout: &Layout, needle: &str) -> usize {
        layout
            .pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|it| matches!(&it.item, Item::Text(r) if r.text.contains(needle)))
            })
            .unwrap_or_else(|| panic!("{needle} is on no page"))
    }

    /// Freeing the slots behind the pages set changes nothing on them:
    /// with chunks of one slot (every slot freed as soon as no later page
    /// reads it), the pages are those of chunks larger than the document,
    /// one-sided (one piece) and two-sided (a piece a chapter), with
    /// tables waiting for the next page while the text goes on.
    #[test]
    fn freeing_the_slots_behind_the_pages_changes_no_page() {
        let md = document();
        for duplex in [false, true] {
            let whole = layout(&md, duplex, Some(usize::MAX));
            RELEASED.set(0);
            let freed = layout(&md, duplex, Some(1));
            assert!(RELEASED.get() > 100, "{} chunks freed", RELEASED.get());
            assert!(whole.pages.len() > SECTIONS, "{} pages", whole.pages.len());
            let waited = (0..SECTIONS)
                .filter(|i| {
                    page_of(&whole, &format!("BẢNG{i}")) > page_of(&whole, &format!("SAU{i}"))
                })
                .count();
            assert!(
                waited > 0,
                "no table waited for the next page (two-sided: {duplex})"
            );
            assert!(whole.pages == freed.pages, "two-sided: {duplex}");
            assert!(whole.outline == freed.outline, "two-sided: {duplex}");
        }
    }

    /// Lines placed on four pages, counted as they come: page 0 begins with
    /// a paragraph's last line (not a widow on the first page) and ends
    /// with the first line of another (an orphan); page 1 begins with the
    /// last line of that one (a widow) and ends with a heading; page 3 (no
    /// line on page 2) begins with a paragraph's last line (a widow) and
    /// ends with a title line; page 4 ends with a paragraph's first line,
    /// not counted: nothing follows the last page's foot. A one-line
    /// paragraph is neither. Recorded or not, the counts are the same;
    /// unrecorded, no line is kept.
    #[test]
    fn widows_orphans_and_heads_at_the_foot_are_counted_as_lines_are_placed() {
        use super::{Keep, LineRecord, Placing, Report};
        use crate::typeset::blocks::LineKind;
        let line = |page: u32, kind: LineKind, index: u32, count: u32| LineRecord {
            page,
            para: 0,
            index,
            count,
            kind,
            justified: false,
            top: 0.0,
            height: 12.0,
        };
        let body = LineKind::Body;
        let placed = [
            line(0, body, 1, 2),
            line(0, body, 0, 1),
            line(0, body, 0, 3),
            line(1, body, 2, 3),
            line(1, body, 0, 1),
            line(1, LineKind::Heading, 0, 1),
            line(3, body, 1, 2),
            line(3, LineKind::Title, 0, 1),
            line(4, body, 0, 4),
        ];
        for records in [true, false] {
            let mut report = Report::default();
            let mut to = Placing::new(&mut report, Keep::All, records);
            for l in placed {
                to.record(l);
            }
            assert_eq!(
                (report.widows, report.orphans, report.headings_at_foot),
                (2, 1, 2),
                "recorded: {records}"
            );
            assert_eq!(report.lines.len(), if records { placed.len() } else { 0 });
        }
    }
}
