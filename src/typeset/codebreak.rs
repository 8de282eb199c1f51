//! Where a line of code (a code block's line, an inline code span) may
//! break inside a whitespace-free token such as `foo(bar,baz)` or
//! `a.b.c!=d->e`.
//!
//! A code line breaks at its spaces, and inside a token only **after**
//! punctuation: after a single mark of `, ; ( [ { . :`, or after a whole
//! operator of [`OPERATORS`], never inside an operator, a number or an
//! identifier, and never before a closing bracket, `,` or `;` (a wrapped
//! line should not start with one). This is the rule of editors that wrap
//! code by words (VS Code's `editor.wordSeparators`, Emacs's
//! `visual-line-mode`), with the tokens of the languages' own grammars: the
//! multi-character operators are the punctuation tokens of the Rust
//! Reference (§ Tokens, Punctuation), of ECMA-262 (§ 12.8 Punctuators) and
//! of C (ISO/IEC 9899 § 6.4.6), plus the comment openers `//`, `/*`, `--`
//! and `#!`. The highlighter's tokens do not give these boundaries: a plain
//! stretch such as `foo(bar,baz)` is one token of one scope.

use std::ops::Range;

use super::urlbreak::token_around;

/// Multi-character operators, longest first within each first character
/// (the scan takes the first that matches). Sources: see the module docs.
pub const OPERATORS: &[&str] = &[
    "!==", "!=", "===", "==", "=>", "->", "<<=", ">>=", "<=", ">=", "<<", ">>", "<-", "::", "&&",
    "||", "+=", "-=", "*=", "/=", "%=", "^=", "|=", "&=", "**=", "**", "++", "--", "...", "..=",
    "..", "//", "/*", "*/", "?.", "??=", "??", "#!", ":=",
];

/// Marks after which a code token may break when they stand alone.
const BREAK_AFTER: &str = ",;([{.:";

/// Marks a wrapped code line should not start with.
const NO_BREAK_BEFORE: &str = ")]},;";

/// What a piece of a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// An identifier or a number (letters, digits, `_`; a `.` between
    /// digits, as in `3.14`).
    Word,
    /// One of [`OPERATORS`].
    Operator,
    /// Any other single character.
    Mark,
}

/// The pieces of `token` (byte ranges), in order.
fn pieces(token: &str) -> Vec<(Range<usize>, Kind)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = token[i..].chars().next() {
        let start = i;
        if c.is_alphanumeric() || c == '_' {
            let number = c.is_ascii_digit();
            let mut chars = token[i..].char_indices().peekable();
            let mut end = token.len();
            while let Some((k, d)) = chars.next() {
                let digit_dot =
                    number && d == '.' && chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
                if !(d.is_alphanumeric() || d == '_' || digit_dot) {
                    end = i + k;
                    break;
                }
            }
            // Combining marks (Vietnamese in NFD) stay with their letter.
            while let Some(m) = token[end..].chars().next().filter(|m| is_mark(*m)) {
                end += m.len_utf8();
            }
            i = end;
            out.push((start..i, Kind::Word));
        } else if let Some(op) = OPERATORS.iter().find(|op| token[i..].starts_with(**op)) {
            i += op.len();
            out.push((start..i, Kind::Operator));
        } else {
            i += c.len_utf8();
            out.push((start..i, Kind::Mark));
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Byte offsets inside `token` (whitespace-free code) where a line may
/// break, in increasing order: after punctuation (see the module docs).
pub fn code_breaks(token: &str) -> Vec<usize> {
    let pieces = pieces(token);
    let mut out = Vec::new();
    for w in pieces.windows(2) {
        let ((before, kind), (after, _)) = (&w[0], &w[1]);
        let breaks_after = match kind {
            Kind::Operator => true,
            Kind::Mark => token[before.clone()]
                .chars()
                .next()
                .is_some_and(|c| BREAK_AFTER.contains(c)),
            Kind::Word => false,
        };
        let next = token[after.clone()].chars().next();
        if breaks_after && !next.is_some_and(|c| NO_BREAK_BEFORE.contains(c)) {
            out.push(before.end);
        }
    }
    out
}

/// Byte offsets inside `token` that fall inside an operator: where even
/// an emergency break (a token wider than the measure) must not go.
pub fn inside_operators(token: &str) -> Vec<usize> {
    pieces(token)
        .into_iter()
        .filter(|(_, k)| *k == Kind::Operator)
        .flat_map(|(r, _)| {
            token[r.clone()]
                .char_indices()
                .skip(1)
                .map(move |(b, _)| r.start + b)
        })
        .collect()
}

/// Whether byte `at` of `text` (code), a break UAX #14 allows, is one of
/// the code's own breaks ([`code_breaks`]); UAX #14 would break `->` after
/// its hyphen.
pub fn is_code_break(text: &str, at: usize) -> bool {
    let (start, token) = token_around(text, at..at);
    at <= start || at >= start + token.len() || code_breaks(token).contains(&(at - start))
}

/// The code breaks strictly inside `part` (byte range of `text`), relative
/// to its start; and the offsets, relative too, that lie inside an
/// operator.
pub fn cuts_in(text: &str, part: Range<usize>) -> (Vec<usize>, Vec<usize>) {
    let (start, token) = token_around(text, part.clone());
    let inside = |b: &usize| start + *b > part.start && start + *b < part.end;
    let rel = |b: usize| start + b - part.start;
    (
        code_breaks(token)
            .into_iter()
            .filter(inside)
            .map(rel)
            .collect(),
        inside_operators(token)
            .into_iter()
            .filter(inside)
            .map(rel)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(token: &str) -> Vec<&str> {
        crate::typeset::urlbreak::split_at(token, code_breaks(token))
    }

    #[test]
    fn breaks_after_punctuation_never_inside_operators() {
        assert_eq!(
            split("if(a!=b&&c->d){"),
            ["if(", "a!=", "b&&", "c->", "d){"]
        );
        assert_eq!(
            split("self.items.push(x,y);"),
            ["self.", "items.", "push(", "x,", "y);"]
        );
        assert_eq!(
            split("std::mem::take(&mut"),
            ["std::", "mem::", "take(", "&mut"]
        );
        assert_eq!(split("0..=3.14"), ["0..=", "3.14"]);
        assert_eq!(split("a===b"), ["a===", "b"]);
        assert_eq!(split("x//comment"), ["x//", "comment"]);
    }

    #[test]
    fn operators_are_never_cut() {
        let inside = inside_operators("a!=b->c");
        assert_eq!(inside, [2, 5]);
        assert!(!is_code_break("x = a->b", 5), "not after the hyphen of ->");
        assert!(is_code_break("x = a->b", 7));
    }
}
