//! First-fit line breaking: the baseline the total-fit breaker is compared to.

use super::measure::Prepared;

/// Each line takes material until the next break would overflow (with all
/// glue shrunk), then ends at the last ordinary break that fitted, else the
/// last emergency break that fitted, else at the overflowing break. Forced
/// breaks are honoured. Returns `(start, end)` per line.
pub(super) fn first_fit(prep: &Prepared, width_of: &dyn Fn(usize) -> f64) -> Vec<(usize, usize)> {
    let last = prep.final_break();
    let mut spans = Vec::new();
    let (mut start, mut prev_forced) = (0, true);
    loop {
        let line_width = width_of(spans.len());
        let (mut ordinary, mut emergency) = (None, None);
        let mut end = last;
        for b in start..=last {
            let Some(brk) = prep.breakpoint(b, true, true) else {
                continue;
            };
            let fit = prep.measure(
                start,
                b,
                brk.width,
                line_width,
                0.0,
                prev_forced && brk.forced,
            );
            if fit.overfull {
                end = ordinary.or(emergency).unwrap_or(b);
                break;
            }
            if brk.forced {
                end = b;
                break;
            }
            if prep.is_emergency(b) {
                emergency = Some(b);
            } else {
                ordinary = Some(b);
            }
        }
        spans.push((start, end));
        if end >= last {
            return spans;
        }
        prev_forced = prep.break_info(end).forced;
        start = prep.start_after(end);
    }
}
