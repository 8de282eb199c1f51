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
            Data::Element(attrs) => {
                let name = dom.local(id);
                // A formula's TeX source is not drawn.
                if name == "annotation" || name == "annotation-xml" {
                    continue;
                }
                let slot = cascade::slot(&dom, id, inherited);
                // A radical's sign is drawn by the reading system, not
                // written (MathML Core §3.3.3: U+221A, grown from `MATH`).
                if name == "msqrt" || name == "mroot" {
                    usage.entry(slot).or_default().insert('\u{221A}');
                }
                // A one-letter `<mi>` is drawn in its mathematical italic
                // form (MathML Core §3.2.2 `text-transform: math-auto`).
                if name == "mi" && !attrs.iter().any(|a| &*a.name.local == "mathvariant") {
                    let mut text = node
                        .children
                        .iter()
                        .filter_map(|&c| match &dom.nodes[c].data {
                            Data::Text(t) => Some(t.trim()),
                            _ => None,
                        });
                    let mut letters = text.next().unwrap_or("").chars();
                    if let (Some(c), None, None) = (letters.next(), letters.next(), text.next())
                        && let Some(italic) = math_italic(c)
                    {
                        usage.entry(slot).or_default().insert(italic);
                    }
                }
                // A list item's marker is drawn in the item's face.
                if name == "li" {
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

/// The mathematical italic form of `c` (Unicode's Mathematical
/// Alphanumeric Symbols, as MathML Core's `math-auto` transform maps it),
/// if it has one.
pub fn math_italic(c: char) -> Option<char> {
    let n = c as u32;
    let italic = match c {
        'h' => 0x210E,
        'A'..='Z' => 0x1D434 + n - 'A' as u32,
        'a'..='z' => 0x1D44E + n - 'a' as u32,
        '\u{131}' => 0x1D6A4,
        '\u{237}' => 0x1D6A5,
        '\u{391}'..='\u{3A9}' => 0x1D6E2 + n - 0x391,
        '\u{3F4}' => 0x1D6F3,
        '\u{2207}' => 0x1D6FB,
        '\u{3B1}'..='\u{3C9}' => 0x1D6FC + n - 0x3B1,
        '\u{2202}' => 0x1D715,
        '\u{3F5}' => 0x1D716,
        '\u{3D1}' => 0x1D717,
        '\u{3F0}' => 0x1D718,
        '\u{3D5}' => 0x1D719,
        '\u{3F1}' => 0x1D71A,
        '\u{3D6}' => 0x1D71B,
        _ => return None,
    };
    char::from_u32(italic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_draws_its_letters_in_math_italic_and_not_its_tex() {
        let mut u = Usage::new();
        scan(
            "<html><body><p><math><semantics><mrow><mi>x</mi><mi>h</mi><mi>α</mi>\
             <mi mathvariant=\"normal\">Δ</mi><msqrt><mi>sin</mi></msqrt><mtext>nghiệm</mtext></mrow>\
             <annotation encoding=\"application/x-tex\">\\frac</annotation></semantics></math></p></body></html>",
            &mut u,
        );
        let math = &u[&(Role::Math, Style::REGULAR)];
        for c in ['x', '𝑥', 'h', 'ℎ', 'α', '𝛼', 'Δ', 's', '√'] {
            assert!(math.contains(&c), "{c}: {math:?}");
        }
        assert!(!math.contains(&'𝛥') && !math.contains(&'𝑠'), "{math:?}");
        assert!(!math.contains(&'\\') && !math.contains(&'f'), "{math:?}");
        assert!(u[&(Role::Body, Style::REGULAR)].contains(&'ệ'));
        assert!(!math.contains(&'ệ'));
        assert_eq!(math_italic('Ω'), Some('𝛺'));
        assert_eq!(math_italic('ω'), Some('𝜔'));
        assert_eq!(math_italic('Z'), Some('𝑍'));
        assert_eq!(math_italic('1'), None);
    }

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
