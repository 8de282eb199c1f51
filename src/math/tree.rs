//! MathML Core as an owned tree: what `math-core` wrote, read with
//! `roxmltree`, and written back for the EPUB.
//!
//! Only the elements of MathML Core (W3C Recommendation 2023, §3) and the
//! two of `<semantics>` are known by [`Tag`]; any other name is kept as
//! [`Tag::Other`] so that nothing the converter writes is lost, and the
//! layout draws its children as a row.

use std::fmt::Write as _;

/// A MathML element name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `<math>`, the root.
    Math,
    /// `<mrow>`: a horizontal row.
    Mrow,
    /// `<mi>`: an identifier.
    Mi,
    /// `<mn>`: a number.
    Mn,
    /// `<mo>`: an operator, fence or separator.
    Mo,
    /// `<mtext>`: text, set in the body face.
    Mtext,
    /// `<ms>`: a string literal.
    Ms,
    /// `<mspace>`: blank space.
    Mspace,
    /// `<mfrac>`: numerator over denominator.
    Mfrac,
    /// `<msqrt>`: square root of its row.
    Msqrt,
    /// `<mroot>`: root with an index.
    Mroot,
    /// `<mstyle>`: style change for its row.
    Mstyle,
    /// `<merror>`: an error message.
    Merror,
    /// `<mpadded>`: its row with changed metrics.
    Mpadded,
    /// `<mphantom>`: its row's space, not drawn.
    Mphantom,
    /// `<msub>`.
    Msub,
    /// `<msup>`.
    Msup,
    /// `<msubsup>`.
    Msubsup,
    /// `<munder>`.
    Munder,
    /// `<mover>`.
    Mover,
    /// `<munderover>`.
    Munderover,
    /// `<mmultiscripts>`.
    Mmultiscripts,
    /// `<mprescripts>` (inside `<mmultiscripts>`).
    Mprescripts,
    /// `<mtable>`.
    Mtable,
    /// `<mtr>`.
    Mtr,
    /// `<mtd>`.
    Mtd,
    /// `<semantics>`.
    Semantics,
    /// `<annotation>`.
    Annotation,
    /// Any other element name, kept as written.
    Other(String),
}

impl Tag {
    /// The tag for an element name.
    pub fn from_name(name: &str) -> Tag {
        match name {
            "math" => Tag::Math,
            "mrow" => Tag::Mrow,
            "mi" => Tag::Mi,
            "mn" => Tag::Mn,
            "mo" => Tag::Mo,
            "mtext" => Tag::Mtext,
            "ms" => Tag::Ms,
            "mspace" => Tag::Mspace,
            "mfrac" => Tag::Mfrac,
            "msqrt" => Tag::Msqrt,
            "mroot" => Tag::Mroot,
            "mstyle" => Tag::Mstyle,
            "merror" => Tag::Merror,
            "mpadded" => Tag::Mpadded,
            "mphantom" => Tag::Mphantom,
            "msub" => Tag::Msub,
            "msup" => Tag::Msup,
            "msubsup" => Tag::Msubsup,
            "munder" => Tag::Munder,
            "mover" => Tag::Mover,
            "munderover" => Tag::Munderover,
            "mmultiscripts" => Tag::Mmultiscripts,
            "mprescripts" => Tag::Mprescripts,
            "mtable" => Tag::Mtable,
            "mtr" => Tag::Mtr,
            "mtd" => Tag::Mtd,
            "semantics" => Tag::Semantics,
            "annotation" => Tag::Annotation,
            other => Tag::Other(other.to_string()),
        }
    }

    /// The element name.
    pub fn name(&self) -> &str {
        match self {
            Tag::Math => "math",
            Tag::Mrow => "mrow",
            Tag::Mi => "mi",
            Tag::Mn => "mn",
            Tag::Mo => "mo",
            Tag::Mtext => "mtext",
            Tag::Ms => "ms",
            Tag::Mspace => "mspace",
            Tag::Mfrac => "mfrac",
            Tag::Msqrt => "msqrt",
            Tag::Mroot => "mroot",
            Tag::Mstyle => "mstyle",
            Tag::Merror => "merror",
            Tag::Mpadded => "mpadded",
            Tag::Mphantom => "mphantom",
            Tag::Msub => "msub",
            Tag::Msup => "msup",
            Tag::Msubsup => "msubsup",
            Tag::Munder => "munder",
            Tag::Mover => "mover",
            Tag::Munderover => "munderover",
            Tag::Mmultiscripts => "mmultiscripts",
            Tag::Mprescripts => "mprescripts",
            Tag::Mtable => "mtable",
            Tag::Mtr => "mtr",
            Tag::Mtd => "mtd",
            Tag::Semantics => "semantics",
            Tag::Annotation => "annotation",
            Tag::Other(name) => name,
        }
    }

    /// Token elements, whose content is text (MathML Core §3.2).
    pub fn is_token(&self) -> bool {
        matches!(
            self,
            Tag::Mi | Tag::Mn | Tag::Mo | Tag::Mtext | Tag::Ms | Tag::Annotation
        )
    }
}

/// A MathML element: its name, attributes in the order written, children.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// The element name.
    pub tag: Tag,
    /// Attributes (name, value), in the order written.
    pub attrs: Vec<(String, String)>,
    /// Child elements and text.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text (only inside token elements).
    Text(String),
}

impl Element {
    /// An element without attributes.
    pub fn new(tag: Tag, children: Vec<Node>) -> Element {
        Element {
            tag,
            attrs: Vec::new(),
            children,
        }
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements, in order (text between them skipped).
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The text of a token element (its text children joined).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => out.push_str(&e.text()),
            }
        }
        out
    }

    /// Reads MathML (one root element) written by `math-core`.
    pub fn parse(mathml: &str) -> Result<Element, String> {
        let doc = roxmltree::Document::parse(mathml).map_err(|e| e.to_string())?;
        Ok(from_xml(doc.root_element()))
    }

    /// Writes the element as XML (well-formed XHTML content: `<`, `&` and
    /// `"` escaped), with the extra root attributes `extra` on it.
    pub fn write_xml(&self, out: &mut String, extra: &[(&str, &str)]) {
        out.push('<');
        out.push_str(self.tag.name());
        for (name, value) in extra
            .iter()
            .copied()
            .chain(self.attrs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        {
            let _ = write!(out, " {name}=\"");
            escape(out, value, true);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(e) => e.write_xml(out, &[]),
                Node::Text(t) => escape(out, t, false),
            }
        }
        out.push_str("</");
        out.push_str(self.tag.name());
        out.push('>');
    }
}

/// The owned element for a parsed XML node.
fn from_xml(node: roxmltree::Node) -> Element {
    let attrs = node
        .attributes()
        .filter(|a| a.namespace().is_none())
        .map(|a| (a.name().to_string(), a.value().to_string()))
        .collect();
    let children = node
        .children()
        .filter_map(|c| {
            if c.is_element() {
                Some(Node::Element(from_xml(c)))
            } else if c.is_text() {
                c.text().map(|t| Node::Text(t.to_string()))
            } else {
                None
            }
        })
        .collect();
    Element {
        tag: Tag::from_name(node.tag_name().name()),
        attrs,
        children,
    }
}

/// Escapes XML text (and `"` in attribute values).
fn escape(out: &mut String, text: &str, attr: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_back_what_math_core_wrote() {
        let xml = "<math display=\"block\"><msup><mi>x</mi><mn>2</mn></msup>\
                   <mo lspace=\"0\">&gt;</mo><mtext>a &amp; b</mtext></math>";
        let e = Element::parse(xml).unwrap();
        assert_eq!(e.tag, Tag::Math);
        assert_eq!(e.attr("display"), Some("block"));
        assert_eq!(e.elements().count(), 3);
        let mut out = String::new();
        e.write_xml(&mut out, &[("alttext", "x² > \"a\"")]);
        assert_eq!(
            out,
            "<math alttext=\"x² &gt; &quot;a&quot;\" display=\"block\"><msup><mi>x</mi>\
             <mn>2</mn></msup><mo lspace=\"0\">&gt;</mo><mtext>a &amp; b</mtext></math>"
        );
    }
}
