use super::*;

/// xorshift64*: a tiny deterministic PRNG, so tests need no extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * ((self.next() >> 40) as f32 / (1u64 << 24) as f32)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SPACE: Item = Item::glue(6.0, 3.0, 2.0);

/// Words of the given widths separated by `SPACE`, finished like TeX.
fn words(widths: &[f32]) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            items.push(SPACE);
        }
        items.push(Item::boxed(w));
    }
    finish_paragraph(&mut items);
    items
}

/// A random paragraph of `n` words, some hyphenated into two boxes around a
/// flagged penalty, each piece narrower than `max_piece`.
fn random_paragraph(rng: &mut Rng, n: usize, max_piece: f32) -> Vec<Item> {
    let mut items = Vec::new();
    for i in 0..n {
        if i > 0 {
            items.push(Item::glue(
                rng.range(4.0, 7.0),
                rng.range(2.0, 4.0),
                rng.range(1.0, 2.5),
            ));
        }
        if rng.chance(25) {
            items.push(Item::boxed(rng.range(5.0, max_piece)));
            items.push(Item::penalty(4.0, 50.0, true));
        }
        items.push(Item::boxed(rng.range(5.0, max_piece)));
    }
    finish_paragraph(&mut items);
    items
}

fn is_box(item: &Item) -> bool {
    matches!(item, Item::Box { .. })
}

fn is_forced(item: &Item) -> bool {
    matches!(item, Item::Penalty { penalty, .. } if *penalty <= -INFINITE_PENALTY)
}

/// Natural width of a line (content plus the break item's width).
fn natural_width(items: &[Item], line: &LineBreak) -> f32 {
    let content: f32 = items[line.start..line.end]
        .iter()
        .map(|item| match *item {
            Item::Box { width } | Item::Glue { width, .. } => width,
            _ => 0.0,
        })
        .sum();
    let break_width = match items.get(line.end) {
        Some(Item::Penalty { width, .. } | Item::EmergencyBreak { width, .. }) => *width,
        _ => 0.0,
    };
    content + break_width
}

fn total_shrink(items: &[Item], line: &LineBreak) -> f32 {
    items[line.start..line.end]
        .iter()
        .map(|item| match *item {
            Item::Glue { shrink, .. } => shrink,
            _ => 0.0,
        })
        .sum()
}

/// The lines tile the items (see [`check_breaks`]).
fn assert_covers(items: &[Item], breaks: &Breaks) {
    if let Err(e) = check_breaks(items, breaks) {
        panic!("{e}");
    }
}

/// Item index of the glue after word `k` of [`words`].
fn after_word(k: usize) -> usize {
    2 * k + 1
}

#[test]
fn empty_paragraph_has_no_lines() {
    let breaks = break_lines(&[], &|_| 100.0, &Params::default());
    assert!(breaks.lines.is_empty());
    assert!(
        break_greedy(&[], &|_| 100.0, &Params::default())
            .lines
            .is_empty()
    );
    let mut items = Vec::new();
    finish_paragraph(&mut items);
    assert!(items.is_empty());
}

#[test]
fn total_fit_balances_what_greedy_leaves_loose() {
    let items = words(&[10.0, 10.0, 14.0, 40.0, 10.0, 22.0, 18.0, 34.0, 40.0]);
    let params = Params::default();
    let greedy = break_greedy(&items, &|_| 100.0, &params);
    let ends: Vec<usize> = greedy.lines.iter().map(|l| l.end).collect();
    assert_eq!(ends, [after_word(4), after_word(7), items.len() - 1]);
    assert!(
        greedy.lines[1].ratio > 2.0,
        "greedy's second line is very loose"
    );

    let best = break_lines(&items, &|_| 100.0, &params);
    assert_covers(&items, &best);
    assert_eq!(best.pass, Pass::Pretolerance);
    let ends: Vec<usize> = best.lines.iter().map(|l| l.end).collect();
    assert_eq!(ends, [after_word(3), after_word(7), items.len() - 1]);
    assert!((best.lines[0].ratio - 8.0 / 9.0).abs() < 1e-4);
    assert!((best.lines[1].ratio + 1.0 / 3.0).abs() < 1e-4);
    assert!(best.total_demerits < greedy.total_demerits);
    let rescored = score_lines(&items, &|_| 100.0, &params, &best.lines);
    assert!((rescored - best.total_demerits).abs() < 1e-6);
}

/// Every way of choosing breaks, for small paragraphs: total-fit must find the
/// minimum of `score_lines` over all sets without overfull lines.
#[test]
fn matches_brute_force_optimum() {
    let mut rng = Rng(0x5eed);
    let params = Params {
        pretolerance: -1.0,
        tolerance: 10_000.0,
        ..Params::default()
    };
    for case in 0..200 {
        let items = random_paragraph(&mut rng, 5 + case % 5, 40.0);
        let hanging = case % 3 == 0;
        let width = move |line: usize| if hanging && line < 2 { 80.0 } else { 110.0 };
        let legal: Vec<usize> = (0..items.len() - 1)
            .filter(|&i| match items[i] {
                Item::Glue { .. } => is_box(&items[i - 1]),
                Item::Penalty { penalty, .. } => penalty < INFINITE_PENALTY,
                _ => false,
            })
            .collect();
        if legal.len() > 12 {
            continue;
        }
        let mut best = f64::INFINITY;
        for mask in 0u32..1 << legal.len() {
            let mut lines = Vec::new();
            let mut start = 0;
            for (bit, &b) in legal.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    lines.push(LineBreak {
                        start,
                        end: b,
                        ratio: 0.0,
                        hyphenated: false,
                        overfull: false,
                    });
                    start = b + 1;
                }
            }
            lines.push(LineBreak {
                start,
                end: items.len() - 1,
                ratio: 0.0,
                hyphenated: false,
                overfull: false,
            });
            let fits = lines.iter().enumerate().all(|(n, l)| {
                natural_width(&items, l) <= width(n) + total_shrink(&items, l) + 1e-3
            });
            if fits {
                best = best.min(score_lines(&items, &width, &params, &lines));
            }
        }
        let breaks = break_lines(&items, &width, &params);
        assert_covers(&items, &breaks);
        assert_eq!(breaks.pass, Pass::Tolerance);
        let diff = (breaks.total_demerits - best).abs();
        assert!(
            diff <= 1e-6 * best.abs().max(1.0),
            "case {case}: {} vs {best}",
            breaks.total_demerits
        );
    }
}

#[test]
fn never_worse_than_greedy() {
    let mut rng = Rng(42);
    for case in 0..200 {
        let items = random_paragraph(&mut rng, 20 + case % 50, 45.0);
        let width = |line: usize| if line == 0 { 120.0 } else { 150.0 };
        // Everything greedy may produce is feasible for total-fit here.
        let sloppy = Params {
            pretolerance: -1.0,
            tolerance: 10_000.0,
            ..Params::default()
        };
        let greedy = break_greedy(&items, &width, &sloppy);
        let best = break_lines(&items, &width, &sloppy);
        assert_covers(&items, &greedy);
        assert_covers(&items, &best);
        assert!(
            best.total_demerits <= greedy.total_demerits + 1e-6,
            "case {case}"
        );

        // With a real tolerance, whenever greedy happens to be feasible.
        let strict = Params {
            pretolerance: -1.0,
            ..Params::default()
        };
        let greedy_feasible = greedy
            .lines
            .iter()
            .all(|l| l.ratio.abs().powi(3) * 100.0 <= 200.0);
        let best = break_lines(&items, &width, &strict);
        if greedy_feasible {
            assert_eq!(best.pass, Pass::Tolerance);
            assert!(
                best.total_demerits <= greedy.total_demerits + 1e-6,
                "case {case}"
            );
        }
    }
}

#[test]
fn no_line_exceeds_the_measure() {
    let mut rng = Rng(7);
    for case in 0..100 {
        let items = random_paragraph(&mut rng, 30, 60.0);
        let measure = 70.0 + (case % 5) as f32 * 20.0;
        let breaks = break_lines(&items, &|_| measure, &Params::default());
        assert_covers(&items, &breaks);
        for line in &breaks.lines {
            assert!(!line.overfull);
            let slack = measure + total_shrink(&items, line) - natural_width(&items, line);
            assert!(slack >= -1e-2, "case {case}: {line:?} {slack}");
        }
    }
}

#[test]
fn only_a_too_wide_box_overflows() {
    let items = words(&[30.0, 20.0, 150.0, 25.0, 30.0, 10.0]);
    let breaks = break_lines(&items, &|_| 100.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.pass, Pass::Fallback);
    let overfull: Vec<&LineBreak> = breaks.lines.iter().filter(|l| l.overfull).collect();
    assert_eq!(overfull.len(), 1);
    // The wide box (word 2, item 4) sits alone on its line.
    assert_eq!((overfull[0].start, overfull[0].end), (4, 5));
}

#[test]
fn forced_breaks_are_honoured() {
    let mut items = Vec::new();
    for i in 0..12 {
        if i == 5 {
            items.extend([
                Item::no_break(),
                Item::glue(0.0, FILL_STRETCH, 0.0),
                Item::forced_break(),
            ]);
        } else if i > 0 {
            items.push(SPACE);
        }
        items.push(Item::boxed(20.0));
    }
    finish_paragraph(&mut items);
    let forced = items.iter().position(is_forced).unwrap();
    for breaks in [
        break_lines(&items, &|_| 100.0, &Params::default()),
        break_greedy(&items, &|_| 100.0, &Params::default()),
    ] {
        assert_covers(&items, &breaks);
        assert!(breaks.lines.iter().any(|l| l.end == forced), "{breaks:?}");
    }
}

#[test]
fn consecutive_forced_breaks_make_an_empty_line() {
    let mut items = words(&[20.0, 30.0]);
    items.pop();
    items.extend([
        Item::forced_break(),
        Item::forced_break(),
        Item::boxed(20.0),
    ]);
    finish_paragraph(&mut items);
    let breaks = break_lines(&items, &|_| 100.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.lines.len(), 3);
    assert_eq!(breaks.lines[1].start, breaks.lines[1].end);
    assert_ne!(breaks.pass, Pass::Fallback);
}

#[test]
fn first_pass_ignores_hyphens_second_uses_them() {
    // "aaaa bbbb ccc-ddd": only a hyphenated first line fits well.
    let mut items = vec![Item::boxed(40.0), SPACE, Item::boxed(40.0), SPACE];
    items.extend([
        Item::boxed(20.0),
        Item::penalty(4.0, 50.0, true),
        Item::boxed(40.0),
    ]);
    finish_paragraph(&mut items);
    let breaks = break_lines(&items, &|_| 114.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.pass, Pass::Tolerance);
    assert!(breaks.lines[0].hyphenated);
    assert_eq!(breaks.lines[0].end, 5);
}

#[test]
fn emergency_breaks_only_when_needed() {
    // A 240-point URL in pieces of 30 with emergency breaks between them.
    let mut items = vec![Item::boxed(30.0), SPACE, Item::boxed(25.0), SPACE];
    for i in 0..8 {
        if i > 0 {
            items.push(Item::emergency_break(0.0, 0.0));
        }
        items.push(Item::boxed(30.0));
    }
    items.extend([SPACE, Item::boxed(30.0)]);
    finish_paragraph(&mut items);
    let stretchy = Params {
        emergency_stretch: 20.0,
        ..Params::default()
    };
    let is_emergency = |l: &LineBreak| matches!(items[l.end], Item::EmergencyBreak { .. });
    for (params, pass) in [
        (stretchy, Pass::Emergency),
        (Params::default(), Pass::Fallback),
    ] {
        let breaks = break_lines(&items, &|_| 100.0, &params);
        assert_covers(&items, &breaks);
        assert_eq!(breaks.pass, pass);
        assert!(breaks.lines.iter().all(|l| !l.overfull), "{breaks:?}");
        assert!(breaks.lines.iter().filter(|l| is_emergency(l)).count() >= 2);
    }

    // Short "URLs" fit: their emergency breaks stay unused.
    let mut rng = Rng(3);
    let mut items = Vec::new();
    for i in 0..40 {
        if i > 0 {
            items.push(SPACE);
        }
        items.push(Item::boxed(rng.range(8.0, 15.0)));
        items.push(Item::emergency_break(0.0, 0.0));
        items.push(Item::boxed(rng.range(8.0, 15.0)));
    }
    finish_paragraph(&mut items);
    let breaks = break_lines(&items, &|_| 250.0, &Params::default());
    assert_covers(&items, &breaks);
    assert!(breaks.pass < Pass::Emergency);
    assert!(
        breaks
            .lines
            .iter()
            .all(|l| !matches!(items[l.end], Item::EmergencyBreak { .. }))
    );
}

#[test]
fn emergency_stretch_pass_avoids_fallback() {
    // Lines of two 40-point words cannot reach 120 points within tolerance.
    let items = words(&[40.0; 8]);
    let tight = Params::default();
    assert_eq!(break_lines(&items, &|_| 120.0, &tight).pass, Pass::Fallback);
    let stretchy = Params {
        emergency_stretch: 30.0,
        ..Params::default()
    };
    let breaks = break_lines(&items, &|_| 120.0, &stretchy);
    assert_covers(&items, &breaks);
    assert_eq!(breaks.pass, Pass::Emergency);
}

#[test]
fn looseness_adds_or_removes_a_line_when_possible() {
    let mut rng = Rng(11);
    let items = random_paragraph(&mut rng, 40, 30.0);
    let width = |_| 140.0;
    let sloppy = Params {
        pretolerance: -1.0,
        tolerance: 10_000.0,
        ..Params::default()
    };
    let normal = break_lines(&items, &width, &sloppy);
    let looser = break_lines(
        &items,
        &width,
        &Params {
            looseness: 1,
            ..sloppy.clone()
        },
    );
    let tighter = break_lines(
        &items,
        &width,
        &Params {
            looseness: -1,
            ..sloppy.clone()
        },
    );
    assert_covers(&items, &looser);
    assert_covers(&items, &tighter);
    assert_eq!(looser.lines.len(), normal.lines.len() + 1);
    assert!(tighter.lines.len() <= normal.lines.len());
    assert!(
        looser
            .lines
            .iter()
            .chain(&tighter.lines)
            .all(|l| !l.overfull)
    );
}

#[test]
fn double_hyphens_avoided_when_possible() {
    // Lines 1 and 2 can both end at hyphens with perfect spacing, or line 2
    // can end at a space, set tight. Only double-hyphen demerits decide.
    let hyphen = Item::penalty(4.0, 50.0, true);
    let mut items = vec![
        Item::boxed(40.0),
        SPACE,
        Item::boxed(50.0),
        hyphen,
        Item::boxed(20.0),
    ];
    items.extend([SPACE, Item::boxed(20.0), SPACE, Item::boxed(20.0), SPACE]);
    items.extend([
        Item::boxed(18.0),
        hyphen,
        Item::boxed(9.0),
        SPACE,
        Item::boxed(30.0),
    ]);
    finish_paragraph(&mut items);
    let last = items.len() - 1;
    let ends = |b: &Breaks| b.lines.iter().map(|l| l.end).collect::<Vec<_>>();
    let free = Params {
        double_hyphen_demerits: 0.0,
        final_hyphen_demerits: 0.0,
        ..Params::default()
    };
    let without = break_lines(&items, &|_| 100.0, &free);
    assert_eq!(ends(&without), [3, 11, last]);
    assert!(without.lines[0].hyphenated && without.lines[1].hyphenated);
    let with = break_lines(&items, &|_| 100.0, &Params::default());
    assert_covers(&items, &with);
    assert_eq!(with.pass, Pass::Tolerance);
    assert_eq!(ends(&with), [3, 13, last]);
    assert!((with.lines[1].ratio + 5.0 / 6.0).abs() < 1e-4);
    // Line 2 is also the second-last line: final-hyphen demerits alone
    // (5000) suffice to avoid ending it with a hyphen.
    let free_final = Params {
        double_hyphen_demerits: 0.0,
        ..Params::default()
    };
    assert_eq!(
        ends(&break_lines(&items, &|_| 100.0, &free_final)),
        [3, 13, last]
    );
}

#[test]
fn ragged_right_keeps_spaces_natural() {
    let mut rng = Rng(5);
    let mut items = Vec::new();
    for i in 0..60 {
        if i > 0 {
            items.extend(ragged_right_space(5.0, 30.0));
        }
        items.push(Item::boxed(rng.range(8.0, 40.0)));
    }
    finish_paragraph(&mut items);
    let breaks = break_lines(&items, &|_| 150.0, &Params::default());
    assert_covers(&items, &breaks);
    for line in &breaks.lines {
        assert!(!line.overfull && line.ratio >= 0.0);
        // Interior stretch cancels out: the natural width is what is set.
        assert!(natural_width(&items, line) <= 150.0 + 1e-3);
    }
}

#[test]
fn uniform_width_merging_is_exact() {
    let mut rng = Rng(99);
    for _ in 0..30 {
        let items = random_paragraph(&mut rng, 80, 40.0);
        let hang = |line: usize| if line < 3 { 100.0 } else { 130.0 };
        let exact = Params {
            uniform_width_from: Some(usize::MAX),
            ..Params::default()
        };
        let a = break_lines(&items, &hang, &exact);
        let b = break_lines(&items, &hang, &Params::default());
        let c = break_lines(
            &items,
            &hang,
            &Params {
                uniform_width_from: Some(3),
                ..Params::default()
            },
        );
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
        assert!(close(a.total_demerits, b.total_demerits));
        assert!(close(a.total_demerits, c.total_demerits));
    }
}

#[test]
fn deterministic() {
    let mut rng = Rng(1234);
    let items = random_paragraph(&mut rng, 300, 40.0);
    let first = break_lines(&items, &|n| 140.0 + (n % 3) as f32, &Params::default());
    for _ in 0..3 {
        let again = break_lines(
            &items.clone(),
            &|n| 140.0 + (n % 3) as f32,
            &Params::default(),
        );
        assert_eq!(first, again);
    }
}

#[test]
fn hostile_numbers_do_not_panic() {
    let nasty = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -5.0,
        0.0,
        1e30,
        -1e30,
        3.0,
    ];
    let mut rng = Rng(2024);
    for case in 0..300 {
        let mut items = Vec::new();
        for _ in 0..(case % 40) {
            let kind = rng.next() % 4;
            let flagged = rng.chance(50);
            let mut pick = || nasty[(rng.next() % nasty.len() as u64) as usize];
            items.push(match kind {
                0 => Item::boxed(pick()),
                1 => Item::glue(pick(), pick(), pick()),
                2 => Item::penalty(pick(), pick(), flagged),
                _ => Item::emergency_break(pick(), pick()),
            });
        }
        let measure = nasty[case % nasty.len()];
        let params = Params {
            tolerance: nasty[(case / 3) % nasty.len()],
            pretolerance: nasty[(case / 5) % nasty.len()],
            emergency_stretch: nasty[(case / 7) % nasty.len()],
            looseness: (case % 3) as i32 - 1,
            ..Params::default()
        };
        let breaks = break_lines(&items, &|_| measure, &params);
        assert_covers(&items, &breaks);
        assert_covers(&items, &break_greedy(&items, &|_| measure, &params));
    }
}

#[test]
fn hundred_thousand_words_stay_linear() {
    let mut rng = Rng(77);
    let mut items = Vec::with_capacity(200_010);
    for i in 0..100_000 {
        if i > 0 {
            items.push(Item::glue(5.0, 2.5, 1.7));
        }
        items.push(Item::boxed(rng.range(10.0, 40.0)));
    }
    finish_paragraph(&mut items);
    let breaks = break_lines(
        &items,
        &|n| if n == 0 { 280.0 } else { 300.0 },
        &Params::default(),
    );
    assert_covers(&items, &breaks);
    assert!(breaks.lines.len() > 9_000);
}

#[test]
fn degenerate_runs_stay_bounded() {
    // 10,000 penalties in a row, then zero-width boxes with breaks between,
    // and no stretch anywhere so only the fallback pass succeeds: both runs
    // would grow the active list without deduplication and pruning.
    let mut items = vec![Item::boxed(10.0)];
    items.extend(std::iter::repeat_n(Item::penalty(0.0, 0.0, false), 10_000));
    for _ in 0..3_000 {
        items.push(Item::boxed(0.0));
        items.push(Item::penalty(0.0, 0.0, false));
    }
    items.push(Item::boxed(10.0));
    let breaks = break_lines(&items, &|_| 100.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.pass, Pass::Fallback);
}

#[test]
fn unfinished_paragraph_ends_after_the_last_item() {
    let items = [
        Item::boxed(30.0),
        SPACE,
        Item::boxed(30.0),
        SPACE,
        Item::boxed(30.0),
    ];
    let breaks = break_lines(&items, &|_| 60.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.lines.last().unwrap().end, items.len());
    // Discardable items after a final forced break are dropped.
    let items = [
        Item::boxed(30.0),
        Item::forced_break(),
        SPACE,
        Item::penalty(0.0, 0.0, false),
    ];
    let breaks = break_lines(&items, &|_| 60.0, &Params::default());
    assert_covers(&items, &breaks);
    assert_eq!(breaks.lines.len(), 1);
    assert_eq!(breaks.lines[0].end, 1);
}

#[test]
fn smoothing_keeps_neighbours_within_the_step_and_never_below_a_target() {
    let mut rng = Rng(0x5eed);
    for _ in 0..200 {
        let n = 1 + (rng.next() % 40) as usize;
        let targets: Vec<Option<f32>> = (0..n)
            .map(|_| (!rng.chance(20)).then(|| rng.range(-0.005, 0.01)))
            .collect();
        let out = lipschitz_smooth(&targets, &[], 0.003);
        assert_eq!(out.len(), n);
        for pair in out.windows(2) {
            assert!(
                (pair[0] - pair[1]).abs() <= 0.003 + 1e-6,
                "{targets:?} → {out:?}"
            );
        }
        let known: Vec<f32> = targets.iter().flatten().copied().collect();
        let (lo, hi) = known
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &t| {
                (a.min(t), b.max(t))
            });
        for (t, v) in targets.iter().zip(&out) {
            if let Some(t) = t {
                assert!(v >= t, "{targets:?} → {out:?}");
            }
            if known.is_empty() {
                assert_eq!(*v, 0.0);
            } else {
                assert!((lo..=hi).contains(v), "{targets:?} → {out:?}");
            }
        }
    }
}

#[test]
fn smoothing_lifts_a_tight_line_between_loose_ones() {
    let out = lipschitz_smooth(&[Some(0.01), Some(-0.005), Some(0.01), None], &[], 0.003);
    for (v, want) in out.iter().zip([0.01, 0.007, 0.01, 0.007]) {
        assert!((v - want).abs() < 1e-6, "{out:?}");
    }
    assert_eq!(lipschitz_smooth(&[None, None], &[], 0.003), [0.0, 0.0]);
    assert!(lipschitz_smooth(&[], &[], 0.003).is_empty());
    // A capped last line brings its neighbours down towards it.
    let inf = f32::INFINITY;
    let out = lipschitz_smooth(&[Some(0.01), Some(0.01), None], &[inf, inf, -0.002], 0.003);
    for (v, want) in out.iter().zip([0.004, 0.001, -0.002]) {
        assert!((v - want).abs() < 1e-6, "{out:?}");
    }
}

#[test]
fn ties_bind_dashes_numbers_and_abbreviations() {
    // (word before, word after, tied)
    let cases = [
        // A spaced dash stays with the word before it.
        ("tế", "–", true),
        ("nói", "—", true),
        ("2013", "–", true),
        ("–", "xã", false),
        // A number stays with the word after it.
        ("5", "năm", true),
        ("20", "tỉnh", true),
        ("2.000", "hộ", true),
        ("28/11", "tại", true),
        ("5,", "năm", false),
        ("5", "(năm)", false),
        ("năm", "5", false),
        // An abbreviation stays with the name or number after it.
        ("TP.", "Hồ", true),
        ("PGS.TS.", "Nguyễn", true),
        ("ThS.", "Lê", true),
        ("Q.", "1", true),
        ("TP.", "này", false),
        ("TP", "Hồ", false),
        ("nhà.", "Tôi", false),
        ("ông", "Ba", false),
    ];
    for (before, after, tied) in cases {
        assert_eq!(is_tie(before, after), tied, "{before:?} {after:?}");
    }
}
