//! Smoothing a per-line quantity (letter-spacing) so that neighbouring lines
//! differ by at most a step.

/// The smallest sequence that is at least every target and whose neighbours
/// differ by at most `step`: `t_i = max_j (target_j − step·|i − j|)` (the
/// lower `step`-Lipschitz envelope of the targets, McShane's extension).
/// Lines without a target (`None`: ragged last lines, which may take any
/// value) get the value the targets around them imply; with no target at
/// all, every line gets 0.
///
/// For letter-spacing this means that no line gets less than it asks for:
/// a loose line keeps its letter-spacing (taking it away would widen its
/// already wide word spaces), and a tight line beside loose ones is
/// letter-spaced a little more than it asked, its word spaces shrinking
/// to make room. Every value lies within the targets' range, so bounds the
/// targets obey hold for the result too (lines without a target are
/// clamped to it, which keeps the step). O(n): two sweeps.
///
/// `caps` (one per line, `f32::INFINITY` for none) are upper limits a line
/// cannot pass (a ragged last line that must still fit its measure): the
/// result is then the smaller of the above and the smallest `step`-Lipschitz
/// sequence over the caps, `min_j (cap_j + step·|i − j|)`, so the lines
/// beside a capped one come down towards it; the step is kept, and a target
/// is only undercut near a cap.
pub fn lipschitz_smooth(targets: &[Option<f32>], caps: &[f32], step: f32) -> Vec<f32> {
    let step = if step.is_finite() { step.max(0.0) } else { 0.0 };
    if targets.iter().all(Option::is_none) {
        return vec![0.0; targets.len()];
    }
    let mut lower: Vec<f32> = targets
        .iter()
        .map(|t| t.unwrap_or(f32::NEG_INFINITY))
        .collect();
    for i in 1..lower.len() {
        lower[i] = lower[i].max(lower[i - 1] - step);
    }
    for i in (1..lower.len()).rev() {
        lower[i - 1] = lower[i - 1].max(lower[i] - step);
    }
    // Lines without a target far from any may fall below the lowest target;
    // clamping keeps the step (it moves neighbours no further apart).
    let lowest = targets
        .iter()
        .flatten()
        .fold(f32::INFINITY, |a, &t| a.min(t));
    for v in &mut lower {
        *v = v.max(lowest);
    }
    let mut upper: Vec<f32> = (0..lower.len())
        .map(|i| {
            caps.get(i)
                .copied()
                .filter(|c| !c.is_nan())
                .unwrap_or(f32::INFINITY)
        })
        .collect();
    for i in 1..upper.len() {
        upper[i] = upper[i].min(upper[i - 1] + step);
    }
    for i in (1..upper.len()).rev() {
        upper[i - 1] = upper[i - 1].min(upper[i] + step);
    }
    lower.iter().zip(&upper).map(|(l, u)| l.min(*u)).collect()
}
