//! The document model → XHTML content (the `<body>` part of a content document).
//!
//! Every string from the source goes through [`xml`] escaping. Inline content
//! that holds raw HTML is first written as one HTML string (generated markup
//! and the raw fragments together, so tags opened in one fragment and closed
//! in another pair up) and then parsed and re-serialised by [`html`].
//! Links are written as placeholders and resolved when every file is done.

use crate::diag::Diagnostic;
use crate::doc::{
    self, Align, Block, BlockKind, Inline, InlineKind, ListItem, Span, plain_text, walk_inlines,
};

use crate::highlight;

use super::cx::{Cx, Href, Target};
use super::html;
use super::xml;

/// Footnote numbering: label → number, and how often each was referenced.
#[derive(Default)]
pub struct Notes {
    /// Labels in number order (number = index + 1).
    pub order: Vec<String>,
    /// References written so far, per note.
    pub refs: Vec<usize>,
    /// The id of each note's first reference.
    pub first_ref: Vec<Option<(String, usize)>>,
}

impl Notes {
    /// The number of the note labelled `label`.
    pub fn number(&self, label: &str) -> Option<usize> {
        self.order.iter().position(|l| l == label).map(|i| i + 1)
    }
}

/// Writes XHTML for blocks into a string.
pub struct Writer<'c, 'a> {
    /// Shared state.
    pub cx: &'c mut Cx<'a>,
    /// Footnote numbering.
    pub notes: &'c mut Notes,
    /// The output.
    pub out: String,
    /// Headings written at the top level: (level, id, text).
    pub headings: Vec<(u8, String, String)>,
    /// Whether inline output will be re-parsed by the sanitiser.
    in_html: bool,
    /// Block nesting depth (quotes, lists, notes).
    depth: usize,
}

type Res = Result<(), Diagnostic>;

impl<'c, 'a> Writer<'c, 'a> {
    /// A writer appending to an empty string.
    pub fn new(cx: &'c mut Cx<'a>, notes: &'c mut Notes) -> Self {
        Writer {
            cx,
            notes,
            out: String::new(),
            headings: Vec::new(),
            in_html: false,
            depth: 0,
        }
    }

    /// Writes blocks; `tight` paragraphs (in tight lists) get no `<p>`.
    pub fn blocks(&mut self, blocks: &[Block], tight: bool) -> Res {
        for b in blocks {
            self.block(b, tight, None)?;
        }
        Ok(())
    }

    /// Writes one block; `prefix` is XHTML put before a paragraph's text.
    pub fn block(&mut self, block: &Block, tight: bool, prefix: Option<&str>) -> Res {
        match &block.kind {
            BlockKind::Heading {
                level,
                id,
                classes,
                content,
            } => {
                let mut attrs = String::new();
                if !id.is_empty() {
                    let id = self.cx.ids.claim_anchor(id, self.cx.file);
                    attrs.push_str(&format!(" id=\"{id}\""));
                    if self.depth == 0 {
                        let text = plain_text(content)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ");
                        self.headings.push((*level, id, text));
                    }
                }
                if !classes.is_empty() {
                    attrs.push_str(&format!(" class=\"{}\"", xml::attr(&classes.join(" "))));
                }
                self.container(content, &format!("h{level}"), &attrs, block.span, None)?;
            }
            BlockKind::Paragraph(content) => {
                if let Some(figure) = lone_image(content) {
                    return self.figure(figure);
                }
                let tag = if tight { "" } else { "p" };
                self.container(content, tag, "", block.span, prefix)?;
            }
            BlockKind::BlockQuote(children) => {
                self.out.push_str("<blockquote>");
                self.depth += 1;
                self.blocks(children, false)?;
                self.depth -= 1;
                self.out.push_str("</blockquote>\n");
            }
            BlockKind::CodeBlock { lang, text, tokens } => {
                // The language label above the block, as the PDF draws it.
                if let Some(lang) = lang {
                    self.out.push_str("<div class=\"code-lang\">");
                    xml::push_text(&mut self.out, lang);
                    self.out.push_str("</div>\n");
                }
                self.out.push_str("<pre><code");
                if let Some(lang) = lang {
                    let class = format!("language-{}", lang);
                    self.out
                        .push_str(&format!(" class=\"{}\"", xml::attr(&class)));
                }
                self.out.push('>');
                for (i, line) in doc::code_lines(text, tokens).into_iter().enumerate() {
                    if i > 0 {
                        self.out.push('\n');
                    }
                    for (piece, class) in line {
                        match highlight::css_class(class) {
                            Some(name) => {
                                self.out.push_str(&format!("<span class=\"{name}\">"));
                                xml::push_text(&mut self.out, piece);
                                self.out.push_str("</span>");
                            }
                            None => xml::push_text(&mut self.out, piece),
                        }
                    }
                }
                self.out.push_str("</code></pre>\n");
            }
            BlockKind::List {
                start,
                tight,
                items,
            } => self.list(*start, *tight, items)?,
            BlockKind::Table {
                aligns,
                header,
                rows,
            } => self.table(aligns, header, rows, block.span)?,
            BlockKind::ThematicBreak => self.out.push_str("<hr/>\n"),
            BlockKind::Html(raw) => {
                self.cx.html_span = block.span;
                let (xhtml, warnings) = html::sanitize(self.cx, raw, "div", false);
                self.cx.report(warnings, block.span);
                self.out.push_str(&xhtml);
                self.out.push('\n');
            }
        }
        Ok(())
    }

    fn list(&mut self, start: Option<u64>, tight: bool, items: &[ListItem]) -> Res {
        let tag = if start.is_some() { "ol" } else { "ul" };
        self.out.push('<');
        self.out.push_str(tag);
        if let Some(n) = start.filter(|&n| n != 1) {
            self.out.push_str(&format!(" start=\"{n}\""));
        }
        if tight {
            self.out.push_str(" class=\"tight\"");
        }
        self.out.push_str(">\n");
        self.depth += 1;
        for item in items {
            match item.task {
                Some(done) => {
                    self.out.push_str("<li class=\"task\">");
                    let glyph = if done { "☑" } else { "☐" };
                    let prefix = format!("<span class=\"task-box\">{glyph}</span> ");
                    match item.blocks.split_first() {
                        Some((first, rest)) if matches!(first.kind, BlockKind::Paragraph(_)) => {
                            self.block(first, tight, Some(&prefix))?;
                            self.blocks(rest, tight)?;
                        }
                        _ => {
                            self.out.push_str(&prefix);
                            self.blocks(&item.blocks, tight)?;
                        }
                    }
                }
                None => {
                    self.out.push_str("<li>");
                    self.blocks(&item.blocks, tight)?;
                }
            }
            self.out.push_str("</li>\n");
        }
        self.depth -= 1;
        self.out.push_str(&format!("</{tag}>\n"));
        Ok(())
    }

    fn table(
        &mut self,
        aligns: &[Align],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        span: Span,
    ) -> Res {
        self.out
            .push_str("<div class=\"table\"><table>\n<thead><tr>");
        for (i, cell) in header.iter().enumerate() {
            self.container(cell, "th", &align_attr(aligns.get(i)), span, None)?;
        }
        self.out.push_str("</tr></thead>\n");
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in rows {
                self.out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.container(cell, "td", &align_attr(aligns.get(i)), span, None)?;
                }
                self.out.push_str("</tr>\n");
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table></div>\n");
        Ok(())
    }

    /// An image standing alone in its paragraph: a figure with a caption.
    fn figure(&mut self, inl: &Inline) -> Res {
        let InlineKind::Image { src, title, alt } = &inl.kind else {
            return Ok(());
        };
        let alt_text = plain_text(alt);
        let Some(href) = self.image_src(src, inl.span, &alt_text)? else {
            return Ok(());
        };
        self.out.push_str(&format!(
            "<figure><img src=\"{}\" alt=\"{}\"/>",
            xml::attr(&href),
            xml::attr(alt_text.trim())
        ));
        if !title.trim().is_empty() {
            self.out.push_str("<figcaption>");
            xml::push_text(&mut self.out, title.trim());
            self.out.push_str("</figcaption>");
        } else if !alt_text.trim().is_empty() {
            self.out.push_str("<figcaption>");
            self.inlines(alt)?;
            self.out.push_str("</figcaption>");
        }
        self.out.push_str("</figure>\n");
        Ok(())
    }

    /// The package href of a local image, or `None` (with a fallback written)
    /// for a remote one. A missing local image is an error.
    fn image_src(
        &mut self,
        src: &str,
        span: Span,
        alt: &str,
    ) -> Result<Option<String>, Diagnostic> {
        if alt.trim().is_empty() {
            self.cx.image_without_alt = true;
        }
        match xml::classify(src) {
            xml::Url::Relative(r) if !r.is_empty() => match self.cx.image(&r) {
                Ok(href) => Ok(Some(href)),
                Err(why) => Err(Diagnostic::error(why)
                    .at(&self.cx.doc.source, span)
                    .help("image paths are relative to the Markdown file's folder")),
            },
            xml::Url::External(url) => {
                self.cx.warn(
                    format!("remote image `{src}` cannot be embedded in the EPUB; a link is written instead"),
                    span,
                );
                self.out
                    .push_str(&format!("<a href=\"{}\">", xml::attr(&url)));
                xml::push_text(&mut self.out, if alt.trim().is_empty() { src } else { alt });
                self.out.push_str("</a>");
                Ok(None)
            }
            _ => {
                self.cx.warn(
                    format!("image `{src}` has no usable source; its text is kept"),
                    span,
                );
                xml::push_text(&mut self.out, alt);
                Ok(None)
            }
        }
    }

    /// Writes inline content wrapped in `<tag attrs>` (no wrapper when `tag` is empty).
    fn container(
        &mut self,
        content: &[Inline],
        tag: &str,
        attrs: &str,
        span: Span,
        prefix: Option<&str>,
    ) -> Res {
        if !tag.is_empty() {
            self.out.push_str(&format!("<{tag}{attrs}>"));
        }
        if let Some(p) = prefix {
            self.out.push_str(p);
        }
        let mut has_html = false;
        walk_inlines(content, &mut |i| {
            has_html |= matches!(i.kind, InlineKind::Html(_))
        });
        if has_html {
            let outer = std::mem::take(&mut self.out);
            self.in_html = true;
            let done = self.inlines(content);
            self.in_html = false;
            let raw = std::mem::replace(&mut self.out, outer);
            done?;
            let context = if tag.is_empty() { "div" } else { tag };
            let phrasing = !matches!(context, "div" | "td" | "th");
            self.cx.html_span = span;
            let (xhtml, warnings) = html::sanitize(self.cx, &raw, context, phrasing);
            self.cx.report(warnings, span);
            self.out.push_str(&xhtml);
        } else {
            self.inlines(content)?;
        }
        if !tag.is_empty() {
            self.out.push_str(&format!("</{tag}>"));
        }
        if !matches!(tag, "th" | "td") {
            self.out.push('\n');
        }
        Ok(())
    }

    /// Writes inline content.
    pub fn inlines(&mut self, content: &[Inline]) -> Res {
        for inl in content {
            self.inline(inl)?;
        }
        Ok(())
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) -> Res {
        self.out.push_str(&format!("<{tag}>"));
        self.inlines(content)?;
        self.out.push_str(&format!("</{tag}>"));
        Ok(())
    }

    fn inline(&mut self, inl: &Inline) -> Res {
        match &inl.kind {
            InlineKind::Text(t) => xml::push_text(&mut self.out, t),
            InlineKind::Emphasis(c) => self.wrap("em", c)?,
            InlineKind::Strong(c) => self.wrap("strong", c)?,
            InlineKind::Strikethrough(c) => self.wrap("del", c)?,
            InlineKind::Code(t) => {
                self.out.push_str("<code>");
                xml::push_text(&mut self.out, t);
                self.out.push_str("</code>");
            }
            InlineKind::Link {
                url,
                title,
                content,
            } => match self.cx.href_at(url, inl.span) {
                Href::Value(v) => {
                    self.out.push_str(&format!("<a href=\"{v}\""));
                    if !title.is_empty() {
                        self.out
                            .push_str(&format!(" title=\"{}\"", xml::attr(title)));
                    }
                    self.out.push('>');
                    self.inlines(content)?;
                    self.out.push_str("</a>");
                }
                Href::Script => {
                    self.cx.warn(
                        format!("the `javascript:` link `{url}` was dropped"),
                        inl.span,
                    );
                    self.inlines(content)?;
                }
                Href::Dropped(why) => {
                    self.cx.warn(why, inl.span);
                    self.inlines(content)?;
                }
            },
            InlineKind::Image { src, title, alt } => {
                let alt_text = plain_text(alt);
                if let Some(href) = self.image_src(src, inl.span, &alt_text)? {
                    self.out.push_str(&format!(
                        "<img src=\"{}\" alt=\"{}\"",
                        xml::attr(&href),
                        xml::attr(alt_text.trim())
                    ));
                    if !title.is_empty() {
                        self.out
                            .push_str(&format!(" title=\"{}\"", xml::attr(title)));
                    }
                    self.out.push_str("/>");
                }
            }
            InlineKind::FootnoteRef(label) => self.note_ref(label),
            InlineKind::SoftBreak => self.out.push('\n'),
            InlineKind::HardBreak => self.out.push_str("<br/>\n"),
            InlineKind::Html(raw) if self.in_html => self.out.push_str(&xml::clean(raw)),
            InlineKind::Html(raw) => xml::push_text(&mut self.out, raw),
        }
        Ok(())
    }

    fn note_ref(&mut self, label: &str) {
        let Some(n) = self.notes.number(label) else {
            xml::push_text(&mut self.out, &format!("[^{label}]"));
            return;
        };
        self.notes.refs[n - 1] += 1;
        let k = self.notes.refs[n - 1];
        let raw = if k == 1 {
            format!("fnref-{n}")
        } else {
            format!("fnref-{n}-{k}")
        };
        let id = if self.in_html {
            self.cx.ids.claim_pending(&raw)
        } else {
            self.cx.ids.claim(&raw)
        };
        if k == 1 {
            self.notes.first_ref[n - 1] = Some((id.clone(), self.cx.file));
        }
        let href = self.cx.link(Target::Note(n));
        self.out.push_str(&format!(
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"{href}\">{n}</a></sup>"
        ));
    }

    /// Writes footnote `n` (1-based) as an EPUB 3 footnote aside with id `id`.
    pub fn footnote(&mut self, n: usize, id: &str, blocks: &[Block]) -> Res {
        self.out.push_str(&format!(
            "<aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"{id}\">\n"
        ));
        self.depth += 1;
        let back = self.cx.link(Target::NoteRef(n));
        let prefix =
            format!("<a class=\"backlink\" role=\"doc-backlink\" href=\"{back}\">{n}</a>. ");
        match blocks.split_first() {
            Some((first, rest))
                if matches!(first.kind, BlockKind::Paragraph(_))
                    && lone_image_block(first).is_none() =>
            {
                self.block(first, false, Some(&prefix))?;
                self.blocks(rest, false)?;
            }
            _ => {
                self.out.push_str(&format!("<p>{prefix}</p>\n"));
                self.blocks(blocks, false)?;
            }
        }
        self.depth -= 1;
        self.out.push_str("</aside>\n");
        Ok(())
    }
}

fn align_attr(align: Option<&Align>) -> String {
    match align {
        Some(Align::Left) => " style=\"text-align: left\"".into(),
        Some(Align::Center) => " style=\"text-align: center\"".into(),
        Some(Align::Right) => " style=\"text-align: right\"".into(),
        _ => String::new(),
    }
}

/// The image of a paragraph that holds only an image (and white space).
fn lone_image(content: &[Inline]) -> Option<&Inline> {
    let mut image = None;
    for inl in content {
        match &inl.kind {
            InlineKind::Image { .. } if image.is_none() => image = Some(inl),
            InlineKind::Text(t) if t.trim().is_empty() => {}
            InlineKind::SoftBreak => {}
            _ => return None,
        }
    }
    image
}

fn lone_image_block(block: &Block) -> Option<&Inline> {
    match &block.kind {
        BlockKind::Paragraph(c) => lone_image(c),
        _ => None,
    }
}
