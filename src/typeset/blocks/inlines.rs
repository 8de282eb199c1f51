//! Inline content → pieces: emphasis, links, footnote references, and the
//! spans raw HTML gives (underline, superscript, subscript, small, keys,
//! highlight, language).

use super::*;

impl Builder<'_, '_, '_> {
    /// Inline content → pieces, tracking emphasis, links and footnote refs.
    pub(super) fn pieces(&mut self, content: &[Inline], base: &TextStyle) -> Vec<Piece> {
        let mut out = Vec::new();
        self.pieces_into(content, base, &mut out);
        out
    }

    /// A new inline element of `role` inside the one `st` is content of
    /// (or the block's), from the source bytes of `inl`.
    fn inline_node(&mut self, st: &TextStyle, role: StructRole, inl: &Inline) -> NodeId {
        let parent = st.node.unwrap_or(self.tags.node);
        let id = self.tags.tree.add(parent, role);
        self.tags.tree.node_mut(id).source = Some(inl.span.start..inl.span.end);
        id
    }

    pub(super) fn pieces_into(&mut self, content: &[Inline], st: &TextStyle, out: &mut Vec<Piece>) {
        for inl in content {
            let cur = st.clone();
            match &inl.kind {
                InlineKind::Text(t) => out.push(Piece::Text(t.clone(), cur)),
                InlineKind::Math(f) => {
                    // Without a math face, the formula prints as its TeX.
                    if !self.math_pieces(f, inl.span, &cur, out) {
                        let code = Inline {
                            kind: InlineKind::Code(f.tex.clone()),
                            span: inl.span,
                        };
                        self.pieces_into(std::slice::from_ref(&code), &cur, out);
                    }
                }
                InlineKind::Code(t) => {
                    let size = self.code_size(cur.size);
                    let node = self.inline_node(&cur, StructRole::Code, inl);
                    out.push(Piece::Text(
                        t.clone(),
                        TextStyle {
                            role: Role::Code,
                            size,
                            node: Some(node),
                            ..cur
                        },
                    ));
                }
                InlineKind::Emphasis(c) => {
                    let s2 = TextStyle {
                        style: Style {
                            italic: !cur.style.italic,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Strong(c) => {
                    let s2 = TextStyle {
                        style: Style {
                            bold: true,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Strikethrough(c) => {
                    let s2 = TextStyle {
                        strike: true,
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Link {
                    url, content: c, ..
                } => {
                    // The resolver kept only `#id` and checked external URLs.
                    let target = match url.strip_prefix('#') {
                        Some(id) => LinkTarget::Anchor(id.to_string()),
                        None => LinkTarget::Uri(url.clone()),
                    };
                    let node = self.inline_node(&cur, StructRole::Link, inl);
                    let s2 = TextStyle {
                        link: Some(target),
                        color: self.setup.theme.colours.link.0,
                        node: Some(node),
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Anchor(id) => out.push(Piece::Anchor(id.clone())),
                InlineKind::Image { alt, .. } => {
                    if let Some(mut piece) = self.inline_image(inl, &cur) {
                        // A figure in the line, with its alternative text.
                        let fig = self.inline_node(&cur, StructRole::Figure, inl);
                        self.tags.tree.node_mut(fig).texts_mut().alt = Some(plain_text(alt));
                        if let Piece::Object(obj, _) = &mut piece {
                            for it in &mut obj.items {
                                it.tag = match (&it.item, cur.node) {
                                    (Item::Link(_), Some(link)) => Tag::Content(link),
                                    _ => Tag::Content(fig),
                                };
                            }
                        }
                        out.push(piece);
                        continue;
                    }
                    // An image the PDF cannot embed keeps its alternative text.
                    let s2 = TextStyle {
                        style: Style {
                            italic: true,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(alt, &s2, out);
                }
                InlineKind::FootnoteRef(label) => out.push(Piece::Text(format!("[^{label}]"), cur)),
                InlineKind::NoteRef { number, nth } => {
                    // A `Reference` holding the mark, a `Link` to the note.
                    let reference = self.inline_node(&cur, StructRole::Reference, inl);
                    let link = self.tags.tree.add(reference, StructRole::Link);
                    if *nth == 1
                        && let Some(first) = self.tags.first_refs.get_mut(number - 1)
                        && first.is_none()
                    {
                        *first = Some(reference);
                    }
                    let note = &self.doc.notes[number - 1];
                    out.push(Piece::Anchor(note.ref_ids[nth - 1].clone()));
                    if *nth == 1 {
                        out.push(Piece::NoteRef(number - 1));
                    }
                    // The printed mark: per chapter in a book.
                    out.push(Piece::Text(
                        note.mark.to_string(),
                        TextStyle {
                            size: cur.size * self.setup.theme.text.script,
                            rise: cur.size * 0.36,
                            link: Some(LinkTarget::Anchor(note.id.clone())),
                            node: Some(link),
                            ..cur
                        },
                    ));
                }
                InlineKind::SoftBreak => out.push(Piece::Text(" ".into(), cur)),
                InlineKind::HardBreak => out.push(Piece::Break),
                InlineKind::Underline(c) => {
                    let s2 = TextStyle {
                        underline: true,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Superscript(c) => {
                    // As the footnote markers: 62 % of the size, raised 36 %.
                    let s2 = TextStyle {
                        size: cur.size * self.setup.theme.text.script,
                        rise: cur.rise + cur.size * 0.36,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Subscript(c) => {
                    let s2 = TextStyle {
                        size: cur.size * self.setup.theme.text.script,
                        rise: cur.rise - cur.size * 0.15,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Small(c) => {
                    let s2 = TextStyle {
                        size: cur.size * self.setup.theme.text.small,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Kbd(c) => {
                    let size = self.code_size(cur.size);
                    let s2 = TextStyle {
                        role: Role::Code,
                        size,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Mark(c) => {
                    let s2 = TextStyle { mark: true, ..cur };
                    self.pieces_into(c, &s2, out);
                }
                InlineKind::Lang { lang, content: c } => {
                    // A `Span` with its `/Lang` where it is not the document's.
                    let node = if !lang.eq_ignore_ascii_case(&self.doc.meta.lang) {
                        let span = self.inline_node(&cur, StructRole::Span, inl);
                        self.tags.tree.node_mut(span).texts_mut().lang = Some(lang.clone());
                        Some(span)
                    } else {
                        cur.node
                    };
                    let s2 = TextStyle {
                        lang: Arc::from(lang.as_str()),
                        node,
                        ..cur
                    };
                    self.pieces_into(c, &s2, out);
                }
            }
        }
    }
}
