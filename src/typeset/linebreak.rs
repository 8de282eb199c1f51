//! Knuth–Plass total-fit line breaking, independent of fonts.
//!
//! A paragraph is a slice of [`Item`]s — boxes (unbreakable material such as a
//! syllable or a word), glue (stretchable and shrinkable space) and penalties
//! (possible breaks with a cost) — exactly the model of Knuth & Plass,
//! *Breaking Paragraphs into Lines* (1981). [`break_lines`] chooses the
//! breakpoints that minimise the total demerits of the paragraph, as TeX does;
//! [`break_greedy`] is the first-fit baseline. Widths are plain numbers (points
//! in trang); nothing here knows about glyphs, so the breaker can be tested and
//! fuzzed on its own: plain slices in, an owned [`Breaks`] out, no panics.
//!
//! # Building items
//!
//! **Justified text**: one box per word (or per syllable: Vietnamese words are
//! space-separated syllables), interword glue with the font's stretch and
//! shrink, flagged penalties at hyphenation points (the penalty width is the
//! hyphen that appears if the break is taken) and [`finish_paragraph`] at the
//! end, which makes the last line ragged.
//!
//! ```
//! use trang::typeset::linebreak::{break_lines, finish_paragraph, Item, Params};
//!
//! let space = Item::glue(3.0, 1.5, 1.0); // width, stretch, shrink
//! let mut items = vec![Item::boxed(18.0)]; // first-line indent as a box
//! for (i, word) in [20.0, 31.0, 12.0, 27.0, 40.0, 22.0, 35.0].iter().enumerate() {
//!     if i > 0 {
//!         items.push(space);
//!     }
//!     items.push(Item::boxed(*word));
//! }
//! // "hy-phen": two boxes around a flagged penalty carrying the hyphen width.
//! items.extend([space, Item::boxed(10.0), Item::penalty(3.0, 50.0, true), Item::boxed(14.0)]);
//! // A long URL with break opportunities that are only used as a last resort.
//! items.extend([space, Item::boxed(60.0), Item::emergency_break(0.0, 0.0), Item::boxed(60.0)]);
//! finish_paragraph(&mut items);
//!
//! let breaks = break_lines(&items, &|_line| 100.0, &Params::default());
//! assert!(!breaks.lines.is_empty());
//! for line in &breaks.lines {
//!     // Set items[line.start..line.end]: glue gets width + ratio * stretch
//!     // (ratio > 0) or width + ratio * shrink (ratio < 0). If line.end is a
//!     // penalty, its width (e.g. a hyphen) is drawn at the end of the line.
//!     assert!(line.start <= line.end && line.end <= items.len());
//!     assert!(line.ratio >= -1.0);
//! }
//! assert_eq!(breaks.lines.last().unwrap().end, items.len() - 1);
//! ```
//!
//! **Ragged-right (flush-left) text**: build spaces with [`ragged_right_space`]
//! and hyphens with [`ragged_right_hyphen`]; the same total-fit breaker then
//! evens out the right margin instead of the spaces, and interword spaces keep
//! their natural width (the stretch only ever lands at the end of a line).
//!
//! ```
//! use trang::typeset::linebreak::{
//!     break_lines, finish_paragraph, ragged_right_space, Item, Params,
//! };
//!
//! let mut items = Vec::new();
//! for (i, word) in [20.0, 31.0, 12.0, 27.0, 40.0, 22.0, 35.0].iter().enumerate() {
//!     if i > 0 {
//!         items.extend(ragged_right_space(3.0, 30.0)); // ~3 em of ragged stretch
//!     }
//!     items.push(Item::boxed(*word));
//! }
//! finish_paragraph(&mut items);
//! let breaks = break_lines(&items, &|_| 80.0, &Params::default());
//! assert!(breaks.lines.len() >= 3);
//! ```
//!
//! Indents: a first-line indent is a leading box; hanging indents, runarounds
//! and other shapes come from the `line_width` closure (line numbers are
//! 0-based).
//!
//! # Passes
//!
//! Like TeX, [`break_lines`] tries successively more permissive passes and
//! reports which one succeeded in [`Breaks::pass`]; see [`Pass`].

mod greedy;
mod measure;
mod protrusion;
mod smooth;
#[cfg(test)]
mod tests;
mod ties;
mod total_fit;

use measure::{Costs, Prepared};
pub use protrusion::{PROTRUSION, left_protrusion, right_protrusion};
pub use smooth::lipschitz_smooth;
pub use ties::{ABBREVIATIONS, is_tie};

/// A penalty of at least this value forbids a break; a penalty of at most its
/// negation forces one (TeX's 10000).
pub const INFINITE_PENALTY: f32 = 10_000.0;

/// Largest magnitude accepted for widths, stretch and shrink; larger (or
/// infinite) values are clamped to it. It is far beyond any page measure, so a
/// stretch of `MAX_DIMENSION` behaves like TeX's `fil`.
pub const MAX_DIMENSION: f32 = 1.0e6;

/// The stretch of the glue that [`finish_paragraph`] puts before the final
/// break (TeX's `\parfillskip`): large enough to absorb any shortfall.
pub const FILL_STRETCH: f32 = MAX_DIMENSION;

/// One element of a paragraph, as in Knuth & Plass.
///
/// Non-finite values never panic: NaN counts as 0 and magnitudes are clamped
/// to [`MAX_DIMENSION`] (or [`INFINITE_PENALTY`] for penalties). Negative
/// widths (kerns) and negative stretch (see [`ragged_right_space`]) are kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Item {
    /// Unbreakable material of a fixed width (a word, a syllable, an indent).
    Box {
        /// Natural width.
        width: f32,
    },
    /// Space that may stretch or shrink. It is a legal break when it directly
    /// follows a box; glue at the start of a line is discarded.
    Glue {
        /// Natural width.
        width: f32,
        /// How much it may grow at adjustment ratio 1.
        stretch: f32,
        /// How much it may shrink at adjustment ratio -1 (never more).
        shrink: f32,
    },
    /// A possible break with a cost. Discarded at the start of a line.
    Penalty {
        /// Width added at the end of the line if the break is taken (a hyphen).
        width: f32,
        /// Cost of breaking here: `>= INFINITE_PENALTY` forbids the break,
        /// `<= -INFINITE_PENALTY` forces it, negative values encourage it.
        penalty: f32,
        /// Marks a hyphenation-like break: two flagged breaks in a row cost
        /// [`Params::double_hyphen_demerits`], and flagged breaks are ignored
        /// by the first pass.
        flagged: bool,
    },
    /// A break that is only considered when nothing else works (the
    /// [`Pass::Emergency`] and [`Pass::Fallback`] passes): put these inside
    /// overlong words or URLs so they wrap instead of overflowing the margin.
    /// Otherwise it behaves like a penalty that is never taken. It can never
    /// force a break.
    EmergencyBreak {
        /// Width added at the end of the line if the break is taken.
        width: f32,
        /// Cost of breaking here (`>= INFINITE_PENALTY` disables it).
        penalty: f32,
    },
}

impl Item {
    /// A box of the given width.
    pub const fn boxed(width: f32) -> Item {
        Item::Box { width }
    }

    /// Glue with a natural width, stretchability and shrinkability.
    pub const fn glue(width: f32, stretch: f32, shrink: f32) -> Item {
        Item::Glue {
            width,
            stretch,
            shrink,
        }
    }

    /// A penalty item; `flagged` marks hyphen-like breaks.
    pub const fn penalty(width: f32, penalty: f32, flagged: bool) -> Item {
        Item::Penalty {
            width,
            penalty,
            flagged,
        }
    }

    /// A penalty that forces a line break.
    pub const fn forced_break() -> Item {
        Item::penalty(0.0, -INFINITE_PENALTY, false)
    }

    /// A penalty that forbids a break (e.g. before the paragraph-fill glue).
    pub const fn no_break() -> Item {
        Item::penalty(0.0, INFINITE_PENALTY, false)
    }

    /// A last-resort break opportunity; see [`Item::EmergencyBreak`].
    pub const fn emergency_break(width: f32, penalty: f32) -> Item {
        Item::EmergencyBreak { width, penalty }
    }
}

/// Ends a paragraph the way TeX does: drops trailing glue, then appends
/// `penalty(+inf)`, `glue(0, FILL_STRETCH, 0)` and a forced break, so the last
/// line is set at its natural width instead of being stretched. Does nothing
/// to an empty list (an empty paragraph has no lines).
pub fn finish_paragraph(items: &mut Vec<Item>) {
    while matches!(items.last(), Some(Item::Glue { .. })) {
        items.pop();
    }
    if items.is_empty() {
        return;
    }
    items.extend([
        Item::no_break(),
        Item::glue(0.0, FILL_STRETCH, 0.0),
        Item::forced_break(),
    ]);
}

/// An interword space for ragged-right setting (Knuth & Plass, §"ragged
/// right"): `glue(0, stretch, 0)`, `penalty(0, 0)`, `glue(width, -stretch, 0)`.
///
/// Inside a line the two stretches cancel, so spaces keep their natural
/// `width`; at a break the line gets `stretch` of slack, so the breaker
/// minimises the raggedness. Use about three ems for `ragged_stretch`.
pub fn ragged_right_space(width: f32, ragged_stretch: f32) -> [Item; 3] {
    [
        Item::glue(0.0, ragged_stretch, 0.0),
        Item::penalty(0.0, 0.0, false),
        Item::glue(width, -ragged_stretch, 0.0),
    ]
}

/// A hyphenation point for ragged-right setting: `penalty(0, +inf)`,
/// `glue(0, stretch, 0)`, `penalty(hyphen_width, penalty, flagged)`,
/// `glue(0, -stretch, 0)`; pairs with [`ragged_right_space`].
pub fn ragged_right_hyphen(hyphen_width: f32, penalty: f32, ragged_stretch: f32) -> [Item; 4] {
    [
        Item::no_break(),
        Item::glue(0.0, ragged_stretch, 0.0),
        Item::penalty(hyphen_width, penalty, true),
        Item::glue(0.0, -ragged_stretch, 0.0),
    ]
}

/// Knobs of the breaker, named and defaulted as in plain TeX.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Highest badness accepted by the first pass, which ignores flagged
    /// breaks (`\pretolerance`, default 100). Negative skips that pass.
    pub pretolerance: f32,
    /// Highest badness accepted by the second and emergency passes
    /// (`\tolerance`, default 200). 10000 or more accepts any underfull line.
    pub tolerance: f32,
    /// Added to each line's badness before squaring (`\linepenalty`, 10);
    /// larger values favour fewer lines.
    pub line_penalty: f32,
    /// Extra demerits when adjacent lines are two or more fitness classes
    /// apart, e.g. a very loose line after a decent one (`\adjdemerits`, 10000).
    pub adj_demerits: f32,
    /// Extra demerits for two consecutive lines ending in flagged breaks
    /// (`\doublehyphendemerits`, 10000).
    pub double_hyphen_demerits: f32,
    /// Extra demerits when the second-last line ends in a flagged break
    /// (`\finalhyphendemerits`, 5000).
    pub final_hyphen_demerits: f32,
    /// Asks for this many more (positive) or fewer (negative) lines than the
    /// optimum, when feasible (`\looseness`, 0). A non-zero looseness disables
    /// the merging that keeps very long paragraphs linear, so keep it for
    /// paragraphs of ordinary length.
    pub looseness: i32,
    /// Stretch added to every line in the emergency pass
    /// (`\emergencystretch`, default 0 — the pass still runs when the
    /// paragraph has [`Item::EmergencyBreak`]s). One to three ems is typical.
    pub emergency_stretch: f32,
    /// Line index from which `line_width` is promised to be constant. This
    /// lets the breaker merge candidate breaks that differ only in line count
    /// (TeX's "easy line"), which keeps long paragraphs linear. `None` (the
    /// default) probes the first 1024 lines and assumes constancy from the
    /// last change if the width then stays the same for at least 64 lines;
    /// otherwise widths are treated as varying on every line. Set it if the
    /// shape changes beyond line 1024.
    pub uniform_width_from: Option<usize>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            pretolerance: 100.0,
            tolerance: 200.0,
            line_penalty: 10.0,
            adj_demerits: 10_000.0,
            double_hyphen_demerits: 10_000.0,
            final_hyphen_demerits: 5_000.0,
            looseness: 0,
            emergency_stretch: 0.0,
            uniform_width_from: None,
        }
    }
}

/// The pass that produced a set of breaks, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pass {
    /// Badness at most [`Params::pretolerance`]; flagged breaks (hyphens) and
    /// emergency breaks are not considered. Skipped if pretolerance < 0.
    Pretolerance,
    /// Badness at most [`Params::tolerance`]; all ordinary breaks.
    Tolerance,
    /// As [`Pass::Tolerance`], plus [`Params::emergency_stretch`] on every
    /// line and the [`Item::EmergencyBreak`]s. Runs only if one of those
    /// exists.
    Emergency,
    /// Last resort: any underfull line is accepted, and a line overflows only
    /// where a run of items between two consecutive legal breaks is itself
    /// wider than the measure (it then gets a line of its own).
    Fallback,
    /// Produced by [`break_greedy`].
    Greedy,
}

/// One line of the result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineBreak {
    /// Index of the first item of the line (glue and penalties after the
    /// previous break are discarded; the first line starts at 0).
    pub start: usize,
    /// Index of the break item, i.e. the exclusive end of the line's content.
    /// It is `items.len()` for a final line that does not end in a forced
    /// penalty. If it is a penalty, its width belongs to this line.
    pub end: usize,
    /// Adjustment ratio: glue is set to `width + ratio * stretch` if positive,
    /// `width + ratio * shrink` if negative. Always finite and `>= -1`; 0 for
    /// an underfull line without stretch. Emergency stretch is not included,
    /// so it may exceed what the tolerance allows.
    pub ratio: f32,
    /// The line ends at a flagged penalty (draw the hyphen).
    pub hyphenated: bool,
    /// The line is wider than the measure even with all glue shrunk.
    pub overfull: bool,
}

/// Result of breaking a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Breaks {
    /// One entry per line, in order; together they cover the paragraph.
    pub lines: Vec<LineBreak>,
    /// Sum of the demerits of all lines (with the formulas of the pass).
    pub total_demerits: f64,
    /// The pass that produced the lines.
    pub pass: Pass,
}

/// Breaks a paragraph into lines with the Knuth–Plass total-fit algorithm.
///
/// `line_width(n)` is the measure of line `n` (0-based). Passes are tried in
/// the order of [`Pass`]; the result always covers every item, never panics,
/// and an empty slice gives no lines. Runs in time linear in the number of
/// items times the number of simultaneously active breakpoints.
pub fn break_lines(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &Params) -> Breaks {
    let prep = Prepared::new(items);
    let width_of = |line: usize| measure::sanitize_width(line_width(line));
    if items.is_empty() {
        return Breaks {
            lines: Vec::new(),
            total_demerits: 0.0,
            pass: Pass::Pretolerance,
        };
    }
    total_fit::run_passes(&prep, &width_of, params)
}

/// Breaks a paragraph first-fit: each line takes as much material as fits
/// (shrinking glue if needed), ending at the last ordinary break that fits,
/// else the last emergency break that fits, else overflowing. The demerits
/// are computed as for [`break_lines`], so the two can be compared.
pub fn break_greedy(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &Params) -> Breaks {
    let prep = Prepared::new(items);
    let width_of = |line: usize| measure::sanitize_width(line_width(line));
    if items.is_empty() {
        return Breaks {
            lines: Vec::new(),
            total_demerits: 0.0,
            pass: Pass::Greedy,
        };
    }
    let spans = greedy::first_fit(&prep, &width_of);
    let costs = Costs::new(params);
    let total_demerits = prep.score(&spans, &width_of, &costs);
    Breaks {
        lines: prep.line_breaks(&spans, &width_of),
        total_demerits,
        pass: Pass::Greedy,
    }
}

/// Total demerits of arbitrary `lines` for `items`, with the formulas of the
/// tolerance pass (no emergency stretch; an overfull line counts as badness
/// 10000). Lets tests and fuzzers compare any two sets of breaks.
pub fn score_lines(
    items: &[Item],
    line_width: &dyn Fn(usize) -> f32,
    params: &Params,
    lines: &[LineBreak],
) -> f64 {
    let prep = Prepared::new(items);
    let width_of = |line: usize| measure::sanitize_width(line_width(line));
    let spans: Vec<(usize, usize)> = lines
        .iter()
        .map(|l| {
            let end = l.end.min(prep.final_break());
            (l.start.min(end), end)
        })
        .collect();
    prep.score(&spans, &width_of, &Costs::new(params))
}

/// Checks that `breaks` is a well-formed result for `items`, as
/// [`break_lines`] and [`break_greedy`] promise: no lines for no items;
/// otherwise the first line starts at 0, lines follow each other with only
/// discardable items (glue, unforced penalties, emergency breaks) between a
/// break and the next start, the last line ends at a forced break or at
/// `items.len()` with no box after it, every ratio is finite and `>= -1`, and
/// the total demerits are not NaN. Unit tests and the `linebreak` fuzz target
/// use it; the error names the first violation.
pub fn check_breaks(items: &[Item], breaks: &Breaks) -> Result<(), String> {
    let is_box = |item: &Item| matches!(item, Item::Box { .. });
    let is_forced = |item: &Item| matches!(item, Item::Penalty { penalty, .. } if *penalty <= -INFINITE_PENALTY);
    let lines = &breaks.lines;
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return if items.is_empty() {
            Ok(())
        } else {
            Err(format!("{} items but no lines", items.len()))
        };
    };
    if items.is_empty() {
        return Err(format!("no items but {} lines", lines.len()));
    }
    if first.start != 0 {
        return Err(format!("the first line starts at {}, not 0", first.start));
    }
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if !(a.start <= a.end && a.end < b.start && b.start <= items.len()) {
            return Err(format!("lines out of order: {a:?} then {b:?}"));
        }
        if let Some(item) = items[a.end + 1..b.start]
            .iter()
            .find(|&i| is_box(i) || is_forced(i))
        {
            return Err(format!("{item:?} skipped between {a:?} and {b:?}"));
        }
    }
    if last.start > last.end || last.end > items.len() {
        return Err(format!("the last line {last:?} is out of range"));
    }
    if last.end < items.len() && !is_forced(&items[last.end]) {
        return Err(format!(
            "the last line {last:?} ends before the end at an unforced break"
        ));
    }
    if let Some(item) = items[last.end..].iter().find(|&i| is_box(i)) {
        return Err(format!("{item:?} after the last line {last:?}"));
    }
    if let Some(line) = lines
        .iter()
        .find(|l| !(l.ratio.is_finite() && l.ratio >= -1.0))
    {
        return Err(format!("bad adjustment ratio in {line:?}"));
    }
    if breaks.total_demerits.is_nan() {
        return Err("total demerits are NaN".into());
    }
    Ok(())
}
