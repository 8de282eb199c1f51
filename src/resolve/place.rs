//! Placement of images: which image is set as a figure, decided once here
//! so that the EPUB and the PDF show the same thing.
//!
//! Sizes are in CSS px (1/96 in = 0.75 pt, CSS Values 4 § 6.2). An image's
//! natural size ([`css_size`]) is the `width`/`height` raw HTML gives (one
//! of them: the other from the pixels' proportions), else its pixels at
//! 96 px/in, as a browser or EPUB reader draws an image with no size.
//!
//! An image standing directly in a paragraph becomes a figure when
//! 1. the paragraph holds nothing else (white space and line breaks aside),
//!    whatever its size — remote and unreadable images too, as before;
//! 2. it is alone on its line (the paragraph's start or a line break
//!    before it, a line break or the paragraph's end after it) and its
//!    natural size is known and larger than an icon's: taller than
//!    [`ICON_MAX_PX`] (1.5 lines of body text);
//! 3. its natural width is larger than [`FIGURE_MEASURE_PX`], wherever it
//!    stands: it cannot be a word of a line.
//!
//! The paragraph is split into the paragraph before, the figure and the
//! paragraph after ([`BlockKind::Figure`]); the figure's caption is the
//! image's title, else its alternative text. Every other image stays in its
//! line and takes its natural size there (see the typesetter's
//! `inline_image`). Images inside links, emphasis or table cells are not
//! moved.

use crate::doc::{Block, BlockKind, Document, Inline, InlineKind, Span};

/// The width beyond which an image cannot stand in a line, in CSS px: 400
/// px = 300 pt, the narrowest text measure trang sets (A5 and Statement:
/// 299 pt with the bundled faces; A4 and Letter: 369 pt). It is fixed, not
/// the chosen paper's measure, so that the EPUB's figures do not depend on
/// `--paper`; on a wider measure such an image would still dwarf its line.
pub const FIGURE_MEASURE_PX: f32 = 400.0;

/// The tallest image still treated as an icon or a badge when alone on its
/// line, in CSS px: 32 px = 24 pt, 1.5 lines of body text (the PDF's body
/// lines are 14–16 pt apart).
pub const ICON_MAX_PX: f32 = 32.0;

/// An image's natural size in CSS px: the `width`/`height` raw HTML gives
/// (both: as given; one: the other in the pixels' proportions), else its
/// `pixels` at 96 px/in (CSS Values 4 § 6.2: 1 px = 1/96 in).
pub fn css_size(width: Option<u32>, height: Option<u32>, pixels: (u32, u32)) -> (f32, f32) {
    let (pw, ph) = (pixels.0.max(1) as f32, pixels.1.max(1) as f32);
    match (width, height) {
        (Some(w), Some(h)) => (w as f32, h as f32),
        (Some(w), None) => (w as f32, w as f32 * ph / pw),
        (None, Some(h)) => (h as f32 * pw / ph, h as f32),
        (None, None) => (pw, ph),
    }
}

/// Sets as figures the images of `doc` that the rules above make figures.
pub fn place_images(doc: &mut Document, assets: &super::assets::Assets) {
    // The natural size of each local image, as the resolver read it once
    // ([`super::assets`]); `None` for remote, missing or refused images.
    let mut size = |inl: &Inline| match &inl.kind {
        InlineKind::Image {
            src, width, height, ..
        } => assets.get(src).map(|a| css_size(*width, *height, a.size)),
        _ => None,
    };
    place_in(&mut doc.blocks, &mut size);
    for f in &mut doc.footnotes {
        place_in(&mut f.blocks, &mut size);
    }
}

type SizeOf<'a> = dyn FnMut(&Inline) -> Option<(f32, f32)> + 'a;

/// The placement pass over `blocks` and every block inside them.
fn place_in(blocks: &mut Vec<Block>, size: &mut SizeOf) {
    let mut out = Vec::with_capacity(blocks.len());
    for mut block in std::mem::take(blocks) {
        match &mut block.kind {
            BlockKind::Paragraph(content) => {
                let figures = figure_indices(content, size);
                if !figures.is_empty() {
                    let content = std::mem::take(content);
                    split(content, &figures, block.span, &mut out);
                    continue;
                }
            }
            BlockKind::BlockQuote(b)
            | BlockKind::Aligned { blocks: b, .. }
            | BlockKind::Details { blocks: b, .. }
            | BlockKind::Callout { blocks: b, .. } => place_in(b, size),
            BlockKind::List { items, .. } => {
                for item in items {
                    place_in(&mut item.blocks, size);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for d in defs.iter_mut().flat_map(|d| d.details.iter_mut()) {
                    place_in(d, size);
                }
            }
            _ => {}
        }
        out.push(block);
    }
    *blocks = out;
}

fn blank(inl: &Inline) -> bool {
    matches!(&inl.kind, InlineKind::Text(t) if t.trim().is_empty())
}

fn line_break(inl: &Inline) -> bool {
    matches!(inl.kind, InlineKind::SoftBreak | InlineKind::HardBreak)
}

/// The indices in `content` of the images set as figures.
fn figure_indices(content: &[Inline], size: &mut SizeOf) -> Vec<usize> {
    let images: Vec<usize> = content
        .iter()
        .enumerate()
        .filter(|(_, inl)| matches!(inl.kind, InlineKind::Image { .. }))
        .map(|(i, _)| i)
        .collect();
    let whole = images.len() == 1
        && content.iter().all(|inl| {
            matches!(inl.kind, InlineKind::Image { .. }) || blank(inl) || line_break(inl)
        });
    images
        .into_iter()
        .filter(|&i| {
            if whole {
                return true;
            }
            let before = content[..i].iter().rev().find(|x| !blank(x));
            let after = content[i + 1..].iter().find(|x| !blank(x));
            let alone = before.is_none_or(line_break) && after.is_none_or(line_break);
            match size(&content[i]) {
                Some((w, h)) => w > FIGURE_MEASURE_PX || (alone && h > ICON_MAX_PX),
                None => false,
            }
        })
        .collect()
}

/// Pushes to `out` the paragraph `content` split at the images `figures`:
/// the text between them as paragraphs (empty ones left out) and each image
/// as a figure.
fn split(content: Vec<Inline>, figures: &[usize], span: Span, out: &mut Vec<Block>) {
    let mut para: Vec<Inline> = Vec::new();
    for (i, inl) in content.into_iter().enumerate() {
        if !figures.contains(&i) {
            para.push(inl);
            continue;
        }
        push_paragraph(std::mem::take(&mut para), span, out);
        let caption = match &inl.kind {
            InlineKind::Image { title, .. } if !title.trim().is_empty() => vec![Inline {
                kind: InlineKind::Text(title.trim().to_string()),
                span: inl.span,
            }],
            InlineKind::Image { alt, .. } => alt.clone(),
            _ => Vec::new(),
        };
        let span = inl.span;
        out.push(Block {
            kind: BlockKind::Figure {
                image: inl,
                caption,
            },
            span,
        });
    }
    push_paragraph(para, span, out);
}

/// Pushes `content` as a paragraph, without the white space and line breaks
/// at its ends (where a figure was cut out); nothing when nothing is left.
fn push_paragraph(mut content: Vec<Inline>, span: Span, out: &mut Vec<Block>) {
    while content.first().is_some_and(|x| blank(x) || line_break(x)) {
        content.remove(0);
    }
    while content.last().is_some_and(|x| blank(x) || line_break(x)) {
        content.pop();
    }
    if let Some(Inline {
        kind: InlineKind::Text(t),
        ..
    }) = content.first_mut()
    {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline {
        kind: InlineKind::Text(t),
        ..
    }) = content.last_mut()
    {
        *t = t.trim_end().to_string();
    }
    let (Some(first), Some(last)) = (content.first(), content.last()) else {
        return;
    };
    let span = Span::new(
        first.span.start.max(span.start),
        last.span.end.min(span.end),
    );
    out.push(Block {
        kind: BlockKind::Paragraph(content),
        span,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::plain_text;

    fn inl(kind: InlineKind) -> Inline {
        Inline {
            kind,
            span: Span::default(),
        }
    }

    fn text(s: &str) -> Inline {
        inl(InlineKind::Text(s.into()))
    }

    fn brk() -> Inline {
        inl(InlineKind::SoftBreak)
    }

    fn img(src: &str, width: Option<u32>, height: Option<u32>) -> Inline {
        inl(InlineKind::Image {
            src: src.into(),
            title: String::new(),
            alt: vec![text("Hình")],
            width,
            height,
            scale: None,
        })
    }

    /// `image` on a line of its own between two lines of text.
    fn own_line(image: Inline) -> Vec<Inline> {
        vec![text("Một"), brk(), image, brk(), text("hai")]
    }

    /// Placement with sizes from `width`/`height` only (no files read).
    fn place(content: Vec<Inline>) -> Vec<Block> {
        let mut blocks = vec![Block {
            kind: BlockKind::Paragraph(content),
            span: Span::new(0, 100),
        }];
        let mut size = |inl: &Inline| match &inl.kind {
            InlineKind::Image {
                width: Some(w),
                height: Some(h),
                ..
            } => Some((*w as f32, *h as f32)),
            _ => None,
        };
        place_in(&mut blocks, &mut size);
        blocks
    }

    fn shape(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Paragraph(c) => format!("p:{}", plain_text(c)),
                BlockKind::Figure { caption, .. } => format!("fig:{}", plain_text(caption)),
                _ => "other".into(),
            })
            .collect()
    }

    #[test]
    fn an_image_alone_on_its_line_is_a_figure_between_two_paragraphs() {
        let b = place(own_line(img("a.png", Some(333), Some(314))));
        assert_eq!(shape(&b), ["p:Một", "fig:Hình", "p:hai"]);
    }

    #[test]
    fn an_image_inside_a_line_stays_unless_wider_than_the_line() {
        let inline = vec![
            text("Một "),
            img("a.png", Some(333), Some(314)),
            text(" hai"),
        ];
        assert_eq!(shape(&place(inline)), ["p:Một Hình hai"]);
        let wide = vec![
            text("Một "),
            img("a.png", Some(401), Some(20)),
            text(" hai"),
        ];
        assert_eq!(shape(&place(wide)), ["p:Một", "fig:Hình", "p:hai"]);
    }

    #[test]
    fn an_icon_alone_on_its_line_stays_in_the_paragraph() {
        let b = place(own_line(img("i.png", Some(32), Some(32))));
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn an_image_of_unknown_size_is_a_figure_only_alone_in_its_paragraph() {
        assert_eq!(
            shape(&place(vec![img("https://x/a.png", None, None)])),
            ["fig:Hình"]
        );
        let b = place(own_line(img("https://x/a.png", None, None)));
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn natural_size_keeps_the_pixels_proportions() {
        assert_eq!(css_size(None, None, (333, 314)), (333.0, 314.0));
        assert_eq!(css_size(Some(300), None, (600, 200)), (300.0, 100.0));
        assert_eq!(css_size(None, Some(50), (600, 200)), (150.0, 50.0));
        assert_eq!(css_size(Some(10), Some(20), (600, 200)), (10.0, 20.0));
    }
}
