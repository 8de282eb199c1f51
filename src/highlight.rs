//! Syntax highlighting of fenced code: one pass, in the reader.
//!
//! The reader ([`crate::markdown`]) calls [`highlight_document`] once, after
//! folding the Markdown; it highlights each fenced code block that names a
//! language and stores the result in the block
//! ([`crate::doc::BlockKind::CodeBlock`]`::tokens`); both writers draw from
//! those tokens and never call `syntect` themselves.
//!
//! Grammars: `syntect`'s Sublime Text syntaxes plus the extra ones the `bat`
//! project curates (crate `two-face`: TOML, TypeScript, Dockerfile…), with
//! the pure-Rust `fancy-regex` engine (no Oniguruma C library). The set is
//! deserialised once per process, lazily, the first time a document has a
//! fenced block with a language, so that documents without one pay nothing.
//!
//! A language is found by `syntect`'s token rule (a file extension, then the
//! grammar's name, case-insensitively), so the usual aliases work: `rs`,
//! `py`, `js`, `sh`, `c++`, `yml`… A few fence words that are not extensions
//! are mapped first ([`ALIASES`]). An unknown language is plain text, without
//! a warning: GitHub and pandoc print such blocks plain too.
//!
//! Scopes are folded into the few [`TokenClass`]es of [`palette`]: comments,
//! strings and numbers win wherever they occur in the scope stack (so the
//! quotes of a string are string, the point of `2.5` number, not
//! punctuation); otherwise the innermost scope that names a class decides.

use std::collections::HashMap;
use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

use crate::doc::{Block, BlockKind, CodeToken, Footnote, Span, TokenClass};

/// Fence words that name no grammar by `syntect`'s rule, and the token
/// that does.
pub const ALIASES: &[(&str, &str)] = &[
    ("shell", "sh"),
    ("console", "sh"),
    ("zsh", "sh"),
    ("golang", "go"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("py3", "py"),
    ("python3", "py"),
    ("cplusplus", "cpp"),
    ("csharp", "cs"),
    ("c#", "cs"),
    ("objc", "m"),
    ("docker", "dockerfile"),
];

/// Fence words that say "no highlighting".
const PLAIN: &[&str] = &["text", "txt", "plain", "plaintext", "none", "nohighlight"];

/// A line longer than this (bytes) stops highlighting for the rest of the
/// block: backtracking grammars can take time that grows fast with the
/// length of a line, and a line this long is data rather than code to read.
pub const MAX_LINE: usize = 4096;

/// Bytes of code highlighted in one document at most; blocks beyond it are
/// plain (the reader warns once). `syntect` with `fancy-regex` parses about
/// 80–100 KB of code a second on the 2-core development machine, and a
/// grammar's first use compiles its patterns (50–70 ms), so this bounds the
/// cost of highlighting a document to about a second.
pub const BUDGET: usize = 96 * 1024;

/// The grammars, loaded on first use.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// The grammar a fence's language word names, if any (loads the set).
fn find(lang: &str) -> Option<&'static SyntaxReference> {
    // `rust,ignore` (rustdoc) and `{.python}` (pandoc) name `rust` and `python`.
    let lang = lang
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches('.')
        .split(',')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if lang.is_empty() || PLAIN.contains(&lang.as_str()) {
        return None;
    }
    let token = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lang)
        .map_or(lang.as_str(), |(_, t)| t);
    let set = syntaxes();
    set.find_syntax_by_token(token)
        .filter(|s| s.name != "Plain Text")
}

/// Whether `lang` names a grammar trang highlights with.
pub fn knows(lang: &str) -> bool {
    find(lang).is_some()
}

/// Code blocks with a known language left plain because the document's
/// [`BUDGET`] was spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverBudget {
    /// How many blocks.
    pub blocks: usize,
    /// Their code, in bytes.
    pub bytes: usize,
    /// Where the first one is.
    pub first: Span,
}

/// Highlights every code block of a document (body, then footnotes) whose
/// language is known, in document order within [`BUDGET`], filling its
/// `tokens`. Returns what was left plain over the budget, if anything.
/// (Highlighting languages on threads of their own was tried: on the
/// loaded 2-core machine it was no faster, so the pass stays sequential.)
pub fn highlight_document(blocks: &mut [Block], footnotes: &mut [Footnote]) -> Option<OverBudget> {
    let mut stack: Vec<&mut Block> = Vec::new();
    for f in footnotes.iter_mut().rev() {
        stack.extend(f.blocks.iter_mut().rev());
    }
    stack.extend(blocks.iter_mut().rev());
    let mut spent = 0;
    let mut over: Option<OverBudget> = None;
    while let Some(block) = stack.pop() {
        let span = block.span;
        match &mut block.kind {
            BlockKind::BlockQuote(children)
            | BlockKind::Aligned {
                blocks: children, ..
            }
            | BlockKind::Callout {
                blocks: children, ..
            }
            | BlockKind::Details {
                blocks: children, ..
            } => stack.extend(children.iter_mut().rev()),
            BlockKind::List { items, .. } => {
                for item in items.iter_mut().rev() {
                    stack.extend(item.blocks.iter_mut().rev());
                }
            }
            BlockKind::DefinitionList(defs) => {
                for def in defs.iter_mut().rev() {
                    for details in def.details.iter_mut().rev() {
                        stack.extend(details.iter_mut().rev());
                    }
                }
            }
            BlockKind::CodeBlock {
                lang: Some(lang),
                text,
                tokens,
            } => {
                if find(lang).is_none() {
                    continue;
                }
                if spent + text.len() <= BUDGET {
                    spent += text.len();
                    *tokens = highlight(lang, text);
                } else {
                    let o = over.get_or_insert(OverBudget {
                        blocks: 0,
                        bytes: 0,
                        first: span,
                    });
                    o.blocks += 1;
                    o.bytes += text.len();
                }
            }
            _ => {}
        }
    }
    over
}

/// The tokens of `text` (lines ending in `\n`, as in a code block) in the
/// language `lang`: one list per line, covering each line without its
/// newline. Empty when the language is unknown or plain. When a grammar
/// fails, or a line is longer than [`MAX_LINE`], that line and the rest are
/// one plain token each.
pub fn highlight(lang: &str, text: &str) -> Vec<Vec<CodeToken>> {
    let Some(syntax) = find(lang) else {
        return Vec::new();
    };
    let set = syntaxes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut classes: HashMap<Scope, Option<TokenClass>> = HashMap::new();
    let mut failed = false;
    let mut out = Vec::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        let plain = || {
            if line.is_empty() {
                Vec::new()
            } else {
                vec![CodeToken {
                    start: 0,
                    end: line.len(),
                    class: TokenClass::Plain,
                }]
            }
        };
        if failed || line.len() > MAX_LINE {
            failed = true;
            out.push(plain());
            continue;
        }
        // The "newlines" grammars expect each line with its `\n`.
        let with_newline = format!("{line}\n");
        let ops = match state.parse_line(&with_newline, set) {
            Ok(ops) => ops,
            Err(_) => {
                failed = true;
                out.push(plain());
                continue;
            }
        };
        let mut tokens: Vec<CodeToken> = Vec::new();
        let mut push = |start: usize, end: usize, class: TokenClass| {
            let end = end.min(line.len());
            if start >= end {
                return;
            }
            match tokens.last_mut() {
                Some(last) if last.class == class && last.end == start => last.end = end,
                _ => tokens.push(CodeToken { start, end, class }),
            }
        };
        let mut at = 0;
        let mut ok = true;
        for (pos, op) in ops {
            if pos > at {
                push(at, pos, class_of(&stack, &mut classes));
                at = pos;
            }
            if stack.apply(&op).is_err() {
                ok = false;
                break;
            }
        }
        if !ok {
            failed = true;
            out.push(plain());
            continue;
        }
        push(at, line.len(), class_of(&stack, &mut classes));
        out.push(tokens);
    }
    out
}

/// The class of text under `stack`: comment, string or number anywhere in
/// the stack (so quotes and a decimal point belong to their literal), else
/// the innermost scope that names a class.
fn class_of(stack: &ScopeStack, cache: &mut HashMap<Scope, Option<TokenClass>>) -> TokenClass {
    let scopes = stack.as_slice();
    let mut lookup = |s: &Scope| {
        *cache
            .entry(*s)
            .or_insert_with(|| classify(&s.build_string()))
    };
    let found: Vec<Option<TokenClass>> = scopes.iter().map(&mut lookup).collect();
    for wins in [TokenClass::Comment, TokenClass::String, TokenClass::Number] {
        if found.contains(&Some(wins)) {
            return wins;
        }
    }
    found
        .into_iter()
        .rev()
        .flatten()
        .next()
        .unwrap_or(TokenClass::Plain)
}

/// The class one scope names, by the TextMate scope naming conventions
/// (the `comment`, `string`, `constant`, `keyword`, `storage`, `entity`,
/// `support`, `variable` and `punctuation` roots).
fn classify(scope: &str) -> Option<TokenClass> {
    let is = |prefix: &str| {
        scope == prefix
            || scope
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    Some(if is("comment") {
        TokenClass::Comment
    } else if is("string") && !is("string.unquoted.heredoc") || is("markup.raw") {
        TokenClass::String
    } else if is("constant.numeric") {
        TokenClass::Number
    } else if is("constant") || is("support.constant") || is("variable.language") {
        TokenClass::Constant
    } else if is("keyword.operator") || is("punctuation") {
        TokenClass::Operator
    } else if is("keyword")
        || is("storage.modifier")
        || is("storage.type.function")
        || is("storage.type.class")
        || is("storage.type.struct")
        || is("storage.type.enum")
        || is("storage.type.trait")
        || is("storage.type.impl")
        || is("storage.type.module")
        || is("entity.name.tag")
    {
        TokenClass::Keyword
    } else if is("entity.name.function")
        || is("support.function")
        || is("variable.function")
        || is("entity.name.type")
        || is("entity.name.class")
        || is("entity.name.struct")
        || is("entity.name.enum")
        || is("entity.name.trait")
        || is("entity.other.inherited-class")
        || is("entity.other.attribute-name")
        || is("support.type")
        || is("support.class")
        || is("storage.type")
    {
        TokenClass::Function
    } else {
        return None;
    })
}

/// How a token class is drawn: an sRGB colour and a weight and slant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ink {
    /// sRGB, 0–255 per channel.
    pub rgb: [u8; 3],
    /// Drawn in the code face's bold.
    pub bold: bool,
    /// Drawn in the code face's italic.
    pub italic: bool,
}

impl Ink {
    /// The colour as a CSS hex string, `#rrggbb`.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.rgb[0], self.rgb[1], self.rgb[2])
    }

    /// The colour with components in `0.0..=1.0`, for the PDF.
    pub fn unit(&self) -> [f32; 3] {
        self.rgb.map(|c| f32::from(c) / 255.0)
    }
}

/// The tint behind code blocks in both outputs (sRGB `#f0f0ed`).
pub const TINT: [u8; 3] = [0xF0, 0xF0, 0xED];

/// The colour of the language label above a code block.
pub const LABEL: Ink = Ink {
    rgb: [0x6B, 0x6B, 0x62],
    bold: false,
    italic: false,
};

/// The print-safe palette. Every colour has a contrast ratio of at least
/// 4.5:1 against [`TINT`] (WCAG 2.1 success criterion 1.4.3, level AA;
/// checked by a test), and the classes differ in lightness, not hue alone,
/// so that a greyscale print still tells them apart: plain text darkest,
/// keywords bold, comments lightest and italic.
pub fn palette(class: TokenClass) -> Ink {
    let ink = |r, g, b| Ink {
        rgb: [r, g, b],
        bold: false,
        italic: false,
    };
    match class {
        TokenClass::Plain => ink(0x1F, 0x1F, 0x1F),
        TokenClass::Keyword => Ink {
            bold: true,
            ..ink(0x6A, 0x1B, 0x62)
        },
        TokenClass::Function => ink(0x1D, 0x4A, 0x94),
        TokenClass::String => ink(0x26, 0x70, 0x2F),
        TokenClass::Number => ink(0xA1, 0x3F, 0x00),
        TokenClass::Constant => ink(0x8A, 0x3A, 0x00),
        TokenClass::Comment => Ink {
            italic: true,
            ..ink(0x6B, 0x6B, 0x62)
        },
        TokenClass::Operator => ink(0x52, 0x52, 0x52),
    }
}

/// Every class, in a fixed order (for the stylesheet and tests).
pub const CLASSES: [TokenClass; 8] = [
    TokenClass::Plain,
    TokenClass::Keyword,
    TokenClass::String,
    TokenClass::Comment,
    TokenClass::Number,
    TokenClass::Function,
    TokenClass::Constant,
    TokenClass::Operator,
];

/// The EPUB class of a token's `<span>`; `None` for plain text (no span).
pub fn css_class(class: TokenClass) -> Option<&'static str> {
    Some(match class {
        TokenClass::Plain => return None,
        TokenClass::Keyword => "hl-kw",
        TokenClass::String => "hl-str",
        TokenClass::Comment => "hl-com",
        TokenClass::Number => "hl-num",
        TokenClass::Function => "hl-fn",
        TokenClass::Constant => "hl-const",
        TokenClass::Operator => "hl-op",
    })
}

/// The stylesheet rules of the palette: the tinted block, the label and one
/// rule per span class. The block's padding is the theme's
/// (`blocks.code_pad`, written by `epub::css::theme_css`), as in the PDF.
pub fn css() -> String {
    let tint = Ink {
        rgb: TINT,
        bold: false,
        italic: false,
    };
    let mut css = format!(
        "pre {{ background-color: {}; color: {}; }}\n\
         div.code-lang {{ background-color: {}; color: {}; font-size: 0.75em; \
         padding: 0.3em 0.8em 0; margin: 1em 0 0; page-break-after: avoid; break-after: avoid; }}\n\
         div.code-lang + pre {{ margin-top: 0; }}\n",
        tint.hex(),
        palette(TokenClass::Plain).hex(),
        tint.hex(),
        LABEL.hex(),
    );
    for class in CLASSES {
        if let Some(name) = css_class(class) {
            let ink = palette(class);
            css.push_str(&format!("span.{name} {{ color: {};", ink.hex()));
            if ink.bold {
                css.push_str(" font-weight: bold;");
            }
            if ink.italic {
                css.push_str(" font-style: italic;");
            }
            css.push_str(" }\n");
        }
    }
    css
}

/// WCAG 2.1 relative luminance of an sRGB colour.
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// WCAG 2.1 contrast ratio of two sRGB colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes_of(lang: &str, code: &str) -> Vec<(String, TokenClass)> {
        let lines = highlight(lang, code);
        let text: Vec<&str> = code
            .strip_suffix('\n')
            .unwrap_or(code)
            .split('\n')
            .collect();
        lines
            .iter()
            .zip(text)
            .flat_map(|(toks, line)| {
                toks.iter()
                    .map(move |t| (line[t.start..t.end].to_string(), t.class))
            })
            .collect()
    }

    #[test]
    fn every_colour_passes_wcag_aa_on_the_tint_and_on_white() {
        for class in CLASSES {
            let ink = palette(class);
            let c = contrast(ink.rgb, TINT);
            assert!(c >= 4.5, "{class:?} {} has {c:.2}:1 on the tint", ink.hex());
            let w = contrast(ink.rgb, [255; 3]);
            assert!(w >= 4.5, "{class:?} {} has {w:.2}:1 on white", ink.hex());
        }
        assert!(contrast(LABEL.rgb, TINT) >= 4.5);
        // The formula itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast([0; 3], [255; 3]) - 21.0).abs() < 1e-9);
        assert!((contrast(TINT, TINT) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn classes_differ_in_greyscale_not_only_in_hue() {
        // Luma as a greyscale print or `pdftoppm -gray` computes it (ITU-R
        // BT.601); classes of the same luma must differ in weight or slant.
        let luma = |i: Ink| {
            let [r, g, b] = i.rgb.map(f64::from);
            0.299 * r + 0.587 * g + 0.114 * b
        };
        let plain = luma(palette(TokenClass::Plain));
        for class in CLASSES.iter().skip(1) {
            let ink = palette(*class);
            assert!(
                luma(ink) - plain >= 20.0 || ink.bold || ink.italic,
                "{class:?} is as dark as plain text"
            );
        }
        let comment = palette(TokenClass::Comment);
        assert!(comment.italic && CLASSES.iter().all(|c| luma(palette(*c)) <= luma(comment)));
    }

    #[test]
    fn rust_and_python_are_highlighted_and_cover_each_line() {
        let code = "fn main() {\n    // note\n    let x = \"hi\";\n\tprintln!(\"{}\", 42);\n}\n";
        let lines = highlight("rust", code);
        assert_eq!(lines.len(), 5);
        for (toks, line) in lines.iter().zip(code.lines()) {
            let mut at = 0;
            for t in toks {
                assert_eq!(t.start, at, "{line:?}: {toks:?}");
                at = t.end;
            }
            assert_eq!(at, line.len());
        }
        let c = classes_of("rs", code);
        assert!(c.contains(&("fn".into(), TokenClass::Keyword)), "{c:?}");
        assert!(
            c.contains(&("// note".into(), TokenClass::Comment)),
            "{c:?}"
        );
        assert!(c.contains(&("\"hi\"".into(), TokenClass::String)), "{c:?}");
        assert!(c.contains(&("42".into(), TokenClass::Number)), "{c:?}");
        let py = classes_of("py", "def f(x):\n    return None  # done\n");
        assert!(py.contains(&("def".into(), TokenClass::Keyword)), "{py:?}");
        assert!(py.contains(&("f".into(), TokenClass::Function)), "{py:?}");
        assert!(
            py.contains(&("None".into(), TokenClass::Constant)),
            "{py:?}"
        );
        assert!(
            py.contains(&("# done".into(), TokenClass::Comment)),
            "{py:?}"
        );
    }

    #[test]
    fn aliases_resolve_and_unknown_languages_are_plain() {
        for lang in [
            "rust",
            "rs",
            "rust,ignore",
            "{.python}",
            "py",
            "python",
            "js",
            "sh",
            "bash",
            "shell",
            "c++",
            "cpp",
            "toml",
            "TypeScript",
            "yaml",
        ] {
            assert!(knows(lang), "{lang}");
        }
        for lang in ["", "text", "txt", "plain", "no-such-language", "mermaid"] {
            assert!(!knows(lang), "{lang}");
            assert!(highlight(lang, "a b c\n").is_empty());
        }
    }

    #[test]
    fn a_very_long_line_stops_highlighting_but_keeps_the_text() {
        let long = "x".repeat(MAX_LINE + 1);
        let code = format!("let a = 1;\n{long}\nlet b = 2;\n");
        let lines = highlight("rust", &code);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].len() > 1);
        assert_eq!(
            lines[1],
            vec![CodeToken {
                start: 0,
                end: long.len(),
                class: TokenClass::Plain
            }]
        );
        assert_eq!(lines[2].len(), 1);
        assert_eq!(lines[2][0].class, TokenClass::Plain);
    }
}
