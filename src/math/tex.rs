//! TeX math to MathML Core, by the `math-core` crate (pinned `=0.7.0`, the
//! last release that builds on Rust 1.95).
//!
//! One [`Converter`] reads all the formulas of a document in order, so that
//! numbered environments (`equation`, `align`) count on from one formula to
//! the next, as in LaTeX. A formula that does not parse is a [`TexError`]
//! with the byte offset of the fault inside the TeX, which the Markdown
//! reader turns into `file:line:col`.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay, PrettyPrint};

use super::{Display, Formula, linear, tree::Element};

/// A fault in a formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TexError {
    /// Byte offset of the fault in the TeX source.
    pub offset: usize,
    /// What is wrong (from `math-core`), e.g. `Unknown command "\foo".`
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Reads the formulas of one document, in order.
pub struct Converter {
    inner: LatexToMathML,
}

impl Default for Converter {
    fn default() -> Self {
        Converter::new()
    }
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Converter")
    }
}

/// The environment a displayed formula with `\tag` but no environment of
/// its own is read in: `math-core` takes `\tag` only inside one, LaTeX
/// (amsmath) and MathJax take it in `\[…\]` too.
const TAGGED: (&str, &str) = ("\\begin{equation*}", "\\end{equation*}");

impl Converter {
    /// A converter with the equation counter at 0.
    pub fn new() -> Converter {
        let config = MathCoreConfig {
            pretty_print: PrettyPrint::Never,
            ..Default::default()
        };
        Converter {
            inner: LatexToMathML::new(config).expect("no custom macros to parse"),
        }
    }

    /// Reads one formula.
    pub fn convert(&mut self, tex: &str, display: Display) -> Result<Formula, TexError> {
        let wrap = display == Display::Block && tex.contains("\\tag") && !tex.contains("\\begin");
        let (source, shift) = if wrap {
            (format!("{}{tex}{}", TAGGED.0, TAGGED.1), TAGGED.0.len())
        } else {
            (tex.to_string(), 0)
        };
        let mode = match display {
            Display::Inline => MathDisplay::Inline,
            Display::Block => MathDisplay::Block,
        };
        let converted = self
            .inner
            .convert_with_global_state(&source, mode)
            .map_err(|e| {
                let message = e.error_message();
                let at_end = message.contains("reached end of input");
                match unclosed(tex).filter(|_| at_end) {
                    // The place to fix is where the group opens, not where
                    // the formula ends.
                    Some(Unclosed::Environment(offset, name)) => TexError {
                        offset,
                        message: format!("`\\begin{{{name}}}` is not closed."),
                        help: format!("add `\\end{{{name}}}` before the formula ends"),
                    },
                    Some(Unclosed::Brace(offset)) => TexError {
                        offset,
                        message: "this `{` is not closed.".to_string(),
                        help: "close it with `}` before the formula ends, or write `\\{` for \
                               a literal brace"
                            .to_string(),
                    },
                    None => TexError {
                        offset: e.0.start.saturating_sub(shift).min(tex.len()),
                        help: help(&message, tex),
                        message,
                    },
                }
            })?;
        let mut root = Element::parse(&converted.mathml).map_err(|e| TexError {
            offset: 0,
            message: format!("the MathML written for this formula does not parse: {e}"),
            help: "report this formula to trang's issue tracker".to_string(),
        })?;
        super::amend::apply(&mut root, tex, display);
        let text = linear::text(&root);
        let numbers = numbers(&root);
        Ok(Formula {
            tex: tex.to_string(),
            display,
            root,
            text,
            numbers,
        })
    }
}

/// The equation numbers of a formula: the text of each row's label cell,
/// `(1)` → `1`. `math-core` writes a numbered row as an `<mtr>` whose last
/// `<mtd>` has `width: 50%` and holds only an `<mtext>`.
fn numbers(root: &Element) -> Vec<String> {
    let mut out = Vec::new();
    for table in root.elements().filter(|e| e.tag == super::Tag::Mtable) {
        for tr in table.elements() {
            if let Some(label) = row_label(tr) {
                out.push(label);
            }
        }
    }
    out
}

/// The equation number of one `<mtr>` of a numbered table, without its
/// parentheses.
pub fn row_label(tr: &Element) -> Option<String> {
    let cells: Vec<&Element> = tr.elements().collect();
    let last = cells.last()?;
    if cells.len() < 2
        || !last
            .attr("style")
            .is_some_and(|s| s.starts_with("width: 50%"))
    {
        return None;
    }
    let t = last.text();
    let t = t.trim();
    let inner = t.strip_prefix('(').and_then(|t| t.strip_suffix(')'))?;
    Some(inner.to_string())
}

/// The hint for a `math-core` message.
fn help(message: &str, tex: &str) -> String {
    if let Some(name) = message
        .strip_prefix("Unknown command \"")
        .and_then(|m| m.split('"').next())
    {
        return match nearest(name) {
            Some(near) => {
                format!("did you mean `{near}`? (`{name}` is not a LaTeX math command trang knows)")
            }
            None => format!(
                "`{name}` is not a LaTeX math command trang knows; check its spelling, \
                 or write the symbol itself (e.g. `≤`)"
            ),
        };
    }
    if message.starts_with("Unknown environment") {
        return "trang reads the environments cases, matrix, pmatrix, bmatrix, Bmatrix, vmatrix, \
                Vmatrix, array, aligned, align, align*, gathered, gather, equation, equation*, \
                alignat and multline"
            .to_string();
    }
    if message.contains("closing token") || message.contains("reached end of input") {
        return "a group opened with `{` (or `\\left`, `\\begin`) is not closed before the \
                formula ends: close it, or write `\\{` for a literal brace"
            .to_string();
    }
    if tex.trim().is_empty() {
        return "the formula is empty: write it between the dollar signs".to_string();
    }
    "fix the formula (it is LaTeX math, as in MathJax and KaTeX), or write `\\$` for a dollar sign"
        .to_string()
}

/// A group left open at the end of a formula.
#[derive(Debug, PartialEq)]
enum Unclosed {
    /// `\begin{name}` at this byte offset, with no `\end{name}`.
    Environment(usize, String),
    /// A `{` at this byte offset with no `}`.
    Brace(usize),
}

/// The innermost group still open at the end of `tex`: an environment or
/// a brace (`\{` and `\}` are characters, not groups).
fn unclosed(tex: &str) -> Option<Unclosed> {
    open_groups(tex)
}

/// Whether `tex` leaves a brace or an environment open: the Markdown reader
/// asks it of a `$…$` that pulldown-cmark left as text.
pub fn leaves_open(tex: &str) -> bool {
    unclosed(tex).is_some()
}

fn open_groups(tex: &str) -> Option<Unclosed> {
    let mut open: Vec<Unclosed> = Vec::new();
    let mut i = 0;
    let bytes = tex.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let rest = &tex[i + 1..];
                let name_len = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                let name = &rest[..name_len];
                if name == "begin" || name == "end" {
                    let after = &rest[name_len..];
                    if let Some(env) = after
                        .strip_prefix('{')
                        .and_then(|a| a.find('}').map(|e| &a[..e]))
                    {
                        if name == "begin" {
                            open.push(Unclosed::Environment(i, env.to_string()));
                        } else if let Some(k) = open
                            .iter()
                            .rposition(|o| matches!(o, Unclosed::Environment(_, n) if n == env))
                        {
                            open.truncate(k);
                        }
                        i += 1 + name_len + env.len() + 2;
                        continue;
                    }
                }
                // A command, or an escaped character (`\{`, `\\`).
                i += 1 + name_len.max(rest.chars().next().map_or(0, char::len_utf8));
                continue;
            }
            b'{' => open.push(Unclosed::Brace(i)),
            b'}' => {
                if let Some(k) = open.iter().rposition(|o| matches!(o, Unclosed::Brace(_))) {
                    open.truncate(k);
                }
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
}

/// The common command closest to `name`, for "did you mean".
fn nearest(name: &str) -> Option<&'static str> {
    const COMMON: &[&str] = &[
        "\\frac",
        "\\dfrac",
        "\\tfrac",
        "\\sqrt",
        "\\sum",
        "\\prod",
        "\\int",
        "\\iint",
        "\\oint",
        "\\lim",
        "\\max",
        "\\min",
        "\\left",
        "\\right",
        "\\hat",
        "\\bar",
        "\\vec",
        "\\overline",
        "\\underbrace",
        "\\overrightarrow",
        "\\widehat",
        "\\text",
        "\\mathbb",
        "\\mathcal",
        "\\mathbf",
        "\\mathrm",
        "\\alpha",
        "\\beta",
        "\\gamma",
        "\\delta",
        "\\Delta",
        "\\epsilon",
        "\\varepsilon",
        "\\theta",
        "\\lambda",
        "\\mu",
        "\\pi",
        "\\sigma",
        "\\varphi",
        "\\omega",
        "\\Omega",
        "\\infty",
        "\\pm",
        "\\cdot",
        "\\times",
        "\\le",
        "\\leq",
        "\\ge",
        "\\geq",
        "\\ne",
        "\\neq",
        "\\approx",
        "\\equiv",
        "\\in",
        "\\notin",
        "\\subset",
        "\\subseteq",
        "\\cup",
        "\\cap",
        "\\forall",
        "\\exists",
        "\\to",
        "\\rightarrow",
        "\\Rightarrow",
        "\\Leftrightarrow",
        "\\quad",
        "\\qquad",
        "\\operatorname",
        "\\sin",
        "\\cos",
        "\\tan",
        "\\cot",
        "\\log",
        "\\ln",
        "\\binom",
        "\\begin",
        "\\end",
        "\\cdots",
        "\\ldots",
        "\\dots",
        "\\emptyset",
        "\\partial",
        "\\nabla",
        "\\circ",
        "\\angle",
        "\\perp",
        "\\parallel",
        "\\tag",
        "\\mathrm",
        "\\displaystyle",
    ];
    COMMON
        .iter()
        .map(|c| (distance(name, c), *c))
        // One edit for a short name (`\fo` is not `\to`), two for a longer one.
        .filter(|(d, _)| *d <= if name.chars().count() <= 5 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance between two short strings, a swap of two neighbouring
/// letters counting as one edit (`\sqtr` is one from `\sqrt`): the
/// optimal string alignment distance (Damerau–Levenshtein without
/// repeated edits of one substring).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_has_its_place_and_a_hint() {
        let mut c = Converter::new();
        let e = c.convert(r"x + \fracc{1}{2}", Display::Inline).unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.message.contains("\\fracc"), "{}", e.message);
        assert!(e.help.contains("`\\frac`"), "{}", e.help);
        // An unclosed group is shown where it opens, named.
        let e = c.convert(r"\frac{1}{2", Display::Inline).unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(e.message.contains("not closed"), "{}", e.message);
        let e = c
            .convert(r"f = \begin{cases} 1 & x > 0 \\ 0", Display::Block)
            .unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.help.contains("\\end{cases}"), "{}", e.help);
        // `\{` is a brace character, not a group: the open `{` is the other.
        let e = c
            .convert(r"\{ x \} \cup \sqrt{2", Display::Inline)
            .unwrap_err();
        assert_eq!(e.offset, 18);
        // A swap of two letters is one edit.
        let e = c.convert(r"\sqtr{2}", Display::Inline).unwrap_err();
        assert!(e.help.contains("`\\sqrt`"), "{}", e.help);
        let e = c.convert(r"\foo x", Display::Inline).unwrap_err();
        assert!(!e.help.contains("did you mean"), "{}", e.help);
    }

    #[test]
    fn numbers_count_on_and_a_tag_needs_no_environment() {
        let mut c = Converter::new();
        let f = c
            .convert(
                r"\begin{align} a &= b \\ c &= d \end{align}",
                Display::Block,
            )
            .unwrap();
        assert_eq!(f.numbers, ["1", "2"]);
        let f = c.convert(r"x = 1 \tag{*}", Display::Block).unwrap();
        assert_eq!(f.numbers, ["*"]);
        let f = c
            .convert(r"\begin{equation} y \end{equation}", Display::Block)
            .unwrap();
        assert_eq!(f.numbers, ["3"]);
    }
}
