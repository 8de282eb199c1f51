//! Mathematics: TeX math from the Markdown (`$…$`, `$$…$$`, ```` ```math ````)
//! read once into a [`Formula`] — a MathML Core tree — that both writers read.
//!
//! - [`tex`] reads the TeX with the `math-core` crate, which writes MathML
//!   Core (W3C, 2023) with TeX's spacing decisions already made (explicit
//!   `lspace`/`rspace` where TeX's inter-atom table of the TeXbook's
//!   Appendix G, rule 20, differs from the operator dictionary); a TeX error
//!   becomes a diagnostic at its `file:line:col`.
//! - [`tree`] is that MathML as an owned tree ([`Element`], [`Node`]); the
//!   EPUB writes it back as MathML, the typesetter lays it out.
//! - [`amend`] mends what `math-core` reads differently from amsmath
//!   (`\dots`, `\pmod`, the extensible arrows), once, for both writers.
//! - [`linear`] gives a formula's text as Unicode math in reading order
//!   (UnicodeMath, Unicode Technical Note 28): the EPUB's `alttext` and the
//!   PDF's `/ActualText`.
//!
//! The layout (OpenType MATH, the TeXbook's Appendix G) lives in
//! `math::layout`; this module decides what a formula *is*, not how it looks.

pub mod amend;
pub mod boxes;
pub mod layout;
pub mod linear;
pub mod svg;
pub mod tex;
pub mod tree;

pub use tree::{Element, Node, Tag};

/// How a formula is set: in the line of text, or displayed on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Display {
    /// `$…$`: in the line, text style (TeX's `\textstyle`).
    Inline,
    /// `$$…$$` or a ```` ```math ```` block: centred on its own line,
    /// display style (TeX's `\displaystyle`).
    Block,
}

impl Formula {
    /// The text of each `<mtext>` (`\text{…}`), which is set in the body
    /// face, in order.
    pub fn texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![&self.root];
        while let Some(e) = stack.pop() {
            if e.tag == Tag::Mtext {
                out.push(e.text().replace('\u{A0}', " "));
            } else {
                stack.extend(e.elements().collect::<Vec<_>>().into_iter().rev());
            }
        }
        out
    }
}

/// One formula, read and converted once.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    /// The TeX source as the author wrote it (NFC), without the `$` delimiters.
    pub tex: String,
    /// Inline or display.
    pub display: Display,
    /// The `<math>` element (MathML Core), as `math-core` wrote it.
    pub root: Element,
    /// The formula as Unicode math text in reading order ([`linear`]).
    pub text: String,
    /// The equation numbers it carries (`\tag{…}`, numbered `align`,
    /// `equation`), in row order, as printed without the parentheses.
    pub numbers: Vec<String>,
}
