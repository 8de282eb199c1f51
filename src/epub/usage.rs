//! Which characters each face draws: read back from the finished XHTML with
//! the same element → (role, style) rules as the stylesheet, so that the font
//! subsets hold exactly what a reading system will ask for.

use std::collections::{BTreeMap, BTreeSet};

use crate::fonts::{Role, Style};

use super::dom::{self, Data, Dom};

/// Characters per (role, style) slot.
pub type Usage = BTreeMap<(Role, Style), BTreeSet<char>>;

/// Characters a reading system may draw without them being in the text:
/// hyphens (`hyphens: auto`), spaces, and typographic quotes and dashes.
const ALWAYS: &str = " \u{A0}-\u{2010}“”‘’–—…";

/// Vietnamese combining marks, for text a reading system decomposes.
const MARKS: &str = "\u{300}\u{301}\u{302}\u{303}\u{306}\u{309}\u{31B}\u{323}";

/// List numbers drawn by the reading system.
const NUMBERS: &str = "0123456789.";

/// Bullets of nested unordered lists, as `style.css` sets them.
const BULLETS: &str = "•–◆·\u{A0}";

/// Adds the characters of the XHTML document `xhtml` to `usage`.
pub fn scan(xhtml: &str, usage: &mut Usage) {
    let dom = dom::parse_doc(xhtml);
    let Some(body) = dom.body() else { return };
    let mut has_ol = false;
    let mut has_ul = false;
    let start = (Role::Body, Style::REGULAR);
    // Explicit stack: the tree can be deep.
    let mut stack: Vec<(usize, (Role, Style))> = vec![(body, start)];
    while let Some((id, slot)) = stack.pop() {
        let node = &dom.nodes[id];
        match &node.data {
            Data::Text(t) => {
                let set = usage.entry(slot).or_default();
                set.extend(t.chars().filter(|c| !c.is_control()));
            }
            Data::Element(_) => {
                let name = dom.local(id);
                has_ol |= name == "ol";
                has_ul |= name == "ul";
                let slot = child_slot(&dom, id, name, slot);
                for &c in node.children.iter().rev() {
                    stack.push((c, slot));
                }
            }
            _ => {}
        }
    }
    if has_ol {
        usage.entry(start).or_default().extend(NUMBERS.chars());
    }
    if has_ul {
        usage.entry(start).or_default().extend(BULLETS.chars());
    }
    for set in usage.values_mut() {
        set.extend(ALWAYS.chars().chain(MARKS.chars()));
    }
}

/// The slot of an element's content, given its parent's.
fn child_slot(
    dom: &Dom,
    id: usize,
    name: &str,
    (mut role, mut style): (Role, Style),
) -> (Role, Style) {
    let class = match &dom.nodes[id].data {
        Data::Element(attrs) => attrs
            .iter()
            .find(|a| &*a.name.local == "class")
            .map(|a| a.value.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let has = |c: &str| class.split_whitespace().any(|x| x == c);
    // Highlighted code: the weight and slant `highlight::css` gives a class.
    for class in crate::highlight::CLASSES {
        if crate::highlight::css_class(class).is_some_and(&has) {
            let ink = crate::highlight::palette(class);
            style.bold |= ink.bold;
            style.italic |= ink.italic;
        }
    }
    if has("code-lang") {
        role = Role::Code;
    }
    if has("titlepage") {
        role = Role::Heading;
        style = Style::REGULAR;
    }
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            role = Role::Heading;
            style.bold = true;
        }
        "th" | "strong" | "b" => style.bold = true,
        "em" | "i" | "cite" | "dfn" | "var" => style.italic = !style.italic,
        "figcaption" => style.italic = true,
        "code" | "kbd" | "samp" | "pre" | "tt" => role = Role::Code,
        _ => {}
    }
    (role, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_follow_the_elements() {
        let mut u = Usage::new();
        scan(
            "<html><body><h1>Ả</h1><p>a<em>b<em>c</em></em><strong>d<code>e</code></strong></p>\
             <figure><figcaption>f</figcaption></figure><ol><li>g</li></ol></body></html>",
            &mut u,
        );
        let bold = Style {
            bold: true,
            italic: false,
        };
        let italic = Style {
            bold: false,
            italic: true,
        };
        assert!(u[&(Role::Heading, bold)].contains(&'Ả'));
        assert!(u[&(Role::Body, Style::REGULAR)].contains(&'c'));
        assert!(u[&(Role::Body, Style::REGULAR)].contains(&'7'));
        assert!(u[&(Role::Body, italic)].contains(&'b'));
        assert!(u[&(Role::Body, italic)].contains(&'f'));
        assert!(u[&(Role::Code, bold)].contains(&'e'));
        assert!(!u[&(Role::Body, Style::REGULAR)].contains(&'e'));
    }
}
