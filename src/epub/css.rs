//! The book's stylesheet: `@font-face` rules for the embedded subsets, the
//! font rules of [`super::cascade`], the fixed rules of `style.css`, then
//! the theme's rules ([`theme_css`]): sizes, leading, vertical space,
//! indents and list markers from the same [`Theme`] values the PDF is set
//! with, in ems of the reader's chosen size.

use std::fmt::Write as _;

use crate::fonts::{FontSet, Role};
use crate::theme::{Attribution, Theme, derived};

use super::subset::Embedded;

/// The fixed part of the stylesheet.
const STYLE: &str = include_str!("style.css");

/// The whole stylesheet for `embedded` faces of `fonts`; `fallback`: the
/// fallback families the book uses, named after each role's family.
pub fn stylesheet(
    fonts: &FontSet,
    theme: &Theme,
    embedded: &[Embedded],
    fallback: &[String],
) -> String {
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
    // The math face's family when a formula is drawn in it.
    let math = embedded
        .iter()
        .find(|e| e.slots.iter().any(|(role, _)| *role == Role::Math))
        .map(|e| e.family.as_str());
    css.push_str(&super::cascade::css(fonts, fallback, math));
    css.push('\n');
    css.push_str(STYLE);
    css.push_str(&theme_css(theme, fonts));
    if math.is_some() {
        css.push_str(&math_css(theme, fonts));
    }
    // Code: the tint, the language label and the highlighting palette.
    css.push_str(&crate::highlight::css());
    css
}

/// A number for CSS: at most three decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The theme's rules. Vertical space is in body lines in the theme, so in
/// ems it is lines × the leading ratio (divided by an element's own size
/// where the em is its own).
pub fn theme_css(theme: &Theme, fonts: &FontSet) -> String {
    let lead = derived::leading_ratio(theme, fonts);
    let code = derived::code_ratio(theme, fonts);
    let t = &theme.text;
    let h = &theme.headings;
    let b = &theme.blocks;
    // A length in ems of the body size (theme lengths in pt or mm are read
    // at the theme's A4 body size).
    let em = |l: crate::theme::Length| num(l.pt(t.size, t.size * 40.0) / t.size);
    let space = num(b.space * lead);
    let mut c = String::from("\n/* From the theme (the PDF's values). */\n");
    let _ = writeln!(c, "body, nav {{ line-height: {}; }}", num(lead));
    let _ = writeln!(
        c,
        "p {{ margin: 0; text-indent: 0; text-align: {}; }}",
        if t.justify { "justify" } else { "left" }
    );
    // A paragraph after a paragraph is indented (TeX's \\parindent), as in the PDF.
    let _ = writeln!(c, "p + p {{ text-indent: {}em; }}", em(t.indent));
    // The title page's lines are centred, never indented.
    let _ = writeln!(c, "section.titlepage p {{ text-indent: 0; }}");
    for (i, scale) in h.scale.iter().enumerate() {
        let before = if i < 2 {
            h.before_major
        } else {
            h.before_minor
        };
        let _ = writeln!(
            c,
            "h{} {{ font-size: {}em; line-height: {}; margin: {}em 0 {}em; }}",
            i + 1,
            num(*scale),
            num(h.leading),
            num(before * lead / scale),
            num(h.after * lead / scale)
        );
    }
    let _ = writeln!(c, "sub, sup {{ font-size: {}em; }}", num(t.script));
    let _ = writeln!(
        c,
        "small, table, figcaption, aside.footnote, section.copyright, p.dateline, p.source {{ font-size: {}em; }}",
        num(t.small)
    );
    // Table cells padded as in the PDF (`cell_pad`, in ems of the table's
    // own size, the small one): half above and below, whole at the sides.
    let table_size = t.size * t.small;
    let pad = b.cell_pad.pt(table_size, t.size * 40.0) / table_size;
    let _ = writeln!(
        c,
        "th, td {{ padding: {}em {}em; }}",
        num(pad / 2.0),
        num(pad)
    );
    let _ = writeln!(c, "code, kbd, samp, pre {{ font-size: {}em; }}", num(code));
    let _ = writeln!(c, "pre code, pre kbd, pre samp {{ font-size: 1em; }}");
    // The code block's padding, in the pre's own em (its font is `code` × body).
    let pad = num(b.code_pad.pt(t.size, t.size * 40.0) / t.size / code);
    let _ = writeln!(
        c,
        "pre {{ line-height: {}; margin: {space}em 0; padding: {pad}em; }}",
        num(lead * b.code_leading / code)
    );
    let _ = writeln!(
        c,
        "blockquote {{ margin: {space}em 0 {space}em {}em; }}",
        em(b.quote_indent)
    );
    let _ = writeln!(
        c,
        "ul, ol {{ margin: {space}em 0; padding-left: {}em; }}",
        em(b.list_hang)
    );
    let _ = writeln!(c, "figure {{ margin: {space}em 0; }}");
    let side = num((1.0 - b.break_rule).max(0.0) * 50.0);
    let _ = writeln!(c, "hr {{ margin: {}em {side}%; }}", num(lead));
    let _ = writeln!(
        c,
        "section.titlepage p.title {{ font-size: {}em; line-height: {}; }}",
        num(h.title),
        num(h.title_leading)
    );
    let _ = writeln!(
        c,
        "section.titlepage p.subtitle {{ font-size: {}em; }}",
        num(h.subtitle)
    );
    let _ = writeln!(
        c,
        "section.part h1.part-title {{ font-size: {}em; }}",
        num(h.part)
    );
    let _ = writeln!(
        c,
        "p.dateline, p.source {{ color: {}; }}",
        theme.colours.muted.hex()
    );
    if theme.article.attribution == Attribution::Right {
        let _ = writeln!(
            c,
            "p.attribution {{ text-align: right; text-indent: 0; margin-top: {space}em; }}"
        );
    }
    // List markers by depth, as the PDF draws them: a list nested `d` deep
    // in any mix of `ul` and `ol`, ending in `ul`.
    for (d, marker) in theme.blocks.bullets.iter().enumerate() {
        let mut selectors = vec![String::from("ul")];
        for _ in 0..d {
            selectors = selectors
                .iter()
                .flat_map(|s| [format!("ul {s}"), format!("ol {s}")])
                .collect();
        }
        let value = if marker == "•" {
            "disc".to_string()
        } else {
            let escaped: String = marker
                .chars()
                .map(|ch| format!("\\{:X}", ch as u32))
                .collect();
            format!("\"{escaped}\\A0\"")
        };
        let _ = writeln!(
            c,
            "{} {{ list-style-type: {value}; }}",
            selectors.join(", ")
        );
    }
    c
}

/// The rules of formulas, in a book that has some. A display formula
/// (`div.math`) is a block centred in the measure with the vertical space
/// of the theme's other blocks, scrolling sideways when wider than the
/// screen (WCAG 2.2 SC 1.4.10 "Reflow" allows it for content such as
/// formulas that needs two dimensions) rather than spilling over the
/// margin. Inline formulas need no rule: Chromium sets a line holding
/// `$x^2$` at the body's leading (21.92 px for 21.94 px), and opens one
/// holding `$\frac{a+b}{c+d}$` by the fraction's ink only (5.8 px), with
/// or without `line-height` on `<math>`.
pub fn math_css(theme: &Theme, fonts: &FontSet) -> String {
    let lead = derived::leading_ratio(theme, fonts);
    let space = num(theme.blocks.space * lead);
    let mut c = String::from("\n/* Formulas. */\n");
    let _ = writeln!(
        c,
        "div.math {{ margin: {space}em 0; text-align: center; text-indent: 0; overflow-x: auto; overflow-y: hidden; }}"
    );
    let _ = writeln!(c, "div.math math {{ margin: 0 auto; }}");
    c
}

#[cfg(test)]
mod tests {
    /// Sizes, leading and vertical space come from the theme only, so that
    /// the EPUB and the PDF cannot drift apart (they did: the EPUB's `h1`
    /// was 1.6em while the PDF's was 1.55 × the body).
    #[test]
    fn the_fixed_part_sets_no_size_and_the_theme_part_sets_the_pdfs() {
        for prop in [
            "font-size",
            "line-height:",
            "text-indent",
            "list-style-type",
        ] {
            let set = super::STYLE.split('{').skip(1).any(|block| {
                let body = block.split('}').next().unwrap_or("");
                body.contains(prop)
                    && !body.contains(&format!("{prop} 0"))
                    && !body.contains(&format!("{prop}: none"))
            });
            assert!(!set, "style.css sets `{prop}`: generate it from the theme");
        }
        let fonts = crate::fonts::FontSet::load_bundled(&mut Default::default()).unwrap();
        let mut theme = crate::theme::Theme::preset(crate::theme::Preset::Book);
        theme.headings.scale[0] = 1.75;
        theme.blocks.bullets = vec!["•".into(), "→".into()];
        let css = super::theme_css(&theme, &fonts);
        assert!(css.contains("h1 { font-size: 1.75em;"), "{css}");
        assert!(
            css.contains("ul ul, ol ul { list-style-type: \"\\2192\\A0\"; }"),
            "{css}"
        );
        assert!(css.contains("p + p { text-indent: 1.25em; }"), "{css}");
    }

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
