//! Sanitised items, prefix sums and the per-line formulas (adjustment ratio,
//! badness, fitness class, demerits) shared by the total-fit and first-fit
//! breakers.

use super::{INFINITE_PENALTY, Item, LineBreak, MAX_DIMENSION, Params};

/// Badness of a line that cannot reach the measure (TeX's `inf_bad`); the
/// badness formula is capped here.
pub(super) const INF_BAD: f64 = 10_000.0;
/// Lengths closer than this (in points) are considered equal, so rounding in
/// the prefix sums never turns a perfect line into an infinitely bad one.
const EPSILON: f64 = 1e-3;
const INF_PENALTY: f64 = INFINITE_PENALTY as f64;

/// Fitness class of a line with adjustment ratio `r > 1`.
pub(super) const VERY_LOOSE: u8 = 0;
/// Fitness class of a line with `0.5 < r <= 1`.
pub(super) const LOOSE: u8 = 1;
/// Fitness class of a line with `-0.5 <= r <= 0.5`.
pub(super) const DECENT: u8 = 2;
/// Fitness class of a line with `r < -0.5`.
pub(super) const TIGHT: u8 = 3;

/// NaN → 0, everything else clamped to `±MAX_DIMENSION`.
fn dimension(x: f32) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        f64::from(x.clamp(-MAX_DIMENSION, MAX_DIMENSION))
    }
}

/// A usable line width: NaN or negative → 0, at most `MAX_DIMENSION`.
pub(super) fn sanitize_width(x: f32) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        f64::from(x.clamp(0.0, MAX_DIMENSION))
    }
}

/// NaN → 0, everything else clamped to `±INFINITE_PENALTY`.
fn penalty(x: f32) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        f64::from(x.clamp(-INFINITE_PENALTY, INFINITE_PENALTY))
    }
}

/// A finite parameter, or `default` if it is not.
pub(super) fn finite_or(x: f32, default: f64) -> f64 {
    if x.is_finite() { f64::from(x) } else { default }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Box,
    Glue,
    Penalty,
    Emergency,
}

/// One sanitised item; glue dimensions only live in the prefix sums.
#[derive(Clone, Copy)]
struct Entry {
    kind: Kind,
    /// Width added at a break here (penalties only).
    break_width: f64,
    penalty: f64,
    flagged: bool,
}

/// A legal breakpoint as seen by the formulas.
#[derive(Clone, Copy, Debug)]
pub(super) struct Break {
    pub width: f64,
    pub penalty: f64,
    pub flagged: bool,
    pub forced: bool,
    /// The end of the paragraph.
    pub is_final: bool,
}

/// How a line from some start to a break fits the measure.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fit {
    /// Adjustment ratio; `+inf` for an underfull line without stretch.
    pub ratio: f64,
    /// `100 |r|^3`, capped at `INF_BAD`.
    pub badness: f64,
    /// Too wide even with all glue shrunk.
    pub overfull: bool,
    /// By how much, if overfull.
    pub overflow: f64,
}

/// Demerit weights, sanitised.
pub(super) struct Costs {
    line_penalty: f64,
    pub adj_demerits: f64,
    double_hyphen: f64,
    final_hyphen: f64,
}

impl Costs {
    pub fn new(p: &Params) -> Costs {
        Costs {
            line_penalty: finite_or(p.line_penalty, 10.0),
            adj_demerits: finite_or(p.adj_demerits, 10_000.0),
            double_hyphen: finite_or(p.double_hyphen_demerits, 10_000.0),
            final_hyphen: finite_or(p.final_hyphen_demerits, 5_000.0),
        }
    }

    /// Demerits of one line (Knuth & Plass 1981, eq. for `d`): `(l + b)^2`
    /// plus `p^2` for a positive penalty, minus it for a negative non-forced
    /// one, plus the hyphen and fitness-class terms.
    pub fn line(
        &self,
        badness: f64,
        brk: &Break,
        prev_flagged: bool,
        prev_fit: u8,
        fit: u8,
    ) -> f64 {
        let base = self.line_penalty + badness;
        let mut d = base * base;
        if brk.penalty >= 0.0 {
            d += brk.penalty * brk.penalty;
        } else if !brk.forced {
            d -= brk.penalty * brk.penalty;
        }
        if prev_flagged {
            if brk.is_final {
                d += self.final_hyphen;
            } else if brk.flagged {
                d += self.double_hyphen;
            }
        }
        if fit.abs_diff(prev_fit) > 1 {
            d += self.adj_demerits;
        }
        d
    }
}

/// `100 |r|^3`, capped at `INF_BAD`.
fn badness(ratio: f64) -> f64 {
    (100.0 * ratio.abs().powi(3)).min(INF_BAD)
}

/// The fitness class of a line with adjustment ratio `ratio`.
pub(super) fn fitness(ratio: f64) -> u8 {
    if ratio < -0.5 {
        TIGHT
    } else if ratio <= 0.5 {
        DECENT
    } else if ratio <= 1.0 {
        LOOSE
    } else {
        VERY_LOOSE
    }
}

/// Running totals of width, stretch and shrink.
#[derive(Clone, Copy, Default)]
struct Sums {
    width: f64,
    stretch: f64,
    shrink: f64,
}

/// The paragraph in the form the breakers work on.
pub(super) struct Prepared {
    entries: Vec<Entry>,
    /// Prefix sums over items `0..i` of box and glue widths, glue stretch and
    /// glue shrink (length `n + 1`).
    sums: Vec<Sums>,
    /// `next_start[i]`: first index `>= i` holding a box or a forced penalty
    /// (or the final break): where a line starts after discarding.
    next_start: Vec<usize>,
    final_break: usize,
    has_emergency: bool,
}

impl Prepared {
    pub fn new(items: &[Item]) -> Prepared {
        let n = items.len();
        let mut entries = Vec::with_capacity(n);
        let mut sums = Vec::with_capacity(n + 1);
        let mut total = Sums::default();
        let mut has_emergency = false;
        let plain = |kind| Entry {
            kind,
            break_width: 0.0,
            penalty: 0.0,
            flagged: false,
        };
        for item in items {
            sums.push(total);
            entries.push(match *item {
                Item::Box { width } => {
                    total.width += dimension(width);
                    plain(Kind::Box)
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    total.width += dimension(width);
                    total.stretch += dimension(stretch);
                    total.shrink += dimension(shrink);
                    plain(Kind::Glue)
                }
                Item::Penalty {
                    width,
                    penalty: p,
                    flagged,
                } => Entry {
                    kind: Kind::Penalty,
                    break_width: dimension(width),
                    penalty: penalty(p),
                    flagged,
                },
                Item::EmergencyBreak { width, penalty: p } => {
                    has_emergency = true;
                    Entry {
                        kind: Kind::Emergency,
                        break_width: dimension(width),
                        penalty: penalty(p).max(1.0 - INF_PENALTY),
                        flagged: false,
                    }
                }
            });
        }
        sums.push(total);

        // The paragraph ends at a trailing forced penalty (anything after it
        // is discardable), else after the last item.
        let mut final_break = n;
        for (i, e) in entries.iter().enumerate().rev() {
            if e.kind == Kind::Box {
                break;
            }
            if e.kind == Kind::Penalty && e.penalty <= -INF_PENALTY {
                final_break = i;
                break;
            }
        }
        let mut next_start = vec![final_break; final_break + 1];
        for i in (0..final_break).rev() {
            let e = &entries[i];
            let stops =
                e.kind == Kind::Box || (e.kind == Kind::Penalty && e.penalty <= -INF_PENALTY);
            next_start[i] = if stops { i } else { next_start[i + 1] };
        }
        Prepared {
            entries,
            sums,
            next_start,
            final_break,
            has_emergency,
        }
    }

    /// Index of the paragraph's last break (`items.len()` if implicit).
    pub fn final_break(&self) -> usize {
        self.final_break
    }

    /// Whether any [`Item::EmergencyBreak`] exists.
    pub fn has_emergency(&self) -> bool {
        self.has_emergency
    }

    /// Whether item `b` is an emergency break.
    pub fn is_emergency(&self, b: usize) -> bool {
        self.entries
            .get(b)
            .is_some_and(|e| e.kind == Kind::Emergency)
    }

    /// Where the line after a break at `b` starts.
    pub fn start_after(&self, b: usize) -> usize {
        if b >= self.final_break {
            self.final_break
        } else {
            self.next_start[b + 1]
        }
    }

    /// The break at `b` regardless of legality (for scoring given lines).
    pub fn break_info(&self, b: usize) -> Break {
        let e = self.entries.get(b).copied();
        let width = e.map_or(0.0, |e| e.break_width);
        let flagged = e.is_some_and(|e| e.flagged);
        if b >= self.final_break {
            return Break {
                width,
                penalty: -INF_PENALTY,
                flagged,
                forced: true,
                is_final: true,
            };
        }
        let penalty = e.map_or(0.0, |e| e.penalty);
        Break {
            width,
            penalty,
            flagged,
            forced: penalty <= -INF_PENALTY,
            is_final: false,
        }
    }

    /// The break at `b` if it is legal: glue right after a box, a penalty
    /// below +inf (flagged ones only with `hyphens`), an emergency break only
    /// with `emergency`, and always the final break.
    pub fn breakpoint(&self, b: usize, hyphens: bool, emergency: bool) -> Option<Break> {
        if b >= self.final_break {
            return (b == self.final_break).then(|| self.break_info(b));
        }
        let e = &self.entries[b];
        let legal = match e.kind {
            Kind::Box => false,
            Kind::Glue => b > 0 && self.entries[b - 1].kind == Kind::Box,
            Kind::Penalty => {
                e.penalty < INF_PENALTY && (hyphens || !e.flagged || e.penalty <= -INF_PENALTY)
            }
            Kind::Emergency => emergency && e.penalty < INF_PENALTY,
        };
        legal.then(|| self.break_info(b))
    }

    /// How the line `start..b` (plus `break_width`) fits `line_width` with
    /// `extra_stretch` added. `empty_ok` makes an empty line between two
    /// forced breaks perfect rather than infinitely bad.
    pub fn measure(
        &self,
        start: usize,
        b: usize,
        break_width: f64,
        line_width: f64,
        extra_stretch: f64,
        empty_ok: bool,
    ) -> Fit {
        let perfect = Fit {
            ratio: 0.0,
            badness: 0.0,
            overfull: false,
            overflow: 0.0,
        };
        if start >= b && empty_ok {
            return perfect;
        }
        let (from, to) = (self.sums[start], self.sums[b]);
        let natural = to.width - from.width + break_width;
        let stretch = to.stretch - from.stretch + extra_stretch;
        let shrink = to.shrink - from.shrink;
        let shortfall = line_width - natural;
        if shortfall.abs() <= EPSILON {
            perfect
        } else if shortfall > 0.0 {
            let ratio = if stretch > EPSILON {
                shortfall / stretch
            } else {
                f64::INFINITY
            };
            Fit {
                ratio,
                badness: badness(ratio),
                ..perfect
            }
        } else if shrink > EPSILON && -shortfall <= shrink + EPSILON {
            let ratio = (shortfall / shrink).max(-1.0);
            Fit {
                ratio,
                badness: badness(ratio),
                ..perfect
            }
        } else {
            Fit {
                ratio: -1.0,
                badness: INF_BAD,
                overfull: true,
                overflow: -shortfall - shrink.max(0.0),
            }
        }
    }

    /// Demerits of the given `(start, end)` lines with the tolerance-pass
    /// formulas; overfull lines count as badness `INF_BAD`.
    pub fn score(
        &self,
        spans: &[(usize, usize)],
        width_of: &dyn Fn(usize) -> f64,
        costs: &Costs,
    ) -> f64 {
        let (mut prev_fit, mut prev_flagged, mut prev_forced) = (DECENT, false, true);
        let mut total = 0.0;
        for (line, &(start, end)) in spans.iter().enumerate() {
            let brk = self.break_info(end);
            let fit = self.measure(
                start,
                end,
                brk.width,
                width_of(line),
                0.0,
                prev_forced && brk.forced,
            );
            let class = fitness(fit.ratio);
            total += costs.line(fit.badness, &brk, prev_flagged, prev_fit, class);
            (prev_fit, prev_flagged, prev_forced) = (class, brk.flagged, brk.forced);
        }
        total
    }

    /// The public description of the given `(start, end)` lines.
    pub fn line_breaks(
        &self,
        spans: &[(usize, usize)],
        width_of: &dyn Fn(usize) -> f64,
    ) -> Vec<LineBreak> {
        let mut prev_forced = true;
        let mut lines = Vec::with_capacity(spans.len());
        for (line, &(start, end)) in spans.iter().enumerate() {
            let brk = self.break_info(end);
            let fit = self.measure(
                start,
                end,
                brk.width,
                width_of(line),
                0.0,
                prev_forced && brk.forced,
            );
            let ratio = if fit.ratio.is_finite() {
                fit.ratio
            } else {
                0.0
            };
            lines.push(LineBreak {
                start,
                end,
                ratio: ratio as f32,
                hyphenated: brk.flagged,
                overfull: fit.overfull,
            });
            prev_forced = brk.forced;
        }
        lines
    }
}
