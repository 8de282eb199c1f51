//! Pages in two columns: spanning slots across the text block, the others
//! in two columns between them, balanced where a run of column slots ends
//! on a page (before a spanning slot or at the end of the document).
//!
//! A page is filled from the top: a spanning slot takes the full measure;
//! a run of column slots fills the left column, then the right one, each
//! ending at the last slot after which a break is allowed (the same keep
//! rules as single pages: widows, orphans, headings with what follows).
//! When the rest of a run fits on the page, it is split instead at the
//! allowed break that makes the two columns most even, left one the longer.
//! Footnotes go to the foot of the page across both columns. A column that
//! starts inside a table repeats its header row.
//!
//! Figures float (LaTeX's `[tp]` and `figure*` in `twocolumn`, TeXbook
//! ch. 15 `\topinsert`): one set in a column that does not fit what is left
//! of its column waits for the top of the next column (the right one, else
//! the next page's left one) while the text goes on and fills the column;
//! one spanning both columns that does not fit under the text waits for the
//! top of the next page and the run of text goes on past it as one run.
//! Floats of one kind keep their order, never come before their place in
//! the text, and wait at a chapter's start or the document's end on pages
//! of their own; the space under a float is the theme's
//! `pages.float_gap_lines` at least (whole lines with the float). Tables
//! do not float here (they split across columns).

use std::ops::Range;

use super::{NoteState, Start};
use crate::fonts::{FontSet, Role, Style};
use crate::typeset::blocks::{Flow, FlowDoc, FlowLine, LineKind};
use crate::typeset::setup::{PageSetup, average_char_em};

/// Two-column geometry for `s` (a single-column setup of the same paper):
/// the text block widened to the theme's `page.columns_width` of the width, centred;
/// the body size chosen so that a column holds `page.column_chars` average
/// characters (rounded down to a multiple of `pages.column_size_step` pt; never larger than the single-column size, never under
/// `page.column_min_size`); leading, indent and the gutter scaled with it (the
/// leading at least the face's ascent + descent, so that every body line
/// is one line of the grid); the
/// text block the whole number of new lines that fits in the old one.
pub(crate) fn fit_setup(s: &mut PageSetup, fonts: &FontSet, fixed_margins: bool) {
    let face = fonts.face(Role::Body, Style::REGULAR);
    let avg_em = average_char_em(face);
    let page = s.theme.page.clone();
    if !fixed_margins {
        s.measure = page.columns_width.pt(s.body_size, s.width).round();
        s.left = ((s.width - s.measure) / 2.0).round();
    }
    let chars = page.column_chars;
    // The gutter in ems of the column size (a length in pt or mm as is).
    let gutter_em = page.gutter.pt(1.0, s.width);
    // column = (measure - gutter) / 2, gutter = gutter_em × size and
    // column = chars × avg_em × size give the size.
    let exact = s.measure / (2.0 * chars * avg_em + gutter_em);
    let step = s.theme.pages.column_size_step;
    let size =
        ((exact / step).floor() * step).clamp(page.column_min_size.min(s.body_size), s.body_size);
    let scale = size / s.body_size;
    // Never less than the face's ascent + descent, which a body line's
    // slot takes when it is taller: every body line then has the height
    // of the grid. In quarter points.
    let m = face.metrics;
    let extent = (f32::from(m.ascender) - f32::from(m.descender)) / f32::from(m.units_per_em);
    let leading = ((s.leading * scale).max(extent * size) * 4.0).ceil() / 4.0;
    s.body_height = (s.body_height / leading).floor() * leading;
    s.body_ascent *= scale;
    s.body_size = size;
    s.leading = leading;
    s.indent = s.theme.text.indent.pt(size, s.width).round();
    s.gutter = page.gutter.pt(size, s.width).round();
    s.ragged = s.column_width() / (avg_em * size) < page.column_justify_min;
}

/// Where a slot goes on a page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Column {
    /// Across both columns.
    Span,
    /// The left (0) or right (1) column.
    Col(usize),
}

/// One slot placed on a page.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Placed {
    /// Index in the flow's body.
    pub slot: usize,
    /// Where across the page.
    pub column: Column,
    /// Top of the slot, from the top of the text block.
    pub y: f32,
    /// Place the slot's table header row here, not the slot.
    pub header: bool,
}

/// What goes on one two-column page.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct ColumnPage {
    /// Slots in order of placement.
    pub placed: Vec<Placed>,
    /// (note, range of its lines) in order.
    pub notes: Vec<(usize, Range<usize>)>,
    /// A left-hand page left empty so that a chapter starts on the right.
    pub blank: bool,
}

fn line(f: &Flow) -> Option<&FlowLine> {
    match f {
        Flow::Line(l) => Some(l),
        Flow::Space(_) => None,
    }
}

fn is_span(f: &Flow) -> bool {
    line(f).is_some_and(|l| l.span)
}

/// Whether a column or page may end before slot `j`: the last line before
/// it is not kept with what follows (spaces in between change nothing).
fn may_break_before(body: &[Flow], j: usize) -> bool {
    body[..j]
        .iter()
        .rev()
        .find_map(line)
        .is_none_or(|l| !l.keep_with_next)
}

/// The header row a column or page starting at slot `j` repeats, if `j`
/// is a table body row.
fn header_at(body: &[Flow], j: usize) -> Option<&FlowLine> {
    body.get(j).and_then(line).and_then(|l| l.header.as_deref())
}

/// `y` rounded up to the next line of the baseline grid (a multiple of
/// `grid` from the top of the text block).
fn snap_up(y: f32, grid: f32) -> f32 {
    ((y - 0.01) / grid).ceil().max(0.0) * grid
}

/// One column's slots stacked from a top `y0`, with the grid rule: a body
/// line of the grid's height starts on the grid (a multiple of the leading
/// from the top of the text block), so the lines of both columns and of
/// every page share one baseline grid. The space before such a line (after
/// a heading, a list, a table, a figure) is the whole number of lines
/// nearest to what the blocks ask for: rounded down by shrinking the
/// stretch's first space by at most [`Frame::shrink`] of it, else up.
/// Leading and trailing spaces are dropped.
#[derive(Clone)]
struct Stack<'a> {
    body: &'a [Flow],
    grid: f32,
    /// See [`Frame::shrink`].
    shrink: f32,
    /// Bottom of the last line placed.
    y: f32,
    /// (slot, top) of each line, a repeated header row first.
    tops: Vec<(usize, f32)>,
    /// Whether `tops[0]` is a repeated header row.
    header: bool,
    /// Spaces met since the last line (added before the next one).
    pending: f32,
    /// The first space since the last grid line: where in `tops` the lines
    /// after it start, and its height.
    stretch: Option<(usize, f32)>,
}

impl<'a> Stack<'a> {
    fn new(body: &'a [Flow], frame: Frame, y0: f32) -> Self {
        Stack {
            body,
            grid: frame.grid,
            shrink: frame.shrink,
            y: y0,
            tops: Vec::new(),
            header: false,
            pending: 0.0,
            stretch: None,
        }
    }

    /// Line slots placed (a header row not counted).
    fn lines(&self) -> usize {
        self.tops.len() - usize::from(self.header)
    }

    /// Adds slot `j` below what is stacked.
    fn push(&mut self, j: usize) {
        let l = match &self.body[j] {
            Flow::Space(h) => {
                if !self.tops.is_empty() {
                    if self.stretch.is_none() {
                        self.stretch = Some((self.tops.len(), *h));
                    }
                    self.pending += h;
                }
                return;
            }
            Flow::Line(l) => l,
        };
        if self.tops.is_empty()
            && let Some(h) = l.header.as_deref()
        {
            self.tops.push((j, self.y));
            self.header = true;
            self.y += h.height;
        }
        self.y += std::mem::take(&mut self.pending);
        let on_grid = l.kind == LineKind::Body && (l.height - self.grid).abs() < 0.01;
        if on_grid {
            let up = snap_up(self.y, self.grid);
            let shrink = self.y - (up - self.grid);
            match self.stretch {
                Some((k, space)) if up > self.y + 0.01 && shrink <= space * self.shrink => {
                    for t in &mut self.tops[k..] {
                        t.1 -= shrink;
                    }
                    self.y -= shrink;
                }
                _ => self.y = up,
            }
            self.stretch = None;
        }
        self.tops.push((j, self.y));
        self.y += l.height;
    }

    /// Adds a float's slots (a figure and its caption) and the space under
    /// it: at least `lines` of the grid, so that the float and the space
    /// together are a whole number of lines (see [`super::float_gap`]).
    fn float(&mut self, slots: Range<usize>, lines: f32) {
        let top = self.y;
        for j in slots {
            self.push(j);
        }
        self.pending += super::float_gap(self.y - top, self.grid, lines);
    }

    /// Placements in column `col`.
    fn placed(&self, col: usize) -> Vec<Placed> {
        self.tops
            .iter()
            .enumerate()
            .map(|(k, &(slot, y))| Placed {
                slot,
                column: Column::Col(col),
                y,
                header: self.header && k == 0,
            })
            .collect()
    }
}

/// The page geometry the planner works in, in points.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    /// Height of the text block.
    pub body_height: f32,
    /// Space above the footnotes (their rule).
    pub separator: f32,
    /// The baseline grid: the body leading.
    pub grid: f32,
    /// Largest share of a space that the grid rule may take away (the
    /// theme's `pages.column_space_shrink`; see [`Stack`]).
    pub shrink: f32,
    /// Least space under a float at the top of a column or page, in lines
    /// of the grid (the theme's `pages.float_gap_lines`; see
    /// [`super::float_gap`]).
    pub float_gap_lines: f32,
}

/// Plans two-column pages for the flow; a slot marked in `starts` starts
/// a page, a right-hand one (after a blank left-hand one if need be) when
/// [`Start::Recto`].
///
/// A chain of spanning lines kept together (a heading of several lines)
/// goes on a page only with the lines its last one is kept with (a
/// paragraph's first two lines), so a spanning heading is neither split
/// nor left at a page foot; the spaces before it are kept.
pub(super) fn plan(flow: &FlowDoc, frame: Frame, starts: &[Start]) -> Vec<ColumnPage> {
    let body = &flow.body;
    let Frame {
        body_height,
        separator,
        ..
    } = frame;
    let n = body.len();
    let mut cx = Cx {
        flow,
        frame,
        floats: ColFloats::new(body),
        skip: vec![false; n],
    };
    let mut pages = Vec::new();
    let mut i = 0;
    let mut carry: Vec<(usize, Range<usize>)> = Vec::new();
    // Column floats waiting for the top of a column, and spanning ones
    // for the top of a page, in order.
    let mut pending: Vec<usize> = Vec::new();
    let mut spans: Vec<usize> = Vec::new();
    while i < n || !carry.is_empty() || !pending.is_empty() || !spans.is_empty() {
        while i < n && (matches!(body[i], Flow::Space(_)) || cx.skip[i]) {
            i += 1;
        }
        let waiting = !pending.is_empty() || !spans.is_empty();
        let flush = waiting && (i >= n || starts[i] != Start::Flow);
        if i < n && starts[i] == Start::Recto && pages.len() % 2 == 1 && !flush {
            pages.push(ColumnPage {
                blank: true,
                ..ColumnPage::default()
            });
        }
        let mut page = ColumnPage::default();
        let mut state = NoteState::default();
        for (note, range) in std::mem::take(&mut carry) {
            if !state.add(&flow.notes, note, range.start, body_height * 0.6, separator) {
                state.carry.push((note, range));
            }
        }
        let mut y = 0.0;
        // Spanning floats held over go first, as many as fit (the first
        // one always), each with the space under it.
        let mut top_floats = false;
        let mut k = 0;
        while let Some(&f) = spans.get(k) {
            let start = cx.floats.spans[f].start;
            let Some((_, placed, bottom, notes)) =
                place_spans(flow, start, y, frame, &state, !top_floats)
            else {
                break;
            };
            page.placed.extend(placed);
            state = notes;
            y = bottom + super::float_gap(bottom - y, frame.grid, frame.float_gap_lines);
            top_floats = true;
            k += 1;
        }
        spans.drain(..k);
        if flush {
            // Floats still waiting where a chapter starts or the document
            // ends go on pages of their own first (LaTeX's `\clearpage`).
            let filled = fill(&cx, i..i, y, &state, &pending);
            page.placed.extend(filled.placed);
            state = filled.notes;
            pending = filled.waiting;
        }
        while i < n && !flush {
            // The spaces before a slot, kept below what the page holds:
            // all of them since the last line, also those a run or a
            // chain of spanning lines ended with (a run's stack drops its
            // trailing spaces; they belong to what follows).
            while i < n && (cx.skip[i] || matches!(body[i], Flow::Space(_))) {
                i += 1;
            }
            if i >= n {
                break;
            }
            let gap = spaces_before(&cx, i);
            // Under the floats at the page's top, their own space only.
            let y_top = if page.placed.is_empty() {
                0.0
            } else if top_floats {
                y
            } else {
                y + gap
            };
            if starts[i] != Start::Flow && !page.placed.is_empty() {
                break;
            }
            if is_span(&body[i]) {
                // A spanning figure that does not fit the rest of the page,
                // or that would pass one waiting, waits for the top of the
                // next page while the text goes on (LaTeX's `figure*`,
                // TeXbook ch. 15 `\topinsert`); not when the line before
                // it is kept with it (a heading).
                let float = cx.floats.span_at[i].filter(|_| {
                    !page.placed.is_empty() && !top_floats && may_break_before(body, i)
                });
                let placed = if float.is_some() && !spans.is_empty() {
                    None
                } else {
                    place_spans(flow, i, y_top, frame, &state, page.placed.is_empty())
                };
                match (placed, float) {
                    (Some((end, placed, bottom, notes)), _) => {
                        page.placed.extend(placed);
                        state = notes;
                        y = bottom;
                        i = end;
                        top_floats = false;
                        continue;
                    }
                    (None, Some(f)) if span_fits_page(flow, &cx.floats.spans[f], frame) => {
                        spans.push(f);
                        i = cx.set_aside(f);
                        continue;
                    }
                    (None, _) => break,
                }
            }
            let run_end = (i + 1..n)
                .find(|&j| (is_span(&body[j]) && !cx.skip[j]) || starts[j] != Start::Flow)
                .unwrap_or(n);
            let mut filled = fill(&cx, i..run_end, y_top, &state, &pending);
            // The run fits and ends at a spanning figure that does not fit
            // under it (or that would pass one waiting): the figure waits
            // for the next page and the run goes on past it, as one run.
            if filled.end == run_end
                && let Some(f) = cx.floats.span_at.get(run_end).copied().flatten()
                && may_break_before(body, run_end)
                && span_fits_page(flow, &cx.floats.spans[f], frame)
                && (!spans.is_empty() || !span_fits_under(flow, run_end, &filled, frame))
            {
                spans.push(f);
                cx.set_aside(f);
                continue;
            }
            let mut last = false;
            if filled.end == run_end && !kept_span_fits(flow, run_end, &filled, frame) {
                // The run ends with a line kept with the spanning slot after
                // it (a heading before a wide table or figure) and that slot
                // does not fit: the kept lines go to the next page with it.
                if let Some(b) = (i + 1..run_end).rev().find(|&b| may_break_before(body, b)) {
                    filled = fill(&cx, i..b, y_top, &state, &pending);
                    last = true;
                }
            }
            if filled.end == i && !(page.placed.is_empty() && filled.placed.is_empty()) {
                // None of the run's text fits: the page ends, with the
                // floats set at the top of its columns.
                if !filled.placed.is_empty() && filled.placed.iter().all(|p| p.slot < i) {
                    page.placed.extend(filled.placed);
                    state = filled.notes;
                    pending = filled.waiting;
                }
                break;
            }
            let Filled {
                end,
                placed,
                bottom,
                notes,
                waiting,
            } = filled;
            page.placed.extend(placed);
            state = notes;
            pending = waiting;
            y = bottom;
            top_floats = false;
            // Guard: a page that could not take even one slot takes it anyway.
            i = end.max(i + 1).min(run_end);
            if end < run_end || last {
                break;
            }
        }
        carry = std::mem::take(&mut state.carry);
        page.notes = state.placed;
        let empty = page.placed.is_empty() && page.notes.is_empty();
        pages.push(page);
        if empty && i >= n {
            break;
        }
    }
    if pages.is_empty() {
        pages.push(ColumnPage::default());
    }
    pages
}

/// The height of the spaces between slot `i` and the line before it
/// (slots set aside for a float, and their spaces, are not between).
fn spaces_before(cx: &Cx, i: usize) -> f32 {
    let body = &cx.flow.body;
    (0..i)
        .rev()
        .map_while(|j| match body[j] {
            _ if cx.skip[j] => Some(0.0),
            Flow::Space(h) => Some(h),
            Flow::Line(_) => None,
        })
        .sum()
}

/// Whether a spanning float of `slots` fits on an empty page (a taller one
/// stays in the text).
fn span_fits_page(flow: &FlowDoc, slots: &Range<usize>, frame: Frame) -> bool {
    let height: f32 = flow.body[slots.clone()]
        .iter()
        .map(super::slot_height)
        .sum();
    height <= frame.body_height - frame.grid
}

/// Whether the spanning slots from `end` fit under the run that `filled`
/// set (with the spaces between).
fn span_fits_under(flow: &FlowDoc, end: usize, filled: &Filled, frame: Frame) -> bool {
    let gap: f32 = flow.body[..end]
        .iter()
        .rev()
        .map_while(|f| match f {
            Flow::Space(h) => Some(*h),
            Flow::Line(_) => None,
        })
        .sum();
    place_spans(flow, end, filled.bottom + gap, frame, &filled.notes, false).is_some()
}

/// Whether a run that `filled` ends just before slot `end` may stay on its
/// page: it does not end with a line kept with a spanning slot at `end`, or
/// that slot (and what it is kept with) fits below the run.
fn kept_span_fits(flow: &FlowDoc, end: usize, filled: &Filled, frame: Frame) -> bool {
    let body = &flow.body;
    end >= body.len()
        || !is_span(&body[end])
        || may_break_before(body, end)
        || span_fits_under(flow, end, filled, frame)
}

/// Spanning slots placed from `i` at `y0`.
type Spans = (usize, Vec<Placed>, f32, NoteState);

/// Places the chain of spanning lines kept together from slot `i` at `y0`
/// (a table's header row first when a page starts inside a spanning
/// table): their end, placements, bottom and note state; `None` when they
/// and what they are kept with do not fit and the page already holds
/// something (`fresh` is false).
fn place_spans(
    flow: &FlowDoc,
    i: usize,
    y0: f32,
    frame: Frame,
    state: &NoteState,
    fresh: bool,
) -> Option<Spans> {
    let body = &flow.body;
    let mut placed = Vec::new();
    let mut y = y0;
    if fresh && let Some(h) = header_at(body, i) {
        placed.push(Placed {
            slot: i,
            column: Column::Span,
            y,
            header: true,
        });
        y += h.height;
    }
    let mut notes = state.clone();
    let mut fits = true;
    let mut j = i;
    let mut pending = 0.0;
    while j < body.len() {
        let l = match &body[j] {
            Flow::Space(h) => {
                pending += h;
                j += 1;
                continue;
            }
            Flow::Line(l) if l.span && (j == i || !may_break_before(body, j)) => l,
            Flow::Line(_) => break,
        };
        y += std::mem::take(&mut pending);
        placed.push(Placed {
            slot: j,
            column: Column::Span,
            y,
            header: false,
        });
        y += l.height;
        for &note in &l.notes {
            let room = frame.body_height - y;
            if fits && !notes.add(&flow.notes, note, 0, room, frame.separator) {
                fits = false;
            }
        }
        j += 1;
        if !l.keep_with_next {
            break;
        }
    }
    // What the last spanning line is kept with: the first column lines up
    // to the first break allowed (a paragraph's first two lines), or the
    // next spanning line.
    let kept = if may_break_before(body, j) {
        0.0
    } else {
        let mut k = j;
        while k < body.len() && matches!(body[k], Flow::Space(_)) {
            k += 1;
        }
        if body.get(k).is_some_and(is_span) {
            line(&body[k]).map_or(0.0, |l| pending + l.height)
        } else {
            let mut st = Stack::new(body, frame, y + pending);
            let mut e = k;
            while e < body.len() && !is_span(&body[e]) {
                st.push(e);
                e += 1;
                if may_break_before(body, e) {
                    break;
                }
            }
            st.y - y
        }
    };
    fits = fits && y + kept + notes.height <= frame.body_height + 0.01;
    if !fits && !fresh {
        return None;
    }
    Some((j, placed, y, notes))
}

/// Column slots set from a run.
struct Filled {
    /// The first slot not placed.
    end: usize,
    placed: Vec<Placed>,
    /// Bottom of the taller column, from the top of the text block.
    bottom: f32,
    notes: NoteState,
    /// Column floats waiting for the top of a column, in order.
    waiting: Vec<usize>,
}

/// Sets the column slots `run` below `y0`: balanced when the whole run fits,
/// else the left column full, then the right one.
///
/// Balanced: split at the allowed break that makes the taller column
/// shortest, the left one the longer on a tie, and never into a column of
/// one line beside a longer one (a run of one line stays one line).
fn fill(cx: &Cx, run: Range<usize>, y0: f32, state: &NoteState, pending: &[usize]) -> Filled {
    let (flow, frame) = (cx.flow, cx.frame);
    let body = &flow.body;
    let room = frame.body_height - y0;
    // Balanced columns need the run's lines to fit two columns: a column
    // is at least as tall as the heights of its lines (spaces and the grid
    // only add, a shrink of at most the whole space only takes back part
    // of one, `Frame::shrink` ≤ 1), so a run whose lines
    // add up to more than two columns above the notes already placed
    // (which only grow) has no balanced split. Then the run is not
    // stacked whole, nor split at every break (each split stacks both
    // sides: the square of the run, for every page of a long run).
    let mut lines_height = 0.0;
    let within = run
        .clone()
        .filter(|&j| !cx.skip[j])
        .filter_map(|j| line(&body[j]))
        .all(|l| {
            lines_height += l.height;
            lines_height <= 2.0 * (room - state.height) + 0.02
        });
    if !within && frame.shrink <= 1.0 {
        return fill_greedily(cx, run, y0, state, pending);
    }
    // Notes of the whole run, if all of it were on this page.
    let mut all = state.clone();
    let mut notes_fit = true;
    let whole = cx.stack(run.clone(), y0);
    let total = whole.y - y0;
    for l in run
        .clone()
        .filter(|&j| !cx.skip[j])
        .filter_map(|j| line(&body[j]))
    {
        for &note in &l.notes {
            if notes_fit && !all.add(&flow.notes, note, 0, room - total / 2.0, frame.separator) {
                notes_fit = false;
            }
        }
    }
    // Floats waiting from earlier columns: the columns are filled in turn.
    if notes_fit && all.carry.is_empty() && pending.is_empty() {
        let mut best: Option<(f32, f32, Stack, Stack)> = None;
        for m in run.start + 1..=run.end {
            if m < run.end && !may_break_before(body, m) {
                continue;
            }
            let left = cx.stack(run.start..m, y0);
            let right = cx.stack(m..run.end, y0);
            let (a, b) = (left.lines(), right.lines());
            if ((a == 1 || b == 1) && a + b > 1) || a == 0 {
                continue;
            }
            let tall = left.y.max(right.y);
            if tall + all.height > frame.body_height + 0.01 {
                continue;
            }
            let better = match &best {
                None => true,
                Some((t, l, _, _)) => tall < t - 0.01 || ((tall - t).abs() <= 0.01 && left.y > *l),
            };
            if better {
                best = Some((tall, left.y, left, right));
            }
        }
        if let Some((tall, _, left, right)) = best {
            let mut placed = left.placed(0);
            placed.extend(right.placed(1));
            return Filled {
                end: run.end,
                placed,
                bottom: tall,
                notes: all,
                waiting: Vec::new(),
            };
        }
    }
    fill_greedily(cx, run, y0, state, pending)
}

/// [`fill`] when the run is not balanced: the left column as full as the
/// page allows, then the right.
fn fill_greedily(
    cx: &Cx,
    run: Range<usize>,
    y0: f32,
    state: &NoteState,
    pending: &[usize],
) -> Filled {
    let frame = cx.frame;
    // Greedy: the left column as full as the page allows, then the right.
    // When a column cannot end at an allowed break, or the right one would
    // hold a single line, or it stops short beside the full left column
    // because a line's footnote needs room that the left column took (a
    // hole at the foot of the right column), the left column is shortened
    // a line at a time: to the first setting that can end cleanly, or, for
    // a footnote, to the one that takes the line with the note and leaves
    // the least room unused above the notes (both columns level).
    let first = greedy(cx, run.clone(), y0, state, pending, frame.body_height);
    if first.clean && !first.note_hole {
        return first.filled;
    }
    let search = first.clean;
    let first_end = first.filled.end;
    let mut best = first;
    let mut limit = best.filled.bottom;
    let mut tries = 0;
    while tries < MAX_SHORTENINGS && limit - frame.grid > y0 + frame.grid {
        limit -= frame.grid;
        tries += 1;
        let next = greedy(cx, run.clone(), y0, state, pending, limit);
        if !next.clean {
            continue;
        }
        if !search {
            return next.filled;
        }
        // Only a setting that takes more of the run (the line with the
        // note) helps; else lines would just move from one column's foot
        // to the other's.
        if next.filled.end > first_end && next.unused < best.unused - 0.01 {
            best = next;
        }
        if best.unused <= frame.grid + 0.01 {
            break;
        }
    }
    best.filled
}

/// Both columns of a page set by [`greedy`], and how well.
struct Greedy {
    filled: Filled,
    /// Each column ends at an allowed break, and the right one holds more
    /// than one line (or ends the run).
    clean: bool,
    /// The right column stops more than a line above the left one's foot
    /// because a line's footnote did not fit beside the full left column.
    note_hole: bool,
    /// Room left in both columns above the notes, when the run goes on to
    /// the next page (points; 0 when it ends here).
    unused: f32,
}

/// Lines by which the left column may be shortened to let the right one
/// end at an allowed break (see [`fill`]).
const MAX_SHORTENINGS: usize = 12;

/// The left column filled down to `limit`, the right one beside it down to
/// the foot of the text block (see [`Greedy`]).
fn greedy(
    cx: &Cx,
    run: Range<usize>,
    y0: f32,
    state: &NoteState,
    pending: &[usize],
    limit: f32,
) -> Greedy {
    let frame = cx.frame;
    let body = &cx.flow.body;
    let mut notes = state.clone();
    let mut waiting = pending.to_vec();
    let mut placed = Vec::new();
    let mut start = run.start;
    let mut bottom = y0;
    let mut clean = true;
    let mut note_hole = false;
    // The foot of each column set.
    let mut feet = Vec::with_capacity(2);
    for col in 0..2 {
        let cap = if col == 0 { limit } else { frame.body_height };
        let set = fill_column(cx, start..run.end, y0, bottom, cap, &notes, &waiting);
        let st = set.stack;
        let end = set.end;
        placed.extend(st.placed(col));
        feet.push(st.y);
        let ends_run = end >= run.end;
        note_hole |= col == 1 && set.note_stop && !ends_run && st.y < bottom - frame.grid - 0.01;
        bottom = bottom.max(st.y);
        notes = set.notes;
        waiting = set.waiting;
        clean &= ends_run || may_break_before(body, end);
        clean &= col == 0 || ends_run || st.lines() != 1;
        start = end;
        // Floats still waiting when the run ends go to the top of the
        // right column.
        if ends_run && waiting.is_empty() {
            break;
        }
    }
    let unused = if start >= run.end {
        0.0
    } else {
        let foot = frame.body_height - notes.height;
        feet.iter().map(|y| (foot - y).max(0.0)).sum()
    };
    let filled = Filled {
        end: start,
        placed,
        bottom,
        notes,
        waiting,
    };
    Greedy {
        filled,
        clean,
        note_hole,
        unused,
    }
}

/// The figures of the body that float, as [`super::floats`] finds them:
/// those set in one column float within the columns, those wider than a
/// column (spanning both) to the top of a page.
pub(super) struct ColFloats {
    /// The slots of each column float, in order.
    slots: Vec<Range<usize>>,
    /// Per body slot, the column float it starts.
    at: Vec<Option<usize>>,
    /// The slots of each spanning float, in order.
    spans: Vec<Range<usize>>,
    /// Per body slot, the spanning float it starts.
    span_at: Vec<Option<usize>>,
}

impl ColFloats {
    fn new(body: &[Flow]) -> Self {
        let (spans, slots): (Vec<Range<usize>>, Vec<Range<usize>>) = super::floats(body)
            .into_iter()
            .filter(|f| !f.table)
            .map(|f| f.slots)
            .partition(|r| is_span(&body[r.start]));
        let index = |list: &[Range<usize>]| {
            let mut at = vec![None; body.len()];
            for (k, r) in list.iter().enumerate() {
                at[r.start] = Some(k);
            }
            at
        };
        ColFloats {
            at: index(&slots),
            span_at: index(&spans),
            slots,
            spans,
        }
    }
}

/// What the column filler works with: the flow, the page geometry and the
/// column floats.
struct Cx<'a> {
    flow: &'a FlowDoc,
    frame: Frame,
    floats: ColFloats,
    /// Per body slot, whether it is left out of the columns: the slots of
    /// a spanning float waiting for the top of a page, and the space
    /// after it.
    skip: Vec<bool>,
}

impl<'a> Cx<'a> {
    /// Stacks slots `range` but those skipped (a repeated header row
    /// first when the column starts inside a table).
    fn stack(&self, range: Range<usize>, y0: f32) -> Stack<'a> {
        let mut st = Stack::new(&self.flow.body, self.frame, y0);
        for j in range.filter(|&j| !self.skip[j]) {
            st.push(j);
        }
        st
    }

    /// Sets spanning float `f` aside for the top of a page, with the
    /// spaces before and after it (its own, which go with it); returns the
    /// slot after them.
    fn set_aside(&mut self, f: usize) -> usize {
        let body = &self.flow.body;
        let Range { mut start, mut end } = self.floats.spans[f];
        if let Some(Flow::Space(_)) = body.get(end) {
            end += 1;
        }
        if start > 0 && matches!(body[start - 1], Flow::Space(_)) {
            start -= 1;
        }
        for k in start..end {
            self.skip[k] = true;
        }
        end
    }

    /// The column stacked again from `steps`, below `y0`.
    fn restack(&self, steps: &[Step], y0: f32) -> Stack<'a> {
        let mut stack = Stack::new(&self.flow.body, self.frame, y0);
        for step in steps {
            match *step {
                Step::Slot(s) => stack.push(s),
                Step::Float(f) => {
                    stack.float(self.floats.slots[f].clone(), self.frame.float_gap_lines);
                }
            }
        }
        stack
    }
}

/// One column filled by [`fill_column`].
struct Set<'a> {
    /// The first text slot not placed.
    end: usize,
    stack: Stack<'a>,
    notes: NoteState,
    /// It stopped at a line that fitted but whose footnotes did not.
    note_stop: bool,
    /// Column floats still waiting for the top of a column, in order.
    waiting: Vec<usize>,
}

/// What a column stacks, in order: so that it can be stacked again up to
/// an earlier break.
#[derive(Clone, Copy)]
enum Step {
    Slot(usize),
    Float(usize),
}

/// Fills one column from `range.start`, below `y0` and down to `limit`,
/// next to a column reaching down to `beside` (`y0` for the left one).
///
/// The floats `pending` (from earlier columns) go first, as many as fit,
/// the first one always (LaTeX's top floats in `twocolumn`). A figure met
/// in the text that does not fit what is left of the column, or that
/// would pass a waiting one, waits for the top of the next column while
/// the text goes on past it and fills the column (TeXbook ch. 15,
/// `\topinsert`); the space after it goes with it. A figure taller than
/// the column stays in the text.
fn fill_column<'a>(
    cx: &Cx<'a>,
    range: Range<usize>,
    y0: f32,
    beside: f32,
    limit: f32,
    state: &NoteState,
    pending: &[usize],
) -> Set<'a> {
    let (flow, frame) = (cx.flow, cx.frame);
    let body = &flow.body;
    let mut start = range.start;
    while start < range.end && (matches!(body[start], Flow::Space(_)) || cx.skip[start]) {
        start += 1;
    }
    let mut st = Stack::new(body, frame, y0);
    let mut state = state.clone();
    let mut steps = Vec::new();
    let mut waiting = Vec::new();
    for (k, &f) in pending.iter().enumerate() {
        let slots = cx.floats.slots[f].clone();
        let mut trial = st.clone();
        let mut next = state.clone();
        trial.float(slots.clone(), frame.float_gap_lines);
        float_notes(
            flow,
            &mut next,
            slots,
            frame.body_height - trial.y,
            frame.separator,
        );
        let fits = trial.y.max(beside) + next.height <= frame.body_height + 0.01
            && trial.y <= limit + 0.01;
        if k > 0 && !fits {
            waiting.extend_from_slice(&pending[k..]);
            break;
        }
        st = trial;
        state = next;
        steps.push(Step::Float(f));
    }
    let mut best: Option<(usize, NoteState, usize, usize)> = None;
    let mut note_stop = false;
    let mut j = start;
    while j < range.end {
        if cx.skip[j] {
            j += 1;
            continue;
        }
        let Some(l) = line(&body[j]) else {
            st.push(j);
            steps.push(Step::Slot(j));
            j += 1;
            continue;
        };
        if let Some(f) = cx.floats.at[j]
            && !st.tops.is_empty()
        {
            let slots = cx.floats.slots[f].clone();
            let mut trial = st.clone();
            for s in slots.clone() {
                trial.push(s);
            }
            let height = trial.y - st.y;
            let fits = waiting.is_empty()
                && trial.y.max(beside) + state.height <= frame.body_height + 0.01
                && trial.y <= limit + 0.01;
            if !fits && height <= frame.body_height - frame.grid {
                // The float's own space before it goes with it.
                if j > 0
                    && matches!(body[j - 1], Flow::Space(_))
                    && let Some(&Step::Slot(k)) = steps.last()
                    && k == j - 1
                {
                    steps.pop();
                    st = cx.restack(&steps, y0);
                }
                waiting.push(f);
                j = slots.end;
                if let Some(Flow::Space(_)) = body.get(j) {
                    j += 1;
                }
                continue;
            }
        }
        let mut trial = st.clone();
        trial.push(j);
        let mut next = state.clone();
        let tall = trial.y.max(beside);
        let mut fits = tall + next.height <= frame.body_height + 0.01 && trial.y <= limit + 0.01;
        let line_fits = fits;
        for &note in &l.notes {
            let room = frame.body_height - tall;
            if fits && !next.add(&flow.notes, note, 0, room, frame.separator) {
                fits = false;
            }
        }
        if !fits && !st.tops.is_empty() {
            note_stop = line_fits;
            break;
        }
        st = trial;
        state = next;
        steps.push(Step::Slot(j));
        j += 1;
        if j == range.end || may_break_before(body, j) {
            best = Some((j, state.clone(), steps.len(), waiting.len()));
        }
    }
    if j >= range.end {
        return Set {
            end: range.end,
            stack: st,
            notes: state,
            note_stop: false,
            waiting,
        };
    }
    match best {
        Some((b, notes, n, w)) if b > start => {
            let stack = cx.restack(&steps[..n], y0);
            waiting.truncate(w);
            Set {
                end: b,
                stack,
                notes,
                note_stop,
                waiting,
            }
        }
        _ => Set {
            end: j,
            stack: st,
            notes: state,
            note_stop,
            waiting,
        },
    }
}

/// Adds the notes the lines of a float's `slots` refer to; those that do
/// not fit in `room` continue on the next page.
fn float_notes(
    flow: &FlowDoc,
    state: &mut NoteState,
    slots: Range<usize>,
    room: f32,
    separator: f32,
) {
    for l in flow.body[slots].iter().filter_map(line) {
        for &note in &l.notes {
            if !state.add(&flow.notes, note, 0, room, separator) {
                state.carry.push((note, 0..flow.notes[note].len()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    fn slot(height: f32, keep: bool, span: bool) -> Flow {
        let mut l = FlowLine::unit(Vec::new(), height);
        l.keep_with_next = keep;
        l.span = span;
        Flow::Line(l)
    }

    fn flow(body: Vec<Flow>) -> FlowDoc {
        FlowDoc {
            body,
            notes: Vec::new(),
            diags: Diagnostics::default(),
            structure: Default::default(),
            runs: Default::default(),
        }
    }

    /// Plans one-sided pages (no chapter starts).
    fn plan_all(body: Vec<Flow>, body_height: f32, separator: f32) -> Vec<ColumnPage> {
        let starts = vec![Start::Flow; body.len()];
        let frame = Frame {
            body_height,
            separator,
            grid: 10.0,
            shrink: 0.5,
            float_gap_lines: 0.5,
        };
        plan(&flow(body), frame, &starts)
    }

    /// Lines per column (left, right) on each page.
    fn counts(pages: &[ColumnPage]) -> Vec<(usize, usize)> {
        pages
            .iter()
            .map(|p| {
                let n = |c| {
                    p.placed
                        .iter()
                        .filter(|x| x.column == Column::Col(c))
                        .count()
                };
                (n(0), n(1))
            })
            .collect()
    }

    #[test]
    fn a_short_run_is_balanced_left_column_longer() {
        let body = (0..7).map(|_| slot(10.0, false, false)).collect();
        let pages = plan_all(body, 100.0, 10.0);
        assert_eq!(counts(&pages), [(4, 3)]);
        // The right column starts at the top, beside the left one.
        let right: Vec<f32> = pages[0]
            .placed
            .iter()
            .filter(|x| x.column == Column::Col(1))
            .map(|x| x.y)
            .collect();
        assert_eq!(right, [0.0, 10.0, 20.0]);
    }

    #[test]
    fn a_long_run_fills_both_columns_then_balances_the_last_page() {
        let body = (0..25).map(|_| slot(10.0, false, false)).collect();
        let pages = plan_all(body, 100.0, 10.0);
        // 10 + 10 on page 1, the last 5 split 3 | 2.
        assert_eq!(counts(&pages), [(10, 10), (3, 2)]);
    }

    #[test]
    fn spanning_slots_sit_between_balanced_runs() {
        let mut body = vec![slot(20.0, true, true)];
        body.extend((0..4).map(|_| slot(10.0, false, false)));
        body.push(slot(20.0, true, true));
        body.extend((0..2).map(|_| slot(10.0, false, false)));
        let pages = plan_all(body, 200.0, 10.0);
        assert_eq!(pages.len(), 1);
        let layout: Vec<(usize, Column, f32)> = pages[0]
            .placed
            .iter()
            .map(|x| (x.slot, x.column, x.y))
            .collect();
        assert_eq!(
            layout,
            [
                (0, Column::Span, 0.0),
                (1, Column::Col(0), 20.0),
                (2, Column::Col(0), 30.0),
                (3, Column::Col(1), 20.0),
                (4, Column::Col(1), 30.0),
                (5, Column::Span, 40.0),
                // Two lines are not split into two one-line columns.
                (6, Column::Col(0), 60.0),
                (7, Column::Col(0), 70.0),
            ]
        );
    }

    /// A body line of one-line paragraphs (breakable after), one grid line tall.
    fn body(height: f32) -> Flow {
        let mut l = FlowLine::unit(Vec::new(), height);
        l.kind = LineKind::Body;
        Flow::Line(l)
    }

    /// A heading line (kept with what follows), in a column or spanning.
    fn heading(height: f32, span: bool) -> Flow {
        let mut l = FlowLine::unit(Vec::new(), height);
        l.kind = LineKind::Heading;
        l.keep_with_next = true;
        l.span = span;
        Flow::Line(l)
    }

    /// (slot, column, top) of every placement on page `p`.
    fn layout(pages: &[ColumnPage], p: usize) -> Vec<(usize, Column, f32)> {
        pages[p]
            .placed
            .iter()
            .map(|x| (x.slot, x.column, x.y))
            .collect()
    }

    #[test]
    fn body_lines_after_headings_and_spaces_sit_on_the_grid() {
        // grid 10: a 3-line paragraph, a space of 15 and a heading of 13,
        // a space of 5, then body lines; the same in the right column.
        let mut body = Vec::new();
        for _ in 0..2 {
            body.extend((0..3).map(|_| body_slot()));
            body.push(Flow::Space(15.0));
            body.push(heading(13.0, false));
            body.push(Flow::Space(5.0));
            body.extend((0..4).map(|_| body_slot()));
        }
        let pages = plan_all(body.clone(), 1000.0, 10.0);
        assert_eq!(pages.len(), 1);
        let mut checked = 0;
        for (slot, _, y) in layout(&pages, 0) {
            if matches!(&body[slot], Flow::Line(l) if l.kind == LineKind::Body) {
                assert!(
                    (y / 10.0 - (y / 10.0).round()).abs() < 1e-4,
                    "slot {slot} at {y}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 14);
        // 30 + 15 + 13 + 5 = 63 rounds down to 60 (the space of 15 shrinks
        // by 3, under half of it): the heading moves up to 42.
        let p = layout(&pages, 0);
        assert_eq!(p[3], (4, Column::Col(0), 42.0));
        assert_eq!(p[4], (6, Column::Col(0), 60.0));
    }

    fn body_slot() -> Flow {
        body(10.0)
    }

    #[test]
    fn a_spanning_heading_goes_to_the_next_page_with_two_lines_under_it() {
        // 8 + 8 lines of 10 on a page of 100, then a spanning heading of
        // 20 and a paragraph whose first two lines are kept together: the
        // heading alone would fit in the 20 left, not with its two lines,
        // so all go on page 2.
        let mut body: Vec<Flow> = (0..16).map(|_| body_slot()).collect();
        body.push(heading(20.0, true));
        let mut first = FlowLine::unit(Vec::new(), 10.0);
        first.kind = LineKind::Body;
        first.keep_with_next = true;
        body.push(Flow::Line(first));
        body.extend((0..3).map(|_| body_slot()));
        let pages = plan_all(body, 100.0, 10.0);
        assert_eq!(pages.len(), 2);
        assert!(pages[0].placed.iter().all(|x| x.column != Column::Span));
        assert_eq!(layout(&pages, 1)[0], (16, Column::Span, 0.0));
    }

    #[test]
    fn a_heading_kept_with_a_spanning_figure_moves_with_it() {
        // A column heading before a spanning figure of 60 that does not fit
        // under the lines: the heading goes to the next page with it.
        let mut body: Vec<Flow> = (0..10).map(|_| body_slot()).collect();
        body.push(heading(10.0, false));
        let figure = FlowLine {
            span: true,
            ..FlowLine::unit(Vec::new(), 60.0)
        };
        body.push(Flow::Line(figure));
        let pages = plan_all(body, 100.0, 10.0);
        assert_eq!(pages.len(), 2);
        assert!(pages[0].placed.iter().all(|x| x.slot < 10));
        assert_eq!(
            layout(&pages, 1),
            [(10, Column::Col(0), 0.0), (11, Column::Span, 10.0)]
        );
    }

    #[test]
    fn kept_lines_stay_in_one_column() {
        // Lines 0–3 are kept together (a heading and its paragraph's start).
        let mut body: Vec<Flow> = (0..4).map(|_| slot(10.0, true, false)).collect();
        body.extend((0..2).map(|_| slot(10.0, false, false)));
        let pages = plan_all(body, 100.0, 10.0);
        assert_eq!(
            counts(&pages),
            [(6, 0)],
            "the first break allowed is after line 4, and 5 | 1 would leave a one-line column"
        );
    }
}
