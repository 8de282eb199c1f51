//! Inline content → pieces: emphasis, links, footnote references, inline HTML.

use super::*;

impl Builder<'_, '_, '_> {
    /// Inline content → pieces, tracking emphasis, links, footnote refs and inline HTML.
    pub(super) fn pieces(&mut self, content: &[Inline], base: &TextStyle) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut html_stack: Vec<(String, Option<String>)> = Vec::new();
        self.pieces_into(content, base, &mut out, &mut html_stack);
        out
    }

    pub(super) fn pieces_into(
        &mut self,
        content: &[Inline],
        st: &TextStyle,
        out: &mut Vec<Piece>,
        html: &mut Vec<(String, Option<String>)>,
    ) {
        for inl in content {
            let cur = apply_html(st, html);
            match &inl.kind {
                InlineKind::Text(t) => out.push(Piece::Text(t.clone(), cur)),
                InlineKind::Code(t) => {
                    let size = self.code_size(cur.size);
                    out.push(Piece::Text(
                        t.clone(),
                        TextStyle {
                            role: Role::Code,
                            size,
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
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Strong(c) => {
                    let s2 = TextStyle {
                        style: Style {
                            bold: true,
                            ..cur.style
                        },
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Strikethrough(c) => {
                    let s2 = TextStyle {
                        strike: true,
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Link {
                    url, content: c, ..
                } => {
                    // The resolver kept only `#id` and checked external URLs.
                    let target = match url.strip_prefix('#') {
                        Some(id) => LinkTarget::Anchor(id.to_string()),
                        None => LinkTarget::Uri(url.clone()),
                    };
                    let s2 = TextStyle {
                        link: Some(target),
                        color: Rgb(0.08, 0.2, 0.45),
                        ..cur.clone()
                    };
                    self.pieces_into(c, &s2, out, html);
                }
                InlineKind::Anchor(id) => out.push(Piece::Anchor(id.clone())),
                InlineKind::Image { src, alt, .. } => {
                    if let Some(piece) = self.inline_image(src, &cur) {
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
                    self.pieces_into(alt, &s2, out, html);
                }
                InlineKind::FootnoteRef(label) => out.push(Piece::Text(format!("[^{label}]"), cur)),
                InlineKind::NoteRef { number, nth } => {
                    let note = &self.doc.notes[number - 1];
                    out.push(Piece::Anchor(note.ref_ids[nth - 1].clone()));
                    if *nth == 1 {
                        out.push(Piece::NoteRef(number - 1));
                    }
                    out.push(Piece::Text(
                        number.to_string(),
                        TextStyle {
                            size: cur.size * 0.62,
                            rise: cur.size * 0.36,
                            link: Some(LinkTarget::Anchor(note.id.clone())),
                            ..cur
                        },
                    ));
                }
                InlineKind::SoftBreak => out.push(Piece::Text(" ".into(), cur)),
                InlineKind::HardBreak => out.push(Piece::Break),
                InlineKind::Html(tag) => {
                    if let Some(name) = tag_name(tag)
                        && !SUPPORTED_INLINE_HTML.contains(&name.as_str())
                        && lang_attribute(tag).is_none()
                        && self.warned.insert(name.clone())
                    {
                        self.warnings.push((
                            name.clone(),
                            Diagnostic::warning(format!(
                                "inline HTML `<{name}>` has no PDF rendering; its text is kept"
                            ))
                            .at(&self.doc.source, inl.span)
                            .help("the PDF renders b, strong, i, em, u, s, sup, sub, br, small, mark, code and kbd"),
                        ));
                    }
                    if let Some(name) = tag_name(tag) {
                        if name == "br" {
                            out.push(Piece::Break);
                        } else if tag.starts_with("</") {
                            if let Some(pos) = html.iter().rposition(|t| t.0 == name) {
                                html.truncate(pos);
                            }
                        } else if !tag.trim_end().ends_with("/>") {
                            html.push((name, lang_attribute(tag)));
                        }
                    }
                }
            }
        }
    }
}

/// The `lang` attribute of an opening tag (`<span lang="en">`), if any: it
/// switches hyphenation for the element's text.
pub(super) fn lang_attribute(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(" lang=")? + " lang=".len();
    let rest = &tag[at..];
    let value: String = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].chars().take_while(|&c| c != q).collect(),
        _ => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect(),
    };
    crate::frontmatter::is_bcp47(&value).then_some(value)
}

/// Inline HTML elements the PDF renders.
pub(super) const SUPPORTED_INLINE_HTML: &[&str] = &[
    "b", "strong", "i", "em", "cite", "var", "u", "ins", "s", "del", "strike", "sup", "sub",
    "small", "mark", "br", "code", "kbd", "samp", "tt",
];

/// The lowercase element name of an HTML tag (`<b>`, `</em>`, `<br/>`).
pub(super) fn tag_name(tag: &str) -> Option<String> {
    let t = tag.trim().strip_prefix('<')?;
    let t = t.strip_prefix('/').unwrap_or(t);
    let name: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// Applies the styles of open inline HTML elements.
pub(super) fn apply_html(st: &TextStyle, html: &[(String, Option<String>)]) -> TextStyle {
    let mut s = st.clone();
    for (tag, lang) in html {
        if let Some(lang) = lang {
            s.lang = Arc::from(lang.as_str());
        }
        match tag.as_str() {
            "b" | "strong" => s.style.bold = true,
            "i" | "em" | "cite" | "var" => s.style.italic = true,
            "u" | "ins" => s.underline = true,
            "s" | "del" | "strike" => s.strike = true,
            "sup" => {
                s.rise += s.size * 0.36;
                s.size *= 0.7;
            }
            "sub" => {
                s.rise -= s.size * 0.15;
                s.size *= 0.7;
            }
            "small" => s.size *= 0.85,
            "code" | "kbd" | "samp" | "tt" => s.role = Role::Code,
            _ => {}
        }
    }
    s
}

/// The text content of a raw HTML block: tags dropped, common entities decoded,
/// white space folded.
pub fn html_block_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
