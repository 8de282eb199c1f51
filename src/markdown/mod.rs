//! Markdown → [`Document`]: pulldown-cmark events folded into the owned tree.
//!
//! The fold is iterative (an explicit stack of open containers), so deeply
//! nested input cannot overflow the call stack; nesting beyond
//! [`MAX_NESTING`] is refused with a clear error because every later stage
//! walks the tree. Text is NFC-normalised; every node keeps its byte span.
//! Raw HTML is read into the model's own nodes by `html` (blocks through
//! html5ever, inline tags folded on the same stack as Markdown spans), so
//! that no writer meets an HTML string.

mod admonitions;
mod captions;
mod dialects;
pub(crate) mod dom;
mod html;
#[cfg(test)]
mod tests;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{
    Align, Block, BlockKind, CalloutKind, Definition, Document, Footnote, Inline, InlineKind,
    ListItem, Meta, Span, plain_text,
};
use crate::frontmatter;

/// The deepest nesting of containers (quotes, lists, emphasis…) accepted.
pub const MAX_NESTING: usize = 100;

/// Gives back what a container's inlines hold beyond their length: a list
/// grown a push at a time holds room for four or more, and text merged from
/// pulldown-cmark's pieces up to twice its bytes. The model is held until
/// the last output is written, so on a 50 MB document this slack was
/// 29 MiB of every stage's resident set (benches/README.md, session 20).
fn tighten(inlines: &mut Vec<Inline>) {
    inlines.shrink_to_fit();
    for inline in inlines {
        if let InlineKind::Text(t) = &mut inline.kind {
            t.shrink_to_fit();
        }
    }
}

/// Returns `s` in Unicode Normalization Form C.
pub fn nfc(s: &str) -> String {
    if is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

pub use crate::resolve::url::valid_lang;

/// Columns between tab stops in code: pandoc's reader default (`--tab-stop`).
pub const TAB_STOP: usize = 4;

/// `s` with every tab replaced by the spaces that reach the next tab stop,
/// columns counted in characters from the start of each line (every
/// [`TAB_STOP`] columns). Code blocks and code spans go through it once, in
/// the reader, so both outputs show the same columns and no writer meets a
/// tab (the PDF would otherwise draw the font's `.notdef` box for it).
pub fn expand_tabs(s: &str) -> String {
    if !s.contains('\t') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut column = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                let n = TAB_STOP - column % TAB_STOP;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            '\n' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// The pulldown-cmark extensions trang reads: GFM (tables, footnotes,
/// strikethrough `~~…~~`, task lists, alerts), heading attributes `{#id
/// .class}`, definition lists, pandoc's `^sup^` and `~sub~` (so a single
/// `~` is a subscript, not a strikethrough). Wikilinks are read by
/// `dialects` instead of pulldown-cmark's `ENABLE_WIKILINKS`, which would
/// take `[[foo]]` before a reference definition `[foo]: /url` (CommonMark
/// example 561).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_MATH
}

/// The `$$…$$` and `$…$` spans of a text as pulldown-cmark's math option
/// would open them (a `$` not escaped; an inline one not followed by a
/// space, closed by a `$` not after a space): (byte offset of the TeX,
/// the TeX, display or inline).
fn dollar_spans(raw: &str) -> Vec<(usize, &str, crate::math::Display)> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = raw[i..].find('$') {
        i += k;
        if i > 0 && b[i - 1] == b'\\' {
            i += 1;
            continue;
        }
        let double = b.get(i + 1) == Some(&b'$');
        let open = if double { i + 2 } else { i + 1 };
        let close = if double {
            raw[open..].find("$$").map(|k| open + k)
        } else if b.get(open).is_some_and(|c| !c.is_ascii_whitespace()) {
            raw[open..]
                .char_indices()
                .find(|&(k, c)| {
                    c == '$' && b[open + k - 1] != b'\\' && !b[open + k - 1].is_ascii_whitespace()
                })
                .map(|(k, _)| open + k)
        } else {
            None
        };
        match close {
            Some(end) => {
                let display = if double {
                    crate::math::Display::Block
                } else {
                    crate::math::Display::Inline
                };
                out.push((open, &raw[open..end], display));
                i = end + if double { 2 } else { 1 };
            }
            None => i = open,
        }
    }
    out
}

/// A paragraph's blocks: the paragraph itself, or, when `$$…$$` formulas
/// stand among its text, the text before each, the formula as a
/// [`BlockKind::Math`] and the text after, as TeX sets a display in a
/// paragraph (the TeXbook, Chapter 19). Line breaks next to a formula go
/// with it; a formula inside emphasis or a link stays in the line.
fn split_displays(inlines: Vec<Inline>, span: Span) -> Vec<Block> {
    let is_display = |i: &Inline| matches!(&i.kind, InlineKind::Math(f) if f.display == crate::math::Display::Block);
    if !inlines.iter().any(is_display) {
        return vec![Block {
            kind: BlockKind::Paragraph(inlines),
            span,
        }];
    }
    let mut out = Vec::new();
    let mut text: Vec<Inline> = Vec::new();
    let flush = |text: &mut Vec<Inline>, out: &mut Vec<Block>| {
        while text
            .last()
            .is_some_and(|i| matches!(i.kind, InlineKind::SoftBreak | InlineKind::HardBreak))
        {
            text.pop();
        }
        if let (Some(first), Some(last)) = (text.first(), text.last()) {
            let span = Span::new(first.span.start, last.span.end);
            out.push(Block {
                kind: BlockKind::Paragraph(std::mem::take(text)),
                span,
            });
        }
        text.clear();
    };
    for inl in inlines {
        if is_display(&inl) {
            flush(&mut text, &mut out);
            let InlineKind::Math(f) = inl.kind else {
                unreachable!("is_display matched a formula")
            };
            out.push(Block {
                kind: BlockKind::Math(f),
                span: inl.span,
            });
        } else if !(text.is_empty()
            && matches!(inl.kind, InlineKind::SoftBreak | InlineKind::HardBreak))
        {
            text.push(inl);
        }
    }
    flush(&mut text, &mut out);
    out
}

/// Reads a source file (front matter + Markdown) into a document. Errors and
/// warnings go to `diags`; the document is returned even when there are
/// errors, so that all problems can be reported at once.
pub fn parse(source: SourceFile, diags: &mut Diagnostics) -> Document {
    parse_with(source, true, diags)
}

/// Parses one chapter file of a book: as [`parse`], but the title is left
/// as the front matter gives it (`None` without one) and no heading is
/// taken out of the body: the book decides its chapters' titles
/// ([`crate::project`]).
pub fn parse_chapter(source: SourceFile, diags: &mut Diagnostics) -> Document {
    parse_with(source, false, diags)
}

fn parse_with(source: SourceFile, settle: bool, diags: &mut Diagnostics) -> Document {
    let (mut meta, body_start) = match frontmatter::split(&source) {
        Ok(Some(split)) => (frontmatter::parse(&source, split, diags), split.body_start),
        Ok(None) => (Meta::default(), 0),
        Err(e) => {
            diags.push(e);
            (Meta::default(), source.len())
        }
    };
    let whole = source.text();
    let body = &whole[body_start..];
    let mut folder = Folder::new(&source, body_start);
    // MkDocs admonitions, rewritten as the GFM alerts they mean.
    let prepared = admonitions::prepare(body);
    folder.titles = prepared
        .titles
        .iter()
        .map(|(at, t)| (at + body_start, t.clone()))
        .collect();
    for (event, range) in Parser::new_ext(&prepared.text, options()).into_offset_iter() {
        let span = Span::new(
            prepared.source_offset(range.start) + body_start,
            prepared.source_offset(range.end) + body_start,
        );
        if let Err(d) = folder.event(event, span) {
            diags.push(d);
            break;
        }
    }
    let (mut blocks, mut footnotes) = folder.finish();
    // Pandoc's table captions (`Table: …`, `: …` beside a table).
    captions::table_captions(&mut blocks, &whole);
    for f in &mut footnotes {
        captions::table_captions(&mut f.blocks, &whole);
    }
    // Image attributes, bare URLs, template tags.
    dialects::inlines_pass(&mut blocks, &mut footnotes, &source, diags);
    // The one highlighting pass; the writers read the tokens.
    if let Some(over) = crate::highlight::highlight_document(&mut blocks, &mut footnotes) {
        let n = over.blocks;
        diags.push(
            Diagnostic::warning(format!(
                "{n} code block{} ({} KB) printed without syntax highlighting: \
                 a document has {} KB of code highlighted at most",
                if n == 1 { "" } else { "s" },
                over.bytes.div_ceil(1024),
                crate::highlight::BUDGET / 1024
            ))
            .at(&source, over.first)
            .help("highlighting is slow on very long code; the code itself is printed in full"),
        );
    }
    std::mem::take(&mut folder.report).into_diags(&source, diags);
    for d in std::mem::take(&mut folder.math_errors) {
        diags.push(d);
    }
    attach_lone_anchors(&mut blocks);
    for f in &mut footnotes {
        attach_lone_anchors(&mut f.blocks);
    }
    if settle {
        settle_title(&mut meta, &mut blocks, &source, diags);
    }
    assign_heading_ids(&mut blocks);
    if meta.number_headings {
        number_headings(&mut blocks);
    }
    Document {
        meta,
        blocks,
        footnotes,
        source,
    }
}

/// The front-matter title and a first `#` heading that repeats it are one
/// title: the heading is dropped. Without a front-matter title, the title
/// is the document's only `#` heading when nothing but a *preamble* comes
/// before it ([`is_preamble`]: HTML comments, which leave no block, a
/// language bar, badges, a centred logo); the heading is then taken out of
/// the body and the preamble stays where it is. A document with several
/// `#` headings (chapters), or with text before its `#`, is titled by its
/// file name, with a warning.
fn settle_title(
    meta: &mut Meta,
    blocks: &mut Vec<Block>,
    source: &SourceFile,
    diags: &mut Diagnostics,
) {
    let is_h1 = |b: &Block| matches!(b.kind, BlockKind::Heading { level: 1, .. });
    let h1_count = blocks.iter().filter(|b| is_h1(b)).count();
    let first_h1 = blocks
        .iter()
        .position(is_h1)
        .filter(|&i| blocks[..i].iter().all(is_preamble));
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match (&meta.title, first_h1) {
        (Some(title), Some(i)) => {
            if let BlockKind::Heading { content, .. } = &blocks[i].kind
                && fold(&plain_text(content)) == fold(title)
            {
                blocks.remove(i);
            }
        }
        (None, Some(i)) if h1_count == 1 => {
            if let BlockKind::Heading { content, .. } = &blocks[i].kind {
                meta.title = Some(fold(&plain_text(content)));
            }
            blocks.remove(i);
        }
        (None, _) => {
            let stem = source
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Untitled".into());
            diags.push(
                Diagnostic::warning(format!("the document has no title; using `{stem}`"))
                    .in_file(&source.path)
                    .help("add `title: …` to the front matter"),
            );
            meta.title = Some(stem);
        }
        _ => {}
    }
}

/// Whether `block` is what READMEs put above their title: a paragraph of
/// nothing but links, images (badges) and separators (a language bar
/// `[English](README.en.md) · [Tiếng Việt](README.md)`), or such paragraphs
/// inside a raw HTML `<p align="center">`/`<div>`.
fn is_preamble(block: &Block) -> bool {
    match &block.kind {
        BlockKind::Paragraph(content) => content.iter().all(|i| match &i.kind {
            InlineKind::Link { .. }
            | InlineKind::Image { .. }
            | InlineKind::Anchor(_)
            | InlineKind::SoftBreak
            | InlineKind::HardBreak => true,
            InlineKind::Text(t) => t
                .chars()
                .all(|c| c.is_whitespace() || "·•|/,-–—()[]".contains(c)),
            _ => false,
        }),
        BlockKind::Aligned { blocks, .. } => blocks.iter().all(is_preamble),
        _ => false,
    }
}

/// Gives every heading a unique id: its explicit `{#id}` or a slug of its text.
/// Numbers the document's top-level headings, `1.`, `1.1.`, `1.1.1.`, …,
/// counting from the highest level the body uses (so an article whose
/// sections are `##` numbers them `1.`, `2.`). The number becomes part of
/// the heading's text, so that both writers, the EPUB navigation and the PDF
/// outline and contents print it alike. Ids are assigned before, from the
/// unnumbered text.
fn number_headings(blocks: &mut [Block]) {
    let Some(top) = blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Heading { level, .. } => Some(level),
            _ => None,
        })
        .min()
    else {
        return;
    };
    let mut counters = [0u32; 6];
    for block in blocks {
        if let BlockKind::Heading { level, content, .. } = &mut block.kind {
            let depth = usize::from(*level - top);
            counters[depth] += 1;
            for c in &mut counters[depth + 1..] {
                *c = 0;
            }
            let number: String = counters[..=depth].iter().map(|n| format!("{n}.")).collect();
            let span = content.first().map_or(block.span, |i| i.span);
            content.insert(
                0,
                Inline {
                    kind: InlineKind::Text(format!("{number}\u{a0}")),
                    span: Span::new(span.start, span.start),
                },
            );
        }
    }
}

fn assign_heading_ids(blocks: &mut [Block]) {
    let mut used = std::collections::HashSet::new();
    let mut stack: Vec<&mut Block> = blocks.iter_mut().rev().collect();
    while let Some(block) = stack.pop() {
        match &mut block.kind {
            BlockKind::Heading { id, content, .. } => {
                let base = if id.is_empty() {
                    slug(&plain_text(content))
                } else {
                    id.clone()
                };
                let mut candidate = base.clone();
                let mut n = 1;
                while !used.insert(candidate.clone()) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                *id = candidate;
            }
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
                    for blocks in def.details.iter_mut().rev() {
                        stack.extend(blocks.iter_mut().rev());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A paragraph holding only link targets (`<a name="x"></a>` on the line
/// before a heading) gives them to the block that follows: the target is
/// that block's start, and no empty paragraph is printed.
fn attach_lone_anchors(blocks: &mut Vec<Block>) {
    let mut i = 0;
    while i < blocks.len() {
        let lone = matches!(&blocks[i].kind, BlockKind::Paragraph(c)
            if !c.is_empty() && c.iter().all(|x| matches!(&x.kind,
                InlineKind::Anchor(_) | InlineKind::SoftBreak)
                || matches!(&x.kind, InlineKind::Text(t) if t.trim().is_empty())));
        if lone && i + 1 < blocks.len() && html::first_inlines(&mut blocks[i + 1]).is_some() {
            let BlockKind::Paragraph(c) = blocks.remove(i).kind else {
                unreachable!()
            };
            let anchors: Vec<Inline> = c
                .into_iter()
                .filter(|x| matches!(x.kind, InlineKind::Anchor(_)))
                .collect();
            if let Some(target) = html::first_inlines(&mut blocks[i]) {
                target.splice(0..0, anchors);
            }
            continue;
        }
        match &mut blocks[i].kind {
            BlockKind::BlockQuote(children)
            | BlockKind::Aligned {
                blocks: children, ..
            }
            | BlockKind::Callout {
                blocks: children, ..
            }
            | BlockKind::Details {
                blocks: children, ..
            } => attach_lone_anchors(children),
            BlockKind::List { items, .. } => {
                for item in items {
                    attach_lone_anchors(&mut item.blocks);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for def in defs {
                    for blocks in &mut def.details {
                        attach_lone_anchors(blocks);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

pub use crate::resolve::ids::slug;

/// An open container on the fold stack.
enum Open {
    /// Collects blocks: the document body, quotes, list items, footnotes.
    Blocks {
        kind: BlocksKind,
        blocks: Vec<Block>,
        start: usize,
    },
    /// A list collecting items.
    List {
        start_number: Option<u64>,
        items: Vec<ListItem>,
        loose: bool,
        start: usize,
    },
    /// A table.
    Table {
        aligns: Vec<Align>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        in_head: bool,
        start: usize,
    },
    /// A table row.
    Row { cells: Vec<Vec<Inline>> },
    /// Collects inlines: paragraphs, headings, cells, spans, links.
    Inlines {
        kind: InlinesKind,
        inlines: Vec<Inline>,
        start: usize,
    },
    /// A code block collecting text.
    Code {
        lang: Option<String>,
        text: String,
        start: usize,
    },
    /// A raw HTML block collecting text.
    Html { text: String, start: usize },
    /// A metadata block inside the body (ignored).
    Metadata,
    /// A definition list collecting its groups.
    DefList { defs: Vec<Definition>, start: usize },
}

enum BlocksKind {
    Root,
    Quote,
    Item {
        task: Option<bool>,
    },
    Footnote {
        label: String,
    },
    Callout(CalloutKind, Option<String>),
    Definition,
    /// A container an HTML block opened, holding the Markdown up to the
    /// HTML block that closes it.
    HtmlContainer(Box<html::OpenContainer>),
}

enum InlinesKind {
    Paragraph {
        implicit: bool,
    },
    Heading {
        level: u8,
        id: String,
        classes: Vec<String>,
    },
    Cell,
    Emphasis,
    Strong,
    Strikethrough,
    Link {
        url: String,
        title: String,
    },
    Image {
        src: String,
        title: String,
    },
    Superscript,
    Subscript,
    /// A definition list's term.
    Term,
    /// An inline raw HTML element, open until its close tag or its parent's end.
    Html {
        name: String,
        elem: html::Elem,
        lang: Option<String>,
    },
}

struct Folder<'a> {
    source: &'a SourceFile,
    stack: Vec<Open>,
    footnotes: Vec<Footnote>,
    /// The labels of `footnotes` (the first definition of a label wins).
    footnote_labels: std::collections::HashSet<String>,
    report: html::Report,
    /// The titles of MkDocs admonitions, by the source offset of their call-out.
    titles: std::collections::HashMap<usize, Option<String>>,
    /// Reads the formulas, in order (equation numbers count on); made on
    /// the first formula, so a document without one pays nothing.
    math: Option<crate::math::tex::Converter>,
    /// Formulas that do not parse, each at its fault.
    math_errors: Vec<Diagnostic>,
}

impl<'a> Folder<'a> {
    fn new(source: &'a SourceFile, body_start: usize) -> Self {
        Folder {
            source,
            stack: vec![Open::Blocks {
                kind: BlocksKind::Root,
                blocks: Vec::new(),
                start: body_start,
            }],
            footnotes: Vec::new(),
            footnote_labels: std::collections::HashSet::new(),
            report: html::Report::default(),
            titles: std::collections::HashMap::new(),
            math: None,
            math_errors: Vec::new(),
        }
    }

    fn push(&mut self, open: Open, span: Span) -> Result<(), Diagnostic> {
        if self.stack.len() > MAX_NESTING {
            return Err(Diagnostic::error(format!(
                "the Markdown nests deeper than {MAX_NESTING} levels here"
            ))
            .at(self.source, span)
            .help("flatten the nested block quotes, lists or emphasis"));
        }
        self.stack.push(open);
        Ok(())
    }

    /// Reads a formula `$…$` (`delim` 1) or `$$…$$` (2) spanning `span`.
    /// A formula that does not parse is reported at its fault and kept as
    /// its TeX source in code, so that the other faults are found too.
    fn math(
        &mut self,
        tex: &str,
        delim: usize,
        display: crate::math::Display,
        span: Span,
    ) -> Result<(), Diagnostic> {
        // Pandoc's rule, which pulldown-cmark lacks: a closing `$` right
        // before a digit closes nothing, so `$5-$10` is a price range.
        let before_digit = self
            .source
            .piece(span.end..self.source.len())
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_digit());
        if display == crate::math::Display::Inline && before_digit {
            let raw = nfc(&self.source.piece(span.start..span.end).unwrap_or_default());
            return self.add_inline(Inline {
                kind: InlineKind::Text(raw),
                span,
            });
        }
        let tex = nfc(tex);
        let kind = match self.formula(&tex, display, span.start + delim, span) {
            Some(f) => InlineKind::Math(f),
            None => InlineKind::Code(tex),
        };
        self.add_inline(Inline { kind, span })
    }

    /// Converts one formula whose TeX starts at byte `start` of the source
    /// (inside `span`), or reports its fault at `file:line:col`.
    fn formula(
        &mut self,
        tex: &str,
        display: crate::math::Display,
        start: usize,
        span: Span,
    ) -> Option<std::sync::Arc<crate::math::Formula>> {
        let converter = self
            .math
            .get_or_insert_with(crate::math::tex::Converter::new);
        match converter.convert(tex, display) {
            Ok(f) => Some(std::sync::Arc::new(f)),
            Err(e) => {
                // The fault's place: exact when the source holds the TeX as
                // read (no NFC change, no admonition indent), else the formula's start.
                let at = if self.source.piece(start..start + tex.len()).as_deref() == Some(tex) {
                    start + e.offset
                } else {
                    span.start
                };
                self.math_errors.push(
                    Diagnostic::error(format!("this formula does not parse: {}", e.message))
                        .at(self.source, Span::new(at, at))
                        .help(e.help),
                );
                None
            }
        }
    }

    /// A paragraph that is one LaTeX display environment written bare,
    /// `\begin{align} … \end{align}` without `$$`, as pandoc reads it (its
    /// `raw_tex` extension): a displayed formula, read from the source (the
    /// Markdown reading would have turned `\\` into `\`). Not inside a
    /// block quote or callout, whose `>` markers are in the source.
    fn bare_environment(&mut self, span: Span) -> Option<Block> {
        const ENVIRONMENTS: &[&str] = &[
            "equation",
            "equation*",
            "align",
            "align*",
            "gather",
            "gather*",
            "multline",
            "multline*",
            "alignat",
            "alignat*",
        ];
        let slice = self.source.piece(span.start..span.end)?;
        let raw = slice.trim();
        let rest = raw.strip_prefix("\\begin{")?;
        let name = &rest[..rest.find('}')?];
        if !ENVIRONMENTS.contains(&name) || !raw.ends_with(&format!("\\end{{{name}}}")) {
            return None;
        }
        let quoted = self.stack.iter().any(|o| {
            matches!(
                o,
                Open::Blocks {
                    kind: BlocksKind::Quote | BlocksKind::Callout(..),
                    ..
                }
            )
        });
        if quoted {
            return None;
        }
        let start = span.start + (slice.len() - slice.trim_start().len());
        let raw = raw.to_string();
        let kind = match self.formula(&raw, crate::math::Display::Block, start, span) {
            Some(f) => BlockKind::Math(f),
            None => BlockKind::CodeBlock {
                lang: None,
                text: raw,
                tokens: Vec::new(),
            },
        };
        Some(Block { kind, span })
    }

    /// A `$…$` or `$$…$$` that pulldown-cmark left as text because its TeX
    /// leaves a brace or an environment open (`$\sqrt{2$`): the reader
    /// would see the TeX printed, so it is reported as the formula's fault,
    /// at its place. Only a span holding a TeX command (`\frac`) counts, so
    /// prices (`giá 50$`, `$5-$10`) stay text.
    fn unread_formulas(&mut self, inlines: &[Inline]) {
        // Runs of text and line breaks: a `$$…$$` may span lines.
        let mut runs: Vec<Span> = Vec::new();
        let mut joined = false;
        for inline in inlines {
            match inline.kind {
                InlineKind::Text(_) | InlineKind::SoftBreak | InlineKind::HardBreak => {
                    match runs.last_mut() {
                        Some(run) if joined => run.end = inline.span.end,
                        _ => runs.push(inline.span),
                    }
                    joined = true;
                }
                _ => joined = false,
            }
        }
        for run in runs {
            let Some(raw) = self.source.piece(run.start..run.end) else {
                continue;
            };
            for (at, tex, display) in dollar_spans(&raw) {
                let command = tex
                    .as_bytes()
                    .windows(2)
                    .any(|w| w[0] == b'\\' && w[1].is_ascii_alphabetic());
                if command && crate::math::tex::leaves_open(tex) {
                    let start = run.start + at;
                    let tex = tex.to_string();
                    self.formula(&tex, display, start, Span::new(start, start + tex.len()));
                }
            }
        }
    }

    /// Adds an inline to the innermost inline container, opening an implicit
    /// paragraph in a tight list item.
    fn add_inline(&mut self, inline: Inline) -> Result<(), Diagnostic> {
        if !matches!(self.stack.last(), Some(Open::Inlines { .. })) {
            let start = inline.span.start;
            self.push(
                Open::Inlines {
                    kind: InlinesKind::Paragraph { implicit: true },
                    inlines: Vec::new(),
                    start,
                },
                inline.span,
            )?;
        }
        if let Some(Open::Inlines { inlines, .. }) = self.stack.last_mut() {
            // Merge adjacent text (pulldown-cmark splits it at entities and quotes).
            if let (
                Some(Inline {
                    kind: InlineKind::Text(prev),
                    span: prev_span,
                }),
                InlineKind::Text(t),
            ) = (inlines.last_mut(), &inline.kind)
            {
                prev.push_str(t);
                prev_span.end = inline.span.end;
                return Ok(());
            }
            inlines.push(inline);
        }
        Ok(())
    }

    /// Closes an implicit paragraph before a block starts in a tight item.
    fn close_implicit(&mut self) {
        if let Some(Open::Inlines {
            kind: InlinesKind::Paragraph { implicit: true },
            ..
        }) = self.stack.last()
        {
            let end = self.current_end();
            self.close(end);
        }
    }

    fn current_end(&self) -> usize {
        match self.stack.last() {
            Some(Open::Inlines { inlines, start, .. }) => {
                inlines.last().map_or(*start, |i| i.span.end)
            }
            _ => 0,
        }
    }

    fn add_block(&mut self, block: Block) {
        self.close_implicit();
        if let Some(Open::Blocks { blocks, .. }) = self.stack.last_mut() {
            blocks.push(block);
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        if matches!(self.stack.last(), Some(Open::Metadata)) {
            if let Event::End(TagEnd::MetadataBlock(_)) = event {
                self.stack.pop();
            }
            return Ok(());
        }
        match event {
            Event::Start(tag) => self.start(tag, span)?,
            Event::End(end) => {
                // Inline HTML elements still open end with their parent, and
                // so do containers opened by an HTML block and never closed.
                self.close_html(span.end);
                if !matches!(end, TagEnd::HtmlBlock) {
                    self.close_containers(span.end);
                }
                // An implicit paragraph has no end event of its own.
                self.close_implicit();
                self.close(span.end)
            }
            Event::Text(t) => match self.stack.last_mut() {
                Some(Open::Code { text, .. }) | Some(Open::Html { text, .. }) => {
                    text.push_str(&nfc(&t))
                }
                _ => self.add_inline(Inline {
                    kind: InlineKind::Text(nfc(&t)),
                    span,
                })?,
            },
            Event::Code(t) => self.add_inline(Inline {
                kind: InlineKind::Code(expand_tabs(&nfc(&t))),
                span,
            })?,
            Event::InlineMath(t) => self.math(&t, 1, crate::math::Display::Inline, span)?,
            Event::DisplayMath(t) => self.math(&t, 2, crate::math::Display::Block, span)?,
            Event::Html(t) => match self.stack.last_mut() {
                Some(Open::Html { text, .. }) => text.push_str(&nfc(&t)),
                _ => {
                    for b in html::blocks(&nfc(&t), span, self.source, &mut self.report) {
                        self.add_block(b);
                    }
                }
            },
            Event::InlineHtml(t) => self.inline_html(&nfc(&t), span)?,
            Event::FootnoteReference(label) => self.add_inline(Inline {
                kind: InlineKind::FootnoteRef(label.to_string()),
                span,
            })?,
            Event::SoftBreak => self.add_inline(Inline {
                kind: InlineKind::SoftBreak,
                span,
            })?,
            Event::HardBreak => self.add_inline(Inline {
                kind: InlineKind::HardBreak,
                span,
            })?,
            Event::Rule => self.add_block(Block {
                kind: BlockKind::ThematicBreak,
                span,
            }),
            Event::TaskListMarker(checked) => {
                for open in self.stack.iter_mut().rev() {
                    if let Open::Blocks {
                        kind: BlocksKind::Item { task },
                        ..
                    } = open
                    {
                        *task = Some(checked);
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>, span: Span) -> Result<(), Diagnostic> {
        let s = span.start;
        let open = match tag {
            Tag::Paragraph => {
                self.close_implicit();
                // A paragraph directly in a list item makes the list loose.
                if let Some(Open::Blocks {
                    kind: BlocksKind::Item { .. },
                    ..
                }) = self.stack.last()
                    && let Some(Open::List { loose, .. }) = self.stack.iter_mut().rev().nth(1)
                {
                    *loose = true;
                }
                Open::Inlines {
                    kind: InlinesKind::Paragraph { implicit: false },
                    inlines: Vec::new(),
                    start: s,
                }
            }
            Tag::Heading {
                level, id, classes, ..
            } => {
                self.close_implicit();
                Open::Inlines {
                    kind: InlinesKind::Heading {
                        level: heading_level(level),
                        id: id.map(|i| i.to_string()).unwrap_or_default(),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                    },
                    inlines: Vec::new(),
                    start: s,
                }
            }
            Tag::BlockQuote(kind) => {
                self.close_implicit();
                let kind = match kind {
                    None => BlocksKind::Quote,
                    Some(k) => BlocksKind::Callout(
                        match k {
                            BlockQuoteKind::Note => CalloutKind::Note,
                            BlockQuoteKind::Tip => CalloutKind::Tip,
                            BlockQuoteKind::Important => CalloutKind::Important,
                            BlockQuoteKind::Warning => CalloutKind::Warning,
                            BlockQuoteKind::Caution => CalloutKind::Caution,
                        },
                        // An MkDocs admonition's title, by its place.
                        self.titles.remove(&s).flatten(),
                    ),
                };
                Open::Blocks {
                    kind,
                    blocks: Vec::new(),
                    start: s,
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_string)
                        .filter(|l| !l.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                Open::Code {
                    lang,
                    text: String::new(),
                    start: s,
                }
            }
            Tag::HtmlBlock => {
                self.close_implicit();
                Open::Html {
                    text: String::new(),
                    start: s,
                }
            }
            Tag::List(start_number) => {
                self.close_implicit();
                Open::List {
                    start_number,
                    items: Vec::new(),
                    loose: false,
                    start: s,
                }
            }
            Tag::Item => Open::Blocks {
                kind: BlocksKind::Item { task: None },
                blocks: Vec::new(),
                start: s,
            },
            Tag::FootnoteDefinition(label) => {
                self.close_implicit();
                Open::Blocks {
                    kind: BlocksKind::Footnote {
                        label: label.to_string(),
                    },
                    blocks: Vec::new(),
                    start: s,
                }
            }
            Tag::Table(aligns) => {
                self.close_implicit();
                Open::Table {
                    aligns: aligns
                        .iter()
                        .map(|a| match a {
                            Alignment::None => Align::None,
                            Alignment::Left => Align::Left,
                            Alignment::Center => Align::Center,
                            Alignment::Right => Align::Right,
                        })
                        .collect(),
                    header: Vec::new(),
                    rows: Vec::new(),
                    in_head: false,
                    start: s,
                }
            }
            Tag::TableHead => {
                if let Some(Open::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = true;
                }
                Open::Row { cells: Vec::new() }
            }
            Tag::TableRow => Open::Row { cells: Vec::new() },
            Tag::TableCell => Open::Inlines {
                kind: InlinesKind::Cell,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Emphasis => Open::Inlines {
                kind: InlinesKind::Emphasis,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Superscript => Open::Inlines {
                kind: InlinesKind::Superscript,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Subscript => Open::Inlines {
                kind: InlinesKind::Subscript,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Strong => Open::Inlines {
                kind: InlinesKind::Strong,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Strikethrough => Open::Inlines {
                kind: InlinesKind::Strikethrough,
                inlines: Vec::new(),
                start: s,
            },
            Tag::Link {
                dest_url, title, ..
            } => Open::Inlines {
                kind: InlinesKind::Link {
                    url: dest_url.to_string(),
                    title: nfc(&title),
                },
                inlines: Vec::new(),
                start: s,
            },
            Tag::Image {
                dest_url, title, ..
            } => Open::Inlines {
                kind: InlinesKind::Image {
                    src: dest_url.to_string(),
                    title: nfc(&title),
                },
                inlines: Vec::new(),
                start: s,
            },
            Tag::MetadataBlock(_) => Open::Metadata,
            Tag::DefinitionList => {
                self.close_implicit();
                Open::DefList {
                    defs: Vec::new(),
                    start: s,
                }
            }
            Tag::DefinitionListTitle => Open::Inlines {
                kind: InlinesKind::Term,
                inlines: Vec::new(),
                start: s,
            },
            Tag::DefinitionListDefinition => Open::Blocks {
                kind: BlocksKind::Definition,
                blocks: Vec::new(),
                start: s,
            },
        };
        if matches!(open, Open::Inlines { .. })
            && !matches!(
                self.stack.last(),
                Some(Open::Inlines { .. }) | Some(Open::Row { .. })
            )
            && !matches!(
                open,
                Open::Inlines {
                    kind: InlinesKind::Paragraph { .. }
                        | InlinesKind::Heading { .. }
                        | InlinesKind::Cell
                        | InlinesKind::Term,
                    ..
                }
            )
        {
            // A span starting directly in a tight list item: open the implicit paragraph first.
            self.push(
                Open::Inlines {
                    kind: InlinesKind::Paragraph { implicit: true },
                    inlines: Vec::new(),
                    start: s,
                },
                span,
            )?;
        }
        self.push(open, span)
    }

    /// Closes the innermost container and attaches it to its parent.
    fn close(&mut self, end: usize) {
        let Some(open) = self.stack.pop() else { return };
        match open {
            Open::Blocks {
                kind,
                blocks,
                start,
            } => {
                let span = Span::new(start, end);
                match kind {
                    BlocksKind::Root => self.stack.push(Open::Blocks {
                        kind: BlocksKind::Root,
                        blocks,
                        start,
                    }),
                    BlocksKind::Quote => self.add_block(Block {
                        kind: BlockKind::BlockQuote(blocks),
                        span,
                    }),
                    BlocksKind::Item { task } => {
                        if let Some(Open::List { items, .. }) = self.stack.last_mut() {
                            items.push(ListItem { task, blocks, span });
                        }
                    }
                    BlocksKind::HtmlContainer(c) => {
                        for b in c.close(blocks, span) {
                            self.add_block(b);
                        }
                    }
                    BlocksKind::Callout(kind, title) => self.add_block(Block {
                        kind: BlockKind::Callout {
                            kind,
                            title,
                            blocks,
                        },
                        span,
                    }),
                    BlocksKind::Definition => {
                        if let Some(Open::DefList { defs, .. }) = self.stack.last_mut() {
                            match defs.last_mut() {
                                Some(def) => {
                                    def.details.push(blocks);
                                    def.span.end = span.end;
                                }
                                None => defs.push(Definition {
                                    term: Vec::new(),
                                    details: vec![blocks],
                                    span,
                                }),
                            }
                        }
                    }
                    BlocksKind::Footnote { label } => {
                        if self.footnote_labels.insert(label.clone()) {
                            self.footnotes.push(Footnote {
                                label,
                                blocks,
                                span,
                            });
                        }
                    }
                }
            }
            Open::List {
                start_number,
                items,
                loose,
                start,
            } => self.add_block(Block {
                kind: BlockKind::List {
                    start: start_number,
                    tight: !loose,
                    items,
                },
                span: Span::new(start, end),
            }),
            Open::Table {
                aligns,
                header,
                rows,
                start,
                ..
            } => self.add_block(Block {
                kind: BlockKind::Table {
                    aligns,
                    header,
                    rows,
                    caption: None,
                },
                span: Span::new(start, end),
            }),
            Open::Row { cells } => {
                if let Some(Open::Table {
                    header,
                    rows,
                    in_head,
                    ..
                }) = self.stack.last_mut()
                {
                    if *in_head {
                        *header = cells;
                        *in_head = false;
                    } else {
                        rows.push(cells);
                    }
                }
            }
            Open::Code { lang, text, start } if lang.as_deref() == Some("math") => {
                // GitHub's ```` ```math ```` block: a displayed formula. Its
                // TeX starts on the line after the fence.
                let span = Span::new(start, end);
                let first = self
                    .source
                    .piece(start..end)
                    .unwrap_or_default()
                    .find('\n')
                    .map_or(start, |n| start + n + 1);
                let kind =
                    match self.formula(text.trim_end(), crate::math::Display::Block, first, span) {
                        Some(f) => BlockKind::Math(f),
                        None => BlockKind::CodeBlock {
                            lang,
                            text,
                            tokens: Vec::new(),
                        },
                    };
                self.add_block(Block { kind, span })
            }
            Open::Code { lang, text, start } => {
                let text = expand_tabs(&text);
                // Highlighted once the document is folded (`parse`).
                let tokens = Vec::new();
                self.add_block(Block {
                    kind: BlockKind::CodeBlock { lang, text, tokens },
                    span: Span::new(start, end),
                })
            }
            Open::Html { text, start } => {
                let span = Span::new(start, end);
                if let Some(name) = html::container_close(&text)
                    && let Some(Open::Blocks {
                        kind: BlocksKind::HtmlContainer(c),
                        ..
                    }) = self.stack.last()
                    && c.name == name
                {
                    self.close(end);
                    return;
                }
                if self.stack.len() <= MAX_NESTING
                    && let Some(mut c) =
                        html::container_open(&text, span, self.source, &mut self.report)
                {
                    let blocks = std::mem::take(&mut c.blocks);
                    self.stack.push(Open::Blocks {
                        kind: BlocksKind::HtmlContainer(Box::new(c)),
                        blocks,
                        start,
                    });
                    return;
                }
                for b in html::blocks(&text, span, self.source, &mut self.report) {
                    self.add_block(b);
                }
            }
            Open::Metadata => {}
            Open::DefList { defs, start } => self.add_block(Block {
                kind: BlockKind::DefinitionList(defs),
                span: Span::new(start, end),
            }),
            Open::Inlines {
                kind,
                mut inlines,
                start,
            } => {
                let span = Span::new(start, end);
                tighten(&mut inlines);
                self.unread_formulas(&inlines);
                match kind {
                    InlinesKind::Paragraph { implicit } => {
                        if implicit && inlines.is_empty() {
                            return;
                        }
                        if let Some(block) = self.bare_environment(span) {
                            self.add_block(block);
                            return;
                        }
                        for block in split_displays(inlines, span) {
                            self.add_block(block);
                        }
                    }
                    InlinesKind::Heading { level, id, classes } => self.add_block(Block {
                        kind: BlockKind::Heading {
                            level,
                            id,
                            classes,
                            content: inlines,
                        },
                        span,
                    }),
                    InlinesKind::Cell => {
                        if let Some(Open::Row { cells }) = self.stack.last_mut() {
                            cells.push(inlines);
                        }
                    }
                    InlinesKind::Emphasis => self.attach(InlineKind::Emphasis(inlines), span),
                    InlinesKind::Strong => self.attach(InlineKind::Strong(inlines), span),
                    InlinesKind::Strikethrough => {
                        self.attach(InlineKind::Strikethrough(inlines), span)
                    }
                    InlinesKind::Link { url, title } => self.attach(
                        InlineKind::Link {
                            url,
                            title,
                            content: inlines,
                        },
                        span,
                    ),
                    InlinesKind::Image { src, title } => self.attach(
                        InlineKind::Image {
                            src,
                            title,
                            alt: inlines,
                            width: None,
                            height: None,
                            scale: None,
                        },
                        span,
                    ),
                    InlinesKind::Superscript => self.attach(InlineKind::Superscript(inlines), span),
                    InlinesKind::Subscript => self.attach(InlineKind::Subscript(inlines), span),
                    InlinesKind::Term => {
                        if let Some(Open::DefList { defs, .. }) = self.stack.last_mut() {
                            defs.push(Definition {
                                term: inlines,
                                details: Vec::new(),
                                span,
                            });
                        }
                    }
                    InlinesKind::Html { elem, lang, .. } => {
                        for node in html::finish(elem, lang, inlines, span) {
                            self.attach(node.kind, node.span);
                        }
                    }
                }
            }
        }
    }

    fn attach(&mut self, kind: InlineKind, span: Span) {
        if let Some(Open::Inlines { inlines, .. }) = self.stack.last_mut() {
            // Text from a closed HTML element joins the text before it.
            if let (
                Some(Inline {
                    kind: InlineKind::Text(prev),
                    span: prev_span,
                }),
                InlineKind::Text(t),
            ) = (inlines.last_mut(), &kind)
            {
                prev.push_str(t);
                prev_span.end = span.end;
                return;
            }
            inlines.push(Inline { kind, span });
        }
    }

    /// Closes the inline HTML elements open at the top of the stack.
    fn close_html(&mut self, end: usize) {
        while let Some(Open::Inlines {
            kind: InlinesKind::Html { .. },
            ..
        }) = self.stack.last()
        {
            self.close(end);
        }
    }

    /// Closes the containers opened by HTML blocks at the top of the stack.
    fn close_containers(&mut self, end: usize) {
        self.close_implicit();
        while let Some(Open::Blocks {
            kind: BlocksKind::HtmlContainer(_),
            ..
        }) = self.stack.last()
        {
            self.close(end);
        }
    }

    /// Whether a link (Markdown or HTML) is open: a link inside it keeps only its text.
    fn in_link(&self) -> bool {
        self.stack.iter().any(|o| {
            matches!(
                o,
                Open::Inlines {
                    kind: InlinesKind::Link { .. }
                        | InlinesKind::Html {
                            elem: html::Elem::Link { .. },
                            ..
                        },
                    ..
                }
            )
        })
    }

    /// One inline raw HTML tag: an open tag pushes its element, a close tag
    /// closes the innermost open element of that name (and those opened
    /// inside it); a close tag with no open match is dropped.
    fn inline_html(&mut self, raw: &str, span: Span) -> Result<(), Diagnostic> {
        let in_link = self.in_link();
        match html::read_tag(raw, in_link, &mut self.report, self.source, span) {
            Err(name) => {
                let mut found = None;
                for (i, open) in self.stack.iter().enumerate().rev() {
                    match open {
                        Open::Inlines {
                            kind: InlinesKind::Html { name: n, .. },
                            ..
                        } => {
                            if *n == name {
                                found = Some(i);
                                break;
                            }
                        }
                        _ => break,
                    }
                }
                if let Some(i) = found {
                    while self.stack.len() > i {
                        self.close(span.end);
                    }
                }
            }
            Ok(None) => {}
            Ok(Some(tag)) => {
                if let Some(id) = tag.anchor {
                    self.add_inline(Inline {
                        kind: InlineKind::Anchor(id),
                        span,
                    })?;
                }
                if let Some(kind) = tag.node {
                    self.add_inline(Inline { kind, span })?;
                }
                // Beyond the nesting limit a tag is left out (its text is
                // kept; its close tag then matches nothing and is dropped).
                if !tag.void && self.stack.len() < MAX_NESTING {
                    if !matches!(self.stack.last(), Some(Open::Inlines { .. })) {
                        self.push(
                            Open::Inlines {
                                kind: InlinesKind::Paragraph { implicit: true },
                                inlines: Vec::new(),
                                start: span.start,
                            },
                            span,
                        )?;
                    }
                    self.push(
                        Open::Inlines {
                            kind: InlinesKind::Html {
                                name: tag.name,
                                elem: tag.elem,
                                lang: tag.lang,
                            },
                            inlines: Vec::new(),
                            start: span.start,
                        },
                        span,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> (Vec<Block>, Vec<Footnote>) {
        let end = self.source.len();
        while self.stack.len() > 1 {
            self.close(end);
        }
        let blocks = match self.stack.pop() {
            Some(Open::Blocks { blocks, .. }) => blocks,
            _ => Vec::new(),
        };
        (blocks, std::mem::take(&mut self.footnotes))
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
