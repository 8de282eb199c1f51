//! Formulas in the EPUB: MathML Core (`<math>`, EPUB 3.3 §6.1.4.2.2), with
//! the formula as Unicode math text in `alttext` and the author's TeX as an
//! `application/x-tex` annotation (MathML Core §3.1.2, `<semantics>`), so
//! that a reading system without MathML, a screen reader and a reader who
//! copies the formula all get it back. The tree is the one the PDF's
//! layout reads ([`crate::math::Formula::root`]).

use crate::math::{Element, Formula, Node, Tag};

/// The MathML namespace, required on `<math>` in XHTML.
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";

/// Writes `f` as an inline `<svg>` drawn by trang's own math layout (as in
/// the PDF), `role="math"` with its Unicode math text as `aria-label`
/// (WAI-ARIA 1.2), sized in em so that it follows the reader's text size;
/// a displayed formula is set in display style at its own width.
/// `n` numbers the formula in its document, for unique ids.
pub fn svg(f: &Formula, ctx: &crate::math::layout::Context, n: usize, out: &mut String) {
    let b = crate::math::layout::layout(f, ctx);
    out.push_str(&crate::math::svg::svg_in(
        &b,
        ctx,
        &f.text,
        &format!("m{n}-"),
    ));
}

/// Writes `f` as a `<math>` element.
pub fn mathml(f: &Formula, out: &mut String) {
    let children = f.root.children.iter().map(mathml3).collect();
    let mut row = Element::new(Tag::Mrow, children);
    // A single child needs no row of its own.
    if let [Node::Element(only)] = &row.children[..] {
        row = only.clone();
    }
    let annotation = Element {
        tag: Tag::Annotation,
        attrs: vec![("encoding".into(), "application/x-tex".into())],
        children: vec![Node::Text(f.tex.clone())],
    };
    let semantics = Element::new(
        Tag::Semantics,
        vec![Node::Element(row), Node::Element(annotation)],
    );
    let mut math = Element::new(Tag::Math, vec![Node::Element(semantics)]);
    math.attrs = f
        .root
        .attrs
        .iter()
        .filter(|(n, _)| n != "xmlns" && n != "alttext")
        .cloned()
        .collect();
    math.write_xml(out, &[("xmlns", MATHML_NS), ("alttext", &f.text)]);
}

/// A node with MathML Core's global style attributes moved where MathML 3
/// (the schema EPUBCheck validates, EPUB 3.3 §6.1.4.2.2) allows them:
/// `displaystyle` and `scriptlevel` on an element other than `<mstyle>`
/// (and `displaystyle` on `<mtable>`) become an `<mstyle>` around it, which
/// sets the same style in both (MathML Core §3.1.3.1, MathML 3 §3.3.4).
fn mathml3(node: &Node) -> Node {
    let Node::Element(e) = node else {
        return node.clone();
    };
    let mut inner = Element {
        tag: e.tag.clone(),
        attrs: Vec::new(),
        children: e.children.iter().map(mathml3).collect(),
    };
    let mut style = Vec::new();
    for (name, value) in &e.attrs {
        let core_only = match name.as_str() {
            "scriptlevel" => e.tag != Tag::Mstyle,
            "displaystyle" => !matches!(e.tag, Tag::Mstyle | Tag::Mtable),
            _ => false,
        };
        if core_only {
            style.push((name.clone(), value.clone()));
        } else {
            inner.attrs.push((name.clone(), value.clone()));
        }
    }
    if style.is_empty() {
        return Node::Element(inner);
    }
    Node::Element(Element {
        tag: Tag::Mstyle,
        attrs: style,
        children: vec![Node::Element(inner)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::{Display, tex::Converter};

    #[test]
    fn a_formula_is_mathml_with_its_text_and_tex() {
        let f = Converter::new().convert("x^2 < 1", Display::Block).unwrap();
        let mut out = String::new();
        mathml(&f, &mut out);
        assert_eq!(
            out,
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" alttext=\"x²&lt;1\" \
             display=\"block\"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup>\
             <mo>&lt;</mo><mn>1</mn></mrow><annotation encoding=\"application/x-tex\">\
             x^2 &lt; 1</annotation></semantics></math>"
        );
    }
}
