//! HTML white-space collapsing.

use crate::doc::{Inline, InlineKind};

/// HTML white-space collapsing (CSS Text 3 § 4.1.1) over nested inlines: a
/// run of white space is one space; none at the start, at the end, or next
/// to a line break; a last line break of the block makes no empty line.
pub fn collapse(inlines: &mut Vec<Inline>) {
    let mut prev_space = true;
    forward(inlines, &mut prev_space);
    let mut next_break = true;
    backward(inlines, &mut next_break);
    prune(inlines);
    drop_last_break(inlines);
    prune(inlines);
}

/// The inlines whose white space collapses with the text around them: a
/// container's, but not an image's alternative text.
fn children_mut(kind: &mut InlineKind) -> Option<&mut Vec<Inline>> {
    match kind {
        InlineKind::Image { .. } => None,
        kind => kind.children_mut(),
    }
}

fn forward(v: &mut [Inline], prev_space: &mut bool) {
    for inl in v {
        match &mut inl.kind {
            InlineKind::Text(t) => {
                let mut s = String::with_capacity(t.len());
                for c in t.chars() {
                    if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
                        if !*prev_space {
                            s.push(' ');
                            *prev_space = true;
                        }
                    } else {
                        s.push(c);
                        *prev_space = false;
                    }
                }
                *t = s;
            }
            InlineKind::HardBreak => *prev_space = true,
            InlineKind::Anchor(_) => {}
            kind => match children_mut(kind) {
                Some(c) => forward(c, prev_space),
                None => *prev_space = false,
            },
        }
    }
}

fn backward(v: &mut [Inline], next_break: &mut bool) {
    for inl in v.iter_mut().rev() {
        match &mut inl.kind {
            InlineKind::Text(t) => {
                if *next_break {
                    let n = t.trim_end_matches(' ').len();
                    t.truncate(n);
                }
                if !t.is_empty() {
                    *next_break = false;
                }
            }
            InlineKind::HardBreak => *next_break = true,
            InlineKind::Anchor(_) => {}
            kind => match children_mut(kind) {
                Some(c) => backward(c, next_break),
                None => *next_break = false,
            },
        }
    }
}

/// Drops empty text, and formatting left empty by it.
fn prune(v: &mut Vec<Inline>) {
    v.retain_mut(|inl| match &mut inl.kind {
        InlineKind::Text(t) => !t.is_empty(),
        InlineKind::Link { .. } => {
            if let Some(c) = children_mut(&mut inl.kind) {
                prune(c);
            }
            true
        }
        kind => match children_mut(kind) {
            Some(c) => {
                prune(c);
                !c.is_empty()
            }
            None => true,
        },
    });
}

fn drop_last_break(v: &mut Vec<Inline>) -> bool {
    match v.last_mut() {
        Some(Inline {
            kind: InlineKind::HardBreak,
            ..
        }) => {
            v.pop();
            true
        }
        Some(inl) => match children_mut(&mut inl.kind) {
            Some(c) => drop_last_break(c),
            None => false,
        },
        None => false,
    }
}
