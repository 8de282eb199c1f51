//! The active-list total-fit algorithm (Knuth & Plass 1981, TeX §813–890)
//! and the sequence of passes.

use super::measure::{Costs, DECENT, INF_BAD, Prepared, TIGHT, fitness, sanitize_width};
use super::{Breaks, Params, Pass};

const NONE: usize = usize::MAX;
/// Safety valve: beyond this many active nodes (only reached by degenerate
/// input such as long runs of zero-width boxes, or looseness on huge
/// paragraphs) the least promising half is dropped, trading optimality for
/// bounded running time.
const MAX_ACTIVE: usize = 1024;
/// How many line widths `Params::uniform_width_from: None` probes.
const PROBE_LINES: usize = 1024;
/// How many trailing probed lines must agree for the shape to count as
/// constant from then on.
const SETTLE_LINES: usize = 64;

/// What one pass accepts.
struct Config {
    pass: Pass,
    tolerance: f64,
    hyphens: bool,
    emergency_breaks: bool,
    extra_stretch: f64,
    /// Accept an overfull line when nothing else is possible.
    fallback: bool,
}

/// A feasible breakpoint: the best way found to end a line there, for one
/// combination of line class and fitness class.
#[derive(Clone, Copy)]
struct Node {
    /// Index of the break item.
    pos: usize,
    /// Where the next line starts.
    start: usize,
    /// Number of lines before the break = index of the next line.
    line: usize,
    fitness: u8,
    flagged: bool,
    forced: bool,
    demerits: f64,
    prev: usize,
}

struct Solution {
    spans: Vec<(usize, usize)>,
    demerits: f64,
    looseness_met: bool,
}

/// Runs the passes in order and returns the first acceptable result.
pub(super) fn run_passes(
    prep: &Prepared,
    width_of: &dyn Fn(usize) -> f64,
    params: &Params,
) -> Breaks {
    let costs = Costs::new(params);
    let looseness = params.looseness;
    let uniform_from = if looseness != 0 {
        usize::MAX
    } else {
        params
            .uniform_width_from
            .unwrap_or_else(|| probe_uniform(width_of))
    };
    // NaN means "default"; +inf is a legitimate "accept anything".
    let tolerance = if params.tolerance.is_nan() {
        200.0
    } else {
        f64::from(params.tolerance)
    };
    let emergency_stretch = sanitize_width(params.emergency_stretch);
    let mut configs = Vec::with_capacity(4);
    if params.pretolerance >= 0.0 {
        configs.push(Config {
            pass: Pass::Pretolerance,
            tolerance: f64::from(params.pretolerance),
            hyphens: false,
            emergency_breaks: false,
            extra_stretch: 0.0,
            fallback: false,
        });
    }
    configs.push(Config {
        pass: Pass::Tolerance,
        tolerance,
        hyphens: true,
        emergency_breaks: false,
        extra_stretch: 0.0,
        fallback: false,
    });
    if emergency_stretch > 0.0 || prep.has_emergency() {
        configs.push(Config {
            pass: Pass::Emergency,
            tolerance,
            hyphens: true,
            emergency_breaks: true,
            extra_stretch: emergency_stretch,
            fallback: false,
        });
    }
    let finish = |solution: Solution, pass: Pass| Breaks {
        lines: prep.line_breaks(&solution.spans, width_of),
        total_demerits: solution.demerits,
        pass,
    };

    // A solution that misses the looseness target is kept only if no later
    // pass does better (TeX accepts it on its final pass).
    let mut kept = None;
    for config in &configs {
        if let Some(solution) = run(prep, width_of, &costs, config, uniform_from, looseness) {
            if solution.looseness_met {
                return finish(solution, config.pass);
            }
            kept = Some((solution, config.pass));
        }
    }
    if let Some((solution, pass)) = kept {
        return finish(solution, pass);
    }
    let fallback = Config {
        pass: Pass::Fallback,
        tolerance: f64::INFINITY,
        hyphens: true,
        emergency_breaks: true,
        extra_stretch: emergency_stretch,
        fallback: true,
    };
    match run(prep, width_of, &costs, &fallback, uniform_from, looseness) {
        Some(solution) => finish(solution, Pass::Fallback),
        // Unreachable in practice (the fallback pass always keeps a node),
        // but never panic: one line with everything.
        None => {
            let spans = vec![(0, prep.final_break())];
            Breaks {
                total_demerits: prep.score(&spans, width_of, &costs),
                lines: prep.line_breaks(&spans, width_of),
                pass: Pass::Fallback,
            }
        }
    }
}

/// The first line from which the probed widths stay constant, or "never".
fn probe_uniform(width_of: &dyn Fn(usize) -> f64) -> usize {
    let mut last_change = 0;
    let mut previous = width_of(0).to_bits();
    for line in 1..PROBE_LINES {
        let width = width_of(line).to_bits();
        if width != previous {
            last_change = line;
            previous = width;
        }
    }
    if PROBE_LINES - last_change >= SETTLE_LINES {
        last_change
    } else {
        usize::MAX
    }
}

/// One pass of the algorithm; `None` if no feasible set of breaks exists.
fn run(
    prep: &Prepared,
    width_of: &dyn Fn(usize) -> f64,
    costs: &Costs,
    config: &Config,
    uniform_from: usize,
    looseness: i32,
) -> Option<Solution> {
    // Lines from `uniform_from` on have the same width, so nodes there are
    // interchangeable whatever their line number.
    let class = |line: usize| line.min(uniform_from);
    let mut arena = vec![Node {
        pos: 0,
        start: 0,
        line: 0,
        fitness: DECENT,
        flagged: false,
        forced: true,
        demerits: 0.0,
        prev: NONE,
    }];
    let mut active = vec![0];
    let (mut next, mut created, mut ahead, mut killed) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for b in 0..=prep.final_break() {
        let Some(brk) = prep.breakpoint(b, config.hyphens, config.emergency_breaks) else {
            continue;
        };
        next.clear();
        created.clear();
        ahead.clear();
        let start_after = prep.start_after(b);
        // Least overflowing deactivated node, for the fallback pass.
        let mut overfull: Option<(f64, f64, usize)> = None;
        let mut i = 0;
        // Active nodes are sorted by line class; each class is one group.
        while let Some(&first) = active.get(i) {
            let key = class(arena[first].line);
            let line_width = width_of(arena[first].line);
            let mut best = [(f64::INFINITY, NONE); 4];
            let mut min_demerits = f64::INFINITY;
            while let Some(&a) = active.get(i)
                && class(arena[a].line) == key
            {
                i += 1;
                let node = &arena[a];
                if node.start > b {
                    // Broke earlier in the run of discardables we are in.
                    next.push(a);
                    ahead.push(a);
                    continue;
                }
                let fit = prep.measure(
                    node.start,
                    b,
                    brk.width,
                    line_width,
                    config.extra_stretch,
                    node.forced && brk.forced,
                );
                if fit.overfull {
                    // Deactivate: wider lines from here only get worse.
                    if config.fallback
                        && overfull.is_none_or(|(o, d, _)| (fit.overflow, node.demerits) < (o, d))
                    {
                        overfull = Some((fit.overflow, node.demerits, a));
                    }
                    continue;
                }
                if !brk.forced {
                    next.push(a);
                }
                if fit.badness > config.tolerance {
                    continue;
                }
                let fit_class = fitness(fit.ratio);
                let d = node.demerits
                    + costs.line(fit.badness, &brk, node.flagged, node.fitness, fit_class);
                let slot = &mut best[usize::from(fit_class)];
                if d < slot.0 {
                    *slot = (d, a);
                }
                min_demerits = min_demerits.min(d);
            }
            // A candidate worse than the group's best by more than a fitness
            // mismatch can cost can never win.
            let limit = min_demerits + costs.adj_demerits.abs();
            for (fit_class, &(demerits, from)) in (0u8..).zip(best.iter()) {
                if from != NONE && demerits <= limit {
                    arena.push(Node {
                        pos: b,
                        start: start_after,
                        line: arena[from].line + 1,
                        fitness: fit_class,
                        flagged: brk.flagged,
                        forced: brk.forced,
                        demerits,
                        prev: from,
                    });
                    next.push(arena.len() - 1);
                    created.push(arena.len() - 1);
                }
            }
        }
        if next.is_empty() {
            // Every line to here is overfull: in the fallback pass, accept the
            // least overfull one (TeX's "artificial demerits"); else give up.
            let (_, _, from) = overfull?;
            let node = arena[from];
            arena.push(Node {
                pos: b,
                start: start_after,
                line: node.line + 1,
                fitness: TIGHT,
                flagged: brk.flagged,
                forced: brk.forced,
                demerits: node.demerits
                    + costs.line(INF_BAD, &brk, node.flagged, node.fitness, TIGHT),
                prev: from,
            });
            next.push(arena.len() - 1);
        }
        if !ahead.is_empty() && !created.is_empty() {
            dedupe(&arena, &created, &ahead, &mut killed, class);
            next.retain(|id| !killed.contains(id));
        }
        if next.len() > MAX_ACTIVE {
            prune(&arena, &mut next);
        }
        std::mem::swap(&mut active, &mut next);
    }
    select(&arena, &active, looseness)
}

/// Breaks inside one run of discardable items lead to the same next line: of
/// two such nodes with the same line class, fitness and flag, keep the better.
fn dedupe(
    arena: &[Node],
    created: &[usize],
    ahead: &[usize],
    killed: &mut Vec<usize>,
    class: impl Fn(usize) -> usize,
) {
    killed.clear();
    for &c in created {
        for &a in ahead {
            if killed.contains(&a) {
                continue;
            }
            let (new, old) = (&arena[c], &arena[a]);
            let same = new.start == old.start
                && class(new.line) == class(old.line)
                && new.fitness == old.fitness
                && new.flagged == old.flagged
                && new.forced == old.forced;
            if same {
                if new.demerits < old.demerits {
                    killed.push(a);
                } else {
                    killed.push(c);
                    break;
                }
            }
        }
    }
}

/// Keeps the half of the active nodes with the lowest demerits per line.
fn prune(arena: &[Node], active: &mut Vec<usize>) {
    let score = |id: usize| arena[id].demerits / (arena[id].line as f64 + 1.0);
    let keep = MAX_ACTIVE / 2;
    let mut scores: Vec<f64> = active.iter().map(|&id| score(id)).collect();
    let threshold = *scores.select_nth_unstable_by(keep, f64::total_cmp).1;
    let mut ties = keep + 1 - scores.iter().filter(|&&s| s < threshold).count();
    active.retain(|&id| {
        let s = score(id);
        if s < threshold {
            true
        } else if s == threshold && ties > 0 {
            ties -= 1;
            true
        } else {
            false
        }
    });
}

/// Picks the final node (fewest demerits, or the looseness target) and
/// traces the breaks back.
fn select(arena: &[Node], finals: &[usize], looseness: i32) -> Option<Solution> {
    let mut best = *finals.first()?;
    for &id in finals {
        if arena[id].demerits < arena[best].demerits {
            best = id;
        }
    }
    let mut chosen = best;
    let mut actual = 0i64;
    let target = i64::from(looseness);
    if looseness != 0 {
        // TeX §875: the line count closest to optimum + looseness, then the
        // fewest demerits.
        let best_lines = arena[best].line as i64;
        let mut fewest = arena[best].demerits;
        for &id in finals {
            let diff = arena[id].line as i64 - best_lines;
            let d = arena[id].demerits;
            if (diff < actual && target <= diff) || (diff > actual && target >= diff) {
                (chosen, actual, fewest) = (id, diff, d);
            } else if diff == actual && d < fewest {
                (chosen, fewest) = (id, d);
            }
        }
    }
    let mut spans = Vec::with_capacity(arena[chosen].line);
    let mut id = chosen;
    while arena[id].prev != NONE {
        let prev = arena[id].prev;
        spans.push((arena[prev].start, arena[id].pos));
        id = prev;
    }
    spans.reverse();
    Some(Solution {
        spans,
        demerits: arena[chosen].demerits,
        looseness_met: actual == target,
    })
}
