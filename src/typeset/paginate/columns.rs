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

use std::ops::Range;

use super::{NoteState, Start};
use crate::typeset::blocks::{Flow, FlowDoc, FlowLine};

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

fn height(f: &Flow) -> f32 {
    match f {
        Flow::Line(l) => l.height,
        Flow::Space(h) => *h,
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

/// A column of slots `range`: its first and end slot once leading and
/// trailing spaces are dropped, and its height (with a repeated header row).
fn column(body: &[Flow], range: Range<usize>) -> (Range<usize>, f32) {
    let mut start = range.start;
    while start < range.end && matches!(body[start], Flow::Space(_)) {
        start += 1;
    }
    let mut end = range.end;
    while end > start && matches!(body[end - 1], Flow::Space(_)) {
        end -= 1;
    }
    let header = body
        .get(start)
        .filter(|_| start < end)
        .and_then(line)
        .and_then(|l| l.header.as_ref())
        .map_or(0.0, |h| h.height);
    let h = header + body[start..end].iter().map(height).sum::<f32>();
    (start..end, h)
}

/// Plans two-column pages for the flow; a slot marked in `starts` starts
/// a page, a right-hand one (after a blank left-hand one if need be) when
/// [`Start::Recto`].
pub(super) fn plan(
    flow: &FlowDoc,
    body_height: f32,
    separator: f32,
    starts: &[Start],
) -> Vec<ColumnPage> {
    let body = &flow.body;
    let n = body.len();
    let mut pages = Vec::new();
    let mut i = 0;
    let mut carry: Vec<(usize, Range<usize>)> = Vec::new();
    while i < n || !carry.is_empty() {
        while i < n && matches!(body[i], Flow::Space(_)) {
            i += 1;
        }
        if i < n && starts[i] == Start::Recto && pages.len() % 2 == 1 {
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
        while i < n {
            if let Flow::Space(h) = body[i] {
                if !page.placed.is_empty() {
                    y += h;
                }
                i += 1;
                continue;
            }
            if starts[i] != Start::Flow && !page.placed.is_empty() {
                break;
            }
            if is_span(&body[i]) {
                let l = line(&body[i]).expect("a spanning slot is a line");
                // A spanning slot kept with what follows needs the next line too.
                let next = if l.keep_with_next {
                    body[i + 1..]
                        .iter()
                        .find_map(line)
                        .map_or(0.0, |n| n.height)
                } else {
                    0.0
                };
                let mut next_state = state.clone();
                let mut fits = y + l.height + next + next_state.height <= body_height + 0.01;
                for &note in &l.notes {
                    let room = body_height - y - l.height;
                    if fits && !next_state.add(&flow.notes, note, 0, room, separator) {
                        fits = false;
                    }
                }
                if !fits && !page.placed.is_empty() {
                    break;
                }
                state = next_state;
                page.placed.push(Placed {
                    slot: i,
                    column: Column::Span,
                    y,
                    header: false,
                });
                y += l.height;
                i += 1;
                continue;
            }
            let run_end = (i..n).find(|&j| is_span(&body[j])).unwrap_or(n);
            let filled = fill(flow, i..run_end, y, body_height, separator, &state);
            if filled.end == i && !page.placed.is_empty() {
                break;
            }
            let Filled {
                end,
                placed,
                height,
                notes,
            } = filled;
            page.placed.extend(placed);
            state = notes;
            y += height;
            // Guard: a page that could not take even one slot takes it anyway.
            i = end.max(i + 1).min(run_end);
            if end < run_end {
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

/// Column slots set from a run.
struct Filled {
    /// The first slot not placed.
    end: usize,
    placed: Vec<Placed>,
    /// Height of the taller column.
    height: f32,
    notes: NoteState,
}

/// Sets the column slots `run` below `y0`: balanced when the whole run fits,
/// else the left column full, then the right one.
fn fill(
    flow: &FlowDoc,
    run: Range<usize>,
    y0: f32,
    body_height: f32,
    separator: f32,
    state: &NoteState,
) -> Filled {
    let body = &flow.body;
    let room = body_height - y0;
    // Notes of the whole run, if all of it were on this page.
    let mut all = state.clone();
    let mut notes_fit = true;
    let (_, total) = column(body, run.clone());
    for l in body[run.clone()].iter().filter_map(line) {
        for &note in &l.notes {
            if notes_fit && !all.add(&flow.notes, note, 0, room - total / 2.0, separator) {
                notes_fit = false;
            }
        }
    }
    if notes_fit && all.carry.is_empty() {
        // The most even split at an allowed break, left column the longer.
        let mut best: Option<(f32, f32, usize)> = None;
        for m in run.start + 1..=run.end {
            if m < run.end && !may_break_before(body, m) {
                continue;
            }
            let (_, h0) = column(body, run.start..m);
            let (_, h1) = column(body, m..run.end);
            let tall = h0.max(h1);
            if tall + all.height > room + 0.01 {
                continue;
            }
            let better = match best {
                None => true,
                Some((t, l, _)) => tall < t - 0.01 || ((tall - t).abs() <= 0.01 && h0 > l),
            };
            if better {
                best = Some((tall, h0, m));
            }
        }
        if let Some((tall, _, m)) = best {
            let mut placed = place(body, run.start..m, 0, y0);
            placed.extend(place(body, m..run.end, 1, y0));
            return Filled {
                end: run.end,
                placed,
                height: tall,
                notes: all,
            };
        }
    }
    // Greedy: the left column as full as the page allows, then the right.
    let mut notes = state.clone();
    let mut placed = Vec::new();
    let mut start = run.start;
    let mut heights = [0.0f32; 2];
    for col in 0..2 {
        let (end, h, st) = fill_column(
            flow,
            start..run.end,
            y0,
            heights[0],
            body_height,
            separator,
            &notes,
        );
        placed.extend(place(body, start..end, col, y0));
        heights[col] = h;
        notes = st;
        start = end;
        if start >= run.end {
            break;
        }
    }
    Filled {
        end: start,
        placed,
        height: heights[0].max(heights[1]),
        notes,
    }
}

/// Fills one column from `range.start`, below `y0`, next to a column of
/// height `beside` (0 for the left one). Returns the end, the height and
/// the note state.
fn fill_column(
    flow: &FlowDoc,
    range: Range<usize>,
    y0: f32,
    beside: f32,
    body_height: f32,
    separator: f32,
    state: &NoteState,
) -> (usize, f32, NoteState) {
    let body = &flow.body;
    let mut start = range.start;
    while start < range.end && matches!(body[start], Flow::Space(_)) {
        start += 1;
    }
    let mut y = body
        .get(start)
        .filter(|_| start < range.end)
        .and_then(line)
        .and_then(|l| l.header.as_ref())
        .map_or(0.0, |h| h.height);
    let mut state = state.clone();
    let mut best: Option<(usize, f32, NoteState)> = None;
    let mut j = start;
    while j < range.end {
        let h = height(&body[j]);
        let Some(l) = line(&body[j]) else {
            if j > start && may_break_before(body, j) {
                best = Some((j, y, state.clone()));
            }
            y += h;
            j += 1;
            continue;
        };
        let mut next = state.clone();
        let tall = (y + h).max(beside);
        let mut fits = y0 + tall + next.height <= body_height + 0.01;
        for &note in &l.notes {
            if fits && !next.add(&flow.notes, note, 0, body_height - y0 - tall, separator) {
                fits = false;
            }
        }
        if !fits && j > start {
            break;
        }
        state = next;
        y += h;
        j += 1;
        if j == range.end || may_break_before(body, j) {
            best = Some((j, y, state.clone()));
        }
    }
    if j >= range.end {
        return (range.end, y, state);
    }
    match best {
        Some((b, _, st)) if b > start => (b, column(body, start..b).1, st),
        _ => (j, y, state),
    }
}

/// Placements of the slots `range` in column `col`, from `y0` down.
fn place(body: &[Flow], range: Range<usize>, col: usize, y0: f32) -> Vec<Placed> {
    let (range, _) = column(body, range);
    let mut out = Vec::new();
    let mut y = y0;
    if let Some(h) = body
        .get(range.start)
        .filter(|_| !range.is_empty())
        .and_then(line)
        .and_then(|l| l.header.as_ref())
    {
        out.push(Placed {
            slot: range.start,
            column: Column::Col(col),
            y,
            header: true,
        });
        y += h.height;
    }
    for j in range {
        if let Flow::Line(_) = body[j] {
            out.push(Placed {
                slot: j,
                column: Column::Col(col),
                y,
                header: false,
            });
        }
        y += height(&body[j]);
    }
    out
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
        }
    }

    /// Plans one-sided pages (no chapter starts).
    fn plan_all(body: Vec<Flow>, body_height: f32, separator: f32) -> Vec<ColumnPage> {
        let starts = vec![Start::Flow; body.len()];
        plan(&flow(body), body_height, separator, &starts)
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
                (6, Column::Col(0), 60.0),
                (7, Column::Col(1), 60.0),
            ]
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
            [(5, 1)],
            "the first break allowed is after line 4"
        );
    }
}
