//! A formula as text: Unicode math characters in reading order, in the
//! linear format of UnicodeMath (Unicode Technical Note 28, "UnicodeMath, a
//! nearly plain-text encoding of mathematics", v3.2): `x²+y²=1`,
//! `(−b±√(b²−4ac))/(2a)`, `∑_(i=1)^n i`, `■(1&2@3&4)`.
//!
//! It is what a reader gets back when copying a formula from the PDF
//! (`/ActualText`, ISO 32000-1 §14.9.4) and what the EPUB's `alttext` says.
//! Scripts made only of digits and signs use the Unicode superscript and
//! subscript characters (`x²`, `H₂O`), as UTN 28 §2.2 allows.

use super::tree::{Element, Tag};

/// The linear text of a `<math>` element.
pub fn text(root: &Element) -> String {
    let mut out = String::new();
    row(root, &mut out);
    let mut settled = String::with_capacity(out.len());
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == SCRIPT_END {
            if chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                settled.push(' ');
            }
        } else {
            settled.push(c);
        }
    }
    settled.trim().to_string()
}

/// Writes an element's children as a row.
fn row(e: &Element, out: &mut String) {
    for c in e.elements() {
        element(c, out);
    }
}

/// Writes one element.
fn element(e: &Element, out: &mut String) {
    let kids: Vec<&Element> = e.elements().collect();
    match &e.tag {
        Tag::Mi | Tag::Mn | Tag::Mo | Tag::Mtext | Tag::Ms => {
            let t = e.text();
            // Invisible function application, times and separator.
            let t: String = t
                .chars()
                .filter(|c| !matches!(c, '\u{2061}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}'))
                // `math-core` keeps the spaces of `\text{…}` as U+00A0.
                .map(|c| if c == '\u{A0}' { ' ' } else { c })
                .collect();
            if e.tag == Tag::Mo && t.chars().count() > 1 {
                // `sin`, `lim`: a function name, followed by a space.
                out.push_str(&t);
                out.push(' ');
            } else {
                out.push_str(&t);
            }
        }
        Tag::Mspace => {
            // A space a reader sees (`\,` and wider, `\pmod`'s 6 mu) is a
            // space in the text; a negative or zero one (`\!`) is not.
            let seen = e.attr("width").is_some_and(|w| {
                w.strip_suffix("em")
                    .and_then(|n| n.parse::<f32>().ok())
                    .map_or(!w.starts_with('0') && !w.starts_with('-'), |n| n >= 0.16)
            });
            if seen && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        Tag::Mfrac => {
            if let [num, den] = kids[..] {
                if e.attr("linethickness").is_some_and(|t| t.starts_with('0')) {
                    // A stack without a bar (`\binom`): UnicodeMath's `¦`,
                    // in the parentheses around it or its own.
                    let fenced = out.ends_with('(');
                    if !fenced {
                        out.push('(');
                    }
                    row_of(num, out);
                    out.push('¦');
                    row_of(den, out);
                    if !fenced {
                        out.push(')');
                    }
                } else {
                    operand(num, out);
                    out.push('/');
                    operand(den, out);
                }
            }
        }
        Tag::Msqrt => {
            out.push('√');
            let mut inner = String::new();
            row(e, &mut inner);
            wrap(&inner, out);
        }
        Tag::Mroot => {
            if let [base, index] = kids[..] {
                let mut idx = String::new();
                row_of(index, &mut idx);
                match idx.as_str() {
                    "3" => out.push('∛'),
                    "4" => out.push('∜'),
                    _ => {
                        out.push_str("√(");
                        out.push_str(&idx);
                        out.push('&');
                        row_of(base, out);
                        out.push(')');
                        return;
                    }
                }
                operand(base, out);
            }
        }
        Tag::Msub | Tag::Munder => scripts(e, &kids, Some(1), None, out),
        Tag::Msup | Tag::Mover => scripts(e, &kids, None, Some(1), out),
        Tag::Msubsup | Tag::Munderover => scripts(e, &kids, Some(1), Some(2), out),
        Tag::Mtable => {
            // A display's rows (`align`, `gathered`, numbered equations,
            // written by math-core as a table the width of the line) are an
            // equation array `█(…)` with `#(n)` numbers (UTN 28 §3.19,
            // §3.21); a matrix or `cases` is `■(…)`.
            let display = e.attr("style").is_some_and(|s| s.contains("width: 100%"))
                || e.attr("displaystyle") == Some("true");
            out.push_str(if display { "█(" } else { "■(" });
            for (r, tr) in kids.iter().enumerate() {
                if r > 0 {
                    out.push('@');
                }
                let label = super::tex::row_label(tr);
                let mut first = true;
                for td in tr.elements() {
                    let spacer = td
                        .attr("style")
                        .is_some_and(|s| s.starts_with("width: 50%"));
                    if spacer {
                        continue;
                    }
                    if !first {
                        out.push('&');
                    }
                    first = false;
                    let mut cell = String::new();
                    row(td, &mut cell);
                    out.push_str(cell.trim());
                }
                if let Some(n) = label {
                    out.push_str("#(");
                    out.push_str(&n);
                    out.push(')');
                }
            }
            out.push(')');
        }
        Tag::Semantics => {
            if let Some(first) = kids.first() {
                element(first, out);
            }
        }
        Tag::Annotation | Tag::Mphantom | Tag::Mprescripts => {}
        _ => row(e, out),
    }
}

/// Writes a base with its scripts: `x_i`, `x²`, `∑_(i=1)^n`. An accent
/// over its base (`\hat a`, `\vec v`) becomes the combining mark after it.
fn scripts(
    e: &Element,
    kids: &[&Element],
    sub: Option<usize>,
    sup: Option<usize>,
    out: &mut String,
) {
    let Some(base) = kids.first() else { return };
    let accent = e.attr("accent") == Some("true") || e.attr("accentunder") == Some("true");
    if accent && let Some(mark) = kids.get(1).and_then(|m| combining(&m.text())) {
        operand(base, out);
        out.push(mark);
        return;
    }
    element(base, out);
    // Limits under and over (`∑`, `lim`) are written `_(…)^(…)`, then a space.
    let limits = matches!(e.tag, Tag::Munder | Tag::Mover | Tag::Munderover);
    if let Some(s) = sub.and_then(|i| kids.get(i)) {
        script(s, '_', limits, out);
    }
    if let Some(s) = sup.and_then(|i| kids.get(i)) {
        script(s, '^', limits, out);
    }
    if limits && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// One script: Unicode super/subscript characters when every character has
/// one, else `^(…)` / `_(…)`.
fn script(s: &Element, mark: char, limits: bool, out: &mut String) {
    let mut t = String::new();
    row_of(s, &mut t);
    let t = t.trim();
    if out.ends_with(' ') {
        out.pop();
    }
    let mapped: Option<String> = t
        .chars()
        .map(|c| {
            if mark == '^' {
                superscript(c)
            } else {
                subscript(c)
            }
        })
        .collect();
    match mapped {
        Some(m) if !m.is_empty() && !limits => out.push_str(&m),
        _ => {
            out.push(mark);
            wrap(t, out);
            // UnicodeMath ends a script at a space: `C_n^k a`, not `C_n^ka`.
            out.push(SCRIPT_END);
        }
    }
}

/// Marks the end of a `^`/`_` script; a space if a letter or number
/// follows, else nothing ([`text`] settles it).
const SCRIPT_END: char = '\u{1}';

/// Writes `e` as a whole (itself if a row, else as one element).
fn row_of(e: &Element, out: &mut String) {
    element(e, out);
}

/// Writes an operand of `/`, `^`, `√`: in parentheses unless it is one token.
fn operand(e: &Element, out: &mut String) {
    let mut inner = String::new();
    element(e, &mut inner);
    wrap(inner.trim(), out);
}

/// `t` as is when it is a single number, letter or fenced group, else `(t)`.
fn wrap(t: &str, out: &mut String) {
    let simple = t.chars().count() == 1 || t.chars().all(|c| c.is_ascii_digit() || c == '.');
    if simple && !t.is_empty() {
        out.push_str(t);
    } else {
        out.push('(');
        out.push_str(t);
        out.push(')');
    }
}

/// The combining mark for an accent character `math-core` writes.
fn combining(accent: &str) -> Option<char> {
    let mut cs = accent.chars();
    let c = cs.next()?;
    if cs.next().is_some() {
        return None;
    }
    Some(match c {
        'ˆ' | '^' | '\u{302}' => '\u{302}',
        '¯' | '‾' | '\u{304}' | '\u{305}' | '\u{332}' => '\u{305}',
        '→' | '\u{20D7}' => '\u{20D7}',
        '˜' | '~' | '\u{303}' => '\u{303}',
        '˙' | '\u{307}' => '\u{307}',
        '¨' | '\u{308}' => '\u{308}',
        'ˇ' | '\u{30C}' => '\u{30C}',
        '˘' | '\u{306}' => '\u{306}',
        '´' | '\u{301}' => '\u{301}',
        '`' | '\u{300}' => '\u{300}',
        _ => return None,
    })
}

/// The superscript form of `c`, if Unicode has one.
fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        '+' => '⁺',
        '−' | '-' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        // `30^\circ`: the degree sign.
        '∘' => '°',
        ')' => '⁾',
        _ => return None,
    })
}

/// The subscript form of `c`, if Unicode has one.
fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '₀',
        '1' => '₁',
        '2' => '₂',
        '3' => '₃',
        '4' => '₄',
        '5' => '₅',
        '6' => '₆',
        '7' => '₇',
        '8' => '₈',
        '9' => '₉',
        '+' => '₊',
        '−' | '-' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::Display;
    use super::super::tex;

    fn lin(t: &str, d: Display) -> String {
        tex::Converter::new().convert(t, d).unwrap().text
    }

    #[test]
    fn formulas_read_as_unicode_math() {
        let i = Display::Inline;
        assert_eq!(lin("x^2 + y^2 = 1", i), "x²+y²=1");
        assert_eq!(
            lin(r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}", i),
            "x=(−b±√(b²−4ac))/(2a)"
        );
        assert_eq!(lin(r"\mathrm{H_2O}", i), "H₂O");
        assert_eq!(lin(r"C_n^k a^{n-k} + x_{1,2}", i), "C_n^k a^(n−k)+x_(1,2)");
        assert_eq!(lin(r"\binom{n}{k} = \sin 30^\circ", i), "(n¦k)=sin 30°");
        assert_eq!(lin(r"\sum_{i=1}^n i", Display::Block), "∑_(i=1)^n i");
        assert_eq!(lin(r"\sqrt[3]{x}", i), "∛x");
        assert_eq!(lin(r"\vec{v}", i), "v\u{20D7}");
        assert_eq!(
            lin(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", i),
            "(■(1&2@3&4))"
        );
        assert_eq!(lin(r"\text{với } x > 0", i), "với x>0");
        assert_eq!(
            lin(
                r"\begin{align} a &= b \\ c &= d \end{align}",
                Display::Block
            ),
            "█(a&=b#(1)@c&=d#(2))"
        );
    }
}
