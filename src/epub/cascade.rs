//! The font rules of the stylesheet, as one table read two ways: [`css`]
//! writes them into `stylesheet.css`, and [`slot`] applies them to a parsed
//! content document, with CSS's cascade (specificity, then order; inherited
//! otherwise), to find the face (role, style) that draws each element. The
//! usage scan ([`super::usage`]) uses it, so that every embedded subset holds
//! exactly the characters a reading system asks that face for, whatever
//! element or class made the text bold, italic or monospaced.
//!
//! `style.css` sets no `font-family`, `font-weight` or `font-style`
//! (a test checks it): a font rule lives here or nowhere. The defaults of
//! HTML's rendering section (WHATWG HTML, §15.3 "Non-replaced elements":
//! headings and `th` bold, `b`/`strong` bolder, `em`/`i`/`cite`/`dfn`/`var`/
//! `address` italic, `code`/`kbd`/`samp`/`pre`/`tt` monospace) are written
//! out too, so that every reading system draws them with the embedded faces.
//!
//! Selectors are the subset of CSS 2.1 the table needs: compounds of an
//! optional element name and classes (`ol.contents`, `.x`), joined by the
//! descendant combinator, in comma lists. Specificity per CSS 2.1 §6.4.3.

use crate::fonts::{FontSet, Role, Style};

use crate::markdown::dom::{Data, Dom};

/// One rule: a selector list and the font properties it sets (`None`: not set).
pub struct Rule {
    /// A CSS selector list, e.g. `"em em, em i"`.
    pub selectors: &'static str,
    /// `font-family`: the role's family (with its generic fallback).
    pub family: Option<Role>,
    /// `font-weight`: `bold` (700) or `normal` (400).
    pub bold: Option<bool>,
    /// `font-style`: `italic` or `normal`.
    pub italic: Option<bool>,
}

const fn rule(
    selectors: &'static str,
    family: Option<Role>,
    bold: Option<bool>,
    italic: Option<bool>,
) -> Rule {
    Rule {
        selectors,
        family,
        bold,
        italic,
    }
}

/// Every font rule of the book's stylesheet, in stylesheet order.
pub const RULES: &[Rule] = &[
    rule("body, nav", Some(Role::Body), None, None),
    rule(
        "h1, h2, h3, h4, h5, h6, section.titlepage",
        Some(Role::Heading),
        None,
        None,
    ),
    rule(
        "code, kbd, samp, pre, tt, div.code-lang",
        Some(Role::Code),
        None,
        None,
    ),
    rule(
        "h1, h2, h3, h4, h5, h6, th, b, strong, dt, summary, p.callout-title, section.titlepage p.title",
        None,
        Some(true),
        None,
    ),
    rule(
        "em, i, cite, dfn, var, address, figcaption, p.attribution",
        None,
        None,
        Some(true),
    ),
    // Emphasis inside italic text is set upright, as in the PDF.
    rule(
        "em em, em i, i em, i i, figcaption em, figcaption i",
        None,
        None,
        Some(false),
    ),
    // … and inside that, italic again.
    rule("em em em, figcaption em em", None, None, Some(true)),
    // Highlighted code (`crate::highlight::palette`): keywords bold, comments italic.
    rule("span.hl-kw", None, Some(true), None),
    // A table's number ("Bảng 1.") in bold before its caption, as in the PDF.
    rule("span.table-label", None, Some(true), None),
    rule("span.hl-com", None, None, Some(true)),
    // The contents page (`toc: true`): chapter entries in bold, like the PDF's.
    rule("ol.contents li.level-0", None, Some(true), None),
];

/// The font rules of formulas (MathML), written only into the stylesheet
/// of a book with formulas: `<math>` in the math face (MathML Core §3.1.1
/// names the generic family `math`), and `\text{…}` (`<mtext>`) in the
/// body face, as the PDF sets it, since a math face may lack the
/// Vietnamese letters.
pub const MATH_RULES: &[Rule] = &[
    rule("math", Some(Role::Math), None, None),
    rule("mtext", Some(Role::Body), None, None),
];

/// [`RULES`], then [`MATH_RULES`]: the order of the cascade.
fn all_rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().chain(MATH_RULES)
}

/// The CSS of [`RULES`] (and of [`MATH_RULES`] when `math` names the math
/// face's family), family names taken from `fonts`, each followed by the
/// `fallback` families (see [`super::fallback`]; the math face has none).
pub fn css(fonts: &FontSet, fallback: &[String], math: Option<&str>) -> String {
    let mut out = String::new();
    let math_rules = if math.is_some() { MATH_RULES } else { &[] };
    for r in RULES.iter().chain(math_rules) {
        let mut decls = Vec::new();
        if let Some(role) = r.family {
            let generic = match role {
                Role::Body => "serif",
                Role::Heading => "sans-serif",
                Role::Code => "monospace",
                Role::Math => "math",
            };
            let family = match (role, math) {
                (Role::Math, Some(family)) => family,
                _ => &fonts.face(role, Style::REGULAR).family,
            };
            let mut stack = format!("\"{}\"", quote(family));
            for f in fallback.iter().filter(|_| role != Role::Math) {
                stack.push_str(&format!(", \"{}\"", quote(f)));
            }
            decls.push(format!("font-family: {stack}, {generic};"));
        }
        if let Some(b) = r.bold {
            decls.push(format!(
                "font-weight: {};",
                if b { "bold" } else { "normal" }
            ));
        }
        if let Some(i) = r.italic {
            decls.push(format!(
                "font-style: {};",
                if i { "italic" } else { "normal" }
            ));
        }
        out.push_str(&format!("{} {{ {} }}\n", r.selectors, decls.join(" ")));
    }
    out
}

/// A family name for a double-quoted CSS string.
pub fn quote(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// A compound selector: an optional element name and classes.
type Compound = (Option<&'static str>, Vec<&'static str>);

/// A parsed selector: its compounds, outermost first, and its specificity.
type Selector = (Vec<Compound>, (u32, u32));

/// [`RULES`] parsed once: per rule, its selectors.
fn parsed() -> &'static [Vec<Selector>] {
    static PARSED: std::sync::OnceLock<Vec<Vec<Selector>>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        all_rules()
            .map(|r| {
                r.selectors
                    .split(',')
                    .map(|s| {
                        let compounds: Vec<Compound> =
                            s.split_whitespace().map(parse_compound).collect();
                        (compounds, specificity(s))
                    })
                    .collect()
            })
            .collect()
    })
}

/// The face of element `id`'s text, given the face its parent's text has.
pub fn slot(dom: &Dom, id: usize, (mut role, mut style): (Role, Style)) -> (Role, Style) {
    // (specificity, order) of each matching rule, applied lowest first.
    let mut hits: Vec<((u32, u32), usize)> = parsed()
        .iter()
        .enumerate()
        .filter_map(|(i, selectors)| {
            selectors
                .iter()
                .filter(|(compounds, _)| matches(dom, id, compounds))
                .map(|(_, spec)| *spec)
                .max()
                .map(|s| (s, i))
        })
        .collect();
    hits.sort();
    let rules: Vec<&Rule> = all_rules().collect();
    for (_, i) in hits {
        let r = rules[i];
        role = r.family.unwrap_or(role);
        style.bold = r.bold.unwrap_or(style.bold);
        style.italic = r.italic.unwrap_or(style.italic);
    }
    (role, style)
}

/// CSS 2.1 specificity of one selector: (classes, element names).
fn specificity(selector: &str) -> (u32, u32) {
    selector
        .split_whitespace()
        .map(parse_compound)
        .fold((0, 0), |(c, e), (name, classes)| {
            (c + classes.len() as u32, e + u32::from(name.is_some()))
        })
}

/// `ol.contents` → (Some("ol"), ["contents"]).
fn parse_compound(compound: &str) -> (Option<&str>, Vec<&str>) {
    let mut it = compound.split('.');
    let name = it.next().filter(|n| !n.is_empty());
    (name, it.collect())
}

/// Whether a selector of `compounds` (descendant combinators only) matches element `id`.
fn matches(dom: &Dom, id: usize, compounds: &[Compound]) -> bool {
    let Some((last, ancestors)) = compounds.split_last() else {
        return false;
    };
    if !matches_compound(dom, id, last) {
        return false;
    }
    // Matching each compound at its nearest ancestor is exact for `A B C`.
    let mut at = dom.nodes[id].parent;
    for c in ancestors.iter().rev() {
        loop {
            let Some(a) = at else { return false };
            at = dom.nodes[a].parent;
            if matches_compound(dom, a, c) {
                break;
            }
        }
    }
    true
}

fn matches_compound(dom: &Dom, id: usize, (name, classes): &Compound) -> bool {
    let Data::Element(attrs) = &dom.nodes[id].data else {
        return false;
    };
    if name.is_some_and(|n| n != dom.local(id)) {
        return false;
    }
    if classes.is_empty() {
        return true;
    }
    let class = attrs
        .iter()
        .find(|a| &*a.name.local == "class")
        .map(|a| &*a.value)
        .unwrap_or("");
    classes
        .iter()
        .all(|c| class.split_whitespace().any(|x| x == *c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::dom;

    /// The token spans' faces in the stylesheet are the palette's.
    #[test]
    fn highlight_spans_take_the_palettes_weight_and_slant() {
        for class in crate::highlight::CLASSES {
            let Some(name) = crate::highlight::css_class(class) else {
                continue;
            };
            let ink = crate::highlight::palette(class);
            let html = format!(
                "<html><body><pre><code><span class=\"{name}\">x</span></code></pre></body></html>"
            );
            let face = slot_of(&html, "span");
            assert_eq!(face.0, Role::Code, "{name}");
            assert_eq!(
                (face.1.bold, face.1.italic),
                (ink.bold, ink.italic),
                "{name}"
            );
        }
    }

    const BOLD: Style = Style {
        bold: true,
        italic: false,
    };
    const ITALIC: Style = Style {
        bold: false,
        italic: true,
    };

    /// The slot of the first element named `name` in `html`.
    fn slot_of(html: &str, name: &str) -> (Role, Style) {
        let dom = dom::parse_doc(html);
        let mut path = Vec::new();
        let mut id = (0..dom.nodes.len())
            .find(|&i| dom.local(i) == name)
            .expect("element");
        while let Some(p) = dom.nodes[id].parent {
            path.push(id);
            id = p;
        }
        path.iter()
            .rev()
            .fold((Role::Body, Style::REGULAR), |s, &i| slot(&dom, i, s))
    }

    #[test]
    fn selectors_parse_and_count() {
        assert_eq!(specificity("ol.contents li.level-0"), (2, 2));
        assert_eq!(specificity(" em i"), (0, 2));
        assert_eq!(parse_compound(".x"), (None, vec!["x"]));
        for r in RULES {
            for s in r.selectors.split(',') {
                for (name, classes) in s.split_whitespace().map(parse_compound) {
                    assert!(
                        name.is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric()))
                            || !classes.is_empty(),
                        "{s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_cascade_decides_each_face() {
        let doc = |body: &str| format!("<html><body>{body}</body></html>");
        assert_eq!(slot_of(&doc("<h2>a</h2>"), "h2"), (Role::Heading, BOLD));
        assert_eq!(
            slot_of(&doc("<table><tr><th>a</th></tr></table>"), "th"),
            (Role::Body, BOLD)
        );
        // Nested emphasis: upright at every depth below the first, as CSS says.
        assert_eq!(
            slot_of(&doc("<p><em>a<em>b<em>c<i>d</i></em></em></em></p>"), "i"),
            (Role::Body, Style::REGULAR)
        );
        assert_eq!(
            slot_of(
                &doc("<figure><figcaption><b>a</b></figcaption></figure>"),
                "b"
            ),
            (
                Role::Body,
                Style {
                    bold: true,
                    italic: true
                }
            )
        );
        assert_eq!(
            slot_of(&doc("<p><strong><code>x</code></strong></p>"), "code"),
            (Role::Code, BOLD)
        );
        // Classes: only the contents page's first level is bold.
        let contents = doc(
            "<ol class=\"contents\"><li class=\"level-1\"><a>x</a></li><li class=\"level-0 y\"><a>Ả</a></li></ol>",
        );
        let dom = dom::parse_doc(&contents);
        let lis: Vec<usize> = (0..dom.nodes.len())
            .filter(|&i| dom.local(i) == "li")
            .collect();
        let start = (Role::Body, Style::REGULAR);
        assert_eq!(slot(&dom, lis[0], start), start);
        assert_eq!(slot(&dom, lis[1], start), (Role::Body, BOLD));
        // An `li.level-0` outside `ol.contents` is not.
        assert_eq!(
            slot_of(&doc("<ul><li class=\"level-0\">x</li></ul>"), "li"),
            start
        );
        assert_eq!(
            slot_of(&doc("<section class=\"titlepage\"><p>x</p></section>"), "p"),
            (Role::Heading, Style::REGULAR)
        );
        assert_eq!(
            slot_of(&doc("<p><cite>x</cite></p>"), "cite"),
            (Role::Body, ITALIC)
        );
    }

    #[test]
    fn the_written_css_holds_every_rule() {
        let fonts = FontSet::load(
            &FontSet::bundled_dir(),
            &mut crate::diag::Diagnostics::default(),
        )
        .unwrap();
        let css = css(&fonts, &[], None);
        assert_eq!(css.lines().count(), RULES.len());
        assert!(!css.contains("math"), "{css}");
        let with_math = super::css(&fonts, &["Noto Sans".into()], Some("STIX Two Math"));
        assert_eq!(with_math.lines().count(), RULES.len() + MATH_RULES.len());
        assert!(
            with_math.contains("\nmath { font-family: \"STIX Two Math\", math; }\n"),
            "{with_math}"
        );
        assert!(
            with_math
                .contains("\nmtext { font-family: \"Source Serif 4\", \"Noto Sans\", serif; }"),
            "{with_math}"
        );
        assert!(
            css.contains("ol.contents li.level-0 { font-weight: bold; }"),
            "{css}"
        );
        assert!(
            css.contains(
                "em em, em i, i em, i i, figcaption em, figcaption i { font-style: normal; }"
            ),
            "{css}"
        );
        assert!(css.contains("body, nav { font-family: \""), "{css}");
    }
}
