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

use html5ever::Attribute;

use super::dom::{self, Data, Dom};
use super::{MAX_NESTING, nfc};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Align, Block, BlockKind, Definition, Inline, InlineKind, ListItem, Span};

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
    let text = &source.text;
    let region = text.get(span.start..span.end.min(text.len())).unwrap_or("");
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

/// Parses an HTML block into blocks. Every node gets the block's `span`.
pub fn blocks(html: &str, span: Span, source: &SourceFile, report: &mut Report) -> Vec<Block> {
    let d = dom::parse_in("div", html);
    let mut conv = Conv {
        dom: &d,
        span,
        source,
        report,
        in_link: false,
    };
    let roots = d.fragment_roots();
    conv.blocks(&roots, 0, None)
}

struct Conv<'a> {
    dom: &'a Dom,
    span: Span,
    source: &'a SourceFile,
    report: &'a mut Report,
    in_link: bool,
}

impl Conv<'_> {
    fn inl(&self, kind: InlineKind) -> Inline {
        Inline {
            kind,
            span: self.span,
        }
    }

    fn block(&self, kind: BlockKind) -> Block {
        Block {
            kind,
            span: self.span,
        }
    }

    fn name(&self, k: usize) -> String {
        self.dom.local(k).to_ascii_lowercase()
    }

    fn attrs(&self, k: usize) -> &[Attribute] {
        match &self.dom.nodes[k].data {
            Data::Element(a) => a,
            _ => &[],
        }
    }

    /// Whether `k` sits in a block context as a block (else it joins the
    /// paragraph of the inline content around it).
    fn is_block(&self, k: usize) -> bool {
        if !matches!(self.dom.nodes[k].data, Data::Element(_)) {
            return false;
        }
        let name = self.name(k);
        if BLOCKS.contains(&name.as_str()) || TRANSPARENT_BLOCKS.contains(&name.as_str()) {
            return true;
        }
        let known_inline = TRANSPARENT_INLINES.contains(&name.as_str())
            || DROPPED.contains(&name.as_str())
            || matches!(
                name.as_str(),
                "i" | "em"
                    | "cite"
                    | "var"
                    | "dfn"
                    | "b"
                    | "strong"
                    | "s"
                    | "del"
                    | "strike"
                    | "u"
                    | "ins"
                    | "sup"
                    | "sub"
                    | "small"
                    | "kbd"
                    | "mark"
                    | "code"
                    | "samp"
                    | "tt"
                    | "a"
                    | "img"
                    | "br"
            );
        // An unknown element is a block when it holds one (looking one level
        // down only, so that deep nesting costs no deep recursion).
        !known_inline
            && self.dom.nodes[k].children.iter().any(|&c| {
                let n = self.name(c);
                BLOCKS.contains(&n.as_str()) || TRANSPARENT_BLOCKS.contains(&n.as_str())
            })
    }

    /// Maps `kids` in a block context; `skip` is a node already used (the
    /// image of a figure).
    fn blocks(&mut self, kids: &[usize], depth: usize, skip: Option<usize>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut run: Vec<Inline> = Vec::new();
        for &k in kids {
            if Some(k) == skip {
                continue;
            }
            if self.is_block(k) {
                self.flush(&mut run, &mut out);
                self.block_node(k, depth, &mut out, skip);
            } else {
                self.inline(k, depth, &mut run, skip);
            }
        }
        self.flush(&mut run, &mut out);
        out
    }

    fn flush(&mut self, run: &mut Vec<Inline>, out: &mut Vec<Block>) {
        let mut content = std::mem::take(run);
        collapse(&mut content);
        if !content.is_empty() {
            out.push(self.block(BlockKind::Paragraph(content)));
        }
    }

    /// Inline content of `kids`, white space collapsed.
    fn inlines(&mut self, kids: &[usize], depth: usize, skip: Option<usize>) -> Vec<Inline> {
        let mut run = Vec::new();
        for &k in kids {
            if Some(k) != skip {
                self.inline(k, depth, &mut run, skip);
            }
        }
        collapse(&mut run);
        run
    }

    fn block_node(&mut self, k: usize, depth: usize, out: &mut Vec<Block>, skip: Option<usize>) {
        let name = self.name(k);
        let kids = self.dom.nodes[k].children.clone();
        let attrs = self.attrs(k).to_vec();
        check_attrs(&attrs, self.report, self.source, self.span);
        if depth > MAX_NESTING {
            let text = self.text(k);
            let mut content = vec![self.inl(InlineKind::Text(text))];
            collapse(&mut content);
            if !content.is_empty() {
                out.push(self.block(BlockKind::Paragraph(content)));
            }
            return;
        }
        let d = depth + 1;
        let align = alignment(&name, &attrs);
        let anchor = anchor_of(&name, &attrs);
        let mut made: Vec<Block> = match name.as_str() {
            "p" | "dt" | "summary" | "figcaption" | "caption" => {
                let content = self.inlines(&kids, d, skip);
                if content.is_empty() {
                    Vec::new()
                } else {
                    vec![self.block(BlockKind::Paragraph(content))]
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let content = self.inlines(&kids, d, skip);
                let level = name.as_bytes()[1] - b'0';
                let id = anchor.clone().unwrap_or_default();
                vec![self.block(BlockKind::Heading {
                    level,
                    id,
                    classes: Vec::new(),
                    content,
                })]
            }
            "ul" | "ol" => vec![self.list(&name, &attrs, &kids, d)],
            "blockquote" => {
                let blocks = self.blocks(&kids, d, skip);
                vec![self.block(BlockKind::BlockQuote(blocks))]
            }
            "pre" => {
                let mut text = self.text(k);
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                let lang = self.code_lang(k);
                vec![self.block(BlockKind::CodeBlock { lang, text })]
            }
            "hr" => vec![self.block(BlockKind::ThematicBreak)],
            "table" => self.table(k, d).into_iter().collect(),
            "details" => {
                let summary_node = kids.iter().copied().find(|&c| self.name(c) == "summary");
                let summary = match summary_node {
                    Some(s) => {
                        let sk = self.dom.nodes[s].children.clone();
                        self.inlines(&sk, d, None)
                    }
                    None => Vec::new(),
                };
                let blocks = self.blocks(&kids, d, summary_node);
                vec![self.block(BlockKind::Details { summary, blocks })]
            }
            "figure" => self.figure(k, &kids, d),
            "dl" => vec![self.definitions(&kids, d)],
            n if DROPPED.contains(&n) => {
                self.report.warn(
                    locate(self.source, self.span, &format!("<{n}")),
                    format!("raw HTML element `<{n}>` is not allowed and was dropped"),
                );
                Vec::new()
            }
            n => {
                if !BLOCKS.contains(&n) && !TRANSPARENT_BLOCKS.contains(&n) {
                    self.report
                        .unknown(n, locate(self.source, self.span, &format!("<{n}")));
                }
                self.blocks(&kids, d, skip)
            }
        };
        if let Some(align) = align
            && !made.is_empty()
            && !is_heading(&name)
        {
            made = vec![self.block(BlockKind::Aligned {
                align,
                blocks: made,
            })];
        }
        if let Some(id) = anchor
            && !is_heading(&name)
        {
            let a = self.inl(InlineKind::Anchor(id));
            match made.first_mut().and_then(first_inlines) {
                Some(content) => content.insert(0, a),
                None => made.insert(0, self.block(BlockKind::Paragraph(vec![a]))),
            }
        }
        out.extend(made);
    }

    fn list(&mut self, name: &str, attrs: &[Attribute], kids: &[usize], d: usize) -> Block {
        let mut items = Vec::new();
        let mut loose = Vec::new();
        for &c in kids {
            let blocks = if self.name(c) == "li" {
                let ck = self.dom.nodes[c].children.clone();
                let mut blocks = self.blocks(&ck, d, None);
                if let Some(id) = anchor_of("li", self.attrs(c)) {
                    let a = self.inl(InlineKind::Anchor(id));
                    match blocks.first_mut().and_then(first_inlines) {
                        Some(content) => content.insert(0, a),
                        None => blocks.insert(0, self.block(BlockKind::Paragraph(vec![a]))),
                    }
                }
                blocks
            } else {
                // Stray content in a list becomes an item of its own.
                let blocks = self.blocks(&[c], d, None);
                if blocks.is_empty() {
                    continue;
                }
                blocks
            };
            loose.push(blocks.len() > 1);
            items.push(ListItem {
                task: None,
                blocks,
                span: self.span,
            });
        }
        let start = (name == "ol").then(|| {
            attr(attrs, "start")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
        });
        self.block(BlockKind::List {
            start,
            tight: !loose.iter().any(|&l| l),
            items,
        })
    }

    fn code_lang(&self, pre: usize) -> Option<String> {
        let from = |k: usize| {
            attr(self.attrs(k), "class").and_then(|c| {
                c.split_whitespace()
                    .find_map(|w| w.strip_prefix("language-").or(w.strip_prefix("lang-")))
                    .map(str::to_string)
            })
        };
        from(pre).or_else(|| {
            self.dom.nodes[pre]
                .children
                .iter()
                .find(|&&c| self.name(c) == "code")
                .and_then(|&c| from(c))
        })
    }

    /// A simple table: rows of `th`/`td` cells (spans are not kept); the
    /// first row is the header.
    fn table(&mut self, k: usize, d: usize) -> Option<Block> {
        let mut rows: Vec<(Vec<Vec<Inline>>, Vec<Align>)> = Vec::new();
        let mut caption = None;
        let mut stack: Vec<usize> = self.dom.nodes[k].children.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            match self.name(n).as_str() {
                "thead" | "tbody" | "tfoot" => {
                    stack.extend(self.dom.nodes[n].children.iter().rev().copied())
                }
                "caption" => {
                    let ck = self.dom.nodes[n].children.clone();
                    caption = Some(self.inlines(&ck, d, None));
                }
                "tr" => {
                    let mut cells = Vec::new();
                    let mut aligns = Vec::new();
                    for &c in &self.dom.nodes[n].children.clone() {
                        let cname = self.name(c);
                        if cname == "td" || cname == "th" {
                            let ck = self.dom.nodes[c].children.clone();
                            aligns.push(alignment(&cname, self.attrs(c)).unwrap_or(Align::None));
                            cells.push(self.cell(&ck, d));
                        }
                    }
                    rows.push((cells, aligns));
                }
                _ => {}
            }
        }
        let columns = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        if columns == 0 {
            return None;
        }
        for row in &mut rows {
            row.0.resize_with(columns, Vec::new);
        }
        let mut rows = rows.into_iter();
        let (header, mut aligns) = rows.next().unwrap_or_default();
        aligns.resize(columns, Align::None);
        let table = self.block(BlockKind::Table {
            aligns,
            header,
            rows: rows.map(|r| r.0).collect(),
        });
        Some(match caption.filter(|c| !c.is_empty()) {
            // A caption is printed above the table, as a browser does.
            Some(c) => self.block(BlockKind::Aligned {
                align: Align::Center,
                blocks: vec![self.block(BlockKind::Paragraph(c)), table],
            }),
            None => table,
        })
    }

    /// A cell's inline content; its paragraphs are separated by line breaks.
    fn cell(&mut self, kids: &[usize], d: usize) -> Vec<Inline> {
        let blocks = self.blocks(kids, d, None);
        let mut out = Vec::new();
        let mut stack: Vec<Block> = blocks.into_iter().rev().collect();
        while let Some(b) = stack.pop() {
            let content = match b.kind {
                BlockKind::Paragraph(c) | BlockKind::Heading { content: c, .. } => c,
                BlockKind::CodeBlock { text, .. } => vec![self.inl(InlineKind::Code(text))],
                BlockKind::BlockQuote(bs)
                | BlockKind::Aligned { blocks: bs, .. }
                | BlockKind::Callout { blocks: bs, .. }
                | BlockKind::Details { blocks: bs, .. } => {
                    stack.extend(bs.into_iter().rev());
                    continue;
                }
                BlockKind::List { items, .. } => {
                    for item in items.into_iter().rev() {
                        stack.extend(item.blocks.into_iter().rev());
                    }
                    continue;
                }
                BlockKind::DefinitionList(defs) => {
                    for def in defs.into_iter().rev() {
                        for bs in def.details.into_iter().rev() {
                            stack.extend(bs.into_iter().rev());
                        }
                        stack.push(self.block(BlockKind::Paragraph(def.term)));
                    }
                    continue;
                }
                BlockKind::Figure { image, caption } => {
                    let mut c = vec![image];
                    c.extend(caption);
                    c
                }
                BlockKind::Table { .. } | BlockKind::ThematicBreak => continue,
            };
            if content.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(self.inl(InlineKind::HardBreak));
            }
            out.extend(content);
        }
        out
    }

    fn figure(&mut self, k: usize, kids: &[usize], d: usize) -> Vec<Block> {
        let caption_node = kids.iter().copied().find(|&c| self.name(c) == "figcaption");
        let caption = match caption_node {
            Some(c) => {
                let ck = self.dom.nodes[c].children.clone();
                self.inlines(&ck, d, None)
            }
            None => Vec::new(),
        };
        // The first image of the figure, anywhere inside it.
        let mut img = None;
        let mut stack: Vec<usize> = kids.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if Some(n) == caption_node {
                continue;
            }
            if self.name(n) == "img" {
                img = Some(n);
                break;
            }
            stack.extend(self.dom.nodes[n].children.iter().rev().copied());
        }
        let image = img.and_then(|i| image(self.attrs(i)));
        let rest_kids: Vec<usize> = kids
            .iter()
            .copied()
            .filter(|&c| Some(c) != caption_node)
            .collect();
        let mut out = self.blocks(&rest_kids, d, img.filter(|_| image.is_some()));
        match image {
            Some(kind) => {
                // Whatever else the figure holds comes first; an empty
                // paragraph left by the image's link is dropped.
                out.retain(|b| !matches!(&b.kind, BlockKind::Paragraph(c) if c.is_empty()));
                out.push(self.block(BlockKind::Figure {
                    image: self.inl(kind),
                    caption,
                }));
            }
            None if !caption.is_empty() => out.push(self.block(BlockKind::Paragraph(caption))),
            None => {}
        }
        let _ = k;
        out
    }

    fn definitions(&mut self, kids: &[usize], d: usize) -> Block {
        let mut defs: Vec<Definition> = Vec::new();
        let mut stack: Vec<usize> = kids.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            let ck = self.dom.nodes[n].children.clone();
            match self.name(n).as_str() {
                "dt" => {
                    let term = self.inlines(&ck, d, None);
                    defs.push(Definition {
                        term,
                        details: Vec::new(),
                        span: self.span,
                    });
                }
                "dd" => {
                    let blocks = self.blocks(&ck, d, None);
                    match defs.last_mut() {
                        Some(def) => def.details.push(blocks),
                        None => defs.push(Definition {
                            term: Vec::new(),
                            details: vec![blocks],
                            span: self.span,
                        }),
                    }
                }
                // `<div>` groups inside `<dl>` (HTML § 4.4.9).
                "div" => stack.extend(ck.iter().rev().copied()),
                _ => {}
            }
        }
        self.block(BlockKind::DefinitionList(defs))
    }

    /// Text content of `k` (no recursion).
    fn text(&self, k: usize) -> String {
        let mut out = String::new();
        let mut stack = vec![k];
        while let Some(n) = stack.pop() {
            match &self.dom.nodes[n].data {
                Data::Text(t) => out.push_str(t),
                Data::Element(_) if !DROPPED.contains(&self.name(n).as_str()) => {
                    if self.name(n) == "br" {
                        out.push('\n');
                    }
                    stack.extend(self.dom.nodes[n].children.iter().rev())
                }
                _ => {}
            }
        }
        nfc(&out)
    }

    fn push_text(out: &mut Vec<Inline>, t: String, span: Span) {
        if let Some(Inline {
            kind: InlineKind::Text(prev),
            ..
        }) = out.last_mut()
        {
            prev.push_str(&t);
        } else {
            out.push(Inline {
                kind: InlineKind::Text(t),
                span,
            });
        }
    }

    /// Maps the inline node `k` onto `out`.
    fn inline(&mut self, k: usize, depth: usize, out: &mut Vec<Inline>, skip: Option<usize>) {
        let node = &self.dom.nodes[k];
        match &node.data {
            Data::Text(t) => {
                Self::push_text(out, nfc(t), self.span);
                return;
            }
            Data::Element(_) => {}
            _ => return,
        }
        if depth > MAX_NESTING {
            let text = self.text(k);
            Self::push_text(out, text, self.span);
            return;
        }
        let name = self.name(k);
        let attrs = self.attrs(k).to_vec();
        check_attrs(&attrs, self.report, self.source, self.span);
        if let Some(id) = anchor_of(&name, &attrs) {
            out.push(self.inl(InlineKind::Anchor(id)));
        }
        match name.as_str() {
            "br" => {
                out.push(self.inl(InlineKind::HardBreak));
                return;
            }
            "img" => {
                if let Some(kind) = image(&attrs) {
                    out.push(self.inl(kind));
                } else if let Some(alt) = attr(&attrs, "alt") {
                    Self::push_text(out, alt, self.span);
                }
                return;
            }
            _ => {}
        }
        let elem = inline_elem(
            &name,
            &attrs,
            self.in_link,
            self.report,
            self.source,
            self.span,
        );
        let kids = self.dom.nodes[k].children.clone();
        let was_in_link = self.in_link;
        self.in_link |= matches!(elem, Elem::Link { .. });
        let mut content = Vec::new();
        for &c in &kids {
            if Some(c) != skip {
                self.inline(c, depth + 1, &mut content, skip);
            }
        }
        self.in_link = was_in_link;
        // A block element met inline ends in a space, so its text stays apart.
        if BLOCKS.contains(&name.as_str()) || TRANSPARENT_BLOCKS.contains(&name.as_str()) {
            Self::push_text(&mut content, " ".into(), self.span);
        }
        for n in finish(elem, valid_lang(&attrs), content, self.span) {
            match n.kind {
                InlineKind::Text(t) => Self::push_text(out, t, n.span),
                _ => out.push(n),
            }
        }
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
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
        BlockKind::CodeBlock { .. } | BlockKind::ThematicBreak => None,
    }
}

/// HTML white-space collapsing (CSS Text 3 § 4.1.1) over nested inlines: a
/// run of white space is one space; none at the start, at the end, or next
/// to a line break; a last line break of the block makes no empty line.
pub fn collapse(inlines: &mut Vec<Inline>) {
    let mut prev_space = true;
    forward(inlines, &mut prev_space);
    let mut next_break = true;
    backward(inlines, &mut next_break);
    prune(inlines);
    drop_last_break(inlines);
    prune(inlines);
}

fn children_mut(kind: &mut InlineKind) -> Option<&mut Vec<Inline>> {
    match kind {
        InlineKind::Emphasis(c)
        | InlineKind::Strong(c)
        | InlineKind::Strikethrough(c)
        | InlineKind::Underline(c)
        | InlineKind::Superscript(c)
        | InlineKind::Subscript(c)
        | InlineKind::Small(c)
        | InlineKind::Kbd(c)
        | InlineKind::Mark(c)
        | InlineKind::Lang { content: c, .. }
        | InlineKind::Link { content: c, .. } => Some(c),
        _ => None,
    }
}

fn forward(v: &mut [Inline], prev_space: &mut bool) {
    for inl in v {
        match &mut inl.kind {
            InlineKind::Text(t) => {
                let mut s = String::with_capacity(t.len());
                for c in t.chars() {
                    if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
                        if !*prev_space {
                            s.push(' ');
                            *prev_space = true;
                        }
                    } else {
                        s.push(c);
                        *prev_space = false;
                    }
                }
                *t = s;
            }
            InlineKind::HardBreak => *prev_space = true,
            InlineKind::Anchor(_) => {}
            kind => match children_mut(kind) {
                Some(c) => forward(c, prev_space),
                None => *prev_space = false,
            },
        }
    }
}

fn backward(v: &mut [Inline], next_break: &mut bool) {
    for inl in v.iter_mut().rev() {
        match &mut inl.kind {
            InlineKind::Text(t) => {
                if *next_break {
                    let n = t.trim_end_matches(' ').len();
                    t.truncate(n);
                }
                if !t.is_empty() {
                    *next_break = false;
                }
            }
            InlineKind::HardBreak => *next_break = true,
            InlineKind::Anchor(_) => {}
            kind => match children_mut(kind) {
                Some(c) => backward(c, next_break),
                None => *next_break = false,
            },
        }
    }
}

/// Drops empty text, and formatting left empty by it.
fn prune(v: &mut Vec<Inline>) {
    v.retain_mut(|inl| match &mut inl.kind {
        InlineKind::Text(t) => !t.is_empty(),
        InlineKind::Link { .. } => {
            if let Some(c) = children_mut(&mut inl.kind) {
                prune(c);
            }
            true
        }
        kind => match children_mut(kind) {
            Some(c) => {
                prune(c);
                !c.is_empty()
            }
            None => true,
        },
    });
}

fn drop_last_break(v: &mut Vec<Inline>) -> bool {
    match v.last_mut() {
        Some(Inline {
            kind: InlineKind::HardBreak,
            ..
        }) => {
            v.pop();
            true
        }
        Some(inl) => match children_mut(&mut inl.kind) {
            Some(c) => drop_last_break(c),
            None => false,
        },
        None => false,
    }
}
