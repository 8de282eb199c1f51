//! The document model → XHTML content (the `<body>` part of a content document).
//!
//! Every string from the source goes through [`xml`] escaping. Raw HTML was
//! read into the model's own nodes by the reader ([`crate::markdown`]), so
//! every element written here is generated, from a fixed set.
//! Links, note numbers and ids come resolved in the [`crate::resolve::Book`].

use crate::diag::Diagnostic;
use crate::doc::{
    self, Align, Block, BlockKind, Caption, Definition, Inline, InlineKind, ListItem, Span,
    plain_text,
};
use crate::words::Words;

use crate::highlight;

use super::cx::Cx;
use super::xml;

/// Writes XHTML for blocks into a string.
pub struct Writer<'c, 'a> {
    /// Shared state.
    pub cx: &'c mut Cx<'a>,
    /// The output.
    pub out: String,
    /// Block nesting depth (quotes, lists, notes).
    depth: usize,
    /// Links open around the current inline (a remote image inside a link
    /// is written as its text: HTML forbids `<a>` in `<a>`).
    links: usize,
    /// While a text block with page markers to place is written
    /// ([`super::pagebreak`]): the block (its source start and end).
    counting: Option<Counting>,
}

type Res = Result<(), Diagnostic>;

/// How far the text of a block with page markers has been written.
#[derive(Clone, Copy, Debug)]
struct Counting {
    /// The block's source start and end.
    block: (usize, usize),
    /// Letters and digits written.
    letters: usize,
    /// Whether the last character written was a space (or none was yet).
    after_space: bool,
}

impl<'c, 'a> Writer<'c, 'a> {
    /// A writer appending to an empty string.
    pub fn new(cx: &'c mut Cx<'a>) -> Self {
        Writer {
            cx,
            out: String::new(),
            depth: 0,
            links: 0,
            counting: None,
        }
    }

    /// The file being written (a chapter's; its notes go in it too).
    fn file(&self) -> &'a str {
        let doc: &'a crate::resolve::Book = self.cx.doc;
        &doc.chapters[self.cx.chapter].file
    }

    /// Starts counting the text of `block` when it has page markers to
    /// place; a table, figure or code block whose first line begins a page
    /// gets its marker before it (before its caption or language label).
    /// Returns what to give [`Writer::leave`].
    fn enter(&mut self, block: &Block) -> Option<Counting> {
        let saved = self.counting.take();
        let key = (block.span.start, block.span.end);
        let file = self.file();
        let Some(marks) = self.cx.marks.as_mut() else {
            return saved;
        };
        if !crate::typeset::page_starts::is_text_block(block) || !marks.pending(key) {
            return saved;
        }
        if matches!(
            block.kind,
            BlockKind::Table { .. } | BlockKind::Figure { .. } | BlockKind::CodeBlock { .. }
        ) {
            let m = marks.due(key, Some(0), file);
            self.out.push_str(&m);
        }
        self.counting = Some(Counting {
            block: key,
            letters: 0,
            after_space: true,
        });
        saved
    }

    /// Ends the block [`Writer::enter`] started: markers it still holds go
    /// after it.
    fn leave(&mut self, saved: Option<Counting>) {
        if let Some(Counting { block: key, .. }) = self.counting.take() {
            let file = self.file();
            if let Some(marks) = self.cx.marks.as_mut() {
                let m = marks.due(key, None, file);
                self.out.push_str(&m);
            }
        }
        self.counting = saved;
    }

    /// Writes text of the document, escaped; inside a counted block, with
    /// the page markers that fall in it: once the letters and digits the
    /// page break follows are written, before the next word (a letter or
    /// digit, or what follows a space: an opening quote), so that the
    /// comma ending the line before stays before the marker.
    fn text(&mut self, t: &str) {
        use crate::typeset::page_starts::counts;
        let Some(mut at) = self.counting else {
            return xml::push_text(&mut self.out, t);
        };
        let file = self.file();
        let Some(marks) = self.cx.marks.as_mut() else {
            return xml::push_text(&mut self.out, t);
        };
        // The count the block's next marker waits for; none left, nothing
        // more to count in this block.
        let Some(mut due) = marks.next(at.block) else {
            return xml::push_text(&mut self.out, t);
        };
        let mut from = 0;
        for (i, c) in t.char_indices() {
            let letter = counts(c);
            let space = c.is_whitespace();
            if at.letters >= due && (letter || (at.after_space && !space)) {
                let m = marks.due(at.block, Some(at.letters), file);
                xml::push_text(&mut self.out, &t[from..i]);
                self.out.push_str(&m);
                from = i;
                match marks.next(at.block) {
                    Some(n) => due = n,
                    None => {
                        at.letters += usize::from(letter);
                        break;
                    }
                }
            }
            at.letters += usize::from(letter);
            at.after_space = space;
        }
        xml::push_text(&mut self.out, &t[from..]);
        self.counting = Some(at);
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
        let saved = self.enter(block);
        let done = self.block_kind(block, tight, prefix);
        self.leave(saved);
        done
    }

    fn block_kind(&mut self, block: &Block, tight: bool, prefix: Option<&str>) -> Res {
        match &block.kind {
            BlockKind::Heading {
                level,
                id,
                classes,
                content,
            } => {
                let mut attrs = String::new();
                if !id.is_empty() {
                    attrs.push_str(&format!(" id=\"{}\"", xml::attr(id)));
                }
                if !classes.is_empty() {
                    attrs.push_str(&format!(" class=\"{}\"", xml::attr(&classes.join(" "))));
                }
                self.container(content, &format!("h{level}"), &attrs, block.span, None)?;
            }
            BlockKind::Paragraph(content) => {
                let tag = if tight { "" } else { "p" };
                // An article's closing attribution, set as the theme says.
                let doc = self.cx.doc;
                let attrs = if doc.theme.article.attribution == crate::theme::Attribution::Right
                    && doc
                        .attribution
                        .is_some_and(|i| std::ptr::eq(block, &doc.blocks[i]))
                {
                    " class=\"attribution\""
                } else {
                    ""
                };
                self.container(content, tag, attrs, block.span, prefix)?;
            }
            BlockKind::Math(f) => {
                self.out.push_str("<div class=\"math\">");
                self.formula(f);
                self.out.push_str("</div>\n");
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
                                self.text(piece);
                                self.out.push_str("</span>");
                            }
                            None => self.text(piece),
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
                caption,
            } => self.table(aligns, header, rows, caption.as_ref(), block.span)?,
            BlockKind::ThematicBreak => self.out.push_str("<hr/>\n"),
            BlockKind::Aligned { align, blocks } => {
                let class = match align {
                    Align::Center => "align-center",
                    Align::Right => "align-right",
                    _ => "align-left",
                };
                self.out.push_str(&format!("<div class=\"{class}\">\n"));
                self.depth += 1;
                self.blocks(blocks, false)?;
                self.depth -= 1;
                self.out.push_str("</div>\n");
            }
            BlockKind::Details { summary, blocks } => {
                // Open, as in print: nothing is hidden.
                self.out.push_str("<details open=\"open\">");
                if !summary.is_empty() {
                    self.container(summary, "summary", "", block.span, None)?;
                }
                self.depth += 1;
                self.blocks(blocks, false)?;
                self.depth -= 1;
                self.out.push_str("</details>\n");
            }
            BlockKind::Figure { image, caption } => self.figure(image, caption)?,
            BlockKind::DefinitionList(defs) => self.definitions(defs, block.span)?,
            BlockKind::Callout {
                kind,
                title,
                blocks,
            } => {
                let label = title
                    .as_deref()
                    .unwrap_or(Words::for_lang(&self.cx.doc.meta.lang).callouts[kind.index()]);
                self.out.push_str(&format!(
                    "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">",
                    kind.name()
                ));
                xml::push_text(&mut self.out, label);
                self.out.push_str("</p>\n");
                self.depth += 1;
                self.blocks(blocks, false)?;
                self.depth -= 1;
                self.out.push_str("</div>\n");
            }
        }
        Ok(())
    }

    /// A definition list: each term a `dt`, each definition a `dd`.
    fn definitions(&mut self, defs: &[Definition], span: Span) -> Res {
        self.out.push_str("<dl>\n");
        self.depth += 1;
        for def in defs {
            self.container(&def.term, "dt", "", span, None)?;
            if def.details.is_empty() {
                self.out.push_str("<dd></dd>\n");
            }
            for blocks in &def.details {
                self.out.push_str("<dd>");
                self.blocks(blocks, false)?;
                self.out.push_str("</dd>\n");
            }
        }
        self.depth -= 1;
        self.out.push_str("</dl>\n");
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
        caption: Option<&Caption>,
        span: Span,
    ) -> Res {
        self.out.push_str("<div class=\"table\"><table");
        if let Some(id) = caption.and_then(|c| c.id.as_ref()) {
            self.out.push_str(&format!(" id=\"{}\"", xml::attr(id)));
        }
        self.out.push_str(">\n");
        // The caption is the table's first child (HTML § 4.9.2), numbered
        // as in the PDF.
        if let Some(c) = caption {
            self.out.push_str("<caption><span class=\"table-label\">");
            xml::push_text(&mut self.out, &self.cx.doc.table_label(c));
            self.out.push_str("</span> ");
            self.uncounted(|w| w.inlines(&c.content))?;
            self.out.push_str("</caption>\n");
        }
        self.out.push_str("<thead><tr>");
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

    /// A figure ([`BlockKind::Figure`]: a raw HTML `<figure>`, or an image
    /// the resolver set apart, see [`crate::resolve::place`]) with its caption.
    fn figure(&mut self, inl: &Inline, caption: &[Inline]) -> Res {
        let InlineKind::Image {
            src,
            alt,
            width,
            height,
            scale,
            ..
        } = &inl.kind
        else {
            return Ok(());
        };
        let alt_text = plain_text(alt);
        let Some(href) = self.image_src(src, inl.span, &alt_text)? else {
            return Ok(());
        };
        self.out.push_str(&format!(
            "<figure><img src=\"{}\" alt=\"{}\"{}/>",
            xml::attr(&href),
            xml::attr(alt_text.trim()),
            size_attrs(*width, *height, *scale)
        ));
        if !caption.is_empty() {
            self.out.push_str("<figcaption>");
            self.uncounted(|w| w.inlines(caption))?;
            self.out.push_str("</figcaption>");
        }
        self.out.push_str("</figure>\n");
        Ok(())
    }

    /// Runs `f` with the text it writes left out of the page markers'
    /// count: captions, which the typesetter does not count either (the
    /// PDF numbers them, the EPUB labels them apart).
    fn uncounted(&mut self, f: impl FnOnce(&mut Self) -> Res) -> Res {
        let counting = self.counting.take();
        let done = f(self);
        self.counting = counting;
        done
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
            xml::Url::Relative(r) if !r.is_empty() => match self.cx.image(src) {
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
                let text = if alt.trim().is_empty() { src } else { alt };
                if self.links > 0 {
                    xml::push_text(&mut self.out, text);
                } else {
                    self.out
                        .push_str(&format!("<a href=\"{}\">", xml::attr(&url)));
                    xml::push_text(&mut self.out, text);
                    self.out.push_str("</a>");
                }
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
        let _ = span;
        self.inlines(content)?;
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

    /// A formula: MathML, or an SVG with `--epub-math svg`.
    fn formula(&mut self, f: &crate::math::Formula) {
        self.cx.formulas += 1;
        match &self.cx.math_svg {
            Some(ctx) => super::math::svg(f, ctx, self.cx.formulas, &mut self.out),
            None => super::math::mathml(f, &mut self.out),
        }
    }

    fn inline(&mut self, inl: &Inline) -> Res {
        match &inl.kind {
            InlineKind::Text(t) => self.text(t),
            InlineKind::Emphasis(c) => self.wrap("em", c)?,
            InlineKind::Strong(c) => self.wrap("strong", c)?,
            InlineKind::Strikethrough(c) => self.wrap("del", c)?,
            InlineKind::Code(t) => {
                self.out.push_str("<code>");
                self.text(t);
                self.out.push_str("</code>");
            }
            InlineKind::Math(f) => self.formula(f),
            InlineKind::Link {
                url,
                title,
                content,
            } => {
                // The resolver kept only `#id` and checked external URLs.
                let href = match url.strip_prefix('#') {
                    Some(id) => self.cx.doc.href(id, self.cx.chapter),
                    None => url.clone(),
                };
                self.out
                    .push_str(&format!("<a href=\"{}\"", xml::attr(&href)));
                if !title.is_empty() {
                    self.out
                        .push_str(&format!(" title=\"{}\"", xml::attr(title)));
                }
                self.out.push('>');
                self.links += 1;
                let done = self.inlines(content);
                self.links -= 1;
                done?;
                self.out.push_str("</a>");
            }
            InlineKind::Anchor(id) => {
                self.out
                    .push_str(&format!("<span id=\"{}\"></span>", xml::attr(id)));
            }
            InlineKind::Image {
                src,
                title,
                alt,
                width,
                height,
                scale,
            } => {
                let alt_text = plain_text(alt);
                if let Some(href) = self.image_src(src, inl.span, &alt_text)? {
                    self.out.push_str(&format!(
                        "<img src=\"{}\" alt=\"{}\"{}",
                        xml::attr(&href),
                        xml::attr(alt_text.trim()),
                        size_attrs(*width, *height, *scale)
                    ));
                    if !title.is_empty() {
                        self.out
                            .push_str(&format!(" title=\"{}\"", xml::attr(title)));
                    }
                    self.out.push_str("/>");
                }
            }
            InlineKind::FootnoteRef(label) => xml::push_text(&mut self.out, &format!("[^{label}]")),
            InlineKind::NoteRef { number, nth } => self.note_ref(*number, *nth),
            InlineKind::SoftBreak => self.text("\n"),
            InlineKind::HardBreak => {
                self.out.push_str("<br/>");
                self.text("\n");
            }
            InlineKind::Underline(c) => self.wrap("u", c)?,
            InlineKind::Superscript(c) => self.wrap("sup", c)?,
            InlineKind::Subscript(c) => self.wrap("sub", c)?,
            InlineKind::Small(c) => self.wrap("small", c)?,
            InlineKind::Kbd(c) => self.wrap("kbd", c)?,
            InlineKind::Mark(c) => self.wrap("mark", c)?,
            InlineKind::Lang { lang, content } => {
                let lang = xml::attr(lang);
                self.out
                    .push_str(&format!("<span lang=\"{lang}\" xml:lang=\"{lang}\">"));
                self.inlines(content)?;
                self.out.push_str("</span>");
            }
        }
        Ok(())
    }

    /// A reference to note `n`, the `nth` one: a linked superscript with
    /// the note's printed mark (counted per chapter in a book).
    fn note_ref(&mut self, n: usize, nth: usize) {
        let book = self.cx.doc;
        let note = &book.notes[n - 1];
        let id = &note.ref_ids[nth - 1];
        let href = book.href(&note.id, self.cx.chapter);
        self.out.push_str(&format!(
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"{}\">{}</a></sup>",
            xml::attr(&href),
            note.mark
        ));
    }

    /// Writes note `n` (1-based) as an EPUB 3 footnote aside, with a
    /// back-link to its first reference.
    pub fn footnote(&mut self, n: usize) -> Res {
        let book = self.cx.doc;
        let note = &book.notes[n - 1];
        let blocks = &book.footnotes[note.footnote].blocks;
        self.out.push_str(&format!(
            "<aside epub:type=\"footnote\" role=\"doc-footnote\" class=\"footnote\" id=\"{}\">\n",
            note.id
        ));
        self.depth += 1;
        let back = book.href(&note.ref_ids[0], self.cx.chapter);
        let prefix = format!(
            "<a class=\"backlink\" role=\"doc-backlink\" href=\"{}\">{}</a>. ",
            xml::attr(&back),
            note.mark
        );
        match blocks.split_first() {
            Some((first, rest)) if matches!(first.kind, BlockKind::Paragraph(_)) => {
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

/// `width` and `height` attributes (CSS px) of an image, when given.
/// `width`/`height` in CSS px; a `scale` (pandoc's `{width=30%}`) is a
/// share of the text's width instead, as a style.
fn size_attrs(width: Option<u32>, height: Option<u32>, scale: Option<f32>) -> String {
    let mut out = String::new();
    if let Some(f) = scale {
        return format!(" style=\"width: {}%\"", (f * 1000.0).round() / 10.0);
    }
    if let Some(w) = width {
        out.push_str(&format!(" width=\"{w}\""));
    }
    if let Some(h) = height {
        out.push_str(&format!(" height=\"{h}\""));
    }
    out
}

fn align_attr(align: Option<&Align>) -> String {
    match align {
        Some(Align::Left) => " style=\"text-align: left\"".into(),
        Some(Align::Center) => " style=\"text-align: center\"".into(),
        Some(Align::Right) => " style=\"text-align: right\"".into(),
        _ => String::new(),
    }
}
