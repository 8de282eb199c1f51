//! Atom classes and the space between atoms: the TeXbook's Appendix G,
//! rules 5, 6 (Bin becomes Ord where it cannot be binary) and 20 (the
//! inter-atom table), with each operator's class from its character
//! (Unicode's math classes, UTR #25: relation, binary, large operator,
//! opening, closing, punctuation).

/// A TeX atom class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Class {
    /// Ordinary.
    #[default]
    Ord,
    /// Large operator (∑, `\lim`, `\sin`).
    Op,
    /// Binary operator.
    Bin,
    /// Relation.
    Rel,
    /// Opening fence.
    Open,
    /// Closing fence.
    Close,
    /// Punctuation.
    Punct,
    /// A delimited subformula (`\left…\right`).
    Inner,
}

/// Relations (UTR #25 class R; TeX's `\mathrel`).
const RELATIONS: &str = "=<>≤≥≦≧≠≈≡≢≃≅∼≍≐≪≫≺≻⪯⪰∈∉∋∌⊂⊃⊆⊇⊄⊅⊊⊋⊏⊐⊑⊒∝⊥∣∤∥∦⊢⊣⊨⊩:→←↔⇒⇐⇔↦⟶⟵⟷⟹⟸⟺⟼↑↓↕⇑⇓↗↘↙↖⇀↽⇌≔≕≜≝≟∽≲≳≶≷⋈⊲⊳⊴⊵≼≽≺≻∷";
/// Binary operators (class B; TeX's `\mathbin`).
const BINARIES: &str = "+−-±∓×÷·⋅∗∘∙∩∪∧∨⊕⊖⊗⊘⊙⊎⊓⊔∖⋆⋄△▽◁▷†‡≀⨿⊛⊚⊝⊞⊟⊠⊡⋉⋊⋋⋌⋎⋏⋒⋓∔*/";
/// Large operators (class L).
const LARGE: &str = "∑∏∐∫∬∭∮∯∰∱∲∳⨌⋀⋁⋂⋃⨀⨁⨂⨄⨆⨉";
/// Large operators whose limits go above and below in display style
/// (`movablelimits` in MathML's operator dictionary): not the integrals.
const LIMITS: &str = "∑∏∐⋀⋁⋂⋃⨀⨁⨂⨄⨆⨉";
/// Opening fences.
const OPENS: &str = "([{⟨⌈⌊⟦⟪⦃⦅〈";
/// Closing fences.
const CLOSES: &str = ")]}⟩⌉⌋⟧⟫⦄⦆〉!?";
/// Symmetric fences (`|`, `‖`): opening at the start of a row, closing at its end.
const BARS: &str = "|‖∣∥";
/// Punctuation.
const PUNCTS: &str = ",;";
/// Ellipses: TeX's `\ldots` and `\cdots` are `\mathinner` (thin space
/// beside punctuation, medium beside a binary operator).
const INNERS: &str = "…⋯⋮⋱";

/// The class of an operator's text (before rules 5 and 6).
pub fn class_of(text: &str) -> Class {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        // Multi-letter operators (`sin`, `lim`, `max`) are Op; empty is Ord.
        return if text.chars().count() > 1 {
            Class::Op
        } else {
            Class::Ord
        };
    };
    if RELATIONS.contains(c) {
        Class::Rel
    } else if BINARIES.contains(c) {
        Class::Bin
    } else if LARGE.contains(c) {
        Class::Op
    } else if OPENS.contains(c) {
        Class::Open
    } else if CLOSES.contains(c) {
        Class::Close
    } else if PUNCTS.contains(c) {
        Class::Punct
    } else if INNERS.contains(c) {
        Class::Inner
    } else {
        // Any other character: its class in Unicode's MathClass.txt (UTR
        // #25), e.g. U+27C2 ⟂, which math-core writes for `\perp`.
        use unicode_math_class::MathClass as U;
        match unicode_math_class::class(c) {
            Some(U::Relation) => Class::Rel,
            Some(U::Binary) => Class::Bin,
            Some(U::Large) => Class::Op,
            Some(U::Opening) => Class::Open,
            Some(U::Closing) => Class::Close,
            Some(U::Punctuation) => Class::Punct,
            _ => Class::Ord,
        }
    }
}

/// Whether `text` is a large operator (grown in display style).
pub fn is_large(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if LARGE.contains(c))
}

/// Whether `text` takes its limits above and below in display style only.
pub fn movable_limits(text: &str) -> bool {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => LIMITS.contains(c),
        _ => false,
    }
}

/// Whether `text` is a fence that stretches by default (MathML's operator
/// dictionary: `stretchy` fences and bars).
pub fn is_fence(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()),
        (Some(c), None) if OPENS.contains(c) && c != '!' || CLOSES.contains(c) && c != '!' && c != '?' || BARS.contains(c))
}

/// Whether `text` is a bar (`|`, `‖`), whose class depends on its place.
pub fn is_bar(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if BARS.contains(c))
}

/// Rules 5 and 6: a Bin with nothing binary on its left (start of the list,
/// or after Bin, Op, Rel, Open, Punct) or followed by Rel, Close, Punct (or
/// the end) becomes Ord.
pub fn resolve_bins(classes: &mut [Class]) {
    for i in 0..classes.len() {
        if classes[i] != Class::Bin {
            continue;
        }
        let prev = if i == 0 { None } else { Some(classes[i - 1]) };
        if matches!(
            prev,
            None | Some(Class::Bin | Class::Op | Class::Rel | Class::Open | Class::Punct)
        ) {
            classes[i] = Class::Ord;
        }
    }
    for i in 0..classes.len() {
        if classes[i] != Class::Bin {
            continue;
        }
        let next = classes.get(i + 1).copied();
        if matches!(next, None | Some(Class::Rel | Class::Close | Class::Punct)) {
            classes[i] = Class::Ord;
        }
    }
}

/// Rule 20's table: the space between atoms of classes `left` and `right`
/// in mu (thin 3, medium 4, thick 5), or 0; `script` is true in script and
/// script-script styles, where the parenthesized entries (medium and thick
/// spaces) are left out.
pub fn space_mu(left: Class, right: Class, script: bool) -> f32 {
    // Rows: left atom; columns: right atom, both in the order Ord, Op, Bin,
    // Rel, Open, Close, Punct, Inner. 1 thin; T thin (not in scripts);
    // M medium (not in scripts); K thick (not in scripts); 0 none (the
    // table's `*` cases cannot occur after rules 5 and 6).
    const TABLE: [&[u8; 8]; 8] = [
        b"01MK000T", // Ord
        b"110K000T", // Op
        b"MM00M00M", // Bin
        b"KK00K00K", // Rel
        b"00000000", // Open
        b"01MK000T", // Close
        b"TT0TTTTT", // Punct
        b"T1MKT0TT", // Inner
    ];
    let index = |c: Class| match c {
        Class::Ord => 0,
        Class::Op => 1,
        Class::Bin => 2,
        Class::Rel => 3,
        Class::Open => 4,
        Class::Close => 5,
        Class::Punct => 6,
        Class::Inner => 7,
    };
    match (TABLE[index(left)][index(right)], script) {
        (b'1', _) => 3.0,
        (b'T', false) => 3.0,
        (b'M', false) => 4.0,
        (b'K', false) => 5.0,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_20_table() {
        use Class::*;
        assert_eq!(space_mu(Ord, Rel, false), 5.0);
        assert_eq!(space_mu(Ord, Rel, true), 0.0);
        assert_eq!(space_mu(Ord, Bin, false), 4.0);
        assert_eq!(space_mu(Bin, Ord, false), 4.0);
        assert_eq!(space_mu(Op, Ord, true), 3.0);
        assert_eq!(space_mu(Ord, Ord, false), 0.0);
        assert_eq!(space_mu(Punct, Ord, false), 3.0);
        assert_eq!(space_mu(Punct, Ord, true), 0.0);
        assert_eq!(space_mu(Open, Ord, false), 0.0);
        assert_eq!(space_mu(Ord, Close, false), 0.0);
        assert_eq!(space_mu(Rel, Rel, false), 0.0);
    }

    #[test]
    fn unary_minus_is_ord() {
        let mut c = [Class::Bin, Class::Ord, Class::Rel, Class::Bin, Class::Ord];
        resolve_bins(&mut c);
        assert_eq!(c[0], Class::Ord);
        assert_eq!(c[3], Class::Ord);
        let mut c = [Class::Ord, Class::Bin, Class::Ord];
        resolve_bins(&mut c);
        assert_eq!(c[1], Class::Bin);
    }
}
