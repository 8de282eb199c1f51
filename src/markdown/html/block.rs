//! An HTML block's tree (html5ever) → blocks and inlines.

use html5ever::Attribute;

use super::{
    BLOCKS, DROPPED, Elem, Report, TRANSPARENT_BLOCKS, TRANSPARENT_INLINES, alignment, anchor_of,
    attr, check_attrs, collapse, finish, first_inlines, image, inline_elem, locate, valid_lang,
};
use crate::diag::SourceFile;
use crate::doc::{Align, Block, BlockKind, Definition, Inline, InlineKind, ListItem, Span};
use crate::markdown::dom::{self, Data, Dom};
use crate::markdown::{MAX_NESTING, nfc};

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
                let text = crate::markdown::expand_tabs(&text);
                // Highlighted with the Markdown's code once the document is read.
                let tokens = Vec::new();
                vec![self.block(BlockKind::CodeBlock { lang, text, tokens })]
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
        let caption = caption
            .filter(|c| !c.is_empty())
            .map(|content| crate::doc::Caption {
                content,
                id: None,
                number: 0,
                span: self.span,
            });
        Some(self.block(BlockKind::Table {
            aligns,
            header,
            rows: rows.map(|r| r.0).collect(),
            caption,
        }))
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
                BlockKind::Math(f) => vec![self.inl(InlineKind::Math(f))],
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

/// Containers whose start and end tags may stand in two HTML blocks with
/// Markdown between them (`<div align="center">` … `</div>` in a README):
/// the Markdown between goes inside.
const CONTAINERS: &[&str] = &[
    "div",
    "center",
    "details",
    "blockquote",
    "section",
    "article",
    "aside",
    "main",
    "header",
    "footer",
];

/// A container opened by an HTML block and left open for the Markdown after it.
pub struct OpenContainer {
    /// The element name.
    pub name: String,
    /// Its alignment, if any.
    pub align: Option<Align>,
    /// Its `id`.
    pub anchor: Option<String>,
    /// The `<summary>` of a `<details>`.
    pub summary: Vec<Inline>,
    /// What the opening HTML block itself holds after the start tag.
    pub blocks: Vec<Block>,
}

/// Reads an HTML block that opens one of [`CONTAINERS`] without closing it.
pub fn container_open(
    html: &str,
    span: Span,
    source: &SourceFile,
    report: &mut Report,
) -> Option<OpenContainer> {
    let t = html.trim();
    let name: String = t
        .strip_prefix('<')?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if !CONTAINERS.contains(&name.as_str()) || t.to_ascii_lowercase().contains(&format!("</{name}"))
    {
        return None;
    }
    let d = dom::parse_in("div", html);
    let roots = d.fragment_roots();
    let k = *roots
        .iter()
        .find(|&&r| d.local(r).eq_ignore_ascii_case(&name))?;
    let mut conv = Conv {
        dom: &d,
        span,
        source,
        report,
        in_link: false,
    };
    let attrs = conv.attrs(k).to_vec();
    check_attrs(&attrs, conv.report, source, span);
    let kids = d.nodes[k].children.clone();
    let summary_node = (name == "details")
        .then(|| kids.iter().copied().find(|&c| conv.name(c) == "summary"))
        .flatten();
    let summary = match summary_node {
        Some(s) => {
            let sk = d.nodes[s].children.clone();
            conv.inlines(&sk, 1, None)
        }
        None => Vec::new(),
    };
    let blocks = conv.blocks(&kids, 1, summary_node);
    Some(OpenContainer {
        align: alignment(&name, &attrs),
        anchor: anchor_of(&name, &attrs),
        name,
        summary,
        blocks,
    })
}

/// The element an HTML block closes when it is only an end tag (`</div>`).
pub fn container_close(html: &str) -> Option<String> {
    let name: String = html
        .trim()
        .strip_prefix("</")?
        .strip_suffix('>')?
        .trim()
        .to_string();
    (CONTAINERS.contains(&name.to_ascii_lowercase().as_str())).then(|| name.to_ascii_lowercase())
}

impl OpenContainer {
    /// The blocks the container becomes around `blocks` (the Markdown between its tags).
    pub fn close(self, blocks: Vec<Block>, span: Span) -> Vec<Block> {
        let block = |kind| Block { kind, span };
        let mut made = match self.name.as_str() {
            "details" => vec![block(BlockKind::Details {
                summary: self.summary,
                blocks,
            })],
            "blockquote" => vec![block(BlockKind::BlockQuote(blocks))],
            _ => blocks,
        };
        if let Some(align) = self.align
            && !made.is_empty()
        {
            made = vec![block(BlockKind::Aligned {
                align,
                blocks: made,
            })];
        }
        if let Some(id) = self.anchor {
            let a = Inline {
                kind: InlineKind::Anchor(id),
                span,
            };
            match made.first_mut().and_then(first_inlines) {
                Some(content) => content.insert(0, a),
                None => made.insert(0, block(BlockKind::Paragraph(vec![a]))),
            }
        }
        made
    }
}
