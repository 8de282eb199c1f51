//! The book's stylesheet: `@font-face` rules for the embedded subsets, the
//! family of each role, then the fixed rules of `style.css`.

use crate::fonts::{FontSet, Role};

use super::subset::Embedded;

/// The fixed part of the stylesheet.
const STYLE: &str = include_str!("style.css");

/// The whole stylesheet for `embedded` faces of `fonts`.
pub fn stylesheet(fonts: &FontSet, embedded: &[Embedded]) -> String {
    let mut css = String::new();
    for e in embedded {
        for (_, style) in &e.slots {
            css.push_str(&format!(
                "@font-face {{\n  font-family: \"{}\";\n  font-style: {};\n  font-weight: {};\n  src: url({});\n}}\n",
                quote(&e.family),
                if style.italic { "italic" } else { "normal" },
                if style.bold { 700 } else { 400 },
                e.href
            ));
        }
    }
    let family = |role: Role, generic: &str| {
        format!(
            "\"{}\", {generic}",
            quote(&fonts.face(role, crate::fonts::Style::REGULAR).family)
        )
    };
    css.push_str(&format!(
        "\nbody, nav {{ font-family: {}; line-height: 1.5; }}\n",
        family(Role::Body, "serif")
    ));
    css.push_str(&format!(
        "h1, h2, h3, h4, h5, h6, section.titlepage {{ font-family: {}; }}\n",
        family(Role::Heading, "sans-serif")
    ));
    css.push_str(&format!(
        "code, kbd, samp, pre, div.code-lang {{ font-family: {}; }}\n\n",
        family(Role::Code, "monospace")
    ));
    css.push_str(STYLE);
    // Code: the tint, the language label and the highlighting palette.
    css.push_str(&crate::highlight::css());
    css
}

/// A family name for a double-quoted CSS string.
fn quote(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}
