//! The book's stylesheet: `@font-face` rules for the embedded subsets, the
//! font rules of [`super::cascade`], then the fixed rules of `style.css`.

use crate::fonts::FontSet;

use super::subset::Embedded;

/// The fixed part of the stylesheet.
const STYLE: &str = include_str!("style.css");

/// The whole stylesheet for `embedded` faces of `fonts`; `fallback`: the
/// fallback families the book uses, named after each role's family.
pub fn stylesheet(fonts: &FontSet, embedded: &[Embedded], fallback: &[String]) -> String {
    let mut css = String::new();
    for e in embedded {
        for (_, style) in &e.slots {
            css.push_str(&format!(
                "@font-face {{\n  font-family: \"{}\";\n  font-style: {};\n  font-weight: {};\n  src: url({});\n}}\n",
                super::cascade::quote(&e.family),
                if style.italic { "italic" } else { "normal" },
                if style.bold { 700 } else { 400 },
                e.href
            ));
        }
    }
    css.push('\n');
    css.push_str(&super::cascade::css(fonts, fallback));
    css.push('\n');
    css.push_str(STYLE);
    // Code: the tint, the language label and the highlighting palette.
    css.push_str(&crate::highlight::css());
    css
}

#[cfg(test)]
mod tests {
    /// A font rule in `style.css` would escape the usage scan.
    #[test]
    fn the_fixed_part_sets_no_font_property() {
        for prop in ["font-family", "font-weight", "font-style", "font:"] {
            let set = super::STYLE
                .split('{')
                .skip(1)
                .any(|block| block.split('}').next().unwrap_or("").contains(prop));
            assert!(!set, "style.css sets `{prop}`: put it in cascade::RULES");
        }
    }
}
