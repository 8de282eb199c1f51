//! The glyph-coverage gate: before anything is written, every character of the
//! document is checked against the faces that will draw it: its role and
//! style's face, else the fallback chosen for its cluster ([`crate::fallback`]).
//! Characters no face at all covers are one error: each distinct character
//! once with its code point, count and first `file:line:col`, then one hint.

use std::collections::{BTreeMap, HashMap};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Block, BlockKind, Inline, InlineKind, Span};
use crate::fonts::{FontSet, Role, Style};
use crate::resolve::Book;

/// How many distinct missing characters the error lists (the rest are
/// counted), so that the message stays short on a page of Hán/Nôm.
const MAX_LISTED: usize = 8;

/// Where a piece of text is drawn, and how.
#[derive(Clone, Copy)]
struct Ctx {
    role: Role,
    style: Style,
}

/// Checks every character of `doc`; one error per uncovered character.
pub fn check(doc: &Book, fonts: &FontSet, diags: &mut Diagnostics) {
    // Missing character → places (byte offsets), in document order.
    // Missing character → (order found, count, first byte offset).
    let mut missing: BTreeMap<char, (usize, usize, usize)> = BTreeMap::new();
    let mut order = 0usize;
    // Occurrences counted: (character, span start, offset in the text), so
    // that text checked in two faces (the title) counts once.
    let mut counted: std::collections::HashSet<(char, usize, usize)> =
        std::collections::HashSet::new();
    // (face, character) → covered: a document uses few distinct characters
    // many times, and a cmap lookup costs far more than a hash.
    let mut known: HashMap<(usize, char), bool, foldhash::fast::FixedState> = HashMap::default();
    let mut check_text = |text: &str, span: Span, ctx: Ctx| {
        let face = fonts.face(ctx.role, ctx.style);
        let face_key = std::sync::Arc::as_ptr(face) as usize;
        // The role's face covers most text: only text it does not cover
        // asks the fallback.
        if text.chars().all(|c| {
            c.is_whitespace()
                || c.is_control()
                || is_default_ignorable(c)
                || *known.entry((face_key, c)).or_insert_with(|| face.covers(c))
        }) {
            return;
        }
        let region = doc
            .source
            .piece(span.start..span.end.min(doc.source.len()))
            .unwrap_or_default();
        for (i, c) in crate::fallback::missing(fonts, ctx.role, ctx.style, text) {
            if !counted.insert((c, span.start, i)) {
                continue;
            }
            let at = region.find(c).map_or(span.start, |i| span.start + i);
            let entry = missing.entry(c).or_insert_with(|| {
                order += 1;
                (order, 0, at)
            });
            entry.1 += 1;
        }
    };

    let heading = Ctx {
        role: Role::Heading,
        style: Style {
            bold: true,
            italic: false,
        },
    };
    let meta_span = Span::new(0, doc.source.len());
    let meta = &doc.meta;
    let heading_regular = Ctx {
        role: Role::Heading,
        style: Style::REGULAR,
    };
    let body_regular = Ctx {
        role: Role::Body,
        style: Style::REGULAR,
    };
    // The title is also the running head (body face); the dateline and
    // source line above the title are set in the body face.
    for (text, ctx) in [
        (meta.title.as_deref(), heading),
        (meta.title.as_deref(), body_regular),
        (meta.subtitle.as_deref(), heading_regular),
        (doc.dateline().as_deref(), body_regular),
        (meta.source.as_deref(), body_regular),
    ] {
        if let Some(text) = text {
            check_text(text, meta_span, ctx);
        }
    }
    for author in &meta.authors {
        check_text(
            author,
            meta_span,
            Ctx {
                role: Role::Heading,
                style: Style::REGULAR,
            },
        );
    }

    let body = Ctx {
        role: Role::Body,
        style: Style::REGULAR,
    };
    let mut blocks: Vec<(&Block, Ctx)> = doc.blocks.iter().rev().map(|b| (b, body)).collect();
    blocks.extend(
        doc.footnotes
            .iter()
            .rev()
            .flat_map(|f| f.blocks.iter().rev())
            .map(|b| (b, body)),
    );
    while let Some((block, ctx)) = blocks.pop() {
        match &block.kind {
            BlockKind::Heading { content, .. } => inlines(content, heading, &mut check_text),
            BlockKind::Paragraph(content) => inlines(content, ctx, &mut check_text),
            BlockKind::Math(f) => {
                for t in f.texts() {
                    check_text(&t, block.span, ctx);
                }
            }
            BlockKind::BlockQuote(children) => {
                blocks.extend(children.iter().rev().map(|b| (b, ctx)))
            }
            BlockKind::List { items, .. } => {
                for item in items.iter().rev() {
                    blocks.extend(item.blocks.iter().rev().map(|b| (b, ctx)));
                }
            }
            BlockKind::Table {
                header,
                rows,
                caption,
                ..
            } => {
                if let Some(c) = caption {
                    inlines(&c.content, ctx, &mut check_text);
                }
                let bold = Ctx {
                    style: Style {
                        bold: true,
                        ..ctx.style
                    },
                    ..ctx
                };
                for cell in header {
                    inlines(cell, bold, &mut check_text);
                }
                for cell in rows.iter().flatten() {
                    inlines(cell, ctx, &mut check_text);
                }
            }
            BlockKind::CodeBlock { lang, text, tokens } => {
                let code = |style| Ctx {
                    role: Role::Code,
                    style,
                };
                // The language label, then each token in its palette's style.
                if let Some(lang) = lang {
                    check_text(lang, block.span, code(Style::REGULAR));
                }
                for line in crate::doc::code_lines(text, tokens) {
                    for (piece, class) in line {
                        let ink = crate::highlight::palette(class);
                        let style = Style {
                            bold: ink.bold,
                            italic: ink.italic,
                        };
                        check_text(piece, block.span, code(style));
                    }
                }
            }
            BlockKind::Aligned {
                blocks: children, ..
            } => blocks.extend(children.iter().rev().map(|b| (b, ctx))),
            BlockKind::Callout {
                kind,
                title,
                blocks: children,
            } => {
                // The label line is set bold in the body face.
                let label = title.as_deref().unwrap_or(
                    crate::words::Words::for_lang(&doc.meta.lang).callouts[kind.index()],
                );
                check_text(label, block.span, bold(ctx));
                blocks.extend(children.iter().rev().map(|b| (b, ctx)));
            }
            BlockKind::Details {
                summary,
                blocks: children,
            } => {
                inlines(summary, bold(ctx), &mut check_text);
                blocks.extend(children.iter().rev().map(|b| (b, ctx)));
            }
            BlockKind::Figure { image, caption } => {
                inlines(std::slice::from_ref(image), ctx, &mut check_text);
                let italic = Ctx {
                    role: Role::Body,
                    style: Style {
                        bold: false,
                        italic: true,
                    },
                };
                inlines(caption, italic, &mut check_text);
            }
            BlockKind::DefinitionList(defs) => {
                // Terms bold; the definitions' blocks are checked here in
                // full (depth-first), since the stack would reorder them.
                for def in defs {
                    inlines(&def.term, bold(ctx), &mut check_text);
                }
                for def in defs.iter().rev() {
                    for details in def.details.iter().rev() {
                        blocks.extend(details.iter().rev().map(|b| (b, ctx)));
                    }
                }
            }
            BlockKind::ThematicBreak => {}
        }
    }

    if let Some(d) = missing_error(doc, fonts, missing) {
        diags.push(d);
    }
}

/// The one error for every character no face covers, or None.
fn missing_error(
    doc: &Book,
    fonts: &FontSet,
    missing: BTreeMap<char, (usize, usize, usize)>,
) -> Option<Diagnostic> {
    let mut found: Vec<(char, (usize, usize, usize))> = missing.into_iter().collect();
    found.sort_by_key(|(_, (order, _, _))| *order);
    let first = found.first()?.1.2;
    let total: usize = found.iter().map(|(_, (_, n, _))| n).sum();
    let mut message = format!(
        "no font covers {} character{} ({total} occurrence{})",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" },
    );
    for (c, (_, count, at)) in found.iter().take(MAX_LISTED) {
        let loc = doc.source.location(*at);
        message.push_str(&format!(
            "\n  `{c}` U+{:04X} ×{count}, first at {loc}",
            u32::from(*c)
        ));
    }
    if found.len() > MAX_LISTED {
        message.push_str(&format!(
            "\n  … and {} more characters",
            found.len() - MAX_LISTED
        ));
    }
    let mut help = String::from(
        "install a font covering them (for Hán/Nôm, Noto Serif CJK: \
         `apt-get install fonts-noto-cjk`), or point --fonts at a font set that covers them",
    );
    match fonts.fallback.system_allowed() {
        false => help.push_str(
            "; the fonts installed on this machine were not searched (--no-system-fonts)",
        ),
        true => {
            let skipped = fonts.fallback.skipped_system_faces();
            if skipped > 0 {
                help.push_str(&format!(
                    "; {skipped} installed face{} covering them could not be read (font collections and CFF outlines are not supported yet)",
                    if skipped == 1 { "" } else { "s" }
                ));
            }
        }
    }
    Some(
        Diagnostic::error(message)
            .at(&doc.source, Span::new(first, first))
            .help(help),
    )
}

/// `ctx` in bold (call-out labels, terms, summaries).
fn bold(ctx: Ctx) -> Ctx {
    Ctx {
        style: Style {
            bold: true,
            ..ctx.style
        },
        ..ctx
    }
}

/// Walks inline content, tracking style changes.
fn inlines(content: &[Inline], ctx: Ctx, check: &mut dyn FnMut(&str, Span, Ctx)) {
    let mut stack: Vec<(&Inline, Ctx)> = content.iter().rev().map(|i| (i, ctx)).collect();
    while let Some((inl, ctx)) = stack.pop() {
        let child = |style: Style| Ctx { style, ..ctx };
        match &inl.kind {
            InlineKind::Text(t) => check(t, inl.span, ctx),
            // The math face draws the symbols; `\text{…}` is body text.
            InlineKind::Math(f) => {
                for t in f.texts() {
                    check(&t, inl.span, ctx);
                }
            }
            InlineKind::Code(t) => check(
                t,
                inl.span,
                Ctx {
                    role: Role::Code,
                    style: ctx.style,
                },
            ),
            InlineKind::Kbd(c) => {
                let c2 = Ctx {
                    role: Role::Code,
                    style: ctx.style,
                };
                stack.extend(c.iter().rev().map(|i| (i, c2)));
            }
            InlineKind::Emphasis(c) => {
                let c2 = child(Style {
                    italic: !ctx.style.italic,
                    ..ctx.style
                });
                stack.extend(c.iter().rev().map(|i| (i, c2)));
            }
            InlineKind::Strong(c) => {
                let c2 = child(Style {
                    bold: true,
                    ..ctx.style
                });
                stack.extend(c.iter().rev().map(|i| (i, c2)));
            }
            InlineKind::Strikethrough(c)
            | InlineKind::Underline(c)
            | InlineKind::Superscript(c)
            | InlineKind::Subscript(c)
            | InlineKind::Small(c)
            | InlineKind::Mark(c)
            | InlineKind::Lang { content: c, .. }
            | InlineKind::Link { content: c, .. } => stack.extend(c.iter().rev().map(|i| (i, ctx))),
            InlineKind::Image { alt, .. } => {
                let c2 = Ctx {
                    role: Role::Body,
                    style: Style {
                        bold: false,
                        italic: true,
                    },
                };
                stack.extend(alt.iter().rev().map(|i| (i, c2)));
            }
            InlineKind::FootnoteRef(_)
            | InlineKind::NoteRef { .. }
            | InlineKind::Anchor(_)
            | InlineKind::SoftBreak
            | InlineKind::HardBreak => {}
        }
    }
}

/// Characters that are never drawn (format controls, variation selectors…):
/// Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt).
pub(crate) fn is_default_ignorable(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0xE0000..=0xE0FFF)
}
