//! Which characters each face draws: read back from the finished XHTML, each
//! element's face found by the stylesheet's own font rules ([`cascade`]), so
//! that the font subsets hold exactly what a reading system will ask for.

use std::collections::{BTreeMap, BTreeSet};

use crate::fonts::{Role, Style};

use super::cascade;
use crate::markdown::dom::{self, Data};

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

/// Characters below this code point are remembered in a bit set per slot
/// while a document is scanned (Latin, Vietnamese, general punctuation), so
/// the book's hundreds of thousands of characters cost a bit test each and
/// only a slot's first sight of a character reaches its `BTreeSet`.
const FAST: usize = 0x2100;

/// The characters of one slot seen in this document, below [`FAST`].
struct Seen {
    slot: (Role, Style),
    bits: Vec<u64>,
}

/// Adds the characters of `text` that are not controls to `slot`'s set.
fn add_text(text: &str, slot: (Role, Style), seen: &mut Vec<Seen>, usage: &mut Usage) {
    let i = match seen.iter().position(|s| s.slot == slot) {
        Some(i) => i,
        None => {
            seen.push(Seen {
                slot,
                bits: vec![0; FAST / 64],
            });
            seen.len() - 1
        }
    };
    let bits = &mut seen[i].bits;
    let set = usage.entry(slot).or_default();
    for c in text.chars().filter(|c| !c.is_control()) {
        let n = c as usize;
        if n < FAST {
            let (word, bit) = (n / 64, 1u64 << (n % 64));
            if bits[word] & bit != 0 {
                continue;
            }
            bits[word] |= bit;
        }
        set.insert(c);
    }
}

/// Adds the characters of the XHTML document `xhtml` to `usage`.
pub fn scan(xhtml: &str, usage: &mut Usage) {
    let dom = dom::parse_doc(xhtml);
    let Some(body) = dom.body() else { return };
    let mut seen: Vec<Seen> = Vec::new();
    // The face of the root's text before any rule: the body role, upright.
    let start = (Role::Body, Style::REGULAR);
    // Explicit stack: the tree can be deep.
    let mut stack: Vec<(usize, (Role, Style))> = vec![(body, start)];
    while let Some((id, inherited)) = stack.pop() {
        let node = &dom.nodes[id];
        match &node.data {
            Data::Text(t) => add_text(t, inherited, &mut seen, usage),
            Data::Element(_) => {
                let slot = cascade::slot(&dom, id, inherited);
                // A list item's marker is drawn in the item's face.
                if dom.local(id) == "li" {
                    let parent = node.parent.map(|p| dom.local(p)).unwrap_or("");
                    let markers = match parent {
                        "ol" => NUMBERS,
                        "ul" => BULLETS,
                        _ => "",
                    };
                    usage.entry(slot).or_default().extend(markers.chars());
                }
                for &c in node.children.iter().rev() {
                    stack.push((c, slot));
                }
            }
            _ => {}
        }
    }
    for set in usage.values_mut() {
        set.extend(ALWAYS.chars().chain(MARKS.chars()));
    }
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

    #[test]
    fn classes_of_the_contents_page_and_table_headers_are_bold() {
        let mut u = Usage::new();
        scan(
            "<html><body><ol class=\"contents\"><li class=\"level-0\"><a href=\"#a\">Ước</a></li>\
             <li class=\"level-1\"><a href=\"#b\">Ở</a></li></ol>\
             <table><tr><th>Ẩ</th><td>Ỹ</td></tr></table></body></html>",
            &mut u,
        );
        let bold = &u[&(
            Role::Body,
            Style {
                bold: true,
                italic: false,
            },
        )];
        let regular = &u[&(Role::Body, Style::REGULAR)];
        assert!(bold.contains(&'Ư') && bold.contains(&'Ẩ'), "{bold:?}");
        assert!(!bold.contains(&'Ở') && !bold.contains(&'Ỹ'));
        assert!(regular.contains(&'Ở') && regular.contains(&'Ỹ'));
        // The first level's numbers are drawn bold.
        assert!(bold.contains(&'1'));
    }
}
