//! Raw HTML → the model's own nodes, so that no writer meets an HTML string.
//!
//! An HTML *block* is parsed by html5ever ([`super::dom`]) the way a browser
//! parses it (entities decoded, unclosed tags closed, misnested ones
//! repaired) and its tree mapped to [`Block`]s and [`Inline`]s. *Inline*
//! HTML arrives from pulldown-cmark as separate open-tag, text and
//! close-tag events; the reader folds them on its stack with [`Elem`]s from
//! [`open_tag`], and [`finish`] turns a closed element into nodes.
//!
//! The mapping (what the EPUB writer's sanitising whitelist used to keep):
//! `i em cite var dfn` → emphasis, `b strong` → strong, `s del strike` →
//! strikethrough, `u ins` → underline, `sup sub small kbd mark`, `code samp
//! tt` → code, `a href` → link, `a name` / `id` → anchor, `img` → image,
//! `br` → hard break, `lang=` → a language span; `p div center` (with
//! `align=` or `style="text-align: …"`), `h1`–`h6`, `ul ol li`,
//! `blockquote`, `pre`, `hr`, `table` (no spans), `details summary`,
//! `figure figcaption`, `dl dt dd`. Active content ([`DROPPED`]) is dropped
//! with a warning; other elements keep their text, reported once per name
//! in one grouped warning.
//!
//! White space follows CSS `white-space: normal` (CSS Text 3, § 4.1.1): a
//! run of spaces, tabs and newlines is one space, dropped at the start and
//! end of a line (next to `<br>` and the block's edges).

mod block;
mod space;

use html5ever::Attribute;

pub use block::{OpenContainer, blocks, container_close, container_open};
pub use space::collapse;

use super::dom::{self, Data, Dom};
use super::nfc;
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Align, Block, BlockKind, Inline, InlineKind, Span};

/// Elements dropped with their content: scripting, embedding, forms, metadata.
pub const DROPPED: &[&str] = &[
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "frame",
    "frameset",
    "applet",
    "base",
    "link",
    "meta",
    "noscript",
    "template",
    "svg",
    "math",
    "video",
    "audio",
    "canvas",
    "select",
    "textarea",
    "button",
    "input",
    "title",
    "head",
    "param",
    "source",
    "track",
    "map",
    "area",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
];

/// Block elements with a mapping of their own.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "hr",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "details",
    "summary",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
];

/// Sectioning and grouping elements that only hold their content: kept
/// silently as that content.
const TRANSPARENT_BLOCKS: &[&str] = &[
    "section", "article", "aside", "nav", "header", "footer", "main", "address", "hgroup",
];

/// Phrasing elements that only hold their content (no style of their own
/// in print): kept silently as that content.
const TRANSPARENT_INLINES: &[&str] = &[
    "span", "abbr", "bdi", "bdo", "q", "time", "data", "wbr", "ruby", "rb", "rp", "rt",
];

/// What an inline HTML element becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Elem {
    /// `<i>`, `<em>`, `<cite>`, `<var>`, `<dfn>`.
    Emphasis,
    /// `<b>`, `<strong>`.
    Strong,
    /// `<s>`, `<del>`, `<strike>`.
    Strike,
    /// `<u>`, `<ins>`.
    Underline,
    /// `<sup>`.
    Sup,
    /// `<sub>`.
    Sub,
    /// `<small>`.
    Small,
    /// `<kbd>`.
    Kbd,
    /// `<mark>`.
    Mark,
    /// `<code>`, `<samp>`, `<tt>`: the text in the code face.
    Code,
    /// `<a href>`.
    Link {
        /// The URL.
        url: String,
        /// The `title` attribute.
        title: String,
    },
    /// Kept as its content.
    Transparent,
    /// Active content: dropped with what it holds.
    Drop,
}

/// An inline open tag, read: the element, its language and an anchor id.
pub struct OpenTag {
    /// The lowercase element name.
    pub name: String,
    /// What it maps to.
    pub elem: Elem,
    /// A valid `lang` attribute.
    pub lang: Option<String>,
    /// The `id` (or `<a name>`) the element carries: a link target.
    pub anchor: Option<String>,
    /// Whether the element has no content (`<br>`, `<img>`, `<x/>`).
    pub void: bool,
    /// For `<br>` and `<img>`: the node itself.
    pub node: Option<InlineKind>,
}

/// Problems found in raw HTML, reported together when the document is read.
#[derive(Default)]
pub struct Report {
    /// Elements with no mapping: name, count, offset of the first.
    unknown: Vec<(String, usize, usize)>,
    /// Other warnings: offset and message, each once.
    warnings: Vec<(usize, String)>,
}

impl Report {
    fn unknown(&mut self, name: &str, at: usize) {
        match self.unknown.iter_mut().find(|u| u.0 == name) {
            Some(u) => u.1 += 1,
            None => self.unknown.push((name.to_string(), 1, at)),
        }
    }

    fn warn(&mut self, at: usize, message: String) {
        if !self.warnings.iter().any(|(a, m)| *a == at && *m == message) {
            self.warnings.push((at, message));
        }
    }

    /// Pushes the warnings: dropped content one by one, unknown elements as
    /// one warning naming each element once with its count and first place.
    pub fn into_diags(self, source: &SourceFile, diags: &mut Diagnostics) {
        for (at, message) in self.warnings {
            diags.push(
                Diagnostic::warning(message)
                    .at(source, Span::new(at, at))
                    .help("raw HTML may not run or embed anything; only its text is kept"),
            );
        }
        if let Some(&(_, _, first)) = self.unknown.first() {
            let list: Vec<String> = self
                .unknown
                .iter()
                .map(|(name, count, at)| {
                    let l = source.location(*at);
                    format!(
                        "`<{name}>` ({count}×, first at {}:{}:{})",
                        l.path.display(),
                        l.line,
                        l.col
                    )
                })
                .collect();
            diags.push(
                Diagnostic::warning(format!(
                    "raw HTML elements with no equivalent in the book were kept as their text: {}",
                    list.join(", ")
                ))
                .at(source, Span::new(first, first))
                .help("use Markdown, or HTML elements trang maps (see the reader's documentation)"),
            );
        }
    }
}

/// Where `needle` first occurs (ASCII case-insensitive) in `span` of the
/// source, else the span's start.
fn locate(source: &SourceFile, span: Span, needle: &str) -> usize {
    let region = source
        .piece(span.start..span.end.min(source.len()))
        .unwrap_or_default();
    let needle = needle.to_ascii_lowercase();
    region
        .to_ascii_lowercase()
        .find(&needle)
        .map_or(span.start, |i| span.start + i)
}

fn attr(attrs: &[Attribute], key: &str) -> Option<String> {
    attrs
        .iter()
        .find(|a| str::eq_ignore_ascii_case(&a.name.local, key))
        .map(|a| nfc(&a.value))
}

/// A CSS-px length attribute (`width="300"`, `300px`); percentages and
/// other units are not lengths the model keeps.
fn px(attrs: &[Attribute], key: &str) -> Option<u32> {
    let v = attr(attrs, key)?;
    let v = v.trim();
    let v = v.strip_suffix("px").unwrap_or(v);
    v.parse::<u32>().ok().filter(|&n| n > 0 && n < 100_000)
}

/// `align=` or `style="text-align: …"` (HTML 4.01 § 15.1.2; CSS Text 3 § 7.1).
fn alignment(name: &str, attrs: &[Attribute]) -> Option<Align> {
    if name == "center" {
        return Some(Align::Center);
    }
    let from_style = attr(attrs, "style").and_then(|s| {
        s.split(';').find_map(|decl| {
            let (k, v) = decl.split_once(':')?;
            (k.trim().eq_ignore_ascii_case("text-align")).then(|| v.trim().to_ascii_lowercase())
        })
    });
    let value = from_style.or_else(|| attr(attrs, "align").map(|a| a.to_ascii_lowercase()))?;
    match value.trim() {
        "center" => Some(Align::Center),
        "right" | "end" => Some(Align::Right),
        "left" | "start" | "justify" => Some(Align::Left),
        _ => None,
    }
}

fn valid_lang(attrs: &[Attribute]) -> Option<String> {
    attr(attrs, "lang").filter(|l| crate::frontmatter::is_bcp47(l))
}

fn is_script_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:")
}

/// Warns about event-handler attributes (`onclick`…): none is kept.
fn check_attrs(attrs: &[Attribute], report: &mut Report, source: &SourceFile, span: Span) {
    for a in attrs {
        let key = a.name.local.to_ascii_lowercase();
        if key.starts_with("on") {
            report.warn(
                locate(source, span, &key),
                format!("event-handler attribute `{key}` in raw HTML was dropped"),
            );
        }
    }
}

/// The mapping of an inline element `name` with `attrs`; `in_link` when a
/// link is already open (a link inside a link keeps only its text).
fn inline_elem(
    name: &str,
    attrs: &[Attribute],
    in_link: bool,
    report: &mut Report,
    source: &SourceFile,
    span: Span,
) -> Elem {
    match name {
        "i" | "em" | "cite" | "var" | "dfn" => Elem::Emphasis,
        "b" | "strong" => Elem::Strong,
        "s" | "del" | "strike" => Elem::Strike,
        "u" | "ins" => Elem::Underline,
        "sup" => Elem::Sup,
        "sub" => Elem::Sub,
        "small" => Elem::Small,
        "kbd" => Elem::Kbd,
        "mark" => Elem::Mark,
        "code" | "samp" | "tt" => Elem::Code,
        "a" => match attr(attrs, "href") {
            Some(url) if is_script_url(&url) => {
                report.warn(
                    locate(source, span, "javascript:"),
                    "a `javascript:` URL in raw HTML was dropped".into(),
                );
                Elem::Transparent
            }
            Some(url) if !in_link && !url.trim().is_empty() => Elem::Link {
                url: url.trim().to_string(),
                title: attr(attrs, "title").unwrap_or_default(),
            },
            _ => Elem::Transparent,
        },
        n if DROPPED.contains(&n) => {
            report.warn(
                locate(source, span, &format!("<{n}")),
                format!("raw HTML element `<{n}>` is not allowed and was dropped"),
            );
            Elem::Drop
        }
        n if TRANSPARENT_INLINES.contains(&n)
            || TRANSPARENT_BLOCKS.contains(&n)
            || BLOCKS.contains(&n) =>
        {
            Elem::Transparent
        }
        n => {
            report.unknown(n, locate(source, span, &format!("<{n}")));
            Elem::Transparent
        }
    }
}

/// The anchor an element carries: `id`, or `name` on `<a>`.
fn anchor_of(name: &str, attrs: &[Attribute]) -> Option<String> {
    attr(attrs, "id")
        .or_else(|| (name == "a").then(|| attr(attrs, "name")).flatten())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn image(attrs: &[Attribute]) -> Option<InlineKind> {
    let src = attr(attrs, "src").filter(|s| !s.trim().is_empty() && !is_script_url(s))?;
    let alt = attr(attrs, "alt").unwrap_or_default();
    Some(InlineKind::Image {
        src: src.trim().to_string(),
        title: attr(attrs, "title").unwrap_or_default(),
        alt: if alt.is_empty() {
            Vec::new()
        } else {
            vec![Inline {
                kind: InlineKind::Text(alt),
                span: Span::default(),
            }]
        },
        width: px(attrs, "width"),
        height: px(attrs, "height"),
        scale: None,
    })
}

/// Reads one inline HTML event (`<b>`, `</b>`, `<br/>`, `<!-- -->`):
/// `Ok(Some(tag))` for an open tag, `Err(name)` for a close tag, `Ok(None)`
/// for comments and the like.
pub fn read_tag(
    raw: &str,
    in_link: bool,
    report: &mut Report,
    source: &SourceFile,
    span: Span,
) -> Result<Option<OpenTag>, String> {
    let t = raw.trim();
    if let Some(rest) = t.strip_prefix("</") {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        return Err(name.to_ascii_lowercase());
    }
    let Some(rest) = t.strip_prefix('<') else {
        return Ok(None);
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        return Ok(None); // comment, declaration, processing instruction
    }
    // html5ever reads the attributes (entities decoded, quotes handled).
    let context = if matches!(name.as_str(), "td" | "th" | "tr") {
        "tr"
    } else {
        "div"
    };
    let parsed = dom::parse_in(context, t);
    let attrs: Vec<Attribute> = first_element(&parsed)
        .and_then(|k| match &parsed.nodes[k].data {
            Data::Element(a) => Some(a.clone()),
            _ => None,
        })
        .unwrap_or_default();
    check_attrs(&attrs, report, source, span);
    let void_name = matches!(
        name.as_str(),
        "br" | "img" | "wbr" | "hr" | "col" | "input" | "source" | "track" | "area" | "embed"
    );
    let node = match name.as_str() {
        "br" => Some(InlineKind::HardBreak),
        "img" => image(&attrs),
        _ => None,
    };
    let elem = if matches!(name.as_str(), "br" | "img" | "wbr" | "hr") {
        Elem::Transparent
    } else {
        inline_elem(&name, &attrs, in_link, report, source, span)
    };
    Ok(Some(OpenTag {
        lang: valid_lang(&attrs),
        anchor: anchor_of(&name, &attrs),
        void: void_name || t.ends_with("/>"),
        node,
        name,
        elem,
    }))
}

fn first_element(d: &Dom) -> Option<usize> {
    let mut stack: Vec<usize> = d.fragment_roots().into_iter().rev().collect();
    while let Some(k) = stack.pop() {
        if matches!(d.nodes[k].data, Data::Element(_)) {
            return Some(k);
        }
        stack.extend(d.nodes[k].children.iter().rev());
    }
    None
}

/// The nodes a closed inline element becomes, from its content.
pub fn finish(elem: Elem, lang: Option<String>, content: Vec<Inline>, span: Span) -> Vec<Inline> {
    let one = |kind| vec![Inline { kind, span }];
    let nodes = match elem {
        Elem::Emphasis => one(InlineKind::Emphasis(content)),
        Elem::Strong => one(InlineKind::Strong(content)),
        Elem::Strike => one(InlineKind::Strikethrough(content)),
        Elem::Underline => one(InlineKind::Underline(content)),
        Elem::Sup => one(InlineKind::Superscript(content)),
        Elem::Sub => one(InlineKind::Subscript(content)),
        Elem::Small => one(InlineKind::Small(content)),
        Elem::Kbd => one(InlineKind::Kbd(content)),
        Elem::Mark => one(InlineKind::Mark(content)),
        Elem::Code => one(InlineKind::Code(crate::doc::plain_text(&content))),
        Elem::Link { url, title } => one(InlineKind::Link {
            url,
            title,
            content,
        }),
        Elem::Transparent => content,
        Elem::Drop => Vec::new(),
    };
    match lang {
        Some(lang) if !nodes.is_empty() => one(InlineKind::Lang {
            lang,
            content: nodes,
        }),
        _ => nodes,
    }
}

/// The first inline container at the start of a block (a paragraph or
/// heading, or the first one inside a container).
pub fn first_inlines(block: &mut Block) -> Option<&mut Vec<Inline>> {
    match &mut block.kind {
        BlockKind::Paragraph(c) | BlockKind::Heading { content: c, .. } => Some(c),
        BlockKind::BlockQuote(bs)
        | BlockKind::Aligned { blocks: bs, .. }
        | BlockKind::Callout { blocks: bs, .. } => bs.first_mut().and_then(first_inlines),
        BlockKind::Details { summary, .. } => Some(summary),
        BlockKind::List { items, .. } => items
            .first_mut()
            .and_then(|i| i.blocks.first_mut())
            .and_then(first_inlines),
        BlockKind::Figure { caption, .. } => Some(caption),
        BlockKind::DefinitionList(defs) => defs.first_mut().map(|d| &mut d.term),
        BlockKind::Table { header, .. } => header.first_mut(),
        BlockKind::CodeBlock { .. } | BlockKind::Math(_) | BlockKind::ThematicBreak => None,
    }
}
