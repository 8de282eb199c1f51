//! The Knuth–Plass line breaker alone, on arbitrary item lists, line widths
//! and parameters (NaN, infinities and negative values included): it must
//! never panic, always return well-formed lines (`check_breaks`), and give
//! the same answer twice.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use trang::typeset::linebreak::{
    Item, Params, break_greedy, break_lines, check_breaks, finish_paragraph,
};

#[derive(Arbitrary, Debug)]
enum FuzzItem {
    Box(f32),
    Glue(f32, f32, f32),
    Penalty(f32, f32, bool),
    Emergency(f32, f32),
    /// A typical interword space, so that realistic paragraphs are common.
    Space,
    /// A typical word.
    Word(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    items: Vec<FuzzItem>,
    /// Measures of the first lines; the last one repeats.
    widths: Vec<f32>,
    finish: bool,
    pretolerance: f32,
    tolerance: f32,
    line_penalty: f32,
    adj_demerits: f32,
    double_hyphen_demerits: f32,
    final_hyphen_demerits: f32,
    looseness: i8,
    emergency_stretch: f32,
    uniform_width_from: Option<u16>,
}

fuzz_target!(|input: Input| {
    let mut items: Vec<Item> = input
        .items
        .iter()
        .map(|i| match *i {
            FuzzItem::Box(w) => Item::boxed(w),
            FuzzItem::Glue(w, st, sh) => Item::glue(w, st, sh),
            FuzzItem::Penalty(w, p, f) => Item::penalty(w, p, f),
            FuzzItem::Emergency(w, p) => Item::emergency_break(w, p),
            FuzzItem::Space => Item::glue(3.0, 1.5, 1.0),
            FuzzItem::Word(w) => Item::boxed(f32::from(w)),
        })
        .collect();
    if input.finish {
        finish_paragraph(&mut items);
    }
    let widths = if input.widths.is_empty() {
        vec![300.0]
    } else {
        input.widths
    };
    let line_width = |n: usize| widths[n.min(widths.len() - 1)];
    let params = Params {
        pretolerance: input.pretolerance,
        tolerance: input.tolerance,
        line_penalty: input.line_penalty,
        adj_demerits: input.adj_demerits,
        double_hyphen_demerits: input.double_hyphen_demerits,
        final_hyphen_demerits: input.final_hyphen_demerits,
        looseness: i32::from(input.looseness),
        emergency_stretch: input.emergency_stretch,
        uniform_width_from: input.uniform_width_from.map(usize::from),
    };
    let breaks = break_lines(&items, &line_width, &params);
    if let Err(e) = check_breaks(&items, &breaks) {
        panic!("total fit: {e}\n{breaks:?}");
    }
    assert_eq!(
        breaks,
        break_lines(&items, &line_width, &params),
        "not deterministic"
    );
    let greedy = break_greedy(&items, &line_width, &params);
    if let Err(e) = check_breaks(&items, &greedy) {
        panic!("greedy: {e}\n{greedy:?}");
    }
});
