//! Where `math-core` 0.7's MathML reads a command differently from LaTeX's
//! amsmath, the tree is mended once here, after [`super::tex`] has read it
//! and before either writer sees it, so the PDF, the MathML and the SVG
//! agree. Each rule names the amsmath definition it follows
//! (`amsmath.sty` 2.17, `amsopn.sty`):
//!
//! - **`\dots`, `\ldots`** come out of `math-core` as three `<mo>.</mo>`
//!   (each its own punctuation atom, so a `+` beside them loses its space,
//!   and a screen reader says "dot dot dot"). They become one `<mo>`: `⋯`
//!   (`\cdots`) for a `\dots` followed by a binary operator or a relation
//!   (amsmath's `\dotsb`, as in `1 + 1 + \dots + 1`), `…` otherwise
//!   (`\dotsc`/`\dotso`, and every `\ldots`).
//! - **`\pmod{m}`** is preceded by a 1 em space in both styles; amsmath
//!   puts 18 mu (1 em) in display style and 8 mu (0.444 em) in text style.
//! - **`\xrightarrow{…}` and the other extensible arrows** carry an
//!   invisible 3.5 em minimum width under the label, which makes the
//!   arrow about twice as long as LaTeX's; amsmath's `\ext@arrow` makes it
//!   the label's width plus its padding (which `math-core` writes as well),
//!   and never shorter than the arrow itself. The arrow also gets
//!   `lspace`/`rspace` 0, as `math-core` writes the relation's thick spaces
//!   around it as `<mspace>`s (else they count twice).

use super::layout::spacing::{Class, class_of};
use super::{Display, Element, Node, Tag};

/// Mends `root`, read from `tex` (to tell `\dots` from `\ldots`).
pub fn apply(root: &mut Element, tex: &str, display: Display) {
    let mut dots = dots_commands(tex).into_iter();
    walk(root, display, &mut dots);
}

/// The dots commands of the TeX in order: `true` for `\dots`, `false` for
/// `\ldots`.
fn dots_commands(tex: &str) -> Vec<bool> {
    let bytes = tex.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = tex[i..].find('\\') {
        let start = i + at + 1;
        let end = start
            + tex[start..]
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(tex.len() - start);
        match &tex[start..end] {
            "dots" => out.push(true),
            "ldots" => out.push(false),
            _ => {}
        }
        // `\\` is one command: skip its second backslash.
        i = if end == start && bytes.get(start) == Some(&b'\\') {
            start + 1
        } else {
            end.max(start)
        };
    }
    out
}

fn walk(e: &mut Element, display: Display, dots: &mut impl Iterator<Item = bool>) {
    mend_row(e, display, dots);
    for child in &mut e.children {
        if let Node::Element(c) = child {
            walk(c, display, dots);
        }
    }
    mend_arrow(e);
}

fn is_mo(n: &Node, text: &str) -> bool {
    matches!(n, Node::Element(e) if e.tag == Tag::Mo && e.text() == text)
}

/// The class of a child as a neighbour of dots: an operator's class, or
/// Ord for anything else.
fn neighbour_class(n: Option<&Node>) -> Class {
    match n {
        Some(Node::Element(e)) if e.tag == Tag::Mo => class_of(&e.text()),
        _ => Class::Ord,
    }
}

/// Dots and `\pmod` among the children of one element.
fn mend_row(e: &mut Element, display: Display, dots: &mut impl Iterator<Item = bool>) {
    let mut i = 0;
    while i < e.children.len() {
        let triple = i + 2 < e.children.len()
            && (0..3).all(|k| is_mo(&e.children[i + k], "."))
            && matches!(&e.children[i + 1], Node::Element(s)
                if s.attr("lspace") == Some("0") && s.attr("rspace") == Some("0.1667em"));
        if triple {
            let plain_dots = dots.next().unwrap_or(true);
            let next = neighbour_class(e.children.get(i + 3));
            let centred = plain_dots && matches!(next, Class::Bin | Class::Rel);
            let text = if centred { "\u{22ef}" } else { "\u{2026}" };
            let mo = Element::new(Tag::Mo, vec![Node::Text(text.to_string())]);
            e.children.splice(i..i + 3, [Node::Element(mo)]);
        }
        if display == Display::Inline
            && is_pmod(&e.children[i..])
            && let Node::Element(space) = &mut e.children[i]
        {
            for (name, value) in &mut space.attrs {
                if name == "width" {
                    // 8 mu.
                    *value = "0.4444em".to_string();
                }
            }
        }
        i += 1;
    }
}

/// `<mspace width="1em"/><mo>(</mo><mrow><mspace/><mi>mod</mi></mrow>`:
/// how `math-core` writes the start of `\pmod`.
fn is_pmod(row: &[Node]) -> bool {
    let [Node::Element(space), open, Node::Element(name), ..] = row else {
        return false;
    };
    space.tag == Tag::Mspace
        && space.attr("width") == Some("1em")
        && is_mo(open, "(")
        && name.tag == Tag::Mrow
        && name
            .elements()
            .any(|k| k.tag == Tag::Mi && k.text() == "mod")
}

/// An extensible arrow's label, `<mover>LABEL<mspace width="3.5em"/></mover>`
/// (or `<munder>`), becomes LABEL.
fn mend_arrow(e: &mut Element) {
    if !matches!(e.tag, Tag::Mover | Tag::Munder | Tag::Munderover) {
        return;
    }
    let stretchy_base = matches!(e.children.first(), Some(Node::Element(b)) if b.tag == Tag::Mo);
    if !stretchy_base {
        return;
    }
    let mut mended = false;
    for child in e.children.iter_mut().skip(1) {
        let Node::Element(script) = child else {
            continue;
        };
        let padded = matches!(script.tag, Tag::Mover | Tag::Munder)
            && script.children.len() == 2
            && matches!(&script.children[1], Node::Element(s)
                if s.tag == Tag::Mspace && s.attr("width") == Some("3.5em"));
        if padded {
            let label = script.children.swap_remove(0);
            *child = label;
            mended = true;
        }
    }
    // `math-core` puts the relation's thick spaces around the arrow as
    // `<mspace>`s already: the arrow itself adds none.
    if mended && let Some(Node::Element(arrow)) = e.children.first_mut() {
        arrow.attrs.retain(|(n, _)| n != "lspace" && n != "rspace");
        arrow.attrs.push(("lspace".to_string(), "0".to_string()));
        arrow.attrs.push(("rspace".to_string(), "0".to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::tex::Converter;

    fn mathml(tex: &str, display: Display) -> String {
        let f = Converter::new().convert(tex, display).unwrap();
        let mut out = String::new();
        f.root.write_xml(&mut out, &[]);
        out
    }

    #[test]
    fn dots_are_centred_between_binary_operators_and_low_elsewhere() {
        let m = mathml(r"1 + 1 + \dots + 1", Display::Block);
        assert!(m.contains("<mo>⋯</mo><mo>+</mo>"), "{m}");
        assert!(!m.contains("<mo lspace=\"0\">.</mo>"), "{m}");
        let m = mathml(r"a_1, a_2, \dots, a_n", Display::Block);
        assert!(m.contains("<mo>…</mo><mo>,</mo>"), "{m}");
        // `\ldots` stays low even before `+`; `\dots` before `=` is centred.
        let m = mathml(r"1 + \ldots + 1 = x_1 \dots = 0", Display::Block);
        assert!(m.contains("<mo>…</mo><mo>+</mo>"), "{m}");
        assert!(m.contains("<mo>⋯</mo><mo>=</mo>"), "{m}");
        // Nested, and after `\\` (which is not a command to count).
        let m = mathml(
            r"\begin{aligned} a &= 1 \\ b &= \frac{1 + \dots + n}{n} \end{aligned}",
            Display::Block,
        );
        assert!(m.contains("<mo>⋯</mo><mo>+</mo>"), "{m}");
        let f = Converter::new()
            .convert(r"1 + 1 + \dots + 1", Display::Block)
            .unwrap();
        assert_eq!(f.text, "1+1+⋯+1");
    }

    #[test]
    fn pmod_has_amsmath_space_in_each_style() {
        let inline = mathml(r"a \equiv b \pmod{m}", Display::Inline);
        assert!(inline.contains("<mspace width=\"0.4444em\"/>"), "{inline}");
        let block = mathml(r"a \equiv b \pmod{m}", Display::Block);
        assert!(block.contains("<mspace width=\"1em\"/>"), "{block}");
        // A \quad before a parenthesis is not \pmod.
        let quad = mathml(r"a \quad (b)", Display::Inline);
        assert!(quad.contains("width=\"1em\""), "{quad}");
    }

    #[test]
    fn extensible_arrows_are_as_long_as_their_label() {
        for tex in [
            r"A \xrightarrow{t^\circ} B",
            r"A \xleftarrow{abc} B",
            r"A \xrightarrow[x]{y} B",
        ] {
            let m = mathml(tex, Display::Block);
            assert!(!m.contains("3.5em"), "{tex}: {m}");
            assert!(m.contains("0.4286em"), "the label's padding stays: {m}");
        }
        let f = Converter::new()
            .convert(r"\mathrm{A \xrightarrow{t^\circ} B}", Display::Inline)
            .unwrap();
        assert_eq!(f.text, "A →^(t°) B");
    }
}
